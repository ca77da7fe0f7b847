/* One bridge's slow path: ports, the registry of bridges, upcall handling
 * (translate, install, execute), the record of installed datapath flows,
 * stats, expiry and revalidation. */
#include "ofproto/group.h"
#include "ofproto/ofproto_private.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/random.h>

#include "dp/flow_hash.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofp/ofp_msgs.h"
#include "dp/vport/netdev_util.h"
#include "ofproto/connmgr.h"
#include "ofproto/xlate.h"

VLOG_DEFINE_THIS_MODULE(ofproto);

static struct ofproto *registry;

struct ofproto *ofproto_registry(void)
{
    return registry;
}

/* ---- creation ---- */

static void add_default_rule(struct ofproto *ofp)
{
    struct ofp_flow_spec spec;
    memset(&spec, 0, sizeof spec);
    struct ofpact normal;
    memset(&normal, 0, sizeof normal);
    normal.type = OFPACT_OUTPUT;
    normal.output.port = OFPP_NORMAL;
    spec.acts = &normal;
    spec.n_acts = 1;
    struct rule *r = rule_create(&spec, 0, dp_time_ms());
    oftable_insert(ofp->tables[0], r);
}

/* A version 4 UUID (random). */
static void random_uuid(uint8_t u[16])
{
    size_t got = 0;
    while (got < 16) {
        ssize_t n = getrandom(u + got, 16 - got, 0);
        if (n <= 0) {
            break;
        }
        got += (size_t) n;
    }
    for (; got < 16; got++) {   /* no getrandom: still distinct per run */
        u[got] = (uint8_t) (rand() ^ (int) (dp_time_ms() >> (got % 8)));
    }
    u[6] = (uint8_t) ((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t) ((u[8] & 0x3f) | 0x80);
}

struct ofproto *ofproto_create(const char *bridge_name, struct datapath *dp)
{
    if (!bridge_name || ofproto_lookup(bridge_name)) {
        return NULL;
    }
    struct ofproto *ofp = xcalloc(1, sizeof *ofp);
    ofp->name = xstrdup(bridge_name);
    ofp->dp = dp;
    for (int i = 0; i < OFP_N_TABLES; i++) {
        ofp->tables[i] = oftable_create();
    }
    ofp->macs = mac_table_create();
    ofp->groups = group_table_create();
    ofproto_settings_default(&ofp->settings);
    ofp->flows = xcalloc(DPFLOW_BUCKETS, sizeof *ofp->flows);
    ofp->exec_buf = xmalloc(PACKET_HEADROOM + PACKET_MAX_LEN);
    ofp->created_ms = dp_time_ms();
    ofp->miss_send_len = 128;      /* OFP_DEFAULT_MISS_SEND_LEN */
    random_uuid(ofp->uuid);
    add_default_rule(ofp);
    ofp->next = registry;
    registry = ofp;
    return ofp;
}

static void dpflow_free(struct dpflow *f)
{
    for (size_t i = 0; i < f->n_rules; i++) {
        rule_unref(f->rules[i]);
    }
    free(f->rules);
    free(f->group_hits);
    free(f->acts);
    free(f);
}

void ofproto_destroy(struct ofproto *ofp)
{
    if (!ofp) {
        return;
    }
    for (struct ofproto **pp = &registry; *pp; pp = &(*pp)->next) {
        if (*pp == ofp) {
            *pp = ofp->next;
            break;
        }
    }
    for (size_t b = 0; b < DPFLOW_BUCKETS; b++) {
        struct dpflow *f = ofp->flows[b];
        while (f) {
            struct dpflow *next = f->next;
            datapath_flow_del(ofp->dp, &f->masked, &f->mask, NULL);
            dpflow_free(f);
            f = next;
        }
    }
    for (int i = 0; i < OFP_N_TABLES; i++) {
        oftable_destroy(ofp->tables[i]);
    }
    if (ofp->ofp_state_free) {
        ofp->ofp_state_free(ofp);
    }
    mac_table_destroy(ofp->macs);
    group_table_destroy(ofp->groups);
    free(ofp->flows);
    free(ofp->exec_buf);
    free(ofp->ports);
    free(ofp->name);
    free(ofp->learned_cookies);
    free(ofp);
}

const char *ofproto_name(const struct ofproto *ofp)
{
    return ofp->name;
}

struct ofproto *ofproto_lookup(const char *name)
{
    for (struct ofproto *o = registry; o; o = o->next) {
        if (!strcmp(o->name, name)) {
            return o;
        }
    }
    return NULL;
}

struct ofproto *ofproto_lookup_by_dp_port(uint32_t dp_port)
{
    for (struct ofproto *o = registry; o; o = o->next) {
        if (ofproto_port_by_dp_port(o, dp_port)) {
            return o;
        }
    }
    return NULL;
}

size_t ofproto_n_dp_flows(const struct ofproto *ofp)
{
    return ofp->n_flows;
}

/* ---- ports ---- */

const struct ofport *ofproto_port_by_ofport(const struct ofproto *ofp,
                                            uint32_t ofport)
{
    /* Sorted by number: a binary search (xlate asks for every output). */
    size_t lo = 0, hi = ofp->n_ports;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (ofp->ports[mid].ofport < ofport) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < ofp->n_ports && ofp->ports[lo].ofport == ofport
           ? &ofp->ports[lo] : NULL;
}

const struct ofport *ofproto_port_by_dp_port(const struct ofproto *ofp,
                                             uint32_t dp_port)
{
    for (size_t i = 0; i < ofp->n_ports; i++) {
        if (ofp->ports[i].dp_port == dp_port) {
            return &ofp->ports[i];
        }
    }
    return NULL;
}

static int parse_vlan_cfg(const struct ofproto_port_cfg *cfg,
                          struct ofport *p)
{
    p->mode = VLAN_MODE_TRUNK;
    p->tag = -1;
    p->all_trunks = true;
    memset(p->trunks, 0, sizeof p->trunks);
    if (!cfg) {
        return 0;
    }
    if (cfg->tag < -1 || cfg->tag > 4095) {
        return -EINVAL;
    }
    p->tag = cfg->tag;
    const char *m = cfg->vlan_mode;
    if (!m || !*m) {
        p->mode = p->tag >= 0 ? VLAN_MODE_ACCESS : VLAN_MODE_TRUNK;
    } else if (!strcmp(m, "access")) {
        p->mode = VLAN_MODE_ACCESS;
    } else if (!strcmp(m, "trunk")) {
        p->mode = VLAN_MODE_TRUNK;
    } else if (!strcmp(m, "native-tagged")) {
        p->mode = VLAN_MODE_NATIVE_TAGGED;
    } else if (!strcmp(m, "native-untagged")) {
        p->mode = VLAN_MODE_NATIVE_UNTAGGED;
    } else {
        return -EINVAL;
    }
    if (p->mode == VLAN_MODE_ACCESS && p->tag < 0) {
        p->tag = 0;      /* OVS: an access port without a tag is VLAN 0 */
    }
    if (p->mode != VLAN_MODE_TRUNK && p->mode != VLAN_MODE_ACCESS
        && p->tag < 0) {
        p->tag = 0;
    }
    for (size_t i = 0; i < cfg->n_trunks; i++) {
        int64_t v = cfg->trunks[i];
        if (v < 0 || v > 4095) {
            return -EINVAL;
        }
        p->trunks[v / 8] |= (uint8_t) (1u << (v % 8));
        p->all_trunks = false;
    }
    return 0;
}

int ofproto_port_set(struct ofproto *ofp, uint32_t ofport, uint32_t dp_port,
                     const char *name, const struct ofproto_port_cfg *cfg)
{
    if (ofport == 0 || (ofport >= OFPP_MAX && ofport != OFPP_LOCAL)
        || !name) {
        return -EINVAL;
    }
    struct ofport p;
    memset(&p, 0, sizeof p);
    p.ofport = ofport;
    p.dp_port = dp_port;
    snprintf(p.name, sizeof p.name, "%s", name);
    if (parse_vlan_cfg(cfg, &p)) {
        return -EINVAL;
    }
    for (struct ofproto *o = registry; o; o = o->next) {
        const struct ofport *other = ofproto_port_by_dp_port(o, dp_port);
        if (other && (o != ofp || other->ofport != ofport)) {
            return -EEXIST;
        }
    }
    for (size_t i = 0; i < ofp->n_ports; i++) {
        if (ofp->ports[i].ofport != ofport
            && !strcmp(ofp->ports[i].name, p.name)) {
            return -EEXIST;
        }
    }
    struct ofport *old = (struct ofport *) ofproto_port_by_ofport(ofp, ofport);
    int reason = -1;
    if (old) {
        if (old->dp_port != dp_port || old->mode != p.mode
            || old->tag != p.tag) {
            mac_flush(ofp->macs, ofport);   /* learned in the old setup */
        }
        if (old->dp_port != dp_port || strcmp(old->name, p.name)) {
            reason = OFPPR_MODIFY;
            p.link_up = -1;
        } else {
            p.link_up = old->link_up;
        }
        p.config = old->config;
        *old = p;
    } else {
        reason = OFPPR_ADD;
        p.link_up = -1;
        ofp->ports = xrealloc(ofp->ports, (ofp->n_ports + 1) * sizeof p);
        size_t pos = ofp->n_ports;
        while (pos > 0 && ofp->ports[pos - 1].ofport > ofport) {
            ofp->ports[pos] = ofp->ports[pos - 1];
            pos--;
        }
        ofp->ports[pos] = p;
        ofp->n_ports++;
    }
    if (reason >= 0) {
        struct ofport *now = (struct ofport *) ofproto_port_by_ofport(ofp,
                                                                    ofport);
        struct ofp_phy_port pp;
        ofproto_port_describe(ofp, now, &pp);
        now->link_up = (pp.state & OFPPS_LINK_DOWN) ? 0 : 1;
        if (ofp->connmgr) {
            connmgr_send_port_status(ofp->connmgr,
                                     (enum ofp_port_reason) reason, &pp);
        }
    }
    ofproto_revalidate(ofp);
    return 0;
}

static void forget_flows_of_dp_port(struct ofproto *ofp, uint32_t dp_port);

void ofproto_port_del(struct ofproto *ofp, uint32_t ofport)
{
    for (size_t i = 0; i < ofp->n_ports; i++) {
        if (ofp->ports[i].ofport != ofport) {
            continue;
        }
        uint32_t dp_port = ofp->ports[i].dp_port;
        struct ofp_phy_port pp;
        ofproto_port_describe(ofp, &ofp->ports[i], &pp);
        memmove(&ofp->ports[i], &ofp->ports[i + 1],
                (ofp->n_ports - i - 1) * sizeof ofp->ports[i]);
        ofp->n_ports--;
        mac_flush(ofp->macs, ofport);
        forget_flows_of_dp_port(ofp, dp_port);
        if (ofp->connmgr) {
            connmgr_send_port_status(ofp->connmgr, OFPPR_DELETE, &pp);
        }
        ofproto_revalidate(ofp);
        return;
    }
}

/* ---- configuration ---- */

void ofproto_settings_default(struct ofproto_settings *s)
{
    s->mac_table_size = MAC_DEFAULT_MAX;
    s->mac_aging_s = MAC_DEFAULT_AGING_S;
    s->flow_limit = DP_DEFAULT_FLOW_LIMIT;
    s->max_idle_ms = OFPROTO_DEFAULT_MAX_IDLE_MS;
    s->forward_bpdu = false;
}

void ofproto_set_fail_open(struct ofproto *ofp, bool on)
{
    if (ofp->fail_open != on) {
        ofp->fail_open = on;
        ofp->need_revalidate = true;
    }
}

void ofproto_set_settings(struct ofproto *ofp,
                          const struct ofproto_settings *s)
{
    ofp->settings = *s;
    if (!ofp->settings.mac_table_size) {
        ofp->settings.mac_table_size = 1;
    }
    if (!ofp->settings.mac_aging_s) {
        ofp->settings.mac_aging_s = 1;
    }
    mac_table_set_limits(ofp->macs, ofp->settings.mac_table_size,
                         ofp->settings.mac_aging_s);
    /* The MAC table may have shrunk, and forward-bpdu changes what NORMAL
     * does with frames to reserved addresses. */
    ofp->need_revalidate = true;
}

/* ---- the record of installed datapath flows ---- */

/* The bucket of (masked, mask).  Packets choose these keys, so the hash is
 * the keyed flow hash under the process's secret (flow_hash.h): keys cannot
 * be chosen to flood one chain.  Buckets are never stored or shown, so a
 * per-run layout costs nothing. */
static uint32_t dpflow_hash(const struct flow_key *masked,
                            const struct flow_key *mask)
{
    return flow_hash_masked(flow_hash_process_key(), masked, mask)
           % DPFLOW_BUCKETS;
}

static struct dpflow *dpflow_find(const struct ofproto *ofp,
                                  const struct flow_key *masked,
                                  const struct flow_key *mask)
{
    for (struct dpflow *f = ofp->flows[dpflow_hash(masked, mask)]; f;
         f = f->next) {
        if (!memcmp(&f->mask, mask, sizeof *mask)
            && !memcmp(&f->masked, masked, sizeof *masked)) {
            return f;
        }
    }
    return NULL;
}

static void dpflow_unlink(struct ofproto *ofp, struct dpflow *f)
{
    struct dpflow **pp = &ofp->flows[dpflow_hash(&f->masked, &f->mask)];
    while (*pp && *pp != f) {
        pp = &(*pp)->next;
    }
    if (*pp) {
        *pp = f->next;
        ofp->n_flows--;
    }
}

static void dpflow_set_rules(struct dpflow *f, const struct xlate_out *xo)
{
    for (size_t i = 0; i < xo->n_rules; i++) {
        rule_ref(xo->rules[i]);
    }
    for (size_t i = 0; i < f->n_rules; i++) {
        rule_unref(f->rules[i]);
    }
    free(f->rules);
    f->rules = NULL;
    if (xo->n_rules) {
        f->rules = xmalloc(xo->n_rules * sizeof *f->rules);
        memcpy(f->rules, xo->rules, xo->n_rules * sizeof *f->rules);
    }
    f->n_rules = xo->n_rules;
    /* groups */
    free(f->group_hits);
    f->group_hits = NULL;
    f->n_group_hits = xo->n_group_hits;
    if (xo->n_group_hits) {
        size_t sz = xo->n_group_hits * sizeof *f->group_hits;
        f->group_hits = xmalloc(sz);
        memcpy(f->group_hits, xo->group_hits, sz);
    }
}

static const uint8_t *flow_acts(const struct xlate_out *xo, size_t *len);

static void dpflow_set_acts(struct dpflow *f, const struct xlate_out *xo)
{
    size_t len;
    const uint8_t *acts = flow_acts(xo, &len);
    free(f->acts);
    f->acts = xmalloc(len ? len : 1);
    memcpy(f->acts, acts, len);
    f->acts_len = len;
}

static void dpflow_set_normal(struct dpflow *f, const struct xlate_in *xi,
                              const struct xlate_out *xo)
{
    f->normal = xo->normal;
    memcpy(f->src_mac, xo->src_mac, 6);
    f->vlan = xo->vlan;
    f->in_ofport = xi->flow.in_port;
}

/* Credits packets the datapath counted since the last time to the rules
 * the flow went through. */
static void credit(struct ofproto *ofp, struct dpflow *f,
                   const struct megaflow_stats *st)
{
    if (st->packets <= f->packets) {
        return;
    }
    uint64_t dp = st->packets - f->packets;
    uint64_t db = st->bytes >= f->bytes ? st->bytes - f->bytes : 0;
    for (size_t i = 0; i < f->n_rules; i++) {
        f->rules[i]->n_packets += dp;
        f->rules[i]->n_bytes += db;
        if (st->used_ms > f->rules[i]->used_ms) {
            f->rules[i]->used_ms = st->used_ms;
        }
    }
    for (size_t i = 0; i < f->n_group_hits; i++) {     /* groups */
        group_table_credit(ofp->groups, f->group_hits[i].group_id,
                           f->group_hits[i].bucket_id, dp, db);
    }
    if (f->normal) {
        /* Traffic through a NORMAL flow keeps its source MAC fresh — only
         * while the MAC is still known there: an entry flushed (fdb/flush)
         * or moved is left to the next upcall, not re-learned from old
         * stats. */
        uint64_t when = st->used_ms ? st->used_ms : dp_time_ms();
        if (mac_lookup(ofp->macs, f->src_mac, f->vlan, when)
            == (int64_t) f->in_ofport) {
            mac_learn(ofp->macs, f->src_mac, f->vlan, f->in_ofport, when);
        }
    }
    f->packets = st->packets;
    f->bytes = st->bytes;
    if (st->used_ms > f->used_ms) {
        f->used_ms = st->used_ms;
    }
}

/* Deletes the datapath flow of `f` and forgets it, crediting its last
 * stats. */
static void dpflow_delete(struct ofproto *ofp, struct dpflow *f)
{
    struct megaflow_stats st;
    memset(&st, 0, sizeof st);
    if (!datapath_flow_del(ofp->dp, &f->masked, &f->mask, &st)) {
        credit(ofp, f, &st);
    }
    dpflow_unlink(ofp, f);
    dpflow_free(f);
}

static void forget_flows_of_dp_port(struct ofproto *ofp, uint32_t dp_port)
{
    for (size_t b = 0; b < DPFLOW_BUCKETS; b++) {
        struct dpflow *f = ofp->flows[b];
        while (f) {
            struct dpflow *next = f->next;
            if (f->key.in_port == dp_port) {
                dpflow_delete(ofp, f);
            }
            f = next;
        }
    }
}

/* ---- installing ---- */

struct overlap_aux {
    const struct flow_key *key, *mask;
    size_t n;
    struct flow_key keys[16], masks[16];
};

static bool collect_overlaps(const struct megaflow *mf, void *aux_)
{
    struct overlap_aux *aux = aux_;
    if (flow_key_overlap(&mf->key, &mf->mask, aux->key, aux->mask)) {
        aux->keys[aux->n] = mf->key;
        aux->masks[aux->n] = mf->mask;
        aux->n++;
    }
    return aux->n < 16;
}

/* The datapath refused a flow because an older one with another mask
 * overlaps it (the rules changed since the older one was translated, and
 * revalidation has not caught up).  Delete the older flows, ours or not;
 * the packets they covered come back as upcalls and get fresh flows. */
static void remove_overlaps(struct ofproto *ofp, const struct flow_key *key,
                            const struct flow_key *mask)
{
    struct overlap_aux aux = { .key = key, .mask = mask, .n = 0 };
    megaflow_foreach(datapath_flows(ofp->dp), collect_overlaps, &aux);
    for (size_t i = 0; i < aux.n; i++) {
        bool mine = false;
        for (struct ofproto *o = registry; o; o = o->next) {
            struct dpflow *f = dpflow_find(o, &aux.keys[i], &aux.masks[i]);
            if (f) {
                dpflow_delete(o, f);
                mine = true;
                break;
            }
        }
        if (!mine) {
            datapath_flow_del(ofp->dp, &aux.keys[i], &aux.masks[i], NULL);
        }
    }
    ofp->n_overlap_fixes++;
}

/* The datapath actions of the flow of a translation: its own, or for a
 * flow whose packets must all come up (packet_ins), one userspace action
 * (the upcall's translation then executes the actions). */
static const uint8_t *flow_acts(const struct xlate_out *xo, size_t *len)
{
    static struct action_buf slow;
    if (!xo->slow) {
        *len = xo->acts.len;
        return xo->acts.data;
    }
    action_buf_init(&slow);
    action_put_userspace(&slow, OFPROTO_SLOW_PATH_USERDATA);
    *len = slow.len;
    return slow.data;
}

static int put_flow(struct ofproto *ofp, const struct flow_key *key,
                    const struct flow_key *mask, const struct xlate_out *xo,
                    bool modify)
{
    size_t len;
    const uint8_t *acts = flow_acts(xo, &len);
    return datapath_flow_put(ofp->dp, key, mask, acts, len, modify);
}

/* Installs the megaflow of a translation and records it.  On overlap, the
 * older flows go and the put is retried once; if the datapath still
 * refuses, an exact-match flow is tried; if that fails too, nothing is
 * installed (the packet is still executed by the caller). */
static void install(struct ofproto *ofp, const struct xlate_in *xi,
                    const struct xlate_out *xo, const struct flow_key *key)
{
    if (ofp->n_flows >= ofp->settings.flow_limit) {
        ofp->n_install_fails++;
        return;
    }
    struct flow_key mask, masked;
    xlate_megaflow_mask(xo, key, &mask);
    flow_key_mask(&masked, key, &mask);
    int err = put_flow(ofp, &masked, &mask, xo, false);
    if (err == -EINVAL) {
        remove_overlaps(ofp, &masked, &mask);
        err = put_flow(ofp, &masked, &mask, xo, false);
        if (err == -EINVAL) {
            memset(&mask, 0xff, sizeof mask);
            mask.pad0 = mask.pad1 = mask.pad2 = 0;
            mask.pad3 = mask.pad4 = 0;
            flow_key_mask(&masked, key, &mask);
            err = put_flow(ofp, &masked, &mask, xo, false);
        }
    }
    if (err == -EEXIST && !dpflow_find(ofp, &masked, &mask)) {
        err = put_flow(ofp, &masked, &mask, xo, true);
    }
    if (err && err != -EEXIST) {
        ofp->n_install_fails++;
        return;
    }
    struct dpflow *f = dpflow_find(ofp, &masked, &mask);
    if (!f) {
        f = xcalloc(1, sizeof *f);
        f->key = *key;
        f->masked = masked;
        f->mask = mask;
        f->used_ms = dp_time_ms();
        uint32_t h = dpflow_hash(&masked, &mask);
        f->next = ofp->flows[h];
        ofp->flows[h] = f;
        ofp->n_flows++;
        ofp->n_installs++;
    } else if (err == -EEXIST) {
        /* Two upcalls of one flow in a batch: the first installed it. */
        return;
    }
    dpflow_set_acts(f, xo);
    dpflow_set_rules(f, xo);
    dpflow_set_normal(f, xi, xo);
}

/* Sends the packet_ins of a translation of `pkt`: each shows the packet as
 * the datapath actions before it made it (set actions only). */
static void send_packet_ins(struct ofproto *ofp, const struct dp_packet *pkt,
                            const struct xlate_out *xo)
{
    if (!ofp->connmgr || !pkt) {
        return;
    }
    static uint8_t *buf;
    if (!buf) {
        buf = xmalloc(PACKET_HEADROOM + PACKET_MAX_LEN);
    }
    for (size_t i = 0; i < xo->n_pins; i++) {
        const struct xlate_pin *pin = &xo->pins[i];
        struct dp_packet p;
        dp_packet_init(&p, buf, PACKET_HEADROOM + PACKET_MAX_LEN,
                       PACKET_HEADROOM);
        if (!dp_packet_set_data(&p, dp_packet_data(pkt), pkt->len)) {
            continue;
        }
        p.md = pkt->md;
        struct action_buf mods;
        action_buf_init(&mods);
        DP_ACTION_FOR_EACH (a, xo->acts.data, pin->acts_len) {
            if (a->type != DP_ACTION_OUTPUT && a->type != DP_ACTION_USERSPACE
                && a->type != DP_ACTION_TRUNC && a->type != DP_ACTION_DROP) {
                action_put(&mods, (enum dp_action_type) a->type, a + 1,
                           a->len - sizeof *a);
            }
        }
        if (mods.len && !mods.overflow) {
            datapath_execute(ofp->dp, &p, mods.data, mods.len);
        }
        struct ofp_packet_in pin_msg;
        memset(&pin_msg, 0, sizeof pin_msg);
        pin_msg.packet = dp_packet_data(&p);
        pin_msg.total_len = p.len;
        pin_msg.len = pin->max_len == 0xffff || pin->max_len > p.len
                      ? p.len : pin->max_len;
        pin_msg.buffer_id = OFP_NO_BUFFER;
        pin_msg.reason = pin->reason;
        pin_msg.table_id = pin->table_id;
        pin_msg.cookie = pin->cookie;
        /* Metadata: in_port always, the others when set. */
        struct ofp_match *m = &pin_msg.metadata;
        m->value.in_port = pin->flow.in_port;
        m->mask.in_port = UINT32_MAX;
        if (pin->flow.metadata) {
            m->value.metadata = pin->flow.metadata;
            m->mask.metadata = UINT64_MAX;
        }
        for (int r = 0; r < XFLOW_N_REGS; r++) {
            if (pin->flow.regs[r]) {
                m->value.regs[r] = pin->flow.regs[r];
                m->mask.regs[r] = UINT32_MAX;
            }
        }
        const struct flow_tnl *t = &pin->flow.key.tunnel;
        if (t->tun_id) {
            m->value.key.tunnel.tun_id = t->tun_id;
            m->mask.key.tunnel.tun_id = UINT64_MAX;
        }
        if (t->ip_src) {
            m->value.key.tunnel.ip_src = t->ip_src;
            m->mask.key.tunnel.ip_src = UINT32_MAX;
        }
        if (t->ip_dst) {
            m->value.key.tunnel.ip_dst = t->ip_dst;
            m->mask.key.tunnel.ip_dst = UINT32_MAX;
        }
        if (pin->flow.key.pkt_mark) {
            m->value.key.pkt_mark = pin->flow.key.pkt_mark;
            m->mask.key.pkt_mark = UINT32_MAX;
        }
        pin_msg.userdata = pin->userdata;
        pin_msg.userdata_len = pin->userdata_len;
        static struct ofp_continuation cont;
        if (pin->pause) {
            /* What NXT_RESUME needs: the bridge, the input port, the
             * actions the translation did not run. */
            memset(&cont, 0, sizeof cont);
            memcpy(cont.bridge, ofp->uuid, sizeof cont.bridge);
            const struct ofport *in = ofproto_port_by_ofport(
                ofp, pin->flow.in_port);
            cont.odp_port = in ? in->dp_port : 0;
            cont.n_groups = xo->n_frozen;
            memcpy(cont.groups, xo->frozen,
                   xo->n_frozen * sizeof *xo->frozen);
            pin_msg.cont = &cont;
        }
        connmgr_send_packet_in(ofp->connmgr, &pin_msg, pin->controller_id);
    }
}

static void execute(struct ofproto *ofp, const struct dp_packet *pkt,
                    const struct xlate_out *xo)
{
    if (xo->n_pins) {
        send_packet_ins(ofp, pkt, xo);
    }
    if (!pkt || !xo->acts.len) {
        if (pkt) {      /* counted as the datapath counts its drop flows */
            datapath_count_drop(ofp->dp, pkt->md.in_port, DP_DROP_PIPELINE,
                                1);
        }
        return;
    }
    struct dp_packet p;
    dp_packet_init(&p, ofp->exec_buf, PACKET_HEADROOM + PACKET_MAX_LEN,
                   PACKET_HEADROOM);
    if (!dp_packet_set_data(&p, dp_packet_data(pkt), pkt->len)) {
        return;
    }
    p.md = pkt->md;
    datapath_execute(ofp->dp, &p, xo->acts.data, xo->acts.len);
}

static struct xlate_out *scratch_out(void)
{
    static struct xlate_out *xo;
    if (!xo) {
        xo = xmalloc(sizeof *xo);
    }
    return xo;
}

void ofproto_handle_upcall(struct ofproto *ofp, const struct upcall *up)
{
    const struct ofport *in = ofproto_port_by_dp_port(ofp, up->key.in_port);
    if (!in) {
        return;
    }
    ofp->n_upcalls++;
    struct xlate_in xi;
    memset(&xi, 0, sizeof xi);
    xi.ofproto = ofp;
    xi.flow.key = up->key;
    xi.flow.in_port = in->ofport;
    xi.may_learn = true;
    xi.count_tables = true;
    xi.now_ms = dp_time_ms();
    struct xlate_out *xo = scratch_out();
    xlate(&xi, xo);

    uint32_t len = up->packet ? up->packet->len : 0;
    for (size_t i = 0; i < xo->n_rules; i++) {
        xo->rules[i]->n_packets++;
        xo->rules[i]->n_bytes += len;
        xo->rules[i]->used_ms = xi.now_ms;
    }
    for (size_t i = 0; i < xo->n_group_hits; i++) {    /* groups */
        group_table_credit(ofp->groups, xo->group_hits[i].group_id,
                           xo->group_hits[i].bucket_id, 1, len);
    }
    if (xo->mac_changed) {
        ofp->need_revalidate = true;
    }
    if (up->type == UPCALL_MISS) {
        install(ofp, &xi, xo, &up->key);
    }
    execute(ofp, up->packet, xo);
}

/* Upcalls whose input port no bridge owns (a port being added or removed,
 * or one ofproto refused): dropped. */
static uint64_t n_unowned_upcalls;

uint64_t ofproto_n_unowned_upcalls(void)
{
    return n_unowned_upcalls;
}

/* The one place an upcall is dispatched: to the bridge that owns its input
 * port, through the registry's dp_port -> ofport maps. */
static void drain_cb(const struct upcall *up, void *aux)
{
    (void) aux;
    struct ofproto *ofp = ofproto_lookup_by_dp_port(up->key.in_port);
    if (!ofp) {
        n_unowned_upcalls++;
        VLOG_DBG("upcall from datapath port %" PRIu32 ", which no bridge "
                 "owns: dropped", up->key.in_port);
        return;
    }
    ofproto_handle_upcall(ofp, up);
}

size_t ofproto_drain_upcalls(struct datapath *dp, size_t max)
{
    size_t n = datapath_upcall_drain(dp, drain_cb, NULL, max);
    for (struct ofproto *o = registry; o; o = o->next) {
        if (o->dp == dp && o->need_revalidate) {
            ofproto_revalidate(o);
        }
    }
    return n;
}

/* ---- stats, expiry, revalidation ---- */

static bool pull_cb(const struct megaflow *mf, void *aux)
{
    (void) aux;
    for (struct ofproto *o = registry; o; o = o->next) {
        struct dpflow *f = dpflow_find(o, &mf->key, &mf->mask);
        if (f) {
            struct megaflow_stats st;
            megaflow_stats_read(mf, &st);
            credit(o, f, &st);
            f->seen = true;
            break;
        }
    }
    return true;
}

void ofproto_pull_stats_all(void)
{
    struct datapath *done[16];
    size_t n_done = 0;
    for (struct ofproto *o = registry; o; o = o->next) {
        bool seen = false;
        for (size_t i = 0; i < n_done; i++) {
            seen |= done[i] == o->dp;
        }
        if (!seen && n_done < 16) {
            done[n_done++] = o->dp;
            megaflow_foreach(datapath_flows(o->dp), pull_cb, NULL);
        }
    }
}

/* Re-translates one flow from its key and fixes the datapath to match. */
static void revalidate_flow(struct ofproto *ofp, struct dpflow *f,
                            struct xlate_out *xo)
{
    const struct ofport *in = ofproto_port_by_dp_port(ofp, f->key.in_port);
    if (!in) {
        dpflow_delete(ofp, f);
        return;
    }
    struct xlate_in xi;
    memset(&xi, 0, sizeof xi);
    xi.ofproto = ofp;
    xi.flow.key = f->key;
    xi.flow.in_port = in->ofport;
    xi.now_ms = dp_time_ms();
    xlate(&xi, xo);
    struct flow_key mask;
    xlate_megaflow_mask(xo, &f->key, &mask);
    if (memcmp(&mask, &f->mask, sizeof mask)) {
        /* Its mask changed: the flow goes; the next packet installs the
         * right one. */
        dpflow_delete(ofp, f);
        return;
    }
    size_t len;
    const uint8_t *acts = flow_acts(xo, &len);
    if (len != f->acts_len || memcmp(acts, f->acts, f->acts_len)) {
        if (put_flow(ofp, &f->masked, &f->mask, xo, true)) {
            dpflow_delete(ofp, f);
            return;
        }
        dpflow_set_acts(f, xo);
    }
    dpflow_set_rules(f, xo);
    dpflow_set_normal(f, &xi, xo);
}

/* ---- learn: delete_learned ----
 *
 * As OVS's learned_cookies: the flows a learn with delete_learned put in
 * table T with cookie C go when the last rule with such a learn (into T
 * with C) is deleted or modified to no longer have it.  The tables are
 * swept at each revalidation, which every change of the tables is followed
 * by: a (T, C) seen at the last sweep and not at this one loses its flows
 * (flow_removed with reason DELETE to those that asked). */
struct learned_cookie {
    uint64_t cookie;
    uint8_t table;
};

static bool learned_cookie_in(const struct learned_cookie *v, size_t n,
                              uint8_t table, uint64_t cookie)
{
    for (size_t i = 0; i < n; i++) {
        if (v[i].table == table && v[i].cookie == cookie) {
            return true;
        }
    }
    return false;
}

static void learned_cookies_sweep(struct ofproto *ofp)
{
    /* Nothing can have been orphaned without a learner seen before, and
     * no learner can have come without the sequence moving: the common
     * revalidation skips the walk over every rule. */
    if (!ofp->n_learned_cookies && ofp->learner_seq == rule_learner_seq()) {
        return;
    }
    ofp->learner_seq = rule_learner_seq();
    struct learned_cookie *now = NULL;
    size_t n_now = 0;
    for (int t = 0; t < OFP_N_TABLES; t++) {
        if (!oftable_count(ofp->tables[t])) {
            continue;
        }
        size_t n;
        struct rule **rules = oftable_rules(ofp->tables[t], &n);
        for (size_t i = 0; i < n; i++) {
            for (size_t k = 0; k < rules[i]->n_acts; k++) {
                const struct ofpact *a = &rules[i]->acts[k];
                if (a->type != OFPACT_LEARN
                    || !(a->learn->flags & NX_LEARN_F_DELETE_LEARNED)
                    || learned_cookie_in(now, n_now, a->learn->table_id,
                                         a->learn->cookie)) {
                    continue;
                }
                now = xrealloc(now, (n_now + 1) * sizeof *now);
                now[n_now].table = a->learn->table_id;
                now[n_now++].cookie = a->learn->cookie;
            }
        }
        free(rules);
    }
    uint64_t now_ms = dp_time_ms();
    for (size_t i = 0; i < ofp->n_learned_cookies; i++) {
        const struct learned_cookie *lc = &ofp->learned_cookies[i];
        if (lc->table >= OFP_N_TABLES
            || learned_cookie_in(now, n_now, lc->table, lc->cookie)) {
            continue;
        }
        size_t n;
        struct rule **rules = oftable_rules(ofp->tables[lc->table], &n);
        for (size_t k = 0; k < n; k++) {
            if (rules[k]->cookie == lc->cookie) {
                ofproto_rule_send_removed(ofp, rules[k], OFPRR_DELETE, now_ms);
                oftable_remove(ofp->tables[lc->table], rules[k]);
                rule_unref(rules[k]);
            }
        }
        free(rules);
    }
    free(ofp->learned_cookies);
    ofp->learned_cookies = now;
    ofp->n_learned_cookies = n_now;
}

void ofproto_revalidate(struct ofproto *ofp)
{
    learned_cookies_sweep(ofp);     /* learn */
    ofp->need_revalidate = false;
    ofp->n_revalidations++;
    if (!ofp->n_flows) {
        return;
    }
    /* Stats first, so the old rules get what they carried.  (Callers that
     * change the MAC table pull before their change.) */
    ofproto_pull_stats_all();
    ofp->need_revalidate = false;
    struct xlate_out *xo = scratch_out();
    for (size_t b = 0; b < DPFLOW_BUCKETS; b++) {
        struct dpflow *f = ofp->flows[b];
        while (f) {
            struct dpflow *next = f->next;
            revalidate_flow(ofp, f, xo);
            f = next;
        }
    }
}

static bool rule_expired(const struct rule *r, uint64_t now_ms)
{
    if (r->hard_timeout
        && now_ms >= r->modified_ms + r->hard_timeout * 1000ull) {
        return true;
    }
    return r->idle_timeout
           && now_ms >= r->used_ms + r->idle_timeout * 1000ull;
}

static void expire_rules(struct ofproto *ofp, uint64_t now_ms)
{
    for (int t = 0; t < OFP_N_TABLES; t++) {
        if (!oftable_count_timeouts(ofp->tables[t])) {
            continue;
        }
        size_t n;
        struct rule **rules = oftable_rules(ofp->tables[t], &n);
        for (size_t i = 0; i < n; i++) {
            if (rule_expired(rules[i], now_ms)) {
                const struct rule *r = rules[i];
                bool hard = r->hard_timeout
                    && now_ms >= r->modified_ms + r->hard_timeout * 1000ull;
                ofproto_rule_send_removed(ofp, r, hard ? OFPRR_HARD_TIMEOUT
                                                       : OFPRR_IDLE_TIMEOUT,
                                          now_ms);
                oftable_remove(ofp->tables[t], rules[i]);
                rule_unref(rules[i]);
                ofp->need_revalidate = true;
            }
        }
        free(rules);
    }
}

static void expire_flows(struct ofproto *ofp, uint64_t now_ms)
{
    for (size_t b = 0; b < DPFLOW_BUCKETS && ofp->n_flows; b++) {
        struct dpflow *f = ofp->flows[b];
        while (f) {
            struct dpflow *next = f->next;
            if (now_ms >= f->used_ms + ofp->settings.max_idle_ms) {
                dpflow_delete(ofp, f);
            }
            f = next;
        }
    }
}

/* Link changes of the ports' devices, at most once a second: MODIFY. */
static void poll_links(struct ofproto *ofp, uint64_t now_ms)
{
    if (now_ms < ofp->next_link_poll_ms) {
        return;
    }
    ofp->next_link_poll_ms = now_ms + 1000;
    for (size_t i = 0; i < ofp->n_ports; i++) {
        struct ofport *p = &ofp->ports[i];
        struct ofp_phy_port pp;
        ofproto_port_describe(ofp, p, &pp);
        int up = (pp.state & OFPPS_LINK_DOWN) ? 0 : 1;
        if (up != p->link_up) {
            bool known = p->link_up >= 0;
            p->link_up = up;
            if (known && ofp->connmgr) {
                connmgr_send_port_status(ofp->connmgr, OFPPR_MODIFY, &pp);
            }
            /* fast_failover and select groups watch links. */
            if (known && group_table_count(ofp->groups)) {
                ofp->need_revalidate = true;
            }
        }
    }
}

void ofproto_run(struct ofproto *ofp, uint64_t now_ms)
{
    bool miss = ofp->connmgr && connmgr_wants_packet_in_on_miss(ofp->connmgr);
    if (miss != ofp->miss_to_controller) {
        /* Misses start or stop going to the controller: the megaflows of
         * misses change. */
        ofp->miss_to_controller = miss;
        ofp->need_revalidate = true;
    }
    poll_links(ofp, now_ms);
    ofproto_pull_stats_all();
    if (mac_expire(ofp->macs, now_ms)) {
        ofp->need_revalidate = true;
    }
    expire_rules(ofp, now_ms);
    expire_flows(ofp, now_ms);
    if (ofp->need_revalidate) {
        ofproto_revalidate(ofp);
    }
}

void ofproto_run_all(uint64_t now_ms)
{
    for (struct ofproto *o = registry; o; o = o->next) {
        ofproto_run(o, now_ms);
    }
}

/* ---- flow table changes ---- */

bool ofproto_rule_selected(const struct rule *r,
                           const struct ofp_flow_spec *spec, bool strict)
{
    if (spec->table_id != OFP_TABLE_ALL && r->table_id != spec->table_id) {
        return false;
    }
    if (spec->cookie_set && spec->cookie_masked
        && ((r->cookie ^ spec->cookie) & spec->cookie_mask)) {
        return false;
    }
    if (strict) {
        return r->priority == spec->priority
               && ofp_match_equal(&r->match, &spec->match);
    }
    return ofp_match_covers(&spec->match, &r->match);
}

int ofproto_flow_add(struct ofproto *ofp, const struct ofp_flow_spec *spec)
{
    uint8_t table = spec->table_id == OFP_TABLE_ALL ? 0 : spec->table_id;
    struct rule *r = rule_create(spec, table, dp_time_ms());
    struct rule *old = oftable_insert(ofp->tables[table], r);
    if (old) {
        rule_unref(old);
    }
    ofproto_revalidate(ofp);
    return 0;
}

/* Calls `fn` on every selected rule; returns how many. */
static size_t for_selected(struct ofproto *ofp,
                           const struct ofp_flow_spec *spec, bool strict,
                           void (*fn)(struct ofproto *, struct rule *,
                                      const struct ofp_flow_spec *))
{
    size_t count = 0;
    for (int t = 0; t < OFP_N_TABLES; t++) {
        if (!oftable_count(ofp->tables[t])) {
            continue;
        }
        size_t n;
        struct rule **rules = oftable_rules(ofp->tables[t], &n);
        for (size_t i = 0; i < n; i++) {
            if (!spec || ofproto_rule_selected(rules[i], spec, strict)) {
                fn(ofp, rules[i], spec);
                count++;
            }
        }
        free(rules);
    }
    return count;
}

static void modify_one(struct ofproto *ofp, struct rule *r,
                       const struct ofp_flow_spec *spec)
{
    (void) ofp;
    rule_set_actions(r, spec->acts, spec->n_acts);
    r->modified_ms = dp_time_ms();
}

static void delete_one(struct ofproto *ofp, struct rule *r,
                       const struct ofp_flow_spec *spec)
{
    (void) spec;
    oftable_remove(ofp->tables[r->table_id], r);
    rule_unref(r);
}

size_t ofproto_flow_mod(struct ofproto *ofp, const struct ofp_flow_spec *spec,
                        bool strict)
{
    /* Rules are referenced by datapath flows; credit their stats first. */
    ofproto_pull_stats_all();
    size_t n = for_selected(ofp, spec, strict, modify_one);
    ofproto_revalidate(ofp);
    return n;
}

size_t ofproto_flow_del(struct ofproto *ofp, const struct ofp_flow_spec *spec,
                        bool strict)
{
    ofproto_pull_stats_all();
    size_t n = for_selected(ofp, spec, strict, delete_one);
    ofproto_revalidate(ofp);
    return n;
}

int ofproto_add_flow_str(struct ofproto *ofp, const char *flow, char *err,
                         size_t errlen)
{
    struct ofp_flow_spec spec;
    int ret = ofp_parse_flow(flow, OFP_PARSE_ADD, &spec, err, errlen);
    if (!ret) {
        ofproto_flow_add(ofp, &spec);
    }
    ofp_flow_spec_free(&spec);
    return ret;
}

/* ---- OpenFlow views ---- */

static void port_status_of(const struct ofproto *ofp, uint32_t dp_port,
                           struct vport_status *st)
{
    memset(st, 0, sizeof *st);
    st->link_up = -1;
    struct vport *vp = datapath_port_get(ofp->dp, dp_port);
    if (vp && vp->ops && vp->ops->get_status) {
        vp->ops->get_status(vp, st);
    }
}

void ofproto_port_describe(const struct ofproto *ofp, const struct ofport *p,
                           struct ofp_phy_port *pp)
{
    memset(pp, 0, sizeof *pp);
    struct vport_status st;
    port_status_of(ofp, p->dp_port, &st);
    pp->port_no = p->ofport;
    memcpy(pp->hw_addr, st.mac, 6);
    snprintf(pp->name, sizeof pp->name, "%s", p->name);
    pp->config = p->config;
    /* A host device that is administratively down is PORT_DOWN, as OVS
     * reports it (a bridge's internal device starts down). */
    unsigned int flags;
    if (st.ifindex_name[0] && !netdev_get_flags(st.ifindex_name, &flags)
        && !(flags & IFF_UP)) {
        pp->config |= OFPPC_PORT_DOWN;
    }
    bool down = st.link_up == 0 || p->config & OFPPC_PORT_DOWN;
    pp->state = down ? OFPPS_LINK_DOWN : OFPPS_LIVE;
    /* As OVS 3.1 reports a netdev-datapath port: 10GB-FD copper (OF1.3 OFPPF_10GB_FD,
     * OFPPF_COPPER), 10 Gb/s. */
    pp->curr = (1u << 6) | (1u << 11);
    pp->curr_speed = 10000000;
}

uint64_t ofproto_datapath_id(const struct ofproto *ofp)
{
    const struct ofport *local = ofproto_port_by_ofport(ofp, OFPP_LOCAL);
    struct vport_status st;
    memset(&st, 0, sizeof st);
    if (local) {
        port_status_of(ofp, local->dp_port, &st);
    }
    uint8_t mac[6];
    memcpy(mac, st.mac, 6);
    if (!st.has_mac) {
        /* No MAC: a stable hash of the name. */
        uint64_t h = 1469598103934665603ull;
        for (const char *c = ofp->name; *c; c++) {
            h = (h ^ (uint8_t) *c) * 1099511628211ull;
        }
        for (int i = 0; i < 6; i++) {
            mac[i] = (uint8_t) (h >> (8 * i));
        }
        mac[0] = (uint8_t) ((mac[0] & 0xfe) | 0x02);
    }
    uint64_t dpid = 0;
    for (int i = 0; i < 6; i++) {
        dpid = (dpid << 8) | mac[i];
    }
    return dpid;
}

void ofproto_rule_send_removed(struct ofproto *ofp, const struct rule *r,
                               uint8_t reason, uint64_t now_ms)
{
    if (!ofp->connmgr || !(r->flags & OFPFF_SEND_FLOW_REM)) {
        return;
    }
    struct ofp_flow_removed fr;
    memset(&fr, 0, sizeof fr);
    fr.match = r->match;
    fr.priority = r->priority;
    fr.reason = reason;
    fr.table_id = r->table_id;
    fr.cookie = r->cookie;
    uint64_t age = now_ms > r->created_ms ? now_ms - r->created_ms : 0;
    fr.duration_sec = (uint32_t) (age / 1000);
    fr.duration_nsec = (uint32_t) (age % 1000 * 1000000);
    fr.idle_timeout = r->idle_timeout;
    fr.hard_timeout = r->hard_timeout;
    fr.packet_count = r->n_packets;
    fr.byte_count = r->n_bytes;
    connmgr_send_flow_removed(ofp->connmgr, &fr);
}

static void execute_frame(struct ofproto *ofp, const uint8_t *frame,
                          size_t len, uint32_t in_port,
                          const struct xflow *md, const struct ofpact *acts,
                          size_t n_acts, const struct ofp_cont_group *resume,
                          size_t n_resume);

void ofproto_execute_frame(struct ofproto *ofp, const uint8_t *frame,
                           size_t len, uint32_t in_port,
                           const struct xflow *md, const struct ofpact *acts,
                           size_t n_acts)
{
    execute_frame(ofp, frame, len, in_port, md, acts, n_acts, NULL, 0);
}

void ofproto_resume_frame(struct ofproto *ofp, const uint8_t *frame,
                          size_t len, const struct xflow *md,
                          const struct ofp_cont_group *groups, size_t n)
{
    /* No groups still resumes (and does nothing more), as OVS's no-op. */
    static const struct ofp_cont_group none;
    execute_frame(ofp, frame, len, md->in_port, md, NULL, 0,
                  n ? groups : &none, n);
}

static void execute_frame(struct ofproto *ofp, const uint8_t *frame,
                          size_t len, uint32_t in_port,
                          const struct xflow *md, const struct ofpact *acts,
                          size_t n_acts, const struct ofp_cont_group *resume,
                          size_t n_resume)
{
    if (len > PACKET_MAX_LEN) {
        return;
    }
    const struct ofport *in = ofproto_port_by_ofport(ofp, in_port);
    struct dp_packet p;
    dp_packet_init(&p, ofp->exec_buf, PACKET_HEADROOM + PACKET_MAX_LEN,
                   PACKET_HEADROOM);
    if (!dp_packet_set_data(&p, frame, (uint32_t) len)) {
        return;
    }
    memset(&p.md, 0, sizeof p.md);
    /* A reserved in_port has no datapath port: one no port has. */
    p.md.in_port = in ? in->dp_port : DP_MAX_PORTS;
    if (md) {
        p.md.tunnel = md->key.tunnel;
    }
    struct xlate_in xi;
    memset(&xi, 0, sizeof xi);
    xi.ofproto = ofp;
    flow_key_extract(&p, &xi.flow.key);
    xi.flow.in_port = in_port;
    if (md) {
        xi.flow.metadata = md->metadata;
        memcpy(xi.flow.regs, md->regs, sizeof xi.flow.regs);
        xi.flow.key.pkt_mark = md->key.pkt_mark;
    }
    xi.may_learn = true;
    xi.count_tables = true;
    xi.now_ms = dp_time_ms();
    xi.acts = acts;
    xi.n_acts = n_acts;
    xi.resume = resume;
    xi.n_resume = n_resume;
    struct xlate_out *xo = scratch_out();
    xlate(&xi, xo);
    for (size_t i = 0; i < xo->n_rules; i++) {
        xo->rules[i]->n_packets++;
        xo->rules[i]->n_bytes += len;
        xo->rules[i]->used_ms = xi.now_ms;
    }
    for (size_t i = 0; i < xo->n_group_hits; i++) {    /* groups */
        group_table_credit(ofp->groups, xo->group_hits[i].group_id,
                           xo->group_hits[i].bucket_id, 1, len);
    }
    if (xo->mac_changed) {
        ofp->need_revalidate = true;
    }
    /* execute() copies the packet into exec_buf, which holds it already:
     * run from a copy. */
    static uint8_t *copy_buf;
    if (!copy_buf) {
        copy_buf = xmalloc(PACKET_HEADROOM + PACKET_MAX_LEN);
    }
    struct dp_packet c;
    dp_packet_init(&c, copy_buf, PACKET_HEADROOM + PACKET_MAX_LEN,
                   PACKET_HEADROOM);
    dp_packet_set_data(&c, frame, (uint32_t) len);
    c.md = p.md;
    execute(ofp, &c, xo);
}
