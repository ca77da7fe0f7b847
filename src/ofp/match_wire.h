/* Matches on the wire: OpenFlow 1.0's fixed struct ofp_match, NXM and OXM
 * TLVs (the NXM/OXM codes of MF_FIELDS in xflow.h), and OpenFlow 1.1+'s
 * OXM struct ofp_match.  Decoders take any bytes: bounded reads, no
 * allocation, an OFPERR (negative) for what OVS refuses.
 *
 * A TLV header is class(16) field(7) hasmask(1) length(8); the value
 * follows, then the mask when hasmask is set.  Fields are written in OVS's
 * order (in_port, Ethernet, VLAN, L3, L4, ARP, tunnel, registers, mark,
 * metadata), so that every prerequisite (dl_type, nw_proto, the VLAN tag for
 * vlan_pcp) comes before the fields that need it, and the decoder checks
 * each field's prerequisite against what came before it, as OVS does. */
#ifndef VS_OFP_MATCH_WIRE_H
#define VS_OFP_MATCH_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp/ofp_parse.h"   /* struct ofp_match */
#include "ofp/ofpbuf.h"

enum { OFP10_MATCH_LEN = 40 };

/* OF1.0 struct ofp_match (40 bytes).  Encode: false (and nothing appended)
 * when the match needs fields OF1.0 cannot say (then the caller must use
 * NXM).  Decode: always 0 for 40 readable bytes at `p`; fields whose
 * prerequisites the match does not meet are dropped, as OVS normalizes an
 * OF1.0 match; the OFPFW10_* bits above bit 21 are ignored. */
bool ofp10_match_encode(const struct ofp_match *m, struct ofpbuf *out);
int ofp10_match_decode(const void *p, struct ofp_match *m);
/* Does the match fit OF1.0's struct? (used to pick flow format) */
bool ofp10_match_fits(const struct ofp_match *m);

/* NXM/OXM TLVs.  `oxm` false = NXM (NXM_OF_* / NXM_NX_* headers, as
 * NXT_FLOW_MOD and NXST_FLOW use; a field without one, like metadata or
 * sctp_src, goes with its OXM header as OVS does), true = OXM (OpenFlow basic
 * class 0x8000 where a field has one, else the NXM header, as OVS does for
 * regs/tun_src/pkt_mark/tcp_flags in OF1.2+).  `version` chooses OXM details
 * (tun_id has an OXM header from OF1.3 on).  Appends the TLVs only (no
 * ofp_match header, no padding); returns the bytes appended. */
size_t nx_put_match(struct ofpbuf *out, const struct ofp_match *m, bool oxm,
                    uint8_t version);
/* Parses `len` bytes of TLVs into `m` (zeroed first).  Returns 0 or a
 * negative enum ofperr: OFPBMC_BAD_LEN (truncated TLV), OFPBMC_BAD_FIELD
 * (unknown header, or a known one with the wrong length),
 * OFPBMC_BAD_WILDCARDS (value bits outside the mask), OFPBMC_BAD_MASK (mask
 * on an unmaskable field, or wider than the field), OFPBMC_BAD_VALUE (value
 * wider than the field, an OF1.1+ in_port OpenFlow 1.0 cannot say),
 * OFPBMC_BAD_PREREQ (dl_type/nw_proto/VLAN not matched before the field),
 * OFPBMC_DUP_FIELD. */
int nx_pull_match(const void *p, size_t len, struct ofp_match *m);

/* OF1.1+ struct ofp_match: type OFPMT_OXM (1), length, TLVs, padded to 8. */
void oxm_put_match(struct ofpbuf *out, const struct ofp_match *m,
                   uint8_t version);
/* Reads one ofp_match (header + TLVs + padding) from the cursor; on error
 * the cursor is left where it was.  OFPBMC_BAD_TYPE for a type other than
 * OXM, OFPBMC_BAD_LEN for a length under 4 or past the cursor. */
int oxm_pull_match(struct ofpcur *c, struct ofp_match *m);

/* One field's header for set_field/load/move/reg_load encodings: the OXM
 * header when `oxm` and the field has one (else its NXM header), the NXM
 * header when !oxm (else its OXM header); the length is the value's (twice
 * it with `hasmask`).  0 when the field has none. */
uint32_t mf_nxm_header(const struct mf_field *f, bool oxm, bool hasmask);
/* The field a header names (NULL when unknown or the length is not that
 * field's: with the hasmask bit, which is otherwise ignored, twice the
 * value's).  Where several fields share a code (tp_src, tcp_src) the
 * protocol-specific one is returned (tcp_src). */
const struct mf_field *mf_from_nxm_header(uint32_t header);

/* Bytes of the field's value on the wire with a header of class
 * `oxm_class` (in_port is 2 bytes in NXM, 4 in OXM). */
unsigned mf_wire_len(const struct mf_field *f, uint16_t oxm_class);

/* The wire value of field `f` (as mf_get gives it) with a header of class
 * `oxm_class`, written big-endian into `dst` (mf_wire_len bytes); and back:
 * false when the bytes are no value of the field (too wide, an OXM in_port
 * in 0xff00..0xfffffeff). */
void mf_value_to_wire(const struct mf_field *f, uint16_t oxm_class,
                      mf_value v, uint8_t *dst);
bool mf_value_from_wire(const struct mf_field *f, uint16_t oxm_class,
                        const uint8_t *src, mf_value *v);

#define NXM_HEADER(CLASS, FIELD, HASMASK, LEN)                               \
    ((uint32_t) (CLASS) << 16 | (uint32_t) (FIELD) << 9                      \
     | (uint32_t) ((HASMASK) ? 1 : 0) << 8 | (uint32_t) (LEN))
#define NXM_CLASS(H) ((uint16_t) ((H) >> 16))
#define NXM_FIELD(H) ((uint8_t) (((H) >> 9) & 0x7f))
#define NXM_HASMASK(H) (((H) >> 8) & 1)
#define NXM_LENGTH(H) ((uint8_t) (H))

#endif
