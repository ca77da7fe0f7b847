/* ofproto_ofp: what OpenFlow messages do to a bridge, driven with encoded
 * messages through a fake connection.
 *
 * Seam: this file defines the ofconn_* and connmgr_send_* functions that
 * connmgr.h declares (link-time substitution: tests link the archive, so
 * connmgr.o is not pulled in while every symbol it would give is defined
 * here). */
#include "test_ofproto_harness.h"
#include "dp/meter.h"

#include <time.h>

#include "ofp/ofp_msgs.h"
#include "ofproto/connmgr.h"
#include "ofproto/ofproto_ofp.h"
#include "ofproto/group.h"      /* groups */
#include "ofp/ofp_print.h"

/* ---- the fake connection and connection manager ---- */

struct ofconn {
    uint8_t version;
    enum ofp_flow_format ff;
    bool tid;
    enum ofp_role role;
    struct ofpbuf out;          /* every message sent to it */
    int n_errors;
    enum ofperr last_error;
    uint32_t last_error_xid;
};

uint8_t ofconn_version(const struct ofconn *c) { return c->version; }
enum ofp_flow_format ofconn_flow_format(const struct ofconn *c)
{
    return c->ff;
}
bool ofconn_table_id_enabled(const struct ofconn *c) { return c->tid; }
enum ofp_role ofconn_role(const struct ofconn *c) { return c->role; }
uint16_t ofconn_miss_send_len(const struct ofconn *c) { (void) c; return 128; }

void ofconn_send(struct ofconn *c, struct ofpbuf *b)
{
    ofpbuf_put(&c->out, b->data, b->size);
    ofpbuf_clear(b);
}

void ofconn_send_error(struct ofconn *c, const struct ofp_msg *req,
                       enum ofperr error)
{
    c->n_errors++;
    c->last_error = error;
    c->last_error_xid = req->xid;
}

struct pin_rec {
    uint8_t reason, table_id;
    uint64_t cookie;
    size_t len, total_len;
    uint32_t in_port;
    uint8_t data[128];
};

static struct {
    int n_pins;
    struct pin_rec pins[16];
    int n_removed;
    uint8_t removed_reason;
    uint64_t removed_cookie;
    int n_port_status;
    enum ofp_port_reason ps_reason;
    uint32_t ps_port;
    uint32_t ps_config, ps_state;
    bool controller;
    uint8_t version;            /* of the connection: for last_pin2 */
    struct ofpbuf last_pin2;    /* the last packet_in as NXT_PACKET_IN2 */
} fake;

static char fake_mgr_storage;
#define FAKE_MGR ((struct connmgr *) &fake_mgr_storage)

void connmgr_send_packet_in(struct connmgr *mgr,
                            const struct ofp_packet_in *pin,
                            uint16_t controller_id)
{
    (void) mgr;
    (void) controller_id;
    if (fake.n_pins < 16) {
        struct pin_rec *p = &fake.pins[fake.n_pins];
        p->reason = pin->reason;
        p->table_id = pin->table_id;
        p->cookie = pin->cookie;
        p->len = pin->len;
        p->total_len = pin->total_len;
        p->in_port = pin->metadata.value.in_port;
        memcpy(p->data, pin->packet, pin->len < 128 ? pin->len : 128);
    }
    fake.n_pins++;
    ofpbuf_clear(&fake.last_pin2);
    ofp_encode_packet_in(&fake.last_pin2, fake.version, OFP_PIF_NXT2, pin);
}

void connmgr_send_flow_removed(struct connmgr *mgr,
                               const struct ofp_flow_removed *fr)
{
    (void) mgr;
    fake.n_removed++;
    fake.removed_reason = fr->reason;
    fake.removed_cookie = fr->cookie;
}

void connmgr_send_port_status(struct connmgr *mgr,
                              enum ofp_port_reason reason,
                              const struct ofp_phy_port *port)
{
    (void) mgr;
    fake.n_port_status++;
    fake.ps_reason = reason;
    fake.ps_port = port->port_no;
    fake.ps_config = port->config;
    fake.ps_state = port->state;
}

bool connmgr_wants_packet_in_on_miss(const struct connmgr *mgr)
{
    (void) mgr;
    return fake.controller;
}

/* ---- helpers ---- */

struct t {
    struct harness h;
    struct ofconn conn;
    uint32_t xid;
};

static void t_init(struct t *t, uint8_t version)
{
    ofpbuf_uninit(&fake.last_pin2);
    memset(&fake, 0, sizeof fake);
    fake.version = version;
    h_init(&t->h, 3, NULL);
    memset(&t->conn, 0, sizeof t->conn);
    t->conn.version = version;
    t->conn.ff = OFP_FF_NXM;
    t->conn.role = OFPCR_ROLE_EQUAL;
    t->xid = 100;
    t->h.ofp->connmgr = FAKE_MGR;
}

static void t_destroy(struct t *t)
{
    ofproto_ofp_conn_closed(t->h.ofp, &t->conn);
    t->h.ofp->connmgr = NULL;
    h_destroy(&t->h);
    ofpbuf_uninit(&t->conn.out);
}

/* Frames the bytes of `b` as one message and hands it to ofproto_ofp;
 * returns what it returned (0 or -OFPERR). */
static int t_handle(struct t *t, struct ofpbuf *b)
{
    struct ofp_msg msg;
    assert_int_equal(ofp_msg_decode(b->data, b->size, &msg), 0);
    int err = ofproto_ofp_handle(t->h.ofp, &t->conn, &msg);
    ofpbuf_clear(b);
    return err;
}

static uint16_t next_importance;   /* for the next t_flow (OF1.4+) */
static int next_goto = -1;         /* t_flow's actions: one goto_table */

static int t_flow(struct t *t, enum ofp_flow_mod_command cmd,
                  const char *flow, uint16_t flags)
{
    char err[256];
    struct ofp_flow_spec spec;
    enum ofp_parse_mode mode = cmd == OFPFC_ADD ? OFP_PARSE_ADD
                               : cmd <= OFPFC_MODIFY_STRICT ? OFP_PARSE_MODIFY
                               : OFP_PARSE_MATCH;
    if (ofp_parse_flow(flow, mode, &spec, err, sizeof err)) {
        fail_msg("parse %s: %s", flow, err);
    }
    struct ofp_flow_mod fm;
    ofp_flow_mod_from_spec(&spec, cmd, &fm);
    fm.flags = flags;
    fm.importance = next_importance;
    next_importance = 0;
    if (next_goto >= 0) {
        ofpacts_free(fm.acts, fm.n_acts);
        fm.acts = calloc(1, sizeof *fm.acts);
        fm.acts[0].type = OFPACT_GOTO_TABLE;
        fm.acts[0].u8 = (uint8_t) next_goto;
        fm.n_acts = 1;
        next_goto = -1;
    }
    struct ofpbuf b = OFPBUF_INIT;
    assert_int_equal(ofp_encode_flow_mod(&b, t->conn.version, t->conn.ff,
                                         t->conn.tid, t->xid++, &fm), 0);
    int ret = t_handle(t, &b);
    ofpbuf_uninit(&b);
    ofp_flow_mod_free(&fm);
    ofp_flow_spec_free(&spec);
    return ret;
}

static size_t n_rules(struct t *t)
{
    size_t n = 0;
    for (int i = 0; i < OFP_N_TABLES; i++) {
        n += oftable_count(t->h.ofp->tables[i]);
    }
    return n;
}

