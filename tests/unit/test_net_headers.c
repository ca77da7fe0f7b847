/* Unit tests for the packet-header layer: the L3/L4 offsets that
 * flow_key_extract records in a dp_packet (sample frames, truncation, how
 * push/pull and the VLAN and set actions keep them), and the checksum
 * helpers of net_headers.h against a plain byte-by-byte reference. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>
#include <cmocka.h>

#include "dp/actions.h"
#include "dp/datapath.h"
#include "dp/flow_key.h"
#include "dp/net_headers.h"
#include "dp/vport/vport.h"
#include "test_frame.h"

#define NONE DP_PACKET_OFS_NONE

/* ---------------------------------------------------------------------------
 * Frame building. */

static void put_eth(struct frame *f, uint16_t type)
{
    static const uint8_t macs[12] = { 2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2 };
    put_bytes(f, macs, sizeof macs);
    put16(f, type);
}

/* The rest of a tag whose TPID was put as the type before it: the TCI,
 * then the type that follows the tag. */
static void put_tag(struct frame *f, uint16_t next_type, uint16_t vid)
{
    put16(f, vid);
    put16(f, next_type);
}

/* IPv4 header (no options) with `payload` bytes after it. */
static void put_ipv4(struct frame *f, uint8_t proto, size_t payload,
                     uint16_t frag_off)
{
    struct ipv4_header ip = {
        .ver_ihl = 0x45, .tos = 0x10,
        .tot_len = htons((uint16_t)(IPV4_HEADER_LEN + payload)),
        .frag_off = htons(frag_off), .ttl = 64, .proto = proto,
        .src = htonl(0x0a000001), .dst = htonl(0x0a000002),
    };
    ip.csum = ipv4_header_csum(&ip);
    put_bytes(f, &ip, sizeof ip);
}

static void put_ipv6(struct frame *f, uint8_t next, size_t payload)
{
    struct ipv6_header ip = {
        .vtc_flow = htonl(0x60012345),
        .payload_len = htons((uint16_t)payload), .next = next, .hlimit = 64,
        .src = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
        .dst = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 },
    };
    put_bytes(f, &ip, sizeof ip);
}

static void put_udp(struct frame *f, size_t payload)
{
    struct udp_header udp = {
        .src = htons(1000), .dst = htons(2000),
        .len = htons((uint16_t)(UDP_HEADER_LEN + payload)),
    };
    put_bytes(f, &udp, sizeof udp);
    for (size_t i = 0; i < payload; i++) {
        put8(f, (uint8_t)(i * 13 + 1));
    }
}

/* Puts `f` into `p` (a fresh packet over `buf`) and extracts it. */
static void extract(struct dp_packet *p, uint8_t *buf, size_t size,
                    const struct frame *f, size_t len)
{
    dp_packet_init(p, buf, (uint32_t)size, PACKET_HEADROOM);
    assert_true(dp_packet_set_data(p, f->b, (uint32_t)len));
    assert_false(p->ofs_valid);
    struct flow_key key;
    flow_key_extract(p, &key);
    assert_true(p->ofs_valid);
}

static void assert_ofs(const struct frame *f, size_t len, uint16_t l3,
                       uint16_t l4, uint8_t proto)
{
    static uint8_t buf[PACKET_HEADROOM + 600];
    struct dp_packet p;
    extract(&p, buf, sizeof buf, f, len);
    assert_int_equal(p.l3_ofs, l3);
    assert_int_equal(p.l4_ofs, l4);
    if (l4 != NONE) {
        assert_int_equal(p.l4_proto, proto);
    }
}

/* ---------------------------------------------------------------------------
 * Offsets of sample frames. */

