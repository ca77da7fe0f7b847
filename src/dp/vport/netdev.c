/* The "system" port: an existing Ethernet device, read and written through
 * an AF_PACKET socket.
 *
 * Receive is a memory-mapped TPACKET_V2 ring: the datapath gets packets that
 * point into the ring frames (no copy), with PACKET_RESERVE giving them
 * PACKET_HEADROOM in front; the frames go back to the kernel at the next
 * recv.  V2 rather than V3: a V3 block reaches userspace only when full or
 * after its retire timer (>= 1 ms), which delays sparse traffic such as TCP
 * ACKs and ping.  Frames are sized for the device's MTU (2-4 KiB), so that
 * the ring holds thousands of them: a ring of 64 KiB frames held a few
 * hundred, and overflowed whenever the forwarder lost its CPU for a moment.
 * A frame that does not fit (a GSO super-frame, or over the MTU) goes whole
 * to the socket's queue (PACKET_COPY_THRESH), its truncated ring frame marked
 * TP_STATUS_COPY in ring order; recv reads it from there with recvmsg into
 * one of the port's big buffers — the one copy the ring would have made.
 *
 * PACKET_VNET_HDR keeps GSO/TSO super-frames and partial checksums intact
 * from one port to the next: the virtio_net_hdr in front of each received
 * frame goes into p->md.offload and is written back in front of each sent
 * frame.  Transmit copies small frames into a queue that flush sends with
 * one sendmmsg (bypassing the qdisc); large frames (GSO) are sent at once,
 * where the kernel's own copy is the only one.  Not a TPACKET tx ring: its
 * skbs point at the ring's pages and give the frame back to userspace when
 * the skb is orphaned, which veth does as a frame crosses into another
 * namespace (skb_scrub_packet) while the receiver still holds those pages,
 * so a reused frame could rewrite data the receiver has not read yet.
 *
 * As in the seed, the device is made promiscuous while attached and LRO is
 * turned off; GRO is turned on (when the device lets it): unlike LRO it keeps
 * what segmentation needs to undo it, and it turns the MTU-sized frames of a
 * host without TSO into super-frames before they reach the ring, one trip
 * through the datapath per 64 KiB instead of per frame.  Destroy restores
 * all three.  The knobs live in netdev_util (netdev_knobs_take/_restore,
 * netdev_promisc_hold).  Promiscuity is taken with PACKET_MR_PROMISC, which
 * raises the kernel's promiscuity count (what `ip -d link` shows as
 * "promiscuity N") exactly like the seed's dev_set_promiscuity(dev, 1), and
 * which the kernel drops when the socket closes, so even a crashed switch
 * leaves the device as it found it. */
#include "dp/vport/vport.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/sockios.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dp/net_headers.h"
#include "dp/vport/netdev_util.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(vport_netdev);

/* Ring geometry: frames of 2 or 4 KiB (a power of two that holds an MTU
 * frame after the tpacket header, PACKET_RESERVE and the vnet header), in
 * blocks of 64 KiB; 4096 frames by default (option rx_ring_frames). */
#define RX_BLOCK_SIZE (1u << 16)
#define RX_FRAME_MIN 2048u
#define RX_FRAME_MAX 4096u
#define RX_FRAME_OVERHEAD 256u     /* tpacket2 header + reserve + vnet hdr */
#define RX_DEFAULT_FRAMES 4096u
#define RX_MAX_FRAMES 65536u

/* Frames that do not fit the ring: at most RX_BIG_BUFS per batch, each read
 * into a buffer with headroom, an optional VLAN tag and a super-frame; the
 * socket queue they wait in holds RX_QUEUE_BYTES. */
#define RX_BIG_BUFS 16u
#define RX_BIG_SIZE (PACKET_HEADROOM + PACKET_MAX_LEN + 256u)
#define RX_QUEUE_BYTES (8 << 20)

/* Frames up to this size are queued for sendmmsg; larger ones go at once. */
#define TX_SMALL_MAX 2048u

#define STATS_FOLD_EVERY 65536u    /* recv calls between PACKET_STATISTICS */
#define VNET_HDR_LEN sizeof(struct virtio_net_hdr)

struct netdev_port {
    int fd;
    int ifindex;

    /* Receive ring. */
    uint8_t *ring;
    size_t ring_len;
    uint32_t frame_size, frames_per_block;
    uint32_t n_frames, head;
    uint8_t *big_bufs;                         /* RX_BIG_BUFS of them */
    uint32_t n_held;                           /* frames lent to the caller */
    struct tpacket2_hdr *held[PACKET_BATCH_MAX];
    struct dp_packet pkts[PACKET_BATCH_MAX];
    uint32_t recv_calls;

