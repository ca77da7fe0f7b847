/* Control commands of the slow path: ofproto/trace, fdb/show and
 * fdb/flush, with the output shape of OVS 3.1's ovs-appctl.  (Flow tables
 * are OpenFlow's business: connmgr and ofproto_ofp.) */
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
    unixctl_command_register("ofproto/trace",
                             "BRIDGE FLOW | BRIDGE in_port=N PACKET_HEX", 2,
                             3, cmd_trace, NULL);
    unixctl_command_register("fdb/show", "BRIDGE", 1, 1, cmd_fdb_show, NULL);
    unixctl_command_register("fdb/flush", "[BRIDGE]", 0, 1, cmd_fdb_flush,
                             NULL);
}
