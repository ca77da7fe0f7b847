/* vswitchd: the switch daemon.  Parses options, becomes a daemon, serves
 * the control socket and runs the main loop until SIGTERM/SIGINT or
 * `vs-appctl exit`.
 *
 *   vswitchd [--db=FILE] [--rundir=DIR] [--pidfile[=FILE]] [--detach]
 *            [--log-file[=FILE]] [-v[SPEC]]... [--help] [--version]
 *
 * Signals are blocked except inside ppoll(), so a SIGTERM can never slip in
 * between the check of the exit flag and the wait. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <urcu.h>

#include "daemon/bridge.h"
#include "daemon/daemon.h"
#include "daemon/dpctl.h"
#include "dp/flow_key.h"
#include "lib/coverage.h"
#include "lib/unixctl.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(vswitchd);

COVERAGE_DEFINE(poll_loops);          /* main loop iterations */

#define VSWITCHD_VERSION "vswitchd (vswitch) 0.1"
#define DEFAULT_DB "/var/lib/vswitch/conf.db"
#define DEFAULT_RUNDIR "/run/vswitch"
#define DEFAULT_LOGDIR "/var/log/vswitch"
/* The upcall fd and the OpenFlow sockets get at most half, so that they
 * cannot crowd the control socket out. */
#define MAX_POLLFDS 2048

struct options {
    char *db;             /* every path is absolute: --detach does chdir / */
    char *rundir;
    char *pidfile;        /* NULL: none */
    bool want_pidfile;
    bool detach;
    char *log_file;       /* NULL: none */
    bool want_log_file;
};

static bool exiting;
static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t got_hup;

static void usage(void)
{
    printf("vswitchd: vswitch daemon\n"
           "usage: vswitchd [OPTIONS]\n"
           "  --db=FILE            configuration store (default %s)\n"
           "  --rundir=DIR         control socket and pidfile directory "
           "(default %s)\n"
           "  --pidfile[=FILE]     write a pidfile (default RUNDIR/"
           "vswitchd.pid)\n"
           "  --detach             run in the background\n"
           "  --log-file[=FILE]    log to FILE (default %s/vswitchd.log)\n"
           "  -v, --verbose[=SPEC] set log levels (MODULE:LEVEL or LEVEL; "
           "-v alone: dbg)\n"
           "  -h, --help           display this help message\n"
           "  -V, --version        display version information\n",
           DEFAULT_DB, DEFAULT_RUNDIR, DEFAULT_LOGDIR);
}

/* Applies an OVS-style -v/vlog/set spec: "module:level", "level",
 * "ANY:console:dbg"; the destination words are accepted and ignored (one
 * level serves every destination here).  0 or -1. */
static int apply_log_spec(const char *spec)
{
    char buf[128];
    if (strlen(spec) >= sizeof buf) {
        return -1;
    }
    char out[128] = "";
    snprintf(buf, sizeof buf, "%s", spec);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ":", &save); tok;
         tok = strtok_r(NULL, ":", &save)) {
        if (!strcmp(tok, "console") || !strcmp(tok, "file")
            || !strcmp(tok, "syslog")) {
            continue;
        }
        if (*out) {
            strcat(out, ":");
        }
        strcat(out, tok);
    }
    return vlog_set_spec(*out ? out : "dbg");
}

/* `path` made absolute against the current directory (malloc'd). */
static char *absolute(const char *path)
{
    if (path[0] == '/') {
        return xstrdup(path);
    }
    char cwd[4096];
    if (!getcwd(cwd, sizeof cwd)) {
        fprintf(stderr, "vswitchd: getcwd: %s\n", strerror(errno));
        exit(1);
    }
    return xasprintf("%s/%s", cwd, path);
}

/* Creates the directory that will hold `file`.  0 or -errno. */
static int make_parent_dir(const char *file)
{
    char *dir = xstrdup(file);
    char *slash = strrchr(dir, '/');
    int error = 0;
    if (slash && slash != dir) {
        *slash = '\0';
        error = daemon_mkdir_p(dir, 0755);
    }
    free(dir);
    return error;
}

