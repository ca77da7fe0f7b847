/* The megaflow table: flows with arbitrary masks, looked up by tuple-space
 * search (one hash subtable per distinct mask, subtables ranked by hits),
 * with a per-thread exact-match cache in front.
 *
 * Concurrency: one writer at a time (the table serialises writers with its
 * own mutex); any number of forwarding threads look up without blocking,
 * inside an RCU read-side section (liburcu).  A deleted flow is marked dead
 * at once and freed after a grace period once the last reference (the
 * table's, and one per exact-match-cache entry) is dropped, so a reader that
 * still holds it never touches freed memory. */
#ifndef VS_DP_MEGAFLOW_H
#define VS_DP_MEGAFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp/flow_key.h"

/* Counters of one flow.  Written only by the forwarding thread that hits
 * the flow (relaxed atomics), read by anyone. */
struct megaflow_stats {
    uint64_t packets;
    uint64_t bytes;
    uint64_t used_ms;     /* monotonic ms of the last hit; 0 = never */
    uint16_t tcp_flags;   /* OR of the TCP flags seen, host order */
};

/* An action list as stored with a flow; replaced as a whole under RCU. */
struct megaflow_actions {
    uint32_t len;         /* bytes of TLV actions (see actions.h) */
    uint8_t data[];
};

struct megaflow {
    struct flow_key key;      /* already masked */
    struct flow_key mask;
    struct megaflow_actions *actions; /* RCU pointer: rcu_dereference it */
    struct megaflow_stats stats;
    uint32_t refcnt;          /* the table's reference + one per EMC entry */
    bool dead;                /* deleted; readers must not use it */
};

struct megaflow_table;

/* A new, empty table whose hash is keyed with the process's secret
 * (flow_hash_process_key, flow_hash.h): the slots a key lands in differ
 * from run to run, so installed keys cannot be chosen to collide.  Never
 * NULL (out of memory aborts, as everywhere). */
struct megaflow_table *megaflow_table_create(void);

/* The same with the key of flow_hash_key_from_seed(seed) (tests: two
 * seeds, two layouts). */
struct megaflow_table *megaflow_table_create_seeded(uint64_t seed);

/* The 32-bit hash under which the table keeps flow `f` (its slot is this
 * hash modulo the slot array's size): flow_hash_masked(key, f's key, f's
 * mask) under the table's key.  For tests of the keying. */
uint32_t megaflow_flow_hash(const struct megaflow *f);

/* Frees the table and every flow; no reader may be using it. */
void megaflow_table_destroy(struct megaflow_table *t);

/* Adds a flow matching (key & mask).  Fails with -EEXIST when a flow with
 * the same key and mask exists, -EINVAL (overlap) when an existing flow with
 * another mask would match some packet this one matches, -E2BIG past
 * `max_flows` (0 = no limit). */
int megaflow_insert(struct megaflow_table *t, const struct flow_key *key,
                    const struct flow_key *mask, const void *actions,
                    size_t actions_len, size_t max_flows);

/* Replaces the actions of the flow with exactly this key and mask;
 * -ENOENT when there is none.  If `clear_stats`, zeroes its counters. */
int megaflow_modify(struct megaflow_table *t, const struct flow_key *key,
                    const struct flow_key *mask, const void *actions,
                    size_t actions_len, bool clear_stats);

/* Removes the flow with exactly this key and mask, copying its last stats
 * to `stats` when not NULL; -ENOENT when there is none. */
int megaflow_delete(struct megaflow_table *t, const struct flow_key *key,
                    const struct flow_key *mask, struct megaflow_stats *stats);

/* Removes every flow. */
void megaflow_flush(struct megaflow_table *t);

/* The flow with exactly this key and mask, or NULL.  Caller holds the RCU
 * read lock (or is the writer). */
struct megaflow *megaflow_find_exact(struct megaflow_table *t,
                                     const struct flow_key *key,
                                     const struct flow_key *mask);

/* The flow that matches `key`, or NULL; adds the number of subtables probed
 * to *n_mask_hit.  Caller holds the RCU read lock.  Never blocks. */
struct megaflow *megaflow_lookup(struct megaflow_table *t,
                                 const struct flow_key *key,
                                 uint32_t *n_mask_hit);

/* Most keys megaflow_lookup_batch takes at once. */
#define MEGAFLOW_BATCH_MAX 64

/* As megaflow_lookup for each of keys[0..n-1] (n <= MEGAFLOW_BATCH_MAX;
 * more are ignored): flows[i] is the flow keys[i] matches, or NULL, and
 * *n_mask_hit grows by the same total.  Faster than one call per key: each
 * subtable is probed for the whole batch at once. */
void megaflow_lookup_batch(struct megaflow_table *t,
                           const struct flow_key *const keys[], size_t n,
                           struct megaflow *flows[], uint32_t *n_mask_hit);

/* Calls `cb` for each live flow; stops early when it returns false.
 * Takes the writer lock: `cb` must not modify the table. */
void megaflow_foreach(struct megaflow_table *t,
                      bool (*cb)(const struct megaflow *, void *aux),
                      void *aux);

size_t megaflow_count(const struct megaflow_table *t);
size_t megaflow_mask_count(const struct megaflow_table *t);

/* Adds a hit to the flow's stats (forwarding thread). */
void megaflow_stats_update(struct megaflow *f, uint32_t packets,
                           uint32_t bytes, uint16_t tcp_flags,
                           uint64_t now_ms);

/* A consistent copy of a flow's stats. */
void megaflow_stats_read(const struct megaflow *f, struct megaflow_stats *s);

/* The exact-match cache: a per-thread direct-mapped cache from a full flow
 * key to the megaflow that matched it.  Entries of dead flows miss. */
#define EMC_ENTRIES 8192

struct emc_cache;

/* A new, empty cache (never NULL); its owner is one forwarding thread. */
struct emc_cache *emc_cache_create(void);
/* Drops the cache's references and frees it; NULL is ignored. */
void emc_cache_destroy(struct emc_cache *c);

/* The cached flow for `key`, or NULL.  `hash` is any hash of the whole key
 * the caller uses for every call (the datapath's emc_hash). */
struct megaflow *emc_lookup(struct emc_cache *c, const struct flow_key *key,
                            uint32_t hash);

/* Remembers that `key` matched `flow`. */
void emc_insert(struct emc_cache *c, const struct flow_key *key,
                uint32_t hash, struct megaflow *flow);

/* Forgets every entry (e.g. after a flush, before the grace period ends). */
void emc_clear(struct emc_cache *c);

#endif
