/* Shared, reference-counted UDP sockets of the vxlan ports, and the
 * demultiplexing of what they receive; see vxlan_sock.h. */
#include "dp/vport/vxlan/sock.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <urcu.h>

#include "lib/util.h"

/* Socket buffers large enough for bursts of a few batches of big frames. */
#define VXLAN_SOCK_BUF (4 * 1024 * 1024)

struct port_set {
    size_t n;
    struct vxlan_sock_port e[];
};

struct vxlan_sock {
    struct datapath *dp;
    uint32_t local;           /* be32 */
    uint16_t port;            /* host order */
    int fd;
    int refcnt;               /* registry lock */
    struct port_set *ports;   /* RCU */
    pthread_mutex_t rx_lock;
    _Atomic uint64_t n_malformed, n_unmatched;
    struct vxlan_sock *next;
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vxlan_sock *registry;

static void set_buf(int fd, int force_opt, int opt)
{
    int size = VXLAN_SOCK_BUF;
    if (setsockopt(fd, SOL_SOCKET, force_opt, &size, sizeof size)) {
        setsockopt(fd, SOL_SOCKET, opt, &size, sizeof size);
    }
}

/* A non-blocking UDP socket bound to (local, port) that reports the
 * destination address, TOS and TTL of what it receives. */
static int open_socket(uint32_t local, uint16_t port, char *err,
                       size_t errlen)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "vxlan: could not create a UDP socket (%s)",
                 strerror(e));
        return -e;
    }
    int on = 1, pmtu = IP_PMTUDISC_DONT;
    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof on);
    setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &on, sizeof on);
    setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof on);
    /* The underlay may fragment: an inner frame that fits the overlay's MTU
     * must still get across a path whose MTU is smaller. */
    setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof pmtu);
    set_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF);
    set_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF);
    struct sockaddr_in sin = {
        .sin_family = AF_INET,
        .sin_port = htons(port),
        .sin_addr.s_addr = local,
    };
    if (bind(fd, (struct sockaddr *)&sin, sizeof sin)) {
        int e = errno;
        char addr[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, &local, addr, sizeof addr);
        snprintf(err, errlen, "vxlan: cannot bind UDP %s:%u: %s", addr, port,
                 strerror(e));
        close(fd);
        return -e;
    }
    return fd;
}

static struct vxlan_sock *find_sock(struct datapath *dp, uint32_t local,
                                    uint16_t port)
{
    for (struct vxlan_sock *s = registry; s; s = s->next) {
        if (s->dp == dp && s->local == local && s->port == port) {
            return s;
        }
    }
    return NULL;
}

static struct vxlan_sock *new_sock(struct datapath *dp, uint32_t local,
                                   uint16_t port, int *errorp, char *err,
                                   size_t errlen)
{
    int fd = open_socket(local, port, err, errlen);
    if (fd < 0) {
        *errorp = fd;
        return NULL;
    }
    struct vxlan_sock *s = xcalloc(1, sizeof *s);
    struct port_set *empty = xcalloc(1, sizeof *empty);
    s->dp = dp;
    s->local = local;
    s->port = port;
    s->fd = fd;
    s->ports = empty;
    pthread_mutex_init(&s->rx_lock, NULL);
    atomic_init(&s->n_malformed, 0);
    atomic_init(&s->n_unmatched, 0);
    s->next = registry;
    registry = s;
    return s;
}

/* Takes `s` off the registry list (registry lock held). */
static void unlink_sock(struct vxlan_sock *s)
{
    for (struct vxlan_sock **pp = &registry; *pp; pp = &(*pp)->next) {
        if (*pp == s) {
            *pp = s->next;
            return;
        }
    }
}

static void free_sock(struct vxlan_sock *s)
{
    close(s->fd);
    free(s->ports);
    pthread_mutex_destroy(&s->rx_lock);
    free(s);
}

static bool same_match(const struct vxlan_sock_port *a,
                       const struct vxlan_sock_port *b)
{
    return a->remote_flow == b->remote_flow && a->key_flow == b->key_flow
           && (a->remote_flow || a->remote == b->remote)
           && (a->key_flow || a->vni == b->vni);
}

/* A copy of `old` with `add` appended (when non-NULL) and `drop` left out
 * (when non-NULL). */
static struct port_set *copy_set(const struct port_set *old,
                                 const struct vxlan_sock_port *add,
                                 const struct vport *drop)
{
    struct port_set *set = xmalloc(sizeof *set
                                   + (old->n + 1) * sizeof set->e[0]);
    set->n = 0;
    for (size_t i = 0; i < old->n; i++) {
        if (old->e[i].vp != drop) {
            set->e[set->n++] = old->e[i];
        }
    }
    if (add) {
        set->e[set->n++] = *add;
    }
    return set;
}

