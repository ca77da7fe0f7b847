/* The slow path over a real datapath with memory ports: upcalls install
 * megaflows as wide as the rules allow, rule changes / MAC moves / port
 * changes revalidate installed flows, stats reach the rules, timeouts and
 * idle flows expire, the flow limit and overlapping flows are handled. */
#include "test_ofproto_harness.h"

#include "ofproto/classifier.h"

static uint8_t frame[128];

/* Rule stats after pulling the datapath's counters. */
static struct rule *only_rule(struct harness *h, uint8_t table)
{
    size_t n;
    struct rule **rules = oftable_rules(h->ofp->tables[table], &n);
    assert_int_equal(n, 1);
    struct rule *r = rules[0];
    free(rules);
    return r;
}

static void test_default_rule_and_learning(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    struct rule *r = only_rule(&h, 0);
    assert_int_equal(r->priority, 0);
    assert_int_equal(r->n_acts, 1);
    assert_int_equal(r->acts[0].output.port, OFPP_NORMAL);

    /* A -> B unknown: flooded to 2 and 3, not back to 1. */
    size_t len = udp_frame(frame, 2, 1, -1, 0x0a000001, 0x0a000002, 9);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_drain(&h, 1), 0);
    assert_int_equal(h_drain(&h, 2), 1);
    assert_int_equal(h_drain(&h, 3), 1);
    /* B -> A: A was learned on 1. */
    len = udp_frame(frame, 1, 2, -1, 0x0a000002, 0x0a000001, 9);
    h_send(&h, 2, frame, len);
    assert_int_equal(h_drain(&h, 1), 1);
    assert_int_equal(h_drain(&h, 3), 0);
    /* A -> B again: B learned on 2, the flooding flow was revalidated. */
    uint64_t misses = h_misses(&h);
    len = udp_frame(frame, 2, 1, -1, 0x0a000001, 0x0a000002, 9);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_misses(&h), misses);   /* the fixed flow was hit */
    assert_int_equal(h_drain(&h, 2), 1);
    assert_int_equal(h_drain(&h, 3), 0);
    h_destroy(&h);
}

static void test_megaflow_wildcards(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 2, NULL);
    size_t len = udp_frame(frame, 2, 1, -1, 0x0a000001, 0x0a000002, 9);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_dp_flows(&h), 1);
    uint64_t misses = h_misses(&h);
    /* NORMAL never looks at IP addresses or ports: same megaflow. */
    len = udp_frame(frame, 2, 1, -1, 0x0b000009, 0x0c000001, 4242);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_misses(&h), misses);
    assert_int_equal(h_dp_flows(&h), 1);
    /* Another destination MAC is consulted: its own megaflow. */
    len = udp_frame(frame, 3, 1, -1, 0x0a000001, 0x0a000002, 9);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_misses(&h), misses + 1);
    assert_int_equal(h_dp_flows(&h), 2);

    /* A rule on tp_dst makes the port part of every megaflow of the
     * subtables the lookup visits. */
    h_add_flow(&h, "priority=10,udp,tp_dst=80,actions=drop");
    h_drain_all(&h);
    misses = h_misses(&h);
    len = udp_frame(frame, 2, 1, -1, 0x0a000001, 0x0a000002, 9);
    h_send(&h, 1, frame, len);
    len = udp_frame(frame, 2, 1, -1, 0x0a000001, 0x0a000002, 10);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_misses(&h), misses + 2);
    len = udp_frame(frame, 2, 1, -1, 0x0a000001, 0x0a000002, 80);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_drain(&h, 2), 2);      /* 9 and 10 forwarded */
    h_destroy(&h);
}

static void test_drop_rule_revalidates(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 2, NULL);
    size_t len = udp_frame(frame, 2, 1, -1, 0x0a000001, 0x0a000002, 9);
    h_send(&h, 1, frame, len);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_drain(&h, 2), 2);
    h_add_flow(&h, "priority=100,ip,actions=drop");
    uint64_t misses = h_misses(&h);
    h_send(&h, 1, frame, len);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_drain(&h, 2), 0);
    /* The installed flow was changed in place or replaced; either way at
     * most one upcall for the new translation. */
    assert_true(h_misses(&h) <= misses + 1);

    /* Deleting the drop rule restores forwarding. */
    struct ofp_flow_spec spec;
    char err[128];
    assert_int_equal(ofp_parse_flow("ip", OFP_PARSE_MATCH, &spec, err,
                                    sizeof err), 0);
    assert_int_equal(ofproto_flow_del(h.ofp, &spec, false), 1);
    ofp_flow_spec_free(&spec);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_drain(&h, 2), 1);
    h_destroy(&h);
}

