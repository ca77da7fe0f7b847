/* Datapath meters (meter.h). */
#include "dp/meter.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <urcu.h>

#include "dp/flow_key.h"
#include "dp/net_headers.h"
#include "lib/util.h"

/* Bucket units per kilobit (kbps: millibits) or per packet (pktps:
 * micropackets); a band's rate is then its refill in units per us. */
#define UNITS_PER_KBIT 1000000ull
#define UNITS_PER_PACKET 1000000ull
#define UNITS_PER_BYTE 8000ull      /* millibits */

struct meter_band {
    uint8_t type;
    uint8_t prec_level;
    uint32_t rate;
    int64_t max_bucket;         /* units */
    int64_t bucket;             /* units; below 0 after an oversized frame */
    uint64_t packets, bytes;
};

struct dp_meter {
    struct rcu_head rcu;
    /* A spinlock, not a mutex: it is held only while one batch (at most
     * PACKET_BATCH_MAX packets times the bands) updates the buckets and
     * counters, never across batches or any call that can block, and a
     * second forwarding thread on the same meter waits less spinning than
     * it would sleeping.  The control thread takes it to read counters. */
    atomic_flag lock;
    uint16_t flags;
    uint16_t n_bands;
    uint64_t used_us;           /* when a batch last ran */
    uint64_t max_delta_us;      /* enough time to fill every bucket */
    uint64_t packets, bytes;
    struct meter_band bands[DP_METER_MAX_BANDS];
};

struct dp_meters {
    struct dp_meter *slots[DP_METER_MAX];     /* RCU */
    uint64_t used[DP_METER_MAX / 64];         /* reserved ids (control) */
    uint32_t hint;                            /* where to look next */
};

#define meter_load(P) __atomic_load_n(&(P), __ATOMIC_ACQUIRE)

static void meter_lock(struct dp_meter *m)
{
    while (atomic_flag_test_and_set_explicit(&m->lock,
                                             memory_order_acquire)) {
        /* spin: the holder runs at most one batch */
    }
}

static void meter_unlock(struct dp_meter *m)
{
    atomic_flag_clear_explicit(&m->lock, memory_order_release);
}

uint64_t dp_meter_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

struct dp_meters *dp_meters_create(void)
{
    return xcalloc(1, sizeof(struct dp_meters));
}

static void meter_free_cb(struct rcu_head *h)
{
    free(caa_container_of(h, struct dp_meter, rcu));
}

void dp_meters_destroy(struct dp_meters *t)
{
    if (!t) {
        return;
    }
    for (uint32_t i = 0; i < DP_METER_MAX; i++) {
        free(t->slots[i]);
    }
    free(t);
}

int dp_meter_id_alloc(struct dp_meters *t, uint32_t *id)
{
    for (uint32_t k = 0; k < DP_METER_MAX / 64; k++) {
        uint32_t w = (t->hint + k) % (DP_METER_MAX / 64);
        if (~t->used[w]) {
            int bit = __builtin_ctzll(~t->used[w]);
            t->used[w] |= 1ull << bit;
            t->hint = w;
            *id = w * 64 + (uint32_t) bit;
            return 0;
        }
    }
    return -ENOSPC;
}

static void id_free(struct dp_meters *t, uint32_t id)
{
    t->used[id / 64] &= ~(1ull << (id % 64));
}

