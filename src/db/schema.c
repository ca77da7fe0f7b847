/* The store's schema (a subset of OVS's vswitch schema) and the parsing,
 * printing and checking of its values in ovs-vsctl's syntax. */
#include "db/schema.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Base types. */
#define B_VOID { ATOM_VOID, 0, 0, NULL, -1 }
#define B_STR { ATOM_STRING, 0, 0, NULL, -1 }
#define B_BOOL { ATOM_BOOLEAN, 0, 0, NULL, -1 }
#define B_INT { ATOM_INTEGER, INT64_MIN, INT64_MAX, NULL, -1 }
#define B_INT_RANGE(LO, HI) { ATOM_INTEGER, LO, HI, NULL, -1 }
#define B_ENUM(E) { ATOM_STRING, 0, 0, E, -1 }
#define B_REF(T) { ATOM_UUID, 0, 0, NULL, T }

/* Column types. */
#define T_ONE(B) { B, B_VOID, 1, 1 }
#define T_OPT(B) { B, B_VOID, 0, 1 }
#define T_SET(B, MAX) { B, B_VOID, 0, MAX }
#define T_SMAP { B_STR, B_STR, 0, N_UNLIMITED }

static const char *const fail_modes[] = { "secure", "standalone", NULL };
static const char *const protocols[] = {
    "OpenFlow10", "OpenFlow11", "OpenFlow12", "OpenFlow13", "OpenFlow14",
    "OpenFlow15", NULL };
static const char *const vlan_modes[] = {
    "access", "dot1q-tunnel", "native-tagged", "native-untagged", "trunk",
    NULL };
static const char *const up_down[] = { "down", "up", NULL };

static const struct schema_column ovs_columns[] = {
    [OVS_BRIDGES] = { "bridges", T_SET(B_REF(TBL_BRIDGE), N_UNLIMITED), true },
    [OVS_EXTERNAL_IDS] = { "external_ids", T_SMAP, true },
    [OVS_OTHER_CONFIG] = { "other_config", T_SMAP, true },
    [OVS_OVS_VERSION] = { "ovs_version", T_OPT(B_STR), true },
};

static const struct schema_column bridge_columns[] = {
    [BR_CONTROLLER] = { "controller",
                        T_SET(B_REF(TBL_CONTROLLER), N_UNLIMITED), true },
    [BR_DATAPATH_TYPE] = { "datapath_type", T_ONE(B_STR), true },
    [BR_EXTERNAL_IDS] = { "external_ids", T_SMAP, true },
    [BR_FAIL_MODE] = { "fail_mode", T_OPT(B_ENUM(fail_modes)), true },
    [BR_NAME] = { "name", T_ONE(B_STR), false },
    [BR_OTHER_CONFIG] = { "other_config", T_SMAP, true },
    [BR_PORTS] = { "ports", T_SET(B_REF(TBL_PORT), N_UNLIMITED), true },
    [BR_PROTOCOLS] = { "protocols", T_SET(B_ENUM(protocols), N_UNLIMITED),
                       true },
};

static const struct schema_column port_columns[] = {
    [PORT_EXTERNAL_IDS] = { "external_ids", T_SMAP, true },
    [PORT_INTERFACES] = { "interfaces",
                          { B_REF(TBL_INTERFACE), B_VOID, 1, N_UNLIMITED },
                          true },
    [PORT_NAME] = { "name", T_ONE(B_STR), false },
    [PORT_OTHER_CONFIG] = { "other_config", T_SMAP, true },
    [PORT_TAG] = { "tag", T_OPT(B_INT_RANGE(0, 4095)), true },
    [PORT_TRUNKS] = { "trunks", T_SET(B_INT_RANGE(0, 4095), 4096), true },
    [PORT_VLAN_MODE] = { "vlan_mode", T_OPT(B_ENUM(vlan_modes)), true },
};

static const struct schema_column iface_columns[] = {
    [IF_ADMIN_STATE] = { "admin_state", T_OPT(B_ENUM(up_down)), true },
    [IF_ERROR] = { "error", T_OPT(B_STR), true },
    [IF_EXTERNAL_IDS] = { "external_ids", T_SMAP, true },
    [IF_LINK_STATE] = { "link_state", T_OPT(B_ENUM(up_down)), true },
    [IF_MAC_IN_USE] = { "mac_in_use", T_OPT(B_STR), true },
    [IF_MTU] = { "mtu", T_OPT(B_INT), true },
    [IF_NAME] = { "name", T_ONE(B_STR), false },
    [IF_OFPORT] = { "ofport", T_OPT(B_INT), true },
    [IF_OFPORT_REQUEST] = { "ofport_request",
                            T_OPT(B_INT_RANGE(1, 65279)), true },
    [IF_OPTIONS] = { "options", T_SMAP, true },
    [IF_OTHER_CONFIG] = { "other_config", T_SMAP, true },
    [IF_STATISTICS] = { "statistics", { B_STR, B_INT, 0, N_UNLIMITED },
                        true },
    [IF_TYPE] = { "type", T_ONE(B_STR), true },
};

