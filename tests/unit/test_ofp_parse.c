/* Flow syntax: every match field and action parses and prints back as
 * ovs-ofctl prints it (expected strings taken from Debian's ovs-ofctl 3.1
 * parse-flow), and bad input gets ovs-ofctl's error wording. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "ofp/ofp_msgs.h"
#include "ofp/ofp_parse.h"
#include "ofproto/ofproto.h"

/* Parses `in` as add-flow does and prints "match actions=..." */
static void roundtrip(const char *in, const char *expect)
{
    struct ofp_flow_spec spec;
    char err[256];
    int ret = ofp_parse_flow(in, OFP_PARSE_ADD, &spec, err, sizeof err);
    if (ret) {
        fail_msg("parse of '%s' failed: %s", in, err);
    }
    struct dstr out = DSTR_INIT;
    ofp_match_format(&spec.match, spec.priority, &out);
    dstr_put(&out, out.len ? " actions=" : "actions=");
    ofpacts_format(spec.acts, spec.n_acts, &out);
    if (strcmp(dstr_str(&out), expect)) {
        fail_msg("'%s'\n  printed '%s'\n  wanted  '%s'", in, dstr_str(&out),
                 expect);
    }
    dstr_free(&out);
    ofp_flow_spec_free(&spec);
}

static void bad(const char *in, enum ofp_parse_mode mode, const char *expect)
{
    struct ofp_flow_spec spec;
    char err[256];
    int ret = ofp_parse_flow(in, mode, &spec, err, sizeof err);
    ofp_flow_spec_free(&spec);
    if (!ret) {
        fail_msg("'%s' parsed but should fail with '%s'", in, expect);
    }
    if (strcmp(err, expect)) {
        fail_msg("'%s'\n  error '%s'\n  wanted '%s'", in, err, expect);
    }
}

static void test_matches(void **state)
{
    (void) state;
    /* match_format's widths and shorthands (ovs-ofctl 3.1 parse-flow). */
    roundtrip("dl_type=0x5ff,actions=drop", "dl_type=0x05ff actions=drop");
    roundtrip("ipv6,ipv6_label=1,actions=drop",
              "ipv6,ipv6_label=0x00001 actions=drop");
    roundtrip("ipv6,ipv6_label=1/0xf,actions=drop",
              "ipv6,ipv6_label=0x00001/0x0000f actions=drop");
    roundtrip("dl_type=0x8847,actions=drop", "mpls actions=drop");
    roundtrip("mplsm,actions=drop", "mplsm actions=drop");
    roundtrip("tcp,tp_dst=80,actions=drop", "tcp,tp_dst=80 actions=drop");
    roundtrip("in_port=1,actions=output:2", "in_port=1 actions=output:2");
    roundtrip("priority=10,dl_src=00:11:22:33:44:55/ff:ff:ff:00:00:00,"
              "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00,actions=NORMAL",
              "priority=10,dl_src=00:11:22:00:00:00/ff:ff:ff:00:00:00,"
              "dl_dst=01:00:00:00:00:00/01:00:00:00:00:00 actions=NORMAL");
    roundtrip("dl_vlan=10,dl_vlan_pcp=3,actions=strip_vlan,output:1",
              "dl_vlan=10,dl_vlan_pcp=3 actions=strip_vlan,output:1");
    roundtrip("vlan_tci=0x1064/0x1fff,actions=mod_vlan_vid:20,"
              "mod_vlan_pcp:2,FLOOD",
              "dl_vlan=100 actions=mod_vlan_vid:20,mod_vlan_pcp:2,FLOOD");
    roundtrip("ip,nw_src=10.0.0.0/8,nw_dst=10.1.2.3/255.255.0.0,nw_tos=16,"
              "nw_ttl=3,nw_frag=first,actions=ALL",
              "ip,nw_src=10.0.0.0/8,nw_dst=10.1.0.0/16,nw_tos=16,nw_ttl=3,"
              "nw_frag=first actions=ALL");
    roundtrip("udp,tp_src=0x100/0xff00,actions=IN_PORT,LOCAL,CONTROLLER,"
              "CONTROLLER:100",
              "udp,tp_src=0x100/0xff00 actions=IN_PORT,LOCAL,"
              "CONTROLLER:65535,CONTROLLER:100");
    roundtrip("tcp,tcp_flags=+syn-ack,actions=drop",
              "tcp,tcp_flags=+syn-ack actions=drop");
    roundtrip("tcp,tcp_flags=0x2/0x12,actions=drop",
              "tcp,tcp_flags=+syn-ack actions=drop");
    roundtrip("arp,arp_op=1,arp_spa=1.2.3.4,arp_tpa=1.2.3.0/24,"
              "arp_sha=00:00:00:00:00:01,arp_tha=00:00:00:00:00:02,"
              "actions=drop",
              "arp,arp_spa=1.2.3.4,arp_tpa=1.2.3.0/24,arp_op=1,"
              "arp_sha=00:00:00:00:00:01,arp_tha=00:00:00:00:00:02 "
              "actions=drop");
    roundtrip("arp,nw_proto=2,nw_src=1.2.3.4,actions=drop",
              "arp,arp_spa=1.2.3.4,arp_op=2 actions=drop");
    roundtrip("ipv6,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::/32,actions=drop",
              "ipv6,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::/32 "
              "actions=drop");
    roundtrip("icmp,icmp_type=8,icmp_code=0,actions=drop",
              "icmp,icmp_type=8,icmp_code=0 actions=drop");
    roundtrip("icmp6,icmp_type=135,actions=drop",
              "icmp6,icmp_type=135 actions=drop");
    roundtrip("sctp,tp_dst=5,actions=drop", "sctp,tp_dst=5 actions=drop");
    roundtrip("tcp6,tp_src=3,actions=drop", "tcp6,tp_src=3 actions=drop");
    roundtrip("udp6,actions=drop", "udp6 actions=drop");
    roundtrip("udp,tp_dst=80,nw_src=1.2.3.4,in_port=3,dl_src=00:00:00:00:00:"
              "01,dl_vlan=5,reg1=3,metadata=5,tun_id=4,cookie=0x5,priority=7,"
              "table=2,idle_timeout=3,actions=drop",
              "priority=7,udp,reg1=0x3,tun_id=0x4,metadata=0x5,in_port=3,"
              "dl_vlan=5,dl_src=00:00:00:00:00:01,nw_src=1.2.3.4,tp_dst=80 "
              "actions=drop");
    roundtrip("in_port=LOCAL,actions=output:LOCAL",
              "in_port=LOCAL actions=LOCAL");
    roundtrip("vlan_tci=0,actions=drop", "vlan_tci=0x0000 actions=drop");
    roundtrip("dl_vlan=0xffff,actions=drop", "vlan_tci=0x0000 actions=drop");
    roundtrip("vlan_tci=0x1000/0x1000,actions=drop",
              "vlan_tci=0x1000/0x1000 actions=drop");
    roundtrip("dl_vlan_pcp=3,actions=drop", "dl_vlan_pcp=3 actions=drop");
    roundtrip("nw_tos=3,ip,actions=drop", "ip,nw_tos=0 actions=drop");
    roundtrip("ip,nw_frag=later,actions=drop",
              "ip,nw_frag=later actions=drop");
    roundtrip("ip,nw_proto=17,actions=drop", "udp actions=drop");
    roundtrip("dl_type=0x0800,actions=drop", "ip actions=drop");
    roundtrip("dl_type=0x88cc,actions=drop", "dl_type=0x88cc actions=drop");
    roundtrip("reg0=0x10/0xf0,actions=drop", "reg0=0x10/0xf0 actions=drop");
    roundtrip("tun_src=1.1.1.1,tun_dst=2.2.2.0/24,reg7=7,actions=drop",
              "reg7=0x7,tun_src=1.1.1.1,tun_dst=2.2.2.0/24 actions=drop");
    roundtrip("in_port=1,actions=", "in_port=1 actions=drop");
}

