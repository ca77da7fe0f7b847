"""vs-ofctl is ovs-ofctl: both tools run the same commands against the same
switch, Debian's OVS 3.1 (its ovs-vswitchd in a private sandbox and
namespace, tests/system/ovs_sandbox.py), and must print the same text and
exit with the same code, for OpenFlow 1.0 (with NXM), 1.3 and 1.5.

What may differ is normalised: durations and ages (time passes between
the two runs) and the program name in error messages.  Commands that
change the tables run on a freshly loaded table for each tool, and the
table is then dumped with ovs-ofctl, so that what each tool sent is
compared too.
"""

import re

import pytest

from conftest import binary
from ovs_sandbox import make_side

TAG = "vsof"

BASE_FLOWS = """\
priority=10,ip,actions=drop
table=2,priority=20,udp,tp_src=53,actions=output:1
cookie=0x10,in_port=2,actions=set_field:5->reg1,resubmit(,2)
cookie=0x20,priority=30,tcp,actions=output:2
idle_timeout=60,hard_timeout=99,priority=5,dl_vlan=10,actions=strip_vlan,NORMAL
"""

NEW_FLOWS = """\
# a comment, and a blank line

priority=10,ip,actions=output:1
table=3,priority=40,ipv6,ipv6_src=2001:db8::1,actions=drop
cookie=0x20,priority=30,tcp,actions=output:2
"""

ARP = ("ffffffffffff02000000010108060001080006040001020000000101"
       "0a0000010000000000000a000002")


def normalise(text):
    text = re.sub(r"duration=[0-9.]+s", "duration=X", text)
    text = re.sub(r"duration[0-9.]+s", "durationX", text)
    text = re.sub(r"(idle|hard)_age=[0-9]+", r"\1_age=X", text)
    return re.sub(r"^(ovs-|vs-)ofctl:", "ofctl:", text, flags=re.M)


@pytest.fixture(scope="module")
def side(tmp_path_factory):
    base = tmp_path_factory.mktemp("vs_ofctl")
    from ovs_sandbox import OvsSandbox

    def factory(kind, netns=None):
        return OvsSandbox(base / kind, netns=netns)

    with make_side("ovs", TAG, factory) as s:
        (base / "base.txt").write_text(BASE_FLOWS)
        (base / "new.txt").write_text(NEW_FLOWS)
        s.files = base
        yield s


def load(side):
    br = f"unix:{side.mgmt}"
    side.ofctl("del-flows", br)
    side.ofctl("add-flows", br, str(side.files / "base.txt"))


def vs_ofctl(side, *args):
    return side.run(binary("vs-ofctl"), f"--rundir={side.sw.rundir}", *args,
                    check=False)


def both(side, *args, reload=False):
    """(ovs-ofctl's, vs-ofctl's) output and exit code, each run on the
    same starting table when `reload`, followed by the table it left.
    "br0" in `args` becomes the bridge's unix: socket (ovs-ofctl's
    OVS_RUNDIR is the client's directory, not the switch's)."""
    br = f"unix:{side.mgmt}"
    args = [br if a == "br0" else a for a in args]
    out = []
    for tool in ("ovs", "vs"):
        if reload:
            load(side)
        p = (side.ofctl(*args, check=False) if tool == "ovs"
             else vs_ofctl(side, *args))
        text = f"{p.stdout}{p.stderr}rc={p.returncode}\n"
        if reload:
            text += side.ofctl("--no-stats", "dump-flows", br).stdout
            text += side.ofctl("-O", "OpenFlow13", "--no-stats",
                               "dump-flows", br).stdout
        out.append(normalise(text))
    return out


def check(side, *args, reload=False):
    ovs, vs = both(side, *args, reload=reload)
    assert vs == ovs, f"{args}:\n--- ovs-ofctl\n{ovs}--- vs-ofctl\n{vs}"


PROTOCOLS = [(), ("-O", "OpenFlow13"), ("-O", "OpenFlow15")]


@pytest.mark.parametrize("proto", PROTOCOLS, ids=["of10", "of13", "of15"])
@pytest.mark.parametrize("cmd", [
    ("show", "br0"),
    ("dump-desc", "br0"),
    ("dump-tables", "br0"),
    ("dump-ports", "br0"),
    ("dump-ports", "br0", "p1"),
    ("dump-ports-desc", "br0"),
    ("dump-ports-desc", "br0", "2"),
    ("queue-get-config", "br0"),
    ("queue-get-config", "br0", "p2"),
    ("queue-get-config", "br0", "9"),
    ("queue-get-config", "br0", "1", "5"),
    ("dump-aggregate", "br0"),
    ("dump-aggregate", "br0", "table=2"),
    ("--no-stats", "dump-flows", "br0"),
    ("--sort", "dump-flows", "br0"),
    ("--rsort=priority", "dump-flows", "br0", "cookie=0x20/-1"),
])
def test_queries(side, proto, cmd):
    load(side)
    check(side, *proto, *cmd)


@pytest.mark.parametrize("proto", PROTOCOLS[:2], ids=["of10", "of13"])
def test_dump_flows_raw(side, proto):
    """The replies as ovs-ofctl prints them, header line and xid too."""
    load(side)
    check(side, *proto, "dump-flows", "br0")
    check(side, *proto, "dump-flows", "br0", "ip")