static void parse_options(int argc, char *argv[], struct options *o)
{
    enum { OPT_DB = 256, OPT_RUNDIR, OPT_PIDFILE, OPT_DETACH, OPT_LOG_FILE };
    static const struct option long_options[] = {
        { "db", required_argument, NULL, OPT_DB },
        { "rundir", required_argument, NULL, OPT_RUNDIR },
        { "pidfile", optional_argument, NULL, OPT_PIDFILE },
        { "detach", no_argument, NULL, OPT_DETACH },
        { "log-file", optional_argument, NULL, OPT_LOG_FILE },
        { "verbose", optional_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    *o = (struct options) { .db = absolute(DEFAULT_DB),
                            .rundir = absolute(DEFAULT_RUNDIR) };
    int c;
    while ((c = getopt_long(argc, argv, "v::hV", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            free(o->db);
            o->db = absolute(optarg);
            break;
        case OPT_RUNDIR:
            free(o->rundir);
            o->rundir = absolute(optarg);
            break;
        case OPT_PIDFILE:
            o->want_pidfile = true;
            free(o->pidfile);
            o->pidfile = optarg ? absolute(optarg) : NULL;
            break;
        case OPT_DETACH:
            o->detach = true;
            break;
        case OPT_LOG_FILE:
            o->want_log_file = true;
            free(o->log_file);
            o->log_file = optarg ? absolute(optarg) : NULL;
            break;
        case 'v':
            if (apply_log_spec(optarg ? optarg : "dbg")) {
                fprintf(stderr, "vswitchd: bad log spec \"%s\"\n", optarg);
                exit(1);
            }
            break;
        case 'h':
            usage();
            exit(0);
        case 'V':
            printf("%s\n", VSWITCHD_VERSION);
            exit(0);
        default:
            exit(1);
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vswitchd: unexpected argument \"%s\"\n",
                argv[optind]);
        exit(1);
    }
    if (o->want_pidfile && !o->pidfile) {
        o->pidfile = xasprintf("%s/vswitchd.pid", o->rundir);
    }
    if (o->want_log_file && !o->log_file) {
        o->log_file = xasprintf("%s/vswitchd.log", DEFAULT_LOGDIR);
    }
}

/* ---- Control commands of the daemon itself ---- */

static void exit_cb(struct unixctl_conn *conn, int argc, const char *argv[],
                    void *aux)
{
    (void) aux;
    if (argc > 1 && strcmp(argv[1], "--cleanup")) {
        unixctl_reply_error(conn, "exit: unknown option (use --cleanup or "
                            "nothing)");
        return;
    }
    VLOG_INFO("exit requested over the control socket");
    exiting = true;
    unixctl_reply(conn, "");
}

static void version_cb(struct unixctl_conn *conn, int argc,
                       const char *argv[], void *aux)
{
    (void) argc; (void) argv; (void) aux;
    unixctl_reply(conn, VSWITCHD_VERSION "\n");
}

static void vlog_list_cb(struct unixctl_conn *conn, int argc,
                         const char *argv[], void *aux)
{
    (void) argc; (void) argv; (void) aux;
    char buf[16384];
    vlog_list(buf, sizeof buf);
    unixctl_reply(conn, buf);
}

static void vlog_set_cb(struct unixctl_conn *conn, int argc,
                        const char *argv[], void *aux)
{
    (void) aux;
    for (int i = 1; i < argc; i++) {
        if (apply_log_spec(argv[i])) {
            char err[256];
            snprintf(err, sizeof err, "no destination, level, or module "
                     "\"%.128s\"", argv[i]);
            unixctl_reply_error(conn, err);
            return;
        }
    }
    unixctl_reply(conn, "");
}

static void vlog_reopen_cb(struct unixctl_conn *conn, int argc,
                           const char *argv[], void *aux)
{
    (void) argc; (void) argv; (void) aux;
    vlog_reopen();
    unixctl_reply(conn, "");
}

static void coverage_show_cb(struct unixctl_conn *conn, int argc,
                             const char *argv[], void *aux)
{
    (void) argc; (void) argv; (void) aux;
    char *text = coverage_format();
    unixctl_reply(conn, text);
    free(text);
}

static void register_commands(void)
{
    /* "--cleanup" is accepted as OVS does; ports are always removed. */
    unixctl_command_register("exit", "[--cleanup]", 0, 1, exit_cb, NULL);
    unixctl_command_register("version", "", 0, 0, version_cb, NULL);
    unixctl_command_register("vlog/list", "", 0, 0, vlog_list_cb, NULL);
    unixctl_command_register("vlog/set", "{spec | PATTERN:destination:"
                             "pattern}", 1, INT_MAX, vlog_set_cb, NULL);
    unixctl_command_register("vlog/reopen", "", 0, 0, vlog_reopen_cb,
                             NULL);
    unixctl_command_register("coverage/show", "", 0, 0, coverage_show_cb,
                             NULL);
    dpctl_register_commands();
}

/* ---- Signals ---- */

static void on_signal(int sig)
{
    if (sig == SIGHUP) {
        got_hup = 1;
    } else {
        got_signal = sig;
    }
}

/* Blocks the exit signals (threads created later inherit that) and returns
 * the mask to wait with, in which they are open. */
static sigset_t setup_signals(void)
{
    struct sigaction sa = { .sa_handler = on_signal };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    sigset_t block, wait_mask;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &wait_mask);
    sigdelset(&wait_mask, SIGTERM);
    sigdelset(&wait_mask, SIGINT);
    sigdelset(&wait_mask, SIGHUP);
    return wait_mask;
}

/* ---- Main loop ---- */

static void main_loop(struct unixctl_server *server, const sigset_t *mask)
{
    while (!exiting && !got_signal) {
        struct pollfd fds[MAX_POLLFDS];
        int timeout_ms = 1000;
        int n = bridge_pollfds(fds, MAX_POLLFDS / 2, &timeout_ms);
        n += unixctl_server_pollfds(server, fds + n, MAX_POLLFDS - n);
        struct timespec timeout = {
            .tv_sec = timeout_ms / 1000,
            .tv_nsec = (long) (timeout_ms % 1000) * 1000000,
        };
        if (ppoll(fds, (nfds_t) n, &timeout, mask) < 0 && errno != EINTR) {
            VLOG_ERR("poll failed (%s)", strerror(errno));
            break;
        }
        COVERAGE_INC(poll_loops);
        coverage_run();
        if (got_hup) {
            got_hup = 0;
            vlog_reopen();
        }
        bridge_run();
        unixctl_server_run(server);
    }
    if (got_signal) {
        VLOG_INFO("%s received; shutting down", strsignal(got_signal));
    }
}

int main(int argc, char *argv[])
{
    struct options o;
    parse_options(argc, argv, &o);

    int error = daemon_mkdir_p(o.rundir, 0755);
    if (error) {
        fprintf(stderr, "vswitchd: could not create %s (%s)\n", o.rundir,
                strerror(-error));
        return 1;
    }
    error = make_parent_dir(o.db);
    if (!error && o.log_file) {
        error = make_parent_dir(o.log_file);
    }
    if (error) {
        fprintf(stderr, "vswitchd: could not create a directory (%s)\n",
                strerror(-error));
        return 1;
    }
    if (o.log_file && vlog_set_file(o.log_file)) {
        fprintf(stderr, "vswitchd: could not open log file %s (%s)\n",
                o.log_file, strerror(errno));
        return 1;
    }
    if (o.detach) {
        daemon_detach_start();
    }
    sigset_t wait_mask = setup_signals();
    if (o.pidfile) {
        long other;
        error = daemon_pidfile_create(o.pidfile, &other);
        if (error) {
            if (error == -EBUSY) {
                VLOG_ERR("%s: could not create pidfile (another vswitchd, "
                         "pid %ld, holds it)", o.pidfile, other);
            } else {
                VLOG_ERR("%s: could not create pidfile (%s)", o.pidfile,
                         strerror(-error));
            }
            return 1;
        }
    }

    rcu_register_thread();
    /* OVS's other_config:vlan-limit default: one tag in the flow (the
     * Open_vSwitch table's other_config is not read yet). */
    flow_key_set_vlan_limit(1);
    register_commands();
    char *ctl_path = xasprintf("%s/vswitchd.ctl", o.rundir);
    struct unixctl_server *server;
    error = unixctl_server_create(ctl_path, &server);
    if (error) {
        VLOG_ERR("%s: could not listen (%s)", ctl_path, strerror(-error));
        daemon_pidfile_remove();
        return 1;
    }
    char err[512] = "";
    bridge_set_rundir(o.rundir);
    if (bridge_init(o.db, err, sizeof err)) {
        /* A store that cannot be opened is never replaced by an empty one:
         * the daemon refuses to start. */
        VLOG_ERR("cannot start: %s", err);
        unixctl_server_destroy(server);
        daemon_pidfile_remove();
        return 1;
    }

    VLOG_INFO("%s started; control socket %s", VSWITCHD_VERSION, ctl_path);
    daemon_detach_done();

    main_loop(server, &wait_mask);

    /* The socket goes first: nobody should talk to a half-dismantled
     * switch.  Then the ports go, which gives the host its devices back. */
    unixctl_server_destroy(server);
    bridge_exit();
    rcu_unregister_thread();
    daemon_pidfile_remove();
    VLOG_INFO("exiting");
    unixctl_command_clear();
    free(ctl_path);
    free(o.pidfile);
    free(o.log_file);
    free(o.db);
    free(o.rundir);
    return 0;
}
