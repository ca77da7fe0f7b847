/* ofp_print_msg: a whole OpenFlow message decoded and printed as
 * ovs-ofctl's ofp_to_string prints it (ofp_print.h). */
#include "ofp/ofp_print.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/ofp_port.h"

static void add_newline(struct dstr *out)
{
    if (out->len && out->s[out->len - 1] != '\n') {
        dstr_putc(out, '\n');
    }
}

static void chomp_space(struct dstr *out)
{
    if (out->len && out->s[out->len - 1] == ' ') {
        dstr_truncate(out, out->len - 1);
    }
}

static int print_error_msg(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_error_msg e;
    int err = ofp_decode_error(msg, &e);
    if (err) {
        return err;
    }
    if (e.error == OFPERR_NONE) {
        dstr_printf(out, " ***unknown error type %u code %u***\n", e.type,
                    e.code);
    } else {
        dstr_printf(out, " %s\n", ofperr_name(e.error));
    }
    if (e.error == OFPERR_OFPHFC_INCOMPATIBLE
        || e.error == OFPERR_OFPHFC_EPERM) {
        for (size_t i = 0; i < e.len; i++) {
            int c = e.data[i];
            dstr_putc(out, c >= 32 && c < 127 ? (char) c : '.');
        }
    } else if (e.len) {
        ofp_print_msg(out, e.data, e.len, 1);
    }
    return 0;
}

static int print_features(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_features f;
    int err = ofp_decode_features_reply(msg, &f);
    if (!err) {
        ofp_print_features(out, msg->version, &f);
        ofp_features_free(&f);
    }
    return err;
}

static int print_config(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_switch_config c;
    int err = ofp_decode_switch_config(msg, &c);
    if (!err) {
        ofp_print_switch_config(out, &c);
    }
    return err;
}

static int print_packet_in(struct dstr *out, const struct ofp_msg *msg,
                           int verbosity)
{
    struct ofp_packet_in pin;
    int err = ofp_decode_packet_in(msg, &pin);
    if (!err) {
        ofp_print_packet_in(out, &pin, msg->version, verbosity > 1);
    }
    return err;
}

/* NXT_RESUME prints as the packet-in it answers, as OVS's. */
static int print_resume(struct dstr *out, const struct ofp_msg *msg,
                        int verbosity)
{
    struct ofp_resume r;
    int err = ofp_decode_resume(msg, &r);
    if (!err) {
        struct ofp_packet_in pin;
        memset(&pin, 0, sizeof pin);
        pin.packet = r.packet;
        pin.len = r.len;
        pin.total_len = r.total_len;
        pin.buffer_id = OFP_NO_BUFFER;
        pin.reason = r.reason;
        pin.table_id = r.table_id;
        pin.cookie = r.cookie;
        pin.metadata = r.metadata;
        pin.continuation = r.continuation;
        pin.continuation_len = r.continuation_len;
        ofp_print_packet_in(out, &pin, msg->version, verbosity > 1);
    }
    return err;
}

static int print_flow_removed(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_flow_removed fr;
    int err = ofp_decode_flow_removed(msg, &fr);
    if (!err) {
        ofp_print_flow_removed(out, &fr);
    }
    return err;
}

static int print_port_status(struct dstr *out, const struct ofp_msg *msg)
{
    enum ofp_port_reason reason;
    struct ofp_phy_port p;
    int err = ofp_decode_port_status(msg, &reason, &p);
    if (!err) {
        ofp_print_port_status(out, reason, &p);
    }
    return err;
}

static int print_flow_mod(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_flow_mod fm;
    memset(&fm, 0, sizeof fm);
    int err = ofp_decode_flow_mod(msg, true, &fm);
    if (!err) {
        ofp_print_flow_mod(out, msg->version, &fm);
    }
    ofp_flow_mod_free(&fm);
    return err;
}

static int print_desc(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_desc *d = xmalloc(sizeof *d);
    int err = ofp_decode_desc_reply(msg, d);
    if (!err) {
        ofp_print_desc(out, d);
    }
    free(d);
    return err;
}

static int print_flow_stats(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_flow_stats *fs = NULL;
    size_t n = 0;
    int err = ofp_decode_flow_stats_reply(msg, &fs, &n);
    if (!err) {
        for (size_t i = 0; i < n; i++) {
            dstr_put(out, "\n ");
            ofp_print_flow_stats(out, &fs[i], true);
        }
        ofp_flow_stats_free(fs, n);
    }
    return err;
}

