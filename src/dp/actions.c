/* Datapath actions: the builder, the validator and the executor, with the
 * seed's per-thread recursion level and deferred re-entries.  The text form
 * (format and parse) is in actions_text.c.
 *
 * Payloads are read with memcpy: a flow's action list need not be 8-byte
 * aligned in memory (struct megaflow_actions puts it after a uint32_t). */
#include "dp/actions.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dp/datapath.h"
#include "dp/meter.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(actions);

#define ACTION_PAD(LEN) (((LEN) + DP_ACTION_ALIGN - 1) & ~(size_t)(DP_ACTION_ALIGN - 1))

/* ---------------------------------------------------------------- builder */

void action_buf_init(struct action_buf *b)
{
    b->len = 0;
    b->overflow = false;
}

void action_put(struct action_buf *b, enum dp_action_type type,
                const void *payload, size_t payload_len)
{
    size_t len = sizeof(struct dp_action) + payload_len;
    size_t padded = ACTION_PAD(len);
    if (len > UINT16_MAX || padded > ACTION_BUF_SIZE - b->len) {
        b->overflow = true;
        return;
    }
    struct dp_action *a = (struct dp_action *)(b->data + b->len);
    a->len = len;
    a->type = type;
    if (payload_len) {
        memcpy(a + 1, payload, payload_len);
    }
    memset(b->data + b->len + len, 0, padded - len);
    b->len += padded;
}

void action_put_output(struct action_buf *b, uint32_t port_no)
{
    action_put(b, DP_ACTION_OUTPUT, &port_no, sizeof port_no);
}

void action_put_userspace(struct action_buf *b, uint64_t userdata)
{
    action_put(b, DP_ACTION_USERSPACE, &userdata, sizeof userdata);
}

void action_put_push_vlan(struct action_buf *b, uint16_t tpid_be,
                          uint16_t tci_be)
{
    struct dp_action_push_vlan pv = { .tpid = tpid_be, .tci = tci_be };
    action_put(b, DP_ACTION_PUSH_VLAN, &pv, sizeof pv);
}

void action_put_pop_vlan(struct action_buf *b)
{
    action_put(b, DP_ACTION_POP_VLAN, NULL, 0);
}

void action_put_drop(struct action_buf *b)
{
    action_put(b, DP_ACTION_DROP, NULL, 0);
}

void action_put_meter(struct action_buf *b, uint32_t meter_id)
{
    action_put(b, DP_ACTION_METER, &meter_id, sizeof meter_id);
}

/* -------------------------------------------------------------- validator */

static const struct dp_action_kind kinds[N_DP_ACTION_TYPES] = {
#define KIND(ENUM, NAME, PAYLOAD)                                           \
    [DP_ACTION_##ENUM] = { #NAME, DP_PAYLOAD_MIN(PAYLOAD),                 \
                           DP_PAYLOAD_MAX(PAYLOAD) },
    DP_ACTIONS(KIND)
#undef KIND
};

