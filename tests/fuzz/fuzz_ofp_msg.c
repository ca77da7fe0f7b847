/* libFuzzer harness for the OpenFlow codec (src/ofp/ofp_msgs.h): any bytes
 * are framed and identified by ofp_msg_decode; what it accepts must lie
 * inside the input, and is handed to the decoder of its kind (those of
 * ofp_msgs.c, ofp_errors.c and ofp_switch.c).  A message that decodes is
 * encoded again where the codec has an encoder, and that must decode to the
 * same thing.  The input is copied into an exactly sized buffer, so ASan
 * sees any read past it. */
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

static void check_msg(const struct ofp_msg *m, const uint8_t *data,
                      size_t size)
{
    if (m->data != data || m->len > size || m->len < OFP_HEADER_LEN
        || m->body < data || m->body + m->body_len != data + m->len) {
        fail("ofp_msg outside the input");
    }
    if (m->type >= OFPTYPE_N) {
        fail("bad type");
    }
}

static void one(const struct ofp_msg *m)
{
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_msg m2;

    switch (m->type) {
    case OFPTYPE_HELLO: {
        uint32_t v = ofp_decode_hello(m);
        if (v & 1) {
            fail("hello offers version 0");
        }
        if (v) {
            ofp_encode_hello(&b, v, m->xid);
            if (ofp_msg_decode(b.data, b.size, &m2)
                || ofp_decode_hello(&m2) != v) {
                fail("hello round trip");
            }
        }
        break;
    }
    case OFPTYPE_ERROR: {
        struct ofp_error_msg e;
        if (!ofp_decode_error(m, &e) && e.error != OFPERR_NONE) {
            struct ofp_error_msg e2;
            ofp_encode_error(&b, m->version, e.error, m->xid, e.data, e.len);
            if (ofp_msg_decode(b.data, b.size, &m2)
                || ofp_decode_error(&m2, &e2)) {
                fail("error round trip");
            }
            unsigned t1, c1, t2, c2;
            if (!ofperr_encode(e2.error, m->version, &t2, &c2)
                || !ofperr_encode(e.error, m->version, &t1, &c1)
                || t1 != t2 || c1 != c2) {
                fail("error code round trip");
            }
        }
        break;
    }
    case OFPTYPE_ECHO_REQUEST:
        ofp_encode_echo(&b, m->version, true, m->xid, m->body, m->body_len);
        if (ofp_msg_decode(b.data, b.size, &m2)
            || m2.type != OFPTYPE_ECHO_REPLY || m2.body_len != m->body_len) {
            fail("echo round trip");
        }
        break;
    default:
        break;
    }
    ofpbuf_uninit(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    size_t off = 0;
    /* Several messages may follow each other, as on a stream. */
    for (int n = 0; n < 16 && off < size; n++) {
        struct ofp_msg m;
        if (ofp_msg_decode(copy + off, size - off, &m)) {
            break;
        }
        check_msg(&m, copy + off, size - off);
        one(&m);
        off += m.len;
    }
    free(copy);
    return 0;
}
