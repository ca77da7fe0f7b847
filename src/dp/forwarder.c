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
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(forwarder);

#define SLEEP_TIMEOUT_MS 100

/* The ports to poll; immutable once published. */
struct port_set {
    uint32_t n;
    uint32_t port_no[DP_MAX_PORTS];
    int fd[DP_MAX_PORTS];            /* -1: poll it every round */
};

struct forwarder {
    struct datapath *dp;
    pthread_t thread;
    int wake_fd;                      /* eventfd: stop or new ports */
    bool stop;                        /* atomic */
    uint32_t spin;                    /* atomic */
    struct port_set *ports;           /* RCU pointer */
    struct forwarder_stats stats;     /* written by the thread only */
    struct pollfd pfds[DP_MAX_PORTS + 1];   /* the thread's own */
};

static void add_port_cb(struct vport *vp, void *aux)
{
    struct port_set *set = aux;
    if (set->n < DP_MAX_PORTS && vp->ops->recv) {
        set->port_no[set->n] = vp->port_no;
        set->fd[set->n] = vp->ops->get_fd ? vp->ops->get_fd(vp) : -1;
        set->n++;
    }
}

static struct port_set *snapshot_ports(struct datapath *dp)
{
    struct port_set *set = calloc(1, sizeof *set);
    if (set) {
        datapath_port_foreach(dp, add_port_cb, set);
    }
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

/* Receives one batch from every port; returns the number of packets.  A
 * system port's recv only looks at its ring, so a round costs no syscall
 * unless some port (internal) needs one to look. */
static uint64_t run_batches(struct forwarder *f, const struct port_set *set)
{
    uint64_t packets = 0;
    for (uint32_t i = 0; set && i < set->n; i++) {
        int n = datapath_poll_port(f->dp, set->port_no[i]);
        if (n > 0) {
            packets += (uint64_t)n;
            stat_add(&f->stats.batches, 1);
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
    nfds_t n = fill_pollfds(f, rcu_dereference(f->ports), f->pfds);
    rcu_read_unlock();
    if (poll(f->pfds, n, SLEEP_TIMEOUT_MS) > 0
        && (f->pfds[0].revents & POLLIN)) {
        drain_wake_fd(f->wake_fd);
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

struct forwarder *forwarder_start(struct datapath *dp)
{
    struct forwarder *f = calloc(1, sizeof *f);
    if (!f) {
        return NULL;
    }
    f->dp = dp;
    f->spin = FORWARDER_DEFAULT_SPIN;
    f->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    f->ports = snapshot_ports(dp);
    if (f->wake_fd < 0 || !f->ports) {
        goto fail;
    }
    int error = pthread_create(&f->thread, NULL, forwarder_main, f);
    if (error) {
        errno = error;
        goto fail;
    }
    return f;
fail:
    error = errno ? errno : ENOMEM;
    if (f->wake_fd >= 0) {
        close(f->wake_fd);
    }
    free(f->ports);
    free(f);
    errno = error;
    return NULL;
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
    if (!set) {
        VLOG_ERR("out of memory: the forwarder keeps its old port set");
        return;
    }
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
