/* libFuzzer harness for flow mods, flow and aggregate stats and flow removed
 * (src/ofp/ofp_flow.c).  The first byte picks a header (version, standard
 * or Nicira form, message kind: the table below; bit 7: NXT_FLOW_MOD_TABLE_ID
 * on) and the rest is the body, so that every layout gets fuzzed without the
 * fuzzer having to find the header's length and vendor fields.  What
 * decodes is encoded again in the same form, and our own bytes must decode
 * to the same flow.  The message is built in an exactly sized buffer, so
 * ASan sees any read past it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/ofp_msgs.h"

static void fail(const char *what)
{
    fprintf(stderr, "%s\n", what);
    abort();
}

/* Header bytes up to the body, with length and xid left zero. */
struct hdr {
    uint8_t n;
    uint8_t bytes[24];
};

#define NX 0x00, 0x00, 0x23, 0x20
static const struct hdr hdrs[] = {
    { 8, { 1, 14 } },                                     /* OF1.0 flow_mod */
    { 16, { 1, 4, 0, 0, 0, 0, 0, 0, NX, 0, 0, 0, 13 } },  /* NXT_FLOW_MOD */
    { 8, { 4, 14 } },
    { 8, { 5, 14 } },
    { 8, { 6, 14 } },
    { 12, { 1, 16, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 } },      /* OFPST_FLOW */
    { 24, { 1, 16, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, NX, 0, 0, 0, 0 } },
    { 16, { 4, 18, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 } },      /* OF1.3 flow req */
    { 16, { 6, 18, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0 } },      /* OF1.5 aggregate */
    { 12, { 1, 17, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 } },      /* OFPST_FLOW rep. */
    { 24, { 1, 17, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, NX, 0, 0, 0, 0 } },
    { 16, { 4, 19, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 } },
    { 16, { 5, 19, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 } },
    { 16, { 6, 19, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 } },
    { 16, { 6, 19, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0 } },      /* OF1.5 agg reply */
    { 12, { 1, 17, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0 } },
    { 8, { 1, 11 } },                                     /* flow removed */
    { 16, { 1, 4, 0, 0, 0, 0, 0, 0, NX, 0, 0, 0, 14 } },
    { 8, { 4, 11 } },
    { 8, { 6, 11 } },
    { 24, { 1, 16, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, NX, 0, 0, 0, 1 } },
    { 16, { 4, 18, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0 } },      /* OF1.3 aggregate */
};

static enum ofp_flow_format ff_of(const struct ofp_msg *m)
{
    return m->family == OFPF_NX ? OFP_FF_NXM : OFP_FF_OF10;
}

static void flow_mod(const struct ofp_msg *m, bool tid)
{
    struct ofp_flow_mod fm, back;
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_msg m2;

    if (ofp_decode_flow_mod(m, tid, &fm)) {
        return;
    }
    if (fm.command > OFPFC_DELETE_STRICT) {
        fail("flow_mod command");
    }
    if (!ofp_encode_flow_mod(&b, m->version, ff_of(m), tid, m->xid, &fm)) {
        if (ofp_msg_decode(b.data, b.size, &m2)
            || ofp_decode_flow_mod(&m2, tid, &back)) {
            fail("flow_mod round trip");
        }
        if (back.command != fm.command || back.priority != fm.priority
            || back.n_acts != fm.n_acts
            || !ofp_match_equal(&back.match, &fm.match)) {
            fail("flow_mod round trip differs");
        }
        ofp_flow_mod_free(&back);
    }
    ofp_flow_mod_free(&fm);
    ofpbuf_uninit(&b);
}

static void stats_request(const struct ofp_msg *m)
{
    struct ofp_flow_stats_request r, back;
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_msg m2;

    if (ofp_decode_flow_stats_request(m, &r)) {
        return;
    }
    if (!ofp_encode_flow_stats_request(&b, m->version, ff_of(m), m->xid,
                                       &r)) {
        if (ofp_msg_decode(b.data, b.size, &m2)
            || ofp_decode_flow_stats_request(&m2, &back)) {
            fail("flow stats request round trip");
        }
        if (back.aggregate != r.aggregate || back.table_id != r.table_id
            || !ofp_match_equal(&back.match, &r.match)) {
            fail("flow stats request differs");
        }
    }
    ofpbuf_uninit(&b);
}

static void stats_reply(const struct ofp_msg *m)
{
    struct ofp_flow_stats *fs;
    size_t n;
    if (!ofp_decode_flow_stats_reply(m, &fs, &n)) {
        if (n && !fs) {
            fail("flow stats entries");
        }
        ofp_flow_stats_free(fs, n);
    }
}

static void flow_removed(const struct ofp_msg *m)
{
    struct ofp_flow_removed fr, back;
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_msg m2;

    if (ofp_decode_flow_removed(m, &fr)) {
        return;
    }
    if (!ofp_encode_flow_removed(&b, m->version, ff_of(m), &fr)) {
        if (ofp_msg_decode(b.data, b.size, &m2)
            || ofp_decode_flow_removed(&m2, &back)) {
            fail("flow removed round trip");
        }
        if (back.cookie != fr.cookie || back.priority != fr.priority
            || !ofp_match_equal(&back.match, &fr.match)) {
            fail("flow removed differs");
        }
    }
    ofpbuf_uninit(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65535 - 24) {
        return 0;
    }
    const struct hdr *h = &hdrs[(data[0] & 0x7f) % (sizeof hdrs
                                                    / sizeof hdrs[0])];
    bool tid = data[0] & 0x80;
    size_t len = h->n + size - 1;
    uint8_t *msg = malloc(len);
    memcpy(msg, h->bytes, h->n);
    msg[2] = (uint8_t) (len >> 8);
    msg[3] = (uint8_t) len;
    msg[7] = 1;                 /* xid */
    memcpy(msg + h->n, data + 1, size - 1);

    struct ofp_msg m;
    if (!ofp_msg_decode(msg, len, &m)) {
        if (m.data != msg || m.body + m.body_len != msg + len) {
            fail("framing");
        }
        switch (m.type) {
        case OFPTYPE_FLOW_MOD:
            flow_mod(&m, tid);
            break;
        case OFPTYPE_FLOW_STATS_REQUEST:
        case OFPTYPE_AGGREGATE_STATS_REQUEST:
            stats_request(&m);
            break;
        case OFPTYPE_FLOW_STATS_REPLY:
            stats_reply(&m);
            break;
        case OFPTYPE_AGGREGATE_STATS_REPLY: {
            struct ofp_aggregate_stats a;
            ofp_decode_aggregate_reply(&m, &a);
            break;
        }
        case OFPTYPE_FLOW_REMOVED:
            flow_removed(&m);
            break;
        default:
            break;
        }
    }
    free(msg);
    return 0;
}
