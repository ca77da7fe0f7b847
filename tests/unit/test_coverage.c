/* Unit tests for the coverage counters: a counter defined in this file is
 * registered before main, counts, and coverage/show lists the counters that
 * were hit in name order with the OVS line shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/coverage.h"

COVERAGE_DEFINE(test_zebra);
COVERAGE_DEFINE(test_aardvark);
COVERAGE_DEFINE(test_never);

static void test_define_count_format(void **state)
{
    (void)state;
    const struct coverage_counter *z = coverage_find("test_zebra");
    assert_non_null(z);
    assert_non_null(coverage_find("test_aardvark"));
    assert_null(coverage_find("test_missing"));
    COVERAGE_INC(test_zebra);
    COVERAGE_ADD(test_zebra, 41);
    COVERAGE_INC(test_aardvark);
    assert_int_equal(coverage_get(z), 42);

    char *text = coverage_format();
    assert_non_null(strstr(text, "Event coverage, avg rate over last: 5 "
                           "seconds, last minute, last hour,  hash="));
    const char *a = strstr(text, "\ntest_aardvark ");
    const char *zl = strstr(text, "\ntest_zebra ");
    assert_non_null(a);
    assert_non_null(zl);
    assert_true(a < zl);                        /* name order */
    assert_non_null(strstr(zl, "/sec   total: 42\n"));
    assert_null(strstr(text, "test_never"));    /* never hit: not listed */
    assert_non_null(strstr(text, "\n1 events never hit\n"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_define_count_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
