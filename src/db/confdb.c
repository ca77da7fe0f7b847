/* The configuration store: rows of the schema's tables cached in memory,
 * kept in SQLite as one JSON document per row.  A transaction is one
 * SQLite transaction (BEGIN IMMEDIATE .. COMMIT) on a WAL database with
 * synchronous=FULL, so a commit that returned is on disk and a crash
 * before it leaves no trace.  A `generation` counter in the file tells a
 * handle whether another process wrote since it last loaded. */
#include "db/confdb.h"

#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/dstr.h"
#include "lib/util.h"

struct row_array {
    struct confdb_row **rows;
    size_t n, cap;
};

/* Open-addressing index of every cached row by uuid. */
struct uuid_index {
    struct confdb_row **slots;
    size_t n_slots;            /* power of 2 */
    size_t n_used;
};

struct confdb {
    sqlite3 *sql;
    struct row_array tables[N_TABLES];
    struct uuid_index index;
    bool loaded;               /* the cache matches `generation` */
    int64_t generation;        /* of the file when last loaded/written */
    uint64_t seqno;
    bool in_txn;
};

/* --- uuid index --- */

static size_t uuid_hash(const char *uuid)
{
    size_t h = 14695981039346656037u;
    for (const char *p = uuid; *p; p++) {
        h = (h ^ (unsigned char) *p) * 1099511628211u;
    }
    return h;
}

static void index_put(struct uuid_index *ix, struct confdb_row *row);

static void index_grow(struct uuid_index *ix)
{
    struct confdb_row **old = ix->slots;
    size_t old_n = ix->n_slots;

    ix->n_slots = old_n ? old_n * 2 : 64;
    ix->slots = xcalloc(ix->n_slots, sizeof *ix->slots);
    ix->n_used = 0;
    for (size_t i = 0; i < old_n; i++) {
        if (old[i]) {
            index_put(ix, old[i]);
        }
    }
    free(old);
}

static void index_put(struct uuid_index *ix, struct confdb_row *row)
{
    if ((ix->n_used + 1) * 2 > ix->n_slots) {
        index_grow(ix);
    }
    size_t mask = ix->n_slots - 1;
    for (size_t i = uuid_hash(row->uuid) & mask;; i = (i + 1) & mask) {
        if (!ix->slots[i]) {
            ix->slots[i] = row;
            ix->n_used++;
            return;
        }
    }
}

static struct confdb_row *index_get(const struct uuid_index *ix,
                                    const char *uuid)
{
    if (!ix->n_slots) {
        return NULL;
    }
    size_t mask = ix->n_slots - 1;
    for (size_t i = uuid_hash(uuid) & mask; ix->slots[i];
         i = (i + 1) & mask) {
        if (!strcmp(ix->slots[i]->uuid, uuid)) {
            return ix->slots[i];
        }
    }
    return NULL;
}

static void index_clear(struct uuid_index *ix)
{
    free(ix->slots);
    ix->slots = NULL;
    ix->n_slots = ix->n_used = 0;
}

/* --- rows in memory --- */

static const struct column_type *col_type(enum table_id t, int col)
{
    return &schema_tables[t].columns[col].type;
}

static struct confdb_row *row_new(enum table_id t, const char *uuid)
{
    const struct schema_table *st = &schema_tables[t];
    struct confdb_row *row = xcalloc(1, sizeof *row);

    row->table = t;
    snprintf(row->uuid, sizeof row->uuid, "%s", uuid);
    row->cols = xcalloc(st->n_columns, sizeof *row->cols);
    for (size_t i = 0; i < st->n_columns; i++) {
        datum_init_default(&row->cols[i], &st->columns[i].type);
    }
    return row;
}

static void row_free(struct confdb_row *row)
{
    const struct schema_table *st = &schema_tables[row->table];
    for (size_t i = 0; i < st->n_columns; i++) {
        datum_destroy(&row->cols[i], &st->columns[i].type);
    }
    free(row->cols);
    free(row);
}

static void row_append(struct confdb *db, struct confdb_row *row)
{
    struct row_array *a = &db->tables[row->table];
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->rows = xrealloc(a->rows, a->cap * sizeof *a->rows);
    }
    a->rows[a->n++] = row;
    index_put(&db->index, row);
}

