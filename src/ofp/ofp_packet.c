/* Packet-ins (OpenFlow 1.0, 1.1, 1.2+, NXT_PACKET_IN, NXT_PACKET_IN2),
 * packet-outs (OpenFlow 1.0, 1.1-1.4, 1.5) and NXT_RESUME on the wire.
 * Layouts as ofp_msgs.h describes them; every read goes through a struct
 * ofpcur, and decoded packets point into the message. */
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofp/actions_wire.h"
#include "ofp/match_wire.h"
#include "ofp/ofp_msgs.h"
#include "ofp/ofp_port.h"

#define ERR(E) (-OFPERR_##E)

/* NXT_PACKET_IN2 property types (nicira-ext.h). */
/* Vendor subtypes of the two Nicira packet-ins, which share
 * OFPTYPE_PACKET_IN/OFPF_NX. */
#define NXT_PACKET_IN 17
#define NXT_PACKET_IN2 30

enum {
    NXPINT_PACKET = 0,
    NXPINT_FULL_LEN = 1,
    NXPINT_BUFFER_ID = 2,
    NXPINT_TABLE_ID = 3,
    NXPINT_COOKIE = 4,
    NXPINT_REASON = 5,
    NXPINT_METADATA = 6,
    NXPINT_USERDATA = 7,
    NXPINT_CONTINUATION = 8,
};

static void pad8_from(struct ofpbuf *b, size_t start)
{
    size_t n = (b->size - start) % 8;
    if (n) {
        ofpbuf_put_zeros(b, 8 - n);
    }
}

static int port_from_of11(uint32_t wire, uint32_t *port)
{
    if (wire >= OFPP_MAX && wire < OFPP11_MAX) {
        return ERR(OFPBAC_BAD_OUT_PORT);
    }
    *port = ofp_port_from_of11(wire);
    return 0;
}

static void match_set_in_port(struct ofp_match *m, uint32_t port)
{
    const struct mf_field *f = mf_by_id(MFID_IN_PORT);
    ofp_match_set(m, f, port, mf_width_mask(f));
    /* OF1.1+ numbers OF1.0 cannot say map past 16 bits; keep them whole. */
    m->value.in_port = port;
}

/* ---- properties (OpenFlow 1.4 style: type, length, payload, pad 8) ---- */

static size_t prop_start(struct ofpbuf *b, uint16_t type)
{
    size_t start = b->size;
    ofpbuf_put_be16(b, type);
    ofpbuf_put_be16(b, 4);
    return start;
}

static void prop_end(struct ofpbuf *b, size_t start)
{
    ofpbuf_set_be16(b, start + 2, (uint16_t) (b->size - start));
    pad8_from(b, start);
}

static void prop_put(struct ofpbuf *b, uint16_t type, const void *p,
                     size_t n)
{
    size_t start = prop_start(b, type);
    ofpbuf_put(b, p, n);
    prop_end(b, start);
}

static void prop_put_u8(struct ofpbuf *b, uint16_t type, uint8_t v)
{
    prop_put(b, type, &v, 1);
}

static void prop_put_be32(struct ofpbuf *b, uint16_t type, uint32_t v)
{
    size_t start = prop_start(b, type);
    ofpbuf_put_be32(b, v);
    prop_end(b, start);
}

static void prop_put_be64(struct ofpbuf *b, uint16_t type, uint64_t v)
{
    size_t start = prop_start(b, type);
    ofpbuf_put_zeros(b, 4);
    ofpbuf_put_be64(b, v);
    prop_end(b, start);
}

/* Takes one property: *type, and its payload in *payload (after the 4-byte
 * header).  OFPBRC_BAD_LEN for a length under 4 or past the bytes. */
static int prop_pull(struct ofpcur *c, uint16_t *type, struct ofpcur *payload)
{
    if (c->left < 4) {
        return ERR(OFPBRC_BAD_LEN);
    }
    size_t len = ofp_get_be16(c->p + 2);
    size_t padded = (len + 7) / 8 * 8;
    if (len < 4 || padded > c->left) {
        return ERR(OFPBRC_BAD_LEN);
    }
    *type = ofp_get_be16(c->p);
    *payload = ofpcur_init(c->p + 4, len - 4);
    ofpcur_bytes(c, NULL, padded);
    return 0;
}

/* OVS's parsers of property values: a u32 is exactly 4 bytes; u8 at least
 * 1; a u64 and nested properties start 8-aligned (4 bytes of pad). */