static int print_aggregate(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_aggregate_stats a;
    int err = ofp_decode_aggregate_reply(msg, &a);
    if (!err) {
        ofp_print_aggregate(out, &a);
    }
    return err;
}

static int print_table_stats(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_table_stats *ts = NULL;
    size_t n = 0;
    int err = ofp_decode_table_stats_reply(msg, &ts, &n);
    if (!err) {
        struct ofp_table_print tp;
        ofp_table_print_init(&tp);
        for (size_t i = 0; i < n; i++) {
            ofp_print_table_stats(out, msg->version, &tp, &ts[i]);
        }
        ofp_table_print_finish(out, &tp);
        free(ts);
    }
    return err;
}

static int print_port_stats(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_port_stats *ps = NULL;
    size_t n = 0;
    int err = ofp_decode_port_stats_reply(msg, &ps, &n);
    if (!err) {
        dstr_printf(out, " %zu ports\n", n);
        for (size_t i = 0; i < n; i++) {
            ofp_print_port_stats(out, msg->version, &ps[i]);
        }
        free(ps);
    }
    return err;
}

static int print_port_desc(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_phy_port *p = NULL;
    size_t n = 0;
    int err = ofp_decode_port_desc_reply(msg, &p, &n);
    if (!err) {
        dstr_putc(out, '\n');
        ofp_print_phy_ports(out, p, n);
        free(p);
    }
    return err;
}

static int cmp_queue(const void *a_, const void *b_)
{
    const struct ofp_queue_config *a = a_, *b = b_;
    uint16_t ap = (uint16_t) a->port, bp = (uint16_t) b->port;
    if (ap != bp) {
        return ap < bp ? -1 : 1;
    }
    return a->queue < b->queue ? -1 : a->queue > b->queue;
}

static void print_queue_rate(struct dstr *out, const char *name,
                             unsigned rate)
{
    if (rate <= 1000) {
        dstr_printf(out, " %s:%u.%u%%", name, rate / 10, rate % 10);
    } else if (rate < UINT16_MAX) {
        dstr_printf(out, " %s:(disabled)", name);
    }
}

static int print_queue_request(struct dstr *out, const struct ofp_msg *msg)
{
    uint32_t port, queue;
    int err = ofp_decode_queue_get_config_request(msg, &port, &queue);
    if (err) {
        return err;
    }
    char s[16];
    ofp_port_format(port, s, sizeof s);
    dstr_printf(out, " port=%s", port == OFPP_NONE ? "ANY" : s);
    if (queue != OFPQ_ALL) {
        dstr_printf(out, " queue=%" PRIu32, queue);
    }
    return 0;
}

/* Queues sorted by port and id, "port=P" before each port's first (as
 * OVS, not before port 0's), nothing at all for none. */
static int print_queue_config(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_queue_config *qs;
    size_t n;
    int err = ofp_decode_queue_get_config_reply(msg, &qs, &n);
    if (err) {
        return err;
    }
    if (n) {
        qsort(qs, n, sizeof *qs, cmp_queue);
    }
    dstr_putc(out, ' ');
    uint32_t port = 0;
    for (size_t i = 0; i < n; i++) {
        if (qs[i].port != port) {
            char s[16];
            port = qs[i].port;
            ofp_port_format(port, s, sizeof s);
            dstr_printf(out, "port=%s\n", s);
        }
        dstr_printf(out, "queue %" PRIu32 ":", qs[i].queue);
        print_queue_rate(out, "min_rate", qs[i].min_rate);
        print_queue_rate(out, "max_rate", qs[i].max_rate);
        dstr_putc(out, '\n');
    }
    free(qs);
    return 0;
}

static int print_bundle_ctrl(struct dstr *out, const struct ofp_msg *msg)
{
    static const char *const types[] = {
        "OPEN_REQUEST", "OPEN_REPLY", "CLOSE_REQUEST", "CLOSE_REPLY",
        "COMMIT_REQUEST", "COMMIT_REPLY", "DISCARD_REQUEST", "DISCARD_REPLY",
    };
    struct ofp_bundle_ctrl bc;
    int err = ofp_decode_bundle_ctrl(msg, &bc);
    if (err) {
        return err;
    }
    dstr_printf(out, "\n bundle_id=%#" PRIx32 " type=", bc.bundle_id);
    if (bc.type < sizeof types / sizeof types[0]) {
        dstr_put(out, types[bc.type]);
    }
    dstr_put(out, " flags=");
    uint16_t flags = bc.flags;
    if (!flags) {
        dstr_putc(out, '0');
    }
    const char *sep = "";
    if (flags & OFPBF_ATOMIC) {
        dstr_put(out, "atomic");
        sep = " ";
    }
    if (flags & OFPBF_ORDERED) {
        dstr_printf(out, "%sordered", sep);
        sep = " ";
    }
    flags &= (uint16_t) ~(OFPBF_ATOMIC | OFPBF_ORDERED);
    if (flags) {
        dstr_printf(out, "%s0x%" PRIx16, sep, flags);
    }
    return 0;
}

