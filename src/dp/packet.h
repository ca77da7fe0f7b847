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
#include <string.h>

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

/* Header offsets.  flow_key_extract records where the L3 header (what
 * follows the last ethertype it read: IP, ARP, ...) and the L4 header
 * (TCP/UDP/SCTP/ICMP/..., after any IPv6 extension headers) start, as the
 * kernel's skb_set_network_header/skb_set_transport_header do, so that
 * actions, tunnels and segmentation need not walk the headers again.
 *
 * - Offsets count from the frame's start (dp_packet_data), so L2 is at 0.
 *   The ethertype of the L3 header is the be16 just before l3_ofs.
 * - l3_ofs is set whenever a whole Ethernet header was there (it follows at
 *   most FLOW_MAX_VLANS tags and an LLC/SNAP header); l4_ofs (with
 *   l4_proto, the IP protocol of that header) only when the IPv4 or IPv6
 *   header parsed for the flow key and the packet is not a later fragment.
 *   DP_PACKET_OFS_NONE means "no such header".  An offset may lie at or
 *   past `len` (a frame cut short, or a trunc view): check the room before
 *   reading a header there.
 * - ofs_valid says the offsets describe the current frame.  dp_packet_init
 *   and dp_packet_set_data clear it (tunnel decap and re-entry copies start
 *   that way); flow_key_extract sets it; code that needs offsets while it is
 *   clear calls flow_key_extract (or flow_key_set_offsets) first.
 * - Whoever moves headers keeps them true: dp_packet_push/pull shift them
 *   (a header pulled off becomes NONE), so push_vlan/pop_vlan, which insert
 *   or remove bytes between L2 and L3 through push/pull, keep them right
 *   (pop_vlan clears ofs_valid when the walk had stopped at its tag limit,
 *   so that a new walk finds the L3 that one tag fewer uncovers); set
 *   actions change bytes in place and leave them.  Code that rewrites a
 *   frame any other way calls dp_packet_reset_offsets. */
#define DP_PACKET_OFS_NONE UINT16_MAX

struct dp_packet {
    uint8_t *base;        /* start of the buffer */
    uint32_t size;        /* bytes available at base */
    uint32_t data_ofs;    /* frame starts at base + data_ofs */
    uint32_t len;         /* frame length */
    uint16_t l3_ofs;      /* from the frame start, or DP_PACKET_OFS_NONE */
    uint16_t l4_ofs;      /* likewise */
    uint8_t l4_proto;     /* IP protocol at l4_ofs, when that is set */
    bool ofs_valid;       /* l3_ofs/l4_ofs/l4_proto describe the frame */
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

/* Forgets the header offsets (the frame was rewritten). */
static inline void dp_packet_reset_offsets(struct dp_packet *p)
{
    p->l3_ofs = DP_PACKET_OFS_NONE;
    p->l4_ofs = DP_PACKET_OFS_NONE;
    p->l4_proto = 0;
    p->ofs_valid = false;
}

/* The L3 header, or NULL when there is none or fewer than `min` bytes of
 * it are in the frame.  Only meaningful while p->ofs_valid. */
static inline uint8_t *dp_packet_l3(const struct dp_packet *p, uint32_t min)
{
    return p->l3_ofs != DP_PACKET_OFS_NONE && p->l3_ofs <= p->len
           && p->len - p->l3_ofs >= min ? dp_packet_data(p) + p->l3_ofs
                                        : NULL;
}

/* As dp_packet_l3, for the L4 header. */
static inline uint8_t *dp_packet_l4(const struct dp_packet *p, uint32_t min)
{
    return p->l4_ofs != DP_PACKET_OFS_NONE && p->l4_ofs <= p->len
           && p->len - p->l4_ofs >= min ? dp_packet_data(p) + p->l4_ofs
                                        : NULL;
}

/* The be16 ethertype of the L3 header (the two bytes before it), or 0
 * when there is no L3 offset. */
static inline uint16_t dp_packet_l3_type(const struct dp_packet *p)
{
    uint16_t type = 0;
    if (p->l3_ofs != DP_PACKET_OFS_NONE && p->l3_ofs >= 2
        && p->l3_ofs <= p->len) {
        memcpy(&type, dp_packet_data(p) + p->l3_ofs - 2, sizeof type);
    }
    return type;
}

static inline uint32_t dp_packet_headroom(const struct dp_packet *p)
{
    return p->data_ofs;
}

static inline uint32_t dp_packet_tailroom(const struct dp_packet *p)
{
    return p->size - p->data_ofs - p->len;
}

/* Grows the frame by `n` bytes at the front (header offsets move by `n`);
 * returns the new start, or NULL when the headroom is too small. */
uint8_t *dp_packet_push(struct dp_packet *p, uint32_t n);

/* Removes `n` bytes from the front (header offsets move by -`n`, those
 * inside the removed part become NONE); returns the new start, or NULL when
 * the frame is shorter than `n`. */
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
