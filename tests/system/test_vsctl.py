"""vs-vsctl against its store directly (no daemon: --rundir is an empty
directory), as a user runs it: the seed's commands and `show`, errors that
change nothing, persistence, crash safety under kill -9; and, with a
(fake) daemon socket listening, that the command line goes to it."""

import json
import random
import re
import signal
import socket
import subprocess
import threading
import time

import pytest

from conftest import binary

UUID_RE = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


class Vsctl:
    """Runs vs-vsctl on one private store."""

    def __init__(self, tmp_path):
        self.db = tmp_path / "conf.db"
        self.rundir = tmp_path / "run"
        self.rundir.mkdir()

    def argv(self, *args):
        return [binary("vs-vsctl"), f"--db={self.db}",
                f"--rundir={self.rundir}", *args]

    def run(self, *args, check=True):
        p = subprocess.run(self.argv(*args), capture_output=True, text=True,
                           timeout=30)
        if check and p.returncode != 0:
            raise AssertionError(f"vs-vsctl {args} failed ({p.returncode}): "
                                 f"{p.stderr}")
        return p

    def out(self, *args):
        return self.run(*args).stdout

    def state(self):
        """Everything the store holds, as text."""
        return self.out("show", "--", "list", "Open_vSwitch", "--", "list",
                        "Bridge", "--", "list", "Port", "--", "list",
                        "Interface", "--", "list", "Controller")


@pytest.fixture
def vs(tmp_path):
    return Vsctl(tmp_path)


def seed(vs):
    vs.run("add-br", "ovs-switch")
    vs.run("add-port", "ovs-switch", "p0", "--", "set", "Interface", "p0",
           "ofport_request=100")
    vs.run("set", "Interface", "p0", "type=internal")


def test_seed_commands_show(vs):
    seed(vs)
    lines = vs.out("show").splitlines()
    root_uuid = vs.out("get", "Open_vSwitch", ".", "_uuid").strip()
    assert re.fullmatch(UUID_RE, lines[0]) and lines[0] == root_uuid
    # Ports are printed in uuid order, as ovs-vsctl prints them.
    port_uuid = {name: vs.out("get", "Port", name, "_uuid").strip()
                 for name in ("ovs-switch", "p0")}
    order = sorted(port_uuid, key=port_uuid.get)
    expected = ["    Bridge ovs-switch"]
    for name in order:
        expected += [f"        Port {name}",
                     f"            Interface {name}",
                     "                type: internal"]
    assert lines[1:] == expected
    assert vs.out("get", "Interface", "p0", "ofport_request") == "100\n"
    assert vs.out("list-ports", "ovs-switch") == "p0\n"
    assert vs.out("port-to-br", "p0") == "ovs-switch\n"


def test_show_shape_with_options(vs):
    vs.run("add-br", "br0", "--", "set", "Bridge", "br0", "fail_mode=secure",
           "datapath_type=netdev")
    vs.run("add-port", "br0", "v1", "tag=10", "--", "add-port", "br0", "pp",
           "trunks=1,2", "--", "set", "Interface", "pp", "type=patch",
           "options:peer=pq")
    vs.run("set", "Interface", "v1", 'error="could not open network device '
           'v1 (No such device)"')
    text = vs.out("show")
    assert text.splitlines()[1:4] == ["    Bridge br0",
                                      "        fail_mode: secure",
                                      "        datapath_type: netdev"]
    assert ("        Port v1\n"
            "            tag: 10\n"
            "            Interface v1\n"
            '                error: "could not open network device v1 '
            '(No such device)"\n') in text
    assert ("        Port pp\n"
            "            trunks: [1, 2]\n"
            "            Interface pp\n"
            "                type: patch\n"
            "                options: {peer=pq}\n") in text


