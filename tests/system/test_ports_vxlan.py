"""vxlan ports on real hosts (run as root).

Two "hypervisor" namespaces joined by an underlay veth (10.91.0.0/24).  In
each runs a switch (tests/tools/dp-switch: a hub of a system port and a
vxlan port), with a host namespace behind it on 192.168.91.0/24:

    h1 --veth-- [hv1: dp-switch p1 + vx] ==underlay== [hv2: ...] --veth-- h2

Then hv2's switch is replaced by the Linux kernel's own vxlan device in a
Linux bridge (the interop check), and finally by a kernel vxlan device with
the wrong VNI (no traffic; hv1's vxlan port counts the drops).  The last
test runs vswitchd in hv1, configured with vs-vsctl, with the path crossing
a patch pair between two bridges before the vxlan port (datapath flows put
with dpctl/add-flow while the slow path is not linked in).

Every namespace and device name starts with "vxt" (unique to this file).
"""

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DP_SWITCH = str(REPO / "build" / "tools" / "dp-switch")
TAG = "vxt"
NS = {name: f"{TAG}-{name}-{os.getpid()}" for name in ("h1", "hv1", "hv2", "h2")}
VNI = 4242
UNDERLAY = {"hv1": "10.91.0.1", "hv2": "10.91.0.2"}
HOSTS = {"h1": "192.168.91.1", "h2": "192.168.91.2"}
HOST_MTU = 1450   # 1500 underlay - 50 bytes of VXLAN/UDP/IP/Ethernet


def sh(cmd, check=True, timeout=60):
    p = subprocess.run(cmd, shell=True, capture_output=True, text=True,
                       timeout=timeout)
    if check and p.returncode:
        raise AssertionError(f"command failed ({p.returncode}): {cmd}\n"
                             f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


def nsx(ns, cmd, **kw):
    return sh(f"ip netns exec {NS[ns]} {cmd}", **kw)


class Switch:
    """dp-switch running in a namespace, its stdout in a file."""

    def __init__(self, ns, ports, tmp_path):
        self.out_path = tmp_path / f"{ns}.out"
        self.err_path = tmp_path / f"{ns}.err"
        self.out = open(self.out_path, "w")
        self.err = open(self.err_path, "w")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", NS[ns], DP_SWITCH, *ports],
            stdout=self.out, stderr=self.err)
        for _ in range(100):
            if "ready" in self.out_path.read_text():
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(f"dp-switch did not start: "
                             f"{self.err_path.read_text()}")

    def stats(self):
        """Per-port counters: {name: {"rx_packets": .., ...}}."""
        before = self.out_path.read_text().count("\nend\n")
        self.proc.send_signal(signal.SIGUSR1)
        for _ in range(100):
            text = self.out_path.read_text()
            if text.count("\nend\n") > before:
                break
            time.sleep(0.05)
        block = text.rsplit("lookups:", 1)[1]
        ports, cur = {}, None
        for line in block.splitlines():
            m = re.match(r"port \d+: (\S+) ", line)
            if m:
                cur = ports.setdefault(m.group(1), {})
                continue
            for direction in ("RX", "TX"):
                m = re.match(rf"\s+{direction} packets:(\d+) errors:(\d+) "
                             r"dropped:(\d+)", line)
                if m and cur is not None:
                    d = direction.lower()
                    cur[f"{d}_packets"] = int(m.group(1))
                    cur[f"{d}_errors"] = int(m.group(2))
                    cur[f"{d}_dropped"] = int(m.group(3))
            m = re.match(r"\s+vxlan socket: malformed:(\d+) unmatched:(\d+)",
                         line)
            if m and cur is not None:
                cur["malformed"] = int(m.group(1))
                cur["unmatched"] = int(m.group(2))
        return ports

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()
        self.err.close()
        return self.proc.returncode


def vxlan_arg(local, remote, vni=VNI):
    return (f"{TAG}vx:vxlan:remote_ip={remote},local_ip={local},key={vni},"
            f"dst_port=4789")


