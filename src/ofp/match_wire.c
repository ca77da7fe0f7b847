/* Matches on the wire (match_wire.h): OpenFlow 1.0's struct, NXM and OXM. */
#include "ofp/match_wire.h"

#include <arpa/inet.h>
#include <string.h>

#include "dp/net_headers.h"
#include "ofp/ofp_errors.h"
#include "ofp/ofp_port.h"

/* ---- fields and headers ---- */

unsigned mf_wire_len(const struct mf_field *f, uint16_t oxm_class)
{
    switch (f->id) {
    case MFID_IN_PORT:
        return oxm_class == 0x8000 ? 4 : 2;
    case MFID_ARP_OP:           /* 8 bits here, 16 on the wire */
        return 2;
    case MFID_IPV6_LABEL:       /* 20 bits in 32 */
        return 4;
    default:
        return (f->n_bits + 7u) / 8;
    }
}

/* The class a field is written with: OXM (0x8000) or its NXM class. */
static bool use_oxm_class(const struct mf_field *f, bool oxm, uint8_t version)
{
    if (f->id == MFID_TCP_FLAGS) {
        return oxm && version >= 6;     /* OXM_OF_TCP_FLAGS is 1.5's */
    }
    if (oxm) {
        /* OXM_OF_TUNNEL_ID is OpenFlow 1.3's. */
        return f->oxm.valid && !(f->id == MFID_TUN_ID && version && version < 4);
    }
    return !f->nxm.valid;
}

/* OpenFlow 1.3 and 1.4 have tcp_flags as an ONF experimenter field (class
 * 0xffff, field 42, experimenter id after the header), as OVS sends it. */
#define ONF_EXPERIMENTER_ID 0x4f4e4600
#define ONF_TCP_FLAGS_FIELD 42

static bool use_onf_tcp_flags(const struct mf_field *f, bool oxm,
                              uint8_t version)
{
    return f->id == MFID_TCP_FLAGS && oxm && version >= 4 && version < 6;
}

static uint32_t header_for(const struct mf_field *f, bool oxm, uint8_t version,
                           bool hasmask)
{
    bool o = use_oxm_class(f, oxm, version);
    const struct mf_wire *w = o ? &f->oxm : &f->nxm;
    if (!w->valid) {
        return 0;
    }
    unsigned len = mf_wire_len(f, w->oxm_class) * (hasmask ? 2 : 1);
    return NXM_HEADER(w->oxm_class, w->field, hasmask, len);
}

uint32_t mf_nxm_header(const struct mf_field *f, bool oxm, bool hasmask)
{
    return header_for(f, oxm, 0, hasmask);
}

const struct mf_field *mf_from_nxm_header(uint32_t header)
{
    uint16_t cls = NXM_CLASS(header);
    uint8_t fld = NXM_FIELD(header);
    size_t n;
    const struct mf_field *all = mf_all(&n);
    for (size_t i = 0; i < n; i++) {
        const struct mf_field *f = &all[i];
        const struct mf_wire *w = cls == 0x8000 ? &f->oxm : &f->nxm;
        if (!w->valid || w->oxm_class != cls || w->field != fld
            || f->id == MFID_TP_SRC || f->id == MFID_TP_DST) {
            continue;
        }
        unsigned wl = mf_wire_len(f, cls);
        unsigned len = NXM_LENGTH(header);
        return len == (NXM_HASMASK(header) ? 2 * wl : wl) ? f : NULL;
    }
    return NULL;
}

void mf_value_to_wire(const struct mf_field *f, uint16_t oxm_class,
                      mf_value v, uint8_t *dst)
{
    unsigned len = mf_wire_len(f, oxm_class);
    if (f->id == MFID_IN_PORT && oxm_class == 0x8000) {
        v = ofp_port_to_of11((uint32_t) v);
    }
    for (int i = (int) len - 1; i >= 0; i--) {
        dst[i] = (uint8_t) v;
        v >>= 8;
    }
}

