/* Unit tests for src/ofproto/connmgr.c: a connmgr on a real bridge listens
 * on a mgmt socket in a tmp dir; raw clients in this thread speak OpenFlow
 * to it while the test pumps connmgr_run. */
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "test_ofproto_harness.h"

#include "ofproto/connmgr.h"
#include "ofp/ofp_msgs.h"

struct fix {
    struct harness h;
    struct connmgr *mgr;
    char dir[64];
    char path[128];
};

static int setup(void **state)
{
    struct fix *f = calloc(1, sizeof *f);
    h_init(&f->h, 2, NULL);
    snprintf(f->dir, sizeof f->dir, "/tmp/test_connmgr.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/br0.mgmt", f->dir);
    char err[256] = "";
    f->mgr = connmgr_create(f->h.ofp, f->path, err, sizeof err);
    if (!f->mgr) {
        fail_msg("%s", err);
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fix *f = *state;
    connmgr_destroy(f->mgr);
    struct stat st;
    assert_int_not_equal(stat(f->path, &st), 0);   /* unlinked */
    char snoop[160];
    snprintf(snoop, sizeof snoop, "%s/br0.snoop", f->dir);
    assert_int_not_equal(stat(snoop, &st), 0);
    snprintf(snoop, sizeof snoop, "%s/ctl.sock", f->dir);
    unlink(snoop);
    rmdir(f->dir);
    h_destroy(&f->h);
    free(f);
    return 0;
}

static int cli_connect(struct fix *f)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    assert_true(strlen(f->path) < sizeof sun.sun_path);
    memcpy(sun.sun_path, f->path, strlen(f->path) + 1);
    assert_int_equal(connect(fd, (struct sockaddr *) &sun, sizeof sun), 0);
    connmgr_run(f->mgr);
    return fd;
}

static void cli_send(int fd, const void *p, size_t n)
{
    ssize_t r = send(fd, p, n, MSG_NOSIGNAL);
    if (r != (ssize_t) n) {
        fail_msg("send: %zd (%s)", r, strerror(errno));
    }
}

static void cli_send_buf(int fd, struct ofpbuf *b)
{
    cli_send(fd, b->data, b->size);
    ofpbuf_clear(b);
}

static void put_header(struct ofpbuf *b, uint8_t version, uint8_t type,
                       uint16_t len, uint32_t xid)
{
    ofpbuf_put_u8(b, version);
    ofpbuf_put_u8(b, type);
    ofpbuf_put_be16(b, len);
    ofpbuf_put_be32(b, xid);
}

/* Reads one message into buf (pumping the connmgr): its length, 0 on EOF,
 * -1 on timeout. */
static int cli_recv(struct fix *f, int fd, uint8_t *buf, size_t cap)
{
    for (int i = 0; i < 400; i++) {
        connmgr_run(f->mgr);
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, 5) == 1) {
            ssize_t n = recv(fd, buf, 8, MSG_WAITALL);
            if (n <= 0) {
                return 0;
            }
            assert_int_equal(n, 8);
            size_t len = ofp_get_be16(buf + 2);
            assert_true(len >= 8 && len <= cap);
            if (len > 8) {
                assert_int_equal(recv(fd, buf + 8, len - 8, MSG_WAITALL),
                                 (ssize_t) (len - 8));
            }
            return (int) len;
        }
    }
    return -1;
}

/* Reads messages until one of header type `type` (skipping others). */
static int cli_recv_type(struct fix *f, int fd, uint8_t type, uint8_t *buf,
                         size_t cap)
{
    for (int i = 0; i < 20; i++) {
        int n = cli_recv(f, fd, buf, cap);
        if (n <= 0 || buf[1] == type) {
            return n;
        }
    }
    return -1;
}

static enum ofperr recv_error(struct fix *f, int fd)
{
    uint8_t buf[65536];
    int n = cli_recv_type(f, fd, 1, buf, sizeof buf);
    assert_true(n > 0);
    struct ofp_msg m;
    assert_int_equal(ofp_msg_decode(buf, (size_t) n, &m), 0);
    struct ofp_error_msg e;
    assert_int_equal(ofp_decode_error(&m, &e), 0);
    return e.error;
}

static bool wait_eof(struct fix *f, int fd)
{
    uint8_t buf[65536];
    for (int i = 0; i < 20; i++) {
        int n = cli_recv(f, fd, buf, sizeof buf);
        if (n == 0) {
            return true;
        }
        if (n < 0) {
            return false;
        }
    }
    return false;
}

/* Connects and negotiates `version` (hello with that version alone). */
static int cli_open(struct fix *f, uint8_t version)
{
    int fd = cli_connect(f);
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_hello(&b, 1u << version, 1);
    cli_send_buf(fd, &b);
    ofpbuf_uninit(&b);
    uint8_t buf[1024];
    assert_int_equal(cli_recv_type(f, fd, 0, buf, sizeof buf) > 0, 1);
    return fd;
}

