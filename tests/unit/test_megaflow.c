/* Unit tests for the megaflow table and the exact-match cache. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <urcu.h>
#include <cmocka.h>

#include "dp/crc32c.h"
#include "dp/flow_hash.h"
#include "dp/megaflow.h"

/* Fields a test mask can cover. */
enum {
    F_IN_PORT = 1 << 0,
    F_NW_SRC = 1 << 1,
    F_NW_DST = 1 << 2,
    F_TP_SRC = 1 << 3,
    F_TP_DST = 1 << 4,
    F_DL_DST = 1 << 5,
    F_NW_DST24 = 1 << 6,   /* the top 24 bits of nw_dst only */
};

static struct flow_key
mask_of(unsigned fields)
{
    struct flow_key m;
    memset(&m, 0, sizeof m);
    if (fields & F_IN_PORT) {
        m.in_port = UINT32_MAX;
    }
    if (fields & F_NW_SRC) {
        m.nw_src = UINT32_MAX;
    }
    if (fields & F_NW_DST) {
        m.nw_dst = UINT32_MAX;
    } else if (fields & F_NW_DST24) {
        m.nw_dst = __builtin_bswap32(0xffffff00);
    }
    if (fields & F_TP_SRC) {
        m.tp_src = UINT16_MAX;
    }
    if (fields & F_TP_DST) {
        m.tp_dst = UINT16_MAX;
    }
    if (fields & F_DL_DST) {
        memset(m.dl_dst.ea, 0xff, 6);
    }
    return m;
}

/* A packet key; fields no test mask covers hold noise. */
static struct flow_key
key_of(uint32_t in_port, uint32_t nw_src, uint32_t nw_dst, uint16_t tp_src,
       uint16_t tp_dst)
{
    struct flow_key k;
    memset(&k, 0, sizeof k);
    k.in_port = in_port;
    k.nw_src = __builtin_bswap32(nw_src);
    k.nw_dst = __builtin_bswap32(nw_dst);
    k.tp_src = __builtin_bswap16(tp_src);
    k.tp_dst = __builtin_bswap16(tp_dst);
    k.dl_type = __builtin_bswap16(0x0800);
    k.nw_ttl = (uint8_t) (rand() & 0xff);
    k.dl_src.ea[5] = (uint8_t) rand();
    k.ipv6_label = (uint32_t) rand();
    return k;
}

/* (a & m) == b, the test's own reference. */
static bool
matches(const struct flow_key *pkt, const struct flow_key *key,
        const struct flow_key *mask)
{
    const uint8_t *p = (const uint8_t *) pkt;
    const uint8_t *k = (const uint8_t *) key;
    const uint8_t *m = (const uint8_t *) mask;
    for (size_t i = 0; i < sizeof *pkt; i++) {
        if ((p[i] & m[i]) != (k[i] & m[i])) {
            return false;
        }
    }
    return true;
}

static bool
overlap_ref(const struct flow_key *k1, const struct flow_key *m1,
            const struct flow_key *k2, const struct flow_key *m2)
{
    const uint8_t *a = (const uint8_t *) k1, *b = (const uint8_t *) k2;
    const uint8_t *x = (const uint8_t *) m1, *y = (const uint8_t *) m2;
    for (size_t i = 0; i < sizeof *k1; i++) {
        if ((a[i] & x[i] & y[i]) != (b[i] & x[i] & y[i])) {
            return false;
        }
    }
    return true;
}

/* Any consistent hash does for the EMC; collisions are tested on purpose. */
static uint32_t
test_hash(const struct flow_key *k)
{
    const uint8_t *p = (const uint8_t *) k;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < sizeof *k; i++) {
        h = (h ^ p[i]) * 16777619u;
    }
    return h;
}

static int
insert(struct megaflow_table *t, const struct flow_key *k, unsigned fields,
       const char *actions)
{
    struct flow_key m = mask_of(fields);
    return megaflow_insert(t, k, &m, actions, strlen(actions), 0);
}

static struct megaflow *
lookup(struct megaflow_table *t, const struct flow_key *k, uint32_t *n_mask)
{
    uint32_t dummy = 0;
    rcu_read_lock();
    struct megaflow *f = megaflow_lookup(t, k, n_mask ? n_mask : &dummy);
    rcu_read_unlock();
    return f;
}

static void
assert_actions(const struct megaflow *f, const char *want)
{
    assert_non_null(f);
    assert_int_equal(f->actions->len, strlen(want));
    assert_memory_equal(f->actions->data, want, strlen(want));
}

/* ---------------------------------------------------------------------- */

static void
test_insert_lookup_modify_delete(void **state)
{
    (void) state;
    struct megaflow_table *t = megaflow_table_create();
    assert_non_null(t);
    struct flow_key k = key_of(1, 0x0a000001, 0x0a000002, 1000, 80);
    unsigned fields = F_IN_PORT | F_NW_DST | F_TP_DST;
    struct flow_key m = mask_of(fields);

    assert_int_equal(insert(t, &k, fields, "out:2"), 0);
    assert_int_equal(megaflow_count(t), 1);
    assert_int_equal(megaflow_mask_count(t), 1);

    /* Another packet agreeing on the masked fields hits; the stored key is
     * the masked one. */
    struct flow_key pkt = key_of(1, 0x0b000009, 0x0a000002, 5555, 80);
    uint32_t n_mask = 0;
    struct megaflow *f = lookup(t, &pkt, &n_mask);
    assert_actions(f, "out:2");
    assert_int_equal(n_mask, 1);
    assert_int_equal(f->key.nw_src, 0);
    assert_int_equal(f->key.nw_dst, k.nw_dst);
    assert_memory_equal(&f->mask, &m, sizeof m);
    assert_int_equal(f->refcnt, 1);
    assert_false(f->dead);

    struct flow_key other = key_of(1, 0x0a000001, 0x0a000002, 1000, 81);
    assert_null(lookup(t, &other, NULL));

    rcu_read_lock();
    assert_ptr_equal(megaflow_find_exact(t, &pkt, &m), f);
    struct flow_key m2 = mask_of(F_IN_PORT);
    assert_null(megaflow_find_exact(t, &k, &m2));
    rcu_read_unlock();

    megaflow_stats_update(f, 3, 300, 0x12, 1000);
    megaflow_stats_update(f, 1, 60, 0x01, 2000);
    struct megaflow_stats s;
    megaflow_stats_read(f, &s);
    assert_int_equal(s.packets, 4);
    assert_int_equal(s.bytes, 360);
    assert_int_equal(s.used_ms, 2000);
    assert_int_equal(s.tcp_flags, 0x13);

    /* Modify keeps the stats unless asked. */
    assert_int_equal(megaflow_modify(t, &k, &m, "drop", 4, false), 0);
    f = lookup(t, &pkt, NULL);
    assert_actions(f, "drop");
    megaflow_stats_read(f, &s);
    assert_int_equal(s.packets, 4);
    assert_int_equal(megaflow_modify(t, &k, &m, "out:3", 5, true), 0);
    f = lookup(t, &pkt, NULL);
    assert_actions(f, "out:3");
    megaflow_stats_read(f, &s);
    assert_int_equal(s.packets, 0);
    assert_int_equal(s.bytes, 0);
    assert_int_equal(megaflow_modify(t, &k, &m2, "x", 1, false), -ENOENT);
    assert_int_equal(megaflow_modify(t, &other, &m, "x", 1, false), -ENOENT);

    megaflow_stats_update(f, 2, 128, 0, 3000);
    memset(&s, 0xaa, sizeof s);
    assert_int_equal(megaflow_delete(t, &k, &m, &s), 0);
    assert_int_equal(s.packets, 2);
    assert_int_equal(s.bytes, 128);
    assert_int_equal(s.used_ms, 3000);
    assert_null(lookup(t, &pkt, NULL));
    assert_int_equal(megaflow_delete(t, &k, &m, NULL), -ENOENT);
    assert_int_equal(megaflow_count(t), 0);
    assert_int_equal(megaflow_mask_count(t), 0);

    /* Empty actions (drop) are a valid action list; bad arguments are not. */
    assert_int_equal(megaflow_insert(t, &k, &m, NULL, 0, 0), 0);
    assert_int_equal(lookup(t, &pkt, NULL)->actions->len, 0);
    assert_int_equal(megaflow_insert(t, &other, &m, NULL, 4, 0), -EINVAL);
    megaflow_table_destroy(t);
}

