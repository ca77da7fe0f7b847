/* vxlan ports (RFC 7348) over an IPv4 underlay.
 *
 * The outer Ethernet and IP headers are the kernel's business: a port sends
 * the VXLAN header and the inner frame as the payload of a UDP socket, and
 * the kernel routes the datagram.  The socket is bound to (local_ip or any,
 * dst_port) and shared by every vxlan port with that pair, so the outer UDP
 * source port is dst_port (receivers accept any source port).
 *
 * Receive: the port whose recv is called reads the shared socket for all
 * ports on it and finds the port each datagram belongs to (by outer source
 * address or remote_ip=flow, and VNI or key=flow; exact before flow).  All
 * of them come back in the one batch recv fills, each with the in_port and
 * tunnel metadata of its own port and counted there (the receive contract
 * of vport.h), so a packet enters on the right port whichever port read it
 * and datapath_poll_port processes them together.  A datagram with a bad
 * header (short, truncated, VXLAN flags other than just the I bit, reserved
 * bits set) counts as rx_errors, one that matches no port (e.g. a wrong
 * VNI) as rx_dropped, on the port whose remote_ip is the datagram's source
 * (else the first port on the socket); the socket's own totals are in
 * vport_vxlan_sock_stats.  An inner frame longer than the port's mtu option
 * (L3 bytes, default 9000) plus an Ethernet header and two VLAN tags is
 * rx_dropped under datapath_drop_frame_too_big on its port: the underlay
 * may fragment (DF is never set) and the kernel reassembles up to 64 KB, but
 * a frame past the MTU of the network the tunnel extends would only fail
 * later, at an output port.
 *
 * Sockets are not SO_REUSEADDR: ports with local_ip and ports without it
 * cannot share a dst_port, nor can a kernel vxlan device on that port in
 * the same network namespace (create fails with -EADDRINUSE, "cannot bind").
 * create and destroy wait for an RCU grace period (the port set of the
 * socket is replaced whole): never call them inside a read-side section.
 *
 * Send: remote and VNI from the options, or from md.tunnel (set_tunnel) for
 * remote_ip=flow / key=flow.  Frames with a pending checksum get it filled
 * in, TCP super-frames (md.offload.gso_type) are segmented in software to
 * their gso_size first (other GSO types are counted tx_errors).  The outer
 * TOS and TTL go per datagram as IP_TOS/IP_TTL control messages; the outer
 * DF bit is never set (the underlay may fragment). */
#ifndef VS_DP_VPORT_VXLAN_H
#define VS_DP_VPORT_VXLAN_H

#include <stdint.h>

#include "dp/vport/vport.h"
#include "dp/vport/vxlan/sock.h"

/* The totals of the socket `vp` shares; -EINVAL when `vp` is no vxlan port. */
int vport_vxlan_sock_stats(const struct vport *vp, struct vxlan_sock_stats *st);

#endif
