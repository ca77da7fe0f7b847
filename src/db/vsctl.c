/* The vs-vsctl command engine: splits a command line into commands,
 * checks them all, then runs them in one store transaction.  Bridge and
 * port commands (add-br, add-port, ...) live here; the generic database
 * commands are in vsctl_db.c and `show` in vsctl_show.c. */
#include "db/vsctl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/schema.h"
#include "db/vsctl_private.h"

int vsctl_error_take(struct vsctl_ctx *ctx, char *msg)
{
    if (!ctx->err) {
        ctx->err = msg;
    } else {
        free(msg);
    }
    return -1;
}

int vsctl_error(struct vsctl_ctx *ctx, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *msg = xvasprintf(fmt, args);
    va_end(args);
    return vsctl_error_take(ctx, msg);
}

/* --- the bridge/port/interface shape --- */

static struct confdb_row *find_bridge(struct vsctl_ctx *ctx, const char *name,
                                      bool must_exist)
{
    struct confdb_row *br = confdb_find_name(ctx->db, TBL_BRIDGE, name);
    if (!br && must_exist) {
        vsctl_error(ctx, "no bridge named %s", name);
    }
    return br;
}

static bool set_has_uuid(const struct datum *d, const char *uuid)
{
    union atom a = { .string = (char *) uuid };
    return datum_find_key(d, &a, ATOM_UUID) >= 0;
}

static void set_add_uuid(struct confdb_row *row, int col, const char *uuid)
{
    union atom a = { .string = (char *) uuid };
    datum_add(&row->cols[col], &a, NULL,
              &schema_tables[row->table].columns[col].type, false);
    confdb_row_touch(row);
}

static void set_remove_uuid(struct confdb_row *row, int col, const char *uuid)
{
    union atom a = { .string = (char *) uuid };
    long i = datum_find_key(&row->cols[col], &a, ATOM_UUID);
    if (i >= 0) {
        datum_remove_at(&row->cols[col], (size_t) i,
                        &schema_tables[row->table].columns[col].type);
        confdb_row_touch(row);
    }
}

/* The live row of `parent_t` whose column `col` refers to `child`. */
static struct confdb_row *parent_of(struct vsctl_ctx *ctx,
                                    enum table_id parent_t, int col,
                                    const struct confdb_row *child)
{
    for (size_t i = 0; i < confdb_n_rows(ctx->db, parent_t); i++) {
        struct confdb_row *p = confdb_row_at(ctx->db, parent_t, i);
        if (!p->deleted && set_has_uuid(&p->cols[col], child->uuid)) {
            return p;
        }
    }
    return NULL;
}

struct confdb_row *vsctl_bridge_of_port(struct vsctl_ctx *ctx,
                                        const struct confdb_row *port)
{
    return parent_of(ctx, TBL_BRIDGE, BR_PORTS, port);
}

static const char *bridge_name_of_port(struct vsctl_ctx *ctx,
                                       const struct confdb_row *port)
{
    struct confdb_row *br = vsctl_bridge_of_port(ctx, port);
    return br ? confdb_row_name(br) : "(none)";
}

/* Fails if `name` is already a bridge, port or interface name. */
static int check_conflicts(struct vsctl_ctx *ctx, const char *name,
                           const char *what)
{
    struct confdb_row *row;

    if (confdb_find_name(ctx->db, TBL_BRIDGE, name)) {
        return vsctl_error(ctx, "%s because a bridge named %s already exists",
                           what, name);
    }
    row = confdb_find_name(ctx->db, TBL_PORT, name);
    if (row) {
        return vsctl_error(ctx, "%s because a port named %s already exists "
                           "on bridge %s", what, name,
                           bridge_name_of_port(ctx, row));
    }
    row = confdb_find_name(ctx->db, TBL_INTERFACE, name);
    if (row) {
        struct confdb_row *port = parent_of(ctx, TBL_PORT, PORT_INTERFACES,
                                            row);
        return vsctl_error(ctx, "%s because an interface named %s already "
                           "exists on bridge %s", what, name,
                           port ? bridge_name_of_port(ctx, port) : "(none)");
    }
    return 0;
}

