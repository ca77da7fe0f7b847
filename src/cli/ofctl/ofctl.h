/* vs-ofctl's commands, shared between the files of src/cli/ofctl/ and the
 * main program src/cli/vs-ofctl.c.  Every command talks OpenFlow to the
 * switch (ofp/vconn.h); none uses the daemon's control socket. */
#ifndef VS_CLI_OFCTL_H
#define VS_CLI_OFCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ofp/ofp_msgs.h"
#include "ofp/ofp_parse.h"
#include "ofp/vconn.h"

struct ofctl_sort {
    const struct mf_field *field;   /* NULL: priority */
    bool descending;
};

/* The options every command sees. */
struct ofctl_opts {
    const char *rundir;
    uint32_t versions;          /* -O: allowed versions (bitmap) */
    bool strict;
    bool bundle;
    bool show_stats;            /* false: --no-stats */
    int names;                  /* --names 1, --no-names 0, default -1 */
    struct ofctl_sort sort[8];
    size_t n_sort;
};
extern struct ofctl_opts ofctl_opts;

/* Prints "vs-ofctl: MESSAGE" on stderr and exits 1. */
void ofctl_fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

/* Opens SWITCH as ovs-ofctl does: a name with ':' is a target; else the
 * name as a UNIX socket path, then RUNDIR/NAME.SUFFIX ("mgmt" or
 * "snoop"). Exits with ovs-ofctl's message on failure. */
struct vconn *ofctl_open(const char *name, const char *suffix);

/* Prints the message in `b` (ofp_print_msg) to `f`. */
void ofctl_print(FILE *f, const void *data, size_t len, int verbosity);

/* Sends `request` (a multipart request or a request with one reply) and
 * prints every reply on stdout, as ovs-ofctl's dump_transaction. */
void ofctl_dump_transaction(struct vconn *v, struct ofpbuf *request);
/* Sends a request that has no reply but an error: prints the error on
 * stderr and exits 1 when it fails. */
void ofctl_transact_noreply(struct vconn *v, struct ofpbuf *request);

/* Sends the encoded messages in `sent` (each with its own xid) as one
 * atomic, ordered bundle (open, adds, commit), as ovs-ofctl --bundle;
 * prints the errors and exits 1 on failure.  Takes `sent`'s bytes. */
void ofctl_bundle_messages(struct vconn *v, struct ofpbuf *sent);

/* The port number of `s` (a number, a reserved name or a port name looked
 * up on the switch `sw`). */
uint32_t ofctl_port(const char *sw, const char *s);

/* Port names as ovs-ofctl uses them: flows parsed after this take the
 * port names of switch `sw` (unless --no-names) and, with `show`, ports
 * print by name (ofp_port_set_names).  The names come from one port
 * description request (features on OpenFlow 1.0), made the first time a
 * name is needed. */
void ofctl_port_names(const char *sw, bool show);
/* --names, or stdout a terminal without --no-names (ovs-ofctl 3.1). */
bool ofctl_show_names(void);
/* Skips the xids ovs-ofctl's port and table name lookups take (4) less
 * those a port name fetch already took, once per command: the xids
 * printed later are ovs-ofctl's. */
void ofctl_skip_name_lookup_xids(void);

/* Reads `name` ("-" stdin) into memory; exits on error. */
char *ofctl_read_file(const char *name);

typedef void ofctl_handler(int argc, char *argv[]);
struct ofctl_command {
    const char *name;
    int min_args, max_args;     /* including the switch */
    ofctl_handler *handler;
};
/* The tables of src/cli/ofctl/ofctl_switch.c and ofctl_flows.c, each
 * ending with a NULL name. */
extern const struct ofctl_command ofctl_switch_commands[];
extern const struct ofctl_command ofctl_flow_commands[];
/* groups: src/cli/ofctl/ofctl_groups.c (--may-create sets mod-group's
 * add-or-modify). */
extern const struct ofctl_command ofctl_group_commands[];
void ofctl_groups_set_may_create(bool on);
/* meters: src/cli/ofctl/ofctl_meters.c. */
extern const struct ofctl_command ofctl_meter_commands[];

#endif
