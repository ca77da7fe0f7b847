/* The forwarding thread (see forwarder.h). */
#include "dp/forwarder.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <urcu.h>

#include "dp/datapath.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(forwarder);

#define SLEEP_TIMEOUT_MS 100

/* Rounds between two looks (one poll() with no timeout) at the fds of the
 * ports whose recv costs a syscall, while the thread spins. */
#define SLOW_CHECK_ROUNDS 32

/* The ports to poll; immutable once published. */
struct port_set {
    uint32_t n;
    uint32_t n_slow;                 /* ports not every_round */
    uint32_t port_no[DP_MAX_PORTS];
    int fd[DP_MAX_PORTS];            /* -1: no fd */
    bool every_round[DP_MAX_PORTS];  /* recv costs no syscall, or no fd */
};

struct forwarder {
    struct datapath *dp;
    pthread_t thread;
    int wake_fd;                      /* eventfd: stop or new ports */
    bool stop;                        /* atomic */
    uint32_t spin;                    /* atomic */
    struct port_set *ports;           /* RCU pointer */
    struct forwarder_stats stats;     /* written by the thread only */

    /* The thread's own. */
    struct pollfd pfds[DP_MAX_PORTS + 1];
    const struct port_set *seen;      /* the set `ready` refers to */
    bool ready[DP_MAX_PORTS];         /* slow port i has input (or may) */
    uint32_t rounds_to_check;         /* rounds until the next slow look */
};

static void add_port_cb(struct vport *vp, void *aux)
{
    struct port_set *set = aux;
    if (set->n < DP_MAX_PORTS && vp->ops->recv) {
        set->port_no[set->n] = vp->port_no;
        int fd = vp->ops->get_fd ? vp->ops->get_fd(vp) : -1;
        set->fd[set->n] = fd;
        set->every_round[set->n] = fd < 0 || vp->ops->recv_costs_no_syscall;
        set->n_slow += !set->every_round[set->n];
        set->n++;
    }
}

static struct port_set *snapshot_ports(struct datapath *dp)
{
    struct port_set *set = xcalloc(1, sizeof *set);
    datapath_port_foreach(dp, add_port_cb, set);
    return set;
}

static void wake(struct forwarder *f)
{
    uint64_t one = 1;
    if (write(f->wake_fd, &one, sizeof one) < 0) {
        /* The counter is saturated: the thread is awake anyway. */
    }
}

static void stat_add(uint64_t *c, uint64_t n)
{
    __atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + n,
                     __ATOMIC_RELAXED);
}

/* Fills `pfds` from the current snapshot: the wake fd first, then each port
 * with an fd.  Caller holds the RCU read lock. */
static nfds_t fill_pollfds(const struct forwarder *f,
                           const struct port_set *set, struct pollfd *pfds)
{
    nfds_t n = 0;
    pfds[n++] = (struct pollfd) { .fd = f->wake_fd, .events = POLLIN };
    for (uint32_t i = 0; set && i < set->n; i++) {
        pfds[n++] = (struct pollfd) { .fd = set->fd[i], .events = POLLIN };
    }
    return n;
}

/* Marks the slow ports of `set` whose entry in `pfds` (laid out as
 * fill_pollfds does, from `pfds[first]`) reports input or an error. */
static void mark_ready(struct forwarder *f, const struct port_set *set,
                       const struct pollfd *pfds, nfds_t first)
{
    for (uint32_t i = 0; i < set->n; i++) {
        if (!set->every_round[i]
            && (pfds[first + i].revents & (POLLIN | POLLERR))) {
            f->ready[i] = true;
        }
    }
}

/* Every SLOW_CHECK_ROUNDS rounds, one poll() without timeout over the slow
 * ports' fds says which of them to call: a TAP or UDP port then costs one
 * syscall per 32 rounds instead of a read() each round. */
static void check_slow_ports(struct forwarder *f, const struct port_set *set)
{
    if (f->seen != set) {             /* new ports: look at all of them */
        f->seen = set;
        memset(f->ready, 1, sizeof f->ready);
        f->rounds_to_check = SLOW_CHECK_ROUNDS;
        return;
    }
    if (!set->n_slow || --f->rounds_to_check) {
        return;
    }
    f->rounds_to_check = SLOW_CHECK_ROUNDS;
    for (uint32_t i = 0; i < set->n; i++) {
        f->pfds[i] = (struct pollfd) {
            .fd = set->every_round[i] ? -1 : set->fd[i], .events = POLLIN };
    }
    if (poll(f->pfds, set->n, 0) > 0) {
        mark_ready(f, set, f->pfds, 0);
    }
}

