/* conj: conjunction(id,k/n) and conj_id: syntax and errors as ovs-ofctl 3.1
 * (its messages), the NXAST_CONJUNCTION encoding (the bytes below were
 * decoded by Debian's `ovs-ofctl parse-actions OpenFlow10/13/15`, which
 * printed "conjunction(10,1/2),note:01.02.00.00.00.00", and refused the bad
 * ones with NXBAC_BAD_CONJUNCTION), and the classifier's conjunctive match
 * (OVS's rules for priorities, fall-back to lower-priority identical
 * matches, partial matches) with its megaflow mask. */
#include "test_ofproto_harness.h"

#include "ofp/actions_wire.h"
#include "ofp/match_wire.h"
#include "ofp/ofp_errors.h"
#include "ofp/ofp_parse.h"
#include "ofproto/classifier.h"
#include "ofproto/xlate.h"

static void roundtrip(const char *flow, const char *want)
{
    struct ofp_flow_spec s;
    char err[256];
    if (ofp_parse_flow(flow, OFP_PARSE_ADD, &s, err, sizeof err)) {
        fail_msg("%s: %s", flow, err);
    }
    struct dstr out = DSTR_INIT;
    ofp_match_format(&s.match, s.priority, &out);
    dstr_put(&out, out.len ? " actions=" : "actions=");
    ofpacts_format(s.acts, s.n_acts, &out);
    if (strcmp(dstr_str(&out), want)) {
        fail_msg("%s: got '%s', want '%s'", flow, dstr_str(&out), want);
    }
    dstr_free(&out);
    ofp_flow_spec_free(&s);
}

static void refused(const char *flow, const char *want)
{
    struct ofp_flow_spec s;
    char err[256];
    if (!ofp_parse_flow(flow, OFP_PARSE_ADD, &s, err, sizeof err)) {
        ofp_flow_spec_free(&s);
        fail_msg("%s: accepted", flow);
    }
    if (want && strcmp(err, want)) {
        fail_msg("%s: got '%s', want '%s'", flow, err, want);
    }
}

/* Texts as Debian's ovs-ofctl parse-flow prints them and its errors. */
static void test_parse_print(void **state)
{
    (void) state;
    roundtrip("ip,actions=conjunction(1,1/2)", "ip actions=conjunction(1,1/2)");
    roundtrip("ip,actions=conjunction(0x10, 1 / 2 )",
              "ip actions=conjunction(16,1/2)");
    roundtrip("ip,conj_id=5,actions=note:01,conjunction(10,1/2),"
              "conjunction(11,2/3)",
              "conj_id=5,ip actions=note:01.00.00.00.00.00,"
              "conjunction(10,1/2),conjunction(11,2/3)");
    roundtrip("priority=5,tcp,conj_id=0x5,reg0=1,actions=drop",
              "priority=5,conj_id=5,tcp,reg0=0x1 actions=drop");
    roundtrip("actions=conjunction(4294967295,64/64)",
              "actions=conjunction(4294967295,64/64)");
    refused("ip,actions=conjunction(1,1/2),output:1",
            "\"conjunction\" actions may be used along with \"note\" but not "
            "any other kind of action (such as the \"output\" action used "
            "here)");
    refused("ip,actions=conjunction(1,3/2)", "clause index must be less than "
            "or equal to number of clauses");
    refused("ip,actions=conjunction(1,0/2)", "clause index must be positive");
    refused("ip,actions=conjunction(1,1/1)",
            "conjunction must have at least 2 clauses");
    refused("ip,actions=conjunction(1,1/65)",
            "conjunction must have at most 64 clauses");
    refused("ip,actions=conjunction(1,1)",
            "\"conjunction\" syntax is \"conjunction(id,i/n)\"");
    refused("ip,actions=conjunction(1,1/2)x", NULL);
    refused("conj_id=5/7,actions=drop", NULL);
}

