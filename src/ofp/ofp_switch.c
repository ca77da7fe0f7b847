/* OpenFlow switch messages (ofp_msgs.h): features, switch config, ports
 * (OF1.0 phy_port, OF1.1-1.3 port, OF1.4+ port with properties), port
 * status, port mod, desc, table stats, port stats, port desc, roles, async
 * config, the Nicira one-number messages, bundles.  Wire layouts are those
 * of OVS's include/openflow/ headers; lengths are checked as OVS does (the
 * fixed part by ofp_msg_decode, the variable part here). */
#include "ofp/ofp_msgs.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofp/ofp_port.h"

/* OF1.0 config and state bits that survive (OVS's OFPPC10_ALL,
 * OFPPS10_ALL), and OF1.1+'s. */
#define OFPPC10_ALL 0x7fu
#define OFPPC11_ALL 0x65u
#define OFPPS10_ALL 0x301u
#define OFPPS11_ALL 0x07u

/* ---- helpers ---- */

static void put_str(struct ofpbuf *b, const char *s, size_t width)
{
    size_t n = strnlen(s, width - 1);
    ofpbuf_put(b, s, n);
    ofpbuf_put_zeros(b, width - n);
}

static bool pull_str(struct ofpcur *c, char *dst, size_t width)
{
    if (c->left < width) {
        return false;
    }
    size_t n = strnlen((const char *) c->p, width - 1);
    memcpy(dst, c->p, n);
    dst[n] = '\0';
    ofpcur_bytes(c, NULL, width);
    return true;
}

static bool skip(struct ofpcur *c, size_t n)
{
    return ofpcur_bytes(c, NULL, n);
}

/* An OF1.1+ port number as vswitch holds it, or -1 for one OpenFlow 1.0
 * cannot say (OVS: OFPERR_OFPBAC_BAD_OUT_PORT). */
static int64_t port_from_wire(uint8_t version, uint32_t wire)
{
    if (version == OFP10_VERSION) {
        return wire;
    }
    uint32_t p = ofp_port_from_of11(wire);
    return p == OFPP_NONE + 1u ? -1 : (int64_t) p;
}

static void put_port_no(struct ofpbuf *b, uint8_t version, uint32_t port)
{
    if (version == OFP10_VERSION) {
        ofpbuf_put_be16(b, (uint16_t) port);
    } else {
        ofpbuf_put_be32(b, ofp_port_to_of11(port));
    }
}

/* OF1.0 port feature bits <-> OF1.1+'s: the speeds are the same, COPPER
 * .. PAUSE_ASYM move up by 4 (40GB, 100GB, 1TB, OTHER came between). */
static uint32_t features_from_of10(uint32_t f)
{
    return (f & 0x7f) | ((f & 0xf80) << 4);
}

static uint32_t features_to_of10(uint32_t f)
{
    return (f & 0x7f) | ((f >> 4) & 0xf80);
}

/* The speed in kb/s that OF1.1+ feature bits say (OVS's
 * netdev_features_to_bps / 1000), 0 for none. */
static uint32_t features_speed(uint32_t f)
{
    return (f & 0x200 ? 1000000000u
            : f & 0x100 ? 100000000u
            : f & 0x080 ? 40000000u
            : f & 0x040 ? 10000000u
            : f & 0x030 ? 1000000u
            : f & 0x00c ? 100000u
            : f & 0x003 ? 10000u : 0);
}

/* One property header (OVS's ofpprop_pull): type, length >= 4, padded to 8
 * within the cursor.  `body` gets the bytes after the 4-byte header, up to
 * the length. */
static int pull_prop(struct ofpcur *c, uint16_t *type, struct ofpcur *body)
{
    if (c->left < 4) {
        return -OFPERR_OFPBPC_BAD_LEN;
    }
    uint16_t len = ofp_get_be16(c->p + 2);
    size_t padded = ((size_t) len + 7) / 8 * 8;
    if (len < 4 || padded > c->left) {
        return -OFPERR_OFPBPC_BAD_LEN;
    }
    *type = ofp_get_be16(c->p);
    *body = ofpcur_init(c->p + 4, len - 4u);
    skip(c, padded);
    return 0;
}

/* ---- Ports ---- */

void ofp_put_phy_port(struct ofpbuf *b, uint8_t version,
                      const struct ofp_phy_port *p)
{
    if (version == OFP10_VERSION) {
        ofpbuf_put_be16(b, (uint16_t) p->port_no);
        ofpbuf_put(b, p->hw_addr, 6);
        put_str(b, p->name, OFP_MAX_PORT_NAME_LEN);
        ofpbuf_put_be32(b, p->config & OFPPC10_ALL);
        ofpbuf_put_be32(b, p->state & OFPPS10_ALL);
        ofpbuf_put_be32(b, features_to_of10(p->curr));
        ofpbuf_put_be32(b, features_to_of10(p->advertised));
        ofpbuf_put_be32(b, features_to_of10(p->supported));
        ofpbuf_put_be32(b, features_to_of10(p->peer));
        return;
    }
    bool of14 = version >= OFP14_VERSION;
    ofpbuf_put_be32(b, ofp_port_to_of11(p->port_no));
    if (of14) {
        ofpbuf_put_be16(b, 72);
        ofpbuf_put_zeros(b, 2);
    } else {
        ofpbuf_put_zeros(b, 4);
    }
    ofpbuf_put(b, p->hw_addr, 6);
    ofpbuf_put_zeros(b, 2);
    put_str(b, p->name, OFP_MAX_PORT_NAME_LEN);
    ofpbuf_put_be32(b, p->config & OFPPC11_ALL);
    ofpbuf_put_be32(b, p->state & OFPPS11_ALL);
    if (of14) {
        ofpbuf_put_be16(b, 0);              /* OFPPDPT14_ETHERNET */
        ofpbuf_put_be16(b, 32);
        ofpbuf_put_zeros(b, 4);
    }
    ofpbuf_put_be32(b, p->curr);
    ofpbuf_put_be32(b, p->advertised);
    ofpbuf_put_be32(b, p->supported);
    ofpbuf_put_be32(b, p->peer);
    ofpbuf_put_be32(b, p->curr_speed);
    ofpbuf_put_be32(b, p->max_speed);
}

