/* The megaflow table (tuple-space search under RCU) and the exact-match
 * cache.
 *
 * Layout.  The table publishes an array of subtables (`struct subtable_vec`),
 * one per distinct mask, ordered by recent hits so that the busiest masks
 * are probed first.  Each subtable precomputes the words of the flow key its
 * mask cares about (its `plan`: indexes, mask words, secrets), so hashing
 * and comparing a packet's key touches only those words.  A subtable's
 * flows live in an open-addressed array of (hash, node) slots with linear
 * probing; a node keeps the masked key words compactly so that a hit
 * compares one cache line.
 *
 * RCU.  Readers take no lock.  The writer (serialised by `mutex`) only ever:
 *   - fills an empty slot (hash first, then the node pointer with release);
 *   - turns a live slot into a tombstone (never back into a live slot, so a
 *     slot's hash never changes while readers may look at it);
 *   - publishes a rebuilt slot array or subtable array with
 *     rcu_assign_pointer and frees the old one with call_rcu.
 * Flows are reference counted (the table holds one reference, each EMC
 * entry another) and freed with call_rcu when the count drops to zero.
 * Writers never wait for a grace period, so a forwarding thread may take the
 * writer lock with trylock (to re-rank subtables) without any deadlock.
 *
 * Every function that calls call_rcu (insert, modify, delete, flush,
 * destroy, emc_insert, emc_lookup, emc_clear, emc_cache_destroy) must run in
 * a thread registered with rcu_register_thread(). */
#include "dp/megaflow.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>

#include "dp/flow_hash.h"
#include "lib/util.h"

#define KEY_WORDS FLOW_KEY_U64S

/* Keys are read as 64-bit words; this type may alias the key's fields. */
typedef uint64_t __attribute__((may_alias)) key_word;
#define CACHE_LINE 64

/* A subtable is re-ranked after this many hits on a subtable that is not
 * probed first (a power of two). */
#define RESORT_INTERVAL 1024

/* Smallest slot array; arrays are kept at most 3/4 full (tombstones count
 * as full) and rebuilt at most 1/2 full.  Arrays of up to SPARSE_SLOTS
 * slots (64 KB) are kept at most 1/2 full and rebuilt at most 1/4 full:
 * they sit in the cache, where what a miss costs is the mispredicted "is
 * this slot empty?" branch, and a sparser array makes the first slot
 * empty more often (dp_bench case 2, 100 flows per subtable: 20% less CPU
 * per packet).  Big arrays keep the denser load so as not to double the
 * cache misses. */
#define MIN_SLOTS 8
#define SPARSE_SLOTS 4096

/* ------------------------------------------------------------------------
 * Data structures.
 * ------------------------------------------------------------------------ */

struct mf_node {
    struct megaflow flow;   /* callers get &node->flow */
    struct rcu_head rcu;
    uint32_t hash;          /* hash of `words` under the table's key */
    uint32_t n_words;
    uint64_t words[];       /* key & mask, on the subtable's words only */
};

/* An empty slot has node == NULL; a deleted one has node == TOMB. */
struct mf_slot {
    struct mf_node *node;
    uint32_t hash;
    uint32_t pad;
};

struct slot_array {
    uint32_t mask;          /* number of slots - 1 (a power of two - 1) */
    uint32_t pad;
    struct rcu_head rcu;
    struct mf_slot slots[];
};

struct subtable {
    /* Read by every lookup. */
    struct slot_array *slots;      /* RCU */
    struct flow_hash_plan plan;    /* the mask's words and the secrets
                                    * that hash them, under the table's key */

    /* Bumped by every hit: on its own line so it does not evict the above. */
    uint64_t hits __attribute__((aligned(CACHE_LINE)));

    /* Writer only. */
    struct flow_key mask __attribute__((aligned(CACHE_LINE)));
    size_t n_flows;                /* live flows */
    size_t n_used;                 /* live flows + tombstones */
    uint64_t rank_hits;            /* snapshot of `hits` used for sorting */
    struct rcu_head rcu;
};

struct subtable_vec {
    struct rcu_head rcu;
    size_t n;
    struct subtable *st[];
};

struct megaflow_table {
    struct subtable_vec *vec;      /* RCU */
    pthread_mutex_t mutex;         /* serialises writers */
    struct flow_hash_key hkey;     /* hash key: the process's, or a test's */
    size_t n_flows;                /* written under mutex, read relaxed */
    size_t n_masks;
};

/* The actions as allocated: an rcu_head in front of the public struct. */
struct actions_box {
    struct rcu_head rcu;
    struct megaflow_actions actions;
};

/* rcu_dereference without the library call (liburcu's is an out-of-line
 * function unless its LGPL inline code is compiled in, and the lookup
 * dereferences twice per probed subtable): an acquire load. */
#define rcu_load(P) __atomic_load_n(&(P), __ATOMIC_ACQUIRE)

static char tomb_marker;
#define TOMB ((struct mf_node *) &tomb_marker)

/* Published when the table has no subtable; never freed. */
static struct subtable_vec empty_vec;

static struct mf_node *
node_of(const struct megaflow *f)
{
    return caa_container_of(f, struct mf_node, flow);
}

/* ------------------------------------------------------------------------
 * Hashing and comparing masked keys, word-wise (the hot path).
 * ------------------------------------------------------------------------ */

