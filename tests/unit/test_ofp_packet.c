/* Packet-ins, packet-outs and NXT_RESUME on the wire (ofp_packet.c).
 * Packet-out golden bytes are what Debian's ovs-ofctl 3.1 sends
 * (`ovs-ofctl [-O OpenFlowNN] packet-out unix:SOCK IN_PORT output:2 HEX`,
 * captured from a fake switch); packet-ins we encode are checked against
 * what `ovs-ofctl ofp-print` makes of them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ofp/ofp_errors.h"
#include "ofp/ofp_msgs.h"
#include "ofp/ofp_parse.h"
#include "ofp/ofp_port.h"
#include "ofp/ofp_print.h"
#include "test_ofp_wire.h"

/* An Ethernet frame: dst, src, type 0x86dd, then bytes. */
static const uint8_t frame[] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x00, 0x01,
    0x02, 0x03, 0x04, 0x05, 0x86, 0xdd,
};

static void parse_match(const char *s, struct ofp_match *m)
{
    struct ofp_flow_spec spec;
    char err[256];
    if (ofp_parse_flow(s, OFP_PARSE_MATCH, &spec, err, sizeof err)) {
        fail_msg("parse '%s': %s", s, err);
    }
    *m = spec.match;
    ofp_flow_spec_free(&spec);
}

/* ---- packet-in ---- */

static const uint8_t continuation[] = {
    0x80, 0x08, 0x00, 0x08, 0x00, 0x00, 0x00, 0x05,   /* NXCPT_ODP_PORT 5 */
};
static const uint8_t userdata[] = { 0xde, 0xad, 0xbe, 0xef, 0x01 };

static struct ofp_packet_in sample_pin(bool truncated)
{
    struct ofp_packet_in pin;
    memset(&pin, 0, sizeof pin);
    pin.packet = frame;
    pin.len = truncated ? 14 : sizeof frame;
    pin.total_len = sizeof frame;
    pin.buffer_id = OFP_NO_BUFFER;
    pin.reason = OFPR_ACTION;
    pin.table_id = 2;
    pin.cookie = 0x55;
    parse_match("in_port=3,reg0=0x5,tun_id=0x10", &pin.metadata);
    return pin;
}

static void check_pin(uint8_t version, enum ofp_packet_in_format format,
                      bool truncated, const char *expect)
{
    struct ofp_packet_in pin = sample_pin(truncated), back;
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_msg msg;
    bool nx2 = format == OFP_PIF_NXT2;
    bool of10 = format == OFP_PIF_STANDARD && version == OFP10_VERSION;

    if (nx2) {
        pin.userdata = userdata;
        pin.userdata_len = sizeof userdata;
        pin.continuation = continuation;
        pin.continuation_len = sizeof continuation;
    }
    if (of10) {
        parse_match("in_port=3", &pin.metadata);
    }
    ofp_encode_packet_in(&b, version, format, &pin);
    assert_ovs_prints(b.data, b.size, expect);

    wire_msg_buf(&b, 0, &msg);
    assert_int_equal(msg.type, OFPTYPE_PACKET_IN);
    assert_int_equal(msg.xid, 0);
    assert_int_equal(ofp_decode_packet_in(&msg, &back), 0);
    assert_int_equal(back.len, pin.len);
    assert_memory_equal(back.packet, frame, pin.len);
    assert_int_equal(back.total_len, sizeof frame);
    assert_int_equal(back.buffer_id, OFP_NO_BUFFER);
    assert_int_equal(back.reason, OFPR_ACTION);
    assert_int_equal(back.table_id, of10 ? 0 : 2);
    bool has_cookie = format != OFP_PIF_STANDARD || version >= OFP13_VERSION;
    assert_int_equal(back.cookie, has_cookie ? 0x55 : UINT64_MAX);
    assert_true(ofp_match_equal(&back.metadata, &pin.metadata));
    if (nx2) {
        assert_int_equal(back.userdata_len, sizeof userdata);
        assert_memory_equal(back.userdata, userdata, sizeof userdata);
        assert_int_equal(back.continuation_len, sizeof continuation);
        assert_memory_equal(back.continuation, continuation,
                            sizeof continuation);
    } else {
        assert_int_equal(back.userdata_len, 0);
        assert_int_equal(back.continuation_len, 0);
    }
    ofpbuf_uninit(&b);
}

/* What ovs-ofctl prints of the frame, after the packet-in's line. */
#define PIN_FLOW                                                             \
    "\nvlan_tci=0x0000,dl_src=06:07:08:09:00:01,dl_dst=00:01:02:03:04:05,"   \
    "dl_type=0x05ff"
