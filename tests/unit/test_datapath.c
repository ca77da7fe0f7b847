/* Unit tests for the datapath: port numbering, the fast path's counters
 * (hit, missed, lost, mask_hit), the upcall queue, flow stats, the
 * exact-match cache, the flow operations, and the drop reasons (per port,
 * per datapath, as coverage counters). */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
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
#include "lib/coverage.h"

static uint32_t add_port(struct datapath *dp, const char *name)
{
    uint32_t no = UINT32_MAX;
    char err[VPORT_ERR_MAX];
    struct vport_opt cap[] = { { "rx_capacity", "4096" },
                               { "tx_capacity", "4096" } };
    int error = datapath_port_add(dp, name, "memory", cap, 2, &no, err,
                                  sizeof err);
    if (error) {
        fail_msg("port_add %s: %s", name, err);
    }
    return no;
}

/* Drops of `reason` at port `port_no` (a port that exists). */
static uint64_t port_drops(struct datapath *dp, uint32_t port_no,
                           enum dp_drop_reason reason)
{
    struct dp_drop_stats s;
    vport_drops_read(datapath_port_get(dp, port_no), &s);
    return s.n[reason];
}

static uint64_t dp_drops(struct datapath *dp, enum dp_drop_reason reason)
{
    struct dp_drop_stats s;
    datapath_get_drops(dp, &s);
    return s.n[reason];
}

/* The total of the coverage counter that `reason` feeds. */
static uint64_t coverage_total(enum dp_drop_reason reason)
{
    const struct coverage_counter *c
        = coverage_find(dp_drop_reason_name(reason));
    assert_non_null(c);
    return coverage_get(c);
}

/* An Ethernet/IPv4/UDP or TCP frame of 64 bytes. */
static size_t build(uint8_t *f, uint8_t proto, uint32_t src, uint32_t dst,
                    uint16_t sport, uint16_t dport, uint8_t tcp_flags)
{
    memset(f, 0, 64);
    const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
    memcpy(f, macs, 12);
    f[12] = 0x08;
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    ip[3] = 50;
    ip[8] = 64;
    ip[9] = proto;
    uint32_t s = htonl(src), d = htonl(dst);
    memcpy(ip + 12, &s, 4);
    memcpy(ip + 16, &d, 4);
    uint8_t *l4 = ip + 20;
    l4[0] = sport >> 8;
    l4[1] = sport;
    l4[2] = dport >> 8;
    l4[3] = dport;
    if (proto == IPPROTO_TCP) {
        l4[12] = 0x50;
        l4[13] = tcp_flags;
    } else {
        l4[5] = 30;
    }
    return 64;
}

static void inject(struct datapath *dp, uint32_t port, const uint8_t *f,
                   size_t len)
{
    assert_int_equal(vport_memory_inject(datapath_port_get(dp, port), f, len),
                     0);
}

/* Polls `port` until its queue is empty; returns the packets processed. */
static int poll_all(struct datapath *dp, uint32_t port)
{
    int total = 0, n;
    while ((n = datapath_poll_port(dp, port)) > 0) {
        total += n;
    }
    assert_true(n == 0);
    return total;
}

static void put_flow(struct datapath *dp, const struct flow_key *key,
                     const struct flow_key *mask, const char *acts)
{
    struct action_buf b;
    char err[128];
    assert_int_equal(actions_parse(acts, &b, err, sizeof err), 0);
    assert_int_equal(datapath_flow_put(dp, key, mask, b.data, b.len, false),
                     0);
}

/* A key/mask on in_port and nw_dst (exact or /24). */
static void key_mask(struct flow_key *k, struct flow_key *m, uint32_t in_port,
                     uint32_t nw_dst, bool prefix24)
{
    memset(k, 0, sizeof *k);
    memset(m, 0, sizeof *m);
    k->in_port = in_port;
    m->in_port = UINT32_MAX;
    k->dl_type = htons(0x0800);
    m->dl_type = 0xffff;
    m->nw_dst = htonl(prefix24 ? 0xffffff00 : 0xffffffff);
    k->nw_dst = htonl(nw_dst) & m->nw_dst;
}

static void test_port_numbering(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("ports");
    char err[VPORT_ERR_MAX];
    assert_int_equal(add_port(dp, "a"), 1);     /* 0 only when asked */
    assert_int_equal(add_port(dp, "b"), 2);
    uint32_t no = 0;
    assert_int_equal(datapath_port_add(dp, "local", "memory", NULL, 0, &no,
                                       err, sizeof err), 0);
    assert_int_equal(no, 0);
    no = 100;
    assert_int_equal(datapath_port_add(dp, "c", "memory", NULL, 0, &no, err,
                                       sizeof err), 0);
    assert_int_equal(no, 100);
    no = 2;
    assert_int_equal(datapath_port_add(dp, "d", "memory", NULL, 0, &no, err,
                                       sizeof err), -EEXIST);
    assert_non_null(strstr(err, "taken"));
    no = UINT32_MAX;
    assert_int_equal(datapath_port_add(dp, "a", "memory", NULL, 0, &no, err,
                                       sizeof err), -EEXIST);
    assert_int_equal(datapath_port_add(dp, "e", "no-such-type", NULL, 0, &no,
                                       err, sizeof err), -EAFNOSUPPORT);
    no = DP_MAX_PORTS;
    assert_int_equal(datapath_port_add(dp, "f", "memory", NULL, 0, &no, err,
                                       sizeof err), -EINVAL);
    no = UINT32_MAX;
    assert_int_equal(datapath_port_add(dp, "a-name-far-too-long", "memory",
                                       NULL, 0, &no, err, sizeof err),
                     -EINVAL);
    struct vport_opt bad = { "rx_capacity", "lots" };
    assert_int_equal(datapath_port_add(dp, "g", "memory", &bad, 1, &no, err,
                                       sizeof err), -EINVAL);
    assert_non_null(strstr(err, "rx_capacity"));

    assert_string_equal(datapath_port_by_name(dp, "c")->name, "c");
    assert_int_equal(datapath_port_by_name(dp, "c")->port_no, 100);
    assert_null(datapath_port_by_name(dp, "zz"));
    assert_int_equal(datapath_port_del(dp, 1), 0);
    assert_int_equal(datapath_port_del(dp, 1), -ENOENT);
    assert_int_equal(datapath_port_del(dp, DP_MAX_PORTS + 5), -ENOENT);
    assert_null(datapath_port_get(dp, 1));
    assert_null(datapath_port_get(dp, UINT32_MAX));
    assert_int_equal(add_port(dp, "h"), 1);     /* lowest free again */
    assert_int_equal(add_port(dp, "i"), 3);
    datapath_destroy(dp);
}

