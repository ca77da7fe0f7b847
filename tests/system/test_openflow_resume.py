"""controller(pause) and NXT_RESUME with real traffic: a flow
`in_port=1,actions=controller(userdata=01.02,pause),output:2` forwards
h1's pings to h2 only while a monitor that resumes every paused packet-in
(`ovs-ofctl monitor br0 resume`, Debian's, and `vs-ofctl monitor br0
resume`) is running: before it, and after it stops, the pings are lost.

Parametrised on the switch as test_openflow_ofctl.py: [ovs] runs Debian's
OVS 3.1 in a private sandbox alone (the checks hold there: that is how
they were verified); [vswitch] runs the same on vswitchd and on OVS in the
same test, and compares what ovs-ofctl monitor printed (packet-ins with
their continuation, the NXT_RESUMEs sent) line by line after
`normalise`.  vs-ofctl's monitor runs against both switches too, and
prints what ovs-ofctl prints.

Names start with "vrs" (this file's tag)."""

import glob
import os
import re
import subprocess

import pytest

from conftest import binary, wait_until
from ovs_sandbox import compare, make_sides

TAG = "vrs"

NORMALISE = [
    # The bridge a continuation names: a UUID each switch draws.
    (re.compile(r"continuation\.bridge=[0-9a-f-]{36}"),
     "continuation.bridge=?"),
    # The input port's datapath number: each switch numbers its own.
    (re.compile(r"continuation\.odp_port=\d+"), "continuation.odp_port=?"),
    # ping's payload carries a timestamp: the checksum of each echo.
    (re.compile(r"icmp_csum:[0-9a-f]+"), "icmp_csum:?"),
]


def normalise(text):
    for rx, repl in NORMALISE:
        text = rx.sub(repl, text)
    return text


def monitor_text(path):
    """What a monitor printed, less its own log lines (timestamped)."""
    return "".join(line for line in open(path)
                   if not re.match(r"\d{4}-\d\d-\d\dT\S+\|\d+\|", line)
                   and "fatal_signal" not in line)


def run_monitor(side, tool, o, t, count):
    """Runs `tool monitor T resume` while h1 pings h2 `count` times (all
    must answer); returns its normalised output."""
    h1, h2 = side.hosts
    out = os.path.join(side.clientdir, f"monitor-{tool}.out")
    for f in glob.glob(os.path.join(side.clientdir, "ovs-ofctl.*.ctl")):
        os.unlink(f)
    if tool == "ovs":
        cmd = ["ovs-ofctl", *o]
    else:
        cmd = [binary("vs-ofctl"), *o]
    with open(out, "w") as mo:
        mon = side.popen(*cmd, "monitor", t, "resume", stdout=mo, stderr=mo)
    try:
        if tool == "ovs":
            # Its control socket appears once it has set the connection up.
            wait_until(lambda: glob.glob(os.path.join(side.clientdir,
                                                      "ovs-ofctl.*.ctl")),
                       timeout=10, what=f"{side.kind}: monitor ready")
        else:
            # vs-ofctl has no control socket: the first ping may be lost
            # while it connects; wait until one goes through.
            wait_until(lambda: h1.ping(h2.addr, count=1, wait=1,
                                       check=False).returncode == 0,
                       timeout=15, what=f"{side.kind}: vs-ofctl monitor")
        p = h1.ping(h2.addr, count=count, interval=0.2, wait=2, check=False)
        assert p.returncode == 0 and f"{count} received" in p.stdout, \
            (p.stdout, monitor_text(out), side.log_text())
    finally:
        mon.terminate()
        mon.wait(timeout=10)
    return normalise(monitor_text(out))


