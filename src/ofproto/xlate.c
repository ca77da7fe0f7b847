/* Translation of a packet through the tables into datapath actions and a
 * megaflow mask; NORMAL (MAC learning, flooding, VLANs) lives here too. */
#include "ofproto/xlate.h"
#include "ofproto/ofproto_ofp.h"

#include <arpa/inet.h>
#include <endian.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp/net_headers.h"
#include "ofp/ofp_msgs.h"
#include "ofproto/group.h"
#include "ofproto/ofproto_private.h"

struct xctx {
    const struct xlate_in *in;
    struct ofproto *ofp;
    struct xlate_out *out;
    struct xflow flow;     /* the packet as the actions left it so far */
    struct xflow base;     /* the packet as the datapath actions make it */
    struct xflow dirty;    /* bits written but not yet committed */
    int depth;             /* resubmit nesting */
    int n_resubmits;
    uint8_t table_id;
    const struct rule *rule;   /* whose actions run, NULL for packet_out's */
    uint64_t cookie;           /* its cookie; UINT64_MAX: none */
    bool paused;               /* controller(pause) ran: stop everything,
                                * freezing what is left on the way out */
    /* learn: the flows learned, added when the translation ends. */
    struct pending_learn *learned;
    size_t n_learned;
};

/* ---- trace ---- */

static void trace(struct xctx *c, int indent, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void trace(struct xctx *c, int indent, const char *fmt, ...)
{
    struct dstr *t = c->in->trace;
    if (!t) {
        return;
    }
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    dstr_printf(t, "%*s%s\n", indent, "", line);
}

static int action_indent(const struct xctx *c)
{
    return 4 * c->depth + 4;
}

/* ---- committing modified fields as datapath set actions ---- */

static bool any_set(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i]) {
            return true;
        }
    }
    return false;
}

#define DIRTY(F) any_set(&c->dirty.key.F, sizeof c->dirty.key.F)

static void commit_vlans(struct xctx *c)
{
    if (!DIRTY(vlans)) {
        return;
    }
    /* What to pop depends on the tags the packet came with. */
    memset(&c->out->wc.key.vlans, 0xff, sizeof c->out->wc.key.vlans);
    if (memcmp(c->base.key.vlans, c->flow.key.vlans,
               sizeof c->flow.key.vlans)) {
        for (int i = 0; i < FLOW_MAX_VLANS; i++) {
            if (c->base.key.vlans[i].tci & htons(FLOW_VLAN_PRESENT)) {
                action_put_pop_vlan(&c->out->acts);
            }
        }
        for (int i = FLOW_MAX_VLANS - 1; i >= 0; i--) {
            const struct flow_vlan *v = &c->flow.key.vlans[i];
            if (v->tci & htons(FLOW_VLAN_PRESENT)) {
                action_put_push_vlan(&c->out->acts,
                                     v->tpid ? v->tpid : htons(ETH_TYPE_VLAN),
                                     v->tci & ~htons(FLOW_VLAN_PRESENT));
            }
        }
    }
    memset(&c->dirty.key.vlans, 0, sizeof c->dirty.key.vlans);
}

static void commit_eth(struct xctx *c)
{
    if (!DIRTY(dl_src) && !DIRTY(dl_dst)) {
        return;
    }
    struct dp_action_set_eth s;
    s.src = c->flow.key.dl_src;
    s.dst = c->flow.key.dl_dst;
    s.src_mask = c->dirty.key.dl_src;
    s.dst_mask = c->dirty.key.dl_dst;
    action_put(&c->out->acts, DP_ACTION_SET_ETH, &s, sizeof s);
    memset(&c->dirty.key.dl_src, 0, 6);
    memset(&c->dirty.key.dl_dst, 0, 6);
}

static void commit_l3(struct xctx *c)
{
    struct flow_key *d = &c->dirty.key, *f = &c->flow.key;
    if (f->dl_type == htons(ETH_TYPE_IP)
        && (d->nw_src || d->nw_dst || d->nw_tos || d->nw_ttl)) {
        struct dp_action_set_ipv4 s = {
            .src = f->nw_src, .dst = f->nw_dst,
            .src_mask = d->nw_src, .dst_mask = d->nw_dst,
            .tos = f->nw_tos, .ttl = f->nw_ttl,
            .tos_mask = d->nw_tos, .ttl_mask = d->nw_ttl,
        };
        action_put(&c->out->acts, DP_ACTION_SET_IPV4, &s, sizeof s);
    } else if (f->dl_type == htons(ETH_TYPE_IPV6)
               && (DIRTY(ipv6_src) || DIRTY(ipv6_dst) || d->nw_tos
                   || d->nw_ttl || d->ipv6_label)) {
        struct dp_action_set_ipv6 s;
        memcpy(s.src, f->ipv6_src, 16);
        memcpy(s.dst, f->ipv6_dst, 16);
        memcpy(s.src_mask, d->ipv6_src, 16);
        memcpy(s.dst_mask, d->ipv6_dst, 16);
        s.label = f->ipv6_label;
        s.label_mask = d->ipv6_label;
        s.tclass = f->nw_tos;
        s.tclass_mask = d->nw_tos;
        s.hlimit = f->nw_ttl;
        s.hlimit_mask = d->nw_ttl;
        action_put(&c->out->acts, DP_ACTION_SET_IPV6, &s, sizeof s);
    }
    d->nw_src = d->nw_dst = 0;
    d->nw_tos = d->nw_ttl = 0;
    d->ipv6_label = 0;
    memset(d->ipv6_src, 0, 16);
    memset(d->ipv6_dst, 0, 16);
}

static void commit_l4(struct xctx *c)
{
    struct flow_key *d = &c->dirty.key, *f = &c->flow.key;
    if (!d->tp_src && !d->tp_dst) {
        return;
    }
    bool l4 = f->nw_proto == IP_PROTO_TCP || f->nw_proto == IP_PROTO_UDP
              || f->nw_proto == IP_PROTO_SCTP;
    if (l4 && (f->dl_type == htons(ETH_TYPE_IP)
               || f->dl_type == htons(ETH_TYPE_IPV6))) {
        struct dp_action_set_tp s = {
            .src = f->tp_src, .dst = f->tp_dst,
            .src_mask = d->tp_src, .dst_mask = d->tp_dst,
        };
        action_put(&c->out->acts, DP_ACTION_SET_TP, &s, sizeof s);
    }
    d->tp_src = d->tp_dst = 0;
}

static void commit_tunnel(struct xctx *c)
{
    if (!DIRTY(tunnel)) {
        return;
    }
    action_put(&c->out->acts, DP_ACTION_SET_TUNNEL, &c->flow.key.tunnel,
               sizeof c->flow.key.tunnel);
    memset(&c->dirty.key.tunnel, 0, sizeof c->dirty.key.tunnel);
}

/* Makes the datapath packet equal to the flow before an output. */
static void commit(struct xctx *c)
{
    commit_vlans(c);
    commit_eth(c);
    commit_l3(c);
    commit_l4(c);
    commit_tunnel(c);
    c->base.key = c->flow.key;
}

/* Writes a field of the flow and remembers the bits for the commit. */
static void write_field(struct xctx *c, const struct mf_field *f,
                        mf_value value, mf_value mask)
{
    mf_set_masked(f, &c->flow, value, mask);
    mf_set_masked(f, &c->dirty, mask, mask);
}

/* ---- output ---- */

static void output_dp(struct xctx *c, const struct ofport *p)
{
    if (p->config & (OFPPC_NO_FWD | OFPPC_PORT_DOWN)) {
        trace(c, action_indent(c) + 1, "-> %s is %s, skipping output",
              p->name, p->config & OFPPC_PORT_DOWN ? "down" : "no-forward");
        return;
    }
    commit(c);
    action_put_output(&c->out->acts, p->dp_port);
}

static void output_ofport(struct xctx *c, uint32_t ofport, bool allow_in_port)
{
    if (ofport == c->flow.in_port && !allow_in_port) {
        trace(c, action_indent(c) + 1, "-> skipping output to input port");
        return;
    }
    const struct ofport *p = ofproto_port_by_ofport(c->ofp, ofport);
    if (!p) {
        trace(c, action_indent(c) + 1, "-> output to nonexistent port %u",
              ofport);
        return;
    }
    output_dp(c, p);
}

