/* OpenFlow errors: names and wire codes of OFPERRS (ofp_errors.h), and the
 * OFPT_ERROR message (ofp_msgs.h). */
#include "ofp/ofp_errors.h"

#include <string.h>

#include "ofp/ofp_msgs.h"

struct ofperr_row {
    const char *name;
    int t10, c10, t11, c11;
};

static const struct ofperr_row rows[] = {
    { "OFPERR_NONE", -1, 0, -1, 0 },
#define OFPERR(ENUM, T10, C10, T11, C11) { #ENUM, T10, C10, T11, C11 },
    OFPERRS
#undef OFPERR
};

#define NXET_VENDOR 0xb0c2
#define NXVC_VENDOR_ERROR 0
#define OFPET_EXPERIMENTER 0xffff

const char *ofperr_name(enum ofperr e)
{
    return (unsigned) e < OFPERR_N ? rows[e].name : "OFPERR_UNKNOWN";
}

/* The type and code of row `r` in `version`: OpenFlow 1.3 says some errors
 * that 1.4 standardized as ONF experimenter errors, or with other codes. */
static bool row_code(const struct ofperr_row *r, unsigned version,
                     unsigned *type, unsigned *code)
{
    if (version <= OFP10_VERSION) {
        if (r->t10 < 0) {
            return false;
        }
        *type = (unsigned) r->t10;
        *code = (unsigned) r->c10;
        return true;
    }
    if (r->t11 < 0) {
        return false;
    }
    *type = (unsigned) r->t11;
    *code = (unsigned) r->c11;
    /* Errors 1.4 and 1.5 standardized that earlier versions say as ONF
     * experimenter errors (OVS's ofp-errors.h). */
    if (r->t11 == 2 && r->c11 == 16 && version <= OFP14_VERSION) {
        *type = OFPERR_ONF_EXP;             /* BAD_SET_MASK */
        *code = 4250;
        return true;
    }
    if (version == OFP13_VERSION) {
        if (r->t11 == 1 && (r->c11 == 14 || r->c11 == 15)) {
            *type = OFPERR_ONF_EXP;         /* multipart timeouts */
            *code = 2640u + (unsigned) (r->c11 - 14);
        } else if (r->t11 == 3 && r->c11 == 9) {
            *type = OFPERR_ONF_EXP;         /* DUP_INST */
            *code = 2600;
        } else if (r->t11 == 17) {          /* bundles */
            *type = OFPERR_ONF_EXP;
            *code = 2300u + (unsigned) r->c11;
        } else if (r->t11 == 15) {          /* async config */
            *type = OFPERR_ONF_EXP;
            *code = 2370u + (unsigned) r->c11;
        } else if (r->t11 == 14 && r->c11 <= 2) {   /* properties */
            *type = 13;
            *code = (unsigned) r->c11 + 2u;
        }
    }
    return true;
}

enum ofperr ofperr_decode(unsigned version, unsigned type, unsigned code)
{
    for (int e = 1; e < OFPERR_N; e++) {
        unsigned t, c;
        if (row_code(&rows[e], version, &t, &c) && t == type && c == code) {
            return (enum ofperr) e;
        }
    }
    return OFPERR_NONE;
}

bool ofperr_encode(enum ofperr e, unsigned version, unsigned *type,
                   unsigned *code)
{
    if (e <= OFPERR_NONE || e >= OFPERR_N) {
        return false;
    }
    return row_code(&rows[e], version, type, code);
}

static void encode_error(struct ofpbuf *b, uint8_t version,
                         enum ofperr error, uint32_t xid, const void *data,
                         size_t len)
{
    unsigned type, code;
    if (!ofperr_encode(error, version, &type, &code)) {
        error = OFPERR_NXBRC_UNENCODABLE_ERROR;
        ofperr_encode(error, version, &type, &code);
    }
    size_t start = ofp_msg_start(b, version, OFPTYPE_ERROR, OFPF_STD, xid);
    if (version <= OFP10_VERSION && type & OFPERR_NX_EXP) {
        ofpbuf_put_be16(b, NXET_VENDOR);
        ofpbuf_put_be16(b, NXVC_VENDOR_ERROR);
        ofpbuf_put_be32(b, NX_VENDOR_ID);
        ofpbuf_put_be16(b, (uint16_t) (type & 0xffff));
        ofpbuf_put_be16(b, (uint16_t) code);
    } else if (type == OFPERR_NX_EXP || type == OFPERR_ONF_EXP) {
        ofpbuf_put_be16(b, OFPET_EXPERIMENTER);
        ofpbuf_put_be16(b, (uint16_t) code);
        ofpbuf_put_be32(b, type == OFPERR_NX_EXP ? NX_VENDOR_ID
                                                 : ONF_VENDOR_ID);
    } else {
        ofpbuf_put_be16(b, (uint16_t) type);
        ofpbuf_put_be16(b, (uint16_t) code);
    }
    size_t room = OFP_MAX_MSG_LEN - (b->size - start);
    if (data && len) {
        ofpbuf_put(b, data, len < room ? len : room);
    }
    ofp_msg_finish(b, start);
}

void ofp_encode_error(struct ofpbuf *b, uint8_t version, enum ofperr error,
                      uint32_t xid, const void *data, size_t len)
{
    /* As OVS 3.1's ofperr_encode_reply: the whole request (here cut
     * where the error would pass the largest message). */
    encode_error(b, version, error, xid, data, len);
}

void ofp_encode_error_text(struct ofpbuf *b, uint8_t version,
                           enum ofperr error, uint32_t xid, const char *text)
{
    encode_error(b, version, error, xid, text, strlen(text));
}

int ofp_decode_error(const struct ofp_msg *msg, struct ofp_error_msg *e)
{
    memset(e, 0, sizeof *e);
    if (msg->type != OFPTYPE_ERROR) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    uint16_t type, code;
    if (!ofpcur_be16(&c, &type) || !ofpcur_be16(&c, &code)) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    e->type = type;
    e->code = code;
    if (type == NXET_VENDOR && code == NXVC_VENDOR_ERROR) {
        uint32_t vendor;
        uint16_t vtype, vcode;
        if (!ofpcur_be32(&c, &vendor) || !ofpcur_be16(&c, &vtype)
            || !ofpcur_be16(&c, &vcode)) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        if (vendor == NX_VENDOR_ID) {
            e->error = ofperr_decode(msg->version, OFPERR_NX_EXP | vtype,
                                     vcode);
        }
    } else if (type == OFPET_EXPERIMENTER) {
        uint32_t vendor;
        if (!ofpcur_be32(&c, &vendor)) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        if (vendor == NX_VENDOR_ID || vendor == ONF_VENDOR_ID) {
            e->error = ofperr_decode(msg->version,
                                     vendor == NX_VENDOR_ID ? OFPERR_NX_EXP
                                                            : OFPERR_ONF_EXP,
                                     code);
        }
    } else {
        e->error = ofperr_decode(msg->version, type, code);
    }
    e->data = c.p;
    e->len = c.left;
    return 0;
}
