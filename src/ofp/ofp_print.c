/* OpenFlow messages as text, as ovs-ofctl 3.1 prints them (ofp_print.h).
 * The wording, order and spacing follow OVS's ofp-print.c, ofp-port.c,
 * ofp-flow.c, ofp-table.c and ofp-packet.c (read for the facts; this is
 * our own code over our decoded structs). */
#include "ofp/ofp_print.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/ofp_port.h"

/* ---- names ---- */

static const char *const type_names[] = {
#define T(NAME) #NAME,
    OFPTYPES
#undef T
};

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcmp(s + n - m, tail);
}

/* "FLOW_STATS_REQUEST" -> base "FLOW", " request"; false when not a
 * multipart kind. */
static bool mp_split(const char *name, char *base, size_t size,
                     const char **dir)
{
    static const char *const tails[] = {
        "_STATS_REQUEST", "_STATS_REPLY", "_REQUEST", "_REPLY",
    };
    bool table_desc = !strncmp(name, "TABLE_DESC_", 11);
    bool nxst = !strncmp(name, "NXST_", 5);
    for (size_t i = 0; i < 4; i++) {
        if (i >= 2 && !table_desc && !nxst) {
            break;
        }
        if (ends_with(name, tails[i])) {
            size_t n = strlen(name) - strlen(tails[i]);
            snprintf(base, size, "%.*s", (int) n, name);
            *dir = strstr(tails[i], "REQUEST") ? " request" : " reply";
            return true;
        }
    }
    return false;
}

const char *ofp_msg_name(const struct ofp_msg *msg)
{
    static __thread char buf[64];
    if (msg->type >= OFPTYPE_N) {
        return "OFPT_UNKNOWN";
    }
    const char *name = type_names[msg->type];
    if (msg->type == OFPTYPE_PACKET_IN && msg->family == OFPF_NX) {
        return msg->subtype == 30 ? "NXT_PACKET_IN2" : "NXT_PACKET_IN";
    }
    char base[48];
    const char *dir;
    if (mp_split(name, base, sizeof base, &dir)) {
        const char *pfx = !strncmp(base, "NXST_", 5) ? ""
                          : msg->family == OFPF_NX ? "NXST_"
                          : msg->family == OFPF_ONF ? "ONFST_" : "OFPST_";
        snprintf(buf, sizeof buf, "%s%s%s", pfx, base, dir);
        return buf;
    }
    if (!strncmp(name, "NXT_", 4)) {
        return name;
    }
    const char *pfx = msg->family == OFPF_NX ? "NXT_"
                      : msg->family == OFPF_ONF ? "ONFT_" : "OFPT_";
    snprintf(buf, sizeof buf, "%s%s", pfx, name);
    return buf;
}

void ofp_print_version_xid(struct dstr *out, uint8_t version, uint32_t xid)
{
    if (version >= OFP11_VERSION && version <= OFP15_VERSION) {
        dstr_printf(out, " (OF1.%d)", version - 1);
    } else if (version != OFP10_VERSION) {
        dstr_printf(out, " (OF 0x%02x)", version);
    }
    dstr_printf(out, " (xid=0x%" PRIx32 "):", xid);
}

static bool is_multipart(enum ofptype t)
{
    return t >= OFPTYPE_DESC_STATS_REQUEST
           && t <= OFPTYPE_FLOW_MONITOR_STATS_REPLY;
}

void ofp_print_header(struct dstr *out, const struct ofp_msg *msg)
{
    dstr_put(out, ofp_msg_name(msg));
    ofp_print_version_xid(out, msg->version, msg->xid);
    if (is_multipart(msg->type) && msg->mp_flags) {
        uint16_t flags = msg->mp_flags;
        dstr_put(out, " flags=");
        bool request = (msg->type - OFPTYPE_DESC_STATS_REQUEST) % 2 == 0;
        if ((!request || msg->version >= OFP13_VERSION)
            && (flags & OFPMPF_MORE)) {
            dstr_put(out, "[more]");
            flags &= (uint16_t) ~OFPMPF_MORE;
        }
        if (flags) {
            dstr_printf(out, "[***unknown flags 0x%04" PRIx16 "***]", flags);
        }
    }
}

