/* The control commands end to end over a real control socket: the ofctl/
 * methods vs-ofctl calls (errors, all-or-nothing add-flows, strict and
 * loose mod/del, dump-flows shape), ofproto/trace, fdb/show, fdb/flush. */
#include "test_ofproto_harness.h"

#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <unistd.h>

#include "lib/unixctl.h"

static struct unixctl_server *server;
static atomic_bool stop;
static char sock_path[64];

static void *serve(void *arg)
{
    (void) arg;
    while (!atomic_load(&stop)) {
        struct pollfd fds[70];
        int n = unixctl_server_pollfds(server, fds, 70);
        poll(fds, (nfds_t) n, 10);
        unixctl_server_run(server);
    }
    return NULL;
}

/* Calls `method` with up to 4 params; returns the result, or the error
 * prefixed "ERROR: " (malloc'd). */
static char *call(const char *method, int argc, const char *a0,
                  const char *a1, const char *a2)
{
    const char *argv[3] = { a0, a1, a2 };
    char *result = NULL, *error = NULL;
    int rc = unixctl_client_call(sock_path, method, argc, argv, 5000,
                                 &result, &error);
    assert_int_equal(rc, 0);
    if (error) {
        char *s;
        assert_true(asprintf(&s, "ERROR: %s", error) > 0);
        free(error);
        free(result);
        return s;
    }
    return result;
}

static void expect(const char *method, int argc, const char *a0,
                   const char *a1, const char *a2, const char *want)
{
    char *got = call(method, argc, a0, a1, a2);
    if (strcmp(got, want)) {
        fail_msg("%s: got\n%s\nwanted\n%s", method, got, want);
    }
    free(got);
}

static void expect_match(const char *text, const char *pattern)
{
    regex_t re;
    assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE), 0);
    int rc = regexec(&re, text, 0, NULL, 0);
    regfree(&re);
    if (rc) {
        fail_msg("no match for /%s/ in:\n%s", pattern, text);
    }
}

static pthread_t thread;
static struct harness h;

static int setup(void **state)
{
    (void) state;
    snprintf(sock_path, sizeof sock_path, "/tmp/test_ofcmd.%d.ctl",
             (int) getpid());
    assert_int_equal(unixctl_server_create(sock_path, &server), 0);
    ofproto_register_commands();
    ofproto_register_commands();          /* idempotent */
    h_init(&h, 3, NULL);
    atomic_store(&stop, false);
    assert_int_equal(pthread_create(&thread, NULL, serve, NULL), 0);
    return 0;
}

static int teardown(void **state)
{
    (void) state;
    atomic_store(&stop, true);
    pthread_join(thread, NULL);
    unixctl_server_destroy(server);
    unlink(sock_path);
    h_destroy(&h);
    return 0;
}

static size_t n_rules(void)
{
    size_t n = 0;
    for (int t = 0; t < OFP_N_TABLES; t++) {
        n += oftable_count(h.ofp->tables[t]);
    }
    return n;
}