static const struct schema_column controller_columns[] = {
    [CTL_EXTERNAL_IDS] = { "external_ids", T_SMAP, true },
    [CTL_INACTIVITY_PROBE] = { "inactivity_probe", T_OPT(B_INT), true },
    [CTL_IS_CONNECTED] = { "is_connected", T_ONE(B_BOOL), true },
    [CTL_MAX_BACKOFF] = { "max_backoff", T_OPT(B_INT_RANGE(1000, INT32_MAX)),
                          true },
    [CTL_OTHER_CONFIG] = { "other_config", T_SMAP, true },
    [CTL_TARGET] = { "target", T_ONE(B_STR), true },
};

const struct schema_table schema_tables[N_TABLES] = {
    [TBL_OPEN_VSWITCH] = { "Open_vSwitch", ovs_columns, OVS_N_COLUMNS,
                           true, -1 },
    [TBL_BRIDGE] = { "Bridge", bridge_columns, BR_N_COLUMNS, false,
                     BR_NAME },
    [TBL_PORT] = { "Port", port_columns, PORT_N_COLUMNS, false, PORT_NAME },
    [TBL_INTERFACE] = { "Interface", iface_columns, IF_N_COLUMNS, false,
                        IF_NAME },
    [TBL_CONTROLLER] = { "Controller", controller_columns, CTL_N_COLUMNS,
                         false, -1 },
};

const struct schema_table *schema_find_table(const char *name, char **err)
{
    const struct schema_table *match = NULL;
    size_t len = strlen(name);
    int n_matches = 0;

    for (size_t i = 0; i < N_TABLES; i++) {
        const struct schema_table *t = &schema_tables[i];
        if (!strcasecmp(t->name, name)) {
            return t;
        }
        if (len && !strncasecmp(t->name, name, len)) {
            match = t;
            n_matches++;
        }
    }
    if (n_matches == 1) {
        return match;
    }
    *err = n_matches ? xasprintf("multiple table names match \"%s\"", name)
                     : xasprintf("unknown table \"%s\"", name);
    return NULL;
}

int schema_find_column(const struct schema_table *t, const char *name,
                       char **err)
{
    size_t len = strlen(name);
    int match = -1, n_matches = 0;

    if (!strcmp(name, "_uuid")) {
        return SCHEMA_UUID_COLUMN;
    }
    for (size_t i = 0; i < t->n_columns; i++) {
        if (!strcmp(t->columns[i].name, name)) {
            return (int) i;
        }
        if (len && !strncmp(t->columns[i].name, name, len)) {
            match = (int) i;
            n_matches++;
        }
    }
    if (n_matches == 1) {
        return match;
    }
    if (!n_matches) {
        *err = xasprintf("%s does not contain a column whose name matches "
                         "\"%s\"", t->name, name);
    } else {
        struct dstr d = DSTR_INIT;
        dstr_printf(&d, "%s contains more than one column whose name "
                    "matches \"%s\"", t->name, name);
        const char *sep = ": ";
        for (size_t i = 0; i < t->n_columns; i++) {
            if (!strncmp(t->columns[i].name, name, len)) {
                dstr_printf(&d, "%s%s", sep, t->columns[i].name);
                sep = ", ";
            }
        }
        *err = dstr_steal(&d);
    }
    return -1;
}

/* Atoms. */

int atom_compare(const union atom *a, const union atom *b,
                 enum atom_type type)
{
    switch (type) {
    case ATOM_INTEGER:
        return a->integer < b->integer ? -1 : a->integer > b->integer;
    case ATOM_BOOLEAN:
        return (int) a->boolean - (int) b->boolean;
    case ATOM_STRING:
    case ATOM_UUID:
        return strcmp(a->string, b->string);
    case ATOM_VOID:
    default:
        return 0;
    }
}

static bool atom_is_string(enum atom_type type)
{
    return type == ATOM_STRING || type == ATOM_UUID;
}

