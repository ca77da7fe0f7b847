/* Small helpers on Linux network devices for the system and internal port
 * types: what a device is (rtnetlink), its flags and MTU (ioctl), LRO
 * (ethtool features), and the names of the TAP devices this process made
 * for its internal ports (so that they are never wrapped as system ports).
 *
 * Every function returns 0 or a negative errno unless it says otherwise. */
#ifndef VS_DP_NETDEV_UTIL_H
#define VS_DP_NETDEV_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#define NETDEV_KIND_MAX 16

/* What rtnetlink reports about one device. */
struct netdev_info {
    int ifindex;
    unsigned int flags;       /* IFF_* as `ip link` shows them */
    unsigned int type;        /* ARPHRD_* */
    int mtu;
    uint8_t mac[6];
    bool has_mac;
    uint32_t promiscuity;     /* the kernel's promiscuity count */
    char kind[NETDEV_KIND_MAX]; /* link kind ("veth", "tun"...), or "" */
};

/* Fills `info` for device `name`; -ENODEV when there is none, -EINVAL for a
 * name that is not a valid device name. */
int netdev_get_info(const char *name, struct netdev_info *info);

struct vport_status;

/* Fills a port's status (link, MTU, MAC) from device `name`; link and MTU
 * read -1 when the device cannot be read. */
void netdev_fill_status(const char *name, struct vport_status *st);

/* True when `name` is a syntactically valid device name (1..15 chars, no
 * '/', no whitespace, not "." or ".."). */
bool netdev_name_valid(const char *name);

/* The interface flags (SIOCGIFFLAGS) of `name` into *flags. */
int netdev_get_flags(const char *name, unsigned int *flags);

/* Sets the bits of `on` and clears those of `off` (SIOCSIFFLAGS). */
int netdev_update_flags(const char *name, unsigned int on, unsigned int off);

/* The MTU of `name` into *mtu. */
int netdev_get_mtu(const char *name, int *mtu);

/* Whether LRO is on (*on) and whether it can be changed (*changeable), from
 * the ethtool feature "rx-lro".  -EOPNOTSUPP when the driver has no
 * ethtool features. */
int netdev_get_lro(const char *name, bool *on, bool *changeable);

/* Turns LRO on or off; -EOPNOTSUPP when it is fixed. */
int netdev_set_lro(const char *name, bool on);

/* The registry of internal (TAP) devices this process created.  add
 * returns -ENOSPC when full; is_internal is thread-safe. */
int netdev_internal_add(const char *name);
void netdev_internal_remove(const char *name);
bool netdev_is_internal(const char *name);

#endif
