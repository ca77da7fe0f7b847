/* Actions and instructions on the wire (actions_wire.h). */
#include "ofp/actions_wire.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "dp/net_headers.h"
#include "lib/util.h"
#include "ofp/match_wire.h"
#include "ofp/ofp_errors.h"
#include "ofp/ofp_parse.h"
#include "ofp/ofp_port.h"

/* The wire columns of OFPACTS. */
static const struct {
    int of10, of13, nx;
} wire_codes[] = {
#define OFPACT(ENUM, FN, PAYLOAD, OF10, OF13, NX, SAMPLE, NAME, ALIAS)       \
    [OFPACT_##ENUM] = { OF10, OF13, NX },
    OFPACTS
#undef OFPACT
};

enum {
    OFPAT_OUTPUT = 0,
    OFPAT_VENDOR = 0xffff,
    OFPAT11_PUSH_VLAN = 17,
    OFPAT11_POP_VLAN = 18,
    OFPAT11_SET_NW_TTL = 23,
    OFPAT11_DEC_NW_TTL = 24,
    OFPAT12_SET_FIELD = 25,
    OFPAT15_COPY_FIELD = 28,
    OFPAT15_METER = 29,
    NXAST_RESUBMIT = 1,
    NXAST_SET_TUNNEL = 2,
    NXAST_REG_MOVE = 6,
    NXAST_REG_LOAD = 7,
    NXAST_NOTE = 8,
    NXAST_SET_TUNNEL64 = 9,
    NXAST_RESUBMIT_TABLE = 14,
    NXAST_DEC_TTL = 18,
    NXAST_CONTROLLER = 20,
    NXAST_GROUP = 40,           /* groups */
    OFPAT11_GROUP = 22,         /* groups */
    NXAST_REG_LOAD2 = 33,
    NXAST_CONTROLLER2 = 37,
    NXAST_CONJUNCTION = 34,     /* conj */
    OFPIT_GOTO_TABLE = 1,
    OFPIT_WRITE_METADATA = 2,
    OFPIT_WRITE_ACTIONS = 3,
    OFPIT_APPLY_ACTIONS = 4,
    OFPIT_CLEAR_ACTIONS = 5,
    OFPIT_METER = 6,
    OFPIT_EXPERIMENTER = 0xffff,
    OFPR_ACTION = 1,
};

/* NXAST_CONTROLLER2's properties. */
enum {
    NXAC2PT_MAX_LEN = 0,        /* be16 */
    NXAC2PT_CONTROLLER_ID = 1,  /* be16 */
    NXAC2PT_REASON = 2,         /* u8 */
    NXAC2PT_USERDATA = 3,       /* bytes */
    NXAC2PT_PAUSE = 4,          /* flag */
    NXAC2PT_METER_ID = 5,       /* be32, 0: none */
};

/* ---- encoding ---- */

static size_t put_hdr(struct ofpbuf *b, uint16_t type, uint16_t len)
{
    size_t start = b->size;
    ofpbuf_put_be16(b, type);
    ofpbuf_put_be16(b, len);
    return start;
}

static size_t put_nx(struct ofpbuf *b, uint16_t subtype, uint16_t len)
{
    size_t start = put_hdr(b, OFPAT_VENDOR, len);
    ofpbuf_put_be32(b, NX_VENDOR_ID);
    ofpbuf_put_be16(b, subtype);
    return start;
}

/* Pads the action begun at `start` to 8 bytes and sets its length. */
static void finish(struct ofpbuf *b, size_t start)
{
    size_t len = b->size - start;
    ofpbuf_put_zeros(b, (8 - len % 8) % 8);
    ofpbuf_set_be16(b, start + 2, (uint16_t) (b->size - start));
}

static void put_wire_value(struct ofpbuf *b, const struct mf_field *f,
                           uint32_t header, mf_value v)
{
    uint8_t buf[16];
    mf_value_to_wire(f, NXM_CLASS(header), v, buf);
    ofpbuf_put(b, buf, mf_wire_len(f, NXM_CLASS(header)));
}

/* Set-Field's header: OXM may not set OXM_OF_IN_PORT, so in_port goes with
 * its NXM header (as OVS's set_field to in_port does). */
static uint32_t set_field_header(const struct mf_field *f, bool hasmask)
{
    return mf_nxm_header(f, f->id != MFID_IN_PORT, hasmask);
}

static void put_set_field(struct ofpbuf *b, const struct mf_field *f,
                          mf_value value, mf_value mask, bool hasmask)
{
    size_t start = put_hdr(b, OFPAT12_SET_FIELD, 0);
    uint32_t h = set_field_header(f, hasmask);
    ofpbuf_put_be32(b, h);
    put_wire_value(b, f, h, hasmask ? value : value & mask);
    if (hasmask) {
        put_wire_value(b, f, h, mask);
    }
    finish(b, start);
}

static void put_reg_load(struct ofpbuf *b, const struct mf_field *f,
                         unsigned ofs, unsigned n_bits, uint64_t value)
{
    put_nx(b, NXAST_REG_LOAD, 24);
    ofpbuf_put_be16(b, (uint16_t) (ofs << 6 | (n_bits - 1)));
    ofpbuf_put_be32(b, mf_nxm_header(f, false, false));
    ofpbuf_put_be64(b, value);
}

/* REG_LOADs for the 1-bits of `mask`: one per run of at most 64 bits. */
static void put_loads(struct ofpbuf *b, const struct mf_field *f,
                      mf_value value, mf_value mask)
{
    unsigned w = f->n_bits, ofs = 0;
    mask &= mf_width_mask(f);
    if (f->id == MFID_ARP_OP && mask == 0xff) {
        /* OVS's arp_op is 16 bits wide (vswitch keeps 8). */
        put_reg_load(b, f, 0, 16, (uint64_t) (value & 0xff));
        return;
    }
    while (ofs < w) {
        if (!((mask >> ofs) & 1)) {
            ofs++;
            continue;
        }
        unsigned n = 0;
        while (ofs + n < w && n < 64 && ((mask >> (ofs + n)) & 1)) {
            n++;
        }
        mf_value part = (value >> ofs)
                        & (n >= 64 ? (mf_value) UINT64_MAX
                                   : ((mf_value) 1 << n) - 1);
        put_reg_load(b, f, ofs, n, (uint64_t) part);
        ofs += n;
    }
}

/* NXAST_REG_LOAD2: the NXM entry (NXM header where the field has one, as
 * OVS writes it) right after the subtype, padded to 8 bytes. */
static void put_reg_load2(struct ofpbuf *b, const struct mf_field *f,
                          mf_value value, mf_value mask, bool hasmask)
{
    size_t start = put_nx(b, NXAST_REG_LOAD2, 0);
    uint32_t h = mf_nxm_header(f, false, hasmask);
    ofpbuf_put_be32(b, h);
    put_wire_value(b, f, h, value);
    if (hasmask) {
        put_wire_value(b, f, h, mask);
    }
    finish(b, start);
}

static mf_value bit_range(unsigned ofs, unsigned n)
{
    mf_value m = n >= 128 ? ~(mf_value) 0 : ((mf_value) 1 << n) - 1;
    return m << ofs;
}

static void put_u8_action(struct ofpbuf *b, uint16_t type, uint8_t v)
{
    put_hdr(b, type, 8);
    ofpbuf_put_u8(b, v);
    ofpbuf_put_zeros(b, 3);
}

static void put_u16_action(struct ofpbuf *b, uint16_t type, uint16_t v)
{
    put_hdr(b, type, 8);
    ofpbuf_put_be16(b, v);
    ofpbuf_put_zeros(b, 2);
}

static void put_output(struct ofpbuf *b, uint8_t version, uint32_t port,
                       uint16_t max_len)
{
    if (version == 1) {
        put_hdr(b, OFPAT_OUTPUT, 8);
        ofpbuf_put_be16(b, (uint16_t) port);
        ofpbuf_put_be16(b, max_len);
    } else {
        put_hdr(b, OFPAT_OUTPUT, 16);
        ofpbuf_put_be32(b, ofp_port_to_of11(port));
        ofpbuf_put_be16(b, max_len);
        ofpbuf_put_zeros(b, 6);
    }
}

/* OpenFlow 1.0's own action for setting the whole of `f`, or -1. */
static int of10_set_type(const struct mf_field *f)
{
    switch (f->id) {
    case MFID_DL_SRC: return wire_codes[OFPACT_SET_ETH_SRC].of10;
    case MFID_DL_DST: return wire_codes[OFPACT_SET_ETH_DST].of10;
    case MFID_NW_SRC: return wire_codes[OFPACT_SET_IPV4_SRC].of10;
    case MFID_NW_DST: return wire_codes[OFPACT_SET_IPV4_DST].of10;
    case MFID_TP_SRC: case MFID_TCP_SRC: case MFID_UDP_SRC:
        return wire_codes[OFPACT_SET_L4_SRC].of10;
    case MFID_TP_DST: case MFID_TCP_DST: case MFID_UDP_DST:
        return wire_codes[OFPACT_SET_L4_DST].of10;
    default: return -1;
    }
}

static void put_of10_set(struct ofpbuf *b, int type, const struct mf_field *f,
                         mf_value v)
{
    if (f->n_bits == 48) {
        put_hdr(b, (uint16_t) type, 16);
        uint8_t mac[6];
        mf_value_to_wire(f, 0, v, mac);
        ofpbuf_put(b, mac, 6);
        ofpbuf_put_zeros(b, 6);
    } else if (f->n_bits == 32) {
        put_hdr(b, (uint16_t) type, 8);
        ofpbuf_put_be32(b, (uint32_t) v);
    } else {
        put_u16_action(b, (uint16_t) type, (uint16_t) v);
    }
}

/* OpenFlow 1.0 has no Set-Field: the field's own OF1.0 action when it has
 * one (whatever the mask, as OVS does), else REG_LOADs. */
static void put_of10_set_field(struct ofpbuf *b, const struct mf_field *f,
                               mf_value value, mf_value mask)
{
    int t = of10_set_type(f);
    switch (f->id) {
    case MFID_VLAN_TCI:
        if (value & FLOW_VLAN_PRESENT) {
            put_u16_action(b, (uint16_t) wire_codes[OFPACT_SET_VLAN_VID].of10,
                           (uint16_t) (value & 0xfff));
            put_u8_action(b, (uint16_t) wire_codes[OFPACT_SET_VLAN_PCP].of10,
                          (uint8_t) ((value >> 13) & 7));
        } else {
            put_hdr(b, (uint16_t) wire_codes[OFPACT_STRIP_VLAN].of10, 8);
            ofpbuf_put_zeros(b, 4);
        }
        return;
    case MFID_VLAN_VID:
        put_u16_action(b, (uint16_t) wire_codes[OFPACT_SET_VLAN_VID].of10,
                       (uint16_t) (value & 0xfff));
        return;
    case MFID_VLAN_PCP:
        put_u8_action(b, (uint16_t) wire_codes[OFPACT_SET_VLAN_PCP].of10,
                      (uint8_t) value);
        return;
    case MFID_NW_TOS:
        put_u8_action(b, (uint16_t) wire_codes[OFPACT_SET_IP_TOS].of10,
                      (uint8_t) (value & 0xfc));
        return;
    case MFID_IP_DSCP:
        put_u8_action(b, (uint16_t) wire_codes[OFPACT_SET_IP_TOS].of10,
                      (uint8_t) ((value << 2) & 0xfc));
        return;
    default:
        if (t >= 0) {
            put_of10_set(b, t, f, value);
        } else {
            put_loads(b, f, value, mask);
        }
        return;
    }
}

/* OVS's choice for a set_field: 1.5 has only Set-Field (masked when
 * partial); one that came as NXAST_REG_LOAD2 goes back as such; 1.0 takes
 * its OF1.0 action or REG_LOADs; 1.3/1.4 Set-Field for the whole field,
 * else REG_LOADs. */
static void encode_set_field(struct ofpbuf *b, uint8_t version,
                             const struct ofpact *a)
{
    const struct mf_field *f = a->set.field;
    mf_value all = mf_width_mask(f);
    mf_value mask = a->set.mask & all, value = a->set.value;
    bool full = mask == all && !a->set.wire_mask;
    if (version >= 6) {
        put_set_field(b, f, value, mask, !full);
    } else if (a->set.raw == OFPACT_SET_RAW_REG_LOAD2) {
        put_reg_load2(b, f, value, mask, !full);
    } else if (version == 1) {
        put_of10_set_field(b, f, value, mask);
    } else if (full) {
        put_set_field(b, f, value, mask, false);
    } else {
        put_loads(b, f, value, mask);
    }
}

static int encode_one__(struct ofpbuf *b, const struct ofpact *a,
                        uint8_t version, const struct ofpact_flow_ctx *ctx);

/* An L4 port's Set-Field for the flow's protocol, or -1. */
static int l4_field(uint8_t ip_proto, bool src)
{
    switch (ip_proto) {
    case 6: return src ? MFID_TCP_SRC : MFID_TCP_DST;
    case 17: return src ? MFID_UDP_SRC : MFID_UDP_DST;
    case 132: return src ? MFID_SCTP_SRC : MFID_SCTP_DST;
    default: return -1;
    }
}

/* The VLAN state along the list, as OVS's ofpacts_check follows it. */
static void vlan_after(const struct ofpact *a, struct ofpact_flow_ctx *ctx)
{
    switch (a->type) {
    case OFPACT_SET_VLAN_VID: case OFPACT_SET_VLAN_PCP:
    case OFPACT_PUSH_VLAN:
        ctx->has_vlan = true;
        break;
    case OFPACT_STRIP_VLAN:
        ctx->has_vlan = false;
        break;
    case OFPACT_SET_FIELD:
        if (a->set.field->id == MFID_VLAN_TCI) {
            ctx->has_vlan = (a->set.value & FLOW_VLAN_PRESENT) != 0;
        }
        break;
    default:
        break;
    }
}

/* One NXAC2PT_* property of NXAST_CONTROLLER2: type, length, the value,
 * zeros to 8 bytes. */
static void put_c2_prop(struct ofpbuf *b, uint16_t type, const void *v,
                        size_t n)
{
    ofpbuf_put_be16(b, type);
    ofpbuf_put_be16(b, (uint16_t) (4 + n));
    ofpbuf_put(b, v, n);
    ofpbuf_put_zeros(b, (8 - (4 + n) % 8) % 8);
}

/* NXAST_CONTROLLER2: a 16-byte header (subtype, 6 zero bytes) and the
 * properties that differ from their defaults, in OVS's order. */
static void put_controller2(struct ofpbuf *b, const struct ofpact *a)
{
    size_t start = put_nx(b, NXAST_CONTROLLER2, 0);
    ofpbuf_put_zeros(b, 6);
    uint8_t v[4];
    if (a->output.max_len != UINT16_MAX) {
        /* 16-bit values take 4 bytes, as OpenFlow's properties do. */
        v[0] = (uint8_t) (a->output.max_len >> 8);
        v[1] = (uint8_t) a->output.max_len;
        v[2] = v[3] = 0;
        put_c2_prop(b, NXAC2PT_MAX_LEN, v, 4);
    }
    if (a->output.controller_id) {
        v[0] = (uint8_t) (a->output.controller_id >> 8);
        v[1] = (uint8_t) a->output.controller_id;
        v[2] = v[3] = 0;
        put_c2_prop(b, NXAC2PT_CONTROLLER_ID, v, 4);
    }
    if (a->output.has_reason && a->output.reason != OFPR_ACTION) {
        put_c2_prop(b, NXAC2PT_REASON, &a->output.reason, 1);
    }
    if (a->output.userdata_len) {
        put_c2_prop(b, NXAC2PT_USERDATA, a->output.userdata,
                    a->output.userdata_len);
    }
    if (a->output.pause) {
        put_c2_prop(b, NXAC2PT_PAUSE, NULL, 0);
    }
    if (a->output.meter_id) {
        for (int i = 0; i < 4; i++) {
            v[i] = (uint8_t) (a->output.meter_id >> (24 - 8 * i));
        }
        put_c2_prop(b, NXAC2PT_METER_ID, v, 4);
    }
    finish(b, start);
}

/* ---- learn and fin_timeout on the wire (NXAST_LEARN 16, NXAST_LEARN2 45,
 * NXAST_FIN_TIMEOUT 19), laid out as OVS lays them out ---- */

enum {
    NXAST_LEARN = 16,
    NXAST_FIN_TIMEOUT = 19,
    NXAST_LEARN2 = 45,
    NX_LEARN_SRC_IMMEDIATE = 1 << 13,
    NX_LEARN_DST_LOAD = 1 << 11,
    NX_LEARN_DST_OUTPUT = 2 << 11,
    NX_LEARN_DST_RESERVED = 3 << 11,
    NX_LEARN_N_BITS_MASK = 0x3ff,
};

/* A field's header in a learn (NXM when it has one, as OVS's
 * nxm_header_from_mff). */
static uint32_t learn_header(const struct mf_field *f)
{
    return mf_nxm_header(f, false, false);
}

static void encode_learn(struct ofpbuf *b, const struct ofpact_learn *l)
{
    bool two = l->learn2 || l->limit || l->flags & NX_LEARN_F_WRITE_RESULT;
    size_t start = put_nx(b, two ? NXAST_LEARN2 : NXAST_LEARN, 0);
    ofpbuf_put_be16(b, l->idle_timeout);
    ofpbuf_put_be16(b, l->hard_timeout);
    ofpbuf_put_be16(b, l->priority);
    ofpbuf_put_be64(b, l->cookie);
    ofpbuf_put_be16(b, l->flags);
    ofpbuf_put_u8(b, l->table_id);
    ofpbuf_put_u8(b, 0);
    ofpbuf_put_be16(b, l->fin_idle_timeout);
    ofpbuf_put_be16(b, l->fin_hard_timeout);
    if (two) {
        ofpbuf_put_be32(b, l->limit);
        ofpbuf_put_be16(b, l->result_ofs);
        ofpbuf_put_be16(b, 0);
        if (l->flags & NX_LEARN_F_WRITE_RESULT && l->result_dst) {
            ofpbuf_put_be32(b, learn_header(l->result_dst));
        }
    }
    for (size_t i = 0; i < l->n_specs; i++) {
        const struct learn_spec *s = &l->specs[i];
        uint16_t h = s->n_bits & NX_LEARN_N_BITS_MASK;
        h |= s->dst_type == LEARN_DST_LOAD ? NX_LEARN_DST_LOAD
             : s->dst_type == LEARN_DST_OUTPUT ? NX_LEARN_DST_OUTPUT : 0;
        h |= s->src ? 0 : NX_LEARN_SRC_IMMEDIATE;
        ofpbuf_put_be16(b, h);
        if (s->src) {
            ofpbuf_put_be32(b, learn_header(s->src));
            ofpbuf_put_be16(b, s->src_ofs);
        } else {
            /* The value right-aligned in 16-bit units. */
            size_t n = 2 * ((s->n_bits + 15u) / 16);
            for (size_t k = n; k-- > 0;) {
                ofpbuf_put_u8(b, k < 16 ? (uint8_t) (s->imm >> (8 * k)) : 0);
            }
        }
        if (s->dst_type != LEARN_DST_OUTPUT) {
            ofpbuf_put_be32(b, learn_header(s->dst));
            ofpbuf_put_be16(b, s->dst_ofs);
        }
    }
    finish(b, start);
}

static void encode_fin_timeout(struct ofpbuf *b, const struct ofpact *a)
{
    put_nx(b, NXAST_FIN_TIMEOUT, 16);
    ofpbuf_put_be16(b, a->fin.idle);
    ofpbuf_put_be16(b, a->fin.hard);
    ofpbuf_put_zeros(b, 2);
}

static int encode_one(struct ofpbuf *b, const struct ofpact *a,
                      uint8_t version, struct ofpact_flow_ctx *ctx)
{
    int err = encode_one__(b, a, version, ctx);
    vlan_after(a, ctx);
    return err;
}

static int encode_one__(struct ofpbuf *b, const struct ofpact *a,
                        uint8_t version, const struct ofpact_flow_ctx *ctx)
{
    bool of10 = version == 1;
    int code10 = wire_codes[a->type].of10, code13 = wire_codes[a->type].of13;
    switch (a->type) {
    case OFPACT_OUTPUT:
        put_output(b, version, a->output.port, a->output.max_len);
        return 0;
    case OFPACT_CONTROLLER:
        if (a->output.userdata_len || a->output.pause || a->output.meter_id) {
            put_controller2(b, a);
        } else if (a->output.controller_id
            || (a->output.has_reason && a->output.reason != OFPR_ACTION)) {
            put_nx(b, (uint16_t) wire_codes[a->type].nx, 16);
            ofpbuf_put_be16(b, a->output.max_len);
            ofpbuf_put_be16(b, a->output.controller_id);
            ofpbuf_put_u8(b, a->output.has_reason ? a->output.reason
                                                  : OFPR_ACTION);
            ofpbuf_put_u8(b, 0);
        } else {
            put_output(b, version, OFPP_CONTROLLER, a->output.max_len);
        }
        return 0;
    case OFPACT_SET_VLAN_VID:
        if (of10) {
            put_u16_action(b, (uint16_t) code10, a->u16);
        } else {
            if (!ctx->has_vlan) {
                put_u16_action(b, (uint16_t) wire_codes[OFPACT_PUSH_VLAN].of13,
                               ETH_TYPE_VLAN);
            }
            put_set_field(b, mf_by_id(MFID_VLAN_VID),
                          (a->u16 & 0xfff) | FLOW_VLAN_PRESENT, 0x1fff, false);
        }
        return 0;
    case OFPACT_SET_VLAN_PCP:
        if (of10) {
            put_u8_action(b, (uint16_t) code10, a->u8);
        } else {
            if (!ctx->has_vlan) {
                put_u16_action(b, (uint16_t) wire_codes[OFPACT_PUSH_VLAN].of13,
                               ETH_TYPE_VLAN);
            }
            put_set_field(b, mf_by_id(MFID_VLAN_PCP), a->u8 & 7, 7, false);
        }
        return 0;
    case OFPACT_STRIP_VLAN:
        put_hdr(b, (uint16_t) (of10 ? code10 : code13), 8);
        ofpbuf_put_zeros(b, 4);
        return 0;
    case OFPACT_PUSH_VLAN:
        if (of10) {
            /* As OVS: the push is a side effect of the SET_VLAN_VID/PCP
             * that should follow (vs-ofctl refuses to send one, as
             * ovs-ofctl finds no usable protocol). */
            return 0;
        }
        put_u16_action(b, (uint16_t) code13, a->u16);
        return 0;
    case OFPACT_SET_ETH_SRC:
    case OFPACT_SET_ETH_DST:
    case OFPACT_SET_IPV4_SRC:
    case OFPACT_SET_IPV4_DST:
        if (of10) {
            put_of10_set(b, code10, a->set.field, a->set.value);
        } else {
            put_set_field(b, a->set.field, a->set.value,
                          mf_width_mask(a->set.field), false);
        }
        return 0;
    case OFPACT_SET_IP_TOS:
        if (of10) {
            put_u8_action(b, (uint16_t) code10, a->u8 & 0xfc);
        } else {
            put_set_field(b, mf_by_id(MFID_IP_DSCP), a->u8 >> 2, 0x3f, false);
        }
        return 0;
    case OFPACT_SET_IP_TTL:
        if (of10) {
            put_reg_load(b, mf_by_id(MFID_NW_TTL), 0, 8, a->u8);
        } else {
            put_u8_action(b, (uint16_t) code13, a->u8);
        }
        return 0;
    case OFPACT_DEC_TTL:
        if (of10) {
            put_nx(b, (uint16_t) wire_codes[a->type].nx, 16);
            ofpbuf_put_zeros(b, 6);
        } else {
            put_hdr(b, (uint16_t) code13, 8);
            ofpbuf_put_zeros(b, 4);
        }
        return 0;
    case OFPACT_SET_L4_SRC:
    case OFPACT_SET_L4_DST: {
        int id = l4_field(ctx->ip_proto, a->type == OFPACT_SET_L4_SRC);
        if (!of10 && id >= 0) {
            put_set_field(b, mf_by_id((enum mf_id) id), a->u16, 0xffff,
                          false);
        } else {
            put_u16_action(b, (uint16_t) (of10 ? code10 : code13), a->u16);
        }
        return 0;
    }
    case OFPACT_SET_FIELD:
        encode_set_field(b, version, a);
        return 0;
    case OFPACT_LOAD: {
        const struct mf_field *f = a->load.field;
        mf_value mask = bit_range(a->load.ofs, a->load.n_bits)
                        & mf_width_mask(f);
        mf_value value = a->load.value << a->load.ofs;
        if (version >= 6) {
            /* Masked unless it is the whole field in whole bytes (OVS
             * compares the mask's bytes). */
            put_set_field(b, f, value, mask,
                          mask != mf_width_mask(f) || f->n_bits % 8);
        } else {
            put_loads(b, f, value, mask);
        }
        return 0;
    }
    case OFPACT_MOVE:
        if (version >= 6) {
            size_t start = put_hdr(b, OFPAT15_COPY_FIELD, 0);
            ofpbuf_put_be16(b, a->move.n_bits);
            ofpbuf_put_be16(b, a->move.src_ofs);
            ofpbuf_put_be16(b, a->move.dst_ofs);
            ofpbuf_put_zeros(b, 2);
            ofpbuf_put_be32(b, mf_nxm_header(a->move.src, true, false));
            ofpbuf_put_be32(b, mf_nxm_header(a->move.dst, true, false));
            finish(b, start);
        } else {
            put_nx(b, (uint16_t) wire_codes[a->type].nx, 24);
            ofpbuf_put_be16(b, a->move.n_bits);
            ofpbuf_put_be16(b, a->move.src_ofs);
            ofpbuf_put_be16(b, a->move.dst_ofs);
            ofpbuf_put_be32(b, mf_nxm_header(a->move.src, false, false));
            ofpbuf_put_be32(b, mf_nxm_header(a->move.dst, false, false));
        }
        return 0;
    case OFPACT_SET_TUNNEL:
        if (!of10) {
            put_set_field(b, mf_by_id(MFID_TUN_ID), a->u64, UINT64_MAX, false);
        } else if (a->u64 > UINT32_MAX) {
            put_nx(b, NXAST_SET_TUNNEL64, 24);
            ofpbuf_put_zeros(b, 6);
            ofpbuf_put_be64(b, a->u64);
        } else {
            put_nx(b, (uint16_t) wire_codes[a->type].nx, 16);
            ofpbuf_put_zeros(b, 2);
            ofpbuf_put_be32(b, (uint32_t) a->u64);
        }
        return 0;
    case OFPACT_RESUBMIT:
        put_nx(b, (uint16_t) wire_codes[a->type].nx, 16);
        ofpbuf_put_be16(b, (uint16_t) a->resubmit.in_port);
        ofpbuf_put_u8(b, a->resubmit.table);
        ofpbuf_put_zeros(b, 3);
        return 0;
    case OFPACT_GOTO_TABLE:
        if (!of10) {
            return -OFPERR_OFPBAC_BAD_TYPE;   /* an instruction in 1.1+ */
        }
        put_nx(b, (uint16_t) wire_codes[a->type].nx, 16);
        ofpbuf_put_be16(b, OFPP_IN_PORT);
        ofpbuf_put_u8(b, a->u8);
        ofpbuf_put_zeros(b, 3);
        return 0;
    case OFPACT_GROUP:      /* groups */
        if (of10) {
            /* As ovs-ofctl sends it: the id in the last 4 of 16 bytes. */
            put_nx(b, (uint16_t) wire_codes[a->type].nx, 16);
            ofpbuf_put_zeros(b, 2);
            ofpbuf_put_be32(b, a->group.id);
        } else {
            put_hdr(b, (uint16_t) wire_codes[a->type].of13, 8);
            ofpbuf_put_be32(b, a->group.id);
        }
        return 0;
    case OFPACT_METER:          /* meters */
        if (version < 6) {
            return -OFPERR_OFPBAC_BAD_TYPE;   /* 1.1-1.4: an instruction */
        }
        put_hdr(b, OFPAT15_METER, 8);
        ofpbuf_put_be32(b, a->meter.meter_id);
        return 0;
    case OFPACT_NOTE: {
        size_t start = put_nx(b, (uint16_t) wire_codes[a->type].nx, 0);
        ofpbuf_put(b, a->note.data, a->note.len);
        if (b->size - start < 16) {
            ofpbuf_put_zeros(b, 16 - (b->size - start));
        }
        finish(b, start);
        return 0;
    }
    /* learn */
    case OFPACT_LEARN:
        encode_learn(b, a->learn);
        return 0;
    case OFPACT_FIN_TIMEOUT:
        encode_fin_timeout(b, a);
        return 0;
    case OFPACT_CONJUNCTION:    /* conj: clause, n_clauses, be32 id */
        put_nx(b, NXAST_CONJUNCTION, 16);
        ofpbuf_put_u8(b, a->conjunction.clause);
        ofpbuf_put_u8(b, a->conjunction.n_clauses);
        ofpbuf_put_be32(b, a->conjunction.id);
        return 0;
    }
    return -OFPERR_OFPBAC_BAD_TYPE;
}

void ofpact_flow_ctx_from_match(const struct ofp_match *m,
                                struct ofpact_flow_ctx *ctx)
{
    const struct mf_field *dl = mf_by_id(MFID_DL_TYPE);
    const struct mf_field *proto = mf_by_id(MFID_NW_PROTO);
    const struct mf_field *tci = mf_by_id(MFID_VLAN_TCI);
    mf_value t = mf_get(dl, &m->value) & mf_get(dl, &m->mask);
    ctx->ip_proto = t == ETH_TYPE_IP || t == ETH_TYPE_IPV6
                    ? (uint8_t) (mf_get(proto, &m->value)
                                 & mf_get(proto, &m->mask))
                    : 0;
    ctx->has_vlan = (mf_get(tci, &m->value) & mf_get(tci, &m->mask)
                     & FLOW_VLAN_PRESENT) != 0;
}

/* Without a flow: no protocol, and a VLAN header taken as there (nothing
 * pushed), as vswitch always encoded. */
static const struct ofpact_flow_ctx no_ctx = { 0, true };

int ofpacts_put_actions_ctx(struct ofpbuf *out, const struct ofpact *acts,
                            size_t n, uint8_t version,
                            const struct ofpact_flow_ctx *ctx_)
{
    struct ofpact_flow_ctx ctx = *ctx_;
    size_t start = out->size;
    for (size_t i = 0; i < n; i++) {
        int err = encode_one(out, &acts[i], version, &ctx);
        if (err) {
            out->size = start;
            return err;
        }
    }
    return 0;
}

int ofpacts_put_actions(struct ofpbuf *out, const struct ofpact *acts,
                        size_t n, uint8_t version)
{
    return ofpacts_put_actions_ctx(out, acts, n, version, &no_ctx);
}

int ofpacts_put_instructions_ctx(struct ofpbuf *out,
                                 const struct ofpact *acts, size_t n,
                                 uint8_t version,
                                 const struct ofpact_flow_ctx *ctx_)
{
    if (version == 1) {
        return ofpacts_put_actions_ctx(out, acts, n, version, ctx_);
    }
    struct ofpact_flow_ctx ctx = *ctx_;
    size_t start = out->size;
    size_t n_apply = 0;
    const struct ofpact *go = NULL;
    /* meters: before 1.5 the METER instruction, ahead of the others. */
    bool meter_inst = version < 6;
    for (size_t i = 0; i < n; i++) {
        if (acts[i].type == OFPACT_GOTO_TABLE) {
            go = &acts[i];
        } else if (acts[i].type == OFPACT_METER && meter_inst) {
            put_hdr(out, (uint16_t) wire_codes[OFPACT_METER].of13, 8);
            ofpbuf_put_be32(out, acts[i].meter.meter_id);
        } else {
            n_apply++;
        }
    }
    if (n_apply) {
        size_t inst = put_hdr(out, OFPIT_APPLY_ACTIONS, 0);
        ofpbuf_put_zeros(out, 4);
        for (size_t i = 0; i < n; i++) {
            if (acts[i].type == OFPACT_GOTO_TABLE
                || (acts[i].type == OFPACT_METER && meter_inst)) {
                continue;
            }
            int err = encode_one(out, &acts[i], version, &ctx);
            if (err) {
                out->size = start;
                return err;
            }
        }
        if (out->size - inst == 8) {
            out->size = inst;   /* as OVS: no empty APPLY_ACTIONS */
        } else {
            ofpbuf_set_be16(out, inst + 2, (uint16_t) (out->size - inst));
        }
    }
    if (go) {
        put_hdr(out, (uint16_t) wire_codes[OFPACT_GOTO_TABLE].of13, 8);
        ofpbuf_put_u8(out, go->u8);
        ofpbuf_put_zeros(out, 3);
    }
    return 0;
}

int ofpacts_put_instructions(struct ofpbuf *out, const struct ofpact *acts,
                             size_t n, uint8_t version)
{
    return ofpacts_put_instructions_ctx(out, acts, n, version, &no_ctx);
}

/* ---- decoding ---- */

struct acts {
    struct ofpact *v;
    size_t n, cap;
};

static struct ofpact *add(struct acts *l, enum ofpact_type type)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    struct ofpact *a = &l->v[l->n++];
    memset(a, 0, sizeof *a);
    a->type = type;
    return a;
}