int dp_meter_set(struct dp_meters *t, uint32_t id,
                 const struct dp_meter_config *cfg, char *err, size_t errlen)
{
    if (id >= DP_METER_MAX) {
        snprintf(err, errlen, "meter id %u out of range", id);
        return -EINVAL;
    }
    if (cfg->flags & ~DP_METER_F_ALL) {
        snprintf(err, errlen, "unsupported meter flags %#x", cfg->flags);
        return -EINVAL;
    }
    bool pktps = cfg->flags & DP_METER_F_PKTPS;
    if (pktps == !!(cfg->flags & DP_METER_F_KBPS)) {
        snprintf(err, errlen, "a meter is either kbps or pktps");
        return -EINVAL;
    }
    if (cfg->n_bands > DP_METER_MAX_BANDS) {
        snprintf(err, errlen, "too many meter bands (%u)", cfg->n_bands);
        return -EINVAL;
    }
    struct dp_meter *m = xcalloc(1, sizeof *m);
    atomic_flag_clear(&m->lock);
    m->flags = cfg->flags;
    m->n_bands = cfg->n_bands;
    m->used_us = dp_meter_now_us();
    for (uint16_t i = 0; i < cfg->n_bands; i++) {
        const struct dp_meter_band_config *bc = &cfg->bands[i];
        struct meter_band *b = &m->bands[i];
        if (bc->type != DP_METER_BAND_DROP
            && bc->type != DP_METER_BAND_DSCP_REMARK) {
            snprintf(err, errlen, "unsupported meter band type %u",
                     bc->type);
            free(m);
            return -EINVAL;
        }
        if (!bc->rate) {
            snprintf(err, errlen, "meter band rate must be positive");
            free(m);
            return -EINVAL;
        }
        uint32_t burst = bc->burst_size ? bc->burst_size : bc->rate;
        b->type = (uint8_t) bc->type;
        b->prec_level = bc->prec_level;
        b->rate = bc->rate;
        b->max_bucket = (int64_t) burst
                        * (int64_t) (pktps ? UNITS_PER_PACKET
                                           : UNITS_PER_KBIT);
        b->bucket = b->max_bucket;          /* start full, as OVS */
        /* Time to fill the bucket from its lowest (an oversized frame's
         * debt) to full. */
        uint64_t lowest = pktps ? 0 : PACKET_MAX_LEN * UNITS_PER_BYTE;
        uint64_t fill = ((uint64_t) b->max_bucket + lowest + b->rate - 1)
                        / b->rate;
        if (fill > m->max_delta_us) {
            m->max_delta_us = fill;
        }
    }
    t->used[id / 64] |= 1ull << (id % 64);
    struct dp_meter *old = t->slots[id];
    rcu_assign_pointer(t->slots[id], m);
    if (old) {
        call_rcu(&old->rcu, meter_free_cb);
    }
    return 0;
}

void dp_meter_del(struct dp_meters *t, uint32_t id)
{
    if (id >= DP_METER_MAX) {
        return;
    }
    struct dp_meter *old = t->slots[id];
    rcu_assign_pointer(t->slots[id], NULL);
    if (old) {
        call_rcu(&old->rcu, meter_free_cb);
    }
    id_free(t, id);
}

int dp_meter_get_stats(struct dp_meters *t, uint32_t id,
                       struct dp_meter_stats *s)
{
    memset(s, 0, sizeof *s);
    struct dp_meter *m = id < DP_METER_MAX ? t->slots[id] : NULL;
    if (!m) {
        return -ENOENT;
    }
    meter_lock(m);
    s->packets = m->packets;
    s->bytes = m->bytes;
    s->n_bands = m->n_bands;
    for (uint16_t i = 0; i < m->n_bands; i++) {
        s->bands[i].packets = m->bands[i].packets;
        s->bands[i].bytes = m->bands[i].bytes;
    }
    meter_unlock(m);
    return 0;
}

/* ------------------------------------------------------------ dscp remark */

/* The DSCP with its AF drop precedence raised by `prec` (capped at 3), or
 * `dscp` itself when it is no AF code point. */
static uint8_t dscp_raise(uint8_t dscp, uint8_t prec)
{
    unsigned cls = dscp >> 3, dp = (dscp >> 1) & 3;
    if (cls < 1 || cls > 4 || dp == 0 || (dscp & 1)) {
        return dscp;
    }
    dp = dp + prec > 3 ? 3 : dp + prec;
    return (uint8_t) ((cls << 3) | (dp << 1));
}