static int print_nx_u32(struct dstr *out, const struct ofp_msg *msg)
{
    uint32_t v;
    int err = ofp_decode_nx_u32(msg, &v);
    if (err) {
        return err;
    }
    if (msg->type == OFPTYPE_NXT_SET_FLOW_FORMAT) {
        dstr_printf(out, " format=%s", v == OFP_FF_NXM ? "nxm"
                    : v == OFP_FF_OF10 ? "openflow10" : "?");
    } else if (msg->type == OFPTYPE_NXT_FLOW_MOD_TABLE_ID) {
        dstr_put(out, v ? " enable" : " disable");
    } else if (msg->type == OFPTYPE_NXT_SET_PACKET_IN_FORMAT) {
        dstr_printf(out, " format=%s", v == OFP_PIF_NXT2 ? "nxt_packet_in2"
                    : v == OFP_PIF_NXT ? "nxt_packet_in" : "standard");
    }
    return 0;
}

static void print_role(struct dstr *out, enum ofp_role role, bool have_gen,
                       uint64_t gen)
{
    static const char *const names[] = {
        "nochange", "equal", "primary", "secondary",
    };
    dstr_printf(out, " role=%s", names[role & 3]);
    if (have_gen && gen != UINT64_MAX) {
        dstr_printf(out, " generation_id=%" PRIu64, gen);
    }
}

/* As OVS: a request's generation id shows unless the role is nochange, a
 * reply's unless it is all-ones; the Nicira form has none. */
static int print_role_msg(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_role_request rr;
    int err = ofp_decode_role_request(msg, &rr);
    if (err) {
        return err;
    }
    bool have = false;
    uint64_t gen = 0;
    if (msg->family != OFPF_NX) {
        gen = ofp_get_be64(msg->body + 8);  /* the decoder checked 16 */
        have = msg->type == OFPTYPE_ROLE_REPLY
               || rr.role != OFPCR_ROLE_NOCHANGE;
    }
    print_role(out, rr.role, have, gen);
    return 0;
}

static int print_role_status(struct dstr *out, const struct ofp_msg *msg)
{
    struct ofp_role_status rs;
    int err = ofp_decode_role_status(msg, &rs);
    if (err) {
        return err;
    }
    print_role(out, rs.role, true, rs.generation_id);
    dstr_printf(out, " reason=%s",
                rs.reason == OFPCRR_MASTER_REQUEST ? "primary_request"
                : rs.reason == OFPCRR_CONFIG ? "configuration_changed"
                : rs.reason == OFPCRR_EXPERIMENTER
                ? "experimenter_data_changed" : "(unknown)");
    return 0;
}

