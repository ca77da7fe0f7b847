/* Groups on the wire, in ovs-ofctl's syntax and as it prints them (the
 * "groups" section of ofp_msgs.h).
 *
 * Wire facts (from OVS's include/openflow/ headers and lib/ofp-group.c):
 *   OF1.1-1.4 group_mod body: command(2) type(1) pad(1) group_id(4), then
 *     buckets: len(2) weight(2) watch_port(4) watch_group(4) pad(4) actions.
 *   OF1.5 body (also NXT_GROUP_MOD in 1.0): command(2) type(1) pad(1)
 *     group_id(4) bucket_array_len(2) pad(2) command_bucket_id(4), buckets
 *     len(2) action_array_len(2) bucket_id(4) actions properties (weight 0,
 *     watch_port 1, watch_group 2), then group properties: the Netronome
 *     selection method (experimenter 0x154d, exp_type 1: pad(4)
 *     method[16] param(8) and the fields as OXM TLVs whose values are
 *     masks).
 *   desc entries: OF1.1 length(2) type(1) pad(1) group_id(4) buckets;
 *     OF1.5 length(2) type(1) pad(1) group_id(4) bucket_list_len(2) pad(6)
 *     buckets properties.
 *   stats entries: length(2) pad(2) group_id(4) ref_count(4) pad(4)
 *     packets(8) bytes(8) [1.3+: duration(4+4)] then per bucket
 *     packets(8) bytes(8). */
#include "ofp/ofp_msgs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/util.h"
#include "ofp/actions_wire.h"
#include "ofp/match_wire.h"
#include "ofp/ofp_port.h"
#include "ofp/ofp_print.h"

#define NTR_VENDOR_ID 0x0000154du
#define NTR_COMPAT_VENDOR_ID 0x00001540u
#define NTRT_SELECTION_METHOD 1u
#define OFPGBPT_WEIGHT 0
#define OFPGBPT_WATCH_PORT 1
#define OFPGBPT_WATCH_GROUP 2
#define OFPPROP_EXPERIMENTER 0xffff

/* The body of 1.0 (NX) and 1.5 messages is the 1.5 one. */
static bool body15(uint8_t version)
{
    return version == OFP10_VERSION || version >= OFP15_VERSION;
}

/* ---- fields of selection_method=hash, in OVS's order and names ---- */

struct ovs_field_name {
    enum mf_id id;
    int rank;                   /* OVS's MFF_* order */
    const char *name;           /* OVS's name for it */
};

static const struct ovs_field_name ovs_fields[] = {
    { MFID_TUN_ID, 10, "tun_id" }, { MFID_TUN_SRC, 11, "tun_src" },
    { MFID_TUN_DST, 12, "tun_dst" }, { MFID_METADATA, 20, "metadata" },
    { MFID_IN_PORT, 21, "in_port" }, { MFID_PKT_MARK, 25, "pkt_mark" },
    { MFID_REG0, 30, "reg0" }, { MFID_REG1, 31, "reg1" },
    { MFID_REG2, 32, "reg2" }, { MFID_REG3, 33, "reg3" },
    { MFID_REG4, 34, "reg4" }, { MFID_REG5, 35, "reg5" },
    { MFID_REG6, 36, "reg6" }, { MFID_REG7, 37, "reg7" },
    { MFID_DL_SRC, 40, "eth_src" }, { MFID_DL_DST, 41, "eth_dst" },
    { MFID_DL_TYPE, 42, "eth_type" }, { MFID_VLAN_TCI, 43, "vlan_tci" },
    { MFID_VLAN_VID, 44, "vlan_vid" }, { MFID_VLAN_PCP, 45, "vlan_pcp" },
    { MFID_NW_SRC, 50, "ip_src" }, { MFID_NW_DST, 51, "ip_dst" },
    { MFID_IPV6_SRC, 52, "ipv6_src" }, { MFID_IPV6_DST, 53, "ipv6_dst" },
    { MFID_IPV6_LABEL, 54, "ipv6_label" }, { MFID_NW_PROTO, 55, "nw_proto" },
    { MFID_NW_TOS, 56, "nw_tos" }, { MFID_IP_DSCP, 57, "ip_dscp" },
    { MFID_NW_ECN, 58, "nw_ecn" }, { MFID_NW_TTL, 59, "nw_ttl" },
    { MFID_NW_FRAG, 60, "ip_frag" }, { MFID_ARP_OP, 61, "arp_op" },
    { MFID_ARP_SPA, 62, "arp_spa" }, { MFID_ARP_TPA, 63, "arp_tpa" },
    { MFID_ARP_SHA, 64, "arp_sha" }, { MFID_ARP_THA, 65, "arp_tha" },
    { MFID_TP_SRC, 70, "tcp_src" }, { MFID_TCP_SRC, 70, "tcp_src" },
    { MFID_TP_DST, 71, "tcp_dst" }, { MFID_TCP_DST, 71, "tcp_dst" },
    { MFID_TCP_FLAGS, 72, "tcp_flags" }, { MFID_UDP_SRC, 73, "udp_src" },
    { MFID_UDP_DST, 74, "udp_dst" }, { MFID_SCTP_SRC, 75, "sctp_src" },
    { MFID_SCTP_DST, 76, "sctp_dst" }, { MFID_ICMP_TYPE, 77, "icmp_type" },
    { MFID_ICMP_CODE, 78, "icmp_code" },
    { MFID_ICMPV6_TYPE, 79, "icmpv6_type" },
    { MFID_ICMPV6_CODE, 80, "icmpv6_code" },
    { MFID_ND_TARGET, 81, "nd_target" },
};

static const struct ovs_field_name *ovs_field(const struct mf_field *f)
{
    for (size_t i = 0; i < sizeof ovs_fields / sizeof ovs_fields[0]; i++) {
        if (ovs_fields[i].id == f->id) {
            return &ovs_fields[i];
        }
    }
    return NULL;
}

static int field_rank(const struct mf_field *f)
{
    const struct ovs_field_name *o = ovs_field(f);
    return o ? o->rank : 1000 + (int) f->id;
}

/* Adds a field in rank order; false when one of its rank is there. */
static bool props_add_field(struct ofp_group_props *p,
                            const struct mf_field *f, mf_value mask)
{
    int rank = field_rank(f);
    size_t i = 0;
    for (; i < p->n_fields; i++) {
        int r = field_rank(p->fields[i].f);
        if (r == rank) {
            return false;
        }
        if (r > rank) {
            break;
        }
    }
    if (p->n_fields >= OFP_GROUP_MAX_FIELDS) {
        return false;
    }
    memmove(&p->fields[i + 1], &p->fields[i],
            (p->n_fields - i) * sizeof p->fields[0]);
    p->fields[i].f = f;
    p->fields[i].mask = mask;
    p->n_fields++;
    return true;
}

/* ---- memory ---- */

void ofp_buckets_free(struct ofp_bucket *b, size_t n)
{
    for (size_t i = 0; b && i < n; i++) {
        ofpacts_free(b[i].acts, b[i].n_acts);
    }
    free(b);
}

struct ofp_bucket *ofp_buckets_clone(const struct ofp_bucket *b, size_t n)
{
    if (!n) {
        return NULL;
    }
    struct ofp_bucket *c = xmalloc(n * sizeof *c);
    for (size_t i = 0; i < n; i++) {
        c[i] = b[i];
        c[i].acts = ofpacts_clone(b[i].acts, b[i].n_acts);
    }
    return c;
}

void ofp_group_mod_free(struct ofp_group_mod *gm)
{
    ofp_buckets_free(gm->buckets, gm->n_buckets);
    gm->buckets = NULL;
    gm->n_buckets = 0;
}

void ofp_group_mod_clone(struct ofp_group_mod *dst,
                         const struct ofp_group_mod *src)
{
    *dst = *src;
    dst->buckets = ofp_buckets_clone(src->buckets, src->n_buckets);
}

void ofp_group_descs_free(struct ofp_group_mod *gds, size_t n)
{
    for (size_t i = 0; gds && i < n; i++) {
        ofp_group_mod_free(&gds[i]);
    }
    free(gds);
}

