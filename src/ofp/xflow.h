/* The slow path's view of a packet ("xflow"): the datapath flow key plus
 * the fields that exist only while a packet is translated (OpenFlow in_port,
 * metadata, registers), and the named fields over it that matches,
 * set_field, load and move address.  The fields are one list, MF_FIELDS
 * below: their names, storage, value syntax, prerequisites, the order and
 * name a match prints them in, and their NXM/OXM codes all come from it, and
 * tests/unit/test_ofp_parse.c puts every entry's sample through parse,
 * print and a match round trip.
 *
 * A field's value is handled as an unsigned 128-bit number (`mf_value`):
 * header fields are read from network byte order, slow-path fields from host
 * order; bit 0 is the least significant bit, as in OVS's [a..b] syntax. */
#ifndef VS_OFP_XFLOW_H
#define VS_OFP_XFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp/flow_key.h"
#include "lib/dstr.h"

#define XFLOW_N_REGS 8

struct xflow {
    struct flow_key key;     /* key.in_port is the datapath port */
    uint64_t metadata;       /* host order */
    uint32_t in_port;        /* OpenFlow port, host order */
    uint32_t regs[XFLOW_N_REGS];
    uint32_t conj_id;        /* conj: set only while the classifier looks
                              * up a conjunctive match's conj_id flow */
};

_Static_assert(sizeof(struct xflow) % 8 == 0, "xflow is u64 words");

typedef unsigned __int128 mf_value;

/* What a field needs of the packet before it means anything:
 * MF_PREREQ(ID, TEXT, PROTO): TEXT names the protocols in the error
 * "nw_src: prerequisites not met (the match needs ip or arp)"; PROTO is
 * true when nw_proto takes part as well as dl_type.  Whether a packet meets
 * one is prereq_eval() in xflow.c, a switch without default: a new entry
 * without its test there does not compile (-Wswitch). */
#define MF_PREREQS                                                          \
    MF_PREREQ(NONE, "", false)                                              \
    MF_PREREQ(ARP, "arp", false)            /* dl_type 0x0806 or 0x8035 */  \
    MF_PREREQ(IPV4, "ip", false)                                            \
    MF_PREREQ(IPV6, "ipv6", false)                                          \
    MF_PREREQ(IP_ANY, "ip or ipv6", false)                                  \
    MF_PREREQ(IPV4_ARP, "ip or arp", false) /* nw_src, nw_dst */            \
    MF_PREREQ(IP_ARP, "ip, ipv6 or arp", false) /* nw_proto */              \
    MF_PREREQ(L4, "tcp, udp or sctp", true) /* over IPv4 or IPv6 */         \
    MF_PREREQ(TCP, "tcp", true)                                             \
    MF_PREREQ(UDP, "udp", true)                                             \
    MF_PREREQ(SCTP, "sctp", true)                                           \
    MF_PREREQ(ICMPV4, "icmp", true)                                         \
    MF_PREREQ(ICMPV6, "icmp6", true)

enum mf_prereq {
#define MF_PREREQ(ID, TEXT, PROTO) MFP_##ID,
    MF_PREREQS
#undef MF_PREREQ
};

/* How a field's value is written in flows. */
enum mf_format {
    MFF_DEC,
    MFF_HEX,
    MFF_ETH,
    MFF_IPV4,
    MFF_IPV6,
    MFF_PORT,      /* OpenFlow port: number or LOCAL, IN_PORT, ... */
    MFF_FRAG,      /* no, yes, first, later, not_later */
    MFF_TCP_FLAGS, /* +syn-ack or hex */
};

/* When ofp_match_format prints a field the match sets (fields print in the
 * order of MF_FIELDS).  Several fields share storage (tp_src, tcp_src,
 * icmp_type...); exactly one of them shows it in each kind of match. */
