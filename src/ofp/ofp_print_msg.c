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
        ofp_print_packet_in(out, &pin, verbosity > 1);
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
    default:
        return 0;
    }
}

/* A message cut short (an error's copy of the request): its name if the
 * header identifies it, and the truncation. */
static void print_truncated(struct dstr *out, const uint8_t *p, size_t len,
                            uint16_t full)
{
    uint8_t *copy = xmalloc(len);
    memcpy(copy, p, len);
    copy[2] = (uint8_t) (len >> 8);
    copy[3] = (uint8_t) len;
    struct ofp_msg msg;
    if (!ofp_msg_decode(copy, len, &msg)) {
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
