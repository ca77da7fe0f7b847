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
#include <string.h>

#include "dp/flow_key.h"
#include "dp/packet.h"

struct datapath;

/* The list of datapath actions.  The enum, dp_action_kind(), validation,
 * the executor, the printer and the parser are all expanded from it, so an
 * entry cannot be half added: each entry's functions are named from it, and
 * a missing one is an undeclared identifier, a stray one an unused static
 * function (the build fails either way).  Columns:
 *   ENUM     the type is DP_ACTION_<ENUM>, valued by its place from 1 (the
 *            values are what lists hold: append, never reorder);
 *   name     its dp_action_name(), and the suffix of its functions;
 *   payload  DP_PAYLOAD(type) for a fixed payload, DP_PAYLOAD_NONE, or
 *            DP_PAYLOAD_RANGE(min, max) in bytes for a variable one (its
 *            functions read the size with dp_action_payload_len()).
 * The actions: output sends the batch to port_no; userspace upcalls ACTION
 * with userdata to the slow path; push_vlan and pop_vlan add and remove the
 * outer tag; set_eth, set_ipv4, set_ipv6 and set_tp (TCP, UDP or SCTP
 * ports) rewrite the masked bits of a header; set_tunnel sets the metadata
 * for a tunnel output; drop stops the list (the packets are dropped); trunc
 * cuts the next output to max_len bytes; meter runs the batch through a
 * datapath meter (dp/meter.h): packets over its rate are dropped (counted
 * as datapath_drop_meter) or remarked, the rest go on.
 * To add an action, one step a line:
 *   1. here: its payload struct, and X(ENUM, name, payload) at the end;
 *   2. actions.c: check_<name>(a), what the payload may hold beyond its size;
 *   3. actions.c: execute_<name>(x, a), runs it on x->batch, false stops;
 *   4. actions_text.c: format_<name>(o, a), OVS's text form of it;
 *   5. actions_text.c: parse_<name>(ps, s, b), NOT_MINE unless s is its form;
 *   6. here and in actions.c: an action_put_<name> builder if xlate needs one;
 *   7. tests/unit/test_actions.c: its text in samples[] (the test walking
 *      the list fails without one) and a test of what it does to packets. */
#define DP_ACTIONS(X)                                                      \
    X(OUTPUT,     output,     DP_PAYLOAD(uint32_t))     /* port_no */      \
    X(USERSPACE,  userspace,  DP_PAYLOAD(uint64_t))     /* userdata */     \
    X(PUSH_VLAN,  push_vlan,  DP_PAYLOAD(struct dp_action_push_vlan))     \
    X(POP_VLAN,   pop_vlan,   DP_PAYLOAD_NONE)                             \
    X(SET_ETH,    set_eth,    DP_PAYLOAD(struct dp_action_set_eth))       \
    X(SET_IPV4,   set_ipv4,   DP_PAYLOAD(struct dp_action_set_ipv4))      \
    X(SET_IPV6,   set_ipv6,   DP_PAYLOAD(struct dp_action_set_ipv6))      \
    X(SET_TP,     set_tp,     DP_PAYLOAD(struct dp_action_set_tp))        \
    X(SET_TUNNEL, set_tunnel, DP_PAYLOAD(struct flow_tnl))                 \
    X(DROP,       drop,       DP_PAYLOAD_NONE)                             \
    X(TRUNC,      trunc,      DP_PAYLOAD(uint32_t))     /* max_len */     \
    /* meters */                                                           \
    X(METER,      meter,      DP_PAYLOAD(uint32_t))     /* meter id */

/* The payload column's forms; each is a (min, max) pair in bytes, which
 * DP_PAYLOAD_MIN and DP_PAYLOAD_MAX take apart. */
#define DP_PAYLOAD(TYPE) (sizeof(TYPE), sizeof(TYPE))
#define DP_PAYLOAD_NONE (0, 0)
#define DP_PAYLOAD_RANGE(MIN, MAX) (MIN, MAX)
#define DP_PAYLOAD_MIN(PAYLOAD) DP_PAYLOAD_FIRST_ PAYLOAD
#define DP_PAYLOAD_MAX(PAYLOAD) DP_PAYLOAD_SECOND_ PAYLOAD
#define DP_PAYLOAD_FIRST_(MIN, MAX) (MIN)
#define DP_PAYLOAD_SECOND_(MIN, MAX) (MAX)

enum dp_action_type {
    DP_ACTION_UNSPEC,       /* type 0 is no action: validation refuses it */
#define DP_ACTION_ENUM_(ENUM, NAME, PAYLOAD) DP_ACTION_##ENUM,
    DP_ACTIONS(DP_ACTION_ENUM_)
#undef DP_ACTION_ENUM_
    N_DP_ACTION_TYPES       /* one past the last type */
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
void action_put_meter(struct action_buf *b, uint32_t meter_id);

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

/* The payload's size in bytes (`len` counts the header too). */
static inline size_t dp_action_payload_len(const struct dp_action *a)
{
    return a->len - sizeof *a;
}

/* Copies the payload of `A` into *DST, sizeof *DST bytes: a payload need
 * not be aligned (see actions.c), and a validated one is that long. */
#define DP_ACTION_GET(A, DST) \
    memcpy((DST), dp_action_payload(A), sizeof *(DST))

/* What the list says of one type. */
struct dp_action_kind {
    const char *name;               /* "output", "set_ipv4", ... */
    uint16_t min_payload, max_payload;  /* bytes; equal when fixed */
};

/* The list's entry for `type`, or NULL when `type` is no action. */
const struct dp_action_kind *dp_action_kind(uint16_t type);

/* The name of `type` ("output", "set_ipv4", ...), or NULL when unknown. */
const char *dp_action_name(uint16_t type);

/* 0 when (acts, len) is a well-formed list whose payload sizes match their
 * types; -EINVAL otherwise. */
int actions_validate(const void *acts, size_t len);

/* Prints the list as OVS prints datapath actions: "2,1", "drop",
 * "push_vlan(vid=10,pcp=0),3", "pop_vlan", "set(eth(src=..,dst=..))",
 * "set(ipv4(src=..,dst=..))", "set(tcp(src=..,dst=..))",
 * "set(tunnel(tun_id=0x5,dst=..,ttl=64,flags(df|key)))",
 * "userspace(userdata=..)", "trunc(100)", "meter(0)".  snprintf semantics. */
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
