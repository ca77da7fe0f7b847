/* Unit tests for the pcap port: reading a capture written here, looping,
 * writing what the datapath sends and reading it back, bad files. */
#include <errno.h>
#include <pcap/pcap.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <urcu.h>
#include <cmocka.h>

#include "dp/actions.h"
#include "dp/datapath.h"

struct paths {
    char dir[64];
    char in[96], out[96];
};

static int setup(void **state)
{
    struct paths *p = calloc(1, sizeof *p);
    snprintf(p->dir, sizeof p->dir, "/tmp/test_vport_pcap_XXXXXX");
    assert_non_null(mkdtemp(p->dir));
    snprintf(p->in, sizeof p->in, "%s/in.pcap", p->dir);
    snprintf(p->out, sizeof p->out, "%s/out.pcap", p->dir);
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    struct paths *p = *state;
    unlink(p->in);
    unlink(p->out);
    rmdir(p->dir);
    free(p);
    return 0;
}

/* Frame i: `len` bytes whose content encodes i. */
static void frame(uint8_t *f, uint32_t len, int i)
{
    for (uint32_t k = 0; k < len; k++) {
        f[k] = (uint8_t)(i * 31 + k);
    }
    f[12] = 0x88;                   /* an ethertype no one parses */
    f[13] = 0xb5;
}

static uint32_t frame_len(int i)
{
    return 60 + (i * 37) % 1400;
}

static void write_pcap(const char *path, int n)
{
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
    pcap_dumper_t *d = pcap_dump_open(dead, path);
    assert_non_null(d);
    uint8_t f[2048];
    for (int i = 0; i < n; i++) {
        struct pcap_pkthdr h = { .caplen = frame_len(i), .len = frame_len(i) };
        frame(f, frame_len(i), i);
        pcap_dump((u_char *)d, &h, f);
    }
    pcap_dump_close(d);
    pcap_close(dead);
}

static uint32_t add(struct datapath *dp, const char *name, const char *type,
                    const struct vport_opt *opts, size_t n)
{
    uint32_t no = UINT32_MAX;
    char err[VPORT_ERR_MAX];
    int error = datapath_port_add(dp, name, type, opts, n, &no, err,
                                  sizeof err);
    if (error) {
        fail_msg("%s: %s", name, err);
    }
    return no;
}

/* Reads a pcap port's frames through the datapath into a memory port. */
static void test_read_to_memory(void **state)
{
    struct paths *p = *state;
    const int n = 75;
    write_pcap(p->in, n);
    struct datapath *dp = datapath_create("pcap-rx");
    struct vport_opt rx = { "rx", p->in };
    uint32_t in = add(dp, "pin", "pcap", &rx, 1);
    uint32_t out = add(dp, "mout", "memory", NULL, 0);
    struct flow_key k, m;
    memset(&k, 0, sizeof k);
    memset(&m, 0, sizeof m);
    k.in_port = in;
    m.in_port = UINT32_MAX;
    struct action_buf b;
    action_buf_init(&b);
    action_put_output(&b, out);
    assert_int_equal(datapath_flow_put(dp, &k, &m, b.data, b.len, false), 0);

    int got = 0, r;
    while ((r = datapath_poll_port(dp, in)) > 0) {
        assert_true(r <= PACKET_BATCH_MAX);
        got += r;
    }
    assert_int_equal(got, n);
    assert_int_equal(datapath_poll_port(dp, in), 0);   /* stays at EOF */
    struct vport *mv = datapath_port_get(dp, out);
    uint8_t buf[2048], want[2048];
    for (int i = 0; i < n; i++) {
        assert_int_equal(vport_memory_take(mv, buf, sizeof buf), frame_len(i));
        frame(want, frame_len(i), i);
        assert_memory_equal(buf, want, frame_len(i));
    }
    struct vport_stats st;
    vport_stats_read(datapath_port_get(dp, in), &st);
    assert_int_equal(st.rx_packets, n);
    char cfg[256];
    datapath_port_get(dp, in)->ops->format_config(datapath_port_get(dp, in),
                                                  cfg, sizeof cfg);
    assert_non_null(strstr(cfg, p->in));
    datapath_destroy(dp);
}

static void test_loop(void **state)
{
    struct paths *p = *state;
    write_pcap(p->in, 5);
    struct datapath *dp = datapath_create("pcap-loop");
    struct vport_opt rx[] = { { "rx", p->in }, { "loop", "true" } };
    uint32_t in = add(dp, "pin", "pcap", rx, 2);
    /* No flows: every frame is a miss, counted. */
    for (int i = 0; i < 4; i++) {
        assert_int_equal(datapath_poll_port(dp, in), PACKET_BATCH_MAX);
    }
    struct dp_stats st;
    datapath_get_stats(dp, &st);
    assert_int_equal(st.n_missed, 4 * PACKET_BATCH_MAX);
    datapath_destroy(dp);
}