static void pull_features(struct ofpcur *c, struct ofp_phy_port *p)
{
    ofpcur_be32(c, &p->curr);
    ofpcur_be32(c, &p->advertised);
    ofpcur_be32(c, &p->supported);
    ofpcur_be32(c, &p->peer);
}

int ofp_pull_phy_port(struct ofpcur *c, uint8_t version,
                      struct ofp_phy_port *p)
{
    memset(p, 0, sizeof *p);
    if (version == OFP10_VERSION) {
        if (c->left < 48) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        uint16_t port;
        ofpcur_be16(c, &port);
        p->port_no = port;
        ofpcur_bytes(c, p->hw_addr, 6);
        pull_str(c, p->name, OFP_MAX_PORT_NAME_LEN);
        ofpcur_be32(c, &p->config);
        ofpcur_be32(c, &p->state);
        p->config &= OFPPC10_ALL;
        p->state &= OFPPS10_ALL;
        pull_features(c, p);
        p->curr = features_from_of10(p->curr);
        p->advertised = features_from_of10(p->advertised);
        p->supported = features_from_of10(p->supported);
        p->peer = features_from_of10(p->peer);
        p->curr_speed = features_speed(p->curr);
        p->max_speed = features_speed(p->supported);
        return 0;
    }

    uint32_t port;
    struct ofpcur props = ofpcur_init(NULL, 0);
    if (version < OFP14_VERSION) {
        if (c->left < 64) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        ofpcur_be32(c, &port);
        skip(c, 4);
    } else {
        if (c->left < 40) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        uint16_t len = ofp_get_be16(c->p + 4);
        if (len < 40 || len > c->left) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        props = ofpcur_init(c->p + 40, len - 40u);
        ofpcur_be32(c, &port);
        skip(c, 4);
    }
    int64_t pn = port_from_wire(version, port);
    if (pn < 0) {
        return -OFPERR_OFPBAC_BAD_OUT_PORT;
    }
    p->port_no = (uint32_t) pn;
    ofpcur_bytes(c, p->hw_addr, 6);
    skip(c, 2);
    pull_str(c, p->name, OFP_MAX_PORT_NAME_LEN);
    ofpcur_be32(c, &p->config);
    ofpcur_be32(c, &p->state);
    p->config &= OFPPC11_ALL;
    p->state &= OFPPS11_ALL;
    if (version < OFP14_VERSION) {
        pull_features(c, p);
        ofpcur_be32(c, &p->curr_speed);
        ofpcur_be32(c, &p->max_speed);
        return 0;
    }
    skip(c, props.left);
    while (props.left) {
        uint16_t type;
        struct ofpcur body;
        int error = pull_prop(&props, &type, &body);
        if (error) {
            return error;
        }
        if (type == 0) {                    /* OFPPDPT14_ETHERNET */
            if (body.left != 28) {
                return -OFPERR_OFPBPC_BAD_LEN;
            }
            skip(&body, 4);
            pull_features(&body, p);
            ofpcur_be32(&body, &p->curr_speed);
            ofpcur_be32(&body, &p->max_speed);
        }
        /* Others (optical, experimenter) are ignored, as OVS does. */
    }
    return 0;
}

/* ---- Features ---- */

void ofp_encode_features_reply(struct ofpbuf *b, const struct ofp_msg *req,
                               const struct ofp_features *f)
{
    size_t start = ofp_msg_start_reply(b, req, OFPTYPE_FEATURES_REPLY);
    ofpbuf_put_be64(b, f->datapath_id);
    ofpbuf_put_be32(b, f->n_buffers);
    ofpbuf_put_u8(b, f->n_tables);
    ofpbuf_put_u8(b, req->version >= OFP13_VERSION ? f->auxiliary_id : 0);
    ofpbuf_put_zeros(b, 2);
    ofpbuf_put_be32(b, f->capabilities);
    ofpbuf_put_be32(b, req->version == OFP10_VERSION ? f->actions : 0);
    if (req->version < OFP13_VERSION) {
        for (size_t i = 0; i < f->n_ports; i++) {
            ofp_put_phy_port(b, req->version, &f->ports[i]);
        }
    }
    ofp_msg_finish(b, start);
}

int ofp_decode_features_reply(const struct ofp_msg *msg,
                              struct ofp_features *f)
{
    memset(f, 0, sizeof *f);
    if (msg->type != OFPTYPE_FEATURES_REPLY) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    uint32_t reserved;
    if (!ofpcur_be64(&c, &f->datapath_id) || !ofpcur_be32(&c, &f->n_buffers)
        || !ofpcur_u8(&c, &f->n_tables) || !ofpcur_u8(&c, &f->auxiliary_id)
        || !skip(&c, 2) || !ofpcur_be32(&c, &f->capabilities)
        || !ofpcur_be32(&c, &reserved)) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    if (msg->version == OFP10_VERSION) {
        f->actions = reserved;
        f->auxiliary_id = 0;
    }
    if (msg->version < OFP13_VERSION && c.left) {
        size_t size = msg->version == OFP10_VERSION ? 48 : 64;
        size_t n = c.left / size;       /* ofp_msg_decode checked the
                                         * multiple */
        f->ports = xcalloc(n, sizeof *f->ports);
        for (size_t i = 0; i < n; i++) {
            int error = ofp_pull_phy_port(&c, msg->version, &f->ports[i]);
            if (error) {
                ofp_features_free(f);
                return error;
            }
            f->n_ports++;
        }
    }
    return 0;
}

void ofp_features_free(struct ofp_features *f)
{
    free(f->ports);
    f->ports = NULL;
    f->n_ports = 0;
}

/* ---- Switch config ---- */

void ofp_encode_switch_config(struct ofpbuf *b, uint8_t version,
                              enum ofptype type, uint32_t xid,
                              const struct ofp_switch_config *c)
{
    size_t start = ofp_msg_start(b, version, type, OFPF_STD, xid);
    ofpbuf_put_be16(b, c->flags);
    ofpbuf_put_be16(b, c->miss_send_len);
    ofp_msg_finish(b, start);
}

