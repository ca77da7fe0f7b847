/* OpenFlow framing and messages (src/ofp/ofp_msgs.h): identification of
 * every kind in every version, length checks, hello negotiation, errors per
 * version, and each encoder/decoder pair.  Golden bytes were generated once
 * and checked with Debian's `ovs-ofctl ofp-print HEX` (OVS 3.1); what it
 * printed is quoted beside each. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ofp/ofp_msgs.h"

static const uint8_t versions[] = {
    OFP10_VERSION, OFP11_VERSION, OFP12_VERSION, OFP13_VERSION,
    OFP14_VERSION, OFP15_VERSION,
};

static void expect_bytes(const struct ofpbuf *b, const char *hex)
{
    uint8_t want[2048];
    size_t n = 0;
    for (const char *p = hex; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned v;
        sscanf(p, "%2x", &v);
        want[n++] = (uint8_t) v;
        p += 2;
    }
    if (b->size != n || memcmp(b->data, want, n)) {
        char got[4096];
        size_t k = 0;
        for (size_t i = 0; i < b->size && k + 4 < sizeof got; i++) {
            k += (size_t) snprintf(got + k, sizeof got - k, "%02x ",
                                   b->data[i]);
        }
        fail_msg("bytes differ\n  got:  %s\n  want: %s", got, hex);
    }
}

static void decode_ok(const struct ofpbuf *b, struct ofp_msg *m)
{
    int r = ofp_msg_decode(b->data, b->size, m);
    if (r) {
        fail_msg("decode failed: %s", ofperr_name((enum ofperr) -r));
    }
}

/* Every kind that a version has, in each family: its header decodes back
 * to the same kind, and the body length it accepts is checked. */
static void test_identify_every_row(void **state)
{
    (void) state;
    int n_ok = 0;
    for (size_t v = 0; v < sizeof versions; v++) {
        for (int t = 0; t < OFPTYPE_N; t++) {
            for (int f = OFPF_STD; f <= OFPF_ONF; f++) {
                if (!ofp_msg_exists(versions[v], (enum ofptype) t,
                                    (enum ofp_family) f)) {
                    continue;
                }
                /* Find the shortest body it takes. */
                bool found = false;
                for (size_t body = 0; body <= 1100 && !found; body++) {
                    struct ofpbuf b = OFPBUF_INIT;
                    size_t s = ofp_msg_start(&b, versions[v],
                                             (enum ofptype) t,
                                             (enum ofp_family) f, 42);
                    ofpbuf_put_zeros(&b, body);
                    ofpbuf_set_be16(&b, s + 2, (uint16_t) b.size);
                    struct ofp_msg m;
                    if (!ofp_msg_decode(b.data, b.size, &m)) {
                        found = true;
                        assert_int_equal(m.type, t);
                        assert_int_equal(m.family, f);
                        assert_int_equal(m.version, versions[v]);
                        assert_int_equal(m.xid, 42);
                        assert_int_equal(m.body_len, body);
                        /* One byte short never decodes. */
                        ofpbuf_set_be16(&b, s + 2, (uint16_t) (b.size - 1));
                        assert_int_not_equal(
                            ofp_msg_decode(b.data, b.size - 1, &m), 0);
                    }
                    ofpbuf_uninit(&b);
                }
                if (!found) {
                    fail_msg("%s v%d family %d never decodes",
                             ofptype_name((enum ofptype) t), versions[v], f);
                }
                n_ok++;
            }
        }
    }
    assert_true(n_ok > 300);
}