    /* Transmit queue (send may be called from the control thread too). */
    pthread_spinlock_t tx_lock;
    uint32_t n_txq;
    struct sockaddr_ll tx_addr;
    struct virtio_net_hdr tx_vnet[PACKET_BATCH_MAX];
    struct iovec tx_iov[PACKET_BATCH_MAX][2];
    struct mmsghdr tx_msgs[PACKET_BATCH_MAX];
    uint8_t *tx_bufs;                          /* PACKET_BATCH_MAX slots */

    struct netdev_knobs knobs;                 /* what destroy restores */
};

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 5);

static struct netdev_port *port_of(const struct vport *vp)
{
    return vp->priv;
}

/* ---- creation ---- */

/* Checks the device exists and may be wrapped; fills `info`. */
static int check_device(const char *name, struct netdev_info *info,
                        char *err, size_t errlen)
{
    int error = netdev_get_info(name, info);
    if (error == -ENODEV || error == -EINVAL) {
        snprintf(err, errlen, "could not open network device %s (%s)",
                 name, strerror(ENODEV));
        return -ENODEV;
    }
    if (error) {
        snprintf(err, errlen, "could not open network device %s (%s)",
                 name, strerror(-error));
        return error;
    }
    if ((info->flags & IFF_LOOPBACK) || info->type == ARPHRD_LOOPBACK) {
        snprintf(err, errlen, "could not add network device %s: a loopback "
                 "device cannot be a system port (%s)", name,
                 strerror(EINVAL));
        return -EINVAL;
    }
    if (info->type != ARPHRD_ETHER) {
        snprintf(err, errlen, "could not add network device %s: not an "
                 "Ethernet device (link type %u) (%s)", name, info->type,
                 strerror(EINVAL));
        return -EINVAL;
    }
    if (netdev_is_internal(name)) {
        snprintf(err, errlen, "could not add network device %s: it is an "
                 "internal device of this switch (%s)", name,
                 strerror(EINVAL));
        return -EINVAL;
    }
    return 0;
}

static int setopt_int(int fd, int opt, int val)
{
    return setsockopt(fd, SOL_PACKET, opt, &val, sizeof val) ? -errno : 0;
}

/* Socket options that must come before the ring, then the ring, then the
 * binding (so no frame arrives before the ring exists). */
static int open_socket(struct netdev_port *np, uint32_t n_frames,
                       const char **what)
{
    np->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (np->fd < 0) {
        *what = "socket(AF_PACKET)";
        return -errno;
    }
    int error;
    if ((error = setopt_int(np->fd, PACKET_VERSION, TPACKET_V2))) {
        *what = "PACKET_VERSION";
        return error;
    }
    if ((error = setopt_int(np->fd, PACKET_VNET_HDR, 1))) {
        *what = "PACKET_VNET_HDR";
        return error;
    }
    if ((error = setopt_int(np->fd, PACKET_RESERVE, PACKET_HEADROOM))) {
        *what = "PACKET_RESERVE";
        return error;
    }
    if ((error = setopt_int(np->fd, PACKET_COPY_THRESH, 1))) {
        *what = "PACKET_COPY_THRESH";
        return error;
    }
    /* Room for the big frames' queue; FORCE lifts rmem_max (root). */
    int qbytes = RX_QUEUE_BYTES;
    if (setsockopt(np->fd, SOL_SOCKET, SO_RCVBUFFORCE, &qbytes,
                   sizeof qbytes)) {
        setsockopt(np->fd, SOL_SOCKET, SO_RCVBUF, &qbytes, sizeof qbytes);
    }
    uint32_t n_blocks = (n_frames + np->frames_per_block - 1)
                        / np->frames_per_block;
    struct tpacket_req req = {
        .tp_block_size = RX_BLOCK_SIZE,
        .tp_block_nr = n_blocks,
        .tp_frame_size = np->frame_size,
        .tp_frame_nr = n_blocks * np->frames_per_block,
    };
    if (setsockopt(np->fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req)) {
        *what = "PACKET_RX_RING";
        return -errno;
    }
    np->ring_len = (size_t)RX_BLOCK_SIZE * n_blocks;
    np->ring = mmap(NULL, np->ring_len, PROT_READ | PROT_WRITE,
                    MAP_SHARED | MAP_POPULATE, np->fd, 0);
    if (np->ring == MAP_FAILED) {
        np->ring = NULL;
        *what = "mmap of the receive ring";
        return -errno;
    }
    np->n_frames = req.tp_frame_nr;
    /* Both are optimisations: carry on without them on old kernels. */
    setopt_int(np->fd, PACKET_QDISC_BYPASS, 1);
    if ((error = setopt_int(np->fd, PACKET_IGNORE_OUTGOING, 1))) {
        *what = "PACKET_IGNORE_OUTGOING";
        return error;
    }
    struct sockaddr_ll sll = {
        .sll_family = AF_PACKET,
        .sll_protocol = htons(ETH_P_ALL),
        .sll_ifindex = np->ifindex,
    };
    if (bind(np->fd, (struct sockaddr *)&sll, sizeof sll)) {
        *what = "bind";
        return -errno;
    }
    if ((error = netdev_promisc_hold(np->fd, np->ifindex))) {
        *what = "PACKET_MR_PROMISC";
        return error;
    }
    return 0;
}

