/* The control socket: a JSON-RPC 1.0 server and client over UNIX stream
 * sockets, speaking what ovs-appctl speaks.
 *
 * Messages arrive as bare JSON objects back to back.  A small scanner finds
 * where each object ends (brace depth outside strings), so a message split
 * across reads, or several in one read, are both handled; the complete
 * object is then handed to jansson.  Every request is bounded
 * (UNIXCTL_MAX_REQUEST); a peer that sends garbage gets one error reply and
 * is disconnected, since the stream can no longer be trusted.
 *
 * No peer can lock others out (unixctl.h lists the limits): connections
 * are many, and when they run out the oldest idle one makes
 * room; a request must arrive whole within a few seconds and an idle
 * connection closes; one connection serves one request at a time and reads
 * no more input while it is served or its reply is unsent, so its buffers
 * stay bounded. */
#include "lib/unixctl.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/dstr.h"
#include "lib/stream.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(unixctl);

static struct vlog_rate_limit conn_rl = VLOG_RATE_LIMIT_INIT(60, 20);

static uint64_t monotonic_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

/* ---- Command registry ---- */

struct unixctl_command {
    char *name;
    char *usage;
    int min_args, max_args;
    unixctl_cb *cb;
    void *aux;
};

static struct unixctl_command *commands;
static size_t n_commands;

static struct unixctl_command *command_find(const char *name)
{
    for (size_t i = 0; i < n_commands; i++) {
        if (!strcmp(commands[i].name, name)) {
            return &commands[i];
        }
    }
    return NULL;
}

static int command_cmp(const void *a_, const void *b_)
{
    const struct unixctl_command *a = a_, *b = b_;
    return strcmp(a->name, b->name);
}

void unixctl_command_register(const char *name, const char *usage,
                              int min_args, int max_args, unixctl_cb *cb,
                              void *aux)
{
    struct unixctl_command *c = command_find(name);
    if (!c) {
        commands = xrealloc(commands, (n_commands + 1) * sizeof *commands);
        c = &commands[n_commands++];
        c->name = xstrdup(name);
    } else {
        free(c->usage);
    }
    c->usage = xstrdup(usage ? usage : "");
    c->min_args = min_args;
    c->max_args = max_args;
    c->cb = cb;
    c->aux = aux;
    /* Kept sorted so that list-commands prints in name order. */
    qsort(commands, n_commands, sizeof *commands, command_cmp);
}

void unixctl_command_clear(void)
{
    for (size_t i = 0; i < n_commands; i++) {
        free(commands[i].name);
        free(commands[i].usage);
    }
    free(commands);
    commands = NULL;
    n_commands = 0;
}

/* list-commands, in OVS's shape. */
static void list_commands_cb(struct unixctl_conn *conn, int argc,
                             const char *argv[], void *aux)
{
    (void) argc; (void) argv; (void) aux;
    struct dstr text = DSTR_INIT;
    dstr_put(&text, "The available commands are:\n");
    for (size_t i = 0; i < n_commands; i++) {
        dstr_printf(&text, "  %-23s %s\n", commands[i].name,
                    commands[i].usage);
    }
    unixctl_reply(conn, dstr_str(&text));
    dstr_free(&text);
}

/* ---- Message boundaries ---- */

/* Finds where the JSON object that starts a stream ends, incrementally. */
struct json_scanner {
    size_t pos;         /* bytes of the buffer already scanned */
    int depth;
    bool started;
    bool in_string;
    bool escape;
};

enum scan_result { SCAN_MORE, SCAN_DONE, SCAN_BAD };

/* Scans buf[s->pos..len); on SCAN_DONE, s->pos is the end of the object. */
static enum scan_result scan_json(struct json_scanner *s, const char *buf,
                                  size_t len)
{
    for (; s->pos < len; s->pos++) {
        char c = buf[s->pos];
        if (!s->started) {
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                continue;
            }
            if (c != '{') {
                return SCAN_BAD;
            }
            s->started = true;
        }
        if (s->in_string) {
            if (s->escape) {
                s->escape = false;
            } else if (c == '\\') {
                s->escape = true;
            } else if (c == '"') {
                s->in_string = false;
            }
            continue;
        }
        if (c == '"') {
            s->in_string = true;
        } else if (c == '{' || c == '[') {
            s->depth++;
        } else if (c == '}' || c == ']') {
            if (--s->depth == 0) {
                s->pos++;
                return SCAN_DONE;
            }
        }
    }
    return SCAN_MORE;
}