static void test_identify_specific(void **state)
{
    (void) state;
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_msg m;

    /* OF1.0 NXT_PACKET_IN2 is subtype 30, NXT_PACKET_IN 17. */
    size_t s = ofp_msg_start_sub(&b, OFP10_VERSION, OFPTYPE_PACKET_IN,
                                 OFPF_NX, 30, 5);
    ofp_msg_finish(&b, s);
    expect_bytes(&b, "01 04 00 10 00 00 00 05 00 00 23 20 00 00 00 1e");
    decode_ok(&b, &m);
    assert_int_equal(m.type, OFPTYPE_PACKET_IN);
    assert_int_equal(m.subtype, 30);
    ofpbuf_clear(&b);

    /* NXST_FLOW request in 1.0: 24-byte stats header, 8-byte body +
     * match. */
    s = ofp_msg_start(&b, OFP10_VERSION, OFPTYPE_FLOW_STATS_REQUEST,
                      OFPF_NX, 9);
    ofpbuf_put_zeros(&b, 8);
    ofp_msg_finish(&b, s);
    expect_bytes(&b, "01 10 00 20 00 00 00 09 ff ff 00 00 00 00 23 20"
                     " 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
    decode_ok(&b, &m);
    assert_int_equal(m.type, OFPTYPE_FLOW_STATS_REQUEST);
    assert_int_equal(m.family, OFPF_NX);
    assert_int_equal(m.body_len, 8);
    ofpbuf_clear(&b);

    /* OF1.3 multipart: 16-byte header. */
    ofp_encode_simple(&b, OFP13_VERSION, OFPTYPE_DESC_STATS_REQUEST,
                      OFPF_STD, 3);
    expect_bytes(&b, "04 12 00 10 00 00 00 03 00 00 00 00 00 00 00 00");
    decode_ok(&b, &m);
    assert_int_equal(m.type, OFPTYPE_DESC_STATS_REQUEST);
    ofpbuf_clear(&b);

    /* ONF bundle control in 1.3. */
    s = ofp_msg_start(&b, OFP13_VERSION, OFPTYPE_BUNDLE_CONTROL, OFPF_ONF, 1);
    ofpbuf_put_zeros(&b, 8);
    ofp_msg_finish(&b, s);
    decode_ok(&b, &m);
    assert_int_equal(m.type, OFPTYPE_BUNDLE_CONTROL);
    assert_int_equal(m.family, OFPF_ONF);
    assert_int_equal(m.subtype, 2300);
    ofpbuf_clear(&b);

    /* The padding of an 8-multiple body. */
    s = ofp_msg_start(&b, OFP14_VERSION, OFPTYPE_SET_ASYNC_CONFIG,
                      OFPF_STD, 1);
    ofpbuf_put_zeros(&b, 3);
    ofp_msg_finish(&b, s);
    assert_int_equal(b.size, 16);
    ofpbuf_uninit(&b);
}

static int decode_hex(const char *hex, struct ofp_msg *m, uint8_t *buf)
{
    size_t n = 0;
    for (const char *p = hex; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        unsigned v;
        sscanf(p, "%2x", &v);
        buf[n++] = (uint8_t) v;
        p += 2;
    }
    return ofp_msg_decode(buf, n, m);
}

static void test_framing_errors(void **state)
{
    (void) state;
    uint8_t buf[256];
    struct ofp_msg m;
    /* Short, length field too small or beyond what arrived. */
    assert_int_equal(decode_hex("01 00 00 08", &m, buf),
                     -OFPERR_OFPBRC_BAD_LEN);
    assert_int_equal(decode_hex("01 00 00 07 00 00 00 00", &m, buf),
                     -OFPERR_OFPBRC_BAD_LEN);
    assert_int_equal(decode_hex("01 00 00 10 00 00 00 00", &m, buf),
                     -OFPERR_OFPBRC_BAD_LEN);
    /* Version 7, and 0. */
    assert_int_equal(decode_hex("07 00 00 08 00 00 00 00", &m, buf),
                     -OFPERR_OFPBRC_BAD_VERSION);
    assert_int_equal(decode_hex("00 00 00 08 00 00 00 00", &m, buf),
                     -OFPERR_OFPBRC_BAD_VERSION);
    /* Unknown type; a 1.3 type in 1.0 (role request 24). */
    assert_int_equal(decode_hex("04 63 00 08 00 00 00 00", &m, buf),
                     -OFPERR_OFPBRC_BAD_TYPE);
    assert_int_equal(decode_hex("01 18 00 18 00 00 00 00 00 00 00 00"
                                " 00 00 00 00 00 00 00 00 00 00 00 00",
                                &m, buf), -OFPERR_OFPBRC_BAD_TYPE);
    /* Unknown stats type; unknown vendor; unknown subtype. */
    assert_int_equal(decode_hex("04 12 00 10 00 00 00 00 00 63 00 00"
                                " 00 00 00 00", &m, buf),
                     -OFPERR_OFPBRC_BAD_STAT);
    assert_int_equal(decode_hex("01 04 00 10 00 00 00 00 00 00 12 34"
                                " 00 00 00 00", &m, buf),
                     -OFPERR_OFPBRC_BAD_VENDOR);
    assert_int_equal(decode_hex("01 04 00 10 00 00 00 00 00 00 23 20"
                                " 00 00 03 e7", &m, buf),
                     -OFPERR_OFPBRC_BAD_SUBTYPE);
    /* Vendor header cut short. */
    assert_int_equal(decode_hex("01 04 00 0c 00 00 00 00 00 00 23 20",
                                &m, buf), -OFPERR_OFPBRC_BAD_LEN);
    /* Features request with a body; barrier 1.0 = 18, 1.3 = 20. */
    assert_int_equal(decode_hex("01 05 00 09 00 00 00 00 00", &m, buf),
                     -OFPERR_OFPBRC_BAD_LEN);
    assert_int_equal(decode_hex("01 12 00 08 00 00 00 01", &m, buf), 0);
    assert_int_equal(m.type, OFPTYPE_BARRIER_REQUEST);
    assert_int_equal(decode_hex("04 14 00 08 00 00 00 01", &m, buf), 0);
    assert_int_equal(m.type, OFPTYPE_BARRIER_REQUEST);
    /* Two messages in one buffer: the first is framed by its length. */
    assert_int_equal(decode_hex("04 14 00 08 00 00 00 01 04 14 00 08",
                                &m, buf), 0);
    assert_int_equal(m.len, 8);
    /* Table stats reply 1.3: entries of 24 bytes. */
    assert_int_equal(decode_hex("04 13 00 20 00 00 00 01 00 03 00 00"
                                " 00 00 00 00 00 00 00 00 00 00 00 00"
                                " 00 00 00 00 00 00 00 00", &m, buf),
                     -OFPERR_OFPBRC_BAD_LEN);
}

static void test_hello(void **state)
{
    (void) state;
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_msg m;

    /* "OFPT_HELLO (OF1.5) (xid=0x1): version bitmap: 0x01, 0x04, 0x05,
     * 0x06" */
    ofp_encode_hello(&b, OFP_SUPPORTED_VERSIONS, 1);
    expect_bytes(&b, "06 00 00 10 00 00 00 01 00 01 00 08 00 00 00 72");
    decode_ok(&b, &m);
    assert_int_equal(ofp_decode_hello(&m), OFP_SUPPORTED_VERSIONS);
    ofpbuf_clear(&b);

    /* 1.0 only: no bitmap; 1.0 up to 1.3, all of them: none either. */
    ofp_encode_hello(&b, 1u << OFP10_VERSION, 2);
    expect_bytes(&b, "01 00 00 08 00 00 00 02");
    decode_ok(&b, &m);
    assert_int_equal(ofp_decode_hello(&m), 1u << OFP10_VERSION);
    ofpbuf_clear(&b);
    ofp_encode_hello(&b, 0x1e, 2);
    assert_int_equal(b.size, 8);
    decode_ok(&b, &m);
    assert_int_equal(ofp_decode_hello(&m), 0x1e);
    ofpbuf_clear(&b);
    /* 1.3 only: OVS sends a bitmap. */
    ofp_encode_hello(&b, 1u << OFP13_VERSION, 2);
    expect_bytes(&b, "04 00 00 10 00 00 00 02 00 01 00 08 00 00 00 10");
    ofpbuf_uninit(&b);

    /* A hello with an unknown element before the bitmap, a bad element
     * length, and an element running past the end. */
    uint8_t buf[64];
    assert_int_equal(decode_hex("05 00 00 18 00 00 00 00 00 09 00 05 00 00"
                                " 00 00 00 01 00 08 00 00 00 12", &m, buf),
                     0);
    assert_int_equal(ofp_decode_hello(&m), 0x12);
    assert_int_equal(decode_hex("05 00 00 10 00 00 00 00 00 01 00 02 00 00"
                                " 00 12", &m, buf), 0);
    assert_int_equal(ofp_decode_hello(&m), 0x3e);
    assert_int_equal(decode_hex("05 00 00 10 00 00 00 00 00 01 00 10 00 00"
                                " 00 12", &m, buf), 0);
    assert_int_equal(ofp_decode_hello(&m), 0x3e);

    assert_int_equal(ofp_negotiate(OFP_SUPPORTED_VERSIONS, 0x7e), 6);
    assert_int_equal(ofp_negotiate(OFP_SUPPORTED_VERSIONS, 0x3e), 5);
    assert_int_equal(ofp_negotiate(OFP_SUPPORTED_VERSIONS, 0x1e), 4);
    assert_int_equal(ofp_negotiate(OFP_SUPPORTED_VERSIONS, 0x0e), 1);
    assert_int_equal(ofp_negotiate(OFP_SUPPORTED_VERSIONS, 0x0c), 0);
}

static void test_echo(void **state)
{
    (void) state;
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_msg m;
    ofp_encode_echo(&b, OFP13_VERSION, false, 9, "abc", 3);
    expect_bytes(&b, "04 02 00 0b 00 00 00 09 61 62 63");
    decode_ok(&b, &m);
    assert_int_equal(m.type, OFPTYPE_ECHO_REQUEST);
    ofpbuf_clear(&b);
    size_t s = ofp_msg_start_reply(&b, &m, OFPTYPE_ECHO_REPLY);
    ofpbuf_put(&b, m.body, m.body_len);
    ofp_msg_finish(&b, s);
    expect_bytes(&b, "04 03 00 0b 00 00 00 09 61 62 63");
    ofpbuf_uninit(&b);
}

static void test_errors(void **state)
{
    (void) state;
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_msg m;
    struct ofp_error_msg e;
    static const uint8_t req[8] = { 1, 14, 0, 8, 0, 0, 0, 7 };

    /* "OFPT_ERROR (xid=0x7): OFPBRC_BAD_TABLE_ID" (OF1.0: an NX vendor
     * error). */
    ofp_encode_error(&b, OFP10_VERSION, OFPERR_OFPBRC_BAD_TABLE_ID, 7, req,
                     sizeof req);
    expect_bytes(&b, "01 01 00 1c 00 00 00 07 b0 c2 00 00 00 00 23 20 00 01"
                     " 02 00 01 0e 00 08 00 00 00 07");
    decode_ok(&b, &m);
    assert_int_equal(ofp_decode_error(&m, &e), 0);
    assert_int_equal(e.error, OFPERR_OFPBRC_BAD_TABLE_ID);
    assert_int_equal(e.len, 8);
    ofpbuf_clear(&b);

    /* "OFPT_ERROR (OF1.3) (xid=0x7): OFPBFC_BUNDLE_CLOSED" (ONF 2304). */
    ofp_encode_error(&b, OFP13_VERSION, OFPERR_OFPBFC_BUNDLE_CLOSED, 7,
                     NULL, 0);
    expect_bytes(&b, "04 01 00 10 00 00 00 07 ff ff 09 00 4f 4e 46 00");
    ofpbuf_clear(&b);
    /* "OFPT_ERROR (OF1.3) (xid=0x7): OFPBRC_BAD_LEN" */
    ofp_encode_error(&b, OFP13_VERSION, OFPERR_OFPBRC_BAD_LEN, 7, NULL, 0);
    expect_bytes(&b, "04 01 00 0c 00 00 00 07 00 01 00 06");
    ofpbuf_clear(&b);

    /* Only 64 bytes of the offending message. */
    uint8_t big[100] = { 0 };
    ofp_encode_error(&b, OFP14_VERSION, OFPERR_OFPBMC_BAD_FIELD, 1, big,
                     sizeof big);
    assert_int_equal(b.size, 12 + 64);
    ofpbuf_clear(&b);

    /* Every error round-trips in every version it has; the ones a version
     * lacks come back as NXBRC_UNENCODABLE_ERROR. */
    for (size_t v = 0; v < sizeof versions; v++) {
        for (int err = 1; err < OFPERR_N; err++) {
            unsigned t, c;
            bool has = ofperr_encode((enum ofperr) err, versions[v], &t, &c);
            ofp_encode_error(&b, versions[v], (enum ofperr) err, 3, NULL, 0);
            decode_ok(&b, &m);
            assert_int_equal(ofp_decode_error(&m, &e), 0);
            enum ofperr want = has ? (enum ofperr) err
                                   : OFPERR_NXBRC_UNENCODABLE_ERROR;
            /* Where two errors share a code (OF1.0 OFPBRC_IS_SLAVE is
             * OFPBRC_EPERM), the first in the list is decoded. */
            if (e.error != want) {
                unsigned t2, c2;
                assert_true(ofperr_encode(e.error, versions[v], &t2, &c2));
                assert_true(t2 == t && c2 == c);
                assert_true(e.error < want);
            }
            ofpbuf_clear(&b);
        }
    }
    assert_string_equal(ofperr_name(OFPERR_OFPBRC_BAD_LEN), "OFPBRC_BAD_LEN");
    assert_string_equal(ofperr_name(OFPERR_NONE), "OFPERR_NONE");

    /* Truncated vendor error body. */
    uint8_t buf[64];
    assert_int_equal(decode_hex("01 01 00 10 00 00 00 07 b0 c2 00 00 00 00"
                                " 23 20", &m, buf), 0);
    assert_int_equal(ofp_decode_error(&m, &e), -OFPERR_OFPBRC_BAD_LEN);
    ofpbuf_uninit(&b);
}

static void test_mp_reply_split(void **state)
{
    (void) state;
    struct ofpbuf rq = OFPBUF_INIT, b = OFPBUF_INIT;
    struct ofp_msg req, m;
    ofp_encode_simple(&rq, OFP13_VERSION, OFPTYPE_TABLE_STATS_REQUEST,
                      OFPF_STD, 77);
    decode_ok(&rq, &req);
    struct ofp_mp_reply r;
    ofp_mp_reply_init(&r, &b, &req);
    for (int i = 0; i < 3000; i++) {       /* 72000 bytes of entries */
        ofp_mp_entry_start(&r);
        uint8_t e[24] = { (uint8_t) i };
        ofpbuf_put(&b, e, sizeof e);
        ofp_mp_entry_end(&r);
    }
    ofp_mp_reply_finish(&r);
    size_t off = 0, entries = 0, msgs = 0;
    while (off < b.size) {
        assert_int_equal(ofp_msg_decode(b.data + off, b.size - off, &m), 0);
        assert_int_equal(m.type, OFPTYPE_TABLE_STATS_REPLY);
        assert_int_equal(m.xid, 77);
        entries += m.body_len / 24;
        off += m.len;
        msgs++;
        assert_int_equal(m.mp_flags & OFPMPF_MORE, off < b.size);
    }
    assert_int_equal(entries, 3000);
    assert_int_equal(msgs, 2);
    ofpbuf_uninit(&rq);
    ofpbuf_uninit(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identify_every_row),
        cmocka_unit_test(test_identify_specific),
        cmocka_unit_test(test_framing_errors),
        cmocka_unit_test(test_hello),
        cmocka_unit_test(test_echo),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_mp_reply_split),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
