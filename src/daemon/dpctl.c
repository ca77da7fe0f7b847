/* The dpctl/ control commands: the datapath as `ovs-appctl dpctl/...`
 * shows and edits it (our datapath lives inside the daemon, like OVS's
 * netdev datapath, so vs-dpctl sends these too). */
#include "daemon/dpctl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <urcu.h>

#include "daemon/bridge.h"
#include "dp/actions.h"
#include "dp/datapath.h"
#include "dp/flow_key.h"
#include "dp/megaflow.h"
#include "dp/vport/vport.h"
#include "lib/coverage.h"
#include "lib/dstr.h"
#include "lib/unixctl.h"
#include "lib/util.h"

COVERAGE_DEFINE(dpctl_flows_added);    /* datapath flows added by dpctl */
COVERAGE_DEFINE(dpctl_flows_deleted);  /* datapath flows deleted by dpctl */

/* Replies with the text and frees it. */
static void out_reply(struct unixctl_conn *conn, struct dstr *o)
{
    unixctl_reply(conn, dstr_str(o));
    dstr_free(o);
}

/* The datapath, or an error reply when the daemon has none. */
static struct datapath *get_dp(struct unixctl_conn *conn)
{
    struct datapath *dp = bridge_datapath();
    if (!dp) {
        unixctl_reply_error(conn, "vswitchd: no datapaths exist");
    }
    return dp;
}

/* True when `name` names our datapath (as "ovs-netdev" or
 * "netdev@ovs-netdev"); replies with an error otherwise. */
static bool dp_name_ok(struct unixctl_conn *conn, const char *name)
{
    if (!strcmp(name, BRIDGE_DATAPATH_NAME)
        || !strcmp(name, "netdev@" BRIDGE_DATAPATH_NAME)) {
        return true;
    }
    char err[256];
    snprintf(err, sizeof err, "vswitchd: datapath %.128s not found "
             "(Invalid argument)", name);
    unixctl_reply_error(conn, err);
    return false;
}

/* Splits argv into flags (from `flags`, e.g. "-s") and the rest. */
static bool parse_args(struct unixctl_conn *conn, int argc, const char *argv[],
                       const char *flag, const char *long_flag, bool *set,
                       const char **rest, int *n_rest, int max_rest)
{
    *n_rest = 0;
    if (set) {
        *set = false;
    }
    for (int i = 1; i < argc; i++) {
        if (flag && (!strcmp(argv[i], flag) || !strcmp(argv[i], long_flag))) {
            *set = true;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            char err[160];
            snprintf(err, sizeof err, "unknown option \"%.100s\"", argv[i]);
            unixctl_reply_error(conn, err);
            return false;
        } else if (*n_rest < max_rest) {
            rest[(*n_rest)++] = argv[i];
        } else {
            char err[160];
            snprintf(err, sizeof err, "%s: too many arguments", argv[0]);
            unixctl_reply_error(conn, err);
            return false;
        }
    }
    return true;
}

/* The datapath of a command "CMD [FLAG] [DP]": parses argv (setting *set
 * when `flag` or `long_flag` is there; both may be NULL), checks the
 * optional datapath name; NULL after replying with the error. */
static struct datapath *dp_of_args(struct unixctl_conn *conn, int argc,
                                   const char *argv[], const char *flag,
                                   const char *long_flag, bool *set)
{
    const char *rest[1];
    int n_rest;
    if (!parse_args(conn, argc, argv, flag, long_flag, set, rest, &n_rest, 1)
        || (n_rest && !dp_name_ok(conn, rest[0]))) {
        return NULL;
    }
    return get_dp(conn);
}

/* ---- dpctl/show ---- */

/* " (1.1 KiB)" as OVS appends to byte counts. */
static void out_human_size(struct dstr *o, uint64_t v)
{
    static const char *const units[] = { "TiB", "GiB", "MiB", "KiB" };
    for (int k = 0; k < 4; k++) {
        double unit = (double) (1ULL << (10 * (4 - k)));
        if ((double) v >= unit) {
            dstr_printf(o, " (%.1f %s)", (double) v / unit, units[k]);
            return;
        }
    }
}