BAD_COMMANDS = [
    (["add-br", "ovs-switch"], "cannot create a bridge named ovs-switch "
     "because a bridge named ovs-switch already exists"),
    (["add-port", "br9", "x"], "no bridge named br9"),
    (["add-port", "ovs-switch", "p0"], "cannot create a port named p0 "
     "because a port named p0 already exists on bridge ovs-switch"),
    (["add-br", "br1", "--", "add-port", "br1", "p0"], "cannot create a port "
     "named p0 because a port named p0 already exists on bridge ovs-switch"),
    (["del-br", "br9"], "no bridge named br9"),
    (["del-port", "zz"], "no port named zz"),
    (["set", "Interface", "p0", "nosuchcol=1"], "Interface does not contain "
     "a column whose name matches \"nosuchcol\""),
    (["set", "Port", "p0", "tag=abc"], "\"abc\" is not a valid integer or "
     "range"),
    (["set", "Interface", "p0", "ofport_request=0"], "constraint violation: "
     "0 is not in the valid range 1 to 65279 (inclusive)"),
    (["set", "Interface", "p0", "ofport_request=65280"], "constraint "
     "violation: 65280 is not in the valid range 1 to 65279 (inclusive)"),
    (["add-port", "ovs-switch", "p1", "--", "set", "Interface", "p1",
      "ofport_request=100"], "ofport_request 100 of interface p1 is already "
     "used by interface p0"),
    (["set", "Nosuch", "p0", "a=b"], "unknown table \"Nosuch\""),
    (["frobnicate"], "unknown command 'frobnicate'; use --help for help"),
    (["add-port", "ovs-switch"], "'add-port' command requires at least 2 "
     "arguments"),
    (["set", "Interface", "nope", "type=internal"], "no row \"nope\" in "
     "table Interface"),
    (["add-port", "ovs-switch", "p2", "--", "set", "Port", "p2", "tag=9999"],
     "constraint violation: 9999 is not in the valid range 0 to 4095 "
     "(inclusive)"),
]


def test_bad_commands_change_nothing(vs):
    seed(vs)
    before = vs.state()
    for args, message in BAD_COMMANDS:
        p = vs.run(*args, check=False)
        assert p.returncode == 1, args
        assert p.stdout == "", args
        assert p.stderr == f"vs-vsctl: {message}\n", args
        assert vs.state() == before, args
    p = vs.run("br-exists", "br9", check=False)
    assert (p.returncode, p.stdout, p.stderr) == (2, "", "")
    assert vs.run("br-exists", "ovs-switch").returncode == 0


def test_persistence(vs, tmp_path):
    seed(vs)
    first = vs.state()
    # A fresh process reading the same file sees the same store, also when
    # the file is copied (with its WAL) elsewhere, as after a reboot.
    assert vs.state() == first
    vs.run("--may-exist", "add-br", "ovs-switch")
    assert vs.state() == first
    copy = tmp_path / "copy"
    copy.mkdir()
    for f in tmp_path.iterdir():
        if f.name.startswith("conf.db"):
            (copy / f.name).write_bytes(f.read_bytes())
    other = Vsctl(copy)
    assert other.state() == first


def test_usage(vs):
    p = vs.run("--help")
    assert "add-br BRIDGE" in p.stdout
    assert vs.run("--version").stdout.startswith("vs-vsctl")
    p = vs.run(check=False)
    assert p.returncode == 1 and "missing command name" in p.stderr


def store_contents(vs):
    """{port name: ofport_request or None} of every port but the LOCAL one."""
    text = vs.out("--columns=name,ofport_request", "list", "Interface")
    result = {}
    for record in text.strip().split("\n\n"):
        fields = dict(line.split(" : ", 1) for line in record.split("\n"))
        name, ofport = fields["name               "], fields["ofport_request     "]
        if name != "br0":
            result[name] = None if ofport == "[]" else int(ofport)
    ports = set(vs.out("list-ports", "br0").split())
    assert ports == set(result), "ports and interfaces disagree"
    return result


