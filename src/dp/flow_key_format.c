/* Flow keys as text, in OVS's datapath syntax (what `ovs-appctl
 * dpctl/dump-flows` prints), and back.
 *
 * Layout rules (those of OVS's odp-util):
 *   - verbose (dump-flows -m) prints every field of every attribute the key
 *     has, wildcarded ones as value/0 (e.g. "proto=0/0", "src=0.0.0.0/
 *     0.0.0.0"), plus skb_mark(), recirc_id() and packet_type(ns=0,id=0)
 *     always; which L3/L4 attributes the key has still follows its (masked)
 *     eth_type and IP protocol, and a zero frag mask still prints nothing;
 *   - without a mask every attribute the packet has is printed; with a mask a
 *     field prints only when its mask is non-zero, as value/mask when partly
 *     masked, and an attribute whose fields are all wildcarded is left out
 *     (except in_port, always printed, and eth(), printed empty);
 *   - VLAN tags nest: eth_type(TPID),vlan(vid=..,pcp=..),encap(...); a tag
 *     cut short in the frame prints with cfi=0 and an empty encap(); the
 *     TPID is always matched exactly (OVS's datapath cannot do otherwise);
 *   - a frame without an Ethernet II type (dl_type 0x05ff) has no eth_type()
 *     without a mask and eth_type(0/MASK) with one;
 *   - in a masked key, eth_type(T) at a level without a vlan() means "no
 *     (further) tag": parsing sets that level's VLAN mask to all-ones (as the
 *     kernel datapath does), and formatting leaves that mask implied;
 *   - frag is an enumeration (no/first/later): any non-zero nw_frag mask
 *     prints as frag=..., and parses back as the full FLOW_NW_FRAG_MASK;
 *   - ICMP type/code masks are 8 bits wide (htons(0xff) is exact);
 *   - attributes carry their prerequisites, as every datapath flow has them:
 *     ipv4()/ipv6()/arp() without an eth_type() match that type exactly, and
 *     tcp()/udp()/sctp()/icmp()/icmpv6()/tcp_flags() match nw_proto exactly;
 *     nd() prints (masked) only when the ICMPv6 type and code are exact. */
#include "dp/flow_key.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp/net_headers.h"
#include "lib/util.h"

#define FLOW_DL_TYPE_NONE 0x05ff

static bool is_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i]) {
            return false;
        }
    }
    return true;
}

static bool is_ones(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) {
        if (b[i] != 0xff) {
            return false;
        }
    }
    return true;
}

/* ===========================================================================
 * Formatting. */

/* An snprintf-style output: writes what fits (always NUL-terminated),
 * counts everything, and remembers the last character it was asked to write
 * so that a trailing comma can be dropped even when truncated. */
struct out {
    char *buf;
    size_t size;
    size_t len;
    char last;
    bool verbose;              /* print wildcarded fields too (as value/0) */
};

static void put(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
    char piece[256];           /* every single put() is far shorter */
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(piece, sizeof piece, fmt, args);
    va_end(args);
    if (n <= 0) {
        return;
    }
    size_t count = (size_t)n < sizeof piece ? (size_t)n : sizeof piece - 1;
    for (size_t i = 0; i < count; i++, o->len++) {
        if (o->len + 1 < o->size) {
            o->buf[o->len] = piece[i];
            o->buf[o->len + 1] = '\0';
        }
    }
    o->last = piece[count - 1];
}

/* Removes a trailing ',' (fields are printed each with a comma). */
static void chomp_comma(struct out *o)
{
    if (o->len && o->last == ',') {
        o->len--;
        if (o->len < o->size) {
            o->buf[o->len] = '\0';
        }
        o->last = '\0';
    }
}

/* What one format call looks at: values already masked, the mask (all-ones
 * when the caller gave none) and whether the caller gave one. */
struct fmt_ctx {
    struct out *o;
    const struct flow_key *raw;   /* structure (tags, protocols) */
    struct flow_key v;            /* values: raw & mask */
    const struct flow_key *m;
    bool masked;
};

static void put_eth(struct out *o, const char *name, const struct eth_addr *v,
                    const struct eth_addr *m)
{
    if (is_zero(m, sizeof *m) && !o->verbose) {
        return;
    }
    const uint8_t *a = v->ea;
    put(o, "%s=%02x:%02x:%02x:%02x:%02x:%02x", name,
        a[0], a[1], a[2], a[3], a[4], a[5]);
    if (!is_ones(m, sizeof *m)) {
        const uint8_t *b = m->ea;
        put(o, "/%02x:%02x:%02x:%02x:%02x:%02x",
            b[0], b[1], b[2], b[3], b[4], b[5]);
    }
    put(o, ",");
}

static void put_ipv4(struct out *o, const char *name, uint32_t v, uint32_t m)
{
    if (!m && !o->verbose) {
        return;
    }
    const uint8_t *a = (const uint8_t *)&v, *b = (const uint8_t *)&m;
    put(o, "%s=%u.%u.%u.%u", name, a[0], a[1], a[2], a[3]);
    if (m != UINT32_MAX) {
        put(o, "/%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
    }
    put(o, ",");
}

static void put_ipv6(struct out *o, const char *name, const uint8_t v[16],
                     const uint8_t m[16])
{
    if (is_zero(m, 16) && !o->verbose) {
        return;
    }
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, v, text, sizeof text);
    put(o, "%s=%s", name, text);
    if (!is_ones(m, 16)) {
        inet_ntop(AF_INET6, m, text, sizeof text);
        put(o, "/%s", text);
    }
    put(o, ",");
}

/* Unsigned field: decimal (or 0x-hex when `hex`) value, hex mask. */
static void put_uint(struct out *o, const char *name, uint64_t v, uint64_t m,
                     uint64_t full, bool hex)
{
    if (!m && !o->verbose) {
        return;
    }
    put(o, hex ? "%s=%#" PRIx64 : "%s=%" PRIu64, name, v);
    if (m != full) {
        put(o, "/%#" PRIx64, m);
    }
    put(o, ",");
}

static const char *frag_name(uint8_t nw_frag)
{
    return !(nw_frag & FLOW_NW_FRAG_ANY) ? "no"
           : nw_frag & FLOW_NW_FRAG_LATER ? "later" : "first";
}

static void put_frag(struct out *o, uint8_t v, uint8_t m)
{
    if (m) {
        put(o, "frag=%s,", frag_name(v));
    }
}

/* Flag names by bit, lowest first; NULL ends the table. */
struct flag_name {
    uint32_t bit;
    const char *name;
};

static const struct flag_name tcp_flag_names[] = {
    { 0x001, "fin" }, { 0x002, "syn" }, { 0x004, "rst" }, { 0x008, "psh" },
    { 0x010, "ack" }, { 0x020, "urg" }, { 0x040, "ece" }, { 0x080, "cwr" },
    { 0x100, "ns" }, { 0x200, "[200]" }, { 0x400, "[400]" },
    { 0x800, "[800]" }, { 0, NULL },
};