/* Leading whitespace only (nothing of a message yet). */
static bool only_space(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!strchr(" \t\r\n", buf[i])) {
            return false;
        }
    }
    return true;
}

/* ---- Buffers ---- */

struct buf {
    char *data;
    size_t len, cap;
};

static void buf_append_unbounded(struct buf *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) {
            cap *= 2;
        }
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
}

/* Appends to a connection's input: -EMSGSIZE (nothing appended) past what
 * one request plus one read may hold. */
static int buf_append(struct buf *b, const void *data, size_t n)
{
    if (b->len + n > UNIXCTL_MAX_REQUEST + UNIXCTL_READ_CHUNK) {
        return -EMSGSIZE;
    }
    buf_append_unbounded(b, data, n);
    return 0;
}

static void buf_consume(struct buf *b, size_t n)
{
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

static void buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ---- JSON helpers ---- */

/* A JSON string of `s`; bytes that are not valid UTF-8 become '?', since
 * jansson (and the peer) accept only UTF-8. */
static json_t *json_text(const char *s)
{
    json_t *j = json_string(s);
    if (j) {
        return j;
    }
    char *copy = xstrdup(s);
    for (unsigned char *p = (unsigned char *) copy; *p; p++) {
        if (*p >= 0x80) {
            *p = '?';
        }
    }
    j = json_string(copy);
    free(copy);
    return j;
}

/* ---- Server ---- */

struct unixctl_conn {
    int fd;
    struct buf in, out;
    struct json_scanner scan;
    json_t *pending_id;       /* id of the request being served, if any */
    bool busy;                /* a request awaits its reply */
    bool closing;             /* close once `out` is written */
    bool dead;                /* peer gone; freed once not busy */
    bool ready;               /* the server's poll saw an event on fd */
    bool progress;            /* bytes moved since run() last looked */
    uint64_t last_active_ms;  /* accept, or last byte read or written */
    uint64_t accept_seq;      /* order of accept (eviction: oldest first) */
    uint64_t request_start_ms; /* first byte of the partial request in `in` */
    struct unixctl_conn *next;
};

struct unixctl_server {
    int fd;
    char *path;
    struct unixctl_conn *conns;   /* newest first */
    size_t n_conns;
    struct unixctl_limits limits;
    uint64_t n_accepted;          /* last accept_seq handed out */
    uint64_t accept_paused_until; /* monotonic ms; 0: accepting */
    struct pollfd *pfds;          /* run()'s own poll of every conn */
    size_t pfds_cap;
};

/* Fills `un` for `path`.  A path too long for sun_path is reached through
 * its directory's /proc/self/fd entry; *dirfd is then open (else -1). */
static int make_sockaddr(const char *path, struct sockaddr_un *un,
                         int *dirfd)
{
    memset(un, 0, sizeof *un);
    un->sun_family = AF_UNIX;
    *dirfd = -1;
    if (strlen(path) < sizeof un->sun_path) {
        memcpy(un->sun_path, path, strlen(path) + 1);
        return 0;
    }
    const char *slash = strrchr(path, '/');
    if (!slash) {
        return -ENAMETOOLONG;
    }
    char *dir = xstrndup(path, (size_t) (slash - path) + 1);
    *dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (*dirfd < 0) {
        return -errno;
    }
    int n = snprintf(un->sun_path, sizeof un->sun_path, "/proc/self/fd/%d/%s",
                     *dirfd, slash + 1);
    if (n < 0 || (size_t) n >= sizeof un->sun_path) {
        close(*dirfd);
        *dirfd = -1;
        return -ENAMETOOLONG;
    }
    return 0;
}

/* Connects a new stream socket to `path`: fd, or -errno. */
static int connect_to(const char *path)
{
    struct sockaddr_un un;
    int dirfd;
    int error = make_sockaddr(path, &un, &dirfd);
    if (error) {
        return error;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = -errno;
    } else if (connect(fd, (struct sockaddr *) &un, sizeof un) < 0) {
        error = -errno;
        close(fd);
    }
    if (dirfd >= 0) {
        close(dirfd);
    }
    return error ? error : fd;
}

int unixctl_server_create(const char *path, struct unixctl_server **out)
{
    *out = NULL;
    /* A live server already answers there: do not steal its socket. */
    int probe = connect_to(path);
    if (probe >= 0) {
        close(probe);
        return -EADDRINUSE;
    }
    struct sockaddr_un un;
    int dirfd;
    int error = make_sockaddr(path, &un, &dirfd);
    if (error) {
        return error;
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = -errno;
        goto out;
    }
    unlink(path);
    /* The umask makes the socket 0600 from the start (no window in which
     * others could connect); chmod states it outright. */
    mode_t old_mask = umask(0177);
    int rc = bind(fd, (struct sockaddr *) &un, sizeof un);
    umask(old_mask);
    if (rc < 0 || chmod(path, 0600) < 0
        || listen(fd, UNIXCTL_LISTEN_BACKLOG) < 0) {
        error = -errno;
        close(fd);
        goto out;
    }
    struct unixctl_server *s = xcalloc(1, sizeof *s);
    s->path = xstrdup(path);
    s->fd = fd;
    s->limits = (struct unixctl_limits) UNIXCTL_LIMITS_DEFAULT;
    if (!command_find("list-commands")) {
        unixctl_command_register("list-commands", "", 0, 0,
                                 list_commands_cb, NULL);
    }
    *out = s;
out:
    if (dirfd >= 0) {
        close(dirfd);
    }
    return error;
}

static void conn_free(struct unixctl_conn *c)
{
    if (c->fd >= 0) {
        close(c->fd);
    }
    buf_free(&c->in);
    buf_free(&c->out);
    json_decref(c->pending_id);
    free(c);
}

/* Writes what it can of the pending output without blocking. */
static void conn_flush(struct unixctl_conn *c)
{
    while (c->out.len && !c->dead) {
        ssize_t n = send(c->fd, c->out.data, c->out.len,
                         MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            buf_consume(&c->out, (size_t) n);
            c->progress = true;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                c->dead = true;
            }
            return;
        }
    }
    if (!c->out.len && c->closing) {
        c->dead = true;
    }
}

