"""A raw OpenFlow client for the malformed-message tests: builds messages
byte by byte (struct), so that it can send what no real client would.

  c = OfpConn.unix(path) / OfpConn.tcp(ip, port)
  c.handshake(version)          hello both ways; returns the agreed version
  c.send(bytes) / c.recv()      one message: Msg(version, type, xid, body)
                                or None at a clean close (EOF)
  c.echo(xid)                   echo request -> reply (skips async msgs)
  c.wait_reply(xid)             the next message with that xid

Builders: header(), hello(), echo_request(), flow_mod13(), flow_mod10(),
nx_flow_mod(), oxm(), nxm(), output13(), output10(), apply_actions(),
multipart13(); constants for the types and error codes used.  Layouts
follow the OpenFlow 1.0 / 1.3 specifications and Open vSwitch's Nicira
extension headers."""

import errno
import select
import socket
import struct
from collections import namedtuple

OFP10, OFP13, OFP15 = 0x01, 0x04, 0x06

# Message types (the same numbers in 1.0 and 1.3 where both have them).
OFPT_HELLO, OFPT_ERROR, OFPT_ECHO_REQUEST, OFPT_ECHO_REPLY = 0, 1, 2, 3
OFPT_VENDOR = OFPT_EXPERIMENTER = 4
OFPT_FEATURES_REQUEST, OFPT_FEATURES_REPLY = 5, 6
OFPT10_PACKET_IN, OFPT10_FLOW_MOD, OFPT10_STATS_REQUEST = 10, 14, 16
OFPT10_BARRIER_REQUEST, OFPT10_BARRIER_REPLY = 18, 19
OFPT13_PACKET_IN, OFPT13_FLOW_MOD = 10, 14
OFPT13_MULTIPART_REQUEST, OFPT13_MULTIPART_REPLY = 18, 19
OFPT13_BARRIER_REQUEST, OFPT13_BARRIER_REPLY = 20, 21

OFPMP_DESC, OFPMP_FLOW, OFPMP_PORT_DESC = 0, 1, 13
OFPMPF_REQ_MORE = 1

NX_VENDOR_ID = 0x00002320
NXT_FLOW_MOD = 13

# Error types (OF1.3 numbering; 1.0 shares the first three).
OFPET_HELLO_FAILED, OFPET_BAD_REQUEST, OFPET_BAD_ACTION = 0, 1, 2
OFPET13_BAD_INSTRUCTION, OFPET13_BAD_MATCH = 3, 4

Msg = namedtuple("Msg", "version type xid body")


def header(version, mtype, length, xid=0):
    return struct.pack("!BBHI", version, mtype, length, xid)


def message(version, mtype, body=b"", xid=0, length=None):
    """A message with header; `length` overrides the header's length
    field (a lie, to test the framing)."""
    n = 8 + len(body) if length is None else length
    return header(version, mtype, n, xid) + body


def hello(version, xid=0):
    return message(version, OFPT_HELLO, xid=xid)


def echo_request(version, xid, data=b""):
    return message(version, OFPT_ECHO_REQUEST, data, xid)


def pad8(b):
    return b + b"\0" * (-len(b) % 8)


# -- OpenFlow 1.3 --

def oxm(field, value, hasmask=False, length=None, oxm_class=0x8000):
    """One OXM TLV; `length` overrides the TLV's length byte."""
    n = len(value) if length is None else length
    return struct.pack("!HBB", oxm_class, (field << 1) | int(hasmask),
                       n) + value


OXM_IN_PORT, OXM_ETH_TYPE = 0, 5


def match13(tlvs=b"", length=None):
    """struct ofp_match (type OXM), padded to 8; `length` overrides its
    length field (which counts the 4-byte header and the TLVs)."""
    n = 4 + len(tlvs) if length is None else length
    return pad8(struct.pack("!HH", 1, n) + tlvs)


def output13(port, max_len=0xffff, length=16):
    """An output action whose length field says `length`; its bytes are
    cut or zero-padded to that length."""
    a = struct.pack("!HHIH6x", 0, length, port, max_len)
    return a[:length] if length <= 16 else a + b"\0" * (length - 16)


def apply_actions(actions, length=None):
    n = 8 + len(actions) if length is None else length
    return struct.pack("!HH4x", 4, n) + actions


def flow_mod13(match=None, instructions=b"", xid=0, command=0, priority=100,
               length=None, out_port=0xffffffff):
    body = struct.pack("!QQBBHHHIIIH2x", 0, 0, 0, command, 0, 0, priority,
                       0xffffffff, out_port, 0xffffffff, 0)
    body += (match13(oxm(OXM_IN_PORT, struct.pack("!I", UNUSED_PORT)))
             if match is None else match)
    body += instructions
    return message(OFP13, OFPT13_FLOW_MOD, body, xid, length)


def multipart13(mp_type, body=b"", flags=0, xid=0, length=None):
    return message(OFP13, OFPT13_MULTIPART_REQUEST,
                   struct.pack("!HH4x", mp_type, flags) + body, xid, length)


def flow_stats_request13():
    """Body of an OFPMP_FLOW request: all tables, any port/group, any
    cookie, empty match."""
    return struct.pack("!B3xII4xQQ", 0xff, 0xffffffff, 0xffffffff, 0, 0) \
        + match13()


# -- OpenFlow 1.0 and Nicira --

