/* ofp_flowmod: an OpenFlow 1.3 client for bench/ofp_bench.sh, for what
 * ovs-ofctl cannot do fast (one process per command):
 *
 *   ofp_flowmod unix:PATH|tcp:IP:PORT add-barrier N [FIRST]
 *       N flow_mods (add, ip,nw_dst=10.a.b.c unique from FIRST, priority
 *       100, no instructions: drop) each followed by a barrier whose reply
 *       is awaited before the next: the round trip of one flow change.
 *       Prints "add-barrier N flows S s R flow_mods/s".
 *   ofp_flowmod TARGET dump
 *       One flow stats request (all tables); reads the multipart replies
 *       to the last, counting flows.  Prints "dump N flows S s R flows/s".
 *   ofp_flowmod TARGET bundle N [FIRST]
 *       OpenFlow 1.4: one atomic bundle of N such adds, encoded before the
 *       clock starts, sent at once and committed; the time ends with the
 *       commit reply.  Prints "bundle N flows S s R flow_mods/s".
 *   ofp_flowmod TARGET echo N
 *       N echo request/reply round trips: the floor of add-barrier (the
 *       transport and the two wakeups of a round trip, no flow table).
 *       Prints "echo N round trips S s R round_trips/s".
 *
 * Any OFPT_ERROR makes it print the error type/code and exit 1. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define OFP13 0x04
#define OFP14 0x05
#define T_HELLO 0
#define T_ERROR 1
#define T_ECHO_REQUEST 2
#define T_ECHO_REPLY 3
#define T_FLOW_MOD 14
#define T_MP_REQUEST 18
#define T_MP_REPLY 19
#define T_BARRIER_REQUEST 20
#define T_BARRIER_REPLY 21
#define T_BUNDLE_CONTROL 33
#define T_BUNDLE_ADD 34
#define BUNDLE_ID 1

static int fd = -1;
static uint8_t rbuf[1 << 20];
static size_t rlen;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "ofp_flowmod: %s (%s)\n", what, strerror(errno));
    exit(1);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t) (v >> 16));
    put16(p + 2, (uint16_t) v);
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t) get16(p) << 16 | get16(p + 2);
}

static uint8_t version = OFP13;     /* what the hello negotiated */

static void header(uint8_t *p, uint8_t type, uint16_t len, uint32_t xid)
{
    p[0] = version;
    p[1] = type;
    put16(p + 2, len);
    put32(p + 4, xid);
}

static void send_all(const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("send failed");
        }
        p += w;
        n -= (size_t) w;
    }
}