/* "drops:" and one "reason: N" line per reason that counted, `indent`
 * spaces in; nothing when none did (the lines before stay OVS's). */
static void show_drops(struct dstr *o, const struct dp_drop_stats *d,
                       int indent)
{
    bool any = false;
    for (int r = 0; r < DP_DROP_N_REASONS; r++) {
        if (!d->n[r]) {
            continue;
        }
        if (!any) {
            dstr_printf(o, "%*sdrops:\n", indent, "");
            any = true;
        }
        dstr_printf(o, "%*s%s: %" PRIu64 "\n", indent + 2, "",
                    dp_drop_reason_name(r), d->n[r]);
    }
}

struct show_ctx {
    struct dstr *o;
    bool stats;
};

static void show_port(struct vport *vp, void *aux)
{
    struct show_ctx *ctx = aux;
    struct dstr *o = ctx->o;
    dstr_printf(o, "  port %" PRIu32 ": %s", vp->port_no, vp->name);
    /* As OVS, a system port prints without its type: "port 1: eth0". */
    if (strcmp(vp->ops->type, VPORT_TYPE_DEFAULT)) {
        char config[512] = "";
        if (vp->ops->format_config) {
            vp->ops->format_config(vp, config, sizeof config);
        }
        dstr_printf(o, *config ? " (%s: %s)" : " (%s)", vp->ops->type,
                    config);
    }
    dstr_printf(o, "\n");
    if (!ctx->stats) {
        return;
    }
    struct vport_stats s;
    vport_stats_read(vp, &s);
    dstr_printf(o, "    RX packets:%" PRIu64 " errors:%" PRIu64 " dropped:%"
                PRIu64 " overruns:0 frame:0\n", s.rx_packets, s.rx_errors,
                s.rx_dropped);
    dstr_printf(o, "    TX packets:%" PRIu64 " errors:%" PRIu64 " dropped:%"
                PRIu64 " aborted:0 carrier:0\n", s.tx_packets, s.tx_errors,
                s.tx_dropped);
    dstr_printf(o, "    collisions:0\n");
    dstr_printf(o, "    RX bytes:%" PRIu64, s.rx_bytes);
    out_human_size(o, s.rx_bytes);
    dstr_printf(o, "  TX bytes:%" PRIu64, s.tx_bytes);
    out_human_size(o, s.tx_bytes);
    dstr_printf(o, "\n");
    struct dp_drop_stats drops;
    vport_drops_read(vp, &drops);
    show_drops(o, &drops, 4);
}

static void show_cb(struct unixctl_conn *conn, int argc, const char *argv[],
                    void *aux)
{
    (void) aux;
    bool stats;
    struct datapath *dp = dp_of_args(conn, argc, argv, "-s", "--statistics",
                                     &stats);
    if (!dp) {
        return;
    }
    struct dp_stats s;
    datapath_get_stats(dp, &s);
    uint64_t packets = s.n_hit + s.n_missed;
    struct dstr o = DSTR_INIT;
    dstr_printf(&o, "netdev@%s:\n", datapath_name(dp));
    dstr_printf(&o, "  lookups: hit:%" PRIu64 " missed:%" PRIu64 " lost:%"
                PRIu64 "\n", s.n_hit, s.n_missed, s.n_lost);
    dstr_printf(&o, "  flows: %" PRIu64 "\n", s.n_flows);
    dstr_printf(&o, "  masks: hit:%" PRIu64 " total:%" PRIu64
                " hit/pkt:%.2f\n", s.n_mask_hit, s.n_masks,
                packets ? (double) s.n_mask_hit / (double) packets : 0.0);
    if (stats) {
        struct dp_drop_stats drops;
        datapath_get_drops(dp, &drops);
        show_drops(&o, &drops, 2);
    }
    struct show_ctx ctx = { .o = &o, .stats = stats };
    datapath_port_foreach(dp, show_port, &ctx);
    out_reply(conn, &o);
}

