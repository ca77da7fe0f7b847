/* Unit tests for the flow key: extraction layer by layer (including every
 * kind of truncated or malformed frame), masks, hashing, compare, overlap,
 * and the OVS datapath text format in both directions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp/flow_key.h"
#include "test_frame.h"

/* ---------------------------------------------------------------------------
 * Frame building. */

static const uint8_t MAC_DST[6] = { 0xf6, 0x95, 0x11, 0xc3, 0xf6, 0x81 };
static const uint8_t MAC_SRC[6] = { 0x56, 0xcb, 0x59, 0x98, 0xde, 0x47 };

static void put_eth(struct frame *f, uint16_t type)
{
    put_bytes(f, MAC_DST, 6);
    put_bytes(f, MAC_SRC, 6);
    put16(f, type);
}

/* IPv4 header of `ihl` words; tot_len = header + payload_len. */
static void put_ipv4(struct frame *f, uint8_t proto, int ihl,
                     size_t payload_len, uint16_t frag_off)
{
    put8(f, (uint8_t)(0x40 | ihl));
    put8(f, 0x2e);                     /* DSCP 11, ECN 2 */
    put16(f, (uint16_t)(ihl * 4 + payload_len));
    put16(f, 1);
    put16(f, frag_off);
    put8(f, 64);
    put8(f, proto);
    put16(f, 0);
    put32(f, 0x0a000001);
    put32(f, 0x0a000002);
    for (int i = 5; i < ihl; i++) {
        put32(f, 0x01010101);          /* NOP options */
    }
}

static void put_ipv6(struct frame *f, uint8_t next, size_t payload_len)
{
    put32(f, 0x6a812345);              /* tclass 0xa8, label 0x12345 */
    put16(f, (uint16_t)payload_len);
    put8(f, next);
    put8(f, 255);
    uint8_t src[16] = { 0xfe, 0x80, [15] = 1 };
    uint8_t dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
    put_bytes(f, src, 16);
    put_bytes(f, dst, 16);
}

static void put_tcp(struct frame *f, uint16_t sport, uint16_t dport,
                    uint16_t flags)
{
    put16(f, sport);
    put16(f, dport);
    put32(f, 1);
    put32(f, 0);
    put16(f, (uint16_t)(0x5000 | flags));
    put16(f, 8192);
    put32(f, 0);
}

static void put_udp(struct frame *f, uint16_t sport, uint16_t dport)
{
    put16(f, sport);
    put16(f, dport);
    put16(f, 8);
    put16(f, 0);
}

/* Extracts from a heap copy of exactly `len` bytes, so that ASan sees any
 * read past the frame. */
static void extract_len(const struct frame *f, size_t len, struct flow_key *k)
{
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    memcpy(copy, f->b, len);
    struct dp_packet p;
    memset(&p, 0, sizeof p);
    p.base = copy;
    p.size = (uint32_t)len;
    p.data_ofs = 0;
    p.len = (uint32_t)len;
    p.md.in_port = 7;
    flow_key_extract(&p, k);
    free(copy);
}

static void extract(const struct frame *f, struct flow_key *k)
{
    extract_len(f, f->n, k);
}

/* What flow_key_extract returns for the whole frame. */
static enum flow_key_error flow_key_extract_error_of(const struct frame *f)
{
    uint8_t copy[sizeof f->b];
    memcpy(copy, f->b, f->n);
    struct dp_packet p;
    memset(&p, 0, sizeof p);
    p.base = copy;
    p.size = (uint32_t)sizeof copy;
    p.len = (uint32_t)f->n;
    struct flow_key k;
    return flow_key_extract(&p, &k);
}

static uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
    return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

/* Asserts that nothing above L2 was extracted. */
static void assert_no_l3(const struct flow_key *k)
{
    struct flow_key zero;
    memset(&zero, 0, sizeof zero);
    assert_memory_equal(&k->nw_src, &zero.nw_src,
                        sizeof *k - offsetof(struct flow_key, nw_src));
}

static void assert_no_l4(const struct flow_key *k)
{
    assert_int_equal(k->tp_src, 0);
    assert_int_equal(k->tp_dst, 0);
    assert_int_equal(k->tcp_flags, 0);
    static const uint8_t zero[16];
    assert_memory_equal(k->nd_target, zero, 16);
    assert_memory_equal(k->arp_sha.ea, zero, 6);
    assert_memory_equal(k->arp_tha.ea, zero, 6);
}

/* ---------------------------------------------------------------------------
 * L2. */

static void test_eth_short(void **state)
{
    (void)state;
    struct frame f = { .n = 0 };
    put_eth(&f, 0x0800);
    struct flow_key k, zero;
    memset(&zero, 0, sizeof zero);
    zero.in_port = 7;
    for (size_t len = 0; len < 14; len++) {
        extract_len(&f, len, &k);
        assert_memory_equal(&k, &zero, sizeof k);
    }
    extract_len(&f, 14, &k);
    assert_int_equal(k.in_port, 7);
    assert_memory_equal(k.dl_dst.ea, MAC_DST, 6);
    assert_memory_equal(k.dl_src.ea, MAC_SRC, 6);
    assert_int_equal(k.dl_type, htons(0x0800));
    assert_no_l3(&k);               /* IPv4 header missing */
}

static void test_eth_8023(void **state)
{
    (void)state;
    struct frame f = { .n = 0 };
    put_eth(&f, 0x0040);               /* 802.3 length */
    put_bytes(&f, (uint8_t[]){ 0x42, 0x42, 0x03 }, 3);
    put_zeros(&f, 40);
    struct flow_key k;
    extract(&f, &k);
    assert_int_equal(k.dl_type, htons(0x05ff));
    assert_no_l3(&k);

    /* LLC/SNAP with an Ethernet type: the SNAP type is used (as OVS). */
    struct frame s = { .n = 0 };
    put_eth(&s, 8 + 20 + 8);
    put_bytes(&s, (uint8_t[]){ 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 }, 8);
    put_ipv4(&s, 17, 5, 8, 0);
    put_udp(&s, 1000, 2000);
    extract(&s, &k);
    assert_int_equal(k.dl_type, htons(0x0800));
    assert_int_equal(k.nw_proto, 17);
    assert_int_equal(k.tp_dst, htons(2000));
    /* SNAP header cut short: no type. */
    extract_len(&s, 14 + 7, &k);
    assert_int_equal(k.dl_type, htons(0x05ff));
}

static void test_vlan(void **state)
{
    (void)state;
    struct frame f = { .n = 0 };
    put_eth(&f, 0x8100);
    put16(&f, (5 << 13) | 10);
    put16(&f, 0x0800);
    put_ipv4(&f, 17, 5, 8, 0);
    put_udp(&f, 53, 53);
    struct flow_key k;
    extract(&f, &k);
    assert_int_equal(k.vlans[0].tpid, htons(0x8100));
    assert_int_equal(k.vlans[0].tci, htons(0xa000 | 0x1000 | 10));
    assert_int_equal(k.vlans[1].tci, 0);
    assert_int_equal(k.dl_type, htons(0x0800));
    assert_int_equal(k.nw_src, ip4(10, 0, 0, 1));
    assert_int_equal(k.tp_src, htons(53));

    /* Tag cut short: 5 bytes after the MACs, then 6 without the IP. */
    extract_len(&f, 17, &k);
    assert_int_equal(k.vlans[0].tci, 0);
    assert_int_equal(k.dl_type, htons(0x8100));
    extract_len(&f, 18, &k);
    assert_int_equal(k.vlans[0].tci, htons(0xa000 | 0x1000 | 10));
    assert_int_equal(k.dl_type, htons(0x0800));
    assert_no_l3(&k);
}

static void test_qinq(void **state)
{
    (void)state;
    struct frame f = { .n = 0 };
    put_eth(&f, 0x88a8);
    put16(&f, 100);
    put16(&f, 0x8100);
    put16(&f, (1 << 13) | 200);
    put16(&f, 0x86dd);
    put_ipv6(&f, 17, 8);
    put_udp(&f, 1, 2);
    struct flow_key k;
    extract(&f, &k);
    assert_int_equal(k.vlans[0].tpid, htons(0x88a8));
    assert_int_equal(k.vlans[0].tci, htons(0x1000 | 100));
    assert_int_equal(k.vlans[1].tpid, htons(0x8100));
    assert_int_equal(k.vlans[1].tci, htons(0x2000 | 0x1000 | 200));
    assert_int_equal(k.dl_type, htons(0x86dd));
    assert_int_equal(k.nw_proto, 17);
    assert_int_equal(k.tp_dst, htons(2));

    /* A third tag is left unparsed: its TPID is the type. */
    struct frame t = { .n = 0 };
    put_eth(&t, 0x8100);
    put16(&t, 1);
    put16(&t, 0x8100);
    put16(&t, 2);
    put16(&t, 0x8100);
    put16(&t, 3);
    put16(&t, 0x0800);
    extract(&t, &k);
    assert_int_equal(k.vlans[1].tci, htons(0x1000 | 2));
    assert_int_equal(k.dl_type, htons(0x8100));
    assert_no_l3(&k);
}

/* ---------------------------------------------------------------------------
 * ARP. */

static void build_arp(struct frame *f, uint16_t op, uint8_t hln)
{
    put_eth(f, 0x0806);
    put16(f, 1);
    put16(f, 0x0800);
    put8(f, hln);
    put8(f, 4);
    put16(f, op);
    put_bytes(f, MAC_SRC, 6);
    put32(f, 0x0a000001);
    put_zeros(f, 6);
    put32(f, 0x0a000002);
}

