/* Control commands of the slow path: the ofctl/ methods behind vs-ofctl,
 * ofproto/trace, fdb/show and fdb/flush.  Output has the shape of OVS
 * 3.1's ovs-ofctl and ovs-appctl. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp/actions.h"
#include "dp/datapath.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "ofproto/ofproto_private.h"
#include "ofproto/xlate.h"

#define ERRLEN 512

static void reply_dstr(struct unixctl_conn *conn, struct dstr *s)
{
    unixctl_reply(conn, dstr_str(s));
    dstr_free(s);
}

/* The bridge named argv[1], or NULL after an error reply. */
static struct ofproto *bridge_arg(struct unixctl_conn *conn, const char *name,
                                  bool ofctl_wording)
{
    struct ofproto *ofp = ofproto_lookup(name);
    if (!ofp) {
        char err[ERRLEN];
        if (ofctl_wording) {
            snprintf(err, sizeof err, "%s is not a bridge or a socket", name);
        } else {
            snprintf(err, sizeof err, "no such bridge");
        }
        unixctl_reply_error(conn, err);
    }
    return ofp;
}

/* ---- flow mods ---- */

static void cmd_add_flow(struct unixctl_conn *conn, int argc,
                         const char *argv[], void *aux)
{
    (void) argc;
    (void) aux;
    struct ofproto *ofp = bridge_arg(conn, argv[1], true);
    if (!ofp) {
        return;
    }
    char err[ERRLEN];
    if (ofproto_add_flow_str(ofp, argv[2], err, sizeof err)) {
        unixctl_reply_error(conn, err);
        return;
    }
    unixctl_reply(conn, "");
}

static bool blank_or_comment(const char *line)
{
    while (isspace((unsigned char) *line)) {
        line++;
    }
    return !*line || *line == '#';
}

/* argv[2] holds the file's lines; argv[3] (optional) its name for
 * messages.  Every line is parsed before any is added. */
static void cmd_add_flows(struct unixctl_conn *conn, int argc,
                          const char *argv[], void *aux)
{
    (void) aux;
    struct ofproto *ofp = bridge_arg(conn, argv[1], true);
    if (!ofp) {
        return;
    }
    const char *file = argc > 3 ? argv[3] : "-";
    char *text = xstrdup(argv[2]);
    size_t n = 0, cap = 0;
    struct ofp_flow_spec *specs = NULL;
    char err[ERRLEN];
    int line_no = 0;
    bool failed = false;
    char *save = NULL;
    for (char *p = text; !failed; p = NULL) {
        char *line = strtok_r(p, "\n", &save);
        if (!line) {
            break;
        }
        line_no++;
        if (blank_or_comment(line)) {
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            specs = xrealloc(specs, cap * sizeof *specs);
        }
        char msg[ERRLEN - 64];
        if (ofp_parse_flow(line, OFP_PARSE_ADD, &specs[n], msg, sizeof msg)) {
            ofp_flow_spec_free(&specs[n]);
            snprintf(err, sizeof err, "%s:%d: %s", file, line_no, msg);
            failed = true;
        } else {
            n++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!failed) {
            uint8_t t = specs[i].table_id;
            struct rule *r = rule_create(&specs[i], t, dp_time_ms());
            struct rule *old = oftable_insert(ofp->tables[t], r);
            rule_unref(old);
        }
        ofp_flow_spec_free(&specs[i]);
    }
    free(specs);
    free(text);
    if (failed) {
        unixctl_reply_error(conn, err);
        return;
    }
    ofproto_revalidate(ofp);
    unixctl_reply(conn, "");
}

/* Parses "[--strict] [FLOW]" from argv[2..]. */
static int strict_and_flow(int argc, const char *argv[], bool *strict,
                           const char **flow)
{
    *strict = false;
    *flow = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--strict")) {
            *strict = true;
        } else if (!*flow) {
            *flow = argv[i];
        } else {
            return -1;
        }
    }
    return 0;
}

