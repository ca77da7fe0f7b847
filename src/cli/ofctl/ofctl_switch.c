/* vs-ofctl's switch commands: show, dump-desc, dump-tables,
 * dump-table-features, dump-ports, dump-ports-desc, mod-port, packet-out,
 * queue-get-config, monitor, snoop.  Each sends what ovs-ofctl 3.1 sends, in the same order
 * (so the xids it prints are the same), and prints what it prints. */
#include "cli/ofctl/ofctl.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ofp/ofp_port.h"
#include "ofp/ofp_print.h"

/* One request without a body on a connection of its own. */
static void dump_trivial(const char *sw, enum ofptype type)
{
    struct vconn *v = ofctl_open(sw, "mgmt");
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_simple(&b, vconn_version(v), type, OFPF_STD,
                      vconn_next_xid());
    ofctl_dump_transaction(v, &b);
    vconn_close(v);
}

static void cmd_show(int argc, char *argv[])
{
    (void) argc;
    struct vconn *v = ofctl_open(argv[1], "mgmt");
    uint8_t version = vconn_version(v);
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_simple(&b, version, OFPTYPE_FEATURES_REQUEST, OFPF_STD,
                      vconn_next_xid());
    ofctl_dump_transaction(v, &b);
    if (version != OFP10_VERSION) {
        ofp_encode_port_desc_request(&b, version, vconn_next_xid(),
                                     OFPP_NONE);
        ofctl_dump_transaction(v, &b);
    }
    dump_trivial(argv[1], OFPTYPE_GET_CONFIG_REQUEST);
    vconn_close(v);
}

static void cmd_dump_desc(int argc, char *argv[])
{
    (void) argc;
    dump_trivial(argv[1], OFPTYPE_DESC_STATS_REQUEST);
}

static void cmd_dump_tables(int argc, char *argv[])
{
    (void) argc;
    dump_trivial(argv[1], OFPTYPE_TABLE_STATS_REQUEST);
}

/* One table's fixed part (the properties are not decoded: vs-ofctl
 * prints the minimum, table, metadata and max_entries). */
static int print_table_features(const struct ofp_msg *reply, void *aux)
{
    (void) aux;
    if (reply->type != OFPTYPE_TABLE_FEATURES_STATS_REPLY) {
        ofctl_print(stdout, reply->data, reply->len, 1);
        return 0;
    }
    struct ofpcur c = ofpcur_init(reply->body, reply->body_len);
    uint16_t len;
    while (ofpcur_be16(&c, &len) && len >= 64) {
        struct ofpcur e;
        uint8_t table_id, skip[37];
        uint64_t match, write;
        uint32_t caps, max;
        if (!ofpcur_sub(&c, len - 2, &e) || !ofpcur_u8(&e, &table_id)
            || !ofpcur_bytes(&e, skip, sizeof skip)
            || !ofpcur_be64(&e, &match) || !ofpcur_be64(&e, &write)
            || !ofpcur_be32(&e, &caps) || !ofpcur_be32(&e, &max)) {
            break;
        }
        printf("  table %u:\n", table_id);
        if (match || write) {
            printf("    metadata: match=%#" PRIx64 " write=%#" PRIx64 "\n",
                   match, write);
        }
        if (max) {
            printf("    max_entries=%" PRIu32 "\n", max);
        }
    }
    return 0;
}

static void cmd_dump_table_features(int argc, char *argv[])
{
    (void) argc;
    struct vconn *v = ofctl_open(argv[1], "mgmt");
    if (vconn_version(v) < OFP13_VERSION) {
        ofctl_fatal("dump-table-features needs OpenFlow 1.3 or later "
                    "('-O OpenFlow13')");
    }
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_simple(&b, vconn_version(v),
                      OFPTYPE_TABLE_FEATURES_STATS_REQUEST, OFPF_STD,
                      vconn_next_xid());
    int rc = vconn_dump(v, &b, print_table_features, NULL);
    if (rc) {
        ofctl_fatal("talking to %s (%s)", vconn_name(v), vconn_strerror(rc));
    }
    ofpbuf_uninit(&b);
    vconn_close(v);
}

