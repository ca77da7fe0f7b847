/* Matches on the wire (src/ofp/match_wire.h): every MF_FIELDS sample through
 * NXM, OXM (1.3, 1.4, 1.5) and, where it fits, OpenFlow 1.0; golden bytes
 * from Debian's ovs-ofctl 3.1; malformed TLVs get OVS's errors.
 * (ofp_golden.h: the flow_mods it sent, from which the match is cut). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "ofp/match_wire.h"
#include "ofp/ofp_errors.h"
#include "ofp/ofp_parse.h"
#include "ofp/ofp_port.h"
#include "ofp_golden.h"
#include "test_ofp_wire.h"

static void assert_bytes(const uint8_t *got, size_t n_got,
                         const uint8_t *want, size_t n_want, const char *what)
{
    if (n_got != n_want || (n_got && memcmp(got, want, n_got))) {
        char g[2048] = "", w[2048] = "";
        for (size_t i = 0; i < n_got && i < 1000; i++) {
            sprintf(g + 2 * i, "%02x", got[i]);
        }
        for (size_t i = 0; i < n_want && i < 1000; i++) {
            sprintf(w + 2 * i, "%02x", want[i]);
        }
        fail_msg("%s:\n  got  %s\n  want %s", what, g, w);
    }
}

static void parse_match(const char *text, struct ofp_match *m)
{
    char buf[512], err[256];
    struct ofp_flow_spec spec;
    snprintf(buf, sizeof buf, "%s%sactions=drop", text, *text ? "," : "");
    if (ofp_parse_flow(buf, OFP_PARSE_ADD, &spec, err, sizeof err)) {
        fail_msg("'%s': %s", buf, err);
    }
    *m = spec.match;
    ofp_flow_spec_free(&spec);
}

static void print_match(const struct ofp_match *m, char *buf, size_t n)
{
    struct dstr s = DSTR_INIT;
    ofp_match_format(m, -1, &s);
    snprintf(buf, n, "%s", dstr_str(&s));
    dstr_free(&s);
}

static void assert_match_equal(const struct ofp_match *got,
                               const struct ofp_match *want, const char *what)
{
    if (!ofp_match_equal(got, want)) {
        char g[512], w[512];
        print_match(got, g, sizeof g);
        print_match(want, w, sizeof w);
        fail_msg("%s: got '%s', want '%s'", what, g, w);
    }
}

/* The match through NXM (oxm false) or OXM of `version`: the TLVs decode to
 * the same match and encode again to the same bytes; OXM also as an OF1.1+
 * ofp_match. */
static void tlv_roundtrip(const struct ofp_match *m, bool oxm,
                          uint8_t version, const char *what)
{
    struct ofpbuf b = OFPBUF_INIT, b2 = OFPBUF_INIT;
    size_t n = nx_put_match(&b, m, oxm, version);
    assert_int_equal(n, b.size);
    struct ofp_match back;
    int err = nx_pull_match(b.data, b.size, &back);
    if (err) {
        fail_msg("%s: decode error %s", what, ofperr_name((enum ofperr) -err));
    }
    assert_match_equal(&back, m, what);
    nx_put_match(&b2, &back, oxm, version);
    assert_bytes(b2.data, b2.size, b.data, b.size, what);
    if (oxm) {
        ofpbuf_clear(&b);
        oxm_put_match(&b, m, version);
        assert_int_equal(b.size % 8, 0);
        assert_int_equal(ofp_get_be16(b.data + 2), 4 + n);
        ofpbuf_put_u8(&b, 0x42);         /* what follows stays */
        struct ofpcur c = ofpcur_init(b.data, b.size);
        assert_int_equal(oxm_pull_match(&c, &back), 0);
        assert_int_equal(c.left, 1);
        assert_match_equal(&back, m, what);
    }
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&b2);
}

