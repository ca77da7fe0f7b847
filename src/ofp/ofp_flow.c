/* Flow mods, flow stats (flow and aggregate) and flow removed on the wire:
 * OpenFlow 1.0 (struct ofp_match), the Nicira forms of 1.0 (NXM matches:
 * NXT_FLOW_MOD, NXST_FLOW, NXST_AGGREGATE, NXT_FLOW_REMOVED), OpenFlow
 * 1.1-1.4 (OXM struct ofp_match, instructions) and 1.5 (OXS statistics).
 * The layouts and OVS's rules (cookies, table ids, flags) are described in
 * ofp_msgs.h; every read goes through a struct ofpcur. */
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofp/actions_wire.h"
#include "ofp/match_wire.h"
#include "ofp/ofp_msgs.h"
#include "ofp/ofp_port.h"

/* ---- small wire helpers ---- */

#define ERR(E) (-OFPERR_##E)

/* Zeros up to a multiple of 8 counted from `start`. */
static void pad8_from(struct ofpbuf *b, size_t start)
{
    size_t n = (b->size - start) % 8;
    if (n) {
        ofpbuf_put_zeros(b, 8 - n);
    }
}

/* OF1.1+ port numbers as OVS takes them: the range OpenFlow 1.0 cannot say
 * is refused (OFPBAC_BAD_OUT_PORT, as ofputil_port_from_ofp11). */
static int port_from_of11(uint32_t wire, uint32_t *port)
{
    if (wire >= OFPP_MAX && wire < OFPP11_MAX) {
        return ERR(OFPBAC_BAD_OUT_PORT);
    }
    *port = ofp_port_from_of11(wire);
    return 0;
}

/* ---- NXM with the NXM_NX_COOKIE pseudo-field ---- */

#define NXM_NX_COOKIE NXM_HEADER(0x0001, 30, 0, 8)
#define NXM_NX_COOKIE_W NXM_HEADER(0x0001, 30, 1, 16)

/* Appends the NXM of `m` and, when `cookie_mask` is not 0, NXM_NX_COOKIE(_W)
 * after the fields (where OVS puts it), then zeros to a multiple of 8.
 * Returns the match length without the padding. */
static size_t put_nxm(struct ofpbuf *b, const struct ofp_match *m,
                      uint64_t cookie, uint64_t cookie_mask)
{
    size_t start = b->size;
    nx_put_match(b, m, false, OFP10_VERSION);
    if (cookie_mask) {
        bool masked = cookie_mask != UINT64_MAX;
        ofpbuf_put_be32(b, masked ? NXM_NX_COOKIE_W : NXM_NX_COOKIE);
        ofpbuf_put_be64(b, cookie & cookie_mask);
        if (masked) {
            ofpbuf_put_be64(b, cookie_mask);
        }
    }
    size_t len = b->size - start;
    pad8_from(b, start);
    return len;
}

/* Takes `match_len` bytes of NXM and their padding from `c` into `m`; with
 * `cookie` (and `cookie_mask`) not NULL, an NXM_NX_COOKIE(_W) among them
 * gives the cookie selection (else it is an unknown field, as in OVS). */
static int pull_nxm(struct ofpcur *c, size_t match_len, struct ofp_match *m,
                    uint64_t *cookie, uint64_t *cookie_mask)
{
    size_t padded = (match_len + 7) / 8 * 8;
    struct ofpcur mc;
    if (padded > c->left) {
        return ERR(OFPBMC_BAD_LEN);
    }
    mc = ofpcur_init(c->p, match_len);
    if (cookie) {
        *cookie = *cookie_mask = 0;
    }

    /* Copies every TLV but the cookie to `rest` for nx_pull_match. */
    uint8_t stack[256];
    uint8_t *rest = match_len <= sizeof stack ? stack : xmalloc(match_len);
    size_t n_rest = 0;
    bool have_cookie = false;
    int error = 0;
    while (mc.left >= 4) {
        uint32_t h = ofp_get_be32(mc.p);
        size_t tlv = 4 + NXM_LENGTH(h);
        if (cookie && (h == NXM_NX_COOKIE || h == NXM_NX_COOKIE_W)
            && tlv <= mc.left) {
            uint64_t v = ofp_get_be64(mc.p + 4);
            uint64_t mask = h == NXM_NX_COOKIE_W ? ofp_get_be64(mc.p + 12)
                                                 : UINT64_MAX;
            if (have_cookie) {
                error = ERR(OFPBMC_DUP_FIELD);
                break;
            }
            have_cookie = true;
            *cookie = v;
            *cookie_mask = mask;
            ofpcur_bytes(&mc, NULL, tlv);
            continue;
        }
        if (tlv > mc.left) {
            tlv = mc.left;      /* truncated: nx_pull_match says so */
        }
        memcpy(rest + n_rest, mc.p, tlv);
        n_rest += tlv;
        ofpcur_bytes(&mc, NULL, tlv);
    }
    if (!error && mc.left) {
        memcpy(rest + n_rest, mc.p, mc.left);
        n_rest += mc.left;
    }
    if (!error) {
        error = nx_pull_match(rest, n_rest, m);
    }
    if (rest != stack) {
        free(rest);
    }
    if (!error) {
        ofpcur_bytes(c, NULL, padded);
    }
    return error;
}

/* ---- actions and instructions ---- */

/* OF1.0 and NX messages carry actions; OF1.1+ instructions, encoded for
 * the flow's match as OVS encodes them (actions_wire.h). */
static int put_acts(struct ofpbuf *b, uint8_t version,
                    const struct ofpact *acts, size_t n,
                    const struct ofp_match *m)
{
    struct ofpact_flow_ctx ctx;
    ofpact_flow_ctx_from_match(m, &ctx);
    int r = version == OFP10_VERSION
            ? ofpacts_put_actions_ctx(b, acts, n, version, &ctx)
            : ofpacts_put_instructions_ctx(b, acts, n, version, &ctx);
    return r < 0 ? r : 0;
}

static int pull_acts(struct ofpcur *c, size_t len, uint8_t version,
                     struct ofpact **acts, size_t *n)
{
    *acts = NULL;
    *n = 0;
    if (len > c->left) {
        return ERR(OFPBRC_BAD_LEN);
    }
    int r = version == OFP10_VERSION
            ? ofpacts_pull_actions(c->p, len, version, acts, n)
            : ofpacts_pull_instructions(c->p, len, version, acts, n);
    if (r < 0) {
        ofpacts_free(*acts, *n);
        *acts = NULL;
        *n = 0;
        return r;
    }
    ofpcur_bytes(c, NULL, len);
    return 0;
}

