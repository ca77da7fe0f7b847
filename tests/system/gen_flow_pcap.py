#!/usr/bin/python3
"""Writes a pcap of varied Ethernet frames for the flow-key differential
test: 802.3/SNAP, VLAN, QinQ, ARP, IPv4 TCP/UDP/SCTP/ICMP with and without
options, IPv4 fragments, IPv6 with extension headers and fragments, ICMPv6
ND (NS/NA/RS/RA with SLL/TLL), and truncated or malformed frames of many
kinds.  Deterministic: a fixed seed gives the same file every time.

usage: gen_flow_pcap.py OUT.pcap [SEED]
"""
import random
import sys

from scapy.all import (ARP, ICMP, IP, SCTP, TCP, UDP, Dot1AD, Dot1Q, Dot3, Ether,
                       ICMPv6EchoRequest, ICMPv6ND_NA, ICMPv6ND_NS,
                       ICMPv6ND_RA, ICMPv6ND_RS, ICMPv6NDOptDstLLAddr,
                       ICMPv6NDOptMTU, ICMPv6NDOptPrefixInfo,
                       ICMPv6NDOptSrcLLAddr, IPOption_NOP, IPOption_RR, IPv6,
                       IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, LLC, SNAP, Raw,
                       PcapWriter, conf)

conf.verb = 0

# Ports chosen so that tshark decodes no application protocol on top (which
# could add a second occurrence of a field we compare).
PORT_LOW, PORT_HIGH = 20000, 29999


def mac(rng):
    return "02:%02x:%02x:%02x:%02x:%02x" % tuple(rng.randrange(256)
                                                for _ in range(5))


def ip4(rng):
    return "10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256),
                            rng.randrange(1, 255))


def ip6(rng):
    return "2001:db8::%x:%x" % (rng.randrange(1, 0xffff),
                               rng.randrange(1, 0xffff))


def port(rng):
    return rng.randrange(PORT_LOW, PORT_HIGH)


def eth(rng, **kw):
    return Ether(src=mac(rng), dst=mac(rng), **kw)


def l4_v4(rng, kind):
    if kind == "tcp":
        return TCP(sport=port(rng), dport=port(rng),
                   flags=rng.randrange(0, 0x200)) / Raw(b"x" * rng.randrange(0, 20))
    if kind == "udp":
        return UDP(sport=port(rng), dport=port(rng)) / Raw(b"u" * rng.randrange(0, 20))
    if kind == "sctp":
        return SCTP(sport=port(rng), dport=port(rng))
    return ICMP(type=rng.choice([0, 8, 13, 14]), code=0) / Raw(b"i" * 8)


def ipv4(rng, kind, options=False, **kw):
    opts = [IPOption_NOP(), IPOption_RR()] if options else []
    return IP(src=ip4(rng), dst=ip4(rng), tos=rng.randrange(256),
              ttl=rng.randrange(1, 256), options=opts, **kw) / l4_v4(rng, kind)


def l4_v6(rng, kind):
    if kind == "tcp":
        return TCP(sport=port(rng), dport=port(rng), flags=rng.randrange(0, 0x200))
    if kind == "udp":
        return UDP(sport=port(rng), dport=port(rng)) / Raw(b"v" * 4)
    return ICMPv6EchoRequest(id=rng.randrange(65536))


def ipv6(rng, payload, **kw):
    return IPv6(src=ip6(rng), dst=ip6(rng), tc=rng.randrange(256),
                fl=rng.randrange(1 << 20), hlim=rng.randrange(1, 256),
                **kw) / payload


def ext_chain(rng, kind):
    """A random chain of extension headers in front of an L4 header."""
    chain = []
    if rng.random() < 0.7:
        chain.append(IPv6ExtHdrHopByHop())
    if rng.random() < 0.5:
        chain.append(IPv6ExtHdrRouting(addresses=[ip6(rng)]))
    if rng.random() < 0.5:
        chain.append(IPv6ExtHdrDestOpt())
    pkt = l4_v6(rng, kind)
    for hdr in reversed(chain):
        pkt = hdr / pkt
    return pkt