static int print_body(struct dstr *out, const struct ofp_msg *msg,
                      int verbosity)
{
    switch (msg->type) {
    case OFPTYPE_ERROR: return print_error_msg(out, msg);
    case OFPTYPE_ECHO_REQUEST:
    case OFPTYPE_ECHO_REPLY:
        dstr_printf(out, " %zu bytes of payload\n", msg->len - 8);
        return 0;
    case OFPTYPE_FEATURES_REPLY: return print_features(out, msg);
    case OFPTYPE_GET_CONFIG_REPLY:
    case OFPTYPE_SET_CONFIG: return print_config(out, msg);
    case OFPTYPE_PACKET_IN: return print_packet_in(out, msg, verbosity);
    case OFPTYPE_NXT_RESUME: return print_resume(out, msg, verbosity);
    case OFPTYPE_FLOW_REMOVED: return print_flow_removed(out, msg);
    case OFPTYPE_PORT_STATUS: return print_port_status(out, msg);
    case OFPTYPE_FLOW_MOD: return print_flow_mod(out, msg);
    case OFPTYPE_DESC_STATS_REPLY: return print_desc(out, msg);
    case OFPTYPE_FLOW_STATS_REPLY: return print_flow_stats(out, msg);
    case OFPTYPE_AGGREGATE_STATS_REPLY: return print_aggregate(out, msg);
    case OFPTYPE_TABLE_STATS_REPLY: return print_table_stats(out, msg);
    case OFPTYPE_PORT_STATS_REPLY: return print_port_stats(out, msg);
    case OFPTYPE_PORT_DESC_STATS_REPLY: return print_port_desc(out, msg);
    case OFPTYPE_BUNDLE_CONTROL: return print_bundle_ctrl(out, msg);
    case OFPTYPE_ROLE_REQUEST:
    case OFPTYPE_ROLE_REPLY: return print_role_msg(out, msg);
    case OFPTYPE_ROLE_STATUS: return print_role_status(out, msg);
    case OFPTYPE_QUEUE_GET_CONFIG_REQUEST:
    case OFPTYPE_QUEUE_DESC_STATS_REQUEST: return print_queue_request(out, msg);
    case OFPTYPE_QUEUE_GET_CONFIG_REPLY:
    case OFPTYPE_QUEUE_DESC_STATS_REPLY: return print_queue_config(out, msg);
    case OFPTYPE_NXT_SET_FLOW_FORMAT:
    case OFPTYPE_NXT_FLOW_MOD_TABLE_ID:
    case OFPTYPE_NXT_SET_PACKET_IN_FORMAT: return print_nx_u32(out, msg);
    /* groups */
    case OFPTYPE_GROUP_MOD: return ofp_print_group_mod(out, msg);
    case OFPTYPE_GROUP_DESC_STATS_REQUEST:
        return ofp_print_group_desc_request(out, msg);
    case OFPTYPE_GROUP_DESC_STATS_REPLY:
        return ofp_print_group_desc_reply(out, msg);
    case OFPTYPE_GROUP_STATS_REQUEST:
        return ofp_print_group_stats_request(out, msg);
    case OFPTYPE_GROUP_STATS_REPLY:
        return ofp_print_group_stats_reply(out, msg);
    case OFPTYPE_GROUP_FEATURES_STATS_REPLY:
        return ofp_print_group_features_reply(out, msg);
    /* meters */
    case OFPTYPE_METER_MOD:
    case OFPTYPE_METER_STATS_REQUEST:
    case OFPTYPE_METER_CONFIG_STATS_REQUEST:
    case OFPTYPE_METER_STATS_REPLY:
    case OFPTYPE_METER_CONFIG_STATS_REPLY:
    case OFPTYPE_METER_FEATURES_STATS_REPLY:
        return ofp_print_meter_msg(out, msg);
    default:
        return 0;
    }
}

/* A message cut short (an error's copy of the request): its name if the
 * header identifies it, and the truncation. */
static void print_truncated(struct dstr *out, const uint8_t *p, size_t len,
                            uint16_t full)
{
    /* Padded back to its full length with zeros, so that a kind of fixed
     * length is still recognised (OVS names it from the header alone). */
    uint8_t *copy = xcalloc(1, full);
    memcpy(copy, p, len);
    struct ofp_msg msg;
    if (!ofp_msg_decode(copy, full, &msg)) {
        dstr_put(out, ofp_msg_name(&msg));
        ofp_print_version_xid(out, msg.version, msg.xid);
        dstr_putc(out, '\n');
    }
    free(copy);
    dstr_printf(out, "(***truncated to %zu bytes from %u***)\n", len, full);
}

void ofp_print_msg(struct dstr *out, const void *data, size_t len,
                   int verbosity)
{
    const uint8_t *p = data;
    if (!len) {
        dstr_put(out, "OpenFlow message is empty\n");
        return;
    }
    if (len < OFP_HEADER_LEN) {
        dstr_printf(out, "OpenFlow packet too short (only %zu bytes):\n",
                    len);
        ofp_print_hex_dump(out, p, len);
        return;
    }
    uint16_t mlen = ofp_get_be16(p + 2);
    if (mlen != len) {
        if (mlen > len) {
            print_truncated(out, p, len, mlen);
        } else {
            dstr_printf(out, "(***only uses %u bytes out of %zu***)\n",
                        mlen, len);
        }
        ofp_print_hex_dump(out, p, len);
        return;
    }
    struct ofp_msg msg;
    int err = ofp_msg_decode(p, len, &msg);
    if (!err) {
        ofp_print_header(out, &msg);
        size_t header_len = out->len;
        err = print_body(out, &msg, verbosity);
        if (err) {
            if (out->len > header_len) {
                chomp_space(out);
                add_newline(out);
            } else {
                dstr_putc(out, ' ');
            }
        } else {
            chomp_space(out);
        }
    }
    if (err) {
        dstr_printf(out, "***decode error: %s***\n",
                    ofperr_name((enum ofperr) -err));
        ofp_print_hex_dump(out, p, len);
    }
    add_newline(out);
}
