/* MAC learning table: a chained hash plus an LRU list; see mac_learning.h. */
#include "ofproto/mac_learning.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

#define MAC_BUCKETS 4096

struct mac_table {
    struct mac_entry *buckets[MAC_BUCKETS];
    struct mac_entry *oldest, *newest;
    size_t n, max;
    uint64_t aging_ms;
};

struct mac_table *mac_table_create(void)
{
    struct mac_table *t = xcalloc(1, sizeof *t);
    t->max = MAC_DEFAULT_MAX;
    t->aging_ms = MAC_DEFAULT_AGING_S * 1000ull;
    return t;
}

void mac_table_destroy(struct mac_table *t)
{
    if (t) {
        mac_flush(t, UINT32_MAX);
        free(t);
    }
}

static uint32_t mac_hash(const uint8_t mac[6], uint16_t vlan)
{
    uint32_t h = 2166136261u;
    for (int i = 0; i < 6; i++) {
        h = (h ^ mac[i]) * 16777619u;
    }
    h = (h ^ vlan) * 16777619u;
    return (h ^ (h >> 15)) % MAC_BUCKETS;
}

static void lru_unlink(struct mac_table *t, struct mac_entry *e)
{
    if (e->lru_prev) {
        e->lru_prev->lru_next = e->lru_next;
    } else {
        t->oldest = e->lru_next;
    }
    if (e->lru_next) {
        e->lru_next->lru_prev = e->lru_prev;
    } else {
        t->newest = e->lru_prev;
    }
    e->lru_prev = e->lru_next = NULL;
}

static void lru_push_newest(struct mac_table *t, struct mac_entry *e)
{
    e->lru_prev = t->newest;
    e->lru_next = NULL;
    if (t->newest) {
        t->newest->lru_next = e;
    } else {
        t->oldest = e;
    }
    t->newest = e;
}

static struct mac_entry *find(const struct mac_table *t, const uint8_t mac[6],
                              uint16_t vlan)
{
    for (struct mac_entry *e = t->buckets[mac_hash(mac, vlan)]; e;
         e = e->hash_next) {
        if (e->vlan == vlan && !memcmp(e->mac, mac, 6)) {
            return e;
        }
    }
    return NULL;
}

static void remove_entry(struct mac_table *t, struct mac_entry *e)
{
    struct mac_entry **pp = &t->buckets[mac_hash(e->mac, e->vlan)];
    while (*pp != e) {
        pp = &(*pp)->hash_next;
    }
    *pp = e->hash_next;
    lru_unlink(t, e);
    t->n--;
    free(e);
}

void mac_table_set_limits(struct mac_table *t, size_t max, unsigned aging_s)
{
    t->max = max ? max : 1;
    t->aging_ms = (aging_s ? aging_s : 1) * 1000ull;
    while (t->n > t->max) {
        remove_entry(t, t->oldest);
    }
}

enum mac_learn_result mac_learn(struct mac_table *t, const uint8_t mac[6],
                                uint16_t vlan, uint32_t port, uint64_t now_ms)
{
    struct mac_entry *e = find(t, mac, vlan);
    enum mac_learn_result res = MAC_LEARN_REFRESHED;
    if (e) {
        if (e->port != port) {
            e->port = port;
            res = MAC_LEARN_MOVED;
        }
        lru_unlink(t, e);
    } else {
        if (t->n >= t->max) {
            remove_entry(t, t->oldest);
        }
        e = xcalloc(1, sizeof *e);
        memcpy(e->mac, mac, 6);
        e->vlan = vlan;
        e->port = port;
        uint32_t h = mac_hash(mac, vlan);
        e->hash_next = t->buckets[h];
        t->buckets[h] = e;
        t->n++;
        res = MAC_LEARN_NEW;
    }
    e->used_ms = now_ms;
    lru_push_newest(t, e);
    return res;
}

int64_t mac_lookup(const struct mac_table *t, const uint8_t mac[6],
                   uint16_t vlan, uint64_t now_ms)
{
    const struct mac_entry *e = find(t, mac, vlan);
    if (!e || now_ms >= e->used_ms + t->aging_ms) {
        return -1;
    }
    return e->port;
}

size_t mac_expire(struct mac_table *t, uint64_t now_ms)
{
    size_t n = 0;
    while (t->oldest && now_ms >= t->oldest->used_ms + t->aging_ms) {
        remove_entry(t, t->oldest);
        n++;
    }
    return n;
}

size_t mac_flush(struct mac_table *t, uint32_t port)
{
    size_t n = 0;
    struct mac_entry *e = t->oldest;
    while (e) {
        struct mac_entry *next = e->lru_next;
        if (port == UINT32_MAX || e->port == port) {
            remove_entry(t, e);
            n++;
        }
        e = next;
    }
    return n;
}

size_t mac_count(const struct mac_table *t)
{
    return t->n;
}

const struct mac_entry *mac_oldest(const struct mac_table *t)
{
    return t->oldest;
}
