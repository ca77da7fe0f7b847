/* bridge.c: the configuration store applied to the datapath and the slow
 * path.
 *
 * Reconfiguration is mark and sweep: read a snapshot, match its bridges and
 * interfaces by name against what exists, delete what is gone or changed
 * type/options, then create what is missing (failed ports are retried on
 * every pass), number the OpenFlow ports, tell ofproto, and write each
 * Interface's status columns back.  Deleting before creating lets an
 * interface move between bridges, or be re-created with a new type, in one
 * pass.  A port that cannot be created keeps its row, with the error. */
#include "daemon/bridge.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/confdb.h"
#include "db/vsctl.h"
#include "dp/datapath.h"
#include "dp/forwarder.h"
#include "dp/vport/vport.h"
#include "lib/coverage.h"
#include "lib/dstr.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/connmgr.h"
#include "ofproto/ofproto.h"

VLOG_DEFINE_THIS_MODULE(bridge);

COVERAGE_DEFINE(upcalls);             /* upcalls taken from the datapath */
COVERAGE_DEFINE(bridge_reconfigure);  /* times the configuration was applied */
COVERAGE_DEFINE(vsctl_transact);      /* vsctl/transact requests served */

#define DP_PORT_NONE UINT32_MAX
#define OFPORT_AUTO_MAX (OFPP_MAX - 1)   /* highest ofport we hand out */
#define RUN_INTERVAL_MS 250              /* ofproto wants <= 500 ms */
#define STATUS_INTERVAL_MS 5000          /* statistics refresh, as OVS */
#define UPCALL_BATCH 256
#define VSWITCH_VERSION "0.1"

struct iface {
    char *name;
    char *dp_type;          /* the port type (vport_ops.type) */
    char *opts_sig;         /* the options it was created with */
    int64_t ofport_request;
    const struct conf_iface *cfg;  /* valid during a reconfiguration */

    /* VLAN configuration of its Port. */
    int tag;
    int64_t *trunks;
    size_t n_trunks;
    char *vlan_mode;

    uint32_t dp_port;       /* DP_PORT_NONE: not created */
    uint32_t ofport;        /* 0: none; OFPP_LOCAL for the bridge's own */
    uint32_t ofport_hint;   /* the ofport it had before a restart, or 0 */
    char *error;            /* why it could not be created, or NULL */

    /* What ofproto was last told, to tell it only about changes. */
    uint32_t reg_ofport, reg_dp_port;
    char *reg_vlan_sig;

    char *status_sig;       /* the status last written to the store */
    bool seen;
};

/* A Controller row of a bridge, and the is_connected last written. */
struct bridge_ctl {
    char uuid[37];
    char *target;
    int is_connected;          /* -1: not written since configured */
};

struct bridge {
    char *name;
    struct ofproto *ofproto;
    struct connmgr *connmgr;   /* NULL without a run directory */
    struct bridge_ctl *ctls;
    size_t n_ctls;
    struct iface **ifaces;
    size_t n_ifaces;
    bool seen;
};

static struct {
    struct confdb *db;
    struct datapath *dp;
    struct forwarder *fwd;
    struct bridge **bridges;
    size_t n_bridges;
    uint64_t applied_seqno;
    uint64_t next_run_ms, next_status_ms;
    bool dp_port_used[DP_MAX_PORTS];
    char *rundir;              /* where BRIDGE.mgmt sockets go, or NULL */
} br;

/* ---- Small helpers ---- */

static void replace_str(char **dst, const char *src)
{
    free(*dst);
    *dst = src ? xstrdup(src) : NULL;
}

