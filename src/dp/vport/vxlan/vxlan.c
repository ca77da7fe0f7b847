/* vxlan port: encapsulation into and decapsulation from a shared UDP
 * socket, with the tunnel metadata kept in md.tunnel.  See vxlan.h
 * for the design (one socket per local address and port, demultiplexing by
 * md.in_port). */
#include "dp/vport/vxlan/vxlan.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <linux/virtio_net.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <urcu.h>

#include "dp/flow_key.h"
#include "dp/net_headers.h"
#include "dp/vport/vxlan/config.h"
#include "dp/vport/vxlan/tso.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(vport_vxlan);

/* The largest UDP payload we take or give: a VXLAN header and a frame. */
#define VX_PAYLOAD_MAX (VXLAN_HEADER_LEN + PACKET_MAX_LEN)
#define VX_RX_SLOT (PACKET_HEADROOM + VX_PAYLOAD_MAX)
#define VX_CTRL_LEN 128

struct vx_rx {
    uint8_t *bufs;                          /* PACKET_BATCH_MAX slots */
    struct dp_packet pkts[PACKET_BATCH_MAX];
    struct mmsghdr msgs[PACKET_BATCH_MAX];
    struct iovec iov[PACKET_BATCH_MAX];
    struct sockaddr_in from[PACKET_BATCH_MAX];
    uint8_t ctrl[PACKET_BATCH_MAX][VX_CTRL_LEN]
        __attribute__((aligned(8)));
};

struct vx_tx {
    pthread_mutex_t lock;                   /* any thread may output here */
    uint32_t count;
    uint8_t *bufs;                          /* PACKET_BATCH_MAX slots */
    uint32_t inner_len[PACKET_BATCH_MAX];
    struct mmsghdr msgs[PACKET_BATCH_MAX];
    struct iovec iov[PACKET_BATCH_MAX];
    struct sockaddr_in to[PACKET_BATCH_MAX];
    uint8_t ctrl[PACKET_BATCH_MAX][VX_CTRL_LEN]
        __attribute__((aligned(8)));
};

struct vxlan_priv {
    struct vxlan_config cfg;
    struct vxlan_sock *sock;
    struct vx_rx rx;
    struct vx_tx tx;
};

/* What one packet is sent with. */
struct tx_params {
    uint32_t dst, src;          /* be32; src 0: the kernel's choice */
    uint32_t vni;
    uint8_t tos, ttl;
};

static struct vxlan_priv *vx_priv(const struct vport *vp)
{
    return vp->priv;
}

/* ------------------------------------------------------------- create */

static void free_priv(struct vxlan_priv *vx)
{
    if (vx) {
        free(vx->rx.bufs);
        free(vx->tx.bufs);
        pthread_mutex_destroy(&vx->tx.lock);
        free(vx);
    }
}

static struct vxlan_priv *alloc_priv(void)
{
    struct vxlan_priv *vx = xcalloc(1, sizeof *vx);
    pthread_mutex_init(&vx->tx.lock, NULL);
    /* Large but untouched until used: the pages come as frames arrive. */
    vx->rx.bufs = xmalloc((size_t)PACKET_BATCH_MAX * VX_RX_SLOT);
    vx->tx.bufs = xmalloc((size_t)PACKET_BATCH_MAX * VX_PAYLOAD_MAX);
    return vx;
}

static int vxlan_create(struct vport *vp, const struct vport_opt *opts,
                        size_t n_opts, char *err, size_t errlen)
{
    struct vxlan_config cfg;
    int error = vxlan_config_parse(vp->name, opts, n_opts, &cfg, err, errlen);
    if (error) {
        return error;
    }
    struct vxlan_priv *vx = alloc_priv();
    vx->cfg = cfg;
    vp->priv = vx;
    struct vxlan_sock_port me = {
        .vp = vp,
        .remote = cfg.remote,
        .vni = cfg.vni,
        .remote_flow = cfg.remote_flow,
        .key_flow = cfg.key_flow,
    };
    vx->sock = vxlan_sock_attach(vp->dp, cfg.local, cfg.dst_port, &me,
                                 &error, err, errlen);
    if (!vx->sock) {
        vp->priv = NULL;
        free_priv(vx);
        return error ? error : -EINVAL;
    }
    return 0;
}

static void vxlan_flush(struct vport *vp);

static void vxlan_destroy(struct vport *vp)
{
    struct vxlan_priv *vx = vx_priv(vp);
    if (!vx) {
        return;
    }
    vxlan_flush(vp);
    vxlan_sock_detach(vx->sock, vp);
    free_priv(vx);
    vp->priv = NULL;
}

