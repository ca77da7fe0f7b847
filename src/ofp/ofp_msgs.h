/* OpenFlow messages on the wire, 1.0 (with the Nicira extensions), 1.3, 1.4
 * and 1.5: framing, the version-neutral message kinds, and the decoded form
 * of each message with its encoder and decoder.
 *
 * The codec knows nothing of bridges: a decoder turns bytes into the structs
 * below (matches and actions in the model of ofp_parse.h / ofp_actions.h),
 * an encoder turns them back into bytes for one version.  Decoders take
 * bytes from outside: they check every length, never read past what arrived,
 * and fail with a negative `enum ofperr` (ofp_errors.h), which the caller
 * sends back as an OFPT_ERROR.  Decoded structs may point into the message
 * they came from (`packet`, `body`): they live as long as its bytes.
 *
 * Matches and actions in decoded structs are malloc'd where the struct says
 * so; each struct with such members has a _free function. */
#ifndef VS_OFP_OFP_MSGS_H
#define VS_OFP_OFP_MSGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp/ofp_errors.h"
#include "ofp/ofp_parse.h"
#include "ofp/ofpbuf.h"

/* Versions as the header's version byte says them. */
enum ofp_version {
    OFP10_VERSION = 0x01,
    OFP11_VERSION = 0x02,
    OFP12_VERSION = 0x03,
    OFP13_VERSION = 0x04,
    OFP14_VERSION = 0x05,
    OFP15_VERSION = 0x06,
};

/* The versions vswitch speaks, as a hello version bitmap (bit N = version
 * N): 1.0, 1.3, 1.4, 1.5. */
#define OFP_SUPPORTED_VERSIONS                                               \
    ((1u << OFP10_VERSION) | (1u << OFP13_VERSION) | (1u << OFP14_VERSION)   \
     | (1u << OFP15_VERSION))

#define OFP_HEADER_LEN 8
#define OFP_MAX_MSG_LEN 65535
#define OFP_TCP_PORT 6653
#ifndef NX_VENDOR_ID
#define NX_VENDOR_ID 0x00002320u   /* also in actions_wire.h */
#endif
#define ONF_VENDOR_ID 0x4f4e4600u
#define OFP_NO_BUFFER 0xffffffffu
#define OFPG_ANY 0xffffffffu
#define OFPTT_ALL 0xff

/* The version-neutral kinds of message.  A kind may have several encodings
 * (OFPT10_FLOW_MOD, OFPT11_FLOW_MOD and NXT_FLOW_MOD are all FLOW_MOD);
 * struct ofp_msg says which one arrived. */
#define OFPTYPES                                                             \
    T(HELLO) T(ERROR) T(ECHO_REQUEST) T(ECHO_REPLY)                          \
    T(FEATURES_REQUEST) T(FEATURES_REPLY)                                    \
    T(GET_CONFIG_REQUEST) T(GET_CONFIG_REPLY) T(SET_CONFIG)                  \
    T(PACKET_IN) T(FLOW_REMOVED) T(PORT_STATUS) T(PACKET_OUT) T(FLOW_MOD)    \
    T(GROUP_MOD) T(PORT_MOD) T(TABLE_MOD) T(METER_MOD)                       \
    T(BARRIER_REQUEST) T(BARRIER_REPLY)                                      \
    T(QUEUE_GET_CONFIG_REQUEST) T(QUEUE_GET_CONFIG_REPLY)                    \
    T(ROLE_REQUEST) T(ROLE_REPLY) T(ROLE_STATUS)                             \
    T(GET_ASYNC_REQUEST) T(GET_ASYNC_REPLY) T(SET_ASYNC_CONFIG)              \
    T(TABLE_STATUS) T(REQUESTFORWARD)                                        \
    T(BUNDLE_CONTROL) T(BUNDLE_ADD_MESSAGE)                                  \
    /* Multipart (stats). */                                                 \
    T(DESC_STATS_REQUEST) T(DESC_STATS_REPLY)                                \
    T(FLOW_STATS_REQUEST) T(FLOW_STATS_REPLY)                                \
    T(AGGREGATE_STATS_REQUEST) T(AGGREGATE_STATS_REPLY)                      \
    T(TABLE_STATS_REQUEST) T(TABLE_STATS_REPLY)                              \
    T(PORT_STATS_REQUEST) T(PORT_STATS_REPLY)                                \
    T(QUEUE_STATS_REQUEST) T(QUEUE_STATS_REPLY)                              \
    T(GROUP_STATS_REQUEST) T(GROUP_STATS_REPLY)                              \
    T(GROUP_DESC_STATS_REQUEST) T(GROUP_DESC_STATS_REPLY)                    \
    T(GROUP_FEATURES_STATS_REQUEST) T(GROUP_FEATURES_STATS_REPLY)            \
    T(METER_STATS_REQUEST) T(METER_STATS_REPLY)                              \
    T(METER_CONFIG_STATS_REQUEST) T(METER_CONFIG_STATS_REPLY)                \
    T(METER_FEATURES_STATS_REQUEST) T(METER_FEATURES_STATS_REPLY)            \
    T(TABLE_FEATURES_STATS_REQUEST) T(TABLE_FEATURES_STATS_REPLY)            \
    T(TABLE_DESC_REQUEST) T(TABLE_DESC_REPLY)                                \
    T(PORT_DESC_STATS_REQUEST) T(PORT_DESC_STATS_REPLY)                      \
    T(QUEUE_DESC_STATS_REQUEST) T(QUEUE_DESC_STATS_REPLY)                    \
    T(FLOW_MONITOR_STATS_REQUEST) T(FLOW_MONITOR_STATS_REPLY)                \
    /* Nicira extensions. */                                                 \
    T(NXT_SET_FLOW_FORMAT) T(NXT_FLOW_MOD_TABLE_ID)                          \
    T(NXT_SET_PACKET_IN_FORMAT) T(NXT_FLOW_AGE) T(NXT_SET_CONTROLLER_ID)     \
    T(NXT_TLV_TABLE_MOD) T(NXT_TLV_TABLE_REQUEST) T(NXT_TLV_TABLE_REPLY)     \
    T(NXT_RESUME) T(NXT_CT_FLUSH_ZONE) T(NXT_CT_FLUSH)                       \
    T(NXT_FLOW_MONITOR_CANCEL) T(NXT_FLOW_MONITOR_PAUSED)                    \
    T(NXT_FLOW_MONITOR_RESUMED)                                              \
    T(NXST_IPFIX_BRIDGE_REQUEST) T(NXST_IPFIX_BRIDGE_REPLY)                  \
    T(NXST_IPFIX_FLOW_REQUEST) T(NXST_IPFIX_FLOW_REPLY)

enum ofptype {
#define T(NAME) OFPTYPE_##NAME,
    OFPTYPES
#undef T
    OFPTYPE_N
};

