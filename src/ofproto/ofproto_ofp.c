/* What each OpenFlow message does to a bridge (see ofproto_ofp.h). */
#include "ofproto/ofproto_ofp.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net/if.h>

#include "dp/datapath.h"
#include "dp/meter.h"
#include "dp/vport/netdev_util.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofp/match_wire.h"
#include "ofproto/connmgr.h"
#include "ofproto/group.h"
#include "ofproto/ofproto_private.h"

VLOG_DEFINE_THIS_MODULE(ofproto_ofp);

#define VSWITCH_SW_VERSION "0.1"

/* Tables OpenFlow sees: 0..253 (OVS 3.1 reports 254; its table 254 is
 * hidden and read-only). */
#define N_VISIBLE_TABLES 254
#define TABLE_MAX_ENTRIES 1000000

/* Bundle limits. */
#define BUNDLE_MAX_MSGS 1000000
#define BUNDLES_PER_CONN 16

/* ---- bundles ---- */

struct bmsg {
    uint8_t *raw;               /* the inner message, for its error reply */
    size_t raw_len;
    enum ofptype type;          /* FLOW_MOD, PORT_MOD or GROUP_MOD */
    struct ofp_flow_mod fm;
    struct ofp_port_mod pm;
    struct ofp_group_mod gm;    /* groups */
};

struct bundle {
    struct ofconn *conn;
    uint32_t id;
    uint16_t flags;
    bool closed;
    struct bmsg *msgs;
    size_t n, cap;
    struct bundle *next;
};

/* meters: one OpenFlow meter of the bridge, on datapath meter dp_id. */
struct ofmeter {
    uint32_t id;
    uint32_t dp_id;
    uint16_t flags;
    uint16_t n_bands;
    struct ofp_meter_band bands[DP_METER_MAX_BANDS];
    uint64_t created_ms;
};

struct ofp_state {
    struct bundle *bundles;
    struct ofmeter *meters;     /* meters: sorted by id */
    size_t n_meters;
};

static void bundle_free(struct bundle *b)
{
    for (size_t i = 0; i < b->n; i++) {
        if (b->msgs[i].type == OFPTYPE_FLOW_MOD) {
            ofp_flow_mod_free(&b->msgs[i].fm);
        }
        if (b->msgs[i].type == OFPTYPE_GROUP_MOD) {
            ofp_group_mod_free(&b->msgs[i].gm);
        }
        free(b->msgs[i].raw);
    }
    free(b->msgs);
    free(b);
}

static void state_free(struct ofproto *ofp)
{
    struct ofp_state *st = ofp->ofp_state;
    if (!st) {
        return;
    }
    while (st->bundles) {
        struct bundle *b = st->bundles;
        st->bundles = b->next;
        bundle_free(b);
    }
    for (size_t i = 0; i < st->n_meters; i++) {     /* meters */
        dp_meter_del(datapath_meters(ofp->dp), st->meters[i].dp_id);
    }
    free(st->meters);
    free(st);
    ofp->ofp_state = NULL;
}

static struct ofp_state *state_of(struct ofproto *ofp)
{
    if (!ofp->ofp_state) {
        ofp->ofp_state = xcalloc(1, sizeof(struct ofp_state));
        ofp->ofp_state_free = state_free;
    }
    return ofp->ofp_state;
}

static struct bundle *bundle_find(struct ofp_state *st, struct ofconn *conn,
                                  uint32_t id)
{
    for (struct bundle *b = st->bundles; b; b = b->next) {
        if (b->conn == conn && b->id == id) {
            return b;
        }
    }
    return NULL;
}

static void bundle_remove(struct ofp_state *st, struct bundle *b)
{
    for (struct bundle **pp = &st->bundles; *pp; pp = &(*pp)->next) {
        if (*pp == b) {
            *pp = b->next;
            break;
        }
    }
    bundle_free(b);
}

static size_t bundles_of_conn(const struct ofp_state *st,
                              const struct ofconn *conn)
{
    size_t n = 0;
    for (const struct bundle *b = st->bundles; b; b = b->next) {
        n += b->conn == conn;
    }
    return n;
}

/* Opens bundle `id` of `conn` (open request, or the first add naming it):
 * 0, or the error for bad flags or too many bundles. */
static int bundle_open(struct ofp_state *st, struct ofconn *conn, uint32_t id,
                       uint16_t flags, struct bundle **out)
{
    if (flags & ~(OFPBF_ATOMIC | OFPBF_ORDERED)) {
        return -OFPERR_OFPBFC_BAD_FLAGS;
    }
    if (bundles_of_conn(st, conn) >= BUNDLES_PER_CONN) {
        return -OFPERR_OFPBFC_OUT_OF_BUNDLES;
    }
    struct bundle *b = xcalloc(1, sizeof *b);
    b->conn = conn;
    b->id = id;
    b->flags = flags;
    b->next = st->bundles;
    st->bundles = b;
    *out = b;
    return 0;
}

void ofproto_ofp_conn_closed(struct ofproto *ofp, struct ofconn *conn)
{
    if (!ofp || !ofp->ofp_state) {
        return;
    }
    struct ofp_state *st = ofp->ofp_state;
    struct bundle **pp = &st->bundles;
    while (*pp) {
        struct bundle *b = *pp;
        if (b->conn == conn) {
            *pp = b->next;
            bundle_free(b);
        } else {
            pp = &b->next;
        }
    }
}

/* ---- the journal: flow table changes that can be undone ---- */

enum jtype { J_ADD, J_DEL, J_MOD, J_GROUP };

struct jent {
    enum jtype type;
    struct rule *r;             /* ADD: the new rule; DEL, MOD: the rule */
    struct rule *old;           /* ADD: the rule it replaced, or NULL */
    /* MOD: what the rule had. */
    struct ofpact *acts;
    size_t n_acts;
    uint64_t cookie, n_packets, n_bytes, modified_ms;
    uint8_t reason;             /* DEL: OFPRR_DELETE or OFPRR_GROUP_DELETE */
    /* GROUP: group `gid` was `gold` (NULL: none) and is `gnew` (NULL:
     * deleted). */
    uint32_t gid;
    struct ofgroup *gold, *gnew;
};

struct journal {
    struct jent *e;
    size_t n, cap;
    bool changed_ports;
};

static struct jent *journal_add(struct journal *j, enum jtype type,
                                struct rule *r)
{
    if (j->n == j->cap) {
        j->cap = j->cap ? 2 * j->cap : 16;
        j->e = xrealloc(j->e, j->cap * sizeof *j->e);
    }
    struct jent *e = &j->e[j->n++];
    memset(e, 0, sizeof *e);
    e->type = type;
    e->r = r;
    e->reason = OFPRR_DELETE;
    return e;
}

/* Undoes every change, newest first. */
static void journal_undo(struct ofproto *ofp, struct journal *j)
{
    for (size_t i = j->n; i-- > 0;) {
        struct jent *e = &j->e[i];
        if (e->type == J_GROUP) {
            if (e->gnew) {
                group_free(group_table_remove(ofp->groups, e->gid));
            }
            if (e->gold) {
                group_table_insert(ofp->groups, e->gold);
            }
            continue;
        }
        struct oftable *t = ofp->tables[e->r->table_id];
        switch (e->type) {
        case J_ADD:
            oftable_remove(t, e->r);
            rule_unref(e->r);
            if (e->old) {
                oftable_insert(t, e->old);
            }
            break;
        case J_DEL:
            oftable_insert(t, e->r);
            break;
        case J_MOD:
            ofpacts_free(e->r->acts, e->r->n_acts);
            e->r->acts = e->acts;
            e->r->n_acts = e->n_acts;
            rule_note_actions(e->r);
            e->r->cookie = e->cookie;
            e->r->n_packets = e->n_packets;
            e->r->n_bytes = e->n_bytes;
            e->r->modified_ms = e->modified_ms;
            break;
        case J_GROUP:
            break;
        }
    }
    free(j->e);
    memset(j, 0, sizeof *j);
}

/* Makes the changes final: flow_removed for the deleted rules that asked,
 * the references of the rules taken out dropped. */
static void journal_commit(struct ofproto *ofp, struct journal *j,
                           uint64_t now_ms)
{
    for (size_t i = 0; i < j->n; i++) {
        struct jent *e = &j->e[i];
        switch (e->type) {
        case J_ADD:
            rule_unref(e->old);
            break;
        case J_DEL:
            ofproto_rule_send_removed(ofp, e->r, e->reason, now_ms);
            rule_unref(e->r);
            break;
        case J_MOD:
            ofpacts_free(e->acts, e->n_acts);
            break;
        case J_GROUP:
            group_free(e->gold);
            break;
        }
    }
    free(j->e);
    memset(j, 0, sizeof *j);
}

/* ---- flow mods ---- */

static int check_output_port(uint32_t port)
{
    switch (port) {
    case OFPP_IN_PORT: case OFPP_TABLE: case OFPP_NORMAL: case OFPP_FLOOD:
    case OFPP_ALL: case OFPP_CONTROLLER: case OFPP_LOCAL:
        return 0;
    default:
        /* As OVS: any number below OFPP_MAX, whether the port exists or
         * not (it may come later). */
        return port < OFPP_MAX ? 0 : -OFPERR_OFPBAC_BAD_OUT_PORT;
    }
}

/* The actions' checks of OVS's ofpacts_check for a rule in `table_id`
 * (OFPTT_ALL: the table is not known yet; packet_out). */
static int check_actions(const struct ofpact *acts, size_t n,
                         uint8_t table_id, const struct ofp_match *match)
{
    for (size_t i = 0; i < n; i++) {
        const struct ofpact *a = &acts[i];
        int err = 0;
        switch (a->type) {
        case OFPACT_OUTPUT:
            err = check_output_port(a->output.port);
            break;
        case OFPACT_LEARN:
            /* learn: OVS's check_LEARN against the flow's match (the
             * decoder checked what does not depend on it). */
            if (match) {
                err = ofpact_learn_check(a->learn, &match->value,
                                         &match->mask);
            }
            break;
        case OFPACT_GOTO_TABLE:
            if (a->u8 >= N_VISIBLE_TABLES
                || (table_id != OFPTT_ALL && a->u8 <= table_id)) {
                err = -OFPERR_OFPBIC_BAD_TABLE_ID;
            }
            break;
        default:
            break;
        }
        if (err) {
            return err;
        }
    }
    return 0;
}

