/* vs-ofctl's flow commands: add-flow, add-flows, mod-flows, del-flows
 * (one flow_mod and a barrier each, or one bundle with --bundle),
 * dump-flows and dump-aggregate.  replace-flows and diff-flows are in
 * ofctl_diff.c.  On OpenFlow 1.0 the flow format is chosen as ovs-ofctl
 * chooses it: NXT_SET_FLOW_FORMAT nxm when the match needs NXM (always
 * for dumps), NXT_FLOW_MOD_TABLE_ID when a table is named. */
#include "cli/ofctl/ofctl_flows.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/dstr.h"
#include "ofp/match_wire.h"
#include "ofp/ofp_port.h"
#include "ofp/ofp_print.h"

/* ---- flow format (OpenFlow 1.0) ---- */

static bool send_nx_u32(struct vconn *v, enum ofptype type, uint32_t value)
{
    struct ofpbuf b = OFPBUF_INIT, error = OFPBUF_INIT;
    ofp_encode_nx_u32(&b, vconn_version(v), type, vconn_next_xid(), value);
    int rc = vconn_transact_noreply(v, &b, &error);
    if (rc) {
        ofctl_fatal("talking to %s (%s)", vconn_name(v), vconn_strerror(rc));
    }
    bool ok = !error.size;
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&error);
    return ok;
}

void ofctl_set_flow_format(struct vconn *v, bool nxm, bool tid,
                           struct ofctl_proto *p)
{
    p->ff = OFP_FF_OF10;
    p->tid = false;
    if (vconn_version(v) != OFP10_VERSION) {
        p->tid = true;
        return;
    }
    if (nxm) {
        if (!send_nx_u32(v, OFPTYPE_NXT_SET_FLOW_FORMAT, OFP_FF_NXM)) {
            ofctl_fatal("switch does not support any of the usable flow "
                        "formats (NXM%s)", tid ? "+table_id" : "");
        }
        p->ff = OFP_FF_NXM;
    }
    if (tid) {
        if (!send_nx_u32(v, OFPTYPE_NXT_FLOW_MOD_TABLE_ID, 1)) {
            ofctl_fatal("switch does not support any of the usable flow "
                        "formats (%s+table_id)", nxm ? "NXM" : "OpenFlow10");
        }
        p->tid = true;
    }
}

/* The flow format a dump uses: NXM, or OF1.0's match when the switch
 * refuses NXM and the match fits. */
void ofctl_set_dump_format(struct vconn *v, const struct ofp_match *m,
                           bool need_nxm, struct ofctl_proto *p)
{
    p->ff = OFP_FF_OF10;
    p->tid = true;
    if (vconn_version(v) != OFP10_VERSION) {
        return;
    }
    if (send_nx_u32(v, OFPTYPE_NXT_SET_FLOW_FORMAT, OFP_FF_NXM)) {
        p->ff = OFP_FF_NXM;
    } else if (need_nxm || !ofp10_match_fits(m)) {
        ofctl_fatal("switch does not support any of the usable flow "
                    "formats (NXM)");
    }
}

/* ---- flow mods ---- */

static bool table_given(const struct ofp_flow_mod *fm)
{
    return fm->command == OFPFC_ADD ? fm->table_id != 0
                                    : fm->table_id != OFP_TABLE_ALL;
}

