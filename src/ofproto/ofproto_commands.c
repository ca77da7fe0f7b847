/* Control commands of the slow path: ofproto/trace, fdb/show and
 * fdb/flush, with the output shape of OVS 3.1's ovs-appctl.  (Flow tables
 * are OpenFlow's business: connmgr and ofproto_ofp.) */
#include <arpa/inet.h>
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

/* ---- the Flow: line ---- */

/* The fields of a packet's flow that OVS 3.1's flow_format() prints (its
 * flow_wildcards_init_for_packet() plus match_wc_init(), less the zero
 * context fields), one bit each. */
enum {
    PF_VLAN0 = 1 << 0, PF_VLAN1 = 1 << 1, PF_IPV4 = 1 << 2,
    PF_IPV6 = 1 << 3, PF_ND = 1 << 4, PF_ARP = 1 << 5, PF_IP_ANY = 1 << 6,
    PF_PORTS = 1 << 7, PF_TCP_FLAGS = 1 << 8,
};

static unsigned packet_flow_fields(const struct flow_key *k, int *n_mpls)
{
    unsigned f = PF_VLAN0;
    *n_mpls = 0;
    if (k->vlans[0].tci) {
        f |= PF_VLAN1;               /* "always show the first zero VLAN" */
    }
    uint16_t t = ntohs(k->dl_type);
    uint8_t proto = k->nw_proto;
    if (t == ETH_TYPE_IP) {
        f |= PF_IPV4 | PF_IP_ANY;
    } else if (t == ETH_TYPE_IPV6) {
        f |= PF_IPV6 | PF_IP_ANY;
        if (proto == IP_PROTO_ICMPV6 && k->tp_dst == 0
            && (k->tp_src == htons(ICMP6_TYPE_NEIGHBOR_SOLICIT)
                || k->tp_src == htons(ICMP6_TYPE_NEIGHBOR_ADVERT))) {
            f |= PF_ND;
        }
    } else if (t == ETH_TYPE_ARP || t == ETH_TYPE_RARP) {
        return f | PF_ARP;
    } else if (t == ETH_TYPE_MPLS || t == ETH_TYPE_MPLS_MCAST) {
        while (*n_mpls < FLOW_MAX_MPLS_LABELS) {
            if (k->mpls_lse[(*n_mpls)++] & htonl(MPLS_LSE_BOS)) {
                break;
            }
        }
        return f;
    } else if (t == ETH_TYPE_NSH) {
        /* NSH has no fields in vswitch's key; OVS prints the IP ones. */
        f |= PF_IP_ANY;
    } else {
        return f;
    }
    if (!(k->nw_frag & FLOW_NW_FRAG_LATER)
        && (proto == IP_PROTO_ICMP || proto == IP_PROTO_ICMPV6
            || proto == IP_PROTO_TCP || proto == IP_PROTO_UDP
            || proto == IP_PROTO_SCTP || proto == IP_PROTO_IGMP)) {
        f |= PF_PORTS;
        if (proto == IP_PROTO_TCP) {
            f |= PF_TCP_FLAGS;
        }
    }
    return f;
}

static void put_eth(struct dstr *out, const char *name,
                    const struct eth_addr *e)
{
    const uint8_t *a = e->ea;
    dstr_printf(out, "%s=%02x:%02x:%02x:%02x:%02x:%02x,", name, a[0], a[1],
                a[2], a[3], a[4], a[5]);
}

static void put_ipv4(struct dstr *out, const char *name, uint32_t be)
{
    const uint8_t *a = (const uint8_t *) &be;
    dstr_printf(out, "%s=%u.%u.%u.%u,", name, a[0], a[1], a[2], a[3]);
}

static void put_ipv6(struct dstr *out, const char *name, const uint8_t *a)
{
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, a, buf, sizeof buf);
    dstr_printf(out, "%s=%s,", name, buf);
}

/* OVS's packet_tcp_flag_to_string, by bit. */
static void put_tcp_flags(struct dstr *out, uint16_t flags)
{
    static const char *const names[12] = {
        "fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns",
        "[200]", "[400]", "[800]",
    };
    dstr_put(out, "tcp_flags=");
    if (!flags) {
        dstr_putc(out, '0');
    }
    bool first = true;
    for (int i = 0; i < 12; i++) {
        if (flags & (1u << i)) {
            dstr_printf(out, "%s%s", first ? "" : "|", names[i]);
            first = false;
        }
    }
    dstr_putc(out, ',');
}

