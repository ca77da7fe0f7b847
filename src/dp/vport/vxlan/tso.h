/* Software offloads for frames leaving through a tunnel: a frame that came
 * in with partial checksum (virtio NEEDS_CSUM) or as a TCP super-frame
 * (virtio GSO) must be made whole before it is wrapped, because the remote
 * end of the tunnel sees only what is on the wire. */
#ifndef VS_DP_VXLAN_TSO_H
#define VS_DP_VXLAN_TSO_H

#include <stdbool.h>
#include <stdint.h>

/* Writes the ones'-complement checksum of frame[csum_start..len) at
 * csum_start + csum_offset (the field holds the pseudo-header sum, as virtio
 * leaves it).  0, or -1 when the offsets do not fit the frame. */
int tso_csum_complete(uint8_t *frame, uint32_t len, uint32_t csum_start,
                      uint32_t csum_offset);

/* Iterator over the MSS-sized segments of an Ethernet TCP/IPv4 or TCP/IPv6
 * super-frame (up to two VLAN tags, no IPv6 extension headers). */
struct tso_iter {
    const uint8_t *frame;
    uint32_t len;
    uint32_t l3_ofs, l4_ofs, hdr_len;  /* hdr_len: through the TCP header */
    uint32_t mss;
    uint32_t pos;                      /* frame offset of the next payload */
    uint32_t seq;                      /* host order */
    uint16_t ip_id;                    /* host order (IPv4) */
    uint8_t tcp_flags;
    bool ipv6;
    bool started;                      /* a segment was written */
};

/* Checks the headers at `l3_ofs` (IPv4 or IPv6, its ethertype the two
 * bytes before) and `l4_ofs` (TCP), offsets from the frame start as
 * flow_key_extract records them in a dp_packet.  0, or -1 when the frame is
 * not a TCP frame this can segment or `mss` is 0. */
int tso_begin(struct tso_iter *it, const uint8_t *frame, uint32_t len,
              uint32_t l3_ofs, uint32_t l4_ofs, uint32_t mss);

/* Writes the next segment (headers fixed, checksums computed) into `out`;
 * returns its length, 0 when all were written, -1 when `size` is short.
 * A frame without payload (a bare ACK marked for GSO) is one segment. */
int tso_next(struct tso_iter *it, uint8_t *out, uint32_t size);

#endif
