/* A growable byte buffer for building OpenFlow messages, and a cursor for
 * reading them.  Every multi-byte put writes network byte order.  Puts never
 * fail (they abort on out of memory, as util.h's x* allocators); reads check
 * the room and fail softly, so a decoder of outside input never reads past
 * what arrived. */
#ifndef VS_OFP_OFPBUF_H
#define VS_OFP_OFPBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ofpbuf {
    uint8_t *data;     /* NULL until the first put */
    size_t size;
    size_t cap;
};

#define OFPBUF_INIT { NULL, 0, 0 }

/* Appends `n` bytes of `p`; returns where they went (valid until the next
 * put). */
void *ofpbuf_put(struct ofpbuf *b, const void *p, size_t n);
/* Appends `n` zero bytes; returns where they went. */
void *ofpbuf_put_zeros(struct ofpbuf *b, size_t n);
void ofpbuf_put_u8(struct ofpbuf *b, uint8_t v);
void ofpbuf_put_be16(struct ofpbuf *b, uint16_t v);
void ofpbuf_put_be32(struct ofpbuf *b, uint32_t v);
void ofpbuf_put_be64(struct ofpbuf *b, uint64_t v);
/* Pads with zeros up to a multiple of `align` (8 for OpenFlow). */
void ofpbuf_pad(struct ofpbuf *b, size_t align);
/* Writes big-endian `v` at offset `ofs` (which must already be there):
 * for lengths known only after the body is built. */
void ofpbuf_set_be16(struct ofpbuf *b, size_t ofs, uint16_t v);
void ofpbuf_set_be32(struct ofpbuf *b, size_t ofs, uint32_t v);
/* Empties the buffer, keeping its memory. */
void ofpbuf_clear(struct ofpbuf *b);
/* Frees the memory and resets `b` to empty. */
void ofpbuf_uninit(struct ofpbuf *b);

/* A read cursor over bytes that came from outside. */
struct ofpcur {
    const uint8_t *p;
    size_t left;
};

static inline struct ofpcur ofpcur_init(const void *p, size_t n)
{
    struct ofpcur c = { (const uint8_t *) p, n };
    return c;
}

/* Each read takes its bytes and advances; false (cursor unchanged) when
 * fewer than that many are left. */
bool ofpcur_u8(struct ofpcur *c, uint8_t *v);
bool ofpcur_be16(struct ofpcur *c, uint16_t *v);
bool ofpcur_be32(struct ofpcur *c, uint32_t *v);
bool ofpcur_be64(struct ofpcur *c, uint64_t *v);
/* Copies `n` bytes into `dst` (NULL: skips them). */
bool ofpcur_bytes(struct ofpcur *c, void *dst, size_t n);
/* Takes `n` bytes as a sub-cursor (for a TLV's body). */
bool ofpcur_sub(struct ofpcur *c, size_t n, struct ofpcur *sub);

/* Big-endian loads and stores at any alignment. */
static inline uint16_t ofp_get_be16(const void *p)
{
    const uint8_t *b = p;
    return (uint16_t) (b[0] << 8 | b[1]);
}

static inline uint32_t ofp_get_be32(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16
           | (uint32_t) b[2] << 8 | b[3];
}

static inline uint64_t ofp_get_be64(const void *p)
{
    const uint8_t *b = p;
    return (uint64_t) ofp_get_be32(b) << 32 | ofp_get_be32(b + 4);
}

#endif