static void collect(struct vport *vp, void *aux)
{
    char *s = aux;
    snprintf(s + strlen(s), 256 - strlen(s), "%u:%s ", vp->port_no, vp->name);
}

static void test_port_foreach_order(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("order");
    char err[VPORT_ERR_MAX];
    uint32_t no = 7;
    assert_int_equal(datapath_port_add(dp, "seven", "memory", NULL, 0, &no,
                                       err, sizeof err), 0);
    add_port(dp, "one");
    no = 0;
    assert_int_equal(datapath_port_add(dp, "zero", "memory", NULL, 0, &no,
                                       err, sizeof err), 0);
    char s[256] = "";
    datapath_port_foreach(dp, collect, s);
    assert_string_equal(s, "0:zero 1:one 7:seven ");
    assert_string_equal(datapath_name(dp), "order");
    datapath_destroy(dp);
}

struct drained {
    int n;
    uint32_t in_port[8];
    uint32_t len[8];
    uint32_t nw_dst[8];
};

static void on_upcall(const struct upcall *up, void *aux)
{
    struct drained *d = aux;
    assert_int_equal(up->type, UPCALL_MISS);
    if (d->n < 8) {
        d->in_port[d->n] = up->key.in_port;
        d->len[d->n] = up->packet->len;
        d->nw_dst[d->n] = ntohl(up->key.nw_dst);
    }
    d->n++;
}

static bool fd_readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, 0) == 1;
}

static void test_miss_upcall_hit(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("miss");
    uint32_t in = add_port(dp, "in"), out = add_port(dp, "out");
    uint8_t f[64];
    build(f, IPPROTO_UDP, 0x0a000001, 0x0a000002, 1, 2, 0);
    assert_false(fd_readable(datapath_upcall_fd(dp)));
    inject(dp, in, f, 64);
    inject(dp, in, f, 64);
    assert_int_equal(poll_all(dp, in), 2);
    struct dp_stats st;
    datapath_get_stats(dp, &st);
    assert_int_equal(st.n_missed, 2);
    assert_int_equal(st.n_hit, 0);
    assert_int_equal(st.n_lost, 0);
    assert_true(fd_readable(datapath_upcall_fd(dp)));

    struct drained d = { 0 };
    assert_int_equal(datapath_upcall_drain(dp, on_upcall, &d, 1), 1);
    assert_true(fd_readable(datapath_upcall_fd(dp)));   /* one left */
    assert_int_equal(datapath_upcall_drain(dp, on_upcall, &d, 10), 1);
    assert_false(fd_readable(datapath_upcall_fd(dp)));
    assert_int_equal(d.n, 2);
    assert_int_equal(d.in_port[0], in);
    assert_int_equal(d.len[0], 64);
    assert_int_equal(d.nw_dst[1], 0x0a000002);

    /* The slow path installs a flow; the next packets hit it. */
    struct flow_key k, m;
    key_mask(&k, &m, in, 0x0a000002, false);
    char acts[16];
    snprintf(acts, sizeof acts, "%u", out);
    put_flow(dp, &k, &m, acts);
    for (int i = 0; i < 3; i++) {
        inject(dp, in, f, 64);
    }
    assert_int_equal(poll_all(dp, in), 3);
    datapath_get_stats(dp, &st);
    assert_int_equal(st.n_hit, 3);
    assert_int_equal(st.n_missed, 2);
    assert_int_equal(st.n_flows, 1);
    assert_int_equal(st.n_masks, 1);
    assert_int_equal(vport_memory_tx_count(datapath_port_get(dp, out)), 3);
    struct vport_stats vs;
    vport_stats_read(datapath_port_get(dp, in), &vs);
    assert_int_equal(vs.rx_packets, 5);
    assert_int_equal(vs.rx_bytes, 5 * 64);
    vport_stats_read(datapath_port_get(dp, out), &vs);
    assert_int_equal(vs.tx_packets, 3);
    datapath_destroy(dp);
}