/* A payload must fit a dp_action's 16-bit len and the builder's buffer. */
#define ASSERT_PAYLOAD_FITS(ENUM, NAME, PAYLOAD)                            \
    _Static_assert(DP_PAYLOAD_MIN(PAYLOAD) <= DP_PAYLOAD_MAX(PAYLOAD)       \
                   && DP_PAYLOAD_MAX(PAYLOAD) + sizeof(struct dp_action)    \
                      <= ACTION_BUF_SIZE, #NAME ": bad payload size");
DP_ACTIONS(ASSERT_PAYLOAD_FITS)
#undef ASSERT_PAYLOAD_FITS

const struct dp_action_kind *dp_action_kind(uint16_t type)
{
    return type < N_DP_ACTION_TYPES && kinds[type].name ? &kinds[type]
                                                        : NULL;
}

const char *dp_action_name(uint16_t type)
{
    const struct dp_action_kind *k = dp_action_kind(type);
    return k ? k->name : NULL;
}

/* The checks of what a payload holds beyond its size, one per action:
 * true when the payload (its size already checked) is valid. */

static bool check_output(const struct dp_action *a)
{
    (void)a;                    /* a missing port drops at output */
    return true;
}

static bool check_userspace(const struct dp_action *a)
{
    (void)a;                    /* userdata is the slow path's cookie */
    return true;
}

static bool check_push_vlan(const struct dp_action *a)
{
    struct dp_action_push_vlan pv;
    DP_ACTION_GET(a, &pv);
    return eth_type_is_vlan(pv.tpid);
}

static bool check_pop_vlan(const struct dp_action *a)
{
    (void)a;                    /* no payload */
    return true;
}

static bool check_set_eth(const struct dp_action *a)
{
    (void)a;                    /* any value and mask are addresses */
    return true;
}

static bool check_set_ipv4(const struct dp_action *a)
{
    (void)a;                    /* any addresses, tos and ttl */
    return true;
}

static bool check_set_ipv6(const struct dp_action *a)
{
    struct dp_action_set_ipv6 s;
    DP_ACTION_GET(a, &s);
    return !(ntohl(s.label) & ~0xfffffu)
           && !(ntohl(s.label_mask) & ~0xfffffu);
}

static bool check_set_tp(const struct dp_action *a)
{
    (void)a;                    /* any ports */
    return true;
}

static bool check_set_tunnel(const struct dp_action *a)
{
    struct flow_tnl t;
    DP_ACTION_GET(a, &t);
    return !(t.flags & ~(FLOW_TNL_F_KEY | FLOW_TNL_F_DONT_FRAGMENT
                         | FLOW_TNL_F_CSUM));
}

static bool check_drop(const struct dp_action *a)
{
    (void)a;                    /* no payload */
    return true;
}

static bool check_trunc(const struct dp_action *a)
{
    uint32_t max_len;
    DP_ACTION_GET(a, &max_len);
    return max_len >= 14;       /* at least an Ethernet header */
}

static bool check_meter(const struct dp_action *a)
{
    uint32_t id;
    DP_ACTION_GET(a, &id);
    return id < DP_METER_MAX;
}

/* The payload of `a`, of `type` and of a size that type allows, is
 * valid. */
static bool payload_ok(uint16_t type, const struct dp_action *a)
{
    switch ((enum dp_action_type)type) {
#define CHECK(ENUM, NAME, PAYLOAD) \
    case DP_ACTION_##ENUM: return check_##NAME(a);
    DP_ACTIONS(CHECK)
#undef CHECK
    case DP_ACTION_UNSPEC:
    case N_DP_ACTION_TYPES:
        break;
    }
    return false;
}

/* The action at `at`, whose header `h` is (copied out: `at` may be
 * unaligned), with `room` bytes from it to the end of the list, is whole,
 * of a known type, of a size the type allows, and valid. */
static bool action_ok(const struct dp_action *h, const struct dp_action *at,
                      size_t room)
{
    const struct dp_action_kind *k = dp_action_kind(h->type);
    if (!k || h->len < sizeof *h) {
        return false;
    }
    size_t size = dp_action_payload_len(h);
    return size >= k->min_payload && size <= k->max_payload
           && ACTION_PAD(h->len) <= room && payload_ok(h->type, at);
}

int actions_validate(const void *acts, size_t len)
{
    if (len > ACTION_BUF_SIZE || len % DP_ACTION_ALIGN || (len && !acts)) {
        return -EINVAL;
    }
    const uint8_t *p = acts;
    size_t ofs = 0;
    while (ofs < len) {
        struct dp_action h;
        memcpy(&h, p + ofs, sizeof h);  /* fits: len - ofs >= 8 */
        if (!action_ok(&h, (const struct dp_action *)(p + ofs), len - ofs)) {
            return -EINVAL;
        }
        ofs += ACTION_PAD(h.len);
    }
    return 0;
}

/* --------------------------------------------------------- header access */

static uint16_t load16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static uint32_t load32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static void store16(uint8_t *p, uint16_t v)
{
    memcpy(p, &v, sizeof v);
}

static void store32(uint8_t *p, uint32_t v)
{
    memcpy(p, &v, sizeof v);
}

/* Where the headers of a frame are, as far as they are in bounds. */
struct hdrs {
    uint32_t l3;          /* offset of the IP header */
    uint32_t l4;          /* offset of the L4 header; 0 when none */
    uint32_t l4_end;      /* end of the IP payload within the frame */
    uint16_t eth_type;    /* be16, after the VLAN tags */
    uint8_t proto;        /* L4 protocol when l4 != 0 */
};

#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1

static uint32_t min_u32(uint32_t a, uint32_t b)
{
    return a < b ? a : b;
}

static uint32_t max_u32(uint32_t a, uint32_t b)
{
    return a > b ? a : b;
}

/* The IP header of `p` and its L4 header from the offsets flow_key_extract
 * recorded (see packet.h; a packet that did not pass it is walked now).
 * False when the frame is not IP or its IP header is cut short. */
static bool get_hdrs(struct dp_packet *p, struct hdrs *h)
{
    memset(h, 0, sizeof *h);
    flow_key_set_offsets(p);
    h->eth_type = dp_packet_l3_type(p);
    uint32_t ip_end;
    if (h->eth_type == htons(ETH_TYPE_IP)) {
        const struct ipv4_header *ip = (const void *)
            dp_packet_l3(p, IPV4_HEADER_LEN);
        if (!ip || ipv4_version(ip) != 4
            || ipv4_header_len(ip) < IPV4_HEADER_LEN
            || p->len - p->l3_ofs < ipv4_header_len(ip)) {
            return false;
        }
        ip_end = p->l3_ofs + ntohs(ip->tot_len);
    } else if (h->eth_type == htons(ETH_TYPE_IPV6)) {
        const struct ipv6_header *ip = (const void *)
            dp_packet_l3(p, IPV6_HEADER_LEN);
        if (!ip || ipv6_version(ip) != 6) {
            return false;
        }
        ip_end = p->l3_ofs + IPV6_HEADER_LEN + ntohs(ip->payload_len);
    } else {
        return false;
    }
    h->l3 = p->l3_ofs;
    if (p->l4_ofs != DP_PACKET_OFS_NONE && p->l4_ofs <= p->len) {
        h->l4 = p->l4_ofs;
        h->l4_end = min_u32(p->len, max_u32(ip_end, h->l4));
        h->proto = p->l4_proto;
    }
    return true;
}

/* Offset of the L4 checksum field of `proto`, or 0 when it has none we
 * update incrementally; `is_udp` tells the zero-checksum rule applies. */
static uint32_t l4_csum_offset(const struct hdrs *h, uint32_t len,
                               bool *is_udp)
{
    *is_udp = false;
    if (!h->l4) {
        return 0;
    }
    uint32_t room = len - h->l4;
    if (h->proto == IP_PROTO_TCP && room >= TCP_HEADER_LEN) {
        return h->l4 + offsetof(struct tcp_header, csum);
    }
    if (h->proto == IP_PROTO_UDP && room >= UDP_HEADER_LEN) {
        *is_udp = true;
        return h->l4 + offsetof(struct udp_header, csum);
    }
    if (h->proto == IP_PROTO_ICMPV6 && room >= 4
        && h->eth_type == htons(ETH_TYPE_IPV6)) {
        return h->l4 + offsetof(struct icmp_header, csum);
    }
    return 0;
}

/* Updates the L4 checksum after a 32-bit word changed.  `pseudo` says the
 * word is part of the pseudo-header: with checksum offload pending
 * (NEEDS_CSUM) the field holds only the pseudo-header sum, uncomplemented,
 * so only pseudo-header changes touch it. */
static void l4_csum_replace32(struct dp_packet *p, const struct hdrs *h,
                              uint32_t old, uint32_t new, bool pseudo)
{
    uint8_t *d = dp_packet_data(p);
    bool is_udp;
    uint32_t ofs = l4_csum_offset(h, p->len, &is_udp);
    if (!ofs || old == new) {
        return;
    }
    uint16_t csum = load16(d + ofs);
    const struct packet_offload *o = &p->md.offload;
    if ((o->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) && o->csum_start == h->l4) {
        if (pseudo) {
            store16(d + ofs, ~csum_update32(~csum, old, new));
        }
        return;
    }
    if (is_udp && !csum) {
        return;         /* IPv4 UDP without a checksum stays without one */
    }
    csum = csum_update32(csum, old, new);
    store16(d + ofs, is_udp && !csum ? 0xffff : csum);
}

static uint32_t masked32(uint32_t old, uint32_t val, uint32_t mask)
{
    return (old & ~mask) | (val & mask);
}

static uint8_t masked8(uint8_t old, uint8_t val, uint8_t mask)
{
    return (old & ~mask) | (val & mask);
}

/* ------------------------------------------------------------ set actions */

static void set_eth(struct dp_packet *p, const struct dp_action_set_eth *s)
{
    if (p->len < ETH_HEADER_LEN) {
        return;
    }
    struct eth_header *eth = (void *)dp_packet_data(p);
    for (int i = 0; i < ETH_ADDR_LEN; i++) {
        eth->dst.ea[i] = masked8(eth->dst.ea[i], s->dst.ea[i],
                                 s->dst_mask.ea[i]);
        eth->src.ea[i] = masked8(eth->src.ea[i], s->src.ea[i],
                                 s->src_mask.ea[i]);
    }
}

/* Rewrites the 32-bit word at `ofs` of the IPv4 header, fixing both
 * checksums. */
static void set_ipv4_addr(struct dp_packet *p, const struct hdrs *h,
                          uint32_t ofs, uint32_t val, uint32_t mask)
{
    uint8_t *d = dp_packet_data(p);
    struct ipv4_header *ip = (void *)(d + h->l3);
    uint32_t old = load32(d + h->l3 + ofs);
    uint32_t new = masked32(old, val, mask);
    if (old == new) {
        return;
    }
    store32(d + h->l3 + ofs, new);
    ip->csum = csum_update32(ip->csum, old, new);
    l4_csum_replace32(p, h, old, new, true);
}

/* Rewrites byte `ofs` of the IPv4 header (tos or ttl) and the header
 * checksum. */
static void set_ipv4_byte(uint8_t *d, uint32_t ofs, uint8_t val,
                          uint8_t mask)
{
    struct ipv4_header *ip = (void *)d;
    uint32_t word = ofs & ~1u;
    uint16_t old = load16(d + word);
    d[ofs] = masked8(d[ofs], val, mask);
    ip->csum = csum_update16(ip->csum, old, load16(d + word));
}

static void set_ipv4(struct dp_packet *p, const struct dp_action_set_ipv4 *s)
{
    struct hdrs h;
    if (!get_hdrs(p, &h) || h.eth_type != htons(ETH_TYPE_IP)) {
        return;
    }
    set_ipv4_addr(p, &h, offsetof(struct ipv4_header, src), s->src,
                  s->src_mask);
    set_ipv4_addr(p, &h, offsetof(struct ipv4_header, dst), s->dst,
                  s->dst_mask);
    uint8_t *ip = dp_packet_data(p) + h.l3;
    if (s->tos_mask) {
        set_ipv4_byte(ip, offsetof(struct ipv4_header, tos), s->tos,
                      s->tos_mask);
    }
    if (s->ttl_mask) {
        set_ipv4_byte(ip, offsetof(struct ipv4_header, ttl), s->ttl,
                      s->ttl_mask);
    }
}

static void set_ipv6_addr(struct dp_packet *p, const struct hdrs *h,
                          uint32_t ofs, const uint8_t *val,
                          const uint8_t *mask)
{
    uint8_t *d = dp_packet_data(p) + h->l3 + ofs;
    for (int w = 0; w < 16; w += 4) {
        uint32_t old = load32(d + w);
        uint32_t new = masked32(old, load32(val + w), load32(mask + w));
        store32(d + w, new);
        l4_csum_replace32(p, h, old, new, true);
    }
}

static void set_ipv6(struct dp_packet *p, const struct dp_action_set_ipv6 *s)
{
    struct hdrs h;
    if (!get_hdrs(p, &h) || h.eth_type != htons(ETH_TYPE_IPV6)) {
        return;
    }
    set_ipv6_addr(p, &h, offsetof(struct ipv6_header, src), s->src,
                  s->src_mask);
    set_ipv6_addr(p, &h, offsetof(struct ipv6_header, dst), s->dst,
                  s->dst_mask);
    struct ipv6_header *ip = (void *)(dp_packet_data(p) + h.l3);
    /* version(4) | tclass(8) | label(20): no checksum covers them. */
    uint32_t vtl = ntohl(ip->vtc_flow);
    uint32_t tl_val = ((uint32_t)s->tclass << IPV6_TCLASS_SHIFT)
                      | ntohl(s->label);
    uint32_t tl_mask = ((uint32_t)s->tclass_mask << IPV6_TCLASS_SHIFT)
                       | ntohl(s->label_mask);
    ip->vtc_flow = htonl(masked32(vtl, tl_val, tl_mask & 0x0fffffff));
    ip->hlimit = masked8(ip->hlimit, s->hlimit, s->hlimit_mask);
}

/* CRC32c (Castagnoli), as SCTP uses it. */
static uint32_t crc32c(const uint8_t *d, size_t n)
{
    uint32_t crc = 0xffffffff;
    for (size_t i = 0; i < n; i++) {
        crc ^= d[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0x82f63b78 & -(crc & 1));
        }
    }
    return ~crc;
}

