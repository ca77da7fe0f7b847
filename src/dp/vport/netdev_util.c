/* Device helpers: rtnetlink (libmnl) for what a device is, ioctl for flags
 * and MTU, ethtool for LRO (features) and GRO (the simple command), the
 * promiscuity of a packet socket, what a port changes and restores, and the
 * internal-device registry. */
#include "dp/vport/netdev_util.h"
#include "dp/vport/vport.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(netdev_util);

bool netdev_name_valid(const char *name)
{
    size_t len = name ? strnlen(name, IFNAMSIZ) : 0;
    if (len == 0 || len >= IFNAMSIZ || !strcmp(name, ".")
        || !strcmp(name, "..")) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '/' || c == ':' || c <= ' ' || c >= 0x7f) {
            return false;
        }
    }
    return true;
}

/* ---- rtnetlink ---- */

static int parse_linkinfo_cb(const struct nlattr *attr, void *data)
{
    struct netdev_info *info = data;
    if (mnl_attr_get_type(attr) == IFLA_INFO_KIND
        && mnl_attr_validate(attr, MNL_TYPE_STRING) >= 0) {
        const char *kind = mnl_attr_get_str(attr);
        size_t n = strnlen(kind, mnl_attr_get_payload_len(attr));
        if (n >= sizeof info->kind) {
            n = sizeof info->kind - 1;
        }
        memcpy(info->kind, kind, n);
        info->kind[n] = '\0';
    }
    return MNL_CB_OK;
}

static int parse_link_attr_cb(const struct nlattr *attr, void *data)
{
    struct netdev_info *info = data;
    switch (mnl_attr_get_type(attr)) {
    case IFLA_ADDRESS:
        if (mnl_attr_get_payload_len(attr) == 6) {
            memcpy(info->mac, mnl_attr_get_payload(attr), 6);
            info->has_mac = true;
        }
        break;
    case IFLA_MTU:
        if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) {
            info->mtu = (int)mnl_attr_get_u32(attr);
        }
        break;
    case IFLA_PROMISCUITY:
        if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0) {
            info->promiscuity = mnl_attr_get_u32(attr);
        }
        break;
    case IFLA_LINKINFO:
        if (mnl_attr_validate(attr, MNL_TYPE_NESTED) >= 0) {
            mnl_attr_parse_nested(attr, parse_linkinfo_cb, info);
        }
        break;
    default:
        break;
    }
    return MNL_CB_OK;
}

static int parse_link_cb(const struct nlmsghdr *nlh, void *data)
{
    struct netdev_info *info = data;
    if (nlh->nlmsg_type != RTM_NEWLINK
        || mnl_nlmsg_get_payload_len(nlh) < sizeof(struct ifinfomsg)) {
        return MNL_CB_OK;
    }
    const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    info->ifindex = ifi->ifi_index;
    info->flags = ifi->ifi_flags;
    info->type = ifi->ifi_type;
    mnl_attr_parse(nlh, sizeof *ifi, parse_link_attr_cb, info);
    return MNL_CB_OK;
}

int netdev_get_info(const char *name, struct netdev_info *info)
{
    memset(info, 0, sizeof *info);
    info->mtu = -1;
    if (!netdev_name_valid(name)) {
        return -EINVAL;
    }
    struct mnl_socket *nl = mnl_socket_open(NETLINK_ROUTE);
    if (!nl) {
        return -errno;
    }
    static _Thread_local char buf[16384];
    int err = 0;
    if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
        err = -errno;
        goto out;
    }
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = RTM_GETLINK;
    nlh->nlmsg_flags = NLM_F_REQUEST;
    uint32_t seq = (uint32_t)time(NULL);
    nlh->nlmsg_seq = seq;
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof *ifi);
    ifi->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
        err = -errno;
        goto out;
    }
    uint32_t portid = mnl_socket_get_portid(nl);
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof buf);
        if (n < 0) {
            err = -errno;
            break;
        }
        int ret = mnl_cb_run(buf, (size_t)n, seq, portid, parse_link_cb,
                             info);
        if (ret < 0) {
            err = errno ? -errno : -EIO;
            break;
        }
        if (ret == MNL_CB_STOP || info->ifindex) {
            break;
        }
    }
out:
    mnl_socket_close(nl);
    if (!err && !info->ifindex) {
        err = -ENODEV;
    }
    return err;
}

/* ---- ioctl ---- */

/* `req` on device `name` through socket `fd`. */
static int ifreq_ioctl_fd(int fd, const char *name, unsigned long req,
                          struct ifreq *ifr)
{
    if (!netdev_name_valid(name)) {
        return -EINVAL;
    }
    strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
    ifr->ifr_name[IFNAMSIZ - 1] = '\0';
    return ioctl(fd, req, ifr) < 0 ? -errno : 0;
}

static int ifreq_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
    if (!netdev_name_valid(name)) {
        return -EINVAL;
    }
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    int err = ifreq_ioctl_fd(fd, name, req, ifr);
    close(fd);
    return err;
}