static void cmd_mod_flows(struct unixctl_conn *conn, int argc,
                          const char *argv[], void *aux)
{
    (void) aux;
    struct ofproto *ofp = bridge_arg(conn, argv[1], true);
    bool strict;
    const char *flow;
    if (!ofp) {
        return;
    }
    if (strict_and_flow(argc, argv, &strict, &flow) || !flow) {
        unixctl_reply_error(conn, "'mod-flows' command requires a flow");
        return;
    }
    struct ofp_flow_spec spec;
    char err[ERRLEN];
    if (ofp_parse_flow(flow, OFP_PARSE_MODIFY, &spec, err, sizeof err)) {
        ofp_flow_spec_free(&spec);
        unixctl_reply_error(conn, err);
        return;
    }
    if (!ofproto_flow_mod(ofp, &spec, strict)) {
        /* As OpenFlow 1.0 (ovs-ofctl's default): nothing to modify adds. */
        ofproto_flow_add(ofp, &spec);
    }
    ofp_flow_spec_free(&spec);
    unixctl_reply(conn, "");
}

static void cmd_del_flows(struct unixctl_conn *conn, int argc,
                          const char *argv[], void *aux)
{
    (void) aux;
    struct ofproto *ofp = bridge_arg(conn, argv[1], true);
    bool strict;
    const char *flow;
    if (!ofp) {
        return;
    }
    if (strict_and_flow(argc, argv, &strict, &flow)) {
        unixctl_reply_error(conn, "too many arguments to del-flows");
        return;
    }
    if (!flow) {
        ofproto_flow_del(ofp, NULL, false);
        unixctl_reply(conn, "");
        return;
    }
    struct ofp_flow_spec spec;
    char err[ERRLEN];
    if (ofp_parse_flow(flow, OFP_PARSE_MATCH, &spec, err, sizeof err)) {
        ofp_flow_spec_free(&spec);
        unixctl_reply_error(conn, err);
        return;
    }
    ofproto_flow_del(ofp, &spec, strict);
    ofp_flow_spec_free(&spec);
    unixctl_reply(conn, "");
}

/* ---- dumps ---- */

static void format_rule(const struct rule *r, uint64_t now_ms,
                        struct dstr *out)
{
    uint64_t age_ms = now_ms > r->created_ms ? now_ms - r->created_ms : 0;
    uint64_t idle_ms = now_ms > r->used_ms ? now_ms - r->used_ms : 0;
    dstr_printf(out, " cookie=0x%" PRIx64 ", duration=%" PRIu64 ".%03"
                PRIu64 "s, table=%u, n_packets=%" PRIu64 ", n_bytes=%" PRIu64
                ", ", r->cookie, age_ms / 1000, age_ms % 1000, r->table_id,
                r->n_packets, r->n_bytes);
    if (r->idle_timeout) {
        dstr_printf(out, "idle_timeout=%u, ", r->idle_timeout);
    }
    if (r->hard_timeout) {
        dstr_printf(out, "hard_timeout=%u, ", r->hard_timeout);
    }
    dstr_printf(out, "idle_age=%" PRIu64 ", ", idle_ms / 1000);
    if (r->modified_ms != r->created_ms) {
        uint64_t hard_ms = now_ms > r->modified_ms ? now_ms - r->modified_ms
                                                   : 0;
        dstr_printf(out, "hard_age=%" PRIu64 ", ", hard_ms / 1000);
    }
    size_t before = out->len;
    ofp_match_format(&r->match, r->priority, out);
    if (out->len != before) {
        dstr_putc(out, ' ');
    }
    dstr_put(out, "actions=");
    ofpacts_format(r->acts, r->n_acts, out);
    dstr_putc(out, '\n');
}

static void cmd_dump_flows(struct unixctl_conn *conn, int argc,
                           const char *argv[], void *aux)
{
    (void) aux;
    struct ofproto *ofp = bridge_arg(conn, argv[1], true);
    if (!ofp) {
        return;
    }
    struct ofp_flow_spec spec;
    bool filter = argc > 2;
    char err[ERRLEN];
    if (filter
        && ofp_parse_flow(argv[2], OFP_PARSE_MATCH, &spec, err, sizeof err)) {
        ofp_flow_spec_free(&spec);
        unixctl_reply_error(conn, err);
        return;
    }
    ofproto_pull_stats_all();
    uint64_t now = dp_time_ms();
    struct dstr out = DSTR_INIT;
    dstr_put(&out, "NXST_FLOW reply (xid=0x4):\n");
    for (int t = 0; t < OFP_N_TABLES; t++) {
        if (!oftable_count(ofp->tables[t])) {
            continue;
        }
        size_t n;
        struct rule **rules = oftable_rules(ofp->tables[t], &n);
        for (size_t i = 0; i < n; i++) {
            if (!filter || ofproto_rule_selected(rules[i], &spec, false)) {
                format_rule(rules[i], now, &out);
            }
        }
        free(rules);
    }
    if (filter) {
        ofp_flow_spec_free(&spec);
    }
    reply_dstr(conn, &out);
}