static void encode_fm(struct ofpbuf *b, struct vconn *v,
                      const struct ofctl_proto *p, uint32_t xid,
                      const struct ofp_flow_mod *fm)
{
    for (size_t i = 0; vconn_version(v) == OFP10_VERSION && i < fm->n_acts;
         i++) {
        if (fm->acts[i].type == OFPACT_PUSH_VLAN) {
            /* push_vlan is 1.1+: ovs-ofctl's words (without -O). */
            ofctl_fatal("none of the usable flow formats (OXM,OpenFlow11) "
                        "is among the allowed flow formats (OpenFlow10,NXM)");
        }
    }
    int err = ofp_encode_flow_mod(b, vconn_version(v), p->ff, p->tid, xid,
                                  fm);
    /* meters: OpenFlow 1.3+ only, which ovs-ofctl says this way. */
    for (size_t i = 0; err && i < fm->n_acts; i++) {
        if (fm->acts[i].type == OFPACT_METER
            && vconn_version(v) == OFP10_VERSION) {
            ofctl_fatal("none of the usable flow formats (OXM-OpenFlow13,"
                        "OXM-OpenFlow14,OXM-OpenFlow15) is among the allowed "
                        "flow formats (OpenFlow10,NXM)");
        }
    }
    if (err) {
        ofctl_fatal("%s: cannot encode flow_mod (%s)", vconn_name(v),
                    ofperr_name((enum ofperr) -err));
    }
}

/* Prints the bundle errors as ovs-ofctl: "Error NAME for: " and the
 * request it names. */
static void print_bundle_error(const struct ofp_msg *msg,
                               const struct ofpbuf *requests)
{
    struct ofp_error_msg e;
    if (ofp_decode_error(msg, &e)) {
        fputs("***decode error***", stderr);
        return;
    }
    const uint8_t *req = e.data;
    size_t len = e.len;
    for (size_t ofs = 0; ofs + OFP_HEADER_LEN <= requests->size;) {
        const uint8_t *p = requests->data + ofs;
        size_t n = ofp_get_be16(p + 2);
        if (ofp_get_be32(p + 4) == msg->xid) {
            req = p;
            len = n;
            break;
        }
        ofs += n;
    }
    fprintf(stderr, "Error %s for: ", ofperr_name(e.error));
    ofctl_print(stderr, req, len, 1);
}

/* Waits for the reply to bundle control `xid`, printing errors that come
 * first; false when the control itself failed. */
static bool bundle_wait(struct vconn *v, uint32_t xid,
                        const struct ofpbuf *sent, bool *failed)
{
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_msg msg;
    bool ok = false;
    for (;;) {
        int rc = vconn_recv(v, &b, &msg, true, -1);
        if (rc) {
            ofctl_fatal("talking to %s (%s)", vconn_name(v),
                        vconn_strerror(rc));
        }
        if (msg.type == OFPTYPE_ERROR) {
            print_bundle_error(&msg, sent);
            *failed = true;
            if (msg.xid == xid) {
                break;
            }
        } else if (msg.xid == xid && msg.type == OFPTYPE_BUNDLE_CONTROL) {
            ok = true;
            break;
        }
    }
    ofpbuf_uninit(&b);
    return ok;
}

static void bundle_ctrl(struct ofpbuf *out, struct vconn *v, uint32_t xid,
                        uint16_t type)
{
    struct ofp_bundle_ctrl bc = {
        .bundle_id = 0, .type = type, .flags = OFPBF_ATOMIC | OFPBF_ORDERED,
    };
    ofp_encode_bundle_ctrl(out, vconn_version(v), xid, NULL, &bc);
}

/* Open, one add per flow_mod, commit (atomic, ordered).  The flow_mods
 * take their xids first, as ovs-ofctl encodes them before the open. */
static void bundle_transact(struct vconn *v, const struct ofp_flow_mod *fms,
                            size_t n, const struct ofctl_proto *p)
{
    struct ofpbuf sent = OFPBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        encode_fm(&sent, v, p, vconn_next_xid(), &fms[i]);
    }
    ofctl_bundle_messages(v, &sent);
}