void ofp_print_duration(struct dstr *out, uint32_t sec, uint32_t nsec)
{
    dstr_printf(out, "%" PRIu32, sec);
    if (nsec > 0) {
        uint32_t msec = nsec / 1000000;
        if (msec * 1000000 == nsec) {
            dstr_printf(out, ".%03" PRIu32, msec);
        } else {
            char frac[16];
            snprintf(frac, sizeof frac, "%09" PRIu32, nsec);
            size_t n = strlen(frac);
            while (n > 1 && frac[n - 1] == '0') {
                frac[--n] = '\0';
            }
            dstr_printf(out, ".%s", frac);
        }
    }
    dstr_putc(out, 's');
}

void ofp_print_port_no(struct dstr *out, uint32_t port)
{
    if (port == OFPP_NONE) {
        dstr_put(out, "ANY");
        return;
    }
    ofp_port_put(port, out);
}

/* Bits by name as ofp_print_bit_names: "0" for none, unknown ones as hex. */
struct bit_name {
    uint32_t bit;
    const char *name;
};

static void print_bits(struct dstr *out, uint32_t bits,
                       const struct bit_name *names, size_t n_names)
{
    if (!bits) {
        dstr_putc(out, '0');
        return;
    }
    int n = 0;
    for (size_t i = 0; i < n_names; i++) {
        if (bits & names[i].bit) {
            dstr_put(out, n++ ? " " : "");
            dstr_put(out, names[i].name);
            bits &= ~names[i].bit;
        }
    }
    if (bits) {
        dstr_printf(out, "%s0x%" PRIx32, n ? " " : "", bits);
    }
}

#define N_ELEMS(A) (sizeof (A) / sizeof (A)[0])

/* ---- features, ports, config, desc ---- */

static void print_capabilities(struct dstr *out, uint8_t version,
                               uint32_t caps)
{
    /* OVS prints them in the order of its own enum, not wire order. */
    static const struct bit_name of10[] = {
        { 1, "FLOW_STATS" }, { 2, "TABLE_STATS" }, { 4, "PORT_STATS" },
        { 8, "STP" }, { 32, "IP_REASM" }, { 64, "QUEUE_STATS" },
        { 128, "ARP_MATCH_IP" },
    };
    static const struct bit_name of11[] = {
        { 1, "FLOW_STATS" }, { 2, "TABLE_STATS" }, { 4, "PORT_STATS" },
        { 8, "GROUP_STATS" }, { 32, "IP_REASM" }, { 64, "QUEUE_STATS" },
        { 256, "PORT_BLOCKED" }, { 512, "BUNDLES" },
        { 1024, "FLOW_MONITORING" },
    };
    if (version == OFP10_VERSION) {
        print_bits(out, caps, of10, N_ELEMS(of10));
    } else {
        print_bits(out, caps, of11, N_ELEMS(of11));
    }
}

static void print_of10_actions(struct dstr *out, uint32_t acts)
{
    static const struct bit_name names[] = {
        { 1u << 0, "output" }, { 1u << 11, "enqueue" },
        { 1u << 1, "set_vlan_vid" }, { 1u << 2, "set_vlan_pcp" },
        { 1u << 3, "strip_vlan" }, { 1u << 4, "mod_dl_src" },
        { 1u << 5, "mod_dl_dst" }, { 1u << 6, "mod_nw_src" },
        { 1u << 7, "mod_nw_dst" }, { 1u << 8, "mod_nw_tos" },
        { 1u << 9, "mod_tp_src" }, { 1u << 10, "mod_tp_dst" },
    };
    print_bits(out, acts, names, N_ELEMS(names));
}

void ofp_print_features(struct dstr *out, uint8_t version,
                        const struct ofp_features *f)
{
    dstr_printf(out, " dpid:%016" PRIx64 "\n", f->datapath_id);
    dstr_printf(out, "n_tables:%u, n_buffers:%" PRIu32, f->n_tables,
                f->n_buffers);
    if (f->auxiliary_id) {
        dstr_printf(out, ", auxiliary_id:%u", f->auxiliary_id);
    }
    dstr_put(out, "\ncapabilities: ");
    print_capabilities(out, version, f->capabilities);
    dstr_putc(out, '\n');
    if (version == OFP10_VERSION) {
        dstr_put(out, "actions: ");
        print_of10_actions(out, f->actions);
        dstr_putc(out, '\n');
    }
    ofp_print_phy_ports(out, f->ports, f->n_ports);
}