enum mf_show {
    MFS_ALWAYS,
    MFS_NEVER,        /* printed under another field's name */
    MFS_CODE,         /* printed by code of its own (vlan_tci, nw_tos...) */
    MFS_NO_SHORTHAND, /* dl_type: unless "ip", "tcp6"... says it */
    MFS_IPV6,         /* when the match is IPv6 */
    MFS_ARP,          /* when the match is ARP or RARP */
    MFS_NOT_V6_ARP,   /* when it is neither (nw_src, nw_dst) */
    MFS_PROTO,        /* nw_proto: not ARP, no "tcp"-like shorthand */
    MFS_ICMP,         /* with the "icmp" or "icmp6" shorthand */
    MFS_PORTS,        /* without those, and not ARP */
    MFS_BEFORE_PROTO, /* conj: before the "ip"-like shorthand (conj_id) */
};

/* An NXM or OXM header's class and field number, for the wire encoding of
 * matches, set_field, load and move (next issue); `valid` is false when the
 * field has none of that kind. */
struct mf_wire {
    uint16_t oxm_class;
    uint8_t field;
    bool valid;
};

#define MF_NXM0(F) { 0x0000, F, true }   /* NXM_OF_* */
#define MF_NXM1(F) { 0x0001, F, true }   /* NXM_NX_* */
#define MF_OXM(F) { 0x8000, F, true }    /* OXM_OF_* (OpenFlow basic) */
#define MF_NO_WIRE { 0, 0, false }

/* Where a field is stored in struct xflow: offset, size and byte order. */
#define MF_NET(MEMBER) offsetof(struct xflow, MEMBER),                       \
                       sizeof(((struct xflow *) 0)->MEMBER), false
#define MF_HOST(MEMBER) offsetof(struct xflow, MEMBER),                      \
                        sizeof(((struct xflow *) 0)->MEMBER), true

/* Every field, one entry each, in the order ofp_match_format prints them:
 *
 *   MF(ID, NAME, ALIAS, NXM_NAME, STORAGE, SHIFT, N_BITS, MASKABLE,
 *      WRITABLE, FORMAT, PREREQ, SHOW, NXM, OXM, SAMPLE)
 *
 *   ID        MFID_<ID> (enum mf_id), for code that names a field
 *   NAME      match and set_field name; ALIAS another name OVS accepts for
 *             it, or NULL
 *   NXM_NAME  load/move name (also accepted in matches)
 *   STORAGE   MF_NET(member) or MF_HOST(member) of struct xflow
 *   SHIFT, N_BITS  value = (storage >> SHIFT) & (2^N_BITS - 1)
 *   MASKABLE  accepts value/mask in matches; WRITABLE: set_field, load and
 *             move may write it
 *   FORMAT    MFF_*: how its values are parsed and printed
 *   PREREQ    MFP_*: what the match (or packet) needs first
 *   SHOW      MFS_*: when ofp_match_format prints it
 *   NXM, OXM  wire headers (MF_NXM0/MF_NXM1/MF_OXM(field) or MF_NO_WIRE)
 *   SAMPLE    a value as it is printed: the unit tests parse it, print it
 *             back, and put it through a match round trip
 *
 * A field earlier in the list wins an NXM_NAME shared with a later one
 * (tp_src before tcp_src). */