static bool str_eq(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* The datapath port type of an Interface type ("": VPORT_TYPE_DEFAULT). */
static const char *dp_type_of(const char *conf_type)
{
    return conf_type && *conf_type ? conf_type : VPORT_TYPE_DEFAULT;
}

static char *smap_sig(const struct conf_smap *m)
{
    struct dstr sig = DSTR_INIT;
    for (size_t i = 0; i < m->n; i++) {
        dstr_printf(&sig, "%s=%s\n", m->keys[i], m->values[i]);
    }
    return dstr_steal(&sig);
}

/* ---- Datapath port numbers (global, 0 kept free like OVS's ovs-netdev) ---- */

static uint32_t dp_port_alloc(void)
{
    for (uint32_t n = 1; n < DP_MAX_PORTS; n++) {
        if (!br.dp_port_used[n] && !datapath_port_get(br.dp, n)) {
            return n;
        }
    }
    return DP_PORT_NONE;
}

/* ---- Interfaces ---- */

static void iface_free(struct iface *i)
{
    free(i->name);
    free(i->dp_type);
    free(i->opts_sig);
    free(i->trunks);
    free(i->vlan_mode);
    free(i->error);
    free(i->reg_vlan_sig);
    free(i->status_sig);
    free(i);
}

/* Takes the port out of ofproto and the datapath; the iface stays. */
static bool iface_unplug(struct bridge *b, struct iface *i)
{
    bool changed = false;
    if (i->reg_ofport && b->ofproto) {
        ofproto_port_del(b->ofproto, i->reg_ofport);
        i->reg_ofport = 0;
        replace_str(&i->reg_vlan_sig, NULL);
    }
    if (i->dp_port != DP_PORT_NONE) {
        int error = datapath_port_del(br.dp, i->dp_port);
        if (error) {
            VLOG_WARN("%s: could not remove datapath port %" PRIu32 " (%s)",
                      i->name, i->dp_port, strerror(-error));
        } else {
            VLOG_INFO("%s: removed from datapath (port %" PRIu32 ")",
                      i->name, i->dp_port);
        }
        br.dp_port_used[i->dp_port] = false;
        i->dp_port = DP_PORT_NONE;
        changed = true;
    }
    i->ofport = 0;
    return changed;
}

/* Creates the datapath port of `i` from its configuration. */
static bool iface_plug(struct iface *i)
{
    const struct conf_iface *c = i->cfg;
    size_t n_opts = c ? c->options.n : 0;
    struct vport_opt *opts = xmalloc(n_opts * sizeof *opts);
    for (size_t k = 0; k < n_opts; k++) {
        opts[k].key = c->options.keys[k];
        opts[k].value = c->options.values[k];
    }
    uint32_t port_no = dp_port_alloc();
    char err[VPORT_ERR_MAX] = "";
    int error = port_no == DP_PORT_NONE ? -ENOSPC
        : datapath_port_add(br.dp, i->name, i->dp_type, opts, n_opts,
                            &port_no, err, sizeof err);
    free(opts);
    if (error) {
        /* The port type's own message says why; without one, OVS's
         * wording.  The errno name always shows, as in OVS. */
        char text[512];
        const char *why = strerror(-error);
        if (!*err) {
            snprintf(text, sizeof text, "could not open network device %s (%s)",
                     i->name, why);
        } else if (strstr(err, why)) {
            snprintf(text, sizeof text, "%s", err);
        } else {
            snprintf(text, sizeof text, "%s (%s)", err, why);
        }
        if (!str_eq(text, i->error)) {
            VLOG_WARN("%s: %s", i->name, *err ? err : text);
        }
        replace_str(&i->error, text);
        return false;
    }
    br.dp_port_used[port_no] = true;
    i->dp_port = port_no;
    replace_str(&i->error, NULL);
    VLOG_INFO("%s: added %s port to datapath as port %" PRIu32, i->name,
              i->dp_type, port_no);
    return true;
}

/* Copies the Port's VLAN columns into `i`. */
static void iface_set_vlan(struct iface *i, const struct conf_port *p)
{
    i->tag = p->tag >= 0 && p->tag <= 4095 ? (int) p->tag : -1;
    free(i->trunks);
    i->n_trunks = p->n_trunks;
    i->trunks = xmalloc(p->n_trunks * sizeof *i->trunks);
    if (p->n_trunks) {
        memcpy(i->trunks, p->trunks, p->n_trunks * sizeof *i->trunks);
    }
    replace_str(&i->vlan_mode, p->vlan_mode);
}

static char *iface_vlan_sig(const struct iface *i)
{
    struct dstr sig = DSTR_INIT;
    dstr_printf(&sig, "%d|%s|", i->tag, i->vlan_mode ? i->vlan_mode : "");
    for (size_t k = 0; k < i->n_trunks; k++) {
        dstr_printf(&sig, "%" PRId64 ",", i->trunks[k]);
    }
    return dstr_steal(&sig);
}

/* ---- Bridges ---- */

static struct bridge *bridge_find(const char *name)
{
    for (size_t k = 0; k < br.n_bridges; k++) {
        if (!strcmp(br.bridges[k]->name, name)) {
            return br.bridges[k];
        }
    }
    return NULL;
}

static struct bridge *bridge_create(const char *name)
{
    struct ofproto *ofproto = ofproto_create(name, br.dp);
    if (!ofproto) {
        VLOG_ERR("%s: could not create the bridge's slow path", name);
        return NULL;
    }
    struct bridge *b = xmalloc(sizeof *b);
    *b = (struct bridge) { .name = xstrdup(name), .ofproto = ofproto };
    if (br.rundir) {
        char *path = xasprintf("%s/%s.mgmt", br.rundir, name);
        char err[256] = "";
        b->connmgr = connmgr_create(ofproto, path, err, sizeof err);
        if (!b->connmgr) {
            VLOG_ERR("%s: could not create the OpenFlow management socket "
                     "(%s)", name, err);
        }
        free(path);
    }
    br.bridges = xrealloc(br.bridges, (br.n_bridges + 1) * sizeof *br.bridges);
    br.bridges[br.n_bridges++] = b;
    VLOG_INFO("bridge %s: created", name);
    return b;
}

static struct iface *bridge_find_iface(struct bridge *b, const char *name)
{
    for (size_t k = 0; k < b->n_ifaces; k++) {
        if (!strcmp(b->ifaces[k]->name, name)) {
            return b->ifaces[k];
        }
    }
    return NULL;
}

static bool valid_request(int64_t r)
{
    return r >= 1 && r <= OFPORT_AUTO_MAX;
}

/* The ofport the store still records for interface `ci` (written by a
 * previous run), or 0: OpenFlow port numbers survive a restart, as in
 * OVS, whatever order the interfaces were added in. */
static uint32_t stored_ofport(const struct conf_iface *ci)
{
    return valid_request(ci->ofport) ? (uint32_t) ci->ofport : 0;
}

static struct iface *bridge_add_iface(struct bridge *b,
                                      const struct conf_iface *ci)
{
    struct iface *i = xmalloc(sizeof *i);
    *i = (struct iface) { .name = xstrdup(ci->name),
                          .dp_port = DP_PORT_NONE,
                          .tag = -1, .ofport_request = -1,
                          .ofport_hint = stored_ofport(ci) };
    b->ifaces = xrealloc(b->ifaces, (b->n_ifaces + 1) * sizeof *b->ifaces);
    b->ifaces[b->n_ifaces++] = i;
    return i;
}

/* Removes the interfaces not seen in this pass; true if a port went. */
static bool bridge_sweep_ifaces(struct bridge *b)
{
    bool changed = false;
    size_t kept = 0;
    for (size_t k = 0; k < b->n_ifaces; k++) {
        struct iface *i = b->ifaces[k];
        if (i->seen) {
            b->ifaces[kept++] = i;
        } else {
            changed |= iface_unplug(b, i);
            iface_free(i);
        }
    }
    b->n_ifaces = kept;
    return changed;
}

static void bridge_clear_ctls(struct bridge *b)
{
    for (size_t i = 0; i < b->n_ctls; i++) {
        free(b->ctls[i].target);
    }
    free(b->ctls);
    b->ctls = NULL;
    b->n_ctls = 0;
}

static void bridge_destroy(struct bridge *b)
{
    for (size_t k = 0; k < b->n_ifaces; k++) {
        iface_unplug(b, b->ifaces[k]);
        iface_free(b->ifaces[k]);
    }
    connmgr_destroy(b->connmgr);
    b->connmgr = NULL;
    if (b->ofproto) {
        ofproto_destroy(b->ofproto);
    }
    VLOG_INFO("bridge %s: deleted", b->name);
    bridge_clear_ctls(b);
    free(b->ifaces);
    free(b->name);
    free(b);
}

/* ---- OpenFlow port numbers ---- */

static struct iface *ofport_holder(struct bridge *b, uint32_t ofport)
{
    for (size_t k = 0; k < b->n_ifaces; k++) {
        if (b->ifaces[k]->ofport == ofport) {
            return b->ifaces[k];
        }
    }
    return NULL;
}

/* Numbers the bridge's ports: its own interface is LOCAL; ofport_request
 * is honoured when no other interface requests the same number; the rest
 * keep the number they have or get the lowest free one that nobody
 * requests. */
static void bridge_assign_ofports(struct bridge *b)
{
    for (size_t k = 0; k < b->n_ifaces; k++) {
        struct iface *i = b->ifaces[k];
        if (i->dp_port == DP_PORT_NONE) {
            i->ofport = 0;
        } else if (!strcmp(i->name, b->name)) {
            i->ofport = OFPP_LOCAL;
        } else if (i->ofport == OFPP_LOCAL) {
            i->ofport = 0;
        }
    }
    for (size_t k = 0; k < b->n_ifaces; k++) {
        struct iface *i = b->ifaces[k];
        if (i->dp_port == DP_PORT_NONE || i->ofport == OFPP_LOCAL
            || !valid_request(i->ofport_request)
            || i->ofport == (uint32_t) i->ofport_request) {
            continue;
        }
        uint32_t want = (uint32_t) i->ofport_request;
        struct iface *holder = ofport_holder(b, want);
        if (holder && holder->ofport_request == i->ofport_request) {
            VLOG_WARN("%s: ofport_request %" PRIu32 " already taken by %s",
                      i->name, want, holder->name);
            continue;
        }
        if (holder) {
            holder->ofport = 0;   /* it is numbered again below */
        }
        i->ofport = want;
    }
    uint8_t *used = xcalloc(OFPP_MAX, 1);
    for (size_t k = 0; k < b->n_ifaces; k++) {
        struct iface *i = b->ifaces[k];
        if (i->ofport && i->ofport < OFPP_MAX) {
            used[i->ofport] = 1;
        }
        if (valid_request(i->ofport_request)) {
            used[i->ofport_request] = 1;
        }
    }
    /* The numbers the ports had before a restart come before new ones. */
    for (size_t k = 0; k < b->n_ifaces; k++) {
        struct iface *i = b->ifaces[k];
        if (i->dp_port != DP_PORT_NONE && !i->ofport && i->ofport_hint
            && !used[i->ofport_hint]) {
            i->ofport = i->ofport_hint;
            used[i->ofport] = 1;
        }
    }
    uint32_t next = 1;
    for (size_t k = 0; k < b->n_ifaces; k++) {
        struct iface *i = b->ifaces[k];
        if (i->dp_port == DP_PORT_NONE || i->ofport) {
            continue;
        }
        while (next <= OFPORT_AUTO_MAX && used[next]) {
            next++;
        }
        if (next > OFPORT_AUTO_MAX) {
            VLOG_WARN("%s: no OpenFlow port number left", i->name);
            continue;
        }
        i->ofport = next;
        used[next] = 1;
    }
    free(used);
}

/* Tells ofproto about the ports whose number, datapath port or VLAN
 * configuration changed. */
static void bridge_sync_ofproto(struct bridge *b)
{
    if (!b->ofproto) {
        return;
    }
    for (size_t k = 0; k < b->n_ifaces; k++) {
        struct iface *i = b->ifaces[k];
        if (i->reg_ofport && (i->reg_ofport != i->ofport
                              || i->reg_dp_port != i->dp_port)) {
            ofproto_port_del(b->ofproto, i->reg_ofport);
            i->reg_ofport = 0;
            replace_str(&i->reg_vlan_sig, NULL);
        }
    }
    for (size_t k = 0; k < b->n_ifaces; k++) {
        struct iface *i = b->ifaces[k];
        if (!i->ofport) {
            continue;
        }
        char *sig = iface_vlan_sig(i);
        if (i->reg_ofport == i->ofport && str_eq(sig, i->reg_vlan_sig)) {
            free(sig);
            continue;
        }
        struct ofproto_port_cfg cfg = {
            .tag = i->tag, .n_trunks = i->n_trunks, .trunks = i->trunks,
            .vlan_mode = i->vlan_mode,
        };
        int error = ofproto_port_set(b->ofproto, i->ofport, i->dp_port,
                                     i->name, &cfg);
        if (error) {
            char text[256];
            snprintf(text, sizeof text, "could not add network device %s to "
                     "ofproto (%s)", i->name, strerror(-error));
            VLOG_WARN("%s", text);
            replace_str(&i->error, text);
            free(sig);
            continue;
        }
        i->reg_ofport = i->ofport;
        i->reg_dp_port = i->dp_port;
        free(i->reg_vlan_sig);
        i->reg_vlan_sig = sig;
    }
}

/* ---- Status back into the store ---- */

static void format_mac(const uint8_t mac[6], char out[18])
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
             mac[2], mac[3], mac[4], mac[5]);
}