static void set_string(struct vsctl_ctx *ctx, struct confdb_row *row, int col,
                       const char *s)
{
    const struct column_type *t = &schema_tables[row->table].columns[col].type;
    union atom a = { .string = (char *) s };
    struct datum d;
    datum_init_empty(&d);
    datum_add(&d, &a, NULL, t, false);
    confdb_row_set(ctx->db, row, col, &d);
}

/* A new Port named `name` with one Interface of the same name. */
static struct confdb_row *create_port(struct vsctl_ctx *ctx, const char *name,
                                      const char *iface_type)
{
    struct confdb_row *iface = confdb_insert(ctx->db, TBL_INTERFACE);
    struct confdb_row *port = confdb_insert(ctx->db, TBL_PORT);

    set_string(ctx, iface, IF_NAME, name);
    if (iface_type) {
        set_string(ctx, iface, IF_TYPE, iface_type);
    }
    set_string(ctx, port, PORT_NAME, name);
    set_add_uuid(port, PORT_INTERFACES, iface->uuid);
    return port;
}

/* --- bridge commands --- */

static int cmd_add_br(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    const char *name = argv[1];

    if (argc != 2 && argc != 4) {
        return vsctl_error(ctx, "'add-br' command takes exactly 1 or 3 "
                           "arguments");
    }
    if (find_bridge(ctx, name, false)) {
        if (ctx->may_exist && argc == 2) {
            return 0;
        }
        return vsctl_error(ctx, "cannot create a bridge named %s because a "
                           "bridge named %s already exists", name, name);
    }
    if (argc == 4) {
        return vsctl_error(ctx, "cannot create bridge %s: fake (VLAN) bridges "
                           "are not supported", name);
    }
    char *what = xasprintf("cannot create a bridge named %s", name);
    int r = check_conflicts(ctx, name, what);
    free(what);
    if (r) {
        return -1;
    }
    /* As OVS: every bridge has a LOCAL port, internal, of its own name. */
    struct confdb_row *port = create_port(ctx, name, "internal");
    struct confdb_row *br = confdb_insert(ctx->db, TBL_BRIDGE);
    set_string(ctx, br, BR_NAME, name);
    set_add_uuid(br, BR_PORTS, port->uuid);
    set_add_uuid(confdb_root(ctx->db), OVS_BRIDGES, br->uuid);
    return 0;
}

static int cmd_del_br(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) argc;
    struct confdb_row *br = find_bridge(ctx, argv[1], !ctx->if_exists);
    if (br) {
        /* Its ports and interfaces go with it (garbage collection). */
        set_remove_uuid(confdb_root(ctx->db), OVS_BRIDGES, br->uuid);
    }
    return ctx->err ? -1 : 0;
}

static int compare_strings(const void *a_, const void *b_)
{
    const char *const *a = a_, *const *b = b_;
    return strcmp(*a, *b);
}

/* Prints `names[0..n-1]` sorted, one a line, and frees the array. */
static void print_sorted(struct vsctl_ctx *ctx, const char **names, size_t n)
{
    if (n > 1) {
        qsort(names, n, sizeof *names, compare_strings);
    }
    for (size_t i = 0; i < n; i++) {
        dstr_printf(&ctx->out, "%s\n", names[i]);
    }
    free(names);
}

static int cmd_list_br(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) argc;
    (void) argv;
    const struct datum *brs = &confdb_root(ctx->db)->cols[OVS_BRIDGES];
    const char **names = xcalloc(brs->n, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < brs->n; i++) {
        struct confdb_row *br = confdb_find_uuid(ctx->db, TBL_BRIDGE,
                                                 brs->keys[i].string);
        if (br) {
            names[n++] = confdb_row_name(br);
        }
    }
    print_sorted(ctx, names, n);
    return 0;
}

