/* Unit tests for datapath actions: each action's effect on real frames
 * (checksums checked by recomputing them from scratch), validation of
 * hostile lists, the text form, and the recursion limit with deferred
 * re-entries. */
#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <urcu.h>
#include <cmocka.h>

#include "dp/actions.h"
#include "dp/datapath.h"
#include "dp/meter.h"
#include "lib/vlog.h"

/* ------------------------------------------------------ frames and sums */

static const uint8_t MAC_A[6] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t MAC_B[6] = { 0x02, 0, 0, 0, 0, 0x0b };

static uint32_t sum16(const uint8_t *d, size_t n, uint32_t s)
{
    for (size_t i = 0; i + 1 < n; i += 2) {
        s += (uint32_t)d[i] << 8 | d[i + 1];
    }
    if (n & 1) {
        s += (uint32_t)d[n - 1] << 8;
    }
    return s;
}

static uint16_t fold_not(uint32_t s)
{
    while (s >> 16) {
        s = (s & 0xffff) + (s >> 16);
    }
    return ~s & 0xffff;
}

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)p[0] << 8 | p[1];
}

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = v >> 8;
    p[1] = v;
}

/* The IPv4 header checksum computed from scratch. */
static uint16_t ipv4_csum(const uint8_t *ip)
{
    uint8_t h[60];
    size_t ihl = (ip[0] & 0xf) * 4;
    memcpy(h, ip, ihl);
    h[10] = h[11] = 0;
    return fold_not(sum16(h, ihl, 0));
}

/* The L4 checksum from scratch over the pseudo-header and `l4` (its
 * checksum field at csum_ofs taken as zero). */
static uint16_t l4_csum(bool v6, const uint8_t *ip, const uint8_t *l4,
                        size_t l4_len, uint8_t proto, size_t csum_ofs)
{
    uint8_t buf[2048];
    memcpy(buf, l4, l4_len);
    buf[csum_ofs] = buf[csum_ofs + 1] = 0;
    uint32_t s = v6 ? sum16(ip + 8, 32, 0) : sum16(ip + 12, 8, 0);
    s += proto + (uint32_t)l4_len;
    uint16_t c = fold_not(sum16(buf, l4_len, s));
    return c;
}

/* CRC32c, table-driven (independent of the bitwise one under test). */
static uint32_t crc32c_ref(const uint8_t *d, size_t n)
{
    static uint32_t table[256];
    if (!table[1]) {
        for (uint32_t i = 0; i < 256; i++) {
            uint32_t c = i;
            for (int k = 0; k < 8; k++) {
                c = c & 1 ? (c >> 1) ^ 0x82f63b78 : c >> 1;
            }
            table[i] = c;
        }
    }
    uint32_t crc = 0xffffffff;
    for (size_t i = 0; i < n; i++) {
        crc = table[(crc ^ d[i]) & 0xff] ^ (crc >> 8);
    }
    return ~crc;
}

struct frame {
    uint8_t d[1600];
    size_t len, l3, l4, l4_len;
    bool v6;
    uint8_t proto;
};

/* Fills in correct checksums for the frame as built. */
static void frame_fix_sums(struct frame *f)
{
    uint8_t *ip = f->d + f->l3, *l4 = f->d + f->l4;
    if (!f->v6) {
        wr16(ip + 10, ipv4_csum(ip));
    }
    if (f->proto == IPPROTO_TCP) {
        wr16(l4 + 16, l4_csum(f->v6, ip, l4, f->l4_len, f->proto, 16));
    } else if (f->proto == IPPROTO_UDP) {
        uint16_t c = l4_csum(f->v6, ip, l4, f->l4_len, f->proto, 6);
        wr16(l4 + 6, c ? c : 0xffff);
    } else if (f->proto == 58) {
        wr16(l4 + 2, l4_csum(true, ip, l4, f->l4_len, f->proto, 2));
    } else if (f->proto == 132) {
        memset(l4 + 8, 0, 4);
        uint32_t crc = crc32c_ref(l4, f->l4_len);
        for (int i = 0; i < 4; i++) {
            l4[8 + i] = crc >> (8 * i);
        }
    }
}

/* Builds Ethernet (+ optional VLAN) + IPv4/IPv6 + TCP/UDP/SCTP/ICMPv6 with
 * `payload` bytes of data and correct checksums. */
static void build(struct frame *f, bool v6, uint8_t proto, bool vlan,
                  size_t payload)
{
    memset(f, 0, sizeof *f);
    memcpy(f->d, MAC_B, 6);
    memcpy(f->d + 6, MAC_A, 6);
    size_t ofs = 12;
    if (vlan) {
        wr16(f->d + ofs, 0x8100);
        wr16(f->d + ofs + 2, 0x2005);    /* pcp 1, vid 5 */
        ofs += 4;
    }
    wr16(f->d + ofs, v6 ? 0x86dd : 0x0800);
    f->l3 = ofs + 2;
    f->v6 = v6;
    f->proto = proto;
    size_t l4h = proto == IPPROTO_TCP ? 20 : proto == IPPROTO_UDP ? 8
               : proto == 132 ? 28 : 8;
    f->l4_len = l4h + payload;
    uint8_t *ip = f->d + f->l3;
    if (v6) {
        ip[0] = 0x60;
        ip[1] = 0x01;                   /* a flow label of 0x12345 */
        ip[2] = 0x23;
        ip[3] = 0x45;
        wr16(ip + 4, f->l4_len);
        ip[6] = proto;
        ip[7] = 64;
        inet_pton(AF_INET6, "2001:db8::1", ip + 8);
        inet_pton(AF_INET6, "2001:db8::2", ip + 24);
        f->l4 = f->l3 + 40;
    } else {
        ip[0] = 0x45;
        ip[1] = 0x10;
        wr16(ip + 2, 20 + f->l4_len);
        wr16(ip + 4, 0x1234);
        ip[8] = 64;
        ip[9] = proto;
        inet_pton(AF_INET, "10.0.0.1", ip + 12);
        inet_pton(AF_INET, "10.0.0.2", ip + 16);
        f->l4 = f->l3 + 20;
    }
    uint8_t *l4 = f->d + f->l4;
    if (proto == 58) {
        l4[0] = 128;                    /* echo request */
    } else {
        wr16(l4, 12345);
        wr16(l4 + 2, 80);
    }
    if (proto == IPPROTO_TCP) {
        l4[12] = 0x50;
        l4[13] = 0x02;                  /* SYN */
    } else if (proto == IPPROTO_UDP) {
        wr16(l4 + 4, f->l4_len);
    } else if (proto == 132) {
        l4[12] = 0;                     /* a DATA chunk header */
        wr16(l4 + 14, 16);
    }
    for (size_t i = 0; i < payload; i++) {
        l4[l4h + i] = (uint8_t)(i * 7 + 3);
    }
    f->len = f->l4 + f->l4_len;
    frame_fix_sums(f);
}

