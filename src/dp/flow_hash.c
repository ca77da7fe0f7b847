/* The keyed flow hash: the process's key and per-mask plans (the reasoning
 * is in flow_hash.h). */
#include "dp/flow_hash.h"

#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"

/* Keys are read as 64-bit words; this type may alias the key's fields. */
typedef uint64_t __attribute__((may_alias)) key_word;

/* splitmix64's step: spreads one seed into the words of a key. */
static uint64_t
seed_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void
flow_hash_key_from_seed(struct flow_hash_key *k, uint64_t seed)
{
    k->basis = seed_next(&seed);
    for (size_t i = 0; i < FLOW_KEY_U64S; i++) {
        k->word[i] = seed_next(&seed);
    }
}

/* The process's key, from a seed drawn with getrandom once (it blocks only
 * until the kernel's pool is first initialised, long before a switch
 * runs). */
static struct flow_hash_key process_key;
static pthread_once_t process_key_once = PTHREAD_ONCE_INIT;

static void
draw_process_key(void)
{
    uint64_t seed = 0;
    if (random_bytes(&seed, sizeof seed)) {
        /* No getrandom (pre-3.17 kernel, seccomp): a weaker seed. */
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        seed ^= (uint64_t) ts.tv_nsec ^ (uint64_t) ts.tv_sec << 32
                ^ (uint64_t) getpid() << 16 ^ (uint64_t) (uintptr_t) &ts;
    }
    flow_hash_key_from_seed(&process_key, seed);
}

const struct flow_hash_key *
flow_hash_process_key(void)
{
    pthread_once(&process_key_once, draw_process_key);
    return &process_key;
}

void
flow_hash_plan_init(struct flow_hash_plan *p, const struct flow_hash_key *k,
                    const struct flow_key *mask)
{
    const key_word *m = (const key_word *) mask;
    uint64_t mask_h = k->basis;
    p->n_words = 0;
    for (size_t i = 0; i < FLOW_KEY_U64S; i++) {
        p->idx[i] = 0;
        p->mask[i] = 0;
        p->secret[i] = 0;
    }
    for (size_t i = 0; i < FLOW_KEY_U64S; i++) {
        if (!m[i]) {
            continue;
        }
        /* The mask word and its position, under a secret other than the
         * pair's (the complement), so that the mask is part of the hash
         * at no cost per key. */
        mask_h = flow_hash_pair(mask_h, m[i], i, ~k->word[i]);
        p->idx[p->n_words] = (uint8_t) i;
        if (p->n_words % 2 == 0) {
            p->secret[p->n_words / 2] = k->word[i];
        }
        p->mask[p->n_words++] = m[i];
    }
    p->basis = mask_h;
}

uint32_t
flow_hash_plan_key(const struct flow_hash_plan *p, const struct flow_key *key,
                   uint64_t *w)
{
    const key_word *kw = (const key_word *) key;
    for (uint32_t i = 0; i < p->n_words; i++) {
        w[i] = kw[p->idx[i]] & p->mask[i];
    }
    return flow_hash_words(p, w);
}

uint32_t
flow_hash_masked(const struct flow_hash_key *k, const struct flow_key *key,
                 const struct flow_key *mask)
{
    struct flow_hash_plan p;
    uint64_t w[FLOW_KEY_U64S];
    flow_hash_plan_init(&p, k, mask);
    return flow_hash_plan_key(&p, key, w);
}
