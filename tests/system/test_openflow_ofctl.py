"""Debian's ovs-ofctl drives the switch over OpenFlow: without -O (OpenFlow
1.0 + Nicira extensions), with -O OpenFlow13 and with -O OpenFlow15,
against unix:RUNDIR/br0.mgmt and against a ptcp: listener reached as
tcp:127.0.0.1:PORT.  Each test runs show, dump-flows, del-flows,
add-flow, add-flows (file), dump-flows with counters moving under real
pings between two namespace hosts, dump-ports, dump-ports-desc,
packet-out (the frame seen by tcpdump in a host) and monitor (packet-ins
of a controller-action flow and of a packet-out).

Parametrised on the switch: [ovs] runs Debian's OVS 3.1 in a private
sandbox alone, with the test's own checks (they must hold on OVS: that is
how the expectations were verified); [vswitch] runs the same commands on
vswitchd and on the OVS sandbox in the same test, makes the same checks on
vswitchd, and compares every output line by line after `normalise`.
`pytest -k ovs` runs the reference side alone.

Names start with "vof" (this file's tag); see ovs_sandbox.make_side for
the topology (switch and hosts in their own namespaces)."""

import glob
import os
import re

import pytest

from conftest import wait_until
from ovs_sandbox import Capture, compare, make_sides

TAG = "vof"
PORT = 6653             # the ptcp: listener (inside the switch's netns)

# The fields that must differ between two switches, or between two runs
# of the same switch; everything else is compared as printed.
NORMALISE = [
    # Time since the flow (or port) was added: when the command ran.
    (re.compile(r"duration=\d+(\.\d+)?s"), "duration=?s"),
    # Seconds since the flow last matched or was modified: time again.
    (re.compile(r"idle_age=\d+"), "idle_age=?"),
    (re.compile(r"hard_age=\d+"), "hard_age=?"),
    # The datapath id: OVS derives it from the bridge's MAC, which it draws
    # at random for a bridge whose ports are all added later; vswitchd
    # chooses its own.  (The host ports' MACs are set by the test and are
    # NOT normalised.)
    (re.compile(r"dpid:[0-9a-f]{16}"), "dpid:?"),
    # The bridge's own port (LOCAL) MAC: the same random draw.
    (re.compile(r"(LOCAL\([^)]*\): addr:)[0-9a-f:]{17}"), r"\1?"),
]


def normalise(text):
    for rx, repl in NORMALISE:
        text = rx.sub(repl, text)
    return text


def sorted_flows(text):
    """A flow dump with its flow lines sorted: the order of a dump is the
    order of the switch's classifier walk, which OpenFlow leaves open
    (the header line stays first)."""
    lines = text.splitlines()
    return "\n".join(lines[:1] + sorted(lines[1:])) + "\n"


STATS_KEYS = ("cookie", "duration", "table", "n_packets", "n_bytes",
              "idle_age", "hard_age", "reset_counts")


def rules(dump):
    """The rules of a flow dump, as 'cookie=C MATCH actions=A' without the
    statistics: what add-flow(s) put in."""
    out = []
    for line in dump.splitlines()[1:]:
        parts = line.strip().split(", ")
        cookie = "0x0"
        rest = []
        for p in parts:
            k = p.split("=")[0].split(" ")[0]
            if k == "cookie":
                cookie = p.split("=")[1]
            elif k in STATS_KEYS:
                # "n_bytes=0, reset_counts idle_age=0" and the like: the
                # stats may carry the next key after a space.
                tail = p.split(" ", 1)
                if len(tail) == 2 and tail[1].split("=")[0] \
                        not in STATS_KEYS:
                    rest.append(tail[1])
            else:
                rest.append(p)
        rule = ", ".join(rest)
        rule = re.sub(r"^(reset_counts )?(idle_age=\d+, )?", "", rule)
        out.append(f"cookie={cookie} {rule}")
    return sorted(out)