/* Checks of a flow_mod that do not depend on the tables' contents. */
static int check_flow_mod(const struct ofp_flow_mod *fm)
{
    if (fm->command > OFPFC_DELETE_STRICT) {
        return -OFPERR_OFPFMFC_BAD_COMMAND;
    }
    bool is_add = fm->command == OFPFC_ADD;
    bool is_mod = fm->command == OFPFC_MODIFY
                  || fm->command == OFPFC_MODIFY_STRICT;
    if (fm->table_id != OFPTT_ALL && fm->table_id >= N_VISIBLE_TABLES) {
        /* OVS: its last table is hidden and read-only. */
        return -OFPERR_OFPBRC_EPERM;
    }
    if (is_add || is_mod) {
        if (fm->buffer_id != OFP_NO_BUFFER) {
            return -OFPERR_OFPBRC_BUFFER_UNKNOWN;
        }
        int err = check_actions(fm->acts, fm->n_acts,
                                is_add && fm->table_id == OFPTT_ALL
                                ? 0 : fm->table_id, &fm->match);
        if (err) {
            return err;
        }
    }
    return 0;
}

static bool rule_outputs_to(const struct rule *r, uint32_t port)
{
    for (size_t i = 0; i < r->n_acts; i++) {
        const struct ofpact *a = &r->acts[i];
        if ((a->type == OFPACT_OUTPUT || a->type == OFPACT_CONTROLLER)
            && a->output.port == port) {
            return true;
        }
    }
    return false;
}

/* True when `r` is selected by the flow_mod's (or stats request's)
 * criteria. */
static bool rule_selected(const struct rule *r, const struct ofp_match *m,
                          uint16_t priority, bool strict, uint64_t cookie,
                          uint64_t cookie_mask, uint32_t out_port,
                          uint32_t out_group)
{
    if ((r->cookie ^ cookie) & cookie_mask) {
        return false;
    }
    if (out_port != OFPP_NONE && !rule_outputs_to(r, out_port)) {
        return false;
    }
    if (out_group != OFPG_ANY) {
        return false;           /* no rule has group actions */
    }
    if (strict) {
        return r->priority == priority && ofp_match_equal(&r->match, m);
    }
    return ofp_match_covers(m, &r->match);
}

/* The rules a flow_mod or a stats request selects, in table order then
 * priority order.  *n receives the count; malloc'd. */
static struct rule **collect_rules(struct ofproto *ofp, uint8_t table_id,
                                   const struct ofp_match *m,
                                   uint16_t priority, bool strict,
                                   uint64_t cookie, uint64_t cookie_mask,
                                   uint32_t out_port, uint32_t out_group,
                                   size_t *n)
{
    struct rule **out = NULL;
    size_t n_out = 0, cap = 0;
    int first = table_id == OFPTT_ALL ? 0 : table_id;
    int last = table_id == OFPTT_ALL ? OFP_N_TABLES - 1 : table_id;
    for (int t = first; t <= last; t++) {
        struct oftable *tab = ofp->tables[t];
        if (!oftable_count(tab)) {
            continue;
        }
        if (strict) {
            struct rule *r = oftable_find_strict(tab, m, priority);
            if (r && rule_selected(r, m, priority, true, cookie, cookie_mask,
                                   out_port, out_group)) {
                if (n_out == cap) {
                    cap = cap ? 2 * cap : 8;
                    out = xrealloc(out, cap * sizeof *out);
                }
                out[n_out++] = r;
            }
            continue;
        }
        size_t k;
        struct rule **rules = oftable_rules(tab, &k);
        for (size_t i = 0; i < k; i++) {
            if (rule_selected(rules[i], m, priority, false, cookie,
                              cookie_mask, out_port, out_group)) {
                if (n_out == cap) {
                    cap = cap ? 2 * cap : 8;
                    out = xrealloc(out, cap * sizeof *out);
                }
                out[n_out++] = rules[i];
            }
        }
        free(rules);
    }
    *n = n_out;
    return out;
}

/* True when some rule of `t` with priority `priority` could match a packet
 * `m` matches (OFPFF_CHECK_OVERLAP). */
static bool overlaps(struct oftable *t, const struct ofp_match *m,
                     uint16_t priority)
{
    size_t n;
    struct rule **rules = oftable_rules(t, &n);
    bool found = false;
    for (size_t i = 0; i < n && !found; i++) {
        const struct rule *r = rules[i];
        if (r->priority != priority) {
            continue;
        }
        /* They overlap unless they disagree on a bit both match. */
        const uint64_t *av = (const uint64_t *) &r->match.value;
        const uint64_t *am = (const uint64_t *) &r->match.mask;
        const uint64_t *bv = (const uint64_t *) &m->value;
        const uint64_t *bm = (const uint64_t *) &m->mask;
        bool disjoint = false;
        for (size_t w = 0; w < sizeof(struct xflow) / 8; w++) {
            if ((av[w] ^ bv[w]) & am[w] & bm[w]) {
                disjoint = true;
                break;
            }
        }
        found = !disjoint;
    }
    free(rules);
    return found;
}

/* groups: as OVS's ofproto_check_ofpacts, a group action must name a group
 * that exists. */
static int check_groups(struct ofproto *ofp, const struct ofpact *acts,
                        size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (acts[i].type == OFPACT_GROUP
            && !group_table_find(ofp->groups, acts[i].group.id)) {
            return -OFPERR_OFPBAC_BAD_OUT_GROUP;
        }
    }
    return 0;
}

static int add_flow(struct ofproto *ofp, const struct ofp_flow_mod *fm,
                    struct journal *j, uint64_t now_ms)
{
    int gerr = check_groups(ofp, fm->acts, fm->n_acts);
    if (gerr) {
        return gerr;
    }
    uint8_t table = fm->table_id == OFPTT_ALL ? 0 : fm->table_id;
    struct oftable *t = ofp->tables[table];
    struct rule *old = oftable_find_strict(t, &fm->match, fm->priority);
    if (!old && fm->flags & OFPFF_CHECK_OVERLAP
        && overlaps(t, &fm->match, fm->priority)) {
        return -OFPERR_OFPFMFC_OVERLAP;
    }
    struct ofp_flow_spec spec;
    memset(&spec, 0, sizeof spec);
    spec.match = fm->match;
    spec.priority = fm->priority;
    spec.table_id = table;
    spec.cookie = fm->new_cookie != UINT64_MAX ? fm->new_cookie : fm->cookie;
    spec.idle_timeout = fm->idle_timeout;
    spec.hard_timeout = fm->hard_timeout;
    spec.acts = fm->acts;
    spec.n_acts = fm->n_acts;
    struct rule *r = rule_create(&spec, table, now_ms);
    r->flags = fm->flags;
    r->importance = fm->importance;
    if (old && !(fm->flags & OFPFF_RESET_COUNTS)) {
        r->n_packets = old->n_packets;
        r->n_bytes = old->n_bytes;
    }
    struct rule *replaced = oftable_insert(t, r);
    struct jent *e = journal_add(j, J_ADD, r);
    e->old = replaced;
    return 0;
}

static int modify_flows(struct ofproto *ofp, const struct ofp_flow_mod *fm,
                        bool strict, struct journal *j, uint64_t now_ms)
{
    size_t n;
    struct rule **rules = collect_rules(ofp, fm->table_id, &fm->match,
                                        fm->priority, strict, fm->cookie,
                                        fm->cookie_mask, OFPP_NONE, OFPG_ANY,
                                        &n);
    if (!n) {
        free(rules);
        /* As OVS: a modify that selects nothing adds the flow when it
         * sets a cookie and selects none (OpenFlow 1.0's modify). */
        if (fm->new_cookie != UINT64_MAX && !fm->cookie_mask) {
            return add_flow(ofp, fm, j, now_ms);
        }
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        int err = check_actions(fm->acts, fm->n_acts, rules[i]->table_id,
                                NULL);
        if (!err) {
            err = check_groups(ofp, fm->acts, fm->n_acts);
        }
        if (err) {
            free(rules);
            return err;
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct rule *r = rules[i];
        struct jent *e = journal_add(j, J_MOD, r);
        e->acts = r->acts;
        e->n_acts = r->n_acts;
        e->cookie = r->cookie;
        e->n_packets = r->n_packets;
        e->n_bytes = r->n_bytes;
        e->modified_ms = r->modified_ms;
        r->acts = NULL;
        r->n_acts = 0;
        rule_set_actions(r, fm->acts, fm->n_acts);
        if (fm->new_cookie != UINT64_MAX) {
            r->cookie = fm->new_cookie;
        }
        if (fm->flags & OFPFF_RESET_COUNTS) {
            r->n_packets = r->n_bytes = 0;
        }
        r->modified_ms = now_ms;
    }
    free(rules);
    return 0;
}

static int delete_flows(struct ofproto *ofp, const struct ofp_flow_mod *fm,
                        bool strict, struct journal *j)
{
    size_t n;
    struct rule **rules = collect_rules(ofp, fm->table_id, &fm->match,
                                        fm->priority, strict, fm->cookie,
                                        fm->cookie_mask, fm->out_port,
                                        fm->out_group, &n);
    for (size_t i = 0; i < n; i++) {
        oftable_remove(ofp->tables[rules[i]->table_id], rules[i]);
        journal_add(j, J_DEL, rules[i]);
    }
    free(rules);
    return 0;
}

static int check_meters(struct ofproto *ofp, const struct ofpact *acts,
                        size_t n);

static int apply_flow_mod(struct ofproto *ofp, const struct ofp_flow_mod *fm,
                          struct journal *j, uint64_t now_ms)
{
    int err = check_flow_mod(fm);
    if (!err && (fm->command == OFPFC_ADD || fm->command == OFPFC_MODIFY
                 || fm->command == OFPFC_MODIFY_STRICT)) {
        err = check_meters(ofp, fm->acts, fm->n_acts);
    }
    if (err) {
        return err;
    }
    switch (fm->command) {
    case OFPFC_ADD:
        return add_flow(ofp, fm, j, now_ms);
    case OFPFC_MODIFY:
        return modify_flows(ofp, fm, false, j, now_ms);
    case OFPFC_MODIFY_STRICT:
        return modify_flows(ofp, fm, true, j, now_ms);
    case OFPFC_DELETE:
        return delete_flows(ofp, fm, false, j);
    case OFPFC_DELETE_STRICT:
        return delete_flows(ofp, fm, true, j);
    }
    return -OFPERR_OFPFMFC_BAD_COMMAND;
}

static int handle_flow_mod(struct ofproto *ofp, struct ofconn *conn,
                           const struct ofp_msg *msg)
{
    struct ofp_flow_mod fm;
    memset(&fm, 0, sizeof fm);
    int err = ofp_decode_flow_mod(msg, ofconn_table_id_enabled(conn), &fm);
    if (err) {
        ofp_flow_mod_free(&fm);
        return err;
    }
    uint64_t now = dp_time_ms();
    ofproto_pull_stats_all();   /* rules changing get what they carried */
    struct journal j;
    memset(&j, 0, sizeof j);
    err = apply_flow_mod(ofp, &fm, &j, now);
    bool changed = j.n > 0;
    if (err) {
        journal_undo(ofp, &j);
    } else {
        journal_commit(ofp, &j, now);
    }
    ofp_flow_mod_free(&fm);
    if (changed && !err) {
        ofproto_revalidate(ofp);
    }
    return err;
}

/* ---- group mods (groups) ---- */

static bool rule_uses_group(const struct rule *r, uint32_t id)
{
    for (size_t i = 0; i < r->n_acts; i++) {
        if (r->acts[i].type == OFPACT_GROUP && r->acts[i].group.id == id) {
            return true;
        }
    }
    return false;
}

/* The group ids the rules' actions name, each rule counting once per
 * group (OVS's ref_count), sorted: one pass over the tables. */
static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
    return x < y ? -1 : x > y;
}

