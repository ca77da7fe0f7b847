/* Flow key extraction from an Ethernet frame, and the word-wise mask, hash
 * and compare operations the megaflow lookup runs on every packet.
 *
 * Extraction follows OVS's miniflow_extract(): each layer is parsed only when
 * its header is wholly inside the frame; a layer that does not parse leaves
 * its fields (and everything above it) zero.  The frame is never read past
 * p->len.  On the way it records in the packet where L3 and L4 start (see
 * packet.h), so that nothing after it walks the headers again.  The header
 * layouts and constants are net_headers.h's.  Formatting and parsing of keys
 * live in flow_key_format.c. */
#include "dp/flow_key.h"

#include <arpa/inet.h>
#include <string.h>

/* ---------------------------------------------------------------------------
 * A bounded cursor over the frame: every read goes through cursor_pull() or
 * checks `size` first, so no parser can overrun the frame. */

struct cursor {
    const uint8_t *data;
    size_t size;
};

/* Returns the current position and advances by `n`, or NULL (without moving)
 * when fewer than `n` bytes remain. */
static const uint8_t *cursor_pull(struct cursor *c, size_t n)
{
    if (c->size < n) {
        return NULL;
    }
    const uint8_t *start = c->data;
    c->data += n;
    c->size -= n;
    return start;
}

static uint16_t get_be16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* OVS's dl_type for frames without an Ethernet II type (802.3 length). */
#define FLOW_DL_TYPE_NONE 0x05ff

/* ---------------------------------------------------------------------------
 * L2. */

/* OVS's vlan-limit (flow_key_set_vlan_limit). */
static int vlan_limit = FLOW_MAX_VLANS;

void flow_key_set_vlan_limit(int limit)
{
    vlan_limit = limit <= 0 || limit > FLOW_MAX_VLANS ? FLOW_MAX_VLANS
                                                      : limit;
}

int flow_key_vlan_limit(void)
{
    return vlan_limit;
}

/* True when a tag (and the type after it) starts at `c`. */
static inline bool tag_at(const struct cursor *c)
{
    return c->size >= VLAN_HEADER_LEN + 2
           && eth_type_is_vlan(get_be16(c->data));
}

static inline void pull_tag(struct cursor *c, struct flow_vlan *v)
{
    const struct vlan_header *tag = (const void *)
        cursor_pull(c, VLAN_HEADER_LEN);
    v->tpid = tag->tpid;
    v->tci = tag->tci | htons(FLOW_VLAN_PRESENT);
}

_Static_assert(FLOW_MAX_VLANS == 2, "parse_vlans parses two tags");

/* Parses up to vlan_limit tags.  A tag counts only when it and the type
 * that follows it are in the frame; otherwise its TPID becomes dl_type.
 * Written out for two tags: the limit is read only after a first tag, so
 * an untagged frame pays nothing for it. */
static void parse_vlans(struct cursor *c, struct flow_key *key)
{
    if (!tag_at(c)) {
        return;
    }
    pull_tag(c, &key->vlans[0]);
    if (vlan_limit > 1 && tag_at(c)) {
        pull_tag(c, &key->vlans[1]);
    }
}

/* Reads the type after the tags; an 802.3 length field means an LLC frame,
 * whose type is taken from a SNAP header when it carries one (as OVS). */
static uint16_t parse_ethertype(struct cursor *c)
{
    uint16_t type = get_be16(cursor_pull(c, 2));
    if (ntohs(type) >= ETH_TYPE_MIN) {
        return type;
    }
    if (c->size < LLC_SNAP_HEADER_LEN) {
        return htons(FLOW_DL_TYPE_NONE);
    }
    static const uint8_t snap_prefix[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };
    if (memcmp(c->data, snap_prefix, sizeof snap_prefix)) {
        return htons(FLOW_DL_TYPE_NONE);
    }
    const struct llc_snap_header *llc = (const void *)
        cursor_pull(c, LLC_SNAP_HEADER_LEN);
    return ntohs(llc->type) >= ETH_TYPE_MIN ? llc->type
                                            : htons(FLOW_DL_TYPE_NONE);
}

/* The label stack: every whole entry up to the bottom of stack is skipped,
 * the first FLOW_MAX_MPLS_LABELS are kept (as OVS's parse_mpls), and L3
 * starts after it.  Out of line: MPLS frames are rare. */