static void test_offsets_ethernet_ip(void **state)
{
    (void)state;
    struct frame f = { .n = 0 };
    put_eth(&f, ETH_TYPE_IP);
    put_ipv4(&f, IP_PROTO_UDP, 8 + 10, 0);
    put_udp(&f, 10);
    assert_ofs(&f, f.n, 14, 34, IP_PROTO_UDP);

    struct frame tagged = { .n = 0 };
    put_eth(&tagged, ETH_TYPE_VLAN);
    put_tag(&tagged, ETH_TYPE_IP, 5);
    put_ipv4(&tagged, IP_PROTO_UDP, 8, 0);
    put_udp(&tagged, 0);
    assert_ofs(&tagged, tagged.n, 18, 38, IP_PROTO_UDP);

    struct frame qinq = { .n = 0 };
    put_eth(&qinq, ETH_TYPE_VLAN_8021AD);
    put_tag(&qinq, ETH_TYPE_VLAN, 10);
    put_tag(&qinq, ETH_TYPE_IPV6, 20);
    put_ipv6(&qinq, IP_PROTO_UDP, 8);
    put_udp(&qinq, 0);
    assert_ofs(&qinq, qinq.n, 22, 62, IP_PROTO_UDP);

    /* IPv4 options: L4 after the whole header (ihl 7 = 28 bytes). */
    struct frame opts = { .n = 0 };
    put_eth(&opts, ETH_TYPE_IP);
    put_ipv4(&opts, IP_PROTO_UDP, 8 + 8, 0);
    opts.b[14] = 0x47;                          /* tot_len 36 = 28 + 8 */
    put_bytes(&opts, "\x01\x01\x01\x01\x01\x01\x01\x00", 8);
    put_udp(&opts, 0);
    assert_ofs(&opts, opts.n, 14, 42, IP_PROTO_UDP);

    /* A third tag is beyond what the key parses: L3 is where it stopped
     * (the third tag's TCI, its type 0x8100), with no L4. */
    struct frame three = { .n = 0 };
    put_eth(&three, ETH_TYPE_VLAN_8021AD);
    put_tag(&three, ETH_TYPE_VLAN, 1);
    put_tag(&three, ETH_TYPE_VLAN, 2);
    put_tag(&three, ETH_TYPE_IP, 3);
    put_ipv4(&three, IP_PROTO_UDP, 8, 0);
    put_udp(&three, 0);
    assert_ofs(&three, three.n, 22, NONE, 0);

    /* An IPv4 later fragment has no L4 header; a first fragment has. */
    struct frame later = { .n = 0 };
    put_eth(&later, ETH_TYPE_IP);
    put_ipv4(&later, IP_PROTO_UDP, 8, 0x0010);
    put_udp(&later, 0);
    assert_ofs(&later, later.n, 14, NONE, 0);
    struct frame first = { .n = 0 };
    put_eth(&first, ETH_TYPE_IP);
    put_ipv4(&first, IP_PROTO_UDP, 8, IPV4_FRAG_MF);
    put_udp(&first, 0);
    assert_ofs(&first, first.n, 14, 34, IP_PROTO_UDP);
}

static void test_offsets_ipv6_ext_headers(void **state)
{
    (void)state;
    /* hop-by-hop (8) + destination options (16) + first fragment (8) +
     * routing (8) + UDP. */
    struct frame f = { .n = 0 };
    put_eth(&f, ETH_TYPE_IPV6);
    put_ipv6(&f, IP_PROTO_HOPOPTS, 8 + 16 + 8 + 8 + 8);
    put8(&f, IP_PROTO_DSTOPTS), put8(&f, 0), put_zeros(&f, 6);
    put8(&f, IP_PROTO_FRAGMENT), put8(&f, 1), put_zeros(&f, 14);
    put8(&f, IP_PROTO_ROUTING), put8(&f, 0), put16(&f, IPV6_FRAG_MORE);
    put_zeros(&f, 4);
    put8(&f, IP_PROTO_UDP), put8(&f, 0), put_zeros(&f, 6);
    put_udp(&f, 0);
    assert_ofs(&f, f.n, 14, 14 + 40 + 40, IP_PROTO_UDP);

    /* Cut inside the routing header: no L4. */
    assert_ofs(&f, 14 + 40 + 8 + 16 + 8 + 4, 14, NONE, 0);

    /* AH: (len + 2) * 4 bytes. */
    struct frame ah = { .n = 0 };
    put_eth(&ah, ETH_TYPE_IPV6);
    put_ipv6(&ah, IP_PROTO_AH, 16 + 8);
    put8(&ah, IP_PROTO_UDP), put8(&ah, 2), put_zeros(&ah, 14);
    put_udp(&ah, 0);
    assert_ofs(&ah, ah.n, 14, 14 + 40 + 16, IP_PROTO_UDP);

    /* A later fragment stops the walk: no L4. */
    struct frame later = { .n = 0 };
    put_eth(&later, ETH_TYPE_IPV6);
    put_ipv6(&later, IP_PROTO_FRAGMENT, 8 + 8);
    put8(&later, IP_PROTO_UDP), put8(&later, 0), put16(&later, 0x0100);
    put_zeros(&later, 4);
    put_udp(&later, 0);
    assert_ofs(&later, later.n, 14, NONE, 0);
}

