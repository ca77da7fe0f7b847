/* Tables of rules grouped in subtables by mask: see classifier.h. */
#include "ofproto/classifier.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* A subtable: the rules of one mask, in an unsorted array (each rule
 * knows its slot) and in a hash table by masked value, so that insert,
 * remove, exact find and lookup cost O(1) per subtable however many rules
 * share the mask (100,000 flows of one bundle).  The distinct priorities
 * are counted apart, to know the highest. */
struct prio_count {
    uint16_t priority;
    size_t n;
};

struct subtable {
    struct xflow mask;
    uint16_t max_priority;
    size_t n, cap;
    struct rule **rules;           /* unsorted; rules[i]->st_idx == i */
    struct rule **buckets;         /* chains through rule->hnext */
    size_t n_buckets;              /* a power of 2 */
    struct prio_count *prios;      /* priority ascending */
    size_t n_prios, cap_prios;
};

struct oftable {
    size_t n_subtables, cap;
    struct subtable **subtables;   /* max_priority descending */
    size_t n_rules;
    size_t n_timeouts;             /* rules with an idle or hard timeout */
};

/* The hash of x & mask (64-bit words; xflow is a multiple of 8 bytes). */
static uint32_t hash_masked(const struct xflow *x, const struct xflow *mask)
{
    const uint64_t *v = (const uint64_t *) x;
    const uint64_t *m = (const uint64_t *) mask;
    uint64_t h = 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < sizeof(struct xflow) / 8; i++) {
        uint64_t w = v[i] & m[i];
        if (w) {
            h ^= w + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
            h *= 0xff51afd7ed558ccdull;
            h ^= h >> 33;
        }
        h += i;
    }
    h ^= h >> 29;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 32;
    return (uint32_t) h;
}

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
        ofpacts_free(r->acts, r->n_acts);
        free(r);
    }
}

static uint64_t learner_seq;

void rule_note_actions(const struct rule *r)
{
    for (size_t i = 0; i < r->n_acts; i++) {
        const struct ofpact *a = &r->acts[i];
        if (a->type == OFPACT_LEARN
            && a->learn->flags & NX_LEARN_F_DELETE_LEARNED) {
            learner_seq++;
            return;
        }
    }
}

uint64_t rule_learner_seq(void)
{
    return learner_seq;
}

