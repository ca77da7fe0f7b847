/* The "memory" port: frames in and out of plain memory queues, for tests
 * and benchmarks.  vport_memory_inject() queues frames that recv hands to
 * the datapath; what the datapath sends is kept until vport_memory_take().
 *
 * Queue slots and receive buffers keep their memory once allocated (they
 * only grow for a larger frame), so a steady flow of frames allocates
 * nothing.  A mutex guards the queues: the test thread and the forwarding
 * thread use them at the same time. */
#include "dp/vport/vport.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

#define MEMORY_DEFAULT_CAPACITY 256
#define MEMORY_MAX_CAPACITY 65536
#define MEMORY_MIN_BUF 2048

struct frame_slot {
    uint8_t *buf;
    uint32_t cap, len;
};

/* A FIFO of frame copies. */
struct frame_queue {
    struct frame_slot *slots;
    uint32_t capacity, head, count;
};

struct memory_port {
    pthread_mutex_t mutex;
    struct frame_queue rxq, txq;
    struct dp_packet rx_pkts[PACKET_BATCH_MAX];
    struct frame_slot rx_bufs[PACKET_BATCH_MAX];  /* what recv hands out */
};

/* Makes `s` hold at least `need` bytes; false when memory runs out.
 *
 * The one allocation here that is not x* (see lib/util.h): a slot grows
 * on the packet's way, in send and recv, when a frame larger than any
 * before comes, and there the answer to no memory is to drop that frame
 * (counted) and carry on, not to abort the switch. */
static bool slot_reserve(struct frame_slot *s, uint32_t need)
{
    if (s->buf && s->cap >= need) {
        return true;
    }
    uint32_t cap = need < MEMORY_MIN_BUF ? MEMORY_MIN_BUF : need;
    uint8_t *buf = realloc(s->buf, cap);
    if (!buf) {
        return false;
    }
    s->buf = buf;
    s->cap = cap;
    return true;
}

static void queue_init(struct frame_queue *q, uint32_t capacity)
{
    q->slots = xcalloc(capacity, sizeof *q->slots);
    q->capacity = capacity;
    q->head = q->count = 0;
}

static void queue_free(struct frame_queue *q)
{
    for (uint32_t i = 0; i < q->capacity; i++) {
        free(q->slots[i].buf);
    }
    free(q->slots);
}

/* Copies a frame to the tail; false when full or out of memory. */
static bool queue_push(struct frame_queue *q, const void *frame, uint32_t len)
{
    if (q->count >= q->capacity) {
        return false;
    }
    struct frame_slot *s = &q->slots[(q->head + q->count) % q->capacity];
    if (!slot_reserve(s, len)) {
        return false;
    }
    memcpy(s->buf, frame, len);
    s->len = len;
    q->count++;
    return true;
}

static struct frame_slot *queue_front(struct frame_queue *q)
{
    return q->count ? &q->slots[q->head] : NULL;
}

static void queue_pop(struct frame_queue *q)
{
    q->head = (q->head + 1) % q->capacity;
    q->count--;
}

/* Reads a capacity option; -1 when it is not a number in range. */
static long capacity_opt(const struct vport_opt *opts, size_t n,
                         const char *key)
{
    const char *s = vport_opt_get(opts, n, key);
    if (!s) {
        return MEMORY_DEFAULT_CAPACITY;
    }
    char *end;
    long v = strtol(s, &end, 10);
    if (*s == '\0' || *end != '\0' || v < 1 || v > MEMORY_MAX_CAPACITY) {
        return -1;
    }
    return v;
}

static void memory_destroy(struct vport *vp)
{
    struct memory_port *mp = vp->priv;
    if (!mp) {
        return;
    }
    queue_free(&mp->rxq);
    queue_free(&mp->txq);
    for (int i = 0; i < PACKET_BATCH_MAX; i++) {
        free(mp->rx_bufs[i].buf);
    }
    pthread_mutex_destroy(&mp->mutex);
    free(mp);
    vp->priv = NULL;
}

static int memory_create(struct vport *vp, const struct vport_opt *opts,
                         size_t n_opts, char *err, size_t errlen)
{
    long rx_cap = capacity_opt(opts, n_opts, "rx_capacity");
    long tx_cap = capacity_opt(opts, n_opts, "tx_capacity");
    if (rx_cap < 0 || tx_cap < 0) {
        snprintf(err, errlen, "%s: rx_capacity and tx_capacity must be "
                 "numbers from 1 to %d", vp->name, MEMORY_MAX_CAPACITY);
        return -EINVAL;
    }
    struct memory_port *mp = xcalloc(1, sizeof *mp);
    pthread_mutex_init(&mp->mutex, NULL);
    queue_init(&mp->rxq, rx_cap);
    queue_init(&mp->txq, tx_cap);
    vp->priv = mp;
    return 0;
}

