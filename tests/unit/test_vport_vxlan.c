/* Unit tests for the vxlan port: options, encapsulation and decapsulation
 * over loopback sockets, header checks, demultiplexing of a shared socket,
 * remote_ip=flow / key=flow, and software segmentation of TCP super-frames.
 * Ports are driven through their ops directly; the datapath is only a key
 * for the socket registry here. */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <linux/virtio_net.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <urcu.h>
#include <cmocka.h>

#include "dp/actions.h"
#include "dp/datapath.h"
#include "dp/net_headers.h"
#include "dp/vport/vport.h"
#include "dp/vport/vxlan/vxlan.h"
#include "dp/vport/vxlan/config.h"
#include "dp/vport/vxlan/tso.h"

/* Stands in for a datapath: the sockets are keyed by its address. */
static int fake_dp_a, fake_dp_b;

/* UDP ports for this run, away from other tests running in parallel. */
static uint16_t base_port;

struct test_port {
    struct vport vp;
};

static int port_open(struct vport *vp, const char *name, uint32_t port_no,
                     void *dp, const struct vport_opt *opts, size_t n,
                     char *err)
{
    memset(vp, 0, sizeof *vp);
    snprintf(vp->name, sizeof vp->name, "%s", name);
    vp->port_no = port_no;
    vp->dp = dp;
    vp->ops = &vport_vxlan_ops;
    return vp->ops->create(vp, opts, n, err, VPORT_ERR_MAX);
}

static void port_close(struct vport *vp)
{
    vp->ops->destroy(vp);
}

static char port_str[10][8];

static const char *port_s(int i)
{
    snprintf(port_str[i], sizeof port_str[i], "%u", base_port + i);
    return port_str[i];
}

/* A minimal Ethernet/IPv4/UDP frame of `len` bytes with IP tos `tos`. */
static uint32_t make_frame(uint8_t *f, uint32_t len, uint8_t tos, uint8_t fill)
{
    memset(f, fill, len);
    memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
    uint8_t *ip = f + 14;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[1] = tos;
    ip[2] = (uint8_t)((len - 14) >> 8);
    ip[3] = (uint8_t)(len - 14);
    ip[8] = 33;
    ip[9] = 17;
    memcpy(ip + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
    return len;
}

static void send_frame(struct vport *vp, const uint8_t *frame, uint32_t len,
                       const struct flow_tnl *tnl)
{
    static uint8_t buf[PACKET_HEADROOM + 2048];
    struct dp_packet p;
    dp_packet_init(&p, buf, sizeof buf, PACKET_HEADROOM);
    assert_true(dp_packet_set_data(&p, frame, len));
    if (tnl) {
        p.md.tunnel = *tnl;
    }
    assert_int_equal(vp->ops->send(vp, &p), 0);
    vp->ops->flush(vp);
}

/* Receives on `vp` into `b`, waiting up to a second for the first packet;
 * returns how many came. */
static int recv_wait(struct vport *vp, struct dp_packet_batch *b, int want)
{
    dp_packet_batch_init(b);
    for (int tries = 0; tries < 100 && (int)b->count < want; tries++) {
        struct pollfd pfd = { .fd = vp->ops->get_fd(vp), .events = POLLIN };
        poll(&pfd, 1, 10);
        int n = vp->ops->recv(vp, b);
        assert_true(n >= 0);
    }
    return (int)b->count;
}

/* Nothing arrives on `vp` within 100 ms (whatever arrives is counted by
 * the port as a drop or error). */
static int recv_quiet(struct vport *vp)
{
    struct dp_packet_batch b;
    dp_packet_batch_init(&b);
    for (int tries = 0; tries < 10; tries++) {
        struct pollfd pfd = { .fd = vp->ops->get_fd(vp), .events = POLLIN };
        poll(&pfd, 1, 10);
        vp->ops->recv(vp, &b);
    }
    return (int)b.count;
}

static uint32_t ip4(const char *s)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, s, &a), 1);
    return a.s_addr;
}

/* ----------------------------------------------------------- options */

static void test_config_defaults_and_format(void **state)
{
    (void)state;
    struct vxlan_config cfg;
    char err[VPORT_ERR_MAX], buf[256];
    struct vport_opt o1[] = { { "remote_ip", "10.1.2.3" } };
    assert_int_equal(vxlan_config_parse("vx", o1, 1, &cfg, err, sizeof err),
                     0);
    assert_int_equal(cfg.remote, ip4("10.1.2.3"));
    assert_int_equal(cfg.dst_port, 4789);
    assert_int_equal(cfg.ttl, 64);
    assert_int_equal(cfg.vni, 0);
    assert_false(cfg.key_flow || cfg.remote_flow);
    vxlan_config_format(&cfg, buf, sizeof buf);
    assert_string_equal(buf, "remote_ip=10.1.2.3");

    struct vport_opt o2[] = {
        { "remote_ip", "flow" }, { "key", "flow" }, { "dst_port", "4790" },
        { "tos", "inherit" }, { "ttl", "inherit" }, { "local_ip", "1.2.3.4" },
    };
    assert_int_equal(vxlan_config_parse("vx", o2, 6, &cfg, err, sizeof err),
                     0);
    assert_true(cfg.remote_flow && cfg.key_flow && cfg.tos_inherit
                && cfg.ttl_inherit);
    vxlan_config_format(&cfg, buf, sizeof buf);
    assert_string_equal(buf, "remote_ip=flow, local_ip=1.2.3.4, key=flow, "
                        "dst_port=4790, tos=inherit, ttl=inherit");

    struct vport_opt o3[] = { { "remote_ip", "10.0.0.1" }, { "key", "0x10" },
                              { "ttl", "5" }, { "tos", "32" } };
    assert_int_equal(vxlan_config_parse("vx", o3, 4, &cfg, err, sizeof err),
                     0);
    vxlan_config_format(&cfg, buf, sizeof buf);
    assert_string_equal(buf, "remote_ip=10.0.0.1, key=16, tos=32, ttl=5");
    assert_int_equal(cfg.mtu, 9000);

    struct vport_opt o4[] = { { "remote_ip", "10.0.0.1" }, { "mtu", "1400" } };
    assert_int_equal(vxlan_config_parse("vx", o4, 2, &cfg, err, sizeof err),
                     0);
    assert_int_equal(cfg.mtu, 1400);
    vxlan_config_format(&cfg, buf, sizeof buf);
    assert_string_equal(buf, "remote_ip=10.0.0.1, mtu=1400");

    /* A repeated option replaces the earlier one, "flow" and "inherit"
     * included (found by fuzz_vxlan_config: "key=flow" then "key=0x10"
     * printed key=flow but meant both). */
    struct vport_opt o5[] = {
        { "remote_ip", "flow" }, { "key", "flow" }, { "tos", "inherit" },
        { "ttl", "inherit" }, { "remote_ip", "10.0.0.9" }, { "key", "0x10" },
        { "tos", "8" }, { "ttl", "9" },
    };
    assert_int_equal(vxlan_config_parse("vx", o5, 8, &cfg, err, sizeof err),
                     0);
    assert_false(cfg.remote_flow || cfg.key_flow || cfg.tos_inherit
                 || cfg.ttl_inherit);
    vxlan_config_format(&cfg, buf, sizeof buf);
    assert_string_equal(buf, "remote_ip=10.0.0.9, key=16, tos=8, ttl=9");
    struct vport_opt o6[] = { { "remote_ip", "10.0.0.9" },
                              { "remote_ip", "flow" }, { "key", "7" },
                              { "key", "flow" } };
    assert_int_equal(vxlan_config_parse("vx", o6, 4, &cfg, err, sizeof err),
                     0);
    vxlan_config_format(&cfg, buf, sizeof buf);
    assert_string_equal(buf, "remote_ip=flow, key=flow");
    assert_int_equal(cfg.remote, 0);
    assert_int_equal(cfg.vni, 0);
}