int ofp_decode_switch_config(const struct ofp_msg *msg,
                             struct ofp_switch_config *c)
{
    memset(c, 0, sizeof *c);
    if (msg->type != OFPTYPE_GET_CONFIG_REPLY
        && msg->type != OFPTYPE_SET_CONFIG) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur cur = ofpcur_init(msg->body, msg->body_len);
    if (!ofpcur_be16(&cur, &c->flags)
        || !ofpcur_be16(&cur, &c->miss_send_len) || cur.left) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    return 0;
}

/* ---- Port status, port mod ---- */

void ofp_encode_port_status(struct ofpbuf *b, uint8_t version,
                            enum ofp_port_reason reason,
                            const struct ofp_phy_port *p)
{
    size_t start = ofp_msg_start(b, version, OFPTYPE_PORT_STATUS, OFPF_STD,
                                 0);
    ofpbuf_put_u8(b, (uint8_t) reason);
    ofpbuf_put_zeros(b, 7);
    ofp_put_phy_port(b, version, p);
    ofp_msg_finish(b, start);
}

int ofp_decode_port_status(const struct ofp_msg *msg,
                           enum ofp_port_reason *reason,
                           struct ofp_phy_port *p)
{
    if (msg->type != OFPTYPE_PORT_STATUS) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    uint8_t r;
    if (!ofpcur_u8(&c, &r) || !skip(&c, 7)) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    if (r > OFPPR_MODIFY) {
        return -OFPERR_NXBRC_BAD_REASON;
    }
    *reason = (enum ofp_port_reason) r;
    int error = ofp_pull_phy_port(&c, msg->version, p);
    if (!error && c.left) {
        error = -OFPERR_OFPBRC_BAD_LEN;
    }
    return error;
}

void ofp_encode_port_mod(struct ofpbuf *b, uint8_t version, uint32_t xid,
                         const struct ofp_port_mod *pm)
{
    size_t start = ofp_msg_start(b, version, OFPTYPE_PORT_MOD, OFPF_STD,
                                 xid);
    if (version == OFP10_VERSION) {
        ofpbuf_put_be16(b, (uint16_t) pm->port_no);
        ofpbuf_put(b, pm->hw_addr, 6);
        ofpbuf_put_be32(b, pm->config & OFPPC10_ALL);
        ofpbuf_put_be32(b, pm->mask & OFPPC10_ALL);
        ofpbuf_put_be32(b, features_to_of10(pm->advertise));
        ofpbuf_put_zeros(b, 4);
    } else {
        ofpbuf_put_be32(b, ofp_port_to_of11(pm->port_no));
        ofpbuf_put_zeros(b, 4);
        ofpbuf_put(b, pm->hw_addr, 6);
        ofpbuf_put_zeros(b, 2);
        ofpbuf_put_be32(b, pm->config & OFPPC11_ALL);
        ofpbuf_put_be32(b, pm->mask & OFPPC11_ALL);
        if (version < OFP14_VERSION) {
            ofpbuf_put_be32(b, pm->advertise);
            ofpbuf_put_zeros(b, 4);
        } else if (pm->advertise) {
            ofpbuf_put_be16(b, 0);          /* OFPPMPT14_ETHERNET */
            ofpbuf_put_be16(b, 8);
            ofpbuf_put_be32(b, pm->advertise);
        }
    }
    ofp_msg_finish(b, start);
}

int ofp_decode_port_mod(const struct ofp_msg *msg, struct ofp_port_mod *pm)
{
    memset(pm, 0, sizeof *pm);
    if (msg->type != OFPTYPE_PORT_MOD) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    if (msg->version == OFP10_VERSION) {
        uint16_t port;
        if (!ofpcur_be16(&c, &port) || !ofpcur_bytes(&c, pm->hw_addr, 6)
            || !ofpcur_be32(&c, &pm->config) || !ofpcur_be32(&c, &pm->mask)
            || !ofpcur_be32(&c, &pm->advertise)) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        pm->port_no = port;
        pm->config &= OFPPC10_ALL;
        pm->mask &= OFPPC10_ALL;
        pm->advertise = features_from_of10(pm->advertise);
        return 0;
    }
    uint32_t port;
    if (!ofpcur_be32(&c, &port) || !skip(&c, 4)
        || !ofpcur_bytes(&c, pm->hw_addr, 6) || !skip(&c, 2)
        || !ofpcur_be32(&c, &pm->config) || !ofpcur_be32(&c, &pm->mask)) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    int64_t pn = port_from_wire(msg->version, port);
    if (pn < 0) {
        return -OFPERR_OFPBAC_BAD_OUT_PORT;
    }
    pm->port_no = (uint32_t) pn;
    pm->config &= OFPPC11_ALL;
    pm->mask &= OFPPC11_ALL;
    if (msg->version < OFP14_VERSION) {
        if (!ofpcur_be32(&c, &pm->advertise)) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        return 0;
    }
    while (c.left) {
        uint16_t type;
        struct ofpcur body;
        int error = pull_prop(&c, &type, &body);
        if (error) {
            return error;
        }
        if (type != 0) {                    /* OFPPMPT14_ETHERNET */
            return -OFPERR_OFPBPC_BAD_TYPE;
        }
        if (body.left != 4) {
            return -OFPERR_OFPBPC_BAD_LEN;
        }
        ofpcur_be32(&body, &pm->advertise);
    }
    return 0;
}

/* ---- Desc, table stats ---- */

void ofp_encode_desc_reply(struct ofpbuf *b, const struct ofp_msg *req,
                           const struct ofp_desc *d)
{
    size_t start = ofp_msg_start_reply(b, req, OFPTYPE_DESC_STATS_REPLY);
    put_str(b, d->mfr_desc, sizeof d->mfr_desc);
    put_str(b, d->hw_desc, sizeof d->hw_desc);
    put_str(b, d->sw_desc, sizeof d->sw_desc);
    put_str(b, d->serial_num, sizeof d->serial_num);
    put_str(b, d->dp_desc, sizeof d->dp_desc);
    ofp_msg_finish(b, start);
}

int ofp_decode_desc_reply(const struct ofp_msg *msg, struct ofp_desc *d)
{
    memset(d, 0, sizeof *d);
    if (msg->type != OFPTYPE_DESC_STATS_REPLY) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    if (!pull_str(&c, d->mfr_desc, sizeof d->mfr_desc)
        || !pull_str(&c, d->hw_desc, sizeof d->hw_desc)
        || !pull_str(&c, d->sw_desc, sizeof d->sw_desc)
        || !pull_str(&c, d->serial_num, sizeof d->serial_num)
        || !pull_str(&c, d->dp_desc, sizeof d->dp_desc) || c.left) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    return 0;
}