/* "FLOW_MOD", "PORT_STATS_REQUEST"... for logs. */
const char *ofptype_name(enum ofptype type);

/* Which encoding of a kind arrived (several kinds have a standard and a
 * Nicira one, and OpenFlow 1.3 has ONF-experimenter forms of 1.4's
 * bundles). */
enum ofp_family {
    OFPF_STD,     /* OFPT_* / OFPST_* */
    OFPF_NX,      /* NXT_* / NXST_* (vendor 0x2320) */
    OFPF_ONF,     /* ONFT_* / ONFST_* (vendor 0x4f4e4600) */
};

/* One message as it arrived, framed and identified. */
struct ofp_msg {
    uint8_t version;
    enum ofptype type;
    enum ofp_family family;
    uint8_t wire_type;          /* the header's type byte */
    uint32_t subtype;           /* vendor subtype, when family != STD */
    uint32_t xid;
    uint16_t mp_flags;          /* multipart: OFPMPF_*_MORE (bit 0) */
    const uint8_t *data;        /* the whole message */
    size_t len;
    const uint8_t *body;        /* after the header(s): ofp_header, vendor
                                 * header, multipart header */
    size_t body_len;
};

#define OFPMPF_MORE 0x0001

/* Frames one message: `len` must be at least the header's length field,
 * which must be >= 8; checks version (any of 1..6: negotiation is the
 * connection's business) and identifies the kind.  0, or -OFPERR_... :
 * OFPBRC_BAD_LEN (also: a body of the wrong length for its kind, checked
 * as OVS does), OFPBRC_BAD_VERSION (version 0 or > 6), and, as OVS for a
 * message it has no row for (including a kind that version lacks),
 * OFPBRC_BAD_TYPE, OFPBRC_BAD_STAT (multipart), OFPBRC_BAD_VENDOR (vendor
 * not NX/ONF), OFPBRC_BAD_SUBTYPE (vendor subtype). */
int ofp_msg_decode(const void *data, size_t len, struct ofp_msg *msg);

/* Whether `version` has kind `type` in `family` (ofp_msg_start would not
 * abort). */
bool ofp_msg_exists(uint8_t version, enum ofptype type,
                    enum ofp_family family);

/* Starts a message of kind `type` in `family` for `version` in `b`
 * (appending: several messages may share one buffer), writing the
 * header(s) with a length to be fixed by ofp_msg_finish.  Returns the
 * offset where it starts.  Aborts on a kind the family/version lacks (a
 * caller bug, not outside input). */
size_t ofp_msg_start(struct ofpbuf *b, uint8_t version, enum ofptype type,
                     enum ofp_family family, uint32_t xid);
/* The same for a kind with several vendor encodings, picking the one with
 * vendor subtype `subtype` (NXT_PACKET_IN2 = 30 rather than NXT_PACKET_IN
 * = 17; NXT_SET_ASYNC_CONFIG2 = 27 rather than 19). */
size_t ofp_msg_start_sub(struct ofpbuf *b, uint8_t version, enum ofptype type,
                         enum ofp_family family, uint32_t subtype,
                         uint32_t xid);
/* Pads the body to 8 bytes where the message wants it and writes the
 * length of the message that started at `start`. */
void ofp_msg_finish(struct ofpbuf *b, size_t start);
/* Starts the reply to request `req` (same version, family and xid; for
 * multipart, the reply kind of the request's kind). */
size_t ofp_msg_start_reply(struct ofpbuf *b, const struct ofp_msg *req,
                           enum ofptype reply_type);

/* Multipart replies that may not fit one 64 KiB message: each entry is
 * added whole, and a message that would pass OFP_MAX_MSG_LEN is finished
 * with OFPMPF_MORE and a new one started. */
struct ofp_mp_reply {
    struct ofpbuf *b;
    const struct ofp_msg *req;
    size_t start;               /* of the message being filled */
    size_t entry;               /* of the entry being added */
};
void ofp_mp_reply_init(struct ofp_mp_reply *r, struct ofpbuf *b,
                       const struct ofp_msg *req);
/* Call before appending one entry's bytes to r->b ... */
void ofp_mp_entry_start(struct ofp_mp_reply *r);
/* ... and after: moves the entry into a new message when it overflowed. */
void ofp_mp_entry_end(struct ofp_mp_reply *r);
/* Finishes the last message (without MORE). */
void ofp_mp_reply_finish(struct ofp_mp_reply *r);

/* ---- Hello, echo, errors ---- */

/* A hello for `versions` (bitmap, bit N = version N): header version is the
 * highest, with a version-bitmap element when more than one is offered. */
void ofp_encode_hello(struct ofpbuf *b, uint32_t versions, uint32_t xid);
/* The versions a received hello offers: its bitmap element if any, else
 * every version up to its header's. */
uint32_t ofp_decode_hello(const struct ofp_msg *msg);
/* The version both sides speak (highest common), or 0 for none. */
uint8_t ofp_negotiate(uint32_t ours, uint32_t theirs);

/* An OFPT_ERROR for `error` (in `version`'s type/code, or as Nicira
 * extension error where that version has none), carrying up to 64 bytes of
 * the offending message (`data`, `len`; may be NULL/0). */
void ofp_encode_error(struct ofpbuf *b, uint8_t version, enum ofperr error,
                      uint32_t xid, const void *data, size_t len);
/* The same with an ASCII `text` as the data, whole (as OVS's hello
 * failure, OFPHFC_INCOMPATIBLE: "We support versions 0x01, 0x04 to 0x06,
 * peer supports version 0x02"). */
void ofp_encode_error_text(struct ofpbuf *b, uint8_t version,
                           enum ofperr error, uint32_t xid, const char *text);
struct ofp_error_msg {
    uint16_t type, code;        /* as on the wire */
    enum ofperr error;          /* OFPERR_NONE when unknown */
    const uint8_t *data;        /* the offending message's start */
    size_t len;
};
int ofp_decode_error(const struct ofp_msg *msg, struct ofp_error_msg *e);

/* An echo request or reply carrying `len` bytes of `data`. */
void ofp_encode_echo(struct ofpbuf *b, uint8_t version, bool reply,
                     uint32_t xid, const void *data, size_t len);

/* Requests that have no body (features, get_config, barrier, desc, table
 * stats, port desc (OF1.5's, which has one, is made for all ports),
 * get_async, tlv table request ...). */
void ofp_encode_simple(struct ofpbuf *b, uint8_t version, enum ofptype type,
                       enum ofp_family family, uint32_t xid);

/* ---- Switch features, config, ports ---- */

#define OFP_MAX_PORT_NAME_LEN 16