/* Sent frames carry protocol 0, so the kernel takes skb->protocol from the
 * Ethernet header (GSO segmentation needs the real one). */
static void init_tx(struct netdev_port *np)
{
    np->tx_addr = (struct sockaddr_ll) { .sll_family = AF_PACKET,
                                         .sll_ifindex = np->ifindex };
    for (uint32_t i = 0; i < PACKET_BATCH_MAX; i++) {
        struct msghdr *m = &np->tx_msgs[i].msg_hdr;
        np->tx_iov[i][0].iov_base = &np->tx_vnet[i];
        np->tx_iov[i][0].iov_len = VNET_HDR_LEN;
        np->tx_iov[i][1].iov_base = np->tx_bufs + (size_t)i * TX_SMALL_MAX;
        m->msg_name = &np->tx_addr;
        m->msg_namelen = sizeof np->tx_addr;
        m->msg_iov = np->tx_iov[i];
        m->msg_iovlen = 2;
    }
}

/* The smallest power-of-two frame (within the limits) that holds a frame
 * of the device's MTU after the ring's own headers. */
static void set_frame_size(struct netdev_port *np, int mtu)
{
    uint32_t need = RX_FRAME_OVERHEAD + ETH_HEADER_LEN + VLAN_HEADER_LEN
                    + (mtu > 0 ? (uint32_t)mtu : ETH_DATA_LEN);
    uint32_t size = RX_FRAME_MIN;
    while (size < need && size < RX_FRAME_MAX) {
        size *= 2;
    }
    np->frame_size = size;
    np->frames_per_block = RX_BLOCK_SIZE / size;
}

static void close_port(struct netdev_port *np)
{
    if (np->ring) {
        munmap(np->ring, np->ring_len);
    }
    if (np->fd >= 0) {
        close(np->fd);
    }
    pthread_spin_destroy(&np->tx_lock);
    free(np->tx_bufs);
    if (np->big_bufs) {
        munmap(np->big_bufs, (size_t)RX_BIG_BUFS * RX_BIG_SIZE);
    }
    free(np);
}

static int netdev_create(struct vport *vp, const struct vport_opt *opts,
                         size_t n_opts, char *err, size_t errlen)
{
    struct netdev_info info;
    int error = check_device(vp->name, &info, err, errlen);
    if (error) {
        return error;
    }
    uint32_t n_frames = RX_DEFAULT_FRAMES;
    const char *frames = vport_opt_get(opts, n_opts, "rx_ring_frames");
    if (frames) {
        char *end;
        unsigned long v = strtoul(frames, &end, 10);
        if (*frames < '0' || *frames > '9' || *end || v < PACKET_BATCH_MAX
            || v > RX_MAX_FRAMES) {
            snprintf(err, errlen, "%s: rx_ring_frames must be %u..%u",
                     vp->name, PACKET_BATCH_MAX, RX_MAX_FRAMES);
            return -EINVAL;
        }
        n_frames = (uint32_t)v;
    }
    struct netdev_port *np = xcalloc(1, sizeof *np);
    np->fd = -1;
    np->ifindex = info.ifindex;
    set_frame_size(np, info.mtu);
    pthread_spin_init(&np->tx_lock, PTHREAD_PROCESS_PRIVATE);
    np->tx_bufs = xmalloc((size_t)PACKET_BATCH_MAX * TX_SMALL_MAX);
    /* mmap, not malloc: glibc raises its mmap threshold to the size of
     * a freed mmapped chunk, so after one port's 1 MiB went, the next
     * ports' came from the heap, whose freed pages stay resident: RSS grew
     * by steps of 1 MiB while ports came and went under traffic. */
    np->big_bufs = mmap(NULL, (size_t)RX_BIG_BUFS * RX_BIG_SIZE,
                        PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                        -1, 0);
    if (np->big_bufs == MAP_FAILED) {
        np->big_bufs = NULL;
        snprintf(err, errlen, "could not open network device %s: mmap of "
                 "the big-frame buffers failed (%s)", vp->name,
                 strerror(errno));
        close_port(np);
        return -ENOMEM;
    }
    const char *what = "setup";     /* open_socket names the failed step */
    error = open_socket(np, n_frames, &what);
    if (error) {
        snprintf(err, errlen, "could not open network device %s: %s "
                 "failed (%s)", vp->name, what, strerror(-error));
        close_port(np);
        return error;
    }
    init_tx(np);
    netdev_knobs_take(vp->name, &np->knobs);
    vp->priv = np;
    return 0;
}