static void expect_refused(const struct vport_opt *opts, size_t n,
                           const char *needle)
{
    struct vxlan_config cfg;
    char err[VPORT_ERR_MAX] = "";
    assert_int_equal(vxlan_config_parse("vx0", opts, n, &cfg, err, sizeof err),
                     -EINVAL);
    if (!strstr(err, needle)) {
        fail_msg("error \"%s\" lacks \"%s\"", err, needle);
    }
}

static void test_config_refusals(void **state)
{
    (void)state;
    struct vport_opt none[] = { { "key", "5" } };
    expect_refused(none, 1, "requires 'remote_ip'");
    struct vport_opt bad_ip[] = { { "remote_ip", "10.0.0" } };
    expect_refused(bad_ip, 1, "bad remote_ip");
    struct vport_opt v6[] = { { "remote_ip", "fe80::1" } };
    expect_refused(v6, 1, "bad remote_ip");
    struct vport_opt big_key[] = { { "remote_ip", "1.1.1.1" },
                                   { "key", "16777216" } };
    expect_refused(big_key, 2, "bad key");
    struct vport_opt neg_key[] = { { "remote_ip", "1.1.1.1" },
                                   { "key", "-1" } };
    expect_refused(neg_key, 2, "bad key");
    struct vport_opt port0[] = { { "remote_ip", "1.1.1.1" },
                                 { "dst_port", "0" } };
    expect_refused(port0, 2, "bad dst_port");
    struct vport_opt ttl0[] = { { "remote_ip", "1.1.1.1" }, { "ttl", "0" } };
    expect_refused(ttl0, 2, "bad ttl");
    struct vport_opt tos[] = { { "remote_ip", "1.1.1.1" }, { "tos", "256" } };
    expect_refused(tos, 2, "bad tos");
    struct vport_opt unknown[] = { { "remote_ip", "1.1.1.1" },
                                   { "colour", "red" } };
    expect_refused(unknown, 2, "unknown vxlan argument 'colour'");
    struct vport_opt mtu_small[] = { { "remote_ip", "1.1.1.1" },
                                     { "mtu", "67" } };
    expect_refused(mtu_small, 2, "bad mtu '67' (68..65000)");
    struct vport_opt mtu_big[] = { { "remote_ip", "1.1.1.1" },
                                   { "mtu", "65001" } };
    expect_refused(mtu_big, 2, "bad mtu");
}

/* ------------------------------------------------------ encap / decap */

static void test_encap_decap_loopback(void **state)
{
    (void)state;
    char err[VPORT_ERR_MAX];
    struct vport a, b;
    struct vport_opt oa[] = { { "remote_ip", "127.0.0.2" },
                              { "local_ip", "127.0.0.1" }, { "key", "5000" },
                              { "dst_port", port_s(0) } };
    struct vport_opt ob[] = { { "remote_ip", "127.0.0.1" },
                              { "local_ip", "127.0.0.2" }, { "key", "5000" },
                              { "dst_port", port_s(0) } };
    assert_int_equal(port_open(&a, "vxa", 1, &fake_dp_a, oa, 4, err), 0);
    assert_int_equal(port_open(&b, "vxb", 2, &fake_dp_a, ob, 4, err), 0);

    uint8_t frame[200];
    make_frame(frame, sizeof frame, 0, 0x5a);
    send_frame(&a, frame, sizeof frame, NULL);

    struct dp_packet_batch batch;
    assert_int_equal(recv_wait(&b, &batch, 1), 1);
    const struct dp_packet *p = batch.pkts[0];
    assert_int_equal(p->len, sizeof frame);
    assert_memory_equal(dp_packet_data(p), frame, sizeof frame);
    assert_true(dp_packet_headroom(p) >= PACKET_HEADROOM);
    assert_int_equal(p->md.in_port, 2);
    assert_true(p->md.tunnel.tun_id == htobe64(5000));
    assert_int_equal(p->md.tunnel.ip_src, ip4("127.0.0.1"));
    assert_int_equal(p->md.tunnel.ip_dst, ip4("127.0.0.2"));
    assert_int_equal(p->md.tunnel.flags, FLOW_TNL_F_KEY);
    assert_int_equal(p->md.tunnel.tp_dst, htons(base_port));
    assert_int_equal(p->md.tunnel.tp_src, htons(base_port));
    assert_int_equal(p->md.tunnel.ip_ttl, 64);
    assert_int_equal(p->md.tunnel.ip_tos, 0);

    struct vport_stats sa, sb;
    vport_stats_read(&a, &sa);
    vport_stats_read(&b, &sb);
    assert_int_equal(sa.tx_packets, 1);
    assert_int_equal(sa.tx_bytes, sizeof frame);
    assert_int_equal(sb.rx_packets, 1);
    assert_int_equal(sb.rx_bytes, sizeof frame);

    /* And back the other way. */
    send_frame(&b, frame, 60, NULL);
    assert_int_equal(recv_wait(&a, &batch, 1), 1);
    assert_int_equal(batch.pkts[0]->len, 60);
    assert_int_equal(batch.pkts[0]->md.in_port, 1);
    port_close(&a);
    port_close(&b);
}

