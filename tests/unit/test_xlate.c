/* Translation: the datapath actions each OpenFlow action becomes, the
 * fields a translation marks as consulted (the megaflow mask), resubmit /
 * goto_table / registers, TTL handling, loops, and that a traced or
 * revalidating translation changes nothing. */
#include "test_ofproto_harness.h"

#include "ofproto/xlate.h"

static struct xlate_out xo;

/* A UDP packet from port 1 as the slow path sees it. */
static void packet(struct harness *h, struct xlate_in *xi, uint8_t ttl)
{
    memset(xi, 0, sizeof *xi);
    xi->ofproto = h->ofp;
    xi->now_ms = dp_time_ms();
    struct flow_key *k = &xi->flow.key;
    k->in_port = h->dp_ports[1];
    mac_of(2, k->dl_dst.ea);
    mac_of(1, k->dl_src.ea);
    k->dl_type = htons(0x0800);
    k->nw_src = htonl(0x0a000001);
    k->nw_dst = htonl(0x0a000002);
    k->nw_proto = 17;
    k->nw_ttl = ttl;
    k->tp_src = htons(12345);
    k->tp_dst = htons(9);
    xi->flow.in_port = 1;
}

/* The datapath actions of xo as (type, payload pointer) in order. */
struct dp_act {
    int type;
    const void *payload;
};

static size_t acts_of(struct dp_act *out, size_t max)
{
    size_t n = 0;
    assert_int_equal(actions_validate(xo.acts.data, xo.acts.len), 0);
    /* The macro's parameter is spelt `len`, as is the member it reads. */
    const uint8_t *data = xo.acts.data;
    size_t len = xo.acts.len;
    DP_ACTION_FOR_EACH(a, data, len) {
        if (n < max) {
            out[n].type = a->type;
            out[n].payload = dp_action_payload(a);
            n++;
        }
    }
    return n;
}

static uint32_t out_port(const struct dp_act *a)
{
    uint32_t p;
    assert_int_equal(a->type, DP_ACTION_OUTPUT);
    memcpy(&p, a->payload, 4);
    return p;
}

static void test_set_fields_and_output(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    h_add_flow(&h, "priority=10,in_port=1,actions=mod_dl_src:00:00:00:00:00:"
               "99,mod_nw_dst:10.9.9.9,mod_tp_dst:53,output:2,output:1,"
               "IN_PORT");
    struct xlate_in xi;
    packet(&h, &xi, 64);
    xlate(&xi, &xo);
    struct dp_act a[8];
    size_t n = acts_of(a, 8);
    assert_int_equal(n, 5);     /* eth, ipv4, tp, output 2, output 1 */
    assert_int_equal(a[0].type, DP_ACTION_SET_ETH);
    const struct dp_action_set_eth *se = a[0].payload;
    assert_int_equal(se->src.ea[5], 0x99);
    assert_int_equal(se->src_mask.ea[0], 0xff);
    assert_int_equal(se->dst_mask.ea[0], 0);    /* dst untouched */
    assert_int_equal(a[1].type, DP_ACTION_SET_IPV4);
    const struct dp_action_set_ipv4 *s4 = a[1].payload;
    assert_int_equal(ntohl(s4->dst), 0x0a090909);
    assert_int_equal(s4->dst_mask, UINT32_MAX);
    assert_int_equal(s4->src_mask, 0);
    assert_int_equal(a[2].type, DP_ACTION_SET_TP);
    assert_int_equal(out_port(&a[3]), h.dp_ports[2]);
    /* output:1 to the input port is skipped; IN_PORT sends it back. */
    assert_int_equal(out_port(&a[4]), h.dp_ports[1]);
    /* Setting a field does not make the megaflow match it. */
    assert_int_equal(xo.wc.key.nw_dst, 0);
    assert_int_equal(xo.wc.key.tp_dst, 0);
    assert_int_equal(xo.wc.key.dl_type, 0xffff);
    assert_int_equal(xo.wc.key.nw_proto, 0xff);   /* set_tp needs it */
    h_destroy(&h);
}

