/* The datapath: the ports array under RCU, the fast path over a batch
 * (keys, exact-match cache, megaflows, actions per group of packets of one
 * flow), the upcall queue to the slow path, and the seed's counters.
 *
 * Per forwarding thread and datapath there is a `struct dp_thread` (found
 * with a pthread key): its exact-match cache and its own hit/miss/mask
 * counters, so that threads never share a cache line in the fast path.
 * Sends to one port are serialised by a small per-port lock, because the
 * control thread may execute packets (datapath_execute) while a forwarding
 * thread runs; the forwarding thread takes it once per group of packets. */
#include "dp/datapath.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <urcu.h>

#include "dp/actions.h"
#include "dp/crc32c.h"
#include "dp/flow_key.h"
#include "dp/meter.h"
#include "lib/coverage.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(datapath);

#define DP_NAME_MAX 64
/* Every upcall slot owns UPCALL_MIN_BUF bytes of one block allocated (and
 * touched) with the datapath; a bigger frame (a GSO super-frame, up to
 * 64 KiB) gets its own buffer, freed once its upcall is handled.  Slots
 * that kept the largest frame they ever held made RSS grow by up to
 * 1024 x 64 KiB as port churn under TCP traffic sent big frames up, and
 * slots allocated at first use grew it by 2 MiB as the ring turned. */
#define UPCALL_MIN_BUF 2048
#define TXSET_MAX 16

/* A port as the datapath keeps it: the public vport and its tx lock, a
 * re-entrant spinlock (a patch port's send may come back to the same
 * port on the same thread). */
struct dp_port {
    struct vport vp;
    _Atomic(const void *) tx_owner;
    uint32_t tx_depth;
};

struct dp_thread_stats {
    uint64_t n_hit, n_missed, n_mask_hit;
};

struct dp_thread {
    struct datapath *dp;
    struct emc_cache *emc;
    struct dp_thread_stats stats;   /* written by the owner only */
    bool orphan;                    /* its thread exited */
    struct dp_thread *next;
};

struct upcall_slot {
    struct upcall up;
    struct dp_packet pkt;
    uint8_t *buf;                   /* `small`, or a frame's own */
    uint32_t cap;
    uint8_t *small;                 /* UPCALL_MIN_BUF of `uq_small` */
};

struct datapath {
    char name[DP_NAME_MAX];
    struct dp_port *ports[DP_MAX_PORTS];    /* RCU */
    pthread_mutex_t mutex;          /* ports (writers), the thread list */
    struct megaflow_table *flows;
    atomic_size_t flow_limit;
    atomic_bool emc_enabled;
    pthread_key_t thread_key;
    struct dp_thread *threads;
    struct dp_thread_stats gone;    /* counts of freed dp_threads */
    uint64_t n_lost, n_recursion_drops, n_missing_port_drops; /* atomics */
    struct dp_drop_stats drops;     /* of packets whose input port is gone,
                                     * and the drops of deleted ports */
    atomic_bool upcalls_held;       /* datapath_set_upcalls_held */

    /* Upcall queue: a ring under `uq_mutex`; one consumer at a time. */
    pthread_mutex_t uq_mutex, drain_mutex;
    uint32_t uq_head, uq_count;
    int upcall_fd;
    struct upcall_slot uq[DP_UPCALL_QUEUE_LEN];
    uint8_t *uq_small;              /* the slots' own buffers, one block */
    struct dp_meters *meters;       /* meters (dp/meter.h) */
};

/* The ports a batch sent to, flushed at its end. */
struct txset {
    uint32_t n;
    uint32_t ports[TXSET_MAX];
};

static __thread struct txset *cur_txset;
static __thread char tx_token;      /* its address names this thread */

static inline void count_add(uint64_t *c, uint64_t n)
{
    __atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

/* For counters with one writer: no locked instruction. */
static inline void own_count_add(uint64_t *c, uint64_t n)
{
    __atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + n,
                     __ATOMIC_RELAXED);
}

/* rcu_dereference without the library call (liburcu's is a function
 * unless its LGPL inline code is compiled in): an acquire load. */
#define rcu_load(P) __atomic_load_n(&(P), __ATOMIC_ACQUIRE)

static inline uint64_t count_get(const uint64_t *c)
{
    return __atomic_load_n(c, __ATOMIC_RELAXED);
}

struct dp_meters *datapath_meters(struct datapath *dp)
{
    return dp->meters;
}

uint64_t dp_time_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- tx lock */

static void port_tx_lock(struct dp_port *p)
{
    const void *me = &tx_token;
    if (atomic_load_explicit(&p->tx_owner, memory_order_relaxed) == me) {
        p->tx_depth++;
        return;
    }
    for (unsigned spins = 0;; spins++) {
        const void *expected = NULL;
        if (atomic_compare_exchange_weak_explicit(&p->tx_owner, &expected,
                                                  me, memory_order_acquire,
                                                  memory_order_relaxed)) {
            break;
        }
        if (spins > 100) {
            sched_yield();          /* the holder may have been preempted */
        }
    }
    p->tx_depth = 1;
}

static void port_tx_unlock(struct dp_port *p)
{
    if (--p->tx_depth == 0) {
        atomic_store_explicit(&p->tx_owner, NULL, memory_order_release);
    }
}

/* ------------------------------------------------------- per-thread state */

