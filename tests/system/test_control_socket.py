"""The control socket under hostile peers (issue 9, defect 1 and its fault
test): held connections, partial requests, slow clients and garbage must
never keep a well-behaved client (vs-appctl, vs-vsctl) from an answer
within a second, nor leak the daemon's file descriptors.

Tag: "ctls" (the bridges these tests add, and so their internal ports)."""

import os
import random
import resource
import selectors
import socket
import threading
import time

from conftest import binary, run

PARTIAL = b'{"id":1,"method":"version","params":['
REQUEST = b'{"id":7,"method":"version","params":[]}'
# unixctl.h: UNIXCTL_REQUEST_TIMEOUT_MS, UNIXCTL_MAX_CONNS.
REQUEST_TIMEOUT = 5.0
MAX_CONNS = 512


def connect(ctl, blocking=True):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(blocking)
    s.connect(ctl)
    return s


def timed_appctl(d, *args):
    """vs-appctl ARGS: (CompletedProcess, seconds it took)."""
    t0 = time.monotonic()
    p = d.appctl(*args, check=False, timeout=10)
    return p, time.monotonic() - t0


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def errors_in_log(d):
    """Log lines at ERR/EMER, and WARN lines not from the control socket."""
    bad = []
    for line in d.log_text().splitlines():
        parts = line.split("|")
        if len(parts) < 5:
            continue
        module, level = parts[2], parts[3]
        if level in ("ERR", "EMER") or (level == "WARN"
                                        and module != "unixctl"):
            bad.append(line)
    return bad


def test_held_partial_connections_do_not_lock_out(vswitchd):
    """The issue's reproduction: 64 connections, each holding half a
    request, used to take every slot; version, vs-vsctl and exit must
    still be answered at once."""
    held = [connect(vswitchd.ctl) for _ in range(64)]
    try:
        for s in held:
            s.sendall(PARTIAL)
        time.sleep(0.2)   # the daemon has accepted them all
        p, took = timed_appctl(vswitchd, "version")
        assert p.returncode == 0, p.stderr
        assert p.stdout.startswith("vswitchd"), p.stdout
        assert took < 1.0, f"version took {took:.2f}s"
        t0 = time.monotonic()
        vswitchd.vsctl("add-br", "ctlsbr0")
        assert "ctlsbr0" in vswitchd.vsctl("list-br").stdout
        assert time.monotonic() - t0 < 2.0
        p, took = timed_appctl(vswitchd, "exit")
        assert p.returncode == 0, p.stderr
        assert took < 1.0, f"exit took {took:.2f}s"
        assert vswitchd.proc.wait(timeout=5) == 0
        vswitchd.proc = None
    finally:
        for s in held:
            s.close()


def test_ovs_appctl_past_held_connections(vswitchd):
    """Debian's ovs-appctl gets through too."""
    held = [connect(vswitchd.ctl) for _ in range(100)]
    try:
        for s in held:
            s.sendall(PARTIAL)
        t0 = time.monotonic()
        p = run("ovs-appctl", "-t", vswitchd.ctl, "version", timeout=10)
        assert p.stdout.startswith("vswitchd")
        assert time.monotonic() - t0 < 1.0
    finally:
        for s in held:
            s.close()


def test_partial_request_times_out(vswitchd):
    """Half a request is answered with an error and closed after the
    request timeout, neither at once nor never."""
    s = connect(vswitchd.ctl)
    try:
        s.sendall(PARTIAL)
        t0 = time.monotonic()
        s.settimeout(REQUEST_TIMEOUT + 3)
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        took = time.monotonic() - t0
    finally:
        s.close()
    assert b"request timed out" in data, data
    assert REQUEST_TIMEOUT - 0.5 <= took <= REQUEST_TIMEOUT + 2, took


def test_many_connections_evict_the_oldest(vswitchd):
    """More idle connections than the bound: the oldest are closed to make
    room and every new client is still served."""
    held = []
    try:
        for _ in range(MAX_CONNS + 50):
            held.append(connect(vswitchd.ctl))
        p, took = timed_appctl(vswitchd, "version")
        assert p.returncode == 0 and took < 1.0, (p.stderr, took)
        # The first ones were evicted: they read EOF.
        held[0].settimeout(2)
        assert held[0].recv(100) == b""
        # The most recent ones are still open (no EOF pending).
        held[-1].setblocking(False)
        try:
            held[-1].recv(100)
            raise AssertionError("newest connection was closed")
        except BlockingIOError:
            pass
    finally:
        for s in held:
            s.close()