static void iface_write_status(struct iface *i)
{
    struct conf_iface_status st = { .ofport = -1, .mtu = -1 };
    for (int k = 0; k < 8; k++) {
        st.stats[k] = -1;
    }
    char mac[18];
    struct vport_status vs = { .link_up = -1, .mtu = -1 };  /* st points in */
    struct vport *vp = i->dp_port != DP_PORT_NONE
                       ? datapath_port_get(br.dp, i->dp_port) : NULL;
    st.error = i->error;
    if (vp) {
        st.ofport = i->ofport ? (int64_t) i->ofport : -1;
        if (vp->ops->get_status) {
            vp->ops->get_status(vp, &vs);
        }
        st.link_state = vs.link_up < 0 ? NULL : vs.link_up ? "up" : "down";
        st.admin_state = st.link_state;
        st.mtu = vs.mtu > 0 ? vs.mtu : -1;
        if (vs.has_mac) {
            format_mac(vs.mac, mac);
            st.mac_in_use = mac;
        }
        struct vport_stats s;
        vport_stats_read(vp, &s);
        const uint64_t v[8] = { s.rx_packets, s.rx_bytes, s.rx_dropped,
                                s.rx_errors, s.tx_packets, s.tx_bytes,
                                s.tx_dropped, s.tx_errors };
        for (int k = 0; k < 8; k++) {
            st.stats[k] = (int64_t) v[k];
        }
        if (!st.error && *vs.error) {
            st.error = vs.error;    /* the port type's configuration error */
        }
    }

    struct dstr text = DSTR_INIT;
    dstr_printf(&text, "%" PRId64 "|%s|%s|%s|%s|%" PRId64, st.ofport,
                st.error ? st.error : "", st.mac_in_use ? st.mac_in_use : "",
                st.admin_state ? st.admin_state : "",
                st.link_state ? st.link_state : "", st.mtu);
    for (int k = 0; k < 8; k++) {
        dstr_printf(&text, "|%" PRId64, st.stats[k]);
    }
    char *sig = dstr_steal(&text);
    if (str_eq(sig, i->status_sig)) {
        free(sig);
        return;
    }
    if (confdb_set_iface_status(br.db, i->name, &st)) {
        VLOG_WARN("%s: could not write interface status", i->name);
        free(sig);
        return;
    }
    free(i->status_sig);
    i->status_sig = sig;
}

