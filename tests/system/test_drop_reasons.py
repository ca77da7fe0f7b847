"""Named drop reasons through a running vswitchd (run as root).

Each test provokes one kind of drop with real traffic and reads the named
counter where `vs-appctl dpctl/show -s` prints it (the port's "drops:"
block and the datapath's) and in `coverage/show`:

  port down         flooding to the bridge's internal port while it is down
  unknown VNI       vxlan datagrams whose VNI no port has (and a bad header)
  recursion limit   a patch pair whose rules send every packet back into it
  explicit drop     a vs-ofctl rule with actions=drop (and ofproto/trace)
  upcall overflow   the daemon's upcall handling held (dpctl/upcalls-hold),
                    then more distinct flows than the queue holds

The overflow is made deterministic by holding the consumer: while held no
upcall is taken, so exactly DP_UPCALL_QUEUE_LEN (1024) misses queue and
every later one is lost; without it the main thread drains the queue while
the burst arrives and how many are lost depends on the machine.

Device and namespace names start with "vdr" (this file's tag).
"""

import re
import socket
import struct
import time

from conftest import netns_host, run, wait_until

TAG = "vdr"
UPCALL_QUEUE_LEN = 1024     # DP_UPCALL_QUEUE_LEN in src/dp/datapath.h

# Sends UDP frames from a namespace on eth0 with an AF_PACKET socket:
# argv = count dst_mac|vary src_mac dst_ip dport first_sport.
SENDER = r"""
import socket, struct, sys
n, dmac, smac, dip, dport, sport = sys.argv[1:7]
n, dport, sport = int(n), int(dport), int(sport)
mac = lambda m: bytes(int(x, 16) for x in m.split(":"))
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for i in range(n):
    if dmac == "vary":
        dst = bytes([2, 0x5e, 0xdd, i >> 16 & 255, i >> 8 & 255, i & 255])
    else:
        dst = mac(dmac)
    udp = struct.pack("!HHHH", (sport + i) & 0xffff or 1, dport, 26, 0)
    udp += bytes(18)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xffff,
                     0, 64, 17, 0, socket.inet_aton("10.77.0.1"),
                     socket.inet_aton(dip))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    s.send(dst + mac(smac) + b"\x08\x00" + ip + udp)
"""


def send_udp(host, count, dst_ip, dport, dst_mac="ff:ff:ff:ff:ff:ff",
             first_sport=1000):
    """`count` UDP frames from `host` (dst_mac "vary": a new unicast MAC
    for each frame, so that each is a flow of its own)."""
    host.run("python3", "-c", SENDER, str(count), dst_mac, host.mac, dst_ip,
             str(dport), str(first_sport))


def show_drops(d):
    """(datapath drops, {port name: drops}) from `vs-appctl dpctl/show -s`;
    drops are {reason: count}, reasons that never counted are absent."""
    out = d.appctl("dpctl/show", "-s").stdout
    dp, ports, port, block = {}, {}, None, None
    for line in out.splitlines():
        m = re.match(r"^  port \d+: (\S+)", line)
        if m:
            port, block = m.group(1), None
            ports[port] = {}
        elif line == "  drops:" and port is None:
            block = dp
        elif line == "    drops:" and port is not None:
            block = ports[port]
        elif block is not None and re.match(r"^ +\w+: \d+$", line):
            name, n = line.split(": ")
            indent = 4 if block is dp else 6
            assert len(name) - len(name.lstrip()) == indent, out
            block[name.strip()] = int(n)
        elif not re.match(r"^    (RX|TX|collisions)", line):
            block = None
    return dp, ports


def port_drops(d, port, reason):
    return show_drops(d)[1][port].get(reason, 0)


def coverage(d):
    """{counter: total} of the counters coverage/show lists."""
    out = d.appctl("coverage/show").stdout
    return {name: int(n) for name, n in
            re.findall(r"^(\S+) +\S+/sec +\S+/sec +\S+/sec +total: (\d+)$",
                       out, re.M)}


def port_stats(d, name):
    out = d.appctl("dpctl/show", "-s").stdout
    m = re.search(r"  port \d+: %s.*\n    RX packets:(\d+) errors:(\d+) "
                  r"dropped:(\d+).*\n    TX packets:(\d+) errors:(\d+) "
                  r"dropped:(\d+)" % re.escape(name), out)
    assert m, out
    return dict(zip(("rx_packets", "rx_errors", "rx_dropped", "tx_packets",
                     "tx_errors", "tx_dropped"), map(int, m.groups())))