/* Receives one batch from every port that is cheap to look at or known to
 * have input; returns the number of packets.  A slow port stays ready while
 * it fills whole batches. */
static uint64_t run_batches(struct forwarder *f, const struct port_set *set)
{
    if (!set) {
        return 0;
    }
    check_slow_ports(f, set);
    uint64_t packets = 0;
    for (uint32_t i = 0; i < set->n; i++) {
        if (!set->every_round[i] && !f->ready[i]) {
            continue;
        }
        int n = datapath_poll_port(f->dp, set->port_no[i]);
        if (n > 0) {
            packets += (uint64_t)n;
            stat_add(&f->stats.batches, 1);
        }
        if (!set->every_round[i]) {
            f->ready[i] = n == PACKET_BATCH_MAX;
        }
    }
    return packets;
}

static void drain_wake_fd(int fd)
{
    uint64_t v;
    if (read(fd, &v, sizeof v) < 0) {
        /* EAGAIN: nothing to drain. */
    }
}

/* Blocks until a port or the wake fd is readable, or the timeout.  The
 * snapshot's fds may be closed meanwhile by a port deletion: poll then
 * reports POLLNVAL for them, and datapath_poll_port finds no port; the
 * control thread publishes a new snapshot right after. */
static void sleep_in_poll(struct forwarder *f)
{
    rcu_read_lock();
    const struct port_set *set = rcu_dereference(f->ports);
    nfds_t n = fill_pollfds(f, set, f->pfds);
    rcu_read_unlock();
    if (poll(f->pfds, n, SLEEP_TIMEOUT_MS) > 0) {
        if (f->pfds[0].revents & POLLIN) {
            drain_wake_fd(f->wake_fd);
        }
        /* `set` may be freed by now: use it only if it is still the
         * published one (a new set at the same address would at worst
         * mark the wrong ports, until the next look). */
        rcu_read_lock();
        if (set && set == rcu_dereference(f->ports) && set == f->seen) {
            mark_ready(f, set, f->pfds, 1);
        }
        rcu_read_unlock();
    }
    stat_add(&f->stats.sleeps, 1);
}

static void *forwarder_main(void *arg)
{
    struct forwarder *f = arg;
    uint32_t idle = 0;
    rcu_register_thread();
    while (!__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE)) {
        rcu_read_lock();
        uint64_t got = run_batches(f, rcu_dereference(f->ports));
        rcu_read_unlock();
        stat_add(&f->stats.rounds, 1);
        if (got) {
            stat_add(&f->stats.packets, got);
            idle = 0;
        } else if (++idle >= __atomic_load_n(&f->spin, __ATOMIC_RELAXED)) {
            sleep_in_poll(f);       /* outside the read lock: quiescent */
            idle = 0;
        }
    }
    rcu_unregister_thread();
    return NULL;
}

int forwarder_start(struct datapath *dp, struct forwarder **fp)
{
    struct forwarder *f = xcalloc(1, sizeof *f);
    f->dp = dp;
    f->spin = FORWARDER_DEFAULT_SPIN;
    f->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    f->ports = snapshot_ports(dp);
    int error = f->wake_fd < 0
                ? -errno : -pthread_create(&f->thread, NULL, forwarder_main, f);
    if (error) {
        if (f->wake_fd >= 0) {
            close(f->wake_fd);
        }
        free(f->ports);
        free(f);
        f = NULL;
    }
    *fp = f;
    return error;
}

void forwarder_stop(struct forwarder *f)
{
    if (!f) {
        return;
    }
    __atomic_store_n(&f->stop, true, __ATOMIC_RELEASE);
    wake(f);
    pthread_join(f->thread, NULL);
    close(f->wake_fd);
    free(f->ports);
    free(f);
}

void forwarder_ports_changed(struct forwarder *f)
{
    struct port_set *set = snapshot_ports(f->dp);
    struct port_set *old = rcu_xchg_pointer(&f->ports, set);
    wake(f);
    synchronize_rcu();
    free(old);
}

void forwarder_set_spin(struct forwarder *f, uint32_t rounds)
{
    __atomic_store_n(&f->spin, rounds, __ATOMIC_RELAXED);
}

void forwarder_get_stats(const struct forwarder *f, struct forwarder_stats *s)
{
    s->rounds = __atomic_load_n(&f->stats.rounds, __ATOMIC_RELAXED);
    s->sleeps = __atomic_load_n(&f->stats.sleeps, __ATOMIC_RELAXED);
    s->batches = __atomic_load_n(&f->stats.batches, __ATOMIC_RELAXED);
    s->packets = __atomic_load_n(&f->stats.packets, __ATOMIC_RELAXED);
}