static void test_upcall_overflow_lost(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("lost");
    uint32_t in = add_port(dp, "in");
    uint8_t f[64];
    const int extra = 77;
    uint64_t cov = coverage_total(DP_DROP_UPCALL_FULL);
    for (int i = 0; i < DP_UPCALL_QUEUE_LEN + extra; i++) {
        build(f, IPPROTO_UDP, 0x0a000001, 0x0b000000 + i, 1, 2, 0);
        inject(dp, in, f, 64);
    }
    assert_int_equal(poll_all(dp, in), DP_UPCALL_QUEUE_LEN + extra);
    struct dp_stats st;
    datapath_get_stats(dp, &st);
    assert_int_equal(st.n_missed, DP_UPCALL_QUEUE_LEN);
    assert_int_equal(st.n_lost, extra);
    /* The same drops by name: at the input port, in the datapath's
     * total, as a coverage counter; no other reason counted. */
    assert_int_equal(port_drops(dp, in, DP_DROP_UPCALL_FULL), extra);
    assert_int_equal(dp_drops(dp, DP_DROP_UPCALL_FULL), extra);
    assert_int_equal(coverage_total(DP_DROP_UPCALL_FULL) - cov, extra);
    struct dp_drop_stats all;
    datapath_get_drops(dp, &all);
    uint64_t sum = 0;
    for (int r = 0; r < DP_DROP_N_REASONS; r++) {
        sum += all.n[r];
    }
    assert_int_equal(sum, extra);
    struct drained d = { 0 };
    assert_int_equal(datapath_upcall_drain(dp, on_upcall, &d, SIZE_MAX),
                     DP_UPCALL_QUEUE_LEN);
    assert_int_equal(d.nw_dst[0], 0x0b000000);      /* in order */
    assert_int_equal(d.nw_dst[7], 0x0b000007);
    /* Room again: the next miss is queued, not lost. */
    inject(dp, in, f, 64);
    poll_all(dp, in);
    datapath_get_stats(dp, &st);
    assert_int_equal(st.n_missed, DP_UPCALL_QUEUE_LEN + 1);
    assert_int_equal(st.n_lost, extra);
    datapath_destroy(dp);
}

/* Three masks; with the cache off every miss probes all three and every
 * hit between one and three. */
static void test_mask_hit(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("masks");
    datapath_set_emc(dp, false);
    uint32_t in = add_port(dp, "in"), out = add_port(dp, "out");
    char acts[16];
    snprintf(acts, sizeof acts, "%u", out);
    struct flow_key k, m;
    key_mask(&k, &m, in, 0x0a000001, false);
    put_flow(dp, &k, &m, acts);
    key_mask(&k, &m, in, 0x0b000000, true);
    put_flow(dp, &k, &m, acts);
    memset(&k, 0, sizeof k);
    memset(&m, 0, sizeof m);
    k.in_port = in;
    m.in_port = UINT32_MAX;
    k.dl_type = htons(0x86dd);
    m.dl_type = 0xffff;
    put_flow(dp, &k, &m, acts);

    uint8_t f[64];
    build(f, IPPROTO_UDP, 1, 0x0c000001, 1, 2, 0);  /* matches none */
    inject(dp, in, f, 64);
    poll_all(dp, in);
    struct dp_stats st;
    datapath_get_stats(dp, &st);
    assert_int_equal(st.n_masks, 3);
    assert_int_equal(st.n_missed, 1);
    assert_int_equal(st.n_mask_hit, 3);

    const int hits = 40;
    for (int i = 0; i < hits; i++) {
        build(f, IPPROTO_UDP, 1, i & 1 ? 0x0a000001 : 0x0b000000 + i, 1, 2, 0);
        inject(dp, in, f, 64);
    }
    poll_all(dp, in);
    datapath_get_stats(dp, &st);
    assert_int_equal(st.n_hit, hits);
    assert_true(st.n_mask_hit >= 3 + hits);
    assert_true(st.n_mask_hit <= 3 + 3 * hits);
    datapath_destroy(dp);
}

static void test_flow_stats_tcp_flags(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("stats");
    uint32_t in = add_port(dp, "in"), out = add_port(dp, "out");
    struct flow_key k, m;
    key_mask(&k, &m, in, 0x0a000002, false);
    char acts[16];
    snprintf(acts, sizeof acts, "%u", out);
    put_flow(dp, &k, &m, acts);
    uint64_t before = dp_time_ms();
    uint8_t f[64];
    build(f, IPPROTO_TCP, 1, 0x0a000002, 1000, 80, 0x02);      /* SYN */
    f[17] = 46;                 /* IP total length of a 60-byte frame */
    inject(dp, in, f, 60);
    build(f, IPPROTO_TCP, 1, 0x0a000002, 1000, 80, 0x10);      /* ACK */
    inject(dp, in, f, 64);
    inject(dp, in, f, 64);
    poll_all(dp, in);
    struct megaflow *fl;
    rcu_read_lock();
    fl = megaflow_find_exact(datapath_flows(dp), &k, &m);
    assert_non_null(fl);
    struct megaflow_stats s;
    megaflow_stats_read(fl, &s);
    rcu_read_unlock();
    assert_int_equal(s.packets, 3);
    assert_int_equal(s.bytes, 60 + 64 + 64);
    assert_int_equal(s.tcp_flags, 0x12);
    assert_true(s.used_ms >= before && s.used_ms <= dp_time_ms());

    struct megaflow_stats last;
    assert_int_equal(datapath_flow_del(dp, &k, &m, &last), 0);
    assert_int_equal(last.packets, 3);
    assert_int_equal(datapath_flow_del(dp, &k, &m, &last), -ENOENT);
    datapath_destroy(dp);
}

/* Runs the same varied traffic through two datapaths, cache on and off:
 * the same frames must come out of the same ports, with the same counts. */
