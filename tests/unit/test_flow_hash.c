/* Unit tests for the keyed flow hash (dp/flow_hash.h): a seed decides the
 * hash, the process draws its own key, keys equal under CRC32C for every
 * start value do not collide, every masked word and the mask itself count,
 * and the plan's word-wise hash is what flow_hash_masked gives. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dp/crc32c.h"
#include "dp/flow_hash.h"

#define N_KEYS 256

/* A mask of the words in `bits` (bit i = word i), all ones on each. */
static struct flow_key
mask_of_words(uint32_t bits)
{
    struct flow_key m;
    uint64_t *w = (uint64_t *) &m;
    for (size_t i = 0; i < FLOW_KEY_U64S; i++) {
        w[i] = bits >> i & 1 ? UINT64_MAX : 0;
    }
    return m;
}

/* A key whose words are all different and depend on `n`. */
static struct flow_key
key_of(uint64_t n)
{
    struct flow_key k;
    uint64_t *w = (uint64_t *) &k;
    for (size_t i = 0; i < FLOW_KEY_U64S; i++) {
        w[i] = 0x0123456789abcdefULL * (i + 1) + n;
    }
    return k;
}

/* The hashes of N_KEYS keys (which differ in word 1) under seed's key,
 * with a mask on words 0..2. */
static void
hash_keys(uint64_t seed, uint32_t out[N_KEYS])
{
    struct flow_hash_key k;
    flow_hash_key_from_seed(&k, seed);
    struct flow_key m = mask_of_words(0x7);
    for (uint32_t i = 0; i < N_KEYS; i++) {
        struct flow_key key = key_of(0);
        ((uint64_t *) &key)[1] += i;
        out[i] = flow_hash_masked(&k, &key, &m);
    }
}

static size_t
n_equal(const uint32_t a[N_KEYS], const uint32_t b[N_KEYS])
{
    size_t n = 0;
    for (size_t i = 0; i < N_KEYS; i++) {
        n += a[i] == b[i];
    }
    return n;
}

static void
test_same_seed_same_hash(void **state)
{
    (void) state;
    uint32_t a[N_KEYS], b[N_KEYS];
    hash_keys(42, a);
    hash_keys(42, b);
    assert_int_equal(n_equal(a, b), N_KEYS);
    struct flow_hash_key k1, k2;
    flow_hash_key_from_seed(&k1, 42);
    flow_hash_key_from_seed(&k2, 42);
    assert_memory_equal(&k1, &k2, sizeof k1);
}

static void
test_two_seeds_two_hashes(void **state)
{
    (void) state;
    uint32_t a[N_KEYS], b[N_KEYS];
    hash_keys(1, a);
    hash_keys(2, b);
    assert_true(n_equal(a, b) <= 1);
    /* The low bits too, which pick a bucket: 256 buckets. */
    size_t same_bucket = 0;
    for (size_t i = 0; i < N_KEYS; i++) {
        same_bucket += (a[i] & 255) == (b[i] & 255);
    }
    assert_true(same_bucket < N_KEYS / 16);
}

/* Two keys whose masked words differ by (d, crc32c(0, d)) have equal
 * CRC32C chains from any start: the collision no seed can prevent in a
 * linear hash (test_megaflow's pair).  The keyed hash tells them apart
 * under every key tried, the process's included. */
static void
test_crc_equal_keys_do_not_collide(void **state)
{
    (void) state;
    if (!crc32c_available()) {
        skip();
    }
    struct flow_key mask = mask_of_words(0x6);   /* words 1 and 2 */
    struct flow_key a = key_of(0), b = a;
    uint64_t *aw = (uint64_t *) &a, *bw = (uint64_t *) &b;
    const uint64_t d = 0x00000000ff000001ULL;
    bw[1] ^= d;
    bw[2] ^= crc32c_u64(0, d);
    for (uint64_t start = 0; start < 3; start++) {   /* the premise */
        uint64_t s0 = start * 0x9e3779b9u;
        assert_int_equal(crc32c_u64(crc32c_u64(s0, aw[1]), aw[2]),
                         crc32c_u64(crc32c_u64(s0, bw[1]), bw[2]));
    }
    for (uint64_t seed = 1; seed <= 16; seed++) {
        struct flow_hash_key k;
        flow_hash_key_from_seed(&k, seed);
        assert_int_not_equal(flow_hash_masked(&k, &a, &mask),
                             flow_hash_masked(&k, &b, &mask));
    }
    const struct flow_hash_key *pk = flow_hash_process_key();
    assert_int_not_equal(flow_hash_masked(pk, &a, &mask),
                         flow_hash_masked(pk, &b, &mask));
}

/* Flipping one bit of any masked word changes the hash (the odd last word
 * of a pair included); a bit outside the mask does not. */
static void
test_every_masked_word_counts(void **state)
{
    (void) state;
    struct flow_hash_key k;
    flow_hash_key_from_seed(&k, 7);
    for (uint32_t n = 1; n <= FLOW_KEY_U64S; n++) {
        struct flow_key m = mask_of_words((1u << n) - 1);   /* words 0..n-1 */
        struct flow_key key = key_of(n);
        uint32_t h = flow_hash_masked(&k, &key, &m);
        for (size_t i = 0; i < FLOW_KEY_U64S; i++) {
            for (unsigned bit = 0; bit < 64; bit += 21) {
                struct flow_key flipped = key;
                ((uint64_t *) &flipped)[i] ^= UINT64_C(1) << bit;
                uint32_t hf = flow_hash_masked(&k, &flipped, &m);
                if (i < n) {
                    assert_int_not_equal(hf, h);
                } else {
                    assert_int_equal(hf, h);
                }
            }
        }
    }
}