#define MF_FIELDS                                                            \
    MF(REG0, "reg0", NULL, "NXM_NX_REG0", MF_HOST(regs[0]), 0, 32, true,     \
       true, MFF_HEX, MFP_NONE, MFS_ALWAYS, MF_NXM1(0), MF_NO_WIRE, "0x3")   \
    MF(REG1, "reg1", NULL, "NXM_NX_REG1", MF_HOST(regs[1]), 0, 32, true,     \
       true, MFF_HEX, MFP_NONE, MFS_ALWAYS, MF_NXM1(1), MF_NO_WIRE, "0x3")   \
    MF(REG2, "reg2", NULL, "NXM_NX_REG2", MF_HOST(regs[2]), 0, 32, true,     \
       true, MFF_HEX, MFP_NONE, MFS_ALWAYS, MF_NXM1(2), MF_NO_WIRE, "0x3")   \
    MF(REG3, "reg3", NULL, "NXM_NX_REG3", MF_HOST(regs[3]), 0, 32, true,     \
       true, MFF_HEX, MFP_NONE, MFS_ALWAYS, MF_NXM1(3), MF_NO_WIRE, "0x3")   \
    MF(REG4, "reg4", NULL, "NXM_NX_REG4", MF_HOST(regs[4]), 0, 32, true,     \
       true, MFF_HEX, MFP_NONE, MFS_ALWAYS, MF_NXM1(4), MF_NO_WIRE, "0x3")   \
    MF(REG5, "reg5", NULL, "NXM_NX_REG5", MF_HOST(regs[5]), 0, 32, true,     \
       true, MFF_HEX, MFP_NONE, MFS_ALWAYS, MF_NXM1(5), MF_NO_WIRE, "0x3")   \
    MF(REG6, "reg6", NULL, "NXM_NX_REG6", MF_HOST(regs[6]), 0, 32, true,     \
       true, MFF_HEX, MFP_NONE, MFS_ALWAYS, MF_NXM1(6), MF_NO_WIRE, "0x3")   \
    MF(REG7, "reg7", NULL, "NXM_NX_REG7", MF_HOST(regs[7]), 0, 32, true,     \
       true, MFF_HEX, MFP_NONE, MFS_ALWAYS, MF_NXM1(7), MF_NO_WIRE, "0x3")   \
    MF(PKT_MARK, "pkt_mark", NULL, "NXM_NX_PKT_MARK", MF_HOST(key.pkt_mark), \
       0, 32, true, true, MFF_HEX, MFP_NONE, MFS_ALWAYS, MF_NXM1(33),        \
       MF_NO_WIRE, "0x1")                                                    \
    MF(TUN_ID, "tun_id", "tunnel_id", "NXM_NX_TUN_ID",                       \
       MF_NET(key.tunnel.tun_id), 0, 64, true, true, MFF_HEX, MFP_NONE,      \
       MFS_ALWAYS, MF_NXM1(16), MF_OXM(38), "0x4")                           \
    MF(TUN_SRC, "tun_src", NULL, "NXM_NX_TUN_IPV4_SRC",                      \
       MF_NET(key.tunnel.ip_src), 0, 32, true, true, MFF_IPV4, MFP_NONE,     \
       MFS_ALWAYS, MF_NXM1(31), MF_NO_WIRE, "1.1.1.1")                       \
    MF(TUN_DST, "tun_dst", NULL, "NXM_NX_TUN_IPV4_DST",                      \
       MF_NET(key.tunnel.ip_dst), 0, 32, true, true, MFF_IPV4, MFP_NONE,     \
       MFS_ALWAYS, MF_NXM1(32), MF_NO_WIRE, "2.2.2.0/24")                    \
    MF(METADATA, "metadata", NULL, "OXM_OF_METADATA", MF_HOST(metadata), 0,  \
       64, true, true, MFF_HEX, MFP_NONE, MFS_ALWAYS, MF_NO_WIRE, MF_OXM(2), \
       "0x5")                                                                \
    MF(IN_PORT, "in_port", NULL, "NXM_OF_IN_PORT", MF_HOST(in_port), 0, 16,  \
       false, true, MFF_PORT, MFP_NONE, MFS_ALWAYS, MF_NXM0(0), MF_OXM(0),   \
       "LOCAL")                                                              \
    MF(VLAN_TCI, "vlan_tci", NULL, "NXM_OF_VLAN_TCI",                        \
       MF_NET(key.vlans[0].tci),                                             \
       0, 16, true, true, MFF_HEX, MFP_NONE, MFS_CODE, MF_NXM0(4),           \
       MF_NO_WIRE, "0x1000/0x1000")                                          \
    MF(VLAN_VID, "vlan_vid", NULL, "OXM_OF_VLAN_VID",                        \
       MF_NET(key.vlans[0].tci),                                             \
       0, 13, true, true, MFF_DEC, MFP_NONE, MFS_NEVER, MF_NO_WIRE,          \
       MF_OXM(6), "4196")                                                    \
    MF(VLAN_PCP, "vlan_pcp", NULL, "OXM_OF_VLAN_PCP",                        \
       MF_NET(key.vlans[0].tci),                                             \
       13, 3, false, true, MFF_DEC, MFP_NONE, MFS_NEVER, MF_NO_WIRE,         \
       MF_OXM(7), "5")                                                       \
    MF(DL_SRC, "dl_src", "eth_src", "NXM_OF_ETH_SRC", MF_NET(key.dl_src), 0, \
       48, true, true, MFF_ETH, MFP_NONE, MFS_ALWAYS, MF_NXM0(2), MF_OXM(4),  \
       "00:11:22:33:44:55")                                                  \
    MF(DL_DST, "dl_dst", "eth_dst", "NXM_OF_ETH_DST", MF_NET(key.dl_dst), 0, \
       48, true, true, MFF_ETH, MFP_NONE, MFS_ALWAYS, MF_NXM0(1), MF_OXM(3),  \
       "01:00:00:00:00:00/01:00:00:00:00:00")                                \
    MF(DL_TYPE, "dl_type", "eth_type", "NXM_OF_ETH_TYPE", MF_NET(key.dl_type),\
       0, 16, false, false, MFF_HEX, MFP_NONE, MFS_NO_SHORTHAND, MF_NXM0(3), \
       MF_OXM(5), "0x88cc")                                                  \
    MF(IPV6_SRC, "ipv6_src", NULL, "NXM_NX_IPV6_SRC", MF_NET(key.ipv6_src),  \
       0, 128, true, true, MFF_IPV6, MFP_IPV6, MFS_IPV6, MF_NXM1(19),        \
       MF_OXM(26), "2001:db8::1")                                            \
    MF(IPV6_DST, "ipv6_dst", NULL, "NXM_NX_IPV6_DST", MF_NET(key.ipv6_dst),  \
       0, 128, true, true, MFF_IPV6, MFP_IPV6, MFS_IPV6, MF_NXM1(20),        \
       MF_OXM(27), "2001:db8::/32")                                          \
    MF(IPV6_LABEL, "ipv6_label", NULL, "NXM_NX_IPV6_LABEL",                  \
       MF_NET(key.ipv6_label), 0, 20, true, true, MFF_HEX, MFP_IPV6,         \
       MFS_IPV6, MF_NXM1(27), MF_OXM(28), "0x12345")                         \
    MF(ARP_SPA, "arp_spa", NULL, "NXM_OF_ARP_SPA", MF_NET(key.nw_src), 0,    \
       32, true, true, MFF_IPV4, MFP_ARP, MFS_ARP, MF_NXM0(16), MF_OXM(22),  \
       "1.2.3.4")                                                            \
    MF(ARP_TPA, "arp_tpa", NULL, "NXM_OF_ARP_TPA", MF_NET(key.nw_dst), 0,    \
       32, true, true, MFF_IPV4, MFP_ARP, MFS_ARP, MF_NXM0(17), MF_OXM(23),  \
       "1.2.3.0/24")                                                         \
    MF(NW_SRC, "nw_src", "ip_src", "NXM_OF_IP_SRC", MF_NET(key.nw_src), 0,   \
       32, true, true, MFF_IPV4, MFP_IPV4_ARP, MFS_NOT_V6_ARP, MF_NXM0(7),   \
       MF_OXM(11), "10.0.0.0/8")                                             \
    MF(NW_DST, "nw_dst", "ip_dst", "NXM_OF_IP_DST", MF_NET(key.nw_dst), 0,   \
       32, true, true, MFF_IPV4, MFP_IPV4_ARP, MFS_NOT_V6_ARP, MF_NXM0(8),   \
       MF_OXM(12), "10.1.2.3")                                               \
    MF(ARP_OP, "arp_op", NULL, "NXM_OF_ARP_OP", MF_NET(key.nw_proto), 0, 8,  \
       false, true, MFF_DEC, MFP_ARP, MFS_ARP, MF_NXM0(15), MF_OXM(21), "2") \
    MF(NW_PROTO, "nw_proto", "ip_proto", "NXM_OF_IP_PROTO",                  \
       MF_NET(key.nw_proto), 0, 8, false, false, MFF_DEC, MFP_IP_ARP,        \
       MFS_PROTO, MF_NXM0(6), MF_OXM(10), "47")                              \
    MF(NW_TOS, "nw_tos", NULL, "NXM_OF_IP_TOS", MF_NET(key.nw_tos), 0, 8,    \
       false, true, MFF_DEC, MFP_IP_ANY, MFS_CODE, MF_NXM0(5), MF_NO_WIRE,   \
       "16")                                                                 \
    MF(IP_DSCP, "ip_dscp", NULL, "OXM_OF_IP_DSCP", MF_NET(key.nw_tos), 2, 6, \
       false, true, MFF_DEC, MFP_IP_ANY, MFS_NEVER, MF_NO_WIRE, MF_OXM(8),   \
       "4")                                                                  \
    MF(NW_ECN, "nw_ecn", "ip_ecn", "NXM_NX_IP_ECN", MF_NET(key.nw_tos), 0,   \
       2, false, true, MFF_DEC, MFP_IP_ANY, MFS_CODE, MF_NXM1(28), MF_OXM(9),\
       "1")                                                                  \
    MF(NW_TTL, "nw_ttl", NULL, "NXM_NX_IP_TTL", MF_NET(key.nw_ttl), 0, 8,    \
       false, true, MFF_DEC, MFP_IP_ANY, MFS_ALWAYS, MF_NXM1(29),            \
       MF_NO_WIRE, "3")                                                      \
    MF(NW_FRAG, "nw_frag", NULL, "NXM_NX_IP_FRAG", MF_NET(key.nw_frag), 0,   \
       2, true, false, MFF_FRAG, MFP_IP_ANY, MFS_ALWAYS, MF_NXM1(26),        \
       MF_NO_WIRE, "first")                                                  \
    MF(ARP_SHA, "arp_sha", NULL, "NXM_NX_ARP_SHA", MF_NET(key.arp_sha), 0,   \
       48, true, true, MFF_ETH, MFP_ARP, MFS_ARP, MF_NXM1(17), MF_OXM(24),   \
       "00:00:00:00:00:01")                                                  \
    MF(ARP_THA, "arp_tha", NULL, "NXM_NX_ARP_THA", MF_NET(key.arp_tha), 0,   \
       48, true, true, MFF_ETH, MFP_ARP, MFS_ARP, MF_NXM1(18), MF_OXM(25),   \
       "00:00:00:00:00:02")                                                  \
    MF(ICMP_TYPE, "icmp_type", "icmpv4_type", "NXM_OF_ICMP_TYPE",            \
       MF_NET(key.tp_src), 0, 8, false, true, MFF_DEC, MFP_ICMPV4, MFS_ICMP, \
       MF_NXM0(13), MF_OXM(19), "8")                                         \
    MF(ICMP_CODE, "icmp_code", "icmpv4_code", "NXM_OF_ICMP_CODE",            \
       MF_NET(key.tp_dst), 0, 8, false, true, MFF_DEC, MFP_ICMPV4, MFS_ICMP, \
       MF_NXM0(14), MF_OXM(20), "0")                                         \
    MF(ND_TARGET, "nd_target", "ipv6_nd_target", "NXM_NX_ND_TARGET",         \
       MF_NET(key.nd_target), 0, 128, true, true, MFF_IPV6, MFP_ICMPV6,      \
       MFS_ICMP, MF_NXM1(23), MF_OXM(31), "fe80::1")                         \
    MF(TP_SRC, "tp_src", NULL, "NXM_OF_TCP_SRC", MF_NET(key.tp_src), 0, 16,  \
       true, true, MFF_DEC, MFP_L4, MFS_PORTS, MF_NXM0(9), MF_OXM(13), "3")  \
    MF(TP_DST, "tp_dst", NULL, "NXM_OF_TCP_DST", MF_NET(key.tp_dst), 0, 16,  \
       true, true, MFF_DEC, MFP_L4, MFS_PORTS, MF_NXM0(10), MF_OXM(14),      \
       "0x100/0xff00")                                                       \
    MF(TCP_SRC, "tcp_src", NULL, "NXM_OF_TCP_SRC", MF_NET(key.tp_src), 0,    \
       16, true, true, MFF_DEC, MFP_TCP, MFS_NEVER, MF_NXM0(9), MF_OXM(13),  \
       "80")                                                                 \
    MF(TCP_DST, "tcp_dst", NULL, "NXM_OF_TCP_DST", MF_NET(key.tp_dst), 0,    \
       16, true, true, MFF_DEC, MFP_TCP, MFS_NEVER, MF_NXM0(10), MF_OXM(14), \
       "80")                                                                 \
    MF(UDP_SRC, "udp_src", NULL, "NXM_OF_UDP_SRC", MF_NET(key.tp_src), 0,    \
       16, true, true, MFF_DEC, MFP_UDP, MFS_NEVER, MF_NXM0(11), MF_OXM(15), \
       "53")                                                                 \
    MF(UDP_DST, "udp_dst", NULL, "NXM_OF_UDP_DST", MF_NET(key.tp_dst), 0,    \
       16, true, true, MFF_DEC, MFP_UDP, MFS_NEVER, MF_NXM0(12), MF_OXM(16), \
       "53")                                                                 \
    MF(SCTP_SRC, "sctp_src", NULL, "OXM_OF_SCTP_SRC", MF_NET(key.tp_src), 0, \
       16, true, true, MFF_DEC, MFP_SCTP, MFS_NEVER, MF_NO_WIRE, MF_OXM(17), \
       "5")                                                                  \
    MF(SCTP_DST, "sctp_dst", NULL, "OXM_OF_SCTP_DST", MF_NET(key.tp_dst), 0, \
       16, true, true, MFF_DEC, MFP_SCTP, MFS_NEVER, MF_NO_WIRE, MF_OXM(18), \
       "5")                                                                  \
    MF(ICMPV6_TYPE, "icmpv6_type", NULL, "NXM_NX_ICMPV6_TYPE",               \
       MF_NET(key.tp_src), 0, 8, false, true, MFF_DEC, MFP_ICMPV6, MFS_NEVER,\
       MF_NXM1(21), MF_OXM(29), "135")                                       \
    MF(ICMPV6_CODE, "icmpv6_code", NULL, "NXM_NX_ICMPV6_CODE",               \
       MF_NET(key.tp_dst), 0, 8, false, true, MFF_DEC, MFP_ICMPV6, MFS_NEVER,\
       MF_NXM1(22), MF_OXM(30), "0")                                         \
    /* OXM_OF_TCP_FLAGS is OpenFlow 1.5's; in 1.3 and 1.4 OVS sends an ONF \
     * experimenter field instead (match_wire.c). */                       \
    MF(TCP_FLAGS, "tcp_flags", NULL, "NXM_NX_TCP_FLAGS",                     \
       MF_NET(key.tcp_flags),                                                \
       0, 12, true, false, MFF_TCP_FLAGS, MFP_TCP, MFS_ALWAYS, MF_NXM1(34),  \
       MF_OXM(42), "+syn-ack")                                                \
    /* conj: the id of a conjunctive match, set while its conj_id flow is \
     * looked up (classifier.h); 0 for every packet. */                    \
    MF(CONJ_ID, "conj_id", NULL, "NXM_NX_CONJ_ID", MF_HOST(conj_id), 0, 32,  \
       false, false, MFF_DEC, MFP_NONE, MFS_BEFORE_PROTO, MF_NXM1(37),       \
       MF_NO_WIRE, "5")

