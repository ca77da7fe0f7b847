/* The control commands end to end over a real control socket:
 * ofproto/trace, fdb/show, fdb/flush.  (Flow tables are OpenFlow's:
 * test_ofproto_ofp.c and the system tests.) */
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
    char err[256];
    assert_int_equal(ofproto_add_flow_str(h.ofp, "priority=200,udp,tp_dst=7,"
                                          "actions=drop", err, sizeof err), 0);
    assert_int_equal(ofproto_add_flow_str(h.ofp, "priority=200,udp,tp_dst=8,"
                                          "actions=resubmit(,0)", err,
                                          sizeof err), 0);
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
    struct ofp_flow_spec spec;
    assert_int_equal(ofp_parse_flow("udp", OFP_PARSE_MATCH, &spec, err,
                                    sizeof err), 0);
    assert_int_equal(ofproto_flow_del(h.ofp, &spec, false), 2);
    ofp_flow_spec_free(&spec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trace_and_fdb),
        cmocka_unit_test(test_trace_says_why_dropped),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