static void cmd_dump_ports(int argc, char *argv[])
{
    struct vconn *v = ofctl_open(argv[1], "mgmt");
    uint32_t port = argc > 2 ? ofctl_port(argv[1], argv[2]) : OFPP_NONE;
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_port_stats_request(&b, vconn_version(v), vconn_next_xid(),
                                  port);
    ofctl_dump_transaction(v, &b);
    vconn_close(v);
}

static void cmd_dump_ports_desc(int argc, char *argv[])
{
    struct vconn *v = ofctl_open(argv[1], "mgmt");
    uint32_t port = argc > 2 ? ofctl_port(argv[1], argv[2]) : OFPP_NONE;
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_port_desc_request(&b, vconn_version(v), vconn_next_xid(),
                                 port);
    ofctl_dump_transaction(v, &b);
    vconn_close(v);
}

/* ---- mod-port ---- */

struct port_flag {
    const char *name;
    uint32_t bit;
    bool on;
};

static const struct port_flag port_flags[] = {
    { "up", OFPPC_PORT_DOWN, false },
    { "down", OFPPC_PORT_DOWN, true },
    { "stp", 0x02, false },
    { "receive", OFPPC_NO_RECV, false },
    { "receive-stp", 0x08, false },
    { "flood", OFPPC10_NO_FLOOD, false },
    { "forward", OFPPC_NO_FWD, false },
    { "packet-in", OFPPC_NO_PACKET_IN, false },
};

static bool parse_port_flag(const char *arg, struct ofp_port_mod *pm)
{
    bool not = false;
    const char *cmd = arg;
    if (!strncasecmp(arg, "no-", 3)) {
        cmd = arg + 3;
        not = true;
    } else if (!strncasecmp(arg, "no", 2)) {
        cmd = arg + 2;
        not = true;
    }
    for (size_t i = 0; i < sizeof port_flags / sizeof *port_flags; i++) {
        const struct port_flag *f = &port_flags[i];
        if (!strcasecmp(cmd, f->name)) {
            pm->mask = f->bit;
            pm->config = (f->on ^ not) ? f->bit : 0;
            return true;
        }
    }
    return false;
}

/* The port `s` (number or name) as the switch describes it. */
static struct ofp_phy_port fetch_port(const char *sw, const char *s)
{
    struct vconn *v = ofctl_open(sw, "mgmt");
    uint32_t port_no = OFPP_NONE;
    bool by_no = ofp_port_parse(s, &port_no);
    struct ofpbuf b = OFPBUF_INIT, reply = OFPBUF_INIT;
    struct ofp_phy_port *ports = NULL, found;
    size_t n = 0;
    bool ok = false;
    ofp_encode_port_desc_request(&b, vconn_version(v), vconn_next_xid(),
                                 OFPP_NONE);
    struct ofp_msg msg;
    if (!vconn_transact(v, &b, &reply, &msg)
        && msg.type == OFPTYPE_PORT_DESC_STATS_REPLY
        && !ofp_decode_port_desc_reply(&msg, &ports, &n)) {
        for (size_t i = 0; i < n && !ok; i++) {
            if (by_no ? ports[i].port_no == port_no
                      : !strcmp(ports[i].name, s)) {
                found = ports[i];
                ok = true;
            }
        }
    }
    free(ports);
    ofpbuf_uninit(&b);
    ofpbuf_uninit(&reply);
    vconn_close(v);
    if (!ok) {
        ofctl_fatal("%s: couldn't find port `%s'", sw, s);
    }
    return found;
}

static void cmd_mod_port(int argc, char *argv[])
{
    (void) argc;
    struct ofp_phy_port pp = fetch_port(argv[1], argv[2]);
    struct ofp_port_mod pm;
    memset(&pm, 0, sizeof pm);
    pm.port_no = pp.port_no;
    memcpy(pm.hw_addr, pp.hw_addr, sizeof pm.hw_addr);
    if (!parse_port_flag(argv[3], &pm)) {
        ofctl_fatal("unknown mod-port command '%s'", argv[3]);
    }
    struct vconn *v = ofctl_open(argv[1], "mgmt");
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_port_mod(&b, vconn_version(v), vconn_next_xid(), &pm);
    ofctl_transact_noreply(v, &b);
    vconn_close(v);
}

/* ---- packet-out ---- */