static __attribute__((noinline)) void
parse_mpls(struct cursor cur, struct flow_key *key, struct dp_packet *p)
{
    struct cursor *c = &cur;    /* by value: the caller's stays in registers */
    const uint8_t *lse;
    for (int n = 0; (lse = cursor_pull(c, MPLS_LSE_LEN)) != NULL; n++) {
        uint32_t v;
        memcpy(&v, lse, sizeof v);
        if (n < FLOW_MAX_MPLS_LABELS) {
            key->mpls_lse[n] = v;
        }
        if (v & htonl(MPLS_LSE_BOS)) {
            break;
        }
    }
    size_t l3 = p->len - c->size;   /* nothing limited `c` yet */
    p->l3_ofs = l3 < DP_PACKET_OFS_NONE ? (uint16_t)l3 : DP_PACKET_OFS_NONE;
}

/* ---------------------------------------------------------------------------
 * L3. */

/* An ARP body cut short is an error; one of another hardware or protocol
 * type is not (its fields are just not in the key). */
static enum flow_key_error parse_arp(struct cursor *c, struct flow_key *key)
{
    const struct arp_eth_header *arp = (const void *)
        cursor_pull(c, ARP_ETH_HEADER_LEN);
    if (!arp) {
        return FLOW_KEY_ARP_TOO_SHORT;
    }
    if (arp->hrd != htons(ARP_HRD_ETHERNET)
        || arp->pro != htons(ETH_TYPE_IP)
        || arp->hln != ETH_ADDR_LEN || arp->pln != 4) {
        return FLOW_KEY_OK;
    }
    uint16_t op = ntohs(arp->op);
    /* Only the low 8 bits of the opcode are matchable; larger ones read 0. */
    key->nw_proto = op <= 0xff ? (uint8_t)op : 0;
    key->arp_sha = arp->sha;
    key->nw_src = arp->spa;
    key->arp_tha = arp->tha;
    key->nw_dst = arp->tpa;
    return FLOW_KEY_OK;
}

/* Returns an error (key untouched) unless the header, its options and its
 * total length are all inside the frame (OVS's ipv4_sanity_check); on
 * success limits `c` to the payload (padding after tot_len is not L4) and
 * records where L4 starts in `p` unless this is a later fragment (which
 * carries no L4 header). */
static enum flow_key_error parse_ipv4(struct cursor *c, struct flow_key *key,
                                      struct dp_packet *p)
{
    if (c->size < IPV4_HEADER_LEN) {
        return FLOW_KEY_IPV4_TOO_SHORT;
    }
    const struct ipv4_header *ip = (const void *)c->data;
    size_t ihl = ipv4_header_len(ip);
    size_t tot_len = ntohs(ip->tot_len);
    /* (ihl <= tot_len <= c->size also puts the header in the frame.) */
    if (ihl < IPV4_HEADER_LEN || tot_len > c->size || ihl > tot_len) {
        return FLOW_KEY_IPV4_LEN_ERROR;
    }
    uint8_t proto = ip->proto;
    key->nw_tos = ip->tos;
    key->nw_ttl = ip->ttl;
    key->nw_proto = proto;
    key->nw_src = ip->src;
    key->nw_dst = ip->dst;

    uint16_t frag_off = ntohs(ip->frag_off);
    if (frag_off & (IPV4_FRAG_MF | IPV4_FRAG_OFFSET_MASK)) {
        key->nw_frag = FLOW_NW_FRAG_ANY;
        if (frag_off & IPV4_FRAG_OFFSET_MASK) {
            key->nw_frag |= FLOW_NW_FRAG_LATER;
        }
    }
    if (!(frag_off & IPV4_FRAG_OFFSET_MASK)) {     /* L4 is here */
        p->l4_ofs = (uint16_t)(p->l3_ofs + ihl);    /* ihl <= 60 */
        p->l4_proto = proto;
    }
    c->size = tot_len;
    cursor_pull(c, ihl);
    return FLOW_KEY_OK;
}

/* Walks the IPv6 extension headers OVS knows, leaving nw_proto at the first
 * other header.  Returns false when one is cut short.  A later fragment stops
 * the walk with nw_proto = 44 (fragment), as OVS does. */
