"""Issue 4's port types through the real daemon (run as root).

Everything goes through vswitchd, configured with vs-vsctl only; the
bridges forward with their default NORMAL rule (no flow is put by hand):

  - system ports: two namespace hosts on one bridge (ping, ARP, iperf3);
    a loopback and a missing device are refused in the Interface's
    `error` column while the rest of the bridge forwards;
  - internal ports: the bridge's LOCAL device as the root namespace's
    address; frames to it while it is down are dropped and counted; the
    seed's `add-port br0 p0 ... ofport_request=100` then `type=internal`;
  - patch ports: two bridges joined by a pair;
  - vxlan ports: two "hypervisor" namespaces, each running its own
    vswitchd, then one side replaced by the kernel's vxlan device, then a
    wrong VNI (no traffic, counted drops);
  - removing a port, or stopping the daemon, gives the device back
    (promiscuity and LRO as they were).

Every namespace and device name starts with "pv" (this file's tag).
Measured figures are printed: run with -s to see them.
"""

import contextlib
import json
import re
import subprocess
import time

import pytest

from conftest import netns, netns_host, run, wait_until

TAG = "pv"
NET = "10.234"           # 10.234.N.0/24: unusual, since test 2 puts an
                         # address in the root namespace


# -- helpers --

def ping(host, dst, count=3):
    """Pings from `host` (every reply must come) and returns the average
    RTT in ms."""
    out = host.ping(dst, count=count).stdout
    m = re.search(r"rtt min/avg/max/mdev = [\d.]+/([\d.]+)/", out)
    assert m, out
    return float(m.group(1))


def neigh_mac(host, ip):
    """The MAC `host` resolved `ip` to (ip neigh), or None."""
    out = host.run("ip", "neigh", "show", ip, "dev", host.ifname).stdout
    m = re.search(r"lladdr (\S+)", out)
    return m.group(1) if m else None


