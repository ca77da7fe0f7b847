/* The keyed flow hash: the hash of tables whose keys packets choose (the
 * megaflow subtables, ofproto's record of installed datapath flows).
 *
 * What it protects against.  Whoever sends packets chooses the keys these
 * tables hold; keys that all hash alike would make one probe sequence (or
 * one chain) as long as the table.  An unkeyed hash, or a linear one such
 * as CRC32C, cannot be protected by a seed: crc(s, a) ^ crc(s, b) does not
 * depend on s, so keys with equal CRCs (a linear system) collide under
 * every seed.  Here the masked words are hashed two at a time, as wyhash
 * does: for words a, b (b = 0 when the count is odd),
 *     h = fold((a ^ h) * (b ^ secret)),
 * where the product is 128 bits and fold xors its halves; h starts from a
 * secret basis and each pair has its own secret.  Both factors are unknown
 * to a sender (h depends on the basis, the other factor on a secret), so
 * the change a chosen difference in a or b makes to the product -- in both
 * halves, the high half depending on every bit of both factors -- depends
 * on the secrets and cannot be cancelled by the next pair.
 *
 * What it does not protect against.  A sender who guessed a 64-bit secret
 * could zero a factor (and with it the pair's contribution); otherwise
 * collisions are chance, as for a random function.  This is a keyed hash
 * for spreading, not a proven universal family nor a MAC, and someone who
 * can time lookups over many packets may learn something about the key.
 *
 * The key.  flow_hash_process_key() is drawn once per process (getrandom),
 * so layouts differ between runs; nothing may store these hashes or show
 * them outside the process.  Ids that must survive restarts (the ufid,
 * flow_key_ufid) use the unkeyed flow_key_hash instead.
 *
 * Cost: one 64x64->128 multiply per two words (where a CRC takes one
 * instruction per word, on the same execution port); dp_bench's 10-mask
 * case, 6 words a mask, ran 2.3 % more instructions per packet than with
 * the unkeyed CRC, in about the same time.  Every CPU hashes the same way
 * (no SSE4.2 needed). */
#ifndef VS_DP_FLOW_HASH_H
#define VS_DP_FLOW_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "dp/flow_key.h"

/* The secret: a basis and one secret per word position of a flow key. */
struct flow_hash_key {
    uint64_t basis;                    /* the starting value of the hash */
    uint64_t word[FLOW_KEY_U64S];      /* one secret per word of the key */
};

/* The process's key, drawn from getrandom by the first call (thread-safe;
 * falls back to clock, pid and an address when getrandom fails). */
const struct flow_hash_key *flow_hash_process_key(void);

/* Fills `k` deterministically from `seed` (tests: same seed, same key;
 * two seeds, two keys). */
void flow_hash_key_from_seed(struct flow_hash_key *k, uint64_t seed);

/* A mask as the hash uses it, computed once per mask: the words the mask
 * touches and each pair's secret.  The megaflow table keeps one per
 * subtable and hashes packets' keys with it in its own unrolled loops. */
struct flow_hash_plan {
    uint64_t basis;                    /* the key's basis, mask hashed in */
    uint32_t n_words;                  /* words of the key the mask touches */
    uint8_t idx[FLOW_KEY_U64S];        /* their indexes, ascending */
    uint64_t mask[FLOW_KEY_U64S];      /* the mask's value at each */
    uint64_t secret[FLOW_KEY_U64S];    /* secret[i / 2] keys words i, i + 1 */
};

/* Fills `p` for `mask` under key `k`.  The mask itself is hashed into
 * p->basis, so equal masked words under two masks hash differently. */
void flow_hash_plan_init(struct flow_hash_plan *p,
                         const struct flow_hash_key *k,
                         const struct flow_key *mask);

/* One step: the pair of words (a, b) with its secret, into h. */
static inline __attribute__((always_inline)) uint64_t
flow_hash_pair(uint64_t h, uint64_t a, uint64_t b, uint64_t secret)
{
#if defined(__x86_64__)
    /* The halves straight from rdx:rax: through unsigned __int128, GCC
     * spills the product to the stack in the megaflow's unrolled batch
     * loop. */
    uint64_t lo = a ^ h, hi;
    __asm__("mulq %2" : "+a" (lo), "=d" (hi) : "rm" (b ^ secret) : "cc");
    return lo ^ hi;
#else
    unsigned __int128 p = (unsigned __int128) (a ^ h) * (b ^ secret);
    return (uint64_t) p ^ (uint64_t) (p >> 64);
#endif
}

/* The 32 bits kept from the 64-bit state. */
static inline uint32_t
flow_hash_finish(uint64_t h)
{
    return (uint32_t) (h ^ (h >> 32));
}

/* Hash of the plan's n_words words `w` (already masked, in the plan's
 * order).  Any loop that feeds the same words to flow_hash_pair with the
 * same secrets, as megaflow's batch lookup does, gets the same hash. */
static inline uint32_t
flow_hash_words(const struct flow_hash_plan *p, const uint64_t *w)
{
    uint64_t h = p->basis;
    for (uint32_t i = 0; i < p->n_words; i += 2) {
        uint64_t b = i + 1 < p->n_words ? w[i + 1] : 0;
        h = flow_hash_pair(h, w[i], b, p->secret[i / 2]);
    }
    return flow_hash_finish(h);
}

/* Writes (key & mask) on the plan's words to `w` (n_words of them) and
 * returns their hash. */
uint32_t flow_hash_plan_key(const struct flow_hash_plan *p,
                            const struct flow_key *key, uint64_t *w);

/* Hash of (key & mask) and mask under `k`: what flow_hash_plan_key gives
 * with the plan of `mask` (slow paths, one call per flow). */
uint32_t flow_hash_masked(const struct flow_hash_key *k,
                          const struct flow_key *key,
                          const struct flow_key *mask);

#endif