static void test_actions(void **state)
{
    (void) state;
    roundtrip("tcp,actions=mod_dl_src:00:00:00:00:00:01,"
              "mod_dl_dst:00:00:00:00:00:02,mod_nw_src:1.2.3.4,"
              "mod_nw_dst:5.6.7.8,mod_nw_tos:8,mod_nw_ttl:9,dec_ttl,"
              "mod_tp_src:1,mod_tp_dst:2",
              "tcp actions=mod_dl_src:00:00:00:00:00:01,"
              "mod_dl_dst:00:00:00:00:00:02,mod_nw_src:1.2.3.4,"
              "mod_nw_dst:5.6.7.8,mod_nw_tos:8,mod_nw_ttl:9,dec_ttl,"
              "mod_tp_src:1,mod_tp_dst:2");
    roundtrip("tcp,actions=set_field:10.0.0.1->ip_src,set_field:5->tcp_dst,"
              "set_field:00:00:00:00:00:01->eth_src,set_field:3->reg0",
              "tcp actions=set_field:10.0.0.1->ip_src,set_field:5->tcp_dst,"
              "set_field:00:00:00:00:00:01->eth_src,set_field:0x3->reg0");
    roundtrip("actions=load:1->reg0[0..3],move:reg0[0..3]->reg1[4..7],"
              "set_field:1->reg3,load:0x1->NXM_NX_TUN_ID[]",
              "actions=load:0x1->NXM_NX_REG0[0..3],"
              "move:NXM_NX_REG0[0..3]->NXM_NX_REG1[4..7],"
              "set_field:0x1->reg3,load:0x1->NXM_NX_TUN_ID[]");
    roundtrip("actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],"
              "set_tunnel:0x7,load:1->reg2[5]",
              "actions=move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[],"
              "set_tunnel:0x7,load:0x1->NXM_NX_REG2[5]");
    roundtrip("actions=resubmit(1,2),resubmit:3,resubmit(,4),note:41.42,"
              "goto_table:5",
              "actions=resubmit(1,2),resubmit:3,resubmit(,4),"
              "note:41.42.00.00.00.00,goto_table:5");
    roundtrip("actions=output:NORMAL", "actions=NORMAL");
    roundtrip("actions=3,4", "actions=output:3,output:4");
    roundtrip("actions=push_vlan:0x8100,set_field:4196->vlan_vid",
              "actions=push_vlan:0x8100,set_field:4196->vlan_vid");
    /* set_field prints as set_field, load as load (ovs-ofctl diff-flows
     * of a file prints these): OVS's names, a 128-bit load as two. */
    roundtrip("tcp,actions=set_field:5->tp_dst,set_field:0/0->reg1,"
              "load:0->NXM_NX_REG2[]",
              "tcp actions=set_field:5->tcp_dst,set_field:ANY->reg1,"
              "load:0->NXM_NX_REG2[]");
    roundtrip("ipv6,actions=load:0x20010db8000000000000000000000001->"
              "NXM_NX_IPV6_SRC[]",
              "ipv6 actions=load:0x1->NXM_NX_IPV6_SRC[0..63],"
              "load:0x20010db800000000->NXM_NX_IPV6_SRC[64..127]");
    roundtrip("ip,actions=set_field:10.0.0.0/8->ip_dst",
              "ip actions=set_field:10.0.0.0/8->ip_dst");
    roundtrip("ipv6,actions=set_field:0x12345/0xfffff->ipv6_label,"
              "set_field:0x50/0xff->reg3",
              "ipv6 actions=set_field:0x12345/0xfffff->ipv6_label,"
              "set_field:0x50/0xff->reg3");
    /* OVS prints the keyword the action was written (or received) as. */
    roundtrip("actions=pop_vlan", "actions=pop_vlan");
    /* Keywords are case-sensitive but for controller, which ovs-ofctl
     * prints upper-case; a bare port is an output. */
    roundtrip("actions=controller:max_len=7,Controller,output:CONTROLLER,"
              "0xfffd,FLOOD,7",
              "actions=CONTROLLER:7,CONTROLLER:65535,CONTROLLER:65535,"
              "CONTROLLER:65535,FLOOD,output:7");
    /* controller's arguments, printed as Debian's ovs-ofctl 3.1
     * parse-flow prints them (with and without -O OpenFlow13). */
    roundtrip("actions=controller(userdata=01.02,pause)",
              "actions=controller(userdata=01.02,pause)");
    roundtrip("actions=controller(reason=no_match,max_len=100,id=3,"
              "userdata=01.02.03,pause,meter_id=5)",
              "actions=controller(reason=no_match,max_len=100,id=3,"
              "userdata=01.02.03,pause,meter_id=5)");
    roundtrip("actions=controller(max_len=65535),controller(id=0),"
              "controller(200),controller(meter_id=0)",
              "actions=CONTROLLER:65535,CONTROLLER:65535,CONTROLLER:200,"
              "CONTROLLER:65535");
    roundtrip("actions=controller(userdata=0102),controller(pause),"
              "controller(reason=invalid_ttl),"
              "controller(meter_id=4294967295)",
              "actions=controller(userdata=01.02),controller(pause),"
              "controller(reason=invalid_ttl),"
              "controller(meter_id=4294967295)");
    roundtrip("actions=controller(max_len=100,id=5)",
              "actions=controller(max_len=100,id=5)");
    bad("actions=controller(userdata=1)", OFP_PARSE_ADD,
        "bad hex digit in `controller' action `userdata'");
    bad("actions=controller(reason=bogus)", OFP_PARSE_ADD,
        "unknown reason \"bogus\"");
    bad("actions=controller(foo=1)", OFP_PARSE_ADD,
        "unknown key \"foo\" parsing controller action");
    {   /* userdata is bounded by what one action carries: the most
         * parses, one byte more does not */
        size_t size = 64 + 3 * (OFP_CONTROLLER_USERDATA_MAX + 1);
        char *text = malloc(size), *ok = malloc(size + 1);
        char *end = text + sprintf(text, "actions=controller(userdata=");
        for (int i = 0; i < OFP_CONTROLLER_USERDATA_MAX; i++) {
            end += sprintf(end, i ? ".7f" : "7f");
        }
        strcpy(ok, text);
        strcat(ok, ")");
        roundtrip(ok, ok);
        strcpy(end, ".7f)");
        bad(text, OFP_PARSE_ADD, "controller userdata longer than 65508 "
            "bytes");
        free(text);
        free(ok);
    }
    bad("actions=OUTPUT:1", OFP_PARSE_ADD, "unknown action OUTPUT");
    bad("actions=NORMAL:1", OFP_PARSE_ADD, "unknown action NORMAL");
}

