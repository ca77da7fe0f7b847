/* Packet headers: the wire layout of every header the datapath reads or
 * writes, their constants, and the Internet checksum helpers.
 *
 * The structs are packed and may_alias: a frame's headers sit at any
 * alignment (IP after a 14-byte Ethernet header is only 2-aligned) and in a
 * buffer that other code reads as bytes, so a header is read in place by
 * casting the frame pointer, never copied.  Multi-byte fields are in network
 * byte order, as on the wire; the constants are host-order values (compare
 * with htons(ETH_TYPE_IP)), named with prefixes that the system's netinet
 * and linux headers do not use. */
#ifndef VS_DP_NET_HEADERS_H
#define VS_DP_NET_HEADERS_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NET_HEADER __attribute__((packed, may_alias))

/* ------------------------------------------------------------- Ethernet */

#define ETH_ADDR_LEN 6
#define ETH_HEADER_LEN 14
#define ETH_TYPE_MIN 0x600          /* smaller values are 802.3 lengths */
#define ETH_TYPE_IP 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_TEB 0x6558         /* an Ethernet frame (Geneve, NSH) */
#define ETH_TYPE_RARP 0x8035
#define ETH_TYPE_VLAN 0x8100        /* 802.1Q customer tag */
#define ETH_TYPE_IPV6 0x86dd
#define ETH_TYPE_MPLS 0x8847
#define ETH_TYPE_MPLS_MCAST 0x8848
#define ETH_TYPE_VLAN_8021AD 0x88a8 /* 802.1ad service tag (QinQ outer) */
#define ETH_TYPE_NSH 0x894f

struct eth_addr {
    uint8_t ea[ETH_ADDR_LEN];
};

struct NET_HEADER eth_header {
    struct eth_addr dst;
    struct eth_addr src;
    uint16_t type;              /* be16: ethertype, TPID or 802.3 length */
};

/* 802.2 LLC with a SNAP header: what follows an 802.3 length field when
 * the frame still carries an ethertype. */
#define LLC_SNAP_HEADER_LEN 8
struct NET_HEADER llc_snap_header {
    uint8_t dsap, ssap, control;    /* 0xaa, 0xaa, 0x03 for SNAP */
    uint8_t oui[3];                 /* 0 for an ethertype */
    uint16_t type;                  /* be16 */
};

/* ------------------------------------------------------ 802.1Q / 802.1ad */

/* A tag as it sits in the frame at the ethertype position: TPID, TCI. */
#define VLAN_HEADER_LEN 4
#define VLAN_VID_MASK 0x0fff
#define VLAN_CFI 0x1000
#define VLAN_PCP_MASK 0xe000
#define VLAN_PCP_SHIFT 13
struct NET_HEADER vlan_header {
    uint16_t tpid;              /* be16: ETH_TYPE_VLAN or _VLAN_8021AD */
    uint16_t tci;               /* be16: PCP(3) DEI(1) VID(12) */
};

/* True when the be16 ethertype `type_be` is a VLAN TPID. */
static inline bool eth_type_is_vlan(uint16_t type_be)
{
    return type_be == htons(ETH_TYPE_VLAN)
           || type_be == htons(ETH_TYPE_VLAN_8021AD);
}

/* ------------------------------------------------------------------ ARP */

#define ARP_ETH_HEADER_LEN 28
#define ARP_HRD_ETHERNET 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2
/* ARP for IPv4 over Ethernet (RFC 826). */
struct NET_HEADER arp_eth_header {
    uint16_t hrd;               /* be16: ARP_HRD_ETHERNET */
    uint16_t pro;               /* be16: ETH_TYPE_IP */
    uint8_t hln, pln;           /* 6, 4 */
    uint16_t op;                /* be16: ARP_OP_* */
    struct eth_addr sha;
    uint32_t spa;               /* be32 */
    struct eth_addr tha;
    uint32_t tpa;               /* be32 */
};

/* ------------------------------------------------------- IP protocols */