#define PIN_META "reg0=0x5,tun_id=0x10,in_port=3 (via action) "
#define PIN_NX2_TAIL "\n userdata=de.ad.be.ef.01\n continuation.odp_port=5"
#define PIN_SHORT "data_len=14 (unbuffered) (***total_len != data_len***)"

static void test_packet_in(void **state)
{
    (void) state;
    check_pin(OFP10_VERSION, OFP_PIF_STANDARD, false,
              "OFPT_PACKET_IN (xid=0x0): total_len=18 in_port=3 (via action) "
              "data_len=18 (unbuffered)" PIN_FLOW);
    check_pin(OFP13_VERSION, OFP_PIF_STANDARD, false,
              "OFPT_PACKET_IN (OF1.3) (xid=0x0): table_id=2 cookie=0x55 "
              "total_len=18 " PIN_META "data_len=18 (unbuffered)" PIN_FLOW);
    check_pin(OFP14_VERSION, OFP_PIF_STANDARD, true,
              "OFPT_PACKET_IN (OF1.4) (xid=0x0): table_id=2 cookie=0x55 "
              "total_len=18 " PIN_META PIN_SHORT PIN_FLOW);
    check_pin(OFP15_VERSION, OFP_PIF_STANDARD, false,
              "OFPT_PACKET_IN (OF1.5) (xid=0x0): table_id=2 cookie=0x55 "
              "total_len=18 " PIN_META "data_len=18 (unbuffered)" PIN_FLOW);
    check_pin(OFP10_VERSION, OFP_PIF_NXT, false,
              "NXT_PACKET_IN (xid=0x0): table_id=2 cookie=0x55 total_len=18 "
              PIN_META "data_len=18 (unbuffered)" PIN_FLOW);
    check_pin(OFP13_VERSION, OFP_PIF_NXT, false,
              "NXT_PACKET_IN (OF1.3) (xid=0x0): table_id=2 cookie=0x55 "
              "total_len=18 " PIN_META "data_len=18 (unbuffered)" PIN_FLOW);
    check_pin(OFP10_VERSION, OFP_PIF_NXT2, true,
              "NXT_PACKET_IN2 (xid=0x0): table_id=2 cookie=0x55 total_len=18 "
              PIN_META PIN_SHORT PIN_NX2_TAIL PIN_FLOW);
    check_pin(OFP15_VERSION, OFP_PIF_NXT2, false,
              "NXT_PACKET_IN2 (OF1.5) (xid=0x0): table_id=2 cookie=0x55 "
              "total_len=18 " PIN_META "data_len=18 (unbuffered)"
              PIN_NX2_TAIL PIN_FLOW);
}

/* Reasons OpenFlow 1.3 lacks go as "action"; a table miss has no cookie. */
static void test_packet_in_reason(void **state)
{
    (void) state;
    struct ofp_packet_in pin = sample_pin(false), back;
    struct ofp_msg msg;
    pin.reason = OFPR_GROUP;
    for (uint8_t v = OFP13_VERSION; v <= OFP15_VERSION; v++) {
        struct ofpbuf b = OFPBUF_INIT;
        ofp_encode_packet_in(&b, v, OFP_PIF_STANDARD, &pin);
        wire_msg_buf(&b, 0, &msg);
        assert_int_equal(ofp_decode_packet_in(&msg, &back), 0);
        assert_int_equal(back.reason, v < OFP14_VERSION ? OFPR_ACTION
                                                        : OFPR_GROUP);
        ofpbuf_uninit(&b);
    }

    struct ofpbuf b = OFPBUF_INIT;
    pin.reason = OFPR_NO_MATCH;
    pin.cookie = UINT64_MAX;
    ofp_encode_packet_in(&b, OFP13_VERSION, OFP_PIF_NXT2, &pin);
    wire_msg_buf(&b, 0, &msg);
    assert_int_equal(ofp_decode_packet_in(&msg, &back), 0);
    assert_int_equal(back.cookie, UINT64_MAX);
    assert_int_equal(back.reason, OFPR_NO_MATCH);
    ofpbuf_uninit(&b);
}