enum mf_id {
#define MF(ID, ...) MFID_##ID,
    MF_FIELDS
#undef MF
    MF_N_FIELDS
};

struct mf_field {
    enum mf_id id;
    const char *name;      /* match and set_field name ("nw_src") */
    const char *alias;     /* another name for it ("ip_src"), or NULL */
    const char *nxm_name;  /* load/move name ("NXM_OF_IP_SRC") */
    uint16_t ofs;          /* byte offset of the storage in struct xflow */
    uint8_t n_bytes;       /* storage size */
    bool host_order;       /* storage in host byte order */
    uint8_t shift;         /* value = (storage >> shift) & width mask */
    uint8_t n_bits;        /* width of the value */
    bool maskable;         /* accepts value/mask in matches */
    bool writable;         /* set_field, load and move may write it */
    enum mf_format format;
    enum mf_prereq prereq;
    enum mf_show show;
    struct mf_wire nxm, oxm;
};

/* The field `id` (O(1): for code that names a field). */
const struct mf_field *mf_by_id(enum mf_id id);

/* The protocols prerequisite `p` names in errors ("ip or arp"). */
const char *mf_prereq_text(enum mf_prereq p);

/* The field called `name` (its name, its alias or its NXM/OXM name), or
 * NULL. */
const struct mf_field *mf_from_name(const char *name);

