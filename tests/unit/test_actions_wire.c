/* Actions and instructions on the wire (src/ofp/actions_wire.h): every
 * OFPACTS sample through OpenFlow 1.0, 1.3, 1.4 and 1.5 (what comes back,
 * and the same bytes again); the actions of ovs-ofctl's flow_mods
 * (ofp_golden.h) byte for byte; malformed actions get OVS's errors.
 *
 * Every encoding the sample test makes was also fed once to Debian's
 * `ovs-ofctl parse-actions OpenFlow1X` (which decodes, prints, re-encodes
 * and prints any byte that differs): it printed the texts expected below
 * (in its own syntax for Set-Field) and no differences. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "ofp/actions_wire.h"
#include "ofp/match_wire.h"
#include "ofp/ofp_errors.h"
#include "ofp/ofp_parse.h"
#include "ofp/ofp_port.h"
#include "ofp_golden.h"
#include "ofp_golden_actions.h"
#include "test_ofp_wire.h"

static void hexstr(const uint8_t *p, size_t n, char *buf, size_t size)
{
    size_t i;
    for (i = 0; i < n && 2 * i + 2 < size; i++) {
        sprintf(buf + 2 * i, "%02x", p[i]);
    }
    buf[2 * i] = '\0';
}

static void assert_bytes(const uint8_t *got, size_t n_got,
                         const uint8_t *want, size_t n_want, const char *what)
{
    if (n_got != n_want || (n_got && memcmp(got, want, n_got))) {
        char g[2048], w[2048];
        hexstr(got, n_got, g, sizeof g);
        hexstr(want, n_want, w, sizeof w);
        fail_msg("%s:\n  got  %s\n  want %s", what, g, w);
    }
}

static void parse_acts(const char *text, struct ofpact **acts, size_t *n)
{
    char err[256];
    if (ofpacts_parse(text, acts, n, err, sizeof err)) {
        fail_msg("'%s': %s", text, err);
    }
}

static const char *const act_samples[] = {
#define OFPACT(ENUM, FN, PAYLOAD, OF10, OF13, NX, SAMPLE, NAME, ALIAS) SAMPLE,
    OFPACTS
#undef OFPACT
    /* and a few more forms */
    "set_tunnel64:0x100000000", "CONTROLLER:65535", "IN_PORT",
    "resubmit:3", "set_field:fe80::1->ipv6_dst", "set_field:0x1/0x1->tun_id",
    "move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]", "set_field:0x5->metadata",
    "note:", "load:0x2->NXM_NX_IPV6_SRC[60..67]",
    "output:1,output:2,NORMAL,FLOOD,ALL,LOCAL,TABLE",
};

/* What a sample decodes to when that is not what it prints as, as
 * `ovs-ofctl -O VERSION parse-flow` prints it (version 0: every version but
 * 1). */
static const struct {
    uint8_t version;
    const char *sample, *decoded;
} decoded_as[] = {
    { 0, "strip_vlan", "pop_vlan" },    /* OF1.1+ POP_VLAN, as OVS prints */
    { 1, "mod_nw_ttl:9", "load:0x9->NXM_NX_IP_TTL[]" },
    { 1, "set_field:0x5/0x5->reg0",
      "load:0x1->NXM_NX_REG0[0],load:0x1->NXM_NX_REG0[2]" },
    { 4, "set_field:0x5/0x5->reg0",
      "load:0x1->NXM_NX_REG0[0],load:0x1->NXM_NX_REG0[2]" },
    { 5, "set_field:0x5/0x5->reg0",
      "load:0x1->NXM_NX_REG0[0],load:0x1->NXM_NX_REG0[2]" },
    { 6, "load:0x1->NXM_NX_REG0[0..3]", "set_field:0x1/0xf->reg0" },
    { 6, "load:0x2->NXM_NX_IPV6_SRC[60..67]",
      "set_field:::2000:0:0:0/::f:f000:0:0:0->ipv6_src" },
    { 1, "goto_table:5", "resubmit(,5)" },
    { 1, "set_field:fe80::1->ipv6_dst",
      "load:0x1->NXM_NX_IPV6_DST[0..63],"
      "load:0xfe80000000000000->NXM_NX_IPV6_DST[64..127]" },
    { 1, "set_field:0x1/0x1->tun_id", "load:0x1->NXM_NX_TUN_ID[0]" },
    { 4, "set_field:0x1/0x1->tun_id", "load:0x1->NXM_NX_TUN_ID[0]" },
    { 5, "set_field:0x1/0x1->tun_id", "load:0x1->NXM_NX_TUN_ID[0]" },
    { 1, "set_field:0x5->metadata", "load:0x5->OXM_OF_METADATA[]" },
    { 1, "note:", "note:00.00.00.00.00.00" },
    { 4, "note:", "note:00.00.00.00.00.00" },
    { 5, "note:", "note:00.00.00.00.00.00" },
    { 6, "note:", "note:00.00.00.00.00.00" },
    /* 1.1+: Set-Field. */
    { 0, "mod_vlan_vid:20", "set_field:4116->vlan_vid" },
    { 0, "mod_vlan_pcp:2", "set_field:2->vlan_pcp" },
    { 0, "mod_nw_tos:8", "set_field:2->ip_dscp" },
    { 0, "set_tunnel:0x7", "set_field:0x7->tun_id" },
    { 0, "set_tunnel64:0x100000000", "set_field:0x100000000->tun_id" },
    { 0, "mod_dl_src:00:00:00:00:00:01",
      "set_field:00:00:00:00:00:01->eth_src" },
    { 0, "mod_dl_dst:00:00:00:00:00:02",
      "set_field:00:00:00:00:00:02->eth_dst" },
    { 0, "mod_nw_src:1.2.3.4", "set_field:1.2.3.4->ip_src" },
    { 0, "mod_nw_dst:5.6.7.8", "set_field:5.6.7.8->ip_dst" },
};

