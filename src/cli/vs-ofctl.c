/* vs-ofctl: manages a bridge's OpenFlow tables through vswitchd's control
 * socket, as ovs-ofctl does through OpenFlow.
 *
 *   vs-ofctl [--rundir=DIR] [--strict] COMMAND BRIDGE [ARG...]
 *
 * Flows are parsed by the daemon (one parser, one set of error messages);
 * errors print as "vs-ofctl: ..." and exit 1. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/unixctl.h"
#include "lib/util.h"

#define DEFAULT_RUNDIR "/run/vswitch"
#define MAX_FILE_BYTES (900 * 1024)   /* below the socket's request limit */

static void usage(void)
{
    printf("vs-ofctl: OpenFlow switch management utility\n"
           "usage: vs-ofctl [OPTIONS] COMMAND [ARG...]\n"
           "  show SWITCH                 show OpenFlow information\n"
           "  dump-tables SWITCH          print table stats\n"
           "  dump-ports SWITCH [PORT]    print port statistics\n"
           "  dump-flows SWITCH [FLOW]    print matching FLOWs\n"
           "  add-flow SWITCH FLOW        add flow described by FLOW\n"
           "  add-flows SWITCH FILE       add flows from FILE (- = stdin)\n"
           "  mod-flows SWITCH FLOW       modify actions of matching FLOWs\n"
           "  del-flows SWITCH [FLOW]     delete matching FLOWs\n"
           "Options:\n"
           "  --strict                    use strict match for mod/del\n"
           "  --rundir=DIR                daemon socket directory "
           "(default: $VS_RUNDIR or %s)\n"
           "  -O, --protocols=VERSIONS    accepted for compatibility\n"
           "  -h, --help                  display this help message\n",
           DEFAULT_RUNDIR);
}

static int die(const char *msg)
{
    fprintf(stderr, "vs-ofctl: %s\n", msg);
    return 1;
}

/* Reads `name` ("-" = stdin) whole; NULL with a message printed. */
static char *read_file(const char *name)
{
    FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;
    if (!f) {
        fprintf(stderr, "vs-ofctl: %s: open failed (%s)\n", name,
                strerror(errno));
        return NULL;
    }
    size_t cap = 4096, len = 0;
    char *buf = xmalloc(cap);
    while (buf) {
        if (len + 1 >= cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        if (!n) {
            break;
        }
        len += n;
        if (len > MAX_FILE_BYTES) {
            fprintf(stderr, "vs-ofctl: %s: file too large\n", name);
            free(buf);
            buf = NULL;
        }
    }
    if (f != stdin) {
        fclose(f);
    }
    if (buf) {
        buf[len] = '\0';
        if (strlen(buf) != len) {
            fprintf(stderr, "vs-ofctl: %s: NUL byte in file\n", name);
            free(buf);
            buf = NULL;
        }
    }
    return buf;
}

struct command {
    const char *name;
    int min_args, max_args;   /* after the bridge */
};

static const struct command commands[] = {
    { "show", 0, 0 },      { "dump-tables", 0, 0 }, { "dump-ports", 0, 1 },
    { "dump-flows", 0, 1 }, { "add-flow", 1, 1 },   { "add-flows", 1, 1 },
    { "mod-flows", 1, 1 },  { "del-flows", 0, 1 },
};

int main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "rundir", required_argument, NULL, 'r' },
        { "strict", no_argument, NULL, 's' },
        { "protocols", required_argument, NULL, 'O' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *rundir = getenv("VS_RUNDIR");
    bool strict = false;
    if (!rundir || !*rundir) {
        rundir = DEFAULT_RUNDIR;
    }
    int c;
    while ((c = getopt_long(argc, argv, "O:h", long_options, NULL)) != -1) {
        switch (c) {
        case 'r': rundir = optarg; break;
        case 's': strict = true; break;
        case 'O': break;
        case 'h': usage(); return 0;
        default: return 1;
        }
    }
    if (optind >= argc) {
        return die("missing command name; use --help for help");
    }
    const char *cmd = argv[optind];
    const struct command *spec = NULL;
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        if (!strcmp(cmd, commands[i].name)) {
            spec = &commands[i];
        }
    }
    if (!spec) {
        fprintf(stderr, "vs-ofctl: unknown command '%s'; use --help for "
                "help\n", cmd);
        return 1;
    }
    int n_args = argc - optind - 1;
    if (n_args < 1 + spec->min_args || n_args > 1 + spec->max_args) {
        fprintf(stderr, "vs-ofctl: '%s' command requires at least %d and at "
                "most %d arguments\n", cmd, 1 + spec->min_args,
                1 + spec->max_args);
        return 1;
    }

    const char *params[4];
    int n = 0;
    params[n++] = argv[optind + 1];
    char *file_text = NULL;
    if (!strcmp(cmd, "add-flows")) {
        file_text = read_file(argv[optind + 2]);
        if (!file_text) {
            return 1;
        }
        params[n++] = file_text;
        params[n++] = argv[optind + 2];
    } else {
        if (strict && (!strcmp(cmd, "mod-flows")
                       || !strcmp(cmd, "del-flows"))) {
            params[n++] = "--strict";
        }
        for (int i = optind + 2; i < argc; i++) {
            params[n++] = argv[i];
        }
    }

    char method[64];
    snprintf(method, sizeof method, "ofctl/%s", cmd);
    char *path = xasprintf("%s/vswitchd.ctl", rundir);
    char *result = NULL, *error = NULL;
    int rc = unixctl_client_call(path, method, n, params, 30000, &result,
                                 &error);
    free(file_text);
    if (rc) {
        fprintf(stderr, "vs-ofctl: %s: failed to connect to socket (%s)\n",
                path, strerror(-rc));
        free(path);
        return 1;
    }
    free(path);
    if (error) {
        fprintf(stderr, "vs-ofctl: %s%s", error,
                *error && error[strlen(error) - 1] == '\n' ? "" : "\n");
        free(error);
        free(result);
        return 1;
    }
    if (result && *result) {
        fputs(result, stdout);
        if (result[strlen(result) - 1] != '\n') {
            putchar('\n');
        }
    }
    free(result);
    return 0;
}
