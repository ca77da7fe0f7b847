/* libFuzzer harness: flow_key_extract on any frame (0..2000 bytes), then the
 * key printed by flow_key_format must parse back with flow_key_parse to the
 * same key and print the same text again; the header offsets it records
 * must lie in the frame.  Built by scripts/fuzz.sh. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp/flow_key.h"
#include "dp/packet.h"

#define MAX_FRAME 2000

static void fail(const char *what, const char *text, const char *again)
{
    fprintf(stderr, "%s\n  text:  %s\n  again: %s\n", what, text,
            again ? again : "");
    abort();
}

/* The datapath syntax carries L4 fields only where OVS's does: TCP, UDP,
 * SCTP, ICMP over IPv4 and ICMPv6 (with ND) over IPv6.  What extraction
 * keys beyond that, as OVS's miniflow_extract (IGMP type and code, ICMP
 * in IPv6, ICMPv6 in IPv4), is cleared before keys are compared. */
static void clear_uncarried(struct flow_key *k)
{
    uint16_t t = ntohs(k->dl_type);
    uint8_t proto = k->nw_proto;
    bool v4 = t == ETH_TYPE_IP, v6 = t == ETH_TYPE_IPV6;
    bool carried = proto == IP_PROTO_TCP || proto == IP_PROTO_UDP
                   || proto == IP_PROTO_SCTP
                   || (v4 && proto == IP_PROTO_ICMP)
                   || (v6 && proto == IP_PROTO_ICMPV6);
    if ((v4 || v6) && !carried) {
        k->tp_src = k->tp_dst = 0;
        memset(k->nd_target, 0, sizeof k->nd_target);
        memset(&k->arp_sha, 0, sizeof k->arp_sha);
        memset(&k->arp_tha, 0, sizeof k->arp_tha);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > MAX_FRAME) {
        return 0;
    }
    /* Exactly sized buffer so that ASan sees any read past the frame. */
    uint8_t *buf = malloc(PACKET_HEADROOM + size + 1);
    struct dp_packet p;
    dp_packet_init(&p, buf, PACKET_HEADROOM + (uint32_t)size, PACKET_HEADROOM);
    if (!dp_packet_set_data(&p, data, (uint32_t)size)) {
        fail("frame did not fit", "", NULL);
    }
    struct flow_key key;
    memset(&key, 0xa5, sizeof key);
    flow_key_extract(&p, &key);
    free(buf);
    /* The offsets it recorded lie in the frame, L4 after a whole IP header
     * (what set actions, tunnels and segmentation rely on). */
    const uint16_t none = DP_PACKET_OFS_NONE;
    if (!p.ofs_valid || (p.l3_ofs != none && p.l3_ofs > p.len)
        || (p.l4_ofs != none && (p.l3_ofs == none || p.l4_ofs > p.len
                                 || p.l4_ofs < p.l3_ofs + 20))) {
        fail("header offsets out of place", "", NULL);
    }

    char text[2048], again[2048], err[256];
    int n = flow_key_format(&key, NULL, text, sizeof text);
    if (n < 0 || (size_t)n >= sizeof text) {
        fail("format too long", text, NULL);
    }
    struct flow_key k2;
    if (flow_key_parse(text, &k2, NULL, err, sizeof err)) {
        fail("parse of formatted key failed", text, err);
    }
    flow_key_format(&k2, NULL, again, sizeof again);
    if (strcmp(text, again)) {
        fail("text changed after a round trip", text, again);
    }
    clear_uncarried(&key);
    if (memcmp(&key, &k2, sizeof key)) {
        fail("key changed after a round trip", text, again);
    }

    /* The same with an exact mask. */
    struct flow_key exact, m2;
    memset(&exact, 0xff, sizeof exact);
    n = flow_key_format(&key, &exact, text, sizeof text);
    if (n < 0 || (size_t)n >= sizeof text) {
        fail("masked format too long", text, NULL);
    }
    if (flow_key_parse(text, &k2, &m2, err, sizeof err)) {
        fail("parse of masked formatted key failed", text, err);
    }
    flow_key_format(&k2, &m2, again, sizeof again);
    if (strcmp(text, again)) {
        fail("masked text changed after a round trip", text, again);
    }
    return 0;
}
