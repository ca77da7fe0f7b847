/* The OpenFlow connections of one bridge (see connmgr.h).
 *
 * Kinds of connection:
 *  - service: accepted on the mgmt socket or on a passive ("ptcp:",
 *    "punix:") Controller target.  As in OVS, it gets no asynchronous
 *    messages until it sets a nonzero miss_send_len (SET_CONFIG), and it
 *    does not count as a controller for fail_mode.
 *  - primary: an active ("tcp:", "unix:") Controller target, reconnected
 *    with exponential back-off (1 s doubling up to max_backoff) whenever it
 *    fails or closes.
 *
 * Each connection reads into its own buffer and frames by the header's
 * length; at most MSGS_PER_RUN messages of one connection are handled per
 * connmgr_run, so one flooding peer cannot starve the others, and a
 * connection whose unsent output passes TX_SOFT is not read from until it
 * drains (so requests cannot make its queue grow without bound).  Past
 * TX_SOFT packet-ins to it are dropped and counted; an asynchronous message
 * that would take it past TX_HARD closes it (the peer is not reading).
 *
 * Snoopers (RUNDIR/BRIDGE.snoop, OVS's "monitor" connections of an rconn):
 * each accepted one is attached, as in OVS, to one active Controller entry
 * (the one whose connection has the highest role: master, equal, slave)
 * and keeps it across that controller's reconnects; without an active
 * controller it is closed at once.  After its hello every message queued
 * for or received from that controller's connection (not the hellos) is
 * copied to it in the controller's version; what it sends is read and
 * thrown away.  A copy that would take its unsent output past
 * SNOOP_TX_LIMIT is dropped and counted, so a snooper that does not read
 * costs the controller and the datapath nothing. */
#include "ofproto/connmgr.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lib/coverage.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "ofproto/ofproto_ofp.h"
#include "ofproto/ofproto_private.h"

VLOG_DEFINE_THIS_MODULE(connmgr);

COVERAGE_DEFINE(connmgr_accepted);     /* connections accepted */
COVERAGE_DEFINE(connmgr_connected);    /* active connections made */
COVERAGE_DEFINE(connmgr_closed);       /* connections closed */
COVERAGE_DEFINE(connmgr_rx_msgs);      /* OpenFlow messages received */
COVERAGE_DEFINE(connmgr_errors_sent);  /* OFPT_ERROR replies sent */
COVERAGE_DEFINE(connmgr_pin_drops);    /* packet-ins dropped (backlog) */
COVERAGE_DEFINE(connmgr_async_unsent); /* async messages nobody wanted */
COVERAGE_DEFINE(connmgr_snoop_drops);  /* copies a snooper had no room for */

#define MSGS_PER_RUN 50
#define RX_CAP (2 * 65536)
#define TX_SOFT (256 * 1024)
#define TX_HARD (1024 * 1024)
#define DEFAULT_MAX_BACKOFF_MS 8000
#define DEFAULT_PROBE_MS 5000
#define MGMT_PROBE_MS 60000
#define MIN_BACKOFF_MS 1000
#define CLOSE_LINGER_MS 1000       /* flush time for a closing connection */
#define OFP_DEFAULT_MISS_SEND_LEN 128
#define OFPCML_NO_BUFFER 0xffff
#define MAX_SNOOPERS 8             /* per controller (OVS's MAXIMUM_MONITORS) */
#define SNOOP_TX_LIMIT (256 * 1024)
#define SNOOP_RX_CAP 65536         /* a hello is at most 65535 bytes */

enum ofconn_type { OFCONN_SERVICE, OFCONN_PRIMARY };

struct ctl;

struct ofconn {
    struct connmgr *mgr;
    enum ofconn_type type;
    struct ctl *ctl;           /* the Controller entry it belongs to, or
                                * NULL (mgmt) */
    char *name;                /* "br0<->tcp:1.2.3.4:6653" */
    int fd;
    bool connecting;           /* active connect in progress */
    uint64_t created_ms;

    uint32_t allowed;          /* hello bitmap we offer */
    uint8_t version;           /* negotiated; 0 before the hello */

    uint8_t *rx;
    size_t rx_len;
    struct ofpbuf tx;
    size_t tx_ofs;             /* bytes of tx already written */

    enum ofp_role role;
    enum ofp_flow_format ff;
    bool table_id;             /* NXT_FLOW_MOD_TABLE_ID */
    enum ofp_packet_in_format pif;
    uint16_t controller_id;
    uint16_t miss_send_len;
    struct ofp_async_config ac;

    int probe_ms;              /* <= 0: none */
    uint64_t last_rx_ms;
    bool probe_sent;

    bool closing;              /* close once tx is flushed */
    uint64_t close_deadline_ms;
    bool dead;                 /* closed: freed at the end of the run */
    uint64_t n_pin_drops;
};

/* A connection accepted on the snoop socket. */
struct snooper {
    struct ctl *ctl;           /* the controller it watches */
    char *name;
    int fd;
    uint8_t *rx;               /* until its hello; then NULL */
    size_t rx_len;
    bool negotiated;
    struct ofpbuf tx;
    size_t tx_ofs;
    bool dead;
    uint64_t n_drops;
};

/* One Controller row. */
struct ctl {
    char *target;
    bool passive;
    int max_backoff_ms;
    int probe_ms;
    bool seen;                 /* in the latest set_controllers */

    /* Active. */
    struct ofconn *conn;
    int backoff_ms;            /* the next wait after a failure */
    uint64_t next_try_ms;
    uint64_t connected_ms;     /* when the current connection negotiated */

    /* Passive. */
    int listen_fd;             /* -1: not listening (retried) */
};

struct connmgr {
    struct ofproto *ofproto;
    char *name;                /* the bridge's */
    char *mgmt_path;
    int mgmt_fd;
    uint32_t versions;
    enum connmgr_fail_mode fail_mode;

    struct ctl **ctls;
    size_t n_ctls;

    struct ofconn **conns;
    size_t n_conns;

    /* Fail-open (standalone with controllers, none connected for a
     * while): the NORMAL flow is put back until one connects. */
    bool fail_open;
    uint64_t last_connected_ms;  /* a primary was last connected then */

    bool have_generation_id;
    uint64_t generation_id;
    uint32_t next_xid;
    uint64_t n_pin_drops;

