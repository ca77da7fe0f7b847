/* The UDP sockets of vxlan ports: one per (datapath, local address, UDP
 * port), shared by every vxlan port on it and counted by reference.
 *
 * Receive: whichever of the sharing ports' recv is called reads the socket
 * (one reader at a time: a trylock) and hands each packet to the port it
 * belongs to, found with vxlan_sock_match (see vport_vxlan.h).  The set of
 * ports on a socket is an array published under RCU, replaced whole on the
 * control thread (attach/detach wait for a grace period before the old one
 * is freed). */
#ifndef VS_DP_VXLAN_SOCK_H
#define VS_DP_VXLAN_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp/vport/vport.h"

struct datapath;
struct vxlan_sock;

/* What the demultiplexer knows of one port. */
struct vxlan_sock_port {
    struct vport *vp;
    uint32_t remote;       /* be32, unused when remote_flow */
    uint32_t vni;          /* host order, unused when key_flow */
    bool remote_flow;
    bool key_flow;
};

/* Counters of the socket (datagrams that reached no port). */
struct vxlan_sock_stats {
    uint64_t n_malformed;   /* short, truncated, bad flags or reserved bits */
    uint64_t n_unmatched;   /* no port for (source address, VNI) */
};

/* Opens (or shares) the socket for (dp, local, port) and adds `port` to its
 * ports.  NULL with a message in `err` (bind failure, or a port on it with
 * the same remote and key: -EEXIST in *errorp). */
struct vxlan_sock *vxlan_sock_attach(struct datapath *dp, uint32_t local_be,
                                     uint16_t udp_port,
                                     const struct vxlan_sock_port *port,
                                     int *errorp, char *err, size_t errlen);

/* Removes `vp` from the socket's ports; closes it with the last one. */
void vxlan_sock_detach(struct vxlan_sock *s, const struct vport *vp);

int vxlan_sock_fd(const struct vxlan_sock *s);
uint32_t vxlan_sock_local(const struct vxlan_sock *s);   /* be32 */
uint16_t vxlan_sock_port(const struct vxlan_sock *s);    /* host order */

/* One reader at a time: false when another thread is reading. */
bool vxlan_sock_rx_trylock(struct vxlan_sock *s);
void vxlan_sock_rx_unlock(struct vxlan_sock *s);

/* The port for a datagram from `src` (be32) carrying `vni`: the most
 * specific match (exact remote before flow, exact key before flow), or
 * NULL.  `*blame` gets the port a miss or a bad header is counted on: a
 * port whose remote matched `src`, else the first port.  Caller holds the
 * RCU read lock; the pointers are valid until it drops it. */
const struct vxlan_sock_port *vxlan_sock_match(struct vxlan_sock *s,
                                               uint32_t src, uint32_t vni,
                                               struct vport **blame);

void vxlan_sock_count_malformed(struct vxlan_sock *s);
void vxlan_sock_count_unmatched(struct vxlan_sock *s);
void vxlan_sock_get_stats(const struct vxlan_sock *s,
                          struct vxlan_sock_stats *st);

#endif