static void test_hello(void **state)
{
    struct fix *f = *state;
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    /* Our hello carries the bitmap; theirs offers 1.0 and 1.4: 1.4. */
    int fd = cli_connect(f);
    uint8_t buf[1024];
    int n = cli_recv(f, fd, buf, sizeof buf);
    assert_true(n > 0);
    struct ofp_msg m = { .version = buf[0], .type = OFPTYPE_HELLO,
                         .data = buf, .len = (size_t) n, .body = buf + 8,
                         .body_len = (size_t) n - 8 };
    assert_int_equal(buf[1], 0);
    assert_int_equal(buf[0], OFP15_VERSION);
    assert_int_equal(ofp_decode_hello(&m), OFP_SUPPORTED_VERSIONS);
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_hello(&b, (1u << 1) | (1u << 5), 1);
    cli_send_buf(fd, &b);
    ofp_encode_echo(&b, OFP14_VERSION, false, 77, "xyz", 3);
    cli_send_buf(fd, &b);
    n = cli_recv_type(f, fd, 3, buf, sizeof buf);
    assert_int_equal(n, 11);
    assert_int_equal(buf[0], OFP14_VERSION);
    assert_int_equal(ofp_get_be32(buf + 4), 77);
    assert_memory_equal(buf + 8, "xyz", 3);

    /* Another version after negotiation: BAD_VERSION in that version,
     * still open; an echo request of another version is answered in it. */
    ofp_encode_simple(&b, OFP13_VERSION, OFPTYPE_FEATURES_REQUEST, OFPF_STD,
                      78);
    cli_send_buf(fd, &b);
    assert_int_equal(recv_error(f, fd), OFPERR_OFPBRC_BAD_VERSION);
    ofp_encode_echo(&b, OFP10_VERSION, false, 80, "ab", 2);
    cli_send_buf(fd, &b);
    n = cli_recv_type(f, fd, 3, buf, sizeof buf);
    assert_int_equal(n, 10);
    assert_int_equal(buf[0], OFP10_VERSION);
    ofp_encode_echo(&b, OFP14_VERSION, false, 79, NULL, 0);
    cli_send_buf(fd, &b);
    assert_true(cli_recv_type(f, fd, 3, buf, sizeof buf) > 0);
    close(fd);

    /* A message before the hello: BAD_VERSION and closed. */
    fd = cli_connect(f);
    ofp_encode_echo(&b, OFP13_VERSION, false, 5, NULL, 0);
    cli_send_buf(fd, &b);
    assert_int_equal(recv_error(f, fd), OFPERR_OFPBRC_BAD_VERSION);
    assert_true(wait_eof(f, fd));
    close(fd);

    /* Nothing in common: HELLO_FAILED/INCOMPATIBLE and closed. */
    connmgr_set_controllers(f->mgr, NULL, 0, 1u << OFP13_VERSION,
                            CONNMGR_FAIL_STANDALONE);
    fd = cli_connect(f);
    n = cli_recv(f, fd, buf, sizeof buf);
    assert_int_equal(buf[0], OFP13_VERSION);    /* only 1.3 offered */
    put_header(&b, OFP10_VERSION, 0, 8, 9);
    cli_send_buf(fd, &b);
    assert_int_equal(recv_error(f, fd), OFPERR_OFPHFC_INCOMPATIBLE);
    assert_true(wait_eof(f, fd));
    close(fd);
    ofpbuf_uninit(&b);
}

static void test_framing_errors(void **state)
{
    struct fix *f = *state;
    struct ofpbuf b = OFPBUF_INIT;
    uint8_t buf[1024];

    /* Barrier: replied with its xid. */
    int fd = cli_open(f, OFP13_VERSION);
    ofp_encode_simple(&b, OFP13_VERSION, OFPTYPE_BARRIER_REQUEST, OFPF_STD,
                      4242);
    cli_send_buf(fd, &b);
    assert_true(cli_recv_type(f, fd, 21, buf, sizeof buf) > 0);
    assert_int_equal(ofp_get_be32(buf + 4), 4242);

    /* Unknown type: BAD_TYPE. */
    put_header(&b, OFP13_VERSION, 200, 8, 3);
    cli_send_buf(fd, &b);
    assert_int_equal(recv_error(f, fd), OFPERR_OFPBRC_BAD_TYPE);

    /* A second hello: BAD_TYPE (OVS). */
    ofp_encode_hello(&b, 1u << OFP13_VERSION, 5);
    cli_send_buf(fd, &b);
    assert_int_equal(recv_error(f, fd), OFPERR_OFPBRC_BAD_TYPE);

    /* A header length below 8: closed at once (OVS). */
    put_header(&b, OFP13_VERSION, 2, 4, 4);
    cli_send_buf(fd, &b);
    assert_true(wait_eof(f, fd));
    close(fd);
    ofpbuf_uninit(&b);
}