/* Queues one reply message {"id":..,"result":..,"error":..}. */
static void conn_send_reply(struct unixctl_conn *c, json_t *id,
                            const char *result, const char *error)
{
    json_t *msg = json_object();
    json_object_set(msg, "id", id ? id : json_null());
    json_object_set_new(msg, "result", result ? json_text(result)
                                              : json_null());
    json_object_set_new(msg, "error", error ? json_text(error) : json_null());
    char *text = json_dumps(msg, JSON_COMPACT);
    json_decref(msg);
    if (!text) {
        out_of_memory();   /* json_dumps fails only on allocation */
    }
    buf_append_unbounded(&c->out, text, strlen(text));
    free(text);
    conn_flush(c);
}

static void conn_answer(struct unixctl_conn *c, const char *result,
                        const char *error)
{
    if (!c->busy) {
        VLOG_WARN("reply with no request pending (ignored)");
        return;
    }
    /* A null id was a notification: it expects no answer. */
    if (!json_is_null(c->pending_id)) {
        conn_send_reply(c, c->pending_id, result, error);
    }
    json_decref(c->pending_id);
    c->pending_id = NULL;
    c->busy = false;
}

void unixctl_reply(struct unixctl_conn *conn, const char *result)
{
    conn_answer(conn, result ? result : "", NULL);
}

void unixctl_reply_error(struct unixctl_conn *conn, const char *error)
{
    conn_answer(conn, NULL, error ? error : "error");
}

/* A malformed stream: one error reply, then the connection closes. */
static void conn_protocol_error(struct unixctl_conn *c, const char *why)
{
    VLOG_WARN_RL(&conn_rl, "control connection: %s; closing it", why);
    conn_send_reply(c, NULL, NULL, why);
    c->closing = true;
    buf_free(&c->in);
    conn_flush(c);
}

