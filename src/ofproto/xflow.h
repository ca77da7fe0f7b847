/* The slow path's view of a packet ("xflow"): the datapath flow key plus
 * the fields that exist only while a packet is translated (OpenFlow in_port,
 * metadata, registers), and the table of named fields over it that matches,
 * set_field, load and move address.
 *
 * A field's value is handled as an unsigned 128-bit number (`mf_value`):
 * header fields are read from network byte order, slow-path fields from host
 * order; bit 0 is the least significant bit, as in OVS's [a..b] syntax. */
#ifndef VS_OFPROTO_XFLOW_H
#define VS_OFPROTO_XFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp/flow_key.h"
#include "lib/dstr.h"

#define XFLOW_N_REGS 8

struct xflow {
    struct flow_key key;     /* key.in_port is the datapath port */
    uint64_t metadata;       /* host order */
    uint32_t in_port;        /* OpenFlow port, host order */
    uint32_t regs[XFLOW_N_REGS];
    uint32_t pad;
};

_Static_assert(sizeof(struct xflow) % 8 == 0, "xflow is u64 words");

typedef unsigned __int128 mf_value;

/* What a field needs of the packet before it means anything. */
enum mf_prereq {
    MFP_NONE,
    MFP_ARP,        /* dl_type 0x0806 or 0x8035 */
    MFP_IPV4,
    MFP_IPV6,
    MFP_IP_ANY,
    MFP_IPV4_ARP,   /* nw_src, nw_dst: IPv4 or ARP */
    MFP_IP_ARP,     /* nw_proto: IPv4, IPv6 or ARP */
    MFP_L4,         /* TCP, UDP or SCTP over IPv4/IPv6 */
    MFP_TCP,
    MFP_UDP,
    MFP_SCTP,
    MFP_ICMPV4,
    MFP_ICMPV6,
};

/* How a field's value is written in flows. */
enum mf_format {
    MFF_DEC,
    MFF_HEX,
    MFF_ETH,
    MFF_IPV4,
    MFF_IPV6,
    MFF_PORT,      /* OpenFlow port: number or LOCAL, IN_PORT, ... */
    MFF_FRAG,      /* no, yes, first, later, not_later */
    MFF_TCP_FLAGS, /* +syn-ack or hex */
};

struct mf_field {
    const char *name;      /* match and set_field name ("nw_src") */
    const char *nxm_name;  /* load/move name ("NXM_OF_IP_SRC") */
    uint16_t ofs;          /* byte offset of the storage in struct xflow */
    uint8_t n_bytes;       /* storage size */
    uint8_t shift;         /* value = (storage >> shift) & width mask */
    uint8_t n_bits;        /* width of the value */
    bool host_order;       /* storage in host byte order */
    bool maskable;         /* accepts value/mask in matches */
    bool writable;         /* set_field, load and move may write it */
    enum mf_format format;
    enum mf_prereq prereq;
};

/* The field called `name` (match name, set_field alias or NXM/OXM name),
 * or NULL. */
const struct mf_field *mf_from_name(const char *name);

/* Every field, for tests: *n receives the count. */
const struct mf_field *mf_all(size_t *n);

/* All-ones value of the field's width. */
mf_value mf_width_mask(const struct mf_field *f);

/* Reads the field's value out of `x`. */
mf_value mf_get(const struct mf_field *f, const struct xflow *x);

/* Writes the bits of `value` selected by `mask` (both of the field's width)
 * into `x`, leaving the other bits alone. */
void mf_set_masked(const struct mf_field *f, struct xflow *x, mf_value value,
                   mf_value mask);

/* True when `x` (whose `wc` bits are known) satisfies `prereq`;
 * un-wildcards in `wc` (when not NULL) the fields it looked at. */
bool mf_prereq_ok(enum mf_prereq prereq, const struct xflow *x,
                  struct xflow *wc);

/* True when the match (value, mask) pins down enough to satisfy `prereq`:
 * the dl_type (and nw_proto) it needs are matched exactly. */
bool mf_prereq_matched(enum mf_prereq prereq, const struct xflow *value,
                       const struct xflow *mask);

/* Parses a value of field `f` ("10.0.0.0/8", "0x10/0xf0", "aa:bb:..",
 * "LOCAL", "first"...).  Without a "/mask" *mask is all ones.  Returns 0, or
 * -1 with an OVS-worded message in `err`. */
int mf_parse_value(const struct mf_field *f, const char *s, mf_value *value,
                   mf_value *mask, char *err, size_t errlen);

/* Appends "value" or "value/mask" of `f` as OVS prints it (no "/mask"
 * when the mask is all ones). */
void mf_format_value(const struct mf_field *f, mf_value value, mf_value mask,
                     struct dstr *out);

/* Formats a port number as OVS does ("3", "LOCAL", "NORMAL"...). */
void ofp_port_format(uint32_t port, char *buf, size_t size);

/* Parses a port ("3", "LOCAL", "IN_PORT"...); false when it is none. */
bool ofp_port_parse(const char *s, uint32_t *port);

/* xflow helpers: OR of masks, and (a & m) == (b & m). */
void xflow_or(struct xflow *dst, const struct xflow *src);
bool xflow_equal_masked(const struct xflow *a, const struct xflow *b,
                        const struct xflow *mask);
bool xflow_is_zero(const struct xflow *x);

#endif
