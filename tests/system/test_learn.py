"""A MAC-learning switch built from the learn action alone (as in OVS's
tutorial), with three namespace hosts on ports 1-3:

  table 0   learn(table=10, NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],
                  load:NXM_OF_IN_PORT[]->NXM_NX_REG0[0..15]), resubmit(,1)
  table 1   resubmit(,10), resubmit(,2)
  table 10  the learned flows: dl_dst=MAC actions=load:PORT->reg0
  table 2   reg0=0 (nothing learned for the destination): flood;
            reg0=N: output:N

h1 pings h2 (static ARP, no IPv6: nothing else on the wire).  The first
echo request floods (h3 sees it), the learned flows appear in Debian's
`ovs-ofctl dump-flows`, and the unicast that follows no longer floods: h3
sees none of it; with delete_learned they go with their learner.
ofproto/trace shows the learn and installs nothing.
Then a learn with hard_timeout: the learned flows carry
it and go when it runs out without traffic.

Parametrised on the switch: [ovs] runs Debian's OVS 3.1 in a private
sandbox alone (the expectations hold there); [vswitch] runs the same on
both and compares the learned flows line by line.

Names start with "vln" (this file's tag)."""

import re
import time

import pytest

from conftest import wait_until
from ovs_sandbox import Capture, compare, make_sides

TAG = "vln"

PIPELINE = [
    "table=0,actions=learn(table=10,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],"
    "load:NXM_OF_IN_PORT[]->NXM_NX_REG0[0..15]),resubmit(,1)",
    "table=1,actions=resubmit(,10),resubmit(,2)",
    "table=2,priority=10,reg0=0,actions=flood",
    "table=2,reg0=0x1,actions=output:1",
    "table=2,reg0=0x2,actions=output:2",
    "table=2,reg0=0x3,actions=output:3",
]

H1_MAC = "02:00:00:00:01:01"
H2_MAC = "02:00:00:00:01:02"


def table_rules(dump, keep_table=False):
    """The rules of a dump, without statistics, sorted: "cookie=C, MATCH
    actions=A" (table, duration, counters and ages taken out)."""
    out = []
    for line in dump.splitlines():
        if "actions=" not in line:
            continue
        line = line.strip()
        line = re.sub(r"(duration|n_packets|n_bytes|idle_age|hard_age)"
                      r"=[0-9.]+s?, ?", "", line)
        if not keep_table:
            line = re.sub(r"table=\d+, ?", "", line)
        out.append(line)
    return sorted(out)