static void print_features_line(struct dstr *out, const char *label,
                                uint32_t bits)
{
    static const struct bit_name names[] = {
        { 1u << 0, "10MB-HD" }, { 1u << 1, "10MB-FD" },
        { 1u << 2, "100MB-HD" }, { 1u << 3, "100MB-FD" },
        { 1u << 4, "1GB-HD" }, { 1u << 5, "1GB-FD" },
        { 1u << 6, "10GB-FD" }, { 1u << 7, "40GB-FD" },
        { 1u << 8, "100GB-FD" }, { 1u << 9, "1TB-FD" },
        { 1u << 10, "OTHER" }, { 1u << 11, "COPPER" },
        { 1u << 12, "FIBER" }, { 1u << 13, "AUTO_NEG" },
        { 1u << 14, "AUTO_PAUSE" }, { 1u << 15, "AUTO_PAUSE_ASYM" },
    };
    if (bits) {
        dstr_put(out, label);
        print_bits(out, bits, names, N_ELEMS(names));
        dstr_putc(out, '\n');
    }
}

static void print_port_state(struct dstr *out, uint32_t state)
{
    static const struct bit_name names[] = {
        { 1, "LINK_DOWN" }, { 2, "BLOCKED" }, { 4, "LIVE" },
    };
    print_bits(out, state, names, N_ELEMS(names));
}

void ofp_print_phy_port(struct dstr *out, const struct ofp_phy_port *p)
{
    static const struct bit_name config[] = {
        { 1, "PORT_DOWN" }, { 2, "NO_STP" }, { 4, "NO_RECV" },
        { 8, "NO_RECV_STP" }, { 16, "NO_FLOOD" }, { 32, "NO_FWD" },
        { 64, "NO_PACKET_IN" },
    };
    char name[OFP_MAX_PORT_NAME_LEN];
    size_t j;
    for (j = 0; j < sizeof name - 1 && isprint((unsigned char) p->name[j]);
         j++) {
        name[j] = p->name[j];
    }
    name[j] = '\0';
    dstr_putc(out, ' ');
    ofp_print_port_no(out, p->port_no);
    const uint8_t *a = p->hw_addr;
    dstr_printf(out, "(%s): addr:%02x:%02x:%02x:%02x:%02x:%02x\n", name,
                a[0], a[1], a[2], a[3], a[4], a[5]);
    dstr_put(out, "     config:     ");
    print_bits(out, p->config, config, N_ELEMS(config));
    dstr_put(out, "\n     state:      ");
    print_port_state(out, p->state);
    dstr_putc(out, '\n');
    print_features_line(out, "     current:    ", p->curr);
    print_features_line(out, "     advertised: ", p->advertised);
    print_features_line(out, "     supported:  ", p->supported);
    print_features_line(out, "     peer:       ", p->peer);
    dstr_printf(out, "     speed: %" PRIu32 " Mbps now, %" PRIu32
                " Mbps max\n", p->curr_speed / 1000, p->max_speed / 1000);
}

/* OVS compares the 16-bit port numbers: LOCAL (0xfffe) after the rest. */
static int compare_ports(const void *a_, const void *b_)
{
    const struct ofp_phy_port *a = a_, *b = b_;
    uint16_t ap = (uint16_t) a->port_no, bp = (uint16_t) b->port_no;
    return ap < bp ? -1 : ap > bp;
}

void ofp_print_phy_ports(struct dstr *out, const struct ofp_phy_port *p,
                         size_t n)
{
    if (!n) {
        return;
    }
    struct ofp_phy_port *sorted = xmalloc(n * sizeof *sorted);
    memcpy(sorted, p, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, compare_ports);
    for (size_t i = 0; i < n; i++) {
        ofp_print_phy_port(out, &sorted[i]);
    }
    free(sorted);
}

void ofp_print_switch_config(struct dstr *out,
                             const struct ofp_switch_config *c)
{
    static const char *const frags[] = {
        "normal", "drop", "reassemble", "nx-match",
    };
    unsigned frag = c->flags & 3;
    dstr_printf(out, " frags=%s", frags[frag]);
    if (c->flags & 4) {
        dstr_put(out, " invalid_ttl_to_controller");
    }
    dstr_printf(out, " miss_send_len=%u\n", c->miss_send_len);
}

static void put_fixed(struct dstr *out, const char *label, const char *s,
                      size_t size)
{
    dstr_printf(out, "%s: %.*s\n", label, (int) strnlen(s, size), s);
}