static void run_traffic(struct datapath *dp, bool emc, uint32_t *out_counts,
                        struct dp_stats *st)
{
    datapath_set_emc(dp, emc);
    uint32_t in = add_port(dp, "in");
    uint32_t outs[4];
    for (int i = 0; i < 4; i++) {
        char name[16];
        snprintf(name, sizeof name, "o%d", i);
        outs[i] = add_port(dp, name);
    }
    for (uint32_t i = 0; i < 16; i++) {     /* 16 /24 flows, 4 ports */
        struct flow_key k, m;
        key_mask(&k, &m, in, 0x0a000000 | i << 8, true);
        char acts[16];
        snprintf(acts, sizeof acts, "%u", outs[i % 4]);
        put_flow(dp, &k, &m, acts);
    }
    srand(7);
    uint8_t f[64];
    for (int round = 0; round < 20; round++) {
        for (int i = 0; i < 100; i++) {
            uint32_t net = rand() % 18;     /* 16 and 17: misses */
            build(f, IPPROTO_UDP, 1, 0x0a000000 | net << 8 | (rand() % 4),
                  rand() % 3, 53, 0);
            inject(dp, in, f, 64);
        }
        poll_all(dp, in);
    }
    for (int i = 0; i < 4; i++) {
        out_counts[i] = vport_memory_tx_count(datapath_port_get(dp, outs[i]));
    }
    datapath_get_stats(dp, st);
}

static void test_emc_on_off_same(void **state)
{
    (void)state;
    struct datapath *a = datapath_create("emc-on");
    struct datapath *b = datapath_create("emc-off");
    uint32_t ca[4], cb[4];
    struct dp_stats sa, sb;
    run_traffic(a, true, ca, &sa);
    run_traffic(b, false, cb, &sb);
    assert_memory_equal(ca, cb, sizeof ca);
    assert_int_equal(sa.n_hit, sb.n_hit);
    assert_int_equal(sa.n_missed + sa.n_lost, sb.n_missed + sb.n_lost);
    assert_int_equal(sa.n_hit + sa.n_missed + sa.n_lost, 2000);
    assert_true(sa.n_hit > 1500);
    /* The cache saves megaflow probes: few lookups reach the masks. */
    assert_true(sa.n_mask_hit < sb.n_mask_hit);
    for (int p = 2; p <= 5; p++) {
        uint8_t x[64], y[64];
        struct vport *va = datapath_port_get(a, p), *vb = datapath_port_get(b, p);
        while (vport_memory_take(va, x, 64) == 64) {
            assert_int_equal(vport_memory_take(vb, y, 64), 64);
            assert_memory_equal(x, y, 64);
        }
        assert_int_equal(vport_memory_take(vb, y, 64), -1);
    }
    datapath_destroy(a);
    datapath_destroy(b);
}

/* Interleaved flows in one batch: each port gets its packets in order. */
static void test_batch_groups_keep_order(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("groups");
    uint32_t in = add_port(dp, "in"), o1 = add_port(dp, "o1"),
             o2 = add_port(dp, "o2");
    struct flow_key k, m;
    char acts[16];
    key_mask(&k, &m, in, 0x0a000001, false);
    snprintf(acts, sizeof acts, "%u", o1);
    put_flow(dp, &k, &m, acts);
    key_mask(&k, &m, in, 0x0a000002, false);
    snprintf(acts, sizeof acts, "%u,%u", o2, o1);
    put_flow(dp, &k, &m, acts);
    uint8_t f[64];
    for (int i = 0; i < 30; i++) {
        build(f, IPPROTO_UDP, 1, 0x0a000001 + (i % 3 == 0), i, 7, 0);
        inject(dp, in, f, 64);
    }
    assert_int_equal(poll_all(dp, in), 30);
    struct vport *v1 = datapath_port_get(dp, o1), *v2 = datapath_port_get(dp, o2);
    assert_int_equal(vport_memory_tx_count(v1), 30);
    assert_int_equal(vport_memory_tx_count(v2), 10);
    int last1a = -1, last1b = -1, last2 = -1;
    while (vport_memory_take(v1, f, 64) == 64) {
        int sport = f[34] << 8 | f[35];
        int *last = f[33] == 1 ? &last1a : &last1b;
        assert_true(sport > *last);
        *last = sport;
    }
    while (vport_memory_take(v2, f, 64) == 64) {
        int sport = f[34] << 8 | f[35];
        assert_true(sport > last2);
        last2 = sport;
    }
    datapath_destroy(dp);
}

static void test_flow_put_rules(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("put");
    uint32_t in = add_port(dp, "in"), o1 = add_port(dp, "o1"),
             o2 = add_port(dp, "o2");
    struct flow_key k, m;
    key_mask(&k, &m, in, 0x0a000001, false);
    uint8_t garbage[8] = { 8, 0, 99, 0, 0, 0, 0, 0 };
    assert_int_equal(datapath_flow_put(dp, &k, &m, garbage, 8, false),
                     -EINVAL);
    char acts[16];
    snprintf(acts, sizeof acts, "%u", o1);
    put_flow(dp, &k, &m, acts);
    struct action_buf b;
    char err[64];
    snprintf(acts, sizeof acts, "%u", o2);
    assert_int_equal(actions_parse(acts, &b, err, sizeof err), 0);
    assert_int_equal(datapath_flow_put(dp, &k, &m, b.data, b.len, false),
                     -EEXIST);
    assert_int_equal(datapath_flow_put(dp, &k, &m, b.data, b.len, true), 0);
    uint8_t f[64];
    build(f, IPPROTO_UDP, 1, 0x0a000001, 1, 2, 0);
    inject(dp, in, f, 64);
    poll_all(dp, in);
    assert_int_equal(vport_memory_tx_count(datapath_port_get(dp, o1)), 0);
    assert_int_equal(vport_memory_tx_count(datapath_port_get(dp, o2)), 1);

    datapath_set_flow_limit(dp, 2);
    key_mask(&k, &m, in, 0x0a000002, false);
    assert_int_equal(datapath_flow_put(dp, &k, &m, b.data, b.len, false), 0);
    key_mask(&k, &m, in, 0x0a000003, false);
    assert_int_equal(datapath_flow_put(dp, &k, &m, b.data, b.len, false),
                     -E2BIG);
    datapath_flow_flush(dp);
    struct dp_stats st;
    datapath_get_stats(dp, &st);
    assert_int_equal(st.n_flows, 0);
    inject(dp, in, f, 64);
    poll_all(dp, in);
    datapath_get_stats(dp, &st);
    assert_int_equal(st.n_missed, 1);       /* the cached flow is gone */
    datapath_destroy(dp);
}