void rule_set_actions(struct rule *r, const struct ofpact *acts, size_t n)
{
    struct ofpact *copy = ofpacts_clone(acts, n);
    ofpacts_free(r->acts, r->n_acts);
    r->acts = copy;
    r->n_acts = n;
    r->conjunctive = ofpacts_is_conjunctive(acts, n);   /* conj */
    rule_note_actions(r);
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
        free(st->buckets);
        free(st->prios);
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
    /* Few subtables: insertion sort. */
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

static void subtable_rehash(struct subtable *st, size_t n_buckets)
{
    struct rule **b = xcalloc(n_buckets, sizeof *b);
    for (size_t i = 0; i < st->n; i++) {
        struct rule *r = st->rules[i];
        size_t k = r->hash & (n_buckets - 1);
        r->hnext = b[k];
        b[k] = r;
    }
    free(st->buckets);
    st->buckets = b;
    st->n_buckets = n_buckets;
}

static void prio_add(struct subtable *st, uint16_t priority)
{
    size_t lo = 0, hi = st->n_prios;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (st->prios[mid].priority < priority) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if (lo < st->n_prios && st->prios[lo].priority == priority) {
        st->prios[lo].n++;
        return;
    }
    if (st->n_prios == st->cap_prios) {
        st->cap_prios = st->cap_prios ? 2 * st->cap_prios : 4;
        st->prios = xrealloc(st->prios, st->cap_prios * sizeof *st->prios);
    }
    memmove(&st->prios[lo + 1], &st->prios[lo],
            (st->n_prios - lo) * sizeof *st->prios);
    st->prios[lo].priority = priority;
    st->prios[lo].n = 1;
    st->n_prios++;
}

static void prio_del(struct subtable *st, uint16_t priority)
{
    for (size_t i = st->n_prios; i-- > 0;) {
        if (st->prios[i].priority == priority) {
            if (--st->prios[i].n == 0) {
                memmove(&st->prios[i], &st->prios[i + 1],
                        (st->n_prios - i - 1) * sizeof *st->prios);
                st->n_prios--;
            }
            return;
        }
    }
}

static uint16_t prio_max(const struct subtable *st)
{
    return st->n_prios ? st->prios[st->n_prios - 1].priority : 0;
}

struct rule *oftable_find_strict(const struct oftable *t,
                                 const struct ofp_match *m, uint16_t priority)
{
    const struct subtable *st = find_subtable(t, &m->mask, NULL);
    if (!st || !st->n_buckets) {
        return NULL;
    }
    uint32_t h = hash_masked(&m->value, &m->mask);
    for (struct rule *r = st->buckets[h & (st->n_buckets - 1)]; r;
         r = r->hnext) {
        if (r->hash == h && r->priority == priority
            && ofp_match_equal(&r->match, m)) {
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
    r->st_idx = st->n;
    st->rules[st->n++] = r;
    rule_note_actions(r);
    r->hash = hash_masked(&r->match.value, &r->match.mask);
    if (st->n > st->n_buckets) {
        subtable_rehash(st, st->n_buckets ? 2 * st->n_buckets : 8);
    } else {
        size_t k = r->hash & (st->n_buckets - 1);
        r->hnext = st->buckets[k];
        st->buckets[k] = r;
    }
    prio_add(st, r->priority);
    uint16_t max = prio_max(st);
    r->removed = false;
    t->n_rules++;
    t->n_timeouts += r->idle_timeout || r->hard_timeout;
    if (max != st->max_priority || st->n == 1) {
        st->max_priority = max;
        sort_subtables(t);
    }
    return old;
}

void oftable_remove(struct oftable *t, struct rule *r)
{
    size_t idx;
    struct subtable *st = find_subtable(t, &r->match.mask, &idx);
    if (!st || r->removed || r->st_idx >= st->n || st->rules[r->st_idx] != r) {
        return;
    }
    struct rule **pp = &st->buckets[r->hash & (st->n_buckets - 1)];
    while (*pp && *pp != r) {
        pp = &(*pp)->hnext;
    }
    if (*pp) {
        *pp = r->hnext;
    }
    r->hnext = NULL;
    st->rules[r->st_idx] = st->rules[st->n - 1];
    st->rules[r->st_idx]->st_idx = r->st_idx;
    st->n--;
    t->n_rules--;
    t->n_timeouts -= r->idle_timeout || r->hard_timeout;
    r->removed = true;
    prio_del(st, r->priority);
    if (st->n == 0) {
        free(st->rules);
        free(st->buckets);
        free(st->prios);
        free(st);
        memmove(&t->subtables[idx], &t->subtables[idx + 1],
                (t->n_subtables - idx - 1) * sizeof *t->subtables);
        t->n_subtables--;
    } else if (prio_max(st) != st->max_priority) {
        st->max_priority = prio_max(st);
        sort_subtables(t);
    }
}

/* The highest-priority rule of `st` matching `x` (hash `h` of x & mask). */
static struct rule *subtable_match(const struct subtable *st,
                                   const struct xflow *x, uint32_t h)
{
    struct rule *best = NULL;
    for (struct rule *r = st->buckets[h & (st->n_buckets - 1)]; r;
         r = r->hnext) {
        if (r->hash == h && (!best || r->priority > best->priority)
            && xflow_equal_masked(&r->match.value, x, &st->mask)) {
            best = r;
        }
    }
    return best;
}

/* conj: the rule of the highest priority below r's with r's very match
 * (OVS's next rule in the list of a match), or NULL. */
static struct rule *next_lower(const struct oftable *t, const struct rule *r)
{
    const struct subtable *st = find_subtable(t, &r->match.mask, NULL);
    struct rule *best = NULL;
    if (!st) {
        return NULL;
    }
    for (struct rule *q = st->buckets[r->hash & (st->n_buckets - 1)]; q;
         q = q->hnext) {
        if (q->hash == r->hash && q->priority < r->priority
            && (!best || q->priority > best->priority)
            && ofp_match_equal(&q->match, &r->match)) {
            best = q;
        }
    }
    return best;
}

/* conj: which clauses of one conjunction id the soft matches gave. */
struct conj_seen {
    uint32_t id;
    uint64_t clauses;
    uint64_t all;       /* the clauses of the first n seen for the id */
};

static struct rule *lookup__(const struct oftable *t, const struct xflow *x,
                             struct xflow *wc, bool allow_conj);

/* conj: the soft matches `soft` (those of priority `pri` among them) hold
 * every clause of some id: the result of the conj_id=ID lookup, or NULL.
 * As OVS, a soft match stops adding its conjunctions at the first id it
 * completes, whatever that id's lookup gives. */
static struct rule *try_conjunctions(const struct oftable *t,
                                     const struct xflow *x, struct xflow *wc,
                                     struct rule **soft, size_t n_soft,
                                     uint16_t pri, size_t n_at_pri)
{
    struct conj_seen *seen = NULL;
    size_t n_seen = 0, cap_seen = 0;
    struct rule *found = NULL;
    for (size_t i = 0; i < n_soft && !found; i++) {
        const struct rule *r = soft[i];
        if (!r || r->priority != pri) {
            continue;
        }
        for (size_t a = 0; a < r->n_acts; a++) {
            const struct ofpact *c = &r->acts[a];
            if (c->type != OFPACT_CONJUNCTION
                || c->conjunction.n_clauses > n_at_pri) {
                continue;   /* fewer flows than clauses: cannot complete */
            }
            size_t k = 0;
            while (k < n_seen && seen[k].id != c->conjunction.id) {
                k++;
            }
            if (k == n_seen) {
                if (n_seen == cap_seen) {
                    cap_seen = cap_seen ? 2 * cap_seen : 8;
                    seen = xrealloc(seen, cap_seen * sizeof *seen);
                }
                seen[n_seen].id = c->conjunction.id;
                seen[n_seen].clauses = 0;
                seen[n_seen++].all = UINT64_MAX
                                     >> (64 - c->conjunction.n_clauses);
            }
            seen[k].clauses |= UINT64_C(1) << c->conjunction.clause;
            if ((seen[k].clauses & seen[k].all) == seen[k].all) {
                struct xflow x2 = *x;
                x2.conj_id = c->conjunction.id;
                found = lookup__(t, &x2, wc, false);
                break;
            }
        }
    }
    free(seen);
    return found;
}

static struct rule *lookup__(const struct oftable *t, const struct xflow *x,
                             struct xflow *wc, bool allow_conj)
{
    struct rule *hard = NULL;
    struct rule *soft_stub[16], **soft = soft_stub;
    size_t n_soft = 0;
    for (size_t i = 0; i < t->n_subtables; i++) {
        const struct subtable *st = t->subtables[i];
        if (hard && st->max_priority <= hard->priority) {
            break;     /* sorted: nothing further down can win */
        }
        if (wc) {
            xflow_or(wc, &st->mask);
        }
        struct rule *m = subtable_match(st, x, hash_masked(x, &st->mask));
        if (!m || (hard && m->priority <= hard->priority)) {
            continue;
        }
        if (!m->conjunctive) {
            hard = m;
        } else if (allow_conj) {
            if (n_soft == 16 && soft == soft_stub) {
                soft = xmalloc(t->n_subtables * sizeof *soft);
                memcpy(soft, soft_stub, sizeof soft_stub);
            }
            soft[n_soft++] = m;
        }
    }

    /* conj: the soft match loop (see classifier.h). */
    struct rule *result = hard;
    while (n_soft) {
        size_t k = 0;
        for (size_t i = 0; i < n_soft; i++) {
            if (soft[i] && (!hard || soft[i]->priority > hard->priority)) {
                soft[k++] = soft[i];
            }
        }
        n_soft = k;
        if (!n_soft) {
            result = hard;
            break;
        }
        uint16_t pri = 0;
        size_t n_at_pri = 0;
        for (size_t i = 0; i < n_soft; i++) {
            if (!n_at_pri || soft[i]->priority > pri) {
                pri = soft[i]->priority;
                n_at_pri = 1;
            } else if (soft[i]->priority == pri) {
                n_at_pri++;
            }
        }
        struct rule *r = try_conjunctions(t, x, wc, soft, n_soft, pri,
                                          n_at_pri);
        if (r) {
            result = r;
            break;
        }
        for (size_t i = 0; i < n_soft; i++) {
            if (soft[i]->priority != pri) {
                continue;
            }
            struct rule *next = next_lower(t, soft[i]);
            soft[i] = NULL;
            if (next && next->conjunctive) {
                soft[i] = next;
            } else if (next && (!hard || next->priority > hard->priority)) {
                hard = next;
            }
        }
        result = hard;
    }
    if (soft != soft_stub) {
        free(soft);
    }
    return result;
}

struct rule *oftable_lookup(const struct oftable *t, const struct xflow *x,
                            struct xflow *wc)
{
    uint32_t conj_wc = wc ? wc->conj_id : 0;
    struct rule *r = lookup__(t, x, wc, true);
    if (wc) {
        wc->conj_id = conj_wc;
    }
    return r;
}

size_t oftable_count(const struct oftable *t)
{
    return t->n_rules;
}

void oftable_set_timeouts(struct oftable *t, struct rule *r, uint16_t idle,
                          uint16_t hard)
{
    if (!r->removed) {
        t->n_timeouts -= r->idle_timeout || r->hard_timeout;
        t->n_timeouts += idle || hard;
    }
    r->idle_timeout = idle;
    r->hard_timeout = hard;
}

size_t oftable_count_timeouts(const struct oftable *t)
{
    return t->n_timeouts;
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