/* Calls the command named by a well-formed request. */
static void dispatch(struct unixctl_conn *c, const char *method,
                     json_t *params)
{
    size_t n = params ? json_array_size(params) : 0;
    if (n > UNIXCTL_MAX_PARAMS) {
        unixctl_reply_error(c, "too many arguments");
        return;
    }
    const char *argv[UNIXCTL_MAX_PARAMS + 2];
    argv[0] = method;
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(params, i);
        if (!json_is_string(p)) {
            unixctl_reply_error(c, "command has non-string argument");
            return;
        }
        argv[i + 1] = json_string_value(p);
    }
    argv[n + 1] = NULL;

    const struct unixctl_command *cmd = command_find(method);
    char err[512];
    if (!cmd) {
        snprintf(err, sizeof err, "\"%s\" is not a valid command (use "
                 "\"list-commands\" to see a list of valid commands)",
                 method);
        unixctl_reply_error(c, err);
    } else if ((int) n < cmd->min_args) {
        snprintf(err, sizeof err, "\"%s\" command requires at least %d "
                 "arguments", method, cmd->min_args);
        unixctl_reply_error(c, err);
    } else if ((int) n > cmd->max_args) {
        snprintf(err, sizeof err, "\"%s\" command takes at most %d "
                 "arguments", method, cmd->max_args);
        unixctl_reply_error(c, err);
    } else {
        VLOG_DBG("received request %s", method);
        cmd->cb(c, (int) n + 1, argv, cmd->aux);
    }
}

/* Handles one complete message of `len` bytes at `text`. */
static void handle_message(struct unixctl_conn *c, const char *text,
                           size_t len)
{
    json_error_t jerr;
    json_t *msg = json_loadb(text, len, 0, &jerr);
    if (!msg) {
        char why[256];
        snprintf(why, sizeof why, "invalid JSON: %s", jerr.text);
        conn_protocol_error(c, why);
        return;
    }
    json_t *id = json_object_get(msg, "id");
    json_t *method = json_object_get(msg, "method");
    json_t *params = json_object_get(msg, "params");
    if (!id || !json_is_string(method)
        || (params && !json_is_array(params) && !json_is_null(params))) {
        json_decref(msg);
        conn_protocol_error(c, "not a JSON-RPC request");
        return;
    }
    c->busy = true;
    c->pending_id = json_incref(id);
    dispatch(c, json_string_value(method),
             json_is_array(params) ? params : NULL);
    json_decref(msg);
}

/* Serves the complete requests in `in`; stops while one awaits a reply. */
static void conn_process_input(struct unixctl_conn *c)
{
    while (!c->busy && !c->closing && !c->dead && !c->out.len && c->in.len) {
        enum scan_result r = scan_json(&c->scan, c->in.data, c->in.len);
        if (r == SCAN_BAD) {
            conn_protocol_error(c, "invalid JSON-RPC message");
            return;
        }
        if (r == SCAN_MORE) {
            if (c->in.len > UNIXCTL_MAX_REQUEST) {
                conn_protocol_error(c, "request too long");
            } else if (only_space(c->in.data, c->in.len)) {
                c->in.len = 0;
                memset(&c->scan, 0, sizeof c->scan);
            }
            return;
        }
        size_t end = c->scan.pos;
        if (end > UNIXCTL_MAX_REQUEST) {
            conn_protocol_error(c, "request too long");
            return;
        }
        handle_message(c, c->in.data, end);
        if (c->in.len) {  /* a protocol error may have freed it */
            buf_consume(&c->in, end);
        }
        memset(&c->scan, 0, sizeof c->scan);
        c->request_start_ms = monotonic_ms();  /* of what follows, if any */
    }
}

/* Reading stops while a request is served or its reply is unsent: input
 * stays bounded and a peer cannot queue work faster than it reads. */
static bool conn_wants_input(const struct unixctl_conn *c)
{
    return !c->busy && !c->closing && !c->dead && !c->out.len;
}