static void put_vlan(struct dstr *out, const struct flow_vlan *v, int i)
{
    char idx[4] = "";
    if (i) {
        snprintf(idx, sizeof idx, "%d", i);
    }
    uint16_t tci = ntohs(v->tci);
    if (tci & FLOW_VLAN_PRESENT) {
        dstr_printf(out, "dl_vlan%s=%u,dl_vlan_pcp%s=%u,", idx, tci & 0x0fff,
                    idx, tci >> 13);
    } else {
        dstr_printf(out, "vlan_tci%s=0x%04x,", idx, tci);
    }
}

/* The shorthand OVS's match_format puts first for this dl_type (and
 * nw_proto, *proto_done), or NULL. */
static const char *flow_shorthand(const struct flow_key *k, bool has_proto,
                                  bool *proto_done)
{
    uint16_t t = ntohs(k->dl_type);
    *proto_done = false;
    if (t == ETH_TYPE_IP || t == ETH_TYPE_IPV6) {
        bool v6 = t == ETH_TYPE_IPV6;
        const char *name = NULL;
        if (has_proto) {
            switch (k->nw_proto) {
            case IP_PROTO_ICMP: name = v6 ? NULL : "icmp"; break;
            case IP_PROTO_ICMPV6: name = v6 ? "icmp6" : NULL; break;
            case IP_PROTO_TCP: name = v6 ? "tcp6" : "tcp"; break;
            case IP_PROTO_UDP: name = v6 ? "udp6" : "udp"; break;
            case IP_PROTO_SCTP: name = v6 ? "sctp6" : "sctp"; break;
            default: break;
            }
        }
        *proto_done = name != NULL;
        return name ? name : v6 ? "ipv6" : "ip";
    }
    switch (t) {
    case ETH_TYPE_ARP: return "arp";
    case ETH_TYPE_RARP: return "rarp";
    case ETH_TYPE_MPLS: return "mpls";
    case ETH_TYPE_MPLS_MCAST: return "mplsm";
    default: return NULL;
    }
}

/* `x` as OVS 3.1's flow_format() prints a packet's flow (the Flow: and
 * Final flow: lines of ofproto/trace): every field the packet has, in
 * match_format's order and syntax, zero context fields left out. */