/* Two ports on different dst_ports have separate sockets: each one hears
 * only what is sent to its own port. */
static void test_different_dst_ports(void **state)
{
    (void)state;
    char err[VPORT_ERR_MAX];
    struct vport x, y;
    struct vport_opt ox[] = { { "remote_ip", "127.0.0.1" },
                              { "local_ip", "127.0.0.1" },
                              { "dst_port", port_s(1) }, { "key", "1" } };
    struct vport_opt oy[] = { { "remote_ip", "127.0.0.1" },
                              { "local_ip", "127.0.0.1" },
                              { "dst_port", port_s(2) }, { "key", "1" } };
    assert_int_equal(port_open(&x, "vxx", 3, &fake_dp_a, ox, 4, err), 0);
    assert_int_equal(port_open(&y, "vxy", 4, &fake_dp_a, oy, 4, err), 0);
    assert_int_not_equal(x.ops->get_fd(&x), y.ops->get_fd(&y));

    uint8_t frame[64];
    make_frame(frame, sizeof frame, 0, 1);
    send_frame(&x, frame, sizeof frame, NULL);
    struct dp_packet_batch batch;
    assert_int_equal(recv_wait(&x, &batch, 1), 1);
    assert_int_equal(batch.pkts[0]->md.in_port, 3);
    assert_int_equal(batch.pkts[0]->md.tunnel.tp_dst, htons(base_port + 1));
    assert_int_equal(recv_quiet(&y), 0);

    send_frame(&y, frame, sizeof frame, NULL);
    assert_int_equal(recv_wait(&y, &batch, 1), 1);
    assert_int_equal(batch.pkts[0]->md.in_port, 4);
    assert_int_equal(batch.pkts[0]->md.tunnel.tp_dst, htons(base_port + 2));
    assert_int_equal(recv_quiet(&x), 0);

    /* A port of another datapath cannot take a bound (address, port). */
    struct vport z;
    assert_int_equal(port_open(&z, "vxz", 5, &fake_dp_b, ox, 4, err),
                     -EADDRINUSE);
    assert_non_null(strstr(err, "cannot bind"));
    port_close(&x);
    port_close(&y);
}

/* ------------------------------------------------------- header checks */

/* Sends raw VXLAN datagrams from 127.0.0.1 (or `src`) to `port`. */
static void raw_send(const char *src, uint16_t port, const uint8_t *hdr,
                     const uint8_t *frame, uint32_t frame_len)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in me = { .sin_family = AF_INET,
                              .sin_addr.s_addr = ip4(src) };
    assert_int_equal(bind(fd, (struct sockaddr *)&me, sizeof me), 0);
    struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(port),
                              .sin_addr.s_addr = ip4("127.0.0.2") };
    static uint8_t buf[8 + 65536];
    assert_true(frame_len <= sizeof buf - 8);
    memcpy(buf, hdr, 8);
    memcpy(buf + 8, frame, frame_len);
    assert_int_equal(sendto(fd, buf, 8 + frame_len, 0, (struct sockaddr *)&to,
                            sizeof to), (ssize_t)(8 + frame_len));
    close(fd);
}

static void test_header_checks_and_wrong_vni(void **state)
{
    (void)state;
    char err[VPORT_ERR_MAX];
    struct vport b;
    struct vport_opt ob[] = { { "remote_ip", "127.0.0.1" },
                              { "local_ip", "127.0.0.2" }, { "key", "7" },
                              { "dst_port", port_s(3) } };
    assert_int_equal(port_open(&b, "vxb", 9, &fake_dp_a, ob, 4, err), 0);
    uint16_t port = base_port + 3;
    uint8_t frame[64];
    make_frame(frame, sizeof frame, 0, 2);

    static const uint8_t good[8] = { 0x08, 0, 0, 0, 0, 0, 7, 0 };
    static const uint8_t no_i[8] = { 0x00, 0, 0, 0, 0, 0, 7, 0 };
    static const uint8_t extra_flag[8] = { 0x0c, 0, 0, 0, 0, 0, 7, 0 };
    static const uint8_t rsvd1[8] = { 0x08, 0, 1, 0, 0, 0, 7, 0 };
    static const uint8_t rsvd2[8] = { 0x08, 0, 0, 0, 0, 0, 7, 0x80 };
    static const uint8_t vni8[8] = { 0x08, 0, 0, 0, 0, 0, 8, 0 };
    raw_send("127.0.0.1", port, no_i, frame, sizeof frame);
    raw_send("127.0.0.1", port, extra_flag, frame, sizeof frame);
    raw_send("127.0.0.1", port, rsvd1, frame, sizeof frame);
    raw_send("127.0.0.1", port, rsvd2, frame, sizeof frame);
    raw_send("127.0.0.1", port, good, frame, 10);      /* inner too short */
    assert_int_equal(recv_quiet(&b), 0);
    struct vport_stats st;
    vport_stats_read(&b, &st);
    assert_int_equal(st.rx_errors, 5);
    assert_int_equal(st.rx_dropped, 0);
    assert_int_equal(st.rx_packets, 0);

    raw_send("127.0.0.1", port, vni8, frame, sizeof frame);   /* wrong VNI */
    raw_send("127.0.0.3", port, good, frame, sizeof frame);   /* stranger */
    assert_int_equal(recv_quiet(&b), 0);
    vport_stats_read(&b, &st);
    assert_int_equal(st.rx_errors, 5);
    assert_int_equal(st.rx_dropped, 2);
    struct vxlan_sock_stats ss;
    assert_int_equal(vport_vxlan_sock_stats(&b, &ss), 0);
    assert_int_equal(ss.n_malformed, 5);
    assert_int_equal(ss.n_unmatched, 2);

    /* The good one still passes. */
    raw_send("127.0.0.1", port, good, frame, sizeof frame);
    struct dp_packet_batch batch;
    assert_int_equal(recv_wait(&b, &batch, 1), 1);
    assert_memory_equal(dp_packet_data(batch.pkts[0]), frame, sizeof frame);
    vport_stats_read(&b, &st);
    assert_int_equal(st.rx_packets, 1);
    port_close(&b);
}

