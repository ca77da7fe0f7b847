/* Tables of rules grouped in subtables by mask: see classifier.h. */
#include "ofproto/classifier.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

struct subtable {
    struct xflow mask;
    uint16_t max_priority;
    size_t n, cap;
    struct rule **rules;   /* priority descending, then seq ascending */
};

struct oftable {
    size_t n_subtables, cap;
    struct subtable **subtables;   /* max_priority descending */
    size_t n_rules;
};

static uint64_t rule_seq_next;

struct rule *rule_create(const struct ofp_flow_spec *spec, uint8_t table_id,
                         uint64_t now_ms)
{
    struct rule *r = xcalloc(1, sizeof *r);
    r->match = spec->match;
    /* Keep value bits only under the mask, so equal matches compare equal. */
    uint64_t *v = (uint64_t *) &r->match.value;
    const uint64_t *m = (const uint64_t *) &r->match.mask;
    for (size_t i = 0; i < sizeof(struct xflow) / 8; i++) {
        v[i] &= m[i];
    }
    r->priority = spec->priority;
    r->table_id = table_id;
    r->cookie = spec->cookie;
    r->idle_timeout = spec->idle_timeout;
    r->hard_timeout = spec->hard_timeout;
    r->created_ms = r->modified_ms = r->used_ms = now_ms;
    r->seq = ++rule_seq_next;
    r->refcnt = 1;
    rule_set_actions(r, spec->acts, spec->n_acts);
    return r;
}

void rule_ref(struct rule *r)
{
    r->refcnt++;
}

void rule_unref(struct rule *r)
{
    if (r && --r->refcnt == 0) {
        free(r->acts);
        free(r);
    }
}

void rule_set_actions(struct rule *r, const struct ofpact *acts, size_t n)
{
    struct ofpact *copy = NULL;
    if (n) {
        copy = xmalloc(n * sizeof *copy);
        memcpy(copy, acts, n * sizeof *copy);
    }
    free(r->acts);
    r->acts = copy;
    r->n_acts = n;
}

struct oftable *oftable_create(void)
{
    return xcalloc(1, sizeof(struct oftable));
}

void oftable_destroy(struct oftable *t)
{
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n_subtables; i++) {
        struct subtable *st = t->subtables[i];
        for (size_t j = 0; j < st->n; j++) {
            st->rules[j]->removed = true;
            rule_unref(st->rules[j]);
        }
        free(st->rules);
        free(st);
    }
    free(t->subtables);
    free(t);
}

static bool rule_before(const struct rule *a, const struct rule *b)
{
    return a->priority > b->priority
           || (a->priority == b->priority && a->seq < b->seq);
}

static void sort_subtables(struct oftable *t)
{
    /* Few subtables, changed rarely: insertion sort. */
    for (size_t i = 1; i < t->n_subtables; i++) {
        struct subtable *st = t->subtables[i];
        size_t j = i;
        while (j > 0 && t->subtables[j - 1]->max_priority < st->max_priority) {
            t->subtables[j] = t->subtables[j - 1];
            j--;
        }
        t->subtables[j] = st;
    }
}

static struct subtable *find_subtable(const struct oftable *t,
                                      const struct xflow *mask, size_t *idx)
{
    for (size_t i = 0; i < t->n_subtables; i++) {
        if (!memcmp(&t->subtables[i]->mask, mask, sizeof *mask)) {
            if (idx) {
                *idx = i;
            }
            return t->subtables[i];
        }
    }
    return NULL;
}

struct rule *oftable_find_strict(const struct oftable *t,
                                 const struct ofp_match *m, uint16_t priority)
{
    const struct subtable *st = find_subtable(t, &m->mask, NULL);
    for (size_t i = 0; st && i < st->n; i++) {
        struct rule *r = st->rules[i];
        if (r->priority == priority && ofp_match_equal(&r->match, m)) {
            return r;
        }
    }
    return NULL;
}

struct rule *oftable_insert(struct oftable *t, struct rule *r)
{
    struct rule *old = oftable_find_strict(t, &r->match, r->priority);
    if (old) {
        oftable_remove(t, old);
    }
    struct subtable *st = find_subtable(t, &r->match.mask, NULL);
    if (!st) {
        st = xcalloc(1, sizeof *st);
        st->mask = r->match.mask;
        t->subtables = xrealloc(t->subtables, (t->n_subtables + 1)
                                              * sizeof *t->subtables);
        t->subtables[t->n_subtables++] = st;
    }
    if (st->n == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 8;
        st->rules = xrealloc(st->rules, st->cap * sizeof *st->rules);
    }
    size_t pos = st->n;
    while (pos > 0 && rule_before(r, st->rules[pos - 1])) {
        st->rules[pos] = st->rules[pos - 1];
        pos--;
    }
    st->rules[pos] = r;
    st->n++;
    st->max_priority = st->rules[0]->priority;
    r->removed = false;
    t->n_rules++;
    sort_subtables(t);
    return old;
}

void oftable_remove(struct oftable *t, struct rule *r)
{
    size_t idx;
    struct subtable *st = find_subtable(t, &r->match.mask, &idx);
    for (size_t i = 0; st && i < st->n; i++) {
        if (st->rules[i] != r) {
            continue;
        }
        memmove(&st->rules[i], &st->rules[i + 1],
                (st->n - i - 1) * sizeof *st->rules);
        st->n--;
        t->n_rules--;
        r->removed = true;
        if (st->n == 0) {
            free(st->rules);
            free(st);
            memmove(&t->subtables[idx], &t->subtables[idx + 1],
                    (t->n_subtables - idx - 1) * sizeof *t->subtables);
            t->n_subtables--;
        } else {
            st->max_priority = st->rules[0]->priority;
            sort_subtables(t);
        }
        return;
    }
}

struct rule *oftable_lookup(const struct oftable *t, const struct xflow *x,
                            struct xflow *wc)
{
    struct rule *best = NULL;
    for (size_t i = 0; i < t->n_subtables; i++) {
        const struct subtable *st = t->subtables[i];
        if (best && st->max_priority <= best->priority) {
            break;     /* sorted: nothing further down can win */
        }
        if (wc) {
            xflow_or(wc, &st->mask);
        }
        for (size_t j = 0; j < st->n; j++) {
            struct rule *r = st->rules[j];
            if (best && r->priority <= best->priority) {
                break;
            }
            if (xflow_equal_masked(&r->match.value, x, &st->mask)) {
                best = r;
                break;
            }
        }
    }
    return best;
}

size_t oftable_count(const struct oftable *t)
{
    return t->n_rules;
}

static int cmp_rules(const void *a, const void *b)
{
    const struct rule *ra = *(const struct rule *const *) a;
    const struct rule *rb = *(const struct rule *const *) b;
    return rule_before(ra, rb) ? -1 : rule_before(rb, ra) ? 1 : 0;
}

struct rule **oftable_rules(const struct oftable *t, size_t *n)
{
    struct rule **all = xmalloc((t->n_rules + 1) * sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < t->n_subtables; i++) {
        for (size_t j = 0; j < t->subtables[i]->n; j++) {
            all[k++] = t->subtables[i]->rules[j];
        }
    }
    qsort(all, k, sizeof *all, cmp_rules);
    *n = k;
    return all;
}