void ofctl_bundle_messages(struct vconn *v, struct ofpbuf *sent_)
{
    struct ofpbuf sent = *sent_, b = OFPBUF_INIT;
    *sent_ = (struct ofpbuf) OFPBUF_INIT;
    size_t n_inner = sent.size;
    bool failed = false;
    uint32_t xid = vconn_next_xid();
    bundle_ctrl(&b, v, xid, OFPBCT_OPEN_REQUEST);
    if (vconn_send(v, &b) || !bundle_wait(v, xid, &sent, &failed)) {
        ofctl_fatal("talking to %s (Protocol error)", vconn_name(v));
    }
    for (size_t ofs = 0; ofs < n_inner;) {
        const uint8_t *m = sent.data + ofs;
        size_t len = ofp_get_be16(m + 2);
        ofpbuf_clear(&b);
        ofp_encode_bundle_add(&b, vconn_version(v), ofp_get_be32(m + 4), 0,
                              OFPBF_ATOMIC | OFPBF_ORDERED, m, len);
        if (vconn_send(v, &b)) {
            ofctl_fatal("talking to %s (Broken pipe)", vconn_name(v));
        }
        ofs += len;
    }
    /* ovs-ofctl's vconn_bundle_transact sends a barrier between the adds
     * and the commit: its xid is spent (vs-ofctl sends none). */
    vconn_skip_xids(1);
    xid = vconn_next_xid();
    ofpbuf_clear(&b);
    bundle_ctrl(&b, v, xid, OFPBCT_COMMIT_REQUEST);
    ofpbuf_put(&sent, b.data, b.size);
    if (vconn_send(v, &b) || !bundle_wait(v, xid, &sent, &failed)
        || failed) {
        fflush(stderr);
        ofctl_fatal("talking to %s (Protocol error)", vconn_name(v));
    }
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&sent);
}

void ofctl_send_flow_mods(const char *sw, const struct ofp_flow_mod *fms,
                          size_t n)
{
    bool nxm = false, tid = false;
    for (size_t i = 0; i < n; i++) {
        nxm |= !ofp10_match_fits(&fms[i].match) || fms[i].cookie_mask;
        tid |= table_given(&fms[i]);
    }
    ofctl_skip_name_lookup_xids();
    struct vconn *v = ofctl_open(sw, "mgmt");
    struct ofctl_proto p;
    ofctl_set_flow_format(v, nxm, tid, &p);
    if (ofctl_opts.bundle) {
        bundle_transact(v, fms, n, &p);
    } else {
        for (size_t i = 0; i < n; i++) {
            struct ofpbuf b = OFPBUF_INIT;
            encode_fm(&b, v, &p, vconn_next_xid(), &fms[i]);
            ofctl_transact_noreply(v, &b);
        }
    }
    vconn_close(v);
}

static void flow_mod_one(int argc, char *argv[],
                         enum ofp_flow_mod_command command)
{
    enum ofp_parse_mode mode = command == OFPFC_ADD ? OFP_PARSE_ADD
                               : command == OFPFC_MODIFY
                                 || command == OFPFC_MODIFY_STRICT
                               ? OFP_PARSE_MODIFY : OFP_PARSE_MATCH;
    struct ofp_flow_spec spec;
    char err[256];
    ofctl_port_names(argv[1], false);
    if (ofp_parse_flow(argc > 2 ? argv[2] : "", mode, &spec, err,
                       sizeof err)) {
        ofctl_fatal("%s", err);
    }
    struct ofp_flow_mod fm;
    ofp_flow_mod_from_spec(&spec, command, &fm);
    ofp_flow_spec_free(&spec);
    ofctl_send_flow_mods(argv[1], &fm, 1);
    ofp_flow_mod_free(&fm);
}

static void cmd_add_flows(int argc, char *argv[]);

static void cmd_add_flow(int argc, char *argv[])
{
    if (argc > 2 && !strcmp(argv[2], "-")) {
        cmd_add_flows(argc, argv);
        return;
    }
    flow_mod_one(argc, argv, OFPFC_ADD);
}

static void cmd_mod_flows(int argc, char *argv[])
{
    flow_mod_one(argc, argv, ofctl_opts.strict ? OFPFC_MODIFY_STRICT
                                               : OFPFC_MODIFY);
}