/* What the datapath sends to a pcap port is in the file, byte for byte. */
static void test_write_read_back(void **state)
{
    struct paths *p = *state;
    struct datapath *dp = datapath_create("pcap-tx");
    uint32_t in = add(dp, "min", "memory", NULL, 0);
    struct vport_opt tx = { "tx", p->out };
    uint32_t out = add(dp, "pout", "pcap", &tx, 1);
    struct flow_key k, m;
    memset(&k, 0, sizeof k);
    memset(&m, 0, sizeof m);
    k.in_port = in;
    m.in_port = UINT32_MAX;
    struct action_buf b;
    action_buf_init(&b);
    action_put_output(&b, out);
    assert_int_equal(datapath_flow_put(dp, &k, &m, b.data, b.len, false), 0);
    const int n = 40;
    uint8_t f[2048];
    for (int i = 0; i < n; i++) {
        frame(f, frame_len(i), i);
        assert_int_equal(vport_memory_inject(datapath_port_get(dp, in), f,
                                             frame_len(i)), 0);
    }
    while (datapath_poll_port(dp, in) > 0) {
    }
    struct vport_stats st;
    vport_stats_read(datapath_port_get(dp, out), &st);
    assert_int_equal(st.tx_packets, n);

    /* Flushed at the end of each batch: readable before the port closes. */
    char errbuf[PCAP_ERRBUF_SIZE];
    pcap_t *r = pcap_open_offline(p->out, errbuf);
    assert_non_null(r);
    struct pcap_pkthdr *h;
    const u_char *data;
    int i = 0;
    while (pcap_next_ex(r, &h, &data) == 1) {
        assert_int_equal(h->caplen, frame_len(i));
        assert_int_equal(h->len, frame_len(i));
        frame(f, frame_len(i), i);
        assert_memory_equal(data, f, frame_len(i));
        i++;
    }
    assert_int_equal(i, n);
    pcap_close(r);
    datapath_destroy(dp);
}

static void test_bad_files(void **state)
{
    struct paths *p = *state;
    struct datapath *dp = datapath_create("pcap-bad");
    char err[VPORT_ERR_MAX] = "";
    uint32_t no = UINT32_MAX;
    struct vport_opt missing = { "rx", "/nonexistent/none.pcap" };
    assert_true(datapath_port_add(dp, "p1", "pcap", &missing, 1, &no, err,
                                  sizeof err) < 0);
    assert_non_null(strstr(err, "/nonexistent/none.pcap"));

    FILE *f = fopen(p->in, "w");       /* not a capture */
    fputs("hello, this is not a pcap file at all\n", f);
    fclose(f);
    struct vport_opt junk = { "rx", p->in };
    err[0] = '\0';
    assert_true(datapath_port_add(dp, "p2", "pcap", &junk, 1, &no, err,
                                  sizeof err) < 0);
    assert_non_null(strstr(err, p->in));

    struct vport_opt nodir = { "tx", "/nonexistent/dir/out.pcap" };
    err[0] = '\0';
    assert_true(datapath_port_add(dp, "p3", "pcap", &nodir, 1, &no, err,
                                  sizeof err) < 0);
    assert_non_null(strstr(err, "/nonexistent/dir/out.pcap"));

    struct vport_opt badloop[] = { { "loop", "maybe" } };
    assert_int_equal(datapath_port_add(dp, "p4", "pcap", badloop, 1, &no, err,
                                       sizeof err), -EINVAL);
    assert_null(datapath_port_by_name(dp, "p1"));
    datapath_destroy(dp);
}

/* A capture whose frames claim more bytes than a packet can hold. */
static void test_truncated_capture(void **state)
{
    struct paths *p = *state;
    write_pcap(p->in, 3);
    /* Cut the file in the middle of the last record. */
    FILE *f = fopen(p->in, "r+");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    assert_int_equal(truncate(p->in, size - 20), 0);
    struct datapath *dp = datapath_create("pcap-cut");
    struct vport_opt rx = { "rx", p->in };
    uint32_t in = add(dp, "pin", "pcap", &rx, 1);
    assert_int_equal(datapath_poll_port(dp, in), 2);
    assert_int_equal(datapath_poll_port(dp, in), 0);
    datapath_destroy(dp);
}

int main(void)
{
    rcu_register_thread();
    /* Referencing the ops links the type in; the registry has already
     * picked it up through its weak reference. */
    if (vport_register(&vport_pcap_ops) != -EEXIST
        || vport_ops_lookup("pcap") != &vport_pcap_ops) {
        fprintf(stderr, "pcap port type not registered\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_to_memory, setup, teardown),
        cmocka_unit_test_setup_teardown(test_loop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_read_back, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated_capture, setup,
                                        teardown),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    rcu_unregister_thread();
    return failed;
}