static void test_arp(void **state)
{
    (void)state;
    struct frame f = { .n = 0 };
    build_arp(&f, 1, 6);
    struct flow_key k;
    extract(&f, &k);
    assert_int_equal(k.nw_proto, 1);
    assert_int_equal(k.nw_src, ip4(10, 0, 0, 1));
    assert_int_equal(k.nw_dst, ip4(10, 0, 0, 2));
    assert_memory_equal(k.arp_sha.ea, MAC_SRC, 6);
    static const uint8_t zero[6];
    assert_memory_equal(k.arp_tha.ea, zero, 6);

    extract_len(&f, f.n - 1, &k);      /* ARP short */
    assert_int_equal(k.dl_type, htons(0x0806));
    assert_no_l3(&k);

    struct frame big = { .n = 0 };
    build_arp(&big, 0x101, 6);         /* opcode > 255: op reads 0 */
    extract(&big, &k);
    assert_int_equal(k.nw_proto, 0);
    assert_int_equal(k.nw_src, ip4(10, 0, 0, 1));

    struct frame bad = { .n = 0 };
    build_arp(&bad, 2, 8);             /* not Ethernet/IPv4 sizes */
    extract(&bad, &k);
    assert_no_l3(&k);
}

/* ---------------------------------------------------------------------------
 * IPv4. */

static void test_ipv4_tcp(void **state)
{
    (void)state;
    struct frame f = { .n = 0 };
    put_eth(&f, 0x0800);
    put_ipv4(&f, 6, 7, 20, 0x4000);    /* DF, 8 bytes of options */
    put_tcp(&f, 40000, 80, 0x112);     /* NS|ACK|SYN */
    struct flow_key k;
    extract(&f, &k);
    assert_int_equal(k.nw_src, ip4(10, 0, 0, 1));
    assert_int_equal(k.nw_dst, ip4(10, 0, 0, 2));
    assert_int_equal(k.nw_proto, 6);
    assert_int_equal(k.nw_tos, 0x2e);
    assert_int_equal(k.nw_ttl, 64);
    assert_int_equal(k.nw_frag, 0);
    assert_int_equal(k.tp_src, htons(40000));
    assert_int_equal(k.tp_dst, htons(80));
    assert_int_equal(k.tcp_flags, htons(0x112));

    /* TCP short: L3 set, no ports. */
    extract_len(&f, f.n - 1, &k);
    assert_int_equal(k.dl_type, htons(0x0800));
    assert_no_l3(&k);                  /* tot_len now exceeds the frame */
}

static void test_ipv4_malformed(void **state)
{
    (void)state;
    struct frame f = { .n = 0 };
    put_eth(&f, 0x0800);
    put_ipv4(&f, 17, 5, 8, 0);
    put_udp(&f, 1, 2);
    struct flow_key k;

    extract_len(&f, 14 + 19, &k);      /* IPv4 short */
    assert_int_equal(k.dl_type, htons(0x0800));
    assert_no_l3(&k);

    struct frame g = f;
    g.b[14] = 0x44;                    /* IHL 4 < 5 */
    extract(&g, &k);
    assert_no_l3(&k);
    g.b[14] = 0x4f;                    /* IHL 15: 60 bytes > frame */
    extract(&g, &k);
    assert_no_l3(&k);

    g = f;
    g.b[16] = 0, g.b[17] = 19;         /* tot_len < IHL */
    extract(&g, &k);
    assert_no_l3(&k);
    g.b[16] = 0x05, g.b[17] = 0xdc;    /* tot_len > frame */
    extract(&g, &k);
    assert_no_l3(&k);

    /* tot_len 24 cuts UDP to 4 bytes; the rest of the frame is padding. */
    g = f;
    g.b[16] = 0, g.b[17] = 24;
    extract(&g, &k);
    assert_int_equal(k.nw_proto, 17);
    assert_int_equal(k.nw_src, ip4(10, 0, 0, 1));
    assert_no_l4(&k);
}

static void test_ipv4_l4_short(void **state)
{
    (void)state;
    static const struct {
        uint8_t proto;
        size_t need;
    } cases[] = { { 6, 20 }, { 17, 8 }, { 132, 12 }, { 1, 8 } };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        for (size_t have = cases[i].need - 1; have <= cases[i].need; have++) {
            struct frame f = { .n = 0 };
            put_eth(&f, 0x0800);
            put_ipv4(&f, cases[i].proto, 5, have, 0);
            put8(&f, 8);               /* ICMP type 8 / port 0x08.. */
            put8(&f, 3);
            put8(&f, 0);
            put8(&f, 9);
            put_zeros(&f, have - 4);
            if (cases[i].proto == 6) {
                /* A data offset of 5 words: OVS keys no TCP fields for an
                 * offset below 5 (see test_tcp_bad_data_offset). */
                f.b[14 + 20 + 12] = 0x50;
                f.b[14 + 20 + 13] = 0x02;  /* SYN */
            }
            struct flow_key k;
            extract(&f, &k);
            assert_int_equal(k.nw_proto, cases[i].proto);
            if (have < cases[i].need) {
                assert_no_l4(&k);
            } else if (cases[i].proto == 1) {
                assert_int_equal(k.tp_src, htons(8));
                assert_int_equal(k.tp_dst, htons(3));
            } else {
                assert_int_equal(k.tp_src, htons(0x0803));
                assert_int_equal(k.tp_dst, htons(9));
                assert_int_equal(k.tcp_flags,
                                 cases[i].proto == 6 ? htons(0x002) : 0);
            }
        }
    }
}

static void test_ipv4_fragments(void **state)
{
    (void)state;
    struct flow_key k;
    struct frame first = { .n = 0 };
    put_eth(&first, 0x0800);
    put_ipv4(&first, 17, 5, 8, 0x2000);    /* MF */
    put_udp(&first, 7, 9);
    extract(&first, &k);
    assert_int_equal(k.nw_frag, FLOW_NW_FRAG_ANY);
    assert_int_equal(k.tp_dst, htons(9));

    struct frame later = { .n = 0 };
    put_eth(&later, 0x0800);
    put_ipv4(&later, 17, 5, 8, 0x0010);    /* offset 128, last */
    put_udp(&later, 7, 9);
    extract(&later, &k);
    assert_int_equal(k.nw_frag, FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER);
    assert_int_equal(k.nw_proto, 17);
    assert_no_l4(&k);
}

/* ---------------------------------------------------------------------------
 * IPv6. */

static void test_ipv6_ext_headers(void **state)
{
    (void)state;
    struct frame f = { .n = 0 };
    put_eth(&f, 0x86dd);
    put_ipv6(&f, 0, 8 + 16 + 8 + 12 + 20);
    put8(&f, 43), put8(&f, 0), put_zeros(&f, 6);          /* hop-by-hop */
    put8(&f, 60), put8(&f, 1), put_zeros(&f, 14);         /* routing, 16 */
    put8(&f, 51), put8(&f, 0), put_zeros(&f, 6);          /* dest opts */
    put8(&f, 6), put8(&f, 1), put_zeros(&f, 10);          /* AH, 12 */
    put_tcp(&f, 22, 5555, 0x018);
    struct flow_key k;
    extract(&f, &k);
    uint8_t src[16] = { 0xfe, 0x80, [15] = 1 };
    assert_memory_equal(k.ipv6_src, src, 16);
    assert_int_equal(k.ipv6_label, htonl(0x12345));
    assert_int_equal(k.nw_tos, 0xa8);
    assert_int_equal(k.nw_ttl, 255);
    assert_int_equal(k.nw_proto, 6);
    assert_int_equal(k.tp_src, htons(22));
    assert_int_equal(k.tcp_flags, htons(0x018));

    /* Extension header short: addresses only (as OVS). */
    struct frame g = { .n = 0 };
    put_eth(&g, 0x86dd);
    put_ipv6(&g, 0, 8);
    put8(&g, 60), put8(&g, 1), put_zeros(&g, 6);  /* claims 16 bytes */
    extract(&g, &k);
    assert_memory_equal(k.ipv6_src, src, 16);
    assert_int_equal(k.nw_proto, 0);
    assert_int_equal(k.nw_ttl, 0);
    assert_int_equal(k.ipv6_label, 0);

    extract_len(&f, 14 + 39, &k);                 /* IPv6 short */
    assert_no_l3(&k);
    extract_len(&f, f.n - 1, &k);                 /* plen > frame */
    assert_no_l3(&k);
}

static void build_ipv6_frag(struct frame *f, uint16_t offlg)
{
    put_eth(f, 0x86dd);
    put_ipv6(f, 44, 8 + 8);
    put8(f, 17), put8(f, 0), put16(f, offlg), put32(f, 99);
    put_udp(f, 10, 20);
}

static void test_ipv6_fragments(void **state)
{
    (void)state;
    struct flow_key k;
    struct frame first = { .n = 0 };
    build_ipv6_frag(&first, 0x0001);               /* M, offset 0 */
    extract(&first, &k);
    assert_int_equal(k.nw_frag, FLOW_NW_FRAG_ANY);
    assert_int_equal(k.nw_proto, 17);
    assert_int_equal(k.tp_dst, htons(20));

    struct frame later = { .n = 0 };
    build_ipv6_frag(&later, 0x0100);               /* offset 32 */
    extract(&later, &k);
    assert_int_equal(k.nw_frag, FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER);
    assert_int_equal(k.nw_proto, 44);              /* as OVS */
    assert_no_l4(&k);

    struct frame atomic = { .n = 0 };
    build_ipv6_frag(&atomic, 0);                   /* not a fragment */
    extract(&atomic, &k);
    assert_int_equal(k.nw_frag, 0);
    assert_int_equal(k.tp_src, htons(10));
}

/* ICMPv6 of `type`/`code` with target and the given options bytes. */
static void build_nd(struct frame *f, uint8_t type, uint8_t code,
                     const uint8_t *opts, size_t opts_len)
{
    put_eth(f, 0x86dd);
    put_ipv6(f, 58, 8 + 16 + opts_len);
    put8(f, type), put8(f, code), put16(f, 0), put32(f, 0);
    uint8_t target[16] = { 0xfe, 0x80, [15] = 9 };
    put_bytes(f, target, 16);
    put_bytes(f, opts, opts_len);
}