/* Deleting a port that flows still output to: sends become counted drops. */
static void test_port_del_then_output(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("del");
    uint32_t in = add_port(dp, "in"), out = add_port(dp, "out");
    struct flow_key k, m;
    key_mask(&k, &m, in, 0x0a000001, false);
    char acts[16];
    snprintf(acts, sizeof acts, "%u", out);
    put_flow(dp, &k, &m, acts);
    assert_int_equal(datapath_port_del(dp, out), 0);
    uint8_t f[64];
    build(f, IPPROTO_UDP, 1, 0x0a000001, 1, 2, 0);
    inject(dp, in, f, 64);
    inject(dp, in, f, 64);
    poll_all(dp, in);
    struct dp_stats st;
    datapath_get_stats(dp, &st);
    assert_int_equal(st.n_hit, 2);
    assert_int_equal(st.n_missing_port_drops, 2);
    assert_int_equal(port_drops(dp, in, DP_DROP_INVALID_PORT), 2);
    assert_int_equal(dp_drops(dp, DP_DROP_INVALID_PORT), 2);
    assert_int_equal(datapath_poll_port(dp, out), -ENOENT);
    datapath_destroy(dp);
}

/* A forwarding thread runs while the control thread executes packets to
 * the same port and deletes another port the flow outputs to: every packet
 * is either sent or counted as a drop, and nothing is touched after free
 * (ASan checks that). */
struct fwd_arg {
    struct datapath *dp;
    uint32_t in;
    int n;
};

static void *forwarder(void *arg_)
{
    struct fwd_arg *a = arg_;
    rcu_register_thread();
    uint8_t f[64];
    build(f, IPPROTO_UDP, 1, 0x0a000001, 1, 2, 0);
    int done = 0;
    while (done < a->n) {
        for (int i = 0; i < 32 && done + i < a->n; i++) {
            inject(a->dp, a->in, f, 64);
        }
        done += poll_all(a->dp, a->in);
    }
    rcu_unregister_thread();
    return NULL;
}

static void test_concurrent_execute_and_del(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("conc");
    uint32_t in = add_port(dp, "in"), out = add_port(dp, "out"),
             gone = add_port(dp, "gone");
    struct flow_key k, m;
    key_mask(&k, &m, in, 0x0a000001, false);
    char acts[32];
    snprintf(acts, sizeof acts, "%u,%u", out, gone);
    put_flow(dp, &k, &m, acts);
    struct fwd_arg a = { dp, in, 3000 };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, forwarder, &a), 0);
    uint8_t f[64], buf[PACKET_HEADROOM + 64];
    build(f, IPPROTO_UDP, 1, 0x0a000009, 1, 2, 0);
    struct action_buf b;
    char err[64];
    snprintf(acts, sizeof acts, "%u", out);
    assert_int_equal(actions_parse(acts, &b, err, sizeof err), 0);
    for (int i = 0; i < 1000; i++) {
        struct dp_packet p;
        dp_packet_init(&p, buf, sizeof buf, PACKET_HEADROOM);
        dp_packet_set_data(&p, f, 64);
        datapath_execute(dp, &p, b.data, b.len);
        if (i == 500) {
            assert_int_equal(datapath_port_del(dp, gone), 0);
        }
    }
    pthread_join(t, NULL);
    struct dp_stats st;
    datapath_get_stats(dp, &st);
    struct vport_stats vs;
    vport_stats_read(datapath_port_get(dp, out), &vs);
    assert_int_equal(vs.tx_packets + vs.tx_dropped, 3000 + 1000);
    assert_int_equal(st.n_hit, 3000);
    assert_true(st.n_missing_port_drops <= 3000);
    datapath_destroy(dp);
}

/* Every reason has a name of its own, registered as a coverage counter
 * although this test links the archive piecemeal. */
static void test_drop_reason_names(void **state)
{
    (void)state;
    for (int r = 0; r < DP_DROP_N_REASONS; r++) {
        const char *name = dp_drop_reason_name(r);
        assert_true(strlen(name) > 0 && strcmp(name, "?"));
        assert_true(strlen(dp_drop_reason_doc(r)) > 0);
        assert_non_null(coverage_find(name));
        for (int q = 0; q < r; q++) {
            assert_string_not_equal(name, dp_drop_reason_name(q));
        }
    }
    assert_string_equal(dp_drop_reason_name(DP_DROP_INVALID_PORT),
                        "datapath_drop_invalid_port");
    assert_string_equal(dp_drop_reason_name(DP_DROP_PIPELINE),
                        "drop_action_of_pipeline");
    assert_string_equal(dp_drop_reason_name(DP_DROP_N_REASONS), "?");
    assert_int_equal(dp_drop_reason_of_errno(ENOBUFS), DP_DROP_TX_NO_BUFFER);
    assert_int_equal(dp_drop_reason_of_errno(ENETDOWN), DP_DROP_PORT_DOWN);
    assert_int_equal(dp_drop_reason_of_errno(EMSGSIZE), DP_DROP_TOO_BIG);
    assert_int_equal(dp_drop_reason_of_errno(EINVAL), DP_DROP_TX_ERROR);
}

