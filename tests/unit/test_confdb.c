/* Unit tests of the configuration store: creation, persistence, atomic
 * transactions, garbage collection, integrity checks, the typed snapshot
 * and status write-back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/confdb.h"
#include "db/vsctl.h"

#include "test_db_fixture.h"

static void reopen(struct fixture *f)
{
    char err[256];
    confdb_close(f->db);
    assert_int_equal(confdb_open(f->path, &f->db, err, sizeof err), 0);
}

static void test_open_creates_root(void **state)
{
    struct fixture *f = *state;
    char *err = NULL;
    assert_int_equal(confdb_begin(f->db, &err), 0);
    assert_int_equal(confdb_n_rows(f->db, TBL_OPEN_VSWITCH), 1);
    char uuid[37];
    strcpy(uuid, confdb_root(f->db)->uuid);
    confdb_rollback(f->db);
    reopen(f);
    assert_int_equal(confdb_begin(f->db, &err), 0);
    /* The same single root row after reopening. */
    assert_int_equal(confdb_n_rows(f->db, TBL_OPEN_VSWITCH), 1);
    assert_string_equal(confdb_root(f->db)->uuid, uuid);
    confdb_rollback(f->db);
}

static void test_open_bad_path(void **state)
{
    (void) state;
    struct confdb *db = (struct confdb *) 1;
    char err[256] = "";
    assert_int_equal(confdb_open("/nonexistent-dir/x/y/conf.db", &db, err,
                                 sizeof err), -1);
    assert_null(db);
    assert_true(strlen(err) > 0);
}

static void test_not_a_database(void **state)
{
    struct fixture *f = *state;
    char path[128], err[256] = "";
    struct confdb *db;
    snprintf(path, sizeof path, "%s/garbage.db", f->dir);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("this is not an SQLite file, just some text that is long enough\n",
          fp);
    fclose(fp);
    assert_int_equal(confdb_open(path, &db, err, sizeof err), -1);
    assert_true(strlen(err) > 0);
}

static void test_persistence(void **state)
{
    struct fixture *f = *state;
    char *out;
    assert_int_equal(run(f->db, "add-br br0 -- add-port br0 p1 tag=5", NULL), 0);
    reopen(f);
    assert_int_equal(run(f->db, "get Port p1 tag", &out), 0);
    assert_string_equal(out, "5\n");
    free(out);
    assert_int_equal(run(f->db, "list-ports br0", &out), 0);
    assert_string_equal(out, "p1\n");
    free(out);
}

static void test_chain_is_atomic(void **state)
{
    struct fixture *f = *state;
    char *out;
    uint64_t seq;
    assert_int_equal(run(f->db, "add-br br0", NULL), 0);
    seq = confdb_seqno(f->db);
    /* The last command fails: the first two must leave no trace. */
    assert_int_equal(run(f->db, "add-port br0 p1 -- set Interface p1 "
                     "ofport_request=7 -- add-port br9 p2", &out), -1);
    assert_string_equal(out, "no bridge named br9");
    free(out);
    assert_int_equal(confdb_seqno(f->db), seq);
    reopen(f);
    assert_int_equal(run(f->db, "list-ports br0", &out), 0);
    assert_string_equal(out, "");
    free(out);
    assert_int_equal(run(f->db, "find Interface ofport_request=7", &out), 0);
    assert_string_equal(out, "");
    free(out);
}

static void test_garbage_collection(void **state)
{
    struct fixture *f = *state;
    char *err = NULL;
    assert_int_equal(run(f->db, "add-br br0 -- add-port br0 p1 -- add-port "
                     "br0 p2", NULL), 0);
    assert_int_equal(confdb_begin(f->db, &err), 0);
    assert_int_equal(confdb_n_rows(f->db, TBL_PORT), 3);
    assert_int_equal(confdb_n_rows(f->db, TBL_INTERFACE), 3);
    confdb_rollback(f->db);
    assert_int_equal(run(f->db, "del-port p1", NULL), 0);
    reopen(f);
    assert_int_equal(confdb_begin(f->db, &err), 0);
    assert_int_equal(confdb_n_rows(f->db, TBL_PORT), 2);
    assert_int_equal(confdb_n_rows(f->db, TBL_INTERFACE), 2);
    assert_null(confdb_find_name(f->db, TBL_INTERFACE, "p1"));
    confdb_rollback(f->db);
    /* Deleting the bridge takes every port and interface with it. */
    assert_int_equal(run(f->db, "del-br br0", NULL), 0);
    reopen(f);
    assert_int_equal(confdb_begin(f->db, &err), 0);
    assert_int_equal(confdb_n_rows(f->db, TBL_BRIDGE), 0);
    assert_int_equal(confdb_n_rows(f->db, TBL_PORT), 0);
    assert_int_equal(confdb_n_rows(f->db, TBL_INTERFACE), 0);
    confdb_rollback(f->db);
}