void atom_clone(union atom *dst, const union atom *src, enum atom_type type)
{
    *dst = *src;
    if (atom_is_string(type)) {
        dst->string = xstrdup(src->string);
    }
}

void atom_destroy(union atom *a, enum atom_type type)
{
    if (atom_is_string(type)) {
        free(a->string);
        a->string = NULL;
    }
}

bool uuid_is_valid(const char *s)
{
    static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    for (size_t i = 0; i < sizeof shape - 1; i++) {
        if (shape[i] == '-' ? s[i] != '-' : !isxdigit((unsigned char) s[i])) {
            return false;
        }
    }
    return s[sizeof shape - 1] == '\0';
}

/* Parses `text` (the token as written, for messages; `word` is it without
 * quotes) into an atom of base type `b`. */
static int atom_from_word(const struct base_type *b, const char *word,
                          const char *text, union atom *out, char **err)
{
    switch (b->type) {
    case ATOM_INTEGER: {
        char *end;
        errno = 0;
        long long v = strtoll(word, &end, 10);
        if (!*word || *end || errno || isspace((unsigned char) *word)) {
            *err = xasprintf("\"%s\" is not a valid integer or range", text);
            return -1;
        }
        out->integer = v;
        return 0;
    }
    case ATOM_BOOLEAN:
        if (!strcmp(word, "true") || !strcmp(word, "false")) {
            out->boolean = word[0] == 't';
            return 0;
        }
        *err = xasprintf("\"%s\" is not a valid boolean (use \"true\" or "
                         "\"false\")", text);
        return -1;
    case ATOM_UUID:
        if (!uuid_is_valid(word)) {
            *err = xasprintf("\"%s\" is not a valid UUID", text);
            return -1;
        }
        out->string = xstrdup(word);
        return 0;
    case ATOM_STRING:
        out->string = xstrdup(word);
        return 0;
    case ATOM_VOID:
    default:
        *err = xstrdup("internal error: void atom");
        return -1;
    }
}

/* Reads a "quoted" string at `p` (pointing at the quote) into `out`;
 * returns the position after the closing quote, or NULL on error. */
static const char *parse_quoted(const char *p, struct dstr *out, char **err)
{
    for (p++; *p != '"'; p++) {
        if (!*p) {
            *err = xstrdup("missing closing quote in string");
            return NULL;
        }
        if (*p != '\\') {
            dstr_putc(out, *p);
            continue;
        }
        p++;
        switch (*p) {
        case 'n': dstr_putc(out, '\n'); break;
        case 't': dstr_putc(out, '\t'); break;
        case 'r': dstr_putc(out, '\r'); break;
        case 'b': dstr_putc(out, '\b'); break;
        case 'f': dstr_putc(out, '\f'); break;
        case '"': case '\\': case '/': dstr_putc(out, *p); break;
        case 'u': {
            unsigned v = 0;
            for (int i = 1; i <= 4; i++) {
                if (!isxdigit((unsigned char) p[i])) {
                    *err = xstrdup("malformed \\u escape in string");
                    return NULL;
                }
                v = v * 16 + (unsigned) (isdigit((unsigned char) p[i])
                     ? p[i] - '0' : (tolower((unsigned char) p[i]) - 'a' + 10));
            }
            if (v == 0 || v > 0x7f) {
                /* Only ASCII escapes: UTF-8 text can be written as is. */
                *err = xstrdup("unsupported \\u escape in string");
                return NULL;
            }
            dstr_putc(out, (char) v);
            p += 4;
            break;
        }
        default:
            *err = xasprintf("bad escape \\%c in string", *p ? *p : '0');
            return NULL;
        }
    }
    return p + 1;
}

int atom_from_string(const struct base_type *b, const char *s,
                     union atom *out, char **err)
{
    if (!*s) {
        *err = xstrdup("An empty string is not valid as input; use \"\" to "
                       "represent the empty string");
        return -1;
    }
    if (*s != '"') {
        return atom_from_word(b, s, s, out, err);
    }
    struct dstr word = DSTR_INIT;
    const char *end = parse_quoted(s, &word, err);
    if (!end) {
        dstr_free(&word);
        return -1;
    }
    if (*end) {
        *err = xasprintf("%s: trailing garbage after quoted string", s);
        dstr_free(&word);
        return -1;
    }
    char *w = dstr_steal(&word);
    int r = atom_from_word(b, w, s, out, err);
    free(w);
    return r;
}

/* Characters that end a bare word inside a datum. */
static bool is_delim(char c)
{
    return !c || strchr(",[]{}=:", c) || isspace((unsigned char) c);
}