/* Flows of two masks on the same words with equal masked words (10.1.0.0
 * as /16 and as /24 here) hash apart: the mask is hashed too, as ofproto's
 * table of (masked key, mask) needs. */
static void
test_mask_is_hashed(void **state)
{
    (void) state;
    struct flow_hash_key k;
    flow_hash_key_from_seed(&k, 3);
    struct flow_key key, m16, m24;
    memset(&key, 0, sizeof key);
    memset(&m16, 0, sizeof m16);
    memset(&m24, 0, sizeof m24);
    key.nw_dst = 0x00000a01;           /* same bytes under both masks */
    m16.nw_dst = 0x0000ffff;
    m24.nw_dst = 0x00ffffff;
    struct flow_key masked16, masked24;
    flow_key_mask(&masked16, &key, &m16);
    flow_key_mask(&masked24, &key, &m24);
    assert_memory_equal(&masked16, &masked24, sizeof masked16);
    assert_int_not_equal(flow_hash_masked(&k, &key, &m16),
                         flow_hash_masked(&k, &key, &m24));
}

/* The plan lists the mask's words in order, and a loop of flow_hash_pair
 * over them from the plan's basis, as megaflow's batch lookup runs it,
 * gives flow_hash_masked's hash. */
static void
test_plan_matches_pair_loop(void **state)
{
    (void) state;
    struct flow_hash_key k;
    flow_hash_key_from_seed(&k, 11);
    const uint32_t masks[] = { 0x1, 0x5, 0x2c, 0x7f, 0x155 };
    for (size_t t = 0; t < sizeof masks / sizeof masks[0]; t++) {
        uint32_t bits = masks[t] & ((1u << FLOW_KEY_U64S) - 1);
        struct flow_key m = mask_of_words(bits);
        ((uint64_t *) &m)[__builtin_ctz(bits)] = 0xffff0000ffff0000ULL;
        struct flow_hash_plan p;
        flow_hash_plan_init(&p, &k, &m);
        assert_int_equal(p.n_words, __builtin_popcount(bits));
        struct flow_key key = key_of(t);
        const uint64_t *kw = (const uint64_t *) &key;
        uint64_t h = p.basis;
        for (uint32_t i = 0; i < p.n_words; i += 2) {
            assert_true(bits >> p.idx[i] & 1);
            assert_true(i == 0 || p.idx[i] > p.idx[i - 1]);
            uint64_t a = kw[p.idx[i]] & p.mask[i];
            uint64_t b = i + 1 < p.n_words
                         ? kw[p.idx[i + 1]] & p.mask[i + 1] : 0;
            h = flow_hash_pair(h, a, b, p.secret[i / 2]);
        }
        uint64_t w[FLOW_KEY_U64S];
        uint32_t hp = flow_hash_plan_key(&p, &key, w);
        assert_int_equal(flow_hash_finish(h), hp);
        assert_int_equal(flow_hash_masked(&k, &key, &m), hp);
        assert_int_equal(flow_hash_words(&p, w), hp);
    }
}

/* Sequential keys (one field counting, as a sender would choose them)
 * spread over the buckets of a table: none gets more than twice its
 * share. */
static void
test_sequential_keys_spread(void **state)
{
    (void) state;
    enum { BUCKETS = 1024, KEYS = 64 * BUCKETS };
    static uint32_t count[BUCKETS];
    memset(count, 0, sizeof count);
    const struct flow_hash_key *k = flow_hash_process_key();
    struct flow_key m = mask_of_words(0x1f);
    for (uint32_t i = 0; i < KEYS; i++) {
        struct flow_key key = key_of(0);
        ((uint64_t *) &key)[2] = (uint64_t) i << 16;
        count[flow_hash_masked(k, &key, &m) % BUCKETS]++;
    }
    for (size_t b = 0; b < BUCKETS; b++) {
        assert_true(count[b] < 2 * KEYS / BUCKETS);
    }
}

/* Another process draws another key (this binary run with --key: a fork
 * would inherit the key once drawn); one process keeps its key. */
static void
print_process_key(void)
{
    const struct flow_hash_key *k = flow_hash_process_key();
    printf("%016llx %016llx\n", (unsigned long long) k->basis,
           (unsigned long long) k->word[0]);
}

static void
read_process_key(uint64_t out[2])
{
    char self[4096], cmd[4200];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(n > 0);
    self[n] = '\0';
    snprintf(cmd, sizeof cmd, "'%s' --key", self);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    unsigned long long a, b;
    assert_int_equal(fscanf(f, "%llx %llx", &a, &b), 2);
    assert_int_equal(pclose(f), 0);
    out[0] = a;
    out[1] = b;
}

static void
test_process_key_per_process(void **state)
{
    (void) state;
    const struct flow_hash_key *k = flow_hash_process_key();
    struct flow_hash_key copy = *k;
    assert_ptr_equal(flow_hash_process_key(), k);
    assert_memory_equal(flow_hash_process_key(), &copy, sizeof copy);
    uint64_t p1[2], p2[2];
    read_process_key(p1);
    read_process_key(p2);
    assert_false(p1[0] == p2[0] && p1[1] == p2[1]);
    assert_false(p1[0] == copy.basis && p1[1] == copy.word[0]);
}

int
main(int argc, char *argv[])
{
    if (argc > 1 && !strcmp(argv[1], "--key")) {
        print_process_key();
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_hash),
        cmocka_unit_test(test_two_seeds_two_hashes),
        cmocka_unit_test(test_crc_equal_keys_do_not_collide),
        cmocka_unit_test(test_every_masked_word_counts),
        cmocka_unit_test(test_mask_is_hashed),
        cmocka_unit_test(test_plan_matches_pair_loop),
        cmocka_unit_test(test_sequential_keys_spread),
        cmocka_unit_test(test_process_key_per_process),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
