/* libFuzzer harness for software TCP segmentation (vport/vxlan/tso.c), as
 * vxlan_send uses it: the frame's offsets come from flow_key_extract.  The
 * input is the MSS (2 bytes), the size of the output buffer (2 bytes) and
 * the frame.  What tso_begin accepts must come out as segments that each
 * fit the buffer and hdr_len + MSS, carry the frame's headers up to L3,
 * together carry exactly the payload in order with consecutive sequence
 * numbers (at least one segment, even without payload), and have valid
 * IPv4 header and TCP checksums.  Every buffer is
 * exactly sized, so ASan sees any access past it. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp/flow_key.h"
#include "dp/net_headers.h"
#include "dp/packet.h"
#include "dp/vport/vxlan/tso.h"

#define MAX_FRAME 9200

static void fail(const char *what, uint32_t a, uint32_t b)
{
    fprintf(stderr, "%s (%u, %u)\n", what, a, b);
    abort();
}

/* The TCP checksum of segment `s` is right (sums to all ones). */
static bool tcp_csum_ok(const struct tso_iter *it, const uint8_t *s,
                        uint32_t seg_len)
{
    uint32_t l4_len = seg_len - it->l4_ofs;
    const void *ip = s + it->l3_ofs;
    uint32_t sum = it->ipv6 ? ipv6_pseudo_sum(ip, IP_PROTO_TCP, l4_len)
                            : ipv4_pseudo_sum(ip, IP_PROTO_TCP, l4_len);
    return csum_finish(csum_add(sum, s + it->l4_ofs, l4_len)) == 0;
}

static void check_segment(const struct tso_iter *it, const uint8_t *frame,
                          const uint8_t *s, uint32_t seg_len, uint32_t done)
{
    if (memcmp(s, frame, it->l3_ofs)) {
        fail("L2 header changed", seg_len, done);
    }
    if (memcmp(s + it->hdr_len, frame + it->hdr_len + done,
               seg_len - it->hdr_len)) {
        fail("payload out of order", seg_len, done);
    }
    uint32_t seq;
    memcpy(&seq, s + it->l4_ofs + 4, 4);
    uint32_t seq0;
    memcpy(&seq0, frame + it->l4_ofs + 4, 4);
    if (ntohl(seq) != ntohl(seq0) + done) {
        fail("sequence number", ntohl(seq), ntohl(seq0) + done);
    }
    if (!it->ipv6) {
        const struct ipv4_header *ip = (const void *)(s + it->l3_ofs);
        if (csum_finish(csum_add(0, ip, ipv4_header_len(ip))) != 0) {
            fail("IPv4 header checksum", seg_len, done);
        }
    }
    if (!tcp_csum_ok(it, s, seg_len)) {
        fail("TCP checksum", seg_len, done);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4 || size - 4 > MAX_FRAME) {
        return 0;
    }
    uint32_t mss = (uint32_t)data[0] << 8 | data[1];
    uint32_t out_size = ((uint32_t)data[2] << 8 | data[3]) % (MAX_FRAME + 1);
    size_t len = size - 4;
    uint8_t *buf = malloc(PACKET_HEADROOM + len + 1);
    struct dp_packet p;
    dp_packet_init(&p, buf, PACKET_HEADROOM + (uint32_t)len, PACKET_HEADROOM);
    if (!dp_packet_set_data(&p, data + 4, (uint32_t)len)) {
        fail("frame did not fit", (uint32_t)len, 0);
    }
    struct flow_key key;
    flow_key_extract(&p, &key);
    const uint8_t *frame = dp_packet_data(&p);
    struct tso_iter it;
    if (tso_begin(&it, frame, p.len, p.l3_ofs, p.l4_ofs, mss)) {
        free(buf);
        return 0;
    }
    if (it.hdr_len > p.len || it.l4_ofs < it.l3_ofs) {
        fail("headers past the frame", it.hdr_len, p.len);
    }
    uint8_t *out = malloc(out_size ? out_size : 1);
    uint32_t done = 0, payload = p.len - it.hdr_len, n_segs = 0;
    for (;;) {
        int n = tso_next(&it, out, out_size);
        if (n < 0) {
            if (it.hdr_len + (payload - done < mss ? payload - done : mss)
                <= out_size) {
                fail("refused a segment that fits", out_size, done);
            }
            break;
        }
        if (n == 0) {
            if (done != payload || !n_segs) {
                fail("payload lost", done, n_segs);
            }
            break;
        }
        n_segs++;
        uint32_t seg_len = (uint32_t)n;
        if (seg_len > out_size || seg_len > it.hdr_len + mss
            || (seg_len <= it.hdr_len && payload)) {
            fail("segment size", seg_len, out_size);
        }
        check_segment(&it, frame, out, seg_len, done);
        done += seg_len - it.hdr_len;
    }
    free(out);
    free(buf);
    return 0;
}
