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

/* The Flow: line is OVS 3.1's flow_format: each expected line below is
 * what Debian's OVS printed for the same frame (ofproto/trace br0
 * in_port=1 HEX; tests/system/test_flow_key_ovs.py compares a whole
 * corpus).  QinQ is keyed under OVS's default vlan-limit of 1. */
static void test_trace_flow_line_as_ovs(void **state)
{
    (void) state;
    static const struct {
        const char *hex, *flow;
    } cases[] = {
        /* NS SLL */
        { "02000000000202000000000186dd6000000000203afffe800000000000000200"
          "00fffe000001ff0200000000000000000001ff0012348700f09a00000000fe80"
          "00000000000000000000000012340101001122334455",
          "Flow: icmp6,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,d"
          "l_dst=02:00:00:00:00:02,ipv6_src=fe80::200:ff:fe00:1,ipv6_dst=ff"
          "02::1:ff00:1234,ipv6_label=0x00000,nw_tos=0,nw_ecn=0,nw_ttl=255,"
          "nw_frag=no,icmp_type=135,icmp_code=0,nd_target=fe80::1234,nd_sll"
          "=00:11:22:33:44:55,nd_tll=00:00:00:00:00:00" },
        /* MPLS three labels */
        { "02000000000202000000000188470001000a0001120000012500450000140001"
          "000040005fdc0a0102030a040506",
          "Flow: mpls,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl"
          "_dst=02:00:00:00:00:02,mpls_label=16,mpls_tc=0,mpls_ttl=10,mpls_"
          "bos=0,mpls_lse1=70144,mpls_lse2=75008" },
        /* QinQ 88a8/8100 IPv4 TCP */
        { "02000000000202000000000188a8400a81008014080045000028000100004006"
          "5fc20a0102030a0405060014005000000000000000005002200074710000",
          "Flow: in_port=1,dl_vlan=10,dl_vlan_pcp=2,vlan_tci1=0x0000,dl_src"
          "=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,dl_type=0x8100" },
        /* IGMPv2 report */
        { "01005e01010202000000000108004600002000010000010228d00a010203ef01"
          "0102940400001614f9e7ef010102",
          "Flow: ip,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_d"
          "st=01:00:5e:01:01:02,nw_src=10.1.2.3,nw_dst=239.1.1.2,nw_proto=2"
          ",nw_tos=0,nw_ecn=0,nw_ttl=1,nw_frag=no,tp_src=22,tp_dst=20" },
        /* IPv4 last fragment UDP */
        { "02000000000202000000000108004500001c000100c840115efb0a0102030a04"
          "05060011001200080000",
          "Flow: udp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_"
          "dst=02:00:00:00:00:02,nw_src=10.1.2.3,nw_dst=10.4.5.6,nw_tos=0,n"
          "w_ecn=0,nw_ttl=64,nw_frag=later" },
        /* IPv6 tc 0xb8 label 0x12345 */
        { "02000000000202000000000186dd6b8123450008114020010db8000000000000"
          "00000000000120010db8000000000000000000020003003500350008a3fc",
          "Flow: udp6,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl"
          "_dst=02:00:00:00:00:02,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2"
          ":3,ipv6_label=0x12345,nw_tos=184,nw_ecn=0,nw_ttl=64,nw_frag=no,t"
          "p_src=53,tp_dst=53" },
        /* IPv4 TCP all flags */
        { "0200000000020200000000010800450000280001000040065fc20a0102030a04"
          "050600140050000000000000000051ff200072740000",
          "Flow: tcp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_"
          "dst=02:00:00:00:00:02,nw_src=10.1.2.3,nw_dst=10.4.5.6,nw_tos=0,n"
          "w_ecn=0,nw_ttl=64,nw_frag=no,tp_src=20,tp_dst=80,tcp_flags=fin|s"
          "yn|rst|psh|ack|urg|ece|cwr|ns" },
        /* IPv4 TCP data offset 4 */
        { "0200000000020200000000010800450000280001000040065fc20a0102030a04"
          "05060014005000000000000000004002200084710000",
          "Flow: tcp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_"
          "dst=02:00:00:00:00:02,nw_src=10.1.2.3,nw_dst=10.4.5.6,nw_tos=0,n"
          "w_ecn=0,nw_ttl=64,nw_frag=no,tp_src=0,tp_dst=0,tcp_flags=0" },
        /* ARP request */
        { "ffffffffffff020000000001080600010800060400010200000000010a010203"
          "0000000000000a040506",
          "Flow: arp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_"
          "dst=ff:ff:ff:ff:ff:ff,arp_spa=10.1.2.3,arp_tpa=10.4.5.6,arp_op=1"
          ",arp_sha=02:00:00:00:00:01,arp_tha=00:00:00:00:00:00" },
        /* 802.1Q vid 100 pcp 5 dei 0 IPv4/TCP */
        { "0200000000020200000000018100a0640800450000280001000040065fc20a01"
          "02030a04050603e80050000000000000000050022000709d0000",
          "Flow: tcp,in_port=1,dl_vlan=100,dl_vlan_pcp=5,vlan_tci1=0x0000,d"
          "l_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.2.3"
          ",nw_dst=10.4.5.6,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=1"
          "000,tp_dst=80,tcp_flags=syn" },
        /* frame of 13 bytes */
        { "02000000000202000000000108",
          "ERROR: Packet data too short for Ethernet" },
        /* NA TLL twice */
        { "02000000000202000000000186dd6000000000283afffe800000000000000200"
          "00fffe000001fe80000000000000020000fffe00000188005048e0000000fe80"
          "0000000000000000000000001234020166778899aabb020166778899aabb",
          "Flow: icmp6,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,d"
          "l_dst=02:00:00:00:00:02,ipv6_src=fe80::200:ff:fe00:1,ipv6_dst=fe"
          "80::200:ff:fe00:1,ipv6_label=0x00000,nw_tos=0,nw_ecn=0,nw_ttl=25"
          "5,nw_frag=no,icmp_type=136,icmp_code=0,nd_target=::,nd_sll=00:00"
          ":00:00:00:00,nd_tll=00:00:00:00:00:00" },
        /* IPv4 TCP syn */
        { "0200000000020200000000010800450000280001000040065fc20a0102030a04"
          "050604d200500000000000000000500220006fb30000",
          "Flow: tcp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_"
          "dst=02:00:00:00:00:02,nw_src=10.1.2.3,nw_dst=10.4.5.6,nw_tos=0,n"
          "w_ecn=0,nw_ttl=64,nw_frag=no,tp_src=1234,tp_dst=80,tcp_flags=syn" },
    };
    flow_key_set_vlan_limit(1);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *t = call("ofproto/trace", 3, "br0", "in_port=1",
                       cases[i].hex);
        const char *nl = strchr(t, '\n');
        size_t n = nl ? (size_t) (nl - t) : strlen(t);
        if (n != strlen(cases[i].flow) || strncmp(t, cases[i].flow, n)) {
            fail_msg("frame %zu: got\n%.*s\nwanted\n%s", i, (int) n, t,
                     cases[i].flow);
        }
        free(t);
    }
    flow_key_set_vlan_limit(0);
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
        cmocka_unit_test(test_trace_flow_line_as_ovs),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
