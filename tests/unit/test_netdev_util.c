/* Unit tests of the device helpers and of the system port's refusals, on
 * what every Linux host has without privileges: the loopback device and a
 * device name that does not exist (the GRO knob is also changed on lo, and
 * put back, when we are root).  Veth/TAP behaviour (promiscuity, rings,
 * traffic) is covered by tests/system/test_ports_netdev.py. */
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
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

/* The knobs a port takes are given back, and only those.  lo has GRO and
 * can change it when we are root: then turn it off first, so that take has
 * something to change, and leave it as it was. */
static void test_knobs_take_restore(void **state)
{
    (void)state;
    bool gro_was;
    assert_int_equal(netdev_get_gro("lo", &gro_was), 0);
    bool can_set = netdev_set_gro("lo", false) == 0;

    struct netdev_knobs saved;
    memset(&saved, 0xff, sizeof saved);
    netdev_knobs_take("lo", &saved);
    assert_false(saved.lro_turned_off);       /* lo's LRO is fixed off */
    bool on;
    assert_int_equal(netdev_get_gro("lo", &on), 0);
    if (can_set) {
        assert_true(saved.gro_turned_on);
        assert_true(on);
    }
    netdev_knobs_restore("lo", &saved);
    assert_false(saved.gro_turned_on);
    assert_int_equal(netdev_get_gro("lo", &on), 0);
    assert_int_equal(on, can_set ? false : gro_was);

    /* GRO that was on already is not turned off by restore. */
    if (can_set) {
        assert_int_equal(netdev_set_gro("lo", true), 0);
        netdev_knobs_take("lo", &saved);
        assert_false(saved.gro_turned_on);
        netdev_knobs_restore("lo", &saved);
        assert_int_equal(netdev_get_gro("lo", &on), 0);
        assert_true(on);
        assert_int_equal(netdev_set_gro("lo", gro_was), 0);
    }

    /* A device that is gone: nothing taken, nothing to restore. */
    netdev_knobs_take(MISSING, &saved);
    assert_false(saved.gro_turned_on || saved.lro_turned_off);
    assert_int_equal(netdev_get_gro(MISSING, &on), -ENODEV);
    unsigned int flags;
    assert_int_equal(netdev_get_flags_fd(-1, "lo", &flags), -EBADF);
}

/* A kept socket reads the same flags as a socket per call. */
static void test_flags_fd(void **state)
{
    (void)state;
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    unsigned int a, b;
    assert_int_equal(netdev_get_flags_fd(fd, "lo", &a), 0);
    assert_int_equal(netdev_get_flags("lo", &b), 0);
    assert_int_equal(a, b);
    assert_true(a & IFF_LOOPBACK);
    assert_int_equal(netdev_get_flags_fd(fd, MISSING, &a), -ENODEV);
    assert_int_equal(netdev_get_flags_fd(fd, "bad/name", &a), -EINVAL);
    close(fd);
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
        cmocka_unit_test(test_knobs_take_restore),
        cmocka_unit_test(test_flags_fd),
        cmocka_unit_test(test_internal_registry),
        cmocka_unit_test(test_system_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