/* ---- flow-mod flags ---- */

#define OFPFF10_EMERG 0x0004

static uint16_t flags_encode(uint16_t flags, uint8_t version)
{
    uint16_t raw = flags & (OFPFF_SEND_FLOW_REM | OFPFF_CHECK_OVERLAP);
    if (version >= OFP12_VERSION) {
        raw |= flags & OFPFF_RESET_COUNTS;
    }
    if (version >= OFP13_VERSION) {
        raw |= flags & (OFPFF_NO_PKT_COUNTS | OFPFF_NO_BYT_COUNTS);
    }
    return raw;
}

/* `add`: the flags of an add (OpenFlow 1.0 and 1.1 always reset counters
 * then); *emerg: OpenFlow 1.0's emergency flag was set. */
static int flags_decode(uint16_t raw, bool add, uint8_t version,
                        uint16_t *flags, bool *emerg)
{
    uint16_t known = OFPFF_SEND_FLOW_REM | OFPFF_CHECK_OVERLAP;
    *emerg = false;
    if (version == OFP10_VERSION && raw & OFPFF10_EMERG) {
        *emerg = true;
        raw &= ~OFPFF10_EMERG;
    }
    if (version >= OFP12_VERSION) {
        known |= OFPFF_RESET_COUNTS;
    }
    if (version >= OFP13_VERSION) {
        known |= OFPFF_NO_PKT_COUNTS | OFPFF_NO_BYT_COUNTS;
    }
    *flags = raw & known;
    if (add && version <= OFP11_VERSION) {
        *flags |= OFPFF_RESET_COUNTS;
    }
    return raw & ~known ? ERR(OFPFMFC_BAD_FLAGS) : 0;
}

/* ---- OXS statistics (OpenFlow 1.5) ---- */

#define OXS_CLASS 0x8002u
#define OXS_HEADER(FIELD, LEN) (OXS_CLASS << 16 | (FIELD) << 9 | (LEN))
#define OXS_DURATION OXS_HEADER(0u, 8u)
#define OXS_IDLE_TIME OXS_HEADER(1u, 8u)
#define OXS_FLOW_COUNT OXS_HEADER(3u, 4u)
#define OXS_PACKET_COUNT OXS_HEADER(4u, 8u)
#define OXS_BYTE_COUNT OXS_HEADER(5u, 8u)

/* UINT32_MAX/UINT64_MAX members are left out, as OVS does. */
struct oxs {
    uint32_t duration_sec, duration_nsec;
    uint32_t idle_sec;
    uint64_t packet_count, byte_count;
    uint32_t flow_count;
};

static void put_oxs(struct ofpbuf *b, const struct oxs *s)
{
    size_t start = b->size;
    ofpbuf_put_zeros(b, 4);     /* reserved, length */
    if (s->duration_sec != UINT32_MAX) {
        ofpbuf_put_be32(b, OXS_DURATION);
        ofpbuf_put_be32(b, s->duration_sec);
        ofpbuf_put_be32(b, s->duration_nsec);
    }
    if (s->idle_sec != UINT32_MAX) {
        ofpbuf_put_be32(b, OXS_IDLE_TIME);
        ofpbuf_put_be64(b, (uint64_t) s->idle_sec << 32);
    }
    if (s->packet_count != UINT64_MAX) {
        ofpbuf_put_be32(b, OXS_PACKET_COUNT);
        ofpbuf_put_be64(b, s->packet_count);
    }
    if (s->byte_count != UINT64_MAX) {
        ofpbuf_put_be32(b, OXS_BYTE_COUNT);
        ofpbuf_put_be64(b, s->byte_count);
    }
    if (s->flow_count != UINT32_MAX) {
        ofpbuf_put_be32(b, OXS_FLOW_COUNT);
        ofpbuf_put_be32(b, s->flow_count);
    }
    ofpbuf_set_be16(b, start + 2, (uint16_t) (b->size - start));
    pad8_from(b, start);
}

/* Reads one ofp_oxs_stat (and its padding); unknown stats are skipped,
 * absent ones are all-ones. */
static int pull_oxs(struct ofpcur *c, struct oxs *s)
{
    memset(s, 0xff, sizeof *s);
    if (c->left < 4) {
        return ERR(OFPBMC_BAD_LEN);
    }
    size_t len = ofp_get_be16(c->p + 2);
    size_t padded = (len + 7) / 8 * 8;
    if (len < 4 || padded > c->left) {
        return ERR(OFPBMC_BAD_LEN);
    }
    struct ofpcur sc = ofpcur_init(c->p + 4, len - 4);
    while (sc.left) {
        uint32_t h;
        if (!ofpcur_be32(&sc, &h)) {
            return ERR(OFPBMC_BAD_LEN);
        }
        size_t plen = h & 0xff;
        if ((h >> 16) == 0xffff) {      /* experimenter: id is counted */
            if (plen < 4 || sc.left < 4) {
                return ERR(OFPBMC_BAD_LEN);
            }
        }
        const uint8_t *v = sc.p;
        if (!ofpcur_bytes(&sc, NULL, plen)) {
            return ERR(OFPBMC_BAD_LEN);
        }
        switch (h) {
        case OXS_DURATION:
            s->duration_sec = ofp_get_be32(v);
            s->duration_nsec = ofp_get_be32(v + 4);
            break;
        case OXS_IDLE_TIME:
            s->idle_sec = ofp_get_be32(v);
            break;
        case OXS_PACKET_COUNT:
            s->packet_count = ofp_get_be64(v);
            break;
        case OXS_BYTE_COUNT:
            s->byte_count = ofp_get_be64(v);
            break;
        case OXS_FLOW_COUNT:
            s->flow_count = ofp_get_be32(v);
            break;
        default:
            break;
        }
    }
    ofpcur_bytes(c, NULL, padded);
    return 0;
}

/* ---- flow mod ---- */

static bool is_delete(unsigned command)
{
    return command == OFPFC_DELETE || command == OFPFC_DELETE_STRICT;
}

