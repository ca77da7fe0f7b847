/* TCP segmentation and checksum completion in software, for tunnel output. */
#include "dp/vport/vxlan/tso.h"

#include <string.h>

#include "dp/net_headers.h"
#include "dp/packet.h"

int tso_csum_complete(uint8_t *frame, uint32_t len, uint32_t csum_start,
                      uint32_t csum_offset)
{
    if (csum_start >= len || csum_offset > len - csum_start
        || len - csum_start - csum_offset < 2) {
        return -1;
    }
    uint16_t csum = csum_finish(csum_add(0, frame + csum_start,
                                         len - csum_start));
    memcpy(frame + csum_start + csum_offset, &csum, sizeof csum);
    return 0;
}

/* Checks the IPv4 header at l3 (TCP, not a fragment, L4 right after it);
 * 0 or -1. */
static int begin_ipv4(struct tso_iter *it, const uint8_t *f, uint32_t len,
                      uint32_t l3, uint32_t l4)
{
    if (l3 + IPV4_HEADER_LEN > len) {
        return -1;
    }
    const struct ipv4_header *ip = (const void *)(f + l3);
    if (ipv4_version(ip) != 4 || ip->proto != IP_PROTO_TCP
        || (ip->frag_off & htons(IPV4_FRAG_MF | IPV4_FRAG_OFFSET_MASK))
        || ipv4_header_len(ip) < IPV4_HEADER_LEN
        || l4 != l3 + ipv4_header_len(ip)) {
        return -1;
    }
    it->ip_id = ntohs(ip->id);
    return 0;
}

/* Checks the IPv6 header at l3 (TCP right after it, no extension
 * headers); 0 or -1. */
static int begin_ipv6(struct tso_iter *it, const uint8_t *f, uint32_t len,
                      uint32_t l3, uint32_t l4)
{
    if (l3 + IPV6_HEADER_LEN > len) {
        return -1;
    }
    const struct ipv6_header *ip = (const void *)(f + l3);
    if (ipv6_version(ip) != 6 || ip->next != IP_PROTO_TCP
        || l4 != l3 + IPV6_HEADER_LEN) {
        return -1;
    }
    it->ipv6 = true;
    return 0;
}

int tso_begin(struct tso_iter *it, const uint8_t *f, uint32_t len,
              uint32_t l3, uint32_t l4, uint32_t mss)
{
    memset(it, 0, sizeof *it);
    if (!mss || len < ETH_HEADER_LEN || l3 < 2 || l3 == DP_PACKET_OFS_NONE
        || l4 == DP_PACKET_OFS_NONE || l3 > len) {
        return -1;
    }
    uint16_t type;
    memcpy(&type, f + l3 - 2, sizeof type);     /* the L3 ethertype */
    int error = type == htons(ETH_TYPE_IP) ? begin_ipv4(it, f, len, l3, l4)
                : type == htons(ETH_TYPE_IPV6) ? begin_ipv6(it, f, len, l3, l4)
                : -1;
    if (error || l4 + TCP_HEADER_LEN > len) {
        return -1;
    }
    const struct tcp_header *tcp = (const void *)(f + l4);
    uint32_t hdr_len = l4 + tcp_header_len(tcp);
    if (tcp_header_len(tcp) < TCP_HEADER_LEN || hdr_len > len) {
        return -1;
    }
    it->frame = f;
    it->len = len;
    it->l3_ofs = l3;
    it->l4_ofs = l4;
    it->hdr_len = hdr_len;
    it->mss = mss;
    it->pos = hdr_len;
    it->seq = ntohl(tcp->seq);
    it->tcp_flags = (uint8_t)ntohs(tcp->ctl);
    return 0;
}

/* Fixes the IP header of a segment whose L4 part is `l4_len` bytes. */
static void fix_ip(const struct tso_iter *it, uint8_t *out, uint32_t l4_len,
                   uint16_t ip_id)
{
    if (it->ipv6) {
        struct ipv6_header *ip = (void *)(out + it->l3_ofs);
        ip->payload_len = htons((uint16_t)l4_len);
        return;
    }
    struct ipv4_header *ip = (void *)(out + it->l3_ofs);
    ip->tot_len = htons((uint16_t)(it->l4_ofs - it->l3_ofs + l4_len));
    ip->id = htons(ip_id);
    ip->csum = ipv4_header_csum(ip);
}

/* The TCP checksum over the pseudo-header and the segment. */
static void fix_tcp_csum(const struct tso_iter *it, uint8_t *out,
                         uint32_t l4_len)
{
    const void *ip = out + it->l3_ofs;
    struct tcp_header *tcp = (void *)(out + it->l4_ofs);
    uint32_t sum = it->ipv6 ? ipv6_pseudo_sum(ip, IP_PROTO_TCP, l4_len)
                            : ipv4_pseudo_sum(ip, IP_PROTO_TCP, l4_len);
    tcp->csum = 0;
    tcp->csum = csum_finish(csum_add(sum, tcp, l4_len));
}

int tso_next(struct tso_iter *it, uint8_t *out, uint32_t size)
{
    if (!it->frame || (it->pos >= it->len && it->started)) {
        return 0;      /* (a frame of headers alone is still sent once) */
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

    struct tcp_header *tcp = (void *)(out + it->l4_ofs);
    tcp->seq = htonl(it->seq + done);
    uint8_t flags = it->tcp_flags;
    if (!last) {
        flags &= (uint8_t)~(TCP_F_FIN | TCP_F_PSH);
    }
    if (!first) {
        flags &= (uint8_t)~TCP_F_CWR;
    }
    /* The flags are the low byte of ctl, the second on the wire. */
    tcp->ctl = htons((uint16_t)((ntohs(tcp->ctl) & 0xff00) | flags));
    uint32_t l4_len = seg_len - it->l4_ofs;
    fix_ip(it, out, l4_len, (uint16_t)(it->ip_id + done / it->mss));
    fix_tcp_csum(it, out, l4_len);
    it->pos += chunk;
    it->started = true;
    return (int)seg_len;
}