#define IP_PROTO_HOPOPTS 0
#define IP_PROTO_ICMP 1
#define IP_PROTO_IGMP 2
#define IP_PROTO_TCP 6
#define IP_PROTO_UDP 17
#define IP_PROTO_ROUTING 43
#define IP_PROTO_FRAGMENT 44
#define IP_PROTO_GRE 47
#define IP_PROTO_AH 51
#define IP_PROTO_ICMPV6 58
#define IP_PROTO_NONE 59            /* IPv6: no next header */
#define IP_PROTO_DSTOPTS 60
#define IP_PROTO_SCTP 132

/* ----------------------------------------------------------------- IPv4 */

#define IPV4_HEADER_LEN 20
#define IPV4_FRAG_DF 0x4000         /* frag_off bits, host order */
#define IPV4_FRAG_MF 0x2000
#define IPV4_FRAG_OFFSET_MASK 0x1fff
struct NET_HEADER ipv4_header {
    uint8_t ver_ihl;            /* version(4) | header length in words(4) */
    uint8_t tos;                /* DSCP(6) | ECN(2) */
    uint16_t tot_len;           /* be16: header and payload */
    uint16_t id;
    uint16_t frag_off;          /* be16: flags(3) | offset in 8 bytes(13) */
    uint8_t ttl;
    uint8_t proto;              /* IP_PROTO_* */
    uint16_t csum;
    uint32_t src;               /* be32 */
    uint32_t dst;
};

/* The version field (4 for a real IPv4 header). */
static inline unsigned ipv4_version(const struct ipv4_header *ip)
{
    return ip->ver_ihl >> 4;
}

/* The header length in bytes, options included (ihl * 4). */
static inline uint32_t ipv4_header_len(const struct ipv4_header *ip)
{
    return (uint32_t)(ip->ver_ihl & 0x0f) * 4;
}

/* ----------------------------------------------------------------- IPv6 */

#define IPV6_HEADER_LEN 40
#define IPV6_LABEL_MASK 0x000fffff  /* of vtc_flow, host order */
#define IPV6_TCLASS_SHIFT 20
struct NET_HEADER ipv6_header {
    uint32_t vtc_flow;          /* be32: version(4) tclass(8) label(20) */
    uint16_t payload_len;       /* be16: what follows this header */
    uint8_t next;               /* IP_PROTO_* of the next header */
    uint8_t hlimit;
    uint8_t src[16];
    uint8_t dst[16];
};

/* The version field (6 for a real IPv6 header). */
static inline unsigned ipv6_version(const struct ipv6_header *ip)
{
    return ntohl(ip->vtc_flow) >> 28;
}

/* Every extension header is at least this long. */
#define IPV6_EXT_MIN_LEN 8

/* Hop-by-hop and destination options: next header, length, options. */
struct NET_HEADER ipv6_opt_header {
    uint8_t next;
    uint8_t len;                /* in 8 bytes, not counting the first 8 */
};

struct NET_HEADER ipv6_routing_header {
    uint8_t next;
    uint8_t len;                /* in 8 bytes, not counting the first 8 */
    uint8_t type;
    uint8_t segments_left;
};

#define IPV6_FRAG_HEADER_LEN 8
#define IPV6_FRAG_OFFSET_MASK 0xfff8    /* of offlg, host order */
#define IPV6_FRAG_MORE 0x0001
struct NET_HEADER ipv6_frag_header {
    uint8_t next;
    uint8_t reserved;
    uint16_t offlg;             /* be16: offset(13) | res(2) | M(1) */
    uint32_t id;
};

/* Authentication header (RFC 4302), in IPv4 and IPv6. */
struct NET_HEADER ip_ah_header {
    uint8_t next;
    uint8_t len;                /* in 4 bytes, minus 2 */
    uint16_t reserved;
    uint32_t spi;
    uint32_t seq;
};

/* True when `proto` is an IPv6 extension header ipv6_ext_len measures. */
static inline bool ipv6_is_ext_header(uint8_t proto)
{
    return proto == IP_PROTO_HOPOPTS || proto == IP_PROTO_ROUTING
           || proto == IP_PROTO_DSTOPTS || proto == IP_PROTO_AH
           || proto == IP_PROTO_FRAGMENT;
}

