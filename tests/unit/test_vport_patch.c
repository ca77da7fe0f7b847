/* Unit tests for the patch port: option checks, re-entry on the peer (two
 * "bridges" in one datapath joined by a patch pair), peers that are missing
 * or mismatched, a peer that comes later, tunnel metadata not crossing, and
 * a loop of patch ports stopped by the recursion limit. */
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>
#include <cmocka.h>

#include "dp/actions.h"
#include "dp/datapath.h"
#include "dp/vport/vport.h"
#include "dp/vport/patch.h"

static uint32_t add_port(struct datapath *dp, const char *name,
                         const char *type, const char *peer)
{
    struct vport_opt opt = { "peer", peer };
    char err[VPORT_ERR_MAX] = "";
    uint32_t no = UINT32_MAX;
    int error = datapath_port_add(dp, name, type, &opt, peer ? 1 : 0, &no,
                                  err, sizeof err);
    if (error) {
        fail_msg("adding %s: %d %s", name, error, err);
    }
    return no;
}

static void flow_in_out(struct datapath *dp, uint32_t in_port, uint32_t out)
{
    struct flow_key key, mask;
    memset(&key, 0, sizeof key);
    memset(&mask, 0, sizeof mask);
    key.in_port = in_port;
    mask.in_port = UINT32_MAX;
    static struct action_buf acts;
    action_buf_init(&acts);
    action_put_output(&acts, out);
    assert_int_equal(datapath_flow_put(dp, &key, &mask, acts.data, acts.len,
                                       false), 0);
}

static const uint8_t frame[60] = {
    0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xb5, 'p', 'a',
    't', 'c', 'h',
};

static struct vport *port(struct datapath *dp, uint32_t no)
{
    struct vport *vp = datapath_port_get(dp, no);
    assert_non_null(vp);
    return vp;
}

static struct vport_stats stats(struct datapath *dp, uint32_t no)
{
    struct vport_stats st;
    vport_stats_read(port(dp, no), &st);
    return st;
}

/* What port `no` reports through its get_status op. */
static struct vport_status status(struct datapath *dp, uint32_t no)
{
    struct vport_status st;
    memset(&st, 0x55, sizeof st);       /* get_status must fill all of it */
    port(dp, no)->ops->get_status(port(dp, no), &st);
    return st;
}

/* Injects the frame on memory port `in` and runs it through the datapath. */
static void inject(struct datapath *dp, uint32_t in)
{
    assert_int_equal(vport_memory_inject(port(dp, in), frame, sizeof frame),
                     0);
    assert_int_equal(datapath_poll_port(dp, in), 1);
}

static void test_options(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("pt0");
    char err[VPORT_ERR_MAX] = "";
    uint32_t no = UINT32_MAX;
    assert_int_equal(datapath_port_add(dp, "p1", "patch", NULL, 0, &no, err,
                                       sizeof err), -EINVAL);
    assert_string_equal(err, "patch port p1 requires peer option");
    struct vport_opt self = { "peer", "p1" };
    assert_int_equal(datapath_port_add(dp, "p1", "patch", &self, 1, &no, err,
                                       sizeof err), -EINVAL);
    assert_non_null(strstr(err, "self"));
    struct vport_opt extra[] = { { "peer", "p2" }, { "mtu", "9000" } };
    assert_int_equal(datapath_port_add(dp, "p1", "patch", extra, 2, &no, err,
                                       sizeof err), -EINVAL);
    assert_non_null(strstr(err, "mtu"));
    assert_null(datapath_port_by_name(dp, "p1"));

    uint32_t p1 = add_port(dp, "p1", "patch", "p2");
    char buf[64];
    port(dp, p1)->ops->format_config(port(dp, p1), buf, sizeof buf);
    assert_string_equal(buf, "peer=p2");
    assert_string_equal(vport_patch_peer(port(dp, p1)), "p2");
    datapath_destroy(dp);
}