static void flood(struct xctx *c, bool all)
{
    for (size_t i = 0; i < c->ofp->n_ports; i++) {
        if (!all && c->ofp->ports[i].config & OFPPC10_NO_FLOOD) {
            continue;
        }
        if (c->ofp->ports[i].ofport != c->flow.in_port) {
            output_dp(c, &c->ofp->ports[i]);
        }
    }
}

/* ---- NORMAL ---- */

static bool port_trunks(const struct ofport *p, uint16_t vlan)
{
    return p->all_trunks || (p->trunks[vlan / 8] >> (vlan % 8)) & 1;
}

static bool port_includes_vlan(const struct ofport *p, uint16_t vlan)
{
    switch (p->mode) {
    case VLAN_MODE_ACCESS:
        return p->tag == vlan;
    case VLAN_MODE_TRUNK:
        return port_trunks(p, vlan);
    default:
        return p->tag == vlan || port_trunks(p, vlan);
    }
}

/* The VLAN a packet received on `p` belongs to, or -1 to drop it. */
static int input_vlan(struct xctx *c, const struct ofport *p)
{
    uint16_t tci = ntohs(c->flow.key.vlans[0].tci);
    bool tagged = (tci & FLOW_VLAN_PRESENT) && (tci & 0x0fff);
    uint16_t vid = tagged ? (tci & 0x0fff) : 0;
    switch (p->mode) {
    case VLAN_MODE_ACCESS:
        if (tagged) {
            trace(c, action_indent(c) + 1, "-> dropping VLAN %u tagged "
                  "packet received on port %s configured as VLAN %d access "
                  "port", vid, p->name, p->tag);
            return -1;
        }
        return p->tag;
    case VLAN_MODE_TRUNK:
        break;
    default:
        if (!tagged) {
            return p->tag;
        }
        break;
    }
    if (!port_includes_vlan(p, vid)) {
        trace(c, action_indent(c) + 1, "-> dropping VLAN %u packet received "
              "on port %s not configured for trunking VLAN %u", vid, p->name,
              vid);
        return -1;
    }
    return vid;
}

/* Sets the flow's outer tag as port `p` sends VLAN `vlan`. */
static void tag_for_output(struct xctx *c, const struct ofport *p,
                           uint16_t vlan)
{
    bool tagged;
    switch (p->mode) {
    case VLAN_MODE_ACCESS:
        tagged = false;
        break;
    case VLAN_MODE_NATIVE_UNTAGGED:
        tagged = vlan != p->tag && vlan != 0;
        break;
    case VLAN_MODE_NATIVE_TAGGED:
        tagged = true;
        break;
    default:
        tagged = vlan != 0;
        break;
    }
    struct flow_vlan v = { 0, 0 };
    if (tagged) {
        uint16_t pcp = ntohs(c->flow.key.vlans[0].tci) & 0xe000;
        if (!(ntohs(c->flow.key.vlans[0].tci) & FLOW_VLAN_PRESENT)) {
            pcp = 0;
        }
        v.tpid = htons(ETH_TYPE_VLAN);
        v.tci = htons(pcp | FLOW_VLAN_PRESENT | vlan);
    }
    if (memcmp(&v, &c->flow.key.vlans[0], sizeof v)) {
        c->flow.key.vlans[0] = v;
        memset(&c->dirty.key.vlans[0], 0xff, sizeof v);
    }
}

static void output_normal(struct xctx *c, const struct ofport *p,
                          uint16_t vlan)
{
    struct flow_vlan saved = c->flow.key.vlans[0];
    tag_for_output(c, p, vlan);
    output_dp(c, p);
    if (memcmp(&saved, &c->flow.key.vlans[0], sizeof saved)) {
        c->flow.key.vlans[0] = saved;
        memset(&c->dirty.key.vlans[0], 0xff, sizeof saved);
    }
}

static bool eth_is_multicast(const struct eth_addr *a)
{
    return a->ea[0] & 1;
}

/* The destinations OVS calls reserved (eth_addr_is_reserved): the IEEE
 * 802.1D bridge group block 01:80:c2:00:00:00-0f (STP, pause, LACP, 802.1X,
 * LLDP, ...), Extreme's EDP/EAPS and Cisco's ISL, CDP/VTP/DTP/PAgP/UDLD,
 * PVST+, Uplink Fast and CFM addresses.  A bridge does not flood them
 * (other_config:forward-bpdu=true makes NORMAL treat them as any other). */
static bool eth_is_reserved(const struct eth_addr *a)
{
    uint64_t v = 0;
    for (int i = 0; i < 6; i++) {
        v = v << 8 | a->ea[i];
    }
    if ((v & ~0xfULL) == 0x0180c2000000ULL         /* 802.1D group block */
        || (v & ~0x7ULL) == 0x01000cccccc0ULL) {   /* Cisco CFM */
        return true;
    }
    static const uint64_t singles[] = {
        0x00e02b000000ULL, 0x00e02b000004ULL, 0x00e02b000006ULL, /* Extreme */
        0x01000c000000ULL,                                       /* ISL */
        0x01000cccccccULL, 0x01000ccccccdULL, 0x01000ccdcdcdULL, /* Cisco */
    };
    for (size_t i = 0; i < sizeof singles / sizeof singles[0]; i++) {
        if (v == singles[i]) {
            return true;
        }
    }
    return false;
}

static void fmt_mac(const struct eth_addr *a, char *s, size_t n)
{
    snprintf(s, n, "%02x:%02x:%02x:%02x:%02x:%02x", a->ea[0], a->ea[1],
             a->ea[2], a->ea[3], a->ea[4], a->ea[5]);
}

static void normal_learn(struct xctx *c, const struct ofport *in,
                         uint16_t vlan)
{
    const struct eth_addr *src = &c->flow.key.dl_src;
    if (eth_is_multicast(src)) {
        return;
    }
    struct xlate_out *o = c->out;
    o->normal = true;
    memcpy(o->src_mac, src->ea, 6);
    o->vlan = vlan;
    int64_t known = mac_lookup(c->ofp->macs, src->ea, vlan, c->in->now_ms);
    bool changes = known != (int64_t) in->ofport;
    if (c->in->may_learn) {
        enum mac_learn_result r = mac_learn(c->ofp->macs, src->ea, vlan,
                                            in->ofport, c->in->now_ms);
        changes = r != MAC_LEARN_REFRESHED;
        o->mac_changed |= changes;
    }
    if (changes) {
        char s[20];
        fmt_mac(src, s, sizeof s);
        trace(c, action_indent(c) + 1, "-> learned that %s is on port %s in "
              "VLAN %u", s, in->name, vlan);
    }
}

static void xlate_normal(struct xctx *c)
{
    struct xflow *wc = &c->out->wc;
    memset(&wc->key.dl_src, 0xff, 6);
    memset(&wc->key.dl_dst, 0xff, 6);
    wc->key.vlans[0].tci |= htons(VLAN_VID_MASK | FLOW_VLAN_PRESENT);

    const struct ofport *in = ofproto_port_by_ofport(c->ofp, c->flow.in_port);
    if (!in) {
        trace(c, action_indent(c) + 1, "-> no input port, dropping");
        return;
    }
    int vlan = input_vlan(c, in);
    if (vlan < 0) {
        return;
    }
    /* As OVS's is_admissible: before learning, on the whole dl_dst (already
     * in the mask above, so the megaflow is exact on it). */
    if (!c->ofp->settings.forward_bpdu
        && eth_is_reserved(&c->flow.key.dl_dst)) {
        trace(c, action_indent(c) + 1,
              "-> packet has reserved destination MAC, dropping");
        return;
    }
    normal_learn(c, in, (uint16_t) vlan);

    const struct eth_addr *dst = &c->flow.key.dl_dst;
    int64_t port = eth_is_multicast(dst) ? -1
                   : mac_lookup(c->ofp->macs, dst->ea, (uint16_t) vlan,
                                c->in->now_ms);
    if (port == (int64_t) in->ofport) {
        trace(c, action_indent(c) + 1,
              "-> learned port is input port, dropping");
        return;
    }
    const struct ofport *out = port >= 0
        ? ofproto_port_by_ofport(c->ofp, (uint32_t) port) : NULL;
    if (out && port_includes_vlan(out, (uint16_t) vlan)) {
        trace(c, action_indent(c) + 1, "-> forwarding to learned port");
        output_normal(c, out, (uint16_t) vlan);
        return;
    }
    trace(c, action_indent(c) + 1,
          "-> no learned MAC for destination, flooding");
    for (size_t i = 0; i < c->ofp->n_ports; i++) {
        const struct ofport *p = &c->ofp->ports[i];
        if (p != in && port_includes_vlan(p, (uint16_t) vlan)
            && !(p->config & OFPPC10_NO_FLOOD)) {
            output_normal(c, p, (uint16_t) vlan);
        }
    }
}

