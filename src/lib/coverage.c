/* Event counters and their rates.  Every counter keeps a sample of its
 * total every 5 seconds for an hour; a rate is the growth since the sample
 * one window ago (or the oldest there is) divided by the window.  The
 * registry is a list sorted by name, built by constructors before main()
 * and only read after, so it needs no lock. */
#include "lib/coverage.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/dstr.h"

#define SAMPLE_MS 5000

static struct coverage_counter *counters;   /* sorted by name */

/* samples[(head - k) mod N] of each counter is the one taken k periods
 * ago; n_samples of them are valid. */
static unsigned head, n_samples;
static uint64_t next_sample_ms;

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

void coverage_register(struct coverage_counter *c)
{
    struct coverage_counter **p = &counters;
    while (*p && strcmp((*p)->name, c->name) < 0) {
        p = &(*p)->next;
    }
    c->next = *p;
    *p = c;
}

const struct coverage_counter *coverage_find(const char *name)
{
    for (const struct coverage_counter *c = counters; c; c = c->next) {
        if (!strcmp(c->name, name)) {
            return c;
        }
    }
    return NULL;
}

void coverage_run(void)
{
    uint64_t now = now_ms();
    if (now < next_sample_ms) {
        return;
    }
    next_sample_ms = now + SAMPLE_MS;
    head = (head + 1) % COVERAGE_N_SAMPLES;
    for (struct coverage_counter *c = counters; c; c = c->next) {
        c->samples[head] = coverage_get(c);
    }
    if (n_samples < COVERAGE_N_SAMPLES) {
        n_samples++;
    }
}

/* Average rate of `c` per second over the last `periods` sample periods. */
static double rate(const struct coverage_counter *c, unsigned periods)
{
    if (n_samples < 2) {
        return 0.0;
    }
    unsigned back = periods < n_samples - 1 ? periods : n_samples - 1;
    unsigned then = (head + COVERAGE_N_SAMPLES - back) % COVERAGE_N_SAMPLES;
    uint64_t delta = c->samples[head] - c->samples[then];
    return (double) delta / (periods * (SAMPLE_MS / 1000.0));
}

/* Identifies the set of counters (OVS prints such a hash too): FNV-1a over
 * the names in order. */
static uint32_t names_hash(void)
{
    uint32_t h = 2166136261u;
    for (const struct coverage_counter *c = counters; c; c = c->next) {
        for (const char *p = c->name; *p; p++) {
            h = (h ^ (uint8_t) *p) * 16777619u;
        }
    }
    return h;
}

char *coverage_format(void)
{
    struct dstr text = DSTR_INIT;
    dstr_printf(&text, "Event coverage, avg rate over last: 5 seconds, last "
                "minute, last hour,  hash=%08x:\n", names_hash());
    int never = 0;
    for (const struct coverage_counter *c = counters; c; c = c->next) {
        uint64_t total = coverage_get(c);
        if (!total) {
            never++;
            continue;
        }
        dstr_printf(&text, "%-24s %5.1f/sec %9.3f/sec %13.4f/sec   "
                    "total: %llu\n", c->name, rate(c, 1), rate(c, 12),
                    rate(c, 720), (unsigned long long) total);
    }
    dstr_printf(&text, "%d events never hit\n", never);
    return dstr_steal(&text);
}