def counters(dump):
    """{rule: (n_packets, n_bytes)} of a flow dump."""
    got = {}
    for line in dump.splitlines()[1:]:
        m = re.search(r"n_packets=(\d+), n_bytes=(\d+)", line)
        got[rules("header\n" + line)[0]] = (int(m.group(1)),
                                            int(m.group(2)))
    return got


FLOWS_FILE = """\
# add-flows: comments and blank lines are skipped

in_port=2,actions=output:1
priority=40000,udp,tp_dst=9999,actions=controller
cookie=0x1234,priority=50,ip,nw_dst=10.0.0.99,actions=drop
priority=40,tcp,nw_src=10.0.0.0/24,tp_dst=80,actions=mod_nw_tos:16,output:2
"""



def expected_rules(proto):
    """What add-flow + add-flows put in, as dump-flows prints it back:
    OpenFlow 1.1+ has no mod_nw_tos action, so the flow_mod carries (and
    the dump shows) a set_field of ip_dscp (16 >> 2)."""
    tos = "mod_nw_tos:16" if proto is None else "set_field:4->ip_dscp"
    return sorted([
        "cookie=0x0 in_port=1 actions=output:2",
        "cookie=0x0 in_port=2 actions=output:1",
        "cookie=0x0 priority=40000,udp,tp_dst=9999 actions=CONTROLLER:65535",
        "cookie=0x1234 priority=50,ip,nw_dst=10.0.0.99 actions=drop",
        "cookie=0x0 priority=40,tcp,nw_src=10.0.0.0/24,tp_dst=80 "
        f"actions={tos},output:2",
    ])

# An Ethernet frame of the local experimental ethertype, 64 bytes.
PKT_SRC = "02:00:00:00:02:01"
FRAME = ("ffffffffffff" + PKT_SRC.replace(":", "") + "88b5"
         + "68656c6c6f" * 10)

SEND_UDP = ("import socket; s = socket.socket(socket.AF_INET, "
            "socket.SOCK_DGRAM); s.bind(('0.0.0.0', 5555)); "
            "s.sendto(b'hello-openflow', ('10.0.0.2', 9999))")