def scenario(side):
    """The pings and the checks on one switch; returns what is compared."""
    h1, h2, h3 = side.hosts
    t = side.mgmt
    side.ofctl("del-flows", t)
    for flow in PIPELINE:
        side.ofctl("add-flow", t, flow)

    # ofproto/trace shows the learn and installs nothing (OVS's trace of a
    # flow suppresses side effects).
    trace = side.sw.appctl("ofproto/trace", side.br,
                           f"in_port=1,dl_src={H1_MAC},dl_dst={H2_MAC}").stdout
    assert ("\n    " + PIPELINE[0].split("actions=")[1].split(",resubmit")[0]
            + "\n     >> suppressing side effects, so learn action ignored\n"
            in trace), trace
    assert table_rules(side.ofctl("dump-flows", t, "table=10").stdout) == []

    # The first echo request floods: h3 sees exactly it; the reply goes to
    # h1 alone (h1 was learned from the request).
    with Capture(h3, "icmp") as cap:
        h1.ping(h2.addr, count=1)
    assert len(cap.lines) == 1 and "echo request" in cap.lines[0], cap.lines

    def learned():
        return table_rules(side.ofctl("dump-flows", t, "table=10").stdout)
    want = [f"cookie=0x0, dl_dst={H1_MAC} actions=load:0x1->NXM_NX_REG0[0..15]",
            f"cookie=0x0, dl_dst={H2_MAC} actions=load:0x2->NXM_NX_REG0[0..15]"]
    wait_until(lambda: learned() == want, timeout=10,
               what=f"{side.kind}: learned flows {learned()}")

    # Unicast between h1 and h2 no longer floods.
    with Capture(h3, "icmp or arp") as cap:
        h1.ping(h2.addr, count=5, interval=0.1)
        h2.ping(h1.addr, count=5, interval=0.1)
    assert cap.lines == [], cap.lines

    # The learned flows count the packets they forwarded.
    def counted():
        dump = side.ofctl("dump-flows", t, "table=10").stdout
        return all(int(n) >= 5 for n in re.findall(r"n_packets=(\d+)", dump))
    wait_until(counted, timeout=10, what=f"{side.kind}: learned counters")
    results = [("learned", "\n".join(learned()))]

    # A learn with a hard timeout, priority and cookie: the learned flows
    # carry them, and go when the timeout runs out without traffic.
    side.ofctl("del-flows", t)
    for flow in PIPELINE[1:]:
        side.ofctl("add-flow", t, flow)
    side.ofctl("add-flow", t,
               "table=0,actions=learn(table=10,hard_timeout=2,priority=7,"
               "cookie=0x99,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],"
               "load:NXM_OF_IN_PORT[]->NXM_NX_REG0[0..15]),resubmit(,1)")
    h1.ping(h2.addr, count=1)
    want = [f"cookie=0x99, hard_timeout=2, priority=7,dl_dst={m} "
            f"actions=load:0x{p}->NXM_NX_REG0[0..15]"
            for m, p in ((H1_MAC, 1), (H2_MAC, 2))]
    wait_until(lambda: learned() == want, timeout=10,
               what=f"{side.kind}: learned flows {learned()}")
    results.append(("learned with timeout", "\n".join(learned())))
    time.sleep(2.5)
    wait_until(lambda: learned() == [], timeout=10,
               what=f"{side.kind}: learned flows expire {learned()}")

    # delete_learned: the learned flows go with their learner (deleted by
    # del-flows over OpenFlow).  The whole table, learn and fin_timeout
    # actions included, dumps as on OVS.
    side.ofctl("del-flows", t)
    for flow in PIPELINE[1:]:
        side.ofctl("add-flow", t, flow)
    side.ofctl("add-flow", t,
               "table=0,actions=learn(table=10,delete_learned,cookie=0x5,"
               "fin_idle_timeout=3,NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],"
               "load:NXM_OF_IN_PORT[]->NXM_NX_REG0[0..15]),resubmit(,1)")
    side.ofctl("add-flow", t, "table=3,tcp,actions=fin_timeout("
               "idle_timeout=5,hard_timeout=10)")
    side.ofctl("add-flow", t, "table=10,cookie=0x6,dl_dst=02:00:00:00:01:09,"
               "actions=drop")
    h1.ping(h2.addr, count=1)
    wait_until(lambda: len(learned()) == 3, timeout=10,
               what=f"{side.kind}: learned flows {learned()}")
    for proto in ("OpenFlow10", "OpenFlow13", "OpenFlow15"):
        results.append((f"dump with learn ({proto})", "\n".join(table_rules(
            side.ofctl("-O", proto, "dump-flows", t).stdout,
            keep_table=True))))
    side.ofctl("del-flows", t, "table=0")
    wait_until(lambda: learned() == ["cookie=0x6, dl_dst=02:00:00:00:01:09 "
                                     "actions=drop"],
               timeout=10, what=f"{side.kind}: learned flows deleted "
                                f"{learned()}")
    return results


@pytest.mark.parametrize("switch", ["ovs", "vswitch"])
def test_learning_switch(switch, vswitchd_factory, ovs_sandbox_factory):
    with make_sides(switch, TAG, vswitchd_factory, ovs_sandbox_factory,
                    nhosts=3) as sides:
        results = [scenario(side) for side in sides]
        if len(results) == 2:
            for (name, ref), (_, got) in zip(results[0], results[1]):
                compare(ref, got, name)