static void test_offsets_arp_llc_truncated(void **state)
{
    (void)state;
    struct frame arp = { .n = 0 };
    put_eth(&arp, ETH_TYPE_ARP);
    put_zeros(&arp, ARP_ETH_HEADER_LEN);
    assert_ofs(&arp, arp.n, 14, NONE, 0);

    /* 802.3 length + LLC/SNAP carrying IPv4: L3 after the SNAP header. */
    struct frame snap = { .n = 0 };
    put_eth(&snap, 8 + 20 + 8);
    static const uint8_t llc[8] = { 0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00 };
    put_bytes(&snap, llc, sizeof llc);
    put_ipv4(&snap, IP_PROTO_UDP, 8, 0);
    put_udp(&snap, 0);
    assert_ofs(&snap, snap.n, 22, 42, IP_PROTO_UDP);

    /* No whole Ethernet header: nothing, but the offsets are valid. */
    struct frame ip = { .n = 0 };
    put_eth(&ip, ETH_TYPE_IP);
    put_ipv4(&ip, IP_PROTO_UDP, 8, 0);
    put_udp(&ip, 0);
    assert_ofs(&ip, 13, NONE, NONE, 0);
    assert_ofs(&ip, 0, NONE, NONE, 0);
    /* Ethernet only: L3 at the end of the frame; an IP header cut short
     * (or tot_len past the frame) gives no L4. */
    assert_ofs(&ip, 14, 14, NONE, 0);
    assert_ofs(&ip, 14 + 19, 14, NONE, 0);
    assert_ofs(&ip, ip.n - 1, 14, NONE, 0);

    /* An L4 header cut short still has its offset (readers check room). */
    struct frame short_l4 = { .n = 0 };
    put_eth(&short_l4, ETH_TYPE_IP);
    put_ipv4(&short_l4, IP_PROTO_UDP, 3, 0);
    put_zeros(&short_l4, 3);
    assert_ofs(&short_l4, short_l4.n, 14, 34, IP_PROTO_UDP);
}

/* ---------------------------------------------------------------------------
 * Keeping the offsets: push/pull, VLAN and set actions. */

