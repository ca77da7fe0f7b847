/* The datapath: ports, the megaflow table, the fast path's processing of a
 * batch, the upcall queue to the slow path, and the counters of the seed.
 *
 * Threads: one control thread (ports, flows, upcall draining) and forwarding
 * threads that call datapath_process_batch().  Ports and flows are published
 * under RCU, so forwarding never waits for the control thread.  Every thread
 * that touches a datapath must be registered with liburcu
 * (rcu_register_thread) and forwarding threads hold the read lock around
 * each batch.
 *
 * What callers must do: call rcu_register_thread() (liburcu, <urcu.h>)
 * once in every thread before its first datapath call, and
 * rcu_unregister_thread() before it exits.  datapath_process_batch,
 * datapath_poll_port and datapath_execute take the read lock themselves
 * (nesting is allowed), so a forwarding thread may, but need not, hold it
 * around its batches.  datapath_port_del and datapath_destroy wait for a
 * grace period: never call them inside a read-side section (for instance
 * from an upcall callback run under rcu_read_lock). */
#ifndef VS_DP_DATAPATH_H
#define VS_DP_DATAPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp/drop_reason.h"
#include "dp/flow_key.h"
#include "dp/megaflow.h"
#include "dp/packet.h"
#include "dp/vport/vport.h"

#define DP_MAX_PORTS 1024
#define DP_PORT_LOCAL 0
#define DP_UPCALL_QUEUE_LEN 1024
#define DP_DEFAULT_FLOW_LIMIT 200000

struct datapath;

/* The seed's counters. */
struct dp_stats {
    uint64_t n_hit;        /* packets that matched a flow */
    uint64_t n_missed;     /* packets that missed and were queued */
    uint64_t n_lost;       /* misses dropped because the queue was full */
    uint64_t n_mask_hit;   /* subtables probed, summed over lookups */
    uint64_t n_flows;
    uint64_t n_masks;
    uint64_t n_recursion_drops; /* packets dropped at the recursion limit */
    uint64_t n_missing_port_drops; /* output to a port that is not there */
};

enum upcall_type {
    UPCALL_MISS = 1,       /* no flow matched */
    UPCALL_ACTION,         /* a userspace action */
};

/* One upcall as the slow path sees it.  `packet` points into the queue's own
 * buffer and is valid only during the drain callback. */
struct upcall {
    enum upcall_type type;
    struct flow_key key;
    uint64_t userdata;     /* UPCALL_ACTION's argument */
    const struct dp_packet *packet;
};

/* A new datapath named `name`, with no ports and no flows; NULL when its
 * upcall eventfd or thread key cannot be had (out of memory aborts). */
struct datapath *datapath_create(const char *name);

/* Destroys every port and flow.  No forwarding thread may still run. */
void datapath_destroy(struct datapath *dp);

/* The name given to datapath_create. */
const char *datapath_name(const struct datapath *dp);

/* Adds a port of `type` named `name`.  *port_no on input is the requested
 * number (UINT32_MAX: the lowest free one; 0 is LOCAL); on success it is the
 * number given.  Returns 0, or a negative errno with a message in `err`
 * (-EEXIST name or number taken, -EAFNOSUPPORT unknown type, or what the
 * type's create returned). */
int datapath_port_add(struct datapath *dp, const char *name, const char *type,
                      const struct vport_opt *opts, size_t n_opts,
                      uint32_t *port_no, char *err, size_t errlen);

/* Removes port `port_no` after the forwarding threads let go of it;
 * -ENOENT when there is none. */
int datapath_port_del(struct datapath *dp, uint32_t port_no);

/* The port numbered `port_no`, or NULL.  Caller holds the RCU read lock or
 * is the control thread. */
struct vport *datapath_port_get(struct datapath *dp, uint32_t port_no);

/* The port named `name`, or NULL (control thread). */
struct vport *datapath_port_by_name(struct datapath *dp, const char *name);

/* Calls `cb` for each port in number order (control thread). */
void datapath_port_foreach(struct datapath *dp,
                           void (*cb)(struct vport *, void *aux), void *aux);

/* Calls the ports_changed op of every port that has one (control thread),
 * after a pass that added or removed ports: ports that refer to other ports
 * by name (patch peers) resolve them again. */
void datapath_ports_changed(struct datapath *dp);

/* The fast path: extracts each packet's key (in_port from pkt->md), looks it
 * up (exact-match cache, then megaflows), runs the flow's actions on the
 * packets that hit, and queues an UPCALL_MISS for the rest.  Flushes the
 * ports it sent to.  The packets stay the caller's.  Frames shorter than an
 * Ethernet header are dropped first (datapath_drop_rx_invalid_packet) and
 * left out of `b` (its count shrinks); other malformed frames go on with
 * the key of what parsed and are counted by kind (flow_key.h's
 * FLOW_KEY_ERRORS, coverage counters of those names). */