int ofp_encode_flow_mod(struct ofpbuf *b, uint8_t version,
                        enum ofp_flow_format ff, bool tid, uint32_t xid,
                        const struct ofp_flow_mod *fm)
{
    size_t start0 = b->size;
    uint16_t raw_flags = flags_encode(fm->flags, version);
    int error = 0;

    if (version == OFP10_VERSION) {
        uint16_t command = tid ? (uint16_t) ((fm->command & 0xff)
                                             | fm->table_id << 8)
                               : (uint16_t) fm->command;
        if (ff == OFP_FF_NXM) {
            size_t start = ofp_msg_start(b, version, OFPTYPE_FLOW_MOD,
                                         OFPF_NX, xid);
            size_t body = b->size;
            ofpbuf_put_be64(b, fm->new_cookie);
            ofpbuf_put_be16(b, command);
            ofpbuf_put_be16(b, fm->idle_timeout);
            ofpbuf_put_be16(b, fm->hard_timeout);
            ofpbuf_put_be16(b, fm->priority);
            ofpbuf_put_be32(b, fm->buffer_id);
            ofpbuf_put_be16(b, (uint16_t) fm->out_port);
            ofpbuf_put_be16(b, raw_flags);
            ofpbuf_put_zeros(b, 8);     /* match_len, pad */
            size_t match_len = put_nxm(b, &fm->match, fm->cookie,
                                       fm->cookie_mask);
            ofpbuf_set_be16(b, body + 24, (uint16_t) match_len);
            error = put_acts(b, version, fm->acts, fm->n_acts, &fm->match);
            if (!error) {
                ofp_msg_finish(b, start);
            }
        } else {
            size_t start = ofp_msg_start(b, version, OFPTYPE_FLOW_MOD,
                                         OFPF_STD, xid);
            if (!ofp10_match_encode(&fm->match, b)) {
                error = ERR(OFPBMC_BAD_FIELD);
            } else {
                ofpbuf_put_be64(b, fm->new_cookie);
                ofpbuf_put_be16(b, command);
                ofpbuf_put_be16(b, fm->idle_timeout);
                ofpbuf_put_be16(b, fm->hard_timeout);
                ofpbuf_put_be16(b, fm->priority);
                ofpbuf_put_be32(b, fm->buffer_id);
                ofpbuf_put_be16(b, (uint16_t) fm->out_port);
                ofpbuf_put_be16(b, raw_flags);
                error = put_acts(b, version, fm->acts, fm->n_acts, &fm->match);
            }
            if (!error) {
                ofp_msg_finish(b, start);
            }
        }
    } else {
        size_t start = ofp_msg_start(b, version, OFPTYPE_FLOW_MOD, OFPF_STD,
                                     xid);
        bool add_cookie = fm->command == OFPFC_ADD
                          || (version == OFP11_VERSION
                              && (fm->command == OFPFC_MODIFY
                                  || fm->command == OFPFC_MODIFY_STRICT)
                              && !fm->cookie_mask);
        uint8_t table = fm->table_id;
        if (table == OFPTT_ALL
            && (version == OFP11_VERSION || !is_delete(fm->command))) {
            table = 0;
        }
        ofpbuf_put_be64(b, add_cookie ? fm->new_cookie
                                      : fm->cookie & fm->cookie_mask);
        ofpbuf_put_be64(b, fm->cookie_mask);
        ofpbuf_put_u8(b, table);
        ofpbuf_put_u8(b, (uint8_t) fm->command);
        ofpbuf_put_be16(b, fm->idle_timeout);
        ofpbuf_put_be16(b, fm->hard_timeout);
        ofpbuf_put_be16(b, fm->priority);
        ofpbuf_put_be32(b, fm->buffer_id);
        ofpbuf_put_be32(b, ofp_port_to_of11(fm->out_port));
        ofpbuf_put_be32(b, fm->out_group);
        ofpbuf_put_be16(b, raw_flags);
        ofpbuf_put_be16(b, version >= OFP14_VERSION
                               && fm->command == OFPFC_ADD
                           ? fm->importance : 0);
        oxm_put_match(b, &fm->match, version);
        error = put_acts(b, version, fm->acts, fm->n_acts, &fm->match);
        if (!error) {
            ofp_msg_finish(b, start);
        }
    }
    if (error) {
        b->size = start0;
    }
    return error;
}

int ofp_decode_flow_mod(const struct ofp_msg *msg, bool tid,
                        struct ofp_flow_mod *fm)
{
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    uint16_t raw_flags;
    unsigned command;
    int error;

    memset(fm, 0, sizeof *fm);
    if (msg->type != OFPTYPE_FLOW_MOD) {
        return ERR(OFPBRC_BAD_TYPE);
    }

