"""The frames of the OVS flow-key differential test (test_flow_key_ovs.py).

corpus() returns [(description, frame bytes)]: every layer vswitch parses,
in its ordinary and malformed forms, every other frame cut at two random
lengths, and 200 frames with random bytes changed in their headers.  Deterministic (fixed addresses, a seeded generator for the cut
points) and offline: scapy only builds bytes here.
"""
import random
import struct

from scapy.all import (ARP, ICMP, IP, SCTP, TCP, UDP, Dot1AD, Dot1Q, Ether,
                       ICMPv6DestUnreach, ICMPv6EchoReply, ICMPv6EchoRequest,
                       ICMPv6MLQuery, ICMPv6MLReport, ICMPv6ND_NA,
                       ICMPv6ND_NS, ICMPv6ND_RA, ICMPv6ND_RS,
                       ICMPv6NDOptDstLLAddr, ICMPv6NDOptMTU,
                       ICMPv6NDOptSrcLLAddr, IPOption_NOP, IPOption_RR,
                       IPOption_Router_Alert, IPv6, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting, LLC, SNAP, Raw, conf)
from scapy.contrib.igmp import IGMP
from scapy.contrib.igmpv3 import IGMPv3, IGMPv3gr, IGMPv3mq, IGMPv3mr
from scapy.contrib.mpls import MPLS

conf.verb = 0

SRC_MAC = "02:00:00:00:00:01"
DST_MAC = "02:00:00:00:00:02"
SRC4, DST4 = "10.1.2.3", "10.4.5.6"
SRC6, DST6 = "2001:db8::1", "2001:db8::2:3"
LL6 = "fe80::200:ff:fe00:1"


def eth(**kw):
    kw.setdefault("src", SRC_MAC)
    kw.setdefault("dst", DST_MAC)
    return Ether(**kw)


def ip4(**kw):
    kw.setdefault("src", SRC4)
    kw.setdefault("dst", DST4)
    return IP(**kw)


def ip6(**kw):
    kw.setdefault("src", SRC6)
    kw.setdefault("dst", DST6)
    return IPv6(**kw)


def mac_bytes(m):
    return bytes(int(x, 16) for x in m.split(":"))


def nd_opt(otype, length, body):
    """A raw ND option: type, length in 8-byte units, body as given."""
    return bytes([otype, length]) + body


