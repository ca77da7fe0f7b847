/* Flow key extraction from an Ethernet frame, and the word-wise mask, hash
 * and compare operations the megaflow lookup runs on every packet.
 *
 * Extraction follows OVS's miniflow_extract(): each layer is parsed only when
 * its header is wholly inside the frame; a layer that does not parse leaves
 * its fields (and everything above it) zero.  The frame is never read past
 * p->len.  Formatting and parsing of keys live in flow_key_format.c. */
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

static uint32_t get_be32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

#define ETH_TYPE_MIN 0x600
#define ETH_TYPE_IP 0x0800
#define ETH_TYPE_ARP 0x0806
#define ETH_TYPE_RARP 0x8035
#define ETH_TYPE_IPV6 0x86dd
#define ETH_TYPE_VLAN 0x8100
#define ETH_TYPE_VLAN_8021AD 0x88a8
/* OVS's dl_type for frames without an Ethernet II type (802.3 length). */
#define FLOW_DL_TYPE_NONE 0x05ff

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ICMP_ 1
#define IPPROTO_TCP_ 6
#define IPPROTO_UDP_ 17
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_AH_ 51
#define IPPROTO_ICMPV6_ 58
#define IPPROTO_DSTOPTS_ 60
#define IPPROTO_SCTP_ 132

#define TCP_HEADER_LEN 20
#define UDP_HEADER_LEN 8
#define SCTP_HEADER_LEN 12
#define ICMP_HEADER_LEN 8
#define ARP_ETH_HEADER_LEN 28
#define IPV4_HEADER_LEN 20
#define IPV6_HEADER_LEN 40

#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_OPT_SOURCE_LINKADDR 1
#define ND_OPT_TARGET_LINKADDR 2

static bool eth_type_is_vlan(uint16_t be_type)
{
    return be_type == htons(ETH_TYPE_VLAN)
        || be_type == htons(ETH_TYPE_VLAN_8021AD);
}

/* ---------------------------------------------------------------------------
 * L2. */

/* Parses up to FLOW_MAX_VLANS tags.  A tag counts only when it and the type
 * that follows it are in the frame; otherwise its TPID becomes dl_type. */
