/* A bridge's group table (group.h). */
#include "ofproto/group.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

struct group_table {
    struct ofgroup **g;     /* sorted by group_id */
    size_t n, cap;
};

struct group_table *group_table_create(void)
{
    return xcalloc(1, sizeof(struct group_table));
}

void group_table_destroy(struct group_table *t)
{
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n; i++) {
        group_free(t->g[i]);
    }
    free(t->g);
    free(t);
}

size_t group_table_count(const struct group_table *t)
{
    return t ? t->n : 0;
}

struct ofgroup *group_table_at(const struct group_table *t, size_t i)
{
    return i < t->n ? t->g[i] : NULL;
}

/* The index where `id` is or would go. */
static size_t lower_bound(const struct group_table *t, uint32_t id)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->g[mid]->group_id < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

struct ofgroup *group_table_find(const struct group_table *t, uint32_t id)
{
    if (!t) {
        return NULL;
    }
    size_t i = lower_bound(t, id);
    return i < t->n && t->g[i]->group_id == id ? t->g[i] : NULL;
}

struct ofgroup *group_table_insert(struct group_table *t, struct ofgroup *g)
{
    size_t i = lower_bound(t, g->group_id);
    if (i < t->n && t->g[i]->group_id == g->group_id) {
        struct ofgroup *old = t->g[i];
        t->g[i] = g;
        return old;
    }
    if (t->n == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->g = xrealloc(t->g, t->cap * sizeof *t->g);
    }
    memmove(&t->g[i + 1], &t->g[i], (t->n - i) * sizeof *t->g);
    t->g[i] = g;
    t->n++;
    return NULL;
}

struct ofgroup *group_table_remove(struct group_table *t, uint32_t id)
{
    size_t i = lower_bound(t, id);
    if (i >= t->n || t->g[i]->group_id != id) {
        return NULL;
    }
    struct ofgroup *g = t->g[i];
    memmove(&t->g[i], &t->g[i + 1], (t->n - i - 1) * sizeof *t->g);
    t->n--;
    return g;
}

static struct ofgroup *group_alloc(uint32_t id, uint8_t type,
                                   const struct ofp_group_props *props,
                                   uint64_t now_ms)
{
    struct ofgroup *g = xcalloc(1, sizeof *g);
    g->group_id = id;
    g->type = type;
    g->props = *props;
    g->created_ms = g->modified_ms = now_ms;
    return g;
}

static void group_set_buckets(struct ofgroup *g, struct ofp_bucket *b,
                              size_t n)
{
    g->buckets = b;
    g->n_buckets = n;
    g->bucket_stats = xcalloc(n ? n : 1, sizeof *g->bucket_stats);
}

struct ofgroup *group_create(const struct ofp_group_mod *gm, uint64_t now_ms)
{
    struct ofgroup *g = group_alloc(gm->group_id, gm->type, &gm->props,
                                    now_ms);
    group_set_buckets(g, ofp_buckets_clone(gm->buckets, gm->n_buckets),
                      gm->n_buckets);
    return g;
}

void group_free(struct ofgroup *g)
{
    if (g) {
        ofp_buckets_free(g->buckets, g->n_buckets);
        free(g->bucket_stats);
        free(g);
    }
}

static const struct ofp_bucket *find_bucket(const struct ofp_bucket *b,
                                            size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++) {
        if (b[i].bucket_id == id) {
            return &b[i];
        }
    }
    return NULL;
}

/* The new buckets go after the old bucket `cbid` (FIRST: before all,
 * LAST: after all), as OVS's copy_buckets_for_insert_bucket. */