/* Asserts every checksum of the frame at `d` (layout of `f`) is what a
 * recomputation from scratch gives. */
static void assert_sums_valid(const struct frame *f, const uint8_t *d)
{
    const uint8_t *ip = d + f->l3, *l4 = d + f->l4;
    if (!f->v6) {
        assert_int_equal(rd16(ip + 10), ipv4_csum(ip));
    }
    if (f->proto == IPPROTO_TCP) {
        assert_int_equal(rd16(l4 + 16),
                         l4_csum(f->v6, ip, l4, f->l4_len, f->proto, 16));
    } else if (f->proto == IPPROTO_UDP && rd16(l4 + 6)) {
        uint16_t c = l4_csum(f->v6, ip, l4, f->l4_len, f->proto, 6);
        assert_int_equal(rd16(l4 + 6), c ? c : 0xffff);
    } else if (f->proto == 58) {
        assert_int_equal(rd16(l4 + 2),
                         l4_csum(true, ip, l4, f->l4_len, f->proto, 2));
    } else if (f->proto == 132) {
        uint8_t buf[2048];
        memcpy(buf, l4, f->l4_len);
        memset(buf + 8, 0, 4);
        uint32_t crc = crc32c_ref(buf, f->l4_len);
        uint32_t got = l4[8] | l4[9] << 8 | l4[10] << 16
                       | (uint32_t)l4[11] << 24;
        assert_int_equal(got, crc);
    }
}

/* --------------------------------------------------------------- fixture */

struct fx {
    struct datapath *dp;
    uint32_t out;               /* a memory port */
    uint8_t buf[PACKET_HEADROOM + 2048];
    struct dp_packet pkt;
    uint8_t got[2048];
};

static uint32_t add_port(struct datapath *dp, const char *name,
                         const char *type, const struct vport_opt *opts,
                         size_t n)
{
    uint32_t no = UINT32_MAX;
    char err[VPORT_ERR_MAX];
    int error = datapath_port_add(dp, name, type, opts, n, &no, err,
                                  sizeof err);
    if (error) {
        fail_msg("port_add %s: %s", name, err);
    }
    return no;
}

static int fx_setup(void **state)
{
    struct fx *fx = calloc(1, sizeof *fx);
    fx->dp = datapath_create("test");
    fx->out = add_port(fx->dp, "out", "memory", NULL, 0);
    *state = fx;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fx *fx = *state;
    datapath_destroy(fx->dp);
    free(fx);
    return 0;
}

/* Runs `acts` on a copy of frame `f`; returns the length of the frame the
 * memory port sent (-1 if none); the frame is in fx->got. */
static int run(struct fx *fx, const struct frame *f, const struct action_buf *b)
{
    dp_packet_init(&fx->pkt, fx->buf, sizeof fx->buf, PACKET_HEADROOM);
    assert_true(dp_packet_set_data(&fx->pkt, f->d, f->len));
    assert_int_equal(actions_validate(b->data, b->len), 0);
    datapath_execute(fx->dp, &fx->pkt, b->data, b->len);
    return vport_memory_take(datapath_port_get(fx->dp, fx->out), fx->got,
                             sizeof fx->got);
}

static void parse_ok(const char *s, struct action_buf *b)
{
    char err[128] = "";
    if (actions_parse(s, b, err, sizeof err)) {
        fail_msg("parse \"%s\": %s", s, err);
    }
}

/* Parses "PREFIX,<out>" so the frame reaches the memory port. */
static void acts_then_out(struct fx *fx, const char *prefix,
                          struct action_buf *b)
{
    char s[512];
    snprintf(s, sizeof s, "%s%s%u", prefix, *prefix ? "," : "", fx->out);
    parse_ok(s, b);
}

/* ----------------------------------------------------------------- tests */

static void test_output_copies(void **state)
{
    struct fx *fx = *state;
    struct frame f;
    build(&f, false, IPPROTO_UDP, false, 30);
    struct action_buf b;
    acts_then_out(fx, "", &b);
    assert_int_equal(run(fx, &f, &b), f.len);
    assert_memory_equal(fx->got, f.d, f.len);
    /* The caller's packet is untouched by an output. */
    assert_memory_equal(dp_packet_data(&fx->pkt), f.d, f.len);
}

static void test_output_missing_port(void **state)
{
    struct fx *fx = *state;
    struct frame f;
    build(&f, false, IPPROTO_UDP, false, 10);
    struct action_buf b;
    parse_ok("77,1000", &b);
    dp_packet_init(&fx->pkt, fx->buf, sizeof fx->buf, PACKET_HEADROOM);
    dp_packet_set_data(&fx->pkt, f.d, f.len);
    datapath_execute(fx->dp, &fx->pkt, b.data, b.len);
    struct dp_stats st;
    datapath_get_stats(fx->dp, &st);
    assert_int_equal(st.n_missing_port_drops, 2);
    assert_int_equal(vport_memory_tx_count(datapath_port_get(fx->dp, fx->out)),
                     0);
}

/* A meter of 1 packet/s with a burst of 2: the first two packets pass
 * (the bucket starts full), the next three are over the rate, dropped and
 * counted as datapath_drop_meter; the meter and its band count them. */
static void test_meter_drops(void **state)
{
    struct fx *fx = *state;
    struct dp_meter_config cfg = {
        .flags = DP_METER_F_PKTPS | DP_METER_F_BURST, .n_bands = 1,
        .bands = { { .type = DP_METER_BAND_DROP, .rate = 1,
                     .burst_size = 2 } },
    };
    char err[128];
    struct dp_meters *mt = datapath_meters(fx->dp);
    uint32_t id;
    assert_int_equal(dp_meter_id_alloc(mt, &id), 0);
    assert_int_equal(dp_meter_set(mt, id, &cfg, err, sizeof err), 0);
    struct frame f;
    build(&f, false, IPPROTO_UDP, false, 10);
    char text[64];
    snprintf(text, sizeof text, "meter(%u)", id);
    struct action_buf b;
    acts_then_out(fx, text, &b);
    int sent = 0;
    for (int i = 0; i < 5; i++) {
        sent += run(fx, &f, &b) >= 0;
    }
    assert_int_equal(sent, 2);
    struct dp_drop_stats ds;
    datapath_get_drops(fx->dp, &ds);
    assert_int_equal(ds.n[DP_DROP_METER], 3);
    struct dp_meter_stats ms;
    assert_int_equal(dp_meter_get_stats(mt, id, &ms), 0);
    assert_int_equal(ms.packets, 5);
    assert_int_equal(ms.bytes, 5 * f.len);
    assert_int_equal(ms.bands[0].packets, 3);
    assert_int_equal(ms.bands[0].bytes, 3 * f.len);
    /* A meter that is gone lets everything through, as OVS. */
    dp_meter_del(mt, id);
    assert_true(run(fx, &f, &b) >= 0);
}

