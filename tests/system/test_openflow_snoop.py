"""The snoop socket (RUNDIR/BRIDGE.snoop) and ROLE_STATUS, against Debian's
OVS 3.1 as the reference.

test_snoop: a python controller (tests/system/ofp_raw.py) on a unix socket
is the bridge's active controller; Debian's `ovs-ofctl snoop br0` and
`vs-ofctl snoop br0` watch it while the controller sends a fixed exchange
(echo, barrier, role request, get_config, flow_mod); both print every
message of it in both directions, and what they print on vswitchd equals
what they print on OVS.

test_role_status: when a connection becomes master the one that was
master is told (OF1.4 OFPT_ROLE_STATUS, OF1.3 the ONF form, nothing for
OF1.0), whatever its async config says, as OVS 3.1 does.

Parametrised on the switch as test_openflow_ofctl.py: [ovs] alone, or
[vswitch] with OVS beside it and the outputs compared."""

import os
import re
import socket
import struct
import subprocess
import time

import pytest

from conftest import binary, wait_until
from ofp_raw import OFP10, OFP13, OfpConn, hello, message
from ovs_sandbox import compare, make_sides

TAG = "vsn"
OFP14 = 0x05
OFPT13_BARRIER_REQUEST, OFPT13_BARRIER_REPLY = 20, 21
OFPT_ROLE_REQUEST, OFPT_ROLE_REPLY = 24, 25
OFPT14_SET_ASYNC = 28
OFPT14_ROLE_STATUS = 30
OFPCR_ROLE_EQUAL, OFPCR_ROLE_MASTER, OFPCR_ROLE_SLAVE = 1, 2, 3

FIRST_XID = 0x2001


