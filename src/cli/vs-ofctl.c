/* vs-ofctl: OpenFlow switch management, as Debian's ovs-ofctl 3.1: the
 * same commands, options and output, spoken over OpenFlow to
 *
 *   BRIDGE           unix:RUNDIR/BRIDGE.mgmt (RUNDIR: --rundir, $VS_RUNDIR
 *                    or /run/vswitch)
 *   unix:PATH        a switch's UNIX socket
 *   tcp:IP[:PORT]    a switch's passive TCP listener (default port 6653)
 *
 * The commands live in src/cli/ofctl/ (connection in ofp/vconn.c, text in
 * ofp/ofp_print.c); this file parses options and picks the command. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/ofctl/ofctl.h"
#include "ofp/xflow.h"

#define DEFAULT_RUNDIR "/run/vswitch"

static void usage(void)
{
    printf("vs-ofctl: OpenFlow switch management utility\n"
           "usage: vs-ofctl [OPTIONS] COMMAND [ARG...]\n"
           "\nFor OpenFlow switches:\n"
           "  show SWITCH                 show OpenFlow information\n"
           "  dump-desc SWITCH            print switch description\n"
           "  dump-tables SWITCH          print table stats\n"
           "  dump-table-features SWITCH  print table features\n"
           "  mod-port SWITCH IFACE ACT   modify port behavior\n"
           "  dump-ports SWITCH [PORT]    print port statistics\n"
           "  dump-ports-desc SWITCH [PORT]  print port descriptions\n"
           "  dump-flows SWITCH           print all flow entries\n"
           "  dump-flows SWITCH FLOW      print matching FLOWs\n"
           "  dump-aggregate SWITCH       print aggregate flow statistics\n"
           "  dump-aggregate SWITCH FLOW  print aggregate stats for FLOWs\n"
           "  add-flow SWITCH FLOW        add flow described by FLOW\n"
           "  add-flows SWITCH FILE       add flows from FILE\n"
           "  mod-flows SWITCH FLOW       modify actions of matching FLOWs\n"
           "  del-flows SWITCH [FLOW]     delete matching FLOWs\n"
           "  replace-flows SWITCH FILE   replace flows with those in FILE\n"
           "  diff-flows SOURCE1 SOURCE2  compare flows from two sources\n"
           "  add-group SWITCH GROUP      add group described by GROUP\n"
           "  add-groups SWITCH FILE      add group from FILE\n"
           "  [--may-create] mod-group SWITCH GROUP   modify specific group\n"
           "  del-groups SWITCH [GROUP]   delete matching GROUPs\n"
           "  insert-buckets SWITCH [GROUP] add buckets to GROUP\n"
           "  remove-buckets SWITCH [GROUP] remove buckets from GROUP\n"
           "  dump-group-features SWITCH  print group features\n"
           "  dump-groups SWITCH [GROUP]  print group description\n"
           "  dump-group-stats SWITCH [GROUP]  print group statistics\n"
           "  packet-out SWITCH IN_PORT ACTIONS PACKET...\n"
           "  packet-out SWITCH \"in_port=PORT packet=HEX actions=...\"\n"
           "                              execute ACTIONS on PACKET\n"
           "  queue-get-config SWITCH [PORT [QUEUE]]\n"
           "                              print queue config for PORT\n"
           "  monitor SWITCH [MISSLEN] [invalid_ttl]\n"
           "                              print packets received from "
           "SWITCH\n"
           "  snoop SWITCH                snoop on SWITCH and its "
           "controller\n"
           "  add-meter SWITCH METER      add meter described by METER\n"
           "  mod-meter SWITCH METER      modify specific METER\n"
           "  del-meters SWITCH [METER]   delete meters matching METER\n"
           "  dump-meters SWITCH [METER]  print METER configuration\n"
           "  meter-stats SWITCH [METER]  print meter statistics\n"
           "  meter-features SWITCH       print meter features\n"
           "\nSWITCH is a bridge name (RUNDIR/BRIDGE.mgmt), unix:PATH or "
           "tcp:IP[:PORT].\n"
           "\nOptions:\n"
           "  --strict                    use strict match for flow "
           "commands\n"
           "  --bundle                    use bundle (atomic transaction) "
           "for flow commands\n"
           "  -O, --protocols=VERSIONS    OpenFlow10, OpenFlow13, "
           "OpenFlow14, OpenFlow15\n"
           "  --no-stats                  do not print flow statistics\n"
           "  --names, --no-names         (port names are not shown)\n"
           "  --sort[=FIELD], --rsort[=FIELD]  sort dump-flows output\n"
           "  --rundir=DIR                bridge socket directory "
           "(default: $VS_RUNDIR or %s)\n"
           "  -t, --timeout=SECS          give up after SECS seconds\n"
           "  -h, --help                  display this help message\n",
           DEFAULT_RUNDIR);
}

static uint32_t parse_version(const char *name)
{
    static const struct { const char *name; int v; } names[] = {
        { "OpenFlow10", 1 }, { "OpenFlow11", 2 }, { "OpenFlow12", 3 },
        { "OpenFlow13", 4 }, { "OpenFlow14", 5 }, { "OpenFlow15", 6 },
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        if (!strcasecmp(name, names[i].name)) {
            if (!(OFP_SUPPORTED_VERSIONS & (1u << names[i].v))) {
                ofctl_fatal("%s: unsupported OpenFlow version (vs-ofctl "
                            "speaks OpenFlow10, OpenFlow13, OpenFlow14 and "
                            "OpenFlow15)", name);
            }
            return 1u << names[i].v;
        }
    }
    ofctl_fatal("Unknown OpenFlow version: \"%s\"", name);
}

static uint32_t parse_versions(const char *list)
{
    char *copy = xstrdup(list), *save = NULL;
    uint32_t versions = 0;
    for (char *t = strtok_r(copy, ", ", &save); t;
         t = strtok_r(NULL, ", ", &save)) {
        versions |= parse_version(t);
    }
    free(copy);
    if (!versions) {
        ofctl_fatal("at least one OpenFlow version must be specified");
    }
    return versions;
}

static void add_sort(const char *field, bool descending)
{
    if (ofctl_opts.n_sort >= sizeof ofctl_opts.sort
                             / sizeof *ofctl_opts.sort) {
        ofctl_fatal("too many sort criteria");
    }
    struct ofctl_sort *s = &ofctl_opts.sort[ofctl_opts.n_sort++];
    s->descending = descending;
    s->field = NULL;
    if (field && strcmp(field, "priority")) {
        /* OVS's tp_src/tp_dst are TCP's fields. */
        s->field = mf_from_name(!strcmp(field, "tp_src") ? "tcp_src"
                                : !strcmp(field, "tp_dst") ? "tcp_dst"
                                : field);
        if (!s->field) {
            ofctl_fatal("%s: unknown field name", field);
        }
    }
}

