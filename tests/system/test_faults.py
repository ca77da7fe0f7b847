"""Fault tests (issue 9): a patch loop, a MAC flood and an upcall storm
against a running vswitchd, each reading the named counters (dpctl/show -s
drop reasons, coverage/show, fdb/show) and bounding flows, memory and the
latency of the control socket (`vs-appctl version` < 1 s throughout).

Device and namespace names start with "vft" (this file's tag).
"""

import re
import subprocess
import time

from conftest import netns_host, wait_until
from test_drop_reasons import coverage, ofport, port_stats, show_drops

TAG = "vft"
MAX_LATENCY_S = 1.0

# argv = seconds|count N, src (mac|vary), dst (mac|vary), dst_ip, dport.
# "vary": a new unicast MAC per frame; udp source ports vary too.  With
# "seconds", sends for that long; with "count", that many frames.
SENDER = r"""
import socket, struct, sys, time
mode, n, smac, dmac, dip, dport = sys.argv[1:7]
n, dport = float(n), int(dport)
mac = lambda m: bytes(int(x, 16) for x in m.split(":"))
vary = lambda i, b: bytes([2, b, i >> 24 & 255, i >> 16 & 255, i >> 8 & 255,
                           i & 255])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
end, i = time.time() + n, 0
while (time.time() < end) if mode == "seconds" else (i < n):
    src = vary(i, 0x5a) if smac == "vary" else mac(smac)
    dst = vary(i, 0x5e) if dmac == "vary" else mac(dmac)
    udp = struct.pack("!HHHH", 1024 + i % 60000, dport, 26, 0) + bytes(18)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xffff,
                     0, 64, 17, 0, socket.inet_aton("10.78.0.1"),
                     socket.inet_aton(dip))
    s.send(dst + src + b"\x08\x00" + ip + udp)
    i += 1
print(i)
"""


def start_sender(host, mode, n, smac, dmac, dport=7000):
    return subprocess.Popen(
        ["ip", "netns", "exec", host.ns, "python3", "-c", SENDER, mode,
         str(n), smac, dmac, "10.78.0.2", str(dport)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(sender, timeout=60):
    """Waits for a sender; returns the number of frames it sent."""
    out, err = sender.communicate(timeout=timeout)
    assert sender.returncode == 0, err
    return int(out)


def version_latency(d):
    t = time.monotonic()
    d.appctl("version", timeout=5)
    return time.monotonic() - t


def latencies_while(d, proc):
    """`vs-appctl version` round trips (s) measured while `proc` runs."""
    out = []
    while proc.poll() is None:
        out.append(version_latency(d))
        time.sleep(0.1)
    return out


def vm_rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"^VmRSS:\s+(\d+)", f.read(), re.M).group(1))


def n_dp_flows(d):
    return len(d.dpctl("dump-flows").stdout.splitlines())


def lost(d):
    show = d.appctl("dpctl/show", "-s").stdout
    return int(re.search(r"lookups: hit:\d+ missed:\d+ lost:(\d+)",
                         show).group(1))


def test_patch_loop_stays_responsive(vswitchd):
    """A patch pair whose rules send every packet back into it, under a
    3 s stream: every packet the port received ends at the recursion limit
    or a full deferred-action queue (counted at pb, in the datapath's
    total and coverage), and the control socket answers within 1 s all
    along."""
    br, pa, pb = f"{TAG}br1", f"{TAG}pa", f"{TAG}pb"
    with netns_host(TAG, 1, "10.78.0.1/24") as h1:
        d = vswitchd
        d.vsctl("add-br", br, "--", "add-port", br, h1.peer)
        for me, peer in ((pa, pb), (pb, pa)):
            d.vsctl("add-port", br, me, "--", "set", "interface", me,
                    "type=patch", f"options:peer={peer}")
        d.ofctl("del-flows", br)
        out = f"actions=output:{ofport(d, pa)}"
        d.ofctl("add-flow", br, f"in_port={ofport(d, h1.peer)},{out}")
        d.ofctl("add-flow", br, f"in_port={ofport(d, pb)},{out}")
        # One frame first, so that the loop's datapath flows are in before
        # the blast: otherwise its first frames miss while they are set up
        # and some are lost at the full upcall queue, outside the loop.
        finish(start_sender(h1, "count", 1, h1.mac, "02:00:00:00:78:02"))
        wait_until(lambda: n_dp_flows(d) >= 2, timeout=5,
                   what="the loop's datapath flows")
        sender = start_sender(h1, "seconds", 3, h1.mac, "02:00:00:00:78:02")
        waits = latencies_while(d, sender)
        sent = finish(sender)
        print(f"\npatch loop: {sent} frames, version latency max "
              f"{max(waits):.3f} s over {len(waits)} calls")
        assert len(waits) >= 10 and max(waits) < MAX_LATENCY_S, waits
        # Every frame the port took ends in the loop, at pb: at the
        # recursion limit, or (a whole batch looping) when the deferred-
        # action queue is full.  What the port did not take overflowed its
        # ring: each frame goes round ~60 times.
        rx = port_stats(d, h1.peer)["rx_packets"]
        assert rx >= 1000, (rx, sent)
        loop_reasons = ("drop_action_recursion_too_deep",
                        "datapath_drop_deferred_full")

        def loop_drops():
            dp, ports = show_drops(d)
            return [(dp.get(r, 0), ports[pb].get(r, 0)) for r in loop_reasons]
        wait_until(lambda: sum(t for t, _ in loop_drops()) == rx, timeout=5,
                   what=f"{rx} drops in the loop")
        (deep, deep_pb), (full, full_pb) = loop_drops()
        print(f"loop drops: {deep} too deep, {full} deferred full, rx {rx}")
        assert deep > 0 and deep == deep_pb and full == full_pb
        cov = coverage(d)
        assert cov["drop_action_recursion_too_deep"] == deep
        assert cov.get("datapath_drop_deferred_full", 0) == full
        assert n_dp_flows(d) <= 8      # the loop's, and the host's IPv6


