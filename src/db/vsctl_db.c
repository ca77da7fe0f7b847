/* ovs-vsctl's generic database commands: get, set, list, find, clear, add,
 * remove, with OVS's argument syntax (COL[:KEY]=VALUE, record names). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "db/schema.h"
#include "db/vsctl_private.h"

/* --- looking things up --- */

static const struct schema_table *get_table(struct vsctl_ctx *ctx,
                                            const char *name)
{
    char *err = NULL;
    const struct schema_table *t = schema_find_table(name, &err);
    if (!t) {
        vsctl_error_take(ctx, err);
    }
    return t;
}

static enum table_id table_id(const struct schema_table *t)
{
    return (enum table_id) (t - schema_tables);
}

/* A Controller record may be named by its bridge, when it has one. */
static struct confdb_row *controller_of_bridge(struct vsctl_ctx *ctx,
                                               const char *name)
{
    struct confdb_row *br = confdb_find_name(ctx->db, TBL_BRIDGE, name);
    if (!br || br->cols[BR_CONTROLLER].n != 1) {
        return NULL;
    }
    return confdb_find_uuid(ctx->db, TBL_CONTROLLER,
                            br->cols[BR_CONTROLLER].keys[0].string);
}

/* The row `id` (".", a uuid, or a name) of `t`; NULL with an error unless
 * `must_exist` is false. */
static struct confdb_row *get_row(struct vsctl_ctx *ctx,
                                  const struct schema_table *t,
                                  const char *id, bool must_exist)
{
    enum table_id tid = table_id(t);
    struct confdb_row *row = NULL;

    if (tid == TBL_OPEN_VSWITCH && !strcmp(id, ".")) {
        row = confdb_root(ctx->db);
    } else if (uuid_is_valid(id)) {
        row = confdb_find_uuid(ctx->db, tid, id);
    }
    if (!row && t->name_column >= 0) {
        row = confdb_find_name(ctx->db, tid, id);
    }
    if (!row && tid == TBL_CONTROLLER) {
        row = controller_of_bridge(ctx, id);
    }
    if (!row && must_exist) {
        vsctl_error(ctx, "no row \"%s\" in table %s", id, t->name);
    }
    return row;
}

/* --- parsing "COL[:KEY]OP VALUE" --- */

enum op { OP_NONE, OP_EQ, OP_NE, OP_LT, OP_GT, OP_LE, OP_GE,
          OP_SET_EQ, OP_SET_NE, OP_SET_LT, OP_SET_GT, OP_SET_LE,
          OP_SET_GE };

static const struct { const char *text; enum op op; } op_texts[] = {
    /* Longest first, so that "<=" is not read as "<". */
    { "{!=}", OP_SET_NE }, { "{<=}", OP_SET_LE }, { "{>=}", OP_SET_GE },
    { "{=}", OP_SET_EQ }, { "{<}", OP_SET_LT }, { "{>}", OP_SET_GT },
    { "!=", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE },
    { "=", OP_EQ }, { "<", OP_LT }, { ">", OP_GT },
};

struct col_arg {
    int col;                   /* index, or SCHEMA_UUID_COLUMN */
    char *key;                 /* raw key text (maybe quoted), or NULL */
    enum op op;
    const char *value;         /* points into the argument, or NULL */
};

static void col_arg_free(struct col_arg *ca)
{
    free(ca->key);
    ca->key = NULL;
}

/* Length of a key token at `p`: a "quoted" string or a bare word. */
static size_t key_token_len(const char *p)
{
    const char *q = p;
    if (*q == '"') {
        for (q++; *q && *q != '"'; q++) {
            if (*q == '\\' && q[1]) {
                q++;
            }
        }
        return (size_t) (q - p) + (*q == '"');
    }
    while (*q && !strchr("=!<>{}:", *q) && !isspace((unsigned char) *q)) {
        q++;
    }
    return (size_t) (q - p);
}

/* Parses `arg`.  `want_op`: OP_NONE (get: nothing may follow), OP_EQ (set:
 * "=" and a value), or OP_SET_EQ (find: any comparison and a value). */
static int parse_col_arg(struct vsctl_ctx *ctx, const struct schema_table *t,
                         const char *arg, enum op want_op,
                         struct col_arg *ca)
{
    size_t name_len = strcspn(arg, ":=!<>{");
    char *name = xstrndup(arg, name_len);
    char *err = NULL;
    const char *p = arg + name_len;

