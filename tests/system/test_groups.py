"""OpenFlow groups on real switches.

test_ofctl_groups: Debian's ovs-ofctl (-O OpenFlow10, 13, 15) adds groups
of every type, a flow using one, dumps groups and their stats under real
traffic, inserts and removes buckets (1.0 and 1.5: ovs-ofctl refuses them
in 1.3), deletes groups, on Debian's OVS 3.1 and on vswitchd; every output
is compared line by line (durations normalised).  Then vs-ofctl runs the
same commands on vswitchd and must print what ovs-ofctl printed.

test_select_spreads: a select group over two output ports spreads real UDP
and TCP flows (distinct ports) from h1 over h2 and h3: both get traffic.

test_fast_failover: a fast_failover group watching p2 then p3 sends to h2
until p2's link goes down (ip link set down on its peer in h2), then to
h3, with no lost traffic for long.

Names start with "vgr" (this file's tag)."""

import re
import socket  # noqa: F401  (used inside the hosts' python one-liners)
import time

import pytest

from conftest import binary, wait_until
from ovs_sandbox import compare, make_side, make_sides

TAG = "vgr"

NORMALISE = [
    (re.compile(r"duration=\d+(\.\d+)?s"), "duration=?s"),
    # Each switch's own socket in error messages.
    (re.compile(r"unix:\S*/br0\.mgmt"), "unix:br0.mgmt"),
]


def normalise(text):
    for rx, repl in NORMALISE:
        text = rx.sub(repl, text)
    return text


GROUPS = [
    "group_id=1,type=all,bucket=output:2,bucket=output:3",
    "group_id=2,type=select,bucket=weight:3,output:2,bucket=output:3",
    "group_id=3,type=indirect,bucket=actions=dec_ttl,output:2",
    "group_id=4,type=ff,bucket=watch_port:2,output:2,"
    "bucket=watch_port:3,output:3",
]
GROUPS15 = [
    "group_id=5,type=select,selection_method=hash,fields(ip_src,udp_dst),"
    "bucket=output:2,bucket=output:3",
    "group_id=6,type=select,selection_method=dp_hash,bucket=output:2,"
    "bucket=output:3",
]

SEND_UDP = ("import socket,sys; s=socket.socket(socket.AF_INET,"
            "socket.SOCK_DGRAM); [s.sendto(b'x'*64,('{dst}',p)) "
            "for p in range({lo},{hi})]")


def scenario(side, proto, tool=None):
    """The ovs-ofctl session (or vs-ofctl's, with `tool`): [(step, out)]."""
    o = ["-O", proto]
    t = f"unix:{side.mgmt}"
    out = []

    def ofctl(*args, check=True):
        if tool:
            p = tool(*o, *args, check=check)
            p.stderr = p.stderr.replace("vs-ofctl: ", "ovs-ofctl: ")
        else:
            p = side.ofctl(*o, *args, check=check)
        return p.stdout + p.stderr if not check else p.stdout

    def step(name, text):
        # OVS lists groups in its hash map's order: compare them sorted.
        lines = normalise(text).splitlines()
        out.append((name, "\n".join(lines[:1] + sorted(lines[1:])) + "\n"))
        return text

    side.ofctl("del-flows", t)
    side.ofctl("-O", "OpenFlow13", "del-groups", t)
    for g in GROUPS:
        assert ofctl("add-group", t, g) == ""
    if proto in ("OpenFlow15", "OpenFlow10"):
        for g in GROUPS15:
            assert ofctl("add-group", t, g) == ""
    if proto != "OpenFlow10":
        # group_mods in a bundle (atomic): one that works, one whose last
        # message fails, which takes back its first.
        path = f"{side.clientdir}/groups.txt"
        with open(path, "w") as f:
            f.write("# add-groups: a command per line\n"
                    "add group_id=8,type=all,bucket=output:1\n"
                    "modify group_id=8,type=all,bucket=output:3\n")
        assert ofctl("--bundle", "add-groups", t, path) == ""
        with open(path, "w") as f:
            f.write("add group_id=9,type=all,bucket=output:1\n"
                    "add group_id=8,type=all,bucket=output:2\n")
        step("bundle failing", ofctl("--bundle", "add-groups", t, path,
                                     check=False))
    step("dump-groups", ofctl("dump-groups", t))
    step("dump-groups 2", ofctl("dump-groups", t, "2"))
    step("dump-group-features", ofctl("dump-group-features", t))
    # A flow naming a missing group is refused with OVS's error.
    # (Only the error's first line: OVS echoes the whole request, vswitchd
    # its first 64 bytes, a difference of connmgr's, not of groups.)
    step("add-flow missing group",
         ofctl("add-flow", t, "in_port=1,actions=group:99",
               check=False).splitlines()[0])
    side.ofctl(*o, "add-flow", t, "in_port=1,actions=group:1")
    h1 = side.hosts[0]
    h1.ping(side.hosts[1].addr, count=3, interval=0.1, check=False)

    def counted():
        s = side.ofctl(*o, "dump-group-stats", t, "group_id=1").stdout
        return "packet_count=3," in s
    wait_until(counted, timeout=10, what=f"{side.kind}: group stats")
    step("dump-group-stats", ofctl("dump-group-stats", t))
    step("dump-group-stats 1", ofctl("dump-group-stats", t, "group_id=1"))
    step("mod-group", ofctl("mod-group", t,
                            "group_id=1,type=all,bucket=output:3"))
    step("dump-groups after mod", ofctl("dump-groups", t, "1"))
    if proto in ("OpenFlow15", "OpenFlow10"):
        step("insert-buckets", ofctl(
            "insert-buckets", t,
            "group_id=2,command_bucket_id=first,bucket=bucket_id:7,"
            "output:1"))
        step("remove-buckets", ofctl(
            "remove-buckets", t, "group_id=2,command_bucket_id=1"))
        step("dump-groups after buckets", ofctl("dump-groups", t, "2"))
    else:
        step("insert-buckets refused", ofctl(
            "insert-buckets", t,
            "group_id=2,command_bucket_id=first,bucket=output:1",
            check=False))
    step("dump-flows before del", normalise_flows(
        side.ofctl(*o, "dump-flows", t).stdout))
    step("del-groups 1", ofctl("del-groups", t, "group_id=1"))
    step("dump-flows after del", normalise_flows(
        side.ofctl(*o, "dump-flows", t).stdout))
    step("dump-groups after del", ofctl("dump-groups", t))
    step("del-groups", ofctl("del-groups", t))
    step("dump-groups empty", ofctl("dump-groups", t))
    return out