/* OVS's ofpact_check_output_port(): a port below OFPP_MAX or a reserved
 * one an action may send to. */
static bool output_port_ok(uint32_t port)
{
    return port < OFPP_MAX
           || (port >= OFPP_IN_PORT && port <= OFPP_LOCAL);
}

static int decode_output(struct acts *l, uint32_t port, uint16_t max_len)
{
    if (!output_port_ok(port)) {
        return -OFPERR_OFPBAC_BAD_OUT_PORT;
    }
    struct ofpact *a = add(l, port == OFPP_CONTROLLER ? OFPACT_CONTROLLER
                                                      : OFPACT_OUTPUT);
    a->output.port = port;
    a->output.max_len = max_len;
    return 0;
}

static int decode_of10_set(struct acts *l, enum ofpact_type type,
                           enum mf_id id, const uint8_t *p)
{
    const struct mf_field *f = mf_by_id(id);
    struct ofpact *a = add(l, type);
    a->set.field = f;
    a->set.value = f->n_bits == 48 ? ((mf_value) ofp_get_be16(p) << 32
                                      | ofp_get_be32(p + 2))
                                   : ofp_get_be32(p);
    a->set.mask = mf_width_mask(f);
    return 0;
}

static bool all_zero(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

/* Set-Field (1.2+), `p`/`len` the whole action. */
static int decode_set_field(struct acts *l, const uint8_t *p, size_t len,
                            uint8_t version)
{
    if (len < 8) {
        return -OFPERR_OFPBAC_BAD_SET_LEN;
    }
    uint32_t h = ofp_get_be32(p + 4);
    size_t plen = NXM_LENGTH(h);
    if (8 + plen > len) {
        return -OFPERR_OFPBAC_BAD_SET_LEN;
    }
    bool hasmask = NXM_HASMASK(h);
    if (hasmask && version < 6) {
        return -OFPERR_OFPBAC_BAD_SET_MASK;
    }
    const struct mf_field *f = mf_from_nxm_header(h);
    if (!f) {
        return -OFPERR_OFPBAC_BAD_SET_TYPE;
    }
    uint16_t cls = NXM_CLASS(h);
    if (!all_zero(p + 8 + plen, len - 8 - plen)
        || (f->id == MFID_IN_PORT && cls == 0x8000) || !f->writable) {
        return -OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    unsigned wl = mf_wire_len(f, cls);
    mf_value value, mask = mf_width_mask(f);
    if (!mf_value_from_wire(f, cls, p + 8, &value)) {
        return -OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    if (hasmask) {
        mask = 0;
        for (unsigned i = 0; i < wl; i++) {
            mask = (mask << 8) | p[8 + wl + i];
        }
        if (mask & ~mf_width_mask(f)) {
            return -OFPERR_OFPBAC_BAD_SET_ARGUMENT;
        }
        if (value & ~mask) {
            return -OFPERR_OFPBMC_BAD_WILDCARDS;
        }
    }
    if (f->id == MFID_VLAN_VID
        && (!(value & FLOW_VLAN_PRESENT) || !(mask & FLOW_VLAN_PRESENT))) {
        return -OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    struct ofpact *a = add(l, OFPACT_SET_FIELD);
    a->set.field = f;
    a->set.value = value;
    a->set.mask = mask;
    a->set.wire_mask = hasmask && f->n_bits % 8;
    return 0;
}

/* NXAST_REG_LOAD2 (1.0-1.4), `p`/`len` the whole action: one NXM or OXM
 * entry, masked or not, after the subtype; OVS's checks, in its order. */
static int decode_reg_load2(struct acts *l, const uint8_t *p, size_t len)
{
    const uint8_t *e = p + 10;
    size_t left = len - 10;
    uint32_t h = ofp_get_be32(e);
    const struct mf_field *f = mf_from_nxm_header(h);
    if (!f) {
        return -OFPERR_OFPBAC_BAD_SET_TYPE;
    }
    size_t plen = NXM_LENGTH(h);
    if (4 + plen > left) {
        return -OFPERR_OFPBMC_BAD_LEN;
    }
    uint16_t cls = NXM_CLASS(h);
    unsigned wl = mf_wire_len(f, cls);
    mf_value value, mask = mf_width_mask(f);
    bool value_ok = mf_value_from_wire(f, cls, e + 4, &value);
    if (NXM_HASMASK(h)) {
        mask = 0;
        for (unsigned i = 0; i < wl; i++) {
            mask = (mask << 8) | e[4 + wl + i];
        }
        mf_value raw = 0;
        for (unsigned i = 0; i < wl; i++) {
            raw = (raw << 8) | e[4 + i];
        }
        if (raw & ~mask) {
            return -OFPERR_OFPBMC_BAD_WILDCARDS;
        }
    }
    if (!all_zero(e + 4 + plen, left - 4 - plen) || !f->writable
        || !value_ok || (mask & ~mf_width_mask(f))) {
        return -OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    struct ofpact *a = add(l, OFPACT_SET_FIELD);
    a->set.field = f;
    a->set.value = value;
    a->set.mask = mask;
    a->set.raw = OFPACT_SET_RAW_REG_LOAD2;
    a->set.wire_mask = NXM_HASMASK(h) && f->n_bits % 8;
    return 0;
}

static int decode_reg_load(struct acts *l, const uint8_t *p)
{
    uint16_t ofs_nbits = ofp_get_be16(p + 10);
    unsigned ofs = ofs_nbits >> 6, n_bits = (ofs_nbits & 63) + 1;
    const struct mf_field *f = mf_from_nxm_header(ofp_get_be32(p + 12));
    uint64_t value = ofp_get_be64(p + 16);
    if (!f) {
        return -OFPERR_OFPBAC_BAD_SET_TYPE;
    }
    if (f->id == MFID_ARP_OP && ofs == 0 && n_bits == 16) {
        /* OVS's whole arp_op: 16 bits, of which vswitch keeps 8. */
        if (value >> 8) {
            return -OFPERR_OFPBAC_BAD_ARGUMENT;
        }
        n_bits = 8;
    }
    if (ofs + n_bits > f->n_bits) {
        return -OFPERR_OFPBAC_BAD_SET_LEN;
    }
    if (!f->writable) {
        return -OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    if (n_bits < 64 && value >> n_bits) {
        return -OFPERR_OFPBAC_BAD_ARGUMENT;
    }
    struct ofpact *a = add(l, OFPACT_LOAD);
    a->load.field = f;
    a->load.ofs = (uint16_t) ofs;
    a->load.n_bits = (uint16_t) n_bits;
    a->load.value = value;
    return 0;
}

static int decode_move(struct acts *l, uint16_t n_bits, uint16_t src_ofs,
                       uint16_t dst_ofs, uint32_t src_h, uint32_t dst_h)
{
    const struct mf_field *src = mf_from_nxm_header(src_h);
    const struct mf_field *dst = mf_from_nxm_header(dst_h);
    if (!src || !dst) {
        return -OFPERR_OFPBAC_BAD_SET_TYPE;
    }
    if (!n_bits || src_ofs + n_bits > src->n_bits
        || dst_ofs + n_bits > dst->n_bits) {
        return -OFPERR_OFPBAC_BAD_SET_LEN;
    }
    if (!dst->writable) {
        return -OFPERR_OFPBAC_BAD_SET_ARGUMENT;
    }
    struct ofpact *a = add(l, OFPACT_MOVE);
    a->move.src = src;
    a->move.dst = dst;
    a->move.src_ofs = src_ofs;
    a->move.dst_ofs = dst_ofs;
    a->move.n_bits = n_bits;
    return 0;
}

/* NXAST_CONTROLLER2 (`len` >= 16, a multiple of 8): its properties, each
 * bounded by the action; the errors are OVS's. */
static int decode_controller2(struct acts *l, const uint8_t *p, size_t len)
{
    if (!all_zero(p + 10, 6)) {
        return -OFPERR_NXBRC_MUST_BE_ZERO;
    }
    struct ofpact a;
    memset(&a, 0, sizeof a);
    a.type = OFPACT_CONTROLLER;
    a.output.port = OFPP_CONTROLLER;
    a.output.max_len = UINT16_MAX;
    a.output.reason = OFPR_ACTION;
    const uint8_t *userdata = NULL;     /* copied once all is checked */
    for (size_t ofs = 16; ofs < len; ) {
        if (len - ofs < 4) {
            return -OFPERR_OFPBPC_BAD_LEN;
        }
        uint16_t type = ofp_get_be16(p + ofs);
        size_t plen = ofp_get_be16(p + ofs + 2);
        size_t padded = (plen + 7) / 8 * 8;
        if (plen < 4 || padded > len - ofs) {
            return -OFPERR_OFPBPC_BAD_LEN;
        }
        const uint8_t *v = p + ofs + 4;
        size_t n = plen - 4;
        ofs += padded;
        switch (type) {
        case NXAC2PT_MAX_LEN:
        case NXAC2PT_CONTROLLER_ID:
            if (n < 2) {        /* OVS takes any length from 2 */
                return -OFPERR_OFPBPC_BAD_LEN;
            }
            *(type == NXAC2PT_MAX_LEN ? &a.output.max_len
                                      : &a.output.controller_id)
                = ofp_get_be16(v);
            break;
        case NXAC2PT_REASON:
            if (n < 1) {
                return -OFPERR_OFPBPC_BAD_LEN;
            }
            a.output.reason = v[0];
            a.output.has_reason = v[0] != OFPR_ACTION;
            break;
        case NXAC2PT_USERDATA:
            /* Bounded by the action's length (the maximum). */
            userdata = v;
            a.output.userdata_len = (uint16_t) n;
            break;
        case NXAC2PT_PAUSE:
            a.output.pause = true;
            break;
        case NXAC2PT_METER_ID:
            if (n != 4) {
                return -OFPERR_OFPBPC_BAD_LEN;
            }
            a.output.meter_id = ofp_get_be32(v);    /* no meters: unused */
            break;
        default:
            return -OFPERR_OFPBPC_BAD_TYPE;
        }
    }
    if (a.output.userdata_len) {
        a.output.userdata = xmemdup(userdata, a.output.userdata_len);
    }
    *add(l, OFPACT_CONTROLLER) = a;
    return 0;
}

/* NXAST_LEARN / NXAST_LEARN2: `p`/`len` the whole action (len >= 16).
 * Bounded by `len`: at most len / 8 specs. */
static int decode_learn(struct acts *list, const uint8_t *p, size_t len,
                        bool two)
{
    size_t fixed = two ? 40 : 32;
    if (len < fixed) {
        return -OFPERR_OFPBAC_BAD_LEN;
    }
    if (two && (p[38] || p[39])) {
        return -OFPERR_NXBAC_MUST_BE_ZERO;
    }
    struct ofpact *a = add(list, OFPACT_LEARN);
    struct ofpact_learn *l = a->learn = ofpact_learn_new();
    l->learn2 = two;
    l->idle_timeout = ofp_get_be16(p + 10);
    l->hard_timeout = ofp_get_be16(p + 12);
    l->priority = ofp_get_be16(p + 14);
    l->cookie = ofp_get_be64(p + 16);
    l->flags = ofp_get_be16(p + 24);
    l->table_id = p[26];
    l->fin_idle_timeout = ofp_get_be16(p + 28);
    l->fin_hard_timeout = ofp_get_be16(p + 30);
    if (p[27] || l->table_id == 0xff) {
        return -OFPERR_OFPBAC_BAD_ARGUMENT;
    }
    uint16_t allowed = NX_LEARN_F_SEND_FLOW_REM | NX_LEARN_F_DELETE_LEARNED
                       | (two ? NX_LEARN_F_WRITE_RESULT : 0);
    if (l->flags & ~allowed) {
        return -OFPERR_OFPBAC_BAD_ARGUMENT;
    }
    struct ofpcur c = ofpcur_init(p + fixed, len - fixed);
    if (two) {
        l->limit = ofp_get_be32(p + 32);
        uint16_t rofs = ofp_get_be16(p + 36);
        if (l->flags & NX_LEARN_F_WRITE_RESULT) {
            if (c.left < 4) {
                return -OFPERR_OFPBMC_BAD_LEN;
            }
            uint32_t h = ofp_get_be32(c.p);
            ofpcur_bytes(&c, NULL, 4);
            l->result_dst = NXM_HASMASK(h) ? NULL : mf_from_nxm_header(h);
            if (!l->result_dst) {
                return -OFPERR_OFPBMC_BAD_FIELD;
            }
            if (!l->result_dst->writable) {
                return -OFPERR_OFPBAC_BAD_SET_ARGUMENT;
            }
            l->result_ofs = rofs;
        } else if (rofs) {
            return -OFPERR_OFPBAC_BAD_ARGUMENT;
        }
    }
    while (c.left >= 2) {
        uint16_t h = ofp_get_be16(c.p);
        if (!h) {
            break;
        }
        ofpcur_bytes(&c, NULL, 2);
        unsigned n_bits = h & NX_LEARN_N_BITS_MASK;
        bool imm = h & NX_LEARN_SRC_IMMEDIATE;
        unsigned dst = h & NX_LEARN_DST_RESERVED;
        if (dst == NX_LEARN_DST_RESERVED || (dst == NX_LEARN_DST_OUTPUT && imm)) {
            return -OFPERR_OFPBAC_BAD_ARGUMENT;
        }
        size_t imm_len = 2 * ((n_bits + 15u) / 16);
        size_t need = (imm ? imm_len : 6) + (dst == NX_LEARN_DST_OUTPUT ? 0 : 6);
        if (c.left < need) {
            return -OFPERR_OFPBAC_BAD_LEN;
        }
        l->specs = xrealloc(l->specs, (l->n_specs + 1) * sizeof *l->specs);
        struct learn_spec *s = &l->specs[l->n_specs++];
        memset(s, 0, sizeof *s);
        s->n_bits = (uint16_t) n_bits;
        s->dst_type = dst == NX_LEARN_DST_LOAD ? LEARN_DST_LOAD
                      : dst == NX_LEARN_DST_OUTPUT ? LEARN_DST_OUTPUT
                      : LEARN_DST_MATCH;
        if (imm) {
            /* Only the low 128 bits can matter: no field is wider. */
            for (size_t k = imm_len > 16 ? imm_len - 16 : 0; k < imm_len;
                 k++) {
                s->imm = (s->imm << 8) | c.p[k];
            }
            ofpcur_bytes(&c, NULL, imm_len);
        } else {
            s->src = mf_from_nxm_header(ofp_get_be32(c.p));
            s->src_ofs = ofp_get_be16(c.p + 4);
            ofpcur_bytes(&c, NULL, 6);
            if (!s->src) {
                return -OFPERR_OFPBAC_BAD_SET_TYPE;
            }
        }
        if (s->dst_type != LEARN_DST_OUTPUT) {
            s->dst = mf_from_nxm_header(ofp_get_be32(c.p));
            s->dst_ofs = ofp_get_be16(c.p + 4);
            ofpcur_bytes(&c, NULL, 6);
            if (!s->dst) {
                return -OFPERR_OFPBAC_BAD_SET_TYPE;
            }
        }
        if (imm && n_bits < 128) {
            s->imm &= ((mf_value) 1 << n_bits) - 1;
        }
    }
    if (!all_zero(c.p, c.left)) {
        return -OFPERR_OFPBAC_BAD_ARGUMENT;
    }
    /* What OVS's check_LEARN finds without the flow's match. */
    return ofpact_learn_check(l, NULL, NULL);
}

/* A Nicira action: `p`/`len` the whole action (len >= 16, a multiple of
 * 8). */
static int decode_nx(struct acts *l, const uint8_t *p, size_t len,
                     uint8_t version)
{
    if (ofp_get_be32(p + 4) != NX_VENDOR_ID) {
        return -OFPERR_OFPBAC_BAD_VENDOR;
    }
    uint16_t subtype = ofp_get_be16(p + 8);
    /* learn */
    if (subtype == NXAST_LEARN || subtype == NXAST_LEARN2) {
        return decode_learn(l, p, len, subtype == NXAST_LEARN2);
    }
    if (subtype == NXAST_FIN_TIMEOUT) {
        if (len != 16) {
            return -OFPERR_OFPBAC_BAD_LEN;
        }
        struct ofpact *f = add(l, OFPACT_FIN_TIMEOUT);
        f->fin.idle = ofp_get_be16(p + 10);
        f->fin.hard = ofp_get_be16(p + 12);
        return 0;
    }
    size_t want;
    switch (subtype) {
    case NXAST_RESUBMIT: case NXAST_RESUBMIT_TABLE: case NXAST_SET_TUNNEL:
    case NXAST_DEC_TTL: case NXAST_CONTROLLER:
    case NXAST_CONJUNCTION:     /* conj */
        want = 16;
        break;
    case NXAST_SET_TUNNEL64: case NXAST_REG_MOVE: case NXAST_REG_LOAD:
        want = 24;
        break;
    case NXAST_NOTE: case NXAST_REG_LOAD2:
        want = len;
        break;
    case NXAST_GROUP:   /* groups */
        want = 16;
        break;
    case NXAST_CONTROLLER2:
        return decode_controller2(l, p, len);
    default:
        return -OFPERR_OFPBAC_BAD_VENDOR_TYPE;
    }
    /* OVS has no NXAST_DEC_TTL past 1.0, nor reg_load/move in 1.5. */
    if (((subtype == NXAST_DEC_TTL || subtype == NXAST_GROUP) && version != 1)
        || ((subtype == NXAST_REG_LOAD || subtype == NXAST_REG_LOAD2
             || subtype == NXAST_REG_MOVE) && version >= 6)) {
        return -OFPERR_OFPBAC_BAD_VENDOR_TYPE;
    }
    if (len != want) {
        return -OFPERR_OFPBAC_BAD_LEN;
    }
    struct ofpact *a;
    switch (subtype) {
    case NXAST_RESUBMIT:
        a = add(l, OFPACT_RESUBMIT);
        a->resubmit.in_port = ofp_get_be16(p + 10);
        a->resubmit.table = OFP_TABLE_ALL;
        return 0;
    case NXAST_RESUBMIT_TABLE:
        if (!all_zero(p + 13, 3)) {
            return -OFPERR_NXBRC_MUST_BE_ZERO;
        }
        a = add(l, OFPACT_RESUBMIT);
        a->resubmit.in_port = ofp_get_be16(p + 10);
        a->resubmit.table = p[12];
        a->resubmit.paren = p[12] != OFP_TABLE_ALL;   /* as OVS prints it */
        return 0;
    case NXAST_SET_TUNNEL:
        add(l, OFPACT_SET_TUNNEL)->u64 = ofp_get_be32(p + 12);
        return 0;
    case NXAST_SET_TUNNEL64:
        add(l, OFPACT_SET_TUNNEL)->u64 = ofp_get_be64(p + 16);
        return 0;
    case NXAST_DEC_TTL:
        add(l, OFPACT_DEC_TTL);
        return 0;
    case NXAST_CONTROLLER:
        a = add(l, OFPACT_CONTROLLER);
        a->output.port = OFPP_CONTROLLER;
        a->output.max_len = ofp_get_be16(p + 10);
        a->output.controller_id = ofp_get_be16(p + 12);
        a->output.reason = p[14];
        a->output.has_reason = p[14] != OFPR_ACTION;
        return 0;
    case NXAST_REG_LOAD:
        return decode_reg_load(l, p);
    case NXAST_REG_LOAD2:
        return decode_reg_load2(l, p, len);
    case NXAST_REG_MOVE:
        return decode_move(l, ofp_get_be16(p + 10), ofp_get_be16(p + 12),
                           ofp_get_be16(p + 14), ofp_get_be32(p + 16),
                           ofp_get_be32(p + 20));
    case NXAST_GROUP:   /* groups */
        add(l, OFPACT_GROUP)->group.id = ofp_get_be32(p + 12);
        return 0;
    case NXAST_NOTE:
        if (len - 10 > OFP_NOTE_MAX) {
            return -OFPERR_OFPBAC_BAD_LEN;
        }
        a = add(l, OFPACT_NOTE);
        a->note.len = (uint8_t) (len - 10);
        memcpy(a->note.data, p + 10, len - 10);
        return 0;
    case NXAST_CONJUNCTION:     /* conj */
        if (p[11] < 2 || p[11] > 64 || p[10] >= p[11]) {
            return -OFPERR_NXBAC_BAD_CONJUNCTION;
        }
        a = add(l, OFPACT_CONJUNCTION);
        a->conjunction.clause = p[10];
        a->conjunction.n_clauses = p[11];
        a->conjunction.id = ofp_get_be32(p + 12);
        return 0;
    }
    return -OFPERR_OFPBAC_BAD_VENDOR_TYPE;
}

static int need_len(size_t len, size_t want)
{
    return len == want ? 0 : -OFPERR_OFPBAC_BAD_LEN;
}

static int decode_of10(struct acts *l, uint16_t type, const uint8_t *p,
                       size_t len)
{
    int err;
    uint16_t v16 = len >= 6 ? ofp_get_be16(p + 4) : 0;
    switch (type) {
    case 0:
        return need_len(len, 8) ? -OFPERR_OFPBAC_BAD_LEN
                                : decode_output(l, v16, ofp_get_be16(p + 6));
    case 1:
        if ((err = need_len(len, 8))) {
            return err;
        }
        if (v16 & ~0xfff) {
            return -OFPERR_OFPBAC_BAD_ARGUMENT;
        }
        add(l, OFPACT_SET_VLAN_VID)->u16 = v16;
        return 0;
    case 2:
        if ((err = need_len(len, 8))) {
            return err;
        }
        if (p[4] & ~7) {
            return -OFPERR_OFPBAC_BAD_ARGUMENT;
        }
        add(l, OFPACT_SET_VLAN_PCP)->u8 = p[4];
        return 0;
    case 3:
        if ((err = need_len(len, 8))) {
            return err;
        }
        add(l, OFPACT_STRIP_VLAN);
        return 0;
    case 4:
    case 5:
        if ((err = need_len(len, 16))) {
            return err;
        }
        return decode_of10_set(l, type == 4 ? OFPACT_SET_ETH_SRC
                                            : OFPACT_SET_ETH_DST,
                               type == 4 ? MFID_DL_SRC : MFID_DL_DST, p + 4);
    case 6:
    case 7:
        if ((err = need_len(len, 8))) {
            return err;
        }
        return decode_of10_set(l, type == 6 ? OFPACT_SET_IPV4_SRC
                                            : OFPACT_SET_IPV4_DST,
                               type == 6 ? MFID_NW_SRC : MFID_NW_DST, p + 4);
    case 8:
        if ((err = need_len(len, 8))) {
            return err;
        }
        if (p[4] & 3) {
            return -OFPERR_OFPBAC_BAD_ARGUMENT;
        }
        add(l, OFPACT_SET_IP_TOS)->u8 = p[4];
        return 0;
    case 9:
    case 10:
        if ((err = need_len(len, 8))) {
            return err;
        }
        add(l, type == 9 ? OFPACT_SET_L4_SRC : OFPACT_SET_L4_DST)->u16 = v16;
        return 0;
    }
    return -OFPERR_OFPBAC_BAD_TYPE;
}

static int decode_of11(struct acts *l, uint16_t type, const uint8_t *p,
                       size_t len, uint8_t version)
{
    int err;
    switch (type) {
    case OFPAT_OUTPUT: {
        if ((err = need_len(len, 16))) {
            return err;
        }
        uint32_t port = ofp_get_be32(p + 4);
        if (port >= OFPP_MAX && port < OFPP11_MAX) {
            return -OFPERR_OFPBAC_BAD_OUT_PORT;
        }
        return decode_output(l, ofp_port_from_of11(port), ofp_get_be16(p + 8));
    }
    case OFPAT11_PUSH_VLAN: {
        if ((err = need_len(len, 8))) {
            return err;
        }
        uint16_t tpid = ofp_get_be16(p + 4);
        if (tpid != ETH_TYPE_VLAN && tpid != ETH_TYPE_VLAN_8021AD) {
            return -OFPERR_OFPBAC_BAD_ARGUMENT;
        }
        add(l, OFPACT_PUSH_VLAN)->u16 = tpid;
        return 0;
    }
    case OFPAT11_POP_VLAN:
        if ((err = need_len(len, 8))) {
            return err;
        }
        add(l, OFPACT_STRIP_VLAN)->none = true;    /* prints "pop_vlan" */
        return 0;
    case OFPAT11_SET_NW_TTL:
        if ((err = need_len(len, 8))) {
            return err;
        }
        add(l, OFPACT_SET_IP_TTL)->u8 = p[4];
        return 0;
    case OFPAT11_DEC_NW_TTL:
        if ((err = need_len(len, 8))) {
            return err;
        }
        add(l, OFPACT_DEC_TTL);
        return 0;
    case OFPAT11_GROUP:     /* groups */
        if ((err = need_len(len, 8))) {
            return err;
        }
        add(l, OFPACT_GROUP)->group.id = ofp_get_be32(p + 4);
        return 0;
    case OFPAT12_SET_FIELD:
        return decode_set_field(l, p, len, version);
    case OFPAT15_COPY_FIELD:
        if (version < 6) {
            break;
        }
        if (len < 24) {
            return -OFPERR_OFPBAC_BAD_LEN;
        }
        if (!all_zero(p + 10, 2) || !all_zero(p + 20, len - 20)) {
            return -OFPERR_NXBRC_MUST_BE_ZERO;
        }
        return decode_move(l, ofp_get_be16(p + 4), ofp_get_be16(p + 6),
                           ofp_get_be16(p + 8), ofp_get_be32(p + 12),
                           ofp_get_be32(p + 16));
    case OFPAT15_METER:         /* meters */
        if (version < 6) {
            break;
        }
        if ((err = need_len(len, 8))) {
            return err;
        }
        add(l, OFPACT_METER)->meter.meter_id = ofp_get_be32(p + 4);
        return 0;
    case 9:
    case 10:
        /* OVS's deprecated OFPAT_SET_TP_SRC/DST (OFPACTS' OF13 column). */
        if ((err = need_len(len, 8))) {
            return err;
        }
        add(l, type == 9 ? OFPACT_SET_L4_SRC : OFPACT_SET_L4_DST)->u16
            = ofp_get_be16(p + 4);
        return 0;
    }
    return -OFPERR_OFPBAC_BAD_TYPE;
}

static int pull_actions(const uint8_t *p, size_t len, uint8_t version,
                        struct acts *l)
{
    if (len % 8) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    struct ofpcur c = ofpcur_init(p, len);
    while (c.left) {
        if (c.left < 8) {
            return -OFPERR_OFPBAC_BAD_LEN;
        }
        uint16_t type = ofp_get_be16(c.p), alen = ofp_get_be16(c.p + 2);
        if (alen < 8 || alen % 8 || alen > c.left) {
            return -OFPERR_OFPBAC_BAD_LEN;
        }
        const uint8_t *a = c.p;
        ofpcur_bytes(&c, NULL, alen);
        int err;
        if (type == OFPAT_VENDOR) {
            err = alen < 16 ? -OFPERR_OFPBAC_BAD_LEN
                            : decode_nx(l, a, alen, version);
        } else if (version == 1) {
            err = decode_of10(l, type, a, alen);
        } else {
            err = decode_of11(l, type, a, alen, version);
        }
        if (err) {
            return err;
        }
    }
    return 0;
}

static int finish_pull(int err, struct acts *l, struct ofpact **acts,
                       size_t *n)
{
    if (!err) {
        /* conj: only notes beside conjunctions, as OVS's ofpacts_verify */
        err = ofpacts_check_conjunction(l->v, l->n, NULL, 0);
    }
    if (err || !l->n) {
        ofpacts_free(l->v, l->n);
        *acts = NULL;
        *n = 0;
        return err;
    }
    *acts = l->v;
    *n = l->n;
    return 0;
}

int ofpacts_pull_actions(const void *p, size_t len, uint8_t version,
                         struct ofpact **acts, size_t *n)
{
    struct acts l = { NULL, 0, 0 };
    return finish_pull(pull_actions(p, len, version, &l), &l, acts, n);
}

/* Every instruction's header is checked before any is decoded, as OVS
 * does: a bad length anywhere is OFPBIC_BAD_LEN even when an earlier
 * instruction's actions are bad too. */
static bool instruction_lengths_ok(const uint8_t *p, size_t len)
{
    while (len) {
        size_t ilen = len >= 8 ? ofp_get_be16(p + 2) : 0;
        if (ilen < 8 || ilen % 8 || ilen > len) {
            return false;
        }
        p += ilen;
        len -= ilen;
    }
    return true;
}

static int pull_instructions(const uint8_t *p, size_t len, uint8_t version,
                             struct acts *l)
{
    if (!instruction_lengths_ok(p, len)) {
        return -OFPERR_OFPBIC_BAD_LEN;
    }
    struct ofpcur c = ofpcur_init(p, len);
    unsigned seen = 0;
    int table = -1;
    int64_t meter = -1;         /* meters: the METER instruction's id */
    while (c.left) {
        if (c.left < 8) {
            return -OFPERR_OFPBIC_BAD_LEN;
        }
        uint16_t type = ofp_get_be16(c.p), ilen = ofp_get_be16(c.p + 2);
        if (ilen < 8 || ilen % 8 || ilen > c.left) {
            return -OFPERR_OFPBIC_BAD_LEN;
        }
        const uint8_t *in = c.p;
        ofpcur_bytes(&c, NULL, ilen);
        switch (type) {
        case OFPIT_GOTO_TABLE:
        case OFPIT_APPLY_ACTIONS:
        case OFPIT_METER:
            break;
        case OFPIT_WRITE_METADATA:
        case OFPIT_WRITE_ACTIONS:
        case OFPIT_CLEAR_ACTIONS:
            return -OFPERR_OFPBIC_UNSUP_INST;
        case OFPIT_EXPERIMENTER:
            return -OFPERR_OFPBIC_BAD_EXPERIMENTER;
        default:
            return -OFPERR_OFPBIC_UNKNOWN_INST;
        }
        if (seen & (1u << type)) {
            return -OFPERR_OFPBIC_DUP_INST;
        }
        seen |= 1u << type;
        if (type == OFPIT_GOTO_TABLE) {
            if (ilen != 8) {
                return -OFPERR_OFPBIC_BAD_LEN;
            }
            table = in[4];
        } else if (type == OFPIT_METER) {
            if (ilen != 8) {
                return -OFPERR_OFPBIC_BAD_LEN;
            }
            meter = (int64_t) ofp_get_be32(in + 4);
        } else {
            int err = pull_actions(in + 8, ilen - 8u, version, l);
            if (err) {
                return err;
            }
        }
    }
    if (meter >= 0) {
        /* It runs first, whatever its place among the instructions. */
        add(l, OFPACT_METER);
        memmove(l->v + 1, l->v, (l->n - 1) * sizeof *l->v);
        memset(&l->v[0], 0, sizeof l->v[0]);
        l->v[0].type = OFPACT_METER;
        l->v[0].meter.meter_id = (uint32_t) meter;
    }
    if (table >= 0) {
        add(l, OFPACT_GOTO_TABLE)->u8 = (uint8_t) table;
    }
    return 0;
}

int ofpacts_pull_instructions(const void *p, size_t len, uint8_t version,
                              struct ofpact **acts, size_t *n)
{
    if (version == 1) {
        return ofpacts_pull_actions(p, len, version, acts, n);
    }
    struct acts l = { NULL, 0, 0 };
    return finish_pull(pull_instructions(p, len, version, &l), &l, acts, n);
}
