"""System and internal port types through the forwarding thread (root).

Two hosts h1, h2 in namespaces are joined by veth pairs to the root
namespace; tools/dp-switch makes a hub of the root-side ends (system ports)
and, in some tests, of an internal (TAP) port the root namespace uses as a
host.  Throughput figures are printed (run with -s to see them); the
comparison with the Linux bridge is bench/ports_bench.sh.
"""

import json
import re
import subprocess
import time

import pytest

from conftest import binary, netns_host, run, wait_until

TAG = "tpn"
NET = "10.231.77"          # unusual, since the internal port's address
                           # lives in the root namespace


def promiscuity(dev):
    info = json.loads(run("ip", "-d", "-j", "link", "show", dev).stdout)[0]
    return info["promiscuity"]


def lro_state(dev):
    """ethtool's line for LRO, e.g. "off [fixed]"."""
    out = run("ethtool", "-k", dev).stdout
    m = re.search(r"large-receive-offload: (.*)", out)
    assert m, out
    return m.group(1).strip()


def rx_packets(host):
    return int(host.run("cat", f"/sys/class/net/{host.ifname}/statistics/"
                        "rx_packets").stdout)


@pytest.fixture(scope="module")
def hosts():
    with netns_host(TAG, 1, f"{NET}.1/24") as h1, \
            netns_host(TAG, 2, f"{NET}.2/24") as h2:
        yield h1, h2


def test_ping_and_arp_both_ways(hosts, switch):
    h1, h2 = hosts
    h1.run("ip", "neigh", "flush", "dev", "eth0")
    h2.run("ip", "neigh", "flush", "dev", "eth0")
    sw = switch(h1.peer, h2.peer)
    h1.ping(h2.addr)
    h2.ping(h1.addr)
    neigh = h1.run("ip", "neigh", "show", h2.addr, "dev", "eth0").stdout
    assert h2.mac in neigh, neigh
    neigh = h2.run("ip", "neigh", "show", h1.addr, "dev", "eth0").stdout
    assert h1.mac in neigh, neigh
    ports = sw.stop()
    p1, p2 = ports[h1.peer], ports[h2.peer]
    assert p1["type"] == "system" and p2["type"] == "system"
    assert p1["rx_packets"] >= 7 and p2["rx_packets"] >= 7  # 6 ICMP + ARP
    # A hub of two ports: what enters one leaves the other.
    assert p2["tx_packets"] + p2["tx_dropped"] + p2["tx_errors"] \
        == p1["rx_packets"]
    assert p1["tx_packets"] + p1["tx_dropped"] + p1["tx_errors"] \
        == p2["rx_packets"]
    assert p1["tx_bytes"] == p2["rx_bytes"] and p2["tx_bytes"] == \
        p1["rx_bytes"]
    for p, h in ((p1, h1), (p2, h2)):
        assert p["link"] == "up" and p["mtu"] == 1500
        mac = run("cat", f"/sys/class/net/{h.peer}/address").stdout.strip()
        assert p["mac"] == mac


def test_tcp_iperf_with_offloads(hosts, switch):
    h1, h2 = hosts
    sw = switch(h1.peer, h2.peer)
    h1.ping(h2.addr)
    server = subprocess.Popen(["ip", "netns", "exec", h2.ns, "iperf3", "-s",
                               "-1", "-p", "5231"],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.3)
        out = h1.run("iperf3", "-c", h2.addr, "-p", "5231", "-t", "3", "-J",
                     timeout=30).stdout
    finally:
        server.kill()
        server.wait()
    result = json.loads(out)
    gbps = result["end"]["sum_received"]["bits_per_second"] / 1e9
    print(f"\nTCP through dp-switch: {gbps:.2f} Gb/s")
    assert result["end"]["sum_received"]["bytes"] > 0
    ports = sw.stop()
    p1 = ports[h1.peer]
    # TSO super-frames crossed intact: the average frame received from h1
    # is far larger than one MTU-sized frame.
    avg = p1["rx_bytes"] / p1["rx_packets"]
    print(f"average frame from h1: {avg:.0f} bytes")
    assert avg > 1514
    assert p1["rx_errors"] == 0 and ports[h2.peer]["tx_errors"] == 0


def test_small_udp_rate(hosts, switch):
    h1, h2 = hosts
    sw = switch(h1.peer, h2.peer)
    h1.ping(h2.addr)
    before = rx_packets(h2)
    out = h1.run(binary("bench/udp_blast"), h2.addr, "9", "2",
                 timeout=30).stdout
    sent = int(re.search(r"sent (\d+) packets", out).group(1))
    time.sleep(0.2)
    received = rx_packets(h2) - before
    print(f"\n64-byte UDP through dp-switch: {received / 2:.0f} pps "
          f"(h1 offered {sent / 2:.0f} pps)")
    ports = sw.stop()
    p1, p2 = ports[h1.peer], ports[h2.peer]
    assert received > 10000
    # Everything h1's frames became is accounted for: forwarded or counted
    # as a drop of the ring (rx_dropped), never more than was sent (the
    # ping's 2 ARP and 1 ICMP frames and h1's own noise aside).
    assert p2["tx_packets"] >= received - 10
    assert p1["rx_packets"] + p1["rx_dropped"] <= sent + 20
    assert p1["rx_packets"] + p1["rx_dropped"] >= received