/* OVS prints tunnel flags in the order of its own bit values. */
static const struct flag_name tnl_flag_names[] = {
    { FLOW_TNL_F_DONT_FRAGMENT, "df" }, { FLOW_TNL_F_CSUM, "csum" },
    { FLOW_TNL_F_KEY, "key" }, { 0, NULL },
};

/* "a|b" under a full mask, "+a-b" under a partial one, "0/0" under none
 * (only verbose output asks for that, as OVS's tcp_flags(0/0)). */
static void put_flags(struct out *o, const struct flag_name *names,
                      uint32_t v, uint32_t m, uint32_t full)
{
    if (!(m & full)) {
        put(o, "0/0");
        return;
    }
    if ((m & full) == full) {
        if (!(v & full)) {
            put(o, "0");
            return;
        }
        const char *sep = "";
        for (const struct flag_name *f = names; f->name; f++) {
            if (v & f->bit) {
                put(o, "%s%s", sep, f->name);
                sep = "|";
            }
        }
        return;
    }
    for (const struct flag_name *f = names; f->name; f++) {
        if (m & f->bit) {
            put(o, "%c%s", v & f->bit ? '+' : '-', f->name);
        }
    }
}

static bool tunnel_present(const struct fmt_ctx *c)
{
    return !is_zero(c->masked ? (const void *)&c->m->tunnel
                              : (const void *)&c->v.tunnel,
                    sizeof c->v.tunnel);
}

static void format_tunnel(struct fmt_ctx *c)
{
    const struct flow_tnl *v = &c->v.tunnel, *m = &c->m->tunnel;
    struct out *o = c->o;
    if (!tunnel_present(c)) {
        return;
    }
    put(o, "tunnel(");
    bool all = o->verbose || c->masked;
    bool with_id = o->verbose ? true
                   : c->masked ? m->tun_id != 0
                             : (v->flags & FLOW_TNL_F_KEY) || v->tun_id;
    if (with_id) {
        put(o, "tun_id=0x%" PRIx64, (uint64_t)be64toh(v->tun_id));
        if (m->tun_id != UINT64_MAX) {
            put(o, "/%#" PRIx64, (uint64_t)be64toh(m->tun_id));
        }
        put(o, ",");
    }
    if (all || v->ip_src) {
        put_ipv4(o, "src", v->ip_src, m->ip_src);
    }
    if (all || v->ip_dst) {
        put_ipv4(o, "dst", v->ip_dst, m->ip_dst);
    }
    if (all || v->ip_tos) {
        put_uint(o, "tos", v->ip_tos, m->ip_tos, 0xff, true);
    }
    put_uint(o, "ttl", v->ip_ttl, m->ip_ttl, 0xff, false);
    if (all || v->tp_src) {
        put_uint(o, "tp_src", ntohs(v->tp_src), ntohs(m->tp_src), 0xffff,
                 false);
    }
    if (all || v->tp_dst) {
        put_uint(o, "tp_dst", ntohs(v->tp_dst), ntohs(m->tp_dst), 0xffff,
                 false);
    }
    uint32_t known = FLOW_TNL_F_KEY | FLOW_TNL_F_DONT_FRAGMENT
                     | FLOW_TNL_F_CSUM;
    if ((m->flags & known) || o->verbose) {
        /* With a mask OVS always shows "+key-df" form (its full tunnel mask
         * has a bit we lack), so a masked key is shown that way too. */
        put(o, "flags(");
        put_flags(o, tnl_flag_names, v->flags, m->flags,
                  c->masked ? UINT32_MAX : known);
        put(o, "),");
    }
    chomp_comma(o);
    put(o, "),");
}

static void format_metadata(struct fmt_ctx *c)
{
    struct out *o = c->o;
    format_tunnel(c);
    bool mark = c->masked ? c->m->pkt_mark != 0 : c->v.pkt_mark != 0;
    if (mark || o->verbose) {
        put(o, "skb_mark(%#" PRIx32, c->v.pkt_mark);
        if (c->m->pkt_mark != UINT32_MAX) {
            put(o, "/%#" PRIx32, c->m->pkt_mark);
        }
        put(o, "),");
    }
    if (c->m->recirc_id || o->verbose) {
        put(o, "recirc_id(%#" PRIx32, c->v.recirc_id);
        if (c->m->recirc_id != UINT32_MAX) {
            put(o, "/%#" PRIx32, c->m->recirc_id);
        }
        put(o, "),");
    }
    put(o, "in_port(%" PRIu32, c->v.in_port);
    if (c->m->in_port != UINT32_MAX) {
        put(o, "/%#" PRIx32, c->m->in_port);
    }
    put(o, "),");
    if (o->verbose) {
        put(o, "packet_type(ns=0,id=0),");   /* we carry Ethernet only */
    }
}

static void format_eth(struct fmt_ctx *c)
{
    put(c->o, "eth(");
    put_eth(c->o, "src", &c->v.dl_src, &c->m->dl_src);
    put_eth(c->o, "dst", &c->v.dl_dst, &c->m->dl_dst);
    chomp_comma(c->o);
    put(c->o, "),");
}

static void put_eth_type(struct out *o, uint16_t v, uint16_t m)
{
    put(o, "eth_type(0x%04x", ntohs(v));
    if (m != UINT16_MAX) {
        put(o, "/0x%04x", ntohs(m));
    }
    put(o, "),");
}

static void put_vlan_tci(struct out *o, uint16_t be_tci, uint16_t be_mask)
{
    uint16_t tci = ntohs(be_tci), mask = ntohs(be_mask);
    unsigned vid = tci & VLAN_VID_MASK, vid_mask = mask & VLAN_VID_MASK;
    unsigned pcp = tci >> VLAN_PCP_SHIFT, pcp_mask = mask >> VLAN_PCP_SHIFT;
    put(o, "vlan(");
    if (vid || vid_mask || o->verbose) {
        put(o, "vid=%u", vid);
        if (vid_mask != VLAN_VID_MASK) {
            put(o, "/0x%x", vid_mask);
        }
        put(o, ",");
    }
    if (pcp || pcp_mask || o->verbose) {
        put(o, "pcp=%u", pcp);
        if (pcp_mask != 7) {
            put(o, "/0x%x", pcp_mask);
        }
        put(o, ",");
    }
    if (!(tci & FLOW_VLAN_PRESENT)) {
        put(o, "cfi=0,");
    }
    chomp_comma(o);
    put(o, "),");
}

