/* libFuzzer harness for vxlan port options (vport/vxlan/config.c): the
 * input is "key=value" lines (a line without '=' is a key with no value).
 * Parsing must either succeed or refuse with a message; what parses prints
 * (vxlan_config_format) as options that parse again to the same config and
 * print the same text; a short buffer is safe (snprintf semantics). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp/vport/vxlan/config.h"

#define MAX_OPTS 16

static void fail(const char *what, const char *text, const char *more)
{
    fprintf(stderr, "%s\n  text: %s\n  more: %s\n", what, text, more);
    abort();
}

/* Splits `s` (modified) at `sep` into key=value options; returns how
 * many. */
static size_t split_opts(char *s, const char *sep, struct vport_opt *opts)
{
    size_t n = 0;
    char *save = NULL;
    for (char *tok = strtok_r(s, sep, &save); tok && n < MAX_OPTS;
         tok = strtok_r(NULL, sep, &save)) {
        char *eq = strchr(tok, '=');
        if (eq) {
            *eq = '\0';
        }
        opts[n].key = tok;
        opts[n].value = eq ? eq + 1 : NULL;
        n++;
    }
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) {
        return 0;
    }
    char *in = malloc(size + 1);
    memcpy(in, data, size);
    in[size] = '\0';
    struct vport_opt opts[MAX_OPTS];
    size_t n = split_opts(in, "\n", opts);

    struct vxlan_config cfg, again;
    char err[VPORT_ERR_MAX] = "";
    if (vxlan_config_parse("vx0", opts, n, &cfg, err, sizeof err)) {
        if (!err[0]) {
            fail("refused without a message", (const char *)data, "");
        }
        free(in);
        return 0;
    }
    char text[512], text2[512], small[9];
    int len = vxlan_config_format(&cfg, text, sizeof text);
    if (len < 0 || (size_t)len >= sizeof text) {
        fail("format too long", text, "");
    }
    vxlan_config_format(&cfg, small, sizeof small);
    /* The printed form is "k=v, k=v": it must read back the same. */
    char *copy = strdup(text);
    struct vport_opt opts2[MAX_OPTS];
    size_t n2 = 0;
    char *save = NULL;
    for (char *tok = strtok_r(copy, ",", &save); tok && n2 < MAX_OPTS;
         tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ') {
            tok++;
        }
        char *eq = strchr(tok, '=');
        if (!eq) {
            fail("printed option without '='", text, tok);
        }
        *eq = '\0';
        opts2[n2].key = tok;
        opts2[n2].value = eq + 1;
        n2++;
    }
    if (vxlan_config_parse("vx0", opts2, n2, &again, err, sizeof err)) {
        fail("printed options do not parse", text, err);
    }
    if (memcmp(&cfg, &again, sizeof cfg)) {
        vxlan_config_format(&again, text2, sizeof text2);
        fail("config changed after a round trip", text, text2);
    }
    free(copy);
    free(in);
    return 0;
}