static void write_all_status(void)
{
    for (size_t k = 0; k < br.n_bridges; k++) {
        struct bridge *b = br.bridges[k];
        for (size_t j = 0; j < b->n_ifaces; j++) {
            iface_write_status(b->ifaces[j]);
        }
    }
}

/* ---- Bridge other_config ---- */

/* The integer other_config:`key` of bridge `name` when it is one in
 * [min, max]; else (and with a warning when it is set) `def`. */
static long long other_config_num(const char *name,
                                  const struct conf_smap *m, const char *key,
                                  long long def, long long min, long long max)
{
    const char *s = m ? conf_smap_get(m, key) : NULL;
    if (!s || !*s) {
        return def;
    }
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end || errno || v < min || v > max) {
        VLOG_WARN("%s: bad other_config:%s=%s, using %lld", name, key, s,
                  def);
        return def;
    }
    return v;
}

/* other_config:`key` as OVS's smap_get_bool reads it: "true" or "false",
 * else (absent, or anything else, warned) `def`. */
static bool other_config_bool(const char *name, const struct conf_smap *m,
                              const char *key, bool def)
{
    const char *s = m ? conf_smap_get(m, key) : NULL;
    if (!s || !*s) {
        return def;
    }
    if (!strcmp(s, "true") || !strcmp(s, "false")) {
        return s[0] == 't';
    }
    VLOG_WARN("%s: bad other_config:%s=%s, using %s", name, key, s,
              def ? "true" : "false");
    return def;
}

