/* OpenFlow errors: one list, OFPERRS, from which the enum, the names and
 * the wire type/code of each version come.  Functions return them negated
 * (`return -OFPERR_OFPBRC_BAD_LEN;`).
 *
 * OFPERR(ENUM, T10, C10, T11, C11)
 *   T10, C10  the OpenFlow 1.0 type and code
 *   T11, C11  the OpenFlow 1.1+ type and code
 *   A type of -1: that version has no such error (the encoder sends the
 *   nearest one it has, as OVS does: see ofp_errors.c).  A type of
 *   OFPERR_NX_EXP: a Nicira extension error, sent as an experimenter error
 *   (type 0xffff, experimenter NX_VENDOR_ID, exp_type = the code) in 1.2+,
 *   or as the nonstandard (type, code) OVS uses in 1.0.
 * Keep the list in type/code order of OpenFlow 1.3. */
#ifndef VS_OFP_OFP_ERRORS_H
#define VS_OFP_OFP_ERRORS_H

#include <stdbool.h>

#define OFPERR_NX_EXP 0x10000

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
    OFPERR(OFPBRC_BAD_TABLE_ID, 1, 512, 1, 9)                                \
    OFPERR(OFPBRC_IS_SLAVE, 1, 5, 1, 10)                                     \
    OFPERR(OFPBRC_BAD_PORT, 1, 514, 1, 11)                                   \
    OFPERR(OFPBRC_BAD_PACKET, -1, 0, 1, 12)                                  \
    OFPERR(OFPBRC_MULTIPART_BUFFER_OVERFLOW, -1, 0, 1, 13)                   \
    OFPERR(OFPBAC_BAD_TYPE, 2, 0, 2, 0)                                      \
    OFPERR(OFPBAC_BAD_LEN, 2, 1, 2, 1)                                       \
    OFPERR(OFPBAC_BAD_VENDOR, 2, 2, 2, 2)                                    \
    OFPERR(OFPBAC_BAD_VENDOR_TYPE, 2, 3, 2, 3)                               \
    OFPERR(OFPBAC_BAD_OUT_PORT, 2, 4, 2, 4)                                  \
    OFPERR(OFPBAC_BAD_ARGUMENT, 2, 5, 2, 5)                                  \
    OFPERR(OFPBAC_EPERM, 2, 6, 2, 6)                                         \
    OFPERR(OFPBAC_TOO_MANY, 2, 7, 2, 7)                                      \
    OFPERR(OFPBAC_BAD_QUEUE, 2, 8, 2, 8)                                     \
    OFPERR(OFPBAC_BAD_OUT_GROUP, 2, 9, 2, 9)                                 \
    OFPERR(OFPBAC_MATCH_INCONSISTENT, 1, 522, 2, 10)                         \
    OFPERR(OFPBAC_UNSUPPORTED_ORDER, -1, 0, 2, 11)                           \
    OFPERR(OFPBAC_BAD_TAG, -1, 0, 2, 12)                                     \
    OFPERR(OFPBAC_BAD_SET_TYPE, 1, 523, 2, 13)                               \
    OFPERR(OFPBAC_BAD_SET_LEN, 1, 524, 2, 14)                                \
    OFPERR(OFPBAC_BAD_SET_ARGUMENT, 1, 525, 2, 15)                           \
    OFPERR(OFPBIC_UNKNOWN_INST, -1, 0, 3, 0)                                 \
    OFPERR(OFPBIC_UNSUP_INST, 2, 257, 3, 1)                                  \
    OFPERR(OFPBIC_BAD_TABLE_ID, -1, 0, 3, 2)                                 \
    OFPERR(OFPBIC_UNSUP_METADATA, -1, 0, 3, 3)                               \
    OFPERR(OFPBIC_UNSUP_METADATA_MASK, -1, 0, 3, 4)                          \
    OFPERR(OFPBIC_BAD_EXPERIMENTER, -1, 0, 3, 5)                             \
    OFPERR(OFPBIC_BAD_EXP_TYPE, -1, 0, 3, 6)                                 \
    OFPERR(OFPBIC_BAD_LEN, -1, 0, 3, 7)                                      \
    OFPERR(OFPBIC_EPERM, -1, 0, 3, 8)                                        \
    OFPERR(OFPBMC_BAD_TYPE, -1, 0, 4, 0)                                     \
    OFPERR(OFPBMC_BAD_LEN, -1, 0, 4, 1)                                      \
    OFPERR(OFPBMC_BAD_TAG, -1, 0, 4, 2)                                      \
    OFPERR(OFPBMC_BAD_DL_ADDR_MASK, -1, 0, 4, 3)                             \
    OFPERR(OFPBMC_BAD_NW_ADDR_MASK, -1, 0, 4, 4)                             \
    OFPERR(OFPBMC_BAD_WILDCARDS, 1, 262, 4, 5)                               \
    OFPERR(OFPBMC_BAD_FIELD, 0, 263, 4, 6)                                   \
    OFPERR(OFPBMC_BAD_VALUE, 1, 258, 4, 7)                                   \
    OFPERR(OFPBMC_BAD_MASK, 1, 259, 4, 8)                                    \
    OFPERR(OFPBMC_BAD_PREREQ, 1, 260, 4, 9)                                  \
    OFPERR(OFPBMC_DUP_FIELD, 1, 261, 4, 10)                                  \
    OFPERR(OFPBMC_EPERM, -1, 0, 4, 11)                                       \
    OFPERR(OFPFMFC_UNKNOWN, -1, 0, 5, 0)                                     \
    OFPERR(OFPFMFC_TABLE_FULL, 3, 0, 5, 1)                                   \
    OFPERR(OFPFMFC_BAD_TABLE_ID, -1, 0, 5, 2)                                \
    OFPERR(OFPFMFC_OVERLAP, 3, 1, 5, 3)                                      \
    OFPERR(OFPFMFC_EPERM, 3, 2, 5, 4)                                        \
    OFPERR(OFPFMFC_BAD_TIMEOUT, 3, 3, 5, 5)                                  \
    OFPERR(OFPFMFC_BAD_COMMAND, 3, 4, 5, 6)                                  \
    OFPERR(OFPFMFC_BAD_FLAGS, -1, 0, 5, 7)                                   \
    OFPERR(OFPPMFC_BAD_PORT, 4, 0, 7, 0)                                     \
    OFPERR(OFPPMFC_BAD_HW_ADDR, 4, 1, 7, 1)                                  \
    OFPERR(OFPPMFC_BAD_CONFIG, -1, 0, 7, 2)                                  \
    OFPERR(OFPPMFC_BAD_ADVERTISE, -1, 0, 7, 3)                               \
    OFPERR(OFPPMFC_EPERM, -1, 0, 7, 4)                                       \
    OFPERR(OFPTMFC_BAD_TABLE, -1, 0, 8, 0)                                   \
    OFPERR(OFPRRFC_STALE, OFPERR_NX_EXP, 0, 11, 0)                           \
    OFPERR(OFPRRFC_UNSUP, OFPERR_NX_EXP, 1, 11, 1)                           \
    OFPERR(OFPRRFC_BAD_ROLE, OFPERR_NX_EXP, 2, 11, 2)                        \
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
    OFPERR(NXBRC_NXM_INVALID, 1, 256, OFPERR_NX_EXP, 2)                      \
    OFPERR(NXBRC_NXM_BAD_TYPE, 1, 257, OFPERR_NX_EXP, 3)                     \
    OFPERR(NXBRC_MUST_BE_ZERO, 1, 515, OFPERR_NX_EXP, 4)                     \
    OFPERR(NXBRC_BAD_REASON, 1, 516, OFPERR_NX_EXP, 5)                       \
    OFPERR(NXBAC_MUST_BE_ZERO, 2, 256, OFPERR_NX_EXP, 11)                    \
    OFPERR(NXBAC_CT_DATAPATH_SUPPORT, 1, 265, OFPERR_NX_EXP, 42)             \
    OFPERR(NXTTMFC_BAD_COMMAND, OFPERR_NX_EXP, 16, OFPERR_NX_EXP, 16)        \
    OFPERR(NXR_NOT_SUPPORTED, OFPERR_NX_EXP, 37, OFPERR_NX_EXP, 37)

enum ofperr {
    OFPERR_NONE = 0,
#define OFPERR(ENUM, T10, C10, T11, C11) OFPERR_##ENUM,
    OFPERRS
#undef OFPERR
    OFPERR_N
};

/* "OFPBRC_BAD_LEN"; "OFPERR_NONE" for 0. */
const char *ofperr_name(enum ofperr e);

/* The error of `version` with this wire type and code (an experimenter
 * error: type OFPERR_NX_EXP and its exp_type), or OFPERR_NONE. */
enum ofperr ofperr_decode(unsigned version, unsigned type, unsigned code);

/* The wire type and code of `e` in `version`: false when the version has no
 * such error (the caller then sends its nearest: OFPBRC_EPERM-like
 * fallbacks are ofp_errors.c's). */
bool ofperr_encode(enum ofperr e, unsigned version, unsigned *type,
                   unsigned *code);

#endif