static void test_icmpv6_nd(void **state)
{
    (void)state;
    static const uint8_t target[16] = { 0xfe, 0x80, [15] = 9 };
    static const uint8_t zero[16];
    const uint8_t sll[8] = { 1, 1, 0x56, 0xcb, 0x59, 0x98, 0xde, 0x47 };
    const uint8_t tll[8] = { 2, 1, 0xf6, 0x95, 0x11, 0xc3, 0xf6, 0x81 };
    struct flow_key k;

    struct frame ns = { .n = 0 };
    build_nd(&ns, 135, 0, sll, 8);
    extract(&ns, &k);
    assert_int_equal(k.tp_src, htons(135));
    assert_int_equal(k.tp_dst, 0);
    assert_memory_equal(k.nd_target, target, 16);
    assert_memory_equal(k.arp_sha.ea, MAC_SRC, 6);
    assert_memory_equal(k.arp_tha.ea, zero, 6);

    uint8_t both[16];
    memcpy(both, tll, 8);
    memcpy(both + 8, sll, 8);
    struct frame na = { .n = 0 };
    build_nd(&na, 136, 0, both, 16);
    extract(&na, &k);
    assert_memory_equal(k.arp_sha.ea, MAC_SRC, 6);
    assert_memory_equal(k.arp_tha.ea, MAC_DST, 6);

    /* Option of length 0: stop, keep the target. */
    uint8_t zero_len[16];
    memcpy(zero_len, sll, 8);
    zero_len[1] = 0;
    memcpy(zero_len + 8, tll, 8);
    struct frame bad = { .n = 0 };
    build_nd(&bad, 136, 0, zero_len, 16);
    extract(&bad, &k);
    assert_memory_equal(k.nd_target, target, 16);
    assert_memory_equal(k.arp_sha.ea, zero, 6);
    assert_memory_equal(k.arp_tha.ea, zero, 6);

    /* Option longer than what is left: stop after the ones before it. */
    uint8_t long_opt[16];
    memcpy(long_opt, sll, 8);
    memcpy(long_opt + 8, tll, 8);
    long_opt[9] = 3;
    struct frame cut = { .n = 0 };
    build_nd(&cut, 135, 0, long_opt, 16);
    extract(&cut, &k);
    assert_memory_equal(k.arp_sha.ea, MAC_SRC, 6);
    assert_memory_equal(k.arp_tha.ea, zero, 6);

    /* Two SLL options: invalid ND, no ND fields, type still set. */
    uint8_t twice[16];
    memcpy(twice, sll, 8);
    memcpy(twice + 8, sll, 8);
    struct frame dup = { .n = 0 };
    build_nd(&dup, 135, 0, twice, 16);
    extract(&dup, &k);
    assert_int_equal(k.tp_src, htons(135));
    assert_memory_equal(k.nd_target, zero, 16);
    assert_memory_equal(k.arp_sha.ea, zero, 6);

    /* Target cut short: type and code only. */
    struct frame short_nd = { .n = 0 };
    put_eth(&short_nd, 0x86dd);
    put_ipv6(&short_nd, 58, 8 + 8);
    put8(&short_nd, 135), put8(&short_nd, 0), put_zeros(&short_nd, 14);
    extract(&short_nd, &k);
    assert_int_equal(k.tp_src, htons(135));
    assert_memory_equal(k.nd_target, zero, 16);

    /* Router solicitation and code != 0: no ND fields. */
    struct frame rs = { .n = 0 };
    build_nd(&rs, 133, 0, sll, 8);
    extract(&rs, &k);
    assert_int_equal(k.tp_src, htons(133));
    assert_memory_equal(k.nd_target, zero, 16);
    assert_memory_equal(k.arp_sha.ea, zero, 6);
    struct frame code1 = { .n = 0 };
    build_nd(&code1, 135, 1, sll, 8);
    extract(&code1, &k);
    assert_int_equal(k.tp_dst, htons(1));
    assert_memory_equal(k.nd_target, zero, 16);

    /* ICMPv6 header short. */
    extract_len(&ns, 14 + 40 + 7, &k);
    assert_no_l3(&k);                  /* plen exceeds the frame */
}

/* ---------------------------------------------------------------------------
 * What OVS 3.1's ofproto/trace showed differently (test_flow_key_ovs.py
 * compares whole corpora; these pin each fix). */

/* OVS's other_config:vlan-limit: with 1 (vswitchd's default, as OVS's) the
 * inner tag of QinQ stays in the frame and its TPID is dl_type. */
static void test_vlan_limit(void **state)
{
    (void)state;
    struct frame f = { .n = 0 };
    put_eth(&f, 0x88a8);
    put16(&f, 100);
    put16(&f, 0x8100);
    put16(&f, 200);
    put16(&f, 0x0800);
    put_ipv4(&f, 17, 5, 8, 0);
    put_udp(&f, 1, 2);
    struct flow_key k;
    assert_int_equal(flow_key_vlan_limit(), FLOW_MAX_VLANS);
    flow_key_set_vlan_limit(1);
    assert_int_equal(flow_key_vlan_limit(), 1);
    extract(&f, &k);
    assert_int_equal(k.vlans[0].tci, htons(0x1000 | 100));
    assert_int_equal(k.vlans[1].tci, 0);
    assert_int_equal(k.vlans[1].tpid, 0);
    assert_int_equal(k.dl_type, htons(0x8100));
    assert_no_l3(&k);

    /* One tag is parsed as before. */
    struct frame one = { .n = 0 };
    put_eth(&one, 0x8100);
    put16(&one, 7);
    put16(&one, 0x0800);
    put_ipv4(&one, 17, 5, 8, 0);
    put_udp(&one, 1, 2);
    extract(&one, &k);
    assert_int_equal(k.vlans[0].tci, htons(0x1000 | 7));
    assert_int_equal(k.tp_dst, htons(2));

    flow_key_set_vlan_limit(0);                /* back to the default */
    assert_int_equal(flow_key_vlan_limit(), FLOW_MAX_VLANS);
    flow_key_set_vlan_limit(5);
    assert_int_equal(flow_key_vlan_limit(), FLOW_MAX_VLANS);
    extract(&f, &k);
    assert_int_equal(k.vlans[1].tci, htons(0x1000 | 200));
    assert_int_equal(k.dl_type, htons(0x0800));
}

static uint32_t lse(uint32_t label, uint32_t tc, bool bos, uint8_t ttl)
{
    return label << 12 | tc << 9 | (bos ? 0x100u : 0) | ttl;
}

/* MPLS: the first three entries up to the bottom of stack, L3 after the
 * whole stack, no L3 fields. */
static void test_mpls(void **state)
{
    (void)state;
    struct flow_key k;
    struct dp_packet p;
    uint8_t buf[256];

    struct frame one = { .n = 0 };
    put_eth(&one, 0x8847);
    put32(&one, lse(100, 3, true, 64));
    put_ipv4(&one, 17, 5, 8, 0);
    put_udp(&one, 1, 2);
    extract(&one, &k);
    assert_int_equal(k.dl_type, htons(0x8847));
    assert_int_equal(k.mpls_lse[0], htonl(lse(100, 3, true, 64)));
    assert_int_equal(k.mpls_lse[1], 0);
    assert_int_equal(k.nw_src, 0);
    assert_int_equal(k.nw_proto, 0);
    assert_int_equal(k.tp_src, 0);
    memcpy(buf, one.b, one.n);
    memset(&p, 0, sizeof p);
    p.base = buf, p.size = sizeof buf, p.len = (uint32_t)one.n;
    flow_key_extract(&p, &k);
    assert_int_equal(p.l3_ofs, 18);
    assert_int_equal(p.l4_ofs, DP_PACKET_OFS_NONE);

    /* Four entries: three kept, L3 after the fourth. */
    struct frame four = { .n = 0 };
    put_eth(&four, 0x8848);
    put32(&four, lse(1, 0, false, 1));
    put32(&four, lse(2, 1, false, 2));
    put32(&four, lse(3, 2, false, 3));
    put32(&four, lse(4, 3, true, 4));
    put_ipv4(&four, 17, 5, 8, 0);
    extract(&four, &k);
    assert_int_equal(k.mpls_lse[0], htonl(lse(1, 0, false, 1)));
    assert_int_equal(k.mpls_lse[1], htonl(lse(2, 1, false, 2)));
    assert_int_equal(k.mpls_lse[2], htonl(lse(3, 2, false, 3)));
    assert_int_equal(k.pad4, 0);
    memcpy(buf, four.b, four.n);
    p.len = (uint32_t)four.n;
    flow_key_extract(&p, &k);
    assert_int_equal(p.l3_ofs, 14 + 16);

    /* No bottom of stack, and a cut entry: what is whole counts. */
    struct frame nobos = { .n = 0 };
    put_eth(&nobos, 0x8847);
    put32(&nobos, lse(5, 0, false, 9));
    put16(&nobos, 0x1234);
    extract(&nobos, &k);
    assert_int_equal(k.mpls_lse[0], htonl(lse(5, 0, false, 9)));
    assert_int_equal(k.mpls_lse[1], 0);
    extract_len(&nobos, 17, &k);
    assert_int_equal(k.mpls_lse[0], 0);
    assert_int_equal(k.dl_type, htons(0x8847));

    /* The datapath syntax, as OVS's format_mpls, and back. */
    char text[512], err[128];
    struct frame two = { .n = 0 };
    put_eth(&two, 0x8847);
    put32(&two, lse(16, 1, false, 10));
    put32(&two, lse(17, 0, true, 11));
    extract(&two, &k);
    flow_key_format(&k, NULL, text, sizeof text);
    assert_non_null(strstr(text, ",eth_type(0x8847),mpls(label=16,tc=1,"
                           "ttl=10,bos=0,label=17,tc=0,ttl=11,bos=1)"));
    struct flow_key k2, m2, m;
    memset(&m, 0, sizeof m);
    m.mpls_lse[0] = htonl(0xfffff000);
    m.dl_type = UINT16_MAX;
    flow_key_format(&k, &m, text, sizeof text);
    assert_non_null(strstr(text, "eth_type(0x8847),mpls(label=16/0xfffff,"
                           "tc=0/0,ttl=0/0x0,bos=0/0)"));
    assert_int_equal(flow_key_parse(text, &k2, &m2, err, sizeof err), 0);
    assert_int_equal(m2.mpls_lse[0], m.mpls_lse[0]);
    assert_int_equal(k2.mpls_lse[0], htonl(lse(16, 0, false, 0)));
    assert_int_equal(flow_key_parse("eth_type(0x8847),mpls(label=1,label=2,"
                                    "label=3,label=4)", &k2, &m2, err,
                                    sizeof err), -1);
    assert_non_null(strstr(err, "more than 3"));
    assert_int_equal(flow_key_parse("eth_type(0x8847),mpls(exp=1)", &k2,
                                    &m2, err, sizeof err), -1);
    assert_int_equal(flow_key_parse("eth_type(0x8847),mpls(label=1048576)",
                                    &k2, &m2, err, sizeof err), -1);

    /* Not MPLS: the entries stay zero. */
    struct frame ip = { .n = 0 };
    put_eth(&ip, 0x0800);
    put_ipv4(&ip, 17, 5, 8, 0);
    put_udp(&ip, 1, 2);
    extract(&ip, &k);
    assert_int_equal(k.mpls_lse[0], 0);
}

