/* What vs-ofctl's commands share: opening a switch, printing messages,
 * the two kinds of transaction, port names, files (ofctl.h). */
#include "cli/ofctl/ofctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/dstr.h"
#include "ofp/ofp_port.h"
#include "ofp/ofp_print.h"

#define MAX_FILE_BYTES (64 * 1024 * 1024)

struct ofctl_opts ofctl_opts;

void ofctl_fatal(const char *fmt, ...)
{
    va_list args;
    fflush(stdout);
    fputs("vs-ofctl: ", stderr);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    exit(1);
}

/* Tries the UNIX socket `path`: NULL when it does not exist. */
static struct vconn *try_socket(const char *path)
{
    char err[256];
    char *target = xasprintf("unix:%s", path);
    struct vconn *v;
    int rc = vconn_connect(target, &v, err, sizeof err);
    free(target);
    if (rc == -ENOENT) {
        return NULL;
    }
    if (rc) {
        ofctl_fatal("%s: failed to open socket (%s)", path, err);
    }
    return v;
}

static struct vconn *connect_switch(const char *name, const char *suffix)
{
    char err[256];
    struct vconn *v = NULL;
    if (strchr(name, ':')) {
        if (vconn_connect(name, &v, err, sizeof err)) {
            ofctl_fatal("connecting to %s (%s)", name, err);
        }
        return v;
    }
    v = try_socket(name);
    if (!v) {
        char *path = xasprintf("%s/%s.%s", ofctl_opts.rundir, name, suffix);
        v = try_socket(path);
        free(path);
    }
    if (!v) {
        ofctl_fatal("%s is not a bridge or a socket", name);
    }
    return v;
}

struct vconn *ofctl_open(const char *name, const char *suffix)
{
    struct vconn *v = connect_switch(name, suffix);
    char err[256];
    int rc = vconn_handshake(v, ofctl_opts.versions, err, sizeof err);
    if (rc) {
        if (rc == -EPROTO && strstr(err, "negotiation")) {
            fprintf(stderr, "vs-ofctl: %s: %s\n", vconn_name(v), err);
            snprintf(err, sizeof err, "%s", vconn_strerror(rc));
        }
        ofctl_fatal("%s: failed to connect to socket (%s)", name, err);
    }
    return v;
}

void ofctl_print(FILE *f, const void *data, size_t len, int verbosity)
{
    struct dstr s = DSTR_INIT;
    ofp_print_msg(&s, data, len, verbosity);
    fputs(dstr_str(&s), f);
    dstr_free(&s);
}

static bool is_multipart_request(const struct ofp_msg *m)
{
    return m->type >= OFPTYPE_DESC_STATS_REQUEST
           && m->type <= OFPTYPE_FLOW_MONITOR_STATS_REPLY
           && (m->type - OFPTYPE_DESC_STATS_REQUEST) % 2 == 0;
}

static int print_reply(const struct ofp_msg *reply, void *aux)
{
    const enum ofptype *want = aux;
    if (reply->type != OFPTYPE_ERROR && reply->type != *want) {
        struct dstr s = DSTR_INIT;
        ofp_print_msg(&s, reply->data, reply->len, 1);
        ofctl_fatal("received bad reply: %s", dstr_str(&s));
    }
    ofctl_print(stdout, reply->data, reply->len, 1);
    return 0;
}

void ofctl_dump_transaction(struct vconn *v, struct ofpbuf *request)
{
    struct ofp_msg req;
    if (ofp_msg_decode(request->data, request->size, &req)) {
        ofctl_fatal("internal error: bad request");
    }
    int rc;
    if (is_multipart_request(&req)) {
        enum ofptype want = (enum ofptype) (req.type + 1);
        rc = vconn_dump(v, request, print_reply, &want);
    } else {
        struct ofpbuf reply = OFPBUF_INIT;
        struct ofp_msg msg;
        rc = vconn_transact(v, request, &reply, &msg);
        if (!rc) {
            ofctl_print(stdout, msg.data, msg.len, 1);
        }
        ofpbuf_uninit(&reply);
    }
    if (rc) {
        ofctl_fatal("talking to %s (%s)", vconn_name(v), vconn_strerror(rc));
    }
    ofpbuf_uninit(request);
}

void ofctl_transact_noreply(struct vconn *v, struct ofpbuf *request)
{
    struct ofpbuf error = OFPBUF_INIT;
    int rc = vconn_transact_noreply(v, request, &error);
    if (rc) {
        ofctl_fatal("talking to %s (%s)", vconn_name(v), vconn_strerror(rc));
    }
    if (error.size) {
        ofctl_print(stderr, error.data, error.size, 2);
        exit(1);
    }
    ofpbuf_uninit(&error);
    ofpbuf_uninit(request);
}

/* The ports of the switch, from its features (OF1.0) or port desc. */
struct port_list {
    struct ofp_phy_port *ports;
    size_t n;
};

