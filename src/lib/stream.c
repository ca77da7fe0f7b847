/* Byte-stream sockets named the way OVS names them (see stream.h). */
#include "lib/stream.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define STREAM_DEFAULT_PORT 6653

enum stream_kind { ST_TCP, ST_UNIX, ST_PTCP, ST_PUNIX };

/* A parsed target. */
struct stream_addr {
    enum stream_kind kind;
    struct sockaddr_storage ss;
    socklen_t sslen;
};

static void set_err(char *err, size_t errlen, const char *fmt,
                    const char *target, const char *what)
{
    if (err && errlen) {
        snprintf(err, errlen, fmt, target, what);
    }
}

/* Parses a port number "0".."65535" in [s, s+len); -1 if bad.  An empty
 * string gives the default port. */
static int parse_port(const char *s, size_t len)
{
    if (len == 0) {
        return STREAM_DEFAULT_PORT;
    }
    if (len > 5) {
        return -1;
    }
    int port = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return -1;
        }
        port = port * 10 + (s[i] - '0');
    }
    return port <= 65535 ? port : -1;
}

/* Parses an IPv4 address or a bracketed IPv6 address in [s, s+len) into
 * `ss` with `port`.  0 or -1. */
static int parse_ip(const char *s, size_t len, int port,
                    struct sockaddr_storage *ss, socklen_t *sslen)
{
    char buf[INET6_ADDRSTRLEN + 2];
    memset(ss, 0, sizeof *ss);
    if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
        if (len - 2 >= sizeof buf) {
            return -1;
        }
        memcpy(buf, s + 1, len - 2);
        buf[len - 2] = '\0';
        struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *) ss;
        if (inet_pton(AF_INET6, buf, &sin6->sin6_addr) != 1) {
            return -1;
        }
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons((uint16_t) port);
        *sslen = sizeof *sin6;
        return 0;
    }
    if (len >= sizeof buf) {
        return -1;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    struct sockaddr_in *sin = (struct sockaddr_in *) ss;
    if (inet_pton(AF_INET, buf, &sin->sin_addr) != 1) {
        return -1;
    }
    sin->sin_family = AF_INET;
    sin->sin_port = htons((uint16_t) port);
    *sslen = sizeof *sin;
    return 0;
}

/* Splits "IP[:PORT]" where IP may be "[v6]": sets *iplen and *port_s (NULL
 * when no port).  0 or -1. */
static int split_ip_port(const char *s, size_t *iplen, const char **port_s)
{
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close) {
            return -1;
        }
        *iplen = (size_t) (close - s) + 1;
        if (close[1] == '\0') {
            *port_s = NULL;
        } else if (close[1] == ':') {
            *port_s = close + 2;
        } else {
            return -1;
        }
        return 0;
    }
    const char *colon = strchr(s, ':');
    if (colon) {
        *iplen = (size_t) (colon - s);
        *port_s = colon + 1;
    } else {
        *iplen = strlen(s);
        *port_s = NULL;
    }
    return 0;
}

static int parse_unix_path(const char *path, struct sockaddr_storage *ss,
                           socklen_t *sslen)
{
    struct sockaddr_un *sun = (struct sockaddr_un *) ss;
    size_t len = strlen(path);
    if (len == 0 || len >= sizeof sun->sun_path) {
        return -1;
    }
    memset(ss, 0, sizeof *ss);
    sun->sun_family = AF_UNIX;
    memcpy(sun->sun_path, path, len + 1);
    *sslen = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + len + 1);
    return 0;
}

/* Parses `target`.  0, or -EINVAL with `err`. */
static int parse_target(const char *target, struct stream_addr *a,
                        char *err, size_t errlen)
{
    if (!target) {
        set_err(err, errlen, "%s%s", "(null)", ": bad stream target");
        return -EINVAL;
    }
    if (!strncmp(target, "tcp:", 4)) {
        const char *rest = target + 4;
        size_t iplen;
        const char *port_s;
        if (split_ip_port(rest, &iplen, &port_s) || iplen == 0) {
            set_err(err, errlen, "%s: %s", target, "bad address");
            return -EINVAL;
        }
        int port = port_s ? parse_port(port_s, strlen(port_s))
                          : STREAM_DEFAULT_PORT;
        if (port <= 0) {
            set_err(err, errlen, "%s: %s", target, "bad port");
            return -EINVAL;
        }
        if (parse_ip(rest, iplen, port, &a->ss, &a->sslen)) {
            set_err(err, errlen, "%s: %s", target, "bad address");
            return -EINVAL;
        }
        a->kind = ST_TCP;
        return 0;
    }
    if (!strncmp(target, "ptcp:", 5)) {
        /* "ptcp:[PORT][:IP]". */
        const char *rest = target + 5;
        const char *colon = strchr(rest, ':');
        size_t plen = colon ? (size_t) (colon - rest) : strlen(rest);
        int port = parse_port(rest, plen);
        if (port < 0) {
            set_err(err, errlen, "%s: %s", target, "bad port");
            return -EINVAL;
        }
        const char *ip = colon ? colon + 1 : "127.0.0.1";
        if (parse_ip(ip, strlen(ip), port, &a->ss, &a->sslen)) {
            set_err(err, errlen, "%s: %s", target, "bad address");
            return -EINVAL;
        }
        a->kind = ST_PTCP;
        return 0;
    }
    if (!strncmp(target, "unix:", 5) || !strncmp(target, "punix:", 6)) {
        bool passive = target[0] == 'p';
        const char *path = target + (passive ? 6 : 5);
        if (parse_unix_path(path, &a->ss, &a->sslen)) {
            set_err(err, errlen, "%s: %s", target,
                    *path ? "path too long" : "missing path");
            return -EINVAL;
        }
        a->kind = passive ? ST_PUNIX : ST_UNIX;
        return 0;
    }
    set_err(err, errlen, "%s: %s", target, "unknown stream type");
    return -EINVAL;
}

