/* Event counters. */
#include "daemon/coverage.h"

#include <stdio.h>
#include <stdlib.h>

static uint64_t counters[COV_N_COUNTERS];

static const char *const names[COV_N_COUNTERS] = {
    [COV_UPCALLS] = "upcalls",
    [COV_UPCALLS_DROPPED] = "upcalls_dropped",
    [COV_FLOWS_ADDED] = "flows_added",
    [COV_FLOWS_DELETED] = "flows_deleted",
    [COV_RECONFIGURE] = "bridge_reconfigure",
    [COV_VSCTL_TRANSACT] = "vsctl_transact",
    [COV_POLL_LOOPS] = "poll_loops",
};

void coverage_add(enum coverage_counter c, uint64_t n)
{
    if (c < COV_N_COUNTERS) {
        __atomic_fetch_add(&counters[c], n, __ATOMIC_RELAXED);
    }
}

uint64_t coverage_get(enum coverage_counter c)
{
    return c < COV_N_COUNTERS ? __atomic_load_n(&counters[c], __ATOMIC_RELAXED)
                              : 0;
}

char *coverage_format(void)
{
    size_t size = 64 + COV_N_COUNTERS * 64;
    char *text = malloc(size);
    if (!text) {
        return NULL;
    }
    size_t len = (size_t) snprintf(text, size, "Event coverage, totals:\n");
    for (int c = 0; c < COV_N_COUNTERS; c++) {
        len += (size_t) snprintf(text + len, size - len, "%-24s total: %llu\n",
                                 names[c],
                                 (unsigned long long) coverage_get(c));
    }
    return text;
}