/* 10 masks x 100 flows: every flow is found by its own packets, with the
 * right actions, probing at most 10 masks. */
static void
test_many_masks(void **state)
{
    (void) state;
    static const unsigned mask_fields[10] = {
        F_IN_PORT,
        F_IN_PORT | F_NW_DST,
        F_IN_PORT | F_NW_SRC,
        F_IN_PORT | F_TP_DST,
        F_IN_PORT | F_NW_DST | F_TP_DST,
        F_IN_PORT | F_NW_SRC | F_NW_DST,
        F_IN_PORT | F_NW_DST24,
        F_IN_PORT | F_DL_DST,
        F_IN_PORT | F_NW_SRC | F_TP_SRC,
        F_IN_PORT | F_NW_SRC | F_NW_DST | F_TP_SRC | F_TP_DST,
    };
    struct megaflow_table *t = megaflow_table_create();
    char act[32];
    for (uint32_t m = 0; m < 10; m++) {
        for (uint32_t i = 0; i < 100; i++) {
            /* The in_port separates the masks; each flow its own values. */
            uint32_t in_port = m == 0 ? 1000 + i : m;
            struct flow_key k = key_of(in_port, 0x0a000000 + i,
                                       0x0b000000 + (i << 8), 100 + i,
                                       200 + i);
            k.dl_dst.ea[5] = (uint8_t) i;
            snprintf(act, sizeof act, "m%u f%u", m, i);
            assert_int_equal(insert(t, &k, mask_fields[m], act), 0);
        }
    }
    assert_int_equal(megaflow_count(t), 1000);
    assert_int_equal(megaflow_mask_count(t), 10);
    uint32_t total = 0;
    for (uint32_t m = 0; m < 10; m++) {
        for (uint32_t i = 0; i < 100; i++) {
            uint32_t in_port = m == 0 ? 1000 + i : m;
            struct flow_key pkt = key_of(in_port, 0x0a000000 + i,
                                         0x0b000000 + (i << 8) + 7, 100 + i,
                                         200 + i);
            pkt.dl_dst.ea[5] = (uint8_t) i;
            if (!(mask_fields[m] & F_NW_DST24)) {
                pkt.nw_dst = __builtin_bswap32(0x0b000000 + (i << 8));
            }
            uint32_t n_mask = 0;
            struct megaflow *f = lookup(t, &pkt, &n_mask);
            snprintf(act, sizeof act, "m%u f%u", m, i);
            assert_actions(f, act);
            assert_true(matches(&pkt, &f->key, &f->mask));
            assert_in_range(n_mask, 1, 10);
            total += n_mask;
        }
    }
    assert_in_range(total, 1000, 10000);
    /* A packet no flow matches probes all masks. */
    struct flow_key miss = key_of(77, 1, 2, 3, 4);
    uint32_t n_mask = 0;
    assert_null(lookup(t, &miss, &n_mask));
    assert_int_equal(n_mask, 10);
    megaflow_table_destroy(t);
}

/* Random flows over a small value domain (so that masks overlap often):
 * each insert is refused exactly when the reference says it overlaps, and
 * every packet finds exactly the one flow that matches it, if any. */
/* The batch lookup finds, for every key of a batch (repeats included), the
 * flow the single lookup finds, and probes at least one subtable a key. */
static void
test_lookup_batch_agrees_with_single(void **state)
{
    (void) state;
    static const unsigned field_pool[] = {
        F_IN_PORT, F_NW_DST, F_NW_DST24, F_TP_DST, F_TP_SRC,
    };
    struct megaflow_table *t = megaflow_table_create();
    srand(777);
    for (int i = 0; i < 300; i++) {
        unsigned fields = 0;
        for (size_t j = 0; j < sizeof field_pool / sizeof field_pool[0]; j++) {
            fields |= rand() % 2 ? field_pool[j] : 0;
        }
        struct flow_key k = key_of(1 + rand() % 3, 0, 0x0a000000
                                   + (uint32_t) (rand() % 3),
                                   (uint16_t) (rand() % 3),
                                   (uint16_t) (rand() % 3));
        struct flow_key m = mask_of(fields);
        (void) megaflow_insert(t, &k, &m, "a", 1, 0);
    }
    assert_true(megaflow_mask_count(t) > 1);

    int n_hit = 0, n_miss = 0;
    for (int round = 0; round < 200; round++) {
        size_t n = 1 + (size_t) (rand() % MEGAFLOW_BATCH_MAX);
        struct flow_key pkts[MEGAFLOW_BATCH_MAX];
        const struct flow_key *keys[MEGAFLOW_BATCH_MAX];
        struct megaflow *flows[MEGAFLOW_BATCH_MAX];
        for (size_t i = 0; i < n; i++) {
            pkts[i] = i && rand() % 4 == 0 ? pkts[rand() % i]  /* a repeat */
                : key_of(1 + rand() % 4, 0, 0x0a000000
                         + (uint32_t) (rand() % 4),
                         (uint16_t) (rand() % 4), (uint16_t) (rand() % 4));
            keys[i] = &pkts[i];
        }
        uint32_t n_mask_hit = 0;
        rcu_read_lock();
        megaflow_lookup_batch(t, keys, n, flows, &n_mask_hit);
        rcu_read_unlock();
        assert_true(n_mask_hit >= n);
        for (size_t i = 0; i < n; i++) {
            assert_ptr_equal(flows[i], lookup(t, &pkts[i], NULL));
            n_hit += flows[i] != NULL;
            n_miss += flows[i] == NULL;
        }
    }
    assert_true(n_hit > 100 && n_miss > 100);   /* both outcomes tested */
    megaflow_table_destroy(t);
    rcu_barrier();
}