static uint32_t *group_refs(struct ofproto *ofp, size_t *n_out)
{
    uint32_t *ids = NULL;
    size_t n = 0, cap = 0;
    for (int t = 0; t < OFP_N_TABLES; t++) {
        if (!oftable_count(ofp->tables[t])) {
            continue;
        }
        size_t nr;
        struct rule **rules = oftable_rules(ofp->tables[t], &nr);
        for (size_t i = 0; i < nr; i++) {
            const struct rule *r = rules[i];
            for (size_t k = 0; k < r->n_acts; k++) {
                if (r->acts[k].type != OFPACT_GROUP) {
                    continue;
                }
                uint32_t id = r->acts[k].group.id;
                bool seen = false;
                for (size_t e = 0; e < k && !seen; e++) {
                    seen = r->acts[e].type == OFPACT_GROUP
                           && r->acts[e].group.id == id;
                }
                if (!seen) {
                    if (n == cap) {
                        cap = cap ? 2 * cap : 64;
                        ids = xrealloc(ids, cap * sizeof *ids);
                    }
                    ids[n++] = id;
                }
            }
        }
        free(rules);
    }
    if (n) {
        qsort(ids, n, sizeof *ids, cmp_u32);
    }
    *n_out = n;
    return ids;
}

static uint32_t count_refs(const uint32_t *ids, size_t n, uint32_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    uint32_t c = 0;
    while (lo < n && ids[lo] == id) {
        c++;
        lo++;
    }
    return c;
}

static void journal_group(struct journal *j, uint32_t id,
                          struct ofgroup *gold, struct ofgroup *gnew)
{
    struct jent *e = journal_add(j, J_GROUP, NULL);
    e->gid = id;
    e->gold = gold;
    e->gnew = gnew;
}

static bool rule_uses_any_group(const struct rule *r)
{
    for (size_t i = 0; i < r->n_acts; i++) {
        if (r->acts[i].type == OFPACT_GROUP) {
            return true;
        }
    }
    return false;
}

/* Deletes group `id` (OFPG_ALL: every group) and, as OVS, the flows whose
 * actions name it (one pass over the tables either way). */
static void delete_group(struct ofproto *ofp, uint32_t id, struct journal *j)
{
    if (id == OFPG_ALL) {
        if (!group_table_count(ofp->groups)) {
            return;
        }
        while (group_table_count(ofp->groups)) {
            uint32_t gid = group_table_at(ofp->groups, 0)->group_id;
            journal_group(j, gid, group_table_remove(ofp->groups, gid), NULL);
        }
    } else {
        struct ofgroup *g = group_table_remove(ofp->groups, id);
        if (!g) {
            return;
        }
        journal_group(j, id, g, NULL);
    }
    for (int t = 0; t < OFP_N_TABLES; t++) {
        if (!oftable_count(ofp->tables[t])) {
            continue;
        }
        size_t nr;
        struct rule **rules = oftable_rules(ofp->tables[t], &nr);
        for (size_t i = 0; i < nr; i++) {
            if (id == OFPG_ALL ? rule_uses_any_group(rules[i])
                               : rule_uses_group(rules[i], id)) {
                oftable_remove(ofp->tables[t], rules[i]);
                journal_add(j, J_DEL, rules[i])->reason = OFPRR_GROUP_DELETE;
            }
        }
        free(rules);
    }
}

static int add_group(struct ofproto *ofp, const struct ofp_group_mod *gm,
                     struct journal *j, uint64_t now_ms)
{
    if (group_table_find(ofp->groups, gm->group_id)) {
        return -OFPERR_OFPGMFC_GROUP_EXISTS;
    }
    if (gm->group_id > OFPG_MAX) {
        return -OFPERR_OFPGMFC_INVALID_GROUP;
    }
    if (gm->type > OFPGT_FF) {
        return -OFPERR_OFPGMFC_BAD_TYPE;
    }
    struct ofgroup *g = group_create(gm, now_ms);
    group_table_insert(ofp->groups, g);
    journal_group(j, gm->group_id, NULL, g);
    return 0;
}

static int modify_group(struct ofproto *ofp, const struct ofp_group_mod *gm,
                        struct journal *j, uint64_t now_ms)
{
    struct ofgroup *old = group_table_find(ofp->groups, gm->group_id);
    if (!old) {
        return -OFPERR_OFPGMFC_UNKNOWN_GROUP;
    }
    if (gm->group_id > OFPG_MAX) {
        return -OFPERR_OFPGMFC_INVALID_GROUP;
    }
    if (gm->type > OFPGT_FF) {
        return -OFPERR_OFPGMFC_BAD_TYPE;
    }
    struct ofgroup *g;
    int err = group_modified(old, gm, now_ms, &g);
    if (err) {
        return err;
    }
    group_table_insert(ofp->groups, g);
    journal_group(j, gm->group_id, old, g);
    return 0;
}

static int apply_group_mod(struct ofproto *ofp, const struct ofp_group_mod *gm,
                           struct journal *j, uint64_t now_ms)
{
    switch (gm->command) {
    case OFPGC_ADD:
        return add_group(ofp, gm, j, now_ms);
    case OFPGC_MODIFY:
    case OFPGC_INSERT_BUCKET:
    case OFPGC_REMOVE_BUCKET:
        return modify_group(ofp, gm, j, now_ms);
    case OFPGC_ADD_OR_MOD:
        return group_table_find(ofp->groups, gm->group_id)
               ? modify_group(ofp, gm, j, now_ms)
               : add_group(ofp, gm, j, now_ms);
    case OFPGC_DELETE:
        delete_group(ofp, gm->group_id, j);
        return 0;
    default:
        return -OFPERR_OFPGMFC_BAD_COMMAND;
    }
}

static int handle_group_mod(struct ofproto *ofp, const struct ofp_msg *msg)
{
    struct ofp_group_mod gm;
    int err = ofp_decode_group_mod(msg, &gm);
    if (err) {
        return err;
    }
    uint64_t now = dp_time_ms();
    ofproto_pull_stats_all();   /* groups replaced get what they carried */
    struct journal j;
    memset(&j, 0, sizeof j);
    err = apply_group_mod(ofp, &gm, &j, now);
    bool changed = j.n > 0;
    if (err) {
        journal_undo(ofp, &j);
    } else {
        journal_commit(ofp, &j, now);
    }
    ofp_group_mod_free(&gm);
    if (changed && !err) {
        ofproto_revalidate(ofp);
    }
    return err;
}

/* ---- port mod ---- */

static int check_port_mod(struct ofproto *ofp, const struct ofp_port_mod *pm,
                          struct ofport **portp)
{
    struct ofport *p = (struct ofport *) ofproto_port_by_ofport(ofp,
                                                                pm->port_no);
    if (!p) {
        return -OFPERR_OFPPMFC_BAD_PORT;
    }
    struct ofp_phy_port pp;
    ofproto_port_describe(ofp, p, &pp);
    if (memcmp(pp.hw_addr, pm->hw_addr, 6)) {
        return -OFPERR_OFPPMFC_BAD_HW_ADDR;
    }
    *portp = p;
    return 0;
}