def ofport(d, iface):
    return d.vsctl("get", "Interface", iface, "ofport").stdout.strip()


def wait_count(d, port, reason, at_least):
    """Waits until `port` counted `reason` at least `at_least` times (the
    forwarding thread counts as the frames arrive); returns the count."""
    return wait_until(lambda: (n := port_drops(d, port, reason)) >= at_least
                      and n, what=f"{reason} >= {at_least} on {port}")


def test_port_down(vswitchd):
    """Broadcasts flood to the bridge's internal port, which is down: each
    is counted as datapath_drop_port_down at that port (and tx_dropped)."""
    br = f"{TAG}br1"
    with netns_host(TAG, 1, "10.77.0.1/24") as h1:
        vswitchd.vsctl("add-br", br)
        vswitchd.vsctl("add-port", br, h1.peer)
        run("ip", "link", "set", br, "down")
        before = port_stats(vswitchd, br)["tx_dropped"]
        send_udp(h1, 20, "10.77.0.255", 5000)
        n = wait_count(vswitchd, br, "datapath_drop_port_down", 20)
        assert port_stats(vswitchd, br)["tx_dropped"] - before >= 20
        assert port_stats(vswitchd, br)["tx_dropped"] >= n
        # Counted at the port that is down, not at the one that received.
        assert port_drops(vswitchd, h1.peer, "datapath_drop_port_down") == 0
        dp, _ = show_drops(vswitchd)
        assert dp["datapath_drop_port_down"] >= n
        assert coverage(vswitchd)["datapath_drop_port_down"] >= n


def vxlan_datagram(vni, flags=0x08):
    frame = bytes.fromhex("ffffffffffff02000000000108060001") + bytes(44)
    return struct.pack("!B3xI", flags, vni << 8) + frame


def test_unknown_vni_and_bad_header(vswitchd):
    """A vxlan port on 127.0.0.1 with key 100: datagrams from its remote
    with VNI 999 are datapath_drop_invalid_tnl_port, one with the I flag
    clear is datapath_drop_tunnel_pop_error, one with VNI 100 is taken."""
    br, vx, udp_port = f"{TAG}br2", f"{TAG}vx", 47989
    vswitchd.vsctl("add-br", br)
    vswitchd.vsctl("add-port", br, vx, "--", "set", "interface", vx,
                   "type=vxlan", "options:remote_ip=127.0.0.1",
                   "options:local_ip=127.0.0.1", "options:key=100",
                   f"options:dst_port={udp_port}")
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", 0))
        for _ in range(5):
            s.sendto(vxlan_datagram(999), ("127.0.0.1", udp_port))
        s.sendto(vxlan_datagram(100, flags=0), ("127.0.0.1", udp_port))
        s.sendto(vxlan_datagram(100), ("127.0.0.1", udp_port))
    finally:
        s.close()
    wait_count(vswitchd, vx, "datapath_drop_invalid_tnl_port", 5)
    wait_count(vswitchd, vx, "datapath_drop_tunnel_pop_error", 1)
    wait_until(lambda: port_stats(vswitchd, vx)["rx_packets"] == 1,
               what="the datagram with the right VNI received")
    drops = show_drops(vswitchd)[1][vx]
    assert drops["datapath_drop_invalid_tnl_port"] == 5
    assert drops["datapath_drop_tunnel_pop_error"] == 1
    st = port_stats(vswitchd, vx)
    assert st["rx_dropped"] == 5 and st["rx_errors"] == 1
    cov = coverage(vswitchd)
    assert cov["datapath_drop_invalid_tnl_port"] >= 5
    assert cov["datapath_drop_tunnel_pop_error"] >= 1


