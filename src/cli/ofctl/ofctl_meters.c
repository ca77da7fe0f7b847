/* vs-ofctl's meter commands, as ovs-ofctl 3.1's: add-meter, mod-meter,
 * del-meter(s), dump-meter(s), meter-stats, meter-features.  Meters are
 * OpenFlow 1.3+: without such a version in -O the command stops with
 * ovs-ofctl's message before connecting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/ofctl/ofctl.h"

/* The allowed flow formats ovs-ofctl names for the versions in -O. */
static void allowed_formats(char *buf, size_t size)
{
    static const struct { int v; const char *name; } names[] = {
        { OFP10_VERSION, "OpenFlow10,NXM" },
        { OFP13_VERSION, "OXM-OpenFlow13" },
        { OFP14_VERSION, "OXM-OpenFlow14" },
        { OFP15_VERSION, "OXM-OpenFlow15" },
    };
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (ofctl_opts.versions & (1u << names[i].v)) {
            size_t n = strlen(buf);
            snprintf(buf + n, size - n, "%s%s", n ? "," : "", names[i].name);
        }
    }
}

/* Opens the switch for a meter command: OpenFlow 1.3 or later. */
static struct vconn *open_meters(const char *sw)
{
    uint32_t of13_up = ~((1u << OFP13_VERSION) - 1);
    if (!(ofctl_opts.versions & of13_up)) {
        char allowed[128];
        allowed_formats(allowed, sizeof allowed);
        ofctl_fatal("none of the usable flow formats (OXM-OpenFlow13,"
                    "OXM-OpenFlow14,OXM-OpenFlow15) is among the allowed "
                    "flow formats (%s)", allowed);
    }
    uint32_t saved = ofctl_opts.versions;
    ofctl_opts.versions &= of13_up;
    struct vconn *v = ofctl_open(sw, "mgmt");
    ofctl_opts.versions = saved;
    return v;
}

/* The meter_mod of `str` (NULL: every meter, for a delete). */
static void parse_or_die(const char *str, int command, struct ofp_meter_mod *mm)
{
    char err[256];
    if (!str) {
        memset(mm, 0, sizeof *mm);
        mm->command = (uint16_t) command;
        mm->meter.meter_id = OFPM_ALL;
        return;
    }
    if (ofp_parse_meter_mod(str, command, mm, err, sizeof err)) {
        ofp_meter_mod_free(mm);
        ofctl_fatal("%s", err);
    }
}

static void meter_mod(const char *sw, const char *str, int command)
{
    struct ofp_meter_mod mm;
    parse_or_die(str, command, &mm);
    struct vconn *v = open_meters(sw);
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_meter_mod(&b, vconn_version(v), vconn_next_xid(), &mm);
    ofp_meter_mod_free(&mm);
    ofctl_transact_noreply(v, &b);
    vconn_close(v);
}

static void meter_request(const char *sw, const char *str, enum ofptype type)
{
    struct ofp_meter_mod mm;
    parse_or_die(str, -1, &mm);
    uint32_t id = mm.meter.meter_id;
    ofp_meter_mod_free(&mm);
    struct vconn *v = open_meters(sw);
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_meter_request(&b, vconn_version(v), type, vconn_next_xid(),
                             id);
    ofctl_dump_transaction(v, &b);
    vconn_close(v);
}

static void cmd_add_meter(int argc, char *argv[])
{
    (void) argc;
    meter_mod(argv[1], argv[2], OFPMC_ADD);
}

static void cmd_mod_meter(int argc, char *argv[])
{
    (void) argc;
    meter_mod(argv[1], argv[2], OFPMC_MODIFY);
}

static void cmd_del_meters(int argc, char *argv[])
{
    meter_mod(argv[1], argc > 2 ? argv[2] : NULL, OFPMC_DELETE);
}

static void cmd_dump_meters(int argc, char *argv[])
{
    meter_request(argv[1], argc > 2 ? argv[2] : NULL,
                  OFPTYPE_METER_CONFIG_STATS_REQUEST);
}

static void cmd_meter_stats(int argc, char *argv[])
{
    meter_request(argv[1], argc > 2 ? argv[2] : NULL,
                  OFPTYPE_METER_STATS_REQUEST);
}

static void cmd_meter_features(int argc, char *argv[])
{
    (void) argc;
    meter_request(argv[1], NULL, OFPTYPE_METER_FEATURES_STATS_REQUEST);
}

const struct ofctl_command ofctl_meter_commands[] = {
    { "add-meter", 2, 2, cmd_add_meter },
    { "mod-meter", 2, 2, cmd_mod_meter },
    { "del-meter", 1, 2, cmd_del_meters },
    { "del-meters", 1, 2, cmd_del_meters },
    { "dump-meter", 1, 2, cmd_dump_meters },
    { "dump-meters", 1, 2, cmd_dump_meters },
    { "meter-stats", 1, 2, cmd_meter_stats },
    { "meter-features", 1, 1, cmd_meter_features },
    { NULL, 0, 0, NULL },
};
