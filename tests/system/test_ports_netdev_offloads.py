"""The system port with frames that do not fit its receive ring, and with
hosts that do not segment for themselves (root).

Two hosts h1, h2 in namespaces, joined through tools/dp-switch (a hub of
their root-side veth ends, system ports):

  - GRO is turned on on each port's device while attached (so that the
    MTU-sized frames of a host without TSO reach the ring as super-frames)
    and turned back off when the port goes;
  - TCP from hosts with TSO and GSO off flows, and arrives coalesced;
  - jumbo frames (MTU 9000: larger than a ring frame, not GSO) come
    through the socket's queue intact, both ways.

Every namespace and device name starts with "tpo" (this file's tag).
Figures are printed: run with -s to see them.
"""

import json
import re
import subprocess
import time

from conftest import netns_host, run

TAG = "tpo"
NET = "10.231.79"


def gro_on(dev):
    out = run("ethtool", "-k", dev).stdout
    m = re.search(r"^generic-receive-offload: (\w+)", out, re.M)
    assert m, out
    return m.group(1) == "on"


def iperf(h1, h2, seconds=3):
    """TCP from h1 to h2; returns (bytes received, Gb/s)."""
    server = subprocess.Popen(
        ["ip", "netns", "exec", h2.ns, "iperf3", "-s", "-1", "-p", "5279"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.3)
        out = h1.run("iperf3", "-c", h2.addr, "-p", "5279", "-t",
                     str(seconds), "-J", timeout=seconds + 30).stdout
    finally:
        server.kill()
        server.wait()
    end = json.loads(out)["end"]["sum_received"]
    return end["bytes"], end["bits_per_second"] / 1e9


def test_gro_on_while_attached_then_restored(switch):
    with netns_host(TAG, 1, f"{NET}.1/24") as h1, \
            netns_host(TAG, 2, f"{NET}.2/24") as h2:
        devs = (h1.peer, h2.peer)
        assert not any(gro_on(d) for d in devs)   # veth's default
        sw = switch(*devs)
        assert all(gro_on(d) for d in devs)
        h1.ping(h2.addr)
        sw.stop()
        assert not any(gro_on(d) for d in devs)


def test_tcp_from_hosts_without_tso(switch):
    with netns_host(TAG, 1, f"{NET}.1/24") as h1, \
            netns_host(TAG, 2, f"{NET}.2/24") as h2:
        for h in (h1, h2):
            h.run("ethtool", "-K", "eth0", "tso", "off", "gso", "off")
        sw = switch(h1.peer, h2.peer)
        h1.ping(h2.addr)
        received, gbps = iperf(h1, h2)
        ports = sw.stop()
        p1 = ports[h1.peer]
        avg = p1["rx_bytes"] / p1["rx_packets"]
        print(f"\nTCP from a host without TSO: {gbps:.2f} Gb/s, "
              f"average frame from h1 {avg:.0f} bytes")
        # It flows (no stall: hundreds of MB in 3 s even on a busy
        # machine), and GRO made super-frames of h1's 1514-byte frames.
        assert received > 100e6
        assert avg > 1514
        assert p1["rx_errors"] == 0 and ports[h2.peer]["tx_errors"] == 0


def test_jumbo_frames_larger_than_a_ring_frame(switch):
    with netns_host(TAG, 1, f"{NET}.1/24", mtu=9000) as h1, \
            netns_host(TAG, 2, f"{NET}.2/24", mtu=9000) as h2:
        sw = switch(h1.peer, h2.peer)
        # 8972 bytes of ICMP payload: 9014-byte frames, unfragmented.
        for a, b in ((h1, h2), (h2, h1)):
            a.run("ping", "-c", "5", "-i", "0.05", "-W", "1", "-M", "do",
                  "-s", "8972", b.addr)
        ports = sw.stop()
        for p in ports.values():
            assert p["rx_packets"] >= 10 and p["rx_errors"] == 0
            assert p["rx_dropped"] == 0 and p["tx_errors"] == 0
        # The echo requests and replies went through whole.
        assert ports[h1.peer]["rx_bytes"] > 5 * 9014
        assert ports[h2.peer]["tx_bytes"] == ports[h1.peer]["rx_bytes"]
