/* The insides of struct ofproto, shared by ofproto.c (ports, upcalls,
 * datapath flows, revalidation), xlate.c (translation) and
 * ofproto_commands.c (control commands).  Not for use outside ofproto/. */
#ifndef VS_OFPROTO_OFPROTO_PRIVATE_H
#define VS_OFPROTO_OFPROTO_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp/actions.h"
#include "dp/datapath.h"
#include "dp/flow_key.h"
#include "dp/vport/vport.h"
#include "ofproto/classifier.h"
#include "ofproto/mac_learning.h"
#include "ofproto/ofproto.h"
#include "ofproto/xlate.h"
#include "ofp/xflow.h"

enum ofport_vlan_mode {
    VLAN_MODE_TRUNK,
    VLAN_MODE_ACCESS,
    VLAN_MODE_NATIVE_TAGGED,
    VLAN_MODE_NATIVE_UNTAGGED,
};

struct ofport {
    uint32_t ofport;           /* OpenFlow number (OFPP_LOCAL for LOCAL) */
    uint32_t dp_port;
    char name[VPORT_NAME_MAX];
    enum ofport_vlan_mode mode;
    int tag;                   /* access/native VLAN, -1 none */
    bool all_trunks;           /* no trunks listed: every VLAN */
    uint8_t trunks[4096 / 8];  /* bitmap of trunked VLANs */
    uint32_t config;           /* OFPPC_* set by port_mod (ofp_msgs.h):
                                * PORT_DOWN, NO_RECV, NO_FWD, NO_PACKET_IN,
                                * and OF1.0's NO_FLOOD */
    int link_up;               /* as last reported in a port status: 1, 0,
                                * -1 unknown */
};

/* A datapath flow this bridge installed, with what it needs to revalidate
 * it (the key it was translated from) and to account for it (the rules the
 * translation went through and the stats already credited to them). */
struct dpflow {
    struct flow_key key;       /* the upcall's full key */
    struct flow_key masked;    /* key & mask, as the datapath holds it */
    struct flow_key mask;
    uint8_t *acts;
    size_t acts_len;
    struct rule **rules;       /* referenced */
    size_t n_rules;
    struct xlate_group_hit *group_hits;    /* groups: credited with the
                                            * rules (by id) */
    size_t n_group_hits;
    uint64_t packets, bytes;   /* datapath stats already credited */
    uint64_t used_ms;          /* last hit (or install) */
    bool normal;               /* NORMAL learned from this flow's source */
    uint8_t src_mac[6];
    uint16_t vlan;
    uint32_t in_ofport;
    bool seen;                 /* found in the last stats pass */
    struct dpflow *next;       /* hash chain */
};

#define DPFLOW_BUCKETS 65536

struct ofproto {
    char *name;
    struct datapath *dp;
    struct oftable *tables[OFP_N_TABLES];
    uint64_t table_lookups[OFP_N_TABLES], table_matches[OFP_N_TABLES];

    struct ofport *ports;      /* sorted by ofport */
    size_t n_ports;

    struct mac_table *macs;
    struct ofproto_settings settings;
    struct dpflow **flows;     /* DPFLOW_BUCKETS chains */
    size_t n_flows;

    bool need_revalidate;      /* rules, ports or MACs changed */
    uint64_t created_ms;

    /* Counters shown by dump-tables and the tests. */
    uint64_t n_upcalls, n_installs, n_install_fails, n_overlap_fixes;
    uint64_t n_controller_drops, n_revalidations;

    uint8_t *exec_buf;         /* one packet copy for datapath_execute */