/* ------------------------------------------------------------ receive */

/* Outer destination address, TOS and TTL from the control messages. */
static void read_cmsgs(struct msghdr *mh, uint32_t *dst, uint8_t *tos,
                       uint8_t *ttl)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
        if (c->cmsg_level != IPPROTO_IP) {
            continue;
        }
        if (c->cmsg_type == IP_PKTINFO
            && c->cmsg_len >= CMSG_LEN(sizeof(struct in_pktinfo))) {
            struct in_pktinfo pi;
            memcpy(&pi, CMSG_DATA(c), sizeof pi);
            *dst = pi.ipi_addr.s_addr;
        } else if (c->cmsg_type == IP_TOS && c->cmsg_len >= CMSG_LEN(1)) {
            *tos = *CMSG_DATA(c);
        } else if (c->cmsg_type == IP_TTL
                   && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
            int v;
            memcpy(&v, CMSG_DATA(c), sizeof v);
            *ttl = (uint8_t)v;
        }
    }
}

/* True when the datagram (`len` bytes) came whole and is a VXLAN header
 * with only the I flag and zero reserved fields, then an Ethernet header. */
static bool header_ok(const struct vxlan_header *vxh, uint32_t len,
                      int msg_flags)
{
    return !(msg_flags & (MSG_TRUNC | MSG_CTRUNC))
           && len >= VXLAN_HEADER_LEN + ETH_HEADER_LEN
           && vxh->flags == VXLAN_FLAG_I && !vxh->reserved1[0]
           && !vxh->reserved1[1] && !vxh->reserved1[2] && !vxh->reserved2;
}

/* The largest inner frame port `vp` takes: its mtu of L3 bytes, an
 * Ethernet header and two VLAN tags (802.1ad + 802.1Q), as a device of that
 * MTU receives them. */
static uint32_t inner_max(const struct vport *vp)
{
    return vx_priv(vp)->cfg.mtu + ETH_HEADER_LEN
           + FLOW_MAX_VLANS * VLAN_HEADER_LEN;
}

/* The tunnel metadata of datagram `i`, as it entered the socket. */
static void rx_tunnel(struct vxlan_priv *vx, int i, uint32_t vni,
                      struct flow_tnl *t)
{
    struct vx_rx *rx = &vx->rx;
    *t = (struct flow_tnl) {
        .tun_id = htobe64(vni),
        .ip_src = rx->from[i].sin_addr.s_addr,
        .ip_dst = vxlan_sock_local(vx->sock),
        .flags = FLOW_TNL_F_KEY,
        .tp_src = rx->from[i].sin_port,
        .tp_dst = htons(vxlan_sock_port(vx->sock)),
    };
    read_cmsgs(&rx->msgs[i].msg_hdr, &t->ip_dst, &t->ip_tos, &t->ip_ttl);
}

/* Turns datagram `i` into a packet of the port it belongs to, which may be
 * another port on the socket than `vp`, and adds it to `batch`; or counts
 * why not. */
static void rx_one(struct vport *vp, struct vxlan_priv *vx, int i,
                   struct dp_packet_batch *batch)
{
    struct vx_rx *rx = &vx->rx;
    struct msghdr *mh = &rx->msgs[i].msg_hdr;
    uint32_t len = rx->msgs[i].msg_len;
    uint8_t *slot = rx->bufs + (size_t)i * VX_RX_SLOT;
    const struct vxlan_header *vxh = (const void *)(slot + PACKET_HEADROOM);
    uint32_t src = rx->from[i].sin_addr.s_addr;
    uint32_t vni = len >= VXLAN_HEADER_LEN ? vxlan_get_vni(vxh) : 0;

    struct vport *blame = NULL;
    const struct vxlan_sock_port *e = vxlan_sock_match(vx->sock, src, vni,
                                                       &blame);
    if (!blame) {
        blame = vp;
    }
    if (!header_ok(vxh, len, mh->msg_flags)) {
        vxlan_sock_count_malformed(vx->sock);
        vport_count_rx_error(blame, DP_DROP_TNL_HEADER, 1);
        return;
    }
    if (!e) {
        vxlan_sock_count_unmatched(vx->sock);
        vport_count_rx_dropped(blame, DP_DROP_TNL_NO_PORT, 1);
        return;
    }
    if (len - VXLAN_HEADER_LEN > inner_max(e->vp)) {
        /* A reassembled datagram can carry up to 64 KB; no port of an MTU
         * the tunnel stands for could have sent it, so it stops here. */
        vport_count_rx_dropped(e->vp, DP_DROP_TOO_BIG, 1);
        return;
    }