static void dp_thread_free(struct datapath *dp, struct dp_thread *t)
{
    count_add(&dp->gone.n_hit, t->stats.n_hit);
    count_add(&dp->gone.n_missed, t->stats.n_missed);
    count_add(&dp->gone.n_mask_hit, t->stats.n_mask_hit);
    emc_cache_destroy(t->emc);
    free(t);
}

/* Thread exit: the EMC must be freed in an RCU-registered thread, which
 * this one may no longer be, so the control thread frees it later. */
static void dp_thread_exit(void *arg)
{
    struct dp_thread *t = arg;
    pthread_mutex_lock(&t->dp->mutex);
    t->orphan = true;
    pthread_mutex_unlock(&t->dp->mutex);
}

/* Frees the state of exited threads (control thread). */
static void reap_orphans(struct datapath *dp)
{
    pthread_mutex_lock(&dp->mutex);
    for (struct dp_thread **tp = &dp->threads; *tp;) {
        struct dp_thread *t = *tp;
        if (t->orphan) {
            *tp = t->next;
            dp_thread_free(dp, t);
        } else {
            tp = &t->next;
        }
    }
    pthread_mutex_unlock(&dp->mutex);
}

static struct dp_thread *get_thread(struct datapath *dp)
{
    struct dp_thread *t = pthread_getspecific(dp->thread_key);
    if (t) {
        return t;
    }
    t = xcalloc(1, sizeof *t);
    t->dp = dp;
    t->emc = emc_cache_create();
    pthread_mutex_lock(&dp->mutex);
    t->next = dp->threads;
    dp->threads = t;
    pthread_mutex_unlock(&dp->mutex);
    pthread_setspecific(dp->thread_key, t);
    return t;
}

/* ----------------------------------------------------------- create/free */

struct datapath *datapath_create(const char *name)
{
    struct datapath *dp = xcalloc(1, sizeof *dp);
    snprintf(dp->name, sizeof dp->name, "%s", name);
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    /* A port type's create may look ports up while we add one. */
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&dp->mutex, &attr);
    pthread_mutexattr_destroy(&attr);
    pthread_mutex_init(&dp->uq_mutex, NULL);
    pthread_mutex_init(&dp->drain_mutex, NULL);
    atomic_init(&dp->flow_limit, DP_DEFAULT_FLOW_LIMIT);
    atomic_init(&dp->emc_enabled, true);
    atomic_init(&dp->upcalls_held, false);
    dp->flows = megaflow_table_create();
    dp->meters = dp_meters_create();
    dp->uq_small = xmalloc((size_t)DP_UPCALL_QUEUE_LEN * UPCALL_MIN_BUF);
    memset(dp->uq_small, 0, (size_t)DP_UPCALL_QUEUE_LEN * UPCALL_MIN_BUF);
    for (int i = 0; i < DP_UPCALL_QUEUE_LEN; i++) {
        struct upcall_slot *slot = &dp->uq[i];
        slot->small = slot->buf = dp->uq_small + (size_t)i * UPCALL_MIN_BUF;
        slot->cap = UPCALL_MIN_BUF;
    }
    dp->upcall_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (dp->upcall_fd < 0
        || pthread_key_create(&dp->thread_key, dp_thread_exit)) {
        megaflow_table_destroy(dp->flows);
        dp_meters_destroy(dp->meters);
        free(dp->uq_small);
        if (dp->upcall_fd >= 0) {
            close(dp->upcall_fd);
        }
        free(dp);
        return NULL;
    }
    return dp;
}

/* Destroys a port; its drops stay in the datapath's totals (`dp`; NULL
 * when the datapath goes too). */
static void port_destroy(struct datapath *dp, struct dp_port *p)
{
    if (p->vp.ops->destroy) {
        p->vp.ops->destroy(&p->vp);
    }
    for (int r = 0; dp && r < DP_DROP_N_REASONS; r++) {
        count_add(&dp->drops.n[r], count_get(&p->vp.drops.n[r]));
    }
    free(p);
}

static void upcall_slot_shrink(struct upcall_slot *slot);

void datapath_destroy(struct datapath *dp)
{
    if (!dp) {
        return;
    }
    struct dp_port *gone[DP_MAX_PORTS];
    for (int i = 0; i < DP_MAX_PORTS; i++) {
        gone[i] = dp->ports[i];
        rcu_assign_pointer(dp->ports[i], NULL);
    }
    synchronize_rcu();
    for (int i = 0; i < DP_MAX_PORTS; i++) {
        if (gone[i]) {
            port_destroy(NULL, gone[i]);
        }
    }
    pthread_key_delete(dp->thread_key);
    while (dp->threads) {
        struct dp_thread *t = dp->threads;
        dp->threads = t->next;
        dp_thread_free(dp, t);
    }
    megaflow_table_destroy(dp->flows);
    dp_meters_destroy(dp->meters);
    rcu_barrier();              /* the flows' call_rcu frees are done */
    for (int i = 0; i < DP_UPCALL_QUEUE_LEN; i++) {
        upcall_slot_shrink(&dp->uq[i]);
    }
    free(dp->uq_small);
    close(dp->upcall_fd);
    pthread_mutex_destroy(&dp->mutex);
    pthread_mutex_destroy(&dp->uq_mutex);
    pthread_mutex_destroy(&dp->drain_mutex);
    free(dp);
}

const char *datapath_name(const struct datapath *dp)
{
    return dp->name;
}

/* ------------------------------------------------------------------ ports */

