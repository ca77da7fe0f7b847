/* learn and fin_timeout in translation: the flow a learn builds from the
 * packet, refreshing or modifying it in place, only real packets learning
 * (not ofproto/trace, not revalidation), limit and result_dst,
 * delete_learned, fin_timeout shortening a rule's timeouts, and a MAC
 * learning pipeline made of learn alone run through the datapath. */
#include "test_ofproto_harness.h"

#include "ofp/ofp_errors.h"
#include "ofp/ofp_msgs.h"
#include "ofproto/xlate.h"

static struct xlate_out xo;

/* A UDP packet from `src` to `dst` on port `in` as the slow path sees it. */
static void packet(struct harness *h, struct xlate_in *xi, uint32_t in,
                   uint8_t src, uint8_t dst)
{
    memset(xi, 0, sizeof *xi);
    xi->ofproto = h->ofp;
    xi->now_ms = dp_time_ms();
    struct flow_key *k = &xi->flow.key;
    k->in_port = h->dp_ports[in];
    mac_of(dst, k->dl_dst.ea);
    mac_of(src, k->dl_src.ea);
    k->dl_type = htons(0x0800);
    k->nw_src = htonl(0x0a000001);
    k->nw_dst = htonl(0x0a000002);
    k->nw_proto = 17;
    k->nw_ttl = 64;
    k->tp_src = htons(12345);
    k->tp_dst = htons(9);
    xi->flow.in_port = in;
}

/* The rules of table `t`, printed "priority=P,MATCH cookie=C idle=I hard=H
 * flags=F actions=A" one per line, highest priority first. */
static void dump_table(struct harness *h, uint8_t t, char *buf, size_t size)
{
    size_t n;
    struct rule **rules = oftable_rules(h->ofp->tables[t], &n);
    struct dstr d = DSTR_INIT;
    for (size_t i = 0; i < n; i++) {
        const struct rule *r = rules[i];
        ofp_match_format(&r->match, r->priority, &d);
        dstr_printf(&d, " cookie=%#llx idle=%u hard=%u flags=%u actions=",
                    (unsigned long long) r->cookie, r->idle_timeout,
                    r->hard_timeout, r->flags);
        ofpacts_format(r->acts, r->n_acts, &d);
        dstr_putc(&d, '\n');
    }
    free(rules);
    snprintf(buf, size, "%s", dstr_str(&d));
    dstr_free(&d);
}

static size_t table_count(struct harness *h, uint8_t t)
{
    return oftable_count(h->ofp->tables[t]);
}