static mf_value get_be(const uint8_t *p, unsigned len)
{
    mf_value v = 0;
    for (unsigned i = 0; i < len; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

bool mf_value_from_wire(const struct mf_field *f, uint16_t oxm_class,
                        const uint8_t *src, mf_value *v)
{
    unsigned len = mf_wire_len(f, oxm_class);
    mf_value x = get_be(src, len);
    if (f->id == MFID_IN_PORT && oxm_class == 0x8000) {
        uint32_t p = (uint32_t) x;
        if (p >= OFPP_MAX && p < OFPP11_MAX) {
            return false;
        }
        x = ofp_port_from_of11(p);
    }
    if (x & ~mf_width_mask(f)) {
        return false;
    }
    if (f->id == MFID_NW_TOS && (x & 3)) {
        return false;   /* NXM_OF_IP_TOS carries the DSCP bits only */
    }
    *v = x;
    return true;
}

/* The bits of the field's value a match on it takes (nw_tos: DSCP only). */
static mf_value field_bits(const struct mf_field *f)
{
    return f->id == MFID_NW_TOS ? 0xfc : mf_width_mask(f);
}

/* ---- NXM / OXM encoding ---- */

struct putter {
    struct ofpbuf *out;
    bool oxm;
    uint8_t version;
};

static void put_value(struct putter *p, const struct mf_field *f,
                      mf_value value, mf_value mask)
{
    mask &= field_bits(f);
    if (!mask) {
        return;
    }
    value &= mask;
    bool hasmask = mask != field_bits(f) && f->maskable;
    uint32_t h = header_for(f, p->oxm, p->version, hasmask);
    if (!h) {
        return;
    }
    uint16_t cls = NXM_CLASS(h);
    uint8_t buf[16];
    if (use_onf_tcp_flags(f, p->oxm, p->version)) {
        unsigned len = 4 + mf_wire_len(f, cls) * (hasmask ? 2 : 1);
        ofpbuf_put_be32(p->out, NXM_HEADER(0xffff, ONF_TCP_FLAGS_FIELD,
                                           hasmask, len));
        h = ONF_EXPERIMENTER_ID;
    }
    ofpbuf_put_be32(p->out, h);
    mf_value_to_wire(f, cls, value, buf);
    ofpbuf_put(p->out, buf, mf_wire_len(f, cls));
    if (hasmask) {
        mf_value_to_wire(f, cls, mask, buf);
        ofpbuf_put(p->out, buf, mf_wire_len(f, cls));
    }
}

static void put_id(struct putter *p, const struct ofp_match *m, enum mf_id id)
{
    const struct mf_field *f = mf_by_id(id);
    if (mf_is_zero(f, &m->mask)) {
        return;           /* wildcarded: most fields of most matches */
    }
    put_value(p, f, mf_get(f, &m->value), mf_get(f, &m->mask));
}

static void put_vlan(struct putter *p, const struct ofp_match *m)
{
    uint16_t tv = ntohs(m->value.key.vlans[0].tci);
    uint16_t tm = ntohs(m->mask.key.vlans[0].tci);
    if (!tm) {
        return;
    }
    if (p->oxm) {
        uint16_t pcp = tm & 0xe000;
        bool present = (tm & FLOW_VLAN_PRESENT) && (tv & FLOW_VLAN_PRESENT);
        if (!pcp || (pcp == 0xe000 && present)) {
            put_value(p, mf_by_id(MFID_VLAN_VID), tv & 0x1fff, tm & 0x1fff);
            if (pcp) {
                put_value(p, mf_by_id(MFID_VLAN_PCP), tv >> 13, 7);
            }
            return;
        }
        /* A PCP match OXM cannot say (without the tag, or masked): the
         * NXM header, which OVS takes in OXM matches too. */
    }
    put_id(p, m, MFID_VLAN_TCI);
}

static bool is_exact_type(const struct ofp_match *m, uint16_t type)
{
    return m->mask.key.dl_type == 0xffff && m->value.key.dl_type == htons(type);
}

static void put_ip(struct putter *p, const struct ofp_match *m, bool v6)
{
    if (!v6) {
        put_id(p, m, MFID_NW_SRC);
        put_id(p, m, MFID_NW_DST);
    } else {
        put_id(p, m, MFID_IPV6_SRC);
        put_id(p, m, MFID_IPV6_DST);
    }
    put_id(p, m, MFID_NW_FRAG);
    if (m->mask.key.nw_tos & 0xfc) {
        put_id(p, m, p->oxm ? MFID_IP_DSCP : MFID_NW_TOS);
    }
    put_id(p, m, MFID_NW_ECN);
    put_id(p, m, MFID_NW_TTL);
    if (v6) {
        put_id(p, m, MFID_IPV6_LABEL);
    }
    if (m->mask.key.nw_proto != 0xff) {
        return;
    }
    put_id(p, m, MFID_NW_PROTO);
    switch (m->value.key.nw_proto) {
    case IP_PROTO_TCP:
        put_id(p, m, MFID_TCP_SRC);
        put_id(p, m, MFID_TCP_DST);
        put_id(p, m, MFID_TCP_FLAGS);
        break;
    case IP_PROTO_UDP:
        put_id(p, m, MFID_UDP_SRC);
        put_id(p, m, MFID_UDP_DST);
        break;
    case IP_PROTO_SCTP:
        put_id(p, m, MFID_SCTP_SRC);
        put_id(p, m, MFID_SCTP_DST);
        break;
    case IP_PROTO_ICMP:
        if (!v6) {
            put_id(p, m, MFID_ICMP_TYPE);
            put_id(p, m, MFID_ICMP_CODE);
        }
        break;
    case IP_PROTO_ICMPV6:
        if (v6) {
            put_id(p, m, MFID_ICMPV6_TYPE);
            put_id(p, m, MFID_ICMPV6_CODE);
            put_id(p, m, MFID_ND_TARGET);
        }
        break;
    }
}

size_t nx_put_match(struct ofpbuf *out, const struct ofp_match *m, bool oxm,
                    uint8_t version)
{
    size_t start = out->size;
    struct putter p = { out, oxm, version };
    put_id(&p, m, MFID_CONJ_ID);    /* conj: first, as OVS puts it */
    put_id(&p, m, MFID_IN_PORT);
    put_id(&p, m, MFID_DL_SRC);
    put_id(&p, m, MFID_DL_DST);
    put_id(&p, m, MFID_DL_TYPE);
    put_vlan(&p, m);
    if (is_exact_type(m, ETH_TYPE_IP) || is_exact_type(m, ETH_TYPE_IPV6)) {
        put_ip(&p, m, is_exact_type(m, ETH_TYPE_IPV6));
    } else if (is_exact_type(m, ETH_TYPE_ARP)
               || is_exact_type(m, ETH_TYPE_RARP)) {
        if (m->mask.key.nw_proto) {
            put_id(&p, m, MFID_ARP_OP);
        }
        put_id(&p, m, MFID_ARP_SPA);
        put_id(&p, m, MFID_ARP_TPA);
        put_id(&p, m, MFID_ARP_SHA);
        put_id(&p, m, MFID_ARP_THA);
    }
    put_id(&p, m, MFID_TUN_ID);
    put_id(&p, m, MFID_TUN_SRC);
    put_id(&p, m, MFID_TUN_DST);
    for (int i = 0; i < XFLOW_N_REGS; i++) {
        put_id(&p, m, (enum mf_id) (MFID_REG0 + i));
    }
    put_id(&p, m, MFID_PKT_MARK);
    put_id(&p, m, MFID_METADATA);
    return out->size - start;
}

/* ---- NXM / OXM decoding ---- */

/* The prerequisite of a field as the wire knows it: NXM_OF_IP_SRC and
 * OXM_OF_IPV4_SRC are IPv4's (ARP has its own), the IP protocol is IP's,
 * and OXM's vlan_pcp needs the tag matched present. */
static bool wire_prereq_ok(const struct mf_field *f, const struct ofp_match *m)
{
    enum mf_prereq pr = f->prereq;
    switch (f->id) {
    case MFID_NW_SRC:
    case MFID_NW_DST:
        pr = MFP_IPV4;
        break;
    case MFID_NW_PROTO:
        pr = MFP_IP_ANY;
        break;
    case MFID_VLAN_PCP: {
        uint16_t tv = ntohs(m->value.key.vlans[0].tci);
        uint16_t tm = ntohs(m->mask.key.vlans[0].tci);
        return (tm & FLOW_VLAN_PRESENT) && (tv & FLOW_VLAN_PRESENT);
    }
    default:
        break;
    }
    return mf_prereq_matched(pr, &m->value, &m->mask);
}

int nx_pull_match(const void *p, size_t len, struct ofp_match *m)
{
    memset(m, 0, sizeof *m);
    struct ofpcur c = ofpcur_init(p, len);
    while (c.left) {
        uint32_t h;
        if (!ofpcur_be32(&c, &h)) {
            return -OFPERR_OFPBMC_BAD_LEN;
        }
        unsigned plen = NXM_LENGTH(h);
        const uint8_t *pl = c.p;
        if (!ofpcur_bytes(&c, NULL, plen)) {
            return -OFPERR_OFPBMC_BAD_LEN;
        }
        const struct mf_field *f;
        if (NXM_CLASS(h) == 0xffff) {
            /* An experimenter field: its id is part of the payload. */
            if (plen < 4) {
                return -OFPERR_OFPBMC_BAD_LEN;
            }
            f = NULL;
            if (ofp_get_be32(pl) == ONF_EXPERIMENTER_ID
                && NXM_FIELD(h) == ONF_TCP_FLAGS_FIELD
                && plen - 4 == 2u * (NXM_HASMASK(h) ? 2 : 1)) {
                f = mf_by_id(MFID_TCP_FLAGS);
                pl += 4;
            }
        } else {
            f = mf_from_nxm_header(h);
        }
        if (!f) {
            return -OFPERR_OFPBMC_BAD_FIELD;
        }
        uint16_t cls = NXM_CLASS(h);
        unsigned wl = mf_wire_len(f, cls);
        bool hasmask = NXM_HASMASK(h);
        mf_value value, mask = mf_width_mask(f);
        if (hasmask) {
            for (unsigned i = 0; i < wl; i++) {
                if (pl[i] & ~pl[wl + i]) {
                    return -OFPERR_OFPBMC_BAD_WILDCARDS;
                }
            }
            bool ones = true;
            for (unsigned i = 0; i < wl; i++) {
                ones &= pl[wl + i] == 0xff;
            }
            if (!ones) {
                if (!f->maskable) {
                    return -OFPERR_OFPBMC_BAD_MASK;
                }
                mask = get_be(pl + wl, wl);
                if (mask & ~mf_width_mask(f)) {
                    return -OFPERR_OFPBMC_BAD_MASK;
                }
            }
        }
        if (!mf_value_from_wire(f, cls, pl, &value)) {
            return -OFPERR_OFPBMC_BAD_VALUE;
        }
        if (!wire_prereq_ok(f, m)) {
            return -OFPERR_OFPBMC_BAD_PREREQ;
        }
        if (mf_get(f, &m->mask) & field_bits(f)) {
            return -OFPERR_OFPBMC_DUP_FIELD;
        }
        mask &= field_bits(f);
        ofp_match_set(m, f, value, mask);
        if (f->id == MFID_VLAN_PCP) {
            m->value.key.vlans[0].tci |= htons(FLOW_VLAN_PRESENT);
            m->mask.key.vlans[0].tci |= htons(FLOW_VLAN_PRESENT);
        }
    }
    return 0;
}

enum { OFPMT_OXM = 1 };

void oxm_put_match(struct ofpbuf *out, const struct ofp_match *m,
                   uint8_t version)
{
    size_t start = out->size;
    ofpbuf_put_be16(out, OFPMT_OXM);
    ofpbuf_put_be16(out, 0);
    size_t n = nx_put_match(out, m, true, version);
    ofpbuf_set_be16(out, start + 2, (uint16_t) (4 + n));
    ofpbuf_pad(out, 8);
}

int oxm_pull_match(struct ofpcur *c, struct ofp_match *m)
{
    if (c->left < 4) {
        return -OFPERR_OFPBMC_BAD_LEN;
    }
    uint16_t type = ofp_get_be16(c->p), len = ofp_get_be16(c->p + 2);
    if (len < 4) {
        return -OFPERR_OFPBMC_BAD_LEN;
    }
    if (type != OFPMT_OXM) {
        return -OFPERR_OFPBMC_BAD_TYPE;
    }
    size_t padded = ((size_t) len + 7) / 8 * 8;
    if (padded > c->left) {
        return -OFPERR_OFPBMC_BAD_LEN;
    }
    int err = nx_pull_match(c->p + 4, len - 4u, m);
    if (!err) {
        ofpcur_bytes(c, NULL, padded);
    }
    return err;
}

/* ---- OpenFlow 1.0 ---- */

enum {
    OFPFW10_IN_PORT = 1 << 0,
    OFPFW10_DL_VLAN = 1 << 1,
    OFPFW10_DL_SRC = 1 << 2,
    OFPFW10_DL_DST = 1 << 3,
    OFPFW10_DL_TYPE = 1 << 4,
    OFPFW10_NW_PROTO = 1 << 5,
    OFPFW10_TP_SRC = 1 << 6,
    OFPFW10_TP_DST = 1 << 7,
    OFPFW10_NW_SRC_SHIFT = 8,
    OFPFW10_NW_DST_SHIFT = 14,
    OFPFW10_DL_VLAN_PCP = 1 << 20,
    OFPFW10_NW_TOS = 1 << 21,
    OFPFW10_ALL = (1 << 22) - 1,
};

#define OFP10_VLAN_NONE 0xffff

/* Wildcarded low bits of a netmask (32 for none matched); a mask that is
 * not a CIDR prefix gives its number of trailing zeros (not exact: then the
 * match does not fit). */
static unsigned netmask_to_wcbits(uint32_t mask)
{
    unsigned n = 0;
    while (n < 32 && !(mask & (1u << n))) {
        n++;
    }
    return n;
}

static uint32_t wcbits_to_netmask(unsigned n)
{
    n &= 0x3f;
    return n >= 32 ? 0 : ~0u << n;
}

static void ofp10_encode_raw(const struct ofp_match *m, uint8_t b[40])
{
    const struct flow_key *v = &m->value.key, *k = &m->mask.key;
    uint32_t wc = 0;
    memset(b, 0, 40);
    if (!(m->mask.in_port & 0xffff)) {
        wc |= OFPFW10_IN_PORT;
    }
    if (!k->dl_type) {
        wc |= OFPFW10_DL_TYPE;
    }
    if (!k->nw_proto) {
        wc |= OFPFW10_NW_PROTO;
    }
    wc |= netmask_to_wcbits(ntohl(k->nw_src)) << OFPFW10_NW_SRC_SHIFT;
    wc |= netmask_to_wcbits(ntohl(k->nw_dst)) << OFPFW10_NW_DST_SHIFT;
    if (!(k->nw_tos & 0xfc)) {
        wc |= OFPFW10_NW_TOS;
    }
    if (!k->tp_src) {
        wc |= OFPFW10_TP_SRC;
    }
    if (!k->tp_dst) {
        wc |= OFPFW10_TP_DST;
    }
    static const uint8_t zero[6];
    if (!memcmp(&k->dl_src, zero, 6)) {
        wc |= OFPFW10_DL_SRC;
    }
    if (!memcmp(&k->dl_dst, zero, 6)) {
        wc |= OFPFW10_DL_DST;
    }
    uint16_t tv = ntohs(v->vlans[0].tci), tm = ntohs(k->vlans[0].tci);
    uint16_t dl_vlan = 0;
    uint8_t pcp = 0;
    if (!tm) {
        wc |= OFPFW10_DL_VLAN | OFPFW10_DL_VLAN_PCP;
    } else if ((tm & FLOW_VLAN_PRESENT) && !(tv & FLOW_VLAN_PRESENT)) {
        dl_vlan = OFP10_VLAN_NONE;
    } else {
        if (!(tm & 0x0fff)) {
            wc |= OFPFW10_DL_VLAN;
        } else {
            dl_vlan = tv & 0x0fff;
        }
        if (!(tm & 0xe000)) {
            wc |= OFPFW10_DL_VLAN_PCP;
        } else {
            pcp = (uint8_t) (tv >> 13);
        }
    }
    uint16_t in_port = (uint16_t) m->value.in_port;
    b[0] = (uint8_t) (wc >> 24);
    b[1] = (uint8_t) (wc >> 16);
    b[2] = (uint8_t) (wc >> 8);
    b[3] = (uint8_t) wc;
    b[4] = (uint8_t) (in_port >> 8);
    b[5] = (uint8_t) in_port;
    memcpy(b + 6, &v->dl_src, 6);
    memcpy(b + 12, &v->dl_dst, 6);
    b[18] = (uint8_t) (dl_vlan >> 8);
    b[19] = (uint8_t) dl_vlan;
    b[20] = pcp;
    memcpy(b + 22, &v->dl_type, 2);        /* both network order */
    b[24] = v->nw_tos & 0xfc;
    b[25] = v->nw_proto;
    memcpy(b + 28, &v->nw_src, 4);
    memcpy(b + 32, &v->nw_dst, 4);
    memcpy(b + 36, &v->tp_src, 2);
    memcpy(b + 38, &v->tp_dst, 2);
}

/* Drops what the match may not say for its dl_type / nw_proto, as OVS's
 * ofputil_normalize_match() does for OpenFlow 1.0. */
static void ofp10_normalize(struct ofp_match *m)
{
    struct flow_key *v = &m->value.key, *k = &m->mask.key;
    bool ip4 = is_exact_type(m, ETH_TYPE_IP);
    bool ip6 = is_exact_type(m, ETH_TYPE_IPV6);
    bool arp = is_exact_type(m, ETH_TYPE_ARP) || is_exact_type(m, ETH_TYPE_RARP);
    uint8_t proto = k->nw_proto ? v->nw_proto : 0;
    bool may_tp = (ip4 && (proto == IP_PROTO_TCP || proto == IP_PROTO_UDP
                           || proto == IP_PROTO_SCTP || proto == IP_PROTO_ICMP))
                  || (ip6 && (proto == IP_PROTO_TCP || proto == IP_PROTO_UDP
                              || proto == IP_PROTO_SCTP
                              || proto == IP_PROTO_ICMPV6));
    if (!ip4 && !arp) {
        k->nw_src = k->nw_dst = 0;
    }
    if (!may_tp) {
        k->tp_src = k->tp_dst = 0;
    } else if (proto == IP_PROTO_ICMP || proto == IP_PROTO_ICMPV6) {
        /* ICMP type and code are 8 bits (icmp_type, icmp_code). */
        k->tp_src &= htons(0xff);
        k->tp_dst &= htons(0xff);
    }
    if (!ip4 && !ip6 && !arp) {
        k->nw_proto = 0;
    }
    if (!ip4 && !ip6) {
        k->nw_tos = 0;
    }
    /* Values follow their masks. */
    v->nw_src &= k->nw_src;
    v->nw_dst &= k->nw_dst;
    v->tp_src &= k->tp_src;
    v->tp_dst &= k->tp_dst;
    v->nw_proto &= k->nw_proto;
    v->nw_tos &= k->nw_tos;
}

int ofp10_match_decode(const void *p_, struct ofp_match *m)
{
    const uint8_t *p = p_;
    memset(m, 0, sizeof *m);
    uint32_t wc = ofp_get_be32(p) & OFPFW10_ALL;
    struct flow_key *v = &m->value.key, *k = &m->mask.key;
    if (!(wc & OFPFW10_IN_PORT)) {
        m->value.in_port = ofp_get_be16(p + 4);
        m->mask.in_port = 0xffff;
    }
    if (!(wc & OFPFW10_DL_SRC)) {
        memcpy(&v->dl_src, p + 6, 6);
        memset(&k->dl_src, 0xff, 6);
    }
    if (!(wc & OFPFW10_DL_DST)) {
        memcpy(&v->dl_dst, p + 12, 6);
        memset(&k->dl_dst, 0xff, 6);
    }
    uint16_t dl_vlan = ofp_get_be16(p + 18);
    uint8_t pcp = p[20];
    if (!(wc & OFPFW10_DL_VLAN) && dl_vlan == OFP10_VLAN_NONE) {
        v->vlans[0].tci = 0;
        k->vlans[0].tci = 0xffff;
    } else {
        uint16_t tm = 0;
        if (!(wc & OFPFW10_DL_VLAN_PCP)) {
            tm |= 0xe000 | FLOW_VLAN_PRESENT;
        }
        if (!(wc & OFPFW10_DL_VLAN)) {
            tm |= 0x0fff | FLOW_VLAN_PRESENT;
        }
        uint16_t tci = (uint16_t) ((dl_vlan & 0x0fff) | ((pcp << 13) & 0xe000)
                                   | FLOW_VLAN_PRESENT);
        v->vlans[0].tci = htons(tci & tm);
        k->vlans[0].tci = htons(tm);
    }
    if (!(wc & OFPFW10_DL_TYPE)) {
        memcpy(&v->dl_type, p + 22, 2);
        k->dl_type = 0xffff;
    }
    if (!(wc & OFPFW10_NW_TOS)) {
        v->nw_tos = p[24] & 0xfc;
        k->nw_tos = 0xfc;
    }
    if (!(wc & OFPFW10_NW_PROTO)) {
        v->nw_proto = p[25];
        k->nw_proto = 0xff;
    }
    uint32_t sm = wcbits_to_netmask(wc >> OFPFW10_NW_SRC_SHIFT);
    uint32_t dm = wcbits_to_netmask(wc >> OFPFW10_NW_DST_SHIFT);
    k->nw_src = htonl(sm);
    k->nw_dst = htonl(dm);
    v->nw_src = htonl(ofp_get_be32(p + 28) & sm);
    v->nw_dst = htonl(ofp_get_be32(p + 32) & dm);
    if (!(wc & OFPFW10_TP_SRC)) {
        memcpy(&v->tp_src, p + 36, 2);
        k->tp_src = 0xffff;
    }
    if (!(wc & OFPFW10_TP_DST)) {
        memcpy(&v->tp_dst, p + 38, 2);
        k->tp_dst = 0xffff;
    }
    ofp10_normalize(m);
    return 0;
}

bool ofp10_match_fits(const struct ofp_match *m)
{
    uint8_t b[OFP10_MATCH_LEN];
    struct ofp_match back;
    ofp10_encode_raw(m, b);
    ofp10_match_decode(b, &back);
    return ofp_match_equal(&back, m);
}

bool ofp10_match_encode(const struct ofp_match *m, struct ofpbuf *out)
{
    if (!ofp10_match_fits(m)) {
        return false;
    }
    uint8_t b[OFP10_MATCH_LEN];
    ofp10_encode_raw(m, b);
    ofpbuf_put(out, b, sizeof b);
    return true;
}
