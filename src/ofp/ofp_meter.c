/* Meters on the wire (OpenFlow 1.3+): meter_mod, the meter stats, config
 * and features multiparts, and their text as ovs-ofctl 3.1 prints them
 * (ofp_msgs.h's "Meters" section, ofp_print.h).
 *
 * Wire layouts (OpenFlow 1.3 spec, section 7.3.4.5 and 7.3.5.12-14):
 *   meter_mod    command(16) flags(16) meter_id(32), bands
 *   band         type(16) len(16) rate(32) burst_size(32), then 4 bytes:
 *                drop: pad; dscp_remark: prec_level(8) pad(24);
 *                experimenter: experimenter(32)
 *   request      meter_id(32) pad(32)
 *   config       length(16) flags(16) meter_id(32), bands
 *   stats        meter_id(32) len(16) pad(48) flow_count(32)
 *                packet_in_count(64) byte_in_count(64) duration_sec(32)
 *                duration_nsec(32), band stats: packets(64) bytes(64)
 *   features     max_meter(32) band_types(32) capabilities(32)
 *                max_bands(8) max_color(8) pad(16) */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofp/ofp_msgs.h"
#include "ofp/ofp_print.h"

#define BAND_LEN 16u
#define CONFIG_LEN 8u
#define STATS_LEN 40u
#define BAND_STATS_LEN 16u

/* ---- bands ---- */

static void put_bands(struct ofpbuf *b, const struct ofp_meter_band *bands,
                      uint16_t n)
{
    for (uint16_t i = 0; i < n; i++) {
        const struct ofp_meter_band *mb = &bands[i];
        ofpbuf_put_be16(b, mb->type);
        ofpbuf_put_be16(b, BAND_LEN);
        ofpbuf_put_be32(b, mb->rate);
        ofpbuf_put_be32(b, mb->burst_size);
        ofpbuf_put_u8(b, mb->type == OFPMBT_DSCP_REMARK ? mb->prec_level : 0);
        ofpbuf_put_zeros(b, 3);
    }
}

/* The bands in the `len` bytes at `p`, as OVS's ofputil_pull_bands: every
 * band is 16 bytes, of type drop or dscp_remark; *bands malloc'd (NULL for
 * none). */