static int prop_u32(const struct ofpcur *p, uint32_t *v)
{
    if (p->left != 4) {
        return ERR(OFPBRC_BAD_LEN);
    }
    *v = ofp_get_be32(p->p);
    return 0;
}

static int prop_u8(const struct ofpcur *p, uint8_t *v)
{
    if (p->left < 1) {
        return ERR(OFPBRC_BAD_LEN);
    }
    *v = p->p[0];
    return 0;
}

static int prop_u64(const struct ofpcur *p, uint64_t *v)
{
    if (p->left != 12) {
        return ERR(OFPBRC_BAD_LEN);
    }
    *v = ofp_get_be64(p->p + 4);
    return 0;
}

static int prop_nested(const struct ofpcur *p, const uint8_t **data,
                       size_t *len)
{
    if (p->left < 4) {
        return ERR(OFPBRC_BAD_LEN);
    }
    *data = p->p + 4;
    *len = p->left - 4;
    return 0;
}

/* ---- packet-in ---- */

/* OpenFlow 1.3 and earlier know no action_set/group/packet_out reasons. */
static uint8_t encode_reason(uint8_t reason, uint8_t version)
{
    if (reason >= OFPR_ACTION_SET && version < OFP14_VERSION) {
        return OFPR_ACTION;
    }
    return reason;
}

static uint32_t pin_in_port(const struct ofp_packet_in *pin)
{
    return pin->metadata.value.in_port;
}

/* The properties NXT_PACKET_IN2 and NXT_RESUME share: the packet, its
 * full length when cut, buffer, table, cookie, reason, metadata. */
static void put_pin2_props(struct ofpbuf *b, uint8_t version,
                           const struct ofp_packet_in *pin, uint8_t reason)
{
    prop_put(b, NXPINT_PACKET, pin->packet, pin->len);
    if (pin->len != pin->total_len) {
        prop_put_be32(b, NXPINT_FULL_LEN, (uint32_t) pin->total_len);
    }
    if (pin->buffer_id != OFP_NO_BUFFER) {
        prop_put_be32(b, NXPINT_BUFFER_ID, pin->buffer_id);
    }
    prop_put_u8(b, NXPINT_TABLE_ID, pin->table_id);
    if (pin->cookie != UINT64_MAX) {
        prop_put_be64(b, NXPINT_COOKIE, pin->cookie);
    }
    prop_put_u8(b, NXPINT_REASON, reason);
    size_t meta = prop_start(b, NXPINT_METADATA);
    nx_put_match(b, &pin->metadata, true, version);
    prop_end(b, meta);
}

