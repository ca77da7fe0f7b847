/* The registry of port types and the ports' counters.
 *
 * The built-in types are referenced weakly: a program gets the types whose
 * files it links (the daemon links all of them; a test only what it uses),
 * and a type being written elsewhere never breaks the build of this one. */
#include "dp/vport/vport.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

extern const struct vport_ops vport_memory_ops __attribute__((weak));
extern const struct vport_ops vport_pcap_ops __attribute__((weak));
extern const struct vport_ops vport_netdev_ops __attribute__((weak));
extern const struct vport_ops vport_internal_ops __attribute__((weak));
extern const struct vport_ops vport_patch_ops __attribute__((weak));
extern const struct vport_ops vport_vxlan_ops __attribute__((weak));

#define VPORT_TYPES_MAX 32

static pthread_mutex_t registry_mutex = PTHREAD_MUTEX_INITIALIZER;
static const struct vport_ops *registry[VPORT_TYPES_MAX];
static size_t n_registered;
static pthread_once_t builtins_once = PTHREAD_ONCE_INIT;

static const struct vport_ops *find_locked(const char *type)
{
    for (size_t i = 0; i < n_registered; i++) {
        if (!strcmp(registry[i]->type, type)) {
            return registry[i];
        }
    }
    return NULL;
}

static int register_locked(const struct vport_ops *ops)
{
    if (!ops || !ops->type || !ops->create || !ops->send) {
        return -EINVAL;
    }
    if (find_locked(ops->type)) {
        return -EEXIST;
    }
    if (n_registered >= VPORT_TYPES_MAX) {
        return -ENOSPC;
    }
    registry[n_registered++] = ops;
    return 0;
}

static void register_builtins(void)
{
    const struct vport_ops *const builtins[] = {
        &vport_memory_ops, &vport_pcap_ops, &vport_netdev_ops,
        &vport_internal_ops, &vport_patch_ops, &vport_vxlan_ops,
    };
    pthread_mutex_lock(&registry_mutex);
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
        if (builtins[i]) {          /* NULL: that file is not linked in */
            register_locked(builtins[i]);
        }
    }
    pthread_mutex_unlock(&registry_mutex);
}

int vport_register(const struct vport_ops *ops)
{
    pthread_once(&builtins_once, register_builtins);
    pthread_mutex_lock(&registry_mutex);
    int error = register_locked(ops);
    pthread_mutex_unlock(&registry_mutex);
    return error;
}

const struct vport_ops *vport_ops_lookup(const char *type)
{
    if (!type) {
        return NULL;
    }
    pthread_once(&builtins_once, register_builtins);
    pthread_mutex_lock(&registry_mutex);
    const struct vport_ops *ops = find_locked(type);
    pthread_mutex_unlock(&registry_mutex);
    return ops;
}

const char *vport_opt_get(const struct vport_opt *opts, size_t n,
                          const char *key)
{
    for (size_t i = 0; opts && i < n; i++) {
        if (opts[i].key && !strcmp(opts[i].key, key)) {
            return opts[i].value;
        }
    }
    return NULL;
}

static inline void counter_add(uint64_t *c, uint64_t n)
{
    __atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

void vport_count_rx(struct vport *vp, uint32_t packets, uint64_t bytes)
{
    counter_add(&vp->stats.rx_packets, packets);
    counter_add(&vp->stats.rx_bytes, bytes);
}

void vport_count_tx(struct vport *vp, uint32_t packets, uint64_t bytes)
{
    counter_add(&vp->stats.tx_packets, packets);
    counter_add(&vp->stats.tx_bytes, bytes);
}

void vport_count_drop(struct vport *vp, enum dp_drop_reason why,
                      uint32_t packets)
{
    dp_drop_count(&vp->drops, why, packets);
}

void vport_count_rx_dropped(struct vport *vp, enum dp_drop_reason why,
                            uint32_t packets)
{
    counter_add(&vp->stats.rx_dropped, packets);
    vport_count_drop(vp, why, packets);
}

void vport_count_tx_dropped(struct vport *vp, enum dp_drop_reason why,
                            uint32_t packets)
{
    counter_add(&vp->stats.tx_dropped, packets);
    vport_count_drop(vp, why, packets);
}

void vport_count_tx_error(struct vport *vp, enum dp_drop_reason why,
                          uint32_t packets)
{
    counter_add(&vp->stats.tx_errors, packets);
    vport_count_drop(vp, why, packets);
}

void vport_count_rx_error(struct vport *vp, enum dp_drop_reason why,
                          uint32_t packets)
{
    counter_add(&vp->stats.rx_errors, packets);
    vport_count_drop(vp, why, packets);
}

void vport_stats_read(const struct vport *vp, struct vport_stats *out)
{
    const struct vport_stats *s = &vp->stats;
    out->rx_packets = __atomic_load_n(&s->rx_packets, __ATOMIC_RELAXED);
    out->rx_bytes = __atomic_load_n(&s->rx_bytes, __ATOMIC_RELAXED);
    out->rx_errors = __atomic_load_n(&s->rx_errors, __ATOMIC_RELAXED);
    out->rx_dropped = __atomic_load_n(&s->rx_dropped, __ATOMIC_RELAXED);
    out->tx_packets = __atomic_load_n(&s->tx_packets, __ATOMIC_RELAXED);
    out->tx_bytes = __atomic_load_n(&s->tx_bytes, __ATOMIC_RELAXED);
    out->tx_errors = __atomic_load_n(&s->tx_errors, __ATOMIC_RELAXED);
    out->tx_dropped = __atomic_load_n(&s->tx_dropped, __ATOMIC_RELAXED);
}

void vport_drops_read(const struct vport *vp, struct dp_drop_stats *out)
{
    memset(out, 0, sizeof *out);
    dp_drop_stats_accumulate(out, &vp->drops);
}
