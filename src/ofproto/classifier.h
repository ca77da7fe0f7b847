/* OpenFlow tables: rules with a match, a priority and actions, looked up
 * the way a tuple-space classifier does it, so that a lookup can report the
 * fields it had to look at (the megaflow's mask).
 *
 * Rules of one table are grouped in subtables by mask.  A lookup visits the
 * subtables from the highest max priority down and stops as soon as no
 * remaining subtable can beat the best match; every subtable it visits
 * un-wildcards its whole mask.  Packets that agree on those bits therefore
 * get the same rule: that is what makes the megaflow correct.
 *
 * The invariant xlate and this classifier rely on: an extra 1-bit in a
 * megaflow's mask is always safe (the flow is more specific than needed and
 * matches fewer packets), a missing 1-bit never is (the flow would match a
 * packet the rules treat differently).  So when in doubt, un-wildcard. */
#ifndef VS_OFPROTO_CLASSIFIER_H
#define VS_OFPROTO_CLASSIFIER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp/ofp_parse.h"

struct rule {
    struct ofp_match match;
    uint16_t priority;
    uint8_t table_id;
    uint64_t cookie;
    uint16_t idle_timeout, hard_timeout;   /* seconds, 0 = none */
    uint16_t flags;        /* OFPFF_* the flow_mod gave (ofp_msgs.h) */
    uint16_t importance;
    uint64_t created_ms, modified_ms, used_ms;
    uint64_t n_packets, n_bytes;
    struct ofpact *acts;
    size_t n_acts;
    uint64_t seq;          /* insertion order, for stable dumps */
    uint32_t refcnt;       /* the table's + one per datapath flow using it */
    bool removed;          /* no longer in its table */
    /* The table's: the subtable's hash chain by masked value and the
     * rule's slot in the subtable's array. */
    uint32_t hash;
    struct rule *hnext;
    size_t st_idx;
    /* conj: its actions are conjunction(...)s (and notes): a clause of a
     * conjunctive match, never the result of a lookup. */
    bool conjunctive;
};

/* A new rule from a parsed flow (actions copied); refcnt 1 (the caller's,
 * which the table takes over on insert). */
struct rule *rule_create(const struct ofp_flow_spec *spec, uint8_t table_id,
                         uint64_t now_ms);
void rule_ref(struct rule *r);
/* Drops one reference; frees at zero. */
void rule_unref(struct rule *r);
/* Replaces the actions of `r` with a copy of (acts, n). */
void rule_set_actions(struct rule *r, const struct ofpact *acts, size_t n);
/* A number that changes whenever actions holding a learn(delete_learned)
 * go into a table (oftable_insert, rule_set_actions, rule_note_actions):
 * ofproto's delete_learned sweep runs only when it moved or a learner was
 * there before, not on every revalidation. */
uint64_t rule_learner_seq(void);
/* Notes actions put in place without rule_set_actions (an undo). */
void rule_note_actions(const struct rule *r);

struct oftable;

struct oftable *oftable_create(void);
/* Frees the table and drops its reference to every rule. */
void oftable_destroy(struct oftable *t);

/* Inserts `r`.  A rule with the same match and priority is taken out and
 * returned (the caller owns its reference); NULL otherwise. */
struct rule *oftable_insert(struct oftable *t, struct rule *r);

/* Takes `r` out of the table; the caller gets the table's reference. */
void oftable_remove(struct oftable *t, struct rule *r);

/* The rule with exactly this match and priority, or NULL. */
struct rule *oftable_find_strict(const struct oftable *t,
                                 const struct ofp_match *m, uint16_t priority);

/* The highest-priority rule matching `x`; ORs into `wc` (if not NULL) the
 * masks of the subtables it examined.
 *
 * conj: conjunctive matches as OVS's classifier does them.  A rule whose
 * actions are conjunction(ID,k/n) is a clause, never returned itself.  The
 * lookup takes from each subtable its highest-priority match; the best
 * ordinary one is the "hard" match, clauses above it are "soft" ones.
 * While soft matches above the hard one remain: among those of the highest
 * priority P, if for some ID every clause 1..n has a matching rule (the
 * ID's conjunction must appear in flows of P only), the table is looked up
 * again with conj_id=ID and clauses ignored, and what that finds (the
 * conj_id=ID flow, or anything better) is the result.  Otherwise each soft
 * match at P gives way to the next lower-priority rule with the very same
 * match (a clause again, or an ordinary rule that may become the hard
 * match), and the loop goes on; when none is left, the hard match wins.
 * Every subtable visited, in either lookup, un-wildcards its mask, so the
 * megaflow covers what each clause looked at (conj_id itself is no
 * packet field: `wc->conj_id` is left as it was).  Flows of one id that
 * disagree on n: the first n seen counts, as in OVS; unlike OVS 3.1, whose
 * bit mask makes a 64-clause conjunction complete with any one clause,
 * n=64 needs all 64 here. */
struct rule *oftable_lookup(const struct oftable *t, const struct xflow *x,
                            struct xflow *wc);

/* Changes the timeouts of `r`, which is in `t` (learn, fin_timeout). */
void oftable_set_timeouts(struct oftable *t, struct rule *r, uint16_t idle,
                          uint16_t hard);

size_t oftable_count(const struct oftable *t);
/* How many of its rules have an idle or hard timeout (a rule's timeouts
 * must not change while it is in a table). */
size_t oftable_count_timeouts(const struct oftable *t);

/* The table's rules, highest priority first (insertion order among equal
 * priorities); *n receives the count.  The array is malloc'd; the rules are
 * not referenced. */
struct rule **oftable_rules(const struct oftable *t, size_t *n);

#endif