static void apply_port_mod(struct ofproto *ofp, struct ofport *p,
                           const struct ofp_port_mod *pm)
{
    const uint32_t settable = OFPPC_PORT_DOWN | OFPPC_NO_RECV | OFPPC_NO_FWD
                              | OFPPC_NO_PACKET_IN | OFPPC10_NO_FLOOD;
    uint32_t mask = pm->mask & settable;
    uint32_t config = (p->config & ~mask) | (pm->config & mask);
    if (config == p->config) {
        return;
    }
    uint32_t changed = config ^ p->config;
    p->config = config;
    /* PORT_DOWN: xlate neither sends nor receives on the port, and a
     * device of the host (system and internal ports) is set down or up
     * too, as OVS does. */
    struct vport *vp = datapath_port_get(ofp->dp, p->dp_port);
    if (changed & OFPPC_PORT_DOWN && vp && vp->ops
        && (!strcmp(vp->ops->type, "system")
            || !strcmp(vp->ops->type, "internal"))) {
        bool down = config & OFPPC_PORT_DOWN;
        int err = netdev_update_flags(vp->name, down ? 0 : IFF_UP,
                                      down ? IFF_UP : 0);
        if (err) {
            VLOG_WARN("%s: setting %s %s failed (%s)", ofp->name, vp->name,
                      down ? "down" : "up", strerror(-err));
        }
    }
    if (ofp->connmgr) {
        struct ofp_phy_port pp;
        ofproto_port_describe(ofp, p, &pp);
        p->link_up = (pp.state & OFPPS_LINK_DOWN) ? 0 : 1;
        connmgr_send_port_status(ofp->connmgr, OFPPR_MODIFY, &pp);
    }
    ofp->need_revalidate = true;
}

static int handle_port_mod(struct ofproto *ofp, const struct ofp_msg *msg)
{
    struct ofp_port_mod pm;
    memset(&pm, 0, sizeof pm);
    int err = ofp_decode_port_mod(msg, &pm);
    if (err) {
        return err;
    }
    struct ofport *p;
    err = check_port_mod(ofp, &pm, &p);
    if (err) {
        return err;
    }
    apply_port_mod(ofp, p, &pm);
    if (ofp->need_revalidate) {
        ofproto_revalidate(ofp);
    }
    return 0;
}

/* ---- packet out ---- */

static int handle_packet_out(struct ofproto *ofp, const struct ofp_msg *msg)
{
    struct ofp_packet_out po;
    memset(&po, 0, sizeof po);
    int err = ofp_decode_packet_out(msg, &po);
    if (err) {
        ofp_packet_out_free(&po);
        return err;
    }
    if (po.buffer_id != OFP_NO_BUFFER) {
        err = -OFPERR_OFPBRC_BUFFER_UNKNOWN;
    } else if (po.in_port >= OFPP_MAX && po.in_port != OFPP_LOCAL
               && po.in_port != OFPP_CONTROLLER && po.in_port != OFPP_NONE) {
        err = -OFPERR_OFPBRC_BAD_PORT;
    } else {
        err = check_actions(po.acts, po.n_acts, OFPTT_ALL, NULL);
        if (!err) {
            err = check_meters(ofp, po.acts, po.n_acts);
        }
        if (!err) {
            err = check_groups(ofp, po.acts, po.n_acts);
        }
    }
    if (!err) {
        const struct xflow *md = NULL;
        if (!xflow_is_zero(&po.match.mask)) {
            md = &po.match.value;
        }
        ofproto_execute_frame(ofp, po.packet, po.len, po.in_port, md,
                              po.acts, po.n_acts);
        if (ofp->need_revalidate) {
            ofproto_revalidate(ofp);
        }
    }
    ofp_packet_out_free(&po);
    return err;
}

/* NXT_RESUME: the continuation of one of our NXT_PACKET_IN2s, handed back
 * with the packet and its metadata.  Everything in it is checked: a
 * continuation of another bridge (or of none) is NXR_STALE, as OVS says;
 * bad properties or actions get their decoding error.  The rest of the
 * actions then runs on the packet as a packet_out's do. */
static int handle_resume(struct ofproto *ofp, const struct ofp_msg *msg)
{
    struct ofp_resume r;
    int err = ofp_decode_resume(msg, &r);
    if (err) {
        return err;
    }
    if (!r.continuation) {
        return -OFPERR_NXR_STALE;       /* nothing to resume */
    }
    struct ofp_continuation *k = xmalloc(sizeof *k);
    err = ofp_decode_continuation(r.continuation, r.continuation_len,
                                  msg->version, k);
    if (!err && memcmp(k->bridge, ofp->uuid, sizeof k->bridge)) {
        err = -OFPERR_NXR_STALE;
    }
    for (size_t g = 0; !err && g < k->n_groups; g++) {
        err = check_actions(k->groups[g].acts, k->groups[g].n_acts,
                            OFPTT_ALL, NULL);
    }
    uint32_t in_port = r.metadata.value.in_port;
    if (!err && !r.metadata.mask.in_port) {
        in_port = OFPP_NONE;        /* a metadata without in_port */
    }
    if (!err && in_port >= OFPP_MAX && in_port != OFPP_LOCAL
        && in_port != OFPP_CONTROLLER && in_port != OFPP_NONE) {
        err = -OFPERR_OFPBRC_BAD_PORT;
    }
    if (!err) {
        struct xflow md = r.metadata.value;
        md.in_port = in_port;
        ofproto_resume_frame(ofp, r.packet, r.len, &md, k->groups,
                             k->n_groups);
        if (ofp->need_revalidate) {
            ofproto_revalidate(ofp);
        }
    }
    ofp_continuation_free(k);
    free(k);
    return err;
}

/* ---- bundles ---- */

static void send_bundle_reply(struct ofconn *conn, const struct ofp_msg *req,
                              const struct ofp_bundle_ctrl *bc, uint16_t type)
{
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_bundle_ctrl reply = *bc;
    reply.type = type;
    ofp_encode_bundle_ctrl(&b, req->version, req->xid, req, &reply);
    ofconn_send(conn, &b);
    ofpbuf_uninit(&b);
}

/* Applies every message of `b` or none.  On a failure, the failing
 * message gets its error and the commit fails with OFPBFC_MSG_FAILED. */
static int bundle_commit(struct ofproto *ofp, struct ofconn *conn,
                         struct bundle *b)
{
    uint64_t now = dp_time_ms();
    ofproto_pull_stats_all();
    struct journal j;
    memset(&j, 0, sizeof j);
    /* Port mods are checked first and applied last: they cannot fail once
     * checked, and flow table changes are the ones to undo. */
    struct ofport **ports = NULL;
    int err = 0;
    size_t failed = 0;
    for (size_t i = 0; i < b->n && !err; i++) {
        struct bmsg *m = &b->msgs[i];
        if (m->type == OFPTYPE_PORT_MOD) {
            if (!ports) {
                ports = xcalloc(b->n, sizeof *ports);
            }
            err = check_port_mod(ofp, &m->pm, &ports[i]);
        } else if (m->type == OFPTYPE_GROUP_MOD) {     /* groups */
            err = apply_group_mod(ofp, &m->gm, &j, now);
        } else {
            err = apply_flow_mod(ofp, &m->fm, &j, now);
        }
        failed = i;
    }
    if (err) {
        journal_undo(ofp, &j);
        free(ports);
        struct ofp_msg inner;
        const struct bmsg *m = &b->msgs[failed];
        if (!ofp_msg_decode(m->raw, m->raw_len, &inner)) {
            ofconn_send_error(conn, &inner, (enum ofperr) -err);
        }
        return -OFPERR_OFPBFC_MSG_FAILED;
    }
    bool changed = j.n > 0;
    journal_commit(ofp, &j, now);
    for (size_t i = 0; ports && i < b->n; i++) {
        if (ports[i]) {
            apply_port_mod(ofp, ports[i], &b->msgs[i].pm);
        }
    }
    free(ports);
    if (changed || ofp->need_revalidate) {
        ofproto_revalidate(ofp);
    }
    return 0;
}

static int handle_bundle_control(struct ofproto *ofp, struct ofconn *conn,
                                 const struct ofp_msg *msg)
{
    struct ofp_bundle_ctrl bc;
    int err = ofp_decode_bundle_ctrl(msg, &bc);
    if (err) {
        return err;
    }
    struct ofp_state *st = state_of(ofp);
    struct bundle *b = bundle_find(st, conn, bc.bundle_id);
    switch (bc.type) {
    case OFPBCT_OPEN_REQUEST:
        if (b) {
            return -OFPERR_OFPBFC_BAD_ID;
        }
        err = bundle_open(st, conn, bc.bundle_id, bc.flags, &b);
        if (err) {
            return err;
        }
        send_bundle_reply(conn, msg, &bc, OFPBCT_OPEN_REPLY);
        return 0;
    case OFPBCT_CLOSE_REQUEST:
        if (!b) {
            return -OFPERR_OFPBFC_BAD_ID;
        }
        if (b->closed) {
            bundle_remove(st, b);
            return -OFPERR_OFPBFC_BUNDLE_CLOSED;
        }
        if (bc.flags != b->flags) {
            bundle_remove(st, b);
            return -OFPERR_OFPBFC_BAD_FLAGS;
        }
        b->closed = true;
        send_bundle_reply(conn, msg, &bc, OFPBCT_CLOSE_REPLY);
        return 0;
    case OFPBCT_COMMIT_REQUEST:
        if (!b) {
            return -OFPERR_OFPBFC_BAD_ID;
        }
        if (bc.flags != b->flags) {
            bundle_remove(st, b);
            return -OFPERR_OFPBFC_BAD_FLAGS;
        }
        err = bundle_commit(ofp, conn, b);
        bundle_remove(st, b);
        if (!err) {
            send_bundle_reply(conn, msg, &bc, OFPBCT_COMMIT_REPLY);
        }
        return err;
    case OFPBCT_DISCARD_REQUEST:
        if (!b) {
            return -OFPERR_OFPBFC_BAD_ID;
        }
        bundle_remove(st, b);
        send_bundle_reply(conn, msg, &bc, OFPBCT_DISCARD_REPLY);
        return 0;
    default:
        return -OFPERR_OFPBFC_BAD_TYPE;
    }
}