static void format_packet_flow(const struct xflow *x, struct dstr *out)
{
    const struct flow_key *k = &x->key;
    int n_mpls;
    unsigned f = packet_flow_fields(k, &n_mpls);
    size_t start = out->len;

    if (k->pkt_mark) {
        dstr_printf(out, "pkt_mark=%#" PRIx32 ",", k->pkt_mark);
    }
    if (k->recirc_id) {
        dstr_printf(out, "recirc_id=%#" PRIx32 ",", k->recirc_id);
    }
    bool proto_done;
    const char *shorthand = flow_shorthand(k, f & PF_IP_ANY, &proto_done);
    if (shorthand) {
        dstr_printf(out, "%s,", shorthand);
    }
    for (int i = 0; i < XFLOW_N_REGS; i++) {
        if (x->regs[i]) {
            dstr_printf(out, "reg%d=%#" PRIx32 ",", i, x->regs[i]);
        }
    }
    if (k->tunnel.tun_id) {
        uint64_t id;
        memcpy(&id, &k->tunnel.tun_id, sizeof id);
        dstr_printf(out, "tun_id=%#" PRIx64 ",", be64toh(id));
    }
    if (k->tunnel.ip_src) {
        put_ipv4(out, "tun_src", k->tunnel.ip_src);
    }
    if (k->tunnel.ip_dst) {
        put_ipv4(out, "tun_dst", k->tunnel.ip_dst);
    }
    if (x->metadata) {
        dstr_printf(out, "metadata=%#" PRIx64 ",", x->metadata);
    }
    if (x->in_port) {
        dstr_put(out, "in_port=");
        if (x->in_port == OFPP_LOCAL) {
            dstr_put(out, "LOCAL");
        } else {
            dstr_printf(out, "%" PRIu32, x->in_port);
        }
        dstr_putc(out, ',');
    }
    put_vlan(out, &k->vlans[0], 0);
    if (f & PF_VLAN1) {
        put_vlan(out, &k->vlans[1], 1);
    }
    put_eth(out, "dl_src", &k->dl_src);
    put_eth(out, "dl_dst", &k->dl_dst);
    if (!shorthand) {
        dstr_printf(out, "dl_type=0x%04x,", ntohs(k->dl_type));
    }
    if (f & PF_IPV6) {
        put_ipv6(out, "ipv6_src", k->ipv6_src);
        put_ipv6(out, "ipv6_dst", k->ipv6_dst);
        dstr_printf(out, "ipv6_label=0x%05" PRIx32 ",", ntohl(k->ipv6_label));
    } else if (f & PF_ARP) {
        put_ipv4(out, "arp_spa", k->nw_src);
        put_ipv4(out, "arp_tpa", k->nw_dst);
        dstr_printf(out, "arp_op=%u,", k->nw_proto);
        put_eth(out, "arp_sha", &k->arp_sha);
        put_eth(out, "arp_tha", &k->arp_tha);
    } else if (f & PF_IPV4) {
        put_ipv4(out, "nw_src", k->nw_src);
        put_ipv4(out, "nw_dst", k->nw_dst);
    }
    if (f & PF_IP_ANY) {
        if (!proto_done) {
            dstr_printf(out, "nw_proto=%u,", k->nw_proto);
        }
        dstr_printf(out, "nw_tos=%u,nw_ecn=%u,nw_ttl=%u,", k->nw_tos & 0xfc,
                    k->nw_tos & 0x03, k->nw_ttl);
    }
    if (n_mpls) {
        uint32_t lse = ntohl(k->mpls_lse[0]);
        dstr_printf(out, "mpls_label=%" PRIu32 ",mpls_tc=%" PRIu32
                    ",mpls_ttl=%" PRIu32 ",mpls_bos=%u,",
                    lse >> MPLS_LSE_LABEL_SHIFT,
                    (lse & MPLS_LSE_TC_MASK) >> MPLS_LSE_TC_SHIFT,
                    lse & MPLS_LSE_TTL_MASK, (lse & MPLS_LSE_BOS) != 0);
        for (int i = 1; i < n_mpls; i++) {
            dstr_printf(out, "mpls_lse%d=%" PRIu32 ",", i,
                        ntohl(k->mpls_lse[i]));
        }
    }
    if (f & PF_IP_ANY) {
        static const char *const frag[4] = { "no", "first", "<error>",
                                             "later" };
        dstr_printf(out, "nw_frag=%s,", frag[k->nw_frag & FLOW_NW_FRAG_MASK]);
    }
    if (f & PF_PORTS) {
        uint16_t t = ntohs(k->dl_type);
        if ((t == ETH_TYPE_IP && k->nw_proto == IP_PROTO_ICMP)
            || (t == ETH_TYPE_IPV6 && k->nw_proto == IP_PROTO_ICMPV6)) {
            dstr_printf(out, "icmp_type=%u,icmp_code=%u,", ntohs(k->tp_src),
                        ntohs(k->tp_dst));
        } else {
            dstr_printf(out, "tp_src=%u,tp_dst=%u,", ntohs(k->tp_src),
                        ntohs(k->tp_dst));
        }
    }
    if (f & PF_ND) {
        put_ipv6(out, "nd_target", k->nd_target);
        put_eth(out, "nd_sll", &k->arp_sha);
        put_eth(out, "nd_tll", &k->arp_tha);
    }
    if (f & PF_TCP_FLAGS) {
        put_tcp_flags(out, ntohs(k->tcp_flags));
    }
    if (out->len > start) {
        dstr_truncate(out, out->len - 1);    /* the last ',' */
    }
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
    if (len < ETH_HEADER_LEN) {
        snprintf(err, errlen, "Packet data too short for Ethernet");
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
    format_packet_flow(&xi.flow, &out);
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
        format_packet_flow(&xo->final, &out);
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