static void test_rule_stats_include_megaflow_hits(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 2, NULL);
    h_add_flow(&h, "priority=5,in_port=1,actions=output:2");
    size_t len = udp_frame(frame, 2, 1, -1, 0x0a000001, 0x0a000002, 9);
    for (int i = 0; i < 5; i++) {
        h_send(&h, 1, frame, len);
    }
    assert_int_equal(h_drain(&h, 2), 5);
    assert_int_equal(h_misses(&h), 1);    /* 1 upcall + 4 fast-path hits */
    ofproto_run(h.ofp, dp_time_ms());
    struct ofp_flow_spec spec;
    char err[128];
    assert_int_equal(ofp_parse_flow("in_port=1,actions=drop", OFP_PARSE_ADD,
                                    &spec, err, sizeof err), 0);
    spec.priority = 5;
    struct rule *r = oftable_find_strict(h.ofp->tables[0], &spec.match, 5);
    ofp_flow_spec_free(&spec);
    assert_non_null(r);
    assert_int_equal(r->n_packets, 5);
    assert_int_equal(r->n_bytes, 5 * len);
    h_destroy(&h);
}

static void test_idle_flow_expiry(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 2, NULL);
    struct ofproto_settings settings;
    ofproto_settings_default(&settings);
    settings.max_idle_ms = 2000;
    ofproto_set_settings(h.ofp, &settings);
    size_t len = udp_frame(frame, 2, 1, -1, 0x0a000001, 0x0a000002, 9);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_dp_flows(&h), 1);
    ofproto_run(h.ofp, dp_time_ms() + 1000);
    assert_int_equal(h_dp_flows(&h), 1);
    ofproto_run(h.ofp, dp_time_ms() + 2500);
    assert_int_equal(h_dp_flows(&h), 0);
    assert_int_equal(ofproto_n_dp_flows(h.ofp), 0);
    h_destroy(&h);
}

static void test_rule_timeouts(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 2, NULL);
    h_add_flow(&h, "priority=9,hard_timeout=2,ip,actions=drop");
    h_add_flow(&h, "priority=8,idle_timeout=3,arp,actions=drop");
    uint64_t now = dp_time_ms();
    ofproto_run(h.ofp, now + 1000);
    assert_int_equal(oftable_count(h.ofp->tables[0]), 3);
    ofproto_run(h.ofp, now + 2100);
    assert_int_equal(oftable_count(h.ofp->tables[0]), 2);   /* hard */
    ofproto_run(h.ofp, now + 3100);
    assert_int_equal(oftable_count(h.ofp->tables[0]), 1);   /* idle */
    h_destroy(&h);
}

static void test_mac_move_revalidates(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    size_t len;
    len = udp_frame(frame, 0xff, 1, -1, 1, 2, 9);      /* A on port 1 */
    h_send(&h, 1, frame, len);
    len = udp_frame(frame, 1, 2, -1, 2, 1, 9);         /* B -> A */
    h_send(&h, 2, frame, len);
    h_drain_all(&h);
    len = udp_frame(frame, 0xff, 1, -1, 1, 2, 9);      /* A moves to 3 */
    h_send(&h, 3, frame, len);
    h_drain_all(&h);
    uint64_t misses = h_misses(&h);
    len = udp_frame(frame, 1, 2, -1, 2, 1, 9);         /* B -> A again */
    h_send(&h, 2, frame, len);
    assert_int_equal(h_misses(&h), misses);            /* flow was fixed */
    assert_int_equal(h_drain(&h, 3), 1);
    assert_int_equal(h_drain(&h, 1), 0);
    h_destroy(&h);
}

/* A flushed MAC stays flushed: the stats of flows that still carried it
 * refresh only entries that exist, they do not learn them again. */
static void test_fdb_flush_is_not_undone_by_stats(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 2, NULL);
    uint8_t a[6];
    mac_of(1, a);
    size_t len = udp_frame(frame, 0xff, 1, -1, 1, 2, 9);   /* A on port 1 */
    for (int i = 0; i < 5; i++) {
        h_send(&h, 1, frame, len);                         /* fast path */
    }
    h_drain_all(&h);
    assert_true(h_misses(&h) < 5);
    assert_int_equal(mac_lookup(h.ofp->macs, a, 0, dp_time_ms()), 1);
    mac_flush(h.ofp->macs, UINT32_MAX);    /* as fdb/flush does */
    ofproto_revalidate(h.ofp);             /* credits the flows' last stats */
    ofproto_run(h.ofp, dp_time_ms());
    assert_int_equal(mac_lookup(h.ofp->macs, a, 0, dp_time_ms()), -1);
    h_destroy(&h);
}