static void netdev_destroy(struct vport *vp)
{
    struct netdev_port *np = port_of(vp);
    if (!np) {
        return;
    }
    netdev_knobs_restore(vp->name, &np->knobs);
    close_port(np);      /* closing the socket drops its promiscuity */
    vp->priv = NULL;
}

/* ---- receive ---- */

/* Blocks hold a whole number of frames, so frames are contiguous. */
static struct tpacket2_hdr *ring_frame(const struct netdev_port *np,
                                       uint32_t i)
{
    return (struct tpacket2_hdr *)(np->ring + (size_t)i * np->frame_size);
}

static void release_held(struct netdev_port *np)
{
    for (uint32_t i = 0; i < np->n_held; i++) {
        __atomic_store_n(&np->held[i]->tp_status, TP_STATUS_KERNEL,
                         __ATOMIC_RELEASE);
    }
    np->n_held = 0;
}

/* Adds the kernel's ring drops since the last call to rx_dropped. */
static void fold_ring_drops(struct vport *vp, const struct netdev_port *np)
{
    struct tpacket_stats st;
    socklen_t len = sizeof st;
    if (!getsockopt(np->fd, SOL_PACKET, PACKET_STATISTICS, &st, &len)
        && st.tp_drops) {
        vport_count_rx_dropped(vp, DP_DROP_RX_QUEUE_FULL, st.tp_drops);
    }
}

/* Puts back the 802.1Q tag the device stripped (VLAN offload). */
static bool restore_vlan(struct dp_packet *p, const struct tpacket2_hdr *h,
                         uint32_t status)
{
    if (p->len < 2 * ETH_ADDR_LEN || !dp_packet_push(p, VLAN_HEADER_LEN)) {
        return false;
    }
    uint8_t *d = dp_packet_data(p);
    memmove(d, d + VLAN_HEADER_LEN, 2 * ETH_ADDR_LEN);
    /* The tag goes where the ethertype was, the addresses before it. */
    struct vlan_header *vlan = (struct vlan_header *)
                               (d + offsetof(struct eth_header, type));
    uint16_t tpid = (status & TP_STATUS_VLAN_TPID_VALID) && h->tp_vlan_tpid
                    ? h->tp_vlan_tpid : ETH_TYPE_VLAN;
    vlan->tpid = htons(tpid);
    vlan->tci = htons(h->tp_vlan_tci);
    struct packet_offload *o = &p->md.offload;
    if (o->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
        o->csum_start += VLAN_HEADER_LEN;
    }
    if (o->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
        o->hdr_len += VLAN_HEADER_LEN;
    }
    return true;
}

/* What became of a received frame. */
enum rx_verdict { RX_OK, RX_DROPPED, RX_BAD };

static void vnet_to_offload(const struct virtio_net_hdr *vh,
                            struct packet_offload *o)
{
    *o = (struct packet_offload) {
        .flags = vh->flags, .gso_type = vh->gso_type, .hdr_len = vh->hdr_len,
        .gso_size = vh->gso_size, .csum_start = vh->csum_start,
        .csum_offset = vh->csum_offset,
    };
}