void datapath_process_batch(struct datapath *dp, struct dp_packet_batch *b);

/* Receives one batch from `port_no` (its recv op) and processes it with the
 * in_port and tunnel metadata recv gave each packet; returns how many
 * packets it got (0 when none, negative errno on error). */
int datapath_poll_port(struct datapath *dp, uint32_t port_no);

/* Output used by the actions: sends `p` on `port_no`; a missing port drops
 * and counts n_missing_port_drops (and datapath_drop_invalid_port).  Port flushes happen at the end of the
 * batch. */
void datapath_output(struct datapath *dp, uint32_t port_no,
                     const struct dp_packet *p);

/* Queues an upcall carrying a copy of `p`; counts n_lost (and
 * datapath_drop_upcall_error) when full. */
void datapath_upcall(struct datapath *dp, enum upcall_type type,
                     const struct dp_packet *p, const struct flow_key *key,
                     uint64_t userdata);

/* Hands up to `max` queued upcalls to `cb` in order (control thread);
 * returns how many. */
size_t datapath_upcall_drain(struct datapath *dp,
                             void (*cb)(const struct upcall *, void *aux),
                             void *aux, size_t max);

/* A file descriptor that is readable while upcalls are queued (eventfd)
 * and not held. */
int datapath_upcall_fd(const struct datapath *dp);

/* Holds (true) or releases the upcall queue's consumer.  While held,
 * datapath_upcall_drain hands out nothing and the fd is not readable:
 * misses queue up to DP_UPCALL_QUEUE_LEN and past it are lost
 * (n_lost, datapath_drop_upcall_error).  For tests (dpctl/upcalls-hold). */
void datapath_set_upcalls_held(struct datapath *dp, bool held);
bool datapath_upcalls_held(const struct datapath *dp);

/* Flow operations of the slow path and of dpctl.  put: -EEXIST / -EINVAL /
 * -E2BIG as megaflow_insert; with `modify`, replaces the actions of an
 * existing flow (or creates it). */
int datapath_flow_put(struct datapath *dp, const struct flow_key *key,
                      const struct flow_key *mask, const void *acts,
                      size_t len, bool modify);
int datapath_flow_del(struct datapath *dp, const struct flow_key *key,
                      const struct flow_key *mask, struct megaflow_stats *st);
void datapath_flow_flush(struct datapath *dp);
struct megaflow_table *datapath_flows(struct datapath *dp);

/* Flows past this count are refused (-E2BIG). */
void datapath_set_flow_limit(struct datapath *dp, size_t limit);

/* Runs `acts` on one packet on behalf of the slow path (packet execute). */
void datapath_execute(struct datapath *dp, struct dp_packet *p,
                      const void *acts, size_t len);

/* For the action executor (dp/ only).  Sends each packet of `b` on
 * `port_no`, cut to `max_len` bytes when max_len is not 0 (trunc): one port
 * lookup and one tx lock for the whole batch; a missing port drops and
 * counts as datapath_output does. */
void datapath_output_batch(struct datapath *dp, uint32_t port_no,
                           const struct dp_packet_batch *b, uint32_t max_len);

/* For the action executor (dp/ only).  Counts `n` packets that would have
 * entered on `in_port`, dropped at the recursion limit, because the
 * deferred-action queue was full or had no memory (`why`), in
 * n_recursion_drops and under `why`. */
void datapath_count_recursion_drops(struct datapath *dp, uint32_t in_port,
                                    enum dp_drop_reason why, uint32_t n);

/* Counts `n` packets that came in on `in_port` (or were to) as dropped for
 * `why`: at that port's drops, or the datapath's own when the port is gone.
 * Any thread; no lock. */
void datapath_count_drop(struct datapath *dp, uint32_t in_port,
                         enum dp_drop_reason why, uint32_t n);

/* The same for every packet of `b`, each at its md.in_port. */
void datapath_count_batch_drop(struct datapath *dp,
                               const struct dp_packet_batch *b,
                               enum dp_drop_reason why);

/* The datapath's drops by reason: every port's, those of ports deleted
 * since, and those whose port was gone (control thread). */
void datapath_get_drops(const struct datapath *dp, struct dp_drop_stats *s);

/* Enables or disables the exact-match cache (on by default). */
void datapath_set_emc(struct datapath *dp, bool enabled);

void datapath_get_stats(const struct datapath *dp, struct dp_stats *s);

/* The datapath's meter table (dp/meter.h): one for every bridge. */
struct dp_meters *datapath_meters(struct datapath *dp);

/* Monotonic milliseconds, as used in flow stats. */
uint64_t dp_time_ms(void);

#endif
