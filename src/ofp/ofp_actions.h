/* The OpenFlow actions: one list, OFPACTS, from which the action enum, the
 * keywords of the ovs-ofctl parser, the printer and the translator's
 * dispatch are all generated.
 *
 * An entry needs parse_FN() and format_FN() in ofp_parse.c and xlate_FN()
 * in xlate.c: the build fails without them.  tests/unit/test_ofp_parse.c
 * parses every entry's SAMPLE and prints it back, so an entry whose parse
 * and format disagree fails a test. */
#ifndef VS_OFP_OFP_ACTIONS_H
#define VS_OFP_OFP_ACTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp/xflow.h"

#define OFP_NOTE_MAX 64
/* controller(userdata=...): the most bytes one NXAST_CONTROLLER2 can carry
 * (a 16-byte action header and one property in a 65528-byte action). */
#define OFP_CONTROLLER_USERDATA_MAX 65508

/* ---- learn (ovs-actions(7)) ---- */

/* NX_LEARN_F_*: the flags of a learn action, as on the wire. */
#define NX_LEARN_F_SEND_FLOW_REM 1   /* the learned flow's OFPFF_SEND_FLOW_REM */
#define NX_LEARN_F_DELETE_LEARNED 2  /* learned flows go with the learner */
#define NX_LEARN_F_WRITE_RESULT 4    /* result_dst is set (NXAST_LEARN2) */

/* What a spec makes of its source bits. */
enum learn_dst {
    LEARN_DST_MATCH,    /* the learned flow matches dst[] == src */
    LEARN_DST_LOAD,     /* the learned flow loads src into dst[] */
    LEARN_DST_OUTPUT,   /* the learned flow outputs to port src */
};

/* One spec: a field copy (src set) or an immediate (src NULL, imm). */
struct learn_spec {
    enum learn_dst dst_type;
    const struct mf_field *src, *dst;   /* dst NULL for OUTPUT */
    uint16_t src_ofs, dst_ofs, n_bits;
    mf_value imm;                       /* low n_bits bits */
};

/* A learn action: on the heap (OFPACT_LEARN's payload points here), owned
 * by its action and freed/copied by ofpacts_free/ofpacts_clone. */
struct ofpact_learn {
    uint16_t idle_timeout, hard_timeout;   /* 0: none */
    uint16_t fin_idle_timeout, fin_hard_timeout;
    uint16_t priority;
    uint8_t table_id;
    uint16_t flags;                        /* NX_LEARN_F_* */
    uint64_t cookie;
    uint32_t limit;                        /* 0: unlimited */
    const struct mf_field *result_dst;     /* WRITE_RESULT: one bit */
    uint16_t result_ofs;
    bool learn2;                           /* sent as NXAST_LEARN2 */
    size_t n_specs;
    struct learn_spec *specs;
};

/* A wire code column's "this encoding has no such action". */
#define OFPACT_NO_WIRE (-1)

/* OFPACT(ENUM, FN, PAYLOAD, OF10, OF13, NX, SAMPLE, NAME, ALIAS)
 *
 *   ENUM     OFPACT_<ENUM>
 *   FN       suffix of its parse_FN, format_FN and xlate_FN; entries of one
 *            family share them (the function gets the type)
 *   PAYLOAD  the member of struct ofpact's union that holds its arguments
 *   OF10     OpenFlow 1.0 action type it is sent as (OFPAT10_*)
 *   OF13     OpenFlow 1.3 action type (OFPAT13_*; 25 = Set-Field), or for
 *            an instruction its instruction type (OFPIT_*)
 *   NX       Nicira extension action subtype (NXAST_*)
 *            (OFPACT_NO_WIRE where that encoding has none.  The wire
 *            codec, src/ofp/actions_wire.c, takes its codes from these
 *            columns; one type may have several encodings, and a version
 *            may carry an action as another (mod_nw_ttl as a reg_load in
 *            1.0): src/ofp/actions_wire.h lists them.)
 *   SAMPLE   one instance as ovs-ofctl prints it (parsed back by the tests)
 *   NAME     its keyword; ALIAS another keyword for it, or NULL.
 *            Besides these, a bare port ("2", "NORMAL", "CONTROLLER:64")
 *            is an output and "drop" is the empty list (ofp_parse.c). */