/* Every field in list order, for tests: *n receives MF_N_FIELDS. */
const struct mf_field *mf_all(size_t *n);

/* All-ones value of the field's width. */
mf_value mf_width_mask(const struct mf_field *f);

/* Reads the field's value out of `x`. */
mf_value mf_get(const struct mf_field *f, const struct xflow *x);

/* True when the field is all zeros in `x` (cheaper than mf_get() == 0 for
 * the common case of a wildcarded field in a mask). */
bool mf_is_zero(const struct mf_field *f, const struct xflow *x);

/* Writes the bits of `value` selected by `mask` (both of the field's width)
 * into `x`, leaving the other bits alone. */
void mf_set_masked(const struct mf_field *f, struct xflow *x, mf_value value,
                   mf_value mask);

/* True when `x` (whose `wc` bits are known) satisfies `prereq`;
 * un-wildcards in `wc` (when not NULL) the fields it looked at. */
bool mf_prereq_ok(enum mf_prereq prereq, const struct xflow *x,
                  struct xflow *wc);

/* True when the match (value, mask) pins down enough to satisfy `prereq`:
 * the dl_type (and nw_proto) it needs are matched exactly. */
bool mf_prereq_matched(enum mf_prereq prereq, const struct xflow *value,
                       const struct xflow *mask);

