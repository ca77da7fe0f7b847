/* Datapath actions: a compact type-length-value list, its builder, printer
 * and parser, and the executor with the seed's recursion limit and deferred
 * actions.
 *
 * Wire layout: each action is a struct dp_action header followed by its
 * payload, the whole padded to a multiple of 8 bytes; `len` counts header and
 * payload (not the padding).  An empty list means drop. */
#ifndef VS_DP_ACTIONS_H
#define VS_DP_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp/flow_key.h"
#include "dp/packet.h"

struct datapath;

enum dp_action_type {
    DP_ACTION_OUTPUT = 1,   /* uint32_t port_no */
    DP_ACTION_USERSPACE,    /* uint64_t userdata: upcall ACTION to slow path */
    DP_ACTION_PUSH_VLAN,    /* struct dp_action_push_vlan */
    DP_ACTION_POP_VLAN,     /* no payload */
    DP_ACTION_SET_ETH,      /* struct dp_action_set_eth */
    DP_ACTION_SET_IPV4,     /* struct dp_action_set_ipv4 */
    DP_ACTION_SET_IPV6,     /* struct dp_action_set_ipv6 */
    DP_ACTION_SET_TP,       /* struct dp_action_set_tp (TCP, UDP or SCTP) */
    DP_ACTION_SET_TUNNEL,   /* struct flow_tnl: metadata for a tunnel output */
    DP_ACTION_DROP,         /* no payload: stop, the packet is dropped */
    DP_ACTION_TRUNC,        /* uint32_t max_len: cut the next outputs */
};

struct dp_action {
    uint16_t len;
    uint16_t type;          /* enum dp_action_type */
};

#define DP_ACTION_ALIGN 8

struct dp_action_push_vlan {
    uint16_t tpid;          /* be16 */
    uint16_t tci;           /* be16, without FLOW_VLAN_PRESENT */
};

/* The set actions carry value and mask: only masked bits change. */
struct dp_action_set_eth {
    struct eth_addr src, dst;
    struct eth_addr src_mask, dst_mask;
};

struct dp_action_set_ipv4 {
    uint32_t src, dst;        /* be32 */
    uint32_t src_mask, dst_mask;
    uint8_t tos, ttl, tos_mask, ttl_mask;
};

struct dp_action_set_ipv6 {
    uint8_t src[16], dst[16];
    uint8_t src_mask[16], dst_mask[16];
    uint32_t label, label_mask;   /* be32, low 20 bits */
    uint8_t tclass, hlimit, tclass_mask, hlimit_mask;
};

struct dp_action_set_tp {
    uint16_t src, dst;        /* be16 */
    uint16_t src_mask, dst_mask;
};

/* Builder: appends to a fixed buffer; `overflow` is set (and the list left
 * as it was) when an action does not fit. */
#define ACTION_BUF_SIZE 4096

struct action_buf {
    size_t len;
    bool overflow;
    uint8_t data[ACTION_BUF_SIZE] __attribute__((aligned(8)));
};

void action_buf_init(struct action_buf *b);

/* Appends one action of `type` with `payload_len` bytes of payload. */
void action_put(struct action_buf *b, enum dp_action_type type,
                const void *payload, size_t payload_len);
void action_put_output(struct action_buf *b, uint32_t port_no);
void action_put_userspace(struct action_buf *b, uint64_t userdata);
void action_put_push_vlan(struct action_buf *b, uint16_t tpid_be,
                          uint16_t tci_be);
void action_put_pop_vlan(struct action_buf *b);
void action_put_drop(struct action_buf *b);

/* Iterates: `a` walks the actions in (acts, len). */
#define DP_ACTION_FOR_EACH(A, ACTS, LEN)                                     \
    for (const struct dp_action *A = (const struct dp_action *)(ACTS);      \
         (const uint8_t *)A + sizeof *A <= (const uint8_t *)(ACTS) + (LEN) \
         && A->len >= sizeof *A;                                             \
         A = (const struct dp_action *)((const uint8_t *)A                  \
             + ((A->len + DP_ACTION_ALIGN - 1) & ~(DP_ACTION_ALIGN - 1))))

static inline const void *dp_action_payload(const struct dp_action *a)
{
    return a + 1;
}

/* 0 when (acts, len) is a well-formed list whose payload sizes match their
 * types; -EINVAL otherwise. */
int actions_validate(const void *acts, size_t len);

/* Prints the list as OVS prints datapath actions: "2,1", "drop",
 * "push_vlan(vid=10,pcp=0),3", "pop_vlan", "set(eth(src=..,dst=..))",
 * "set(ipv4(src=..,dst=..))", "set(tcp(src=..,dst=..))",
 * "set(tunnel(tun_id=0x5,dst=..,ttl=64,flags(df|key)))",
 * "userspace(userdata=..)", "trunc(100)".  snprintf semantics. */
int actions_format(const void *acts, size_t len, char *buf, size_t size);

/* Parses what actions_format prints.  0, or -1 with a message in `err`. */
int actions_parse(const char *s, struct action_buf *b, char *err,
                  size_t errlen);

/* The seed's limits: a packet's datapath passes may nest this deep (patch
 * ports re-enter the datapath); past it the packet is dropped with a
 * rate-limited "recursion limit reached, probable configuration error" log.
 * From ACTIONS_DEFERRED_LEVEL on, a re-entry is queued instead of run on the
 * stack, and the queue (ACTIONS_DEFERRED_MAX entries per thread) runs when
 * the outermost execution returns. */
#define ACTIONS_RECURSION_LIMIT 4
#define ACTIONS_DEFERRED_LEVEL 2
#define ACTIONS_DEFERRED_MAX 10

/* Runs `acts` on every packet of `batch`; all of them matched `key`.  The
 * packets stay the caller's (ports copy what they send).  A list that is
 * empty or starts with drop counts them as drop_action_of_pipeline. */
void actions_execute(struct datapath *dp, struct dp_packet_batch *batch,
                     const struct flow_key *key, const void *acts,
                     size_t len);

/* Sends a copy of `p` through `dp` again as if received on `in_port`, one
 * level deeper (patch ports).  Runs now, or deferred, or drops at the
 * recursion limit (counted in the datapath's n_recursion_drops and as
 * drop_action_recursion_too_deep at `in_port`). */
void actions_reenter(struct datapath *dp, const struct dp_packet *p,
                     uint32_t in_port);

#endif