static void test_wire(void **state)
{
    (void) state;
    static const uint8_t want[] = {
        0xff, 0xff, 0x00, 0x10, 0x00, 0x00, 0x23, 0x20,
        0x00, 0x22, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0a,
        0xff, 0xff, 0x00, 0x10, 0x00, 0x00, 0x23, 0x20,
        0x00, 0x08, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00,
    };
    struct ofpact *acts;
    size_t n;
    char err[256];
    assert_int_equal(ofpacts_parse("conjunction(10,1/2),note:01.02", &acts,
                                   &n, err, sizeof err), 0);
    static const uint8_t versions[] = { 1, 4, 5, 6 };
    for (size_t v = 0; v < sizeof versions; v++) {
        struct ofpbuf b = OFPBUF_INIT;
        assert_int_equal(ofpacts_put_actions(&b, acts, n, versions[v]), 0);
        assert_int_equal(b.size, sizeof want);
        assert_memory_equal(b.data, want, sizeof want);
        struct ofpact *back;
        size_t nb;
        assert_int_equal(ofpacts_pull_actions(b.data, b.size, versions[v],
                                              &back, &nb), 0);
        assert_int_equal(nb, 2);
        assert_int_equal(back[0].type, OFPACT_CONJUNCTION);
        assert_int_equal(back[0].conjunction.id, 10);
        assert_int_equal(back[0].conjunction.clause, 0);
        assert_int_equal(back[0].conjunction.n_clauses, 2);
        ofpacts_free(back, nb);
        ofpbuf_uninit(&b);
    }
    ofpacts_free(acts, n);

    /* Bad clause numbers; conjunction with output (OF1.0 output:1). */
    static const uint8_t bad[][24] = {
        { 0xff, 0xff, 0, 0x10, 0, 0, 0x23, 0x20, 0, 0x22, 0, 1, 0, 0, 0, 10 },
        { 0xff, 0xff, 0, 0x10, 0, 0, 0x23, 0x20, 0, 0x22, 2, 2, 0, 0, 0, 10 },
        { 0xff, 0xff, 0, 0x10, 0, 0, 0x23, 0x20, 0, 0x22, 0, 65, 0, 0, 0, 1 },
        { 0xff, 0xff, 0, 0x10, 0, 0, 0x23, 0x20, 0, 0x22, 0, 2, 0, 0, 0, 1,
          0, 0, 0, 8, 0, 1, 0, 0 },
    };
    static const size_t bad_len[] = { 16, 16, 16, 24 };
    for (size_t i = 0; i < 4; i++) {
        struct ofpact *back;
        size_t nb;
        assert_int_equal(ofpacts_pull_actions(bad[i], bad_len[i], 1, &back,
                                              &nb),
                         -OFPERR_NXBAC_BAD_CONJUNCTION);
    }
    /* A truncated one. */
    struct ofpact *back;
    size_t nb;
    assert_int_equal(ofpacts_pull_actions(want, 8, 1, &back, &nb),
                     -OFPERR_OFPBAC_BAD_LEN);

    /* conj_id in a match: NXM_NX_CONJ_ID (0x0001, field 37), 4 bytes. */
    struct ofp_flow_spec s;
    assert_int_equal(ofp_parse_flow("conj_id=7,actions=drop", OFP_PARSE_ADD,
                                    &s, err, sizeof err), 0);
    struct ofpbuf b = OFPBUF_INIT;
    nx_put_match(&b, &s.match, false, 1);
    static const uint8_t m[] = { 0x00, 0x01, 0x4a, 0x04, 0, 0, 0, 7 };
    assert_int_equal(b.size, sizeof m);
    assert_memory_equal(b.data, m, sizeof m);
    struct ofp_match mb;
    assert_int_equal(nx_pull_match(b.data, b.size, &mb), 0);
    assert_true(ofp_match_equal(&mb, &s.match));
    ofpbuf_uninit(&b);
    ofp_flow_spec_free(&s);
}