static void conn_read(struct unixctl_conn *c)
{
    char chunk[UNIXCTL_READ_CHUNK];
    for (;;) {
        /* Stop reading a peer that floods us; the limit check then fires. */
        if (c->in.len > UNIXCTL_MAX_REQUEST || !conn_wants_input(c)) {
            return;
        }
        ssize_t n = recv(c->fd, chunk, sizeof chunk, MSG_DONTWAIT);
        if (n > 0) {
            if (!c->in.len) {
                c->request_start_ms = monotonic_ms();
            }
            buf_append(&c->in, chunk, (size_t) n);  /* room checked above */
            c->progress = true;
            conn_process_input(c);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                c->dead = true;
            }
            return;
        }
    }
}

/* The connection to close to make room: the oldest one with no request
 * being served and no reply being sent; NULL if none.  Oldest, not least
 * recently active: a peer that trickles bytes is active all the time,
 * while a client that just connected and is about to send its request is
 * always the youngest, so it is the last to go. */
static struct unixctl_conn *pick_victim(struct unixctl_server *s)
{
    struct unixctl_conn *victim = NULL;
    for (struct unixctl_conn *c = s->conns; c; c = c->next) {
        if (c->dead || c->busy || c->out.len) {
            continue;
        }
        if (!victim || c->accept_seq < victim->accept_seq) {
            victim = c;
        }
    }
    return victim;
}

/* Closes a connection to make room; false if every one is busy. */
static bool evict_one(struct unixctl_server *s, const char *why)
{
    struct unixctl_conn *victim = pick_victim(s);
    if (!victim) {
        return false;
    }
    VLOG_WARN_RL(&conn_rl, "%s; closing the oldest idle control connection",
                 why);
    close(victim->fd);
    victim->fd = -1;
    victim->dead = true;
    return true;
}

static void server_add_conn(struct unixctl_server *s, int fd)
{
    struct unixctl_conn *c = xcalloc(1, sizeof *c);
    c->fd = fd;
    c->last_active_ms = monotonic_ms();
    c->accept_seq = ++s->n_accepted;
    c->next = s->conns;
    s->conns = c;
    s->n_conns++;
}

/* Connections that are open (not yet marked dead). */
static size_t live_conns(const struct unixctl_server *s)
{
    size_t n = 0;
    for (const struct unixctl_conn *c = s->conns; c; c = c->next) {
        n += !c->dead;
    }
    return n;
}

static void server_accept(struct unixctl_server *s)
{
    uint64_t now = monotonic_ms();
    if (s->accept_paused_until > now) {
        return;
    }
    s->accept_paused_until = 0;
    if (!pstream_pending(s->fd)) {
        return;
    }
    size_t n_live = live_conns(s);
    /* A bounded batch: the new connections are read in this same run,
     * before a flood of later ones could push them out. */
    for (int i = 0; i < UNIXCTL_LISTEN_BACKLOG; i++) {
        int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if ((errno == EMFILE || errno == ENFILE)
                && evict_one(s, "out of file descriptors")) {
                n_live--;
                continue;
            }
            if (errno == EMFILE || errno == ENFILE) {
                s->accept_paused_until = now + UNIXCTL_ACCEPT_PAUSE_MS;
            }
            return;
        }
        if (n_live >= s->limits.max_conns) {
            if (!evict_one(s, "too many control connections")) {
                VLOG_WARN_RL(&conn_rl, "too many busy control connections; "
                             "refusing one");
                close(fd);
                continue;
            }
            n_live--;
        }
        server_add_conn(s, fd);
        n_live++;
    }
}

/* Polls every connection at once (without blocking) and marks the ready
 * ones, so that run() reads only those. */
static void server_poll_conns(struct unixctl_server *s)
{
    if (s->pfds_cap < s->n_conns) {
        s->pfds_cap = s->n_conns * 2;
        s->pfds = xrealloc(s->pfds, s->pfds_cap * sizeof *s->pfds);
    }
    size_t n = 0;
    for (struct unixctl_conn *c = s->conns; c; c = c->next) {
        c->ready = false;
        if (!c->dead) {
            short events = c->out.len ? POLLOUT : 0;
            events |= conn_wants_input(c) ? POLLIN : 0;
            s->pfds[n++] = (struct pollfd) { .fd = c->fd, .events = events };
        }
    }
    if (!n || poll(s->pfds, (nfds_t) n, 0) <= 0) {
        return;
    }
    size_t i = 0;
    for (struct unixctl_conn *c = s->conns; c; c = c->next) {
        if (!c->dead) {
            c->ready = s->pfds[i++].revents != 0;
        }
    }
}