static void cmd_dump_tables(struct unixctl_conn *conn, int argc,
                            const char *argv[], void *aux)
{
    (void) argc;
    (void) aux;
    struct ofproto *ofp = bridge_arg(conn, argv[1], true);
    if (!ofp) {
        return;
    }
    struct dstr out = DSTR_INIT;
    dstr_put(&out, "OFPST_TABLE reply (xid=0x2):\n");
    int ditto_from = -1;
    for (int t = 0; t < OFP_N_TABLES; t++) {
        size_t active = oftable_count(ofp->tables[t]);
        uint64_t lookups = ofp->table_lookups[t];
        uint64_t matches = ofp->table_matches[t];
        bool same = t > 0 && active == oftable_count(ofp->tables[t - 1])
                    && lookups == ofp->table_lookups[t - 1]
                    && matches == ofp->table_matches[t - 1];
        if (same) {
            if (ditto_from < 0) {
                ditto_from = t;
            }
            if (t != OFP_N_TABLES - 1) {
                continue;
            }
        }
        if (ditto_from >= 0) {
            int last = same ? t : t - 1;
            if (last == ditto_from) {
                dstr_printf(&out, "  table %d: ditto\n", ditto_from);
            } else {
                dstr_printf(&out, "  tables %d...%d: ditto\n", ditto_from,
                            last);
            }
            ditto_from = -1;
            if (same) {
                break;
            }
        }
        dstr_printf(&out, "  table %d:\n    active=%zu, lookup=%" PRIu64
                    ", matched=%" PRIu64 "\n", t, active, lookups, matches);
        if (t == 0) {
            dstr_put(&out, "    max_entries=1000000\n    matching:\n"
                     "      exact match or wildcard: in_port eth_{src,dst,"
                     "type} vlan_{vid,pcp} ip_{src,dst} nw_{proto,tos} "
                     "tcp_{src,dst}\n\n");
        } else {
            dstr_put(&out, "    (same features)\n\n");
        }
    }
    reply_dstr(conn, &out);
}

static void port_label(uint32_t ofport, char *buf, size_t n)
{
    if (ofport == OFPP_LOCAL) {
        snprintf(buf, n, "LOCAL");
    } else {
        snprintf(buf, n, "%2" PRIu32, ofport);
    }
}

