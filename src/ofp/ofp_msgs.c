/* OpenFlow framing: identification of each message (ofp_msgs.h's kinds by
 * version, header type, vendor and subtype, multipart type), message
 * starts and ends, multipart replies, hello, echo, simple requests.
 *
 * The table's facts (wire numbers, version ranges, fixed body lengths and
 * the multiple a variable body must be) are those of the comments in OVS's
 * include/openvswitch/ofp-msgs.h; the body lengths were computed from the
 * struct sizes of OVS's include/openflow/ headers.  As OVS does,
 * ofp_msg_decode checks every message's length against its row: a fixed
 * body must be exact, a variable one at least the fixed part and longer by
 * a multiple of `mult`. */
#include "ofp/ofp_msgs.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* Pseudo header types for multipart requests and replies (16/17 in 1.0,
 * 18/19 in 1.1+). */
#define MP_REQ 0x100
#define MP_REP 0x101
#define OFPT_VENDOR 4
#define OFPT10_STATS_REQUEST 16
#define OFPT10_STATS_REPLY 17
#define OFPT11_STATS_REQUEST 18
#define OFPT11_STATS_REPLY 19
#define OFPST_VENDOR 0xffff

struct msg_row {
    uint8_t type;               /* enum ofptype */
    uint8_t family;             /* enum ofp_family */
    uint8_t vmin, vmax;         /* versions (header's version byte) */
    uint16_t wire;              /* header type, or MP_REQ / MP_REP */
    int32_t stat;               /* multipart type; -1: not multipart */
    uint32_t subtype;           /* vendor subtype (family != STD) */
    uint16_t min_body;          /* body after the header(s) */
    uint16_t mult;              /* 0: exactly min_body; N: + k * N */
};

/* R(KIND, FAMILY, VMIN, VMAX, WIRE, STAT, SUBTYPE, MIN_BODY, MULT); the
 * comment names OVS's OFPRAW_ for the row. */
