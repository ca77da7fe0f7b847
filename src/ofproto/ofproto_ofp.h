/* What each OpenFlow message does to a bridge: flow_mods (with their flags,
 * cookies, out_port/out_group filters and timeouts) and bundles of them,
 * packet_out, port_mod, and the replies to features, config and every
 * multipart request.  connmgr.c calls it for each message that is not the
 * connection's own business.
 *
 * Threads: the control (main) thread only. */
#ifndef VS_OFPROTO_OFPROTO_OFP_H
#define VS_OFPROTO_OFPROTO_OFP_H

#include <stdbool.h>
#include <stdint.h>

#include "ofp/ofp_msgs.h"

struct ofconn;
struct ofproto;

/* Handles `msg` from `conn`, sending its replies through ofconn_send.
 * Returns 0, or -OFPERR_... for connmgr to send as the error reply (the
 * bridge is unchanged when a message fails). */
int ofproto_ofp_handle(struct ofproto *ofproto, struct ofconn *conn,
                       const struct ofp_msg *msg);

/* `conn` is closing: its open bundles are discarded. */
void ofproto_ofp_conn_closed(struct ofproto *ofproto, struct ofconn *conn);

/* meters: the datapath meter (dp/meter.h) that OpenFlow meter `meter_id`
 * of the bridge runs on, in *dp_id; false when the bridge has no such
 * meter (xlate then meters nothing). */
bool ofproto_meter_dp_id(struct ofproto *ofproto, uint32_t meter_id,
                         uint32_t *dp_id);

#endif
