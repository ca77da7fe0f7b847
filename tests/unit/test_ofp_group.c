/* Groups on the wire and in ovs-ofctl's syntax (src/ofp/ofp_group.c), and
 * the group table (src/ofproto/group.c).  The golden bytes are what
 * Debian's ovs-ofctl 3.1 sent to Debian's OVS for the same command
 * (captured on the connection), and the printed text is what `ovs-ofctl
 * ofp-print HEX` printed for them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ofp/ofp_msgs.h"
#include "ofp/ofp_port.h"
#include "ofp/ofp_print.h"
#include "ofproto/group.h"

static size_t unhex(const char *hex, uint8_t *out, size_t max)
{
    size_t n = 0;
    for (const char *p = hex; p[0] && p[1] && n < max; p += 2) {
        unsigned v;
        sscanf(p, "%2x", &v);
        out[n++] = (uint8_t) v;
    }
    return n;
}

static char *tohex(const uint8_t *p, size_t n)
{
    char *s = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++) {
        sprintf(s + 2 * i, "%02x", p[i]);
    }
    s[2 * n] = '\0';
    return s;
}

struct golden {
    uint8_t version;
    int command;
    const char *text;       /* what ovs-ofctl was given */
    const char *hex;        /* what it sent (xid 6) */
    const char *printed;    /* ovs-ofctl ofp-print of it */
};

static const struct golden goldens[] = {
    { OFP10_VERSION, OFPGC_ADD,
      "group_id=1,type=select,bucket=weight:3,output:2,"
      "bucket=output:3,group:7",
      "0104006000000006000023200000001f000001000000000100400000ffffffff"
      "001800080000000000000008000200000000000800030000002800180000000100"
      "00000800030000ffff00100000232000280000000000070000000800010000",
      "NXT_GROUP_MOD (xid=0x6):\n"
      " ADD group_id=1,type=select,bucket=bucket_id:0,weight:3,"
      "actions=output:2,bucket=bucket_id:1,actions=output:3,group:7\n" },
    { OFP10_VERSION, OFPGC_DELETE, "group_id=1",
      "0104002000000006000023200000001f000200000000000100000000ffffffff",
      NULL },
    { OFP13_VERSION, OFPGC_ADD,
      "group_id=1,type=select,bucket=weight:3,output:2,"
      "bucket=output:3,group:7",
      "040f005800000006000001000000000100200003ffffffffffffffff0000000000"
      "00001000000002000000000000000000280001ffffffffffffffff000000000000"
      "00100000000300000000000000000016000800000007",
      "OFPT_GROUP_MOD (OF1.3) (xid=0x6):\n"
      " ADD group_id=1,type=select,bucket=weight:3,actions=output:2,"
      "bucket=actions=output:3,group:7\n" },
    { OFP13_VERSION, OFPGC_ADD,
      "group_id=7,type=ff,bucket=watch_port:2,output:2,"
      "bucket=watch_port:3,watch_group:1,output:3",
      "040f00500000000600000300000000070020000000000002ffffffff0000000000"
      "0000100000000200000000000000000020000000000003000000010000000000000010"
      "000000030000000000000000", NULL },
    { OFP13_VERSION, OFPGC_DELETE, "group_id=1",
      "040f0010000000060002000000000001", NULL },
    { OFP15_VERSION, OFPGC_ADD,
      "group_id=1,type=select,bucket=weight:3,output:2,"
      "bucket=output:3,group:7",
      "060f006000000006000001000000000100480000ffffffff0020001000000000"
      "0000001000000002000000000000000000000008000300000028001800000001"
      "0000001000000003000000000000000000160008000000070000000800010000", NULL },
    { OFP15_VERSION, OFPGC_ADD,
      "group_id=7,type=ff,bucket=watch_port:2,output:2,"
      "bucket=watch_port:3,watch_group:1,output:3",
      "060f006000000006000003000000000700480000ffffffff002000100000000000"
      "000010000000020000000000000000000100080000000200280010000000010000"
      "001000000003000000000000000000010008000000030002000800000001",
      "OFPT_GROUP_MOD (OF1.5) (xid=0x6):\n"
      " ADD group_id=7,type=ff,bucket=bucket_id:0,watch_port:2,"
      "actions=output:2,bucket=bucket_id:1,watch_port:3,watch_group:1,"
      "actions=output:3\n" },
    { OFP15_VERSION, OFPGC_ADD,
      "group_id=5,type=select,selection_method=hash,"
      "selection_method_param=7,fields(ip_src=255.255.0.0,udp_dst),"
      "bucket=output:2",
      "060f007000000006000001000000000500200000ffffffff002000100000000000"
      "0000100000000200000000000000000000000800010000ffff00360000154d0000"
      "00010000000068617368000000000000000000000000000000000000000780001604"
      "ffff000080002002ffff0000",
      "OFPT_GROUP_MOD (OF1.5) (xid=0x6):\n"
      " ADD group_id=5,type=select,selection_method=hash,"
      "selection_method_param=7,fields(ip_src=255.255.0.0,udp_dst),"
      "bucket=bucket_id:0,actions=output:2\n" },
    { OFP15_VERSION, OFPGC_INSERT_BUCKET,
      "group_id=5,command_bucket_id=last,bucket=bucket_id:9,output:1",
      "060f003000000006000300000000000500180000fffffffe0018001000000009"
      "00000010000000010000000000000000",
      "OFPT_GROUP_MOD (OF1.5) (xid=0x6):\n"
      " INSERT_BUCKET command_bucket_id:last,group_id=5,bucket=bucket_id:9,"
      "actions=output:1\n" },
    { OFP15_VERSION, OFPGC_REMOVE_BUCKET, "group_id=9,command_bucket_id=1",
      "060f00180000000600050000000000090000000000000001", NULL },
    { OFP15_VERSION, OFPGC_DELETE, "",
      "060f00180000000600020000fffffffc00000000ffffffff", NULL },
};