/* ---- actions ---- */

static void do_table(struct xctx *c, uint8_t table_id);

static bool prereq(struct xctx *c, enum mf_prereq p)
{
    return mf_prereq_ok(p, &c->flow, &c->out->wc);
}

static void set_field_id(struct xctx *c, enum mf_id id, mf_value v,
                         mf_value mask)
{
    write_field(c, mf_by_id(id), v, mask);
}

static void do_vlan_vid(struct xctx *c, uint16_t vid)
{
    uint16_t tci = ntohs(c->flow.key.vlans[0].tci);
    c->out->wc.key.vlans[0].tci = 0xffff;
    if (!(tci & FLOW_VLAN_PRESENT)) {
        tci = FLOW_VLAN_PRESENT;      /* mod_vlan_vid pushes a tag */
        c->flow.key.vlans[0].tpid = htons(ETH_TYPE_VLAN);
    }
    tci = (uint16_t) ((tci & ~0x0fff) | vid);
    c->flow.key.vlans[0].tci = htons(tci);
    memset(&c->dirty.key.vlans[0], 0xff, sizeof c->dirty.key.vlans[0]);
}

static void do_vlan_pcp(struct xctx *c, uint8_t pcp)
{
    uint16_t tci = ntohs(c->flow.key.vlans[0].tci);
    c->out->wc.key.vlans[0].tci = 0xffff;
    if (!(tci & FLOW_VLAN_PRESENT)) {
        tci = FLOW_VLAN_PRESENT;
        c->flow.key.vlans[0].tpid = htons(ETH_TYPE_VLAN);
    }
    tci = (uint16_t) ((tci & ~0xe000) | (pcp << 13));
    c->flow.key.vlans[0].tci = htons(tci);
    memset(&c->dirty.key.vlans[0], 0xff, sizeof c->dirty.key.vlans[0]);
}

static void do_strip_vlan(struct xctx *c)
{
    c->out->wc.key.vlans[0].tci = 0xffff;
    c->flow.key.vlans[0] = c->flow.key.vlans[1];
    memset(&c->flow.key.vlans[1], 0, sizeof c->flow.key.vlans[1]);
    memset(&c->dirty.key.vlans, 0xff, sizeof c->dirty.key.vlans);
}

static void do_push_vlan(struct xctx *c, uint16_t tpid)
{
    c->out->wc.key.vlans[0].tci = 0xffff;
    c->flow.key.vlans[1] = c->flow.key.vlans[0];
    c->flow.key.vlans[0].tpid = htons(tpid);
    c->flow.key.vlans[0].tci = htons(FLOW_VLAN_PRESENT);
    memset(&c->dirty.key.vlans, 0xff, sizeof c->dirty.key.vlans);
}

/* dec_ttl; false when the TTL runs out (the rule's actions stop). */
static bool do_dec_ttl(struct xctx *c)
{
    if (!prereq(c, MFP_IP_ANY)) {
        return true;
    }
    c->out->wc.key.nw_ttl = 0xff;
    if (c->flow.key.nw_ttl <= 1) {
        trace(c, action_indent(c) + 1, ">> %s decrement TTL exception",
              c->flow.key.dl_type == htons(ETH_TYPE_IP) ? "IPv4" : "IPv6");
        return false;
    }
    set_field_id(c, MFID_NW_TTL, c->flow.key.nw_ttl - 1, 0xff);
    return true;
}

static void do_move(struct xctx *c, const struct ofpact *a)
{
    const struct mf_field *src = a->move.src, *dst = a->move.dst;
    if (!prereq(c, src->prereq) || !prereq(c, dst->prereq)) {
        return;
    }
    mf_value bits = a->move.n_bits >= 128
        ? ~(mf_value) 0 : (((mf_value) 1) << a->move.n_bits) - 1;
    mf_value v = (mf_get(src, &c->flow) >> a->move.src_ofs) & bits;
    /* The result depends on the source bits: match them. */
    mf_set_masked(src, &c->out->wc, bits << a->move.src_ofs,
                  bits << a->move.src_ofs);
    write_field(c, dst, v << a->move.dst_ofs, bits << a->move.dst_ofs);
}

static void do_resubmit(struct xctx *c, uint32_t in_port, uint8_t table)
{
    if (c->depth >= XLATE_MAX_RESUBMIT_DEPTH
        || ++c->n_resubmits > XLATE_MAX_RESUBMITS) {
        c->out->error = c->depth >= XLATE_MAX_RESUBMIT_DEPTH
                        ? "Recursion too deep" : "Too many resubmits";
        trace(c, action_indent(c) + 1, ">> resubmit recursion too deep, "
              "dropping");
        return;
    }
    uint32_t saved = c->flow.in_port;
    uint8_t saved_table = c->table_id;
    const struct rule *saved_rule = c->rule;
    uint64_t saved_cookie = c->cookie;
    if (in_port != OFPP_IN_PORT) {
        c->flow.in_port = in_port;
    }
    c->depth++;
    do_table(c, table == OFP_TABLE_ALL ? c->table_id : table);
    c->depth--;
    c->flow.in_port = saved;
    c->table_id = saved_table;
    c->rule = saved_rule;
    c->cookie = saved_cookie;
}

static bool do_action(struct xctx *c, const struct ofpact *a);

/* xlate_FN(c, a) of OFPACTS translates action `a`; false stops the rest of
 * the rule's actions. */
#define OFPACT(ENUM, FN, ...)                                                \
    static bool xlate_##FN(struct xctx *c, const struct ofpact *a);
OFPACTS
#undef OFPACT

static struct xlate_pin *add_pin(struct xctx *c, uint8_t reason,
                                 uint64_t cookie, uint16_t max_len,
                                 uint16_t controller_id)
{
    struct xlate_out *o = c->out;
    o->slow = true;
    if (o->n_pins >= XLATE_MAX_PINS) {
        return NULL;
    }
    commit(c);     /* the packet_in shows the packet as modified so far */
    struct xlate_pin *pin = &o->pins[o->n_pins++];
    pin->reason = reason;
    pin->table_id = c->table_id;
    pin->cookie = cookie;
    pin->max_len = max_len;
    pin->controller_id = controller_id;
    pin->acts_len = o->acts.len;
    pin->flow = c->flow;
    pin->userdata = NULL;
    pin->userdata_len = 0;
    pin->pause = false;
    return pin;
}

/* A paused translation keeps acts[0..n) of the rule (or input) that was
 * running, with its table and cookie, for the continuation. */
static void freeze(struct xctx *c, uint8_t table_id, uint64_t cookie,
                   const struct ofpact *acts, size_t n)
{
    struct xlate_out *o = c->out;
    if (!n) {
        return;
    }
    if (o->n_frozen >= XLATE_MAX_FROZEN) {
        o->error = "Too many frozen actions";   /* the rest is lost */
        return;
    }
    struct ofp_cont_group *g = &o->frozen[o->n_frozen++];
    g->table_id = table_id;
    g->cookie = cookie;
    g->acts = acts;
    g->n_acts = n;
}

/* Runs acts[0..n) of one rule (or the input's) at table `table_id` with
 * `cookie`; when an action pauses the translation, freezes the rest. */
static void run_actions(struct xctx *c, uint8_t table_id, uint64_t cookie,
                        const struct ofpact *acts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct ofpact *a = &acts[i];
        if (c->in->trace) {
            struct dstr s = DSTR_INIT;
            ofpacts_format(a, 1, &s);
            trace(c, action_indent(c), "%s", dstr_str(&s));
            dstr_free(&s);
        }
        bool go_on = do_action(c, a);
        if (c->paused) {
            freeze(c, table_id, cookie, acts + i + 1, n - i - 1);
            return;
        }
        if (!go_on) {
            return;
        }
    }
}

