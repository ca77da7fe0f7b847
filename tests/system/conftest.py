"""Shared fixtures and helpers for the system tests (run as root).

What they give a test:

  vswitchd            a running daemon with a scratch configuration:
                      d = vswitchd; d.vsctl("add-br", "br0"); d.appctl("version")
                      Stopped (SIGTERM, then SIGKILL if it hangs) after the test.
  vswitchd_factory    makes more daemons (or restarts): d = vswitchd_factory("a")
                      -> not started; d.start(); d.stop(); d.start() again ...
                      Every daemon it made is stopped after the test.
  Vswitchd            the class behind both (db, rundir, log paths; start, stop,
                      kill9, appctl, vsctl, dpctl, ofctl, log_text).
  ovs_sandbox_factory makes Debian OVS 3.1 sandboxes (ovs_sandbox.py), the
                      reference peer of the OpenFlow tests; stopped after.
  netns_host(...)     context manager: a host in its own network namespace
                      joined to the root namespace by a veth pair.
  run(cmd...)         subprocess.run with text output, raising on failure
                      when check=True, with the output in the error message.

Naming: every namespace and device a test creates must start with a short
tag unique to its test file (other tests run in parallel); pass it as `tag`.
Binaries come from build/ (`make all` first; `make system` does it), or
from the directory $VS_BUILD names (e.g. build-san after `make SAN=1 all`).
"""

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# VS_BUILD=build-san runs the same tests against the sanitizer build.
BUILD = REPO / os.environ.get("VS_BUILD", "build")


def binary(name):
    """Path of a built program (build/NAME); skips nothing: a missing
    binary is a failure of the build, reported by the caller's run."""
    return str(BUILD / name)


def run(*cmd, check=True, timeout=60, env=None, input=None, cwd=None):
    """Runs cmd (strings; a single string is run through the shell) and
    returns the CompletedProcess (stdout/stderr as text).  With check, a
    non-zero exit raises AssertionError showing the command and output."""
    shell = len(cmd) == 1 and isinstance(cmd[0], str) and " " in cmd[0]
    args = cmd[0] if shell else [str(c) for c in cmd]
    full_env = None
    if env:
        full_env = dict(os.environ)
        full_env.update(env)
    p = subprocess.run(args, shell=shell, capture_output=True, text=True,
                       timeout=timeout, env=full_env, input=input,
                       cwd=cwd)
    if check and p.returncode != 0:
        raise AssertionError(
            f"command failed ({p.returncode}): {args}\n"
            f"stdout:\n{p.stdout}\nstderr:\n{p.stderr}")
    return p