void ofp_encode_packet_in(struct ofpbuf *b, uint8_t version,
                          enum ofp_packet_in_format format,
                          const struct ofp_packet_in *pin)
{
    uint8_t reason = encode_reason(pin->reason, version);
    size_t start;

    if (format == OFP_PIF_NXT2) {
        start = ofp_msg_start_sub(b, version, OFPTYPE_PACKET_IN, OFPF_NX,
                                  NXT_PACKET_IN2, 0);
        put_pin2_props(b, version, pin, reason);
        if (pin->userdata_len) {
            prop_put(b, NXPINT_USERDATA, pin->userdata, pin->userdata_len);
        }
        if (pin->continuation_len) {
            size_t cont = prop_start(b, NXPINT_CONTINUATION);
            ofpbuf_put_zeros(b, 4);
            ofpbuf_put(b, pin->continuation, pin->continuation_len);
            prop_end(b, cont);
        } else if (pin->cont) {
            size_t cont = prop_start(b, NXPINT_CONTINUATION);
            ofpbuf_put_zeros(b, 4);
            size_t inner = b->size;
            if (ofp_encode_continuation(b, version, pin->cont)
                || b->size == inner) {
                b->size = cont;         /* nothing to resume with */
            } else {
                prop_end(b, cont);
            }
        }
        ofp_msg_finish(b, start);
        return;
    }
    if (format == OFP_PIF_NXT) {
        start = ofp_msg_start_sub(b, version, OFPTYPE_PACKET_IN, OFPF_NX,
                                  NXT_PACKET_IN, 0);
        size_t body = b->size;
        ofpbuf_put_be32(b, pin->buffer_id);
        ofpbuf_put_be16(b, (uint16_t) pin->total_len);
        ofpbuf_put_u8(b, reason);
        ofpbuf_put_u8(b, pin->table_id);
        ofpbuf_put_be64(b, pin->cookie);
        ofpbuf_put_zeros(b, 8);         /* match_len, pad */
        size_t m = b->size;
        nx_put_match(b, &pin->metadata, false, version);
        ofpbuf_set_be16(b, body + 16, (uint16_t) (b->size - m));
        pad8_from(b, m);
        ofpbuf_put_zeros(b, 2);
    } else if (version == OFP10_VERSION) {
        start = ofp_msg_start(b, version, OFPTYPE_PACKET_IN, OFPF_STD, 0);
        ofpbuf_put_be32(b, pin->buffer_id);
        ofpbuf_put_be16(b, (uint16_t) pin->total_len);
        ofpbuf_put_be16(b, (uint16_t) pin_in_port(pin));
        ofpbuf_put_u8(b, reason);
        ofpbuf_put_u8(b, 0);
    } else if (version == OFP11_VERSION) {
        uint32_t port = ofp_port_to_of11(pin_in_port(pin));
        start = ofp_msg_start(b, version, OFPTYPE_PACKET_IN, OFPF_STD, 0);
        ofpbuf_put_be32(b, pin->buffer_id);
        ofpbuf_put_be32(b, port);
        ofpbuf_put_be32(b, port);
        ofpbuf_put_be16(b, (uint16_t) pin->total_len);
        ofpbuf_put_u8(b, reason);
        ofpbuf_put_u8(b, pin->table_id);
    } else {
        start = ofp_msg_start(b, version, OFPTYPE_PACKET_IN, OFPF_STD, 0);
        ofpbuf_put_be32(b, pin->buffer_id);
        ofpbuf_put_be16(b, (uint16_t) pin->total_len);
        ofpbuf_put_u8(b, reason);
        ofpbuf_put_u8(b, pin->table_id);
        if (version >= OFP13_VERSION) {
            ofpbuf_put_be64(b, pin->cookie);
        }
        oxm_put_match(b, &pin->metadata, version);
        ofpbuf_put_zeros(b, 2);
    }
    ofpbuf_put(b, pin->packet, pin->len);
    ofp_msg_finish(b, start);
}

/* NXT_PACKET_IN2 and NXT_RESUME: properties.  `strict`: unknown properties
 * are refused (the switch reading a resume) rather than skipped. */
static int decode_pin2(const struct ofp_msg *msg, bool strict,
                       struct ofp_packet_in *pin)
{
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    uint32_t full_len = 0;

    while (c.left) {
        struct ofpcur p;
        uint16_t type;
        int error = prop_pull(&c, &type, &p);
        if (error) {
            return error;
        }
        switch (type) {
        case NXPINT_PACKET:
            pin->packet = p.p;
            pin->len = p.left;
            break;
        case NXPINT_FULL_LEN:
            error = prop_u32(&p, &full_len);
            break;
        case NXPINT_BUFFER_ID:
            error = prop_u32(&p, &pin->buffer_id);
            break;
        case NXPINT_TABLE_ID:
            error = prop_u8(&p, &pin->table_id);
            break;
        case NXPINT_COOKIE:
            error = prop_u64(&p, &pin->cookie);
            break;
        case NXPINT_REASON:
            error = prop_u8(&p, &pin->reason);
            break;
        case NXPINT_METADATA:
            error = nx_pull_match(p.p, p.left, &pin->metadata);
            break;
        case NXPINT_USERDATA:
            pin->userdata = p.p;
            pin->userdata_len = p.left;
            break;
        case NXPINT_CONTINUATION:
            error = prop_nested(&p, &pin->continuation,
                                &pin->continuation_len);
            break;
        default:
            if (strict) {
                error = ERR(OFPBRC_BAD_TYPE);
            }
            break;
        }
        if (error) {
            return error;
        }
    }
    if (!pin->len) {
        return ERR(OFPBRC_BAD_LEN);         /* no packet */
    }
    if (!full_len) {
        pin->total_len = pin->len;
    } else if (full_len < pin->len) {
        return ERR(OFPBRC_BAD_LEN);
    } else {
        pin->total_len = full_len;
    }
    return 0;
}