void bridge_ofproto_settings(const char *name,
                             const struct conf_smap *other_config,
                             struct ofproto_settings *s)
{
    ofproto_settings_default(s);
    s->mac_table_size = (size_t) other_config_num(
        name, other_config, "mac-table-size", (long long) s->mac_table_size,
        1, 1000000);
    s->mac_aging_s = (unsigned) other_config_num(
        name, other_config, "mac-aging-time", s->mac_aging_s, 1, 1000000);
    s->flow_limit = (size_t) other_config_num(
        name, other_config, "flow-limit", (long long) s->flow_limit, 0,
        10000000);
    s->max_idle_ms = (uint64_t) other_config_num(
        name, other_config, "max-idle", (long long) s->max_idle_ms, 100,
        86400000);
    s->forward_bpdu = other_config_bool(name, other_config, "forward-bpdu",
                                        s->forward_bpdu);
}

/* ---- OpenFlow controllers ---- */

/* The hello bitmap of a Bridge's protocols column (none: every version
 * vswitch speaks).  OpenFlow11 and OpenFlow12 are accepted but not
 * spoken. */
static uint32_t protocols_bitmap(const struct conf_bridge *cb)
{
    static const char *const names[] = {
        "OpenFlow10", "OpenFlow11", "OpenFlow12", "OpenFlow13",
        "OpenFlow14", "OpenFlow15",
    };
    uint32_t bits = 0;
    for (size_t i = 0; i < cb->n_protocols; i++) {
        for (size_t v = 0; v < sizeof names / sizeof *names; v++) {
            if (!strcmp(cb->protocols[i], names[v])) {
                bits |= 1u << (v + 1);
            }
        }
    }
    if (cb->n_protocols && !(bits & OFP_SUPPORTED_VERSIONS)) {
        VLOG_WARN("bridge %s: none of the protocols allowed is spoken; "
                  "allowing every version", cb->name);
    }
    return bits & OFP_SUPPORTED_VERSIONS;
}