def match10(in_port=None):
    """struct ofp_match of OF1.0 (40 bytes) wildcarding every field but,
    when given, in_port."""
    wild = 0x3fffff if in_port is None else 0x3fffff & ~1
    return struct.pack("!IH6s6sHBxHBB2xIIHH", wild, in_port or 0,
                       b"\0" * 6, b"\0" * 6, 0, 0, 0, 0, 0, 0, 0, 0, 0)


# The default match of the flow_mod builders: a port no test has, so that
# a flow_mod the switch accepts never changes what the hosts' packets do.
UNUSED_PORT = 77


def output10(port, max_len=0xffff, length=8):
    return struct.pack("!HHHH", 0, length, port, max_len)


def flow_mod10(actions=b"", xid=0, command=0, priority=100, length=None,
               match=None):
    body = (match10(UNUSED_PORT) if match is None else match) + struct.pack(
        "!QHHHHIHH", 0, command, 0, 0, priority, 0xffffffff, 0xffff, 0)
    return message(OFP10, OFPT10_FLOW_MOD, body + actions, xid, length)


def nxm(vendor, field, value, hasmask=False, length=None):
    n = len(value) if length is None else length
    return struct.pack("!I", (vendor << 16) | (field << 9) |
                       (int(hasmask) << 8) | n) + value


NXM_OF_IN_PORT = (0x0000, 0)     # (vendor/class, field): 2 bytes


def nx_flow_mod(nx_match=b"", actions=b"", xid=0, command=0, priority=100,
                match_len=None):
    """NXT_FLOW_MOD (OF1.0 vendor message); `match_len` overrides the
    match length field."""
    n = len(nx_match) if match_len is None else match_len
    body = struct.pack("!II", NX_VENDOR_ID, NXT_FLOW_MOD)
    body += struct.pack("!QHHHHIHHH6x", 0, command, 0, 0, priority,
                        0xffffffff, 0xffff, 0, n)
    body += pad8(nx_match) + actions
    return message(OFP10, OFPT_VENDOR, body, xid)


def vendor10(vendor, subtype, xid=0):
    return message(OFP10, OFPT_VENDOR, struct.pack("!II", vendor, subtype),
                   xid)


def experimenter13(experimenter, exp_type, xid=0):
    return message(OFP13, OFPT_EXPERIMENTER,
                   struct.pack("!II", experimenter, exp_type), xid)


# -- the connection --

class OfpConn:
    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self.version = None

    @classmethod
    def unix(cls, path, timeout=5):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(path)
        return cls(s)

    @classmethod
    def tcp(cls, ip, port, timeout=5):
        s = socket.create_connection((ip, port), timeout=timeout)
        return cls(s)

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, n, timeout):
        while len(self.buf) < n:
            r, _, _ = select.select([self.sock], [], [], timeout)
            if not r:
                raise TimeoutError("no reply")
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                chunk = b""
            except OSError as e:
                if e.errno == errno.ECONNRESET:
                    chunk = b""
                else:
                    raise
            if not chunk:
                return False
            self.buf += chunk
        return True

    def recv(self, timeout=5):
        """The next message, or None at EOF (a clean close, or a reset).
        Raises TimeoutError when nothing comes within `timeout`."""
        if not self._fill(8, timeout):
            return None
        version, mtype, length, xid = struct.unpack("!BBHI", self.buf[:8])
        assert length >= 8, f"switch sent a bad length {length}"
        if not self._fill(length, timeout):
            return None
        body = self.buf[8:length]
        self.buf = self.buf[length:]
        return Msg(version, mtype, xid, body)

    def handshake(self, version=OFP13):
        """Sends hello of `version`, reads the switch's hello; the agreed
        version is the lower of the two."""
        self.send(hello(version))
        m = self.recv()
        assert m is not None and m.type == OFPT_HELLO, m
        self.version = min(version, m.version)
        return self.version

    def wait_reply(self, xid, timeout=5):
        """The next message whose xid is `xid` (async messages and echo
        requests are skipped, echo requests answered); None at EOF."""
        while True:
            m = self.recv(timeout)
            if m is None or m.xid == xid:
                return m
            if m.type == OFPT_ECHO_REQUEST:
                self.send(message(m.version, OFPT_ECHO_REPLY, m.body, m.xid))

    def echo(self, xid=0x5eed, data=b"ping"):
        """True when an echo request gets its reply with the same data."""
        self.send(echo_request(self.version, xid, data))
        m = self.wait_reply(xid)
        return m is not None and m.type == OFPT_ECHO_REPLY and m.body == data


def error_of(msg):
    """(type, code) of an OFPT_ERROR message, or None for anything else.
    Nicira extended errors (type 0xb0c2, OVS's form of an OF1.2+ error on
    an OF1.0 connection) are returned as ('nx', vendor_type, code)."""
    if msg is None or msg.type != OFPT_ERROR:
        return None
    etype, code = struct.unpack("!HH", msg.body[:4])
    if etype == 0xb0c2:
        _vendor, vtype, vcode = struct.unpack("!IHH", msg.body[4:12])
        return ("nx", vtype, vcode)
    if etype == 0xffff:             # OF1.2+ experimenter error
        exp = struct.unpack("!I", msg.body[4:8])[0]
        return ("exp", code, exp)
    return (etype, code)
