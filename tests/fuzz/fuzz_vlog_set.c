/* libFuzzer harness for vlog/set specs (vlog_set_spec in src/lib/vlog.c).
 * The input is one spec.  Besides the sanitizers, it checks what a spec
 * may do: a refused spec changes no level; an accepted one is made only
 * of words the parser knows (a module, "ANY", a destination, a level), has
 * exactly one level word, and sets that level on the one module it names,
 * or on all of them, and on no other. */
#include "lib/vlog.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A few modules of our own, so that named-module specs can match. */
static struct vlog_module mods[] = {
    { "dpif", VLL_INFO, 0 }, { "unixctl", VLL_INFO, 0 },
    { "bridge", VLL_INFO, 0 },
};
#define N_MODS (sizeof mods / sizeof mods[0])

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    for (size_t i = 0; i < N_MODS; i++) {
        vlog_register(&mods[i]);
    }
    return 0;
}

static bool is_destination(const char *w)
{
    return !strcasecmp(w, "console") || !strcasecmp(w, "file")
           || !strcasecmp(w, "syslog");
}

/* What an accepted spec must be: known words, one level (returned), and
 * the module it names in *named (-1: none, i.e. all). */
static int expected_level(char *spec, int *named)
{
    int level = -1, n_levels = 0;
    *named = -1;
    char *save = NULL;
    for (char *w = strtok_r(spec, ": ,\t", &save); w;
         w = strtok_r(NULL, ": ,\t", &save)) {
        int l = vlog_level_from_name(w);
        if (l >= 0) {
            level = l;
            n_levels++;
            continue;
        }
        if (!strcasecmp(w, "ANY") || is_destination(w)) {
            continue;
        }
        size_t i;
        for (i = 0; i < N_MODS && strcmp(w, mods[i].name); i++) {
        }
        if (i == N_MODS) {
            return -2;   /* an unknown word: must have been refused */
        }
        *named = (int)i;
    }
    return n_levels == 1 ? level : -2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096) {
        return 0;
    }
    char *spec = malloc(size + 1);
    memcpy(spec, data, size);
    spec[size] = '\0';
    for (size_t i = 0; i < N_MODS; i++) {
        mods[i].level = VLL_INFO;
    }

    int rc = vlog_set_spec(spec);
    if (rc != 0 && rc != -1) {
        abort();
    }
    int named;
    int want = expected_level(spec, &named);   /* spec is cut up now */
    for (size_t i = 0; i < N_MODS; i++) {
        enum vlog_level got = mods[i].level;
        if (rc) {
            if (got != VLL_INFO) {
                abort();   /* refused, yet a level changed */
            }
        } else if (want < 0) {
            abort();       /* accepted a spec with unknown or no level */
        } else if (named < 0 || (size_t)named == i) {
            if ((int)got != want) {
                abort();   /* did not set the level the spec names */
            }
        } else if (got != VLL_INFO) {
            abort();       /* changed a module the spec does not name */
        }
    }
    free(spec);
    return 0;
}