static int handle_bundle_add(struct ofproto *ofp, struct ofconn *conn,
                             const struct ofp_msg *msg)
{
    struct ofp_bundle_add ba;
    int err = ofp_decode_bundle_add(msg, &ba);
    if (err) {
        return err;
    }
    struct ofp_state *st = state_of(ofp);
    struct bundle *b = bundle_find(st, conn, ba.bundle_id);
    if (!b) {
        /* As OVS: an add opens the bundle it names. */
        err = bundle_open(st, conn, ba.bundle_id, ba.flags, &b);
        if (err) {
            return err;
        }
    } else if (b->closed) {
        bundle_remove(st, b);
        return -OFPERR_OFPBFC_BUNDLE_CLOSED;
    } else if (ba.flags != b->flags) {
        bundle_remove(st, b);
        return -OFPERR_OFPBFC_BAD_FLAGS;
    }
    if (ba.inner.xid != msg->xid) {
        return -OFPERR_OFPBFC_MSG_BAD_XID;
    }
    if (ba.inner.type != OFPTYPE_FLOW_MOD
        && ba.inner.type != OFPTYPE_PORT_MOD
        && ba.inner.type != OFPTYPE_GROUP_MOD) {
        return -OFPERR_OFPBFC_MSG_UNSUP;
    }
    if (b->n >= BUNDLE_MAX_MSGS) {
        return -OFPERR_OFPBFC_MSG_TOO_MANY;
    }
    struct bmsg m;
    memset(&m, 0, sizeof m);
    m.type = ba.inner.type;
    if (m.type == OFPTYPE_FLOW_MOD) {
        err = ofp_decode_flow_mod(&ba.inner, ofconn_table_id_enabled(conn),
                                  &m.fm);
        if (!err) {
            err = check_flow_mod(&m.fm);
        }
        if (err) {
            ofp_flow_mod_free(&m.fm);
            return err;
        }
    } else if (m.type == OFPTYPE_GROUP_MOD) {      /* groups */
        err = ofp_decode_group_mod(&ba.inner, &m.gm);
        if (err) {
            return err;
        }
    } else {
        err = ofp_decode_port_mod(&ba.inner, &m.pm);
        if (err) {
            return err;
        }
    }
    m.raw = xmalloc(ba.inner.len);
    memcpy(m.raw, ba.inner.data, ba.inner.len);
    m.raw_len = ba.inner.len;
    if (b->n == b->cap) {
        b->cap = b->cap ? 2 * b->cap : 16;
        b->msgs = xrealloc(b->msgs, b->cap * sizeof *b->msgs);
    }
    b->msgs[b->n++] = m;
    return 0;
}

/* ---- replies ---- */

static void send_and_free(struct ofconn *conn, struct ofpbuf *b)
{
    ofconn_send(conn, b);
    ofpbuf_uninit(b);
}

/* The k-th port in the order OVS 3.1's replies list a small bridge's
 * ports: LOCAL first, then by number (ports are kept sorted, so LOCAL,
 * 0xfffe, is the last). */
static const struct ofport *reply_port(const struct ofproto *ofp, size_t k)
{
    size_t n = ofp->n_ports;
    if (n && ofp->ports[n - 1].ofport == OFPP_LOCAL) {
        return &ofp->ports[k ? k - 1 : n - 1];
    }
    return &ofp->ports[k];
}

static struct ofp_phy_port *describe_ports(struct ofproto *ofp, size_t *n)
{
    struct ofp_phy_port *pp = xcalloc(ofp->n_ports + 1, sizeof *pp);
    for (size_t i = 0; i < ofp->n_ports; i++) {
        ofproto_port_describe(ofp, reply_port(ofp, i), &pp[i]);
    }
    *n = ofp->n_ports;
    return pp;
}

static int handle_features(struct ofproto *ofp, struct ofconn *conn,
                           const struct ofp_msg *msg)
{
    struct ofp_features f;
    memset(&f, 0, sizeof f);
    f.datapath_id = ofproto_datapath_id(ofp);
    f.n_buffers = 0;
    f.n_tables = N_VISIBLE_TABLES;
    if (msg->version == OFP10_VERSION) {
        /* FLOW_STATS TABLE_STATS PORT_STATS QUEUE_STATS ARP_MATCH_IP, and
         * every OF1.0 action but enqueue... as OVS, enqueue too (0xfff). */
        f.capabilities = 0x1 | 0x2 | 0x4 | 0x40 | 0x80;
        f.actions = 0xfff;
        f.ports = describe_ports(ofp, &f.n_ports);
    } else {
        /* FLOW_STATS TABLE_STATS PORT_STATS GROUP_STATS QUEUE_STATS. */
        f.capabilities = 0x1 | 0x2 | 0x4 | 0x8 | 0x40;
        if (msg->version >= OFP15_VERSION) {
            f.capabilities |= 0x200;    /* OFPC_BUNDLES, new in 1.5 */
        }
    }
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_features_reply(&b, msg, &f);
    free(f.ports);
    send_and_free(conn, &b);
    return 0;
}

static int handle_get_config(struct ofproto *ofp, struct ofconn *conn,
                             const struct ofp_msg *msg)
{
    /* miss_send_len is the connection's (connmgr keeps it, as OVS). */
    struct ofp_switch_config c = { ofp->frag_flags,
                                   ofconn_miss_send_len(conn) };
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_switch_config(&b, msg->version, OFPTYPE_GET_CONFIG_REPLY,
                             msg->xid, &c);
    send_and_free(conn, &b);
    return 0;
}

static int handle_set_config(struct ofproto *ofp, const struct ofp_msg *msg)
{
    struct ofp_switch_config c;
    int err = ofp_decode_switch_config(msg, &c);
    if (err) {
        return err;
    }
    /* As OVS: "normal" and "drop" are kept (only normal is done),
     * reassembly is refused silently (kept normal). */
    ofp->frag_flags = (c.flags & 3) == 2 ? 0 : (c.flags & 3);
    ofp->miss_send_len = c.miss_send_len;  /* the last one set, for show */
    return 0;
}

static int handle_desc(struct ofconn *conn, const struct ofp_msg *msg)
{
    struct ofp_desc d;
    memset(&d, 0, sizeof d);
    snprintf(d.mfr_desc, sizeof d.mfr_desc, "vswitch");
    snprintf(d.hw_desc, sizeof d.hw_desc, "vswitch");
    snprintf(d.sw_desc, sizeof d.sw_desc, "%s", VSWITCH_SW_VERSION);
    snprintf(d.serial_num, sizeof d.serial_num, "None");
    snprintf(d.dp_desc, sizeof d.dp_desc, "None");
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_desc_reply(&b, msg, &d);
    send_and_free(conn, &b);
    return 0;
}

static int handle_flow_stats(struct ofproto *ofp, struct ofconn *conn,
                             const struct ofp_msg *msg)
{
    struct ofp_flow_stats_request req;
    memset(&req, 0, sizeof req);
    int err = ofp_decode_flow_stats_request(msg, &req);
    if (err) {
        return err;
    }
    ofproto_pull_stats_all();
    size_t n;
    struct rule **rules = collect_rules(ofp, req.table_id, &req.match, 0,
                                        false, req.cookie, req.cookie_mask,
                                        req.out_port, req.out_group, &n);
    uint64_t now = dp_time_ms();
    struct ofpbuf b = OFPBUF_INIT;
    if (req.aggregate) {
        struct ofp_aggregate_stats a;
        memset(&a, 0, sizeof a);
        for (size_t i = 0; i < n; i++) {
            a.packet_count += rules[i]->n_packets;
            a.byte_count += rules[i]->n_bytes;
        }
        a.flow_count = (uint32_t) n;
        ofp_encode_aggregate_reply(&b, msg, &a);
    } else {
        struct ofp_mp_reply r;
        ofp_mp_reply_init(&r, &b, msg);
        for (size_t i = 0; i < n; i++) {
            const struct rule *rule = rules[i];
            struct ofp_flow_stats fs;
            memset(&fs, 0, sizeof fs);
            fs.match = rule->match;
            fs.priority = rule->priority;
            fs.table_id = rule->table_id;
            fs.cookie = rule->cookie;
            uint64_t age = now > rule->created_ms ? now - rule->created_ms
                                                  : 0;
            fs.duration_sec = (uint32_t) (age / 1000);
            fs.duration_nsec = (uint32_t) (age % 1000 * 1000000);
            fs.idle_timeout = rule->idle_timeout;
            fs.hard_timeout = rule->hard_timeout;
            fs.importance = rule->importance;
            fs.flags = rule->flags;
            fs.idle_age = (int) ((now > rule->used_ms
                                  ? now - rule->used_ms : 0) / 1000);
            fs.hard_age = (int) ((now > rule->modified_ms
                                  ? now - rule->modified_ms : 0) / 1000);
            /* As OVS: counted whatever no_packet_counts/no_byte_counts
             * say (its datapath counts anyway). */
            fs.packet_count = rule->n_packets;
            fs.byte_count = rule->n_bytes;
            fs.acts = rule->acts;
            fs.n_acts = rule->n_acts;
            ofp_put_flow_stats(&r, &fs);
        }
        ofp_mp_reply_finish(&r);
    }
    free(rules);
    send_and_free(conn, &b);
    return 0;
}

static int handle_table_stats(struct ofproto *ofp, struct ofconn *conn,
                              const struct ofp_msg *msg)
{
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_mp_reply r;
    ofp_mp_reply_init(&r, &b, msg);
    for (int t = 0; t < N_VISIBLE_TABLES; t++) {
        struct ofp_table_stats ts;
        memset(&ts, 0, sizeof ts);
        ts.table_id = (uint8_t) t;
        /* No name, as OVS (a table has one only when configured):
         * ovs-ofctl --names would print "table=table0". */
        ts.max_entries = TABLE_MAX_ENTRIES;
        ts.active_count = (uint32_t) oftable_count(ofp->tables[t]);
        ts.lookup_count = ofp->table_lookups[t];
        ts.matched_count = ofp->table_matches[t];
        ofp_put_table_stats(&r, &ts);
    }
    ofp_mp_reply_finish(&r);
    send_and_free(conn, &b);
    return 0;
}

