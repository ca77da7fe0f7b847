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