static void
test_random_flows_agree_with_reference(void **state)
{
    (void) state;
    enum { N_TRY = 400, N_PKT = 3000 };
    static const unsigned field_pool[] = {
        F_IN_PORT, F_NW_DST, F_NW_DST24, F_TP_DST, F_TP_SRC,
    };
    struct megaflow_table *t = megaflow_table_create();
    struct flow_key keys[N_TRY], masks[N_TRY];
    int n = 0;
    srand(12345);
    int n_exist = 0, n_overlap = 0;
    for (int i = 0; i < N_TRY; i++) {
        unsigned fields = 0;
        for (size_t j = 0; j < sizeof field_pool / sizeof field_pool[0]; j++) {
            if (rand() % 2) {
                fields |= field_pool[j];
            }
        }
        struct flow_key k = key_of(1 + rand() % 3, 0, 0x0a000000
                                   + (uint32_t) (rand() % 2 << 8)
                                   + (uint32_t) (rand() % 3),
                                   (uint16_t) (rand() % 3),
                                   (uint16_t) (rand() % 3));
        struct flow_key m = mask_of(fields);
        int want = 0;
        for (int j = 0; j < n; j++) {
            if (overlap_ref(&k, &m, &keys[j], &masks[j])) {
                want = !memcmp(&m, &masks[j], sizeof m) ? -EEXIST : -EINVAL;
                break;
            }
        }
        int err = megaflow_insert(t, &k, &m, "a", 1, 0);
        assert_int_equal(err, want);
        if (!err) {
            keys[n] = k;
            masks[n++] = m;
        }
        n_exist += err == -EEXIST;
        n_overlap += err == -EINVAL;
    }
    /* The domain is small enough for all three outcomes to occur. */
    assert_true(n > 10);
    assert_true(n_exist > 0);
    assert_true(n_overlap > 0);
    assert_int_equal(megaflow_count(t), (size_t) n);

    int n_hit = 0;
    for (int p = 0; p < N_PKT; p++) {
        struct flow_key pkt = key_of(1 + rand() % 4, 0, 0x0a000000
                                     + (uint32_t) (rand() % 3 << 8)
                                     + (uint32_t) (rand() % 4),
                                     (uint16_t) (rand() % 4),
                                     (uint16_t) (rand() % 4));
        int expect = -1;
        for (int j = 0; j < n; j++) {
            if (matches(&pkt, &keys[j], &masks[j])) {
                assert_int_equal(expect, -1);   /* never two */
                expect = j;
            }
        }
        struct megaflow *f = lookup(t, &pkt, NULL);
        if (expect < 0) {
            assert_null(f);
        } else {
            n_hit++;
            assert_non_null(f);
            assert_memory_equal(&f->mask, &masks[expect], sizeof f->mask);
            assert_true(matches(&pkt, &f->key, &f->mask));
        }
    }
    assert_true(n_hit > 0 && n_hit < N_PKT);
    megaflow_table_destroy(t);
}

/* The existing mask is a subset of the new one: found by one lookup. */
static void
test_overlap_subset_case(void **state)
{
    (void) state;
    struct megaflow_table *t = megaflow_table_create();
    struct flow_key general = key_of(1, 0, 0, 0, 0);
    assert_int_equal(insert(t, &general, F_IN_PORT, "a"), 0);

    struct flow_key specific = key_of(1, 0, 0x0a000001, 0, 80);
    assert_int_equal(insert(t, &specific, F_IN_PORT | F_NW_DST | F_TP_DST,
                            "b"), -EINVAL);
    /* Same mask, same masked key, noise elsewhere: -EEXIST. */
    struct flow_key same = key_of(1, 99, 98, 97, 96);
    assert_int_equal(insert(t, &same, F_IN_PORT, "c"), -EEXIST);

    specific.in_port = 2;
    assert_int_equal(insert(t, &specific, F_IN_PORT | F_NW_DST | F_TP_DST,
                            "d"), 0);
    assert_int_equal(megaflow_count(t), 2);
    /* A prefix mask next to a full one with the same in_port (the full
     * one is not a subset: scanned). */
    struct flow_key net = key_of(2, 0, 0x0a000000, 0, 0);
    assert_int_equal(insert(t, &net, F_IN_PORT | F_NW_DST24, "e"), -EINVAL);
    net.nw_dst = __builtin_bswap32(0x0a000100);
    assert_int_equal(insert(t, &net, F_IN_PORT | F_NW_DST24, "e"), 0);
    megaflow_table_destroy(t);
}

/* The existing mask is not a subset: the subtable is scanned. */
static void
test_overlap_scan_case(void **state)
{
    (void) state;
    struct megaflow_table *t = megaflow_table_create();
    struct flow_key specific = key_of(1, 0, 0x0a000001, 0, 80);
    assert_int_equal(insert(t, &specific, F_IN_PORT | F_NW_DST | F_TP_DST,
                            "a"), 0);
    /* More general (existing mask is a superset). */
    struct flow_key general = key_of(1, 0, 0, 0, 0);
    assert_int_equal(insert(t, &general, F_IN_PORT, "b"), -EINVAL);
    general.in_port = 3;
    assert_int_equal(insert(t, &general, F_IN_PORT, "b"), 0);

    /* Partly disjoint masks: {in_port, nw_dst, tp_dst} vs {in_port, tp_src}
     * share only in_port. */
    struct flow_key side = key_of(1, 0, 0, 443, 0);
    assert_int_equal(insert(t, &side, F_IN_PORT | F_TP_SRC, "c"), -EINVAL);
    side.in_port = 4;
    assert_int_equal(insert(t, &side, F_IN_PORT | F_TP_SRC, "c"), 0);
    /* Shares in_port and tp_dst with the first flow, disagrees on tp_dst. */
    struct flow_key side2 = key_of(1, 0, 0, 443, 81);
    assert_int_equal(insert(t, &side2, F_IN_PORT | F_TP_SRC | F_TP_DST, "d"),
                     0);
    /* ...and agrees on it here: overlap. */
    side2.tp_dst = __builtin_bswap16(80);
    side2.tp_src = __builtin_bswap16(444);
    assert_int_equal(insert(t, &side2, F_IN_PORT | F_TP_SRC | F_TP_DST, "d"),
                     -EINVAL);
    /* The match-everything mask overlaps everything. */
    struct flow_key any = key_of(9, 9, 9, 9, 9);
    assert_int_equal(insert(t, &any, 0, "e"), -EINVAL);
    assert_int_equal(megaflow_count(t), 4);
    megaflow_table_destroy(t);
}

/* Flows with different masks that cannot match the same packet coexist and
 * each gets its own packets. */