#define OFPACTS                                                              \
    /* Output. */                                                            \
    OFPACT(OUTPUT, output, output, 0, 0, OFPACT_NO_WIRE, "output:3",         \
           "output", NULL)                                                   \
    /* NX: NXAST_CONTROLLER (20), or NXAST_CONTROLLER2 (37) with        \
     * userdata, pause or a meter. */                                      \
    OFPACT(CONTROLLER, controller, output, 0, 0, 20, "CONTROLLER:100",       \
           "controller", NULL)                                               \
                                                                             \
    /* VLAN tags. */                                                         \
    OFPACT(SET_VLAN_VID, vlan_vid, u16, 1, 25, OFPACT_NO_WIRE,               \
           "mod_vlan_vid:20", "mod_vlan_vid", NULL)                          \
    OFPACT(SET_VLAN_PCP, vlan_pcp, u8, 2, 25, OFPACT_NO_WIRE,                \
           "mod_vlan_pcp:2", "mod_vlan_pcp", NULL)                           \
    OFPACT(STRIP_VLAN, strip_vlan, none, 3, 18, OFPACT_NO_WIRE,              \
           "strip_vlan", "strip_vlan", "pop_vlan")                           \
    OFPACT(PUSH_VLAN, push_vlan, u16, OFPACT_NO_WIRE, 17, OFPACT_NO_WIRE,    \
           "push_vlan:0x88a8", "push_vlan", NULL)                            \
                                                                             \
    /* Header fields. */                                                     \
    OFPACT(SET_ETH_SRC, mod_eth, set, 4, 25, OFPACT_NO_WIRE,                 \
           "mod_dl_src:00:00:00:00:00:01", "mod_dl_src", NULL)               \
    OFPACT(SET_ETH_DST, mod_eth, set, 5, 25, OFPACT_NO_WIRE,                 \
           "mod_dl_dst:00:00:00:00:00:02", "mod_dl_dst", NULL)               \
    OFPACT(SET_IPV4_SRC, mod_ipv4, set, 6, 25, OFPACT_NO_WIRE,               \
           "mod_nw_src:1.2.3.4", "mod_nw_src", NULL)                         \
    OFPACT(SET_IPV4_DST, mod_ipv4, set, 7, 25, OFPACT_NO_WIRE,               \
           "mod_nw_dst:5.6.7.8", "mod_nw_dst", NULL)                         \
    OFPACT(SET_IP_TOS, ip_tos, u8, 8, 25, OFPACT_NO_WIRE, "mod_nw_tos:8",    \
           "mod_nw_tos", NULL)                                               \
    /* OF1.0: NXAST_REG_LOAD to NXM_NX_IP_TTL. */                           \
    OFPACT(SET_IP_TTL, ip_ttl, u8, OFPACT_NO_WIRE, 23, 7,                    \
           "mod_nw_ttl:9", "mod_nw_ttl", NULL)                               \
    OFPACT(DEC_TTL, dec_ttl, none, OFPACT_NO_WIRE, 24, 18, "dec_ttl",        \
           "dec_ttl", NULL)                                                  \
    /* OF1.3: OVS's deprecated OFPAT_SET_TP_SRC/DST (9/10), which it sends \
     * when it does not know the flow's protocol (set_field needs it). */ \
    OFPACT(SET_L4_SRC, l4_port, u16, 9, 9, OFPACT_NO_WIRE, "mod_tp_src:1",   \
           "mod_tp_src", NULL)                                               \
    OFPACT(SET_L4_DST, l4_port, u16, 10, 10, OFPACT_NO_WIRE, "mod_tp_dst:2", \
           "mod_tp_dst", NULL)                                               \
    OFPACT(SET_FIELD, set_field, set, OFPACT_NO_WIRE, 25, 7,                 \
           "set_field:0x5/0x5->reg0", "set_field", NULL)                     \
    OFPACT(LOAD, load, load, OFPACT_NO_WIRE, OFPACT_NO_WIRE, 7,              \
           "load:0x1->NXM_NX_REG0[0..3]", "load", NULL)                      \
    OFPACT(MOVE, move, move, OFPACT_NO_WIRE, OFPACT_NO_WIRE, 6,              \
           "move:NXM_NX_REG0[0..3]->NXM_NX_REG1[4..7]", "move", NULL)        \
                                                                             \
    /* Metadata. */                                                          \
    /* NX: 2, or SET_TUNNEL64 (9) past 32 bits; 1.2+: Set-Field tun_id. */ \
    OFPACT(SET_TUNNEL, set_tunnel, u64, OFPACT_NO_WIRE, 25, 2,               \
           "set_tunnel:0x7", "set_tunnel", "set_tunnel64")                   \
                                                                             \
    /* Tables. */                                                            \
    /* NXAST_RESUBMIT_TABLE (14), as ovs-ofctl sends every resubmit; the  \
     * older NXAST_RESUBMIT (1) is decoded too. */                         \
    OFPACT(RESUBMIT, resubmit, resubmit, OFPACT_NO_WIRE, OFPACT_NO_WIRE, 14, \
           "resubmit(1,2)", "resubmit", NULL)                                \
    /* OF1.0: NXAST_RESUBMIT_TABLE (in_port IN_PORT), as OVS sends it. */  \
    OFPACT(GOTO_TABLE, goto_table, u8, OFPACT_NO_WIRE, 1, 14,                \
           "goto_table:5", "goto_table", NULL)                               \
                                                                             \
    /* Other. */                                                             \
    OFPACT(NOTE, note, note, OFPACT_NO_WIRE, OFPACT_NO_WIRE, 8,              \
           "note:41.42.00.00.00.00", "note", NULL)                           \
                                                                             \
    /* meters: OF1.3/1.4 the METER instruction (OFPIT_METER 6), OF1.5 the  \
     * METER action (OFPAT_METER 29); none in 1.0.  Must come first. */    \
    OFPACT(METER, meter, meter, OFPACT_NO_WIRE, 6, OFPACT_NO_WIRE,           \
           "meter:1", "meter", NULL)                                         \
    /* learn: NXAST_LEARN (16), or NXAST_LEARN2 (45) with limit or        \
     * result_dst; fin_timeout: NXAST_FIN_TIMEOUT (19). */                 \
    OFPACT(LEARN, learn, learn, OFPACT_NO_WIRE, OFPACT_NO_WIRE, 16,          \
           "learn(table=10,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],"               \
           "load:NXM_OF_IN_PORT[]->NXM_NX_REG0[0..15])", "learn", NULL)      \
    OFPACT(FIN_TIMEOUT, fin_timeout, fin, OFPACT_NO_WIRE, OFPACT_NO_WIRE,    \
           19, "fin_timeout(idle_timeout=5,hard_timeout=10)", "fin_timeout", \
           NULL)                                                             \
    /* Groups (ofproto/group.c): OF1.1+ OFPAT_GROUP (22); OF1.0 has none, \
     * OVS sends NXAST_GROUP (40). */                                      \
    OFPACT(GROUP, group, group, OFPACT_NO_WIRE, 22, 40, "group:1", "group",  \
           NULL)                                                             \
    /* conj: conjunction(id,k/n), NXAST_CONJUNCTION (34) in every        \
     * version.  Only with note in a list (ofpacts_check_conjunction); a \
     * flow of them is one clause of a conjunctive match (classifier.h). */\
    OFPACT(CONJUNCTION, conjunction, conjunction, OFPACT_NO_WIRE,            \
           OFPACT_NO_WIRE, 34, "conjunction(10,1/2)", "conjunction", NULL)

