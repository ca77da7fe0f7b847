/* ofp_print_packet: a frame as ovs-ofctl prints a packet-in's packet (OVS
 * extracts a flow and prints it as an exact match, then the L4 checksum):
 *   icmp,vlan_tci=0x0000,dl_src=..,dl_dst=..,nw_src=..,...,icmp_code=0
 *   icmp_csum:f7ff
 * Every read is bounded by the frame's length; what is cut short prints
 * as zeros, as OVS's extraction leaves it. */
#include "ofp/ofp_print.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct frame {
    const uint8_t *p;
    size_t len;
};

static uint8_t get8(const struct frame *f, size_t ofs)
{
    return ofs < f->len ? f->p[ofs] : 0;
}

static uint16_t get16(const struct frame *f, size_t ofs)
{
    return (uint16_t) (get8(f, ofs) << 8 | get8(f, ofs + 1));
}

static void put_mac(struct dstr *out, const char *name,
                    const struct frame *f, size_t ofs)
{
    dstr_printf(out, ",%s=", name);
    for (size_t i = 0; i < 6; i++) {
        dstr_printf(out, "%s%02x", i ? ":" : "", get8(f, ofs + i));
    }
}

static void put_ip4(struct dstr *out, const char *name,
                    const struct frame *f, size_t ofs)
{
    dstr_printf(out, ",%s=%u.%u.%u.%u", name, get8(f, ofs),
                get8(f, ofs + 1), get8(f, ofs + 2), get8(f, ofs + 3));
}

static void put_ip6(struct dstr *out, const char *name,
                    const struct frame *f, size_t ofs)
{
    uint8_t a[16];
    char buf[INET6_ADDRSTRLEN];
    for (size_t i = 0; i < 16; i++) {
        a[i] = get8(f, ofs + i);
    }
    inet_ntop(AF_INET6, a, buf, sizeof buf);
    dstr_printf(out, ",%s=%s", name, buf);
}

static void put_tcp_flags(struct dstr *out, uint16_t flags)
{
    static const char *const names[] = {
        "fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", "ns",
    };
    dstr_put(out, ",tcp_flags=");
    if (!flags) {
        dstr_putc(out, '0');
    }
    const char *sep = "";
    for (size_t i = 0; i < 9; i++) {
        if (flags & (1u << i)) {
            dstr_printf(out, "%s%s", sep, names[i]);
            sep = "|";
        }
    }
}

/* The L4 fields after nw_frag (when the first fragment has them) and
 * the checksum text to print after the match. */
static void put_l4(struct dstr *out, struct dstr *csum, const struct frame *f,
                   size_t l4, uint8_t proto, bool v6, bool later)
{
    size_t left = f->len > l4 ? f->len - l4 : 0;
    if (later) {
        ;
    } else if (proto == 6 || proto == 17 || proto == 132) {
        dstr_printf(out, ",tp_src=%u,tp_dst=%u", get16(f, l4),
                    get16(f, l4 + 2));
        if (proto == 6) {
            put_tcp_flags(out, get16(f, l4 + 12) & 0x1ff);
        }
    } else if (proto == (v6 ? 58 : 1)) {
        dstr_printf(out, ",icmp_type=%u,icmp_code=%u", get8(f, l4),
                    get8(f, l4 + 1));
    } else if (!v6 && proto == 2) {
        dstr_printf(out, ",tp_src=%u,tp_dst=%u", get8(f, l4),
                    get8(f, l4 + 1));
    }
    if (proto == 6 && left >= 20) {
        dstr_printf(csum, " tcp_csum:%" PRIx16, get16(f, l4 + 16));
    } else if (proto == 17 && left >= 8) {
        dstr_printf(csum, " udp_csum:%" PRIx16, get16(f, l4 + 6));
    } else if (proto == 1 && !v6 && left >= 8) {
        dstr_printf(csum, " icmp_csum:%" PRIx16, get16(f, l4 + 2));
    } else if (proto == 58 && v6 && left >= 8) {
        dstr_printf(csum, " icmp6_csum:%" PRIx16, get16(f, l4 + 2));
    }
}

static const char *ip_proto_name(uint8_t proto, bool v6)
{
    switch (proto) {
    case 1: return v6 ? NULL : "icmp";
    case 6: return v6 ? "tcp6" : "tcp";
    case 17: return v6 ? "udp6" : "udp";
    case 58: return v6 ? "icmp6" : NULL;
    case 132: return v6 ? "sctp6" : "sctp";
    default: return NULL;
    }
}

static void put_nw_common(struct dstr *out, uint8_t tos, uint8_t ttl,
                          const char *frag)
{
    dstr_printf(out, ",nw_tos=%u,nw_ecn=%u,nw_ttl=%u,nw_frag=%s",
                tos & 0xfc, tos & 3, ttl, frag);
}

/* An IP header OVS would not parse (cut short, or lengths that do not
 * fit): the protocol is known, every network field is zero. */