static void all_roundtrips(const struct ofp_match *m, const char *what)
{
    tlv_roundtrip(m, false, 1, what);
    for (uint8_t v = 4; v <= 6; v++) {
        tlv_roundtrip(m, true, v, what);
    }
    if (ofp10_match_fits(m)) {
        struct ofpbuf b = OFPBUF_INIT;
        assert_true(ofp10_match_encode(m, &b));
        assert_int_equal(b.size, OFP10_MATCH_LEN);
        struct ofp_match back;
        assert_int_equal(ofp10_match_decode(b.data, &back), 0);
        assert_match_equal(&back, m, what);
        ofpbuf_uninit(&b);
    } else {
        struct ofpbuf b = OFPBUF_INIT;
        assert_false(ofp10_match_encode(m, &b));
        assert_int_equal(b.size, 0);
        ofpbuf_uninit(&b);
    }
}

static const struct {
    enum mf_id id;
    const char *sample;
} samples[] = {
#define MF(ID, NAME, ALIAS, NXM_NAME, STORAGE, SHIFT, N_BITS, MASKABLE,     \
           WRITABLE, FORMAT, PREREQ, SHOW, NXM, OXM, SAMPLE)                 \
    { MFID_##ID, SAMPLE },
    MF_FIELDS
#undef MF
};

/* A match keyword meeting each prerequisite. */
static const char *const meets[] = {
    [MFP_NONE] = "", [MFP_ARP] = "arp,", [MFP_IPV4] = "ip,",
    [MFP_IPV6] = "ipv6,", [MFP_IP_ANY] = "ipv6,", [MFP_IPV4_ARP] = "ip,",
    [MFP_IP_ARP] = "ip,", [MFP_L4] = "sctp6,", [MFP_TCP] = "tcp,",
    [MFP_UDP] = "udp6,", [MFP_SCTP] = "sctp,", [MFP_ICMPV4] = "icmp,",
    [MFP_ICMPV6] = "icmp6,",
};

static void test_field_samples(void **state)
{
    (void) state;
    assert_int_equal(sizeof samples / sizeof *samples, MF_N_FIELDS);
    for (size_t i = 0; i < MF_N_FIELDS; i++) {
        const struct mf_field *f = mf_by_id(samples[i].id);
        char text[256];
        snprintf(text, sizeof text, "%s%s=%s", meets[f->prereq], f->name,
                 samples[i].sample);
        struct ofp_match m;
        parse_match(text, &m);
        all_roundtrips(&m, text);
        /* A field's header names it back (or a field over the same bits). */
        for (int oxm = 0; oxm < 2; oxm++) {
            uint32_t h = mf_nxm_header(f, oxm, false);
            assert_true(h != 0);
            const struct mf_field *g = mf_from_nxm_header(h);
            assert_non_null(g);
            assert_true(g->ofs == f->ofs && g->n_bits == f->n_bits
                        && g->shift == f->shift);
            if (f->maskable) {
                assert_ptr_equal(mf_from_nxm_header(mf_nxm_header(f, oxm,
                                                                  true)), g);
            }
        }
    }
}

static void test_more_matches(void **state)
{
    (void) state;
    static const char *const flows[] = {
        "",
        "in_port=1",
        "in_port=LOCAL,dl_vlan=5,dl_vlan_pcp=3,ip,nw_tos=16,nw_ecn=1",
        "dl_vlan=0xffff",
        "dl_vlan_pcp=5",
        "vlan_tci=0x1000/0x1000",
        "vlan_tci=0xa000/0xe000",
        "vlan_tci=0x0123/0x0fff",
        "tcp,tp_src=0x100/0xff00,tcp_flags=+syn-ack",
        "udp,nw_src=10.0.0.0/8,nw_dst=10.1.2.3,tp_dst=53",
        "icmp,icmp_type=8,icmp_code=0",
        "icmp6,icmp_type=135,nd_target=fe80::1",
        "arp,arp_op=1,arp_spa=1.2.3.0/24,arp_tha=00:00:00:00:00:02",
        "rarp,arp_tpa=1.2.3.4",
        "ipv6,ipv6_label=0x12345,nw_frag=later,nw_ttl=3",
        "ip,ip_dscp=4",
        "metadata=0x5/0xff,reg7=0x1/0x1,pkt_mark=0x1,tun_src=1.1.1.1,"
        "tun_dst=2.2.2.0/24,tun_id=0x4/0xf",
        "dl_src=00:11:22:33:44:55,dl_dst=01:00:00:00:00:00/"
        "01:00:00:00:00:00,dl_type=0x88cc",
    };
    for (size_t i = 0; i < sizeof flows / sizeof *flows; i++) {
        struct ofp_match m;
        parse_match(flows[i], &m);
        all_roundtrips(&m, flows[i]);
    }
}

