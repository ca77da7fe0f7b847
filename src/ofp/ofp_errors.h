/* OpenFlow errors: one list, OFPERRS, from which the enum, the names and
 * the wire type/code of each version come.  Functions return them negated
 * (`return -OFPERR_OFPBRC_BAD_LEN;`).  The facts are those of the comments
 * of OVS's include/openvswitch/ofp-errors.h.
 *
 * OFPERR(ENUM, T10, C10, T11, C11)
 *   T10, C10  the OpenFlow 1.0 type and code.  T10 = OFPERR_NX_EXP | t: a
 *             Nicira extension error that OVS sends in 1.0 as type
 *             NXET_VENDOR (0xb0c2), code 0, followed by struct
 *             nx_vendor_error { vendor NX_VENDOR_ID, type t, code C10 }.
 *   T11, C11  the OpenFlow 1.3+ type and code (1.1 and 1.2 are taken to be
 *             the same).  T11 = OFPERR_NX_EXP: a Nicira experimenter error
 *             (type 0xffff, code = exp_type C11, experimenter NX_VENDOR_ID).
 *             OpenFlow 1.3 says some 1.4 errors as ONF experimenter errors
 *             (type 0xffff, experimenter ONF_VENDOR_ID): bundle errors
 *             (17, c) as 2300 + c, async config errors (15, c) as 2370 + c;
 *             and property errors (14, c) as (13, c + 2): ofp_errors.c.
 *   A type of -1: that version has no such error (ofp_encode_error sends
 *             NXBRC_UNENCODABLE_ERROR instead, as OVS does).
 * The list is in type/code order of OpenFlow 1.3, Nicira ones beside the
 * standard ones they extend. */
#ifndef VS_OFP_OFP_ERRORS_H
#define VS_OFP_OFP_ERRORS_H

#include <stdbool.h>

#define OFPERR_NX_EXP 0x10000
#define OFPERR_ONF_EXP 0x20000   /* ofperr_decode/encode only: an ONF
                                  * experimenter error, code = exp_type */