/* ---- the classifier ---- */

static struct rule *add(struct oftable *t, const char *flow)
{
    struct ofp_flow_spec s;
    char err[256];
    if (ofp_parse_flow(flow, OFP_PARSE_ADD, &s, err, sizeof err)) {
        fail_msg("%s: %s", flow, err);
    }
    struct rule *r = rule_create(&s, 0, 0);
    ofp_flow_spec_free(&s);
    struct rule *old = oftable_insert(t, r);
    rule_unref(old);
    return r;
}

static struct xflow pkt(const char *src, uint16_t dport)
{
    struct xflow x;
    memset(&x, 0, sizeof x);
    x.key.dl_type = htons(0x0800);
    x.key.nw_proto = 6;
    inet_pton(AF_INET, src, &x.key.nw_src);
    inet_pton(AF_INET, "10.0.0.99", &x.key.nw_dst);
    x.key.tp_src = htons(40000);
    x.key.tp_dst = htons(dport);
    return x;
}

static struct rule *look(struct oftable *t, const char *src, uint16_t dport)
{
    struct xflow x = pkt(src, dport);
    return oftable_lookup(t, &x, NULL);
}

/* Two clauses, one conj_id flow, a default. */
static void test_basic(void **state)
{
    (void) state;
    struct oftable *t = oftable_create();
    struct rule *dflt = add(t, "priority=0,actions=drop");
    add(t, "priority=10,ip,nw_src=10.0.0.1,actions=conjunction(1,1/2)");
    add(t, "priority=10,ip,nw_src=10.0.0.2,actions=conjunction(1,1/2)");
    add(t, "priority=10,tcp,tp_dst=80,actions=conjunction(1,2/2)");
    add(t, "priority=10,tcp,tp_dst=443,actions=conjunction(1,2/2)");
    struct rule *allow = add(t, "priority=10,conj_id=1,ip,actions=output:1");
    assert_ptr_equal(look(t, "10.0.0.1", 80), allow);
    assert_ptr_equal(look(t, "10.0.0.2", 443), allow);
    assert_ptr_equal(look(t, "10.0.0.1", 81), dflt);
    assert_ptr_equal(look(t, "10.0.0.3", 80), dflt);
    assert_ptr_equal(look(t, "10.0.0.3", 81), dflt);

    /* The megaflow: both clauses' fields, not tp_src, no conj_id. */
    struct xflow x = pkt("10.0.0.1", 80), wc;
    memset(&wc, 0, sizeof wc);
    assert_ptr_equal(oftable_lookup(t, &x, &wc), allow);
    assert_int_equal(wc.key.nw_src, 0xffffffff);
    assert_int_equal(wc.key.tp_dst, 0xffff);
    assert_int_equal(wc.key.nw_proto, 0xff);
    assert_int_equal(wc.key.tp_src, 0);
    assert_int_equal(wc.key.nw_dst, 0);
    assert_int_equal(wc.conj_id, 0);
    memset(&wc, 0, sizeof wc);
    x = pkt("10.0.0.7", 80);
    assert_ptr_equal(oftable_lookup(t, &x, &wc), dflt);
    assert_int_equal(wc.key.tp_src, 0);
    assert_int_equal(wc.key.nw_dst, 0);

    /* A clause flow is never the result, whatever its priority. */
    add(t, "priority=100,udp,actions=conjunction(9,1/2)");
    struct xflow u = pkt("10.0.0.1", 80);
    u.key.nw_proto = 17;
    assert_ptr_equal(oftable_lookup(t, &u, NULL), dflt);
    oftable_destroy(t);
}

/* Priorities: a hard match above the clauses wins; one below them wins
 * when the conjunction is incomplete; clauses of different priorities do
 * not combine; the conj_id lookup returns the best ordinary match. */
