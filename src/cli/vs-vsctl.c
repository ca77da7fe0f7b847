/* vs-vsctl: configures vswitch with ovs-vsctl's commands.
 *
 *   vs-vsctl [--db=FILE] [--rundir=DIR] [--timeout=SECS] COMMAND [ARG...]
 *            [-- COMMAND [ARG...]]...
 *
 * When the daemon's control socket RUNDIR/vswitchd.ctl accepts a
 * connection, the command line goes to it ("vsctl/transact") and the
 * daemon, the store's only writer while it runs, executes it.  Otherwise
 * the store file is opened and the command line run here.  Either way the
 * whole line is one transaction.  "backup FILE" and "restore FILE" always
 * work on the store file here.  Exit status: 0 done, 1 error, 2
 * br-exists found no such bridge. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "db/confdb.h"
#include "db/vsctl.h"
#include "lib/unixctl.h"
#include "lib/util.h"

#define DEFAULT_DB "/var/lib/vswitch/conf.db"
#define DEFAULT_RUNDIR "/run/vswitch"
#define VERSION "0.1"

struct options {
    const char *db;
    const char *rundir;
    int timeout_s;             /* 0: no limit */
};

static void usage(void)
{
    printf("vs-vsctl: vswitch configuration utility\n"
           "usage: vs-vsctl [OPTIONS] COMMAND [ARG...] [-- COMMAND [ARG...]]\n"
           "\n"
           "Bridge commands:\n"
           "  add-br BRIDGE               create a new bridge named BRIDGE\n"
           "  del-br BRIDGE               delete BRIDGE and all of its ports\n"
           "  list-br                     print the names of all the bridges\n"
           "  br-exists BRIDGE            exit 2 if BRIDGE does not exist\n"
           "  br-to-vlan BRIDGE           print the VLAN of BRIDGE (always 0)\n"
           "  br-to-parent BRIDGE         print the parent of BRIDGE (itself)\n"
           "  set-fail-mode BRIDGE MODE   standalone or secure\n"
           "  get-fail-mode BRIDGE, del-fail-mode BRIDGE\n"
           "  set-controller BRIDGE TARGET...  get-controller BRIDGE  "
           "del-controller BRIDGE\n"
           "\n"
           "Port commands:\n"
           "  list-ports BRIDGE           print the names of BRIDGE's ports\n"
           "  add-port BRIDGE PORT [COL=VAL...]  add network device PORT\n"
           "  del-port [BRIDGE] PORT      delete PORT from its bridge\n"
           "  port-to-br PORT             print the bridge that contains PORT\n"
           "\n"
           "Interface commands:\n"
           "  list-ifaces BRIDGE          print the interfaces of BRIDGE\n"
           "  iface-to-br IFACE           print the bridge of IFACE\n"
           "\n"
           "Database commands (tables Open_vSwitch, Bridge, Port, Interface,"
           " Controller):\n"
           "  list TBL [REC]              list RECord(s) in TBL\n"
           "  find TBL CONDITION...       list records satisfying CONDITION\n"
           "  get TBL REC COL[:KEY]       print values of COLumns in RECord\n"
           "  set TBL REC COL[:KEY]=VALUE set COLumn values in RECord\n"
           "  add TBL REC COL [KEY=]VALUE add (KEY=)VALUE to COLumn\n"
           "  remove TBL REC COL [KEY=]VALUE  remove (KEY=)VALUE from COLumn\n"
           "  clear TBL REC COL           clear values from COLumn\n"
           "  show                        print an overview of the database\n"
           "\n"
           "Store commands (run on --db, alone on the command line):\n"
           "  backup FILE                 write a consistent copy of the store "
           "to FILE\n"
           "                              (one file, mode 0600; safe while "
           "vswitchd runs)\n"
           "  restore FILE                replace the store by the backup FILE "
           "(vswitchd\n"
           "                              must be stopped; works on a damaged "
           "store)\n"
           "\n"
           "Options:\n"
           "  --db=FILE           configuration store (default %s)\n"
           "  --rundir=DIR        where the daemon's socket is "
           "(default: $VS_RUNDIR or %s)\n"
           "  -t, --timeout=SECS  give up after SECS seconds\n"
           "  --may-exist, --if-exists, --columns=COLS  per-command options\n"
           "  --bare, --no-headings  output format of list and find\n"
           "  -h, --help          display this help message\n"
           "  -V, --version       display version information\n",
           DEFAULT_DB, DEFAULT_RUNDIR);
}

static int parse_timeout(const char *s)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < 0 || v > 86400) {
        fprintf(stderr, "vs-vsctl: value %s on -t or --timeout is invalid\n",
                s);
        exit(1);
    }
    return (int) v;
}

/* The value of "--name=VALUE" or "--name VALUE" at argv[*i], or NULL if
 * argv[*i] is not that option. */
static const char *option_value(int argc, char *argv[], int *i,
                                const char *name)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n)) {
        return NULL;
    }
    if (argv[*i][n] == '=') {
        return argv[*i] + n + 1;
    }
    if (argv[*i][n] == '\0') {
        if (*i + 1 >= argc) {
            fprintf(stderr, "vs-vsctl: option '%s' requires an argument\n",
                    name);
            exit(1);
        }
        return argv[++*i];
    }
    return NULL;
}

/* Takes this program's own options out of the leading option words and
 * returns the rest of the command line in `rest` (count returned). */