def scenario(side, proto, target_kind):
    """Runs the whole ovs-ofctl session on one side; returns [(step,
    normalised output)].  Makes the checks that hold on any switch."""
    o = ["-O", proto] if proto else []
    if target_kind == "unix":
        t = f"unix:{side.mgmt}"
    else:
        side.vsctl("set-controller", side.br, f"ptcp:{PORT}:127.0.0.1")
        t = f"tcp:127.0.0.1:{PORT}"
        wait_until(lambda: side.ofctl(*o, "show", t, check=False,
                                      timeout=5).returncode == 0,
                   timeout=10, what=f"{side.kind}: ptcp listener")
    h1, h2 = side.hosts
    out = []

    def ofctl(*args, **kw):
        return side.ofctl(*o, *args, **kw).stdout

    def step(name, text, sort=False):
        norm = normalise(text)
        out.append((name, sorted_flows(norm) if sort else norm))
        return text

    def dump(name, *filt):
        return step(name, ofctl("dump-flows", t, *filt), sort=True)

    # show: features, ports, config.
    text = step("show", ofctl("show", t))
    assert " 1(p1): addr:02:00:00:00:02:01" in text, text
    assert " 2(p2): addr:02:00:00:00:02:02" in text, text
    assert " LOCAL(br0): addr:" in text, text

    # A fresh standalone bridge has OVS's NORMAL rule.
    text = dump("dump-flows fresh")
    assert rules(text) == ["cookie=0x0 priority=0 actions=NORMAL"], text

    ofctl("del-flows", t)
    text = dump("dump-flows after del-flows")
    assert rules(text) == [], text

    assert ofctl("add-flow", t, "in_port=1,actions=output:2") == ""
    path = os.path.join(side.clientdir, "flows.txt")
    with open(path, "w") as f:
        f.write(FLOWS_FILE)
    assert ofctl("add-flows", t, path) == ""
    text = dump("dump-flows added")
    assert rules(text) == expected_rules(proto), text
    assert all(c == (0, 0) for c in counters(text).values()), text

    # Real traffic: 3 pings (static ARP, no IPv6: nothing else on the
    # wire), 98-byte frames each way.  Flow counters may lag the packets
    # (OVS's revalidator pulls them from the datapath).
    h1.ping(h2.addr, count=3, interval=0.1)

    def moved():
        c = counters(ofctl("dump-flows", t))
        return (c["cookie=0x0 in_port=1 actions=output:2"] == (3, 294) and
                c["cookie=0x0 in_port=2 actions=output:1"] == (3, 294))
    wait_until(moved, timeout=10, what=f"{side.kind}: flow counters")
    text = dump("dump-flows after ping")
    c = counters(text)
    assert sum(n for n, _ in c.values()) == 6, text
    dump("dump-flows in_port=1", "in_port=1")

    text = step("dump-ports", ofctl("dump-ports", t))
    assert re.search(r"port  1: rx pkts=3, bytes=294, drop=0, errs=0", text), \
        text
    assert re.search(r"port  2: rx pkts=3, bytes=294, drop=0, errs=0", text), \
        text
    text = step("dump-ports-desc", ofctl("dump-ports-desc", t))
    assert " 2(p2): addr:02:00:00:00:02:02" in text, text

    # queue-get-config: ports without queues (OVS's have no QoS) answer
    # with none; an unknown port and a named queue are errors.
    def ofctl_rc(*args):
        p = side.ofctl(*o, *args, check=False)
        return f"{p.stdout}{p.stderr}rc={p.returncode}\n"
    text = step("queue-get-config", ofctl_rc("queue-get-config", t))
    assert "rc=0" in text, text
    step("queue-get-config 2", ofctl_rc("queue-get-config", t, "2"))
    step("queue-get-config 9", ofctl_rc("queue-get-config", t, "9"))
    step("queue-get-config 1 5", ofctl_rc("queue-get-config", t, "1", "5"))

    # packet-out: a frame out of port 2, seen by h2.
    with Capture(h2, "ether proto 0x88b5") as cap:
        assert ofctl("packet-out", t, "none", "output:2", FRAME) == ""
    assert any(f"{PKT_SRC} > ff:ff:ff:ff:ff:ff, ethertype Unknown (0x88b5)"
               ", length 64" in line for line in cap.lines), cap.lines
    text = step("dump-ports 2 after packet-out", ofctl("dump-ports", t, "2"))
    assert "tx pkts=4, bytes=358" in text, text

    # monitor: the packet-in of the controller flow, then the one of a
    # packet-out whose action is controller.
    for f in glob.glob(os.path.join(side.clientdir, "ovs-ofctl.*.ctl")):
        os.unlink(f)
    # (monitor prints what it receives on stderr.)
    mon_out = os.path.join(side.clientdir, "monitor.out")
    with open(mon_out, "w") as mo:
        mon = side.popen("ovs-ofctl", *o, "monitor", t, "65534",
                         stdout=mo, stderr=mo)
    try:
        # Its control socket appears once it has set the connection up.
        wait_until(lambda: glob.glob(os.path.join(side.clientdir,
                                                  "ovs-ofctl.*.ctl")),
                   timeout=10, what=f"{side.kind}: monitor ready")
        h1.run("/usr/bin/python3", "-c", SEND_UDP)
        wait_until(lambda: "tp_dst=9999" in open(mon_out).read(),
                   timeout=10, what=f"{side.kind}: packet-in of the flow")
        ofctl("packet-out", t, "none", "controller", FRAME)
        wait_until(lambda: "dl_type=0x88b5" in open(mon_out).read(),
                   timeout=10, what=f"{side.kind}: packet-in of packet-out")
    finally:
        mon.terminate()
        mon.wait(timeout=10)
    # Less ovs-ofctl's own log lines (timestamped; "terminating with
    # signal 15"): they are the client's, not the switch's.
    text = step("monitor", "".join(
        line for line in open(mon_out)
        if not re.match(r"\d{4}-\d\d-\d\dT\S+\|\d+\|", line)))
    assert "total_len=56 in_port=1 (via action) data_len=56 (unbuffered)" \
        in text, text
    assert "udp,vlan_tci=0x0000,dl_src=02:00:00:00:01:01," \
        "dl_dst=02:00:00:00:01:02,nw_src=10.0.0.1,nw_dst=10.0.0.2" in text, \
        text

    # del-flows with a match, then all.
    ofctl("del-flows", t, "in_port=1")
    text = dump("dump-flows after del-flows in_port=1")
    assert len(rules(text)) == len(expected_rules(proto)) - 1, text
    ofctl("--strict", "del-flows", t, "priority=40000,udp,tp_dst=9999")
    text = dump("dump-flows after del-flows --strict")
    assert len(rules(text)) == len(expected_rules(proto)) - 2, text
    ofctl("del-flows", t)
    text = dump("dump-flows end")
    assert rules(text) == [], text
    return out


