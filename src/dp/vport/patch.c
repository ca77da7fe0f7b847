/* Patch port: send = re-enter the datapath as received on the peer.
 * The peer's port number is cached; see patch.h for how it is kept
 * right without the fast path touching control-thread-only lookups. */
#include "dp/vport/patch.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp/actions.h"
#include "dp/datapath.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(vport_patch);

#define PATCH_NO_PEER UINT32_MAX

struct patch_priv {
    char peer_name[VPORT_NAME_MAX];   /* fixed at create */
    _Atomic uint32_t peer_no;         /* cached, PATCH_NO_PEER if unknown */
    _Atomic uint64_t next_scan_ms;    /* rate limit of fast-path rescans */
    char last_err[VPORT_ERR_MAX];     /* control thread: what was logged */
};

static struct patch_priv *patch_priv(const struct vport *vp)
{
    return vp->priv;
}

static bool is_patch(const struct vport *vp)
{
    return vp && vp->ops == &vport_patch_ops && vp->priv;
}

/* True when `peer` is the port `vp` names and names `vp` back. */
static bool is_peer_of(const struct vport *peer, const struct vport *vp)
{
    return is_patch(peer) && peer != vp
           && !strcmp(peer->name, patch_priv(vp)->peer_name)
           && !strcmp(patch_priv(peer)->peer_name, vp->name);
}

static int patch_create(struct vport *vp, const struct vport_opt *opts,
                        size_t n_opts, char *err, size_t errlen)
{
    const char *peer = vport_opt_get(opts, n_opts, "peer");
    if (!peer || !*peer) {
        snprintf(err, errlen, "patch port %s requires peer option", vp->name);
        return -EINVAL;
    }
    if (strlen(peer) >= VPORT_NAME_MAX) {
        snprintf(err, errlen, "patch port %s: peer name '%s' is too long",
                 vp->name, peer);
        return -EINVAL;
    }
    if (!strcmp(peer, vp->name)) {
        snprintf(err, errlen, "patch port %s: peer must not be self",
                 vp->name);
        return -EINVAL;
    }
    for (size_t i = 0; i < n_opts; i++) {
        if (strcmp(opts[i].key, "peer")) {
            snprintf(err, errlen, "patch port %s: unknown option '%s'",
                     vp->name, opts[i].key);
            return -EINVAL;
        }
    }
    struct patch_priv *pp = xcalloc(1, sizeof *pp);
    snprintf(pp->peer_name, sizeof pp->peer_name, "%s", peer);
    atomic_init(&pp->peer_no, PATCH_NO_PEER);
    atomic_init(&pp->next_scan_ms, 0);
    vp->priv = pp;
    return 0;
}

static void patch_destroy(struct vport *vp)
{
    free(vp->priv);
    vp->priv = NULL;
}

/* Finds the peer by scanning port numbers under RCU (the caller holds the
 * read lock); rate limited so that a missing peer costs little. */
static struct vport *patch_rescan(struct vport *vp)
{
    struct patch_priv *pp = patch_priv(vp);
    uint64_t now = dp_time_ms();
    uint64_t next = atomic_load_explicit(&pp->next_scan_ms,
                                         memory_order_relaxed);
    if (now < next) {
        return NULL;
    }
    atomic_store_explicit(&pp->next_scan_ms, now + PATCH_RESCAN_MS,
                          memory_order_relaxed);
    for (uint32_t no = 0; no < DP_MAX_PORTS; no++) {
        struct vport *cand = datapath_port_get(vp->dp, no);
        if (cand && is_peer_of(cand, vp)) {
            atomic_store_explicit(&pp->peer_no, no, memory_order_relaxed);
            return cand;
        }
    }
    atomic_store_explicit(&pp->peer_no, PATCH_NO_PEER, memory_order_relaxed);
    return NULL;
}

/* The peer port, checked against the cache, or NULL. */
static struct vport *patch_peer(struct vport *vp)
{
    uint32_t no = atomic_load_explicit(&patch_priv(vp)->peer_no,
                                       memory_order_relaxed);
    struct vport *peer = no == PATCH_NO_PEER
                         ? NULL : datapath_port_get(vp->dp, no);
    if (peer && is_peer_of(peer, vp)) {
        return peer;
    }
    return patch_rescan(vp);
}