/* IGMP: type and code in tp_src/tp_dst, as ICMP; 8 bytes needed; none in a
 * later fragment. */
static void test_igmp(void **state)
{
    (void)state;
    struct flow_key k;
    struct frame f = { .n = 0 };
    put_eth(&f, 0x0800);
    put_ipv4(&f, 2, 5, 8, 0);
    put8(&f, 0x16), put8(&f, 100), put16(&f, 0), put32(&f, 0xef010101);
    extract(&f, &k);
    assert_int_equal(k.nw_proto, 2);
    assert_int_equal(k.tp_src, htons(0x16));
    assert_int_equal(k.tp_dst, htons(100));

    struct frame s = { .n = 0 };
    put_eth(&s, 0x0800);
    put_ipv4(&s, 2, 5, 7, 0);
    put8(&s, 0x16), put8(&s, 100), put_zeros(&s, 5);
    assert_int_equal(flow_key_extract_error_of(&s), FLOW_KEY_L4_TOO_SHORT);
    extract(&s, &k);
    assert_no_l4(&k);

    struct frame later = { .n = 0 };
    put_eth(&later, 0x0800);
    put_ipv4(&later, 2, 5, 8, 4);
    put8(&later, 0x16), put8(&later, 100), put16(&later, 0);
    put32(&later, 0);
    extract(&later, &k);
    assert_int_equal(k.nw_frag, FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER);
    assert_no_l4(&k);
}

/* TCP: a data offset below 5 words or past the segment keys no TCP field
 * (OVS's miniflow_extract), though the 20 bytes are there. */
static void test_tcp_bad_data_offset(void **state)
{
    (void)state;
    static const struct {
        uint8_t doff;
        size_t extra;       /* bytes after the 20 */
        bool keyed;
    } cases[] = {
        { 0, 0, false }, { 4, 0, false }, { 5, 0, true }, { 6, 0, false },
        { 6, 4, true }, { 15, 39, false }, { 15, 40, true },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct frame f = { .n = 0 };
        put_eth(&f, 0x0800);
        put_ipv4(&f, 6, 5, 20 + cases[i].extra, 0);
        put_tcp(&f, 1000, 80, 0x012);
        f.b[14 + 20 + 12] = (uint8_t)(cases[i].doff << 4);
        put_zeros(&f, cases[i].extra);
        struct flow_key k;
        extract(&f, &k);
        assert_int_equal(k.nw_proto, 6);
        if (cases[i].keyed) {
            assert_int_equal(k.tp_src, htons(1000));
            assert_int_equal(k.tcp_flags, htons(0x012));
        } else {
            assert_int_equal(flow_key_extract_error_of(&f),
                             FLOW_KEY_L4_TOO_SHORT);
            assert_no_l4(&k);
        }
    }
}

/* L4 follows nw_proto whatever the IP version: ICMP in IPv6 has its type
 * and code, ICMPv6 ND in IPv4 its target and SLL (OVS keys them so). */
static void test_l4_by_proto_alone(void **state)
{
    (void)state;
    struct flow_key k;
    struct frame v6 = { .n = 0 };
    put_eth(&v6, 0x86dd);
    put_ipv6(&v6, 1, 8);
    put8(&v6, 8), put8(&v6, 0), put_zeros(&v6, 6);
    extract(&v6, &k);
    assert_int_equal(k.nw_proto, 1);
    assert_int_equal(k.tp_src, htons(8));

    static const uint8_t target[16] = { 0xfe, 0x80, [15] = 9 };
    struct frame v4 = { .n = 0 };
    put_eth(&v4, 0x0800);
    put_ipv4(&v4, 58, 5, 8 + 16 + 8, 0);
    put8(&v4, 135), put8(&v4, 0), put16(&v4, 0), put32(&v4, 0);
    put_bytes(&v4, target, 16);
    put8(&v4, 1), put8(&v4, 1), put_bytes(&v4, MAC_SRC, 6);
    extract(&v4, &k);
    assert_int_equal(k.nw_proto, 58);
    assert_int_equal(k.tp_src, htons(135));
    assert_memory_equal(k.nd_target, target, 16);
    assert_memory_equal(k.arp_sha.ea, MAC_SRC, 6);
}

/* ND options as OVS reads them: only 8-byte SLL/TLL options count, an
 * all-zero address counts as absent (so a second option may still set
 * it), other options are skipped, a repeated TLL voids the ND fields. */
static void test_nd_option_edges(void **state)
{
    (void)state;
    static const uint8_t target[16] = { 0xfe, 0x80, [15] = 9 };
    static const uint8_t zero[16];
    struct flow_key k;

    uint8_t sll16[16] = { 1, 2, 0x56, 0xcb, 0x59, 0x98, 0xde, 0x47 };
    struct frame f1 = { .n = 0 };
    build_nd(&f1, 135, 0, sll16, 16);
    extract(&f1, &k);
    assert_memory_equal(k.nd_target, target, 16);
    assert_memory_equal(k.arp_sha.ea, zero, 6);

    uint8_t zero_then[16] = { 1, 1, 0, 0, 0, 0, 0, 0,
                              1, 1, 0x56, 0xcb, 0x59, 0x98, 0xde, 0x47 };
    struct frame f2 = { .n = 0 };
    build_nd(&f2, 135, 0, zero_then, 16);
    extract(&f2, &k);
    assert_memory_equal(k.nd_target, target, 16);
    assert_memory_equal(k.arp_sha.ea, MAC_SRC, 6);

    uint8_t other_then[16] = { 14, 1, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
                               2, 1, 0xf6, 0x95, 0x11, 0xc3, 0xf6, 0x81 };
    struct frame f3 = { .n = 0 };
    build_nd(&f3, 136, 0, other_then, 16);
    extract(&f3, &k);
    assert_memory_equal(k.arp_tha.ea, MAC_DST, 6);
    assert_memory_equal(k.arp_sha.ea, zero, 6);

    uint8_t tll_twice[16] = { 2, 1, 0xf6, 0x95, 0x11, 0xc3, 0xf6, 0x81,
                              2, 1, 0xf6, 0x95, 0x11, 0xc3, 0xf6, 0x82 };
    struct frame f4 = { .n = 0 };
    build_nd(&f4, 136, 0, tll_twice, 16);
    extract(&f4, &k);
    assert_int_equal(k.tp_src, htons(136));
    assert_memory_equal(k.nd_target, zero, 16);
    assert_memory_equal(k.arp_tha.ea, zero, 6);

    /* An option cut after its header: the walk stops, keeping the SLL. */
    uint8_t sll_cut[12] = { 1, 1, 0x56, 0xcb, 0x59, 0x98, 0xde, 0x47,
                            2, 1, 0xf6, 0x95 };
    struct frame f5 = { .n = 0 };
    build_nd(&f5, 135, 0, sll_cut, 12);
    extract(&f5, &k);
    assert_memory_equal(k.nd_target, target, 16);
    assert_memory_equal(k.arp_sha.ea, MAC_SRC, 6);
    assert_memory_equal(k.arp_tha.ea, zero, 6);
}

static void test_metadata(void **state)
{
    (void)state;
    uint8_t buf[PACKET_HEADROOM + 64];
    struct dp_packet p;
    dp_packet_init(&p, buf, sizeof buf, PACKET_HEADROOM);
    struct frame f = { .n = 0 };
    put_eth(&f, 0x0806);
    assert_true(dp_packet_set_data(&p, f.b, (uint32_t)f.n));
    p.md.in_port = 3;
    p.md.pkt_mark = 0xabc;
    p.md.recirc_id = 9;
    p.md.tunnel.tun_id = htobe64(5);
    p.md.tunnel.ip_dst = ip4(2, 2, 2, 2);
    p.md.tunnel.flags = FLOW_TNL_F_KEY;
    struct flow_key k;
    flow_key_extract(&p, &k);
    assert_int_equal(k.in_port, 3);
    assert_int_equal(k.pkt_mark, 0xabc);
    assert_int_equal(k.recirc_id, 9);
    assert_memory_equal(&k.tunnel, &p.md.tunnel, sizeof k.tunnel);
}

/* Every prefix of every sample frame, and random bytes behind each
 * Ethernet type: no overread (ASan) and the same result twice. */
static void test_truncation_sweep(void **state)
{
    (void)state;
    struct frame samples[6];
    memset(samples, 0, sizeof samples);
    put_eth(&samples[0], 0x0800);
    put_ipv4(&samples[0], 6, 6, 20, 0);
    put_tcp(&samples[0], 1, 2, 0x10);
    build_arp(&samples[1], 2, 6);
    build_ipv6_frag(&samples[2], 1);
    const uint8_t opts[16] = { 1, 1, 1, 2, 3, 4, 5, 6, 2, 1, 6, 5, 4, 3, 2, 1 };
    build_nd(&samples[3], 136, 0, opts, 16);
    put_eth(&samples[4], 0x88a8);
    put16(&samples[4], 1), put16(&samples[4], 0x8100), put16(&samples[4], 2);
    put16(&samples[4], 0x0800);
    put_ipv4(&samples[4], 1, 5, 8, 0);
    put_zeros(&samples[4], 8);
    put_eth(&samples[5], 0x86dd);
    put_ipv6(&samples[5], 0, 8 + 8 + 4);
    put8(&samples[5], 44), put8(&samples[5], 0), put_zeros(&samples[5], 6);
    put8(&samples[5], 132), put8(&samples[5], 0), put_zeros(&samples[5], 6);
    put_zeros(&samples[5], 4);
    for (size_t s = 0; s < 6; s++) {
        for (size_t len = 0; len <= samples[s].n; len++) {
            struct flow_key a, b;
            extract_len(&samples[s], len, &a);
            extract_len(&samples[s], len, &b);
            assert_memory_equal(&a, &b, sizeof a);
        }
    }
    static const uint16_t types[] = { 0x0800, 0x86dd, 0x0806, 0x8100,
                                      0x88a8, 0x0030 };
    srand(12345);
    for (int round = 0; round < 3000; round++) {
        struct frame r = { .n = 0 };
        put_eth(&r, types[round % 6]);
        size_t extra = (size_t)rand() % 120;
        for (size_t i = 0; i < extra; i++) {
            put8(&r, (uint8_t)rand());
        }
        if (extra > 0 && (round & 1)) {
            r.b[14] = types[round % 6] == 0x0800 ? 0x45 : 0x60;
        }
        struct flow_key k;
        extract(&r, &k);
    }
}

