/* The "internal" port: a TAP device named as the port, which the host sees
 * as an ordinary network device (it can take an address, be captured on).
 *
 * What the host transmits on the device is read from the TAP fd and enters
 * the datapath (rx of the port); what the datapath sends to the port is
 * written to the fd and received by the host (tx of the port).  IFF_VNET_HDR
 * and TUNSETOFFLOAD let TSO super-frames and partial checksums cross in both
 * directions.  The device is not persistent: closing the fd deletes it.
 *
 * A device that is down (no IFF_UP) receives nothing.  The seed counts such
 * frames in the device's rx_dropped; a userspace switch cannot touch the
 * Linux device's counters, so we drop them before the write and count them
 * as the port's tx_dropped (the counter `dpctl/show -s` prints for
 * datapath -> device).  The up state is cached and re-read every
 * UP_CHECK_MS, so the forwarding thread makes no syscall per frame for it. */
#include "dp/vport/vport.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "dp/vport/netdev_util.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(vport_internal);

#define RX_BUF_SIZE (PACKET_HEADROOM + PACKET_MAX_LEN)
#define VNET_HDR_LEN sizeof(struct virtio_net_hdr)
#define UP_CHECK_MS 50

struct internal_port {
    int fd;                 /* the TAP queue */
    int ctl_fd;             /* for SIOCGIFFLAGS */
    uint8_t *rx_bufs;       /* PACKET_BATCH_MAX buffers of RX_BUF_SIZE */
    struct dp_packet pkts[PACKET_BATCH_MAX];
    bool up;                /* cached IFF_UP */
    uint64_t up_checked_ms;
    bool registered;
};

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 5);

static struct internal_port *port_of(const struct vport *vp)
{
    return vp->priv;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Opens the TAP device `name` with vnet headers and host offloads. */
static int open_tap(const char *name, int *fdp, const char **what)
{
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        *what = "open /dev/net/tun";
        return -errno;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
    int hdr_len = (int)VNET_HDR_LEN;
    unsigned int offloads = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6
                            | TUN_F_TSO_ECN;
    int error = 0;
    if (ioctl(fd, TUNSETIFF, &ifr)) {
        *what = "TUNSETIFF";
        error = -errno;
    } else if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_len)) {
        *what = "TUNSETVNETHDRSZ";
        error = -errno;
    } else if (ioctl(fd, TUNSETOFFLOAD, offloads)) {
        *what = "TUNSETOFFLOAD";
        error = -errno;
    }
    if (error) {
        close(fd);
        return error;
    }
    *fdp = fd;
    return 0;
}

static void free_port(struct internal_port *ip)
{
    if (ip->fd >= 0) {
        close(ip->fd);
    }
    if (ip->ctl_fd >= 0) {
        close(ip->ctl_fd);
    }
    free(ip->rx_bufs);
    free(ip);
}

static int internal_create(struct vport *vp, const struct vport_opt *opts,
                           size_t n_opts, char *err, size_t errlen)
{
    (void)opts;
    (void)n_opts;
    if (!netdev_name_valid(vp->name)) {
        snprintf(err, errlen, "%s: invalid device name (%s)", vp->name,
                 strerror(EINVAL));
        return -EINVAL;
    }
    /* TUNSETIFF would attach to a persistent TAP of the same name, which
     * destroy would then delete: refuse any existing device. */
    struct netdev_info info;
    if (!netdev_get_info(vp->name, &info)) {
        snprintf(err, errlen, "could not create internal device %s: a "
                 "device of that name exists (%s)", vp->name,
                 strerror(EEXIST));
        return -EEXIST;
    }
    struct internal_port *ip = xcalloc(1, sizeof *ip);
    ip->fd = -1;
    ip->rx_bufs = xmalloc((size_t)PACKET_BATCH_MAX * RX_BUF_SIZE);
    ip->ctl_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const char *what = "socket";    /* open_tap names its failed step */
    int error = ip->ctl_fd < 0 ? -errno : open_tap(vp->name, &ip->fd, &what);
    if (!error) {
        error = netdev_internal_add(vp->name);
        what = "registering the device";
        ip->registered = !error;
    }
    if (error) {
        snprintf(err, errlen, "could not create internal device %s: %s "
                 "failed (%s)", vp->name, what, strerror(-error));
        free_port(ip);
        return error;
    }
    vp->priv = ip;
    return 0;
}

static void internal_destroy(struct vport *vp)
{
    struct internal_port *ip = port_of(vp);
    if (!ip) {
        return;
    }
    if (ip->registered) {
        netdev_internal_remove(vp->name);
    }
    free_port(ip);          /* the last close deletes the device */
    vp->priv = NULL;
}

/* ---- receive: host -> datapath ---- */