static void format_ipv4(struct fmt_ctx *c)
{
    const struct flow_key *v = &c->v, *m = c->m;
    struct out *o = c->o;
    if (!m->nw_src && !m->nw_dst && !m->nw_proto && !m->nw_tos && !m->nw_ttl
        && !m->nw_frag && !o->verbose) {
        return;
    }
    put(o, "ipv4(");
    put_ipv4(o, "src", v->nw_src, m->nw_src);
    put_ipv4(o, "dst", v->nw_dst, m->nw_dst);
    put_uint(o, "proto", v->nw_proto, m->nw_proto, 0xff, false);
    put_uint(o, "tos", v->nw_tos, m->nw_tos, 0xff, true);
    put_uint(o, "ttl", v->nw_ttl, m->nw_ttl, 0xff, false);
    put_frag(o, v->nw_frag, m->nw_frag);
    chomp_comma(o);
    put(o, "),");
}

static void format_ipv6(struct fmt_ctx *c)
{
    const struct flow_key *v = &c->v, *m = c->m;
    struct out *o = c->o;
    if (is_zero(m->ipv6_src, 16) && is_zero(m->ipv6_dst, 16)
        && !m->ipv6_label && !m->nw_proto && !m->nw_tos && !m->nw_ttl
        && !m->nw_frag && !o->verbose) {
        return;
    }
    put(o, "ipv6(");
    put_ipv6(o, "src", v->ipv6_src, m->ipv6_src);
    put_ipv6(o, "dst", v->ipv6_dst, m->ipv6_dst);
    put_uint(o, "label", ntohl(v->ipv6_label), ntohl(m->ipv6_label) & 0xfffff,
             0xfffff, true);
    put_uint(o, "proto", v->nw_proto, m->nw_proto, 0xff, false);
    put_uint(o, "tclass", v->nw_tos, m->nw_tos, 0xff, true);
    put_uint(o, "hlimit", v->nw_ttl, m->nw_ttl, 0xff, false);
    put_frag(o, v->nw_frag, m->nw_frag);
    chomp_comma(o);
    put(o, "),");
}

static void format_arp(struct fmt_ctx *c)
{
    const struct flow_key *v = &c->v, *m = c->m;
    struct out *o = c->o;
    if (!m->nw_src && !m->nw_dst && !m->nw_proto
        && is_zero(&m->arp_sha, sizeof m->arp_sha)
        && is_zero(&m->arp_tha, sizeof m->arp_tha) && !o->verbose) {
        return;
    }
    put(o, "arp(");
    put_ipv4(o, "sip", v->nw_src, m->nw_src);
    put_ipv4(o, "tip", v->nw_dst, m->nw_dst);
    put_uint(o, "op", v->nw_proto, m->nw_proto, 0xff, false);
    put_eth(o, "sha", &v->arp_sha, &m->arp_sha);
    put_eth(o, "tha", &v->arp_tha, &m->arp_tha);
    chomp_comma(o);
    put(o, "),");
}

static void format_ports(struct fmt_ctx *c, const char *name)
{
    const struct flow_key *v = &c->v, *m = c->m;
    if (!m->tp_src && !m->tp_dst && !c->o->verbose) {
        return;
    }
    put(c->o, "%s(", name);
    put_uint(c->o, "src", ntohs(v->tp_src), ntohs(m->tp_src), 0xffff, false);
    put_uint(c->o, "dst", ntohs(v->tp_dst), ntohs(m->tp_dst), 0xffff, false);
    chomp_comma(c->o);
    put(c->o, "),");
}

static void format_tcp_flags(struct fmt_ctx *c)
{
    uint16_t v = ntohs(c->v.tcp_flags), m = ntohs(c->m->tcp_flags) & 0x0fff;
    if (!c->o->verbose && (c->masked ? m == 0 : v == 0)) {
        return;
    }
    put(c->o, "tcp_flags(");
    put_flags(c->o, tcp_flag_names, v, m, 0x0fff);
    put(c->o, "),");
}

static void format_icmp(struct fmt_ctx *c, const char *name)
{
    const struct flow_key *v = &c->v, *m = c->m;
    unsigned type_mask = ntohs(m->tp_src) & 0xff;
    unsigned code_mask = ntohs(m->tp_dst) & 0xff;
    if (!type_mask && !code_mask && !c->o->verbose) {
        return;
    }
    put(c->o, "%s(", name);
    put_uint(c->o, "type", ntohs(v->tp_src) & 0xff, type_mask, 0xff, false);
    put_uint(c->o, "code", ntohs(v->tp_dst) & 0xff, code_mask, 0xff, false);
    chomp_comma(c->o);
    put(c->o, "),");
}

static void format_nd(struct fmt_ctx *c)
{
    const struct flow_key *v = &c->v, *m = c->m;
    if (is_zero(m->nd_target, 16) && is_zero(&m->arp_sha, sizeof m->arp_sha)
        && is_zero(&m->arp_tha, sizeof m->arp_tha) && !c->o->verbose) {
        return;
    }
    put(c->o, "nd(");
    put_ipv6(c->o, "target", v->nd_target, m->nd_target);
    put_eth(c->o, "sll", &v->arp_sha, &m->arp_sha);
    put_eth(c->o, "tll", &v->arp_tha, &m->arp_tha);
    chomp_comma(c->o);
    put(c->o, "),");
}

static void format_l4(struct fmt_ctx *c, bool is_ipv6)
{
    const struct flow_key *raw = c->raw;
    if (raw->nw_frag & FLOW_NW_FRAG_LATER) {
        return;
    }
    switch (raw->nw_proto) {
    case 6:
        format_ports(c, "tcp");
        format_tcp_flags(c);
        break;
    case 17:
        format_ports(c, "udp");
        break;
    case 132:
        format_ports(c, "sctp");
        break;
    case 1:
        if (!is_ipv6) {
            format_icmp(c, "icmp");
        }
        break;
    case 58:
        if (is_ipv6) {
            format_icmp(c, "icmpv6");
            uint16_t type = ntohs(raw->tp_src);
            /* Masked, ND shows only under an exact type and code (as OVS),
             * the only way its presence can be read back. */
            bool exact = (ntohs(c->m->tp_src) & 0xff) == 0xff
                         && (ntohs(c->m->tp_dst) & 0xff) == 0xff;
            if (raw->tp_dst == 0 && exact
                && (type == ICMP6_TYPE_NEIGHBOR_SOLICIT
                    || type == ICMP6_TYPE_NEIGHBOR_ADVERT)) {
                format_nd(c);
            }
        }
        break;
    default:
        break;
    }
}

/* MPLS: the entries of the stack the key holds (up to its bottom), as
 * OVS's format_mpls: "label=L,tc=T,ttl=N,bos=B" per entry, each field with
 * its mask when the entry's mask is not exact.  Entries past the last one
 * the mask covers are left out (verbose shows the whole stack). */
