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
};

struct vport_ops {
    const char *type;

    /* Sets up `vp` (name, port_no and dp are filled in) from `opts`.
     * Returns 0, or a negative errno with a message in `err`
     * (-ENODEV: device missing; -EINVAL: refused; ...). */
    int (*create)(struct vport *vp, const struct vport_opt *opts,
                  size_t n_opts, char *err, size_t errlen);

    /* Undoes create: restores what it changed on the host, frees priv. */
    void (*destroy)(struct vport *vp);

    /* Queues a copy of `p` for transmission; `p` stays the caller's.
     * Returns 0 or a negative errno (the port counts its own drops). */
    int (*send)(struct vport *vp, const struct dp_packet *p);

    /* Pushes out what send queued (the end of a batch).  May be NULL. */
    void (*flush)(struct vport *vp);

    /* Fills `batch` with up to PACKET_BATCH_MAX received packets, whose
     * buffers the port owns until its next recv call; returns how many.
     * NULL for ports that never receive on their own (patch). */
    int (*recv)(struct vport *vp, struct dp_packet_batch *batch);

    /* A file descriptor to poll for input, or -1 (no input / poll always). */
    int (*get_fd)(const struct vport *vp);

    /* True when recv only looks at memory shared with the kernel (a ring),
     * so that calling it costs no syscall: the forwarder then calls it
     * every round.  A port with an fd and without this flag is called only
     * when poll() finds its fd readable (a read() per round costs more than
     * a round of rings). */
    bool recv_costs_no_syscall;

    /* Link, MTU and address for the Interface table.  May be NULL. */
    void (*get_status)(const struct vport *vp, struct vport_status *st);

    /* Prints the options shown by `dpctl/show` ("remote_ip=.., key=.."),
     * empty for none.  May be NULL. */
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
