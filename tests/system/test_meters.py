"""Meters (issue 11): Debian's ovs-ofctl -O OpenFlow13 and -O OpenFlow15
add, modify, dump, count and delete meters on vswitchd and on Debian's OVS
3.1 (its own sandbox and namespace, ovs_sandbox.py); every output is
compared line by line after normalising what must differ.  vs-ofctl runs
the same commands against vswitchd and must print what ovs-ofctl prints.
Then a meter of 10 Mb/s on the flow between two namespace hosts holds an
iperf3 TCP stream to about that rate, where without it the stream runs far
faster.

What may differ, and why (NORMALISE): durations (time passes between the
runs); meter-features' max_meter (OVS's userspace datapath has 262144,
vswitchd's DP_METER_MAX) and band_types (OVS's userspace datapath has
drop only; vswitchd also does dscp_remark)."""

import json
import re
import subprocess
import time

import pytest

from conftest import binary
from ovs_sandbox import Capture, compare, make_sides

TAG = "vmtr"

NORMALISE = [
    (re.compile(r"duration[:=]\d+(\.\d+)?s"), "duration=?s"),
    (re.compile(r"idle_age=\d+"), "idle_age=?"),
    (re.compile(r"hard_age=\d+"), "hard_age=?"),
    (re.compile(r"max_meter:\d+"), "max_meter:?"),
    (re.compile(r"band_types: .*"), "band_types: ?"),
    (re.compile(r"^(ovs|vs)-ofctl:", re.M), "ofctl:"),
    # Each switch's own socket directory.
    (re.compile(r"talking to unix:\S+ "), "talking to unix:BR "),
]


def normalise(text):
    for rx, repl in NORMALISE:
        text = rx.sub(repl, text)
    # An error's copy of the request: OVS 3.1 echoes it whole, vswitchd its
    # first 64 bytes (connmgr/ofp_encode_error, for every error, not a
    # meter matter): only the request's name and xid are compared.
    lines = text.splitlines()
    if lines and lines[0].startswith("OFPT_ERROR") and len(lines) > 1:
        lines = [lines[0], lines[1].split("):")[0] + "): ..."]
        text = "\n".join(lines) + "\n"
    return text


def steps(br):
    """(command args) run in order on a fresh bridge."""
    m1 = "meter=1,kbps,burst,stats,band=type=drop,rate=1000,burst_size=100"
    return [
        ["add-meter", br, m1],
        ["add-meter", br, "meter=2,pktps,band=type=drop,rate=10"],
        ["add-meter", br, "meter=1,kbps,band=type=drop,rate=10"],
        ["mod-meter", br, "meter=9,kbps,band=type=drop,rate=10"],
        ["add-meter", br, "meter=3,kbps,band=type=drop,rate=0"],
        ["add-meter", br, "meter=3,kbps,burst,band=type=drop,rate=5"],
        ["add-flow", br, "in_port=1,actions=meter:1,output:2"],
        ["add-flow", br, "in_port=2,actions=meter:5,output:1"],
        ["--bundle", "add-flow", br, "in_port=2,actions=meter:5,output:1"],
        ["--bundle", "add-flow", br, "in_port=2,actions=meter:3,output:1"],
        ["add-flow", br, "table=1,in_port=2,actions=meter:2,goto_table:3"],
        ["dump-flows", br],
        ["dump-meters", br],
        ["dump-meter", br, "meter=2"],
        ["dump-meters", br, "meter=7"],
        ["meter-stats", br],
        ["meter-stats", br, "meter=1"],
        ["meter-stats", br, "meter=7"],
        ["meter-features", br],
        ["mod-meter", br, "meter=2,kbps,burst,band=type=drop,rate=100,"
         "burst_size=10,type=drop,rate=200,burst_size=20"],
        ["dump-meters", br],
        ["meter-stats", br, "meter=2"],
        ["del-meter", br, "meter=1"],
        ["dump-flows", br],
        ["add-flow", br, "in_port=1,actions=meter:1,output:2"],
        ["del-meters", br],
        ["dump-flows", br],
        ["dump-meters", br],
        ["meter-stats", br],
    ]


def run_steps(side, tool, version):
    """The transcript of steps() with `tool` ("ovs" or "vs") on `side`,
    starting from a bridge with no meters and no flows."""
    br = f"unix:{side.mgmt}"
    side.ofctl("-O", version, "del-meters", br)
    side.ofctl("del-flows", br)
    out = []
    for cmd in steps(br):
        if tool == "ovs":
            r = side.ofctl("-O", version, *cmd, check=False)
        else:
            r = side.run(binary("vs-ofctl"), "-O", version, *cmd,
                         check=False)
        text = r.stdout + r.stderr
        if "dump-flows" in cmd:
            lines = text.splitlines()
            text = "\n".join(lines[:1] + sorted(lines[1:])) + "\n"
        name = " ".join(c for c in cmd if c != br)
        out.append(f"$ {name} -> {r.returncode}\n"
                   + normalise(text))
    return "".join(out)


@pytest.mark.parametrize("version", ["OpenFlow13", "OpenFlow15"])
def test_meter_commands_as_ovs(version, vswitchd_factory,
                               ovs_sandbox_factory):
    with make_sides("vswitch", TAG, vswitchd_factory,
                    ovs_sandbox_factory) as (ovs, vs):
        ref = run_steps(ovs, "ovs", version)
        # What OVS does, checked on OVS itself: a flow naming a missing
        # meter is refused; deleting a meter deletes its flows.
        assert "OFPMMFC_INVALID_METER" in ref
        assert "OFPMMFC_METER_EXISTS" in ref
        assert "meter:1 flow_count:1" in ref
        compare(ref, run_steps(vs, "ovs", version), f"ovs-ofctl {version}")
        compare(ref, run_steps(vs, "vs", version), f"vs-ofctl {version}")
        assert vs.alive()


