/* Unit tests for the datapath's meters (dp/meter.h): token-bucket
 * arithmetic in kbps and pktps, burst sizes and their default, the band
 * that fires when several are exceeded, refills capped at the burst,
 * configuration checks and the id pool. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>
#include <cmocka.h>

#include "dp/meter.h"

struct pkts {
    struct dp_packet p[PACKET_BATCH_MAX];
    uint8_t buf[PACKET_BATCH_MAX][512];
};

/* A batch of `n` frames of `len` bytes (zeros: no IP, so nothing to
 * remark). */
static void batch_make(struct pkts *k, struct dp_packet_batch *b, uint32_t n,
                       uint32_t len)
{
    static const uint8_t zero[200];
    b->count = n;
    for (uint32_t i = 0; i < n; i++) {
        dp_packet_init(&k->p[i], k->buf[i], sizeof k->buf[i], 0);
        assert_true(dp_packet_set_data(&k->p[i], zero, len) || len == 0);
        b->pkts[i] = &k->p[i];
    }
}

static uint32_t set1(struct dp_meters *t, uint16_t flags, uint16_t type,
                     uint32_t rate, uint32_t burst)
{
    struct dp_meter_config cfg = {
        .flags = flags, .n_bands = 1,
        .bands = { { .type = type, .rate = rate, .burst_size = burst } },
    };
    uint32_t id;
    char err[128];
    assert_int_equal(dp_meter_id_alloc(t, &id), 0);
    assert_int_equal(dp_meter_set(t, id, &cfg, err, sizeof err), 0);
    return id;
}

/* Runs `n` packets of `len` bytes at `now`; returns how many passed. */
static uint32_t pass(struct dp_meters *t, uint32_t id, uint32_t n,
                     uint32_t len, uint64_t now)
{
    struct pkts k;
    struct dp_packet_batch b, dropped = { .count = 0 };
    batch_make(&k, &b, n, len);
    uint32_t d = dp_meter_run(t, id, &b, now, &dropped);
    assert_int_equal(d, dropped.count);
    assert_int_equal(b.count + d, n);
    return b.count;
}

/* pktps: the bucket holds `burst` packets and refills `rate` per second. */
static void test_pktps(void **state)
{
    (void) state;
    struct dp_meters *t = dp_meters_create();
    uint32_t id = set1(t, DP_METER_F_PKTPS | DP_METER_F_BURST,
                       DP_METER_BAND_DROP, 10, 5);
    uint64_t now = dp_meter_now_us() + 1000000;   /* buckets are full */
    assert_int_equal(pass(t, id, 8, 60, now), 5);
    assert_int_equal(pass(t, id, 8, 60, now), 0);
    /* 100 ms at 10 packets/s: one packet. */
    assert_int_equal(pass(t, id, 8, 60, now + 100000), 1);
    /* 250 ms: 2.5 packets; the half stays for later. */
    assert_int_equal(pass(t, id, 8, 60, now + 350000), 2);
    assert_int_equal(pass(t, id, 8, 60, now + 400000), 1);
    /* An hour later the bucket is full, not more. */
    assert_int_equal(pass(t, id, 20, 60, now + 3600000000ull), 5);
    struct dp_meter_stats s;
    assert_int_equal(dp_meter_get_stats(t, id, &s), 0);
    assert_int_equal(s.packets, 60);
    assert_int_equal(s.bytes, 60 * 60);
    assert_int_equal(s.bands[0].packets, 60 - 14);
    dp_meters_destroy(t);
}

/* kbps: 1000 kb/s with a burst of 8 kilobits (1000 bytes); packets of 100
 * bytes are 0.8 kilobit each. */
static void test_kbps(void **state)
{
    (void) state;
    struct dp_meters *t = dp_meters_create();
    uint32_t id = set1(t, DP_METER_F_KBPS | DP_METER_F_BURST,
                       DP_METER_BAND_DROP, 1000, 8);
    uint64_t now = dp_meter_now_us() + 1000000;
    assert_int_equal(pass(t, id, 20, 100, now), 10);
    assert_int_equal(pass(t, id, 1, 100, now), 0);
    /* 1 ms at 1000 kb/s is 1000 bits: one 100-byte packet (800 bits),
     * 200 bits left over. */
    assert_int_equal(pass(t, id, 4, 100, now + 1000), 1);
    /* 0.75 ms more: 750 + 200 = 950 bits, one more packet. */
    assert_int_equal(pass(t, id, 4, 100, now + 1750), 1);
    /* 3 ms more: 3150 bits; one 200-byte packet (1600 bits) fits, the
     * second does not (1550 left). */
    assert_int_equal(pass(t, id, 4, 200, now + 4750), 1);
    dp_meters_destroy(t);
}

