/* The control socket: JSON-RPC 1.0 over a UNIX stream socket, as ovs-appctl
 * speaks it.  A request is {"id":N,"method":"dpctl/show","params":["-s"]}
 * (params are strings); the reply is {"id":N,"result":"text","error":null}
 * or {"id":N,"result":null,"error":"text"}.  Messages are bare JSON objects
 * back to back on the stream (no framing), as in OVS. */
#ifndef VS_LIB_UNIXCTL_H
#define VS_LIB_UNIXCTL_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

/* Limits of the server.  Whatever other peers do (hold connections, send
 * a byte at a time, send garbage, never read their replies), a client that
 * sends a whole request and reads its reply gets its answer at once:
 *
 * UNIXCTL_MAX_CONNS           connections served at once.  When it is
 *                             reached, a new connection closes the oldest
 *                             one that has no request being served and no
 *                             reply being sent (the newcomer is refused
 *                             only when every one is so busy); the same
 *                             when accept() runs out of fds.
 * UNIXCTL_REQUEST_TIMEOUT_MS  a request must arrive whole within this time
 *                             of its first byte; a slower one gets an error
 *                             reply and the connection closes.
 * UNIXCTL_IDLE_TIMEOUT_MS     a connection with nothing under way closes
 *                             after this long; so does one whose reply the
 *                             peer stops reading for this long.
 * UNIXCTL_MAX_REQUEST         bytes of one request; a longer one gets an
 *                             error reply and the connection closes.  Input
 *                             is read only while no request is being served
 *                             or answered, so a connection buffers at most
 *                             this plus UNIXCTL_READ_CHUNK of input and one
 *                             reply of output.
 * UNIXCTL_READ_CHUNK          bytes read from a connection at a time.
 * UNIXCTL_MAX_PARAMS          params of one request.
 * UNIXCTL_LISTEN_BACKLOG      connections the kernel queues before accept,
 *                             and the most accepted in one run.
 * UNIXCTL_ACCEPT_PAUSE_MS     how long accepting pauses when no fd can be
 *                             had and no connection can be closed (so the
 *                             listening socket does not spin the loop). */
#define UNIXCTL_MAX_CONNS 512
#define UNIXCTL_REQUEST_TIMEOUT_MS 5000
#define UNIXCTL_IDLE_TIMEOUT_MS 30000
#define UNIXCTL_MAX_REQUEST (1024 * 1024)
#define UNIXCTL_READ_CHUNK 65536
#define UNIXCTL_MAX_PARAMS 256
#define UNIXCTL_LISTEN_BACKLOG 128
#define UNIXCTL_ACCEPT_PAUSE_MS 100

/* The limits a server applies; unixctl_server_create() starts with
 * UNIXCTL_LIMITS_DEFAULT (tests set smaller ones to see them act). */
struct unixctl_limits {
    size_t max_conns;
    int request_timeout_ms;
    int idle_timeout_ms;
};
#define UNIXCTL_LIMITS_DEFAULT                                               \
    { UNIXCTL_MAX_CONNS, UNIXCTL_REQUEST_TIMEOUT_MS, UNIXCTL_IDLE_TIMEOUT_MS }

struct unixctl_server;
struct unixctl_conn;

/* A command handler: argv[0] is the method name, argv[1..] the params.
 * It must answer once, with unixctl_reply or unixctl_reply_error. */
typedef void unixctl_cb(struct unixctl_conn *conn, int argc,
                        const char *argv[], void *aux);

/* Registers `name` for every server of this process; `usage` is shown by
 * list-commands; requests with fewer than min_args or more than max_args
 * params get an error reply without calling `cb`. */
void unixctl_command_register(const char *name, const char *usage,
                              int min_args, int max_args, unixctl_cb *cb,
                              void *aux);

/* Forgets every registered command (tests). */
void unixctl_command_clear(void);

/* Listens on `path` (mode 0600, an old socket file is replaced).
 * 0 or -errno. */
int unixctl_server_create(const char *path, struct unixctl_server **out);
/* Closes every connection (after a short chance to send pending replies)
 * and removes the socket file. */
void unixctl_server_destroy(struct unixctl_server *s);

/* Replaces the server's limits (max_conns at least 1). */
void unixctl_server_set_limits(struct unixctl_server *s,
                               const struct unixctl_limits *limits);

/* Connections currently open (tests). */
size_t unixctl_server_n_conns(const struct unixctl_server *s);

/* Accepts connections, serves complete requests and closes connections that
 * timed out, without blocking.  Call it at least once a second (timeouts
 * are checked here). */
void unixctl_server_run(struct unixctl_server *s);

/* Adds the server's file descriptors to `fds` (at most `max`) for poll();
 * returns how many it added.  The listening socket comes first, then the
 * newest connections: unixctl_server_run() polls all of them itself, so
 * those left out are still served whenever the caller wakes. */
int unixctl_server_pollfds(struct unixctl_server *s, struct pollfd *fds,
                           int max);

/* Answers the request `conn` is serving with `result` (or `error`). */
void unixctl_reply(struct unixctl_conn *conn, const char *result);
void unixctl_reply_error(struct unixctl_conn *conn, const char *error);

/* Client: sends one request to the server at `path` and waits up to
 * `timeout_ms` (0: forever) for its reply.  Returns 0 with *result or
 * *error set (malloc'd; the other NULL), or -errno when the server could
 * not be reached or answered nonsense. */
int unixctl_client_call(const char *path, const char *method, int argc,
                        const char *const argv[], int timeout_ms,
                        char **result, char **error);

#endif