/* Sends `n` inner frames of `len` bytes to `port` (VNI 7) and receives on
 * `vp`; returns how many came through. */
static int inner_len_passes(struct vport *vp, uint16_t port, uint32_t len)
{
    static const uint8_t good[8] = { 0x08, 0, 0, 0, 0, 0, 7, 0 };
    static uint8_t frame[65536];
    make_frame(frame, len, 0, 3);
    raw_send("127.0.0.1", port, good, frame, len);
    struct dp_packet_batch batch;
    int n = recv_wait(vp, &batch, 1);
    if (n) {
        assert_int_equal(batch.pkts[0]->len, len);
    }
    return n;
}

static uint64_t too_big_drops(const struct vport *vp)
{
    struct dp_drop_stats d;
    vport_drops_read(vp, &d);
    return d.n[DP_DROP_TOO_BIG];
}

/* A datagram carrying an inner frame longer than the port's MTU (the
 * kernel reassembles up to 64 KB) is dropped at decap and counted as too
 * big; frames up to MTU + Ethernet + two tags pass, jumbo (9000) by
 * default. */
static void test_inner_frame_bounded_by_mtu(void **state)
{
    (void)state;
    char err[VPORT_ERR_MAX];
    struct vport b;
    struct vport_opt ob[] = { { "remote_ip", "127.0.0.1" },
                              { "local_ip", "127.0.0.2" }, { "key", "7" },
                              { "dst_port", port_s(9) } };
    assert_int_equal(port_open(&b, "vxm", 9, &fake_dp_a, ob, 4, err), 0);
    uint16_t port = base_port + 9;
    assert_int_equal(inner_len_passes(&b, port, 1514), 1);
    assert_int_equal(inner_len_passes(&b, port, 9000 + 14), 1);
    assert_int_equal(inner_len_passes(&b, port, 9000 + 22), 1);
    assert_int_equal(too_big_drops(&b), 0);
    assert_int_equal(inner_len_passes(&b, port, 9000 + 23), 0);
    assert_int_equal(inner_len_passes(&b, port, 60000), 0);
    assert_int_equal(too_big_drops(&b), 2);
    struct vport_stats st;
    vport_stats_read(&b, &st);
    assert_int_equal(st.rx_dropped, 2);
    assert_int_equal(st.rx_packets, 3);
    port_close(&b);

    /* mtu=1500: a 1500-byte packet in a tagged frame passes, more not. */
    struct vport_opt oc[] = { { "remote_ip", "127.0.0.1" },
                              { "local_ip", "127.0.0.2" }, { "key", "7" },
                              { "dst_port", port_s(9) }, { "mtu", "1500" } };
    assert_int_equal(port_open(&b, "vxm", 9, &fake_dp_a, oc, 5, err), 0);
    assert_int_equal(inner_len_passes(&b, port, 1522), 1);
    assert_int_equal(inner_len_passes(&b, port, 1523), 0);
    assert_int_equal(inner_len_passes(&b, port, 9014), 0);
    assert_int_equal(too_big_drops(&b), 2);
    port_close(&b);
}

/* --------------------------------------------------- shared socket */

/* Adds a port to `dp`; returns its number. */
static uint32_t dp_add(struct datapath *dp, const char *name, const char *type,
                       const struct vport_opt *opts, size_t n)
{
    char err[VPORT_ERR_MAX] = "";
    uint32_t no = UINT32_MAX;
    int error = datapath_port_add(dp, name, type, opts, n, &no, err,
                                  sizeof err);
    if (error) {
        fail_msg("adding %s: %d %s", name, error, err);
    }
    return no;
}

/* A flow matching only in_port, with actions `acts`. */
static void flow_in_port(struct datapath *dp, uint32_t in_port,
                         const struct action_buf *acts)
{
    struct flow_key key, mask;
    memset(&key, 0, sizeof key);
    memset(&mask, 0, sizeof mask);
    key.in_port = in_port;
    mask.in_port = UINT32_MAX;
    assert_int_equal(datapath_flow_put(dp, &key, &mask, acts->data, acts->len,
                                       false), 0);
}

static void flow_in_out(struct datapath *dp, uint32_t in_port, uint32_t out)
{
    static struct action_buf acts;
    action_buf_init(&acts);
    action_put_output(&acts, out);
    flow_in_port(dp, in_port, &acts);
}

static uint64_t rx_packets(struct datapath *dp, uint32_t no)
{
    struct vport_stats st;
    vport_stats_read(datapath_port_get(dp, no), &st);
    return st.rx_packets;
}

/* Ports sharing one socket: whichever port reads it, each packet enters
 * the datapath on the port it belongs to. */