static int patch_send(struct vport *vp, const struct dp_packet *p)
{
    struct vport *peer = patch_peer(vp);
    if (!peer) {
        vport_count_tx_dropped(vp, DP_DROP_NO_PEER, 1);
        return -ENOTCONN;
    }
    vport_count_tx(vp, 1, p->len);
    vport_count_rx(peer, 1, p->len);

    /* The other bridge sees the frame fresh: tunnel metadata does not cross
     * a patch pair (as in OVS).  A shallow view: actions_reenter copies. */
    struct dp_packet view = *p;
    memset(&view.md.tunnel, 0, sizeof view.md.tunnel);
    actions_reenter(vp->dp, &view, peer->port_no);
    return 0;
}

/* Why `vp`'s pair is not complete: 0 and "" when it is (then *peerp is the
 * peer), else -ENOENT / -EINVAL with the reason in `err`.  Control thread:
 * looks the peer up by name. */
static int pair_problem(const struct vport *vp, struct vport **peerp,
                        char *err, size_t errlen)
{
    snprintf(err, errlen, "%s", "");
    const struct patch_priv *pp = patch_priv(vp);
    struct vport *peer = datapath_port_by_name(vp->dp, pp->peer_name);
    *peerp = peer;
    if (!peer) {
        snprintf(err, errlen, "patch port %s: peer '%s' does not exist",
                 vp->name, pp->peer_name);
        return -ENOENT;
    }
    if (!is_patch(peer)) {
        snprintf(err, errlen, "patch port %s: peer '%s' is not a patch port",
                 vp->name, pp->peer_name);
        return -EINVAL;
    }
    if (strcmp(patch_priv(peer)->peer_name, vp->name)) {
        snprintf(err, errlen,
                 "patch port %s: peer '%s' has peer '%s', not '%s'",
                 vp->name, pp->peer_name, patch_priv(peer)->peer_name,
                 vp->name);
        return -EINVAL;
    }
    return 0;
}

/* The link is up when the pair is complete; the error column says why
 * not.  Looked up afresh, so it is right even before ports_changed. */
static void patch_get_status(const struct vport *vp, struct vport_status *st)
{
    memset(st, 0, sizeof *st);
    struct vport *peer;
    st->link_up = !pair_problem(vp, &peer, st->error, sizeof st->error);
    st->mtu = -1;
}

static void patch_format_config(const struct vport *vp, char *buf,
                                size_t size)
{
    snprintf(buf, size, "peer=%s", patch_priv(vp)->peer_name);
}

/* After a configuration pass: refreshes the cached peer number at once
 * (the fast path would only rescan every PATCH_RESCAN_MS) and logs the
 * pair's state when it changed, not at every pass. */
static void patch_ports_changed(struct vport *vp)
{
    struct patch_priv *pp = patch_priv(vp);
    char err[VPORT_ERR_MAX];
    struct vport *peer;
    int error = pair_problem(vp, &peer, err, sizeof err);
    atomic_store_explicit(&pp->peer_no, error ? PATCH_NO_PEER : peer->port_no,
                          memory_order_relaxed);
    if (strcmp(err, pp->last_err)) {
        if (*err) {
            VLOG_INFO("%s", err);
        } else {
            VLOG_INFO("patch port %s: connected to %s", vp->name,
                      pp->peer_name);
        }
        snprintf(pp->last_err, sizeof pp->last_err, "%s", err);
    }
}

const char *vport_patch_peer(const struct vport *vp)
{
    return is_patch(vp) ? patch_priv(vp)->peer_name : NULL;
}

const struct vport_ops vport_patch_ops = {
    .type = "patch",
    .create = patch_create,
    .destroy = patch_destroy,
    .send = patch_send,
    .flush = NULL,
    .recv = NULL,
    .get_status = patch_get_status,
    .ports_changed = patch_ports_changed,
    .format_config = patch_format_config,
};
