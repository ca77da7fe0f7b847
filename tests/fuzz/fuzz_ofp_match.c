/* libFuzzer harness for matches on the wire (src/ofp/match_wire.h).  The
 * first byte picks the decoder (low 2 bits): 0 OpenFlow 1.0's struct (the
 * rest, at least 40 bytes), 1 NXM TLVs, 2 an OF1.1+ OXM ofp_match, 3 OXM
 * TLVs; bits 2-3 the version an OXM encoding uses (1.3, 1.4, 1.5, 1.3).
 * A match that decodes must encode in every form that can say it (OF1.0
 * when ofp10_match_fits, NXM and OXM always) and decode back to the same
 * match, and a second encoding must give the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/match_wire.h"

static void fail(const char *what)
{
    fprintf(stderr, "%s\n", what);
    abort();
}

static void check_tlvs(const struct ofp_match *m, bool oxm, uint8_t version)
{
    struct ofpbuf b = OFPBUF_INIT, b2 = OFPBUF_INIT;
    struct ofp_match back;
    nx_put_match(&b, m, oxm, version);
    if (nx_pull_match(b.data, b.size, &back)) {
        fail("an encoded match does not decode");
    }
    if (!ofp_match_equal(&back, m)) {
        fail("match changed in a TLV round trip");
    }
    nx_put_match(&b2, &back, oxm, version);
    if (b.size != b2.size || (b.size && memcmp(b.data, b2.data, b.size))) {
        fail("TLV encoding not stable");
    }
    ofpbuf_clear(&b);
    if (oxm) {
        oxm_put_match(&b, m, version);
        struct ofpcur c = ofpcur_init(b.data, b.size);
        if (oxm_pull_match(&c, &back) || c.left
            || !ofp_match_equal(&back, m)) {
            fail("ofp_match round trip");
        }
    }
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&b2);
}

static void check(const struct ofp_match *m, uint8_t version)
{
    if (ofp10_match_fits(m)) {
        struct ofpbuf b = OFPBUF_INIT;
        struct ofp_match back;
        if (!ofp10_match_encode(m, &b) || b.size != OFP10_MATCH_LEN) {
            fail("a fitting match does not encode in OF1.0");
        }
        ofp10_match_decode(b.data, &back);
        if (!ofp_match_equal(&back, m)) {
            fail("match changed in an OF1.0 round trip");
        }
        ofpbuf_uninit(&b);
    }
    check_tlvs(m, false, 1);
    check_tlvs(m, true, version);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) {
        return 0;
    }
    static const uint8_t versions[] = { 4, 5, 6, 4 };
    uint8_t mode = data[0] & 3, version = versions[(data[0] >> 2) & 3];
    data++;
    size--;
    struct ofp_match m;
    int err = -1;
    switch (mode) {
    case 0:
        if (size >= OFP10_MATCH_LEN) {
            err = ofp10_match_decode(data, &m);
            if (err) {
                fail("OF1.0 decode failed");
            }
            if (!ofp10_match_fits(&m)) {
                fail("a decoded OF1.0 match does not fit OF1.0");
            }
        }
        break;
    case 1:
    case 3:
        err = nx_pull_match(data, size, &m);
        break;
    case 2: {
        struct ofpcur c = ofpcur_init(data, size);
        err = oxm_pull_match(&c, &m);
        if (err && c.left != size) {
            fail("a failed oxm_pull_match moved the cursor");
        }
        break;
    }
    }
    if (!err) {
        check(&m, version);
    } else if (err > 0) {
        fail("positive error");
    }
    return 0;
}