static void test_shared_socket_demux(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("vxt");
    assert_non_null(dp);
    struct vport_opt o5[] = { { "remote_ip", "127.0.0.1" },
                              { "local_ip", "127.0.0.2" }, { "key", "5" },
                              { "dst_port", port_s(4) } };
    struct vport_opt o6[] = { { "remote_ip", "127.0.0.1" },
                              { "local_ip", "127.0.0.2" }, { "key", "6" },
                              { "dst_port", port_s(4) } };
    struct vport_opt of[] = { { "remote_ip", "flow" },
                              { "local_ip", "127.0.0.2" }, { "key", "5" },
                              { "dst_port", port_s(4) } };
    uint32_t m5 = dp_add(dp, "m5", "memory", NULL, 0);
    uint32_t m6 = dp_add(dp, "m6", "memory", NULL, 0);
    uint32_t mf = dp_add(dp, "mf", "memory", NULL, 0);
    uint32_t v5 = dp_add(dp, "vx5", "vxlan", o5, 4);
    uint32_t v6 = dp_add(dp, "vx6", "vxlan", o6, 4);
    uint32_t vf = dp_add(dp, "vxf", "vxlan", of, 4);
    struct vport *p5 = datapath_port_get(dp, v5);
    struct vport *p6 = datapath_port_get(dp, v6);
    assert_int_equal(p5->ops->get_fd(p5), p6->ops->get_fd(p6));

    /* Same remote, key and dst_port as vx6: refused. */
    char err[VPORT_ERR_MAX] = "";
    uint32_t no = UINT32_MAX;
    assert_int_equal(datapath_port_add(dp, "vxd", "vxlan", o6, 4, &no, err,
                                       sizeof err), -EEXIST);
    assert_non_null(strstr(err, "vx6"));

    flow_in_out(dp, v5, m5);
    flow_in_out(dp, v6, m6);
    flow_in_out(dp, vf, mf);

    uint16_t port = base_port + 4;
    uint8_t frame[64];
    make_frame(frame, sizeof frame, 0, 3);
    static const uint8_t h5[8] = { 0x08, 0, 0, 0, 0, 0, 5, 0 };
    static const uint8_t h6[8] = { 0x08, 0, 0, 0, 0, 0, 6, 0 };
    raw_send("127.0.0.1", port, h5, frame, sizeof frame);
    raw_send("127.0.0.1", port, h6, frame, sizeof frame);
    raw_send("127.0.0.3", port, h5, frame, sizeof frame);   /* flow remote */
    raw_send("127.0.0.3", port, h6, frame, sizeof frame);   /* no port */

    /* Poll vx6 only. */
    struct vport *pm5 = datapath_port_get(dp, m5);
    struct vport *pm6 = datapath_port_get(dp, m6);
    struct vport *pmf = datapath_port_get(dp, mf);
    for (int i = 0; i < 100; i++) {
        if (vport_memory_tx_count(pm5) && vport_memory_tx_count(pm6)
            && vport_memory_tx_count(pmf)) {
            break;
        }
        struct pollfd pfd = { .fd = p6->ops->get_fd(p6), .events = POLLIN };
        poll(&pfd, 1, 10);
        assert_true(datapath_poll_port(dp, v6) >= 0);
    }
    uint8_t out[256];
    assert_int_equal(vport_memory_take(pm5, out, sizeof out), sizeof frame);
    assert_memory_equal(out, frame, sizeof frame);
    assert_int_equal(vport_memory_take(pm6, out, sizeof out), sizeof frame);
    assert_int_equal(vport_memory_take(pmf, out, sizeof out), sizeof frame);
    assert_int_equal(rx_packets(dp, v5), 1);
    assert_int_equal(rx_packets(dp, v6), 1);
    assert_int_equal(rx_packets(dp, vf), 1);
    struct vxlan_sock_stats ss;
    assert_int_equal(vport_vxlan_sock_stats(p6, &ss), 0);
    assert_int_equal(ss.n_unmatched, 1);

    /* Removing ports keeps the socket for the rest. */
    assert_int_equal(datapath_port_del(dp, v5), 0);
    assert_int_equal(datapath_port_del(dp, vf), 0);
    raw_send("127.0.0.1", port, h6, frame, sizeof frame);
    for (int i = 0; i < 100 && !vport_memory_tx_count(pm6); i++) {
        struct pollfd pfd = { .fd = p6->ops->get_fd(p6), .events = POLLIN };
        poll(&pfd, 1, 10);
        datapath_poll_port(dp, v6);
    }
    assert_int_equal(vport_memory_tx_count(pm6), 1);
    datapath_destroy(dp);
}

/* set_tunnel before an output to a remote_ip=flow/key=flow port: the
 * receiving port's upcall carries the VNI and addresses in its key. */
struct upcall_seen {
    int n;
    struct flow_key key;
};

static void on_upcall(const struct upcall *u, void *aux)
{
    struct upcall_seen *seen = aux;
    seen->n++;
    seen->key = u->key;
}

/* What recv set on one packet, copied out before the next recv reuses the
 * buffers. */
struct rx_seen {
    uint32_t in_port;
    uint8_t depth;
    struct flow_tnl tunnel;
    uint32_t len;
};

/* Calls `vp`'s recv op (fresh batch each time) until `want` packets came
 * or a second passed; returns how many. */
static int recv_collect(struct vport *vp, struct rx_seen *seen, int want)
{
    int n = 0;
    for (int tries = 0; tries < 100 && n < want; tries++) {
        struct pollfd pfd = { .fd = vp->ops->get_fd(vp), .events = POLLIN };
        poll(&pfd, 1, 10);
        struct dp_packet_batch b;
        dp_packet_batch_init(&b);
        int got = vp->ops->recv(vp, &b);
        assert_int_equal(got, (int)b.count);
        for (uint32_t i = 0; i < b.count && n < want; i++, n++) {
            seen[n] = (struct rx_seen) { .in_port = b.pkts[i]->md.in_port,
                                         .depth = b.pkts[i]->md.depth,
                                         .tunnel = b.pkts[i]->md.tunnel,
                                         .len = b.pkts[i]->len };
        }
    }
    return n;
}

static const struct rx_seen *seen_on(const struct rx_seen *seen, int n,
                                     uint32_t in_port)
{
    for (int i = 0; i < n; i++) {
        if (seen[i].in_port == in_port) {
            return &seen[i];
        }
    }
    fail_msg("no packet with in_port %u", in_port);
    return NULL;
}

/* The receive contract: a datagram read by another port's recv comes back
 * in that recv's batch with its own port's in_port and tunnel metadata,
 * is counted on its own port, and is not run through the datapath inside
 * recv; datapath_poll_port then processes it as its own port's. */