static int collect_ports(const struct ofp_msg *reply, void *aux)
{
    struct port_list *pl = aux;
    struct ofp_phy_port *p;
    size_t n;
    if (reply->type == OFPTYPE_PORT_DESC_STATS_REPLY
        && !ofp_decode_port_desc_reply(reply, &p, &n)) {
        pl->ports = xrealloc(pl->ports, (pl->n + n) * sizeof *p);
        memcpy(pl->ports + pl->n, p, n * sizeof *p);
        pl->n += n;
        free(p);
    }
    return 0;
}

static void fetch_ports(const char *sw, struct port_list *pl)
{
    struct vconn *v = ofctl_open(sw, "mgmt");
    struct ofpbuf b = OFPBUF_INIT;
    uint32_t xid = vconn_next_xid();
    if (vconn_version(v) == OFP10_VERSION) {
        ofp_encode_simple(&b, OFP10_VERSION, OFPTYPE_FEATURES_REQUEST,
                          OFPF_STD, xid);
        struct ofpbuf reply = OFPBUF_INIT;
        struct ofp_msg msg;
        struct ofp_features f;
        if (!vconn_transact(v, &b, &reply, &msg)
            && msg.type == OFPTYPE_FEATURES_REPLY
            && !ofp_decode_features_reply(&msg, &f)) {
            pl->ports = f.ports;
            pl->n = f.n_ports;
        }
        ofpbuf_uninit(&reply);
    } else {
        ofp_encode_port_desc_request(&b, vconn_version(v), xid, OFPP_NONE);
        vconn_dump(v, &b, collect_ports, pl);
    }
    ofpbuf_uninit(&b);
    vconn_close(v);
}

uint32_t ofctl_port(const char *sw, const char *s)
{
    uint32_t port;
    if (ofp_port_parse(s, &port)) {
        return port;
    }
    struct port_list pl = { NULL, 0 };
    fetch_ports(sw, &pl);
    bool found = false;
    for (size_t i = 0; i < pl.n && !found; i++) {
        if (!strcmp(pl.ports[i].name, s)) {
            port = pl.ports[i].port_no;
            found = true;
        }
    }
    free(pl.ports);
    if (!found) {
        ofctl_fatal("%s: unknown port `%s'", sw, s);
    }
    return port;
}

/* ---- port names (--names) ---- */

/* The switch's ports, fetched once, the first time a name is needed. */
static struct {
    const char *sw;
    bool fetched;
    struct port_list pl;
    unsigned xids;              /* how many xids the fetch took */
} names;

static void names_fetch(void)
{
    if (!names.fetched) {
        names.fetched = true;
        uint32_t before = vconn_next_xid();
        fetch_ports(names.sw, &names.pl);
        names.xids = vconn_next_xid() - before + 1;
    }
}

/* As OVS's namemap: a number or name that appears twice has no name. */
static const struct ofp_phy_port *unique_port(uint32_t port_no,
                                              const char *name)
{
    const struct ofp_phy_port *found = NULL;
    for (size_t i = 0; i < names.pl.n; i++) {
        const struct ofp_phy_port *p = &names.pl.ports[i];
        if (name ? !strcmp(p->name, name) : p->port_no == port_no) {
            if (found) {
                return NULL;
            }
            found = p;
        }
    }
    if (!found) {
        return NULL;
    }
    for (size_t i = 0; i < names.pl.n; i++) {
        const struct ofp_phy_port *p = &names.pl.ports[i];
        if (p != found && (p->port_no == found->port_no
                           || !strcmp(p->name, found->name))) {
            return NULL;
        }
    }
    return found;
}

static const char *name_of(uint32_t port, void *aux)
{
    (void) aux;
    names_fetch();
    const struct ofp_phy_port *p = unique_port(port, NULL);
    return p && p->name[0] ? p->name : NULL;
}

static bool number_of(const char *name, uint32_t *port, void *aux)
{
    (void) aux;
    names_fetch();
    const struct ofp_phy_port *p = unique_port(0, name);
    if (p) {
        *port = p->port_no;
    }
    return p != NULL;
}

bool ofctl_show_names(void)
{
    return ofctl_opts.names > 0 || (ofctl_opts.names < 0 && isatty(1));
}

void ofctl_port_names(const char *sw, bool show)
{
    if (names.sw && strcmp(names.sw, sw)) {
        free(names.pl.ports);
        memset(&names, 0, sizeof names);
    }
    names.sw = sw;
    ofp_port_set_names(show ? name_of : NULL,
                       ofctl_opts.names ? number_of : NULL, NULL);
}

void ofctl_skip_name_lookup_xids(void)
{
    if (names.xids < 4) {
        vconn_skip_xids(4 - names.xids);
    }
    names.xids = 4;             /* once */
}

char *ofctl_read_file(const char *name)
{
    FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;
    if (!f) {
        ofctl_fatal("%s: open (%s)", name, strerror(errno));
    }
    struct dstr d = DSTR_INIT;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        if (memchr(buf, '\0', n)) {
            ofctl_fatal("%s: NUL byte in file", name);
        }
        dstr_printf(&d, "%.*s", (int) n, buf);
        if (d.len > MAX_FILE_BYTES) {
            ofctl_fatal("%s: file too large", name);
        }
    }
    if (f != stdin) {
        fclose(f);
    }
    return dstr_steal(&d);
}