/* A dscp_remark band over its rate raises AF11 to AF12 (prec_level 1) and
 * fixes the IPv4 checksum; the packet is still sent. */
static void test_meter_dscp_remark(void **state)
{
    struct fx *fx = *state;
    struct dp_meter_config cfg = {
        .flags = DP_METER_F_PKTPS | DP_METER_F_BURST, .n_bands = 1,
        .bands = { { .type = DP_METER_BAND_DSCP_REMARK, .prec_level = 1,
                     .rate = 1, .burst_size = 1 } },
    };
    char err[128];
    struct dp_meters *mt = datapath_meters(fx->dp);
    uint32_t id;
    assert_int_equal(dp_meter_id_alloc(mt, &id), 0);
    assert_int_equal(dp_meter_set(mt, id, &cfg, err, sizeof err), 0);
    struct frame f;
    build(&f, false, IPPROTO_UDP, false, 10);
    f.d[f.l3 + 1] = 10 << 2 | 1;            /* AF11, ECN 01 */
    frame_fix_sums(&f);
    char text[64];
    snprintf(text, sizeof text, "meter(%u)", id);
    struct action_buf b;
    acts_then_out(fx, text, &b);
    assert_int_equal(run(fx, &f, &b), f.len);       /* within the burst */
    assert_int_equal(fx->got[f.l3 + 1], 10 << 2 | 1);
    assert_int_equal(run(fx, &f, &b), f.len);       /* over: remarked */
    assert_int_equal(fx->got[f.l3 + 1], 12 << 2 | 1);
    assert_int_equal(rd16(fx->got + f.l3 + 10), ipv4_csum(fx->got + f.l3));
    dp_meter_del(mt, id);
}