static struct dp_port *port_by_name_locked(struct datapath *dp,
                                           const char *name)
{
    for (int i = 0; i < DP_MAX_PORTS; i++) {
        if (dp->ports[i] && !strcmp(dp->ports[i]->vp.name, name)) {
            return dp->ports[i];
        }
    }
    return NULL;
}

/* Checks the requested number, or finds the lowest free one above LOCAL. */
static int choose_port_no(struct datapath *dp, uint32_t *port_no, char *err,
                          size_t errlen)
{
    if (*port_no == UINT32_MAX) {
        for (uint32_t no = 1; no < DP_MAX_PORTS; no++) {
            if (!dp->ports[no]) {
                *port_no = no;
                return 0;
            }
        }
        snprintf(err, errlen, "%s: no free port number", dp->name);
        return -EFBIG;
    }
    if (*port_no >= DP_MAX_PORTS) {
        snprintf(err, errlen, "%s: port number %u out of range (max %d)",
                 dp->name, *port_no, DP_MAX_PORTS - 1);
        return -EINVAL;
    }
    if (dp->ports[*port_no]) {
        snprintf(err, errlen, "%s: port number %u is taken by %s", dp->name,
                 *port_no, dp->ports[*port_no]->vp.name);
        return -EEXIST;
    }
    return 0;
}

static int port_add_locked(struct datapath *dp, const char *name,
                           const struct vport_ops *ops,
                           const struct vport_opt *opts, size_t n_opts,
                           uint32_t *port_no, char *err, size_t errlen)
{
    if (port_by_name_locked(dp, name)) {
        snprintf(err, errlen, "%s: a port named %s exists", dp->name, name);
        return -EEXIST;
    }
    uint32_t no = *port_no;
    int error = choose_port_no(dp, &no, err, errlen);
    if (error) {
        return error;
    }
    struct dp_port *p = xcalloc(1, sizeof *p);
    snprintf(p->vp.name, sizeof p->vp.name, "%s", name);
    p->vp.port_no = no;
    p->vp.dp = dp;
    p->vp.ops = ops;
    atomic_init(&p->tx_owner, NULL);
    error = ops->create(&p->vp, opts, n_opts, err, errlen);
    if (error) {
        if (errlen && !err[0]) {
            snprintf(err, errlen, "%s: could not create %s port %s (%s)",
                     dp->name, ops->type, name, strerror(-error));
        }
        free(p);
        return error;
    }
    rcu_assign_pointer(dp->ports[no], p);
    *port_no = no;
    return 0;
}

int datapath_port_add(struct datapath *dp, const char *name, const char *type,
                      const struct vport_opt *opts, size_t n_opts,
                      uint32_t *port_no, char *err, size_t errlen)
{
    char dummy[1];
    if (!err || !errlen) {
        err = dummy;
        errlen = sizeof dummy;
    }
    err[0] = '\0';
    if (!name || !*name || strlen(name) >= VPORT_NAME_MAX) {
        snprintf(err, errlen, "%s: bad port name", dp->name);
        return -EINVAL;
    }
    const struct vport_ops *ops = vport_ops_lookup(type);
    if (!ops) {
        snprintf(err, errlen, "%s: unknown port type %s", dp->name,
                 type ? type : "(none)");
        return -EAFNOSUPPORT;
    }
    pthread_mutex_lock(&dp->mutex);
    int error = port_add_locked(dp, name, ops, opts, n_opts, port_no, err,
                                errlen);
    pthread_mutex_unlock(&dp->mutex);
    return error;
}

int datapath_port_del(struct datapath *dp, uint32_t port_no)
{
    if (port_no >= DP_MAX_PORTS) {
        return -ENOENT;
    }
    pthread_mutex_lock(&dp->mutex);
    struct dp_port *p = dp->ports[port_no];
    if (p) {
        rcu_assign_pointer(dp->ports[port_no], NULL);
    }
    pthread_mutex_unlock(&dp->mutex);
    if (!p) {
        return -ENOENT;
    }
    synchronize_rcu();          /* no forwarding thread still sees it */
    port_destroy(dp, p);
    return 0;
}

struct vport *datapath_port_get(struct datapath *dp, uint32_t port_no)
{
    if (port_no >= DP_MAX_PORTS) {
        return NULL;
    }
    struct dp_port *p = rcu_load(dp->ports[port_no]);
    return p ? &p->vp : NULL;
}

struct vport *datapath_port_by_name(struct datapath *dp, const char *name)
{
    pthread_mutex_lock(&dp->mutex);
    struct dp_port *p = port_by_name_locked(dp, name);
    pthread_mutex_unlock(&dp->mutex);
    return p ? &p->vp : NULL;
}

void datapath_port_foreach(struct datapath *dp,
                           void (*cb)(struct vport *, void *aux), void *aux)
{
    pthread_mutex_lock(&dp->mutex);
    for (int i = 0; i < DP_MAX_PORTS; i++) {
        if (dp->ports[i]) {
            cb(&dp->ports[i]->vp, aux);
        }
    }
    pthread_mutex_unlock(&dp->mutex);
}

static void port_changed_cb(struct vport *vp, void *aux)
{
    (void)aux;
    if (vp->ops->ports_changed) {
        vp->ops->ports_changed(vp);
    }
}

void datapath_ports_changed(struct datapath *dp)
{
    datapath_port_foreach(dp, port_changed_cb, NULL);
}

/* ----------------------------------------------------------------- output */

static void port_flush(struct dp_port *p)
{
    port_tx_lock(p);
    p->vp.ops->flush(&p->vp);
    port_tx_unlock(p);
}