static struct rule *find_rule(struct t *t, uint8_t table, const char *match,
                              uint16_t priority)
{
    char err[256];
    struct ofp_flow_spec spec;
    assert_int_equal(ofp_parse_flow(match, OFP_PARSE_MATCH, &spec, err,
                                    sizeof err), 0);
    struct rule *r = oftable_find_strict(t->h.ofp->tables[table],
                                         &spec.match, priority);
    ofp_flow_spec_free(&spec);
    return r;
}

/* The messages sent to the connection, one by one. */
static bool next_msg(struct t *t, size_t *ofs, struct ofp_msg *msg)
{
    const struct ofpbuf *o = &t->conn.out;
    if (*ofs + 8 > o->size) {
        return false;
    }
    size_t len = ofp_get_be16(o->data + *ofs + 2);
    assert_true(len >= 8 && *ofs + len <= o->size);
    assert_int_equal(ofp_msg_decode(o->data + *ofs, len, msg), 0);
    *ofs += len;
    return true;
}

static void t_clear_out(struct t *t)
{
    ofpbuf_clear(&t->conn.out);
}

/* ---- flow mods ---- */

static void test_flow_mod_add_modify_delete(void **state)
{
    (void) state;
    struct t t;
    t_init(&t, OFP14_VERSION);
    assert_int_equal(n_rules(&t), 1);   /* the default NORMAL */

    next_importance = 3;
    assert_int_equal(t_flow(&t, OFPFC_ADD, "priority=10,ip,nw_dst=10.0.0.1,"
                            "cookie=0x5,idle_timeout=7,"
                            "actions=output:2", OFPFF_SEND_FLOW_REM), 0);
    struct rule *r = find_rule(&t, 0, "ip,nw_dst=10.0.0.1", 10);
    assert_non_null(r);
    assert_int_equal(r->cookie, 5);
    assert_int_equal(r->idle_timeout, 7);
    assert_int_equal(r->flags, OFPFF_SEND_FLOW_REM);
    assert_int_equal(r->importance, 3);
    r->n_packets = 9;

    /* Same match and priority: replaced, counters kept... */
    assert_int_equal(t_flow(&t, OFPFC_ADD, "priority=10,ip,nw_dst=10.0.0.1,"
                            "actions=output:3", 0), 0);
    r = find_rule(&t, 0, "ip,nw_dst=10.0.0.1", 10);
    assert_int_equal(r->n_packets, 9);
    assert_int_equal(r->acts[0].output.port, 3);
    assert_int_equal(n_rules(&t), 2);
    /* ... unless reset_counts. */
    assert_int_equal(t_flow(&t, OFPFC_ADD, "priority=10,ip,nw_dst=10.0.0.1,"
                            "actions=output:3",
                            OFPFF_RESET_COUNTS | OFPFF_SEND_FLOW_REM), 0);
    r = find_rule(&t, 0, "ip,nw_dst=10.0.0.1", 10);
    assert_int_equal(r->n_packets, 0);
    assert_int_equal(r->importance, 0);    /* an add replaces it all */

    /* check_overlap: an overlapping rule of the same priority. */
    assert_int_equal(t_flow(&t, OFPFC_ADD, "priority=10,ip,actions=drop",
                            OFPFF_CHECK_OVERLAP),
                     -OFPERR_OFPFMFC_OVERLAP);
    assert_int_equal(n_rules(&t), 2);
    assert_int_equal(t_flow(&t, OFPFC_ADD, "priority=11,ip,actions=drop",
                            OFPFF_CHECK_OVERLAP), 0);
    assert_int_equal(n_rules(&t), 3);

    /* modify (loose) changes the actions of every rule it covers. */
    r = find_rule(&t, 0, "ip,nw_dst=10.0.0.1", 10);
    r->n_packets = 4;
    assert_int_equal(t_flow(&t, OFPFC_MODIFY, "ip,actions=output:1", 0), 0);
    r = find_rule(&t, 0, "ip,nw_dst=10.0.0.1", 10);
    assert_int_equal(r->acts[0].output.port, 1);
    assert_int_equal(r->n_packets, 4);
    struct rule *r11 = find_rule(&t, 0, "ip", 11);
    assert_int_equal(r11->n_acts, 1);
    /* modify_strict only the exact one; reset_counts. */
    assert_int_equal(t_flow(&t, OFPFC_MODIFY_STRICT,
                            "priority=10,ip,nw_dst=10.0.0.1,actions=output:2",
                            OFPFF_RESET_COUNTS), 0);
    r = find_rule(&t, 0, "ip,nw_dst=10.0.0.1", 10);
    assert_int_equal(r->acts[0].output.port, 2);
    assert_int_equal(r->n_packets, 0);
    /* A modify keeps the flags (RESET_COUNTS was the add's). */
    assert_int_equal(r->flags, OFPFF_RESET_COUNTS | OFPFF_SEND_FLOW_REM);
    assert_int_equal(find_rule(&t, 0, "ip", 11)->acts[0].output.port, 1);
    /* OF1.1+'s modify of nothing adds nothing. */
    assert_int_equal(t_flow(&t, OFPFC_MODIFY, "arp,actions=output:1", 0), 0);
    assert_int_equal(n_rules(&t), 3);

    /* delete with an out_port filter: none of them outputs to 3. */
    char err[256];
    struct ofp_flow_spec spec;
    assert_int_equal(ofp_parse_flow("ip", OFP_PARSE_MATCH, &spec, err,
                                    sizeof err), 0);
    struct ofp_flow_mod fm;
    ofp_flow_mod_from_spec(&spec, OFPFC_DELETE, &fm);
    fm.out_port = 3;
    struct ofpbuf b = OFPBUF_INIT;
    assert_int_equal(ofp_encode_flow_mod(&b, OFP14_VERSION, OFP_FF_NXM,
                                         false, 1, &fm), 0);
    assert_int_equal(t_handle(&t, &b), 0);
    assert_int_equal(n_rules(&t), 3);
    fm.out_port = 2;
    assert_int_equal(ofp_encode_flow_mod(&b, OFP14_VERSION, OFP_FF_NXM,
                                         false, 1, &fm), 0);
    assert_int_equal(t_handle(&t, &b), 0);
    assert_int_equal(n_rules(&t), 2);
    ofp_flow_mod_free(&fm);
    ofp_flow_spec_free(&spec);
    ofpbuf_uninit(&b);
    /* The deleted rule asked for flow_removed: reason DELETE. */
    assert_int_equal(fake.n_removed, 1);
    assert_int_equal(fake.removed_reason, OFPRR_DELETE);

    /* delete_strict needs the priority too; cookie masks select. */
    assert_int_equal(t_flow(&t, OFPFC_ADD, "priority=5,cookie=0x10,arp,"
                            "actions=drop", 0), 0);
    assert_int_equal(t_flow(&t, OFPFC_DELETE_STRICT, "priority=6,arp", 0), 0);
    assert_int_equal(n_rules(&t), 3);
    assert_int_equal(t_flow(&t, OFPFC_DELETE, "cookie=0x11/0xff,arp", 0), 0);
    assert_int_equal(n_rules(&t), 3);
    assert_int_equal(t_flow(&t, OFPFC_DELETE, "cookie=0x10/0xff,arp", 0), 0);
    assert_int_equal(n_rules(&t), 2);
    assert_int_equal(t_flow(&t, OFPFC_DELETE_STRICT, "priority=11,ip", 0), 0);
    assert_int_equal(n_rules(&t), 1);
    t_destroy(&t);
}

static void test_flow_mod_of10_modify_adds(void **state)
{
    (void) state;
    struct t t;
    t_init(&t, OFP10_VERSION);
    t.conn.ff = OFP_FF_OF10;
    assert_int_equal(t_flow(&t, OFPFC_MODIFY, "arp,actions=output:1", 0), 0);
    assert_int_equal(n_rules(&t), 2);
    assert_non_null(find_rule(&t, 0, "arp", OFP_DEFAULT_PRIORITY));
    t_destroy(&t);
}