static void sctp_set_ports(struct dp_packet *p, const struct hdrs *h,
                           uint16_t src, uint16_t dst)
{
    if (h->l4_end - h->l4 < SCTP_HEADER_LEN) {
        return;
    }
    struct sctp_header *sh = (void *)(dp_packet_data(p) + h->l4);
    sh->src = src;
    sh->dst = dst;
    sh->csum = 0;
    uint32_t crc = crc32c((const uint8_t *)sh, h->l4_end - h->l4);
    uint8_t le[4];
    for (int i = 0; i < 4; i++) {       /* stored little-endian */
        le[i] = (uint8_t)(crc >> (8 * i));
    }
    memcpy(&sh->csum, le, sizeof le);
}

static void set_tp(struct dp_packet *p, const struct dp_action_set_tp *s)
{
    struct hdrs h;
    if (!get_hdrs(p, &h) || !h.l4 || p->len - h.l4 < 4) {
        return;
    }
    /* TCP, UDP and SCTP all start with the two ports. */
    struct udp_header *tp = (void *)(dp_packet_data(p) + h.l4);
    uint16_t src = (tp->src & ~s->src_mask) | (s->src & s->src_mask);
    uint16_t dst = (tp->dst & ~s->dst_mask) | (s->dst & s->dst_mask);
    if (h.proto == IP_PROTO_SCTP) {
        sctp_set_ports(p, &h, src, dst);
    } else if (h.proto == IP_PROTO_TCP || h.proto == IP_PROTO_UDP) {
        bool is_udp;
        if (!l4_csum_offset(&h, p->len, &is_udp)) {
            return;             /* header cut short: leave it alone */
        }
        uint32_t old_ports = load32((const uint8_t *)tp);
        tp->src = src;
        tp->dst = dst;
        l4_csum_replace32(p, &h, old_ports, load32((const uint8_t *)tp),
                          false);
    }
}