/* Bridge 1 = {a, p1}, bridge 2 = {p2, b}: a -> p1 ~ p2 -> b. */
static void test_pair_reentry(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("pt1");
    uint32_t a = add_port(dp, "a", "memory", NULL);
    uint32_t b = add_port(dp, "b", "memory", NULL);
    uint32_t p1 = add_port(dp, "p1", "patch", "p2");
    uint32_t p2 = add_port(dp, "p2", "patch", "p1");
    flow_in_out(dp, a, p1);
    flow_in_out(dp, p2, b);

    /* Without datapath_ports_changed: the fast path finds the peer itself. */
    inject(dp, a);
    uint8_t out[128];
    assert_int_equal(vport_memory_take(port(dp, b), out, sizeof out),
                     sizeof frame);
    assert_memory_equal(out, frame, sizeof frame);
    assert_int_equal(stats(dp, p1).tx_packets, 1);
    assert_int_equal(stats(dp, p1).tx_bytes, sizeof frame);
    assert_int_equal(stats(dp, p2).rx_packets, 1);
    assert_int_equal(stats(dp, p2).tx_packets, 0);

    struct vport_status st = status(dp, p1);
    assert_int_equal(st.link_up, 1);
    assert_string_equal(st.error, "");
    assert_int_equal(st.mtu, -1);

    /* The reverse direction works too. */
    flow_in_out(dp, b, p2);
    flow_in_out(dp, p1, a);
    inject(dp, b);
    assert_int_equal(vport_memory_take(port(dp, a), out, sizeof out),
                     sizeof frame);
    struct dp_stats ds;
    datapath_get_stats(dp, &ds);
    assert_int_equal(ds.n_recursion_drops, 0);
    datapath_destroy(dp);
}

static void test_missing_and_mismatched_peer(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("pt2");
    uint32_t a = add_port(dp, "a", "memory", NULL);
    uint32_t b = add_port(dp, "b", "memory", NULL);
    uint32_t p3 = add_port(dp, "p3", "patch", "nope");
    uint32_t p1 = add_port(dp, "p1", "patch", "p2");
    uint32_t p2 = add_port(dp, "p2", "patch", "p1");
    uint32_t p4 = add_port(dp, "p4", "patch", "p1");   /* p1's peer is p2 */
    uint32_t p5 = add_port(dp, "p5", "patch", "a");    /* not a patch port */
    datapath_ports_changed(dp);

    /* The error column's text comes through the generic get_status op. */
    assert_string_equal(status(dp, p3).error,
                        "patch port p3: peer 'nope' does not exist");
    assert_string_equal(status(dp, p4).error,
                        "patch port p4: peer 'p1' has peer 'p2', not 'p4'");
    assert_string_equal(status(dp, p5).error,
                        "patch port p5: peer 'a' is not a patch port");
    assert_int_equal(status(dp, p3).link_up, 0);
    assert_int_equal(status(dp, p4).link_up, 0);
    assert_int_equal(status(dp, p5).link_up, 0);
    assert_int_equal(status(dp, p2).link_up, 1);
    assert_string_equal(status(dp, p2).error, "");

    /* Output to the broken ports: counted drops, nothing re-enters. */
    flow_in_out(dp, a, p3);
    flow_in_out(dp, b, p4);
    flow_in_out(dp, p1, a);    /* would show a wrong re-entry on p1 */
    inject(dp, a);
    inject(dp, b);
    assert_int_equal(stats(dp, p3).tx_dropped, 1);
    assert_int_equal(stats(dp, p4).tx_dropped, 1);
    assert_int_equal(stats(dp, p3).tx_packets + stats(dp, p4).tx_packets, 0);
    assert_int_equal(stats(dp, p1).rx_packets, 0);
    assert_int_equal(vport_memory_tx_count(port(dp, a)), 0);
    datapath_destroy(dp);
}

/* A peer added after its partner starts working once resolved: the first
 * inject started the fast path's PATCH_RESCAN_MS pause, so only the
 * ports_changed op (through datapath_ports_changed) finds p6 in time. */
static void test_late_peer(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("pt3");
    uint32_t a = add_port(dp, "a", "memory", NULL);
    uint32_t b = add_port(dp, "b", "memory", NULL);
    uint32_t p5 = add_port(dp, "p5", "patch", "p6");
    flow_in_out(dp, a, p5);
    inject(dp, a);
    assert_int_equal(stats(dp, p5).tx_dropped, 1);

    uint32_t p6 = add_port(dp, "p6", "patch", "p5");
    flow_in_out(dp, p6, b);
    datapath_ports_changed(dp);
    inject(dp, a);
    assert_int_equal(vport_memory_tx_count(port(dp, b)), 1);
    assert_int_equal(stats(dp, p5).tx_packets, 1);

    /* The peer goes away: drops again, even with a new port where it was. */
    assert_int_equal(datapath_port_del(dp, p6), 0);
    uint32_t no = p6;
    char err[VPORT_ERR_MAX];
    assert_int_equal(datapath_port_add(dp, "imposter", "memory", NULL, 0, &no,
                                       err, sizeof err), 0);
    assert_int_equal(no, p6);
    inject(dp, a);
    assert_int_equal(stats(dp, p5).tx_dropped, 2);
    assert_int_equal(vport_memory_tx_count(port(dp, no)), 0);
    datapath_destroy(dp);
}