static void test_flow_mod_errors_change_nothing(void **state)
{
    (void) state;
    struct t t;
    t_init(&t, OFP13_VERSION);
    /* goto_table backwards. */
    next_goto = 3;
    assert_int_equal(t_flow(&t, OFPFC_ADD, "table=5,actions=drop", 0),
                     -OFPERR_OFPBIC_BAD_TABLE_ID);
    next_goto = 6;
    assert_int_equal(t_flow(&t, OFPFC_ADD, "table=5,actions=drop", 0), 0);
    assert_int_equal(t_flow(&t, OFPFC_DELETE, "table=5", 0), 0);
    /* The hidden last table. */
    assert_int_equal(t_flow(&t, OFPFC_ADD, "table=254,actions=drop", 0),
                     -OFPERR_OFPBRC_EPERM);
    assert_int_equal(n_rules(&t), 1);

    /* A buffer id: vswitch never buffers. */
    char err[256];
    struct ofp_flow_spec spec;
    assert_int_equal(ofp_parse_flow("ip,actions=drop", OFP_PARSE_ADD, &spec,
                                    err, sizeof err), 0);
    struct ofp_flow_mod fm;
    ofp_flow_mod_from_spec(&spec, OFPFC_ADD, &fm);
    fm.buffer_id = 7;
    struct ofpbuf b = OFPBUF_INIT;
    assert_int_equal(ofp_encode_flow_mod(&b, OFP13_VERSION, OFP_FF_NXM,
                                         false, 1, &fm), 0);
    assert_int_equal(t_handle(&t, &b), -OFPERR_OFPBRC_BUFFER_UNKNOWN);
    assert_int_equal(n_rules(&t), 1);
    ofp_flow_mod_free(&fm);
    ofp_flow_spec_free(&spec);

    /* A slave may not change the tables. */
    t.conn.role = OFPCR_ROLE_SLAVE;
    assert_int_equal(t_flow(&t, OFPFC_ADD, "ip,actions=drop", 0),
                     -OFPERR_OFPBRC_IS_SLAVE);
    assert_int_equal(n_rules(&t), 1);
    ofpbuf_uninit(&b);
    t_destroy(&t);
}

static void test_flow_expiry_sends_removed(void **state)
{
    (void) state;
    struct t t;
    t_init(&t, OFP13_VERSION);
    assert_int_equal(t_flow(&t, OFPFC_ADD, "cookie=0x77,hard_timeout=1,arp,"
                            "actions=drop", OFPFF_SEND_FLOW_REM), 0);
    ofproto_run(t.h.ofp, dp_time_ms() + 2000);
    assert_int_equal(n_rules(&t), 1);
    assert_int_equal(fake.n_removed, 1);
    assert_int_equal(fake.removed_reason, OFPRR_HARD_TIMEOUT);
    assert_int_equal(fake.removed_cookie, 0x77);
    t_destroy(&t);
}

/* ---- bundles ---- */

static void bundle_ctrl(struct t *t, uint16_t type, uint32_t id, int expect)
{
    struct ofp_bundle_ctrl bc = { id, type, OFPBF_ATOMIC };
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_bundle_ctrl(&b, t->conn.version, t->xid++, NULL, &bc);
    assert_int_equal(t_handle(t, &b), expect);
    ofpbuf_uninit(&b);
}

static void bundle_add_flow(struct t *t, uint32_t id, const char *flow,
                            uint16_t flags, int expect)
{
    char err[256];
    struct ofp_flow_spec spec;
    if (ofp_parse_flow(flow, OFP_PARSE_ADD, &spec, err, sizeof err)) {
        fail_msg("parse %s: %s", flow, err);
    }
    struct ofp_flow_mod fm;
    ofp_flow_mod_from_spec(&spec, OFPFC_ADD, &fm);
    fm.flags = flags;
    struct ofpbuf inner = OFPBUF_INIT, b = OFPBUF_INIT;
    uint32_t xid = t->xid++;
    assert_int_equal(ofp_encode_flow_mod(&inner, t->conn.version, OFP_FF_NXM,
                                         false, xid, &fm), 0);
    ofp_encode_bundle_add(&b, t->conn.version, xid, id, OFPBF_ATOMIC,
                          inner.data, inner.size);
    assert_int_equal(t_handle(t, &b), expect);
    ofpbuf_uninit(&inner);
    ofpbuf_uninit(&b);
    ofp_flow_mod_free(&fm);
    ofp_flow_spec_free(&spec);
}

