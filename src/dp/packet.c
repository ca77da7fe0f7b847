/* Packet buffers and the fixed packet pool. */
#include "dp/packet.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

void dp_packet_init(struct dp_packet *p, void *buf, uint32_t size,
                    uint32_t headroom)
{
    p->base = buf;
    p->size = size;
    p->data_ofs = headroom < size ? headroom : size;
    p->len = 0;
    dp_packet_reset_offsets(p);
    memset(&p->md, 0, sizeof p->md);
}

bool dp_packet_set_data(struct dp_packet *p, const void *frame, uint32_t len)
{
    dp_packet_reset_offsets(p);
    uint32_t headroom = p->size > PACKET_HEADROOM ? PACKET_HEADROOM : 0;
    if (len > p->size - headroom) {
        p->data_ofs = headroom;
        p->len = 0;
        return false;
    }
    p->data_ofs = headroom;
    memcpy(p->base + headroom, frame, len);
    p->len = len;
    return true;
}

/* Moves offset `ofs` by `delta`; NONE when it leaves [0, NONE). */
static uint16_t shift_ofs(uint16_t ofs, int64_t delta)
{
    int64_t moved = (int64_t)ofs + delta;
    return ofs == DP_PACKET_OFS_NONE || moved < 0
           || moved >= DP_PACKET_OFS_NONE ? DP_PACKET_OFS_NONE
                                          : (uint16_t)moved;
}

static void shift_offsets(struct dp_packet *p, int64_t delta)
{
    if (p->ofs_valid) {
        p->l3_ofs = shift_ofs(p->l3_ofs, delta);
        p->l4_ofs = shift_ofs(p->l4_ofs, delta);
    }
}

uint8_t *dp_packet_push(struct dp_packet *p, uint32_t n)
{
    if (n > p->data_ofs) {
        return NULL;
    }
    shift_offsets(p, n);
    p->data_ofs -= n;
    p->len += n;
    return dp_packet_data(p);
}

uint8_t *dp_packet_pull(struct dp_packet *p, uint32_t n)
{
    if (n > p->len) {
        return NULL;
    }
    shift_offsets(p, -(int64_t)n);
    p->data_ofs += n;
    p->len -= n;
    return dp_packet_data(p);
}

/* The pool is one allocation of buffers plus a stack of free packets. */
struct packet_pool {
    uint32_t n, buf_size, n_free;
    uint8_t *bufs;
    struct dp_packet *pkts;
    struct dp_packet **free;
};

struct packet_pool *packet_pool_create(uint32_t n, uint32_t buf_size)
{
    struct packet_pool *pool = xcalloc(1, sizeof *pool);
    pool->n = n;
    pool->buf_size = buf_size;
    pool->bufs = xmalloc((size_t)n * buf_size);
    pool->pkts = xcalloc(n, sizeof *pool->pkts);
    pool->free = xcalloc(n, sizeof *pool->free);
    for (uint32_t i = 0; i < n; i++) {
        dp_packet_init(&pool->pkts[i], pool->bufs + (size_t)i * buf_size,
                       buf_size, PACKET_HEADROOM);
        pool->free[i] = &pool->pkts[i];
    }
    pool->n_free = n;
    return pool;
}

void packet_pool_destroy(struct packet_pool *pool)
{
    if (pool) {
        free(pool->bufs);
        free(pool->pkts);
        free(pool->free);
        free(pool);
    }
}

struct dp_packet *packet_pool_get(struct packet_pool *pool)
{
    if (!pool->n_free) {
        return NULL;
    }
    struct dp_packet *p = pool->free[--pool->n_free];
    dp_packet_init(p, p->base, pool->buf_size, PACKET_HEADROOM);
    return p;
}

void packet_pool_put(struct packet_pool *pool, struct dp_packet *p)
{
    if (pool->n_free < pool->n) {
        pool->free[pool->n_free++] = p;
    }
}