    char *snoop_path;
    int snoop_fd;
    struct snooper **snoopers;
    size_t n_snoopers;
    uint64_t n_snoop_drops;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/* ---- Connections ---- */

/* Milliseconds from `t` to `now` (0 when `t` is later: connections made
 * during a run are newer than the run's `now`). */
static uint64_t since(uint64_t now, uint64_t t)
{
    return now > t ? now - t : 0;
}


static size_t tx_backlog(const struct ofconn *c)
{
    return c->tx.size - c->tx_ofs;
}

static bool ofconn_usable(const struct ofconn *c)
{
    return !c->dead && !c->closing && !c->connecting && c->version;
}

/* ---- Snoopers ---- */

static size_t snoop_backlog(const struct snooper *s)
{
    return s->tx.size - s->tx_ofs;
}

static void snoop_close(struct snooper *s, const char *why)
{
    if (s->dead) {
        return;
    }
    VLOG_DBG("%s: closing monitor connection: %s", s->name, why);
    s->dead = true;
    close(s->fd);
    s->fd = -1;
}

/* Copies the whole messages in `data` (`len` bytes) that `c` sends or
 * received to the snoopers of its controller that have said hello; a copy
 * with no room left is dropped and counted. */
static void snoop_copy(struct ofconn *c, const uint8_t *data, size_t len)
{
    struct connmgr *mgr = c->mgr;
    if (!mgr->n_snoopers || c->type != OFCONN_PRIMARY || !c->ctl) {
        return;
    }
    for (size_t i = 0; i < mgr->n_snoopers; i++) {
        struct snooper *s = mgr->snoopers[i];
        if (s->dead || !s->negotiated || s->ctl != c->ctl) {
            continue;
        }
        size_t ofs = 0;
        while (len - ofs >= OFP_HEADER_LEN) {
            size_t n = ofp_get_be16(data + ofs + 2);
            if (n < OFP_HEADER_LEN || n > len - ofs) {
                break;          /* not ours to frame: never partial */
            }
            if (snoop_backlog(s) + n > SNOOP_TX_LIMIT) {
                s->n_drops++;
                mgr->n_snoop_drops++;
                COVERAGE_INC(connmgr_snoop_drops);
            } else {
                ofpbuf_put(&s->tx, data + ofs, n);
            }
            ofs += n;
        }
    }
}

/* How much OVS would rather snoop `ctl` (its connection's role). */
static int snoop_preference(const struct ctl *ctl)
{
    const struct ofconn *c = ctl->conn;
    if (!c || c->dead) {
        return 0;
    }
    return c->role == OFPCR_ROLE_MASTER ? 3
           : c->role == OFPCR_ROLE_EQUAL ? 2 : 1;
}

static void snoop_accept(struct connmgr *mgr)
{
    for (int k = 0; k < 16; k++) {
        int fd = pstream_accept(mgr->snoop_fd);
        if (fd < 0) {
            if (fd != -EAGAIN) {
                VLOG_WARN("%s: accept on %s failed (%s)", mgr->name,
                          mgr->snoop_path, strerror(-fd));
            }
            return;
        }
        struct ctl *best = NULL;
        for (size_t i = 0; i < mgr->n_ctls; i++) {
            struct ctl *ctl = mgr->ctls[i];
            if (!ctl->passive
                && (!best || snoop_preference(ctl) > snoop_preference(best))) {
                best = ctl;
            }
        }
        size_t n = 0;
        for (size_t i = 0; best && i < mgr->n_snoopers; i++) {
            n += mgr->snoopers[i]->ctl == best && !mgr->snoopers[i]->dead;
        }
        if (!best) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);
            VLOG_INFO_RL(&rl, "%s: no controller connection to snoop",
                         mgr->name);
            close(fd);
            continue;
        }
        if (n >= MAX_SNOOPERS) {
            VLOG_DBG("%s: too many monitor connections, discarding one",
                     mgr->name);
            close(fd);
            continue;
        }
        struct snooper *s = xcalloc(1, sizeof *s);
        s->ctl = best;
        s->name = xasprintf("%s<->unix:%s", mgr->name, mgr->snoop_path);
        s->fd = fd;
        s->rx = xmalloc(SNOOP_RX_CAP);
        ofp_encode_hello(&s->tx, OFP_SUPPORTED_VERSIONS, mgr->next_xid++);
        mgr->snoopers = xrealloc(mgr->snoopers, (mgr->n_snoopers + 1)
                                                * sizeof *mgr->snoopers);
        mgr->snoopers[mgr->n_snoopers++] = s;
        VLOG_INFO("%s: new monitor connection (snooping %s)", s->name,
                  best->target);
    }
}

/* The snooper's hello (the first message it sends), once whole. */
static void snoop_hello(struct snooper *s)
{
    if (s->rx_len < OFP_HEADER_LEN) {
        return;
    }
    const uint8_t *p = s->rx;
    size_t len = ofp_get_be16(p + 2);
    if (len < OFP_HEADER_LEN || p[1] != 0) {
        snoop_close(s, "received message while expecting hello");
        return;
    }
    if (s->rx_len < len) {
        return;
    }
    struct ofp_msg msg = {
        .version = p[0], .type = OFPTYPE_HELLO, .family = OFPF_STD,
        .xid = ofp_get_be32(p + 4), .data = p, .len = len,
        .body = p + OFP_HEADER_LEN, .body_len = len - OFP_HEADER_LEN,
    };
    if (!ofp_negotiate(OFP_SUPPORTED_VERSIONS, ofp_decode_hello(&msg))) {
        /* The error goes out with what is queued; then it is closed. */
        ofp_encode_error(&s->tx, p[0] <= OFP15_VERSION && p[0] ? p[0]
                                                                : OFP10_VERSION,
                         OFPERR_OFPHFC_INCOMPATIBLE, msg.xid, NULL, 0);
        s->negotiated = false;
        free(s->rx);
        s->rx = NULL;
        return;
    }
    s->negotiated = true;
    free(s->rx);
    s->rx = NULL;
}

static void snoop_run(struct snooper *s)
{
    /* Read: the hello, then anything (thrown away), a bounded amount. */
    for (int i = 0; i < 4 && !s->dead; i++) {
        uint8_t junk[16384];
        uint8_t *dst = s->rx ? s->rx + s->rx_len : junk;
        size_t room = s->rx ? SNOOP_RX_CAP - s->rx_len : sizeof junk;
        if (!room) {
            break;
        }
        ssize_t n = recv(s->fd, dst, room, MSG_DONTWAIT);
        if (n == 0) {
            snoop_close(s, "closed by peer");
        } else if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                snoop_close(s, strerror(errno));
            }
            break;
        } else if (s->rx) {
            s->rx_len += (size_t) n;
            snoop_hello(s);
        }
    }
    while (!s->dead && snoop_backlog(s)) {
        ssize_t n = send(s->fd, s->tx.data + s->tx_ofs, snoop_backlog(s),
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            s->tx_ofs += (size_t) n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                snoop_close(s, n ? strerror(errno) : "closed");
            }
            break;
        }
    }
    if (s->dead) {
        return;
    }
    if (s->tx_ofs == s->tx.size) {
        ofpbuf_clear(&s->tx);
        s->tx_ofs = 0;
        if (!s->negotiated && !s->rx) {
            snoop_close(s, "version negotiation failed");
        }
    } else if (s->tx_ofs > 65536 && s->tx_ofs * 2 > s->tx.size) {
        memmove(s->tx.data, s->tx.data + s->tx_ofs, snoop_backlog(s));
        s->tx.size -= s->tx_ofs;
        s->tx_ofs = 0;
    }
}

static void snoop_sweep(struct connmgr *mgr)
{
    size_t kept = 0;
    for (size_t i = 0; i < mgr->n_snoopers; i++) {
        struct snooper *s = mgr->snoopers[i];
        if (s->dead) {
            free(s->rx);
            ofpbuf_uninit(&s->tx);
            free(s->name);
            free(s);
        } else {
            mgr->snoopers[kept++] = s;
        }
    }
    mgr->n_snoopers = kept;
}

/* Closes the snoopers of `ctl` (it is going away). */
static void snoop_close_ctl(struct connmgr *mgr, const struct ctl *ctl)
{
    for (size_t i = 0; i < mgr->n_snoopers; i++) {
        if (mgr->snoopers[i]->ctl == ctl) {
            snoop_close(mgr->snoopers[i], "controller removed");
            mgr->snoopers[i]->ctl = NULL;
        }
    }
}

static struct ofconn *ofconn_create(struct connmgr *mgr, int fd,
                                    enum ofconn_type type, struct ctl *ctl,
                                    const char *target, bool connecting)
{
    struct ofconn *c = xcalloc(1, sizeof *c);
    c->mgr = mgr;
    c->type = type;
    c->ctl = ctl;
    c->name = xasprintf("%s<->%s", mgr->name, target);
    c->fd = fd;
    c->connecting = connecting;
    c->created_ms = c->last_rx_ms = now_ms();
    c->allowed = mgr->versions;
    c->rx = xmalloc(RX_CAP);
    c->role = OFPCR_ROLE_EQUAL;
    c->ff = OFP_FF_OF10;
    c->pif = OFP_PIF_STANDARD;
    c->miss_send_len = type == OFCONN_PRIMARY ? OFP_DEFAULT_MISS_SEND_LEN : 0;
    ofp_async_config_default(&c->ac);
    c->probe_ms = ctl ? ctl->probe_ms : MGMT_PROBE_MS;
    mgr->conns = xrealloc(mgr->conns, (mgr->n_conns + 1) * sizeof *mgr->conns);
    mgr->conns[mgr->n_conns++] = c;
    return c;
}

