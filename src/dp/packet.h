/* Packet buffers and batches for the fast path.
 *
 * A packet is a view into a buffer the caller owns (a port's receive ring, a
 * pool slot, a test's array): the fast path never allocates per packet.  The
 * frame starts `headroom` bytes into the buffer so that push_vlan and tunnel
 * encapsulation can grow it at the front without a copy. */
#ifndef VS_DP_PACKET_H
#define VS_DP_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PACKET_BATCH_MAX 32
/* Room in front of a received frame: VXLAN (50 bytes) plus two VLAN tags. */
#define PACKET_HEADROOM 128
/* The largest frame a port hands us: a GSO super-frame plus its headers. */
#define PACKET_MAX_LEN 65536

/* Tunnel metadata: set by a tunnel port on receive, or by set_tunnel before
 * an output to a tunnel port.  Addresses are IPv4, network byte order. */
struct flow_tnl {
    uint64_t tun_id;   /* VNI in the low 24 bits, network byte order (be64) */
    uint32_t ip_src;
    uint32_t ip_dst;
    uint16_t flags;    /* FLOW_TNL_F_* */
    uint16_t tp_src;   /* outer UDP ports, be16 */
    uint16_t tp_dst;
    uint8_t ip_tos;
    uint8_t ip_ttl;
};

#define FLOW_TNL_F_KEY 0x1     /* tun_id is present */
#define FLOW_TNL_F_DONT_FRAGMENT 0x2
#define FLOW_TNL_F_CSUM 0x4

/* Offload state a port keeps with a frame (virtio_net_hdr semantics), so that
 * a TSO super-frame can travel from one port to another intact. */
struct packet_offload {
    uint8_t flags;       /* VIRTIO_NET_HDR_F_* */
    uint8_t gso_type;    /* VIRTIO_NET_HDR_GSO_* */
    uint16_t hdr_len;
    uint16_t gso_size;
    uint16_t csum_start;
    uint16_t csum_offset;
};

/* Per-packet metadata that travels with the frame and feeds the flow key. */
struct packet_md {
    uint32_t in_port;   /* datapath port number the packet entered on */
    uint32_t pkt_mark;
    uint32_t recirc_id;
    uint8_t depth;      /* nesting of datapath passes; see actions.h */
    struct flow_tnl tunnel;
    struct packet_offload offload;
};

struct dp_packet {
    uint8_t *base;        /* start of the buffer */
    uint32_t size;        /* bytes available at base */
    uint32_t data_ofs;    /* frame starts at base + data_ofs */
    uint32_t len;         /* frame length */
    struct packet_md md;
};

struct dp_packet_batch {
    uint32_t count;
    struct dp_packet *pkts[PACKET_BATCH_MAX];
};

/* Points `p` at `size` bytes at `buf`, empty, with `headroom` bytes reserved
 * in front; clears the metadata. */
void dp_packet_init(struct dp_packet *p, void *buf, uint32_t size,
                    uint32_t headroom);

/* Copies `len` bytes of frame into `p`'s buffer after the default headroom.
 * Returns false (and leaves `p` empty) when the frame does not fit. */
bool dp_packet_set_data(struct dp_packet *p, const void *frame, uint32_t len);

static inline uint8_t *dp_packet_data(const struct dp_packet *p)
{
    return p->base + p->data_ofs;
}

static inline uint32_t dp_packet_headroom(const struct dp_packet *p)
{
    return p->data_ofs;
}

static inline uint32_t dp_packet_tailroom(const struct dp_packet *p)
{
    return p->size - p->data_ofs - p->len;
}

/* Grows the frame by `n` bytes at the front; returns the new start, or NULL
 * when the headroom is too small. */
uint8_t *dp_packet_push(struct dp_packet *p, uint32_t n);

/* Removes `n` bytes from the front; returns the new start, or NULL when the
 * frame is shorter than `n`. */
uint8_t *dp_packet_pull(struct dp_packet *p, uint32_t n);

static inline void dp_packet_batch_init(struct dp_packet_batch *b)
{
    b->count = 0;
}

static inline bool dp_packet_batch_add(struct dp_packet_batch *b,
                                       struct dp_packet *p)
{
    if (b->count >= PACKET_BATCH_MAX) {
        return false;
    }
    b->pkts[b->count++] = p;
    return true;
}

/* A fixed set of packet buffers allocated once, for ports and the upcall
 * queue: get/put never allocate.  Single-threaded (one owner). */
struct packet_pool;

/* Allocates `n` buffers of `buf_size` bytes each (headroom included), on
 * the control path when a port is created; never NULL. */
struct packet_pool *packet_pool_create(uint32_t n, uint32_t buf_size);
/* Frees the pool and its buffers (NULL is ignored). */
void packet_pool_destroy(struct packet_pool *pool);

/* Takes a free packet, initialised empty with PACKET_HEADROOM; NULL when
 * the pool is exhausted. */
struct dp_packet *packet_pool_get(struct packet_pool *pool);

/* Returns a packet taken from `pool`. */
void packet_pool_put(struct packet_pool *pool, struct dp_packet *p);

#endif