/* A port as features replies, port_status and port desc carry it. */
struct ofp_phy_port {
    uint32_t port_no;           /* vswitch numbering (ofp_port.h) */
    uint8_t hw_addr[6];
    char name[OFP_MAX_PORT_NAME_LEN];   /* NUL-terminated */
    uint32_t config;            /* OFPPC_*: PORT_DOWN 1, NO_RECV 4,
                                 * NO_FWD 32, NO_PACKET_IN 64 (OF1.0 also
                                 * NO_STP 2, NO_RECV_STP 8, NO_FLOOD 16) */
    uint32_t state;             /* OFPPS_LINK_DOWN 1, BLOCKED 2, LIVE 4 */
    uint32_t curr, advertised, supported, peer;  /* OF1.3 OFPPF_* bits */
    uint32_t curr_speed, max_speed;              /* kb/s */
};

#define OFPPC_PORT_DOWN 0x01
#define OFPPC_NO_RECV 0x04
#define OFPPC_NO_FWD 0x20
#define OFPPC_NO_PACKET_IN 0x40
#define OFPPC10_NO_FLOOD 0x10
#define OFPPS_LINK_DOWN 0x01
#define OFPPS_LIVE 0x04

struct ofp_features {
    uint64_t datapath_id;
    uint32_t n_buffers;
    uint8_t n_tables;
    uint8_t auxiliary_id;
    uint32_t capabilities;      /* OFPC_*: FLOW_STATS 1, TABLE_STATS 2,
                                 * PORT_STATS 4, ... */
    uint32_t actions;           /* OF1.0 only: OFPAT10 bitmap */
    struct ofp_phy_port *ports; /* OF1.0 carries them here; malloc'd */
    size_t n_ports;
};
/* OF1.0 puts `ports` in the reply; later versions leave them out. */
void ofp_encode_features_reply(struct ofpbuf *b, const struct ofp_msg *req,
                               const struct ofp_features *f);
int ofp_decode_features_reply(const struct ofp_msg *msg,
                              struct ofp_features *f);
void ofp_features_free(struct ofp_features *f);

struct ofp_switch_config {
    uint16_t flags;             /* OFPC_FRAG_*: 0 normal, 1 drop, 2 reasm */
    uint16_t miss_send_len;
};
void ofp_encode_switch_config(struct ofpbuf *b, uint8_t version,
                              enum ofptype type /* GET_CONFIG_REPLY or
                                                 * SET_CONFIG */,
                              uint32_t xid, const struct ofp_switch_config *c);
int ofp_decode_switch_config(const struct ofp_msg *msg,
                             struct ofp_switch_config *c);

/* One port in the wire form of `version` (OF1.0 phy_port, OF1.1-1.3 port,
 * OF1.4+ port with an ethernet property): for port desc replies. */
void ofp_put_phy_port(struct ofpbuf *b, uint8_t version,
                      const struct ofp_phy_port *p);
/* Reads one port in `version`'s form from the cursor. */
int ofp_pull_phy_port(struct ofpcur *c, uint8_t version,
                      struct ofp_phy_port *p);

enum ofp_port_reason { OFPPR_ADD, OFPPR_DELETE, OFPPR_MODIFY };
void ofp_encode_port_status(struct ofpbuf *b, uint8_t version,
                            enum ofp_port_reason reason,
                            const struct ofp_phy_port *p);
int ofp_decode_port_status(const struct ofp_msg *msg,
                           enum ofp_port_reason *reason,
                           struct ofp_phy_port *p);

struct ofp_port_mod {
    uint32_t port_no;
    uint8_t hw_addr[6];
    uint32_t config, mask;      /* OFPPC_* bits to set, bits to change */
    uint32_t advertise;         /* 0: unchanged */
};
void ofp_encode_port_mod(struct ofpbuf *b, uint8_t version, uint32_t xid,
                         const struct ofp_port_mod *pm);
int ofp_decode_port_mod(const struct ofp_msg *msg, struct ofp_port_mod *pm);

/* ---- Flow mods and what follows from them ---- */

enum ofp_flow_mod_command {
    OFPFC_ADD = 0,
    OFPFC_MODIFY = 1,
    OFPFC_MODIFY_STRICT = 2,
    OFPFC_DELETE = 3,
    OFPFC_DELETE_STRICT = 4,
};

/* Flow-mod flags, OpenFlow 1.3's bits (the codec converts OF1.0's). */
#define OFPFF_SEND_FLOW_REM 0x0001
#define OFPFF_CHECK_OVERLAP 0x0002
#define OFPFF_RESET_COUNTS 0x0004
#define OFPFF_NO_PKT_COUNTS 0x0008
#define OFPFF_NO_BYT_COUNTS 0x0010

/* Flow formats of an OpenFlow 1.0 connection (NXT_SET_FLOW_FORMAT). */
enum ofp_flow_format {
    OFP_FF_OF10 = 0,            /* struct ofp10_match */
    OFP_FF_NXM = 2,             /* NXM matches: NXT_FLOW_MOD, NXST_FLOW ... */
};

struct ofp_flow_mod {
    enum ofp_flow_mod_command command;
    struct ofp_match match;
    uint16_t priority;
    uint8_t table_id;           /* OFPTT_ALL: every table (delete) */
    uint64_t cookie, cookie_mask;   /* selection (modify/delete) */
    uint64_t new_cookie;        /* set on add/modify; UINT64_MAX: keep */
    uint16_t idle_timeout, hard_timeout, importance;
    uint16_t flags;             /* OFPFF_* */
    uint32_t buffer_id;         /* OFP_NO_BUFFER */
    uint32_t out_port;          /* OFPP_NONE: any */
    uint32_t out_group;         /* OFPG_ANY */
    struct ofpact *acts;        /* malloc'd */
    size_t n_acts;
};
/* Encodes in `version`; for OF1.0, `ff` picks OFPT_FLOW_MOD or
 * NXT_FLOW_MOD, and `tid` (NXT_FLOW_MOD_TABLE_ID enabled) whether the table
 * id rides in the command's high byte.  0 or -OFPERR (a match or action
 * the version cannot say). */
int ofp_encode_flow_mod(struct ofpbuf *b, uint8_t version,
                        enum ofp_flow_format ff, bool tid, uint32_t xid,
                        const struct ofp_flow_mod *fm);
/* `tid`: the connection enabled NXT_FLOW_MOD_TABLE_ID (else an OF1.0
 * flow_mod's table is 0, or OFPTT_ALL for deletes). */
int ofp_decode_flow_mod(const struct ofp_msg *msg, bool tid,
                        struct ofp_flow_mod *fm);
void ofp_flow_mod_free(struct ofp_flow_mod *fm);

/* The flow_mod that ovs-ofctl's add-flow/mod-flows/del-flows make of a
 * parsed flow (OVS's rules for cookie vs cookie/mask in each command);
 * `fm->acts` is a copy. */