static void test_errors(void **state)
{
    (void) state;
    enum ofp_parse_mode A = OFP_PARSE_ADD;
    bad("foo=1,actions=drop", A, "unknown keyword foo");
    bad("ip,nw_src=1.2.3,actions=drop", A, "1.2.3: invalid IP address");
    bad("ip,nw_src=1.2.3.4/33,actions=drop", A, "1.2.3.4/33: IPv4 network "
        "prefix bits not between 0 and 32, inclusive");
    bad("dl_src=00:11:22,actions=drop", A, "00:11:22: invalid Ethernet "
        "address");
    bad("tcp,tp_dst=70000,actions=drop", A, "70000: value too large for "
        "2-byte field tp_dst");
    bad("tcp,tp_dst=abc,actions=drop", A, "abc: bad syntax for tp_dst value");
    bad("in_port=foo,actions=drop", A, "foo: invalid or unknown port for "
        "in_port");
    bad("actions=output:foo", A, "foo: output to unknown port");
    bad("actions=bogus", A, "unknown action bogus");
    bad("priority=abc,actions=drop", A, "invalid priority \"abc\"");
    bad("priority=70000,actions=drop", A, "invalid priority \"70000\"");
    bad("table=300,actions=drop", A, "unknown table \"300\"");
    bad("ip,actions=mod_nw_src:1.2.3", A, "1.2.3: could not convert to IP "
        "address");
    bad("actions=load:5->NXM_NX_REG0[0..1]", A, "5->NXM_NX_REG0[0..1]: value "
        "0x5 does not fit into 2 bits");
    bad("actions=move:reg0[0..3]->reg1[0..7]", A, "reg0[0..3]->reg1[0..7]: "
        "source field is 4 bits wide but destination is 8 bits wide");
    bad("in_port=1", A, "must specify an action");
    bad("ip,nw_frag=bogus,actions=drop", A, "bogus: unknown fragment type "
        "(valid types are \"no\", \"yes\", \"first\", \"later\", "
        "\"not_later\"");
    bad("actions=mod_vlan_vid:5000", A, "5000: not a valid VLAN VID");
    bad("actions=resubmit(1,300)", A, "300: resubmit to unknown table");
    bad("table=3,actions=goto_table:2", A, "actions are invalid with "
        "specified match (OFPBIC_BAD_TABLE_ID)");
    bad("actions=drop,output:1", A, "\"drop\" must not be accompanied by any"
        " other action or instruction");
    bad("ip,nw_ttl=300,actions=drop", A, "300: value too large for 1-byte "
        "field nw_ttl");
    bad("tcp,tcp_flags=+bogus,actions=drop", A, "bogus: unknown TCP flag(s)");
    bad("actions=CONTROLLER:abc", A, "unknown key \"abc\" parsing controller "
        "action");
    bad("cookie=0x5/0xff,actions=drop", A, "flow additions cannot use a "
        "cookie mask");
    bad("idle_timeout=-1,actions=drop", A, "invalid idle_timeout \"-1\"");
    bad("actions=note:zz", A, "bad hex digit in `note' argument");
    {   /* 62 bytes print padded to 62; 63 would print as 70: refused, so
         * that every dumped flow parses back (found by fuzzing). */
        char note[16 + 3 * 63] = "actions=note:";
        for (int i = 0; i < 63; i++) {
            strcat(note, i ? ".ab" : "ab");
        }
        bad(note, A, "note longer than 64 bytes");
        note[strlen(note) - 3] = '\0';
        roundtrip(note, note);
    }
    bad("ip,actions=set_field:5->tcp_dst", A, "actions are invalid with "
        "specified match (OFPBAC_MATCH_INCONSISTENT)");
    bad("actions=output:NONE", A, "actions are invalid with specified "
        "match (OFPBAC_BAD_OUT_PORT)");        /* found by fuzzing */
    bad("actions=output:ANY", OFP_PARSE_MODIFY, "actions are invalid with "
        "specified match (OFPBAC_BAD_OUT_PORT)");
    bad("tp_dst=80,actions=drop", A, "tp_dst: prerequisites not met (the "
        "match needs tcp, udp or sctp)");
    bad("nw_src=1.2.3.4,actions=drop", A, "nw_src: prerequisites not met "
        "(the match needs ip or arp)");
    bad("actions=resubmit(1,2", A, "unbalanced parentheses in actions");
    bad("actions=load:1->bogus[]", A, "bogus[]: unknown field `bogus'");
    bad("tcp,actions=drop", OFP_PARSE_MATCH, "unknown keyword actions");
    bad("ip,nw_src=1.2.3.4/1.2.3,actions=drop", A,
        "1.2.3: invalid IP address");
}