/* Remembers that `p` needs a flush at the end of the batch; flushes now
 * when there is no batch or the set is full. */
static void note_sent(struct dp_port *p)
{
    if (!p->vp.ops->flush) {
        return;
    }
    struct txset *ts = cur_txset;
    if (ts) {
        for (uint32_t i = 0; i < ts->n; i++) {
            if (ts->ports[i] == p->vp.port_no) {
                return;
            }
        }
        if (ts->n < TXSET_MAX) {
            ts->ports[ts->n++] = p->vp.port_no;
            return;
        }
    }
    port_flush(p);
}

static void txset_flush(struct datapath *dp, const struct txset *ts)
{
    for (uint32_t i = 0; i < ts->n; i++) {
        struct dp_port *p = rcu_load(dp->ports[ts->ports[i]]);
        if (p) {
            port_flush(p);
        }
    }
}

static struct dp_port *output_port(struct datapath *dp, uint32_t port_no)
{
    return port_no < DP_MAX_PORTS ? rcu_load(dp->ports[port_no])
                                  : NULL;
}

void datapath_output_batch(struct datapath *dp, uint32_t port_no,
                           const struct dp_packet_batch *b, uint32_t max_len)
{
    struct dp_port *p = output_port(dp, port_no);
    if (!p) {
        count_add(&dp->n_missing_port_drops, b->count);
        datapath_count_batch_drop(dp, b, DP_DROP_INVALID_PORT);
        return;
    }
    int (*send)(struct vport *, const struct dp_packet *) = p->vp.ops->send;
    port_tx_lock(p);
    for (uint32_t i = 0; i < b->count; i++) {
        const struct dp_packet *pkt = b->pkts[i];
        if (max_len && pkt->len > max_len) {
            struct dp_packet cut = *pkt;    /* a shorter view, same bytes */
            cut.len = max_len;
            send(&p->vp, &cut);
        } else {
            send(&p->vp, pkt);
        }
    }
    port_tx_unlock(p);
    note_sent(p);
}

void datapath_output(struct datapath *dp, uint32_t port_no,
                     const struct dp_packet *p)
{
    struct dp_packet_batch b = { .count = 1, .pkts = { (struct dp_packet *)p } };
    datapath_output_batch(dp, port_no, &b, 0);
}

void datapath_count_recursion_drops(struct datapath *dp, uint32_t in_port,
                                    enum dp_drop_reason why, uint32_t n)
{
    count_add(&dp->n_recursion_drops, n);
    datapath_count_drop(dp, in_port, why, n);
}

/* ------------------------------------------------------------ drop counts */

void datapath_count_drop(struct datapath *dp, uint32_t in_port,
                         enum dp_drop_reason why, uint32_t n)
{
    rcu_read_lock();
    struct dp_port *p = output_port(dp, in_port);
    dp_drop_count(p ? &p->vp.drops : &dp->drops, why, n);
    rcu_read_unlock();
}

void datapath_count_batch_drop(struct datapath *dp,
                               const struct dp_packet_batch *b,
                               enum dp_drop_reason why)
{
    /* A batch comes from one port as a rule: one count per run of equal
     * input ports. */
    for (uint32_t i = 0, run; i < b->count; i += run) {
        uint32_t in_port = b->pkts[i]->md.in_port;
        for (run = 1; i + run < b->count
                      && b->pkts[i + run]->md.in_port == in_port; run++) {
            continue;
        }
        datapath_count_drop(dp, in_port, why, run);
    }
}

void datapath_get_drops(const struct datapath *dp_, struct dp_drop_stats *s)
{
    struct datapath *dp = (struct datapath *)dp_;   /* for the mutex */
    memset(s, 0, sizeof *s);
    pthread_mutex_lock(&dp->mutex);
    dp_drop_stats_accumulate(s, &dp->drops);
    for (int i = 0; i < DP_MAX_PORTS; i++) {
        if (dp->ports[i]) {
            dp_drop_stats_accumulate(s, &dp->ports[i]->vp.drops);
        }
    }
    pthread_mutex_unlock(&dp->mutex);
}

/* ---------------------------------------------------------------- upcalls */

/* Copies `p` into `slot`, into a buffer of its own when it does not fit
 * the slot's; false when there is no memory for it.  Not x* (lib/util.h):
 * this runs on the forwarding thread, and without memory the answer is to
 * lose this one upcall, counted as a full queue's are, not to abort the
 * switch. */
static bool upcall_slot_fill(struct upcall_slot *slot,
                             const struct dp_packet *p)
{
    uint32_t need = PACKET_HEADROOM + p->len;
    if (need > UPCALL_MIN_BUF) {
        uint8_t *buf = malloc(need);
        if (!buf) {
            return false;
        }
        slot->buf = buf;
        slot->cap = need;
    }
    dp_packet_init(&slot->pkt, slot->buf, slot->cap, PACKET_HEADROOM);
    memcpy(dp_packet_data(&slot->pkt), dp_packet_data(p), p->len);
    slot->pkt.len = p->len;
    slot->pkt.md = p->md;
    return true;
}

/* Gives a big frame's buffer back (consumer, head slot; or destroy). */
static void upcall_slot_shrink(struct upcall_slot *slot)
{
    if (slot->buf != slot->small) {
        free(slot->buf);
        slot->buf = slot->small;
        slot->cap = UPCALL_MIN_BUF;
    }
}