static void test_packet_in_metadata(void **state)
{
    (void) state;
    struct xflow x;
    struct ofp_packet_in pin;
    struct ofp_match want;
    memset(&x, 0, sizeof x);
    memset(&pin, 0, sizeof pin);
    x.in_port = 7;
    x.regs[2] = 9;
    x.metadata = 0x1234;
    x.key.pkt_mark = 3;
    ofp_packet_in_set_metadata(&pin, &x);
    parse_match("in_port=7,reg2=9,metadata=0x1234,pkt_mark=3", &want);
    assert_true(ofp_match_equal(&pin.metadata, &want));

    memset(&x, 0, sizeof x);
    x.in_port = 0;              /* in_port is always there */
    ofp_packet_in_set_metadata(&pin, &x);
    parse_match("in_port=0", &want);
    assert_true(ofp_match_equal(&pin.metadata, &want));
}

static void decode_pin_any(const struct ofp_msg *msg)
{
    struct ofp_packet_in pin;
    ofp_decode_packet_in(msg, &pin);
}

static void expect_pin_error(const char *hex, enum ofperr error)
{
    struct ofp_msg msg;
    struct ofp_packet_in pin;
    uint8_t *buf;
    wire_msg(hex, &msg, &buf);
    int r = ofp_decode_packet_in(&msg, &pin);
    if (r != -(int) error) {
        fail_msg("%s: %s, expected %s", hex, ofperr_name((enum ofperr) -r),
                 ofperr_name(error));
    }
    free(buf);
}

static void test_packet_in_malformed(void **state)
{
    (void) state;
    static const struct {
        uint8_t version;
        enum ofp_packet_in_format format;
    } all[] = {
        { OFP10_VERSION, OFP_PIF_STANDARD },
        { OFP13_VERSION, OFP_PIF_STANDARD },
        { OFP15_VERSION, OFP_PIF_STANDARD }, { OFP10_VERSION, OFP_PIF_NXT },
        { OFP10_VERSION, OFP_PIF_NXT2 }, { OFP14_VERSION, OFP_PIF_NXT2 },
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        struct ofp_packet_in pin = sample_pin(false);
        struct ofpbuf b = OFPBUF_INIT;
        pin.userdata = userdata;
        pin.userdata_len = sizeof userdata;
        ofp_encode_packet_in(&b, all[i].version, all[i].format, &pin);
        wire_truncations(b.data, b.size, decode_pin_any);
        ofpbuf_uninit(&b);
    }

    /* NXT_PACKET_IN2 without a packet; with full_len under the packet's;
     * a property longer than the message; a short buffer_id. */
    expect_pin_error("0104002000000000000023200000001e"
                     "0003000502000000" "0005000501000000",
                     OFPERR_OFPBRC_BAD_LEN);
    expect_pin_error("0104002000000000000023200000001e"
                     "0000000601020000" "0001000800000001",
                     OFPERR_OFPBRC_BAD_LEN);
    expect_pin_error("0104001800000000000023200000001e"
                     "0000001001020000", OFPERR_OFPBRC_BAD_LEN);
    expect_pin_error("0104002000000000000023200000001e"
                     "0000000601020000" "0002000600010000",
                     OFPERR_OFPBRC_BAD_LEN);
    /* Unknown properties are skipped in a packet-in. */
    struct ofp_msg msg;
    struct ofp_packet_in pin;
    uint8_t *buf;
    wire_msg("0104002000000000000023200000001e"
             "0000000601020000" "0063000800000001", &msg, &buf);
    assert_int_equal(ofp_decode_packet_in(&msg, &pin), 0);
    assert_int_equal(pin.len, 2);
    free(buf);
    /* NXT_PACKET_IN whose match runs past the message. */
    expect_pin_error("0104002800000000000023200000001100000000"
                     "001200010000000000000001"
                     "0040000000000000", OFPERR_OFPBMC_BAD_LEN);
    /* OF1.3: a match of type 2. */
    expect_pin_error("040a002000000000ffffffff00120102" "0000000000000055"
                     "0002000400000000", OFPERR_OFPBMC_BAD_TYPE);
}

/* ---- NXT_RESUME ---- */

static void decode_resume_any(const struct ofp_msg *msg)
{
    struct ofp_resume r;
    ofp_decode_resume(msg, &r);
}