static void test_bundle_atomic(void **state)
{
    (void) state;
    struct t t;
    t_init(&t, OFP14_VERSION);
    bundle_ctrl(&t, OFPBCT_OPEN_REQUEST, 1, 0);
    bundle_ctrl(&t, OFPBCT_OPEN_REQUEST, 1, -OFPERR_OFPBFC_BAD_ID);
    bundle_add_flow(&t, 1, "priority=7,ip,actions=output:1", 0, 0);
    bundle_add_flow(&t, 1, "priority=7,udp,actions=output:2", 0, 0);
    /* Fails at commit: overlaps the first. */
    bundle_add_flow(&t, 1, "priority=7,ip,nw_src=1.1.1.1,actions=drop",
                    OFPFF_CHECK_OVERLAP, 0);
    assert_int_equal(n_rules(&t), 1);      /* nothing before the commit */
    bundle_ctrl(&t, OFPBCT_CLOSE_REQUEST, 1, 0);
    bundle_add_flow(&t, 1, "arp,actions=drop", 0,
                    -OFPERR_OFPBFC_BUNDLE_CLOSED);
    /* That discarded it (as OVS): a new one. */
    bundle_ctrl(&t, OFPBCT_OPEN_REQUEST, 2, 0);
    bundle_add_flow(&t, 2, "priority=7,ip,actions=output:1", 0, 0);
    bundle_add_flow(&t, 2, "priority=7,udp,actions=output:2", 0, 0);
    bundle_add_flow(&t, 2, "priority=7,ip,nw_src=1.1.1.1,actions=drop",
                    OFPFF_CHECK_OVERLAP, 0);
    t.conn.n_errors = 0;
    bundle_ctrl(&t, OFPBCT_COMMIT_REQUEST, 2, -OFPERR_OFPBFC_MSG_FAILED);
    assert_int_equal(t.conn.n_errors, 1);  /* the failing message's */
    assert_int_equal(t.conn.last_error, OFPERR_OFPFMFC_OVERLAP);
    assert_int_equal(n_rules(&t), 1);      /* all or nothing */
    bundle_ctrl(&t, OFPBCT_COMMIT_REQUEST, 2, -OFPERR_OFPBFC_BAD_ID);

    /* A good one commits, with replies. */
    t_clear_out(&t);
    bundle_ctrl(&t, OFPBCT_OPEN_REQUEST, 3, 0);
    bundle_add_flow(&t, 3, "priority=7,ip,actions=output:1", 0, 0);
    bundle_add_flow(&t, 3, "priority=7,udp,actions=output:2", 0, 0);
    bundle_ctrl(&t, OFPBCT_COMMIT_REQUEST, 3, 0);
    assert_int_equal(n_rules(&t), 3);
    size_t ofs = 0;
    int n_replies = 0;
    struct ofp_msg m;
    while (next_msg(&t, &ofs, &m)) {
        assert_int_equal(m.type, OFPTYPE_BUNDLE_CONTROL);
        struct ofp_bundle_ctrl bc;
        assert_int_equal(ofp_decode_bundle_ctrl(&m, &bc), 0);
        assert_int_equal(bc.type, n_replies ? OFPBCT_COMMIT_REPLY
                                            : OFPBCT_OPEN_REPLY);
        n_replies++;
    }
    assert_int_equal(n_replies, 2);

    /* Discard, and a connection closing discards its bundles. */
    bundle_ctrl(&t, OFPBCT_OPEN_REQUEST, 4, 0);
    bundle_add_flow(&t, 4, "arp,actions=drop", 0, 0);
    bundle_ctrl(&t, OFPBCT_DISCARD_REQUEST, 4, 0);
    bundle_ctrl(&t, OFPBCT_COMMIT_REQUEST, 4, -OFPERR_OFPBFC_BAD_ID);
    bundle_ctrl(&t, OFPBCT_OPEN_REQUEST, 5, 0);
    ofproto_ofp_conn_closed(t.h.ofp, &t.conn);
    bundle_ctrl(&t, OFPBCT_COMMIT_REQUEST, 5, -OFPERR_OFPBFC_BAD_ID);
    assert_int_equal(n_rules(&t), 3);
    t_destroy(&t);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_bundle_100k(void **state)
{
    (void) state;
    struct t t;
    t_init(&t, OFP14_VERSION);
    bundle_ctrl(&t, OFPBCT_OPEN_REQUEST, 9, 0);
    /* Encode once, change the address in place. */
    char err[256];
    struct ofp_flow_spec spec;
    assert_int_equal(ofp_parse_flow("priority=100,ip,nw_dst=10.0.0.0,"
                                    "actions=output:2", OFP_PARSE_ADD, &spec,
                                    err, sizeof err), 0);
    struct ofp_flow_mod fm;
    ofp_flow_mod_from_spec(&spec, OFPFC_ADD, &fm);
    const int N = 100000;
    struct ofpbuf inner = OFPBUF_INIT, b = OFPBUF_INIT;
    for (int i = 0; i < N; i++) {
        fm.match.value.key.nw_dst = htonl(0x0a000000u + (uint32_t) i);
        uint32_t xid = t.xid++;
        ofpbuf_clear(&inner);
        assert_int_equal(ofp_encode_flow_mod(&inner, OFP14_VERSION,
                                             OFP_FF_NXM, false, xid, &fm), 0);
        ofp_encode_bundle_add(&b, OFP14_VERSION, xid, 9, OFPBF_ATOMIC,
                              inner.data, inner.size);
        struct ofp_msg msg;
        assert_int_equal(ofp_msg_decode(b.data, b.size, &msg), 0);
        assert_int_equal(ofproto_ofp_handle(t.h.ofp, &t.conn, &msg), 0);
        ofpbuf_clear(&b);
    }
    double t0 = now_s();
    bundle_ctrl(&t, OFPBCT_COMMIT_REQUEST, 9, 0);
    double dt = now_s() - t0;
    assert_int_equal(n_rules(&t), (size_t) N + 1);
    print_message("commit of %d flow adds: %.3f s\n", N, dt);
    assert_true(dt < 2.0);
    ofpbuf_uninit(&inner);
    ofpbuf_uninit(&b);
    ofp_flow_mod_free(&fm);
    ofp_flow_spec_free(&spec);
    t_destroy(&t);
}

/* ---- packet out, packet in ---- */

static int packet_out(struct t *t, uint32_t in_port, const char *acts,
                      const uint8_t *frame, size_t len)
{
    char err[256];
    struct ofp_packet_out po;
    memset(&po, 0, sizeof po);
    po.packet = frame;
    po.len = len;
    po.buffer_id = OFP_NO_BUFFER;
    po.in_port = in_port;
    if (ofpacts_parse(acts, &po.acts, &po.n_acts, err, sizeof err)) {
        fail_msg("%s: %s", acts, err);
    }
    struct ofpbuf b = OFPBUF_INIT;
    assert_int_equal(ofp_encode_packet_out(&b, t->conn.version, t->xid++,
                                           &po), 0);
    int ret = t_handle(t, &b);
    ofpbuf_uninit(&b);
    ofpacts_free(po.acts, po.n_acts);
    return ret;
}

static void test_packet_out(void **state)
{
    (void) state;
    struct t t;
    t_init(&t, OFP13_VERSION);
    uint8_t f[128], got[2048];
    size_t len = udp_frame(f, 2, 1, -1, 0x0a000001, 0x0a000002, 53);
    assert_int_equal(packet_out(&t, OFPP_CONTROLLER, "output:2", f, len), 0);
    assert_int_equal(h_take_one(&t.h, 2, got, sizeof got), (int) len);
    assert_memory_equal(got, f, len);
    assert_int_equal(h_drain(&t.h, 1) + h_drain(&t.h, 3), 0);

    /* in_port=1 and IN_PORT: back out of 1; FLOOD: 2 and 3. */
    assert_int_equal(packet_out(&t, 1, "IN_PORT", f, len), 0);
    assert_int_equal(h_drain(&t.h, 1), 1);
    assert_int_equal(packet_out(&t, 1, "FLOOD", f, len), 0);
    assert_int_equal(h_drain(&t.h, 1), 0);
    assert_int_equal(h_drain(&t.h, 2), 1);
    assert_int_equal(h_drain(&t.h, 3), 1);
    /* TABLE: the tables (NORMAL floods). */
    assert_int_equal(packet_out(&t, 1, "TABLE", f, len), 0);
    assert_int_equal(h_drain(&t.h, 2) + h_drain(&t.h, 3), 2);
    /* mod then output. */
    assert_int_equal(packet_out(&t, OFPP_NONE,
                                "mod_dl_dst:00:00:00:00:00:09,output:3", f,
                                len), 0);
    assert_int_equal(h_take_one(&t.h, 3, got, sizeof got), (int) len);
    assert_int_equal(got[5], 9);
    /* A reserved in_port that is not allowed. */
    assert_int_equal(packet_out(&t, OFPP_FLOOD, "output:2", f, len),
                     -OFPERR_OFPBRC_BAD_PORT);
    assert_int_equal(h_drain(&t.h, 2), 0);
    t_destroy(&t);
}

static void test_packet_in_controller_action(void **state)
{
    (void) state;
    struct t t;
    t_init(&t, OFP13_VERSION);
    assert_int_equal(t_flow(&t, OFPFC_ADD, "cookie=0xab,in_port=1,"
                            "actions=mod_dl_src:00:00:00:00:00:07,"
                            "controller:40,output:2", 0), 0);
    uint8_t f[128];
    size_t len = udp_frame(f, 2, 1, -1, 0x0a000001, 0x0a000002, 53);
    h_send(&t.h, 1, f, len);
    assert_int_equal(fake.n_pins, 1);
    struct pin_rec *p = &fake.pins[0];
    assert_int_equal(p->reason, OFPR_ACTION);
    assert_int_equal(p->cookie, 0xab);
    assert_int_equal(p->table_id, 0);
    assert_int_equal(p->len, 40);
    assert_int_equal(p->total_len, len);
    assert_int_equal(p->in_port, 1);
    assert_int_equal(p->data[11], 7);      /* as modified so far */
    assert_int_equal(h_drain(&t.h, 2), 1);
    /* Every packet of the flow comes up. */
    h_send(&t.h, 1, f, len);
    assert_int_equal(fake.n_pins, 2);
    assert_int_equal(h_drain(&t.h, 2), 1);
    assert_int_equal(h_dp_flows(&t.h), 1);
    t_destroy(&t);
}

static void test_packet_in_miss(void **state)
{
    (void) state;
    struct t t;
    t_init(&t, OFP10_VERSION);
    t.conn.ff = OFP_FF_OF10;
    assert_int_equal(t_flow(&t, OFPFC_DELETE, "", 0), 0);
    assert_int_equal(n_rules(&t), 0);
    uint8_t f[128];
    size_t len = udp_frame(f, 2, 1, -1, 0x0a000001, 0x0a000002, 53);
    /* No controller: a miss is dropped. */
    h_send(&t.h, 1, f, len);
    assert_int_equal(fake.n_pins, 0);
    /* A controller connects: misses come up, every one. */
    fake.controller = true;
    ofproto_run(t.h.ofp, dp_time_ms());
    for (int i = 0; i < 2; i++) {
        h_send(&t.h, 1, f, len);
    }
    assert_int_equal(fake.n_pins, 2);
    assert_int_equal(fake.pins[0].reason, OFPR_NO_MATCH);
    assert_int_equal(fake.pins[0].len, len);   /* connmgr cuts it */
    assert_int_equal(fake.pins[0].cookie, UINT64_MAX);
    /* NO_PACKET_IN on the port stops them. */
    struct ofp_phy_port pp;
    ofproto_port_describe(t.h.ofp, ofproto_port_by_ofport(t.h.ofp, 1), &pp);
    struct ofp_port_mod pm;
    memset(&pm, 0, sizeof pm);
    pm.port_no = 1;
    memcpy(pm.hw_addr, pp.hw_addr, 6);
    pm.config = pm.mask = OFPPC_NO_PACKET_IN;
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_port_mod(&b, OFP10_VERSION, 5, &pm);
    assert_int_equal(t_handle(&t, &b), 0);
    h_send(&t.h, 1, f, len);
    assert_int_equal(fake.n_pins, 2);
    ofpbuf_uninit(&b);
    t_destroy(&t);
}

/* The NXT_RESUME ovs-ofctl monitor would send for the last packet_in,
 * with its continuation rewritten by `edit` (NULL: as it came); returns
 * what the bridge answered. */
static int resume_last(struct t *t,
                       void (*edit)(struct ofp_continuation *, void *),
                       void *aux)
{
    struct ofp_msg msg;
    assert_int_equal(ofp_msg_decode(fake.last_pin2.data, fake.last_pin2.size,
                                    &msg), 0);
    struct ofp_packet_in pin;
    assert_int_equal(ofp_decode_packet_in(&msg, &pin), 0);
    assert_true(pin.continuation_len > 0);
    struct ofpbuf cont = OFPBUF_INIT;
    static struct ofp_continuation k;
    if (edit) {
        assert_int_equal(ofp_decode_continuation(pin.continuation,
                                                 pin.continuation_len,
                                                 msg.version, &k), 0);
        edit(&k, aux);
        if (k.n_groups || k.odp_port || k.bridge[0]) {
            assert_int_equal(ofp_encode_continuation(&cont, msg.version, &k),
                             0);
        }
        ofp_continuation_free(&k);
        pin.continuation = cont.data;
        pin.continuation_len = cont.size;
    }
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_resume(&b, msg.version, &pin);
    int err = t_handle(t, &b);
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&cont);
    return err;
}

