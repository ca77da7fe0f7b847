/* Event counters for `coverage/show`, registered where they are counted:
 *
 *     COVERAGE_DEFINE(flows_added);        at file scope, once
 *     ...
 *     COVERAGE_INC(flows_added);           where the event happens
 *
 * Each COVERAGE_DEFINE registers its counter from a constructor, so a
 * program lists exactly the counters of the objects it links: the daemon
 * (whole archive) all of them, a unit test those of the files it uses.
 * Counting is one relaxed atomic add (any thread, no lock), so dp/ may
 * count too.  `coverage/show` prints them as OVS does, with average rates
 * over the last 5 seconds, minute and hour. */
#ifndef VS_LIB_COVERAGE_H
#define VS_LIB_COVERAGE_H

#include <stddef.h>
#include <stdint.h>

#define COVERAGE_N_SAMPLES (3600 / 5 + 1)   /* an hour of 5 s samples + now */

struct coverage_counter {
    const char *name;
    uint64_t total;                          /* relaxed atomic */
    struct coverage_counter *next;           /* registry, sorted by name */
    uint64_t samples[COVERAGE_N_SAMPLES];    /* see coverage_run */
};

/* Defines counter NAME for this file and registers it before main(). */
#define COVERAGE_DEFINE(NAME)                                               \
    static struct coverage_counter coverage_counter_##NAME = { #NAME, 0,    \
                                                               NULL, { 0 } }; \
    __attribute__((constructor)) static void coverage_init_##NAME(void)    \
    {                                                                       \
        coverage_register(&coverage_counter_##NAME);                        \
    }                                                                       \
    struct coverage_counter_##NAME##_needs_a_semicolon

/* Counts one / N events of a counter COVERAGE_DEFINE'd in this file. */
#define COVERAGE_INC(NAME) coverage_add(&coverage_counter_##NAME, 1)
#define COVERAGE_ADD(NAME, N) coverage_add(&coverage_counter_##NAME, (N))

/* Adds `c` to the registry (COVERAGE_DEFINE's constructor calls it; a
 * counter made another way may be registered once, before threads run). */
void coverage_register(struct coverage_counter *c);

/* Adds `n` to counter `c` (any thread). */
static inline void coverage_add(struct coverage_counter *c, uint64_t n)
{
    __atomic_fetch_add(&c->total, n, __ATOMIC_RELAXED);
}

/* The total of `c` so far. */
static inline uint64_t coverage_get(const struct coverage_counter *c)
{
    return __atomic_load_n(&c->total, __ATOMIC_RELAXED);
}

/* The registered counter named `name`, or NULL. */
const struct coverage_counter *coverage_find(const char *name);

/* Takes a sample of every counter when 5 s have passed since the last one
 * (main loop; the rates come from these samples). */
void coverage_run(void);

/* The `coverage/show` text (malloc'd, never NULL): a header with a hash of the
 * counters' names, one line per counter that has been hit, in name order
 * ("name  R/sec R/sec R/sec   total: N"), then how many were never hit. */
char *coverage_format(void);

#endif