int ofp_decode_packet_in(const struct ofp_msg *msg, struct ofp_packet_in *pin)
{
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    int error;

    memset(pin, 0, sizeof *pin);
    pin->cookie = UINT64_MAX;
    pin->buffer_id = OFP_NO_BUFFER;
    if (msg->type != OFPTYPE_PACKET_IN) {
        return ERR(OFPBRC_BAD_TYPE);
    }

    uint16_t total_len;
    if (msg->family == OFPF_NX && msg->subtype == NXT_PACKET_IN2) {
        return decode_pin2(msg, false, pin);
    } else if (msg->family == OFPF_NX) {
        uint16_t match_len;
        if (!ofpcur_be32(&c, &pin->buffer_id) || !ofpcur_be16(&c, &total_len)
            || !ofpcur_u8(&c, &pin->reason) || !ofpcur_u8(&c, &pin->table_id)
            || !ofpcur_be64(&c, &pin->cookie) || !ofpcur_be16(&c, &match_len)
            || !ofpcur_bytes(&c, NULL, 6)) {
            return ERR(OFPBRC_BAD_LEN);
        }
        size_t padded = (match_len + 7u) / 8 * 8;
        if (padded > c.left) {
            return ERR(OFPBMC_BAD_LEN);
        }
        error = nx_pull_match(c.p, match_len, &pin->metadata);
        if (error) {
            return error;
        }
        ofpcur_bytes(&c, NULL, padded);
        if (!ofpcur_bytes(&c, NULL, 2)) {
            return ERR(OFPBRC_BAD_LEN);
        }
    } else if (msg->version == OFP10_VERSION) {
        uint16_t in_port;
        if (!ofpcur_be32(&c, &pin->buffer_id) || !ofpcur_be16(&c, &total_len)
            || !ofpcur_be16(&c, &in_port) || !ofpcur_u8(&c, &pin->reason)
            || !ofpcur_bytes(&c, NULL, 1)) {
            return ERR(OFPBRC_BAD_LEN);
        }
        match_set_in_port(&pin->metadata, in_port);
    } else if (msg->version == OFP11_VERSION) {
        uint32_t in_port, port;
        if (!ofpcur_be32(&c, &pin->buffer_id) || !ofpcur_be32(&c, &in_port)
            || !ofpcur_bytes(&c, NULL, 4) || !ofpcur_be16(&c, &total_len)
            || !ofpcur_u8(&c, &pin->reason)
            || !ofpcur_u8(&c, &pin->table_id)) {
            return ERR(OFPBRC_BAD_LEN);
        }
        error = port_from_of11(in_port, &port);
        if (error) {
            return error;
        }
        match_set_in_port(&pin->metadata, port);
    } else {
        if (!ofpcur_be32(&c, &pin->buffer_id) || !ofpcur_be16(&c, &total_len)
            || !ofpcur_u8(&c, &pin->reason)
            || !ofpcur_u8(&c, &pin->table_id)
            || (msg->version >= OFP13_VERSION
                && !ofpcur_be64(&c, &pin->cookie))) {
            return ERR(OFPBRC_BAD_LEN);
        }
        error = oxm_pull_match(&c, &pin->metadata);
        if (error) {
            return error;
        }
        if (!ofpcur_bytes(&c, NULL, 2)) {
            return ERR(OFPBRC_BAD_LEN);
        }
    }
    pin->total_len = total_len;
    pin->packet = c.p;
    pin->len = c.left;
    return 0;
}

void ofp_packet_in_set_metadata(struct ofp_packet_in *pin,
                                const struct xflow *x)
{
    static const enum mf_id ids[] = {
        MFID_TUN_ID, MFID_TUN_SRC, MFID_TUN_DST, MFID_METADATA,
        MFID_REG0, MFID_REG1, MFID_REG2, MFID_REG3, MFID_REG4, MFID_REG5,
        MFID_REG6, MFID_REG7, MFID_PKT_MARK,
    };
    memset(&pin->metadata, 0, sizeof pin->metadata);
    match_set_in_port(&pin->metadata, x->in_port);
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const struct mf_field *f = mf_by_id(ids[i]);
        mf_value v = mf_get(f, x);
        if (v) {
            ofp_match_set(&pin->metadata, f, v, mf_width_mask(f));
        }
    }
}

/* ---- NXT_RESUME ---- */