static void cmd_dump_ports(struct unixctl_conn *conn, int argc,
                           const char *argv[], void *aux)
{
    (void) aux;
    struct ofproto *ofp = bridge_arg(conn, argv[1], true);
    if (!ofp) {
        return;
    }
    uint32_t only = 0;
    if (argc > 2 && !ofp_port_parse(argv[2], &only)) {
        char err[ERRLEN];
        snprintf(err, sizeof err, "%s: invalid or unknown port", argv[2]);
        unixctl_reply_error(conn, err);
        return;
    }
    struct dstr body = DSTR_INIT;
    size_t count = 0;
    /* OVS lists LOCAL first. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < ofp->n_ports; i++) {
            const struct ofport *p = &ofp->ports[i];
            if ((pass == 0) != (p->ofport == OFPP_LOCAL)
                || (only && p->ofport != only)) {
                continue;
            }
            struct vport_stats st;
            memset(&st, 0, sizeof st);
            struct vport *vp = datapath_port_get(ofp->dp, p->dp_port);
            if (vp) {
                vport_stats_read(vp, &st);
            }
            char label[16];
            port_label(p->ofport, label, sizeof label);
            dstr_printf(&body, "  port %s: rx pkts=%" PRIu64 ", bytes=%"
                        PRIu64 ", drop=%" PRIu64 ", errs=%" PRIu64
                        ", frame=0, over=0, crc=0\n           tx pkts=%"
                        PRIu64 ", bytes=%" PRIu64 ", drop=%" PRIu64
                        ", errs=%" PRIu64 ", coll=0\n", label,
                        st.rx_packets, st.rx_bytes, st.rx_dropped,
                        st.rx_errors, st.tx_packets, st.tx_bytes,
                        st.tx_dropped, st.tx_errors);
            count++;
        }
    }
    struct dstr out = DSTR_INIT;
    dstr_printf(&out, "OFPST_PORT reply (xid=0x2): %zu ports\n", count);
    dstr_put(&out, dstr_str(&body));
    dstr_free(&body);
    reply_dstr(conn, &out);
}

static uint64_t bridge_dpid(const struct ofproto *ofp, uint8_t mac[6])
{
    const struct ofport *local = ofproto_port_by_ofport(ofp, OFPP_LOCAL);
    struct vport *vp = local ? datapath_port_get(ofp->dp, local->dp_port)
                             : NULL;
    struct vport_status st;
    memset(&st, 0, sizeof st);
    if (vp && vp->ops && vp->ops->get_status) {
        vp->ops->get_status(vp, &st);
    }
    if (!st.has_mac) {
        /* No address to derive it from: a stable hash of the name. */
        uint64_t h = 1469598103934665603ull;
        for (const char *p = ofp->name; *p; p++) {
            h = (h ^ (uint8_t) *p) * 1099511628211ull;
        }
        for (int i = 0; i < 6; i++) {
            st.mac[i] = (uint8_t) (h >> (8 * i));
        }
        st.mac[0] = (uint8_t) ((st.mac[0] & 0xfe) | 0x02);
    }
    uint64_t dpid = 0;
    for (int i = 0; i < 6; i++) {
        dpid = (dpid << 8) | st.mac[i];
        if (mac) {
            mac[i] = st.mac[i];
        }
    }
    return dpid;
}

static void show_port(const struct ofproto *ofp, const struct ofport *p,
                      struct dstr *out)
{
    struct vport *vp = datapath_port_get(ofp->dp, p->dp_port);
    struct vport_status st;
    memset(&st, 0, sizeof st);
    st.link_up = -1;
    if (vp && vp->ops && vp->ops->get_status) {
        vp->ops->get_status(vp, &st);
    }
    char label[16];
    if (p->ofport == OFPP_LOCAL) {
        snprintf(label, sizeof label, "LOCAL");
    } else {
        snprintf(label, sizeof label, "%" PRIu32, p->ofport);
    }
    dstr_printf(out, " %s(%s): addr:%02x:%02x:%02x:%02x:%02x:%02x\n", label,
                p->name, st.mac[0], st.mac[1], st.mac[2], st.mac[3],
                st.mac[4], st.mac[5]);
    bool down = st.link_up == 0;
    dstr_printf(out, "     config:     %s\n     state:      %s\n",
                down ? "PORT_DOWN" : "0", down ? "LINK_DOWN" : "0");
    dstr_put(out, "     current:    10GB-FD COPPER\n"
             "     speed: 10000 Mbps now, 0 Mbps max\n");
}

static void cmd_show(struct unixctl_conn *conn, int argc, const char *argv[],
                     void *aux)
{
    (void) argc;
    (void) aux;
    struct ofproto *ofp = bridge_arg(conn, argv[1], true);
    if (!ofp) {
        return;
    }
    struct dstr out = DSTR_INIT;
    dstr_printf(&out, "OFPT_FEATURES_REPLY (xid=0x2): dpid:%016" PRIx64
                "\nn_tables:%d, n_buffers:0\n", bridge_dpid(ofp, NULL),
                OFP_N_TABLES);
    dstr_put(&out, "capabilities: FLOW_STATS TABLE_STATS PORT_STATS "
             "QUEUE_STATS ARP_MATCH_IP\nactions: output enqueue set_vlan_vid"
             " set_vlan_pcp strip_vlan mod_dl_src mod_dl_dst mod_nw_src "
             "mod_nw_dst mod_nw_tos mod_tp_src mod_tp_dst\n");
    for (size_t i = 0; i < ofp->n_ports; i++) {
        if (ofp->ports[i].ofport != OFPP_LOCAL) {
            show_port(ofp, &ofp->ports[i], &out);
        }
    }
    const struct ofport *local = ofproto_port_by_ofport(ofp, OFPP_LOCAL);
    if (local) {
        show_port(ofp, local, &out);
    }
    dstr_put(&out, "OFPT_GET_CONFIG_REPLY (xid=0x4): frags=normal "
             "miss_send_len=0\n");
    reply_dstr(conn, &out);
}