static int handle_port_stats(struct ofproto *ofp, struct ofconn *conn,
                             const struct ofp_msg *msg)
{
    uint32_t port_no;
    int err = ofp_decode_port_stats_request(msg, &port_no);
    if (err) {
        return err;
    }
    uint64_t now = dp_time_ms();
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_mp_reply r;
    ofp_mp_reply_init(&r, &b, msg);
    for (size_t i = 0; i < ofp->n_ports; i++) {
        const struct ofport *p = reply_port(ofp, i);
        if (port_no != OFPP_NONE && p->ofport != port_no) {
            continue;
        }
        struct vport_stats vs;
        memset(&vs, 0, sizeof vs);
        struct vport *vp = datapath_port_get(ofp->dp, p->dp_port);
        if (vp) {
            vport_stats_read(vp, &vs);
        }
        struct ofp_port_stats ps;
        memset(&ps, 0, sizeof ps);
        ps.port_no = p->ofport;
        ps.rx_packets = vs.rx_packets;
        ps.tx_packets = vs.tx_packets;
        ps.rx_bytes = vs.rx_bytes;
        ps.tx_bytes = vs.tx_bytes;
        ps.rx_dropped = vs.rx_dropped;
        ps.tx_dropped = vs.tx_dropped;
        ps.rx_errors = vs.rx_errors;
        ps.tx_errors = vs.tx_errors;
        uint64_t age = now > ofp->created_ms ? now - ofp->created_ms : 0;
        ps.duration_sec = (uint32_t) (age / 1000);
        ps.duration_nsec = (uint32_t) (age % 1000 * 1000000);
        ofp_put_port_stats(&r, &ps);
    }
    ofp_mp_reply_finish(&r);
    send_and_free(conn, &b);
    return 0;
}

static int handle_port_desc(struct ofproto *ofp, struct ofconn *conn,
                            const struct ofp_msg *msg)
{
    uint32_t port_no = OFPP_NONE;
    int err = ofp_decode_port_desc_request(msg, &port_no);
    if (err) {
        return err;
    }
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_mp_reply r;
    ofp_mp_reply_init(&r, &b, msg);
    for (size_t i = 0; i < ofp->n_ports; i++) {
        const struct ofport *p = reply_port(ofp, i);
        if (port_no != OFPP_NONE && p->ofport != port_no) {
            continue;
        }
        struct ofp_phy_port pp;
        ofproto_port_describe(ofp, p, &pp);
        ofp_put_port_desc(&r, &pp);
    }
    ofp_mp_reply_finish(&r);
    send_and_free(conn, &b);
    return 0;
}

/* groups: desc, stats and features replies. */
static int handle_group_desc(struct ofproto *ofp, struct ofconn *conn,
                             const struct ofp_msg *msg)
{
    uint32_t id;
    int err = ofp_decode_group_desc_request(msg, &id);
    if (err) {
        return err;
    }
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_mp_reply r;
    ofp_mp_reply_init(&r, &b, msg);
    for (size_t i = 0; i < group_table_count(ofp->groups); i++) {
        const struct ofgroup *g = group_table_at(ofp->groups, i);
        if (id == OFPG_ALL || g->group_id == id) {
            struct ofp_group_mod gd;
            group_describe(g, &gd);
            ofp_put_group_desc(&r, &gd);
        }
    }
    ofp_mp_reply_finish(&r);
    send_and_free(conn, &b);
    return 0;
}

static int handle_group_stats(struct ofproto *ofp, struct ofconn *conn,
                              const struct ofp_msg *msg)
{
    uint32_t id;
    int err = ofp_decode_group_stats_request(msg, &id);
    if (err) {
        return err;
    }
    ofproto_pull_stats_all();
    uint64_t now = dp_time_ms();
    size_t n_refs;
    uint32_t *refs = group_refs(ofp, &n_refs);
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_mp_reply r;
    ofp_mp_reply_init(&r, &b, msg);
    for (size_t i = 0; i < group_table_count(ofp->groups); i++) {
        const struct ofgroup *g = group_table_at(ofp->groups, i);
        if (id != OFPG_ALL && g->group_id != id) {
            continue;
        }
        struct ofp_group_stats gs;
        memset(&gs, 0, sizeof gs);
        gs.group_id = g->group_id;
        gs.ref_count = count_refs(refs, n_refs, g->group_id);
        gs.packet_count = g->packet_count;
        gs.byte_count = g->byte_count;
        uint64_t age = now > g->created_ms ? now - g->created_ms : 0;
        gs.duration_sec = (uint32_t) (age / 1000);
        gs.duration_nsec = (uint32_t) (age % 1000) * 1000000u;
        gs.buckets = g->bucket_stats;
        gs.n_buckets = g->n_buckets;
        ofp_put_group_stats(&r, &gs);
    }
    free(refs);
    ofp_mp_reply_finish(&r);
    send_and_free(conn, &b);
    return 0;
}

static int handle_group_features(struct ofconn *conn,
                                 const struct ofp_msg *msg)
{
    struct ofp_group_features f;
    ofp_group_features_default(&f, msg->version);
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_group_features_reply(&b, msg, &f);
    send_and_free(conn, &b);
    return 0;
}

/* A multipart reply with no entries, or with fixed entries of zeros. */
/* Queue configuration (1.0-1.3 QUEUE_GET_CONFIG, 1.4+ QUEUE_DESC): ports
 * have no queues, so a known port (or any) gets the empty answer OVS gives
 * a port without QoS, and a named queue (1.4+) OVS's error for one the
 * port lacks. */
static int handle_queue_get_config(struct ofproto *ofp, struct ofconn *conn,
                                   const struct ofp_msg *msg)
{
    uint32_t port, queue;
    int err = ofp_decode_queue_get_config_request(msg, &port, &queue);
    if (err) {
        return err;
    }
    if (port != OFPP_NONE ? !ofproto_port_by_ofport(ofp, port)
                          : !ofp->n_ports) {
        return port != OFPP_NONE ? -OFPERR_OFPQOFC_BAD_PORT
                                 : -OFPERR_OFPQOFC_BAD_QUEUE;
    }
    if (queue != OFPQ_ALL) {
        /* OVS: the netdev finds no such queue (ENOENT). */
        return -OFPERR_NXQOFC_QUEUE_ERROR;
    }
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_queue_get_config_reply(&b, msg, port);
    send_and_free(conn, &b);
    return 0;
}

static int reply_mp_zeros(struct ofconn *conn, const struct ofp_msg *msg,
                          size_t n_entries, size_t entry_len)
{
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_mp_reply r;
    ofp_mp_reply_init(&r, &b, msg);
    for (size_t i = 0; i < n_entries; i++) {
        ofp_mp_entry_start(&r);
        ofpbuf_put_zeros(&b, entry_len);
        ofp_mp_entry_end(&r);
    }
    ofp_mp_reply_finish(&r);
    send_and_free(conn, &b);
    return 0;
}

/* One table feature property (type, length, payload padded to 8). */
static size_t prop_start(struct ofpbuf *b, uint16_t type)
{
    size_t start = b->size;
    ofpbuf_put_be16(b, type);
    ofpbuf_put_be16(b, 0);
    return start;
}

static void prop_end(struct ofpbuf *b, size_t start)
{
    ofpbuf_set_be16(b, start + 2, (uint16_t) (b->size - start));
    ofpbuf_pad(b, 8);
}

/* A property that lists 4-byte (type, length 4) headers. */
static void prop_ids(struct ofpbuf *b, uint16_t type, const uint16_t *ids,
                     size_t n)
{
    size_t start = prop_start(b, type);
    for (size_t i = 0; i < n; i++) {
        ofpbuf_put_be16(b, ids[i]);
        ofpbuf_put_be16(b, 4);
    }
    prop_end(b, start);
}

/* A property that lists OXM headers: every field with an OXM code
 * (`writable` only: set-field; `masks`: with the mask bit where it may be
 * masked). */
static void prop_fields(struct ofpbuf *b, uint16_t type, bool writable,
                        bool masks)
{
    size_t start = prop_start(b, type);
    size_t n;
    const struct mf_field *fields = mf_all(&n);
    for (size_t i = 0; i < n; i++) {
        const struct mf_field *f = &fields[i];
        if (!f->oxm.valid || (writable && !f->writable)) {
            continue;
        }
        ofpbuf_put_be32(b, mf_nxm_header(f, true, masks && f->maskable));
    }
    prop_end(b, start);
}

/* OF1.3+ table features: one entry per table with the properties OVS's
 * decoder requires (instructions, next tables, write/apply actions and
 * set-fields, match, wildcards), as vswitch supports them. */
static int handle_table_features(struct ofconn *conn,
                                 const struct ofp_msg *msg)
{
    if (msg->body_len) {
        return -OFPERR_OFPBRC_EPERM;   /* setting features: refused */
    }
    /* Instructions: GOTO_TABLE 1, APPLY_ACTIONS 4. */
    static const uint16_t insts[] = { 1, 4 };
    /* Apply actions: OUTPUT 0, SET_NW_TTL 23, DEC_NW_TTL 24, PUSH_VLAN 17,
     * POP_VLAN 18, SET_FIELD 25. */
    static const uint16_t apply[] = { 0, 17, 18, 23, 24, 25 };
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_mp_reply r;
    ofp_mp_reply_init(&r, &b, msg);
    for (int t = 0; t < N_VISIBLE_TABLES; t++) {
        ofp_mp_entry_start(&r);
        size_t start = b.size;
        ofpbuf_put_be16(&b, 0);                 /* length, below */
        ofpbuf_put_u8(&b, (uint8_t) t);         /* table_id */
        ofpbuf_put_zeros(&b, 5);
        ofpbuf_put_zeros(&b, 32);               /* name: none, as OVS */
        ofpbuf_put_be64(&b, 0);                 /* metadata_match */
        ofpbuf_put_be64(&b, 0);                 /* metadata_write */
        ofpbuf_put_be32(&b, 0);                 /* config */
        ofpbuf_put_be32(&b, TABLE_MAX_ENTRIES);
        prop_ids(&b, 0, insts, t + 1 < N_VISIBLE_TABLES ? 2 : 1);
        size_t nt = prop_start(&b, 2);          /* NEXT_TABLES */
        for (int n = t + 1; n < N_VISIBLE_TABLES; n++) {
            ofpbuf_put_u8(&b, (uint8_t) n);
        }
        prop_end(&b, nt);
        prop_ids(&b, 4, NULL, 0);               /* WRITE_ACTIONS: none */
        prop_ids(&b, 6, apply, sizeof apply / sizeof apply[0]);
        prop_fields(&b, 8, false, true);        /* MATCH */
        prop_fields(&b, 10, false, false);      /* WILDCARDS */
        prop_ids(&b, 12, NULL, 0);              /* WRITE_SETFIELD: none */
        prop_fields(&b, 14, true, false);       /* APPLY_SETFIELD */
        ofpbuf_set_be16(&b, start, (uint16_t) (b.size - start));
        ofp_mp_entry_end(&r);
    }
    ofp_mp_reply_finish(&r);
    send_and_free(conn, &b);
    return 0;
}