static void test_megaflow_mask(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 2, NULL);
    h_add_flow(&h, "priority=10,ip,nw_dst=10.0.0.2,actions=output:2");
    struct xlate_in xi;
    packet(&h, &xi, 64);
    xlate(&xi, &xo);
    struct flow_key mask;
    xlate_megaflow_mask(&xo, &xi.flow.key, &mask);
    assert_int_equal(mask.in_port, UINT32_MAX);
    assert_int_equal(mask.recirc_id, UINT32_MAX);
    assert_int_equal(mask.nw_dst, UINT32_MAX);
    assert_int_equal(mask.nw_frag, FLOW_NW_FRAG_MASK);
    assert_int_equal(mask.nw_src, 0);
    assert_int_equal(mask.tp_src, 0);
    /* The rule matched: NORMAL's subtable (priority 0) was never looked
     * at, and NORMAL did not run: no MAC in the mask. */
    assert_int_equal(mask.dl_src.ea[0], 0);
    assert_int_equal(xo.n_rules, 1);

    /* Another destination falls through to NORMAL: MACs and VLAN too. */
    xi.flow.key.nw_dst = htonl(0x0a000003);
    xlate(&xi, &xo);
    xlate_megaflow_mask(&xo, &xi.flow.key, &mask);
    assert_int_equal(mask.nw_dst, UINT32_MAX);
    assert_int_equal(mask.dl_src.ea[0], 0xff);
    assert_int_equal(mask.dl_dst.ea[5], 0xff);
    /* The packet is untagged: its absent tag is matched whole, as the
     * datapath syntax prints and parses it. */
    assert_int_equal(mask.vlans[0].tci, 0xffff);
    assert_int_equal(mask.vlans[0].tpid, 0xffff);
    h_destroy(&h);
}

static void test_resubmit_goto_registers(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    h_add_flow(&h, "table=0,priority=10,in_port=1,actions=load:5->reg0[],"
               "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],resubmit(,1),"
               "goto_table:2");
    h_add_flow(&h, "table=1,priority=10,reg0=5,actions=output:2");
    h_add_flow(&h, "table=1,priority=5,actions=output:3");
    h_add_flow(&h, "table=2,priority=1,actions=resubmit(3,4)");
    h_add_flow(&h, "table=4,in_port=3,actions=output:1");
    struct xlate_in xi;
    packet(&h, &xi, 64);
    xlate(&xi, &xo);
    struct dp_act a[8];
    size_t n = acts_of(a, 8);
    assert_int_equal(n, 3);
    assert_int_equal(a[0].type, DP_ACTION_SET_ETH);
    const struct dp_action_set_eth *se = a[0].payload;
    assert_int_equal(se->dst.ea[5], 1);           /* dst = old src */
    assert_int_equal(out_port(&a[1]), h.dp_ports[2]);
    assert_int_equal(out_port(&a[2]), h.dp_ports[1]);
    assert_int_equal(xo.n_rules, 4);
    assert_int_equal(xo.final.regs[0], 5);
    assert_int_equal(xo.wc.key.dl_src.ea[0], 0xff);   /* move read it */
    h_destroy(&h);
}

static void test_dec_ttl_and_loops(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 2, NULL);
    h_add_flow(&h, "priority=10,ip,actions=dec_ttl,output:2");
    struct xlate_in xi;
    packet(&h, &xi, 64);
    xlate(&xi, &xo);
    struct dp_act a[4];
    assert_int_equal(acts_of(a, 4), 2);
    const struct dp_action_set_ipv4 *s4 = a[0].payload;
    assert_int_equal(s4->ttl, 63);
    assert_int_equal(s4->ttl_mask, 0xff);
    assert_int_equal(xo.wc.key.nw_ttl, 0xff);
    packet(&h, &xi, 1);
    xlate(&xi, &xo);
    assert_int_equal(xo.acts.len, 0);              /* TTL exception: drop */

    /* goto_table backwards (possible through mod-flows) is refused. */
    h_add_flow(&h, "table=3,priority=1,actions=output:2");
    struct ofp_flow_spec spec;
    char err[128];
    assert_int_equal(ofp_parse_flow("actions=goto_table:3", OFP_PARSE_MODIFY,
                                    &spec, err, sizeof err), 0);
    assert_int_equal(ofproto_flow_mod(h.ofp, &spec, false), 3);
    ofp_flow_spec_free(&spec);
    packet(&h, &xi, 64);
    xlate(&xi, &xo);
    assert_int_equal(xo.acts.len, 0);

    /* A resubmit loop ends at the depth limit instead of recursing. */
    h_add_flow(&h, "priority=20,ip,actions=resubmit(,0)");
    packet(&h, &xi, 64);
    xlate(&xi, &xo);
    assert_int_equal(xo.acts.len, 0);
    h_destroy(&h);
}

