/* The configuration store: OVS's Open_vSwitch, Bridge, Port and Interface
 * tables kept in one SQLite file (WAL, synchronous=FULL, the log copied
 * into the file after each change and removed at close, so a store at rest
 * is one file).  Every change is one SQLite transaction, so after a crash
 * at any moment the file holds every committed transaction and no part of
 * any other.  Rows no longer
 * reachable from the Open_vSwitch row are deleted at commit, as OVSDB does
 * for non-root tables.  One writer process at a time is expected (the
 * daemon, or vs-vsctl when no daemon runs); another process that changed
 * the file in between is noticed and the cache reloaded.
 *
 * Not thread-safe: one thread uses a handle at a time. */
#ifndef VS_DB_CONFDB_H
#define VS_DB_CONFDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/config.h"
#include "db/schema.h"

struct confdb;

/* Opens the store at `path`, creating it (mode 0600, schema and the single
 * Open_vSwitch row, written whole then linked into place) when missing.  A
 * file that is not a vswitch store (not SQLite, another application's
 * database, no schema row, other tables) or is damaged (SQLite's
 * quick_check, unreadable rows, no root row) is refused and not written.
 * 0 with *out set, or -1 with a message in `err` (always NUL-terminated
 * when errlen > 0). */
int confdb_open(const char *path, struct confdb **out, char *err,
                size_t errlen);

/* Like confdb_open() but fails if there is no store at `path`. */
int confdb_open_existing(const char *path, struct confdb **out, char *err,
                         size_t errlen);

/* Closes the store (any open transaction is rolled back).  NULL is fine. */
void confdb_close(struct confdb *db);

/* Writes a consistent copy of the store into the single file `dest` (mode
 * 0600, replaced atomically if it exists), safe while another process
 * writes the store.  0, or -1 with *err (malloc'd). */
int confdb_backup(struct confdb *db, const char *dest, char **err);

/* Replaces the store at `path` (created if missing, even if damaged) with
 * the content of the backup file `backup`, checked as confdb_open() checks
 * a store; nothing is replaced if it fails.  No process may use the store
 * meanwhile.  0, or -1 with *err (malloc'd). */
int confdb_restore(const char *path, const char *backup, char **err);

/* Fills `out` with a typed snapshot of the Bridge/Port/Interface rows,
 * bridges, ports and interfaces each sorted by name.  0, or -1 (then `out`
 * is left empty).  Free with conf_free(). */
int confdb_read_config(struct confdb *db, struct conf *out);

/* Writes the daemon's status columns of Interface `iface_name` (ofport,
 * error, mac_in_use, admin_state, link_state, mtu, statistics) as one
 * transaction that does not change confdb_seqno().  0, -1 if no such
 * interface or on storage error. */
int confdb_set_iface_status(struct confdb *db, const char *iface_name,
                            const struct conf_iface_status *st);

/* Writes Controller `uuid`'s is_connected, as a status write (no seqno
 * change).  0, -1 if no such row or on storage error. */
int confdb_set_controller_connected(struct confdb *db, const char *uuid,
                                    bool is_connected);

/* A number that grows with every committed configuration change made
 * through this handle or noticed from another process (status writes by
 * confdb_set_iface_status do not count).  The daemon compares it with the
 * value it last applied to know when to reconfigure. */
uint64_t confdb_seqno(struct confdb *db);

/* Sets the Open_vSwitch row's ovs_version column (the daemon does this at
 * start, as ovs-vswitchd does).  0 or -1. */
int confdb_set_ovs_version(struct confdb *db, const char *version);

/* Row-level access, for the vsctl engine.  All of it works inside a
 * transaction opened by confdb_begin(); rows returned are owned by the
 * store and valid until the transaction ends. */
struct confdb_row {
    enum table_id table;
    char uuid[37];
    struct datum *cols;        /* one per column of the table */
    bool dirty;                /* written in the open transaction */
    bool deleted;              /* gone in the open transaction */
    bool reachable;            /* scratch for garbage collection */
    const struct confdb_row *parent; /* scratch for integrity checks */
};

/* Starts a write transaction (waiting up to 10 s for another writer),
 * reloading the rows if another process changed the file.  0, or -1 with
 * *err (malloc'd). */
int confdb_begin(struct confdb *db, char **err);

/* Deletes unreachable rows, checks the whole store (column constraints,
 * unique names, a port on one bridge and an interface on one port,
 * distinct ofport_request values) and commits durably.  0, or -1 with
 * *err: then everything is rolled back.  `config_change` says whether
 * confdb_seqno() should grow when something changed. */
int confdb_commit(struct confdb *db, bool config_change, char **err);

/* Drops every change of the open transaction. */
void confdb_rollback(struct confdb *db);

/* Marks rows no longer reachable from the Open_vSwitch row as deleted, as
 * OVSDB collects non-root rows (run after each command of a chain so that
 * later commands no longer see them). */
void confdb_collect_garbage(struct confdb *db);

/* The rows of table `t` (deleted ones skipped by the finders, not here). */
size_t confdb_n_rows(const struct confdb *db, enum table_id t);
struct confdb_row *confdb_row_at(const struct confdb *db, enum table_id t,
                                 size_t i);

/* The live row of table `t` with that uuid or that name, or NULL. */
struct confdb_row *confdb_find_uuid(const struct confdb *db, enum table_id t,
                                    const char *uuid);
struct confdb_row *confdb_find_name(const struct confdb *db, enum table_id t,
                                    const char *name);

/* The single Open_vSwitch row. */
struct confdb_row *confdb_root(const struct confdb *db);

/* A new row of table `t` with a fresh random uuid and default values. */
struct confdb_row *confdb_insert(struct confdb *db, enum table_id t);

/* Replaces column `col` of `row` with `value` (moved: left empty). */
void confdb_row_set(struct confdb *db, struct confdb_row *row, int col,
                    struct datum *value);

/* Marks `row` changed after its columns were edited in place. */
void confdb_row_touch(struct confdb_row *row);

/* The name column's value of a Bridge/Port/Interface row. */
const char *confdb_row_name(const struct confdb_row *row);

#endif