static void cache_clear(struct confdb *db)
{
    for (size_t t = 0; t < N_TABLES; t++) {
        struct row_array *a = &db->tables[t];
        for (size_t i = 0; i < a->n; i++) {
            row_free(a->rows[i]);
        }
        free(a->rows);
        memset(a, 0, sizeof *a);
    }
    index_clear(&db->index);
    db->loaded = false;
}

/* Frees deleted rows and forgets every row's dirty mark after a commit. */
static void cache_settle(struct confdb *db)
{
    bool any_deleted = false;
    for (size_t t = 0; t < N_TABLES; t++) {
        struct row_array *a = &db->tables[t];
        size_t kept = 0;
        for (size_t i = 0; i < a->n; i++) {
            struct confdb_row *row = a->rows[i];
            if (row->deleted) {
                row_free(row);
                any_deleted = true;
            } else {
                row->dirty = false;
                a->rows[kept++] = row;
            }
        }
        a->n = kept;
    }
    if (any_deleted) {
        index_clear(&db->index);
        for (size_t t = 0; t < N_TABLES; t++) {
            for (size_t i = 0; i < db->tables[t].n; i++) {
                index_put(&db->index, db->tables[t].rows[i]);
            }
        }
    }
}

/* --- JSON encoding of rows: {"col": [atom...] or [[key, value]...]} --- */

static json_t *atom_to_json(const union atom *a, enum atom_type type)
{
    switch (type) {
    case ATOM_INTEGER: return json_integer(a->integer);
    case ATOM_BOOLEAN: return json_boolean(a->boolean);
    case ATOM_STRING:
    case ATOM_UUID: return json_string(a->string);
    case ATOM_VOID: default: return json_null();
    }
}

static int atom_from_json(json_t *j, const struct base_type *b,
                          union atom *out)
{
    switch (b->type) {
    case ATOM_INTEGER:
        if (!json_is_integer(j)) {
            return -1;
        }
        out->integer = json_integer_value(j);
        return 0;
    case ATOM_BOOLEAN:
        if (!json_is_boolean(j)) {
            return -1;
        }
        out->boolean = json_is_true(j);
        return 0;
    case ATOM_STRING:
    case ATOM_UUID:
        if (!json_is_string(j)
            || (b->type == ATOM_UUID && !uuid_is_valid(json_string_value(j)))) {
            return -1;
        }
        out->string = xstrdup(json_string_value(j));
        return 0;
    case ATOM_VOID:
    default:
        return -1;
    }
}