static const char *expected_text(uint8_t version, const char *sample,
                                 const char *printed)
{
    for (size_t i = 0; i < sizeof decoded_as / sizeof *decoded_as; i++) {
        if (!strcmp(decoded_as[i].sample, sample)
            && (decoded_as[i].version == version
                || (!decoded_as[i].version && version != 1))) {
            return decoded_as[i].decoded;
        }
    }
    return printed;
}

static void test_samples(void **state)
{
    (void) state;
    static const uint8_t versions[] = { 1, 4, 5, 6 };
    for (size_t i = 0; i < sizeof act_samples / sizeof *act_samples; i++) {
        const char *sample = act_samples[i];
        struct ofpact *acts;
        size_t n;
        parse_acts(sample, &acts, &n);
        char printed[512];
        wire_acts_text(acts, n, printed, sizeof printed);
        for (size_t v = 0; v < sizeof versions / sizeof *versions; v++) {
            uint8_t ver = versions[v];
            struct ofpbuf b = OFPBUF_INIT, b2 = OFPBUF_INIT;
            int err = ofpacts_put_instructions(&b, acts, n, ver);
            if (ver == 1 && (acts[0].type == OFPACT_PUSH_VLAN
                             || acts[0].type == OFPACT_METER)) {
                /* push_vlan is left out, as OVS does; 1.0 has no meter */
                assert_int_equal(err, acts[0].type == OFPACT_PUSH_VLAN
                                      ? 0 : -OFPERR_OFPBAC_BAD_TYPE);
                assert_int_equal(b.size, 0);
                continue;
            }
            if (err) {
                fail_msg("'%s' v%u: encode %s", sample, ver,
                         ofperr_name((enum ofperr) -err));
            }
            assert_int_equal(b.size % 8, 0);
            struct ofpact *back;
            size_t n_back;
            err = ofpacts_pull_instructions(b.data, b.size, ver, &back,
                                            &n_back);
            if (err) {
                fail_msg("'%s' v%u: decode %s", sample, ver,
                         ofperr_name((enum ofperr) -err));
            }
            char text[512];
            wire_acts_text(back, n_back, text, sizeof text);
            if (strcmp(text, expected_text(ver, sample, printed))) {
                fail_msg("'%s' v%u came back as '%s'", sample, ver, text);
            }
            assert_int_equal(ofpacts_put_instructions(&b2, back, n_back, ver),
                             0);
            assert_bytes(b2.data, b2.size, b.data, b.size, sample);
            /* A plain list (what a packet_out carries) too. */
            if ((acts[n - 1].type != OFPACT_GOTO_TABLE || ver == 1)
                && (acts[0].type != OFPACT_METER || ver >= 6)) {
                ofpbuf_clear(&b2);
                assert_int_equal(ofpacts_put_actions(&b2, acts, n, ver), 0);
                ofpacts_free(back, n_back);
                assert_int_equal(ofpacts_pull_actions(b2.data, b2.size, ver,
                                                      &back, &n_back), 0);
                wire_acts_text(back, n_back, text, sizeof text);
                assert_string_equal(text, expected_text(ver, sample, printed));
            }
            ofpacts_free(back, n_back);
            ofpbuf_uninit(&b);
            ofpbuf_uninit(&b2);
        }
        ofpacts_free(acts, n);
    }
}

/* The actions of ovs-ofctl's flow_mods, byte for byte. */
static void test_golden(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof goldens / sizeof *goldens; i++) {
        const struct golden *g = &goldens[i];
        uint8_t msg[1024];
        size_t n_msg = wire_hex_into(g->hex, msg, sizeof msg), ofs = 0;
        uint8_t ver = msg[0];
        switch (g->kind) {
        case OF10_FLOW_MOD:
            ofs = 72;
            break;
        case NXT_FLOW_MOD:
            ofs = 48 + (ofp_get_be16(msg + 40) + 7u) / 8 * 8;
            break;
        case OF11_FLOW_MOD:
            ofs = 48 + (ofp_get_be16(msg + 50) + 7u) / 8 * 8;
            break;
        }
        assert_true(ofs <= n_msg);
        char err[256];
        struct ofp_flow_spec spec;
        if (ofp_parse_flow(g->flow, OFP_PARSE_ADD, &spec, err, sizeof err)) {
            fail_msg("'%s': %s", g->flow, err);
        }
        struct ofpbuf b = OFPBUF_INIT, b2 = OFPBUF_INIT;
        assert_int_equal(ofpacts_put_instructions(&b, spec.acts, spec.n_acts,
                                                  ver), 0);
        assert_bytes(b.data, b.size, msg + ofs, n_msg - ofs, g->flow);
        struct ofpact *back;
        size_t n_back;
        int e = ofpacts_pull_instructions(msg + ofs, n_msg - ofs, ver, &back,
                                          &n_back);
        if (e) {
            fail_msg("'%s': %s", g->flow, ofperr_name((enum ofperr) -e));
        }
        assert_int_equal(ofpacts_put_instructions(&b2, back, n_back, ver), 0);
        assert_bytes(b2.data, b2.size, msg + ofs, n_msg - ofs, g->flow);
        ofpacts_free(back, n_back);
        ofpbuf_uninit(&b);
        ofpbuf_uninit(&b2);
        ofp_flow_spec_free(&spec);
    }
}