static int cmd_br_exists(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) argc;
    if (!find_bridge(ctx, argv[1], false)) {
        ctx->exit_no_bridge = true;
        return -1;
    }
    return 0;
}

static int cmd_br_to_parent(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) argc;
    struct confdb_row *br = find_bridge(ctx, argv[1], true);
    if (!br) {
        return -1;
    }
    /* No fake bridges: every bridge is its own parent. */
    dstr_printf(&ctx->out, "%s\n", confdb_row_name(br));
    return 0;
}

static int cmd_br_to_vlan(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) argc;
    if (!find_bridge(ctx, argv[1], true)) {
        return -1;
    }
    dstr_put(&ctx->out, "0\n");
    return 0;
}

/* The ports of `br` other than its LOCAL port. */
static struct confdb_row **bridge_ports(struct vsctl_ctx *ctx,
                                        const struct confdb_row *br,
                                        size_t *n)
{
    const struct datum *ports = &br->cols[BR_PORTS];
    struct confdb_row **rows = xcalloc(ports->n, sizeof *rows);
    *n = 0;
    for (size_t i = 0; i < ports->n; i++) {
        struct confdb_row *p = confdb_find_uuid(ctx->db, TBL_PORT,
                                                ports->keys[i].string);
        if (p && strcmp(confdb_row_name(p), confdb_row_name(br))) {
            rows[(*n)++] = p;
        }
    }
    return rows;
}

static int cmd_list_ports(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) argc;
    struct confdb_row *br = find_bridge(ctx, argv[1], true);
    size_t n;
    if (!br) {
        return -1;
    }
    struct confdb_row **ports = bridge_ports(ctx, br, &n);
    const char **names = xcalloc(n, sizeof *names);
    for (size_t i = 0; i < n; i++) {
        names[i] = confdb_row_name(ports[i]);
    }
    free(ports);
    print_sorted(ctx, names, n);
    return 0;
}

static int cmd_list_ifaces(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) argc;
    struct confdb_row *br = find_bridge(ctx, argv[1], true);
    size_t n, n_names = 0, cap = 0;
    const char **names = NULL;
    if (!br) {
        return -1;
    }
    struct confdb_row **ports = bridge_ports(ctx, br, &n);
    for (size_t i = 0; i < n; i++) {
        const struct datum *ifs = &ports[i]->cols[PORT_INTERFACES];
        for (size_t k = 0; k < ifs->n; k++) {
            struct confdb_row *iface = confdb_find_uuid(ctx->db, TBL_INTERFACE,
                                                        ifs->keys[k].string);
            if (!iface) {
                continue;
            }
            if (n_names == cap) {
                cap = cap ? cap * 2 : 8;
                names = xrealloc(names, cap * sizeof *names);
            }
            names[n_names++] = confdb_row_name(iface);
        }
    }
    free(ports);
    print_sorted(ctx, names, n_names);
    return 0;
}

/* --- port commands --- */

static int cmd_add_port(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    const char *br_name = argv[1], *name = argv[2];
    struct confdb_row *br = find_bridge(ctx, br_name, true);
    struct confdb_row *port;

    if (!br) {
        return -1;
    }
    if (ctx->may_exist) {
        port = confdb_find_name(ctx->db, TBL_PORT, name);
        if (port) {
            struct confdb_row *owner = vsctl_bridge_of_port(ctx, port);
            if (owner != br) {
                return vsctl_error(ctx, "\"--may-exist add-port %s %s\" but "
                                   "%s is actually attached to bridge %s",
                                   br_name, name, name,
                                   owner ? confdb_row_name(owner) : "(none)");
            }
            return 0;
        }
    }
    char *what = xasprintf("cannot create a port named %s", name);
    int r = check_conflicts(ctx, name, what);
    free(what);
    if (r) {
        return -1;
    }
    port = create_port(ctx, name, NULL);
    for (int i = 3; i < argc; i++) {
        if (vsctl_set_column(ctx, port, argv[i])) {
            return -1;
        }
    }
    set_add_uuid(br, BR_PORTS, port->uuid);
    return 0;
}