static void parse_vlans(struct cursor *c, struct flow_key *key)
{
    for (int n = 0; n < FLOW_MAX_VLANS; n++) {
        if (c->size < 6 || !eth_type_is_vlan(get_be16(c->data))) {
            return;
        }
        const uint8_t *tag = cursor_pull(c, 4);
        key->vlans[n].tpid = get_be16(tag);
        key->vlans[n].tci = get_be16(tag + 2) | htons(FLOW_VLAN_PRESENT);
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
    if (c->size < 8) {
        return htons(FLOW_DL_TYPE_NONE);
    }
    static const uint8_t snap_prefix[6] = { 0xaa, 0xaa, 0x03, 0, 0, 0 };
    if (memcmp(c->data, snap_prefix, sizeof snap_prefix)) {
        return htons(FLOW_DL_TYPE_NONE);
    }
    const uint8_t *llc = cursor_pull(c, 8);
    uint16_t snap_type = get_be16(llc + 6);
    return ntohs(snap_type) >= ETH_TYPE_MIN ? snap_type
                                            : htons(FLOW_DL_TYPE_NONE);
}

/* ---------------------------------------------------------------------------
 * L3. */

static void parse_arp(struct cursor *c, struct flow_key *key)
{
    const uint8_t *arp = cursor_pull(c, ARP_ETH_HEADER_LEN);
    if (!arp || get_be16(arp) != htons(1)
        || get_be16(arp + 2) != htons(ETH_TYPE_IP)
        || arp[4] != 6 || arp[5] != 4) {
        return;
    }
    uint16_t op = ntohs(get_be16(arp + 6));
    /* Only the low 8 bits of the opcode are matchable; larger ones read 0. */
    key->nw_proto = op <= 0xff ? (uint8_t)op : 0;
    memcpy(key->arp_sha.ea, arp + 8, 6);
    key->nw_src = get_be32(arp + 14);
    memcpy(key->arp_tha.ea, arp + 18, 6);
    key->nw_dst = get_be32(arp + 24);
}

/* Returns false (key untouched) unless the header, its options and its total
 * length are all inside the frame; on success limits `c` to the payload
 * (padding after tot_len is not L4). */
static bool parse_ipv4(struct cursor *c, struct flow_key *key)
{
    if (c->size < IPV4_HEADER_LEN) {
        return false;
    }
    const uint8_t *ip = c->data;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    size_t tot_len = ntohs(get_be16(ip + 2));
    if (ihl < IPV4_HEADER_LEN || ihl > c->size || tot_len > c->size
        || ihl > tot_len) {
        return false;
    }
    key->nw_tos = ip[1];
    key->nw_ttl = ip[8];
    key->nw_proto = ip[9];
    key->nw_src = get_be32(ip + 12);
    key->nw_dst = get_be32(ip + 16);

    uint16_t frag_off = ntohs(get_be16(ip + 6));
    if (frag_off & 0x3fff) {                 /* MF or a non-zero offset */
        key->nw_frag = FLOW_NW_FRAG_ANY;
        if (frag_off & 0x1fff) {
            key->nw_frag |= FLOW_NW_FRAG_LATER;
        }
    }
    c->size = tot_len;
    cursor_pull(c, ihl);
    return true;
}

/* Walks the IPv6 extension headers OVS knows, leaving nw_proto at the first
 * other header.  Returns false when one is cut short.  A later fragment stops
 * the walk with nw_proto = 44 (fragment), as OVS does. */
static bool parse_ipv6_ext_headers(struct cursor *c, uint8_t *proto,
                                   uint8_t *frag)
{
    for (;;) {
        uint8_t next = *proto;
        if (next != IPPROTO_HOPOPTS_ && next != IPPROTO_ROUTING_
            && next != IPPROTO_DSTOPTS_ && next != IPPROTO_AH_
            && next != IPPROTO_FRAGMENT_) {
            return true;
        }
        /* Every extension header is at least 8 bytes. */
        if (c->size < 8) {
            return false;
        }
        const uint8_t *ext = c->data;
        *proto = ext[0];
        size_t len;
        if (next == IPPROTO_AH_) {
            len = ((size_t)ext[1] + 2) * 4;
        } else if (next == IPPROTO_FRAGMENT_) {
            len = 8;
        } else {
            len = ((size_t)ext[1] + 1) * 8;
        }
        if (!cursor_pull(c, len)) {
            return false;
        }
        if (next == IPPROTO_FRAGMENT_) {
            uint16_t offlg = get_be16(ext + 2);
            if (offlg != 0) {
                *frag = FLOW_NW_FRAG_ANY;
                if (offlg & htons(0xfff8)) {
                    *frag |= FLOW_NW_FRAG_LATER;
                    *proto = IPPROTO_FRAGMENT_;
                    return true;
                }
            }
        }
    }
}

/* Returns false when the fixed header or payload length does not fit (key
 * untouched) or when an extension header is cut short (only the addresses
 * set, as OVS).  On success limits `c` to the upper-layer payload. */
static bool parse_ipv6(struct cursor *c, struct flow_key *key)
{
    if (c->size < IPV6_HEADER_LEN) {
        return false;
    }
    const uint8_t *ip = c->data;
    size_t plen = ntohs(get_be16(ip + 4));
    if (plen + IPV6_HEADER_LEN > c->size) {
        return false;
    }
    cursor_pull(c, IPV6_HEADER_LEN);
    c->size = plen;
    memcpy(key->ipv6_src, ip + 8, 16);
    memcpy(key->ipv6_dst, ip + 24, 16);

    uint8_t proto = ip[6];
    uint8_t frag = 0;
    if (!parse_ipv6_ext_headers(c, &proto, &frag)) {
        return false;
    }
    uint32_t vtcfl = ntohl(get_be32(ip));
    key->ipv6_label = htonl(vtcfl & 0xfffff);
    key->nw_tos = (uint8_t)(vtcfl >> 20);
    key->nw_ttl = ip[7];
    key->nw_proto = proto;
    key->nw_frag = frag;
    return true;
}

/* ---------------------------------------------------------------------------
 * L4. */

static void parse_ports(struct cursor *c, struct flow_key *key, size_t min)
{
    if (c->size >= min) {
        key->tp_src = get_be16(c->data);
        key->tp_dst = get_be16(c->data + 2);
    }
}

static void parse_tcp(struct cursor *c, struct flow_key *key)
{
    if (c->size >= TCP_HEADER_LEN) {
        key->tp_src = get_be16(c->data);
        key->tp_dst = get_be16(c->data + 2);
        key->tcp_flags = get_be16(c->data + 12) & htons(0x0fff);
    }
}

static void parse_icmp(struct cursor *c, struct flow_key *key)
{
    if (c->size >= ICMP_HEADER_LEN) {
        key->tp_src = htons(c->data[0]);
        key->tp_dst = htons(c->data[1]);
    }
}

/* Neighbour discovery (NS/NA, code 0): the target and the SLL/TLL options.
 * A zero-length option ends the walk keeping what was found; an option cut
 * short ends it likewise; a repeated SLL or TLL makes the message invalid
 * and clears all ND fields (as OVS). */
static void parse_nd(struct cursor *c, struct flow_key *key)
{
    const uint8_t *target = cursor_pull(c, 16);
    if (!target) {
        return;
    }
    struct eth_addr sll = { { 0 } }, tll = { { 0 } };
    static const struct eth_addr zero;
    while (c->size >= 8) {
        const uint8_t *opt = c->data;
        size_t opt_len = (size_t)opt[1] * 8;
        if (opt_len == 0 || opt_len > c->size) {
            break;
        }
        if (opt_len == 8 && (opt[0] == ND_OPT_SOURCE_LINKADDR
                             || opt[0] == ND_OPT_TARGET_LINKADDR)) {
            struct eth_addr *slot = opt[0] == ND_OPT_SOURCE_LINKADDR ? &sll
                                                                     : &tll;
            if (memcmp(slot, &zero, sizeof zero)) {
                return;            /* duplicate option: invalid ND */
            }
            memcpy(slot->ea, opt + 2, 6);
        }
        cursor_pull(c, opt_len);
    }
    memcpy(key->nd_target, target, 16);
    key->arp_sha = sll;
    key->arp_tha = tll;
}

static void parse_icmpv6(struct cursor *c, struct flow_key *key)
{
    const uint8_t *icmp = cursor_pull(c, ICMP_HEADER_LEN);
    if (!icmp) {
        return;
    }
    key->tp_src = htons(icmp[0]);
    key->tp_dst = htons(icmp[1]);
    if (icmp[1] == 0 && (icmp[0] == ND_NEIGHBOR_SOLICIT
                         || icmp[0] == ND_NEIGHBOR_ADVERT)) {
        parse_nd(c, key);
    }
}

static void parse_l4(struct cursor *c, struct flow_key *key, bool is_ipv6)
{
    if (key->nw_frag & FLOW_NW_FRAG_LATER) {
        return;                    /* later fragments carry no L4 header */
    }
    switch (key->nw_proto) {
    case IPPROTO_TCP_:
        parse_tcp(c, key);
        break;
    case IPPROTO_UDP_:
        parse_ports(c, key, UDP_HEADER_LEN);
        break;
    case IPPROTO_SCTP_:
        parse_ports(c, key, SCTP_HEADER_LEN);
        break;
    case IPPROTO_ICMP_:
        if (!is_ipv6) {
            parse_icmp(c, key);
        }
        break;
    case IPPROTO_ICMPV6_:
        if (is_ipv6) {
            parse_icmpv6(c, key);
        }
        break;
    default:
        break;
    }
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

void flow_key_extract(const struct dp_packet *p, struct flow_key *key)
{
    key_zero(key);
    key->tunnel = p->md.tunnel;
    key->in_port = p->md.in_port;
    key->pkt_mark = p->md.pkt_mark;
    key->recirc_id = p->md.recirc_id;

    struct cursor c = { dp_packet_data(p), p->len };
    const uint8_t *eth = cursor_pull(&c, 12);
    if (!eth || c.size < 2) {
        return;                    /* no whole Ethernet header */
    }
    memcpy(key->dl_dst.ea, eth, 6);
    memcpy(key->dl_src.ea, eth + 6, 6);
    parse_vlans(&c, key);
    key->dl_type = parse_ethertype(&c);

    if (key->dl_type == htons(ETH_TYPE_IP)) {
        if (parse_ipv4(&c, key)) {
            parse_l4(&c, key, false);
        }
    } else if (key->dl_type == htons(ETH_TYPE_IPV6)) {
        if (parse_ipv6(&c, key)) {
            parse_l4(&c, key, true);
        }
    } else if (key->dl_type == htons(ETH_TYPE_ARP)
               || key->dl_type == htons(ETH_TYPE_RARP)) {
        parse_arp(&c, key);
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