    /* OpenFlow. */
    struct connmgr *connmgr;   /* NULL: no connections (tests, commands) */
    bool miss_to_controller;   /* a table miss sends a packet_in (while
                                * some connection wants those, as OVS:
                                * connmgr_wants_packet_in_on_miss) */
    bool fail_open;            /* NORMAL ahead of the tables (OVS's hidden
                                * fail-open rule, priority 0xf0f0f0) */
    uint16_t frag_flags, miss_send_len;    /* SET_CONFIG */
    uint64_t next_link_poll_ms;
    void *ofp_state;           /* ofproto_ofp.c's (bundles) */
    struct group_table *groups;    /* OpenFlow groups (group.h) */
    void (*ofp_state_free)(struct ofproto *);
    uint8_t uuid[16];          /* random: names the bridge in the
                                * continuations of its packet-ins */

    /* learn: the (table, cookie) of every learn with delete_learned in
     * the tables at the last sweep (ofproto.c). */
    struct learned_cookie *learned_cookies;
    size_t n_learned_cookies;
    uint64_t learner_seq;      /* rule_learner_seq() at the last sweep */

    struct ofproto *next;      /* the registry */
};

const struct ofport *ofproto_port_by_ofport(const struct ofproto *ofp,
                                            uint32_t ofport);
const struct ofport *ofproto_port_by_dp_port(const struct ofproto *ofp,
                                             uint32_t dp_port);

/* Revalidates every datapath flow of the bridge now. */
void ofproto_revalidate(struct ofproto *ofp);

/* Flow-table changes of the ofctl commands; each revalidates. */
int ofproto_flow_add(struct ofproto *ofp, const struct ofp_flow_spec *spec);
/* Modifies (strict or not) the actions of matching rules; returns how many
 * changed. */
size_t ofproto_flow_mod(struct ofproto *ofp, const struct ofp_flow_spec *spec,
                        bool strict);
/* Deletes matching rules (all with spec NULL); returns how many. */
size_t ofproto_flow_del(struct ofproto *ofp, const struct ofp_flow_spec *spec,
                        bool strict);

/* True when `r` is selected by `spec` (table, cookie, match; strict also
 * compares priority and match exactly). */
bool ofproto_rule_selected(const struct rule *r,
                           const struct ofp_flow_spec *spec, bool strict);

/* Pulls datapath flow stats into the rules of every bridge. */
void ofproto_pull_stats_all(void);

/* The datapath action list of a flow that must come up to the slow path
 * for every packet (controller actions, misses to the controller): the
 * userdata of its one userspace action. */
#define OFPROTO_SLOW_PATH_USERDATA 0x736c6f7770617468ull   /* "slowpath" */

/* A port as OpenFlow describes it (features, port desc, port status). */
struct ofp_phy_port;
void ofproto_port_describe(const struct ofproto *ofp, const struct ofport *p,
                           struct ofp_phy_port *pp);

/* The datapath id: the LOCAL port's MAC (or a hash of the bridge name). */
uint64_t ofproto_datapath_id(const struct ofproto *ofp);

/* Sends a flow_removed for `r` (when it asked for one with
 * OFPFF_SEND_FLOW_REM and the bridge has connections). */
void ofproto_rule_send_removed(struct ofproto *ofp, const struct rule *r,
                               uint8_t reason, uint64_t now_ms);

/* Runs `acts` (packet_out) or the tables (acts NULL) on one frame that
 * entered on OpenFlow port `in_port` (a real port, or OFPP_LOCAL,
 * OFPP_CONTROLLER, OFPP_NONE) with the metadata of `md` (NULL: none), and
 * executes the result on the datapath, sending the packet_ins it makes. */
struct xflow;
void ofproto_execute_frame(struct ofproto *ofp, const uint8_t *frame,
                           size_t len, uint32_t in_port,
                           const struct xflow *md, const struct ofpact *acts,
                           size_t n_acts);

/* NXT_RESUME: runs a continuation's groups of actions on one frame, with
 * the metadata `md` (in_port included) the packet-in carried, and
 * executes the result as ofproto_execute_frame does. */
struct ofp_cont_group;
void ofproto_resume_frame(struct ofproto *ofp, const uint8_t *frame,
                          size_t len, const struct xflow *md,
                          const struct ofp_cont_group *groups, size_t n);

/* The registry (first bridge). */
struct ofproto *ofproto_registry(void);

#endif