static void test_goldens(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof goldens / sizeof goldens[0]; i++) {
        const struct golden *g = &goldens[i];
        struct ofp_group_mod gm;
        uint32_t usable;
        char err[256];
        if (ofp_parse_group_mod(g->text, g->command, &gm, &usable, err,
                                sizeof err)) {
            fail_msg("%s: %s", g->text, err);
        }
        struct ofpbuf b = OFPBUF_INIT;
        assert_int_equal(ofp_encode_group_mod(&b, g->version, 6, &gm), 0);
        char *got = tohex(b.data, b.size);
        if (strcmp(got, g->hex)) {
            fail_msg("%s (v%u):\n got %s\nwant %s", g->text, g->version, got,
                     g->hex);
        }
        free(got);
        /* Decode, re-encode: the same bytes. */
        struct ofp_msg msg;
        assert_int_equal(ofp_msg_decode(b.data, b.size, &msg), 0);
        struct ofp_group_mod back;
        assert_int_equal(ofp_decode_group_mod(&msg, &back), 0);
        struct ofpbuf b2 = OFPBUF_INIT;
        assert_int_equal(ofp_encode_group_mod(&b2, g->version, 6, &back), 0);
        assert_int_equal(b2.size, b.size);
        assert_memory_equal(b2.data, b.data, b.size);
        if (g->printed) {
            struct dstr d = DSTR_INIT;
            ofp_print_msg(&d, b.data, b.size, 1);
            assert_string_equal(dstr_str(&d), g->printed);
            dstr_free(&d);
        }
        ofp_group_mod_free(&back);
        ofp_group_mod_free(&gm);
        ofpbuf_uninit(&b);
        ofpbuf_uninit(&b2);
    }
}

/* Every type, in every version that can say it: parse, encode, decode,
 * format, parse again, the same group. */