static void bridge_configure_controllers(struct bridge *b,
                                         const struct conf_bridge *cb)
{
    if (!b->connmgr) {
        return;
    }
    struct connmgr_controller *ctls = xcalloc(cb->n_controllers + 1,
                                              sizeof *ctls);
    for (size_t i = 0; i < cb->n_controllers; i++) {
        const struct conf_controller *cc = &cb->controllers[i];
        ctls[i].target = cc->target;
        ctls[i].max_backoff_ms = cc->max_backoff > 0
                                 && cc->max_backoff < INT32_MAX
                                 ? (int) cc->max_backoff : 0;
        ctls[i].probe_interval_ms = cc->inactivity_probe < 0 ? 0
                                    : cc->inactivity_probe == 0 ? -1
                                    : cc->inactivity_probe > INT32_MAX
                                    ? INT32_MAX
                                    : (int) cc->inactivity_probe;
    }
    enum connmgr_fail_mode fm = !strcmp(cb->fail_mode, "secure")
                                ? CONNMGR_FAIL_SECURE
                                : CONNMGR_FAIL_STANDALONE;
    connmgr_set_controllers(b->connmgr, ctls, cb->n_controllers,
                            protocols_bitmap(cb), fm);
    free(ctls);

    bridge_clear_ctls(b);
    b->ctls = xcalloc(cb->n_controllers + 1, sizeof *b->ctls);
    for (size_t i = 0; i < cb->n_controllers; i++) {
        struct bridge_ctl *bc = &b->ctls[b->n_ctls++];
        snprintf(bc->uuid, sizeof bc->uuid, "%s", cb->controllers[i].uuid);
        bc->target = xstrdup(cb->controllers[i].target);
        bc->is_connected = -1;
    }
}

/* Writes Controller:is_connected where it changed: checked on every pass
 * (a comparison per controller), written only on a change, so that
 * `vs-vsctl show` says so as soon as the connection is up or down. */
static void bridge_write_controller_status(struct bridge *b)
{
    for (size_t i = 0; i < b->n_ctls; i++) {
        struct bridge_ctl *bc = &b->ctls[i];
        int now = connmgr_target_connected(b->connmgr, bc->target);
        if (now != bc->is_connected
            && !confdb_set_controller_connected(br.db, bc->uuid, now)) {
            bc->is_connected = now;
        }
    }
}