    memset(ca, 0, sizeof *ca);
    ca->col = schema_find_column(t, name, &err);
    free(name);
    if (ca->col == -1) {
        return vsctl_error_take(ctx, err);
    }
    if (*p == ':') {
        size_t n = key_token_len(p + 1);
        ca->key = xstrndup(p + 1, n);
        p += 1 + n;
    }
    if (want_op == OP_NONE) {
        if (*p) {
            col_arg_free(ca);
            return vsctl_error(ctx, "%s: trailing garbage \"%s\" in argument",
                               arg, p);
        }
        return 0;
    }
    for (size_t i = 0; i < sizeof op_texts / sizeof op_texts[0]; i++) {
        size_t n = strlen(op_texts[i].text);
        if (!strncmp(p, op_texts[i].text, n)
            && (want_op != OP_EQ || op_texts[i].op == OP_EQ)) {
            ca->op = op_texts[i].op;
            p += n;
            break;
        }
    }
    if (ca->op == OP_NONE || !*p) {
        col_arg_free(ca);
        if (want_op == OP_EQ) {
            return vsctl_error(ctx, "%s: argument does not end in \"=\" "
                               "followed by a value.", arg);
        }
        return vsctl_error(ctx, "%s: argument does not end in \"=\", "
                           "\"!=\", \"<\", \">\", \"<=\", \">=\", \"{=}\", "
                           "\"{!=}\", \"{<}\", \"{>}\", \"{<=}\", or "
                           "\"{>=}\" followed by a value.", arg);
    }
    ca->value = p;
    return 0;
}

static const struct schema_column *column(const struct schema_table *t,
                                          int col)
{
    return &t->columns[col];
}

static int check_mutable(struct vsctl_ctx *ctx, const struct schema_table *t,
                         int col)
{
    if (col == SCHEMA_UUID_COLUMN) {
        return vsctl_error(ctx, "cannot modify read-only column _uuid in "
                           "table %s", t->name);
    }
    if (!column(t, col)->is_mutable) {
        return vsctl_error(ctx, "cannot modify read-only column %s in table "
                           "%s", column(t, col)->name, t->name);
    }
    return 0;
}

/* Parses a map key of column `c`. */
static int parse_key(struct vsctl_ctx *ctx, const struct schema_column *c,
                     const char *text, union atom *key)
{
    char *err = NULL;
    if (atom_from_string(&c->type.key, text, key, &err)
        || atom_check(&c->type.key, key, &err)) {
        return vsctl_error_take(ctx, err);
    }
    return 0;
}

/* --- set --- */

int vsctl_set_column(struct vsctl_ctx *ctx, struct confdb_row *row,
                     const char *arg)
{
    const struct schema_table *t = &schema_tables[row->table];
    struct col_arg ca;
    char *err = NULL;
    int r = -1;

    if (parse_col_arg(ctx, t, arg, OP_EQ, &ca) || check_mutable(ctx, t, ca.col)) {
        col_arg_free(&ca);
        return -1;
    }
    const struct schema_column *c = column(t, ca.col);
    if (ca.key) {
        union atom key, value;
        if (!column_is_map(&c->type)) {
            vsctl_error(ctx, "cannot specify key to set for non-map column "
                        "%s", c->name);
        } else if (!parse_key(ctx, c, ca.key, &key)) {
            if (atom_from_string(&c->type.value, ca.value, &value, &err)
                || atom_check(&c->type.value, &value, &err)) {
                vsctl_error_take(ctx, err);
            } else {
                datum_add(&row->cols[ca.col], &key, &value, &c->type, true);
                confdb_row_touch(row);
                atom_destroy(&value, c->type.value.type);
                r = 0;
            }
            atom_destroy(&key, c->type.key.type);
        }
    } else {
        struct datum d;
        if (datum_from_string(&c->type, ca.value, &d, &err)) {
            vsctl_error_take(ctx, err);
        } else if (datum_check(&c->type, &d, &err)) {
            vsctl_error_take(ctx, err);
            datum_destroy(&d, &c->type);
        } else {
            confdb_row_set(ctx->db, row, ca.col, &d);
            r = 0;
        }
    }
    col_arg_free(&ca);
    return r;
}