static void role_request(int fd, uint32_t role, uint64_t gen, uint32_t xid)
{
    struct ofpbuf b = OFPBUF_INIT;
    put_header(&b, OFP13_VERSION, 24, 24, xid);
    ofpbuf_put_be32(&b, role);
    ofpbuf_put_zeros(&b, 4);
    ofpbuf_put_be64(&b, gen);
    cli_send_buf(fd, &b);
    ofpbuf_uninit(&b);
}

static uint32_t role_reply(struct fix *f, int fd, uint64_t *gen)
{
    uint8_t buf[1024];
    int n = cli_recv_type(f, fd, 25, buf, sizeof buf);
    assert_int_equal(n, 24);
    *gen = ofp_get_be64(buf + 16);
    return ofp_get_be32(buf + 8);
}

static void test_roles(void **state)
{
    struct fix *f = *state;
    int a = cli_open(f, OFP13_VERSION);
    int c = cli_open(f, OFP13_VERSION);
    uint64_t gen;

    role_request(a, OFPCR_ROLE_MASTER, 5, 1);
    assert_int_equal(role_reply(f, a, &gen), OFPCR_ROLE_MASTER);
    assert_int_equal(gen, 5);
    /* Older generation id: stale. */
    role_request(c, OFPCR_ROLE_MASTER, 4, 2);
    assert_int_equal(recv_error(f, c), OFPERR_OFPRRFC_STALE);
    /* Newer: c is master, a is demoted. */
    role_request(c, OFPCR_ROLE_MASTER, 6, 3);
    assert_int_equal(role_reply(f, c, &gen), OFPCR_ROLE_MASTER);
    role_request(a, OFPCR_ROLE_NOCHANGE, 0, 4);
    assert_int_equal(role_reply(f, a, &gen), OFPCR_ROLE_SLAVE);
    assert_int_equal(gen, 6);

    /* A slave may not modify the bridge. */
    struct ofp_flow_mod fm;
    memset(&fm, 0, sizeof fm);
    fm.command = OFPFC_ADD;
    fm.buffer_id = OFP_NO_BUFFER;
    fm.out_port = OFPP_NONE;
    fm.out_group = OFPG_ANY;
    struct ofpbuf b = OFPBUF_INIT;
    assert_int_equal(ofp_encode_flow_mod(&b, OFP13_VERSION, OFP_FF_OF10,
                                         false, 9, &fm), 0);
    cli_send_buf(a, &b);
    assert_int_equal(recv_error(f, a), OFPERR_OFPBRC_IS_SLAVE);
    /* Equal needs no generation id. */
    role_request(a, OFPCR_ROLE_EQUAL, 0, 5);
    assert_int_equal(role_reply(f, a, &gen), OFPCR_ROLE_EQUAL);
    ofpbuf_uninit(&b);
    close(a);
    close(c);
}

static struct ofp_packet_in sample_pin(uint8_t reason, uint64_t cookie,
                                       size_t len)
{
    static uint8_t frame[2048];
    for (size_t i = 0; i < sizeof frame; i++) {
        frame[i] = (uint8_t) i;
    }
    struct ofp_packet_in pin;
    memset(&pin, 0, sizeof pin);
    pin.packet = frame;
    pin.len = pin.total_len = len;
    pin.buffer_id = OFP_NO_BUFFER;
    pin.reason = reason;
    pin.cookie = cookie;
    pin.metadata.value.in_port = 1;
    pin.metadata.mask.in_port = UINT32_MAX;
    return pin;
}

static void set_miss_len(int fd, uint8_t version, uint16_t len)
{
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_switch_config sc = { .flags = 0, .miss_send_len = len };
    ofp_encode_switch_config(&b, version, OFPTYPE_SET_CONFIG, 7, &sc);
    cli_send_buf(fd, &b);
    ofpbuf_uninit(&b);
}

/* The next packet-in-like message on fd: its decoded family, or -1. */
static int recv_pin(struct fix *f, int fd, struct ofp_packet_in *out)
{
    uint8_t buf[65536];
    for (int i = 0; i < 20; i++) {
        int n = cli_recv(f, fd, buf, sizeof buf);
        if (n <= 0) {
            return -1;
        }
        struct ofp_msg m;
        if (ofp_msg_decode(buf, (size_t) n, &m) || m.type != OFPTYPE_PACKET_IN) {
            continue;
        }
        if (out) {
            assert_int_equal(ofp_decode_packet_in(&m, out), 0);
        }
        return m.family == OFPF_NX ? (int) m.subtype : 0;
    }
    return -1;
}

