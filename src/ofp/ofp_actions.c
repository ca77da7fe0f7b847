/* Ownership of action lists (ofp_actions.h): a list is one allocation,
 * plus what its actions own (a controller action's userdata), freed and
 * copied here. */
#include "ofp/ofp_actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "ofp/ofp_errors.h"

void ofpacts_free(struct ofpact *acts, size_t n)
{
    for (size_t i = 0; acts && i < n; i++) {
        if (acts[i].type == OFPACT_CONTROLLER) {
            free(acts[i].output.userdata);
        }
    }
    free(acts);
}

struct ofpact *ofpacts_clone(const struct ofpact *acts, size_t n)
{
    if (!n) {
        return NULL;
    }
    struct ofpact *copy = xmalloc(n * sizeof *copy);
    memcpy(copy, acts, n * sizeof *copy);
    for (size_t i = 0; i < n; i++) {
        struct ofpact *a = &copy[i];
        if (a->type == OFPACT_CONTROLLER && a->output.userdata) {
            a->output.userdata = xmemdup(a->output.userdata,
                                         a->output.userdata_len);
        }
    }
    return copy;
}

/* ---- conj: conjunction lists ---- */

const char *ofpact_name(enum ofpact_type type)
{
    static const char *const names[] = {
#define OFPACT(ENUM, FN, PAYLOAD, OF10, OF13, NX, SAMPLE, NAME, ALIAS)       \
        [OFPACT_##ENUM] = NAME,
        OFPACTS
#undef OFPACT
    };
    return (unsigned) type < OFPACT_N_TYPES ? names[type] : "unknown";
}

bool ofpacts_is_conjunctive(const struct ofpact *acts, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (acts[i].type == OFPACT_CONJUNCTION) {
            return true;
        }
    }
    return false;
}

int ofpacts_check_conjunction(const struct ofpact *acts, size_t n, char *err,
                              size_t errlen)
{
    if (!ofpacts_is_conjunctive(acts, n)) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (acts[i].type != OFPACT_CONJUNCTION && acts[i].type != OFPACT_NOTE) {
            if (err && errlen) {
                snprintf(err, errlen, "\"conjunction\" actions may be used "
                         "along with \"note\" but not any other kind of "
                         "action (such as the \"%s\" action used here)",
                         ofpact_name(acts[i].type));
            }
            return -OFPERR_NXBAC_BAD_CONJUNCTION;
        }
    }
    return 0;
}