/* Burst 0 means a burst of `rate`, as OVS: 100 pktps holds 100 packets. */
static void test_burst_default(void **state)
{
    (void) state;
    struct dp_meters *t = dp_meters_create();
    uint32_t id = set1(t, DP_METER_F_PKTPS, DP_METER_BAND_DROP, 40, 0);
    uint64_t now = dp_meter_now_us() + 1000000;
    uint32_t got = 0;
    for (int i = 0; i < 4; i++) {
        got += pass(t, id, 32, 60, now);
    }
    assert_int_equal(got, 40);
    /* kbps: 64 kb/s, burst 64 kilobits = 8000 bytes = 80 packets of 100. */
    uint32_t k = set1(t, DP_METER_F_KBPS, DP_METER_BAND_DROP, 64, 0);
    got = 0;
    for (int i = 0; i < 4; i++) {
        got += pass(t, k, 32, 100, now);
    }
    assert_int_equal(got, 80);
    dp_meters_destroy(t);
}

/* A frame bigger than the whole bucket (a GSO super-frame past a small
 * burst) passes when the bucket is full and leaves it in debt: 100 kb/s
 * with 100 kilobits of burst takes a 20000-byte (160-kilobit) frame every
 * 1.6 s, which is the rate. */
static void test_oversized_frame(void **state)
{
    (void) state;
    struct dp_meters *t = dp_meters_create();
    uint32_t id = set1(t, DP_METER_F_KBPS, DP_METER_BAND_DROP, 100, 0);
    uint64_t now = dp_meter_now_us() + 10000000;
    static uint8_t buf[20000 + PACKET_HEADROOM], zero[20000];
    struct dp_packet p;
    struct dp_packet_batch b;
    uint32_t passed = 0;
    for (uint64_t ms = 0; ms <= 16000; ms += 100) {
        dp_packet_init(&p, buf, sizeof buf, 0);
        assert_true(dp_packet_set_data(&p, zero, sizeof zero));
        b.count = 1;
        b.pkts[0] = &p;
        dp_meter_run(t, id, &b, now + ms * 1000, NULL);
        passed += b.count;
        if (ms == 0) {
            assert_int_equal(b.count, 1);       /* the bucket was full */
        } else if (ms < 1600) {
            assert_int_equal(b.count, 0);       /* in debt */
        } else if (ms == 1600) {
            assert_int_equal(b.count, 1);
        }
    }
    /* 16 s at 100 kb/s is 1600 kilobits: ten 160-kilobit frames, and the
     * first one of the full bucket. */
    assert_int_equal(passed, 11);
    dp_meters_destroy(t);
}

/* Two bands: a packet over both is counted by the one of higher rate
 * (which drops), one over the lower only by that (dscp_remark: passes). */
static void test_highest_band_fires(void **state)
{
    (void) state;
    struct dp_meters *t = dp_meters_create();
    struct dp_meter_config cfg = {
        .flags = DP_METER_F_PKTPS | DP_METER_F_BURST, .n_bands = 2,
        .bands = {
            { .type = DP_METER_BAND_DSCP_REMARK, .prec_level = 1,
              .rate = 2, .burst_size = 2 },
            { .type = DP_METER_BAND_DROP, .rate = 4, .burst_size = 4 },
        },
    };
    uint32_t id;
    char err[128];
    assert_int_equal(dp_meter_id_alloc(t, &id), 0);
    assert_int_equal(dp_meter_set(t, id, &cfg, err, sizeof err), 0);
    uint64_t now = dp_meter_now_us() + 1000000;
    /* 6 packets: 1-2 within both, 3-4 over the remark band, 5-6 over
     * both: dropped. */
    assert_int_equal(pass(t, id, 6, 60, now), 4);
    struct dp_meter_stats s;
    assert_int_equal(dp_meter_get_stats(t, id, &s), 0);
    assert_int_equal(s.n_bands, 2);
    assert_int_equal(s.bands[0].packets, 2);
    assert_int_equal(s.bands[1].packets, 2);
    dp_meters_destroy(t);
}