static void
test_disjoint_masks_coexist(void **state)
{
    (void) state;
    struct megaflow_table *t = megaflow_table_create();
    struct flow_key a = key_of(1, 0, 0, 0, 0);
    struct flow_key b = key_of(2, 0, 0x0a000001, 0, 0);
    struct flow_key c = key_of(2, 0, 0x0a000002, 0, 22);
    assert_int_equal(insert(t, &a, F_IN_PORT, "A"), 0);
    assert_int_equal(insert(t, &b, F_IN_PORT | F_NW_DST, "B"), 0);
    assert_int_equal(insert(t, &c, F_IN_PORT | F_NW_DST | F_TP_DST, "C"), 0);
    assert_int_equal(megaflow_mask_count(t), 3);

    struct flow_key p = key_of(1, 5, 0x0a000001, 6, 22);
    assert_actions(lookup(t, &p, NULL), "A");
    p.in_port = 2;
    assert_actions(lookup(t, &p, NULL), "B");
    p.nw_dst = __builtin_bswap32(0x0a000002);
    assert_actions(lookup(t, &p, NULL), "C");
    p.tp_dst = __builtin_bswap16(23);
    assert_null(lookup(t, &p, NULL));

    /* Deleting the only flow of a mask removes its subtable. */
    struct flow_key mb = mask_of(F_IN_PORT | F_NW_DST);
    assert_int_equal(megaflow_delete(t, &b, &mb, NULL), 0);
    assert_int_equal(megaflow_mask_count(t), 2);
    p = key_of(2, 5, 0x0a000001, 6, 22);
    uint32_t n_mask = 0;
    assert_null(lookup(t, &p, &n_mask));
    assert_int_equal(n_mask, 2);
    megaflow_table_destroy(t);
}

static void
test_n_mask_hit(void **state)
{
    (void) state;
    struct megaflow_table *t = megaflow_table_create();
    struct flow_key a = key_of(1, 0, 0, 0, 0);
    struct flow_key b = key_of(2, 0, 0x0a000001, 0, 0);
    struct flow_key c = key_of(3, 0, 0x0a000001, 0, 22);
    assert_int_equal(insert(t, &a, F_IN_PORT, "A"), 0);
    assert_int_equal(insert(t, &b, F_IN_PORT | F_NW_DST, "B"), 0);
    assert_int_equal(insert(t, &c, F_IN_PORT | F_NW_DST | F_TP_DST, "C"), 0);

    uint32_t n_mask = 0;
    struct flow_key miss = key_of(4, 0, 0, 0, 0);
    assert_null(lookup(t, &miss, &n_mask));
    assert_int_equal(n_mask, 3);
    /* It adds, and a hit counts the masks up to and including its own: the
     * three hits below probe 1 + 2 + 3 masks in some order. */
    assert_non_null(lookup(t, &a, &n_mask));
    assert_non_null(lookup(t, &b, &n_mask));
    assert_non_null(lookup(t, &c, &n_mask));
    assert_int_equal(n_mask, 3 + 6);
    megaflow_table_destroy(t);
}

/* After many hits on the subtable probed last, it is probed first. */
static void
test_ranking(void **state)
{
    (void) state;
    struct megaflow_table *t = megaflow_table_create();
    struct flow_key k[4] = {
        key_of(1, 0, 0, 0, 0),
        key_of(2, 0, 0x0a000001, 0, 0),
        key_of(3, 0, 0x0a000001, 0, 22),
        key_of(4, 7, 0x0a000001, 0, 22),
    };
    static const unsigned fields[4] = {
        F_IN_PORT, F_IN_PORT | F_NW_DST, F_IN_PORT | F_NW_DST | F_TP_DST,
        F_IN_PORT | F_NW_SRC | F_NW_DST | F_TP_DST,
    };
    for (int i = 0; i < 4; i++) {
        assert_int_equal(insert(t, &k[i], fields[i], "x"), 0);
    }
    uint32_t n_mask = 0;
    assert_non_null(lookup(t, &k[3], &n_mask));
    assert_int_equal(n_mask, 4);     /* new masks go last */
    for (int i = 0; i < 5000; i++) {
        assert_non_null(lookup(t, &k[3], NULL));
    }
    n_mask = 0;
    assert_non_null(lookup(t, &k[3], &n_mask));
    assert_int_equal(n_mask, 1);
    /* The ranking follows the traffic when it moves to another mask. */
    for (int i = 0; i < 20000; i++) {
        assert_non_null(lookup(t, &k[1], NULL));
    }
    n_mask = 0;
    assert_non_null(lookup(t, &k[1], &n_mask));
    assert_int_equal(n_mask, 1);
    n_mask = 0;
    assert_non_null(lookup(t, &k[3], &n_mask));
    assert_int_equal(n_mask, 2);
    megaflow_table_destroy(t);
}

static void
test_max_flows(void **state)
{
    (void) state;
    struct megaflow_table *t = megaflow_table_create();
    struct flow_key m = mask_of(F_IN_PORT);
    for (uint32_t i = 1; i <= 3; i++) {
        struct flow_key k = key_of(i, 0, 0, 0, 0);
        assert_int_equal(megaflow_insert(t, &k, &m, "a", 1, 3), 0);
    }
    struct flow_key k4 = key_of(4, 0, 0, 0, 0);
    assert_int_equal(megaflow_insert(t, &k4, &m, "a", 1, 3), -E2BIG);
    /* A duplicate is still reported as such at the limit. */
    struct flow_key k1 = key_of(1, 0, 0, 0, 0);
    assert_int_equal(megaflow_insert(t, &k1, &m, "a", 1, 3), -EEXIST);
    assert_int_equal(megaflow_count(t), 3);
    assert_null(lookup(t, &k4, NULL));
    assert_int_equal(megaflow_delete(t, &k1, &m, NULL), 0);
    assert_int_equal(megaflow_insert(t, &k4, &m, "a", 1, 3), 0);
    /* 0 means no limit. */
    struct flow_key k5 = key_of(5, 0, 0, 0, 0);
    assert_int_equal(megaflow_insert(t, &k5, &m, "a", 1, 0), 0);
    assert_int_equal(megaflow_count(t), 4);
    megaflow_table_destroy(t);
}

static void
test_flush(void **state)
{
    (void) state;
    struct megaflow_table *t = megaflow_table_create();
    struct emc_cache *c = emc_cache_create();
    assert_non_null(c);
    struct flow_key k = key_of(1, 0, 0x0a000001, 0, 0);
    for (uint32_t i = 1; i <= 50; i++) {
        struct flow_key ki = key_of(i, 0, 0x0a000001, 0, 0);
        assert_int_equal(insert(t, &ki, i % 2 ? F_IN_PORT
                                : F_IN_PORT | F_NW_DST, "a"), 0);
    }
    struct megaflow *f = lookup(t, &k, NULL);
    assert_non_null(f);
    uint32_t h = test_hash(&k);
    rcu_read_lock();
    emc_insert(c, &k, h, f);
    assert_ptr_equal(emc_lookup(c, &k, h), f);
    rcu_read_unlock();

    megaflow_flush(t);
    assert_int_equal(megaflow_count(t), 0);
    assert_int_equal(megaflow_mask_count(t), 0);
    assert_null(lookup(t, &k, NULL));
    /* The EMC's reference keeps the flow, but dead: it misses. */
    rcu_read_lock();
    assert_true(f->dead);
    assert_null(emc_lookup(c, &k, h));
    rcu_read_unlock();

    /* The table works after a flush. */
    assert_int_equal(insert(t, &k, F_IN_PORT, "b"), 0);
    assert_actions(lookup(t, &k, NULL), "b");
    emc_cache_destroy(c);
    megaflow_table_destroy(t);
}