static void send_hello(struct ofconn *c)
{
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_hello(&b, c->allowed, c->mgr->next_xid++);
    ofconn_send(c, &b);
    ofpbuf_uninit(&b);
}

/* `c` is up (accepted, or its connect completed). */
static void ofconn_connected(struct ofconn *c)
{
    c->connecting = false;
    c->last_rx_ms = now_ms();
    send_hello(c);
}

/* Closes `c` now (it is freed at the end of the run). */
static void ofconn_close(struct ofconn *c, const char *why)
{
    if (c->dead) {
        return;
    }
    if (why && c->type == OFCONN_PRIMARY) {
        VLOG_INFO("%s: %s", c->name, why);
    } else if (why) {
        VLOG_DBG("%s: %s", c->name, why);
    }
    COVERAGE_INC(connmgr_closed);
    c->dead = true;
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
    }
    if (c->version && c->mgr->ofproto) {
        ofproto_ofp_conn_closed(c->mgr->ofproto, c);
    }
    struct ctl *ctl = c->ctl;
    if (ctl && !ctl->passive && ctl->conn == c) {
        uint64_t now = now_ms();
        ctl->conn = NULL;
        /* A connection that stayed up at least as long as the back-off
         * starts over at 1 s; one that failed quickly doubles it. */
        if (ctl->connected_ms && since(now, ctl->connected_ms) >= (uint64_t)
                                                       ctl->backoff_ms) {
            ctl->backoff_ms = MIN_BACKOFF_MS;
        }
        ctl->next_try_ms = now + (uint64_t) ctl->backoff_ms;
        VLOG_INFO("%s: waiting %d seconds before reconnect", c->name,
                  ctl->backoff_ms / 1000);
        ctl->backoff_ms *= 2;
        if (ctl->backoff_ms > ctl->max_backoff_ms) {
            ctl->backoff_ms = ctl->max_backoff_ms;
        }
        ctl->connected_ms = 0;
    }
}

/* Closes `c` once what is queued (an error, usually) is sent. */
static void ofconn_close_after_flush(struct ofconn *c, const char *why)
{
    if (!c->closing && !c->dead) {
        if (why) {
            VLOG_WARN("%s: %s", c->name, why);
        }
        c->closing = true;
        c->close_deadline_ms = now_ms() + CLOSE_LINGER_MS;
    }
}

static void ofconn_free(struct ofconn *c)
{
    free(c->rx);
    ofpbuf_uninit(&c->tx);
    free(c->name);
    free(c);
}

/* Writes what it can of `c`'s queue. */
static void ofconn_flush(struct ofconn *c)
{
    while (!c->dead && !c->connecting && tx_backlog(c)) {
        ssize_t n = send(c->fd, c->tx.data + c->tx_ofs, tx_backlog(c),
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            c->tx_ofs += (size_t) n;
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        }
        char why[128];
        snprintf(why, sizeof why, "connection dropped (%s)",
                 n < 0 ? strerror(errno) : "closed");
        ofconn_close(c, why);
        return;
    }
    if (c->dead) {
        return;
    }
    if (c->tx_ofs == c->tx.size) {
        ofpbuf_clear(&c->tx);
        c->tx_ofs = 0;
    } else if (c->tx_ofs > 65536 && c->tx_ofs * 2 > c->tx.size) {
        memmove(c->tx.data, c->tx.data + c->tx_ofs, tx_backlog(c));
        c->tx.size -= c->tx_ofs;
        c->tx_ofs = 0;
    }
    if (c->closing && (!tx_backlog(c) || now_ms() >= c->close_deadline_ms)) {
        ofconn_close(c, NULL);
    }
}

void ofconn_send(struct ofconn *c, struct ofpbuf *b)
{
    if (!c->dead && b->size) {
        ofpbuf_put(&c->tx, b->data, b->size);
        if (c->version) {
            snoop_copy(c, b->data, b->size);
        }
    }
    ofpbuf_clear(b);
}

/* The version to send an error in before negotiation. */
static uint8_t error_version(const struct ofconn *c, uint8_t theirs)
{
    if (c->version) {
        return c->version;
    }
    for (int v = theirs < OFP15_VERSION ? theirs : OFP15_VERSION;
         v >= OFP10_VERSION; v--) {
        if (OFP_SUPPORTED_VERSIONS & (1u << v)) {
            return (uint8_t) v;
        }
    }
    return OFP10_VERSION;
}

static void send_error_raw(struct ofconn *c, uint8_t version,
                           enum ofperr error, uint32_t xid, const void *data,
                           size_t len)
{
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_error(&b, version, error, xid, data, len);
    ofconn_send(c, &b);
    ofpbuf_uninit(&b);
    COVERAGE_INC(connmgr_errors_sent);
}

void ofconn_send_error(struct ofconn *c, const struct ofp_msg *req,
                       enum ofperr error)
{
    if (req && req->wire_type == 1) {
        return;                 /* never answer an error with one */
    }
    send_error_raw(c, error_version(c, req ? req->version : 0), error,
                   req ? req->xid : 0, req ? req->data : NULL,
                   req ? req->len : 0);
}

uint8_t ofconn_version(const struct ofconn *c)
{
    return c->version;
}

enum ofp_flow_format ofconn_flow_format(const struct ofconn *c)
{
    return c->ff;
}

bool ofconn_table_id_enabled(const struct ofconn *c)
{
    return c->table_id;
}

enum ofp_role ofconn_role(const struct ofconn *c)
{
    return c->role;
}

uint16_t ofconn_miss_send_len(const struct ofconn *c)
{
    return c->miss_send_len;
}

/* ---- Messages ---- */

static void handle_hello(struct ofconn *c, const uint8_t *data, size_t len)
{
    struct ofp_msg msg = {
        .version = data[0], .type = OFPTYPE_HELLO, .family = OFPF_STD,
        .wire_type = 0, .xid = ofp_get_be32(data + 4), .data = data,
        .len = len, .body = data + OFP_HEADER_LEN,
        .body_len = len - OFP_HEADER_LEN,
    };
    uint32_t theirs = ofp_decode_hello(&msg);
    uint8_t v = ofp_negotiate(c->allowed, theirs);
    if (!v) {
        char why[160];
        snprintf(why, sizeof why, "version negotiation failed (we support "
                 "version bitmap 0x%"PRIx32", peer supports 0x%"PRIx32")",
                 c->allowed, theirs);
        send_error_raw(c, error_version(c, data[0]), OFPERR_OFPHFC_INCOMPATIBLE,
                       msg.xid, data, len);
        ofconn_close_after_flush(c, why);
        return;
    }
    c->version = v;
    VLOG_DBG("%s: negotiated OpenFlow version 0x%02x (we support version "
              "bitmap 0x%"PRIx32", peer supports 0x%"PRIx32")", c->name, v,
              c->allowed, theirs);
    if (c->ctl && !c->ctl->passive) {
        c->ctl->connected_ms = now_ms();
    }
}

static bool is_modifying(enum ofptype t)
{
    switch (t) {
    case OFPTYPE_FLOW_MOD:
    case OFPTYPE_PACKET_OUT:
    case OFPTYPE_PORT_MOD:
    case OFPTYPE_GROUP_MOD:
    case OFPTYPE_METER_MOD:
    case OFPTYPE_TABLE_MOD:
    case OFPTYPE_BUNDLE_CONTROL:
    case OFPTYPE_BUNDLE_ADD_MESSAGE:
    case OFPTYPE_NXT_TLV_TABLE_MOD:
        return true;
    default:
        return false;
    }
}