def build_topology():
    for ns in NS.values():
        sh(f"ip netns add {ns}")
    # Underlay between the hypervisors.
    sh(f"ip link add {TAG}u1 netns {NS['hv1']} type veth peer name {TAG}u2 "
       f"netns {NS['hv2']}")
    for hv, dev in (("hv1", f"{TAG}u1"), ("hv2", f"{TAG}u2")):
        nsx(hv, f"ip addr add {UNDERLAY[hv]}/24 dev {dev}")
        nsx(hv, f"ip link set {dev} up")
        nsx(hv, "ip link set lo up")
    # A host behind each hypervisor; the hypervisor end is the system port.
    for host, hv, port in (("h1", "hv1", f"{TAG}p1"), ("h2", "hv2", f"{TAG}p2")):
        sh(f"ip link add {TAG}eth netns {NS[host]} type veth peer name {port} "
           f"netns {NS[hv]}")
        nsx(host, f"ip link set {TAG}eth mtu {HOST_MTU}")
        nsx(host, f"ip addr add {HOSTS[host]}/24 dev {TAG}eth")
        nsx(host, f"ip link set {TAG}eth up")
        nsx(host, "ip link set lo up")
        nsx(hv, f"ip link set {port} mtu {HOST_MTU} up")


def teardown_topology():
    for ns in NS.values():
        sh(f"ip netns pids {ns} 2>/dev/null | xargs -r kill -9", check=False)
        sh(f"ip netns del {ns}", check=False)


@pytest.fixture
def topology():
    teardown_topology()
    try:
        build_topology()
        yield
    finally:
        teardown_topology()


@pytest.fixture
def switches(topology, tmp_path):
    made = []

    def start(ns, *ports):
        s = Switch(ns, list(ports), tmp_path)
        made.append(s)
        return s

    try:
        yield start
    finally:
        for s in made:
            s.stop()


def ping(src, dst, count=3, check=True):
    return nsx(src, f"ping -c {count} -i 0.2 -W 1 {HOSTS[dst]}", check=check,
               timeout=30)


def kernel_vxlan(vni):
    """hv2: the kernel's vxlan device and the host port in a Linux bridge."""
    nsx("hv2", f"ip link add {TAG}kvx type vxlan id {vni} "
        f"remote {UNDERLAY['hv1']} local {UNDERLAY['hv2']} dstport 4789")
    nsx("hv2", f"ip link add {TAG}br type bridge")
    nsx("hv2", f"ip link set {TAG}kvx master {TAG}br")
    nsx("hv2", f"ip link set {TAG}p2 master {TAG}br")
    for dev in (f"{TAG}kvx", f"{TAG}br"):
        nsx("hv2", f"ip link set {dev} up")