    struct dp_packet *p = &rx->pkts[i];
    dp_packet_init(p, slot, VX_RX_SLOT, PACKET_HEADROOM + VXLAN_HEADER_LEN);
    p->len = len - VXLAN_HEADER_LEN;
    struct flow_tnl tun;
    rx_tunnel(vx, i, vni, &tun);
    vport_receive_prepare(e->vp, p, &tun);
    dp_packet_batch_add(batch, p);
    vport_count_rx(e->vp, 1, p->len);
}

static void rx_prepare(struct vx_rx *rx)
{
    for (int i = 0; i < PACKET_BATCH_MAX; i++) {
        rx->iov[i].iov_base = rx->bufs + (size_t)i * VX_RX_SLOT
                              + PACKET_HEADROOM;
        rx->iov[i].iov_len = VX_PAYLOAD_MAX;
        struct msghdr *mh = &rx->msgs[i].msg_hdr;
        memset(mh, 0, sizeof *mh);
        mh->msg_name = &rx->from[i];
        mh->msg_namelen = sizeof rx->from[i];
        mh->msg_iov = &rx->iov[i];
        mh->msg_iovlen = 1;
        mh->msg_control = rx->ctrl[i];
        mh->msg_controllen = VX_CTRL_LEN;
    }
}

/* Reads the shared socket for every port on it.  Each packet comes back in
 * `batch` with the in_port and tunnel metadata of the port it belongs to
 * (vport_receive_prepare), whichever port's recv read it, and is counted on
 * that port; datapath_poll_port processes them all.  Their buffers are this
 * port's, valid until its next recv. */
static int vxlan_recv(struct vport *vp, struct dp_packet_batch *batch)
{
    struct vxlan_priv *vx = vx_priv(vp);
    uint32_t room = PACKET_BATCH_MAX - batch->count;
    if (!room || !vxlan_sock_rx_trylock(vx->sock)) {
        return 0;       /* another port's recv is reading this socket now */
    }
    rx_prepare(&vx->rx);
    int n = recvmmsg(vxlan_sock_fd(vx->sock), vx->rx.msgs, room,
                     MSG_DONTWAIT, NULL);
    int saved = errno;
    vxlan_sock_rx_unlock(vx->sock);
    if (n <= 0) {
        return n < 0 && saved != EAGAIN && saved != EWOULDBLOCK
               && saved != EINTR ? -saved : 0;
    }
    uint32_t before = batch->count;
    rcu_read_lock();            /* for the socket's port set */
    for (int i = 0; i < n; i++) {
        rx_one(vp, vx, i, batch);
    }
    rcu_read_unlock();
    return (int)(batch->count - before);
}

/* --------------------------------------------------------------- send */

/* The inner frame's IP TOS and TTL, when it is IP (from the L3 offset). */
static bool inner_ip(const struct dp_packet *p, uint8_t *tos, uint8_t *ttl)
{
    uint16_t type = dp_packet_l3_type(p);
    if (type == htons(ETH_TYPE_IP)) {
        const struct ipv4_header *ip = (const void *)
            dp_packet_l3(p, IPV4_HEADER_LEN);
        if (ip) {
            *tos = ip->tos;
            *ttl = ip->ttl;
            return true;
        }
    } else if (type == htons(ETH_TYPE_IPV6)) {
        const struct ipv6_header *ip = (const void *)
            dp_packet_l3(p, IPV6_HEADER_LEN);
        if (ip) {
            *tos = (uint8_t)(ntohl(ip->vtc_flow) >> IPV6_TCLASS_SHIFT);
            *ttl = ip->hlimit;
            return true;
        }
    }
    return false;
}

/* `p` with valid header offsets: itself, or a copy in `view` whose offsets
 * are found now (a packet sent without passing flow_key_extract). */
static const struct dp_packet *with_offsets(const struct dp_packet *p,
                                            struct dp_packet *view)
{
    if (p->ofs_valid) {
        return p;
    }
    *view = *p;
    flow_key_set_offsets(view);
    return view;
}

/* Where and how `p` goes; false when remote_ip=flow and no set_tunnel gave
 * a destination. */