static bool upcall_enqueue(struct datapath *dp, enum upcall_type type,
                           const struct dp_packet *p,
                           const struct flow_key *key, uint64_t userdata)
{
    bool queued = false;
    pthread_mutex_lock(&dp->uq_mutex);
    if (dp->uq_count < DP_UPCALL_QUEUE_LEN && p->len <= PACKET_MAX_LEN) {
        struct upcall_slot *slot
            = &dp->uq[(dp->uq_head + dp->uq_count) % DP_UPCALL_QUEUE_LEN];
        if (upcall_slot_fill(slot, p)) {
            slot->up.type = type;
            slot->up.key = *key;
            slot->up.userdata = userdata;
            slot->up.packet = &slot->pkt;
            if (dp->uq_count++ == 0) {
                uint64_t one = 1;
                ssize_t n = write(dp->upcall_fd, &one, sizeof one);
                (void)n;        /* the counter cannot overflow from 0 */
            }
            queued = true;
        }
    }
    pthread_mutex_unlock(&dp->uq_mutex);
    return queued;
}

/* A packet the upcall queue did not take: too big for it, or full. */
static void count_lost(struct datapath *dp, const struct dp_packet *p)
{
    count_add(&dp->n_lost, 1);
    datapath_count_drop(dp, p->md.in_port, p->len > PACKET_MAX_LEN
                                           ? DP_DROP_TOO_BIG
                                           : DP_DROP_UPCALL_FULL, 1);
}

void datapath_upcall(struct datapath *dp, enum upcall_type type,
                     const struct dp_packet *p, const struct flow_key *key,
                     uint64_t userdata)
{
    if (!upcall_enqueue(dp, type, p, key, userdata)) {
        count_lost(dp, p);
    }
}

static void upcall_fd_clear(struct datapath *dp);

size_t datapath_upcall_drain(struct datapath *dp,
                             void (*cb)(const struct upcall *, void *aux),
                             void *aux, size_t max)
{
    size_t n = 0;
    if (atomic_load(&dp->upcalls_held)) {
        upcall_fd_clear(dp);    /* the consumer sleeps until released */
        reap_orphans(dp);
        return 0;
    }
    pthread_mutex_lock(&dp->drain_mutex);
    while (n < max) {
        pthread_mutex_lock(&dp->uq_mutex);
        struct upcall_slot *slot = dp->uq_count ? &dp->uq[dp->uq_head] : NULL;
        pthread_mutex_unlock(&dp->uq_mutex);
        if (!slot) {
            break;
        }
        cb(&slot->up, aux);     /* producers do not touch the head slot */
        upcall_slot_shrink(slot);
        pthread_mutex_lock(&dp->uq_mutex);
        dp->uq_head = (dp->uq_head + 1) % DP_UPCALL_QUEUE_LEN;
        if (--dp->uq_count == 0) {
            uint64_t v;
            ssize_t r = read(dp->upcall_fd, &v, sizeof v);
            (void)r;
        }
        pthread_mutex_unlock(&dp->uq_mutex);
        n++;
    }
    pthread_mutex_unlock(&dp->drain_mutex);
    reap_orphans(dp);
    return n;
}

/* Makes the upcall fd unreadable while upcalls stay queued. */
static void upcall_fd_clear(struct datapath *dp)
{
    pthread_mutex_lock(&dp->uq_mutex);
    uint64_t v;
    ssize_t r = read(dp->upcall_fd, &v, sizeof v);
    (void)r;                    /* EAGAIN: it was not readable */
    pthread_mutex_unlock(&dp->uq_mutex);
}

void datapath_set_upcalls_held(struct datapath *dp, bool held)
{
    atomic_store(&dp->upcalls_held, held);
    if (!held) {
        /* Producers signal only when the queue was empty: wake the
         * consumer for what queued while it was held. */
        pthread_mutex_lock(&dp->uq_mutex);
        if (dp->uq_count) {
            uint64_t one = 1;
            ssize_t n = write(dp->upcall_fd, &one, sizeof one);
            (void)n;
        }
        pthread_mutex_unlock(&dp->uq_mutex);
    }
}

bool datapath_upcalls_held(const struct datapath *dp)
{
    return atomic_load(&((struct datapath *)dp)->upcalls_held);
}

int datapath_upcall_fd(const struct datapath *dp)
{
    return dp->upcall_fd;
}

/* ------------------------------------------------------------- fast path */

/* Packets of one flow within a batch. */
struct flow_group {
    struct megaflow *flow;
    uint32_t first;             /* index of its first packet */
    uint32_t bytes;
    uint16_t tcp_flags;
    struct dp_packet_batch batch;
};

/* The exact-match cache's hash.  The cache compares whole keys, so any
 * hash that spreads keys works (a collision only costs an eviction).  Where
 * the CPU has it, three CRC32C lanes over the key's words (one instruction
 * per word, the lanes overlapping in the pipeline); else four independent
 * multiply-rotate lanes, about 3 instructions per word.  Either way the
 * lanes are mixed at the end.  (flow_key_hash is one serial chain, built
 * for quality; it cost 40% of a cache hit.)
 *
 * Unkeyed on purpose, unlike the megaflow and ofproto tables (flow_hash.h).
 * Packets choose these keys too, but what a chosen collision buys is
 * bounded: each key has two candidate entries, so colliding keys only
 * evict each other and fall back to the megaflow lookup, whose hash is
 * keyed -- a cache miss per packet, never a longer search.  The within-batch
 * miss index below uses the same hash and is bounded by the batch size.
 * Keying it would put a 128-bit multiply per two words into every packet's
 * cache lookup (where a CRC32C lane takes one instruction a word) to
 * protect nothing but the hit rate. */