/* What OVS says an OF1.0 table wildcards: every field (OFPFW10_ALL with
 * the nw_src/nw_dst "all" values). */
#define OF10_TABLE_WILDCARDS 0x003820ffu

void ofp_put_table_stats(struct ofp_mp_reply *r,
                         const struct ofp_table_stats *ts)
{
    struct ofpbuf *b = r->b;
    ofp_mp_entry_start(r);
    ofpbuf_put_u8(b, ts->table_id);
    ofpbuf_put_zeros(b, 3);
    if (r->req->version == OFP10_VERSION) {
        put_str(b, ts->name, sizeof ts->name);
        ofpbuf_put_be32(b, OF10_TABLE_WILDCARDS);
        ofpbuf_put_be32(b, ts->max_entries);
    }
    ofpbuf_put_be32(b, ts->active_count);
    ofpbuf_put_be64(b, ts->lookup_count);
    ofpbuf_put_be64(b, ts->matched_count);
    ofp_mp_entry_end(r);
}

int ofp_decode_table_stats_reply(const struct ofp_msg *msg,
                                 struct ofp_table_stats **tsp, size_t *n)
{
    *tsp = NULL;
    *n = 0;
    if (msg->type != OFPTYPE_TABLE_STATS_REPLY) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    if (msg->version != OFP10_VERSION && msg->version < OFP13_VERSION) {
        return -OFPERR_OFPBRC_BAD_VERSION;
    }
    size_t size = msg->version == OFP10_VERSION ? 64 : 24;
    if (msg->body_len % size) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    size_t count = msg->body_len / size;
    struct ofp_table_stats *ts = count ? xcalloc(count, sizeof *ts) : NULL;
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    for (size_t i = 0; i < count; i++) {
        ofpcur_u8(&c, &ts[i].table_id);
        skip(&c, 3);
        if (msg->version == OFP10_VERSION) {
            pull_str(&c, ts[i].name, sizeof ts[i].name);
            skip(&c, 4);                    /* wildcards */
            ofpcur_be32(&c, &ts[i].max_entries);
        }
        ofpcur_be32(&c, &ts[i].active_count);
        ofpcur_be64(&c, &ts[i].lookup_count);
        ofpcur_be64(&c, &ts[i].matched_count);
    }
    *tsp = ts;
    *n = count;
    return 0;
}

/* ---- Port stats ---- */

void ofp_encode_port_stats_request(struct ofpbuf *b, uint8_t version,
                                   uint32_t xid, uint32_t port_no)
{
    size_t start = ofp_msg_start(b, version, OFPTYPE_PORT_STATS_REQUEST,
                                 OFPF_STD, xid);
    put_port_no(b, version, port_no);
    ofpbuf_put_zeros(b, version == OFP10_VERSION ? 6 : 4);
    ofp_msg_finish(b, start);
}

static int decode_port_request(const struct ofp_msg *msg,
                               uint32_t *port_no)
{
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    if (msg->version == OFP10_VERSION) {
        uint16_t p;
        if (!ofpcur_be16(&c, &p)) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        *port_no = p;
        return 0;
    }
    uint32_t p;
    if (!ofpcur_be32(&c, &p)) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    int64_t pn = port_from_wire(msg->version, p);
    if (pn < 0) {
        return -OFPERR_OFPBAC_BAD_OUT_PORT;
    }
    *port_no = (uint32_t) pn;
    return 0;
}

int ofp_decode_port_stats_request(const struct ofp_msg *msg,
                                  uint32_t *port_no)
{
    *port_no = OFPP_NONE;
    if (msg->type != OFPTYPE_PORT_STATS_REQUEST) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    return decode_port_request(msg, port_no);
}

void ofp_put_port_stats(struct ofp_mp_reply *r,
                        const struct ofp_port_stats *ps)
{
    struct ofpbuf *b = r->b;
    uint8_t version = r->req->version;
    ofp_mp_entry_start(r);
    if (version >= OFP14_VERSION) {
        ofpbuf_put_be16(b, 120);
        ofpbuf_put_zeros(b, 2);
        ofpbuf_put_be32(b, ofp_port_to_of11(ps->port_no));
        ofpbuf_put_be32(b, ps->duration_sec);
        ofpbuf_put_be32(b, ps->duration_nsec);
    } else {
        put_port_no(b, version, ps->port_no);
        ofpbuf_put_zeros(b, version == OFP10_VERSION ? 6 : 4);
    }
    ofpbuf_put_be64(b, ps->rx_packets);
    ofpbuf_put_be64(b, ps->tx_packets);
    ofpbuf_put_be64(b, ps->rx_bytes);
    ofpbuf_put_be64(b, ps->tx_bytes);
    ofpbuf_put_be64(b, ps->rx_dropped);
    ofpbuf_put_be64(b, ps->tx_dropped);
    ofpbuf_put_be64(b, ps->rx_errors);
    ofpbuf_put_be64(b, ps->tx_errors);
    if (version >= OFP14_VERSION) {
        ofpbuf_put_be16(b, 0);              /* OFPPSPT14_ETHERNET */
        ofpbuf_put_be16(b, 40);
        ofpbuf_put_zeros(b, 4);
    }
    ofpbuf_put_be64(b, ps->rx_frame_err);
    ofpbuf_put_be64(b, ps->rx_over_err);
    ofpbuf_put_be64(b, ps->rx_crc_err);
    ofpbuf_put_be64(b, ps->collisions);
    if (version >= OFP11_VERSION && version < OFP14_VERSION) {
        ofpbuf_put_be32(b, ps->duration_sec);
        ofpbuf_put_be32(b, ps->duration_nsec);
    }
    ofp_mp_entry_end(r);
}

static void pull_counters(struct ofpcur *c, struct ofp_port_stats *ps)
{
    ofpcur_be64(c, &ps->rx_packets);
    ofpcur_be64(c, &ps->tx_packets);
    ofpcur_be64(c, &ps->rx_bytes);
    ofpcur_be64(c, &ps->tx_bytes);
    ofpcur_be64(c, &ps->rx_dropped);
    ofpcur_be64(c, &ps->tx_dropped);
    ofpcur_be64(c, &ps->rx_errors);
    ofpcur_be64(c, &ps->tx_errors);
}

