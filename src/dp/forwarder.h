/* The forwarding thread: polls every port of one datapath and runs the fast
 * path on what they receive, in batches.
 *
 * It waits in poll() on the ports' fds (get_fd), checks again a few times
 * without sleeping after each busy round (a spin: a sleep and wake-up costs
 * more than the next batch takes to arrive under load), and holds the RCU
 * read lock only around each round of batches, so that it is quiescent while
 * it sleeps.  The set of ports it polls is a snapshot published under RCU:
 * the control thread calls forwarder_ports_changed() after adding or
 * removing ports. */
#ifndef VS_DP_FORWARDER_H
#define VS_DP_FORWARDER_H

#include <stdint.h>

struct datapath;
struct forwarder;

/* Counters of the thread's own work (for benchmarks and tuning). */
struct forwarder_stats {
    uint64_t rounds;        /* poll rounds */
    uint64_t sleeps;        /* rounds that blocked in poll() */
    uint64_t batches;       /* datapath_poll_port calls that got packets */
    uint64_t packets;
};

/* Starts the forwarding thread for `dp` with the ports `dp` has now, in
 * *fp.  Returns 0, or a negative errno when it cannot start (*fp NULL).
 * The caller must be an RCU-registered thread or unregistered; it stays
 * the control thread. */
int forwarder_start(struct datapath *dp, struct forwarder **fp);

/* Stops and joins the thread, frees `f`.  NULL is a no-op. */
void forwarder_stop(struct forwarder *f);

/* Rebuilds the snapshot of ports to poll from the datapath (control thread)
 * and wakes the thread.  Returns when the thread no longer uses the old
 * snapshot. */
void forwarder_ports_changed(struct forwarder *f);

/* Rounds with no packets before sleeping in poll() (default
 * FORWARDER_DEFAULT_SPIN; 0 = sleep at once). */
#define FORWARDER_DEFAULT_SPIN 1000
void forwarder_set_spin(struct forwarder *f, uint32_t rounds);

void forwarder_get_stats(const struct forwarder *f, struct forwarder_stats *s);

#endif
