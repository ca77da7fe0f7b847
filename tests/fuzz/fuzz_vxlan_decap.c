/* libFuzzer harness for the vxlan receive path: each input is one UDP
 * payload (VXLAN header + inner frame) sent over loopback to two vxlan
 * ports sharing a socket in a real datapath: "vxe" (remote 127.0.0.1, VNI
 * 7, mtu 1500) and "vxf" (remote_ip=flow, key=flow, default mtu 9000).
 * The datapath polls the socket, decapsulates, and a flow per port sends
 * what arrives to a memory port.  The oracle: a datagram comes out iff its
 * header is valid (only the I flag, reserved bits zero, a whole Ethernet
 * header after it) and the inner frame fits the port's MTU (+ Ethernet and
 * two tags), and then byte for byte as the inner frame; every other one is
 * counted on a port as an error or a drop. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <urcu.h>

#include "dp/actions.h"
#include "dp/datapath.h"
#include "dp/vport/vport.h"

#define MAX_DGRAM 9300

static struct datapath *dp;
static uint32_t vxe, vxf, sink;
static int tx_fd;
static struct sockaddr_in to;

static uint32_t add(const char *name, const char *type,
                    const struct vport_opt *opts, size_t n)
{
    uint32_t no = UINT32_MAX;
    char err[VPORT_ERR_MAX];
    if (datapath_port_add(dp, name, type, opts, n, &no, err, sizeof err)) {
        fprintf(stderr, "setup: %s\n", err);
        abort();
    }
    return no;
}

static void flow_to_sink(uint32_t in_port)
{
    struct flow_key key, mask;
    memset(&key, 0, sizeof key);
    memset(&mask, 0, sizeof mask);
    key.in_port = in_port;
    mask.in_port = UINT32_MAX;
    struct action_buf b;
    char acts[16], err[128];
    snprintf(acts, sizeof acts, "%u", sink);
    if (actions_parse(acts, &b, err, sizeof err)
        || datapath_flow_put(dp, &key, &mask, b.data, b.len, false)) {
        abort();
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    /* Pull the port types into the link (built-ins are weak). */
    if (!vport_vxlan_ops.type) {
        abort();
    }
    if (!vport_memory_ops.type) {
        abort();
    }
    rcu_register_thread();
    dp = datapath_create("fuzz");
    char port[8];
    snprintf(port, sizeof port, "%d", 30000 + getpid() % 20000);
    struct vport_opt e[] = { { "remote_ip", "127.0.0.1" },
                             { "local_ip", "127.0.0.1" }, { "key", "7" },
                             { "dst_port", port }, { "mtu", "1500" } };
    struct vport_opt f[] = { { "remote_ip", "flow" },
                             { "local_ip", "127.0.0.1" }, { "key", "flow" },
                             { "dst_port", port } };
    vxe = add("vxe", "vxlan", e, 5);
    vxf = add("vxf", "vxlan", f, 4);
    struct vport_opt cap[] = { { "tx_capacity", "64" } };
    sink = add("sink", "memory", cap, 1);
    flow_to_sink(vxe);
    flow_to_sink(vxf);
    tx_fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in me = { .sin_family = AF_INET,
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (tx_fd < 0 || bind(tx_fd, (struct sockaddr *)&me, sizeof me)) {
        abort();
    }
    to = (struct sockaddr_in) { .sin_family = AF_INET,
                                .sin_port = htons((uint16_t)atoi(port)),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    return 0;
}

/* Every datagram the ports have seen: delivered, refused or dropped. */
static uint64_t seen(void)
{
    uint64_t n = 0;
    uint32_t ports[2] = { vxe, vxf };
    for (int i = 0; i < 2; i++) {
        struct vport_stats st;
        vport_stats_read(datapath_port_get(dp, ports[i]), &st);
        n += st.rx_packets + st.rx_errors + st.rx_dropped;
    }
    return n;
}

static void ignore_upcall(const struct upcall *up, void *aux)
{
    (void)up, (void)aux;
}

/* The oracle's verdict on datagram (d, n). */
static bool should_pass(const uint8_t *d, size_t n)
{
    if (n < 8 + 14 || d[0] != 0x08 || d[1] || d[2] || d[3] || d[7]) {
        return false;
    }
    uint32_t vni = (uint32_t)d[4] << 16 | (uint32_t)d[5] << 8 | d[6];
    uint32_t mtu = vni == 7 ? 1500 : 9000;
    return n - 8 <= mtu + 14 + 8;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_DGRAM) {
        return 0;
    }
    uint64_t before = seen();
    if (sendto(tx_fd, data, size, 0, (struct sockaddr *)&to, sizeof to)
        != (ssize_t)size) {
        abort();
    }
    for (int tries = 0; seen() == before && tries < 1000; tries++) {
        datapath_poll_port(dp, vxf);
    }
    if (seen() != before + 1) {
        fprintf(stderr, "datagram not accounted for\n");
        abort();
    }
    static uint8_t got[MAX_DGRAM + 64];
    struct vport *vp = datapath_port_get(dp, sink);
    int n = vport_memory_take(vp, got, sizeof got);
    bool pass = should_pass(data, size);
    if (pass != (n >= 0)) {
        fprintf(stderr, "delivered %d, oracle says %d\n", n >= 0, pass);
        abort();
    }
    if (pass && ((size_t)n != size - 8 || memcmp(got, data + 8, size - 8))) {
        fprintf(stderr, "inner frame changed\n");
        abort();
    }
    while (vport_memory_take(vp, got, sizeof got) >= 0) {
    }
    datapath_upcall_drain(dp, ignore_upcall, NULL, 64);
    return 0;
}