static void test_other_port_in_batch(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("vxt3");
    assert_non_null(dp);
    struct vport_opt o5[] = { { "remote_ip", "127.0.0.1" },
                              { "local_ip", "127.0.0.2" }, { "key", "5" },
                              { "dst_port", port_s(8) } };
    struct vport_opt o6[] = { { "remote_ip", "127.0.0.1" },
                              { "local_ip", "127.0.0.2" }, { "key", "6" },
                              { "dst_port", port_s(8) } };
    uint32_t m5 = dp_add(dp, "m5", "memory", NULL, 0);
    uint32_t v5 = dp_add(dp, "vx5", "vxlan", o5, 4);
    uint32_t v6 = dp_add(dp, "vx6", "vxlan", o6, 4);
    flow_in_out(dp, v5, m5);
    struct vport *p5 = datapath_port_get(dp, v5);
    struct vport *p6 = datapath_port_get(dp, v6);
    struct vport *pm5 = datapath_port_get(dp, m5);
    uint16_t port = base_port + 8;
    uint8_t frame[64];
    make_frame(frame, sizeof frame, 0, 4);
    static const uint8_t h5[8] = { 0x08, 0, 0, 0, 0, 0, 5, 0 };
    static const uint8_t h6[8] = { 0x08, 0, 0, 0, 0, 0, 6, 0 };

    /* vx6's recv reads vx5's datagram too. */
    raw_send("127.0.0.1", port, h5, frame, sizeof frame);
    raw_send("127.0.0.1", port, h6, frame, sizeof frame);
    struct rx_seen seen[2];
    assert_int_equal(recv_collect(p6, seen, 2), 2);
    const struct rx_seen *s5 = seen_on(seen, 2, v5);
    const struct rx_seen *s6 = seen_on(seen, 2, v6);
    assert_true(s5->tunnel.tun_id == htobe64(5));
    assert_true(s6->tunnel.tun_id == htobe64(6));
    assert_int_equal(s5->tunnel.ip_src, ip4("127.0.0.1"));
    assert_int_equal(s5->tunnel.ip_dst, ip4("127.0.0.2"));
    assert_int_equal(s5->tunnel.tp_dst, htons(port));
    assert_int_equal(s5->tunnel.flags, FLOW_TNL_F_KEY);
    assert_true(s5->tunnel.ip_ttl > 0);
    assert_int_equal(s5->depth, 0);
    assert_int_equal(s5->len, sizeof frame);
    assert_int_equal(vport_memory_tx_count(pm5), 0);  /* not processed */
    assert_int_equal(rx_packets(dp, v5), 1);
    assert_int_equal(rx_packets(dp, v6), 1);

    /* Through the datapath: polling vx6 delivers vx5's packet by vx5's
     * flow; polling vx5 queues vx6's miss with vx6's in_port and VNI. */
    raw_send("127.0.0.1", port, h5, frame, sizeof frame);
    for (int i = 0; i < 100 && !vport_memory_tx_count(pm5); i++) {
        struct pollfd pfd = { .fd = p6->ops->get_fd(p6), .events = POLLIN };
        poll(&pfd, 1, 10);
        assert_true(datapath_poll_port(dp, v6) >= 0);
    }
    assert_int_equal(vport_memory_tx_count(pm5), 1);
    assert_int_equal(rx_packets(dp, v5), 2);
    assert_int_equal(rx_packets(dp, v6), 1);

    raw_send("127.0.0.1", port, h6, frame, sizeof frame);
    struct upcall_seen up = { 0 };
    for (int i = 0; i < 100 && !up.n; i++) {
        struct pollfd pfd = { .fd = p5->ops->get_fd(p5), .events = POLLIN };
        poll(&pfd, 1, 10);
        assert_true(datapath_poll_port(dp, v5) >= 0);
        datapath_upcall_drain(dp, on_upcall, &up, 16);
    }
    assert_int_equal(up.n, 1);
    assert_int_equal(up.key.in_port, v6);
    assert_true(up.key.tunnel.tun_id == htobe64(6));
    assert_int_equal(rx_packets(dp, v6), 2);
    assert_int_equal(rx_packets(dp, v5), 2);
    datapath_destroy(dp);
}

static void test_set_tunnel_through_datapath(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("vxt2");
    assert_non_null(dp);
    struct vport_opt of[] = { { "remote_ip", "flow" }, { "key", "flow" },
                              { "local_ip", "127.0.0.1" },
                              { "dst_port", port_s(7) } };
    struct vport_opt or[] = { { "remote_ip", "flow" }, { "key", "flow" },
                              { "local_ip", "127.0.0.2" },
                              { "dst_port", port_s(7) } };
    uint32_t m = dp_add(dp, "m", "memory", NULL, 0);
    uint32_t f = dp_add(dp, "vxf", "vxlan", of, 4);
    uint32_t r = dp_add(dp, "vxr", "vxlan", or, 4);

    static struct action_buf acts;
    action_buf_init(&acts);
    struct flow_tnl tnl = { .tun_id = htobe64(0x77),
                            .ip_dst = ip4("127.0.0.2"),
                            .ip_ttl = 17, .flags = FLOW_TNL_F_KEY };
    action_put(&acts, DP_ACTION_SET_TUNNEL, &tnl, sizeof tnl);
    action_put_output(&acts, f);
    flow_in_port(dp, m, &acts);

    uint8_t frame[80];
    make_frame(frame, sizeof frame, 0, 9);
    struct vport *pm = datapath_port_get(dp, m);
    assert_int_equal(vport_memory_inject(pm, frame, sizeof frame), 0);
    assert_int_equal(datapath_poll_port(dp, m), 1);

    struct vport *pr = datapath_port_get(dp, r);
    struct upcall_seen seen = { 0 };
    for (int i = 0; i < 100 && !seen.n; i++) {
        struct pollfd pfd = { .fd = pr->ops->get_fd(pr), .events = POLLIN };
        poll(&pfd, 1, 10);
        datapath_poll_port(dp, r);
        datapath_upcall_drain(dp, on_upcall, &seen, 16);
    }
    assert_int_equal(seen.n, 1);
    assert_int_equal(seen.key.in_port, r);
    assert_true(seen.key.tunnel.tun_id == htobe64(0x77));
    assert_int_equal(seen.key.tunnel.ip_src, ip4("127.0.0.1"));
    assert_int_equal(seen.key.tunnel.ip_dst, ip4("127.0.0.2"));
    assert_int_equal(seen.key.tunnel.ip_ttl, 17);
    assert_int_equal(seen.key.tunnel.tp_dst, htons(base_port + 7));
    assert_int_equal(rx_packets(dp, r), 1);
    datapath_destroy(dp);
}