static void test_priorities(void **state)
{
    (void) state;
    struct oftable *t = oftable_create();
    struct rule *dflt = add(t, "priority=0,actions=drop");
    add(t, "priority=10,ip,nw_src=10.0.0.1,actions=conjunction(1,1/2)");
    add(t, "priority=10,tcp,tp_dst=80,actions=conjunction(1,2/2)");
    struct rule *allow = add(t, "priority=10,conj_id=1,actions=output:1");
    struct rule *high = add(t, "priority=20,tcp,nw_src=10.0.0.1,tp_dst=80,"
                            "actions=output:2");
    assert_ptr_equal(look(t, "10.0.0.1", 80), high);
    oftable_remove(t, high);
    rule_unref(high);
    assert_ptr_equal(look(t, "10.0.0.1", 80), allow);

    struct rule *low = add(t, "priority=5,tcp,actions=output:3");
    assert_ptr_equal(look(t, "10.0.0.1", 81), low);
    assert_ptr_equal(look(t, "10.0.0.1", 80), allow);

    /* Clause 2 at another priority: no conjunction. */
    add(t, "priority=11,tcp,tp_dst=22,actions=conjunction(1,2/2)");
    assert_ptr_equal(look(t, "10.0.0.1", 22), low);
    /* The conj_id flow lower than an ordinary one that matches too: the
     * conj_id lookup returns the ordinary one (OVS: a new lookup). */
    struct rule *mid = add(t, "priority=7,tcp,actions=output:4");
    assert_ptr_equal(look(t, "10.0.0.1", 80), allow);
    oftable_remove(t, allow);
    rule_unref(allow);
    assert_ptr_equal(look(t, "10.0.0.1", 80), mid);
    add(t, "priority=3,conj_id=1,actions=output:1");
    assert_ptr_equal(look(t, "10.0.0.1", 80), mid);
    (void) dflt;
    oftable_destroy(t);
}

/* A clause that does not complete gives way to the next lower-priority
 * flow with its very match: an ordinary one, or another clause. */
static void test_fall_back(void **state)
{
    (void) state;
    struct oftable *t = oftable_create();
    struct rule *dflt = add(t, "priority=0,actions=drop");
    add(t, "priority=10,ip,nw_src=10.0.0.1,actions=conjunction(1,1/2)");
    add(t, "priority=10,tcp,tp_dst=80,actions=conjunction(1,2/2)");
    struct rule *c1 = add(t, "priority=10,conj_id=1,actions=output:1");
    struct rule *same = add(t, "priority=5,ip,nw_src=10.0.0.1,"
                            "actions=output:4");
    assert_ptr_equal(look(t, "10.0.0.1", 80), c1);
    assert_ptr_equal(look(t, "10.0.0.1", 81), same);
    assert_ptr_equal(look(t, "10.0.0.2", 80), dflt);
    oftable_remove(t, same);
    rule_unref(same);
    /* The next lower one is a clause of conjunction 2. */
    add(t, "priority=8,ip,nw_src=10.0.0.1,actions=conjunction(2,1/2)");
    add(t, "priority=8,tcp,tp_dst=81,actions=conjunction(2,2/2)");
    struct rule *c2 = add(t, "priority=8,conj_id=2,actions=output:5");
    assert_ptr_equal(look(t, "10.0.0.1", 81), c2);
    assert_ptr_equal(look(t, "10.0.0.1", 80), c1);
    assert_ptr_equal(look(t, "10.0.0.1", 82), dflt);
    oftable_destroy(t);
}

/* Three clauses (a partial match is no match), one flow in two
 * conjunctions, one flow holding two clauses of one. */