static bool is_multipart_request(enum ofptype t)
{
    const char *name = ofptype_name(t);
    size_t n = strlen(name), k = strlen("STATS_REQUEST");
    return (n > k && !strcmp(name + n - k, "STATS_REQUEST"))
           || t == OFPTYPE_TABLE_DESC_REQUEST;
}

/* Tells `c` its role changed for `reason`.  As OVS 3.1: OF1.3 gets the
 * ONF form, 1.4+ the standard one, earlier versions nothing, and the
 * async config is not consulted (OVS keeps the role_status masks but does
 * not apply them). */
static void check_hard_bound(struct ofconn *c);

static void send_role_status(struct ofconn *c, uint8_t reason)
{
    if (c->dead || !c->version) {
        return;
    }
    struct connmgr *mgr = c->mgr;
    struct ofp_role_status rs = {
        .role = c->role,
        .reason = reason,
        .generation_id = mgr->have_generation_id ? mgr->generation_id
                                                 : UINT64_MAX,
    };
    struct ofpbuf b = OFPBUF_INIT;
    if (ofp_encode_role_status(&b, c->version, &rs)) {
        ofconn_send(c, &b);
        check_hard_bound(c);
    }
    ofpbuf_uninit(&b);
}

static int handle_role_request(struct ofconn *c, const struct ofp_msg *msg)
{
    struct ofp_role_request rr;
    int error = ofp_decode_role_request(msg, &rr);
    if (error) {
        return error;
    }
    struct connmgr *mgr = c->mgr;
    if (rr.role != OFPCR_ROLE_NOCHANGE) {
        if (rr.role != OFPCR_ROLE_EQUAL && rr.have_generation_id) {
            if (mgr->have_generation_id
                && (int64_t) (rr.generation_id - mgr->generation_id) < 0) {
                return -OFPERR_OFPRRFC_STALE;
            }
            mgr->generation_id = rr.generation_id;
            mgr->have_generation_id = true;
        }
        if (rr.role == OFPCR_ROLE_MASTER && c->role != OFPCR_ROLE_MASTER) {
            for (size_t i = 0; i < mgr->n_conns; i++) {
                struct ofconn *o = mgr->conns[i];
                if (o != c && o->role == OFPCR_ROLE_MASTER) {
                    o->role = OFPCR_ROLE_SLAVE;
                    send_role_status(o, OFPCRR_MASTER_REQUEST);
                }
            }
        }
        c->role = rr.role;
    }
    struct ofp_role_request reply = {
        .role = c->role,
        .have_generation_id = mgr->have_generation_id,
        .generation_id = mgr->have_generation_id ? mgr->generation_id
                                                 : UINT64_MAX,
    };
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_role_reply(&b, msg, &reply);
    ofconn_send(c, &b);
    ofpbuf_uninit(&b);
    return 0;
}

static void send_reply_simple(struct ofconn *c, const struct ofp_msg *req,
                              enum ofptype type)
{
    struct ofpbuf b = OFPBUF_INIT;
    size_t start = ofp_msg_start_reply(&b, req, type);
    ofp_msg_finish(&b, start);
    ofconn_send(c, &b);
    ofpbuf_uninit(&b);
}

/* Handles one framed message of the negotiated version; returns 0 or
 * -OFPERR_... for the error reply. */
static int handle_msg(struct ofconn *c, const struct ofp_msg *msg)
{
    uint32_t value;
    int error;

    switch (msg->type) {
    case OFPTYPE_HELLO:
        return -OFPERR_OFPBRC_BAD_TYPE;     /* a second hello (OVS) */
    case OFPTYPE_ECHO_REQUEST: {
        struct ofpbuf b = OFPBUF_INIT;
        ofp_encode_echo(&b, c->version, true, msg->xid, msg->body,
                        msg->body_len);
        ofconn_send(c, &b);
        ofpbuf_uninit(&b);
        return 0;
    }
    case OFPTYPE_ECHO_REPLY:
        return 0;
    case OFPTYPE_ERROR: {
        struct ofp_error_msg e;
        if (!ofp_decode_error(msg, &e)) {
            VLOG_INFO("%s: received error %s (type %u, code %u)", c->name,
                      ofperr_name(e.error), e.type, e.code);
        } else {
            VLOG_INFO("%s: received a malformed error message", c->name);
        }
        return 0;
    }
    case OFPTYPE_NXT_SET_FLOW_FORMAT:
        error = ofp_decode_nx_u32(msg, &value);
        if (error) {
            return error;
        }
        if (value != OFP_FF_OF10 && value != OFP_FF_NXM) {
            return -OFPERR_OFPBRC_EPERM;
        }
        c->ff = (enum ofp_flow_format) value;
        return 0;
    case OFPTYPE_NXT_SET_PACKET_IN_FORMAT:
        error = ofp_decode_nx_u32(msg, &value);
        if (error) {
            return error;
        }
        if (value > OFP_PIF_NXT2) {
            return -OFPERR_OFPBRC_EPERM;
        }
        c->pif = (enum ofp_packet_in_format) value;
        return 0;
    case OFPTYPE_NXT_FLOW_MOD_TABLE_ID:
        error = ofp_decode_nx_u32(msg, &value);
        if (error) {
            return error;
        }
        c->table_id = value != 0;
        return 0;
    case OFPTYPE_NXT_SET_CONTROLLER_ID:
        error = ofp_decode_nx_u32(msg, &value);
        if (error) {
            return error;
        }
        c->controller_id = (uint16_t) value;
        return 0;
    case OFPTYPE_ROLE_REQUEST:
        return handle_role_request(c, msg);
    case OFPTYPE_GET_ASYNC_REQUEST: {
        struct ofpbuf b = OFPBUF_INIT;
        ofp_encode_get_async_reply(&b, msg, &c->ac);
        ofconn_send(c, &b);
        ofpbuf_uninit(&b);
        return 0;
    }
    case OFPTYPE_SET_ASYNC_CONFIG: {
        struct ofp_async_config ac = c->ac;
        error = ofp_decode_set_async(msg, &ac);
        if (error) {
            return error;
        }
        c->ac = ac;
        return 0;
    }
    case OFPTYPE_BARRIER_REQUEST:
        /* Everything before it is done: handling is sequential. */
        send_reply_simple(c, msg, OFPTYPE_BARRIER_REPLY);
        return 0;
    case OFPTYPE_SET_CONFIG: {
        struct ofp_switch_config sc;
        error = ofp_decode_switch_config(msg, &sc);
        if (error) {
            return error;
        }
        c->miss_send_len = sc.miss_send_len;
        break;                  /* the bridge's part: ofproto_ofp */
    }
    default:
        if (msg->mp_flags & OFPMPF_MORE && is_multipart_request(msg->type)) {
            /* Requests spread over several messages are not assembled;
             * OVS answers so too. */
            return -OFPERR_OFPBRC_MULTIPART_REQUEST_TIMEOUT;
        }
        if (is_modifying(msg->type) && c->role == OFPCR_ROLE_SLAVE) {
            return -OFPERR_OFPBRC_IS_SLAVE;
        }
        break;
    }
    if (!c->mgr->ofproto) {
        return -OFPERR_OFPBRC_BAD_TYPE;
    }
    return ofproto_ofp_handle(c->mgr->ofproto, c, msg);
}