/* Modify replaces the meter: full buckets, counters zero. */
static void test_modify_resets(void **state)
{
    (void) state;
    struct dp_meters *t = dp_meters_create();
    uint32_t id = set1(t, DP_METER_F_PKTPS | DP_METER_F_BURST,
                       DP_METER_BAND_DROP, 1, 1);
    uint64_t now = dp_meter_now_us() + 1000000;
    assert_int_equal(pass(t, id, 3, 60, now), 1);
    struct dp_meter_config cfg = {
        .flags = DP_METER_F_PKTPS | DP_METER_F_BURST, .n_bands = 1,
        .bands = { { .type = DP_METER_BAND_DROP, .rate = 1,
                     .burst_size = 3 } },
    };
    char err[128];
    assert_int_equal(dp_meter_set(t, id, &cfg, err, sizeof err), 0);
    assert_int_equal(pass(t, id, 4, 60, now), 3);
    struct dp_meter_stats s;
    assert_int_equal(dp_meter_get_stats(t, id, &s), 0);
    assert_int_equal(s.packets, 4);
    dp_meters_destroy(t);
}

static void test_config_errors(void **state)
{
    (void) state;
    struct dp_meters *t = dp_meters_create();
    char err[128];
    struct dp_meter_config cfg = {
        .flags = DP_METER_F_PKTPS | DP_METER_F_KBPS, .n_bands = 1,
        .bands = { { .type = DP_METER_BAND_DROP, .rate = 1 } },
    };
    assert_int_equal(dp_meter_set(t, 1, &cfg, err, sizeof err), -EINVAL);
    assert_string_equal(err, "a meter is either kbps or pktps");
    cfg.flags = DP_METER_F_KBPS | 0x10;
    assert_int_equal(dp_meter_set(t, 1, &cfg, err, sizeof err), -EINVAL);
    cfg.flags = DP_METER_F_KBPS;
    cfg.bands[0].type = 0xffff;
    assert_int_equal(dp_meter_set(t, 1, &cfg, err, sizeof err), -EINVAL);
    cfg.bands[0].type = DP_METER_BAND_DROP;
    cfg.bands[0].rate = 0;
    assert_int_equal(dp_meter_set(t, 1, &cfg, err, sizeof err), -EINVAL);
    cfg.bands[0].rate = 1;
    cfg.n_bands = DP_METER_MAX_BANDS + 1;
    assert_int_equal(dp_meter_set(t, 1, &cfg, err, sizeof err), -EINVAL);
    cfg.n_bands = 1;
    assert_int_equal(dp_meter_set(t, DP_METER_MAX, &cfg, err, sizeof err),
                     -EINVAL);
    /* A meter id out of range or unset passes everything. */
    assert_int_equal(pass(t, DP_METER_MAX + 5, 3, 60, 0), 3);
    assert_int_equal(pass(t, 9, 3, 60, 0), 3);
    struct dp_meter_stats s;
    assert_int_equal(dp_meter_get_stats(t, 9, &s), -ENOENT);
    dp_meters_destroy(t);
}

/* The id pool hands out every id once, then -ENOSPC; a freed id comes
 * back. */
static void test_id_pool(void **state)
{
    (void) state;
    struct dp_meters *t = dp_meters_create();
    uint32_t id;
    for (uint32_t i = 0; i < DP_METER_MAX; i++) {
        assert_int_equal(dp_meter_id_alloc(t, &id), 0);
        assert_int_equal(id, i);
    }
    assert_int_equal(dp_meter_id_alloc(t, &id), -ENOSPC);
    dp_meter_del(t, 4242);
    assert_int_equal(dp_meter_id_alloc(t, &id), 0);
    assert_int_equal(id, 4242);
    dp_meters_destroy(t);
}

int main(void)
{
    rcu_register_thread();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pktps),
        cmocka_unit_test(test_kbps),
        cmocka_unit_test(test_burst_default),
        cmocka_unit_test(test_oversized_frame),
        cmocka_unit_test(test_highest_band_fires),
        cmocka_unit_test(test_modify_resets),
        cmocka_unit_test(test_config_errors),
        cmocka_unit_test(test_id_pool),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rcu_barrier();
    rcu_unregister_thread();
    return rc;
}