/* ---- Flows ---- */

/* OVS's letters for the TCP flags seen. */
static void out_tcp_flags(struct dstr *o, uint16_t flags)
{
    static const struct { uint16_t bit; char c; } letters[] = {
        { 0x002, 'S' }, { 0x001, 'F' }, { 0x008, 'P' }, { 0x004, 'R' },
        { 0x020, 'U' }, { 0x010, '.' }, { 0x040, 'E' }, { 0x080, 'C' },
        { 0x100, 'N' },
    };
    for (size_t k = 0; k < sizeof letters / sizeof letters[0]; k++) {
        if (flags & letters[k].bit) {
            dstr_putc(o, letters[k].c);
        }
    }
}

/* One flow as dump-flows prints it:
 * "KEY, packets:N, bytes:N, used:X.XXXs, actions:ACTS"; with `more` (-m)
 * as OVS's: "ufid:UUID, " first, the key with every field (wildcarded
 * ones as value/0) and ", dp:ovs" before the actions.  Our ufid is a hash of
 * the flow's masked key and mask (flow_key_ufid): the table's identity of a
 * flow, so it stays the same across dumps and daemon restarts. */
static void out_flow(struct dstr *o, const struct megaflow *f, uint64_t now,
                     bool more)
{
    char key[4096];
    int n;
    if (more) {
        flow_key_format_ufid(&f->key, &f->mask, key, sizeof key);
        dstr_printf(o, "%s, ", key);
        n = flow_key_format_verbose(&f->key, &f->mask, key, sizeof key);
    } else {
        n = flow_key_format(&f->key, &f->mask, key, sizeof key);
    }
    dstr_printf(o, "%s", n >= 0 ? key : "?");
    if (n >= (int) sizeof key) {
        dstr_printf(o, "...");
    }
    struct megaflow_stats st;
    megaflow_stats_read(f, &st);
    dstr_printf(o, ", packets:%" PRIu64 ", bytes:%" PRIu64 ", used:",
                st.packets, st.bytes);
    if (st.used_ms) {
        uint64_t age = now > st.used_ms ? now - st.used_ms : 0;
        dstr_printf(o, "%.3fs", (double) age / 1000.0);
    } else {
        dstr_printf(o, "never");
    }
    if (st.tcp_flags) {
        dstr_printf(o, ", flags:");
        out_tcp_flags(o, st.tcp_flags);
    }
    if (more) {
        dstr_printf(o, ", dp:ovs");   /* where the flow lives, as OVS's -m */
    }
    char acts[4096];
    const struct megaflow_actions *a = rcu_dereference(f->actions);
    n = a ? actions_format(a->data, a->len, acts, sizeof acts)
          : snprintf(acts, sizeof acts, "drop");
    dstr_printf(o, ", actions:%s%s\n", n >= 0 ? acts : "?",
                n >= (int) sizeof acts ? "..." : "");
}

struct dump_ctx {
    struct dstr *o;
    uint64_t now;
    size_t n;
    bool more;
};

static bool dump_one(const struct megaflow *f, void *aux)
{
    struct dump_ctx *ctx = aux;
    if (!ctx->n++) {
        dstr_printf(ctx->o, "flow-dump from the main thread:\n");
    }
    out_flow(ctx->o, f, ctx->now, ctx->more);
    return true;
}

static void dump_flows_cb(struct unixctl_conn *conn, int argc,
                          const char *argv[], void *aux)
{
    (void) aux;
    bool more;
    struct datapath *dp = dp_of_args(conn, argc, argv, "-m", "--more", &more);
    if (!dp) {
        return;
    }
    struct dstr o = DSTR_INIT;
    struct dump_ctx ctx = { .o = &o, .now = dp_time_ms(), .more = more };
    rcu_read_lock();
    megaflow_foreach(datapath_flows(dp), dump_one, &ctx);
    rcu_read_unlock();
    out_reply(conn, &o);
}