static void do_controller(struct xctx *c, const struct ofpact *a)
{
    /* Anything a packet_out leads to says so (OF1.4+; older versions get
     * ACTION, ofp_packet.c), as OVS does. */
    /* The controller action of a table-miss flow (priority 0, matching
     * everything) is reported as a miss, as OVS does: controllers such as
     * ovs-testcontroller install one and answer only misses. */
    bool table_miss = c->rule && !c->rule->priority
                      && xflow_is_zero(&c->rule->match.mask);
    uint8_t reason = a->output.has_reason ? a->output.reason
                     : c->in->acts ? OFPR_PACKET_OUT
                     : table_miss ? OFPR_NO_MATCH
                     : OFPR_ACTION;
    struct xlate_pin *pin = add_pin(c, reason, c->cookie, a->output.max_len,
                                    a->output.controller_id);
    if (pin && a->type == OFPACT_CONTROLLER) {
        pin->userdata = a->output.userdata_len ? a->output.userdata : NULL;
        pin->userdata_len = a->output.userdata_len;
        pin->pause = a->output.pause;
    }
    if (a->type == OFPACT_CONTROLLER && a->output.pause) {
        /* As OVS: the rest waits for an NXT_RESUME of the packet_in's
         * continuation, whatever the packet-in format of the controllers
         * (only NXT_PACKET_IN2 carries the continuation; a controller
         * that gets another format cannot resume). */
        c->paused = true;
        c->out->paused = true;
        trace(c, action_indent(c) + 1, "-> packet_in to the controller, "
              "pausing");
        return;
    }
    trace(c, action_indent(c) + 1, "-> packet_in to the controller");
}

static bool xlate_output(struct xctx *c, const struct ofpact *a)
{
    switch (a->output.port) {
    case OFPP_CONTROLLER: do_controller(c, a); break;
    case OFPP_NORMAL: xlate_normal(c); break;
    case OFPP_FLOOD: flood(c, false); break;
    case OFPP_ALL: flood(c, true); break;
    case OFPP_IN_PORT: output_ofport(c, c->flow.in_port, true); break;
    case OFPP_TABLE:
        /* packet_out only: the packet goes through the tables. */
        if (c->in->acts && c->depth == 0) {
            uint8_t saved = c->table_id;
            const struct rule *saved_rule = c->rule;
            uint64_t saved_cookie = c->cookie;
            c->depth++;
            do_table(c, 0);
            c->depth--;
            c->table_id = saved;
            c->rule = saved_rule;
            c->cookie = saved_cookie;
        }
        break;
    case OFPP_NONE: break;
    default: output_ofport(c, a->output.port, false); break;
    }
    return true;
}

static bool xlate_controller(struct xctx *c, const struct ofpact *a)
{
    /* The flow goes to the slow path for every packet; the upcall's
     * translation sends the packet_in (connmgr counts what it drops). */
    do_controller(c, a);
    return true;
}

static bool xlate_vlan_vid(struct xctx *c, const struct ofpact *a)
{
    do_vlan_vid(c, a->u16);
    return true;
}

static bool xlate_vlan_pcp(struct xctx *c, const struct ofpact *a)
{
    do_vlan_pcp(c, a->u8);
    return true;
}

static bool xlate_strip_vlan(struct xctx *c, const struct ofpact *a)
{
    (void) a;
    do_strip_vlan(c);
    return true;
}

static bool xlate_push_vlan(struct xctx *c, const struct ofpact *a)
{
    do_push_vlan(c, a->u16);
    return true;
}

static bool xlate_mod_eth(struct xctx *c, const struct ofpact *a)
{
    write_field(c, a->set.field, a->set.value, a->set.mask);
    return true;
}

static bool xlate_mod_ipv4(struct xctx *c, const struct ofpact *a)
{
    if (prereq(c, MFP_IPV4)) {
        write_field(c, a->set.field, a->set.value, a->set.mask);
    }
    return true;
}

static bool xlate_ip_tos(struct xctx *c, const struct ofpact *a)
{
    if (prereq(c, MFP_IP_ANY)) {
        set_field_id(c, MFID_NW_TOS, a->u8 & 0xfc, 0xfc);
    }
    return true;
}

static bool xlate_ip_ttl(struct xctx *c, const struct ofpact *a)
{
    if (prereq(c, MFP_IP_ANY)) {
        set_field_id(c, MFID_NW_TTL, a->u8, 0xff);
    }
    return true;
}

static bool xlate_dec_ttl(struct xctx *c, const struct ofpact *a)
{
    (void) a;
    return do_dec_ttl(c);
}

static bool xlate_l4_port(struct xctx *c, const struct ofpact *a)
{
    if (prereq(c, MFP_L4)) {
        set_field_id(c, a->type == OFPACT_SET_L4_SRC ? MFID_TP_SRC
                                                     : MFID_TP_DST,
                     a->u16, 0xffff);
    }
    return true;
}

static bool xlate_set_field(struct xctx *c, const struct ofpact *a)
{
    if (prereq(c, a->set.field->prereq)) {
        write_field(c, a->set.field, a->set.value, a->set.mask);
    }
    return true;
}

static bool xlate_load(struct xctx *c, const struct ofpact *a)
{
    if (prereq(c, a->load.field->prereq)) {
        mf_value bits = a->load.n_bits >= 128
            ? ~(mf_value) 0 : (((mf_value) 1) << a->load.n_bits) - 1;
        write_field(c, a->load.field, a->load.value << a->load.ofs,
                    bits << a->load.ofs);
    }
    return true;
}

static bool xlate_move(struct xctx *c, const struct ofpact *a)
{
    do_move(c, a);
    return true;
}

static bool xlate_set_tunnel(struct xctx *c, const struct ofpact *a)
{
    c->flow.key.tunnel.tun_id = htobe64(a->u64);
    c->flow.key.tunnel.flags |= FLOW_TNL_F_KEY;
    memset(&c->dirty.key.tunnel, 0xff, sizeof c->dirty.key.tunnel);
    return true;
}

static bool xlate_resubmit(struct xctx *c, const struct ofpact *a)
{
    do_resubmit(c, a->resubmit.in_port, a->resubmit.table);
    return true;
}

static bool xlate_goto_table(struct xctx *c, const struct ofpact *a)
{
    /* Only forward, as OpenFlow requires (mod-flows could otherwise give a
     * later table a goto back to itself). */
    if (a->u8 <= c->table_id) {
        trace(c, action_indent(c) + 1, ">> goto_table to table %u from "
              "table %u is not allowed, dropping", a->u8, c->table_id);
        return false;
    }
    do_table(c, a->u8);
    return true;
}

static bool xlate_note(struct xctx *c, const struct ofpact *a)
{
    (void) c;
    (void) a;
    return true;
}

/* ---- groups ---- */

#define GROUP_MAX_LIVENESS_DEPTH 32

static bool do_action(struct xctx *c, const struct ofpact *a);

/* As OVS's odp_port_is_alive: the port exists, is not set down, and its
 * link is not known to be down. */
static bool port_is_live(struct xctx *c, uint32_t ofport)
{
    const struct ofport *p = ofproto_port_by_ofport(c->ofp, ofport);
    return p && !(p->config & OFPPC_PORT_DOWN) && p->link_up != 0;
}

static const struct ofp_bucket *first_live_bucket(struct xctx *c,
                                                  const struct ofgroup *g,
                                                  int depth);

static bool group_is_live(struct xctx *c, uint32_t id, int depth)
{
    const struct ofgroup *g = group_table_find(c->ofp->groups, id);
    return g && first_live_bucket(c, g, depth);
}

/* OVS's bucket_is_alive. */
static bool bucket_is_live(struct xctx *c, const struct ofgroup *g,
                           const struct ofp_bucket *b, int depth)
{
    if (depth >= GROUP_MAX_LIVENESS_DEPTH) {
        return false;
    }
    if (g->type == OFPGT_SELECT && !b->weight) {
        return false;
    }
    if (b->watch_port == OFPP_NONE && b->watch_group == OFPG_ANY) {
        return true;
    }
    return (b->watch_port != OFPP_NONE && b->watch_port != OFPP_CONTROLLER
            && port_is_live(c, b->watch_port))
           || (b->watch_group != OFPG_ANY
               && group_is_live(c, b->watch_group, depth + 1));
}