enum {
    OPT_RUNDIR = 256, OPT_STRICT, OPT_BUNDLE, OPT_NO_STATS, OPT_STATS,
    OPT_NAMES, OPT_NO_NAMES, OPT_SORT, OPT_RSORT, OPT_READD, OPT_IGNORED,
    OPT_MAY_CREATE,     /* groups */
};

static void parse_options(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "rundir", required_argument, NULL, OPT_RUNDIR },
        { "strict", no_argument, NULL, OPT_STRICT },
        { "bundle", no_argument, NULL, OPT_BUNDLE },
        { "protocols", required_argument, NULL, 'O' },
        { "no-stats", no_argument, NULL, OPT_NO_STATS },
        { "stats", no_argument, NULL, OPT_STATS },
        { "names", no_argument, NULL, OPT_NAMES },
        { "no-names", no_argument, NULL, OPT_NO_NAMES },
        { "sort", optional_argument, NULL, OPT_SORT },
        { "rsort", optional_argument, NULL, OPT_RSORT },
        { "readd", no_argument, NULL, OPT_READD },
        { "may-create", no_argument, NULL, OPT_MAY_CREATE },
        { "timeout", required_argument, NULL, 't' },
        { "verbose", optional_argument, NULL, 'v' },
        { "more", no_argument, NULL, 'm' },
        { "color", optional_argument, NULL, OPT_IGNORED },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "O:t:v::mh", long_options, NULL))
           != -1) {
        switch (c) {
        case OPT_RUNDIR: ofctl_opts.rundir = optarg; break;
        case OPT_STRICT: ofctl_opts.strict = true; break;
        case OPT_MAY_CREATE: ofctl_groups_set_may_create(true); break;
        case OPT_BUNDLE: ofctl_opts.bundle = true; break;
        case 'O': ofctl_opts.versions = parse_versions(optarg); break;
        case OPT_NO_STATS: ofctl_opts.show_stats = false; break;
        case OPT_STATS: ofctl_opts.show_stats = true; break;
        case OPT_NAMES: ofctl_opts.names = 1; break;
        case OPT_NO_NAMES: ofctl_opts.names = 0; break;
        case OPT_SORT: add_sort(optarg, false); break;
        case OPT_RSORT: add_sort(optarg, true); break;
        case 't': alarm((unsigned) atoi(optarg)); break;
        case 'h': usage(); exit(0);
        case OPT_READD: case OPT_IGNORED: case 'v': case 'm': break;
        default: exit(1);
        }
    }
}

static const struct ofctl_command *find_command(const char *name)
{
    const struct ofctl_command *tables[] = {
        ofctl_switch_commands, ofctl_flow_commands,
        ofctl_group_commands,   /* groups */
        ofctl_meter_commands,   /* meters */
    };
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        for (const struct ofctl_command *c = tables[t]; c->name; c++) {
            if (!strcmp(c->name, name)) {
                return c;
            }
        }
    }
    return NULL;
}

int main(int argc, char *argv[])
{
    const char *rundir = getenv("VS_RUNDIR");
    ofctl_opts.rundir = rundir && *rundir ? rundir : DEFAULT_RUNDIR;
    ofctl_opts.versions = 1u << OFP10_VERSION;
    ofctl_opts.show_stats = true;
    ofctl_opts.names = -1;
    parse_options(argc, argv);
    if (ofctl_opts.bundle) {
        /* As ovs-ofctl: bundles need 1.3+, and 1.4 is implied. */
        uint32_t of13_up = ~((1u << OFP13_VERSION) - 1);
        ofctl_opts.versions = ofctl_opts.versions & of13_up
                              ? ofctl_opts.versions & of13_up
                              : 1u << OFP14_VERSION;
    }
    if (optind >= argc) {
        ofctl_fatal("missing command name; use --help for help");
    }
    const char *name = argv[optind];
    const struct ofctl_command *cmd = find_command(name);
    if (!cmd) {
        ofctl_fatal("unknown command '%s'; use --help for help", name);
    }
    int n_args = argc - optind - 1;
    if (n_args < cmd->min_args) {
        ofctl_fatal("'%s' command requires at least %d arguments", name,
                    cmd->min_args);
    }
    if (n_args > cmd->max_args) {
        ofctl_fatal("'%s' command takes at most %d arguments", name,
                    cmd->max_args);
    }
    cmd->handler(n_args + 1, argv + optind);
    fflush(stdout);
    return 0;
}
