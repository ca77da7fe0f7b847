/* Byte-level frame building for the unit tests: a fixed buffer that
 * put_* append to in wire order (multi-byte values in host order, written
 * big-endian).  Protocol builders (put_eth, put_ipv4, ...) stay in the tests
 * that need their own shapes. */
#ifndef VS_TEST_FRAME_H
#define VS_TEST_FRAME_H

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct frame {
    uint8_t b[512];
    size_t n;
};

static inline void put_bytes(struct frame *f, const void *p, size_t n)
{
    assert_true(f->n + n <= sizeof f->b);
    memcpy(f->b + f->n, p, n);
    f->n += n;
}

static inline void put8(struct frame *f, uint8_t v)
{
    put_bytes(f, &v, 1);
}

static inline void put16(struct frame *f, uint16_t v)
{
    uint16_t be = htons(v);
    put_bytes(f, &be, 2);
}

static inline void put32(struct frame *f, uint32_t v)
{
    uint32_t be = htonl(v);
    put_bytes(f, &be, 4);
}

static inline void put_zeros(struct frame *f, size_t n)
{
    static const uint8_t zeros[256];
    assert_true(n <= sizeof zeros);
    put_bytes(f, zeros, n);
}

#endif