/* The length in bytes of extension header `proto` whose first two bytes
 * are at `ext` (the length byte is the second; a fragment header has
 * none). */
static inline size_t ipv6_ext_len(uint8_t proto, const uint8_t *ext)
{
    if (proto == IP_PROTO_FRAGMENT) {
        return IPV6_FRAG_HEADER_LEN;
    }
    if (proto == IP_PROTO_AH) {
        return ((size_t)ext[1] + 2) * 4;
    }
    return ((size_t)ext[1] + 1) * 8;
}

/* ------------------------------------------------------------ TCP, UDP */

#define TCP_HEADER_LEN 20
#define TCP_F_FIN 0x001                 /* of tcp_ctl, host order */
#define TCP_F_SYN 0x002
#define TCP_F_RST 0x004
#define TCP_F_PSH 0x008
#define TCP_F_ACK 0x010
#define TCP_F_URG 0x020
#define TCP_F_ECE 0x040
#define TCP_F_CWR 0x080
#define TCP_F_NS 0x100
#define TCP_FLAGS_MASK 0x0fff
struct NET_HEADER tcp_header {
    uint16_t src, dst;          /* be16 */
    uint32_t seq, ack;          /* be32 */
    uint16_t ctl;               /* be16: data offset(4) | flags(12) */
    uint16_t window;
    uint16_t csum;
    uint16_t urg;
};

/* The TCP header length in bytes, options included. */
static inline uint32_t tcp_header_len(const struct tcp_header *tcp)
{
    return (uint32_t)(ntohs(tcp->ctl) >> 12) * 4;
}

/* IGMP (RFC 1112, 2236, 3376): every version starts with these 8 bytes
 * (a v3 report has a checksum-only group field of 0). */
#define IGMP_HEADER_LEN 8
struct NET_HEADER igmp_header {
    uint8_t type;
    uint8_t code;               /* max response time (v2, v3 query) */
    uint16_t csum;
    uint32_t group;             /* be32 */
};

#define UDP_HEADER_LEN 8
struct NET_HEADER udp_header {
    uint16_t src, dst;          /* be16 */
    uint16_t len;               /* be16: header and payload */
    uint16_t csum;              /* 0: none (IPv4 only) */
};

/* ----------------------------------------------------------------- SCTP */

#define SCTP_HEADER_LEN 12
struct NET_HEADER sctp_header {
    uint16_t src, dst;          /* be16 */
    uint32_t vtag;
    uint32_t csum;              /* CRC32c, stored little-endian */
};

/* ------------------------------------------------------- ICMP, ICMPv6 */

#define ICMP_HEADER_LEN 8
#define ICMP4_ECHO_REPLY 0
#define ICMP4_DST_UNREACH 3
#define ICMP4_ECHO_REQUEST 8
#define ICMP4_TIME_EXCEEDED 11
/* ICMPv4 and ICMPv6 share this layout. */
struct NET_HEADER icmp_header {
    uint8_t type;
    uint8_t code;
    uint16_t csum;
    uint32_t data;              /* id/seq, MTU, ND flags, ... */
};

#define ICMP6_TYPE_DST_UNREACH 1
#define ICMP6_TYPE_PACKET_TOO_BIG 2
#define ICMP6_TYPE_ECHO_REQUEST 128
#define ICMP6_TYPE_ECHO_REPLY 129
#define ICMP6_TYPE_ROUTER_SOLICIT 133
#define ICMP6_TYPE_ROUTER_ADVERT 134
#define ICMP6_TYPE_NEIGHBOR_SOLICIT 135
#define ICMP6_TYPE_NEIGHBOR_ADVERT 136
#define ICMP6_TYPE_REDIRECT 137

/* Neighbour solicitation / advertisement (RFC 4861): the ICMPv6 header,
 * the target address, then options. */
