/* Unit tests for vlog/set specs (vlog_set_spec in src/lib/vlog.c): each
 * defect fuzz_vlog_set found has its case here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(test_vlog);

static struct vlog_module other = { "test_other", VLL_INFO, 0 };

static int setup(void **state)
{
    (void)state;
    static bool registered;
    if (!registered) {
        vlog_register(&other);
        registered = true;
    }
    this_module.level = VLL_INFO;
    other.level = VLL_INFO;
    return 0;
}

static void assert_levels(enum vlog_level mine, enum vlog_level others)
{
    assert_int_equal(this_module.level, mine);
    assert_int_equal(other.level, others);
}

/* Found by fuzz_vlog_set (tests/fuzz/corpus/vlog_set/garbage-destination):
 * any word stood for the destination; only console, file, syslog do. */
static void test_unknown_destination_refused(void **state)
{
    (void)state;
    assert_int_equal(vlog_set_spec("ANY:con\x8d\x8ale:warn"), -1);
    assert_int_equal(vlog_set_spec("test_vlog:nowhere:dbg"), -1);
    assert_levels(VLL_INFO, VLL_INFO);
    assert_int_equal(vlog_set_spec("ANY:syslog:warn"), 0);
    assert_levels(VLL_WARN, VLL_WARN);
}

/* Found by fuzz_vlog_set (corpus/vlog_set/cut-long-spec): the spec was cut
 * at 127 bytes, which could turn a bad level ("dbgzzz") into a good one;
 * and a good spec past 127 bytes was refused. */
static void test_long_spec_parsed_whole(void **state)
{
    (void)state;
    char spec[512];
    snprintf(spec, sizeof spec, "ANY:%0119d:dbgzzz", 0);
    assert_int_equal(vlog_set_spec(spec), -1);
    assert_levels(VLL_INFO, VLL_INFO);
    memset(spec, ' ', 300);
    strcpy(spec + 300, "test_vlog:dbg");
    assert_int_equal(vlog_set_spec(spec), 0);
    assert_levels(VLL_DBG, VLL_INFO);
}

/* Words come in any order, as OVS takes them; one of each kind at most. */
static void test_words_any_order(void **state)
{
    (void)state;
    assert_int_equal(vlog_set_spec("dbg:test_vlog"), 0);
    assert_levels(VLL_DBG, VLL_INFO);
    assert_int_equal(vlog_set_spec("file:test_other:warn"), 0);
    assert_levels(VLL_DBG, VLL_WARN);
    assert_int_equal(vlog_set_spec("err"), 0);
    assert_levels(VLL_ERR, VLL_ERR);
    assert_int_equal(vlog_set_spec("dbg:info"), -1);
    assert_int_equal(vlog_set_spec("console:file:dbg"), -1);
    assert_int_equal(vlog_set_spec("test_vlog:test_other:dbg"), -1);
    assert_int_equal(vlog_set_spec("ANY:test_vlog:dbg"), -1);
    assert_levels(VLL_ERR, VLL_ERR);
}

/* An unknown module, or no level at all, changes nothing. */
static void test_refused_changes_nothing(void **state)
{
    (void)state;
    assert_int_equal(vlog_set_spec("nosuchmodule:dbg"), -1);
    assert_int_equal(vlog_set_spec("test_vlog"), -1);
    assert_int_equal(vlog_set_spec(""), -1);
    assert_int_equal(vlog_set_spec(":::"), -1);
    assert_levels(VLL_INFO, VLL_INFO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_unknown_destination_refused, setup),
        cmocka_unit_test_setup(test_long_spec_parsed_whole, setup),
        cmocka_unit_test_setup(test_words_any_order, setup),
        cmocka_unit_test_setup(test_refused_changes_nothing, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
