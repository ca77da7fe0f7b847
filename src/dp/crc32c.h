/* CRC32C of 64-bit words with the SSE4.2 instruction, for the fast path's
 * hashes, and whether this CPU has it.
 *
 * The instruction is emitted by inline assembly, so the build needs no
 * -msse4.2 and runs on any x86-64: callers test crc32c_available() (cpuid,
 * cached) and keep a portable hash for CPUs without it.  On other
 * architectures crc32c_available() is false and crc32c_u64 is never
 * called. */
#ifndef VS_DP_CRC32C_H
#define VS_DP_CRC32C_H

#include <stdbool.h>
#include <stdint.h>

/* True when crc32c_u64 may be used.  Constant for the life of the
 * process, so a hash chosen with it stays the same. */
static inline bool crc32c_available(void)
{
#if defined(__x86_64__)
    static int known = -1;      /* racing first callers compute the same */
    int v = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (v < 0) {
        __builtin_cpu_init();
        v = __builtin_cpu_supports("sse4.2") ? 1 : 0;
        __atomic_store_n(&known, v, __ATOMIC_RELAXED);
    }
    return v;
#else
    return false;
#endif
}

/* crc = CRC32C step of `crc` over the 8 bytes of `w` (result < 2^32). */
static inline uint64_t crc32c_u64(uint64_t crc, uint64_t w)
{
#if defined(__x86_64__)
    __asm__("crc32q %1, %0" : "+r" (crc) : "rm" (w));
#else
    (void) w;
#endif
    return crc;
}

#endif