static int pull_bands(const uint8_t *p, size_t len,
                      struct ofp_meter_band **bands, uint16_t *n)
{
    *bands = NULL;
    *n = 0;
    if (len / BAND_LEN > UINT16_MAX) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    struct ofp_meter_band *v = len >= BAND_LEN
        ? xcalloc(len / BAND_LEN, sizeof *v) : NULL;
    uint16_t k = 0;
    struct ofpcur c = ofpcur_init(p, len);
    while (c.left >= BAND_LEN) {
        uint16_t type, blen;
        struct ofp_meter_band *mb = &v[k];
        ofpcur_be16(&c, &type);
        ofpcur_be16(&c, &blen);
        if (blen != BAND_LEN) {
            free(v);
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        if (type != OFPMBT_DROP && type != OFPMBT_DSCP_REMARK) {
            free(v);
            return -OFPERR_OFPMMFC_BAD_BAND;
        }
        mb->type = type;
        ofpcur_be32(&c, &mb->rate);
        ofpcur_be32(&c, &mb->burst_size);
        uint8_t prec;
        ofpcur_u8(&c, &prec);
        mb->prec_level = type == OFPMBT_DSCP_REMARK ? prec : 0;
        ofpcur_bytes(&c, NULL, 3);
        k++;
    }
    if (c.left) {
        free(v);
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    *bands = v;
    *n = k;
    return 0;
}

/* ---- meter mod ---- */

void ofp_encode_meter_mod(struct ofpbuf *b, uint8_t version, uint32_t xid,
                          const struct ofp_meter_mod *mm)
{
    size_t start = ofp_msg_start(b, version, OFPTYPE_METER_MOD, OFPF_STD,
                                 xid);
    bool del = mm->command == OFPMC_DELETE;
    ofpbuf_put_be16(b, mm->command);
    ofpbuf_put_be16(b, del ? 0 : mm->meter.flags);
    ofpbuf_put_be32(b, mm->meter.meter_id);
    put_bands(b, mm->meter.bands, mm->meter.n_bands);
    ofp_msg_finish(b, start);
}

int ofp_decode_meter_mod(const struct ofp_msg *msg, struct ofp_meter_mod *mm)
{
    memset(mm, 0, sizeof *mm);
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    uint16_t flags;
    if (msg->type != OFPTYPE_METER_MOD
        || !ofpcur_be16(&c, &mm->command) || !ofpcur_be16(&c, &flags)
        || !ofpcur_be32(&c, &mm->meter.meter_id)) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    if (mm->command != OFPMC_ADD && mm->command != OFPMC_MODIFY
        && mm->command != OFPMC_DELETE) {
        return -OFPERR_OFPMMFC_BAD_COMMAND;
    }
    if (mm->command == OFPMC_DELETE) {
        return 0;
    }
    mm->meter.flags = flags;
    if ((flags & OFPMF_KBPS) && (flags & OFPMF_PKTPS)) {
        return -OFPERR_OFPMMFC_BAD_FLAGS;
    }
    return pull_bands(c.p, c.left, &mm->meter.bands, &mm->meter.n_bands);
}

void ofp_meter_mod_free(struct ofp_meter_mod *mm)
{
    free(mm->meter.bands);
    mm->meter.bands = NULL;
    mm->meter.n_bands = 0;
}

/* ---- requests ---- */

void ofp_encode_meter_request(struct ofpbuf *b, uint8_t version,
                              enum ofptype type, uint32_t xid,
                              uint32_t meter_id)
{
    size_t start = ofp_msg_start(b, version, type, OFPF_STD, xid);
    if (type != OFPTYPE_METER_FEATURES_STATS_REQUEST) {
        ofpbuf_put_be32(b, meter_id);
        ofpbuf_put_zeros(b, 4);
    }
    ofp_msg_finish(b, start);
}

int ofp_decode_meter_request(const struct ofp_msg *msg, uint32_t *meter_id)
{
    *meter_id = OFPM_ALL;
    if (msg->type == OFPTYPE_METER_FEATURES_STATS_REQUEST) {
        return 0;
    }
    if (msg->type != OFPTYPE_METER_STATS_REQUEST
        && msg->type != OFPTYPE_METER_CONFIG_STATS_REQUEST) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    return ofpcur_be32(&c, meter_id) ? 0 : -OFPERR_OFPBRC_BAD_LEN;
}

/* ---- config ---- */

void ofp_put_meter_config(struct ofp_mp_reply *r,
                          const struct ofp_meter_config *mc)
{
    struct ofpbuf *b = r->b;
    ofp_mp_entry_start(r);
    ofpbuf_put_be16(b, (uint16_t) (CONFIG_LEN + BAND_LEN * mc->n_bands));
    ofpbuf_put_be16(b, mc->flags);
    ofpbuf_put_be32(b, mc->meter_id);
    put_bands(b, mc->bands, mc->n_bands);
    ofp_mp_entry_end(r);
}

void ofp_meter_configs_free(struct ofp_meter_config *mcs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(mcs[i].bands);
    }
    free(mcs);
}

int ofp_decode_meter_config_reply(const struct ofp_msg *msg,
                                  struct ofp_meter_config **mcs, size_t *n)
{
    *mcs = NULL;
    *n = 0;
    if (msg->type != OFPTYPE_METER_CONFIG_STATS_REPLY) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    struct ofp_meter_config *v = NULL;
    size_t k = 0, cap = 0;
    while (c.left) {
        uint16_t length;
        struct ofp_meter_config mc;
        memset(&mc, 0, sizeof mc);
        if (c.left < CONFIG_LEN) {
            ofp_meter_configs_free(v, k);
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        const uint8_t *entry = c.p;
        ofpcur_be16(&c, &length);
        ofpcur_be16(&c, &mc.flags);
        ofpcur_be32(&c, &mc.meter_id);
        if (length < CONFIG_LEN || length - CONFIG_LEN > c.left) {
            ofp_meter_configs_free(v, k);
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        int err = pull_bands(entry + CONFIG_LEN, length - CONFIG_LEN,
                             &mc.bands, &mc.n_bands);
        if (err) {
            ofp_meter_configs_free(v, k);
            return err;
        }
        ofpcur_bytes(&c, NULL, length - CONFIG_LEN);
        if (k == cap) {
            cap = cap ? 2 * cap : 4;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[k++] = mc;
    }
    *mcs = v;
    *n = k;
    return 0;
}

/* ---- stats ---- */

void ofp_put_meter_stats(struct ofp_mp_reply *r,
                         const struct ofp_meter_stats *ms)
{
    struct ofpbuf *b = r->b;
    ofp_mp_entry_start(r);
    ofpbuf_put_be32(b, ms->meter_id);
    ofpbuf_put_be16(b, (uint16_t) (STATS_LEN
                                   + BAND_STATS_LEN * ms->n_bands));
    ofpbuf_put_zeros(b, 6);
    ofpbuf_put_be32(b, ms->flow_count);
    ofpbuf_put_be64(b, ms->packet_in_count);
    ofpbuf_put_be64(b, ms->byte_in_count);
    ofpbuf_put_be32(b, ms->duration_sec);
    ofpbuf_put_be32(b, ms->duration_nsec);
    for (uint16_t i = 0; i < ms->n_bands; i++) {
        ofpbuf_put_be64(b, ms->bands[i].packet_count);
        ofpbuf_put_be64(b, ms->bands[i].byte_count);
    }
    ofp_mp_entry_end(r);
}

void ofp_meter_stats_free(struct ofp_meter_stats *mss, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(mss[i].bands);
    }
    free(mss);
}

int ofp_decode_meter_stats_reply(const struct ofp_msg *msg,
                                 struct ofp_meter_stats **mss, size_t *n)
{
    *mss = NULL;
    *n = 0;
    if (msg->type != OFPTYPE_METER_STATS_REPLY) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    struct ofp_meter_stats *v = NULL;
    size_t k = 0, cap = 0;
    while (c.left) {
        struct ofp_meter_stats ms;
        memset(&ms, 0, sizeof ms);
        uint16_t len;
        if (c.left < STATS_LEN) {
            ofp_meter_stats_free(v, k);
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        ofpcur_be32(&c, &ms.meter_id);
        ofpcur_be16(&c, &len);
        ofpcur_bytes(&c, NULL, 6);
        ofpcur_be32(&c, &ms.flow_count);
        ofpcur_be64(&c, &ms.packet_in_count);
        ofpcur_be64(&c, &ms.byte_in_count);
        ofpcur_be32(&c, &ms.duration_sec);
        ofpcur_be32(&c, &ms.duration_nsec);
        if (len < STATS_LEN || len - STATS_LEN > c.left
            || (len - STATS_LEN) % BAND_STATS_LEN) {
            ofp_meter_stats_free(v, k);
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        ms.n_bands = (uint16_t) ((len - STATS_LEN) / BAND_STATS_LEN);
        ms.bands = ms.n_bands ? xcalloc(ms.n_bands, sizeof *ms.bands) : NULL;
        for (uint16_t i = 0; i < ms.n_bands; i++) {
            ofpcur_be64(&c, &ms.bands[i].packet_count);
            ofpcur_be64(&c, &ms.bands[i].byte_count);
        }
        if (k == cap) {
            cap = cap ? 2 * cap : 4;
            v = xrealloc(v, cap * sizeof *v);
        }
        v[k++] = ms;
    }
    *mss = v;
    *n = k;
    return 0;
}

/* ---- features ---- */

void ofp_encode_meter_features_reply(struct ofpbuf *b,
                                     const struct ofp_msg *req,
                                     const struct ofp_meter_features *mf)
{
    size_t start = ofp_msg_start_reply(b, req,
                                       OFPTYPE_METER_FEATURES_STATS_REPLY);
    ofpbuf_put_be32(b, mf->max_meters);
    ofpbuf_put_be32(b, mf->band_types);
    ofpbuf_put_be32(b, mf->capabilities);
    ofpbuf_put_u8(b, mf->max_bands);
    ofpbuf_put_u8(b, mf->max_color);
    ofpbuf_put_zeros(b, 2);
    ofp_msg_finish(b, start);
}

int ofp_decode_meter_features_reply(const struct ofp_msg *msg,
                                    struct ofp_meter_features *mf)
{
    memset(mf, 0, sizeof *mf);
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    if (msg->type != OFPTYPE_METER_FEATURES_STATS_REPLY
        || !ofpcur_be32(&c, &mf->max_meters)
        || !ofpcur_be32(&c, &mf->band_types)
        || !ofpcur_be32(&c, &mf->capabilities)
        || !ofpcur_u8(&c, &mf->max_bands)
        || !ofpcur_u8(&c, &mf->max_color)) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    return 0;
}

/* ---- parsing ---- */

static int perr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int perr(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* OVS's str_to_u32. */
static int str_u32(const char *s, uint32_t *v, char *err, size_t errlen)
{
    if (!*s) {
        return perr(err, errlen, "missing required numeric argument");
    }
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || *end || *s == '-' || x > UINT32_MAX) {
        return perr(err, errlen, "invalid numeric format %s", s);
    }
    *v = (uint32_t) x;
    return 0;
}

static int parse_meter_mod__(char *string, int command,
                             struct ofp_meter_mod *mm, char *err,
                             size_t errlen)
{
    bool f_flags = command == OFPMC_ADD || command == OFPMC_MODIFY;
    bool f_bands = f_flags;
    char *band_str = NULL, *save = NULL;
    mm->command = command < 0 ? OFPMC_ADD : (uint16_t) command;
    if (f_bands) {
        band_str = strstr(string, "band");
        if (!band_str) {
            return perr(err, errlen, "must specify bands");
        }
        *band_str = '\0';
        band_str = strchr(band_str + 1, '=');
        if (!band_str) {
            return perr(err, errlen, "must specify bands");
        }
        band_str++;
    }
    for (char *name = strtok_r(string, "=, \t\r\n", &save); name;
         name = strtok_r(NULL, "=, \t\r\n", &save)) {
        if (f_flags && !strcmp(name, "kbps")) {
            mm->meter.flags |= OFPMF_KBPS;
        } else if (f_flags && !strcmp(name, "pktps")) {
            mm->meter.flags |= OFPMF_PKTPS;
        } else if (f_flags && !strcmp(name, "burst")) {
            mm->meter.flags |= OFPMF_BURST;
        } else if (f_flags && !strcmp(name, "stats")) {
            mm->meter.flags |= OFPMF_STATS;
        } else {
            char *value = strtok_r(NULL, ", \t\r\n", &save);
            if (!value) {
                return perr(err, errlen, "field %s missing value", name);
            }
            if (strcmp(name, "meter")) {
                return perr(err, errlen, "unknown keyword %s", name);
            }
            if (!strcmp(value, "all")) {
                mm->meter.meter_id = OFPM_ALL;
            } else if (!strcmp(value, "controller")) {
                mm->meter.meter_id = OFPM_CONTROLLER;
            } else if (!strcmp(value, "slowpath")) {
                mm->meter.meter_id = OFPM_SLOWPATH;
            } else {
                if (str_u32(value, &mm->meter.meter_id, err, errlen)) {
                    return -1;
                }
                if (mm->meter.meter_id > OFPM_MAX || !mm->meter.meter_id) {
                    return perr(err, errlen, "invalid value for %s", name);
                }
            }
        }
    }
    if (!mm->meter.meter_id) {
        return perr(err, errlen, "must specify 'meter'");
    }
    if (f_flags && !mm->meter.flags) {
        return perr(err, errlen, "meter must specify either 'kbps' or "
                    "'pktps'");
    }
    if (!f_bands) {
        return 0;
    }
    size_t cap = 0;
    struct ofp_meter_band *band = NULL;
    for (char *name = strtok_r(band_str, "=, \t\r\n", &save); name;
         name = strtok_r(NULL, "=, \t\r\n", &save)) {
        char *value = strtok_r(NULL, ", \t\r\n", &save);
        if (!value) {
            return perr(err, errlen, "field %s missing value", name);
        }
        if (!strcmp(name, "type")) {
            if (mm->meter.n_bands == cap) {
                if (cap >= UINT16_MAX / 2) {
                    return perr(err, errlen, "too many bands");
                }
                cap = cap ? 2 * cap : 4;
                mm->meter.bands = xrealloc(mm->meter.bands,
                                           cap * sizeof *mm->meter.bands);
            }
            band = &mm->meter.bands[mm->meter.n_bands++];
            memset(band, 0, sizeof *band);
            if (!strcmp(value, "drop")) {
                band->type = OFPMBT_DROP;
            } else if (!strcmp(value, "dscp_remark")) {
                band->type = OFPMBT_DSCP_REMARK;
            } else {
                return perr(err, errlen, "field %s unknown value %s", name,
                            value);
            }
        } else if (!band) {
            return perr(err, errlen, "band must start with the 'type' "
                        "keyword");
        } else if (!strcmp(name, "rate")) {
            if (str_u32(value, &band->rate, err, errlen)) {
                return -1;
            }
        } else if (!strcmp(name, "burst_size")) {
            if (str_u32(value, &band->burst_size, err, errlen)) {
                return -1;
            }
        } else if (!strcmp(name, "prec_level")) {
            uint32_t v;
            if (str_u32(value, &v, err, errlen) || v > UINT8_MAX) {
                return perr(err, errlen, "invalid %s \"%s\"", name, value);
            }
            band->prec_level = (uint8_t) v;
        } else {
            return perr(err, errlen, "unknown keyword %s", name);
        }
    }
    if (!mm->meter.n_bands) {
        return perr(err, errlen, "meter must have bands");
    }
    for (uint16_t i = 0; i < mm->meter.n_bands; i++) {
        const struct ofp_meter_band *b = &mm->meter.bands[i];
        if (b->type == OFPMBT_DSCP_REMARK) {
            if (!b->prec_level) {
                return perr(err, errlen, "'dscp_remark' band must have"
                            " 'prec_level'");
            }
        } else if (b->prec_level) {
            return perr(err, errlen, "Only 'dscp_remark' band may have"
                        " 'prec_level'");
        }
        if (!b->rate) {
            return perr(err, errlen, "band must have 'rate'");
        }
        if (mm->meter.flags & OFPMF_BURST) {
            if (!b->burst_size) {
                return perr(err, errlen, "band must have 'burst_size' "
                            "when 'burst' flag is set");
            }
        } else if (b->burst_size) {
            return perr(err, errlen, "band may have 'burst_size' only "
                        "when 'burst' flag is set");
        }
    }
    return 0;
}

int ofp_parse_meter_mod(const char *s, int command, struct ofp_meter_mod *mm,
                        char *err, size_t errlen)
{
    memset(mm, 0, sizeof *mm);
    err[0] = '\0';
    char *copy = xstrdup(s);
    int ret = parse_meter_mod__(copy, command, mm, err, errlen);
    free(copy);
    return ret;
}

/* ---- text ---- */

static void print_meter_id(struct dstr *out, uint32_t id, char sep)
{
    if (id <= OFPM_MAX) {
        dstr_printf(out, "meter%c%" PRIu32, sep, id);
        return;
    }
    const char *name = id == OFPM_SLOWPATH ? "slowpath"
                       : id == OFPM_CONTROLLER ? "controller"
                       : id == OFPM_ALL ? "all" : "unknown";
    dstr_printf(out, "meter%c%s", sep, name);
}

static void print_flags(struct dstr *out, uint16_t flags)
{
    static const struct { uint16_t bit; const char *name; } names[] = {
        { OFPMF_KBPS, "kbps" }, { OFPMF_PKTPS, "pktps" },
        { OFPMF_BURST, "burst" }, { OFPMF_STATS, "stats" },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (flags & names[i].bit) {
            dstr_printf(out, "%s ", names[i].name);
            flags &= (uint16_t) ~names[i].bit;
        }
    }
    if (flags) {
        dstr_printf(out, "flags:0x%x ", (unsigned) flags);
    }
}

static void print_config(struct dstr *out, const struct ofp_meter_config *mc)
{
    print_meter_id(out, mc->meter_id, '=');
    dstr_putc(out, ' ');
    print_flags(out, mc->flags);
    dstr_put(out, "bands=");
    for (uint16_t i = 0; i < mc->n_bands; i++) {
        const struct ofp_meter_band *mb = &mc->bands[i];
        dstr_put(out, "\ntype=");
        if (mb->type == OFPMBT_DROP) {
            dstr_put(out, "drop");
        } else if (mb->type == OFPMBT_DSCP_REMARK) {
            dstr_put(out, "dscp_remark");
        } else {
            dstr_printf(out, "%u", mb->type);
        }
        dstr_printf(out, " rate=%" PRIu32, mb->rate);
        if (mc->flags & OFPMF_BURST) {
            dstr_printf(out, " burst_size=%" PRIu32, mb->burst_size);
        }
        if (mb->type == OFPMBT_DSCP_REMARK) {
            dstr_printf(out, " prec_level=%u", mb->prec_level);
        }
    }
    dstr_putc(out, '\n');
}

static void print_stats(struct dstr *out, const struct ofp_meter_stats *ms)
{
    print_meter_id(out, ms->meter_id, ':');
    dstr_printf(out, " flow_count:%" PRIu32 " packet_in_count:%" PRIu64
                " byte_in_count:%" PRIu64 " duration:", ms->flow_count,
                ms->packet_in_count, ms->byte_in_count);
    ofp_print_duration(out, ms->duration_sec, ms->duration_nsec);
    dstr_put(out, " bands:\n");
    for (uint16_t i = 0; i < ms->n_bands; i++) {
        dstr_printf(out, "%u: packet_count:%" PRIu64 " byte_count:%" PRIu64
                    "\n", i, ms->bands[i].packet_count,
                    ms->bands[i].byte_count);
    }
}

/* Names of the set bits of `bits` (unknown ones as hex), space-separated,
 * as OVS's ofp_print_bit_names. */
static void print_bits(struct dstr *out, uint32_t bits,
                       const char *(*name)(uint32_t))
{
    const char *sep = "";
    for (int i = 0; i < 32; i++) {
        uint32_t bit = 1u << i;
        if (bits & bit) {
            const char *n = name(bit);
            if (n) {
                dstr_printf(out, "%s%s", sep, n);
            } else {
                dstr_printf(out, "%s0x%" PRIx32, sep, bit);
            }
            sep = " ";
        }
    }
}

static const char *band_type_name(uint32_t bit)
{
    return bit == 1u << OFPMBT_DROP ? "drop"
           : bit == 1u << OFPMBT_DSCP_REMARK ? "dscp_remark" : NULL;
}

static const char *capability_name(uint32_t bit)
{
    return bit == OFPMF_KBPS ? "kbps" : bit == OFPMF_PKTPS ? "pktps"
           : bit == OFPMF_BURST ? "burst" : bit == OFPMF_STATS ? "stats"
           : NULL;
}

int ofp_print_meter_msg(struct dstr *out, const struct ofp_msg *msg)
{
    int err = 0;
    switch (msg->type) {
    case OFPTYPE_METER_MOD: {
        struct ofp_meter_mod mm;
        err = ofp_decode_meter_mod(msg, &mm);
        if (!err) {
            static const char *const cmds[] = { " ADD ", " MOD ", " DEL " };
            dstr_put(out, cmds[mm.command]);
            print_config(out, &mm.meter);
        }
        ofp_meter_mod_free(&mm);
        return err;
    }
    case OFPTYPE_METER_STATS_REQUEST:
    case OFPTYPE_METER_CONFIG_STATS_REQUEST: {
        uint32_t id;
        err = ofp_decode_meter_request(msg, &id);
        if (!err) {
            dstr_putc(out, ' ');
            print_meter_id(out, id, '=');
        }
        return err;
    }
    case OFPTYPE_METER_CONFIG_STATS_REPLY: {
        struct ofp_meter_config *mcs;
        size_t n;
        err = ofp_decode_meter_config_reply(msg, &mcs, &n);
        for (size_t i = 0; i < n; i++) {
            dstr_putc(out, '\n');
            print_config(out, &mcs[i]);
        }
        ofp_meter_configs_free(mcs, n);
        return err;
    }
    case OFPTYPE_METER_STATS_REPLY: {
        struct ofp_meter_stats *mss;
        size_t n;
        err = ofp_decode_meter_stats_reply(msg, &mss, &n);
        for (size_t i = 0; i < n; i++) {
            dstr_putc(out, '\n');
            print_stats(out, &mss[i]);
        }
        ofp_meter_stats_free(mss, n);
        return err;
    }
    case OFPTYPE_METER_FEATURES_STATS_REPLY: {
        struct ofp_meter_features mf;
        err = ofp_decode_meter_features_reply(msg, &mf);
        if (!err) {
            dstr_printf(out, "\nmax_meter:%" PRIu32 " max_bands:%u "
                        "max_color:%u\nband_types: ", mf.max_meters,
                        mf.max_bands, mf.max_color);
            print_bits(out, mf.band_types, band_type_name);
            dstr_put(out, "\ncapabilities: ");
            print_bits(out, mf.capabilities, capability_name);
            dstr_putc(out, '\n');
        }
        return err;
    }
    default:
        return 0;
    }
}