/* The slow path at its worst for the table: an exact-match flow (every
 * bit of the key) per miss, forwarding to aux's port. */
struct exact_installer {
    struct datapath *dp;
    uint32_t out;
};

static void install_exact(const struct upcall *up, void *aux)
{
    const struct exact_installer *x = aux;
    struct flow_key mask;
    memset(&mask, 0xff, sizeof mask);
    struct action_buf b;
    char acts[16], err[128];
    snprintf(acts, sizeof acts, "%u", x->out);
    assert_int_equal(actions_parse(acts, &b, err, sizeof err), 0);
    int error = datapath_flow_put(x->dp, &up->key, &mask, b.data, b.len,
                                  false);
    assert_true(error == 0 || error == -EEXIST);
}

static uint64_t malformed_total(enum flow_key_error e)
{
    const struct coverage_counter *c = coverage_find(flow_key_error_name(e));
    if (!c) {
        fail_msg("no coverage counter %s", flow_key_error_name(e));
    }
    return coverage_get(c);
}

/* Garbage from a small LCG (the same in every run). */
static uint8_t junk(void)
{
    static uint32_t state = 12345;
    state = state * 1103515245u + 12345u;
    return (uint8_t)(state >> 16);
}

/* Ethernet header of type `type`, then `n` junk bytes; returns the length. */
static size_t junk_frame(uint8_t *f, uint16_t type, size_t n)
{
    const uint8_t macs[12] = { 2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1 };
    memcpy(f, macs, 12);
    f[12] = (uint8_t)(type >> 8);
    f[13] = (uint8_t)type;
    for (size_t i = 0; i < n; i++) {
        f[14 + i] = junk();
    }
    return 14 + n;
}

/* Injects a burst of distinct malformed frames of each kind on `in`;
 * `sent[e]` gets how many of kind e. */
static void malformed_burst(struct datapath *dp, uint32_t in,
                            uint32_t sent[FLOW_KEY_N_ERRORS])
{
    uint8_t f[128];
    memset(sent, 0, FLOW_KEY_N_ERRORS * sizeof sent[0]);
    for (int v = 0; v < 3; v++) {               /* runts of 0..13 bytes */
        for (size_t len = 0; len < 14; len++) {
            for (size_t i = 0; i < len; i++) {
                f[i] = junk();
            }
            inject(dp, in, f, len);
            sent[FLOW_KEY_ETH_TOO_SHORT]++;
        }
    }
    for (size_t n = 0; n < 20; n++) {           /* IPv4 header cut */
        inject(dp, in, f, junk_frame(f, 0x0800, n));
        sent[FLOW_KEY_IPV4_TOO_SHORT]++;
    }
    for (int v = 0; v < 40; v++) {
        size_t len = junk_frame(f, 0x0800, 50);
        if (v < 20) {
            f[14] = (uint8_t)(0x40 | (v % 5));    /* IHL 0..4 */
        } else {
            f[14] = 0x45;
            f[16] = 0x01;                         /* tot_len past the end */
        }
        inject(dp, in, f, len);
        sent[FLOW_KEY_IPV4_LEN_ERROR]++;
    }
    for (size_t n = 0; n < 40; n += 4) {        /* IPv6 header cut */
        inject(dp, in, f, junk_frame(f, 0x86dd, n));
        sent[FLOW_KEY_IPV6_TOO_SHORT]++;
    }
    for (int v = 0; v < 10; v++) {              /* payload past the end */
        size_t len = junk_frame(f, 0x86dd, 60);
        f[18] = 0x40;
        inject(dp, in, f, len);
        sent[FLOW_KEY_IPV6_LEN_ERROR]++;
    }
    for (size_t n = 0; n < 28; n += 3) {        /* ARP body cut */
        inject(dp, in, f, junk_frame(f, 0x0806, n));
        sent[FLOW_KEY_ARP_TOO_SHORT]++;
    }
    for (size_t n = 0; n < 20; n++) {           /* TCP header cut */
        build(f, IPPROTO_TCP, 0x0a000001, 0x0a000002, 0, 0, 0);
        f[16] = 0;
        f[17] = (uint8_t)(20 + n);                /* tot_len */
        for (size_t i = 0; i < n; i++) {
            f[34 + i] = junk();
        }
        inject(dp, in, f, 34 + n);
        sent[FLOW_KEY_L4_TOO_SHORT]++;
    }
}

/* A burst of distinct malformed frames: runts are dropped before the
 * lookup as datapath_drop_rx_invalid_packet; the others are processed with
 * the key of what parsed (OVS's miniflow_extract) and counted by kind, so
 * even a slow path that installs exact-match flows gets one flow per kind
 * of header that parsed (L2 IPv4, L2 IPv6, L2 ARP, L3 TCP), not one per
 * variant.  A flow on in_port alone does not catch the runts. */