static void print_bad_ip(struct dstr *head, struct dstr *out, bool v6)
{
    dstr_put(head, v6 ? "ipv6" : "ip");
    dstr_put(out, v6 ? ",ipv6_src=::,ipv6_dst=::,ipv6_label=0x00000"
                     : ",nw_src=0.0.0.0,nw_dst=0.0.0.0");
    dstr_put(out, ",nw_proto=0");
    put_nw_common(out, 0, 0, "no");
}

static void print_ipv4(struct dstr *head, struct dstr *out, struct dstr *csum,
                       const struct frame *f, size_t l3)
{
    size_t ihl = (size_t) (get8(f, l3) & 0xf) * 4;
    size_t tot = get16(f, l3 + 2);
    if (f->len < l3 + 20 || ihl < 20 || tot < ihl || l3 + tot > f->len) {
        print_bad_ip(head, out, false);
        return;
    }
    struct frame ip = { f->p, l3 + tot };   /* without the L2 padding */
    uint8_t proto = get8(&ip, l3 + 9);
    uint16_t frag = get16(&ip, l3 + 6);
    bool more = frag & 0x2000, later = (frag & 0x1fff) != 0;
    const char *name = ip_proto_name(proto, false);
    dstr_put(head, name ? name : "ip");
    put_ip4(out, "nw_src", &ip, l3 + 12);
    put_ip4(out, "nw_dst", &ip, l3 + 16);
    if (!name) {
        dstr_printf(out, ",nw_proto=%u", proto);
    }
    put_nw_common(out, get8(&ip, l3 + 1), get8(&ip, l3 + 8),
                  later ? "later" : more ? "first" : "no");
    put_l4(out, csum, &ip, l3 + ihl, proto, false, later);
}

static void print_ipv6(struct dstr *head, struct dstr *out, struct dstr *csum,
                       const struct frame *f, size_t l3)
{
    size_t plen = get16(f, l3 + 4);
    if (f->len < l3 + 40 || l3 + 40 + plen > f->len) {
        print_bad_ip(head, out, true);
        return;
    }
    struct frame ip = { f->p, l3 + 40 + plen };
    uint32_t vtc = (uint32_t) get16(&ip, l3) << 16 | get16(&ip, l3 + 2);
    uint8_t proto = get8(&ip, l3 + 6);
    const char *name = ip_proto_name(proto, true);
    dstr_put(head, name ? name : "ipv6");
    put_ip6(out, "ipv6_src", &ip, l3 + 8);
    put_ip6(out, "ipv6_dst", &ip, l3 + 24);
    dstr_printf(out, ",ipv6_label=0x%05" PRIx32, vtc & 0xfffff);
    if (!name) {
        dstr_printf(out, ",nw_proto=%u", proto);
    }
    put_nw_common(out, (uint8_t) (vtc >> 20), get8(&ip, l3 + 7), "no");
    put_l4(out, csum, &ip, l3 + 40, proto, true, false);
}

static void print_arp(struct dstr *head, struct dstr *out,
                      const struct frame *f, size_t l3)
{
    dstr_put(head, "arp");
    put_ip4(out, "arp_spa", f, l3 + 14);
    put_ip4(out, "arp_tpa", f, l3 + 24);
    dstr_printf(out, ",arp_op=%u", get16(f, l3 + 6));
    put_mac(out, "arp_sha", f, l3 + 8);
    put_mac(out, "arp_tha", f, l3 + 18);
}

void ofp_print_packet(struct dstr *out, const uint8_t *frame, size_t len)
{
    struct frame f = { frame, len };
    struct dstr head = DSTR_INIT, body = DSTR_INIT, csum = DSTR_INIT;
    size_t l3 = 14;
    uint16_t type = get16(&f, 12);
    if (type == 0x8100 || type == 0x88a8) {
        uint16_t tci = get16(&f, 14);
        dstr_printf(&body, ",dl_vlan=%u,dl_vlan_pcp=%u,vlan_tci1=0x0000",
                    tci & 0xfff, tci >> 13);
        type = get16(&f, 16);
        l3 = 18;
    } else {
        dstr_put(&body, ",vlan_tci=0x0000");
    }
    put_mac(&body, "dl_src", &f, 6);
    put_mac(&body, "dl_dst", &f, 0);
    if (type == 0x0800) {
        print_ipv4(&head, &body, &csum, &f, l3);
    } else if (type == 0x86dd) {
        print_ipv6(&head, &body, &csum, &f, l3);
    } else if (type == 0x0806) {
        print_arp(&head, &body, &f, l3);
    } else {
        dstr_printf(&body, ",dl_type=0x%04x", type);
    }
    /* The protocol name leads; without one the first comma goes. */
    const char *b = dstr_str(&body);
    dstr_put(out, dstr_str(&head));
    dstr_put(out, head.len ? b : b + 1);
    dstr_put(out, dstr_str(&csum));
    dstr_putc(out, '\n');
    dstr_free(&head);
    dstr_free(&body);
    dstr_free(&csum);
}