static bool parse_ipv6_ext_headers(struct cursor *c, uint8_t *proto,
                                   uint8_t *frag)
{
    for (;;) {
        uint8_t next = *proto;
        if (!ipv6_is_ext_header(next)) {
            return true;
        }
        if (c->size < IPV6_EXT_MIN_LEN) {
            return false;
        }
        const uint8_t *ext = c->data;
        *proto = ext[0];                /* every one starts with `next` */
        if (!cursor_pull(c, ipv6_ext_len(next, ext))) {
            return false;
        }
        if (next == IP_PROTO_FRAGMENT) {
            uint16_t offlg = ((const struct ipv6_frag_header *)ext)->offlg;
            if (offlg != 0) {
                *frag = FLOW_NW_FRAG_ANY;
                if (offlg & htons(IPV6_FRAG_OFFSET_MASK)) {
                    *frag |= FLOW_NW_FRAG_LATER;
                    *proto = IP_PROTO_FRAGMENT;
                    return true;
                }
            }
        }
    }
}

/* The fixed IPv6 header, or NULL (key untouched, the reason in `*error`)
 * when it or its payload length does not fit; sets the addresses and limits
 * `c` to the payload. */
static const struct ipv6_header *parse_ipv6_fixed(struct cursor *c,
                                                  struct flow_key *key,
                                                  enum flow_key_error *error)
{
    if (c->size < IPV6_HEADER_LEN) {
        *error = FLOW_KEY_IPV6_TOO_SHORT;
        return NULL;
    }
    const struct ipv6_header *ip = (const void *)c->data;
    size_t plen = ntohs(ip->payload_len);
    if (plen + IPV6_HEADER_LEN > c->size) {
        *error = FLOW_KEY_IPV6_LEN_ERROR;
        return NULL;
    }
    cursor_pull(c, IPV6_HEADER_LEN);
    c->size = plen;
    memcpy(key->ipv6_src, ip->src, 16);
    memcpy(key->ipv6_dst, ip->dst, 16);
    return ip;
}

/* The rest of the IPv6 key once `c` is at upper-layer protocol `proto`, and
 * where that starts in `p` unless this is a later fragment. */
static void parse_ipv6_finish(const struct cursor *c, struct flow_key *key,
                              struct dp_packet *p,
                              const struct ipv6_header *ip, uint8_t proto,
                              uint8_t frag)
{
    uint32_t vtcfl = ntohl(ip->vtc_flow);
    key->ipv6_label = htonl(vtcfl & IPV6_LABEL_MASK);
    key->nw_tos = (uint8_t)(vtcfl >> IPV6_TCLASS_SHIFT);
    key->nw_ttl = ip->hlimit;
    key->nw_proto = proto;
    key->nw_frag = frag;
    size_t l4_ofs = (size_t)(c->data - dp_packet_data(p));
    if (!(frag & FLOW_NW_FRAG_LATER) && l4_ofs < DP_PACKET_OFS_NONE) {
        p->l4_ofs = (uint16_t)l4_ofs;
        p->l4_proto = proto;
    }
}

/* ---------------------------------------------------------------------------
 * L4. */

static enum flow_key_error parse_ports(struct cursor *c, struct flow_key *key,
                                       size_t min)
{
    if (c->size < min) {
        return FLOW_KEY_L4_TOO_SHORT;
    }
    const struct udp_header *ports = (const void *)c->data;
    key->tp_src = ports->src;       /* TCP, UDP, SCTP: ports first */
    key->tp_dst = ports->dst;
    return FLOW_KEY_OK;
}

static enum flow_key_error parse_tcp(struct cursor *c, struct flow_key *key)
{
    if (c->size < TCP_HEADER_LEN) {
        return FLOW_KEY_L4_TOO_SHORT;
    }
    const struct tcp_header *tcp = (const void *)c->data;
    size_t hlen = tcp_header_len(tcp);
    if (hlen < TCP_HEADER_LEN || hlen > c->size) {
        return FLOW_KEY_L4_TOO_SHORT;   /* bad data offset: no L4 fields */
    }
    key->tp_src = tcp->src;
    key->tp_dst = tcp->dst;
    key->tcp_flags = tcp->ctl & htons(TCP_FLAGS_MASK);
    return FLOW_KEY_OK;
}