static void pull_errs(struct ofpcur *c, struct ofp_port_stats *ps)
{
    ofpcur_be64(c, &ps->rx_frame_err);
    ofpcur_be64(c, &ps->rx_over_err);
    ofpcur_be64(c, &ps->rx_crc_err);
    ofpcur_be64(c, &ps->collisions);
}

/* One OF1.4+ port stats entry (length-prefixed, with properties). */
static int pull_port_stats14(struct ofpcur *c, struct ofp_port_stats *ps)
{
    if (c->left < 80) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    uint16_t len = ofp_get_be16(c->p);
    if (len < 80 || len > c->left) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    struct ofpcur props = ofpcur_init(c->p + 80, len - 80u);
    uint32_t port;
    skip(c, 4);
    ofpcur_be32(c, &port);
    int64_t pn = port_from_wire(OFP14_VERSION, port);
    if (pn < 0) {
        return -OFPERR_OFPBAC_BAD_OUT_PORT;
    }
    ps->port_no = (uint32_t) pn;
    ofpcur_be32(c, &ps->duration_sec);
    ofpcur_be32(c, &ps->duration_nsec);
    pull_counters(c, ps);
    skip(c, props.left);
    ps->rx_frame_err = ps->rx_over_err = UINT64_MAX;
    ps->rx_crc_err = ps->collisions = UINT64_MAX;
    while (props.left) {
        uint16_t type;
        struct ofpcur body;
        int error = pull_prop(&props, &type, &body);
        if (error) {
            return error;
        }
        if (type == 0) {                    /* OFPPSPT14_ETHERNET */
            if (body.left != 36) {
                return -OFPERR_OFPBPC_BAD_LEN;
            }
            skip(&body, 4);
            pull_errs(&body, ps);
        }
    }
    return 0;
}

int ofp_decode_port_stats_reply(const struct ofp_msg *msg,
                                struct ofp_port_stats **psp, size_t *n)
{
    *psp = NULL;
    *n = 0;
    if (msg->type != OFPTYPE_PORT_STATS_REPLY) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    uint8_t v = msg->version;
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    /* At most one entry per 80 bytes: no unbounded allocation. */
    size_t cap = msg->body_len / 80 + 1;
    struct ofp_port_stats *ps = xcalloc(cap, sizeof *ps);
    size_t count = 0;
    int error = 0;
    while (c.left && !error) {
        struct ofp_port_stats *s = &ps[count];
        if (v >= OFP14_VERSION) {
            error = pull_port_stats14(&c, s);
        } else {
            size_t size = v == OFP10_VERSION ? 104 : v == OFP13_VERSION
                                                     ? 112 : 104;
            if (c.left < size) {
                error = -OFPERR_OFPBRC_BAD_LEN;
                break;
            }
            if (v == OFP10_VERSION) {
                uint16_t p;
                ofpcur_be16(&c, &p);
                s->port_no = p;
                skip(&c, 6);
            } else {
                uint32_t p;
                ofpcur_be32(&c, &p);
                skip(&c, 4);
                int64_t pn = port_from_wire(v, p);
                if (pn < 0) {
                    error = -OFPERR_OFPBAC_BAD_OUT_PORT;
                    break;
                }
                s->port_no = (uint32_t) pn;
            }
            pull_counters(&c, s);
            pull_errs(&c, s);
            if (v == OFP13_VERSION) {
                ofpcur_be32(&c, &s->duration_sec);
                ofpcur_be32(&c, &s->duration_nsec);
            }
        }
        if (!error) {
            count++;
        }
    }
    if (error) {
        free(ps);
        return error;
    }
    *psp = ps;
    *n = count;
    return 0;
}

/* ---- Port desc ---- */

void ofp_encode_port_desc_request(struct ofpbuf *b, uint8_t version,
                                  uint32_t xid, uint32_t port_no)
{
    size_t start = ofp_msg_start(b, version, OFPTYPE_PORT_DESC_STATS_REQUEST,
                                 OFPF_STD, xid);
    if (version >= OFP15_VERSION) {
        ofpbuf_put_be32(b, ofp_port_to_of11(port_no));
        ofpbuf_put_zeros(b, 4);
    }
    ofp_msg_finish(b, start);
}

int ofp_decode_port_desc_request(const struct ofp_msg *msg,
                                 uint32_t *port_no)
{
    *port_no = OFPP_NONE;
    if (msg->type != OFPTYPE_PORT_DESC_STATS_REQUEST) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    if (msg->version < OFP15_VERSION) {
        return 0;
    }
    return decode_port_request(msg, port_no);
}

void ofp_put_port_desc(struct ofp_mp_reply *r, const struct ofp_phy_port *p)
{
    ofp_mp_entry_start(r);
    ofp_put_phy_port(r->b, r->req->version, p);
    ofp_mp_entry_end(r);
}

int ofp_decode_port_desc_reply(const struct ofp_msg *msg,
                               struct ofp_phy_port **pp, size_t *n)
{
    *pp = NULL;
    *n = 0;
    if (msg->type != OFPTYPE_PORT_DESC_STATS_REPLY) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    size_t cap = msg->body_len / 40 + 1;
    struct ofp_phy_port *p = xcalloc(cap, sizeof *p);
    size_t count = 0;
    while (c.left) {
        int error = ofp_pull_phy_port(&c, msg->version, &p[count]);
        if (error) {
            free(p);
            return error;
        }
        count++;
    }
    *pp = p;
    *n = count;
    return 0;
}

/* ---- Queue configuration ---- */

void ofp_encode_queue_get_config_request(struct ofpbuf *b, uint8_t version,
                                         uint32_t xid, uint32_t port,
                                         uint32_t queue)
{
    size_t start;
    if (version >= OFP14_VERSION) {
        start = ofp_msg_start(b, version, OFPTYPE_QUEUE_DESC_STATS_REQUEST,
                              OFPF_STD, xid);
        ofpbuf_put_be32(b, ofp_port_to_of11(port));
        ofpbuf_put_be32(b, queue);
    } else {
        start = ofp_msg_start(b, version, OFPTYPE_QUEUE_GET_CONFIG_REQUEST,
                              OFPF_STD, xid);
        put_port_no(b, version, port);
        ofpbuf_put_zeros(b, version == OFP10_VERSION ? 2 : 4);
    }
    ofp_msg_finish(b, start);
}