static int cmd_del_port(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    const char *name = argv[argc - 1];
    struct confdb_row *port = confdb_find_name(ctx->db, TBL_PORT, name);
    struct confdb_row *owner, *br = NULL;

    if (!port) {
        return ctx->if_exists ? 0 : vsctl_error(ctx, "no port named %s", name);
    }
    if (argc == 3 && !(br = find_bridge(ctx, argv[1], true))) {
        return -1;
    }
    owner = vsctl_bridge_of_port(ctx, port);
    if (br && owner != br) {
        return vsctl_error(ctx, "bridge %s does not have a port %s",
                           argv[1], name);
    }
    if (owner && !strcmp(confdb_row_name(owner), name)) {
        return vsctl_error(ctx, "cannot delete port %s because it is the "
                           "local port for bridge %s (deleting this port "
                           "requires deleting the entire bridge)", name, name);
    }
    if (owner) {
        set_remove_uuid(owner, BR_PORTS, port->uuid);
    }
    return 0;
}

static int cmd_port_to_br(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) argc;
    struct confdb_row *port = confdb_find_name(ctx->db, TBL_PORT, argv[1]);
    struct confdb_row *br = port ? vsctl_bridge_of_port(ctx, port) : NULL;
    if (!br) {
        return vsctl_error(ctx, "no port named %s", argv[1]);
    }
    dstr_printf(&ctx->out, "%s\n", confdb_row_name(br));
    return 0;
}

static int cmd_iface_to_br(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) argc;
    struct confdb_row *iface = confdb_find_name(ctx->db, TBL_INTERFACE,
                                                argv[1]);
    struct confdb_row *port = iface ? parent_of(ctx, TBL_PORT,
                                                PORT_INTERFACES, iface)
                                    : NULL;
    struct confdb_row *br = port ? vsctl_bridge_of_port(ctx, port) : NULL;
    if (!br) {
        return vsctl_error(ctx, "no interface named %s", argv[1]);
    }
    dstr_printf(&ctx->out, "%s\n", confdb_row_name(br));
    return 0;
}

/* --- controller and fail-mode commands --- */

static int cmd_set_controller(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    struct confdb_row *br = find_bridge(ctx, argv[1], true);
    struct datum empty;
    if (!br) {
        return -1;
    }
    datum_init_empty(&empty);
    confdb_row_set(ctx->db, br, BR_CONTROLLER, &empty);
    for (int i = 2; i < argc; i++) {
        struct confdb_row *ctl = confdb_insert(ctx->db, TBL_CONTROLLER);
        set_string(ctx, ctl, CTL_TARGET, argv[i]);
        set_add_uuid(br, BR_CONTROLLER, ctl->uuid);
    }
    return 0;
}

/* Empties column `col` of the bridge named `name`. */
static int clear_bridge_column(struct vsctl_ctx *ctx, const char *name,
                               int col)
{
    struct confdb_row *br = find_bridge(ctx, name, true);
    struct datum empty;
    if (!br) {
        return -1;
    }
    datum_init_empty(&empty);
    confdb_row_set(ctx->db, br, col, &empty);
    return 0;
}

static int cmd_del_controller(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) argc;
    return clear_bridge_column(ctx, argv[1], BR_CONTROLLER);
}