static void test_match_semantics(void **state)
{
    (void) state;
    struct ofp_flow_spec wide, narrow;
    char err[256];
    assert_int_equal(ofp_parse_flow("ip", OFP_PARSE_MATCH, &wide, err,
                                    sizeof err), 0);
    assert_int_equal(wide.table_id, OFP_TABLE_ALL);
    assert_int_equal(ofp_parse_flow("tcp,nw_src=1.2.3.4,actions=drop",
                                    OFP_PARSE_ADD, &narrow, err, sizeof err),
                     0);
    assert_true(ofp_match_covers(&wide.match, &narrow.match));
    assert_false(ofp_match_covers(&narrow.match, &wide.match));
    assert_false(ofp_match_equal(&narrow.match, &wide.match));

    struct xflow x;
    memset(&x, 0, sizeof x);
    x.key.dl_type = htons(0x0800);
    x.key.nw_proto = 6;
    x.key.nw_src = htonl(0x01020304);
    assert_true(ofp_match_hit(&narrow.match, &x));
    x.key.nw_src = htonl(0x01020305);
    assert_false(ofp_match_hit(&narrow.match, &x));
    assert_true(ofp_match_hit(&wide.match, &x));
    ofp_flow_spec_free(&wide);
    ofp_flow_spec_free(&narrow);
}

static void test_fields(void **state)
{
    (void) state;
    struct xflow x;
    memset(&x, 0, sizeof x);
    const struct mf_field *vid = mf_from_name("vlan_vid");
    const struct mf_field *pcp = mf_from_name("vlan_pcp");
    mf_set_masked(vid, &x, 0x1064, mf_width_mask(vid));
    mf_set_masked(pcp, &x, 5, mf_width_mask(pcp));
    assert_int_equal(ntohs(x.key.vlans[0].tci), 0xb064);
    assert_true(mf_get(vid, &x) == 0x1064);

    const struct mf_field *reg = mf_from_name("NXM_NX_REG3");
    assert_non_null(reg);
    mf_set_masked(reg, &x, 0xab0, 0xff0);
    assert_int_equal(x.regs[3], 0xab0);

    const struct mf_field *v6 = mf_from_name("ipv6_src");
    mf_value a, m;
    char err[256];
    assert_int_equal(mf_parse_value(v6, "2001:db8::1/64", &a, &m, err,
                                    sizeof err), 0);
    (void) a;
    assert_true((uint64_t) m == 0 && (uint64_t) (m >> 64) == UINT64_MAX);
    assert_null(mf_from_name("nonesuch"));
    uint32_t port;
    assert_true(ofp_port_parse("LOCAL", &port) && port == OFPP_LOCAL);
    assert_false(ofp_port_parse("70000", &port));
}

/* ---- the lists: every OFPACTS and MF_FIELDS entry ---- */

static const struct {
    enum ofpact_type type;
    const char *sample, *name, *alias;
} act_list[] = {
#define OFPACT(ENUM, FN, PAYLOAD, OF10, OF13, NX, SAMPLE, NAME, ALIAS)       \
    { OFPACT_##ENUM, SAMPLE, NAME, ALIAS },
    OFPACTS
#undef OFPACT
};

/* Parses `text` as an action list that must be one action of `type` and
 * prints it: it must print as `expect`. */
static void act_roundtrip(const char *text, enum ofpact_type type,
                          const char *expect)
{
    struct ofpact *acts;
    size_t n;
    char err[256];
    if (ofpacts_parse(text, &acts, &n, err, sizeof err)) {
        fail_msg("action '%s' does not parse: %s", text, err);
    }
    if (n != 1 || acts[0].type != type) {
        fail_msg("'%s' gave %zu actions, the first of type %d, not %d", text,
                 n, n ? (int) acts[0].type : -1, (int) type);
    }
    struct dstr out = DSTR_INIT;
    ofpacts_format(acts, n, &out);
    if (strcmp(dstr_str(&out), expect)) {
        fail_msg("action '%s' printed '%s', wanted '%s'", text,
                 dstr_str(&out), expect);
    }
    dstr_free(&out);
    ofpacts_free(acts, n);
}

/* Every action's sample parses (by its name and by its alias) into that
 * action and prints back unchanged. */
static void test_action_list(void **state)
{
    (void) state;
    size_t n = sizeof act_list / sizeof *act_list;
    assert_int_equal(n, OFPACT_N_TYPES);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(act_list[i].type, i);
        const char *sample = act_list[i].sample;
        size_t len = strlen(act_list[i].name);
        /* The sample is written with its keyword (controller's is printed
         * upper-case, as ovs-ofctl prints it). */
        if (strncasecmp(sample, act_list[i].name, len)) {
            fail_msg("sample '%s' does not start with '%s'", sample,
                     act_list[i].name);
        }
        act_roundtrip(sample, act_list[i].type, sample);
        if (act_list[i].alias) {
            char text[128];
            snprintf(text, sizeof text, "%s%s", act_list[i].alias,
                     sample + len);
            /* pop_vlan prints as pop_vlan, as in OVS. */
            act_roundtrip(text, act_list[i].type,
                          act_list[i].type == OFPACT_STRIP_VLAN ? text
                                                                : sample);
        }
    }
}

