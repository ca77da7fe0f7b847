"""vswitchd as a daemon: control socket, vs-appctl / ovs-appctl, vs-vsctl
through the daemon, ports that fail, restarts, signals, crashes.

Device and namespace names start with "vsd" (this file's tag)."""

import os
import random
import re
import signal
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import binary, netns_host, run, wait_until

TAG = "vsd"
VERSION = "vswitchd (vswitch) 0.1\n"


def link_flags(dev):
    return int(Path(f"/sys/class/net/{dev}/flags").read_text(), 16)


def dev_exists(dev):
    return os.path.exists(f"/sys/class/net/{dev}")


# -- control socket --

def test_version_socket_and_pidfile(vswitchd):
    assert vswitchd.appctl("version").stdout == VERSION
    st = os.stat(vswitchd.ctl)
    assert stat.S_ISSOCK(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert Path(vswitchd.pidfile).read_text().strip() == str(vswitchd.pid)


def test_list_commands(vswitchd):
    out = vswitchd.appctl("list-commands").stdout
    assert out.startswith("The available commands are:\n")
    names = [line.split()[0] for line in out.splitlines()[1:]]
    assert names == sorted(names)
    for cmd in ("exit", "version", "list-commands", "vlog/list", "vlog/set",
                "vlog/reopen", "coverage/show", "dpctl/show",
                "dpctl/dump-flows", "dpctl/del-flows", "dpctl/get-flow",
                "dpctl/add-flow", "dpctl/del-flow", "vsctl/transact"):
        assert cmd in names, cmd
    assert re.search(r"^  dpctl/show +\[-s\] \[dp\.\.\.\]$", out, re.M)
    assert re.search(r"^  exit +\[--cleanup\]$", out, re.M)


def test_vlog_set_and_list(vswitchd):
    def level_of(module):
        out = vswitchd.appctl("vlog/list").stdout
        for line in out.splitlines():
            parts = line.split()
            if parts and parts[0] == module:
                return parts[1]
        raise AssertionError(f"{module} not in vlog/list:\n{out}")

    assert level_of("bridge") == "info"
    vswitchd.appctl("vlog/set", "bridge:dbg")
    assert level_of("bridge") == "dbg"
    assert level_of("unixctl") == "info"
    vswitchd.appctl("vlog/set", "ANY:console:warn")
    assert level_of("bridge") == "warn" and level_of("unixctl") == "warn"

    p = vswitchd.appctl("vlog/set", "nosuchmodule:dbg", check=False)
    assert p.returncode == 2
    assert p.stderr.startswith(
        'no destination, level, or module "nosuchmodule:dbg"')
    assert p.stdout == ""


def test_errors_exit_2(vswitchd):
    p = vswitchd.appctl("no/such/command", check=False)
    assert p.returncode == 2
    assert '"no/such/command" is not a valid command' in p.stderr
    p = vswitchd.appctl("version", "extra", check=False)
    assert p.returncode == 2
    assert "takes at most 0 arguments" in p.stderr


def test_appctl_no_daemon(tmp_path):
    p = run(binary("vs-appctl"), "-t", str(tmp_path / "none.ctl"), "version",
            check=False)
    assert p.returncode == 1
    assert "cannot connect" in p.stderr


def test_appctl_target_by_name(vswitchd):
    # A bare name resolves as RUNDIR/NAME.ctl, RUNDIR from --rundir or
    # $VS_RUNDIR.
    p = run(binary("vs-appctl"), f"--rundir={vswitchd.rundir}", "version")
    assert p.stdout == VERSION
    p = run(binary("vs-appctl"), "-t", "vswitchd", "version",
            env={"VS_RUNDIR": vswitchd.rundir})
    assert p.stdout == VERSION


def test_ovs_appctl_talks_to_us(vswitchd):
    p = run("ovs-appctl", "-t", vswitchd.ctl, "version")
    assert p.stdout.strip() == VERSION.strip()
    p = run("ovs-appctl", "-t", vswitchd.ctl, "dpctl/show")
    assert p.stdout.startswith("netdev@ovs-netdev:\n"
                               "  lookups: hit:0 missed:0 lost:0\n"
                               "  flows: 0\n")
    p = run("ovs-appctl", "-t", vswitchd.ctl, "nope", check=False)
    assert p.returncode == 2
    assert "is not a valid command" in p.stderr


def test_ovs_appctl_exit(vswitchd):
    run("ovs-appctl", "-t", vswitchd.ctl, "exit")
    assert vswitchd.proc.wait(timeout=10) == 0
    vswitchd.proc = None
    assert not os.path.exists(vswitchd.ctl)
    assert not os.path.exists(vswitchd.pidfile)


# -- configuration through the daemon --

def dpctl_ports(d):
    """{name: (dp port number, rest of the line)} from dpctl/show."""
    ports = {}
    for line in d.appctl("dpctl/show").stdout.splitlines():
        m = re.match(r"  port (\d+): (\S+)(.*)$", line)
        if m:
            ports[m.group(2)] = (int(m.group(1)), m.group(3))
    return ports


def test_bridge_and_ports_reach_datapath(vswitchd):
    br = f"{TAG}br0"
    with netns_host(TAG, 1, "10.9.0.1/24") as h1:
        vswitchd.vsctl("add-br", br)
        vswitchd.vsctl("add-port", br, h1.peer)
        ports = dpctl_ports(vswitchd)
        assert ports[br][1] == " (internal)"
        assert ports[h1.peer][1] == ""          # system ports: no type
        assert ports[br][0] != ports[h1.peer][0]
        assert 0 not in {n for n, _ in ports.values()}
        # The datapath port is a real one: the device is promiscuous now.
        assert link_flags(h1.peer) & 0x100
        assert dev_exists(br)                  # the LOCAL port's TAP
        assert vswitchd.vsctl("get", "Interface", h1.peer,
                              "ofport").stdout.strip() == "1"
        assert vswitchd.vsctl("get", "Interface", br,
                              "ofport").stdout.strip() == "65534"
        # vs-dpctl prints what dpctl/show prints (the counters may move in
        # between: the host's own chatter enters the bridge).
        shape = lambda out: [re.sub(r"\d+", "N", line)
                             for line in out.splitlines()]
        assert shape(vswitchd.dpctl("show").stdout) == \
            shape(vswitchd.appctl("dpctl/show").stdout)

        vswitchd.vsctl("del-port", br, h1.peer)
        assert h1.peer not in dpctl_ports(vswitchd)
        assert not link_flags(h1.peer) & 0x100   # device given back
        vswitchd.vsctl("del-br", br)
        assert dpctl_ports(vswitchd) == {}
        wait_until(lambda: not dev_exists(br), what=f"{br} removed")


def test_dpctl_show_statistics(vswitchd):
    br = f"{TAG}br1"
    vswitchd.vsctl("add-br", br)
    out = vswitchd.appctl("dpctl/show", "-s").stdout
    m = re.search(r"  port (\d+): %s \(internal\)\n"
                  r"    RX packets:\d+ errors:\d+ dropped:\d+ overruns:0 "
                  r"frame:0\n"
                  r"    TX packets:\d+ errors:\d+ dropped:\d+ aborted:0 "
                  r"carrier:0\n"
                  r"    collisions:0\n"
                  r"    RX bytes:\d+( \(\d+\.\d [KMGT]iB\))?  "
                  r"TX bytes:\d+( \(\d+\.\d [KMGT]iB\))?\n" % br, out)
    assert m, out
    assert re.search(r"^  masks: hit:\d+ total:\d+ hit/pkt:\d+\.\d\d$", out,
                     re.M)
    assert vswitchd.dpctl("show", "-s").stdout.splitlines()[4:] == \
        out.splitlines()[4:]      # nothing moves: the bridge port is down


def test_missing_device_sets_error_rest_works(vswitchd):
    br = f"{TAG}br2"
    missing = f"{TAG}nodev0"
    with netns_host(TAG, 2, "10.9.1.1/24") as h:
        vswitchd.vsctl("add-br", br)
        vswitchd.vsctl("add-port", br, missing, check=False)
        vswitchd.vsctl("add-port", br, h.peer)
        err = vswitchd.vsctl("get", "Interface", missing, "error").stdout
        assert err.strip() == \
            f'"could not open network device {missing} (No such device)"'
        assert vswitchd.vsctl("get", "Interface", missing,
                              "ofport").stdout.strip() == "-1"
        show = vswitchd.vsctl("show").stdout
        assert f"Port {missing}" in show
        assert (f'error: "could not open network device {missing} '
                f'(No such device)"') in show
        # The rest of the bridge is there.
        ports = dpctl_ports(vswitchd)
        assert h.peer in ports and br in ports and missing not in ports
        assert vswitchd.vsctl("get", "Interface", h.peer,
                              "ofport").stdout.strip() == "1"
        assert vswitchd.vsctl("get", "Interface", h.peer,
                              "error").stdout.strip() == "[]"


def test_device_appearing_later_is_picked_up(vswitchd):
    """A port whose device is missing is retried at the next
    reconfiguration, and then works."""
    br = f"{TAG}br3"
    vswitchd.vsctl("add-br", br)
    vswitchd.vsctl("add-port", br, f"{TAG}p4", check=False)
    assert f"{TAG}p4" not in dpctl_ports(vswitchd)
    with netns_host(TAG, 4, "10.9.2.1/24") as h:
        vswitchd.vsctl("set", "Bridge", br, "external_ids:kick=1")
        assert h.peer in dpctl_ports(vswitchd)
        assert vswitchd.vsctl("get", "Interface", h.peer,
                              "error").stdout.strip() == "[]"


def test_ofport_request(vswitchd):
    br = f"{TAG}br5"
    with netns_host(TAG, 5, "10.9.3.1/24") as h1, \
            netns_host(TAG, 6, "10.9.3.2/24") as h2:
        vswitchd.vsctl("add-br", br)
        vswitchd.vsctl("add-port", br, h1.peer, "--", "set", "Interface",
                       h1.peer, "ofport_request=100")
        vswitchd.vsctl("add-port", br, h2.peer)
        get = lambda i: vswitchd.vsctl("get", "Interface", i,
                                       "ofport").stdout.strip()
        assert get(h1.peer) == "100"
        assert get(h2.peer) == "1"
        # Asking for a taken number moves the holder out of the way.
        vswitchd.vsctl("set", "Interface", h2.peer, "ofport_request=100",
                       "--", "set", "Interface", h1.peer,
                       "ofport_request=7")
        assert get(h1.peer) == "7"
        assert get(h2.peer) == "100"


def test_internal_port_type(vswitchd):
    br = f"{TAG}br7"
    vswitchd.vsctl("add-br", br)
    vswitchd.vsctl("add-port", br, f"{TAG}int0", "--", "set", "Interface",
                   f"{TAG}int0", "type=internal")
    try:
        ports = dpctl_ports(vswitchd)
        assert ports[f"{TAG}int0"][1] == " (internal)"
        assert dev_exists(f"{TAG}int0")
        mac = vswitchd.vsctl("get", "Interface", f"{TAG}int0",
                             "mac_in_use").stdout.strip().strip('"')
        assert mac == Path(f"/sys/class/net/{TAG}int0/address") \
            .read_text().strip()
    finally:
        vswitchd.vsctl("--if-exists", "del-br", br, check=False)
    wait_until(lambda: not dev_exists(f"{TAG}int0"), what="int0 removed")


# -- life cycle --

def test_restart_keeps_configuration(vswitchd_factory):
    d = vswitchd_factory().start()
    br = f"{TAG}br8"
    with netns_host(TAG, 8, "10.9.4.1/24") as h8, \
            netns_host(TAG, 7, "10.9.4.2/24") as h7, \
            netns_host(TAG, 6, "10.9.4.3/24") as h6:
        d.vsctl("add-br", br)
        # Added in reverse name order: numbers 1 and 2 as they come.
        d.vsctl("add-port", br, h8.peer)
        d.vsctl("add-port", br, h7.peer)
        d.vsctl("add-port", br, h6.peer, "--", "set", "Interface", h6.peer,
                "ofport_request=42")
        d.vsctl("add-port", br, f"{TAG}nodev8", check=False)
        d.vsctl("set", "Bridge", br, "other_config:mac-aging-time=60")

        def ofports():
            return {i: d.vsctl("get", "Interface", i, "ofport").stdout.strip()
                    for i in (h8.peer, h7.peer, h6.peer, f"{TAG}nodev8")}
        before = d.vsctl("show").stdout
        ports_before = dpctl_ports(d)
        numbers = ofports()
        assert numbers == {h8.peer: "1", h7.peer: "2", h6.peer: "42",
                           f"{TAG}nodev8": "-1"}
        assert d.stop() == 0
        assert not dev_exists(br)
        d.start()
        assert d.vsctl("show").stdout == before
        # Datapath port numbers are the datapath's own (OVS does not keep
        # them either); names and types are what must come back.
        assert {n: t for n, (_, t) in dpctl_ports(d).items()} == \
            {n: t for n, (_, t) in ports_before.items()}
        # OpenFlow port numbers survive the restart (rules refer to them).
        assert ofports() == numbers
        assert d.vsctl("get", "Bridge", br,
                       "other_config:mac-aging-time").stdout.strip() \
            == '"60"'
        # Reconfiguration settles: reading the store changes nothing.
        count = lambda: int(re.search(
            r"^bridge_reconfigure .* total: (\d+)$",
            d.appctl("coverage/show").stdout, re.M).group(1))
        settled = count()
        time.sleep(0.6)
        assert count() == settled


def test_sigterm_cleans_up(vswitchd_factory):
    d = vswitchd_factory().start()
    br = f"{TAG}br9"
    with netns_host(TAG, 9, "10.9.5.1/24") as h:
        d.vsctl("add-br", br)
        d.vsctl("add-port", br, h.peer)
        assert link_flags(h.peer) & 0x100
        d.proc.send_signal(signal.SIGTERM)
        assert d.proc.wait(timeout=10) == 0
        d.proc = None
        assert not os.path.exists(d.ctl)
        assert not os.path.exists(d.pidfile)
        assert not link_flags(h.peer) & 0x100     # promiscuity undone
        assert not dev_exists(br)                  # TAP gone
        assert dev_exists(h.peer)                  # the device itself stays


def test_sigint_cleans_up(vswitchd_factory):
    d = vswitchd_factory().start()
    d.proc.send_signal(signal.SIGINT)
    assert d.proc.wait(timeout=10) == 0
    d.proc = None
    assert not os.path.exists(d.ctl)


def test_detach_and_pidfile(tmp_path):
    rundir = tmp_path / "run"
    db = tmp_path / "conf.db"
    start = time.time()
    # Relative paths: they must still work after the daemon's chdir("/").
    run(binary("vswitchd"), "--db=conf.db", "--rundir=run", "--pidfile",
        "--detach", "--log-file=logs/vswitchd.log", cwd=tmp_path)
    assert time.time() - start < 10
    pid = int((rundir / "vswitchd.pid").read_text())
    try:
        # The parent returned only once the socket serves.
        p = run(binary("vs-appctl"), "-t", str(rundir / "vswitchd.ctl"),
                "version")
        assert p.stdout == VERSION
        # A second daemon with the same pidfile refuses to start.
        p = run(binary("vswitchd"), f"--db={tmp_path / 'other.db'}",
                f"--rundir={rundir}", "--pidfile", check=False)
        assert p.returncode != 0
        assert run(binary("vs-appctl"), "-t", str(rundir / "vswitchd.ctl"),
                   "version").stdout == VERSION
        run(binary("vs-appctl"), "-t", str(rundir / "vswitchd.ctl"), "exit")

        def gone():
            try:
                st = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                return True
            return st.split(") ")[1].startswith("Z")
        wait_until(gone, what="detached daemon exit")
        assert not (rundir / "vswitchd.pid").exists()
        assert not (rundir / "vswitchd.ctl").exists()
        assert db.exists()
        assert "exiting" in (tmp_path / "logs/vswitchd.log").read_text()
    finally:
        with __import__("contextlib").suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_second_daemon_same_rundir_refused(vswitchd, tmp_path):
    p = run(binary("vswitchd"), f"--db={tmp_path / 'b.db'}",
            f"--rundir={vswitchd.rundir}", check=False, timeout=20)
    assert p.returncode != 0
    assert vswitchd.appctl("version").stdout == VERSION


def test_two_daemons_side_by_side(vswitchd_factory):
    a = vswitchd_factory("a").start()
    b = vswitchd_factory("b").start()
    a.vsctl("add-br", f"{TAG}bra")
    b.vsctl("add-br", f"{TAG}brb")
    assert f"{TAG}bra" in dpctl_ports(a) and f"{TAG}brb" not in dpctl_ports(a)
    assert f"{TAG}brb" in dpctl_ports(b) and f"{TAG}bra" not in dpctl_ports(b)
    assert a.stop() == 0
    assert b.appctl("version").stdout == VERSION


def test_kill9_during_transactions(vswitchd_factory):
    """1,000 two-part transactions while the daemon is killed with SIGKILL
    at three random moments and restarted after each: afterwards every
    acknowledged transaction is there, and no transaction is there in
    part."""
    d = vswitchd_factory().start()
    br = f"{TAG}brk"
    d.vsctl("add-br", br)
    acked = []
    attempted = 0
    kill_points = sorted(random.sample(range(100, 900), 3))

    def killer(kill_after, killed):
        wait_until(lambda: len(acked) >= kill_after or killed.is_set(),
                   timeout=300, what="transactions")
        time.sleep(random.random() * 0.02)    # somewhere inside the next
        d.kill9()
        killed.set()

    for n, kill_after in enumerate(kill_points):
        if n:
            d.start()
        killed = threading.Event()
        t = threading.Thread(target=killer, args=(kill_after, killed))
        t.start()
        try:
            while attempted < 1000:
                i = attempted
                attempted += 1
                p = d.vsctl("set", "Bridge", br, f"external_ids:a{i}={i}",
                            "--", "set", "Bridge", br,
                            f"external_ids:b{i}={i}", check=False)
                if p.returncode == 0:
                    acked.append(i)
                if killed.is_set():
                    break
        finally:
            killed.set()
            t.join()
        assert len(acked) >= kill_after

    d.start()
    ids = d.vsctl("get", "Bridge", br, "external_ids").stdout
    present = dict(re.findall(r'"?([ab]\d+)"?="?(\d+)"?', ids))
    for i in acked:
        assert present.get(f"a{i}") == str(i), f"acked a{i} lost"
        assert present.get(f"b{i}") == str(i), f"acked b{i} lost"
    for i in range(attempted + 1):
        assert (f"a{i}" in present) == (f"b{i}" in present), \
            f"transaction {i} half applied"
    assert all(int(k[1:]) < attempted for k in present)


def test_coverage_counts(vswitchd):
    vswitchd.vsctl("add-br", f"{TAG}brc")
    vswitchd.vsctl("set", "Bridge", f"{TAG}brc", "external_ids:x=1")
    out = vswitchd.appctl("coverage/show").stdout
    assert out.startswith("Event coverage, avg rate over last: 5 seconds, "
                          "last minute, last hour,  hash=")
    lines = re.findall(r"^(\S+) +\d+\.\d/sec +\d+\.\d{3}/sec +"
                       r"\d+\.\d{4}/sec   total: (\d+)$", out, re.M)
    counts = {name: int(n) for name, n in lines}
    assert counts["vsctl_transact"] >= 2
    assert counts["bridge_reconfigure"] >= 3   # start + 2 changes
    assert "dpctl_flows_added" not in counts   # never hit: not listed
    never = re.search(r"^(\d+) events never hit$", out, re.M)
    assert never and int(never.group(1)) >= 1
    vswitchd.dpctl("add-flow", "in_port(1),eth_type(0x0806)", "drop")
    out = vswitchd.appctl("coverage/show").stdout
    assert re.search(r"^dpctl_flows_added .* total: 1$", out, re.M)


# -- datapath flows by hand --

def test_dpctl_flow_commands(vswitchd):
    br = f"{TAG}brf"
    vswitchd.vsctl("add-br", br)
    key = "in_port(1),eth_type(0x0800),ipv4(src=10.1.0.1,dst=10.1.0.2)"
    assert vswitchd.dpctl("dump-flows").stdout == ""
    vswitchd.dpctl("add-flow", key, "1")
    out = vswitchd.dpctl("dump-flows").stdout.splitlines()
    assert out[0] == "flow-dump from the main thread:"
    assert len(out) == 2
    m = re.match(r"^(.*), packets:0, bytes:0, used:never, actions:1$",
                 out[1])
    assert m, out
    printed_key = m.group(1)
    assert "in_port(1)" in printed_key and "10.1.0.2" in printed_key
    # What dump-flows prints is accepted back.
    got = vswitchd.dpctl("get-flow", printed_key).stdout
    assert got.strip() == out[1]
    # Same key again: refused; mod-flow changes the actions.
    p = vswitchd.dpctl("add-flow", key, "1", check=False)
    assert p.returncode == 1
    assert p.stderr == "vswitchd: updating flow table (File exists)\n"
    vswitchd.dpctl("mod-flow", key, "drop")
    assert vswitchd.dpctl("dump-flows").stdout.rstrip().endswith(
        "actions:drop")
    assert "flows: 1\n" in vswitchd.dpctl("show").stdout
    vswitchd.dpctl("del-flow", key)
    assert vswitchd.dpctl("dump-flows").stdout == ""
    p = vswitchd.dpctl("del-flow", key, check=False)
    assert p.returncode == 1
    assert p.stderr == \
        "vswitchd: deleting flow (No such file or directory)\n"
    vswitchd.dpctl("add-flow", key, "1")
    vswitchd.dpctl("add-flow", "in_port(1),eth_type(0x0806)", "drop")
    assert "flows: 2\n" in vswitchd.dpctl("show").stdout
    vswitchd.dpctl("del-flows")
    assert "flows: 0\n" in vswitchd.dpctl("show").stdout
    # Garbage is an error, not a crash.
    p = vswitchd.dpctl("add-flow", "in_port(1),eth(src=zz)", "1",
                       check=False)
    assert p.returncode == 1
    assert p.stderr.startswith("vswitchd: parsing flow key (")
    p = vswitchd.dpctl("add-flow", key, "output(nonsense", check=False)
    assert p.returncode == 1
    assert p.stderr.startswith("vswitchd: parsing actions (")
    assert vswitchd.appctl("version").stdout == VERSION


def test_hostile_control_requests(vswitchd):
    """Raw garbage on the socket: the daemon answers or hangs up, and
    keeps serving."""
    import socket
    for payload in (b"not json at all", b"{" * 100000, b"[1,2,3]",
                    b'{"id":1,"method":5,"params":[]}',
                    b'{"id":1,"method":"dpctl/add-flow","params":[' +
                    b'"' + b"x" * 2000000 + b'"]}'):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(5)
        s.connect(vswitchd.ctl)
        try:
            s.sendall(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            s.recv(65536)
        except (socket.timeout, ConnectionResetError):
            pass
        s.close()
    assert vswitchd.appctl("version").stdout == VERSION


# -- traffic through the daemon --

UFID = r"ufid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
MAC = r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}"


def check_dump_flows_more(vswitchd, ip_flow, p1, p2):
    """dump-flows -m as OVS's: "ufid:UUID, " first, then every field of
    the key (wildcarded ones as value/0), ", dp:ovs" before the actions;
    the same flows as without -m.  `ip_flow` is the short line of the
    IPv4 flow from dp port p1 to p2."""
    # Host chatter (IPv6 ND) may add or expire flows between two dumps:
    # compare by key, on the flows both dumps hold.
    more = vswitchd.dpctl("dump-flows", "-m").stdout.splitlines()
    assert more[0] == "flow-dump from the main thread:"
    line_re = re.compile(
        rf"^({UFID}), (skb_mark\(0/0\),recirc_id\(0\),in_port\(\d+\),"
        rf"packet_type\(ns=0,id=0\),eth\(src={MAC},dst={MAC}\),.*), "
        rf"packets:\d+, bytes:\d+, used:(?:\d+\.\d{{3}}s|never)"
        rf"(?:, flags:\S+)?, dp:ovs, actions:\S+$")
    parsed = [line_re.match(f) for f in more[1:]]
    assert all(parsed), more
    ufids = [m.group(1) for m in parsed]
    assert len(set(ufids)) == len(ufids), more
    by_ufid = {m.group(1): m.group(2) for m in parsed}

    # The IPv4 flow: every IPv4 field shown, the unmatched ones as x/0.
    ip_more = [f for f in more[1:] if f"in_port({p1})" in f
               and "eth_type(0x0800)" in f]
    assert len(ip_more) == 1, more
    assert re.search(r"eth_type\(0x0800\),ipv4\(src=[\d.]+/[\d.]+,"
                     r"dst=[\d.]+/[\d.]+,proto=\d+(?:/\S+?)?,"
                     r"tos=\S+?,ttl=\S+?,frag=no\)", ip_more[0]), ip_more
    assert "ipv4(src=0.0.0.0/0.0.0.0," in ip_more[0], ip_more
    assert ip_more[0].endswith(f", dp:ovs, actions:{p2}")
    # Counters and actions are those of the short dump.
    tail = lambda line: re.sub(r"used:\S+", "", line.split(", packets:")[1])
    assert tail(ip_more[0]).replace(" dp:ovs,", "") == tail(ip_flow)

    # The ufid names the flow: the same in the next dump.
    again = vswitchd.dpctl("dump-flows", "-m").stdout.splitlines()[1:]
    again_by_ufid = {m.group(1): m.group(2)
                     for m in map(line_re.match, again) if m}
    common = set(by_ufid) & set(again_by_ufid)
    ip_ufid = line_re.match(ip_more[0]).group(1)
    assert ip_ufid in common
    for u in common:
        assert by_ufid[u] == again_by_ufid[u]
    # get-flow finds the flow by its ufid (as OVS's get-flow ufid:...), in
    # any letter case; an unknown ufid is not found.
    for u in (ip_ufid, ip_ufid.upper().replace("UFID:", "ufid:")):
        got = vswitchd.dpctl("get-flow", u).stdout.strip()
        assert got.split(", packets:")[0] == ip_flow.split(", packets:")[0]
    # ...and by the key it printed, short or verbose (a NORMAL flow's
    # untagged VLAN reads back as it was installed).
    for key in (ip_flow.split(", packets:")[0], by_ufid[ip_ufid]):
        got = vswitchd.dpctl("get-flow", key).stdout.strip()
        assert got.split(", packets:")[0] == ip_flow.split(", packets:")[0]
    other = ip_ufid[:-1] + ("0" if ip_ufid[-1] != "0" else "1")
    p = vswitchd.dpctl("get-flow", other, check=False)
    assert p.returncode == 1
    assert p.stderr == "vswitchd: getting flow (No such file or directory)\n"
    # del-flow takes the ufid too: the flow is gone after it, and a second
    # delete finds nothing.
    vswitchd.dpctl("del-flow", ip_ufid)
    assert vswitchd.dpctl("get-flow", ip_ufid, check=False).returncode == 1
    p = vswitchd.dpctl("del-flow", ip_ufid, check=False)
    assert p.returncode == 1
    assert p.stderr == "vswitchd: deleting flow (No such file or directory)\n"


def test_ping_through_bridge_and_counters(vswitchd):
    """Two hosts on one bridge reach each other; the datapath shows the
    flows and counters, and the Interface rows get statistics."""
    br = f"{TAG}brt"
    with netns_host(TAG, 11, "10.9.11.1/24") as h1, \
            netns_host(TAG, 12, "10.9.11.2/24") as h2:
        vswitchd.vsctl("add-br", br)
        vswitchd.vsctl("add-port", br, h1.peer)
        vswitchd.vsctl("add-port", br, h2.peer)
        h1.ping(h2.addr, count=5)

        ports = dpctl_ports(vswitchd)
        p1, p2 = ports[h1.peer][0], ports[h2.peer][0]
        flows = vswitchd.dpctl("dump-flows").stdout.splitlines()
        assert flows[0] == "flow-dump from the main thread:"
        ip_flows = [f for f in flows if "eth_type(0x0800)" in f
                    and f"in_port({p1})" in f]
        assert ip_flows, flows
        m = re.search(r", packets:(\d+), bytes:(\d+), used:(\d+\.\d{3})s, "
                      r"actions:(\S+)$", ip_flows[0])
        assert m, ip_flows[0]
        assert int(m.group(1)) >= 3 and int(m.group(2)) >= 3 * 98
        assert m.group(4) == str(p2)
        check_dump_flows_more(vswitchd, ip_flows[0], p1, p2)

        show = vswitchd.dpctl("show", "-s").stdout
        hit = int(re.search(r"lookups: hit:(\d+) missed:(\d+)", show)
                  .group(1))
        assert hit >= 3
        block = show.split(f": {h1.peer}\n")[1]
        rx = int(re.search(r"RX packets:(\d+)", block).group(1))
        assert rx >= 5

        def db_rx():
            out = vswitchd.vsctl("get", "Interface", h1.peer,
                                 "statistics:rx_packets",
                                 check=False).stdout.strip()
            return out.isdigit() and int(out) >= 5
        wait_until(db_rx, timeout=15, what="Interface statistics")
        assert vswitchd.vsctl("get", "Interface", h1.peer,
                              "link_state").stdout.strip() == "up"

        # del-flows empties the table; traffic brings flows back.
        vswitchd.dpctl("del-flows")
        assert "flows: 0\n" in vswitchd.dpctl("show").stdout
        h1.ping(h2.addr, count=2)
        assert "flows: 0\n" not in vswitchd.dpctl("show").stdout