static const struct ofp_bucket *first_live_bucket(struct xctx *c,
                                                  const struct ofgroup *g,
                                                  int depth)
{
    for (size_t i = 0; i < g->n_buckets; i++) {
        if (bucket_is_live(c, g, &g->buckets[i], depth)) {
            return &g->buckets[i];
        }
    }
    return NULL;
}

static uint32_t rotl32(uint32_t x, int r)
{
    return x << r | x >> (32 - r);
}

static uint32_t hash_add(uint32_t h, uint32_t k)
{
    k *= 0xcc9e2d51u;
    k = rotl32(k, 15);
    k *= 0x1b873593u;
    h ^= k;
    h = rotl32(h, 13);
    return h * 5 + 0xe6546b64u;
}

static uint32_t hash_finish(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    return h ^ (h >> 16);
}

static uint32_t hash_bytes(uint32_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i += 4) {
        uint32_t w = 0;
        for (size_t j = i; j < i + 4 && j < n; j++) {
            w = w << 8 | b[j];
        }
        h = hash_add(h, w);
    }
    return h;
}

/* selection_method=hash: the fields named, each under its mask (a field
 * whose prerequisites the packet does not meet counts as absent); what it
 * reads goes into the megaflow. */
static uint32_t hash_fields(struct xctx *c, const struct ofp_group_props *p)
{
    uint32_t h = (uint32_t) p->selection_method_param
                 ^ (uint32_t) (p->selection_method_param >> 32);
    for (size_t i = 0; i < p->n_fields; i++) {
        const struct mf_field *f = p->fields[i].f;
        mf_value m = p->fields[i].mask;
        if (!prereq(c, f->prereq)) {
            continue;
        }
        mf_value v = mf_get(f, &c->flow) & m;
        mf_set_masked(f, &c->out->wc, m, m);
        for (int w = 0; w < 4; w++) {
            h = hash_add(h, (uint32_t) (v >> (32 * w)));
        }
    }
    return hash_finish(h);
}

/* The default selection (and dp_hash, which vswitch computes here rather
 * than in the datapath): a symmetric hash of the Ethernet addresses and
 * type, the VLAN, the IP addresses and protocol and the L4 ports, as OVS's
 * NX_HASH_FIELDS_SYMMETRIC_L4; all of them go into the megaflow. */
static uint32_t hash_symmetric_l4(struct xctx *c, uint32_t basis)
{
    struct flow_key *k = &c->flow.key, *w = &c->out->wc.key;
    uint8_t eth[6];
    for (int i = 0; i < 6; i++) {
        eth[i] = k->dl_src.ea[i] ^ k->dl_dst.ea[i];
    }
    memset(&w->dl_src, 0xff, 6);
    memset(&w->dl_dst, 0xff, 6);
    w->dl_type = 0xffff;
    w->vlans[0].tci |= htons(VLAN_VID_MASK | FLOW_VLAN_PRESENT);
    uint32_t h = hash_bytes(basis, eth, sizeof eth);
    h = hash_add(h, ntohs(k->dl_type));
    h = hash_add(h, ntohs(k->vlans[0].tci) & (VLAN_VID_MASK
                                              | FLOW_VLAN_PRESENT));
    bool ip = false;
    if (k->dl_type == htons(ETH_TYPE_IP)) {
        w->nw_src = w->nw_dst = UINT32_MAX;
        h = hash_add(h, k->nw_src ^ k->nw_dst);
        ip = true;
    } else if (k->dl_type == htons(ETH_TYPE_IPV6)) {
        uint8_t a[16];
        for (int i = 0; i < 16; i++) {
            a[i] = k->ipv6_src[i] ^ k->ipv6_dst[i];
        }
        memset(w->ipv6_src, 0xff, 16);
        memset(w->ipv6_dst, 0xff, 16);
        h = hash_bytes(h, a, sizeof a);
        ip = true;
    }
    if (ip) {
        w->nw_proto = 0xff;
        h = hash_add(h, k->nw_proto);
        if (k->nw_proto == IP_PROTO_TCP || k->nw_proto == IP_PROTO_UDP
            || k->nw_proto == IP_PROTO_SCTP) {
            w->tp_src = w->tp_dst = 0xffff;
            h = hash_add(h, (uint32_t) (k->tp_src ^ k->tp_dst));
        }
    }
    return hash_finish(h);
}

/* OVS's group_best_live_bucket: highest random weight over the live
 * buckets, the score of a bucket its (hash of id and flow hash) & 0xffff
 * times its weight. */
static const struct ofp_bucket *best_live_bucket(struct xctx *c,
                                                 const struct ofgroup *g,
                                                 uint32_t hash)
{
    const struct ofp_bucket *best = NULL;
    uint32_t best_score = 0;
    for (size_t i = 0; i < g->n_buckets; i++) {
        const struct ofp_bucket *b = &g->buckets[i];
        if (bucket_is_live(c, g, b, 0)) {
            uint32_t score = (hash_finish(hash_add(hash, b->bucket_id))
                              & 0xffff) * b->weight;
            if (score >= best_score) {
                best = b;
                best_score = score;
            }
        }
    }
    return best;
}

static void group_hit(struct xctx *c, uint32_t group_id, uint32_t bucket_id)
{
    struct xlate_out *o = c->out;
    if (o->n_group_hits < XLATE_MAX_GROUP_HITS) {
        o->group_hits[o->n_group_hits].group_id = group_id;
        o->group_hits[o->n_group_hits].bucket_id = bucket_id;
        o->n_group_hits++;
    }
}

/* Action-set order (OVS's ofpacts_execute_action_set): the last strip_vlan,
 * push_vlan and dec_ttl in that order, every set/move action in order, and
 * the final action: the last group, else the last output, else the last
 * resubmit; with no final action, nothing. */
enum { AS_STRIP, AS_PUSH, AS_DEC_TTL, AS_N_SLOTS };

static int action_set_class(const struct ofpact *a)
{
    switch (a->type) {
    case OFPACT_STRIP_VLAN: return AS_STRIP;
    case OFPACT_PUSH_VLAN: return AS_PUSH;
    case OFPACT_DEC_TTL: return AS_DEC_TTL;
    case OFPACT_RESUBMIT: return 10;
    case OFPACT_OUTPUT: case OFPACT_CONTROLLER: return 11;
    case OFPACT_GROUP: return 12;
    case OFPACT_SET_VLAN_VID: case OFPACT_SET_VLAN_PCP:
    case OFPACT_SET_ETH_SRC: case OFPACT_SET_ETH_DST:
    case OFPACT_SET_IPV4_SRC: case OFPACT_SET_IPV4_DST:
    case OFPACT_SET_IP_TOS: case OFPACT_SET_IP_TTL: case OFPACT_SET_L4_SRC:
    case OFPACT_SET_L4_DST: case OFPACT_SET_FIELD: case OFPACT_LOAD:
    case OFPACT_MOVE: case OFPACT_SET_TUNNEL:
        return 20;
    default:
        return -1;
    }
}

static bool do_traced_action(struct xctx *c, const struct ofpact *a)
{
    if (c->in->trace) {
        struct dstr s = DSTR_INIT;
        ofpacts_format(a, 1, &s);
        trace(c, action_indent(c), "%s", dstr_str(&s));
        dstr_free(&s);
    }
    return do_action(c, a);
}