int ofp_decode_resume(const struct ofp_msg *msg, struct ofp_resume *r)
{
    struct ofp_packet_in pin;

    memset(r, 0, sizeof *r);
    if (msg->type != OFPTYPE_NXT_RESUME) {
        return ERR(OFPBRC_BAD_TYPE);
    }
    memset(&pin, 0, sizeof pin);
    pin.cookie = UINT64_MAX;
    pin.buffer_id = OFP_NO_BUFFER;
    int error = decode_pin2(msg, true, &pin);
    if (error) {
        return error;
    }
    r->packet = pin.packet;
    r->len = pin.len;
    r->continuation = pin.continuation;
    r->continuation_len = pin.continuation_len;
    r->total_len = pin.total_len;
    r->table_id = pin.table_id;
    r->cookie = pin.cookie;
    r->reason = pin.reason;
    r->metadata = pin.metadata;
    return 0;
}

void ofp_encode_resume(struct ofpbuf *b, uint8_t version,
                       const struct ofp_packet_in *pin)
{
    size_t start = ofp_msg_start(b, version, OFPTYPE_NXT_RESUME, OFPF_NX, 0);
    put_pin2_props(b, version, pin, pin->reason);
    size_t cont = prop_start(b, NXPINT_CONTINUATION);
    ofpbuf_put_zeros(b, 4);
    ofpbuf_put(b, pin->continuation, pin->continuation_len);
    prop_end(b, cont);
    ofp_msg_finish(b, start);
}

/* ---- continuations (NXCPT_*, OVS's private layout) ---- */

enum {
    NXCPT_BRIDGE = 0x8000,      /* 16-byte UUID */
    NXCPT_STACK,
    NXCPT_MIRRORS,
    NXCPT_CONNTRACKED,
    NXCPT_TABLE_ID,             /* u8 */
    NXCPT_COOKIE,               /* be64 (after 4 bytes of pad) */
    NXCPT_ACTIONS,              /* nested: 4 bytes of pad, actions */
    NXCPT_ACTION_SET,
    NXCPT_ODP_PORT,             /* be32 */
};

/* Whether `a` may send something that names the table or cookie (OVS's
 * freeze_unroll_actions puts the rule's table and cookie before those). */
static bool cont_needs_rule(const struct ofpact *a)
{
    switch (a->type) {
    case OFPACT_OUTPUT:
    case OFPACT_CONTROLLER:
    case OFPACT_DEC_TTL:
        return true;
    case OFPACT_RESUBMIT:
        return a->resubmit.table == OFP_TABLE_ALL;
    default:
        return false;
    }
}

/* One action of a continuation (goto_table as resubmit(,T), as OVS). */
static int put_cont_action(struct ofpbuf *b, uint8_t version,
                           const struct ofpact *act)
{
    struct ofpact a = *act;
    if (a.type == OFPACT_GOTO_TABLE) {
        uint8_t table = a.u8;
        memset(&a, 0, sizeof a);
        a.type = OFPACT_RESUBMIT;
        a.resubmit.in_port = OFPP_IN_PORT;
        a.resubmit.table = table;
        a.resubmit.paren = true;
    }
    return ofpacts_put_actions(b, &a, 1, version);
}

int ofp_encode_continuation(struct ofpbuf *b, uint8_t version,
                            const struct ofp_continuation *k)
{
    size_t start = b->size;
    static const uint8_t zero16[16];
    if (memcmp(k->bridge, zero16, 16)) {
        prop_put(b, NXCPT_BRIDGE, k->bridge, 16);
    }
    /* OVS's grouping: the actions run as one list, cut by the rule state
     * (table, cookie) an action that depends on it needs, sent (each only
     * when it changed; both start as 0) before the NXCPT_ACTIONS that
     * follows. */
    bool have_rule = false;
    uint8_t cur_table = 0, sent_table = 0;
    uint64_t cur_cookie = 0, sent_cookie = 0;
    size_t open = SIZE_MAX;         /* the NXCPT_ACTIONS being filled */
    int error = 0;
    for (size_t g = 0; g < k->n_groups && !error; g++) {
        const struct ofp_cont_group *grp = &k->groups[g];
        for (size_t i = 0; i < grp->n_acts && !error; i++) {
            if (cont_needs_rule(&grp->acts[i])
                && !(have_rule && cur_table == grp->table_id
                     && cur_cookie == grp->cookie)) {
                if (open != SIZE_MAX) {
                    prop_end(b, open);
                    open = SIZE_MAX;
                }
                have_rule = true;
                cur_table = grp->table_id;
                cur_cookie = grp->cookie;
                if (cur_table != sent_table) {
                    prop_put_u8(b, NXCPT_TABLE_ID, cur_table);
                    sent_table = cur_table;
                }
                if (cur_cookie != sent_cookie) {
                    prop_put_be64(b, NXCPT_COOKIE, cur_cookie);
                    sent_cookie = cur_cookie;
                }
            }
            if (open == SIZE_MAX) {
                open = prop_start(b, NXCPT_ACTIONS);
                ofpbuf_put_zeros(b, 4);
            }
            error = put_cont_action(b, version, &grp->acts[i]);
        }
    }
    if (open != SIZE_MAX && !error) {
        prop_end(b, open);
    }
    if (!error && k->odp_port) {
        prop_put_be32(b, NXCPT_ODP_PORT, k->odp_port);
    }
    if (error) {
        b->size = start;
    }
    return error;
}