/* ------------------------------------------- remote_ip=flow, key=flow */

static void test_flow_remote_and_key(void **state)
{
    (void)state;
    char err[VPORT_ERR_MAX];
    struct vport f, r;
    struct vport_opt of[] = { { "remote_ip", "flow" }, { "key", "flow" },
                              { "local_ip", "127.0.0.1" },
                              { "tos", "inherit" },
                              { "dst_port", port_s(5) } };
    struct vport_opt or[] = { { "remote_ip", "flow" }, { "key", "flow" },
                              { "local_ip", "127.0.0.2" },
                              { "dst_port", port_s(5) } };
    assert_int_equal(port_open(&f, "vxf", 20, &fake_dp_a, of, 5, err), 0);
    assert_int_equal(port_open(&r, "vxr", 21, &fake_dp_a, or, 4, err), 0);

    uint8_t frame[100];
    make_frame(frame, sizeof frame, 0x28, 4);
    struct flow_tnl tnl = { .tun_id = htobe64(0xabcdef),
                            .ip_dst = ip4("127.0.0.2"), .ip_ttl = 9,
                            .flags = FLOW_TNL_F_KEY };
    send_frame(&f, frame, sizeof frame, &tnl);
    struct dp_packet_batch batch;
    assert_int_equal(recv_wait(&r, &batch, 1), 1);
    const struct dp_packet *p = batch.pkts[0];
    assert_int_equal(p->md.in_port, 21);
    assert_true(p->md.tunnel.tun_id == htobe64(0xabcdef));
    assert_int_equal(p->md.tunnel.ip_ttl, 9);
    assert_int_equal(p->md.tunnel.ip_tos, 0x28);     /* inherited */
    assert_int_equal(p->md.tunnel.ip_src, ip4("127.0.0.1"));
    assert_memory_equal(dp_packet_data(p), frame, sizeof frame);

    /* No destination in the metadata: a counted drop, nothing sent. */
    static uint8_t buf[PACKET_HEADROOM + 256];
    struct dp_packet q;
    dp_packet_init(&q, buf, sizeof buf, PACKET_HEADROOM);
    assert_true(dp_packet_set_data(&q, frame, sizeof frame));
    assert_int_equal(f.ops->send(&f, &q), -EDESTADDRREQ);
    f.ops->flush(&f);
    struct vport_stats st;
    vport_stats_read(&f, &st);
    assert_int_equal(st.tx_dropped, 1);
    assert_int_equal(st.tx_packets, 1);
    assert_int_equal(recv_quiet(&r), 0);
    port_close(&f);
    port_close(&r);
}

/* ------------------------------------------------- segmentation */

/* An Ethernet/IPv4/TCP frame with `payload` bytes, seq 1000, PSH|ACK. */
static uint32_t make_tcp(uint8_t *f, uint32_t payload)
{
    uint32_t len = 14 + 20 + 20 + payload;
    make_frame(f, len, 0, 0);
    f[14 + 9] = 6;
    f[14 + 4] = 0x12;
    f[14 + 5] = 0x34;
    uint8_t *tcp = f + 34;
    memset(tcp, 0, 20);
    tcp[0] = 0x30;
    tcp[1] = 0x39;
    tcp[2] = 0x00;
    tcp[3] = 0x50;
    tcp[4] = 0;
    tcp[5] = 0;
    tcp[6] = 0x03;
    tcp[7] = 0xe8;
    tcp[12] = 0x50;
    tcp[13] = 0x18;
    for (uint32_t i = 0; i < payload; i++) {
        tcp[20 + i] = (uint8_t)(i * 7);
    }
    return len;
}

static bool csum_ok_ipv4_tcp(const uint8_t *f, uint32_t len)
{
    if (csum_fold(csum_add(0, f + 14, 20)) != 0xffff) {
        return false;
    }
    uint32_t sum = ipv4_pseudo_sum((const void *)(f + 14), 6, len - 34);
    sum = csum_add(sum, f + 34, len - 34);
    return csum_fold(sum) == 0xffff;
}

static void test_tso_segments(void **state)
{
    (void)state;
    static uint8_t f[14 + 40 + 3000], seg[2048];
    uint32_t len = make_tcp(f, 2500);
    struct tso_iter it;
    assert_int_equal(tso_begin(&it, f, len, 14, 34, 1000), 0);
    uint32_t sizes[] = { 1000, 1000, 500 };
    for (int i = 0; i < 3; i++) {
        int n = tso_next(&it, seg, sizeof seg);
        assert_int_equal(n, 54 + sizes[i]);
        assert_true(csum_ok_ipv4_tcp(seg, (uint32_t)n));
        uint32_t seq = (uint32_t)seg[38] << 24 | seg[39] << 16 | seg[40] << 8
                       | seg[41];
        assert_int_equal(seq, 1000 + 1000 * (uint32_t)i);
        assert_int_equal(seg[16] << 8 | seg[17], 40 + sizes[i]);
        assert_int_equal(seg[18] << 8 | seg[19], 0x1234 + i);
        assert_int_equal(seg[47] & 0x08, i == 2 ? 0x08 : 0);   /* PSH last */
        assert_memory_equal(seg + 54, f + 54 + 1000 * i, sizes[i]);
    }
    assert_int_equal(tso_next(&it, seg, sizeof seg), 0);
    /* No payload (a bare ACK marked for GSO): one segment, not none (seen
     * while writing fuzz_tso's oracle: vxlan_send lost it uncounted). */
    uint32_t bare = make_tcp(f, 0);
    assert_int_equal(tso_begin(&it, f, bare, 14, 34, 1000), 0);
    assert_int_equal(tso_next(&it, seg, sizeof seg), (int)bare);
    assert_true(csum_ok_ipv4_tcp(seg, bare));
    assert_int_equal(tso_next(&it, seg, sizeof seg), 0);
    len = make_tcp(f, 2500);
    assert_int_equal(tso_begin(&it, f, len, 14, 34, 0), -1);
    assert_int_equal(tso_begin(&it, f, 40, 14, 34, 1000), -1);  /* truncated */
    f[14 + 9] = 17;
    assert_int_equal(tso_begin(&it, f, len, 14, 34, 1000), -1);     /* not TCP */
}