void ofp_flow_mod_from_spec(const struct ofp_flow_spec *spec,
                            enum ofp_flow_mod_command command,
                            struct ofp_flow_mod *fm);

struct ofp_flow_stats_request {
    bool aggregate;             /* AGGREGATE rather than FLOW */
    struct ofp_match match;
    uint8_t table_id;           /* OFPTT_ALL */
    uint32_t out_port;          /* OFPP_NONE */
    uint32_t out_group;         /* OFPG_ANY */
    uint64_t cookie, cookie_mask;
};
int ofp_encode_flow_stats_request(struct ofpbuf *b, uint8_t version,
                                  enum ofp_flow_format ff, uint32_t xid,
                                  const struct ofp_flow_stats_request *r);
int ofp_decode_flow_stats_request(const struct ofp_msg *msg,
                                  struct ofp_flow_stats_request *r);

struct ofp_flow_stats {
    struct ofp_match match;
    uint16_t priority;
    uint8_t table_id;
    uint64_t cookie;
    uint32_t duration_sec, duration_nsec;
    uint16_t idle_timeout, hard_timeout, importance;
    uint16_t flags;             /* OFPFF_* (OF1.3+) */
    int idle_age, hard_age;     /* seconds; -1 unknown (NXST_FLOW has
                                 * them) */
    uint64_t packet_count, byte_count;  /* UINT64_MAX: not counted */
    struct ofpact *acts;        /* malloc'd when decoded; encoders only
                                 * read */
    size_t n_acts;
};
/* Appends one entry to a flow stats reply to `r->req` (its version and
 * family: OFPST_FLOW or NXST_FLOW). */
int ofp_put_flow_stats(struct ofp_mp_reply *r, const struct ofp_flow_stats *fs);
/* Decodes every entry of one reply message: *fs malloc'd array. */
int ofp_decode_flow_stats_reply(const struct ofp_msg *msg,
                                struct ofp_flow_stats **fs, size_t *n);
void ofp_flow_stats_free(struct ofp_flow_stats *fs, size_t n);

struct ofp_aggregate_stats {
    uint64_t packet_count, byte_count;
    uint32_t flow_count;
};
void ofp_encode_aggregate_reply(struct ofpbuf *b, const struct ofp_msg *req,
                                const struct ofp_aggregate_stats *a);
int ofp_decode_aggregate_reply(const struct ofp_msg *msg,
                               struct ofp_aggregate_stats *a);

enum ofp_flow_removed_reason {
    OFPRR_IDLE_TIMEOUT = 0,
    OFPRR_HARD_TIMEOUT = 1,
    OFPRR_DELETE = 2,
    OFPRR_GROUP_DELETE = 3,
    OFPRR_METER_DELETE = 4,
    OFPRR_EVICTION = 5,
};
struct ofp_flow_removed {
    struct ofp_match match;
    uint16_t priority;
    uint8_t reason;
    uint8_t table_id;
    uint64_t cookie;
    uint32_t duration_sec, duration_nsec;
    uint16_t idle_timeout, hard_timeout;
    uint64_t packet_count, byte_count;
};
/* OF1.0 with `ff` NXM: NXT_FLOW_REMOVED. */
int ofp_encode_flow_removed(struct ofpbuf *b, uint8_t version,
                            enum ofp_flow_format ff,
                            const struct ofp_flow_removed *fr);
int ofp_decode_flow_removed(const struct ofp_msg *msg,
                            struct ofp_flow_removed *fr);

/* ---- Packets ---- */

/* Packet-in formats (NXT_SET_PACKET_IN_FORMAT). */
enum ofp_packet_in_format {
    OFP_PIF_STANDARD = 0,       /* OFPT_PACKET_IN of the version */
    OFP_PIF_NXT = 1,            /* NXT_PACKET_IN (NXM metadata) */
    OFP_PIF_NXT2 = 2,           /* NXT_PACKET_IN2 (properties) */
};

enum ofp_packet_in_reason {
    OFPR_NO_MATCH = 0,          /* OF1.3+: table miss; OF1.0: no match */
    OFPR_ACTION = 1,
    OFPR_INVALID_TTL = 2,
    OFPR_ACTION_SET = 3,
    OFPR_GROUP = 4,
    OFPR_PACKET_OUT = 5,
};

struct ofp_continuation;
struct ofp_packet_in {
    const uint8_t *packet;      /* the frame (not owned) */
    size_t len;                 /* bytes of it sent */
    size_t total_len;           /* the frame's full length */
    uint32_t buffer_id;         /* OFP_NO_BUFFER: vswitch never buffers */
    uint8_t reason;             /* enum ofp_packet_in_reason */
    uint8_t table_id;
    uint64_t cookie;            /* UINT64_MAX: none (OF1.3+) */
    struct ofp_match metadata;  /* in_port, tun_*, metadata, regs, ... that
                                 * are set (mask all-ones) */
    const uint8_t *userdata;    /* NXT_PACKET_IN2 / controller(userdata) */
    size_t userdata_len;
    const uint8_t *continuation;    /* NXT_PACKET_IN2 pause; opaque */
    size_t continuation_len;
    /* Encoding only: a pause's continuation, laid out for the message's
     * version (NXT_PACKET_IN2 only; other formats have none). */
    const struct ofp_continuation *cont;
};
/* The OF1.0 reason for a table miss is OFPR_NO_MATCH; OF1.3+ also; the
 * controller action gives OFPR_ACTION.  `format` picks the encoding. */
void ofp_encode_packet_in(struct ofpbuf *b, uint8_t version,
                          enum ofp_packet_in_format format,
                          const struct ofp_packet_in *pin);
int ofp_decode_packet_in(const struct ofp_msg *msg, struct ofp_packet_in *pin);
/* Sets pin->metadata as OVS fills a packet-in's: in_port always, and
 * tun_id, tun_src, tun_dst, metadata, reg0-7 and pkt_mark where `x` has
 * them non-zero (exact). */
void ofp_packet_in_set_metadata(struct ofp_packet_in *pin,
                                const struct xflow *x);

struct ofp_packet_out {
    const uint8_t *packet;      /* not owned */
    size_t len;
    uint32_t buffer_id;
    uint32_t in_port;           /* OFPP_NONE/OFPP_CONTROLLER allowed */
    struct ofp_match match;     /* OF1.5: the packet's metadata */
    struct ofpact *acts;        /* malloc'd */
    size_t n_acts;
};
int ofp_encode_packet_out(struct ofpbuf *b, uint8_t version, uint32_t xid,
                          const struct ofp_packet_out *po);
int ofp_decode_packet_out(const struct ofp_msg *msg,
                          struct ofp_packet_out *po);
void ofp_packet_out_free(struct ofp_packet_out *po);