/* Turns ring frame `h` into packet `p`. */
static enum rx_verdict frame_to_packet(struct vport *vp,
                                       const struct netdev_port *np,
                                       struct tpacket2_hdr *h,
                                       uint32_t status, struct dp_packet *p)
{
    const uint32_t base_ofs = TPACKET2_HDRLEN;
    if (h->tp_snaplen != h->tp_len) {
        /* Too big for a frame, and the socket's queue had no room. */
        return RX_DROPPED;
    }
    if (h->tp_mac < base_ofs + VNET_HDR_LEN
        || (uint64_t)h->tp_mac + h->tp_snaplen > np->frame_size) {
        return RX_BAD;
    }
    uint8_t *frame = (uint8_t *)h;
    dp_packet_init(p, frame + base_ofs, np->frame_size - base_ofs,
                   h->tp_mac - base_ofs);
    p->len = h->tp_snaplen;
    struct virtio_net_hdr vh;
    memcpy(&vh, frame + h->tp_mac - VNET_HDR_LEN, sizeof vh);
    vnet_to_offload(&vh, &p->md.offload);
    vport_receive_prepare(vp, p, NULL);
    return !(status & TP_STATUS_VLAN_VALID) || restore_vlan(p, h, status)
           ? RX_OK : RX_BAD;
}

/* Reads the frame that ring frame `h` stands for (TP_STATUS_COPY) from the
 * socket's queue into big buffer `slot`, as packet `p`.  The queue holds
 * these frames in ring order, so the next one is `h`'s. */
