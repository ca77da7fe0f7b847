/* Why the datapath dropped a packet: one list of named reasons (as the
 * kernel's drop reasons and VPP's per-node error counters).  Every place in
 * dp/ that drops a packet counts it under one of them, at the port it
 * concerns (see vport_count_*_dropped and datapath_count_drop), and each
 * reason is also a coverage counter of the same name.  The names are OVS
 * 3.x's coverage counters where OVS has one.
 *
 * Adding a reason is one line here; the enum, the names, the coverage
 * counters and `dpctl/show -s` follow from it. */
#ifndef VS_DP_DROP_REASON_H
#define VS_DP_DROP_REASON_H

#include <stdint.h>

/* X(ENUM, name, what it means) */
#define DP_DROP_REASONS(X)                                                  \
    X(INVALID_PORT, datapath_drop_invalid_port,                            \
      "output to a port number that has no port")                         \
    X(PORT_DOWN, datapath_drop_port_down,                                  \
      "output to a device that is down or gone")                          \
    X(NO_PEER, datapath_drop_patch_no_peer,                                \
      "output to a patch port whose peer does not exist")                 \
    X(RECURSION, drop_action_recursion_too_deep,                           \
      "datapath passes nested past the recursion limit (a loop)")         \
    X(DEFERRED_FULL, datapath_drop_deferred_full,                          \
      "the per-thread queue of deferred re-entries was full")             \
    X(UPCALL_FULL, datapath_drop_upcall_error,                             \
      "a miss or userspace action found the upcall queue full")           \
    X(PIPELINE, drop_action_of_pipeline,                                   \
      "the flow's actions drop the packet (explicit drop, no output)")    \
    X(RX_INVALID, datapath_drop_rx_invalid_packet,                         \
      "a received frame was truncated or malformed")                      \
    X(RX_QUEUE_FULL, datapath_drop_rx_queue_full,                          \
      "the port's receive queue or ring had no room")                     \
    X(TNL_HEADER, datapath_drop_tunnel_pop_error,                          \
      "a tunnel datagram's header was short or invalid")                  \
    X(TNL_NO_PORT, datapath_drop_invalid_tnl_port,                         \
      "no tunnel port has the datagram's sender and VNI")                 \
    X(TNL_PUSH, datapath_drop_tunnel_push_error,                           \
      "no tunnel destination, or the frame could not be encapsulated")    \
    X(TOO_BIG, datapath_drop_frame_too_big,                                \
      "the frame is larger than the port or a buffer takes")              \
    X(TX_NO_BUFFER, datapath_drop_tx_no_buffer,                            \
      "the device's transmit queue was full")                             \
    X(TX_ERROR, datapath_drop_tx_error,                                    \
      "the device refused the frame")                                     \
    X(NO_TX, datapath_drop_port_no_tx,                                     \
      "output to a port that cannot send (a read-only capture)")          \
    X(NO_MEMORY, datapath_drop_nomem,                                      \
      "no memory for the packet's copy")                                  \
    X(BAD_ACTIONS, datapath_drop_userspace_action_error,                   \
      "the slow path asked to execute an invalid action list")              \
    /* meters */                                                            \
    X(METER, datapath_drop_meter,                                          \
      "a meter's drop band fired (the packet was over the rate)")

enum dp_drop_reason {
#define DP_DROP_ENUM(ENUM, NAME, DOC) DP_DROP_##ENUM,
    DP_DROP_REASONS(DP_DROP_ENUM)
#undef DP_DROP_ENUM
    DP_DROP_N_REASONS
};

/* One counter per reason (relaxed atomics: any thread adds, no lock). */
struct dp_drop_stats {
    uint64_t n[DP_DROP_N_REASONS];
};

/* The reason's name ("datapath_drop_invalid_port"), or "?" when out of
 * range. */
const char *dp_drop_reason_name(enum dp_drop_reason reason);

/* What the reason means, one line. */
const char *dp_drop_reason_doc(enum dp_drop_reason reason);

/* Adds `n` drops for `reason` to `s` (NULL: none) and to the reason's
 * coverage counter. */
void dp_drop_count(struct dp_drop_stats *s, enum dp_drop_reason reason,
                   uint64_t n);

/* Adds every counter of `s` into `sum` (a reader's snapshot). */
void dp_drop_stats_accumulate(struct dp_drop_stats *sum,
                              const struct dp_drop_stats *s);

/* The reason a failed send with `error` (a positive errno) is counted
 * under: full queues, a device that is gone or down (ENETDOWN, ENXIO,
 * ENODEV), too big, no memory, else tx error. */
enum dp_drop_reason dp_drop_reason_of_errno(int error);

#endif
