/* Event counters and their rates.  A sample of all counters is kept every
 * 5 seconds for an hour; a rate is the growth since the sample one window
 * ago (or the oldest there is) divided by the window. */
#include "daemon/coverage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SAMPLE_MS 5000
#define N_SAMPLES (3600 / 5 + 1)   /* an hour of samples, plus now */

static uint64_t counters[COV_N_COUNTERS];

static const char *const names[COV_N_COUNTERS] = {
    [COV_UPCALLS] = "upcalls",
    [COV_FLOWS_ADDED] = "dpctl_flows_added",
    [COV_FLOWS_DELETED] = "dpctl_flows_deleted",
    [COV_RECONFIGURE] = "bridge_reconfigure",
    [COV_VSCTL_TRANSACT] = "vsctl_transact",
    [COV_POLL_LOOPS] = "poll_loops",
};

/* samples[(head - k) mod N] is the sample taken k periods ago. */
static uint64_t samples[N_SAMPLES][COV_N_COUNTERS];
static unsigned head, n_samples;
static uint64_t next_sample_ms;

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

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

void coverage_run(void)
{
    uint64_t now = now_ms();
    if (now < next_sample_ms) {
        return;
    }
    next_sample_ms = now + SAMPLE_MS;
    head = (head + 1) % N_SAMPLES;
    for (int c = 0; c < COV_N_COUNTERS; c++) {
        samples[head][c] = coverage_get(c);
    }
    if (n_samples < N_SAMPLES) {
        n_samples++;
    }
}

/* Average rate of `c` per second over the last `periods` sample periods. */
static double rate(int c, unsigned periods)
{
    if (n_samples < 2) {
        return 0.0;
    }
    unsigned back = periods < n_samples - 1 ? periods : n_samples - 1;
    unsigned then = (head + N_SAMPLES - back) % N_SAMPLES;
    uint64_t delta = samples[head][c] - samples[then][c];
    return (double) delta / (periods * (SAMPLE_MS / 1000.0));
}

/* Identifies the set of counters (OVS prints such a hash too). */
static uint32_t names_hash(void)
{
    uint32_t h = 2166136261u;
    for (int c = 0; c < COV_N_COUNTERS; c++) {
        for (const char *p = names[c]; *p; p++) {
            h = (h ^ (uint8_t) *p) * 16777619u;
        }
    }
    return h;
}

char *coverage_format(void)
{
    size_t size = 128 + COV_N_COUNTERS * 128;
    char *text = malloc(size);
    if (!text) {
        return NULL;
    }
    size_t len = (size_t) snprintf(text, size, "Event coverage, avg rate "
                                   "over last: 5 seconds, last minute, last "
                                   "hour,  hash=%08x:\n", names_hash());
    int never = 0;
    for (int c = 0; c < COV_N_COUNTERS; c++) {
        uint64_t total = coverage_get(c);
        if (!total) {
            never++;
            continue;
        }
        len += (size_t) snprintf(text + len, size - len,
                                 "%-24s %5.1f/sec %9.3f/sec %13.4f/sec   "
                                 "total: %llu\n", names[c], rate(c, 1),
                                 rate(c, 12), rate(c, 720),
                                 (unsigned long long) total);
    }
    snprintf(text + len, size - len, "%d events never hit\n", never);
    return text;
}