def test_vxlan_between_two_switches(switches):
    s1 = switches("hv1", f"{TAG}p1",
                  vxlan_arg(UNDERLAY["hv1"], UNDERLAY["hv2"]))
    s2 = switches("hv2", f"{TAG}p2",
                  vxlan_arg(UNDERLAY["hv2"], UNDERLAY["hv1"]))
    ping("h1", "h2")
    ping("h2", "h1")

    # On the underlay the frames travel as VXLAN with our VNI.
    cap = subprocess.Popen(
        ["ip", "netns", "exec", NS["hv2"], "tshark", "-i", f"{TAG}u2", "-c",
         "4", "-a", "duration:10", "-T", "fields", "-e", "vxlan.vni", "-e",
         "udp.dstport", "-f", "udp"], stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL, text=True)
    time.sleep(1.5)
    ping("h1", "h2", count=2)
    out, _ = cap.communicate(timeout=20)
    rows = [line.split("\t") for line in out.splitlines() if line.strip()]
    assert rows, "no VXLAN seen on the underlay"
    assert all(r[0] == str(VNI) and r[1] == "4789" for r in rows), rows

    # TCP across, with the hosts' offloads (TSO super-frames get segmented).
    server = subprocess.Popen(["ip", "netns", "exec", NS["h2"], "iperf3",
                               "-s", "-1"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        res = nsx("h1", f"iperf3 -c {HOSTS['h2']} -t 3 -J", timeout=30)
        data = json.loads(res.stdout)
        received = data["end"]["sum_received"]["bytes"]
        mbps = data["end"]["sum_received"]["bits_per_second"] / 1e6
        print(f"iperf3 TCP over vxlan: {mbps:.0f} Mbit/s")
        assert received > 1_000_000
        assert mbps > 10
    finally:
        server.kill()
        server.wait()

    st1, st2 = s1.stats(), s2.stats()
    vx1, vx2 = st1[f"{TAG}vx"], st2[f"{TAG}vx"]
    print(f"hv1: {st1}")
    assert vx1["tx_packets"] > 1000 and vx2["rx_packets"] > 1000
    assert vx1["rx_errors"] == vx2["rx_errors"] == 0
    assert vx1["malformed"] == vx2["malformed"] == 0


def test_vxlan_interop_with_kernel_vxlan(switches):
    s1 = switches("hv1", f"{TAG}p1",
                  vxlan_arg(UNDERLAY["hv1"], UNDERLAY["hv2"]))
    kernel_vxlan(VNI)
    ping("h1", "h2")
    ping("h2", "h1")
    vx = s1.stats()[f"{TAG}vx"]
    assert vx["rx_packets"] >= 3 and vx["tx_packets"] >= 3
    assert vx["rx_dropped"] == vx["rx_errors"] == 0


def test_vxlan_wrong_vni_is_dropped_and_counted(switches):
    s1 = switches("hv1", f"{TAG}p1",
                  vxlan_arg(UNDERLAY["hv1"], UNDERLAY["hv2"]))
    kernel_vxlan(VNI + 1)
    res = ping("h2", "h1", count=3, check=False)
    assert res.returncode != 0, "traffic crossed with the wrong VNI"
    vx = s1.stats()[f"{TAG}vx"]
    assert vx["rx_packets"] == 0
    assert vx["rx_dropped"] >= 1          # h2's ARP requests, at least
    assert vx["unmatched"] == vx["rx_dropped"]
    assert vx["rx_errors"] == 0


def test_vxlan_and_patch_via_vswitchd(switches, vswitchd_factory):
    """hv1 runs vswitchd, configured with vs-vsctl: br0 {host port, patch
    pa}, br1 {patch pb, vxlan}, both on the default NORMAL rule, so the
    path is host -> br0 -> patch -> br1 -> vxlan -> hv2's switch -> h2."""
    d = vswitchd_factory("hv1", netns=NS["hv1"]).start()
    d.vsctl("add-br", "br0")
    d.vsctl("add-br", "br1")
    d.vsctl("add-port", "br0", f"{TAG}p1")
    d.vsctl("add-port", "br0", f"{TAG}pa", "--", "set", "interface",
            f"{TAG}pa", "type=patch", f"options:peer={TAG}pb")
    d.vsctl("add-port", "br1", f"{TAG}pb", "--", "set", "interface",
            f"{TAG}pb", "type=patch", f"options:peer={TAG}pa")
    d.vsctl("add-port", "br1", f"{TAG}vx", "--", "set", "interface",
            f"{TAG}vx", "type=vxlan", f"options:remote_ip={UNDERLAY['hv2']}",
            f"options:key={VNI}")
    d.vsctl("add-port", "br1", f"{TAG}pc", "--", "set", "interface",
            f"{TAG}pc", "type=patch", "options:peer=nobody")
    switches("hv2", f"{TAG}p2", vxlan_arg(UNDERLAY["hv2"], UNDERLAY["hv1"]))

    ping("h1", "h2")
    ping("h2", "h1")
    show = d.appctl("dpctl/show", "-s").stdout
    assert f"{TAG}vx (vxlan: remote_ip={UNDERLAY['hv2']}, key={VNI})" in show
    assert f"{TAG}pa (patch: peer={TAG}pb)" in show
    counters = {}
    for m in re.finditer(r"port \d+: (\S+).*\n\s+RX packets:(\d+) errors:(\d+)"
                         r" dropped:(\d+).*\n\s+TX packets:(\d+)", show):
        counters[m.group(1)] = [int(x) for x in m.groups()[1:]]
    # Every ping crossed the pair both ways: tx on one end, rx on the other.
    assert counters[f"{TAG}pa"][3] >= 6 and counters[f"{TAG}pb"][0] >= 6
    assert counters[f"{TAG}vx"][0] >= 6 and counters[f"{TAG}vx"][3] >= 6
    assert counters[f"{TAG}vx"][1] == counters[f"{TAG}vx"][2] == 0

    # The patch port whose peer is missing says so in its error column.
    err = d.vsctl("get", "interface", f"{TAG}pc", "error").stdout
    assert "peer 'nobody' does not exist" in err, err