static void test_integrity_checks(void **state)
{
    struct fixture *f = *state;
    char *out, line[256];
    assert_int_equal(run(f->db, "add-br br0 -- add-br br1 -- add-port br0 p1",
                         NULL), 0);
    /* A port may not sit on two bridges through a generic `add`. */
    assert_int_equal(run(f->db, "get Port p1 _uuid", &out), 0);
    out[strlen(out) - 1] = '\0';
    snprintf(line, sizeof line, "add Bridge br1 ports %s", out);
    free(out);
    assert_int_equal(run(f->db, line, &out), -1);
    assert_non_null(strstr(out, "cannot be in both"));
    free(out);
    /* A dangling reference is refused. */
    assert_int_equal(run(f->db, "add Bridge br1 ports "
                     "01234567-89ab-4def-8123-456789abcdef", &out), -1);
    assert_non_null(strstr(out, "referential integrity"));
    free(out);
    /* A port needs at least one interface. */
    assert_int_equal(run(f->db, "clear Port p1 interfaces", &out), -1);
    free(out);
    assert_int_equal(run(f->db, "list-ports br1", &out), 0);
    assert_string_equal(out, "");
    free(out);
}

static void test_read_config(void **state)
{
    struct fixture *f = *state;
    struct conf c;
    assert_int_equal(run(f->db, "add-br br1 -- add-br br0 -- set Bridge br0 "
                     "datapath_type=netdev fail_mode=secure "
                     "other_config:k=v -- add-port br0 vx -- set Interface vx "
                     "type=vxlan options:remote_ip=10.0.0.2 options:key=5 "
                     "ofport_request=9 -- add-port br0 a tag=3 trunks=4,2 "
                     "vlan_mode=access", NULL), 0);
    assert_int_equal(confdb_read_config(f->db, &c), 0);
    assert_int_equal(c.n_bridges, 2);
    /* Sorted by name at every level. */
    assert_string_equal(c.bridges[0].name, "br0");
    assert_string_equal(c.bridges[1].name, "br1");
    const struct conf_bridge *br = &c.bridges[0];
    assert_string_equal(br->datapath_type, "netdev");
    assert_string_equal(br->fail_mode, "secure");
    assert_string_equal(conf_smap_get(&br->other_config, "k"), "v");
    assert_null(conf_smap_get(&br->other_config, "nope"));
    assert_int_equal(br->n_ports, 3);
    assert_string_equal(br->ports[0].name, "a");
    assert_string_equal(br->ports[1].name, "br0");
    assert_string_equal(br->ports[2].name, "vx");
    const struct conf_port *a = &br->ports[0];
    assert_int_equal(a->tag, 3);
    assert_int_equal(a->n_trunks, 2);
    assert_int_equal(a->trunks[0], 2);
    assert_int_equal(a->trunks[1], 4);
    assert_string_equal(a->vlan_mode, "access");
    assert_string_equal(a->ifaces[0].type, "");
    assert_int_equal(a->ifaces[0].ofport_request, -1);
    const struct conf_port *local = &br->ports[1];
    assert_int_equal(local->tag, -1);
    assert_string_equal(local->vlan_mode, "");
    assert_string_equal(local->ifaces[0].type, "internal");
    const struct conf_iface *vx = &br->ports[2].ifaces[0];
    assert_string_equal(vx->type, "vxlan");
    assert_int_equal(vx->ofport_request, 9);
    assert_string_equal(conf_smap_get(&vx->options, "remote_ip"), "10.0.0.2");
    assert_string_equal(conf_smap_get(&vx->options, "key"), "5");
    assert_int_equal(strlen(vx->uuid), 36);
    conf_free(&c);
    assert_int_equal(c.n_bridges, 0);
    assert_null(c.bridges);
}

