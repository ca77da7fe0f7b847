/* libFuzzer harness for packet-outs, packet-ins and NXT_RESUME
 * (src/ofp/ofp_packet.c).  The first byte picks a header (version, standard
 * or Nicira form, kind: the table below) and the rest is the body, so that
 * every layout gets fuzzed without the fuzzer having to find the header's
 * length and vendor fields.  What decodes must point inside the message, and
 * is encoded again in the same form, which must decode to the same thing.
 * The message is built in an exactly sized buffer, so ASan sees any read
 * past it. */
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

struct hdr {
    uint8_t n;
    uint8_t bytes[16];
    enum ofp_packet_in_format pif;
};

#define NX 0x00, 0x00, 0x23, 0x20
static const struct hdr hdrs[] = {
    { 8, { 1, 13 }, 0 },                                  /* packet_out */
    { 8, { 4, 13 }, 0 },
    { 8, { 5, 13 }, 0 },
    { 8, { 6, 13 }, 0 },
    { 8, { 1, 10 }, OFP_PIF_STANDARD },                   /* packet_in */
    { 8, { 4, 10 }, OFP_PIF_STANDARD },
    { 8, { 6, 10 }, OFP_PIF_STANDARD },
    { 16, { 1, 4, 0, 0, 0, 0, 0, 0, NX, 0, 0, 0, 17 }, OFP_PIF_NXT },
    { 16, { 1, 4, 0, 0, 0, 0, 0, 0, NX, 0, 0, 0, 30 }, OFP_PIF_NXT2 },
    { 16, { 4, 4, 0, 0, 0, 0, 0, 0, NX, 0, 0, 0, 30 }, OFP_PIF_NXT2 },
    { 16, { 1, 4, 0, 0, 0, 0, 0, 0, NX, 0, 0, 0, 28 }, 0 },  /* resume */
    { 16, { 6, 4, 0, 0, 0, 0, 0, 0, NX, 0, 0, 0, 28 }, 0 },
};

static bool inside(const struct ofp_msg *m, const uint8_t *p, size_t n)
{
    return !n || (p >= m->data && p + n <= m->data + m->len);
}

static void packet_out(const struct ofp_msg *m)
{
    struct ofp_packet_out po, back;
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_msg m2;

    if (ofp_decode_packet_out(m, &po)) {
        return;
    }
    if (!inside(m, po.packet, po.len)) {
        fail("packet_out packet outside the message");
    }
    if (!ofp_encode_packet_out(&b, m->version, m->xid, &po)) {
        if (ofp_msg_decode(b.data, b.size, &m2)
            || ofp_decode_packet_out(&m2, &back)) {
            fail("packet_out round trip");
        }
        if (back.in_port != po.in_port || back.len != po.len
            || back.n_acts != po.n_acts
            || (po.len && memcmp(back.packet, po.packet, po.len))) {
            fail("packet_out differs");
        }
        ofp_packet_out_free(&back);
    }
    ofp_packet_out_free(&po);
    ofpbuf_uninit(&b);
}

static void packet_in(const struct ofp_msg *m, enum ofp_packet_in_format f)
{
    struct ofp_packet_in pin, back;
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_msg m2;

    if (ofp_decode_packet_in(m, &pin)) {
        return;
    }
    if (!inside(m, pin.packet, pin.len)
        || !inside(m, pin.userdata, pin.userdata_len)
        || !inside(m, pin.continuation, pin.continuation_len)) {
        fail("packet_in pointer outside the message");
    }
    ofp_encode_packet_in(&b, m->version, f, &pin);
    if (ofp_msg_decode(b.data, b.size, &m2)
        || ofp_decode_packet_in(&m2, &back)) {
        fail("packet_in round trip");
    }
    if (back.len != pin.len || memcmp(back.packet, pin.packet, pin.len)
        || back.table_id != pin.table_id
        || back.userdata_len != pin.userdata_len
        || back.continuation_len != pin.continuation_len) {
        fail("packet_in differs");
    }
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
    msg[7] = 1;                 /* xid */
    memcpy(msg + h->n, data + 1, size - 1);

    struct ofp_msg m;
    if (!ofp_msg_decode(msg, len, &m)) {
        if (m.type == OFPTYPE_PACKET_OUT) {
            packet_out(&m);
        } else if (m.type == OFPTYPE_PACKET_IN) {
            packet_in(&m, h->pif);
        } else if (m.type == OFPTYPE_NXT_RESUME) {
            struct ofp_resume r;
            if (!ofp_decode_resume(&m, &r)
                && (!inside(&m, r.packet, r.len)
                    || !inside(&m, r.continuation, r.continuation_len))) {
                fail("resume pointer outside the message");
            }
        }
    }
    free(msg);
    return 0;
}