#define ND_MSG_LEN 24
struct NET_HEADER nd_msg {
    struct icmp_header icmp;    /* data: NA flags R|S|O, reserved */
    uint8_t target[16];
};

#define ND_OPT_TYPE_SOURCE_LL 1     /* source link-layer address */
#define ND_OPT_TYPE_TARGET_LL 2     /* target link-layer address */
#define ND_OPT_TYPE_PREFIX_INFO 3
#define ND_OPT_TYPE_REDIRECTED 4
#define ND_OPT_TYPE_MTU 5
/* An ND option; an Ethernet link-layer address option is 8 bytes. */
#define ND_OPT_LL_LEN 8
struct NET_HEADER nd_opt_header {
    uint8_t type;               /* ND_OPT_TYPE_* */
    uint8_t len;                /* in 8 bytes, header included; 0 invalid */
};

/* ----------------------------------------------------------------- MPLS */

#define MPLS_LSE_LEN 4
#define MPLS_LSE_LABEL_MASK 0xfffff000  /* of the host-order entry */
#define MPLS_LSE_LABEL_SHIFT 12
#define MPLS_LSE_TC_MASK 0x00000e00
#define MPLS_LSE_TC_SHIFT 9
#define MPLS_LSE_BOS 0x00000100          /* bottom of stack */
#define MPLS_LSE_TTL_MASK 0x000000ff
struct NET_HEADER mpls_lse {
    uint32_t lse;               /* be32: label(20) TC(3) S(1) TTL(8) */
};

/* ------------------------------------------------------------------ NSH */

/* Network service header (RFC 8300): base and service path header; MD
 * type 1 adds 16 bytes of context, type 2 variable TLVs (len covers all). */
#define NSH_BASE_HEADER_LEN 8
#define NSH_MD1_LEN 24
#define NSH_TTL_MASK 0x0fc0             /* of ver_flags_ttl_len, host */
#define NSH_TTL_SHIFT 6
#define NSH_LEN_MASK 0x003f             /* in 4 bytes */
#define NSH_MD_TYPE1 1
#define NSH_MD_TYPE2 2
#define NSH_NP_IPV4 1
#define NSH_NP_IPV6 2
#define NSH_NP_ETHERNET 3
#define NSH_NP_NSH 4
#define NSH_NP_MPLS 5
#define NSH_SPI_SHIFT 8                 /* of path, host order */
#define NSH_SI_MASK 0x000000ff
struct NET_HEADER nsh_header {
    uint16_t ver_flags_ttl_len; /* be16: ver(2) O(1) U(1) TTL(6) len(6) */
    uint8_t md_type;            /* low 4 bits */
    uint8_t next_proto;         /* NSH_NP_* */
    uint32_t path;              /* be32: SPI(24) | SI(8) */
};

/* ---------------------------------------------------------------- VXLAN */

#define VXLAN_HEADER_LEN 8
#define VXLAN_FLAG_I 0x08           /* the VNI is valid */
struct NET_HEADER vxlan_header {
    uint8_t flags;              /* VXLAN_FLAG_I; the rest reserved */
    uint8_t reserved1[3];
    uint8_t vni[3];             /* 24-bit, network order */
    uint8_t reserved2;
};

/* The 24-bit VNI of `vx`, host order. */
static inline uint32_t vxlan_get_vni(const struct vxlan_header *vx)
{
    return (uint32_t)vx->vni[0] << 16 | (uint32_t)vx->vni[1] << 8
           | vx->vni[2];
}

/* Stores the low 24 bits of `vni` in `vx`. */
static inline void vxlan_set_vni(struct vxlan_header *vx, uint32_t vni)
{
    vx->vni[0] = (uint8_t)(vni >> 16);
    vx->vni[1] = (uint8_t)(vni >> 8);
    vx->vni[2] = (uint8_t)vni;
}

/* --------------------------------------------------------------- Geneve */

/* Geneve (RFC 8926): an 8-byte header, then opt_len * 4 bytes of TLV
 * options, then the payload of type `proto` (ETH_TYPE_TEB: Ethernet). */