static void
test_emc_hit_and_dead(void **state)
{
    (void) state;
    struct megaflow_table *t = megaflow_table_create();
    struct emc_cache *c = emc_cache_create();
    struct flow_key k = key_of(1, 0, 0x0a000001, 0, 0);
    assert_int_equal(insert(t, &k, F_IN_PORT, "a"), 0);
    uint32_t h = test_hash(&k);

    rcu_read_lock();
    assert_null(emc_lookup(c, &k, h));
    struct megaflow *f = megaflow_lookup(t, &k, &(uint32_t){0});
    emc_insert(c, &k, h, f);
    assert_int_equal(f->refcnt, 2);
    assert_ptr_equal(emc_lookup(c, &k, h), f);
    emc_insert(c, &k, h, f);       /* again: no second reference */
    assert_int_equal(f->refcnt, 2);

    /* Same hash, other key: a miss (the full key is compared). */
    struct flow_key k2 = k;
    k2.tp_src ^= 1;
    assert_null(emc_lookup(c, &k2, h));
    /* Same key, other hash: a miss too. */
    assert_null(emc_lookup(c, &k, h + 1));
    rcu_read_unlock();

    /* Deleted: dead at once; the EMC's reference keeps it in memory. */
    struct flow_key m = mask_of(F_IN_PORT);
    assert_int_equal(megaflow_delete(t, &k, &m, NULL), 0);
    rcu_read_lock();
    assert_true(f->dead);
    assert_int_equal(f->refcnt, 1);
    /* A dead flow is not cached under a new key... */
    struct flow_key k3 = k;
    k3.nw_src = 12345;
    emc_insert(c, &k3, test_hash(&k3), f);
    assert_int_equal(f->refcnt, 1);
    assert_null(emc_lookup(c, &k3, test_hash(&k3)));
    /* ...and the cached entry misses and lets its reference go. */
    assert_null(emc_lookup(c, &k, h));
    /* f is freed after the grace period; do not touch it again. */
    rcu_read_unlock();

    assert_int_equal(insert(t, &k, F_IN_PORT, "b"), 0);
    struct megaflow *g = lookup(t, &k, NULL);
    rcu_read_lock();
    emc_insert(c, &k, h, g);
    assert_ptr_equal(emc_lookup(c, &k, h), g);
    rcu_read_unlock();
    emc_clear(c);
    assert_int_equal(g->refcnt, 1);
    rcu_read_lock();
    assert_null(emc_lookup(c, &k, h));
    rcu_read_unlock();
    emc_cache_destroy(c);
    megaflow_table_destroy(t);
}

/* Keys with the same hash compete for the same two entries; the loser's
 * reference is dropped. */
static void
test_emc_replacement(void **state)
{
    (void) state;
    struct megaflow_table *t = megaflow_table_create();
    struct emc_cache *c = emc_cache_create();
    struct flow_key k[3];
    struct megaflow *f[3];
    for (uint32_t i = 0; i < 3; i++) {
        k[i] = key_of(i + 1, 0, 0, 0, 0);
        assert_int_equal(insert(t, &k[i], F_IN_PORT, "a"), 0);
        f[i] = lookup(t, &k[i], NULL);
    }
    const uint32_t h = 0x12345678;
    rcu_read_lock();
    emc_insert(c, &k[0], h, f[0]);
    emc_insert(c, &k[1], h, f[1]);
    /* Two ways: both fit. */
    assert_ptr_equal(emc_lookup(c, &k[0], h), f[0]);
    assert_ptr_equal(emc_lookup(c, &k[1], h), f[1]);
    assert_int_equal(f[0]->refcnt + f[1]->refcnt, 4);
    emc_insert(c, &k[2], h, f[2]);
    assert_ptr_equal(emc_lookup(c, &k[2], h), f[2]);
    assert_int_equal(f[2]->refcnt, 2);
    /* Exactly one of the first two was evicted and released. */
    int kept = (emc_lookup(c, &k[0], h) == f[0])
               + (emc_lookup(c, &k[1], h) == f[1]);
    assert_int_equal(kept, 1);
    assert_int_equal(f[0]->refcnt + f[1]->refcnt, 3);
    rcu_read_unlock();

    /* The same key re-pointed at a new flow releases the old one, which is
     * then freed (ASan checks that nobody touches it). */
    struct flow_key m = mask_of(F_IN_PORT);
    assert_int_equal(megaflow_delete(t, &k[2], &m, NULL), 0);
    assert_int_equal(f[2]->refcnt, 1);  /* the EMC's */
    assert_int_equal(insert(t, &k[2], F_IN_PORT | F_NW_DST, "new"), 0);
    struct megaflow *g = lookup(t, &k[2], NULL);
    rcu_read_lock();
    emc_insert(c, &k[2], h, g);
    assert_ptr_equal(emc_lookup(c, &k[2], h), g);
    rcu_read_unlock();
    assert_int_equal(g->refcnt, 2);
    emc_cache_destroy(c);
    assert_int_equal(g->refcnt, 1);
    assert_int_equal(f[0]->refcnt, 1);
    megaflow_table_destroy(t);
}

static bool
count_cb(const struct megaflow *f, void *aux)
{
    size_t *n = aux;
    assert_false(f->dead);
    return ++*n < 7;
}

static bool
count_all_cb(const struct megaflow *f, void *aux)
{
    (void) f;
    ++*(size_t *) aux;
    return true;
}

static void
test_foreach(void **state)
{
    (void) state;
    struct megaflow_table *t = megaflow_table_create();
    for (uint32_t i = 0; i < 20; i++) {
        struct flow_key k = key_of(i, 0, i, 0, 0);
        assert_int_equal(insert(t, &k, i % 3 ? F_IN_PORT
                                : F_IN_PORT | F_NW_DST, "a"), 0);
    }
    size_t n = 0;
    megaflow_foreach(t, count_all_cb, &n);
    assert_int_equal(n, 20);
    n = 0;
    megaflow_foreach(t, count_cb, &n);
    assert_int_equal(n, 7);   /* stopped early */
    megaflow_table_destroy(t);
}

/* One mask with many flows: the slot array grows, then shrinks as they go,
 * and every remaining flow stays reachable throughout. */
static void
test_grow_and_shrink(void **state)
{
    (void) state;
    enum { N = 5000 };
    struct megaflow_table *t = megaflow_table_create();
    struct flow_key m = mask_of(F_IN_PORT | F_NW_DST);
    for (uint32_t i = 0; i < N; i++) {
        struct flow_key k = key_of(1, 0, i, 0, 0);
        char act[16];
        snprintf(act, sizeof act, "%u", i);
        assert_int_equal(megaflow_insert(t, &k, &m, act, strlen(act), 0), 0);
    }
    assert_int_equal(megaflow_count(t), N);
    for (uint32_t i = 0; i < N; i += 2) {
        struct flow_key k = key_of(1, 0, i, 0, 0);
        assert_int_equal(megaflow_delete(t, &k, &m, NULL), 0);
    }
    for (uint32_t i = 0; i < N; i++) {
        struct flow_key k = key_of(1, 0, i, 0, 0);
        struct megaflow *f = lookup(t, &k, NULL);
        if (i % 2) {
            char act[16];
            snprintf(act, sizeof act, "%u", i);
            assert_actions(f, act);
        } else {
            assert_null(f);
        }
    }
    for (uint32_t i = 1; i < N - 1; i += 2) {
        struct flow_key k = key_of(1, 0, i, 0, 0);
        assert_int_equal(megaflow_delete(t, &k, &m, NULL), 0);
    }
    assert_int_equal(megaflow_count(t), 1);
    struct flow_key last = key_of(1, 0, N - 1, 0, 0);
    assert_non_null(lookup(t, &last, NULL));
    megaflow_table_destroy(t);
}