/* ------------------------------------------------------------------ VLANs */

static void offload_shift(struct packet_offload *o, int delta)
{
    if (o->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
        o->csum_start += delta;
    }
    if (o->gso_type && o->hdr_len) {
        o->hdr_len += delta;
    }
}

/* The tag goes between the addresses and the type: dp_packet_push moves
 * the header offsets by its 4 bytes, which is where L3 and L4 now are. */
static void push_vlan(struct dp_packet *p, const struct dp_action_push_vlan *v)
{
    if (p->len < ETH_HEADER_LEN || dp_packet_headroom(p) < VLAN_HEADER_LEN) {
        return;
    }
    uint8_t *d = dp_packet_push(p, VLAN_HEADER_LEN);
    memmove(d, d + VLAN_HEADER_LEN, 2 * ETH_ADDR_LEN);
    struct vlan_header *tag = (void *)(d + 2 * ETH_ADDR_LEN);
    tag->tpid = v->tpid;
    tag->tci = v->tci & ~htons(FLOW_VLAN_PRESENT);
    offload_shift(&p->md.offload, VLAN_HEADER_LEN);
}

/* dp_packet_pull moves the offsets back by the tag.  When the extraction
 * stopped at its tag limit (the type before L3 is still a TPID), one tag
 * fewer lets a new walk reach L3: the offsets are dropped for it. */