static enum rx_verdict big_to_packet(struct vport *vp,
                                     const struct netdev_port *np,
                                     const struct tpacket2_hdr *h,
                                     uint32_t status, struct dp_packet *p,
                                     uint32_t slot)
{
    uint8_t *buf = np->big_bufs + (size_t)slot * RX_BIG_SIZE;
    struct virtio_net_hdr vh;
    struct iovec iov[2] = {
        { .iov_base = &vh, .iov_len = VNET_HDR_LEN },
        { .iov_base = buf + PACKET_HEADROOM,
          .iov_len = RX_BIG_SIZE - PACKET_HEADROOM },
    };
    struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
    ssize_t n;
    do {
        n = recvmsg(np->fd, &m, MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return RX_DROPPED;
    }
    if ((m.msg_flags & MSG_TRUNC)
        || (size_t)n < VNET_HDR_LEN + ETH_HEADER_LEN
        || (size_t)n - VNET_HDR_LEN != h->tp_len) {
        return RX_BAD;
    }
    dp_packet_init(p, buf, RX_BIG_SIZE, PACKET_HEADROOM);
    p->len = (uint32_t)n - VNET_HDR_LEN;
    vnet_to_offload(&vh, &p->md.offload);
    vport_receive_prepare(vp, p, NULL);
    return !(status & TP_STATUS_VLAN_VALID) || restore_vlan(p, h, status)
           ? RX_OK : RX_BAD;
}

static int netdev_recv(struct vport *vp, struct dp_packet_batch *batch)
{
    struct netdev_port *np = port_of(vp);
    release_held(np);
    if (++np->recv_calls % STATS_FOLD_EVERY == 0) {
        fold_ring_drops(vp, np);
    }
    uint32_t n_bad = 0, n_dropped = 0, n_big = 0;
    uint64_t bytes = 0;
    dp_packet_batch_init(batch);
    while (np->n_held < PACKET_BATCH_MAX) {
        struct tpacket2_hdr *h = ring_frame(np, np->head);
        uint32_t status = __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
        bool big = status & TP_STATUS_COPY;
        if (!(status & TP_STATUS_USER) || (big && n_big == RX_BIG_BUFS)) {
            break;
        }
        np->head = np->head + 1 == np->n_frames ? 0 : np->head + 1;
        np->held[np->n_held++] = h;
        struct dp_packet *p = &np->pkts[batch->count];
        enum rx_verdict v = big ? big_to_packet(vp, np, h, status, p, n_big++)
                                : frame_to_packet(vp, np, h, status, p);
        if (v == RX_OK) {
            bytes += p->len;
            dp_packet_batch_add(batch, p);
        } else if (v == RX_DROPPED) {
            n_dropped++;
        } else {
            n_bad++;
        }
    }
    if (n_dropped) {
        vport_count_rx_dropped(vp, DP_DROP_RX_QUEUE_FULL, n_dropped);
    }
    if (n_bad) {
        vport_count_rx_error(vp, DP_DROP_RX_INVALID, n_bad);
        VLOG_WARN_RL(&rl, "%s: dropped %u truncated or malformed frames",
                     vp->name, n_bad);
    }
    if (batch->count) {
        vport_count_rx(vp, batch->count, bytes);
    }
    return (int)batch->count;
}

/* ---- transmit ---- */

static void offload_to_vnet(const struct packet_offload *o,
                            struct virtio_net_hdr *vh)
{
    *vh = (struct virtio_net_hdr) {
        .flags = o->flags, .gso_type = o->gso_type, .hdr_len = o->hdr_len,
        .gso_size = o->gso_size, .csum_start = o->csum_start,
        .csum_offset = o->csum_offset,
    };
}

/* Counts a failed transmission: a down or busy device drops, the rest is an
 * error (a bad vnet header, a frame over the MTU...). */
static void count_tx_failure(struct vport *vp, int error)
{
    if (error == EAGAIN || error == ENOBUFS || error == ENETDOWN
        || error == ENXIO || error == ENODEV) {
        vport_count_tx_dropped(vp, dp_drop_reason_of_errno(error), 1);
    } else {
        vport_count_tx_error(vp, dp_drop_reason_of_errno(error), 1);
        VLOG_WARN_RL(&rl, "%s: send failed (%s)", vp->name, strerror(error));
    }
}

static void flush_locked(struct vport *vp, struct netdev_port *np)
{
    uint32_t done = 0;
    while (done < np->n_txq) {
        int n = sendmmsg(np->fd, np->tx_msgs + done, np->n_txq - done,
                         MSG_DONTWAIT);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {          /* the first one failed: count it, go on */
            count_tx_failure(vp, n < 0 ? errno : EIO);
            done++;
            continue;
        }
        uint64_t bytes = 0;
        for (uint32_t i = done; i < done + (uint32_t)n; i++) {
            bytes += np->tx_iov[i][1].iov_len;
        }
        vport_count_tx(vp, (uint32_t)n, bytes);
        done += (uint32_t)n;
    }
    np->n_txq = 0;
}

static void send_now(struct vport *vp, struct netdev_port *np,
                     const struct dp_packet *p)
{
    struct virtio_net_hdr vh;
    offload_to_vnet(&p->md.offload, &vh);
    struct iovec iov[2] = {
        { .iov_base = &vh, .iov_len = VNET_HDR_LEN },
        { .iov_base = dp_packet_data(p), .iov_len = p->len },
    };
    struct msghdr m = { .msg_name = &np->tx_addr,
                        .msg_namelen = sizeof np->tx_addr,
                        .msg_iov = iov, .msg_iovlen = 2 };
    ssize_t n;
    do {
        n = sendmsg(np->fd, &m, MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        count_tx_failure(vp, errno);
    } else {
        vport_count_tx(vp, 1, p->len);
    }
}

static int netdev_send(struct vport *vp, const struct dp_packet *p)
{
    struct netdev_port *np = port_of(vp);
    if (p->len < ETH_HEADER_LEN) {
        vport_count_tx_error(vp, DP_DROP_TX_ERROR, 1);
        return -EINVAL;
    }
    pthread_spin_lock(&np->tx_lock);
    if (p->len > TX_SMALL_MAX || np->n_txq == PACKET_BATCH_MAX) {
        flush_locked(vp, np);          /* keep the order of the frames */
    }
    if (p->len > TX_SMALL_MAX) {
        send_now(vp, np, p);
    } else {
        uint32_t i = np->n_txq++;
        offload_to_vnet(&p->md.offload, &np->tx_vnet[i]);
        memcpy(np->tx_iov[i][1].iov_base, dp_packet_data(p), p->len);
        np->tx_iov[i][1].iov_len = p->len;
    }
    pthread_spin_unlock(&np->tx_lock);
    return 0;
}

static void netdev_flush(struct vport *vp)
{
    struct netdev_port *np = port_of(vp);
    pthread_spin_lock(&np->tx_lock);
    if (np->n_txq) {
        flush_locked(vp, np);
    }
    pthread_spin_unlock(&np->tx_lock);
}

/* ---- control ---- */

static int netdev_get_fd(const struct vport *vp)
{
    return port_of(vp)->fd;
}

static void netdev_get_status(const struct vport *vp, struct vport_status *st)
{
    /* The ring's drop counter resets when read; the control thread folds it
     * in too, so that a reader sees drops even while no packet arrives. */
    fold_ring_drops((struct vport *)vp, port_of(vp));
    netdev_fill_status(vp->name, st);
}

const struct vport_ops vport_netdev_ops = {
    .type = "system",
    .create = netdev_create,
    .destroy = netdev_destroy,
    .send = netdev_send,
    .flush = netdev_flush,
    .recv = netdev_recv,
    .get_fd = netdev_get_fd,
    .recv_costs_no_syscall = true,
    .get_status = netdev_get_status,
};
