"""NORMAL and frames to reserved multicast addresses (STP BPDUs, LLDP): a
bridge does not forward them between two hosts, unless the bridge's
other_config:forward-bpdu=true, as OVS.

Device and namespace names start with "vbp" (this file's tag)."""

import time

from conftest import netns_host, run
from test_ofproto import Capture

TAG = "vbp"

LLDP_DST = "01:80:c2:00:00:0e"
STP_DST = "01:80:c2:00:00:00"


def send_raw(host, dst, ethertype_or_len, payload, count=5):
    """Sends `count` frames from `host`'s eth0 through an AF_PACKET socket:
    to `dst`, from the host's MAC, with the given EtherType (or 802.3
    length), padded to 60 bytes."""
    code = f"""
import socket, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
f = (bytes.fromhex("{dst.replace(':', '')}") +
     bytes.fromhex("{host.mac.replace(':', '')}") +
     ({ethertype_or_len}).to_bytes(2, "big") + bytes.fromhex("{payload}"))
f = f.ljust(60, b"\\0")
for _ in range({count}):
    s.send(f)
    time.sleep(0.05)
"""
    run("ip", "netns", "exec", host.ns, "python3", "-c", code)


def lldp_and_stp_seen(h1, h2):
    """Sends LLDP and STP frames from h1; returns the ones h2 received."""
    with Capture(h2, "ether dst 01:80:c2:00:00:0e or "
                     "ether dst 01:80:c2:00:00:00") as cap:
        # LLDP: chassis-id TLV (MAC), port-id TLV, TTL, end.
        send_raw(h1, LLDP_DST, 0x88cc,
                 "020704" + h1.mac.replace(":", "") + "0403056574680602"
                 "00780000")
        # An 802.1D configuration BPDU in 802.3/LLC (length 38).
        send_raw(h1, STP_DST, 38, "424203000000" + "00" * 32)
    return cap.lines


def test_reserved_multicast_dropped_unless_forward_bpdu(vswitchd):
    br = f"{TAG}br0"
    with netns_host(TAG, 1, "10.79.0.1/24") as h1, \
            netns_host(TAG, 2, "10.79.0.2/24") as h2:
        vswitchd.vsctl("add-br", br)
        for h in (h1, h2):
            vswitchd.vsctl("add-port", br, h.peer)
        # The bridge works: a ping crosses it.
        h1.ping(h2.addr, count=2, interval=0.2)

        seen = lldp_and_stp_seen(h1, h2)
        assert not seen, seen
        trace = vswitchd.appctl(
            "ofproto/trace", br,
            f"in_port=1,dl_src={h1.mac},dl_dst={LLDP_DST},"
            "dl_type=0x88cc").stdout
        assert "reserved destination MAC, dropping" in trace, trace

        vswitchd.vsctl("set", "Bridge", br, "other_config:forward-bpdu=true")
        time.sleep(1.0)          # the flows installed before revalidate
        seen = lldp_and_stp_seen(h1, h2)
        assert sum(LLDP_DST in l for l in seen) == 5, seen
        assert sum(STP_DST in l for l in seen) == 5, seen

        # And back: removing the key drops them again.
        vswitchd.vsctl("remove", "Bridge", br, "other_config",
                       "forward-bpdu")
        time.sleep(1.0)
        seen = lldp_and_stp_seen(h1, h2)
        assert not seen, seen
