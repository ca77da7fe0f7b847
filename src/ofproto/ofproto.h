/* The slow path of one bridge: OpenFlow-style tables of rules, the NORMAL
 * learning switch, translation of upcalls into megaflows, revalidation and
 * expiry of the datapath flows it installed, and the control commands
 * (ofproto/trace, fdb/show, fdb/flush).  OpenFlow reaches it through
 * connmgr.h and ofproto_ofp.h.
 *
 * One datapath serves every bridge, so datapath port numbers are global,
 * while OpenFlow port numbers (ofport) belong to one bridge.  The bridge's
 * own internal port is OFPP_LOCAL (printed "LOCAL").
 *
 * Behaviours worth knowing:
 *  - CONTROLLER actions, and table misses while an OpenFlow 1.0 connection
 *    takes packet-ins: the datapath flow is one userspace action, so every
 *    packet comes up, is translated again and sent as a packet_in.
 *  - A megaflow the datapath refuses as overlapping an older one (-EINVAL,
 *    possible while revalidation catches up with a rule change): the older
 *    flows are deleted and the put retried once, then an exact-match flow is
 *    tried; the packet itself is always executed.
 *  - Past flow-limit nothing more is installed; packets are still forwarded
 *    one by one through the slow path.
 *  - Any change (rules, ports, MAC table) re-translates every datapath flow
 *    of the bridge from its key: modified in place when only the actions
 *    changed, deleted when the mask changed (the next packet reinstalls).
 *
 * Threads: every function here runs on the control (main) thread. */
#ifndef VS_OFPROTO_OFPROTO_H
#define VS_OFPROTO_OFPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp/ofp_port.h"

struct datapath;
struct upcall;
struct ofproto;


/* VLAN configuration of a port, as the Port table's tag, trunks and
 * vlan_mode columns. */
struct ofproto_port_cfg {
    int tag;                 /* access VLAN 0..4095, -1 none */
    size_t n_trunks;
    const int64_t *trunks;   /* VLANs a trunk carries; none = all */
    const char *vlan_mode;   /* "access", "trunk", "native-tagged",
                              * "native-untagged"; NULL or "" = OVS's
                              * default: access if tag is set, else trunk */
};

/* Creates the slow path of bridge `bridge_name` over `dp` and adds it to the
 * registry the control commands search by name.  Table 0 starts with one
 * rule: priority 0, actions=NORMAL.  NULL when the name is taken. */
struct ofproto *ofproto_create(const char *bridge_name, struct datapath *dp);

/* Removes every datapath flow this bridge installed and frees it. */
void ofproto_destroy(struct ofproto *ofproto);

/* The bridge's name (owned by the ofproto). */
const char *ofproto_name(const struct ofproto *ofproto);

/* The bridge called `name`, or NULL. */
struct ofproto *ofproto_lookup(const char *name);

/* The bridge that owns datapath port `dp_port`, or NULL. */
struct ofproto *ofproto_lookup_by_dp_port(uint32_t dp_port);

/* Adds port `ofport` (1..OFPP_MAX-1 or OFPP_LOCAL), or updates it when it
 * exists, mapped to datapath port `dp_port` and named `name`;
 * `vlan_cfg` NULL = no VLAN configuration (trunk of all VLANs).  Datapath
 * flows are revalidated.  Returns 0, or -EINVAL (bad number, bad VLAN
 * config) / -EEXIST (dp_port or name used by another ofport). */
int ofproto_port_set(struct ofproto *ofproto, uint32_t ofport,
                     uint32_t dp_port, const char *name,
                     const struct ofproto_port_cfg *vlan_cfg);

/* Removes port `ofport`: its MAC entries and the flows that used it. */
void ofproto_port_del(struct ofproto *ofproto, uint32_t ofport);

/* The tunable limits of one bridge, typed.  The daemon fills them from the
 * Bridge's other_config (mac-table-size, mac-aging-time, flow-limit,
 * max-idle, forward-bpdu) and checks their ranges; ofproto knows nothing of
 * the store. */
struct ofproto_settings {
    size_t mac_table_size;   /* MAC entries kept (>= 1); default 2048 */
    unsigned mac_aging_s;    /* seconds an unrefreshed MAC entry lives
                              * (>= 1); default 300 */
    size_t flow_limit;       /* datapath flows installed at most (0: none,
                              * every packet goes the slow path); default
                              * 200000 */
    uint64_t max_idle_ms;    /* a datapath flow idle this long is removed;
                              * default 10000 */
    bool forward_bpdu;       /* NORMAL forwards frames to reserved
                              * multicast addresses (STP, LACP, LLDP, ...);
                              * default false: they are dropped */
};

#define OFPROTO_DEFAULT_MAX_IDLE_MS 10000

/* Fills `s` with the defaults (the values a new bridge starts with). */
void ofproto_settings_default(struct ofproto_settings *s);

/* Applies `s` (mac_table_size and mac_aging_s of 0 are taken as 1).  A
 * smaller MAC table loses its oldest entries; datapath flows are
 * revalidated on the next drain or run. */
void ofproto_set_settings(struct ofproto *ofproto,
                          const struct ofproto_settings *s);

/* Fail-open (connmgr.c): while on, every packet is switched NORMAL ahead
 * of the flow table, as OVS's hidden fail-open rule does; the datapath
 * flows are revalidated when it changes. */
void ofproto_set_fail_open(struct ofproto *ofproto, bool on);

/* Handles one upcall on this bridge: learns, translates the packet through
 * the tables, installs the megaflow (unless the flow limit is reached or
 * the datapath refuses it) and executes the actions on the packet. */
void ofproto_handle_upcall(struct ofproto *ofproto, const struct upcall *up);

/* Drains up to `max` upcalls of `dp` and hands each to the bridge that owns
 * its input port (upcalls of ports no bridge owns are dropped and counted
 * in ofproto_n_unowned_upcalls); then revalidates the bridges whose MAC
 * tables changed.  Returns the number of upcalls taken.  This is the one
 * place upcalls are dispatched: the daemon runs it when
 * datapath_upcall_fd() is readable. */
size_t ofproto_drain_upcalls(struct datapath *dp, size_t max);

/* Upcalls dropped since the process started because no bridge owned their
 * input port. */
uint64_t ofproto_n_unowned_upcalls(void);

/* Periodic work, at least every 500 ms (now_ms from dp_time_ms()): pulls
 * datapath flow stats into the rules, expires rules (idle/hard timeouts),
 * MAC entries (aging) and datapath flows idle past max-idle, and
 * revalidates the datapath flows when anything changed. */
void ofproto_run(struct ofproto *ofproto, uint64_t now_ms);

/* ofproto_run on every bridge of the registry. */
void ofproto_run_all(uint64_t now_ms);

/* Registers the control commands (once per process; later calls do
 * nothing): ofproto/trace, fdb/show, fdb/flush.  Flow tables are reached
 * over OpenFlow only (connmgr.h). */
void ofproto_register_commands(void);

/* Number of datapath flows this bridge has installed. */
size_t ofproto_n_dp_flows(const struct ofproto *ofproto);

/* Adds a flow given in ovs-ofctl syntax ("priority=10,tcp,actions=drop").
 * Returns 0, or -1 with an OVS-worded message in `err`. */
int ofproto_add_flow_str(struct ofproto *ofproto, const char *flow,
                         char *err, size_t errlen);

#endif
