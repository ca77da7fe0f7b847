/* The client side of an OpenFlow connection, as ovs-ofctl's vconn:
 * connect to "unix:PATH" or "tcp:IP[:PORT]", exchange hellos, and run
 * blocking request/reply transactions (xid matching, multipart
 * assembly, echo replies while waiting, barriers after requests that only
 * answer with errors).
 *
 * Blocking, single-threaded; errors return -errno (or -EPROTO for a peer
 * that broke the protocol) with an ovs-ofctl-worded line in `err`. */
#ifndef VS_OFP_VCONN_H
#define VS_OFP_VCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp/ofp_msgs.h"
#include "ofp/ofpbuf.h"

struct vconn;

/* The next transaction id: one counter for the whole process (starting
 * at 1), as ovs-ofctl's, so that replies print the same xids. */
uint32_t vconn_next_xid(void);
/* Skips `n` ids (where ovs-ofctl spends them on connections vs-ofctl does
 * not need). */
void vconn_skip_xids(unsigned n);

/* Connects to `target` ("unix:PATH", "tcp:IP[:PORT]") offering the
 * `versions` bitmap, and negotiates.  0 or -errno with `err`:
 * "connecting to unix:/x (No such file or directory)" style text is the
 * caller's; `err` gets just the reason ("No such file or directory",
 * "version negotiation failed (...)"). */
int vconn_open(const char *target, uint32_t versions, struct vconn **vp,
               char *err, size_t errlen);
void vconn_close(struct vconn *v);
/* The two halves of vconn_open: the socket, then the hellos. */
int vconn_connect(const char *target, struct vconn **vp, char *err,
                  size_t errlen);
int vconn_handshake(struct vconn *v, uint32_t versions, char *err,
                    size_t errlen);

uint8_t vconn_version(const struct vconn *v);
const char *vconn_name(const struct vconn *v);

/* Sends the message(s) in `b` whole. */
int vconn_send(struct vconn *v, const struct ofpbuf *b);

/* Receives one message into `msg` (its bytes in `buf`, replaced); with
 * `answer_echo`, echo requests are answered and skipped.  `timeout_ms` < 0
 * waits forever; -ETIMEDOUT when nothing came; -EOF (as -EPIPE) when the
 * peer closed. */
int vconn_recv(struct vconn *v, struct ofpbuf *buf, struct ofp_msg *msg,
               bool answer_echo, int timeout_ms);

/* Sends `request` (one message) and waits for the message with its xid,
 * skipping others. */
int vconn_transact(struct vconn *v, const struct ofpbuf *request,
                   struct ofpbuf *reply, struct ofp_msg *msg);

/* Sends `request` and a barrier and waits for the barrier's reply.  When
 * the switch answered the request with an error, *error holds it (the
 * caller prints it and frees it with ofpbuf_uninit) and the return is 0;
 * error->size is 0 when there was none. */
int vconn_transact_noreply(struct vconn *v, const struct ofpbuf *request,
                           struct ofpbuf *error);

/* A multipart request: `cb` is called for each reply message (with the
 * request's xid) until one without OFPMPF_MORE, or an error (given to `cb`
 * too: it ends the dump).  Returns 0, or the first non-zero `cb` return,
 * or -errno. */
typedef int vconn_dump_cb(const struct ofp_msg *reply, void *aux);
int vconn_dump(struct vconn *v, const struct ofpbuf *request,
               vconn_dump_cb *cb, void *aux);

/* The peer's reason a call failed, for messages. */
const char *vconn_strerror(int error);

#endif
