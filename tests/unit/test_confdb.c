/* Unit tests of the configuration store: creation, persistence, atomic
 * transactions, garbage collection, integrity checks, the typed snapshot
 * and status write-back; the store being one file at rest, refusing what
 * is not a store or is damaged without writing it, file modes, backup and
 * restore. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

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


/* --- one file at rest, refusals, modes, backup (issue 9) --- */

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static char *suffixed(const char *path, const char *suffix)
{
    size_t n = strlen(path) + strlen(suffix) + 1;
    char *p = malloc(n);
    snprintf(p, n, "%s%s", path, suffix);
    return p;
}

/* Copies the single file `from` to `to` (nothing else: no -wal). */
static void copy_one_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    char buf[65536];
    size_t n;
    assert_non_null(in);
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0) {
        assert_int_equal(fwrite(buf, 1, n, out), n);
    }
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* The bridges of the store at `path`, as list-br prints them, or NULL if
 * it does not open. */
static char *bridges_of(const char *path)
{
    struct confdb *db;
    char err[512], *out = NULL;
    if (confdb_open_existing(path, &db, err, sizeof err)) {
        return NULL;
    }
    assert_int_equal(run(db, "list-br", &out), 0);
    confdb_close(db);
    return out;
}

/* Defect 2: the main file alone holds every committed change, while the
 * store is open (after each commit) and after a clean close (no -wal). */
static void test_main_file_holds_commits(void **state)
{
    struct fixture *f = *state;
    char copy[128], *out;
    snprintf(copy, sizeof copy, "%s/copy.db", f->dir);
    assert_int_equal(run(f->db, "add-br br0 -- add-br br1", NULL), 0);
    copy_one_file(f->path, copy);
    out = bridges_of(copy);
    assert_non_null(out);
    assert_string_equal(out, "br0\nbr1\n");
    free(out);

    confdb_close(f->db);
    f->db = NULL;
    char *wal = suffixed(f->path, "-wal"), *shm = suffixed(f->path, "-shm");
    assert_false(file_exists(wal));
    assert_false(file_exists(shm));
    unlink(copy);
    copy_one_file(f->path, copy);
    out = bridges_of(copy);
    assert_non_null(out);
    assert_string_equal(out, "br0\nbr1\n");
    free(out);
    free(wal);
    free(shm);
    reopen(f);
}

struct file_state {
    struct stat st;
    char *bytes;
};

static struct file_state file_state(const char *path)
{
    struct file_state s = { .bytes = NULL };
    assert_int_equal(stat(path, &s.st), 0);
    s.bytes = malloc((size_t) s.st.st_size + 1);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fread(s.bytes, 1, (size_t) s.st.st_size, fp),
                     (size_t) s.st.st_size);
    fclose(fp);
    return s;
}

/* `path` is refused with a message containing `why`, and neither it nor
 * its directory gained anything. */
static void assert_refused_untouched(const char *path, const char *why)
{
    struct file_state before = file_state(path);
    struct confdb *db = (struct confdb *) 1;
    char err[512] = "";
    assert_int_equal(confdb_open(path, &db, err, sizeof err), -1);
    assert_null(db);
    if (!strstr(err, why) || !strstr(err, path)) {
        fail_msg("refusal of %s says \"%s\", wanted \"%s\"", path, err, why);
    }
    struct file_state after = file_state(path);
    assert_int_equal(after.st.st_size, before.st.st_size);
    assert_memory_equal(after.bytes, before.bytes, (size_t) before.st.st_size);
    assert_int_equal(after.st.st_mtim.tv_sec, before.st.st_mtim.tv_sec);
    assert_int_equal(after.st.st_mtim.tv_nsec, before.st.st_mtim.tv_nsec);
    char *wal = suffixed(path, "-wal");
    assert_false(file_exists(wal));
    free(wal);
    free(before.bytes);
    free(after.bytes);
}