/* Handles one whole message (`len` bytes at `data`, len >= 8). */
static void ofconn_process(struct ofconn *c, const uint8_t *data, size_t len)
{
    COVERAGE_INC(connmgr_rx_msgs);
    uint8_t version = data[0], type = data[1];
    uint32_t xid = ofp_get_be32(data + 4);

    if (!c->version) {
        if (type == 0) {
            handle_hello(c, data, len);
        } else {
            send_error_raw(c, error_version(c, version),
                           OFPERR_OFPBRC_BAD_VERSION, xid, data, len);
            ofconn_close_after_flush(c, "received message while expecting "
                                     "hello");
        }
        return;
    }
    if (version == c->version || type <= 3) {
        snoop_copy(c, data, len);
    }
    if (version != c->version) {
        /* As OVS: hello, error and echo may come in any version (an echo
         * request is answered in its own); anything else gets
         * BAD_VERSION in the message's version when we speak it. */
        if (type == 2) {
            struct ofpbuf b = OFPBUF_INIT;
            ofpbuf_put(&b, data, len);
            b.data[1] = 3;                  /* OFPT_ECHO_REPLY */
            ofconn_send(c, &b);
            ofpbuf_uninit(&b);
        } else if (type != 1 && type != 3) {
            uint8_t ev = version <= OFP15_VERSION
                         && (OFP_SUPPORTED_VERSIONS & (1u << version))
                         ? version : c->version;
            send_error_raw(c, ev, OFPERR_OFPBRC_BAD_VERSION, xid, data, len);
        }
        return;
    }
    struct ofp_msg msg;
    int error = ofp_msg_decode(data, len, &msg);
    if (!error) {
        error = handle_msg(c, &msg);
    } else {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(60, 10);
        VLOG_WARN_RL(&rl, "%s: could not decode message type %u (%s)",
                     c->name, type, ofperr_name((enum ofperr) -error));
        memset(&msg, 0, sizeof msg);
        msg.version = version;
        msg.wire_type = type;
        msg.xid = xid;
        msg.data = data;
        msg.len = len;
    }
    if (error < 0 && !c->dead) {
        ofconn_send_error(c, &msg, (enum ofperr) -error);
    }
}

/* Reads what arrived on `c` and handles up to MSGS_PER_RUN messages. */
static void ofconn_receive(struct ofconn *c)
{
    if (c->dead || c->closing || c->connecting) {
        return;
    }
    if (tx_backlog(c) < TX_SOFT && c->rx_len < RX_CAP) {
        ssize_t n = recv(c->fd, c->rx + c->rx_len, RX_CAP - c->rx_len,
                         MSG_DONTWAIT);
        if (n > 0) {
            c->rx_len += (size_t) n;
            c->last_rx_ms = now_ms();
            c->probe_sent = false;
        } else if (n == 0) {
            ofconn_close(c, c->version ? "connection closed by peer"
                                       : "connection closed by peer before "
                                         "hello");
            return;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            char why[128];
            snprintf(why, sizeof why, "connection dropped (%s)",
                     strerror(errno));
            ofconn_close(c, why);
            return;
        }
    }
    size_t ofs = 0;
    for (int i = 0; i < MSGS_PER_RUN; i++) {
        if (c->dead || c->closing || tx_backlog(c) >= TX_SOFT) {
            break;
        }
        size_t left = c->rx_len - ofs;
        if (left < OFP_HEADER_LEN) {
            break;
        }
        const uint8_t *p = c->rx + ofs;
        size_t len = ofp_get_be16(p + 2);
        if (len < OFP_HEADER_LEN) {
            /* No framing left to trust: closed at once, as OVS does. */
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(60, 10);
            VLOG_WARN_RL(&rl, "%s: received too-short ofp_header (%zu "
                         "bytes), disconnecting", c->name, len);
            ofconn_close(c, NULL);
            return;
        }
        if (left < len) {
            break;
        }
        ofconn_process(c, p, len);
        ofs += len;
    }
    if (c->dead) {
        return;
    }
    if (c->closing) {
        c->rx_len = 0;
    } else if (ofs) {
        memmove(c->rx, c->rx + ofs, c->rx_len - ofs);
        c->rx_len -= ofs;
    }
}

/* True when `c` has a whole message buffered (it wants to run again at
 * once). */
static bool ofconn_has_work(const struct ofconn *c)
{
    if (c->dead || c->closing || c->connecting || tx_backlog(c) >= TX_SOFT
        || c->rx_len < OFP_HEADER_LEN) {
        return false;
    }
    size_t len = ofp_get_be16(c->rx + 2);
    return len < OFP_HEADER_LEN || len <= c->rx_len;
}

static void ofconn_timers(struct ofconn *c, uint64_t now)
{
    if (c->dead || c->closing) {
        return;
    }
    if (c->connecting) {
        int limit = c->ctl && c->ctl->backoff_ms > MIN_BACKOFF_MS
                    ? c->ctl->backoff_ms : MIN_BACKOFF_MS;
        if (since(now, c->created_ms) >= (uint64_t) limit) {
            ofconn_close(c, "connection timed out");
        }
        return;
    }
    if (c->probe_ms <= 0) {
        return;
    }
    if (!c->version) {
        if (since(now, c->created_ms) >= (uint64_t) c->probe_ms * 2) {
            ofconn_close(c, "no hello received, disconnecting");
        }
        return;
    }
    if (!c->probe_sent
        && since(now, c->last_rx_ms) >= (uint64_t) c->probe_ms) {
        struct ofpbuf b = OFPBUF_INIT;
        ofp_encode_echo(&b, c->version, false, c->mgr->next_xid++, NULL, 0);
        ofconn_send(c, &b);
        ofpbuf_uninit(&b);
        c->probe_sent = true;
        VLOG_DBG("%s: idle %d seconds, sending inactivity probe", c->name,
                 c->probe_ms / 1000);
    } else if (c->probe_sent
               && since(now, c->last_rx_ms) >= (uint64_t) c->probe_ms * 2) {
        char why[128];
        snprintf(why, sizeof why, "no response to inactivity probe after %d "
                 "seconds, disconnecting", c->probe_ms / 1000);
        ofconn_close(c, why);
    }
}

/* When `c`'s next timer fires. */
static uint64_t ofconn_next_timer(const struct ofconn *c)
{
    if (c->dead) {
        return UINT64_MAX;
    }
    if (c->closing) {
        return c->close_deadline_ms;
    }
    if (c->connecting) {
        int limit = c->ctl && c->ctl->backoff_ms > MIN_BACKOFF_MS
                    ? c->ctl->backoff_ms : MIN_BACKOFF_MS;
        return c->created_ms + (uint64_t) limit;
    }
    if (c->probe_ms <= 0) {
        return UINT64_MAX;
    }
    if (!c->version) {
        return c->created_ms + (uint64_t) c->probe_ms * 2;
    }
    return c->last_rx_ms + (uint64_t) c->probe_ms * (c->probe_sent ? 2 : 1);
}

/* ---- Controllers and listeners ---- */

static void ctl_try_connect(struct connmgr *mgr, struct ctl *ctl)
{
    char err[256] = "";
    int fd = stream_open(ctl->target, err, sizeof err);
    if (fd < 0) {
        VLOG_INFO("%s<->%s: %s", mgr->name, ctl->target, err);
        uint64_t now = now_ms();
        ctl->next_try_ms = now + (uint64_t) ctl->backoff_ms;
        ctl->backoff_ms = ctl->backoff_ms * 2 > ctl->max_backoff_ms
                          ? ctl->max_backoff_ms : ctl->backoff_ms * 2;
        return;
    }
    VLOG_INFO("%s<->%s: connecting...", mgr->name, ctl->target);
    ctl->conn = ofconn_create(mgr, fd, OFCONN_PRIMARY, ctl, ctl->target,
                              true);
}