/* ---------------------------------------------------------------------- */
/* Concurrency: a reader looks up all the time while the writer churns. */

enum { N_STABLE = 64, N_CHURN_KEYS = 256 };

struct race {
    struct megaflow_table *t;
    struct flow_key stable[N_STABLE];
    struct flow_key churn[N_CHURN_KEYS];
    int stop;
    uint64_t progress;    /* reader's passes so far */
    uint64_t lookups, churn_hits, missing_stable, wrong_match, emc_hits;
};

/* The writer keeps going until the reader made this many passes. */
enum { MIN_READER_PASSES = 2000 };

static bool
reader_behind(struct race *r)
{
    return __atomic_load_n(&r->progress, __ATOMIC_RELAXED)
           < MIN_READER_PASSES;
}

static void *
race_reader(void *arg)
{
    struct race *r = arg;
    rcu_register_thread();
    struct emc_cache *c = emc_cache_create();
    uint64_t lookups = 0, churn_hits = 0, emc_hits = 0;
    while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
        rcu_read_lock();
        for (int i = 0; i < N_STABLE; i++) {
            uint32_t n_mask = 0;
            struct megaflow *f = megaflow_lookup(r->t, &r->stable[i], &n_mask);
            if (!f || !matches(&r->stable[i], &f->key, &f->mask)) {
                __atomic_fetch_add(&r->missing_stable, 1, __ATOMIC_RELAXED);
            }
            lookups++;
        }
        for (int i = 0; i < N_CHURN_KEYS; i++) {
            const struct flow_key *k = &r->churn[i];
            uint32_t h = test_hash(k), n_mask = 0;
            struct megaflow *f = emc_lookup(c, k, h);
            if (f) {
                emc_hits++;
            } else {
                f = megaflow_lookup(r->t, k, &n_mask);
                if (f) {
                    emc_insert(c, k, h, f);
                }
            }
            if (f) {
                churn_hits++;
                if (!matches(k, &f->key, &f->mask) || f->actions->len != 5) {
                    __atomic_fetch_add(&r->wrong_match, 1, __ATOMIC_RELAXED);
                }
            }
            lookups++;
        }
        rcu_read_unlock();
        __atomic_fetch_add(&r->progress, 1, __ATOMIC_RELAXED);
    }
    emc_cache_destroy(c);
    r->lookups = lookups;
    r->churn_hits = churn_hits;
    r->emc_hits = emc_hits;
    rcu_unregister_thread();
    return NULL;
}

static void
test_concurrent_reader(void **state)
{
    (void) state;
    static const unsigned churn_fields[] = {
        F_IN_PORT, F_IN_PORT | F_NW_DST, F_IN_PORT | F_TP_DST,
        F_IN_PORT | F_NW_DST | F_TP_DST, F_IN_PORT | F_NW_DST24,
        F_IN_PORT | F_TP_SRC | F_TP_DST,
    };
    struct race *r = calloc(1, sizeof *r);
    r->t = megaflow_table_create();
    srand(777);
    for (int i = 0; i < N_STABLE; i++) {
        r->stable[i] = key_of(1, 0, 0x0a000000 + (uint32_t) i, 0, 80);
        assert_int_equal(insert(r->t, &r->stable[i],
                                F_IN_PORT | F_NW_DST | F_TP_DST, "stab"), 0);
    }
    for (int i = 0; i < N_CHURN_KEYS; i++) {
        r->churn[i] = key_of(2 + (uint32_t) (rand() % 4), 0,
                             0x0b000000 + (uint32_t) (rand() % 8),
                             (uint16_t) (rand() % 4), (uint16_t) (rand() % 4));
    }
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, race_reader, r), 0);

    int inserted = 0, deleted = 0;
    for (int round = 0; round < 40000 || reader_behind(r); round++) {
        const struct flow_key *k = &r->churn[rand() % N_CHURN_KEYS];
        struct flow_key m = mask_of(churn_fields[rand() % 6]);
        if (rand() % 2) {
            int err = megaflow_insert(r->t, k, &m, "churn", 5, 2000);
            assert_true(err == 0 || err == -EEXIST || err == -EINVAL);
            inserted += !err;
        } else {
            deleted += !megaflow_delete(r->t, k, &m, NULL);
        }
        if (round % 5000 == 4999) {
            megaflow_flush(r->t);   /* stable ones go too: put them back */
            for (int i = 0; i < N_STABLE; i++) {
                assert_int_equal(insert(r->t, &r->stable[i], F_IN_PORT
                                        | F_NW_DST | F_TP_DST, "stab"), 0);
            }
        }
    }
    __atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
    pthread_join(th, NULL);

    assert_true(inserted > 1000);
    assert_true(deleted > 500);
    assert_true(r->lookups > 0);
    assert_true(r->churn_hits > 0);
    assert_int_equal(r->wrong_match, 0);
    /* Stable flows may be missed only in the short windows between a flush
     * and their reinsertion, so their misses are reported, not asserted. */
    printf("   concurrent: %lu lookups, %lu churn hits (%lu from EMC), "
           "%lu stable misses around flushes\n",
           (unsigned long) r->lookups, (unsigned long) r->churn_hits,
           (unsigned long) r->emc_hits, (unsigned long) r->missing_stable);
    megaflow_table_destroy(r->t);
    free(r);
}

/* Like the above without flushes: a stable flow is never missed while
 * other flows come and go and subtables are created, resized and removed. */
static void
test_concurrent_stable_never_missed(void **state)
{
    (void) state;
    static const unsigned churn_fields[] = {
        F_IN_PORT, F_IN_PORT | F_NW_DST, F_IN_PORT | F_TP_DST,
        F_IN_PORT | F_NW_DST | F_TP_DST, F_IN_PORT | F_NW_DST24,
    };
    struct race *r = calloc(1, sizeof *r);
    r->t = megaflow_table_create();
    srand(4242);
    for (int i = 0; i < N_STABLE; i++) {
        r->stable[i] = key_of(1, 0, 0x0a000000 + (uint32_t) i, 0, 80);
        assert_int_equal(insert(r->t, &r->stable[i],
                                F_IN_PORT | F_NW_DST | F_TP_DST, "stab"), 0);
    }
    for (int i = 0; i < N_CHURN_KEYS; i++) {
        r->churn[i] = key_of(2 + (uint32_t) (rand() % 4), 0,
                             0x0b000000 + (uint32_t) i, (uint16_t) (rand() % 4),
                             (uint16_t) i);
    }
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, race_reader, r), 0);
    for (int round = 0; round < 30 || reader_behind(r); round++) {
        /* Fill one mask with hundreds of flows (grows its array), then
         * empty it (shrinks, then removes the subtable). */
        struct flow_key m = mask_of(churn_fields[round % 5] | F_NW_DST
                                    | F_TP_DST);
        for (int i = 0; i < N_CHURN_KEYS; i++) {
            assert_int_equal(megaflow_insert(r->t, &r->churn[i], &m,
                                             "churn", 5, 0), 0);
        }
        for (int i = 0; i < N_CHURN_KEYS; i++) {
            assert_int_equal(megaflow_delete(r->t, &r->churn[i], &m, NULL),
                             0);
        }
    }
    __atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
    pthread_join(th, NULL);
    assert_true(r->lookups > 0);
    assert_int_equal(r->missing_stable, 0);
    assert_int_equal(r->wrong_match, 0);
    assert_int_equal(megaflow_count(r->t), N_STABLE);
    assert_int_equal(megaflow_mask_count(r->t), 1);
    megaflow_table_destroy(r->t);
    free(r);
}