    if (msg->version >= OFP11_VERSION && msg->family == OFPF_STD) {
        uint8_t table, cmd;
        uint64_t cookie, cookie_mask;
        uint32_t out_port;
        uint16_t importance;
        if (!ofpcur_be64(&c, &cookie) || !ofpcur_be64(&c, &cookie_mask)
            || !ofpcur_u8(&c, &table) || !ofpcur_u8(&c, &cmd)
            || !ofpcur_be16(&c, &fm->idle_timeout)
            || !ofpcur_be16(&c, &fm->hard_timeout)
            || !ofpcur_be16(&c, &fm->priority)
            || !ofpcur_be32(&c, &fm->buffer_id)
            || !ofpcur_be32(&c, &out_port)
            || !ofpcur_be32(&c, &fm->out_group)
            || !ofpcur_be16(&c, &raw_flags)
            || !ofpcur_be16(&c, &importance)) {
            return ERR(OFPBRC_BAD_LEN);
        }
        error = oxm_pull_match(&c, &fm->match);
        if (error) {
            return error;
        }
        command = cmd;
        if (cmd == OFPFC_ADD
            || (msg->version == OFP11_VERSION
                && (cmd == OFPFC_MODIFY || cmd == OFPFC_MODIFY_STRICT)
                && !cookie_mask)) {
            fm->cookie = fm->cookie_mask = 0;
            fm->new_cookie = cookie;
        } else {
            fm->cookie = cookie;
            fm->cookie_mask = cookie_mask;
            fm->new_cookie = UINT64_MAX;
        }
        /* OF1.1 forbids OFPTT_ALL; OF1.2+ allows it for deletes only. */
        if (table == OFPTT_ALL
            && (msg->version == OFP11_VERSION || !is_delete(cmd))) {
            return ERR(OFPFMFC_BAD_TABLE_ID);
        }
        fm->table_id = table;
        fm->importance = msg->version >= OFP14_VERSION && cmd == OFPFC_ADD
                         ? importance : 0;
        error = port_from_of11(out_port, &fm->out_port);
        if (error) {
            return error;
        }
        if (!is_delete(cmd)) {
            fm->out_group = OFPG_ANY;
        }
    } else if (msg->version == OFP10_VERSION || msg->family == OFPF_NX) {
        uint16_t cmd16, out_port;
        uint64_t cookie;
        if (msg->family == OFPF_NX) {
            uint16_t match_len;
            uint8_t pad[6];
            if (!ofpcur_be64(&c, &cookie) || !ofpcur_be16(&c, &cmd16)
                || !ofpcur_be16(&c, &fm->idle_timeout)
                || !ofpcur_be16(&c, &fm->hard_timeout)
                || !ofpcur_be16(&c, &fm->priority)
                || !ofpcur_be32(&c, &fm->buffer_id)
                || !ofpcur_be16(&c, &out_port)
                || !ofpcur_be16(&c, &raw_flags)
                || !ofpcur_be16(&c, &match_len)
                || !ofpcur_bytes(&c, pad, 6)) {
                return ERR(OFPBRC_BAD_LEN);
            }
            error = pull_nxm(&c, match_len, &fm->match, &fm->cookie,
                             &fm->cookie_mask);
            if (error) {
                return error;
            }
            /* Adds may set a cookie, not select by one. */
            if ((cmd16 & 0xff) == OFPFC_ADD && fm->cookie_mask) {
                return ERR(NXBRC_NXM_INVALID);
            }
        } else {
            uint32_t wildcards;
            if (c.left < OFP10_MATCH_LEN + 24) {
                return ERR(OFPBRC_BAD_LEN);
            }
            wildcards = ofp_get_be32(c.p);
            error = ofp10_match_decode(c.p, &fm->match);
            if (error) {
                return error;
            }
            ofpcur_bytes(&c, NULL, OFP10_MATCH_LEN);
            ofpcur_be64(&c, &cookie);
            ofpcur_be16(&c, &cmd16);
            ofpcur_be16(&c, &fm->idle_timeout);
            ofpcur_be16(&c, &fm->hard_timeout);
            ofpcur_be16(&c, &fm->priority);
            ofpcur_be32(&c, &fm->buffer_id);
            ofpcur_be16(&c, &out_port);
            ofpcur_be16(&c, &raw_flags);
            /* OpenFlow 1.0: an exact-match rule has the top priority. */
            if (!(wildcards & 0x3fffff)) {
                fm->priority = UINT16_MAX;
            }
            fm->cookie = fm->cookie_mask = 0;
        }
        fm->new_cookie = cookie;
        fm->out_port = out_port;
        fm->out_group = OFPG_ANY;
        fm->importance = 0;
        if (tid) {
            command = cmd16 & 0xff;
            fm->table_id = (uint8_t) (cmd16 >> 8);
        } else {
            command = cmd16;
            fm->table_id = is_delete(command) ? OFPTT_ALL : 0;
        }
    } else {
        return ERR(OFPBRC_BAD_TYPE);
    }

    if (command > OFPFC_DELETE_STRICT) {
        return ERR(OFPFMFC_BAD_COMMAND);
    }
    fm->command = command;

    error = pull_acts(&c, c.left, msg->version, &fm->acts, &fm->n_acts);
    if (error) {
        return error;
    }

    bool emerg;
    error = flags_decode(raw_flags, command == OFPFC_ADD, msg->version,
                         &fm->flags, &emerg);
    if (!error && emerg) {
        /* No emergency flow cache (OpenFlow 1.0.1 dropped it): OVS's
         * errors. */
        error = fm->idle_timeout || fm->hard_timeout
                ? ERR(OFPFMFC_BAD_TIMEOUT) : ERR(OFPFMFC_TABLE_FULL);
    }
    if (error) {
        ofp_flow_mod_free(fm);
    }
    return error;
}

void ofp_flow_mod_free(struct ofp_flow_mod *fm)
{
    ofpacts_free(fm->acts, fm->n_acts);
    fm->acts = NULL;
    fm->n_acts = 0;
}

void ofp_flow_mod_from_spec(const struct ofp_flow_spec *spec,
                            enum ofp_flow_mod_command command,
                            struct ofp_flow_mod *fm)
{
    bool modify = command == OFPFC_MODIFY || command == OFPFC_MODIFY_STRICT;
    bool add = command == OFPFC_ADD;

    memset(fm, 0, sizeof *fm);
    fm->command = command;
    fm->match = spec->match;
    fm->priority = command == OFPFC_DELETE ? OFP_DEFAULT_PRIORITY
                                           : spec->priority;
    fm->table_id = spec->table_id;
    fm->buffer_id = OFP_NO_BUFFER;
    bool del = command == OFPFC_DELETE || command == OFPFC_DELETE_STRICT;
    fm->out_port = del ? spec->out_port : OFPP_NONE;
    fm->out_group = del ? spec->out_group : OFPG_ANY;
    if (add || modify) {
        fm->flags = spec->flags;
    }
    if (add) {
        fm->importance = spec->importance;
    }

    /* A cookie without a mask is set (add, modify); with one it selects
     * (modify, delete). */
    if (add) {
        fm->new_cookie = spec->cookie_set ? spec->cookie : 0;
    } else if (modify) {
        if (spec->cookie_set && spec->cookie_masked) {
            fm->cookie = spec->cookie;
            fm->cookie_mask = spec->cookie_mask;
            fm->new_cookie = UINT64_MAX;
        } else {
            fm->new_cookie = spec->cookie_set ? spec->cookie : UINT64_MAX;
        }
        /* OVS: a modify that selects no cookie and sets none adds (where
         * the version adds on modify) with cookie 0. */
        if (!fm->cookie_mask && fm->new_cookie == UINT64_MAX) {
            fm->new_cookie = 0;
        }
    } else if (spec->cookie_set) {
        fm->cookie = spec->cookie;
        fm->cookie_mask = spec->cookie_mask;
    }

    if (add || modify) {
        fm->idle_timeout = spec->idle_timeout;
        fm->hard_timeout = spec->hard_timeout;
        fm->acts = ofpacts_clone(spec->acts, spec->n_acts);
        fm->n_acts = spec->n_acts;
    }
}

/* ---- flow and aggregate stats requests ---- */