void ofp_continuation_free(struct ofp_continuation *k)
{
    size_t n = 0;
    for (size_t i = 0; i < k->n_groups; i++) {
        n += k->groups[i].n_acts;
    }
    ofpacts_free(k->acts, n);
    k->acts = NULL;
    k->n_groups = 0;
}

int ofp_decode_continuation(const uint8_t *p, size_t n, uint8_t version,
                            struct ofp_continuation *k)
{
    memset(k, 0, sizeof *k);
    struct ofpcur c = ofpcur_init(p, n);
    uint8_t table_id = 0;
    uint64_t cookie = 0;
    /* Each NXCPT_ACTIONS decodes into its own array, then all are joined
     * (the groups point into the joined one at the end). */
    struct ofpact *acts = NULL;
    size_t n_acts = 0;
    size_t firsts[OFP_CONT_MAX_GROUPS];
    int error = 0;
    while (c.left && !error) {
        struct ofpcur v;
        uint16_t type;
        error = prop_pull(&c, &type, &v);
        if (error) {
            break;
        }
        switch (type) {
        case NXCPT_BRIDGE:
            if (v.left != 16) {
                error = ERR(OFPBPC_BAD_LEN);
            } else {
                memcpy(k->bridge, v.p, 16);
            }
            break;
        case NXCPT_TABLE_ID:
            error = prop_u8(&v, &table_id);
            break;
        case NXCPT_COOKIE:
            error = prop_u64(&v, &cookie);
            break;
        case NXCPT_ODP_PORT:
            error = prop_u32(&v, &k->odp_port);
            break;
        case NXCPT_ACTIONS: {
            if (v.left < 4) {
                error = ERR(OFPBPC_BAD_LEN);
                break;
            }
            if (k->n_groups >= OFP_CONT_MAX_GROUPS) {
                error = ERR(OFPBPC_BAD_VALUE);
                break;
            }
            struct ofpact *more;
            size_t n_more;
            error = ofpacts_pull_actions(v.p + 4, v.left - 4, version, &more,
                                         &n_more);
            if (error) {
                break;
            }
            /* Bounded by the message: each action is 8 bytes or more. */
            acts = xrealloc(acts, (n_acts + n_more + 1) * sizeof *acts);
            if (n_more) {
                /* Moved, not copied: `acts` owns what they own now. */
                memcpy(acts + n_acts, more, n_more * sizeof *more);
            }
            free(more);
            struct ofp_cont_group *g = &k->groups[k->n_groups];
            g->table_id = table_id;
            g->cookie = cookie;
            g->n_acts = n_more;
            firsts[k->n_groups++] = n_acts;
            n_acts += n_more;
            break;
        }
        case NXCPT_STACK:
        case NXCPT_MIRRORS:
        case NXCPT_CONNTRACKED:
        case NXCPT_ACTION_SET:
            /* Never sent by vswitch: it has none of these yet. */
            error = ERR(OFPBPC_BAD_TYPE);
            break;
        default:
            error = ERR(OFPBPC_BAD_TYPE);
            break;
        }
    }
    if (error) {
        ofpacts_free(acts, n_acts);
        memset(k, 0, sizeof *k);
        /* A property's bad length is OFPBPC_BAD_LEN, as OVS's. */
        return error == ERR(OFPBRC_BAD_LEN) ? ERR(OFPBPC_BAD_LEN) : error;
    }
    k->acts = acts;
    for (size_t i = 0; i < k->n_groups; i++) {
        k->groups[i].acts = acts + firsts[i];
    }
    return 0;
}

/* ---- packet-out ---- */

