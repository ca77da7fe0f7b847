/* Linux network devices for the system and internal port types, and the
 * one place for device knobs: what a device is (rtnetlink), its flags and
 * MTU (ioctl), LRO (ethtool features), GRO (ethtool), promiscuity (held by
 * a packet socket), what a port changes when it attaches and restores when
 * it is destroyed (netdev_knobs_take / netdev_knobs_restore), and the names
 * of the TAP devices this process made for its internal ports (so that they
 * are never wrapped as system ports).
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

/* The same through `ctl_fd`, a socket the caller keeps open (any family),
 * so that a check on the send path costs one ioctl and no socket. */
int netdev_get_flags_fd(int ctl_fd, const char *name, unsigned int *flags);

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

/* Whether GRO is on (ETHTOOL_GGRO). */
int netdev_get_gro(const char *name, bool *on);

/* Turns GRO on or off and checks that the device took it; -EOPNOTSUPP when
 * it is fixed. */
int netdev_set_gro(const char *name, bool on);

/* Makes device `ifindex` promiscuous for as long as AF_PACKET socket
 * `packet_fd` stays open (PACKET_MR_PROMISC raises the kernel's promiscuity
 * count; the kernel drops it when the socket closes, even after a crash,
 * so there is nothing to restore). */
int netdev_promisc_hold(int packet_fd, int ifindex);

/* What a port changed on its device when it attached, so that destroy
 * undoes just that and leaves what the administrator had set. */
struct netdev_knobs {
    bool lro_turned_off;
    bool gro_turned_on;
};

/* Readies device `name` for a port: LRO off (merged frames lose what
 * forwarding needs), GRO on when the device lets it (it keeps what
 * segmentation needs to undo it, and a host without TSO then sends
 * super-frames through the datapath instead of MTU-sized ones).  Records
 * what it changed in *saved; a knob that cannot be set is logged, not
 * fatal. */
void netdev_knobs_take(const char *name, struct netdev_knobs *saved);

/* Undoes what netdev_knobs_take recorded in *saved and clears it; a device
 * that is gone by now is no error. */
void netdev_knobs_restore(const char *name, struct netdev_knobs *saved);

/* The registry of internal (TAP) devices this process created.  add
 * returns -ENOSPC when full; is_internal is thread-safe. */
int netdev_internal_add(const char *name);
void netdev_internal_remove(const char *name);
bool netdev_is_internal(const char *name);

#endif