/* ---------------------------------------------------------------------------
 * Masks, hash, compare, overlap. */

static void sample_key(struct flow_key *k)
{
    struct frame f = { .n = 0 };
    put_eth(&f, 0x0800);
    put_ipv4(&f, 6, 5, 20, 0);
    put_tcp(&f, 1234, 80, 0x002);
    extract(&f, k);
}

static void mask_ipv4_dst24(struct flow_key *m)
{
    memset(m, 0, sizeof *m);
    m->in_port = UINT32_MAX;
    m->dl_type = UINT16_MAX;
    m->nw_dst = htonl(0xffffff00);
    m->nw_frag = FLOW_NW_FRAG_MASK;
}

static void test_mask_hash_equal(void **state)
{
    (void)state;
    struct flow_key a, b, m, masked;
    sample_key(&a);
    b = a;
    mask_ipv4_dst24(&m);

    /* Differences outside the mask: equal, same hash. */
    b.tp_src = htons(999);
    b.nw_src = ip4(1, 2, 3, 4);
    b.nw_dst ^= htonl(0x7f);           /* last octet is wildcarded */
    assert_true(flow_key_equal_masked(&a, &b, &m));
    assert_int_equal(flow_key_hash_masked(&a, &m, 0),
                     flow_key_hash_masked(&b, &m, 0));
    flow_key_mask(&masked, &b, &m);
    assert_int_equal(flow_key_hash(&masked, 7),
                     flow_key_hash_masked(&a, &m, 7));
    assert_int_equal(masked.tp_src, 0);
    assert_int_equal(masked.nw_dst, ip4(10, 0, 0, 0));
    assert_int_equal(masked.in_port, 7);
    assert_true(flow_key_equal_masked(&masked, &a, &m));

    /* Any single bit inside the mask: not equal, and the hash changes. */
    uint8_t *bytes = (uint8_t *)&b, *mbytes = (uint8_t *)&m;
    int flipped = 0;
    for (size_t i = 0; i < sizeof b; i++) {
        for (int bit = 0; bit < 8; bit++) {
            if (!(mbytes[i] & (1u << bit))) {
                continue;
            }
            struct flow_key c = a;
            ((uint8_t *)&c)[i] ^= (uint8_t)(1u << bit);
            assert_false(flow_key_equal_masked(&a, &c, &m));
            assert_int_not_equal(flow_key_hash_masked(&a, &m, 0),
                                 flow_key_hash_masked(&c, &m, 0));
            flipped++;
        }
    }
    assert_int_equal(flipped, 32 + 16 + 24 + 2);
    (void)bytes;

    /* The basis matters, and the exact hash sees every bit. */
    assert_int_not_equal(flow_key_hash(&a, 0), flow_key_hash(&a, 1));
    struct flow_key c = a;
    c.tcp_flags ^= htons(1);
    assert_int_not_equal(flow_key_hash(&a, 0), flow_key_hash(&c, 0));
}

static void test_hash_spread(void **state)
{
    (void)state;
    /* Keys differing only in the source port fill 1024 buckets evenly. */
    enum { BUCKETS = 1024, KEYS = 64 * 1024 };
    static unsigned counts[BUCKETS];
    memset(counts, 0, sizeof counts);
    struct flow_key k, m;
    sample_key(&k);
    memset(&m, 0xff, sizeof m);
    for (uint32_t i = 0; i < KEYS; i++) {
        k.tp_src = htons((uint16_t)i);
        counts[flow_key_hash_masked(&k, &m, 0) % BUCKETS]++;
    }
    for (int i = 0; i < BUCKETS; i++) {
        assert_in_range(counts[i], 20, 110);   /* mean 64 */
    }
}

static void test_overlap(void **state)
{
    (void)state;
    struct flow_key k1, k2, m1, m2;
    sample_key(&k1);
    k2 = k1;
    mask_ipv4_dst24(&m1);
    memset(&m2, 0, sizeof m2);
    m2.tp_dst = UINT16_MAX;

    /* Different fields matched: some packet matches both. */
    assert_true(flow_key_overlap(&k1, &m1, &k2, &m2));
    k2.nw_dst = ip4(192, 168, 0, 1);   /* outside m2: still overlapping */
    assert_true(flow_key_overlap(&k1, &m1, &k2, &m2));
    /* Same field, disagreeing where both masks care: disjoint. */
    m2.nw_dst = htonl(0xff000000);
    assert_false(flow_key_overlap(&k1, &m1, &k2, &m2));
    assert_false(flow_key_overlap(&k2, &m2, &k1, &m1));
    /* Agreeing on the common bits: overlapping. */
    k2.nw_dst = ip4(10, 9, 9, 9);
    assert_true(flow_key_overlap(&k1, &m1, &k2, &m2));
    k2.tp_dst = htons(81);             /* only m2 looks at the port */
    assert_true(flow_key_overlap(&k1, &m1, &k2, &m2));
    m1.tp_dst = htons(0x00ff);         /* now both look at its low byte */
    assert_false(flow_key_overlap(&k1, &m1, &k2, &m2));
    k2.tp_dst = htons(0x1250);         /* 80 in the low byte again */
    assert_true(flow_key_overlap(&k1, &m1, &k2, &m2));
    /* A key always overlaps itself; the empty mask overlaps everything. */
    assert_true(flow_key_overlap(&k1, &m1, &k1, &m1));
    struct flow_key none;
    memset(&none, 0, sizeof none);
    assert_true(flow_key_overlap(&k1, &none, &k2, &m2));
}

/* ---------------------------------------------------------------------------
 * Text format. */

static void assert_format(const struct flow_key *k, const struct flow_key *m,
                          const char *expected)
{
    char buf[1024];
    int n = flow_key_format(k, m, buf, sizeof buf);
    assert_string_equal(buf, expected);
    assert_int_equal(n, (int)strlen(expected));
}

static void test_format_exact(void **state)
{
    (void)state;
    struct frame f = { .n = 0 };
    put_eth(&f, 0x0800);
    put_ipv4(&f, 1, 5, 8, 0);
    put8(&f, 8), put8(&f, 0), put_zeros(&f, 6);
    f.b[15] = 0;                       /* tos 0 */
    struct flow_key k;
    extract(&f, &k);
    k.in_port = 2;
    assert_format(&k, NULL,
                  "recirc_id(0),in_port(2),eth(src=56:cb:59:98:de:47,"
                  "dst=f6:95:11:c3:f6:81),eth_type(0x0800),ipv4(src=10.0.0.1,"
                  "dst=10.0.0.2,proto=1,tos=0,ttl=64,frag=no),"
                  "icmp(type=8,code=0)");

    struct frame arp = { .n = 0 };
    build_arp(&arp, 1, 6);
    extract(&arp, &k);
    assert_format(&k, NULL,
                  "recirc_id(0),in_port(7),eth(src=56:cb:59:98:de:47,"
                  "dst=f6:95:11:c3:f6:81),eth_type(0x0806),arp(sip=10.0.0.1,"
                  "tip=10.0.0.2,op=1,sha=56:cb:59:98:de:47,"
                  "tha=00:00:00:00:00:00)");

    struct frame v = { .n = 0 };
    put_eth(&v, 0x8100);
    put16(&v, 10);
    put16(&v, 0x0800);
    put_ipv4(&v, 6, 5, 20, 0x2000);
    put_tcp(&v, 1, 2, 0x012);
    extract(&v, &k);
    k.pkt_mark = 5;
    k.recirc_id = 1;
    k.tunnel.tun_id = htobe64(5);
    k.tunnel.ip_src = ip4(1, 1, 1, 1);
    k.tunnel.ip_dst = ip4(2, 2, 2, 2);
    k.tunnel.ip_ttl = 64;
    k.tunnel.flags = FLOW_TNL_F_KEY;
    assert_format(&k, NULL,
                  "tunnel(tun_id=0x5,src=1.1.1.1,dst=2.2.2.2,ttl=64,"
                  "flags(key)),skb_mark(0x5),recirc_id(0x1),in_port(7),"
                  "eth(src=56:cb:59:98:de:47,dst=f6:95:11:c3:f6:81),"
                  "eth_type(0x8100),vlan(vid=10,pcp=0),encap(eth_type(0x0800),"
                  "ipv4(src=10.0.0.1,dst=10.0.0.2,proto=6,tos=0x2e,ttl=64,"
                  "frag=first),tcp(src=1,dst=2),tcp_flags(syn|ack))");

    const uint8_t sll[8] = { 1, 1, 0x56, 0xcb, 0x59, 0x98, 0xde, 0x47 };
    struct frame ns = { .n = 0 };
    build_nd(&ns, 135, 0, sll, 8);
    extract(&ns, &k);
    assert_format(&k, NULL,
                  "recirc_id(0),in_port(7),eth(src=56:cb:59:98:de:47,"
                  "dst=f6:95:11:c3:f6:81),eth_type(0x86dd),ipv6(src=fe80::1,"
                  "dst=2001:db8::2,label=0x12345,proto=58,tclass=0xa8,"
                  "hlimit=255,frag=no),icmpv6(type=135,code=0),"
                  "nd(target=fe80::9,sll=56:cb:59:98:de:47,"
                  "tll=00:00:00:00:00:00)");

    /* A tag cut short, and an 802.3 frame. */
    extract_len(&v, 17, &k);
    assert_format(&k, NULL,
                  "recirc_id(0),in_port(7),eth(src=56:cb:59:98:de:47,"
                  "dst=f6:95:11:c3:f6:81),eth_type(0x8100),"
                  "vlan(vid=0,pcp=0,cfi=0),encap()");
    struct frame llc = { .n = 0 };
    put_eth(&llc, 0x0030);
    put_zeros(&llc, 0x30);
    extract(&llc, &k);
    assert_format(&k, NULL,
                  "recirc_id(0),in_port(7),eth(src=56:cb:59:98:de:47,"
                  "dst=f6:95:11:c3:f6:81)");
}