/* The masked words are hashed with the keyed flow hash (flow_hash.h: why
 * it is keyed, what that protects against, what it costs): each subtable
 * keeps its mask's plan, the writer hashes through flow_hash_plan_key and
 * batch lookups feed the same words to flow_hash_pair in batch_hash. */

/* Writes (key & mask) on the subtable's words to `w`, returns their hash
 * (the writer's side; lookups hash the same way in batch_hash). */
static uint32_t
subtable_mask_key(const struct subtable *st, const struct flow_key *key,
                  uint64_t *w)
{
    return flow_hash_plan_key(&st->plan, key, w);
}

static inline bool
words_equal(const key_word *a, const key_word *b, uint32_t n)
{
    uint64_t diff = 0;
    for (uint32_t i = 0; i < n; i++) {
        diff |= a[i] ^ b[i];
    }
    return !diff;
}

/* The live node whose masked words are `w`, or NULL. */
static inline struct mf_node *
subtable_find(const struct subtable *st, const uint64_t *w, uint32_t hash)
{
    const struct slot_array *a = rcu_load(st->slots);
    uint32_t i = hash & a->mask;
    for (uint32_t probes = 0; probes <= a->mask; probes++) {
        const struct mf_slot *s = &a->slots[i];
        struct mf_node *n = __atomic_load_n(&s->node, __ATOMIC_ACQUIRE);
        if (!n) {
            return NULL;
        }
        if (n != TOMB && s->hash == hash
            && words_equal(n->words, w, st->plan.n_words)) {
            return n;
        }
        i = (i + 1) & a->mask;
    }
    return NULL;
}

static bool
flow_is_dead(const struct megaflow *f)
{
    return __atomic_load_n(&f->dead, __ATOMIC_ACQUIRE);
}

/* ------------------------------------------------------------------------
 * Flows: allocation and references.
 * ------------------------------------------------------------------------ */

static struct megaflow_actions *
actions_alloc(const void *data, size_t len)
{
    struct actions_box *box = xmalloc(sizeof *box + len);
    box->actions.len = (uint32_t) len;
    if (len) {
        memcpy(box->actions.data, data, len);
    }
    return &box->actions;
}

static void
actions_free(struct megaflow_actions *a)
{
    free(caa_container_of(a, struct actions_box, actions));
}

static void
actions_free_cb(struct rcu_head *head)
{
    free(caa_container_of(head, struct actions_box, rcu));
}

static void
node_free_cb(struct rcu_head *head)
{
    struct mf_node *n = caa_container_of(head, struct mf_node, rcu);
    actions_free(n->flow.actions);
    free(n);
}

/* Takes a reference unless the flow is already on its way out (count 0). */
static bool
flow_ref_if_live(struct megaflow *f)
{
    uint32_t old = __atomic_load_n(&f->refcnt, __ATOMIC_RELAXED);
    do {
        if (old == 0) {
            return false;
        }
    } while (!__atomic_compare_exchange_n(&f->refcnt, &old, old + 1, true,
                                          __ATOMIC_ACQUIRE,
                                          __ATOMIC_RELAXED));
    return true;
}

/* Drops a reference; the last one frees the flow after a grace period. */
static void
flow_unref(struct megaflow *f)
{
    if (__atomic_sub_fetch(&f->refcnt, 1, __ATOMIC_ACQ_REL) == 0) {
        call_rcu(&node_of(f)->rcu, node_free_cb);
    }
}

static struct mf_node *
node_create(const struct subtable *st, const struct flow_key *key,
            const void *actions, size_t actions_len)
{
    struct mf_node *n = xcalloc(1, sizeof *n
                                   + st->plan.n_words * sizeof(uint64_t));
    n->flow.actions = actions_alloc(actions, actions_len);
    flow_key_mask(&n->flow.key, key, &st->mask);
    n->flow.mask = st->mask;
    n->flow.refcnt = 1;
    n->n_words = st->plan.n_words;
    n->hash = subtable_mask_key(st, key, n->words);
    return n;
}

/* ------------------------------------------------------------------------
 * Slot arrays and subtables (writer side unless noted).
 * ------------------------------------------------------------------------ */

static struct slot_array *
slot_array_alloc(size_t n_slots)
{
    struct slot_array *a = xcalloc(1, sizeof *a
                                      + n_slots * sizeof(struct mf_slot));
    a->mask = (uint32_t) (n_slots - 1);
    return a;
}

static void
slot_array_free_cb(struct rcu_head *head)
{
    free(caa_container_of(head, struct slot_array, rcu));
}

/* Puts `n` in the first empty slot of its probe sequence.  The hash is
 * written before the node pointer is published, so a reader that sees the
 * node sees its hash. */
static void
slot_array_place(struct slot_array *a, struct mf_node *n)
{
    uint32_t i = n->hash & a->mask;
    while (a->slots[i].node) {
        i = (i + 1) & a->mask;
    }
    a->slots[i].hash = n->hash;
    __atomic_store_n(&a->slots[i].node, n, __ATOMIC_RELEASE);
}

static struct subtable *
subtable_create(const struct flow_key *mask,
                const struct flow_hash_key *hkey)
{
    struct subtable *st = xmemalign(CACHE_LINE, sizeof *st);
    memset(st, 0, sizeof *st);
    st->slots = slot_array_alloc(MIN_SLOTS);
    st->mask = *mask;
    flow_hash_plan_init(&st->plan, hkey, mask);
    return st;
}

/* Frees a subtable no reader can see (never published, or after a grace
 * period). */
static void
subtable_free(struct subtable *st)
{
    free(st->slots);
    free(st);
}