@pytest.mark.parametrize("proto", PROTOCOLS, ids=["of10", "of13", "of15"])
@pytest.mark.parametrize("cmd", [
    ("add-flow", "br0", "table=1,cookie=0x5,tcp,tp_dst=80,actions=drop"),
    ("add-flow", "br0", "in_port=1,reg0=5,actions=resubmit(,1)"),
    ("add-flow", "br0", "send_flow_rem,priority=9,arp,actions=CONTROLLER"),
    ("add-flow", "br0", "table=254,actions=drop"),
    ("add-flow", "br0", "actions=foo"),
    ("add-flow", "br0", "actions=set_field:5->reg1,load:5->NXM_NX_REG2[0..3],"
     "set_field:5/0x5->reg3,load:0->NXM_NX_REG4[]"),
    ("add-flow", "br0", "tcp,actions=set_field:00:00:00:00:00:02->eth_dst,"
     "mod_dl_src:00:00:00:00:00:01,mod_tp_dst:80,set_field:81->tp_src"),
    ("add-flow", "br0", "actions=mod_vlan_vid:5,set_field:0x1064->vlan_tci"),
    ("add-flow", "br0", "ip,actions=set_field:1->nw_ecn,"
     "load:1->NXM_NX_IP_ECN[],mod_nw_tos:16"),
    ("add-flow", "br0", "actions=push_vlan:0x8100,mod_vlan_vid:3"),
    ("add-flows", "br0", "{new}"),
    ("--bundle", "add-flows", "br0", "{new}"),
    ("del-flows", "br0", "ip"),
    ("--strict", "del-flows", "br0", "priority=10,ip"),
    ("del-flows", "br0", "cookie=0x10/-1"),
    ("del-flows", "br0", "table=2"),
    ("del-flows", "br0", "out_port=2"),
    ("mod-flows", "br0", "tcp,actions=output:1"),
    ("--strict", "mod-flows", "br0", "priority=30,tcp,actions=output:1"),
    ("mod-flows", "br0", "cookie=0x10/-1,actions=NORMAL"),
    ("replace-flows", "br0", "{new}"),
    ("--bundle", "replace-flows", "br0", "{new}"),
    ("diff-flows", "{base}", "{new}"),
    ("packet-out", "br0", f"in_port=1 packet={ARP} actions=output:2"),
    ("packet-out", "br0", "1", "output:2", ARP),
])
def test_changes(side, proto, cmd):
    files = {"new": str(side.files / "new.txt"),
             "base": str(side.files / "base.txt")}
    args = [a.format(**files) if a.startswith("{") else a for a in cmd]
    check(side, *proto, *args, reload=True)


@pytest.mark.parametrize("args", [
    ("show", "nosuch"),
    ("show", "unix:/nonexistent/sock"),
    ("dump-flows", "br0", "foo=1"),
    ("frobnicate", "br0"),
    ("show",),
    ("-O", "OpenFlow99", "show", "br0"),
    ("mod-port", "br0", "p9", "up"),
])
def test_errors(side, args):
    check(side, *args)


def test_mod_port(side):
    for action in ("down", "up", "noflood", "flood"):
        ovs, vs = both(side, "mod-port", "br0", "p1", action)
        assert vs == ovs
        check(side, "dump-ports-desc", "br0", "p1")


ICMP = ("0a0000000001aabbccddeeff080045000054000040004001262c0a0000010a000002"
        "0800f7ff00000000000102030405060708090a0b0c0d0e0f1011121314151617")


def test_monitor(side):
    """Both monitors see the same packet-ins (NXT_PACKET_IN2 with the
    decoded frame) and flow_removed, printed alike on stderr."""
    import subprocess
    import time
    br = f"unix:{side.mgmt}"
    side.ofctl("del-flows", br)
    side.ofctl("add-flow", br, "priority=5,in_port=1,actions=controller")
    side.ofctl("add-flow", br,
               "priority=5,in_port=2,ip,actions=controller(userdata=01.02)")
    logs = {t: side.files / f"monitor-{t}.err" for t in ("ovs", "vs")}
    procs = []
    try:
        for tool, log in logs.items():
            cmd = (["ovs-ofctl"] if tool == "ovs"
                   else [binary("vs-ofctl"), f"--rundir={side.sw.rundir}"])
            procs.append(side.popen(*cmd, "monitor", br, "65535",
                                    stdout=subprocess.DEVNULL,
                                    stderr=open(log, "w")))
        time.sleep(1.0)
        side.ofctl("packet-out", br, f"in_port=1 packet={ARP} actions=table")
        side.ofctl("packet-out", br, f"in_port=2 packet={ICMP} actions=table")
        side.ofctl("add-flow", br,
                   "hard_timeout=1,send_flow_rem,priority=7,ip,actions=drop")
        time.sleep(2.5)
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=10)
    texts = {t: normalise("".join(line for line in open(log)
                                  if "fatal_signal" not in line))
             for t, log in logs.items()}
    assert "NXT_PACKET_IN2" in texts["ovs"] and "FLOW_REMOVED" in texts["ovs"]
    assert texts["vs"] == texts["ovs"]