static void test_format_masked(void **state)
{
    (void)state;
    struct flow_key k, m;
    sample_key(&k);
    k.in_port = 2;
    mask_ipv4_dst24(&m);
    m.recirc_id = UINT32_MAX;
    m.nw_src = htonl(0xffffff00);
    m.nw_dst = 0;
    assert_format(&k, &m,
                  "recirc_id(0),in_port(2),eth(),eth_type(0x0800),"
                  "ipv4(src=10.0.0.0/255.255.255.0,frag=no)");

    memset(&m, 0, sizeof m);
    m.in_port = 0xff;
    memset(&m.dl_src, 0xff, 6);
    m.dl_dst.ea[0] = 0x01;
    m.dl_type = UINT16_MAX;
    m.nw_proto = 0xff;
    m.tp_dst = htons(0xff00);
    m.tcp_flags = htons(0x012);
    m.tunnel.flags = FLOW_TNL_F_KEY | FLOW_TNL_F_DONT_FRAGMENT;
    m.tunnel.ip_dst = UINT32_MAX;
    k.tunnel.flags = FLOW_TNL_F_KEY;
    k.tunnel.ip_dst = ip4(2, 2, 2, 2);
    assert_format(&k, &m,
                  "tunnel(dst=2.2.2.2,flags(-df+key)),"
                  "in_port(2/0xff),eth(src=56:cb:59:98:de:47,"
                  "dst=00:00:00:00:00:00/01:00:00:00:00:00),eth_type(0x0800),"
                  "ipv4(proto=6),tcp(dst=0/0xff00),tcp_flags(+syn-ack)");
}

/* Keys from many kinds of frames, for the round trips. */
static size_t corpus(struct flow_key *keys, size_t max)
{
    struct frame f[13];
    memset(f, 0, sizeof f);
    size_t n = 0;
    put_eth(&f[n], 0x0800), put_ipv4(&f[n], 6, 6, 20, 0),
        put_tcp(&f[n], 4000, 443, 0x0fff), n++;
    put_eth(&f[n], 0x0800), put_ipv4(&f[n], 17, 5, 8, 0x0020),
        put_udp(&f[n], 1, 2), n++;
    put_eth(&f[n], 0x0800), put_ipv4(&f[n], 132, 5, 12, 0x2000),
        put_udp(&f[n], 3, 4), put32(&f[n], 0), n++;
    build_arp(&f[n++], 2, 6);
    build_ipv6_frag(&f[n++], 0x0001);
    build_ipv6_frag(&f[n++], 0x0800);
    const uint8_t opts[16] = { 2, 1, 1, 2, 3, 4, 5, 6, 1, 1, 6, 5, 4, 3, 2, 1 };
    build_nd(&f[n++], 136, 0, opts, 16);
    put_eth(&f[n], 0x88a8), put16(&f[n], 0xe00a), put16(&f[n], 0x8100),
        put16(&f[n], 0x2fff), put16(&f[n], 0x0806), n++;
    put_eth(&f[n], 0x8100), put16(&f[n], 0x0001), n++;  /* cut short */
    put_eth(&f[n], 0x0030), put_zeros(&f[n], 0x30), n++;
    put_eth(&f[n], 0x1234), n++;
    put_eth(&f[n], 0x8847), put32(&f[n], lse(16, 1, false, 10)),
        put32(&f[n], lse(0xfffff, 7, true, 255)), n++;
    assert_true(n <= max);
    for (size_t i = 0; i < n; i++) {
        extract(&f[i], &keys[i]);
        keys[i].in_port = (uint32_t)i * 1000;
    }
    keys[0].pkt_mark = 0xdeadbeef;
    keys[1].recirc_id = 77;
    keys[2].tunnel.tun_id = htobe64(0xabcdef);
    keys[2].tunnel.ip_src = ip4(1, 1, 1, 1);
    keys[2].tunnel.ip_dst = ip4(2, 2, 2, 2);
    keys[2].tunnel.ip_tos = 0x10;
    keys[2].tunnel.ip_ttl = 63;
    keys[2].tunnel.tp_src = htons(50000);
    keys[2].tunnel.tp_dst = htons(4789);
    keys[2].tunnel.flags = FLOW_TNL_F_KEY | FLOW_TNL_F_CSUM;
    return n;
}

static void round_trip(const struct flow_key *k, const struct flow_key *m)
{
    char text[1024], err[128];
    flow_key_format(k, m, text, sizeof text);
    struct flow_key k2, m2;
    if (flow_key_parse(text, &k2, m ? &m2 : NULL, err, sizeof err)) {
        fail_msg("parse of '%s' failed: %s", text, err);
    }
    struct flow_key want = *k;
    if (m) {
        flow_key_mask(&want, k, m);
        if (memcmp(&m2, m, sizeof *m)) {
            char again[1024];
            flow_key_format(&k2, &m2, again, sizeof again);
            fail_msg("mask differs after '%s' -> '%s'", text, again);
        }
    }
    char again[1024];
    flow_key_format(&k2, m ? &m2 : NULL, again, sizeof again);
    if (memcmp(&k2, &want, sizeof want)) {
        fail_msg("key differs after '%s' -> '%s'", text, again);
    }
    assert_string_equal(again, text);
}

/* The fields the text format carries for key `k`: the metadata, Ethernet,
 * the tags, and the L3/L4 fields of k's protocols.  A mask inside these
 * (and in the shape the datapath uses, see shape_mask) round-trips exactly. */
static void relevant_fields(const struct flow_key *k, struct flow_key *r)
{
    memset(r, 0, sizeof *r);
    memset(&r->tunnel, 0xff, sizeof r->tunnel);
    r->tunnel.flags = FLOW_TNL_F_KEY | FLOW_TNL_F_DONT_FRAGMENT
                      | FLOW_TNL_F_CSUM;
    r->in_port = r->pkt_mark = r->recirc_id = UINT32_MAX;
    memset(&r->dl_src, 0xff, 6);
    memset(&r->dl_dst, 0xff, 6);
    r->dl_type = UINT16_MAX;
    for (int i = 0; i < FLOW_MAX_VLANS && k->vlans[i].tci; i++) {
        r->vlans[i].tpid = r->vlans[i].tci = UINT16_MAX;
    }
    bool ip = false, ipv6 = false;
    switch (ntohs(k->dl_type)) {
    case 0x8847:
    case 0x8848:
        for (int i = 0; i < FLOW_MAX_MPLS_LABELS; i++) {
            r->mpls_lse[i] = UINT32_MAX;
            if (k->mpls_lse[i] & htonl(0x100)) {
                break;
            }
        }
        return;
    case 0x0806:
        r->nw_src = r->nw_dst = UINT32_MAX;
        r->nw_proto = 0xff;
        memset(&r->arp_sha, 0xff, 6);
        memset(&r->arp_tha, 0xff, 6);
        return;
    case 0x86dd:
        memset(r->ipv6_src, 0xff, 16);
        memset(r->ipv6_dst, 0xff, 16);
        r->ipv6_label = htonl(0xfffff);
        ipv6 = true;
        /* fall through */
    case 0x0800:
        if (!ipv6) {
            r->nw_src = r->nw_dst = UINT32_MAX;
        }
        r->nw_proto = r->nw_tos = r->nw_ttl = 0xff;
        r->nw_frag = FLOW_NW_FRAG_MASK;
        ip = true;
        break;
    default:
        return;
    }
    if (!ip || (k->nw_frag & FLOW_NW_FRAG_LATER)) {
        return;
    }
    switch (k->nw_proto) {
    case 6:
        r->tcp_flags = htons(0x0fff);
        /* fall through */
    case 17:
    case 132:
        r->tp_src = r->tp_dst = UINT16_MAX;
        break;
    case 1:
    case 58:
        if ((k->nw_proto == 58) != ipv6) {
            break;
        }
        r->tp_src = r->tp_dst = htons(0xff);
        if (ipv6 && !k->tp_dst && (k->tp_src == htons(135)
                                   || k->tp_src == htons(136))) {
            memset(r->nd_target, 0xff, 16);
            memset(&r->arp_sha, 0xff, 6);
            memset(&r->arp_tha, 0xff, 6);
        }
        break;
    default:
        break;
    }
}

static bool is_zero16(const uint8_t *b)
{
    static const uint8_t zero[16];
    return !memcmp(b, zero, 16);
}

/* `pattern` restricted to what the format carries for `k`, in the shape the
 * datapath uses: a matched tag matches its presence bit, an untagged level
 * is matched as "no tag" whenever the type is (see flow_key_format.c), frag
 * is all-or-nothing. */