/* Parses one atom token at *pp inside a datum, advancing *pp. */
static int parse_token(const struct base_type *b, const char **pp,
                       union atom *out, char **err)
{
    const char *p = *pp, *start = p;
    struct dstr word = DSTR_INIT;

    if (*p == '"') {
        p = parse_quoted(p, &word, err);
        if (!p) {
            dstr_free(&word);
            return -1;
        }
    } else {
        while (!is_delim(*p)) {
            dstr_putc(&word, *p++);
        }
        if (p == start) {
            *err = *p ? xasprintf("unexpected \"%c\" where a value was "
                                  "expected", *p)
                      : xstrdup("missing value");
            return -1;
        }
    }
    char *text = xstrndup(start, (size_t) (p - start));
    char *w = dstr_steal(&word);
    int r = atom_from_word(b, w, text, out, err);
    free(text);
    free(w);
    *pp = p;
    return r;
}

static const char *skip_space(const char *p)
{
    while (isspace((unsigned char) *p)) {
        p++;
    }
    return p;
}

static const char *atom_type_name(enum atom_type t)
{
    switch (t) {
    case ATOM_INTEGER: return "integer";
    case ATOM_BOOLEAN: return "boolean";
    case ATOM_STRING: return "string";
    case ATOM_UUID: return "uuid";
    case ATOM_VOID: default: return "void";
    }
}

/* Parses the elements of a datum; stops at `close` or the end. */
static int parse_elements(const struct column_type *t, const char **pp,
                          char close, struct datum *out, char **err)
{
    const char *p = *pp;
    bool is_map = column_is_map(t);

    for (;;) {
        p = skip_space(p);
        if (*p == close || !*p) {
            break;
        }
        if (out->n) {
            if (*p == ',') {
                p = skip_space(p + 1);
            }
        }
        union atom key, value;
        if (parse_token(&t->key, &p, &key, err)) {
            return -1;
        }
        if (is_map) {
            p = skip_space(p);
            if (*p != '=') {
                atom_destroy(&key, t->key.type);
                *err = *p ? xasprintf("unexpected \"%c\" parsing map of (%s, "
                                      "%s) pairs", *p,
                                      atom_type_name(t->key.type),
                                      atom_type_name(t->value.type))
                          : xstrdup("missing \"=\" in map");
                return -1;
            }
            p = skip_space(p + 1);
            if (parse_token(&t->value, &p, &value, err)) {
                atom_destroy(&key, t->key.type);
                return -1;
            }
            if (datum_find_key(out, &key, t->key.type) >= 0) {
                atom_destroy(&key, t->key.type);
                atom_destroy(&value, t->value.type);
                *err = xstrdup("map contains duplicate key");
                return -1;
            }
            datum_add(out, &key, &value, t, false);
            atom_destroy(&value, t->value.type);
        } else {
            datum_add(out, &key, NULL, t, false);
        }
        atom_destroy(&key, t->key.type);
        if (*p && *p != close && *p != ',' && !isspace((unsigned char) *p)) {
            if (is_map) {
                *err = xasprintf("unexpected \"%c\" parsing map of (%s, %s) "
                                 "pairs", *p, atom_type_name(t->key.type),
                                 atom_type_name(t->value.type));
            } else {
                *err = xasprintf("unexpected \"%c\" parsing set of %ss", *p,
                                 atom_type_name(t->key.type));
            }
            return -1;
        }
    }
    *pp = p;
    return 0;
}

int datum_from_string(const struct column_type *t, const char *s,
                      struct datum *out, char **err)
{
    char open = column_is_map(t) ? '{' : '[';
    char close = column_is_map(t) ? '}' : ']';
    const char *p = skip_space(s);
    bool bracketed = *p == open;

    datum_init_empty(out);
    if (!*p) {
        *err = xstrdup(column_is_map(t) ? "use \"{}\" to specify the empty map"
                                        : "use \"[]\" to specify the empty set");
        return -1;
    }
    if (bracketed) {
        p++;
    }
    if (parse_elements(t, &p, bracketed ? close : '\0', out, err)) {
        goto error;
    }
    if (bracketed) {
        if (*p != close) {
            *err = xasprintf("%s: missing \"%c\" at end of value", s, close);
            goto error;
        }
        p++;
    }
    p = skip_space(p);
    if (*p) {
        *err = xasprintf("%s: trailing garbage \"%s\" in value", s, p);
        goto error;
    }
    if (out->n > t->n_max) {
        *err = xasprintf("%s: %zu value(s) specified but the maximum number "
                         "is %u", s, out->n, t->n_max);
        goto error;
    }
    return 0;

error:
    datum_destroy(out, t);
    return -1;
}