/* NXT_RESUME: a continuation handed back (packet + opaque state). */
struct ofp_resume {
    const uint8_t *packet;
    size_t len;
    const uint8_t *continuation;
    size_t continuation_len;
    /* The packet-in's other properties it carries back. */
    size_t total_len;
    uint8_t table_id;
    uint64_t cookie;            /* UINT64_MAX: none */
    uint8_t reason;
    struct ofp_match metadata;  /* in_port, regs, metadata, tunnel, mark */
};
int ofp_decode_resume(const struct ofp_msg *msg, struct ofp_resume *r);
/* NXT_RESUME for a received NXT_PACKET_IN2 with a continuation, as
 * ovs-ofctl's monitor sends it: the packet (all of it), table, cookie,
 * reason and metadata, and the continuation as it came. */
void ofp_encode_resume(struct ofpbuf *b, uint8_t version,
                       const struct ofp_packet_in *pin);

/* What a continuation holds (NXT_PACKET_IN2's NXPINT_CONTINUATION, laid
 * out as OVS's NXCPT_* properties so that ovs-ofctl prints it): the
 * bridge, the input datapath port, and the actions left when translation
 * paused, in groups that each run with the table and cookie of the rule
 * they came from (the paused rule's rest first, then its callers').
 * vswitch has no action set, stack, mirrors or conntrack yet: those
 * properties are never sent, and refused in a resume. */
#define OFP_CONT_MAX_GROUPS 128
struct ofp_cont_group {
    uint8_t table_id;
    uint64_t cookie;
    const struct ofpact *acts;
    size_t n_acts;
};
struct ofp_continuation {
    uint8_t bridge[16];         /* all zero: none */
    uint32_t odp_port;          /* 0: none */
    size_t n_groups;
    struct ofp_cont_group groups[OFP_CONT_MAX_GROUPS];
    struct ofpact *acts;        /* decoded: every group's, malloc'd */
};
/* Appends the NXCPT_* properties of `k` (the inside of NXPINT_CONTINUATION)
 * with the actions in `version`'s encoding.  As OVS, a group's table and
 * cookie are sent only before an action that depends on them (output,
 * controller, dec_ttl, resubmit to the current table) and only when they
 * change; goto_table becomes resubmit(,T).  Returns 0, or an error when an
 * action has no encoding in `version` (then `b` is as it was). */
int ofp_encode_continuation(struct ofpbuf *b, uint8_t version,
                            const struct ofp_continuation *k);
/* Decodes the inside of a continuation received in an NXT_RESUME of
 * `version`: every property bounded and checked (OFPBPC_BAD_LEN,
 * OFPBPC_BAD_TYPE for an unknown one, the actions' own errors).  On
 * success k->acts must be freed (ofp_continuation_free). */
int ofp_decode_continuation(const uint8_t *p, size_t n, uint8_t version,
                            struct ofp_continuation *k);
void ofp_continuation_free(struct ofp_continuation *k);

/* ---- Stats ---- */

struct ofp_desc {
    char mfr_desc[256], hw_desc[256], sw_desc[256];
    char serial_num[32], dp_desc[256];
};
void ofp_encode_desc_reply(struct ofpbuf *b, const struct ofp_msg *req,
                           const struct ofp_desc *d);
int ofp_decode_desc_reply(const struct ofp_msg *msg, struct ofp_desc *d);

struct ofp_table_stats {
    uint8_t table_id;
    char name[32];
    uint32_t max_entries;
    uint32_t active_count;
    uint64_t lookup_count, matched_count;
};
void ofp_put_table_stats(struct ofp_mp_reply *r,
                         const struct ofp_table_stats *ts);
int ofp_decode_table_stats_reply(const struct ofp_msg *msg,
                                 struct ofp_table_stats **ts, size_t *n);

/* port_no OFPP_NONE: every port. */
void ofp_encode_port_stats_request(struct ofpbuf *b, uint8_t version,
                                   uint32_t xid, uint32_t port_no);
int ofp_decode_port_stats_request(const struct ofp_msg *msg,
                                  uint32_t *port_no);
struct ofp_port_stats {
    uint32_t port_no;
    uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes;
    uint64_t rx_dropped, tx_dropped, rx_errors, tx_errors;
    uint64_t rx_frame_err, rx_over_err, rx_crc_err, collisions;
    uint32_t duration_sec, duration_nsec;   /* OF1.3+ */
};
void ofp_put_port_stats(struct ofp_mp_reply *r,
                        const struct ofp_port_stats *ps);
int ofp_decode_port_stats_reply(const struct ofp_msg *msg,
                                struct ofp_port_stats **ps, size_t *n);

/* Port desc: OF1.5's request carries a port (OFPP_NONE = all). */
void ofp_encode_port_desc_request(struct ofpbuf *b, uint8_t version,
                                  uint32_t xid, uint32_t port_no);
int ofp_decode_port_desc_request(const struct ofp_msg *msg,
                                 uint32_t *port_no);
void ofp_put_port_desc(struct ofp_mp_reply *r, const struct ofp_phy_port *p);
int ofp_decode_port_desc_reply(const struct ofp_msg *msg,
                               struct ofp_phy_port **p, size_t *n);

/* ---- Queue configuration ---- */

/* OFPT_QUEUE_GET_CONFIG_REQUEST (1.0-1.3: a port; OFPP_NONE = any, 1.1+)
 * and, from 1.4, OFPMP_QUEUE_DESC (a port and a queue), as
 * `ovs-ofctl queue-get-config` sends them. */
#define OFPQ_ALL 0xffffffffu
void ofp_encode_queue_get_config_request(struct ofpbuf *b, uint8_t version,
                                         uint32_t xid, uint32_t port,
                                         uint32_t queue);
/* OVS's checks: a 1.0-1.3 port at or past OFPP_MAX (but 1.1+'s any) is
 * OFPQOFC_BAD_PORT; an OF1.1+ port no 16-bit number says,
 * OFPBAC_BAD_OUT_PORT.  *queue is OFPQ_ALL before 1.4. */
int ofp_decode_queue_get_config_request(const struct ofp_msg *msg,
                                        uint32_t *port, uint32_t *queue);
/* The reply, with no queues (vswitch has none): OFPT_QUEUE_GET_CONFIG_REPLY
 * for the request's port, or an empty OFPMP_QUEUE_DESC reply. */
void ofp_encode_queue_get_config_reply(struct ofpbuf *b,
                                       const struct ofp_msg *req,
                                       uint32_t port);
struct ofp_queue_config {
    uint32_t port, queue;
    uint16_t min_rate, max_rate;    /* tenths of a percent; 0xffff: none */
};
/* Either reply's queues; *qs malloc'd (NULL when none). */
int ofp_decode_queue_get_config_reply(const struct ofp_msg *msg,
                                      struct ofp_queue_config **qs,
                                      size_t *n);

/* ---- Roles, async config, controller id ---- */