def _frames():
    out = []

    def add(desc, pkt):
        out.append((desc, bytes(pkt)))

    # -- L2 ------------------------------------------------------------
    add("eth unknown type 0x88b5", eth(type=0x88b5) / Raw(b"\x01" * 30))
    add("eth LLDP type", eth(type=0x88cc) / Raw(b"\x02\x07\x04" + b"\0" * 20))
    add("eth type 0x0600 (first Ethernet II)", eth(type=0x0600) / Raw(b"x" * 8))
    add("802.3 length 0x05ff", eth(type=0x05ff) / Raw(b"x" * 46))
    add("802.3 LLC STP", eth(dst="01:80:c2:00:00:00", type=38) /
        LLC(dsap=0x42, ssap=0x42, ctrl=3) / Raw(b"\0" * 35))
    add("802.3 LLC non-SNAP", eth(type=50) / LLC(dsap=0xe0, ssap=0xe0,
                                                 ctrl=3) / Raw(b"y" * 40))
    add("802.3 SNAP oui 0 IPv4", eth(type=100) / LLC() /
        SNAP(OUI=0, code=0x0800) / ip4() / UDP(sport=1, dport=2))
    add("802.3 SNAP oui 0 ARP", eth(type=100) / LLC() /
        SNAP(OUI=0, code=0x0806) / ARP(psrc=SRC4, pdst=DST4))
    add("802.3 SNAP oui 0 type 0x88b5", eth(type=100) / LLC() /
        SNAP(OUI=0, code=0x88b5) / Raw(b"z" * 30))
    add("802.3 SNAP oui 0x00000c (CDP)", eth(type=100) / LLC() /
        SNAP(OUI=0x0c, code=0x2000) / Raw(b"z" * 30))
    add("802.3 SNAP oui 0 type < 0x600", eth(type=100) / LLC() /
        SNAP(OUI=0, code=0x0100) / Raw(b"z" * 30))
    add("802.3 SNAP header cut (7 bytes)", eth(type=7) /
        Raw(b"\xaa\xaa\x03\x00\x00\x00\x08"))
    add("802.3 no payload", eth(type=40))
    add("802.3 SNAP length field lies", eth(type=3) / LLC() /
        SNAP(OUI=0, code=0x0800) / ip4() / TCP())

    # Short frames.
    full = bytes(eth(type=0x0800) / ip4() / TCP())
    for n in (0, 1, 6, 11, 12, 13):
        out.append((f"frame of {n} bytes", full[:n]))
    add("14 bytes, type IPv4", eth(type=0x0800))
    add("14 bytes, type IPv6", eth(type=0x86dd))
    add("14 bytes, type ARP", eth(type=0x0806))
    add("14 bytes, type 802.1Q", eth(type=0x8100))
    add("15 bytes, type 802.1Q", eth(type=0x8100) / Raw(b"\x00"))
    add("16 bytes, type 802.1Q", eth(type=0x8100) / Raw(b"\x00\x05"))
    add("17 bytes, 802.1Q + 1", eth(type=0x8100) / Raw(b"\x00\x05\x08"))
    add("14 bytes, type MPLS", eth(type=0x8847))
    add("multicast dst", eth(dst="01:00:5e:01:02:03") / ip4(dst="239.1.2.3")
        / UDP(sport=5, dport=6))
    add("broadcast dst", eth(dst="ff:ff:ff:ff:ff:ff") / ip4() / UDP())

    # -- VLAN ------------------------------------------------------------
    for vid, prio, dei in ((1, 0, 0), (100, 5, 0), (4095, 7, 1), (0, 3, 0),
                           (0, 0, 0), (2000, 1, 1)):
        add(f"802.1Q vid {vid} pcp {prio} dei {dei} IPv4/TCP",
            eth() / Dot1Q(vlan=vid, prio=prio, id=dei) / ip4() /
            TCP(sport=1000, dport=80))
    add("802.1Q ARP", eth() / Dot1Q(vlan=7) / ARP(psrc=SRC4, pdst=DST4))
    add("802.1Q IPv6 UDP", eth() / Dot1Q(vlan=8) / ip6() / UDP())
    add("802.1Q unknown type", eth() / Dot1Q(vlan=9, type=0x88b5) /
        Raw(b"q" * 20))
    add("802.1Q 802.3 LLC", eth() / Dot1Q(vlan=9, type=30) / LLC() /
        Raw(b"q" * 20))
    add("802.1Q SNAP IPv4", eth() / Dot1Q(vlan=9, type=60) / LLC() /
        SNAP(OUI=0, code=0x0800) / ip4() / UDP())
    add("802.1ad single tag", eth() / Dot1AD(vlan=33) / ip4() / UDP())
    add("QinQ 88a8/8100 IPv4 TCP", eth() / Dot1AD(vlan=10, prio=2) /
        Dot1Q(vlan=20, prio=4) / ip4() / TCP())
    add("QinQ 8100/8100 IPv4 UDP", eth() / Dot1Q(vlan=10) / Dot1Q(vlan=20) /
        ip4() / UDP())
    add("QinQ 88a8/8100 ARP", eth() / Dot1AD(vlan=11) / Dot1Q(vlan=21) /
        ARP(psrc=SRC4, pdst=DST4))
    add("QinQ 88a8/8100 IPv6", eth() / Dot1AD(vlan=12) / Dot1Q(vlan=22) /
        ip6() / UDP())
    add("triple tag", eth() / Dot1AD(vlan=1) / Dot1Q(vlan=2) / Dot1Q(vlan=3) /
        ip4() / UDP())
    add("QinQ inner tag cut", eth() / Dot1AD(vlan=10) /
        Raw(b"\x81\x00\x00"))
    add("QinQ inner tag without type", eth() / Dot1AD(vlan=10) /
        Raw(b"\x81\x00\x00\x14"))
    add("802.1Q tag without type", eth(type=0x8100) / Raw(b"\x20\x05"))
    add("802.1Q MPLS", eth() / Dot1Q(vlan=5) / MPLS(label=17, ttl=9) / ip4())

    # -- ARP ------------------------------------------------------------
    add("ARP request", eth(dst="ff:ff:ff:ff:ff:ff") /
        ARP(op=1, hwsrc=SRC_MAC, psrc=SRC4, pdst=DST4))
    add("ARP reply", eth() / ARP(op=2, hwsrc=SRC_MAC, hwdst=DST_MAC,
                                  psrc=SRC4, pdst=DST4))
    add("ARP op 255", eth() / ARP(op=255, psrc=SRC4, pdst=DST4))
    add("ARP op 256", eth() / ARP(op=256, psrc=SRC4, pdst=DST4))
    add("ARP op 0x1234", eth() / ARP(op=0x1234, psrc=SRC4, pdst=DST4))
    add("RARP", eth(type=0x8035) / ARP(op=3, hwsrc=SRC_MAC, psrc=SRC4,
                                        pdst=DST4))
    add("ARP hw type 6", eth() / ARP(hwtype=6, psrc=SRC4, pdst=DST4))
    add("ARP proto IPv6 type", eth() / ARP(ptype=0x86dd, psrc=SRC4,
                                            pdst=DST4))
    add("ARP hlen 8", eth() / Raw(bytes.fromhex("000108000804") + b"\x00\x01"
                                  + b"\x11" * 30))
    add("ARP plen 16", eth(type=0x0806) / Raw(bytes.fromhex("000108000610")
                                              + b"\x00\x01" + b"\x22" * 50))
    add("ARP 27 bytes", eth(type=0x0806) /
        Raw(bytes(ARP(psrc=SRC4, pdst=DST4))[:27]))
    add("ARP 8 bytes", eth(type=0x0806) /
        Raw(bytes(ARP(psrc=SRC4, pdst=DST4))[:8]))
    add("gratuitous ARP", eth(dst="ff:ff:ff:ff:ff:ff") /
        ARP(op=1, hwsrc=SRC_MAC, psrc=SRC4, pdst=SRC4))

    # -- IPv4 ------------------------------------------------------------
    add("IPv4 TCP syn", eth() / ip4() / TCP(sport=1234, dport=80, flags="S"))
    add("IPv4 TCP all flags", eth() / ip4() / TCP(flags=0xfff))
    add("IPv4 TCP NS flag only", eth() / ip4() / TCP(flags=0x100))
    add("IPv4 TCP reserved bits", eth() / ip4() / TCP(reserved=7, flags=0))
    add("IPv4 TCP with options", eth() / ip4() /
        TCP(options=[("MSS", 1460), ("NOP", None), ("WScale", 7)]))
    add("IPv4 TCP data offset 4", eth() / ip4() / TCP(dataofs=4))
    add("IPv4 TCP data offset 0", eth() / ip4() / TCP(dataofs=0))
    add("IPv4 TCP data offset 15, short", eth() / ip4() / TCP(dataofs=15))
    add("IPv4 TCP data offset 15, full", eth() / ip4() / TCP(dataofs=15) /
        Raw(b"\0" * 40))
    add("IPv4 TCP data offset 6, 20 bytes", eth() / ip4() /
        TCP(dataofs=6))
    add("IPv4 TCP 19 bytes", eth() / ip4(len=39) /
        Raw(bytes(TCP())[:19]))
    add("IPv4 UDP", eth() / ip4() / UDP(sport=53, dport=5353) / Raw(b"d"))
    add("IPv4 UDP 7 bytes", eth() / ip4(proto=17) / Raw(b"\0\1\0\2\0\7\0"))
    add("IPv4 UDP zero ports", eth() / ip4() / UDP(sport=0, dport=0))
    add("IPv4 SCTP", eth() / ip4() / SCTP(sport=3868, dport=2905))
    add("IPv4 SCTP 11 bytes", eth() / ip4(proto=132) / Raw(b"\0\1\0\2" * 2
                                                          + b"\0\0\0"))
    for t, c in ((8, 0), (0, 0), (3, 1), (3, 4), (11, 0), (5, 1), (13, 0),
                 (200, 7)):
        add(f"IPv4 ICMP type {t} code {c}", eth() / ip4() / ICMP(type=t,
                                                                 code=c))
    add("IPv4 ICMP 3 bytes", eth() / ip4(proto=1) / Raw(b"\x08\x00\x00"))
    add("IPv4 ICMP 4 bytes", eth() / ip4(proto=1) / Raw(b"\x08\x00\x00\x00"))
    add("IPv4 ICMP 7 bytes", eth() / ip4(proto=1) / Raw(b"\x08\x01" + b"\0" * 5))
    add("IPv4 GRE (proto 47)", eth() / ip4(proto=47) / Raw(b"\0\0\x08\0"
                                                          + b"\0" * 20))
    add("IPv4 ESP (proto 50)", eth() / ip4(proto=50) / Raw(b"\1" * 20))
    add("IPv4 proto 255", eth() / ip4(proto=255) / Raw(b"\1" * 20))
    add("IPv4 proto 58 (ICMPv6 in v4)", eth() / ip4(proto=58) /
        Raw(b"\x87\0" + b"\0" * 30))
    for tos in (0x00, 0x01, 0x02, 0x03, 0x10, 0xb8, 0xfc, 0xff):
        add(f"IPv4 tos 0x{tos:02x}", eth() / ip4(tos=tos) / UDP())
    for ttl in (0, 1, 255):
        add(f"IPv4 ttl {ttl}", eth() / ip4(ttl=ttl) / UDP())
    add("IPv4 options NOP+RR", eth() / ip4(options=[IPOption_NOP(),
                                                   IPOption_RR()]) /
        TCP(sport=7, dport=8))
    add("IPv4 router alert", eth() / ip4(options=[IPOption_Router_Alert()]) /
        UDP(sport=9, dport=10))
    add("IPv4 IHL 15", eth() / ip4(ihl=15) / Raw(b"\1" * 40) / UDP())
    add("IPv4 IHL 4", eth() / ip4(ihl=4) / UDP())
    add("IPv4 IHL 0", eth() / ip4(ihl=0) / UDP())
    add("IPv4 IHL past frame", eth() / Raw(bytes(ip4(ihl=15, len=20))))
    add("IPv4 total length past frame", eth() / ip4(len=200) / UDP())
    add("IPv4 total length < IHL", eth() / ip4(len=12) / UDP())
    add("IPv4 total length = 20, UDP after", eth() / ip4(len=20) / UDP())
    add("IPv4 total length cuts UDP", eth() / ip4(len=24) / UDP())
    add("IPv4 with Ethernet padding", eth() / ip4() / UDP() / Raw(b"") /
        Raw(b"\0" * 0))
    add("IPv4 padded to 60", (eth() / ip4() / UDP()) / Raw(b"\0" * 18))
    add("IPv4 19 bytes", eth(type=0x0800) / Raw(bytes(ip4() / UDP())[:19]))
    add("IPv4 version 6 in header", eth() / ip4(version=6) / UDP())
    add("IPv4 version 0", eth() / ip4(version=0) / TCP())
    add("IPv4 bad checksum", eth() / ip4(chksum=0x1234) / UDP())
    add("IPv4 DF", eth() / ip4(flags="DF") / TCP())
    add("IPv4 evil bit", eth() / ip4(flags="evil") / UDP())
    add("IPv4 first fragment TCP", eth() / ip4(flags="MF", frag=0) /
        TCP(sport=11, dport=12))
    add("IPv4 first fragment UDP", eth() / ip4(flags="MF", frag=0) /
        UDP(sport=13, dport=14) / Raw(b"f" * 16))
    add("IPv4 first fragment ICMP", eth() / ip4(flags="MF") /
        ICMP(type=8) / Raw(b"f" * 16))
    add("IPv4 first fragment, cut L4", eth() / ip4(flags="MF", proto=6) /
        Raw(b"\0\1\0\2"))
    add("IPv4 middle fragment TCP", eth() / ip4(flags="MF", frag=100, proto=6)
        / Raw(bytes(TCP(sport=15, dport=16))))
    add("IPv4 last fragment UDP", eth() / ip4(frag=200, proto=17) /
        Raw(bytes(UDP(sport=17, dport=18))))
    add("IPv4 last fragment ICMP", eth() / ip4(frag=3, proto=1) /
        Raw(b"\x08\0\0\0\0\0\0\0"))
    add("IPv4 later fragment, empty", eth() / ip4(frag=5, proto=6))
    add("IPv4 later fragment max offset", eth() / ip4(frag=0x1fff, proto=17) /
        Raw(b"l" * 8))
    add("IPv4 DF+MF", eth() / ip4(flags="DF+MF", proto=17) / UDP())

    # IGMP.
    add("IGMPv1 report", eth(dst="01:00:5e:01:01:01") /
        ip4(dst="239.1.1.1", ttl=1) / IGMP(type=0x12, gaddr="239.1.1.1"))
    add("IGMPv2 query", eth(dst="01:00:5e:00:00:01") /
        ip4(dst="224.0.0.1", ttl=1) / IGMP(type=0x11, mrcode=100))
    add("IGMPv2 report", eth(dst="01:00:5e:01:01:02") /
        ip4(dst="239.1.1.2", ttl=1, options=[IPOption_Router_Alert()]) /
        IGMP(type=0x16, gaddr="239.1.1.2"))
    add("IGMPv2 leave", eth(dst="01:00:5e:00:00:02") /
        ip4(dst="224.0.0.2", ttl=1) / IGMP(type=0x17, gaddr="239.1.1.3"))
    add("IGMPv3 query", eth(dst="01:00:5e:00:00:01") /
        ip4(dst="224.0.0.1", ttl=1) / IGMPv3(type=0x11) /
        IGMPv3mq(gaddr="239.2.2.2"))
    add("IGMPv3 report", eth(dst="01:00:5e:00:00:16") /
        ip4(dst="224.0.0.22", ttl=1) / IGMPv3(type=0x22) /
        IGMPv3mr(records=[IGMPv3gr(rtype=4, maddr="239.3.3.3")]))
    add("IGMP 7 bytes", eth() / ip4(proto=2, ttl=1) / Raw(b"\x16\0\0\0\xef\1\1"))
    add("IGMP unknown type 0x30", eth() / ip4(proto=2) /
        Raw(b"\x30\x05\0\0\xef\1\1\1"))
    add("IGMP later fragment", eth() / ip4(proto=2, frag=4) /
        Raw(b"\x16\0\0\0\xef\1\1\1"))

    # -- IPv6 ------------------------------------------------------------
    add("IPv6 TCP", eth() / ip6() / TCP(sport=2222, dport=22, flags="SA"))
    add("IPv6 UDP", eth() / ip6() / UDP(sport=546, dport=547))
    add("IPv6 SCTP", eth() / ip6() / SCTP(sport=1, dport=2))
    add("IPv6 TCP data offset 3", eth() / ip6() / TCP(dataofs=3))
    add("IPv6 TCP 12 bytes", eth() / ip6(nh=6) / Raw(bytes(TCP())[:12]))
    add("IPv6 UDP 4 bytes", eth() / ip6(nh=17) / Raw(b"\0\1\0\2"))
    add("IPv6 SCTP 8 bytes", eth() / ip6(nh=132) / Raw(b"\0\1\0\2\0\0\0\0"))
    for tc, fl in ((0, 0), (0xff, 0xfffff), (0x03, 1), (0xb8, 0x12345)):
        add(f"IPv6 tc 0x{tc:02x} label 0x{fl:05x}", eth() / ip6(tc=tc, fl=fl)
            / UDP())
    for hl in (0, 1, 64):
        add(f"IPv6 hlim {hl}", eth() / ip6(hlim=hl) / UDP())
    add("IPv6 no next header", eth() / ip6(nh=59))
    add("IPv6 proto 255", eth() / ip6(nh=255) / Raw(b"x" * 8))
    add("IPv6 ICMPv4 proto", eth() / ip6(nh=1) / Raw(b"\x08\0\0\0\0\0\0\0"))
    add("IPv6 hop-by-hop UDP", eth() / ip6() / IPv6ExtHdrHopByHop() / UDP())
    add("IPv6 dest opts TCP", eth() / ip6() / IPv6ExtHdrDestOpt() / TCP())
    add("IPv6 routing UDP", eth() / ip6() /
        IPv6ExtHdrRouting(addresses=["2001:db8::9"]) / UDP())
    add("IPv6 hbh+dst+rt+dst TCP", eth() / ip6() / IPv6ExtHdrHopByHop() /
        IPv6ExtHdrDestOpt() / IPv6ExtHdrRouting() / IPv6ExtHdrDestOpt() /
        TCP())
    add("IPv6 hbh not first", eth() / ip6() / IPv6ExtHdrDestOpt() /
        IPv6ExtHdrHopByHop() / UDP())
    add("IPv6 AH", eth() / ip6(nh=51) / Raw(bytes([17, 4, 0, 0]) + b"\0" * 20)
        / UDP())
    add("IPv6 ESP", eth() / ip6(nh=50) / Raw(b"\0" * 24))
    add("IPv6 mobility header", eth() / ip6(nh=135) / Raw(bytes([59, 0])
                                                          + b"\0" * 6))
    add("IPv6 ext header cut", eth() / ip6(nh=0) / Raw(b"\x11\x01\0\0"))
    add("IPv6 ext header len past payload", eth() / ip6(nh=60) /
        Raw(b"\x11\x05" + b"\0" * 14))
    add("IPv6 ext header 1 byte", eth() / ip6(nh=43) / Raw(b"\x11"))
    add("IPv6 fragment first UDP", eth() / ip6() /
        IPv6ExtHdrFragment(m=1, offset=0, id=7) / UDP(sport=31, dport=32))
    add("IPv6 fragment first ICMPv6", eth() / ip6() /
        IPv6ExtHdrFragment(m=1, id=7) / ICMPv6EchoRequest())
    add("IPv6 fragment later UDP", eth() / ip6() /
        IPv6ExtHdrFragment(m=1, offset=10, id=8, nh=17) /
        Raw(bytes(UDP(sport=33, dport=34))))
    add("IPv6 fragment last", eth() / ip6() /
        IPv6ExtHdrFragment(m=0, offset=20, id=9, nh=6) / Raw(b"t" * 20))
    add("IPv6 atomic fragment", eth() / ip6() /
        IPv6ExtHdrFragment(m=0, offset=0, id=10) / TCP(sport=35, dport=36))
    add("IPv6 fragment reserved bits only", eth() / ip6() /
        Raw(bytes([6, 0, 0, 6, 0, 0, 0, 1])) / TCP())
    add("IPv6 hbh then later fragment", eth() / ip6() / IPv6ExtHdrHopByHop() /
        IPv6ExtHdrFragment(m=1, offset=5, nh=17) / Raw(b"u" * 8))
    add("IPv6 fragment then dest opts", eth() / ip6() /
        IPv6ExtHdrFragment(m=1) / IPv6ExtHdrDestOpt() / UDP())
    add("IPv6 later fragment of fragment hdr", eth() / ip6() /
        IPv6ExtHdrFragment(m=0, offset=1, nh=44) / Raw(b"\0" * 8))
    add("IPv6 payload length past frame", eth() / ip6(plen=100) / UDP())
    add("IPv6 payload length 0, UDP after", eth() / ip6(plen=0, nh=17) / UDP())
    add("IPv6 payload length cuts TCP", eth() / ip6(plen=10) / TCP())
    add("IPv6 39 bytes", eth(type=0x86dd) / Raw(bytes(ip6() / UDP())[:39]))
    add("IPv6 version 4 in header", eth() / ip6(version=4) / UDP())
    add("IPv6 padded frame", eth() / ip6() / UDP() / Raw(b"") )
    add("IPv6 TCP in v4 ethertype", eth(type=0x0800) / ip6() / TCP())
    add("IPv4 in v6 ethertype", eth(type=0x86dd) / ip4() / TCP())

    # -- ICMPv6 and ND ---------------------------------------------------
    add("ICMPv6 echo request", eth() / ip6() / ICMPv6EchoRequest(id=1))
    add("ICMPv6 echo reply", eth() / ip6() / ICMPv6EchoReply(id=1))
    add("ICMPv6 dest unreach code 4", eth() / ip6() /
        ICMPv6DestUnreach(code=4) / Raw(b"\0" * 40))
    add("ICMPv6 3 bytes", eth() / ip6(nh=58) / Raw(b"\x80\0\0"))
    add("ICMPv6 4 bytes", eth() / ip6(nh=58) / Raw(b"\x80\0\0\0"))
    add("ICMPv6 7 bytes", eth() / ip6(nh=58) / Raw(b"\x80\0\0\0\0\0\0"))
    add("MLD query", eth() / ip6(dst="ff02::1", hlim=1) / ICMPv6MLQuery())
    add("MLD report", eth() / ip6(dst="ff02::1:2", hlim=1) /
        ICMPv6MLReport(mladdr="ff02::1:2"))
    add("RS", eth() / ip6(src=LL6, dst="ff02::2", hlim=255) / ICMPv6ND_RS() /
        ICMPv6NDOptSrcLLAddr(lladdr=SRC_MAC))
    add("RA", eth() / ip6(src=LL6, dst="ff02::1", hlim=255) / ICMPv6ND_RA() /
        ICMPv6NDOptSrcLLAddr(lladdr=SRC_MAC) / ICMPv6NDOptMTU())
    add("redirect", eth() / ip6(src=LL6, hlim=255, nh=58) /
        Raw(bytes([137, 0, 0, 0, 0, 0, 0, 0]) + b"\x11" * 32))

    sll = mac_bytes("00:11:22:33:44:55")
    tll = mac_bytes("66:77:88:99:aa:bb")
    tgt = "fe80::1234"

    def ns(*opts, code=0, target=tgt, **kw):
        kw.setdefault("src", LL6)
        kw.setdefault("dst", "ff02::1:ff00:1234")
        kw.setdefault("hlim", 255)
        pkt = eth() / ip6(**kw) / ICMPv6ND_NS(tgt=target, code=code)
        for o in opts:
            pkt = pkt / Raw(o)
        return pkt

    def na(*opts, code=0, target=tgt, flags=(1, 1, 1), **kw):
        kw.setdefault("src", LL6)
        kw.setdefault("dst", LL6)
        kw.setdefault("hlim", 255)
        pkt = eth() / ip6(**kw) / ICMPv6ND_NA(tgt=target, code=code,
                                              R=flags[0], S=flags[1],
                                              O=flags[2])
        for o in opts:
            pkt = pkt / Raw(o)
        return pkt

    SLL = nd_opt(1, 1, sll)
    TLL = nd_opt(2, 1, tll)
    add("NS no options", ns())
    add("NS SLL", ns(SLL))
    add("NS TLL", ns(TLL))
    add("NS SLL+TLL", ns(SLL, TLL))
    add("NS TLL+SLL", ns(TLL, SLL))
    add("NS SLL twice", ns(SLL, SLL))
    add("NS SLL twice, same address zero", ns(nd_opt(1, 1, b"\0" * 6),
                                              nd_opt(1, 1, b"\0" * 6)))
    add("NS SLL zero address then SLL", ns(nd_opt(1, 1, b"\0" * 6), SLL))
    add("NS SLL length 0", ns(nd_opt(1, 0, sll)))
    add("NS SLL length 2", ns(nd_opt(1, 2, sll + b"\0" * 8)))
    add("NS SLL length 3 past end", ns(nd_opt(1, 3, sll)))
    add("NS SLL option cut (4 bytes)", ns(b"\x01\x01\x00\x11"))
    add("NS SLL option 1 byte", ns(b"\x01"))
    add("NS unknown option then SLL", ns(nd_opt(14, 1, b"\xee" * 6), SLL))
    add("NS nonce option", ns(nd_opt(14, 1, b"\x01\x02\x03\x04\x05\x06")))
    add("NS SLL then length 0", ns(SLL, nd_opt(3, 0, b"\0" * 6)))
    add("NS SLL then cut option", ns(SLL, b"\x02\x01\x66"))
    add("NS code 1", ns(SLL, code=1))
    add("NS multicast target", ns(SLL, target="ff02::1"))
    add("NS target cut", eth() / ip6(src=LL6, nh=58, hlim=255) /
        Raw(bytes([135, 0, 0, 0, 0, 0, 0, 0]) + b"\xfe\x80" + b"\0" * 6))
    add("NS no target", eth() / ip6(src=LL6, nh=58, hlim=255) /
        Raw(bytes([135, 0, 0, 0, 0, 0, 0, 0])))
    add("NS reserved nonzero", eth() / ip6(src=LL6, nh=58, hlim=255) /
        Raw(bytes([135, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef]) +
            bytes(16) + SLL))
    add("NS hop limit 64", ns(SLL, hlim=64))
    add("NS unspecified source", ns(src="::"))
    add("NA no options", na())
    add("NA TLL", na(TLL))
    add("NA SLL", na(SLL))
    add("NA TLL+SLL", na(TLL, SLL))
    add("NA TLL twice", na(TLL, TLL))
    add("NA TLL length 0", na(nd_opt(2, 0, tll)))
    add("NA TLL length 2", na(nd_opt(2, 2, tll + b"\0" * 8)))
    add("NA TLL past end", na(nd_opt(2, 4, tll)))
    add("NA flags clear", na(TLL, flags=(0, 0, 0)))
    add("NA code 3", na(TLL, code=3))
    add("NA reserved bits set", eth() / ip6(src=LL6, nh=58, hlim=255) /
        Raw(bytes([136, 0, 0, 0, 0x60, 0x12, 0x34, 0x56]) + bytes(16) + TLL))
    add("NA in fragment", eth() / ip6(src=LL6, hlim=255) /
        IPv6ExtHdrFragment(m=1) / ICMPv6ND_NA(tgt=tgt) / Raw(TLL))
    add("NA after hbh", eth() / ip6(src=LL6, hlim=255) / IPv6ExtHdrHopByHop()
        / ICMPv6ND_NA(tgt=tgt) / Raw(TLL))
    add("NS under VLAN", eth() / Dot1Q(vlan=44) / ip6(src=LL6, hlim=255) /
        ICMPv6ND_NS(tgt=tgt) / Raw(SLL))
    add("NS with payload length cutting options", eth() /
        ip6(src=LL6, hlim=255, plen=28) / ICMPv6ND_NS(tgt=tgt) / Raw(SLL))
    add("NS in IPv4 proto 58", eth() / ip4(proto=58) /
        Raw(bytes(ICMPv6ND_NS(tgt=tgt)) + SLL))

    # -- MPLS ------------------------------------------------------------
    add("MPLS one label IPv4", eth(type=0x8847) / MPLS(label=100, cos=3,
                                                       ttl=64) / ip4() /
        UDP())
    add("MPLS label 0", eth(type=0x8847) / MPLS(label=0, ttl=1) / ip4())
    add("MPLS label max", eth(type=0x8847) / MPLS(label=0xfffff, cos=7,
                                                  ttl=255) / ip4())
    add("MPLS multicast one label", eth(type=0x8848) / MPLS(label=55) /
        ip4())
    add("MPLS two labels", eth(type=0x8847) / MPLS(label=16, s=0, ttl=10) /
        MPLS(label=17, ttl=11) / ip4())
    add("MPLS three labels", eth(type=0x8847) / MPLS(label=16, s=0, ttl=10) /
        MPLS(label=17, s=0, cos=1) / MPLS(label=18, cos=2) / ip4())
    add("MPLS four labels", eth(type=0x8847) / MPLS(label=1, s=0) /
        MPLS(label=2, s=0) / MPLS(label=3, s=0) / MPLS(label=4) / ip4())
    add("MPLS no bottom of stack", eth(type=0x8847) /
        Raw(struct.pack(">I", (99 << 12) | 64)))
    add("MPLS two labels, no BOS, then end", eth(type=0x8847) /
        MPLS(label=5, s=0) / MPLS(label=6, s=0))
    add("MPLS 3 bytes", eth(type=0x8847) / Raw(b"\x00\x64\x01"))
    add("MPLS second label cut", eth(type=0x8847) / MPLS(label=5, s=0) /
        Raw(b"\0\0"))
    add("MPLS IPv6 payload", eth(type=0x8847) / MPLS(label=2) / ip6() /
        UDP())
    add("QinQ MPLS", eth() / Dot1AD(vlan=3) / Dot1Q(vlan=4) /
        MPLS(label=9) / ip4())
    add("SNAP MPLS", eth(type=80) / LLC() / SNAP(OUI=0, code=0x8847) /
        MPLS(label=77, ttl=3) / ip4())

    # -- NSH ------------------------------------------------------------
    nsh_md1 = bytes.fromhex("0fc60103") + bytes.fromhex("00000aff") + \
        bytes.fromhex("11111111222222223333333344444444")
    add("NSH MD type 1 IPv4", eth(type=0x894f) / Raw(nsh_md1) / ip4() / UDP())
    nsh_md2 = bytes.fromhex("0fc20203") + bytes.fromhex("00001001")
    add("NSH MD type 2 no TLVs", eth(type=0x894f) / Raw(nsh_md2) / ip4())
    add("NSH cut", eth(type=0x894f) / Raw(nsh_md1[:6]))
    return out