static void test_port_vlan_change_revalidates(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    size_t len = udp_frame(frame, 0xff, 1, -1, 1, 2, 9);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_drain(&h, 3), 1);
    /* Port 3 moves to VLAN 20: untagged traffic of port 1 (VLAN 0 on a
     * trunk) no longer reaches it, even through the installed flow. */
    struct ofproto_port_cfg cfg = { .tag = 20, .vlan_mode = "access" };
    assert_int_equal(ofproto_port_set(h.ofp, 3, h.dp_ports[3], "p3", &cfg),
                     0);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_drain(&h, 2), 2);
    assert_int_equal(h_drain(&h, 3), 0);
    /* Removing a port forgets the flows that came in on it. */
    len = udp_frame(frame, 0xff, 2, -1, 1, 2, 9);
    h_send(&h, 2, frame, len);
    size_t before = ofproto_n_dp_flows(h.ofp);
    ofproto_port_del(h.ofp, 2);
    assert_true(ofproto_n_dp_flows(h.ofp) < before);
    h_destroy(&h);
}

static void test_flow_limit(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 2, NULL);
    struct ofproto_settings settings;
    ofproto_settings_default(&settings);
    settings.flow_limit = 1;
    ofproto_set_settings(h.ofp, &settings);
    size_t len = udp_frame(frame, 2, 1, -1, 1, 2, 9);
    h_send(&h, 1, frame, len);
    len = udp_frame(frame, 3, 1, -1, 1, 2, 9);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_dp_flows(&h), 1);
    /* Not installed, still forwarded. */
    assert_int_equal(h_drain(&h, 2), 2);
    assert_true(h.ofp->n_install_fails >= 1);
    h_destroy(&h);
}

static void test_overlap_is_resolved(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 2, NULL);
    /* A foreign flow: in_port 1, IPv4 from 9.9.9.9 only, drop. */
    struct flow_key key, mask;
    memset(&key, 0, sizeof key);
    memset(&mask, 0, sizeof mask);
    key.in_port = h.dp_ports[1];
    mask.in_port = mask.recirc_id = UINT32_MAX;
    key.dl_type = htons(0x0800);
    mask.dl_type = 0xffff;
    key.nw_src = htonl(0x09090909);
    mask.nw_src = UINT32_MAX;
    assert_int_equal(datapath_flow_put(h.dp, &key, &mask, NULL, 0, false),
                     0);
    /* A packet from elsewhere misses it, but NORMAL's megaflow (which
     * ignores nw_src) would overlap it. */
    size_t len = udp_frame(frame, 2, 1, -1, 0x01010101, 2, 9);
    h_send(&h, 1, frame, len);
    assert_int_equal(h_drain(&h, 2), 1);
    assert_int_equal(h.ofp->n_overlap_fixes, 1);
    assert_null(megaflow_find_exact(datapath_flows(h.dp), &key, &mask));
    assert_int_equal(ofproto_n_dp_flows(h.ofp), 1);
    h_destroy(&h);
}

static void test_table_priorities(void **state)
{
    (void) state;
    struct oftable *t = oftable_create();
    const char *flows[] = {
        "priority=10,ip,actions=output:1",
        "priority=20,udp,actions=output:2",
        "priority=30,udp,tp_dst=53,actions=output:3",
        "priority=20,udp,actions=output:4",   /* replaces the second */
    };
    struct rule *rules[4];
    for (int i = 0; i < 4; i++) {
        struct ofp_flow_spec s;
        char err[128];
        assert_int_equal(ofp_parse_flow(flows[i], OFP_PARSE_ADD, &s, err,
                                        sizeof err), 0);
        rules[i] = rule_create(&s, 0, 0);
        struct rule *old = oftable_insert(t, rules[i]);
        if (i == 3) {
            assert_ptr_equal(old, rules[1]);
            rule_unref(old);
        } else {
            assert_null(old);
        }
        ofp_flow_spec_free(&s);
    }
    assert_int_equal(oftable_count(t), 3);
    struct xflow x, wc;
    memset(&x, 0, sizeof x);
    x.key.dl_type = htons(0x0800);
    x.key.nw_proto = 17;
    x.key.tp_dst = htons(53);
    memset(&wc, 0, sizeof wc);
    assert_ptr_equal(oftable_lookup(t, &x, &wc), rules[2]);
    assert_int_equal(wc.key.tp_dst, 0xffff);
    x.key.tp_dst = htons(54);
    assert_ptr_equal(oftable_lookup(t, &x, NULL), rules[3]);
    x.key.nw_proto = 6;
    memset(&wc, 0, sizeof wc);
    assert_ptr_equal(oftable_lookup(t, &x, &wc), rules[0]);
    x.key.dl_type = htons(0x86dd);
    assert_null(oftable_lookup(t, &x, NULL));
    oftable_destroy(t);
}