void ofp_print_desc(struct dstr *out, const struct ofp_desc *d)
{
    dstr_putc(out, '\n');
    put_fixed(out, "Manufacturer", d->mfr_desc, sizeof d->mfr_desc);
    put_fixed(out, "Hardware", d->hw_desc, sizeof d->hw_desc);
    put_fixed(out, "Software", d->sw_desc, sizeof d->sw_desc);
    put_fixed(out, "Serial Num", d->serial_num, sizeof d->serial_num);
    put_fixed(out, "DP Description", d->dp_desc, sizeof d->dp_desc);
}

/* ---- table stats ---- */

void ofp_table_print_init(struct ofp_table_print *tp)
{
    memset(tp, 0, sizeof *tp);
    tp->first_ditto = tp->last_ditto = -1;
}

void ofp_table_print_finish(struct dstr *out, struct ofp_table_print *tp)
{
    if (tp->first_ditto < 0) {
        return;
    }
    if (tp->first_ditto == tp->last_ditto) {
        dstr_printf(out, "\n  table %d: ditto\n", tp->first_ditto);
    } else {
        dstr_printf(out, "\n  tables %d...%d: ditto\n", tp->first_ditto,
                    tp->last_ditto);
    }
    tp->first_ditto = -1;
}

/* OpenFlow 1.0 table stats carry features (max_entries, wildcards), which
 * OVS prints for the first table and calls "(same features)" after; 1.3+
 * table stats carry none. */
static void print_table_features(struct dstr *out, uint8_t version,
                                 bool first, const struct ofp_table_stats *ts)
{
    if (version != OFP10_VERSION) {
        return;
    }
    if (!first) {
        dstr_put(out, "    (same features)\n");
        return;
    }
    if (ts->max_entries) {
        dstr_printf(out, "    max_entries=%" PRIu32 "\n", ts->max_entries);
    }
    dstr_put(out, "    matching:\n      exact match or wildcard: in_port "
             "eth_{src,dst,type} vlan_{vid,pcp} ip_{src,dst} nw_{proto,tos} "
             "tcp_{src,dst}\n");
}

void ofp_print_table_stats(struct dstr *out, uint8_t version,
                           struct ofp_table_print *tp,
                           const struct ofp_table_stats *ts)
{
    bool same = tp->have_prev && ts->active_count == tp->prev.active_count
                && ts->lookup_count == tp->prev.lookup_count
                && ts->matched_count == tp->prev.matched_count
                && (version != OFP10_VERSION
                    || ts->max_entries == tp->prev.max_entries);
    bool first = !tp->have_prev;
    tp->prev = *ts;
    tp->have_prev = true;
    if (same) {
        if (tp->first_ditto < 0) {
            tp->first_ditto = ts->table_id;
        }
        tp->last_ditto = ts->table_id;
        return;
    }
    ofp_table_print_finish(out, tp);
    dstr_printf(out, "\n  table %u:\n", ts->table_id);
    dstr_printf(out, "    active=%" PRIu32 ", lookup=%" PRIu64
                ", matched=%" PRIu64 "\n", ts->active_count,
                ts->lookup_count, ts->matched_count);
    print_table_features(out, version, first, ts);
}

/* ---- port stats ---- */

static void port_stat(struct dstr *out, const char *leader, uint64_t v,
                      bool more)
{
    dstr_put(out, leader);
    if (v != UINT64_MAX) {
        dstr_printf(out, "%" PRIu64, v);
    } else {
        dstr_putc(out, '?');
    }
    dstr_put(out, more ? ", " : "\n");
}

void ofp_print_port_stats(struct dstr *out, uint8_t version,
                          const struct ofp_port_stats *ps)
{
    dstr_put(out, "  port ");
    if ((uint16_t) ps->port_no < 10) {
        dstr_putc(out, ' ');
    }
    ofp_print_port_no(out, ps->port_no);
    dstr_put(out, ": rx ");
    port_stat(out, "pkts=", ps->rx_packets, true);
    port_stat(out, "bytes=", ps->rx_bytes, true);
    port_stat(out, "drop=", ps->rx_dropped, true);
    port_stat(out, "errs=", ps->rx_errors, true);
    port_stat(out, "frame=", ps->rx_frame_err, true);
    port_stat(out, "over=", ps->rx_over_err, true);
    port_stat(out, "crc=", ps->rx_crc_err, false);
    dstr_put(out, "           tx ");
    port_stat(out, "pkts=", ps->tx_packets, true);
    port_stat(out, "bytes=", ps->tx_bytes, true);
    port_stat(out, "drop=", ps->tx_dropped, true);
    port_stat(out, "errs=", ps->tx_errors, true);
    port_stat(out, "coll=", ps->collisions, false);
    if (version >= OFP13_VERSION && ps->duration_sec != UINT32_MAX) {
        dstr_put(out, "           duration=");
        ofp_print_duration(out, ps->duration_sec, ps->duration_nsec);
        dstr_putc(out, '\n');
    }
}

