"""Real OpenFlow controllers drive a bridge:

  - ovs-testcontroller (Debian's openvswitch-testcontroller: a learning
    switch) listening on ptcp:PORT, the controller of a secure-mode bridge
    (set-controller tcp:127.0.0.1:PORT, set-fail-mode secure): two hosts
    ping through the flows it installs, and dump-flows shows them.  It
    installs a table-miss rule (priority=0 actions=CONTROLLER:128) and acts
    only on packet-ins of reason no_match (lib/learning-switch.c): OVS
    reports a controller action of a table-miss rule as an explicit miss,
    sent as OFPR_NO_MATCH on OpenFlow 1.3+ (OFPR_ACTION before);
  - osken-manager (python3-os-ken) running tests/system/osken_apps/
    simple_switch_13.py over OpenFlow 1.3 (protocols=OpenFlow13): two hosts
    ping, the app counts packet-ins, installs flows and reads flow and port
    stats (it writes what it saw to a JSON file read here).

Parametrised on the switch as test_openflow_ofctl.py: [ovs] is Debian's OVS
3.1 in a private sandbox, [vswitch] runs the same on vswitchd (and the OVS
reference beside it, whose results must be the same).  `-k ovs` runs the
reference alone.  Names start with "voc"."""

import json
import os
import re

import pytest

from conftest import wait_until
from ovs_sandbox import make_sides

TAG = "voc"
PORT = 6653
APP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "osken_apps",
                   "simple_switch_13.py")


def secure_with_controller(side, protocols=None):
    side.vsctl("set-fail-mode", side.br, "secure")
    if protocols:
        side.vsctl("set", "bridge", side.br, f"protocols={protocols}")
    side.vsctl("set-controller", side.br, f"tcp:127.0.0.1:{PORT}")


def ping_until(h, dst, timeout=20):
    """Pings until one gets through (the controller may still be setting up
    when the first ones go), then once more 3 in a row that must all pass."""
    wait_until(lambda: h.ping(dst, count=1, wait=1, check=False).returncode
               == 0, timeout=timeout, interval=0.2,
               what=f"{h.ns}: ping {dst}")
    p = h.ping(dst, count=3, interval=0.2)
    assert " 0% packet loss" in p.stdout, p.stdout


def flows(side, *o):
    return side.ofctl(*o, "dump-flows", f"unix:{side.mgmt}").stdout


def run_testcontroller(side):
    """One side's run; returns what is compared between switches."""
    h1, h2 = side.hosts
    ctl = side.popen("ovs-testcontroller", f"ptcp:{PORT}:127.0.0.1",
                     f"--log-file={side.clientdir}/testcontroller.log",
                     f"--unixctl={side.clientdir}/testcontroller.ctl",
                     stdout=open(os.devnull, "w"),
                     stderr=open(f"{side.clientdir}/testcontroller.err",
                                 "w"))
    try:
        # Listening before the bridge is pointed at it.
        wait_until(lambda: side.run("ss", "-ltn").stdout.count(
            f"127.0.0.1:{PORT}") > 0, timeout=10, what="testcontroller")
        secure_with_controller(side)
        # Secure mode: nothing flows but what the controller installs
        # (the bridge has no NORMAL rule of its own).
        ping_until(h1, h2.addr)
        ping_until(h2, h1.addr)
        dump = flows(side)
        # The learned flows are exact-match on both hosts' MACs.
        assert f"dl_src={h1.mac},dl_dst={h2.mac}" in dump, dump
        assert f"dl_src={h2.mac},dl_dst={h1.mac}" in dump, dump
        assert "actions=NORMAL" not in dump, dump
        assert ctl.poll() is None, "ovs-testcontroller died"
        # What is compared: the set of (in_port, dl_src, dl_dst, output)
        # of the installed flows.
        learned = set()
        for line in dump.splitlines()[1:]:
            m = re.search(r"in_port=(\d+),.*dl_src=([0-9a-f:]+),"
                          r"dl_dst=([0-9a-f:]+).* actions=output:(\d+)",
                          line)
            if m:
                learned.add(m.groups())
        return learned
    finally:
        ctl.terminate()
        ctl.wait(timeout=10)