/* Upcalls go to the bridge whose port received the packet; one from a
 * datapath port no bridge owns is dropped and counted. */
static void test_upcall_dispatch(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 2, NULL);
    struct ofproto *br1 = ofproto_create("br1", h.dp);
    assert_non_null(br1);
    uint32_t dp_ports[2];
    for (int i = 0; i < 2; i++) {
        char name[16], err[VPORT_ERR_MAX];
        snprintf(name, sizeof name, "q%d", i);
        dp_ports[i] = UINT32_MAX;
        assert_int_equal(datapath_port_add(h.dp, name, "memory", NULL, 0,
                                           &dp_ports[i], err, sizeof err), 0);
    }
    assert_int_equal(ofproto_port_set(br1, 1, dp_ports[0], "q0", NULL), 0);
    /* dp_ports[1] belongs to no bridge. */

    size_t len = udp_frame(frame, 2, 1, -1, 1, 2, 9);
    struct vport *q0 = datapath_port_get(h.dp, dp_ports[0]);
    assert_int_equal(vport_memory_inject(q0, frame, (uint32_t) len), 0);
    datapath_poll_port(h.dp, dp_ports[0]);
    assert_int_equal(ofproto_drain_upcalls(h.dp, 64), 1);
    assert_int_equal(br1->n_upcalls, 1);
    assert_int_equal(h.ofp->n_upcalls, 0);

    uint64_t unowned = ofproto_n_unowned_upcalls();
    size_t flows = h_dp_flows(&h);
    struct vport *q1 = datapath_port_get(h.dp, dp_ports[1]);
    assert_int_equal(vport_memory_inject(q1, frame, (uint32_t) len), 0);
    datapath_poll_port(h.dp, dp_ports[1]);
    assert_int_equal(ofproto_drain_upcalls(h.dp, 64), 1);
    assert_int_equal(ofproto_n_unowned_upcalls(), unowned + 1);
    assert_int_equal(br1->n_upcalls, 1);
    assert_int_equal(h.ofp->n_upcalls, 0);
    assert_int_equal(h_dp_flows(&h), flows);    /* nothing installed */

    h_send(&h, 1, frame, len);          /* and br0's own port goes to br0 */
    assert_int_equal(h.ofp->n_upcalls, 1);
    assert_int_equal(br1->n_upcalls, 1);
    ofproto_destroy(br1);
    h_destroy(&h);
}

static void test_registry(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 2, NULL);
    assert_ptr_equal(ofproto_lookup("br0"), h.ofp);
    assert_null(ofproto_create("br0", h.dp));            /* name taken */
    assert_ptr_equal(ofproto_lookup_by_dp_port(h.dp_ports[2]), h.ofp);
    struct ofproto *b = ofproto_create("br1", h.dp);
    assert_non_null(b);
    /* A datapath port belongs to one bridge. */
    assert_int_equal(ofproto_port_set(b, 1, h.dp_ports[1], "x", NULL),
                     -EEXIST);
    assert_int_equal(ofproto_port_set(b, 0, 77, "y", NULL), -EINVAL);
    struct ofproto_port_cfg bad = { .tag = 5000 };
    assert_int_equal(ofproto_port_set(b, 2, 77, "y", &bad), -EINVAL);
    struct ofproto_port_cfg badmode = { .tag = 5, .vlan_mode = "bogus" };
    assert_int_equal(ofproto_port_set(b, 2, 77, "y", &badmode), -EINVAL);
    ofproto_destroy(b);
    assert_null(ofproto_lookup("br1"));
    h_destroy(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_rule_and_learning),
        cmocka_unit_test(test_megaflow_wildcards),
        cmocka_unit_test(test_drop_rule_revalidates),
        cmocka_unit_test(test_rule_stats_include_megaflow_hits),
        cmocka_unit_test(test_idle_flow_expiry),
        cmocka_unit_test(test_rule_timeouts),
        cmocka_unit_test(test_mac_move_revalidates),
        cmocka_unit_test(test_fdb_flush_is_not_undone_by_stats),
        cmocka_unit_test(test_port_vlan_change_revalidates),
        cmocka_unit_test(test_flow_limit),
        cmocka_unit_test(test_overlap_is_resolved),
        cmocka_unit_test(test_table_priorities),
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_upcall_dispatch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
