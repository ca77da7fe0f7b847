"""The configuration store on disk (issue 9): one file at rest that holds
every committed change, damaged or foreign files refused loudly and left
as they were, file modes, backup/restore, and power loss simulated by
copying the store files of a frozen daemon mid-transaction.

Device and namespace names start with "sd" (this file's tag)."""

import contextlib
import os
import random
import shutil
import signal
import sqlite3
import stat
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import Vswitchd, binary, netns, run

TAG = "sd"


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def local_vsctl(db, *args, check=True):
    """vs-vsctl on the file `db` itself (its --rundir has no daemon)."""
    rundir = Path(db).parent / "no-daemon"
    rundir.mkdir(parents=True, exist_ok=True)
    return run(binary("vs-vsctl"), f"--db={db}", f"--rundir={rundir}", *args,
               check=check)


def snapshot(path):
    """Bytes and mtime of a file, to show it was not touched."""
    st = os.stat(path)
    return Path(path).read_bytes(), st.st_mtime_ns


def start_fails(d, *extra):
    """Runs the daemon `d` expecting it to refuse to start; returns its
    exit status and what it said."""
    p = run(binary("vswitchd"), f"--db={d.db}", f"--rundir={d.rundir}",
            f"--log-file={d.log}", *extra, check=False, timeout=20)
    assert p.returncode != 0, "vswitchd started on a bad store"
    assert not os.path.exists(d.ctl) or \
        d.appctl("version", check=False).returncode != 0
    return p.returncode, p.stderr


# -- defect 2: one file at rest, the log no longer needed --

def test_clean_exit_leaves_one_file(vswitchd_factory, tmp_path):
    """After a clean exit the main file alone holds the configuration (no
    -wal left): a copy of conf.db alone is a full backup."""
    d = vswitchd_factory().start()
    d.vsctl("add-br", f"{TAG}br0", "--", "set", "Bridge", f"{TAG}br0",
            "external_ids:k=v")
    assert d.stop() == 0
    assert not os.path.exists(d.db + "-wal")
    assert not os.path.exists(d.db + "-shm")
    copy = tmp_path / "copy" / "conf.db"
    copy.parent.mkdir()
    shutil.copyfile(d.db, copy)
    assert local_vsctl(copy, "list-br").stdout == f"{TAG}br0\n"
    assert local_vsctl(copy, "get", "Bridge", f"{TAG}br0",
                       "external_ids:k").stdout == "v\n"


def test_main_file_current_while_running(vswitchd_factory, tmp_path):
    """While the daemon runs, each change reaches the main file soon (a
    checkpoint after each transaction): conf.db copied alone has it."""
    d = vswitchd_factory().start()
    d.vsctl("add-br", f"{TAG}br1")
    copy = tmp_path / "copy" / "conf.db"
    copy.parent.mkdir()

    def copied_has_bridge():
        shutil.copyfile(d.db, copy)
        p = local_vsctl(copy, "list-br", check=False)
        return p.returncode == 0 and p.stdout == f"{TAG}br1\n"
    deadline = time.time() + 2
    while not copied_has_bridge():
        assert time.time() < deadline, "conf.db alone lacks the change"
        time.sleep(0.05)


@pytest.mark.parametrize("damage", ["delete", "truncate", "garbage"])
def test_wal_damage_loses_nothing(vswitchd_factory, damage):
    """Deleting, truncating or scribbling over the log after an exit does
    not lose the configuration (it used to live in the log only)."""
    d = vswitchd_factory().start()
    d.vsctl("add-br", f"{TAG}br2")
    assert d.stop() == 0
    wal = Path(d.db + "-wal")
    if damage == "delete":
        with contextlib.suppress(FileNotFoundError):
            wal.unlink()
    elif damage == "truncate":
        if wal.exists():
            os.truncate(wal, 100)
    else:
        wal.write_bytes(bytes(random.Random(1).randrange(256)
                              for _ in range(8192)))
    d.start()
    assert d.vsctl("list-br").stdout == f"{TAG}br2\n"


@pytest.mark.parametrize("damage", ["empty", "truncated", "scribbled"])
def test_damaged_store_refused(vswitchd_factory, damage):
    """A damaged main file is refused by vswitchd and vs-vsctl with a clear
    message and a non-zero status, and left as it was (never replaced by
    an empty store)."""
    d = vswitchd_factory().start()
    d.vsctl("add-br", f"{TAG}br3", "--", "add-br", f"{TAG}br4")
    assert d.stop() == 0
    data = Path(d.db).read_bytes()
    if damage == "empty":
        Path(d.db).write_bytes(b"")
        why = "not a vswitch configuration store (empty file)"
    elif damage == "truncated":
        Path(d.db).write_bytes(data[:8192])
        why = "damaged configuration store"
    else:
        Path(d.db).write_bytes(data[:12288] + bytes(range(256)) * 16
                               + data[16384:])
        why = "damaged configuration store"
    before = snapshot(d.db)
    code, _ = start_fails(d)
    assert code == 1
    assert why in d.log_text()
    p = local_vsctl(d.db, "list-br", check=False)
    assert p.returncode == 1
    assert p.stderr.startswith(f"vs-vsctl: {d.db}: {why}")
    assert snapshot(d.db) == before


