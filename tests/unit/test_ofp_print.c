/* Text output of src/ofp/ofp_print.h against Debian's ovs-ofctl 3.1.
 *
 * The golden messages are real replies of Debian's ovs-vswitchd 3.1 (a
 * private sandbox, bridge br0 with ports p1, p2) captured once, and
 * packet-ins built around test frames; the expected text beside each is
 * what `ovs-ofctl ofp-print HEX` printed for it, pasted unchanged.  Each is
 * decoded with the codec and printed with ofp_print_msg.  The struct tests
 * print decoded structs directly (table stats with "ditto" runs, flows
 * without stats, flow_removed, port_status) against text ovs-ofctl printed
 * for the same content. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ofp/ofp_port.h"
#include "ofp/ofp_print.h"

struct golden {
    const char *name;
    const char *hex;
    const char *text;
};

static const struct golden goldens[] = {
    { "of10_features",
    "010600b0000000020000028370b8414500000000fe000000000000c700000fff"
    "00012ab0a3619521703100000000000000000000000000000000000000000000"
    "000000c0000000000000000000000000fffe028370b841456272300000000000"
    "00000000000000000000000100000001000000c0000000000000000000000000"
    "000272984cc86031703200000000000000000000000000000000000000000000"
    "000000c0000000000000000000000000",
    "OFPT_FEATURES_REPLY (xid=0x2): dpid:0000028370b84145\n"
    "n_tables:254, n_buffers:0\n"
    "capabilities: FLOW_STATS TABLE_STATS PORT_STATS QUEUE_STATS "
    "ARP_MATCH_IP\n"
    "actions: output enqueue set_vlan_vid set_vlan_pcp strip_vlan"
    " mod_dl_src mod_dl_dst mod_nw_src mod_nw_dst mod_nw_tos mod_"
    "tp_src mod_tp_dst\n"
    " 1(p1): addr:2a:b0:a3:61:95:21\n"
    "     config:     0\n"
    "     state:      0\n"
    "     current:    10GB-FD COPPER\n"
    "     speed: 10000 Mbps now, 0 Mbps max\n"
    " 2(p2): addr:72:98:4c:c8:60:31\n"
    "     config:     0\n"
    "     state:      0\n"
    "     current:    10GB-FD COPPER\n"
    "     speed: 10000 Mbps now, 0 Mbps max\n"
    " LOCAL(br0): addr:02:83:70:b8:41:45\n"
    "     config:     PORT_DOWN\n"
    "     state:      LINK_DOWN\n"
    "     current:    10GB-FD COPPER\n"
    "     speed: 10000 Mbps now, 0 Mbps max\n" },
    /* Roles: hex made by hand, text from `ovs-ofctl ofp-print`. */
    { "role_request", "041800180000000100000002000000000000000000000005",
    "OFPT_ROLE_REQUEST (OF1.3) (xid=0x1): role=primary generation_id=5\n" },
    { "role_request_nochange",
    "041800180000000100000000000000000000000000000005",
    "OFPT_ROLE_REQUEST (OF1.3) (xid=0x1): role=nochange\n" },
    { "role_reply_equal", "041900180000000100000001000000000000000000000005",
    "OFPT_ROLE_REPLY (OF1.3) (xid=0x1): role=equal generation_id=5\n" },
    { "role_reply_nogen", "04190018000000010000000200000000ffffffffffffffff",
    "OFPT_ROLE_REPLY (OF1.3) (xid=0x1): role=primary\n" },
    { "nx_role_request", "0104001400000002000023200000000a00000001",
    "NXT_ROLE_REQUEST (xid=0x2): role=primary\n" },
    { "nx_role_reply", "0104001400000002000023200000000b00000002",
    "NXT_ROLE_REPLY (xid=0x2): role=secondary\n" },
    { "onf_role_status",
    "04040020000000004f4e46000000077700000003000000000000000000000007",
    "ONFT_ROLE_STATUS (OF1.3) (xid=0x0): role=secondary generation_id=7 "
    "reason=primary_request\n" },
    { "role_status_config", "051e00180000000000000003010000000000000000000007",
    "OFPT_ROLE_STATUS (OF1.4) (xid=0x0): role=secondary generation_id=7 "
    "reason=configuration_changed\n" },
    { "role_status_props",
    "051e00200000000000000003000000000000000000000007ffff000800000000",
    "OFPT_ROLE_STATUS (OF1.4) (xid=0x0): role=secondary generation_id=7 "
    "reason=primary_request\n" },
    { "role_status_bad_role",
    "051e00180000000000000005000000000000000000000007",
    "OFPT_ROLE_STATUS (OF1.4) (xid=0x0): ***decode error: "
    "OFPRRFC_BAD_ROLE***\n"
    "00000000  05 1e 00 18 00 00 00 00-00 00 00 05 00 00 00 00 "
    "|................|\n"
    "00000010  00 00 00 00 00 00 00 07-                        "
    "|........        |\n" },
    { "of10_config",
    "0108000c0000000200000000",
    "OFPT_GET_CONFIG_REPLY (xid=0x2): frags=normal miss_send_len=0\n" },
    { "of10_desc",
    "0111042c00000002000000004e69636972612c20496e632e0000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000004f70656e20765377697463680000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000332e312e30000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000004e6f6e6500000000000000000000000000000000"
    "0000000000000000000000004e6f6e6500000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000",
    "OFPST_DESC reply (xid=0x2):\n"
    "Manufacturer: Nicira, Inc.\n"
    "Hardware: Open vSwitch\n"
    "Software: 3.1.0\n"
    "Serial Num: None\n"
    "DP Description: None\n" },
    { "of10_ports",
    "0111014400000002000400000001000000000000000000000000001100000000"
    "00000020000000000000052e00000000000009cc000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000fffe00000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000c0000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000020000"
    "00000000000000000000000f0000000000000019000000000000047a00000000"
    "0000071200000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "00000000",
    "OFPST_PORT reply (xid=0x2): 3 ports\n"
    "  port  1: rx pkts=17, bytes=1326, drop=0, errs=0, frame=0, "
    "over=0, crc=0\n"
    "           tx pkts=32, bytes=2508, drop=0, errs=0, coll=0\n"
    "  port LOCAL: rx pkts=0, bytes=0, drop=0, errs=0, frame=0, o"
    "ver=0, crc=0\n"
    "           tx pkts=0, bytes=0, drop=12, errs=0, coll=0\n"
    "  port  2: rx pkts=15, bytes=1146, drop=0, errs=0, frame=0, "
    "over=0, crc=0\n"
    "           tx pkts=25, bytes=1810, drop=0, errs=0, coll=0\n" },
    { "of10_portdesc",
    "0111009c00000002000d000000012ab0a3619521703100000000000000000000"
    "000000000000000000000000000000c0000000000000000000000000fffe0283"
    "70b84145627230000000000000000000000000000000000100000001000000c0"
    "000000000000000000000000000272984cc86031703200000000000000000000"
    "000000000000000000000000000000c0000000000000000000000000",
    "OFPST_PORT_DESC reply (xid=0x2):\n"
    " 1(p1): addr:2a:b0:a3:61:95:21\n"
    "     config:     0\n"
    "     state:      0\n"
    "     current:    10GB-FD COPPER\n"
    "     speed: 10000 Mbps now, 0 Mbps max\n"
    " 2(p2): addr:72:98:4c:c8:60:31\n"
    "     config:     0\n"
    "     state:      0\n"
    "     current:    10GB-FD COPPER\n"
    "     speed: 10000 Mbps now, 0 Mbps max\n"
    " LOCAL(br0): addr:02:83:70:b8:41:45\n"
    "     config:     PORT_DOWN\n"
    "     state:      LINK_DOWN\n"
    "     current:    10GB-FD COPPER\n"
    "     speed: 10000 Mbps now, 0 Mbps max\n" },
    { "of10_flows",
    "0111019000000004ffff00000000232000000000000000000060000000000000"
    "0393870080000000000000060001000100000000000000100000000000000000"
    "00000000000000000000000200020000ffff0018000023200007001f00010204"
    "0000000000000005ffff001000002320000efff8020000000048000000000000"
    "03938700001e00000000000b0001000100000000000000200000000000000000"
    "000000000000000000000602080000000c010600000000000000000800020000"
    "003800000000000003a2c940000a000000000006000100010000000000000000"
    "0000000000000000000000000000000000000602080000000048000000000000"
    "022551000005003c007800080001000100000000000000000000000000000000"
    "000000000000000000000904100a1fff000300080000000000000008fffa0000"
    "0050020000000000039387000014000000000011000100010000000000000000"
    "0000000000000000000000000000000000000602080000000c01110000160200"
    "35000000000000000000000800010000",
    "NXST_FLOW reply (xid=0x4):\n"
    " cookie=0x10, duration=0.060s, table=0, n_packets=0, n_bytes"
    "=0, idle_age=0, in_port=2 actions=load:0x5->NXM_NX_REG1[],re"
    "submit(,2)\n"
    " cookie=0x20, duration=0.060s, table=0, n_packets=0, n_bytes"
    "=0, idle_age=0, priority=30,tcp actions=output:2\n"
    " cookie=0x0, duration=0.061s, table=0, n_packets=0, n_bytes="
    "0, idle_age=0, priority=10,ip actions=drop\n"
    " cookie=0x0, duration=0.036s, table=0, n_packets=0, n_bytes="
    "0, idle_timeout=60, hard_timeout=120, idle_age=0, priority=5"
    ",dl_vlan=10 actions=strip_vlan,NORMAL\n"
    " cookie=0x0, duration=0.060s, table=2, n_packets=0, n_bytes="
    "0, idle_age=0, priority=20,udp,tp_src=53 actions=output:1\n" },
    { "of10_agg",
    "0111003000000004ffff00000000232000000001000000000000000000000000"
    "00000000000000000000000500000000",
    "NXST_AGGREGATE reply (xid=0x4): packet_count=0 byte_count=0 "
    "flow_count=5\n" },
    { "of10_badflow",
    "010100540000000400010005010e004800000004003820ff0000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "00000000fe00000000008000ffffffffffff0000",
    "OFPT_ERROR (xid=0x4): OFPBRC_EPERM\n"
    "OFPT_FLOW_MOD (xid=0x4): ADD table:254 actions=drop\n" },
    { "of13_features",
    "04060020000000020000028370b8414500000000fe0000000000004f00000000",
    "OFPT_FEATURES_REPLY (OF1.3) (xid=0x2): dpid:0000028370b84145\n"
    "n_tables:254, n_buffers:0\n"
    "capabilities: FLOW_STATS TABLE_STATS PORT_STATS GROUP_STATS "
    "QUEUE_STATS\n" },
    { "of13_config",
    "0408000c0000000200000000",
    "OFPT_GET_CONFIG_REPLY (OF1.3) (xid=0x2): frags=normal miss_s"
    "end_len=0\n" },
    { "of13_desc",
    "041304300000000200000000000000004e69636972612c20496e632e00000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000004f70656e207653776974636800000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000332e312e300000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000004e6f6e65000000000000000000000000"
    "000000000000000000000000000000004e6f6e65000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000",
    "OFPST_DESC reply (OF1.3) (xid=0x2):\n"
    "Manufacturer: Nicira, Inc.\n"
    "Hardware: Open vSwitch\n"
    "Software: 3.1.0\n"
    "Serial Num: None\n"
    "DP Description: None\n" },
    { "of13_ports",
    "0413016000000002000400000000000000000001000000000000000000000011"
    "0000000000000020000000000000052e00000000000009cc0000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000c2b3731a380"
    "fffffffe00000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000c0000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000c2b3b3f3c800000000200000000000000000000000f"
    "0000000000000019000000000000047a00000000000007120000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "00000000000000000000000000000000000000000000000000000c2b3740e5c0",
    "OFPST_PORT reply (OF1.3) (xid=0x2): 3 ports\n"
    "  port  1: rx pkts=17, bytes=1326, drop=0, errs=0, frame=0, "
    "over=0, crc=0\n"
    "           tx pkts=32, bytes=2508, drop=0, errs=0, coll=0\n"
    "           duration=3115.926s\n"
    "  port LOCAL: rx pkts=0, bytes=0, drop=0, errs=0, frame=0, o"
    "ver=0, crc=0\n"
    "           tx pkts=0, bytes=0, drop=12, errs=0, coll=0\n"
    "           duration=3115.994s\n"
    "  port  2: rx pkts=15, bytes=1146, drop=0, errs=0, frame=0, "
    "over=0, crc=0\n"
    "           tx pkts=25, bytes=1810, drop=0, errs=0, coll=0\n"
    "           duration=3115.927s\n" },
    { "of13_portdesc",
    "041300d000000002000d00000000000000000001000000002ab0a36195210000"
    "7031000000000000000000000000000000000000000000040000084000000000"
    "00000000000000000098968000000000fffffffe00000000028370b841450000"
    "6272300000000000000000000000000000000001000000010000084000000000"
    "00000000000000000098968000000000000000020000000072984cc860310000"
    "7032000000000000000000000000000000000000000000040000084000000000"
    "00000000000000000098968000000000",
    "OFPST_PORT_DESC reply (OF1.3) (xid=0x2):\n"
    " 1(p1): addr:2a:b0:a3:61:95:21\n"
    "     config:     0\n"
    "     state:      LIVE\n"
    "     current:    10GB-FD COPPER\n"
    "     speed: 10000 Mbps now, 0 Mbps max\n"
    " 2(p2): addr:72:98:4c:c8:60:31\n"
    "     config:     0\n"
    "     state:      LIVE\n"
    "     current:    10GB-FD COPPER\n"
    "     speed: 10000 Mbps now, 0 Mbps max\n"
    " LOCAL(br0): addr:02:83:70:b8:41:45\n"
    "     config:     PORT_DOWN\n"
    "     state:      LINK_DOWN\n"
    "     current:    10GB-FD COPPER\n"
    "     speed: 10000 Mbps now, 0 Mbps max\n" },
    { "of13_flows",
    "041301d8000000020001000000000000007000000000000005f5e10080000000"
    "0000000400000000000000000000001000000000000000000000000000000000"
    "0001000c8000000400000002000000000004003000000000ffff001800002320"
    "0007001f000102040000000000000005ffff001000002320000efff802000000"
    "005800000000000005f5e100001e000000000004000000000000000000000020"
    "000000000000000000000000000000000001000f80000a020800800014010600"
    "0004001800000000000000100000000200000000000000000040000000000000"
    "06052340000a0000000000040000000000000000000000000000000000000000"
    "00000000000000000001000a80000a0208000000000000000060000000000000"
    "0487ab000005003c007800010000000000000000000000000000000000000000"
    "00000000000000000001000a80000c02100a0000000000000004002000000000"
    "001200080000000000000010fffffffa00000000000000000060020000000000"
    "05f5e10000140000000000040000000000000000000000000000000000000000"
    "00000000000000000001001580000a020800800014011180001e020035000000"
    "000400180000000000000010000000010000000000000000",
    "OFPST_FLOW reply (OF1.3) (xid=0x2):\n"
    " cookie=0x10, duration=0.100s, table=0, n_packets=0, n_bytes"
    "=0, reset_counts in_port=2 actions=load:0x5->NXM_NX_REG1[],r"
    "esubmit(,2)\n"
    " cookie=0x20, duration=0.100s, table=0, n_packets=0, n_bytes"
    "=0, reset_counts priority=30,tcp actions=output:2\n"
    " cookie=0x0, duration=0.101s, table=0, n_packets=0, n_bytes="
    "0, reset_counts priority=10,ip actions=drop\n"
    " cookie=0x0, duration=0.076s, table=0, n_packets=0, n_bytes="
    "0, idle_timeout=60, hard_timeout=120, send_flow_rem priority"
    "=5,dl_vlan=10 actions=pop_vlan,NORMAL\n"
    " cookie=0x0, duration=0.100s, table=2, n_packets=0, n_bytes="
    "0, reset_counts priority=20,udp,tp_src=53 actions=output:1\n" },
    { "of13_agg",
    "0413002800000002000200000000000000000000000000000000000000000000"
    "0000000500000000",
    "OFPST_AGGREGATE reply (OF1.3) (xid=0x2): packet_count=0 byte"
    "_count=0 flow_count=5\n" },
    { "of13_badflow",
    "040100440000000200010005040e003800000002000000000000000000000000"
    "00000000fe00000000008000ffffffffffffffffffffffff0000000000010004"
    "00000000",
    "OFPT_ERROR (OF1.3) (xid=0x2): OFPBRC_EPERM\n"
    "OFPT_FLOW_MOD (OF1.3) (xid=0x2): ADD table:254 actions=drop\n" },
    { "packet_in_tcp",
    "010a004800000000ffffffff0036000100000a0000000001aabbccddeeff0800"
    "452e002800000000400600000a0000010a00000204d200500000000100000000"
    "50022000abcd0000",
    "OFPT_PACKET_IN (xid=0x0): total_len=54 in_port=1 (via no_mat"
    "ch) data_len=54 (unbuffered)\n"
    "tcp,vlan_tci=0x0000,dl_src=aa:bb:cc:dd:ee:ff,dl_dst=0a:00:00"
    ":00:00:01,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=44,nw_ecn=2"
    ",nw_ttl=64,nw_frag=no,tp_src=1234,tp_dst=80,tcp_flags=syn tc"
    "p_csum:abcd\n" },
    { "packet_in_udp",
    "010a003c00000000ffffffff002a000100000a0000000001aabbccddeeff0800"
    "4500001c00000000401100000a0000010a000002003514e900081234",
    "OFPT_PACKET_IN (xid=0x0): total_len=42 in_port=1 (via no_mat"
    "ch) data_len=42 (unbuffered)\n"
    "udp,vlan_tci=0x0000,dl_src=aa:bb:cc:dd:ee:ff,dl_dst=0a:00:00"
    ":00:00:01,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,"
    "nw_ttl=64,nw_frag=no,tp_src=53,tp_dst=5353 udp_csum:1234\n" },
    { "packet_in_vlan",
    "010a004000000000ffffffff002e000100000a0000000001aabbccddeeff8100"
    "600a08004500001c00000000400100000a0000010a0000020000ffff00000000",
    "OFPT_PACKET_IN (xid=0x0): total_len=46 in_port=1 (via no_mat"
    "ch) data_len=46 (unbuffered)\n"
    "icmp,dl_vlan=10,dl_vlan_pcp=3,vlan_tci1=0x0000,dl_src=aa:bb:"
    "cc:dd:ee:ff,dl_dst=0a:00:00:00:00:01,nw_src=10.0.0.1,nw_dst="
    "10.0.0.2,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,icmp_type=0,"
    "icmp_code=0 icmp_csum:ffff\n" },
    { "packet_in_frag",
    "010a003c00000000ffffffff002a000100000a0000000001aabbccddeeff0800"
    "4500001c00002000401100000a0000010a000002003514e900081234",
    "OFPT_PACKET_IN (xid=0x0): total_len=42 in_port=1 (via no_mat"
    "ch) data_len=42 (unbuffered)\n"
    "udp,vlan_tci=0x0000,dl_src=aa:bb:cc:dd:ee:ff,dl_dst=0a:00:00"
    ":00:00:01,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,"
    "nw_ttl=64,nw_frag=first,tp_src=53,tp_dst=5353 udp_csum:1234\n" },
    { "packet_in_frag2",
    "010a003c00000000ffffffff002a000100000a0000000001aabbccddeeff0800"
    "4500001c00000010401100000a0000010a000002003514e900081234",
    "OFPT_PACKET_IN (xid=0x0): total_len=42 in_port=1 (via no_mat"
    "ch) data_len=42 (unbuffered)\n"
    "udp,vlan_tci=0x0000,dl_src=aa:bb:cc:dd:ee:ff,dl_dst=0a:00:00"
    ":00:00:01,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,"
    "nw_ttl=64,nw_frag=later udp_csum:1234\n" },
    { "packet_in_tcp6",
    "010a005c00000000ffffffff004a000100000a0000000001aabbccddeeff86dd"
    "600000050014064020010db800000000000000000000000120010db800000000"
    "000000000000000204d20050000000010000000050022000abcd0000",
    "OFPT_PACKET_IN (xid=0x0): total_len=74 in_port=1 (via no_mat"
    "ch) data_len=74 (unbuffered)\n"
    "tcp6,vlan_tci=0x0000,dl_src=aa:bb:cc:dd:ee:ff,dl_dst=0a:00:0"
    "0:00:00:01,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,ipv6_la"
    "bel=0x00005,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=12"
    "34,tp_dst=80,tcp_flags=syn tcp_csum:abcd\n" },
    { "packet_in_icmp6",
    "010a005000000000ffffffff003e000100000a0000000001aabbccddeeff86dd"
    "6000000000083a4020010db800000000000000000000000120010db800000000"
    "00000000000000028000555500000000",
    "OFPT_PACKET_IN (xid=0x0): total_len=62 in_port=1 (via no_mat"
    "ch) data_len=62 (unbuffered)\n"
    "icmp6,vlan_tci=0x0000,dl_src=aa:bb:cc:dd:ee:ff,dl_dst=0a:00:"
    "00:00:00:01,ipv6_src=2001:db8::1,ipv6_dst=2001:db8::2,ipv6_l"
    "abel=0x00000,nw_tos=0,nw_ecn=0,nw_ttl=64,nw_frag=no,icmp_typ"
    "e=128,icmp_code=0 icmp6_csum:5555\n" },
    { "packet_in_other",
    "010a003400000000ffffffff0022000100000a0000000001aabbccddeeff88cc"
    "0102010201020102010201020102010201020102",
    "OFPT_PACKET_IN (xid=0x0): total_len=34 in_port=1 (via no_mat"
    "ch) data_len=34 (unbuffered)\n"
    "vlan_tci=0x0000,dl_src=aa:bb:cc:dd:ee:ff,dl_dst=0a:00:00:00:"
    "00:01,dl_type=0x88cc\n" },
    { "packet_in_short",
    "010a002200000000ffffffff0010000100000a0000000001aabbccddeeff0800"
    "4500",
    "OFPT_PACKET_IN (xid=0x0): total_len=16 in_port=1 (via no_mat"
    "ch) data_len=16 (unbuffered)\n"
    "ip,vlan_tci=0x0000,dl_src=aa:bb:cc:dd:ee:ff,dl_dst=0a:00:00:"
    "00:00:01,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_proto=0,nw_tos=0,n"
    "w_ecn=0,nw_ttl=0,nw_frag=no\n" },
    { "packet_in_igmp",
    "010a003c00000000ffffffff002a000100000a0000000001aabbccddeeff0800"
    "4500001c00000000400200000a0000010a0000021100000000000000",
    "OFPT_PACKET_IN (xid=0x0): total_len=42 in_port=1 (via no_mat"
    "ch) data_len=42 (unbuffered)\n"
    "ip,vlan_tci=0x0000,dl_src=aa:bb:cc:dd:ee:ff,dl_dst=0a:00:00:"
    "00:00:01,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_proto=2,nw_tos=0"
    ",nw_ecn=0,nw_ttl=64,nw_frag=no,tp_src=17,tp_dst=0\n" },
    { "packet_in_cut_ip",
    "010a005400000000ffffffff0042000100000a0000000001aabbccddeeff0800"
    "45000054000040004001262c0a0000010a0000020800f7ff0000000000010203"
    "0405060708090a0b0c0d0e0f1011121314151617",
    "OFPT_PACKET_IN (xid=0x0): total_len=66 in_port=1 (via no_mat"
    "ch) data_len=66 (unbuffered)\n"
    "ip,vlan_tci=0x0000,dl_src=aa:bb:cc:dd:ee:ff,dl_dst=0a:00:00:"
    "00:00:01,nw_src=0.0.0.0,nw_dst=0.0.0.0,nw_proto=0,nw_tos=0,n"
    "w_ecn=0,nw_ttl=0,nw_frag=no\n" },
    { "packet_in_pad",
    "010a004a00000000ffffffff0038000100000a0000000001aabbccddeeff0800"
    "4500001c000040004011262c0a0000010a000002003500350008123400000000"
    "00000000000000000000",
    "OFPT_PACKET_IN (xid=0x0): total_len=56 in_port=1 (via no_mat"
    "ch) data_len=56 (unbuffered)\n"
    "udp,vlan_tci=0x0000,dl_src=aa:bb:cc:dd:ee:ff,dl_dst=0a:00:00"
    ":00:00:01,nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,nw_ecn=0,"
    "nw_ttl=64,nw_frag=no,tp_src=53,tp_dst=53 udp_csum:1234\n" },
};