static void del_flows_cb(struct unixctl_conn *conn, int argc,
                         const char *argv[], void *aux)
{
    (void) aux;
    struct datapath *dp = dp_of_args(conn, argc, argv, NULL, NULL, NULL);
    if (!dp) {
        return;
    }
    struct dp_stats s;
    datapath_get_stats(dp, &s);
    datapath_flow_flush(dp);
    COVERAGE_ADD(dpctl_flows_deleted, s.n_flows);
    unixctl_reply(conn, "");
}

/* Parses FLOW into key and mask; replies with the error when it fails. */
static bool parse_flow(struct unixctl_conn *conn, const char *text,
                       struct flow_key *key, struct flow_key *mask)
{
    char err[256] = "";
    memset(key, 0, sizeof *key);
    memset(mask, 0, sizeof *mask);
    if (flow_key_parse(text, key, mask, err, sizeof err)) {
        char msg[400];
        snprintf(msg, sizeof msg, "vswitchd: parsing flow key (%s) (Invalid "
                 "argument)", *err ? err : "syntax error");
        unixctl_reply_error(conn, msg);
        return false;
    }
    flow_key_mask(key, key, mask);
    return true;
}

/* A flow named by "ufid:UUID" (as dump-flows -m prints it): the one whose
 * flow_key_format_ufid text is `ufid`. */
struct ufid_search {
    const char *ufid;
    struct flow_key key, mask;
    bool found;
};

static bool ufid_match(const struct megaflow *f, void *aux)
{
    struct ufid_search *s = aux;
    char text[64];
    flow_key_format_ufid(&f->key, &f->mask, text, sizeof text);
    if (strcasecmp(text + 5, s->ufid + 5)) {
        return true;
    }
    s->key = f->key;
    s->mask = f->mask;
    s->found = true;
    return false;
}

/* The datapath and the key and mask that "[DP] FLOW" in argv names; FLOW
 * is a flow key in datapath syntax or "ufid:UUID".  Returns NULL after
 * replying when an argument is wrong; *known is false for a ufid no flow
 * has. */
static struct datapath *flow_args(struct unixctl_conn *conn, int argc,
                                  const char *argv[], struct flow_key *key,
                                  struct flow_key *mask, bool *known)
{
    struct datapath *dp = get_dp(conn);
    const char *text = argv[argc - 1];
    *known = true;
    if (!dp || (argc > 2 && !dp_name_ok(conn, argv[1]))) {
        return NULL;
    }
    if (strncasecmp(text, "ufid:", 5)) {
        return parse_flow(conn, text, key, mask) ? dp : NULL;
    }
    struct ufid_search s = { .ufid = text, .found = false };
    megaflow_foreach(datapath_flows(dp), ufid_match, &s);
    *key = s.key;
    *mask = s.mask;
    *known = s.found;
    return dp;
}

/* [DP] FLOW or [DP] ufid:UUID (the datapath name may come first). */
static void get_flow_cb(struct unixctl_conn *conn, int argc,
                        const char *argv[], void *aux)
{
    (void) aux;
    struct flow_key key, mask;
    bool known;
    struct datapath *dp = flow_args(conn, argc, argv, &key, &mask, &known);
    if (!dp) {
        return;
    }
    struct dstr o = DSTR_INIT;
    rcu_read_lock();
    struct megaflow *f = known ? megaflow_find_exact(datapath_flows(dp), &key,
                                                     &mask)
                               : NULL;
    if (f) {
        out_flow(&o, f, dp_time_ms(), false);
    }
    rcu_read_unlock();
    if (!f) {
        dstr_free(&o);
        unixctl_reply_error(conn, "vswitchd: getting flow (No such file or "
                            "directory)");
        return;
    }
    out_reply(conn, &o);
}

