/* Client OpenFlow connections (vconn.h). */
#include "ofp/vconn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/stream.h"
#include "lib/util.h"

struct vconn {
    int fd;
    char *name;
    uint8_t version;
};

static uint32_t next_xid = 1;

uint32_t vconn_next_xid(void)
{
    return next_xid++;
}

void vconn_skip_xids(unsigned n)
{
    next_xid += n;
}

uint8_t vconn_version(const struct vconn *v)
{
    return v->version;
}

const char *vconn_name(const struct vconn *v)
{
    return v->name;
}

const char *vconn_strerror(int error)
{
    if (error == -EPIPE) {
        return "End of file";
    }
    if (error == -EPROTO) {
        return "Protocol error";
    }
    return strerror(-error);
}

/* Waits until `fd` is ready for `events`: 0, -ETIMEDOUT or -errno. */
static int wait_fd(int fd, short events, int timeout_ms)
{
    struct pollfd pfd = { .fd = fd, .events = events };
    for (;;) {
        int n = poll(&pfd, 1, timeout_ms);
        if (n > 0) {
            return 0;
        }
        if (!n) {
            return -ETIMEDOUT;
        }
        if (errno != EINTR) {
            return -errno;
        }
    }
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EAGAIN) {
                int err = wait_fd(fd, POLLOUT, -1);
                if (err) {
                    return err;
                }
                continue;
            }
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        p += w;
        n -= (size_t) w;
    }
    return 0;
}

