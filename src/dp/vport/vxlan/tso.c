/* TCP segmentation and checksum completion in software, for tunnel output. */
#include "dp/vport/vxlan/tso.h"

#include <string.h>

#define ETH_HLEN_ 14
#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

static uint16_t rd16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8
           | p[3];
}

static void wr16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

uint32_t tso_csum_add(uint32_t sum, const uint8_t *data, uint32_t len)
{
    uint64_t acc = sum;
    uint32_t i = 0;
    for (; i + 1 < len; i += 2) {
        acc += rd16(data + i);
    }
    if (i < len) {
        acc += (uint32_t)data[i] << 8;
    }
    while (acc >> 32) {
        acc = (acc & 0xffffffffu) + (acc >> 32);
    }
    return (uint32_t)acc;
}

uint16_t tso_csum_fold(uint32_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t)sum;
}

int tso_csum_complete(uint8_t *frame, uint32_t len, uint32_t csum_start,
                      uint32_t csum_offset)
{
    if (csum_start >= len || csum_offset > len - csum_start
        || len - csum_start - csum_offset < 2) {
        return -1;
    }
    uint16_t sum = tso_csum_fold(tso_csum_add(0, frame + csum_start,
                                              len - csum_start));
    wr16(frame + csum_start + csum_offset, (uint16_t)~sum);
    return 0;
}

/* Finds the L3 header after up to two VLAN tags; returns the ethertype. */
static uint16_t skip_l2(const uint8_t *f, uint32_t len, uint32_t *l3_ofs)
{
    uint32_t ofs = 12;
    for (int tags = 0; ; tags++) {
        if (ofs + 2 > len) {
            return 0;
        }
        uint16_t type = rd16(f + ofs);
        if ((type == 0x8100 || type == 0x88a8) && tags < 2) {
            ofs += 4;
            continue;
        }
        *l3_ofs = ofs + 2;
        return type;
    }
}

int tso_begin(struct tso_iter *it, const uint8_t *f, uint32_t len,
              uint32_t mss)
{
    memset(it, 0, sizeof *it);
    if (!mss || len < ETH_HLEN_) {
        return -1;
    }
    uint32_t l3 = 0, l4;
    uint16_t type = skip_l2(f, len, &l3);
    if (type == 0x0800) {
        if (l3 + 20 > len || (f[l3] >> 4) != 4 || f[l3 + 9] != 6
            || (rd16(f + l3 + 6) & 0x3fff)) {   /* MF or offset: fragment */
            return -1;
        }
        l4 = l3 + (uint32_t)(f[l3] & 0xf) * 4;
        if ((f[l3] & 0xf) < 5) {
            return -1;
        }
        it->ip_id = rd16(f + l3 + 4);
    } else if (type == 0x86dd) {
        if (l3 + 40 > len || (f[l3] >> 4) != 6 || f[l3 + 6] != 6) {
            return -1;
        }
        l4 = l3 + 40;
        it->ipv6 = true;
    } else {
        return -1;
    }
    if (l4 + 20 > len) {
        return -1;
    }
    uint32_t hdr_len = l4 + (uint32_t)(f[l4 + 12] >> 4) * 4;
    if ((f[l4 + 12] >> 4) < 5 || hdr_len > len) {
        return -1;
    }
    it->frame = f;
    it->len = len;
    it->l3_ofs = l3;
    it->l4_ofs = l4;
    it->hdr_len = hdr_len;
    it->mss = mss;
    it->pos = hdr_len;
    it->seq = rd32(f + l4 + 4);
    it->tcp_flags = f[l4 + 13];
    return 0;
}

/* Fixes the IP header of a segment whose L4 part is `l4_len` bytes. */
static void fix_ip(const struct tso_iter *it, uint8_t *out, uint32_t l4_len,
                   uint16_t ip_id)
{
    uint8_t *ip = out + it->l3_ofs;
    if (it->ipv6) {
        wr16(ip + 4, (uint16_t)l4_len);
        return;
    }
    wr16(ip + 2, (uint16_t)(it->l4_ofs - it->l3_ofs + l4_len));
    wr16(ip + 4, ip_id);
    wr16(ip + 10, 0);
    uint32_t ihl = it->l4_ofs - it->l3_ofs;
    wr16(ip + 10, (uint16_t)~tso_csum_fold(tso_csum_add(0, ip, ihl)));
}

/* The TCP checksum over the pseudo-header and the segment. */
static void fix_tcp_csum(const struct tso_iter *it, uint8_t *out,
                         uint32_t l4_len)
{
    const uint8_t *ip = out + it->l3_ofs;
    uint8_t *tcp = out + it->l4_ofs;
    uint32_t sum = it->ipv6 ? tso_csum_add(0, ip + 8, 32)
                            : tso_csum_add(0, ip + 12, 8);
    sum += 6 + l4_len;          /* protocol and TCP length */
    wr16(tcp + 16, 0);
    sum = tso_csum_add(sum, tcp, l4_len);
    wr16(tcp + 16, (uint16_t)~tso_csum_fold(sum));
}

int tso_next(struct tso_iter *it, uint8_t *out, uint32_t size)
{
    if (!it->frame || it->pos >= it->len) {
        return 0;
    }
    bool first = it->pos == it->hdr_len;
    uint32_t chunk = it->len - it->pos;
    if (chunk > it->mss) {
        chunk = it->mss;
    }
    bool last = it->pos + chunk >= it->len;
    uint32_t seg_len = it->hdr_len + chunk;
    if (seg_len > size) {
        return -1;
    }
    uint32_t done = it->pos - it->hdr_len;
    memcpy(out, it->frame, it->hdr_len);
    memcpy(out + it->hdr_len, it->frame + it->pos, chunk);

    uint8_t *tcp = out + it->l4_ofs;
    wr32(tcp + 4, it->seq + done);
    uint8_t flags = it->tcp_flags;
    if (!last) {
        flags &= (uint8_t)~(TCP_FIN | TCP_PSH);
    }
    if (!first) {
        flags &= (uint8_t)~TCP_CWR;
    }
    tcp[13] = flags;
    uint32_t l4_len = seg_len - it->l4_ofs;
    fix_ip(it, out, l4_len, (uint16_t)(it->ip_id + done / it->mss));
    fix_tcp_csum(it, out, l4_len);
    it->pos += chunk;
    return (int)seg_len;
}