/* Which matches OF1.0 can say. */
static void test_of10_fits(void **state)
{
    (void) state;
    static const struct {
        const char *flow;
        bool fits;
    } cases[] = {
        { "", true },
        { "tcp,in_port=1,tp_dst=80", true },
        { "ip,nw_src=10.0.0.0/8,nw_tos=16,dl_vlan=5", true },
        { "dl_vlan=0xffff", true },
        { "dl_vlan_pcp=5", true },
        { "arp,arp_spa=1.2.3.4,arp_op=2", true },
        { "tcp6,tp_dst=80", true },
        { "icmp,icmp_type=8,icmp_code=0", true },
        { "icmp6,icmp_type=135,icmp_code=1", true },
        { "ip,nw_src=10.0.0.1/255.0.255.0", false },
        { "ip,nw_ecn=1", false },
        { "ip,nw_ttl=3", false },
        { "ipv6,ipv6_src=2001:db8::1", false },
        { "reg0=0x3", false },
        { "tun_id=0x4", false },
        { "metadata=0x5", false },
        { "dl_src=00:11:22:33:44:55/ff:ff:ff:00:00:00", false },
        { "vlan_tci=0x1000/0x1000", false },
        { "tcp,tp_dst=0x100/0xff00", false },
        { "arp,arp_sha=00:00:00:00:00:01", false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct ofp_match m;
        parse_match(cases[i].flow, &m);
        if (ofp10_match_fits(&m) != cases[i].fits) {
            fail_msg("'%s': fits should be %d", cases[i].flow,
                     cases[i].fits);
        }
    }
}

/* Cuts the match out of a golden flow_mod. */
static void golden_match(const struct golden *g, uint8_t *msg, size_t *n_msg,
                         const uint8_t **match, size_t *n_match)
{
    *n_msg = wire_hex_into(g->hex, msg, 1024);
    assert_int_equal(ofp_get_be16(msg + 2), *n_msg);
    switch (g->kind) {
    case OF10_FLOW_MOD:
        *match = msg + 8;
        *n_match = OFP10_MATCH_LEN;
        break;
    case NXT_FLOW_MOD:
        *match = msg + 48;
        *n_match = ofp_get_be16(msg + 40);
        break;
    case OF11_FLOW_MOD:
        *match = msg + 48;
        *n_match = (ofp_get_be16(msg + 50) + 7u) / 8 * 8;
        break;
    }
}

static void test_golden(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof goldens / sizeof *goldens; i++) {
        const struct golden *g = &goldens[i];
        uint8_t msg[1024];
        size_t n_msg, n_match = 0;
        const uint8_t *want = NULL;
        golden_match(g, msg, &n_msg, &want, &n_match);
        struct ofp_match m, back;
        char err[256];
        struct ofp_flow_spec spec;
        if (ofp_parse_flow(g->flow, OFP_PARSE_ADD, &spec, err, sizeof err)) {
            fail_msg("'%s': %s", g->flow, err);
        }
        m = spec.match;
        ofp_flow_spec_free(&spec);
        if (g->match_differs) {
            continue;
        }
        struct ofpbuf b = OFPBUF_INIT;
        switch (g->kind) {
        case OF10_FLOW_MOD:
            assert_true(ofp10_match_encode(&m, &b));
            assert_int_equal(ofp10_match_decode(want, &back), 0);
            break;
        case NXT_FLOW_MOD:
            assert_false(ofp10_match_fits(&m));
            nx_put_match(&b, &m, false, 1);
            assert_int_equal(nx_pull_match(want, n_match, &back), 0);
            break;
        case OF11_FLOW_MOD: {
            oxm_put_match(&b, &m, msg[0]);
            struct ofpcur c = ofpcur_init(want, n_match);
            int err = oxm_pull_match(&c, &back);
            if (err) {
                fail_msg("'%s': %s", g->flow, ofperr_name((enum ofperr) -err));
            }
            assert_int_equal(c.left, 0);
            break;
        }
        }
        assert_bytes(b.data, b.size, want, n_match, g->flow);
        assert_match_equal(&back, &m, g->flow);
        ofpbuf_uninit(&b);
    }
}

