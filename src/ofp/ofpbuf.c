/* Growable message buffer and bounded read cursor (ofpbuf.h). */
#include "ofp/ofpbuf.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

static void *room(struct ofpbuf *b, size_t n)
{
    if (n > b->cap - b->size) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->size < n) {
            cap *= 2;
        }
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    void *p = b->data + b->size;
    b->size += n;
    return p;
}

void *ofpbuf_put(struct ofpbuf *b, const void *p, size_t n)
{
    void *dst = room(b, n);
    if (n) {
        memcpy(dst, p, n);
    }
    return dst;
}

void *ofpbuf_put_zeros(struct ofpbuf *b, size_t n)
{
    void *dst = room(b, n);
    memset(dst, 0, n);
    return dst;
}

void ofpbuf_put_u8(struct ofpbuf *b, uint8_t v)
{
    *(uint8_t *) room(b, 1) = v;
}

void ofpbuf_put_be16(struct ofpbuf *b, uint16_t v)
{
    uint8_t *p = room(b, 2);
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

void ofpbuf_put_be32(struct ofpbuf *b, uint32_t v)
{
    ofpbuf_put_be16(b, (uint16_t) (v >> 16));
    ofpbuf_put_be16(b, (uint16_t) v);
}

void ofpbuf_put_be64(struct ofpbuf *b, uint64_t v)
{
    ofpbuf_put_be32(b, (uint32_t) (v >> 32));
    ofpbuf_put_be32(b, (uint32_t) v);
}

void ofpbuf_pad(struct ofpbuf *b, size_t align)
{
    size_t rem = b->size % align;
    if (rem) {
        ofpbuf_put_zeros(b, align - rem);
    }
}

void ofpbuf_set_be16(struct ofpbuf *b, size_t ofs, uint16_t v)
{
    b->data[ofs] = (uint8_t) (v >> 8);
    b->data[ofs + 1] = (uint8_t) v;
}

void ofpbuf_set_be32(struct ofpbuf *b, size_t ofs, uint32_t v)
{
    ofpbuf_set_be16(b, ofs, (uint16_t) (v >> 16));
    ofpbuf_set_be16(b, ofs + 2, (uint16_t) v);
}

void ofpbuf_clear(struct ofpbuf *b)
{
    b->size = 0;
}

void ofpbuf_uninit(struct ofpbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->size = b->cap = 0;
}

bool ofpcur_bytes(struct ofpcur *c, void *dst, size_t n)
{
    if (c->left < n) {
        return false;
    }
    if (dst && n) {
        memcpy(dst, c->p, n);
    }
    c->p += n;
    c->left -= n;
    return true;
}

bool ofpcur_u8(struct ofpcur *c, uint8_t *v)
{
    return ofpcur_bytes(c, v, 1);
}

bool ofpcur_be16(struct ofpcur *c, uint16_t *v)
{
    if (c->left < 2) {
        return false;
    }
    *v = ofp_get_be16(c->p);
    return ofpcur_bytes(c, NULL, 2);
}

bool ofpcur_be32(struct ofpcur *c, uint32_t *v)
{
    if (c->left < 4) {
        return false;
    }
    *v = ofp_get_be32(c->p);
    return ofpcur_bytes(c, NULL, 4);
}

bool ofpcur_be64(struct ofpcur *c, uint64_t *v)
{
    if (c->left < 8) {
        return false;
    }
    *v = ofp_get_be64(c->p);
    return ofpcur_bytes(c, NULL, 8);
}

bool ofpcur_sub(struct ofpcur *c, size_t n, struct ofpcur *sub)
{
    if (c->left < n) {
        return false;
    }
    *sub = ofpcur_init(c->p, n);
    return ofpcur_bytes(c, NULL, n);
}