/* IGMP: type and code, as OVS keys them (the group address is not in the
 * key). */
static enum flow_key_error parse_igmp(struct cursor *c, struct flow_key *key)
{
    if (c->size < IGMP_HEADER_LEN) {
        return FLOW_KEY_L4_TOO_SHORT;
    }
    const struct igmp_header *igmp = (const void *)c->data;
    key->tp_src = htons(igmp->type);
    key->tp_dst = htons(igmp->code);
    return FLOW_KEY_OK;
}

static enum flow_key_error parse_icmp(struct cursor *c, struct flow_key *key)
{
    if (c->size < ICMP_HEADER_LEN) {
        return FLOW_KEY_L4_TOO_SHORT;
    }
    const struct icmp_header *icmp = (const void *)c->data;
    key->tp_src = htons(icmp->type);
    key->tp_dst = htons(icmp->code);
    return FLOW_KEY_OK;
}

/* Neighbour discovery (NS/NA, code 0): the target and the SLL/TLL options.
 * A zero-length option ends the walk keeping what was found; an option cut
 * short ends it likewise; a repeated SLL or TLL makes the message invalid
 * and clears all ND fields (as OVS). */
static enum flow_key_error parse_nd(struct cursor *c, struct flow_key *key)
{
    const uint8_t *target = cursor_pull(c, 16);
    if (!target) {
        return FLOW_KEY_L4_TOO_SHORT;
    }
    struct eth_addr sll = { { 0 } }, tll = { { 0 } };
    static const struct eth_addr zero;
    while (c->size >= ND_OPT_LL_LEN) {
        const struct nd_opt_header *opt = (const void *)c->data;
        size_t opt_len = (size_t)opt->len * 8;
        if (opt_len == 0 || opt_len > c->size) {
            break;
        }
        if (opt_len == ND_OPT_LL_LEN
            && (opt->type == ND_OPT_TYPE_SOURCE_LL
                || opt->type == ND_OPT_TYPE_TARGET_LL)) {
            struct eth_addr *slot = opt->type == ND_OPT_TYPE_SOURCE_LL ? &sll
                                                                       : &tll;
            if (memcmp(slot, &zero, sizeof zero)) {
                return FLOW_KEY_OK;   /* duplicate option: invalid ND, but
                                       * a whole header */
            }
            memcpy(slot->ea, c->data + 2, ETH_ADDR_LEN);
        }
        cursor_pull(c, opt_len);
    }
    memcpy(key->nd_target, target, 16);
    key->arp_sha = sll;
    key->arp_tha = tll;
    return FLOW_KEY_OK;
}

static enum flow_key_error parse_icmpv6(struct cursor *c,
                                        struct flow_key *key)
{
    const struct icmp_header *icmp = (const void *)
        cursor_pull(c, ICMP_HEADER_LEN);
    if (!icmp) {
        return FLOW_KEY_L4_TOO_SHORT;
    }
    key->tp_src = htons(icmp->type);
    key->tp_dst = htons(icmp->code);
    if (icmp->code == 0 && (icmp->type == ICMP6_TYPE_NEIGHBOR_SOLICIT
                            || icmp->type == ICMP6_TYPE_NEIGHBOR_ADVERT)) {
        return parse_nd(c, key);
    }
    return FLOW_KEY_OK;
}

/* As OVS's miniflow_extract, the L4 parser follows nw_proto alone: ICMP
 * in IPv6 and ICMPv6 (ND included) in IPv4 are parsed too. */
static enum flow_key_error parse_l4(struct cursor *c, struct flow_key *key)
{
    if (key->nw_frag & FLOW_NW_FRAG_LATER) {
        return FLOW_KEY_OK;        /* later fragments carry no L4 header */
    }
    switch (key->nw_proto) {
    case IP_PROTO_TCP:
        return parse_tcp(c, key);
    case IP_PROTO_UDP:
        return parse_ports(c, key, UDP_HEADER_LEN);
    case IP_PROTO_SCTP:
        return parse_ports(c, key, SCTP_HEADER_LEN);
    case IP_PROTO_ICMP:
        return parse_icmp(c, key);
    case IP_PROTO_IGMP:
        return parse_igmp(c, key);
    case IP_PROTO_ICMPV6:
        return parse_icmpv6(c, key);
    default:
        return FLOW_KEY_OK;
    }
}