typedef uint64_t __attribute__((may_alias)) key_word;

static bool emc_use_crc32c;

__attribute__((constructor)) static void choose_emc_hash(void)
{
    emc_use_crc32c = crc32c_available();
}

static inline uint64_t rotl64(uint64_t x, int r)
{
    return (x << r) | (x >> (64 - r));
}

static inline uint32_t mix_lanes(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 29;
    return (uint32_t)h;
}

static inline uint32_t emc_hash_crc(const key_word *w)
{
    uint64_t lane[3] = { 1, 2, 3 };
#pragma GCC unroll 24
    for (size_t i = 0; i < FLOW_KEY_U64S; i++) {
        lane[i % 3] = crc32c_u64(lane[i % 3], w[i]);
    }
    return mix_lanes((lane[0] << 32 | lane[1])
                     ^ lane[2] * 0x9e3779b97f4a7c15ULL);
}

static inline uint32_t emc_hash_mul(const key_word *w)
{
    const uint64_t c = 0x9e3779b97f4a7c15ULL;
    uint64_t lane[4] = { 1, 2, 3, 4 };
#pragma GCC unroll 24
    for (size_t i = 0; i < FLOW_KEY_U64S; i++) {
        lane[i & 3] = rotl64((lane[i & 3] ^ w[i]) * c, 31);
    }
    return mix_lanes(lane[0] ^ rotl64(lane[1], 16) ^ rotl64(lane[2], 32)
                     ^ rotl64(lane[3], 48));
}

static inline uint32_t emc_hash(const struct flow_key *key)
{
    const key_word *w = (const key_word *)key;
    return emc_use_crc32c ? emc_hash_crc(w) : emc_hash_mul(w);
}

/* The first packet of the batch with the same key as packet `i` among
 * those that missed the cache so far (an open-addressed index on the cache
 * hash; a bucket holds a packet index + 1), or `i` after adding it. */
struct miss_index {
    uint8_t bucket[2 * PACKET_BATCH_MAX];
};
_Static_assert(PACKET_BATCH_MAX <= MEGAFLOW_BATCH_MAX,
               "a batch's misses fit one megaflow_lookup_batch");

static uint32_t miss_index_find_or_add(struct miss_index *mi,
                                       const struct flow_key keys[],
                                       const uint32_t hashes[], uint32_t i)
{
    const uint32_t mask = 2 * PACKET_BATCH_MAX - 1;
    uint32_t b = hashes[i] & mask;
    while (mi->bucket[b]) {
        uint32_t j = mi->bucket[b] - 1u;
        if (hashes[j] == hashes[i]
            && !memcmp(&keys[j], &keys[i], sizeof keys[i])) {
            return j;
        }
        b = (b + 1) & mask;
    }
    mi->bucket[b] = (uint8_t)(i + 1);
    return i;
}

/* Looks up the batch's keys: the exact-match cache for each, then the
 * megaflows for all the keys it missed at once (see
 * megaflow_lookup_batch), then the cache learns what they found.  A key
 * that repeats one that missed earlier in the batch is looked up after
 * that one's flow entered the cache, as one packet at a time would: same
 * flows, same probe counts. */
static void lookup_batch(struct datapath *dp, struct emc_cache *emc,
                         const struct flow_key keys[], uint32_t n,
                         struct megaflow *flows[], uint32_t *n_mask_hit)
{
    const struct flow_key *want[PACKET_BATCH_MAX];
    if (!emc) {
        for (uint32_t i = 0; i < n; i++) {
            want[i] = &keys[i];
        }
        megaflow_lookup_batch(dp->flows, want, n, flows, n_mask_hit);
        return;
    }
    uint32_t hashes[PACKET_BATCH_MAX], want_pkt[PACKET_BATCH_MAX];
    uint32_t repeats[PACKET_BATCH_MAX];
    uint32_t n_want = 0, n_repeats = 0;
    struct miss_index mi;
    memset(&mi, 0, sizeof mi);
    for (uint32_t i = 0; i < n; i++) {
        hashes[i] = emc_hash(&keys[i]);
    }
    for (uint32_t i = 0; i < n; i++) {
        flows[i] = emc_lookup(emc, &keys[i], hashes[i]);
        if (flows[i]) {
            continue;
        }
        if (miss_index_find_or_add(&mi, keys, hashes, i) != i) {
            repeats[n_repeats++] = i;
        } else {
            want_pkt[n_want] = i;
            want[n_want++] = &keys[i];
        }
    }
    struct megaflow *found[PACKET_BATCH_MAX];
    megaflow_lookup_batch(dp->flows, want, n_want, found, n_mask_hit);
    for (uint32_t k = 0; k < n_want; k++) {
        uint32_t i = want_pkt[k];
        flows[i] = found[k];
        if (flows[i]) {
            emc_insert(emc, &keys[i], hashes[i], flows[i]);
        }
    }
    for (uint32_t k = 0; k < n_repeats; k++) {
        uint32_t i = repeats[k];
        flows[i] = emc_lookup(emc, &keys[i], hashes[i]);
        if (!flows[i]) {
            flows[i] = megaflow_lookup(dp->flows, &keys[i], n_mask_hit);
            if (flows[i]) {
                emc_insert(emc, &keys[i], hashes[i], flows[i]);
            }
        }
    }
}

