/* Datapath ports: one struct vport_ops per kind of port, and a registry of
 * the kinds by type name ("system", "internal", "patch", "vxlan", "pcap",
 * "memory").  Adding a port type touches its own file and the registry. */
#ifndef VS_DP_VPORT_H
#define VS_DP_VPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp/drop_reason.h"
#include "dp/packet.h"

struct datapath;
struct vport;

#define VPORT_NAME_MAX 16   /* IFNAMSIZ */
#define VPORT_ERR_MAX 256

/* One key=value option of a port (Interface options column). */
struct vport_opt {
    const char *key;
    const char *value;
};

/* Counters, as `ovs-dpctl show -s` prints them.  rx = into the datapath. */
struct vport_stats {
    uint64_t rx_packets, rx_bytes, rx_errors, rx_dropped;
    uint64_t tx_packets, tx_bytes, tx_errors, tx_dropped;
};

/* State a port reports for the Interface table; -1 / empty when unknown. */
struct vport_status {
    int link_up;              /* 1 up, 0 down, -1 unknown */
    int mtu;
    uint8_t mac[6];
    bool has_mac;
    char ifindex_name[VPORT_NAME_MAX];
    char error[VPORT_ERR_MAX];  /* a configuration problem, "" when none */
};

/* One kind of port.  Threads: the control thread creates, destroys and
 * reconfigures ports and reads their status; forwarding threads call recv
 * and send; the control thread may send too (datapath_execute), so send and
 * flush of one port are serialised by the datapath's per-port tx lock and
 * never run at the same time as each other, but may run at the same time
 * as recv.  Every fast-path op (recv, send, flush) runs under the RCU read
 * lock, must not block, and must not allocate per packet.  Ops marked
 * "may be NULL" are optional; the others are required. */
struct vport_ops {
    const char *type;           /* the Interface type name */

    /* Control thread, before the port is published (the fast path cannot
     * see it yet).  Sets up `vp` (name, port_no and dp are filled in) from
     * `opts`.  Returns 0, or a negative errno with a message in `err`
     * (-ENODEV: device missing; -EINVAL: refused; ...).  Required. */
    int (*create)(struct vport *vp, const struct vport_opt *opts,
                  size_t n_opts, char *err, size_t errlen);

    /* Control thread, after a grace period (no fast-path op of `vp` runs
     * any more).  Undoes create: restores what it changed on the host,
     * frees priv.  May be NULL (nothing to undo). */
    void (*destroy)(struct vport *vp);

    /* Any thread, under the port's tx lock.  Queues a copy of `p` for
     * transmission; `p` stays the caller's and is not changed.  Returns 0
     * or a negative errno; the port counts its own tx counters and drops.
     * It may re-enter the datapath (patch: actions_reenter), which is why
     * the tx lock is re-entrant.  Required. */
    int (*send)(struct vport *vp, const struct dp_packet *p);

    /* Same thread and lock as send.  Pushes out what send queued (the end
     * of a batch).  May be NULL (send transmits at once). */
    void (*flush)(struct vport *vp);

    /* The receive contract.  Called by datapath_poll_port on one forwarding
     * thread at a time, under the RCU read lock, with an empty `batch`.
     * Fills `batch` with up to PACKET_BATCH_MAX received packets and
     * returns how many (0 when none, a negative errno on a socket error).
     * For each packet it puts in the batch, recv:
     *   - calls vport_receive_prepare(owner, p, tun) once the frame is in
     *     place: that sets md.in_port to the port the packet belongs to,
     *     md.depth to 0 and md.tunnel to *tun (a tunnel port: outer
     *     addresses, VNI, ports, TOS/TTL) or to zeros (tun NULL); the
     *     other md fields (offload) are the port's to fill;
     *   - counts rx_packets/rx_bytes on that owner port, and what it could
     *     not deliver as rx_dropped/rx_errors on the port it blames.
     * The owner is usually `vp`; a port that reads for others (vxlan ports
     * share one UDP socket) returns their packets in the same batch with
     * their own in_port and tunnel metadata.  recv never runs packets
     * through the datapath itself: datapath_poll_port processes the whole
     * batch, whatever the in_ports.  The packets and their buffers are
     * `vp`'s and stay valid until `vp`'s next recv (or destroy).
     * May be NULL for ports that never receive on their own: a patch port
     * hands what is sent to it to its peer through actions_reenter, which
     * sets in_port to the peer and md.depth one deeper (the recursion
     * limit), and clears the tunnel metadata itself. */
    int (*recv)(struct vport *vp, struct dp_packet_batch *batch);

    /* Control thread.  A file descriptor to poll for input, or -1 (no
     * input / poll always).  May be NULL (= -1). */
    int (*get_fd)(const struct vport *vp);