int ofp_encode_flow_stats_request(struct ofpbuf *b, uint8_t version,
                                  enum ofp_flow_format ff, uint32_t xid,
                                  const struct ofp_flow_stats_request *r)
{
    enum ofptype type = r->aggregate ? OFPTYPE_AGGREGATE_STATS_REQUEST
                                     : OFPTYPE_FLOW_STATS_REQUEST;
    size_t start0 = b->size;

    if (version == OFP10_VERSION && ff == OFP_FF_NXM) {
        size_t start = ofp_msg_start(b, version, type, OFPF_NX, xid);
        size_t body = b->size;
        ofpbuf_put_be16(b, (uint16_t) r->out_port);
        ofpbuf_put_be16(b, 0);          /* match_len */
        ofpbuf_put_u8(b, r->table_id);
        ofpbuf_put_zeros(b, 3);
        size_t match_len = put_nxm(b, &r->match, r->cookie, r->cookie_mask);
        ofpbuf_set_be16(b, body + 2, (uint16_t) match_len);
        ofp_msg_finish(b, start);
    } else if (version == OFP10_VERSION) {
        size_t start = ofp_msg_start(b, version, type, OFPF_STD, xid);
        if (!ofp10_match_encode(&r->match, b)) {
            b->size = start0;
            return ERR(OFPBMC_BAD_FIELD);
        }
        ofpbuf_put_u8(b, r->table_id);
        ofpbuf_put_u8(b, 0);
        ofpbuf_put_be16(b, (uint16_t) r->out_port);
        ofp_msg_finish(b, start);
    } else {
        size_t start = ofp_msg_start(b, version, type, OFPF_STD, xid);
        ofpbuf_put_u8(b, r->table_id);
        ofpbuf_put_zeros(b, 3);
        ofpbuf_put_be32(b, ofp_port_to_of11(r->out_port));
        ofpbuf_put_be32(b, r->out_group);
        ofpbuf_put_zeros(b, 4);
        ofpbuf_put_be64(b, r->cookie);
        ofpbuf_put_be64(b, r->cookie_mask);
        oxm_put_match(b, &r->match, version);
        ofp_msg_finish(b, start);
    }
    return 0;
}

int ofp_decode_flow_stats_request(const struct ofp_msg *msg,
                                  struct ofp_flow_stats_request *r)
{
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    int error;

    memset(r, 0, sizeof *r);
    if (msg->type == OFPTYPE_AGGREGATE_STATS_REQUEST) {
        r->aggregate = true;
    } else if (msg->type != OFPTYPE_FLOW_STATS_REQUEST) {
        return ERR(OFPBRC_BAD_TYPE);
    }
    r->out_group = OFPG_ANY;

    if (msg->family == OFPF_NX) {
        uint16_t out_port, match_len;
        if (!ofpcur_be16(&c, &out_port) || !ofpcur_be16(&c, &match_len)
            || !ofpcur_u8(&c, &r->table_id) || !ofpcur_bytes(&c, NULL, 3)) {
            return ERR(OFPBRC_BAD_LEN);
        }
        error = pull_nxm(&c, match_len, &r->match, &r->cookie,
                         &r->cookie_mask);
        if (error) {
            return error;
        }
        if (c.left) {
            return ERR(OFPBRC_BAD_LEN);
        }
        r->out_port = out_port;
    } else if (msg->version == OFP10_VERSION) {
        uint16_t out_port;
        if (c.left != OFP10_MATCH_LEN + 4) {
            return ERR(OFPBRC_BAD_LEN);
        }
        error = ofp10_match_decode(c.p, &r->match);
        if (error) {
            return error;
        }
        ofpcur_bytes(&c, NULL, OFP10_MATCH_LEN);
        ofpcur_u8(&c, &r->table_id);
        ofpcur_bytes(&c, NULL, 1);
        ofpcur_be16(&c, &out_port);
        r->out_port = out_port;
    } else {
        uint32_t out_port;
        if (!ofpcur_u8(&c, &r->table_id) || !ofpcur_bytes(&c, NULL, 3)
            || !ofpcur_be32(&c, &out_port) || !ofpcur_be32(&c, &r->out_group)
            || !ofpcur_bytes(&c, NULL, 4) || !ofpcur_be64(&c, &r->cookie)
            || !ofpcur_be64(&c, &r->cookie_mask)) {
            return ERR(OFPBRC_BAD_LEN);
        }
        error = port_from_of11(out_port, &r->out_port);
        if (error) {
            return error;
        }
        error = oxm_pull_match(&c, &r->match);
        if (error) {
            return error;
        }
    }
    return 0;
}

/* ---- flow stats replies ---- */

static uint64_t unknown_to_zero(uint64_t count)
{
    return count == UINT64_MAX ? 0 : count;
}

static uint16_t age_to_wire(int age)
{
    return age < 0 ? 0 : age < UINT16_MAX ? (uint16_t) (age + 1) : UINT16_MAX;
}