static int cmd_get_controller(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) argc;
    struct confdb_row *br = find_bridge(ctx, argv[1], true);
    if (!br) {
        return -1;
    }
    const struct datum *ctls = &br->cols[BR_CONTROLLER];
    const char **names = xcalloc(ctls->n, sizeof *names);
    size_t n = 0;
    for (size_t i = 0; i < ctls->n; i++) {
        struct confdb_row *c = confdb_find_uuid(ctx->db, TBL_CONTROLLER,
                                                ctls->keys[i].string);
        if (c) {
            names[n++] = c->cols[CTL_TARGET].keys[0].string;
        }
    }
    print_sorted(ctx, names, n);
    return 0;
}

static int cmd_set_fail_mode(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) argc;
    struct confdb_row *br = find_bridge(ctx, argv[1], true);
    if (!br) {
        return -1;
    }
    if (strcmp(argv[2], "standalone") && strcmp(argv[2], "secure")) {
        return vsctl_error(ctx, "fail-mode must be \"standalone\" or "
                           "\"secure\"");
    }
    set_string(ctx, br, BR_FAIL_MODE, argv[2]);
    return 0;
}

static int cmd_get_fail_mode(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) argc;
    struct confdb_row *br = find_bridge(ctx, argv[1], true);
    if (!br) {
        return -1;
    }
    if (br->cols[BR_FAIL_MODE].n) {
        dstr_printf(&ctx->out, "%s\n", br->cols[BR_FAIL_MODE].keys[0].string);
    }
    return 0;
}

static int cmd_del_fail_mode(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) argc;
    return clear_bridge_column(ctx, argv[1], BR_FAIL_MODE);
}

static int cmd_init(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) ctx;
    (void) argc;
    (void) argv;
    return 0;       /* the store is initialized when opened */
}

/* --- the command table and the command line --- */

#define UNLIMITED 1000000

struct command_def {
    const char *name;
    int min_args, max_args;
    int (*run)(struct vsctl_ctx *, int argc, char *argv[]);
    const char *options;       /* allowed, space-separated */
};

static const struct command_def commands[] = {
    { "init", 0, 0, cmd_init, "" },
    { "show", 0, 0, vsctl_cmd_show, "" },
    { "add-br", 1, 3, cmd_add_br, "--may-exist" },
    { "del-br", 1, 1, cmd_del_br, "--if-exists" },
    { "list-br", 0, 0, cmd_list_br, "" },
    { "br-exists", 1, 1, cmd_br_exists, "" },
    { "br-to-vlan", 1, 1, cmd_br_to_vlan, "" },
    { "br-to-parent", 1, 1, cmd_br_to_parent, "" },
    { "list-ports", 1, 1, cmd_list_ports, "" },
    { "add-port", 2, UNLIMITED, cmd_add_port, "--may-exist" },
    { "del-port", 1, 2, cmd_del_port, "--if-exists" },
    { "port-to-br", 1, 1, cmd_port_to_br, "" },
    { "list-ifaces", 1, 1, cmd_list_ifaces, "" },
    { "iface-to-br", 1, 1, cmd_iface_to_br, "" },
    { "get-controller", 1, 1, cmd_get_controller, "" },
    { "del-controller", 1, 1, cmd_del_controller, "" },
    { "set-controller", 1, UNLIMITED, cmd_set_controller, "" },
    { "get-fail-mode", 1, 1, cmd_get_fail_mode, "" },
    { "del-fail-mode", 1, 1, cmd_del_fail_mode, "" },
    { "set-fail-mode", 2, 2, cmd_set_fail_mode, "" },
    { "list", 1, UNLIMITED, vsctl_cmd_list, "--if-exists --columns=" },
    { "find", 1, UNLIMITED, vsctl_cmd_find, "--columns=" },
    { "get", 2, UNLIMITED, vsctl_cmd_get, "--if-exists" },
    { "set", 3, UNLIMITED, vsctl_cmd_set, "--if-exists" },
    { "add", 4, UNLIMITED, vsctl_cmd_add, "--if-exists" },
    { "remove", 4, UNLIMITED, vsctl_cmd_remove, "--if-exists" },
    { "clear", 3, UNLIMITED, vsctl_cmd_clear, "--if-exists" },
};