class Vswitchd:
    """One vswitchd with its own db file, run directory and log file under
    `base`.  `netns`: run it inside that network namespace."""

    def __init__(self, base, name="vswitchd", netns=None):
        self.base = Path(base)
        self.base.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.netns = netns
        self.db = str(self.base / "conf.db")
        self.rundir = str(self.base / "run")
        self.log = str(self.base / "vswitchd.log")
        self.ctl = os.path.join(self.rundir, "vswitchd.ctl")
        self.pidfile = os.path.join(self.rundir, "vswitchd.pid")
        self.proc = None

    # -- life cycle --

    def _prefix(self):
        return ["ip", "netns", "exec", self.netns] if self.netns else []

    def start(self, *extra, timeout=10):
        """Starts the daemon (in the foreground, as our child) and returns
        once its control socket answers `version`."""
        assert self.proc is None, "already started"
        cmd = self._prefix() + [
            binary("vswitchd"), f"--db={self.db}", f"--rundir={self.rundir}",
            "--pidfile", f"--log-file={self.log}", *extra]
        self._stderr = open(self.base / "vswitchd.stderr", "a")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                                     stderr=self._stderr)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                self.proc = None
                raise AssertionError(
                    f"vswitchd exited at start ({code}):\n{self.log_text()}")
            if os.path.exists(self.ctl):
                p = self.appctl("version", check=False, timeout=2)
                if p.returncode == 0:
                    return self
            time.sleep(0.05)
        self.kill9()
        raise AssertionError(f"vswitchd did not come up:\n{self.log_text()}")

    def stop(self, timeout=10):
        """SIGTERM and wait for a clean exit; returns the exit status
        (SIGKILL after `timeout` seconds, and then fails the test)."""
        if self.proc is None:
            self.check_sanitizers()
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            raise AssertionError(
                f"vswitchd ignored SIGTERM:\n{self.log_text()}")
        self.proc = None
        self._stderr.close()
        self.check_sanitizers()
        return code

    def check_sanitizers(self):
        """Fails when the daemon's stderr holds an ASan/UBSan/LSan report
        (a VS_BUILD=build-san run)."""
        with contextlib.suppress(OSError):
            text = (self.base / "vswitchd.stderr").read_text()
            for mark in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                         "runtime error:"):
                if mark in text:
                    raise AssertionError(f"sanitizer report:\n{text}")

    def kill9(self):
        """SIGKILL: a crash.  The socket and pidfile stay behind."""
        if self.proc is None:
            return
        self.proc.kill()
        self.proc.wait()
        self.proc = None
        self._stderr.close()

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def log_text(self):
        text = ""
        for f in (self.log, self.base / "vswitchd.stderr"):
            with contextlib.suppress(OSError):
                text += Path(f).read_text()
        return text

    # -- tools --

    def _env(self):
        return {"VS_RUNDIR": self.rundir, "VS_DB": self.db}

    def appctl(self, *args, check=True, timeout=30):
        """vs-appctl -t RUNDIR/vswitchd.ctl ARGS."""
        return run(*self._prefix(), binary("vs-appctl"), "-t", self.ctl,
                   *args, check=check, timeout=timeout)

    def vsctl(self, *args, check=True, timeout=30):
        """vs-vsctl --db=DB ARGS, with VS_RUNDIR set so that it goes
        through this daemon; returns the CompletedProcess."""
        return run(*self._prefix(), binary("vs-vsctl"), f"--db={self.db}",
                   *args, check=check, timeout=timeout, env=self._env())

    def dpctl(self, *args, check=True, timeout=30):
        """vs-dpctl --rundir=RUNDIR ARGS."""
        return run(*self._prefix(), binary("vs-dpctl"),
                   f"--rundir={self.rundir}", *args, check=check,
                   timeout=timeout)

    def ofctl(self, *args, check=True, timeout=30):
        """vs-ofctl ARGS, with VS_RUNDIR set (bridge sockets live there)."""
        return run(*self._prefix(), binary("vs-ofctl"), *args, check=check,
                   timeout=timeout, env=self._env())


@pytest.fixture
def vswitchd_factory(tmp_path):
    """Makes Vswitchd objects (not started) under the test's tmp_path;
    stops whatever is still running at the end."""
    made = []

    def make(name="vswitchd", netns=None):
        d = Vswitchd(tmp_path / name, name=name, netns=netns)
        made.append(d)
        return d

    yield make
    errors = []
    for d in made:
        try:
            d.stop()
        except AssertionError as e:
            errors.append(str(e))
    assert not errors, "\n".join(errors)


@pytest.fixture
def vswitchd(vswitchd_factory):
    """A started vswitchd with an empty configuration."""
    return vswitchd_factory().start()


@pytest.fixture
def ovs_sandbox_factory(tmp_path):
    """Makes Debian-OVS sandboxes (tests/system/ovs_sandbox.py), not
    started, as vswitchd_factory makes daemons: sb = factory("ovs",
    netns=NS); sb.start(); sb.vsctl(...); sb.ofctl(...).  Every daemon
    a sandbox started is stopped after the test (only those)."""
    from ovs_sandbox import OvsSandbox  # here: it imports this module
    made = []

    def make(name="ovs", netns=None):
        sb = OvsSandbox(tmp_path / name, netns=netns)
        made.append(sb)
        return sb
    yield make
    for sb in made:
        sb.stop()


# -- network namespace hosts --