static void format_mpls(struct fmt_ctx *c)
{
    const uint32_t full = MPLS_LSE_LABEL_MASK | MPLS_LSE_TC_MASK
                          | MPLS_LSE_BOS | MPLS_LSE_TTL_MASK;
    int depth = 0, n = 0;
    while (depth < FLOW_MAX_MPLS_LABELS) {
        if (c->m->mpls_lse[depth] || c->o->verbose) {
            n = depth + 1;
        }
        if (c->raw->mpls_lse[depth++] & htonl(MPLS_LSE_BOS)) {
            break;
        }
    }
    if (!n) {
        return;
    }
    put(c->o, "mpls(");
    for (int i = 0; i < n; i++) {
        uint32_t v = ntohl(c->v.mpls_lse[i]), m = ntohl(c->m->mpls_lse[i]);
        unsigned label = v >> MPLS_LSE_LABEL_SHIFT;
        unsigned tc = (v & MPLS_LSE_TC_MASK) >> MPLS_LSE_TC_SHIFT;
        unsigned ttl = v & MPLS_LSE_TTL_MASK, bos = (v & MPLS_LSE_BOS) != 0;
        if ((m & full) == full) {
            put(c->o, "label=%u,tc=%u,ttl=%u,bos=%u,", label, tc, ttl, bos);
        } else {
            put(c->o, "label=%u/0x%x,tc=%u/%x,ttl=%u/0x%x,bos=%u/%x,", label,
                m >> MPLS_LSE_LABEL_SHIFT, tc,
                (m & MPLS_LSE_TC_MASK) >> MPLS_LSE_TC_SHIFT, ttl,
                m & MPLS_LSE_TTL_MASK, bos, (m & MPLS_LSE_BOS) != 0);
        }
    }
    chomp_comma(c->o);
    put(c->o, "),");
}

/* What follows the tags: eth_type, then L3 and L4. */
static void format_payload(struct fmt_ctx *c)
{
    uint16_t dl_type = c->raw->dl_type, dl_mask = c->m->dl_type;
    if (dl_type == htons(FLOW_DL_TYPE_NONE)) {
        if (c->masked && dl_mask) {
            put(c->o, "eth_type(0/0x%04x),", ntohs(dl_mask));
        }
        return;
    }
    if (dl_mask || c->o->verbose) {
        put_eth_type(c->o, c->v.dl_type, dl_mask);
    }
    switch (ntohs(dl_type)) {
    case ETH_TYPE_IP:
        format_ipv4(c);
        format_l4(c, false);
        break;
    case ETH_TYPE_IPV6:
        format_ipv6(c);
        format_l4(c, true);
        break;
    case ETH_TYPE_ARP:
    case ETH_TYPE_RARP:
        format_arp(c);
        break;
    case ETH_TYPE_MPLS:
    case ETH_TYPE_MPLS_MCAST:
        format_mpls(c);
        break;
    default:
        break;
    }
}

/* Tag `level` and everything inside it. */
static void format_level(struct fmt_ctx *c, int level)
{
    if (level >= FLOW_MAX_VLANS) {
        format_payload(c);
        return;
    }
    const struct flow_vlan *raw = &c->raw->vlans[level];
    bool tagged = raw->tci & htons(FLOW_VLAN_PRESENT);
    bool cut_short = !tagged && eth_type_is_vlan(c->raw->dl_type);
    if (!tagged && !cut_short) {
        format_payload(c);
        return;
    }
    /* A tag's TPID is always shown exact (as OVS): it is what says a tag
     * follows.  When the frame ended inside this tag, it is in dl_type. */
    put_eth_type(c->o, cut_short ? c->raw->dl_type : raw->tpid, UINT16_MAX);
    put_vlan_tci(c->o, c->v.vlans[level].tci, c->m->vlans[level].tci);
    put(c->o, "encap(");
    if (tagged) {
        format_level(c, level + 1);
        chomp_comma(c->o);
    }
    put(c->o, "),");
}

static int format_key(const struct flow_key *key, const struct flow_key *mask,
                      bool verbose, char *buf, size_t size)
{
    struct flow_key all_ones;
    memset(&all_ones, 0xff, sizeof all_ones);
    struct out o = { buf, size, 0, '\0', verbose };
    struct fmt_ctx c = { .o = &o, .raw = key, .m = mask ? mask : &all_ones,
                         .masked = mask != NULL };
    flow_key_mask(&c.v, key, c.m);
    if (size) {
        buf[0] = '\0';
    }
    format_metadata(&c);
    format_eth(&c);
    format_level(&c, 0);
    chomp_comma(&o);
    return (int)o.len;
}

int flow_key_format(const struct flow_key *key, const struct flow_key *mask,
                    char *buf, size_t size)
{
    return format_key(key, mask, false, buf, size);
}

int flow_key_format_verbose(const struct flow_key *key,
                            const struct flow_key *mask, char *buf,
                            size_t size)
{
    return format_key(key, mask, true, buf, size);
}

/* Four 32-bit hashes, each of the masked key chained into a hash of the
 * mask, with distinct seeds: the megaflow table holds at most one flow per
 * (key & mask, mask), so this names a flow stably (across dumps and
 * restarts, for as long as the hash function stays the same). */
void flow_key_ufid(const struct flow_key *key, const struct flow_key *mask,
                   uint8_t ufid[16])
{
    static const uint32_t seeds[4] = {
        0x5546c1d0, 0x9e3779b9, 0x85ebca6b, 0xc2b2ae35,
    };
    for (int i = 0; i < 4; i++) {
        uint32_t h = flow_key_hash(mask,
                                   flow_key_hash_masked(key, mask, seeds[i]));
        ufid[4 * i] = (uint8_t)(h >> 24);
        ufid[4 * i + 1] = (uint8_t)(h >> 16);
        ufid[4 * i + 2] = (uint8_t)(h >> 8);
        ufid[4 * i + 3] = (uint8_t)h;
    }
}

int flow_key_format_ufid(const struct flow_key *key,
                         const struct flow_key *mask, char *buf, size_t size)
{
    uint8_t u[16];
    flow_key_ufid(key, mask, u);
    return snprintf(buf, size, "ufid:%02x%02x%02x%02x-%02x%02x-%02x%02x-"
                    "%02x%02x-%02x%02x%02x%02x%02x%02x", u[0], u[1], u[2],
                    u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
                    u[12], u[13], u[14], u[15]);
}

/* ===========================================================================
 * Parsing.  The input is copied once so that each attribute's text can be
 * cut out in place; parsing is not on the fast path. */

struct parse_ctx {
    struct flow_key *key;
    struct flow_key *mask;        /* scratch when the caller gave none */
    char *err;
    size_t errlen;
    bool failed;
};

static int fail(struct parse_ctx *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct parse_ctx *p, const char *fmt, ...)
{
    if (!p->failed && p->err && p->errlen) {
        va_list args;
        va_start(args, fmt);
        vsnprintf(p->err, p->errlen, fmt, args);
        va_end(args);
    }
    p->failed = true;
    return -1;
}