def test_refuses_loopback_missing_and_non_ethernet(hosts):
    h1, _ = hosts
    p = run(binary("tools/dp-switch"), h1.peer, "lo", check=False)
    assert p.returncode != 0
    assert "could not add network device lo" in p.stderr
    assert "loopback" in p.stderr and "(Invalid argument)" in p.stderr
    assert "ready" not in p.stdout
    missing = f"{TAG}nodev"
    p = run(binary("tools/dp-switch"), h1.peer, missing, check=False)
    assert p.returncode != 0
    assert f"could not open network device {missing} (No such device)" \
        in p.stderr
    tun = f"{TAG}tun"
    subprocess.run(["ip", "link", "del", tun], capture_output=True)
    try:
        run("ip", "tuntap", "add", "dev", tun, "mode", "tun")
        p = run(binary("tools/dp-switch"), tun, check=False)
        assert p.returncode != 0
        assert f"could not add network device {tun}: not an Ethernet " \
            "device" in p.stderr
    finally:
        subprocess.run(["ip", "link", "del", tun], capture_output=True)
    # The refusals left the first port's device as it was.
    assert promiscuity(h1.peer) == 0


def test_internal_port_as_host(hosts, switch):
    h1, _ = hosts
    dev = f"{TAG}int"
    subprocess.run(["ip", "link", "del", dev], capture_output=True)
    sw = switch(h1.peer, f"{dev}:internal")
    try:
        kind = json.loads(run("ip", "-d", "-j", "link", "show",
                              dev).stdout)[0]["linkinfo"]["info_kind"]
        assert kind == "tun"
        run("ip", "addr", "add", f"{NET}.100/24", "dev", dev)
        run("ip", "link", "set", dev, "up")
        run("ping", "-c", "3", "-i", "0.2", "-W", "1", "-I", dev, h1.addr)
        h1.ping(f"{NET}.100")
        up = sw.dump()[dev]
        assert up["rx_packets"] >= 4 and up["tx_packets"] >= 4
        assert up["link"] == "up" and up["tx_dropped"] == 0

        # Down: what the datapath sends to the device is dropped, counted.
        run("ip", "link", "set", dev, "down")
        time.sleep(0.2)           # the port re-reads the state every 50 ms
        h1.run("ip", "neigh", "flush", "dev", "eth0")
        h1.ping(f"{NET}.100", count=3, check=False)
        down = sw.dump()[dev]
        assert down["link"] == "down"
        assert down["tx_dropped"] >= 3
        assert down["tx_packets"] == up["tx_packets"]
        ports = sw.stop()
        assert ports[dev]["tx_dropped"] >= down["tx_dropped"]
        # The device goes with the port.
        p = run("ip", "link", "show", dev, check=False)
        assert p.returncode != 0
    finally:
        subprocess.run(["ip", "link", "del", dev], capture_output=True)


def test_foreign_tap_is_a_system_port(hosts, switch):
    """Only the switch's own internal devices are refused (unit-tested in
    test_netdev_util: the datapath refuses a duplicate port name first);
    a TAP someone else made is an Ethernet device like any other."""
    h1, _ = hosts
    dev = f"{TAG}tap"
    subprocess.run(["ip", "link", "del", dev], capture_output=True)
    try:
        run("ip", "tuntap", "add", "dev", dev, "mode", "tap")
        sw = switch(h1.peer, dev)
        assert promiscuity(dev) == 1
        ports = sw.stop()
        assert ports[dev]["type"] == "system"
        assert promiscuity(dev) == 0
    finally:
        subprocess.run(["ip", "link", "del", dev], capture_output=True)


def test_promiscuity_and_lro_restored(hosts, switch):
    h1, h2 = hosts
    before = {d: (promiscuity(d), lro_state(d)) for d in (h1.peer, h2.peer)}
    sw = switch(h1.peer, h2.peer)
    for d in (h1.peer, h2.peer):
        assert promiscuity(d) == before[d][0] + 1
        # LRO is off while attached.  veth has it "off [fixed]" and no
        # device on this machine can change it, so only "off" is checked.
        assert lro_state(d).startswith("off")
    sw.stop()
    after = {d: (promiscuity(d), lro_state(d)) for d in (h1.peer, h2.peer)}
    assert after == before

    # Even a killed switch gives the promiscuity back (the socket's
    # membership goes with it).
    sw = switch(h1.peer, h2.peer)
    assert promiscuity(h1.peer) == before[h1.peer][0] + 1
    sw.kill()
    wait_until(lambda: promiscuity(h1.peer) == before[h1.peer][0],
               what="promiscuity restored after SIGKILL")


def test_vlan_tag_restored(hosts, switch):
    """The kernel takes the 802.1Q tag out of a frame before a packet
    socket sees it (VLAN offload); the port puts it back, so h2 receives
    the frame tagged."""
    h1, h2 = hosts
    sw = switch(h1.peer, h2.peer)
    cap = subprocess.Popen(
        ["ip", "netns", "exec", h2.ns, "tcpdump", "-i", "eth0", "-e", "-nn",
         "-c", "3", "-l", "vlan 10 and udp port 7777"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)       # tcpdump attaches
        send = ("from scapy.all import *; sendp(Ether(dst='%s')/"
                "Dot1Q(vlan=10, prio=5)/IP(dst='%s')/UDP(dport=7777)/"
                "Raw(b'vlantest'), iface='eth0', count=3, inter=0.1, "
                "verbose=0)" % (h2.mac, h2.addr))
        h1.run("/usr/bin/python3", "-c", send, timeout=60)
        out, err = cap.communicate(timeout=10)
    finally:
        if cap.poll() is None:
            cap.kill()
            cap.communicate()
    lines = [x for x in out.splitlines() if "vlan 10" in x]
    assert len(lines) == 3, out + err
    assert all("p 5" in x for x in lines), out
    ports = sw.stop()
    assert ports[h1.peer]["rx_errors"] == 0