/* Where a golden flow_mod's actions (or instructions) start. */
static size_t golden_actions_ofs(const uint8_t *msg, size_t n)
{
    size_t ofs;
    if (msg[0] == 1 && msg[1] == 14) {
        ofs = 72;                                   /* OF1.0 flow_mod */
    } else if (msg[0] == 1) {
        ofs = 48 + (ofp_get_be16(msg + 40) + 7u) / 8 * 8;   /* NXT */
    } else {
        ofs = 48 + (ofp_get_be16(msg + 50) + 7u) / 8 * 8;   /* OF1.1+ */
    }
    assert_true(ofs <= n);
    return ofs;
}

static void expect_text(const struct ofpact *acts, size_t n,
                        const char *want, const char *flow, const char *what,
                        uint8_t v1, uint8_t v2)
{
    char text[1024];
    wire_acts_text(acts, n, text, sizeof text);
    if (strcmp(text, want)) {
        if (getenv("GOLDEN_ALL")) {
            fprintf(stderr, "'%s' %s (v%u, v%u):\n  got  %s\n  want %s\n",
                    flow, what, v1, v2, text, want);
            return;
        }
        fail_msg("'%s' %s (v%u, v%u):\n  got  %s\n  want %s", flow, what,
                 v1, v2, text, want);
    }
}

/* What a switch that decoded `acts` (from version v1) sends back in each
 * version, as the next ovs-ofctl prints it (golden dump-flows texts). */
static void check_dumps(const struct ofpact *acts, size_t n,
                        const char *const dumped[3], const char *flow,
                        uint8_t v1, const struct ofpact_flow_ctx *ctx)
{
    static const uint8_t vers[3] = { 1, 4, 6 };
    for (size_t j = 0; j < 3; j++) {
        if (!dumped[j]) {
            continue;
        }
        struct ofpbuf b = OFPBUF_INIT;
        assert_int_equal(ofpacts_put_instructions_ctx(&b, acts, n, vers[j],
                                                      ctx), 0);
        struct ofpact *back;
        size_t n_back;
        int e = ofpacts_pull_instructions(b.data, b.size, vers[j], &back,
                                          &n_back);
        if (e) {
            fail_msg("'%s' v%u->v%u: %s", flow, v1, vers[j],
                     ofperr_name((enum ofperr) -e));
        }
        expect_text(back, n_back, dumped[j], flow, "dumped as", v1,
                    vers[j]);
        ofpacts_free(back, n_back);
        ofpbuf_uninit(&b);
    }
}

/* set_field, load, the mod_* actions and NXAST_REG_LOAD2 against Debian's
 * OVS (ofp_golden_actions.h): parse, encode per version (the bytes
 * ovs-ofctl sends), decode, print (what parse-flow prints); then what
 * vswitchd sends back in each version prints as OVS's dump-flows does. */
static void test_golden_actions(void **state)
{
    (void) state;
    static const uint8_t vers[3] = { 1, 4, 6 };
    for (size_t i = 0; i < sizeof golden_actions / sizeof *golden_actions;
         i++) {
        const struct golden_actions *g = &golden_actions[i];
        bool raw = !strncmp(g->flow, "reg_load2", 9);
        struct ofp_flow_spec spec;
        memset(&spec, 0, sizeof spec);
        char err[256];
        if (!raw && ofp_parse_flow(g->flow, OFP_PARSE_ADD, &spec, err,
                                   sizeof err)) {
            fail_msg("'%s': %s", g->flow, err);
        }
        struct ofpact_flow_ctx ctx;
        ofpact_flow_ctx_from_match(&spec.match, &ctx);
        for (size_t v = 0; v < 3; v++) {
            if (!g->hex[v]) {
                continue;
            }
            uint8_t msg[1024];
            size_t n_msg = wire_hex_into(g->hex[v], msg, sizeof msg);
            size_t ofs = golden_actions_ofs(msg, n_msg);
            if (!raw) {
                struct ofpbuf b = OFPBUF_INIT;
                assert_int_equal(ofpacts_put_instructions_ctx(
                                     &b, spec.acts, spec.n_acts, vers[v],
                                     &ctx), 0);
                assert_bytes(b.data, b.size, msg + ofs, n_msg - ofs,
                             g->flow);
                ofpbuf_uninit(&b);
            }
            struct ofpact *back;
            size_t n_back;
            int e = ofpacts_pull_instructions(msg + ofs, n_msg - ofs,
                                              vers[v], &back, &n_back);
            if (e && !g->printed[v]) {
                continue;       /* OVS cannot decode what it sent either */
            }
            if (e) {
                fail_msg("'%s' v%u: %s", g->flow, vers[v],
                         ofperr_name((enum ofperr) -e));
            }
            if (g->printed[v]) {
                expect_text(back, n_back, g->printed[v], g->flow, "printed",
                            vers[v], vers[v]);
            }
            /* The same bytes again from what was decoded. */
            struct ofpbuf b2 = OFPBUF_INIT;
            assert_int_equal(ofpacts_put_instructions_ctx(&b2, back, n_back,
                                                          vers[v], &ctx), 0);
            assert_bytes(b2.data, b2.size, msg + ofs, n_msg - ofs, g->flow);
            ofpbuf_uninit(&b2);
            check_dumps(back, n_back, g->dumped[v], g->flow, vers[v], &ctx);
            ofpacts_free(back, n_back);
        }
        if (!raw) {
            ofp_flow_spec_free(&spec);
        }
    }
}