/* Finds the ')' matching the '(' just before `s`; NULL if unbalanced. */
static char *matching_paren(char *s)
{
    int depth = 1;
    for (; *s; s++) {
        if (*s == '(') {
            depth++;
        } else if (*s == ')' && --depth == 0) {
            return s;
        }
    }
    return NULL;
}

/* Splits "name=value" lists at commas outside parentheses: returns the next
 * item and advances *cursor past it, or NULL at the end. */
static char *next_item(char **cursor)
{
    char *s = *cursor;
    if (!s || !*s) {
        return NULL;
    }
    int depth = 0;
    char *e = s;
    for (; *e; e++) {
        if (*e == '(') {
            depth++;
        } else if (*e == ')') {
            depth--;
        } else if (*e == ',' && depth == 0) {
            break;
        }
    }
    if (*e) {
        *e = '\0';
        *cursor = e + 1;
    } else {
        *cursor = e;
    }
    return s;
}

/* Splits "value/mask"; returns the mask text or NULL. */
static char *split_mask(char *text)
{
    char *slash = strchr(text, '/');
    if (slash) {
        *slash = '\0';
        return slash + 1;
    }
    return NULL;
}

static bool scan_uint(const char *text, uint64_t max, uint64_t *out)
{
    if (!*text || *text == '-' || *text == '+' || *text == ' ') {
        return false;
    }
    errno = 0;
    char *end;
    unsigned long long v = strtoull(text, &end, 0);
    if (errno || *end || v > max) {
        return false;
    }
    *out = v;
    return true;
}

/* "V[/M]" with both bounded by `max`; without a mask, M = max. */
static bool scan_uint_masked(char *text, uint64_t max, uint64_t *v,
                             uint64_t *m)
{
    char *mask_text = split_mask(text);
    *m = max;
    return scan_uint(text, max, v)
           && (!mask_text || scan_uint(mask_text, max, m));
}

static bool scan_eth_one(const char *text, struct eth_addr *out)
{
    unsigned b[6];
    int n = 0;
    if (sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3],
               &b[4], &b[5], &n) != 6 || text[n] != '\0') {
        return false;
    }
    for (int i = 0; i < 6; i++) {
        out->ea[i] = (uint8_t)b[i];
    }
    return true;
}

static bool scan_eth(char *text, struct eth_addr *v, struct eth_addr *m)
{
    char *mask_text = split_mask(text);
    memset(m, 0xff, sizeof *m);
    return scan_eth_one(text, v) && (!mask_text || scan_eth_one(mask_text, m));
}

static bool scan_ipv4(char *text, uint32_t *v, uint32_t *m)
{
    char *mask_text = split_mask(text);
    struct in_addr a;
    *m = UINT32_MAX;
    if (inet_pton(AF_INET, text, &a) != 1) {
        return false;
    }
    *v = a.s_addr;
    if (mask_text) {
        if (inet_pton(AF_INET, mask_text, &a) != 1) {
            return false;
        }
        *m = a.s_addr;
    }
    return true;
}

static bool scan_ipv6(char *text, uint8_t v[16], uint8_t m[16])
{
    char *mask_text = split_mask(text);
    memset(m, 0xff, 16);
    return inet_pton(AF_INET6, text, v) == 1
           && (!mask_text || inet_pton(AF_INET6, mask_text, m) == 1);
}

static bool scan_u8(char *text, uint8_t *v, uint8_t *m)
{
    uint64_t a, b;
    if (!scan_uint_masked(text, 0xff, &a, &b)) {
        return false;
    }
    *v = (uint8_t)a;
    *m = (uint8_t)b;
    return true;
}

static bool scan_be16(char *text, uint16_t *v, uint16_t *m)
{
    uint64_t a, b;
    if (!scan_uint_masked(text, 0xffff, &a, &b)) {
        return false;
    }
    *v = htons((uint16_t)a);
    *m = htons((uint16_t)b);
    return true;
}

/* ICMP type/code: 8 bits kept in a be16 field. */
static bool scan_icmp_u8(char *text, uint16_t *v, uint16_t *m)
{
    uint8_t a, b;
    if (!scan_u8(text, &a, &b)) {
        return false;
    }
    *v = htons(a);
    *m = htons(b);
    return true;
}

static bool scan_frag(const char *text, uint8_t *v, uint8_t *m)
{
    *m = FLOW_NW_FRAG_MASK;
    if (!strcmp(text, "no")) {
        *v = 0;
    } else if (!strcmp(text, "first")) {
        *v = FLOW_NW_FRAG_ANY;
    } else if (!strcmp(text, "later")) {
        *v = FLOW_NW_FRAG_ANY | FLOW_NW_FRAG_LATER;
    } else {
        return false;
    }
    return true;
}

static bool flag_by_name(const struct flag_name *names, const char *name,
                         size_t len, uint32_t *bit)
{
    for (const struct flag_name *f = names; f->name; f++) {
        if (strlen(f->name) == len && !strncmp(f->name, name, len)) {
            *bit = f->bit;
            return true;
        }
    }
    return false;
}

/* "a|b", "0", "+a-b", or a number "V[/M]". */
static bool scan_flags(char *text, const struct flag_name *names,
                       uint32_t full, uint32_t *v, uint32_t *m)
{
    *v = 0;
    *m = full;
    if (*text == '+' || *text == '-') {
        *m = 0;
        while (*text) {
            bool set = *text++ == '+';
            size_t len = strcspn(text, "+-");
            uint32_t bit;
            if (!flag_by_name(names, text, len, &bit)) {
                return false;
            }
            *m |= bit;
            *v |= set ? bit : 0;
            text += len;
        }
        return true;
    }
    if (*text >= '0' && *text <= '9') {
        uint64_t a, b;
        if (!scan_uint_masked(text, full, &a, &b)) {
            return false;
        }
        *v = (uint32_t)a;
        *m = (uint32_t)b;
        return true;
    }
    while (*text) {
        size_t len = strcspn(text, "|");
        uint32_t bit;
        if (!flag_by_name(names, text, len, &bit)) {
            return false;
        }
        *v |= bit;
        text += len + (text[len] == '|');
    }
    return *v != 0;
}

/* Runs `scan` over each "name=value" item of an attribute; the handler gets
 * the name and value and returns false for a bad one. */
typedef bool field_fn(struct parse_ctx *p, const char *name, char *value,
                      int level);