int netdev_get_flags_fd(int ctl_fd, const char *name, unsigned int *flags)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    int err = ifreq_ioctl_fd(ctl_fd, name, SIOCGIFFLAGS, &ifr);
    *flags = err ? 0 : (unsigned short)ifr.ifr_flags;
    return err;
}

int netdev_get_flags(const char *name, unsigned int *flags)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    int err = ifreq_ioctl(name, SIOCGIFFLAGS, &ifr);
    *flags = err ? 0 : (unsigned short)ifr.ifr_flags;
    return err;
}

int netdev_update_flags(const char *name, unsigned int on, unsigned int off)
{
    unsigned int flags;
    int err = netdev_get_flags(name, &flags);
    if (err) {
        return err;
    }
    unsigned int want = (flags | on) & ~off;
    if (want == flags) {
        return 0;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = (short)want;
    return ifreq_ioctl(name, SIOCSIFFLAGS, &ifr);
}

int netdev_get_mtu(const char *name, int *mtu)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    int err = ifreq_ioctl(name, SIOCGIFMTU, &ifr);
    *mtu = err ? -1 : ifr.ifr_mtu;
    return err;
}

/* ---- ethtool features ---- */

static int ethtool_call(const char *name, void *cmd)
{
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_data = cmd;
    return ifreq_ioctl(name, SIOCETHTOOL, &ifr);
}

/* The bit of feature `feature` in the ethtool feature words, or -errno. */
static int ethtool_feature_bit(const char *name, const char *feature,
                               uint32_t *n_features)
{
    struct {
        struct ethtool_sset_info hdr;
        uint32_t len;
    } sset = { .hdr = { .cmd = ETHTOOL_GSSET_INFO,
                        .sset_mask = 1ULL << ETH_SS_FEATURES } };
    int err = ethtool_call(name, &sset);
    if (err) {
        return err;
    }
    if (!sset.hdr.sset_mask || sset.len == 0 || sset.len > 4096) {
        return -EOPNOTSUPP;
    }
    *n_features = sset.len;
    struct ethtool_gstrings *gs = xcalloc(1, sizeof *gs
                                          + (size_t)sset.len
                                            * ETH_GSTRING_LEN);
    gs->cmd = ETHTOOL_GSTRINGS;
    gs->string_set = ETH_SS_FEATURES;
    gs->len = sset.len;
    err = ethtool_call(name, gs);
    int bit = -EOPNOTSUPP;
    for (uint32_t i = 0; !err && i < gs->len && i < sset.len; i++) {
        const char *s = (const char *)gs->data + (size_t)i * ETH_GSTRING_LEN;
        if (!strncmp(s, feature, ETH_GSTRING_LEN)) {
            bit = (int)i;
            break;
        }
    }
    free(gs);
    return err ? err : bit;
}

#define FEATURE_WORDS_MAX 128

struct features_req {
    struct ethtool_gfeatures hdr;
    struct ethtool_get_features_block blocks[FEATURE_WORDS_MAX];
};

static int ethtool_get_features(const char *name, uint32_t n_features,
                                struct features_req *req)
{
    memset(req, 0, sizeof *req);
    req->hdr.cmd = ETHTOOL_GFEATURES;
    req->hdr.size = (n_features + 31) / 32;
    if (req->hdr.size > FEATURE_WORDS_MAX) {
        return -EOPNOTSUPP;
    }
    return ethtool_call(name, req);
}

int netdev_get_lro(const char *name, bool *on, bool *changeable)
{
    *on = false;
    *changeable = false;
    uint32_t n;
    int bit = ethtool_feature_bit(name, "rx-lro", &n);
    if (bit < 0) {
        return bit;
    }
    struct features_req req;
    int err = ethtool_get_features(name, n, &req);
    if (err) {
        return err;
    }
    uint32_t mask = 1u << (bit % 32);
    const struct ethtool_get_features_block *b = &req.blocks[bit / 32];
    *on = (b->active & mask) != 0;
    *changeable = (b->available & mask) && !(b->never_changed & mask);
    return 0;
}

int netdev_set_lro(const char *name, bool on)
{
    bool cur, changeable;
    int err = netdev_get_lro(name, &cur, &changeable);
    if (err || cur == on) {
        return err;
    }
    if (!changeable) {
        return -EOPNOTSUPP;
    }
    uint32_t n;
    int bit = ethtool_feature_bit(name, "rx-lro", &n);
    if (bit < 0) {
        return bit;
    }
    struct {
        struct ethtool_sfeatures hdr;
        struct ethtool_set_features_block blocks[FEATURE_WORDS_MAX];
    } req;
    memset(&req, 0, sizeof req);
    req.hdr.cmd = ETHTOOL_SFEATURES;
    req.hdr.size = (n + 31) / 32;
    uint32_t mask = 1u << (bit % 32);
    req.blocks[bit / 32].valid = mask;
    req.blocks[bit / 32].requested = on ? mask : 0;
    err = ethtool_call(name, &req);
    if (err) {
        return err;
    }
    /* SFEATURES may accept the wish and still not apply it: check. */
    err = netdev_get_lro(name, &cur, &changeable);
    return err ? err : (cur == on ? 0 : -EOPNOTSUPP);
}

