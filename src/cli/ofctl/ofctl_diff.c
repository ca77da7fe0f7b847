/* vs-ofctl's flow files, replace-flows and diff-flows (ofctl_flows.h).
 * Flows are compared as ovs-ofctl compares them: the same table,
 * priority and match are one entry; two versions of it are equal when
 * cookie, timeouts, importance and actions (as text) agree. */
#include "cli/ofctl/ofctl_flows.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/dstr.h"
#include "ofp/ofp_port.h"

/* ---- flow files ---- */

static const struct {
    const char *word;
    enum ofp_flow_mod_command command;
} line_commands[] = {
    { "add", OFPFC_ADD }, { "modify", OFPFC_MODIFY },
    { "modify_strict", OFPFC_MODIFY_STRICT }, { "delete", OFPFC_DELETE },
    { "delete_strict", OFPFC_DELETE_STRICT },
};

/* Takes a leading command word off `line`. */
static enum ofp_flow_mod_command line_command(char **line)
{
    for (size_t i = 0; i < sizeof line_commands / sizeof *line_commands;
         i++) {
        size_t n = strlen(line_commands[i].word);
        if (!strncmp(*line, line_commands[i].word, n)
            && (*line)[n] == ' ') {
            *line += n + 1;
            return line_commands[i].command;
        }
    }
    return OFPFC_ADD;
}

static enum ofp_parse_mode mode_of(enum ofp_flow_mod_command c)
{
    return c == OFPFC_ADD ? OFP_PARSE_ADD
           : c == OFPFC_MODIFY || c == OFPFC_MODIFY_STRICT ? OFP_PARSE_MODIFY
           : OFP_PARSE_MATCH;
}

/* Cuts the comment and the surrounding blanks; NULL for an empty line. */
static char *clean_line(char *line)
{
    char *hash = strchr(line, '#');
    if (hash) {
        *hash = '\0';
    }
    while (*line == ' ' || *line == '\t' || *line == '\r') {
        line++;
    }
    size_t n = strlen(line);
    while (n && strchr(" \t\r", line[n - 1])) {
        line[--n] = '\0';
    }
    return *line ? line : NULL;
}

void ofctl_read_flow_file(const char *name, bool commands,
                          struct ofp_flow_mod **fms, size_t *n)
{
    char *text = ofctl_read_file(name);
    *fms = NULL;
    *n = 0;
    int line_no = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        line_no++;
        char *s = clean_line(line);
        if (!s) {
            continue;
        }
        enum ofp_flow_mod_command c = commands ? line_command(&s) : OFPFC_ADD;
        struct ofp_flow_spec spec;
        char err[256];
        if (ofp_parse_flow(s, mode_of(c), &spec, err, sizeof err)) {
            ofctl_fatal("%s:%d: %s", name, line_no, err);
        }
        *fms = xrealloc(*fms, (*n + 1) * sizeof **fms);
        ofp_flow_mod_from_spec(&spec, c, &(*fms)[(*n)++]);
        ofp_flow_spec_free(&spec);
    }
    free(text);
}

/* ---- flow table entries ---- */

struct fte_version {
    uint64_t cookie;
    uint16_t idle_timeout, hard_timeout, importance, flags;
    uint8_t table_id;
    char *actions;              /* as text */
    struct ofpact *acts;        /* owned */
    size_t n_acts;
};

struct fte {
    char *key;                  /* "table priority match" */
    uint8_t table_id;
    uint16_t priority;
    struct ofp_match match;
    struct fte_version *v[2];
};

struct fte_table {
    struct fte *e;
    size_t n;
    size_t *buckets;            /* index + 1; 0 = empty */
    size_t n_buckets;
};

static size_t hash_str(const char *s)
{
    size_t h = 1469598103934665603ull;
    while (*s) {
        h = (h ^ (unsigned char) *s++) * 1099511628211ull;
    }
    return h;
}

static void fte_rehash(struct fte_table *t)
{
    free(t->buckets);
    t->n_buckets = t->n_buckets ? t->n_buckets * 2 : 64;
    t->buckets = xcalloc(t->n_buckets, sizeof *t->buckets);
    for (size_t i = 0; i < t->n; i++) {
        size_t b = hash_str(t->e[i].key) & (t->n_buckets - 1);
        while (t->buckets[b]) {
            b = (b + 1) & (t->n_buckets - 1);
        }
        t->buckets[b] = i + 1;
    }
}

static struct fte *fte_find(struct fte_table *t, const char *key)
{
    if (2 * (t->n + 1) > t->n_buckets) {
        fte_rehash(t);
    }
    size_t b = hash_str(key) & (t->n_buckets - 1);
    while (t->buckets[b]) {
        struct fte *e = &t->e[t->buckets[b] - 1];
        if (!strcmp(e->key, key)) {
            return e;
        }
        b = (b + 1) & (t->n_buckets - 1);
    }
    t->e = xrealloc(t->e, (t->n + 1) * sizeof *t->e);
    struct fte *e = &t->e[t->n++];
    memset(e, 0, sizeof *e);
    e->key = xstrdup(key);
    t->buckets[b] = t->n;
    return e;
}