/* ---- flows ---- */

static void print_flow_flags(struct dstr *out, uint16_t flags)
{
    static const struct bit_name names[] = {
        { OFPFF_SEND_FLOW_REM, "send_flow_rem " },
        { OFPFF_CHECK_OVERLAP, "check_overlap " },
        { OFPFF_RESET_COUNTS, "reset_counts " },
        { OFPFF_NO_PKT_COUNTS, "no_packet_counts " },
        { OFPFF_NO_BYT_COUNTS, "no_byte_counts " },
    };
    for (size_t i = 0; i < N_ELEMS(names); i++) {
        if (flags & names[i].bit) {
            dstr_put(out, names[i].name);
        }
    }
}

static void flow_stat(struct dstr *out, const char *leader, uint64_t v)
{
    if (v != UINT64_MAX) {
        dstr_printf(out, "%s=%" PRIu64 ", ", leader, v);
    } else {
        dstr_printf(out, "%s=?, ", leader);
    }
}

/* The match (priority included), a space unless it was empty, and the
 * actions. */
static void print_match_actions(struct dstr *out, const struct ofp_match *m,
                                int priority, const struct ofpact *acts,
                                size_t n_acts)
{
    size_t before = out->len;
    ofp_match_format(m, priority, out);
    if (out->len != before) {
        dstr_putc(out, ' ');
    }
    dstr_put(out, "actions=");
    ofpacts_format(acts, n_acts, out);
}

void ofp_print_flow_stats(struct dstr *out, const struct ofp_flow_stats *fs,
                          bool show_stats)
{
    if (show_stats || fs->cookie) {
        dstr_printf(out, "cookie=0x%" PRIx64 ", ", fs->cookie);
    }
    if (show_stats) {
        dstr_put(out, "duration=");
        ofp_print_duration(out, fs->duration_sec, fs->duration_nsec);
        dstr_put(out, ", ");
    }
    if (show_stats || fs->table_id) {
        dstr_printf(out, "table=%u, ", fs->table_id);
    }
    if (show_stats) {
        flow_stat(out, "n_packets", fs->packet_count);
        flow_stat(out, "n_bytes", fs->byte_count);
    }
    if (fs->idle_timeout) {
        dstr_printf(out, "idle_timeout=%u, ", fs->idle_timeout);
    }
    if (fs->hard_timeout) {
        dstr_printf(out, "hard_timeout=%u, ", fs->hard_timeout);
    }
    print_flow_flags(out, fs->flags);
    if (fs->importance) {
        dstr_printf(out, "importance=%u, ", fs->importance);
    }
    if (show_stats && fs->idle_age >= 0) {
        dstr_printf(out, "idle_age=%d, ", fs->idle_age);
    }
    if (show_stats && fs->hard_age >= 0
        && (uint32_t) fs->hard_age != fs->duration_sec) {
        dstr_printf(out, "hard_age=%d, ", fs->hard_age);
    }
    print_match_actions(out, &fs->match, fs->priority, fs->acts, fs->n_acts);
}

void ofp_print_aggregate(struct dstr *out, const struct ofp_aggregate_stats *a)
{
    dstr_printf(out, " packet_count=%" PRIu64 " byte_count=%" PRIu64
                " flow_count=%" PRIu32, a->packet_count, a->byte_count,
                a->flow_count);
}

static const char *flow_mod_command_name(enum ofp_flow_mod_command c)
{
    switch (c) {
    case OFPFC_ADD: return "ADD";
    case OFPFC_MODIFY: return "MOD";
    case OFPFC_MODIFY_STRICT: return "MOD_STRICT";
    case OFPFC_DELETE: return "DEL";
    case OFPFC_DELETE_STRICT: return "DEL_STRICT";
    }
    return NULL;
}

