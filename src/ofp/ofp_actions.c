/* Ownership of action lists (ofp_actions.h): a list is one allocation,
 * plus what its actions own (a controller action's userdata), freed and
 * copied here. */
#include "ofp/ofp_actions.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

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