bool stream_target_is_passive(const char *target)
{
    return target && (!strncmp(target, "ptcp:", 5)
                      || !strncmp(target, "punix:", 6));
}

int stream_verify_target(const char *target, char *err, size_t errlen)
{
    struct stream_addr a;
    return parse_target(target, &a, err, errlen);
}

static int new_socket(int family)
{
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    return fd < 0 ? -errno : fd;
}

int stream_open(const char *target, char *err, size_t errlen)
{
    struct stream_addr a;
    int error = parse_target(target, &a, err, errlen);
    if (error) {
        return error;
    }
    if (a.kind != ST_TCP && a.kind != ST_UNIX) {
        set_err(err, errlen, "%s: %s", target, "not an active target");
        return -EINVAL;
    }
    int fd = new_socket(a.ss.ss_family);
    if (fd < 0) {
        set_err(err, errlen, "%s: could not create socket (%s)", target,
                strerror(-fd));
        return fd;
    }
    if (a.kind == ST_TCP) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    if (connect(fd, (struct sockaddr *) &a.ss, a.sslen) < 0
        && errno != EINPROGRESS) {
        error = -errno;
        /* A UNIX socket whose listener's backlog is full says EAGAIN:
         * that is "in progress" only for TCP; for UNIX it is a failure. */
        set_err(err, errlen, "%s: connection failed (%s)", target,
                strerror(-error));
        close(fd);
        return error;
    }
    return fd;
}

int stream_connect_done(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getpeername(fd, (struct sockaddr *) &ss, &len) == 0) {
        return 0;
    }
    if (errno != ENOTCONN) {
        return -errno;
    }
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0) {
        return -errno;
    }
    return soerr ? -soerr : -EAGAIN;
}

int pstream_open(const char *target, unsigned mode, char *err,
                 size_t errlen)
{
    struct stream_addr a;
    int error = parse_target(target, &a, err, errlen);
    if (error) {
        return error;
    }
    if (a.kind != ST_PTCP && a.kind != ST_PUNIX) {
        set_err(err, errlen, "%s: %s", target, "not a passive target");
        return -EINVAL;
    }
    int fd = new_socket(a.ss.ss_family);
    if (fd < 0) {
        set_err(err, errlen, "%s: could not create socket (%s)", target,
                strerror(-fd));
        return fd;
    }
    const char *path = NULL;
    if (a.kind == ST_PTCP) {
        int one = 1;
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) {
            error = -errno;
            goto fail;
        }
        if (a.ss.ss_family == AF_INET6) {
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        }
    } else {
        path = ((struct sockaddr_un *) &a.ss)->sun_path;
        /* Replace a stale socket file; anything else at the path is an
         * error from bind(). */
        struct stat st;
        if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode)) {
            unlink(path);
        }
    }
    if (bind(fd, (struct sockaddr *) &a.ss, a.sslen) < 0) {
        error = -errno;
        goto fail;
    }
    if (path && chmod(path, mode & 07777) < 0) {
        error = -errno;
        unlink(path);
        goto fail;
    }
    if (listen(fd, 64) < 0) {
        error = -errno;
        if (path) {
            unlink(path);
        }
        goto fail;
    }
    return fd;

fail:
    set_err(err, errlen, "%s: listen failed (%s)", target, strerror(-error));
    close(fd);
    return error;
}

bool pstream_pending(int listen_fd)
{
    struct pollfd pfd = { .fd = listen_fd, .events = POLLIN };
    return poll(&pfd, 1, 0) > 0 && (pfd.revents & POLLIN);
}

int pstream_accept(int listen_fd)
{
    for (;;) {
        int fd = accept4(listen_fd, NULL, NULL,
                         SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            struct sockaddr_storage ss;
            socklen_t len = sizeof ss;
            if (getsockname(fd, (struct sockaddr *) &ss, &len) == 0
                && (ss.ss_family == AF_INET || ss.ss_family == AF_INET6)) {
                int one = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            }
            return fd;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EWOULDBLOCK) {
            return -EAGAIN;
        }
        return -errno;
    }
}

int stream_bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *) &ss, &len) < 0) {
        return -1;
    }
    if (ss.ss_family == AF_INET) {
        return ntohs(((struct sockaddr_in *) &ss)->sin_port);
    }
    if (ss.ss_family == AF_INET6) {
        return ntohs(((struct sockaddr_in6 *) &ss)->sin6_port);
    }
    return -1;
}