void ofp_group_stats_free(struct ofp_group_stats *gs, size_t n)
{
    for (size_t i = 0; gs && i < n; i++) {
        free(gs[i].buckets);
    }
    free(gs);
}

static void add_bucket(struct ofp_bucket **b, size_t *n, size_t *cap,
                       const struct ofp_bucket *x)
{
    if (*n == *cap) {
        *cap = *cap ? 2 * *cap : 4;
        *b = xrealloc(*b, *cap * sizeof **b);
    }
    (*b)[(*n)++] = *x;
}

/* ---- encoding ---- */

static int put_bucket11(struct ofpbuf *b, uint8_t version,
                        const struct ofp_bucket *bk)
{
    size_t start = b->size;
    ofpbuf_put_be16(b, 0);
    ofpbuf_put_be16(b, bk->weight);
    ofpbuf_put_be32(b, ofp_port_to_of11(bk->watch_port));
    ofpbuf_put_be32(b, bk->watch_group);
    ofpbuf_put_zeros(b, 4);
    int err = ofpacts_put_actions(b, bk->acts, bk->n_acts, version);
    if (err) {
        b->size = start;
        return err;
    }
    ofpbuf_set_be16(b, start, (uint16_t) (b->size - start));
    return 0;
}

static void put_prop16(struct ofpbuf *b, uint16_t type, uint16_t v)
{
    /* As OVS: the value and its padding counted in the length. */
    ofpbuf_put_be16(b, type);
    ofpbuf_put_be16(b, 8);
    ofpbuf_put_be16(b, v);
    ofpbuf_put_zeros(b, 2);
}

static void put_prop32(struct ofpbuf *b, uint16_t type, uint32_t v)
{
    ofpbuf_put_be16(b, type);
    ofpbuf_put_be16(b, 8);
    ofpbuf_put_be32(b, v);
}

static int put_bucket15(struct ofpbuf *b, uint8_t version, uint8_t type,
                        const struct ofp_bucket *bk, uint32_t bucket_id)
{
    size_t start = b->size;
    ofpbuf_put_be16(b, 0);
    ofpbuf_put_be16(b, 0);
    ofpbuf_put_be32(b, bucket_id);
    size_t acts_start = b->size;
    int err = ofpacts_put_actions(b, bk->acts, bk->n_acts, version);
    if (err) {
        b->size = start;
        return err;
    }
    size_t acts_len = b->size - acts_start;
    if (type == OFPGT_SELECT || bk->weight) {
        put_prop16(b, OFPGBPT_WEIGHT, bk->weight);
    }
    if (bk->watch_port != OFPP_NONE) {
        put_prop32(b, OFPGBPT_WATCH_PORT, ofp_port_to_of11(bk->watch_port));
    }
    if (bk->watch_group != OFPG_ANY) {
        put_prop32(b, OFPGBPT_WATCH_GROUP, bk->watch_group);
    }
    ofpbuf_set_be16(b, start, (uint16_t) (b->size - start));
    ofpbuf_set_be16(b, start + 2, (uint16_t) acts_len);
    return 0;
}

static void put_selection_method(struct ofpbuf *b,
                                 const struct ofp_group_props *p)
{
    size_t start = b->size;
    ofpbuf_put_be16(b, OFPPROP_EXPERIMENTER);
    ofpbuf_put_be16(b, 0);
    ofpbuf_put_be32(b, NTR_VENDOR_ID);
    ofpbuf_put_be32(b, NTRT_SELECTION_METHOD);
    ofpbuf_put_zeros(b, 4);
    char method[OFP_SELECTION_METHOD_LEN];
    memset(method, 0, sizeof method);
    memcpy(method, p->selection_method, strnlen(p->selection_method,
                                                sizeof method - 1));
    ofpbuf_put(b, method, sizeof method);
    ofpbuf_put_be64(b, p->selection_method_param);
    for (size_t i = 0; i < p->n_fields; i++) {
        const struct mf_field *f = p->fields[i].f;
        uint32_t h = mf_nxm_header(f, true, false);
        uint8_t v[16];
        mf_value_to_wire(f, NXM_CLASS(h), p->fields[i].mask, v);
        ofpbuf_put_be32(b, h);
        ofpbuf_put(b, v, NXM_LENGTH(h));
    }
    ofpbuf_set_be16(b, start + 2, (uint16_t) (b->size - start));
    ofpbuf_pad(b, 8);
}

/* The buckets of a 1.5 body, numbering those without an id as OVS does:
 * the lowest ids not taken by the explicit ids of the buckets after the
 * first unnumbered one, nor by ids given so far. */
static int put_buckets15(struct ofpbuf *b, uint8_t version, uint8_t type,
                         const struct ofp_bucket *bk, size_t n)
{
    uint32_t *used = NULL;
    size_t n_used = 0;
    bool pool = false;
    for (size_t i = 0; i < n; i++) {
        uint32_t id = bk[i].bucket_id;
        if (id > OFPG_BUCKET_MAX) {
            if (!pool) {
                pool = true;
                used = xmalloc((n + 1) * sizeof *used);
                for (size_t j = i + 1; j < n; j++) {
                    if (bk[j].bucket_id <= OFPG_BUCKET_MAX) {
                        used[n_used++] = bk[j].bucket_id;
                    }
                }
            }
            for (id = 0;; id++) {
                bool taken = false;
                for (size_t j = 0; j < n_used && !taken; j++) {
                    taken = used[j] == id;
                }
                if (!taken) {
                    break;
                }
            }
            used[n_used++] = id;
        }
        int err = put_bucket15(b, version, type, &bk[i], id);
        if (err) {
            free(used);
            return err;
        }
    }
    free(used);
    return 0;
}

int ofp_encode_group_mod(struct ofpbuf *b, uint8_t version, uint32_t xid,
                         const struct ofp_group_mod *gm)
{
    size_t start0 = b->size;
    bool nx = version == OFP10_VERSION;
    if (!body15(version) && (gm->command == OFPGC_INSERT_BUCKET
                             || gm->command == OFPGC_REMOVE_BUCKET)) {
        return -OFPERR_OFPGMFC_BAD_COMMAND;
    }
    size_t start = ofp_msg_start(b, version, OFPTYPE_GROUP_MOD,
                                 nx ? OFPF_NX : OFPF_STD, xid);
    ofpbuf_put_be16(b, gm->command);
    ofpbuf_put_u8(b, gm->type);
    ofpbuf_put_u8(b, 0);
    ofpbuf_put_be32(b, gm->group_id);
    int err = 0;
    if (body15(version)) {
        size_t lenofs = b->size;
        ofpbuf_put_be16(b, 0);
        ofpbuf_put_zeros(b, 2);
        ofpbuf_put_be32(b, gm->command_bucket_id);
        size_t bstart = b->size;
        err = put_buckets15(b, version, gm->type, gm->buckets,
                            gm->n_buckets);
        ofpbuf_set_be16(b, lenofs, (uint16_t) (b->size - bstart));
        if (!err && gm->props.selection_method[0]) {
            put_selection_method(b, &gm->props);
        }
    } else {
        for (size_t i = 0; i < gm->n_buckets && !err; i++) {
            err = put_bucket11(b, version, &gm->buckets[i]);
        }
    }
    if (err) {
        b->size = start0;
        return err;
    }
    ofp_msg_finish(b, start);
    return 0;
}

/* ---- decoding ---- */

static int pull_bucket_actions(const uint8_t *p, size_t len, uint8_t version,
                               struct ofp_bucket *bk)
{
    return ofpacts_pull_actions(p, len, version, &bk->acts, &bk->n_acts);
}

static int watch_port_from_wire(uint32_t p, uint32_t *port)
{
    if (p >= OFPP_MAX && p < OFPP11_MAX) {
        return -OFPERR_OFPGMFC_BAD_WATCH;
    }
    *port = ofp_port_from_of11(p);
    return 0;
}

