/* The flow key: every header field the datapath can match on, extracted
 * from a frame, and masks over it.
 *
 * The key is a plain struct whose size is a multiple of 8 and which holds no
 * implicit padding, so that masking, hashing and comparing work on uint64_t
 * words.  Multi-byte header fields are kept in network byte order, as they
 * are on the wire; a mask is a struct flow_key whose set bits say "match".
 *
 * As in OVS, some fields are shared between protocols:
 *   ARP:     nw_src/nw_dst = spa/tpa, nw_proto = op (low 8 bits),
 *            arp_sha/arp_tha = sha/tha.
 *   ICMPv4/ICMPv6/IGMP: tp_src = type, tp_dst = code (each in network
 *            order, as htons(type)), ND: nd_target, arp_sha = SLL,
 *            arp_tha = TLL.
 * An MPLS frame's key stops at the label stack (no L3, as OVS). */
#ifndef VS_DP_FLOW_KEY_H
#define VS_DP_FLOW_KEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp/net_headers.h"
#include "dp/packet.h"

#define FLOW_MAX_VLANS 2
#define FLOW_MAX_MPLS_LABELS 3

/* nw_frag values. */
#define FLOW_NW_FRAG_ANY 0x1    /* the packet is a fragment */
#define FLOW_NW_FRAG_LATER 0x2  /* ...and not the first one */
#define FLOW_NW_FRAG_MASK (FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER)

/* vlans[i].tci has this bit set when the tag is present (as OVS's CFI). */
#define FLOW_VLAN_PRESENT 0x1000 /* host order before htons */

struct flow_vlan {
    uint16_t tpid;  /* be16: 0x8100 or 0x88a8; 0 when absent */
    uint16_t tci;   /* be16: PCP | PRESENT | VID */
};

struct flow_key {
    /* Metadata (24 + 16 bytes). */
    struct flow_tnl tunnel;
    uint32_t in_port;
    uint32_t pkt_mark;
    uint32_t recirc_id;
    uint32_t pad0;

    /* L2 (24 bytes). */
    struct eth_addr dl_dst;
    struct eth_addr dl_src;
    uint16_t dl_type;        /* be16; inner type after the VLAN tags */
    uint16_t pad1;
    struct flow_vlan vlans[FLOW_MAX_VLANS];  /* [0] is the outer tag */

    /* MPLS (16 bytes): the label stack entries of an MPLS frame (dl_type
     * 0x8847 or 0x8848) as on the wire (be32), outermost first, up to and
     * including the bottom of stack or the third; zero beyond. */
    uint32_t mpls_lse[FLOW_MAX_MPLS_LABELS];
    uint32_t pad4;

    /* L3 (48 + 16 bytes). */
    uint32_t nw_src;         /* be32: IPv4 src or ARP spa */
    uint32_t nw_dst;         /* be32: IPv4 dst or ARP tpa */
    uint8_t ipv6_src[16];
    uint8_t ipv6_dst[16];
    uint32_t ipv6_label;     /* be32, low 20 bits */
    uint8_t nw_proto;        /* IP protocol / IPv6 next header / ARP op */
    uint8_t nw_tos;          /* DSCP in the high 6 bits, ECN in the low 2 */
    uint8_t nw_ttl;
    uint8_t nw_frag;         /* FLOW_NW_FRAG_* */

    /* L4 (16 + 12 + 4 bytes). */
    uint8_t nd_target[16];
    struct eth_addr arp_sha; /* ARP sha or ND SLL */
    struct eth_addr arp_tha; /* ARP tha or ND TLL */
    uint16_t tp_src;         /* be16: port or ICMP type */
    uint16_t tp_dst;         /* be16: port or ICMP code */
    uint16_t tcp_flags;      /* be16, low 12 bits */
    uint16_t pad2;
    uint32_t pad3;
};

_Static_assert(sizeof(struct flow_key) % 8 == 0, "flow_key is u64 words");

#define FLOW_KEY_U64S (sizeof(struct flow_key) / sizeof(uint64_t))

/* What flow_key_extract found wrong with a frame, one list:
 * X(ENUM, counter name, what it means).  The names are OVS's
 * miniflow_extract coverage counters where OVS has one. */
#define FLOW_KEY_ERRORS(X)                                                  \
    X(ETH_TOO_SHORT, datapath_drop_rx_invalid_packet,                      \
      "shorter than an Ethernet header (the datapath drops it)")          \
    X(IPV4_TOO_SHORT, miniflow_extract_ipv4_pkt_too_short,                 \
      "less than an IPv4 header after the Ethernet header")               \
    X(IPV4_LEN_ERROR, miniflow_extract_ipv4_pkt_len_error,                 \
      "IPv4 IHL below 5, or IHL or total length past the frame")          \
    X(IPV6_TOO_SHORT, miniflow_extract_ipv6_pkt_too_short,                 \
      "less than an IPv6 header after the Ethernet header")               \
    X(IPV6_LEN_ERROR, miniflow_extract_ipv6_pkt_len_error,                 \
      "IPv6 payload length past the frame, or an extension header cut")   \
    X(ARP_TOO_SHORT, flow_extract_arp_too_short,                           \
      "an ARP body shorter than Ethernet/IPv4 ARP's 28 bytes")            \
    X(L4_TOO_SHORT, flow_extract_l4_too_short,                             \
      "a TCP, UDP, SCTP, ICMP or ICMPv6 header cut short")