/* A controller action with an id or a reason is NXAST_CONTROLLER (ovs-ofctl
 * prints the first as controller(max_len=100,id=5)). */
static void test_controller(void **state)
{
    (void) state;
    struct ofpact a;
    memset(&a, 0, sizeof a);
    a.type = OFPACT_CONTROLLER;
    a.output.port = OFPP_CONTROLLER;
    a.output.max_len = 100;
    a.output.controller_id = 5;
    uint8_t want[128];
    char text[256];
    size_t n = wire_hex_into("ffff0010 00002320 0014 0064 0005 01 00", want,
                     sizeof want);
    for (uint8_t v = 1; v <= 6; v += v == 1 ? 3 : 1) {
        struct ofpbuf b = OFPBUF_INIT;
        assert_int_equal(ofpacts_put_actions(&b, &a, 1, v), 0);
        assert_bytes(b.data, b.size, want, n, "controller id");
        struct ofpact *back;
        size_t nb;
        assert_int_equal(ofpacts_pull_actions(b.data, b.size, v, &back, &nb),
                         0);
        assert_int_equal(nb, 1);
        assert_int_equal(back[0].type, OFPACT_CONTROLLER);
        assert_int_equal(back[0].output.controller_id, 5);
        assert_int_equal(back[0].output.max_len, 100);
        assert_false(back[0].output.has_reason);
        ofpacts_free(back, nb);
        ofpbuf_uninit(&b);
    }
    /* reason=no_match */
    n = wire_hex_into("ffff0010 00002320 0014 0064 0000 00 00", want, sizeof want);
    struct ofpact *back;
    size_t nb;
    assert_int_equal(ofpacts_pull_actions(want, n, 4, &back, &nb), 0);
    assert_true(back[0].output.has_reason);
    assert_int_equal(back[0].output.reason, 0);
    struct ofpbuf b = OFPBUF_INIT;
    assert_int_equal(ofpacts_put_actions(&b, back, nb, 4), 0);
    assert_bytes(b.data, b.size, want, n, "controller reason");
    ofpbuf_uninit(&b);
    ofpacts_free(back, nb);
    /* userdata, pause and meter_id make it NXAST_CONTROLLER2; the bytes
     * were checked with `ovs-ofctl parse-actions OpenFlow10/13`. */
    static const struct {
        const char *text, *hex;
    } c2[] = {
        { "controller(userdata=01.02,pause)",
          "ffff0020 00002320 0025 000000000000 00030006 0102 0000"
          " 00040004 00000000" },
        { "controller(reason=no_match,max_len=100,id=3,userdata=01.02.03,"
          "pause,meter_id=5)",
          "ffff0040 00002320 0025 000000000000 00000008 00640000"
          " 00010008 00030000 00020005 00 000000 00030007 010203 00"
          " 00040004 00000000 00050008 00000005" },
    };
    for (size_t i = 0; i < sizeof c2 / sizeof *c2; i++) {
        for (uint8_t v = 1; v <= 6; v += v == 1 ? 3 : 1) {
            struct ofpact *acts;
            size_t na;
            parse_acts(c2[i].text, &acts, &na);
            n = wire_hex_into(c2[i].hex, want, sizeof want);
            struct ofpbuf b2 = OFPBUF_INIT;
            assert_int_equal(ofpacts_put_actions(&b2, acts, na, v), 0);
            assert_bytes(b2.data, b2.size, want, n, c2[i].text);
            ofpacts_free(acts, na);
            assert_int_equal(ofpacts_pull_actions(b2.data, b2.size, v, &back,
                                                  &nb), 0);
            char text[256];
            wire_acts_text(back, nb, text, sizeof text);
            assert_string_equal(text, c2[i].text);
            ofpacts_free(back, nb);
            ofpbuf_uninit(&b2);
        }
    }
    /* OVS takes 16-bit values of any length from 2 (and sends 4). */
    n = wire_hex_into("ffff0018 00002320 0025 000000000000 00000006 0064 0000",
              want, sizeof want);
    assert_int_equal(ofpacts_pull_actions(want, n, 4, &back, &nb), 0);
    wire_acts_text(back, nb, text, sizeof text);
    assert_string_equal(text, "CONTROLLER:100");
    ofpacts_free(back, nb);
    /* Long userdata decodes (it is allocated, not inline); a property
     * longer than its action is refused. */
    {
        uint8_t big[16 + 8 + 1008];
        memset(big, 0, sizeof big);
        for (size_t ud = 999; ud <= 1000; ud++) {
            size_t plen = 4 + ud, alen = 16 + (plen + 7) / 8 * 8;
            memcpy(big, "\xff\xff\x00\x00\x00\x00\x23\x20\x00\x25", 10);
            big[2] = (uint8_t) (alen >> 8);
            big[3] = (uint8_t) alen;
            big[16] = 0;
            big[17] = 3;
            big[18] = (uint8_t) (plen >> 8);
            big[19] = (uint8_t) plen;
            big[20] = 0xab;
            big[20 + ud - 1] = 0xcd;
            assert_int_equal(ofpacts_pull_actions(big, alen, 4, &back, &nb),
                             0);
            assert_int_equal(back[0].output.userdata_len, ud);
            assert_int_equal(back[0].output.userdata[0], 0xab);
            assert_int_equal(back[0].output.userdata[ud - 1], 0xcd);
            struct ofpact *copy = ofpacts_clone(back, nb);
            ofpacts_free(back, nb);
            assert_int_equal(copy[0].output.userdata[ud - 1], 0xcd);
            ofpacts_free(copy, nb);
            /* The property claims 8 bytes more than the action has. */
            big[18] = (uint8_t) ((plen + 8) >> 8);
            big[19] = (uint8_t) (plen + 8);
            assert_int_equal(ofpacts_pull_actions(big, alen, 4, &back, &nb),
                             -OFPERR_OFPBPC_BAD_LEN);
        }
    }
    /* Older NXAST_RESUBMIT decodes too. */
    n = wire_hex_into("ffff0010 00002320 0001 0003 00000000", want, sizeof want);
    assert_int_equal(ofpacts_pull_actions(want, n, 1, &back, &nb), 0);
    wire_acts_text(back, nb, text, sizeof text);
    assert_string_equal(text, "resubmit:3");
    ofpacts_free(back, nb);
}

