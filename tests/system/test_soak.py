"""Soak: traffic through a vswitchd while ports (and, in the long form,
flows) come and go; the daemon's resident memory and fd count stay flat.

Through system ports, h1 sends TCP to h2 (iperf3, about 1 Gb/s: GSO
super-frames) and h3 blasts 8000-byte UDP frames at h2 (MTU 9000) while
h3's port is added and removed every 0.5 s: each time it comes back its
flows are new, and a burst of frames bigger than 2 KiB goes up as upcalls.
(TCP from h3 would do as well, but backs off while its port is out.)  After a
warm-up, VmRSS and the number of open fds are sampled, always with the
churned port out (a present port adds its 8 MiB receive ring), and their
growth is bounded.

  short form  (~40 s)   runs in the normal system suite;
  long form   SOAK_SECONDS (default 1800) under `make soak` (env SOAK=1):
              also adds and deletes OpenFlow rules every round and
              requires no ERR or EMER line in the log.

Issue 9, defect 5: before its fix every upcall slot kept the biggest
frame it had carried (1024 slots, up to 64 KiB each) and the ports'
1 MiB big-frame buffers came from the heap after the first one was
freed; RSS grew ~35 KB/s under this load (~1 MB in the short form).

Every namespace and device name starts with "sk" (this file's tag).
"""

import os
import subprocess
import time

import pytest

from conftest import netns_host

TAG = "sk"
NET = "10.237.1"
CHURN_PERIOD_S = 0.5


def vm_rss_kb(pid):
    """The process's VmRSS in kB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError(f"no VmRSS for pid {pid}")


def n_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def start_load(client, server, seconds, port=5237, how=("-l", "1400")):
    """iperf3 (TCP unless `how` says -u) from `client` to `server` for
    `seconds`: (server, client) processes, killed by the caller."""
    srv = subprocess.Popen(
        ["ip", "netns", "exec", server.ns, "iperf3", "-s", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    cli = subprocess.Popen(
        ["ip", "netns", "exec", client.ns, "iperf3", "-c", server.addr, "-p",
         str(port), "-b", "1G", *how, "-t",
         str(int(seconds) + 30)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return srv, cli


# argv = seconds src_mac dst_mac: 8000-byte UDP frames on eth0, ~10 per
# ms (about 650 Mb/s); raw, so that no control connection minds the port
# going away (iperf3's does).
BLASTER = r"""
import socket, sys, time
secs, smac, dmac = float(sys.argv[1]), sys.argv[2], sys.argv[3]
mac = lambda m: bytes(int(x, 16) for x in m.split(":"))
ip = bytes([0x45, 0, 0x1f, 0x40, 0, 0, 0, 0, 64, 17, 0, 0, 10, 237, 1, 3,
            10, 237, 1, 2])
frame = mac(dmac) + mac(smac) + b"\x08\x00" + ip + bytes(8000 - 20)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
end = time.time() + secs
while time.time() < end:
    for _ in range(10):
        try:
            s.send(frame)
        except OSError:
            pass
    time.sleep(0.001)
"""


def start_blaster(client, server, seconds):
    return [subprocess.Popen(
        ["ip", "netns", "exec", client.ns, "python3", "-c", BLASTER,
         str(int(seconds) + 30), client.mac, server.mac],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]


def flow_churn(d, br, i):
    """Adds one OpenFlow rule and deletes the previous one."""
    d.ofctl("add-flow", br,
            f"priority=10,udp,tp_dst={20000 + i % 1000},actions=drop")
    if i:
        d.ofctl("del-flows", br, f"udp,tp_dst={20000 + (i - 1) % 1000}")


def soak(d, seconds, warmup_s, flows):
    """Runs the load for `seconds`; returns the samples taken after the
    warm-up as [(t, rss_kb, fds)] and the traffic's rx packet count."""
    br = f"{TAG}br"
    with netns_host(TAG, 1, f"{NET}.1/24") as h1, \
            netns_host(TAG, 2, f"{NET}.2/24", mtu=9000) as h2, \
            netns_host(TAG, 3, f"{NET}.3/24", mtu=9000) as h3:
        d.vsctl("add-br", br, "--", "add-port", br, h1.peer, "--",
                "add-port", br, h2.peer)
        d.vsctl("add-port", br, h3.peer)
        for a, b in ((h1, h2), (h2, h1), (h3, h2), (h2, h3)):
            a.run("ip", "neigh", "replace", b.addr, "lladdr", b.mac, "dev",
                  a.ifname)
        h3.ping(h2.addr)
        procs = [*start_load(h1, h2, seconds)] \
            + start_blaster(h3, h2, seconds)
        samples, present, i = [], True, 0
        t0 = time.time()
        try:
            while time.time() - t0 < seconds:
                if present:
                    d.vsctl("del-port", br, h3.peer)
                else:
                    d.vsctl("add-port", br, h3.peer)
                present = not present
                if flows:
                    flow_churn(d, br, i)
                i += 1
                assert d.proc.poll() is None, "vswitchd died"
                if not present and time.time() - t0 >= warmup_s:
                    samples.append((time.time() - t0, vm_rss_kb(d.pid),
                                    n_fds(d.pid)))
                time.sleep(CHURN_PERIOD_S)
            assert all(p.poll() is None for p in procs), "iperf3 stopped"
        finally:
            for p in procs:
                p.kill()
                p.wait()
        rx = d.dpctl("show", "-s").stdout
    return samples, rx, i


def check_flat(samples, max_rss_growth_kb):
    assert len(samples) >= 5, samples
    first_rss, first_fds = samples[0][1], samples[0][2]
    peak_rss = max(s[1] for s in samples)
    peak_fds = max(s[2] for s in samples)
    span = samples[-1][0] - samples[0][0]
    print(f"\nsoak: {len(samples)} samples over {span:.0f} s after warm-up: "
          f"RSS {first_rss} -> {samples[-1][1]} kB (peak {peak_rss}), "
          f"fds {first_fds} -> {samples[-1][2]} (peak {peak_fds})")
    assert peak_rss - first_rss <= max_rss_growth_kb, \
        f"RSS grew {peak_rss - first_rss} kB in {span:.0f} s: {samples}"
    # A sample may catch a vs-vsctl connection not yet closed: a leak
    # shows as the late minimum above the early maximum.
    fds = [s[2] for s in samples]
    assert min(fds[-5:]) <= max(fds[:5]) and peak_fds <= first_fds + 4, \
        f"fds grew: {samples}"


def traffic_flowed(rx_text):
    """True when dpctl show -s reports GiB-scale rx on some port (the TCP
    load really ran through the switch)."""
    return "GiB)" in rx_text


def test_soak_short(vswitchd):
    samples, rx, rounds = soak(vswitchd, seconds=40, warmup_s=10,
                               flows=False)
    assert rounds >= 40, rounds
    assert traffic_flowed(rx), rx
    # Fixed: 0-250 kB of malloc warm-up; before the fix ~1 MB (35 kB/s).
    check_flat(samples, max_rss_growth_kb=512)


@pytest.mark.soak
def test_soak_long(vswitchd):
    seconds = int(os.environ.get("SOAK_SECONDS", "1800"))
    samples, rx, rounds = soak(vswitchd, seconds=seconds,
                               warmup_s=min(120, seconds / 5), flows=True)
    assert traffic_flowed(rx), rx
    check_flat(samples, max_rss_growth_kb=2048)
    bad = [line for line in vswitchd.log_text().splitlines()
           if "|ERR|" in line or "|EMER|" in line]
    assert not bad, "\n".join(bad[:20])