static void test_vlan_actions(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 2, NULL);
    h_add_flow(&h, "priority=10,in_port=1,actions=mod_vlan_vid:7,output:2,"
               "strip_vlan,output:2,push_vlan:0x88a8,mod_vlan_pcp:3,"
               "output:2,CONTROLLER");
    struct xlate_in xi;
    packet(&h, &xi, 64);
    xlate(&xi, &xo);
    struct dp_act a[10];
    size_t n = acts_of(a, 10);
    assert_int_equal(n, 6);
    assert_int_equal(a[0].type, DP_ACTION_PUSH_VLAN);
    const struct dp_action_push_vlan *pv = a[0].payload;
    assert_int_equal(ntohs(pv->tci) & 0x0fff, 7);
    assert_int_equal(ntohs(pv->tpid), 0x8100);
    assert_int_equal(out_port(&a[1]), h.dp_ports[2]);
    assert_int_equal(a[2].type, DP_ACTION_POP_VLAN);
    assert_int_equal(out_port(&a[3]), h.dp_ports[2]);
    assert_int_equal(a[4].type, DP_ACTION_PUSH_VLAN);
    pv = a[4].payload;
    assert_int_equal(ntohs(pv->tpid), 0x88a8);
    assert_int_equal(ntohs(pv->tci) >> 13, 3);
    assert_int_equal(out_port(&a[5]), h.dp_ports[2]);
    h_destroy(&h);
}

static void test_trace_changes_nothing(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    struct xlate_in xi;
    packet(&h, &xi, 64);
    struct dstr t = DSTR_INIT;
    xi.trace = &t;
    xlate(&xi, &xo);
    assert_int_equal(mac_count(h.ofp->macs), 0);
    assert_int_equal(h.ofp->table_lookups[0], 0);
    assert_non_null(strstr(dstr_str(&t), " 0. priority 0\n    NORMAL\n"));
    assert_non_null(strstr(dstr_str(&t), "-> learned that 02:00:00:00:00:01"
                           " is on port p1 in VLAN 0"));
    assert_non_null(strstr(dstr_str(&t),
                           "-> no learned MAC for destination, flooding"));
    struct dp_act a[4];
    assert_int_equal(acts_of(a, 4), 2);            /* flood to 2 and 3 */
    dstr_free(&t);
    struct rule *r;
    size_t n;
    struct rule **rules = oftable_rules(h.ofp->tables[0], &n);
    r = rules[0];
    free(rules);
    assert_int_equal(r->n_packets, 0);

    /* The real thing learns and counts. */
    xi.trace = NULL;
    xi.may_learn = true;
    xi.count_tables = true;
    xlate(&xi, &xo);
    assert_int_equal(mac_count(h.ofp->macs), 1);
    assert_true(xo.mac_changed);
    assert_int_equal(h.ofp->table_lookups[0], 1);
    h_destroy(&h);
}

static void test_exact_flow_format(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 1, NULL);
    struct xlate_in xi;
    packet(&h, &xi, 64);
    struct dstr s = DSTR_INIT;
    xflow_format_exact(&xi.flow, &s);
    assert_string_equal(dstr_str(&s), "udp,in_port=1,vlan_tci=0x0000,"
                        "dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
                        "nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,"
                        "nw_ttl=64,nw_frag=no,tp_src=12345,tp_dst=9");
    dstr_free(&s);
    h_destroy(&h);
}

/* controller(pause) stops the whole translation: what came before it is
 * kept (and shown to the controller), the rest of the paused rule and of
 * its callers is frozen, innermost first, each with its table and cookie;
 * the userdata goes with the packet_in. */