int atom_check(const struct base_type *b, const union atom *a, char **err)
{
    if (b->type == ATOM_INTEGER
        && (a->integer < b->min_int || a->integer > b->max_int)) {
        if (b->max_int == INT64_MAX) {
            *err = xasprintf("constraint violation: %lld is less than "
                             "minimum allowed value %lld",
                             (long long) a->integer, (long long) b->min_int);
        } else {
            *err = xasprintf("constraint violation: %lld is not in the valid "
                             "range %lld to %lld (inclusive)",
                             (long long) a->integer, (long long) b->min_int,
                             (long long) b->max_int);
        }
        return -1;
    }
    if (b->type == ATOM_STRING && b->enums) {
        for (const char *const *e = b->enums; *e; e++) {
            if (!strcmp(*e, a->string)) {
                return 0;
            }
        }
        struct dstr d = DSTR_INIT;
        dstr_put(&d, "constraint violation: ");
        atom_to_string(a, ATOM_STRING, &d);
        dstr_put(&d, " is not one of the allowed values ([");
        for (const char *const *e = b->enums; *e; e++) {
            dstr_printf(&d, "%s%s", e == b->enums ? "" : ", ", *e);
        }
        dstr_put(&d, "])");
        *err = dstr_steal(&d);
        return -1;
    }
    return 0;
}

int datum_check(const struct column_type *t, const struct datum *d,
                char **err)
{
    if (d->n < t->n_min || d->n > t->n_max) {
        *err = xasprintf("constraint violation: %zu value(s) where %u to %u "
                         "are allowed", d->n, t->n_min, t->n_max);
        if (t->n_max == N_UNLIMITED) {
            free(*err);
            *err = xasprintf("constraint violation: %zu value(s) where at "
                             "least %u are required", d->n, t->n_min);
        }
        return -1;
    }
    for (size_t i = 0; i < d->n; i++) {
        if (atom_check(&t->key, &d->keys[i], err)
            || (column_is_map(t) && atom_check(&t->value, &d->values[i], err))) {
            return -1;
        }
    }
    return 0;
}

/* Datums. */

void datum_init_empty(struct datum *d)
{
    d->n = 0;
    d->keys = NULL;
    d->values = NULL;
}

void datum_init_default(struct datum *d, const struct column_type *t)
{
    datum_init_empty(d);
    if (t->n_min == 1 && t->key.type != ATOM_UUID) {
        union atom a = { 0 };
        if (t->key.type == ATOM_STRING) {
            a.string = "";
        }
        datum_add(d, &a, NULL, t, false);
    }
}

void datum_destroy(struct datum *d, const struct column_type *t)
{
    for (size_t i = 0; i < d->n; i++) {
        atom_destroy(&d->keys[i], t->key.type);
        if (d->values) {
            atom_destroy(&d->values[i], t->value.type);
        }
    }
    free(d->keys);
    free(d->values);
    datum_init_empty(d);
}

void datum_clone(struct datum *dst, const struct datum *src,
                 const struct column_type *t)
{
    dst->n = src->n;
    dst->keys = src->n ? xcalloc(src->n, sizeof *dst->keys) : NULL;
    dst->values = src->n && column_is_map(t)
                  ? xcalloc(src->n, sizeof *dst->values) : NULL;
    for (size_t i = 0; i < src->n; i++) {
        atom_clone(&dst->keys[i], &src->keys[i], t->key.type);
        if (dst->values) {
            atom_clone(&dst->values[i], &src->values[i], t->value.type);
        }
    }
}

void datum_move(struct datum *dst, struct datum *src,
                const struct column_type *t)
{
    datum_destroy(dst, t);
    *dst = *src;
    datum_init_empty(src);
}

bool datum_equals(const struct datum *a, const struct datum *b,
                  const struct column_type *t)
{
    if (a->n != b->n) {
        return false;
    }
    for (size_t i = 0; i < a->n; i++) {
        if (atom_compare(&a->keys[i], &b->keys[i], t->key.type)
            || (column_is_map(t)
                && atom_compare(&a->values[i], &b->values[i],
                                t->value.type))) {
            return false;
        }
    }
    return true;
}