static uint8_t *from_hex(const char *hex, size_t *n)
{
    size_t len = strlen(hex) / 2;
    uint8_t *b = malloc(len);
    for (size_t i = 0; i < len; i++) {
        unsigned v;
        sscanf(hex + 2 * i, "%2x", &v);
        b[i] = (uint8_t) v;
    }
    *n = len;
    return b;
}

static void expect_text(const char *name, const char *got, const char *want)
{
    if (strcmp(got, want)) {
        fprintf(stderr, "%s:\n--- want\n%s--- got\n%s---\n", name, want, got);
        fail();
    }
}

static void test_goldens(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof goldens / sizeof *goldens; i++) {
        size_t n;
        uint8_t *msg = from_hex(goldens[i].hex, &n);
        struct dstr s = DSTR_INIT;
        ofp_print_msg(&s, msg, n, 2);
        expect_text(goldens[i].name, dstr_str(&s), goldens[i].text);
        dstr_free(&s);
        free(msg);
    }
}

/* Every prefix of every golden message prints something and never reads
 * past it (ASan watches). */
static void test_truncated(void **state)
{
    (void) state;
    for (size_t i = 0; i < sizeof goldens / sizeof *goldens; i++) {
        size_t n;
        uint8_t *msg = from_hex(goldens[i].hex, &n);
        for (size_t len = 0; len < n; len++) {
            uint8_t *cut = malloc(len ? len : 1);
            memcpy(cut, msg, len);
            struct dstr s = DSTR_INIT;
            ofp_print_msg(&s, cut, len, 2);
            assert_true(s.len > 0);
            dstr_free(&s);
            free(cut);
        }
        free(msg);
    }
}