static void pop_vlan(struct dp_packet *p)
{
    uint8_t *d = dp_packet_data(p);
    if (p->len < ETH_HEADER_LEN + VLAN_HEADER_LEN) {
        return;
    }
    const struct eth_header *eth = (const void *)d;
    if (!eth_type_is_vlan(eth->type)) {
        return;
    }
    memmove(d + VLAN_HEADER_LEN, d, 2 * ETH_ADDR_LEN);
    dp_packet_pull(p, VLAN_HEADER_LEN);
    offload_shift(&p->md.offload, -VLAN_HEADER_LEN);
    if (p->ofs_valid && eth_type_is_vlan(dp_packet_l3_type(p))) {
        dp_packet_reset_offsets(p);
    }
}

/* ----------------------------------------------------- recursion, deferral */

/* A re-entry waiting for the outermost execution to return: its own copy
 * of the packet in a buffer the slot keeps. */
struct deferred {
    struct datapath *dp;
    struct dp_packet pkt;
    uint8_t *buf;
};

/* Per-thread state of the executor, allocated at the first re-entry. */
struct exec_thread {
    uint8_t *scratch[ACTIONS_DEFERRED_LEVEL];   /* re-entries run now */
    struct deferred fifo[ACTIONS_DEFERRED_MAX];
    unsigned head, count;
};

