/* NORMAL: the MAC table (learning, moves, aging, size bound with LRU
 * eviction) and VLAN handling of access, trunk, native-tagged and
 * native-untagged ports, checked on the frames that leave each port. */
#include "test_ofproto_harness.h"

#include "ofproto/mac_learning.h"

static uint8_t frame[128];

static void test_mac_table(void **state)
{
    (void) state;
    struct mac_table *t = mac_table_create();
    uint8_t a[6], b[6], c[6];
    mac_of(1, a);
    mac_of(2, b);
    mac_of(3, c);
    assert_int_equal(mac_lookup(t, a, 0, 0), -1);
    assert_int_equal(mac_learn(t, a, 0, 1, 1000), MAC_LEARN_NEW);
    assert_int_equal(mac_lookup(t, a, 0, 1000), 1);
    assert_int_equal(mac_lookup(t, a, 5, 1000), -1);   /* per VLAN */
    assert_int_equal(mac_learn(t, a, 0, 1, 2000), MAC_LEARN_REFRESHED);
    assert_int_equal(mac_learn(t, a, 0, 4, 2000), MAC_LEARN_MOVED);
    assert_int_equal(mac_lookup(t, a, 0, 2000), 4);

    /* Aging: 300 s by default, then configurable. */
    assert_int_equal(mac_lookup(t, a, 0, 2000 + 299000), 4);
    assert_int_equal(mac_lookup(t, a, 0, 2000 + 300000), -1);
    assert_int_equal(mac_expire(t, 2000 + 299000), 0);
    assert_int_equal(mac_expire(t, 2000 + 300000), 1);
    assert_int_equal(mac_count(t), 0);

    /* Bound: the least recently used goes first. */
    mac_table_set_limits(t, 2, 10);
    mac_learn(t, a, 0, 1, 100);
    mac_learn(t, b, 0, 2, 200);
    mac_learn(t, a, 0, 1, 300);          /* a is now the most recent */
    assert_int_equal(mac_learn(t, c, 0, 3, 400), MAC_LEARN_NEW);
    assert_int_equal(mac_count(t), 2);
    assert_int_equal(mac_lookup(t, b, 0, 400), -1);
    assert_int_equal(mac_lookup(t, a, 0, 400), 1);
    assert_int_equal(mac_lookup(t, c, 0, 400), 3);
    assert_int_equal(mac_lookup(t, a, 0, 300 + 10000), -1);
    /* Shrinking evicts; flushing a port removes only its entries. */
    mac_table_set_limits(t, 1, 10);
    assert_int_equal(mac_count(t), 1);
    assert_int_equal(mac_lookup(t, c, 0, 400), 3);
    mac_learn(t, a, 7, 3, 500);
    assert_int_equal(mac_flush(t, 3), 1);
    assert_int_equal(mac_flush(t, UINT32_MAX), 0);
    mac_table_destroy(t);
}

static void test_flood_never_back_and_bounded_bridge(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    struct ofproto_settings settings;
    ofproto_settings_default(&settings);
    settings.mac_table_size = 1;
    settings.mac_aging_s = 1;
    ofproto_set_settings(h.ofp, &settings);
    size_t len = udp_frame(frame, 0xff, 1, -1, 1, 2, 9);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_drain(&h, 1), 0);
    assert_int_equal(h_drain(&h, 2), 1);
    assert_int_equal(h_drain(&h, 3), 1);
    len = udp_frame(frame, 0xff, 2, -1, 1, 2, 9);
    h_send(&h, 2, frame, len);
    h_drain_all(&h);
    /* Table of one: learning 2 evicted 1, so traffic to 1 floods. */
    assert_int_equal(mac_count(h.ofp->macs), 1);
    len = udp_frame(frame, 1, 3, -1, 1, 2, 9);
    h_send(&h, 3, frame, len);
    assert_int_equal(h_drain(&h, 1), 1);
    assert_int_equal(h_drain(&h, 2), 1);
    /* Aging (1 s) through ofproto_run. */
    ofproto_run(h.ofp, dp_time_ms() + 1500);
    assert_int_equal(mac_count(h.ofp->macs), 0);
    h_destroy(&h);
}

/* The 802.1Q VID of a frame, or -1 when untagged. */
static int vid_of(const uint8_t *f)
{
    return f[12] == 0x81 && f[13] == 0x00 ? ((f[14] & 0x0f) << 8) | f[15]
                                          : -1;
}