def test_patch_loop_recursion_limit(vswitchd):
    """A patch pair on one bridge with rules that send what comes from the
    host, and what comes back in on pb, out of pa again: each packet loops
    until the recursion limit drops it, once, at pb."""
    br, pa, pb = f"{TAG}br3", f"{TAG}pa", f"{TAG}pb"
    with netns_host(TAG, 3, "10.77.0.1/24") as h3:
        vswitchd.vsctl("add-br", br)
        vswitchd.vsctl("add-port", br, h3.peer)
        for me, peer in ((pa, pb), (pb, pa)):
            vswitchd.vsctl("add-port", br, me, "--", "set", "interface", me,
                           "type=patch", f"options:peer={peer}")
        vswitchd.ofctl("del-flows", br)
        out = f"actions=output:{ofport(vswitchd, pa)}"
        vswitchd.ofctl("add-flow", br,
                       f"in_port={ofport(vswitchd, h3.peer)},udp,"
                       f"tp_dst=7777,{out}")
        vswitchd.ofctl("add-flow", br, f"in_port={ofport(vswitchd, pb)},{out}")
        send_udp(h3, 5, "10.77.0.2", 7777)
        assert wait_count(vswitchd, pb, "drop_action_recursion_too_deep",
                          5) == 5
        dp, ports = show_drops(vswitchd)
        assert "drop_action_recursion_too_deep" not in ports[h3.peer]
        assert dp["drop_action_recursion_too_deep"] == 5
        assert coverage(vswitchd)["drop_action_recursion_too_deep"] == 5


def test_explicit_drop_rule(vswitchd):
    """A rule with actions=drop: every packet it matches, the first one
    (dropped by the slow path) and the rest (by its datapath flow), counts
    drop_action_of_pipeline at the input port; the trace names it."""
    br = f"{TAG}br4"
    with netns_host(TAG, 4, "10.77.0.1/24") as h4:
        vswitchd.vsctl("add-br", br)
        vswitchd.vsctl("add-port", br, h4.peer)
        vswitchd.ofctl("add-flow", br, "priority=100,udp,tp_dst=9999,"
                       "actions=drop")
        send_udp(h4, 10, "10.77.0.2", 9999, dst_mac="02:00:00:00:77:02")
        wait_count(vswitchd, h4.peer, "drop_action_of_pipeline", 10)
        assert show_drops(vswitchd)[0]["drop_action_of_pipeline"] >= 10
        assert coverage(vswitchd)["drop_action_of_pipeline"] >= 10
        assert "actions:drop" in vswitchd.dpctl("dump-flows").stdout
        trace = vswitchd.appctl(
            "ofproto/trace", br,
            f"in_port={ofport(vswitchd, h4.peer)},udp,nw_src=10.77.0.1,"
            "nw_dst=10.77.0.2,tp_dst=9999").stdout
        assert trace.endswith("\nDatapath actions: drop\n"
                              "Drop reason: drop_action_of_pipeline\n"), trace


def test_upcall_queue_overflow(vswitchd):
    """With upcall handling held, a burst of distinct flows fills the queue
    (1024) and every miss past it is lost: lookups lost and the port's
    datapath_drop_upcall_error grow together, by at least the excess."""
    br, extra = f"{TAG}br5", 300
    with netns_host(TAG, 5, "10.77.0.1/24") as h5:
        vswitchd.vsctl("add-br", br)
        vswitchd.vsctl("add-port", br, h5.peer)

        def lost():
            show = vswitchd.appctl("dpctl/show", "-s").stdout
            return int(re.search(r"lookups: hit:\d+ missed:\d+ lost:(\d+)",
                                 show).group(1))
        lost0 = lost()
        err0 = port_drops(vswitchd, h5.peer, "datapath_drop_upcall_error")
        rx0 = port_stats(vswitchd, h5.peer)["rx_packets"]
        vswitchd.appctl("dpctl/upcalls-hold")
        try:
            send_udp(h5, UPCALL_QUEUE_LEN + extra, "10.77.0.2", 6000,
                     dst_mac="vary")
            wait_until(lambda: port_stats(vswitchd, h5.peer)["rx_packets"]
                       - rx0 >= UPCALL_QUEUE_LEN + extra,
                       what="the burst received")
            n_lost = lost() - lost0
            err = port_drops(vswitchd, h5.peer,
                             "datapath_drop_upcall_error") - err0
            # Held with upcalls queued, the main loop sleeps (the upcall
            # fd is quiet) rather than spinning on it.
            loops = coverage(vswitchd)["poll_loops"]
            time.sleep(0.5)
            assert coverage(vswitchd)["poll_loops"] - loops < 200
        finally:
            vswitchd.appctl("dpctl/upcalls-release")
        assert n_lost >= extra
        assert err == n_lost
        assert show_drops(vswitchd)[0]["datapath_drop_upcall_error"] >= err
        assert coverage(vswitchd)["datapath_drop_upcall_error"] >= err
        # Released, the queued upcalls are handled: flows come.
        wait_until(lambda: len(vswitchd.dpctl("dump-flows").stdout
                               .splitlines()) > 100,
                   what="flows from the queued upcalls")