static void test_set_iface_status(void **state)
{
    struct fixture *f = *state;
    struct conf_iface_status st = {
        .ofport = 3, .error = "could not open network device p1",
        .mac_in_use = "aa:bb:cc:dd:ee:ff", .admin_state = "up",
        .link_state = "bogus", .mtu = 1500,
        .stats = { 10, 1000, -1, 0, 20, 2000, -1, -1 },
    };
    char *out;
    assert_int_equal(run(f->db, "add-br br0 -- add-port br0 p1", NULL), 0);
    uint64_t seq = confdb_seqno(f->db);
    assert_int_equal(confdb_set_iface_status(f->db, "p1", &st), 0);
    assert_int_equal(confdb_seqno(f->db), seq);     /* not a config change */
    assert_int_equal(confdb_set_iface_status(f->db, "nope", &st), -1);
    reopen(f);
    assert_int_equal(run(f->db, "get Interface p1 ofport error mac_in_use "
                         "admin_state link_state mtu statistics", &out), 0);
    assert_string_equal(out, "3\n\"could not open network device p1\"\n"
                        "\"aa:bb:cc:dd:ee:ff\"\nup\n[]\n1500\n"
                        "{rx_bytes=1000, rx_errors=0, rx_packets=10, "
                        "tx_bytes=2000, tx_packets=20}\n");
    free(out);
    /* Clearing: error NULL, ofport -1 as OVS stores a failed interface. */
    struct conf_iface_status clear = { .ofport = -1, .mtu = -1,
        .stats = { -1, -1, -1, -1, -1, -1, -1, -1 } };
    assert_int_equal(confdb_set_iface_status(f->db, "p1", &clear), 0);
    assert_int_equal(run(f->db, "get Interface p1 ofport error mtu "
                         "statistics", &out), 0);
    assert_string_equal(out, "-1\n[]\n[]\n{}\n");
    free(out);
}

/* The snapshot carries the ofport the daemon last wrote back (what keeps
 * OpenFlow port numbers across a restart), -1 before any and when
 * cleared. */
static void test_snapshot_carries_ofport(void **state)
{
    struct fixture *f = *state;
    struct conf c;
    struct conf_iface_status st = { .ofport = 7, .mtu = -1,
        .stats = { -1, -1, -1, -1, -1, -1, -1, -1 } };
    assert_int_equal(run(f->db, "add-br br0 -- add-port br0 p1 -- "
                         "add-port br0 p2", NULL), 0);
    assert_int_equal(confdb_read_config(f->db, &c), 0);
    assert_int_equal(c.bridges[0].ports[1].ifaces[0].ofport, -1);
    conf_free(&c);

    assert_int_equal(confdb_set_iface_status(f->db, "p1", &st), 0);
    st.ofport = 12;
    assert_int_equal(confdb_set_iface_status(f->db, "p2", &st), 0);
    reopen(f);
    assert_int_equal(confdb_read_config(f->db, &c), 0);
    assert_string_equal(c.bridges[0].ports[1].name, "p1");
    assert_int_equal(c.bridges[0].ports[1].ifaces[0].ofport, 7);
    assert_string_equal(c.bridges[0].ports[2].name, "p2");
    assert_int_equal(c.bridges[0].ports[2].ifaces[0].ofport, 12);
    assert_int_equal(c.bridges[0].ports[0].ifaces[0].ofport, -1); /* br0 */
    conf_free(&c);

    st.ofport = -1;
    assert_int_equal(confdb_set_iface_status(f->db, "p1", &st), 0);
    assert_int_equal(confdb_read_config(f->db, &c), 0);
    assert_int_equal(c.bridges[0].ports[1].ifaces[0].ofport, -1);
    assert_int_equal(c.bridges[0].ports[2].ifaces[0].ofport, 12);
    conf_free(&c);
}

static void test_other_process_noticed(void **state)
{
    struct fixture *f = *state;
    struct confdb *other;
    char err[256], *out;
    assert_int_equal(confdb_open(f->path, &other, err, sizeof err), 0);
    uint64_t seq = confdb_seqno(f->db);
    assert_int_equal(run(other, "add-br brx", NULL), 0);
    assert_int_equal(run(f->db, "list-br", &out), 0);
    assert_string_equal(out, "brx\n");
    free(out);
    assert_true(confdb_seqno(f->db) > seq);
    confdb_close(other);
}

static void test_ovs_version(void **state)
{
    struct fixture *f = *state;
    char *out;
    assert_int_equal(confdb_set_ovs_version(f->db, "0.1"), 0);
    assert_int_equal(run(f->db, "get Open_vSwitch . ovs_version", &out), 0);
    assert_string_equal(out, "\"0.1\"\n");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_creates_root, setup, teardown),
        cmocka_unit_test(test_open_bad_path),
        cmocka_unit_test_setup_teardown(test_not_a_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_persistence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chain_is_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_collection, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_integrity_checks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_set_iface_status, setup, teardown),
        cmocka_unit_test_setup_teardown(test_snapshot_carries_ofport, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_other_process_noticed, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ovs_version, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