static char *row_to_json(const struct confdb_row *row)
{
    const struct schema_table *st = &schema_tables[row->table];
    json_t *obj = json_object();

    for (size_t c = 0; c < st->n_columns; c++) {
        const struct column_type *t = &st->columns[c].type;
        const struct datum *d = &row->cols[c];
        json_t *arr = json_array();
        for (size_t i = 0; i < d->n; i++) {
            json_t *k = atom_to_json(&d->keys[i], t->key.type);
            if (column_is_map(t)) {
                json_array_append_new(arr, json_pack("[oo]", k,
                                      atom_to_json(&d->values[i],
                                                   t->value.type)));
            } else {
                json_array_append_new(arr, k);
            }
        }
        json_object_set_new(obj, st->columns[c].name, arr);
    }
    char *text = json_dumps(obj, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(obj);
    if (!text) {
        out_of_memory();   /* jansson fails only on allocation here */
    }
    return text;
}

static int datum_from_json(json_t *arr, const struct column_type *t,
                           struct datum *out)
{
    size_t i;
    json_t *elem;

    datum_init_empty(out);
    if (!json_is_array(arr)) {
        return -1;
    }
    json_array_foreach(arr, i, elem) {
        union atom k, v;
        json_t *jk = column_is_map(t) ? json_array_get(elem, 0) : elem;
        if (column_is_map(t) && json_array_size(elem) != 2) {
            goto error;
        }
        if (atom_from_json(jk, &t->key, &k)) {
            goto error;
        }
        if (column_is_map(t)) {
            if (atom_from_json(json_array_get(elem, 1), &t->value, &v)) {
                atom_destroy(&k, t->key.type);
                goto error;
            }
            datum_add(out, &k, &v, t, true);
            atom_destroy(&v, t->value.type);
        } else {
            datum_add(out, &k, NULL, t, false);
        }
        atom_destroy(&k, t->key.type);
    }
    return 0;

error:
    datum_destroy(out, t);
    return -1;
}

/* Fills the columns of `row` from its stored JSON; columns missing from
 * the document keep their defaults. */
static int row_from_json(struct confdb_row *row, const char *text)
{
    const struct schema_table *st = &schema_tables[row->table];
    json_t *obj = json_loads(text, 0, NULL);
    int r = 0;

    if (!json_is_object(obj)) {
        json_decref(obj);
        return -1;
    }
    for (size_t c = 0; c < st->n_columns && !r; c++) {
        json_t *arr = json_object_get(obj, st->columns[c].name);
        struct datum d;
        if (!arr) {
            continue;
        }
        if (datum_from_json(arr, &st->columns[c].type, &d)) {
            r = -1;
        } else {
            datum_move(&row->cols[c], &d, &st->columns[c].type);
        }
    }
    json_decref(obj);
    return r;
}

/* --- SQLite --- */

static int sql_exec(struct confdb *db, const char *sql, char **err)
{
    char *msg = NULL;
    if (sqlite3_exec(db->sql, sql, NULL, NULL, &msg) != SQLITE_OK) {
        if (err) {
            *err = xasprintf("database error: %s",
                             msg ? msg : sqlite3_errmsg(db->sql));
        }
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static char *sql_error(struct confdb *db)
{
    return xasprintf("database error: %s", sqlite3_errmsg(db->sql));
}

static int read_generation(struct confdb *db, int64_t *gen, char **err)
{
    sqlite3_stmt *st;
    int r = -1;

    if (sqlite3_prepare_v2(db->sql, "SELECT value FROM meta WHERE "
                           "key='generation'", -1, &st, NULL) != SQLITE_OK) {
        *err = sql_error(db);
        return -1;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        *gen = sqlite3_column_int64(st, 0);
        r = 0;
    } else {
        *err = xstrdup("database error: missing generation");
    }
    sqlite3_finalize(st);
    return r;
}

static int load_table(struct confdb *db, enum table_id t, char **err)
{
    char *q = xasprintf("SELECT uuid, data FROM \"%s\"", schema_tables[t].name);
    sqlite3_stmt *st;
    int rc, r = 0;

    rc = sqlite3_prepare_v2(db->sql, q, -1, &st, NULL);
    free(q);
    if (rc != SQLITE_OK) {
        *err = sql_error(db);
        return -1;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *uuid = (const char *) sqlite3_column_text(st, 0);
        const char *data = (const char *) sqlite3_column_text(st, 1);
        if (!uuid || !data || !uuid_is_valid(uuid)) {
            *err = xasprintf("database error: bad row in table %s",
                             schema_tables[t].name);
            r = -1;
            break;
        }
        struct confdb_row *row = row_new(t, uuid);
        if (row_from_json(row, data)) {
            *err = xasprintf("database error: corrupt row %s in table %s",
                             uuid, schema_tables[t].name);
            row_free(row);
            r = -1;
            break;
        }
        row_append(db, row);
    }
    if (!r && rc != SQLITE_DONE) {
        *err = sql_error(db);
        r = -1;
    }
    sqlite3_finalize(st);
    return r;
}

static int load_all(struct confdb *db, char **err)
{
    cache_clear(db);
    for (size_t t = 0; t < N_TABLES; t++) {
        if (load_table(db, (enum table_id) t, err)) {
            cache_clear(db);
            return -1;
        }
    }
    db->loaded = true;
    return 0;
}

static int save_row(struct confdb *db, const struct confdb_row *row,
                    char **err)
{
    const char *name = schema_tables[row->table].name;
    char *q = row->deleted
              ? xasprintf("DELETE FROM \"%s\" WHERE uuid=?1", name)
              : xasprintf("INSERT OR REPLACE INTO \"%s\" (uuid, data) "
                          "VALUES (?1, ?2)", name);
    char *data = row->deleted ? NULL : row_to_json(row);
    sqlite3_stmt *st;
    int r = -1;

    if (sqlite3_prepare_v2(db->sql, q, -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, row->uuid, -1, SQLITE_STATIC);
        if (data) {
            sqlite3_bind_text(st, 2, data, -1, SQLITE_STATIC);
        }
        r = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
        sqlite3_finalize(st);
    }
    if (r) {
        *err = sql_error(db);
    }
    free(q);
    free(data);
    return r;
}

/* --- open / close --- */

static int create_schema(struct confdb *db, char **err)
{
    if (sql_exec(db, "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY,"
                 " value INTEGER NOT NULL);"
                 "INSERT OR IGNORE INTO meta VALUES ('generation', 0);", err)) {
        return -1;
    }
    for (size_t t = 0; t < N_TABLES; t++) {
        char *q = xasprintf("CREATE TABLE IF NOT EXISTS \"%s\" (uuid TEXT "
                            "PRIMARY KEY, data TEXT NOT NULL)",
                            schema_tables[t].name);
        int r = sql_exec(db, q, err);
        free(q);
        if (r) {
            return -1;
        }
    }
    return 0;
}

/* Makes the parent directory of `path` when it is missing (one level). */
static void make_parent_dir(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        mkdir(dir, 0755);
    }
    free(dir);
}

/* SQLite busy handler: wait 1 ms and retry, for up to 10 s. */
static int busy_wait(void *aux, int n_calls)
{
    (void) aux;
    if (n_calls >= 10000) {
        return 0;
    }
    usleep(1000);
    return 1;
}

static int open_sql(struct confdb *db, const char *path, char **err)
{
    make_parent_dir(path);
    if (sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READWRITE
                        | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK) {
        *err = xasprintf("%s: could not open database (%s)", path,
                         db->sql ? sqlite3_errmsg(db->sql)
                                 : "out of memory");
        return -1;
    }
    /* Another writer holds the file only for one short transaction: poll
     * every millisecond (SQLite's own timeout backs off to 100 ms sleeps,
     * which makes writers queueing behind each other needlessly slow). */
    sqlite3_busy_handler(db->sql, busy_wait, NULL);
    /* vs-vsctl opens the file once per command: keep the WAL file and
     * leave checkpoints to SQLite's automatic ones (at 1000 pages), so that
     * a command does not pay for recreating and checkpointing the log. */
    int one = 1;
    sqlite3_file_control(db->sql, "main", SQLITE_FCNTL_PERSIST_WAL, &one);
    sqlite3_db_config(db->sql, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
    if (sql_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                 err)) {
        return -1;
    }
    /* Under WAL, FULL syncs the log at every commit: an acknowledged
     * transaction survives a crash of the process or the machine. */
    if (sql_exec(db, "BEGIN IMMEDIATE", err)) {
        return -1;
    }
    if (create_schema(db, err)) {
        sql_exec(db, "ROLLBACK", NULL);
        return -1;
    }
    return sql_exec(db, "COMMIT", err);
}

int confdb_open(const char *path, struct confdb **out, char *errbuf,
                size_t errlen)
{
    struct confdb *db = xcalloc(1, sizeof *db);
    char *err = NULL;

    *out = NULL;
    if (open_sql(db, path, &err) || confdb_begin(db, &err)) {
        goto error;
    }
    if (!confdb_n_rows(db, TBL_OPEN_VSWITCH)) {
        confdb_insert(db, TBL_OPEN_VSWITCH);
    }
    if (confdb_commit(db, false, &err)) {
        goto error;
    }
    db->seqno = 1;
    *out = db;
    return 0;

error:
    if (errlen) {
        snprintf(errbuf, errlen, "%s", err ? err : "cannot open database");
    }
    free(err);
    confdb_close(db);
    return -1;
}

void confdb_close(struct confdb *db)
{
    if (!db) {
        return;
    }
    if (db->in_txn) {
        confdb_rollback(db);
    }
    cache_clear(db);
    sqlite3_close(db->sql);
    free(db);
}

/* --- transactions --- */

int confdb_begin(struct confdb *db, char **err)
{
    int64_t gen;

    if (db->in_txn) {
        *err = xstrdup("internal error: transaction already open");
        return -1;
    }
    if (sql_exec(db, "BEGIN IMMEDIATE", err)) {
        return -1;
    }
    db->in_txn = true;
    if (read_generation(db, &gen, err)) {
        confdb_rollback(db);
        return -1;
    }
    if (!db->loaded || gen != db->generation) {
        if (load_all(db, err)) {
            confdb_rollback(db);
            return -1;
        }
        if (gen != db->generation) {
            db->seqno++;        /* another process changed the file */
        }
        db->generation = gen;
    }
    return 0;
}

void confdb_rollback(struct confdb *db)
{
    if (db->in_txn) {
        sql_exec(db, "ROLLBACK", NULL);
        db->in_txn = false;
    }
    /* Reloading is simpler than undoing edits; errors are rare. */
    cache_clear(db);
}

static void mark_reachable(struct confdb *db, struct confdb_row *root)
{
    struct confdb_row **stack = xmalloc(sizeof *stack);
    size_t n = 0, cap = 1;

    root->reachable = true;
    stack[n++] = root;
    while (n) {
        struct confdb_row *row = stack[--n];
        const struct schema_table *st = &schema_tables[row->table];
        for (size_t c = 0; c < st->n_columns; c++) {
            const struct column_type *t = &st->columns[c].type;
            if (t->key.type != ATOM_UUID) {
                continue;
            }
            for (size_t i = 0; i < row->cols[c].n; i++) {
                struct confdb_row *ref = index_get(&db->index,
                                                   row->cols[c].keys[i].string);
                if (ref && !ref->deleted && !ref->reachable) {
                    ref->reachable = true;
                    if (n == cap) {
                        cap *= 2;
                        stack = xrealloc(stack, cap * sizeof *stack);
                    }
                    stack[n++] = ref;
                }
            }
        }
    }
    free(stack);
}

void confdb_collect_garbage(struct confdb *db)
{
    for (size_t t = 0; t < N_TABLES; t++) {
        for (size_t i = 0; i < db->tables[t].n; i++) {
            db->tables[t].rows[i]->reachable = false;
        }
    }
    for (size_t t = 0; t < N_TABLES; t++) {
        if (!schema_tables[t].is_root) {
            continue;
        }
        for (size_t i = 0; i < db->tables[t].n; i++) {
            struct confdb_row *row = db->tables[t].rows[i];
            if (!row->deleted && !row->reachable) {
                mark_reachable(db, row);
            }
        }
    }
    for (size_t t = 0; t < N_TABLES; t++) {
        for (size_t i = 0; i < db->tables[t].n; i++) {
            struct confdb_row *row = db->tables[t].rows[i];
            if (!row->reachable && !row->deleted) {
                row->deleted = true;
            }
        }
    }
}

/* Column constraints and references of every changed row. */
static int check_rows(struct confdb *db, char **err)
{
    for (size_t t = 0; t < N_TABLES; t++) {
        const struct schema_table *st = &schema_tables[t];
        for (size_t i = 0; i < db->tables[t].n; i++) {
            struct confdb_row *row = db->tables[t].rows[i];
            if (row->deleted || !row->dirty) {
                continue;
            }
            for (size_t c = 0; c < st->n_columns; c++) {
                const struct column_type *ct = &st->columns[c].type;
                char *e = NULL;
                if (datum_check(ct, &row->cols[c], &e)) {
                    *err = xasprintf("%s (column %s of table %s)", e,
                                     st->columns[c].name, st->name);
                    free(e);
                    return -1;
                }
                for (size_t k = 0; ct->key.type == ATOM_UUID
                                   && k < row->cols[c].n; k++) {
                    const char *u = row->cols[c].keys[k].string;
                    if (!confdb_find_uuid(db, ct->key.ref_table, u)) {
                        *err = xasprintf("referential integrity violation: "
                                         "column %s of table %s refers to "
                                         "%s, which is not a row of table %s",
                                         st->columns[c].name, st->name, u,
                                         schema_tables[ct->key.ref_table].name);
                        return -1;
                    }
                }
            }
        }
    }
    return 0;
}

struct keyed_row {
    const char *name;
    int64_t number;
    const struct confdb_row *row;
};

static int compare_keyed_name(const void *a_, const void *b_)
{
    const struct keyed_row *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

static int compare_keyed_number(const void *a_, const void *b_)
{
    const struct keyed_row *a = a_, *b = b_;
    return a->number < b->number ? -1 : a->number > b->number;
}

/* Names are unique within Bridge, Port and Interface (OVS's index). */
static int check_unique_names(struct confdb *db, enum table_id t, char **err)
{
    struct row_array *a = &db->tables[t];
    struct keyed_row *keys = xcalloc(a->n, sizeof *keys);
    size_t n = 0;
    int r = 0;

    for (size_t i = 0; i < a->n; i++) {
        if (!a->rows[i]->deleted) {
            keys[n++].name = confdb_row_name(a->rows[i]);
        }
    }
    qsort(keys, n, sizeof *keys, compare_keyed_name);
    for (size_t i = 1; i < n; i++) {
        if (!strcmp(keys[i - 1].name, keys[i].name)) {
            *err = xasprintf("transaction causes multiple rows in \"%s\" "
                             "table to have identical values (\"%s\") for "
                             "index on column \"name\"",
                             schema_tables[t].name, keys[i].name);
            r = -1;
            break;
        }
    }
    free(keys);
    return r;
}

/* A port belongs to one bridge and an interface to one port. */
static int check_single_parent(struct confdb *db, enum table_id parent_t,
                               int ref_col, enum table_id child_t,
                               char **err)
{
    for (size_t i = 0; i < db->tables[child_t].n; i++) {
        db->tables[child_t].rows[i]->parent = NULL;
    }
    for (size_t i = 0; i < db->tables[parent_t].n; i++) {
        const struct confdb_row *p = db->tables[parent_t].rows[i];
        if (p->deleted) {
            continue;
        }
        for (size_t k = 0; k < p->cols[ref_col].n; k++) {
            struct confdb_row *c = confdb_find_uuid(db, child_t,
                                            p->cols[ref_col].keys[k].string);
            if (!c) {
                continue;
            }
            if (c->parent && c->parent != p) {
                *err = xasprintf("%s %s cannot be in both %s %s and %s %s",
                                 schema_tables[child_t].name,
                                 confdb_row_name(c),
                                 schema_tables[parent_t].name,
                                 confdb_row_name(c->parent),
                                 schema_tables[parent_t].name,
                                 confdb_row_name(p));
                return -1;
            }
            c->parent = p;
        }
    }
    return 0;
}

static int check_ofport_requests(struct confdb *db, char **err)
{
    struct row_array *a = &db->tables[TBL_INTERFACE];
    struct keyed_row *keys = xcalloc(a->n, sizeof *keys);
    size_t n = 0;
    int r = 0;

    for (size_t i = 0; i < a->n; i++) {
        const struct confdb_row *row = a->rows[i];
        if (!row->deleted && row->cols[IF_OFPORT_REQUEST].n) {
            keys[n].number = row->cols[IF_OFPORT_REQUEST].keys[0].integer;
            keys[n].name = confdb_row_name(row);
            keys[n++].row = row;
        }
    }
    qsort(keys, n, sizeof *keys, compare_keyed_number);
    for (size_t i = 1; i < n; i++) {
        if (keys[i - 1].number == keys[i].number) {
            /* Name the interface that just asked for it. */
            bool later_new = keys[i].row->dirty && !keys[i - 1].row->dirty;
            const struct keyed_row *asker = later_new ? &keys[i] : &keys[i - 1];
            const struct keyed_row *owner = later_new ? &keys[i - 1] : &keys[i];
            *err = xasprintf("ofport_request %lld of interface %s is already "
                             "used by interface %s", (long long) asker->number,
                             asker->name, owner->name);
            r = -1;
            break;
        }
    }
    free(keys);
    return r;
}

static int check_integrity(struct confdb *db, char **err)
{
    return check_rows(db, err)
           || check_unique_names(db, TBL_BRIDGE, err)
           || check_unique_names(db, TBL_PORT, err)
           || check_unique_names(db, TBL_INTERFACE, err)
           || check_single_parent(db, TBL_OPEN_VSWITCH, OVS_BRIDGES,
                                  TBL_BRIDGE, err)
           || check_single_parent(db, TBL_BRIDGE, BR_PORTS, TBL_PORT, err)
           || check_single_parent(db, TBL_PORT, PORT_INTERFACES,
                                  TBL_INTERFACE, err)
           || check_ofport_requests(db, err) ? -1 : 0;
}

/* Writes changed and deleted rows; sets *changed if there were any. */
static int write_changes(struct confdb *db, bool *changed, char **err)
{
    *changed = false;
    for (size_t t = 0; t < N_TABLES; t++) {
        for (size_t i = 0; i < db->tables[t].n; i++) {
            struct confdb_row *row = db->tables[t].rows[i];
            if (row->dirty || row->deleted) {
                if (save_row(db, row, err)) {
                    return -1;
                }
                *changed = true;
            }
        }
    }
    if (*changed && sql_exec(db, "UPDATE meta SET value = value + 1 WHERE "
                             "key='generation'", err)) {
        return -1;
    }
    return 0;
}

int confdb_commit(struct confdb *db, bool config_change, char **err)
{
    bool changed = false;

    if (!db->in_txn) {
        *err = xstrdup("internal error: no transaction");
        return -1;
    }
    confdb_collect_garbage(db);
    if (check_integrity(db, err) || write_changes(db, &changed, err)
        || sql_exec(db, "COMMIT", err)) {
        confdb_rollback(db);
        return -1;
    }
    db->in_txn = false;
    cache_settle(db);
    if (changed) {
        db->generation++;
        if (config_change) {
            db->seqno++;
        }
    }
    return 0;
}

uint64_t confdb_seqno(struct confdb *db)
{
    return db->seqno;
}

/* --- rows --- */

size_t confdb_n_rows(const struct confdb *db, enum table_id t)
{
    return db->tables[t].n;
}

struct confdb_row *confdb_row_at(const struct confdb *db, enum table_id t,
                                 size_t i)
{
    return db->tables[t].rows[i];
}

struct confdb_row *confdb_find_uuid(const struct confdb *db, enum table_id t,
                                    const char *uuid)
{
    struct confdb_row *row = index_get(&db->index, uuid);
    return row && row->table == t && !row->deleted ? row : NULL;
}

struct confdb_row *confdb_find_name(const struct confdb *db, enum table_id t,
                                    const char *name)
{
    int col = schema_tables[t].name_column;
    if (col < 0) {
        return NULL;
    }
    for (size_t i = 0; i < db->tables[t].n; i++) {
        struct confdb_row *row = db->tables[t].rows[i];
        /* A row just inserted has no name yet: it matches nothing. */
        if (!row->deleted && row->cols[col].n
            && !strcmp(row->cols[col].keys[0].string, name)) {
            return row;
        }
    }
    return NULL;
}

struct confdb_row *confdb_root(const struct confdb *db)
{
    for (size_t i = 0; i < db->tables[TBL_OPEN_VSWITCH].n; i++) {
        struct confdb_row *row = db->tables[TBL_OPEN_VSWITCH].rows[i];
        if (!row->deleted) {
            return row;
        }
    }
    return NULL;
}

static void random_uuid(char out[37])
{
    uint8_t b[16];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t n = getrandom(b + got, sizeof b - got, 0);
        if (n > 0) {
            got += (size_t) n;
        } else if (errno != EINTR) {
            abort();
        }
    }
    b[6] = (uint8_t) ((b[6] & 0x0f) | 0x40);     /* version 4 */
    b[8] = (uint8_t) ((b[8] & 0x3f) | 0x80);     /* RFC 4122 variant */
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3], b[4], b[5],
             b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

struct confdb_row *confdb_insert(struct confdb *db, enum table_id t)
{
    char uuid[37];
    do {
        random_uuid(uuid);
    } while (index_get(&db->index, uuid));
    struct confdb_row *row = row_new(t, uuid);
    row->dirty = true;
    row_append(db, row);
    return row;
}

void confdb_row_set(struct confdb *db, struct confdb_row *row, int col,
                    struct datum *value)
{
    (void) db;
    datum_move(&row->cols[col], value, col_type(row->table, col));
    row->dirty = true;
}

void confdb_row_touch(struct confdb_row *row)
{
    row->dirty = true;
}

const char *confdb_row_name(const struct confdb_row *row)
{
    int col = schema_tables[row->table].name_column;
    if (col < 0 || !row->cols[col].n) {
        return row->uuid;
    }
    return row->cols[col].keys[0].string;
}
