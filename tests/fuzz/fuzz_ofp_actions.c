/* libFuzzer harness for actions and instructions on the wire
 * (src/ofp/actions_wire.h).  The first byte picks the version (low 2 bits:
 * 1.0, 1.3, 1.4, 1.5) and whether the rest is instructions (bit 2) or a
 * plain action list.  What decodes must encode again; that encoding must
 * decode, and encode once more to the same bytes (the first re-encoding may
 * differ from the input: another header for a field, NXAST_RESUBMIT as
 * NXAST_RESUBMIT_TABLE...). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ofp/actions_wire.h"

static void fail(const char *what)
{
    fprintf(stderr, "%s\n", what);
    abort();
}

typedef int pull_fn(const void *, size_t, uint8_t, struct ofpact **,
                    size_t *);
typedef int put_fn(struct ofpbuf *, const struct ofpact *, size_t, uint8_t);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!size) {
        return 0;
    }
    static const uint8_t versions[] = { 1, 4, 5, 6 };
    uint8_t version = versions[data[0] & 3];
    bool inst = data[0] & 4;
    pull_fn *pull = inst ? ofpacts_pull_instructions : ofpacts_pull_actions;
    put_fn *put = inst ? ofpacts_put_instructions : ofpacts_put_actions;
    struct ofpact *acts = NULL;
    size_t n = 0;
    int err = pull(data + 1, size - 1, version, &acts, &n);
    if (err) {
        if (err > 0 || acts || n) {
            fail("a failed decode left something");
        }
        return 0;
    }
    if ((n == 0) != (acts == NULL)) {
        fail("empty list not NULL");
    }
    struct ofpbuf b1 = OFPBUF_INIT, b2 = OFPBUF_INIT;
    if (put(&b1, acts, n, version)) {
        fail("decoded actions do not encode");
    }
    struct ofpact *acts2;
    size_t n2;
    if (pull(b1.data, b1.size, version, &acts2, &n2)) {
        fail("encoded actions do not decode");
    }
    if (put(&b2, acts2, n2, version)) {
        fail("re-decoded actions do not encode");
    }
    if (b1.size != b2.size || (b1.size && memcmp(b1.data, b2.data, b1.size))) {
        fail("encoding not stable");
    }
    ofpacts_free(acts, n);
    ofpacts_free(acts2, n2);
    ofpbuf_uninit(&b1);
    ofpbuf_uninit(&b2);
    return 0;
}