static void run_bucket(struct xctx *c, const struct ofp_bucket *b)
{
    /* As OVS's trace: "bucket N" at the group action's indent, its
     * actions two levels in. */
    trace(c, action_indent(c), "bucket %" PRIu32, b->bucket_id);
    const struct ofpact *slots[AS_N_SLOTS] = { NULL };
    const struct ofpact *final = NULL;
    int final_class = 0;
    for (size_t i = 0; i < b->n_acts; i++) {
        int k = action_set_class(&b->acts[i]);
        if (k >= 0 && k < AS_N_SLOTS) {
            slots[k] = &b->acts[i];
        } else if (k >= 10 && k < 20 && k >= final_class) {
            final = &b->acts[i];
            final_class = k;
        }
    }
    if (!final) {
        return;
    }
    struct xflow saved = c->flow;
    c->depth += 2;
    bool go = true;
    for (int k = 0; k < AS_N_SLOTS && go; k++) {
        if (slots[k]) {
            go = do_traced_action(c, slots[k]);
        }
    }
    for (size_t i = 0; i < b->n_acts && go; i++) {
        if (action_set_class(&b->acts[i]) == 20) {
            go = do_traced_action(c, &b->acts[i]);
        }
    }
    if (go) {
        do_traced_action(c, final);
    }
    c->depth -= 2;
    /* Each bucket works on a clone of the packet: the flow goes back, and
     * whatever the datapath packet now has that the flow does not is
     * written back before the next output. */
    c->flow = saved;
    const uint8_t *f = (const uint8_t *) &c->flow.key;
    const uint8_t *base = (const uint8_t *) &c->base.key;
    uint8_t *d = (uint8_t *) &c->dirty.key;
    for (size_t i = 0; i < sizeof c->flow.key; i++) {
        d[i] |= f[i] ^ base[i];
    }
}

static bool xlate_group(struct xctx *c, const struct ofpact *a)
{
    const struct ofgroup *g = group_table_find(c->ofp->groups, a->group.id);
    if (!g) {
        trace(c, action_indent(c) + 1, ">> group %" PRIu32 " does not exist",
              a->group.id);
        return true;
    }
    if (c->depth >= XLATE_MAX_RESUBMIT_DEPTH
        || ++c->n_resubmits > XLATE_MAX_RESUBMITS) {
        c->out->error = c->depth >= XLATE_MAX_RESUBMIT_DEPTH
                        ? "Recursion too deep" : "Too many resubmits";
        trace(c, action_indent(c) + 1, ">> group recursion too deep, "
              "dropping");
        return true;
    }
    const struct ofp_bucket *b = NULL;
    switch (g->type) {
    case OFPGT_ALL:
        group_hit(c, g->group_id, OFPG_BUCKET_ALL);
        for (size_t i = 0; i < g->n_buckets; i++) {
            if (bucket_is_live(c, g, &g->buckets[i], 0)) {
                run_bucket(c, &g->buckets[i]);
            }
        }
        return true;
    case OFPGT_INDIRECT:
    case OFPGT_FF:
        b = first_live_bucket(c, g, 0);
        break;
    case OFPGT_SELECT: {
        const struct ofp_group_props *p = &g->props;
        /* As OVS: "hash" without fields is the default method. */
        uint32_t hash = !strcmp(p->selection_method, "hash") && p->n_fields
                        ? hash_fields(c, p)
                        : hash_symmetric_l4(c, (uint32_t)
                                            p->selection_method_param);
        b = best_live_bucket(c, g, hash);
        break;
    }
    default:
        break;
    }
    if (!b) {
        trace(c, action_indent(c) + 1, "-> no live bucket");
        return true;
    }
    group_hit(c, g->group_id, b->bucket_id);
    run_bucket(c, b);
    return true;
}

/* meters: the batch runs through the datapath meter of the bridge's
 * OpenFlow meter (a meter that is gone meters nothing). */
static bool xlate_meter(struct xctx *c, const struct ofpact *a)
{
    uint32_t dp_id;
    if (ofproto_meter_dp_id(c->ofp, a->meter.meter_id, &dp_id)) {
        action_put_meter(&c->out->acts, dp_id);
    }
    return true;
}

/* ---- learn and fin_timeout ----
 *
 * A learn builds a flow from the packet's fields as the actions have left
 * them and adds it to its table, or refreshes the same flow (same match and
 * priority, as OVS's MODIFY_STRICT) when it is there: identical, only its
 * hard timeout starts again; different, it is modified in place.  The flows
 * go in when the translation ends, so that, as in OVS 2.4+, a translation
 * never sees what it learned itself.  Only a real packet learns
 * (in->may_learn, as OVS's allow_side_effects: not revalidation, not
 * ofproto/trace of a flow, which prints OVS's "suppressing side effects"
 * line instead; a trace that runs a packet, may_learn set, learns and
 * prints the learned flow as OVS's trace with a packet does).
 *
 * The datapath flow of a translation that ran a learn is a slow-path
 * (userspace) flow, as for a controller action: every packet comes up and
 * learns again.  OVS instead installs a fast-path flow and keeps a cache of
 * the translation's side effects (xlate_cache XC_LEARN) that its
 * revalidators replay from the datapath flow's statistics; that needs a
 * side-effect cache this switch does not have, and the slow path is what
 * keeps learning exact (every packet refreshes the learned flow's hard
 * timeout and moves a MAC that moved). */

struct pending_learn {
    struct ofp_flow_spec spec;
    uint16_t flags;            /* OFPFF_* */
};

static mf_value learn_mask_bits(unsigned ofs, unsigned n)
{
    mf_value m = n >= 128 ? ~(mf_value) 0 : ((mf_value) 1 << n) - 1;
    return m << ofs;
}

static struct ofpact *learned_act(struct ofp_flow_spec *s,
                                  enum ofpact_type type)
{
    s->acts = xrealloc(s->acts, (s->n_acts + 1) * sizeof *s->acts);
    struct ofpact *a = &s->acts[s->n_acts++];
    memset(a, 0, sizeof *a);
    a->type = type;
    return a;
}

/* The flow_mod OVS's learn_execute() makes of `l` for the flow `x`. */
static void learn_build(const struct ofpact_learn *l, const struct xflow *x,
                        struct ofp_flow_spec *s)
{
    memset(s, 0, sizeof *s);
    s->priority = l->priority;
    s->table_id = l->table_id;
    s->cookie = l->cookie;
    s->idle_timeout = l->idle_timeout;
    s->hard_timeout = l->hard_timeout;
    s->out_port = OFPP_NONE;
    if (l->fin_idle_timeout || l->fin_hard_timeout) {
        struct ofpact *a = learned_act(s, OFPACT_FIN_TIMEOUT);
        a->fin.idle = l->fin_idle_timeout;
        a->fin.hard = l->fin_hard_timeout;
    }
    for (size_t i = 0; i < l->n_specs; i++) {
        const struct learn_spec *sp = &l->specs[i];
        mf_value v = sp->src
            ? (mf_get(sp->src, x) >> sp->src_ofs)
              & learn_mask_bits(0, sp->n_bits)
            : sp->imm;
        switch (sp->dst_type) {
        case LEARN_DST_MATCH: {
            mf_value m = learn_mask_bits(sp->dst_ofs, sp->n_bits);
            mf_set_masked(sp->dst, &s->match.value, v << sp->dst_ofs, m);
            mf_set_masked(sp->dst, &s->match.mask, m, m);
            break;
        }
        case LEARN_DST_LOAD: {
            struct ofpact *a = learned_act(s, OFPACT_LOAD);
            a->load.field = sp->dst;
            a->load.ofs = sp->dst_ofs;
            a->load.n_bits = sp->n_bits;
            a->load.value = v;
            break;
        }
        case LEARN_DST_OUTPUT:
            if (sp->n_bits <= 16 || !(v >> 16)) {
                uint32_t port = (uint16_t) v;
                if (port < OFPP_MAX || port == OFPP_IN_PORT
                    || port == OFPP_FLOOD || port == OFPP_LOCAL
                    || port == OFPP_ALL) {
                    learned_act(s, OFPACT_OUTPUT)->output.port = port;
                }
            }
            break;
        }
    }
}

/* The number of flows of table `table` with cookie `cookie`, counting
 * those this translation learned so far. */
static size_t learned_count(const struct xctx *c, uint8_t table,
                            uint64_t cookie)
{
    size_t n, count = 0;
    struct rule **rules = oftable_rules(c->ofp->tables[table], &n);
    for (size_t i = 0; i < n; i++) {
        count += rules[i]->cookie == cookie;
    }
    free(rules);
    for (size_t i = 0; i < c->n_learned; i++) {
        count += c->learned[i].spec.table_id == table
                 && c->learned[i].spec.cookie == cookie;
    }
    return count;
}