def scenario(side, proto):
    o = ["-O", proto] if proto else []
    t = f"unix:{side.mgmt}"
    h1, h2 = side.hosts

    def ofctl(*args):
        return side.ofctl(*o, *args).stdout

    ofctl("del-flows", t)
    ofctl("add-flow", t, "in_port=1,actions=controller(userdata=01.02,"
          "pause),output:2")
    ofctl("add-flow", t, "in_port=2,actions=output:1")
    text = ofctl("dump-flows", t, "in_port=1")
    assert "actions=controller(userdata=01.02,pause),output:2" in text, text

    # No controller: the packet waits for a resume that never comes.
    p = h1.ping(h2.addr, count=2, interval=0.2, wait=1, check=False)
    assert p.returncode != 0, p.stdout

    results = {}
    results["ovs-ofctl"] = run_monitor(side, "ovs", o, t, 3)
    text = results["ovs-ofctl"]
    # Every echo request came up paused, with the userdata and the rest
    # of the rule in the continuation, and went back as an NXT_RESUME.
    assert text.count("NXT_PACKET_IN2") >= 3, text
    assert " userdata=01.02\n" in text, text
    assert "continuation.actions=unroll_xlate(table=0, cookie=0)," \
        "output:2\n" in text, text
    assert text.count("send: NXT_RESUME") == text.count("NXT_PACKET_IN2"), \
        text

    # Once the monitor is gone, nothing resumes: the pings are lost again.
    p = h1.ping(h2.addr, count=2, interval=0.2, wait=1, check=False)
    assert p.returncode != 0, p.stdout

    # A controller that takes another packet-in format gets the packet-in
    # without a continuation and cannot resume: the translation paused
    # all the same (OVS does so), and the pings are lost.
    out = os.path.join(side.clientdir, "monitor-standard.out")
    for f in glob.glob(os.path.join(side.clientdir, "ovs-ofctl.*.ctl")):
        os.unlink(f)
    with open(out, "w") as mo:
        mon = side.popen("ovs-ofctl", *o, "-P", "standard", "monitor", t,
                         "resume", stdout=mo, stderr=mo)
    try:
        wait_until(lambda: glob.glob(os.path.join(side.clientdir,
                                                  "ovs-ofctl.*.ctl")),
                   timeout=10, what=f"{side.kind}: monitor ready")
        p = h1.ping(h2.addr, count=2, interval=0.2, wait=1, check=False)
        assert p.returncode != 0, p.stdout
    finally:
        mon.terminate()
        mon.wait(timeout=10)
    text = normalise(monitor_text(out))
    assert "OFPT_PACKET_IN" in text and "NXT_PACKET_IN2" not in text, text
    assert "continuation" not in text and "NXT_RESUME" not in text, text
    results["standard"] = text

    results["vs-ofctl"] = run_monitor(side, "vs", o, t, 3)
    text = results["vs-ofctl"]
    assert "send: NXT_RESUME" in text and " userdata=01.02\n" in text, text
    ofctl("del-flows", t)
    return results


def first_exchange(text):
    """The first packet-in and the NXT_RESUME sent for it (the messages
    of a monitor's output start at column 0)."""
    msgs, cur = [], []
    for line in text.splitlines():
        if cur and not line.startswith(" ") and not line.startswith("icmp"):
            msgs.append("\n".join(cur))
            cur = []
        cur.append(line)
    if cur:
        msgs.append("\n".join(cur))
    pins = [i for i, m in enumerate(msgs) if m.startswith("NXT_PACKET_IN2")]
    assert pins, text
    return "\n".join(msgs[pins[0]:pins[0] + 2])


@pytest.mark.parametrize("proto", [None, "OpenFlow13"], ids=["of10", "of13"])
@pytest.mark.parametrize("switch", ["ovs", "vswitch"])
def test_pause_resume(switch, proto, vswitchd_factory, ovs_sandbox_factory):
    with make_sides(switch, TAG, vswitchd_factory,
                    ovs_sandbox_factory) as sides:
        results = {}
        for side in sides:
            results[side.kind] = scenario(side, proto)
            assert side.alive(), side.log_text()
        # vs-ofctl prints what ovs-ofctl prints (same switch).
        for kind, r in results.items():
            compare(first_exchange(r["ovs-ofctl"]),
                    first_exchange(r["vs-ofctl"]), f"{kind}: vs-ofctl")
        if switch == "vswitch":
            compare(results["ovs"]["standard"].splitlines()[0],
                    results["vswitch"]["standard"].splitlines()[0],
                    "ovs-ofctl -P standard monitor")
            compare(first_exchange(results["ovs"]["ovs-ofctl"]),
                    first_exchange(results["vswitch"]["ovs-ofctl"]),
                    "ovs-ofctl monitor resume")