/* One parsed command: its options and its words (argv[0] = name). */
struct command {
    const struct command_def *def;
    bool may_exist, if_exists;
    const char *columns;
    int argc;
    char **argv;
};

static const struct command_def *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(commands[i].name, name)) {
            return &commands[i];
        }
    }
    return NULL;
}

/* Whether `opt` (without "=value") is in the command's option list. */
static bool option_allowed(const struct command_def *def, const char *opt,
                           bool has_value)
{
    char *want = xasprintf("%.*s%s", (int) strcspn(opt, "="), opt,
                           has_value ? "=" : "");
    const char *p = def->options;
    size_t n = strlen(want);
    bool ok = false;
    while (*p && !ok) {
        size_t len = strcspn(p, " ");
        ok = len == n && !strncmp(p, want, n);
        p += len + (p[len] == ' ');
    }
    free(want);
    return ok;
}

/* Global table-format options, accepted before any command. */
static int parse_global_option(struct vsctl_ctx *ctx, const char *opt)
{
    if (!strcmp(opt, "--bare")) {
        ctx->bare = true;
    } else if (!strcmp(opt, "--no-headings")) {
        ctx->no_headings = true;
    } else if (!strcmp(opt, "--format=list")) {
        /* The only format there is. */
    } else if (!strncmp(opt, "--format=", 9)) {
        return vsctl_error(ctx, "unsupported --format \"%s\" (only \"list\")",
                           opt + 9);
    } else {
        return 1;
    }
    return 0;
}

static int check_command_options(struct vsctl_ctx *ctx, struct command *cmd,
                                 char **opts, int n_opts)
{
    for (int i = 0; i < n_opts; i++) {
        const char *opt = opts[i];
        bool has_value = strchr(opt, '=') != NULL;
        if (!option_allowed(cmd->def, opt, has_value)) {
            return vsctl_error(ctx, "'%s' command has no '%.*s' option",
                               cmd->def->name, (int) strcspn(opt, "="), opt);
        }
        if (!strcmp(opt, "--may-exist")) {
            cmd->may_exist = true;
        } else if (!strcmp(opt, "--if-exists")) {
            cmd->if_exists = true;
        } else if (!strncmp(opt, "--columns=", 10)) {
            cmd->columns = opt + 10;
        }
    }
    return 0;
}

/* Parses argv[*i..] up to the next "--" into `cmd`; 0, 1 (empty), -1. */
static int parse_command(struct vsctl_ctx *ctx, int argc, char *argv[],
                         int *i, struct command *cmd)
{
    int start = *i, end = start;
    while (end < argc && strcmp(argv[end], "--")) {
        end++;
    }
    *i = end + 1;

    int first = start;
    char **opts = argv + start;
    int n_opts = 0;
    while (first < end && !strncmp(argv[first], "-", 1)) {
        int g = parse_global_option(ctx, argv[first]);
        if (g < 0) {
            return -1;
        }
        if (g > 0) {
            opts[n_opts++] = argv[first];   /* reorders argv's copy only */
        }
        first++;
    }
    if (first == end) {
        if (n_opts) {
            return vsctl_error(ctx, "missing command name (use --help for "
                               "help)");
        }
        return 1;
    }
    memset(cmd, 0, sizeof *cmd);
    cmd->def = find_command(argv[first]);
    if (!cmd->def) {
        return vsctl_error(ctx, "unknown command '%s'; use --help for help",
                           argv[first]);
    }
    cmd->argc = end - first;
    cmd->argv = argv + first;
    int n_args = cmd->argc - 1;
    if (n_args < cmd->def->min_args) {
        return vsctl_error(ctx, "'%s' command requires at least %d arguments",
                           cmd->def->name, cmd->def->min_args);
    }
    if (n_args > cmd->def->max_args) {
        return vsctl_error(ctx, "'%s' command takes at most %d arguments",
                           cmd->def->name, cmd->def->max_args);
    }
    if (cmd->def->run == cmd_add_br && n_args == 2) {
        return vsctl_error(ctx, "'add-br' command takes exactly 1 or 3 "
                           "arguments");
    }
    return check_command_options(ctx, cmd, opts, n_opts);
}

