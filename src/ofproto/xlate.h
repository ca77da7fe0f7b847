/* Translation: runs a packet's xflow through the bridge's tables and turns
 * the walk into datapath actions plus the mask of every field it looked at
 * (the megaflow), optionally writing the trace of ofproto/trace. */
#ifndef VS_OFPROTO_XLATE_H
#define VS_OFPROTO_XLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dp/actions.h"
#include "lib/dstr.h"
#include "ofp/ofp_msgs.h"
#include "ofp/xflow.h"

struct ofproto;
struct rule;

#define XLATE_MAX_RULES 64
#define XLATE_MAX_RESUBMIT_DEPTH 64
#define XLATE_MAX_RESUBMITS 4096

struct xlate_in {
    struct ofproto *ofproto;
    struct xflow flow;      /* the packet: key from the datapath, in_port
                             * the OpenFlow port, metadata/regs zero */
    bool may_learn;         /* NORMAL may change the MAC table */
    bool count_tables;      /* bump the tables' lookup/matched counters */
    uint64_t now_ms;
    struct dstr *trace;     /* trace text is appended here when not NULL */
    const struct ofpact *acts;  /* packet_out: these actions instead of
                                 * table 0 (output:TABLE runs table 0) */
    size_t n_acts;
    /* NXT_RESUME: these groups of actions (a continuation's), each with
     * its table and cookie, instead of table 0. */
    const struct ofp_cont_group *resume;
    size_t n_resume;
};

/* A packet_in the translation asks for: a controller action, or a table
 * miss while misses go to the controller.  The packet is the one the
 * datapath actions before `acts_len` make of the original. */
#define XLATE_MAX_PINS 8
#define XLATE_MAX_GROUP_HITS 16     /* groups */
struct xlate_pin {
    uint8_t reason;         /* OFPR_* */
    uint8_t table_id;
    uint64_t cookie;        /* of the rule; UINT64_MAX for a miss */
    uint16_t max_len;       /* bytes of the frame to send; 0xffff all */
    uint16_t controller_id;
    size_t acts_len;        /* datapath actions that came before it */
    struct xflow flow;      /* metadata, registers, tunnel at that point */
    const uint8_t *userdata;    /* controller(userdata=...): the action's */
    uint16_t userdata_len;
    bool pause;             /* controller(pause): the translation stopped
                             * here; xlate_out.frozen is what is left */
};

/* The most groups a paused translation leaves (one per rule on the
 * resubmit stack, and those of the continuation being resumed). */
#define XLATE_MAX_FROZEN 128

struct xlate_out {
    struct action_buf acts;
    struct xflow wc;        /* fields consulted (the megaflow mask) */
    struct xflow final;     /* the flow after the actions */
    struct rule *rules[XLATE_MAX_RULES];   /* rules matched, not referenced */
    size_t n_rules;
    bool mac_changed;       /* NORMAL learned a new or moved MAC */
    bool normal;            /* NORMAL ran: fields below are set */
    const char *error;      /* what cut the translation short, as OVS's
                             * xlate errors ("Recursion too deep"), or NULL */
    uint8_t src_mac[6];
    uint16_t vlan;
    bool slow;              /* every packet must come to the slow path
                             * (the translation sends packet_ins) */
    size_t n_pins;
    struct xlate_pin pins[XLATE_MAX_PINS];
    /* groups: the groups (and buckets) the translation went through, for
     * their stats; bucket_id OFPG_BUCKET_ALL for every bucket (an "all"
     * group). */
    size_t n_group_hits;
    struct xlate_group_hit {
        uint32_t group_id, bucket_id;
    } group_hits[XLATE_MAX_GROUP_HITS];
    /* controller(pause): the actions not run, the paused rule's first,
     * then its callers' (pointing into the rules' or the input's actions:
     * valid until the tables change). */
    bool paused;
    size_t n_frozen;
    struct ofp_cont_group frozen[XLATE_MAX_FROZEN];
};

/* Translates `in` into `out`. */
void xlate(const struct xlate_in *in, struct xlate_out *out);

/* The megaflow of the translation of `key`: out->wc reduced to the datapath
 * key, with recirc_id and in_port always matched, and a VLAN tag found
 * absent matched whole. */
void xlate_megaflow_mask(const struct xlate_out *out,
                         const struct flow_key *key, struct flow_key *mask);

/* Prints an exact flow as ofproto/trace's "Flow:" line does
 * ("udp,in_port=1,vlan_tci=0x0000,dl_src=..."). */
void xflow_format_exact(const struct xflow *x, struct dstr *out);

#endif