int ofp_decode_queue_get_config_request(const struct ofp_msg *msg,
                                        uint32_t *port, uint32_t *queue)
{
    *port = OFPP_NONE;
    *queue = OFPQ_ALL;
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    if (msg->type == OFPTYPE_QUEUE_DESC_STATS_REQUEST) {
        uint32_t wire;
        if (!ofpcur_be32(&c, &wire) || !ofpcur_be32(&c, queue)) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        int64_t pn = port_from_wire(msg->version, wire);
        if (pn < 0) {
            return -OFPERR_OFPBAC_BAD_OUT_PORT;
        }
        *port = (uint32_t) pn;
        return 0;
    }
    if (msg->type != OFPTYPE_QUEUE_GET_CONFIG_REQUEST) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    int err = decode_port_request(msg, port);
    if (err) {
        return err;
    }
    if (msg->version != OFP10_VERSION && *port == OFPP_NONE) {
        return 0;
    }
    return *port < OFPP_MAX ? 0 : -OFPERR_OFPQOFC_BAD_PORT;
}

void ofp_encode_queue_get_config_reply(struct ofpbuf *b,
                                       const struct ofp_msg *req,
                                       uint32_t port)
{
    if (req->type == OFPTYPE_QUEUE_DESC_STATS_REQUEST) {
        struct ofp_mp_reply r;
        ofp_mp_reply_init(&r, b, req);
        ofp_mp_reply_finish(&r);
        return;
    }
    size_t start = ofp_msg_start_reply(b, req, OFPTYPE_QUEUE_GET_CONFIG_REPLY);
    put_port_no(b, req->version, port);
    ofpbuf_put_zeros(b, req->version == OFP10_VERSION ? 6 : 4);
    ofp_msg_finish(b, start);
}

/* A queue's min/max rate properties: OF1.0-1.3's (type, len, pad[4], rate,
 * pad[6]) or 1.4's (type, len, rate, pad[2]); others are skipped. */
static int pull_queue_props(struct ofpcur *c, bool of14,
                            struct ofp_queue_config *q)
{
    while (c->left) {
        uint16_t type, len, rate;
        if (!ofpcur_be16(c, &type) || !ofpcur_be16(c, &len) || len < 8
            || len % 8 || len - 4u > c->left) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        struct ofpcur body;
        ofpcur_sub(c, len - 4u, &body);
        if (type != 1 && type != 2) {
            continue;
        }
        if ((!of14 && len != 16) || (!of14 && !skip(&body, 4))
            || !ofpcur_be16(&body, &rate)) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        if (type == 1) {
            q->min_rate = rate;
        } else {
            q->max_rate = rate;
        }
    }
    return 0;
}

int ofp_decode_queue_get_config_reply(const struct ofp_msg *msg,
                                      struct ofp_queue_config **qs,
                                      size_t *n)
{
    *qs = NULL;
    *n = 0;
    bool of14 = msg->type == OFPTYPE_QUEUE_DESC_STATS_REPLY;
    if (!of14 && msg->type != OFPTYPE_QUEUE_GET_CONFIG_REPLY) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    uint32_t port = OFPP_NONE;
    if (!of14) {
        int err = decode_port_request(msg, &port);
        if (err) {
            return err;
        }
        skip(&c, 8);                 /* port and pad, in every version */
    }
    size_t cap = 0;
    int err = 0;
    while (!err && c.left) {
        struct ofp_queue_config q = { port, 0, UINT16_MAX, UINT16_MAX };
        uint32_t wire;
        uint16_t len;
        size_t hdr;
        bool ok;
        if (of14) {
            ok = ofpcur_be32(&c, &wire) && ofpcur_be32(&c, &q.queue)
                 && ofpcur_be16(&c, &len) && skip(&c, 6);
            int64_t pn = port_from_wire(msg->version, wire);
            q.port = pn < 0 ? OFPP_NONE : (uint32_t) pn;
            hdr = 16;
        } else if (msg->version < 3) {  /* 1.0, 1.1: no port per queue */
            ok = ofpcur_be32(&c, &q.queue) && ofpcur_be16(&c, &len)
                 && skip(&c, 2);
            hdr = 8;
        } else {
            ok = ofpcur_be32(&c, &q.queue) && skip(&c, 4)
                 && ofpcur_be16(&c, &len) && skip(&c, 6);
            hdr = 16;
        }
        struct ofpcur props;
        if (!ok || len < hdr || len % 8 || !ofpcur_sub(&c, len - hdr, &props)) {
            err = -OFPERR_OFPBRC_BAD_LEN;
            break;
        }
        err = pull_queue_props(&props, of14, &q);
        if (!err) {
            if (*n == cap) {
                cap = cap ? 2 * cap : 4;
                *qs = xrealloc(*qs, cap * sizeof **qs);
            }
            (*qs)[(*n)++] = q;
        }
    }
    if (err) {
        free(*qs);
        *qs = NULL;
        *n = 0;
    }
    return err;
}

/* ---- Roles ---- */

#define NX_ROLE_OTHER 0
#define NX_ROLE_SLAVE 2

int ofp_decode_role_request(const struct ofp_msg *msg,
                            struct ofp_role_request *rr)
{
    memset(rr, 0, sizeof *rr);
    if (msg->type != OFPTYPE_ROLE_REQUEST && msg->type != OFPTYPE_ROLE_REPLY) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    uint32_t role;
    if (!ofpcur_be32(&c, &role)) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    if (msg->family == OFPF_NX) {
        if (role > NX_ROLE_SLAVE) {
            return -OFPERR_OFPRRFC_BAD_ROLE;
        }
        rr->role = (enum ofp_role) (role + 1);
        return 0;
    }
    uint64_t gen;
    if (!skip(&c, 4) || !ofpcur_be64(&c, &gen)) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    if (role > OFPCR_ROLE_SLAVE) {
        return -OFPERR_OFPRRFC_BAD_ROLE;
    }
    rr->role = (enum ofp_role) role;
    if (role != OFPCR_ROLE_NOCHANGE && gen != UINT64_MAX) {
        rr->have_generation_id = true;
        rr->generation_id = gen;
    }
    return 0;
}