static void test_resume(void **state)
{
    (void) state;
    struct ofp_msg msg;
    struct ofp_resume r;
    uint8_t *buf;

    /* packet (2 bytes), continuation (nested: 4 pad, then 8 bytes). */
    wire_msg("0104002800000009000023200000001c"
             "0000000601020000" "0008001000000000" "8008000800000005",
             &msg, &buf);
    assert_int_equal(msg.type, OFPTYPE_NXT_RESUME);
    assert_int_equal(ofp_decode_resume(&msg, &r), 0);
    assert_int_equal(r.len, 2);
    assert_int_equal(r.packet[0], 1);
    assert_int_equal(r.continuation_len, sizeof continuation);
    assert_memory_equal(r.continuation, continuation, sizeof continuation);
    wire_truncations(msg.data, msg.len, decode_resume_any);
    free(buf);

    /* What ovs-ofctl monitor's "resume" sends: the packet-in's properties
     * (packet, table, cookie, reason, metadata) and the continuation as it
     * came (ofputil_encode_resume), i.e. our NXT_PACKET_IN2 as NXT_RESUME. */
    for (uint8_t v = OFP10_VERSION; v <= OFP15_VERSION; v++) {
        if (v == OFP11_VERSION || v == OFP12_VERSION) {
            continue;
        }
        struct ofp_packet_in pin = sample_pin(false);
        struct ofpbuf b = OFPBUF_INIT;
        pin.continuation = continuation;
        pin.continuation_len = sizeof continuation;
        ofp_encode_packet_in(&b, v, OFP_PIF_NXT2, &pin);
        b.data[15] = 28;        /* NXT_RESUME */
        wire_msg_buf(&b, 0, &msg);
        assert_int_equal(msg.type, OFPTYPE_NXT_RESUME);
        assert_int_equal(ofp_decode_resume(&msg, &r), 0);
        assert_int_equal(r.len, sizeof frame);
        assert_memory_equal(r.packet, frame, sizeof frame);
        assert_int_equal(r.continuation_len, sizeof continuation);
        assert_memory_equal(r.continuation, continuation,
                            sizeof continuation);
        ofpbuf_uninit(&b);
    }

    /* A resume must carry the packet; the switch refuses what it does not
     * know. */
    wire_msg("0104001800000009000023200000001c"
             "0008000c00000000", &msg, &buf);
    assert_int_equal(ofp_decode_resume(&msg, &r), -OFPERR_OFPBRC_BAD_LEN);
    free(buf);
    wire_msg("0104002000000009000023200000001c"
             "0000000601020000" "0063000800000001", &msg, &buf);
    assert_int_equal(ofp_decode_resume(&msg, &r), -OFPERR_OFPBRC_BAD_TYPE);
    free(buf);
}

/* ---- continuations ---- */

/* What the continuation of test_continuation encodes to in OpenFlow 1.3.
 * `ovs-ofctl ofp-print` of an NXT_PACKET_IN2 carrying it prints
 * " continuation.bridge=13121110-1716-1514-1b1a-19181f1e1d1c",
 * " continuation.actions=unroll_xlate(table=0, cookie=0),"
 * "load:0x1->NXM_NX_REG1[],unroll_xlate(table=1, cookie=5),output:2,"
 * "resubmit(,4),set_field:0x3->reg2,unroll_xlate(table=0, cookie=0),"
 * "output:4,resubmit(,3)" and " continuation.odp_port=7". */
#define CONT13                                                               \
    "8000001410111213 1415161718191a1b 1c1d1e1f00000000 8006002000000000"    \
    "ffff001800002320 0007001f00010204 0000000000000001 8004000501000000"    \
    "8005001000000000 0000000000000005 8006003800000000 0000001000000002"    \
    "0000000000000000 ffff001000002320 000efff804000000 0019001000010404"    \
    "0000000300000000 8004000500000000 8005001000000000 0000000000000000"    \
    "8006002800000000 0000001000000004 0000000000000000 ffff001000002320"    \
    "000efff803000000 8008000800000007"

static void expect_group(const struct ofp_cont_group *g, uint8_t table,
                         uint64_t cookie, const char *acts)
{
    char text[256], want[256];
    struct ofpact *w;
    size_t nw;
    char err[256];
    assert_int_equal(ofpacts_parse(acts, &w, &nw, err, sizeof err), 0);
    wire_acts_text(w, nw, want, sizeof want);
    ofpacts_free(w, nw);
    wire_acts_text(g->acts, g->n_acts, text, sizeof text);
    assert_int_equal(g->table_id, table);
    assert_int_equal(g->cookie, cookie);
    assert_string_equal(text, want);
}

/* Encode and decode: OVS's grouping (a table and cookie only before the
 * actions that depend on them, goto_table as resubmit), the same bytes
 * again from what was decoded, and OVS's bytes in OpenFlow 1.3. */
