/* vs-ofctl's group commands: add-group, add-groups FILE, mod-group,
 * del-groups, insert-buckets, remove-buckets, dump-groups,
 * dump-group-stats, dump-group-features.  Each sends what ovs-ofctl 3.1
 * sends (group mods with a barrier, on a connection opened as for flow
 * mods, so the xids it prints are the same) and prints what it prints. */
#include "cli/ofctl/ofctl.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* Sends the group mods, one transaction each, as ovs-ofctl's
 * ofctl_group_mod__; a bucket command needs a version with the 1.5 body. */
static void send_group_mods(const char *sw, const struct ofp_group_mod *gms,
                            size_t n)
{
    vconn_skip_xids(4);     /* ovs-ofctl's port and table name lookups */
    uint32_t saved = ofctl_opts.versions;
    if (ofctl_opts.bundle) {
        /* Bundles need OpenFlow 1.3+. */
        ofctl_opts.versions &= ~(1u << OFP10_VERSION);
    }
    struct vconn *v = ofctl_open(sw, "mgmt");
    ofctl_opts.versions = saved;
    uint8_t version = vconn_version(v);
    struct ofpbuf sent = OFPBUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const struct ofp_group_mod *gm = &gms[i];
        if ((gm->command == OFPGC_INSERT_BUCKET
             || gm->command == OFPGC_REMOVE_BUCKET)
            && version != OFP10_VERSION && version < OFP15_VERSION) {
            ofctl_fatal("%s needs OpenFlow 1.5 or later ('-O OpenFlow15')",
                        gm->command == OFPGC_INSERT_BUCKET ? "insert-bucket"
                                                           : "remove-bucket");
        }
        struct ofpbuf b = OFPBUF_INIT;
        int err = ofp_encode_group_mod(ofctl_opts.bundle ? &sent : &b,
                                       version, vconn_next_xid(), gm);
        if (err) {
            ofctl_fatal("%s: cannot encode group_mod",
                        ofperr_name((enum ofperr) -err));
        }
        if (!ofctl_opts.bundle) {
            ofctl_transact_noreply(v, &b);
        }
    }
    if (ofctl_opts.bundle) {
        ofctl_bundle_messages(v, &sent);
    }
    vconn_close(v);
}

/* ovs-ofctl's ds_get_preprocessed_line: '#' to the end of a line is a
 * comment, blank lines are skipped, a backslash at the end joins the next
 * line.  Returns the next line (in place) or NULL; *lineno counts. */
static char *next_line(char **pos, int *lineno)
{
    while (**pos) {
        char *start = *pos;
        char *end = start;
        int lines = 0;
        for (;;) {
            char *nl = strchr(end, '\n');
            lines++;
            if (!nl) {
                end += strlen(end);
                *pos = end;
                break;
            }
            if (nl > start && nl[-1] == '\\') {
                nl[-1] = ' ';
                *nl = ' ';
                end = nl + 1;
                continue;
            }
            *nl = '\0';
            *pos = nl + 1;
            end = nl;
            break;
        }
        *lineno += lines;
        char *hash = strchr(start, '#');
        if (hash) {
            *hash = '\0';
        }
        if (start[strspn(start, " \t\r\n")]) {
            return start;
        }
    }
    return NULL;
}

static void group_mod_file(const char *sw, const char *file, int command)
{
    char *text = ofctl_read_file(file);
    char *pos = text, *line;
    int lineno = 0;
    struct ofp_group_mod *gms = NULL;
    size_t n = 0;
    while ((line = next_line(&pos, &lineno))) {
        struct ofp_group_mod gm;
        uint32_t usable;
        char err[256];
        if (ofp_parse_group_mod(line, command, &gm, &usable, err,
                                sizeof err)) {
            ofctl_fatal("%s:%d: %s", file, lineno, err);
        }
        gms = xrealloc(gms, (n + 1) * sizeof *gms);
        gms[n++] = gm;
    }
    send_group_mods(sw, gms, n);
    ofp_group_descs_free(gms, n);
    free(text);
}

