/* vs-dpctl: shows and edits the datapath.  The datapath lives inside
 * vswitchd (like OVS's netdev datapath), so every command is sent to the
 * daemon as dpctl/COMMAND over its control socket and the answer printed.
 *
 *   vs-dpctl [--rundir=DIR] [-t SOCKET] [-s] [-m] COMMAND [ARG...]
 *     show [-s] [DP] | dump-flows [-m] [DP] | del-flows [DP]
 *     get-flow [DP] FLOW | add-flow [DP] FLOW ACTIONS
 *     mod-flow [DP] FLOW ACTIONS | del-flow [DP] FLOW
 *
 * Exit status: 0 done, 1 error (printed to stderr). */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/unixctl.h"
#include "lib/util.h"

#define DEFAULT_RUNDIR "/run/vswitch"
#define MAX_ARGS 16

struct command {
    const char *name;
    int min_args, max_args;
    const char *usage;
};

static const struct command commands[] = {
    { "show", 0, 1, "show [DP]" },
    { "dump-flows", 0, 1, "dump-flows [DP]" },
    { "del-flows", 0, 1, "del-flows [DP]" },
    { "get-flow", 1, 2, "get-flow [DP] FLOW" },
    { "add-flow", 2, 3, "add-flow [DP] FLOW ACTIONS" },
    { "mod-flow", 2, 3, "mod-flow [DP] FLOW ACTIONS" },
    { "del-flow", 1, 2, "del-flow [DP] FLOW" },
};

static void usage(void)
{
    printf("vs-dpctl: vswitch datapath management utility\n"
           "usage: vs-dpctl [OPTIONS] COMMAND [ARG...]\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        printf("  %s\n", commands[i].usage);
    }
    printf("Options:\n"
           "  --rundir=DIR        where vswitchd's control socket is "
           "(default: $VS_RUNDIR or %s)\n"
           "  -t, --target=PATH   the control socket itself\n"
           "  -s, --statistics    print port statistics (show)\n"
           "  -m, --more          more detail (dump-flows)\n"
           "  -T, --timeout=SECS  wait at most SECS seconds\n"
           "  -h, --help          display this help message\n"
           "  -V, --version       display version information\n",
           DEFAULT_RUNDIR);
}

static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (!strcmp(commands[i].name, name)) {
            return &commands[i];
        }
    }
    return NULL;
}

int main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "rundir", required_argument, NULL, 'r' },
        { "target", required_argument, NULL, 't' },
        { "statistics", no_argument, NULL, 's' },
        { "more", no_argument, NULL, 'm' },
        { "timeout", required_argument, NULL, 'T' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *rundir = getenv("VS_RUNDIR");
    const char *target = NULL;
    bool stats = false, more = false;
    int timeout_s = 0;
    if (!rundir || !*rundir) {
        rundir = DEFAULT_RUNDIR;
    }
    int c;
    while ((c = getopt_long(argc, argv, "r:t:smT:hV", long_options, NULL))
           != -1) {
        switch (c) {
        case 'r':
            rundir = optarg;
            break;
        case 't':
            target = optarg;
            break;
        case 's':
            stats = true;
            break;
        case 'm':
            more = true;
            break;
        case 'T':
            timeout_s = atoi(optarg);
            break;
        case 'h':
            usage();
            return 0;
        case 'V':
            printf("vs-dpctl (vswitch) 0.1\n");
            return 0;
        default:
            return 1;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "vs-dpctl: missing command name; use --help for "
                "help\n");
        return 1;
    }
    const struct command *cmd = find_command(argv[optind]);
    int n_args = argc - optind - 1;
    if (!cmd) {
        fprintf(stderr, "vs-dpctl: unknown command '%s'; use --help for "
                "help\n", argv[optind]);
        return 1;
    }
    if (n_args < cmd->min_args || n_args > cmd->max_args) {
        fprintf(stderr, "vs-dpctl: '%s' command takes %d to %d arguments "
                "(usage: %s)\n", cmd->name, cmd->min_args, cmd->max_args,
                cmd->usage);
        return 1;
    }

    /* getopt put the options first, so "show -s" arrives as -s here. */
    const char *args[MAX_ARGS];
    int n = 0;
    if (stats && !strcmp(cmd->name, "show")) {
        args[n++] = "-s";
    }
    if (more && !strcmp(cmd->name, "dump-flows")) {
        args[n++] = "-m";
    }
    for (int i = 0; i < n_args; i++) {
        args[n++] = argv[optind + 1 + i];
    }

    char method[64];
    snprintf(method, sizeof method, "dpctl/%s", cmd->name);
    char *path = target ? xstrdup(target)
                        : xasprintf("%s/vswitchd.ctl", rundir);
    char *result, *error;
    int rc = unixctl_client_call(path, method, n, args, timeout_s * 1000,
                                 &result, &error);
    if (rc) {
        fprintf(stderr, "vs-dpctl: cannot talk to vswitchd at \"%s\" (%s)\n",
                path, strerror(-rc));
        free(path);
        return 1;
    }
    free(path);
    int status = 0;
    if (error) {
        /* The daemon's message names itself ("vswitchd: ..."). */
        fprintf(stderr, "%s%s", error,
                *error && error[strlen(error) - 1] == '\n' ? "" : "\n");
        status = 1;
    } else {
        fputs(result, stdout);
    }
    free(result);
    free(error);
    return status;
}