/* Appends one entry in the form of `version` and `family` to `b`. */
static int put_flow_stats(struct ofpbuf *b, uint8_t version,
                          enum ofp_family family,
                          const struct ofp_flow_stats *fs)
{
    size_t start = b->size;
    int error;

    if (family == OFPF_NX) {
        ofpbuf_put_zeros(b, 2);                 /* length */
        ofpbuf_put_u8(b, fs->table_id);
        ofpbuf_put_u8(b, 0);
        ofpbuf_put_be32(b, fs->duration_sec);
        ofpbuf_put_be32(b, fs->duration_nsec);
        ofpbuf_put_be16(b, fs->priority);
        ofpbuf_put_be16(b, fs->idle_timeout);
        ofpbuf_put_be16(b, fs->hard_timeout);
        ofpbuf_put_be16(b, 0);                  /* match_len */
        ofpbuf_put_be16(b, age_to_wire(fs->idle_age));
        ofpbuf_put_be16(b, age_to_wire(fs->hard_age));
        ofpbuf_put_be64(b, fs->cookie);
        ofpbuf_put_be64(b, fs->packet_count);
        ofpbuf_put_be64(b, fs->byte_count);
        size_t match_len = put_nxm(b, &fs->match, 0, 0);
        ofpbuf_set_be16(b, start + 18, (uint16_t) match_len);
        error = put_acts(b, version, fs->acts, fs->n_acts, &fs->match);
    } else if (version == OFP10_VERSION) {
        ofpbuf_put_zeros(b, 2);
        ofpbuf_put_u8(b, fs->table_id);
        ofpbuf_put_u8(b, 0);
        if (!ofp10_match_encode(&fs->match, b)) {
            b->size = start;
            return ERR(OFPBMC_BAD_FIELD);
        }
        ofpbuf_put_be32(b, fs->duration_sec);
        ofpbuf_put_be32(b, fs->duration_nsec);
        ofpbuf_put_be16(b, fs->priority);
        ofpbuf_put_be16(b, fs->idle_timeout);
        ofpbuf_put_be16(b, fs->hard_timeout);
        ofpbuf_put_zeros(b, 6);
        ofpbuf_put_be64(b, fs->cookie);
        ofpbuf_put_be64(b, unknown_to_zero(fs->packet_count));
        ofpbuf_put_be64(b, unknown_to_zero(fs->byte_count));
        error = put_acts(b, version, fs->acts, fs->n_acts, &fs->match);
    } else if (version >= OFP15_VERSION) {
        ofpbuf_put_zeros(b, 4);                 /* length, pad */
        ofpbuf_put_u8(b, fs->table_id);
        ofpbuf_put_u8(b, 0);
        ofpbuf_put_be16(b, fs->priority);
        ofpbuf_put_be16(b, fs->idle_timeout);
        ofpbuf_put_be16(b, fs->hard_timeout);
        ofpbuf_put_be16(b, flags_encode(fs->flags, version));
        ofpbuf_put_be16(b, fs->importance);
        ofpbuf_put_be64(b, fs->cookie);
        oxm_put_match(b, &fs->match, version);
        struct oxs s = {
            .duration_sec = fs->duration_sec,
            .duration_nsec = fs->duration_nsec,
            .idle_sec = fs->idle_age >= 0 ? (uint32_t) fs->idle_age
                                          : UINT32_MAX,
            .packet_count = fs->packet_count,
            .byte_count = fs->byte_count,
            .flow_count = UINT32_MAX,
        };
        put_oxs(b, &s);
        error = put_acts(b, version, fs->acts, fs->n_acts, &fs->match);
    } else {
        ofpbuf_put_zeros(b, 2);
        ofpbuf_put_u8(b, fs->table_id);
        ofpbuf_put_u8(b, 0);
        ofpbuf_put_be32(b, fs->duration_sec);
        ofpbuf_put_be32(b, fs->duration_nsec);
        ofpbuf_put_be16(b, fs->priority);
        ofpbuf_put_be16(b, fs->idle_timeout);
        ofpbuf_put_be16(b, fs->hard_timeout);
        /* OF1.1's entry has no flags (OVS's OFPST11 vs OFPST13 reply). */
        ofpbuf_put_be16(b, version >= OFP13_VERSION
                               ? flags_encode(fs->flags, version) : 0);
        ofpbuf_put_be16(b, version >= OFP14_VERSION ? fs->importance : 0);
        ofpbuf_put_zeros(b, 2);
        ofpbuf_put_be64(b, fs->cookie);
        ofpbuf_put_be64(b, unknown_to_zero(fs->packet_count));
        ofpbuf_put_be64(b, unknown_to_zero(fs->byte_count));
        oxm_put_match(b, &fs->match, version);
        error = put_acts(b, version, fs->acts, fs->n_acts, &fs->match);
    }
    if (error) {
        b->size = start;
        return error;
    }
    if (b->size - start > UINT16_MAX - 64) {
        b->size = start;        /* no message could carry it */
        return ERR(OFPBRC_BAD_LEN);
    }
    ofpbuf_set_be16(b, start, (uint16_t) (b->size - start));
    return 0;
}

int ofp_put_flow_stats(struct ofp_mp_reply *r, const struct ofp_flow_stats *fs)
{
    ofp_mp_entry_start(r);
    int error = put_flow_stats(r->b, r->req->version, r->req->family, fs);
    if (!error) {
        ofp_mp_entry_end(r);
    }
    return error;
}

/* Decodes the entry that fills `e`. */
static int pull_flow_stats(struct ofpcur *e, uint8_t version,
                           enum ofp_family family, struct ofp_flow_stats *fs)
{
    uint16_t length;
    int error;

    memset(fs, 0, sizeof *fs);
    fs->idle_age = fs->hard_age = -1;
    ofpcur_be16(e, &length);

    if (family == OFPF_NX) {
        uint16_t match_len, idle_age, hard_age;
        if (!ofpcur_u8(e, &fs->table_id) || !ofpcur_bytes(e, NULL, 1)
            || !ofpcur_be32(e, &fs->duration_sec)
            || !ofpcur_be32(e, &fs->duration_nsec)
            || !ofpcur_be16(e, &fs->priority)
            || !ofpcur_be16(e, &fs->idle_timeout)
            || !ofpcur_be16(e, &fs->hard_timeout)
            || !ofpcur_be16(e, &match_len) || !ofpcur_be16(e, &idle_age)
            || !ofpcur_be16(e, &hard_age) || !ofpcur_be64(e, &fs->cookie)
            || !ofpcur_be64(e, &fs->packet_count)
            || !ofpcur_be64(e, &fs->byte_count)) {
            return ERR(OFPBRC_BAD_LEN);
        }
        if ((match_len + 7u) / 8 * 8 > e->left) {
            return ERR(OFPBRC_BAD_LEN);
        }
        error = pull_nxm(e, match_len, &fs->match, NULL, NULL);
        if (error) {
            return error;
        }
        if (idle_age) {
            fs->idle_age = idle_age - 1;
        }
        if (hard_age) {
            fs->hard_age = hard_age - 1;
        }
    } else if (version == OFP10_VERSION) {
        if (e->left < 86) {
            return ERR(OFPBRC_BAD_LEN);
        }
        ofpcur_u8(e, &fs->table_id);
        ofpcur_bytes(e, NULL, 1);
        error = ofp10_match_decode(e->p, &fs->match);
        if (error) {
            return error;
        }
        ofpcur_bytes(e, NULL, OFP10_MATCH_LEN);
        ofpcur_be32(e, &fs->duration_sec);
        ofpcur_be32(e, &fs->duration_nsec);
        ofpcur_be16(e, &fs->priority);
        ofpcur_be16(e, &fs->idle_timeout);
        ofpcur_be16(e, &fs->hard_timeout);
        ofpcur_bytes(e, NULL, 6);
        ofpcur_be64(e, &fs->cookie);
        ofpcur_be64(e, &fs->packet_count);
        ofpcur_be64(e, &fs->byte_count);
    } else if (version >= OFP15_VERSION) {
        uint16_t flags;
        bool emerg;
        struct oxs s;
        if (!ofpcur_bytes(e, NULL, 2) || !ofpcur_u8(e, &fs->table_id)
            || !ofpcur_bytes(e, NULL, 1) || !ofpcur_be16(e, &fs->priority)
            || !ofpcur_be16(e, &fs->idle_timeout)
            || !ofpcur_be16(e, &fs->hard_timeout)
            || !ofpcur_be16(e, &flags) || !ofpcur_be16(e, &fs->importance)
            || !ofpcur_be64(e, &fs->cookie)) {
            return ERR(OFPBRC_BAD_LEN);
        }
        error = oxm_pull_match(e, &fs->match);
        if (!error) {
            error = flags_decode(flags, false, version, &fs->flags, &emerg);
        }
        if (!error) {
            error = pull_oxs(e, &s);
        }
        if (error) {
            return error;
        }
        fs->duration_sec = s.duration_sec;
        fs->duration_nsec = s.duration_nsec;
        fs->packet_count = s.packet_count;
        fs->byte_count = s.byte_count;
        fs->idle_age = s.idle_sec == UINT32_MAX ? -1 : (int) s.idle_sec;
    } else {
        uint16_t flags, importance;
        bool emerg;
        if (!ofpcur_u8(e, &fs->table_id) || !ofpcur_bytes(e, NULL, 1)
            || !ofpcur_be32(e, &fs->duration_sec)
            || !ofpcur_be32(e, &fs->duration_nsec)
            || !ofpcur_be16(e, &fs->priority)
            || !ofpcur_be16(e, &fs->idle_timeout)
            || !ofpcur_be16(e, &fs->hard_timeout)
            || !ofpcur_be16(e, &flags) || !ofpcur_be16(e, &importance)
            || !ofpcur_bytes(e, NULL, 2) || !ofpcur_be64(e, &fs->cookie)
            || !ofpcur_be64(e, &fs->packet_count)
            || !ofpcur_be64(e, &fs->byte_count)) {
            return ERR(OFPBRC_BAD_LEN);
        }
        error = oxm_pull_match(e, &fs->match);
        if (error) {
            return error;
        }
        fs->importance = version >= OFP14_VERSION ? importance : 0;
        if (version >= OFP13_VERSION) {
            error = flags_decode(flags, false, version, &fs->flags, &emerg);
            if (error) {
                return error;
            }
        }
    }
    return pull_acts(e, e->left, version, &fs->acts, &fs->n_acts);
}