/* ---- GRO: the simple ethtool command ---- */

static int gro_call(const char *name, uint32_t cmd, bool *on)
{
    struct ethtool_value ev = { .cmd = cmd, .data = *on };
    int err = ethtool_call(name, &ev);
    if (!err) {
        *on = ev.data != 0;
    }
    return err;
}

int netdev_get_gro(const char *name, bool *on)
{
    *on = false;
    return gro_call(name, ETHTOOL_GGRO, on);
}

int netdev_set_gro(const char *name, bool on)
{
    bool wish = on, now;
    int err = gro_call(name, ETHTOOL_SGRO, &wish);
    if (!err) {
        err = netdev_get_gro(name, &now);
    }
    return err ? err : now == on ? 0 : -EOPNOTSUPP;
}

/* ---- promiscuity ---- */

int netdev_promisc_hold(int packet_fd, int ifindex)
{
    struct packet_mreq mr = { .mr_ifindex = ifindex,
                              .mr_type = PACKET_MR_PROMISC };
    return setsockopt(packet_fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr,
                      sizeof mr) ? -errno : 0;
}

/* ---- what a port changes, and restores ---- */

static void lro_off(const char *name, struct netdev_knobs *saved)
{
    bool on, changeable;
    if (netdev_get_lro(name, &on, &changeable) || !on) {
        return;
    }
    int err = changeable ? netdev_set_lro(name, false) : -EOPNOTSUPP;
    if (err) {
        VLOG_WARN("%s: could not turn LRO off (%s)", name, strerror(-err));
    } else {
        saved->lro_turned_off = true;
    }
}

static void gro_on(const char *name, struct netdev_knobs *saved)
{
    bool on;
    if (netdev_get_gro(name, &on) || on) {
        return;
    }
    int err = netdev_set_gro(name, true);
    if (err) {
        VLOG_INFO("%s: GRO stays off (%s)", name, strerror(-err));
    } else {
        saved->gro_turned_on = true;
    }
}

void netdev_knobs_take(const char *name, struct netdev_knobs *saved)
{
    *saved = (struct netdev_knobs) { .lro_turned_off = false };
    lro_off(name, saved);
    gro_on(name, saved);
}

void netdev_knobs_restore(const char *name, struct netdev_knobs *saved)
{
    if (saved->gro_turned_on) {
        int err = netdev_set_gro(name, false);
        if (err && err != -ENODEV) {
            VLOG_WARN("%s: could not turn GRO back off (%s)", name,
                      strerror(-err));
        }
    }
    if (saved->lro_turned_off) {
        int err = netdev_set_lro(name, true);
        if (err && err != -ENODEV) {
            VLOG_WARN("%s: could not turn LRO back on (%s)", name,
                      strerror(-err));
        }
    }
    *saved = (struct netdev_knobs) { .lro_turned_off = false };
}

/* ---- internal devices of this process ---- */

#define INTERNAL_MAX 256

static pthread_mutex_t internal_lock = PTHREAD_MUTEX_INITIALIZER;
static char internal_names[INTERNAL_MAX][IFNAMSIZ];

int netdev_internal_add(const char *name)
{
    int err = -ENOSPC;
    pthread_mutex_lock(&internal_lock);
    for (int i = 0; i < INTERNAL_MAX; i++) {
        if (!internal_names[i][0]) {
            strncpy(internal_names[i], name, IFNAMSIZ - 1);
            err = 0;
            break;
        }
    }
    pthread_mutex_unlock(&internal_lock);
    return err;
}

void netdev_internal_remove(const char *name)
{
    pthread_mutex_lock(&internal_lock);
    for (int i = 0; i < INTERNAL_MAX; i++) {
        if (!strncmp(internal_names[i], name, IFNAMSIZ)) {
            internal_names[i][0] = '\0';
            break;
        }
    }
    pthread_mutex_unlock(&internal_lock);
}

bool netdev_is_internal(const char *name)
{
    bool found = false;
    pthread_mutex_lock(&internal_lock);
    for (int i = 0; i < INTERNAL_MAX && !found; i++) {
        found = internal_names[i][0]
                && !strncmp(internal_names[i], name, IFNAMSIZ);
    }
    pthread_mutex_unlock(&internal_lock);
    return found;
}

void netdev_fill_status(const char *name, struct vport_status *st)
{
    memset(st, 0, sizeof *st);
    st->link_up = -1;
    st->mtu = -1;
    snprintf(st->ifindex_name, sizeof st->ifindex_name, "%s", name);
    struct netdev_info info;
    if (netdev_get_info(name, &info)) {
        return;
    }
    st->link_up = (info.flags & IFF_UP) && (info.flags & IFF_RUNNING);
    st->mtu = info.mtu;
    memcpy(st->mac, info.mac, sizeof st->mac);
    st->has_mac = info.has_mac;
}
