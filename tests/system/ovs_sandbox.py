"""Debian's Open vSwitch 3.1, run privately as the reference peer of the
OpenFlow tests, and the two-host topology those tests build around either
switch.

  OvsSandbox(base, netns)   ovsdb-server + ovs-vswitchd with their own
                            db, run, log and sysconf directories under
                            `base` (OVS_RUNDIR/OVS_DBDIR/OVS_LOGDIR/
                            OVS_SYSCONFDIR point there), optionally inside
                            network namespace `netns`.  Same shape as
                            conftest.Vswitchd: start, stop, vsctl, appctl,
                            ofctl, log_text, mgmt(BRIDGE).
  Side                      one switch (kind "ovs" or "vswitch") in its own
                            namespace with bridge br0 (datapath_type=netdev)
                            and hosts h1, h2 on ports p1, p2 (ofport 1, 2).
  make_side(...)            context manager building a Side and tearing all
                            of it down.

Why the switch gets its own namespace: ovs-vswitchd's netdev datapath makes
a TAP device "ovs-netdev" and one per bridge, and at start it deletes the
kernel datapaths it does not know; inside a private namespace none of that
can reach another OVS or test.  The same namespace for vswitchd lets both
switches use the same bridge name, port names, MAC addresses and host
addresses, so their OpenFlow outputs compare without rewriting names.

Teardown kills only the pids this module started (read from its own
pidfiles) and deletes only the namespaces it made.
"""

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

from conftest import run, wait_until

OVS_SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
OVS_OFCTL = "ovs-ofctl"


class OvsSandbox:
    """Debian's ovsdb-server and ovs-vswitchd with private directories
    under `base`; `netns`: run both (and every tool) inside it."""

    kind = "ovs"

    def __init__(self, base, netns=None):
        self.base = Path(base)
        self.base.mkdir(parents=True, exist_ok=True)
        self.netns = netns
        self.dir = str(self.base)
        self.rundir = self.dir
        self.db = str(self.base / "conf.db")
        self.db_sock = str(self.base / "db.sock")
        self.pidfiles = {n: str(self.base / f"{n}.pid")
                         for n in ("ovsdb-server", "ovs-vswitchd")}
        self.started = {}       # daemon name -> pid we started

    def env(self):
        return {"OVS_RUNDIR": self.dir, "OVS_DBDIR": self.dir,
                "OVS_LOGDIR": self.dir, "OVS_SYSCONFDIR": self.dir,
                "OVS_PKGDATADIR": "/usr/share/openvswitch"}

    def _prefix(self):
        return ["ip", "netns", "exec", self.netns] if self.netns else []

    def _run(self, *cmd, check=True, timeout=30, input=None):
        return run(*self._prefix(), *cmd, check=check, timeout=timeout,
                   env=self.env(), input=input)

    # -- life cycle --

    def start(self):
        assert not self.started, "already started"
        if not os.path.exists(self.db):     # a restart keeps its db
            self._run("ovsdb-tool", "create", self.db, OVS_SCHEMA)
        self._run("ovsdb-server", self.db, f"--remote=punix:{self.db_sock}",
                  f"--pidfile={self.pidfiles['ovsdb-server']}",
                  f"--unixctl={self.dir}/ovsdb-server.ctl",
                  f"--log-file={self.dir}/ovsdb-server.log",
                  "-vconsole:off", "--detach", "--no-chdir")
        self._note_pid("ovsdb-server")
        self.vsctl("--no-wait", "init")
        self._run("ovs-vswitchd", f"unix:{self.db_sock}",
                  f"--pidfile={self.pidfiles['ovs-vswitchd']}",
                  f"--unixctl={self.dir}/ovs-vswitchd.ctl",
                  f"--log-file={self.dir}/ovs-vswitchd.log",
                  "-vconsole:off", "--detach", "--no-chdir")
        self._note_pid("ovs-vswitchd")
        wait_until(lambda: self.appctl("version", check=False).returncode
                   == 0, timeout=10, what="ovs-vswitchd up")
        return self

    def _note_pid(self, name):
        pid = int(Path(self.pidfiles[name]).read_text().strip())
        self.started[name] = pid

    def alive(self, name="ovs-vswitchd"):
        pid = self.started.get(name)
        if not pid:
            return False
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        # A pid could be reused after death: check it is still ours.
        with contextlib.suppress(OSError):
            exe = os.readlink(f"/proc/{pid}/exe")
            return exe.endswith(name)
        return False

    @property
    def pid(self):
        return self.started.get("ovs-vswitchd")

    def stop(self, timeout=10):
        """SIGTERM to the daemons we started (vswitchd first), SIGKILL to
        one still there after `timeout`."""
        for name in ("ovs-vswitchd", "ovsdb-server"):
            pid = self.started.get(name)
            if not pid or not self.alive(name):
                self.started.pop(name, None)
                continue
            os.kill(pid, signal.SIGTERM)
            deadline = time.time() + timeout
            while self.alive(name) and time.time() < deadline:
                time.sleep(0.05)
            if self.alive(name):
                os.kill(pid, signal.SIGKILL)
            self.started.pop(name, None)

    def log_text(self):
        text = ""
        for f in ("ovs-vswitchd.log", "ovsdb-server.log"):
            with contextlib.suppress(OSError):
                text += (self.base / f).read_text()
        return text

    # -- tools --

    def vsctl(self, *args, check=True, timeout=30):
        return self._run("ovs-vsctl", f"--db=unix:{self.db_sock}",
                         "--timeout=20", *args, check=check,
                         timeout=timeout)

    def appctl(self, *args, check=True, timeout=30):
        return self._run("ovs-appctl", "-t",
                         f"{self.dir}/ovs-vswitchd.ctl", *args,
                         check=check, timeout=timeout)

    def ofctl(self, *args, check=True, timeout=30, input=None):
        return self._run(OVS_OFCTL, *args, check=check, timeout=timeout,
                         input=input)

    def mgmt(self, bridge):
        return os.path.join(self.rundir, f"{bridge}.mgmt")