/* ---- trace ---- */

static int hex_to_frame(const char *hex, uint8_t *buf, size_t size,
                        size_t *len)
{
    size_t n = 0;
    for (const char *p = hex; *p;) {
        if (isspace((unsigned char) *p)) {
            p++;
            continue;
        }
        if (!isxdigit((unsigned char) p[0])
            || !isxdigit((unsigned char) p[1]) || n >= size) {
            return -1;
        }
        char b[3] = { p[0], p[1], 0 };
        buf[n++] = (uint8_t) strtoul(b, NULL, 16);
        p += 2;
    }
    *len = n;
    return 0;
}

/* Builds the xflow to trace from argv: a flow, or in_port=N plus a hex
 * packet.  Returns 0 or -1 with `err`. */
static int trace_flow(struct ofproto *ofp, int argc, const char *argv[],
                      struct xflow *x, char *err, size_t errlen)
{
    struct ofp_flow_spec spec;
    memset(x, 0, sizeof *x);
    if (ofp_parse_flow(argv[2], OFP_PARSE_MATCH, &spec, err, errlen)) {
        ofp_flow_spec_free(&spec);
        return -1;
    }
    ofp_flow_spec_free(&spec);
    uint32_t in_port = spec.match.value.in_port;
    const struct ofport *in = ofproto_port_by_ofport(ofp, in_port);
    if (!spec.match.mask.in_port || !in) {
        snprintf(err, errlen, "%s: trace needs in_port= of a port of this "
                 "bridge", argv[2]);
        return -1;
    }
    if (argc < 4) {
        *x = spec.match.value;
        x->key.in_port = in->dp_port;
        return 0;
    }
    static uint8_t frame[PACKET_HEADROOM + 65536];
    size_t len;
    if (hex_to_frame(argv[3], frame + PACKET_HEADROOM, 65536, &len)) {
        snprintf(err, errlen, "Trailing garbage in packet data");
        return -1;
    }
    struct dp_packet p;
    dp_packet_init(&p, frame, sizeof frame, PACKET_HEADROOM);
    p.len = (uint32_t) len;
    p.md.in_port = in->dp_port;
    flow_key_extract(&p, &x->key);
    x->in_port = in_port;
    return 0;
}

static void cmd_trace(struct unixctl_conn *conn, int argc, const char *argv[],
                      void *aux)
{
    (void) aux;
    struct ofproto *ofp = bridge_arg(conn, argv[1], false);
    if (!ofp) {
        return;
    }
    char err[ERRLEN];
    struct xlate_in xi;
    memset(&xi, 0, sizeof xi);
    if (trace_flow(ofp, argc, argv, &xi.flow, err, sizeof err)) {
        unixctl_reply_error(conn, err);
        return;
    }
    struct dstr out = DSTR_INIT, steps = DSTR_INIT;
    xi.ofproto = ofp;
    xi.now_ms = dp_time_ms();
    xi.trace = &steps;
    struct xlate_out *xo = xmalloc(sizeof *xo);
    xlate(&xi, xo);

    dstr_put(&out, "Flow: ");
    xflow_format_exact(&xi.flow, &out);
    dstr_printf(&out, "\n\nbridge(\"%s\")\n", ofp->name);
    for (size_t i = 0; i < strlen(ofp->name) + 10; i++) {
        dstr_putc(&out, '-');
    }
    dstr_printf(&out, "\n%s\nFinal flow: ", dstr_str(&steps));
    struct xflow a = xi.flow, b = xo->final;
    a.key.in_port = b.key.in_port = 0;
    if (!memcmp(&a, &b, sizeof a)) {
        dstr_put(&out, "unchanged");
    } else {
        xflow_format_exact(&xo->final, &out);
    }
    struct ofp_match mega;
    mega.value = xi.flow;
    mega.mask = xo->wc;
    dstr_put(&out, "\nMegaflow: recirc_id=0,eth,");
    size_t before = out.len;
    ofp_match_format(&mega, -1, &out);
    if (out.len == before) {
        dstr_truncate(&out, out.len - 1);
    }
    char acts[4096];
    actions_format(xo->acts.data, xo->acts.len, acts, sizeof acts);
    dstr_printf(&out, "\nDatapath actions: %s\n", acts);
    /* A drop says why: OVS's line for a failed translation, else the
     * counter the datapath counts the packet under. */
    if (!xo->acts.len && xo->error) {
        dstr_printf(&out, "Translation failed (%s), packet is dropped.\n",
                    xo->error);
    } else if (!xo->acts.len) {
        dstr_printf(&out, "Drop reason: %s\n",
                    dp_drop_reason_name(DP_DROP_PIPELINE));
    }
    free(xo);
    dstr_free(&steps);
    reply_dstr(conn, &out);
}

