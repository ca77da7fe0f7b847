/* libFuzzer harness for the meter messages (src/ofp/ofp_meter.c): meter
 * mods, meter requests and the config, stats and features replies, each
 * decoded and printed.  The first byte picks a header (OpenFlow 1.3, 1.4 or
 * 1.5 and the message kind: the table below) and the rest is the body, so
 * the fuzzer needs not find the header's length.  A decoded meter_mod is
 * encoded again and must decode to the same meter; config and stats
 * replies likewise.  The message is built in an exactly sized buffer, so
 * ASan sees any read past it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/ofp_msgs.h"
#include "ofp/ofp_print.h"

static void fail(const char *what)
{
    fprintf(stderr, "%s\n", what);
    abort();
}

struct hdr {
    uint8_t n;
    uint8_t bytes[16];
};

/* version, type; multipart: type 18/19 and the multipart type. */
#define MP(V, T, K) { 16, { V, T, 0, 0, 0, 0, 0, 0, 0, K, 0, 0 } }
static const struct hdr hdrs[] = {
    { 8, { 4, 29 } }, { 8, { 5, 29 } }, { 8, { 6, 29 } },  /* meter_mod */
    MP(4, 18, 9), MP(6, 18, 10), MP(5, 18, 11),            /* requests */
    MP(4, 19, 9), MP(5, 19, 9), MP(6, 19, 9),              /* stats */
    MP(4, 19, 10), MP(6, 19, 10),                          /* config */
    MP(4, 19, 11), MP(6, 19, 11),                          /* features */
};

static bool bands_equal(const struct ofp_meter_config *a,
                        const struct ofp_meter_config *b)
{
    if (a->n_bands != b->n_bands || a->meter_id != b->meter_id
        || a->flags != b->flags) {
        return false;
    }
    for (uint16_t i = 0; i < a->n_bands; i++) {
        if (a->bands[i].type != b->bands[i].type
            || a->bands[i].rate != b->bands[i].rate
            || a->bands[i].burst_size != b->bands[i].burst_size
            || a->bands[i].prec_level != b->bands[i].prec_level) {
            return false;
        }
    }
    return true;
}

static void meter_mod(const struct ofp_msg *m)
{
    struct ofp_meter_mod mm, back;
    if (ofp_decode_meter_mod(m, &mm)) {
        ofp_meter_mod_free(&mm);
        return;
    }
    if (mm.command > OFPMC_DELETE || mm.meter.n_bands * 16u > m->body_len) {
        fail("meter_mod");
    }
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_msg m2;
    ofp_encode_meter_mod(&b, m->version, m->xid, &mm);
    if (ofp_msg_decode(b.data, b.size, &m2)
        || ofp_decode_meter_mod(&m2, &back)) {
        fail("meter_mod round trip");
    }
    if (back.command != mm.command || !bands_equal(&back.meter, &mm.meter)) {
        fail("meter_mod round trip differs");
    }
    ofp_meter_mod_free(&back);
    ofp_meter_mod_free(&mm);
    ofpbuf_uninit(&b);
}

static void config_reply(const struct ofp_msg *m)
{
    struct ofp_meter_config *mcs;
    size_t n;
    if (ofp_decode_meter_config_reply(m, &mcs, &n)) {
        return;
    }
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_mp_reply r;
    struct ofp_msg req = *m;
    req.type = OFPTYPE_METER_CONFIG_STATS_REQUEST;
    ofp_mp_reply_init(&r, &b, &req);
    for (size_t i = 0; i < n; i++) {
        ofp_put_meter_config(&r, &mcs[i]);
    }
    ofp_mp_reply_finish(&r);
    struct ofp_msg m2;
    struct ofp_meter_config *back;
    size_t nb;
    if (b.size <= 65535 && (ofp_msg_decode(b.data, b.size, &m2)
        || ofp_decode_meter_config_reply(&m2, &back, &nb))) {
        fail("meter config round trip");
    }
    if (b.size <= 65535) {
        if (nb != n) {
            fail("meter config count");
        }
        for (size_t i = 0; i < n; i++) {
            if (!bands_equal(&mcs[i], &back[i])) {
                fail("meter config differs");
            }
        }
        ofp_meter_configs_free(back, nb);
    }
    ofp_meter_configs_free(mcs, n);
    ofpbuf_uninit(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65535 - 16) {
        return 0;
    }
    const struct hdr *h = &hdrs[data[0] % (sizeof hdrs / sizeof hdrs[0])];
    size_t len = h->n + size - 1;
    uint8_t *msg = malloc(len);
    memcpy(msg, h->bytes, h->n);
    msg[2] = (uint8_t) (len >> 8);
    msg[3] = (uint8_t) len;
    msg[7] = 1;
    memcpy(msg + h->n, data + 1, size - 1);

    struct ofp_msg m;
    if (!ofp_msg_decode(msg, len, &m)) {
        switch (m.type) {
        case OFPTYPE_METER_MOD:
            meter_mod(&m);
            break;
        case OFPTYPE_METER_CONFIG_STATS_REPLY:
            config_reply(&m);
            break;
        case OFPTYPE_METER_STATS_REPLY: {
            struct ofp_meter_stats *ms;
            size_t n;
            if (!ofp_decode_meter_stats_reply(&m, &ms, &n)) {
                ofp_meter_stats_free(ms, n);
            }
            break;
        }
        default:
            break;
        }
        struct dstr s = DSTR_INIT;
        ofp_print_msg(&s, msg, len, 1);
        dstr_free(&s);
    }
    free(msg);
    return 0;
}