static bool tx_params(const struct vxlan_config *cfg,
                      const struct dp_packet *p, struct tx_params *tp)
{
    const struct flow_tnl *t = &p->md.tunnel;
    memset(tp, 0, sizeof *tp);
    tp->dst = cfg->remote_flow ? t->ip_dst : cfg->remote;
    if (!tp->dst) {
        return false;
    }
    tp->src = cfg->remote_flow && !cfg->local ? t->ip_src : 0;
    tp->vni = cfg->key_flow ? (uint32_t)(be64toh(t->tun_id) & VXLAN_VNI_MAX)
                            : cfg->vni;
    tp->ttl = cfg->remote_flow && t->ip_ttl ? t->ip_ttl : cfg->ttl;
    tp->tos = cfg->remote_flow && t->ip_tos ? t->ip_tos : cfg->tos;
    uint8_t in_tos = 0, in_ttl = VXLAN_DEFAULT_TTL;
    if (cfg->tos_inherit || cfg->ttl_inherit) {
        inner_ip(p, &in_tos, &in_ttl);
    }
    if (cfg->tos_inherit) {
        tp->tos = in_tos;
    }
    if (cfg->ttl_inherit) {
        tp->ttl = in_ttl ? in_ttl : VXLAN_DEFAULT_TTL;
    }
    return true;
}

static void put_cmsg(struct msghdr *mh, size_t *used, int type,
                     const void *data, size_t len)
{
    struct cmsghdr *c = (struct cmsghdr *)((uint8_t *)mh->msg_control
                                           + *used);
    memset(c, 0, CMSG_SPACE(len));
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(len);
    memcpy(CMSG_DATA(c), data, len);
    *used += CMSG_SPACE(len);
}

static void tx_commit(struct vx_tx *tx, uint32_t inner_len)
{
    uint32_t i = tx->count++;
    tx->inner_len[i] = inner_len;
    tx->iov[i].iov_len = VXLAN_HEADER_LEN + inner_len;
}

static void flush_locked(struct vport *vp, struct vx_tx *tx);

/* The next free slot with its VXLAN header and message set up; the frame
 * goes at the returned pointer and tx_commit sets its length. */
static uint8_t *tx_slot(struct vport *vp, struct vx_tx *tx,
                        const struct tx_params *tp)
{
    if (tx->count == PACKET_BATCH_MAX) {
        flush_locked(vp, tx);
    }
    uint32_t i = tx->count;
    uint8_t *h = tx->bufs + (size_t)i * VX_PAYLOAD_MAX;
    struct vxlan_header *vxh = (void *)h;
    memset(vxh, 0, sizeof *vxh);
    vxh->flags = VXLAN_FLAG_I;
    vxlan_set_vni(vxh, tp->vni);

    tx->to[i] = (struct sockaddr_in) {
        .sin_family = AF_INET,
        .sin_port = htons(vx_priv(vp)->cfg.dst_port),
        .sin_addr.s_addr = tp->dst,
    };
    tx->iov[i].iov_base = h;
    struct msghdr *mh = &tx->msgs[i].msg_hdr;
    memset(mh, 0, sizeof *mh);
    mh->msg_name = &tx->to[i];
    mh->msg_namelen = sizeof tx->to[i];
    mh->msg_iov = &tx->iov[i];
    mh->msg_iovlen = 1;
    mh->msg_control = tx->ctrl[i];
    size_t used = 0;
    int tos = tp->tos, ttl = tp->ttl;
    put_cmsg(mh, &used, IP_TOS, &tos, sizeof tos);
    put_cmsg(mh, &used, IP_TTL, &ttl, sizeof ttl);
    if (tp->src) {
        struct in_pktinfo pi = { .ipi_spec_dst.s_addr = tp->src };
        put_cmsg(mh, &used, IP_PKTINFO, &pi, sizeof pi);
    }
    mh->msg_controllen = used;
    return h + VXLAN_HEADER_LEN;
}

/* Queues the TCP segments of super-frame `p`; false when it cannot be
 * segmented (not TCP, bad headers). */
static bool queue_segments(struct vport *vp, struct vx_tx *tx,
                           const struct dp_packet *p,
                           const struct tx_params *tp)
{
    struct tso_iter it;
    if (tso_begin(&it, dp_packet_data(p), p->len, p->l3_ofs, p->l4_ofs,
                  p->md.offload.gso_size)) {
        return false;
    }
    for (;;) {
        uint8_t *out = tx_slot(vp, tx, tp);
        int n = tso_next(&it, out, PACKET_MAX_LEN);
        if (n <= 0) {
            return n == 0;
        }
        tx_commit(tx, (uint32_t)n);
    }
}

static bool is_tcp_gso(uint8_t gso_type)
{
    uint8_t base = gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;
    return base == VIRTIO_NET_HDR_GSO_TCPV4 || base == VIRTIO_NET_HDR_GSO_TCPV6;
}