static void test_learn_creates_and_refreshes(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    h_add_flow(&h, "priority=10,actions=learn(table=10,idle_timeout=30,"
               "hard_timeout=60,priority=7,cookie=0x42,send_flow_rem,"
               "NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_OF_IN_PORT[]->"
               "NXM_NX_REG0[0..15],output:NXM_OF_IN_PORT[]),output:2");
    struct xlate_in xi;
    char dump[1024];

    /* Revalidation-like translation (may_learn false): nothing learned,
     * but the flow is slow-pathed and matches the source fields. */
    packet(&h, &xi, 1, 1, 2);
    xlate(&xi, &xo);
    assert_true(xo.slow);
    assert_int_equal(table_count(&h, 10), 0);
    static const uint8_t ones[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    assert_memory_equal(&xo.wc.key.dl_src, ones, 6);

    /* ofproto/trace: shown, not installed. */
    struct dstr t = DSTR_INIT;
    xi.trace = &t;
    xlate(&xi, &xo);
    assert_non_null(strstr(dstr_str(&t), "    learn(table=10,idle_timeout=30"));
    assert_non_null(strstr(dstr_str(&t), ">> suppressing side effects, so "
                                         "learn action ignored"));
    dstr_free(&t);
    assert_int_equal(table_count(&h, 10), 0);

    /* A real packet learns (traced, it shows the flow as OVS's trace of
     * a packet does). */
    t = (struct dstr) DSTR_INIT;
    xi.trace = &t;
    xi.may_learn = true;
    xlate(&xi, &xo);
    assert_non_null(strstr(dstr_str(&t), "\n     -> table=10 "
                           "dl_dst=02:00:00:00:00:01 priority=7 cookie=0x42 "
                           "idle=30 hard=60 send_flow_rem actions=load:0x1->"
                           "NXM_NX_REG0[0..15],output:1\n"));
    dstr_free(&t);
    xi.trace = NULL;
    dump_table(&h, 10, dump, sizeof dump);
    assert_string_equal(dump, "priority=7,dl_dst=02:00:00:00:00:01 "
                        "cookie=0x42 idle=30 hard=60 flags=1 actions="
                        "load:0x1->NXM_NX_REG0[0..15],output:1\n");
    size_t n;
    struct rule **rules = oftable_rules(h.ofp->tables[10], &n);
    struct rule *learned = rules[0];
    free(rules);
    assert_true(h.ofp->need_revalidate);

    /* The same packet later: the same rule, its hard timeout restarted. */
    h.ofp->need_revalidate = false;
    uint64_t first = learned->modified_ms;
    xi.now_ms = first + 5000;
    xlate(&xi, &xo);
    rules = oftable_rules(h.ofp->tables[10], &n);
    assert_int_equal(n, 1);
    assert_ptr_equal(rules[0], learned);
    free(rules);
    assert_int_equal(learned->modified_ms, first + 5000);
    assert_false(h.ofp->need_revalidate);

    /* The MAC moves to port 3: the rule is modified in place. */
    packet(&h, &xi, 3, 1, 2);
    xi.may_learn = true;
    xlate(&xi, &xo);
    dump_table(&h, 10, dump, sizeof dump);
    assert_string_equal(dump, "priority=7,dl_dst=02:00:00:00:00:01 "
                        "cookie=0x42 idle=30 hard=60 flags=1 actions="
                        "load:0x3->NXM_NX_REG0[0..15],output:3\n");
    rules = oftable_rules(h.ofp->tables[10], &n);
    assert_ptr_equal(rules[0], learned);
    free(rules);
    assert_true(h.ofp->need_revalidate);
    assert_int_equal(oftable_count_timeouts(h.ofp->tables[10]), 1);

    /* A second source: a second flow. */
    packet(&h, &xi, 2, 5, 1);
    xi.may_learn = true;
    xlate(&xi, &xo);
    assert_int_equal(table_count(&h, 10), 2);
    h_destroy(&h);
}

/* The learned flow is seen by later translations only (as OVS 2.4+), and
 * field copies, immediates, partial fields and fin timeouts make it. */
static void test_learn_specs(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    h_add_flow(&h, "priority=10,ip,actions=load:0xab->NXM_NX_REG2[0..7],"
               "learn(table=5,fin_idle_timeout=2,fin_hard_timeout=4,"
               "NXM_OF_VLAN_TCI[0..11],eth_type=0x800,"
               "NXM_OF_IP_DST[]=NXM_OF_IP_SRC[],NXM_NX_REG3[4..11]="
               "NXM_NX_REG2[0..7],reg4=0x9,load:0x1234->NXM_NX_REG5[8..23],"
               "load:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]),resubmit(,5)");
    struct xlate_in xi;
    packet(&h, &xi, 1, 1, 2);
    xi.may_learn = true;
    xlate(&xi, &xo);
    char dump[1024];
    dump_table(&h, 5, dump, sizeof dump);
    assert_string_equal(dump, "ip,reg3=0xab0/0xff0,reg4=0x9,"
                        "vlan_tci=0x0000/0x0fff,nw_dst=10.0.0.1 "
                        "cookie=0 idle=0 hard=0 flags=0 actions="
                        "fin_timeout(idle_timeout=2,hard_timeout=4),"
                        "load:0x1234->NXM_NX_REG5[8..23],"
                        "load:0x20000000001->NXM_OF_ETH_DST[]\n");
    /* The resubmit after it did not see it. */
    assert_int_equal(xo.n_rules, 1);
    h_destroy(&h);
}

static void test_learn_limit(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    h_add_flow(&h, "priority=10,actions=learn(table=10,limit=1,"
               "result_dst=reg1[0],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[]),"
               "resubmit(,1)");
    h_add_flow(&h, "table=1,reg1=0x1,actions=output:2");
    h_add_flow(&h, "table=1,reg1=0,actions=output:3");
    struct xlate_in xi;
    struct dp_action_hdr;
    /* First source: learned, result 1. */
    packet(&h, &xi, 1, 1, 9);
    xi.may_learn = true;
    xlate(&xi, &xo);
    assert_int_equal(xo.final.regs[1], 1);
    assert_int_equal(table_count(&h, 10), 1);
    /* Second source: over the limit, result 0, nothing learned. */
    packet(&h, &xi, 1, 5, 9);
    xi.may_learn = true;
    xlate(&xi, &xo);
    assert_int_equal(xo.final.regs[1], 0);
    assert_int_equal(table_count(&h, 10), 1);
    /* The first again: its flow is there, so it succeeds. */
    packet(&h, &xi, 1, 1, 9);
    xi.may_learn = true;
    xlate(&xi, &xo);
    assert_int_equal(xo.final.regs[1], 1);
    /* Traced (with side effects, as OVS's trace of a packet): OVS's
     * lines. */
    h_add_flow(&h, "table=3,actions=learn(table=254,NXM_OF_ETH_DST[])");
    h_add_flow(&h, "table=1,priority=5,actions=resubmit(,3)");
    packet(&h, &xi, 1, 6, 9);
    xi.may_learn = true;
    struct dstr t = DSTR_INIT;
    xi.trace = &t;
    xlate(&xi, &xo);
    assert_non_null(strstr(dstr_str(&t),
        "\n    learn(table=10,limit=1,result_dst=NXM_NX_REG1[0],"
        "NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[])\n"
        "     -> table=10 dl_dst=02:00:00:00:00:06 priority=32768 "
        "actions=drop\n"
        "     -> NXM_NX_REG1[0] is now 0\n"
        "     -> Limit exceeded, learn failed\n"));
    dstr_free(&t);
    t = (struct dstr) DSTR_INIT;
    h_add_flow(&h, "priority=20,dl_src=02:00:00:00:00:07,actions="
               "resubmit(,3)");
    packet(&h, &xi, 1, 7, 9);
    xi.may_learn = true;
    xi.trace = &t;
    xlate(&xi, &xo);
    assert_non_null(strstr(dstr_str(&t),
        "         -> table=254 dl_dst=02:00:00:00:00:09 priority=32768 "
        "actions=drop\n"
        "         >>>> LEARN action execution failed (OFPBRC_EPERM). "
        "<<<<\n"));
    dstr_free(&t);
    assert_int_equal(table_count(&h, 254), 0);
    xi.trace = NULL;
    /* A translation that may not learn computes the same result. */
    packet(&h, &xi, 1, 5, 9);
    xlate(&xi, &xo);
    assert_int_equal(xo.final.regs[1], 0);
    h_destroy(&h);
}

static void flow_cmd(struct harness *h, const char *s, int op)
{
    struct ofp_flow_spec spec;
    char err[256];
    if (ofp_parse_flow(s, op == 0 ? OFP_PARSE_MATCH : OFP_PARSE_MODIFY,
                       &spec, err, sizeof err)) {
        fail_msg("%s: %s", s, err);
    }
    if (op == 0) {
        ofproto_flow_del(h->ofp, &spec, false);
    } else {
        ofproto_flow_mod(h->ofp, &spec, true);
    }
    ofp_flow_spec_free(&spec);
}

static void learn_from(struct harness *h, uint8_t src)
{
    struct xlate_in xi;
    packet(h, &xi, 1, src, 9);
    xi.may_learn = true;
    xlate(&xi, &xo);
}

static void test_delete_learned(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    h_add_flow(&h, "priority=10,in_port=1,actions=learn(table=10,"
               "delete_learned,cookie=0x7,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[])");
    h_add_flow(&h, "table=10,cookie=0x8,dl_dst=02:00:00:00:00:63,"
               "actions=drop");
    learn_from(&h, 1);
    learn_from(&h, 2);
    assert_int_equal(table_count(&h, 10), 3);
    ofproto_revalidate(h.ofp);
    assert_int_equal(table_count(&h, 10), 3);
    /* The learner goes: its flows go, the others stay. */
    flow_cmd(&h, "table=0", 0);
    char dump[512];
    dump_table(&h, 10, dump, sizeof dump);
    assert_string_equal(dump, "dl_dst=02:00:00:00:00:63 cookie=0x8 idle=0 "
                        "hard=0 flags=0 actions=drop\n");

    /* Modified so as not to learn any more: the same. */
    h_add_flow(&h, "priority=10,in_port=1,actions=learn(table=10,"
               "delete_learned,cookie=0x7,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[])");
    learn_from(&h, 1);
    assert_int_equal(table_count(&h, 10), 2);
    flow_cmd(&h, "priority=10,in_port=1,actions=drop", 1);
    assert_int_equal(table_count(&h, 10), 1);

    /* Two learners into one (table, cookie): the flows stay while one
     * is left; without delete_learned they stay anyway. */
    h_add_flow(&h, "priority=10,in_port=1,actions=learn(table=10,"
               "delete_learned,cookie=0x7,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[])");
    h_add_flow(&h, "priority=9,actions=learn(table=10,delete_learned,"
               "cookie=0x7,NXM_OF_ETH_SRC[])");
    h_add_flow(&h, "table=3,actions=learn(table=11,NXM_OF_ETH_DST[]="
               "NXM_OF_ETH_SRC[])");
    learn_from(&h, 1);
    assert_int_equal(table_count(&h, 10), 2);
    flow_cmd(&h, "table=0,in_port=1", 0);
    assert_int_equal(table_count(&h, 10), 2);
    flow_cmd(&h, "table=0", 0);
    assert_int_equal(table_count(&h, 10), 1);
    h_destroy(&h);
}

static void test_fin_timeout(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    h_add_flow(&h, "priority=10,hard_timeout=20,tcp,actions=fin_timeout("
               "idle_timeout=3,hard_timeout=9),output:2");
    struct xlate_in xi;
    packet(&h, &xi, 1, 1, 2);
    xi.flow.key.nw_proto = 6;
    xi.flow.key.tcp_flags = htons(0x010);         /* ack */
    xi.may_learn = true;
    xlate(&xi, &xo);
    /* FIN and RST take their own megaflow, to come up. */
    assert_int_equal(ntohs(xo.wc.key.tcp_flags) & 0x005, 0x005);
    size_t n;
    struct rule **rules = oftable_rules(h.ofp->tables[0], &n);
    struct rule *r = rules[0];
    free(rules);
    assert_int_equal(r->idle_timeout, 0);
    assert_int_equal(r->hard_timeout, 20);
    /* A FIN, traced without side effects: nothing changes. */
    xi.flow.key.tcp_flags = htons(0x011);
    struct dstr t = DSTR_INIT;
    xi.trace = &t;
    xi.may_learn = false;
    xlate(&xi, &xo);
    dstr_free(&t);
    xi.trace = NULL;
    xi.may_learn = true;
    assert_int_equal(r->idle_timeout, 0);
    /* A real FIN: shortened (a longer one would not lengthen them). */
    xlate(&xi, &xo);
    assert_int_equal(r->idle_timeout, 3);
    assert_int_equal(r->hard_timeout, 9);
    assert_int_equal(oftable_count_timeouts(h.ofp->tables[0]), 1);
    /* An RST with a longer fin_timeout: unchanged. */
    flow_cmd(&h, "priority=10,tcp,actions=fin_timeout(idle_timeout=30),"
             "output:2", 1);
    xi.flow.key.tcp_flags = htons(0x004);
    xlate(&xi, &xo);
    assert_int_equal(r->idle_timeout, 3);
    h_destroy(&h);
}

/* Through the datapath: TCP segments without FIN or RST stay in the fast
 * path; the FIN misses their megaflow, comes up and shortens the rule's
 * timeouts. */
static void test_fin_timeout_datapath(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    h_add_flow(&h, "priority=10,tcp,actions=fin_timeout(idle_timeout=3),"
               "output:2");
    uint8_t f[128];
    size_t len = udp_frame(f, 2, 1, -1, 0x0a000001, 0x0a000002, 80);
    f[14 + 9] = 6;                  /* TCP */
    f[14 + 20 + 12] = 0x50;         /* data offset 5 */
    f[14 + 20 + 13] = 0x10;         /* ack */
    h_send(&h, 1, f, len);
    uint64_t misses = h_misses(&h);
    h_send(&h, 1, f, len);
    assert_int_equal(h_misses(&h), misses);      /* fast path */
    assert_int_equal(h_drain(&h, 2), 2);
    size_t n;
    struct rule **rules = oftable_rules(h.ofp->tables[0], &n);
    struct rule *r = rules[0];
    free(rules);
    assert_int_equal(r->idle_timeout, 0);
    f[14 + 20 + 13] = 0x11;         /* fin, ack */
    h_send(&h, 1, f, len);
    assert_int_equal(h_misses(&h), misses + 1);
    assert_int_equal(h_drain(&h, 2), 1);
    assert_int_equal(r->idle_timeout, 3);
    h_destroy(&h);
}

/* A MAC-learning switch from learn alone, through the datapath: the first
 * frames flood, the learned flows then send unicast to one port only, and
 * every frame of a learning flow comes up to the slow path. */
static void test_learning_switch(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    h_add_flow(&h, "actions=learn(table=10,NXM_OF_ETH_DST[]="
               "NXM_OF_ETH_SRC[],load:NXM_OF_IN_PORT[]->NXM_NX_REG0[0..15]),"
               "resubmit(,1)");
    h_add_flow(&h, "table=1,actions=resubmit(,10),resubmit(,2)");
    h_add_flow(&h, "table=2,reg0=0,actions=flood");
    h_add_flow(&h, "table=2,reg0=1,actions=output:1");
    h_add_flow(&h, "table=2,reg0=2,actions=output:2");
    h_add_flow(&h, "table=2,reg0=3,actions=output:3");
    uint8_t f[128];
    /* 1 -> broadcast: floods, learns 1. */
    size_t len = udp_frame(f, 0xff, 1, -1, 0x0a000001, 0x0a0000ff, 9);
    h_send(&h, 1, f, len);
    assert_int_equal(h_drain(&h, 2), 1);
    assert_int_equal(h_drain(&h, 3), 1);
    /* 2 -> 1: unicast to 1 only, learns 2. */
    len = udp_frame(f, 1, 2, -1, 0x0a000002, 0x0a000001, 9);
    h_send(&h, 2, f, len);
    assert_int_equal(h_drain(&h, 1), 1);
    assert_int_equal(h_drain(&h, 3), 0);
    /* 1 -> 2: unicast to 2 only, twice (the second through the
     * slow-path datapath flow, which learns again). */
    for (int i = 0; i < 2; i++) {
        len = udp_frame(f, 2, 1, -1, 0x0a000001, 0x0a000002, 9);
        h_send(&h, 1, f, len);
        assert_int_equal(h_drain(&h, 2), 1);
        assert_int_equal(h_drain(&h, 3), 0);
    }
    char dump[1024];
    dump_table(&h, 10, dump, sizeof dump);
    assert_string_equal(dump,
        "dl_dst=02:00:00:00:00:01 cookie=0 idle=0 hard=0 flags=0 "
        "actions=load:0x1->NXM_NX_REG0[0..15]\n"
        "dl_dst=02:00:00:00:00:02 cookie=0 idle=0 hard=0 flags=0 "
        "actions=load:0x2->NXM_NX_REG0[0..15]\n");
    h_destroy(&h);
}

/* Learned flows expire by their own timeouts; learning again restarts
 * the hard one. */
static void test_learned_expiry(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    h_add_flow(&h, "in_port=1,actions=learn(table=10,hard_timeout=2,"
               "NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[])");
    h_add_flow(&h, "in_port=2,actions=learn(table=11,idle_timeout=1,"
               "NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[])");
    struct xlate_in xi;
    packet(&h, &xi, 1, 1, 9);
    uint64_t t0 = xi.now_ms;
    xi.may_learn = true;
    xlate(&xi, &xo);
    packet(&h, &xi, 2, 2, 9);
    xi.now_ms = t0;
    xi.may_learn = true;
    xlate(&xi, &xo);
    assert_int_equal(table_count(&h, 10), 1);
    assert_int_equal(table_count(&h, 11), 1);
    ofproto_run(h.ofp, t0 + 500);
    assert_int_equal(table_count(&h, 11), 1);
    ofproto_run(h.ofp, t0 + 1500);
    assert_int_equal(table_count(&h, 11), 0);     /* idle */
    /* Learnt again at +1.5 s: the hard timeout counts from there. */
    packet(&h, &xi, 1, 1, 9);
    xi.now_ms = t0 + 1500;
    xi.may_learn = true;
    xlate(&xi, &xo);
    ofproto_run(h.ofp, t0 + 3000);
    assert_int_equal(table_count(&h, 10), 1);
    ofproto_run(h.ofp, t0 + 3600);
    assert_int_equal(table_count(&h, 10), 0);     /* hard */
    h_destroy(&h);
}

/* OVS's learn_check: source fields need the learning flow's match to meet
 * their prerequisites; a flow_mod that does not is refused. */
static void test_learn_check(void **state)
{
    (void) state;
    struct ofpact *acts;
    size_t n;
    char err[256];
    assert_int_equal(ofpacts_parse("learn(eth_type=0x800,NXM_OF_IP_DST[]="
                                   "NXM_OF_IP_SRC[])", &acts, &n, err,
                                   sizeof err), 0);
    struct ofp_flow_spec ip, any;
    assert_int_equal(ofp_parse_flow("ip,actions=drop", OFP_PARSE_ADD, &ip,
                                    err, sizeof err), 0);
    assert_int_equal(ofp_parse_flow("actions=drop", OFP_PARSE_ADD, &any,
                                    err, sizeof err), 0);
    assert_int_equal(ofpact_learn_check(acts[0].learn, &ip.match.value,
                                        &ip.match.mask), 0);
    assert_int_equal(ofpact_learn_check(acts[0].learn, &any.match.value,
                                        &any.match.mask),
                     -OFPERR_OFPBAC_MATCH_INCONSISTENT);
    ofp_flow_spec_free(&ip);
    ofp_flow_spec_free(&any);
    ofpacts_free(acts, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_learn_creates_and_refreshes),
        cmocka_unit_test(test_learn_specs),
        cmocka_unit_test(test_learn_limit),
        cmocka_unit_test(test_delete_learned),
        cmocka_unit_test(test_fin_timeout),
        cmocka_unit_test(test_fin_timeout_datapath),
        cmocka_unit_test(test_learning_switch),
        cmocka_unit_test(test_learn_check),
        cmocka_unit_test(test_learned_expiry),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