/* dump-tables of OVS's 254 tables with one busy table 0:
 * `ovs-ofctl dump-tables` printed exactly this after the header. */
static void test_table_stats(void **state)
{
    (void) state;
    static const char of10[] =
        "\n  table 0:\n"
        "    active=3, lookup=14, matched=12\n"
        "    max_entries=1000000\n"
        "    matching:\n"
        "      exact match or wildcard: in_port eth_{src,dst,type} "
        "vlan_{vid,pcp} ip_{src,dst} nw_{proto,tos} tcp_{src,dst}\n"
        "\n  table 1:\n"
        "    active=1, lookup=0, matched=0\n"
        "    (same features)\n"
        "\n  table 2:\n"
        "    active=0, lookup=0, matched=0\n"
        "    (same features)\n"
        "\n  tables 3...253: ditto\n";
    static const char of13[] =
        "\n  table 0:\n"
        "    active=3, lookup=14, matched=12\n"
        "\n  table 1:\n"
        "    active=1, lookup=0, matched=0\n"
        "\n  table 2:\n"
        "    active=0, lookup=0, matched=0\n"
        "\n  tables 3...253: ditto\n";
    for (int pass = 0; pass < 2; pass++) {
        uint8_t version = pass ? OFP13_VERSION : OFP10_VERSION;
        struct ofp_table_print tp;
        struct dstr s = DSTR_INIT;
        ofp_table_print_init(&tp);
        for (int t = 0; t < 254; t++) {
            struct ofp_table_stats ts;
            memset(&ts, 0, sizeof ts);
            ts.table_id = (uint8_t) t;
            ts.max_entries = pass ? 0 : 1000000;
            ts.active_count = t == 0 ? 3 : t == 1 ? 1 : 0;
            ts.lookup_count = t ? 0 : 14;
            ts.matched_count = t ? 0 : 12;
            ofp_print_table_stats(&s, version, &tp, &ts);
        }
        ofp_table_print_finish(&s, &tp);
        expect_text("table stats", dstr_str(&s), pass ? of13 : of10);
        dstr_free(&s);
    }
}