static int parse_fields(struct parse_ctx *p, const char *attr, char *body,
                        field_fn *fn, int level)
{
    char *cursor = body;
    char *item;
    while ((item = next_item(&cursor))) {
        char *eq = strchr(item, '=');
        char *paren = strchr(item, '(');
        const char *name = item;
        char *value;
        if (paren && (!eq || paren < eq)) {
            /* "flags(...)" inside tunnel(). */
            char *close = strrchr(item, ')');
            if (!close || close[1]) {
                return fail(p, "%s: bad field '%s'", attr, item);
            }
            *paren = '\0';
            *close = '\0';
            value = paren + 1;
        } else if (eq) {
            *eq = '\0';
            value = eq + 1;
        } else {
            return fail(p, "%s: field '%s' has no value", attr, item);
        }
        if (!fn(p, name, value, level)) {
            return p->failed ? -1
                             : fail(p, "%s: bad field %s=%s", attr, name,
                                    value);
        }
    }
    return 0;
}

static bool tunnel_field(struct parse_ctx *p, const char *name, char *value,
                         int level)
{
    struct flow_tnl *k = &p->key->tunnel, *m = &p->mask->tunnel;
    (void)level;
    if (!strcmp(name, "tun_id")) {
        uint64_t v, mk;
        if (!scan_uint_masked(value, UINT64_MAX, &v, &mk)) {
            return false;
        }
        k->tun_id = htobe64(v);
        m->tun_id = htobe64(mk);
        return true;
    } else if (!strcmp(name, "src")) {
        return scan_ipv4(value, &k->ip_src, &m->ip_src);
    } else if (!strcmp(name, "dst")) {
        return scan_ipv4(value, &k->ip_dst, &m->ip_dst);
    } else if (!strcmp(name, "tos")) {
        return scan_u8(value, &k->ip_tos, &m->ip_tos);
    } else if (!strcmp(name, "ttl")) {
        return scan_u8(value, &k->ip_ttl, &m->ip_ttl);
    } else if (!strcmp(name, "tp_src")) {
        return scan_be16(value, &k->tp_src, &m->tp_src);
    } else if (!strcmp(name, "tp_dst")) {
        return scan_be16(value, &k->tp_dst, &m->tp_dst);
    } else if (!strcmp(name, "flags")) {
        uint32_t v, mk;
        uint32_t all = FLOW_TNL_F_KEY | FLOW_TNL_F_DONT_FRAGMENT
                       | FLOW_TNL_F_CSUM;
        if (!strcmp(value, "0")) {
            k->flags = 0;
            m->flags = (uint16_t)all;
            return true;
        }
        if (!scan_flags(value, tnl_flag_names, all, &v, &mk)) {
            return false;
        }
        k->flags = (uint16_t)v;
        m->flags = (uint16_t)mk;
        return true;
    }
    return false;
}

static bool eth_field(struct parse_ctx *p, const char *name, char *value,
                      int level)
{
    (void)level;
    if (!strcmp(name, "src")) {
        return scan_eth(value, &p->key->dl_src, &p->mask->dl_src);
    } else if (!strcmp(name, "dst")) {
        return scan_eth(value, &p->key->dl_dst, &p->mask->dl_dst);
    }
    return false;
}

static bool vlan_field(struct parse_ctx *p, const char *name, char *value,
                       int level)
{
    uint16_t *k = &p->key->vlans[level].tci, *m = &p->mask->vlans[level].tci;
    unsigned shift, width;
    if (!strcmp(name, "vid")) {
        shift = 0, width = 12;
    } else if (!strcmp(name, "pcp")) {
        shift = VLAN_PCP_SHIFT, width = 3;
    } else if (!strcmp(name, "cfi")) {
        shift = 12, width = 1;
    } else {
        return false;
    }
    uint64_t v, mk;
    if (!scan_uint_masked(value, (1u << width) - 1, &v, &mk)) {
        return false;
    }
    uint16_t bits = (uint16_t)(((1u << width) - 1) << shift);
    *k = htons((uint16_t)((ntohs(*k) & ~bits) | (v << shift)));
    *m = htons((uint16_t)((ntohs(*m) & ~bits) | (mk << shift)));
    return true;
}

static bool ipv4_field(struct parse_ctx *p, const char *name, char *value,
                       int level)
{
    struct flow_key *k = p->key, *m = p->mask;
    (void)level;
    if (!strcmp(name, "src")) {
        return scan_ipv4(value, &k->nw_src, &m->nw_src);
    } else if (!strcmp(name, "dst")) {
        return scan_ipv4(value, &k->nw_dst, &m->nw_dst);
    } else if (!strcmp(name, "proto")) {
        return scan_u8(value, &k->nw_proto, &m->nw_proto);
    } else if (!strcmp(name, "tos")) {
        return scan_u8(value, &k->nw_tos, &m->nw_tos);
    } else if (!strcmp(name, "ttl")) {
        return scan_u8(value, &k->nw_ttl, &m->nw_ttl);
    } else if (!strcmp(name, "frag")) {
        return scan_frag(value, &k->nw_frag, &m->nw_frag);
    }
    return false;
}

static bool ipv6_field(struct parse_ctx *p, const char *name, char *value,
                       int level)
{
    struct flow_key *k = p->key, *m = p->mask;
    (void)level;
    if (!strcmp(name, "src")) {
        return scan_ipv6(value, k->ipv6_src, m->ipv6_src);
    } else if (!strcmp(name, "dst")) {
        return scan_ipv6(value, k->ipv6_dst, m->ipv6_dst);
    } else if (!strcmp(name, "label")) {
        uint64_t v, mk;
        if (!scan_uint_masked(value, 0xfffff, &v, &mk)) {
            return false;
        }
        k->ipv6_label = htonl((uint32_t)v);
        m->ipv6_label = htonl((uint32_t)mk);
        return true;
    } else if (!strcmp(name, "proto")) {
        return scan_u8(value, &k->nw_proto, &m->nw_proto);
    } else if (!strcmp(name, "tclass")) {
        return scan_u8(value, &k->nw_tos, &m->nw_tos);
    } else if (!strcmp(name, "hlimit")) {
        return scan_u8(value, &k->nw_ttl, &m->nw_ttl);
    } else if (!strcmp(name, "frag")) {
        return scan_frag(value, &k->nw_frag, &m->nw_frag);
    }
    return false;
}

static bool arp_field(struct parse_ctx *p, const char *name, char *value,
                      int level)
{
    struct flow_key *k = p->key, *m = p->mask;
    (void)level;
    if (!strcmp(name, "sip")) {
        return scan_ipv4(value, &k->nw_src, &m->nw_src);
    } else if (!strcmp(name, "tip")) {
        return scan_ipv4(value, &k->nw_dst, &m->nw_dst);
    } else if (!strcmp(name, "op")) {
        return scan_u8(value, &k->nw_proto, &m->nw_proto);
    } else if (!strcmp(name, "sha")) {
        return scan_eth(value, &k->arp_sha, &m->arp_sha);
    } else if (!strcmp(name, "tha")) {
        return scan_eth(value, &k->arp_tha, &m->arp_tha);
    }
    return false;
}