/* meters: "meter:1,output:2" as Debian's ovs-ofctl sends it: OF1.3 a
 * METER instruction ahead of APPLY_ACTIONS, OF1.5 the METER action
 * (type 29) inside it (captured with ofp_golden_capture.py). */
static void test_meter_wire(void **state)
{
    (void) state;
    static const struct { uint8_t version; const char *hex; } g[] = {
        { 4, "0006000800000001 0004001800000000"
             "0000001000000002 0000000000000000" },
        { 6, "0004002000000000 001d000800000001"
             "0000001000000002 0000000000000000" },
    };
    for (size_t i = 0; i < sizeof g / sizeof g[0]; i++) {
        struct ofpact *acts;
        size_t n;
        parse_acts("meter:1,output:2", &acts, &n);
        uint8_t want[128];
        size_t wn = wire_hex_into(g[i].hex, want, sizeof want);
        struct ofpbuf b = OFPBUF_INIT;
        assert_int_equal(ofpacts_put_instructions(&b, acts, n, g[i].version),
                         0);
        assert_bytes(b.data, b.size, want, wn, "meter");
        struct ofpact *back;
        size_t nb;
        assert_int_equal(ofpacts_pull_instructions(want, wn, g[i].version,
                                                   &back, &nb), 0);
        char text[64];
        wire_acts_text(back, nb, text, sizeof text);
        assert_string_equal(text, "meter:1,output:2");
        ofpbuf_uninit(&b);
        ofpacts_free(back, nb);
        ofpacts_free(acts, n);
    }
    /* The instruction after APPLY_ACTIONS still runs first. */
    uint8_t late[64];
    size_t ln = wire_hex_into("0004001800000000 0000001000000002 0000000000000000"
                      "0006000800000007", late, sizeof late);
    struct ofpact *back;
    size_t nb;
    assert_int_equal(ofpacts_pull_instructions(late, ln, 4, &back, &nb), 0);
    char text[64];
    wire_acts_text(back, nb, text, sizeof text);
    assert_string_equal(text, "meter:7,output:2");
    ofpacts_free(back, nb);
}

static void bad(uint8_t version, bool inst, const char *hex, enum ofperr want)
{
    uint8_t buf[256];
    size_t n = wire_hex_into(hex, buf, sizeof buf);
    struct ofpact *acts = (struct ofpact *) buf;   /* must be reset */
    size_t n_acts = 99;
    int err = (inst ? ofpacts_pull_instructions
                    : ofpacts_pull_actions)(buf, n, version, &acts, &n_acts);
    if (err != -(int) want) {
        fail_msg("v%u '%s': got %s, want %s", version, hex,
                 ofperr_name((enum ofperr) -err),
                 ofperr_name(want));
    }
    assert_null(acts);
    assert_int_equal(n_acts, 0);
}

