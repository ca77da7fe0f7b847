"""OpenFlow connections of vswitchd (src/ofproto/connmgr.c) with real peers:
Debian's ovs-ofctl on the mgmt socket and on a ptcp: listener, and a python
controller that an active tcp: target connects to (hello, reconnection with
back-off)."""
import os
import socket
import stat
import struct
import subprocess
import time

from conftest import wait_until

BR = "brcm0"     # a name no other test uses: its internal port is a device


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def ofctl(*args, check=True):
    p = subprocess.run(["ovs-ofctl", *args], capture_output=True, text=True,
                       timeout=30)
    if check:
        assert p.returncode == 0, f"ovs-ofctl {args}: {p.stderr}"
    return p


def test_mgmt_socket_and_ptcp(vswitchd):
    vswitchd.vsctl("add-br", BR)
    mgmt = os.path.join(vswitchd.rundir, f"{BR}.mgmt")
    wait_until(lambda: os.path.exists(mgmt))
    assert stat.S_IMODE(os.stat(mgmt).st_mode) == 0o600
    out = ofctl("show", f"unix:{mgmt}").stdout
    assert "OFPT_FEATURES_REPLY" in out
    assert f"LOCAL({BR})" in out
    out = ofctl("dump-flows", f"unix:{mgmt}").stdout
    assert "priority=0 actions=NORMAL" in out

    port = free_port()
    vswitchd.vsctl("set-controller", BR, f"ptcp:{port}")
    target = f"tcp:127.0.0.1:{port}"

    def shows():
        p = ofctl("-O", "OpenFlow13", "show", target, check=False)
        return p.returncode == 0 and "(OF1.3)" in p.stdout
    wait_until(shows)
    # A passive target is a service, not a controller: NORMAL stays.
    out = ofctl("-O", "OpenFlow13", "dump-flows", target).stdout
    assert "priority=0 actions=NORMAL" in out
    out = ofctl("-O", "OpenFlow15", "dump-flows", target).stdout
    assert "OF1.5" in out

    # protocols limits the versions: OpenFlow13 only refuses 1.0.
    vswitchd.vsctl("set", "Bridge", BR, "protocols=OpenFlow13")
    time.sleep(0.3)
    p = ofctl("show", f"unix:{mgmt}", check=False)
    assert p.returncode != 0
    assert "version negotiation failed" in p.stderr
    ofctl("-O", "OpenFlow13", "show", f"unix:{mgmt}")

    vswitchd.vsctl("del-controller", BR)
    wait_until(lambda: ofctl("-O", "OpenFlow13", "show", target,
                             check=False).returncode != 0)


def recv_msg(conn):
    hdr = b""
    while len(hdr) < 8:
        chunk = conn.recv(8 - len(hdr))
        if not chunk:
            return None
        hdr += chunk
    version, typ, length, xid = struct.unpack("!BBHI", hdr)
    body = b""
    while len(body) < length - 8:
        chunk = conn.recv(length - 8 - len(body))
        if not chunk:
            return None
        body += chunk
    return version, typ, xid, body


def test_active_controller_backoff(vswitchd):
    lsock = socket.socket()
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(4)
    lsock.settimeout(15)
    port = lsock.getsockname()[1]

    vswitchd.vsctl("add-br", BR)
    vswitchd.vsctl("set-fail-mode", BR, "secure")
    vswitchd.vsctl("set-controller", BR, f"tcp:127.0.0.1:{port}")
    mgmt = os.path.join(vswitchd.rundir, f"{BR}.mgmt")

    # Secure with a controller: the NORMAL flow is gone.
    def no_flows():
        out = ofctl("dump-flows", f"unix:{mgmt}").stdout
        return "actions=NORMAL" not in out
    wait_until(no_flows)

    times = []
    for i in range(3):
        conn, _ = lsock.accept()
        times.append(time.monotonic())
        conn.settimeout(5)
        msg = recv_msg(conn)
        assert msg is not None
        version, typ, xid, body = msg
        assert typ == 0, f"expected hello, got type {typ}"
        assert version == 6           # highest of the bitmap
        if i == 0:
            # Negotiate 1.3, check echo works, then hang up.
            conn.sendall(struct.pack("!BBHI", 4, 0, 8, 1))
            conn.sendall(struct.pack("!BBHI", 4, 2, 12, 2) + b"ping")
            while True:
                m = recv_msg(conn)
                assert m is not None
                if m[1] == 3:
                    assert m[2] == 2 and m[3] == b"ping"
                    break
            # Controller:is_connected follows the connection, and
            # vs-vsctl show says so as ovs-vsctl show does.
            def connected():
                return vswitchd.vsctl("get", "Controller", BR,
                                      "is_connected").stdout.strip()
            wait_until(lambda: connected() == "true")
            show = vswitchd.vsctl("show").stdout
            assert (f'        Controller "tcp:127.0.0.1:{port}"\n'
                    "            is_connected: true\n") in show, show
            conn.close()
            wait_until(lambda: connected() == "false")
            continue
        conn.close()
    # Back-off: the retries wait about 1 s and then 2 s.
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert 0.7 <= gaps[0] <= 2.5, gaps
    assert 1.7 <= gaps[1] <= 4.5, gaps
    assert gaps[1] > gaps[0], gaps

    # Removing the controller in standalone mode brings NORMAL back.
    vswitchd.vsctl("set-fail-mode", BR, "standalone")
    vswitchd.vsctl("del-controller", BR)
    wait_until(lambda: "actions=NORMAL" in
               ofctl("dump-flows", f"unix:{mgmt}").stdout)
    lsock.close()