    /* True when recv only looks at memory shared with the kernel (a ring),
     * so that calling it costs no syscall: the forwarder then calls it
     * every round.  A port with an fd and without this flag is called only
     * when poll() finds its fd readable (a read() per round costs more than
     * a round of rings). */
    bool recv_costs_no_syscall;

    /* Control thread.  Fills all of `st`: link, MTU, address and the
     * configuration error ("" when none) for the Interface table.  Must not
     * change what the fast path reads other than through atomics.  May be
     * NULL. */
    void (*get_status)(const struct vport *vp, struct vport_status *st);

    /* Control thread, on every port after a pass that added or removed
     * ports (datapath_ports_changed): a port that refers to other ports by
     * name (patch's peer) resolves them again.  May touch what its own fast
     * path reads only through atomics.  May be NULL. */
    void (*ports_changed)(struct vport *vp);

    /* Control thread.  Prints the options shown by `dpctl/show`
     * ("remote_ip=.., key=.."), empty for none.  May be NULL. */
    void (*format_config)(const struct vport *vp, char *buf, size_t size);
};

struct vport {
    char name[VPORT_NAME_MAX];
    uint32_t port_no;
    struct datapath *dp;
    const struct vport_ops *ops;
    struct vport_stats stats;   /* updated by the port's own code */
    struct dp_drop_stats drops; /* why packets were lost: those counted
                                 * in stats and the datapath's drops of
                                 * packets that came in on this port */
    void *priv;                 /* the port type's state */
};

/* The receive contract's per-packet step (see vport_ops.recv): `p` entered
 * the datapath on `vp`, with tunnel metadata `tun` (NULL: none), at depth 0.
 * Inline and copy-only: it runs once per received packet. */
static inline void vport_receive_prepare(const struct vport *vp,
                                         struct dp_packet *p,
                                         const struct flow_tnl *tun)
{
    p->md.in_port = vp->port_no;
    p->md.depth = 0;
    if (tun) {
        p->md.tunnel = *tun;
    } else {
        p->md.tunnel = (struct flow_tnl) { 0 };
    }
}

/* The type of an Interface whose type column is empty. */
#define VPORT_TYPE_DEFAULT "system"

/* Registers a port type; the built-in types register themselves at the
 * first lookup.  Returns -EEXIST when the type name is taken. */
int vport_register(const struct vport_ops *ops);

/* The ops of `type`, or NULL. */
const struct vport_ops *vport_ops_lookup(const char *type);

/* The value of option `key`, or NULL. */
const char *vport_opt_get(const struct vport_opt *opts, size_t n,
                          const char *key);

/* Adds to a port's counters from any thread (relaxed atomics). */
void vport_count_rx(struct vport *vp, uint32_t packets, uint64_t bytes);
void vport_count_tx(struct vport *vp, uint32_t packets, uint64_t bytes);

/* Counts `packets` lost by the port in rx_dropped, tx_dropped, tx_errors
 * or rx_errors, and under drop reason `why` (the port's drops, and the
 * reason's coverage counter). */
void vport_count_rx_dropped(struct vport *vp, enum dp_drop_reason why,
                            uint32_t packets);
void vport_count_tx_dropped(struct vport *vp, enum dp_drop_reason why,
                            uint32_t packets);
void vport_count_tx_error(struct vport *vp, enum dp_drop_reason why,
                          uint32_t packets);
void vport_count_rx_error(struct vport *vp, enum dp_drop_reason why,
                          uint32_t packets);

/* Counts `packets` under reason `why` only (a drop the datapath made of
 * packets that came in on this port: its own counters do not change). */
void vport_count_drop(struct vport *vp, enum dp_drop_reason why,
                      uint32_t packets);

/* A consistent-enough copy of the counters for another thread. */
void vport_stats_read(const struct vport *vp, struct vport_stats *out);

/* A copy of the port's drop counters, by reason. */
void vport_drops_read(const struct vport *vp, struct dp_drop_stats *out);

/* The built-in port types. */
extern const struct vport_ops vport_memory_ops;   /* tests: in-memory queues */
extern const struct vport_ops vport_pcap_ops;     /* pcap file in/out */
extern const struct vport_ops vport_netdev_ops;   /* "system" */
extern const struct vport_ops vport_internal_ops; /* "internal" (TAP) */
extern const struct vport_ops vport_patch_ops;    /* "patch" */
extern const struct vport_ops vport_vxlan_ops;    /* "vxlan" */

/* In-memory port (tests, benchmarks): `vport_memory_inject` queues frames
 * that its recv hands out; what it sends is kept for `vport_memory_take`.
 * Options: "rx_capacity", "tx_capacity" (frames, default 256). */
int vport_memory_inject(struct vport *vp, const void *frame, uint32_t len);
/* Copies the oldest sent frame out; returns its length, or -1 if none. */
int vport_memory_take(struct vport *vp, void *buf, uint32_t size);
/* Number of frames sent and not yet taken. */
uint32_t vport_memory_tx_count(const struct vport *vp);

#endif
