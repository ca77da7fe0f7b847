/* Ownership of action lists (ofp_actions.h): today no action owns heap
 * memory, so a list is one allocation; an action that comes to own some
 * (a learn's specs) frees and copies it here. */
#include "ofp/ofp_actions.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

void ofpacts_free(struct ofpact *acts, size_t n)
{
    (void) n;
    free(acts);
}

struct ofpact *ofpacts_clone(const struct ofpact *acts, size_t n)
{
    if (!n) {
        return NULL;
    }
    struct ofpact *copy = xmalloc(n * sizeof *copy);
    memcpy(copy, acts, n * sizeof *copy);
    return copy;
}