static int hexval(int c)
{
    return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* Hex digits (spaces allowed between bytes) into a frame; exits with
 * ovs-ofctl's messages. */
static uint8_t *parse_frame(const char *hex, size_t *len)
{
    uint8_t *frame = xmalloc(strlen(hex) / 2 + 1);
    size_t n = 0;
    const char *p = hex;
    for (;;) {
        while (isspace((unsigned char) *p)) {
            p++;
        }
        if (!isxdigit((unsigned char) p[0])
            || !isxdigit((unsigned char) p[1])) {
            break;
        }
        frame[n++] = (uint8_t) (hexval(p[0]) << 4 | hexval(p[1]));
        p += 2;
    }
    if (*p) {
        ofctl_fatal("Trailing garbage in packet data");
    }
    if (n < 14) {
        ofctl_fatal("Packet data too short for Ethernet");
    }
    *len = n;
    return frame;
}

static struct vconn *open_for_packet_out(const char *sw)
{
    vconn_skip_xids(4);         /* ovs-ofctl's port and table name lookups */
    return ofctl_open(sw, "mgmt");
}

static void send_packet_out(struct vconn *v, const char *sw,
                            struct ofp_packet_out *po)
{
    struct ofpbuf b = OFPBUF_INIT;
    int err = ofp_encode_packet_out(&b, vconn_version(v), vconn_next_xid(),
                                    po);
    if (err) {
        ofctl_fatal("%s: cannot encode packet-out (%s)", sw,
                    ofperr_name((enum ofperr) -err));
    }
    ofctl_transact_noreply(v, &b);
}

/* "in_port=1 packet=HEX actions=..." (ovs-ofctl 3.1's one-argument form). */
static void parse_packet_out_str(const char *sw, const char *s,
                                 struct ofp_packet_out *po, uint8_t **frame)
{
    char *copy = xstrdup(s);
    char *acts = strstr(copy, "actions=");
    char err[256];
    if (!acts) {
        ofctl_fatal("must specify actions");
    }
    *acts = '\0';
    if (ofpacts_parse(acts + 8, &po->acts, &po->n_acts, err, sizeof err)) {
        ofctl_fatal("%s", err);
    }
    char *save = NULL;
    for (char *t = strtok_r(copy, " ,", &save); t;
         t = strtok_r(NULL, " ,", &save)) {
        char *eq = strchr(t, '=');
        if (eq && !strncmp(t, "in_port", (size_t) (eq - t))) {
            po->in_port = ofctl_port(sw, eq + 1);
        } else if (eq && !strncmp(t, "packet", (size_t) (eq - t))) {
            *frame = parse_frame(eq + 1, &po->len);
        } else {
            ofctl_fatal("unknown keyword %s", t);
        }
    }
    if (!*frame) {
        ofctl_fatal("must specify packet");
    }
    free(copy);
}

static void cmd_packet_out(int argc, char *argv[])
{
    struct ofp_packet_out po;
    memset(&po, 0, sizeof po);
    po.buffer_id = OFP_NO_BUFFER;
    po.in_port = OFPP_NONE;
    char err[256];
    if (argc == 3) {
        uint8_t *frame = NULL;
        parse_packet_out_str(argv[1], argv[2], &po, &frame);
        po.packet = frame;
        struct vconn *v = open_for_packet_out(argv[1]);
        send_packet_out(v, argv[1], &po);
        vconn_close(v);
        free(frame);
    } else if (argc > 4) {
        if (ofpacts_parse(argv[3], &po.acts, &po.n_acts, err, sizeof err)) {
            ofctl_fatal("%s", err);
        }
        po.in_port = ofctl_port(argv[1], argv[2]);
        struct vconn *v = open_for_packet_out(argv[1]);
        for (int i = 4; i < argc; i++) {
            uint8_t *frame = parse_frame(argv[i], &po.len);
            po.packet = frame;
            send_packet_out(v, argv[1], &po);
            free(frame);
        }
        vconn_close(v);
    } else {
        ofctl_fatal("Too many arguments (%d)", argc);
    }
    ofpacts_free(po.acts, po.n_acts);
}

/* ---- monitor, snoop ---- */

/* A request whose only answer is an error; false when it got one. */
static bool try_noreply(struct vconn *v, struct ofpbuf *b)
{
    struct ofpbuf error = OFPBUF_INIT;
    int rc = vconn_transact_noreply(v, b, &error);
    if (rc) {
        ofctl_fatal("talking to %s (%s)", vconn_name(v), vconn_strerror(rc));
    }
    bool ok = !error.size;
    ofpbuf_uninit(&error);
    ofpbuf_uninit(b);
    return ok;
}

static bool set_packet_in_format(struct vconn *v, uint32_t format)
{
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_nx_u32(&b, vconn_version(v), OFPTYPE_NXT_SET_PACKET_IN_FORMAT,
                      vconn_next_xid(), format);
    return try_noreply(v, &b);
}

static void set_config(struct vconn *v, int miss_len, bool invalid_ttl)
{
    struct ofpbuf b = OFPBUF_INIT, reply = OFPBUF_INIT;
    struct ofp_msg msg;
    struct ofp_switch_config c;
    ofp_encode_simple(&b, vconn_version(v), OFPTYPE_GET_CONFIG_REQUEST,
                      OFPF_STD, vconn_next_xid());
    if (vconn_transact(v, &b, &reply, &msg)
        || msg.type != OFPTYPE_GET_CONFIG_REPLY
        || ofp_decode_switch_config(&msg, &c)) {
        ofctl_fatal("%s: bad reply to config request", vconn_name(v));
    }
    if (miss_len >= 0) {
        c.miss_send_len = (uint16_t) miss_len;
    }
    if (invalid_ttl) {
        c.flags |= 4;
    }
    ofpbuf_clear(&b);
    ofp_encode_switch_config(&b, vconn_version(v), OFPTYPE_SET_CONFIG,
                             vconn_next_xid(), &c);
    ofpbuf_uninit(&reply);
    ofctl_transact_noreply(v, &b);
}

/* monitor ... resume: sends back an NXT_RESUME for a paused packet-in
 * (an NXT_PACKET_IN2 with a continuation), printed as "send: ...", as
 * ovs-ofctl's monitor does. */
static void resume_packet_in(struct vconn *v, const struct ofp_msg *msg)
{
    struct ofp_packet_in pin;
    int err = ofp_decode_packet_in(msg, &pin);
    if (err) {
        fprintf(stderr, "decoding packet-in failed: %s",
                ofperr_name((enum ofperr) -err));
        return;
    }
    if (!pin.continuation_len) {
        return;
    }
    struct ofpbuf r = OFPBUF_INIT;
    ofp_encode_resume(&r, msg->version, &pin);
    fprintf(stderr, "send: ");
    ofctl_print(stderr, r.data, r.size, 2);
    fflush(stderr);
    if (vconn_send(v, &r)) {
        ofctl_fatal("failed to send NXT_RESUME");
    }
    ofpbuf_uninit(&r);
}

/* Prints everything that arrives, on stderr as ovs-ofctl does. */
static void monitor_loop(struct vconn *v, bool echo, bool resume)
{
    struct ofpbuf b = OFPBUF_INIT;
    for (;;) {
        struct ofp_msg msg;
        int rc = vconn_recv(v, &b, &msg, false, -1);
        if (rc) {
            ofctl_fatal("vconn_recv (%s)", vconn_strerror(rc));
        }
        ofctl_print(stderr, b.data, b.size, 2);
        fflush(stderr);
        if (echo && msg.type == OFPTYPE_ECHO_REQUEST) {
            struct ofpbuf r = OFPBUF_INIT;
            ofp_encode_echo(&r, msg.version, true, msg.xid, msg.body,
                            msg.body_len);
            if (vconn_send(v, &r)) {
                ofctl_fatal("failed to send echo reply");
            }
            ofpbuf_uninit(&r);
        }
        if (resume && msg.type == OFPTYPE_PACKET_IN) {
            resume_packet_in(v, &msg);
        }
    }
}

static void cmd_monitor(int argc, char *argv[])
{
    bool invalid_ttl = false;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "invalid_ttl")) {
            invalid_ttl = true;
            ofctl_opts.versions &= 1u << OFP10_VERSION;
            if (!ofctl_opts.versions) {
                ofctl_fatal("invalid_ttl requires one of the OpenFlow "
                            "versions OpenFlow10 but none is enabled "
                            "(use -O)");
            }
        }
    }
    struct vconn *v = ofctl_open(argv[1], "mgmt");
    bool resume = false;
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        if (isdigit((unsigned char) *arg)) {
            set_config(v, atoi(arg), false);
        } else if (!strcmp(arg, "invalid_ttl")) {
            set_config(v, -1, invalid_ttl);
        } else if (!strncmp(arg, "watch:", 6)) {
            ofctl_fatal("%s: flow monitoring is not supported", arg);
        } else if (!strcmp(arg, "resume")) {
            /* NXT_RESUME for every paused packet-in; the whole packet must
             * come, as ovs-ofctl sets it. */
            resume = true;
            set_config(v, 65535, false);
        } else {
            ofctl_fatal("%s: unsupported \"monitor\" argument", arg);
        }
    }
    if (!set_packet_in_format(v, OFP_PIF_NXT2)
        && vconn_version(v) == OFP10_VERSION) {
        set_packet_in_format(v, OFP_PIF_NXT);
    }
    monitor_loop(v, true, resume);
}

