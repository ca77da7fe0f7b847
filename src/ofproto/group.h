/* A bridge's group table (OpenFlow groups: all, select, indirect,
 * fast_failover) and the group_mod commands on it, as OVS 3.1's ofproto
 * does them: add, modify (the group replaced whole, its stats reset),
 * add_or_mod, delete (one or OFPG_ALL), insert_bucket / remove_bucket
 * (bucket ids, FIRST/LAST).  Deleting a group deletes the flows whose
 * actions name it (the caller's: ofproto_ofp.c, through its journal).
 *
 * Groups live in a table sorted by id; a group is one allocation the table
 * owns, replaced (never changed in place) by a modify, so an undo can put
 * the old one back. */
#ifndef VS_OFPROTO_GROUP_H
#define VS_OFPROTO_GROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp/ofp_msgs.h"

struct ofgroup {
    uint32_t group_id;
    uint8_t type;                   /* enum ofp_group_type */
    struct ofp_bucket *buckets;     /* owned */
    size_t n_buckets;
    struct ofp_group_props props;
    uint64_t created_ms, modified_ms;
    uint64_t packet_count, byte_count;
    struct ofp_bucket_counter *bucket_stats;    /* n_buckets of them */
};

struct group_table;

struct group_table *group_table_create(void);
void group_table_destroy(struct group_table *t);

size_t group_table_count(const struct group_table *t);
/* The i-th group in id order. */
struct ofgroup *group_table_at(const struct group_table *t, size_t i);
struct ofgroup *group_table_find(const struct group_table *t, uint32_t id);
/* Puts `g` in (the table owns it); returns the group of that id it
 * replaced (the caller's now), or NULL. */
struct ofgroup *group_table_insert(struct group_table *t, struct ofgroup *g);
/* Takes group `id` out and returns it (the caller's), or NULL. */
struct ofgroup *group_table_remove(struct group_table *t, uint32_t id);

/* A new group from a group_mod's type, buckets (copied) and properties. */
struct ofgroup *group_create(const struct ofp_group_mod *gm, uint64_t now_ms);
void group_free(struct ofgroup *g);

/* The group that `gm` (MODIFY, ADD_OR_MOD of an existing group,
 * INSERT_BUCKET, REMOVE_BUCKET) makes of `old`: 0 and *out, or the error
 * OVS gives (OFPGMFC_UNKNOWN_BUCKET, OFPGMFC_BUCKET_EXISTS). */
int group_modified(const struct ofgroup *old, const struct ofp_group_mod *gm,
                   uint64_t now_ms, struct ofgroup **out);

/* Credits `packets`/`bytes` to group `id` and its bucket `bucket_id`
 * (OFPG_BUCKET_ALL: every bucket, as OVS counts an "all" group); a group
 * or bucket gone since is skipped. */
void group_table_credit(struct group_table *t, uint32_t id,
                        uint32_t bucket_id, uint64_t packets,
                        uint64_t bytes);

/* The group as a group desc entry describes it (buckets shared, not
 * copied). */
void group_describe(const struct ofgroup *g, struct ofp_group_mod *out);

#endif
