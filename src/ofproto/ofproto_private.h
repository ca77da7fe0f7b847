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
    struct connmgr *connmgr;   /* its OpenFlow connections, or NULL; set by
                                * connmgr_create */
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

/* The registry (first bridge). */
struct ofproto *ofproto_registry(void);

#endif
