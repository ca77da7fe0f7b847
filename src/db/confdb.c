/* The configuration store: rows of the schema's tables cached in memory,
 * kept in SQLite as one JSON document per row.  A transaction is one
 * SQLite transaction (BEGIN IMMEDIATE .. COMMIT) on a WAL database with
 * synchronous=FULL, so a commit that returned is on disk and a crash
 * before it leaves no trace; the log is checkpointed into the file after
 * each change.  A `generation` counter in the file tells a handle whether
 * another process wrote since it last loaded.  A file is known as a store
 * by its header (application_id, format) and then its schema row and
 * tables, checked before SQLite may write to it. */
#include "db/confdb.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* "database error: MSG", or "damaged configuration store (MSG)" when
 * SQLite found the file corrupt. */
static char *error_text(struct confdb *db, const char *msg)
{
    int code = sqlite3_errcode(db->sql);
    return code == SQLITE_CORRUPT || code == SQLITE_NOTADB
           ? xasprintf("damaged configuration store (%s)", msg)
           : xasprintf("database error: %s", msg);
}

static int sql_exec(struct confdb *db, const char *sql, char **err)
{
    char *msg = NULL;
    if (sqlite3_exec(db->sql, sql, NULL, NULL, &msg) != SQLITE_OK) {
        if (err) {
            *err = error_text(db, msg ? msg : sqlite3_errmsg(db->sql));
        }
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static char *sql_error(struct confdb *db)
{
    return error_text(db, sqlite3_errmsg(db->sql));
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

/* What marks a file as a vswitch store before SQLite reads it: the
 * header's application_id and user_version (the store format).  Format 1:
 * a `meta` table with the rows schema=Open_vSwitch and generation, and
 * one (uuid, data) table per schema table. */
#define STORE_APPLICATION_ID 0x56535744      /* "VSWD" */
#define STORE_FORMAT 1
#define STORE_SCHEMA_NAME "Open_vSwitch"

static int create_schema(struct confdb *db, char **err)
{
    char *q = xasprintf("PRAGMA application_id=%d; PRAGMA user_version=%d;"
                        "CREATE TABLE meta (key TEXT PRIMARY KEY, value "
                        "NOT NULL); INSERT INTO meta VALUES ('schema', '"
                        STORE_SCHEMA_NAME "'), ('generation', 0);",
                        STORE_APPLICATION_ID, STORE_FORMAT);
    int r = sql_exec(db, q, err);
    free(q);
    for (size_t t = 0; t < N_TABLES && !r; t++) {
        q = xasprintf("CREATE TABLE \"%s\" (uuid TEXT PRIMARY KEY, data "
                      "TEXT NOT NULL)", schema_tables[t].name);
        r = sql_exec(db, q, err);
        free(q);
    }
    return r;
}

static uint32_t be32_at(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16
           | (uint32_t) p[2] << 8 | p[3];
}

/* Reads the 100-byte SQLite header of `path` with plain read(): a file
 * that is not a vswitch store is refused before SQLite could write to it
 * (add a log, convert its journal mode, create tables).  `legacy_ok` also
 * lets through a header without application_id and format, as stores
 * written before format 1 have. */
static int check_header(const char *path, bool legacy_ok, char **err)
{
    uint8_t h[100];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        *err = xasprintf("%s: cannot open (%s)", path, strerror(errno));
        return -1;
    }
    ssize_t n = read(fd, h, sizeof h);
    int read_errno = errno;
    close(fd);
    if (n < 0) {
        *err = xasprintf("%s: cannot read (%s)", path, strerror(read_errno));
    } else if (n == 0) {
        *err = xasprintf("%s: not a vswitch configuration store (empty "
                         "file)", path);
    } else if ((size_t) n < sizeof h
               || memcmp(h, "SQLite format 3", 16)) {
        *err = xasprintf("%s: not a vswitch configuration store (not an "
                         "SQLite database)", path);
    } else if (legacy_ok && !be32_at(h + 68) && !be32_at(h + 60)) {
        return 0;                /* checked by its tables (see restore) */
    } else if (be32_at(h + 68) != STORE_APPLICATION_ID) {
        *err = xasprintf("%s: not a vswitch configuration store (an SQLite "
                         "database of another application, or a store of a "
                         "vswitch older than format %d: `vs-vsctl restore "
                         "FILE` converts one)", path, STORE_FORMAT);
    } else if (be32_at(h + 60) != STORE_FORMAT) {
        *err = xasprintf("%s: configuration store format %u is not %d "
                         "(written by another vswitch version)", path,
                         be32_at(h + 60), STORE_FORMAT);
    } else {
        return 0;
    }
    return -1;
}

/* The first column of the single row `sql` returns, as text (malloc'd),
 * or NULL. */
static char *sql_text(struct confdb *db, const char *sql)
{
    sqlite3_stmt *st;
    char *text = NULL;
    if (sqlite3_prepare_v2(db->sql, sql, -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
            text = xstrdup((const char *) sqlite3_column_text(st, 0));
        }
        sqlite3_finalize(st);
    }
    return text;
}

/* True if `name` is "meta", a schema table or SQLite's own. */
static bool is_store_table(const char *name)
{
    if (!strcmp(name, "meta") || !strncmp(name, "sqlite_", 7)) {
        return true;
    }
    for (size_t t = 0; t < N_TABLES; t++) {
        if (!strcmp(name, schema_tables[t].name)) {
            return true;
        }
    }
    return false;
}

/* The tables of database `schema` ("main" or an attached one) are exactly
 * the store's, with its schema row (none is fine with `legacy_ok`). */
static int check_tables(struct confdb *db, const char *schema,
                        bool legacy_ok, char **err)
{
    char *q = xasprintf("SELECT name FROM \"%s\".sqlite_master WHERE "
                        "type='table'", schema);
    sqlite3_stmt *st;
    size_t n_known = 0;
    int r = sqlite3_prepare_v2(db->sql, q, -1, &st, NULL) == SQLITE_OK
            ? 0 : -1;
    free(q);
    if (r) {
        *err = sql_error(db);
        return -1;
    }
    while (!r && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *) sqlite3_column_text(st, 0);
        if (!name || !is_store_table(name)) {
            *err = xasprintf("not a vswitch configuration store (it has a "
                             "table \"%s\")", name ? name : "");
            r = -1;
        }
        n_known += name && strncmp(name, "sqlite_", 7);
    }
    sqlite3_finalize(st);
    if (!r && n_known != N_TABLES + 1) {
        *err = xasprintf("not a vswitch configuration store (%zu of its %d "
                         "tables)", n_known, N_TABLES + 1);
        r = -1;
    }
    q = xasprintf("SELECT value FROM \"%s\".meta WHERE key='schema'", schema);
    char *name = r ? NULL : sql_text(db, q);
    free(q);
    if (!r && !name && legacy_ok) {
        /* The tables of a store written before format 1 (no schema row
         * yet): accepted as the source of a restore, the admin's word. */
    } else if (!r && (!name || strcmp(name, STORE_SCHEMA_NAME))) {
        *err = xasprintf("not a vswitch configuration store (schema row "
                         "%s)", name ? name : "missing");
        /* Found only when the header is ours: the file was made by hand
         * or damaged.  A store of an earlier vswitch fails the header
         * check instead; `vs-vsctl restore` converts one. */
        r = -1;
    }
    free(name);
    return r;
}

/* SQLite's own consistency check of database `schema` (pages, indexes,
 * b-trees): a damaged file is refused, never read as a smaller store. */
static int check_pages(struct confdb *db, const char *schema, char **err)
{
    char *q = xasprintf("PRAGMA \"%s\".quick_check", schema);
    char *verdict = sql_text(db, q);
    free(q);
    if (!verdict || strcmp(verdict, "ok")) {
        *err = xasprintf("damaged configuration store (%s)",
                         verdict ? verdict : sqlite3_errmsg(db->sql));
        free(verdict);
        return -1;
    }
    free(verdict);
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

/* fsync() of the directory holding `path`, so that a rename or link into
 * it survives a power loss. */
static void sync_parent_dir(const char *path)
{
    char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash) {
        slash[slash == dir] = '\0';     /* "/conf.db": keep the root "/" */
    }
    int fd = open(slash ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
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

/* Opens `path` (which must exist) in SQLite, writing nothing yet. */
static int open_sql(struct confdb *db, const char *path, char **err)
{
    if (sqlite3_open_v2(path, &db->sql, SQLITE_OPEN_READWRITE
                        | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
        *err = xasprintf("%s: could not open database (%s)", path,
                         db->sql ? sqlite3_errmsg(db->sql)
                                 : "out of memory");
        return -1;
    }
    /* Another writer holds the file only for one short transaction: poll
     * every millisecond (SQLite's own timeout backs off to 100 ms sleeps,
     * which makes writers queueing behind each other needlessly slow). */
    sqlite3_busy_handler(db->sql, busy_wait, NULL);
    return 0;
}

/* Puts the store in its journal mode, once it is known to be a store.
 * Under WAL, FULL syncs the log at every commit: an acknowledged
 * transaction survives a crash of the process or the machine.  The last
 * handle to close checkpoints the log into the file and removes it
 * (SQLite's default), so a store at rest is one file. */
static int set_journal(struct confdb *db, char **err)
{
    return sql_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
                    err);
}

/* Copies the rows of every table of the attached database `src` into the
 * empty store being created. */
static int copy_tables(struct confdb *db, const char *src, char **err)
{
    int r = 0;
    for (size_t t = 0; t < N_TABLES && !r; t++) {
        char *q = xasprintf("INSERT INTO main.\"%s\" SELECT uuid, data FROM "
                            "\"%s\".\"%s\"", schema_tables[t].name, src,
                            schema_tables[t].name);
        r = sql_exec(db, q, err);
        free(q);
    }
    return r;
}

/* Fills the new store `db` (schema, root row) or, with `from`, copies the
 * rows of the store file `from` into it, after checking that file. */
static int fill_store(struct confdb *db, const char *from, char **err)
{
    if (from) {
        char *q = sqlite3_mprintf("ATTACH DATABASE %Q AS src", from);
        int r = sql_exec(db, q, err);
        sqlite3_free(q);
        if (r || check_tables(db, "src", true, err) || check_pages(db, "src", err)) {
            return -1;
        }
    }
    if (sql_exec(db, "BEGIN IMMEDIATE", err)) {
        return -1;
    }
    if (create_schema(db, err) || (from && copy_tables(db, "src", err))) {
        sql_exec(db, "ROLLBACK", NULL);
        return -1;
    }
    if (!from) {
        struct confdb_row *root = confdb_insert(db, TBL_OPEN_VSWITCH);
        if (save_row(db, root, err)) {
            sql_exec(db, "ROLLBACK", NULL);
            return -1;
        }
    }
    return sql_exec(db, "COMMIT", err);
}

/* Writes a complete store into a new file next to `path` (mode 0600
 * whatever the umask, no -wal left) and returns its name (malloc'd), or
 * NULL.  Being whole before it is renamed or linked into place, a store
 * file never exists half-made, even after a crash. */
static char *make_store_file(const char *path, const char *from, char **err)
{
    char *tmp = xasprintf("%s.new-XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0 || fchmod(fd, 0600)) {
        *err = xasprintf("%s: cannot create (%s)", tmp, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        free(tmp);
        return NULL;
    }
    close(fd);

    struct confdb *db = xcalloc(1, sizeof *db);
    int r = open_sql(db, tmp, err) || set_journal(db, err)
            || fill_store(db, from, err) ? -1 : 0;
    if (!r && sqlite3_wal_checkpoint_v2(db->sql, NULL,
                                        SQLITE_CHECKPOINT_TRUNCATE, NULL,
                                        NULL) != SQLITE_OK) {
        *err = sql_error(db);
        r = -1;
    }
    confdb_close(db);
    char *wal = xasprintf("%s-wal", tmp), *shm = xasprintf("%s-shm", tmp);
    unlink(wal);
    unlink(shm);
    free(wal);
    free(shm);
    if (r) {
        unlink(tmp);
        free(tmp);
        return NULL;
    }
    return tmp;
}

/* Creates the store at `path` unless another process just did. */
static int create_store(const char *path, char **err)
{
    make_parent_dir(path);
    char *tmp = make_store_file(path, NULL, err);
    if (!tmp) {
        return -1;
    }
    int r = 0;
    if (link(tmp, path) && errno != EEXIST) {
        *err = xasprintf("%s: cannot create (%s)", path, strerror(errno));
        r = -1;
    }
    unlink(tmp);
    free(tmp);
    sync_parent_dir(path);
    return r;
}

/* Loads the checked store and requires its single Open_vSwitch row (none
 * would let garbage collection delete every bridge). */
static int load_store(struct confdb *db, char **err)
{
    if (sql_exec(db, "BEGIN", err)) {
        return -1;
    }
    db->in_txn = true;
    int r = check_tables(db, "main", false, err) || check_pages(db, "main", err)
            || read_generation(db, &db->generation, err)
            || load_all(db, err) ? -1 : 0;
    if (!r && confdb_n_rows(db, TBL_OPEN_VSWITCH) != 1) {
        *err = xasprintf("damaged configuration store (%zu Open_vSwitch "
                         "rows)", confdb_n_rows(db, TBL_OPEN_VSWITCH));
        r = -1;
    }
    bool loaded = db->loaded;
    sql_exec(db, "COMMIT", NULL);
    db->in_txn = false;
    db->loaded = loaded && !r;
    return r;
}

/* Names the file in *err and says what to do about a damaged one. */
static void explain_open_error(const char *path, char **err)
{
    char *full;
    if (!strncmp(*err, "damaged", 7)) {
        full = xasprintf("%s: %s; restore it from a backup (vs-vsctl "
                         "restore FILE)", path, *err);
    } else if (!strncmp(*err, path, strlen(path))) {
        return;
    } else {
        full = xasprintf("%s: %s", path, *err);
    }
    free(*err);
    *err = full;
}

static int open_store(const char *path, bool may_create, struct confdb **out,
                      char *errbuf, size_t errlen)
{
    struct confdb *db = xcalloc(1, sizeof *db);
    char *err = NULL;
    struct stat st;

    *out = NULL;
    if (stat(path, &st) && errno == ENOENT) {
        if (!may_create) {
            err = xasprintf("%s: no configuration store there", path);
            goto error;
        }
        if (create_store(path, &err)) {
            goto error;
        }
    }
    if (check_header(path, false, &err)) {
        goto error;
    }
    if (open_sql(db, path, &err) || load_store(db, &err)
        || set_journal(db, &err)) {
        explain_open_error(path, &err);
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

int confdb_open(const char *path, struct confdb **out, char *errbuf,
                size_t errlen)
{
    return open_store(path, true, out, errbuf, errlen);
}

int confdb_open_existing(const char *path, struct confdb **out, char *errbuf,
                         size_t errlen)
{
    return open_store(path, false, out, errbuf, errlen);
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

int confdb_backup(struct confdb *db, const char *dest, char **err)
{
    char *tmp = xasprintf("%s.new-XXXXXX", dest);
    int fd = mkstemp(tmp);
    int r = -1;

    if (fd < 0 || fchmod(fd, 0600)) {
        *err = xasprintf("%s: cannot create (%s)", dest, strerror(errno));
        goto out;
    }
    /* VACUUM INTO writes one consistent snapshot (a read transaction: the
     * daemon may be writing meanwhile) into the empty file just made. */
    char *q = sqlite3_mprintf("VACUUM INTO %Q", tmp);
    r = sql_exec(db, q, err);
    sqlite3_free(q);
    if (!r && (fsync(fd) || rename(tmp, dest))) {
        *err = xasprintf("%s: cannot write (%s)", dest, strerror(errno));
        r = -1;
    }
    if (!r) {
        sync_parent_dir(dest);
    }
out:
    if (fd >= 0) {
        close(fd);
    }
    if (r) {
        unlink(tmp);
    }
    free(tmp);
    return r;
}

int confdb_restore(const char *path, const char *backup, char **err)
{
    if (check_header(backup, true, err)) {
        return -1;
    }
    make_parent_dir(path);
    char *tmp = make_store_file(path, backup, err);
    struct confdb *check = NULL;
    char buf[512];
    /* The copy is opened as the daemon would (rows parse, one root) before
     * it replaces anything. */
    if (tmp && open_store(tmp, false, &check, buf, sizeof buf)) {
        *err = xstrdup(strstr(buf, ": ") ? strstr(buf, ": ") + 2 : buf);
        unlink(tmp);
        free(tmp);
        tmp = NULL;
    }
    confdb_close(check);
    if (!tmp) {
        char *full = xasprintf("%s: %s", backup, *err);
        free(*err);
        *err = full;
        return -1;
    }
    /* Whatever log the old store left describes the old file: it must not
     * be replayed onto the new one. */
    char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
    unlink(wal);
    unlink(shm);
    free(wal);
    free(shm);
    int r = 0;
    if (rename(tmp, path)) {
        *err = xasprintf("%s: cannot replace (%s)", path, strerror(errno));
        unlink(tmp);
        r = -1;
    }
    free(tmp);
    sync_parent_dir(path);
    return r;
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

/* Copies the log into the store file after each change, so that the file
 * alone holds every committed transaction except, after a crash, the last
 * one.  Changes come at human or controller rates (and a status write per
 * interface every 5 s at most), so the extra file sync costs nothing that
 * matters; PASSIVE never waits for a reader, and what it cannot copy now
 * the next checkpoint or the last close copies. */
static void checkpoint(struct confdb *db)
{
    sqlite3_wal_checkpoint_v2(db->sql, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL,
                              NULL);
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
        checkpoint(db);
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
    if (random_bytes(b, sizeof b)) {
        abort();
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