/* Parses a value of field `f` ("10.0.0.0/8", "0x10/0xf0", "aa:bb:..",
 * "LOCAL", "first"...).  Without a "/mask" *mask is all ones.  Returns 0, or
 * -1 with an OVS-worded message in `err`. */
int mf_parse_value(const struct mf_field *f, const char *s, mf_value *value,
                   mf_value *mask, char *err, size_t errlen);

/* Appends "value" or "value/mask" of `f` as OVS prints it (no "/mask"
 * when the mask is all ones). */
void mf_format_value(const struct mf_field *f, mf_value value, mf_value mask,
                     struct dstr *out);

/* Formats a port number as OVS does ("3", "LOCAL", "NORMAL"...). */
void ofp_port_format(uint32_t port, char *buf, size_t size);

/* Parses a port ("3", "LOCAL", "IN_PORT"..., or a name the port-name hook
 * knows); false when it is none. */
bool ofp_port_parse(const char *s, uint32_t *port);

/* Port names (vs-ofctl's --names; the daemon never sets them): with
 * `name` set, ofp_port_format/ofp_port_put print a port that is not a
 * reserved one by its name when `name` gives one, quoted as OVS quotes it
 * (a name that is not a letter followed by letters and digits becomes a
 * JSON string); with `number` set, ofp_port_parse takes the names it
 * knows.  Either may be NULL (the default: numbers only). */
typedef const char *ofp_port_name_fn(uint32_t port, void *aux);
typedef bool ofp_port_number_fn(const char *name, uint32_t *port, void *aux);
void ofp_port_set_names(ofp_port_name_fn *name, ofp_port_number_fn *number,
                        void *aux);
/* As ofp_port_format, appended to `out` (a quoted name can be long). */
void ofp_port_put(uint32_t port, struct dstr *out);

/* xflow helpers: OR of masks, and (a & m) == (b & m). */
void xflow_or(struct xflow *dst, const struct xflow *src);
bool xflow_equal_masked(const struct xflow *a, const struct xflow *b,
                        const struct xflow *mask);
bool xflow_is_zero(const struct xflow *x);

#endif