@pytest.mark.parametrize("target", ["unix", "tcp"])
@pytest.mark.parametrize("proto", [None, "OpenFlow13", "OpenFlow15"],
                         ids=["of10", "of13", "of15"])
@pytest.mark.parametrize("switch", ["ovs", "vswitch"])
def test_ofctl(switch, proto, target, vswitchd_factory,
               ovs_sandbox_factory):
    with make_sides(switch, TAG, vswitchd_factory,
                    ovs_sandbox_factory) as sides:
        results = {}
        for side in sides:
            results[side.kind] = scenario(side, proto, target)
            assert side.alive(), side.log_text()
        if switch == "vswitch":
            ref = dict(results["ovs"])
            for name, text in results["vswitch"]:
                compare(ref[name], text, name)


# set_field, load and the mod_* actions: what the switch keeps of each, as
# dump-flows prints it back in every version after an add in every version
# (vswitchd must print what OVS prints: ofp_actions.h, actions_wire.h).
SET_FIELD_FLOWS = [
    "actions=set_field:5->reg1,load:6->NXM_NX_REG2[],"
    "load:5->NXM_NX_REG3[0..3],set_field:5/0x5->reg4",
    "tcp,actions=set_field:00:00:00:00:00:02->eth_dst,"
    "mod_dl_src:00:00:00:00:00:01,mod_tp_dst:80,set_field:81->tcp_src",
    "ip,actions=set_field:8->ip_dscp,mod_nw_tos:16,set_field:1->nw_ecn,"
    "load:1->NXM_NX_IP_ECN[],mod_nw_dst:10.0.0.1",
    "actions=mod_vlan_vid:5,set_field:0x1064->vlan_tci",
    "ipv6,actions=set_field:2001:db8::1->ipv6_src,"
    "set_field:0x12345/0xfffff->ipv6_label",
]
VERSIONS = [(), ("-O", "OpenFlow13"), ("-O", "OpenFlow15")]


def set_field_dumps(side):
    t = f"unix:{side.mgmt}"
    out = []
    for flow in SET_FIELD_FLOWS:
        for v1 in VERSIONS:
            side.ofctl("del-flows", t)
            p = side.ofctl(*v1, "add-flow", t, flow, check=False)
            out.append(f"{v1} add {flow}: rc={p.returncode} {p.stderr}")
            for v2 in VERSIONS:
                text = side.ofctl(*v2, "--no-stats", "dump-flows", t).stdout
                out.append(f"{v1} -> {v2}: {text}")
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("switch", ["ovs", "vswitch"])
def test_set_field_dumps(switch, vswitchd_factory, ovs_sandbox_factory):
    with make_sides(switch, TAG, vswitchd_factory, ovs_sandbox_factory,
                    nhosts=0) as sides:
        results = {side.kind: set_field_dumps(side) for side in sides}
        assert "set_field:0x5->reg1" in results["ovs"], results["ovs"]
        if switch == "vswitch":
            compare(results["ovs"], results["vswitch"], "set_field dumps")