static bool ports_field(struct parse_ctx *p, const char *name, char *value,
                        int level)
{
    (void)level;
    if (!strcmp(name, "src")) {
        return scan_be16(value, &p->key->tp_src, &p->mask->tp_src);
    } else if (!strcmp(name, "dst")) {
        return scan_be16(value, &p->key->tp_dst, &p->mask->tp_dst);
    }
    return false;
}

static bool icmp_field(struct parse_ctx *p, const char *name, char *value,
                       int level)
{
    (void)level;
    if (!strcmp(name, "type")) {
        return scan_icmp_u8(value, &p->key->tp_src, &p->mask->tp_src);
    } else if (!strcmp(name, "code")) {
        return scan_icmp_u8(value, &p->key->tp_dst, &p->mask->tp_dst);
    }
    return false;
}

static bool nd_field(struct parse_ctx *p, const char *name, char *value,
                     int level)
{
    struct flow_key *k = p->key, *m = p->mask;
    (void)level;
    if (!strcmp(name, "target")) {
        return scan_ipv6(value, k->nd_target, m->nd_target);
    } else if (!strcmp(name, "sll")) {
        return scan_eth(value, &k->arp_sha, &m->arp_sha);
    } else if (!strcmp(name, "tll")) {
        return scan_eth(value, &k->arp_tha, &m->arp_tha);
    }
    return false;
}

static bool packet_type_field(struct parse_ctx *p, const char *name,
                              char *value, int level)
{
    uint64_t v;
    (void)p, (void)level;
    /* Only Ethernet (ns=0,id=0) exists here; accepted for OVS's output. */
    return (!strcmp(name, "ns") || !strcmp(name, "id"))
           && scan_uint(value, 0, &v);
}

static int parse_u32_attr(struct parse_ctx *p, const char *name, char *body,
                          uint32_t *k, uint32_t *m)
{
    uint64_t v, mk;
    if (!scan_uint_masked(body, UINT32_MAX, &v, &mk)) {
        return fail(p, "%s: bad value '%s'", name, body);
    }
    *k = (uint32_t)v;
    *m = (uint32_t)mk;
    return 0;
}

/* State of one tag level while its attributes are read. */
struct level_state {
    int level;
    bool have_type;          /* an eth_type() not yet claimed by a vlan() */
    uint16_t type, type_mask;
    bool have_vlan;
    bool have_encap;
};

static int parse_attr_list(struct parse_ctx *p, char *text, int level);

static int parse_eth_type(struct parse_ctx *p, struct level_state *st,
                          char *body)
{
    char *mask_text = split_mask(body);
    uint64_t v, m = 0xffff;
    if (!scan_uint(body, 0xffff, &v)
        || (mask_text && !scan_uint(mask_text, 0xffff, &m))) {
        return fail(p, "eth_type: bad value '%s'", body);
    }
    if (st->have_type) {
        return fail(p, "eth_type given twice");
    }
    /* OVS writes a frame without an Ethernet II type as eth_type(0/MASK),
     * with a mask that covers the whole of that type's stand-in; any other
     * masked value, zero under a narrower mask included, is just a value. */
    if (mask_text && v == 0
        && (m & FLOW_DL_TYPE_NONE) == FLOW_DL_TYPE_NONE) {
        v = FLOW_DL_TYPE_NONE;
    }
    st->have_type = true;
    st->type = htons((uint16_t)v);
    st->type_mask = eth_type_is_vlan(st->type) ? UINT16_MAX : htons((uint16_t)m);
    return 0;
}

static int parse_vlan(struct parse_ctx *p, struct level_state *st, char *body)
{
    if (st->level >= FLOW_MAX_VLANS) {
        return fail(p, "vlan: more than %d tags", FLOW_MAX_VLANS);
    }
    if (!st->have_type || !eth_type_is_vlan(st->type) || st->have_vlan) {
        return fail(p, "vlan: needs a preceding eth_type(0x8100 or 0x88a8)");
    }
    struct flow_vlan *k = &p->key->vlans[st->level];
    struct flow_vlan *m = &p->mask->vlans[st->level];
    k->tci = htons(FLOW_VLAN_PRESENT);
    m->tci = htons(FLOW_VLAN_PRESENT);
    if (parse_fields(p, "vlan", body, vlan_field, st->level)) {
        return -1;
    }
    if (k->tci & htons(FLOW_VLAN_PRESENT)) {
        k->tpid = st->type;
        m->tpid = st->type_mask;
    } else {
        /* A tag cut short: the frame's type field holds its TPID. */
        p->key->dl_type = st->type;
        p->mask->dl_type = st->type_mask;
    }
    st->have_type = false;
    st->have_vlan = true;
    return 0;
}

static int parse_encap(struct parse_ctx *p, struct level_state *st,
                       char *body)
{
    if (!st->have_vlan || st->have_encap) {
        return fail(p, "encap: needs a preceding vlan()");
    }
    st->have_encap = true;
    bool cut_short = !(p->key->vlans[st->level].tci
                       & htons(FLOW_VLAN_PRESENT));
    if (cut_short) {
        return *body ? fail(p, "encap: must be empty after cfi=0") : 0;
    }
    return parse_attr_list(p, body, st->level + 1);
}

/* The IP protocol an L4 attribute implies, or 0. */
static uint8_t implied_proto(const char *name)
{
    static const struct {
        const char *name;
        uint8_t proto;
    } l4[] = {
        { "tcp", 6 }, { "tcp_flags", 6 }, { "udp", 17 }, { "sctp", 132 },
        { "icmp", 1 }, { "icmpv6", 58 },
    };
    for (size_t i = 0; i < sizeof l4 / sizeof l4[0]; i++) {
        if (!strcmp(name, l4[i].name)) {
            return l4[i].proto;
        }
    }
    return 0;
}

/* "mpls(label=L,tc=T,ttl=N,bos=B[,label=...])": a field already given
 * for the current entry starts the next one (format_mpls's output). */