static const struct {
    enum mf_id id;
    const char *name, *alias, *sample;
} field_list[] = {
#define MF(ID, NAME, ALIAS, NXM_NAME, STORAGE, SHIFT, N_BITS, MASKABLE,     \
           WRITABLE, FORMAT, PREREQ, SHOW, NXM, OXM, SAMPLE)                 \
    { MFID_##ID, NAME, ALIAS, SAMPLE },
    MF_FIELDS
#undef MF
};

/* Per prerequisite: a match keyword that meets it, one that does not, and
 * the protocols the error names (ovs-ofctl's wording). */
static const struct {
    const char *meets, *fails, *needs;
} prereq_cases[] = {
    [MFP_NONE] = { "", NULL, NULL },
    [MFP_ARP] = { "arp,", "ip,", "arp" },
    [MFP_IPV4] = { "ip,", "ipv6,", "ip" },
    [MFP_IPV6] = { "ipv6,", "ip,", "ipv6" },
    [MFP_IP_ANY] = { "ipv6,", "arp,", "ip or ipv6" },
    [MFP_IPV4_ARP] = { "ip,", "ipv6,", "ip or arp" },
    [MFP_IP_ARP] = { "ip,", "dl_type=0x88cc,", "ip, ipv6 or arp" },
    [MFP_L4] = { "sctp6,", "icmp,", "tcp, udp or sctp" },
    [MFP_TCP] = { "tcp,", "udp,", "tcp" },
    [MFP_UDP] = { "udp6,", "tcp,", "udp" },
    [MFP_SCTP] = { "sctp,", "tcp,", "sctp" },
    [MFP_ICMPV4] = { "icmp,", "tcp,", "icmp" },
    [MFP_ICMPV6] = { "icmp6,", "icmp,", "icmp6" },
};

static int parse_match(const char *text, struct ofp_flow_spec *spec,
                       char *err, size_t errlen)
{
    return ofp_parse_flow(text, OFP_PARSE_ADD, spec, err, errlen);
}

/* "PREREQ,name=sample" parses, sets the field, prints (under the field's
 * name unless it shows under another's) and the print parses back to the
 * same match and the same text. */
static void field_match_roundtrip(const struct mf_field *f,
                                  const char *sample, const char *meets)
{
    char text[256], err[256];
    snprintf(text, sizeof text, "%s%s=%s,actions=drop", meets, f->name,
             sample);
    struct ofp_flow_spec spec, again;
    if (parse_match(text, &spec, err, sizeof err)) {
        fail_msg("'%s' does not parse: %s", text, err);
    }
    mf_value mask = mf_get(f, &spec.match.mask);
    assert_true(mask != 0);
    struct dstr out = DSTR_INIT, out2 = DSTR_INIT;
    ofp_match_format(&spec.match, spec.priority, &out);
    char shown[160];
    snprintf(shown, sizeof shown, "%s=%s", f->name, sample);
    bool has = strstr(dstr_str(&out), shown) != NULL;
    if (has != (f->show != MFS_NEVER)) {
        fail_msg("'%s' printed '%s'", text, dstr_str(&out));
    }
    dstr_put(&out, ",actions=drop");
    if (parse_match(dstr_str(&out), &again, err, sizeof err)) {
        fail_msg("'%s' printed '%s', which does not parse: %s", text,
                 dstr_str(&out), err);
    }
    assert_true(ofp_match_equal(&spec.match, &again.match));
    ofp_match_format(&again.match, again.priority, &out2);
    dstr_put(&out2, ",actions=drop");
    assert_string_equal(dstr_str(&out), dstr_str(&out2));
    dstr_free(&out);
    dstr_free(&out2);
    ofp_flow_spec_free(&spec);
    ofp_flow_spec_free(&again);
}

/* Without its prerequisite, or with a protocol that does not meet it, a
 * field is refused with ovs-ofctl's words. */
static void field_prereq(const struct mf_field *f, const char *sample)
{
    const char *fails = prereq_cases[f->prereq].fails;
    char expect[160];
    snprintf(expect, sizeof expect, "%s: prerequisites not met (the match "
             "needs %s)", f->name, prereq_cases[f->prereq].needs);
    char text[256];
    snprintf(text, sizeof text, "%s=%s,actions=drop", f->name, sample);
    bad(text, OFP_PARSE_ADD, expect);
    snprintf(text, sizeof text, "%s%s=%s,actions=drop", fails, f->name,
             sample);
    bad(text, OFP_PARSE_ADD, expect);
}

/* set_field takes writable fields only. */
static void field_set_field(const struct mf_field *f, const char *sample)
{
    char text[256], err[256];
    snprintf(text, sizeof text, "set_field:%s->%s", sample, f->name);
    struct ofpact *acts;
    size_t n;
    int ret = ofpacts_parse(text, &acts, &n, err, sizeof err);
    ofpacts_free(acts, n);
    if (f->writable && ret) {
        fail_msg("'%s' does not parse: %s", text, err);
    }
    if (!f->writable) {
        char expect[80];
        snprintf(expect, sizeof expect, "%s is read-only", f->name);
        assert_int_equal(ret, -1);
        assert_string_equal(err, expect);
    }
}

/* Fields that share an NXM or OXM code address the same bits. */
static bool same_bits(const struct mf_field *a, const struct mf_field *b)
{
    return a->ofs == b->ofs && a->shift == b->shift
           && a->n_bits == b->n_bits;
}

static bool same_wire(const struct mf_wire *a, const struct mf_wire *b)
{
    return a->valid && b->valid && a->oxm_class == b->oxm_class
           && a->field == b->field;
}

