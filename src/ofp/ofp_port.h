/* OpenFlow port numbers.  Inside vswitch a port number is 32 bits and the
 * reserved ports keep their OpenFlow 1.0 values (as ovs-ofctl prints them);
 * the wire codecs convert to OpenFlow 1.1+'s 32-bit reserved numbers
 * (0xffffff00 + the low byte) with ofp_port_to_of11/ofp_port_from_of11. */
#ifndef VS_OFP_OFP_PORT_H
#define VS_OFP_OFP_PORT_H

#include <stdint.h>

#define OFPP_MAX 0xff00
#define OFPP_IN_PORT 0xfff8
#define OFPP_TABLE 0xfff9
#define OFPP_NORMAL 0xfffa
#define OFPP_FLOOD 0xfffb
#define OFPP_ALL 0xfffc
#define OFPP_CONTROLLER 0xfffd
#define OFPP_LOCAL 0xfffe
#define OFPP_NONE 0xffff      /* OpenFlow 1.1+'s OFPP_ANY */

#define OFPP11_MAX 0xffffff00u
#define OFPP11_OFFSET (OFPP11_MAX - OFPP_MAX)

/* An OpenFlow 1.1+ port number as vswitch holds it: reserved numbers
 * (>= 0xffffff00) map onto 0xff00..0xffff; numbers 0xff00..0xfffffeff,
 * which OpenFlow 1.0 cannot say, map to OFPP_NONE + 1 (0x10000), which no
 * port has, so that a match on them matches nothing. */
static inline uint32_t ofp_port_from_of11(uint32_t port)
{
    if (port < OFPP_MAX) {
        return port;
    }
    return port >= OFPP11_MAX ? port - OFPP11_OFFSET : OFPP_NONE + 1u;
}

/* The OpenFlow 1.1+ number of `port`. */
static inline uint32_t ofp_port_to_of11(uint32_t port)
{
    return port >= OFPP_MAX && port <= OFPP_NONE ? port + OFPP11_OFFSET : port;
}

#endif