/* Sends a broadcast on `in` (vid -1 untagged) and checks, per port 1..4,
 * the VID each got (-2: nothing). */
static void expect_flood(struct harness *h, int in, int vid,
                         const int want[4])
{
    size_t len = udp_frame(frame, 0xff, (uint8_t) (10 + in), vid, 1, 2, 9);
    h_send(h, in, frame, len);
    for (int p = 1; p <= 4; p++) {
        uint32_t n = vport_memory_tx_count(h_port(h, p));
        if (want[p - 1] == -2) {
            if (n) {
                fail_msg("port %d got %u frames, wanted none (in %d vid %d)",
                         p, n, in, vid);
            }
            continue;
        }
        uint8_t buf[256];
        int got = h_take_one(h, p, buf, sizeof buf);
        assert_true(got > 0);
        if (vid_of(buf) != want[p - 1]) {
            fail_msg("port %d sent vid %d, wanted %d (in %d vid %d)", p,
                     vid_of(buf), want[p - 1], in, vid);
        }
    }
    h_drain_all(h);
}

static void test_vlan_modes(void **state)
{
    (void) state;
    /* 1: access VLAN 10; 2: trunk of 10,20; 3: native-untagged 10 (trunks
     * 20); 4: native-tagged 20 (trunks 10). */
    int64_t t1020[] = { 10, 20 }, t20[] = { 20 }, t10[] = { 10 };
    struct ofproto_port_cfg cfgs[4] = {
        { .tag = 10, .vlan_mode = "access" },
        { .tag = -1, .n_trunks = 2, .trunks = t1020, .vlan_mode = "trunk" },
        { .tag = 10, .n_trunks = 1, .trunks = t20,
          .vlan_mode = "native-untagged" },
        { .tag = 20, .n_trunks = 1, .trunks = t10,
          .vlan_mode = "native-tagged" },
    };
    struct harness h;
    h_init(&h, 4, cfgs);
    const int N = -2;   /* nothing */
    /* Untagged on the access port: VLAN 10. */
    expect_flood(&h, 1, -1, (int[]) { N, 10, -1, 10 });
    /* Tagged frames on an access port are dropped. */
    expect_flood(&h, 1, 10, (int[]) { N, N, N, N });
    /* VLAN 20 on the trunk: not to the access port of 10. */
    expect_flood(&h, 2, 20, (int[]) { N, N, 20, 20 });
    /* VLAN 30 is not trunked: dropped. */
    expect_flood(&h, 2, 30, (int[]) { N, N, N, N });
    /* Untagged on native-untagged 10: VLAN 10. */
    expect_flood(&h, 3, -1, (int[]) { -1, 10, N, 10 });
    /* Untagged on native-tagged 20: VLAN 20, sent tagged on port 4 only
     * when it is the egress (here it is the ingress). */
    expect_flood(&h, 4, -1, (int[]) { N, 20, 20, N });
    /* VLAN 10 from the trunk reaches native-untagged 10 untagged. */
    expect_flood(&h, 2, 10, (int[]) { -1, N, -1, 10 });
    h_destroy(&h);
}

static void test_vlan_isolation_with_learning(void **state)
{
    (void) state;
    struct ofproto_port_cfg cfgs[4] = {
        { .tag = 10 }, { .tag = 10 }, { .tag = 20 }, { .tag = 20 },
    };
    struct harness h;
    h_init(&h, 4, cfgs);
    /* The same MAC can live in two VLANs on different ports. */
    size_t len = udp_frame(frame, 0xff, 1, -1, 1, 2, 9);
    h_send(&h, 1, frame, len);
    h_send(&h, 3, frame, len);
    assert_int_equal(h_drain(&h, 2), 1);
    assert_int_equal(h_drain(&h, 4), 1);
    h_drain_all(&h);
    len = udp_frame(frame, 1, 2, -1, 1, 2, 9);
    h_send(&h, 2, frame, len);
    assert_int_equal(h_drain(&h, 1), 1);
    assert_int_equal(h_drain(&h, 3), 0);
    len = udp_frame(frame, 1, 4, -1, 1, 2, 9);
    h_send(&h, 4, frame, len);
    assert_int_equal(h_drain(&h, 3), 1);
    assert_int_equal(h_drain(&h, 1), 0);
    assert_int_equal(mac_count(h.ofp->macs), 4);
    h_destroy(&h);
}