static void other_bridge(struct ofp_continuation *k, void *aux)
{
    (void) aux;
    k->bridge[3] ^= 1;
}

static void no_bridge(struct ofp_continuation *k, void *aux)
{
    (void) aux;
    memset(k->bridge, 0, sizeof k->bridge);
}

static void bad_port(struct ofp_continuation *k, void *aux)
{
    struct ofpact *a = aux;
    a->type = OFPACT_OUTPUT;
    a->output.port = OFPP_NONE;     /* refused when decoded */
    k->groups[0].acts = a;
    k->groups[0].n_acts = 1;
}

/* controller(pause): the packet waits; an NXT_RESUME of the continuation
 * runs the rest of the rule on it (and of its caller); a continuation of
 * another bridge or a bad one changes nothing and gets an error. */
static void test_pause_resume(void **state)
{
    (void) state;
    static const uint8_t versions[] = {
        OFP10_VERSION, OFP13_VERSION, OFP15_VERSION,
    };
    for (size_t vi = 0; vi < sizeof versions; vi++) {
        uint8_t v = versions[vi];
        struct t t;
        t_init(&t, v);
        t.conn.tid = true;      /* OF1.0: flow_mods name their table */
        assert_int_equal(t_flow(&t, OFPFC_ADD, "cookie=0xab,in_port=1,"
                                "actions=resubmit(,1),output:3", 0), 0);
        assert_int_equal(t_flow(&t, OFPFC_ADD, "table=1,cookie=0xcd,"
                                "actions=controller(userdata=01.02,pause),"
                                "mod_dl_src:00:00:00:00:00:07,output:2", 0),
                         0);
        uint8_t f[128], got[2048];
        size_t len = udp_frame(f, 2, 1, -1, 0x0a000001, 0x0a000002, 53);
        h_send(&t.h, 1, f, len);
        assert_int_equal(fake.n_pins, 1);
        assert_int_equal(fake.pins[0].cookie, 0xcd);
        assert_int_equal(fake.pins[0].table_id, 1);
        assert_int_equal(h_drain(&t.h, 2) + h_drain(&t.h, 3), 0);

        /* Another bridge's continuation, or none: NXR_STALE, as OVS. */
        assert_int_equal(resume_last(&t, other_bridge, NULL),
                         -OFPERR_NXR_STALE);
        assert_int_equal(resume_last(&t, no_bridge, NULL),
                         -OFPERR_NXR_STALE);
        struct ofpact bad;
        memset(&bad, 0, sizeof bad);
        assert_int_equal(resume_last(&t, bad_port, &bad),
                         -OFPERR_OFPBAC_BAD_OUT_PORT);
        assert_int_equal(h_drain(&t.h, 2) + h_drain(&t.h, 3), 0);

        /* The real one: the rest of table 1's rule, then table 0's. */
        assert_int_equal(resume_last(&t, NULL, NULL), 0);
        assert_int_equal(h_take_one(&t.h, 2, got, sizeof got), (int) len);
        assert_int_equal(got[11], 7);
        assert_int_equal(h_take_one(&t.h, 3, got, sizeof got), (int) len);
        assert_int_equal(got[11], 7);
        assert_int_equal(h_drain(&t.h, 1), 0);
        /* Resuming twice runs it twice (a continuation is stateless). */
        assert_int_equal(resume_last(&t, NULL, NULL), 0);
        assert_int_equal(h_drain(&t.h, 2) + h_drain(&t.h, 3), 2);
        t_destroy(&t);
    }
    ofpbuf_uninit(&fake.last_pin2);
}

/* ---- ports ---- */