static void
subtable_free_cb(struct rcu_head *head)
{
    subtable_free(caa_container_of(head, struct subtable, rcu));
}

/* Most slots of an array of `cap` in use (live or tombstones) before it is
 * rebuilt. */
static size_t
slots_max_used(size_t cap)
{
    return cap <= SPARSE_SLOTS ? cap / 2 : cap / 4 * 3;
}

/* Replaces the slot array by one sized for `want` flows at most half full
 * (a quarter in small arrays), without tombstones.  Readers still walking the old array find the same
 * live nodes there until it is freed after a grace period. */
static void
subtable_rebuild(struct subtable *st, size_t want)
{
    size_t cap = MIN_SLOTS;
    while (cap < want * 2 || (cap <= SPARSE_SLOTS && cap < want * 4)) {
        cap <<= 1;
    }
    struct slot_array *old = st->slots;
    struct slot_array *a = slot_array_alloc(cap);
    for (uint32_t i = 0; i <= old->mask; i++) {
        struct mf_node *n = old->slots[i].node;
        if (n && n != TOMB) {
            slot_array_place(a, n);
        }
    }
    rcu_assign_pointer(st->slots, a);
    call_rcu(&old->rcu, slot_array_free_cb);
    st->n_used = st->n_flows;
}

static void
subtable_add(struct subtable *st, struct mf_node *n)
{
    size_t cap = (size_t) st->slots->mask + 1;
    if (st->n_used + 1 > slots_max_used(cap)) {
        subtable_rebuild(st, st->n_flows + 1);
    }
    slot_array_place(st->slots, n);
    st->n_used++;
    st->n_flows++;
}

/* Turns `n`'s slot into a tombstone; shrinks a mostly empty array. */
static void
subtable_remove(struct subtable *st, struct mf_node *n)
{
    struct slot_array *a = st->slots;
    uint32_t i = n->hash & a->mask;
    for (uint32_t probes = 0; probes <= a->mask; probes++) {
        if (a->slots[i].node == n) {
            __atomic_store_n(&a->slots[i].node, TOMB, __ATOMIC_RELEASE);
            st->n_flows--;
            break;
        }
        i = (i + 1) & a->mask;
    }
    size_t cap = (size_t) a->mask + 1;
    if (st->n_flows && cap > MIN_SLOTS && st->n_flows * 8 < cap) {
        subtable_rebuild(st, st->n_flows);
    }
}

/* The node with exactly `masked` (already masked by st's mask), or NULL. */
static struct mf_node *
subtable_find_key(const struct subtable *st, const struct flow_key *masked)
{
    uint64_t w[KEY_WORDS];
    uint32_t hash = subtable_mask_key(st, masked, w);
    return subtable_find(st, w, hash);
}

static bool
mask_is_subset(const struct flow_key *sub, const struct flow_key *super)
{
    const key_word *a = (const key_word *) sub;
    const key_word *b = (const key_word *) super;
    for (size_t i = 0; i < KEY_WORDS; i++) {
        if (a[i] & ~b[i]) {
            return false;
        }
    }
    return true;
}

/* True when some flow of `st` agrees with `masked` on every bit that both
 * `mask` and st's mask care about.  Scans st's slots, comparing only the
 * words the two masks share. */
static bool
subtable_scan_overlap(const struct subtable *st, const struct flow_key *masked,
                      const struct flow_key *mask)
{
    const key_word *kw = (const key_word *) masked;
    const key_word *mw = (const key_word *) mask;
    uint32_t pos[KEY_WORDS];       /* index into st's word list */
    uint64_t common[KEY_WORDS];    /* mask & st's mask at that word */
    uint64_t want[KEY_WORDS];      /* masked & common */
    uint32_t n = 0;
    for (uint32_t j = 0; j < st->plan.n_words; j++) {
        uint64_t c = st->plan.mask[j] & mw[st->plan.idx[j]];
        if (c) {
            pos[n] = j;
            common[n] = c;
            want[n++] = kw[st->plan.idx[j]] & c;
        }
    }
    const struct slot_array *a = st->slots;
    for (uint32_t i = 0; i <= a->mask; i++) {
        const struct mf_node *node = a->slots[i].node;
        if (!node || node == TOMB) {
            continue;
        }
        uint64_t diff = 0;
        for (uint32_t k = 0; k < n; k++) {
            diff |= (node->words[pos[k]] & common[k]) ^ want[k];
        }
        if (!diff) {
            return true;
        }
    }
    return false;
}

/* ------------------------------------------------------------------------
 * The subtable array: publishing and ranking.
 * ------------------------------------------------------------------------ */

static void
vec_free_cb(struct rcu_head *head)
{
    free(caa_container_of(head, struct subtable_vec, rcu));
}

static void
vec_retire(struct subtable_vec *v)
{
    if (v != &empty_vec) {
        call_rcu(&v->rcu, vec_free_cb);
    }
}

/* Publishes a new subtable array: the current subtables that still hold
 * flows, plus `add` (may be NULL), ordered by hits, busiest first.  Empty
 * subtables dropped from it are freed after a grace period. */