static int parse_options(int argc, char *argv[], struct options *o,
                         char **rest)
{
    int n_rest = 0, i;
    const char *v;

    for (i = 1; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--"); i++) {
        if ((v = option_value(argc, argv, &i, "--db"))) {
            o->db = v;
        } else if ((v = option_value(argc, argv, &i, "--rundir"))) {
            o->rundir = v;
        } else if ((v = option_value(argc, argv, &i, "--timeout"))
                   || (v = option_value(argc, argv, &i, "-t"))) {
            o->timeout_s = parse_timeout(v);
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            usage();
            exit(0);
        } else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
            printf("vs-vsctl (vswitch) %s\n", VERSION);
            exit(0);
        } else if (!strcmp(argv[i], "--no-wait")) {
            /* The daemon answers once it applied the change; nothing to
             * wait for. */
        } else {
            rest[n_rest++] = argv[i];   /* --bare, --may-exist, ... */
        }
    }
    for (; i < argc; i++) {
        rest[n_rest++] = argv[i];
    }
    return n_rest;
}

/* True when something accepts connections on the UNIX socket `path`. */
static bool daemon_listening(const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    int fd;
    bool ok;

    if (strlen(path) >= sizeof sun.sun_path) {
        return false;
    }
    strcpy(sun.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    ok = connect(fd, (struct sockaddr *) &sun, sizeof sun) == 0;
    close(fd);
    return ok;
}

static void print_error_and_exit(const char *msg)
{
    size_t n = strlen(msg);
    fprintf(stderr, "vs-vsctl: %s%s", msg, n && msg[n - 1] == '\n' ? "" : "\n");
    exit(1);
}

/* Sends the command line to the daemon; returns the exit status. */
static int run_remote(const char *path, int argc, char *argv[], int timeout_s)
{
    char *result = NULL, *error = NULL;
    int r = unixctl_client_call(path, "vsctl/transact", argc,
                                (const char *const *) argv, timeout_s * 1000,
                                &result, &error);
    if (r < 0) {
        fprintf(stderr, "vs-vsctl: %s: cannot talk to the daemon (%s)\n",
                path, strerror(-r));
        return 1;
    }
    if (error) {
        if (!*error) {
            free(error);
            return VSCTL_EXIT_NO_BRIDGE;
        }
        print_error_and_exit(error);
    }
    fputs(result ? result : "", stdout);
    free(result);
    return 0;
}

/* Runs the command line against the store file; returns the exit status. */
static int run_local(const char *db_path, int argc, char *argv[])
{
    struct confdb *db;
    char err[512];
    char *output = NULL, *error = NULL;

    if (confdb_open(db_path, &db, err, sizeof err)) {
        print_error_and_exit(err);
    }
    int r = vsctl_run(db, argc, argv, &output, &error);
    confdb_close(db);
    if (r == VSCTL_EXIT_NO_BRIDGE) {
        return r;
    }
    if (r) {
        print_error_and_exit(error);
    }
    fputs(output, stdout);
    free(output);
    return 0;
}

/* "backup FILE" and "restore FILE" work on the store file itself, also
 * while the daemon runs (backup) or when the store cannot be opened
 * (restore).  Returns the exit status, or -1 if `rest` is neither. */
static int run_store_command(const struct options *o, const char *sock_path,
                             int n_rest, char **rest)
{
    bool backup = !strcmp(rest[0], "backup");
    if (!backup && strcmp(rest[0], "restore")) {
        return -1;
    }
    if (n_rest != 2) {
        fprintf(stderr, "vs-vsctl: '%s' command takes exactly 1 argument "
                "(FILE), alone on the command line\n", rest[0]);
        return 1;
    }
    char *err = NULL;
    int r;
    if (backup) {
        struct confdb *db;
        char buf[512];
        if (confdb_open_existing(o->db, &db, buf, sizeof buf)) {
            print_error_and_exit(buf);
        }
        r = confdb_backup(db, rest[1], &err);
        confdb_close(db);
    } else {
        if (daemon_listening(sock_path)) {
            fprintf(stderr, "vs-vsctl: restore: vswitchd is running (%s); "
                    "stop it first\n", sock_path);
            return 1;
        }
        r = confdb_restore(o->db, rest[1], &err);
    }
    if (r) {
        print_error_and_exit(err);
    }
    return 0;
}

int main(int argc, char *argv[])
{
    struct options o = { getenv("VS_DB"), getenv("VS_RUNDIR"), 0 };
    char **rest = xcalloc((size_t) argc + 1, sizeof *rest);
    char *sock_path = NULL;
    int n_rest, status;

    if (!o.db || !*o.db) {
        o.db = DEFAULT_DB;
    }
    if (!o.rundir || !*o.rundir) {
        o.rundir = DEFAULT_RUNDIR;
    }
    n_rest = parse_options(argc, argv, &o, rest);
    if (!n_rest) {
        fprintf(stderr, "vs-vsctl: missing command name (use --help for "
                "help)\n");
        return 1;
    }
    if (o.timeout_s) {
        alarm((unsigned) o.timeout_s);  /* a store write is crash-safe */
    }
    sock_path = xasprintf("%s/vswitchd.ctl", o.rundir);
    status = run_store_command(&o, sock_path, n_rest, rest);
    if (status < 0) {
        status = daemon_listening(sock_path)
                 ? run_remote(sock_path, n_rest, rest, o.timeout_s)
                 : run_local(o.db, n_rest, rest);
    }
    free(sock_path);
    free(rest);
    fflush(stdout);
    return status;
}