/* OF1.4 table desc: table_id and config 0 for each table. */
static int handle_table_desc(struct ofconn *conn, const struct ofp_msg *msg)
{
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_mp_reply r;
    ofp_mp_reply_init(&r, &b, msg);
    for (int t = 0; t < N_VISIBLE_TABLES; t++) {
        ofp_mp_entry_start(&r);
        ofpbuf_put_be16(&b, 8);
        ofpbuf_put_u8(&b, (uint8_t) t);
        ofpbuf_put_u8(&b, 0);
        ofpbuf_put_be32(&b, 0);
        ofp_mp_entry_end(&r);
    }
    ofp_mp_reply_finish(&r);
    send_and_free(conn, &b);
    return 0;
}

static int handle_tlv_table_request(struct ofconn *conn,
                                    const struct ofp_msg *msg)
{
    struct ofpbuf b = OFPBUF_INIT;
    size_t start = ofp_msg_start_reply(&b, msg, OFPTYPE_NXT_TLV_TABLE_REPLY);
    ofpbuf_put_be32(&b, 256);     /* max_option_space, as OVS */
    ofpbuf_put_be16(&b, 64);      /* max_fields */
    ofpbuf_put_zeros(&b, 10);
    ofp_msg_finish(&b, start);
    send_and_free(conn, &b);
    return 0;
}

/* ---- meters ---- */