/* A frame from 02:00:00:00:00:`src` to `dst` with EtherType `type` (LLDP,
 * a BPDU with an 802.3 length, ...), 64 bytes. */
static size_t ctl_frame(uint8_t *f, const uint8_t dst[6], uint8_t src,
                        uint16_t type)
{
    memset(f, 0, 64);
    memcpy(f, dst, 6);
    mac_of(src, f + 6);
    f[12] = (uint8_t) (type >> 8);
    f[13] = (uint8_t) type;
    return 64;
}

/* Sends a frame to `dst` on port 1 of a 3-port bridge; returns how many
 * of ports 2 and 3 got it. */
static int flood_count(struct harness *h, const uint8_t dst[6],
                       uint16_t type)
{
    size_t len = ctl_frame(frame, dst, 1, type);
    h_send(h, 1, frame, len);
    int n = h_drain(h, 2) + h_drain(h, 3);
    h_drain_all(h);
    return n;
}

static void test_reserved_multicast_not_forwarded(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    uint8_t dst[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x00 };
    /* 802.1D's whole block: STP, pause, LACP, 802.1X, LLDP, ... */
    for (int last = 0; last <= 0x0f; last++) {
        dst[5] = (uint8_t) last;
        if (flood_count(&h, dst, 0x88cc)) {
            fail_msg("01:80:c2:00:00:%02x was forwarded", last);
        }
    }
    /* Past the block (GARP's 01:80:c2:00:00:20) floods; the dropped
     * frames' megaflows are exact on dl_dst, so none of them catches it.
     * Sent twice: once by the slow path, once by the installed flow. */
    dst[5] = 0x20;
    assert_int_equal(flood_count(&h, dst, 0x88cc), 2);
    assert_int_equal(flood_count(&h, dst, 0x88cc), 2);
    dst[5] = 0x0e;
    assert_int_equal(flood_count(&h, dst, 0x88cc), 0);   /* its flow */
    /* Cisco's CDP/VTP and PVST+ and Extreme's EDP are reserved too. */
    const uint8_t cdp[6] = { 0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc };
    const uint8_t pvst[6] = { 0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcd };
    const uint8_t edp[6] = { 0x00, 0xe0, 0x2b, 0x00, 0x00, 0x00 };
    assert_int_equal(flood_count(&h, cdp, 0x2000), 0);
    assert_int_equal(flood_count(&h, pvst, 0x2000), 0);
    assert_int_equal(flood_count(&h, edp, 0x2000), 0);
    /* A dropped control frame teaches nothing (OVS checks before it
     * learns). */
    assert_int_equal(mac_count(h.ofp->macs), 1);   /* the GARP frames' */

    /* forward-bpdu=true: NORMAL treats them as any multicast, including
     * for the flows already installed (revalidated). */
    struct ofproto_settings settings;
    ofproto_settings_default(&settings);
    assert_false(settings.forward_bpdu);
    settings.forward_bpdu = true;
    ofproto_set_settings(h.ofp, &settings);
    ofproto_run(h.ofp, dp_time_ms());   /* the daemon's next pass */
    dst[5] = 0x0e;
    assert_int_equal(flood_count(&h, dst, 0x88cc), 2);
    dst[5] = 0x00;
    assert_int_equal(flood_count(&h, dst, 0x0026), 2);
    assert_int_equal(flood_count(&h, cdp, 0x2000), 2);
    h_destroy(&h);
}

/* An explicit output is not NORMAL: reserved frames go where it says. */
static void test_reserved_multicast_explicit_output(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    h_add_flow(&h, "priority=10,in_port=1,actions=output:3");
    const uint8_t lldp[6] = { 0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e };
    size_t len = ctl_frame(frame, lldp, 1, 0x88cc);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_drain(&h, 2), 0);
    assert_int_equal(h_drain(&h, 3), 1);
    h_destroy(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mac_table),
        cmocka_unit_test(test_flood_never_back_and_bounded_bridge),
        cmocka_unit_test(test_vlan_modes),
        cmocka_unit_test(test_vlan_isolation_with_learning),
        cmocka_unit_test(test_reserved_multicast_not_forwarded),
        cmocka_unit_test(test_reserved_multicast_explicit_output),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