/* Milliseconds from `since` to `now`; 0 when `since` is later (a read
 * during this run stamped its time after `now` was taken). */
static uint64_t ms_since(uint64_t now, uint64_t since)
{
    return now > since ? now - since : 0;
}

/* Closes `c` if it held a partial request or sat idle too long.  A
 * connection whose request a handler still serves never times out. */
static void conn_check_timeouts(const struct unixctl_server *s,
                                struct unixctl_conn *c, uint64_t now)
{
    if (c->dead || c->busy) {
        return;
    }
    if (c->in.len && !c->closing && !c->out.len
        && ms_since(now, c->request_start_ms)
           >= (uint64_t) s->limits.request_timeout_ms) {
        conn_protocol_error(c, "request timed out");
        c->dead = true;   /* its error reply went out if it could */
    } else if (ms_since(now, c->last_active_ms)
               >= (uint64_t) s->limits.idle_timeout_ms) {
        VLOG_DBG("closing idle control connection");
        c->dead = true;
    }
}

/* Serves one connection: sends, reads, answers, times out. */
static void conn_run(struct unixctl_server *s, struct unixctl_conn *c,
                     uint64_t now)
{
    if (c->ready) {
        conn_flush(c);
        if (!c->dead) {
            conn_read(c);
        }
    }
    conn_process_input(c);   /* a reply may have freed a queued request */
    conn_flush(c);
    if (c->progress) {
        c->progress = false;
        c->last_active_ms = now;
    }
    conn_check_timeouts(s, c, now);
}

void unixctl_server_run(struct unixctl_server *s)
{
    if (!s) {
        return;
    }
    server_accept(s);
    server_poll_conns(s);
    uint64_t now = monotonic_ms();
    for (struct unixctl_conn **p = &s->conns; *p;) {
        struct unixctl_conn *c = *p;
        if (!c->dead) {
            conn_run(s, c, now);
        }
        if (c->dead && !c->busy) {
            *p = c->next;
            s->n_conns--;
            conn_free(c);
        } else {
            p = &c->next;
        }
    }
}

void unixctl_server_set_limits(struct unixctl_server *s,
                               const struct unixctl_limits *limits)
{
    s->limits = *limits;
    if (!s->limits.max_conns) {
        s->limits.max_conns = 1;
    }
}

size_t unixctl_server_n_conns(const struct unixctl_server *s)
{
    return s ? live_conns(s) : 0;
}

int unixctl_server_pollfds(struct unixctl_server *s, struct pollfd *fds,
                           int max)
{
    int n = 0;
    if (!s || max <= 0) {
        return 0;
    }
    if (!s->accept_paused_until) {
        fds[n++] = (struct pollfd) { .fd = s->fd, .events = POLLIN };
    }
    for (struct unixctl_conn *c = s->conns; c && n < max; c = c->next) {
        if (c->dead) {
            continue;
        }
        short events = c->out.len ? POLLOUT : 0;
        events |= conn_wants_input(c) ? POLLIN : 0;
        if (!events) {
            continue;   /* a hang-up alone would wake the caller in a loop */
        }
        fds[n++] = (struct pollfd) { .fd = c->fd, .events = events };
    }
    return n;
}

void unixctl_server_destroy(struct unixctl_server *s)
{
    if (!s) {
        return;
    }
    while (s->conns) {
        struct unixctl_conn *c = s->conns;
        s->conns = c->next;
        /* Last words (e.g. the reply to "exit") get a short chance to go. */
        for (int tries = 0; c->out.len && !c->dead && tries < 100; tries++) {
            conn_flush(c);
            if (c->out.len) {
                struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };
                poll(&pfd, 1, 10);
            }
        }
        if (c->busy) {
            /* A handler still holds it: it leaks rather than dangles. */
            c->dead = true;
            continue;
        }
        conn_free(c);
    }
    close(s->fd);
    unlink(s->path);
    free(s->path);
    free(s->pfds);
    free(s);
}