static void test_packet_in_formats(void **state)
{
    struct fix *f = *state;
    int c10 = cli_open(f, OFP10_VERSION);
    int c13 = cli_open(f, OFP13_VERSION);
    struct ofpbuf b = OFPBUF_INIT;
    uint8_t buf[1024];

    /* A service connection gets nothing before it sets miss_send_len. */
    struct ofp_packet_in pin = sample_pin(OFPR_ACTION, 0, 100);
    connmgr_send_packet_in(f->mgr, &pin, 0);
    ofp_encode_echo(&b, OFP10_VERSION, false, 1, NULL, 0);
    cli_send_buf(c10, &b);
    int n = cli_recv(f, c10, buf, sizeof buf);
    assert_true(n > 0);
    assert_int_equal(buf[1], 3);        /* the echo reply, no packet-in */

    set_miss_len(c10, OFP10_VERSION, 64);
    set_miss_len(c13, OFP13_VERSION, 64);
    connmgr_run(f->mgr);
    assert_true(connmgr_wants_packet_in_on_miss(f->mgr));

    /* Standard OF1.0 packet-in. */
    struct ofp_packet_in got;
    connmgr_send_packet_in(f->mgr, &pin, 0);
    assert_int_equal(recv_pin(f, c10, &got), 0);
    assert_int_equal(got.reason, OFPR_ACTION);
    assert_int_equal(got.len, 100);
    assert_int_equal(recv_pin(f, c13, NULL), 0);

    /* NXT_PACKET_IN (subtype 17), NXT_PACKET_IN2 (30). */
    ofp_encode_nx_u32(&b, OFP10_VERSION, OFPTYPE_NXT_SET_PACKET_IN_FORMAT, 2,
                      OFP_PIF_NXT);
    cli_send_buf(c10, &b);
    connmgr_run(f->mgr);
    connmgr_send_packet_in(f->mgr, &pin, 0);
    assert_int_equal(recv_pin(f, c10, NULL), 17);
    ofp_encode_nx_u32(&b, OFP10_VERSION, OFPTYPE_NXT_SET_PACKET_IN_FORMAT, 3,
                      OFP_PIF_NXT2);
    cli_send_buf(c10, &b);
    connmgr_run(f->mgr);
    connmgr_send_packet_in(f->mgr, &pin, 0);
    assert_int_equal(recv_pin(f, c10, NULL), 30);
    /* A bad format: EPERM. */
    ofp_encode_nx_u32(&b, OFP10_VERSION, OFPTYPE_NXT_SET_PACKET_IN_FORMAT, 4,
                      7);
    cli_send_buf(c10, &b);
    assert_int_equal(recv_error(f, c10), OFPERR_OFPBRC_EPERM);
    ofp_encode_nx_u32(&b, OFP10_VERSION, OFPTYPE_NXT_SET_PACKET_IN_FORMAT, 5,
                      OFP_PIF_STANDARD);
    cli_send_buf(c10, &b);
    connmgr_run(f->mgr);
    /* drain c13's earlier packet-ins */
    assert_int_equal(recv_pin(f, c13, NULL), 0);
    assert_int_equal(recv_pin(f, c13, NULL), 0);

    /* An implicit miss goes to OF1.0 only, cut to miss_send_len. */
    struct ofp_packet_in miss = sample_pin(OFPR_NO_MATCH, UINT64_MAX, 500);
    connmgr_send_packet_in(f->mgr, &miss, 0);
    assert_int_equal(recv_pin(f, c10, &got), 0);
    assert_int_equal(got.reason, OFPR_NO_MATCH);
    assert_int_equal(got.len, 64);
    assert_int_equal(got.total_len, 500);
    /* A table-miss flow's packet-in: ACTION for 1.0, NO_MATCH for 1.3. */
    struct ofp_packet_in tmf = sample_pin(OFPR_NO_MATCH, 0, 50);
    connmgr_send_packet_in(f->mgr, &tmf, 0);
    assert_int_equal(recv_pin(f, c10, &got), 0);
    assert_int_equal(got.reason, OFPR_ACTION);
    assert_int_equal(recv_pin(f, c13, &got), 0);
    assert_int_equal(got.reason, OFPR_NO_MATCH);
    assert_int_equal(got.len, 50);      /* the miss above never came */

    /* controller(id=N) goes to the connections with that id only. */
    connmgr_send_packet_in(f->mgr, &pin, 3);
    ofp_encode_nx_u32(&b, OFP10_VERSION, OFPTYPE_NXT_SET_CONTROLLER_ID, 6, 3);
    cli_send_buf(c10, &b);
    connmgr_run(f->mgr);
    connmgr_send_packet_in(f->mgr, &pin, 3);
    assert_int_equal(recv_pin(f, c10, NULL), 0);
    ofpbuf_uninit(&b);
    close(c10);
    close(c13);
}