static void trace_learned(struct xctx *c, const struct ofp_flow_spec *s,
                          uint16_t flags)
{
    if (!c->in->trace) {
        return;
    }
    struct dstr d = DSTR_INIT;
    dstr_printf(&d, "table=%u ", s->table_id);
    ofp_match_format(&s->match, -1, &d);
    if (d.len && dstr_str(&d)[d.len - 1] == ' ') {
        d.len--;
        ((char *) dstr_str(&d))[d.len] = '\0';
    }
    dstr_printf(&d, " priority=%u", s->priority);
    if (s->cookie) {
        dstr_printf(&d, " cookie=%#" PRIx64, s->cookie);
    }
    if (s->idle_timeout) {
        dstr_printf(&d, " idle=%u", s->idle_timeout);
    }
    if (s->hard_timeout) {
        dstr_printf(&d, " hard=%u", s->hard_timeout);
    }
    if (flags & OFPFF_SEND_FLOW_REM) {
        dstr_put(&d, " send_flow_rem");
    }
    dstr_put(&d, " actions=");
    ofpacts_format(s->acts, s->n_acts, &d);
    trace(c, action_indent(c) + 1, "-> %s", dstr_str(&d));
    dstr_free(&d);
}

static bool xlate_learn(struct xctx *c, const struct ofpact *a)
{
    const struct ofpact_learn *l = a->learn;
    /* The learned flow depends on the source bits: match them. */
    for (size_t i = 0; i < l->n_specs; i++) {
        const struct learn_spec *sp = &l->specs[i];
        if (sp->src) {
            mf_value m = learn_mask_bits(sp->src_ofs, sp->n_bits);
            mf_set_masked(sp->src, &c->out->wc, m, m);
        }
    }
    /* Every packet must come up to learn (see above). */
    c->out->slow = true;
    struct pending_learn p;
    learn_build(l, &c->flow, &p.spec);
    p.flags = l->flags & NX_LEARN_F_SEND_FLOW_REM ? OFPFF_SEND_FLOW_REM : 0;
    /* OVS's last table (254) is hidden and read-only: no learning in it. */
    bool hidden = l->table_id >= OFP_N_TABLES - 1;
    bool exists = !hidden
                  && oftable_find_strict(c->ofp->tables[l->table_id],
                                         &p.spec.match, p.spec.priority);
    bool success = exists || !l->limit
                   || learned_count(c, l->table_id, l->cookie) < l->limit;
    /* As OVS's allow_side_effects: ofproto/trace of a flow (may_learn
     * false) only says what it would do (nor does it write result_dst).
     * Revalidation (no trace) computes the result, to translate as the
     * packet did. */
    bool side_effects = c->in->may_learn;
    if (c->in->trace && !side_effects) {
        trace(c, action_indent(c) + 1, ">> suppressing side effects, so "
              "learn action ignored");
        ofpacts_free(p.spec.acts, p.spec.n_acts);
        return true;
    }
    trace_learned(c, &p.spec, p.flags);
    if (hidden) {
        trace(c, action_indent(c) + 1, ">>>> LEARN action execution failed "
              "(OFPBRC_EPERM). <<<<");
        ofpacts_free(p.spec.acts, p.spec.n_acts);
        return true;
    }
    if (l->flags & NX_LEARN_F_WRITE_RESULT && l->result_dst) {
        mf_value bit = learn_mask_bits(l->result_ofs, 1);
        write_field(c, l->result_dst, success ? bit : 0, bit);
        trace(c, action_indent(c) + 1, "-> %s[%u] is now %s",
              l->result_dst->nxm_name, l->result_ofs, success ? "0x1" : "0");
    }
    if (!success) {
        trace(c, action_indent(c) + 1, "-> Limit exceeded, learn failed");
    }
    if (side_effects && success) {
        c->learned = xrealloc(c->learned,
                              (c->n_learned + 1) * sizeof *c->learned);
        c->learned[c->n_learned++] = p;
    } else {
        ofpacts_free(p.spec.acts, p.spec.n_acts);
    }
    return true;
}

static bool same_actions(const struct ofpact *a, size_t na,
                         const struct ofpact *b, size_t nb)
{
    struct dstr x = DSTR_INIT, y = DSTR_INIT;
    ofpacts_format(a, na, &x);
    ofpacts_format(b, nb, &y);
    bool same = !strcmp(dstr_str(&x), dstr_str(&y));
    dstr_free(&x);
    dstr_free(&y);
    return same;
}

/* Adds or refreshes the flows the translation learned. */
static void learn_commit(struct xctx *c)
{
    for (size_t i = 0; i < c->n_learned; i++) {
        struct pending_learn *p = &c->learned[i];
        struct ofp_flow_spec *s = &p->spec;
        struct oftable *t = c->ofp->tables[s->table_id];
        struct rule *old = oftable_find_strict(t, &s->match, s->priority);
        if (old && old->idle_timeout == s->idle_timeout
            && old->hard_timeout == s->hard_timeout
            && old->cookie == s->cookie && old->flags == p->flags
            && same_actions(old->acts, old->n_acts, s->acts, s->n_acts)) {
            old->modified_ms = c->in->now_ms;   /* hard timeout restarts */
        } else if (old) {
            rule_set_actions(old, s->acts, s->n_acts);
            oftable_set_timeouts(t, old, s->idle_timeout, s->hard_timeout);
            old->cookie = s->cookie;
            old->flags = p->flags;
            old->modified_ms = c->in->now_ms;
            c->ofp->need_revalidate = true;
        } else {
            struct rule *r = rule_create(s, s->table_id, c->in->now_ms);
            r->flags = p->flags;
            oftable_insert(t, r);
            c->ofp->need_revalidate = true;
        }
        ofpacts_free(s->acts, s->n_acts);
    }
    free(c->learned);
    c->learned = NULL;
    c->n_learned = 0;
}

static bool xlate_fin_timeout(struct xctx *c, const struct ofpact *a)
{
    /* A FIN or RST must come up to shorten the rule's timeouts: the
     * megaflow matches those two bits (OVS replays them from the datapath
     * flow's TCP flags instead, through its xlate cache). */
    c->out->wc.key.tcp_flags |= htons(TCP_F_FIN | TCP_F_RST);
    uint16_t flags = ntohs(c->flow.key.tcp_flags);
    if (!c->rule || !c->in->may_learn
        || !(flags & (TCP_F_FIN | TCP_F_RST))) {
        return true;
    }
    /* OVS's ofproto_rule_reduce_timeouts(). */
    struct rule *r = (struct rule *) c->rule;
    uint16_t idle = r->idle_timeout, hard = r->hard_timeout;
    if (a->fin.idle && (!idle || idle > a->fin.idle)) {
        idle = a->fin.idle;
    }
    if (a->fin.hard && (!hard || hard > a->fin.hard)) {
        hard = a->fin.hard;
    }
    if (idle != r->idle_timeout || hard != r->hard_timeout) {
        oftable_set_timeouts(c->ofp->tables[r->table_id], r, idle, hard);
    }
    return true;
}

/* conj: a clause of a conjunctive match does nothing when run (the
 * classifier never picks it; a packet_out may carry one), as in OVS. */
static bool xlate_conjunction(struct xctx *c, const struct ofpact *a)
{
    (void) c;
    (void) a;
    return true;
}

/* Runs one action; false stops the rest of this action list. */
static bool do_action(struct xctx *c, const struct ofpact *a)
{
    switch (a->type) {
#define OFPACT(ENUM, FN, ...)                                                \
    case OFPACT_##ENUM:                                                      \
        return xlate_##FN(c, a);
    OFPACTS
#undef OFPACT
    }
    return true;
}

static void trace_rule(struct xctx *c, const struct rule *r)
{
    if (!c->in->trace) {
        return;
    }
    struct dstr m = DSTR_INIT;
    ofp_match_format(&r->match, -1, &m);
    char cookie[32] = "";
    if (r->cookie) {
        snprintf(cookie, sizeof cookie, ", cookie %#llx",
                 (unsigned long long) r->cookie);
    }
    trace(c, 4 * c->depth + 1, "%u. %s%spriority %u%s", c->table_id,
          dstr_str(&m), m.len ? ", " : "", r->priority, cookie);
    dstr_free(&m);
}