# -- the two-host topology around one switch --

class NsHost:
    """A host in namespace `ns` with eth0 (`ip`, `mac`) cabled to port
    `port` of the switch namespace."""

    def __init__(self, ns, ip, mac, port, ofport):
        self.ns, self.ip, self.mac, self.port, self.ofport = \
            ns, ip, mac, port, ofport
        self.ifname = "eth0"

    @property
    def addr(self):
        return self.ip.split("/")[0]

    def run(self, *cmd, check=True, timeout=60, input=None):
        return run("ip", "netns", "exec", self.ns, *cmd, check=check,
                   timeout=timeout, input=input)

    def popen(self, *cmd, **kw):
        return subprocess.Popen(["ip", "netns", "exec", self.ns, *cmd], **kw)

    def ping(self, dst, count=3, interval=0.2, wait=1, check=True):
        return self.run("ping", "-c", str(count), "-i", str(interval),
                        "-W", str(wait), dst, check=check)


class Side:
    """One switch with br0 and its hosts.  `kind` is "ovs" or "vswitch";
    `sw` the OvsSandbox or conftest.Vswitchd; `ns` the switch's namespace
    (every OpenFlow tool runs there, so tcp:127.0.0.1 reaches the switch's
    listeners)."""

    def __init__(self, kind, sw, ns, bridge, clientdir):
        self.kind, self.sw, self.ns, self.br = kind, sw, ns, bridge
        self.hosts = []
        # ovs-ofctl monitor/snoop open a control socket in OVS_RUNDIR:
        # a private one, never the system's /var/run/openvswitch.
        self.clientdir = str(clientdir)
        os.makedirs(self.clientdir, exist_ok=True)
        self.env = {"OVS_RUNDIR": self.clientdir,
                    "OVS_LOGDIR": self.clientdir}

    def vsctl(self, *args, check=True):
        return self.sw.vsctl(*args, check=check)

    @property
    def mgmt(self):
        """The bridge's management socket (RUNDIR/BRIDGE.mgmt)."""
        return os.path.join(self.sw.rundir, f"{self.br}.mgmt")

    def ofctl(self, *args, check=True, timeout=30, input=None):
        """Debian's ovs-ofctl ARGS, run in the switch's namespace (both
        switches are driven by the same client)."""
        return self.run(OVS_OFCTL, *args, check=check, timeout=timeout,
                        input=input)

    def run(self, *cmd, check=True, timeout=60, input=None):
        """cmd in the switch's namespace (OVS_RUNDIR: the client dir)."""
        return run("ip", "netns", "exec", self.ns, *cmd, check=check,
                   timeout=timeout, input=input, env=self.env)

    def popen(self, *cmd, **kw):
        env = dict(os.environ)
        env.update(self.env)
        return subprocess.Popen(["ip", "netns", "exec", self.ns, *cmd],
                                env=env, **kw)

    def alive(self):
        if isinstance(self.sw, OvsSandbox):
            return self.sw.alive()
        return self.sw.proc is not None and self.sw.proc.poll() is None

    def log_text(self):
        return self.sw.log_text()