static void test_set_eth_masked(void **state)
{
    struct fx *fx = *state;
    struct frame f;
    build(&f, false, IPPROTO_TCP, false, 0);
    struct action_buf b;
    acts_then_out(fx, "set(eth(src=aa:bb:cc:dd:ee:ff,"
                  "dst=11:22:33:44:55:66/ff:00:00:00:00:ff))", &b);
    assert_int_equal(run(fx, &f, &b), f.len);
    const uint8_t src[6] = { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
    const uint8_t dst[6] = { 0x11, 0, 0, 0, 0, 0x66 };
    assert_memory_equal(fx->got, dst, 6);
    assert_memory_equal(fx->got + 6, src, 6);
    assert_memory_equal(fx->got + 12, f.d + 12, f.len - 12);
}

/* set(ipv4) on TCP, UDP (with and without checksum) and behind a VLAN. */
static void check_set_ipv4(struct fx *fx, uint8_t proto, bool vlan,
                           bool zero_udp)
{
    struct frame f;
    build(&f, false, proto, vlan, 33);
    if (zero_udp) {
        wr16(f.d + f.l4 + 6, 0);
    }
    struct action_buf b;
    acts_then_out(fx, "set(ipv4(src=192.168.7.9,dst=10.9.0.0/255.255.0.0,"
                  "tos=0x28/0xfc,ttl=17))", &b);
    assert_int_equal(run(fx, &f, &b), f.len);
    const uint8_t *ip = fx->got + f.l3;
    char a[16];
    inet_ntop(AF_INET, ip + 12, a, sizeof a);
    assert_string_equal(a, "192.168.7.9");
    inet_ntop(AF_INET, ip + 16, a, sizeof a);
    assert_string_equal(a, "10.9.0.2");
    assert_int_equal(ip[1], 0x28);      /* ECN bits 0 kept */
    assert_int_equal(ip[8], 17);
    if (zero_udp) {
        assert_int_equal(rd16(fx->got + f.l4 + 6), 0);
    }
    assert_sums_valid(&f, fx->got);
}

static void test_set_ipv4_tcp(void **state)
{
    check_set_ipv4(*state, IPPROTO_TCP, false, false);
    check_set_ipv4(*state, IPPROTO_TCP, true, false);
}

static void test_set_ipv4_udp(void **state)
{
    check_set_ipv4(*state, IPPROTO_UDP, false, false);
    check_set_ipv4(*state, IPPROTO_UDP, true, true);   /* csum 0 stays 0 */
}

static void test_set_ipv4_later_fragment(void **state)
{
    struct fx *fx = *state;
    struct frame f;
    build(&f, false, IPPROTO_TCP, false, 20);
    wr16(f.d + f.l3 + 6, 0x0010);       /* offset 128: no TCP header here */
    frame_fix_sums(&f);
    struct action_buf b;
    acts_then_out(fx, "set(ipv4(src=1.2.3.4))", &b);
    assert_int_equal(run(fx, &f, &b), f.len);
    assert_int_equal(rd16(fx->got + f.l3 + 10), ipv4_csum(fx->got + f.l3));
    /* The bytes where a TCP checksum would be are payload: unchanged. */
    assert_memory_equal(fx->got + f.l4, f.d + f.l4, f.l4_len);
}

static void check_set_ipv6(struct fx *fx, uint8_t proto)
{
    struct frame f;
    build(&f, true, proto, false, 21);
    struct action_buf b;
    acts_then_out(fx, "set(ipv6(src=2001:db8:1::77,dst=fe80::5/ffff::,"
                  "label=0x54321,tclass=0xa0/0xf0,hlimit=3))", &b);
    assert_int_equal(run(fx, &f, &b), f.len);
    const uint8_t *ip = fx->got + f.l3;
    char a[64];
    inet_ntop(AF_INET6, ip + 8, a, sizeof a);
    assert_string_equal(a, "2001:db8:1::77");
    inet_ntop(AF_INET6, ip + 24, a, sizeof a);
    assert_string_equal(a, "fe80:db8::2");
    uint32_t vtl = (uint32_t)ip[0] << 24 | ip[1] << 16 | ip[2] << 8 | ip[3];
    assert_int_equal(vtl >> 28, 6);
    assert_int_equal((vtl >> 20) & 0xff, 0xa0);
    assert_int_equal(vtl & 0xfffff, 0x54321);
    assert_int_equal(ip[7], 3);
    assert_sums_valid(&f, fx->got);
}

static void test_set_ipv6(void **state)
{
    check_set_ipv6(*state, IPPROTO_TCP);
    check_set_ipv6(*state, IPPROTO_UDP);
    check_set_ipv6(*state, 58);         /* ICMPv6: pseudo-header too */
}

static void check_set_tp(struct fx *fx, bool v6, uint8_t proto)
{
    struct frame f;
    build(&f, v6, proto, !v6, 17);
    struct action_buf b;
    acts_then_out(fx, "set(tcp(src=4000,dst=0x1234/0xff00))", &b);
    assert_int_equal(run(fx, &f, &b), f.len);
    assert_int_equal(rd16(fx->got + f.l4), 4000);
    assert_int_equal(rd16(fx->got + f.l4 + 2), 0x1200 | 80);
    assert_sums_valid(&f, fx->got);
}

static void test_set_tp(void **state)
{
    check_set_tp(*state, false, IPPROTO_TCP);
    check_set_tp(*state, false, IPPROTO_UDP);
    check_set_tp(*state, true, IPPROTO_TCP);
    check_set_tp(*state, true, IPPROTO_UDP);
    check_set_tp(*state, false, 132);   /* SCTP: CRC32c recomputed */
}

/* With checksum offload pending, the L4 field holds the pseudo-header sum
 * (uncomplemented): address changes update it, port changes do not. */
static void test_partial_csum(void **state)
{
    struct fx *fx = *state;
    struct frame f;
    build(&f, false, IPPROTO_TCP, false, 10);
    uint8_t *ip = f.d + f.l3;
    uint32_t ps = sum16(ip + 12, 8, 0) + IPPROTO_TCP + f.l4_len;
    wr16(f.d + f.l4 + 16, ~fold_not(ps) & 0xffff);
    struct action_buf b;
    acts_then_out(fx, "set(ipv4(src=172.16.0.1)),set(tcp(src=9))", &b);
    dp_packet_init(&fx->pkt, fx->buf, sizeof fx->buf, PACKET_HEADROOM);
    dp_packet_set_data(&fx->pkt, f.d, f.len);
    fx->pkt.md.offload.flags = 1;       /* VIRTIO_NET_HDR_F_NEEDS_CSUM */
    fx->pkt.md.offload.csum_start = f.l4;
    fx->pkt.md.offload.csum_offset = 16;
    datapath_execute(fx->dp, &fx->pkt, b.data, b.len);
    assert_int_equal(vport_memory_take(datapath_port_get(fx->dp, fx->out),
                                       fx->got, sizeof fx->got), f.len);
    const uint8_t *nip = fx->got + f.l3;
    uint32_t nps = sum16(nip + 12, 8, 0) + IPPROTO_TCP + f.l4_len;
    assert_int_equal(rd16(fx->got + f.l4 + 16), ~fold_not(nps) & 0xffff);
    assert_int_equal(rd16(nip + 10), ipv4_csum(nip));
}

static void test_push_pop_vlan(void **state)
{
    struct fx *fx = *state;
    struct frame f;
    build(&f, false, IPPROTO_UDP, false, 12);
    struct action_buf b;
    acts_then_out(fx, "push_vlan(vid=100,pcp=5)", &b);
    dp_packet_init(&fx->pkt, fx->buf, sizeof fx->buf, PACKET_HEADROOM);
    dp_packet_set_data(&fx->pkt, f.d, f.len);
    fx->pkt.md.offload.flags = 1;
    fx->pkt.md.offload.csum_start = f.l4;
    datapath_execute(fx->dp, &fx->pkt, b.data, b.len);
    struct vport *out = datapath_port_get(fx->dp, fx->out);
    assert_int_equal(vport_memory_take(out, fx->got, sizeof fx->got),
                     f.len + 4);
    assert_memory_equal(fx->got, f.d, 12);
    assert_int_equal(rd16(fx->got + 12), 0x8100);
    assert_int_equal(rd16(fx->got + 14), 5 << 13 | 100);
    assert_memory_equal(fx->got + 16, f.d + 12, f.len - 12);
    assert_int_equal(fx->pkt.md.offload.csum_start, f.l4 + 4);
    assert_int_equal(dp_packet_headroom(&fx->pkt), PACKET_HEADROOM - 4);

    /* pop_vlan on the tagged packet restores the original frame. */
    acts_then_out(fx, "pop_vlan", &b);
    datapath_execute(fx->dp, &fx->pkt, b.data, b.len);
    assert_int_equal(vport_memory_take(out, fx->got, sizeof fx->got), f.len);
    assert_memory_equal(fx->got, f.d, f.len);
    assert_int_equal(fx->pkt.md.offload.csum_start, f.l4);

    /* 802.1ad outer tag, then pop_vlan of an untagged frame: no change. */
    acts_then_out(fx, "push_vlan(tpid=0x88a8,vid=7,pcp=0)", &b);
    assert_int_equal(run(fx, &f, &b), f.len + 4);
    assert_int_equal(rd16(fx->got + 12), 0x88a8);
    acts_then_out(fx, "pop_vlan", &b);
    assert_int_equal(run(fx, &f, &b), f.len);
    assert_memory_equal(fx->got, f.d, f.len);
}

static void test_trunc_drop(void **state)
{
    struct fx *fx = *state;
    struct frame f;
    build(&f, false, IPPROTO_UDP, false, 200);
    struct action_buf b;
    char s[128];
    snprintf(s, sizeof s, "trunc(60),%u,%u,drop,%u", fx->out, fx->out,
             fx->out);
    parse_ok(s, &b);
    dp_packet_init(&fx->pkt, fx->buf, sizeof fx->buf, PACKET_HEADROOM);
    dp_packet_set_data(&fx->pkt, f.d, f.len);
    datapath_execute(fx->dp, &fx->pkt, b.data, b.len);
    struct vport *out = datapath_port_get(fx->dp, fx->out);
    assert_int_equal(vport_memory_tx_count(out), 2);   /* drop stopped it */
    assert_int_equal(vport_memory_take(out, fx->got, sizeof fx->got), 60);
    assert_memory_equal(fx->got, f.d, 60);
    assert_int_equal(vport_memory_take(out, fx->got, sizeof fx->got), f.len);
    assert_int_equal(fx->pkt.len, f.len);  /* the packet itself is whole */
}

struct upcalls_seen {
    int n;
    struct upcall last;
    struct flow_tnl tnl;
    uint8_t frame[2048];
    uint32_t len;
};

static void save_upcall(const struct upcall *up, void *aux)
{
    struct upcalls_seen *u = aux;
    u->n++;
    u->last = *up;
    u->tnl = up->packet->md.tunnel;
    u->len = up->packet->len;
    memcpy(u->frame, dp_packet_data(up->packet), up->packet->len);
}

static void test_userspace_and_tunnel(void **state)
{
    struct fx *fx = *state;
    struct frame f;
    build(&f, false, IPPROTO_UDP, false, 5);
    struct action_buf b;
    parse_ok("set(tunnel(tun_id=0x5,src=1.1.1.1,dst=2.2.2.2,ttl=64,"
             "tp_dst=4789,flags(df|key))),userspace(userdata=0xabc)", &b);
    assert_int_equal(run(fx, &f, &b), -1);
    struct upcalls_seen u = { 0 };
    assert_int_equal(datapath_upcall_drain(fx->dp, save_upcall, &u, 10), 1);
    assert_int_equal(u.last.type, UPCALL_ACTION);
    assert_int_equal(u.last.userdata, 0xabc);
    assert_int_equal(u.len, f.len);
    assert_memory_equal(u.frame, f.d, f.len);
    assert_int_equal(be64toh(u.tnl.tun_id), 5);
    assert_int_equal(u.tnl.ip_dst, inet_addr("2.2.2.2"));
    assert_int_equal(u.tnl.ip_ttl, 64);
    assert_int_equal(ntohs(u.tnl.tp_dst), 4789);
    assert_int_equal(u.tnl.flags, FLOW_TNL_F_DONT_FRAGMENT | FLOW_TNL_F_KEY);
    assert_int_equal(u.last.key.tunnel.ip_dst, inet_addr("2.2.2.2"));
}

/* A short or odd frame must not be read past its end by any action. */
static void test_short_frames(void **state)
{
    struct fx *fx = *state;
    struct frame f;
    build(&f, false, IPPROTO_TCP, true, 0);
    struct action_buf b;
    acts_then_out(fx, "set(eth(src=aa:bb:cc:dd:ee:ff)),pop_vlan,"
                  "set(ipv4(src=1.2.3.4,ttl=1)),set(tcp(src=1,dst=2)),"
                  "set(ipv6(src=::1)),push_vlan(vid=1,pcp=0)", &b);
    for (size_t len = 0; len <= f.len; len++) {
        struct frame g = f;
        g.len = len;
        int got = run(fx, &g, &b);
        assert_true(got >= 0 && (size_t)got <= len + 4);
    }
}

/* --------------------------------------------------------------- validate */

static void test_validate_builder_lists(void **state)
{
    (void)state;
    struct action_buf b;
    action_buf_init(&b);
    assert_int_equal(actions_validate(b.data, b.len), 0);  /* empty = drop */
    action_put_output(&b, 3);
    action_put_push_vlan(&b, htons(0x8100), htons(10));
    action_put_pop_vlan(&b);
    action_put_userspace(&b, 7);
    action_put_drop(&b);
    assert_false(b.overflow);
    assert_int_equal(b.len % 8, 0);
    assert_int_equal(actions_validate(b.data, b.len), 0);

    /* The builder refuses what does not fit and keeps the list intact. */
    action_buf_init(&b);
    while (!b.overflow) {
        action_put_userspace(&b, 1);
    }
    assert_true(b.len <= ACTION_BUF_SIZE);
    assert_int_equal(actions_validate(b.data, b.len), 0);
}

static void put_raw(uint8_t *buf, size_t *ofs, uint16_t len, uint16_t type,
                    const void *payload, size_t payload_len)
{
    struct dp_action a = { .len = len, .type = type };
    memcpy(buf + *ofs, &a, sizeof a);
    memcpy(buf + *ofs + sizeof a, payload, payload_len);
    *ofs += (sizeof a + payload_len + 7) & ~7u;
}

static void test_validate_hostile(void **state)
{
    (void)state;
    uint8_t buf[ACTION_BUF_SIZE + 64] __attribute__((aligned(8)));
    uint8_t zero[128] = { 0 };
    size_t n;

    memset(buf, 0, sizeof buf);
    assert_int_equal(actions_validate(buf, 4), -EINVAL);   /* not padded */
    assert_int_equal(actions_validate(buf, 8), -EINVAL);   /* len 0 */
    assert_int_equal(actions_validate(NULL, 8), -EINVAL);
    assert_int_equal(actions_validate(buf, ACTION_BUF_SIZE + 8), -EINVAL);

    struct { uint16_t len, type; uint32_t p; } bad[] = {
        { 8, DP_ACTION_OUTPUT, 1 },         /* right */
        { 7, DP_ACTION_OUTPUT, 1 },         /* payload too short */
        { 12, DP_ACTION_OUTPUT, 1 },        /* too long */
        { 8, 0, 1 },                        /* type 0 */
        { 8, 999, 1 },                      /* unknown type */
        { 4, DP_ACTION_USERSPACE, 0 },      /* missing payload */
        { 8, DP_ACTION_TRUNC, 5 },          /* trunc below Ethernet */
        { 8, DP_ACTION_PUSH_VLAN, 0x0a000008 },  /* tpid 0x0800 */
        { 16, DP_ACTION_OUTPUT, 1 },        /* len past the list */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(buf, 0, sizeof buf);
        memcpy(buf, &bad[i], sizeof bad[i]);
        assert_int_equal(actions_validate(buf, 8), i == 0 ? 0 : -EINVAL);
    }

    /* A good action followed by a truncated one. */
    n = 0;
    uint32_t port = 1;
    put_raw(buf, &n, 8, DP_ACTION_OUTPUT, &port, 4);
    put_raw(buf, &n, 28, DP_ACTION_SET_ETH, zero, 24);
    assert_int_equal(actions_validate(buf, n), 0);
    assert_int_equal(actions_validate(buf, n - 8), -EINVAL);

    /* Payload contents: IPv6 label over 20 bits, unknown tunnel flags. */
    struct dp_action_set_ipv6 s6;
    memset(&s6, 0, sizeof s6);
    s6.label = htonl(0x100000);
    n = 0;
    put_raw(buf, &n, 4 + sizeof s6, DP_ACTION_SET_IPV6, &s6, sizeof s6);
    assert_int_equal(actions_validate(buf, n), -EINVAL);
    struct flow_tnl t;
    memset(&t, 0, sizeof t);
    t.flags = 0x80;
    n = 0;
    put_raw(buf, &n, 4 + sizeof t, DP_ACTION_SET_TUNNEL, &t, sizeof t);
    assert_int_equal(actions_validate(buf, n), -EINVAL);

    /* Random garbage: whatever is accepted is walkable and formattable. */
    srand(12345);
    for (int iter = 0; iter < 20000; iter++) {
        size_t len = (rand() % 8) * 8;
        for (size_t i = 0; i < len; i++) {
            buf[i] = rand();
        }
        if (iter & 1) {         /* plausible headers make it further */
            buf[0] = 8 + rand() % 80;
            buf[1] = 0;
            buf[2] = rand() % 13;
            buf[3] = 0;
        }
        if (actions_validate(buf, len) == 0) {
            char s[2048];
            assert_true(actions_format(buf, len, s, sizeof s) > 0);
        }
    }
}

/* ------------------------------------------------------------ text form */

static void test_format_parse_round_trip(void **state)
{
    (void)state;
    static const char *const cases[] = {
        "drop",
        "2,1",
        "push_vlan(vid=10,pcp=0),3",
        "push_vlan(tpid=0x88a8,vid=4095,pcp=7),pop_vlan,1",
        "set(eth(src=00:11:22:33:44:55,dst=66:77:88:99:aa:bb)),2",
        "set(eth(dst=01:00:00:00:00:00/01:00:00:00:00:00))",
        "set(ipv4(src=10.0.0.1,dst=10.0.0.0/255.255.255.0,tos=4/0xfc,ttl=9))",
        "set(ipv6(src=2001:db8::1,dst=::/ffff::,label=0x12345,tclass=3,"
        "hlimit=255))",
        "set(tcp(src=80,dst=443))",
        "set(tcp(dst=256/0xff00))",
        "set(tunnel(tun_id=0x5,src=1.1.1.1,dst=2.2.2.2,tos=4,ttl=64,"
        "tp_src=1000,tp_dst=4789,flags(df|csum|key))),7",
        "set(tunnel(dst=2.2.2.2,ttl=0))",
        "userspace(userdata=0xdeadbeef)",
        "trunc(100),4,5",
        "1,drop",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct action_buf b, b2;
        parse_ok(cases[i], &b);
        assert_int_equal(actions_validate(b.data, b.len), 0);
        char s[1024];
        int n = actions_format(b.data, b.len, s, sizeof s);
        assert_int_equal(n, (int)strlen(s));
        assert_string_equal(s, cases[i]);
        parse_ok(s, &b2);
        assert_int_equal(b2.len, b.len);
        assert_memory_equal(b2.data, b.data, b.len);
        /* snprintf semantics: a short buffer gets a prefix, same count. */
        char small[8];
        assert_int_equal(actions_format(b.data, b.len, small, sizeof small),
                         n);
        assert_int_equal(strlen(small), n < 7 ? n : 7);
    }
    /* "udp" and "sctp" parse to the same action as "tcp". */
    struct action_buf u, t;
    parse_ok("set(udp(src=1,dst=2))", &u);
    parse_ok("set(tcp(src=1,dst=2))", &t);
    assert_int_equal(u.len, t.len);
    assert_memory_equal(u.data, t.data, t.len);
}

static void test_parse_errors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "foo", "1,,2", "4294967296", "push_vlan(vid=4096,pcp=0)",
        "push_vlan(tpid=0x0800,vid=1,pcp=0)", "set(eth(src=zz:00:00:00:00:00))",
        "set(ipv4(src=1.2.3))", "set(ipv4(ttl=256))", "set(ipv6(label=0x100000))",
        "set(tcp(src=70000))", "set(foo(a=1))", "set(tunnel(flags(xx)))",
        "trunc(3)", "userspace(1)", "1,(", "2)", "set(eth(src=00:11:22:33:44))",
        "-1", "1 ", "set(eth(src=00:11:22:33:44:55:66))",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct action_buf b;
        char err[128] = "";
        if (actions_parse(bad[i], &b, err, sizeof err) != -1) {
            fail_msg("\"%s\" parsed", bad[i]);
        }
        assert_true(err[0] != '\0');
        assert_int_equal(b.len, 0);
    }
    /* Too many actions for the buffer: an error, not an overflow. */
    char big[8000];
    size_t ofs = 0;
    while (ofs < sizeof big - 8) {
        ofs += snprintf(big + ofs, sizeof big - ofs, "%s1", ofs ? "," : "");
    }
    struct action_buf b;
    char err[128];
    assert_int_equal(actions_parse(big, &b, err, sizeof err), -1);
}

