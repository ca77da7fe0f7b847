/* The vs-vsctl command engine: OVS's ovs-vsctl commands (add-br, add-port,
 * show, set, get, list, find, ...) run against a configuration store.
 * Used by vs-vsctl itself when no daemon runs, and by the daemon for the
 * control-socket method "vsctl/transact". */
#ifndef VS_DB_VSCTL_H
#define VS_DB_VSCTL_H

#include "db/confdb.h"

/* Exit status of vsctl_run when `br-exists` found no such bridge: nothing
 * is printed and nothing is changed (as ovs-vsctl exits 2). */
#define VSCTL_EXIT_NO_BRIDGE 2

/* Runs one whole command line `argv[0..argc-1]` (the program's own global
 * options such as --db already removed; table format options like --bare,
 * --format=, --no-headings may lead; commands are separated by `--`) as ONE
 * transaction: all of it or none of it.  argv is not modified.
 * Returns 0 with *output (malloc'd, may be "") and *error NULL; -1 with
 * *error (malloc'd message without the "vs-vsctl: " prefix) and *output
 * NULL, nothing changed; or VSCTL_EXIT_NO_BRIDGE with both NULL. */
int vsctl_run(struct confdb *db, int argc, char *argv[], char **output,
              char **error);

/* The reply of the "vsctl/transact" control-socket method for params
 * `argv[0..argc-1]`: runs vsctl_run and sets exactly one of *result
 * (output, on success) or *error (the message; "" for VSCTL_EXIT_NO_BRIDGE,
 * which vs-vsctl turns into exit status 2), malloc'd.  The daemon answers
 * with unixctl_reply(*result) or unixctl_reply_error(*error). */
void vsctl_transact_reply(struct confdb *db, int argc, const char *argv[],
                          char **result, char **error);

#endif
