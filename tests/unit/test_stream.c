/* Unit tests for src/lib/stream.c: target parsing, and loopback TCP (IPv4
 * and IPv6 when the host has it) and UNIX connections. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/stream.h"

static void test_verify(void **state)
{
    (void) state;
    char err[128];
    static const char *good[] = {
        "tcp:127.0.0.1", "tcp:127.0.0.1:6633", "tcp:[::1]", "tcp:[::1]:1",
        "tcp:10.0.0.1:", "ptcp:", "ptcp:0", "ptcp:6653", "ptcp:6653:0.0.0.0",
        "ptcp::127.0.0.1", "ptcp:1:[::1]", "unix:/tmp/x", "punix:/tmp/x",
    };
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        err[0] = '\0';
        int r = stream_verify_target(good[i], err, sizeof err);
        if (r) {
            fail_msg("%s: %s", good[i], err);
        }
    }
    static const char *bad[] = {
        "tcp:", "tcp:1.2.3", "tcp:1.2.3.4:0", "tcp:1.2.3.4:65536",
        "tcp:1.2.3.4:x", "tcp:[::1", "tcp:[::1]x", "tcp:[zz]", "ptcp:x",
        "ptcp:70000", "ptcp:1:bad", "unix:", "punix:", "ssl:1.2.3.4",
        "foo", "", "tcp:::1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = '\0';
        int r = stream_verify_target(bad[i], err, sizeof err);
        if (r != -EINVAL) {
            fail_msg("%s accepted", bad[i]);
        }
        assert_true(err[0] != '\0');
    }
    assert_int_equal(stream_verify_target("tcp:1.2.3", err, sizeof err),
                     -EINVAL);
    assert_string_equal(err, "tcp:1.2.3: bad address");

    assert_true(stream_target_is_passive("ptcp:1"));
    assert_true(stream_target_is_passive("punix:/x"));
    assert_false(stream_target_is_passive("tcp:1.2.3.4"));
    assert_false(stream_target_is_passive("unix:/x"));
    assert_false(stream_target_is_passive(NULL));

    /* Active opens refuse passive targets and vice versa. */
    assert_int_equal(stream_open("ptcp:1", err, sizeof err), -EINVAL);
    assert_int_equal(pstream_open("tcp:127.0.0.1", 0600, err, sizeof err),
                     -EINVAL);
}

static void check_flags(int fd)
{
    assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
}

static int wait_connected(int fd)
{
    for (int i = 0; i < 100; i++) {
        int r = stream_connect_done(fd);
        if (r != -EAGAIN) {
            return r;
        }
        struct pollfd p = { .fd = fd, .events = POLLOUT };
        poll(&p, 1, 20);
    }
    return -ETIMEDOUT;
}

static int accept_wait(int lfd)
{
    for (int i = 0; i < 100; i++) {
        int fd = pstream_accept(lfd);
        if (fd != -EAGAIN) {
            return fd;
        }
        struct pollfd p = { .fd = lfd, .events = POLLIN };
        poll(&p, 1, 20);
    }
    return -ETIMEDOUT;
}

/* Connects `active` to listening `lfd` and passes bytes both ways. */
static void round_trip(int lfd, const char *active)
{
    char err[128] = "";
    int c = stream_open(active, err, sizeof err);
    if (c < 0) {
        fail_msg("%s: %s", active, err);
    }
    check_flags(c);
    int s = accept_wait(lfd);
    assert_true(s >= 0);
    check_flags(s);
    assert_int_equal(wait_connected(c), 0);
    assert_int_equal(pstream_accept(lfd), -EAGAIN);

    assert_int_equal(write(c, "ping", 4), 4);
    char buf[8];
    struct pollfd p = { .fd = s, .events = POLLIN };
    assert_int_equal(poll(&p, 1, 1000), 1);
    assert_int_equal(read(s, buf, sizeof buf), 4);
    assert_memory_equal(buf, "ping", 4);
    assert_int_equal(write(s, "pong", 4), 4);
    p.fd = c;
    assert_int_equal(poll(&p, 1, 1000), 1);
    assert_int_equal(read(c, buf, sizeof buf), 4);
    assert_memory_equal(buf, "pong", 4);
    close(c);
    close(s);
}

static void test_tcp4(void **state)
{
    (void) state;
    char err[128] = "";
    int lfd = pstream_open("ptcp:0", 0, err, sizeof err);
    if (lfd < 0) {
        fail_msg("%s", err);
    }
    check_flags(lfd);
    int port = stream_bound_port(lfd);
    assert_true(port > 0);
    char target[64];
    snprintf(target, sizeof target, "tcp:127.0.0.1:%d", port);
    round_trip(lfd, target);
    round_trip(lfd, target);

    /* A second listener on the same port fails with an error. */
    char ptarget[64];
    snprintf(ptarget, sizeof ptarget, "ptcp:%d", port);
    int lfd2 = pstream_open(ptarget, 0, err, sizeof err);
    assert_int_equal(lfd2, -EADDRINUSE);
    assert_non_null(strstr(err, "Address already in use"));
    close(lfd);

    /* Closed port: the connect fails (at once or via connect_done). */
    int c = stream_open(target, err, sizeof err);
    if (c >= 0) {
        assert_int_equal(wait_connected(c), -ECONNREFUSED);
        close(c);
    } else {
        assert_int_equal(c, -ECONNREFUSED);
    }
}

static void test_tcp6(void **state)
{
    (void) state;
    char err[128] = "";
    int lfd = pstream_open("ptcp:0:[::1]", 0, err, sizeof err);
    if (lfd < 0) {
        skip();         /* No IPv6 loopback here. */
    }
    int port = stream_bound_port(lfd);
    assert_true(port > 0);
    char target[64];
    snprintf(target, sizeof target, "tcp:[::1]:%d", port);
    round_trip(lfd, target);
    close(lfd);
}

static void test_unix(void **state)
{
    (void) state;
    char dir[] = "/tmp/test_stream.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], ptarget[160], target[160], err[128] = "";
    snprintf(path, sizeof path, "%s/sock", dir);
    snprintf(ptarget, sizeof ptarget, "punix:%s", path);
    snprintf(target, sizeof target, "unix:%s", path);

    int lfd = pstream_open(ptarget, 0600, err, sizeof err);
    if (lfd < 0) {
        fail_msg("%s", err);
    }
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stream_bound_port(lfd), -1);
    round_trip(lfd, target);
    close(lfd);

    /* The stale socket file is replaced, with the new mode. */
    lfd = pstream_open(ptarget, 0660, err, sizeof err);
    assert_true(lfd >= 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0660);
    round_trip(lfd, target);
    close(lfd);
    unlink(path);

    /* No listener: connect fails with an error. */
    err[0] = '\0';
    int c = stream_open(target, err, sizeof err);
    assert_true(c < 0);
    assert_true(err[0] != '\0');

    /* A regular file at the path is not replaced. */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_true(pstream_open(ptarget, 0600, err, sizeof err) < 0);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify),
        cmocka_unit_test(test_tcp4),
        cmocka_unit_test(test_tcp6),
        cmocka_unit_test(test_unix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