enum ofpact_type {
#define OFPACT(ENUM, ...) OFPACT_##ENUM,
    OFPACTS
#undef OFPACT
};

/* The number of action types (outside the enum, so that a switch over the
 * enum lists exactly the actions). */
enum {
#define OFPACT(ENUM, ...) + 1
    OFPACT_N_TYPES = 0 OFPACTS
#undef OFPACT
};

/* Where a SET_FIELD came from: written as set_field or received as
 * OFPAT_SET_FIELD (or as a legacy OF1.0 set action), or received as
 * NXAST_REG_LOAD2, which OpenFlow 1.0 to 1.4 send back as such. */
enum ofpact_set_raw {
    OFPACT_SET_RAW_SET_FIELD = 0,
    OFPACT_SET_RAW_REG_LOAD2,
};

/* One action.  The union member an action uses is its PAYLOAD in OFPACTS. */
struct ofpact {
    enum ofpact_type type;
    union {
        bool none;          /* actions without arguments */
        struct {
            uint32_t port;
            uint16_t max_len;
            /* CONTROLLER only: sent as NXAST_CONTROLLER when either is
             * set, else as output to OFPP_CONTROLLER. */
            uint16_t controller_id;
            bool has_reason;    /* else the reason is OFPR_ACTION */
            uint8_t reason;     /* OFPR_* */
            /* CONTROLLER only: any of these makes it NXAST_CONTROLLER2.
             * pause: translation stops here and the NXT_PACKET_IN2 carries
             * a continuation (NXT_RESUME runs the rest).  meter_id: parsed,
             * printed and sent as OVS does (0: none), but there are no
             * meters yet, so it has no effect. */
            bool pause;
            uint32_t meter_id;
            uint16_t userdata_len;
            uint8_t *userdata;  /* malloc'd, owned: see ofpacts_free */
        } output;
        uint8_t u8;
        uint16_t u16;
        uint64_t u64;
        struct {
            const struct mf_field *field;
            mf_value value, mask;
            /* SET_FIELD only: the action it came as (OVS's ofpact.raw),
             * which decides how it goes out again (actions_wire.h).  A
             * load written as such, or received as NXAST_REG_LOAD, is
             * OFPACT_LOAD instead, and prints as load. */
            uint8_t raw;        /* enum ofpact_set_raw */
            /* SET_FIELD only: written with a mask, though the mask covers
             * every bit of a field whose bits are not whole bytes (nw_ecn,
             * ip_dscp, vlan_pcp/vid, ipv6_label): OVS, which looks at the
             * bytes, prints it and sends it masked. */
            bool wire_mask;
        } set;
        struct {
            const struct mf_field *field;
            uint16_t ofs, n_bits;
            mf_value value;
        } load;
        struct {
            const struct mf_field *src, *dst;
            uint16_t src_ofs, dst_ofs, n_bits;
        } move;
        struct {
            uint32_t in_port;   /* OFPP_IN_PORT: the packet's own */
            uint8_t table;      /* OFP_TABLE_ALL: the current table */
            bool paren;         /* written resubmit(...) rather than :port */
        } resubmit;
        struct {
            uint8_t len;
            uint8_t data[OFP_NOTE_MAX];
        } note;
        /* groups */
        struct {
            uint32_t id;
        } group;
        struct {                /* meters */
            uint32_t meter_id;  /* OpenFlow meter id */
        } meter;
        /* learn, fin_timeout */
        struct ofpact_learn *learn;     /* heap: ofpacts_free/clone */
        struct {
            uint16_t idle, hard;        /* 0: unchanged */
        } fin;
        /* conj: CONJUNCTION.  clause is 0-based (k - 1), as OVS keeps it;
         * 2 <= n_clauses <= 64, clause < n_clauses. */
        struct {
            uint32_t id;
            uint8_t clause, n_clauses;
        } conjunction;
    };
};