static void test_port_status_and_mod(void **state)
{
    (void) state;
    struct t t;
    t_init(&t, OFP13_VERSION);
    char err[VPORT_ERR_MAX];
    uint32_t no = UINT32_MAX;
    assert_int_equal(datapath_port_add(t.h.dp, "p9", "memory", NULL, 0, &no,
                                       err, sizeof err), 0);
    assert_int_equal(ofproto_port_set(t.h.ofp, 9, no, "p9", NULL), 0);
    assert_int_equal(fake.n_port_status, 1);
    assert_int_equal(fake.ps_reason, OFPPR_ADD);
    assert_int_equal(fake.ps_port, 9);
    /* The same again: nothing to say. */
    assert_int_equal(ofproto_port_set(t.h.ofp, 9, no, "p9", NULL), 0);
    assert_int_equal(fake.n_port_status, 1);
    ofproto_port_del(t.h.ofp, 9);
    assert_int_equal(fake.n_port_status, 2);
    assert_int_equal(fake.ps_reason, OFPPR_DELETE);

    /* port_mod: bad port, bad address, NO_FWD. */
    struct ofp_phy_port pp;
    ofproto_port_describe(t.h.ofp, ofproto_port_by_ofport(t.h.ofp, 2), &pp);
    struct ofp_port_mod pm;
    memset(&pm, 0, sizeof pm);
    pm.port_no = 7;
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_port_mod(&b, OFP13_VERSION, 1, &pm);
    assert_int_equal(t_handle(&t, &b), -OFPERR_OFPPMFC_BAD_PORT);
    pm.port_no = 2;
    memcpy(pm.hw_addr, pp.hw_addr, 6);
    pm.hw_addr[5] ^= 1;
    ofp_encode_port_mod(&b, OFP13_VERSION, 1, &pm);
    assert_int_equal(t_handle(&t, &b), -OFPERR_OFPPMFC_BAD_HW_ADDR);
    pm.hw_addr[5] ^= 1;
    pm.config = pm.mask = OFPPC_NO_FWD;
    ofp_encode_port_mod(&b, OFP13_VERSION, 1, &pm);
    assert_int_equal(t_handle(&t, &b), 0);
    assert_int_equal(fake.ps_reason, OFPPR_MODIFY);
    assert_int_equal(fake.ps_config, OFPPC_NO_FWD);
    uint8_t f[128];
    size_t len = udp_frame(f, 2, 1, -1, 0x0a000001, 0x0a000002, 53);
    assert_int_equal(packet_out(&t, OFPP_CONTROLLER, "output:2,output:3", f,
                                len), 0);
    assert_int_equal(h_drain(&t.h, 2), 0);
    assert_int_equal(h_drain(&t.h, 3), 1);
    /* PORT_DOWN: neither sent nor received. */
    pm.config = pm.mask = OFPPC_PORT_DOWN;
    ofp_encode_port_mod(&b, OFP13_VERSION, 1, &pm);
    assert_int_equal(t_handle(&t, &b), 0);
    assert_true(fake.ps_state & OFPPS_LINK_DOWN);
    h_send(&t.h, 2, f, len);
    assert_int_equal(h_drain(&t.h, 1) + h_drain(&t.h, 3), 0);
    ofpbuf_uninit(&b);
    t_destroy(&t);
}

/* ---- replies ---- */

static struct ofp_msg request(struct t *t, enum ofptype type)
{
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_simple(&b, t->conn.version, type, OFPF_STD, t->xid++);
    t_clear_out(t);
    assert_int_equal(t_handle(t, &b), 0);
    ofpbuf_uninit(&b);
    size_t ofs = 0;
    struct ofp_msg m;
    assert_true(next_msg(t, &ofs, &m));
    return m;
}