static void test_tx_bound(void **state)
{
    struct fix *f = *state;
    int fd = cli_open(f, OFP13_VERSION);
    set_miss_len(fd, OFP13_VERSION, 0xffff);
    connmgr_run(f->mgr);
    /* The client reads nothing: past the soft bound packet-ins drop. */
    uint64_t before = connmgr_n_packet_in_drops(f->mgr);
    struct ofp_packet_in pin = sample_pin(OFPR_ACTION, 0, 1500);
    for (int i = 0; i < 2000; i++) {
        connmgr_send_packet_in(f->mgr, &pin, 0);
        if (i % 50 == 0) {
            connmgr_run(f->mgr);
        }
    }
    assert_true(connmgr_n_packet_in_drops(f->mgr) - before > 500);
    /* The connection stays up and its queue drains once read. */
    int got = 0;
    for (;;) {
        int r = recv_pin(f, fd, NULL);
        if (r < 0) {
            break;
        }
        got++;
    }
    assert_true(got > 100);
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_echo(&b, OFP13_VERSION, false, 1, NULL, 0);
    cli_send_buf(fd, &b);
    uint8_t buf[256];
    assert_true(cli_recv_type(f, fd, 3, buf, sizeof buf) > 0);
    ofpbuf_uninit(&b);
    close(fd);
}

static void test_fail_mode(void **state)
{
    struct fix *f = *state;
    assert_int_equal(oftable_count(f->h.ofp->tables[0]), 1);
    /* An active controller that never answers: secure drops the NORMAL
     * flow; standalone without controllers brings it back. */
    struct connmgr_controller c = { .target = "tcp:127.0.0.1:1" };
    connmgr_set_controllers(f->mgr, &c, 1, 0, CONNMGR_FAIL_SECURE);
    assert_int_equal(oftable_count(f->h.ofp->tables[0]), 0);
    assert_int_equal(connmgr_fail_mode(f->mgr), CONNMGR_FAIL_SECURE);
    connmgr_run(f->mgr);
    assert_false(connmgr_controller_connected(f->mgr));
    connmgr_set_controllers(f->mgr, NULL, 0, 0, CONNMGR_FAIL_STANDALONE);
    assert_int_equal(oftable_count(f->h.ofp->tables[0]), 1);
    /* A passive target is a service, not a controller: secure with no
     * controller has no flows (OVS). */
    struct connmgr_controller p = { .target = "ptcp:0" };
    connmgr_set_controllers(f->mgr, &p, 1, 0, CONNMGR_FAIL_SECURE);
    assert_int_equal(oftable_count(f->h.ofp->tables[0]), 0);  /* mode */
    connmgr_set_controllers(f->mgr, NULL, 0, 0, CONNMGR_FAIL_STANDALONE);
    assert_int_equal(oftable_count(f->h.ofp->tables[0]), 1);

    /* Standalone with a controller that stays away: flows flushed, then
     * after 3 probe intervals fail-open switches NORMAL ahead of the
     * table, which stays empty (OVS's rule is hidden). */
    struct connmgr_controller c1 = { .target = "tcp:127.0.0.1:1",
                                     .probe_interval_ms = 1000 };
    connmgr_set_controllers(f->mgr, &c1, 1, 0, CONNMGR_FAIL_STANDALONE);
    assert_int_equal(oftable_count(f->h.ofp->tables[0]), 0);
    assert_false(f->h.ofp->fail_open);
    for (int i = 0; i < 250 && !f->h.ofp->fail_open; i++) {
        connmgr_run(f->mgr);
        usleep(20000);
    }
    assert_true(f->h.ofp->fail_open);
    assert_int_equal(oftable_count(f->h.ofp->tables[0]), 0);
    /* Dropping the controller ends it; the visible NORMAL flow of a
     * bridge without controllers is back. */
    connmgr_set_controllers(f->mgr, NULL, 0, 0, CONNMGR_FAIL_STANDALONE);
    assert_false(f->h.ofp->fail_open);
    assert_int_equal(oftable_count(f->h.ofp->tables[0]), 1);
}

/* ---- Snoop ---- */

static int unix_connect(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    assert_true(strlen(path) < sizeof sun.sun_path);
    memcpy(sun.sun_path, path, strlen(path) + 1);
    assert_int_equal(connect(fd, (struct sockaddr *) &sun, sizeof sun), 0);
    return fd;
}

/* An active "unix:" controller of the bridge: the test listens, the
 * connmgr connects; both hellos done at `version`.  *lfd: the listener. */
