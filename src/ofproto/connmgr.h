/* The OpenFlow connections of one bridge: the management socket every
 * bridge listens on (RUNDIR/BRIDGE.mgmt), the controllers of its Controller
 * table (active "tcp:"/"unix:" targets that reconnect with back-off, passive
 * "ptcp:"/"punix:" listeners that accept any number), and for each
 * connection its negotiated version, role, formats and async config.
 *
 * connmgr frames what arrives, answers what is the connection's own
 * business (hello and version negotiation, echo, errors, role requests,
 * async config, the Nicira format and controller-id messages, barrier) and
 * hands every other message to ofproto_ofp_handle() (ofproto_ofp.h).  It
 * sends the asynchronous messages (packet_in, flow_removed, port_status)
 * to each connection that wants them, in that connection's format.
 *
 * No peer can stall the bridge: sockets are non-blocking, a connection's
 * unsent output is bounded (past the bound, packet-ins to it are dropped
 * and counted; replies past a larger bound close it), a connection that
 * sends nothing for its inactivity probe interval gets an echo request and
 * is closed when it does not answer in as long again.
 *
 * Threads: the control (main) thread only. */
#ifndef VS_OFPROTO_CONNMGR_H
#define VS_OFPROTO_CONNMGR_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ofp/ofp_msgs.h"

struct connmgr;
struct ofconn;
struct ofproto;

enum connmgr_fail_mode {
    CONNMGR_FAIL_STANDALONE,   /* NORMAL switching while no controller is
                                * connected (OVS's default) */
    CONNMGR_FAIL_SECURE,       /* only the flows the controllers set */
};

/* A controller as its Controller row says it. */
struct connmgr_controller {
    const char *target;        /* "tcp:IP[:PORT]", "ptcp:PORT[:IP]",
                                * "unix:PATH", "punix:PATH" */
    int max_backoff_ms;        /* 0: default 8000 */
    int probe_interval_ms;     /* 0: default 5000; < 0: no probes */
};

/* The connection manager of `ofproto`, listening on `mgmt_path` (a UNIX
 * socket created with mode 0600, replacing a stale one).  NULL with `err`
 * filled when the socket cannot be made.  When `mgmt_path` ends in
 * ".mgmt" it also listens on the same path with ".snoop" (OVS's snoop
 * socket, mode 0600; only logged when it cannot be made): a connection
 * there says hello and then gets a copy of every message sent to or
 * received from one active controller's connection (the one with the
 * highest role, as OVS picks), in that connection's version; it is closed
 * at once when the bridge has no active controller.  A snooper that does
 * not read loses copies (connmgr_n_snoop_drops), never stalls anything. */
struct connmgr *connmgr_create(struct ofproto *ofproto,
                               const char *mgmt_path, char *err,
                               size_t errlen);
/* Closes every connection and listener and unlinks the mgmt socket. */
void connmgr_destroy(struct connmgr *mgr);

/* Replaces the controllers: connections to targets still listed stay up,
 * others are closed, new ones are opened.  `versions` is the hello bitmap
 * the Bridge's protocols column allows (0: OFP_SUPPORTED_VERSIONS); it
 * applies to the mgmt socket too.  A target that does not parse is
 * skipped with a log message. */
void connmgr_set_controllers(struct connmgr *mgr,
                             const struct connmgr_controller *ctls, size_t n,
                             uint32_t versions,
                             enum connmgr_fail_mode fail_mode);

/* True when some controller (not the mgmt socket, not a passive listener's
 * service connection) is connected: fail_mode standalone switches NORMAL
 * only while this is false. */
bool connmgr_controller_connected(const struct connmgr *mgr);
/* True when controller `target` (as given to connmgr_set_controllers) has
 * a negotiated connection: the active one, or for a passive target any
 * connection accepted on it.  What Controller:is_connected says. */
bool connmgr_target_connected(const struct connmgr *mgr, const char *target);
enum connmgr_fail_mode connmgr_fail_mode(const struct connmgr *mgr);

/* The fds to wait on and the time of the next timer (connect retries,
 * probes): lowers *timeout_ms when sooner.  Returns how many fds it added
 * (at most `max`). */
int connmgr_pollfds(struct connmgr *mgr, struct pollfd *fds, int max,
                    int *timeout_ms);
/* Accepts, connects, reads and handles what arrived, writes what is
 * queued, runs the timers.  Never blocks. */
void connmgr_run(struct connmgr *mgr);

/* Asynchronous messages, each sent to every connection whose role, async
 * config and (for packet_in) miss behaviour wants it, in its version and
 * format.  Packet-ins to a connection whose output is backed up are
 * dropped and counted (connmgr_n_packet_in_drops).
 *
 * Packet-in reasons, as OVS has them: a packet that matched no rule at all
 * (an implicit table miss) is pin->reason OFPR_NO_MATCH with pin->cookie
 * UINT64_MAX; it goes to OpenFlow 1.0 connections only (1.3+ need a
 * table-miss flow), cut to the connection's miss_send_len.  The controller
 * action of a table-miss flow (priority 0, matches all) is OFPR_NO_MATCH
 * with the rule's cookie: 1.3+ get NO_MATCH, 1.0 gets OFPR_ACTION.  Other
 * controller actions are OFPR_ACTION; pin->len is already cut to the
 * action's max_len.  `controller_id` (the action's id=, 0 for table
 * misses) must equal the connection's NXT_SET_CONTROLLER_ID (default 0).
 * A service connection (mgmt socket, accepted on a passive target) gets
 * asynchronous messages only after it sets a nonzero miss_send_len. */
void connmgr_send_packet_in(struct connmgr *mgr,
                            const struct ofp_packet_in *pin,
                            uint16_t controller_id);
void connmgr_send_flow_removed(struct connmgr *mgr,
                               const struct ofp_flow_removed *fr);
void connmgr_send_port_status(struct connmgr *mgr,
                              enum ofp_port_reason reason,
                              const struct ofp_phy_port *port);
uint64_t connmgr_n_packet_in_drops(const struct connmgr *mgr);
/* Copies to snoopers dropped because their output was backed up. */
uint64_t connmgr_n_snoop_drops(const struct connmgr *mgr);
/* The snoop socket's path, or NULL when there is none. */
const char *connmgr_snoop_path(const struct connmgr *mgr);
/* True when some connection would take an implicit table-miss packet-in
 * (an OpenFlow 1.0 connection that gets packet-ins): without one, a table
 * miss is simply dropped. */
bool connmgr_wants_packet_in_on_miss(const struct connmgr *mgr);

/* What ofproto_ofp.c needs of the connection a message came on. */
uint8_t ofconn_version(const struct ofconn *c);
enum ofp_flow_format ofconn_flow_format(const struct ofconn *c);
bool ofconn_table_id_enabled(const struct ofconn *c);   /* NXT_FLOW_MOD_
                                                         * TABLE_ID */
enum ofp_role ofconn_role(const struct ofconn *c);
/* The miss_send_len the connection's last SET_CONFIG gave (OVS's default:
 * 128 for a controller, 0 for a service connection): GET_CONFIG replies
 * carry it. */
uint16_t ofconn_miss_send_len(const struct ofconn *c);
/* Queues the bytes of `b` (one or more whole messages) for sending and
 * empties `b`. */
void ofconn_send(struct ofconn *c, struct ofpbuf *b);
/* Sends an OFPT_ERROR for `error` in reply to `req`. */
void ofconn_send_error(struct ofconn *c, const struct ofp_msg *req,
                       enum ofperr error);

#endif