static void test_pause(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    h_add_flow(&h, "table=0,cookie=0x7,priority=10,in_port=1,actions="
               "output:3,resubmit(,1),load:1->reg1[],output:2");
    h_add_flow(&h, "table=1,cookie=0x9,priority=10,actions=load:5->reg0[],"
               "controller(userdata=01.02.03,pause),output:1,"
               "mod_nw_tos:4,output:2");
    struct xlate_in xi;
    packet(&h, &xi, 64);
    xlate(&xi, &xo);
    struct dp_act a[8];
    size_t n = acts_of(a, 8);
    assert_int_equal(n, 1);                     /* only output:3 ran */
    assert_int_equal(out_port(&a[0]), h.dp_ports[3]);
    assert_true(xo.paused);
    assert_true(xo.slow);
    assert_int_equal(xo.n_pins, 1);
    const struct xlate_pin *pin = &xo.pins[0];
    assert_true(pin->pause);
    assert_int_equal(pin->table_id, 1);
    assert_int_equal(pin->cookie, 0x9);
    assert_int_equal(pin->reason, OFPR_ACTION);
    assert_int_equal(pin->userdata_len, 3);
    assert_int_equal(pin->userdata[2], 3);
    assert_int_equal(pin->flow.regs[0], 5);     /* the load before it */
    assert_int_equal(pin->acts_len, xo.acts.len);
    assert_int_equal(xo.n_frozen, 2);
    struct dstr t = DSTR_INIT;
    assert_int_equal(xo.frozen[0].table_id, 1);
    assert_int_equal(xo.frozen[0].cookie, 0x9);
    ofpacts_format(xo.frozen[0].acts, xo.frozen[0].n_acts, &t);
    assert_string_equal(dstr_str(&t), "output:1,mod_nw_tos:4,output:2");
    dstr_truncate(&t, 0);
    assert_int_equal(xo.frozen[1].table_id, 0);
    assert_int_equal(xo.frozen[1].cookie, 0x7);
    ofpacts_format(xo.frozen[1].acts, xo.frozen[1].n_acts, &t);
    assert_string_equal(dstr_str(&t), "load:0x1->NXM_NX_REG1[],output:2");
    dstr_free(&t);
    /* Without pause the same rule runs on. */
    h_add_flow(&h, "table=1,cookie=0x9,priority=10,actions=load:5->reg0[],"
               "controller(userdata=01.02.03),output:1,mod_nw_tos:4,"
               "output:2");
    packet(&h, &xi, 64);
    xlate(&xi, &xo);
    assert_false(xo.paused);
    assert_int_equal(xo.n_frozen, 0);
    assert_false(xo.pins[0].pause);
    n = acts_of(a, 8);
    /* output 3, (output:1 to the input port skipped), set tos, output 2,
     * and table 0's output 2 */
    assert_int_equal(n, 4);
    assert_int_equal(a[1].type, DP_ACTION_SET_IPV4);
    h_destroy(&h);
}

/* A resume runs the frozen groups in order with their table and cookie:
 * the rest of the paused rule, then its callers'; a pause among them
 * freezes again, with the groups after it. */
static void test_resume(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    h_add_flow(&h, "table=2,priority=10,actions=output:3");
    struct ofpact *g0, *g1;
    size_t n0, n1;
    char err[256];
    assert_int_equal(ofpacts_parse("mod_nw_tos:4,output:2,resubmit(,2)",
                                   &g0, &n0, err, sizeof err), 0);
    assert_int_equal(ofpacts_parse("controller(pause),output:1,IN_PORT",
                                   &g1, &n1, err, sizeof err), 0);
    struct ofp_cont_group groups[3] = {
        { 1, 0x9, g0, n0 }, { 0, 0x7, g1, n1 }, { 0, 0x7, g0, 1 },
    };
    struct xlate_in xi;
    packet(&h, &xi, 64);
    xi.resume = groups;
    xi.n_resume = 1;
    xlate(&xi, &xo);
    struct dp_act a[8];
    size_t n = acts_of(a, 8);
    assert_int_equal(n, 3);     /* set_ipv4, output 2, output 3 */
    assert_int_equal(a[0].type, DP_ACTION_SET_IPV4);
    assert_int_equal(out_port(&a[1]), h.dp_ports[2]);
    assert_int_equal(out_port(&a[2]), h.dp_ports[3]);
    assert_false(xo.paused);
    assert_int_equal(xo.n_rules, 1);    /* the resubmit's */

    /* Pausing again: the rest of group 1, then group 2. */
    xi.n_resume = 3;
    xlate(&xi, &xo);
    assert_true(xo.paused);
    assert_int_equal(xo.n_pins, 1);
    assert_int_equal(xo.pins[0].cookie, 0x7);
    assert_int_equal(xo.pins[0].table_id, 0);
    assert_int_equal(xo.n_frozen, 2);
    assert_int_equal(xo.frozen[0].n_acts, 2);   /* output:1,IN_PORT */
    assert_ptr_equal(xo.frozen[0].acts, g1 + 1);
    assert_ptr_equal(xo.frozen[1].acts, g0);
    assert_int_equal(xo.frozen[1].n_acts, 1);
    assert_int_equal(xo.frozen[1].cookie, 0x7);
    free(g0);
    free(g1);
    h_destroy(&h);
}