def _del_ns(ns):
    subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def _quiet_ns(ns):
    """No IPv6 in namespace `ns` (set before its devices exist, so none
    sends router solicitations or MLD): the tests count exact packets."""
    for knob in ("all", "default"):
        run("ip", "netns", "exec", ns, "sysctl", "-qw",
            f"net.ipv6.conf.{knob}.disable_ipv6=1")


HOST_MAC = "02:00:00:00:{:02x}:{:02x}"   # .format(side_no, index)


@contextlib.contextmanager
def make_side(kind, tag, factory, nhosts=2, static_arp=True, bridge="br0",
              bridge_settings=(), net="10.0.0"):
    """A switch of `kind` ("ovs" or "vswitch"; `factory` is the
    ovs_sandbox_factory or vswitchd_factory fixture) in namespace
    `{tag}{ovs|vs}` with bridge `bridge` (datapath_type=netdev;
    `bridge_settings`: more `set bridge` column=value arguments, applied
    before the ports are added) and `nhosts` hosts `{tag}{ovs|vs}h{i}`
    (eth0 = net.i/24, MAC 02:00:00:00:01:0i) cabled to ports p{i}
    (ofport_request i, MAC 02:00:00:00:02:0i).  Same names and addresses
    on both kinds: they live in different namespaces.  With `static_arp`
    every host knows every other's MAC (no ARP on the wire: counters are
    exact)."""
    short = "ovs" if kind == "ovs" else "vs"
    swns = f"{tag}{short}"
    hostns = [f"{tag}{short}h{i}" for i in range(1, nhosts + 1)]
    for ns in [swns] + hostns:
        _del_ns(ns)
    sw = None
    try:
        run("ip", "netns", "add", swns)
        _quiet_ns(swns)
        run("ip", "netns", "exec", swns, "ip", "link", "set", "lo", "up")
        hosts = []
        for i, ns in enumerate(hostns, 1):
            run("ip", "netns", "add", ns)
            _quiet_ns(ns)
            hmac = HOST_MAC.format(1, i)
            pmac = HOST_MAC.format(2, i)
            run("ip", "link", "add", "name", f"p{i}", "address", pmac,
                "netns", swns, "type", "veth", "peer", "name", "eth0",
                "address", hmac, "netns", ns)
            run("ip", "netns", "exec", ns, "ip", "addr", "add",
                f"{net}.{i}/24", "dev", "eth0")
            run("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up")
            run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
            run("ip", "netns", "exec", swns, "ip", "link", "set", f"p{i}",
                "up")
            hosts.append(NsHost(ns, f"{net}.{i}/24", hmac, f"p{i}", i))
        if static_arp:
            for h in hosts:
                for o in hosts:
                    if o is not h:
                        h.run("ip", "neigh", "replace", o.addr, "lladdr",
                              o.mac, "dev", "eth0", "nud", "permanent")
        sw = factory(kind, netns=swns).start()
        side = Side(kind, sw, swns, bridge, Path(sw.base) / "client")
        side.hosts = hosts
        side.vsctl("add-br", bridge)
        side.vsctl("set", "bridge", bridge, "datapath_type=netdev",
                   *bridge_settings)
        for h in hosts:
            side.vsctl("add-port", bridge, h.port, "--", "set", "Interface",
                       h.port, f"ofport_request={h.ofport}")
        wait_until(lambda: os.path.exists(side.mgmt), timeout=10,
                   what=f"{side.mgmt}")
        wait_until(lambda: _ports_up(side), timeout=10,
                   what=f"{kind}: ports of {bridge} in OpenFlow")
        yield side
    finally:
        try:
            if sw is not None:
                # Stopped here (the factory would stop it later, but its
                # namespace goes now); a failure to stop is the test's.
                sw.stop()
        finally:
            for ns in hostns + [swns]:
                _del_ns(ns)