#define GENEVE_HEADER_LEN 8
#define GENEVE_DEFAULT_PORT 6081
#define GENEVE_OPT_LEN_MASK 0x3f    /* of ver_opt_len, in 4 bytes */
#define GENEVE_F_OAM 0x80           /* flags */
#define GENEVE_F_CRITICAL 0x40      /* critical options present */
struct NET_HEADER geneve_header {
    uint8_t ver_opt_len;        /* version(2) | options length(6) */
    uint8_t flags;              /* GENEVE_F_* */
    uint16_t proto;             /* be16 ethertype of the payload */
    uint8_t vni[3];
    uint8_t reserved;
};

#define GENEVE_OPT_HEADER_LEN 4
#define GENEVE_OPT_TYPE_CRITICAL 0x80
#define GENEVE_OPT_LEN_WORDS 0x1f   /* of flags_len: data length in 4 bytes */
struct NET_HEADER geneve_opt {
    uint16_t opt_class;         /* be16 */
    uint8_t type;               /* high bit: critical */
    uint8_t flags_len;          /* reserved(3) | length(5) */
};

/* ------------------------------------------------------------ checksums
 *
 * Ones'-complement sums over 16-bit words as they lie in memory: the sum
 * does not depend on the byte order it is taken in (RFC 1071), so sums and
 * checksums here are in memory order, ready to store in a header field, and
 * nothing is swapped.  A sum is an unfolded 32-bit accumulator. */

/* Adds the `len` bytes at `data` to `sum` (an odd last byte is padded
 * with zero, as RFC 1071 says); returns the new sum folded to 16 bits, so
 * that words can still be added to it without overflow. */
uint32_t csum_add(uint32_t sum, const void *data, size_t len);

/* Adds one 16-bit word as it lies in memory. */
static inline uint32_t csum_add16(uint32_t sum, uint16_t word)
{
    return sum + word;
}

/* Adds one 32-bit word as it lies in memory (its two 16-bit halves). */
static inline uint32_t csum_add32(uint32_t sum, uint32_t word)
{
    return sum + (word & 0xffff) + (word >> 16);
}

/* Folds an accumulator into 16 bits (not complemented). */
static inline uint16_t csum_fold(uint32_t sum)
{
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* The checksum field value for accumulator `sum`: ~fold(sum). */
static inline uint16_t csum_finish(uint32_t sum)
{
    return (uint16_t)~csum_fold(sum);
}

/* RFC 1624 eqn. 3: checksum field `csum` after a 16-bit word of the data
 * it covers changed from `old` to `new` (all in memory order). */
static inline uint16_t csum_update16(uint16_t csum, uint16_t old,
                                     uint16_t new)
{
    return (uint16_t)~csum_fold((uint32_t)(uint16_t)~csum
                                + (uint16_t)~old + new);
}

/* As csum_update16, for a 32-bit word (e.g. an IPv4 address). */
static inline uint16_t csum_update32(uint16_t csum, uint32_t old,
                                     uint32_t new)
{
    csum = csum_update16(csum, (uint16_t)(old >> 16), (uint16_t)(new >> 16));
    return csum_update16(csum, (uint16_t)old, (uint16_t)new);
}

/* The checksum of IPv4 header `ip` (ipv4_header_len bytes, which the
 * caller checked are there) with its csum field taken as zero. */
uint16_t ipv4_header_csum(const struct ipv4_header *ip);

/* The unfolded sum of the IPv4 pseudo-header (addresses of `ip`, `proto`,
 * `l4_len`) for a TCP/UDP/ICMPv6-style checksum over l4_len bytes. */
uint32_t ipv4_pseudo_sum(const struct ipv4_header *ip, uint8_t proto,
                         uint32_t l4_len);

/* The unfolded sum of the IPv6 pseudo-header (RFC 8200 8.1: addresses of
 * `ip`, upper-layer length `l4_len`, next header `proto`). */
uint32_t ipv6_pseudo_sum(const struct ipv6_header *ip, uint8_t proto,
                         uint32_t l4_len);

#endif