static void shape_mask(const struct flow_key *k, const struct flow_key *pattern,
                       struct flow_key *m)
{
    struct flow_key r;
    relevant_fields(k, &r);
    flow_key_mask(m, pattern, &r);
    if (m->tp_src || m->tp_dst || m->tcp_flags) {
        m->nw_proto = UINT8_MAX;
    }
    /* Matches carry their prerequisites (see flow_key_format.c). */
    bool l3 = m->nw_src || m->nw_dst || m->nw_proto || m->nw_tos || m->nw_ttl
              || m->nw_frag || m->ipv6_label || !is_zero16(m->ipv6_src)
              || !is_zero16(m->ipv6_dst) || m->tp_src || m->tp_dst
              || !is_zero16(m->nd_target) || m->arp_sha.ea[5]
              || m->arp_tha.ea[5] || m->mpls_lse[0] || m->mpls_lse[1];
    if (l3) {
        m->dl_type = UINT16_MAX;
    }
    for (int i = 0; i < FLOW_MAX_VLANS; i++) {
        if (k->vlans[i].tci) {
            m->vlans[i].tci |= htons(FLOW_VLAN_PRESENT);
            m->vlans[i].tpid = UINT16_MAX;
            continue;
        }
        if (k->dl_type == htons(0x8100)) {
            m->vlans[i].tci = UINT16_MAX;  /* the tag cut short */
            m->dl_type = UINT16_MAX;
        } else {
            uint16_t v = m->dl_type ? UINT16_MAX : 0;
            m->vlans[i].tci = m->vlans[i].tpid = v;
        }
        break;
    }
    m->nw_frag = m->nw_frag ? FLOW_NW_FRAG_MASK : 0;
    if (k->dl_type == htons(0x86dd) && k->nw_proto == 58
        && (m->tp_src != htons(0xff) || m->tp_dst != htons(0xff))) {
        memset(m->nd_target, 0, 16);
        memset(&m->arp_sha, 0, 6);
        memset(&m->arp_tha, 0, 6);
    }
}

static void test_round_trip(void **state)
{
    (void)state;
    struct flow_key keys[16];
    size_t n = corpus(keys, 16);
    for (size_t i = 0; i < n; i++) {
        round_trip(&keys[i], NULL);

        struct flow_key m, pattern;
        memset(&pattern, 0xff, sizeof pattern);
        shape_mask(&keys[i], &pattern, &m);
        round_trip(&keys[i], &m);

        memset(&pattern, 0, sizeof pattern);
        shape_mask(&keys[i], &pattern, &m);
        round_trip(&keys[i], &m);

        mask_ipv4_dst24(&m);
        m.nw_src = htonl(0xfff0f000);
        m.dl_src.ea[2] = 0xf0;
        m.tp_src = htons(0xf00f);
        m.tcp_flags = htons(0x0013);
        m.ipv6_src[3] = 0xff;
        m.ipv6_label = htonl(0xf0f0f);
        m.nw_ttl = 0x0f;
        m.nw_tos = 0xfc;
        m.arp_sha.ea[5] = 0xff;
        m.nd_target[0] = 0xfe;
        m.pkt_mark = 0xff00;
        m.recirc_id = UINT32_MAX;
        m.tunnel.tun_id = htobe64(0xffffff);
        m.tunnel.ip_dst = UINT32_MAX;
        m.tunnel.flags = FLOW_TNL_F_KEY;
        m.tunnel.ip_ttl = 0xff;
        m.tunnel.tp_dst = UINT16_MAX;
        m.vlans[0].tci = htons(0x0ff0);
        m.vlans[1].tpid = UINT16_MAX;
        m.mpls_lse[0] = htonl(0xfffff000);
        m.mpls_lse[1] = htonl(0x000001ff);
        pattern = m;
        shape_mask(&keys[i], &pattern, &m);
        round_trip(&keys[i], &m);
    }
}

/* A masked eth_type whose masked value is zero is a value, not OVS's
 * "no Ethernet II type" form (found by fuzzing: it read back as the mask). */
static void test_masked_eth_type_zero(void **state)
{
    (void)state;
    struct flow_key k, m;
    char err[128];
    assert_int_equal(flow_key_parse("in_port(1),eth_type(0x810/2)", &k, &m,
                                     err, sizeof err), 0);
    assert_int_equal(ntohs(k.dl_type), 0);
    assert_int_equal(ntohs(m.dl_type), 2);
    round_trip(&k, &m);
    /* The 802.3 form still means the stand-in type. */
    assert_int_equal(flow_key_parse("in_port(1),eth_type(0/0xffff)", &k, &m,
                                     err, sizeof err), 0);
    assert_int_equal(ntohs(k.dl_type), 0x05ff);
}

static void test_parse_errors(void **state)
{
    (void)state;
    static const char *bad[] = {
        "in_port(x)",
        "in_port(1",
        "in_port(4294967296)",
        "bogus(1)",
        "eth(src=00:11:22:33:44)",
        "eth(src=00:11:22:33:44:55:66)",
        "eth(color=red)",
        "eth(src)",
        "eth_type(0x10000)",
        "eth_type(0x0800),eth_type(0x0800)",
        "ipv4(src=10.0.0.256)",
        "ipv4(proto=256)",
        "ipv4(frag=maybe)",
        "ipv6(src=fe80:::1)",
        "ipv6(label=0x100000)",
        "vlan(vid=1)",
        "eth_type(0x0800),vlan(vid=1)",
        "eth_type(0x8100),vlan(vid=4096)",
        "eth_type(0x8100),vlan(vid=1),encap(in_port(1))",
        "eth_type(0x8100),vlan(vid=1),encap(eth_type(0x8100),vlan(vid=2),"
        "encap(eth_type(0x8100),vlan(vid=3),encap()))",
        "eth_type(0x8100),vlan(cfi=0),encap(eth_type(0x0800))",
        "encap(eth_type(0x0800))",
        "tcp_flags(syn|bogus)",
        "tcp_flags(+syn~ack)",
        "tunnel(flags(key|nope))",
        "tunnel(ttl=300)",
        "in_port(1),",
        "in_port(1)x",
        "icmp(type=-1)",
        "packet_type(ns=1,id=0)",
        "nd(target=fe80::1,sll=zz:00:00:00:00:00)",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct flow_key k, m;
        char err[128];
        int r = flow_key_parse(bad[i], &k, &m, err, sizeof err);
        if (r != -1 || !err[0]) {
            fail_msg("'%s' parsed (r=%d err='%s')", bad[i], r, err);
        }
    }

    /* OVS's own dump line parses (packet_type accepted). */
    struct flow_key k, m;
    char err[128];
    assert_int_equal(flow_key_parse(
        "recirc_id(0),in_port(2),packet_type(ns=0,id=0),eth(src=56:cb:59:98:"
        "de:47,dst=f6:95:11:c3:f6:81),eth_type(0x0800),ipv4(frag=no)",
        &k, &m, err, sizeof err), 0);
    assert_int_equal(k.in_port, 2);
    assert_int_equal(m.in_port, UINT32_MAX);
    assert_int_equal(m.nw_src, 0);
    assert_int_equal(m.nw_frag, FLOW_NW_FRAG_MASK);
    assert_int_equal(m.vlans[0].tci, UINT16_MAX);   /* untagged only */
    assert_memory_equal(k.dl_src.ea, MAC_SRC, 6);
}

static void test_format_truncated_buffer(void **state)
{
    (void)state;
    struct flow_key keys[16];
    size_t n = corpus(keys, 16);
    for (size_t i = 0; i < n; i++) {
        char full[1024];
        int len = flow_key_format(&keys[i], NULL, full, sizeof full);
        assert_int_equal(len, (int)strlen(full));
        for (size_t size = 0; size < (size_t)len + 2; size += 7) {
            char small[1024];
            memset(small, 'X', sizeof small);
            int got = flow_key_format(&keys[i], NULL, small, size);
            assert_int_equal(got, len);
            if (size) {
                size_t stored = strlen(small);
                assert_true(stored < size);
                assert_memory_equal(small, full, stored);
            }
            assert_int_equal(small[size], 'X');
        }
    }
}

/* ---------------------------------------------------------------------------
 * Verbose format (dump-flows -m) and ufid. */

static void assert_verbose(const struct flow_key *k, const struct flow_key *m,
                           const char *expected)
{
    char buf[2048];
    int n = flow_key_format_verbose(k, m, buf, sizeof buf);
    assert_string_equal(buf, expected);
    assert_int_equal(n, (int)strlen(expected));
}

/* The mask NORMAL gives a learned unicast flow: port, MACs, type, frag. */
static void mask_l2_flow(struct flow_key *m)
{
    memset(m, 0, sizeof *m);
    m->recirc_id = m->in_port = UINT32_MAX;
    memset(&m->dl_src, 0xff, 6);
    memset(&m->dl_dst, 0xff, 6);
    m->dl_type = UINT16_MAX;
    m->vlans[0].tpid = m->vlans[0].tci = UINT16_MAX;
    m->nw_frag = FLOW_NW_FRAG_MASK;
}

#define V_META "skb_mark(0/0),recirc_id(0),in_port(2),packet_type(ns=0,id=0),"
#define V_ETH "eth(src=56:cb:59:98:de:47,dst=f6:95:11:c3:f6:81),"
#define V_MAC0 "00:00:00:00:00:00/00:00:00:00:00:00"