static int parse_mpls(struct parse_ctx *p, char *body)
{
    static const struct {
        const char *name;
        uint32_t mask;
        int shift;
    } fields[] = {
        { "label", MPLS_LSE_LABEL_MASK, MPLS_LSE_LABEL_SHIFT },
        { "tc", MPLS_LSE_TC_MASK, MPLS_LSE_TC_SHIFT },
        { "ttl", MPLS_LSE_TTL_MASK, 0 },
        { "bos", MPLS_LSE_BOS, 8 },
    };
    char *cursor = body, *item;
    int n = 0;
    unsigned seen = 0;
    uint32_t k[FLOW_MAX_MPLS_LABELS] = { 0 }, m[FLOW_MAX_MPLS_LABELS] = { 0 };
    while ((item = next_item(&cursor))) {
        char *eq = strchr(item, '=');
        if (!eq) {
            return fail(p, "mpls: field '%s' has no value", item);
        }
        *eq = '\0';
        size_t f = 0;
        while (f < 4 && strcmp(item, fields[f].name)) {
            f++;
        }
        if (f == 4) {
            return fail(p, "mpls: unknown field '%s'", item);
        }
        if (seen & (1u << f)) {
            seen = 0;
            n++;
        }
        if (n >= FLOW_MAX_MPLS_LABELS) {
            return fail(p, "mpls: more than %d entries", FLOW_MAX_MPLS_LABELS);
        }
        seen |= 1u << f;
        uint64_t v, mk, max = fields[f].mask >> fields[f].shift;
        if (!scan_uint_masked(eq + 1, max, &v, &mk)) {
            return fail(p, "mpls: bad field %s=%s", item, eq + 1);
        }
        k[n] |= (uint32_t)v << fields[f].shift;
        m[n] |= (uint32_t)mk << fields[f].shift;
    }
    for (int i = 0; i < FLOW_MAX_MPLS_LABELS; i++) {
        p->key->mpls_lse[i] = htonl(k[i]);
        p->mask->mpls_lse[i] = htonl(m[i]);
    }
    return 0;
}

static int parse_l3_l4(struct parse_ctx *p, const char *name, char *body)
{
    uint8_t proto = implied_proto(name);
    if (proto) {
        p->key->nw_proto = proto;
        p->mask->nw_proto = UINT8_MAX;
    }
    static const struct {
        const char *name;
        field_fn *fn;
    } attrs[] = {
        { "ipv4", ipv4_field }, { "ipv6", ipv6_field }, { "arp", arp_field },
        { "tcp", ports_field }, { "udp", ports_field },
        { "sctp", ports_field }, { "icmp", icmp_field },
        { "icmpv6", icmp_field }, { "nd", nd_field },
        { "tunnel", tunnel_field }, { "eth", eth_field },
        { "packet_type", packet_type_field },
    };
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        if (!strcmp(name, attrs[i].name)) {
            return parse_fields(p, name, body, attrs[i].fn, 0);
        }
    }
    if (!strcmp(name, "mpls")) {
        return parse_mpls(p, body);
    }
    if (!strcmp(name, "tcp_flags")) {
        uint32_t v, m;
        if (!strcmp(body, "0")) {
            v = 0, m = 0x0fff;
        } else if (!scan_flags(body, tcp_flag_names, 0x0fff, &v, &m)) {
            return fail(p, "tcp_flags: bad value '%s'", body);
        }
        p->key->tcp_flags = htons((uint16_t)v);
        p->mask->tcp_flags = htons((uint16_t)m);
        return 0;
    }
    return fail(p, "unknown attribute '%s'", name);
}

static int parse_attr(struct parse_ctx *p, struct level_state *st,
                      const char *name, char *body)
{
    if (!strcmp(name, "eth_type")) {
        return parse_eth_type(p, st, body);
    } else if (!strcmp(name, "vlan")) {
        return parse_vlan(p, st, body);
    } else if (!strcmp(name, "encap")) {
        return parse_encap(p, st, body);
    }
    bool top_only = !strcmp(name, "in_port") || !strcmp(name, "recirc_id")
                    || !strcmp(name, "skb_mark") || !strcmp(name, "tunnel")
                    || !strcmp(name, "eth") || !strcmp(name, "packet_type");
    if (top_only && st->level > 0) {
        return fail(p, "%s inside encap()", name);
    }
    if (!strcmp(name, "in_port")) {
        return parse_u32_attr(p, name, body, &p->key->in_port,
                              &p->mask->in_port);
    } else if (!strcmp(name, "recirc_id")) {
        return parse_u32_attr(p, name, body, &p->key->recirc_id,
                              &p->mask->recirc_id);
    } else if (!strcmp(name, "skb_mark")) {
        return parse_u32_attr(p, name, body, &p->key->pkt_mark,
                              &p->mask->pkt_mark);
    }
    /* An L3 attribute carries its prerequisite eth_type when none given. */
    uint16_t l3_type = !strcmp(name, "ipv4") ? ETH_TYPE_IP
                       : !strcmp(name, "ipv6") ? ETH_TYPE_IPV6
                       : !strcmp(name, "arp") ? ETH_TYPE_ARP : 0;
    if (l3_type && !st->have_type && !st->have_vlan) {
        st->have_type = true;
        st->type = htons(l3_type);
        st->type_mask = UINT16_MAX;
    }
    return parse_l3_l4(p, name, body);
}

/* Applies the eth_type left at the end of a level: the inner type, and (in
 * a masked key) "no further tag" at this level. */
static void finish_level(struct parse_ctx *p, struct level_state *st)
{
    if (!st->have_type) {
        return;
    }
    p->key->dl_type = st->type;
    p->mask->dl_type = st->type_mask;
    if (st->level < FLOW_MAX_VLANS && st->type_mask) {
        p->mask->vlans[st->level].tci = UINT16_MAX;
        p->mask->vlans[st->level].tpid = UINT16_MAX;
    }
}

static int parse_attr_list(struct parse_ctx *p, char *text, int level)
{
    struct level_state st = { .level = level };
    char *s = text;
    while (*s) {
        while (*s == ' ') {
            s++;
        }
        char *name = s;
        s += strspn(s, "abcdefghijklmnopqrstuvwxyz_0123456789");
        if (*s != '(' || s == name) {
            return fail(p, "expected name( at '%.20s'", name);
        }
        *s = '\0';
        char *body = s + 1;
        char *close = matching_paren(body);
        if (!close) {
            return fail(p, "%s: missing ')'", name);
        }
        *close = '\0';
        if (parse_attr(p, &st, name, body)) {
            return -1;
        }
        s = close + 1;
        if (*s == ',') {
            s++;
            if (!*s) {
                return fail(p, "trailing ','");
            }
        } else if (*s && *s != ' ') {
            return fail(p, "expected ',' after %s(...)", name);
        }
    }
    finish_level(p, &st);
    return 0;
}

int flow_key_parse(const char *s, struct flow_key *key, struct flow_key *mask,
                   char *err, size_t errlen)
{
    struct flow_key scratch;
    struct parse_ctx p = { .key = key, .mask = mask ? mask : &scratch,
                           .err = err, .errlen = errlen };
    memset(key, 0, sizeof *key);
    memset(p.mask, 0, sizeof *p.mask);
    if (err && errlen) {
        err[0] = '\0';
    }
    char *copy = xstrdup(s);
    int error = parse_attr_list(&p, copy, 0);
    free(copy);
    if (error) {
        return -1;
    }
    /* Keep the key inside its mask, as every masked key must be. */
    flow_key_mask(key, key, p.mask);
    /* A key without an eth_type is a frame without an Ethernet II type. */
    if (!mask && !p.mask->dl_type) {
        key->dl_type = htons(FLOW_DL_TYPE_NONE);
    }
    return 0;
}