/* ------------------------------------------------------- the action list */

/* A sample of every action of DP_ACTIONS, as text: a list whose last action
 * is of that type ("drop" alone is the empty list, so drop's sample has an
 * output before it).  An entry added to the list without a sample here
 * fails test_every_listed_action. */
static const char *const samples[N_DP_ACTION_TYPES] = {
    [DP_ACTION_OUTPUT] = "5",
    [DP_ACTION_USERSPACE] = "userspace(userdata=0x1234)",
    [DP_ACTION_PUSH_VLAN] = "push_vlan(tpid=0x88a8,vid=100,pcp=3)",
    [DP_ACTION_POP_VLAN] = "pop_vlan",
    [DP_ACTION_SET_ETH] = "set(eth(src=02:00:00:00:00:01,"
                          "dst=ff:ff:ff:00:00:00/ff:ff:ff:00:00:00))",
    [DP_ACTION_SET_IPV4] = "set(ipv4(src=10.1.2.3,ttl=7))",
    [DP_ACTION_SET_IPV6] = "set(ipv6(dst=2001:db8::9,label=0x54321))",
    [DP_ACTION_SET_TP] = "set(tcp(src=4608/0xff00))",
    [DP_ACTION_SET_TUNNEL] = "set(tunnel(tun_id=0x2a,dst=192.0.2.1,ttl=32,"
                             "flags(key)))",
    [DP_ACTION_DROP] = "1,drop",
    [DP_ACTION_TRUNC] = "trunc(64)",
    [DP_ACTION_METER] = "meter(7)",
};