class UnixController:
    """A listening unix socket the bridge's `unix:PATH` controller target
    connects to."""

    def __init__(self, path):
        self.path = path
        with_suppress_unlink(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(path)
        self.sock.listen(4)
        self.sock.settimeout(15)

    def accept(self, version=OFP13):
        s, _ = self.sock.accept()
        s.settimeout(5)
        c = OfpConn(s)
        c.handshake(version)
        return c

    def close(self):
        self.sock.close()
        with_suppress_unlink(self.path)


def with_suppress_unlink(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def role_request(version, role, gen, xid):
    return message(version, OFPT_ROLE_REQUEST,
                   struct.pack("!I4xQ", role, gen), xid)


def flow_mod13(xid):
    """add priority=7,tcp,tp_dst=80 actions=output:2 (table 0)."""
    match = (struct.pack("!HH", 1, 4 + 6 + 5 + 6)
             + struct.pack("!IH", 0x80000a02, 0x0800)        # eth_type
             + struct.pack("!IB", 0x80001401, 6)             # ip_proto
             + struct.pack("!IH", 0x80001c02, 80))           # tcp_dst
    match += b"\0" * (-len(match) % 8)
    out = struct.pack("!HHIH6x", 0, 16, 2, 0xffff)
    inst = struct.pack("!HH4x", 4, 8 + len(out)) + out
    body = struct.pack("!QQBBHHHIIIH2x", 0, 0, 0, 0, 0, 0, 7,
                       0xffffffff, 0xffffffff, 0xffffffff, 0)
    return message(OFP13, 14, body + match + inst, xid)


def exchange(c):
    """The controller's fixed part: each request with its own xid; returns
    the last xid (a barrier, answered last)."""
    v = c.version
    xid = FIRST_XID
    c.send(message(v, 2, b"snoop", xid))                       # echo
    assert c.wait_reply(xid).type == 3
    xid += 1
    c.send(message(v, OFPT13_BARRIER_REQUEST, b"", xid))
    assert c.wait_reply(xid).type == OFPT13_BARRIER_REPLY
    xid += 1
    c.send(role_request(v, OFPCR_ROLE_MASTER, 1, xid))
    assert c.wait_reply(xid).type == OFPT_ROLE_REPLY
    xid += 1
    c.send(message(v, 7, b"", xid))                            # get_config
    assert c.wait_reply(xid).type == 8
    xid += 1
    c.send(flow_mod13(xid))
    xid += 1
    c.send(message(v, OFPT13_BARRIER_REQUEST, b"", xid))
    m = c.wait_reply(xid)
    assert m.type == OFPT13_BARRIER_REPLY, m       # no error for the add
    return xid


MSG_START = re.compile(r"^[A-Z]+[A-Z0-9_]* .*\(xid=0x([0-9a-f]+)\)")


def messages(text, lo, hi):
    """The printed messages (first line and the indented lines after it)
    whose xid is in [lo, hi]."""
    out, cur = [], None
    for line in text.splitlines():
        m = MSG_START.match(line)
        if m:
            cur = [line] if lo <= int(m.group(1), 16) <= hi else None
            if cur is not None:
                out.append(cur)
        elif cur is not None and line.startswith(" "):
            cur.append(line)
        else:
            cur = None
    return ["\n".join(m) for m in out]


def start_snoopers(side):
    """Debian's `ovs-ofctl snoop br0` (OVS_RUNDIR: the switch's run
    directory, as ovs-ofctl finds BRIDGE.snoop there) and `vs-ofctl snoop
    br0` (--rundir the same); their stderr goes to files."""
    procs = []
    rundir = side.sw.rundir
    for name, cmd, env in (
            ("ovs-ofctl", ["ovs-ofctl", "snoop", side.br],
             {"OVS_RUNDIR": rundir, "OVS_LOGDIR": side.clientdir}),
            ("vs-ofctl", [binary("vs-ofctl"), f"--rundir={rundir}", "snoop",
                          side.br], {})):
        path = os.path.join(side.clientdir, f"snoop-{name}.out")
        full = dict(os.environ)
        full.update(env)
        with open(path, "w") as f:
            p = subprocess.Popen(["ip", "netns", "exec", side.ns, *cmd],
                                 stdout=f, stderr=f, env=full)
        procs.append((name, p, path))
    return procs


def stop_snoopers(procs):
    out = {}
    for name, p, path in procs:
        if p.poll() is None:
            p.terminate()
            p.wait(timeout=10)
        with open(path) as f:
            out[name] = f.read()
    return out


def snoop_scenario(side):
    ctl = UnixController(os.path.join(side.clientdir, "ctl.sock"))
    procs = []
    try:
        side.vsctl("set-controller", side.br, f"unix:{ctl.path}")
        c = ctl.accept(OFP13)
        snoop = os.path.join(side.sw.rundir, f"{side.br}.snoop")
        wait_until(lambda: os.path.exists(snoop), timeout=10,
                   what=f"{side.kind}: {snoop}")
        # 0600 on vswitchd (the rule, as for BRIDGE.mgmt); OVS 3.1
        # leaves it 0750.
        mode = os.stat(snoop).st_mode & 0o777
        assert mode == (0o750 if side.kind == "ovs" else 0o600), oct(mode)
        procs = start_snoopers(side)

        # The snoopers see nothing before their hello: echo until both
        # print one of ours.
        n = [0]

        def both_see():
            n[0] += 1
            xid = 0x1000 + n[0]
            c.send(message(c.version, 2, b"", xid))
            assert c.wait_reply(xid) is not None
            time.sleep(0.1)
            for name, p, path in procs:
                assert p.poll() is None, open(path).read()
                if "OFPT_ECHO_REPLY" not in open(path).read():
                    return False
            return True
        wait_until(both_see, timeout=15, what=f"{side.kind}: snoopers")

        last = exchange(c)

        def done():
            return all(len(messages(open(path).read(), last, last)) == 2
                       for _, _, path in procs)
        wait_until(done, timeout=10, what=f"{side.kind}: snooped barrier")
        outs = stop_snoopers(procs)
        procs = []
        c.close()
        return {name: messages(text, FIRST_XID, last)
                for name, text in outs.items()}
    finally:
        stop_snoopers(procs)
        side.vsctl("del-controller", side.br)
        ctl.close()


@pytest.mark.parametrize("switch", ["ovs", "vswitch"])
def test_snoop(switch, vswitchd_factory, ovs_sandbox_factory):
    with make_sides(switch, TAG, vswitchd_factory,
                    ovs_sandbox_factory) as sides:
        results = {}
        for side in sides:
            got = snoop_scenario(side)
            # The two tools print the same; every request and its reply
            # is there, each once, in order.
            assert got["ovs-ofctl"] == got["vs-ofctl"], got
            text = "\n".join(got["ovs-ofctl"])
            for want in ("OFPT_ECHO_REQUEST (OF1.3) (xid=0x2001): 5 bytes",
                         "OFPT_ECHO_REPLY (OF1.3) (xid=0x2001): 5 bytes",
                         "OFPT_BARRIER_REQUEST (OF1.3) (xid=0x2002)",
                         "OFPT_BARRIER_REPLY (OF1.3) (xid=0x2002)",
                         "OFPT_ROLE_REQUEST (OF1.3) (xid=0x2003): "
                         "role=primary generation_id=1",
                         "OFPT_ROLE_REPLY (OF1.3) (xid=0x2003): "
                         "role=primary generation_id=1",
                         "OFPT_GET_CONFIG_REQUEST (OF1.3) (xid=0x2004)",
                         "OFPT_GET_CONFIG_REPLY (OF1.3) (xid=0x2004)",
                         "OFPT_FLOW_MOD (OF1.3) (xid=0x2005): ADD "
                         "priority=7,tcp,tp_dst=80 actions=output:2",
                         "OFPT_BARRIER_REPLY (OF1.3) (xid=0x2006)"):
                assert want in text, text
            assert len(got["ovs-ofctl"]) == 11, text
            results[side.kind] = text
            assert side.alive(), side.log_text()
        if switch == "vswitch":
            compare(results["ovs"], results["vswitch"], "snoop")


def test_snoop_without_controller(vswitchd):
    """No active controller: the snooper is closed at once (OVS: "no
    controller connection to snoop"); vs-ofctl says so and fails."""
    vswitchd.vsctl("add-br", "brsn0")
    path = os.path.join(vswitchd.rundir, "brsn0.snoop")
    wait_until(lambda: os.path.exists(path))
    p = vswitchd.ofctl("snoop", "brsn0", check=False, timeout=10)
    assert p.returncode != 0, p.stdout
    vswitchd.vsctl("del-br", "brsn0")
    wait_until(lambda: not os.path.exists(path))


# -- ROLE_STATUS --

def set_async14_role_status(version, xid, slave_mask, master_mask):
    """OF1.4 SET_ASYNC with the two role_status properties (types 6, 7)."""
    props = (struct.pack("!HHI", 6, 8, slave_mask)
             + struct.pack("!HHI", 7, 8, master_mask))
    return message(version, OFPT14_SET_ASYNC, props, xid)


def recv_role_status(c, timeout=1.0):
    """(form, role, reason, generation_id) of the next role status on `c`
    ("std" OF1.4, "onf" OF1.3), or None when none comes in `timeout`.
    Echo requests are answered, other messages skipped."""
    deadline = time.time() + timeout
    while True:
        left = deadline - time.time()
        if left <= 0:
            return None
        try:
            m = c.recv(timeout=left)
        except TimeoutError:
            return None
        if m is None:
            return None
        if m.type == 2:
            c.send(message(m.version, 3, m.body, m.xid))
        elif m.type == OFPT14_ROLE_STATUS and m.version >= OFP14:
            role, reason, gen = struct.unpack("!IB3xQ", m.body[:16])
            return ("std", role, reason, gen)
        elif m.type == 4 and m.body[:8] == struct.pack("!II", 0x4f4e4600,
                                                          1911):
            role, reason, gen = struct.unpack("!IB3xQ", m.body[8:24])
            return ("onf", role, reason, gen)


def become(c, role, gen, xid):
    c.send(role_request(c.version, role, gen, xid))
    m = c.wait_reply(xid)
    assert m is not None and m.type == OFPT_ROLE_REPLY, m
    return struct.unpack("!I", m.body[:4])[0]


def nx_become_master(c, xid):
    """NXT_ROLE_REQUEST master (OF1.0)."""
    c.send(message(OFP10, 4, struct.pack("!III", 0x2320, 10, 1), xid))
    m = c.wait_reply(xid)
    assert m is not None and m.type == 4, m


def role_status_scenario(side):
    results = []
    conns = []
    try:
        def conn(version):
            c = OfpConn.unix(side.mgmt)
            c.handshake(version)
            assert c.version == version
            conns.append(c)
            return c
        a, b = conn(OFP14), conn(OFP14)
        c13, c10 = conn(OFP13), conn(OFP10)
        assert become(a, OFPCR_ROLE_MASTER, 10, 1) == OFPCR_ROLE_MASTER
        results.append(("a master: b gets", recv_role_status(b, 0.3)))
        assert become(b, OFPCR_ROLE_MASTER, 11, 2) == OFPCR_ROLE_MASTER
        results.append(("b master: a gets", recv_role_status(a)))
        # Masked out by async config: OVS 3.1 sends it all the same.
        a.send(set_async14_role_status(OFP14, 3, 0, 0))
        assert a.echo(4)
        assert become(a, OFPCR_ROLE_MASTER, 12, 5) == OFPCR_ROLE_MASTER
        results.append(("a master: b gets", recv_role_status(b)))
        b.send(set_async14_role_status(OFP14, 6, 0, 0))
        assert b.echo(7)
        assert become(b, OFPCR_ROLE_MASTER, 13, 8) == OFPCR_ROLE_MASTER
        results.append(("b master (a masked): a gets", recv_role_status(a)))
        # An OF1.3 master gets the ONF form, with the new generation id.
        assert become(c13, OFPCR_ROLE_MASTER, 14, 9) == OFPCR_ROLE_MASTER
        results.append(("c13 master: b gets", recv_role_status(b)))
        assert become(a, OFPCR_ROLE_MASTER, 15, 10) == OFPCR_ROLE_MASTER
        results.append(("a master: c13 gets", recv_role_status(c13)))
        # An OF1.0 (Nicira role) master: the OF1.4 master is told; the
        # OF1.0 one gets nothing when it is demoted.
        nx_become_master(c10, 11)
        results.append(("c10 master: a gets", recv_role_status(a)))
        assert become(b, OFPCR_ROLE_MASTER, 16, 12) == OFPCR_ROLE_MASTER
        c10.send(message(OFP10, 2, b"", 13))
        m = c10.recv()              # nothing came before the echo reply
        results.append(("b master: c10 gets", (m.type, m.xid)))
        # Equal and slave requests demote nobody.
        assert become(a, OFPCR_ROLE_SLAVE, 17, 14) == OFPCR_ROLE_SLAVE
        assert become(a, OFPCR_ROLE_EQUAL, 0, 15) == OFPCR_ROLE_EQUAL
        results.append(("a slave, equal: b gets", recv_role_status(b, 0.3)))
        return results
    finally:
        for c in conns:
            c.close()


@pytest.mark.parametrize("switch", ["ovs", "vswitch"])
def test_role_status(switch, vswitchd_factory, ovs_sandbox_factory):
    with make_sides(switch, TAG, vswitchd_factory,
                    ovs_sandbox_factory) as sides:
        results = {}
        for side in sides:
            got = role_status_scenario(side)
            want = [
                ("a master: b gets", None),
                ("b master: a gets", ("std", OFPCR_ROLE_SLAVE, 0, 11)),
                ("a master: b gets", ("std", OFPCR_ROLE_SLAVE, 0, 12)),
                ("b master (a masked): a gets",
                 ("std", OFPCR_ROLE_SLAVE, 0, 13)),
                ("c13 master: b gets", ("std", OFPCR_ROLE_SLAVE, 0, 14)),
                ("a master: c13 gets", ("onf", OFPCR_ROLE_SLAVE, 0, 15)),
                ("c10 master: a gets", ("std", OFPCR_ROLE_SLAVE, 0, 15)),
                ("b master: c10 gets", (3, 13)),  # its echo reply only
                ("a slave, equal: b gets", None),
            ]
            assert got == want, got
            results[side.kind] = got
            assert side.alive(), side.log_text()
        if switch == "vswitch":
            assert results["vswitch"] == results["ovs"]


# -- --names --

NAMES_FLOWS = [
    "in_port=p1,actions=output:p2",
    "priority=5,in_port=LOCAL,actions=p1,output:p-3",
    "priority=6,ip,in_port=p-3,actions=resubmit:p2,output:1",
    "priority=7,in_port=2,actions=resubmit(p1,1),LOCAL",
    "priority=8,udp,actions=IN_PORT,output:p-3",
]
# (set_field:p2->in_port is left out: how vs-ofctl prints a set_field
# read back over OpenFlow 1.3 is the set_field origin work's.)

STAT_RX = re.compile(r"(duration|idle_age|hard_age)=[0-9.]+s?")


def normalise_stats(text):
    return STAT_RX.sub(lambda m: m.group(1) + "=?", text)


def names_scenario(side):
    """The flows above put in with port names (Debian's ovs-ofctl for the
    first two, vs-ofctl for the rest), then dumped with --names by both
    tools; a port "p-3" (a name that needs quotes) is added first."""
    side.run("ip", "link", "add", "p-3", "type", "veth", "peer", "name",
             "p-3b")
    side.run("ip", "link", "set", "p-3", "up")
    side.vsctl("add-port", side.br, "p-3", "--", "set", "Interface", "p-3",
               "ofport_request=3")
    wait_until(lambda: " 3(p-3):" in side.ofctl("show", side.mgmt).stdout,
               timeout=10, what=f"{side.kind}: port p-3")
    vs = binary("vs-ofctl")
    out = {}
    for o in ([], ["-O", "OpenFlow13"]):
        side.ofctl(*o, "del-flows", side.mgmt)
        for i, flow in enumerate(NAMES_FLOWS):
            if i < 2:
                side.ofctl(*o, "add-flow", side.mgmt, flow)
            else:
                side.run(vs, *o, "add-flow", side.mgmt, flow)
        ver = o[1] if o else "OpenFlow10"
        for tool, cmd in (("ovs-ofctl", ["ovs-ofctl"]), ("vs-ofctl", [vs])):
            for args in (["--names", "dump-flows"],
                         ["--names", "--no-stats", "dump-flows"],
                         ["--names", "--rsort", "dump-flows"]):
                text = side.run(*cmd, *o, *args, side.mgmt).stdout
                out[(tool, ver, " ".join(args))] = normalise_stats(text)
            # A filter by name; without --names the numbers come back.
            text = side.run(*cmd, *o, "--names", "dump-flows", side.mgmt,
                            "in_port=p-3").stdout
            out[(tool, ver, "filter")] = normalise_stats(text)
            text = side.run(*cmd, *o, "--no-names", "--no-stats",
                            "dump-flows", side.mgmt).stdout
            out[(tool, ver, "no-names")] = normalise_stats(text)
            # An error names the request by its xid: a port name lookup
            # takes the xids ovs-ofctl's lookups take.
            p = side.run(*cmd, *o, "add-flow", side.mgmt,
                         "check_overlap,ip,in_port=p1,actions=drop",
                         check=False)
            assert p.returncode != 0
            out[(tool, ver, "error")] = re.sub(r"^\S*ofctl: ", "",
                                               p.stderr, flags=re.M)
    return out


def lines_sorted(text):
    return sorted(text.splitlines())


@pytest.mark.parametrize("switch", ["ovs", "vswitch"])
def test_names(switch, vswitchd_factory, ovs_sandbox_factory):
    with make_sides(switch, TAG, vswitchd_factory,
                    ovs_sandbox_factory) as sides:
        results = {}
        for side in sides:
            got = names_scenario(side)
            for (tool, ver, what), text in got.items():
                if what == "error":
                    assert "OFPFMFC_OVERLAP" in text, text
                elif what == "no-names":
                    assert "in_port=3" in text and "p-3" not in text, text
                else:
                    assert 'in_port="p-3"' in text, (tool, ver, what, text)
                    if what != "filter":
                        assert "in_port=p1 actions=output:p2" in text, text
            # vs-ofctl prints what ovs-ofctl prints (the --rsort order and
            # the dump order of one switch are the same for both).
            for (tool, ver, what), text in got.items():
                if tool == "vs-ofctl":
                    compare(got[("ovs-ofctl", ver, what)], text,
                            f"{side.kind}: vs-ofctl {ver} {what}")
            results[side.kind] = got
            assert side.alive(), side.log_text()
        if switch == "vswitch":
            for key, text in results["vswitch"].items():
                ref = results["ovs"][key]
                if "rsort" not in key[2]:
                    # Dump order is the switch's classifier walk.
                    ref, text = (lines_sorted(ref), lines_sorted(text))
                    ref, text = "\n".join(ref), "\n".join(text)
                compare(ref, text, " ".join(key))
