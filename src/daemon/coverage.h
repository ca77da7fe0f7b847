/* Event counters for `coverage/show`: a fixed set of named counters the
 * daemon bumps from its main thread (upcalls handled, flows added, ...). */
#ifndef VS_DAEMON_COVERAGE_H
#define VS_DAEMON_COVERAGE_H

#include <stdint.h>

enum coverage_counter {
    COV_UPCALLS,            /* upcalls taken from the datapath */
    COV_UPCALLS_DROPPED,    /* upcalls nobody could handle (no slow path) */
    COV_FLOWS_ADDED,        /* datapath flows installed */
    COV_FLOWS_DELETED,
    COV_RECONFIGURE,        /* times the configuration was applied */
    COV_VSCTL_TRANSACT,     /* vsctl/transact requests served */
    COV_POLL_LOOPS,         /* main loop iterations */
    COV_N_COUNTERS
};

/* Adds `n` to counter `c` (any thread). */
void coverage_add(enum coverage_counter c, uint64_t n);
static inline void coverage_inc(enum coverage_counter c)
{
    coverage_add(c, 1);
}

uint64_t coverage_get(enum coverage_counter c);

/* Formats every counter as `coverage/show` prints it ("name  total: N\n",
 * in OVS's spirit); malloc'd. */
char *coverage_format(void);

#endif
