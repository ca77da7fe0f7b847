/* Actions and instructions on the wire, for OpenFlow 1.0 (version 1),
 * 1.3 (4), 1.4 (5) and 1.5 (6); 2 and 3 are encoded like 4.  The codes come
 * from the OF10/OF13/NX columns of OFPACTS (ofp_actions.h); what a version
 * has no native action for goes as a Nicira extension action (type 0xffff,
 * vendor 0x00002320, subtype NXAST_*), as OVS sends it:
 *
 *   output / CONTROLLER    OFPAT_OUTPUT (16-bit port in 1.0, 32-bit in 1.1+);
 *                          a controller action with an id or a reason other
 *                          than "action" is NXAST_CONTROLLER (20)
 *   mod_vlan_vid/pcp, mod_dl_*, mod_nw_src/dst, mod_nw_tos
 *                          OF1.0 actions 1..8; 1.1+: Set-Field (25)
 *   mod_tp_src/dst         OF1.0 9/10; 1.1+: Set-Field of the flow's
 *                          tcp/udp/sctp port, OVS's deprecated 9/10 when the
 *                          match names no protocol (the _ctx encoders)
 *   strip_vlan             OF1.0 3; 1.1+ POP_VLAN (18); push_vlan 1.1+ (17)
 *   mod_nw_ttl, dec_ttl    1.1+ 23, 24; 1.0: NXAST_REG_LOAD to
 *                          NXM_NX_IP_TTL, NXAST_DEC_TTL (18)
 *   set_field              as OVS: 1.5: Set-Field, masked when partial;
 *                          one received as NXAST_REG_LOAD2 (33): REG_LOAD2 up
 *                          to 1.4; 1.0: the field's OF1.0 action if it has
 *                          one (vlan_tci/vid/pcp, addresses, nw_tos/ip_dscp,
 *                          tcp/udp ports; the mask ignored), else
 *                          NXAST_REG_LOAD(s); 1.1-1.4: Set-Field when the
 *                          whole field (in whole bytes) is set, else
 *                          REG_LOADs, one per run of set bits
 *   load, move             NXAST_REG_LOAD (7), NXAST_REG_MOVE (6) up to 1.4;
 *                          1.5: Set-Field (masked unless the whole field in
 *                          whole bytes) and COPY_FIELD (28)
 *   set_tunnel             1.0: NXAST_SET_TUNNEL (2), or SET_TUNNEL64 (9)
 *                          past 32 bits; 1.1+: Set-Field tun_id
 *   resubmit               NXAST_RESUBMIT_TABLE (14) (table 255: none), as
 *                          ovs-ofctl sends it; NXAST_RESUBMIT (1) decoded
 *   note                   NXAST_NOTE (8)
 *   conjunction            NXAST_CONJUNCTION (34), every version (conj)
 *   goto_table             1.1+: the GOTO_TABLE instruction; 1.0:
 *                          NXAST_RESUBMIT_TABLE(IN_PORT, table)
 *   learn                  NXAST_LEARN (16); NXAST_LEARN2 (45) when it has
 *                          a limit or result_dst (or came as one), laid
 *                          out as OVS lays them out, in every version
 *   fin_timeout            NXAST_FIN_TIMEOUT (19)
 *
 * Decoders take any bytes (bounded reads; allocation bounded by the input
 * length).  A decoded Set-Field or NXAST_REG_LOAD2 is OFPACT_SET_FIELD (it
 * prints as set_field), an NXAST_REG_LOAD OFPACT_LOAD (it prints as load),
 * as OVS keeps them; OF1.0's mod_* come back as their own types; output to
 * CONTROLLER comes back as OFPACT_CONTROLLER. */
#ifndef VS_OFP_ACTIONS_WIRE_H
#define VS_OFP_ACTIONS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp/ofp_actions.h"
#include "ofp/ofpbuf.h"

#ifndef NX_VENDOR_ID
#define NX_VENDOR_ID 0x00002320u   /* also in ofp_msgs.h */
#endif

/* Appends the actions in the encoding of `version` (OF1.0 actions for 1;
 * for 1.1+ a plain action list, i.e. what goes inside APPLY_ACTIONS or a
 * packet_out).  Returns 0 or a negative enum ofperr value
 * (OFPBAC_BAD_TYPE for an action the version cannot carry: goto_table in
 * a 1.1+ action list; push_vlan in 1.0 is left out, as OVS leaves it);
 * on error what was appended is taken back. */
int ofpacts_put_actions(struct ofpbuf *out, const struct ofpact *acts,
                        size_t n, uint8_t version);
/* OF1.1+ instructions: the actions in one APPLY_ACTIONS, then GOTO_TABLE.
 * For version 1 the same as ofpacts_put_actions. */
int ofpacts_put_instructions(struct ofpbuf *out, const struct ofpact *acts,
                             size_t n, uint8_t version);
/* What OVS's encoder knows of the flow the actions belong to (the hints
 * ofpacts_check leaves in its actions): the IP protocol it matches (0:
 * none or unknown), which lets mod_tp_src/dst go to 1.1+ as a Set-Field of
 * tcp_/udp_/sctp_src/dst instead of the deprecated OFPAT_SET_TP_*; and
 * whether it matches a VLAN header, without which mod_vlan_vid/pcp push
 * one first (push_vlan:0x8100) in 1.1+. */
struct ofpact_flow_ctx {
    uint8_t ip_proto;
    bool has_vlan;
};
struct ofp_match;
void ofpact_flow_ctx_from_match(const struct ofp_match *m,
                                struct ofpact_flow_ctx *ctx);
/* As ofpacts_put_actions/_instructions for a flow with `ctx` (those assume
 * no protocol and a VLAN header, i.e. nothing added). */
int ofpacts_put_actions_ctx(struct ofpbuf *out, const struct ofpact *acts,
                            size_t n, uint8_t version,
                            const struct ofpact_flow_ctx *ctx);
int ofpacts_put_instructions_ctx(struct ofpbuf *out,
                                 const struct ofpact *acts, size_t n,
                                 uint8_t version,
                                 const struct ofpact_flow_ctx *ctx);
/* Decoders: `len` bytes; *acts malloc'd (NULL,0 for none); 0 or negative
 * enum ofperr: OFPBRC_BAD_LEN (len not a multiple of 8), OFPBAC_BAD_LEN,
 * OFPBAC_BAD_TYPE, OFPBAC_BAD_VENDOR, OFPBAC_BAD_VENDOR_TYPE,
 * OFPBAC_BAD_OUT_PORT, OFPBAC_BAD_ARGUMENT, OFPBAC_BAD_SET_TYPE / _LEN /
 * _ARGUMENT, NXBRC_MUST_BE_ZERO; instructions also OFPBIC_UNKNOWN_INST,
 * OFPBIC_UNSUP_INST (write/clear actions, write_metadata, meter, or a
 * repeated instruction), OFPBIC_BAD_EXPERIMENTER, OFPBIC_BAD_LEN. */
int ofpacts_pull_actions(const void *p, size_t len, uint8_t version,
                         struct ofpact **acts, size_t *n);
int ofpacts_pull_instructions(const void *p, size_t len, uint8_t version,
                              struct ofpact **acts, size_t *n);

#endif