static void test_round_trip_every_version(void **state)
{
    (void) state;
    static const char *const groups[] = {
        "group_id=1,type=all,bucket=output:1,bucket=output:2",
        "group_id=2,type=select,bucket=weight:5,output:1,bucket=output:2",
        "group_id=3,type=indirect,bucket=actions=dec_ttl,output:1",
        "group_id=4,type=ff,bucket=watch_port:1,output:1,"
        "bucket=watch_group:3,output:2",
        "group_id=4294967040,type=all,bucket=output:LOCAL",
    };
    static const uint8_t versions[] = { OFP10_VERSION, OFP13_VERSION,
                                        OFP14_VERSION, OFP15_VERSION };
    for (size_t v = 0; v < sizeof versions; v++) {
        for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
            struct ofp_group_mod gm, back;
            uint32_t usable;
            char err[256];
            assert_int_equal(ofp_parse_group_mod(groups[i], OFPGC_ADD, &gm,
                                                 &usable, err, sizeof err),
                             0);
            struct ofpbuf b = OFPBUF_INIT;
            assert_int_equal(ofp_encode_group_mod(&b, versions[v], 1, &gm),
                             0);
            struct ofp_msg msg;
            assert_int_equal(ofp_msg_decode(b.data, b.size, &msg), 0);
            assert_int_equal(ofp_decode_group_mod(&msg, &back), 0);
            struct dstr a = DSTR_INIT, c = DSTR_INIT;
            ofp_group_format(&a, &back, OFP13_VERSION, false);
            assert_string_equal(dstr_str(&a), groups[i][0] == 'g'
                                ? dstr_str(&a) : "");
            struct ofp_group_mod again;
            assert_int_equal(ofp_parse_group_mod(dstr_str(&a), OFPGC_ADD,
                                                 &again, &usable, err,
                                                 sizeof err), 0);
            ofp_group_format(&c, &again, OFP13_VERSION, false);
            assert_string_equal(dstr_str(&a), dstr_str(&c));
            assert_int_equal(back.n_buckets, gm.n_buckets);
            for (size_t k = 0; k < gm.n_buckets; k++) {
                assert_int_equal(back.buckets[k].weight,
                                 gm.buckets[k].weight);
                assert_int_equal(back.buckets[k].watch_port,
                                 gm.buckets[k].watch_port);
                assert_int_equal(back.buckets[k].watch_group,
                                 gm.buckets[k].watch_group);
                assert_int_equal(back.buckets[k].n_acts,
                                 gm.buckets[k].n_acts);
            }
            dstr_free(&a);
            dstr_free(&c);
            ofp_group_mod_free(&gm);
            ofp_group_mod_free(&back);
            ofp_group_mod_free(&again);
            ofpbuf_uninit(&b);
        }
    }
}

static void expect_parse_error(const char *s, int command, const char *want)
{
    struct ofp_group_mod gm;
    uint32_t usable;
    char err[256] = "";
    assert_int_equal(ofp_parse_group_mod(s, command, &gm, &usable, err,
                                         sizeof err), -1);
    assert_string_equal(err, want);
}

static void test_parse_errors(void **state)
{
    (void) state;
    expect_parse_error("type=all,bucket=output:1", OFPGC_ADD,
                       "must specify a group_id");
    expect_parse_error("group_id=1,bucket=output:1", OFPGC_ADD,
                       "must specify a type");
    expect_parse_error("group_id=1,type=foo", OFPGC_ADD,
                       "invalid group type foo");
    expect_parse_error("group_id=1,type=all,bucket=weight:2,output:1",
                       OFPGC_ADD,
                       "Only select groups can have bucket weights.");
    expect_parse_error("group_id=1,type=ff,bucket=output:1", OFPGC_ADD,
                       "fast failover bucket requires watch_port or "
                       "watch_group");
    expect_parse_error("group_id=1,type=indirect,bucket=output:1,"
                       "bucket=output:2", OFPGC_ADD,
                       "Indirect groups can have at most one bucket.");
    expect_parse_error("group_id=1,type=select,fields=ip_src", OFPGC_ADD,
                       "fields may only be specified with "
                       "\"selection_method=hash\"");
    expect_parse_error("group_id=1,bucket=output:1", OFPGC_INSERT_BUCKET,
                       "must specify a command bucket id");
    expect_parse_error("group_id=1,bucket=output:1", OFPGC_DELETE,
                       "bucket is not needed");
    expect_parse_error("group_id=1,type=all,bucket=watch_port:99999,"
                       "output:1", OFPGC_ADD, "99999: invalid watch_port");
    /* Versions: hash fields and bucket commands need the 1.5 body. */
    struct ofp_group_mod gm;
    uint32_t usable;
    char err[256];
    assert_int_equal(ofp_parse_group_mod("group_id=1,type=select,"
                                         "selection_method=dp_hash,"
                                         "bucket=output:1", OFPGC_ADD, &gm,
                                         &usable, err, sizeof err), 0);
    assert_int_equal(usable, (1u << 1) | (1u << 6));
    ofp_group_mod_free(&gm);
    /* A file line names its command. */
    assert_int_equal(ofp_parse_group_mod("delete group_id=3", -2, &gm,
                                         &usable, err, sizeof err), 0);
    assert_int_equal(gm.command, OFPGC_DELETE);
    assert_int_equal(gm.group_id, 3);
    assert_int_equal(ofp_parse_group_mod("group_id=3,type=all,"
                                         "bucket=output:1", -2, &gm,
                                         &usable, err, sizeof err), 0);
    assert_int_equal(gm.command, OFPGC_ADD);
    ofp_group_mod_free(&gm);
}