static void print_flow_mod_params(struct dstr *out,
                                  const struct ofp_flow_mod *fm)
{
    if (fm->new_cookie && fm->new_cookie != UINT64_MAX) {
        dstr_printf(out, "cookie:0x%" PRIx64 " ", fm->new_cookie);
    }
    if (fm->cookie_mask) {
        dstr_printf(out, "cookie:0x%" PRIx64 "/0x%" PRIx64 " ", fm->cookie,
                    fm->cookie_mask);
    }
    if (fm->idle_timeout) {
        dstr_printf(out, "idle:%u ", fm->idle_timeout);
    }
    if (fm->hard_timeout) {
        dstr_printf(out, "hard:%u ", fm->hard_timeout);
    }
    if (fm->importance) {
        dstr_printf(out, "importance:%u ", fm->importance);
    }
    if (fm->buffer_id != OFP_NO_BUFFER) {
        dstr_printf(out, "buf:0x%" PRIx32 " ", fm->buffer_id);
    }
    if (fm->out_port != OFPP_NONE) {
        dstr_put(out, "out_port:");
        ofp_print_port_no(out, fm->out_port);
        dstr_putc(out, ' ');
    }
}

void ofp_print_flow_mod(struct dstr *out, uint8_t version,
                        const struct ofp_flow_mod *fm)
{
    const char *cmd = flow_mod_command_name(fm->command);
    if (cmd) {
        dstr_printf(out, " %s", cmd);
    } else {
        dstr_printf(out, " cmd:%d", (int) fm->command);
    }
    if (fm->table_id) {
        dstr_printf(out, " table:%u", fm->table_id);
    }
    dstr_putc(out, ' ');
    ofp_match_format(&fm->match, fm->priority, out);
    if (out->len && out->s[out->len - 1] != ' ') {
        dstr_putc(out, ' ');
    }
    print_flow_mod_params(out, fm);
    uint16_t flags = fm->flags;
    if (version == OFP10_VERSION || version == OFP11_VERSION) {
        flags &= (uint16_t) ~OFPFF_RESET_COUNTS;
    }
    print_flow_flags(out, flags);
    dstr_put(out, "actions=");
    ofpacts_format(fm->acts, fm->n_acts, out);
}

static const char *flow_removed_reason(uint8_t r, char *buf, size_t size)
{
    static const char *const names[] = {
        "idle", "hard", "delete", "group_delete", "meter_delete", "eviction",
    };
    if (r < N_ELEMS(names)) {
        return names[r];
    }
    snprintf(buf, size, "%u", r);
    return buf;
}

void ofp_print_flow_removed(struct dstr *out,
                            const struct ofp_flow_removed *fr)
{
    char buf[16];
    dstr_putc(out, ' ');
    ofp_match_format(&fr->match, fr->priority, out);
    dstr_printf(out, " reason=%s",
                flow_removed_reason(fr->reason, buf, sizeof buf));
    if (fr->table_id != 255) {
        dstr_printf(out, " table_id=%u", fr->table_id);
    }
    if (fr->cookie) {
        dstr_printf(out, " cookie:0x%" PRIx64, fr->cookie);
    }
    dstr_put(out, " duration");
    ofp_print_duration(out, fr->duration_sec, fr->duration_nsec);
    dstr_printf(out, " idle%u", fr->idle_timeout);
    if (fr->hard_timeout) {
        dstr_printf(out, " hard%u", fr->hard_timeout);
    }
    dstr_printf(out, " pkts%" PRIu64 " bytes%" PRIu64 "\n", fr->packet_count,
                fr->byte_count);
}

/* ---- packets ---- */

static const char *packet_in_reason(uint8_t r, char *buf, size_t size)
{
    static const char *const names[] = {
        "no_match", "action", "invalid_ttl", "action_set", "group",
        "packet_out",
    };
    if (r < N_ELEMS(names)) {
        return names[r];
    }
    snprintf(buf, size, "%u", r);
    return buf;
}

static void put_hex_arg(struct dstr *out, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        dstr_printf(out, "%s%02x", i ? "." : "", p[i]);
    }
}

/* A continuation's bridge as OVS prints its UUID (four 32-bit words in
 * the sender's order, this host's). */
static void put_cont_uuid(struct dstr *out, const uint8_t b[16])
{
    uint32_t w[4];
    memcpy(w, b, sizeof w);
    dstr_printf(out, "%08x-%04x-%04x-%04x-%04x%08x", w[0], w[1] >> 16,
                w[1] & 0xffff, w[2] >> 16, w[2] & 0xffff, w[3]);
}

