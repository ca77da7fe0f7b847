/* Datapath fast-path benchmark: one thread, batches of 32 in-memory packets
 * through datapath_process_batch into a "sink" port whose send only counts.
 *
 *   1. one flow, exact-match cache hits;
 *   2. 1,000 flows over 10 masks, cache off (tuple-space search);
 *   3. 100,000 flows, cache on, every packet a different flow.
 *
 * The packets are preallocated and only output, so they are the same on
 * every pass; only their metadata is reset.
 * Usage: dp_bench [seconds per case (default 2)] [case 1-3 (default all)]
 * With DP_BENCH_BATCHES=N in the environment each case runs exactly N
 * batches instead of a time, so that two builds do the same work and
 * `valgrind --tool=callgrind` instruction counts compare exactly. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <urcu.h>

#include "dp/actions.h"
#include "dp/datapath.h"

/* ------------------------------------------------------------ sink port */

struct sink {
    uint64_t packets, bytes;
};

static int sink_create(struct vport *vp, const struct vport_opt *opts,
                       size_t n, char *err, size_t errlen)
{
    (void)opts, (void)n, (void)err, (void)errlen;
    vp->priv = calloc(1, sizeof(struct sink));
    return vp->priv ? 0 : -1;
}

static void sink_destroy(struct vport *vp)
{
    free(vp->priv);
}

static int sink_send(struct vport *vp, const struct dp_packet *p)
{
    struct sink *s = vp->priv;
    s->packets++;
    s->bytes += p->len;
    return 0;
}

static const struct vport_ops sink_ops = {
    .type = "bench-sink",
    .create = sink_create,
    .destroy = sink_destroy,
    .send = sink_send,
};

/* --------------------------------------------------------------- frames */

#define PKT_BUF 256

struct pkts {
    uint32_t n;
    uint8_t *bufs;
    struct dp_packet *p;
};

static void build_udp(uint8_t *f, uint32_t dst, uint16_t sport,
                      uint16_t dport)
{
    static const uint8_t hdr[] = {
        0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
        0x45, 0, 0, 50, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1,
    };
    memset(f, 0, 64);
    memcpy(f, hdr, sizeof hdr);
    uint32_t d = htonl(dst);
    memcpy(f + 30, &d, 4);
    f[34] = sport >> 8;
    f[35] = sport;
    f[36] = dport >> 8;
    f[37] = dport;
    f[39] = 30;
}

static void pkts_alloc(struct pkts *ps, uint32_t n)
{
    ps->n = n;
    ps->bufs = malloc((size_t)n * PKT_BUF);
    ps->p = calloc(n, sizeof *ps->p);
    if (!ps->bufs || !ps->p) {
        perror("malloc");
        exit(1);
    }
    for (uint32_t i = 0; i < n; i++) {
        dp_packet_init(&ps->p[i], ps->bufs + (size_t)i * PKT_BUF, PKT_BUF,
                       PACKET_HEADROOM);
    }
}

static void pkts_set(struct pkts *ps, uint32_t i, uint32_t dst,
                     uint16_t sport, uint16_t dport)
{
    uint8_t f[64];
    build_udp(f, dst, sport, dport);
    dp_packet_set_data(&ps->p[i], f, sizeof f);
}

static void pkts_shuffle(struct pkts *ps)
{
    for (uint32_t i = ps->n - 1; i > 0; i--) {
        uint32_t j = rand() % (i + 1);
        struct dp_packet t = ps->p[i];
        ps->p[i] = ps->p[j];
        ps->p[j] = t;
    }
}

static void pkts_free(struct pkts *ps)
{
    free(ps->bufs);
    free(ps->p);
}

/* ---------------------------------------------------------------- setup */

struct bench {
    struct datapath *dp;
    uint32_t in, out;
    struct action_buf acts;
};

static uint32_t add_sink(struct datapath *dp, const char *name)
{
    uint32_t no = UINT32_MAX;
    char err[VPORT_ERR_MAX];
    if (datapath_port_add(dp, name, "bench-sink", NULL, 0, &no, err,
                          sizeof err)) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    return no;
}

static void bench_init(struct bench *b, bool emc)
{
    b->dp = datapath_create("bench");
    b->in = add_sink(b->dp, "in");
    b->out = add_sink(b->dp, "out");
    datapath_set_emc(b->dp, emc);
    action_buf_init(&b->acts);
    action_put_output(&b->acts, b->out);
}

/* A flow on in_port, IPv4 UDP, tp_src == `sport` and nw_dst under a
 * `plen`-bit prefix (plen 0: no nw_dst). */
