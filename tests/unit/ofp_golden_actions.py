#!/usr/bin/python3
"""How tests/unit/ofp_golden_actions.h was made (run as root, under
`flock /tmp/vswitch-system.lock`, from tests/unit):

    /usr/bin/python3 ofp_golden_actions.py > ofp_golden_actions.h

For each flow below and each of OpenFlow 1.0 (no -O), 1.3 and 1.5, Debian's
ovs-ofctl 3.1 gives
  - the flow_mod it sends (add-flow against the stub switch of
    ofp_golden_capture.py),
  - what `ovs-ofctl -O V parse-flow` prints for its actions (parse, encode,
    decode, print),
and Debian's ovs-vswitchd (a private sandbox, tests/system/ovs_sandbox.py)
gives what `ovs-ofctl -O V2 --no-stats dump-flows` prints for its actions
after `ovs-ofctl -O V1 add-flow` (every V1, V2 pair).  The NXAST_REG_LOAD2
flows, which ovs-ofctl never sends for vswitch's fields, are sent raw and
printed with `ovs-ofctl ofp-print`.  A NULL text: ovs-ofctl refused the flow
in that version, or the switch refused it."""
import os
import re
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "system"))

from ofp_raw import OfpConn, nx_flow_mod  # noqa: E402
from ovs_sandbox import OvsSandbox, make_side  # noqa: E402

FLOWS = [
    "actions=set_field:5->reg1",
    "actions=load:5->NXM_NX_REG1[]",
    "actions=load:5->NXM_NX_REG1[0..3]",
    "actions=set_field:5/0xf->reg1",
    "actions=set_field:5/0x5->reg1",
    "actions=load:0->NXM_NX_REG1[],set_field:0->reg2",
    "actions=set_field:00:00:00:00:00:02->eth_dst",
    "actions=mod_dl_dst:00:00:00:00:00:02,mod_dl_src:00:00:00:00:00:01",
    "actions=set_field:00:00:00:00:00:02/ff:ff:ff:ff:ff:00->eth_dst",
    "actions=load:0x2->NXM_OF_ETH_DST[0..7]",
    "actions=set_field:0x5->tun_id,set_field:0x1/0x1->tun_id",
    "actions=set_field:0x5->metadata,set_field:0x10/0xf0->metadata",
    "actions=set_field:0x5->pkt_mark,set_field:1.1.1.1->tun_src",
    "dl_vlan=5,actions=set_field:4196->vlan_vid,set_field:3->vlan_pcp",
    "dl_vlan=5,actions=mod_vlan_vid:100,mod_vlan_pcp:3",
    "actions=set_field:0x1064->vlan_tci",
    "actions=set_field:0->vlan_tci",
    "actions=load:0x1064->NXM_OF_VLAN_TCI[]",
    "ip,actions=set_field:10.0.0.1->ip_dst,set_field:10.0.0.2->nw_src",
    "ip,actions=mod_nw_dst:10.0.0.1,mod_nw_src:10.0.0.2",
    "ip,actions=set_field:10.0.0.0/255.0.0.0->ip_dst",
    "ip,actions=set_field:8->ip_dscp,set_field:32->nw_tos,mod_nw_tos:16",
    "ip,actions=set_field:1->nw_ecn,set_field:5->nw_ttl,mod_nw_ttl:6",
    "tcp,actions=set_field:80->tcp_dst,set_field:81->tp_src,mod_tp_dst:82",
    "tcp,actions=set_field:0x50/0xff->tcp_dst",
    "udp,actions=set_field:53->udp_src,mod_tp_src:54",
    "sctp,actions=set_field:5->sctp_src",
    "ipv6,actions=set_field:2001:db8::1->ipv6_src",
    "ipv6,actions=load:0x20010db8000000000000000000000001->"
    "NXM_NX_IPV6_SRC[]",
    "ipv6,actions=load:1->NXM_NX_IPV6_SRC[0..63]",
    "ipv6,actions=set_field:0x12345->ipv6_label",
    "ipv6,actions=set_field:0x12345/0xfffff->ipv6_label",
    "ipv6,actions=load:0x12345->NXM_NX_IPV6_LABEL[]",
    "ip,actions=load:1->NXM_NX_IP_ECN[],load:2->OXM_OF_IP_DSCP[]",
    "actions=set_field:0/0->reg1",
    "actions=set_field:0x5->reg1,goto_table:3",
    "arp,actions=set_field:2->arp_op,set_field:1.2.3.4->arp_spa,"
    "set_field:00:00:00:00:00:01->arp_sha",
    "icmp,actions=set_field:8->icmp_type",
    "icmp6,icmpv6_type=135,actions=set_field:fe80::1->nd_target",
    "actions=set_field:2->in_port,load:3->NXM_OF_IN_PORT[]",
]

# NXAST_REG_LOAD2 action lists: (text for the C comment, hex).
def load2(entry):
    """An NXAST_REG_LOAD2 with NXM/OXM `entry` (hex), padded to 8."""
    n = 10 + len(entry) // 2
    n += -n % 8
    b = struct.pack("!HHIH", 0xffff, n, 0x2320, 33) + bytes.fromhex(entry)
    return (b + bytes(n - len(b))).hex()