/* The next message into rbuf[0..len); returns its length. */
static size_t recv_msg(void)
{
    static size_t have;         /* bytes of rbuf after the last message */
    static size_t last;         /* length of the message returned last */

    if (last) {
        memmove(rbuf, rbuf + last, have - last);
        have -= last;
        last = 0;
    }
    for (;;) {
        if (have >= 8) {
            size_t len = get16(rbuf + 2);
            if (len < 8) {
                fprintf(stderr, "ofp_flowmod: bad length %zu\n", len);
                exit(1);
            }
            if (have >= len) {
                last = len;
                rlen = len;
                return len;
            }
        }
        /* Wait in poll(), as OpenFlow clients do, not in a blocking
         * recv(): a reader sleeping in recv() is woken each time the
         * switch consumes what it sent (the kernel's write-space wakeup
         * ignores what the sleeper waits for), and that wakeup would be
         * charged to the switch's recv(). */
        struct pollfd pfd = { .fd = fd, .events = POLLIN };
        if (poll(&pfd, 1, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("poll failed");
        }
        ssize_t r = recv(fd, rbuf + have, sizeof rbuf - have, MSG_DONTWAIT);
        if (r < 0 && (errno == EINTR || errno == EAGAIN)) {
            continue;
        }
        if (r <= 0) {
            if (r == 0) {
                errno = ECONNRESET;
            }
            die("connection closed");
        }
        have += (size_t) r;
    }
}

/* Reads until a message of `type` with `xid`; answers echo requests,
 * fails on errors, skips the rest (port status ...). */
static void await(uint8_t type, uint32_t xid)
{
    for (;;) {
        recv_msg();
        uint8_t t = rbuf[1];
        if (t == T_ERROR) {
            fprintf(stderr, "ofp_flowmod: error type %u code %u (xid %u)\n",
                    get16(rbuf + 8), get16(rbuf + 10), get32(rbuf + 4));
            exit(1);
        }
        if (t == T_ECHO_REQUEST) {
            rbuf[1] = T_ECHO_REPLY;
            send_all(rbuf, rlen);
            continue;
        }
        if (t == type && get32(rbuf + 4) == xid) {
            return;
        }
    }
}

/* Connects and negotiates OpenFlow `want` (1.3 or 1.4). */
static void connect_to(const char *target, uint8_t want)
{
    if (!strncmp(target, "unix:", 5)) {
        struct sockaddr_un sun = { .sun_family = AF_UNIX };
        if (strlen(target + 5) >= sizeof sun.sun_path) {
            errno = ENAMETOOLONG;
            die("socket path too long");
        }
        strcpy(sun.sun_path, target + 5);
        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        if (fd < 0 || connect(fd, (struct sockaddr *) &sun, sizeof sun)) {
            die(target);
        }
    } else if (!strncmp(target, "tcp:", 4)) {
        char ip[64];
        const char *colon = strrchr(target + 4, ':');
        struct sockaddr_in sin = { .sin_family = AF_INET };
        if (!colon || (size_t) (colon - target - 4) >= sizeof ip) {
            errno = EINVAL;
            die("tcp:IP:PORT expected");
        }
        memcpy(ip, target + 4, (size_t) (colon - target - 4));
        ip[colon - target - 4] = '\0';
        sin.sin_port = htons((uint16_t) atoi(colon + 1));
        if (inet_pton(AF_INET, ip, &sin.sin_addr) != 1) {
            errno = EINVAL;
            die("bad IPv4 address");
        }
        fd = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        if (fd < 0 || setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one,
                                 sizeof one)
            || connect(fd, (struct sockaddr *) &sin, sizeof sin)) {
            die(target);
        }
    } else {
        errno = EINVAL;
        die("target must be unix:PATH or tcp:IP:PORT");
    }
    uint8_t hello[8];
    version = want;
    header(hello, T_HELLO, 8, 1);
    send_all(hello, sizeof hello);
    do {
        recv_msg();
    } while (rbuf[1] != T_HELLO);
    if (rbuf[0] < want) {
        fprintf(stderr, "ofp_flowmod: switch speaks only version %u\n",
                rbuf[0]);
        exit(1);
    }
}

/* An OF1.3 flow_mod adding ip,nw_dst=10.a.b.c (from n) at priority 100,
 * no instructions; 72 bytes. */
static size_t flow_mod(uint8_t *p, uint32_t n, uint32_t xid)
{
    memset(p, 0, 72);
    header(p, T_FLOW_MOD, 72, xid);
    /* cookie, cookie_mask 0; table 0; command add (0); timeouts 0 */
    put16(p + 30, 100);                 /* priority */
    put32(p + 32, 0xffffffff);          /* buffer_id: none */
    put32(p + 36, 0xffffffff);          /* out_port: any */
    put32(p + 40, 0xffffffff);          /* out_group: any */
    /* match: OXM, eth_type=0x0800, ipv4_dst */
    put16(p + 48, 1);
    put16(p + 50, 4 + 6 + 8);
    put32(p + 52, 0x80000a02);
    put16(p + 56, 0x0800);
    put32(p + 58, 0x80001804);
    put32(p + 62, 0x0a000000 | (n & 0xffffff));
    return 72;
}

static void add_barrier(long count, long first)
{
    uint8_t msg[72 + 8];
    double t0 = now_s();
    for (long i = 0; i < count; i++) {
        uint32_t xid = (uint32_t) (2 * i + 2);
        flow_mod(msg, (uint32_t) (first + i), xid);
        header(msg + 72, T_BARRIER_REQUEST, 8, xid + 1);
        send_all(msg, sizeof msg);
        await(T_BARRIER_REPLY, xid + 1);
    }
    double s = now_s() - t0;
    printf("add-barrier %ld flows %.3f s %.0f flow_mods/s\n", count, s,
           count / s);
}