/* Action lists are arrays of struct ofpact.  An action may own memory
 * (a payload too big for the union points to the heap), so a list is
 * copied and freed only through these two; a bitwise copy of a list
 * shares what its actions own. */

/* Frees the list and what its actions own; NULL is fine. */
void ofpacts_free(struct ofpact *acts, size_t n);
/* A deep copy of the list (NULL when n is 0). */
struct ofpact *ofpacts_clone(const struct ofpact *acts, size_t n);

/* learn: a zeroed action payload with OVS's defaults (table 1, priority
 * 32768, no timeouts), and the check OVS makes of it against the match of
 * the flow it is in (NULL: none): source fields' prerequisites met by that
 * match, each match destination's by the specs before it, load
 * destinations writable.  Returns 0 or a negative enum ofperr. */
struct ofpact_learn *ofpact_learn_new(void);
int ofpact_learn_check(const struct ofpact_learn *l,
                       const struct xflow *match_value,
                       const struct xflow *match_mask);
/* conj: a list with a CONJUNCTION may hold only CONJUNCTION and NOTE
 * actions (OVS's ofpacts_verify).  Returns 0, or -OFPERR_NXBAC_BAD_CONJUNCTION
 * with OVS's message in `err` (when not NULL). */
int ofpacts_check_conjunction(const struct ofpact *acts, size_t n, char *err,
                              size_t errlen);
/* conj: true when the list is a clause of a conjunctive match: it has a
 * CONJUNCTION (and then, checked, only those and notes). */
bool ofpacts_is_conjunctive(const struct ofpact *acts, size_t n);
/* The keyword of an action type ("output"), as in error messages. */
const char *ofpact_name(enum ofpact_type type);

/* Each entry's PAYLOAD names a member of the union. */
#define OFPACT(ENUM, FN, PAYLOAD, ...)                                       \
    _Static_assert(sizeof(((struct ofpact *) 0)->PAYLOAD) > 0,               \
                   "OFPACT_" #ENUM "'s payload");
OFPACTS
#undef OFPACT

#endif