static void field_wire(const struct mf_field *f)
{
    const char *nxm = f->nxm_name;
    if (!strncmp(nxm, "NXM_OF_", 7)) {
        assert_true(f->nxm.valid && f->nxm.oxm_class == 0x0000);
    } else if (!strncmp(nxm, "NXM_NX_", 7)) {
        assert_true(f->nxm.valid && f->nxm.oxm_class == 0x0001);
    } else {
        assert_memory_equal(nxm, "OXM_OF_", 7);
        assert_true(f->oxm.valid && !f->nxm.valid);
    }
    assert_true(!f->oxm.valid || f->oxm.oxm_class == 0x8000);
    size_t n;
    const struct mf_field *all = mf_all(&n);
    for (size_t i = 0; i < n; i++) {
        if (same_wire(&f->nxm, &all[i].nxm)
            || same_wire(&f->oxm, &all[i].oxm)) {
            if (!same_bits(f, &all[i])) {
                fail_msg("%s and %s share a wire code but not their bits",
                         f->name, all[i].name);
            }
        }
    }
}

/* One field's entry: names, storage, value syntax, matches, set_field and
 * wire codes. */
static void check_field(const struct mf_field *f, const char *sample)
{
    assert_ptr_equal(mf_from_name(f->name), f);
    if (f->alias) {
        assert_ptr_equal(mf_from_name(f->alias), f);
    }
    assert_true(same_bits(mf_from_name(f->nxm_name), f));
    assert_true(f->shift + f->n_bits <= 8 * f->n_bytes);
    assert_true(!f->host_order || f->n_bytes == 4 || f->n_bytes == 8);

    mf_value value, mask;
    char err[256];
    if (mf_parse_value(f, sample, &value, &mask, err, sizeof err)) {
        fail_msg("%s: sample '%s' does not parse: %s", f->name, sample, err);
    }
    struct dstr out = DSTR_INIT;
    mf_format_value(f, value, mask, &out);
    if (strcmp(dstr_str(&out), sample)) {
        fail_msg("%s: sample '%s' printed '%s'", f->name, sample,
                 dstr_str(&out));
    }
    dstr_free(&out);
    if (!f->maskable) {
        char text[160], expect[200];
        snprintf(text, sizeof text, "%s/1", sample);
        snprintf(expect, sizeof expect, "%s: field %s does not support "
                 "masking", text, f->name);
        assert_int_equal(mf_parse_value(f, text, &value, &mask, err,
                                        sizeof err), -1);
        assert_string_equal(err, expect);
    }

    const char *meets = prereq_cases[f->prereq].meets;
    assert_non_null(meets);
    field_match_roundtrip(f, sample, meets);
    if (f->prereq != MFP_NONE) {
        field_prereq(f, sample);
    }
    field_set_field(f, sample);
    field_wire(f);
}

static void test_field_list(void **state)
{
    (void) state;
    size_t n;
    const struct mf_field *all = mf_all(&n);
    assert_int_equal(n, MF_N_FIELDS);
    assert_int_equal(sizeof field_list / sizeof *field_list, MF_N_FIELDS);
    assert_int_equal(sizeof prereq_cases / sizeof *prereq_cases,
                     MFP_ICMPV6 + 1);
    for (size_t i = 0; i < n; i++) {
        const struct mf_field *f = mf_by_id(field_list[i].id);
        assert_ptr_equal(f, &all[i]);
        assert_int_equal(f->id, i);
        assert_string_equal(f->name, field_list[i].name);
        check_field(f, field_list[i].sample);
    }
}

/* An exact tcp_flags match prints "syn|ack" (as ovs-ofctl does), which
 * parses back. */
static void test_tcp_flags_exact(void **state)
{
    (void) state;
    roundtrip("tcp,tcp_flags=0x12,actions=drop",
              "tcp,tcp_flags=syn|ack actions=drop");
    roundtrip("tcp,tcp_flags=syn|ack,actions=drop",
              "tcp,tcp_flags=syn|ack actions=drop");
    roundtrip("tcp,tcp_flags=0,actions=drop", "tcp,tcp_flags=0 actions=drop");
    bad("tcp,tcp_flags=syn|bogus,actions=drop", OFP_PARSE_ADD,
        "syn|bogus: unknown TCP flag(s)");
}

/* The flow-mod keywords besides the match: flags and importance (add),
 * out_port/out_group filters (match modes), the cookie rules of OVS (bare
 * sets, masked selects, no bare cookie where nothing is set), and the
 * statistics dump-flows prints are ignored; ofp_flow_mod_from_spec puts
 * each where the command wants it. */
static void test_flow_mod_keywords(void **state)
{
    (void) state;
    struct ofp_flow_spec spec;
    struct ofp_flow_mod fm;
    char err[256];

    assert_int_equal(ofp_parse_flow("send_flow_rem,check_overlap,"
                                    "reset_counts,importance=7,cookie=0x5,"
                                    "n_packets=3,duration=1.5s,ip,"
                                    "actions=drop", OFP_PARSE_ADD, &spec,
                                    err, sizeof err), 0);
    assert_int_equal(spec.flags, OFPFF_SEND_FLOW_REM | OFPFF_CHECK_OVERLAP
                                 | OFPFF_RESET_COUNTS);
    assert_int_equal(spec.importance, 7);
    assert_false(spec.cookie_masked);
    ofp_flow_mod_from_spec(&spec, OFPFC_ADD, &fm);
    assert_int_equal(fm.flags, spec.flags);
    assert_int_equal(fm.importance, 7);
    assert_true(fm.new_cookie == 0x5);
    assert_int_equal(fm.out_port, OFPP_NONE);
    ofp_flow_mod_free(&fm);
    ofp_flow_spec_free(&spec);

    /* modify: cookie=X sets, cookie=X/M selects and keeps the cookie. */
    assert_int_equal(ofp_parse_flow("cookie=0x9,actions=drop",
                                    OFP_PARSE_MODIFY, &spec, err,
                                    sizeof err), 0);
    ofp_flow_mod_from_spec(&spec, OFPFC_MODIFY, &fm);
    assert_true(fm.new_cookie == 0x9 && fm.cookie_mask == 0);
    ofp_flow_mod_free(&fm);
    ofp_flow_spec_free(&spec);
    assert_int_equal(ofp_parse_flow("cookie=0x9/-1,actions=drop",
                                    OFP_PARSE_MODIFY, &spec, err,
                                    sizeof err), 0);
    ofp_flow_mod_from_spec(&spec, OFPFC_MODIFY, &fm);
    assert_true(fm.cookie == 0x9 && fm.cookie_mask == UINT64_MAX);
    assert_true(fm.new_cookie == UINT64_MAX);
    ofp_flow_mod_free(&fm);
    ofp_flow_spec_free(&spec);

    /* delete: out_port and out_group filter; a bare cookie is refused. */
    assert_int_equal(ofp_parse_flow("out_port=3,out_group=4,cookie=0x1/0x1",
                                    OFP_PARSE_MATCH, &spec, err,
                                    sizeof err), 0);
    ofp_flow_mod_from_spec(&spec, OFPFC_DELETE, &fm);
    assert_int_equal(fm.out_port, 3);
    assert_int_equal(fm.out_group, 4);
    assert_true(fm.cookie == 1 && fm.cookie_mask == 1);
    ofp_flow_mod_free(&fm);
    ofp_flow_spec_free(&spec);
    bad("cookie=0x1", OFP_PARSE_MATCH, "cannot set cookie (to match on a "
        "cookie, specify a mask, e.g. cookie=0x1/-1)");
    bad("out_port=3,actions=drop", OFP_PARSE_ADD, "unknown keyword out_port");
    bad("send_flow_rem", OFP_PARSE_MATCH, "unknown keyword send_flow_rem");
    bad("importance=1,actions=drop", OFP_PARSE_MODIFY,
        "unknown keyword importance");
    bad("out_port=foo", OFP_PARSE_MATCH, "foo is not a valid OpenFlow port");
}