static void ctl_listen(struct connmgr *mgr, struct ctl *ctl)
{
    char err[256] = "";
    int fd = pstream_open(ctl->target, 0600, err, sizeof err);
    if (fd < 0) {
        VLOG_ERR("%s: %s", mgr->name, err);
        ctl->next_try_ms = now_ms() + (uint64_t) ctl->max_backoff_ms;
        return;
    }
    ctl->listen_fd = fd;
    VLOG_INFO("%s: listening on %s", mgr->name, ctl->target);
}

static void ctl_destroy(struct connmgr *mgr, struct ctl *ctl)
{
    for (size_t i = 0; i < mgr->n_conns; i++) {
        struct ofconn *c = mgr->conns[i];
        if (c->ctl == ctl) {
            ofconn_close(c, "controller removed");
            c->ctl = NULL;
        }
    }
    snoop_close_ctl(mgr, ctl);
    if (ctl->listen_fd >= 0) {
        close(ctl->listen_fd);
        if (!strncmp(ctl->target, "punix:", 6)) {
            unlink(ctl->target + 6);
        }
    }
    free(ctl->target);
    free(ctl);
}

static void accept_all(struct connmgr *mgr, int lfd, struct ctl *ctl,
                       const char *target)
{
    if (!pstream_pending(lfd)) {
        return;
    }
    for (int i = 0; i < 16; i++) {
        int fd = pstream_accept(lfd);
        if (fd < 0) {
            if (fd != -EAGAIN) {
                VLOG_WARN("%s: accept on %s failed (%s)", mgr->name, target,
                          strerror(-fd));
            }
            return;
        }
        COVERAGE_INC(connmgr_accepted);
        struct ofconn *c = ofconn_create(mgr, fd, OFCONN_SERVICE, ctl,
                                         target, false);
        ofconn_connected(c);
    }
}

static size_t n_active_ctls(const struct connmgr *mgr)
{
    size_t n = 0;
    for (size_t i = 0; i < mgr->n_ctls; i++) {
        n += !mgr->ctls[i]->passive;
    }
    return n;
}

/* As OVS's connmgr_flushed: every flow goes, and with no controller in
 * standalone mode the priority-0 NORMAL flow comes back. */
static void flush_flows(struct connmgr *mgr)
{
    if (!mgr->ofproto) {
        return;
    }
    ofproto_flow_del(mgr->ofproto, NULL, false);
    if (!n_active_ctls(mgr) && mgr->fail_mode == CONNMGR_FAIL_STANDALONE) {
        char err[128];
        if (ofproto_add_flow_str(mgr->ofproto, "priority=0,actions=NORMAL",
                                 err, sizeof err)) {
            VLOG_ERR("%s: could not add the NORMAL flow (%s)", mgr->name,
                     err);
        }
    }
}

/* OVS's fail-open: in standalone mode, when no controller has been
 * connected for three times the longest probe interval, every flow goes
 * and the bridge switches NORMAL ahead of its (empty) table, as OVS's
 * hidden fail-open rule does: dump-flows shows nothing, and flows added
 * meanwhile wait under it.  When a controller connects again, the table
 * rules again. */
static int fail_open_trigger_ms(const struct connmgr *mgr)
{
    int max_probe = 0;
    for (size_t i = 0; i < mgr->n_ctls; i++) {
        if (!mgr->ctls[i]->passive && mgr->ctls[i]->probe_ms > max_probe) {
            max_probe = mgr->ctls[i]->probe_ms;
        }
    }
    return (max_probe ? max_probe : DEFAULT_PROBE_MS) * 3;
}

static void set_fail_open(struct connmgr *mgr, bool on)
{
    mgr->fail_open = on;
    if (mgr->ofproto) {
        ofproto_set_fail_open(mgr->ofproto, on);
    }
}

static void fail_open_run(struct connmgr *mgr, uint64_t now)
{
    if (!n_active_ctls(mgr) || mgr->fail_mode != CONNMGR_FAIL_STANDALONE) {
        set_fail_open(mgr, false);
        return;
    }
    bool connected = connmgr_controller_connected(mgr);
    if (connected) {
        mgr->last_connected_ms = now;
        if (mgr->fail_open) {
            VLOG_WARN("%s: no longer in fail-open mode", mgr->name);
        }
        set_fail_open(mgr, false);
    } else if (!mgr->fail_open
               && since(now, mgr->last_connected_ms)
                  >= (uint64_t) fail_open_trigger_ms(mgr)) {
        VLOG_WARN("%s: could not connect to controller for %d seconds, "
                  "failing open", mgr->name,
                  (int) (since(now, mgr->last_connected_ms) / 1000));
        if (mgr->ofproto) {
            ofproto_flow_del(mgr->ofproto, NULL, false);
        }
        set_fail_open(mgr, true);
    }
}

/* ---- Public ---- */

/* BRIDGE.snoop next to BRIDGE.mgmt (OVS's "punix:RUNDIR/BRIDGE.snoop").
 * Not fatal: the bridge works without it. */
static void snoop_listen(struct connmgr *mgr)
{
    size_t n = strlen(mgr->mgmt_path);
    if (n < 5 || strcmp(mgr->mgmt_path + n - 5, ".mgmt")) {
        return;
    }
    char *path = xasprintf("%.*s.snoop", (int) (n - 5), mgr->mgmt_path);
    char *target = xasprintf("punix:%s", path);
    char err[256] = "";
    int fd = pstream_open(target, 0600, err, sizeof err);
    free(target);
    if (fd < 0) {
        VLOG_ERR("%s: failed to listen on %s (%s)", mgr->name, path, err);
        free(path);
        return;
    }
    mgr->snoop_fd = fd;
    mgr->snoop_path = path;
}

struct connmgr *connmgr_create(struct ofproto *ofproto,
                               const char *mgmt_path, char *err,
                               size_t errlen)
{
    struct connmgr *mgr = xcalloc(1, sizeof *mgr);
    mgr->ofproto = ofproto;
    mgr->name = xstrdup(ofproto ? ofproto_name(ofproto) : "bridge");
    mgr->versions = OFP_SUPPORTED_VERSIONS;
    mgr->fail_mode = CONNMGR_FAIL_STANDALONE;
    mgr->mgmt_fd = -1;
    mgr->snoop_fd = -1;
    mgr->next_xid = 1;
    if (mgmt_path) {
        char *target = xasprintf("punix:%s", mgmt_path);
        int fd = pstream_open(target, 0600, err, errlen);
        free(target);
        if (fd < 0) {
            free(mgr->name);
            free(mgr);
            return NULL;
        }
        mgr->mgmt_fd = fd;
        mgr->mgmt_path = xstrdup(mgmt_path);
        snoop_listen(mgr);
    }
    if (ofproto) {
        ofproto->connmgr = mgr;
    }
    return mgr;
}

static void sweep_dead(struct connmgr *mgr)
{
    size_t kept = 0;
    for (size_t i = 0; i < mgr->n_conns; i++) {
        struct ofconn *c = mgr->conns[i];
        if (c->dead) {
            ofconn_free(c);
        } else {
            mgr->conns[kept++] = c;
        }
    }
    mgr->n_conns = kept;
}

void connmgr_destroy(struct connmgr *mgr)
{
    if (!mgr) {
        return;
    }
    for (size_t i = 0; i < mgr->n_conns; i++) {
        ofconn_close(mgr->conns[i], NULL);
    }
    for (size_t i = 0; i < mgr->n_ctls; i++) {
        ctl_destroy(mgr, mgr->ctls[i]);
    }
    sweep_dead(mgr);
    for (size_t i = 0; i < mgr->n_snoopers; i++) {
        snoop_close(mgr->snoopers[i], "bridge destroyed");
    }
    snoop_sweep(mgr);
    free(mgr->snoopers);
    if (mgr->snoop_fd >= 0) {
        close(mgr->snoop_fd);
        unlink(mgr->snoop_path);
    }
    free(mgr->snoop_path);
    free(mgr->conns);
    free(mgr->ctls);
    if (mgr->mgmt_fd >= 0) {
        close(mgr->mgmt_fd);
        unlink(mgr->mgmt_path);
    }
    if (mgr->ofproto && mgr->ofproto->connmgr == mgr) {
        mgr->ofproto->connmgr = NULL;
    }
    free(mgr->mgmt_path);
    free(mgr->name);
    free(mgr);
}