static int decode_hex(const char *hex, struct ofp_group_mod *gm)
{
    static uint8_t buf[512];
    size_t n = unhex(hex, buf, sizeof buf);
    struct ofp_msg msg;
    int err = ofp_msg_decode(buf, n, &msg);
    if (err) {
        return err;
    }
    err = ofp_decode_group_mod(&msg, gm);
    if (!err) {
        ofp_group_mod_free(gm);
    }
    return err;
}

static void test_decode_errors(void **state)
{
    (void) state;
    struct ofp_group_mod gm;
    /* OF1.3 add of an indirect group with two buckets. */
    assert_int_equal(decode_hex("040f003000000001000002000000000100100000"
                                "ffffffffffffffff00000000"
                                "00100000ffffffffffffffff00000000", &gm),
                     -OFPERR_OFPGMFC_INVALID_GROUP);
    /* Bucket length past the message. */
    assert_int_equal(decode_hex("040f002000000001000000000000000100400000"
                                "ffffffffffffffff00000000", &gm),
                     -OFPERR_OFPGMFC_BAD_BUCKET);
    /* A watch port on an "all" group. */
    assert_int_equal(decode_hex("040f002000000001000000000000000100100000"
                                "00000002ffffffff00000000", &gm),
                     -OFPERR_OFPGMFC_WATCH_UNSUPPORTED);
    /* Unknown type. */
    assert_int_equal(decode_hex("040f0010000000010000070000000001", &gm),
                     -OFPERR_OFPGMFC_BAD_TYPE);
    /* OF1.5 insert with command_bucket_id=all. */
    assert_int_equal(decode_hex("060f00180000000100030000000000050000"
                                "0000ffffffff", &gm),
                     -OFPERR_OFPGMFC_BAD_BUCKET);
    /* OF1.3.5: a delete with buckets. */
    assert_int_equal(decode_hex("040f002000000001000200000000000100100000"
                                "ffffffffffffffff00000000", &gm),
                     -OFPERR_OFPGMFC_INVALID_GROUP);
}

