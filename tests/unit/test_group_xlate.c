/* Translation of the group action (src/ofproto/xlate.c) for every group
 * type, checked on the frames that leave each memory port: all (every
 * bucket, each on a clone of the packet), select (one bucket per flow,
 * spread over flows, weights, the hash fields in the megaflow), indirect,
 * fast_failover (first live bucket, following port state), and the
 * stats credited to groups and buckets. */
#include "test_ofproto_harness.h"

#include "ofproto/group.h"

static uint8_t frame[128];

static void add_group(struct harness *h, const char *s)
{
    struct ofp_group_mod gm;
    uint32_t usable;
    char err[256];
    if (ofp_parse_group_mod(s, OFPGC_ADD, &gm, &usable, err, sizeof err)) {
        fail_msg("%s: %s", s, err);
    }
    for (size_t i = 0; i < gm.n_buckets; i++) {
        if (gm.buckets[i].bucket_id == OFPG_BUCKET_ALL) {
            gm.buckets[i].bucket_id = (uint32_t) i;
        }
    }
    group_free(group_table_insert(h->ofp->groups, group_create(&gm, 0)));
    ofp_group_mod_free(&gm);
    ofproto_revalidate(h->ofp);
}

static void test_all_group_clones(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    ofproto_flow_del(h.ofp, NULL, false);
    add_group(&h, "group_id=1,type=all,bucket=mod_dl_dst:02:00:00:00:00:09,"
              "output:2,bucket=output:3");
    h_add_flow(&h, "in_port=1,actions=group:1");
    size_t len = udp_frame(frame, 2, 1, -1, 1, 2, 9);
    h_send(&h, 1, frame, len);
    uint8_t out[256];
    assert_int_equal(h_take_one(&h, 2, out, sizeof out), (int) len);
    assert_int_equal(out[5], 9);            /* bucket 0 rewrote dl_dst */
    assert_int_equal(h_take_one(&h, 3, out, sizeof out), (int) len);
    assert_memory_equal(out, frame, 6);     /* bucket 1 saw the original */
    const struct ofgroup *g = group_table_find(h.ofp->groups, 1);
    assert_int_equal(g->packet_count, 1);
    assert_int_equal(g->bucket_stats[0].packet_count, 1);
    assert_int_equal(g->bucket_stats[1].packet_count, 1);
    /* Through the installed datapath flow too (credited on pull). */
    h_send(&h, 1, frame, len);
    h_drain_all(&h);
    ofproto_pull_stats_all();
    assert_int_equal(g->packet_count, 2);
    assert_int_equal(g->bucket_stats[1].byte_count, 2 * len);
    h_destroy(&h);
}

static void test_select_spreads_and_weights(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    ofproto_flow_del(h.ofp, NULL, false);
    add_group(&h, "group_id=1,type=select,bucket=output:2,bucket=output:3");
    h_add_flow(&h, "in_port=1,actions=group:1");
    int n2 = 0, n3 = 0;
    for (uint16_t port = 1000; port < 1064; port++) {
        size_t len = udp_frame(frame, 2, 1, -1, 1, 2, port);
        h_send(&h, 1, frame, len);
        n2 += h_drain(&h, 2);
        n3 += h_drain(&h, 3);
    }
    assert_int_equal(n2 + n3, 64);          /* one bucket per packet */
    assert_true(n2 > 8 && n3 > 8);
    /* The same flow always takes the same bucket. */
    size_t len = udp_frame(frame, 2, 1, -1, 1, 2, 1000);
    h_send(&h, 1, frame, len);
    int first = h_drain(&h, 2);
    h_drain_all(&h);
    for (int i = 0; i < 5; i++) {
        h_send(&h, 1, frame, len);
        assert_int_equal(h_drain(&h, 2), first);
        h_drain_all(&h);
    }
    /* Weight 0: never chosen. */
    add_group(&h, "group_id=1,type=select,bucket=weight:0,output:2,"
              "bucket=output:3");
    n2 = 0;
    for (uint16_t port = 2000; port < 2032; port++) {
        len = udp_frame(frame, 2, 1, -1, 1, 2, port);
        h_send(&h, 1, frame, len);
        n2 += h_drain(&h, 2);
        h_drain_all(&h);
    }
    assert_int_equal(n2, 0);
    h_destroy(&h);
}