def transact(vs, n, rng, results, window=0.15):
    """Runs transaction n, maybe killing it; records how it ended.  A kill
    lands somewhere in [0, window) s after the start: `window` is about
    twice a transaction's duration, so that many kills hit a live one."""
    proc = subprocess.Popen(vs.argv("add-port", "br0", f"p{n}", "--", "set",
                                    "Interface", f"p{n}",
                                    f"ofport_request={n}"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if rng.random() < 0.25:
        # Somewhere between start-up and after the commit.
        time.sleep(rng.uniform(0, window))
        proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate(timeout=60)
    results[n] = (proc.returncode, err)


def test_crash_safety_kill9(vs):
    """1,000 transactions (four writers at a time, as a busy host might run
    them), some killed with SIGKILL at a random moment: every acknowledged
    one is there, and each killed one is all there or not at all (port,
    interface and ofport_request together)."""
    vs.run("add-br", "br0")
    # How long one transaction takes here (machines and their load differ:
    # a fixed kill window once hit too few live transactions on a fast one).
    t0 = time.monotonic()
    for k in range(5):
        vs.run("add-br", f"tmp{k}")
        vs.run("del-br", f"tmp{k}")
    serial = (time.monotonic() - t0) / 10
    # Four writers at a time make each take ~4x as long: a window of twice
    # that spreads the kills over the whole life of a transaction, before
    # and after its commit.
    window = 8 * serial
    results = {}
    start = time.monotonic()

    def worker(first):
        rng = random.Random(first)
        for n in range(first, 1001, 4):
            transact(vs, n, rng, results, window)

    threads = [threading.Thread(target=worker, args=(k,)) for k in (1, 2, 3, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    acked = {n for n, (rc, _) in results.items() if rc == 0}
    killed = {n for n, (rc, _) in results.items() if rc == -signal.SIGKILL}
    others = {n: r for n, r in results.items() if n not in acked | killed}
    assert len(results) == 1000
    assert not others, f"unexpected failures: {list(others.items())[:3]}"
    assert len(killed) > 50, f"only {len(killed)} kills hit a live transaction (window {window:.3f} s)"
    contents = store_contents(vs)
    for n in acked:
        assert contents.get(f"p{n}") == n, f"acknowledged p{n} lost"
    for name, ofport in contents.items():
        n = int(name[1:])
        assert n in acked or n in killed
        assert ofport == n, f"partial transaction: {name} ofport={ofport}"
    survivors = sum(1 for n in killed if f"p{n}" in contents)
    assert len(contents) == len(acked) + survivors
    print(f"1000 transactions in {elapsed:.1f} s: {len(acked)} acknowledged, "
          f"{len(killed)} killed ({survivors} of them had committed)")
    # The store still works after all that.
    vs.run("add-port", "br0", "after", "--", "set", "Interface", "after",
           "ofport_request=5000")
    assert vs.out("get", "Interface", "after", "ofport_request") == "5000\n"


class FakeDaemon:
    """A control socket at RUNDIR/vswitchd.ctl answering JSON-RPC requests
    with canned replies, recording what it was asked."""

    def __init__(self, path, replies):
        self.requests = []
        self.replies = list(replies)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(str(path))
        self.sock.listen(8)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while self.replies:
            conn, _ = self.sock.accept()
            with conn:
                buf = b""
                while True:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break           # a connection that only probed
                    buf += chunk
                    try:
                        req, _ = json.JSONDecoder().raw_decode(buf.decode())
                    except ValueError:
                        continue
                    self.requests.append(req)
                    result, error = self.replies.pop(0)
                    conn.sendall(json.dumps({"id": req["id"], "result": result,
                                             "error": error}).encode())
                    break

    def close(self):
        self.sock.close()


def test_daemon_socket_is_used(vs):
    """With a control socket listening, the command line goes to it as
    "vsctl/transact" (global options removed) and the store is untouched."""
    daemon = FakeDaemon(vs.rundir / "vswitchd.ctl",
                        [("br0\n", None), (None, "no bridge named br9"),
                         (None, "")])
    try:
        p = vs.run("--timeout=5", "--bare", "list-br", "--", "add-br", "x y")
        assert (p.returncode, p.stdout) == (0, "br0\n")
        assert daemon.requests[0]["method"] == "vsctl/transact"
        assert daemon.requests[0]["params"] == ["--bare", "list-br", "--",
                                                "add-br", "x y"]
        p = vs.run("del-br", "br9", check=False)
        assert (p.returncode, p.stdout, p.stderr) == \
            (1, "", "vs-vsctl: no bridge named br9\n")
        p = vs.run("br-exists", "br9", check=False)
        assert (p.returncode, p.stdout, p.stderr) == (2, "", "")
        assert not vs.db.exists()
    finally:
        daemon.close()