@pytest.mark.parametrize("switch", ["ovs", "vswitch"])
def test_testcontroller_secure(switch, vswitchd_factory, ovs_sandbox_factory):
    with make_sides(switch, TAG, vswitchd_factory, ovs_sandbox_factory,
                    static_arp=False) as sides:
        got = {s.kind: run_testcontroller(s) for s in sides}
        for side in sides:
            h1, h2 = side.hosts
            assert ("1", h1.mac, h2.mac, "2") in got[side.kind], got
            assert ("2", h2.mac, h1.mac, "1") in got[side.kind], got
            assert side.alive(), side.log_text()
        if switch == "vswitch":
            assert got["vswitch"] == got["ovs"], got


def run_osken(side):
    h1, h2 = side.hosts
    out = f"{side.clientdir}/osken.json"
    env = dict(side.env, OSKEN_APP_OUT=out)
    side.env, saved = env, side.env
    try:
        mgr = side.popen("osken-manager", "--ofp-listen-host", "127.0.0.1",
                         "--ofp-tcp-listen-port", str(PORT),
                         "--log-file", f"{side.clientdir}/osken.log", APP,
                         stdout=open(os.devnull, "w"),
                         stderr=open(f"{side.clientdir}/osken.err", "w"))
    finally:
        side.env = saved
    try:
        wait_until(lambda: os.path.exists(out) and side.run(
            "ss", "-ltn").stdout.count(f"127.0.0.1:{PORT}") > 0,
            timeout=20, what="osken-manager listening")
        secure_with_controller(side, protocols="OpenFlow13")

        def seen():
            with open(out) as f:
                return json.load(f)
        wait_until(lambda: seen()["features"] >= 1, timeout=15,
                   what=f"{side.kind}: os-ken saw the switch")
        ping_until(h1, h2.addr)
        ping_until(h2, h1.addr)

        def stats_caught_up():
            s = seen()
            fl = [f for f in s["flows"] if f["priority"] == 1]
            return (s["port_stats_replies"] >= 2 and len(fl) >= 2 and
                    all(f["packets"] > 0 for f in fl)) and s
        s = wait_until(stats_caught_up, timeout=15,
                       what=f"{side.kind}: os-ken's flow stats of the pings")
        assert mgr.poll() is None, open(f"{side.clientdir}/osken.err").read()
        assert s["packet_ins"] >= 2, s
        assert s["errors"] == [], s
        learned = {(f["match"].get("in_port"), f["match"].get("eth_src"),
                    f["match"].get("eth_dst"))
                   for f in s["flows"] if f["priority"] == 1}
        assert ("1", h1.mac, h2.mac) in learned, s
        assert ("2", h2.mac, h1.mac) in learned, s
        miss = [f for f in s["flows"] if f["priority"] == 0]
        assert len(miss) == 1 and miss[0]["match"] == {}, s
        # Port stats of both host ports: the pings went through them.
        for p in ("1", "2"):
            assert s["ports"][p]["rx_packets"] >= 3, s
            assert s["ports"][p]["tx_packets"] >= 3, s
        # The switch's own view agrees.
        dump = flows(side, "-O", "OpenFlow13")
        assert f"dl_src={h1.mac},dl_dst={h2.mac}" in dump, dump
        return {"learned": learned,
                "miss_actions": miss[0]["actions"],
                "ports": sorted(s["ports"])}
    finally:
        mgr.terminate()
        try:
            mgr.wait(timeout=10)
        except Exception:
            mgr.kill()
            mgr.wait()


@pytest.mark.parametrize("switch", ["ovs", "vswitch"])
def test_osken_simple_switch_13(switch, vswitchd_factory,
                                ovs_sandbox_factory):
    with make_sides(switch, TAG, vswitchd_factory, ovs_sandbox_factory,
                    static_arp=False) as sides:
        got = {s.kind: run_osken(s) for s in sides}
        for side in sides:
            assert side.alive(), side.log_text()
        if switch == "vswitch":
            assert got["vswitch"] == got["ovs"], got