static void parse_into(const char *flow, struct ofp_flow_stats *fs)
{
    struct ofp_flow_spec spec;
    char err[128];
    assert_int_equal(ofp_parse_flow(flow, OFP_PARSE_ADD, &spec, err,
                                    sizeof err), 0);
    memset(fs, 0, sizeof *fs);
    fs->match = spec.match;
    fs->priority = spec.priority;
    fs->table_id = spec.table_id;
    fs->cookie = spec.cookie;
    fs->idle_timeout = spec.idle_timeout;
    fs->hard_timeout = spec.hard_timeout;
    fs->acts = spec.acts;
    fs->n_acts = spec.n_acts;
    fs->idle_age = fs->hard_age = -1;
    spec.acts = NULL;
    ofp_flow_spec_free(&spec);
}

/* `ovs-ofctl --no-stats dump-flows` and `--sort dump-flows` lines for the
 * same flows in OVS. */
static void test_flow_stats(void **state)
{
    (void) state;
    struct ofp_flow_stats fs;
    struct dstr s = DSTR_INIT;
    parse_into("table=1,cookie=0x5,tcp,tp_dst=80,actions=drop", &fs);
    ofp_print_flow_stats(&s, &fs, false);
    expect_text("no-stats", dstr_str(&s),
                "cookie=0x5, table=1, tcp,tp_dst=80 actions=drop");
    dstr_truncate(&s, 0);
    ofpacts_free(fs.acts, fs.n_acts);
    parse_into("idle_timeout=60,hard_timeout=120,priority=5,dl_vlan=10,"
               "actions=strip_vlan,NORMAL", &fs);
    fs.duration_sec = 0;
    fs.duration_nsec = 100000000;
    ofp_print_flow_stats(&s, &fs, true);
    expect_text("sorted", dstr_str(&s),
                "cookie=0x0, duration=0.100s, table=0, n_packets=0, "
                "n_bytes=0, idle_timeout=60, hard_timeout=120, "
                "priority=5,dl_vlan=10 actions=strip_vlan,NORMAL");
    dstr_truncate(&s, 0);
    fs.flags = OFPFF_SEND_FLOW_REM | OFPFF_RESET_COUNTS;
    fs.packet_count = UINT64_MAX;
    fs.idle_age = 7;
    fs.hard_age = 3;
    fs.duration_sec = 9;
    fs.duration_nsec = 1;
    ofp_print_flow_stats(&s, &fs, true);
    expect_text("flags", dstr_str(&s),
                "cookie=0x0, duration=9.000000001s, table=0, n_packets=?, "
                "n_bytes=0, idle_timeout=60, hard_timeout=120, "
                "send_flow_rem reset_counts idle_age=7, hard_age=3, "
                "priority=5,dl_vlan=10 actions=strip_vlan,NORMAL");
    ofpacts_free(fs.acts, fs.n_acts);
    dstr_free(&s);
}