static void put_flow(struct unixctl_conn *conn, int argc, const char *argv[],
                     bool modify)
{
    struct datapath *dp = get_dp(conn);
    struct flow_key key, mask;
    if (!dp || (argc > 3 && !dp_name_ok(conn, argv[1]))
        || !parse_flow(conn, argv[argc - 2], &key, &mask)) {
        return;
    }
    struct action_buf *acts = xmalloc(sizeof *acts);
    char err[256] = "";
    action_buf_init(acts);
    if (actions_parse(argv[argc - 1], acts, err, sizeof err)) {
        char msg[400];
        snprintf(msg, sizeof msg, "vswitchd: parsing actions (%s) (Invalid "
                 "argument)", *err ? err : "syntax error");
        unixctl_reply_error(conn, msg);
        free(acts);
        return;
    }
    int error = datapath_flow_put(dp, &key, &mask, acts->data, acts->len,
                                  modify);
    free(acts);
    if (error) {
        char msg[160];
        snprintf(msg, sizeof msg, "vswitchd: updating flow table (%s)",
                 strerror(-error));
        unixctl_reply_error(conn, msg);
        return;
    }
    COVERAGE_INC(dpctl_flows_added);
    unixctl_reply(conn, "");
}

static void add_flow_cb(struct unixctl_conn *conn, int argc,
                        const char *argv[], void *aux)
{
    (void) aux;
    put_flow(conn, argc, argv, false);
}

static void mod_flow_cb(struct unixctl_conn *conn, int argc,
                        const char *argv[], void *aux)
{
    (void) aux;
    put_flow(conn, argc, argv, true);
}

static void del_flow_cb(struct unixctl_conn *conn, int argc,
                        const char *argv[], void *aux)
{
    (void) aux;
    struct flow_key key, mask;
    bool known;
    struct datapath *dp = flow_args(conn, argc, argv, &key, &mask, &known);
    if (!dp) {
        return;
    }
    int error = known ? datapath_flow_del(dp, &key, &mask, NULL) : -ENOENT;
    if (error) {
        char msg[160];
        snprintf(msg, sizeof msg, "vswitchd: deleting flow (%s)",
                 strerror(-error));
        unixctl_reply_error(conn, msg);
        return;
    }
    COVERAGE_INC(dpctl_flows_deleted);
    unixctl_reply(conn, "");
}

/* dpctl/upcalls-hold and dpctl/upcalls-release: the daemon stops (and
 * resumes) taking upcalls, so that a test can fill the queue and see the
 * next misses lost, as the fast path meets a slow path that falls behind. */
static void upcalls_hold_cb(struct unixctl_conn *conn, int argc,
                            const char *argv[], void *aux)
{
    bool hold = aux != NULL;
    struct datapath *dp = dp_of_args(conn, argc, argv, NULL, NULL, NULL);
    if (dp) {
        datapath_set_upcalls_held(dp, hold);
        unixctl_reply(conn, "");
    }
}

void dpctl_register_commands(void)
{
    /* Usage texts as OVS's; get-flow and del-flow take a flow key or the
     * ufid that dump-flows -m prints. */
    unixctl_command_register("dpctl/show", "[-s] [dp...]", 0, 2, show_cb,
                             NULL);
    unixctl_command_register("dpctl/dump-flows", "[-m] [dp]", 0, 2,
                             dump_flows_cb, NULL);
    unixctl_command_register("dpctl/del-flows", "[dp]", 0, 1, del_flows_cb,
                             NULL);
    unixctl_command_register("dpctl/get-flow", "[dp] flow", 1, 2,
                             get_flow_cb, NULL);
    unixctl_command_register("dpctl/add-flow", "[dp] flow actions", 2, 3,
                             add_flow_cb, NULL);
    unixctl_command_register("dpctl/mod-flow", "[dp] flow actions", 2, 3,
                             mod_flow_cb, NULL);
    unixctl_command_register("dpctl/del-flow", "[dp] flow", 1, 2,
                             del_flow_cb, NULL);
    static char hold;       /* any non-NULL aux: hold */
    unixctl_command_register("dpctl/upcalls-hold", "[dp]", 0, 1,
                             upcalls_hold_cb, &hold);
    unixctl_command_register("dpctl/upcalls-release", "[dp]", 0, 1,
                             upcalls_hold_cb, NULL);
}