static void test_format_verbose_megaflows(void **state)
{
    (void)state;
    struct flow_key k, m, stored;
    sample_key(&k);
    k.in_port = 2;
    mask_l2_flow(&m);
    flow_key_mask(&stored, &k, &m);   /* as the megaflow table keeps it */
    assert_verbose(&stored, &m,
                   V_META V_ETH "eth_type(0x0800),ipv4(src=0.0.0.0/0.0.0.0,"
                   "dst=0.0.0.0/0.0.0.0,proto=0/0,tos=0/0,ttl=0/0,frag=no)");
    /* The short form of the same flow leaves all of that out. */
    char brief[512];
    flow_key_format(&stored, &m, brief, sizeof brief);
    assert_string_equal(brief, "recirc_id(0),in_port(2)," V_ETH
                        "eth_type(0x0800),ipv4(frag=no)");

    /* Partly masked fields show value/mask, L4 once the protocol is
     * matched; tcp_flags unmatched is 0/0 as OVS prints it. */
    m.nw_src = htonl(0xffff0000);
    m.nw_proto = 0xff;
    m.tp_dst = UINT16_MAX;
    m.tp_src = htons(0xf000);
    m.pkt_mark = 0xff;
    k.pkt_mark = 0x1234;
    flow_key_mask(&stored, &k, &m);
    assert_verbose(&stored, &m,
                   "skb_mark(0x34/0xff),recirc_id(0),in_port(2),"
                   "packet_type(ns=0,id=0)," V_ETH "eth_type(0x0800),"
                   "ipv4(src=10.0.0.0/255.255.0.0,dst=0.0.0.0/0.0.0.0,"
                   "proto=6,tos=0/0,ttl=0/0,frag=no),tcp(src=0/0xf000,"
                   "dst=80),tcp_flags(0/0)");

    /* ARP. */
    struct frame arp = { .n = 0 };
    build_arp(&arp, 1, 6);
    extract(&arp, &k);
    k.in_port = 2;
    mask_l2_flow(&m);
    m.nw_frag = 0;
    m.nw_proto = 0xff;
    flow_key_mask(&stored, &k, &m);
    assert_verbose(&stored, &m,
                   V_META V_ETH "eth_type(0x0806),arp(sip=0.0.0.0/0.0.0.0,"
                   "tip=0.0.0.0/0.0.0.0,op=1,sha=" V_MAC0 ",tha=" V_MAC0
                   ")");

    /* IPv6 neighbour solicitation: nd() under an exact type and code. */
    const uint8_t sll[8] = { 1, 1, 0x56, 0xcb, 0x59, 0x98, 0xde, 0x47 };
    struct frame ns = { .n = 0 };
    build_nd(&ns, 135, 0, sll, 8);
    extract(&ns, &k);
    k.in_port = 2;
    mask_l2_flow(&m);
    m.nw_proto = 0xff;
    m.tp_src = m.tp_dst = htons(0xff);
    flow_key_mask(&stored, &k, &m);
    assert_verbose(&stored, &m,
                   V_META V_ETH "eth_type(0x86dd),ipv6(src=::/::,dst=::/::,"
                   "label=0/0,proto=58,tclass=0/0,hlimit=0/0,frag=no),"
                   "icmpv6(type=135,code=0),nd(target=::/::,sll=" V_MAC0
                   ",tll=" V_MAC0 ")");
}

static void test_format_verbose_tags_tunnel(void **state)
{
    (void)state;
    struct frame v = { .n = 0 };
    put_eth(&v, 0x8100);
    put16(&v, 0x200a);                 /* pcp 1, vid 10 */
    put16(&v, 0x0800);
    put_ipv4(&v, 17, 5, 8, 0);
    put_udp(&v, 1, 2);
    struct flow_key k, m, stored;
    extract(&v, &k);
    k.in_port = 2;
    k.tunnel.tun_id = htobe64(5);
    k.tunnel.ip_dst = ip4(2, 2, 2, 2);
    k.tunnel.flags = FLOW_TNL_F_KEY;
    mask_l2_flow(&m);
    m.vlans[0].tci = htons(0x1fff);    /* vid and presence; pcp free (OVS
                                        * writes its VLAN masks 0x-hex) */
    m.vlans[1].tpid = m.vlans[1].tci = UINT16_MAX;
    m.tunnel.tun_id = UINT64_MAX;
    flow_key_mask(&stored, &k, &m);
    assert_verbose(&stored, &m,
                   "tunnel(tun_id=0x5,src=0.0.0.0/0.0.0.0,dst=0.0.0.0/"
                   "0.0.0.0,tos=0/0,ttl=0/0,tp_src=0/0,tp_dst=0/0,"
                   "flags(0/0))," V_META V_ETH "eth_type(0x8100),"
                   "vlan(vid=10,pcp=0/0x0),encap(eth_type(0x0800),"
                   "ipv4(src=0.0.0.0/0.0.0.0,dst=0.0.0.0/0.0.0.0,proto=0/0,"
                   "tos=0/0,ttl=0/0,frag=no))");

    /* Without a mask every field is exact, and still all printed. */
    struct frame f = { .n = 0 };
    put_eth(&f, 0x0800);
    put_ipv4(&f, 17, 5, 8, 0);
    put_udp(&f, 0, 53);
    extract(&f, &k);
    assert_verbose(&k, NULL,
                   "skb_mark(0),recirc_id(0),in_port(7),"
                   "packet_type(ns=0,id=0)," V_ETH "eth_type(0x0800),"
                   "ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0x2e,ttl=64,"
                   "frag=no),udp(src=0,dst=53)");
}

/* What -m prints is accepted back as the same flow. */
static void verbose_round_trip(const struct flow_key *k,
                               const struct flow_key *m)
{
    char text[2048], err[128];
    flow_key_format_verbose(k, m, text, sizeof text);
    struct flow_key k2, m2, want;
    if (flow_key_parse(text, &k2, &m2, err, sizeof err)) {
        fail_msg("parse of '%s' failed: %s", text, err);
    }
    flow_key_mask(&want, k, m);
    flow_key_mask(&k2, &k2, &m2);
    char again[2048];
    flow_key_format_verbose(&k2, &m2, again, sizeof again);
    if (memcmp(&m2, m, sizeof *m) || memcmp(&k2, &want, sizeof want)) {
        fail_msg("flow differs after '%s' -> '%s'", text, again);
    }
    assert_string_equal(again, text);
}

static void test_format_verbose_round_trip(void **state)
{
    (void)state;
    struct flow_key keys[16];
    size_t n = corpus(keys, 16);
    for (size_t i = 0; i < n; i++) {
        struct flow_key m, pattern, stored;
        memset(&pattern, 0xff, sizeof pattern);
        shape_mask(&keys[i], &pattern, &m);
        verbose_round_trip(&keys[i], &m);
        mask_l2_flow(&pattern);
        shape_mask(&keys[i], &pattern, &m);
        flow_key_mask(&stored, &keys[i], &m);
        verbose_round_trip(&stored, &m);
    }
    /* A tunnel matched on its id only: the other fields and flags(0/0). */
    struct flow_key m, stored;
    mask_l2_flow(&m);
    m.tunnel.tun_id = UINT64_MAX;
    flow_key_mask(&stored, &keys[2], &m);
    verbose_round_trip(&stored, &m);
}

static void test_format_verbose_truncated_buffer(void **state)
{
    (void)state;
    struct flow_key keys[16];
    size_t n = corpus(keys, 16);
    for (size_t i = 0; i < n; i++) {
        struct flow_key m;
        mask_l2_flow(&m);
        char full[2048];
        int len = flow_key_format_verbose(&keys[i], &m, full, sizeof full);
        assert_int_equal(len, (int)strlen(full));
        for (size_t size = 0; size < (size_t)len + 2; size += 5) {
            char small[2048];
            memset(small, 'X', sizeof small);
            assert_int_equal(flow_key_format_verbose(&keys[i], &m, small,
                                                     size), len);
            if (size) {
                size_t stored = strlen(small);
                assert_true(stored < size);
                assert_memory_equal(small, full, stored);
            }
            assert_int_equal(small[size], 'X');
        }
    }
}

static void test_ufid(void **state)
{
    (void)state;
    struct flow_key k, m, other;
    sample_key(&k);
    mask_l2_flow(&m);
    char a[64], b[64];
    int n = flow_key_format_ufid(&k, &m, a, sizeof a);
    assert_int_equal(n, 41);
    assert_int_equal(strlen(a), 41);
    assert_memory_equal(a, "ufid:", 5);
    for (int i = 5; i < 41; i++) {
        bool dash = i == 13 || i == 18 || i == 23 || i == 28;
        assert_true(dash ? a[i] == '-'
                         : (a[i] >= '0' && a[i] <= '9')
                           || (a[i] >= 'a' && a[i] <= 'f'));
    }
    /* Bits outside the mask do not change it... */
    other = k;
    other.nw_src = ip4(9, 9, 9, 9);
    other.tp_src = htons(7);
    flow_key_format_ufid(&other, &m, b, sizeof b);
    assert_string_equal(a, b);
    /* ...a matched field does, and so does the mask alone (same masked
     * values, two different flows in the table). */
    other.dl_src.ea[5] ^= 1;
    flow_key_format_ufid(&other, &m, b, sizeof b);
    assert_string_not_equal(a, b);
    struct flow_key m2 = m, zero_src = k;
    zero_src.nw_src = 0;
    m2.nw_src = UINT32_MAX;
    flow_key_format_ufid(&zero_src, &m, a, sizeof a);
    flow_key_format_ufid(&zero_src, &m2, b, sizeof b);
    assert_string_not_equal(a, b);
    /* 128 bits: the four words are not copies of each other. */
    uint8_t u[16];
    flow_key_ufid(&k, &m, u);
    assert_memory_not_equal(u, u + 4, 4);
    assert_memory_not_equal(u + 4, u + 8, 4);
    assert_memory_not_equal(u + 8, u + 12, 4);
    /* A short buffer is cut, never overrun. */
    char tiny[8];
    assert_int_equal(flow_key_format_ufid(&k, &m, tiny, sizeof tiny), 41);
    assert_int_equal(strlen(tiny), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_eth_short),
        cmocka_unit_test(test_eth_8023),
        cmocka_unit_test(test_vlan),
        cmocka_unit_test(test_qinq),
        cmocka_unit_test(test_arp),
        cmocka_unit_test(test_ipv4_tcp),
        cmocka_unit_test(test_ipv4_malformed),
        cmocka_unit_test(test_ipv4_l4_short),
        cmocka_unit_test(test_ipv4_fragments),
        cmocka_unit_test(test_ipv6_ext_headers),
        cmocka_unit_test(test_ipv6_fragments),
        cmocka_unit_test(test_icmpv6_nd),
        cmocka_unit_test(test_vlan_limit),
        cmocka_unit_test(test_mpls),
        cmocka_unit_test(test_igmp),
        cmocka_unit_test(test_tcp_bad_data_offset),
        cmocka_unit_test(test_l4_by_proto_alone),
        cmocka_unit_test(test_nd_option_edges),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_truncation_sweep),
        cmocka_unit_test(test_mask_hash_equal),
        cmocka_unit_test(test_hash_spread),
        cmocka_unit_test(test_overlap),
        cmocka_unit_test(test_format_exact),
        cmocka_unit_test(test_format_masked),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_masked_eth_type_zero),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_format_truncated_buffer),
        cmocka_unit_test(test_format_verbose_megaflows),
        cmocka_unit_test(test_format_verbose_tags_tunnel),
        cmocka_unit_test(test_format_verbose_round_trip),
        cmocka_unit_test(test_format_verbose_truncated_buffer),
        cmocka_unit_test(test_ufid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