struct vxlan_sock *vxlan_sock_attach(struct datapath *dp, uint32_t local_be,
                                     uint16_t udp_port,
                                     const struct vxlan_sock_port *port,
                                     int *errorp, char *err, size_t errlen)
{
    pthread_mutex_lock(&registry_lock);
    struct vxlan_sock *s = find_sock(dp, local_be, udp_port);
    if (!s) {
        s = new_sock(dp, local_be, udp_port, errorp, err, errlen);
        if (!s) {
            pthread_mutex_unlock(&registry_lock);
            return NULL;
        }
    }
    struct port_set *old = s->ports;
    for (size_t i = 0; i < old->n; i++) {
        if (same_match(&old->e[i], port)) {
            snprintf(err, errlen, "%s: same remote_ip, key and dst_port as "
                     "port %s", port->vp->name, old->e[i].vp->name);
            *errorp = -EEXIST;
            s = NULL;
            break;
        }
    }
    if (s) {
        rcu_assign_pointer(s->ports, copy_set(old, port, NULL));
        s->refcnt++;
    } else {
        /* A socket just opened for this port alone goes away again. */
        struct vxlan_sock *fresh = find_sock(dp, local_be, udp_port);
        if (fresh && !fresh->refcnt) {
            unlink_sock(fresh);
            free_sock(fresh);
        }
    }
    pthread_mutex_unlock(&registry_lock);
    if (s) {
        synchronize_rcu();
        free(old);
    }
    return s;
}

void vxlan_sock_detach(struct vxlan_sock *s, const struct vport *vp)
{
    pthread_mutex_lock(&registry_lock);
    struct port_set *old = s->ports;
    rcu_assign_pointer(s->ports, copy_set(old, NULL, vp));
    bool last = --s->refcnt == 0;
    if (last) {
        unlink_sock(s);
    }
    pthread_mutex_unlock(&registry_lock);
    synchronize_rcu();
    free(old);
    if (last) {
        free_sock(s);
    }
}

int vxlan_sock_fd(const struct vxlan_sock *s)
{
    return s->fd;
}

uint32_t vxlan_sock_local(const struct vxlan_sock *s)
{
    return s->local;
}

uint16_t vxlan_sock_port(const struct vxlan_sock *s)
{
    return s->port;
}

bool vxlan_sock_rx_trylock(struct vxlan_sock *s)
{
    return pthread_mutex_trylock(&s->rx_lock) == 0;
}

void vxlan_sock_rx_unlock(struct vxlan_sock *s)
{
    pthread_mutex_unlock(&s->rx_lock);
}

const struct vxlan_sock_port *vxlan_sock_match(struct vxlan_sock *s,
                                               uint32_t src, uint32_t vni,
                                               struct vport **blame)
{
    const struct port_set *set = rcu_dereference(s->ports);
    const struct vxlan_sock_port *best = NULL;
    int best_score = -1;
    *blame = set->n ? set->e[0].vp : NULL;
    bool blamed = false;
    for (size_t i = 0; i < set->n; i++) {
        const struct vxlan_sock_port *e = &set->e[i];
        bool remote_ok = e->remote_flow || e->remote == src;
        bool key_ok = e->key_flow || e->vni == vni;
        if (!blamed && !e->remote_flow && e->remote == src) {
            *blame = e->vp;
            blamed = true;
        }
        if (remote_ok && key_ok) {
            int score = (e->remote_flow ? 0 : 2) + (e->key_flow ? 0 : 1);
            if (score > best_score) {
                best = e;
                best_score = score;
            }
        }
    }
    return best;
}

void vxlan_sock_count_malformed(struct vxlan_sock *s)
{
    atomic_fetch_add_explicit(&s->n_malformed, 1, memory_order_relaxed);
}

void vxlan_sock_count_unmatched(struct vxlan_sock *s)
{
    atomic_fetch_add_explicit(&s->n_unmatched, 1, memory_order_relaxed);
}

void vxlan_sock_get_stats(const struct vxlan_sock *s,
                          struct vxlan_sock_stats *st)
{
    st->n_malformed = atomic_load_explicit(&s->n_malformed,
                                           memory_order_relaxed);
    st->n_unmatched = atomic_load_explicit(&s->n_unmatched,
                                           memory_order_relaxed);
}