static void test_replies(void **state)
{
    (void) state;
    struct t t;
    t_init(&t, OFP10_VERSION);
    t.conn.ff = OFP_FF_OF10;

    struct ofp_msg m = request(&t, OFPTYPE_FEATURES_REQUEST);
    assert_int_equal(m.type, OFPTYPE_FEATURES_REPLY);
    struct ofp_features f;
    assert_int_equal(ofp_decode_features_reply(&m, &f), 0);
    assert_int_equal(f.n_tables, 254);
    assert_int_equal(f.n_ports, 3);
    assert_int_equal(f.datapath_id, ofproto_datapath_id(t.h.ofp));
    ofp_features_free(&f);

    m = request(&t, OFPTYPE_GET_CONFIG_REQUEST);
    struct ofp_switch_config c;
    assert_int_equal(ofp_decode_switch_config(&m, &c), 0);
    assert_int_equal(c.miss_send_len, 128);

    m = request(&t, OFPTYPE_DESC_STATS_REQUEST);
    struct ofp_desc d;
    assert_int_equal(ofp_decode_desc_reply(&m, &d), 0);
    assert_string_equal(d.mfr_desc, "vswitch");
    assert_string_equal(d.serial_num, "None");

    m = request(&t, OFPTYPE_TABLE_STATS_REQUEST);
    struct ofp_table_stats *ts;
    size_t n;
    assert_int_equal(ofp_decode_table_stats_reply(&m, &ts, &n), 0);
    assert_int_equal(n, 254);
    assert_int_equal(ts[0].active_count, 1);
    free(ts);

    m = request(&t, OFPTYPE_PORT_DESC_STATS_REQUEST);
    struct ofp_phy_port *pp;
    assert_int_equal(ofp_decode_port_desc_reply(&m, &pp, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(pp[1].name, "p2");
    free(pp);

    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_port_stats_request(&b, OFP10_VERSION, 3, OFPP_NONE);
    t_clear_out(&t);
    assert_int_equal(t_handle(&t, &b), 0);
    size_t ofs = 0;
    assert_true(next_msg(&t, &ofs, &m));
    struct ofp_port_stats *ps;
    assert_int_equal(ofp_decode_port_stats_reply(&m, &ps, &n), 0);
    assert_int_equal(n, 3);
    free(ps);

    assert_int_equal(t_flow(&t, OFPFC_ADD, "priority=9,arp,actions=output:1",
                            0), 0);
    struct ofp_flow_stats_request fr;
    memset(&fr, 0, sizeof fr);
    fr.table_id = OFPTT_ALL;
    fr.out_port = OFPP_NONE;
    fr.out_group = OFPG_ANY;
    ofp_encode_flow_stats_request(&b, OFP10_VERSION, OFP_FF_OF10, 4, &fr);
    t_clear_out(&t);
    assert_int_equal(t_handle(&t, &b), 0);
    ofs = 0;
    assert_true(next_msg(&t, &ofs, &m));
    struct ofp_flow_stats *fs;
    assert_int_equal(ofp_decode_flow_stats_reply(&m, &fs, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(fs[0].priority, 9);
    ofp_flow_stats_free(fs, n);

    fr.aggregate = true;
    ofp_encode_flow_stats_request(&b, OFP10_VERSION, OFP_FF_OF10, 5, &fr);
    t_clear_out(&t);
    assert_int_equal(t_handle(&t, &b), 0);
    ofs = 0;
    assert_true(next_msg(&t, &ofs, &m));
    struct ofp_aggregate_stats a;
    assert_int_equal(ofp_decode_aggregate_reply(&m, &a), 0);
    assert_int_equal(a.flow_count, 2);
    ofpbuf_uninit(&b);
    t_destroy(&t);

    /* OF1.3: empty group and queue replies, table features. */
    t_init(&t, OFP13_VERSION);
    m = request(&t, OFPTYPE_GROUP_DESC_STATS_REQUEST);
    assert_int_equal(m.type, OFPTYPE_GROUP_DESC_STATS_REPLY);
    assert_int_equal(m.body_len, 0);
    m = request(&t, OFPTYPE_TABLE_FEATURES_STATS_REQUEST);
    assert_int_equal(m.type, OFPTYPE_TABLE_FEATURES_STATS_REPLY);
    t_destroy(&t);
}

/* ---- meters ---- */

static int meter_mod(struct t *t, int command, const char *text)
{
    struct ofp_meter_mod mm;
    char err[128];
    if (ofp_parse_meter_mod(text, command, &mm, err, sizeof err)) {
        fail_msg("%s: %s", text, err);
    }
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_meter_mod(&b, t->conn.version, t->xid++, &mm);
    ofp_meter_mod_free(&mm);
    int ret = t_handle(t, &b);
    ofpbuf_uninit(&b);
    return ret;
}

/* A meter_mod of `flags` with one drop band of `rate`. */
static int raw_meter_mod(struct t *t, uint16_t command, uint32_t id,
                         uint16_t flags, uint32_t rate, uint16_t n_bands)
{
    struct ofp_meter_band bands[16];
    for (uint16_t i = 0; i < n_bands; i++) {
        bands[i] = (struct ofp_meter_band) { OFPMBT_DROP, 0, rate, 0 };
    }
    struct ofp_meter_mod mm = { command, { id, flags, n_bands, bands } };
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_meter_mod(&b, t->conn.version, t->xid++, &mm);
    int ret = t_handle(t, &b);
    ofpbuf_uninit(&b);
    return ret;
}

/* OVS's checks of meter_mods and of flows that name meters; a meter over
 * its rate drops packets of the flow; deleting it deletes the flow. */
static void test_meters(void **state)
{
    (void) state;
    struct t t;
    t_init(&t, OFP13_VERSION);
    assert_int_equal(meter_mod(&t, OFPMC_ADD, "meter=1,pktps,burst,"
                               "band=type=drop,rate=1,burst_size=2"), 0);
    assert_int_equal(meter_mod(&t, OFPMC_ADD, "meter=1,kbps,"
                               "band=type=drop,rate=1"),
                     -OFPERR_OFPMMFC_METER_EXISTS);
    assert_int_equal(meter_mod(&t, OFPMC_MODIFY, "meter=9,kbps,"
                               "band=type=drop,rate=1"),
                     -OFPERR_OFPMMFC_UNKNOWN_METER);
    assert_int_equal(raw_meter_mod(&t, OFPMC_ADD, 0, OFPMF_KBPS, 1, 1),
                     -OFPERR_OFPMMFC_INVALID_METER);
    assert_int_equal(raw_meter_mod(&t, OFPMC_ADD, OFPM_ALL, OFPMF_KBPS, 1, 1),
                     -OFPERR_OFPMMFC_INVALID_METER);
    assert_int_equal(raw_meter_mod(&t, OFPMC_ADD, 2, 0, 1, 1),
                     -OFPERR_OFPMMFC_BAD_FLAGS);
    assert_int_equal(raw_meter_mod(&t, OFPMC_ADD, 2, OFPMF_KBPS, 0, 1),
                     -OFPERR_OFPMMFC_BAD_RATE);
    assert_int_equal(raw_meter_mod(&t, OFPMC_ADD, 2, OFPMF_KBPS, 1, 9),
                     -OFPERR_OFPMMFC_OUT_OF_BANDS);
    assert_int_equal(raw_meter_mod(&t, OFPMC_ADD, 2, OFPMF_KBPS, 1, 0),
                     -OFPERR_OFPMMFC_OUT_OF_BANDS);

    /* A flow naming a missing meter, alone or in a bundle. */
    assert_int_equal(t_flow(&t, OFPFC_ADD, "in_port=1,actions=meter:5,"
                            "output:2", 0), -OFPERR_OFPMMFC_INVALID_METER);
    bundle_add_flow(&t, 1, "in_port=1,actions=meter:5,output:2", 0, 0);
    bundle_ctrl(&t, OFPBCT_COMMIT_REQUEST, 1, -OFPERR_OFPBFC_MSG_FAILED);
    assert_int_equal(n_rules(&t), 1);           /* the NORMAL flow */
    assert_int_equal(t_flow(&t, OFPFC_ADD, "in_port=1,actions=meter:1,"
                            "output:2", OFPFF_SEND_FLOW_REM), 0);

    /* 5 frames: the first two fit the burst, three are dropped (the
     * first one through the upcall, the rest through the megaflow). */
    uint8_t f[128];
    size_t len = udp_frame(f, 2, 1, -1, 0x0a000001, 0x0a000002, 53);
    for (int i = 0; i < 5; i++) {
        h_send(&t.h, 1, f, len);
    }
    assert_int_equal(h_drain(&t.h, 2), 2);
    struct dp_drop_stats ds;
    datapath_get_drops(t.h.dp, &ds);
    assert_int_equal(ds.n[DP_DROP_METER], 3);

    /* Stats: the meter saw 5, its band dropped 3; one flow uses it. */
    t_clear_out(&t);
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_meter_request(&b, OFP13_VERSION, OFPTYPE_METER_STATS_REQUEST,
                             t.xid++, OFPM_ALL);
    assert_int_equal(t_handle(&t, &b), 0);
    size_t ofs = 0;
    struct ofp_msg msg;
    assert_true(next_msg(&t, &ofs, &msg));
    struct ofp_meter_stats *ms;
    size_t n;
    assert_int_equal(ofp_decode_meter_stats_reply(&msg, &ms, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(ms[0].meter_id, 1);
    assert_int_equal(ms[0].flow_count, 1);
    assert_int_equal(ms[0].packet_in_count, 5);
    assert_int_equal(ms[0].bands[0].packet_count, 3);
    ofp_meter_stats_free(ms, n);
    /* A meter that is not there. */
    ofp_encode_meter_request(&b, OFP13_VERSION,
                             OFPTYPE_METER_CONFIG_STATS_REQUEST, t.xid++, 3);
    assert_int_equal(t_handle(&t, &b), -OFPERR_OFPMMFC_UNKNOWN_METER);
    /* Features: the datapath's limits. */
    t_clear_out(&t);
    ofp_encode_meter_request(&b, OFP13_VERSION,
                             OFPTYPE_METER_FEATURES_STATS_REQUEST, t.xid++, 0);
    assert_int_equal(t_handle(&t, &b), 0);
    ofs = 0;
    assert_true(next_msg(&t, &ofs, &msg));
    struct ofp_meter_features mf;
    assert_int_equal(ofp_decode_meter_features_reply(&msg, &mf), 0);
    assert_int_equal(mf.max_meters, DP_METER_MAX);
    assert_int_equal(mf.max_bands, DP_METER_MAX_BANDS);
    assert_int_equal(mf.band_types, 6);
    assert_int_equal(mf.capabilities, 0xf);
    ofpbuf_uninit(&b);

    /* Deleting the meter deletes its flow (flow_removed, meter_delete). */
    assert_int_equal(meter_mod(&t, OFPMC_DELETE, "meter=1"), 0);
    assert_int_equal(n_rules(&t), 1);
    assert_int_equal(fake.n_removed, 1);
    assert_int_equal(fake.removed_reason, OFPRR_METER_DELETE);
    /* Deleting every meter, and a meter that is not there: fine. */
    assert_int_equal(meter_mod(&t, OFPMC_ADD, "meter=2,kbps,"
                               "band=type=drop,rate=10"), 0);
    assert_int_equal(meter_mod(&t, OFPMC_ADD, "meter=3,kbps,"
                               "band=type=dscp_remark,rate=10,prec_level=1"),
                     0);
    assert_int_equal(meter_mod(&t, OFPMC_DELETE, "meter=7"), 0);
    assert_int_equal(raw_meter_mod(&t, OFPMC_DELETE, OFPM_ALL, 0, 0, 0), 0);
    assert_int_equal(meter_mod(&t, OFPMC_ADD, "meter=2,kbps,"
                               "band=type=drop,rate=10"), 0);
    t_destroy(&t);
}

/* ---- groups ---- */

static struct ofp_group_mod parse_gm(const char *s, int command)
{
    struct ofp_group_mod gm;
    uint32_t usable;
    char err[256];
    if (ofp_parse_group_mod(s, command, &gm, &usable, err, sizeof err)) {
        fail_msg("%s: %s", s, err);
    }
    return gm;
}

static int t_group(struct t *t, const char *s, int command)
{
    struct ofp_group_mod gm = parse_gm(s, command);
    struct ofpbuf b = OFPBUF_INIT;
    assert_int_equal(ofp_encode_group_mod(&b, t->conn.version, t->xid++,
                                          &gm), 0);
    int ret = t_handle(t, &b);
    ofpbuf_uninit(&b);
    ofp_group_mod_free(&gm);
    return ret;
}

static void test_group_mods(void **state)
{
    (void) state;
    struct t t;
    t_init(&t, OFP15_VERSION);
    struct group_table *g = t.h.ofp->groups;
    assert_int_equal(t_group(&t, "group_id=1,type=all,bucket=output:2",
                             OFPGC_ADD), 0);
    assert_int_equal(t_group(&t, "group_id=1,type=all,bucket=output:2",
                             OFPGC_ADD), -OFPERR_OFPGMFC_GROUP_EXISTS);
    assert_int_equal(t_group(&t, "group_id=2,type=all,bucket=output:2",
                             OFPGC_MODIFY), -OFPERR_OFPGMFC_UNKNOWN_GROUP);
    assert_int_equal(t_group(&t, "group_id=2,type=select,bucket=output:2",
                             OFPGC_ADD_OR_MOD), 0);
    assert_int_equal(group_table_count(g), 2);
    /* A flow naming a missing group is refused; one naming 1 is not. */
    assert_int_equal(t_flow(&t, OFPFC_ADD, "in_port=1,actions=group:9", 0),
                     -OFPERR_OFPBAC_BAD_OUT_GROUP);
    assert_int_equal(t_flow(&t, OFPFC_ADD, "in_port=1,actions=group:1", 0),
                     0);
    assert_int_equal(t_flow(&t, OFPFC_ADD, "in_port=2,actions=group:2", 0),
                     0);
    size_t rules = n_rules(&t);
    /* Buckets: insert before the first, then remove it again. */
    assert_int_equal(t_group(&t, "group_id=2,command_bucket_id=first,"
                             "bucket=bucket_id:5,output:3",
                             OFPGC_INSERT_BUCKET), 0);
    const struct ofgroup *g2 = group_table_find(g, 2);
    assert_int_equal(g2->n_buckets, 2);
    assert_int_equal(g2->buckets[0].bucket_id, 5);
    assert_int_equal(t_group(&t, "group_id=2,command_bucket_id=7",
                             OFPGC_REMOVE_BUCKET),
                     -OFPERR_OFPGMFC_UNKNOWN_BUCKET);
    assert_int_equal(t_group(&t, "group_id=2,command_bucket_id=5",
                             OFPGC_REMOVE_BUCKET), 0);
    assert_int_equal(group_table_find(g, 2)->n_buckets, 1);
    /* Deleting a group deletes its flows, with OFPRR_GROUP_DELETE. */
    t_clear_out(&t);
    assert_int_equal(t_group(&t, "group_id=1", OFPGC_DELETE), 0);
    assert_null(group_table_find(g, 1));
    assert_int_equal(n_rules(&t), rules - 1);
    /* Delete all. */
    assert_int_equal(t_group(&t, "", OFPGC_DELETE), 0);
    assert_int_equal(group_table_count(g), 0);
    assert_int_equal(n_rules(&t), rules - 2);
    t_destroy(&t);
}

static void test_group_mods_in_bundle(void **state)
{
    (void) state;
    struct t t;
    t_init(&t, OFP14_VERSION);
    struct group_table *g = t.h.ofp->groups;
    const char *adds[] = { "group_id=1,type=all,bucket=output:2",
                           "group_id=2,type=all,bucket=output:3",
                           "group_id=1,type=all,bucket=output:3" };
    /* The third fails: none of them stays. */
    for (int ok = 0; ok < 2; ok++) {
        bundle_ctrl(&t, OFPBCT_OPEN_REQUEST, 1, 0);
        for (int i = 0; i < (ok ? 2 : 3); i++) {
            struct ofp_group_mod gm = parse_gm(adds[i], OFPGC_ADD);
            struct ofpbuf inner = OFPBUF_INIT, b = OFPBUF_INIT;
            uint32_t xid = t.xid++;
            assert_int_equal(ofp_encode_group_mod(&inner, t.conn.version,
                                                  xid, &gm), 0);
            ofp_encode_bundle_add(&b, t.conn.version, xid, 1, OFPBF_ATOMIC,
                                  inner.data, inner.size);
            assert_int_equal(t_handle(&t, &b), 0);
            ofpbuf_uninit(&inner);
            ofpbuf_uninit(&b);
            ofp_group_mod_free(&gm);
        }
        bundle_ctrl(&t, OFPBCT_COMMIT_REQUEST, 1,
                    ok ? 0 : -OFPERR_OFPBFC_MSG_FAILED);
        assert_int_equal(group_table_count(g), ok ? 2 : 0);
    }
    t_destroy(&t);
}

static void test_group_replies(void **state)
{
    (void) state;
    struct t t;
    t_init(&t, OFP13_VERSION);
    assert_int_equal(t_group(&t, "group_id=3,type=ff,bucket=watch_port:2,"
                             "output:2", OFPGC_ADD), 0);
    assert_int_equal(t_flow(&t, OFPFC_ADD, "in_port=1,actions=group:3", 0),
                     0);
    static const enum ofptype types[] = {
        OFPTYPE_GROUP_DESC_STATS_REQUEST, OFPTYPE_GROUP_STATS_REQUEST,
        OFPTYPE_GROUP_FEATURES_STATS_REQUEST,
    };
    for (size_t i = 0; i < 3; i++) {
        t_clear_out(&t);
        struct ofpbuf b = OFPBUF_INIT;
        if (types[i] == OFPTYPE_GROUP_DESC_STATS_REQUEST) {
            ofp_encode_group_desc_request(&b, t.conn.version, 7, OFPG_ALL);
        } else if (types[i] == OFPTYPE_GROUP_STATS_REQUEST) {
            ofp_encode_group_stats_request(&b, t.conn.version, 7, OFPG_ALL);
        } else {
            ofp_encode_simple(&b, t.conn.version, types[i], OFPF_STD, 7);
        }
        assert_int_equal(t_handle(&t, &b), 0);
        ofpbuf_uninit(&b);
        struct dstr d = DSTR_INIT;
        ofp_print_msg(&d, t.conn.out.data, t.conn.out.size, 1);
        const char *want = i == 0
            ? "OFPST_GROUP_DESC reply (OF1.3) (xid=0x7):\n"
              " group_id=3,type=ff,bucket=watch_port:2,actions=output:2\n"
            : i == 1 ? "ref_count=1,packet_count=0,byte_count=0,"
                       "bucket0:packet_count=0,byte_count=0\n"
            : "    Types:  0xf\n    Capabilities:  0x7\n";
        if (!strstr(dstr_str(&d), want)) {
            fail_msg("%s", dstr_str(&d));
        }
        dstr_free(&d);
    }
    t_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_mod_add_modify_delete),
        cmocka_unit_test(test_flow_mod_of10_modify_adds),
        cmocka_unit_test(test_flow_mod_errors_change_nothing),
        cmocka_unit_test(test_flow_expiry_sends_removed),
        cmocka_unit_test(test_bundle_atomic),
        cmocka_unit_test(test_bundle_100k),
        cmocka_unit_test(test_packet_out),
        cmocka_unit_test(test_packet_in_controller_action),
        cmocka_unit_test(test_packet_in_miss),
        cmocka_unit_test(test_pause_resume),
        cmocka_unit_test(test_port_status_and_mod),
        cmocka_unit_test(test_replies),
        cmocka_unit_test(test_meters),
        cmocka_unit_test(test_group_mods),              /* groups */
        cmocka_unit_test(test_group_mods_in_bundle),
        cmocka_unit_test(test_group_replies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