/* Tunnel metadata does not cross the pair: the miss on p2 has none. */
struct seen {
    int n;
    struct flow_key key;
};

static void on_upcall(const struct upcall *u, void *aux)
{
    struct seen *s = aux;
    s->n++;
    s->key = u->key;
}

static void test_tunnel_metadata_cleared(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("pt4");
    uint32_t p1 = add_port(dp, "p1", "patch", "p2");
    uint32_t p2 = add_port(dp, "p2", "patch", "p1");
    datapath_ports_changed(dp);

    static uint8_t buf[PACKET_HEADROOM + 128];
    struct dp_packet p;
    dp_packet_init(&p, buf, sizeof buf, PACKET_HEADROOM);
    assert_true(dp_packet_set_data(&p, frame, sizeof frame));
    p.md.tunnel.tun_id = htobe64(42);
    p.md.tunnel.ip_dst = 0x01020304;
    p.md.tunnel.flags = FLOW_TNL_F_KEY;
    static struct action_buf acts;
    action_buf_init(&acts);
    action_put_output(&acts, p1);
    datapath_execute(dp, &p, acts.data, acts.len);

    struct seen s = { 0 };
    datapath_upcall_drain(dp, on_upcall, &s, 16);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.key.in_port, p2);
    struct flow_tnl zero;
    memset(&zero, 0, sizeof zero);
    assert_memory_equal(&s.key.tunnel, &zero, sizeof zero);
    datapath_destroy(dp);
}

/* Flows that bounce a packet between two bridges forever: the recursion
 * limit ends it, counted, and the poll returns. */
static void test_patch_loop_stopped(void **state)
{
    (void)state;
    struct datapath *dp = datapath_create("pt5");
    uint32_t a = add_port(dp, "a", "memory", NULL);
    uint32_t p1 = add_port(dp, "p1", "patch", "p2");
    uint32_t p2 = add_port(dp, "p2", "patch", "p1");
    datapath_ports_changed(dp);
    flow_in_out(dp, a, p1);
    flow_in_out(dp, p2, p2);   /* back over the pair ... */
    flow_in_out(dp, p1, p1);   /* ... and again, forever */

    inject(dp, a);
    struct dp_stats ds;
    datapath_get_stats(dp, &ds);
    assert_int_equal(ds.n_recursion_drops, 1);
    uint64_t crossings = stats(dp, p1).rx_packets + stats(dp, p2).rx_packets;
    assert_true(crossings >= ACTIONS_RECURSION_LIMIT);
    assert_true(crossings <= ACTIONS_RECURSION_LIMIT + 1);

    /* Again: each packet costs one drop, no more. */
    inject(dp, a);
    inject(dp, a);
    datapath_get_stats(dp, &ds);
    assert_int_equal(ds.n_recursion_drops, 3);
    datapath_destroy(dp);
}

/* datapath_ports_changed calls the op of every port that has one, and
 * skips the types without it. */
static int n_changed_calls;

static int counting_create(struct vport *vp, const struct vport_opt *opts,
                           size_t n, char *err, size_t errlen)
{
    (void)vp, (void)opts, (void)n, (void)err, (void)errlen;
    return 0;
}

static int counting_send(struct vport *vp, const struct dp_packet *p)
{
    (void)vp, (void)p;
    return 0;
}

static void counting_ports_changed(struct vport *vp)
{
    assert_non_null(datapath_port_by_name(vp->dp, vp->name));
    n_changed_calls++;
}

static const struct vport_ops counting_ops = {
    .type = "test-counting",
    .create = counting_create,
    .send = counting_send,
    .ports_changed = counting_ports_changed,
};

static void test_ports_changed_op(void **state)
{
    (void)state;
    assert_int_equal(vport_register(&counting_ops), 0);
    assert_non_null(vport_patch_ops.ports_changed);
    struct datapath *dp = datapath_create("pt6");
    add_port(dp, "c1", "test-counting", NULL);
    add_port(dp, "c2", "test-counting", NULL);
    add_port(dp, "m", "memory", NULL);      /* no op: skipped */
    n_changed_calls = 0;
    datapath_ports_changed(dp);
    assert_int_equal(n_changed_calls, 2);
    datapath_destroy(dp);
}

int main(void)
{
    rcu_register_thread();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_pair_reentry),
        cmocka_unit_test(test_missing_and_mismatched_peer),
        cmocka_unit_test(test_late_peer),
        cmocka_unit_test(test_tunnel_metadata_cleared),
        cmocka_unit_test(test_patch_loop_stopped),
        cmocka_unit_test(test_ports_changed_op),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rcu_unregister_thread();
    return rc;
}