static int ctl_open(struct fix *f, uint8_t version, int *lfd)
{
    char path[160];
    snprintf(path, sizeof path, "%s/ctl.sock", f->dir);
    unlink(path);
    *lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    memcpy(sun.sun_path, path, strlen(path) + 1);
    assert_int_equal(bind(*lfd, (struct sockaddr *) &sun, sizeof sun), 0);
    assert_int_equal(listen(*lfd, 4), 0);
    char target[200];
    snprintf(target, sizeof target, "unix:%s", path);
    struct connmgr_controller c = { .target = target };
    connmgr_set_controllers(f->mgr, &c, 1, 0, CONNMGR_FAIL_STANDALONE);
    int fd = -1;
    for (int i = 0; i < 200 && fd < 0; i++) {
        connmgr_run(f->mgr);
        struct pollfd p = { .fd = *lfd, .events = POLLIN };
        if (poll(&p, 1, 5) == 1) {
            fd = accept(*lfd, NULL, NULL);
        }
    }
    assert_true(fd >= 0);
    uint8_t buf[1024];
    assert_true(cli_recv_type(f, fd, 0, buf, sizeof buf) > 0);
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_hello(&b, 1u << version, 1);
    cli_send_buf(fd, &b);
    ofpbuf_uninit(&b);
    for (int i = 0; i < 5; i++) {
        connmgr_run(f->mgr);
    }
    assert_true(connmgr_controller_connected(f->mgr));
    return fd;
}

/* A snooper: connected, the switch's hello read; with `hello`, its own
 * sent. */
static int snoop_open(struct fix *f, bool hello)
{
    const char *path = connmgr_snoop_path(f->mgr);
    assert_non_null(path);
    int fd = unix_connect(path);
    uint8_t buf[1024];
    assert_true(cli_recv_type(f, fd, 0, buf, sizeof buf) > 0);
    if (hello) {
        struct ofpbuf b = OFPBUF_INIT;
        ofp_encode_hello(&b, OFP_SUPPORTED_VERSIONS, 1);
        cli_send_buf(fd, &b);
        ofpbuf_uninit(&b);
        connmgr_run(f->mgr);
    }
    return fd;
}

static void send_echo(int fd, uint8_t version, uint32_t xid, size_t len)
{
    static uint8_t payload[65000];
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_echo(&b, version, false, xid, payload, len);
    cli_send_buf(fd, &b);
    ofpbuf_uninit(&b);
}

static void test_snoop(void **state)
{
    struct fix *f = *state;
    struct stat st;
    char path[160];
    snprintf(path, sizeof path, "%s/br0.snoop", f->dir);
    assert_string_equal(connmgr_snoop_path(f->mgr), path);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);

    /* No active controller: closed at once, without a hello. */
    int s = unix_connect(path);
    uint8_t buf[65536];
    assert_int_equal(cli_recv(f, s, buf, sizeof buf), 0);
    close(s);

    int lfd;
    int ctl = ctl_open(f, OFP13_VERSION, &lfd);
    s = snoop_open(f, false);
    /* Before the snooper's hello nothing is copied. */
    send_echo(ctl, OFP13_VERSION, 10, 3);
    assert_int_equal(cli_recv_type(f, ctl, 3, buf, sizeof buf), 11);
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_hello(&b, 1u << OFP10_VERSION, 1);
    cli_send_buf(s, &b);
    connmgr_run(f->mgr);

    /* Both directions, in order, in the controller's version (1.3 while
     * the snooper said 1.0). */
    send_echo(ctl, OFP13_VERSION, 11, 5);
    assert_int_equal(cli_recv_type(f, ctl, 3, buf, sizeof buf), 13);
    ofp_encode_simple(&b, OFP13_VERSION, OFPTYPE_BARRIER_REQUEST, OFPF_STD,
                      12);
    cli_send_buf(ctl, &b);
    assert_true(cli_recv_type(f, ctl, 21, buf, sizeof buf) > 0);
    static const uint8_t want[][3] = {  /* type, xid, length */
        { 2, 11, 13 }, { 3, 11, 13 }, { 20, 12, 8 }, { 21, 12, 8 },
    };
    for (size_t i = 0; i < 4; i++) {
        int n = cli_recv(f, s, buf, sizeof buf);
        assert_int_equal(n, want[i][2]);
        assert_int_equal(buf[0], OFP13_VERSION);
        assert_int_equal(buf[1], want[i][0]);
        assert_int_equal(ofp_get_be32(buf + 4), want[i][1]);
    }
    /* What the snooper sends is thrown away: no reply, still open. */
    send_echo(s, OFP10_VERSION, 13, 0);
    send_echo(ctl, OFP13_VERSION, 14, 0);
    assert_true(cli_recv_type(f, ctl, 3, buf, sizeof buf) > 0);
    int n = cli_recv(f, s, buf, sizeof buf);
    assert_int_equal(n, 8);
    assert_int_equal(buf[1], 2);
    assert_int_equal(ofp_get_be32(buf + 4), 14);

    /* The mgmt socket's messages are not a controller's: not copied. */
    int m = cli_open(f, OFP13_VERSION);
    send_echo(m, OFP13_VERSION, 15, 0);
    assert_true(cli_recv_type(f, m, 3, buf, sizeof buf) > 0);
    close(m);
    n = cli_recv(f, s, buf, sizeof buf);
    assert_int_equal(buf[1], 3);            /* the reply to 14 */
    assert_int_equal(ofp_get_be32(buf + 4), 14);
    struct pollfd p = { .fd = s, .events = POLLIN };
    connmgr_run(f->mgr);
    assert_int_equal(poll(&p, 1, 20), 0);

    /* The controller removed: its snoopers are closed. */
    connmgr_set_controllers(f->mgr, NULL, 0, 0, CONNMGR_FAIL_STANDALONE);
    assert_true(wait_eof(f, s));
    ofpbuf_uninit(&b);
    close(s);
    close(ctl);
    close(lfd);
}

