/* The MAC learning table of NORMAL: (VLAN, MAC) -> OpenFlow port, with
 * aging and a size bound that evicts the least recently used entry. */
#ifndef VS_OFPROTO_MAC_LEARNING_H
#define VS_OFPROTO_MAC_LEARNING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAC_DEFAULT_MAX 2048
#define MAC_DEFAULT_AGING_S 300

struct mac_entry {
    uint8_t mac[6];
    uint16_t vlan;
    uint32_t port;
    uint64_t used_ms;              /* last time it was (re)learned */
    struct mac_entry *hash_next;
    struct mac_entry *lru_prev, *lru_next;   /* lru_next: more recent */
};

struct mac_table;

struct mac_table *mac_table_create(void);
void mac_table_destroy(struct mac_table *t);

/* Limits: at most `max` entries (>= 1); entries unused for `aging_s`
 * seconds (>= 1) expire.  Shrinking evicts the oldest at once. */
void mac_table_set_limits(struct mac_table *t, size_t max, unsigned aging_s);

enum mac_learn_result {
    MAC_LEARN_REFRESHED,   /* known on this port: age reset */
    MAC_LEARN_NEW,         /* new entry (maybe evicting the oldest) */
    MAC_LEARN_MOVED,       /* was on another port */
};

/* Learns that `mac` in `vlan` is behind `port`. */
enum mac_learn_result mac_learn(struct mac_table *t, const uint8_t mac[6],
                                uint16_t vlan, uint32_t port,
                                uint64_t now_ms);

/* The port `mac` was learned on in `vlan`, or -1 (unknown or aged out at
 * now_ms). */
int64_t mac_lookup(const struct mac_table *t, const uint8_t mac[6],
                   uint16_t vlan, uint64_t now_ms);

/* Removes entries older than the aging time; returns how many. */
size_t mac_expire(struct mac_table *t, uint64_t now_ms);

/* Removes every entry (port == UINT32_MAX) or those of one port; returns
 * how many. */
size_t mac_flush(struct mac_table *t, uint32_t port);

size_t mac_count(const struct mac_table *t);

/* Entries from the oldest to the most recently used. */
const struct mac_entry *mac_oldest(const struct mac_table *t);

#endif