static void test_malformed_frames_counted_and_bounded(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("malformed");
    uint32_t in = add_port(dp, "in"), out = add_port(dp, "out");
    uint64_t before[FLOW_KEY_N_ERRORS];
    for (int e = FLOW_KEY_OK + 1; e < FLOW_KEY_N_ERRORS; e++) {
        before[e] = malformed_total(e);
    }
    uint64_t cov_rx_invalid = coverage_total(DP_DROP_RX_INVALID);
    uint32_t sent[FLOW_KEY_N_ERRORS];
    malformed_burst(dp, in, sent);
    poll_all(dp, in);
    struct exact_installer x = { dp, out };
    datapath_upcall_drain(dp, install_exact, &x, 1000);

    struct dp_stats st;
    datapath_get_stats(dp, &st);
    assert_int_equal(st.n_flows, 4);
    uint32_t n_sent = 0;
    for (int e = FLOW_KEY_OK + 1; e < FLOW_KEY_N_ERRORS; e++) {
        assert_int_equal(malformed_total(e) - before[e], sent[e]);
        n_sent += sent[e];
    }
    uint32_t runts = sent[FLOW_KEY_ETH_TOO_SHORT];
    assert_int_equal(runts, 42);
    assert_int_equal(port_drops(dp, in, DP_DROP_RX_INVALID), runts);
    assert_int_equal(coverage_total(DP_DROP_RX_INVALID) - cov_rx_invalid,
                     runts);
    assert_int_equal(st.n_missed, n_sent - runts);

    /* Again, with only a catch-all flow on in_port: the others hit it,
     * the runts still go nowhere. */
    datapath_flow_flush(dp);
    struct flow_key k, m;
    memset(&k, 0, sizeof k);
    memset(&m, 0, sizeof m);
    k.in_port = in;
    m.in_port = UINT32_MAX;
    char acts[16];
    snprintf(acts, sizeof acts, "%u", out);
    put_flow(dp, &k, &m, acts);
    uint32_t tx_before = vport_memory_tx_count(datapath_port_get(dp, out));
    malformed_burst(dp, in, sent);
    poll_all(dp, in);
    datapath_get_stats(dp, &st);
    assert_int_equal(st.n_flows, 1);
    assert_int_equal(port_drops(dp, in, DP_DROP_RX_INVALID), 2 * runts);
    assert_int_equal(vport_memory_tx_count(datapath_port_get(dp, out))
                     - tx_before, n_sent - runts);
    datapath_destroy(dp);
}

/* Flows whose actions are "drop" (the empty list, or a drop action) count
 * drop_action_of_pipeline at the input port; a flow that outputs does
 * not, and neither does a dropped packet count anything else. */
static void test_pipeline_drops(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("pipe");
    uint32_t in = add_port(dp, "in"), out = add_port(dp, "out");
    struct flow_key k, m;
    key_mask(&k, &m, in, 0x0a000001, false);
    put_flow(dp, &k, &m, "drop");               /* the empty list */
    struct action_buf b;
    action_buf_init(&b);
    action_put_drop(&b);
    key_mask(&k, &m, in, 0x0a000002, false);
    assert_int_equal(datapath_flow_put(dp, &k, &m, b.data, b.len, false), 0);
    char acts[16];
    snprintf(acts, sizeof acts, "%u", out);
    key_mask(&k, &m, in, 0x0a000003, false);
    put_flow(dp, &k, &m, acts);
    uint64_t cov = coverage_total(DP_DROP_PIPELINE);
    uint8_t f[64];
    const int n[3] = { 3, 2, 4 };
    for (int d = 0; d < 3; d++) {
        build(f, IPPROTO_UDP, 1, 0x0a000001 + d, 1, 2, 0);
        for (int i = 0; i < n[d]; i++) {
            inject(dp, in, f, 64);
        }
    }
    assert_int_equal(poll_all(dp, in), 9);
    assert_int_equal(port_drops(dp, in, DP_DROP_PIPELINE), 5);
    assert_int_equal(port_drops(dp, out, DP_DROP_PIPELINE), 0);
    assert_int_equal(dp_drops(dp, DP_DROP_PIPELINE), 5);
    assert_int_equal(coverage_total(DP_DROP_PIPELINE) - cov, 5);
    assert_int_equal(vport_memory_tx_count(datapath_port_get(dp, out)), 4);
    /* The slow path counts the drops it makes the same way. */
    datapath_count_drop(dp, in, DP_DROP_PIPELINE, 1);
    assert_int_equal(port_drops(dp, in, DP_DROP_PIPELINE), 6);
    /* An invalid list handed to execute drops the packet, named too. */
    uint8_t pkt_buf[PACKET_HEADROOM + 64];
    struct dp_packet p;
    dp_packet_init(&p, pkt_buf, sizeof pkt_buf, PACKET_HEADROOM);
    assert_true(dp_packet_set_data(&p, f, 64));
    p.md.in_port = in;
    const uint8_t bad[8] = { 8, 0, 0xff, 0xff };    /* unknown type */
    datapath_execute(dp, &p, bad, sizeof bad);
    assert_int_equal(port_drops(dp, in, DP_DROP_BAD_ACTIONS), 1);
    assert_int_equal(vport_memory_tx_count(datapath_port_get(dp, out)), 4);
    datapath_destroy(dp);
}

/* A port that cannot send counts the frame in tx_dropped and under its
 * reason; the datapath's total keeps a deleted port's drops. */