/* IPv6 with extension headers: the walk, the rest of the key and L4.  Out
 * of line, and called last, so that the registers the walk needs are not
 * saved on every extraction; an extension header cut short leaves only the
 * addresses set (as OVS). */
static __attribute__((noinline)) enum flow_key_error
parse_ipv6_ext_l4(struct cursor *c, struct flow_key *key, struct dp_packet *p,
                  const struct ipv6_header *ip)
{
    uint8_t proto = ip->next, frag = 0;
    if (!parse_ipv6_ext_headers(c, &proto, &frag)) {
        return FLOW_KEY_IPV6_LEN_ERROR;
    }
    parse_ipv6_finish(c, key, p, ip, proto, frag);
    return parse_l4(c, key);
}

/* ---------------------------------------------------------------------------
 * The whole frame. */

/* memset(key, 0, ...) compiles to `rep stos`, whose start-up cost is a
 * good part of a whole extraction; ten plain 16-byte stores are not. */
static inline void key_zero(struct flow_key *key)
{
    typedef uint64_t vec2 __attribute__((vector_size(16)));
    const vec2 zero = { 0, 0 };
    uint8_t *b = (uint8_t *)key;
    size_t i = 0;
#pragma GCC unroll 16
    for (; i + 16 <= sizeof *key; i += 16) {
        memcpy(b + i, &zero, 16);
    }
    if (i < sizeof *key) {
        memset(b + i, 0, sizeof *key - i);
    }
}

enum flow_key_error flow_key_extract(struct dp_packet *p,
                                     struct flow_key *key)
{
    key_zero(key);
    key->tunnel = p->md.tunnel;
    key->in_port = p->md.in_port;
    key->pkt_mark = p->md.pkt_mark;
    key->recirc_id = p->md.recirc_id;
    p->l4_ofs = DP_PACKET_OFS_NONE;
    p->l4_proto = 0;
    p->ofs_valid = true;

    struct cursor c = { dp_packet_data(p), p->len };
    const struct eth_header *eth = (const void *)
        cursor_pull(&c, 2 * ETH_ADDR_LEN);   /* the type is read below */
    if (!eth || c.size < 2) {
        p->l3_ofs = DP_PACKET_OFS_NONE;
        return FLOW_KEY_ETH_TOO_SHORT;     /* no whole Ethernet header */
    }
    key->dl_dst = eth->dst;
    key->dl_src = eth->src;
    parse_vlans(&c, key);
    key->dl_type = parse_ethertype(&c);
    /* Nothing limited `c` yet: what it consumed is the offset (<= 30). */
    p->l3_ofs = (uint16_t)(p->len - c.size);

    enum flow_key_error error = FLOW_KEY_OK;
    if (key->dl_type == htons(ETH_TYPE_IP)) {
        error = parse_ipv4(&c, key, p);
        if (!error) {
            error = parse_l4(&c, key);
        }
    } else if (key->dl_type == htons(ETH_TYPE_IPV6)) {
        const struct ipv6_header *ip = parse_ipv6_fixed(&c, key, &error);
        if (ip && ipv6_is_ext_header(ip->next)) {
            error = parse_ipv6_ext_l4(&c, key, p, ip);
        } else if (ip) {
            parse_ipv6_finish(&c, key, p, ip, ip->next, 0);
            error = parse_l4(&c, key);
        }
    } else if (key->dl_type == htons(ETH_TYPE_ARP)
               || key->dl_type == htons(ETH_TYPE_RARP)) {
        error = parse_arp(&c, key);
    } else if (key->dl_type == htons(ETH_TYPE_MPLS)
               || key->dl_type == htons(ETH_TYPE_MPLS_MCAST)) {
        parse_mpls(c, key, p);   /* L3 starts past the stack; no L3 key */
    }
    return error;
}

const char *flow_key_error_name(enum flow_key_error e)
{
    static const char *const names[] = {
        [FLOW_KEY_OK] = "",
#define FLOW_KEY_ERROR_NAME(ENUM, NAME, DOC) [FLOW_KEY_##ENUM] = #NAME,
        FLOW_KEY_ERRORS(FLOW_KEY_ERROR_NAME)
#undef FLOW_KEY_ERROR_NAME
    };
    return (unsigned) e < FLOW_KEY_N_ERRORS ? names[e] : "?";
}