/* No entry has a variable payload yet: the form a variable one will use
 * takes apart as the list's users expect. */
_Static_assert(DP_PAYLOAD_MIN(DP_PAYLOAD_RANGE(2, 9)) == 2
               && DP_PAYLOAD_MAX(DP_PAYLOAD_RANGE(2, 9)) == 9
               && DP_PAYLOAD_MAX(DP_PAYLOAD(struct flow_tnl))
                  == sizeof(struct flow_tnl)
               && DP_PAYLOAD_MAX(DP_PAYLOAD_NONE) == 0,
               "DP_PAYLOAD forms");

/* The last action of the list in `b`. */
static const struct dp_action *last_action(const struct action_buf *b)
{
    const struct dp_action *last = NULL;
    DP_ACTION_FOR_EACH (a, b->data, b->len) {
        last = a;
    }
    return last;
}

/* A list of one action of `type` whose payload is `payload` cut or
 * zero-filled to `size` bytes. */
static size_t put_resized(uint8_t *buf, uint16_t type, const void *payload,
                          size_t payload_len, size_t size)
{
    size_t n = 0;
    uint8_t bytes[256] = { 0 };
    assert_true(size <= sizeof bytes && payload_len <= sizeof bytes);
    memcpy(bytes, payload, payload_len);
    put_raw(buf, &n, sizeof(struct dp_action) + size, type, bytes, size);
    return n;
}