#define REENTRY_BUF_SIZE (PACKET_HEADROOM + PACKET_MAX_LEN)

static __thread int exec_level;
static __thread struct exec_thread *exec_thread;
static pthread_key_t exec_key;
static pthread_once_t exec_key_once = PTHREAD_ONCE_INIT;

static struct vlog_rate_limit recursion_rl = VLOG_RATE_LIMIT_INIT(5, 5);
static struct vlog_rate_limit deferred_rl = VLOG_RATE_LIMIT_INIT(5, 5);

static void exec_thread_free(void *arg)
{
    struct exec_thread *et = arg;
    for (int i = 0; i < ACTIONS_DEFERRED_LEVEL; i++) {
        free(et->scratch[i]);
    }
    for (int i = 0; i < ACTIONS_DEFERRED_MAX; i++) {
        free(et->fifo[i].buf);
    }
    free(et);
}

static void exec_key_create(void)
{
    pthread_key_create(&exec_key, exec_thread_free);
}

static struct exec_thread *get_exec_thread(void)
{
    if (!exec_thread) {
        pthread_once(&exec_key_once, exec_key_create);
        exec_thread = xcalloc(1, sizeof *exec_thread);
        pthread_setspecific(exec_key, exec_thread);
    }
    return exec_thread;
}

/* A buffer of REENTRY_BUF_SIZE kept in *slot, allocated on first use;
 * NULL without memory.  Not x* (lib/util.h): the first re-entry at this
 * depth on this thread allocates it, on the packet's way, and there the
 * answer to no memory is to drop that one packet (DP_DROP_NO_MEMORY). */
static uint8_t *reentry_buf(uint8_t **slot)
{
    if (!*slot) {
        *slot = malloc(REENTRY_BUF_SIZE);
    }
    return *slot;
}

/* Copies `p` into `buf` as a packet received on `in_port`, one pass
 * deeper. */
static void copy_for_reentry(struct dp_packet *copy, uint8_t *buf,
                             const struct dp_packet *p, uint32_t in_port)
{
    dp_packet_init(copy, buf, REENTRY_BUF_SIZE, PACKET_HEADROOM);
    memcpy(dp_packet_data(copy), dp_packet_data(p), p->len);
    copy->len = p->len;
    copy->md = p->md;
    copy->md.in_port = in_port;
    copy->md.depth = p->md.depth + 1;
    copy->md.recirc_id = 0;
    memset(&copy->md.tunnel, 0, sizeof copy->md.tunnel);
}

static void run_pass(struct datapath *dp, struct dp_packet *p)
{
    struct dp_packet_batch b;
    dp_packet_batch_init(&b);
    dp_packet_batch_add(&b, p);
    datapath_process_batch(dp, &b);
}

static void defer(struct datapath *dp, const struct dp_packet *p,
                  uint32_t in_port, struct exec_thread *et)
{
    if (et->count >= ACTIONS_DEFERRED_MAX) {
        VLOG_WARN_RL(&deferred_rl, "%s: deferred action limit reached, "
                     "drop", datapath_name(dp));
        datapath_count_recursion_drops(dp, in_port, DP_DROP_DEFERRED_FULL, 1);
        return;
    }
    struct deferred *d = &et->fifo[(et->head + et->count)
                                   % ACTIONS_DEFERRED_MAX];
    if (!reentry_buf(&d->buf)) {
        datapath_count_recursion_drops(dp, in_port, DP_DROP_NO_MEMORY, 1);
        return;
    }
    d->dp = dp;
    copy_for_reentry(&d->pkt, d->buf, p, in_port);
    et->count++;
}

/* Runs the queued re-entries in order; those they queue run too.  A slot
 * is freed only after its pass, so the pass may queue more. */