/* ---- Reconfiguration ---- */

/* Marks what the snapshot names, creating structures for new bridges and
 * interfaces and unplugging the interfaces whose type or options changed. */
static bool mark_config(const struct conf *conf)
{
    bool changed = false;
    for (size_t k = 0; k < br.n_bridges; k++) {
        br.bridges[k]->seen = false;
        for (size_t j = 0; j < br.bridges[k]->n_ifaces; j++) {
            br.bridges[k]->ifaces[j]->seen = false;
            br.bridges[k]->ifaces[j]->cfg = NULL;
        }
    }
    for (size_t k = 0; k < conf->n_bridges; k++) {
        const struct conf_bridge *cb = &conf->bridges[k];
        struct bridge *b = bridge_find(cb->name);
        if (!b && !(b = bridge_create(cb->name))) {
            continue;
        }
        b->seen = true;
        for (size_t p = 0; p < cb->n_ports; p++) {
            const struct conf_port *cp = &cb->ports[p];
            for (size_t f = 0; f < cp->n_ifaces; f++) {
                const struct conf_iface *ci = &cp->ifaces[f];
                struct iface *i = bridge_find_iface(b, ci->name);
                if (!i) {
                    i = bridge_add_iface(b, ci);
                }
                if (i->seen) {
                    continue;   /* the same name twice: first one wins */
                }
                char *sig = smap_sig(&ci->options);
                const char *type = dp_type_of(ci->type);
                if (!str_eq(type, i->dp_type) || !str_eq(sig, i->opts_sig)) {
                    changed |= iface_unplug(b, i);
                    replace_str(&i->dp_type, type);
                    free(i->opts_sig);
                    i->opts_sig = sig;
                } else {
                    free(sig);
                }
                i->ofport_request = ci->ofport_request;
                i->cfg = ci;
                i->seen = true;
                iface_set_vlan(i, cp);
            }
        }
    }
    return changed;
}

/* Deletes the bridges and interfaces the snapshot no longer names. */
static bool sweep(void)
{
    bool changed = false;
    size_t kept = 0;
    for (size_t k = 0; k < br.n_bridges; k++) {
        struct bridge *b = br.bridges[k];
        if (b->seen) {
            changed |= bridge_sweep_ifaces(b);
            br.bridges[kept++] = b;
        } else {
            changed |= b->n_ifaces > 0;
            bridge_destroy(b);
        }
    }
    br.n_bridges = kept;
    return changed;
}

static bool plug_missing(void)
{
    bool changed = false;
    for (size_t k = 0; k < br.n_bridges; k++) {
        struct bridge *b = br.bridges[k];
        for (size_t j = 0; j < b->n_ifaces; j++) {
            struct iface *i = b->ifaces[j];
            if (i->dp_port == DP_PORT_NONE) {
                changed |= iface_plug(i);
            }
        }
    }
    return changed;
}

void bridge_reconfigure(void)
{
    uint64_t seqno = confdb_seqno(br.db);
    struct conf conf = { 0 };
    if (confdb_read_config(br.db, &conf)) {
        VLOG_ERR("could not read the configuration; keeping the current one");
        br.applied_seqno = seqno;
        return;
    }
    COVERAGE_INC(bridge_reconfigure);
    bool changed = mark_config(&conf);
    changed |= sweep();
    changed |= plug_missing();
    if (changed) {
        datapath_ports_changed(br.dp);
        if (br.fwd) {
            forwarder_ports_changed(br.fwd);
        }
    }
    for (size_t k = 0; k < br.n_bridges; k++) {
        struct bridge *b = br.bridges[k];
        bridge_assign_ofports(b);
        bridge_sync_ofproto(b);
        for (size_t c = 0; c < conf.n_bridges; c++) {
            if (!strcmp(conf.bridges[c].name, b->name) && b->ofproto) {
                struct ofproto_settings settings;
                bridge_ofproto_settings(b->name, &conf.bridges[c].other_config,
                                        &settings);
                ofproto_set_settings(b->ofproto, &settings);
                bridge_configure_controllers(b, &conf.bridges[c]);
            }
        }
        for (size_t j = 0; j < b->n_ifaces; j++) {
            b->ifaces[j]->cfg = NULL;   /* conf is freed below */
        }
    }
    write_all_status();
    conf_free(&conf);
    br.applied_seqno = seqno;
}