def test_meters_need_openflow13(vswitchd_factory, ovs_sandbox_factory):
    """Without -O OpenFlow13 (or later), meters are refused before the
    switch is asked, by both tools, with the same words."""
    with make_sides("vswitch", TAG, vswitchd_factory,
                    ovs_sandbox_factory) as (ovs, vs):
        for cmd in (["add-meter", "meter=1,kbps,band=type=drop,rate=1"],
                    ["dump-meters"], ["meter-features"],
                    ["add-flow", "actions=meter:1,output:2"]):
            r1 = ovs.ofctl(cmd[0], f"unix:{ovs.mgmt}", *cmd[1:], check=False)
            r2 = vs.run(binary("vs-ofctl"), cmd[0], f"unix:{vs.mgmt}",
                        *cmd[1:], check=False)
            assert r1.returncode == r2.returncode == 1
            compare(normalise(r1.stderr), normalise(r2.stderr), cmd[0])


def iperf_mbps(side, seconds=4):
    h1, h2 = side.hosts
    server = h2.popen("iperf3", "-s", "-1", "-p", "5299",
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        out = h1.run("iperf3", "-c", h2.addr, "-p", "5299", "-t",
                     str(seconds), "-J", timeout=60).stdout
    finally:
        server.kill()
        server.wait()
    return json.loads(out)["end"]["sum_received"]["bits_per_second"] / 1e6


def test_meter_limits_iperf(vswitchd_factory, ovs_sandbox_factory):
    rate_kbps = 10000
    with make_sides("vswitch", TAG, vswitchd_factory, ovs_sandbox_factory,
                    reference=False) as (vs,):
        br = f"unix:{vs.mgmt}"
        vs.ofctl("-O", "OpenFlow13", "del-flows", br)
        vs.ofctl("-O", "OpenFlow13", "add-flow", br,
                 "in_port=1,actions=output:2")
        vs.ofctl("-O", "OpenFlow13", "add-flow", br,
                 "in_port=2,actions=output:1")
        free = iperf_mbps(vs)
        print(f"\nwithout the meter: {free:.1f} Mb/s")
        vs.ofctl("-O", "OpenFlow13", "add-meter", br,
                 f"meter=1,kbps,stats,band=type=drop,rate={rate_kbps}")
        vs.ofctl("-O", "OpenFlow13", "mod-flows", br,
                 "in_port=1,actions=meter:1,output:2")
        metered = iperf_mbps(vs)
        print(f"with a meter of {rate_kbps / 1000:.0f} Mb/s: "
              f"{metered:.1f} Mb/s")
        rate = rate_kbps / 1000
        assert 0.5 * rate <= metered <= 1.5 * rate
        assert free > 5 * rate
        stats = vs.ofctl("-O", "OpenFlow13", "meter-stats", br).stdout
        m = re.search(r"meter:1 flow_count:1 packet_in_count:(\d+) "
                      r"byte_in_count:(\d+) .*\n0: packet_count:(\d+)", stats)
        assert m, stats
        assert int(m.group(3)) > 0          # the band dropped packets
        drops = vs.sw.appctl("coverage/show").stdout
        assert "datapath_drop_meter" in drops, drops
        assert vs.alive()


def test_meter_dscp_remark(vswitchd_factory, ovs_sandbox_factory):
    """A dscp_remark band over its rate raises AF11 (tos 0x28) to AF12
    (0x30) with a correct IPv4 checksum (the host answers every ping);
    within the rate the packets pass unchanged.  (OVS's userspace
    datapath refuses dscp_remark bands: OFPMMFC_BAD_BAND, seen in
    test_meter_commands_as_ovs's transcript.)"""
    with make_sides("vswitch", TAG, vswitchd_factory, ovs_sandbox_factory,
                    reference=False) as (vs,):
        br = f"unix:{vs.mgmt}"
        h1, h2 = vs.hosts
        vs.ofctl("del-flows", br)
        vs.ofctl("-O", "OpenFlow13", "add-meter", br,
                 "meter=1,pktps,burst,band=type=dscp_remark,rate=1,"
                 "burst_size=1,prec_level=1")
        vs.ofctl("-O", "OpenFlow13", "add-flow", br,
                 "in_port=1,actions=meter:1,output:2")
        vs.ofctl("-O", "OpenFlow13", "add-flow", br,
                 "in_port=2,actions=output:1")
        with Capture(h2, "icmp[icmptype] = icmp-echo and ip[1] = 0x30") \
                as marked, \
                Capture(h2, "icmp[icmptype] = icmp-echo and ip[1] = 0x28") \
                as kept:
            r = h1.run("ping", "-c", "6", "-i", "0.2", "-W", "1", "-Q",
                       "0x28", h2.addr, check=False)
        assert " 0% packet loss" in r.stdout, r.stdout
        assert len(marked.lines) >= 3, (marked.lines, kept.lines)
        assert 1 <= len(kept.lines) <= 3, (marked.lines, kept.lines)
        stats = vs.ofctl("-O", "OpenFlow13", "meter-stats", br).stdout
        m = re.search(r"packet_in_count:6 .*\n0: packet_count:(\d+)", stats)
        assert m and int(m.group(1)) == len(marked.lines), stats