def _cuts(frames, rng):
    """Each whole, parsable frame cut at up to 3 random lengths past the
    Ethernet header."""
    out = []
    for desc, data in frames:
        if len(data) <= 15 or "cut" in desc or "bytes" in desc:
            continue
        points = sorted(rng.sample(range(14, len(data)),
                                   min(2, len(data) - 14)))
        for n in points:
            out.append((f"{desc}, cut to {n} bytes", data[:n]))
    return out


def _mutations(frames, rng, n):
    """`n` frames, each a whole frame with 1 to 3 bytes past the MACs set
    to random values (header fields, lengths, options and types go
    wrong in every way)."""
    out = []
    whole = [(d, f) for d, f in frames if len(f) > 14]
    for i in range(n):
        desc, data = whole[rng.randrange(len(whole))]
        b = bytearray(data)
        spots = []
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(12, len(b))
            b[at] = rng.randrange(256)
            spots.append(f"{at}={b[at]:#04x}")
        out.append((f"{desc}, mutated {' '.join(spots)}", bytes(b)))
    return out


def corpus():
    frames = _frames()
    rng = random.Random(20261203)
    every_other = [f for i, f in enumerate(frames) if i % 2 == 0]
    return (frames + _cuts(every_other, rng)
            + _mutations(frames, random.Random(11), 200))


if __name__ == "__main__":
    c = corpus()
    for d, f in c:
        print(f"{len(f):5d}  {d}")
    print(len(c), "frames")