/* What `ovs-ofctl monitor` printed for OVS's flow_removed of
 * "hard_timeout=1,send_flow_rem,priority=7,ip,actions=drop". */
static void test_flow_removed(void **state)
{
    (void) state;
    struct ofp_flow_stats fs;
    parse_into("priority=7,ip,actions=drop", &fs);
    struct ofp_flow_removed fr;
    memset(&fr, 0, sizeof fr);
    fr.match = fs.match;
    fr.priority = 7;
    fr.reason = OFPRR_HARD_TIMEOUT;
    fr.table_id = 255;
    fr.duration_sec = 1;
    fr.duration_nsec = 1000000;
    struct dstr s = DSTR_INIT;
    ofp_print_flow_removed(&s, &fr);
    expect_text("flow_removed", dstr_str(&s),
                " priority=7,ip reason=hard duration1.001s idle0 pkts0 "
                "bytes0\n");
    ofpacts_free(fs.acts, fs.n_acts);
    dstr_free(&s);
}

/* ovs-ofctl's text for an OF1.3 port_status ADD of OVS's port p1. */
static void test_port_status(void **state)
{
    (void) state;
    struct ofp_phy_port p;
    memset(&p, 0, sizeof p);
    p.port_no = 1;
    static const uint8_t mac[6] = { 0x2a, 0xb0, 0xa3, 0x61, 0x95, 0x21 };
    memcpy(p.hw_addr, mac, 6);
    strcpy(p.name, "p1");
    p.state = OFPPS_LIVE;
    p.curr = (1u << 6) | (1u << 11);
    p.curr_speed = 10000000;
    struct dstr s = DSTR_INIT;
    ofp_print_port_status(&s, OFPPR_ADD, &p);
    expect_text("port_status", dstr_str(&s),
                " ADD: 1(p1): addr:2a:b0:a3:61:95:21\n"
                "     config:     0\n"
                "     state:      LIVE\n"
                "     current:    10GB-FD COPPER\n"
                "     speed: 10000 Mbps now, 0 Mbps max\n");
    dstr_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_goldens),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_table_stats),
        cmocka_unit_test(test_flow_stats),
        cmocka_unit_test(test_flow_removed),
        cmocka_unit_test(test_port_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
