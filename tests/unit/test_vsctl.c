/* Unit tests of the vs-vsctl command engine: every command, its output in
 * ovs-vsctl's format, and every error case leaving the store unchanged.
 * Expected texts were taken from Debian's ovs-vsctl 3.1 for the same
 * commands. */
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

static void expect_ok(struct confdb *db, const char *line, const char *output)
{
    char *text = NULL;
    int r = run(db, line, &text);
    if (r != 0) {
        fail_msg("'%s' failed: %s", line, text ? text : "(exit 2)");
    }
    if (output) {
        assert_string_equal(text, output);
    }
    free(text);
}

/* Checks that `line` fails with `error` and changes nothing: `show` and
 * a listing of every table are the same before and after. */
static void expect_error(struct confdb *db, const char *line,
                         const char *error)
{
    char *before, *after, *text;
    assert_int_equal(run(db, "show -- list Bridge -- list Port -- "
                         "list Interface -- list Open_vSwitch", &before), 0);
    int r = run(db, line, &text);
    if (r != -1) {
        fail_msg("'%s' returned %d: %s", line, r, text ? text : "");
    }
    assert_string_equal(text, error);
    free(text);
    assert_int_equal(run(db, "show -- list Bridge -- list Port -- "
                         "list Interface -- list Open_vSwitch", &after), 0);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* A `show` with the root uuid line removed. */
static char *show_body(struct confdb *db)
{
    char *text;
    assert_int_equal(run(db, "show", &text), 0);
    char *nl = strchr(text, '\n');
    assert_non_null(nl);
    assert_int_equal(nl - text, 36);
    char *body = strdup(nl + 1);
    free(text);
    return body;
}

static void test_seed_commands_and_show(void **state)
{
    struct fixture *f = *state;
    expect_ok(f->db, "add-br ovs-switch", "");
    expect_ok(f->db, "add-port ovs-switch p0 -- set Interface p0 "
              "ofport_request=100", "");
    expect_ok(f->db, "set Interface p0 type=internal", "");
    char *body = show_body(f->db);
    /* Ports come in uuid order, as ovs-vsctl prints them. */
    const char *a = "    Bridge ovs-switch\n"
                    "        Port ovs-switch\n"
                    "            Interface ovs-switch\n"
                    "                type: internal\n"
                    "        Port p0\n"
                    "            Interface p0\n"
                    "                type: internal\n";
    const char *b = "    Bridge ovs-switch\n"
                    "        Port p0\n"
                    "            Interface p0\n"
                    "                type: internal\n"
                    "        Port ovs-switch\n"
                    "            Interface ovs-switch\n"
                    "                type: internal\n";
    if (strcmp(body, a) && strcmp(body, b)) {
        fail_msg("unexpected show:\n%s", body);
    }
    free(body);
    expect_ok(f->db, "get Interface p0 ofport_request type", "100\ninternal\n");
}

static void test_show_columns(void **state)
{
    struct fixture *f = *state;
    expect_ok(f->db, "add-br br0 -- set Bridge br0 fail_mode=secure "
              "datapath_type=netdev -- add-port br0 c1 tag=5 trunks=1,2 -- "
              "set Interface c1 type=patch options:peer=p2 "
              "options:remote_ip=1.2.3.4 error=bad -- "
              "set-controller br0 ptcp:6653 -- "
              "set Open_vSwitch . ovs_version=3.1.0 -- "
              "del-port br0 c1 -- add-port br0 c1 tag=5 trunks=1,2 -- "
              "set Interface c1 type=patch options:peer=p2 "
              "options:remote_ip=1.2.3.4 error=bad", "");
    char *body = show_body(f->db);
    const char *head = "    Bridge br0\n"
                       "        Controller \"ptcp:6653\"\n"
                       "        fail_mode: secure\n"
                       "        datapath_type: netdev\n";
    const char *c1 = "        Port c1\n"
                     "            tag: 5\n"
                     "            trunks: [1, 2]\n"
                     "            Interface c1\n"
                     "                type: patch\n"
                     "                options: {peer=p2, remote_ip=\"1.2.3.4\"}\n"
                     "                error: bad\n";
    const char *local = "        Port br0\n"
                        "            Interface br0\n"
                        "                type: internal\n";
    assert_int_equal(strncmp(body, head, strlen(head)), 0);
    assert_non_null(strstr(body, c1));
    assert_non_null(strstr(body, local));
    const char *tail = "    ovs_version: \"3.1.0\"\n";
    assert_string_equal(body + strlen(body) - strlen(tail), tail);
    assert_int_equal(strlen(body), strlen(head) + strlen(c1) + strlen(local)
                     + strlen(tail));
    free(body);
    expect_ok(f->db, "set Controller br0 is_connected=true", "");
    body = show_body(f->db);
    assert_non_null(strstr(body, "        Controller \"ptcp:6653\"\n"
                           "            is_connected: true\n"));
    free(body);
}

static void test_bridge_commands(void **state)
{
    struct fixture *f = *state;
    expect_ok(f->db, "add-br br1 -- add-br br0", "");
    expect_ok(f->db, "list-br", "br0\nbr1\n");
    expect_ok(f->db, "br-exists br0", "");
    assert_int_equal(run(f->db, "br-exists br9", NULL), VSCTL_EXIT_NO_BRIDGE);
    /* br-exists stops the whole line: nothing of it is applied. */
    assert_int_equal(run(f->db, "add-br br5 -- br-exists br9", NULL),
                     VSCTL_EXIT_NO_BRIDGE);
    assert_int_equal(run(f->db, "br-exists br5", NULL), VSCTL_EXIT_NO_BRIDGE);
    expect_ok(f->db, "br-to-parent br0", "br0\n");
    expect_ok(f->db, "br-to-vlan br0", "0\n");
    expect_ok(f->db, "--may-exist add-br br0", "");
    expect_ok(f->db, "list-ports br0", "");
    expect_ok(f->db, "list-ifaces br0", "");
    expect_ok(f->db, "port-to-br br0", "br0\n");
    expect_ok(f->db, "iface-to-br br0", "br0\n");
    expect_ok(f->db, "get Interface br0 type", "internal\n");
    expect_ok(f->db, "del-br br1 -- list-br", "br0\n");
    expect_ok(f->db, "--if-exists del-br br1", "");
    expect_ok(f->db, "set-fail-mode br0 secure -- get-fail-mode br0",
              "secure\n");
    expect_ok(f->db, "del-fail-mode br0 -- get-fail-mode br0", "");
    expect_ok(f->db, "set-controller br0 tcp:1.2.3.4:6653 ptcp:6653 -- "
              "get-controller br0", "ptcp:6653\ntcp:1.2.3.4:6653\n");
    expect_ok(f->db, "del-controller br0 -- get-controller br0", "");
    expect_ok(f->db, "init", "");
}

static void test_bridge_errors(void **state)
{
    struct fixture *f = *state;
    expect_ok(f->db, "add-br br0 -- add-port br0 p1", "");
    expect_error(f->db, "add-br br0", "cannot create a bridge named br0 "
                 "because a bridge named br0 already exists");
    expect_error(f->db, "add-br p1", "cannot create a bridge named p1 "
                 "because a port named p1 already exists on bridge br0");
    expect_error(f->db, "add-br br0 extra",
                 "'add-br' command takes exactly 1 or 3 arguments");
    expect_error(f->db, "add-br", "'add-br' command requires at least 1 "
                 "arguments");
    expect_error(f->db, "add-br br7 br0 5", "cannot create bridge br7: fake "
                 "(VLAN) bridges are not supported");
    expect_error(f->db, "del-br br9", "no bridge named br9");
    expect_error(f->db, "list-ports br9", "no bridge named br9");
    expect_error(f->db, "list-ifaces br9", "no bridge named br9");
    expect_error(f->db, "br-to-parent zz", "no bridge named zz");
    expect_error(f->db, "set-fail-mode br0 sometimes",
                 "fail-mode must be \"standalone\" or \"secure\"");
    expect_error(f->db, "list-br extra", "'list-br' command takes at most 0 "
                 "arguments");
    expect_error(f->db, "frobnicate", "unknown command 'frobnicate'; use "
                 "--help for help");
    expect_error(f->db, "--may-exist del-br br0",
                 "'del-br' command has no '--may-exist' option");
    expect_ok(f->db, "add-br brz -- --", "");     /* as ovs-vsctl */
    char *empty[] = { NULL };
    char *text;
    assert_int_equal(run_argv(f->db, empty, &text), -1);
    assert_string_equal(text, "missing command name (use --help for help)");
    free(text);
}

static void test_port_commands(void **state)
{
    struct fixture *f = *state;
    expect_ok(f->db, "add-br br0 -- add-br br1", "");
    expect_ok(f->db, "add-port br0 b -- set Port b tag=10", "");
    expect_ok(f->db, "add-port br0 a trunks=1,2,3 other_config:x=y", "");
    expect_ok(f->db, "add-port br0 Z", "");
    expect_ok(f->db, "list-ports br0", "Z\na\nb\n");
    expect_ok(f->db, "list-ifaces br0", "Z\na\nb\n");
    expect_ok(f->db, "get Port a trunks other_config", "[1, 2, 3]\n{x=y}\n");
    expect_ok(f->db, "port-to-br a", "br0\n");
    expect_ok(f->db, "iface-to-br b", "br0\n");
    expect_ok(f->db, "--may-exist add-port br0 a", "");
    expect_ok(f->db, "del-port br0 a -- del-port Z -- list-ports br0", "b\n");
    expect_ok(f->db, "--if-exists del-port zz", "");
    expect_ok(f->db, "--if-exists del-port br9 zz", "");
    /* A name freed earlier in the same line can be used again. */
    expect_ok(f->db, "add-port br0 q -- del-port q -- add-port br1 q", "");
    expect_ok(f->db, "port-to-br q", "br1\n");
}

static void test_port_errors(void **state)
{
    struct fixture *f = *state;
    expect_ok(f->db, "add-br br0 -- add-br br1 -- add-port br0 a", "");
    expect_error(f->db, "add-port br9 x", "no bridge named br9");
    expect_error(f->db, "add-port br0 a", "cannot create a port named a "
                 "because a port named a already exists on bridge br0");
    expect_error(f->db, "add-port br1 a", "cannot create a port named a "
                 "because a port named a already exists on bridge br0");
    expect_error(f->db, "add-port br0 br1", "cannot create a port named br1 "
                 "because a bridge named br1 already exists");
    expect_error(f->db, "--may-exist add-port br1 a", "\"--may-exist add-port "
                 "br1 a\" but a is actually attached to bridge br0");
    expect_error(f->db, "add-port br0 q -- add-port br0 q", "cannot create a "
                 "port named q because a port named q already exists on "
                 "bridge br0");
    expect_error(f->db, "add-port br0 q tag=5000", "constraint violation: "
                 "5000 is not in the valid range 0 to 4095 (inclusive)");
    expect_error(f->db, "add-port br0 q nope=1",
                 "Port does not contain a column whose name matches \"nope\"");
    expect_error(f->db, "add-port br0", "'add-port' command requires at least "
                 "2 arguments");
    expect_error(f->db, "del-port br9 a", "no bridge named br9");
    expect_error(f->db, "--if-exists del-port br9 a", "no bridge named br9");
    expect_error(f->db, "del-port br1 a", "bridge br1 does not have a port a");
    expect_error(f->db, "del-port zz", "no port named zz");
    expect_error(f->db, "del-port br0 zz", "no port named zz");
    expect_error(f->db, "del-port br0 br0", "cannot delete port br0 because "
                 "it is the local port for bridge br0 (deleting this port "
                 "requires deleting the entire bridge)");
    expect_error(f->db, "port-to-br zz", "no port named zz");
    expect_error(f->db, "iface-to-br zz", "no interface named zz");
    expect_error(f->db, "del-port br0 a b", "'del-port' command takes at "
                 "most 2 arguments");
}

static void test_ofport_request(void **state)
{
    struct fixture *f = *state;
    expect_ok(f->db, "add-br br0 -- add-port br0 p0 -- set Interface p0 "
              "ofport_request=100", "");
    expect_error(f->db, "set Interface p0 ofport_request=0", "constraint "
                 "violation: 0 is not in the valid range 1 to 65279 "
                 "(inclusive)");
    expect_error(f->db, "set Interface p0 ofport_request=65280", "constraint "
                 "violation: 65280 is not in the valid range 1 to 65279 "
                 "(inclusive)");
    expect_error(f->db, "set Interface p0 ofport_request=abc",
                 "\"abc\" is not a valid integer or range");
    expect_error(f->db, "add-port br0 p1 -- set Interface p1 "
                 "ofport_request=100", "ofport_request 100 of interface p1 is "
                 "already used by interface p0");
    expect_ok(f->db, "set Interface p0 ofport_request=65279", "");
    expect_ok(f->db, "add-port br0 p1 -- set Interface p1 ofport_request=100",
              "");
    expect_ok(f->db, "set Interface p0 ofport_request=[] -- "
              "get Interface p0 ofport_request", "[]\n");
}

static void test_get_set(void **state)
{
    struct fixture *f = *state;
    expect_ok(f->db, "add-br br0 -- add-port br0 a", "");
    expect_ok(f->db, "set Port a tag=7 -- get Port a tag trunks name",
              "7\n[]\na\n");
    char *spaced[] = { "set", "Port", "a", "trunks=[1, 2 3]", NULL };
    assert_int_equal(run_argv(f->db, spaced, NULL), 0);
    expect_ok(f->db, "get Port a trunks", "[1, 2, 3]\n");
    expect_ok(f->db, "set Port a tag=07 -- get Port a tag", "7\n");
    expect_ok(f->db, "set Port a tag=+5 vlan_mode=access -- get Port a tag "
              "vlan_mode", "5\naccess\n");
    expect_ok(f->db, "set Port a vlan_mode=[] -- get Port a vlan_mode",
              "[]\n");
    expect_ok(f->db, "set Interface a type=internal options:peer=p1 "
              "options:remote_ip=1.2.3.4 -- get Interface a type options",
              "internal\n{peer=p1, remote_ip=\"1.2.3.4\"}\n");
    expect_ok(f->db, "get Interface a options:peer", "p1\n");
    expect_ok(f->db, "get int a ofport_req", "[]\n");   /* abbreviations */
    expect_ok(f->db, "get INTERFACE a type", "internal\n");
    expect_ok(f->db, "set Open_vSwitch . external_ids:x=y -- "
              "get o . external_ids", "{x=y}\n");
    expect_ok(f->db, "set Port a external_ids:k=a=b external_ids:k3=true "
              "external_ids:\"a=b\"=v external_ids:k4=\"x\\\"y\" -- "
              "get Port a external_ids",
              "{\"a=b\"=v, k=\"a=b\", k3=\"true\", k4=\"x\\\"y\"}\n");
    expect_ok(f->db, "set Port a external_ids={} -- get Port a external_ids",
              "{}\n");
    expect_ok(f->db, "set Bridge br0 protocols=OpenFlow13,OpenFlow10 -- "
              "get Bridge br0 protocols", "[OpenFlow10, OpenFlow13]\n");
    expect_ok(f->db, "--if-exists get Port a external_ids:nope", "");
    expect_ok(f->db, "--if-exists set Port zz tag=1", "");
    char *text;
    assert_int_equal(run(f->db, "get Port a _uuid", &text), 0);
    assert_int_equal(strlen(text), 37);
    char line[128];
    snprintf(line, sizeof line, "get Port %.36s name", text);
    free(text);
    expect_ok(f->db, line, "a\n");                    /* lookup by uuid */
    /* Strings with spaces, given as one argument each. */
    char *argv[] = { "set", "Port", "a", "external_ids:k2=a b", "--", "get",
                     "Port", "a", "external_ids:k2", NULL };
    assert_int_equal(run_argv(f->db, argv, &text), 0);
    assert_string_equal(text, "\"a b\"\n");
    free(text);
}

static void test_get_set_errors(void **state)
{
    struct fixture *f = *state;
    expect_ok(f->db, "add-br br0 -- add-port br0 a", "");
    expect_error(f->db, "set Interface zz type=x",
                 "no row \"zz\" in table Interface");
    expect_error(f->db, "set intface a type=x", "unknown table \"intface\"");
    expect_error(f->db, "set Interface a foo=1", "Interface does not contain "
                 "a column whose name matches \"foo\"");
    expect_error(f->db, "get Interface a of", "Interface contains more than "
                 "one column whose name matches \"of\": ofport, "
                 "ofport_request");
    expect_error(f->db, "set Port a tag=[1,2]", "[1,2]: 2 value(s) specified "
                 "but the maximum number is 1");
    expect_error(f->db, "set Bridge br0 fail_mode=bogus", "constraint "
                 "violation: bogus is not one of the allowed values "
                 "([secure, standalone])");
    expect_error(f->db, "set Interface a", "'set' command requires at least "
                 "3 arguments");
    expect_error(f->db, "set Interface a type", "type: argument does not end "
                 "in \"=\" followed by a value.");
    expect_error(f->db, "set Port a trunks=", "trunks=: argument does not end "
                 "in \"=\" followed by a value.");
    expect_error(f->db, "get Interface a type:x", "cannot specify key to get "
                 "for non-map column type");
    expect_error(f->db, "set Interface a type:x=y", "cannot specify key to "
                 "set for non-map column type");
    expect_error(f->db, "get Interface a options:x", "no key \"x\" in "
                 "Interface record \"a\" column options");
    expect_error(f->db, "set Port a name=q", "cannot modify read-only column "
                 "name in table Port");
    expect_error(f->db, "set Port a tag=0x10",
                 "\"0x10\" is not a valid integer or range");
    expect_error(f->db, "set Port a trunks=\"1,2\"",
                 "\"\"1,2\"\" is not a valid integer or range");
    expect_error(f->db, "set Port a external_ids={x=a:b,y=c}",
                 "unexpected \":\" parsing map of (string, string) pairs");
    expect_error(f->db, "set Port a external_ids:=v", "An empty string is not "
                 "valid as input; use \"\" to represent the empty string");
    expect_error(f->db, "set Bridge br0 protocols=OpenFlow16", "constraint "
                 "violation: OpenFlow16 is not one of the allowed values "
                 "([OpenFlow10, OpenFlow11, OpenFlow12, OpenFlow13, "
                 "OpenFlow14, OpenFlow15])");
    expect_error(f->db, "set Port a external_ids:k=\"unterminated",
                 "missing closing quote in string");
    expect_error(f->db, "get Port a tag -- get Port a nope",
                 "Port does not contain a column whose name matches \"nope\"");
    expect_error(f->db, "set Port a interfaces=[]", "constraint violation: "
                 "0 value(s) where at least 1 are required");
}

static void test_list_find(void **state)
{
    struct fixture *f = *state;
    expect_ok(f->db, "add-br br0 -- add-port br0 a tag=7 trunks=1,2 "
              "external_ids:k=v -- add-port br0 b tag=8", "");
    expect_ok(f->db, "--columns=name,tag list Port a",
              "name                : a\ntag                 : 7\n");
    expect_ok(f->db, "--no-headings --columns=name,tag list Port a",
              "a\n7\n");
    expect_ok(f->db, "--bare --columns=name,trunks,external_ids,tag "
              "list Port a", "a\n1 2\nk=v\n7\n");
    expect_ok(f->db, "--bare --columns=name find Port tag=7", "a\n");
    expect_ok(f->db, "--bare --columns=name find Port tag>7", "b\n");
    expect_ok(f->db, "--bare --columns=name find Port tag<=7", "a\n");
    expect_ok(f->db, "--bare --columns=name find Port tag!=7 tag!=8", "br0\n");
    expect_ok(f->db, "--bare --columns=name find Port trunks{>=}2", "a\n");
    expect_ok(f->db, "--bare --columns=name find Port trunks{<=}[1,2,3] "
              "tag=7", "a\n");
    expect_ok(f->db, "--bare --columns=name find Port external_ids:k=v",
              "a\n");
    expect_ok(f->db, "--bare --columns=name find Interface type=internal",
              "br0\n");
    expect_ok(f->db, "find Port name=zz", "");
    expect_ok(f->db, "--if-exists list Port zz", "");
    char *text;
    assert_int_equal(run(f->db, "list Interface a", &text), 0);
    assert_non_null(strstr(text, "_uuid               : "));
    assert_non_null(strstr(text, "\nadmin_state         : []\n"));
    assert_non_null(strstr(text, "\nname                : a\n"));
    assert_non_null(strstr(text, "\ntype                : \"\"\n"));
    free(text);
    /* Two records are separated by one blank line. */
    assert_int_equal(run(f->db, "--bare --columns=name list Port", &text), 0);
    assert_int_equal(strlen(text), strlen("a\n\nb\n\nbr0\n"));
    free(text);
    expect_error(f->db, "list nope", "unknown table \"nope\"");
    expect_error(f->db, "list Port zz", "no row \"zz\" in table Port");
    expect_error(f->db, "--columns=name,nope list Port a",
                 "Port does not contain a column whose name matches \"nope\"");
    expect_error(f->db, "--columns=name get Port a name",
                 "'get' command has no '--columns' option");
    expect_error(f->db, "find Port tag", "tag: argument does not end in "
                 "\"=\", \"!=\", \"<\", \">\", \"<=\", \">=\", \"{=}\", "
                 "\"{!=}\", \"{<}\", \"{>}\", \"{<=}\", or \"{>=}\" followed "
                 "by a value.");
    expect_error(f->db, "--format=csv list Port",
                 "unsupported --format \"csv\" (only \"list\")");
}

static void test_clear_add_remove(void **state)
{
    struct fixture *f = *state;
    expect_ok(f->db, "add-br br0 -- add-port br0 a", "");
    expect_ok(f->db, "add Port a tag 7 -- get Port a tag", "7\n");
    expect_ok(f->db, "add Port a trunks 5 6 7 -- add Port a trunks [8,9] -- "
              "remove Port a trunks 6 [7,8] -- get Port a trunks", "[5, 9]\n");
    expect_ok(f->db, "add Port a external_ids foo=baz q=r -- "
              "add Port a external_ids foo=zzz -- get Port a external_ids",
              "{foo=zzz, q=r}\n");
    expect_ok(f->db, "remove Port a external_ids foo -- "
              "remove Port a external_ids q=zz -- get Port a external_ids",
              "{q=r}\n");
    expect_ok(f->db, "remove Port a external_ids q=r -- "
              "get Port a external_ids", "{}\n");
    expect_ok(f->db, "clear Port a tag trunks -- get Port a tag trunks",
              "[]\n[]\n");
    expect_error(f->db, "add Port a tag 7 -- add Port a tag 8",
                 "transaction error: {\"details\":\"Attempted to store 2 "
                 "elements in set of up to 1 integers.\",\"error\":"
                 "\"constraint violation\"}");
    expect_error(f->db, "add Port a trunks 5000", "constraint violation: 5000 "
                 "is not in the valid range 0 to 4095 (inclusive)");
    expect_error(f->db, "clear Port a name", "cannot modify read-only column "
                 "name in table Port");
    expect_error(f->db, "clear Port a interfaces", "\"clear\" operation "
                 "cannot be applied to column interfaces of table Port, which "
                 "is not allowed to be empty");
    char *text, line[160];
    assert_int_equal(run(f->db, "get Port a interfaces", &text), 0);
    snprintf(line, sizeof line, "remove Port a interfaces %.36s", text + 1);
    free(text);
    expect_error(f->db, line, "\"remove\" operation would put 0 values in "
                 "column interfaces of table Port but the minimum number "
                 "is 1");
    char *argv[] = { "remove", "Port", "a", "interfaces", "", NULL };
    assert_int_equal(run_argv(f->db, argv, &text), -1);
    assert_string_equal(text, "use \"[]\" to specify the empty set");
    free(text);
}

static void test_chain_rolls_back(void **state)
{
    struct fixture *f = *state;
    expect_ok(f->db, "add-br br0", "");
    expect_error(f->db, "add-port br0 p1 -- set Interface p1 ofport_request=5 "
                 "-- set Interface p1 ofport_request=0", "constraint "
                 "violation: 0 is not in the valid range 1 to 65279 "
                 "(inclusive)");
    expect_error(f->db, "del-br br0 -- add-port br0 p1", "no bridge named br0");
    expect_ok(f->db, "list-br -- list-ports br0", "br0\n");
}

static void test_transact_reply(void **state)
{
    struct fixture *f = *state;
    char *result, *error;
    const char *ok[] = { "add-br", "br0", "--", "list-br" };
    vsctl_transact_reply(f->db, 4, ok, &result, &error);
    assert_null(error);
    assert_string_equal(result, "br0\n");
    free(result);
    const char *bad[] = { "del-br", "br9" };
    vsctl_transact_reply(f->db, 2, bad, &result, &error);
    assert_null(result);
    assert_string_equal(error, "no bridge named br9");
    free(error);
    const char *no[] = { "br-exists", "br9" };
    vsctl_transact_reply(f->db, 2, no, &result, &error);
    assert_null(result);
    assert_string_equal(error, "");
    free(error);
}

int main(void)
{
#define T(NAME) cmocka_unit_test_setup_teardown(NAME, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_seed_commands_and_show),
        T(test_show_columns),
        T(test_bridge_commands),
        T(test_bridge_errors),
        T(test_port_commands),
        T(test_port_errors),
        T(test_ofport_request),
        T(test_get_set),
        T(test_get_set_errors),
        T(test_list_find),
        T(test_clear_add_remove),
        T(test_chain_rolls_back),
        T(test_transact_reply),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