static void group_mod(int argc, char *argv[], int command)
{
    if (argc > 2 && !strcmp(argv[2], "-")) {
        group_mod_file(argv[1], argv[2], command);
        return;
    }
    struct ofp_group_mod gm;
    uint32_t usable;
    char err[256];
    if (ofp_parse_group_mod(argc > 2 ? argv[2] : "", command, &gm, &usable,
                            err, sizeof err)) {
        ofctl_fatal("%s", err);
    }
    send_group_mods(argv[1], &gm, 1);
    ofp_group_mod_free(&gm);
}

static void cmd_add_group(int argc, char *argv[])
{
    group_mod(argc, argv, OFPGC_ADD);
}

static void cmd_add_groups(int argc, char *argv[])
{
    (void) argc;
    /* Each line may name its command; "add" when none. */
    group_mod_file(argv[1], argv[2], -2);
}

static bool may_create;

static void cmd_mod_group(int argc, char *argv[])
{
    group_mod(argc, argv, may_create ? OFPGC_ADD_OR_MOD : OFPGC_MODIFY);
}

static void cmd_del_groups(int argc, char *argv[])
{
    group_mod(argc, argv, OFPGC_DELETE);
}

static void cmd_insert_buckets(int argc, char *argv[])
{
    group_mod(argc, argv, OFPGC_INSERT_BUCKET);
}

static void cmd_remove_buckets(int argc, char *argv[])
{
    group_mod(argc, argv, OFPGC_REMOVE_BUCKET);
}

/* "1", "all", "any": ovs-ofctl's ofputil_group_from_string. */
static bool group_from_string(const char *s, uint32_t *id)
{
    if (!strcasecmp(s, "any")) {
        *id = OFPG_ANY;
    } else if (!strcasecmp(s, "all")) {
        *id = OFPG_ALL;
    } else {
        char *end;
        unsigned long long v = strtoull(s, &end, 10);
        if (!*s || *end || v > UINT32_MAX) {
            return false;
        }
        *id = (uint32_t) v;
    }
    return true;
}

static void cmd_dump_groups(int argc, char *argv[])
{
    uint32_t id;
    if (argc < 3 || !group_from_string(argv[2], &id)) {
        id = OFPG_ALL;
    }
    struct vconn *v = ofctl_open(argv[1], "mgmt");
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_group_desc_request(&b, vconn_version(v), vconn_next_xid(), id);
    ofctl_dump_transaction(v, &b);
    vconn_close(v);
}

static void cmd_dump_group_stats(int argc, char *argv[])
{
    /* As ovs-ofctl: the argument is parsed as a del-groups one. */
    struct ofp_group_mod gm;
    uint32_t usable;
    char err[256];
    if (ofp_parse_group_mod(argc > 2 ? argv[2] : "", OFPGC_DELETE, &gm,
                            &usable, err, sizeof err)) {
        ofctl_fatal("%s", err);
    }
    ofp_group_mod_free(&gm);
    vconn_skip_xids(4);     /* ovs-ofctl's port and table name lookups */
    struct vconn *v = ofctl_open(argv[1], "mgmt");
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_group_stats_request(&b, vconn_version(v), vconn_next_xid(),
                                   gm.group_id);
    ofctl_dump_transaction(v, &b);
    vconn_close(v);
}

static void cmd_dump_group_features(int argc, char *argv[])
{
    (void) argc;
    struct vconn *v = ofctl_open(argv[1], "mgmt");
    uint8_t version = vconn_version(v);
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_simple(&b, version, OFPTYPE_GROUP_FEATURES_STATS_REQUEST,
                      version < OFP12_VERSION ? OFPF_NX : OFPF_STD,
                      vconn_next_xid());
    ofctl_dump_transaction(v, &b);
    vconn_close(v);
}

void ofctl_groups_set_may_create(bool on)
{
    may_create = on;
}

const struct ofctl_command ofctl_group_commands[] = {
    { "add-group", 1, 2, cmd_add_group },
    { "add-groups", 2, 2, cmd_add_groups },
    { "mod-group", 1, 2, cmd_mod_group },
    { "del-groups", 1, 2, cmd_del_groups },
    { "insert-buckets", 1, 2, cmd_insert_buckets },
    { "remove-buckets", 1, 2, cmd_remove_buckets },
    { "dump-groups", 1, 2, cmd_dump_groups },
    { "dump-group-stats", 1, 2, cmd_dump_group_stats },
    { "dump-group-features", 1, 1, cmd_dump_group_features },
    { NULL, 0, 0, NULL },
};