static const struct {
    enum ofpact_type type;
    const char *sample;
} act_list[] = {
#define OFPACT(ENUM, FN, PAYLOAD, OF10, OF13, NX, SAMPLE, NAME, ALIAS)       \
    { OFPACT_##ENUM, SAMPLE },
    OFPACTS
#undef OFPACT
};

/* Every action of OFPACTS translates: into valid datapath actions, shown in
 * the trace as it prints, the same with and without the trace, and (but
 * goto_table, which ends the list) the rule's next action still runs. */
static void test_every_action(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof act_list / sizeof *act_list; i++) {
        if (act_list[i].type == OFPACT_CONJUNCTION) {
            continue;   /* conj: never with output; test_conjunction.c */
        }
        struct harness h;
        h_init(&h, 3, NULL);
        bool last = act_list[i].type == OFPACT_GOTO_TABLE;
        char flow[256];
        snprintf(flow, sizeof flow, "priority=10,in_port=1,actions=%s%s",
                 act_list[i].sample, last ? "" : ",output:2");
        h_add_flow(&h, flow);
        struct xlate_in xi;
        packet(&h, &xi, 64);
        struct dstr t = DSTR_INIT;
        xi.trace = &t;
        xlate(&xi, &xo);
        char line[160];
        snprintf(line, sizeof line, "\n    %s\n", act_list[i].sample);
        if (!strstr(dstr_str(&t), line)) {
            fail_msg("%s: trace lacks the action:\n%s", flow, dstr_str(&t));
        }
        dstr_free(&t);
        struct action_buf traced = xo.acts;
        xi.trace = NULL;
        xlate(&xi, &xo);
        assert_int_equal(traced.len, xo.acts.len);
        assert_memory_equal(traced.data, xo.acts.data, xo.acts.len);
        struct dp_act a[16];
        size_t n = acts_of(a, 16);
        if (!last) {
            assert_true(n > 0 && n <= 16);
            assert_int_equal(out_port(&a[n - 1]), h.dp_ports[2]);
        }
        h_destroy(&h);
    }
}

/* Fail-open switches NORMAL ahead of the table, whatever its rules say
 * (OVS's hidden rule outranks every OpenFlow priority). */
static void test_fail_open_ahead_of_table(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    h_add_flow(&h, "priority=65535,actions=drop");
    struct xlate_in xi;
    packet(&h, &xi, 64);
    xlate(&xi, &xo);
    assert_int_equal(xo.acts.len, 0);           /* the rule drops */

    ofproto_set_fail_open(h.ofp, true);
    packet(&h, &xi, 64);
    xlate(&xi, &xo);
    struct dp_act a[8];
    size_t n = acts_of(a, 8);
    assert_int_equal(n, 2);                     /* flooded to 2 and 3 */
    assert_int_equal(out_port(&a[0]), h.dp_ports[2]);
    assert_int_equal(out_port(&a[1]), h.dp_ports[3]);

    ofproto_set_fail_open(h.ofp, false);
    packet(&h, &xi, 64);
    xlate(&xi, &xo);
    assert_int_equal(xo.acts.len, 0);
    h_destroy(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_set_fields_and_output),
        cmocka_unit_test(test_fail_open_ahead_of_table),
        cmocka_unit_test(test_megaflow_mask),
        cmocka_unit_test(test_resubmit_goto_registers),
        cmocka_unit_test(test_dec_ttl_and_loops),
        cmocka_unit_test(test_vlan_actions),
        cmocka_unit_test(test_trace_changes_nothing),
        cmocka_unit_test(test_exact_flow_format),
        cmocka_unit_test(test_every_action),
        cmocka_unit_test(test_pause),
        cmocka_unit_test(test_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
