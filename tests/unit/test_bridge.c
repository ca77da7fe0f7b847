/* The daemon's reading of a Bridge's other_config into ofproto's typed
 * settings: defaults, accepted values, and the values it refuses (out of
 * range, not a number), which fall back to the default. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "daemon/bridge.h"
#include "db/config.h"
#include "ofproto/ofproto.h"

static struct ofproto_settings settings_of(const char *key, const char *value)
{
    char *keys[] = { (char *) key }, *values[] = { (char *) value };
    struct conf_smap oc = { .n = 1, .keys = keys, .values = values };
    struct ofproto_settings s;
    bridge_ofproto_settings("br0", &oc, &s);
    return s;
}

/* Field by field: the struct has padding memcmp would read. */
static void assert_settings_equal(const struct ofproto_settings *a,
                                  const struct ofproto_settings *b)
{
    assert_int_equal(a->mac_table_size, b->mac_table_size);
    assert_int_equal(a->mac_aging_s, b->mac_aging_s);
    assert_int_equal(a->flow_limit, b->flow_limit);
    assert_int_equal(a->max_idle_ms, b->max_idle_ms);
    assert_int_equal(a->forward_bpdu, b->forward_bpdu);
}

static void test_defaults(void **state)
{
    (void) state;
    struct ofproto_settings s, def;
    ofproto_settings_default(&def);
    assert_int_equal(def.mac_table_size, 2048);
    assert_int_equal(def.mac_aging_s, 300);
    assert_int_equal(def.flow_limit, 200000);
    assert_int_equal(def.max_idle_ms, 10000);
    assert_false(def.forward_bpdu);
    bridge_ofproto_settings("br0", NULL, &s);
    assert_settings_equal(&s, &def);
    struct conf_smap empty = { 0 };
    bridge_ofproto_settings("br0", &empty, &s);
    assert_settings_equal(&s, &def);
    s = settings_of("mac-table-size", "");       /* empty = unset */
    assert_int_equal(s.mac_table_size, 2048);
    s = settings_of("no-such-key", "5");
    assert_settings_equal(&s, &def);
}

static void test_values_and_bounds(void **state)
{
    (void) state;
    assert_int_equal(settings_of("mac-table-size", "1").mac_table_size, 1);
    assert_int_equal(settings_of("mac-table-size", "1000000").mac_table_size,
                     1000000);
    assert_int_equal(settings_of("mac-aging-time", "60").mac_aging_s, 60);
    assert_int_equal(settings_of("flow-limit", "0").flow_limit, 0);
    assert_int_equal(settings_of("flow-limit", "10000000").flow_limit,
                     10000000);
    assert_int_equal(settings_of("max-idle", "100").max_idle_ms, 100);
    assert_true(settings_of("forward-bpdu", "true").forward_bpdu);
    assert_false(settings_of("forward-bpdu", "false").forward_bpdu);
    assert_int_equal(settings_of("max-idle", "86400000").max_idle_ms,
                     86400000);
    /* One key set leaves the others at their defaults. */
    struct ofproto_settings s = settings_of("flow-limit", "7");
    assert_int_equal(s.mac_table_size, 2048);
    assert_int_equal(s.max_idle_ms, 10000);
}

static void test_bad_values_mean_default(void **state)
{
    (void) state;
    assert_int_equal(settings_of("mac-table-size", "0").mac_table_size, 2048);
    assert_int_equal(settings_of("mac-table-size", "1000001").mac_table_size,
                     2048);
    assert_int_equal(settings_of("mac-aging-time", "-5").mac_aging_s, 300);
    assert_int_equal(settings_of("mac-aging-time", "60s").mac_aging_s, 300);
    assert_int_equal(settings_of("flow-limit", "-1").flow_limit, 200000);
    assert_int_equal(settings_of("flow-limit", "10000001").flow_limit, 200000);
    assert_int_equal(settings_of("max-idle", "99").max_idle_ms, 10000);
    assert_int_equal(settings_of("max-idle", "abc").max_idle_ms, 10000);
    assert_false(settings_of("forward-bpdu", "yes").forward_bpdu);
    assert_false(settings_of("forward-bpdu", "1").forward_bpdu);
    assert_int_equal(settings_of("max-idle", "99999999999999999999")
                     .max_idle_ms, 10000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_values_and_bounds),
        cmocka_unit_test(test_bad_values_mean_default),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
