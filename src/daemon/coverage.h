/* Event counters for `coverage/show`: a fixed set of named counters the
 * daemon bumps (upcalls handled, flows added, ...), with their average
 * rates over the last 5 seconds, minute and hour, printed as OVS prints
 * them. */
#ifndef VS_DAEMON_COVERAGE_H
#define VS_DAEMON_COVERAGE_H

#include <stdint.h>

enum coverage_counter {
    COV_UPCALLS,            /* upcalls taken from the datapath */
    COV_FLOWS_ADDED,        /* datapath flows added by dpctl */
    COV_FLOWS_DELETED,      /* datapath flows deleted by dpctl */
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

/* Takes a sample of every counter when 5 s have passed since the last one
 * (main loop; the rates come from these samples). */
void coverage_run(void);

/* The `coverage/show` text (malloc'd): a header, one line per counter that
 * has been hit ("name  R/sec R/sec R/sec   total: N"), then how many
 * counters were never hit. */
char *coverage_format(void);

#endif
