/* Flows in ovs-ofctl syntax: matches, actions and the flow-mod keywords
 * (table, priority, cookie, timeouts), parsed into structures and printed
 * back as ovs-ofctl prints them. */
#ifndef VS_OFP_OFP_PARSE_H
#define VS_OFP_OFP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/dstr.h"
#include "ofp/ofp_actions.h"
#include "ofp/xflow.h"

#define OFP_N_TABLES 255          /* tables 0..254 */
#define OFP_TABLE_ALL 255         /* "every table" in del/dump */
#define OFP_DEFAULT_PRIORITY 32768

/* A match: the packet fields in `value` selected by `mask`. */
struct ofp_match {
    struct xflow value;
    struct xflow mask;
};

/* A whole flow as add-flow, mod-flows, del-flows and dump-flows take it. */
struct ofp_flow_spec {
    struct ofp_match match;
    uint16_t priority;
    bool priority_set;
    uint8_t table_id;          /* not given: 0 to add, else OFP_TABLE_ALL */
    uint64_t cookie, cookie_mask;
    bool cookie_set;
    bool cookie_masked;        /* written cookie=X/MASK: it selects (in
                                * modify and the match modes); a bare
                                * cookie=X sets it (add, modify) */
    uint16_t idle_timeout, hard_timeout;
    uint16_t importance;       /* add only */
    uint16_t flags;            /* OFPFF_* (send_flow_rem, check_overlap,
                                * reset_counts, no_packet_counts,
                                * no_byte_counts): add and modify */
    uint32_t out_port;         /* out_port=: OFPP_NONE when not given
                                * (match mode) */
    uint32_t out_group;        /* out_group=: 0xffffffff (any) when not
                                * given (match mode) */
    bool has_actions;
    size_t n_acts;
    struct ofpact *acts;       /* malloc'd */
};

enum ofp_parse_mode {
    OFP_PARSE_ADD,     /* actions required, cookie mask refused */
    OFP_PARSE_MODIFY,  /* actions required */
    OFP_PARSE_MATCH,   /* del-flows/dump-flows: no actions, table may be
                        * absent (= all), out_port/out_group filters, a
                        * cookie only with a mask */
};

/* Parses `s` into `spec` (which the caller frees with ofp_flow_spec_free,
 * also after an error).  Returns 0, or -1 with an ovs-ofctl-worded message
 * in `err` ("unknown keyword foo"). */
int ofp_parse_flow(const char *s, enum ofp_parse_mode mode,
                   struct ofp_flow_spec *spec, char *err, size_t errlen);

void ofp_flow_spec_free(struct ofp_flow_spec *spec);

/* Parses just an action list ("output:1,NORMAL"); 0 or -1 with `err`.
 * *acts is malloc'd (NULL for drop). */
int ofpacts_parse(const char *s, struct ofpact **acts, size_t *n_acts,
                  char *err, size_t errlen);

/* Prints the match as ovs-ofctl does: "priority=100,tcp,in_port=1,tp_dst=80"
 * (priority left out when it is OFP_DEFAULT_PRIORITY or `priority` < 0).
 * Prints nothing for a match-all. */
void ofp_match_format(const struct ofp_match *m, int priority,
                      struct dstr *out);

/* Prints the actions ("output:2,NORMAL"; "drop" for none). */
void ofpacts_format(const struct ofpact *acts, size_t n, struct dstr *out);

/* Sets field `f` to value/mask in the match. */
void ofp_match_set(struct ofp_match *m, const struct mf_field *f,
                   mf_value value, mf_value mask);

/* True when a packet `x` matches. */
bool ofp_match_hit(const struct ofp_match *m, const struct xflow *x);

/* True when every packet `narrow` matches also matches `wide` (wide's mask
 * is a subset of narrow's and they agree on it): OpenFlow's non-strict
 * flow selection. */
bool ofp_match_covers(const struct ofp_match *wide,
                      const struct ofp_match *narrow);

bool ofp_match_equal(const struct ofp_match *a, const struct ofp_match *b);

#endif