static void test_continuation(void **state)
{
    (void) state;
    static struct ofp_continuation k, back, again;
    char err[256];
    memset(&k, 0, sizeof k);
    for (int i = 0; i < 16; i++) {
        k.bridge[i] = (uint8_t) (0x10 + i);
    }
    k.odp_port = 7;
    struct ofpact *a1, *a2;
    size_t n1, n2;
    assert_int_equal(ofpacts_parse("load:1->reg1,output:2,resubmit(,4)",
                                   &a1, &n1, err, sizeof err), 0);
    assert_int_equal(ofpacts_parse("set_field:3->reg2,output:4,goto_table:3",
                                   &a2, &n2, err, sizeof err), 0);
    k.n_groups = 2;
    k.groups[0] = (struct ofp_cont_group) { 1, 5, a1, n1 };
    k.groups[1] = (struct ofp_cont_group) { 0, 0, a2, n2 };
    for (uint8_t v = OFP10_VERSION; v <= OFP15_VERSION; v++) {
        if (v == OFP11_VERSION || v == OFP12_VERSION) {
            continue;
        }
        struct ofpbuf b = OFPBUF_INIT, b2 = OFPBUF_INIT;
        assert_int_equal(ofp_encode_continuation(&b, v, &k), 0);
        if (v == OFP13_VERSION) {
            uint8_t want[512];
            size_t n = wire_hex_into(CONT13, want, sizeof want);
            assert_int_equal(b.size, n);
            assert_memory_equal(b.data, want, n);
        }
        assert_int_equal(ofp_decode_continuation(b.data, b.size, v, &back),
                         0);
        assert_memory_equal(back.bridge, k.bridge, 16);
        assert_int_equal(back.odp_port, 7);
        assert_int_equal(back.n_groups, 3);
        /* A load goes out as NXAST_REG_LOAD before 1.5 (as OVS: "it came
         * in as reg_load"); 1.5 has only Set-Field. */
        expect_group(&back.groups[0], 0, 0, v == OFP15_VERSION
                                            ? "set_field:1->reg1"
                                            : "load:1->reg1");
        /* OpenFlow 1.0 carries set_field as NXAST_REG_LOAD, which reads
         * back as a load (as in OVS). */
        expect_group(&back.groups[1], 1, 5,
                     v == OFP10_VERSION
                     ? "output:2,resubmit(,4),load:0x3->NXM_NX_REG2[]"
                     : "output:2,resubmit(,4),set_field:3->reg2");
        expect_group(&back.groups[2], 0, 0, "output:4,resubmit(,3)");
        assert_int_equal(ofp_encode_continuation(&b2, v, &back), 0);
        assert_int_equal(b2.size, b.size);
        assert_memory_equal(b2.data, b.data, b.size);
        /* Inside an NXT_PACKET_IN2, and back through NXT_RESUME. */
        struct ofp_packet_in pin = sample_pin(false);
        pin.cont = &k;
        ofpbuf_clear(&b2);
        ofp_encode_packet_in(&b2, v, OFP_PIF_NXT2, &pin);
        struct ofp_msg msg;
        wire_msg_buf(&b2, 0, &msg);
        if (v == OFP13_VERSION) {
            /* ovs-ofctl reads it as its own; vswitch prints it alike. */
            const char *want =
                "NXT_PACKET_IN2 (OF1.3) (xid=0x0): table_id=2 cookie=0x55 "
                "total_len=18 reg0=0x5,tun_id=0x10,in_port=3 (via action) "
                "data_len=18 (unbuffered)\n"
                " continuation.bridge=13121110-1716-1514-1b1a-19181f1e1d1c\n"
                " continuation.actions=unroll_xlate(table=0, cookie=0),"
                "load:0x1->NXM_NX_REG1[],unroll_xlate(table=1, cookie=5),"
                "output:2,resubmit(,4),set_field:0x3->reg2,"
                "unroll_xlate(table=0, cookie=0),output:4,resubmit(,3)\n"
                " continuation.odp_port=7\n"
                "vlan_tci=0x0000,dl_src=06:07:08:09:00:01,"
                "dl_dst=00:01:02:03:04:05,dl_type=0x0203";
            struct dstr d = DSTR_INIT;
            ofp_print_msg(&d, b2.data, b2.size, 2);
            char *ours = strdup(dstr_str(&d));
            size_t l = strlen(ours);
            while (l && ours[l - 1] == '\n') {
                ours[--l] = '\0';
            }
            dstr_free(&d);
            char *ovs = ovs_ofp_print(b2.data, b2.size);
            if (ovs) {
                assert_non_null(strstr(ovs, " continuation.odp_port=7\n"));
                assert_non_null(strstr(ovs, "unroll_xlate(table=1, "
                                       "cookie=5),output:2,resubmit(,4),"
                                       "set_field:0x3->reg2,unroll_xlate("
                                       "table=0, cookie=0),output:4,"
                                       "resubmit(,3)\n"));
                free(ovs);
            }
            assert_string_equal(ours, want);
            free(ours);
        }
        struct ofp_packet_in got;
        assert_int_equal(ofp_decode_packet_in(&msg, &got), 0);
        assert_int_equal(got.continuation_len, b.size);
        assert_memory_equal(got.continuation, b.data, b.size);
        struct ofpbuf r = OFPBUF_INIT;
        ofp_encode_resume(&r, v, &got);
        wire_msg_buf(&r, 0, &msg);
        assert_int_equal(msg.type, OFPTYPE_NXT_RESUME);
        struct ofp_resume res;
        assert_int_equal(ofp_decode_resume(&msg, &res), 0);
        assert_int_equal(res.continuation_len, b.size);
        assert_memory_equal(res.continuation, b.data, b.size);
        assert_int_equal(res.table_id, 2);
        assert_int_equal(res.cookie, 0x55);
        assert_int_equal(res.metadata.value.in_port, 3);
        assert_int_equal(res.metadata.value.regs[0], 5);
        assert_int_equal(res.len, sizeof frame);
        assert_int_equal(ofp_decode_continuation(res.continuation,
                                                 res.continuation_len, v,
                                                 &again), 0);
        assert_int_equal(again.n_groups, 3);
        ofp_continuation_free(&again);
        /* The other formats carry no continuation. */
        ofpbuf_clear(&b2);
        ofp_encode_packet_in(&b2, v, OFP_PIF_STANDARD, &pin);
        wire_msg_buf(&b2, 0, &msg);
        assert_int_equal(ofp_decode_packet_in(&msg, &got), 0);
        assert_int_equal(got.continuation_len, 0);
        ofp_continuation_free(&back);
        ofpbuf_uninit(&b);
        ofpbuf_uninit(&b2);
        ofpbuf_uninit(&r);
    }
    free(a1);
    free(a2);
}