@contextlib.contextmanager
def make_sides(kind, tag, vswitchd_factory, ovs_sandbox_factory,
               reference=True, **kw):
    """The sides a test parametrised on `kind` runs: [ovs] for "ovs"
    (the reference alone: its checks must hold on Debian's OVS), and
    [ovs, vswitch] for "vswitch" (the same checks, plus vswitch's
    outputs compared with OVS's line by line).

    OFP_PEER_SELFTEST=1 in the environment puts a second OVS sandbox in
    vswitchd's place: the comparison of OVS with itself shows that the
    normalisers leave nothing that varies from run to run.
    reference=False: [vswitch] alone (a test whose expectations are
    constants verified on OVS by its [ovs] form)."""
    with contextlib.ExitStack() as stack:
        sides = []
        if kind == "ovs" or reference:
            sides.append(stack.enter_context(
                make_side("ovs", tag, ovs_sandbox_factory, **kw)))
        if kind == "vswitch":
            factory = vswitchd_factory
            if os.environ.get("OFP_PEER_SELFTEST") == "1":
                factory = ovs_sandbox_factory
            sides.append(stack.enter_context(
                make_side("vswitch", tag, factory, **kw)))
        yield sides


def _ports_up(side):
    """True once ovs-ofctl show lists every host port with its number."""
    p = side.ofctl("show", side.mgmt, check=False, timeout=10)
    if p.returncode != 0:
        return False
    return all(f" {h.ofport}({h.port}):" in p.stdout for h in side.hosts)


# -- comparing outputs --

def compare(ref, got, what):
    """Fails unless `got` (vswitch's normalised output) equals `ref`
    (OVS's), showing both line by line."""
    if ref == got:
        return
    import difflib
    diff = "\n".join(difflib.unified_diff(
        ref.splitlines(), got.splitlines(), "ovs", "vswitch", lineterm=""))
    raise AssertionError(f"{what}: vswitch differs from OVS:\n{diff}")


class Capture:
    """tcpdump -e on a host's eth0 with filter `bpf`, stopped on exit;
    `lines` holds what it printed."""

    def __init__(self, host, bpf):
        self.host, self.bpf = host, bpf
        self.lines = []

    def __enter__(self):
        self.proc = self.host.popen(
            "tcpdump", "-l", "-nn", "-e", "-i", "eth0", self.bpf,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(5):
            line = self.proc.stderr.readline()
            if "listening" in line or not line:
                break
        assert "listening" in line, line
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.proc.poll() is None:
            time.sleep(0.3)
            self.proc.terminate()
        out, _ = self.proc.communicate(timeout=10)
        self.lines = [line for line in out.splitlines() if line.strip()]
        return self.lines