/* Validation refuses the sample action `a` when its payload is one byte
 * short, one byte or 8 bytes long (the padding changes or not). */
static void assert_wrong_sizes_refused(const struct dp_action *a)
{
    const struct dp_action_kind *k = dp_action_kind(a->type);
    uint8_t buf[512] __attribute__((aligned(8)));
    size_t size = dp_action_payload_len(a);
    size_t wrong[] = { k->min_payload - 1, k->max_payload + 1,
                       k->max_payload + 8 };
    for (size_t i = k->min_payload ? 0 : 1; i < 3; i++) {
        memset(buf, 0, sizeof buf);
        size_t n = put_resized(buf, a->type, dp_action_payload(a), size,
                               wrong[i]);
        if (actions_validate(buf, n) != -EINVAL) {
            fail_msg("%s: a payload of %zu bytes validates", k->name,
                     wrong[i]);
        }
    }
    /* The right size, built the same way, does validate. */
    size_t n = put_resized(buf, a->type, dp_action_payload(a), size, size);
    assert_int_equal(actions_validate(buf, n), 0);
}

/* Walks DP_ACTIONS: every entry has its type's place, a unique name, and a
 * sample that validate accepts at its size and refuses at other sizes,
 * that formats to the same text and parses back to the same bytes. */
static void test_every_listed_action(void **state)
{
    (void)state;
    static const struct {
        uint16_t type;
        const char *name;
    } list[] = {
#define ENTRY(ENUM, NAME, PAYLOAD) { DP_ACTION_##ENUM, #NAME },
        DP_ACTIONS(ENTRY)
#undef ENTRY
    };
    size_t n_list = sizeof list / sizeof list[0];
    assert_int_equal(n_list, N_DP_ACTION_TYPES - 1);
    assert_null(dp_action_kind(DP_ACTION_UNSPEC));
    assert_null(dp_action_kind(N_DP_ACTION_TYPES));
    assert_null(dp_action_name(N_DP_ACTION_TYPES));
    for (size_t i = 0; i < n_list; i++) {
        uint16_t type = list[i].type;
        const struct dp_action_kind *k = dp_action_kind(type);
        assert_int_equal(type, i + 1);      /* wire types: append only */
        assert_non_null(k);
        assert_string_equal(k->name, list[i].name);
        assert_ptr_equal(dp_action_name(type), k->name);
        for (size_t j = 0; j < i; j++) {
            assert_string_not_equal(list[j].name, k->name);
        }
        if (!samples[type]) {
            fail_msg("no sample for action %s in samples[]", k->name);
        }

        struct action_buf b, again;
        parse_ok(samples[type], &b);
        const struct dp_action *a = last_action(&b);
        assert_non_null(a);
        assert_int_equal(a->type, type);
        assert_in_range(dp_action_payload_len(a), k->min_payload,
                        k->max_payload);
        assert_int_equal(actions_validate(b.data, b.len), 0);

        char text[512];
        actions_format(b.data, b.len, text, sizeof text);
        assert_string_equal(text, samples[type]);
        parse_ok(text, &again);
        assert_int_equal(again.len, b.len);
        assert_memory_equal(again.data, b.data, b.len);

        assert_wrong_sizes_refused(a);
    }
}

/* An unvalidated action of the wrong size prints as if cut or zero-filled
 * to its type's size, and the printer reads only what the list holds
 * (ASan checks the exactly sized buffers). */
static void test_format_wrong_size(void **state)
{
    (void)state;
    struct dp_action *a = malloc(sizeof *a);
    a->type = DP_ACTION_OUTPUT;
    a->len = sizeof *a;                     /* no port number */
    char s[64];
    actions_format(a, sizeof *a, s, sizeof s);
    assert_string_equal(s, "0");
    free(a);

    uint8_t *big = calloc(1, 16);           /* trunc with 12 bytes */
    struct dp_action h = { .len = 16, .type = DP_ACTION_TRUNC };
    uint32_t max_len = 100;
    memcpy(big, &h, sizeof h);
    memcpy(big + sizeof h, &max_len, sizeof max_len);
    memset(big + 8, 0xff, 8);
    actions_format(big, 16, s, sizeof s);
    assert_string_equal(s, "trunc(100)");
    free(big);
}

/* ------------------------------------------------------ recursion limits */

/* Test port types: "trace" records what it is sent; "reenter" re-enters
 * the datapath as received on port `peer` (like a patch port) and records
 * when its send starts and returns. */
static char events[4096];
static int n_traced;

static void event(const char *what, const struct dp_packet *p)
{
    char e[32];
    snprintf(e, sizeof e, "%s%u ", what, p->md.depth);
    strncat(events, e, sizeof events - strlen(events) - 1);
}

static int trace_create(struct vport *vp, const struct vport_opt *o,
                        size_t n, char *err, size_t errlen)
{
    (void)vp, (void)o, (void)n, (void)err, (void)errlen;
    return 0;
}

static int trace_send(struct vport *vp, const struct dp_packet *p)
{
    (void)vp;
    n_traced++;
    event("out", p);
    return 0;
}

static int reenter_create(struct vport *vp, const struct vport_opt *o,
                          size_t n, char *err, size_t errlen)
{
    const char *peer = vport_opt_get(o, n, "peer");
    if (!peer) {
        snprintf(err, errlen, "peer missing");
        return -EINVAL;
    }
    vp->priv = (void *)(uintptr_t)atoi(peer);
    return 0;
}