static void run_deferred(void)
{
    struct exec_thread *et = exec_thread;
    while (et && et->count) {
        struct deferred *d = &et->fifo[et->head];
        run_pass(d->dp, &d->pkt);
        et->head = (et->head + 1) % ACTIONS_DEFERRED_MAX;
        et->count--;
    }
}

void actions_reenter(struct datapath *dp, const struct dp_packet *p,
                     uint32_t in_port)
{
    if (p->md.depth >= ACTIONS_RECURSION_LIMIT || p->len > PACKET_MAX_LEN) {
        VLOG_WARN_RL(&recursion_rl, "%s: recursion limit reached, probable "
                     "configuration error", datapath_name(dp));
        datapath_count_recursion_drops(dp, in_port,
                                       p->len > PACKET_MAX_LEN
                                       ? DP_DROP_TOO_BIG : DP_DROP_RECURSION,
                                       1);
        return;
    }
    struct exec_thread *et = get_exec_thread();
    if (exec_level >= ACTIONS_DEFERRED_LEVEL) {
        defer(dp, p, in_port, et);
        return;
    }
    uint8_t *buf = reentry_buf(&et->scratch[exec_level]);
    if (!buf) {
        datapath_count_recursion_drops(dp, in_port, DP_DROP_NO_MEMORY, 1);
        return;
    }
    struct dp_packet copy;
    copy_for_reentry(&copy, buf, p, in_port);
    run_pass(dp, &copy);
    if (!exec_level) {
        run_deferred();     /* called outside any execution: we are outermost */
    }
}

/* --------------------------------------------------------------- executor */

static void userspace_all(struct datapath *dp, struct dp_packet_batch *b,
                          uint64_t userdata)
{
    for (uint32_t i = 0; i < b->count; i++) {
        struct flow_key key;
        flow_key_extract(b->pkts[i], &key);
        datapath_upcall(dp, UPCALL_ACTION, b->pkts[i], &key, userdata);
    }
}

static void set_tunnel_all(struct dp_packet_batch *b, const void *payload)
{
    for (uint32_t i = 0; i < b->count; i++) {
        memcpy(&b->pkts[i]->md.tunnel, payload, sizeof(struct flow_tnl));
    }
}

/* What the executors see: the datapath and batch they run on, and the
 * state one action leaves to the next. */
struct exec_ctx {
    struct datapath *dp;
    struct dp_packet_batch *batch;
    uint32_t trunc;             /* trunc's max_len for the next output */
    /* After a meter: the packets it let through (the caller's batch is
     * left as it was; `batch` points here). */
    struct dp_packet_batch metered;
};

/* The executors, one per action: each runs its action on the whole batch
 * and returns false to stop the list there. */

static bool execute_output(struct exec_ctx *x, const struct dp_action *a)
{
    uint32_t port_no;
    DP_ACTION_GET(a, &port_no);
    datapath_output_batch(x->dp, port_no, x->batch, x->trunc);
    x->trunc = 0;               /* as OVS: trunc cuts the next output */
    return true;
}

static bool execute_userspace(struct exec_ctx *x, const struct dp_action *a)
{
    uint64_t userdata;
    DP_ACTION_GET(a, &userdata);
    userspace_all(x->dp, x->batch, userdata);
    return true;
}

static bool execute_push_vlan(struct exec_ctx *x, const struct dp_action *a)
{
    struct dp_action_push_vlan pv;
    DP_ACTION_GET(a, &pv);
    for (uint32_t i = 0; i < x->batch->count; i++) {
        push_vlan(x->batch->pkts[i], &pv);
    }
    return true;
}

static bool execute_pop_vlan(struct exec_ctx *x, const struct dp_action *a)
{
    (void)a;
    for (uint32_t i = 0; i < x->batch->count; i++) {
        pop_vlan(x->batch->pkts[i]);
    }
    return true;
}

static bool execute_set_eth(struct exec_ctx *x, const struct dp_action *a)
{
    struct dp_action_set_eth s;
    DP_ACTION_GET(a, &s);
    for (uint32_t i = 0; i < x->batch->count; i++) {
        set_eth(x->batch->pkts[i], &s);
    }
    return true;
}

