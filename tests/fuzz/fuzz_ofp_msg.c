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
        v &= 0x7e;                  /* the versions there are (1..6) */
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
    case OFPTYPE_FEATURES_REPLY: {
        struct ofp_features f;
        if (!ofp_decode_features_reply(m, &f)) {
            ofp_features_free(&f);
        }
        break;
    }
    case OFPTYPE_GET_CONFIG_REPLY:
    case OFPTYPE_SET_CONFIG: {
        struct ofp_switch_config c;
        if (ofp_decode_switch_config(m, &c)) {
            fail("switch config the framing accepted");
        }
        break;
    }
    case OFPTYPE_PORT_STATUS: {
        enum ofp_port_reason r;
        struct ofp_phy_port p, p2;
        if (!ofp_decode_port_status(m, &r, &p)) {
            ofp_encode_port_status(&b, m->version, r, &p);
            if (ofp_msg_decode(b.data, b.size, &m2)
                || ofp_decode_port_status(&m2, &r, &p2)
                || memcmp(&p, &p2, sizeof p)) {
                fail("port status round trip");
            }
        }
        break;
    }
    case OFPTYPE_PORT_MOD: {
        struct ofp_port_mod pm, pm2;
        if (!ofp_decode_port_mod(m, &pm)) {
            ofp_encode_port_mod(&b, m->version, m->xid, &pm);
            if (ofp_msg_decode(b.data, b.size, &m2)
                || ofp_decode_port_mod(&m2, &pm2)
                || memcmp(&pm, &pm2, sizeof pm)) {
                fail("port mod round trip");
            }
        }
        break;
    }
    case OFPTYPE_DESC_STATS_REPLY: {
        struct ofp_desc d;
        ofp_decode_desc_reply(m, &d);
        break;
    }
    case OFPTYPE_TABLE_STATS_REPLY: {
        struct ofp_table_stats *ts;
        size_t n;
        if (!ofp_decode_table_stats_reply(m, &ts, &n)) {
            free(ts);
        }
        break;
    }
    case OFPTYPE_PORT_STATS_REQUEST: {
        uint32_t port;
        ofp_decode_port_stats_request(m, &port);
        break;
    }
    case OFPTYPE_PORT_STATS_REPLY: {
        struct ofp_port_stats *ps;
        size_t n;
        if (!ofp_decode_port_stats_reply(m, &ps, &n)) {
            free(ps);
        }
        break;
    }
    case OFPTYPE_QUEUE_GET_CONFIG_REQUEST:
    case OFPTYPE_QUEUE_DESC_STATS_REQUEST: {
        uint32_t port, queue;
        if (!ofp_decode_queue_get_config_request(m, &port, &queue)) {
            /* The (empty) reply decodes. */
            ofp_encode_queue_get_config_reply(&b, m, port);
            struct ofp_queue_config *qs;
            size_t n;
            if (ofp_msg_decode(b.data, b.size, &m2)
                || ofp_decode_queue_get_config_reply(&m2, &qs, &n) || n) {
                fail("queue config reply");
            }
        }
        break;
    }
    case OFPTYPE_QUEUE_GET_CONFIG_REPLY:
    case OFPTYPE_QUEUE_DESC_STATS_REPLY: {
        struct ofp_queue_config *qs;
        size_t n;
        if (!ofp_decode_queue_get_config_reply(m, &qs, &n)) {
            free(qs);
        }
        break;
    }
    case OFPTYPE_PORT_DESC_STATS_REQUEST: {
        uint32_t port;
        ofp_decode_port_desc_request(m, &port);
        break;
    }
    case OFPTYPE_PORT_DESC_STATS_REPLY: {
        struct ofp_phy_port *pp;
        size_t n;
        if (!ofp_decode_port_desc_reply(m, &pp, &n)) {
            /* Each port goes back out in the same form, and reads back
             * the same. */
            for (size_t i = 0; i < n; i++) {
                struct ofp_phy_port p2;
                ofpbuf_clear(&b);
                ofp_put_phy_port(&b, m->version, &pp[i]);
                struct ofpcur c = ofpcur_init(b.data, b.size);
                if (ofp_pull_phy_port(&c, m->version, &p2) || c.left
                    || memcmp(&p2, &pp[i], sizeof p2)) {
                    fail("port round trip");
                }
            }
            free(pp);
        }
        break;
    }
    case OFPTYPE_ROLE_REQUEST:
    case OFPTYPE_ROLE_REPLY: {
        struct ofp_role_request rr;
        if (!ofp_decode_role_request(m, &rr)
            && m->type == OFPTYPE_ROLE_REQUEST) {
            ofp_encode_role_reply(&b, m, &rr);
            if (ofp_msg_decode(b.data, b.size, &m2)
                || m2.type != OFPTYPE_ROLE_REPLY) {
                fail("role reply");
            }
        }
        break;
    }
    case OFPTYPE_ROLE_STATUS: {
        struct ofp_role_status rs, rs2;
        if (!ofp_decode_role_status(m, &rs)) {
            if (!ofp_encode_role_status(&b, m->version, &rs)
                || ofp_msg_decode(b.data, b.size, &m2)
                || m2.type != OFPTYPE_ROLE_STATUS
                || ofp_decode_role_status(&m2, &rs2)
                || memcmp(&rs, &rs2, sizeof rs)) {
                fail("role status round trip");
            }
        }
        break;
    }
    case OFPTYPE_SET_ASYNC_CONFIG:
    case OFPTYPE_GET_ASYNC_REPLY: {
        struct ofp_async_config ac;
        ofp_async_config_default(&ac);
        ofp_decode_set_async(m, &ac);
        break;
    }
    case OFPTYPE_NXT_SET_FLOW_FORMAT:
    case OFPTYPE_NXT_SET_PACKET_IN_FORMAT:
    case OFPTYPE_NXT_FLOW_MOD_TABLE_ID:
    case OFPTYPE_NXT_SET_CONTROLLER_ID: {
        uint32_t v;
        if (ofp_decode_nx_u32(m, &v)) {
            fail("nx u32 the framing accepted");
        }
        break;
    }
    case OFPTYPE_BUNDLE_CONTROL: {
        struct ofp_bundle_ctrl bc;
        if (ofp_decode_bundle_ctrl(m, &bc)) {
            fail("bundle ctrl the framing accepted");
        }
        ofp_encode_bundle_ctrl(&b, m->version, m->xid, m, &bc);
        break;
    }
    case OFPTYPE_BUNDLE_ADD_MESSAGE: {
        struct ofp_bundle_add ba;
        if (!ofp_decode_bundle_add(m, &ba)) {
            check_msg(&ba.inner, ba.inner.data, ba.inner.len);
            if (ba.inner.data < m->body
                || ba.inner.data + ba.inner.len > m->data + m->len) {
                fail("bundle inner outside the message");
            }
        }
        break;
    }
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
