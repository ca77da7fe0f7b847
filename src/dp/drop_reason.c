/* The drop reasons' names, their coverage counters and the counting. */
#include "dp/drop_reason.h"

#include <errno.h>

#include "lib/coverage.h"

#define DP_DROP_COVERAGE(ENUM, NAME, DOC) COVERAGE_DEFINE(NAME);
DP_DROP_REASONS(DP_DROP_COVERAGE)
#undef DP_DROP_COVERAGE

static struct coverage_counter *const coverage_of[DP_DROP_N_REASONS] = {
#define DP_DROP_COUNTER(ENUM, NAME, DOC) \
    [DP_DROP_##ENUM] = &coverage_counter_##NAME,
    DP_DROP_REASONS(DP_DROP_COUNTER)
#undef DP_DROP_COUNTER
};

static const char *const docs[DP_DROP_N_REASONS] = {
#define DP_DROP_DOC(ENUM, NAME, DOC) [DP_DROP_##ENUM] = DOC,
    DP_DROP_REASONS(DP_DROP_DOC)
#undef DP_DROP_DOC
};

const char *dp_drop_reason_name(enum dp_drop_reason reason)
{
    return (unsigned) reason < DP_DROP_N_REASONS ? coverage_of[reason]->name
                                                 : "?";
}

const char *dp_drop_reason_doc(enum dp_drop_reason reason)
{
    return (unsigned) reason < DP_DROP_N_REASONS ? docs[reason] : "?";
}

void dp_drop_count(struct dp_drop_stats *s, enum dp_drop_reason reason,
                   uint64_t n)
{
    if ((unsigned) reason >= DP_DROP_N_REASONS || !n) {
        return;
    }
    if (s) {
        __atomic_fetch_add(&s->n[reason], n, __ATOMIC_RELAXED);
    }
    coverage_add(coverage_of[reason], n);
}

void dp_drop_stats_accumulate(struct dp_drop_stats *sum,
                              const struct dp_drop_stats *s)
{
    for (int r = 0; r < DP_DROP_N_REASONS; r++) {
        sum->n[r] += __atomic_load_n(&s->n[r], __ATOMIC_RELAXED);
    }
}

enum dp_drop_reason dp_drop_reason_of_errno(int error)
{
    switch (error) {
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case ENOBUFS:
        return DP_DROP_TX_NO_BUFFER;
    case ENETDOWN: case ENXIO: case ENODEV:
        return DP_DROP_PORT_DOWN;
    case EMSGSIZE:
        return DP_DROP_TOO_BIG;
    case ENOMEM:
        return DP_DROP_NO_MEMORY;
    default:
        return DP_DROP_TX_ERROR;
    }
}
