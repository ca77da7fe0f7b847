/* Applies the configuration store to the datapath: the bridges, their
 * ports and interfaces become datapath ports and ofproto instances, and
 * each Interface row gets its status back (ofport, error, link, mtu, MAC,
 * statistics).  Also serves "vsctl/transact" (the daemon is the store's one
 * writer) and the upcall / periodic work of the slow path.
 *
 * One datapath ("ovs-netdev") serves every bridge: its port numbers are
 * global, OpenFlow port numbers (ofport) belong to a bridge.
 *
 * Main thread only. */
#ifndef VS_DAEMON_BRIDGE_H
#define VS_DAEMON_BRIDGE_H

#include <poll.h>
#include <stddef.h>

struct conf_smap;
struct datapath;
struct ofproto_settings;

#define BRIDGE_DATAPATH_NAME "ovs-netdev"

/* Opens the store at `db_path`, creates the datapath and its forwarding
 * thread, applies the configuration (each bridge listens for OpenFlow on
 * `rundir`/BRIDGE.mgmt) and registers "vsctl/transact".
 * 0, or -1 with a message in `err`. */
int bridge_init(const char *db_path, const char *rundir, char *err,
                size_t errlen);

/* Removes every port (restoring the host devices), stops forwarding and
 * closes the store.  Safe to call when bridge_init failed. */
void bridge_exit(void);

/* One turn of the main loop: hands queued upcalls to the slow path,
 * re-applies the configuration when another process changed it, runs the
 * bridges' periodic work and refreshes the Interface status columns. */
void bridge_run(void);

/* Adds the fds bridge_run wants to wait on to `fds` (at most `max`);
 * returns how many, and lowers *timeout_ms to its next timer. */
int bridge_pollfds(struct pollfd *fds, int max, int *timeout_ms);

/* The datapath (for dpctl/ commands), or NULL before bridge_init. */
struct datapath *bridge_datapath(void);

/* The slow-path settings of bridge `name` from its other_config (NULL:
 * none): mac-table-size (1..1000000), mac-aging-time (seconds, 1..1000000),
 * flow-limit (0..10000000) and max-idle (ms, 100..86400000).  A key that
 * is missing or empty takes ofproto's default; one that is not an integer
 * in range takes it too, with a warning. */
void bridge_ofproto_settings(const char *name,
                             const struct conf_smap *other_config,
                             struct ofproto_settings *s);

/* Re-reads and applies the configuration now. */
void bridge_reconfigure(void);

#endif