static void test_port_drops_outlive_the_port(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("txdrop");
    uint32_t in = add_port(dp, "in");
    uint32_t out = UINT32_MAX;
    char err[VPORT_ERR_MAX];
    struct vport_opt cap[] = { { "tx_capacity", "1" } };
    assert_int_equal(datapath_port_add(dp, "out", "memory", cap, 1, &out,
                                       err, sizeof err), 0);
    struct flow_key k, m;
    key_mask(&k, &m, in, 0x0a000001, false);
    char acts[16];
    snprintf(acts, sizeof acts, "%u", out);
    put_flow(dp, &k, &m, acts);
    uint8_t f[64];
    build(f, IPPROTO_UDP, 1, 0x0a000001, 1, 2, 0);
    for (int i = 0; i < 3; i++) {
        inject(dp, in, f, 64);
    }
    poll_all(dp, in);
    struct vport_stats vs;
    vport_stats_read(datapath_port_get(dp, out), &vs);
    assert_int_equal(vs.tx_packets, 1);
    assert_int_equal(vs.tx_dropped, 2);
    assert_int_equal(port_drops(dp, out, DP_DROP_TX_NO_BUFFER), 2);
    assert_int_equal(port_drops(dp, in, DP_DROP_TX_NO_BUFFER), 0);
    assert_int_equal(dp_drops(dp, DP_DROP_TX_NO_BUFFER), 2);
    assert_int_equal(datapath_port_del(dp, out), 0);
    assert_int_equal(dp_drops(dp, DP_DROP_TX_NO_BUFFER), 2);
    /* Now its number names no port: output counts invalid_port. */
    inject(dp, in, f, 64);
    poll_all(dp, in);
    assert_int_equal(port_drops(dp, in, DP_DROP_INVALID_PORT), 1);
    assert_int_equal(dp_drops(dp, DP_DROP_INVALID_PORT), 1);
    datapath_destroy(dp);
}

/* A patch pair whose flows send every packet back into the pair: the
 * recursion limit drops it, counted in n_recursion_drops and as
 * drop_action_recursion_too_deep at the port it would have entered. */
static void test_patch_loop_recursion_drop(void **state)
{
    (void)state;
    /* Named, so that the archive's patch port type is linked in. */
    assert_string_equal(vport_patch_ops.type, "patch");
    struct datapath *dp = datapath_create("loop");
    uint32_t in = add_port(dp, "in");
    uint32_t pa = UINT32_MAX, pb = UINT32_MAX;
    char err[VPORT_ERR_MAX];
    struct vport_opt to_b = { "peer", "pb" }, to_a = { "peer", "pa" };
    assert_int_equal(datapath_port_add(dp, "pa", "patch", &to_b, 1, &pa, err,
                                       sizeof err), 0);
    assert_int_equal(datapath_port_add(dp, "pb", "patch", &to_a, 1, &pb, err,
                                       sizeof err), 0);
    char acts[16];
    snprintf(acts, sizeof acts, "%u", pa);
    struct flow_key k, m;
    key_mask(&k, &m, in, 0x0a000001, false);
    put_flow(dp, &k, &m, acts);
    key_mask(&k, &m, pb, 0x0a000001, false);
    put_flow(dp, &k, &m, acts);
    uint64_t cov = coverage_total(DP_DROP_RECURSION);
    uint8_t f[64];
    build(f, IPPROTO_UDP, 1, 0x0a000001, 1, 2, 0);
    inject(dp, in, f, 64);
    inject(dp, in, f, 64);
    poll_all(dp, in);
    struct dp_stats st;
    datapath_get_stats(dp, &st);
    assert_int_equal(st.n_recursion_drops, 2);
    assert_int_equal(port_drops(dp, pb, DP_DROP_RECURSION), 2);
    assert_int_equal(port_drops(dp, in, DP_DROP_RECURSION), 0);
    assert_int_equal(dp_drops(dp, DP_DROP_RECURSION), 2);
    assert_int_equal(coverage_total(DP_DROP_RECURSION) - cov, 2);
    datapath_destroy(dp);
}

/* While the consumer is held, misses queue but nothing is handed out and
 * the fd stays quiet; released, the queued upcalls come in order. */
static void test_upcalls_held(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("held");
    uint32_t in = add_port(dp, "in");
    datapath_set_upcalls_held(dp, true);
    assert_true(datapath_upcalls_held(dp));
    uint8_t f[64];
    for (int i = 0; i < 3; i++) {
        build(f, IPPROTO_UDP, 1, 0x0a000001 + i, 1, 2, 0);
        inject(dp, in, f, 64);
    }
    poll_all(dp, in);
    struct drained d = { 0 };
    assert_int_equal(datapath_upcall_drain(dp, on_upcall, &d, 10), 0);
    assert_false(fd_readable(datapath_upcall_fd(dp)));
    datapath_set_upcalls_held(dp, false);
    assert_false(datapath_upcalls_held(dp));
    assert_true(fd_readable(datapath_upcall_fd(dp)));
    assert_int_equal(datapath_upcall_drain(dp, on_upcall, &d, 10), 3);
    assert_int_equal(d.nw_dst[0], 0x0a000001);
    assert_int_equal(d.nw_dst[2], 0x0a000003);
    assert_false(fd_readable(datapath_upcall_fd(dp)));
    datapath_destroy(dp);
}

int main(void)
{
    rcu_register_thread();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_port_numbering),
        cmocka_unit_test(test_port_foreach_order),
        cmocka_unit_test(test_miss_upcall_hit),
        cmocka_unit_test(test_upcall_overflow_lost),
        cmocka_unit_test(test_mask_hit),
        cmocka_unit_test(test_flow_stats_tcp_flags),
        cmocka_unit_test(test_emc_on_off_same),
        cmocka_unit_test(test_batch_groups_keep_order),
        cmocka_unit_test(test_flow_put_rules),
        cmocka_unit_test(test_port_del_then_output),
        cmocka_unit_test(test_concurrent_execute_and_del),
        cmocka_unit_test(test_drop_reason_names),
        cmocka_unit_test(test_pipeline_drops),
        cmocka_unit_test(test_malformed_frames_counted_and_bounded),
        cmocka_unit_test(test_port_drops_outlive_the_port),
        cmocka_unit_test(test_patch_loop_recursion_drop),
        cmocka_unit_test(test_upcalls_held),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    rcu_unregister_thread();
    return failed;
}