/* learn and fin_timeout: printed and refused as Debian's ovs-ofctl 3.1
 * parse-flow does (expected strings generated with it). */
static void test_learn(void **state)
{
    (void) state;
    roundtrip("actions=learn(table=10,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_OF_IN_PORT[]->NXM_NX_REG0[0..15]),resubmit(,1)",
              "actions=learn(table=10,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_OF_IN_PORT[]->NXM_NX_REG0[0..15]),resubmit(,1)");
    roundtrip("actions=learn(table=1,priority=5,idle_timeout=10,hard_timeout=20,fin_idle_timeout=3,fin_hard_timeout=4,cookie=0x55,send_flow_rem,delete_learned,limit=3,result_dst=reg1[1],NXM_OF_VLAN_TCI[0..11],eth_dst=eth_src,dl_type=0x800,load:0x5->NXM_NX_REG1[],output:NXM_OF_IN_PORT[],NXM_OF_IP_SRC[]=10.0.0.1,load:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[])",
              "actions=learn(table=1,idle_timeout=10,hard_timeout=20,fin_idle_timeout=3,fin_hard_timeout=4,priority=5,send_flow_rem,delete_learned,cookie=0x55,limit=3,result_dst=NXM_NX_REG1[1],NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],eth_type=0x800,load:0x5->NXM_NX_REG1[],output:NXM_OF_IN_PORT[],ip_src=10.0.0.1,load:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[])");
    roundtrip("actions=learn()",
              "actions=learn(table=1)");
    roundtrip("actions=learn(priority=0,idle_timeout=0,cookie=0,table=0)",
              "actions=learn(table=0,priority=0)");
    roundtrip("actions=learn(table=1,eth_type=0x800,nw_src=10.0.0.1,eth_src=00:11:22:33:44:55,load:0xaabbccddeeff->NXM_OF_ETH_DST[],in_port=99)",
              "actions=learn(table=1,eth_type=0x800,ip_src=10.0.0.1,eth_src=00:11:22:33:44:55,load:0xaabbccddeeff->NXM_OF_ETH_DST[],in_port=99)");
    roundtrip("actions=learn(reg0[1..3]=reg1[2..4],reg2=reg3,reg4=5,reg5[0..3]=0x7,NXM_NX_REG6[]=0xffffffff,eth_src=01:02:03:04:05:06)",
              "actions=learn(table=1,NXM_NX_REG0[1..3]=NXM_NX_REG1[2..4],NXM_NX_REG2[]=NXM_NX_REG3[],reg4=0x5,NXM_NX_REG5[0..3]=0x7,reg6=0xffffffff,eth_src=01:02:03:04:05:06)");
    roundtrip("actions=learn(eth_dst[])",
              "actions=learn(table=1,NXM_OF_ETH_DST[])");
    roundtrip("actions=learn(in_port)",
              "actions=learn(table=1,NXM_OF_IN_PORT[])");
    roundtrip("actions=learn(output:reg0[0..15])",
              "actions=learn(table=1,output:NXM_NX_REG0[0..15])");
    roundtrip("actions=learn(load:reg1[0..7]->reg2[8..15])",
              "actions=learn(table=1,load:NXM_NX_REG1[0..7]->NXM_NX_REG2[8..15])");
    roundtrip("actions=learn(load:0->reg0[0..3],reg0[4..7]=0,load:0x0000ff->reg1[0..15])",
              "actions=learn(table=1,load:0->NXM_NX_REG0[0..3],NXM_NX_REG0[4..7]=0,load:0xff->NXM_NX_REG1[0..15])");
    roundtrip("actions=learn(in_port=LOCAL,tun_id=5,metadata=5,vlan_tci=0x1005,pkt_mark=1)",
              "actions=learn(table=1,in_port=LOCAL,tun_id=0x5,metadata=0x5,vlan_tci=0x1005,pkt_mark=0x1)");
    roundtrip("actions=learn(eth_type=0x86dd,ipv6_src=2001:db8::1)",
              "actions=learn(table=1,eth_type=0x86dd,ipv6_src=2001:db8::1)");
    roundtrip("actions=learn(NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[0..47],eth_src=eth_src)",
              "actions=learn(table=1,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],NXM_OF_ETH_SRC[])");
    roundtrip("actions=learn(limit=5,idle_timeout=70000)",
              "actions=learn(table=1,idle_timeout=4464,limit=5)");
    roundtrip("actions=learn(table=2,delete_learned,cookie=0x1,NXM_OF_ETH_DST[]),output:1",
              "actions=learn(table=2,delete_learned,cookie=0x1,NXM_OF_ETH_DST[]),output:1");
    roundtrip("actions=fin_timeout(idle_timeout=5,hard_timeout=10)",
              "actions=fin_timeout(idle_timeout=5,hard_timeout=10)");
    roundtrip("actions=fin_timeout(idle_timeout=5)",
              "actions=fin_timeout(idle_timeout=5)");
    roundtrip("actions=fin_timeout(hard_timeout=5)",
              "actions=fin_timeout(hard_timeout=5)");
    roundtrip("actions=fin_timeout()",
              "actions=fin_timeout()");
    roundtrip("actions=fin_timeout(idle_timeout=0)",
              "actions=fin_timeout()");
    roundtrip("tcp,actions=learn(eth_type=0x800,nw_proto=6,NXM_OF_TCP_DST[])",
              "tcp actions=learn(table=1,eth_type=0x800,nw_proto=6,NXM_OF_TCP_DST[])");
    bad("tcp,actions=learn(NXM_OF_TCP_DST[])", OFP_PARSE_ADD,
        "actions are invalid with specified match (OFPBAC_MATCH_INCONSISTENT)");
    bad("actions=learn(result_dst=reg0[40])", OFP_PARSE_ADD,
        "reg0[40]: starting bit 40 is not valid because field is only 32 "
        "bits wide");
    bad("actions=load:1->reg0[3..40]", OFP_PARSE_ADD,
        "reg0[3..40]: ending bit 40 is not valid because field is only 32 "
        "bits wide");
    bad("actions=load:1->reg0[5..3]", OFP_PARSE_ADD,
        "reg0[5..3]: starting bit 5 is after ending bit 3");
    bad("actions=learn(load:0x800->eth_type)", OFP_PARSE_ADD,
        "actions are invalid with specified match (OFPBAC_BAD_SET_ARGUMENT)");
    roundtrip("actions=learn(output:eth_src)",
              "actions=learn(table=1,output:NXM_OF_ETH_SRC[])");
    roundtrip("actions=learn(eth_type=0x800,ip_proto=6,tcp_dst=80,"
              "eth_src=eth_src)",
              "actions=learn(table=1,eth_type=0x800,nw_proto=6,tcp_dst=80,"
              "NXM_OF_ETH_SRC[])");
    bad("actions=learn(table=255)", OFP_PARSE_ADD,
        "table=255: table id 255 not valid for `learn' action");
    bad("actions=learn(table=foo)", OFP_PARSE_ADD,
        "unknown table \"foo\"");
    bad("actions=learn(NXM_OF_ETH_DST[]=NXM_OF_IP_SRC[])", OFP_PARSE_ADD,
        "NXM_OF_ETH_DST[]=NXM_OF_IP_SRC[]: bit widths of NXM_OF_ETH_DST[] (32) and NXM_OF_IP_SRC[] (48) differ");
    bad("actions=learn(result_dst=reg0[0..1])", OFP_PARSE_ADD,
        "result_dst in 'learn' action must be a single bit");
    bad("actions=learn(result_dst=eth_type[0])", OFP_PARSE_ADD,
        "eth_type[0] is read-only");
    bad("actions=learn(bogus=1)", OFP_PARSE_ADD,
        "bogus=1: unknown keyword bogus");
    bad("actions=learn(load:reg0->eth_type)", OFP_PARSE_ADD,
        "reg0->eth_type: source field is 32 bits wide but destination is 16 bits wide");
    bad("actions=learn(load:5->reg0[0..1])", OFP_PARSE_ADD,
        "5->reg0[0..1]: value does not fit into 2 bits");
    bad("actions=learn(reg0[0..1]=5)", OFP_PARSE_ADD,
        "reg0[0..1]=5: reg0[0..1] value 5 cannot be parsed as a subfield (5: unknown field `5') or an immediate value (reg0[0..1]=5: value 0x5 does not fit into 2 bits)");
    bad("actions=learn(load:->reg0)", OFP_PARSE_ADD,
        "load: missing source before `->' in `->reg0'");
    bad("actions=learn(load:reg0)", OFP_PARSE_ADD,
        "load: missing `->' in `reg0'");
    bad("actions=learn(load:5x->reg0)", OFP_PARSE_ADD,
        "load: garbage before `->' in `5x->reg0'");
    bad("actions=learn(reg0=eth_src)", OFP_PARSE_ADD,
        "reg0=eth_src: bit widths of reg0 (48) and eth_src (32) differ");
    bad("actions=learn(ip_src=10.0.0.1)", OFP_PARSE_ADD,
        "actions are invalid with specified match (OFPBAC_MATCH_INCONSISTENT)");
    bad("actions=learn(NXM_OF_TCP_DST[])", OFP_PARSE_ADD,
        "actions are invalid with specified match (OFPBAC_MATCH_INCONSISTENT)");
    bad("actions=learn(eth_dst=01:02:03:04:05:06/ff:ff:ff:00:00:00)", OFP_PARSE_ADD,
        "eth_dst=01:02:03:04:05:06/ff:ff:ff:00:00:00: eth_dst value 01:02:03:04:05:06/ff:ff:ff:00:00:00 cannot be parsed as a subfield (01:02:03:04:05:06/ff:ff:ff:00:00:00: unknown field `01:02:03:04:05:06/ff:ff:ff:00:00:00') or an immediate value (01:02:03:04:05:");
    bad("actions=fin_timeout(idle_timeout=70000)", OFP_PARSE_ADD,
        "invalid idle_timeout \"70000\"");
    bad("actions=fin_timeout(foo=1)", OFP_PARSE_ADD,
        "invalid key 'foo' in 'fin_timeout' argument");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches),
        cmocka_unit_test(test_actions),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_match_semantics),
        cmocka_unit_test(test_fields),
        cmocka_unit_test(test_action_list),
        cmocka_unit_test(test_field_list),
        cmocka_unit_test(test_tcp_flags_exact),
        cmocka_unit_test(test_flow_mod_keywords),
        cmocka_unit_test(test_learn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
