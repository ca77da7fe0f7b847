/* Internet checksum helpers (RFC 1071) over memory-order 16-bit words. */
#include "dp/net_headers.h"

#include <string.h>

uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
    const uint8_t *d = data;
    uint64_t acc = sum;
    /* 32-bit words: their sum folds to the same 16-bit sum as the halves'
     * (2^16 == 1 in ones'-complement arithmetic). */
    for (; len >= 4; d += 4, len -= 4) {
        uint32_t w;
        memcpy(&w, d, sizeof w);
        acc += w;
    }
    if (len >= 2) {
        uint16_t w;
        memcpy(&w, d, sizeof w);
        acc += w;
        d += 2;
        len -= 2;
    }
    if (len) {
        uint16_t w = 0;
        memcpy(&w, d, 1);       /* the odd byte is the word's first */
        acc += w;
    }
    /* Down to 16 bits (the same ones'-complement sum), so that callers can
     * add words to the result without overflowing 32 bits and losing a
     * carry (ipv4_header_csum did: found by fuzz_tso). */
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffffffu) + (acc >> 32);
    return csum_fold((uint32_t)acc);
}

uint16_t ipv4_header_csum(const struct ipv4_header *ip)
{
    uint32_t sum = csum_add(0, ip, ipv4_header_len(ip));
    return csum_finish(sum + (uint16_t)~ip->csum);  /* cancels the field */
}

uint32_t ipv4_pseudo_sum(const struct ipv4_header *ip, uint8_t proto,
                         uint32_t l4_len)
{
    uint32_t sum = csum_add32(0, ip->src);
    sum = csum_add32(sum, ip->dst);
    sum = csum_add16(sum, htons(proto));
    return csum_add32(sum, htonl(l4_len));
}

uint32_t ipv6_pseudo_sum(const struct ipv6_header *ip, uint8_t proto,
                         uint32_t l4_len)
{
    uint32_t sum = csum_add(0, ip->src, sizeof ip->src + sizeof ip->dst);
    sum = csum_add32(sum, htonl(l4_len));
    return csum_add16(sum, htons(proto));
}
