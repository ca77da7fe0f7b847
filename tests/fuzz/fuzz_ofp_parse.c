/* libFuzzer harness for the ovs-ofctl flow syntax (src/ofp/ofp_parse.h):
 * the first byte's low 2 bits pick the mode (add / modify / match / actions
 * only), the rest is the text.  When bit 2 is set, the text is put after a
 * keyword of the lists chosen by the second byte (a field of MF_FIELDS
 * "name=" in the flow modes, an action of OFPACTS "name:" in the actions
 * mode), so that every entry's parser gets fuzzed.  A flow that parses must
 * print, and the printed form must parse again and print the same (as
 * `dump-flows` output is fed back to `add-flows`). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/dstr.h"
#include "ofp/ofp_parse.h"

static void fail(const char *what, const char *in, const char *text,
                 const char *again)
{
    fprintf(stderr, "%s\n  input: %s\n  text:  %s\n  again: %s\n", what, in,
            text, again);
    abort();
}

static void print_flow(const struct ofp_flow_spec *spec, struct dstr *out)
{
    ofp_match_format(&spec->match, spec->priority, out);
    dstr_put(out, out->len ? " actions=" : "actions=");
    ofpacts_format(spec->acts, spec->n_acts, out);
}

static void flow(const char *in, enum ofp_parse_mode mode)
{
    struct ofp_flow_spec spec, spec2;
    char err[256];
    err[0] = '\0';
    int r = ofp_parse_flow(in, mode, &spec, err, sizeof err);
    if (r) {
        if (!err[0]) {
            fail("error without a message", in, "", "");
        }
        ofp_flow_spec_free(&spec);
        return;
    }
    struct dstr text = DSTR_INIT, again = DSTR_INIT;
    print_flow(&spec, &text);
    (void)ofp_match_covers(&spec.match, &spec.match);
    if (mode == OFP_PARSE_ADD) {
        if (ofp_parse_flow(dstr_str(&text), OFP_PARSE_ADD, &spec2, err,
                           sizeof err)) {
            fail("printed flow does not parse", in, dstr_str(&text), err);
        }
        print_flow(&spec2, &again);
        if (strcmp(dstr_str(&text), dstr_str(&again))) {
            fail("text changed after a round trip", in, dstr_str(&text),
                 dstr_str(&again));
        }
        if (!ofp_match_equal(&spec.match, &spec2.match)) {
            fail("match changed after a round trip", in, dstr_str(&text),
                 dstr_str(&again));
        }
        ofp_flow_spec_free(&spec2);
    }
    dstr_free(&text);
    dstr_free(&again);
    ofp_flow_spec_free(&spec);
}

static void actions_only(const char *in)
{
    struct ofpact *acts = NULL;
    size_t n = 0;
    char err[256];
    err[0] = '\0';
    if (ofpacts_parse(in, &acts, &n, err, sizeof err)) {
        if (!err[0]) {
            fail("error without a message", in, "", "");
        }
        ofpacts_free(acts, n);
        return;
    }
    struct dstr out = DSTR_INIT;
    ofpacts_format(acts, n, &out);
    dstr_free(&out);
    ofpacts_free(acts, n);
}

static const char *const action_names[] = {
#define OFPACT(ENUM, FN, PAYLOAD, OF10, OF13, NX, SAMPLE, NAME, ALIAS) NAME,
    OFPACTS
#undef OFPACT
};

/* The keyword that `pick` selects for `mode`: an action ("mod_nw_src:")
 * in the actions mode, in add and modify one after "actions=" for odd
 * picks, else a field ("nw_src="). */
static void keyword(unsigned mode, uint8_t pick, char *buf, size_t size)
{
    bool action = mode == 3 || (mode != 2 && (pick & 1));
    if (action) {
        size_t n = sizeof action_names / sizeof *action_names;
        snprintf(buf, size, "%s%s:", mode == 3 ? "" : "actions=",
                 action_names[(pick >> 1) % n]);
        return;
    }
    size_t n;
    const struct mf_field *fields = mf_all(&n);
    snprintf(buf, size, "%s=", fields[pick % n].name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096) {
        return 0;
    }
    char kw[64] = "";
    size_t skip = 1;
    if ((data[0] & 4) && size >= 2) {
        keyword(data[0] & 3, data[1], kw, sizeof kw);
        skip = 2;
    }
    size_t kw_len = strlen(kw);
    char *in = malloc(kw_len + size - skip + 1);
    memcpy(in, kw, kw_len);
    memcpy(in + kw_len, data + skip, size - skip);
    in[kw_len + size - skip] = '\0';
    switch (data[0] & 3) {
    case 0: flow(in, OFP_PARSE_ADD); break;
    case 1: flow(in, OFP_PARSE_MODIFY); break;
    case 2: flow(in, OFP_PARSE_MATCH); break;
    default: actions_only(in); break;
    }
    free(in);
    return 0;
}