static bool execute_set_ipv4(struct exec_ctx *x, const struct dp_action *a)
{
    struct dp_action_set_ipv4 s;
    DP_ACTION_GET(a, &s);
    for (uint32_t i = 0; i < x->batch->count; i++) {
        set_ipv4(x->batch->pkts[i], &s);
    }
    return true;
}

static bool execute_set_ipv6(struct exec_ctx *x, const struct dp_action *a)
{
    struct dp_action_set_ipv6 s;
    DP_ACTION_GET(a, &s);
    for (uint32_t i = 0; i < x->batch->count; i++) {
        set_ipv6(x->batch->pkts[i], &s);
    }
    return true;
}

static bool execute_set_tp(struct exec_ctx *x, const struct dp_action *a)
{
    struct dp_action_set_tp s;
    DP_ACTION_GET(a, &s);
    for (uint32_t i = 0; i < x->batch->count; i++) {
        set_tp(x->batch->pkts[i], &s);
    }
    return true;
}

static bool execute_set_tunnel(struct exec_ctx *x, const struct dp_action *a)
{
    set_tunnel_all(x->batch, dp_action_payload(a));
    return true;
}

static bool execute_drop(struct exec_ctx *x, const struct dp_action *a)
{
    (void)x, (void)a;
    return false;
}

static bool execute_trunc(struct exec_ctx *x, const struct dp_action *a)
{
    DP_ACTION_GET(a, &x->trunc);
    return true;
}

/* The packets over the meter's rate leave the batch (counted at their
 * input ports as datapath_drop_meter); none left stops the list. */
static bool execute_meter(struct exec_ctx *x, const struct dp_action *a)
{
    uint32_t id;
    DP_ACTION_GET(a, &id);
    if (x->batch != &x->metered) {
        x->metered = *x->batch;
        x->batch = &x->metered;
    }
    struct dp_packet_batch dropped;
    dropped.count = 0;
    if (dp_meter_run(datapath_meters(x->dp), id, x->batch,
                     dp_meter_now_us(), &dropped)) {
        datapath_count_batch_drop(x->dp, &dropped, DP_DROP_METER);
    }
    return x->batch->count > 0;
}

/* Runs one action of a validated list; false when the list stops. */
static bool execute_one(struct exec_ctx *x, const struct dp_action *a)
{
    switch ((enum dp_action_type)a->type) {
#define EXECUTE(ENUM, NAME, PAYLOAD) \
    case DP_ACTION_##ENUM: return execute_##NAME(x, a);
    DP_ACTIONS(EXECUTE)
#undef EXECUTE
    case DP_ACTION_UNSPEC:
    case N_DP_ACTION_TYPES:
        break;
    }
    return true;                /* validation keeps other types out */
}

/* Runs the list over the batch, action by action, so each packet sees the
 * actions in order and each port gets the batch's packets in order. */
static void run_actions(struct datapath *dp, struct dp_packet_batch *b,
                        const void *acts, size_t len)
{
    struct exec_ctx x;
    x.dp = dp;
    x.batch = b;
    x.trunc = 0;
    DP_ACTION_FOR_EACH (a, acts, len) {
        if (!execute_one(&x, a)) {
            return;
        }
    }
}

/* True when the list drops every packet by design: empty, or "drop" (what
 * drop_action_of_pipeline counts, as OVS's explicit drop action). */
static inline bool is_drop(const void *acts, size_t len)
{
    return !len || ((const struct dp_action *)acts)->type == DP_ACTION_DROP;
}

void actions_execute(struct datapath *dp, struct dp_packet_batch *batch,
                     const struct flow_key *key, const void *acts,
                     size_t len)
{
    (void)key;      /* set actions parse each packet: a group's packets
                     * share a megaflow, not every header */
    int level = ++exec_level;
    if (level > ACTIONS_RECURSION_LIMIT) {
        VLOG_WARN_RL(&recursion_rl, "%s: recursion limit reached, probable "
                     "configuration error", datapath_name(dp));
        for (uint32_t i = 0; i < batch->count; i++) {
            datapath_count_recursion_drops(dp, batch->pkts[i]->md.in_port,
                                           DP_DROP_RECURSION, 1);
        }
    } else {
        if (is_drop(acts, len)) {
            datapath_count_batch_drop(dp, batch, DP_DROP_PIPELINE);
        }
        run_actions(dp, batch, acts, len);
        if (level == 1) {
            run_deferred();
        }
    }
    exec_level--;
}