static void test_push_pull_shift(void **state)
{
    (void)state;
    static uint8_t buf[PACKET_HEADROOM + 600];
    struct frame f = { .n = 0 };
    put_eth(&f, ETH_TYPE_IP);
    put_ipv4(&f, IP_PROTO_UDP, 8, 0);
    put_udp(&f, 0);
    struct dp_packet p;
    extract(&p, buf, sizeof buf, &f, f.n);
    assert_non_null(dp_packet_push(&p, 8));
    assert_int_equal(p.l3_ofs, 22);
    assert_int_equal(p.l4_ofs, 42);
    assert_non_null(dp_packet_pull(&p, 30));
    assert_int_equal(p.l3_ofs, NONE);           /* pulled off */
    assert_int_equal(p.l4_ofs, 12);
    assert_true(p.ofs_valid);

    /* Offsets not known yet stay unknown through push/pull... */
    dp_packet_set_data(&p, f.b, (uint32_t)f.n);
    assert_non_null(dp_packet_push(&p, 4));
    assert_non_null(dp_packet_pull(&p, 4));
    assert_false(p.ofs_valid);
    /* ...until flow_key_set_offsets walks the frame, once. */
    flow_key_set_offsets(&p);
    assert_true(p.ofs_valid);
    assert_int_equal(p.l3_ofs, 14);
    assert_int_equal(p.l4_ofs, 34);
    p.l4_ofs = 99;
    flow_key_set_offsets(&p);
    assert_int_equal(p.l4_ofs, 99);
    dp_packet_reset_offsets(&p);
    assert_false(p.ofs_valid);
    assert_int_equal(p.l3_ofs, NONE);
}

struct dp_fx {
    struct datapath *dp;
    uint32_t out;
    uint8_t buf[PACKET_HEADROOM + 600];
    struct dp_packet p;
    uint8_t got[600];
};

static int dp_setup(void **state)
{
    struct dp_fx *fx = calloc(1, sizeof *fx);
    assert_non_null(fx);
    fx->dp = datapath_create("hdr");
    char err[VPORT_ERR_MAX];
    assert_int_equal(datapath_port_add(fx->dp, "out", "memory", NULL, 0,
                                       &fx->out, err, sizeof err), 0);
    *state = fx;
    return 0;
}

static int dp_teardown(void **state)
{
    struct dp_fx *fx = *state;
    datapath_destroy(fx->dp);
    free(fx);
    return 0;
}

/* Runs "ACTS,<out>" on fx->p (already holding a frame); returns the length
 * the memory port got. */
static int run(struct dp_fx *fx, const char *acts)
{
    char s[256];
    snprintf(s, sizeof s, "%s,%u", acts, fx->out);
    struct action_buf b;
    char err[128] = "";
    if (actions_parse(s, &b, err, sizeof err)) {
        fail_msg("parse %s: %s", s, err);
    }
    datapath_execute(fx->dp, &fx->p, b.data, b.len);
    return vport_memory_take(datapath_port_get(fx->dp, fx->out), fx->got,
                             sizeof fx->got);
}

/* The offsets of fx->p are those a fresh extraction of its frame gives. */
static void assert_ofs_fresh(const struct dp_fx *fx)
{
    static uint8_t buf[PACKET_HEADROOM + 600];
    struct frame now = { .n = 0 };
    put_bytes(&now, dp_packet_data(&fx->p), fx->p.len);
    struct dp_packet q;
    extract(&q, buf, sizeof buf, &now, now.n);
    assert_int_equal(fx->p.l3_ofs, q.l3_ofs);
    assert_int_equal(fx->p.l4_ofs, q.l4_ofs);
    assert_int_equal(fx->p.l4_proto, q.l4_proto);
}

static void assert_udp_ipv4_sums(const uint8_t *d, uint32_t l3)
{
    const struct ipv4_header *ip = (const void *)(d + l3);
    assert_int_equal(ipv4_header_csum(ip), ip->csum);
    uint32_t l4_len = ntohs(ip->tot_len) - IPV4_HEADER_LEN;
    uint32_t sum = ipv4_pseudo_sum(ip, IP_PROTO_UDP, l4_len);
    assert_int_equal(csum_fold(csum_add(sum, d + l3 + 20, l4_len)), 0xffff);
}