void connmgr_set_controllers(struct connmgr *mgr,
                             const struct connmgr_controller *ctls, size_t n,
                             uint32_t versions,
                             enum connmgr_fail_mode fail_mode)
{
    bool had = n_active_ctls(mgr) > 0;
    versions &= OFP_SUPPORTED_VERSIONS;
    if (!versions) {
        versions = OFP_SUPPORTED_VERSIONS;
    }
    if (versions != mgr->versions) {
        mgr->versions = versions;
        for (size_t i = 0; i < mgr->n_conns; i++) {
            struct ofconn *c = mgr->conns[i];
            if (c->version && !(versions & (1u << c->version))) {
                ofconn_close(c, "version no longer allowed");
            }
        }
    }

    for (size_t i = 0; i < mgr->n_ctls; i++) {
        mgr->ctls[i]->seen = false;
    }
    for (size_t k = 0; k < n; k++) {
        const struct connmgr_controller *cc = &ctls[k];
        char err[256] = "";
        if (!cc->target || stream_verify_target(cc->target, err, sizeof err)) {
            VLOG_ERR("%s: bad controller target: %s", mgr->name, err);
            continue;
        }
        struct ctl *ctl = NULL;
        for (size_t i = 0; i < mgr->n_ctls; i++) {
            if (!strcmp(mgr->ctls[i]->target, cc->target)) {
                ctl = mgr->ctls[i];
            }
        }
        if (ctl && ctl->seen) {
            VLOG_WARN("%s: duplicate controller \"%s\"", mgr->name,
                      cc->target);
            continue;
        }
        if (!ctl) {
            ctl = xcalloc(1, sizeof *ctl);
            ctl->target = xstrdup(cc->target);
            ctl->passive = stream_target_is_passive(cc->target);
            ctl->listen_fd = -1;
            ctl->backoff_ms = MIN_BACKOFF_MS;
            ctl->next_try_ms = 0;       /* at once */
            mgr->ctls = xrealloc(mgr->ctls,
                                 (mgr->n_ctls + 1) * sizeof *mgr->ctls);
            mgr->ctls[mgr->n_ctls++] = ctl;
            VLOG_INFO("%s: added %s controller \"%s\"", mgr->name,
                      ctl->passive ? "service" : "primary", ctl->target);
        }
        ctl->seen = true;
        ctl->max_backoff_ms = cc->max_backoff_ms > 0 ? cc->max_backoff_ms
                                                     : DEFAULT_MAX_BACKOFF_MS;
        if (ctl->max_backoff_ms < MIN_BACKOFF_MS) {
            ctl->max_backoff_ms = MIN_BACKOFF_MS;
        }
        if (ctl->backoff_ms > ctl->max_backoff_ms) {
            ctl->backoff_ms = ctl->max_backoff_ms;
        }
        ctl->probe_ms = cc->probe_interval_ms == 0 ? DEFAULT_PROBE_MS
                        : cc->probe_interval_ms < 0 ? 0
                        : cc->probe_interval_ms < 1000 ? 1000
                        : cc->probe_interval_ms;
        for (size_t i = 0; i < mgr->n_conns; i++) {
            if (mgr->conns[i]->ctl == ctl) {
                mgr->conns[i]->probe_ms = ctl->probe_ms;
            }
        }
    }
    size_t kept = 0;
    for (size_t i = 0; i < mgr->n_ctls; i++) {
        struct ctl *ctl = mgr->ctls[i];
        if (ctl->seen) {
            mgr->ctls[kept++] = ctl;
        } else {
            VLOG_INFO("%s: removed %s controller \"%s\"", mgr->name,
                      ctl->passive ? "service" : "primary", ctl->target);
            ctl_destroy(mgr, ctl);
        }
    }
    mgr->n_ctls = kept;
    for (size_t i = 0; i < mgr->n_ctls; i++) {
        struct ctl *ctl = mgr->ctls[i];
        if (ctl->passive && ctl->listen_fd < 0 && !ctl->next_try_ms) {
            ctl_listen(mgr, ctl);
        }
    }

    bool has = n_active_ctls(mgr) > 0;
    bool mode_changed = fail_mode != mgr->fail_mode;
    mgr->fail_mode = fail_mode;
    if (had != has || (mode_changed && !has)) {
        flush_flows(mgr);
        set_fail_open(mgr, false);
    }
    if (!had && has) {
        mgr->last_connected_ms = now_ms();
    }
}

bool connmgr_controller_connected(const struct connmgr *mgr)
{
    for (size_t i = 0; i < mgr->n_conns; i++) {
        const struct ofconn *c = mgr->conns[i];
        if (c->type == OFCONN_PRIMARY && ofconn_usable(c)) {
            return true;
        }
    }
    return false;
}

bool connmgr_target_connected(const struct connmgr *mgr, const char *target)
{
    for (size_t i = 0; i < mgr->n_conns; i++) {
        const struct ofconn *c = mgr->conns[i];
        if (c->ctl && !strcmp(c->ctl->target, target) && ofconn_usable(c)) {
            return true;
        }
    }
    return false;
}

enum connmgr_fail_mode connmgr_fail_mode(const struct connmgr *mgr)
{
    return mgr->fail_mode;
}

bool connmgr_wants_packet_in_on_miss(const struct connmgr *mgr)
{
    for (size_t i = 0; i < mgr->n_conns; i++) {
        const struct ofconn *c = mgr->conns[i];
        if (ofconn_usable(c) && c->version < OFP13_VERSION
            && (c->type == OFCONN_PRIMARY || c->miss_send_len)) {
            return true;
        }
    }
    return false;
}

int connmgr_pollfds(struct connmgr *mgr, struct pollfd *fds, int max,
                    int *timeout_ms)
{
    int n = 0;
    uint64_t now = now_ms();
    uint64_t next = UINT64_MAX;

    if (mgr->mgmt_fd >= 0 && n < max) {
        fds[n++] = (struct pollfd) { .fd = mgr->mgmt_fd, .events = POLLIN };
    }
    if (mgr->snoop_fd >= 0 && n < max) {
        fds[n++] = (struct pollfd) { .fd = mgr->snoop_fd, .events = POLLIN };
    }
    for (size_t i = 0; i < mgr->n_snoopers; i++) {
        struct snooper *s = mgr->snoopers[i];
        if (!s->dead && n < max) {
            fds[n++] = (struct pollfd) {
                .fd = s->fd,
                .events = POLLIN | (snoop_backlog(s) ? POLLOUT : 0),
            };
        }
    }
    for (size_t i = 0; i < mgr->n_ctls; i++) {
        struct ctl *ctl = mgr->ctls[i];
        if (ctl->passive && ctl->listen_fd >= 0) {
            if (n < max) {
                fds[n++] = (struct pollfd) { .fd = ctl->listen_fd,
                                             .events = POLLIN };
            }
        } else if (ctl->passive || !ctl->conn) {
            if (ctl->next_try_ms < next) {
                next = ctl->next_try_ms;
            }
        }
    }
    for (size_t i = 0; i < mgr->n_conns; i++) {
        struct ofconn *c = mgr->conns[i];
        if (c->dead) {
            continue;
        }
        short events = 0;
        if (c->connecting || tx_backlog(c)) {
            events |= POLLOUT;
        }
        if (!c->connecting && !c->closing && tx_backlog(c) < TX_SOFT
            && c->rx_len < RX_CAP) {
            events |= POLLIN;
        }
        if (events && n < max) {
            fds[n++] = (struct pollfd) { .fd = c->fd, .events = events };
        }
        if (ofconn_has_work(c)) {
            next = 0;
        }
        uint64_t t = ofconn_next_timer(c);
        if (t < next) {
            next = t;
        }
    }
    if (next != UINT64_MAX) {
        int wait = next > now ? (int) (next - now > 1000000 ? 1000000
                                                            : next - now)
                              : 0;
        if (wait < *timeout_ms) {
            *timeout_ms = wait;
        }
    }
    return n;
}