/* Where vswitch differs from ovs-ofctl on purpose: a PCP match without the
 * VID, which OXM's vlan_pcp cannot say (it needs the tag), goes as
 * NXM_OF_VLAN_TCI (which OVS accepts in OXM) rather than being dropped. */
static void test_oxm_pcp_only(void **state)
{
    (void) state;
    struct ofp_match m;
    parse_match("vlan_tci=0xa000/0xe000", &m);
    struct ofpbuf b = OFPBUF_INIT;
    nx_put_match(&b, &m, true, 6);
    uint8_t want[16];
    size_t n = wire_hex_into("00000904 a000e000", want, sizeof want);
    assert_bytes(b.data, b.size, want, n, "pcp only");
    ofpbuf_uninit(&b);
}

static void bad_tlv(const char *hex, enum ofperr want)
{
    uint8_t buf[256];
    size_t n = wire_hex_into(hex, buf, sizeof buf);
    struct ofp_match m;
    int err = nx_pull_match(buf, n, &m);
    if (err != -(int) want) {
        fail_msg("'%s': got %s, want %s", hex, ofperr_name((enum ofperr) -err),
                 ofperr_name(want));
    }
}

static void test_malformed(void **state)
{
    (void) state;
    /* truncated header, truncated value */
    bad_tlv("000006", OFPERR_OFPBMC_BAD_LEN);
    bad_tlv("00000602 08", OFPERR_OFPBMC_BAD_LEN);
    bad_tlv("00000602 0800 0000", OFPERR_OFPBMC_BAD_LEN);
    /* unknown field; a known one with a wrong length; experimenter */
    bad_tlv("0000fe02 0000", OFPERR_OFPBMC_BAD_FIELD);
    bad_tlv("00000603 080000", OFPERR_OFPBMC_BAD_FIELD);
    bad_tlv("80000006 000000000000", OFPERR_OFPBMC_BAD_FIELD);
    bad_tlv("ffff0004 00002320", OFPERR_OFPBMC_BAD_FIELD);
    bad_tlv("ffff0002 4f4e", OFPERR_OFPBMC_BAD_LEN);
    bad_tlv("ffff5406 4f4e4600 0002", OFPERR_OFPBMC_BAD_PREREQ);
    bad_tlv("ffff5406 4f4e4601 0002", OFPERR_OFPBMC_BAD_FIELD);
    bad_tlv("ffff5407 4f4e4600 000200", OFPERR_OFPBMC_BAD_FIELD);
    /* a mask on an unmaskable field; value bits outside the mask */
    bad_tlv("00000704 0800ff00", OFPERR_OFPBMC_BAD_MASK);
    bad_tlv("00000602 0800 00000f08 0a000001 ff000000",
            OFPERR_OFPBMC_BAD_WILDCARDS);
    /* all-ones mask on an unmaskable field: exact */
    uint8_t buf[64];
    size_t n = wire_hex_into("00000704 0800ffff", buf, sizeof buf);
    struct ofp_match m;
    assert_int_equal(nx_pull_match(buf, n, &m), 0);
    assert_int_equal(m.mask.key.dl_type, 0xffff);
    /* prerequisites */
    bad_tlv("00000e04 0a000001", OFPERR_OFPBMC_BAD_PREREQ);
    bad_tlv("00000602 0800 00000c01 11 00001402 0050",
            OFPERR_OFPBMC_BAD_PREREQ);
    bad_tlv("00001402 0050 00000602 0800 00000c01 06",
            OFPERR_OFPBMC_BAD_PREREQ);
    bad_tlv("80000e01 03", OFPERR_OFPBMC_BAD_PREREQ);
    bad_tlv("00000602 0806 00000e04 0a000001", OFPERR_OFPBMC_BAD_PREREQ);
    /* duplicates, also across NXM and OXM headers of one field */
    bad_tlv("00000602 0800 00000602 0800", OFPERR_OFPBMC_DUP_FIELD);
    bad_tlv("00000602 0800 80000a02 0800", OFPERR_OFPBMC_DUP_FIELD);
    bad_tlv("00000802 1005 80000c02 1005", OFPERR_OFPBMC_DUP_FIELD);
    /* values the field cannot take */
    bad_tlv("80000004 0000ff00", OFPERR_OFPBMC_BAD_VALUE);
    bad_tlv("00000602 0800 00000a01 11", OFPERR_OFPBMC_BAD_VALUE);
    bad_tlv("00000602 0806 00001e02 0100", OFPERR_OFPBMC_BAD_VALUE);
    bad_tlv("80000c02 2000", OFPERR_OFPBMC_BAD_VALUE);
    bad_tlv("00000602 86dd 00013604 00100000", OFPERR_OFPBMC_BAD_VALUE);
    /* OXM in_port in OF1.1 numbering */
    n = wire_hex_into("80000004 fffffffd", buf, sizeof buf);
    assert_int_equal(nx_pull_match(buf, n, &m), 0);
    assert_int_equal(m.value.in_port, OFPP_CONTROLLER);

    /* ofp_match header */
    struct ofpcur c;
    n = wire_hex_into("0000 0004 00000000", buf, sizeof buf);
    c = ofpcur_init(buf, n);
    assert_int_equal(oxm_pull_match(&c, &m), -OFPERR_OFPBMC_BAD_TYPE);
    n = wire_hex_into("0001 0003 00000000", buf, sizeof buf);
    c = ofpcur_init(buf, n);
    assert_int_equal(oxm_pull_match(&c, &m), -OFPERR_OFPBMC_BAD_LEN);
    n = wire_hex_into("0001 000a 80000a02 0800", buf, sizeof buf);   /* no padding */
    c = ofpcur_init(buf, n);
    assert_int_equal(oxm_pull_match(&c, &m), -OFPERR_OFPBMC_BAD_LEN);
    assert_int_equal(c.left, n);
    n = wire_hex_into("0001 00", buf, sizeof buf);
    c = ofpcur_init(buf, n);
    assert_int_equal(oxm_pull_match(&c, &m), -OFPERR_OFPBMC_BAD_LEN);
    n = wire_hex_into("0001 000a 80000a02 0800 000000000000", buf, sizeof buf);
    c = ofpcur_init(buf, n);
    assert_int_equal(oxm_pull_match(&c, &m), 0);
    assert_int_equal(c.left, 0);
}

