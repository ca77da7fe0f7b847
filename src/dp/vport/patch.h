/* Patch ports: what is sent on one end enters the datapath on the other.
 *
 * All bridges share one datapath, so a patch pair is two ports of it whose
 * `peer` options name each other.  Sending on a patch port re-enters the
 * datapath as received on the peer (actions_reenter, which applies the
 * recursion limit), with the tunnel metadata cleared as OVS does.
 *
 * Peer resolution: the fast path keeps the peer's port number cached and
 * checks on every send that the port at that number is still our peer (a
 * patch port with the right name whose own peer is us).  When it is not,
 * the cache is refreshed by a scan of the port numbers under RCU, at most
 * every PATCH_RESCAN_MS, so a late-added peer starts working on its own.
 * After a configuration pass the control thread calls
 * datapath_ports_changed(), which calls the ports_changed op of every port:
 * a patch port then refreshes its cache at once and logs a change of its
 * pair's state.  get_status reports the link up when the pair is complete
 * and, when not, the error text the Interface table shows ("peer 'x' does
 * not exist", ...), looked up afresh.  A port whose peer is missing or
 * mismatched exists, drops what is sent to it and counts tx_dropped. */
#ifndef VS_DP_VPORT_PATCH_H
#define VS_DP_VPORT_PATCH_H

#include "dp/vport/vport.h"

#define PATCH_RESCAN_MS 100

/* The peer name of patch port `vp` (NULL when `vp` is not a patch port). */
const char *vport_patch_peer(const struct vport *vp);

#endif