#define R(K, F, A, B, W, S, SUB, MIN, MULT)                                  \
    { OFPTYPE_##K, OFPF_##F, A, B, W, S, SUB, MIN, MULT },
static const struct msg_row msg_rows[] = {
    R(HELLO, STD, 1, 6, 0, -1, 0, 0, 1)  /* OFPT_HELLO */
    R(ERROR, STD, 1, 6, 1, -1, 0, 4, 1)  /* OFPT_ERROR */
    R(ECHO_REQUEST, STD, 1, 6, 2, -1, 0, 0, 1)  /* OFPT_ECHO_REQUEST */
    R(ECHO_REPLY, STD, 1, 6, 3, -1, 0, 0, 1)  /* OFPT_ECHO_REPLY */
    R(FEATURES_REQUEST, STD, 1, 6, 5, -1, 0, 0, 0)  /* OFPT_FEATURES_REQUEST */
    R(FEATURES_REPLY, STD, 1, 1, 6, -1, 0, 24, 48)  /* OFPT10_FEATURES_REPLY */
    R(FEATURES_REPLY, STD, 2, 3, 6, -1, 0, 24, 64)  /* OFPT11_FEATURES_REPLY */
    R(FEATURES_REPLY, STD, 4, 6, 6, -1, 0, 24, 0)  /* OFPT13_FEATURES_REPLY */
    /* OFPT_GET_CONFIG_REQUEST */
    R(GET_CONFIG_REQUEST, STD, 1, 6, 7, -1, 0, 0, 0)
    R(GET_CONFIG_REPLY, STD, 1, 6, 8, -1, 0, 4, 0)  /* OFPT_GET_CONFIG_REPLY */
    R(SET_CONFIG, STD, 1, 6, 9, -1, 0, 4, 0)  /* OFPT_SET_CONFIG */
    R(PACKET_IN, STD, 1, 1, 10, -1, 0, 10, 1)  /* OFPT10_PACKET_IN */
    R(PACKET_IN, STD, 2, 2, 10, -1, 0, 16, 1)  /* OFPT11_PACKET_IN */
    R(PACKET_IN, STD, 3, 3, 10, -1, 0, 8, 1)  /* OFPT12_PACKET_IN */
    R(PACKET_IN, STD, 4, 6, 10, -1, 0, 16, 1)  /* OFPT13_PACKET_IN */
    R(PACKET_IN, NX, 1, 6, 4, -1, 17, 24, 1)  /* NXT_PACKET_IN */
    R(PACKET_IN, NX, 1, 6, 4, -1, 30, 0, 8)  /* NXT_PACKET_IN2 */
    R(FLOW_REMOVED, STD, 1, 1, 11, -1, 0, 80, 0)  /* OFPT10_FLOW_REMOVED */
    R(FLOW_REMOVED, STD, 2, 5, 11, -1, 0, 40, 8)  /* OFPT11_FLOW_REMOVED */
    R(FLOW_REMOVED, STD, 6, 6, 11, -1, 0, 16, 8)  /* OFPT15_FLOW_REMOVED */
    R(FLOW_REMOVED, NX, 1, 6, 4, -1, 14, 40, 8)  /* NXT_FLOW_REMOVED */
    R(PORT_STATUS, STD, 1, 1, 12, -1, 0, 56, 0)  /* OFPT10_PORT_STATUS */
    R(PORT_STATUS, STD, 2, 4, 12, -1, 0, 72, 0)  /* OFPT11_PORT_STATUS */
    R(PORT_STATUS, STD, 5, 6, 12, -1, 0, 48, 8)  /* OFPT14_PORT_STATUS */
    R(PACKET_OUT, STD, 1, 1, 13, -1, 0, 8, 1)  /* OFPT10_PACKET_OUT */
    R(PACKET_OUT, STD, 2, 5, 13, -1, 0, 16, 1)  /* OFPT11_PACKET_OUT */
    R(PACKET_OUT, STD, 6, 6, 13, -1, 0, 8, 1)  /* OFPT15_PACKET_OUT */
    R(FLOW_MOD, STD, 1, 1, 14, -1, 0, 64, 8)  /* OFPT10_FLOW_MOD */
    R(FLOW_MOD, STD, 2, 6, 14, -1, 0, 40, 8)  /* OFPT11_FLOW_MOD */
    R(FLOW_MOD, NX, 1, 6, 4, -1, 13, 32, 8)  /* NXT_FLOW_MOD */
    R(GROUP_MOD, NX, 1, 1, 4, -1, 31, 16, 8)  /* NXT_GROUP_MOD */
    R(GROUP_MOD, STD, 2, 5, 15, -1, 0, 8, 8)  /* OFPT11_GROUP_MOD */
    R(GROUP_MOD, STD, 6, 6, 15, -1, 0, 16, 8)  /* OFPT15_GROUP_MOD */
    R(PORT_MOD, STD, 1, 1, 15, -1, 0, 24, 0)  /* OFPT10_PORT_MOD */
    R(PORT_MOD, STD, 2, 4, 16, -1, 0, 32, 0)  /* OFPT11_PORT_MOD */
    R(PORT_MOD, STD, 5, 6, 16, -1, 0, 24, 8)  /* OFPT14_PORT_MOD */
    R(TABLE_MOD, STD, 2, 4, 17, -1, 0, 8, 0)  /* OFPT11_TABLE_MOD */
    R(TABLE_MOD, STD, 5, 6, 17, -1, 0, 8, 8)  /* OFPT14_TABLE_MOD */
    /* OFPT10_BARRIER_REQUEST */
    R(BARRIER_REQUEST, STD, 1, 1, 18, -1, 0, 0, 0)
    /* OFPT11_BARRIER_REQUEST */
    R(BARRIER_REQUEST, STD, 2, 6, 20, -1, 0, 0, 0)
    R(BARRIER_REPLY, STD, 1, 1, 19, -1, 0, 0, 0)  /* OFPT10_BARRIER_REPLY */
    R(BARRIER_REPLY, STD, 2, 6, 21, -1, 0, 0, 0)  /* OFPT11_BARRIER_REPLY */
    /* OFPT10_QUEUE_GET_CONFIG_REQUEST */
    R(QUEUE_GET_CONFIG_REQUEST, STD, 1, 1, 20, -1, 0, 4, 0)
    /* OFPT11_QUEUE_GET_CONFIG_REQUEST */
    R(QUEUE_GET_CONFIG_REQUEST, STD, 2, 4, 22, -1, 0, 8, 0)
    /* OFPT10_QUEUE_GET_CONFIG_REPLY */
    R(QUEUE_GET_CONFIG_REPLY, STD, 1, 1, 21, -1, 0, 8, 8)
    /* OFPT11_QUEUE_GET_CONFIG_REPLY */
    R(QUEUE_GET_CONFIG_REPLY, STD, 2, 4, 23, -1, 0, 8, 8)
    R(ROLE_REQUEST, STD, 3, 6, 24, -1, 0, 16, 0)  /* OFPT12_ROLE_REQUEST */
    R(ROLE_REQUEST, NX, 1, 6, 4, -1, 10, 4, 0)  /* NXT_ROLE_REQUEST */
    R(ROLE_REPLY, STD, 3, 6, 25, -1, 0, 16, 0)  /* OFPT12_ROLE_REPLY */
    R(ROLE_REPLY, NX, 1, 6, 4, -1, 11, 4, 0)  /* NXT_ROLE_REPLY */
    /* OFPT13_GET_ASYNC_REQUEST */
    R(GET_ASYNC_REQUEST, STD, 4, 4, 26, -1, 0, 0, 0)
    /* OFPT14_GET_ASYNC_REQUEST */
    R(GET_ASYNC_REQUEST, STD, 5, 6, 26, -1, 0, 0, 0)
    /* OFPT13_GET_ASYNC_REPLY */
    R(GET_ASYNC_REPLY, STD, 4, 4, 27, -1, 0, 24, 0)
    /* OFPT14_GET_ASYNC_REPLY */
    R(GET_ASYNC_REPLY, STD, 5, 6, 27, -1, 0, 0, 8)
    R(SET_ASYNC_CONFIG, STD, 4, 4, 28, -1, 0, 24, 0)  /* OFPT13_SET_ASYNC */
    R(SET_ASYNC_CONFIG, NX, 1, 6, 4, -1, 19, 24, 0)  /* NXT_SET_ASYNC_CONFIG */
    R(SET_ASYNC_CONFIG, NX, 1, 4, 4, -1, 27, 0, 8)  /* NXT_SET_ASYNC_CONFIG2 */
    R(SET_ASYNC_CONFIG, STD, 5, 6, 28, -1, 0, 0, 8)  /* OFPT14_SET_ASYNC */
    R(METER_MOD, STD, 4, 6, 29, -1, 0, 8, 8)  /* OFPT13_METER_MOD */
    R(ROLE_STATUS, ONF, 4, 4, 4, -1, 1911, 16, 8)  /* ONFT13_ROLE_STATUS */
    R(ROLE_STATUS, STD, 5, 6, 30, -1, 0, 16, 8)  /* OFPT14_ROLE_STATUS */
    R(TABLE_STATUS, STD, 5, 6, 31, -1, 0, 8, 8)  /* OFPT14_TABLE_STATUS */
    R(REQUESTFORWARD, NX, 1, 3, 4, -1, 132, 8, 8)  /* NXT_REQUESTFORWARD */
    /* ONFT13_REQUESTFORWARD */
    R(REQUESTFORWARD, ONF, 4, 4, 4, -1, 2350, 8, 8)
    R(REQUESTFORWARD, STD, 5, 6, 32, -1, 0, 8, 8)  /* OFPT14_REQUESTFORWARD */
    R(BUNDLE_CONTROL, STD, 5, 6, 33, -1, 0, 8, 8)  /* OFPT14_BUNDLE_CONTROL */
    /* ONFT13_BUNDLE_CONTROL */
    R(BUNDLE_CONTROL, ONF, 4, 4, 4, -1, 2300, 8, 8)
    /* OFPT14_BUNDLE_ADD_MESSAGE */
    R(BUNDLE_ADD_MESSAGE, STD, 5, 6, 34, -1, 0, 8, 1)
    /* ONFT13_BUNDLE_ADD_MESSAGE */
    R(BUNDLE_ADD_MESSAGE, ONF, 4, 4, 4, -1, 2301, 8, 1)
    /* OFPST_DESC_REQUEST */
    R(DESC_STATS_REQUEST, STD, 1, 6, MP_REQ, 0, 0, 0, 0)
    /* OFPST_DESC_REPLY */
    R(DESC_STATS_REPLY, STD, 1, 6, MP_REP, 0, 0, 1056, 0)
    /* OFPST10_FLOW_REQUEST */
    R(FLOW_STATS_REQUEST, STD, 1, 1, MP_REQ, 1, 0, 44, 0)
    /* OFPST11_FLOW_REQUEST */
    R(FLOW_STATS_REQUEST, STD, 2, 6, MP_REQ, 1, 0, 32, 8)
    /* NXST_FLOW_REQUEST */
    R(FLOW_STATS_REQUEST, NX, 1, 1, MP_REQ, 0xffff, 0, 8, 8)
    /* OFPST10_FLOW_REPLY */
    R(FLOW_STATS_REPLY, STD, 1, 1, MP_REP, 1, 0, 0, 1)
    /* OFPST11_FLOW_REPLY */
    R(FLOW_STATS_REPLY, STD, 2, 3, MP_REP, 1, 0, 0, 1)
    /* OFPST13_FLOW_REPLY */
    R(FLOW_STATS_REPLY, STD, 4, 5, MP_REP, 1, 0, 0, 1)
    /* OFPST15_FLOW_REPLY */
    R(FLOW_STATS_REPLY, STD, 6, 6, MP_REP, 1, 0, 0, 1)
    /* NXST_FLOW_REPLY */
    R(FLOW_STATS_REPLY, NX, 1, 1, MP_REP, 0xffff, 0, 0, 1)
    /* OFPST10_AGGREGATE_REQUEST */
    R(AGGREGATE_STATS_REQUEST, STD, 1, 1, MP_REQ, 2, 0, 44, 0)
    /* OFPST11_AGGREGATE_REQUEST */
    R(AGGREGATE_STATS_REQUEST, STD, 2, 5, MP_REQ, 2, 0, 32, 8)
    /* OFPST15_AGGREGATE_REQUEST */
    R(AGGREGATE_STATS_REQUEST, STD, 6, 6, MP_REQ, 2, 0, 32, 8)
    /* NXST_AGGREGATE_REQUEST */
    R(AGGREGATE_STATS_REQUEST, NX, 1, 1, MP_REQ, 0xffff, 1, 8, 8)
    /* OFPST_AGGREGATE_REPLY */
    R(AGGREGATE_STATS_REPLY, STD, 1, 5, MP_REP, 2, 0, 24, 0)
    /* OFPST15_AGGREGATE_REPLY */
    R(AGGREGATE_STATS_REPLY, STD, 6, 6, MP_REP, 2, 0, 0, 1)
    /* NXST_AGGREGATE_REPLY */
    R(AGGREGATE_STATS_REPLY, NX, 1, 1, MP_REP, 0xffff, 1, 24, 0)
    /* OFPST_TABLE_REQUEST */
    R(TABLE_STATS_REQUEST, STD, 1, 6, MP_REQ, 3, 0, 0, 0)
    /* OFPST10_TABLE_REPLY */
    R(TABLE_STATS_REPLY, STD, 1, 1, MP_REP, 3, 0, 0, 64)
    /* OFPST11_TABLE_REPLY */
    R(TABLE_STATS_REPLY, STD, 2, 2, MP_REP, 3, 0, 0, 88)
    /* OFPST12_TABLE_REPLY */
    R(TABLE_STATS_REPLY, STD, 3, 3, MP_REP, 3, 0, 0, 128)
    /* OFPST13_TABLE_REPLY */
    R(TABLE_STATS_REPLY, STD, 4, 6, MP_REP, 3, 0, 0, 24)
    /* OFPST10_PORT_REQUEST */
    R(PORT_STATS_REQUEST, STD, 1, 1, MP_REQ, 4, 0, 8, 0)
    /* OFPST11_PORT_REQUEST */
    R(PORT_STATS_REQUEST, STD, 2, 6, MP_REQ, 4, 0, 8, 0)
    /* OFPST10_PORT_REPLY */
    R(PORT_STATS_REPLY, STD, 1, 1, MP_REP, 4, 0, 0, 104)
    /* OFPST11_PORT_REPLY */
    R(PORT_STATS_REPLY, STD, 2, 3, MP_REP, 4, 0, 0, 104)
    /* OFPST13_PORT_REPLY */
    R(PORT_STATS_REPLY, STD, 4, 4, MP_REP, 4, 0, 0, 112)
    /* OFPST14_PORT_REPLY */
    R(PORT_STATS_REPLY, STD, 5, 6, MP_REP, 4, 0, 0, 8)
    /* OFPST10_QUEUE_REQUEST */
    R(QUEUE_STATS_REQUEST, STD, 1, 1, MP_REQ, 5, 0, 8, 0)
    /* OFPST11_QUEUE_REQUEST */
    R(QUEUE_STATS_REQUEST, STD, 2, 6, MP_REQ, 5, 0, 8, 0)
    /* OFPST10_QUEUE_REPLY */
    R(QUEUE_STATS_REPLY, STD, 1, 1, MP_REP, 5, 0, 0, 32)
    /* OFPST11_QUEUE_REPLY */
    R(QUEUE_STATS_REPLY, STD, 2, 3, MP_REP, 5, 0, 0, 32)
    /* OFPST13_QUEUE_REPLY */
    R(QUEUE_STATS_REPLY, STD, 4, 4, MP_REP, 5, 0, 0, 40)
    /* OFPST14_QUEUE_REPLY */
    R(QUEUE_STATS_REPLY, STD, 5, 6, MP_REP, 5, 0, 0, 8)
    /* NXST_GROUP_REQUEST */
    R(GROUP_STATS_REQUEST, NX, 1, 1, MP_REQ, 0xffff, 7, 8, 0)
    /* OFPST11_GROUP_REQUEST */
    R(GROUP_STATS_REQUEST, STD, 2, 6, MP_REQ, 6, 0, 8, 0)
    /* NXST_GROUP_REPLY */
    R(GROUP_STATS_REPLY, NX, 1, 1, MP_REP, 0xffff, 7, 0, 8)
    /* OFPST11_GROUP_REPLY */
    R(GROUP_STATS_REPLY, STD, 2, 3, MP_REP, 6, 0, 0, 8)
    /* OFPST13_GROUP_REPLY */
    R(GROUP_STATS_REPLY, STD, 4, 6, MP_REP, 6, 0, 0, 8)
    /* NXST_GROUP_DESC_REQUEST */
    R(GROUP_DESC_STATS_REQUEST, NX, 1, 1, MP_REQ, 0xffff, 8, 8, 0)
    /* OFPST11_GROUP_DESC_REQUEST */
    R(GROUP_DESC_STATS_REQUEST, STD, 2, 5, MP_REQ, 7, 0, 0, 0)
    /* OFPST15_GROUP_DESC_REQUEST */
    R(GROUP_DESC_STATS_REQUEST, STD, 6, 6, MP_REQ, 7, 0, 8, 0)
    /* NXST_GROUP_DESC_REPLY */
    R(GROUP_DESC_STATS_REPLY, NX, 1, 1, MP_REP, 0xffff, 8, 0, 8)
    /* OFPST11_GROUP_DESC_REPLY */
    R(GROUP_DESC_STATS_REPLY, STD, 2, 6, MP_REP, 7, 0, 0, 8)
    /* NXST_GROUP_FEATURES_REQUEST */
    R(GROUP_FEATURES_STATS_REQUEST, NX, 1, 2, MP_REQ, 0xffff, 9, 0, 0)
    /* OFPST12_GROUP_FEATURES_REQUEST */
    R(GROUP_FEATURES_STATS_REQUEST, STD, 3, 6, MP_REQ, 8, 0, 0, 0)
    /* NXST_GROUP_FEATURES_REPLY */
    R(GROUP_FEATURES_STATS_REPLY, NX, 1, 2, MP_REP, 0xffff, 9, 40, 0)
    /* OFPST12_GROUP_FEATURES_REPLY */
    R(GROUP_FEATURES_STATS_REPLY, STD, 3, 6, MP_REP, 8, 0, 40, 0)
    /* OFPST13_METER_REQUEST */
    R(METER_STATS_REQUEST, STD, 4, 6, MP_REQ, 9, 0, 8, 0)
    /* OFPST13_METER_REPLY */
    R(METER_STATS_REPLY, STD, 4, 6, MP_REP, 9, 0, 0, 8)
    /* OFPST13_METER_CONFIG_REQUEST */
    R(METER_CONFIG_STATS_REQUEST, STD, 4, 6, MP_REQ, 10, 0, 8, 0)
    /* OFPST13_METER_CONFIG_REPLY */
    R(METER_CONFIG_STATS_REPLY, STD, 4, 6, MP_REP, 10, 0, 0, 8)
    /* OFPST13_METER_FEATURES_REQUEST */
    R(METER_FEATURES_STATS_REQUEST, STD, 4, 6, MP_REQ, 11, 0, 0, 0)
    /* OFPST13_METER_FEATURES_REPLY */
    R(METER_FEATURES_STATS_REPLY, STD, 4, 6, MP_REP, 11, 0, 16, 0)
    /* OFPST13_TABLE_FEATURES_REQUEST */
    R(TABLE_FEATURES_STATS_REQUEST, STD, 4, 6, MP_REQ, 12, 0, 0, 8)
    /* OFPST13_TABLE_FEATURES_REPLY */
    R(TABLE_FEATURES_STATS_REPLY, STD, 4, 6, MP_REP, 12, 0, 64, 8)
    /* OFPST14_TABLE_DESC_REQUEST */
    R(TABLE_DESC_REQUEST, STD, 5, 6, MP_REQ, 14, 0, 0, 0)
    /* OFPST14_TABLE_DESC_REPLY */
    R(TABLE_DESC_REPLY, STD, 5, 6, MP_REP, 14, 0, 8, 8)
    /* OFPST10_PORT_DESC_REQUEST */
    R(PORT_DESC_STATS_REQUEST, STD, 1, 5, MP_REQ, 13, 0, 0, 0)
    /* OFPST15_PORT_DESC_REQUEST */
    R(PORT_DESC_STATS_REQUEST, STD, 6, 6, MP_REQ, 13, 0, 8, 0)
    /* OFPST10_PORT_DESC_REPLY */
    R(PORT_DESC_STATS_REPLY, STD, 1, 1, MP_REP, 13, 0, 0, 48)
    /* OFPST11_PORT_DESC_REPLY */
    R(PORT_DESC_STATS_REPLY, STD, 2, 4, MP_REP, 13, 0, 0, 64)
    /* OFPST14_PORT_DESC_REPLY */
    R(PORT_DESC_STATS_REPLY, STD, 5, 6, MP_REP, 13, 0, 0, 8)
    /* OFPST14_QUEUE_DESC_REQUEST */
    R(QUEUE_DESC_STATS_REQUEST, STD, 5, 6, MP_REQ, 15, 0, 8, 0)
    /* OFPST14_QUEUE_DESC_REPLY */
    R(QUEUE_DESC_STATS_REPLY, STD, 5, 6, MP_REP, 15, 0, 0, 8)
    /* OFPST14_FLOW_MONITOR_REQUEST */
    R(FLOW_MONITOR_STATS_REQUEST, STD, 5, 6, MP_REQ, 16, 0, 0, 8)
    /* ONFST13_FLOW_MONITOR_REQUEST */
    R(FLOW_MONITOR_STATS_REQUEST, ONF, 4, 4, MP_REQ, 0xffff, 1870, 0, 8)
    /* NXST_FLOW_MONITOR_REQUEST */
    R(FLOW_MONITOR_STATS_REQUEST, NX, 1, 3, MP_REQ, 0xffff, 2, 0, 8)
    /* OFPST14_FLOW_MONITOR_REPLY */
    R(FLOW_MONITOR_STATS_REPLY, STD, 5, 6, MP_REP, 16, 0, 0, 8)
    /* ONFST13_FLOW_MONITOR_REPLY */
    R(FLOW_MONITOR_STATS_REPLY, ONF, 4, 4, MP_REP, 0xffff, 1870, 0, 8)
    /* NXST_FLOW_MONITOR_REPLY */
    R(FLOW_MONITOR_STATS_REPLY, NX, 1, 3, MP_REP, 0xffff, 2, 0, 8)
    /* ONFT13_FLOW_MONITOR_CANCEL */
    R(NXT_FLOW_MONITOR_CANCEL, ONF, 4, 4, 4, -1, 1870, 4, 0)
    /* NXT_FLOW_MONITOR_CANCEL */
    R(NXT_FLOW_MONITOR_CANCEL, NX, 1, 3, 4, -1, 21, 4, 0)
    /* ONFT13_FLOW_MONITOR_PAUSED */
    R(NXT_FLOW_MONITOR_PAUSED, ONF, 4, 4, 4, -1, 1871, 0, 0)
    /* NXT_FLOW_MONITOR_PAUSED */
    R(NXT_FLOW_MONITOR_PAUSED, NX, 1, 3, 4, -1, 22, 0, 0)
    /* ONFT13_FLOW_MONITOR_RESUMED */
    R(NXT_FLOW_MONITOR_RESUMED, ONF, 4, 4, 4, -1, 1872, 0, 0)
    /* NXT_FLOW_MONITOR_RESUMED */
    R(NXT_FLOW_MONITOR_RESUMED, NX, 1, 3, 4, -1, 23, 0, 0)
    /* NXT_SET_FLOW_FORMAT */
    R(NXT_SET_FLOW_FORMAT, NX, 1, 1, 4, -1, 12, 4, 0)
    /* NXT_FLOW_MOD_TABLE_ID */
    R(NXT_FLOW_MOD_TABLE_ID, NX, 1, 6, 4, -1, 15, 8, 0)
    /* NXT_SET_PACKET_IN_FORMAT */
    R(NXT_SET_PACKET_IN_FORMAT, NX, 1, 6, 4, -1, 16, 4, 0)
    R(NXT_FLOW_AGE, NX, 1, 6, 4, -1, 18, 0, 0)  /* NXT_FLOW_AGE */
    /* NXT_SET_CONTROLLER_ID */
    R(NXT_SET_CONTROLLER_ID, NX, 1, 6, 4, -1, 20, 8, 0)
    R(NXT_TLV_TABLE_MOD, NX, 1, 6, 4, -1, 24, 8, 8)  /* NXT_TLV_TABLE_MOD */
    /* NXT_TLV_TABLE_REQUEST */
    R(NXT_TLV_TABLE_REQUEST, NX, 1, 6, 4, -1, 25, 0, 0)
    /* NXT_TLV_TABLE_REPLY */
    R(NXT_TLV_TABLE_REPLY, NX, 1, 6, 4, -1, 26, 16, 8)
    R(NXT_RESUME, NX, 1, 6, 4, -1, 28, 0, 8)  /* NXT_RESUME */
    R(NXT_CT_FLUSH_ZONE, NX, 1, 6, 4, -1, 29, 8, 0)  /* NXT_CT_FLUSH_ZONE */
    R(NXT_CT_FLUSH, NX, 1, 6, 4, -1, 32, 8, 8)  /* NXT_CT_FLUSH */
    /* NXST_IPFIX_BRIDGE_REQUEST */
    R(NXST_IPFIX_BRIDGE_REQUEST, NX, 1, 6, MP_REQ, 0xffff, 3, 0, 0)
    /* NXST_IPFIX_BRIDGE_REPLY */
    R(NXST_IPFIX_BRIDGE_REPLY, NX, 1, 6, MP_REP, 0xffff, 3, 88, 0)
    /* NXST_IPFIX_FLOW_REQUEST */
    R(NXST_IPFIX_FLOW_REQUEST, NX, 1, 6, MP_REQ, 0xffff, 4, 0, 0)
    /* NXST_IPFIX_FLOW_REPLY */
    R(NXST_IPFIX_FLOW_REPLY, NX, 1, 6, MP_REP, 0xffff, 4, 0, 88)
};
#undef R
#define N_ROWS (sizeof msg_rows / sizeof msg_rows[0])

static const char *const type_names[] = {
#define T(NAME) #NAME,
    OFPTYPES
#undef T
};

const char *ofptype_name(enum ofptype type)
{
    return (unsigned) type < OFPTYPE_N ? type_names[type] : "UNKNOWN";
}

/* What a message's header(s) say. */
struct hdrs {
    uint8_t version;
    uint8_t type;
    uint16_t wire;              /* type, or MP_REQ / MP_REP */
    int32_t stat;
    uint32_t vendor;
    uint32_t subtype;
    uint16_t flags;
    size_t len;                 /* of the header(s) */
};

static enum ofp_family family_of(uint32_t vendor)
{
    return vendor == NX_VENDOR_ID ? OFPF_NX
           : vendor == ONF_VENDOR_ID ? OFPF_ONF : OFPF_STD;
}

static bool is_mp_type(uint8_t version, uint8_t type)
{
    return version == OFP10_VERSION
           ? type == OFPT10_STATS_REQUEST || type == OFPT10_STATS_REPLY
           : type == OFPT11_STATS_REQUEST || type == OFPT11_STATS_REPLY;
}

/* Reads the header(s) of the `len` bytes at `p` (OVS's ofphdrs_decode). */
static int hdrs_decode(const uint8_t *p, size_t len, struct hdrs *h)
{
    memset(h, 0, sizeof *h);
    h->stat = -1;
    if (len < OFP_HEADER_LEN) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    h->version = p[0];
    h->type = p[1];
    h->wire = p[1];
    h->len = OFP_HEADER_LEN;
    if (h->type == OFPT_VENDOR) {
        if (len < 16) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        h->vendor = ofp_get_be32(p + 8);
        if (h->vendor != NX_VENDOR_ID && h->vendor != ONF_VENDOR_ID) {
            return -OFPERR_OFPBRC_BAD_VENDOR;
        }
        h->subtype = ofp_get_be32(p + 12);
        h->len = 16;
    } else if (is_mp_type(h->version, h->type)) {
        bool of10 = h->version == OFP10_VERSION;
        h->wire = (h->type == OFPT10_STATS_REQUEST
                   || h->type == OFPT11_STATS_REQUEST) ? MP_REQ : MP_REP;
        h->len = of10 ? 12 : 16;
        if (len < h->len) {
            return -OFPERR_OFPBRC_BAD_LEN;
        }
        h->stat = ofp_get_be16(p + 8);
        h->flags = ofp_get_be16(p + 10);
        if (h->stat == OFPST_VENDOR) {
            if (len < (of10 ? 16u : 24u)) {
                return -OFPERR_OFPBRC_BAD_LEN;
            }
            h->vendor = ofp_get_be32(p + (of10 ? 12 : 16));
            if (h->vendor != NX_VENDOR_ID
                && (of10 || h->vendor != ONF_VENDOR_ID)) {
                return -OFPERR_OFPBRC_BAD_VENDOR;
            }
            if (len < 24) {
                return -OFPERR_OFPBRC_BAD_LEN;
            }
            h->subtype = ofp_get_be32(p + (of10 ? 16 : 20));
            h->len = 24;
        }
    }
    return 0;
}

static const struct msg_row *row_find(const struct hdrs *h)
{
    enum ofp_family fam = family_of(h->vendor);
    for (size_t i = 0; i < N_ROWS; i++) {
        const struct msg_row *r = &msg_rows[i];
        if (h->version >= r->vmin && h->version <= r->vmax
            && r->wire == h->wire && r->family == fam && r->stat == h->stat
            && (fam == OFPF_STD || r->subtype == h->subtype)) {
            return r;
        }
    }
    return NULL;
}

int ofp_msg_decode(const void *data, size_t len, struct ofp_msg *msg)
{
    const uint8_t *p = data;
    memset(msg, 0, sizeof *msg);
    if (len < OFP_HEADER_LEN) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    size_t mlen = ofp_get_be16(p + 2);
    if (mlen < OFP_HEADER_LEN || mlen > len) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    msg->version = p[0];
    msg->wire_type = p[1];
    msg->xid = ofp_get_be32(p + 4);
    msg->data = p;
    msg->len = mlen;
    if (p[0] < OFP10_VERSION || p[0] > OFP15_VERSION) {
        return -OFPERR_OFPBRC_BAD_VERSION;
    }

    struct hdrs h;
    int error = hdrs_decode(p, mlen, &h);
    if (error) {
        return error;
    }
    const struct msg_row *r = row_find(&h);
    if (!r) {
        return (h.vendor ? -OFPERR_OFPBRC_BAD_SUBTYPE
                : h.stat >= 0 ? -OFPERR_OFPBRC_BAD_STAT
                : -OFPERR_OFPBRC_BAD_TYPE);
    }
    size_t min_len = h.len + r->min_body;
    if (mlen < min_len || (r->mult == 0 && mlen != min_len)
        || (r->mult > 1 && (mlen - min_len) % r->mult)) {
        return -OFPERR_OFPBRC_BAD_LEN;
    }
    msg->type = (enum ofptype) r->type;
    msg->family = (enum ofp_family) r->family;
    msg->subtype = h.subtype;
    msg->mp_flags = h.flags;
    msg->body = p + h.len;
    msg->body_len = mlen - h.len;
    return 0;
}

static const struct msg_row *row_for(uint8_t version, enum ofptype type,
                                     enum ofp_family family, bool any_sub,
                                     uint32_t subtype)
{
    for (size_t i = 0; i < N_ROWS; i++) {
        const struct msg_row *r = &msg_rows[i];
        if (r->type == type && r->family == family && version >= r->vmin
            && version <= r->vmax && (any_sub || r->subtype == subtype)) {
            return r;
        }
    }
    return NULL;
}

bool ofp_msg_exists(uint8_t version, enum ofptype type,
                    enum ofp_family family)
{
    return row_for(version, type, family, true, 0) != NULL;
}

static size_t start_row(struct ofpbuf *b, uint8_t version,
                        const struct msg_row *r, uint32_t xid)
{
    size_t start = b->size;
    uint32_t vendor = (r->family == OFPF_NX ? NX_VENDOR_ID
                       : r->family == OFPF_ONF ? ONF_VENDOR_ID : 0);
    bool of10 = version == OFP10_VERSION;
    uint8_t wire = (r->wire == MP_REQ
                    ? (of10 ? OFPT10_STATS_REQUEST : OFPT11_STATS_REQUEST)
                    : r->wire == MP_REP
                    ? (of10 ? OFPT10_STATS_REPLY : OFPT11_STATS_REPLY)
                    : (uint8_t) r->wire);
    ofpbuf_put_u8(b, version);
    ofpbuf_put_u8(b, wire);
    ofpbuf_put_be16(b, 0);
    ofpbuf_put_be32(b, xid);
    if (r->stat >= 0) {
        ofpbuf_put_be16(b, (uint16_t) r->stat);
        ofpbuf_put_be16(b, 0);              /* flags */
        if (!of10) {
            ofpbuf_put_zeros(b, 4);
        }
        if (vendor) {
            ofpbuf_put_be32(b, vendor);
            ofpbuf_put_be32(b, r->subtype);
            if (of10) {
                ofpbuf_put_zeros(b, 4);
            }
        }
    } else if (vendor) {
        ofpbuf_put_be32(b, vendor);
        ofpbuf_put_be32(b, r->subtype);
    }
    return start;
}

size_t ofp_msg_start(struct ofpbuf *b, uint8_t version, enum ofptype type,
                     enum ofp_family family, uint32_t xid)
{
    const struct msg_row *r = row_for(version, type, family, true, 0);
    if (!r) {
        abort();
    }
    return start_row(b, version, r, xid);
}

size_t ofp_msg_start_sub(struct ofpbuf *b, uint8_t version, enum ofptype type,
                         enum ofp_family family, uint32_t subtype,
                         uint32_t xid)
{
    const struct msg_row *r = row_for(version, type, family, false, subtype);
    if (!r) {
        abort();
    }
    return start_row(b, version, r, xid);
}

void ofp_msg_finish(struct ofpbuf *b, size_t start)
{
    struct hdrs h;
    if (!hdrs_decode(b->data + start, b->size - start, &h)) {
        const struct msg_row *r = row_find(&h);
        if (r && r->mult == 8) {
            size_t var = b->size - start - h.len;
            var = var > r->min_body ? var - r->min_body : 0;
            if (var % 8) {
                ofpbuf_put_zeros(b, 8 - var % 8);
            }
        }
    }
    ofpbuf_set_be16(b, start + 2, (uint16_t) (b->size - start));
}

size_t ofp_msg_start_reply(struct ofpbuf *b, const struct ofp_msg *req,
                           enum ofptype reply_type)
{
    const struct msg_row *r = NULL;
    if (req->family != OFPF_STD) {
        /* The Nicira reply of a Nicira request has the next subtype
         * (NXT_ROLE_REQUEST 10 -> NXT_ROLE_REPLY 11) or, multipart, the
         * same one. */
        r = row_for(req->version, reply_type, req->family, false,
                    req->subtype);
        if (!r) {
            r = row_for(req->version, reply_type, req->family, false,
                        req->subtype + 1);
        }
        if (!r) {
            r = row_for(req->version, reply_type, req->family, true, 0);
        }
    }
    if (!r) {
        r = row_for(req->version, reply_type, OFPF_STD, true, 0);
    }
    if (!r) {
        abort();
    }
    return start_row(b, req->version, r, req->xid);
}

/* ---- Multipart replies ---- */

void ofp_mp_reply_init(struct ofp_mp_reply *r, struct ofpbuf *b,
                       const struct ofp_msg *req)
{
    r->b = b;
    r->req = req;
    r->start = ofp_msg_start_reply(b, req, (enum ofptype) (req->type + 1));
    r->entry = b->size;
}

void ofp_mp_entry_start(struct ofp_mp_reply *r)
{
    r->entry = r->b->size;
}

void ofp_mp_entry_end(struct ofp_mp_reply *r)
{
    struct ofpbuf *b = r->b;
    if (b->size - r->start <= OFP_MAX_MSG_LEN || r->entry == r->start) {
        return;
    }
    size_t n = b->size - r->entry;
    uint8_t *entry = xmalloc(n);
    memcpy(entry, b->data + r->entry, n);
    b->size = r->entry;
    ofpbuf_set_be16(b, r->start + 10, OFPMPF_MORE);
    ofp_msg_finish(b, r->start);
    r->start = ofp_msg_start_reply(b, r->req,
                                   (enum ofptype) (r->req->type + 1));
    r->entry = b->size;
    ofpbuf_put(b, entry, n);
    free(entry);
}

void ofp_mp_reply_finish(struct ofp_mp_reply *r)
{
    ofp_msg_finish(r->b, r->start);
}

/* ---- Hello, echo, simple requests ---- */

#define OFPHET_VERSIONBITMAP 1

static int highest_bit(uint32_t x)
{
    int n = -1;
    while (x) {
        n++;
        x >>= 1;
    }
    return n;
}

void ofp_encode_hello(struct ofpbuf *b, uint32_t versions, uint32_t xid)
{
    int top = highest_bit(versions);
    uint8_t version = top > 0 ? (uint8_t) top : OFP10_VERSION;
    size_t start = ofp_msg_start(b, version, OFPTYPE_HELLO, OFPF_STD, xid);
    /* As OVS: the bitmap is left out only when the versions are 1.0 up to
     * the header's, all of them (what a hello without it means). */
    uint32_t up = (versions >> 1) + 1;
    if (up & (up - 1)) {
        ofpbuf_put_be16(b, OFPHET_VERSIONBITMAP);
        ofpbuf_put_be16(b, 8);
        ofpbuf_put_be32(b, versions);
    }
    ofp_msg_finish(b, start);
}

uint32_t ofp_decode_hello(const struct ofp_msg *msg)
{
    struct ofpcur c = ofpcur_init(msg->body, msg->body_len);
    uint32_t versions = 0;
    bool have_bitmap = false;
    while (c.left >= 4) {
        uint16_t type = ofp_get_be16(c.p);
        uint16_t len = ofp_get_be16(c.p + 2);
        size_t padded = ((size_t) len + 7) / 8 * 8;
        struct ofpcur elem;
        if (len < 4 || padded > c.left) {
            break;
        }
        elem = ofpcur_init(c.p + 4, len - 4u);
        ofpcur_bytes(&c, NULL, padded);
        if (type == OFPHET_VERSIONBITMAP) {
            uint32_t word;
            have_bitmap = true;
            /* Only the first 32 versions matter. */
            versions = ofpcur_be32(&elem, &word) ? word : 0;
            versions &= ~1u;                /* there is no version 0 */
        }
    }
    if (!have_bitmap) {
        unsigned v = msg->version < 31 ? msg->version : 31;
        versions = (uint32_t) ((1ull << (v + 1)) - 2);
    }
    return versions;
}

uint8_t ofp_negotiate(uint32_t ours, uint32_t theirs)
{
    int top = highest_bit(ours & theirs);
    return top > 0 ? (uint8_t) top : 0;
}

void ofp_encode_echo(struct ofpbuf *b, uint8_t version, bool reply,
                     uint32_t xid, const void *data, size_t len)
{
    size_t start = ofp_msg_start(b, version,
                                 reply ? OFPTYPE_ECHO_REPLY
                                       : OFPTYPE_ECHO_REQUEST,
                                 OFPF_STD, xid);
    if (len > OFP_MAX_MSG_LEN - OFP_HEADER_LEN) {
        len = OFP_MAX_MSG_LEN - OFP_HEADER_LEN;
    }
    if (len) {
        ofpbuf_put(b, data, len);
    }
    ofp_msg_finish(b, start);
}

void ofp_encode_simple(struct ofpbuf *b, uint8_t version, enum ofptype type,
                       enum ofp_family family, uint32_t xid)
{
    if (type == OFPTYPE_PORT_DESC_STATS_REQUEST && version >= OFP15_VERSION) {
        ofp_encode_port_desc_request(b, version, xid, 0xffff /* OFPP_NONE */);
        return;
    }
    ofp_msg_finish(b, ofp_msg_start(b, version, type, family, xid));
}
