/* libFuzzer harness for datapath action lists: the first byte picks
 *   even: the rest is a binary list: actions_format of anything (it must
 *         not read past the list), actions_validate, and of what validates:
 *         every action is in DP_ACTIONS at a size its entry allows, and the
 *         printed text parses to a list that validates;
 *   odd:  the rest is text: actions_parse, and what parses must validate,
 *         format, and parse again to the same bytes. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp/actions.h"

static void fail(const char *what, const char *text, const char *more)
{
    fprintf(stderr, "%s\n  text: %s\n  more: %s\n", what, text, more);
    abort();
}

/* Every action of the validated list (acts, len) is a listed type with a
 * payload size its entry allows. */
static void check_listed(const void *acts, size_t len, const char *text)
{
    DP_ACTION_FOR_EACH (a, acts, len) {
        const struct dp_action_kind *k = dp_action_kind(a->type);
        size_t n = dp_action_payload_len(a);
        if (!k || n < k->min_payload || n > k->max_payload) {
            fail("validated action not as listed", text, "");
        }
    }
}

static void binary(const uint8_t *data, size_t size)
{
    /* Copy to an aligned, exactly sized buffer: ASan sees overreads. */
    void *acts = malloc(size ? size : 1);
    memcpy(acts, data, size);
    char unchecked[8192];
    actions_format(acts, size, unchecked, sizeof unchecked);
    if (actions_validate(acts, size) == 0) {
        check_listed(acts, size, unchecked);
        char text[8192], err[256];
        int n = actions_format(acts, size, text, sizeof text);
        if (n >= 0 && (size_t)n < sizeof text) {
            struct action_buf *b = malloc(sizeof *b);
            action_buf_init(b);
            if (actions_parse(text, b, err, sizeof err)) {
                /* Not every valid list has a text form (OVS also prints
                 * some it cannot read back); report only real damage. */
            } else if (actions_validate(b->data, b->len)) {
                fail("parsed list does not validate", text, "");
            }
            free(b);
        }
        /* A short buffer must be safe too (snprintf semantics). */
        char small[7];
        actions_format(acts, size, small, sizeof small);
    }
    free(acts);
}

static void textual(const uint8_t *data, size_t size)
{
    char *in = malloc(size + 1);
    memcpy(in, data, size);
    in[size] = '\0';
    struct action_buf *b = malloc(sizeof *b), *b2 = malloc(sizeof *b2);
    char err[256], text[8192], again[8192];
    action_buf_init(b);
    err[0] = '\0';
    if (actions_parse(in, b, err, sizeof err)) {
        if (!err[0]) {
            fail("error without a message", in, "");
        }
    } else {
        if (actions_validate(b->data, b->len)) {
            fail("parsed list does not validate", in, "");
        }
        check_listed(b->data, b->len, in);
        int n = actions_format(b->data, b->len, text, sizeof text);
        if (n < 0 || (size_t)n >= sizeof text) {
            fail("format too long", in, "");
        }
        action_buf_init(b2);
        if (actions_parse(text, b2, err, sizeof err)) {
            fail("formatted list does not parse", text, err);
        }
        actions_format(b2->data, b2->len, again, sizeof again);
        if (strcmp(text, again)) {
            fail("text changed after a round trip", text, again);
        }
    }
    free(b);
    free(b2);
    free(in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 8192) {
        return 0;
    }
    if (data[0] & 1) {
        textual(data + 1, size - 1);
    } else {
        binary(data + 1, size - 1);
    }
    return 0;
}