static void flow_add(struct bench *b, uint32_t dst, int plen, uint16_t sport)
{
    struct flow_key k, m;
    memset(&k, 0, sizeof k);
    memset(&m, 0, sizeof m);
    k.in_port = b->in;
    m.in_port = UINT32_MAX;
    k.dl_type = htons(0x0800);
    m.dl_type = 0xffff;
    k.nw_proto = 17;
    m.nw_proto = 0xff;
    k.tp_src = htons(sport);
    m.tp_src = 0xffff;
    m.nw_dst = plen ? htonl(~0u << (32 - plen)) : 0;
    k.nw_dst = htonl(dst) & m.nw_dst;
    int error = datapath_flow_put(b->dp, &k, &m, b->acts.data, b->acts.len,
                                  false);
    if (error) {
        fprintf(stderr, "flow_put: %d\n", error);
        exit(1);
    }
}

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_s(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* Feeds batches of 32 from `ps` (cycling) for `seconds`; prints the rate
 * and checks every packet reached the sink.  The rate is wall-clock; the
 * thread's CPU time per packet is printed too ("cpu"), which stays close to
 * the true cost when other jobs preempt the benchmark. */
static uint64_t fixed_batches;   /* DP_BENCH_BATCHES, 0: run by time */

static void run(const char *name, struct bench *b, struct pkts *ps,
                double seconds)
{
    struct dp_packet_batch batch;
    uint64_t sent = 0;
    uint32_t next = 0;
    double start = now_s(), end = start;
    double cpu_start = clock_s(CLOCK_THREAD_CPUTIME_ID);
    for (uint64_t iter = 0;; iter++) {
        batch.count = PACKET_BATCH_MAX;
        for (int i = 0; i < PACKET_BATCH_MAX; i++) {
            struct dp_packet *p = &ps->p[next];
            p->md.in_port = b->in;
            p->md.depth = 0;
            batch.pkts[i] = p;
            next = next + 1 == ps->n ? 0 : next + 1;
        }
        datapath_process_batch(b->dp, &batch);
        sent += PACKET_BATCH_MAX;
        if (fixed_batches ? iter + 1 >= fixed_batches
                          : (iter & 255) == 0
                            && (end = now_s()) - start >= seconds) {
            end = now_s();
            break;
        }
    }
    double el = end - start;
    double cpu = clock_s(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
    struct dp_stats st;
    datapath_get_stats(b->dp, &st);
    const struct sink *s = datapath_port_get(b->dp, b->out)->priv;
    printf("%-34s %7.2f Mpps %7.1f ns/packet (cpu %6.1f)  (flows %llu, "
           "masks %llu, hit %llu, missed %llu, mask_hit/pkt %.2f)\n",
           name, sent / el / 1e6, el * 1e9 / sent, cpu * 1e9 / sent,
           (unsigned long long)st.n_flows, (unsigned long long)st.n_masks,
           (unsigned long long)st.n_hit, (unsigned long long)st.n_missed,
           (double)st.n_mask_hit / sent);
    if (s->packets != sent || st.n_hit != sent) {
        printf("  ERROR: sent %llu, sink got %llu, hits %llu\n",
               (unsigned long long)sent, (unsigned long long)s->packets,
               (unsigned long long)st.n_hit);
        exit(1);
    }
}

static void case_one_flow(double seconds)
{
    struct bench b;
    bench_init(&b, true);
    flow_add(&b, 0x0a000002, 32, 5000);
    struct pkts ps;
    pkts_alloc(&ps, PACKET_BATCH_MAX);
    for (uint32_t i = 0; i < ps.n; i++) {
        pkts_set(&ps, i, 0x0a000002, 5000, 53);
    }
    run("1 flow, EMC hits", &b, &ps, seconds);
    pkts_free(&ps);
    datapath_destroy(b.dp);
}

static void case_masks(double seconds)
{
    struct bench b;
    bench_init(&b, false);
    struct pkts ps;
    pkts_alloc(&ps, 1000);
    for (int k = 0; k < 10; k++) {          /* mask k: a /(16+k) prefix */
        int plen = 16 + k;
        for (uint32_t j = 0; j < 100; j++) {
            uint32_t net = 0x0a000000 | j << (32 - plen);
            flow_add(&b, net, plen, 1000 + k);
            uint32_t host = rand() & ((1u << (32 - plen)) - 1);
            pkts_set(&ps, k * 100 + j, net | host, 1000 + k, 53);
        }
    }
    pkts_shuffle(&ps);
    run("1,000 flows / 10 masks, EMC off", &b, &ps, seconds);
    pkts_free(&ps);
    datapath_destroy(b.dp);
}

static void case_many_flows(double seconds)
{
    struct bench b;
    bench_init(&b, true);
    const uint32_t n = 100000;
    struct pkts ps;
    pkts_alloc(&ps, n);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t dst = 0x0a000000 + i * 7;
        flow_add(&b, dst, 32, 7000);
        pkts_set(&ps, i, dst, 7000, 1 + i % 1000);
    }
    pkts_shuffle(&ps);
    run("100,000 flows, EMC on, varied", &b, &ps, seconds);
    pkts_free(&ps);
    datapath_destroy(b.dp);
}

int main(int argc, char *argv[])
{
    double seconds = argc > 1 ? atof(argv[1]) : 2.0;
    const char *batches = getenv("DP_BENCH_BATCHES");
    fixed_batches = batches ? strtoull(batches, NULL, 10) : 0;
    int only = argc > 2 ? atoi(argv[2]) : 0;
    if (seconds <= 0 || only < 0 || only > 3) {
        fprintf(stderr, "usage: %s [seconds per case] [case 1-3]\n",
                argv[0]);
        return 2;
    }
    rcu_register_thread();
    vport_register(&sink_ops);
    srand(1);
    printf("datapath fast path, 1 thread, batches of %d, 64-byte UDP, "
           "%.1f s per case\n", PACKET_BATCH_MAX, seconds);
    void (*const cases[])(double) = {
        case_one_flow, case_masks, case_many_flows,
    };
    for (int i = 0; i < 3; i++) {
        if (!only || only == i + 1) {
            cases[i](seconds);
        }
    }
    rcu_unregister_thread();
    return 0;
}
