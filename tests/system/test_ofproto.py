"""The slow path with real hosts: NORMAL learns and stops flooding, VLAN
access/trunk isolation, a drop rule stops traffic within a second, the
trace of a ping shows the rule that forwarded it, and vs-ofctl's
commands and errors.

Device and namespace names start with "vop" (this file's tag)."""

import re
import subprocess
import time

from conftest import binary, netns_host, run, wait_until

TAG = "vop"


def ofport(d, iface):
    return int(d.vsctl("get", "Interface", iface, "ofport").stdout.strip())


def dp_port(d, name):
    for line in d.appctl("dpctl/show").stdout.splitlines():
        m = re.match(r"  port (\d+): (\S+)", line)
        if m and m.group(2) == name:
            return int(m.group(1))
    raise AssertionError(f"{name} not in dpctl/show")


class Capture:
    """tcpdump on a host's eth0 (epoch timestamps), stopped on exit."""

    def __init__(self, host, bpf):
        self.host, self.bpf = host, bpf

    def __enter__(self):
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", self.host.ns, "tcpdump", "-l", "-nn",
             "-tt", "-e", "-i", "eth0", self.bpf],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # tcpdump says "listening on" once the capture runs.
        for _ in range(5):
            line = self.proc.stderr.readline()
            if "listening" in line or not line:
                break
        assert "listening" in line, line
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.proc.poll() is None:
            time.sleep(0.3)          # let the last frames arrive
            self.proc.terminate()
        out, _ = self.proc.communicate(timeout=10)
        self.lines = [l for l in out.splitlines() if l.strip()]
        return self.lines