static void test_many_clauses(void **state)
{
    (void) state;
    struct oftable *t = oftable_create();
    struct rule *dflt = add(t, "priority=0,actions=drop");
    add(t, "priority=10,ip,nw_src=10.0.0.1,actions=conjunction(1,1/3),"
        "conjunction(2,1/2)");
    add(t, "priority=10,tcp,tp_dst=80,actions=conjunction(1,2/3)");
    add(t, "priority=10,ip,nw_dst=10.0.0.99,actions=conjunction(1,3/3)");
    add(t, "priority=10,tcp,tp_src=40000,actions=conjunction(2,2/2)");
    struct rule *c1 = add(t, "priority=10,conj_id=1,actions=output:1");
    struct rule *c2 = add(t, "priority=10,conj_id=2,actions=output:2");
    /* All of 1 and 2 match: conjunction 1 completes first (OVS's order
     * is the subtables'; both give a conj_id flow here). */
    struct rule *r = look(t, "10.0.0.1", 80);
    assert_true(r == c1 || r == c2);
    /* Only 2 complete (tp_dst differs). */
    assert_ptr_equal(look(t, "10.0.0.1", 81), c2);
    struct xflow x = pkt("10.0.0.1", 80);
    x.key.tp_src = htons(1);
    assert_ptr_equal(oftable_lookup(t, &x, NULL), c1);
    x.key.nw_dst = htonl(1);
    assert_ptr_equal(oftable_lookup(t, &x, NULL), dflt);
    oftable_destroy(t);
}

/* Through translation, in a table reached by resubmit: the conj_id flow's
 * actions run, the trace names it, and the megaflow keeps what the clauses
 * looked at and nothing of the source port or of conj_id. */
static void test_xlate(void **state)
{
    (void) state;
    struct harness h;
    h_init(&h, 3, NULL);
    h_add_flow(&h, "priority=0,actions=resubmit(,1)");
    h_add_flow(&h, "table=1,priority=0,actions=drop");
    h_add_flow(&h, "table=1,priority=10,ip,nw_src=10.0.0.1,"
               "actions=conjunction(7,1/2)");
    h_add_flow(&h, "table=1,priority=10,udp,tp_dst=9,"
               "actions=conjunction(7,2/2)");
    h_add_flow(&h, "table=1,priority=10,conj_id=7,ip,actions=output:2");
    static struct xlate_out xo;
    for (int allowed = 1; allowed >= 0; allowed--) {
        struct xlate_in xi;
        memset(&xi, 0, sizeof xi);
        xi.ofproto = h.ofp;
        xi.now_ms = dp_time_ms();
        struct flow_key *k = &xi.flow.key;
        k->in_port = h.dp_ports[1];
        k->dl_type = htons(0x0800);
        k->nw_src = htonl(0x0a000001);
        k->nw_dst = htonl(0x0a000002);
        k->nw_proto = 17;
        k->nw_ttl = 64;
        k->tp_src = htons(12345);
        k->tp_dst = htons(allowed ? 9 : 10);
        xi.flow.in_port = 1;
        struct dstr t = DSTR_INIT;
        xi.trace = &t;
        xlate(&xi, &xo);
        if (allowed) {
            assert_non_null(strstr(dstr_str(&t),
                                   "1. conj_id=7,ip, priority 10"));
            assert_true(xo.acts.len > 0);
        } else {
            assert_null(strstr(dstr_str(&t), "conj_id"));
            assert_int_equal(xo.acts.len, 0);
        }
        assert_int_equal(xo.wc.key.nw_src, 0xffffffff);
        assert_int_equal(xo.wc.key.tp_dst, 0xffff);
        assert_int_equal(xo.wc.key.tp_src, 0);
        assert_int_equal(xo.wc.conj_id, 0);
        assert_int_equal(xo.final.conj_id, 0);
        dstr_free(&t);
    }
    h_destroy(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_print),
        cmocka_unit_test(test_wire),
        cmocka_unit_test(test_basic),
        cmocka_unit_test(test_priorities),
        cmocka_unit_test(test_fall_back),
        cmocka_unit_test(test_many_clauses),
        cmocka_unit_test(test_xlate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