static void sql_file(const char *path, const char *sql)
{
    sqlite3 *s;
    assert_int_equal(sqlite3_open(path, &s), SQLITE_OK);
    assert_int_equal(sqlite3_exec(s, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(s);
}

/* Defect 3: SQLite files that are not vswitch stores are refused and left
 * as they were. */
static void test_foreign_files_refused(void **state)
{
    struct fixture *f = *state;
    char path[128];

    snprintf(path, sizeof path, "%s/other.db", f->dir);
    sql_file(path, "CREATE TABLE users (name TEXT); INSERT INTO users "
             "VALUES ('alice');");
    assert_refused_untouched(path, "another application");

    /* The store's tables and identity but no schema row. */
    snprintf(path, sizeof path, "%s/noschema.db", f->dir);
    sql_file(path, "PRAGMA application_id=1448302404; PRAGMA "
             "user_version=1; CREATE TABLE meta (key TEXT PRIMARY KEY, "
             "value NOT NULL); INSERT INTO meta VALUES ('generation', 0);"
             "CREATE TABLE Open_vSwitch (uuid TEXT PRIMARY KEY, data TEXT);"
             "CREATE TABLE Bridge (uuid TEXT PRIMARY KEY, data TEXT);"
             "CREATE TABLE Port (uuid TEXT PRIMARY KEY, data TEXT);"
             "CREATE TABLE Interface (uuid TEXT PRIMARY KEY, data TEXT);"
             "CREATE TABLE Controller (uuid TEXT PRIMARY KEY, data TEXT);");
    assert_refused_untouched(path, "schema row missing");

    /* Another schema's tables under the store's identity. */
    snprintf(path, sizeof path, "%s/tables.db", f->dir);
    sql_file(path, "PRAGMA application_id=1448302404; PRAGMA "
             "user_version=1; CREATE TABLE Logical_Switch (uuid TEXT);");
    assert_refused_untouched(path, "has a table \"Logical_Switch\"");

    snprintf(path, sizeof path, "%s/empty.db", f->dir);
    FILE *fp = fopen(path, "w");
    fclose(fp);
    assert_refused_untouched(path, "empty file");
}

/* Defect 2: a damaged store is refused loudly, never read as an empty or
 * smaller one, and not rewritten. */
static void test_damaged_store_refused(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(run(f->db, "add-br br0 -- add-port br0 p1", NULL), 0);
    confdb_close(f->db);
    f->db = NULL;
    struct file_state whole = file_state(f->path);

    assert_int_equal(truncate(f->path, 8192), 0);      /* pages lost */
    assert_refused_untouched(f->path, "damaged configuration store");

    FILE *fp = fopen(f->path, "wb");                   /* pages scribbled */
    assert_non_null(fp);
    fwrite(whole.bytes, 1, (size_t) whole.st.st_size, fp);
    fseek(fp, 3 * 4096, SEEK_SET);
    for (int i = 0; i < 4096; i++) {
        fputc(i * 7 + 1, fp);
    }
    fclose(fp);
    assert_refused_untouched(f->path, "damaged configuration store");
    free(whole.bytes);
    unlink(f->path);
    reopen(f);
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

/* Defect 4: the store, its log and backups are 0600 whatever the umask. */
static void test_file_modes(void **state)
{
    struct fixture *f = *state;
    char path[128], backup[128], *err = NULL;
    struct confdb *db;
    char buf[256];
    mode_t old = umask(0);
    snprintf(path, sizeof path, "%s/modes.db", f->dir);
    snprintf(backup, sizeof backup, "%s/modes.backup", f->dir);
    assert_int_equal(confdb_open(path, &db, buf, sizeof buf), 0);
    assert_int_equal(run(db, "add-br br0", NULL), 0);
    char *wal = suffixed(path, "-wal"), *shm = suffixed(path, "-shm");
    assert_int_equal(mode_of(path), 0600);
    assert_int_equal(mode_of(wal), 0600);
    assert_int_equal(mode_of(shm), 0600);
    assert_int_equal(confdb_backup(db, backup, &err), 0);
    assert_int_equal(mode_of(backup), 0600);
    confdb_close(db);
    umask(old);
    free(wal);
    free(shm);
}

/* A backup is one consistent file taken while another handle has a write
 * transaction open; restoring it brings that state back, also over a
 * damaged store; a file that is not a store is not restored. */
static void test_backup_restore(void **state)
{
    struct fixture *f = *state;
    char backup[128], junk[128], *err = NULL, *out;
    struct confdb *other;
    char buf[256];
    snprintf(backup, sizeof backup, "%s/b.db", f->dir);
    snprintf(junk, sizeof junk, "%s/junk", f->dir);
    assert_int_equal(run(f->db, "add-br br0", NULL), 0);

    assert_int_equal(confdb_open(f->path, &other, buf, sizeof buf), 0);
    assert_int_equal(confdb_begin(other, &err), 0);
    confdb_insert(other, TBL_BRIDGE);               /* uncommitted */
    assert_int_equal(confdb_backup(f->db, backup, &err), 0);
    confdb_rollback(other);
    confdb_close(other);

    assert_int_equal(run(f->db, "del-br br0 -- add-br br9", NULL), 0);
    confdb_close(f->db);
    f->db = NULL;
    assert_int_equal(truncate(f->path, 4096), 0);   /* and damaged */
    assert_int_equal(confdb_restore(f->path, backup, &err), 0);
    out = bridges_of(f->path);
    assert_non_null(out);
    assert_string_equal(out, "br0\n");
    free(out);
    assert_int_equal(mode_of(f->path), 0600);

    FILE *fp = fopen(junk, "w");
    fputs("not a store at all, but long enough to have a header......"
          "..................................................", fp);
    fclose(fp);
    assert_int_equal(confdb_restore(f->path, junk, &err), -1);
    assert_non_null(strstr(err, "not a vswitch configuration store"));
    free(err);
    out = bridges_of(f->path);
    assert_non_null(out);
    assert_string_equal(out, "br0\n");
    free(out);
    reopen(f);
}

/* A store written before format 1 (no application_id, no schema row) is
 * refused as the store but converted by a restore from it. */
static void test_restore_converts_legacy(void **state)
{
    struct fixture *f = *state;
    char legacy[128], *err = NULL;
    snprintf(legacy, sizeof legacy, "%s/legacy.db", f->dir);
    sql_file(legacy, "CREATE TABLE meta (key TEXT PRIMARY KEY, value "
             "INTEGER NOT NULL); INSERT INTO meta VALUES ('generation', 4);"
             "CREATE TABLE Open_vSwitch (uuid TEXT PRIMARY KEY, data TEXT);"
             "CREATE TABLE Bridge (uuid TEXT PRIMARY KEY, data TEXT);"
             "CREATE TABLE Port (uuid TEXT PRIMARY KEY, data TEXT);"
             "CREATE TABLE Interface (uuid TEXT PRIMARY KEY, data TEXT);"
             "CREATE TABLE Controller (uuid TEXT PRIMARY KEY, data TEXT);"
             "INSERT INTO Open_vSwitch VALUES ('0f0e0d0c-0b0a-4908-8706-"
             "050403020100', '{\"bridges\": [\"11111111-2222-4333-8444-"
             "555555555555\"]}');"
             "INSERT INTO Bridge VALUES ('11111111-2222-4333-8444-"
             "555555555555', '{\"name\": [\"brL\"]}');");
    assert_refused_untouched(legacy, "older than format 1");
    confdb_close(f->db);
    f->db = NULL;
    assert_int_equal(confdb_restore(f->path, legacy, &err), 0);
    char *out = bridges_of(f->path);
    assert_non_null(out);
    assert_string_equal(out, "brL\n");
    free(out);
    reopen(f);
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
        cmocka_unit_test_setup_teardown(test_main_file_holds_commits, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_foreign_files_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_damaged_store_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_file_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup_restore, setup, teardown),
        cmocka_unit_test_setup_teardown(test_restore_converts_legacy, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
