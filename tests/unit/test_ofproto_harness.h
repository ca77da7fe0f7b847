/* Shared by the ofproto unit tests: a real datapath with "memory" ports
 * 1..N (OpenFlow port i is datapath port dp_ports[i]), one bridge "br0"
 * on it, and frame builders.  Included by one test file each (static). */
#ifndef TEST_OFPROTO_HARNESS_H
#define TEST_OFPROTO_HARNESS_H

#include <arpa/inet.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>
#include <cmocka.h>

#include "dp/datapath.h"
#include "ofproto/ofproto.h"
#include "ofproto/ofproto_private.h"

#define H_MAX_PORTS 8

struct harness {
    struct datapath *dp;
    struct ofproto *ofp;
    uint32_t dp_ports[H_MAX_PORTS + 1];
    int n_ports;
};

static inline void h_init(struct harness *h, int n_ports,
                   const struct ofproto_port_cfg *cfgs)
{
    static bool registered;
    /* Pull the memory port type into the link (built-ins are weak). */
    assert_non_null(vport_memory_ops.type);
    if (!registered) {
        rcu_register_thread();
        registered = true;
    }
    memset(h, 0, sizeof *h);
    /* A failed test leaves its bridge behind: keep later tests apart. */
    ofproto_destroy(ofproto_lookup("br0"));
    h->dp = datapath_create("test");
    assert_non_null(h->dp);
    h->ofp = ofproto_create("br0", h->dp);
    assert_non_null(h->ofp);
    h->n_ports = n_ports;
    for (int i = 1; i <= n_ports; i++) {
        char name[16], err[VPORT_ERR_MAX];
        snprintf(name, sizeof name, "p%d", i);
        struct vport_opt cap[] = { { "rx_capacity", "512" },
                                   { "tx_capacity", "512" } };
        uint32_t no = UINT32_MAX;
        if (datapath_port_add(h->dp, name, "memory", cap, 2, &no, err,
                              sizeof err)) {
            fail_msg("port_add: %s", err);
        }
        h->dp_ports[i] = no;
        assert_int_equal(ofproto_port_set(h->ofp, (uint32_t) i, no, name,
                                          cfgs ? &cfgs[i - 1] : NULL), 0);
    }
}

static inline void h_destroy(struct harness *h)
{
    ofproto_destroy(h->ofp);
    datapath_destroy(h->dp);
}

static inline struct vport *h_port(struct harness *h, int ofport)
{
    return datapath_port_get(h->dp, h->dp_ports[ofport]);
}

/* Receives `frame` on OpenFlow port `ofport` and lets the slow path handle
 * any upcall. */
static inline void h_send(struct harness *h, int ofport, const uint8_t *frame,
                   size_t len)
{
    assert_int_equal(vport_memory_inject(h_port(h, ofport), frame,
                                         (uint32_t) len), 0);
    while (datapath_poll_port(h->dp, h->dp_ports[ofport]) > 0) {
    }
    ofproto_drain_upcalls(h->dp, 64);
}

/* Frames sent on `ofport` since the last drain; drains them. */
static inline int h_drain(struct harness *h, int ofport)
{
    uint8_t buf[2048];
    int n = 0;
    while (vport_memory_take(h_port(h, ofport), buf, sizeof buf) >= 0) {
        n++;
    }
    return n;
}

static inline void h_drain_all(struct harness *h)
{
    for (int i = 1; i <= h->n_ports; i++) {
        h_drain(h, i);
    }
}

/* The one frame sent on `ofport` (fails unless exactly one). */
static inline int h_take_one(struct harness *h, int ofport, uint8_t *buf,
                      size_t size)
{
    assert_int_equal(vport_memory_tx_count(h_port(h, ofport)), 1);
    return vport_memory_take(h_port(h, ofport), buf, (uint32_t) size);
}

static inline uint64_t h_misses(struct harness *h)
{
    struct dp_stats st;
    datapath_get_stats(h->dp, &st);
    return st.n_missed;
}

static inline uint64_t h_dp_flows(struct harness *h)
{
    return megaflow_count(datapath_flows(h->dp));
}

/* MAC 02:00:00:00:00:NN; 0xff = broadcast. */
static inline void mac_of(uint8_t n, uint8_t m[6])
{
    if (n == 0xff) {
        memset(m, 0xff, 6);
        return;
    }
    const uint8_t base[6] = { 2, 0, 0, 0, 0, n };
    memcpy(m, base, 6);
}

/* Ethernet (optionally 802.1Q with `vid`, -1 none) + IPv4 + UDP, 64+
 * bytes.  Returns the length. */
static inline size_t udp_frame(uint8_t *f, uint8_t dst, uint8_t src, int vid,
                        uint32_t nw_src, uint32_t nw_dst, uint16_t dport)
{
    memset(f, 0, 96);
    mac_of(dst, f);
    mac_of(src, f + 6);
    size_t o = 12;
    if (vid >= 0) {
        f[o] = 0x81;
        f[o + 1] = 0x00;
        f[o + 2] = (uint8_t) (vid >> 8);
        f[o + 3] = (uint8_t) vid;
        o += 4;
    }
    f[o] = 0x08;
    f[o + 1] = 0x00;
    uint8_t *ip = f + o + 2;
    ip[0] = 0x45;
    ip[3] = 46;
    ip[8] = 64;
    ip[9] = 17;
    uint32_t s = htonl(nw_src), d = htonl(nw_dst);
    memcpy(ip + 12, &s, 4);
    memcpy(ip + 16, &d, 4);
    uint8_t *udp = ip + 20;
    udp[0] = 0x30;
    udp[1] = 0x39;
    udp[2] = (uint8_t) (dport >> 8);
    udp[3] = (uint8_t) dport;
    udp[5] = 26;
    return o + 2 + 46;
}

static inline void h_add_flow(struct harness *h, const char *flow)
{
    char err[256];
    if (ofproto_add_flow_str(h->ofp, flow, err, sizeof err)) {
        fail_msg("add-flow %s: %s", flow, err);
    }
}

#endif