/* ---- vsctl/transact ---- */

static void transact_cb(struct unixctl_conn *conn, int argc,
                        const char *argv[], void *aux)
{
    (void) aux;
    char *result = NULL, *error = NULL;
    COVERAGE_INC(vsctl_transact);
    vsctl_transact_reply(br.db, argc - 1, argv + 1, &result, &error);
    /* Applied before the reply, so the caller's next command sees the
     * ports and their status (as ovs-vsctl waits for ovs-vswitchd). */
    if (confdb_seqno(br.db) != br.applied_seqno) {
        bridge_reconfigure();
    }
    if (error) {
        unixctl_reply_error(conn, error);
    } else {
        unixctl_reply(conn, result ? result : "");
    }
    free(result);
    free(error);
}

/* ---- Life cycle and main loop ---- */

int bridge_init(const char *db_path, char *err, size_t errlen)
{
    if (confdb_open(db_path, &br.db, err, errlen)) {
        return -1;
    }
    confdb_set_ovs_version(br.db, VSWITCH_VERSION);
    br.dp = datapath_create(BRIDGE_DATAPATH_NAME);
    if (!br.dp) {
        snprintf(err, errlen, "could not create the datapath");
        bridge_exit();
        return -1;
    }
    ofproto_register_commands();
    unixctl_command_register("vsctl/transact", "[ARG...]", 0, 4096,
                             transact_cb, NULL);
    bridge_reconfigure();
    int error = forwarder_start(br.dp, &br.fwd);
    if (error) {
        snprintf(err, errlen, "could not start the forwarding thread (%s)",
                 strerror(-error));
        bridge_exit();
        return -1;
    }
    return 0;
}

void bridge_exit(void)
{
    forwarder_stop(br.fwd);
    br.fwd = NULL;
    for (size_t k = 0; k < br.n_bridges; k++) {
        bridge_destroy(br.bridges[k]);
    }
    free(br.bridges);
    br.bridges = NULL;
    br.n_bridges = 0;
    if (br.dp) {
        datapath_destroy(br.dp);
        br.dp = NULL;
    }
    confdb_close(br.db);
    br.db = NULL;
}

void bridge_run(void)
{
    if (!br.dp) {
        return;
    }
    COVERAGE_ADD(upcalls, ofproto_drain_upcalls(br.dp, UPCALL_BATCH));

    if (confdb_seqno(br.db) != br.applied_seqno) {
        bridge_reconfigure();
    }
    for (size_t k = 0; k < br.n_bridges; k++) {
        if (br.bridges[k]->connmgr) {
            connmgr_run(br.bridges[k]->connmgr);
            bridge_write_controller_status(br.bridges[k]);
        }
    }
    uint64_t now = dp_time_ms();
    if (now >= br.next_run_ms) {
        ofproto_run_all(now);
        br.next_run_ms = now + RUN_INTERVAL_MS;
    }
    if (now >= br.next_status_ms) {
        write_all_status();
        br.next_status_ms = now + STATUS_INTERVAL_MS;
    }
}

int bridge_pollfds(struct pollfd *fds, int max, int *timeout_ms)
{
    if (!br.dp || max < 1) {
        return 0;
    }
    uint64_t now = dp_time_ms();
    uint64_t next = br.next_run_ms < br.next_status_ms ? br.next_run_ms
                                                       : br.next_status_ms;
    int wait = next > now ? (int) (next - now) : 0;
    if (wait < *timeout_ms) {
        *timeout_ms = wait;
    }
    fds[0] = (struct pollfd) { .fd = datapath_upcall_fd(br.dp),
                               .events = POLLIN };
    int n = 1;
    for (size_t k = 0; k < br.n_bridges && n < max; k++) {
        if (br.bridges[k]->connmgr) {
            n += connmgr_pollfds(br.bridges[k]->connmgr, fds + n, max - n,
                                 timeout_ms);
        }
    }
    return n;
}

void bridge_set_rundir(const char *rundir)
{
    free(br.rundir);
    br.rundir = rundir ? xstrdup(rundir) : NULL;
}

struct datapath *bridge_datapath(void)
{
    return br.dp;
}