static void cmd_del_flows(int argc, char *argv[])
{
    flow_mod_one(argc, argv, ofctl_opts.strict ? OFPFC_DELETE_STRICT
                                               : OFPFC_DELETE);
}

static void cmd_add_flows(int argc, char *argv[])
{
    (void) argc;
    struct ofp_flow_mod *fms;
    size_t n;
    ofctl_port_names(argv[1], false);
    ofctl_read_flow_file(argv[2], true, &fms, &n);
    ofctl_send_flow_mods(argv[1], fms, n);
    for (size_t i = 0; i < n; i++) {
        ofp_flow_mod_free(&fms[i]);
    }
    free(fms);
}

/* ---- dumps ---- */

static void parse_dump_request(int argc, char *argv[], bool aggregate,
                               struct ofp_flow_stats_request *r)
{
    struct ofp_flow_spec spec;
    char err[256];
    const char *s = argc > 2 ? argv[2] : "";
    ofctl_port_names(argv[1], ofctl_show_names());
    if (ofp_parse_flow(s, OFP_PARSE_MATCH, &spec, err, sizeof err)) {
        ofctl_fatal("%s", err);
    }
    if (*s) {
        ofctl_skip_name_lookup_xids();
    }
    memset(r, 0, sizeof *r);
    r->aggregate = aggregate;
    r->match = spec.match;
    r->table_id = spec.table_id;
    r->out_port = spec.out_port;
    r->out_group = OFPG_ANY;
    if (spec.cookie_set) {
        r->cookie = spec.cookie;
        r->cookie_mask = spec.cookie_mask;
    }
    ofp_flow_spec_free(&spec);
}

static struct vconn *open_for_dump(const char *sw,
                                   struct ofp_flow_stats_request *r,
                                   struct ofctl_proto *p)
{
    struct vconn *v = ofctl_open(sw, "mgmt");
    ofctl_set_dump_format(v, &r->match, r->cookie_mask != 0, p);
    return v;
}

static void dump_flows_raw(int argc, char *argv[], bool aggregate)
{
    struct ofp_flow_stats_request r;
    struct ofctl_proto p;
    parse_dump_request(argc, argv, aggregate, &r);
    struct vconn *v = open_for_dump(argv[1], &r, &p);
    struct ofpbuf b = OFPBUF_INIT;
    int err = ofp_encode_flow_stats_request(&b, vconn_version(v), p.ff,
                                            vconn_next_xid(), &r);
    if (err) {
        ofctl_fatal("%s: cannot encode request (%s)", argv[1],
                    ofperr_name((enum ofperr) -err));
    }
    ofctl_dump_transaction(v, &b);
    vconn_close(v);
}

struct flow_list {
    struct ofp_flow_stats *fs;
    size_t n;
};

static int collect_flows(const struct ofp_msg *reply, void *aux)
{
    struct flow_list *fl = aux;
    if (reply->type == OFPTYPE_ERROR) {
        ofctl_print(stderr, reply->data, reply->len, 2);
        exit(1);
    }
    struct ofp_flow_stats *fs;
    size_t n;
    int err = ofp_decode_flow_stats_reply(reply, &fs, &n);
    if (err) {
        ofctl_fatal("dump flows (%s)", ofperr_name((enum ofperr) -err));
    }
    for (size_t i = 0; i < n && reply->version == OFP10_VERSION; i++) {
        /* As vconn_dump_flows: no NXST_FLOW ages (OF1.5's stay). */
        fs[i].idle_age = fs[i].hard_age = -1;
    }
    fl->fs = xrealloc(fl->fs, (fl->n + n + 1) * sizeof *fs);
    memcpy(fl->fs + fl->n, fs, n * sizeof *fs);
    fl->n += n;
    free(fs);
    return 0;
}