def frames_l2(rng):
    out = []
    for _ in range(6):
        # 802.3 with plain LLC, and with SNAP carrying IPv4.
        out.append(Dot3(src=mac(rng), dst=mac(rng)) / LLC(dsap=0x42, ssap=0x42, ctrl=3)
                   / Raw(b"s" * 38))
        out.append(Dot3(src=mac(rng), dst=mac(rng)) / LLC(dsap=0xaa, ssap=0xaa, ctrl=3)
                   / SNAP(OUI=0, code=0x0800) / ipv4(rng, "udp"))
    for _ in range(10):
        kind = rng.choice(["tcp", "udp", "icmp", "sctp"])
        out.append(eth(rng) / Dot1Q(vlan=rng.randrange(4096), prio=rng.randrange(8))
                   / ipv4(rng, kind))
    for _ in range(8):
        out.append(eth(rng) / Dot1AD(vlan=rng.randrange(4096), prio=rng.randrange(8))
                   / Dot1Q(vlan=rng.randrange(4096), prio=rng.randrange(8))
                   / ipv4(rng, rng.choice(["tcp", "udp"])))
        out.append(eth(rng) / Dot1Q(vlan=rng.randrange(4096))
                   / Dot1Q(vlan=rng.randrange(4096), prio=rng.randrange(8))
                   / ipv6(rng, l4_v6(rng, "udp")))
    for _ in range(3):
        # Three tags: only two are parsed.
        out.append(eth(rng) / Dot1Q(vlan=1) / Dot1Q(vlan=2) / Dot1Q(vlan=3)
                   / ipv4(rng, "udp"))
        out.append(eth(rng, type=rng.choice([0x88cc, 0x8847, 0x1234])) / Raw(b"z" * 30))
    return out


def frames_arp(rng):
    out = []
    for _ in range(8):
        out.append(eth(rng) / ARP(op=1, hwsrc=mac(rng), psrc=ip4(rng), pdst=ip4(rng)))
        out.append(eth(rng) / ARP(op=2, hwsrc=mac(rng), hwdst=mac(rng),
                                  psrc=ip4(rng), pdst=ip4(rng)))
    out.append(eth(rng) / ARP(op=0x0103, hwsrc=mac(rng), psrc=ip4(rng), pdst=ip4(rng)))
    out.append(eth(rng) / Dot1Q(vlan=7) / ARP(op=1, psrc=ip4(rng), pdst=ip4(rng)))
    return out


def frames_ipv4(rng):
    out = []
    for _ in range(40):
        kind = rng.choice(["tcp", "udp", "icmp", "sctp"])
        out.append(eth(rng) / ipv4(rng, kind, options=rng.random() < 0.3))
    for _ in range(8):
        kind = rng.choice(["tcp", "udp", "icmp"])
        first = eth(rng) / ipv4(rng, kind, flags="MF", frag=0)
        later = eth(rng) / ipv4(rng, kind, frag=rng.randrange(1, 100))
        later_mf = eth(rng) / ipv4(rng, kind, flags="MF", frag=rng.randrange(1, 100))
        df = eth(rng) / ipv4(rng, kind, flags="DF")
        out += [first, later, later_mf, df]
    # Padding after tot_len is not L4: a short IP payload in a longer frame.
    for _ in range(3):
        pkt = eth(rng) / IP(src=ip4(rng), dst=ip4(rng), proto=6, len=20 + 10) \
            / Raw(bytes(rng.randrange(256) for _ in range(30)))
        out.append(pkt)
    return out


def frames_ipv6(rng):
    out = []
    for _ in range(30):
        kind = rng.choice(["tcp", "udp", "icmpv6"])
        out.append(eth(rng) / ipv6(rng, ext_chain(rng, kind)))
    for _ in range(6):
        kind = rng.choice(["tcp", "udp"])
        ident = rng.randrange(1 << 32)
        out.append(eth(rng) / ipv6(rng, IPv6ExtHdrFragment(m=1, offset=0, id=ident)
                                   / l4_v6(rng, kind)))
        out.append(eth(rng) / ipv6(rng, IPv6ExtHdrFragment(m=0, offset=rng.randrange(1, 500),
                                                           id=ident) / Raw(b"f" * 16)))
        out.append(eth(rng) / ipv6(rng, IPv6ExtHdrHopByHop()
                                   / IPv6ExtHdrFragment(m=1, offset=rng.randrange(1, 500), id=ident)
                                   / Raw(b"g" * 16)))
        out.append(eth(rng) / ipv6(rng, IPv6ExtHdrFragment(m=0, offset=0, id=ident)
                                   / l4_v6(rng, kind)))
    return out