static void remark(struct dp_packet *p, uint8_t prec)
{
    flow_key_set_offsets(p);
    uint16_t type = dp_packet_l3_type(p);
    if (type == htons(ETH_TYPE_IP)) {
        struct ipv4_header *ip = (void *) dp_packet_l3(p, IPV4_HEADER_LEN);
        if (!ip || ipv4_version(ip) != 4) {
            return;
        }
        uint8_t tos = ip->tos;
        uint8_t dscp = dscp_raise(tos >> 2, prec);
        uint8_t new_tos = (uint8_t) ((dscp << 2) | (tos & 3));
        if (new_tos != tos) {
            uint16_t old_word, new_word;
            memcpy(&old_word, ip, 2);
            ip->tos = new_tos;
            memcpy(&new_word, ip, 2);
            ip->csum = csum_update16(ip->csum, old_word, new_word);
        }
    } else if (type == htons(ETH_TYPE_IPV6)) {
        struct ipv6_header *ip = (void *) dp_packet_l3(p, IPV6_HEADER_LEN);
        if (!ip || ipv6_version(ip) != 6) {
            return;
        }
        uint32_t vtc = ntohl(ip->vtc_flow);
        uint8_t tclass = (uint8_t) (vtc >> IPV6_TCLASS_SHIFT);
        uint8_t dscp = dscp_raise(tclass >> 2, prec);
        uint8_t nt = (uint8_t) ((dscp << 2) | (tclass & 3));
        vtc = (vtc & ~(0xffu << IPV6_TCLASS_SHIFT))
              | ((uint32_t) nt << IPV6_TCLASS_SHIFT);
        ip->vtc_flow = htonl(vtc);
    }
}

/* -------------------------------------------------------------- fast path */

uint32_t dp_meter_run(struct dp_meters *t, uint32_t id,
                      struct dp_packet_batch *b, uint64_t now_us,
                      struct dp_packet_batch *dropped)
{
    struct dp_meter *m = id < DP_METER_MAX ? meter_load(t->slots[id]) : NULL;
    uint32_t cnt = b->count;
    if (!m || !cnt) {
        return 0;
    }
    int8_t fired[PACKET_BATCH_MAX];     /* band per packet, -1: none */
    uint32_t fired_rate[PACKET_BATCH_MAX];
    memset(fired, 0xff, sizeof fired);
    memset(fired_rate, 0, sizeof fired_rate);
    bool pktps = m->flags & DP_METER_F_PKTPS;
    uint64_t bytes = 0;
    for (uint32_t i = 0; i < cnt; i++) {
        bytes += b->pkts[i]->len;
    }

    meter_lock(m);
    /* Threads racing for the meter may come with a time a little older
     * than the last one: they count as arriving at the same instant. */
    uint64_t delta = now_us > m->used_us ? now_us - m->used_us : 0;
    if (delta > m->max_delta_us) {
        delta = m->max_delta_us;
    }
    if (now_us > m->used_us) {
        m->used_us = now_us;
    }
    m->packets += cnt;
    m->bytes += bytes;
    int64_t volume = (int64_t) (pktps ? cnt * UNITS_PER_PACKET
                                      : bytes * UNITS_PER_BYTE);
    for (uint16_t k = 0; k < m->n_bands; k++) {
        struct meter_band *band = &m->bands[k];
        band->bucket += (int64_t) (delta * band->rate);
        if (band->bucket > band->max_bucket) {
            band->bucket = band->max_bucket;
        }
        if (band->bucket >= volume) {
            band->bucket -= volume;         /* the whole batch fits */
            continue;
        }
        for (uint32_t i = 0; i < cnt; i++) {
            int64_t cost = (int64_t) (pktps ? UNITS_PER_PACKET
                                      : b->pkts[i]->len * UNITS_PER_BYTE);
            /* A frame bigger than the bucket (a GSO super-frame of up to
             * 64 KiB past a small burst) would never fit: it passes when
             * the bucket is full and leaves it in debt, so the average
             * stays the rate.  Any other frame passes only when it fits,
             * as OVS's (whose userspace datapath meters segments). */
            int64_t need = cost < band->max_bucket ? cost : band->max_bucket;
            if (band->bucket >= need) {
                band->bucket -= cost;
            } else if (band->rate > fired_rate[i]) {
                fired_rate[i] = band->rate;
                fired[i] = (int8_t) k;
            }
        }
    }
    uint32_t n = 0, n_dropped = 0;
    for (uint32_t i = 0; i < cnt; i++) {
        struct dp_packet *p = b->pkts[i];
        if (fired[i] >= 0) {
            struct meter_band *band = &m->bands[fired[i]];
            band->packets++;
            band->bytes += p->len;
            if (band->type == DP_METER_BAND_DROP) {
                if (dropped && dropped->count < PACKET_BATCH_MAX) {
                    dropped->pkts[dropped->count++] = p;
                }
                n_dropped++;
                continue;
            }
            remark(p, band->prec_level);
        }
        b->pkts[n++] = p;
    }
    b->count = n;
    meter_unlock(m);
    return n_dropped;
}