int vsctl_cmd_set(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    const struct schema_table *t = get_table(ctx, argv[1]);
    struct confdb_row *row = t ? get_row(ctx, t, argv[2], !ctx->if_exists)
                               : NULL;
    if (!row) {
        return ctx->err ? -1 : 0;
    }
    for (int i = 3; i < argc; i++) {
        if (vsctl_set_column(ctx, row, argv[i])) {
            return -1;
        }
    }
    return 0;
}

/* --- get --- */

int vsctl_cmd_get(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    const struct schema_table *t = get_table(ctx, argv[1]);
    struct confdb_row *row = t ? get_row(ctx, t, argv[2], !ctx->if_exists)
                               : NULL;
    struct dstr out = DSTR_INIT;

    if (!row) {
        return ctx->err ? -1 : 0;
    }
    for (int i = 3; i < argc; i++) {
        struct col_arg ca;
        if (parse_col_arg(ctx, t, argv[i], OP_NONE, &ca)) {
            goto error;
        }
        if (ca.col == SCHEMA_UUID_COLUMN) {
            dstr_printf(&out, "%s\n", row->uuid);
            col_arg_free(&ca);
            continue;
        }
        const struct schema_column *c = column(t, ca.col);
        if (!ca.key) {
            datum_to_string(&row->cols[ca.col], &c->type, &out);
            dstr_putc(&out, '\n');
            continue;
        }
        union atom key;
        if (!column_is_map(&c->type)) {
            col_arg_free(&ca);
            vsctl_error(ctx, "cannot specify key to get for non-map column "
                        "%s", c->name);
            goto error;
        }
        if (parse_key(ctx, c, ca.key, &key)) {
            col_arg_free(&ca);
            goto error;
        }
        long k = datum_find_key(&row->cols[ca.col], &key, c->type.key.type);
        atom_destroy(&key, c->type.key.type);
        if (k >= 0) {
            atom_to_string(&row->cols[ca.col].values[k], c->type.value.type,
                           &out);
            dstr_putc(&out, '\n');
        } else if (!ctx->if_exists) {
            vsctl_error(ctx, "no key \"%s\" in %s record \"%s\" column %s",
                        ca.key, t->name, argv[2], c->name);
            col_arg_free(&ca);
            goto error;
        }
        col_arg_free(&ca);
    }
    if (out.s) {
        dstr_put(&ctx->out, out.s);
    }
    dstr_free(&out);
    return 0;

error:
    dstr_free(&out);
    return -1;
}

/* --- list and find output --- */