enum ofp_role {
    OFPCR_ROLE_NOCHANGE = 0,
    OFPCR_ROLE_EQUAL = 1,
    OFPCR_ROLE_MASTER = 2,
    OFPCR_ROLE_SLAVE = 3,
};
struct ofp_role_request {
    enum ofp_role role;
    bool have_generation_id;    /* NXT_ROLE_REQUEST has none */
    uint64_t generation_id;
};
/* A ROLE_REQUEST or ROLE_REPLY, OF1.2+ or Nicira (NX roles 0 other,
 * 1 master, 2 slave become EQUAL, MASTER, SLAVE).  OFPRRFC_BAD_ROLE for an
 * unknown role. */
int ofp_decode_role_request(const struct ofp_msg *msg,
                            struct ofp_role_request *rr);
/* A ROLE_REQUEST (family OFPF_NX: NXT_ROLE_REQUEST), for clients. */
void ofp_encode_role_request(struct ofpbuf *b, uint8_t version,
                             enum ofp_family family, uint32_t xid,
                             const struct ofp_role_request *rr);
void ofp_encode_role_reply(struct ofpbuf *b, const struct ofp_msg *req,
                           const struct ofp_role_request *rr);

/* ROLE_STATUS: told to a connection whose role changed without its asking
 * (OF1.4+ OFPT_ROLE_STATUS, OF1.3 ONFT13_ROLE_STATUS; nothing before). */
enum ofp_role_status_reason {
    OFPCRR_MASTER_REQUEST = 0,  /* another controller asked to be master */
    OFPCRR_CONFIG = 1,
    OFPCRR_EXPERIMENTER = 2,
};
struct ofp_role_status {
    enum ofp_role role;
    uint8_t reason;
    uint64_t generation_id;     /* UINT64_MAX: none */
};
/* Encodes `rs` with xid 0 as OVS does; false (nothing added) for versions
 * before 1.3. */
bool ofp_encode_role_status(struct ofpbuf *b, uint8_t version,
                            const struct ofp_role_status *rs);
/* The fixed part (properties are skipped); OFPRRFC_BAD_ROLE for an
 * unknown role. */
int ofp_decode_role_status(const struct ofp_msg *msg,
                           struct ofp_role_status *rs);

/* Which asynchronous messages a connection gets, per role: [0] for
 * master/equal, [1] for slave; bit N of a mask = reason N. */
struct ofp_async_config {
    uint32_t packet_in[2];      /* OF1.4 reasons (1.0-1.3 have 0..2) */
    uint32_t port_status[2];
    uint32_t flow_removed[2];
    uint32_t role_status[2];    /* OF1.4+ only (properties 6..11) */
    uint32_t table_status[2];
    uint32_t requestforward[2];
};
/* OVS's defaults (OF1.3 spec: slaves get port status only), as OVS has
 * them for OpenFlow 1.4 (ofp_async_config_default) or for `version`
 * (flow_removed[0] is 0x7 for 1.0, 0xf for 1.3, 0x3f for 1.4+). */
void ofp_async_config_default(struct ofp_async_config *ac);
void ofp_async_config_default_v(struct ofp_async_config *ac, uint8_t version);
/* SET_ASYNC (OF1.3 struct, OF1.4+ properties, NXT_SET_ASYNC_CONFIG and
 * NXT_SET_ASYNC_CONFIG2), or a GET_ASYNC_REPLY: updates `ac`.  As OVS: the
 * struct forms replace everything (bits a version lacks dropped, the
 * OF1.4-only masks cleared); properties change only what they name, and an
 * unknown property is OFPACFC_UNSUPPORTED, a bit the version lacks
 * OFPACFC_INVALID. */
int ofp_decode_set_async(const struct ofp_msg *msg,
                         struct ofp_async_config *ac);
void ofp_encode_get_async_reply(struct ofpbuf *b, const struct ofp_msg *req,
                                const struct ofp_async_config *ac);

/* NXT_SET_FLOW_FORMAT, NXT_SET_PACKET_IN_FORMAT, NXT_FLOW_MOD_TABLE_ID,
 * NXT_SET_CONTROLLER_ID: one number each (format, enable 0/1, id). */
int ofp_decode_nx_u32(const struct ofp_msg *msg, uint32_t *value);
void ofp_encode_nx_u32(struct ofpbuf *b, uint8_t version, enum ofptype type,
                       uint32_t xid, uint32_t value);

/* ---- Bundles ---- */

enum ofp_bundle_ctrl_type {
    OFPBCT_OPEN_REQUEST = 0,
    OFPBCT_OPEN_REPLY = 1,
    OFPBCT_CLOSE_REQUEST = 2,
    OFPBCT_CLOSE_REPLY = 3,
    OFPBCT_COMMIT_REQUEST = 4,
    OFPBCT_COMMIT_REPLY = 5,
    OFPBCT_DISCARD_REQUEST = 6,
    OFPBCT_DISCARD_REPLY = 7,
};
#define OFPBF_ATOMIC 0x0001
#define OFPBF_ORDERED 0x0002

struct ofp_bundle_ctrl {
    uint32_t bundle_id;
    uint16_t type;              /* enum ofp_bundle_ctrl_type */
    uint16_t flags;             /* OFPBF_* */
};
int ofp_decode_bundle_ctrl(const struct ofp_msg *msg,
                           struct ofp_bundle_ctrl *bc);
/* A request (client) or a reply to `req` (switch, req != NULL). */
void ofp_encode_bundle_ctrl(struct ofpbuf *b, uint8_t version, uint32_t xid,
                            const struct ofp_msg *req,
                            const struct ofp_bundle_ctrl *bc);

struct ofp_bundle_add {
    uint32_t bundle_id;
    uint16_t flags;
    struct ofp_msg inner;       /* the message added (framed) */
};
int ofp_decode_bundle_add(const struct ofp_msg *msg,
                          struct ofp_bundle_add *ba);
/* ofp_decode_bundle_add checks as OVS does: OFPBFC_MSG_BAD_LEN,
 * OFPBFC_BAD_VERSION (inner version differs), OFPBFC_MSG_BAD_XID (inner xid
 * differs), OFPBFC_MSG_UNSUP (inner does not decode, or is not a flow_mod,
 * group_mod, port_mod or packet_out).
 * Wraps the already-encoded message `inner` (`len` bytes), whose xid must
 * be `xid`.  OF1.3: the ONF experimenter forms; 1.0 has no bundles. */
void ofp_encode_bundle_add(struct ofpbuf *b, uint8_t version, uint32_t xid,
                           uint32_t bundle_id, uint16_t flags,
                           const void *inner, size_t len);