/* A snooper that does not read: the controller is answered all along,
 * copies past the bound are dropped and counted, and what the snooper
 * finally reads is whole messages. */
static void test_snoop_slow(void **state)
{
    struct fix *f = *state;
    int lfd;
    int ctl = ctl_open(f, OFP13_VERSION, &lfd);
    int s = snoop_open(f, true);
    uint8_t buf[65536];
    assert_int_equal(connmgr_n_snoop_drops(f->mgr), 0);
    for (uint32_t xid = 100; xid < 200; xid++) {
        send_echo(ctl, OFP13_VERSION, xid, 60000);
        int n = cli_recv_type(f, ctl, 3, buf, sizeof buf);
        assert_int_equal(n, 60008);
        assert_int_equal(ofp_get_be32(buf + 4), xid);
    }
    uint64_t drops = connmgr_n_snoop_drops(f->mgr);
    assert_true(drops > 100);
    assert_true(drops < 200);

    size_t got = 0;
    uint32_t last = 0;
    for (;;) {
        struct pollfd p = { .fd = s, .events = POLLIN };
        connmgr_run(f->mgr);
        if (poll(&p, 1, 50) != 1) {
            break;
        }
        int n = cli_recv(f, s, buf, sizeof buf);
        assert_int_equal(n, 60008);
        assert_true(buf[1] == 2 || buf[1] == 3);
        uint32_t xid = ofp_get_be32(buf + 4);
        assert_true(xid >= last && xid < 200);
        last = xid;
        got++;
    }
    assert_int_equal(got + drops, 200);
    assert_int_equal(connmgr_n_snoop_drops(f->mgr), drops);

    /* After draining it gets copies again. */
    send_echo(ctl, OFP13_VERSION, 300, 1);
    assert_true(cli_recv_type(f, ctl, 3, buf, sizeof buf) > 0);
    assert_int_equal(cli_recv(f, s, buf, sizeof buf), 9);
    assert_int_equal(ofp_get_be32(buf + 4), 300);
    close(s);
    close(ctl);
    close(lfd);
}

/* A snooper stays with its controller across reconnects (OVS keeps its
 * monitors on the rconn). */
static void test_snoop_reconnect(void **state)
{
    struct fix *f = *state;
    int lfd;
    int ctl = ctl_open(f, OFP13_VERSION, &lfd);
    int s = snoop_open(f, true);
    uint8_t buf[1024];
    close(ctl);
    ctl = -1;
    for (int i = 0; i < 400 && ctl < 0; i++) {     /* back-off: 1 s */
        connmgr_run(f->mgr);
        struct pollfd p = { .fd = lfd, .events = POLLIN };
        if (poll(&p, 1, 10) == 1) {
            ctl = accept(lfd, NULL, NULL);
        }
    }
    assert_true(ctl >= 0);
    assert_true(cli_recv_type(f, ctl, 0, buf, sizeof buf) > 0);
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_hello(&b, 1u << OFP14_VERSION, 1);
    cli_send_buf(ctl, &b);
    ofpbuf_uninit(&b);
    send_echo(ctl, OFP14_VERSION, 42, 0);
    assert_true(cli_recv_type(f, ctl, 3, buf, sizeof buf) > 0);
    /* Neither hello is copied; the echo and its reply are, in 1.4. */
    assert_int_equal(cli_recv(f, s, buf, sizeof buf), 8);
    assert_int_equal(buf[0], OFP14_VERSION);
    assert_int_equal(buf[1], 2);
    assert_int_equal(ofp_get_be32(buf + 4), 42);
    assert_int_equal(cli_recv(f, s, buf, sizeof buf), 8);
    assert_int_equal(buf[1], 3);
    close(s);
    close(ctl);
    close(lfd);
}

/* ---- ROLE_STATUS ---- */

/* The next role status on fd within a few runs: its role, reason and
 * generation id; false when none comes (other messages are skipped). */