static void put_role(struct ofpbuf *b, enum ofp_family family,
                     const struct ofp_role_request *rr)
{
    if (family == OFPF_NX) {
        ofpbuf_put_be32(b, rr->role == OFPCR_ROLE_NOCHANGE ? NX_ROLE_OTHER
                                                           : rr->role - 1u);
    } else {
        ofpbuf_put_be32(b, rr->role);
        ofpbuf_put_zeros(b, 4);
        ofpbuf_put_be64(b, rr->have_generation_id ? rr->generation_id
                                                  : UINT64_MAX);
    }
}

void ofp_encode_role_reply(struct ofpbuf *b, const struct ofp_msg *req,
                           const struct ofp_role_request *rr)
{
    size_t start = ofp_msg_start_reply(b, req, OFPTYPE_ROLE_REPLY);
    put_role(b, req->family, rr);
    ofp_msg_finish(b, start);
}

void ofp_encode_role_request(struct ofpbuf *b, uint8_t version,
                             enum ofp_family family, uint32_t xid,
                             const struct ofp_role_request *rr)
{
    size_t start = ofp_msg_start(b, version, OFPTYPE_ROLE_REQUEST, family,
                                 xid);
    put_role(b, family, rr);
    ofp_msg_finish(b, start);
}

bool ofp_encode_role_status(struct ofpbuf *b, uint8_t version,
                            const struct ofp_role_status *rs)
{
    if (version < OFP13_VERSION) {
        return false;
    }
    size_t start = ofp_msg_start(b, version, OFPTYPE_ROLE_STATUS,
                                 version == OFP13_VERSION ? OFPF_ONF
                                                          : OFPF_STD, 0);
    ofpbuf_put_be32(b, rs->role);
    ofpbuf_put_u8(b, rs->reason);
    ofpbuf_put_zeros(b, 3);
    ofpbuf_put_be64(b, rs->generation_id);
    ofp_msg_finish(b, start);
    return true;
}

int ofp_decode_role_status(const struct ofp_msg *msg,
                           struct ofp_role_status *rs)
{
    memset(rs, 0, sizeof *rs);
    if (msg->type != OFPTYPE_ROLE_STATUS) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    uint32_t role;
    uint8_t reason;
    uint64_t gen;
    if (!ofpcur_be32(&c, &role) || !ofpcur_u8(&c, &reason) || !skip(&c, 3)
        || !ofpcur_be64(&c, &gen)) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    if (role > OFPCR_ROLE_SLAVE) {
        return -OFPERR_OFPRRFC_BAD_ROLE;
    }
    rs->role = (enum ofp_role) role;
    rs->reason = reason;
    rs->generation_id = gen;
    return 0;
}

/* ---- Async config ---- */

void ofp_async_config_default_v(struct ofp_async_config *ac, uint8_t version)
{
    memset(ac, 0, sizeof *ac);
    /* Every OF1.4 packet-in reason but invalid TTL. */
    ac->packet_in[0] = 0x3f & ~(1u << OFPR_INVALID_TTL);
    ac->port_status[0] = ac->port_status[1] = 0x7;
    ac->flow_removed[0] = (version >= OFP14_VERSION ? 0x3f
                           : version == OFP13_VERSION ? 0x0f : 0x07);
}

void ofp_async_config_default(struct ofp_async_config *ac)
{
    ofp_async_config_default_v(ac, OFP14_VERSION);
}

/* The masks of async property type `t` (0..11: slave/master pairs of
 * packet-in, port status, flow removed, role status, table status,
 * requestforward), and the bits each allows in `version` (OVS's
 * async_props). */
static uint32_t *async_mask(struct ofp_async_config *ac, unsigned t)
{
    uint32_t *pairs[] = {
        ac->packet_in, ac->port_status, ac->flow_removed, ac->role_status,
        ac->table_status, ac->requestforward,
    };
    /* Type 2k is the slave's ([1]), 2k + 1 the master's ([0]). */
    return &pairs[t / 2][t % 2 ? 0 : 1];
}

static uint32_t async_allowed(unsigned t, uint8_t version)
{
    static const uint32_t allowed[6] = { 0x07, 0x07, 0x3f, 0x07, 0x18, 0x03 };
    return t / 2 == 0 && version >= OFP14_VERSION ? 0x3f : allowed[t / 2];
}

int ofp_decode_set_async(const struct ofp_msg *msg,
                         struct ofp_async_config *ac)
{
    if (msg->type != OFPTYPE_SET_ASYNC_CONFIG
        && msg->type != OFPTYPE_GET_ASYNC_REPLY) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    bool legacy = (msg->family == OFPF_NX ? msg->subtype == 19
                   : msg->version < OFP14_VERSION);
    if (legacy) {
        /* packet_in[2], port_status[2], flow_removed[2]: the bits a
         * version lacks are dropped (OVS is loose here). */
        if (c.left != 24) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        struct ofp_async_config new;
        memset(&new, 0, sizeof new);    /* as OVS: the rest is cleared */
        for (unsigned oam = 0; oam < 3; oam++) {
            for (unsigned i = 0; i < 2; i++) {
                uint32_t m;
                unsigned t = oam * 2 + (i == 0);
                ofpcur_be32(&c, &m);
                *async_mask(&new, t) = m & async_allowed(t, msg->version);
            }
        }
        *ac = new;
        return 0;
    }
    struct ofp_async_config new = *ac;
    while (c.left) {
        if (c.left < 4) {
            return -OFPERR_OFPBPC_BAD_LEN;
        }
        uint16_t type = ofp_get_be16(c.p);
        uint16_t len = ofp_get_be16(c.p + 2);
        size_t padded = ((size_t) len + 7) / 8 * 8;
        if (len < (type >= 0xfffe ? 12 : 4) || padded > c.left) {
            return -OFPERR_OFPBPC_BAD_LEN;
        }
        if (type >= 12) {
            return -OFPERR_OFPACFC_UNSUPPORTED;
        }
        if (len != 8) {
            return -OFPERR_OFPBPC_BAD_LEN;
        }
        uint32_t m = ofp_get_be32(c.p + 4);
        if (m & ~async_allowed(type, msg->version)) {
            return -OFPERR_OFPACFC_INVALID;
        }
        *async_mask(&new, type) = m;
        skip(&c, padded);
    }
    *ac = new;
    return 0;
}