/* ---- fdb ---- */

static void cmd_fdb_show(struct unixctl_conn *conn, int argc,
                         const char *argv[], void *aux)
{
    (void) argc;
    (void) aux;
    struct ofproto *ofp = bridge_arg(conn, argv[1], false);
    if (!ofp) {
        return;
    }
    uint64_t now = dp_time_ms();
    struct dstr out = DSTR_INIT;
    dstr_put(&out, " port  VLAN  MAC                Age\n");
    for (const struct mac_entry *e = mac_oldest(ofp->macs); e;
         e = e->lru_next) {
        char label[16];
        if (e->port == OFPP_LOCAL) {
            snprintf(label, sizeof label, "LOCAL");
        } else {
            snprintf(label, sizeof label, "%" PRIu32, e->port);
        }
        uint64_t age = now > e->used_ms ? (now - e->used_ms) / 1000 : 0;
        dstr_printf(&out, "%5s  %4u  %02x:%02x:%02x:%02x:%02x:%02x  %3"
                    PRIu64 "\n", label, e->vlan, e->mac[0], e->mac[1],
                    e->mac[2], e->mac[3], e->mac[4], e->mac[5], age);
    }
    reply_dstr(conn, &out);
}

static void cmd_fdb_flush(struct unixctl_conn *conn, int argc,
                          const char *argv[], void *aux)
{
    (void) aux;
    if (argc > 1) {
        struct ofproto *ofp = bridge_arg(conn, argv[1], false);
        if (!ofp) {
            return;
        }
        mac_flush(ofp->macs, UINT32_MAX);
        ofproto_revalidate(ofp);
    } else {
        for (struct ofproto *o = ofproto_registry(); o; o = o->next) {
            mac_flush(o->macs, UINT32_MAX);
            ofproto_revalidate(o);
        }
    }
    unixctl_reply(conn, "table successfully flushed\n");
}

void ofproto_register_commands(void)
{
    static bool done;
    if (done) {
        return;
    }
    done = true;
    unixctl_command_register("ofctl/add-flow", "BRIDGE FLOW", 2, 2,
                             cmd_add_flow, NULL);
    unixctl_command_register("ofctl/add-flows", "BRIDGE LINES [FILE]", 2, 3,
                             cmd_add_flows, NULL);
    unixctl_command_register("ofctl/mod-flows", "BRIDGE [--strict] FLOW", 2,
                             3, cmd_mod_flows, NULL);
    unixctl_command_register("ofctl/del-flows", "BRIDGE [--strict] [FLOW]",
                             1, 3, cmd_del_flows, NULL);
    unixctl_command_register("ofctl/dump-flows", "BRIDGE [FLOW]", 1, 2,
                             cmd_dump_flows, NULL);
    unixctl_command_register("ofctl/dump-tables", "BRIDGE", 1, 1,
                             cmd_dump_tables, NULL);
    unixctl_command_register("ofctl/dump-ports", "BRIDGE [PORT]", 1, 2,
                             cmd_dump_ports, NULL);
    unixctl_command_register("ofctl/show", "BRIDGE", 1, 1, cmd_show, NULL);
    unixctl_command_register("ofproto/trace",
                             "BRIDGE FLOW | BRIDGE in_port=N PACKET_HEX", 2,
                             3, cmd_trace, NULL);
    unixctl_command_register("fdb/show", "BRIDGE", 1, 1, cmd_fdb_show, NULL);
    unixctl_command_register("fdb/flush", "[BRIDGE]", 0, 1, cmd_fdb_flush,
                             NULL);
}