static void expect_cont_error(uint8_t v, const char *hex, enum ofperr want)
{
    uint8_t buf[2048];
    size_t n = wire_hex_into(hex, buf, sizeof buf);
    static struct ofp_continuation k;
    int err = ofp_decode_continuation(buf, n, v, &k);
    if (err != -(int) want) {
        fail_msg("'%s': got %s, want %s", hex,
                 ofperr_name((enum ofperr) -err), ofperr_name(want));
    }
    assert_null(k.acts);
    assert_int_equal(k.n_groups, 0);
}

/* What a resume may not carry: OVS's property errors, the actions' own,
 * the properties vswitch never sends, too many groups; and every cut of a
 * good one decodes or fails cleanly. */
static void test_continuation_malformed(void **state)
{
    (void) state;
    expect_cont_error(4, "8000000c 00000000 00000000", OFPERR_OFPBPC_BAD_LEN);
    expect_cont_error(4, "80040004 00000000", OFPERR_OFPBPC_BAD_LEN);
    expect_cont_error(4, "8005000c 00000000 00000000", OFPERR_OFPBPC_BAD_LEN);
    expect_cont_error(4, "80080005 00000000", OFPERR_OFPBPC_BAD_LEN);
    expect_cont_error(4, "80ff0004 00000000", OFPERR_OFPBPC_BAD_TYPE);
    expect_cont_error(4, "00000004 00000000", OFPERR_OFPBPC_BAD_TYPE);
    expect_cont_error(4, "80010008 00000001", OFPERR_OFPBPC_BAD_TYPE);
    expect_cont_error(4, "80030004 00000000", OFPERR_OFPBPC_BAD_TYPE);
    expect_cont_error(4, "80070008 00000000", OFPERR_OFPBPC_BAD_TYPE);
    expect_cont_error(4, "80060004 00000000", OFPERR_OFPBPC_BAD_LEN);
    expect_cont_error(4, "8006", OFPERR_OFPBPC_BAD_LEN);
    expect_cont_error(4, "80060020 00000000", OFPERR_OFPBPC_BAD_LEN);
    expect_cont_error(4, "80060003 00000000", OFPERR_OFPBPC_BAD_LEN);
    /* an OF1.0 output to 0xff00; a truncated action */
    expect_cont_error(1, "80060010 00000000 00000008 ff000000",
                      OFPERR_OFPBAC_BAD_OUT_PORT);
    expect_cont_error(4, "80060010 00000000 00000010 00000002",
                      OFPERR_OFPBAC_BAD_LEN);
    {
        char many[(OFP_CONT_MAX_GROUPS + 1) * 17 + 1] = "";
        for (int i = 0; i <= OFP_CONT_MAX_GROUPS; i++) {
            strcat(many, "80060008 00000000");
        }
        expect_cont_error(4, many, OFPERR_OFPBPC_BAD_VALUE);
        many[OFP_CONT_MAX_GROUPS * 17] = '\0';
        static struct ofp_continuation k;
        uint8_t buf[4096];
        size_t n = wire_hex_into(many, buf, sizeof buf);
        assert_int_equal(ofp_decode_continuation(buf, n, 4, &k), 0);
        assert_int_equal(k.n_groups, OFP_CONT_MAX_GROUPS);
        ofp_continuation_free(&k);
    }
    uint8_t good[512];
    size_t n = wire_hex_into(CONT13, good, sizeof good);
    for (size_t cut = 0; cut <= n; cut++) {
        static struct ofp_continuation k;
        uint8_t *copy = malloc(cut ? cut : 1);   /* exact: ASan sees over-reads */
        memcpy(copy, good, cut);
        if (!ofp_decode_continuation(copy, cut, 4, &k)) {
            ofp_continuation_free(&k);
        }
        free(copy);
    }
}

