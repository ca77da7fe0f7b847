/* Byte-stream sockets named the way OVS names them: active "tcp:IP[:PORT]"
 * and "unix:PATH", passive "ptcp:PORT[:IP]" and "punix:PATH".  IPv6
 * addresses go in brackets ("tcp:[::1]:6653").  The default port is 6653;
 * a passive TCP socket binds 127.0.0.1 unless an address is given (vswitch
 * does not listen on every address unless told to).  Every fd returned is
 * non-blocking and close-on-exec.
 *
 * Threads: any; no state of its own. */
#ifndef VS_LIB_STREAM_H
#define VS_LIB_STREAM_H

#include <stdbool.h>
#include <stddef.h>

/* True for "ptcp:" and "punix:" targets. */
bool stream_target_is_passive(const char *target);

/* Checks `target` without opening anything: 0, or -EINVAL with `err`
 * ("tcp:1.2.3: bad address"). */
int stream_verify_target(const char *target, char *err, size_t errlen);

/* Starts connecting to active `target`: returns a fd (connection maybe
 * still in progress: wait for POLLOUT and call stream_connect_done), or
 * -errno with `err`. */
int stream_open(const char *target, char *err, size_t errlen);
/* 0 when the connect of `fd` completed, -EAGAIN while in progress, else
 * -errno. */
int stream_connect_done(int fd);

/* Opens passive `target` (a stale UNIX socket file is replaced; `mode`
 * applies to it, e.g. 0600): returns a listening fd or -errno with `err`.
 * For "ptcp:0" the kernel picks the port: stream_bound_port() tells it. */
int pstream_open(const char *target, unsigned mode, char *err,
                 size_t errlen);
/* Accepts one connection: a fd, or -EAGAIN when none is waiting, or
 * -errno. */
int pstream_accept(int listen_fd);
/* True when a connection waits on `listen_fd` (a zero-timeout poll).  A
 * failing accept4() costs the kernel a socket, an inode and a file before
 * it says EAGAIN, so a main loop checks this first on every pass. */
bool pstream_pending(int listen_fd);
/* The local TCP port of `fd`, or -1. */
int stream_bound_port(int fd);

#endif