# -- defect 3: foreign files --

def foreign_files(tmp_path):
    """(path, expected reason) of files that are not vswitch stores."""
    files = []
    other = tmp_path / "other.db"
    with contextlib.closing(sqlite3.connect(other)) as c:
        c.execute("CREATE TABLE users (name TEXT)")
        c.execute("INSERT INTO users VALUES ('alice')")
        c.commit()
    files.append((other, "an SQLite database of another application"))
    # The layout an earlier vswitch wrote: our tables, no schema row.
    legacy = tmp_path / "legacy.db"
    with contextlib.closing(sqlite3.connect(legacy)) as c:
        c.executescript(
            "PRAGMA application_id=1448302404; PRAGMA user_version=1;"
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER);"
            "INSERT INTO meta VALUES ('generation', 3);" +
            "".join(f"CREATE TABLE {t} (uuid TEXT PRIMARY KEY, data TEXT);"
                    for t in ("Open_vSwitch", "Bridge", "Port", "Interface",
                              "Controller")))
    files.append((legacy, "schema row missing"))
    ovn = tmp_path / "ovn.db"
    with contextlib.closing(sqlite3.connect(ovn)) as c:
        c.executescript("PRAGMA application_id=1448302404;"
                        "PRAGMA user_version=1;"
                        "CREATE TABLE Logical_Switch (uuid TEXT);")
    files.append((ovn, 'it has a table "Logical_Switch"'))
    text = tmp_path / "notes.txt"
    text.write_text("bridges: br0, br1\n" * 20)
    files.append((text, "not an SQLite database"))
    return files


def test_foreign_files_refused(vswitchd_factory, tmp_path):
    """A file that is not a vswitch store is refused by vswitchd and
    vs-vsctl with a clear message, and not modified (bytes and mtime);
    nothing is created next to it."""
    for path, why in foreign_files(tmp_path):
        before = snapshot(path)
        d = Vswitchd(tmp_path / f"d-{path.stem}")
        d.db = str(path)
        start_fails(d)
        assert f"{path}: not a vswitch configuration store" in d.log_text()
        assert why in d.log_text()
        p = local_vsctl(path, "add-br", f"{TAG}x", check=False)
        assert p.returncode == 1
        assert p.stderr.startswith(f"vs-vsctl: {path}: not a vswitch "
                                   f"configuration store ({why}")
        assert p.stderr.count("\n") == 1
        assert snapshot(path) == before, path
        assert not os.path.exists(f"{path}-wal")
        assert not os.path.exists(f"{path}-shm")


# -- defect 4: modes --

def test_file_modes(vswitchd_factory, tmp_path):
    """Under umask 0 the store, its log, a backup and the log file are
    created 0600/0600/0600/0640, not world-readable."""
    old = os.umask(0)
    try:
        d = vswitchd_factory().start()
        d.vsctl("add-br", f"{TAG}br5")
        assert mode(d.db) == 0o600
        assert mode(d.db + "-wal") == 0o600
        assert mode(d.db + "-shm") == 0o600
        assert mode(d.log) == 0o640
        backup = tmp_path / "conf.backup"
        d.vsctl("backup", str(backup))
        assert mode(backup) == 0o600
        assert d.stop() == 0
        vs_db = tmp_path / "vsctl" / "conf.db"
        local_vsctl(vs_db, "add-br", f"{TAG}br6")
        assert mode(vs_db) == 0o600
    finally:
        os.umask(old)


# -- backup / restore --

def test_backup_restore(vswitchd_factory, tmp_path):
    """`vs-vsctl backup FILE` writes one consistent file while the daemon
    runs; `restore` is refused while it runs, and with it stopped brings
    the backed-up state back, even over a damaged store."""
    d = vswitchd_factory().start()
    d.vsctl("add-br", f"{TAG}br7", "--", "set", "Bridge", f"{TAG}br7",
            "external_ids:when=before")
    backup = tmp_path / "one-file.backup"
    d.vsctl("backup", str(backup))
    assert not os.path.exists(f"{backup}-wal")
    d.vsctl("del-br", f"{TAG}br7", "--", "add-br", f"{TAG}br8")
    p = d.vsctl("restore", str(backup), check=False)
    assert p.returncode == 1 and "vswitchd is running" in p.stderr
    assert d.vsctl("list-br").stdout == f"{TAG}br8\n"
    assert d.stop() == 0

    Path(d.db).write_bytes(Path(d.db).read_bytes()[:4096])    # damaged
    assert local_vsctl(d.db, "list-br", check=False).returncode == 1
    local_vsctl(d.db, "restore", str(backup))
    d.start()
    assert d.vsctl("list-br").stdout == f"{TAG}br7\n"
    assert d.vsctl("get", "Bridge", f"{TAG}br7",
                   "external_ids:when").stdout == "before\n"
    # What is not a store is not restored, and the store stays.
    junk = tmp_path / "junk"
    junk.write_text("x" * 200)
    assert d.stop() == 0
    p = local_vsctl(d.db, "restore", str(junk), check=False)
    assert p.returncode == 1
    assert "not a vswitch configuration store" in p.stderr
    assert local_vsctl(d.db, "list-br").stdout == f"{TAG}br7\n"
    help_text = local_vsctl(d.db, "--help").stdout
    assert "backup FILE" in help_text and "restore FILE" in help_text