static void test_desc_stats_features(void **state)
{
    (void) state;
    static const uint8_t versions[] = { OFP10_VERSION, OFP13_VERSION,
                                        OFP15_VERSION };
    for (size_t v = 0; v < sizeof versions; v++) {
        uint8_t ver = versions[v];
        /* Desc request and reply. */
        struct ofpbuf req = OFPBUF_INIT;
        ofp_encode_group_desc_request(&req, ver, 3, 7);
        struct ofp_msg msg;
        assert_int_equal(ofp_msg_decode(req.data, req.size, &msg), 0);
        uint32_t id;
        assert_int_equal(ofp_decode_group_desc_request(&msg, &id), 0);
        assert_int_equal(id, ver == OFP13_VERSION ? OFPG_ALL : 7);
        struct ofp_group_mod gm;
        uint32_t usable;
        char err[256];
        assert_int_equal(ofp_parse_group_mod(
            "group_id=7,type=select,bucket=output:1,bucket=weight:2,"
            "output:2", OFPGC_ADD, &gm, &usable, err, sizeof err), 0);
        gm.buckets[0].bucket_id = 0;
        gm.buckets[1].bucket_id = 1;
        struct ofpbuf rep = OFPBUF_INIT;
        struct ofp_mp_reply r;
        ofp_mp_reply_init(&r, &rep, &msg);
        ofp_put_group_desc(&r, &gm);
        ofp_put_group_desc(&r, &gm);
        ofp_mp_reply_finish(&r);
        struct ofp_msg rmsg;
        assert_int_equal(ofp_msg_decode(rep.data, rep.size, &rmsg), 0);
        struct ofp_group_mod *gds;
        size_t n;
        assert_int_equal(ofp_decode_group_desc_reply(&rmsg, &gds, &n), 0);
        assert_int_equal(n, 2);
        assert_int_equal(gds[1].n_buckets, 2);
        assert_int_equal(gds[1].buckets[1].weight, 2);
        ofp_group_descs_free(gds, n);
        ofpbuf_uninit(&rep);
        ofpbuf_uninit(&req);

        /* Stats. */
        ofp_encode_group_stats_request(&req, ver, 4, OFPG_ALL);
        assert_int_equal(ofp_msg_decode(req.data, req.size, &msg), 0);
        assert_int_equal(ofp_decode_group_stats_request(&msg, &id), 0);
        assert_int_equal(id, OFPG_ALL);
        struct ofp_bucket_counter bc[2] = { { 3, 300 }, { 4, 400 } };
        struct ofp_group_stats gs = { 7, 1, 7, 700, 5, 500000000, bc, 2 };
        ofp_mp_reply_init(&r, &rep, &msg);
        ofp_put_group_stats(&r, &gs);
        ofp_mp_reply_finish(&r);
        assert_int_equal(ofp_msg_decode(rep.data, rep.size, &rmsg), 0);
        struct dstr d = DSTR_INIT;
        ofp_print_msg(&d, rep.data, rep.size, 1);
        char want[256];
        snprintf(want, sizeof want, "%s reply%s (xid=0x4):\n"
                 " group_id=7,duration=5.500s,ref_count=1,packet_count=7,"
                 "byte_count=700,bucket0:packet_count=3,byte_count=300,"
                 "bucket1:packet_count=4,byte_count=400\n",
                 ver == OFP10_VERSION ? "NXST_GROUP" : "OFPST_GROUP",
                 ver == OFP13_VERSION ? " (OF1.3)"
                 : ver == OFP15_VERSION ? " (OF1.5)" : "");
        assert_string_equal(dstr_str(&d), want);
        dstr_free(&d);
        ofpbuf_uninit(&rep);
        ofpbuf_uninit(&req);

        /* Features: as OVS 3.1 prints them. */
        ofp_encode_simple(&req, ver, OFPTYPE_GROUP_FEATURES_STATS_REQUEST,
                          ver == OFP10_VERSION ? OFPF_NX : OFPF_STD, 2);
        assert_int_equal(ofp_msg_decode(req.data, req.size, &msg), 0);
        struct ofp_group_features f;
        ofp_group_features_default(&f, ver);
        ofp_encode_group_features_reply(&rep, &msg, &f);
        ofp_print_msg(&d, rep.data, rep.size, 1);
        assert_non_null(strstr(dstr_str(&d), ver == OFP10_VERSION
            ? "actions: output enqueue set_vlan_vid set_vlan_pcp strip_vlan "
              "mod_dl_src mod_dl_dst mod_nw_src mod_nw_dst mod_nw_tos "
              "mod_tp_src mod_tp_dst\n"
            : "actions: output group set_field strip_vlan push_vlan "
              "mod_nw_ttl dec_ttl set_mpls_ttl dec_mpls_ttl push_mpls "
              "pop_mpls set_queue\n"));
        dstr_free(&d);
        ofpbuf_uninit(&rep);
        ofpbuf_uninit(&req);
        ofp_group_mod_free(&gm);
    }
}