/* Parses the whole line before anything runs, as ovs-vsctl does. */
static int parse_commands(struct vsctl_ctx *ctx, int argc, char *argv[],
                          struct command **cmds, size_t *n_cmds)
{
    *cmds = xcalloc((size_t) argc + 1, sizeof **cmds);
    *n_cmds = 0;
    for (int i = 0; i < argc;) {
        int r = parse_command(ctx, argc, argv, &i, &(*cmds)[*n_cmds]);
        if (r < 0) {
            return -1;
        }
        if (!r) {
            (*n_cmds)++;
        }
    }
    if (!*n_cmds) {
        return vsctl_error(ctx, "missing command name (use --help for help)");
    }
    return 0;
}

static int run_commands(struct vsctl_ctx *ctx, struct command *cmds,
                        size_t n_cmds)
{
    char *err = NULL;

    if (confdb_begin(ctx->db, &err)) {
        return vsctl_error_take(ctx, err);
    }
    for (size_t i = 0; i < n_cmds; i++) {
        ctx->may_exist = cmds[i].may_exist;
        ctx->if_exists = cmds[i].if_exists;
        ctx->columns = cmds[i].columns;
        if (cmds[i].def->run(ctx, cmds[i].argc, cmds[i].argv)) {
            if (!ctx->err && !ctx->exit_no_bridge) {
                vsctl_error(ctx, "%s: failed", cmds[i].def->name);
            }
            confdb_rollback(ctx->db);
            return -1;
        }
        /* Later commands must not see rows this one orphaned. */
        confdb_collect_garbage(ctx->db);
    }
    if (confdb_commit(ctx->db, true, &err)) {
        return vsctl_error_take(ctx, err);
    }
    return 0;
}

int vsctl_run(struct confdb *db, int argc, char *argv[], char **output,
              char **error)
{
    struct vsctl_ctx ctx = { .db = db };
    struct command *cmds = NULL;
    size_t n_cmds;
    /* Parsing may reorder option words, so work on a copy of the array. */
    char **args = xcalloc((size_t) argc + 1, sizeof *args);
    int r;

    memcpy(args, argv, (size_t) argc * sizeof *args);
    *output = NULL;
    *error = NULL;
    r = parse_commands(&ctx, argc, args, &cmds, &n_cmds) == 0
        ? run_commands(&ctx, cmds, n_cmds) : -1;
    free(cmds);
    free(args);
    if (ctx.exit_no_bridge) {
        dstr_free(&ctx.out);
        free(ctx.err);
        return VSCTL_EXIT_NO_BRIDGE;
    }
    if (r) {
        dstr_free(&ctx.out);
        *error = ctx.err ? ctx.err : xstrdup("unknown error");
        return -1;
    }
    *output = dstr_steal(&ctx.out);
    return 0;
}

void vsctl_transact_reply(struct confdb *db, int argc, const char *argv[],
                          char **result, char **error)
{
    char **args = xcalloc((size_t) argc + 1, sizeof *args);
    char *out = NULL, *err = NULL;
    int r;

    for (int i = 0; i < argc; i++) {
        args[i] = (char *) argv[i];   /* vsctl_run does not write them */
    }
    r = vsctl_run(db, argc, args, &out, &err);
    free(args);
    *result = NULL;
    *error = NULL;
    if (r == 0) {
        *result = out;
    } else if (r == VSCTL_EXIT_NO_BRIDGE) {
        *error = xstrdup("");
    } else {
        *error = err;
    }
}
