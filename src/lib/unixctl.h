/* The control socket: JSON-RPC 1.0 over a UNIX stream socket, as ovs-appctl
 * speaks it.  A request is {"id":N,"method":"dpctl/show","params":["-s"]}
 * (params are strings); the reply is {"id":N,"result":"text","error":null}
 * or {"id":N,"result":null,"error":"text"}.  Messages are bare JSON objects
 * back to back on the stream (no framing), as in OVS. */
#ifndef VS_LIB_UNIXCTL_H
#define VS_LIB_UNIXCTL_H

#include <poll.h>
#include <stdbool.h>

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
void unixctl_server_destroy(struct unixctl_server *s);

/* Accepts connections and serves complete requests without blocking. */
void unixctl_server_run(struct unixctl_server *s);

/* Adds the server's file descriptors to `fds` (at most `max`) for poll();
 * returns how many it added. */
int unixctl_server_pollfds(struct unixctl_server *s, struct pollfd *fds,
                           int max);

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