static void test_vlan_and_set_keep_offsets(void **state)
{
    struct dp_fx *fx = *state;
    struct frame f = { .n = 0 };
    put_eth(&f, ETH_TYPE_IP);
    put_ipv4(&f, IP_PROTO_UDP, 8 + 6, 0);
    put_udp(&f, 6);
    struct udp_header *udp = (void *)(f.b + 34);
    const struct ipv4_header *ip = (const void *)(f.b + 14);
    udp->csum = csum_finish(csum_add(ipv4_pseudo_sum(ip, IP_PROTO_UDP, 14),
                                     udp, 14));
    dp_packet_init(&fx->p, fx->buf, sizeof fx->buf, PACKET_HEADROOM);
    dp_packet_set_data(&fx->p, f.b, (uint32_t)f.n);

    /* push_vlan then a set in the same list: the set finds the shifted
     * headers (and fixes both checksums there). */
    assert_int_equal(run(fx, "push_vlan(vid=7,pcp=0),"
                         "set(ipv4(src=192.168.1.1)),set(udp(dst=53))"),
                     (int)f.n + 4);
    assert_int_equal(fx->p.l3_ofs, 18);
    assert_int_equal(fx->p.l4_ofs, 38);
    assert_ofs_fresh(fx);
    const struct ipv4_header *nip = (const void *)(fx->got + 18);
    assert_int_equal(nip->src, htonl(0xc0a80101));
    assert_int_equal(((const struct udp_header *)(fx->got + 38))->dst,
                     htons(53));
    assert_udp_ipv4_sums(fx->got, 18);

    /* A second tag, then pop both within one list. */
    assert_int_equal(run(fx, "push_vlan(tpid=0x88a8,vid=9,pcp=0)"),
                     (int)f.n + 8);
    assert_int_equal(fx->p.l3_ofs, 22);
    assert_int_equal(fx->p.l4_ofs, 42);
    assert_int_equal(run(fx, "pop_vlan,pop_vlan,set(ipv4(ttl=9))"),
                     (int)f.n);
    assert_int_equal(fx->p.l3_ofs, 14);
    assert_int_equal(fx->p.l4_ofs, 34);
    assert_ofs_fresh(fx);
    assert_int_equal(((const struct ipv4_header *)(fx->got + 14))->ttl, 9);
    assert_udp_ipv4_sums(fx->got, 14);
}

/* Three tags: the extraction stops at the third, so set(ipv4) sees no IP
 * there; after one pop_vlan the walk reaches IP again (the offsets are
 * dropped and found anew), so the set applies. */
static void test_pop_past_tag_limit(void **state)
{
    struct dp_fx *fx = *state;
    struct frame f = { .n = 0 };
    put_eth(&f, ETH_TYPE_VLAN_8021AD);
    put_tag(&f, ETH_TYPE_VLAN, 1);
    put_tag(&f, ETH_TYPE_VLAN, 2);
    put_tag(&f, ETH_TYPE_IP, 3);
    put_ipv4(&f, IP_PROTO_UDP, 8, 0);
    put_udp(&f, 0);
    dp_packet_init(&fx->p, fx->buf, sizeof fx->buf, PACKET_HEADROOM);
    dp_packet_set_data(&fx->p, f.b, (uint32_t)f.n);
    assert_int_equal(run(fx, "set(ipv4(ttl=5))"), (int)f.n);
    assert_int_equal(fx->got[26 + 8], 64);          /* untouched */
    assert_int_equal(run(fx, "pop_vlan,set(ipv4(ttl=5))"), (int)f.n - 4);
    assert_int_equal(fx->got[22 + 8], 5);
    assert_int_equal(fx->p.l3_ofs, 22);
    assert_ofs_fresh(fx);
}

/* ---------------------------------------------------------------------------
 * Checksums against a reference. */

/* RFC 1071 the plain way: big-endian 16-bit words, host order, end-around
 * carry after each addition. */
static uint16_t ref_sum(const uint8_t *d, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < n; i += 2) {
        uint32_t w = (uint32_t)d[i] << 8 | (i + 1 < n ? d[i + 1] : 0);
        sum += w;
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)sum;
}

/* The checksum field as stored in memory, from a host-order sum. */
static uint16_t ref_field(uint16_t host_sum)
{
    return htons((uint16_t)~host_sum);
}

static void fill_random(uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        d[i] = (uint8_t)rand();
    }
}