void connmgr_run(struct connmgr *mgr)
{
    uint64_t now = now_ms();

    if (mgr->mgmt_fd >= 0 && pstream_pending(mgr->mgmt_fd)) {
        char *target = xasprintf("unix:%s", mgr->mgmt_path);
        accept_all(mgr, mgr->mgmt_fd, NULL, target);
        free(target);
    }
    for (size_t i = 0; i < mgr->n_ctls; i++) {
        struct ctl *ctl = mgr->ctls[i];
        if (ctl->passive) {
            if (ctl->listen_fd >= 0) {
                accept_all(mgr, ctl->listen_fd, ctl, ctl->target);
            } else if (now >= ctl->next_try_ms) {
                ctl_listen(mgr, ctl);
            }
        } else if (!ctl->conn && now >= ctl->next_try_ms) {
            ctl_try_connect(mgr, ctl);
        }
    }

    /* Connections accepted or made above are in the array too. */
    size_t n = mgr->n_conns;
    for (size_t i = 0; i < n; i++) {
        struct ofconn *c = mgr->conns[i];
        if (c->dead) {
            continue;
        }
        if (c->connecting) {
            int r = stream_connect_done(c->fd);
            if (r == 0) {
                COVERAGE_INC(connmgr_connected);
                VLOG_INFO("%s: connected", c->name);
                ofconn_connected(c);
            } else if (r != -EAGAIN) {
                char why[160];
                snprintf(why, sizeof why, "connection failed (%s)",
                         strerror(-r));
                ofconn_close(c, why);
                continue;
            }
        }
        ofconn_receive(c);
        ofconn_timers(c, now);
        ofconn_flush(c);
    }
    fail_open_run(mgr, now);

    /* Replies to earlier connections may have been queued by later ones'
     * messages (role changes, flow_removed): flush everything once more. */
    for (size_t i = 0; i < mgr->n_conns; i++) {
        if (tx_backlog(mgr->conns[i])) {
            ofconn_flush(mgr->conns[i]);
        }
    }
    sweep_dead(mgr);

    if (mgr->snoop_fd >= 0 && pstream_pending(mgr->snoop_fd)) {
        snoop_accept(mgr);
    }
    for (size_t i = 0; i < mgr->n_snoopers; i++) {
        snoop_run(mgr->snoopers[i]);
    }
    snoop_sweep(mgr);
}

/* ---- Asynchronous messages ---- */

/* Whether `c` wants an async message of `kind` (0 packet_in, 1
 * port_status, 2 flow_removed) for `reason`. */
static bool wants_async(const struct ofconn *c, int kind, unsigned reason)
{
    if (!ofconn_usable(c)) {
        return false;
    }
    if (c->type == OFCONN_SERVICE && !c->miss_send_len) {
        return false;
    }
    if (reason >= 32) {
        return false;
    }
    int slave = c->role == OFPCR_ROLE_SLAVE;
    uint32_t mask = kind == 0 ? c->ac.packet_in[slave]
                    : kind == 1 ? c->ac.port_status[slave]
                    : c->ac.flow_removed[slave];
    return (mask >> reason) & 1;
}

/* After queuing an async message that cannot be dropped. */
static void check_hard_bound(struct ofconn *c)
{
    if (tx_backlog(c) > TX_HARD && !c->closing) {
        /* Closed by the next run, not here: the caller may be in the
         * middle of handling this connection's own message. */
        ofconn_close_after_flush(c, "output backlog too long (peer not "
                                 "reading), disconnecting");
        c->close_deadline_ms = 0;
    }
}

void connmgr_send_packet_in(struct connmgr *mgr,
                            const struct ofp_packet_in *pin,
                            uint16_t controller_id)
{
    bool sent = false;
    /* A NO_MATCH without a cookie is an implicit table miss (no rule
     * matched): only OpenFlow 1.0 connections get those, as in OVS (1.3+
     * need a table-miss flow).  A NO_MATCH with a cookie came from a
     * table-miss flow's controller action: OpenFlow 1.0 calls it ACTION. */
    bool implicit = pin->reason == OFPR_NO_MATCH && pin->cookie == UINT64_MAX;
    struct ofpbuf b = OFPBUF_INIT;
    for (size_t i = 0; i < mgr->n_conns; i++) {
        struct ofconn *c = mgr->conns[i];
        if (c->controller_id != controller_id) {
            continue;
        }
        if (implicit && c->version >= OFP13_VERSION) {
            continue;
        }
        struct ofp_packet_in p = *pin;
        if (pin->reason == OFPR_NO_MATCH && !implicit
            && c->version < OFP13_VERSION) {
            p.reason = OFPR_ACTION;
        }
        if (!wants_async(c, 0, p.reason)) {
            continue;
        }
        if (tx_backlog(c) >= TX_SOFT) {
            c->n_pin_drops++;
            mgr->n_pin_drops++;
            COVERAGE_INC(connmgr_pin_drops);
            sent = true;
            continue;
        }
        if (implicit && c->miss_send_len != OFPCML_NO_BUFFER
            && p.len > c->miss_send_len) {
            p.len = c->miss_send_len;
        }
        if (p.len > p.total_len) {
            p.len = p.total_len;
        }
        enum ofp_packet_in_format f = c->pif;
        ofp_encode_packet_in(&b, c->version, f, &p);
        ofconn_send(c, &b);
        sent = true;
    }
    ofpbuf_uninit(&b);
    if (!sent) {
        COVERAGE_INC(connmgr_async_unsent);
    }
}

void connmgr_send_flow_removed(struct connmgr *mgr,
                               const struct ofp_flow_removed *fr)
{
    struct ofpbuf b = OFPBUF_INIT;
    for (size_t i = 0; i < mgr->n_conns; i++) {
        struct ofconn *c = mgr->conns[i];
        if (!wants_async(c, 2, fr->reason)) {
            continue;
        }
        if (ofp_encode_flow_removed(&b, c->version, c->ff, fr)) {
            ofpbuf_clear(&b);
            continue;
        }
        ofconn_send(c, &b);
        check_hard_bound(c);
    }
    ofpbuf_uninit(&b);
}

void connmgr_send_port_status(struct connmgr *mgr,
                              enum ofp_port_reason reason,
                              const struct ofp_phy_port *port)
{
    struct ofpbuf b = OFPBUF_INIT;
    for (size_t i = 0; i < mgr->n_conns; i++) {
        struct ofconn *c = mgr->conns[i];
        if (!wants_async(c, 1, reason)) {
            continue;
        }
        ofp_encode_port_status(&b, c->version, reason, port);
        ofconn_send(c, &b);
        check_hard_bound(c);
    }
    ofpbuf_uninit(&b);
}

uint64_t connmgr_n_packet_in_drops(const struct connmgr *mgr)
{
    return mgr->n_pin_drops;
}

uint64_t connmgr_n_snoop_drops(const struct connmgr *mgr)
{
    return mgr->n_snoop_drops;
}

const char *connmgr_snoop_path(const struct connmgr *mgr)
{
    return mgr->snoop_path;
}