static int pull_buckets11(struct ofpcur *c, size_t len, uint8_t version,
                          struct ofp_bucket **out, size_t *n_out)
{
    struct ofp_bucket *bs = NULL;
    size_t n = 0, cap = 0;
    int err = 0;
    while (len > 0) {
        if (len < 16 || c->left < 16) {
            err = -OFPERR_OFPGMFC_BAD_BUCKET;
            break;
        }
        uint16_t blen = ofp_get_be16(c->p);
        if (blen < 16 || blen > len || blen > c->left) {
            err = -OFPERR_OFPGMFC_BAD_BUCKET;
            break;
        }
        const uint8_t *p = c->p;
        ofpcur_bytes(c, NULL, blen);
        len -= blen;
        struct ofp_bucket bk;
        memset(&bk, 0, sizeof bk);
        err = pull_bucket_actions(p + 16, blen - 16u, version, &bk);
        if (err) {
            break;
        }
        bk.weight = ofp_get_be16(p + 2);
        err = watch_port_from_wire(ofp_get_be32(p + 4), &bk.watch_port);
        if (err) {
            ofpacts_free(bk.acts, bk.n_acts);
            break;
        }
        bk.watch_group = ofp_get_be32(p + 8);
        bk.bucket_id = (uint32_t) n;
        add_bucket(&bs, &n, &cap, &bk);
    }
    if (err) {
        ofp_buckets_free(bs, n);
        return err;
    }
    *out = bs;
    *n_out = n;
    return 0;
}

/* One property at `c`: its type (experimenter: (vendor << 32 | exp_type)
 * with `exp` set), its whole bytes in *p / *len; padding to 8 skipped. */
static int pull_prop(struct ofpcur *c, uint16_t *type, bool *exp,
                     uint64_t *exptype, const uint8_t **p, size_t *len)
{
    if (c->left < 4) {
        return -OFPERR_OFPBPC_BAD_LEN;
    }
    uint16_t plen = ofp_get_be16(c->p + 2);
    size_t padded = (plen + 7u) / 8u * 8u;
    if (plen < 4 || padded > c->left) {
        return -OFPERR_OFPBPC_BAD_LEN;
    }
    *type = ofp_get_be16(c->p);
    *exp = *type == OFPPROP_EXPERIMENTER;
    if (*exp) {
        if (plen < 12) {
            return -OFPERR_OFPBPC_BAD_LEN;
        }
        uint32_t vendor = ofp_get_be32(c->p + 4);
        if (!vendor) {
            return -OFPERR_OFPBPC_BAD_TYPE;
        }
        *exptype = (uint64_t) vendor << 32 | ofp_get_be32(c->p + 8);
    }
    *p = c->p;
    *len = plen;
    ofpcur_bytes(c, NULL, padded);
    return 0;
}

static int pull_buckets15(struct ofpcur *c, size_t len, uint8_t version,
                          uint8_t type, struct ofp_bucket **out,
                          size_t *n_out)
{
    struct ofp_bucket *bs = NULL;
    size_t n = 0, cap = 0;
    int err = 0;
    while (len > 0) {
        if (c->left < 8) {
            err = -OFPERR_OFPGMFC_BAD_BUCKET;
            break;
        }
        uint16_t blen = ofp_get_be16(c->p);
        uint16_t alen = ofp_get_be16(c->p + 2);
        if (blen < 8 || blen > len || blen > c->left || alen > blen - 8) {
            err = -OFPERR_OFPGMFC_BAD_BUCKET;
            break;
        }
        const uint8_t *p = c->p;
        ofpcur_bytes(c, NULL, blen);
        len -= blen;
        struct ofp_bucket bk;
        memset(&bk, 0, sizeof bk);
        bk.weight = type == OFPGT_SELECT ? 1 : 0;
        bk.watch_port = OFPP_NONE;
        bk.watch_group = OFPG_ANY;
        bk.bucket_id = ofp_get_be32(p + 4);
        err = pull_bucket_actions(p + 8, alen, version, &bk);
        if (err) {
            break;
        }
        struct ofpcur props = ofpcur_init(p + 8 + alen, blen - 8u - alen);
        while (!err && props.left) {
            uint16_t pt;
            bool exp;
            uint64_t et = 0;
            const uint8_t *pp;
            size_t pl;
            err = pull_prop(&props, &pt, &exp, &et, &pp, &pl);
            if (err) {
                break;
            }
            if (exp) {
                err = -OFPERR_OFPBPC_BAD_TYPE;
            } else if (pt == OFPGBPT_WEIGHT) {
                err = pl != 6 && pl != 8 ? -OFPERR_OFPBPC_BAD_LEN : 0;
                bk.weight = ofp_get_be16(pp + 4);
            } else if (pt == OFPGBPT_WATCH_PORT) {
                if (pl != 8) {
                    err = -OFPERR_OFPBPC_BAD_LEN;
                } else if (watch_port_from_wire(ofp_get_be32(pp + 4),
                                                &bk.watch_port)) {
                    err = -OFPERR_OFPGMFC_BAD_WATCH;
                }
            } else if (pt == OFPGBPT_WATCH_GROUP) {
                err = pl != 8 ? -OFPERR_OFPBPC_BAD_LEN : 0;
                bk.watch_group = ofp_get_be32(pp + 4);
            } else {
                err = -OFPERR_OFPBPC_BAD_TYPE;
            }
        }
        if (!err && bk.bucket_id > OFPG_BUCKET_MAX) {
            err = -OFPERR_OFPGMFC_BAD_BUCKET;
        }
        if (err) {
            ofpacts_free(bk.acts, bk.n_acts);
            break;
        }
        add_bucket(&bs, &n, &cap, &bk);
    }
    for (size_t i = 0; !err && i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if (bs[i].bucket_id == bs[j].bucket_id) {
                err = -OFPERR_OFPGMFC_BAD_BUCKET;   /* duplicate id */
                break;
            }
        }
    }
    if (err) {
        ofp_buckets_free(bs, n);
        return err;
    }
    *out = bs;
    *n_out = n;
    return 0;
}

static int pull_selection_method(const uint8_t *p, size_t len, uint8_t type,
                                 uint16_t command,
                                 struct ofp_group_props *gp)
{
    if (type != OFPGT_SELECT) {
        return type <= OFPGT_FF ? -OFPERR_OFPBPC_BAD_VALUE
                                : -OFPERR_OFPGMFC_BAD_TYPE;
    }
    switch (command) {
    case OFPGC_ADD: case OFPGC_MODIFY: case OFPGC_ADD_OR_MOD:
        break;
    case OFPGC_DELETE: case OFPGC_INSERT_BUCKET: case OFPGC_REMOVE_BUCKET:
        return -OFPERR_OFPBPC_BAD_VALUE;
    default:
        return -OFPERR_OFPGMFC_BAD_COMMAND;
    }
    if (len < 40) {
        return -OFPERR_OFPBPC_BAD_LEN;
    }
    const char *m = (const char *) p + 16;
    size_t mlen = strnlen(m, OFP_SELECTION_METHOD_LEN);
    if (mlen == OFP_SELECTION_METHOD_LEN) {
        return -OFPERR_OFPBPC_BAD_VALUE;
    }
    char method[OFP_SELECTION_METHOD_LEN];
    memcpy(method, m, mlen);
    method[mlen] = '\0';
    if (strcmp(method, "hash") && strcmp(method, "dp_hash")) {
        return -OFPERR_OFPBPC_BAD_VALUE;
    }
    memcpy(gp->selection_method, method, sizeof method);
    gp->selection_method_param = ofp_get_be64(p + 32);
    size_t flen = len - 40;
    if (flen && strcmp(method, "hash")) {
        return -OFPERR_OFPBPC_BAD_VALUE;
    }
    struct ofpcur c = ofpcur_init(p + 40, flen);
    while (c.left) {
        uint32_t h;
        if (!ofpcur_be32(&c, &h)) {
            return -OFPERR_OFPBMC_BAD_LEN;
        }
        if (NXM_HASMASK(h)) {
            return -OFPERR_OFPBMC_BAD_MASK;
        }
        const struct mf_field *f = mf_from_nxm_header(h);
        if (!f) {
            return -OFPERR_OFPBMC_BAD_FIELD;
        }
        uint8_t v[16];
        if (NXM_LENGTH(h) > sizeof v || !ofpcur_bytes(&c, v, NXM_LENGTH(h))) {
            return -OFPERR_OFPBMC_BAD_LEN;
        }
        mf_value mask;
        if (!mf_value_from_wire(f, NXM_CLASS(h), v, &mask)) {
            return -OFPERR_OFPBMC_BAD_MASK;
        }
        if (!props_add_field(gp, f, mask)) {
            return -OFPERR_OFPBMC_DUP_FIELD;
        }
    }
    return 0;
}