void ofp_encode_get_async_reply(struct ofpbuf *b, const struct ofp_msg *req,
                                const struct ofp_async_config *ac_)
{
    struct ofp_async_config ac = *ac_;
    size_t start = ofp_msg_start_reply(b, req, OFPTYPE_GET_ASYNC_REPLY);
    if (req->version < OFP14_VERSION) {
        for (unsigned oam = 0; oam < 3; oam++) {
            for (unsigned i = 0; i < 2; i++) {
                unsigned t = oam * 2 + (i == 0);
                ofpbuf_put_be32(b, *async_mask(&ac, t)
                                   & async_allowed(t, req->version));
            }
        }
    } else {
        for (unsigned t = 0; t < 12; t++) {
            ofpbuf_put_be16(b, (uint16_t) t);
            ofpbuf_put_be16(b, 8);
            ofpbuf_put_be32(b, *async_mask(&ac, t)
                               & async_allowed(t, req->version));
        }
    }
    ofp_msg_finish(b, start);
}

/* ---- Nicira one-number messages ---- */

int ofp_decode_nx_u32(const struct ofp_msg *msg, uint32_t *value)
{
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    *value = 0;
    switch (msg->type) {
    case OFPTYPE_NXT_SET_FLOW_FORMAT:
    case OFPTYPE_NXT_SET_PACKET_IN_FORMAT:
        if (!ofpcur_be32(&c, value)) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        return 0;
    case OFPTYPE_NXT_FLOW_MOD_TABLE_ID: {
        uint8_t set;
        if (!ofpcur_u8(&c, &set)) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        *value = set;
        return 0;
    }
    case OFPTYPE_NXT_SET_CONTROLLER_ID: {
        uint16_t id;
        if (!skip(&c, 6) || !ofpcur_be16(&c, &id)) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        *value = id;
        return 0;
    }
    default:
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
}

void ofp_encode_nx_u32(struct ofpbuf *b, uint8_t version, enum ofptype type,
                       uint32_t xid, uint32_t value)
{
    size_t start = ofp_msg_start(b, version, type, OFPF_NX, xid);
    switch (type) {
    case OFPTYPE_NXT_FLOW_MOD_TABLE_ID:
        ofpbuf_put_u8(b, value != 0);
        ofpbuf_put_zeros(b, 7);
        break;
    case OFPTYPE_NXT_SET_CONTROLLER_ID:
        ofpbuf_put_zeros(b, 6);
        ofpbuf_put_be16(b, (uint16_t) value);
        break;
    default:
        ofpbuf_put_be32(b, value);
        break;
    }
    ofp_msg_finish(b, start);
}

/* ---- Bundles ---- */

int ofp_decode_bundle_ctrl(const struct ofp_msg *msg,
                           struct ofp_bundle_ctrl *bc)
{
    memset(bc, 0, sizeof *bc);
    if (msg->type != OFPTYPE_BUNDLE_CONTROL) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    if (!ofpcur_be32(&c, &bc->bundle_id) || !ofpcur_be16(&c, &bc->type)
        || !ofpcur_be16(&c, &bc->flags)) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    return 0;
}

/* OpenFlow 1.3 says bundles as ONF experimenter messages. */
static enum ofp_family bundle_family(uint8_t version)
{
    return version < OFP14_VERSION ? OFPF_ONF : OFPF_STD;
}

void ofp_encode_bundle_ctrl(struct ofpbuf *b, uint8_t version, uint32_t xid,
                            const struct ofp_msg *req,
                            const struct ofp_bundle_ctrl *bc)
{
    size_t start = (req
                    ? ofp_msg_start_reply(b, req, OFPTYPE_BUNDLE_CONTROL)
                    : ofp_msg_start(b, version, OFPTYPE_BUNDLE_CONTROL,
                                    bundle_family(version), xid));
    ofpbuf_put_be32(b, bc->bundle_id);
    ofpbuf_put_be16(b, bc->type);
    ofpbuf_put_be16(b, bc->flags);
    ofp_msg_finish(b, start);
}

int ofp_decode_bundle_add(const struct ofp_msg *msg,
                          struct ofp_bundle_add *ba)
{
    memset(ba, 0, sizeof *ba);
    if (msg->type != OFPTYPE_BUNDLE_ADD_MESSAGE) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    if (!ofpcur_be32(&c, &ba->bundle_id) || !skip(&c, 2)
        || !ofpcur_be16(&c, &ba->flags)) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    /* As OVS's ofputil_decode_bundle_add. */
    if (c.left < OFP_HEADER_LEN) {
        return -OFPERR_OFPBFC_MSG_BAD_LEN;
    }
    if (c.p[0] != msg->version) {
        return -OFPERR_OFPBFC_BAD_VERSION;
    }
    size_t inner_len = ofp_get_be16(c.p + 2);
    if (inner_len < OFP_HEADER_LEN || inner_len > c.left) {
        return -OFPERR_OFPBFC_MSG_BAD_LEN;
    }
    if (ofp_get_be32(c.p + 4) != msg->xid) {
        return -OFPERR_OFPBFC_MSG_BAD_XID;
    }
    if (ofp_msg_decode(c.p, inner_len, &ba->inner)) {
        return -OFPERR_OFPBFC_MSG_UNSUP;
    }
    switch (ba->inner.type) {
    case OFPTYPE_PORT_MOD:
    case OFPTYPE_FLOW_MOD:
    case OFPTYPE_GROUP_MOD:
    case OFPTYPE_PACKET_OUT:
        return 0;
    default:
        return -OFPERR_OFPBFC_MSG_UNSUP;
    }
}

void ofp_encode_bundle_add(struct ofpbuf *b, uint8_t version, uint32_t xid,
                           uint32_t bundle_id, uint16_t flags,
                           const void *inner, size_t len)
{
    size_t start = ofp_msg_start(b, version, OFPTYPE_BUNDLE_ADD_MESSAGE,
                                 bundle_family(version), xid);
    ofpbuf_put_be32(b, bundle_id);
    ofpbuf_put_zeros(b, 2);
    ofpbuf_put_be16(b, flags);
    ofpbuf_put(b, inner, len);
    ofp_msg_finish(b, start);
}