# NXAST_REG_LOAD2 action lists: (text for the C comment, hex).
LOAD2 = [
    ("reg_load2 reg1=5", load2("00010204" "00000005")),
    ("reg_load2 reg1=5/0xf", load2("00010308" "00000005" "0000000f")),
    ("reg_load2 eth_dst", load2("00000206" "000000000002")),
    ("reg_load2 OXM metadata", load2("80000408" "0000000000000005")),
    ("reg_load2 reg2=5/5", load2("00010508" "00000005" "00000005")),
]

VERSIONS = [(), ("-O", "OpenFlow13"), ("-O", "OpenFlow15")]
VNAME = ["OpenFlow10", "OpenFlow13", "OpenFlow15"]


def actions_of(line):
    m = re.search(r"actions=(.*)$", line.strip())
    return m.group(1) if m else None


def capture(args):
    """The flow_mod ovs-ofctl sends, as hex (None if it sends none)."""
    p = subprocess.run([sys.executable, os.path.join(HERE,
                        "ofp_golden_capture.py"), "/tmp/golden_actions.sock",
                        "--no-names", *args], capture_output=True, text=True,
                       timeout=30)
    for line in reversed(p.stdout.split()):
        b = bytes.fromhex(line)
        if (b[1] == 14 or (b[0] == 1 and b[1] == 4
                           and struct.unpack("!I", b[12:16])[0] == 13)):
            return line
    return None


def parse_flow(v, flow):
    p = subprocess.run(["ovs-ofctl", *v, "parse-flow", flow],
                       capture_output=True, text=True)
    if p.returncode:
        return None
    return actions_of(p.stdout.strip().split("\n")[-1])


def dump(side, v2):
    out = side.ofctl(*v2, "--no-stats", "dump-flows",
                     f"unix:{side.mgmt}").stdout
    lines = [l for l in out.split("\n") if "actions=" in l]
    return actions_of(lines[0]) if len(lines) == 1 else None


def c_str(s):
    if s is None:
        return "NULL"
    parts = [s[i:i + 60] for i in range(0, len(s), 60)] or [""]
    return "\n      ".join(f'"{p}"' for p in parts)


def main():
    rows = []
    base = tempfile.mkdtemp(prefix="golden_actions.")

    def factory(kind, netns=None):
        return OvsSandbox(os.path.join(base, kind), netns=netns)

    with make_side("ovs", "gact", factory, nhosts=0) as side:
        br = f"unix:{side.mgmt}"
        for flow in FLOWS:
            hexes, prints, dumps = [], [], []
            for i, v in enumerate(VERSIONS):
                hexes.append(capture([*v, "add-flow", "SOCK", flow]))
                prints.append(parse_flow(v, flow))
                row = []
                side.ofctl("del-flows", br)
                ok = side.ofctl(*v, "add-flow", br, flow,
                                check=False).returncode == 0
                for v2 in VERSIONS:
                    row.append(dump(side, v2) if ok else None)
                dumps.append(row)
            rows.append((flow, hexes, prints, dumps))
        for name, acts in LOAD2:
            msg = nx_flow_mod(actions=bytes.fromhex(acts))
            p = subprocess.run(["ovs-ofctl", "ofp-print", msg.hex()],
                               capture_output=True, text=True)
            text = actions_of(p.stdout.strip().split("\n")[-1])
            side.ofctl("del-flows", br)
            with OfpConn.unix(side.mgmt) as c:
                c.handshake(1)
                c.send(msg)
                c.send(struct.pack("!BBHI", 1, 18, 8, 7))   # barrier
                c.wait_reply(7)
            row = [dump(side, v2) for v2 in VERSIONS]
            rows.append((name, [msg.hex(), None, None], [text, None, None],
                         [row, [None] * 3, [None] * 3]))

    print("/* Generated by ofp_golden_actions.py (Debian's ovs-ofctl and "
          "ovs-vswitchd 3.1):\n * for each flow, per version (OpenFlow "
          "1.0, 1.3, 1.5), the flow_mod\n * ovs-ofctl sends, what "
          "parse-flow prints for its actions, and what\n * dump-flows "
          "in each version prints after add-flow in each.  Rows whose\n"
          " * flow is no flow (\"reg_load2 ...\") were sent raw as "
          "NXT_FLOW_MODs. */")
    print("#ifndef VS_TEST_OFP_GOLDEN_ACTIONS_H\n"
          "#define VS_TEST_OFP_GOLDEN_ACTIONS_H\n")
    print("#include <stddef.h>\n")
    print("static const struct golden_actions {\n"
          "    const char *flow;\n"
          "    const char *hex[3];         /* the flow_mod, or NULL */\n"
          "    const char *printed[3];     /* parse-flow's actions */\n"
          "    const char *dumped[3][3];   /* [add version][dump version] */\n"
          "} golden_actions[] = {")
    for flow, hexes, prints, dumps in rows:
        print(f"    {{ {c_str(flow)},")
        print("      { " + ",\n        ".join(c_str(h) for h in hexes) + " },")
        print("      { " + ",\n        ".join(c_str(t) for t in prints)
              + " },")
        print("      { " + ",\n        ".join(
            "{ " + ", ".join(c_str(t) for t in row) + " }" for row in dumps)
            + " } },")
    print("};\n\n#endif")


if __name__ == "__main__":
    main()