def fdb_size(d, br):
    out = d.appctl("fdb/show", br).stdout
    return len(re.findall(r"^\s*\d+\s+\d+\s+[0-9a-f:]{17}\s", out, re.M))


def test_mac_flood_bounded(vswitchd):
    """20,000 source MACs (each frame also to a new unknown MAC): the FDB
    stays at other_config:mac-table-size, datapath flows at flow-limit,
    RSS grows by less than 16 MB, and the daemon stays responsive."""
    br, table, limit = f"{TAG}br2", 500, 2000
    with netns_host(TAG, 2, "10.78.0.1/24") as h2, \
            netns_host(TAG, 3, "10.78.0.3/24") as h3:
        d = vswitchd
        d.vsctl("add-br", br, "--", "add-port", br, h2.peer, "--",
                "add-port", br, h3.peer, "--", "set", "bridge", br,
                f"other_config:mac-table-size={table}",
                f"other_config:flow-limit={limit}")
        h2.ping(h3.addr)
        rss0 = vm_rss_kb(d.pid)
        sender = start_sender(h2, "count", 20000, "vary", "vary")
        waits = latencies_while(d, sender)
        sent = finish(sender)
        time.sleep(0.5)               # the last upcalls handled
        size, flows = fdb_size(d, br), n_dp_flows(d)
        rss = vm_rss_kb(d.pid)
        print(f"\nMAC flood: {sent} frames, fdb {size}, flows {flows}, "
              f"RSS {rss0} -> {rss} kB, latency max "
              f"{max(waits, default=0):.3f} s")
        assert table * 0.9 <= size <= table, size
        assert flows <= limit + 10, flows
        assert rss - rss0 < 16 * 1024, (rss0, rss)
        assert not waits or max(waits) < MAX_LATENCY_S, waits
        assert version_latency(d) < MAX_LATENCY_S
        h2.ping(h3.addr)              # the learned hosts still forward


def test_upcall_storm_bounded(vswitchd):
    """4 s of frames to ever new destination MACs (each a new flow): the
    control socket answers within 1 s throughout, datapath flows stay at
    flow-limit, and every miss the queue could not take is counted twice
    alike: lookups lost and datapath_drop_upcall_error."""
    br, limit = f"{TAG}br3", 1000
    with netns_host(TAG, 4, "10.78.0.1/24") as h4:
        d = vswitchd
        d.vsctl("add-br", br, "--", "add-port", br, h4.peer, "--", "set",
                "bridge", br, f"other_config:flow-limit={limit}")
        lost0 = lost(d)
        err0 = show_drops(d)[0].get("datapath_drop_upcall_error", 0)
        upcalls0 = coverage(d).get("upcalls", 0)
        sender = start_sender(h4, "seconds", 4, h4.mac, "vary")
        waits, peak = [], 0
        while sender.poll() is None:
            waits.append(version_latency(d))
            peak = max(peak, n_dp_flows(d))
            time.sleep(0.1)
        sent = finish(sender)
        time.sleep(0.5)
        n_lost = lost(d) - lost0
        err = show_drops(d)[0].get("datapath_drop_upcall_error", 0) - err0
        upcalls = coverage(d).get("upcalls", 0) - upcalls0
        peak = max(peak, n_dp_flows(d))
        print(f"\nupcall storm: {sent} frames, {upcalls} upcalls, "
              f"{n_lost} lost, peak flows {peak}, latency max "
              f"{max(waits):.3f} s over {len(waits)} calls")
        assert sent > 2 * limit, sent
        assert len(waits) >= 10 and max(waits) < MAX_LATENCY_S, waits
        assert peak <= limit + 10, peak
        assert err == n_lost, (err, n_lost)
        assert upcalls + n_lost >= limit, (upcalls, n_lost)
        assert d.proc.poll() is None