static void test_csum_add_matches_reference(void **state)
{
    (void)state;
    static uint8_t data[1600];
    srand(7);
    for (int round = 0; round < 2000; round++) {
        size_t start = (size_t)rand() % 8, n = (size_t)rand() % 1500;
        fill_random(data, sizeof data);
        const uint8_t *d = data + start;       /* any alignment */
        assert_int_equal(csum_finish(csum_add(0, d, n)),
                         ref_field(ref_sum(d, n)));
        /* Summing in two pieces (the first even) gives the same. */
        size_t cut = (n / 2) & ~(size_t)1;
        uint32_t two = csum_add(csum_add(0, d, cut), d + cut, n - cut);
        assert_int_equal(csum_fold(two), csum_fold(csum_add(0, d, n)));
    }
    /* All ones: large sums fold without losing carries. */
    memset(data, 0xff, sizeof data);
    assert_int_equal(csum_finish(csum_add(0, data, sizeof data)),
                     ref_field(ref_sum(data, sizeof data)));
}

static void test_csum_update_matches_recompute(void **state)
{
    (void)state;
    uint8_t d[64];
    srand(11);
    for (int round = 0; round < 5000; round++) {
        fill_random(d, sizeof d);
        uint16_t csum = csum_finish(csum_add(0, d, sizeof d));
        size_t at = ((size_t)rand() % 15) * 4;
        if (round & 1) {
            uint16_t old, new = (uint16_t)rand();
            memcpy(&old, d + at, 2);
            memcpy(d + at, &new, 2);
            csum = csum_update16(csum, old, new);
        } else {
            uint32_t old, new = (uint32_t)rand() << 16 ^ (uint32_t)rand();
            memcpy(&old, d + at, 4);
            memcpy(d + at, &new, 4);
            csum = csum_update32(csum, old, new);
        }
        assert_int_equal(csum, ref_field(ref_sum(d, sizeof d)));
    }
}

static void test_ipv4_header_csum(void **state)
{
    (void)state;
    uint8_t h[24];
    srand(3);
    for (int round = 0; round < 500; round++) {
        fill_random(h, sizeof h);
        h[0] = round & 1 ? 0x46 : 0x45;         /* with and without options */
        size_t ihl = (size_t)(h[0] & 0xf) * 4;
        struct ipv4_header *ip = (void *)h;
        uint16_t got = ipv4_header_csum(ip);
        ip->csum = 0;
        assert_int_equal(got, ref_field(ref_sum(h, ihl)));
        ip->csum = got;                          /* a valid header sums to ~0 */
        assert_int_equal(ref_sum(h, ihl), 0xffff);
    }
}

static void test_pseudo_header_sums(void **state)
{
    (void)state;
    srand(5);
    uint8_t seg[300], buf[40 + 300];
    for (int round = 0; round < 200; round++) {
        size_t n = 8 + (size_t)rand() % 280;
        fill_random(seg, n);
        uint8_t proto = round & 1 ? IP_PROTO_UDP : IP_PROTO_TCP;

        /* IPv4: src, dst, zero, proto, length (RFC 793/768). */
        struct ipv4_header ip4;
        fill_random((uint8_t *)&ip4, sizeof ip4);
        memcpy(buf, &ip4.src, 4);
        memcpy(buf + 4, &ip4.dst, 4);
        buf[8] = 0, buf[9] = proto;
        buf[10] = (uint8_t)(n >> 8), buf[11] = (uint8_t)n;
        memcpy(buf + 12, seg, n);
        assert_int_equal(csum_finish(csum_add(ipv4_pseudo_sum(&ip4, proto,
                                                              (uint32_t)n),
                                              seg, n)),
                         ref_field(ref_sum(buf, 12 + n)));

        /* IPv6: src, dst, 32-bit length, 3 zeros, next header. */
        struct ipv6_header ip6;
        fill_random((uint8_t *)&ip6, sizeof ip6);
        memcpy(buf, ip6.src, 16);
        memcpy(buf + 16, ip6.dst, 16);
        uint32_t len_be = htonl((uint32_t)n);
        memcpy(buf + 32, &len_be, 4);
        buf[36] = buf[37] = buf[38] = 0, buf[39] = IP_PROTO_ICMPV6;
        memcpy(buf + 40, seg, n);
        assert_int_equal(csum_finish(csum_add(ipv6_pseudo_sum(&ip6,
                                                    IP_PROTO_ICMPV6,
                                                    (uint32_t)n), seg, n)),
                         ref_field(ref_sum(buf, 40 + n)));
    }
}