static int pull_group_props(struct ofpcur *c, size_t len, uint8_t type,
                            uint16_t command, struct ofp_group_props *gp)
{
    struct ofpcur props;
    if (!ofpcur_sub(c, len, &props)) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    while (props.left) {
        uint16_t pt;
        bool exp;
        uint64_t et = 0;
        const uint8_t *p;
        size_t pl;
        int err = pull_prop(&props, &pt, &exp, &et, &p, &pl);
        if (err) {
            return err;
        }
        if (exp && (et == ((uint64_t) NTR_VENDOR_ID << 32
                           | NTRT_SELECTION_METHOD)
                    || et == ((uint64_t) NTR_COMPAT_VENDOR_ID << 32
                              | NTRT_SELECTION_METHOD))) {
            err = pull_selection_method(p, pl, type, command, gp);
        } else {
            err = -OFPERR_OFPBPC_BAD_TYPE;
        }
        if (err) {
            return err;
        }
    }
    return 0;
}

static bool has_liveness(const struct ofp_bucket *b)
{
    return b->watch_port != OFPP_NONE || b->watch_group != OFPG_ANY;
}

/* OVS's ofputil_check_group_mod. */
static int check_group_mod(const struct ofp_group_mod *gm)
{
    switch (gm->type) {
    case OFPGT_INDIRECT:
        if (gm->command != OFPGC_DELETE && gm->n_buckets != 1) {
            return -OFPERR_OFPGMFC_INVALID_GROUP;
        }
        break;
    case OFPGT_ALL: case OFPGT_SELECT: case OFPGT_FF:
        break;
    default:
        return -OFPERR_OFPGMFC_BAD_TYPE;
    }
    switch (gm->command) {
    case OFPGC_ADD: case OFPGC_MODIFY: case OFPGC_ADD_OR_MOD:
    case OFPGC_DELETE: case OFPGC_INSERT_BUCKET:
        break;
    case OFPGC_REMOVE_BUCKET:
        if (gm->n_buckets) {
            return -OFPERR_OFPGMFC_BAD_BUCKET;
        }
        break;
    default:
        return -OFPERR_OFPGMFC_BAD_COMMAND;
    }
    for (size_t i = 0; i < gm->n_buckets; i++) {
        const struct ofp_bucket *b = &gm->buckets[i];
        if (b->weight && gm->type != OFPGT_SELECT
            && gm->command != OFPGC_INSERT_BUCKET) {
            return -OFPERR_OFPGMFC_INVALID_GROUP;
        }
        if ((gm->type == OFPGT_ALL || gm->type == OFPGT_INDIRECT)
            && has_liveness(b)) {
            return -OFPERR_OFPGMFC_WATCH_UNSUPPORTED;
        }
        if (gm->type == OFPGT_FF && !has_liveness(b)) {
            return -OFPERR_OFPGMFC_INVALID_GROUP;
        }
    }
    return 0;
}

int ofp_decode_group_mod(const struct ofp_msg *msg, struct ofp_group_mod *gm)
{
    memset(gm, 0, sizeof *gm);
    if (msg->type != OFPTYPE_GROUP_MOD) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    uint8_t pad;
    if (!ofpcur_be16(&c, &gm->command) || !ofpcur_u8(&c, &gm->type)
        || !ofpcur_u8(&c, &pad) || !ofpcur_be32(&c, &gm->group_id)) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    gm->command_bucket_id = OFPG_BUCKET_ALL;
    int err;
    if (body15(msg->version)) {
        uint16_t blen, pad2;
        if (!ofpcur_be16(&c, &blen) || !ofpcur_be16(&c, &pad2)
            || !ofpcur_be32(&c, &gm->command_bucket_id)) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        uint32_t cb = gm->command_bucket_id;
        bool ok;
        switch (gm->command) {
        case OFPGC_REMOVE_BUCKET:
            ok = cb == OFPG_BUCKET_ALL || cb <= OFPG_BUCKET_MAX
                 || cb == OFPG_BUCKET_FIRST || cb == OFPG_BUCKET_LAST;
            break;
        case OFPGC_INSERT_BUCKET:
            ok = cb <= OFPG_BUCKET_MAX || cb == OFPG_BUCKET_FIRST
                 || cb == OFPG_BUCKET_LAST;
            break;
        default:
            ok = cb == OFPG_BUCKET_ALL;
            break;
        }
        if (!ok) {
            return -OFPERR_OFPGMFC_BAD_BUCKET;
        }
        if (blen > c.left) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        err = pull_buckets15(&c, blen, msg->version, gm->type, &gm->buckets,
                             &gm->n_buckets);
        if (!err) {
            err = pull_group_props(&c, c.left, gm->type, gm->command,
                                   &gm->props);
        }
    } else {
        err = pull_buckets11(&c, c.left, msg->version, &gm->buckets,
                             &gm->n_buckets);
        if (!err && msg->version >= OFP13_VERSION
            && gm->command == OFPGC_DELETE && gm->n_buckets) {
            err = -OFPERR_OFPGMFC_INVALID_GROUP;
        }
    }
    if (!err) {
        err = check_group_mod(gm);
    }
    if (err) {
        ofp_group_mod_free(gm);
    }
    return err;
}

/* ---- desc ---- */

void ofp_encode_group_desc_request(struct ofpbuf *b, uint8_t version,
                                   uint32_t xid, uint32_t group_id)
{
    size_t start = ofp_msg_start(b, version, OFPTYPE_GROUP_DESC_STATS_REQUEST,
                                 version == OFP10_VERSION ? OFPF_NX : OFPF_STD,
                                 xid);
    if (body15(version)) {
        ofpbuf_put_be32(b, group_id);
        ofpbuf_put_zeros(b, 4);
    }
    ofp_msg_finish(b, start);
}

int ofp_decode_group_desc_request(const struct ofp_msg *msg,
                                  uint32_t *group_id)
{
    *group_id = OFPG_ALL;
    if (msg->type != OFPTYPE_GROUP_DESC_STATS_REQUEST) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    if (body15(msg->version)) {
        struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
        if (!ofpcur_be32(&c, group_id)) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
    }
    return 0;
}

void ofp_put_group_desc(struct ofp_mp_reply *r, const struct ofp_group_mod *g)
{
    struct ofpbuf *b = r->b;
    uint8_t version = r->req->version;
    ofp_mp_entry_start(r);
    size_t start = b->size;
    ofpbuf_put_be16(b, 0);
    ofpbuf_put_u8(b, g->type);
    ofpbuf_put_u8(b, 0);
    ofpbuf_put_be32(b, g->group_id);
    if (body15(version)) {
        size_t lenofs = b->size;
        ofpbuf_put_be16(b, 0);
        ofpbuf_put_zeros(b, 6);
        size_t bstart = b->size;
        /* Stored groups' actions fit every version they came in by. */
        if (put_buckets15(b, version, g->type, g->buckets, g->n_buckets)) {
            b->size = bstart;
        }
        ofpbuf_set_be16(b, lenofs, (uint16_t) (b->size - bstart));
        if (g->props.selection_method[0]) {
            put_selection_method(b, &g->props);
        }
    } else {
        for (size_t i = 0; i < g->n_buckets; i++) {
            put_bucket11(b, version, &g->buckets[i]);
        }
    }
    ofpbuf_set_be16(b, start, (uint16_t) (b->size - start));
    ofp_mp_entry_end(r);
}