#define OFPERRS                                                              \
    OFPERR(OFPHFC_INCOMPATIBLE, 0, 0, 0, 0)                                  \
    OFPERR(OFPHFC_EPERM, 0, 1, 0, 1)                                         \
    OFPERR(OFPBRC_BAD_VERSION, 1, 0, 1, 0)                                   \
    OFPERR(OFPBRC_BAD_TYPE, 1, 1, 1, 1)                                      \
    OFPERR(OFPBRC_BAD_STAT, 1, 2, 1, 2)                                      \
    OFPERR(OFPBRC_BAD_VENDOR, 1, 3, 1, 3)                                    \
    OFPERR(OFPBRC_BAD_SUBTYPE, 1, 4, 1, 4)                                   \
    OFPERR(OFPBRC_EPERM, 1, 5, 1, 5)                                         \
    OFPERR(OFPBRC_BAD_LEN, 1, 6, 1, 6)                                       \
    OFPERR(OFPBRC_BUFFER_EMPTY, 1, 7, 1, 7)                                  \
    OFPERR(OFPBRC_BUFFER_UNKNOWN, 1, 8, 1, 8)                                \
    OFPERR(OFPBRC_BAD_TABLE_ID, OFPERR_NX_EXP | 1, 512, 1, 9)                \
    OFPERR(OFPBRC_IS_SLAVE, 1, 5, 1, 10)                                     \
    OFPERR(OFPBRC_BAD_PORT, OFPERR_NX_EXP | 1, 514, 1, 11)                   \
    OFPERR(OFPBRC_BAD_PACKET, -1, 0, 1, 12)                                  \
    OFPERR(OFPBRC_MULTIPART_BUFFER_OVERFLOW, -1, 0, 1, 13)                   \
    OFPERR(OFPBRC_MULTIPART_REQUEST_TIMEOUT, -1, 0, 1, 14)                   \
    OFPERR(OFPBRC_MULTIPART_REPLY_TIMEOUT, -1, 0, 1, 15)                     \
    OFPERR(NXBRC_NXM_INVALID, OFPERR_NX_EXP | 1, 256, OFPERR_NX_EXP, 2)      \
    OFPERR(NXBRC_NXM_BAD_TYPE, OFPERR_NX_EXP | 1, 257, OFPERR_NX_EXP, 3)     \
    OFPERR(NXBRC_MUST_BE_ZERO, OFPERR_NX_EXP | 1, 515, OFPERR_NX_EXP, 4)     \
    OFPERR(NXBRC_BAD_REASON, OFPERR_NX_EXP | 1, 516, OFPERR_NX_EXP, 5)       \
    OFPERR(NXBRC_UNENCODABLE_ERROR, OFPERR_NX_EXP | 1, 521,                  \
           OFPERR_NX_EXP, 10)                                                \
    OFPERR(OFPBAC_BAD_TYPE, 2, 0, 2, 0)                                      \
    OFPERR(OFPBAC_BAD_LEN, 2, 1, 2, 1)                                       \
    OFPERR(OFPBAC_BAD_VENDOR, 2, 2, 2, 2)                                    \
    OFPERR(OFPBAC_BAD_VENDOR_TYPE, 2, 3, 2, 3)                               \
    OFPERR(OFPBAC_BAD_OUT_PORT, 2, 4, 2, 4)                                  \
    OFPERR(OFPBAC_BAD_ARGUMENT, 2, 5, 2, 5)                                  \
    OFPERR(OFPBAC_EPERM, 2, 6, 2, 6)                                         \
    OFPERR(OFPBAC_TOO_MANY, 2, 7, 2, 7)                                      \
    OFPERR(OFPBAC_BAD_QUEUE, 2, 8, 2, 8)                                     \
    OFPERR(OFPBAC_BAD_OUT_GROUP, OFPERR_NX_EXP | 2, 9, 2, 9)                 \
    OFPERR(OFPBAC_MATCH_INCONSISTENT, OFPERR_NX_EXP | 1, 522, 2, 10)         \
    OFPERR(OFPBAC_UNSUPPORTED_ORDER, -1, 0, 2, 11)                           \
    OFPERR(OFPBAC_BAD_TAG, -1, 0, 2, 12)                                     \
    OFPERR(OFPBAC_BAD_SET_TYPE, OFPERR_NX_EXP | 1, 523, 2, 13)               \
    OFPERR(OFPBAC_BAD_SET_LEN, OFPERR_NX_EXP | 1, 524, 2, 14)                \
    OFPERR(OFPBAC_BAD_SET_ARGUMENT, OFPERR_NX_EXP | 1, 525, 2, 15)           \
    OFPERR(OFPBAC_BAD_SET_MASK, -1, 0, 2, 16)                                \
    OFPERR(NXBAC_MUST_BE_ZERO, OFPERR_NX_EXP | 2, 256, OFPERR_NX_EXP, 11)    \
    OFPERR(NXBAC_CT_DATAPATH_SUPPORT, OFPERR_NX_EXP | 1, 265,                \
           OFPERR_NX_EXP, 42)                                                \
    OFPERR(OFPBIC_UNKNOWN_INST, -1, 0, 3, 0)                                 \
    OFPERR(OFPBIC_UNSUP_INST, OFPERR_NX_EXP | 2, 257, 3, 1)                  \
    OFPERR(OFPBIC_BAD_TABLE_ID, -1, 0, 3, 2)                                 \
    OFPERR(OFPBIC_UNSUP_METADATA, -1, 0, 3, 3)                               \
    OFPERR(OFPBIC_UNSUP_METADATA_MASK, -1, 0, 3, 4)                          \
    OFPERR(OFPBIC_BAD_EXPERIMENTER, -1, 0, 3, 5)                             \
    OFPERR(OFPBIC_BAD_EXP_TYPE, -1, 0, 3, 6)                                 \
    OFPERR(OFPBIC_BAD_LEN, -1, 0, 3, 7)                                      \
    OFPERR(OFPBIC_EPERM, -1, 0, 3, 8)                                        \
    OFPERR(OFPBIC_DUP_INST, -1, 0, 3, 9)                                     \
    OFPERR(OFPBMC_BAD_TYPE, -1, 0, 4, 0)                                     \
    OFPERR(OFPBMC_BAD_LEN, -1, 0, 4, 1)                                      \
    OFPERR(OFPBMC_BAD_TAG, -1, 0, 4, 2)                                      \
    OFPERR(OFPBMC_BAD_DL_ADDR_MASK, -1, 0, 4, 3)                             \
    OFPERR(OFPBMC_BAD_NW_ADDR_MASK, -1, 0, 4, 4)                             \
    OFPERR(OFPBMC_BAD_WILDCARDS, OFPERR_NX_EXP | 1, 262, 4, 5)               \
    OFPERR(OFPBMC_BAD_FIELD, OFPERR_NX_EXP | 0, 263, 4, 6)                   \
    OFPERR(OFPBMC_BAD_VALUE, OFPERR_NX_EXP | 1, 258, 4, 7)                   \
    OFPERR(OFPBMC_BAD_MASK, OFPERR_NX_EXP | 1, 259, 4, 8)                    \
    OFPERR(OFPBMC_BAD_PREREQ, OFPERR_NX_EXP | 1, 260, 4, 9)                  \
    OFPERR(OFPBMC_DUP_FIELD, OFPERR_NX_EXP | 1, 261, 4, 10)                  \
    OFPERR(OFPBMC_EPERM, -1, 0, 4, 11)                                       \
    OFPERR(NXBMC_CT_DATAPATH_SUPPORT, OFPERR_NX_EXP | 1, 264,                \
           OFPERR_NX_EXP, 43)                                                \
    OFPERR(OFPFMFC_UNKNOWN, -1, 0, 5, 0)                                     \
    OFPERR(OFPFMFC_TABLE_FULL, 3, 0, 5, 1)                                   \
    OFPERR(OFPFMFC_BAD_TABLE_ID, -1, 0, 5, 2)                                \
    OFPERR(OFPFMFC_OVERLAP, 3, 1, 5, 3)                                      \
    OFPERR(OFPFMFC_EPERM, 3, 2, 5, 4)                                        \
    OFPERR(OFPFMFC_BAD_TIMEOUT, -1, 0, 5, 5)                                 \
    OFPERR(OFPFMFC_BAD_EMERG_TIMEOUT, 3, 3, -1, 0)                           \
    OFPERR(OFPFMFC_BAD_COMMAND, 3, 4, 5, 6)                                  \
    OFPERR(OFPFMFC_BAD_FLAGS, OFPERR_NX_EXP | 3, 258, 5, 7)                  \
    OFPERR(OFPFMFC_UNSUPPORTED, 3, 5, -1, 0)                                 \
    OFPERR(NXFMFC_HARDWARE, OFPERR_NX_EXP | 5, 256, OFPERR_NX_EXP, 12)       \
    OFPERR(NXFMFC_BAD_TABLE_ID, OFPERR_NX_EXP | 5, 257, OFPERR_NX_EXP, 13)   \
    OFPERR(OFPGMFC_GROUP_EXISTS, OFPERR_NX_EXP | 6, 0, 6, 0)                 \
    OFPERR(OFPGMFC_INVALID_GROUP, OFPERR_NX_EXP | 6, 1, 6, 1)                \
    OFPERR(OFPGMFC_UNKNOWN_GROUP, OFPERR_NX_EXP | 6, 8, 6, 8)                \
    OFPERR(OFPGMFC_BAD_TYPE, OFPERR_NX_EXP | 6, 10, 6, 10)                   \
    OFPERR(OFPGMFC_BAD_COMMAND, OFPERR_NX_EXP | 6, 11, 6, 11)                \
    OFPERR(OFPPMFC_BAD_PORT, 4, 0, 7, 0)                                     \
    OFPERR(OFPPMFC_BAD_HW_ADDR, 4, 1, 7, 1)                                  \
    OFPERR(OFPPMFC_BAD_CONFIG, -1, 0, 7, 2)                                  \
    OFPERR(OFPPMFC_BAD_ADVERTISE, -1, 0, 7, 3)                               \
    OFPERR(OFPPMFC_EPERM, -1, 0, 7, 4)                                       \
    OFPERR(OFPTMFC_BAD_TABLE, -1, 0, 8, 0)                                   \
    OFPERR(OFPTMFC_BAD_CONFIG, -1, 0, 8, 1)                                  \
    OFPERR(OFPQOFC_BAD_PORT, 5, 0, 9, 0)                                     \
    OFPERR(OFPQOFC_BAD_QUEUE, 5, 1, 9, 1)                                    \
    OFPERR(OFPQOFC_EPERM, 5, 2, 9, 2)                                        \
    OFPERR(NXQOFC_QUEUE_ERROR, -1, 0, OFPERR_NX_EXP, 23)                     \
    OFPERR(OFPSCFC_BAD_FLAGS, -1, 0, 10, 0)                                  \
    OFPERR(OFPSCFC_BAD_LEN, -1, 0, 10, 1)                                    \
    OFPERR(OFPRRFC_STALE, -1, 0, 11, 0)                                      \
    OFPERR(OFPRRFC_UNSUP, -1, 0, 11, 1)                                      \
    OFPERR(OFPRRFC_BAD_ROLE, OFPERR_NX_EXP | 1, 513, 11, 2)                  \
    OFPERR(OFPMMFC_UNKNOWN, -1, 0, 12, 0)                                    \
    OFPERR(OFPMMFC_METER_EXISTS, -1, 0, 12, 1)                               \
    OFPERR(OFPMMFC_INVALID_METER, -1, 0, 12, 2)                              \
    OFPERR(OFPMMFC_UNKNOWN_METER, -1, 0, 12, 3)                              \
    OFPERR(OFPMMFC_BAD_COMMAND, -1, 0, 12, 4)                                \
    /* meters */                                                             \
    OFPERR(OFPMMFC_BAD_FLAGS, -1, 0, 12, 5)                                  \
    OFPERR(OFPMMFC_BAD_RATE, -1, 0, 12, 6)                                   \
    OFPERR(OFPMMFC_BAD_BURST, -1, 0, 12, 7)                                  \
    OFPERR(OFPMMFC_BAD_BAND, -1, 0, 12, 8)                                   \
    OFPERR(OFPMMFC_BAD_BAND_VALUE, -1, 0, 12, 9)                             \
    OFPERR(OFPMMFC_OUT_OF_METERS, -1, 0, 12, 10)                             \
    OFPERR(OFPMMFC_OUT_OF_BANDS, -1, 0, 12, 11)                              \
    OFPERR(OFPBPC_BAD_TYPE, OFPERR_NX_EXP | 13, 2, 14, 0)                    \
    OFPERR(OFPBPC_BAD_LEN, OFPERR_NX_EXP | 13, 3, 14, 1)                     \
    OFPERR(OFPBPC_BAD_VALUE, OFPERR_NX_EXP | 13, 4, 14, 2)                   \
    OFPERR(OFPACFC_INVALID, -1, 0, 15, 0)                                    \
    OFPERR(OFPACFC_UNSUPPORTED, -1, 0, 15, 1)                                \
    OFPERR(OFPACFC_EPERM, -1, 0, 15, 2)                                      \
    OFPERR(OFPBFC_UNKNOWN, -1, 0, 17, 0)                                     \
    OFPERR(OFPBFC_EPERM, -1, 0, 17, 1)                                       \
    OFPERR(OFPBFC_BAD_ID, -1, 0, 17, 2)                                      \
    OFPERR(OFPBFC_BUNDLE_EXIST, -1, 0, 17, 3)                                \
    OFPERR(OFPBFC_BUNDLE_CLOSED, -1, 0, 17, 4)                               \
    OFPERR(OFPBFC_OUT_OF_BUNDLES, -1, 0, 17, 5)                              \
    OFPERR(OFPBFC_BAD_TYPE, -1, 0, 17, 6)                                    \
    OFPERR(OFPBFC_BAD_FLAGS, -1, 0, 17, 7)                                   \
    OFPERR(OFPBFC_MSG_BAD_LEN, -1, 0, 17, 8)                                 \
    OFPERR(OFPBFC_MSG_BAD_XID, -1, 0, 17, 9)                                 \
    OFPERR(OFPBFC_MSG_UNSUP, -1, 0, 17, 10)                                  \
    OFPERR(OFPBFC_MSG_CONFLICT, -1, 0, 17, 11)                               \
    OFPERR(OFPBFC_MSG_TOO_MANY, -1, 0, 17, 12)                               \
    OFPERR(OFPBFC_MSG_FAILED, -1, 0, 17, 13)                                 \
    OFPERR(OFPBFC_TIMEOUT, -1, 0, 17, 14)                                    \
    OFPERR(OFPBFC_BUNDLE_IN_PROGRESS, -1, 0, 17, 15)                         \
    OFPERR(OFPBFC_BAD_VERSION, -1, 0, OFPERR_NX_EXP, 22)                  \
    OFPERR(NXTTMFC_BAD_COMMAND, OFPERR_NX_EXP | 1, 527, OFPERR_NX_EXP, 16)   \
    OFPERR(NXR_NOT_SUPPORTED, OFPERR_NX_EXP | 1, 533, OFPERR_NX_EXP, 34)     \
    OFPERR(NXR_STALE, OFPERR_NX_EXP | 1, 534, OFPERR_NX_EXP, 35)          \
    /* groups (ofp_group.c, ofproto/group.c) */                             \
    OFPERR(OFPGMFC_WEIGHT_UNSUPPORTED, OFPERR_NX_EXP | 6, 2, 6, 2)          \
    OFPERR(OFPGMFC_OUT_OF_GROUPS, OFPERR_NX_EXP | 6, 3, 6, 3)               \
    OFPERR(OFPGMFC_OUT_OF_BUCKETS, OFPERR_NX_EXP | 6, 4, 6, 4)              \
    OFPERR(OFPGMFC_CHAINING_UNSUPPORTED, OFPERR_NX_EXP | 6, 5, 6, 5)        \
    OFPERR(OFPGMFC_WATCH_UNSUPPORTED, OFPERR_NX_EXP | 6, 6, 6, 6)           \
    OFPERR(OFPGMFC_LOOP, OFPERR_NX_EXP | 6, 7, 6, 7)                        \
    OFPERR(OFPGMFC_CHAINED_GROUP, OFPERR_NX_EXP | 6, 9, 6, 9)               \
    OFPERR(OFPGMFC_BAD_BUCKET, OFPERR_NX_EXP | 6, 12, 6, 12)                \
    OFPERR(OFPGMFC_BAD_WATCH, OFPERR_NX_EXP | 6, 13, 6, 13)                 \
    OFPERR(OFPGMFC_EPERM, OFPERR_NX_EXP | 6, 14, 6, 14)                     \
    OFPERR(OFPGMFC_UNKNOWN_BUCKET, OFPERR_NX_EXP | 6, 15, 6, 15)            \
    OFPERR(OFPGMFC_BUCKET_EXISTS, OFPERR_NX_EXP | 6, 16, 6, 16)              \
    /* conj: "conjunction" must be alone (but for notes), 1 <= k <= n,   \
     * 2 <= n <= 64. */                                                    \
    OFPERR(NXBAC_BAD_CONJUNCTION, OFPERR_NX_EXP | 2, 526, OFPERR_NX_EXP, 15)

enum ofperr {
    OFPERR_NONE = 0,
#define OFPERR(ENUM, T10, C10, T11, C11) OFPERR_##ENUM,
    OFPERRS
#undef OFPERR
    OFPERR_N
};

/* "OFPBRC_BAD_LEN"; "OFPERR_NONE" for 0. */
const char *ofperr_name(enum ofperr e);

/* The error of `version` with this wire type and code, or OFPERR_NONE.
 * Vendor errors: in 1.0, type OFPERR_NX_EXP | nx_vendor_error.type and its
 * code; in 1.1+, type OFPERR_NX_EXP or OFPERR_ONF_EXP and the exp_type. */
enum ofperr ofperr_decode(unsigned version, unsigned type, unsigned code);

/* The wire type and code of `e` in `version` (vendor errors as
 * ofperr_decode takes them): false when the version has no such error
 * (ofp_encode_error then sends NXBRC_UNENCODABLE_ERROR). */
bool ofperr_encode(enum ofperr e, unsigned version, unsigned *type,
                   unsigned *code);

#endif