static void test_malformed(void **state)
{
    (void) state;
    /* lengths */
    bad(1, false, "0000000800030000 00000000", OFPERR_OFPBRC_BAD_LEN);
    bad(1, false, "0000000000030000", OFPERR_OFPBAC_BAD_LEN);
    bad(1, false, "0000000c00030000 00000000 00000000",
        OFPERR_OFPBAC_BAD_LEN);
    bad(1, false, "0000001000030000 0000000000000000",
        OFPERR_OFPBAC_BAD_LEN);
    bad(1, false, "0000001000030000", OFPERR_OFPBAC_BAD_LEN);
    bad(4, false, "0000000800000003", OFPERR_OFPBAC_BAD_LEN);
    bad(1, false, "ffff000800002320", OFPERR_OFPBAC_BAD_LEN);
    bad(1, false, "ffff001800002320 0001 000300000000 0000000000000000",
        OFPERR_OFPBAC_BAD_LEN);
    bad(1, false, "ffff0050000023200008" "00000000000000000000000000000000"
        "00000000000000000000000000000000" "000000000000000000000000000000"
        "000000000000000000000000000000", OFPERR_OFPBAC_BAD_LEN);
    /* types and vendors */
    bad(1, false, "00ff000800000000", OFPERR_OFPBAC_BAD_TYPE);
    bad(1, false, "000b001000010000 0000000000000001", OFPERR_OFPBAC_BAD_TYPE);
    bad(4, false, "0001000800140000", OFPERR_OFPBAC_BAD_TYPE);
    bad(4, false, "001c001800040000 0004000000010004 0001020400000000",
        OFPERR_OFPBAC_BAD_TYPE);
    bad(1, false, "ffff001012345678 0001000300000000",
        OFPERR_OFPBAC_BAD_VENDOR);
    bad(1, false, "ffff001000002320 7fff000000000000",
        OFPERR_OFPBAC_BAD_VENDOR_TYPE);
    bad(4, false, "ffff001000002320 0012000000000000",
        OFPERR_OFPBAC_BAD_VENDOR_TYPE);
    bad(6, false, "ffff001800002320 0007000300010004 0000000000000001",
        OFPERR_OFPBAC_BAD_VENDOR_TYPE);
    /* NXAST_CONTROLLER2: OVS's errors (checked with ovs-ofctl
     * parse-actions) */
    bad(4, false, "ffff001800002320 0025000000000001 0004000400000000",
        OFPERR_NXBRC_MUST_BE_ZERO);
    bad(4, false, "ffff001800002320 0025000000000000 0004000300000000",
        OFPERR_OFPBPC_BAD_LEN);
    bad(4, false, "ffff001800002320 0025000000000000 0009000400000000",
        OFPERR_OFPBPC_BAD_TYPE);
    bad(4, false, "ffff001800002320 0025000000000000 0000000500000000",
        OFPERR_OFPBPC_BAD_LEN);
    bad(4, false, "ffff001800002320 0025000000000000 0004001000000000",
        OFPERR_OFPBPC_BAD_LEN);
    bad(1, false, "ffff001800002320 0025000000000000 0005000500000000",
        OFPERR_OFPBPC_BAD_LEN);
    bad(1, false, "ffff001800002320 0025000000000000 0002000400000000",
        OFPERR_OFPBPC_BAD_LEN);
    /* ports */
    bad(1, false, "00000008ff000000", OFPERR_OFPBAC_BAD_OUT_PORT);
    bad(1, false, "00000008ffff0000", OFPERR_OFPBAC_BAD_OUT_PORT);
    bad(4, false, "000000100000ff00 0000000000000000",
        OFPERR_OFPBAC_BAD_OUT_PORT);
    bad(4, false, "00000010ffffffff 0000000000000000",
        OFPERR_OFPBAC_BAD_OUT_PORT);
    /* arguments */
    bad(1, false, "0001000810000000", OFPERR_OFPBAC_BAD_ARGUMENT);
    bad(1, false, "0002000808000000", OFPERR_OFPBAC_BAD_ARGUMENT);
    bad(1, false, "0008000809000000", OFPERR_OFPBAC_BAD_ARGUMENT);
    bad(4, false, "0011000808000000", OFPERR_OFPBAC_BAD_ARGUMENT);
    bad(1, false, "ffff001800002320 0007000300010004 0000000000000010",
        OFPERR_OFPBAC_BAD_ARGUMENT);
    bad(1, false, "ffff0010 00002320 000e 0003 02 000001",
        OFPERR_NXBRC_MUST_BE_ZERO);
    /* reg_load / reg_move */
    bad(1, false, "ffff001800002320 0007 0003 0001fe04 0000000000000001",
        OFPERR_OFPBAC_BAD_SET_TYPE);
    bad(1, false, "ffff001800002320 0007 0783 00010004 0000000000000001",
        OFPERR_OFPBAC_BAD_SET_LEN);
    bad(1, false, "ffff001800002320 0007 0001 00000602 0000000000000001",
        OFPERR_OFPBAC_BAD_SET_ARGUMENT);
    bad(1, false, "ffff001800002320 0006 0000 0000 0000 00010004 00010204",
        OFPERR_OFPBAC_BAD_SET_LEN);
    bad(1, false, "ffff001800002320 0006 0004 001e 0000 00010004 00010204",
        OFPERR_OFPBAC_BAD_SET_LEN);
    bad(1, false, "ffff001800002320 0006 0010 0000 0000 00010004 00000602",
        OFPERR_OFPBAC_BAD_SET_ARGUMENT);
    bad(1, false, "ffff001800002320 0006 0004 0000 0000 0001fe04 00010204",
        OFPERR_OFPBAC_BAD_SET_TYPE);
    /* Set-Field */
    bad(4, false, "00190010 8000fe02 0800 000000000000",
        OFPERR_OFPBAC_BAD_SET_TYPE);
    bad(4, false, "00190010 80000a02 0800 000000000000",
        OFPERR_OFPBAC_BAD_SET_ARGUMENT);
    bad(4, false, "00190010 80000004 00000001 00000000",
        OFPERR_OFPBAC_BAD_SET_ARGUMENT);
    bad(4, false, "00190010 80000c02 0014 000000000000",
        OFPERR_OFPBAC_BAD_SET_ARGUMENT);
    bad(4, false, "00190010 80000d04 10141fff 00000000",
        OFPERR_OFPBAC_BAD_SET_MASK);
    bad(4, false, "00190010 80000606 000000000002 0001",
        OFPERR_OFPBAC_BAD_SET_ARGUMENT);
    bad(4, false, "00190010 80000610 000000000002 0000",
        OFPERR_OFPBAC_BAD_SET_LEN);
    bad(6, false, "00190010 00010108 00000011 0000000f",
        OFPERR_OFPBMC_BAD_WILDCARDS);
    /* instructions */
    bad(4, true, "0003000800000000", OFPERR_OFPBIC_UNSUP_INST);
    bad(4, true, "0005000800000000", OFPERR_OFPBIC_UNSUP_INST);
    bad(4, true, "0002001800000000 0000000000000001 ffffffffffffffff",
        OFPERR_OFPBIC_UNSUP_INST);
    /* meters: a METER instruction is 8 bytes; 1.3 has no METER action. */
    bad(4, true, "0006001000000001 0000000000000000", OFPERR_OFPBIC_BAD_LEN);
    bad(4, false, "001d000800000001", OFPERR_OFPBAC_BAD_TYPE);
    bad(6, false, "001d001000000001 0000000000000000", OFPERR_OFPBAC_BAD_LEN);
    bad(4, true, "0063000800000000", OFPERR_OFPBIC_UNKNOWN_INST);
    bad(4, true, "ffff001000002320 0000000000000000",
        OFPERR_OFPBIC_BAD_EXPERIMENTER);
    bad(4, true, "0001000c03000000 00000000", OFPERR_OFPBIC_BAD_LEN);
    bad(4, true, "0001001003000000 0000000000000000", OFPERR_OFPBIC_BAD_LEN);
    bad(4, true, "00040018 00000000", OFPERR_OFPBIC_BAD_LEN);
    bad(4, true, "0001000803000000 0001000804000000",
        OFPERR_OFPBIC_DUP_INST);
    bad(4, true, "0004001000000000 00ff000800000000",
        OFPERR_OFPBAC_BAD_TYPE);

    /* Empty lists are fine: no actions (drop). */
    struct ofpact *acts;
    size_t n;
    assert_int_equal(ofpacts_pull_actions(NULL, 0, 4, &acts, &n), 0);
    assert_null(acts);
    assert_int_equal(n, 0);
    uint8_t buf[16];
    size_t len = wire_hex_into("0004000800000000", buf, sizeof buf);
    assert_int_equal(ofpacts_pull_instructions(buf, len, 4, &acts, &n), 0);
    assert_int_equal(n, 0);
    /* goto_table alone, and in 1.1+ not an action */
    len = wire_hex_into("0001000807000000", buf, sizeof buf);
    assert_int_equal(ofpacts_pull_instructions(buf, len, 6, &acts, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(acts[0].type, OFPACT_GOTO_TABLE);
    assert_int_equal(acts[0].u8, 7);
    struct ofpbuf b = OFPBUF_INIT;
    ofpbuf_put_u8(&b, 0x42);
    assert_int_equal(ofpacts_put_actions(&b, acts, n, 4),
                     -OFPERR_OFPBAC_BAD_TYPE);
    assert_int_equal(b.size, 1);
    ofpbuf_uninit(&b);
    ofpacts_free(acts, n);
}

/* Malformed learn and fin_timeout actions get the errors Debian's OVS 3.1
 * reports for them (ovs-ofctl ofp-print of a flow_mod carrying each). */
static void test_learn_malformed(void **state)
{
    (void) state;
    static const struct {
        const char *hex;
        enum ofperr err;
    } cases[] = {
        /* pad */
        { "ffff0040 00002320 0010 0000 0000 8000 0000000000000000 0000 0a 01 0000 0000 0030 00000406 0000 00000206 0000 0810 00000002 0000 00010004 0000 00000000",
          OFPERR_OFPBAC_BAD_ARGUMENT },
        /* table 255 */
        { "ffff0040 00002320 0010 0000 0000 8000 0000000000000000 0000 ff 00 0000 0000 0030 00000406 0000 00000206 0000 0810 00000002 0000 00010004 0000 00000000",
          OFPERR_OFPBAC_BAD_ARGUMENT },
        /* write_result in NXAST_LEARN */
        { "ffff0040 00002320 0010 0000 0000 8000 0000000000000000 0004 0a 00 0000 0000 0030 00000406 0000 00000206 0000 0810 00000002 0000 00010004 0000 00000000",
          OFPERR_OFPBAC_BAD_ARGUMENT },
        /* shorter than the fixed part */
        { "ffff0018 00002320 0010 0000 0000 8000 0000000000000000",
          OFPERR_OFPBAC_BAD_LEN },
        /* spec cut short */
        { "ffff0028 00002320 0010 0000 0000 8000 0000000000000000 0000 0a 00 0000 0000 0030 00000406 0000",
          OFPERR_OFPBAC_BAD_LEN },
        /* reserved dst type */
        { "ffff0030 00002320 0010 0000 0000 8000 0000000000000000 0000 0a 00 0000 0000 1830 00000406 0000 00000206 0000 0000",
          OFPERR_OFPBAC_BAD_ARGUMENT },
        /* immediate output */
        { "ffff0030 00002320 0010 0000 0000 8000 0000000000000000 0000 0a 00 0000 0000 3010 0001 0000 00000000 00000000 0000",
          OFPERR_OFPBAC_BAD_ARGUMENT },
        /* unknown field */
        { "ffff0030 00002320 0010 0000 0000 8000 0000000000000000 0000 0a 00 0000 0000 0030 0000ff06 0000 00000206 0000 0000",
          OFPERR_OFPBAC_BAD_SET_TYPE },
        /* zero bits */
        { "ffff0030 00002320 0010 0000 0000 8000 0000000000000000 0000 0a 00 0000 0000 0800 00000406 0000 00000206 0000 0000",
          OFPERR_OFPBAC_BAD_SET_LEN },
        /* trailing spec header */
        { "ffff0030 00002320 0010 0000 0000 8000 0000000000000000 0000 0a 00 0000 0000 0030 00000406 0000 00000206 0000 0001",
          OFPERR_OFPBAC_BAD_LEN },
        /* bits past the field */
        { "ffff0030 00002320 0010 0000 0000 8000 0000000000000000 0000 0a 00 0000 0000 0030 00000406 0001 00000206 0000 0000",
          OFPERR_OFPBAC_BAD_SET_LEN },
        /* learn2 pad */
        { "ffff0028 00002320 002d 0000 0000 8000 0000000000000000 0000 0a 00 0000 0000 00000000 0000 0001",
          OFPERR_NXBAC_MUST_BE_ZERO },
        /* result ofs without result */
        { "ffff0028 00002320 002d 0000 0000 8000 0000000000000000 0000 0a 00 0000 0000 00000000 0001 0000",
          OFPERR_OFPBAC_BAD_ARGUMENT },
        /* read-only result_dst */
        { "ffff0030 00002320 002d 0000 0000 8000 0000000000000000 0004 0a 00 0000 0000 00000000 0000 0000 00000602 00000000",
          OFPERR_OFPBAC_BAD_SET_ARGUMENT },
        /* spec after result cut short */
        { "ffff0030 00002320 002d 0000 0000 8000 0000000000000000 0004 0a 00 0000 0000 00000000 0000 0000 00010004 0030 0000",
          OFPERR_OFPBAC_BAD_LEN },
        /* load to read-only */
        { "ffff0030 00002320 0010 0000 0000 8000 0000000000000000 0000 0a 00 0000 0000 0810 00000002 0000 00000602 0000 0000",
          OFPERR_OFPBAC_BAD_SET_ARGUMENT },
        /* ip_src without eth_type */
        { "ffff0030 00002320 0010 0000 0000 8000 0000000000000000 0000 0a 00 0000 0000 0020 00000e04 0000 00000e04 0000 0000",
          OFPERR_OFPBAC_MATCH_INCONSISTENT },
        /* fin_timeout length */
        { "ffff0018 00002320 0013 0005 000a 0000 0000000000000000",
          OFPERR_OFPBAC_BAD_LEN },
    };
    static const uint8_t versions[] = { 1, 4, 6 };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        uint8_t buf[256];
        size_t len = wire_hex_into(cases[i].hex, buf, sizeof buf);
        for (size_t v = 0; v < sizeof versions / sizeof *versions; v++) {
            struct ofpact *acts = (struct ofpact *) 1;
            size_t n = 1;
            int e = ofpacts_pull_actions(buf, len, versions[v], &acts, &n);
            if (e != -(int) cases[i].err) {
                fail_msg("case %zu v%u: got %s, want %s", i, versions[v],
                         e ? ofperr_name((enum ofperr) -e) : "success",
                         ofperr_name(cases[i].err));
            }
            assert_null(acts);
            assert_int_equal(n, 0);
        }
    }
    /* A learn2 with result_dst and no specs decodes and prints as OVS. */
    uint8_t buf[64];
    size_t len = wire_hex_into("ffff0030 00002320 002d 0000 0000 8000 0000000000000000"
                       " 0004 0a 00 0000 0000 00000000 0000 0000 00010004"
                       " 00000000", buf, sizeof buf);
    struct ofpact *acts;
    size_t n;
    assert_int_equal(ofpacts_pull_actions(buf, len, 1, &acts, &n), 0);
    char text[128];
    wire_acts_text(acts, n, text, sizeof text);
    assert_string_equal(text, "learn(table=10,result_dst=NXM_NX_REG0[0])");
    struct ofpbuf b = OFPBUF_INIT;
    assert_int_equal(ofpacts_put_actions(&b, acts, n, 1), 0);
    assert_bytes(b.data, b.size, buf, len, "learn2 result_dst");
    /* A clone is deep: freeing the original leaves it whole. */
    struct ofpact *copy = ofpacts_clone(acts, n);
    ofpacts_free(acts, n);
    wire_acts_text(copy, n, text, sizeof text);
    assert_string_equal(text, "learn(table=10,result_dst=NXM_NX_REG0[0])");
    ofpacts_free(copy, n);
    ofpbuf_uninit(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples),
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_golden_actions),
        cmocka_unit_test(test_learn_malformed),
        cmocka_unit_test(test_controller),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_meter_wire),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