/* A continuation as ovs-ofctl prints it ("continuation.bridge=...",
 * ".actions=unroll_xlate(table=T, cookie=C),ACTIONS...", ".odp_port=N");
 * nothing when it does not decode. */
static void print_continuation(struct dstr *out,
                               const struct ofp_packet_in *pin,
                               uint8_t version)
{
    struct ofp_continuation *k = xmalloc(sizeof *k);
    if (ofp_decode_continuation(pin->continuation, pin->continuation_len,
                                version, k)) {
        free(k);
        return;
    }
    static const uint8_t zero[16];
    if (memcmp(k->bridge, zero, sizeof zero)) {
        dstr_put(out, " continuation.bridge=");
        put_cont_uuid(out, k->bridge);
        dstr_putc(out, '\n');
    }
    if (k->n_groups) {
        dstr_put(out, " continuation.actions=");
        for (size_t g = 0; g < k->n_groups; g++) {
            const struct ofp_cont_group *grp = &k->groups[g];
            dstr_printf(out, "%sunroll_xlate(table=%u, cookie=%" PRIu64 ")",
                        g ? "," : "", grp->table_id, grp->cookie);
            if (grp->n_acts) {
                dstr_putc(out, ',');
                ofpacts_format(grp->acts, grp->n_acts, out);
            }
        }
        dstr_putc(out, '\n');
    }
    if (k->odp_port) {
        dstr_printf(out, " continuation.odp_port=%" PRIu32 "\n",
                    k->odp_port);
    }
    ofp_continuation_free(k);
    free(k);
}

void ofp_print_packet_in(struct dstr *out, const struct ofp_packet_in *pin,
                         uint8_t version, bool packet)
{
    char buf[16];
    if (pin->table_id) {
        dstr_printf(out, " table_id=%u", pin->table_id);
    }
    if (pin->cookie != UINT64_MAX) {
        dstr_printf(out, " cookie=0x%" PRIx64, pin->cookie);
    }
    dstr_printf(out, " total_len=%zu ", pin->total_len);
    ofp_match_format(&pin->metadata, OFP_DEFAULT_PRIORITY, out);
    dstr_printf(out, " (via %s)",
                packet_in_reason(pin->reason, buf, sizeof buf));
    dstr_printf(out, " data_len=%zu", pin->len);
    if (pin->buffer_id == OFP_NO_BUFFER) {
        dstr_put(out, " (unbuffered)");
        if (pin->total_len != pin->len) {
            dstr_put(out, " (***total_len != data_len***)");
        }
    } else {
        dstr_printf(out, " buffer=0x%08" PRIx32, pin->buffer_id);
        if (pin->total_len < pin->len) {
            dstr_put(out, " (***total_len < data_len***)");
        }
    }
    dstr_putc(out, '\n');
    if (pin->userdata_len) {
        dstr_put(out, " userdata=");
        put_hex_arg(out, pin->userdata, pin->userdata_len);
        dstr_putc(out, '\n');
    }
    if (pin->continuation_len) {
        print_continuation(out, pin, version);
    }
    if (packet) {
        ofp_print_packet(out, pin->packet, pin->len);
    }
}

void ofp_print_port_status(struct dstr *out, enum ofp_port_reason reason,
                           const struct ofp_phy_port *p)
{
    static const char *const names[] = { " ADD:", " DEL:", " MOD:" };
    if ((unsigned) reason < N_ELEMS(names)) {
        dstr_put(out, names[reason]);
    }
    ofp_print_phy_port(out, p);
}

void ofp_print_hex_dump(struct dstr *out, const uint8_t *p, size_t len)
{
    for (size_t ofs = 0; ofs < len; ofs += 16) {
        size_t n = len - ofs < 16 ? len - ofs : 16;
        dstr_printf(out, "%08zx  ", ofs);
        for (size_t i = 0; i < 16; i++) {
            if (i < n) {
                dstr_printf(out, "%02x%c", p[ofs + i], i == 7 ? '-' : ' ');
            } else {
                dstr_put(out, "   ");
            }
        }
        dstr_putc(out, '|');
        for (size_t i = 0; i < n; i++) {
            int c = p[ofs + i];
            dstr_putc(out, c >= 32 && c < 127 ? (char) c : '.');
        }
        dstr_printf(out, "%*s|\n", (int) (16 - n), "");
    }
}