static void
publish_vec(struct megaflow_table *t, struct subtable *add)
{
    struct subtable_vec *old = t->vec;
    size_t keep = add ? 1 : 0;
    for (size_t i = 0; i < old->n; i++) {
        keep += old->st[i]->n_flows > 0;
    }
    struct subtable_vec *v = &empty_vec;
    if (keep) {
        v = xmalloc(sizeof *v + keep * sizeof v->st[0]);
        v->n = 0;
    }
    for (size_t i = 0; i < old->n; i++) {
        if (old->st[i]->n_flows > 0) {
            v->st[v->n++] = old->st[i];
        }
    }
    if (add) {
        v->st[v->n++] = add;
    }
    /* Stable insertion sort on a snapshot of the hit counters. */
    for (size_t i = 0; i < v->n; i++) {
        v->st[i]->rank_hits = __atomic_load_n(&v->st[i]->hits,
                                              __ATOMIC_RELAXED);
    }
    for (size_t i = 1; i < v->n; i++) {
        struct subtable *st = v->st[i];
        size_t j = i;
        while (j > 0 && v->st[j - 1]->rank_hits < st->rank_hits) {
            v->st[j] = v->st[j - 1];
            j--;
        }
        v->st[j] = st;
    }
    rcu_assign_pointer(t->vec, v);
    __atomic_store_n(&t->n_masks, v->n, __ATOMIC_RELAXED);
    for (size_t i = 0; i < old->n; i++) {
        if (old->st[i]->n_flows == 0) {
            call_rcu(&old->st[i]->rcu, subtable_free_cb);
        }
    }
    vec_retire(old);
}

/* Re-ranks the subtables if the hit counts say the order is stale, then
 * halves every count so that the ranking follows recent traffic.  Caller
 * holds the mutex. */
static void
resort_locked(struct megaflow_table *t)
{
    const struct subtable_vec *v = t->vec;
    uint64_t prev = UINT64_MAX;
    bool sorted = true;
    for (size_t i = 0; i < v->n; i++) {
        uint64_t h = __atomic_load_n(&v->st[i]->hits, __ATOMIC_RELAXED);
        sorted = sorted && h <= prev;
        prev = h;
    }
    if (!sorted) {
        publish_vec(t, NULL);
    }
    v = t->vec;
    for (size_t i = 0; i < v->n; i++) {
        uint64_t h = __atomic_load_n(&v->st[i]->hits, __ATOMIC_RELAXED);
        __atomic_store_n(&v->st[i]->hits, h / 2, __ATOMIC_RELAXED);
    }
}

/* Called from a reader now and then: re-ranks unless a writer is busy (in
 * which case a later hit will try again).  Never blocks. */
static void
maybe_resort(struct megaflow_table *t)
{
    if (!pthread_mutex_trylock(&t->mutex)) {
        resort_locked(t);
        pthread_mutex_unlock(&t->mutex);
    }
}