/* The header structs have the wire sizes. */
static void test_struct_sizes(void **state)
{
    (void)state;
    assert_int_equal(sizeof(struct eth_header), ETH_HEADER_LEN);
    assert_int_equal(sizeof(struct vlan_header), VLAN_HEADER_LEN);
    assert_int_equal(sizeof(struct llc_snap_header), LLC_SNAP_HEADER_LEN);
    assert_int_equal(sizeof(struct arp_eth_header), ARP_ETH_HEADER_LEN);
    assert_int_equal(sizeof(struct ipv4_header), IPV4_HEADER_LEN);
    assert_int_equal(sizeof(struct ipv6_header), IPV6_HEADER_LEN);
    assert_int_equal(sizeof(struct ipv6_frag_header), IPV6_FRAG_HEADER_LEN);
    assert_int_equal(sizeof(struct ip_ah_header), 12);
    assert_int_equal(sizeof(struct tcp_header), TCP_HEADER_LEN);
    assert_int_equal(sizeof(struct udp_header), UDP_HEADER_LEN);
    assert_int_equal(sizeof(struct sctp_header), SCTP_HEADER_LEN);
    assert_int_equal(sizeof(struct icmp_header), ICMP_HEADER_LEN);
    assert_int_equal(sizeof(struct nd_msg), ND_MSG_LEN);
    assert_int_equal(sizeof(struct mpls_lse), MPLS_LSE_LEN);
    assert_int_equal(sizeof(struct nsh_header), NSH_BASE_HEADER_LEN);
    assert_int_equal(sizeof(struct vxlan_header), VXLAN_HEADER_LEN);
    assert_int_equal(sizeof(struct geneve_header), GENEVE_HEADER_LEN);
    assert_int_equal(sizeof(struct geneve_opt), GENEVE_OPT_HEADER_LEN);
    struct vxlan_header vx;
    memset(&vx, 0, sizeof vx);
    vxlan_set_vni(&vx, 0xabcdef);
    assert_int_equal(vxlan_get_vni(&vx), 0xabcdef);
    assert_int_equal(vx.vni[0], 0xab);
    struct tcp_header tcp = { .ctl = htons(0x8012) };
    assert_int_equal(tcp_header_len(&tcp), 32);
    uint8_t ext[2] = { 0, 3 };
    assert_int_equal(ipv6_ext_len(IP_PROTO_HOPOPTS, ext), 32);
    assert_int_equal(ipv6_ext_len(IP_PROTO_AH, ext), 20);
    assert_int_equal(ipv6_ext_len(IP_PROTO_FRAGMENT, ext), 8);
}

int main(void)
{
    rcu_register_thread();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offsets_ethernet_ip),
        cmocka_unit_test(test_offsets_ipv6_ext_headers),
        cmocka_unit_test(test_offsets_arp_llc_truncated),
        cmocka_unit_test(test_push_pull_shift),
        cmocka_unit_test_setup_teardown(test_vlan_and_set_keep_offsets,
                                        dp_setup, dp_teardown),
        cmocka_unit_test_setup_teardown(test_pop_past_tag_limit, dp_setup,
                                        dp_teardown),
        cmocka_unit_test(test_csum_add_matches_reference),
        cmocka_unit_test(test_csum_update_matches_recompute),
        cmocka_unit_test(test_ipv4_header_csum),
        cmocka_unit_test(test_pseudo_header_sums),
        cmocka_unit_test(test_struct_sizes),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    rcu_unregister_thread();
    return failed;
}