/* ---- Groups (src/ofp/ofp_group.c) ----
 *
 * Group mods, group desc/stats/features multipart messages, in the forms
 * OVS 3.1 speaks them: OpenFlow 1.1-1.4 (struct ofp11_group_mod, ofp11
 * buckets, no bucket ids or properties), OpenFlow 1.5 (ofp15 buckets with
 * ids and weight/watch properties, the Netronome selection-method group
 * property), and OpenFlow 1.0 through Nicira messages carrying the 1.5
 * body (NXT_GROUP_MOD, NXST_GROUP, NXST_GROUP_DESC, NXST_GROUP_FEATURES).
 * insert_bucket/remove_bucket exist only in the 1.5 body (1.0 and 1.5), as
 * in OVS: ovs-ofctl refuses them for 1.1-1.4. */

#define OFPG_MAX 0xffffff00u
#define OFPG_ALL 0xfffffffcu
#define OFPG_BUCKET_MAX 0xffffff00u
#define OFPG_BUCKET_FIRST 0xfffffffdu
#define OFPG_BUCKET_LAST 0xfffffffeu
#define OFPG_BUCKET_ALL 0xffffffffu

enum ofp_group_type {
    OFPGT_ALL = 0,
    OFPGT_SELECT = 1,
    OFPGT_INDIRECT = 2,
    OFPGT_FF = 3,               /* fast failover */
};

enum ofp_group_command {
    OFPGC_ADD = 0,
    OFPGC_MODIFY = 1,
    OFPGC_DELETE = 2,
    OFPGC_INSERT_BUCKET = 3,    /* 1.5 body only */
    OFPGC_REMOVE_BUCKET = 5,    /* 1.5 body only (4 is unused) */
    OFPGC_ADD_OR_MOD = 0x8000,  /* OVS's extension (mod-group --may-create) */
};

struct ofp_bucket {
    uint32_t bucket_id;         /* OFPG_BUCKET_ALL: none given (encoders
                                 * number such buckets as OVS does) */
    uint16_t weight;            /* select groups; default 1 there, else 0 */
    uint32_t watch_port;        /* vswitch numbering; OFPP_NONE: none */
    uint32_t watch_group;       /* OFPG_ANY: none */
    struct ofpact *acts;        /* malloc'd (ofpacts_free) */
    size_t n_acts;
};

/* selection_method=hash's fields: each with the mask hashed (all ones for
 * a bare name), kept in OVS's field order (the order they print in). */
#define OFP_GROUP_MAX_FIELDS 32
#define OFP_SELECTION_METHOD_LEN 16
struct ofp_group_field {
    const struct mf_field *f;
    mf_value mask;
};
struct ofp_group_props {
    char selection_method[OFP_SELECTION_METHOD_LEN];   /* "" none */
    uint64_t selection_method_param;
    size_t n_fields;
    struct ofp_group_field fields[OFP_GROUP_MAX_FIELDS];
};

/* A group mod, and also one group as a group desc reply describes it
 * (command and command_bucket_id unused there). */
struct ofp_group_mod {
    uint16_t command;           /* enum ofp_group_command */
    uint8_t type;               /* enum ofp_group_type */
    uint32_t group_id;
    uint32_t command_bucket_id; /* insert/remove: id, FIRST, LAST, ALL */
    struct ofp_bucket *buckets; /* malloc'd */
    size_t n_buckets;
    struct ofp_group_props props;
};

/* 0 or -OFPERR (a command the version cannot say: OFPGMFC_BAD_COMMAND;
 * an action it cannot say). */
int ofp_encode_group_mod(struct ofpbuf *b, uint8_t version, uint32_t xid,
                         const struct ofp_group_mod *gm);
/* Decodes and checks as OVS does (ofputil_decode_group_mod and
 * ofputil_check_group_mod): OFPGMFC_BAD_BUCKET, BAD_WATCH, BAD_TYPE,
 * BAD_COMMAND, INVALID_GROUP, WATCH_UNSUPPORTED, OFPBPC_*, action errors. */
int ofp_decode_group_mod(const struct ofp_msg *msg, struct ofp_group_mod *gm);
void ofp_group_mod_free(struct ofp_group_mod *gm);
/* Deep copies. */
void ofp_group_mod_clone(struct ofp_group_mod *dst,
                         const struct ofp_group_mod *src);
void ofp_buckets_free(struct ofp_bucket *b, size_t n);
struct ofp_bucket *ofp_buckets_clone(const struct ofp_bucket *b, size_t n);

/* Group desc: OF1.1-1.4 ask for all groups; 1.0 (NXST) and 1.5 name one
 * (OFPG_ALL: all). */
void ofp_encode_group_desc_request(struct ofpbuf *b, uint8_t version,
                                   uint32_t xid, uint32_t group_id);
int ofp_decode_group_desc_request(const struct ofp_msg *msg,
                                  uint32_t *group_id);
void ofp_put_group_desc(struct ofp_mp_reply *r, const struct ofp_group_mod *g);
/* Every entry of one reply: *gds malloc'd (ofp_group_descs_free). */
int ofp_decode_group_desc_reply(const struct ofp_msg *msg,
                                struct ofp_group_mod **gds, size_t *n);
void ofp_group_descs_free(struct ofp_group_mod *gds, size_t n);

/* Group stats (group_id OFPG_ALL: all). */
void ofp_encode_group_stats_request(struct ofpbuf *b, uint8_t version,
                                    uint32_t xid, uint32_t group_id);
int ofp_decode_group_stats_request(const struct ofp_msg *msg,
                                   uint32_t *group_id);
struct ofp_bucket_counter {
    uint64_t packet_count, byte_count;
};
struct ofp_group_stats {
    uint32_t group_id;
    uint32_t ref_count;         /* flows whose actions name the group */
    uint64_t packet_count, byte_count;
    uint32_t duration_sec, duration_nsec;   /* UINT32_MAX: not said (1.1) */
    struct ofp_bucket_counter *buckets;     /* malloc'd when decoded */
    size_t n_buckets;
};
void ofp_put_group_stats(struct ofp_mp_reply *r,
                         const struct ofp_group_stats *gs);
int ofp_decode_group_stats_reply(const struct ofp_msg *msg,
                                 struct ofp_group_stats **gs, size_t *n);
void ofp_group_stats_free(struct ofp_group_stats *gs, size_t n);

/* Group features (1.0: NXST_GROUP_FEATURES). */
struct ofp_group_features {
    uint32_t types;             /* bit N: group type N */
    uint32_t capabilities;      /* OFPGFC_*: SELECT_WEIGHT 1, SELECT_LIVENESS
                                 * 2, CHAINING 4, CHAINING_CHECKS 8 */
    uint32_t max_groups[4];
    uint32_t actions[4];        /* action bitmaps as the version says them */
};
/* What OVS 3.1 answers for `version` (its ofproto's ogf). */
void ofp_group_features_default(struct ofp_group_features *f, uint8_t version);
void ofp_encode_group_features_reply(struct ofpbuf *b,
                                     const struct ofp_msg *req,
                                     const struct ofp_group_features *f);