/* Not an assertion of speed (machines differ): prints ns per lookup for
 * 1000 flows over 10 masks, uniform traffic, EMC off and EMC on. */
static void
test_print_lookup_speed(void **state)
{
    (void) state;
    enum { N_MASKS = 10, PER_MASK = 100, N = N_MASKS * PER_MASK,
           ROUNDS = 300 };
    static const unsigned mask_fields[N_MASKS] = {
        F_IN_PORT | F_NW_DST, F_IN_PORT | F_NW_SRC, F_IN_PORT | F_TP_DST,
        F_IN_PORT | F_NW_DST | F_TP_DST, F_IN_PORT | F_NW_SRC | F_NW_DST,
        F_IN_PORT | F_NW_DST24, F_IN_PORT | F_DL_DST,
        F_IN_PORT | F_NW_SRC | F_TP_SRC, F_IN_PORT | F_TP_SRC | F_TP_DST,
        F_IN_PORT | F_NW_SRC | F_NW_DST | F_TP_SRC | F_TP_DST,
    };
    struct megaflow_table *t = megaflow_table_create();
    struct flow_key *pkts = calloc(N, sizeof *pkts);
    uint32_t *hashes = calloc(N, sizeof *hashes);
    for (uint32_t m = 0; m < N_MASKS; m++) {
        for (uint32_t i = 0; i < PER_MASK; i++) {
            struct flow_key k = key_of(m + 1, 0x0a000000 + i,
                                       0x0b000000 + (i << 8), 100 + i,
                                       200 + i);
            k.dl_dst.ea[5] = (uint8_t) i;
            assert_int_equal(insert(t, &k, mask_fields[m], "a"), 0);
            pkts[m * PER_MASK + i] = k;
            hashes[m * PER_MASK + i] = flow_key_hash(&k, 0);
        }
    }
    /* Shuffle so that consecutive lookups hit different masks. */
    for (uint32_t i = N - 1; i > 0; i--) {
        uint32_t j = (uint32_t) rand() % (i + 1);
        struct flow_key tk = pkts[i];
        pkts[i] = pkts[j];
        pkts[j] = tk;
        uint32_t th = hashes[i];
        hashes[i] = hashes[j];
        hashes[j] = th;
    }
    struct emc_cache *c = emc_cache_create();
    struct timespec a, b;
    uint32_t n_mask = 0;
    uint64_t found = 0, emc_found = 0;
    rcu_read_lock();
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int r = 0; r < ROUNDS; r++) {
        for (uint32_t i = 0; i < N; i++) {
            found += megaflow_lookup(t, &pkts[i], &n_mask) != NULL;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns_mf = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec))
                   / ((double) ROUNDS * N);
    for (uint32_t i = 0; i < N; i++) {
        emc_insert(c, &pkts[i], hashes[i],
                   megaflow_lookup(t, &pkts[i], &n_mask));
    }
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int r = 0; r < ROUNDS; r++) {
        for (uint32_t i = 0; i < N; i++) {
            uint32_t h = flow_key_hash(&pkts[i], 0);   /* as per packet */
            emc_found += emc_lookup(c, &pkts[i], h) != NULL;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    rcu_read_unlock();
    double ns_emc = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec))
                    / ((double) ROUNDS * N);
    assert_int_equal(found, (uint64_t) ROUNDS * N);
    /* A few keys lose their entry to two others with the same sets. */
    assert_true(emc_found > (uint64_t) ROUNDS * N * 95 / 100);
    printf("   lookup speed: megaflow %.1f ns (%.2f masks probed on "
           "average), emc hit %.1f ns (with flow_key_hash)\n", ns_mf,
           (double) n_mask / (ROUNDS * N + N), ns_emc);
    emc_cache_destroy(c);
    megaflow_table_destroy(t);
    free(pkts);
    free(hashes);
}


/* ---------------------------------------------------------------------- */
/* The hash is keyed: a seed moves every flow's hash, lookups stay right. */

#define KEYED_FLOWS 64

/* Installs KEYED_FLOWS flows in `t` and writes each one's stored hash to
 * `hashes`, checking on the way that every one is found and that a key
 * not installed misses. */
static void
install_and_hash(struct megaflow_table *t, uint32_t hashes[KEYED_FLOWS])
{
    unsigned fields = F_NW_DST | F_TP_SRC;
    for (uint32_t i = 0; i < KEYED_FLOWS; i++) {
        struct flow_key k = key_of(1, 0, 0x0a000000 + i, 1000 + i, 0);
        assert_int_equal(insert(t, &k, fields, "out:1"), 0);
    }
    for (uint32_t i = 0; i < KEYED_FLOWS; i++) {
        struct flow_key pkt = key_of(7, 99, 0x0a000000 + i, 1000 + i, 5);
        struct megaflow *f = lookup(t, &pkt, NULL);
        assert_non_null(f);
        assert_int_equal(f->key.nw_dst, pkt.nw_dst);
        assert_int_equal(f->key.tp_src, pkt.tp_src);
        hashes[i] = megaflow_flow_hash(f);
        struct flow_key miss = key_of(1, 0, 0x0a000000 + i, 3000 + i, 0);
        assert_null(lookup(t, &miss, NULL));
    }
}

static size_t
n_equal(const uint32_t a[KEYED_FLOWS], const uint32_t b[KEYED_FLOWS])
{
    size_t n = 0;
    for (size_t i = 0; i < KEYED_FLOWS; i++) {
        n += a[i] == b[i];
    }
    return n;
}

