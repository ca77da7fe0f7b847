/* libFuzzer harness for groups on the wire (src/ofp/ofp_group.c): group
 * mods (NXT_GROUP_MOD in 1.0, OF1.3, OF1.4, OF1.5), group desc, stats and
 * features replies.  The first byte picks the header (the table below) and
 * the rest is the body.  A group mod that decodes is encoded again in its
 * version and must decode to the same group; every decoded message is
 * printed.  The message is built in an exactly sized buffer, so ASan sees
 * any read past it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/ofp_msgs.h"
#include "ofp/ofp_print.h"

static void fail(const char *what)
{
    fprintf(stderr, "%s\n", what);
    abort();
}

struct hdr {
    uint8_t n;
    uint8_t bytes[24];
};

#define NX 0x00, 0x00, 0x23, 0x20
static const struct hdr hdrs[] = {
    { 16, { 1, 4, 0, 0, 0, 0, 0, 0, NX, 0, 0, 0, 31 } },  /* NXT_GROUP_MOD */
    { 8, { 4, 15 } },                                     /* OF1.3 */
    { 8, { 5, 15 } },                                     /* OF1.4 */
    { 8, { 6, 15 } },                                     /* OF1.5 */
    { 24, { 1, 17, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, NX, 0, 0, 0, 8 } },
    { 16, { 4, 19, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0 } },      /* desc reply */
    { 16, { 6, 19, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0 } },
    { 24, { 1, 17, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, NX, 0, 0, 0, 7 } },
    { 16, { 4, 19, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0 } },      /* stats reply */
    { 16, { 6, 19, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0 } },
    { 16, { 4, 19, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0 } },      /* features */
    { 16, { 6, 18, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0 } },      /* desc request */
    { 16, { 4, 18, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0 } },      /* stats request */
};

static void group_mod(const struct ofp_msg *m)
{
    struct ofp_group_mod gm, back;
    if (ofp_decode_group_mod(m, &gm)) {
        return;
    }
    struct ofpbuf b = OFPBUF_INIT;
    if (!ofp_encode_group_mod(&b, m->version, m->xid, &gm)) {
        struct ofp_msg m2;
        if (ofp_msg_decode(b.data, b.size, &m2)
            || ofp_decode_group_mod(&m2, &back)) {
            fail("group_mod round trip");
        }
        if (back.command != gm.command || back.type != gm.type
            || back.group_id != gm.group_id
            || back.n_buckets != gm.n_buckets
            || back.props.n_fields != gm.props.n_fields) {
            fail("group_mod round trip differs");
        }
        ofp_group_mod_free(&back);
    }
    ofp_group_mod_free(&gm);
    ofpbuf_uninit(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65535 - 24) {
        return 0;
    }
    const struct hdr *h = &hdrs[data[0] % (sizeof hdrs / sizeof hdrs[0])];
    size_t len = h->n + size - 1;
    uint8_t *msg = malloc(len);
    memcpy(msg, h->bytes, h->n);
    msg[2] = (uint8_t) (len >> 8);
    msg[3] = (uint8_t) len;
    msg[7] = 1;
    memcpy(msg + h->n, data + 1, size - 1);
    struct ofp_msg m;
    if (!ofp_msg_decode(msg, len, &m)) {
        if (m.type == OFPTYPE_GROUP_MOD) {
            group_mod(&m);
        } else if (m.type == OFPTYPE_GROUP_DESC_STATS_REPLY) {
            struct ofp_group_mod *gds;
            size_t n;
            if (!ofp_decode_group_desc_reply(&m, &gds, &n)) {
                ofp_group_descs_free(gds, n);
            }
        } else if (m.type == OFPTYPE_GROUP_STATS_REPLY) {
            struct ofp_group_stats *gs;
            size_t n;
            if (!ofp_decode_group_stats_reply(&m, &gs, &n)) {
                ofp_group_stats_free(gs, n);
            }
        }
        struct dstr d = DSTR_INIT;
        ofp_print_msg(&d, msg, len, 2);
        dstr_free(&d);
    }
    free(msg);
    return 0;
}