void ofctl_fetch_flows(struct vconn *v, const struct ofctl_proto *p,
                       const struct ofp_flow_stats_request *r,
                       struct ofp_flow_stats **fs, size_t *n)
{
    struct flow_list fl = { NULL, 0 };
    struct ofpbuf b = OFPBUF_INIT;
    int err = ofp_encode_flow_stats_request(&b, vconn_version(v), p->ff,
                                            vconn_next_xid(), r);
    if (!err) {
        err = vconn_dump(v, &b, collect_flows, &fl);
    }
    ofpbuf_uninit(&b);
    if (err) {
        ofctl_fatal("dump flows (%s)", err > -OFPERR_N
                    ? ofperr_name((enum ofperr) -err) : vconn_strerror(err));
    }
    *fs = fl.fs;
    *n = fl.n;
}

static bool field_present(const struct mf_field *f, const struct ofp_match *m)
{
    return mf_prereq_matched(f->prereq, &m->value, &m->mask)
           && mf_get(f, &m->mask) != 0;
}

static int compare_flows(const void *a_, const void *b_)
{
    const struct ofp_flow_stats *a = a_, *b = b_;
    for (size_t i = 0; i < ofctl_opts.n_sort; i++) {
        const struct ofctl_sort *sc = &ofctl_opts.sort[i];
        int ret;
        if (!sc->field) {
            ret = a->priority < b->priority ? -1 : a->priority > b->priority;
        } else {
            bool ina = field_present(sc->field, &a->match);
            bool inb = field_present(sc->field, &b->match);
            if (ina != inb) {
                return ina ? -1 : 1;
            }
            mf_value av = mf_get(sc->field, &a->match.value);
            mf_value bv = mf_get(sc->field, &b->match.value);
            ret = av < bv ? -1 : av > bv;
        }
        if (ret) {
            return sc->descending ? -ret : ret;
        }
    }
    return a < b ? -1 : 1;
}

/* A stable sort: qsort with the original position as the last key. */
static void sort_flows(struct ofp_flow_stats *fs, size_t n)
{
    if (ofctl_opts.n_sort) {
        qsort(fs, n, sizeof *fs, compare_flows);
    }
}

static void cmd_dump_flows(int argc, char *argv[])
{
    if (!ofctl_opts.n_sort && !ofctl_show_names() && ofctl_opts.show_stats) {
        dump_flows_raw(argc, argv, false);
        return;
    }
    struct ofp_flow_stats_request r;
    struct ofctl_proto p;
    parse_dump_request(argc, argv, false, &r);
    struct vconn *v = open_for_dump(argv[1], &r, &p);
    struct ofp_flow_stats *fs;
    size_t n;
    ofctl_fetch_flows(v, &p, &r, &fs, &n);
    sort_flows(fs, n);
    struct dstr s = DSTR_INIT;
    for (size_t i = 0; i < n; i++) {
        dstr_truncate(&s, 0);
        ofp_print_flow_stats(&s, &fs[i], ofctl_opts.show_stats);
        printf(" %s\n", dstr_str(&s));
    }
    dstr_free(&s);
    ofp_flow_stats_free(fs, n);
    vconn_close(v);
}

static void cmd_dump_aggregate(int argc, char *argv[])
{
    dump_flows_raw(argc, argv, true);
}

const struct ofctl_command ofctl_flow_commands[] = {
    { "dump-flows", 1, 2, cmd_dump_flows },
    { "dump-aggregate", 1, 2, cmd_dump_aggregate },
    { "add-flow", 2, 2, cmd_add_flow },
    { "add-flows", 2, 2, cmd_add_flows },
    { "mod-flows", 2, 2, cmd_mod_flows },
    { "del-flows", 1, 2, cmd_del_flows },
    { "replace-flows", 2, 2, ofctl_cmd_replace_flows },
    { "diff-flows", 2, 2, ofctl_cmd_diff_flows },
    { NULL, 0, 0, NULL },
};