static void fte_add(struct fte_table *t, int index, uint8_t table_id,
                    uint16_t priority, const struct ofp_match *m,
                    struct fte_version *ver)
{
    struct dstr k = DSTR_INIT;
    dstr_printf(&k, "%u %u ", table_id, priority);
    ofp_match_format(m, -1, &k);
    struct fte *e = fte_find(t, dstr_str(&k));
    dstr_free(&k);
    e->table_id = table_id;
    e->priority = priority;
    e->match = *m;
    if (e->v[index]) {
        free(e->v[index]->actions);
        ofpacts_free(e->v[index]->acts, e->v[index]->n_acts);
        free(e->v[index]);
    }
    e->v[index] = ver;
}

static struct fte_version *version_new(const struct ofpact *acts, size_t n)
{
    struct fte_version *v = xcalloc(1, sizeof *v);
    struct dstr s = DSTR_INIT;
    ofpacts_format(acts, n, &s);
    v->actions = dstr_steal(&s);
    v->acts = ofpacts_clone(acts, n);
    v->n_acts = n;
    return v;
}

static void fte_add_file(struct fte_table *t, int index, const char *name)
{
    struct ofp_flow_mod *fms;
    size_t n;
    ofctl_read_flow_file(name, false, &fms, &n);
    for (size_t i = 0; i < n; i++) {
        const struct ofp_flow_mod *fm = &fms[i];
        struct fte_version *v = version_new(fm->acts, fm->n_acts);
        v->cookie = fm->new_cookie == UINT64_MAX ? 0 : fm->new_cookie;
        v->idle_timeout = fm->idle_timeout;
        v->hard_timeout = fm->hard_timeout;
        v->importance = fm->importance;
        v->flags = fm->flags & OFPFF_SEND_FLOW_REM;
        v->table_id = fm->table_id != OFP_TABLE_ALL ? fm->table_id : 0;
        fte_add(t, index, v->table_id, fm->priority, &fm->match, v);
        ofp_flow_mod_free(&fms[i]);
    }
    free(fms);
}

static void fte_add_switch(struct fte_table *t, int index, struct vconn *v,
                           const struct ofctl_proto *p)
{
    struct ofp_flow_stats_request r;
    memset(&r, 0, sizeof r);
    r.table_id = OFP_TABLE_ALL;
    r.out_port = OFPP_NONE;
    r.out_group = OFPG_ANY;
    struct ofp_flow_stats *fs;
    size_t n;
    ofctl_fetch_flows(v, p, &r, &fs, &n);
    for (size_t i = 0; i < n; i++) {
        struct fte_version *ver = version_new(fs[i].acts, fs[i].n_acts);
        ver->cookie = fs[i].cookie;
        ver->idle_timeout = fs[i].idle_timeout;
        ver->hard_timeout = fs[i].hard_timeout;
        ver->importance = fs[i].importance;
        ver->table_id = fs[i].table_id;
        fte_add(t, index, fs[i].table_id, fs[i].priority, &fs[i].match,
                ver);
    }
    ofp_flow_stats_free(fs, n);
}

static bool version_equal(const struct fte_version *a,
                          const struct fte_version *b)
{
    return a->cookie == b->cookie && a->idle_timeout == b->idle_timeout
           && a->hard_timeout == b->hard_timeout
           && a->importance == b->importance && a->table_id == b->table_id
           && !strcmp(a->actions, b->actions);
}

/* Table ascending, priority descending, then as they came. */
static int compare_ftes(const void *a_, const void *b_)
{
    const struct fte *a = a_, *b = b_;
    if (a->table_id != b->table_id) {
        return a->table_id < b->table_id ? -1 : 1;
    }
    if (a->priority != b->priority) {
        return a->priority > b->priority ? -1 : 1;
    }
    return a < b ? -1 : 1;
}

static void fte_sort(struct fte_table *t)
{
    qsort(t->e, t->n, sizeof *t->e, compare_ftes);
    free(t->buckets);
    t->buckets = NULL;
    t->n_buckets = 0;
}

static void fte_free(struct fte_table *t)
{
    for (size_t i = 0; i < t->n; i++) {
        for (int j = 0; j < 2; j++) {
            if (t->e[i].v[j]) {
                free(t->e[i].v[j]->actions);
                ofpacts_free(t->e[i].v[j]->acts, t->e[i].v[j]->n_acts);
                free(t->e[i].v[j]);
            }
        }
        free(t->e[i].key);
    }
    free(t->e);
    free(t->buckets);
}

/* ---- replace-flows ---- */