int ofp_decode_group_features_reply(const struct ofp_msg *msg,
                                    struct ofp_group_features *f);

/* ovs-ofctl's group syntax ("group_id=1,type=select,bucket=..."), as its
 * parse_ofp_group_mod_str: `command` is an enum ofp_group_command, or -2
 * for a line of add-groups FILE (which may start with "add", "delete",
 * "modify", "add_or_mod", "insert_bucket" or "remove_bucket").
 * *usable receives the versions that can carry it (bitmap, bit N =
 * version N).  0, or -1 with OVS's message in `err`. */
int ofp_parse_group_mod(const char *s, int command, struct ofp_group_mod *gm,
                        uint32_t *usable, char *err, size_t errlen);
/* "group_id=1,type=select,bucket=..." as ovs-ofctl prints a group in
 * `version` (bucket ids only in 1.0 and 1.5); `suppress_type` for the
 * bucket commands. */
void ofp_group_format(struct dstr *out, const struct ofp_group_mod *g,
                      uint8_t version, bool suppress_type);
/* Message bodies as ovs-ofctl prints them (ofp_print_msg.c calls these);
 * 0 or the decode error. */
int ofp_print_group_mod(struct dstr *out, const struct ofp_msg *msg);
int ofp_print_group_desc_request(struct dstr *out, const struct ofp_msg *msg);
int ofp_print_group_desc_reply(struct dstr *out, const struct ofp_msg *msg);
int ofp_print_group_stats_request(struct dstr *out,
                                  const struct ofp_msg *msg);
int ofp_print_group_stats_reply(struct dstr *out, const struct ofp_msg *msg);
int ofp_print_group_features_reply(struct dstr *out,
                                   const struct ofp_msg *msg);
/* ---- Meters (OpenFlow 1.3+; ofp_meter.c) ---- */

/* Meter ids: 1 .. OFPM_MAX, and three reserved ones. */
#define OFPM_MAX 0xffff0000u
#define OFPM_SLOWPATH 0xfffffffdu
#define OFPM_CONTROLLER 0xfffffffeu
#define OFPM_ALL 0xffffffffu

enum ofp_meter_mod_command {
    OFPMC_ADD = 0,
    OFPMC_MODIFY = 1,
    OFPMC_DELETE = 2,
};

#define OFPMF_KBPS 0x1
#define OFPMF_PKTPS 0x2
#define OFPMF_BURST 0x4
#define OFPMF_STATS 0x8

#define OFPMBT_DROP 1
#define OFPMBT_DSCP_REMARK 2

struct ofp_meter_band {
    uint16_t type;              /* OFPMBT_* */
    uint8_t prec_level;         /* dscp_remark only */
    uint32_t rate;
    uint32_t burst_size;
};

struct ofp_meter_config {
    uint32_t meter_id;
    uint16_t flags;             /* OFPMF_* */
    uint16_t n_bands;
    struct ofp_meter_band *bands;   /* malloc'd when decoded */
};

struct ofp_meter_mod {
    uint16_t command;           /* enum ofp_meter_mod_command */
    struct ofp_meter_config meter;
};
/* OFPT_METER_MOD for `version` (1.3+); a delete carries no flags nor
 * bands, as ovs-ofctl sends it. */
void ofp_encode_meter_mod(struct ofpbuf *b, uint8_t version, uint32_t xid,
                          const struct ofp_meter_mod *mm);
/* As OVS: OFPMMFC_BAD_COMMAND, OFPMMFC_BAD_FLAGS (kbps and pktps),
 * OFPBRC_BAD_LEN (a band not 16 bytes, bytes left over), OFPMMFC_BAD_BAND
 * (a band type other than drop and dscp_remark).  A delete's flags and
 * bands are ignored.  mm->meter.bands is malloc'd (at most one band per 16
 * bytes of message); free with ofp_meter_mod_free. */
int ofp_decode_meter_mod(const struct ofp_msg *msg, struct ofp_meter_mod *mm);
void ofp_meter_mod_free(struct ofp_meter_mod *mm);

/* Meter stats, config and features requests (`type` one of
 * METER_STATS_REQUEST, METER_CONFIG_STATS_REQUEST,
 * METER_FEATURES_STATS_REQUEST; OFPM_ALL for every meter). */
void ofp_encode_meter_request(struct ofpbuf *b, uint8_t version,
                              enum ofptype type, uint32_t xid,
                              uint32_t meter_id);
/* The meter id of a stats or config request (features: OFPM_ALL). */
int ofp_decode_meter_request(const struct ofp_msg *msg, uint32_t *meter_id);

void ofp_put_meter_config(struct ofp_mp_reply *r,
                          const struct ofp_meter_config *mc);
/* Every entry of one config reply: *mcs malloc'd, each with its bands. */
int ofp_decode_meter_config_reply(const struct ofp_msg *msg,
                                  struct ofp_meter_config **mcs, size_t *n);
void ofp_meter_configs_free(struct ofp_meter_config *mcs, size_t n);

struct ofp_meter_band_stats {
    uint64_t packet_count, byte_count;
};
struct ofp_meter_stats {
    uint32_t meter_id;
    uint32_t flow_count;
    uint64_t packet_in_count, byte_in_count;
    uint32_t duration_sec, duration_nsec;
    uint16_t n_bands;
    struct ofp_meter_band_stats *bands;     /* malloc'd when decoded */
};
void ofp_put_meter_stats(struct ofp_mp_reply *r,
                         const struct ofp_meter_stats *ms);
int ofp_decode_meter_stats_reply(const struct ofp_msg *msg,
                                 struct ofp_meter_stats **mss, size_t *n);
void ofp_meter_stats_free(struct ofp_meter_stats *mss, size_t n);

struct ofp_meter_features {
    uint32_t max_meters;
    uint32_t band_types;        /* bit 1 << OFPMBT_* */
    uint32_t capabilities;      /* OFPMF_* */
    uint8_t max_bands, max_color;
};
void ofp_encode_meter_features_reply(struct ofpbuf *b,
                                     const struct ofp_msg *req,
                                     const struct ofp_meter_features *mf);
int ofp_decode_meter_features_reply(const struct ofp_msg *msg,
                                    struct ofp_meter_features *mf);

/* ovs-ofctl's meter syntax ("meter=1,kbps,burst,band=type=drop,rate=1000,
 * burst_size=100"), with its checks and messages, for `command` (an
 * enum ofp_meter_mod_command, or -1: a request, which takes meter= only).
 * 0, or -1 with ovs-ofctl's message in `err`; mm->meter.bands is malloc'd
 * (ofp_meter_mod_free) either way. */
int ofp_parse_meter_mod(const char *s, int command, struct ofp_meter_mod *mm,
                        char *err, size_t errlen);

#endif