static int reenter_send(struct vport *vp, const struct dp_packet *p)
{
    event("send", p);
    actions_reenter(vp->dp, p, (uint32_t)(uintptr_t)vp->priv);
    event("ret", p);
    return 0;
}

static const struct vport_ops trace_ops = {
    .type = "test-trace", .create = trace_create, .send = trace_send,
};
static const struct vport_ops reenter_ops = {
    .type = "test-reenter", .create = reenter_create, .send = reenter_send,
};

static void put_in_port_flow(struct datapath *dp, uint32_t in_port,
                             const char *acts)
{
    struct flow_key key, mask;
    memset(&key, 0, sizeof key);
    memset(&mask, 0, sizeof mask);
    key.in_port = in_port;
    mask.in_port = UINT32_MAX;
    struct action_buf b;
    parse_ok(acts, &b);
    assert_int_equal(datapath_flow_put(dp, &key, &mask, b.data, b.len,
                                       false), 0);
}

static bool log_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    bool found = false;
    while (f && fgets(line, sizeof line, f)) {
        found |= strstr(line, needle) != NULL;
    }
    if (f) {
        fclose(f);
    }
    return found;
}

static void inject(struct datapath *dp, uint32_t port_no)
{
    struct frame f;
    build(&f, false, IPPROTO_UDP, false, 10);
    struct vport *in = datapath_port_get(dp, port_no);
    assert_int_equal(vport_memory_inject(in, f.d, f.len), 0);
    assert_int_equal(datapath_poll_port(dp, port_no), 1);
}

/* A port that loops back into itself: every pass re-enters one deeper.
 * Passes at depths 1..4 run; the re-entry to depth 5 is dropped, counted
 * and logged.  Only the first re-entry runs inside the outer call; the
 * deeper ones are deferred until it returns. */
static void test_recursion_limit(void **state)
{
    (void)state;
    char logpath[] = "/tmp/test_actions_log_XXXXXX";
    int fd = mkstemp(logpath);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(vlog_set_file(logpath), 0);

    struct datapath *dp = datapath_create("rec");
    struct vport_opt peer = { "peer", "2" };
    uint32_t in = add_port(dp, "in", "memory", NULL, 0);
    uint32_t loop = add_port(dp, "loop", "test-reenter", &peer, 1);
    uint32_t trace = add_port(dp, "trace", "test-trace", NULL, 0);
    assert_int_equal(loop, 2);
    char acts[64];
    snprintf(acts, sizeof acts, "%u", loop);
    put_in_port_flow(dp, in, acts);
    snprintf(acts, sizeof acts, "%u,%u", trace, loop);
    put_in_port_flow(dp, loop, acts);

    events[0] = '\0';
    n_traced = 0;
    uint64_t warns = vlog_count(VLL_WARN);
    inject(dp, in);
    assert_string_equal(events,
        "send0 out1 send1 ret1 ret0 "       /* outer call; 1 ran inside */
        "out2 send2 ret2 out3 send3 ret3 "  /* deferred, after it */
        "out4 send4 ret4 ");                /* depth 5: dropped */
    assert_int_equal(n_traced, 4);
    struct dp_stats st;
    datapath_get_stats(dp, &st);
    assert_int_equal(st.n_recursion_drops, 1);
    assert_int_equal(st.n_hit, 5);
    assert_int_equal(vlog_count(VLL_WARN), warns + 1);
    assert_true(log_has(logpath, "recursion limit reached, probable "
                        "configuration error"));
    datapath_destroy(dp);
    vlog_set_file(NULL);
    unlink(logpath);
}

/* Twelve deferred re-entries at once: ten fit the queue, two are dropped
 * and counted; the ten run after the outer call. */
static void test_deferred_overflow(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("fan");
    struct vport_opt p5 = { "peer", "5" }, p6 = { "peer", "6" };
    uint32_t in = add_port(dp, "in", "memory", NULL, 0);
    uint32_t r2 = add_port(dp, "r2", "test-reenter", &p5, 1);
    uint32_t trace = add_port(dp, "trace", "test-trace", NULL, 0);
    uint32_t r4 = add_port(dp, "r4", "test-reenter", &p6, 1);
    char acts[256] = "";
    snprintf(acts, sizeof acts, "%u", r2);
    put_in_port_flow(dp, in, acts);
    acts[0] = '\0';
    for (int i = 0; i < 12; i++) {
        snprintf(acts + strlen(acts), sizeof acts - strlen(acts), "%s%u",
                 i ? "," : "", r4);
    }
    put_in_port_flow(dp, 5, acts);
    snprintf(acts, sizeof acts, "%u", trace);
    put_in_port_flow(dp, 6, acts);

    n_traced = 0;
    events[0] = '\0';
    inject(dp, in);
    assert_int_equal(n_traced, ACTIONS_DEFERRED_MAX);
    struct dp_stats st;
    datapath_get_stats(dp, &st);
    assert_int_equal(st.n_recursion_drops, 12 - ACTIONS_DEFERRED_MAX);
    /* Every trace output came after the outer send returned. */
    const char *ret0 = strstr(events, "ret0");
    const char *out2 = strstr(events, "out2");
    assert_non_null(ret0);
    assert_non_null(out2);
    assert_true(ret0 < out2);
    datapath_destroy(dp);
}

int main(void)
{
    rcu_register_thread();
    assert_int_equal(vport_register(&trace_ops), 0);
    assert_int_equal(vport_register(&reenter_ops), 0);
    assert_int_equal(vport_register(&trace_ops), -EEXIST);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_output_copies, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_output_missing_port, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_set_eth_masked, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_set_ipv4_tcp, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_set_ipv4_udp, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_set_ipv4_later_fragment,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_set_ipv6, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_set_tp, fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_partial_csum, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_push_pop_vlan, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_trunc_drop, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_userspace_and_tunnel, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_short_frames, fx_setup,
                                        fx_teardown),
        cmocka_unit_test(test_validate_builder_lists),
        cmocka_unit_test(test_validate_hostile),
        cmocka_unit_test(test_format_parse_round_trip),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_every_listed_action),
        cmocka_unit_test_setup_teardown(test_meter_drops, fx_setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_meter_dscp_remark, fx_setup,
                                        fx_teardown),
        cmocka_unit_test(test_format_wrong_size),
        cmocka_unit_test(test_recursion_limit),
        cmocka_unit_test(test_deferred_overflow),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    rcu_unregister_thread();
    return failed;
}