/* OF1.0: wildcard bits, and what OVS's normalization drops. */
static void test_of10_decode(void **state)
{
    (void) state;
    uint8_t b[OFP10_MATCH_LEN];
    struct ofp_match m, want;
    char text[256];
    /* Everything wildcarded but tp_dst: no dl_type, so tp_dst goes. */
    wire_hex_into("003fff7f 0000 000000000000 000000000000 0000 00 00 0000 00 00 0000"
          " 00000000 00000000 0000 0050", b, sizeof b);
    assert_int_equal(ofp10_match_decode(b, &m), 0);
    parse_match("", &want);
    assert_match_equal(&m, &want, "normalized");
    /* nw_src with 8 wildcarded bits, tcp, tp_src; junk in wildcarded
     * fields is ignored. */
    wire_hex_into("0038088f 1234 001122334455 66778899aabb 0007 05 00 0800 ff 06 0000"
          " 0a000001 0b000001 0016 0050", b, sizeof b);
    assert_int_equal(ofp10_match_decode(b, &m), 0);
    print_match(&m, text, sizeof text);
    assert_string_equal(text, "tcp,nw_src=10.0.0.0/24,tp_src=22");
    /* dl_vlan OFP_VLAN_NONE. */
    wire_hex_into("003ffffd 0000 000000000000 000000000000 ffff 00 00 0000 00 00 0000"
          " 00000000 00000000 0000 0000", b, sizeof b);
    assert_int_equal(ofp10_match_decode(b, &m), 0);
    parse_match("dl_vlan=0xffff", &want);
    assert_match_equal(&m, &want, "no vlan");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_samples),
        cmocka_unit_test(test_more_matches),
        cmocka_unit_test(test_of10_fits),
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_oxm_pcp_only),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_of10_decode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