/* The bridge's meter `id`, or NULL. */
static struct ofmeter *meter_find(struct ofproto *ofp, uint32_t id)
{
    struct ofp_state *st = ofp->ofp_state;
    if (!st) {
        return NULL;
    }
    size_t lo = 0, hi = st->n_meters;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (st->meters[mid].id < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < st->n_meters && st->meters[lo].id == id ? &st->meters[lo]
                                                        : NULL;
}

bool ofproto_meter_dp_id(struct ofproto *ofp, uint32_t meter_id,
                         uint32_t *dp_id)
{
    const struct ofmeter *m = meter_find(ofp, meter_id);
    if (m) {
        *dp_id = m->dp_id;
    }
    return m != NULL;
}

/* As OVS's ofproto_check_ofpacts: every meter an action list names
 * exists (OFPMMFC_INVALID_METER). */
static int check_meters(struct ofproto *ofp, const struct ofpact *acts,
                        size_t n)
{
    for (size_t i = 0; i < n; i++) {
        /* As OVS's check_METER, then its ofproto_check_ofpacts. */
        uint32_t id = acts[i].meter.meter_id;
        if (acts[i].type == OFPACT_METER
            && (!id || id > OFPM_MAX || !meter_find(ofp, id))) {
            return -OFPERR_OFPMMFC_INVALID_METER;
        }
    }
    return 0;
}

static bool rule_uses_meter(const struct rule *r, uint32_t id)
{
    for (size_t i = 0; i < r->n_acts; i++) {
        if (r->acts[i].type == OFPACT_METER
            && r->acts[i].meter.meter_id == id) {
            return true;
        }
    }
    return false;
}

/* The rules of every table that use meter `id` (all: any meter);
 * malloc'd. */
static struct rule **meter_rules(struct ofproto *ofp, uint32_t id, bool all,
                                 size_t *n)
{
    struct rule **out = NULL;
    size_t k = 0, cap = 0;
    for (int t = 0; t < OFP_N_TABLES; t++) {
        if (!oftable_count(ofp->tables[t])) {
            continue;
        }
        size_t nr;
        struct rule **rules = oftable_rules(ofp->tables[t], &nr);
        for (size_t i = 0; i < nr; i++) {
            bool uses = false;
            for (size_t a = 0; a < rules[i]->n_acts && !uses; a++) {
                uses = rules[i]->acts[a].type == OFPACT_METER;
            }
            if (uses && (all || rule_uses_meter(rules[i], id))) {
                if (k == cap) {
                    cap = cap ? 2 * cap : 8;
                    out = xrealloc(out, cap * sizeof *out);
                }
                out[k++] = rules[i];
            }
        }
        free(rules);
    }
    *n = k;
    return out;
}

/* The datapath configuration of `mc` (checked by the caller). */
static void meter_dp_config(const struct ofp_meter_config *mc,
                            struct dp_meter_config *dc)
{
    memset(dc, 0, sizeof *dc);
    dc->flags = mc->flags;
    dc->n_bands = mc->n_bands;
    for (uint16_t i = 0; i < mc->n_bands; i++) {
        dc->bands[i].type = mc->bands[i].type;
        dc->bands[i].prec_level = mc->bands[i].prec_level;
        dc->bands[i].rate = mc->bands[i].rate;
        dc->bands[i].burst_size = mc->bands[i].burst_size;
    }
}

/* OVS's checks of a meter's configuration (ofproto.c, dpif.c and its
 * userspace datapath), in its order. */
static int check_meter_config(const struct ofp_meter_config *mc)
{
    if (mc->meter_id == 0) {
        return -OFPERR_OFPMMFC_INVALID_METER;
    }
    if (mc->meter_id > OFPM_MAX && mc->meter_id != OFPM_SLOWPATH
        && mc->meter_id != OFPM_CONTROLLER) {
        return -OFPERR_OFPMMFC_INVALID_METER;
    }
    if (mc->n_bands > DP_METER_MAX_BANDS) {
        return -OFPERR_OFPMMFC_OUT_OF_BANDS;
    }
    if (!(mc->flags & (OFPMF_KBPS | OFPMF_PKTPS))
        || ((mc->flags & OFPMF_KBPS) && (mc->flags & OFPMF_PKTPS))) {
        return -OFPERR_OFPMMFC_BAD_FLAGS;
    }
    if (!mc->n_bands) {
        return -OFPERR_OFPMMFC_OUT_OF_BANDS;
    }
    for (uint16_t i = 0; i < mc->n_bands; i++) {
        if (!mc->bands[i].rate) {
            return -OFPERR_OFPMMFC_BAD_RATE;
        }
    }
    if (mc->flags & ~(OFPMF_KBPS | OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS)) {
        return -OFPERR_OFPMMFC_BAD_FLAGS;
    }
    return 0;
}

static void meter_record(struct ofmeter *m, const struct ofp_meter_config *mc)
{
    m->flags = mc->flags;
    m->n_bands = mc->n_bands;
    memcpy(m->bands, mc->bands, mc->n_bands * sizeof *mc->bands);
}

/* Removes meter `m` of the bridge and the rules that use it (with
 * flow_removed, reason meter_delete, as OVS). */
static void meter_remove(struct ofproto *ofp, struct ofmeter *m,
                         uint64_t now_ms)
{
    struct ofp_state *st = ofp->ofp_state;
    size_t n;
    struct rule **rules = meter_rules(ofp, m->id, false, &n);
    for (size_t i = 0; i < n; i++) {
        oftable_remove(ofp->tables[rules[i]->table_id], rules[i]);
        ofproto_rule_send_removed(ofp, rules[i], OFPRR_METER_DELETE, now_ms);
        rule_unref(rules[i]);
    }
    free(rules);
    dp_meter_del(datapath_meters(ofp->dp), m->dp_id);
    size_t k = (size_t) (m - st->meters);
    memmove(&st->meters[k], &st->meters[k + 1],
            (st->n_meters - k - 1) * sizeof *st->meters);
    st->n_meters--;
    ofp->need_revalidate = true;
}

static int meter_add(struct ofproto *ofp, const struct ofp_meter_config *mc)
{
    if (meter_find(ofp, mc->meter_id)) {
        return -OFPERR_OFPMMFC_METER_EXISTS;
    }
    struct dp_meters *dm = datapath_meters(ofp->dp);
    uint32_t dp_id;
    if (dp_meter_id_alloc(dm, &dp_id)) {
        return -OFPERR_OFPMMFC_OUT_OF_METERS;
    }
    struct dp_meter_config dc;
    meter_dp_config(mc, &dc);
    char err[128];
    if (dp_meter_set(dm, dp_id, &dc, err, sizeof err)) {
        VLOG_WARN("%s: meter %" PRIu32 ": %s", ofp->name, mc->meter_id, err);
        dp_meter_del(dm, dp_id);
        return -OFPERR_OFPMMFC_BAD_BAND;
    }
    struct ofp_state *st = state_of(ofp);
    size_t k = 0;
    while (k < st->n_meters && st->meters[k].id < mc->meter_id) {
        k++;
    }
    st->meters = xrealloc(st->meters, (st->n_meters + 1)
                                      * sizeof *st->meters);
    memmove(&st->meters[k + 1], &st->meters[k],
            (st->n_meters - k) * sizeof *st->meters);
    st->n_meters++;
    struct ofmeter *m = &st->meters[k];
    memset(m, 0, sizeof *m);
    m->id = mc->meter_id;
    m->dp_id = dp_id;
    m->created_ms = dp_time_ms();
    meter_record(m, mc);
    return 0;
}

static int meter_modify(struct ofproto *ofp, const struct ofp_meter_config *mc)
{
    struct ofmeter *m = meter_find(ofp, mc->meter_id);
    if (!m) {
        return -OFPERR_OFPMMFC_UNKNOWN_METER;
    }
    struct dp_meter_config dc;
    meter_dp_config(mc, &dc);
    char err[128];
    if (dp_meter_set(datapath_meters(ofp->dp), m->dp_id, &dc, err,
                     sizeof err)) {
        VLOG_WARN("%s: meter %" PRIu32 ": %s", ofp->name, mc->meter_id, err);
        return -OFPERR_OFPMMFC_BAD_BAND;
    }
    meter_record(m, mc);        /* created_ms stays, as OVS */
    return 0;
}

static int handle_meter_mod(struct ofproto *ofp, const struct ofp_msg *msg)
{
    struct ofp_meter_mod mm;
    int err = ofp_decode_meter_mod(msg, &mm);
    if (!err && mm.command != OFPMC_DELETE) {
        err = check_meter_config(&mm.meter);
    }
    if (!err) {
        switch (mm.command) {
        case OFPMC_ADD:
            err = meter_add(ofp, &mm.meter);
            break;
        case OFPMC_MODIFY:
            err = meter_modify(ofp, &mm.meter);
            break;
        case OFPMC_DELETE: {
            struct ofp_state *st = ofp->ofp_state;
            uint64_t now = dp_time_ms();
            ofproto_pull_stats_all();   /* deleted rules get their counts */
            if (mm.meter.meter_id == OFPM_ALL) {
                while (st && st->n_meters) {
                    meter_remove(ofp, &st->meters[st->n_meters - 1], now);
                }
            } else if (mm.meter.meter_id) {
                struct ofmeter *m = meter_find(ofp, mm.meter.meter_id);
                if (m) {
                    meter_remove(ofp, m, now);
                }
            }
            break;
        }
        }
    }
    ofp_meter_mod_free(&mm);
    if (ofp->need_revalidate) {
        ofproto_revalidate(ofp);
    }
    return err;
}

static void meter_reply_one(struct ofproto *ofp, struct ofp_mp_reply *r,
                            const struct ofmeter *m, bool stats,
                            uint64_t now)
{
    struct ofp_meter_config mc = {
        .meter_id = m->id, .flags = m->flags, .n_bands = m->n_bands,
        .bands = (struct ofp_meter_band *) m->bands,
    };
    if (!stats) {
        ofp_put_meter_config(r, &mc);
        return;
    }
    struct dp_meter_stats ds;
    dp_meter_get_stats(datapath_meters(ofp->dp), m->dp_id, &ds);
    struct ofp_meter_band_stats bs[DP_METER_MAX_BANDS];
    memset(bs, 0, sizeof bs);
    for (uint16_t i = 0; i < m->n_bands && i < ds.n_bands; i++) {
        bs[i].packet_count = ds.bands[i].packets;
        bs[i].byte_count = ds.bands[i].bytes;
    }
    size_t n_rules;
    free(meter_rules(ofp, m->id, false, &n_rules));
    uint64_t age = now > m->created_ms ? now - m->created_ms : 0;
    struct ofp_meter_stats ms = {
        .meter_id = m->id, .flow_count = (uint32_t) n_rules,
        .packet_in_count = ds.packets, .byte_in_count = ds.bytes,
        .duration_sec = (uint32_t) (age / 1000),
        .duration_nsec = (uint32_t) (age % 1000 * 1000000),
        .n_bands = m->n_bands, .bands = bs,
    };
    ofp_put_meter_stats(r, &ms);
}

static int handle_meter_request(struct ofproto *ofp, struct ofconn *conn,
                                const struct ofp_msg *msg)
{
    uint32_t id;
    int err = ofp_decode_meter_request(msg, &id);
    if (err) {
        return err;
    }
    const struct ofmeter *one = NULL;
    if (id != OFPM_ALL) {
        one = meter_find(ofp, id);
        if (!one) {
            return -OFPERR_OFPMMFC_UNKNOWN_METER;
        }
    }
    bool stats = msg->type == OFPTYPE_METER_STATS_REQUEST;
    uint64_t now = dp_time_ms();
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_mp_reply r;
    ofp_mp_reply_init(&r, &b, msg);
    struct ofp_state *st = ofp->ofp_state;
    if (one) {
        meter_reply_one(ofp, &r, one, stats, now);
    } else {
        for (size_t i = 0; st && i < st->n_meters; i++) {
            meter_reply_one(ofp, &r, &st->meters[i], stats, now);
        }
    }
    ofp_mp_reply_finish(&r);
    send_and_free(conn, &b);
    return 0;
}

/* The datapath's real limits: DP_METER_MAX meters shared by its bridges,
 * DP_METER_MAX_BANDS bands, drop and dscp_remark, every flag. */
static int handle_meter_features(struct ofconn *conn,
                                 const struct ofp_msg *msg)
{
    struct ofp_meter_features mf = {
        .max_meters = DP_METER_MAX,
        .band_types = (1u << OFPMBT_DROP) | (1u << OFPMBT_DSCP_REMARK),
        .capabilities = OFPMF_KBPS | OFPMF_PKTPS | OFPMF_BURST | OFPMF_STATS,
        .max_bands = DP_METER_MAX_BANDS, .max_color = 0,
    };
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_meter_features_reply(&b, msg, &mf);
    send_and_free(conn, &b);
    return 0;
}

/* ---- dispatch ---- */

static bool modifies_state(enum ofptype t)
{
    switch (t) {
    case OFPTYPE_FLOW_MOD: case OFPTYPE_PACKET_OUT: case OFPTYPE_PORT_MOD:
    case OFPTYPE_GROUP_MOD: case OFPTYPE_METER_MOD: case OFPTYPE_TABLE_MOD:
    case OFPTYPE_BUNDLE_CONTROL: case OFPTYPE_BUNDLE_ADD_MESSAGE:
    case OFPTYPE_NXT_TLV_TABLE_MOD: case OFPTYPE_NXT_CT_FLUSH_ZONE:
    case OFPTYPE_NXT_CT_FLUSH:
        return true;
    default:
        return false;
    }
}

int ofproto_ofp_handle(struct ofproto *ofp, struct ofconn *conn,
                       const struct ofp_msg *msg)
{
    if (modifies_state(msg->type) && ofconn_role(conn) == OFPCR_ROLE_SLAVE) {
        return -OFPERR_OFPBRC_IS_SLAVE;
    }
    switch (msg->type) {
    case OFPTYPE_FEATURES_REQUEST:
        return handle_features(ofp, conn, msg);
    case OFPTYPE_GET_CONFIG_REQUEST:
        return handle_get_config(ofp, conn, msg);
    case OFPTYPE_SET_CONFIG:
        return handle_set_config(ofp, msg);
    case OFPTYPE_FLOW_MOD:
        return handle_flow_mod(ofp, conn, msg);
    case OFPTYPE_PORT_MOD:
        return handle_port_mod(ofp, msg);
    case OFPTYPE_PACKET_OUT:
        return handle_packet_out(ofp, msg);
    case OFPTYPE_BUNDLE_CONTROL:
        return handle_bundle_control(ofp, conn, msg);
    case OFPTYPE_BUNDLE_ADD_MESSAGE:
        return handle_bundle_add(ofp, conn, msg);
    case OFPTYPE_TABLE_MOD:
        return 0;       /* nothing to configure: accepted, as OVS */
    case OFPTYPE_DESC_STATS_REQUEST:
        return handle_desc(conn, msg);
    case OFPTYPE_FLOW_STATS_REQUEST:
    case OFPTYPE_AGGREGATE_STATS_REQUEST:
        return handle_flow_stats(ofp, conn, msg);
    case OFPTYPE_TABLE_STATS_REQUEST:
        return handle_table_stats(ofp, conn, msg);
    case OFPTYPE_PORT_STATS_REQUEST:
        return handle_port_stats(ofp, conn, msg);
    case OFPTYPE_PORT_DESC_STATS_REQUEST:
        return handle_port_desc(ofp, conn, msg);
    case OFPTYPE_GROUP_STATS_REQUEST:          /* groups */
        return handle_group_stats(ofp, conn, msg);
    case OFPTYPE_GROUP_DESC_STATS_REQUEST:
        return handle_group_desc(ofp, conn, msg);
    case OFPTYPE_GROUP_FEATURES_STATS_REQUEST:
        return handle_group_features(conn, msg);
    case OFPTYPE_GROUP_MOD:
        return handle_group_mod(ofp, msg);
    case OFPTYPE_QUEUE_GET_CONFIG_REQUEST:
    case OFPTYPE_QUEUE_DESC_STATS_REQUEST:
        return handle_queue_get_config(ofp, conn, msg);
    case OFPTYPE_QUEUE_STATS_REQUEST:
        return reply_mp_zeros(conn, msg, 0, 0);
    /* meters */
    case OFPTYPE_METER_MOD:
        return handle_meter_mod(ofp, msg);
    case OFPTYPE_METER_STATS_REQUEST:
    case OFPTYPE_METER_CONFIG_STATS_REQUEST:
        return handle_meter_request(ofp, conn, msg);
    case OFPTYPE_METER_FEATURES_STATS_REQUEST:
        return handle_meter_features(conn, msg);
    case OFPTYPE_TABLE_FEATURES_STATS_REQUEST:
        return handle_table_features(conn, msg);
    case OFPTYPE_TABLE_DESC_REQUEST:
        return handle_table_desc(conn, msg);
    case OFPTYPE_NXT_TLV_TABLE_REQUEST:
        return handle_tlv_table_request(conn, msg);
    case OFPTYPE_NXT_TLV_TABLE_MOD:
        return -OFPERR_NXTTMFC_BAD_COMMAND;    /* no Geneve options yet */
    case OFPTYPE_NXT_CT_FLUSH_ZONE:
    case OFPTYPE_NXT_CT_FLUSH:
        return -OFPERR_NXBAC_CT_DATAPATH_SUPPORT;  /* no conntrack yet */
    case OFPTYPE_NXT_RESUME:
        return handle_resume(ofp, msg);
    default:
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
}