/* ---- packet-out ---- */

#define OF10_PO                                                              \
    "010d002a00000002ffffffff0001000800000008000200000001020304050607"       \
    "080900010203040586dd"
#define OF13_PO                                                              \
    "040d003a00000002ffffffff000000010010000000000000000000100000000200"     \
    "000000000000000001020304050607080900010203040586dd"
#define OF15_PO                                                              \
    "060d004200000002ffffffff001000000001000c8000000400000001000000000000"   \
    "00100000000200000000000000000001020304050607080900010203040586dd"
#define OF13_PO_CONTROLLER                                                   \
    "040d003a00000002fffffffffffffffd0010000000000000000000100000000200"     \
    "000000000000000001020304050607080900010203040586dd"

static void golden_po(uint8_t version, uint32_t in_port, const char *hex)
{
    struct ofp_packet_out po, back;
    struct ofpact act;
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_msg msg;

    memset(&po, 0, sizeof po);
    memset(&act, 0, sizeof act);
    act.type = OFPACT_OUTPUT;
    act.output.port = 2;
    po.packet = frame;
    po.len = sizeof frame;
    po.buffer_id = OFP_NO_BUFFER;
    po.in_port = in_port;
    po.acts = &act;
    po.n_acts = 1;
    assert_int_equal(ofp_encode_packet_out(&b, version, 2, &po), 0);
    assert_wire(b.data, b.size, hex);

    wire_msg_buf(&b, 0, &msg);
    assert_int_equal(ofp_decode_packet_out(&msg, &back), 0);
    assert_int_equal(back.in_port, in_port);
    assert_int_equal(back.buffer_id, OFP_NO_BUFFER);
    assert_int_equal(back.len, sizeof frame);
    assert_memory_equal(back.packet, frame, sizeof frame);
    assert_int_equal(back.n_acts, 1);
    assert_int_equal(back.acts[0].type, OFPACT_OUTPUT);
    assert_int_equal(back.acts[0].output.port, 2);
    assert_int_equal(back.match.value.in_port, in_port);
    assert_true(back.match.mask.in_port != 0);
    ofp_packet_out_free(&back);
    ofpbuf_uninit(&b);
}

static void test_packet_out_golden(void **state)
{
    (void) state;
    golden_po(OFP10_VERSION, 1, OF10_PO);
    golden_po(OFP13_VERSION, 1, OF13_PO);
    golden_po(OFP15_VERSION, 1, OF15_PO);
    golden_po(OFP13_VERSION, OFPP_CONTROLLER, OF13_PO_CONTROLLER);
    golden_po(OFP14_VERSION, OFPP_LOCAL,
              "050d003a00000002fffffffffffffffe0010000000000000000000100000"
              "000200000000000000000001020304050607080900010203040586dd");
}

