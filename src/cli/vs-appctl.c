/* vs-appctl: sends one command to a daemon's control socket and prints the
 * answer, as ovs-appctl does.
 *
 *   vs-appctl [-t TARGET] [-T S|--timeout=S] [--rundir=DIR] COMMAND [ARG...]
 *
 * TARGET is a socket path (when it holds a '/') or a daemon name resolved as
 * RUNDIR/NAME.ctl.  Exit status: 0 answer printed, 1 usage or connection
 * failure, 2 the daemon returned an error. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/unixctl.h"
#include "lib/util.h"

#define DEFAULT_RUNDIR "/run/vswitch"
#define DEFAULT_TARGET "vswitchd"

static void usage(void)
{
    printf("vs-appctl, for querying and controlling vswitch daemons\n"
           "usage: vs-appctl [TARGET] COMMAND [ARG...]\n"
           "Targets:\n"
           "  -t, --target=TARGET  pidfile-less name (RUNDIR/TARGET.ctl) or "
           "socket path\n"
           "                       (default: %s)\n"
           "Other options:\n"
           "  --rundir=DIR         where daemons put their sockets "
           "(default: $VS_RUNDIR or %s)\n"
           "  -T, --timeout=SECS   wait at most SECS seconds for a reply\n"
           "  -h, --help           display this help message\n"
           "  -V, --version        display version information\n",
           DEFAULT_TARGET, DEFAULT_RUNDIR);
}

/* The socket path for `target` (malloc'd). */
static char *target_path(const char *target, const char *rundir)
{
    return strchr(target, '/') ? xstrdup(target)
                               : xasprintf("%s/%s.ctl", rundir, target);
}

int main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "target", required_argument, NULL, 't' },
        { "timeout", required_argument, NULL, 'T' },
        { "rundir", required_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *target = DEFAULT_TARGET;
    const char *rundir = getenv("VS_RUNDIR");
    int timeout_s = 0;
    if (!rundir || !*rundir) {
        rundir = DEFAULT_RUNDIR;
    }

    int c;
    /* '+': options stop at COMMAND, so "-s" after it goes to the daemon. */
    while ((c = getopt_long(argc, argv, "+t:T:hV", long_options, NULL))
           != -1) {
        switch (c) {
        case 't':
            target = optarg;
            break;
        case 'T': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || v < 0 || v > 86400) {
                fprintf(stderr, "vs-appctl: bad timeout \"%s\"\n", optarg);
                return 1;
            }
            timeout_s = (int) v;
            break;
        }
        case 'r':
            rundir = optarg;
            break;
        case 'h':
            usage();
            return 0;
        case 'V':
            printf("vs-appctl (vswitch) 0.1\n");
            return 0;
        default:
            return 1;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "vs-appctl: at least one non-option argument is "
                "required (use --help for help)\n");
        return 1;
    }

    char *path = target_path(target, rundir);
    char *result, *error;
    int rc = unixctl_client_call(path, argv[optind], argc - optind - 1,
                                 (const char *const *) &argv[optind + 1],
                                 timeout_s * 1000, &result, &error);
    if (rc) {
        if (rc == -ENOENT || rc == -ECONNREFUSED || rc == -EACCES
            || rc == -ENAMETOOLONG || rc == -ENOTDIR) {
            fprintf(stderr, "vs-appctl: cannot connect to \"%s\" (%s)\n",
                    path, strerror(-rc));
        } else {
            fprintf(stderr, "vs-appctl: %s: %s (%s)\n", path,
                    rc == -ETIMEDOUT ? "timed out waiting for a reply"
                                     : "transaction error",
                    strerror(-rc));
        }
        free(path);
        return 1;
    }
    int status = 0;
    if (error) {
        fputs(error, stderr);
        if (*error && error[strlen(error) - 1] != '\n') {
            fputc('\n', stderr);
        }
        fprintf(stderr, "vs-appctl: %s: server returned an error\n", target);
        status = 2;
    } else {
        fputs(result, stdout);
    }
    free(result);
    free(error);
    free(path);
    return status;
}