void flow_key_set_offsets(struct dp_packet *p)
{
    if (!p->ofs_valid) {
        struct flow_key scratch;
        flow_key_extract(p, &scratch);
    }
}

/* ---------------------------------------------------------------------------
 * Word-wise operations.  The key is read as uint64_t words through a
 * may_alias type, which keeps the loops free of per-field logic. */

typedef uint64_t __attribute__((may_alias)) key_word;

static const key_word *words(const struct flow_key *k)
{
    return (const key_word *)(const void *)k;
}

void flow_key_mask(struct flow_key *dst, const struct flow_key *src,
                   const struct flow_key *mask)
{
    key_word *d = (key_word *)(void *)dst;
    const key_word *s = words(src), *m = words(mask);
    for (size_t i = 0; i < FLOW_KEY_U64S; i++) {
        d[i] = s[i] & m[i];
    }
}

/* One round of mixing per word (multiply-rotate-multiply, as in murmur3's
 * 64-bit body) and a final avalanche, so that flipping any key bit changes
 * about half of the result bits. */
#define HASH_C1 0x87c37b91114253d5ULL
#define HASH_C2 0x4cf5ad432745937fULL

static inline uint64_t rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint64_t hash_add_word(uint64_t h, uint64_t w)
{
    w *= HASH_C1;
    w = rotl64(w, 31);
    w *= HASH_C2;
    h ^= w;
    h = rotl64(h, 27);
    return h * 5 + 0x52dce729;
}

static inline uint32_t hash_finish(uint64_t h)
{
    h ^= FLOW_KEY_U64S * 8;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return (uint32_t)h;
}

/* Four independent lanes, so that the multiplies of consecutive words
 * overlap instead of waiting on each other; the lanes are folded in order at
 * the end, so the position of every word still counts. */
#define HASH_LANE(H, W) ((H) = hash_add_word((H), (W)))

static inline __attribute__((always_inline)) uint32_t
hash_words(const key_word *k, const key_word *m, bool masked, uint64_t basis)
{
    /* `masked` is a constant at each call: the test compiles away. */
#define WORD(I) (masked ? k[I] & m[I] : k[I])
    uint64_t h0 = basis, h1 = basis ^ HASH_C1, h2 = basis ^ HASH_C2;
    uint64_t h3 = ~basis;
    size_t i = 0;
    for (; i + 4 <= FLOW_KEY_U64S; i += 4) {
        HASH_LANE(h0, WORD(i));
        HASH_LANE(h1, WORD(i + 1));
        HASH_LANE(h2, WORD(i + 2));
        HASH_LANE(h3, WORD(i + 3));
    }
    for (; i < FLOW_KEY_U64S; i++) {
        HASH_LANE(h0, WORD(i));
    }
#undef WORD
    HASH_LANE(h0, h1);
    HASH_LANE(h0, h2);
    HASH_LANE(h0, h3);
    return hash_finish(h0);
}

uint32_t flow_key_hash_masked(const struct flow_key *key,
                              const struct flow_key *mask, uint32_t basis)
{
    return hash_words(words(key), words(mask), true, basis);
}

uint32_t flow_key_hash(const struct flow_key *key, uint32_t basis)
{
    return hash_words(words(key), NULL, false, basis);
}

bool flow_key_equal_masked(const struct flow_key *a, const struct flow_key *b,
                           const struct flow_key *mask)
{
    const key_word *x = words(a), *y = words(b), *m = words(mask);
    uint64_t diff = 0;
    for (size_t i = 0; i < FLOW_KEY_U64S; i++) {
        diff |= (x[i] ^ y[i]) & m[i];
    }
    return diff == 0;
}

bool flow_key_overlap(const struct flow_key *k1, const struct flow_key *m1,
                      const struct flow_key *k2, const struct flow_key *m2)
{
    const key_word *a = words(k1), *ma = words(m1);
    const key_word *b = words(k2), *mb = words(m2);
    uint64_t diff = 0;
    for (size_t i = 0; i < FLOW_KEY_U64S; i++) {
        diff |= (a[i] ^ b[i]) & ma[i] & mb[i];
    }
    return diff == 0;
}