int ofp_decode_flow_stats_reply(const struct ofp_msg *msg,
                                struct ofp_flow_stats **fsp, size_t *np)
{
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    struct ofp_flow_stats *fs = NULL;
    size_t n = 0, cap = 0;
    int error = 0;

    *fsp = NULL;
    *np = 0;
    if (msg->type != OFPTYPE_FLOW_STATS_REPLY) {
        return ERR(OFPBRC_BAD_TYPE);
    }
    while (c.left) {
        struct ofpcur e;
        size_t length = c.left >= 2 ? ofp_get_be16(c.p) : 0;
        if (length < 4 || !ofpcur_sub(&c, length, &e)) {
            error = ERR(OFPBRC_BAD_LEN);
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            fs = xrealloc(fs, cap * sizeof *fs);
        }
        error = pull_flow_stats(&e, msg->version, msg->family, &fs[n]);
        if (error) {
            break;
        }
        n++;
    }
    if (error) {
        ofp_flow_stats_free(fs, n);
        return error;
    }
    *fsp = fs;
    *np = n;
    return 0;
}

void ofp_flow_stats_free(struct ofp_flow_stats *fs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ofpacts_free(fs[i].acts, fs[i].n_acts);
    }
    free(fs);
}

/* ---- aggregate replies ---- */

void ofp_encode_aggregate_reply(struct ofpbuf *b, const struct ofp_msg *req,
                                const struct ofp_aggregate_stats *a)
{
    size_t start = ofp_msg_start_reply(b, req, OFPTYPE_AGGREGATE_STATS_REPLY);
    if (req->version >= OFP15_VERSION && req->family == OFPF_STD) {
        struct oxs s = {
            .duration_sec = UINT32_MAX,
            .duration_nsec = UINT32_MAX,
            .idle_sec = UINT32_MAX,
            .packet_count = a->packet_count,
            .byte_count = a->byte_count,
            .flow_count = a->flow_count,
        };
        put_oxs(b, &s);
    } else {
        bool of10 = req->version == OFP10_VERSION && req->family == OFPF_STD;
        ofpbuf_put_be64(b, of10 ? unknown_to_zero(a->packet_count)
                                : a->packet_count);
        ofpbuf_put_be64(b, of10 ? unknown_to_zero(a->byte_count)
                                : a->byte_count);
        ofpbuf_put_be32(b, a->flow_count);
        ofpbuf_put_zeros(b, 4);
    }
    ofp_msg_finish(b, start);
}

int ofp_decode_aggregate_reply(const struct ofp_msg *msg,
                               struct ofp_aggregate_stats *a)
{
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);

    memset(a, 0, sizeof *a);
    if (msg->type != OFPTYPE_AGGREGATE_STATS_REPLY) {
        return ERR(OFPBRC_BAD_TYPE);
    }
    if (msg->version >= OFP15_VERSION && msg->family == OFPF_STD) {
        struct oxs s;
        int error = pull_oxs(&c, &s);
        if (error) {
            return error;
        }
        a->packet_count = s.packet_count;
        a->byte_count = s.byte_count;
        a->flow_count = s.flow_count;
        return 0;
    }
    if (!ofpcur_be64(&c, &a->packet_count) || !ofpcur_be64(&c, &a->byte_count)
        || !ofpcur_be32(&c, &a->flow_count)) {
        return ERR(OFPBRC_BAD_LEN);
    }
    return 0;
}

/* ---- flow removed ---- */