static bool recv_role_status(struct fix *f, int fd, uint8_t *version,
                             struct ofp_role_status *rs)
{
    uint8_t buf[1024];
    for (int i = 0; i < 5; i++) {
        struct pollfd p = { .fd = fd, .events = POLLIN };
        connmgr_run(f->mgr);
        if (poll(&p, 1, 20) != 1) {
            continue;
        }
        int n = cli_recv(f, fd, buf, sizeof buf);
        assert_true(n > 0);
        struct ofp_msg m;
        assert_int_equal(ofp_msg_decode(buf, (size_t) n, &m), 0);
        if (m.type == OFPTYPE_ROLE_STATUS) {
            assert_int_equal(ofp_decode_role_status(&m, rs), 0);
            assert_int_equal(m.xid, 0);
            *version = m.version;
            return true;
        }
    }
    return false;
}

static void role_request_v(int fd, uint8_t version, uint32_t role,
                           uint64_t gen, uint32_t xid)
{
    struct ofpbuf b = OFPBUF_INIT;
    struct ofp_role_request rr = { .role = role, .have_generation_id = true,
                                   .generation_id = gen };
    ofp_encode_role_request(&b, version, version == OFP10_VERSION
                            ? OFPF_NX : OFPF_STD, xid, &rr);
    cli_send_buf(fd, &b);
    ofpbuf_uninit(&b);
}

static void test_role_status(void **state)
{
    struct fix *f = *state;
    int a = cli_open(f, OFP14_VERSION);
    int c13 = cli_open(f, OFP13_VERSION);
    int c10 = cli_open(f, OFP10_VERSION);
    uint8_t buf[1024];
    struct ofp_role_status rs;
    uint8_t v;

    role_request_v(a, OFP14_VERSION, OFPCR_ROLE_MASTER, 5, 1);
    assert_true(cli_recv_type(f, a, 25, buf, sizeof buf) > 0);
    assert_false(recv_role_status(f, c13, &v, &rs));

    /* c13 takes over: a (1.4) gets OFPT_ROLE_STATUS with the new id. */
    role_request_v(c13, OFP13_VERSION, OFPCR_ROLE_MASTER, 6, 2);
    assert_true(cli_recv_type(f, c13, 25, buf, sizeof buf) > 0);
    assert_true(recv_role_status(f, a, &v, &rs));
    assert_int_equal(v, OFP14_VERSION);
    assert_int_equal(rs.role, OFPCR_ROLE_SLAVE);
    assert_int_equal(rs.reason, OFPCRR_MASTER_REQUEST);
    assert_int_equal(rs.generation_id, 6);

    /* Masking role_status in the async config changes nothing (OVS). */
    struct ofpbuf b = OFPBUF_INIT;
    size_t start = ofp_msg_start_sub(&b, OFP13_VERSION,
                                     OFPTYPE_SET_ASYNC_CONFIG, OFPF_NX, 27,
                                     3);   /* NXT_SET_ASYNC_CONFIG2 */
    ofpbuf_put_be16(&b, 6);     /* role status, slave: nothing */
    ofpbuf_put_be16(&b, 8);
    ofpbuf_put_be32(&b, 0);
    ofpbuf_put_be16(&b, 7);     /* master */
    ofpbuf_put_be16(&b, 8);
    ofpbuf_put_be32(&b, 0);
    ofp_msg_finish(&b, start);
    cli_send_buf(c13, &b);
    ofpbuf_uninit(&b);

    /* c10 (NXT_ROLE_REQUEST) takes over: c13 (1.3) gets the ONF form. */
    role_request_v(c10, OFP10_VERSION, OFPCR_ROLE_MASTER, 0, 4);
    assert_true(cli_recv_type(f, c10, 4, buf, sizeof buf) > 0);
    assert_true(recv_role_status(f, c13, &v, &rs));
    assert_int_equal(v, OFP13_VERSION);
    assert_int_equal(rs.role, OFPCR_ROLE_SLAVE);
    assert_int_equal(rs.generation_id, 6);
    assert_false(recv_role_status(f, a, &v, &rs));   /* already slave */

    /* a takes over: OpenFlow 1.0 has no role status. */
    role_request_v(a, OFP14_VERSION, OFPCR_ROLE_MASTER, 7, 5);
    assert_true(cli_recv_type(f, a, 25, buf, sizeof buf) > 0);
    assert_false(recv_role_status(f, c10, &v, &rs));
    /* Equal and slave requests demote nobody. */
    role_request_v(c13, OFP13_VERSION, OFPCR_ROLE_EQUAL, 0, 6);
    role_request_v(c13, OFP13_VERSION, OFPCR_ROLE_SLAVE, 8, 7);
    assert_false(recv_role_status(f, a, &v, &rs));
    close(a);
    close(c13);
    close(c10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hello, setup, teardown),
        cmocka_unit_test_setup_teardown(test_framing_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
        cmocka_unit_test_setup_teardown(test_packet_in_formats, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tx_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fail_mode, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snoop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snoop_slow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snoop_reconnect, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_role_status, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