enum flow_key_error {
    FLOW_KEY_OK = 0,
#define FLOW_KEY_ERROR_ENUM(ENUM, NAME, DOC) FLOW_KEY_##ENUM,
    FLOW_KEY_ERRORS(FLOW_KEY_ERROR_ENUM)
#undef FLOW_KEY_ERROR_ENUM
    FLOW_KEY_N_ERRORS
};

/* How many VLAN tags flow_key_extract parses (OVS's vlan-limit): 1 or 2;
 * 0 (or more than FLOW_MAX_VLANS) means FLOW_MAX_VLANS, the default.  A
 * tag past the limit is left in the frame: its TPID is dl_type.
 * vswitchd sets 1, OVS's default other_config:vlan-limit.  Process-wide
 * (as OVS's); set it before packets flow. */
void flow_key_set_vlan_limit(int limit);
int flow_key_vlan_limit(void);

/* Extracts the key of the frame in `p`; metadata (in_port, mark, tunnel,
 * recirc_id) comes from p->md.  A truncated or malformed frame yields the key
 * of the layers that parsed and leaves the rest zero (as OVS's
 * miniflow_extract, so such frames' megaflows coincide with each other's);
 * never reads past p->len.  Records p's header offsets as it goes (see
 * packet.h) and sets p->ofs_valid.  Returns FLOW_KEY_OK, or the first
 * thing that did not parse (the caller counts it). */
enum flow_key_error flow_key_extract(struct dp_packet *p,
                                     struct flow_key *key);

/* The counter name of `e` ("miniflow_extract_ipv4_pkt_len_error"), "" for
 * FLOW_KEY_OK, "?" out of range. */
const char *flow_key_error_name(enum flow_key_error e);

/* Makes p's header offsets valid: a no-op when p->ofs_valid, else the same
 * walk as flow_key_extract (for packets that did not come through it). */
void flow_key_set_offsets(struct dp_packet *p);

/* dst = src & mask, word by word. */
void flow_key_mask(struct flow_key *dst, const struct flow_key *src,
                   const struct flow_key *mask);

/* Unkeyed hash of (key & mask) from `basis`: the same in every process and
 * run, for ids that must be stable (flow_key_ufid).  Anyone can compute it,
 * so keys can be chosen to collide: tables whose keys packets choose use
 * the keyed flow_hash_masked (flow_hash.h) instead. */
uint32_t flow_key_hash_masked(const struct flow_key *key,
                              const struct flow_key *mask, uint32_t basis);

/* Unkeyed hash of the whole key from `basis`, stable as flow_key_hash_masked
 * (flow_key_ufid hashes the mask with it); not for hash tables. */
uint32_t flow_key_hash(const struct flow_key *key, uint32_t basis);

/* True when (a & mask) == (b & mask). */
bool flow_key_equal_masked(const struct flow_key *a, const struct flow_key *b,
                           const struct flow_key *mask);

/* True when some packet could match both (k1, m1) and (k2, m2): they agree
 * on every bit both masks care about. */
bool flow_key_overlap(const struct flow_key *k1, const struct flow_key *m1,
                      const struct flow_key *k2, const struct flow_key *m2);

/* Formats `key` (masked by `mask`, or exact when mask is NULL) in OVS's
 * datapath syntax: "recirc_id(0),in_port(1),eth(src=..,dst=..),
 * eth_type(0x0800),ipv4(src=..,dst=..,proto=6,tos=0,ttl=64,frag=no),
 * tcp(src=..,dst=..)"; masked fields print as value/mask and fully
 * wildcarded fields are left out.  Returns the length it wanted (snprintf). */
int flow_key_format(const struct flow_key *key, const struct flow_key *mask,
                    char *buf, size_t size);

/* As flow_key_format, but as OVS's `dpctl/dump-flows -m` prints a key:
 * every field of every attribute the key has, wildcarded ones as value/0
 * ("proto=0/0", "src=0.0.0.0/0.0.0.0"), with skb_mark(), recirc_id() and
 * packet_type(ns=0,id=0) always.  flow_key_parse accepts it back. */
int flow_key_format_verbose(const struct flow_key *key,
                            const struct flow_key *mask, char *buf,
                            size_t size);

/* A flow's unique id, derived from hashes of (key & mask) and mask: equal
 * for equal flows, stable across dumps and restarts (not OVS's own ufid,
 * which hashes the unmasked key of the packet that made the flow). */
void flow_key_ufid(const struct flow_key *key, const struct flow_key *mask,
                   uint8_t ufid[16]);

/* "ufid:xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" of flow_key_ufid (snprintf
 * return). */
int flow_key_format_ufid(const struct flow_key *key,
                         const struct flow_key *mask, char *buf, size_t size);

/* Parses what flow_key_format prints (for dpctl add-flow / get-flow).
 * Returns 0, or -1 with a message in `err`. */
int flow_key_parse(const char *s, struct flow_key *key, struct flow_key *mask,
                   char *err, size_t errlen);

#endif