def normalise_flows(text):
    return re.sub(r"idle_age=\d+", "idle_age=?",
                  re.sub(r"duration=[\d.]+s", "duration=?s", text))


@pytest.mark.parametrize("proto", ["OpenFlow10", "OpenFlow13",
                                   "OpenFlow15"])
def test_ofctl_groups(vswitchd_factory, ovs_sandbox_factory, proto):
    with make_sides("vswitch", TAG, vswitchd_factory, ovs_sandbox_factory,
                    nhosts=3,
                    bridge_settings=("protocols=OpenFlow10,OpenFlow13,"
                                     "OpenFlow14,OpenFlow15",)) as sides:
        results = [scenario(s, proto) for s in sides]
        ref, got = results
        for (name, a), (_, b) in zip(ref, got):
            compare(a, b, f"{proto} {name}")
        vs = sides[1]

        def tool(*args, check=True):
            return vs.run(binary("vs-ofctl"), f"--rundir={vs.sw.rundir}",
                          *args, check=check)
        mine = scenario(vs, proto, tool=tool)
        for (name, a), (_, b) in zip(ref, mine):
            compare(a, b, f"vs-ofctl {proto} {name}")


def rx_packets(host):
    return int(host.run("cat", "/sys/class/net/eth0/statistics/rx_packets")
               .stdout)


def test_select_spreads(vswitchd_factory):
    with make_side("vswitch", TAG + "s", vswitchd_factory, nhosts=3) as side:
        t = f"unix:{side.mgmt}"
        h1, h2, h3 = side.hosts
        # h2 and h3 take h1's packets whatever their IP: same MAC, same IP
        # on h3 as h2 is not needed; count frames on the wire.
        side.ofctl("del-flows", t)
        side.ofctl("-O", "OpenFlow13", "add-group", t,
                   "group_id=1,type=select,bucket=output:2,bucket=output:3")
        side.ofctl("-O", "OpenFlow13", "add-flow", t,
                   "in_port=1,ip,actions=group:1")
        side.ofctl("-O", "OpenFlow13", "add-flow", t,
                   "priority=0,actions=drop")
        before = rx_packets(h2), rx_packets(h3)
        h1.run("python3", "-c", SEND_UDP.format(dst=h2.addr, lo=20000,
                                                hi=20032))
        for port in range(30000, 30016):      # TCP SYNs to closed ports
            h1.run("python3", "-c",
                   "import socket; s=socket.socket(); s.settimeout(0.05)\n"
                   f"try: s.connect(('{h2.addr}', {port}))\n"
                   "except Exception: pass", check=False)
        time.sleep(0.5)
        got2 = rx_packets(h2) - before[0]
        got3 = rx_packets(h3) - before[1]
        assert got2 > 0 and got3 > 0, (got2, got3)
        assert got2 + got3 >= 48, (got2, got3)
        stats = side.ofctl("-O", "OpenFlow13", "dump-group-stats", t).stdout
        m = re.findall(r"bucket\d:packet_count=(\d+)", stats)
        assert len(m) == 2 and all(int(x) > 0 for x in m), stats


def test_fast_failover(vswitchd_factory):
    with make_side("vswitch", TAG + "f", vswitchd_factory, nhosts=3) as side:
        t = f"unix:{side.mgmt}"
        h1, h2, h3 = side.hosts
        side.ofctl("del-flows", t)
        side.ofctl("-O", "OpenFlow13", "add-group", t,
                   "group_id=1,type=fast_failover,"
                   "bucket=watch_port:2,output:2,"
                   "bucket=watch_port:3,output:3")
        side.ofctl("-O", "OpenFlow13", "add-flow", t,
                   "in_port=1,ip,actions=group:1")

        def send(n, lo):
            h1.run("python3", "-c", SEND_UDP.format(dst=h2.addr, lo=lo,
                                                    hi=lo + n))

        b2, b3 = rx_packets(h2), rx_packets(h3)
        send(10, 40000)
        time.sleep(0.3)
        assert rx_packets(h2) - b2 >= 10 and rx_packets(h3) == b3
        # p2's link goes down: its peer (h2's eth0) is set down.
        h2.run("ip", "link", "set", "eth0", "down")
        b3 = rx_packets(h3)

        def failed_over():
            send(1, 41000)
            return rx_packets(h3) > b3
        wait_until(failed_over, timeout=10, interval=0.2,
                   what="traffic on the second bucket")
        b3 = rx_packets(h3)
        send(20, 42000)
        time.sleep(0.3)
        assert rx_packets(h3) - b3 >= 20
