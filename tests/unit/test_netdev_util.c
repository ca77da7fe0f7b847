/* Unit tests of the device helpers and of the system port's refusals, on
 * what every Linux host has without privileges: the loopback device and a
 * device name that does not exist.  Veth/TAP behaviour (promiscuity, rings,
 * traffic) is covered by tests/system/test_ports_netdev.py. */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dp/vport/netdev_util.h"
#include "dp/vport/vport.h"

#define MISSING "vsnu-missing0"

static void test_name_valid(void **state)
{
    (void)state;
    assert_true(netdev_name_valid("lo"));
    assert_true(netdev_name_valid("eth0.100"));
    assert_true(netdev_name_valid("abcdefghijklmno"));     /* 15 chars */
    assert_false(netdev_name_valid("abcdefghijklmnop"));   /* 16 chars */
    assert_false(netdev_name_valid(""));
    assert_false(netdev_name_valid(NULL));
    assert_false(netdev_name_valid("."));
    assert_false(netdev_name_valid(".."));
    assert_false(netdev_name_valid("a/b"));
    assert_false(netdev_name_valid("a b"));
    assert_false(netdev_name_valid("a:b"));
    assert_false(netdev_name_valid("a\nb"));
}

static void test_info_loopback(void **state)
{
    (void)state;
    struct netdev_info info;
    assert_int_equal(netdev_get_info("lo", &info), 0);
    assert_int_equal(info.ifindex, (int)if_nametoindex("lo"));
    assert_int_equal(info.type, ARPHRD_LOOPBACK);
    assert_true(info.flags & IFF_LOOPBACK);
    int mtu;
    assert_int_equal(netdev_get_mtu("lo", &mtu), 0);
    assert_true(mtu > 0);
    assert_int_equal(info.mtu, mtu);
    unsigned int flags;
    assert_int_equal(netdev_get_flags("lo", &flags), 0);
    assert_int_equal(flags & (IFF_LOOPBACK | IFF_UP),
                     info.flags & (IFF_LOOPBACK | IFF_UP));
}

static void test_info_missing(void **state)
{
    (void)state;
    struct netdev_info info;
    assert_int_equal(netdev_get_info(MISSING, &info), -ENODEV);
    assert_int_equal(info.ifindex, 0);
    assert_int_equal(netdev_get_info("bad/name", &info), -EINVAL);
    int mtu;
    assert_int_equal(netdev_get_mtu(MISSING, &mtu), -ENODEV);
    assert_int_equal(mtu, -1);
    unsigned int flags;
    assert_int_equal(netdev_get_flags(MISSING, &flags), -ENODEV);
    bool on, changeable;
    assert_int_equal(netdev_get_lro(MISSING, &on, &changeable), -ENODEV);
    assert_int_equal(netdev_set_lro(MISSING, false), -ENODEV);
}

/* The loopback device lists rx-lro among its features but cannot have it. */
static void test_lro_loopback(void **state)
{
    (void)state;
    bool on = true, changeable = true;
    assert_int_equal(netdev_get_lro("lo", &on, &changeable), 0);
    assert_false(on);
    assert_false(changeable);
    assert_int_equal(netdev_set_lro("lo", false), 0);       /* already off */
    assert_int_equal(netdev_set_lro("lo", true), -EOPNOTSUPP);
}

static void test_internal_registry(void **state)
{
    (void)state;
    assert_false(netdev_is_internal("vsnu-int0"));
    assert_int_equal(netdev_internal_add("vsnu-int0"), 0);
    assert_int_equal(netdev_internal_add("vsnu-int1"), 0);
    assert_true(netdev_is_internal("vsnu-int0"));
    assert_true(netdev_is_internal("vsnu-int1"));
    assert_false(netdev_is_internal("vsnu-int"));
    netdev_internal_remove("vsnu-int0");
    assert_false(netdev_is_internal("vsnu-int0"));
    assert_true(netdev_is_internal("vsnu-int1"));
    netdev_internal_remove("vsnu-int1");
    assert_false(netdev_is_internal("vsnu-int1"));
    int added = 0;
    char name[IFNAMSIZ];
    for (int i = 0; i < 1000; i++) {
        snprintf(name, sizeof name, "vsnu%d", i);
        if (netdev_internal_add(name)) {
            break;
        }
        added++;
    }
    assert_true(added > 0 && added < 1000);                 /* it fills up */
    assert_int_equal(netdev_internal_add("vsnu-more"), -ENOSPC);
    for (int i = 0; i < added; i++) {
        snprintf(name, sizeof name, "vsnu%d", i);
        netdev_internal_remove(name);
    }
    assert_int_equal(netdev_internal_add("vsnu-more"), 0);
    netdev_internal_remove("vsnu-more");
}

static int create_system(const char *name, char *err, size_t errlen)
{
    struct vport vp;
    memset(&vp, 0, sizeof vp);
    snprintf(vp.name, sizeof vp.name, "%s", name);
    vp.port_no = 1;
    vp.ops = &vport_netdev_ops;
    err[0] = '\0';
    int error = vport_netdev_ops.create(&vp, NULL, 0, err, errlen);
    if (!error) {
        vport_netdev_ops.destroy(&vp);
    }
    return error;
}

static void test_system_refuses(void **state)
{
    (void)state;
    char err[VPORT_ERR_MAX];
    assert_int_equal(create_system(MISSING, err, sizeof err), -ENODEV);
    assert_string_equal(err, "could not open network device " MISSING
                        " (No such device)");
    assert_int_equal(create_system("lo", err, sizeof err), -EINVAL);
    assert_non_null(strstr(err, "lo"));
    assert_non_null(strstr(err, "loopback"));
    assert_non_null(strstr(err, "(Invalid argument)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_valid),
        cmocka_unit_test(test_info_loopback),
        cmocka_unit_test(test_info_missing),
        cmocka_unit_test(test_lro_loopback),
        cmocka_unit_test(test_internal_registry),
        cmocka_unit_test(test_system_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