static struct ofgroup *make_group(const char *s)
{
    struct ofp_group_mod gm;
    uint32_t usable;
    char err[256];
    if (ofp_parse_group_mod(s, OFPGC_ADD, &gm, &usable, err, sizeof err)) {
        fail_msg("%s: %s", s, err);
    }
    for (size_t i = 0; i < gm.n_buckets; i++) {
        if (gm.buckets[i].bucket_id == OFPG_BUCKET_ALL) {
            gm.buckets[i].bucket_id = (uint32_t) i;
        }
    }
    struct ofgroup *g = group_create(&gm, 1000);
    ofp_group_mod_free(&gm);
    return g;
}

static void test_group_table(void **state)
{
    (void) state;
    struct group_table *t = group_table_create();
    assert_null(group_table_insert(t, make_group(
        "group_id=5,type=select,bucket=output:1,bucket=output:2")));
    assert_null(group_table_insert(t, make_group(
        "group_id=2,type=all,bucket=output:1")));
    assert_int_equal(group_table_count(t), 2);
    assert_int_equal(group_table_at(t, 0)->group_id, 2);
    assert_int_equal(group_table_at(t, 1)->group_id, 5);

    /* Insert buckets after bucket 0, then remove the first. */
    struct ofgroup *old = group_table_find(t, 5);
    struct ofp_group_mod ins;
    uint32_t usable;
    char err[256];
    assert_int_equal(ofp_parse_group_mod(
        "group_id=5,command_bucket_id=0,bucket=bucket_id:9,output:3",
        OFPGC_INSERT_BUCKET, &ins, &usable, err, sizeof err), 0);
    struct ofgroup *g;
    assert_int_equal(group_modified(old, &ins, 2000, &g), 0);
    assert_int_equal(g->n_buckets, 3);
    assert_int_equal(g->buckets[0].bucket_id, 0);
    assert_int_equal(g->buckets[1].bucket_id, 9);
    assert_int_equal(g->buckets[2].bucket_id, 1);
    assert_int_equal(g->type, OFPGT_SELECT);    /* type kept */
    assert_int_equal(g->created_ms, 1000);
    assert_ptr_equal(group_table_insert(t, g), old);
    group_free(old);
    /* The same id again: BUCKET_EXISTS; an unknown one: UNKNOWN_BUCKET. */
    struct ofgroup *g2;
    assert_int_equal(group_modified(g, &ins, 0, &g2),
                     -OFPERR_OFPGMFC_BUCKET_EXISTS);
    ins.command_bucket_id = 77;
    ins.buckets[0].bucket_id = 10;
    assert_int_equal(group_modified(g, &ins, 0, &g2),
                     -OFPERR_OFPGMFC_UNKNOWN_BUCKET);
    ofp_group_mod_free(&ins);
    struct ofp_group_mod rm;
    assert_int_equal(ofp_parse_group_mod("group_id=5,command_bucket_id=first",
                                         OFPGC_REMOVE_BUCKET, &rm, &usable,
                                         err, sizeof err), 0);
    assert_int_equal(group_modified(g, &rm, 0, &g2), 0);
    assert_int_equal(g2->n_buckets, 2);
    assert_int_equal(g2->buckets[0].bucket_id, 9);
    group_free(group_table_insert(t, g2));

    /* Stats: one bucket, or all of them. */
    group_table_credit(t, 5, 9, 2, 200);
    group_table_credit(t, 2, OFPG_BUCKET_ALL, 1, 60);
    group_table_credit(t, 99, 0, 1, 60);        /* gone: ignored */
    g = group_table_find(t, 5);
    assert_int_equal(g->packet_count, 2);
    assert_int_equal(g->bucket_stats[0].packet_count, 2);
    assert_int_equal(g->bucket_stats[1].packet_count, 0);
    assert_int_equal(group_table_find(t, 2)->bucket_stats[0].byte_count, 60);

    group_free(group_table_remove(t, 2));
    assert_null(group_table_find(t, 2));
    assert_null(group_table_remove(t, 2));
    group_table_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_goldens),
        cmocka_unit_test(test_round_trip_every_version),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_decode_errors),
        cmocka_unit_test(test_desc_stats_features),
        cmocka_unit_test(test_group_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