int ofp_decode_group_desc_reply(const struct ofp_msg *msg,
                                struct ofp_group_mod **gds, size_t *n_out)
{
    *gds = NULL;
    *n_out = 0;
    if (msg->type != OFPTYPE_GROUP_DESC_STATS_REPLY) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofp_group_mod *v = NULL;
    size_t n = 0, cap = 0;
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    int err = 0;
    while (c.left && !err) {
        size_t hl = body15(msg->version) ? 16 : 8;
        if (c.left < hl) {
            err = -OFPERR_OFPBRC_BAD_LEN;
            break;
        }
        uint16_t len = ofp_get_be16(c.p);
        if (len < hl || len > c.left) {
            err = -OFPERR_OFPBRC_BAD_LEN;
            break;
        }
        struct ofp_group_mod g;
        memset(&g, 0, sizeof g);
        g.type = c.p[2];
        g.group_id = ofp_get_be32(c.p + 4);
        g.command = OFPGC_ADD;
        g.command_bucket_id = OFPG_BUCKET_ALL;
        struct ofpcur e;
        ofpcur_sub(&c, len, &e);
        ofpcur_bytes(&e, NULL, hl);
        if (body15(msg->version)) {
            uint16_t blen = ofp_get_be16(e.p - 8);
            if (blen > e.left) {
                err = -OFPERR_OFPBRC_BAD_LEN;
                break;
            }
            err = pull_buckets15(&e, blen, msg->version, g.type, &g.buckets,
                                 &g.n_buckets);
            if (!err) {
                err = pull_group_props(&e, e.left, g.type, OFPGC_ADD,
                                       &g.props);
            }
        } else {
            err = pull_buckets11(&e, e.left, msg->version, &g.buckets,
                                 &g.n_buckets);
        }
        if (err) {
            ofp_group_mod_free(&g);
            break;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 4;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[n++] = g;
    }
    if (err) {
        ofp_group_descs_free(v, n);
        return err;
    }
    *gds = v;
    *n_out = n;
    return 0;
}

/* ---- stats ---- */

void ofp_encode_group_stats_request(struct ofpbuf *b, uint8_t version,
                                    uint32_t xid, uint32_t group_id)
{
    size_t start = ofp_msg_start(b, version, OFPTYPE_GROUP_STATS_REQUEST,
                                 version == OFP10_VERSION ? OFPF_NX : OFPF_STD,
                                 xid);
    ofpbuf_put_be32(b, group_id);
    ofpbuf_put_zeros(b, 4);
    ofp_msg_finish(b, start);
}

int ofp_decode_group_stats_request(const struct ofp_msg *msg,
                                   uint32_t *group_id)
{
    *group_id = OFPG_ALL;
    if (msg->type != OFPTYPE_GROUP_STATS_REQUEST) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    return ofpcur_be32(&c, group_id) ? 0 : -OFPERR_OFPBRC_BAD_LEN;
}

static bool stats_have_duration(uint8_t version)
{
    return version == OFP10_VERSION || version >= OFP13_VERSION;
}

void ofp_put_group_stats(struct ofp_mp_reply *r,
                         const struct ofp_group_stats *gs)
{
    struct ofpbuf *b = r->b;
    bool dur = stats_have_duration(r->req->version);
    size_t len = (dur ? 40 : 32) + 16 * gs->n_buckets;
    ofp_mp_entry_start(r);
    ofpbuf_put_be16(b, (uint16_t) len);
    ofpbuf_put_zeros(b, 2);
    ofpbuf_put_be32(b, gs->group_id);
    ofpbuf_put_be32(b, gs->ref_count);
    ofpbuf_put_zeros(b, 4);
    ofpbuf_put_be64(b, gs->packet_count);
    ofpbuf_put_be64(b, gs->byte_count);
    if (dur) {
        ofpbuf_put_be32(b, gs->duration_sec);
        ofpbuf_put_be32(b, gs->duration_nsec);
    }
    for (size_t i = 0; i < gs->n_buckets; i++) {
        ofpbuf_put_be64(b, gs->buckets[i].packet_count);
        ofpbuf_put_be64(b, gs->buckets[i].byte_count);
    }
    ofp_mp_entry_end(r);
}

int ofp_decode_group_stats_reply(const struct ofp_msg *msg,
                                 struct ofp_group_stats **gs, size_t *n_out)
{
    *gs = NULL;
    *n_out = 0;
    if (msg->type != OFPTYPE_GROUP_STATS_REPLY) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    bool dur = stats_have_duration(msg->version);
    size_t base = dur ? 40 : 32;
    struct ofp_group_stats *v = NULL;
    size_t n = 0, cap = 0;
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    while (c.left) {
        if (c.left < base) {
            ofp_group_stats_free(v, n);
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        const uint8_t *p = c.p;
        uint16_t len = ofp_get_be16(p);
        size_t nb = len >= base ? (len - base) / 16 : 0;
        if (len < 4 || base + nb * 16 > c.left) {
            ofp_group_stats_free(v, n);
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 4;
            v = xrealloc(v, cap * sizeof *v);
        }
        struct ofp_group_stats *g = &v[n++];
        memset(g, 0, sizeof *g);
        g->group_id = ofp_get_be32(p + 4);
        g->ref_count = ofp_get_be32(p + 8);
        g->packet_count = ofp_get_be64(p + 16);
        g->byte_count = ofp_get_be64(p + 24);
        g->duration_sec = dur ? ofp_get_be32(p + 32) : UINT32_MAX;
        g->duration_nsec = dur ? ofp_get_be32(p + 36) : UINT32_MAX;
        g->n_buckets = nb;
        g->buckets = nb ? xmalloc(nb * sizeof *g->buckets) : NULL;
        for (size_t i = 0; i < nb; i++) {
            g->buckets[i].packet_count = ofp_get_be64(p + base + 16 * i);
            g->buckets[i].byte_count = ofp_get_be64(p + base + 16 * i + 8);
        }
        ofpcur_bytes(&c, NULL, base + nb * 16);
    }
    *gs = v;
    *n_out = n;
    return 0;
}

/* ---- features ---- */

/* The actions OVS 3.1 lists, in the order it prints them, with their bit
 * in the OF1.0 and the OF1.1+ action bitmaps (-1: none there). */
static const struct {
    const char *name;
    int of10, of11;
} feature_actions[] = {
    { "output", 0, 0 }, { "group", -1, 22 }, { "enqueue", 11, -1 },
    { "set_vlan_vid", 1, -1 }, { "set_vlan_pcp", 2, -1 },
    { "set_field", -1, 25 }, { "strip_vlan", 3, 18 },
    { "push_vlan", -1, 17 }, { "mod_dl_src", 4, -1 },
    { "mod_dl_dst", 5, -1 }, { "mod_nw_src", 6, -1 },
    { "mod_nw_dst", 7, -1 }, { "mod_nw_tos", 8, -1 },
    { "mod_nw_ttl", -1, 23 }, { "dec_ttl", -1, 24 },
    { "mod_tp_src", 9, -1 }, { "mod_tp_dst", 10, -1 },
    { "set_mpls_ttl", -1, 15 }, { "dec_mpls_ttl", -1, 16 },
    { "push_mpls", -1, 19 }, { "pop_mpls", -1, 20 },
    { "set_queue", -1, 21 }, { "copy_ttl_out", -1, 11 },
    { "copy_ttl_in", -1, 12 },
};
#define N_FEATURE_ACTIONS (sizeof feature_actions / sizeof feature_actions[0])

void ofp_group_features_default(struct ofp_group_features *f, uint8_t version)
{
    memset(f, 0, sizeof *f);
    f->types = 0xf;
    f->capabilities = 0x7;      /* SELECT_WEIGHT SELECT_LIVENESS CHAINING */
    /* Every action OVS has, as the version says them. */
    uint32_t acts = version == OFP10_VERSION ? 0xfff : 0x03ff8001u;
    for (int i = 0; i < 4; i++) {
        f->max_groups[i] = OFPG_MAX;
        f->actions[i] = acts;
    }
}

void ofp_encode_group_features_reply(struct ofpbuf *b,
                                     const struct ofp_msg *req,
                                     const struct ofp_group_features *f)
{
    size_t start = ofp_msg_start_reply(b, req,
                                       OFPTYPE_GROUP_FEATURES_STATS_REPLY);
    ofpbuf_put_be32(b, f->types);
    ofpbuf_put_be32(b, f->capabilities);
    for (int i = 0; i < 4; i++) {
        ofpbuf_put_be32(b, f->max_groups[i]);
    }
    for (int i = 0; i < 4; i++) {
        ofpbuf_put_be32(b, f->actions[i]);
    }
    ofp_msg_finish(b, start);
}

int ofp_decode_group_features_reply(const struct ofp_msg *msg,
                                    struct ofp_group_features *f)
{
    memset(f, 0, sizeof *f);
    if (msg->type != OFPTYPE_GROUP_FEATURES_STATS_REPLY) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    bool ok = ofpcur_be32(&c, &f->types) && ofpcur_be32(&c, &f->capabilities);
    for (int i = 0; i < 4 && ok; i++) {
        ok = ofpcur_be32(&c, &f->max_groups[i]);
    }
    for (int i = 0; i < 4 && ok; i++) {
        ok = ofpcur_be32(&c, &f->actions[i]);
    }
    return ok ? 0 : -OFPERR_OFPBRC_BAD_LEN;
}

/* ---- parsing (ovs-ofctl's syntax) ---- */

static int perr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int perr(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* OVS's parse_value: up to a delimiter, keeping parentheses whole. */
static size_t kv_value_len(const char *s, const char *delims)
{
    size_t n = 0;
    while (!strchr(delims, s[n])) {
        if (s[n] == '(') {
            int level = 0;
            do {
                switch (s[n]) {
                case '\0': return n;
                case '(': level++; break;
                case ')': level--; break;
                }
                n++;
            } while (level > 0);
        } else {
            n++;
        }
    }
    return n;
}

/* OVS's ofputil_parse_key_value, in place: key, value (empty when none)
 * was written (key, delimiter, value and a closing parenthesis). */
static bool kv_next(char **sp, char **keyp, char **valuep, char *delimp)
{
    char *s = *sp;
    s += strspn(s, ", \t\r\n");
    if (!*s) {
        *sp = s;
        return false;
    }
    char *key = s;
    size_t klen = strcspn(key, ":=(, \t\r\n");
    char kd = key[klen];
    key[klen] = '\0';
    s += klen + (kd != '\0');
    *keyp = key;
    *delimp = kd;
    const char *vd;
    if (kd == ':' || kd == '=') {
        vd = ", \t\r\n";
    } else if (kd == '(') {
        vd = ")";
    } else {
        *valuep = key + klen;
        *sp = s;
        return true;
    }
    char *value = s;
    size_t vlen = kv_value_len(value, vd);
    char vdc = value[vlen];
    value[vlen] = '\0';
    s += vlen + (vdc != '\0');
    *valuep = value;
    *sp = s;
    return true;
}

static int parse_u32(const char *s, uint32_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (!*s || *end || errno || x > UINT32_MAX || *s == '-') {
        return -1;
    }
    *v = (uint32_t) x;
    return 0;
}

static int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (!*s || *end || errno || *s == '-') {
        return -1;
    }
    *v = x;
    return 0;
}

static void dstr_append_action(struct dstr *acts, const char *key,
                               char delim, const char *value)
{
    if (acts->len) {
        dstr_putc(acts, ',');
    }
    dstr_put(acts, key);
    if (delim == ':' || delim == '=') {
        dstr_printf(acts, "%c%s", delim, value);
    } else if (delim == '(') {
        dstr_printf(acts, "(%s)", value);
    }
}

static int parse_bucket(char *s, uint8_t type, struct ofp_bucket *bk,
                        uint32_t *usable, char *err, size_t errlen)
{
    memset(bk, 0, sizeof *bk);
    bk->weight = type == OFPGT_SELECT ? 1 : 0;
    bk->bucket_id = OFPG_BUCKET_ALL;
    bk->watch_port = OFPP_NONE;
    bk->watch_group = OFPG_ANY;
    struct dstr acts = DSTR_INIT;
    char *key, *value, delim;
    int rc = 0;
    while (!rc && kv_next(&s, &key, &value, &delim)) {
        if (!strcasecmp(key, "weight")) {
            uint32_t w;
            if (parse_u32(value, &w) || w > UINT16_MAX) {
                rc = perr(err, errlen, "invalid weight \"%s\"", value);
            }
            bk->weight = (uint16_t) w;
        } else if (!strcasecmp(key, "watch_port")) {
            uint32_t p;
            if (!ofp_port_parse(value, &p)
                || (p >= OFPP_MAX && p != OFPP_NONE
                    && p != OFPP_CONTROLLER)) {
                rc = perr(err, errlen, "%s: invalid watch_port", value);
            }
            bk->watch_port = p;
        } else if (!strcasecmp(key, "watch_group")) {
            if (parse_u32(value, &bk->watch_group)) {
                rc = perr(err, errlen, "invalid numeric format %s", value);
            } else if (bk->watch_group > OFPG_MAX) {
                rc = perr(err, errlen, "invalid watch_group id %" PRIu32,
                          bk->watch_group);
            }
        } else if (!strcasecmp(key, "bucket_id")) {
            if (parse_u32(value, &bk->bucket_id)) {
                rc = perr(err, errlen, "invalid numeric format %s", value);
            } else if (bk->bucket_id > OFPG_BUCKET_MAX) {
                rc = perr(err, errlen, "invalid bucket_id id %" PRIu32,
                          bk->bucket_id);
            }
            *usable &= (1u << OFP10_VERSION) | (1u << OFP15_VERSION);
        } else if (!strcasecmp(key, "action")
                   || !strcasecmp(key, "actions")) {
            if (acts.len) {
                dstr_putc(&acts, ',');
            }
            dstr_put(&acts, value);
        } else {
            dstr_append_action(&acts, key, delim, value);
        }
    }
    if (!rc && !acts.len) {
        rc = perr(err, errlen, "bucket must specify actions");
    }
    if (!rc && type == OFPGT_FF && !has_liveness(bk)) {
        rc = perr(err, errlen, "fast failover bucket requires watch_port or "
                  "watch_group");
    }
    if (!rc && ofpacts_parse(dstr_str(&acts), &bk->acts, &bk->n_acts, err,
                             errlen)) {
        rc = -1;
    }
    dstr_free(&acts);
    return rc;
}

static int parse_fields(char *s, struct ofp_group_props *p, char *err,
                        size_t errlen)
{
    char *name, *value, delim;
    while (kv_next(&s, &name, &value, &delim)) {
        const struct mf_field *f = mf_from_name(name);
        if (!f) {
            return perr(err, errlen, "%s: unknown field %s", s, name);
        }
        mf_value mask = mf_width_mask(f);
        if (*value) {
            mf_value v, m;
            if (mf_parse_value(f, value, &v, &m, err, errlen)) {
                return -1;
            }
            if (!v) {
                return perr(err, errlen, "%s: values are wildcards here "
                            "and must not be all-zeros", s);
            }
            mask = v;
        }
        if (!props_add_field(p, f, mask)) {
            return perr(err, errlen, "%s: duplicate field", name);
        }
    }
    return 0;
}

int ofp_parse_group_mod(const char *str, int command, struct ofp_group_mod *gm,
                        uint32_t *usable, char *err, size_t errlen)
{
    enum { F_TYPE = 1, F_BUCKETS = 2, F_CBID = 4, F_CBID_ALL = 8 };
    memset(gm, 0, sizeof *gm);
    *usable = OFP_SUPPORTED_VERSIONS;
    char *copy = xstrdup(str);
    char *string = copy;
    int rc = 0;
    if (command == -2) {
        string += strspn(string, " \t\r\n");
        size_t len = strcspn(string, ", \t\r\n");
        static const struct { const char *name; int cmd; } cmds[] = {
            { "add", OFPGC_ADD }, { "delete", OFPGC_DELETE },
            { "modify", OFPGC_MODIFY }, { "add_or_mod", OFPGC_ADD_OR_MOD },
            { "insert_bucket", OFPGC_INSERT_BUCKET },
            { "remove_bucket", OFPGC_REMOVE_BUCKET },
        };
        command = -1;
        for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
            if (!strncmp(string, cmds[i].name, len)) {
                command = cmds[i].cmd;
                break;
            }
        }
        if (command < 0) {
            len = 0;
            command = OFPGC_ADD;
        }
        string += len;
    }
    unsigned fields;
    switch (command) {
    case OFPGC_ADD: case OFPGC_MODIFY: case OFPGC_ADD_OR_MOD:
        fields = F_TYPE | F_BUCKETS;
        break;
    case OFPGC_DELETE:
        fields = 0;
        break;
    case OFPGC_INSERT_BUCKET:
        fields = F_BUCKETS | F_CBID;
        *usable &= (1u << OFP10_VERSION) | (1u << OFP15_VERSION);
        break;
    case OFPGC_REMOVE_BUCKET:
        fields = F_CBID | F_CBID_ALL;
        *usable &= (1u << OFP10_VERSION) | (1u << OFP15_VERSION);
        break;
    default:
        free(copy);
        return perr(err, errlen, "bad group command %d", command);
    }
    gm->command = (uint16_t) command;
    gm->group_id = OFPG_ANY;
    gm->command_bucket_id = OFPG_BUCKET_ALL;
    if (command == OFPGC_DELETE && !*string) {
        gm->group_id = OFPG_ALL;
        free(copy);
        return 0;
    }
    char *bkt = strstr(string, "bucket=");
    if (bkt) {
        if (!(fields & F_BUCKETS)) {
            rc = perr(err, errlen, "bucket is not needed");
            goto out;
        }
        *bkt = '\0';
    }
    bool had_type = false, had_cbid = false;
    char *pos = string, *name, *value, delim;
    while (kv_next(&pos, &name, &value, &delim)) {
        if (!strcmp(name, "command_bucket_id")) {
            if (!(fields & F_CBID)) {
                rc = perr(err, errlen, "command bucket id is not needed");
                goto out;
            }
            if (!strcmp(value, "all")) {
                gm->command_bucket_id = OFPG_BUCKET_ALL;
            } else if (!strcmp(value, "first")) {
                gm->command_bucket_id = OFPG_BUCKET_FIRST;
            } else if (!strcmp(value, "last")) {
                gm->command_bucket_id = OFPG_BUCKET_LAST;
            } else if (parse_u32(value, &gm->command_bucket_id)) {
                rc = perr(err, errlen, "invalid numeric format %s", value);
                goto out;
            } else if (gm->command_bucket_id > OFPG_BUCKET_MAX
                       && gm->command_bucket_id != OFPG_BUCKET_FIRST
                       && gm->command_bucket_id != OFPG_BUCKET_LAST
                       && gm->command_bucket_id != OFPG_BUCKET_ALL) {
                rc = perr(err, errlen, "invalid command bucket id %" PRIu32,
                          gm->command_bucket_id);
                goto out;
            }
            if (gm->command_bucket_id == OFPG_BUCKET_ALL
                && !(fields & F_CBID_ALL)) {
                rc = perr(err, errlen, "command_bucket_id=all is not "
                          "permitted");
                goto out;
            }
            had_cbid = true;
        } else if (!strcmp(name, "group_id")) {
            if (!strcmp(value, "all")) {
                gm->group_id = OFPG_ALL;
            } else if (parse_u32(value, &gm->group_id)) {
                rc = perr(err, errlen, "invalid numeric format %s", value);
                goto out;
            } else if (gm->group_id != OFPG_ALL && gm->group_id > OFPG_MAX) {
                rc = perr(err, errlen, "invalid group id %" PRIu32,
                          gm->group_id);
                goto out;
            }
        } else if (!strcmp(name, "type")) {
            if (!(fields & F_TYPE)) {
                rc = perr(err, errlen, "type is not needed");
                goto out;
            }
            if (!strcmp(value, "all")) {
                gm->type = OFPGT_ALL;
            } else if (!strcmp(value, "select")) {
                gm->type = OFPGT_SELECT;
            } else if (!strcmp(value, "indirect")) {
                gm->type = OFPGT_INDIRECT;
            } else if (!strcmp(value, "ff")
                       || !strcmp(value, "fast_failover")) {
                gm->type = OFPGT_FF;
            } else {
                rc = perr(err, errlen, "invalid group type %s", value);
                goto out;
            }
            had_type = true;
        } else if (!strcmp(name, "selection_method")) {
            if (!(fields & F_TYPE)) {
                rc = perr(err, errlen, "selection method is not needed");
                goto out;
            }
            if (strlen(value) >= OFP_SELECTION_METHOD_LEN) {
                rc = perr(err, errlen, "selection method is longer than %u"
                          " bytes long", OFP_SELECTION_METHOD_LEN - 1);
                goto out;
            }
            memset(gm->props.selection_method, 0,
                   sizeof gm->props.selection_method);
            strcpy(gm->props.selection_method, value);
            *usable &= (1u << OFP10_VERSION) | (1u << OFP15_VERSION);
        } else if (!strcmp(name, "selection_method_param")) {
            if (!(fields & F_TYPE)) {
                rc = perr(err, errlen, "selection method param is not "
                          "needed");
                goto out;
            }
            if (parse_u64(value, &gm->props.selection_method_param)) {
                rc = perr(err, errlen, "invalid numeric format %s", value);
                goto out;
            }
            *usable &= (1u << OFP10_VERSION) | (1u << OFP15_VERSION);
        } else if (!strcmp(name, "fields")) {
            if (!(fields & F_TYPE)) {
                rc = perr(err, errlen, "fields are not needed");
                goto out;
            }
            if (parse_fields(value, &gm->props, err, errlen)) {
                rc = -1;
                goto out;
            }
            *usable &= (1u << OFP10_VERSION) | (1u << OFP15_VERSION);
        } else {
            rc = perr(err, errlen, "unknown keyword %s", name);
            goto out;
        }
    }
    if (gm->group_id == OFPG_ANY) {
        rc = perr(err, errlen, "must specify a group_id");
        goto out;
    }
    if (fields & F_TYPE && !had_type) {
        rc = perr(err, errlen, "must specify a type");
        goto out;
    }
    if (strcmp(gm->props.selection_method, "hash") && gm->props.n_fields) {
        rc = perr(err, errlen, "fields may only be specified with "
                  "\"selection_method=hash\"");
        goto out;
    }
    if (!gm->props.selection_method[0]
        && gm->props.selection_method_param) {
        rc = perr(err, errlen, "selection_method_param is only allowed with "
                  "\"selection_method\"");
        goto out;
    }
    if (fields & F_CBID) {
        if (!(fields & F_CBID_ALL || had_cbid)) {
            rc = perr(err, errlen, "must specify a command bucket id");
            goto out;
        }
    } else if (had_cbid) {
        rc = perr(err, errlen, "command bucket id is not needed");
        goto out;
    }
    size_t cap = 0;
    while (bkt) {
        bkt = strchr(bkt + 1, '=');
        if (!bkt) {
            rc = perr(err, errlen, "must specify bucket content");
            goto out;
        }
        bkt++;
        char *next = strstr(bkt, "bucket=");
        if (next) {
            *next = '\0';
        }
        struct ofp_bucket bk;
        if (parse_bucket(bkt, gm->type, &bk, usable, err, errlen)) {
            ofpacts_free(bk.acts, bk.n_acts);
            rc = -1;
            goto out;
        }
        add_bucket(&gm->buckets, &gm->n_buckets, &cap, &bk);
        if (gm->command != OFPGC_INSERT_BUCKET && gm->type != OFPGT_SELECT
            && bk.weight) {
            rc = perr(err, errlen, "Only select groups can have bucket "
                      "weights.");
            goto out;
        }
        bkt = next;
    }
    if (gm->type == OFPGT_INDIRECT && gm->n_buckets > 1) {
        rc = perr(err, errlen, "Indirect groups can have at most one "
                  "bucket.");
        goto out;
    }
out:
    free(copy);
    if (rc) {
        ofp_group_mod_free(gm);
    }
    return rc;
}

/* ---- printing ---- */

static void print_bucket_id(struct dstr *out, const char *label, uint32_t id,
                            uint8_t version)
{
    if (!body15(version)) {
        return;
    }
    dstr_put(out, label);
    switch (id) {
    case OFPG_BUCKET_FIRST: dstr_put(out, "first"); break;
    case OFPG_BUCKET_LAST: dstr_put(out, "last"); break;
    case OFPG_BUCKET_ALL: dstr_put(out, "all"); break;
    default: dstr_printf(out, "%" PRIu32, id); break;
    }
    dstr_putc(out, ',');
}

static void format_props(struct dstr *out, const struct ofp_group_props *p)
{
    if (!p->selection_method[0]) {
        return;
    }
    dstr_printf(out, ",selection_method=%s", p->selection_method);
    if (p->selection_method_param) {
        dstr_printf(out, ",selection_method_param=%" PRIu64,
                    p->selection_method_param);
    }
    if (!p->n_fields) {
        return;
    }
    dstr_put(out, p->n_fields == 1 ? ",fields=" : ",fields(");
    for (size_t i = 0; i < p->n_fields; i++) {
        const struct mf_field *f = p->fields[i].f;
        const struct ovs_field_name *o = ovs_field(f);
        if (i) {
            dstr_putc(out, ',');
        }
        dstr_put(out, o ? o->name : f->name);
        if (p->fields[i].mask != mf_width_mask(f)) {
            dstr_putc(out, '=');
            mf_format_value(f, p->fields[i].mask, mf_width_mask(f), out);
        }
    }
    if (p->n_fields > 1) {
        dstr_putc(out, ')');
    }
}

void ofp_group_format(struct dstr *out, const struct ofp_group_mod *g,
                      uint8_t version, bool suppress_type)
{
    dstr_printf(out, "group_id=%" PRIu32, g->group_id);
    if (!suppress_type) {
        static const char *const types[] = { "all", "select", "indirect",
                                             "ff", "unknown" };
        dstr_printf(out, ",type=%s", types[g->type > 4 ? 4 : g->type]);
    }
    format_props(out, &g->props);
    for (size_t i = 0; i < g->n_buckets; i++) {
        const struct ofp_bucket *b = &g->buckets[i];
        dstr_put(out, ",bucket=");
        print_bucket_id(out, "bucket_id:", b->bucket_id, version);
        if (b->weight != (g->type == OFPGT_SELECT ? 1 : 0)) {
            dstr_printf(out, "weight:%" PRIu16 ",", b->weight);
        }
        if (b->watch_port != OFPP_NONE) {
            char port[32];
            ofp_port_format(b->watch_port, port, sizeof port);
            dstr_printf(out, "watch_port:%s,", port);
        }
        if (b->watch_group != OFPG_ANY) {
            dstr_printf(out, "watch_group:%" PRIu32 ",", b->watch_group);
        }
        dstr_put(out, "actions=");
        ofpacts_format(b->acts, b->n_acts, out);
    }
}

int ofp_print_group_mod(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_group_mod gm;
    int err = ofp_decode_group_mod(msg, &gm);
    if (err) {
        return err;
    }
    dstr_put(out, "\n ");
    bool bucket_cmd = false;
    switch (gm.command) {
    case OFPGC_ADD: dstr_put(out, "ADD"); break;
    case OFPGC_MODIFY: dstr_put(out, "MOD"); break;
    case OFPGC_ADD_OR_MOD: dstr_put(out, "ADD_OR_MOD"); break;
    case OFPGC_DELETE: dstr_put(out, "DEL"); break;
    case OFPGC_INSERT_BUCKET:
        dstr_put(out, "INSERT_BUCKET");
        bucket_cmd = true;
        break;
    case OFPGC_REMOVE_BUCKET:
        dstr_put(out, "REMOVE_BUCKET");
        bucket_cmd = true;
        break;
    default: dstr_printf(out, "cmd:%" PRIu16, gm.command); break;
    }
    dstr_putc(out, ' ');
    if (bucket_cmd) {
        print_bucket_id(out, "command_bucket_id:", gm.command_bucket_id,
                        msg->version);
    }
    ofp_group_format(out, &gm, msg->version, bucket_cmd);
    ofp_group_mod_free(&gm);
    return 0;
}

static void format_group_id(struct dstr *out, uint32_t id)
{
    if (id == OFPG_ALL) {
        dstr_put(out, "ALL");
    } else if (id == OFPG_ANY) {
        dstr_put(out, "ANY");
    } else {
        dstr_printf(out, "%" PRIu32, id);
    }
}

int ofp_print_group_desc_request(struct dstr *out, const struct ofp_msg *msg)
{
    uint32_t id;
    int err = ofp_decode_group_desc_request(msg, &id);
    if (!err) {
        dstr_put(out, " group_id=");
        format_group_id(out, id);
    }
    return err;
}

int ofp_print_group_stats_request(struct dstr *out,
                                  const struct ofp_msg *msg)
{
    uint32_t id;
    int err = ofp_decode_group_stats_request(msg, &id);
    if (!err) {
        dstr_put(out, " group_id=");
        format_group_id(out, id);
    }
    return err;
}

int ofp_print_group_desc_reply(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_group_mod *gds;
    size_t n;
    int err = ofp_decode_group_desc_reply(msg, &gds, &n);
    if (err) {
        return err;
    }
    for (size_t i = 0; i < n; i++) {
        dstr_put(out, "\n ");
        ofp_group_format(out, &gds[i], msg->version, false);
    }
    ofp_group_descs_free(gds, n);
    return 0;
}

int ofp_print_group_stats_reply(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_group_stats *gs;
    size_t n;
    int err = ofp_decode_group_stats_reply(msg, &gs, &n);
    if (err) {
        return err;
    }
    for (size_t i = 0; i < n; i++) {
        const struct ofp_group_stats *g = &gs[i];
        dstr_printf(out, "\n group_id=%" PRIu32 ",", g->group_id);
        if (g->duration_sec != UINT32_MAX) {
            dstr_put(out, "duration=");
            ofp_print_duration(out, g->duration_sec, g->duration_nsec);
            dstr_putc(out, ',');
        }
        dstr_printf(out, "ref_count=%" PRIu32 ",packet_count=%" PRIu64
                    ",byte_count=%" PRIu64, g->ref_count, g->packet_count,
                    g->byte_count);
        for (size_t b = 0; b < g->n_buckets; b++) {
            if (g->buckets[b].packet_count != UINT64_MAX) {
                dstr_printf(out, ",bucket%zu:packet_count=%" PRIu64
                            ",byte_count=%" PRIu64, b,
                            g->buckets[b].packet_count,
                            g->buckets[b].byte_count);
            }
        }
    }
    ofp_group_stats_free(gs, n);
    return 0;
}

int ofp_print_group_features_reply(struct dstr *out,
                                   const struct ofp_msg *msg)
{
    struct ofp_group_features f;
    int err = ofp_decode_group_features_reply(msg, &f);
    if (err) {
        return err;
    }
    static const char *const names[] = { "all", "select", "indirect",
                                         "fast failover" };
    dstr_put(out, "\n Group table:\n");
    dstr_printf(out, "    Types:  0x%" PRIx32 "\n", f.types);
    dstr_printf(out, "    Capabilities:  0x%" PRIx32 "\n", f.capabilities);
    for (int i = 0; i < 4; i++) {
        if (!(f.types & (1u << i))) {
            continue;
        }
        dstr_printf(out, "    %s group:\n", names[i]);
        dstr_printf(out, "       max_groups=%#" PRIx32 "\n", f.max_groups[i]);
        dstr_put(out, "       actions: ");
        bool first = true;
        for (size_t k = 0; k < N_FEATURE_ACTIONS; k++) {
            int bit = msg->version == OFP10_VERSION ? feature_actions[k].of10
                                                    : feature_actions[k].of11;
            if (bit >= 0 && f.actions[i] & (1u << bit)) {
                dstr_printf(out, "%s%s", first ? "" : " ",
                            feature_actions[k].name);
                first = false;
            }
        }
        dstr_putc(out, '\n');
    }
    return 0;
}