static void test_flow_commands(void **state)
{
    (void) state;
    expect("ofctl/add-flow", 2, "br9", "actions=drop", NULL,
           "ERROR: br9 is not a bridge or a socket");
    expect("ofctl/add-flow", 2, "br0", "foo=1,actions=drop", NULL,
           "ERROR: unknown keyword foo");
    assert_int_equal(n_rules(), 1);

    /* add-flows: a bad line 3 adds nothing. */
    expect("ofctl/add-flows", 3, "br0",
           "# comment\npriority=5,ip,actions=drop\n"
           "priority=6,tcp,tp_dst=99999,actions=drop\n", "flows.txt",
           "ERROR: flows.txt:3: 99999: value too large for 2-byte field "
           "tp_dst");
    assert_int_equal(n_rules(), 1);
    expect("ofctl/add-flows", 2, "br0",
           "priority=5,ip,actions=drop\n\ntable=1,priority=6,tcp,tp_dst=99,"
           "cookie=0x7,actions=output:2\n", NULL, "");
    assert_int_equal(n_rules(), 3);

    char *dump = call("ofctl/dump-flows", 1, "br0", NULL, NULL);
    expect_match(dump, "^NXST_FLOW reply \\(xid=0x4\\):$");
    expect_match(dump, "^ cookie=0x0, duration=[0-9]+\\.[0-9]{3}s, table=0, "
                 "n_packets=0, n_bytes=0, idle_age=[0-9]+, priority=0 "
                 "actions=NORMAL$");
    expect_match(dump, "^ cookie=0x0, duration=[0-9.]+s, table=0, "
                 "n_packets=0, n_bytes=0, idle_age=[0-9]+, priority=5,ip "
                 "actions=drop$");
    expect_match(dump, "^ cookie=0x7, duration=[0-9.]+s, table=1, "
                 "n_packets=0, n_bytes=0, idle_age=[0-9]+, "
                 "priority=6,tcp,tp_dst=99 actions=output:2$");
    free(dump);
    dump = call("ofctl/dump-flows", 2, "br0", "table=1", NULL);
    assert_null(strstr(dump, "table=0"));
    assert_non_null(strstr(dump, "tp_dst=99"));
    free(dump);

    /* mod-flows, loose: every ip rule (the tcp one is covered). */
    expect("ofctl/mod-flows", 2, "br0", "ip,actions=output:3", NULL, "");
    dump = call("ofctl/dump-flows", 1, "br0", NULL, NULL);
    expect_match(dump, "priority=5,ip actions=output:3$");
    expect_match(dump, "priority=6,tcp,tp_dst=99 actions=output:3$");
    expect_match(dump, "priority=0 actions=NORMAL$");
    free(dump);

    /* Nothing to modify: added, as OpenFlow 1.0 does. */
    expect("ofctl/mod-flows", 2, "br0", "priority=77,arp,actions=drop", NULL,
           "");
    assert_int_equal(n_rules(), 4);
    /* A goto_table in the actions is no table= in the match. */
    expect("ofctl/mod-flows", 2, "br0", "tcp,actions=goto_table:5", NULL,
           "");
    dump = call("ofctl/dump-flows", 1, "br0", NULL, NULL);
    expect_match(dump, "table=1, .*priority=6,tcp,tp_dst=99 "
                 "actions=goto_table:5$");
    free(dump);

    /* del-flows --strict needs the exact priority. */
    expect("ofctl/del-flows", 3, "br0", "--strict", "ip", "");
    assert_int_equal(n_rules(), 4);
    expect("ofctl/del-flows", 3, "br0", "--strict", "priority=5,ip", "");
    assert_int_equal(n_rules(), 3);
    expect("ofctl/del-flows", 2, "br0", "cookie=0x7/0xff", NULL, "");
    assert_int_equal(n_rules(), 2);
    expect("ofctl/del-flows", 1, "br0", NULL, NULL, "");
    assert_int_equal(n_rules(), 0);
    expect("ofctl/add-flow", 2, "br0", "priority=0,actions=NORMAL", NULL, "");
}

static void test_trace_and_fdb(void **state)
{
    (void) state;
    uint8_t f[128];
    size_t len = udp_frame(f, 2, 1, -1, 0x0a000001, 0x0a000002, 9);
    char pkt[300];
    for (size_t i = 0; i < len; i++) {
        snprintf(pkt + 2 * i, 3, "%02x", f[i]);
    }
    char *t = call("ofproto/trace", 3, "br0", "in_port=1", pkt);
    expect_match(t, "^Flow: udp,in_port=1,vlan_tci=0x0000,"
                 "dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
                 "nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,"
                 "nw_ttl=64,nw_frag=no,tp_src=12345,tp_dst=9$");
    assert_non_null(strstr(t, "\n\nbridge(\"br0\")\n-------------\n"
                           " 0. priority 0\n    NORMAL\n"));
    assert_non_null(strstr(t, "-> no learned MAC for destination, flooding"
                           "\n\nFinal flow: unchanged\n"));
    expect_match(t, "^Megaflow: recirc_id=0,eth,ip,in_port=1,.*"
                 "dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,"
                 "nw_frag=no$");
    char want[64];
    snprintf(want, sizeof want, "Datapath actions: %u,%u\n",
             h.dp_ports[2], h.dp_ports[3]);
    assert_non_null(strstr(t, want));
    free(t);
    /* The trace learned nothing. */
    expect("fdb/show", 1, "br0", NULL, NULL,
           " port  VLAN  MAC                Age\n");

    /* Real traffic learns; the trace then forwards to the port. */
    len = udp_frame(f, 1, 2, -1, 1, 2, 9);
    h_send(&h, 2, f, len);
    t = call("fdb/show", 1, "br0", NULL, NULL);
    expect_match(t, "^    2     0  02:00:00:00:00:02    [0-9]$");
    free(t);
    t = call("ofproto/trace", 2, "br0",
             "in_port=1,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02",
             NULL);
    assert_non_null(strstr(t, "-> forwarding to learned port"));
    snprintf(want, sizeof want, "Datapath actions: %u\n", h.dp_ports[2]);
    assert_non_null(strstr(t, want));
    free(t);
    expect("fdb/flush", 1, "br0", NULL, NULL,
           "table successfully flushed\n");
    expect("fdb/show", 1, "br0", NULL, NULL,
           " port  VLAN  MAC                Age\n");
    expect("fdb/show", 1, "nobr", NULL, NULL, "ERROR: no such bridge");
    t = call("ofproto/trace", 3, "br0", "in_port=1", "zz");
    assert_string_equal(t, "ERROR: Trailing garbage in packet data");
    free(t);
}