# -- power loss --

def txn_args(br, n):
    """Transaction n: a port, its interface's ofport_request and the
    bridge's external_ids:last, all or nothing."""
    return ["add-port", br, f"{TAG}p{n}", "--", "set", "Interface",
            f"{TAG}p{n}", f"ofport_request={n}", "--", "set", "Bridge", br,
            f"external_ids:last={n}"]


def state_of_copy(db, br):
    """The number of transactions the store at `db` holds, checking it is
    exactly transactions 1..m, each whole."""
    text = local_vsctl(db, "--columns=name,ofport_request", "list",
                       "Interface").stdout
    ifaces = {}
    for record in text.strip().split("\n\n"):
        fields = dict(line.split(" : ", 1) for line in record.split("\n"))
        ifaces[fields["name               "]] = \
            fields["ofport_request     "]
    ifaces.pop(br)
    ports = set(local_vsctl(db, "list-ports", br).stdout.split())
    last = local_vsctl(db, "--if-exists", "get", "Bridge", br,
                       "external_ids:last").stdout.strip().strip('"')
    m = int(last) if last else 0
    expected = {f"{TAG}p{n}" for n in range(1, m + 1)}
    assert ports == expected, f"mixed state: last={m}, ports {sorted(ports)}"
    assert ifaces == {f"{TAG}p{n}": str(n) for n in range(1, m + 1)}, \
        f"mixed state: last={m}, interfaces {ifaces}"
    return m


def test_power_loss_copies(vswitchd_factory, tmp_path):
    """Transactions run one after another through the daemon while the
    daemon is frozen (SIGSTOP) at random moments and its store files are
    copied: what a disk holds after a power loss at that instant.  Each
    copy, opened as the store, holds the acknowledged transactions and at
    most the one in flight, each whole: never an empty or mixed state.  A
    few copies are also started by a real vswitchd."""
    d = vswitchd_factory().start()
    br = f"{TAG}brp"
    d.vsctl("add-br", br)
    acked = [0]
    stop = threading.Event()
    errors = []

    def client():
        n = 1
        while not stop.is_set():
            p = d.vsctl(*txn_args(br, n), check=False, timeout=60)
            if p.returncode != 0:
                errors.append(p.stderr)
                return
            acked[0] = n
            n += 1

    thread = threading.Thread(target=client)
    thread.start()
    rng = random.Random(9)
    copies = []
    deadline = time.monotonic() + 12
    try:
        while time.monotonic() < deadline and len(copies) < 200:
            time.sleep(rng.uniform(0, 0.03))
            low = acked[0]
            os.kill(d.pid, signal.SIGSTOP)
            try:
                where = tmp_path / f"copy{len(copies)}"
                where.mkdir()
                for suffix in ("", "-wal"):
                    with contextlib.suppress(FileNotFoundError):
                        shutil.copyfile(d.db + suffix,
                                        where / ("conf.db" + suffix))
                high = acked[0]
            finally:
                os.kill(d.pid, signal.SIGCONT)
            copies.append((where / "conf.db", low, high))
    finally:
        stop.set()
        thread.join()
    assert not errors, errors[:3]
    assert acked[0] > 50, f"only {acked[0]} transactions ran"

    in_flight = 0
    for db, low, high in copies:
        m = state_of_copy(db, br)
        assert low <= m <= high + 1, \
            f"{db}: {m} transactions, acknowledged {low}..{high}"
        in_flight += m > high
    # Starting a daemon from a copy (in a namespace of its own: its bridge
    # device must not clash with the running one's).
    with netns(f"{TAG}pl"):
        for db, low, high in rng.sample(copies, 3):
            m = state_of_copy(db, br)
            e = Vswitchd(tmp_path / f"daemon-{db.parent.name}",
                         netns=f"{TAG}pl")
            e.db = str(db)
            e.start()
            try:
                ports = e.vsctl("list-ports", br).stdout.split()
                assert len(ports) == m
            finally:
                assert e.stop() == 0
    print(f"{len(copies)} copies of {acked[0]} transactions, {in_flight} "
          f"caught an unacknowledged one committed")
