#!/usr/bin/python3
"""How tests/unit/ofp_golden.h was made: a stub OpenFlow switch on a unix
socket that runs ovs-ofctl against itself, answers hello, echo, barrier,
features and the table requests, and prints every other message ovs-ofctl
sends as hex, one per line.

    python3 ofp_golden_capture.py /tmp/s --no-names -O OpenFlow13 \
        add-flow SOCK 'tcp,tp_dst=80,actions=output:2'
"""
import os, socket, struct, sys, subprocess, threading
path = sys.argv[1]; args = sys.argv[2:]
try: os.unlink(path)
except FileNotFoundError: pass
srv = socket.socket(socket.AF_UNIX); srv.bind(path); srv.listen(1)
p = subprocess.Popen(["ovs-ofctl"] + [a.replace("SOCK", "unix:" + path) for a in args],
                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
srv.settimeout(3)
buf = b""; ver = 6
def recv():
    global buf
    while True:
        if len(buf) >= 8:
            l = struct.unpack("!H", buf[2:4])[0]
            if len(buf) >= l:
                m = buf[:l]; buf = buf[l:]; return m
        d = c.recv(65536)
        if not d: return None
        buf += d
c = None
while True:
    if c is None:
        try: c, _ = srv.accept()
        except socket.timeout: break
        c.settimeout(2); buf = b""
        c.sendall(struct.pack("!BBHI", 6, 0, 8, 0))
    try: m = recv()
    except socket.timeout: m = None
    if m is None:
        c.close(); c = None
        if p.poll() is not None: break
        continue
    v, t, l, x = struct.unpack("!BBHI", m[:8])
    if t == 0: ver = v; continue
    print(m.hex(), flush=True)
    if t == 2: c.sendall(struct.pack("!BBHI", v, 3, 8, x) + m[8:])
    elif v == 1 and t == 16:
        c.sendall(struct.pack("!BBHIHH", v, 17, 12, x, struct.unpack("!H", m[8:10])[0], 0))
    elif t == 5:
        c.sendall(struct.pack("!BBHIQIB3xII", v, 6, 32, x, 1, 0, 1, 0, 0))
    elif v > 1 and t == 18 and struct.unpack("!H", m[8:10])[0] == 12:
        c.sendall(struct.pack("!BBHIHHI", v, 19, 80, x, 12, 0, 0) + struct.pack("!HB5x32sQQII", 64, 0, b"t0", 0, 0, 0, 1000))
    elif v > 1 and t == 18:
        c.sendall(struct.pack("!BBHIHHI", v, 19, 16, x, struct.unpack("!H", m[8:10])[0], 0, 0))
    elif (v == 1 and t == 18) or (v > 1 and t == 20):
        c.sendall(struct.pack("!BBHI", v, t + 1, 8, x))
p.kill(); p.wait(); sys.stderr.write(p.stderr.read().decode())