/* Reads exactly `n` bytes; -EPIPE at end of file. */
static int read_all(int fd, uint8_t *p, size_t n, int timeout_ms)
{
    while (n) {
        int err = wait_fd(fd, POLLIN, timeout_ms);
        if (err) {
            return err;
        }
        ssize_t r = read(fd, p, n);
        if (r < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (!r) {
            return -EPIPE;
        }
        p += r;
        n -= (size_t) r;
        timeout_ms = -1;    /* the rest of a message follows */
    }
    return 0;
}

int vconn_send(struct vconn *v, const struct ofpbuf *b)
{
    return write_all(v->fd, b->data, b->size);
}

/* One message's bytes into `buf`. */
static int recv_raw(struct vconn *v, struct ofpbuf *buf, int timeout_ms)
{
    uint8_t hdr[OFP_HEADER_LEN];
    int err = read_all(v->fd, hdr, sizeof hdr, timeout_ms);
    if (err) {
        return err;
    }
    uint16_t len = ofp_get_be16(hdr + 2);
    if (len < OFP_HEADER_LEN) {
        return -EPROTO;
    }
    ofpbuf_clear(buf);
    ofpbuf_put(buf, hdr, sizeof hdr);
    uint8_t *body = ofpbuf_put_zeros(buf, len - OFP_HEADER_LEN);
    return read_all(v->fd, body, len - OFP_HEADER_LEN, -1);
}

static int answer_echo(struct vconn *v, const struct ofp_msg *msg)
{
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_echo(&b, msg->version, true, msg->xid, msg->body,
                    msg->body_len);
    int err = vconn_send(v, &b);
    ofpbuf_uninit(&b);
    return err;
}

int vconn_recv(struct vconn *v, struct ofpbuf *buf, struct ofp_msg *msg,
               bool echo, int timeout_ms)
{
    for (;;) {
        int err = recv_raw(v, buf, timeout_ms);
        if (err) {
            return err;
        }
        if (ofp_msg_decode(buf->data, buf->size, msg)) {
            /* Something we cannot frame: hand over the raw header. */
            memset(msg, 0, sizeof *msg);
            msg->version = buf->data[0];
            msg->type = OFPTYPE_N;
            msg->xid = ofp_get_be32(buf->data + 4);
            msg->data = buf->data;
            msg->len = buf->size;
            return 0;
        }
        if (echo && msg->type == OFPTYPE_ECHO_REQUEST) {
            err = answer_echo(v, msg);
            if (err) {
                return err;
            }
            continue;
        }
        return 0;
    }
}

static int connect_fd(const char *target, char *err, size_t errlen)
{
    int fd = stream_open(target, err, errlen);
    if (fd < 0) {
        if (fd != -EINVAL) {
            snprintf(err, errlen, "%s", strerror(-fd));
        }
        return fd;
    }
    int rc;
    while ((rc = stream_connect_done(fd)) == -EAGAIN) {
        rc = wait_fd(fd, POLLOUT, -1);
        if (rc) {
            break;
        }
    }
    if (rc) {
        snprintf(err, errlen, "%s", strerror(-rc));
        close(fd);
        return rc;
    }
    return fd;
}

static void version_list(char *buf, size_t size, uint32_t versions)
{
    int v = 31;
    while (v > 0 && !(versions & (1u << v))) {
        v--;
    }
    snprintf(buf, size, "0x%02x", v);
}

/* Hello both ways; the negotiated version or -EPROTO with `err`. */
int vconn_handshake(struct vconn *v, uint32_t versions, char *err,
                     size_t errlen)
{
    struct ofpbuf b = OFPBUF_INIT;
    ofp_encode_hello(&b, versions, vconn_next_xid());
    int rc = vconn_send(v, &b);
    struct ofp_msg msg;
    if (!rc) {
        rc = vconn_recv(v, &b, &msg, false, -1);
    }
    if (!rc && msg.type != OFPTYPE_HELLO) {
        rc = -EPROTO;
    }
    if (rc) {
        snprintf(err, errlen, "%s", vconn_strerror(rc));
        ofpbuf_uninit(&b);
        return rc;
    }
    uint32_t theirs = ofp_decode_hello(&msg);
    ofpbuf_uninit(&b);
    v->version = ofp_negotiate(versions, theirs);
    if (!v->version) {
        char ours_s[16], theirs_s[16];
        version_list(ours_s, sizeof ours_s, versions);
        version_list(theirs_s, sizeof theirs_s, theirs);
        snprintf(err, errlen, "version negotiation failed (we support "
                 "version %s, peer supports version %s)", ours_s, theirs_s);
        return -EPROTO;
    }
    return 0;
}

int vconn_connect(const char *target, struct vconn **vp, char *err,
                  size_t errlen)
{
    *vp = NULL;
    int fd = connect_fd(target, err, errlen);
    if (fd < 0) {
        return fd;
    }
    struct vconn *v = xcalloc(1, sizeof *v);
    v->fd = fd;
    v->name = xstrdup(target);
    *vp = v;
    return 0;
}

int vconn_open(const char *target, uint32_t versions, struct vconn **vp,
               char *err, size_t errlen)
{
    int rc = vconn_connect(target, vp, err, errlen);
    if (!rc) {
        rc = vconn_handshake(*vp, versions, err, errlen);
        if (rc) {
            vconn_close(*vp);
            *vp = NULL;
        }
    }
    return rc;
}

void vconn_close(struct vconn *v)
{
    if (v) {
        close(v->fd);
        free(v->name);
        free(v);
    }
}

int vconn_transact(struct vconn *v, const struct ofpbuf *request,
                   struct ofpbuf *reply, struct ofp_msg *msg)
{
    uint32_t xid = ofp_get_be32(request->data + 4);
    int err = vconn_send(v, request);
    while (!err) {
        err = vconn_recv(v, reply, msg, true, -1);
        if (!err && msg->xid == xid) {
            return 0;
        }
    }
    return err;
}

int vconn_transact_noreply(struct vconn *v, const struct ofpbuf *request,
                           struct ofpbuf *error)
{
    uint32_t barrier_xid = vconn_next_xid();
    struct ofpbuf b = OFPBUF_INIT;
    ofpbuf_put(&b, request->data, request->size);
    ofp_encode_simple(&b, v->version, OFPTYPE_BARRIER_REQUEST, OFPF_STD,
                      barrier_xid);
    ofpbuf_clear(error);
    int err = vconn_send(v, &b);
    struct ofp_msg msg;
    while (!err) {
        err = vconn_recv(v, &b, &msg, true, -1);
        if (err) {
            break;
        }
        if (msg.type == OFPTYPE_ERROR && msg.xid != barrier_xid
            && !error->size) {
            ofpbuf_put(error, b.data, b.size);
        } else if (msg.xid == barrier_xid
                   && msg.type == OFPTYPE_BARRIER_REPLY) {
            break;
        }
    }
    ofpbuf_uninit(&b);
    return err;
}

int vconn_dump(struct vconn *v, const struct ofpbuf *request,
               vconn_dump_cb *cb, void *aux)
{
    uint32_t xid = ofp_get_be32(request->data + 4);
    struct ofpbuf b = OFPBUF_INIT;
    int err = vconn_send(v, request);
    while (!err) {
        struct ofp_msg msg;
        err = vconn_recv(v, &b, &msg, true, -1);
        if (err || msg.xid != xid) {
            continue;
        }
        err = cb(&msg, aux);
        if (err || msg.type == OFPTYPE_ERROR
            || !(msg.mp_flags & OFPMPF_MORE)) {
            break;
        }
    }
    ofpbuf_uninit(&b);
    return err;
}