static int insert_buckets(const struct ofgroup *old,
                          const struct ofp_group_mod *gm,
                          struct ofp_bucket **out, size_t *n_out)
{
    uint32_t cbid = gm->command_bucket_id;
    if (cbid <= OFPG_BUCKET_MAX
        && !find_bucket(old->buckets, old->n_buckets, cbid)) {
        return -OFPERR_OFPGMFC_UNKNOWN_BUCKET;
    }
    /* The new buckets carry the ids their group_mod gave (1.5 numbers
     * them as it encodes; decoded ones always have one). */
    for (size_t i = 0; i < gm->n_buckets; i++) {
        if (find_bucket(old->buckets, old->n_buckets,
                        gm->buckets[i].bucket_id)
            || find_bucket(gm->buckets, i, gm->buckets[i].bucket_id)) {
            return -OFPERR_OFPGMFC_BUCKET_EXISTS;
        }
    }
    size_t n = old->n_buckets + gm->n_buckets;
    struct ofp_bucket *b = xcalloc(n ? n : 1, sizeof *b);
    size_t at;      /* where the new ones go among the old */
    if (cbid == OFPG_BUCKET_FIRST) {
        at = 0;
    } else if (cbid == OFPG_BUCKET_LAST) {
        at = old->n_buckets;
    } else {
        at = (size_t) (find_bucket(old->buckets, old->n_buckets, cbid)
                       - old->buckets) + 1;
    }
    size_t k = 0;
    for (size_t i = 0; i < at; i++) {
        b[k++] = old->buckets[i];
    }
    for (size_t i = 0; i < gm->n_buckets; i++) {
        b[k++] = gm->buckets[i];
    }
    for (size_t i = at; i < old->n_buckets; i++) {
        b[k++] = old->buckets[i];
    }
    for (size_t i = 0; i < n; i++) {
        b[i].acts = ofpacts_clone(b[i].acts, b[i].n_acts);
    }
    *out = b;
    *n_out = n;
    return 0;
}

static int remove_buckets(const struct ofgroup *old, uint32_t cbid,
                          struct ofp_bucket **out, size_t *n_out)
{
    const struct ofp_bucket *skip = NULL;
    if (cbid == OFPG_BUCKET_ALL) {
        *out = NULL;
        *n_out = 0;
        return 0;
    }
    if (cbid == OFPG_BUCKET_FIRST) {
        skip = old->n_buckets ? &old->buckets[0] : NULL;
    } else if (cbid == OFPG_BUCKET_LAST) {
        skip = old->n_buckets ? &old->buckets[old->n_buckets - 1] : NULL;
    } else {
        skip = find_bucket(old->buckets, old->n_buckets, cbid);
        if (!skip) {
            return -OFPERR_OFPGMFC_UNKNOWN_BUCKET;
        }
    }
    struct ofp_bucket *b = xcalloc(old->n_buckets ? old->n_buckets : 1,
                                   sizeof *b);
    size_t n = 0;
    for (size_t i = 0; i < old->n_buckets; i++) {
        if (&old->buckets[i] != skip) {
            b[n] = old->buckets[i];
            b[n].acts = ofpacts_clone(b[n].acts, b[n].n_acts);
            n++;
        }
    }
    *out = b;
    *n_out = n;
    return 0;
}

int group_modified(const struct ofgroup *old, const struct ofp_group_mod *gm,
                   uint64_t now_ms, struct ofgroup **out)
{
    struct ofp_bucket *b = NULL;
    size_t n = 0;
    int err = 0;
    bool bucket_cmd = gm->command == OFPGC_INSERT_BUCKET
                      || gm->command == OFPGC_REMOVE_BUCKET;
    if (gm->command == OFPGC_INSERT_BUCKET) {
        err = insert_buckets(old, gm, &b, &n);
    } else if (gm->command == OFPGC_REMOVE_BUCKET) {
        err = remove_buckets(old, gm->command_bucket_id, &b, &n);
    } else {
        b = ofp_buckets_clone(gm->buckets, gm->n_buckets);
        n = gm->n_buckets;
    }
    if (err) {
        return err;
    }
    /* Bucket commands keep the group's type and properties (EXT-570). */
    struct ofgroup *g = group_alloc(old->group_id,
                                    bucket_cmd ? old->type : gm->type,
                                    bucket_cmd ? &old->props : &gm->props,
                                    now_ms);
    g->created_ms = old->created_ms;
    group_set_buckets(g, b, n);
    *out = g;
    return 0;
}

void group_table_credit(struct group_table *t, uint32_t id,
                        uint32_t bucket_id, uint64_t packets, uint64_t bytes)
{
    struct ofgroup *g = group_table_find(t, id);
    if (!g) {
        return;
    }
    g->packet_count += packets;
    g->byte_count += bytes;
    for (size_t i = 0; i < g->n_buckets; i++) {
        if (bucket_id == OFPG_BUCKET_ALL
            || g->buckets[i].bucket_id == bucket_id) {
            g->bucket_stats[i].packet_count += packets;
            g->bucket_stats[i].byte_count += bytes;
        }
    }
}

void group_describe(const struct ofgroup *g, struct ofp_group_mod *out)
{
    memset(out, 0, sizeof *out);
    out->command = OFPGC_ADD;
    out->type = g->type;
    out->group_id = g->group_id;
    out->command_bucket_id = OFPG_BUCKET_ALL;
    out->buckets = g->buckets;
    out->n_buckets = g->n_buckets;
    out->props = g->props;
}