static struct subtable *
find_subtable(const struct subtable_vec *v, const struct flow_key *mask)
{
    for (size_t i = 0; i < v->n; i++) {
        if (!memcmp(&v->st[i]->mask, mask, sizeof *mask)) {
            return v->st[i];
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------------
 * The table.
 * ------------------------------------------------------------------------ */

static struct megaflow_table *
table_create(const struct flow_hash_key *hkey)
{
    struct megaflow_table *t = xcalloc(1, sizeof *t);
    pthread_mutex_init(&t->mutex, NULL);   /* cannot fail without attrs */
    t->vec = &empty_vec;
    t->hkey = *hkey;
    return t;
}

struct megaflow_table *
megaflow_table_create_seeded(uint64_t seed)
{
    struct flow_hash_key hkey;
    flow_hash_key_from_seed(&hkey, seed);
    return table_create(&hkey);
}

struct megaflow_table *
megaflow_table_create(void)
{
    return table_create(flow_hash_process_key());
}

uint32_t
megaflow_flow_hash(const struct megaflow *f)
{
    return node_of(f)->hash;
}

void
megaflow_table_destroy(struct megaflow_table *t)
{
    if (!t) {
        return;
    }
    megaflow_flush(t);
    pthread_mutex_destroy(&t->mutex);
    free(t);
}

/* True when an existing flow with another mask than `same`'s would match a
 * packet that (masked, mask) matches.
 *
 * Cost, for S other subtables: a subtable whose mask M' is a subset of the
 * new mask M can only overlap through the flow whose key is (key & M'), so
 * it costs one hash lookup, O(words of M').  Any other subtable (M' not a
 * subset: M more general, or the two partly disjoint) has to be scanned,
 * comparing each of its flows on the words M & M' share: O(flows in it x
 * common words).  Worst case O(total flows x words); in the usual datapath
 * pattern (specific flows under general ones) most subtables are subsets. */
static bool
overlaps_other_mask(const struct megaflow_table *t,
                    const struct flow_key *masked,
                    const struct flow_key *mask, const struct subtable *same)
{
    const struct subtable_vec *v = t->vec;
    for (size_t i = 0; i < v->n; i++) {
        const struct subtable *st = v->st[i];
        if (st == same || !st->n_flows) {
            continue;
        }
        if (mask_is_subset(&st->mask, mask)
            ? subtable_find_key(st, masked) != NULL
            : subtable_scan_overlap(st, masked, mask)) {
            return true;
        }
    }
    return false;
}

/* Adds a flow that passed every check.  Caller holds the mutex. */
static void
add_flow(struct megaflow_table *t, struct subtable *same,
         const struct flow_key *masked, const struct flow_key *mask,
         const void *actions, size_t actions_len)
{
    struct subtable *st = same ? same : subtable_create(mask, &t->hkey);
    subtable_add(st, node_create(st, masked, actions, actions_len));
    if (!same) {
        publish_vec(t, st);
    }
    __atomic_store_n(&t->n_flows, t->n_flows + 1, __ATOMIC_RELAXED);
}

static bool
actions_args_ok(const void *actions, size_t actions_len)
{
    return (actions || !actions_len) && actions_len <= UINT32_MAX;
}

int
megaflow_insert(struct megaflow_table *t, const struct flow_key *key,
                const struct flow_key *mask, const void *actions,
                size_t actions_len, size_t max_flows)
{
    if (!t || !key || !mask || !actions_args_ok(actions, actions_len)) {
        return -EINVAL;
    }
    struct flow_key masked;
    flow_key_mask(&masked, key, mask);

    pthread_mutex_lock(&t->mutex);
    struct subtable *same = find_subtable(t->vec, mask);
    int err = 0;
    if (same && subtable_find_key(same, &masked)) {
        err = -EEXIST;
    } else if (overlaps_other_mask(t, &masked, mask, same)) {
        err = -EINVAL;
    } else if (max_flows && t->n_flows >= max_flows) {
        err = -E2BIG;
    } else {
        add_flow(t, same, &masked, mask, actions, actions_len);
    }
    pthread_mutex_unlock(&t->mutex);
    return err;
}

/* The live node with exactly this key and mask, or NULL; the subtable in
 * *stp.  Caller holds the mutex or the RCU read lock. */
static struct mf_node *
find_exact(struct megaflow_table *t, const struct flow_key *key,
           const struct flow_key *mask, struct subtable **stp)
{
    struct subtable *st = find_subtable(rcu_load(t->vec), mask);
    if (!st) {
        return NULL;
    }
    struct flow_key masked;
    flow_key_mask(&masked, key, mask);
    struct mf_node *n = subtable_find_key(st, &masked);
    if (stp) {
        *stp = st;
    }
    return n && !flow_is_dead(&n->flow) ? n : NULL;
}

struct megaflow *
megaflow_find_exact(struct megaflow_table *t, const struct flow_key *key,
                    const struct flow_key *mask)
{
    struct mf_node *n = find_exact(t, key, mask, NULL);
    return n ? &n->flow : NULL;
}

static void
stats_clear(struct megaflow *f)
{
    __atomic_store_n(&f->stats.packets, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&f->stats.bytes, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&f->stats.used_ms, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&f->stats.tcp_flags, 0, __ATOMIC_RELAXED);
}

int
megaflow_modify(struct megaflow_table *t, const struct flow_key *key,
                const struct flow_key *mask, const void *actions,
                size_t actions_len, bool clear_stats)
{
    if (!t || !key || !mask || !actions_args_ok(actions, actions_len)) {
        return -EINVAL;
    }
    pthread_mutex_lock(&t->mutex);
    int err = 0;
    struct mf_node *n = find_exact(t, key, mask, NULL);
    struct megaflow_actions *a = n ? actions_alloc(actions, actions_len) : NULL;
    if (!n) {
        err = -ENOENT;
    } else {
        struct megaflow_actions *old = rcu_xchg_pointer(&n->flow.actions, a);
        call_rcu(&caa_container_of(old, struct actions_box, actions)->rcu,
                 actions_free_cb);
        if (clear_stats) {
            stats_clear(&n->flow);
        }
    }
    pthread_mutex_unlock(&t->mutex);
    return err;
}

/* Unlinks a flow and drops the table's reference.  Caller holds the mutex. */
static void
remove_flow(struct megaflow_table *t, struct subtable *st, struct mf_node *n)
{
    __atomic_store_n(&n->flow.dead, true, __ATOMIC_RELEASE);
    subtable_remove(st, n);
    __atomic_store_n(&t->n_flows, t->n_flows - 1, __ATOMIC_RELAXED);
    if (!st->n_flows) {
        publish_vec(t, NULL);
    }
    flow_unref(&n->flow);
}

int
megaflow_delete(struct megaflow_table *t, const struct flow_key *key,
                const struct flow_key *mask, struct megaflow_stats *stats)
{
    if (!t || !key || !mask) {
        return -EINVAL;
    }
    pthread_mutex_lock(&t->mutex);
    struct subtable *st = NULL;
    struct mf_node *n = find_exact(t, key, mask, &st);
    if (n) {
        if (stats) {
            megaflow_stats_read(&n->flow, stats);
        }
        remove_flow(t, st, n);
    }
    pthread_mutex_unlock(&t->mutex);
    return n ? 0 : -ENOENT;
}

void
megaflow_flush(struct megaflow_table *t)
{
    pthread_mutex_lock(&t->mutex);
    struct subtable_vec *old = t->vec;
    rcu_assign_pointer(t->vec, &empty_vec);
    for (size_t i = 0; i < old->n; i++) {
        struct subtable *st = old->st[i];
        struct slot_array *a = st->slots;
        for (uint32_t j = 0; j <= a->mask; j++) {
            struct mf_node *n = a->slots[j].node;
            if (n && n != TOMB) {
                __atomic_store_n(&n->flow.dead, true, __ATOMIC_RELEASE);
                flow_unref(&n->flow);
            }
        }
        call_rcu(&st->rcu, subtable_free_cb);
    }
    vec_retire(old);
    __atomic_store_n(&t->n_flows, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&t->n_masks, 0, __ATOMIC_RELAXED);
    pthread_mutex_unlock(&t->mutex);
}

/* ------------------------------------------------------------------------
 * The hot path: lookups in batches.  Each subtable is probed for all the
 * keys still unmatched before the next one: the subtable's words and mask
 * stay in registers, its hash loop is chosen once, and every key's first
 * slot is prefetched before any is probed, so the cache misses of a batch
 * overlap.
 * ------------------------------------------------------------------------ */

/* The mask of one subtable as a batch lookup uses it: copied to locals,
 * because st->plan.idx is bytes, which any store may alias, so the compiler
 * would reload it for every key. */
struct batch_mask {
    uint32_t idx[KEY_WORDS];
    uint64_t mask[KEY_WORDS];
    uint64_t secret[KEY_WORDS];    /* as the subtable's plan */
};

/* keys[j] & the mask, on the mask's `n` words, hashed. */
static inline __attribute__((always_inline)) uint32_t
batch_hash(const struct batch_mask *m, uint64_t basis, const key_word *kw,
           uint32_t n)
{
    uint64_t h = basis;
#pragma GCC unroll 4
    for (uint32_t i = 0; i < n; i += 2) {
        uint64_t a = kw[m->idx[i]] & m->mask[i];
        uint64_t b = i + 1 < n ? kw[m->idx[i + 1]] & m->mask[i + 1] : 0;
        h = flow_hash_pair(h, a, b, m->secret[i / 2]);
    }
    return flow_hash_finish(h);
}

/* True when node `node` holds kw & the mask. */
static inline __attribute__((always_inline)) bool
batch_matches(const struct batch_mask *m, const struct mf_node *node,
              const key_word *kw, uint32_t n)
{
    uint64_t diff = 0;
#pragma GCC unroll 8
    for (uint32_t i = 0; i < n; i++) {
        diff |= node->words[i] ^ (kw[m->idx[i]] & m->mask[i]);
    }
    return !diff;
}

/* The first slot of `a`, from kw's hash on, that is live with the same
 * hash (UINT32_MAX when an empty slot comes first: kw is not there). */
static inline uint32_t
batch_candidate(const struct slot_array *a, uint32_t hash)
{
    const uint32_t slot_mask = a->mask;
    uint32_t i = hash & slot_mask;
    for (uint32_t probes = 0; probes <= slot_mask; probes++) {
        const struct mf_slot *s = &a->slots[i];
        struct mf_node *node = __atomic_load_n(&s->node, __ATOMIC_ACQUIRE);
        if (!node) {
            break;
        }
        if (node != TOMB && s->hash == hash) {
            return i;
        }
        i = (i + 1) & slot_mask;
    }
    return UINT32_MAX;
}

/* The live node of `a` that kw matches, probing from slot `i` on (a
 * candidate), or NULL. */
static inline __attribute__((always_inline)) struct mf_node *
batch_find(const struct batch_mask *m, const struct slot_array *a,
           const key_word *kw, uint32_t hash, uint32_t i, uint32_t n)
{
    const uint32_t slot_mask = a->mask;
    for (uint32_t probes = 0; probes <= slot_mask; probes++) {
        const struct mf_slot *s = &a->slots[i];
        struct mf_node *node = __atomic_load_n(&s->node, __ATOMIC_ACQUIRE);
        if (!node) {
            return NULL;
        }
        if (node != TOMB && s->hash == hash && batch_matches(m, node, kw, n)
            && !flow_is_dead(&node->flow)) {
            return node;
        }
        i = (i + 1) & slot_mask;
    }
    return NULL;
}

/* Probes subtable `st` (its slots `a`, its `n` words) for each key j in
 * *todo, in three passes over the keys so that their cache misses overlap:
 * hash each and start loading its first slot; find each one's first slot
 * with the same hash and start loading that node; compare.  A key that
 * matches gets flows[j] and leaves *todo.  Returns how many matched. */
static inline __attribute__((always_inline)) uint32_t
subtable_batch_n(const struct subtable *st, const struct slot_array *a,
                 const struct flow_key *const keys[], uint64_t *todo,
                 struct megaflow *flows[], uint32_t n)
{
    struct batch_mask m;
    for (uint32_t i = 0; i < n; i++) {
        m.idx[i] = st->plan.idx[i];
        m.mask[i] = st->plan.mask[i];
        m.secret[i / 2] = st->plan.secret[i / 2];
    }
    const uint64_t basis = st->plan.basis;
    const uint32_t slot_mask = a->mask;
    uint32_t hashes[MEGAFLOW_BATCH_MAX], cand[MEGAFLOW_BATCH_MAX];
    for (uint64_t left = *todo; left; left &= left - 1) {
        unsigned j = (unsigned) __builtin_ctzll(left);
        uint32_t hash = batch_hash(&m, basis, (const key_word *) keys[j], n);
        hashes[j] = hash;
        __builtin_prefetch(&a->slots[hash & slot_mask]);
    }
    uint64_t maybe = 0;
    for (uint64_t left = *todo; left; left &= left - 1) {
        unsigned j = (unsigned) __builtin_ctzll(left);
        cand[j] = batch_candidate(a, hashes[j]);
        if (cand[j] != UINT32_MAX) {
            const struct mf_node *node = a->slots[cand[j]].node;
            __builtin_prefetch(&node->flow.dead);
            __builtin_prefetch(&node->words[0]);
            __builtin_prefetch(&node->words[n - 1]);
            maybe |= UINT64_C(1) << j;
        }
    }
    uint32_t found = 0;
    for (; maybe; maybe &= maybe - 1) {
        unsigned j = (unsigned) __builtin_ctzll(maybe);
        struct mf_node *node = batch_find(&m, a, (const key_word *) keys[j],
                                          hashes[j], cand[j], n);
        if (node) {
            flows[j] = &node->flow;
            *todo &= ~(UINT64_C(1) << j);
            found++;
        }
    }
    return found;
}

/* subtable_batch_n, unrolled for the usual mask sizes. */
static inline __attribute__((always_inline)) uint32_t
subtable_batch(const struct subtable *st, const struct slot_array *a,
               const struct flow_key *const keys[], uint64_t *todo,
               struct megaflow *flows[])
{
    switch (st->plan.n_words) {
#define SUBTABLE_BATCH_CASE(N) \
    case N: return subtable_batch_n(st, a, keys, todo, flows, N);
    SUBTABLE_BATCH_CASE(1) SUBTABLE_BATCH_CASE(2) SUBTABLE_BATCH_CASE(3)
    SUBTABLE_BATCH_CASE(4) SUBTABLE_BATCH_CASE(5) SUBTABLE_BATCH_CASE(6)
    SUBTABLE_BATCH_CASE(7) SUBTABLE_BATCH_CASE(8)
#undef SUBTABLE_BATCH_CASE
    default:
        return subtable_batch_n(st, a, keys, todo, flows, st->plan.n_words);
    }
}

/* Counts `found` hits on the subtable probed `rank`-th (0: first).  The
 * counter is bumped with a relaxed load and store, not an atomic add: a
 * lost increment between two forwarding threads only blurs the ranking,
 * and a locked add would cost more than the probe itself.  A subtable
 * that is not first is re-ranked each time its count passes a multiple of
 * RESORT_INTERVAL. */
static inline void
count_hits(struct megaflow_table *t, struct subtable *st, size_t rank,
           uint32_t found)
{
    uint64_t old = __atomic_load_n(&st->hits, __ATOMIC_RELAXED);
    uint64_t hits = old + found;
    __atomic_store_n(&st->hits, hits, __ATOMIC_RELAXED);
    if (rank && hits / RESORT_INTERVAL != old / RESORT_INTERVAL) {
        maybe_resort(t);
    }
}

void
megaflow_lookup_batch(struct megaflow_table *t,
                      const struct flow_key *const keys[], size_t n,
                      struct megaflow *flows[], uint32_t *n_mask_hit)
{
    if (n > MEGAFLOW_BATCH_MAX) {
        n = MEGAFLOW_BATCH_MAX;
    }
    const struct subtable_vec *v = rcu_load(t->vec);
    uint64_t todo = n < 64 ? (UINT64_C(1) << n) - 1 : UINT64_MAX;
    uint32_t probed = 0;
    for (size_t j = 0; j < n; j++) {
        flows[j] = NULL;
    }
    for (size_t i = 0; i < v->n && todo; i++) {
        struct subtable *st = v->st[i];
        const struct slot_array *a = rcu_load(st->slots);
        uint32_t found = subtable_batch(st, a, keys, &todo, flows);
        if (found) {
            probed += found * (uint32_t) (i + 1);
            count_hits(t, st, i, found);
        }
    }
    probed += (uint32_t) (__builtin_popcountll(todo) * v->n);
    if (n_mask_hit) {
        *n_mask_hit += probed;
    }
}

/* A batch of one, so that the one code path is the one tested. */
struct megaflow *
megaflow_lookup(struct megaflow_table *t, const struct flow_key *key,
                uint32_t *n_mask_hit)
{
    struct megaflow *f;
    megaflow_lookup_batch(t, &key, 1, &f, n_mask_hit);
    return f;
}

void
megaflow_foreach(struct megaflow_table *t,
                 bool (*cb)(const struct megaflow *, void *aux), void *aux)
{
    pthread_mutex_lock(&t->mutex);
    const struct subtable_vec *v = t->vec;
    for (size_t i = 0; i < v->n; i++) {
        const struct slot_array *a = v->st[i]->slots;
        for (uint32_t j = 0; j <= a->mask; j++) {
            const struct mf_node *n = a->slots[j].node;
            if (n && n != TOMB && !flow_is_dead(&n->flow)
                && !cb(&n->flow, aux)) {
                goto out;
            }
        }
    }
out:
    pthread_mutex_unlock(&t->mutex);
}

size_t
megaflow_count(const struct megaflow_table *t)
{
    return __atomic_load_n(&t->n_flows, __ATOMIC_RELAXED);
}

size_t
megaflow_mask_count(const struct megaflow_table *t)
{
    return __atomic_load_n(&t->n_masks, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------------
 * Stats.  The updater adds bytes before packets (release) and the reader
 * loads packets (acquire) before bytes, so a copy never shows packets whose
 * bytes are missing; each field is read whole.
 * ------------------------------------------------------------------------ */

void
megaflow_stats_update(struct megaflow *f, uint32_t packets, uint32_t bytes,
                      uint16_t tcp_flags, uint64_t now_ms)
{
    struct megaflow_stats *s = &f->stats;
    __atomic_fetch_add(&s->bytes, bytes, __ATOMIC_RELAXED);
    if ((__atomic_load_n(&s->tcp_flags, __ATOMIC_RELAXED) & tcp_flags)
        != tcp_flags) {
        __atomic_fetch_or(&s->tcp_flags, tcp_flags, __ATOMIC_RELAXED);
    }
    if (__atomic_load_n(&s->used_ms, __ATOMIC_RELAXED) < now_ms) {
        __atomic_store_n(&s->used_ms, now_ms, __ATOMIC_RELAXED);
    }
    __atomic_fetch_add(&s->packets, packets, __ATOMIC_RELEASE);
}

void
megaflow_stats_read(const struct megaflow *f, struct megaflow_stats *s)
{
    const struct megaflow_stats *src = &f->stats;
    memset(s, 0, sizeof *s);
    s->packets = __atomic_load_n(&src->packets, __ATOMIC_ACQUIRE);
    s->bytes = __atomic_load_n(&src->bytes, __ATOMIC_RELAXED);
    s->used_ms = __atomic_load_n(&src->used_ms, __ATOMIC_RELAXED);
    s->tcp_flags = __atomic_load_n(&src->tcp_flags, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------------
 * The exact-match cache: 2-way set of EMC_ENTRIES entries, one per cache
 * line triple, owned by one thread.
 * ------------------------------------------------------------------------ */

_Static_assert((EMC_ENTRIES & (EMC_ENTRIES - 1)) == 0
               && EMC_ENTRIES <= 65536, "EMC_ENTRIES: power of two <= 2^16");
#define EMC_MASK (EMC_ENTRIES - 1)

struct emc_entry {
    struct megaflow *flow;   /* holds a reference; NULL when empty */
    uint32_t hash;
    struct flow_key key;     /* the full key */
} __attribute__((aligned(CACHE_LINE)));

struct emc_cache {
    struct emc_entry entries[EMC_ENTRIES];
};

struct emc_cache *
emc_cache_create(void)
{
    struct emc_cache *c = xmemalign(CACHE_LINE, sizeof *c);
    memset(c, 0, sizeof *c);
    return c;
}

void
emc_cache_destroy(struct emc_cache *c)
{
    if (c) {
        emc_clear(c);
        free(c);
    }
}

/* The two candidate entries use disjoint bits of the hash. */
static inline struct emc_entry *
emc_way(struct emc_cache *c, uint32_t hash, int way)
{
    uint32_t h = way ? (hash >> 16 | hash << 16) : hash;
    return &c->entries[h & EMC_MASK];
}

/* Whole-key compare in 16-byte vectors (GCC's generic vectors: SSE2 on
 * x86-64, scalar pairs elsewhere), unrolled: a word loop's counter and
 * branch cost as much as the compare on every cache hit. */
typedef uint64_t vec2 __attribute__((vector_size(16)));

static inline vec2
load_vec2(const void *p)
{
    vec2 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline bool
key_equal(const struct flow_key *a, const struct flow_key *b)
{
    const uint8_t *x = (const uint8_t *) a, *y = (const uint8_t *) b;
    vec2 diff = { 0, 0 };
#pragma GCC unroll 16
    for (size_t i = 0; i + 16 <= sizeof *a; i += 16) {
        diff |= load_vec2(x + i) ^ load_vec2(y + i);
    }
    uint64_t rest = 0;
    if (sizeof *a % 16) {
        const key_word *xw = (const key_word *) a, *yw = (const key_word *) b;
        rest = xw[KEY_WORDS - 1] ^ yw[KEY_WORDS - 1];
    }
    return !(diff[0] | diff[1] | rest);
}

static inline bool
emc_entry_matches(const struct emc_entry *e, const struct flow_key *key,
                  uint32_t hash)
{
    return e->flow && e->hash == hash && key_equal(&e->key, key);
}

static void
emc_entry_clear(struct emc_entry *e)
{
    struct megaflow *f = e->flow;
    if (f) {
        e->flow = NULL;
        flow_unref(f);
    }
}

struct megaflow *
emc_lookup(struct emc_cache *c, const struct flow_key *key, uint32_t hash)
{
    for (int way = 0; way < 2; way++) {
        struct emc_entry *e = emc_way(c, hash, way);
        if (emc_entry_matches(e, key, hash)) {
            if (!flow_is_dead(e->flow)) {
                return e->flow;
            }
            emc_entry_clear(e);    /* let the dead flow go */
            return NULL;
        }
    }
    return NULL;
}

void
emc_insert(struct emc_cache *c, const struct flow_key *key, uint32_t hash,
           struct megaflow *flow)
{
    if (!flow || flow_is_dead(flow)) {
        return;
    }
    struct emc_entry *e0 = emc_way(c, hash, 0);
    struct emc_entry *e1 = emc_way(c, hash, 1);
    struct emc_entry *e;
    if (emc_entry_matches(e0, key, hash)) {
        e = e0;
    } else if (emc_entry_matches(e1, key, hash)) {
        e = e1;
    } else if (!e0->flow || flow_is_dead(e0->flow)) {
        e = e0;
    } else if (!e1->flow || flow_is_dead(e1->flow)) {
        e = e1;
    } else {
        e = e0->hash < e1->hash ? e0 : e1;  /* both busy: a pseudo-random one */
    }
    if (e->flow == flow && emc_entry_matches(e, key, hash)) {
        return;
    }
    if (!flow_ref_if_live(flow)) {
        return;    /* being freed: the table dropped it a moment ago */
    }
    struct megaflow *old = e->flow;
    e->flow = flow;
    e->hash = hash;
    e->key = *key;
    if (old) {
        flow_unref(old);
    }
}

void
emc_clear(struct emc_cache *c)
{
    for (size_t i = 0; i < EMC_ENTRIES; i++) {
        emc_entry_clear(&c->entries[i]);
    }
}
