/* The options of a vxlan port, parsed and printed as OVS spells them:
 * remote_ip (IPv4 address or "flow", required), local_ip (IPv4), key (VNI
 * 0..16777215 or "flow", default 0), dst_port (default 4789), tos (0..255 or
 * "inherit", default 0), ttl (1..255 or "inherit", default 64), mtu
 * (68..65000, default 9000: the largest L3 packet a decapsulated frame may
 * carry; see vxlan.h).  IPv4 underlay only. */
#ifndef VS_DP_VXLAN_CONFIG_H
#define VS_DP_VXLAN_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp/vport/vport.h"

#define VXLAN_DEFAULT_PORT 4789
#define VXLAN_DEFAULT_TTL 64
#define VXLAN_VNI_MAX 0xffffffu
#define VXLAN_DEFAULT_MTU 9000
#define VXLAN_MTU_MIN 68        /* IPv4's minimum */
#define VXLAN_MTU_MAX 65000     /* below the 65535 of a datagram's headers */

struct vxlan_config {
    uint32_t remote;      /* be32; unused when remote_flow */
    uint32_t local;       /* be32; 0: any (the kernel picks the source) */
    uint32_t vni;         /* host order; unused when key_flow */
    uint16_t dst_port;    /* host order */
    uint8_t tos;
    uint8_t ttl;
    uint32_t mtu;         /* inner L3 bytes taken at decap */
    bool remote_flow;     /* remote from the packet's tunnel metadata */
    bool key_flow;        /* VNI from the packet's tunnel metadata */
    bool tos_inherit;     /* tos copied from the inner IP header */
    bool ttl_inherit;     /* ttl copied from the inner IP header */
};

/* Parses the options of port `name` into `cfg`.  0, or -EINVAL with the
 * reason in `err`. */
int vxlan_config_parse(const char *name, const struct vport_opt *opts,
                       size_t n_opts, struct vxlan_config *cfg, char *err,
                       size_t errlen);

/* Prints the options that differ from the defaults, "remote_ip=10.0.0.2,
 * key=5" (snprintf semantics). */
int vxlan_config_format(const struct vxlan_config *cfg, char *buf,
                        size_t size);

#endif