/* ---- Client ---- */

/* Waits for `events` on fd until `deadline` (0: none).  0 or -errno. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
    for (;;) {
        int timeout = -1;
        if (deadline) {
            uint64_t now = monotonic_ms();
            if (now >= deadline) {
                return -ETIMEDOUT;
            }
            timeout = (int) (deadline - now);
        }
        struct pollfd pfd = { .fd = fd, .events = events };
        int n = poll(&pfd, 1, timeout);
        if (n > 0) {
            return 0;
        }
        if (n < 0 && errno != EINTR) {
            return -errno;
        }
    }
}

static int send_all(int fd, const char *data, size_t len, uint64_t deadline)
{
    while (len) {
        ssize_t n = send(fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            data += n;
            len -= (size_t) n;
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            int error = wait_fd(fd, POLLOUT, deadline);
            if (error) {
                return error;
            }
        } else {
            return n < 0 ? -errno : -EPIPE;
        }
    }
    return 0;
}

/* Reads one whole JSON object from fd into `in`; its length, or -errno. */
static long recv_message(int fd, struct buf *in, uint64_t deadline)
{
    struct json_scanner scan = { 0 };
    char chunk[UNIXCTL_READ_CHUNK];
    for (;;) {
        enum scan_result r = scan_json(&scan, in->data, in->len);
        if (r == SCAN_DONE) {
            return (long) scan.pos;
        }
        if (r == SCAN_BAD) {
            return -EPROTO;
        }
        ssize_t n = recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
        if (n > 0) {
            buf_append_unbounded(in, chunk, (size_t) n);  /* replies: any size */
        } else if (n == 0) {
            return -ECONNRESET;
        } else if (errno == EAGAIN || errno == EINTR) {
            int error = wait_fd(fd, POLLIN, deadline);
            if (error) {
                return error;
            }
        } else {
            return -errno;
        }
    }
}

/* A string member as text: strings as they are, anything else as JSON. */
static char *member_text(json_t *v)
{
    if (json_is_string(v)) {
        return xstrdup(json_string_value(v));
    }
    return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* Takes the reply in `text` apart into *result or *error. */
static int parse_reply(const char *text, size_t len, json_int_t want_id,
                       char **result, char **error)
{
    json_t *msg = json_loadb(text, len, 0, NULL);
    if (!msg) {
        return -EPROTO;
    }
    int rc = -EPROTO;
    json_t *id = json_object_get(msg, "id");
    json_t *res = json_object_get(msg, "result");
    json_t *err = json_object_get(msg, "error");
    if (json_is_integer(id) && json_integer_value(id) == want_id) {
        if (err && !json_is_null(err)) {
            *error = member_text(err);
            rc = *error ? 0 : -ENOMEM;
        } else if (res && !json_is_null(res)) {
            *result = member_text(res);
            rc = *result ? 0 : -ENOMEM;
        }
    }
    json_decref(msg);
    return rc;
}

int unixctl_client_call(const char *path, const char *method, int argc,
                        const char *const argv[], int timeout_ms,
                        char **result, char **error)
{
    *result = NULL;
    *error = NULL;
    uint64_t deadline = timeout_ms > 0 ? monotonic_ms() + (uint64_t) timeout_ms
                                       : 0;
    static json_int_t next_id;
    json_int_t id = next_id++;

    json_t *params = json_array();
    for (int i = 0; i < argc; i++) {
        json_array_append_new(params, json_text(argv[i]));
    }
    json_t *req = json_object();
    json_object_set_new(req, "id", json_integer(id));
    json_object_set_new(req, "method", json_text(method));
    json_object_set_new(req, "params", params);
    char *text = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    if (!text) {
        return -ENOMEM;
    }

    int fd = connect_to(path);
    if (fd < 0) {
        free(text);
        return fd;
    }
    struct buf in = { 0 };
    int rc = send_all(fd, text, strlen(text), deadline);
    free(text);
    if (!rc) {
        long len = recv_message(fd, &in, deadline);
        rc = len < 0 ? (int) len
                     : parse_reply(in.data, (size_t) len, id, result, error);
    }
    buf_free(&in);
    close(fd);
    return rc;
}