def frames_nd(rng):
    out = []
    for _ in range(5):
        tgt = ip6(rng)
        out.append(eth(rng) / ipv6(rng, ICMPv6ND_NS(tgt=tgt) / ICMPv6NDOptSrcLLAddr(lladdr=mac(rng))))
        out.append(eth(rng) / ipv6(rng, ICMPv6ND_NS(tgt=tgt)))
        out.append(eth(rng) / ipv6(rng, ICMPv6ND_NA(tgt=tgt, R=0, S=1, O=1)
                                   / ICMPv6NDOptDstLLAddr(lladdr=mac(rng))))
        out.append(eth(rng) / ipv6(rng, ICMPv6ND_NA(tgt=tgt) / ICMPv6NDOptMTU()
                                   / ICMPv6NDOptDstLLAddr(lladdr=mac(rng))
                                   / ICMPv6NDOptSrcLLAddr(lladdr=mac(rng))))
        out.append(eth(rng) / ipv6(rng, ICMPv6ND_RS() / ICMPv6NDOptSrcLLAddr(lladdr=mac(rng))))
        out.append(eth(rng) / ipv6(rng, ICMPv6ND_RA() / ICMPv6NDOptSrcLLAddr(lladdr=mac(rng))
                                   / ICMPv6NDOptPrefixInfo(prefix="2001:db8::")))
    # Bad option lengths: zero, and longer than what is left; a repeated SLL.
    for opt_bytes in (b"\x01\x00" + b"\x11" * 6, b"\x02\x03" + b"\x22" * 6,
                      bytes(ICMPv6NDOptSrcLLAddr(lladdr=mac(rng))) * 2):
        out.append(eth(rng) / ipv6(rng, ICMPv6ND_NS(tgt=ip6(rng)) / Raw(opt_bytes)))
    return out


def truncations(rng, pool):
    """Frames cut at many lengths, and headers that lie about lengths."""
    out = []
    for pkt in rng.sample(pool, 25):
        raw = bytes(pkt)
        for _ in range(2):
            out.append(Raw(raw[:rng.randrange(0, len(raw))]))
    base = bytes(eth(rng) / ipv4(rng, "tcp"))
    out.append(Raw(base[:5]))                       # Ethernet short
    out.append(Raw(base[:13]))
    vlan = bytes(eth(rng) / Dot1Q(vlan=5) / ipv4(rng, "udp"))
    out += [Raw(vlan[:16]), Raw(vlan[:17]), Raw(vlan[:18])]  # VLAN short
    arp = bytes(eth(rng) / ARP(psrc=ip4(rng), pdst=ip4(rng)))
    out.append(Raw(arp[:14 + 27]))                  # ARP short
    out.append(Raw(base[:14 + 19]))                 # IPv4 short
    for ihl in (3, 4, 15):                          # bad IHL
        b = bytearray(base)
        b[14] = 0x40 | ihl
        out.append(Raw(bytes(b)))
    for tot_len in (19, 1400):                      # bad total length
        b = bytearray(base)
        b[16:18] = tot_len.to_bytes(2, "big")
        out.append(Raw(bytes(b)))
    for kind, keep in (("tcp", 10), ("udp", 6), ("icmp", 5), ("sctp", 11)):
        ip = IP(src=ip4(rng), dst=ip4(rng)) / l4_v4(rng, kind)
        b = bytes(ip)[:20 + keep]
        hdr = bytearray(b)
        hdr[2:4] = len(b).to_bytes(2, "big")        # consistent tot_len
        out.append(eth(rng) / Raw(bytes(IP(bytes(hdr)))))
    v6 = bytes(eth(rng) / ipv6(rng, l4_v6(rng, "tcp")))
    out.append(Raw(v6[:14 + 30]))                   # IPv6 short
    out.append(Raw(v6[:-3]))                        # plen > frame
    # Extension header cut short: plen 8 but hop-by-hop claims 16 bytes.
    hbh = eth(rng) / IPv6(src=ip6(rng), dst=ip6(rng), nh=0, plen=8) \
        / Raw(b"\x06\x01" + b"\x00" * 6)
    out.append(hbh)
    # TCP/UDP/ICMPv6 short inside a consistent IPv6 payload length.
    for kind, keep in (("tcp", 12), ("udp", 7), ("icmpv6", 6)):
        l4 = bytes(l4_v6(rng, kind))[:keep]
        nh = {"tcp": 6, "udp": 17, "icmpv6": 58}[kind]
        out.append(eth(rng) / IPv6(src=ip6(rng), dst=ip6(rng), nh=nh, plen=keep) / Raw(l4))
    # ND target cut short.
    ns = bytes(ICMPv6ND_NS(tgt=ip6(rng)))[:16]
    out.append(eth(rng) / IPv6(src=ip6(rng), dst=ip6(rng), nh=58, plen=16) / Raw(ns))
    return out


def build(seed):
    rng = random.Random(seed)
    frames = frames_l2(rng) + frames_arp(rng) + frames_ipv4(rng) \
        + frames_ipv6(rng) + frames_nd(rng)
    frames += truncations(rng, frames)
    return frames


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit("usage: gen_flow_pcap.py OUT.pcap [SEED]")
    seed = int(sys.argv[2]) if len(sys.argv) == 3 else 20240601
    frames = build(seed)
    writer = PcapWriter(sys.argv[1], linktype=1, sync=True)
    for frame in frames:
        writer.write(bytes(frame))
    writer.close()
    print(len(frames))


if __name__ == "__main__":
    main()