static bool ends_with(const char *s, const char *end)
{
    size_t n = strlen(s), m = strlen(end);
    return n >= m && !strcmp(s + n - m, end);
}

/* A trace whose result is a drop says why, in one line after the
 * datapath actions: the counter the datapath counts it under, or OVS's
 * "Translation failed" when the translation was cut short. */
static void test_trace_says_why_dropped(void **state)
{
    (void) state;
    expect("ofctl/add-flow", 2, "br0", "priority=200,udp,tp_dst=7,"
           "actions=drop", NULL, "");
    expect("ofctl/add-flow", 2, "br0", "priority=200,udp,tp_dst=8,"
           "actions=resubmit(,0)", NULL, "");
    char *t = call("ofproto/trace", 2, "br0", "in_port=1,udp,tp_dst=7", NULL);
    assert_true(ends_with(t, "\nDatapath actions: drop\nDrop reason: "
                          "drop_action_of_pipeline\n"));
    free(t);
    t = call("ofproto/trace", 2, "br0", "in_port=1,udp,tp_dst=8", NULL);
    assert_true(ends_with(t, "\nDatapath actions: drop\nTranslation failed "
                          "(Recursion too deep), packet is dropped.\n"));
    free(t);
    t = call("ofproto/trace", 2, "br0", "in_port=1,udp,tp_dst=9", NULL);
    assert_null(strstr(t, "Drop reason"));      /* NORMAL floods it */
    assert_null(strstr(t, "Translation failed"));
    free(t);
    expect("ofctl/del-flows", 2, "br0", "udp", NULL, "");
}

static void test_tables_ports_show(void **state)
{
    (void) state;
    char *t = call("ofctl/dump-tables", 1, "br0", NULL, NULL);
    expect_match(t, "^OFPST_TABLE reply \\(xid=0x2\\):$");
    expect_match(t, "^  table 0:$");
    expect_match(t, "^    active=1, lookup=[0-9]+, matched=[0-9]+$");
    expect_match(t, "^  table 1:\n    active=0, lookup=0, matched=0\n"
                 "    \\(same features\\)$");
    expect_match(t, "^  tables 2...254: ditto$");
    free(t);
    t = call("ofctl/dump-ports", 1, "br0", NULL, NULL);
    expect_match(t, "^OFPST_PORT reply \\(xid=0x2\\): 3 ports$");
    expect_match(t, "^  port  1: rx pkts=[0-9]+, bytes=[0-9]+, drop=0, "
                 "errs=0, frame=0, over=0, crc=0$");
    expect_match(t, "^           tx pkts=[0-9]+, bytes=[0-9]+, drop=0, "
                 "errs=0, coll=0$");
    free(t);
    t = call("ofctl/show", 1, "br0", NULL, NULL);
    expect_match(t, "^OFPT_FEATURES_REPLY \\(xid=0x2\\): dpid:[0-9a-f]{16}$");
    expect_match(t, "^ 2\\(p2\\): addr:");
    expect_match(t, "^OFPT_GET_CONFIG_REPLY \\(xid=0x4\\): frags=normal "
                 "miss_send_len=0$");
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flow_commands),
        cmocka_unit_test(test_trace_and_fdb),
        cmocka_unit_test(test_trace_says_why_dropped),
        cmocka_unit_test(test_tables_ports_show),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