/* queue-get-config SWITCH [PORT [QUEUE]]: one request, but in OpenFlow
 * 1.0, which has no "any port", one per port of the features reply, sent
 * on a second connection, as ovs-ofctl does. */
static void cmd_queue_get_config(int argc, char *argv[])
{
    const char *pname = argc > 2 ? argv[2] : "any";
    uint32_t port = !strcasecmp(pname, "any") ? OFPP_NONE
                                              : ofctl_port(argv[1], pname);
    const char *qname = argc > 3 ? argv[3] : "all";
    uint32_t queue = !strcasecmp(qname, "all") ? OFPQ_ALL
                                               : (uint32_t) atoi(qname);
    struct vconn *v = ofctl_open(argv[1], "mgmt");
    struct ofpbuf b = OFPBUF_INIT;
    if (port == OFPP_NONE && vconn_version(v) == OFP10_VERSION) {
        struct vconn *v2 = ofctl_open(argv[1], "mgmt");
        ofp_encode_simple(&b, OFP10_VERSION, OFPTYPE_FEATURES_REQUEST,
                          OFPF_STD, vconn_next_xid());
        struct ofpbuf reply = OFPBUF_INIT;
        struct ofp_msg msg;
        struct ofp_features f;
        int rc = vconn_transact(v, &b, &reply, &msg);
        if (rc) {
            ofctl_fatal("talking to %s (%s)", vconn_name(v),
                        vconn_strerror(rc));
        }
        if (msg.type != OFPTYPE_FEATURES_REPLY
            || ofp_decode_features_reply(&msg, &f)) {
            ofctl_fatal("%s: received bad features reply", vconn_name(v));
        }
        ofpbuf_uninit(&b);
        for (size_t i = 0; i < f.n_ports; i++) {
            if (f.ports[i].port_no < OFPP_MAX) {
                ofp_encode_queue_get_config_request(
                    &b, vconn_version(v2), vconn_next_xid(),
                    f.ports[i].port_no, queue);
                ofctl_dump_transaction(v2, &b);
            }
        }
        ofp_features_free(&f);
        ofpbuf_uninit(&reply);
        vconn_close(v2);
    } else {
        ofp_encode_queue_get_config_request(&b, vconn_version(v),
                                            vconn_next_xid(), port, queue);
        ofctl_dump_transaction(v, &b);
    }
    vconn_close(v);
}

static void cmd_snoop(int argc, char *argv[])
{
    (void) argc;
    struct vconn *v = ofctl_open(argv[1], "snoop");
    monitor_loop(v, false, false);
}

const struct ofctl_command ofctl_switch_commands[] = {
    { "show", 1, 1, cmd_show },
    { "dump-desc", 1, 1, cmd_dump_desc },
    { "dump-tables", 1, 1, cmd_dump_tables },
    { "dump-table-features", 1, 1, cmd_dump_table_features },
    { "dump-ports", 1, 2, cmd_dump_ports },
    { "dump-ports-desc", 1, 2, cmd_dump_ports_desc },
    { "mod-port", 3, 3, cmd_mod_port },
    { "packet-out", 2, 1000, cmd_packet_out },
    { "queue-get-config", 1, 3, cmd_queue_get_config },
    { "monitor", 1, 3, cmd_monitor },
    { "snoop", 1, 1, cmd_snoop },
    { NULL, 0, 0, NULL },
};
