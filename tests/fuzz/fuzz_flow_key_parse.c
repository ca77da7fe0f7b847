/* libFuzzer harness: flow_key_parse on any text (dpctl add-flow feeds it).
 * What parses must print with flow_key_format, and that text must parse to
 * the same text again (format is a fixed point after one round). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp/flow_key.h"

static void fail(const char *what, const char *in, const char *text,
                 const char *again)
{
    fprintf(stderr, "%s\n  input: %s\n  text:  %s\n  again: %s\n", what, in,
            text, again);
    abort();
}

static void one(const char *in, bool masked)
{
    struct flow_key k, m, k2, m2;
    char err[256], text[4096], again[4096];
    err[0] = '\0';
    if (flow_key_parse(in, &k, masked ? &m : NULL, err, sizeof err)) {
        if (!err[0]) {
            fail("error without a message", in, "", "");
        }
        return;
    }
    int n = flow_key_format(&k, masked ? &m : NULL, text, sizeof text);
    if (n < 0 || (size_t)n >= sizeof text) {
        fail("format too long", in, text, "");
    }
    if (flow_key_parse(text, &k2, masked ? &m2 : NULL, err, sizeof err)) {
        fail("formatted key does not parse", in, text, err);
    }
    flow_key_format(&k2, masked ? &m2 : NULL, again, sizeof again);
    if (strcmp(text, again)) {
        fail("text changed after a round trip", in, text, again);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) {
        return 0;
    }
    char *in = malloc(size + 1);
    memcpy(in, data, size);
    in[size] = '\0';
    one(in, true);
    one(in, false);
    free(in);
    return 0;
}