static void dump(void)
{
    uint8_t req[56];
    memset(req, 0, sizeof req);
    header(req, T_MP_REQUEST, sizeof req, 7);
    put16(req + 8, 1);                  /* OFPMP_FLOW */
    req[16] = 0xff;                     /* all tables */
    put32(req + 20, 0xffffffff);        /* out_port any */
    put32(req + 24, 0xffffffff);        /* out_group any */
    put16(req + 48, 1);                 /* match: OXM, empty */
    put16(req + 50, 4);
    double t0 = now_s();
    send_all(req, sizeof req);
    long flows = 0;
    for (;;) {
        await(T_MP_REPLY, 7);
        size_t ofs = 16;
        while (ofs + 2 <= rlen) {
            size_t len = get16(rbuf + ofs);
            if (len < 2 || ofs + len > rlen) {
                fprintf(stderr, "ofp_flowmod: bad flow stats length\n");
                exit(1);
            }
            flows++;
            ofs += len;
        }
        if (!(get16(rbuf + 10) & 1)) {  /* no OFPMPF_REPLY_MORE */
            break;
        }
    }
    double s = now_s() - t0;
    printf("dump %ld flows %.3f s %.0f flows/s\n", flows, s, flows / s);
}

/* OF1.4 bundle control (16 bytes): OPEN/COMMIT requests, atomic. */
static void bundle_ctrl(uint8_t *p, uint16_t type, uint32_t xid)
{
    memset(p, 0, 16);
    header(p, T_BUNDLE_CONTROL, 16, xid);
    put32(p + 8, BUNDLE_ID);
    put16(p + 12, type);
    put16(p + 14, 1);                   /* OFPBF_ATOMIC */
}

static void bundle(long count, long first)
{
    enum { ADD_LEN = 16 + 72 };
    size_t len = (size_t) count * ADD_LEN;
    uint8_t *buf = malloc(len + 16);
    if (!buf) {
        die("out of memory");
    }
    for (long i = 0; i < count; i++) {
        uint8_t *p = buf + (size_t) i * ADD_LEN;
        uint32_t xid = (uint32_t) (i + 10);
        memset(p, 0, 16);
        header(p, T_BUNDLE_ADD, ADD_LEN, xid);
        put32(p + 8, BUNDLE_ID);
        put16(p + 14, 1);               /* OFPBF_ATOMIC */
        flow_mod(p + 16, (uint32_t) (first + i), xid);  /* same xid */
    }
    bundle_ctrl(buf + len, 4, 3);       /* OFPBCT_COMMIT_REQUEST */

    uint8_t open[16];
    bundle_ctrl(open, 0, 2);            /* OFPBCT_OPEN_REQUEST */
    double t0 = now_s();
    send_all(open, sizeof open);
    await(T_BUNDLE_CONTROL, 2);
    send_all(buf, len + 16);
    await(T_BUNDLE_CONTROL, 3);
    double s = now_s() - t0;
    if (get16(rbuf + 12) != 5) {        /* OFPBCT_COMMIT_REPLY */
        fprintf(stderr, "ofp_flowmod: bundle reply type %u\n",
                get16(rbuf + 12));
        exit(1);
    }
    free(buf);
    printf("bundle %ld flows %.3f s %.0f flow_mods/s\n", count, s,
           count / s);
}

static void echo(long count)
{
    uint8_t msg[8];
    double t0 = now_s();
    for (long i = 0; i < count; i++) {
        header(msg, T_ECHO_REQUEST, 8, (uint32_t) (i + 2));
        send_all(msg, sizeof msg);
        await(T_ECHO_REPLY, (uint32_t) (i + 2));
    }
    double s = now_s() - t0;
    printf("echo %ld round trips %.3f s %.0f round_trips/s\n", count, s,
           count / s);
}

int main(int argc, char *argv[])
{
    if (argc < 3) {
        fprintf(stderr, "usage: ofp_flowmod TARGET add-barrier N [FIRST]"
                " | TARGET bundle N [FIRST] | TARGET echo N | TARGET dump\n");
        return 2;
    }
    connect_to(argv[1], strcmp(argv[2], "bundle") ? OFP13 : OFP14);
    if (!strcmp(argv[2], "add-barrier") && argc >= 4) {
        add_barrier(atol(argv[3]), argc > 4 ? atol(argv[4]) : 0);
    } else if (!strcmp(argv[2], "bundle") && argc >= 4) {
        bundle(atol(argv[3]), argc > 4 ? atol(argv[4]) : 0);
    } else if (!strcmp(argv[2], "echo") && argc >= 4) {
        echo(atol(argv[3]));
    } else if (!strcmp(argv[2], "dump")) {
        dump();
    } else {
        fprintf(stderr, "ofp_flowmod: unknown mode %s\n", argv[2]);
        return 2;
    }
    close(fd);
    return 0;
}