int ofp_encode_flow_removed(struct ofpbuf *b, uint8_t version,
                            enum ofp_flow_format ff,
                            const struct ofp_flow_removed *fr)
{
    size_t start0 = b->size;
    uint8_t reason = fr->reason;
    if (reason == OFPRR_METER_DELETE && version < OFP14_VERSION) {
        reason = OFPRR_DELETE;
    }

    if (version == OFP10_VERSION && ff == OFP_FF_NXM) {
        size_t start = ofp_msg_start(b, version, OFPTYPE_FLOW_REMOVED,
                                     OFPF_NX, 0);
        size_t body = b->size;
        ofpbuf_put_be64(b, fr->cookie);
        ofpbuf_put_be16(b, fr->priority);
        ofpbuf_put_u8(b, reason);
        ofpbuf_put_u8(b, (uint8_t) (fr->table_id + 1));
        ofpbuf_put_be32(b, fr->duration_sec);
        ofpbuf_put_be32(b, fr->duration_nsec);
        ofpbuf_put_be16(b, fr->idle_timeout);
        ofpbuf_put_be16(b, 0);          /* match_len */
        ofpbuf_put_be64(b, fr->packet_count);
        ofpbuf_put_be64(b, fr->byte_count);
        size_t match_len = put_nxm(b, &fr->match, 0, 0);
        ofpbuf_set_be16(b, body + 22, (uint16_t) match_len);
        ofp_msg_finish(b, start);
    } else if (version == OFP10_VERSION) {
        size_t start = ofp_msg_start(b, version, OFPTYPE_FLOW_REMOVED,
                                     OFPF_STD, 0);
        if (!ofp10_match_encode(&fr->match, b)) {
            b->size = start0;
            return ERR(OFPBMC_BAD_FIELD);
        }
        ofpbuf_put_be64(b, fr->cookie);
        ofpbuf_put_be16(b, fr->priority);
        ofpbuf_put_u8(b, reason);
        ofpbuf_put_u8(b, 0);
        ofpbuf_put_be32(b, fr->duration_sec);
        ofpbuf_put_be32(b, fr->duration_nsec);
        ofpbuf_put_be16(b, fr->idle_timeout);
        ofpbuf_put_zeros(b, 2);
        ofpbuf_put_be64(b, unknown_to_zero(fr->packet_count));
        ofpbuf_put_be64(b, unknown_to_zero(fr->byte_count));
        ofp_msg_finish(b, start);
    } else if (version >= OFP15_VERSION) {
        size_t start = ofp_msg_start(b, version, OFPTYPE_FLOW_REMOVED,
                                     OFPF_STD, 0);
        ofpbuf_put_u8(b, fr->table_id);
        ofpbuf_put_u8(b, reason);
        ofpbuf_put_be16(b, fr->priority);
        ofpbuf_put_be16(b, fr->idle_timeout);
        ofpbuf_put_be16(b, fr->hard_timeout);
        ofpbuf_put_be64(b, fr->cookie);
        oxm_put_match(b, &fr->match, version);
        struct oxs s = {
            .duration_sec = fr->duration_sec,
            .duration_nsec = fr->duration_nsec,
            .idle_sec = UINT32_MAX,
            .packet_count = fr->packet_count,
            .byte_count = fr->byte_count,
            .flow_count = UINT32_MAX,
        };
        put_oxs(b, &s);
        ofp_msg_finish(b, start);
    } else {
        size_t start = ofp_msg_start(b, version, OFPTYPE_FLOW_REMOVED,
                                     OFPF_STD, 0);
        ofpbuf_put_be64(b, fr->cookie);
        ofpbuf_put_be16(b, fr->priority);
        ofpbuf_put_u8(b, reason);
        ofpbuf_put_u8(b, fr->table_id);
        ofpbuf_put_be32(b, fr->duration_sec);
        ofpbuf_put_be32(b, fr->duration_nsec);
        ofpbuf_put_be16(b, fr->idle_timeout);
        ofpbuf_put_be16(b, fr->hard_timeout);
        ofpbuf_put_be64(b, fr->packet_count);
        ofpbuf_put_be64(b, fr->byte_count);
        oxm_put_match(b, &fr->match, version);
        ofp_msg_finish(b, start);
    }
    return 0;
}

int ofp_decode_flow_removed(const struct ofp_msg *msg,
                            struct ofp_flow_removed *fr)
{
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    int error;

    memset(fr, 0, sizeof *fr);
    if (msg->type != OFPTYPE_FLOW_REMOVED) {
        return ERR(OFPBRC_BAD_TYPE);
    }
    if (msg->family == OFPF_NX) {
        uint16_t match_len;
        uint8_t table;
        if (!ofpcur_be64(&c, &fr->cookie) || !ofpcur_be16(&c, &fr->priority)
            || !ofpcur_u8(&c, &fr->reason) || !ofpcur_u8(&c, &table)
            || !ofpcur_be32(&c, &fr->duration_sec)
            || !ofpcur_be32(&c, &fr->duration_nsec)
            || !ofpcur_be16(&c, &fr->idle_timeout)
            || !ofpcur_be16(&c, &match_len)
            || !ofpcur_be64(&c, &fr->packet_count)
            || !ofpcur_be64(&c, &fr->byte_count)) {
            return ERR(OFPBRC_BAD_LEN);
        }
        error = pull_nxm(&c, match_len, &fr->match, NULL, NULL);
        if (error) {
            return error;
        }
        if (c.left) {
            return ERR(OFPBRC_BAD_LEN);
        }
        fr->table_id = table ? (uint8_t) (table - 1) : 255;
    } else if (msg->version == OFP10_VERSION) {
        if (c.left < OFP10_MATCH_LEN + 40) {
            return ERR(OFPBRC_BAD_LEN);
        }
        error = ofp10_match_decode(c.p, &fr->match);
        if (error) {
            return error;
        }
        ofpcur_bytes(&c, NULL, OFP10_MATCH_LEN);
        ofpcur_be64(&c, &fr->cookie);
        ofpcur_be16(&c, &fr->priority);
        ofpcur_u8(&c, &fr->reason);
        ofpcur_bytes(&c, NULL, 1);
        ofpcur_be32(&c, &fr->duration_sec);
        ofpcur_be32(&c, &fr->duration_nsec);
        ofpcur_be16(&c, &fr->idle_timeout);
        ofpcur_bytes(&c, NULL, 2);
        ofpcur_be64(&c, &fr->packet_count);
        ofpcur_be64(&c, &fr->byte_count);
        fr->table_id = 255;
    } else if (msg->version >= OFP15_VERSION) {
        struct oxs s;
        if (!ofpcur_u8(&c, &fr->table_id) || !ofpcur_u8(&c, &fr->reason)
            || !ofpcur_be16(&c, &fr->priority)
            || !ofpcur_be16(&c, &fr->idle_timeout)
            || !ofpcur_be16(&c, &fr->hard_timeout)
            || !ofpcur_be64(&c, &fr->cookie)) {
            return ERR(OFPBRC_BAD_LEN);
        }
        error = oxm_pull_match(&c, &fr->match);
        if (!error) {
            error = pull_oxs(&c, &s);
        }
        if (error) {
            return error;
        }
        fr->duration_sec = s.duration_sec;
        fr->duration_nsec = s.duration_nsec;
        fr->packet_count = s.packet_count;
        fr->byte_count = s.byte_count;
    } else {
        if (!ofpcur_be64(&c, &fr->cookie) || !ofpcur_be16(&c, &fr->priority)
            || !ofpcur_u8(&c, &fr->reason) || !ofpcur_u8(&c, &fr->table_id)
            || !ofpcur_be32(&c, &fr->duration_sec)
            || !ofpcur_be32(&c, &fr->duration_nsec)
            || !ofpcur_be16(&c, &fr->idle_timeout)
            || !ofpcur_be16(&c, &fr->hard_timeout)
            || !ofpcur_be64(&c, &fr->packet_count)
            || !ofpcur_be64(&c, &fr->byte_count)) {
            return ERR(OFPBRC_BAD_LEN);
        }
        error = oxm_pull_match(&c, &fr->match);
        if (error) {
            return error;
        }
    }
    return 0;
}
