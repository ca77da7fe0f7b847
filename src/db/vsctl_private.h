/* Shared by the vsctl engine's files: the state of one command line. */
#ifndef VS_DB_VSCTL_PRIVATE_H
#define VS_DB_VSCTL_PRIVATE_H

#include <stdbool.h>

#include "db/confdb.h"
#include "lib/dstr.h"

struct vsctl_ctx {
    struct confdb *db;
    struct dstr out;           /* output of the whole command line */
    char *err;                 /* first error, malloc'd */
    bool exit_no_bridge;       /* br-exists said no */

    /* Global table-format options. */
    bool bare;
    bool no_headings;

    /* Options of the command being run. */
    bool may_exist;
    bool if_exists;
    const char *columns;       /* --columns=..., or NULL */
};

/* Records an error (the first one wins); returns -1 for `return`. */
int vsctl_error(struct vsctl_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Takes ownership of a malloc'd message; returns -1. */
int vsctl_error_take(struct vsctl_ctx *ctx, char *msg);

/* The bridge whose ports include `port`, or NULL. */
struct confdb_row *vsctl_bridge_of_port(struct vsctl_ctx *ctx,
                                        const struct confdb_row *port);

/* `show`. */
int vsctl_cmd_show(struct vsctl_ctx *ctx, int argc, char *argv[]);

/* Generic database commands (vsctl_db.c). */
int vsctl_cmd_get(struct vsctl_ctx *ctx, int argc, char *argv[]);
int vsctl_cmd_set(struct vsctl_ctx *ctx, int argc, char *argv[]);
int vsctl_cmd_list(struct vsctl_ctx *ctx, int argc, char *argv[]);
int vsctl_cmd_find(struct vsctl_ctx *ctx, int argc, char *argv[]);
int vsctl_cmd_clear(struct vsctl_ctx *ctx, int argc, char *argv[]);
int vsctl_cmd_add(struct vsctl_ctx *ctx, int argc, char *argv[]);
int vsctl_cmd_remove(struct vsctl_ctx *ctx, int argc, char *argv[]);

/* Applies one "COL[:KEY]=VALUE" argument to `row` (as `set` does). */
int vsctl_set_column(struct vsctl_ctx *ctx, struct confdb_row *row,
                     const char *arg);

#endif