def test_normal_learns_and_stops_flooding(vswitchd):
    br = f"{TAG}br0"
    with netns_host(TAG, 1, "10.77.0.1/24") as h1, \
            netns_host(TAG, 2, "10.77.0.2/24") as h2, \
            netns_host(TAG, 3, "10.77.0.3/24") as h3:
        vswitchd.vsctl("add-br", br)
        for h in (h1, h2, h3):
            vswitchd.vsctl("add-port", br, h.peer)
        with Capture(h3, "arp or icmp") as cap:
            h1.ping(h2.addr, count=5, interval=0.1)
        seen = cap.lines
        # The ARP broadcast was flooded to h3; the pings never reached it.
        assert any("ARP" in l and "Request" in l for l in seen), seen
        assert not any("ICMP" in l for l in seen), seen

        fdb = vswitchd.appctl("fdb/show", br).stdout
        lines = fdb.splitlines()
        assert lines[0] == " port  VLAN  MAC                Age"
        entries = {l.split()[2]: (l.split()[0], l.split()[1])
                   for l in lines[1:]}
        assert entries[h1.mac] == (str(ofport(vswitchd, h1.peer)), "0")
        assert entries[h2.mac] == (str(ofport(vswitchd, h2.peer)), "0")
        # (h3 may be learned too: the host sends IPv6 ND on its own.)
        assert entries.get(h3.mac, (str(ofport(vswitchd, h3.peer)),))[0] \
            == str(ofport(vswitchd, h3.peer))

        # The megaflow of the pings matches the MACs.
        flows = vswitchd.appctl("dpctl/dump-flows").stdout
        assert f"eth(src={h1.mac},dst={h2.mac})" in flows, flows

        # Quiet the hosts (IPv6 ND/MLD chatter would re-learn a MAC between
        # the flush and the check), then flush.
        for h in (h1, h2, h3):
            h.run("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
        assert vswitchd.appctl("fdb/flush", br).stdout == \
            "table successfully flushed\n"
        fdb = vswitchd.appctl("fdb/show", br).stdout
        assert h1.mac not in fdb and h2.mac not in fdb, fdb


# Run inside a host's namespace: sends an 802.1Q-tagged ARP request and
# prints the VLAN of the reply, or "none".
ARP_PROBE = r"""
import sys
from scapy.all import ARP, Dot1Q, Ether, conf, srp1
conf.verb = 0
vid, src_mac, src_ip, dst_ip = int(sys.argv[1]), sys.argv[2], sys.argv[3], \
    sys.argv[4]
req = (Ether(src=src_mac, dst="ff:ff:ff:ff:ff:ff") / Dot1Q(vlan=vid) /
       ARP(op=1, hwsrc=src_mac, psrc=src_ip, pdst=dst_ip))
r = srp1(req, iface="eth0", timeout=1.5, retry=1)
print(r[Dot1Q].vlan if r is not None and Dot1Q in r else
      ("untagged" if r is not None else "none"))
"""


def arp_probe(host, vid, src_ip, dst_ip):
    """What a tagged ARP request from `host` gets back: the reply's VLAN
    ("10"), "untagged" or "none"."""
    return host.run("/usr/bin/python3", "-c", ARP_PROBE, str(vid), host.mac,
                    src_ip, dst_ip).stdout.strip()


def test_vlan_access_and_trunk_isolation(vswitchd):
    br = f"{TAG}br1"
    with netns_host(TAG, 11, "10.78.10.1/24") as h1, \
            netns_host(TAG, 12, "10.78.10.2/24") as h2, \
            netns_host(TAG, 13, "10.78.10.3/24") as h3, \
            netns_host(TAG, 14, "10.78.20.4/24") as h4, \
            netns_host(TAG, 15, "10.78.99.5/24") as h5:
        vswitchd.vsctl("add-br", br)
        vswitchd.vsctl("add-port", br, h1.peer, "tag=10")
        vswitchd.vsctl("add-port", br, h2.peer, "tag=10")
        vswitchd.vsctl("add-port", br, h3.peer, "tag=20")
        vswitchd.vsctl("add-port", br, h4.peer, "tag=20")
        vswitchd.vsctl("add-port", br, h5.peer, "trunks=10,20")

        h1.ping(h2.addr, count=2)                       # same access VLAN
        # h3 shares h1's subnet but not its VLAN.
        assert h1.ping(h3.addr, count=2, check=False).returncode != 0
        # The trunk host (no VLAN devices in this kernel: scapy) reaches
        # each VLAN with its tag and gets tagged answers back.
        with Capture(h1, "arp") as cap:
            assert arp_probe(h5, 10, "10.78.10.5", h1.addr) == "10"
        assert cap.lines and all("802.1Q" not in l for l in cap.lines), \
            cap.lines                                   # untagged at h1
        assert arp_probe(h5, 20, "10.78.20.5", h4.addr) == "20"
        assert arp_probe(h5, 10, "10.78.10.5", h3.addr) == "none"
        assert arp_probe(h5, 30, "10.78.10.5", h1.addr) == "none"
        fdb = vswitchd.appctl("fdb/show", br).stdout
        assert re.search(r"^\s+%d\s+10\s+%s" % (ofport(vswitchd, h1.peer),
                                                 h1.mac), fdb, re.M), fdb
        assert re.search(r"^\s+%d\s+20\s+%s" % (ofport(vswitchd, h5.peer),
                                                 h5.mac), fdb, re.M), fdb


def test_drop_rule_stops_traffic_within_a_second(vswitchd):
    br = f"{TAG}br2"
    with netns_host(TAG, 21, "10.79.0.1/24") as h1, \
            netns_host(TAG, 22, "10.79.0.2/24") as h2:
        vswitchd.vsctl("add-br", br)
        vswitchd.vsctl("add-port", br, h1.peer)
        vswitchd.vsctl("add-port", br, h2.peer)
        h1.ping(h2.addr, count=2)
        with Capture(h2, "icmp[icmptype] == icmp-echo") as cap:
            pinger = subprocess.Popen(
                ["ip", "netns", "exec", h1.ns, "ping", "-i", "0.02", "-c",
                 "150", "-W", "1", h2.addr], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            try:
                time.sleep(1.0)
                vswitchd.ofctl("add-flow", br,
                               "priority=100,icmp,actions=drop")
                added = time.time()
                time.sleep(2.0)
            finally:
                pinger.kill()
                pinger.wait()
        stamps = [float(l.split()[0]) for l in cap.lines]
        before = [t for t in stamps if t < added]
        after = [t for t in stamps if t > added + 1.0]
        assert len(before) > 10, cap.lines
        assert after == [], f"{len(after)} echo requests after the rule"
        dump = vswitchd.ofctl("dump-flows", br).stdout
        m = re.search(r"n_packets=(\d+), .*priority=100,icmp actions=drop",
                      dump)
        assert m and int(m.group(1)) > 0, dump


def test_trace_of_a_ping_shows_the_rule(vswitchd):
    from scapy.all import ICMP, IP, Ether

    br = f"{TAG}br3"
    with netns_host(TAG, 31, "10.80.0.1/24") as h1, \
            netns_host(TAG, 32, "10.80.0.2/24") as h2:
        vswitchd.vsctl("add-br", br)
        vswitchd.vsctl("add-port", br, h1.peer)
        vswitchd.vsctl("add-port", br, h2.peer)
        vswitchd.ofctl("add-flow", br, "priority=50,icmp,actions=NORMAL")
        h1.ping(h2.addr, count=2)
        pkt = bytes(Ether(src=h1.mac, dst=h2.mac) /
                    IP(src=h1.addr, dst=h2.addr, ttl=64) /
                    ICMP(type=8, id=1, seq=1)).hex()
        in_port = ofport(vswitchd, h1.peer)
        out = vswitchd.appctl("ofproto/trace", br, f"in_port={in_port}",
                              pkt).stdout
        assert out.startswith(f"Flow: icmp,in_port={in_port},"
                              f"vlan_tci=0x0000,dl_src={h1.mac},"
                              f"dl_dst={h2.mac},nw_src={h1.addr},"
                              f"nw_dst={h2.addr},"), out
        assert (f'\n\nbridge("{br}")\n' + "-" * (len(br) + 10) +
                "\n 0. icmp, priority 50\n    NORMAL\n"
                "     -> forwarding to learned port\n") in out, out
        assert "\nFinal flow: unchanged\n" in out
        assert re.search(r"^Megaflow: recirc_id=0,eth,icmp,in_port=%d,.*"
                         r"dl_src=%s,dl_dst=%s,nw_frag=no$" %
                         (in_port, h1.mac, h2.mac), out, re.M), out
        assert out.endswith("Datapath actions: %d\n" %
                            dp_port(vswitchd, h2.peer)), out
        # The trace added nothing: the icmp rule's counter is the pings'
        # alone.  (The priority-0 rule is left out: the hosts' own ND and
        # ARP traffic may hit it at any moment.)
        icmp_rule = r"n_packets=(\d+), .*priority=50,icmp actions=NORMAL"
        before = re.search(icmp_rule, vswitchd.ofctl("dump-flows", br).stdout)
        vswitchd.appctl("ofproto/trace", br,
                        f"in_port={in_port},icmp,dl_src={h1.mac},"
                        f"dl_dst={h2.mac}")
        after = re.search(icmp_rule, vswitchd.ofctl("dump-flows", br).stdout)
        assert before and after
        assert before.group(1) == after.group(1)


def test_vs_ofctl_commands(vswitchd, tmp_path):
    br = f"{TAG}br4"
    vswitchd.vsctl("add-br", br)
    out = vswitchd.ofctl("dump-flows", br).stdout
    assert re.fullmatch(r"NXST_FLOW reply \(xid=0x4\):\n"
                        r" cookie=0x0, duration=\d+\.\d{3}s, table=0, "
                        r"n_packets=\d+, n_bytes=\d+, idle_age=\d+, "
                        r"priority=0 actions=NORMAL\n", out), out
    p = vswitchd.ofctl("add-flow", br, "foo=1,actions=drop", check=False)
    assert p.returncode == 1
    assert p.stderr == "vs-ofctl: unknown keyword foo\n"
    p = vswitchd.ofctl("add-flow", "nobr", "actions=drop", check=False)
    assert p.returncode == 1
    assert p.stderr == "vs-ofctl: nobr is not a bridge or a socket\n"

    flows = tmp_path / "flows.txt"
    flows.write_text("priority=5,ip,actions=drop\n"
                     "priority=6,udp,tp_dst=70000,actions=drop\n")
    p = vswitchd.ofctl("add-flows", br, str(flows), check=False)
    assert p.returncode == 1
    assert p.stderr == (f"vs-ofctl: {flows}:2: 70000: value too large for "
                        "2-byte field tp_dst\n")
    assert "priority=5" not in vswitchd.ofctl("dump-flows", br).stdout
    flows.write_text("priority=5,ip,actions=drop\n"
                     "table=3,priority=6,udp,tp_dst=53,actions=output:1\n")
    vswitchd.ofctl("add-flows", br, str(flows))
    out = vswitchd.ofctl("dump-flows", br, "table=3").stdout
    assert out.splitlines()[1].endswith(
        "table=3, n_packets=0, n_bytes=0, idle_age=0, "
        "priority=6,udp,tp_dst=53 actions=output:1"), out
    vswitchd.ofctl("--strict", "del-flows", br, "priority=5,ip")
    assert "priority=5" not in vswitchd.ofctl("dump-flows", br).stdout
    vswitchd.ofctl("del-flows", br)
    assert vswitchd.ofctl("dump-flows", br).stdout == \
        "NXST_FLOW reply (xid=0x4):\n"
    tables = vswitchd.ofctl("dump-tables", br).stdout
    assert tables.startswith("OFPST_TABLE reply (xid=0x2):\n  table 0:\n")
    show = vswitchd.ofctl("show", br).stdout
    assert re.match(r"OFPT_FEATURES_REPLY \(xid=0x2\): dpid:[0-9a-f]{16}\n",
                    show), show
    assert f" LOCAL({br}): addr:" in show
    ports = vswitchd.ofctl("dump-ports", br).stdout
    assert ports.startswith("OFPST_PORT reply (xid=0x2): 1 ports\n"
                            "  port LOCAL: rx pkts="), ports