static void fte_flow_mod(const struct fte *e, int index,
                         enum ofp_flow_mod_command command,
                         struct ofp_flow_mod *fm)
{
    const struct fte_version *v = e->v[index];
    memset(fm, 0, sizeof *fm);
    fm->command = command;
    fm->match = e->match;
    fm->priority = e->priority;
    fm->table_id = v->table_id;
    fm->new_cookie = v->cookie;
    fm->idle_timeout = v->idle_timeout;
    fm->hard_timeout = v->hard_timeout;
    fm->importance = v->importance;
    fm->flags = v->flags;
    fm->buffer_id = OFP_NO_BUFFER;
    fm->out_port = OFPP_NONE;
    fm->out_group = OFPG_ANY;
    if (command == OFPFC_ADD) {
        fm->acts = v->acts;
        fm->n_acts = v->n_acts;
    }
}

/* The deletes of switch-only flows, then the adds of new or changed
 * ones, table by table. */
static size_t replace_mods(const struct fte_table *t, struct ofp_flow_mod *fms)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n;) {
        size_t end = i;
        while (end < t->n && t->e[end].table_id == t->e[i].table_id) {
            end++;
        }
        for (size_t j = i; j < end; j++) {
            if (t->e[j].v[1] && !t->e[j].v[0]) {
                fte_flow_mod(&t->e[j], 1, OFPFC_DELETE_STRICT, &fms[n++]);
            }
        }
        for (size_t j = i; j < end; j++) {
            const struct fte *e = &t->e[j];
            if (e->v[0] && (!e->v[1] || !version_equal(e->v[0], e->v[1]))) {
                fte_flow_mod(e, 0, OFPFC_ADD, &fms[n++]);
            }
        }
        i = end;
    }
    return n;
}

void ofctl_cmd_replace_flows(int argc, char *argv[])
{
    (void) argc;
    struct fte_table t = { NULL, 0, NULL, 0 };
    ofctl_port_names(argv[1], false);   /* the file may name ports */
    fte_add_file(&t, 0, argv[2]);
    ofctl_skip_name_lookup_xids();
    struct vconn *v = ofctl_open(argv[1], "mgmt");
    for (size_t i = 0; i < t.n && vconn_version(v) == OFP10_VERSION; i++) {
        if (t.e[i].table_id) {
            /* ovs-ofctl dumps with NXM, which has no table id. */
            ofctl_fatal("switch does not support any of the usable flow "
                        "formats (OXM,NXM+table_id)");
        }
    }
    struct ofctl_proto p;
    struct ofp_match all;
    memset(&all, 0, sizeof all);
    ofctl_set_dump_format(v, &all, false, &p);
    fte_add_switch(&t, 1, v, &p);
    fte_sort(&t);
    struct ofp_flow_mod *fms = xmalloc((t.n + 1) * sizeof *fms);
    size_t n = replace_mods(&t, fms);
    vconn_close(v);
    if (n) {
        ofctl_send_flow_mods(argv[1], fms, n);
    }
    free(fms);
    fte_free(&t);
}

/* ---- diff-flows ---- */

static void add_source(struct fte_table *t, int index, const char *source)
{
    struct stat st;
    if (source[0] == '/' || source[0] == '.'
        || (!strchr(source, ':') && !stat(source, &st))) {
        fte_add_file(t, index, source);
        return;
    }
    struct vconn *v = ofctl_open(source, "mgmt");
    struct ofctl_proto p;
    struct ofp_match all;
    memset(&all, 0, sizeof all);
    ofctl_set_dump_format(v, &all, false, &p);
    fte_add_switch(t, index, v, &p);
    vconn_close(v);
}

static void version_format(const struct fte *e, int index, struct dstr *s)
{
    const struct fte_version *v = e->v[index];
    dstr_truncate(s, 0);
    if (!v) {
        return;
    }
    if (v->table_id) {
        dstr_printf(s, "table=%u ", v->table_id);
    }
    ofp_match_format(&e->match, e->priority, s);
    if (v->cookie) {
        dstr_printf(s, " cookie=0x%" PRIx64, v->cookie);
    }
    if (v->idle_timeout) {
        dstr_printf(s, " idle_timeout=%u", v->idle_timeout);
    }
    if (v->hard_timeout) {
        dstr_printf(s, " hard_timeout=%u", v->hard_timeout);
    }
    if (v->importance) {
        dstr_printf(s, " importance=%u", v->importance);
    }
    dstr_printf(s, " actions=%s\n", v->actions);
}

void ofctl_cmd_diff_flows(int argc, char *argv[])
{
    (void) argc;
    struct fte_table t = { NULL, 0, NULL, 0 };
    add_source(&t, 0, argv[1]);
    add_source(&t, 1, argv[2]);
    fte_sort(&t);
    bool differences = false;
    struct dstr a = DSTR_INIT, b = DSTR_INIT;
    for (size_t i = 0; i < t.n; i++) {
        const struct fte *e = &t.e[i];
        if (!e->v[0] || !e->v[1] || !version_equal(e->v[0], e->v[1])) {
            version_format(e, 0, &a);
            version_format(e, 1, &b);
            if (a.len) {
                printf("-%s", dstr_str(&a));
            }
            if (b.len) {
                printf("+%s", dstr_str(&b));
            }
            differences = true;
        }
    }
    dstr_free(&a);
    dstr_free(&b);
    fte_free(&t);
    fflush(stdout);
    exit(differences ? 2 : 0);
}