static void do_table(struct xctx *c, uint8_t table_id)
{
    struct ofproto *ofp = c->ofp;
    c->table_id = table_id;
    struct rule *r = oftable_lookup(ofp->tables[table_id], &c->flow,
                                    &c->out->wc);
    if (c->in->count_tables) {
        ofp->table_lookups[table_id]++;
        ofp->table_matches[table_id] += r != NULL;
    }
    if (!r) {
        trace(c, 4 * c->depth + 1, "%u. No match.", table_id);
        /* A miss of the pipeline (not of a resubmit) goes to the
         * controller while one is connected, as OVS's miss rule. */
        const struct ofport *in = ofproto_port_by_ofport(ofp,
                                                         c->in->flow.in_port);
        if (ofp->miss_to_controller && c->depth == 0 && !c->in->acts
            && !(in && in->config & OFPPC_NO_PACKET_IN)) {
            const struct rule *saved = c->rule;
            c->rule = NULL;
            /* The whole frame: connmgr cuts it to each connection's
             * miss_send_len. */
            add_pin(c, OFPR_NO_MATCH, UINT64_MAX, UINT16_MAX, 0);
            c->rule = saved;
            trace(c, action_indent(c), "-> packet_in to the controller "
                  "(table miss)");
        } else {
            trace(c, action_indent(c), "drop");
        }
        return;
    }
    trace_rule(c, r);
    c->rule = r;
    c->cookie = r->cookie;
    if (c->out->n_rules < XLATE_MAX_RULES) {
        c->out->rules[c->out->n_rules++] = r;
    }
    run_actions(c, table_id, r->cookie, r->acts, r->n_acts);
}

void xlate(const struct xlate_in *in, struct xlate_out *out)
{
    struct xctx c;
    memset(&c, 0, sizeof c);
    c.in = in;
    c.ofp = in->ofproto;
    c.out = out;
    c.flow = in->flow;
    c.base = in->flow;
    action_buf_init(&out->acts);
    memset(&out->wc, 0, sizeof out->wc);
    out->n_rules = 0;
    out->mac_changed = false;
    out->normal = false;
    out->error = NULL;
    out->slow = false;
    out->n_pins = 0;
    out->n_group_hits = 0;
    out->paused = false;
    out->n_frozen = 0;
    c.cookie = UINT64_MAX;

    /* Fields every translation depends on, as OVS: the input port, the
     * Ethernet type and, for IP, the fragment bits. */
    out->wc.in_port = UINT32_MAX;
    out->wc.key.in_port = UINT32_MAX;
    out->wc.key.recirc_id = UINT32_MAX;
    out->wc.key.dl_type = 0xffff;
    if (in->flow.key.dl_type == htons(ETH_TYPE_IP)
        || in->flow.key.dl_type == htons(ETH_TYPE_IPV6)) {
        out->wc.key.nw_frag = FLOW_NW_FRAG_MASK;
    }
    const struct ofport *in_port = ofproto_port_by_ofport(c.ofp,
                                                          in->flow.in_port);
    if (in->resume) {
        /* NXT_RESUME: the continuation's groups, in order, each with its
         * rule's table and cookie; a new pause freezes this group's rest
         * and the groups after it. */
        for (size_t g = 0; g < in->n_resume; g++) {
            const struct ofp_cont_group *grp = &in->resume[g];
            c.table_id = grp->table_id;
            c.cookie = grp->cookie;
            c.rule = NULL;
            run_actions(&c, grp->table_id, grp->cookie, grp->acts,
                        grp->n_acts);
            if (c.paused) {
                for (size_t h = g + 1; h < in->n_resume; h++) {
                    freeze(&c, in->resume[h].table_id, in->resume[h].cookie,
                           in->resume[h].acts, in->resume[h].n_acts);
                }
                break;
            }
        }
    } else if (in->acts) {
        /* packet_out: its actions, as if a rule of table 0 had them. */
        run_actions(&c, 0, UINT64_MAX, in->acts, in->n_acts);
    } else if (in_port && in_port->config & (OFPPC_NO_RECV
                                             | OFPPC_PORT_DOWN)) {
        trace(&c, 1, "%s is %s: dropping", in_port->name,
              in_port->config & OFPPC_PORT_DOWN ? "down" : "no-receive");
    } else if (c.ofp->fail_open) {
        trace(&c, 0, "fail-open: switching NORMAL ahead of the flow table");
        xlate_normal(&c);
    } else {
        do_table(&c, 0);
    }
    out->final = c.flow;
    if (c.n_learned) {
        learn_commit(&c);     /* learn */
    }
    if (out->acts.overflow) {
        /* Too many actions for one flow: drop rather than half-forward. */
        action_buf_init(&out->acts);
        out->error = "Too many datapath actions";
    }
}

void xlate_megaflow_mask(const struct xlate_out *out,
                         const struct flow_key *key, struct flow_key *mask)
{
    *mask = out->wc.key;
    mask->in_port = UINT32_MAX;
    mask->recirc_id = UINT32_MAX;
    mask->pad0 = mask->pad1 = mask->pad2 = 0;
    mask->pad3 = mask->pad4 = 0;
    /* A tag consulted and found absent is matched whole.  It matches the
     * same packets (an absent tag is all zeros), and it is what the datapath
     * syntax says: no vlan() means "untagged", parsed as the full mask, so
     * the printed flow can be read back (dpctl get-flow/del-flow). */
    for (int i = 0; i < FLOW_MAX_VLANS; i++) {
        uint16_t present = htons(FLOW_VLAN_PRESENT);
        if (mask->vlans[i].tci & present && !(key->vlans[i].tci & present)) {
            mask->vlans[i].tpid = mask->vlans[i].tci = 0xffff;
        }
    }
}

void xflow_format_exact(const struct xflow *x, struct dstr *out)
{
    struct ofp_match m;
    memset(&m, 0, sizeof m);
    m.value = *x;
    struct xflow *k = &m.mask;
    k->in_port = UINT32_MAX;
    for (int i = 0; i < XFLOW_N_REGS; i++) {
        k->regs[i] = x->regs[i] ? UINT32_MAX : 0;
    }
    k->metadata = x->metadata ? UINT64_MAX : 0;
    k->key.tunnel.tun_id = x->key.tunnel.tun_id ? UINT64_MAX : 0;
    k->key.tunnel.ip_src = x->key.tunnel.ip_src ? UINT32_MAX : 0;
    k->key.tunnel.ip_dst = x->key.tunnel.ip_dst ? UINT32_MAX : 0;
    k->key.vlans[0].tci = 0xffff;
    memset(&k->key.dl_src, 0xff, 6);
    memset(&k->key.dl_dst, 0xff, 6);
    k->key.dl_type = 0xffff;
    uint16_t t = ntohs(x->key.dl_type);
    uint8_t proto = x->key.nw_proto;
    if (t == ETH_TYPE_IP || t == ETH_TYPE_IPV6) {
        if (t == ETH_TYPE_IP) {
            k->key.nw_src = k->key.nw_dst = UINT32_MAX;
        } else {
            memset(k->key.ipv6_src, 0xff, 16);
            memset(k->key.ipv6_dst, 0xff, 16);
            k->key.ipv6_label = htonl(IPV6_LABEL_MASK);
        }
        k->key.nw_proto = 0xff;
        k->key.nw_tos = 0xff;
        k->key.nw_ttl = 0xff;
        k->key.nw_frag = FLOW_NW_FRAG_MASK;
        bool icmp = proto == IP_PROTO_ICMP || proto == IP_PROTO_ICMPV6;
        if (proto == IP_PROTO_TCP || proto == IP_PROTO_UDP
            || proto == IP_PROTO_SCTP) {
            k->key.tp_src = k->key.tp_dst = 0xffff;
        }
        if (icmp) {
            k->key.tp_src = k->key.tp_dst = htons(0x00ff);  /* type, code */
        }
        if (proto == IP_PROTO_TCP) {
            k->key.tcp_flags = htons(TCP_FLAGS_MASK);
        }
    } else if (t == ETH_TYPE_ARP || t == ETH_TYPE_RARP) {
        k->key.nw_src = k->key.nw_dst = UINT32_MAX;
        k->key.nw_proto = 0xff;
        memset(&k->key.arp_sha, 0xff, 6);
        memset(&k->key.arp_tha, 0xff, 6);
    }
    ofp_match_format(&m, -1, out);
}