static void test_select_hash_fields_in_megaflow(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    ofproto_flow_del(h.ofp, NULL, false);
    add_group(&h, "group_id=1,type=select,selection_method=hash,"
              "fields(nw_dst),bucket=output:2,bucket=output:3");
    h_add_flow(&h, "in_port=1,actions=group:1");
    struct xlate_in xi;
    memset(&xi, 0, sizeof xi);
    xi.ofproto = h.ofp;
    size_t len = udp_frame(frame, 2, 1, -1, 1, 2, 77);
    struct dp_packet p;
    uint8_t buf[512];
    dp_packet_init(&p, buf, sizeof buf, 64);
    dp_packet_set_data(&p, frame, (uint32_t) len);
    flow_key_extract(&p, &xi.flow.key);
    xi.flow.in_port = 1;
    static struct xlate_out xo;
    xlate(&xi, &xo);
    assert_int_equal(xo.wc.key.nw_dst, UINT32_MAX);   /* hashed: matched */
    assert_int_equal(xo.wc.key.tp_dst, 0);            /* not hashed */
    assert_int_equal(xo.n_group_hits, 1);
    /* Only nw_dst decides: other ports, the same bucket. */
    uint32_t bucket = xo.group_hits[0].bucket_id;
    for (uint16_t port = 1; port < 20; port++) {
        len = udp_frame(frame, 2, 1, -1, 1, 2, port);
        dp_packet_set_data(&p, frame, (uint32_t) len);
        flow_key_extract(&p, &xi.flow.key);
        xlate(&xi, &xo);
        assert_int_equal(xo.group_hits[0].bucket_id, bucket);
    }
    /* The default method hashes the L4 ports too. */
    add_group(&h, "group_id=1,type=select,bucket=output:2,bucket=output:3");
    xlate(&xi, &xo);
    assert_int_equal(xo.wc.key.tp_dst, 0xffff);
    h_destroy(&h);
}

static struct ofport *port_of(struct harness *h, uint32_t ofport)
{
    return (struct ofport *) ofproto_port_by_ofport(h->ofp, ofport);
}

static void test_fast_failover_and_indirect(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 4, NULL);
    ofproto_flow_del(h.ofp, NULL, false);
    add_group(&h, "group_id=2,type=ff,bucket=watch_port:2,output:2,"
              "bucket=watch_port:3,output:3");
    add_group(&h, "group_id=3,type=indirect,bucket=output:4");
    h_add_flow(&h, "in_port=1,actions=group:2,group:3");
    size_t len = udp_frame(frame, 2, 1, -1, 1, 2, 9);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_drain(&h, 2), 1);
    assert_int_equal(h_drain(&h, 3), 0);
    assert_int_equal(h_drain(&h, 4), 1);
    /* Port 2's link goes down: the flow is revalidated onto bucket 1. */
    port_of(&h, 2)->link_up = 0;
    ofproto_revalidate(h.ofp);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_drain(&h, 2), 0);
    assert_int_equal(h_drain(&h, 3), 1);
    assert_int_equal(h_drain(&h, 4), 1);
    /* Both down: no live bucket, nothing from the group. */
    port_of(&h, 3)->config |= OFPPC_PORT_DOWN;
    ofproto_revalidate(h.ofp);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_drain(&h, 2) + h_drain(&h, 3), 0);
    assert_int_equal(h_drain(&h, 4), 1);
    /* Back up. */
    port_of(&h, 2)->link_up = 1;
    ofproto_revalidate(h.ofp);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_drain(&h, 2), 1);
    h_drain_all(&h);
    /* A missing group does nothing. */
    group_free(group_table_remove(h.ofp->groups, 3));
    ofproto_revalidate(h.ofp);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_drain(&h, 4), 0);
    h_destroy(&h);
}

/* ofproto/trace shows each bucket as OVS does: "bucket N" at the group's
 * indent, its actions two levels in. */
static void test_trace(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    ofproto_flow_del(h.ofp, NULL, false);
    add_group(&h, "group_id=1,type=all,bucket=output:2,"
              "bucket=mod_dl_dst:02:00:00:00:00:09,output:3");
    h_add_flow(&h, "in_port=1,actions=group:1");
    struct xlate_in xi;
    memset(&xi, 0, sizeof xi);
    xi.ofproto = h.ofp;
    size_t len = udp_frame(frame, 2, 1, -1, 1, 2, 77);
    struct dp_packet p;
    uint8_t buf[512];
    dp_packet_init(&p, buf, sizeof buf, 64);
    dp_packet_set_data(&p, frame, (uint32_t) len);
    flow_key_extract(&p, &xi.flow.key);
    xi.flow.in_port = 1;
    struct dstr t = DSTR_INIT;
    xi.trace = &t;
    static struct xlate_out xo;
    xlate(&xi, &xo);
    const char *want = "    group:1\n"
                       "    bucket 0\n"
                       "            output:2\n"
                       "    bucket 1\n"
                       "            mod_dl_dst:02:00:00:00:00:09\n"
                       "            output:3\n";
    if (!strstr(dstr_str(&t), want)) {
        fail_msg("%s", dstr_str(&t));
    }
    dstr_free(&t);
    h_destroy(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_group_clones),
        cmocka_unit_test(test_select_spreads_and_weights),
        cmocka_unit_test(test_select_hash_fields_in_megaflow),
        cmocka_unit_test(test_fast_failover_and_indirect),
        cmocka_unit_test(test_trace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