def iperf(client, server_ns, server_ip, port=5234, seconds=2):
    """A TCP iperf3 run from `client` to a server in `server_ns`; returns
    (bytes received, Gb/s)."""
    server = subprocess.Popen(
        ["ip", "netns", "exec", server_ns, "iperf3", "-s", "-1", "-p",
         str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.3)
        out = client.run("iperf3", "-c", server_ip, "-p", str(port), "-t",
                         str(seconds), "-J", timeout=30).stdout
    finally:
        server.kill()
        server.wait()
    end = json.loads(out)["end"]["sum_received"]
    return end["bytes"], end["bits_per_second"] / 1e9


PORT_STATS_RE = re.compile(
    r"^  port (\d+): (\S+).*\n"
    r"    RX packets:(\d+) errors:(\d+) dropped:(\d+) .*\n"
    r"    TX packets:(\d+) errors:(\d+) dropped:(\d+) ", re.M)


def port_stats(d, name):
    """The counters `vs-dpctl show -s` prints for datapath port `name`."""
    out = d.dpctl("show", "-s").stdout
    for m in PORT_STATS_RE.finditer(out):
        if m.group(2) == name:
            v = [int(x) for x in m.groups()[2:]]
            return dict(zip(("rx_packets", "rx_errors", "rx_dropped",
                             "tx_packets", "tx_errors", "tx_dropped"), v))
    raise AssertionError(f"{name} not in dpctl show -s:\n{out}")


def dp_ports(d):
    """{name: rest of the line} of `vs-dpctl show`."""
    return dict(re.findall(r"^  port \d+: (\S+)(.*)$", d.dpctl("show").stdout,
                           re.M))


def iface_get(d, iface, column):
    return d.vsctl("get", "Interface", iface, column).stdout.strip()


def promiscuity(dev, ns=None):
    prefix = ["ip", "netns", "exec", ns] if ns else []
    info = json.loads(run(*prefix, "ip", "-d", "-j", "link", "show",
                          dev).stdout)[0]
    return info["promiscuity"]


def lro_state(dev):
    """ethtool's LRO line, e.g. "off [fixed]"."""
    out = run("ethtool", "-k", dev).stdout
    m = re.search(r"^large-receive-offload: (.*)$", out, re.M)
    assert m, out
    return m.group(1).strip()


def dev_exists(dev):
    return run("ip", "link", "show", dev, check=False).returncode == 0


# -- 1. system ports --

def test_two_hosts_through_system_ports(vswitchd):
    br = f"{TAG}br1"
    with netns_host(TAG, 1, f"{NET}.1.1/24") as h1, \
            netns_host(TAG, 2, f"{NET}.1.2/24") as h2:
        vswitchd.vsctl("add-br", br, "--", "add-port", br, h1.peer, "--",
                       "add-port", br, h2.peer)
        assert neigh_mac(h1, h2.addr) is None
        ping(h1, h2.addr)
        ping(h2, h1.addr)
        # ARP crossed the bridge both ways: each host learned the other.
        assert neigh_mac(h1, h2.addr) == h2.mac
        assert neigh_mac(h2, h1.addr) == h1.mac
        # Flows are in place now: the RTT of the fast path alone.
        rtt = ping(h1, h2.addr, count=5)
        print(f"\nping RTT through vswitchd (system ports): {rtt:.3f} ms")

        received, gbps = iperf(h1, h2.ns, h2.addr)
        print(f"iperf3 TCP through vswitchd (system ports): {gbps:.2f} Gb/s")
        assert received > 0

        # A loopback device and a missing one are refused, each with its
        # reason in the Interface's error column.
        lo_promisc = promiscuity("lo")
        missing = f"{TAG}nodev1"
        vswitchd.vsctl("add-port", br, "lo", check=False)
        vswitchd.vsctl("add-port", br, missing, check=False)
        err = iface_get(vswitchd, "lo", "error")
        assert err.startswith('"could not add network device lo: a '
                              'loopback device') and \
            err.endswith('(Invalid argument)"'), err
        print(f"lo refused: {err}")
        assert iface_get(vswitchd, missing, "error") == \
            f'"could not open network device {missing} (No such device)"'
        for iface in ("lo", missing):
            assert iface_get(vswitchd, iface, "ofport") == "-1"
        show = vswitchd.vsctl("show").stdout
        assert re.search(r"Interface lo\n\s+error: \".*Invalid argument",
                         show), show
        assert "(No such device)" in show
        ports = dp_ports(vswitchd)
        assert "lo" not in ports and missing not in ports
        assert promiscuity("lo") == lo_promisc     # lo left untouched

        # The rest of the bridge still forwards, both ways.
        ping(h1, h2.addr)
        ping(h2, h1.addr)
        for h in (h1, h2):
            assert iface_get(vswitchd, h.peer, "error") == "[]"


# -- 2. internal ports --

def test_host_reaches_namespace_through_local_port(vswitchd):
    br = f"{TAG}br2"
    local_ip = f"{NET}.2.100"
    with netns_host(TAG, 3, f"{NET}.2.1/24") as h1:
        vswitchd.vsctl("add-br", br, "--", "add-port", br, h1.peer)
        assert dp_ports(vswitchd)[br] == " (internal)"
        run("ip", "addr", "add", f"{local_ip}/24", "dev", br)
        run("ip", "link", "set", br, "up")
        run("ping", "-c", "3", "-i", "0.2", "-W", "1", "-I", br, h1.addr)
        ping(h1, local_ip)
        assert neigh_mac(h1, local_ip) == \
            run("cat", f"/sys/class/net/{br}/address").stdout.strip()
        up = port_stats(vswitchd, br)
        assert up["rx_packets"] >= 4 and up["tx_packets"] >= 4

        # Down: what the datapath sends to the device is dropped, counted
        # as the port's TX dropped (the device is down, it receives
        # nothing; see vport_internal.c).
        run("ip", "link", "set", br, "down")
        time.sleep(0.2)                 # the port re-reads its state
        up = port_stats(vswitchd, br)
        # h1 still knows the device's MAC and the bridge where it is: each
        # echo request goes to the LOCAL port alone, and is dropped there.
        p = h1.ping(local_ip, count=3, check=False)
        assert p.returncode != 0, p.stdout
        down = port_stats(vswitchd, br)
        assert down["tx_dropped"] >= up["tx_dropped"] + 3, (up, down)
        assert down["tx_packets"] == up["tx_packets"], (up, down)
        # ... and the Interface row gets the counter too.
        wait_until(lambda: iface_get(vswitchd, br, "statistics:tx_dropped")
                   .isdigit() and int(iface_get(
                       vswitchd, br, "statistics:tx_dropped")) >=
                   down["tx_dropped"], timeout=15,
                   what="Interface statistics:tx_dropped")
        assert iface_get(vswitchd, br, "link_state") == "down"


def test_seed_internal_port_with_ofport_request(vswitchd):
    br, p0 = f"{TAG}br3", f"{TAG}p0"
    vswitchd.vsctl("add-br", br)
    # The seed's commands: first a system port whose device does not
    # exist (yet), then made internal, which creates the device.
    vswitchd.vsctl("add-port", br, p0, "--", "set", "Interface", p0,
                   "ofport_request=100", check=False)
    assert not dev_exists(p0)
    assert "No such device" in iface_get(vswitchd, p0, "error")
    vswitchd.vsctl("set", "Interface", p0, "type=internal")
    try:
        assert dev_exists(p0)
        kind = json.loads(run("ip", "-d", "-j", "link", "show", p0)
                          .stdout)[0]["linkinfo"]["info_kind"]
        assert kind == "tun"
        assert iface_get(vswitchd, p0, "ofport") == "100"
        assert iface_get(vswitchd, p0, "error") == "[]"
        assert dp_ports(vswitchd)[p0] == " (internal)"
        show = vswitchd.vsctl("show").stdout
        assert re.search(rf"Port {p0}\n\s+Interface {p0}\n\s+type: "
                         r"internal\n", show), show
    finally:
        vswitchd.vsctl("--if-exists", "del-br", br, check=False)
    wait_until(lambda: not dev_exists(p0), what=f"{p0} removed")


# -- 3. patch ports --

def test_patch_pair_joins_two_bridges(vswitchd):
    bra, brb = f"{TAG}br4a", f"{TAG}br4b"
    pa, pb = f"{TAG}pa4", f"{TAG}pb4"
    with netns_host(TAG, 4, f"{NET}.4.1/24") as h1, \
            netns_host(TAG, 5, f"{NET}.4.2/24") as h2:
        vswitchd.vsctl(
            "add-br", bra, "--", "add-br", brb,
            "--", "add-port", bra, h1.peer, "--", "add-port", brb, h2.peer,
            "--", "add-port", bra, pa, "--", "set", "Interface", pa,
            "type=patch", f"options:peer={pb}",
            "--", "add-port", brb, pb, "--", "set", "Interface", pb,
            "type=patch", f"options:peer={pa}")
        ping(h1, h2.addr)
        ping(h2, h1.addr)
        rtt = ping(h1, h2.addr, count=5)
        print(f"\nping RTT across a patch pair: {rtt:.3f} ms")
        a, b = port_stats(vswitchd, pa), port_stats(vswitchd, pb)
        # Each ping crossed the pair both ways (plus ARP).
        assert a["tx_packets"] >= 6 and b["rx_packets"] >= 6, (a, b)
        assert b["tx_packets"] >= 6 and a["rx_packets"] >= 6, (a, b)
        for iface in (pa, pb):
            assert iface_get(vswitchd, iface, "error") == "[]"


# -- 4. vxlan between two vswitchd --

VNI = 4234
UNDER = {1: f"{NET}.90.1", 2: f"{NET}.90.2"}
OVER = {1: f"{NET}.91.1", 2: f"{NET}.91.2"}
HOST_MTU = 1450         # 1500 on the underlay less VXLAN's 50 bytes


class NsHost:
    """A host in namespace `ns` with interface `ifname` (as netns_host's
    Host, for the helpers above)."""

    def __init__(self, ns, ifname, ip, mac):
        self.ns, self.ifname, self.addr, self.mac = ns, ifname, ip, mac

    def run(self, *cmd, check=True, timeout=60):
        return run("ip", "netns", "exec", self.ns, *cmd, check=check,
                   timeout=timeout)

    def ping(self, dst, count=3, check=True):
        return self.run("ping", "-c", str(count), "-i", "0.2", "-W", "1",
                        dst, check=check)


@pytest.fixture
def overlay():
    """h1 -- [hv1] == underlay == [hv2] -- h2: namespaces pvhv1, pvhv2
    (underlay veth pvu1/pvu2), hosts pvx1, pvx2 whose veth ends in the
    hypervisors are pvq1, pvq2.  Yields {"hv": {1:, 2:}, "h": {1:, 2:}}."""
    with contextlib.ExitStack() as stack:
        hv = {i: stack.enter_context(netns(f"{TAG}hv{i}")) for i in (1, 2)}
        hs = {i: stack.enter_context(netns(f"{TAG}x{i}")) for i in (1, 2)}
        run("ip", "link", "add", f"{TAG}u1", "netns", hv[1], "type", "veth",
            "peer", "name", f"{TAG}u2", "netns", hv[2])
        hosts = {}
        for i in (1, 2):
            nx = ["ip", "netns", "exec", hv[i]]
            run(*nx, "ip", "addr", "add", f"{UNDER[i]}/24", "dev",
                f"{TAG}u{i}")
            run(*nx, "ip", "link", "set", f"{TAG}u{i}", "up")
            run("ip", "link", "add", "eth0", "netns", hs[i], "type", "veth",
                "peer", "name", f"{TAG}q{i}", "netns", hv[i])
            run(*nx, "ip", "link", "set", f"{TAG}q{i}", "mtu", str(HOST_MTU),
                "up")
            hx = ["ip", "netns", "exec", hs[i]]
            run(*hx, "ip", "link", "set", "eth0", "mtu", str(HOST_MTU))
            run(*hx, "ip", "addr", "add", f"{OVER[i]}/24", "dev", "eth0")
            run(*hx, "ip", "link", "set", "eth0", "up")
            mac = run(*hx, "cat", "/sys/class/net/eth0/address").stdout \
                .strip()
            hosts[i] = NsHost(hs[i], "eth0", OVER[i], mac)
        try:
            yield {"hv": hv, "h": hosts}
        finally:
            for ns in (*hv.values(), *hs.values()):    # stray iperf3 etc.
                subprocess.run(f"ip netns pids {ns} | xargs -r kill -9",
                               shell=True, capture_output=True)


def vxlan_switch(factory, i, peer_ip, vni=VNI):
    """vswitchd in hypervisor i with bridge pvbr{i}: the host's port and
    a vxlan port to `peer_ip`."""
    d = factory(f"hv{i}", netns=f"{TAG}hv{i}").start()
    br, vx = f"{TAG}br{i}", f"{TAG}vx{i}"
    d.vsctl("add-br", br, "--", "add-port", br, f"{TAG}q{i}",
            "--", "add-port", br, vx, "--", "set", "Interface", vx,
            "type=vxlan", f"options:remote_ip={peer_ip}", f"options:key={vni}")
    assert iface_get(d, vx, "error") == "[]"
    return d


def kernel_vxlan(hv, vni):
    """hv2's side done by Linux: a vxlan device and the host's port in a
    Linux bridge."""
    nx = ["ip", "netns", "exec", hv]
    run(*nx, "ip", "link", "del", f"{TAG}kvx", check=False)
    run(*nx, "ip", "link", "add", f"{TAG}kvx", "type", "vxlan", "id",
        str(vni), "remote", UNDER[1], "local", UNDER[2], "dstport", "4789",
        "dev", f"{TAG}u2")
    run(*nx, "ip", "link", "add", f"{TAG}kbr", "type", "bridge", check=False)
    run(*nx, "ip", "link", "set", f"{TAG}kvx", "master", f"{TAG}kbr")
    run(*nx, "ip", "link", "set", f"{TAG}q2", "master", f"{TAG}kbr")
    for dev in (f"{TAG}kvx", f"{TAG}kbr"):
        run(*nx, "ip", "link", "set", dev, "up")


def test_vxlan_between_two_vswitchd_and_kernel(overlay, vswitchd_factory):
    h1, h2 = overlay["h"][1], overlay["h"][2]
    d1 = vxlan_switch(vswitchd_factory, 1, UNDER[2])
    d2 = vxlan_switch(vswitchd_factory, 2, UNDER[1])
    vx1 = f"{TAG}vx1"
    show = d1.dpctl("show").stdout
    assert f"{vx1} (vxlan: remote_ip={UNDER[2]}, key={VNI})" in show, show

    ping(h1, h2.addr)
    ping(h2, h1.addr)
    assert neigh_mac(h1, h2.addr) == h2.mac
    rtt = ping(h1, h2.addr, count=5)
    received, gbps = iperf(h1, h2.ns, h2.addr)
    print(f"\nvxlan between two vswitchd: ping RTT {rtt:.3f} ms, "
          f"iperf3 TCP {gbps:.2f} Gb/s")
    assert received > 1_000_000
    s1, s2 = port_stats(d1, vx1), port_stats(d2, f"{TAG}vx2")
    assert s1["tx_packets"] > 100 and s2["rx_packets"] > 100, (s1, s2)
    assert s1["rx_errors"] == s2["rx_errors"] == 0, (s1, s2)

    # hv2 switches to Linux: its vswitchd goes (giving pvq2 back), the
    # kernel's vxlan device with the same VNI takes the tunnel.
    assert d2.stop() == 0
    kernel_vxlan(overlay["hv"][2], VNI)
    before = port_stats(d1, vx1)
    ping(h1, h2.addr)
    ping(h2, h1.addr)
    after = port_stats(d1, vx1)
    assert after["rx_packets"] >= before["rx_packets"] + 3, (before, after)
    assert after["tx_packets"] >= before["tx_packets"] + 3, (before, after)
    assert after["rx_dropped"] == before["rx_dropped"]

    # Wrong VNI on the Linux side: nothing crosses, hv1 counts the drops.
    kernel_vxlan(overlay["hv"][2], VNI + 1)
    before = port_stats(d1, vx1)
    p = h2.ping(h1.addr, count=3, check=False)
    assert p.returncode != 0, "traffic crossed with the wrong VNI"
    p = h1.ping(h2.addr, count=2, check=False)
    assert p.returncode != 0, "traffic crossed with the wrong VNI"
    after = port_stats(d1, vx1)
    assert after["rx_packets"] == before["rx_packets"], (before, after)
    drops = (after["rx_dropped"] + after["rx_errors"]) - \
        (before["rx_dropped"] + before["rx_errors"])
    assert drops >= 3, (before, after)


# -- 5. the device given back --

def test_del_port_and_stop_restore_device(vswitchd_factory):
    d = vswitchd_factory().start()
    br = f"{TAG}br6"
    with netns_host(TAG, 6, f"{NET}.6.1/24") as h1, \
            netns_host(TAG, 7, f"{NET}.6.2/24") as h2:
        devs = (h1.peer, h2.peer)
        before = {x: (promiscuity(x), lro_state(x)) for x in devs}
        d.vsctl("add-br", br, "--", "add-port", br, h1.peer, "--",
                "add-port", br, h2.peer)
        ping(h1, h2.addr, count=1)
        for x in devs:
            assert promiscuity(x) == before[x][0] + 1
            # LRO is off while attached.  veth reports it "off [fixed]"
            # (it cannot be changed), so all that can be checked is that
            # it is off now and unchanged afterwards.
            assert lro_state(x).startswith("off")

        d.vsctl("del-port", br, h1.peer)
        assert (promiscuity(h1.peer), lro_state(h1.peer)) == before[h1.peer]
        assert promiscuity(h2.peer) == before[h2.peer][0] + 1

        # Stopping the daemon (SIGTERM) gives back the ports it still has.
        d.vsctl("add-port", br, h1.peer)
        assert promiscuity(h1.peer) == before[h1.peer][0] + 1
        assert d.stop() == 0
        after = {x: (promiscuity(x), lro_state(x)) for x in devs}
        assert after == before
        assert not dev_exists(br)