class Host:
    """A host in network namespace `ns`: its interface `ifname` (inside)
    has address `ip` (CIDR); `peer` is the veth end left in the root
    namespace, to be added to a bridge as a system port."""

    def __init__(self, ns, ifname, peer, ip, mac):
        self.ns, self.ifname, self.peer, self.ip, self.mac = \
            ns, ifname, peer, ip, mac

    @property
    def addr(self):
        return self.ip.split("/")[0]

    def run(self, *cmd, check=True, timeout=60):
        """Runs cmd inside the namespace."""
        return run("ip", "netns", "exec", self.ns, *cmd, check=check,
                   timeout=timeout)

    def ping(self, dst, count=3, interval=0.2, wait=1, check=True):
        return self.run("ping", "-c", str(count), "-i", str(interval),
                        "-W", str(wait), dst, check=check)


def _cleanup_host(ns, peer):
    subprocess.run(["ip", "netns", "del", ns], capture_output=True)
    subprocess.run(["ip", "link", "del", peer], capture_output=True)


@contextlib.contextmanager
def netns_host(tag, index, ip, mtu=None):
    """A host `{tag}h{index}` in its own namespace with interface `eth0`
    (address `ip`, e.g. "10.0.0.1/24"), linked by a veth pair to
    `{tag}p{index}` in the root namespace (up, no address).  Deleted on
    exit, even after a failure."""
    ns = f"{tag}h{index}"
    peer = f"{tag}p{index}"
    inner = f"{tag}i{index}"
    _cleanup_host(ns, peer)     # leftovers of an interrupted run
    try:
        run("ip", "netns", "add", ns)
        run("ip", "link", "add", peer, "type", "veth", "peer", "name", inner)
        run("ip", "link", "set", inner, "netns", ns)
        run("ip", "netns", "exec", ns, "ip", "link", "set", inner, "name",
            "eth0")
        run("ip", "netns", "exec", ns, "ip", "addr", "add", ip, "dev",
            "eth0")
        run("ip", "netns", "exec", ns, "ip", "link", "set", "eth0", "up")
        run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
        run("ip", "link", "set", peer, "up")
        if mtu:
            run("ip", "link", "set", peer, "mtu", str(mtu))
            run("ip", "netns", "exec", ns, "ip", "link", "set", "eth0",
                "mtu", str(mtu))
        inner_mac = run("ip", "netns", "exec", ns, "cat",
                        "/sys/class/net/eth0/address").stdout.strip()
        yield Host(ns, "eth0", peer, ip, inner_mac)
    finally:
        _cleanup_host(ns, peer)


@contextlib.contextmanager
def netns(name):
    """A bare network namespace `name` (lo up), deleted on exit."""
    subprocess.run(["ip", "netns", "del", name], capture_output=True)
    try:
        run("ip", "netns", "add", name)
        run("ip", "netns", "exec", name, "ip", "link", "set", "lo", "up")
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True)


def wait_until(cond, timeout=10.0, interval=0.05, what="condition"):
    """Polls cond() until it returns a true value (returned) or fails the
    test after `timeout` seconds."""
    deadline = time.time() + timeout
    while True:
        value = cond()
        if value:
            return value
        if time.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


@pytest.fixture
def switch():
    """Starts tools/dp-switch hubs (tests/system/dpswitch.py); each still
    running at the end is killed."""
    from dpswitch import DpSwitch   # here: dpswitch imports this module
    started = []

    def make(*ports):
        sw = DpSwitch(*ports)
        started.append(sw)
        return sw
    yield make
    for sw in started:
        sw.kill()


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "soak: a long form, collected only under `make soak` "
        "(SOAK=1)")


def pytest_collection_modifyitems(config, items):
    """Long forms (@pytest.mark.soak) run only with SOAK=1 (`make soak`):
    deselected otherwise, so the normal suite neither runs nor skips them."""
    if os.environ.get("SOAK") == "1":
        return
    long_forms = [i for i in items if i.get_closest_marker("soak")]
    if long_forms:
        config.hook.pytest_deselected(items=long_forms)
        items[:] = [i for i in items if not i.get_closest_marker("soak")]