/* Finds a batch's group by its flow in a few probes, where a scan of the
 * groups cost ~15 compares per packet once a batch held many flows.  Open
 * addressing over twice as many buckets as a batch has packets; a bucket
 * holds a group's index + 1 (0: empty). */
#define GROUP_BUCKETS (2 * PACKET_BATCH_MAX)

struct group_index {
    uint8_t bucket[GROUP_BUCKETS];
};
_Static_assert(PACKET_BATCH_MAX < 256
               && (GROUP_BUCKETS & (GROUP_BUCKETS - 1)) == 0,
               "group_index: uint8_t indexes, power-of-two buckets");

static inline uint32_t group_bucket(const struct megaflow *f)
{
    return (uint32_t)(((uintptr_t)f * 0x9e3779b97f4a7c15ULL) >> 58)
           & (GROUP_BUCKETS - 1);
}

/* Adds packet `i` to its flow's group; groups keep first-seen order. */
static void group_add(struct flow_group *groups, uint32_t *n_groups,
                      struct group_index *gi, struct megaflow *f,
                      struct dp_packet *p, uint32_t i, uint16_t tcp_flags)
{
    struct flow_group *g = NULL;
    if (*n_groups && groups[*n_groups - 1].flow == f) {
        g = &groups[*n_groups - 1];     /* runs of one flow: no probing */
    } else {
        uint32_t b = group_bucket(f);
        while (gi->bucket[b] && groups[gi->bucket[b] - 1].flow != f) {
            b = (b + 1) & (GROUP_BUCKETS - 1);
        }
        if (gi->bucket[b]) {
            g = &groups[gi->bucket[b] - 1];
        } else {
            g = &groups[(*n_groups)++];
            gi->bucket[b] = (uint8_t)*n_groups;
            g->flow = f;
            g->first = i;
            g->bytes = 0;
            g->tcp_flags = 0;
            dp_packet_batch_init(&g->batch);
        }
    }
    g->bytes += p->len;
    g->tcp_flags |= tcp_flags;
    dp_packet_batch_add(&g->batch, p);
}

static void run_groups(struct datapath *dp, struct flow_group *groups,
                       uint32_t n_groups, const struct flow_key *keys)
{
    uint64_t now = dp_time_ms();
    for (uint32_t k = 0; k < n_groups; k++) {
        struct flow_group *g = &groups[k];
        megaflow_stats_update(g->flow, g->batch.count, g->bytes,
                              g->tcp_flags, now);
        const struct megaflow_actions *acts = rcu_load(g->flow->actions);
        actions_execute(dp, &g->batch, &keys[g->first], acts->data,
                        acts->len);
    }
}

/* One coverage counter per kind of malformed frame (flow_key.h's list),
 * but the runt, which is a drop and counted as one. */
static struct coverage_counter malformed[FLOW_KEY_N_ERRORS];

__attribute__((constructor)) static void malformed_counters_register(void)
{
    for (int e = FLOW_KEY_OK + 1; e < FLOW_KEY_N_ERRORS; e++) {
        if (e != FLOW_KEY_ETH_TOO_SHORT) {
            malformed[e].name = flow_key_error_name(e);
            coverage_register(&malformed[e]);
        }
    }
}

/* Counts the malformed packets of the batch (errors[i] is packet i's
 * extraction result) and returns how many packets go on.  As OVS's
 * dfc_processing, a frame shorter than an Ethernet header is dropped
 * before the lookup (it has no destination to forward to, and a flow on
 * in_port alone would otherwise match it): it is left out of `b` and
 * `keys`.  The others go on with the key of the layers that parsed, as
 * OVS's miniflow_extract leaves them, so a flood of malformed variants
 * shares the megaflows of its L2 (or L3) headers.  Out of line: only
 * batches with a malformed frame come here. */
static __attribute__((noinline)) uint32_t
count_malformed(struct datapath *dp, struct dp_packet_batch *b,
                struct flow_key keys[], const uint8_t errors[], uint32_t n)
{
    uint32_t n_ok = 0;
    for (uint32_t i = 0; i < n; i++) {
        struct dp_packet *p = b->pkts[i];
        if (errors[i] == FLOW_KEY_ETH_TOO_SHORT) {
            datapath_count_drop(dp, p->md.in_port, DP_DROP_RX_INVALID, 1);
            continue;
        }
        if (errors[i] && errors[i] < FLOW_KEY_N_ERRORS) {
            coverage_add(&malformed[errors[i]], 1);
        }
        if (n_ok != i) {
            keys[n_ok] = keys[i];
        }
        b->pkts[n_ok++] = p;
    }
    b->count = n_ok;
    return n_ok;
}

