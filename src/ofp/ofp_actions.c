/* Ownership of action lists (ofp_actions.h): a list is one allocation,
 * plus what its actions own (a controller action's userdata, a learn's
 * payload and specs), freed and copied here. */
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
        } else if (acts[i].type == OFPACT_LEARN && acts[i].learn) {
            free(acts[i].learn->specs);
            free(acts[i].learn);
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
        } else if (copy[i].type == OFPACT_LEARN && copy[i].learn) {
            const struct ofpact_learn *l = acts[i].learn;
            struct ofpact_learn *c = xmalloc(sizeof *c);
            *c = *l;
            c->specs = NULL;
            if (l->n_specs) {
                c->specs = xmalloc(l->n_specs * sizeof *c->specs);
                memcpy(c->specs, l->specs, l->n_specs * sizeof *c->specs);
            }
            copy[i].learn = c;
        }
    }
    return copy;
}

/* ---- learn ---- */

struct ofpact_learn *ofpact_learn_new(void)
{
    struct ofpact_learn *l = xcalloc(1, sizeof *l);
    l->priority = 32768;
    l->table_id = 1;
    return l;
}

static mf_value bits_at(unsigned ofs, unsigned n)
{
    mf_value m = n >= 128 ? ~(mf_value) 0 : ((mf_value) 1 << n) - 1;
    return m << ofs;
}

/* OVS's mf_check__: the bit range fits the field. */
static int check_range(const struct mf_field *f, unsigned ofs, unsigned n)
{
    if (!f) {
        return -OFPERR_OFPBAC_BAD_SET_TYPE;
    }
    if (!n || ofs >= f->n_bits || ofs + n > f->n_bits) {
        return -OFPERR_OFPBAC_BAD_SET_LEN;
    }
    return 0;
}

int ofpact_learn_check(const struct ofpact_learn *l,
                       const struct xflow *match_value,
                       const struct xflow *match_mask)
{
    struct xflow dv, dm;    /* what the learned flow's match has so far */
    memset(&dv, 0, sizeof dv);
    memset(&dm, 0, sizeof dm);
    int err;
    if (l->flags & NX_LEARN_F_WRITE_RESULT) {
        if ((err = check_range(l->result_dst, l->result_ofs, 1))) {
            return err;
        }
        if (!l->result_dst->writable) {
            return -OFPERR_OFPBAC_BAD_SET_ARGUMENT;
        }
    }
    for (size_t i = 0; i < l->n_specs; i++) {
        const struct learn_spec *s = &l->specs[i];
        if (s->src) {
            if ((err = check_range(s->src, s->src_ofs, s->n_bits))) {
                return err;
            }
            if (match_value
                && !mf_prereq_matched(s->src->prereq, match_value,
                                      match_mask)) {
                return -OFPERR_OFPBAC_MATCH_INCONSISTENT;
            }
        } else if (s->dst_type == LEARN_DST_OUTPUT) {
            return -OFPERR_OFPBAC_BAD_ARGUMENT;
        }
        if (s->dst_type == LEARN_DST_OUTPUT) {
            continue;
        }
        if ((err = check_range(s->dst, s->dst_ofs, s->n_bits))) {
            return err;
        }
        if (!mf_prereq_matched(s->dst->prereq, &dv, &dm)) {
            return -OFPERR_OFPBAC_MATCH_INCONSISTENT;
        }
        if (s->dst_type == LEARN_DST_LOAD) {
            if (!s->dst->writable) {
                return -OFPERR_OFPBAC_BAD_SET_ARGUMENT;
            }
        } else if (!s->src) {
            mf_value m = bits_at(s->dst_ofs, s->n_bits);
            mf_set_masked(s->dst, &dv, s->imm << s->dst_ofs, m);
            mf_set_masked(s->dst, &dm, m, m);
        }
    }
    return 0;
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