/* Binary search: the index of `key`, or -(insertion point) - 1. */
static long datum_search(const struct datum *d, const union atom *key,
                         enum atom_type type)
{
    size_t lo = 0, hi = d->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = atom_compare(&d->keys[mid], key, type);
        if (!c) {
            return (long) mid;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return -(long) lo - 1;
}

long datum_find_key(const struct datum *d, const union atom *key,
                    enum atom_type type)
{
    long i = datum_search(d, key, type);
    return i >= 0 ? i : -1;
}

void datum_add(struct datum *d, const union atom *key,
               const union atom *value, const struct column_type *t,
               bool replace)
{
    long i = datum_search(d, key, t->key.type);
    bool is_map = column_is_map(t);

    if (i >= 0) {
        if (is_map && replace) {
            atom_destroy(&d->values[i], t->value.type);
            atom_clone(&d->values[i], value, t->value.type);
        }
        return;
    }
    size_t at = (size_t) (-i - 1);
    d->keys = xrealloc(d->keys, (d->n + 1) * sizeof *d->keys);
    memmove(&d->keys[at + 1], &d->keys[at], (d->n - at) * sizeof *d->keys);
    atom_clone(&d->keys[at], key, t->key.type);
    if (is_map) {
        d->values = xrealloc(d->values, (d->n + 1) * sizeof *d->values);
        memmove(&d->values[at + 1], &d->values[at],
                (d->n - at) * sizeof *d->values);
        atom_clone(&d->values[at], value, t->value.type);
    }
    d->n++;
}

void datum_remove_at(struct datum *d, size_t i, const struct column_type *t)
{
    atom_destroy(&d->keys[i], t->key.type);
    memmove(&d->keys[i], &d->keys[i + 1], (d->n - i - 1) * sizeof *d->keys);
    if (d->values) {
        atom_destroy(&d->values[i], t->value.type);
        memmove(&d->values[i], &d->values[i + 1],
                (d->n - i - 1) * sizeof *d->values);
    }
    d->n--;
}

/* Printing. */

/* ovs-vsctl prints a string bare only when it reads back as the same
 * string: an identifier-like word that is not a boolean or a UUID. */
static bool string_needs_quotes(const char *s)
{
    if (!isalpha((unsigned char) s[0]) && s[0] != '_') {
        return true;
    }
    for (const char *p = s + 1; *p; p++) {
        if (!isalnum((unsigned char) *p) && !strchr("_-.", *p)) {
            return true;
        }
    }
    return !strcmp(s, "true") || !strcmp(s, "false") || uuid_is_valid(s);
}

void atom_to_string(const union atom *a, enum atom_type type,
                    struct dstr *out)
{
    switch (type) {
    case ATOM_INTEGER:
        dstr_printf(out, "%lld", (long long) a->integer);
        break;
    case ATOM_BOOLEAN:
        dstr_put(out, a->boolean ? "true" : "false");
        break;
    case ATOM_UUID:
        dstr_put(out, a->string);
        break;
    case ATOM_STRING:
        if (string_needs_quotes(a->string)) {
            dstr_put_quoted(out, a->string);
        } else {
            dstr_put(out, a->string);
        }
        break;
    case ATOM_VOID:
    default:
        break;
    }
}

void datum_to_string(const struct datum *d, const struct column_type *t,
                     struct dstr *out)
{
    bool is_map = column_is_map(t);

    if (!is_map && t->n_max == 1 && d->n == 1) {
        atom_to_string(&d->keys[0], t->key.type, out);
        return;
    }
    dstr_putc(out, is_map ? '{' : '[');
    for (size_t i = 0; i < d->n; i++) {
        if (i) {
            dstr_put(out, ", ");
        }
        atom_to_string(&d->keys[i], t->key.type, out);
        if (is_map) {
            dstr_putc(out, '=');
            atom_to_string(&d->values[i], t->value.type, out);
        }
    }
    dstr_putc(out, is_map ? '}' : ']');
}

static void atom_to_bare(const union atom *a, enum atom_type type,
                         struct dstr *out)
{
    if (type == ATOM_STRING) {
        dstr_put(out, a->string);
    } else {
        atom_to_string(a, type, out);
    }
}

void datum_to_bare(const struct datum *d, const struct column_type *t,
                   struct dstr *out)
{
    for (size_t i = 0; i < d->n; i++) {
        if (i) {
            dstr_putc(out, ' ');
        }
        atom_to_bare(&d->keys[i], t->key.type, out);
        if (column_is_map(t)) {
            dstr_putc(out, '=');
            atom_to_bare(&d->values[i], t->value.type, out);
        }
    }
}