class Storm:
    """Peers that misbehave, driven from one thread with a selector: `slow`
    ones send a request one byte per 100 ms (and read the answer),
    `garbage` ones send random bytes, `hold` ones send half a request and
    wait.  Each reconnects when the daemon closes it."""

    def __init__(self, ctl, n_slow, n_garbage, n_hold):
        self.ctl = ctl
        self.kinds = ["slow"] * n_slow + ["garbage"] * n_garbage + \
            ["hold"] * n_hold
        self.stop = threading.Event()
        self.sel = selectors.DefaultSelector()
        self.conns = {}        # socket -> [kind, bytes sent]
        self.pending = []      # (time to reconnect, kind)
        self.answered = 0      # slow requests answered
        self.refused = 0       # slow requests answered with an error
        self.closed_by_daemon = 0
        self.connects = 0
        self.rng = random.Random(9)

    def open(self, kind):
        try:
            s = connect(self.ctl, blocking=False)
        except (BlockingIOError, ConnectionRefusedError, OSError):
            self.pending.append((time.monotonic() + 0.05, kind))
            return
        self.connects += 1
        self.conns[s] = [kind, 0]
        self.sel.register(s, selectors.EVENT_READ)
        if kind == "hold":
            self.send(s, PARTIAL)

    def send(self, s, data):
        try:
            s.send(data)
        except (BlockingIOError, OSError):
            pass

    def drop(self, s, by_daemon):
        kind = self.conns.pop(s)[0]
        self.sel.unregister(s)
        s.close()
        self.closed_by_daemon += by_daemon
        self.pending.append((time.monotonic() + 0.05, kind))

    def tick(self):
        """Every 100 ms: one more byte from each slow peer, a burst from
        each garbage peer."""
        for s, state in list(self.conns.items()):
            kind, sent = state
            if kind == "slow" and sent < len(REQUEST):
                self.send(s, REQUEST[sent:sent + 1])
                state[1] += 1
            elif kind == "garbage":
                self.send(s, bytes(self.rng.randrange(256)
                                   for _ in range(32)))

    def read(self, s):
        try:
            data = s.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.drop(s, by_daemon=True)
        elif self.conns[s][0] == "slow" and b'"result"' in data:
            self.answered += 1
            self.drop(s, by_daemon=False)
        elif self.conns[s][0] == "slow" and b'"error"' in data:
            self.refused += 1
            self.drop(s, by_daemon=True)

    def run(self):
        for kind in self.kinds:
            self.open(kind)
        next_tick = time.monotonic()
        while not self.stop.is_set():
            now = time.monotonic()
            if now >= next_tick:
                self.tick()
                next_tick = now + 0.1
            due = [k for t, k in self.pending if t <= now]
            self.pending = [(t, k) for t, k in self.pending if t > now]
            for kind in due:
                self.open(kind)
            for key, _ in self.sel.select(timeout=0.02):
                if key.fileobj in self.conns:
                    self.read(key.fileobj)
        for s in list(self.conns):
            self.sel.unregister(s)
            s.close()
        self.conns.clear()


def raw_call(ctl):
    """One request over a fresh connection: seconds until its reply."""
    t0 = time.monotonic()
    s = connect(ctl)
    try:
        s.settimeout(5)
        s.sendall(REQUEST)
        data = b""
        while b"}" not in data:
            chunk = s.recv(4096)
            assert chunk, "closed without a reply"
            data += chunk
    finally:
        s.close()
    assert b'"result":"vswitchd' in data, data
    return time.monotonic() - t0


def test_storm_of_hostile_clients(vswitchd):
    """1,000 concurrent peers (slow, garbage, holding) for about 12 s: a
    well-behaved client is answered within 1 s throughout; afterwards the
    daemon's fds are back where they were and the log holds no error."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 4096:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard), hard))
    pid = vswitchd.pid
    vswitchd.vsctl("add-br", "ctlsbr1")
    vswitchd.appctl("version")
    fds_before = fd_count(pid)

    storm = Storm(vswitchd.ctl, n_slow=400, n_garbage=300, n_hold=300)
    thread = threading.Thread(target=storm.run, daemon=True)
    thread.start()
    worst = []
    peak_fds = 0
    try:
        time.sleep(1.0)
        deadline = time.monotonic() + 12
        while time.monotonic() < deadline:
            p, took = timed_appctl(vswitchd, "version")
            assert p.returncode == 0, p.stderr
            worst.append(took)
            worst.append(raw_call(vswitchd.ctl))
            peak_fds = max(peak_fds, fd_count(pid))
            time.sleep(0.2)
            t0 = time.monotonic()
            assert vswitchd.vsctl("list-br").stdout == "ctlsbr1\n"
            worst.append(time.monotonic() - t0)
    finally:
        storm.stop.set()
        thread.join(timeout=10)
    assert max(worst) < 1.0, f"slowest answer {max(worst):.2f}s"
    # The storm was real: many connections at once, and peers closed by the
    # daemon (garbage at once, holders at the request timeout, and the
    # oldest idle ones -- slow peers among them -- evicted when 1,000 peers
    # want 512 places).  Slow peers are not promised an answer under such a
    # flood; a steady slow client alone is (test_unixctl's
    # test_active_connection_lives).
    assert peak_fds > 400, peak_fds
    assert storm.closed_by_daemon > 300, storm.closed_by_daemon

    # No fd leak: once the peers are gone, the count returns.
    deadline = time.monotonic() + 5
    while fd_count(pid) > fds_before and time.monotonic() < deadline:
        vswitchd.appctl("version")
        time.sleep(0.1)
    assert fd_count(pid) <= fds_before, (fd_count(pid), fds_before)
    assert vswitchd.appctl("version").stdout.startswith("vswitchd")
    assert errors_in_log(vswitchd) == []