void datapath_process_batch(struct datapath *dp, struct dp_packet_batch *b)
{
    uint32_t n = b->count < PACKET_BATCH_MAX ? b->count : PACKET_BATCH_MAX;
    if (!n) {
        return;
    }
    rcu_read_lock();
    struct dp_thread *t = get_thread(dp);
    struct emc_cache *emc = atomic_load_explicit(&dp->emc_enabled,
                                                 memory_order_relaxed)
                            ? t->emc : NULL;
    struct txset txs = { .n = 0 };
    struct txset *outer_txs = cur_txset;
    cur_txset = &txs;

    struct flow_key keys[PACKET_BATCH_MAX];
    struct flow_group groups[PACKET_BATCH_MAX];
    struct group_index gi;
    memset(&gi, 0, sizeof gi);
    uint32_t n_groups = 0, n_mask_hit = 0, n_hit = 0, n_missed = 0;
    for (uint32_t i = 0; i < n; i++) {
        /* Start the frames' first cache lines on their way: a port's ring
         * or a large working set is rarely in the cache. */
        __builtin_prefetch(dp_packet_data(b->pkts[i]));
    }
    uint8_t errors[PACKET_BATCH_MAX];
    unsigned any_error = 0;
    for (uint32_t i = 0; i < n; i++) {
        errors[i] = (uint8_t) flow_key_extract(b->pkts[i], &keys[i]);
        any_error |= errors[i];
    }
    if (__builtin_expect(any_error != 0, 0)) {
        n = count_malformed(dp, b, keys, errors, n);
    }
    struct megaflow *flows[PACKET_BATCH_MAX];
    lookup_batch(dp, emc, keys, n, flows, &n_mask_hit);
    for (uint32_t i = 0; i < n; i++) {
        struct dp_packet *p = b->pkts[i];
        if (flows[i]) {
            group_add(groups, &n_groups, &gi, flows[i], p, i,
                      ntohs(keys[i].tcp_flags));
            n_hit++;
        } else if (upcall_enqueue(dp, UPCALL_MISS, p, &keys[i], 0)) {
            n_missed++;
        } else {
            count_lost(dp, p);
        }
    }
    run_groups(dp, groups, n_groups, keys);
    txset_flush(dp, &txs);
    cur_txset = outer_txs;

    own_count_add(&t->stats.n_hit, n_hit);
    own_count_add(&t->stats.n_missed, n_missed);
    own_count_add(&t->stats.n_mask_hit, n_mask_hit);
    rcu_read_unlock();
}

int datapath_poll_port(struct datapath *dp, uint32_t port_no)
{
    rcu_read_lock();
    struct dp_port *p = output_port(dp, port_no);
    int n = 0;
    if (!p) {
        n = -ENOENT;
    } else if (p->vp.ops->recv) {
        struct dp_packet_batch batch;
        dp_packet_batch_init(&batch);
        n = p->vp.ops->recv(&p->vp, &batch);
        if (n > 0) {
            /* recv set each packet's in_port and tunnel metadata (the
             * receive contract in vport.h): packets of several ports may
             * come in one batch. */
            datapath_process_batch(dp, &batch);
        }
    }
    rcu_read_unlock();
    return n;
}

void datapath_execute(struct datapath *dp, struct dp_packet *p,
                      const void *acts, size_t len)
{
    if (actions_validate(acts, len)) {
        datapath_count_drop(dp, p->md.in_port, DP_DROP_BAD_ACTIONS, 1);
        return;
    }
    rcu_read_lock();
    struct txset txs = { .n = 0 };
    struct txset *outer_txs = cur_txset;
    cur_txset = &txs;
    struct flow_key key;
    flow_key_extract(p, &key);
    struct dp_packet_batch b;
    dp_packet_batch_init(&b);
    dp_packet_batch_add(&b, p);
    actions_execute(dp, &b, &key, acts, len);
    txset_flush(dp, &txs);
    cur_txset = outer_txs;
    rcu_read_unlock();
}

/* ------------------------------------------------------------------ flows */

int datapath_flow_put(struct datapath *dp, const struct flow_key *key,
                      const struct flow_key *mask, const void *acts,
                      size_t len, bool modify)
{
    if (actions_validate(acts, len)) {
        return -EINVAL;
    }
    if (modify) {
        int error = megaflow_modify(dp->flows, key, mask, acts, len, false);
        if (error != -ENOENT) {
            return error;
        }
    }
    return megaflow_insert(dp->flows, key, mask, acts, len,
                           atomic_load(&dp->flow_limit));
}

int datapath_flow_del(struct datapath *dp, const struct flow_key *key,
                      const struct flow_key *mask, struct megaflow_stats *st)
{
    return megaflow_delete(dp->flows, key, mask, st);
}

void datapath_flow_flush(struct datapath *dp)
{
    megaflow_flush(dp->flows);
}

struct megaflow_table *datapath_flows(struct datapath *dp)
{
    return dp->flows;
}

void datapath_set_flow_limit(struct datapath *dp, size_t limit)
{
    atomic_store(&dp->flow_limit, limit);
}

void datapath_set_emc(struct datapath *dp, bool enabled)
{
    atomic_store(&dp->emc_enabled, enabled);
}

void datapath_get_stats(const struct datapath *dp_, struct dp_stats *s)
{
    struct datapath *dp = (struct datapath *)dp_;   /* for the mutex */
    memset(s, 0, sizeof *s);
    pthread_mutex_lock(&dp->mutex);
    s->n_hit = count_get(&dp->gone.n_hit);
    s->n_missed = count_get(&dp->gone.n_missed);
    s->n_mask_hit = count_get(&dp->gone.n_mask_hit);
    for (const struct dp_thread *t = dp->threads; t; t = t->next) {
        s->n_hit += count_get(&t->stats.n_hit);
        s->n_missed += count_get(&t->stats.n_missed);
        s->n_mask_hit += count_get(&t->stats.n_mask_hit);
    }
    pthread_mutex_unlock(&dp->mutex);
    s->n_lost = count_get(&dp->n_lost);
    s->n_recursion_drops = count_get(&dp->n_recursion_drops);
    s->n_missing_port_drops = count_get(&dp->n_missing_port_drops);
    s->n_flows = megaflow_count(dp->flows);
    s->n_masks = megaflow_mask_count(dp->flows);
}