/* The columns to print: --columns or _uuid then every column. */
static int output_columns(struct vsctl_ctx *ctx, const struct schema_table *t,
                          int **cols, size_t *n)
{
    *n = 0;
    if (!ctx->columns) {
        *cols = xcalloc(t->n_columns + 1, sizeof **cols);
        (*cols)[(*n)++] = SCHEMA_UUID_COLUMN;
        for (size_t i = 0; i < t->n_columns; i++) {
            (*cols)[(*n)++] = (int) i;
        }
        return 0;
    }
    char *copy = xstrdup(ctx->columns), *save = NULL;
    *cols = xcalloc(strlen(copy) + 1, sizeof **cols);
    for (char *tok = strtok_r(copy, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *err = NULL;
        int c = schema_find_column(t, tok, &err);
        if (c == -1) {
            free(copy);
            free(*cols);
            *cols = NULL;
            return vsctl_error_take(ctx, err);
        }
        (*cols)[(*n)++] = c;
    }
    free(copy);
    return 0;
}

static void print_record(struct vsctl_ctx *ctx, const struct schema_table *t,
                         const struct confdb_row *row, const int *cols,
                         size_t n_cols, bool first)
{
    if (!first) {
        dstr_putc(&ctx->out, '\n');
    }
    for (size_t i = 0; i < n_cols; i++) {
        bool is_uuid = cols[i] == SCHEMA_UUID_COLUMN;
        const char *name = is_uuid ? "_uuid" : t->columns[cols[i]].name;
        if (!ctx->no_headings && !ctx->bare) {
            dstr_printf(&ctx->out, "%-20s: ", name);
        }
        if (is_uuid) {
            dstr_put(&ctx->out, row->uuid);
        } else if (ctx->bare) {
            datum_to_bare(&row->cols[cols[i]], &t->columns[cols[i]].type,
                          &ctx->out);
        } else {
            datum_to_string(&row->cols[cols[i]], &t->columns[cols[i]].type,
                            &ctx->out);
        }
        dstr_putc(&ctx->out, '\n');
    }
}

static int compare_rows_by_uuid(const void *a_, const void *b_)
{
    const struct confdb_row *const *a = a_, *const *b = b_;
    return strcmp((*a)->uuid, (*b)->uuid);
}

/* The live rows of `t`, sorted by uuid (malloc'd). */
static struct confdb_row **live_rows(struct vsctl_ctx *ctx,
                                     enum table_id t, size_t *n)
{
    size_t total = confdb_n_rows(ctx->db, t);
    struct confdb_row **rows = xcalloc(total, sizeof *rows);
    *n = 0;
    for (size_t i = 0; i < total; i++) {
        struct confdb_row *row = confdb_row_at(ctx->db, t, i);
        if (!row->deleted) {
            rows[(*n)++] = row;
        }
    }
    qsort(rows, *n, sizeof *rows, compare_rows_by_uuid);
    return rows;
}

int vsctl_cmd_list(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    const struct schema_table *t = get_table(ctx, argv[1]);
    struct confdb_row **rows;
    size_t n_rows = 0, n_cols;
    int *cols;

    if (!t || output_columns(ctx, t, &cols, &n_cols)) {
        return -1;
    }
    if (argc > 2) {
        rows = xcalloc((size_t) argc, sizeof *rows);
        for (int i = 2; i < argc; i++) {
            struct confdb_row *row = get_row(ctx, t, argv[i], !ctx->if_exists);
            if (ctx->err) {
                free(rows);
                free(cols);
                return -1;
            }
            if (row) {
                rows[n_rows++] = row;
            }
        }
    } else {
        rows = live_rows(ctx, table_id(t), &n_rows);
    }
    for (size_t i = 0; i < n_rows; i++) {
        print_record(ctx, t, rows[i], cols, n_cols, i == 0);
    }
    free(rows);
    free(cols);
    return 0;
}

/* --- find --- */

/* Compares `have` to `want` under `op` (both of type `ct`). */
static bool compare_datums(enum op op, const struct datum *have,
                           const struct datum *want,
                           const struct column_type *ct)
{
    size_t n_common = 0;
    for (size_t i = 0; i < want->n; i++) {
        long k = datum_find_key(have, &want->keys[i], ct->key.type);
        if (k >= 0 && (!column_is_map(ct)
                       || !atom_compare(&have->values[k], &want->values[i],
                                        ct->value.type))) {
            n_common++;
        }
    }
    bool want_in_have = n_common == want->n;
    bool have_in_want = n_common == have->n;

    switch (op) {
    case OP_EQ: case OP_SET_EQ: return want_in_have && have_in_want;
    case OP_NE: case OP_SET_NE: return !(want_in_have && have_in_want);
    case OP_SET_LT: return have_in_want && have->n < want->n;
    case OP_SET_LE: return have_in_want;
    case OP_SET_GT: return want_in_have && have->n > want->n;
    case OP_SET_GE: return want_in_have;
    case OP_LT: case OP_GT: case OP_LE: case OP_GE: {
        if (have->n != 1 || want->n != 1) {
            return false;
        }
        int c = atom_compare(&have->keys[0], &want->keys[0], ct->key.type);
        return op == OP_LT ? c < 0 : op == OP_GT ? c > 0
               : op == OP_LE ? c <= 0 : c >= 0;
    }
    case OP_NONE:
    default:
        return false;
    }
}

/* One find condition, parsed once and tested against each row. */
struct condition {
    struct col_arg ca;
    struct column_type type;   /* of the compared values */
    union atom key;            /* when ca.key */
    enum atom_type key_type;
    struct datum want;
};

static int parse_condition(struct vsctl_ctx *ctx, const struct schema_table *t,
                           const char *arg, struct condition *cond)
{
    char *err = NULL;

    memset(cond, 0, sizeof *cond);
    if (parse_col_arg(ctx, t, arg, OP_SET_EQ, &cond->ca)) {
        return -1;
    }
    if (cond->ca.col == SCHEMA_UUID_COLUMN) {
        struct column_type ut = { { ATOM_UUID, 0, 0, NULL, -1 },
                                  { ATOM_VOID, 0, 0, NULL, -1 }, 1, 1 };
        cond->type = ut;
    } else {
        cond->type = column(t, cond->ca.col)->type;
    }
    if (cond->ca.key) {
        const struct schema_column *c = column(t, cond->ca.col);
        if (cond->ca.col == SCHEMA_UUID_COLUMN || !column_is_map(&c->type)) {
            return vsctl_error(ctx, "cannot specify key to check for non-map "
                               "column %s", cond->ca.col == SCHEMA_UUID_COLUMN
                               ? "_uuid" : c->name);
        }
        if (parse_key(ctx, c, cond->ca.key, &cond->key)) {
            return -1;
        }
        cond->key_type = c->type.key.type;
        cond->type.key = c->type.value;
        cond->type.value.type = ATOM_VOID;
        cond->type.n_min = 0;
        cond->type.n_max = 1;
    }
    struct column_type parse_type = cond->type;
    parse_type.n_max = N_UNLIMITED;    /* {>=} etc. may name many values */
    if (datum_from_string(&parse_type, cond->ca.value, &cond->want, &err)) {
        return vsctl_error_take(ctx, err);
    }
    return 0;
}

static void condition_free(struct condition *cond)
{
    datum_destroy(&cond->want, &cond->type);
    if (cond->ca.key && cond->key_type != ATOM_VOID) {
        atom_destroy(&cond->key, cond->key_type);
    }
    col_arg_free(&cond->ca);
}

static bool condition_holds(const struct condition *cond,
                            const struct confdb_row *row)
{
    struct datum have;
    union atom uuid_atom;

    if (cond->ca.col == SCHEMA_UUID_COLUMN) {
        uuid_atom.string = (char *) row->uuid;
        have.n = 1;
        have.keys = &uuid_atom;
        have.values = NULL;
        return compare_datums(cond->ca.op, &have, &cond->want, &cond->type);
    }
    const struct datum *col = &row->cols[cond->ca.col];
    if (!cond->ca.key) {
        return compare_datums(cond->ca.op, col, &cond->want, &cond->type);
    }
    long k = datum_find_key(col, &cond->key, cond->key_type);
    have.n = k >= 0;
    have.keys = k >= 0 ? &col->values[k] : NULL;
    have.values = NULL;
    return compare_datums(cond->ca.op, &have, &cond->want, &cond->type);
}

int vsctl_cmd_find(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    const struct schema_table *t = get_table(ctx, argv[1]);
    int n_conds = argc - 2, *cols = NULL;
    struct condition *conds;
    size_t n_cols, n_rows;
    int r = -1;

    if (!t) {
        return -1;
    }
    conds = xcalloc((size_t) n_conds + 1, sizeof *conds);
    for (int i = 0; i < n_conds; i++) {
        if (parse_condition(ctx, t, argv[i + 2], &conds[i])) {
            n_conds = i + 1;
            goto out;
        }
    }
    if (output_columns(ctx, t, &cols, &n_cols)) {
        goto out;
    }
    struct confdb_row **rows = live_rows(ctx, table_id(t), &n_rows);
    bool first = true;
    for (size_t i = 0; i < n_rows; i++) {
        bool all = true;
        for (int c = 0; c < n_conds && all; c++) {
            all = condition_holds(&conds[c], rows[i]);
        }
        if (all) {
            print_record(ctx, t, rows[i], cols, n_cols, first);
            first = false;
        }
    }
    free(rows);
    r = 0;

out:
    for (int i = 0; i < n_conds; i++) {
        condition_free(&conds[i]);
    }
    free(conds);
    free(cols);
    return r;
}

/* --- clear, add, remove --- */

/* The table, row and column of a clear/add/remove; 0 or -1. */
static int get_row_column(struct vsctl_ctx *ctx, char *argv[],
                          const char *col_name,
                          const struct schema_table **t,
                          struct confdb_row **row, int *col)
{
    char *err = NULL;

    *t = get_table(ctx, argv[1]);
    *row = *t ? get_row(ctx, *t, argv[2], !ctx->if_exists) : NULL;
    if (!*row) {
        return -1;
    }
    *col = schema_find_column(*t, col_name, &err);
    if (*col == -1) {
        return vsctl_error_take(ctx, err);
    }
    return check_mutable(ctx, *t, *col);
}

int vsctl_cmd_clear(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    for (int i = 3; i < argc; i++) {
        const struct schema_table *t;
        struct confdb_row *row;
        int col;
        if (get_row_column(ctx, argv, argv[i], &t, &row, &col)) {
            return ctx->err ? -1 : 0;
        }
        const struct schema_column *c = column(t, col);
        if (c->type.n_min > 0) {
            return vsctl_error(ctx, "\"clear\" operation cannot be applied "
                               "to column %s of table %s, which is not "
                               "allowed to be empty", c->name, t->name);
        }
        struct datum empty;
        datum_init_empty(&empty);
        confdb_row_set(ctx->db, row, col, &empty);
    }
    return 0;
}

int vsctl_cmd_add(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    const struct schema_table *t;
    struct confdb_row *row;
    int col;

    if (get_row_column(ctx, argv, argv[3], &t, &row, &col)) {
        return ctx->err ? -1 : 0;
    }
    const struct schema_column *c = column(t, col);
    struct column_type parse_type = c->type;
    struct datum result;

    parse_type.n_max = N_UNLIMITED;
    datum_clone(&result, &row->cols[col], &c->type);
    for (int i = 4; i < argc; i++) {
        struct datum add;
        char *err = NULL;
        if (datum_from_string(&parse_type, argv[i], &add, &err)) {
            datum_destroy(&result, &c->type);
            return vsctl_error_take(ctx, err);
        }
        if (datum_check(&parse_type, &add, &err)) {
            datum_destroy(&add, &parse_type);
            datum_destroy(&result, &c->type);
            return vsctl_error_take(ctx, err);
        }
        for (size_t k = 0; k < add.n; k++) {
            /* As OVS: a key already in a map gets the new value. */
            datum_add(&result, &add.keys[k], add.values ? &add.values[k] : NULL,
                      &c->type, true);
        }
        datum_destroy(&add, &parse_type);
    }
    if (result.n > c->type.n_max) {
        size_t n = result.n;
        datum_destroy(&result, &c->type);
        /* OVS's wording (the database server's) for this case. */
        return vsctl_error(ctx, "transaction error: {\"details\":\"Attempted "
                           "to store %zu elements in %s of up to %u %ss.\","
                           "\"error\":\"constraint violation\"}", n,
                           column_is_map(&c->type) ? "map" : "set",
                           c->type.n_max,
                           c->type.key.type == ATOM_INTEGER ? "integer"
                           : c->type.key.type == ATOM_UUID ? "uuid"
                           : c->type.key.type == ATOM_BOOLEAN ? "boolean"
                           : "string");
    }
    confdb_row_set(ctx->db, row, col, &result);
    return 0;
}

/* Removes from `result` what `arg` names: values of a set, or keys or
 * key=value pairs of a map. */
static int remove_one(struct vsctl_ctx *ctx, const struct schema_column *c,
                      const char *arg, struct datum *result)
{
    struct column_type parse_type = c->type;
    struct datum rm;
    char *err = NULL;
    bool pairs = true;

    parse_type.n_max = N_UNLIMITED;
    if (datum_from_string(&parse_type, arg, &rm, &err)) {
        if (!column_is_map(&c->type)) {
            return vsctl_error_take(ctx, err);
        }
        free(err);
        err = NULL;
        parse_type.value.type = ATOM_VOID;       /* a set of keys */
        pairs = false;
        if (datum_from_string(&parse_type, arg, &rm, &err)) {
            return vsctl_error_take(ctx, err);
        }
    }
    for (size_t k = 0; k < rm.n; k++) {
        long i = datum_find_key(result, &rm.keys[k], c->type.key.type);
        if (i >= 0 && (!pairs || !column_is_map(&c->type)
                       || !atom_compare(&result->values[i], &rm.values[k],
                                        c->type.value.type))) {
            datum_remove_at(result, (size_t) i, &c->type);
        }
    }
    datum_destroy(&rm, &parse_type);
    return 0;
}

int vsctl_cmd_remove(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    const struct schema_table *t;
    struct confdb_row *row;
    int col;

    if (get_row_column(ctx, argv, argv[3], &t, &row, &col)) {
        return ctx->err ? -1 : 0;
    }
    const struct schema_column *c = column(t, col);
    struct datum result;

    datum_clone(&result, &row->cols[col], &c->type);
    for (int i = 4; i < argc; i++) {
        if (remove_one(ctx, c, argv[i], &result)) {
            datum_destroy(&result, &c->type);
            return -1;
        }
    }
    if (result.n < c->type.n_min) {
        size_t n = result.n;
        datum_destroy(&result, &c->type);
        return vsctl_error(ctx, "\"remove\" operation would put %zu values "
                           "in column %s of table %s but the minimum number "
                           "is %u", n, c->name, t->name, c->type.n_min);
    }
    confdb_row_set(ctx->db, row, col, &result);
    return 0;
}