static void
test_hash_keyed_by_seed(void **state)
{
    (void) state;
    uint32_t h1[KEYED_FLOWS], h2[KEYED_FLOWS], h1_again[KEYED_FLOWS];
    struct megaflow_table *t1 = megaflow_table_create_seeded(1);
    struct megaflow_table *t2 = megaflow_table_create_seeded(2);
    struct megaflow_table *t3 = megaflow_table_create_seeded(1);
    install_and_hash(t1, h1);
    install_and_hash(t2, h2);
    install_and_hash(t3, h1_again);
    assert_int_equal(n_equal(h1, h1_again), KEYED_FLOWS);  /* same seed */
    assert_true(n_equal(h1, h2) <= 1);                      /* another one */
    /* The slots differ too, not only the high bits: a 64-slot array. */
    size_t same_slot = 0;
    for (size_t i = 0; i < KEYED_FLOWS; i++) {
        same_slot += (h1[i] & 63) == (h2[i] & 63);
    }
    assert_true(same_slot < KEYED_FLOWS / 4);
    megaflow_table_destroy(t1);
    megaflow_table_destroy(t2);
    megaflow_table_destroy(t3);
}

/* The table keeps each flow under the module's hash of its key and mask
 * (flow_hash_masked under the seed's key), on masks of one to five
 * fields: the batch lookup, which found each flow, hashes as the module. */
static void
test_hash_is_flow_hash_masked(void **state)
{
    (void) state;
    const unsigned field_sets[] = {
        F_NW_DST, F_NW_DST | F_TP_SRC, F_IN_PORT | F_NW_DST | F_TP_SRC,
        F_IN_PORT | F_NW_SRC | F_NW_DST | F_TP_SRC | F_TP_DST,
    };
    struct flow_hash_key hkey;
    flow_hash_key_from_seed(&hkey, 5);
    struct megaflow_table *t = megaflow_table_create_seeded(5);
    for (size_t s = 0; s < sizeof field_sets / sizeof field_sets[0]; s++) {
        struct flow_key k = key_of(1 + s, 2, 0x0a000000 + s, 1000, 80);
        assert_int_equal(insert(t, &k, field_sets[s], "out:1"), 0);
        struct megaflow *f = lookup(t, &k, NULL);
        assert_non_null(f);
        assert_int_equal(megaflow_flow_hash(f),
                         flow_hash_masked(&hkey, &f->key, &f->mask));
    }
    megaflow_table_destroy(t);
}

/* Two keys whose masked words differ by (d, crc32c(0, d)) have equal
 * CRC32C chains from any start: the collision a seed added to the CRC
 * could not prevent.  The table's hash must tell them apart. */
static void
test_crc_equal_keys_do_not_collide(void **state)
{
    (void) state;
    if (!crc32c_available()) {
        skip();
    }
    struct flow_key mask, a, b;
    uint64_t *mw = (uint64_t *) &mask, *aw = (uint64_t *) &a;
    uint64_t *bw = (uint64_t *) &b;
    memset(&mask, 0, sizeof mask);
    mw[1] = mw[2] = UINT64_MAX;   /* the subtable hashes words 1 and 2 */
    for (size_t i = 0; i < sizeof a / 8; i++) {
        aw[i] = 0x0123456789abcdefULL * (i + 1);
    }
    b = a;
    const uint64_t d = 0x00000000ff000001ULL;
    bw[1] ^= d;
    bw[2] ^= crc32c_u64(0, d);
    /* The premise: plain CRC chains collide whatever the start value. */
    for (uint64_t start = 0; start < 3; start++) {
        uint64_t s0 = start * 0x9e3779b9u;
        assert_int_equal(crc32c_u64(crc32c_u64(s0, aw[1]), aw[2]),
                         crc32c_u64(crc32c_u64(s0, bw[1]), bw[2]));
    }
    for (uint64_t seed = 1; seed <= 3; seed++) {
        struct megaflow_table *t = megaflow_table_create_seeded(seed);
        assert_int_equal(megaflow_insert(t, &a, &mask, "x", 1, 0), 0);
        assert_int_equal(megaflow_insert(t, &b, &mask, "y", 1, 0), 0);
        struct megaflow *fa = lookup(t, &a, NULL), *fb = lookup(t, &b, NULL);
        assert_actions(fa, "x");
        assert_actions(fb, "y");
        assert_int_not_equal(megaflow_flow_hash(fa), megaflow_flow_hash(fb));
        megaflow_table_destroy(t);
    }
}

/* megaflow_table_create draws its seed per process: two processes (this
 * binary run again with --hashes; a fork would inherit the seed) put the
 * same flows under different hashes. */
static int
print_hashes(void)
{
    rcu_register_thread();
    struct megaflow_table *t = megaflow_table_create();
    unsigned fields = F_NW_DST | F_TP_SRC;
    for (uint32_t i = 0; i < KEYED_FLOWS; i++) {
        struct flow_key k = key_of(1, 0, 0x0a000000 + i, 1000 + i, 0);
        struct flow_key m = mask_of(fields);
        if (megaflow_insert(t, &k, &m, "o", 1, 0)) {
            return 1;
        }
        printf("%08x\n", megaflow_flow_hash(megaflow_find_exact(t, &k, &m)));
    }
    megaflow_table_destroy(t);
    rcu_barrier();
    rcu_unregister_thread();
    return 0;
}

static void
process_hashes(uint32_t hashes[KEYED_FLOWS])
{
    char self[4096], cmd[4200];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(n > 0);
    self[n] = '\0';
    snprintf(cmd, sizeof cmd, "'%s' --hashes", self);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    for (size_t i = 0; i < KEYED_FLOWS; i++) {
        unsigned h;
        assert_int_equal(fscanf(f, "%x", &h), 1);
        hashes[i] = h;
    }
    assert_int_equal(pclose(f), 0);
}

static void
test_hash_seed_differs_between_processes(void **state)
{
    (void) state;
    uint32_t h1[KEYED_FLOWS], h2[KEYED_FLOWS];
    process_hashes(h1);
    process_hashes(h2);
    assert_true(n_equal(h1, h2) <= 1);
}

int
main(int argc, char *argv[])
{
    if (argc > 1 && !strcmp(argv[1], "--hashes")) {
        return print_hashes();
    }
    rcu_register_thread();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_insert_lookup_modify_delete),
        cmocka_unit_test(test_many_masks),
        cmocka_unit_test(test_random_flows_agree_with_reference),
        cmocka_unit_test(test_lookup_batch_agrees_with_single),
        cmocka_unit_test(test_overlap_subset_case),
        cmocka_unit_test(test_overlap_scan_case),
        cmocka_unit_test(test_disjoint_masks_coexist),
        cmocka_unit_test(test_n_mask_hit),
        cmocka_unit_test(test_ranking),
        cmocka_unit_test(test_max_flows),
        cmocka_unit_test(test_flush),
        cmocka_unit_test(test_emc_hit_and_dead),
        cmocka_unit_test(test_emc_replacement),
        cmocka_unit_test(test_foreach),
        cmocka_unit_test(test_grow_and_shrink),
        cmocka_unit_test(test_concurrent_reader),
        cmocka_unit_test(test_concurrent_stable_never_missed),
        cmocka_unit_test(test_hash_keyed_by_seed),
        cmocka_unit_test(test_hash_is_flow_hash_masked),
        cmocka_unit_test(test_crc_equal_keys_do_not_collide),
        cmocka_unit_test(test_hash_seed_differs_between_processes),
        cmocka_unit_test(test_print_lookup_speed),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    rcu_barrier();   /* run every call_rcu callback so LSan sees no leak */
    rcu_unregister_thread();
    return failed;
}