static bool read_one(struct vport *vp, struct internal_port *ip,
                     struct dp_packet *p, uint8_t *buf, bool *again)
{
    struct virtio_net_hdr vh;
    dp_packet_init(p, buf, RX_BUF_SIZE, PACKET_HEADROOM);
    struct iovec iov[2] = {
        { .iov_base = &vh, .iov_len = VNET_HDR_LEN },
        { .iov_base = dp_packet_data(p), .iov_len = PACKET_MAX_LEN },
    };
    ssize_t n = readv(ip->fd, iov, 2);
    if (n < 0) {
        *again = errno == EAGAIN || errno == EINTR || errno == EIO;
        if (!*again) {
            vport_count_rx_error(vp, DP_DROP_RX_INVALID, 1);
            VLOG_WARN_RL(&rl, "%s: read failed (%s)", vp->name,
                         strerror(errno));
            *again = true;
        }
        return false;
    }
    if ((size_t)n < VNET_HDR_LEN + 14) {
        vport_count_rx_error(vp, DP_DROP_RX_INVALID, 1);
        return false;
    }
    p->len = (uint32_t)(n - (ssize_t)VNET_HDR_LEN);
    p->md.offload = (struct packet_offload) {
        .flags = vh.flags, .gso_type = vh.gso_type, .hdr_len = vh.hdr_len,
        .gso_size = vh.gso_size, .csum_start = vh.csum_start,
        .csum_offset = vh.csum_offset,
    };
    vport_receive_prepare(vp, p, NULL);
    return true;
}

static int internal_recv(struct vport *vp, struct dp_packet_batch *batch)
{
    struct internal_port *ip = port_of(vp);
    uint64_t bytes = 0;
    dp_packet_batch_init(batch);
    for (int tries = 0; tries < PACKET_BATCH_MAX; tries++) {
        struct dp_packet *p = &ip->pkts[batch->count];
        bool again = false;
        if (read_one(vp, ip, p, ip->rx_bufs
                     + (size_t)batch->count * RX_BUF_SIZE, &again)) {
            bytes += p->len;
            dp_packet_batch_add(batch, p);
        } else if (again) {
            break;
        }
    }
    if (batch->count) {
        vport_count_rx(vp, batch->count, bytes);
    }
    return (int)batch->count;
}

/* ---- send: datapath -> host ---- */

static bool device_up(const struct vport *vp, struct internal_port *ip)
{
    uint64_t now = now_ms();
    if (now - ip->up_checked_ms >= UP_CHECK_MS) {
        unsigned int flags;
        ip->up = !netdev_get_flags_fd(ip->ctl_fd, vp->name, &flags)
                 && (flags & IFF_UP);
        ip->up_checked_ms = now;
    }
    return ip->up;
}

static int internal_send(struct vport *vp, const struct dp_packet *p)
{
    struct internal_port *ip = port_of(vp);
    if (!device_up(vp, ip)) {
        vport_count_tx_dropped(vp, DP_DROP_PORT_DOWN, 1);
        return -ENETDOWN;
    }
    const struct packet_offload *o = &p->md.offload;
    struct virtio_net_hdr vh = {
        .flags = o->flags, .gso_type = o->gso_type, .hdr_len = o->hdr_len,
        .gso_size = o->gso_size, .csum_start = o->csum_start,
        .csum_offset = o->csum_offset,
    };
    struct iovec iov[2] = {
        { .iov_base = &vh, .iov_len = VNET_HDR_LEN },
        { .iov_base = dp_packet_data(p), .iov_len = p->len },
    };
    ssize_t n;
    do {
        n = writev(ip->fd, iov, 2);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        int error = errno;
        if (error == EAGAIN || error == EIO || error == ENOBUFS) {
            /* A TAP whose device is down answers EIO. */
            vport_count_tx_dropped(vp, error == EIO ? DP_DROP_PORT_DOWN
                                   : dp_drop_reason_of_errno(error), 1);
        } else {
            vport_count_tx_error(vp, dp_drop_reason_of_errno(error), 1);
            VLOG_WARN_RL(&rl, "%s: write failed (%s)", vp->name,
                         strerror(error));
        }
        return -error;
    }
    vport_count_tx(vp, 1, p->len);
    return 0;
}

/* ---- control ---- */

static int internal_get_fd(const struct vport *vp)
{
    return port_of(vp)->fd;
}

static void internal_get_status(const struct vport *vp,
                                struct vport_status *st)
{
    netdev_fill_status(vp->name, st);
}

const struct vport_ops vport_internal_ops = {
    .type = "internal",
    .create = internal_create,
    .destroy = internal_destroy,
    .send = internal_send,
    .flush = NULL,
    .recv = internal_recv,
    .get_fd = internal_get_fd,
    .get_status = internal_get_status,
};
