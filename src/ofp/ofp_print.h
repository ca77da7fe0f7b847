/* OpenFlow messages as text, the way Debian's ovs-ofctl 3.1 prints them
 * (ofp-print): a header line "NXST_FLOW reply (xid=0x4):" or
 * "OFPST_FLOW reply (OF1.3) (xid=0x2):" followed by the decoded body.
 *
 * The ofp_print_* functions of one decoded struct append to `out` exactly
 * what ovs-ofctl appends after the header for that message; ofp_print_msg
 * decodes a whole message (with the decoders of ofp_msgs.h) and prints the
 * header and body, or "***decode error: NAME***" and a hex dump when it
 * does not decode.  Safe on any input bytes. */
#ifndef VS_OFP_OFP_PRINT_H
#define VS_OFP_OFP_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/dstr.h"
#include "ofp/ofp_msgs.h"

/* OVS's name of the message's encoding: "OFPT_FEATURES_REPLY",
 * "NXST_FLOW reply", "OFPST_PORT_DESC request", "NXT_PACKET_IN2". */
const char *ofp_msg_name(const struct ofp_msg *msg);

/* " (OF1.3) (xid=0x2):" (no version for OpenFlow 1.0). */
void ofp_print_version_xid(struct dstr *out, uint8_t version, uint32_t xid);

/* "NAME (OF1.x) (xid=0x..):" and, for multipart, " flags=[more]". */
void ofp_print_header(struct dstr *out, const struct ofp_msg *msg);

/* "1.5s", "0.028s", "3.000000001s" as ofp_print_duration. */
void ofp_print_duration(struct dstr *out, uint32_t sec, uint32_t nsec);

/* A port number: "3", "LOCAL", "CONTROLLER", "ANY"... */
void ofp_print_port_no(struct dstr *out, uint32_t port);

/* ---- bodies of decoded messages (after the header line) ---- */

/* " dpid:...\nn_tables:..\ncapabilities: ..\n[actions: ..\n]" and the
 * ports (OF1.0), sorted by number. */
void ofp_print_features(struct dstr *out, uint8_t version,
                        const struct ofp_features *f);
/* One port, " 1(p1): addr:..\n     config: ...". */
void ofp_print_phy_port(struct dstr *out, const struct ofp_phy_port *p);
/* Ports sorted by number (LOCAL after the others) as OVS sorts them. */
void ofp_print_phy_ports(struct dstr *out, const struct ofp_phy_port *p,
                         size_t n);
/* " frags=normal miss_send_len=0". */
void ofp_print_switch_config(struct dstr *out,
                             const struct ofp_switch_config *c);
void ofp_print_desc(struct dstr *out, const struct ofp_desc *d);

/* Table stats across one or more reply messages: keep one state. */
struct ofp_table_print {
    bool have_prev;
    struct ofp_table_stats prev;
    int first_ditto, last_ditto;
};
void ofp_table_print_init(struct ofp_table_print *tp);
void ofp_print_table_stats(struct dstr *out, uint8_t version,
                           struct ofp_table_print *tp,
                           const struct ofp_table_stats *ts);
/* Closes a run of "ditto" tables. */
void ofp_table_print_finish(struct dstr *out, struct ofp_table_print *tp);

/* " N ports\n" is the caller's (it knows the count); one entry. */
void ofp_print_port_stats(struct dstr *out, uint8_t version,
                          const struct ofp_port_stats *ps);

/* One flow as dump-flows prints it (no leading space, no newline):
 * "cookie=0x0, duration=..., table=0, ... priority=5,ip actions=drop".
 * `version` decides what the version can say (OF1.0 has no flags);
 * `show_stats` false for --no-stats. */
void ofp_print_flow_stats(struct dstr *out, const struct ofp_flow_stats *fs,
                          bool show_stats);
/* " packet_count=0 byte_count=0 flow_count=4". */
void ofp_print_aggregate(struct dstr *out, const struct ofp_aggregate_stats *a);
/* " ADD table:1 priority=5,ip actions=drop" as OFPT_FLOW_MOD prints. */
void ofp_print_flow_mod(struct dstr *out, uint8_t version,
                        const struct ofp_flow_mod *fm);
/* " priority=5,ip reason=idle table_id=1 duration2.5s idle10 pkts0
 * bytes0\n". */
void ofp_print_flow_removed(struct dstr *out,
                            const struct ofp_flow_removed *fr);
/* " total_len=60 in_port=1 (via no_match) data_len=60 (unbuffered)\n"
 * and, when `packet`, the decoded frame's line. */
void ofp_print_packet_in(struct dstr *out, const struct ofp_packet_in *pin,
                         uint8_t version, bool packet);
/* " ADD: 1(p1): addr:..." */
void ofp_print_port_status(struct dstr *out, enum ofp_port_reason reason,
                           const struct ofp_phy_port *p);
/* The frame as ovs-ofctl prints a packet: "icmp,vlan_tci=0x0000,dl_src=..
 * icmp_csum:f7ff\n". */
void ofp_print_packet(struct dstr *out, const uint8_t *frame, size_t len);

/* 16 bytes a line with offsets and ASCII, as OVS's hex dump. */
void ofp_print_hex_dump(struct dstr *out, const uint8_t *p, size_t len);

/* ---- whole messages ---- */

/* The header and body of the message in `data` (`len` bytes), always
 * ending in a newline.  `verbosity` as ovs-ofctl's: 1 prints what a
 * reply shows, 2+ also prints a packet-in's frame. */
void ofp_print_msg(struct dstr *out, const void *data, size_t len,
                   int verbosity);

/* Meters (ofp_meter.c), as ovs-ofctl 3.1 prints them: the body of a meter
 * mod, multipart request, config, stats and features reply. */
int ofp_print_meter_msg(struct dstr *out, const struct ofp_msg *msg);

#endif
