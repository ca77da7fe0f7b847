/* The configuration store: OVS's Open_vSwitch, Bridge, Port and Interface
 * tables kept in one SQLite file (WAL, synchronous=FULL).  Every change is
 * one SQLite transaction, so after a crash at any moment the file holds
 * every committed transaction and no part of any other.  Rows no longer
 * reachable from the Open_vSwitch row are deleted at commit, as OVSDB does
 * for non-root tables.  One writer process at a time is expected (the
 * daemon, or vs-vsctl when no daemon runs); another process that changed
 * the file in between is noticed and the cache reloaded.
 *
 * Not thread-safe: one thread uses a handle at a time. */
#ifndef VS_DB_CONFDB_H
#define VS_DB_CONFDB_H

#include <stddef.h>
#include <stdint.h>

#include "db/config.h"

struct confdb;

/* Opens the store at `path`, creating the file, its schema and the single
 * Open_vSwitch row when missing.  0 with *out set, or -1 with a message in
 * `err` (always NUL-terminated when errlen > 0). */
int confdb_open(const char *path, struct confdb **out, char *err,
                size_t errlen);

/* Closes the store (any open transaction is rolled back).  NULL is fine. */
void confdb_close(struct confdb *db);

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

/* A number that grows with every committed configuration change made
 * through this handle or noticed from another process (status writes by
 * confdb_set_iface_status do not count).  The daemon compares it with the
 * value it last applied to know when to reconfigure. */
uint64_t confdb_seqno(struct confdb *db);

/* Sets the Open_vSwitch row's ovs_version column (the daemon does this at
 * start, as ovs-vswitchd does).  0 or -1. */
int confdb_set_ovs_version(struct confdb *db, const char *version);

#endif