/* Segments' IPv4 header checksums are right whatever the header sums to
 * (found by fuzz_tso: a header whose 32-bit word sum came near 2^32 lost a
 * carry in ipv4_header_csum, one off). */
static void test_tso_ipv4_csum_any_header(void **state)
{
    (void)state;
    static uint8_t f[14 + 40 + 93], seg[256];
    for (uint32_t low = 0; low <= 0xffff; low++) {
        uint32_t len = make_tcp(f, 93);
        uint8_t *ip = f + 14;
        ip[4] = 0;
        ip[5] = 1;                                 /* id */
        ip[8] = 64;
        memcpy(ip + 12, "\x0a\x00", 2);
        ip[14] = (uint8_t)(low >> 8);
        ip[15] = (uint8_t)low;
        memcpy(ip + 16, "\x01\x00\x00\x7b", 4);
        struct tso_iter it;
        assert_int_equal(tso_begin(&it, f, len, 14, 34, 93), 0);
        int n = tso_next(&it, seg, sizeof seg);
        assert_int_equal(n, (int)len);
        if (csum_finish(csum_add(0, seg + 14, 20)) != 0) {
            fail_msg("IPv4 header checksum wrong for source 10.0.%u.%u",
                     low >> 8, low & 0xff);
        }
    }
}

static void test_csum_complete(void **state)
{
    (void)state;
    static uint8_t f[200];
    uint32_t len = make_tcp(f, 100);
    uint16_t ip_sum = csum_finish(csum_add(0, f + 14, 20));
    memcpy(f + 24, &ip_sum, 2);
    /* As virtio leaves it: the field holds the pseudo-header sum. */
    uint32_t ph = ipv4_pseudo_sum((const void *)(f + 14), 6, len - 34);
    uint16_t fold = csum_fold(ph);
    memcpy(f + 50, &fold, 2);
    assert_int_equal(tso_csum_complete(f, len, 34, 16), 0);
    assert_true(csum_ok_ipv4_tcp(f, len));
    assert_int_equal(tso_csum_complete(f, len, len, 0), -1);
    assert_int_equal(tso_csum_complete(f, len, 34, len - 34 - 1), -1);
}

/* A GSO super-frame sent on a port arrives as MSS-sized frames. */
static void test_send_gso_frame(void **state)
{
    (void)state;
    char err[VPORT_ERR_MAX];
    struct vport a, b;
    struct vport_opt oa[] = { { "remote_ip", "127.0.0.2" },
                              { "local_ip", "127.0.0.1" },
                              { "dst_port", port_s(6) } };
    struct vport_opt ob[] = { { "remote_ip", "127.0.0.1" },
                              { "local_ip", "127.0.0.2" },
                              { "dst_port", port_s(6) } };
    assert_int_equal(port_open(&a, "vxa", 30, &fake_dp_a, oa, 3, err), 0);
    assert_int_equal(port_open(&b, "vxb", 31, &fake_dp_a, ob, 3, err), 0);

    static uint8_t buf[PACKET_HEADROOM + 70000];
    struct dp_packet p;
    dp_packet_init(&p, buf, sizeof buf, PACKET_HEADROOM);
    p.len = make_tcp(buf + PACKET_HEADROOM, 40 * 1400);
    p.md.offload.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
    p.md.offload.gso_size = 1400;
    p.md.offload.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
    p.md.offload.csum_start = 34;
    p.md.offload.csum_offset = 16;
    assert_int_equal(a.ops->send(&a, &p), 0);
    a.ops->flush(&a);
    int got = 0;
    struct dp_packet_batch batch;
    while (got < 40 && recv_wait(&b, &batch, 1) > 0) {
        for (uint32_t i = 0; i < batch.count; i++) {
            const struct dp_packet *s = batch.pkts[i];
            assert_int_equal(s->len, 54 + 1400);
            assert_true(csum_ok_ipv4_tcp(dp_packet_data(s), s->len));
            got++;
        }
    }
    assert_int_equal(got, 40);
    struct vport_stats st;
    vport_stats_read(&a, &st);
    assert_int_equal(st.tx_packets, 40);

    /* A UDP GSO frame is not something we segment: a counted error. */
    p.md.offload.gso_type = VIRTIO_NET_HDR_GSO_UDP;
    assert_int_equal(a.ops->send(&a, &p), -EINVAL);
    vport_stats_read(&a, &st);
    assert_int_equal(st.tx_errors, 1);
    port_close(&a);
    port_close(&b);
}

int main(void)
{
    rcu_register_thread();
    base_port = (uint16_t)(20000 + (getpid() % 2000) * 10);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_defaults_and_format),
        cmocka_unit_test(test_config_refusals),
        cmocka_unit_test(test_encap_decap_loopback),
        cmocka_unit_test(test_different_dst_ports),
        cmocka_unit_test(test_header_checks_and_wrong_vni),
        cmocka_unit_test(test_inner_frame_bounded_by_mtu),
        cmocka_unit_test(test_shared_socket_demux),
        cmocka_unit_test(test_set_tunnel_through_datapath),
        cmocka_unit_test(test_other_port_in_batch),
        cmocka_unit_test(test_flow_remote_and_key),
        cmocka_unit_test(test_tso_segments),
        cmocka_unit_test(test_tso_ipv4_csum_any_header),
        cmocka_unit_test(test_csum_complete),
        cmocka_unit_test(test_send_gso_frame),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rcu_unregister_thread();
    return rc;
}