static void expect_po_error(const char *hex, size_t ofs, uint8_t v,
                            enum ofperr error)
{
    size_t n;
    uint8_t *p = wire_from_hex(hex, &n);
    struct ofp_msg msg;
    struct ofp_packet_out po;
    if (ofs) {
        p[ofs] = v;
    }
    assert_int_equal(ofp_msg_decode(p, n, &msg), 0);
    int r = ofp_decode_packet_out(&msg, &po);
    if (r != -(int) error) {
        fail_msg("patch %zu=%#x of %s: %s, expected %s", ofs, v, hex,
                 ofperr_name((enum ofperr) -r), ofperr_name(error));
    }
    free(p);
}

static void decode_po_any(const struct ofp_msg *msg)
{
    struct ofp_packet_out po;
    if (!ofp_decode_packet_out(msg, &po)) {
        ofp_packet_out_free(&po);
    }
}

static void test_packet_out_errors(void **state)
{
    (void) state;
    /* OF1.0: in_port at 12, actions_len at 14. */
    expect_po_error(OF10_PO, 12, 0xff, OFPERR_OFPBRC_BAD_PORT);  /* 0xff01 */
    {
        size_t n;
        uint8_t *p = wire_from_hex(OF10_PO, &n);
        struct ofp_msg msg;
        struct ofp_packet_out po;
        p[12] = 0xff;
        p[13] = 0xf8;           /* IN_PORT: not an input port */
        assert_int_equal(ofp_msg_decode(p, n, &msg), 0);
        assert_int_equal(ofp_decode_packet_out(&msg, &po),
                         -OFPERR_OFPBRC_BAD_PORT);
        p[13] = 0xff;           /* NONE is allowed */
        assert_int_equal(ofp_decode_packet_out(&msg, &po), 0);
        assert_int_equal(po.in_port, OFPP_NONE);
        ofp_packet_out_free(&po);
        p[13] = 0xfe;           /* LOCAL too */
        assert_int_equal(ofp_decode_packet_out(&msg, &po), 0);
        ofp_packet_out_free(&po);
        free(p);
    }
    expect_po_error(OF10_PO, 15, 0x40, OFPERR_OFPBRC_BAD_LEN);
    expect_po_error(OF10_PO, 15, 0x04, OFPERR_OFPBRC_BAD_LEN);
    /* OF1.3: in_port at 12..16. */
    expect_po_error(OF13_PO, 13, 0xff, OFPERR_OFPBAC_BAD_OUT_PORT);
    {
        size_t n;
        uint8_t *p = wire_from_hex(OF13_PO, &n);
        struct ofp_msg msg;
        struct ofp_packet_out po;
        p[12] = p[13] = p[14] = 0xff;
        p[15] = 0xf8;           /* OF1.1+ IN_PORT */
        assert_int_equal(ofp_msg_decode(p, n, &msg), 0);
        assert_int_equal(ofp_decode_packet_out(&msg, &po),
                         -OFPERR_OFPBRC_BAD_PORT);
        free(p);
    }
    /* OF1.5 without in_port in the match: the match of a packet-out with
     * only metadata (0x8000 field 2 = metadata, 8 bytes). */
    expect_po_error("060d004200000002" "ffffffff00100000"
                    "0001001080000408" "0000000000000005"
                    "0000001000000002" "0000000000000000"
                    "0001020304050607080900010203040586dd",
                    0, 0, OFPERR_OFPBRC_BAD_PORT);

    /* A buffered packet-out carries no packet. */
    {
        size_t n;
        uint8_t *p = wire_from_hex(OF13_PO, &n);
        struct ofp_msg msg;
        struct ofp_packet_out po;
        p[11] = 0x07;
        assert_int_equal(ofp_msg_decode(p, n, &msg), 0);
        assert_int_equal(ofp_decode_packet_out(&msg, &po), 0);
        assert_int_equal(po.buffer_id, 0xffffff07);
        assert_null(po.packet);
        assert_int_equal(po.len, 0);
        ofp_packet_out_free(&po);
        free(p);
    }

    static const char *const all[] = {
        OF10_PO, OF13_PO, OF15_PO, OF13_PO_CONTROLLER,
    };
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        size_t n;
        uint8_t *p = wire_from_hex(all[i], &n);
        wire_truncations(p, n, decode_po_any);
        free(p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_packet_in),
        cmocka_unit_test(test_packet_in_reason),
        cmocka_unit_test(test_packet_in_metadata),
        cmocka_unit_test(test_packet_in_malformed),
        cmocka_unit_test(test_resume),
        cmocka_unit_test(test_continuation),
        cmocka_unit_test(test_continuation_malformed),
        cmocka_unit_test(test_packet_out_golden),
        cmocka_unit_test(test_packet_out_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