/* Queues one frame whole, completing a pending checksum on the copy. */
static bool queue_frame(struct vport *vp, struct vx_tx *tx,
                        const struct dp_packet *p,
                        const struct tx_params *tp)
{
    const struct packet_offload *off = &p->md.offload;
    uint8_t *out = tx_slot(vp, tx, tp);
    memcpy(out, dp_packet_data(p), p->len);
    if ((off->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
        && tso_csum_complete(out, p->len, off->csum_start,
                             off->csum_offset)) {
        return false;
    }
    tx_commit(tx, p->len);
    return true;
}

static int vxlan_send(struct vport *vp, const struct dp_packet *p)
{
    struct vxlan_priv *vx = vx_priv(vp);
    struct dp_packet view;
    p = with_offsets(p, &view);
    struct tx_params tp;
    if (!tx_params(&vx->cfg, p, &tp)) {
        /* remote_ip=flow and no set_tunnel gave a destination */
        vport_count_tx_dropped(vp, DP_DROP_TNL_PUSH, 1);
        return -EDESTADDRREQ;
    }
    if (p->len > PACKET_MAX_LEN || p->len < ETH_HEADER_LEN) {
        vport_count_tx_error(vp, p->len > PACKET_MAX_LEN
                                 ? DP_DROP_TOO_BIG : DP_DROP_TNL_PUSH, 1);
        return -EMSGSIZE;
    }
    uint8_t gso = p->md.offload.gso_type;
    pthread_mutex_lock(&vx->tx.lock);
    bool ok = gso != VIRTIO_NET_HDR_GSO_NONE
              ? is_tcp_gso(gso) && queue_segments(vp, &vx->tx, p, &tp)
              : queue_frame(vp, &vx->tx, p, &tp);
    pthread_mutex_unlock(&vx->tx.lock);
    if (!ok) {
        vport_count_tx_error(vp, DP_DROP_TNL_PUSH, 1);
        return -EINVAL;
    }
    return 0;
}

static void flush_locked(struct vport *vp, struct vx_tx *tx)
{
    int fd = vxlan_sock_fd(vx_priv(vp)->sock);
    uint32_t i = 0;
    while (i < tx->count) {
        int n = sendmmsg(fd, &tx->msgs[i], tx->count - i, MSG_DONTWAIT);
        if (n <= 0) {
            /* The message at i failed: full buffers are drops, the rest
             * (no route, too big) are errors.  Go on with the next. */
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK
                          || errno == ENOBUFS)) {
                vport_count_tx_dropped(vp, DP_DROP_TX_NO_BUFFER, 1);
            } else {
                vport_count_tx_error(vp, n < 0 ? dp_drop_reason_of_errno(errno)
                                               : DP_DROP_TX_ERROR, 1);
            }
            i++;
            continue;
        }
        uint64_t bytes = 0;
        for (uint32_t k = i; k < i + (uint32_t)n; k++) {
            bytes += tx->inner_len[k];
        }
        vport_count_tx(vp, (uint32_t)n, bytes);
        i += (uint32_t)n;
    }
    tx->count = 0;
}

static void vxlan_flush(struct vport *vp)
{
    struct vxlan_priv *vx = vx_priv(vp);
    pthread_mutex_lock(&vx->tx.lock);
    if (vx->tx.count) {
        flush_locked(vp, &vx->tx);
    }
    pthread_mutex_unlock(&vx->tx.lock);
}

/* -------------------------------------------------------------- other */

static int vxlan_get_fd(const struct vport *vp)
{
    return vxlan_sock_fd(vx_priv(vp)->sock);
}

static void vxlan_get_status(const struct vport *vp, struct vport_status *st)
{
    (void)vp;
    memset(st, 0, sizeof *st);
    st->link_up = 1;
    st->mtu = -1;
}

static void vxlan_format_config(const struct vport *vp, char *buf,
                                size_t size)
{
    vxlan_config_format(&vx_priv(vp)->cfg, buf, size);
}

int vport_vxlan_sock_stats(const struct vport *vp, struct vxlan_sock_stats *st)
{
    if (vp->ops != &vport_vxlan_ops || !vp->priv) {
        return -EINVAL;
    }
    vxlan_sock_get_stats(vx_priv(vp)->sock, st);
    return 0;
}

const struct vport_ops vport_vxlan_ops = {
    .type = "vxlan",
    .create = vxlan_create,
    .destroy = vxlan_destroy,
    .send = vxlan_send,
    .flush = vxlan_flush,
    .recv = vxlan_recv,
    .get_fd = vxlan_get_fd,
    .get_status = vxlan_get_status,
    .format_config = vxlan_format_config,
};