int ofp_encode_packet_out(struct ofpbuf *b, uint8_t version, uint32_t xid,
                          const struct ofp_packet_out *po)
{
    size_t start0 = b->size;
    size_t start = ofp_msg_start(b, version, OFPTYPE_PACKET_OUT, OFPF_STD,
                                 xid);
    size_t len_ofs;
    if (version == OFP10_VERSION) {
        ofpbuf_put_be32(b, po->buffer_id);
        ofpbuf_put_be16(b, (uint16_t) po->in_port);
        len_ofs = b->size;
        ofpbuf_put_be16(b, 0);
    } else if (version < OFP15_VERSION) {
        ofpbuf_put_be32(b, po->buffer_id);
        ofpbuf_put_be32(b, ofp_port_to_of11(po->in_port));
        len_ofs = b->size;
        ofpbuf_put_be16(b, 0);
        ofpbuf_put_zeros(b, 6);
    } else {
        struct ofp_match m = po->match;
        match_set_in_port(&m, po->in_port);
        ofpbuf_put_be32(b, po->buffer_id);
        len_ofs = b->size;
        ofpbuf_put_be16(b, 0);
        ofpbuf_put_zeros(b, 2);
        oxm_put_match(b, &m, version);
    }
    size_t acts = b->size;
    int r = ofpacts_put_actions(b, po->acts, po->n_acts, version);
    if (r < 0) {
        b->size = start0;
        return r;
    }
    ofpbuf_set_be16(b, len_ofs, (uint16_t) (b->size - acts));
    if (po->buffer_id == OFP_NO_BUFFER && po->len) {
        ofpbuf_put(b, po->packet, po->len);
    }
    ofp_msg_finish(b, start);
    return 0;
}

int ofp_decode_packet_out(const struct ofp_msg *msg,
                          struct ofp_packet_out *po)
{
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    uint16_t actions_len;
    int error;

    memset(po, 0, sizeof *po);
    if (msg->type != OFPTYPE_PACKET_OUT) {
        return ERR(OFPBRC_BAD_TYPE);
    }
    if (msg->version == OFP10_VERSION) {
        uint16_t in_port;
        if (!ofpcur_be32(&c, &po->buffer_id) || !ofpcur_be16(&c, &in_port)
            || !ofpcur_be16(&c, &actions_len)) {
            return ERR(OFPBRC_BAD_LEN);
        }
        po->in_port = in_port;
        match_set_in_port(&po->match, in_port);
    } else if (msg->version < OFP15_VERSION) {
        uint32_t in_port;
        if (!ofpcur_be32(&c, &po->buffer_id) || !ofpcur_be32(&c, &in_port)
            || !ofpcur_be16(&c, &actions_len) || !ofpcur_bytes(&c, NULL, 6)) {
            return ERR(OFPBRC_BAD_LEN);
        }
        error = port_from_of11(in_port, &po->in_port);
        if (error) {
            return error;
        }
        match_set_in_port(&po->match, po->in_port);
    } else {
        if (!ofpcur_be32(&c, &po->buffer_id) || !ofpcur_be16(&c, &actions_len)
            || !ofpcur_bytes(&c, NULL, 2)) {
            return ERR(OFPBRC_BAD_LEN);
        }
        error = oxm_pull_match(&c, &po->match);
        if (error) {
            return error;
        }
        if (!po->match.mask.in_port) {
            return ERR(OFPBRC_BAD_PORT);
        }
        po->in_port = po->match.value.in_port;
    }
    if (actions_len > c.left) {
        return ERR(OFPBRC_BAD_LEN);
    }
    error = ofpacts_pull_actions(c.p, actions_len, msg->version, &po->acts,
                                 &po->n_acts);
    if (error < 0) {
        po->acts = NULL;
        po->n_acts = 0;
        return error;
    }
    ofpcur_bytes(&c, NULL, actions_len);

    uint32_t p = po->in_port;
    if (p >= OFPP_MAX && p != OFPP_LOCAL && p != OFPP_NONE
        && p != OFPP_CONTROLLER) {
        ofp_packet_out_free(po);
        return ERR(OFPBRC_BAD_PORT);
    }
    if (po->buffer_id == OFP_NO_BUFFER) {
        po->packet = c.p;
        po->len = c.left;
    }
    return 0;
}

void ofp_packet_out_free(struct ofp_packet_out *po)
{
    ofpacts_free(po->acts, po->n_acts);
    po->acts = NULL;
    po->n_acts = 0;
}