static int memory_send(struct vport *vp, const struct dp_packet *p)
{
    struct memory_port *mp = vp->priv;
    pthread_mutex_lock(&mp->mutex);
    bool queued = queue_push(&mp->txq, dp_packet_data(p), p->len);
    pthread_mutex_unlock(&mp->mutex);
    if (!queued) {
        vport_count_tx_dropped(vp, DP_DROP_TX_NO_BUFFER, 1);
        return -ENOBUFS;
    }
    vport_count_tx(vp, 1, p->len);
    return 0;
}

/* Moves the oldest injected frame into receive buffer `i`. */
static bool take_rx_frame(const struct vport *vp, struct memory_port *mp,
                          int i)
{
    struct frame_slot *s = queue_front(&mp->rxq);
    struct frame_slot *rb = &mp->rx_bufs[i];
    if (!slot_reserve(rb, PACKET_HEADROOM + s->len)) {
        return false;
    }
    struct dp_packet *p = &mp->rx_pkts[i];
    dp_packet_init(p, rb->buf, rb->cap, PACKET_HEADROOM);
    memcpy(rb->buf + PACKET_HEADROOM, s->buf, s->len);
    p->len = s->len;
    vport_receive_prepare(vp, p, NULL);
    return true;
}

static int memory_recv(struct vport *vp, struct dp_packet_batch *batch)
{
    struct memory_port *mp = vp->priv;
    uint64_t bytes = 0;
    int n = 0;
    pthread_mutex_lock(&mp->mutex);
    while (n < PACKET_BATCH_MAX && mp->rxq.count) {
        if (!take_rx_frame(vp, mp, n)) {
            vport_count_rx_error(vp, DP_DROP_NO_MEMORY, 1);
        } else {
            bytes += mp->rx_pkts[n].len;
            dp_packet_batch_add(batch, &mp->rx_pkts[n]);
            n++;
        }
        queue_pop(&mp->rxq);
    }
    pthread_mutex_unlock(&mp->mutex);
    if (n) {
        vport_count_rx(vp, n, bytes);
    }
    return n;
}

static void memory_format_config(const struct vport *vp, char *buf,
                                 size_t size)
{
    const struct memory_port *mp = vp->priv;
    snprintf(buf, size, "rx_capacity=%u, tx_capacity=%u",
             mp->rxq.capacity, mp->txq.capacity);
}

const struct vport_ops vport_memory_ops = {
    .type = "memory",
    .create = memory_create,
    .destroy = memory_destroy,
    .send = memory_send,
    .recv = memory_recv,
    .format_config = memory_format_config,
};

int vport_memory_inject(struct vport *vp, const void *frame, uint32_t len)
{
    if (vp->ops != &vport_memory_ops || len > PACKET_MAX_LEN) {
        return -EINVAL;
    }
    struct memory_port *mp = vp->priv;
    pthread_mutex_lock(&mp->mutex);
    bool queued = queue_push(&mp->rxq, frame, len);
    pthread_mutex_unlock(&mp->mutex);
    if (!queued) {
        vport_count_rx_dropped(vp, DP_DROP_RX_QUEUE_FULL, 1);
        return -ENOBUFS;
    }
    return 0;
}

int vport_memory_take(struct vport *vp, void *buf, uint32_t size)
{
    if (vp->ops != &vport_memory_ops) {
        return -1;
    }
    struct memory_port *mp = vp->priv;
    int len = -1;
    pthread_mutex_lock(&mp->mutex);
    struct frame_slot *s = queue_front(&mp->txq);
    if (s) {
        len = s->len;
        memcpy(buf, s->buf, s->len < size ? s->len : size);
        queue_pop(&mp->txq);
    }
    pthread_mutex_unlock(&mp->mutex);
    return len;
}

uint32_t vport_memory_tx_count(const struct vport *vp)
{
    if (vp->ops != &vport_memory_ops) {
        return 0;
    }
    struct memory_port *mp = vp->priv;
    pthread_mutex_lock(&mp->mutex);
    uint32_t n = mp->txq.count;
    pthread_mutex_unlock(&mp->mutex);
    return n;
}
