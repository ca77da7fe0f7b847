/* Unit tests for the control socket (src/lib/unixctl.c): a server runs in a
 * thread of this process, clients (unixctl_client_call, or raw sockets that
 * misbehave) talk to it. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "lib/unixctl.h"

struct fixture {
    char dir[64];
    char path[128];
    struct unixctl_server *server;
    pthread_t thread;
    volatile int stop;
};

/* "echo": replies with its arguments joined by spaces. */
static void echo_cb(struct unixctl_conn *conn, int argc, const char *argv[],
                    void *aux)
{
    (void) aux;
    char out[4096] = "";
    for (int i = 1; i < argc; i++) {
        if (i > 1) {
            strncat(out, " ", sizeof out - strlen(out) - 1);
        }
        strncat(out, argv[i], sizeof out - strlen(out) - 1);
    }
    unixctl_reply(conn, out);
}

static void fail_cb(struct unixctl_conn *conn, int argc, const char *argv[],
                    void *aux)
{
    (void) argc; (void) argv;
    unixctl_reply_error(conn, aux);
}

/* Replies with bytes that are not UTF-8. */
static void binary_cb(struct unixctl_conn *conn, int argc, const char *argv[],
                      void *aux)
{
    (void) argc; (void) argv; (void) aux;
    unixctl_reply(conn, "a\xff\xfe" "b");
}

static void *server_thread(void *f_)
{
    struct fixture *f = f_;
    while (!f->stop) {
        struct pollfd fds[80];
        int n = unixctl_server_pollfds(f->server, fds, 80);
        poll(fds, (nfds_t) n, 20);
        unixctl_server_run(f->server);
    }
    return NULL;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/test_unixctl.XXXXXX");
    if (!mkdtemp(f->dir)) {
        return -1;
    }
    snprintf(f->path, sizeof f->path, "%s/t.ctl", f->dir);
    unixctl_command_register("echo", "[ARG...]", 0, 3, echo_cb, NULL);
    unixctl_command_register("need2", "A B", 2, 2, echo_cb, NULL);
    unixctl_command_register("fail", "", 0, 0, fail_cb, "it failed");
    unixctl_command_register("binary", "", 0, 0, binary_cb, NULL);
    if (unixctl_server_create(f->path, &f->server)) {
        return -1;
    }
    pthread_create(&f->thread, NULL, server_thread, f);
    *state = f;
    return 0;
}

/* Small limits, so that eviction and timeouts show within a test. */
#define SMALL_CONNS 4
#define SMALL_REQUEST_MS 300
#define SMALL_IDLE_MS 600

static int setup_small(void **state)
{
    if (setup(state)) {
        return -1;
    }
    struct fixture *f = *state;
    /* The thread already runs: stop it while the limits change. */
    f->stop = 1;
    pthread_join(f->thread, NULL);
    f->stop = 0;
    struct unixctl_limits limits = {
        .max_conns = SMALL_CONNS,
        .request_timeout_ms = SMALL_REQUEST_MS,
        .idle_timeout_ms = SMALL_IDLE_MS,
    };
    unixctl_server_set_limits(f->server, &limits);
    pthread_create(&f->thread, NULL, server_thread, f);
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    f->stop = 1;
    pthread_join(f->thread, NULL);
    unixctl_server_destroy(f->server);
    unixctl_command_clear();
    rmdir(f->dir);
    free(f);
    return 0;
}

static int call(struct fixture *f, const char *method, int argc,
                const char *const argv[], char **result, char **error)
{
    return unixctl_client_call(f->path, method, argc, argv, 5000, result,
                               error);
}

static void test_round_trip(void **state)
{
    struct fixture *f = *state;
    const char *args[] = { "hello", "wörld", "\"quoted\\\"" };
    char *result, *error;
    assert_int_equal(call(f, "echo", 3, args, &result, &error), 0);
    assert_null(error);
    assert_string_equal(result, "hello wörld \"quoted\\\"");
    free(result);

    assert_int_equal(call(f, "echo", 0, NULL, &result, &error), 0);
    assert_null(error);
    assert_string_equal(result, "");
    free(result);
}

static void test_error_reply(void **state)
{
    struct fixture *f = *state;
    char *result, *error;
    assert_int_equal(call(f, "fail", 0, NULL, &result, &error), 0);
    assert_null(result);
    assert_string_equal(error, "it failed");
    free(error);
}

static void test_unknown_command(void **state)
{
    struct fixture *f = *state;
    char *result, *error;
    assert_int_equal(call(f, "no/such", 0, NULL, &result, &error), 0);
    assert_null(result);
    assert_non_null(strstr(error, "\"no/such\" is not a valid command"));
    free(error);
}

static void test_arg_counts(void **state)
{
    struct fixture *f = *state;
    char *result, *error;
    const char *one[] = { "a" };
    assert_int_equal(call(f, "need2", 1, one, &result, &error), 0);
    assert_null(result);
    assert_non_null(strstr(error, "requires at least 2 arguments"));
    free(error);

    const char *four[] = { "a", "b", "c", "d" };
    assert_int_equal(call(f, "echo", 4, four, &result, &error), 0);
    assert_null(result);
    assert_non_null(strstr(error, "takes at most 3 arguments"));
    free(error);

    assert_int_equal(call(f, "need2", 2, four, &result, &error), 0);
    assert_string_equal(result, "a b");
    free(result);
}

static void test_list_commands(void **state)
{
    struct fixture *f = *state;
    char *result, *error;
    assert_int_equal(call(f, "list-commands", 0, NULL, &result, &error), 0);
    assert_null(error);
    const char *head = "The available commands are:\n";
    assert_true(!strncmp(result, head, strlen(head)));
    /* Sorted, usage after the padded name. */
    char *echo = strstr(result, "\n  echo                    [ARG...]\n");
    char *need2 = strstr(result, "\n  need2                   A B\n");
    assert_non_null(echo);
    assert_non_null(need2);
    assert_true(echo < need2);
    free(result);
}

static void test_non_utf8_reply(void **state)
{
    struct fixture *f = *state;
    char *result, *error;
    assert_int_equal(call(f, "binary", 0, NULL, &result, &error), 0);
    assert_string_equal(result, "a??b");
    free(result);
}

/* ---- Raw clients that misbehave ---- */

static int raw_connect(struct fixture *f)
{
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    assert_true(strlen(f->path) < sizeof un.sun_path);
    memcpy(un.sun_path, f->path, strlen(f->path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *) &un, sizeof un), 0);
    struct timeval tv = { .tv_sec = 5 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

static void raw_send(int fd, const char *text)
{
    size_t len = strlen(text);
    assert_int_equal(send(fd, text, len, MSG_NOSIGNAL), (ssize_t) len);
}

/* Reads until the peer closes (or 5 s pass); returns what came. */
static char *raw_read_all(int fd)
{
    size_t cap = 65536, len = 0;
    char *buf = malloc(cap);
    for (;;) {
        ssize_t n = recv(fd, buf + len, cap - len - 1, 0);
        if (n <= 0) {
            break;
        }
        len += (size_t) n;
        if (len + 1 >= cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[len] = '\0';
    return buf;
}

/* Reads exactly one reply object, leaving what follows it in the socket
 * (peek, parse, then consume what the parser used). */
static json_t *raw_read_reply(int fd)
{
    char buf[8192];
    for (int tries = 0; tries < 500; tries++) {
        ssize_t n = recv(fd, buf, sizeof buf - 1, MSG_PEEK);
        assert_true(n > 0);
        json_error_t err;
        json_t *j = json_loadb(buf, (size_t) n, JSON_DISABLE_EOF_CHECK, &err);
        if (j) {
            assert_int_equal(recv(fd, buf, (size_t) err.position, 0),
                             (ssize_t) err.position);
            return j;
        }
        usleep(10000);
    }
    fail_msg("no complete reply");
    return NULL;
}

static void assert_error_reply(const char *text, const char *want)
{
    json_t *j = json_loads(text, JSON_DISABLE_EOF_CHECK, NULL);
    assert_non_null(j);
    assert_true(json_is_null(json_object_get(j, "result")));
    const char *err = json_string_value(json_object_get(j, "error"));
    assert_non_null(err);
    assert_non_null(strstr(err, want));
    json_decref(j);
}

static void assert_server_alive(struct fixture *f)
{
    const char *args[] = { "still", "here" };
    char *result, *error;
    assert_int_equal(call(f, "echo", 2, args, &result, &error), 0);
    assert_string_equal(result, "still here");
    free(result);
}

static void test_bad_json_closes(void **state)
{
    struct fixture *f = *state;
    int fd = raw_connect(f);
    raw_send(fd, "{\"id\":1,\"method\":\"echo\",\"params\":[\"x\",]}");
    char *got = raw_read_all(fd);   /* returns because the server closed */
    assert_error_reply(got, "invalid JSON");
    free(got);
    close(fd);

    fd = raw_connect(f);
    raw_send(fd, "hello world\n");
    got = raw_read_all(fd);
    assert_error_reply(got, "invalid JSON-RPC message");
    free(got);
    close(fd);
    assert_server_alive(f);
}

static void test_not_a_request(void **state)
{
    struct fixture *f = *state;
    int fd = raw_connect(f);
    raw_send(fd, "{\"id\":1,\"params\":[]}");
    char *got = raw_read_all(fd);
    assert_error_reply(got, "not a JSON-RPC request");
    free(got);
    close(fd);

    fd = raw_connect(f);
    raw_send(fd, "{\"id\":7,\"method\":\"echo\",\"params\":[1]}");
    json_t *j = raw_read_reply(fd);
    assert_int_equal(json_integer_value(json_object_get(j, "id")), 7);
    assert_string_equal(json_string_value(json_object_get(j, "error")),
                        "command has non-string argument");
    json_decref(j);
    close(fd);
}

/* Two requests in one write, then one request a byte at a time: the
 * replies come back in order with their ids (strings and numbers alike). */
static void test_stream_framing(void **state)
{
    struct fixture *f = *state;
    int fd = raw_connect(f);
    raw_send(fd, "{\"id\":\"a\",\"method\":\"echo\",\"params\":[\"}{\"]}  "
                 "{\"id\":2,\"method\":\"echo\",\"params\":[\"two\"]}");
    json_t *j = raw_read_reply(fd);
    assert_string_equal(json_string_value(json_object_get(j, "id")), "a");
    assert_string_equal(json_string_value(json_object_get(j, "result")),
                        "}{");
    assert_true(json_is_null(json_object_get(j, "error")));
    json_decref(j);
    j = raw_read_reply(fd);
    assert_int_equal(json_integer_value(json_object_get(j, "id")), 2);
    assert_string_equal(json_string_value(json_object_get(j, "result")),
                        "two");
    json_decref(j);

    const char *req = "{\"id\":3,\"method\":\"echo\",\"params\":[\"slow\"]}";
    for (const char *p = req; *p; p++) {
        char one[2] = { *p, 0 };
        raw_send(fd, one);
        usleep(200);
    }
    j = raw_read_reply(fd);
    assert_int_equal(json_integer_value(json_object_get(j, "id")), 3);
    assert_string_equal(json_string_value(json_object_get(j, "result")),
                        "slow");
    json_decref(j);
    close(fd);
}

/* More than 1 MiB in one request: an error reply and a closed connection,
 * and the server goes on serving others. */
static void test_huge_request_refused(void **state)
{
    struct fixture *f = *state;
    int fd = raw_connect(f);
    const char *prefix = "{\"id\":1,\"method\":\"echo\",\"params\":[\"";
    raw_send(fd, prefix);
    size_t chunk = 64 * 1024;
    char *filler = malloc(chunk + 1);
    memset(filler, 'x', chunk);
    filler[chunk] = '\0';
    size_t sent = 0;
    while (sent < 3 * 1024 * 1024) {
        ssize_t n = send(fd, filler, chunk, MSG_NOSIGNAL);
        if (n <= 0) {
            break;  /* the server hung up on us: fine */
        }
        sent += (size_t) n;
    }
    free(filler);
    /* The server refuses once it holds more than the bound; what it holds
     * is at most what we sent (it may hang up before we send more). */
    assert_true(strlen(prefix) + sent > UNIXCTL_MAX_REQUEST);
    char *got = raw_read_all(fd);
    assert_error_reply(got, "request too long");
    free(got);
    close(fd);
    assert_server_alive(f);

    /* Through the client too: a 2 MiB argument. */
    char *big = malloc(2 * 1024 * 1024 + 1);
    memset(big, 'y', 2 * 1024 * 1024);
    big[2 * 1024 * 1024] = '\0';
    const char *args[] = { big };
    char *result, *error;
    int rc = call(f, "echo", 1, args, &result, &error);
    free(big);
    if (rc == 0) {
        assert_null(result);
        assert_string_equal(error, "request too long");
        free(error);
    } else {
        /* The server may close before the client has written it all. */
        assert_true(rc == -EPIPE || rc == -ECONNRESET);
    }
    assert_server_alive(f);
}

/* A client that disconnects without reading its reply harms nobody. */
static void test_client_vanishes(void **state)
{
    struct fixture *f = *state;
    for (int i = 0; i < 20; i++) {
        int fd = raw_connect(f);
        raw_send(fd, "{\"id\":1,\"method\":\"echo\",\"params\":[\"x\"]}");
        close(fd);
    }
    assert_server_alive(f);
}

static void test_socket_mode_and_reuse(void **state)
{
    struct fixture *f = *state;
    struct stat st;
    assert_int_equal(stat(f->path, &st), 0);
    assert_true(S_ISSOCK(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);

    /* A live server's socket is not stolen. */
    struct unixctl_server *second;
    assert_int_equal(unixctl_server_create(f->path, &second), -EADDRINUSE);
    assert_null(second);

    /* A stale socket file (nobody listening) is replaced. */
    char stale[160];
    snprintf(stale, sizeof stale, "%s/stale.ctl", f->dir);
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    assert_true(strlen(stale) < sizeof un.sun_path);
    memcpy(un.sun_path, stale, strlen(stale) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_int_equal(bind(fd, (struct sockaddr *) &un, sizeof un), 0);
    close(fd);
    assert_int_equal(unixctl_server_create(stale, &second), 0);
    unixctl_server_destroy(second);
    assert_int_equal(access(stale, F_OK), -1);   /* destroy removed it */
}

static void test_client_errors(void **state)
{
    struct fixture *f = *state;
    char *result, *error;
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none.ctl", f->dir);
    assert_int_equal(unixctl_client_call(missing, "echo", 0, NULL, 100,
                                         &result, &error), -ENOENT);
    assert_null(result);
    assert_null(error);

    /* A server that never runs: the client gives up at its timeout. */
    char idle_path[160];
    snprintf(idle_path, sizeof idle_path, "%s/idle.ctl", f->dir);
    struct unixctl_server *idle;
    assert_int_equal(unixctl_server_create(idle_path, &idle), 0);
    assert_int_equal(unixctl_client_call(idle_path, "echo", 0, NULL, 100,
                                         &result, &error), -ETIMEDOUT);
    unixctl_server_destroy(idle);
}

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000
           + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* True when the server has closed fd (EOF waiting), false if it is open. */
static bool peer_closed(int fd)
{
    char c;
    ssize_t n = recv(fd, &c, 1, MSG_DONTWAIT | MSG_PEEK);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return false;
    }
    return n == 0 || n < 0;
}

/* Full: a new client is served, the oldest idle connection makes room and
 * the younger ones stay. */
static void test_full_evicts_oldest(void **state)
{
    struct fixture *f = *state;
    int held[SMALL_CONNS];
    for (int i = 0; i < SMALL_CONNS; i++) {
        held[i] = raw_connect(f);
        if (i % 2) {
            raw_send(held[i], "{\"id\":1,\"method\":");   /* partial */
        }
        usleep(20000);   /* accepted in this order */
    }
    assert_server_alive(f);
    usleep(50000);
    assert_true(peer_closed(held[0]));
    for (int i = 1; i < SMALL_CONNS; i++) {
        assert_false(peer_closed(held[i]));
    }
    /* Full again: the next client pushes out the next oldest. */
    int late = raw_connect(f);
    usleep(20000);
    assert_server_alive(f);
    usleep(50000);
    assert_true(peer_closed(held[1]));
    assert_false(peer_closed(held[2]));
    assert_false(peer_closed(late));
    for (int i = 0; i < SMALL_CONNS; i++) {
        close(held[i]);
    }
    close(late);
}

/* Half a request is answered with an error once the request timeout has
 * passed since its first byte, then closed. */
static void test_partial_request_times_out(void **state)
{
    struct fixture *f = *state;
    int fd = raw_connect(f);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    raw_send(fd, "{\"id\":1,\"method\":\"echo\",\"params\":[");
    char *text = raw_read_all(fd);
    long took = elapsed_ms(&t0);
    assert_error_reply(text, "request timed out");
    assert_true(took >= SMALL_REQUEST_MS - 20 && took < 3000);
    free(text);
    close(fd);
}

/* A connection that sends nothing closes after the idle timeout. */
static void test_idle_times_out(void **state)
{
    struct fixture *f = *state;
    int fd = raw_connect(f);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char *text = raw_read_all(fd);
    long took = elapsed_ms(&t0);
    assert_string_equal(text, "");
    assert_true(took >= SMALL_IDLE_MS - 20 && took < 3000);
    free(text);
    close(fd);
}

/* The request timeout counts from each request's first byte, the idle one
 * from the last byte: a connection that sends a request in pieces, and
 * then more requests spaced under the idle timeout, is served throughout
 * though it lives far longer than either. */
static void test_active_connection_lives(void **state)
{
    struct fixture *f = *state;
    int fd = raw_connect(f);
    for (int i = 0; i < 4; i++) {
        raw_send(fd, "{\"id\":5,\"method\":");
        usleep(SMALL_REQUEST_MS / 3 * 1000);
        raw_send(fd, "\"echo\",\"params\":[\"hi\"]}");
        json_t *j = raw_read_reply(fd);
        assert_string_equal(json_string_value(json_object_get(j, "result")),
                            "hi");
        json_decref(j);
        usleep(SMALL_IDLE_MS * 2 / 3 * 1000);
    }
    close(fd);
}

/* Requests pipelined faster than the replies are read are all answered,
 * in order: input is read only once the previous reply is out. */
static void test_pipelined_requests(void **state)
{
    struct fixture *f = *state;
    int fd = raw_connect(f);
    enum { N = 500 };
    char *req = malloc(N * 64);
    size_t len = 0;
    for (int i = 0; i < N; i++) {
        len += (size_t) sprintf(req + len, "{\"id\":%d,\"method\":\"echo\","
                                "\"params\":[\"%d\"]}", i, i);
    }
    assert_int_equal(send(fd, req, len, MSG_NOSIGNAL), (ssize_t) len);
    free(req);
    for (int i = 0; i < N; i++) {
        json_t *j = raw_read_reply(fd);
        assert_int_equal(json_integer_value(json_object_get(j, "id")), i);
        json_decref(j);
    }
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_command, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_arg_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_non_utf8_reply, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_bad_json_closes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_not_a_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_framing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_huge_request_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_client_vanishes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_socket_mode_and_reuse, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_client_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_evicts_oldest, setup_small,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_partial_request_times_out,
                                        setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_idle_times_out, setup_small,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_active_connection_lives,
                                        setup_small, teardown),
        cmocka_unit_test_setup_teardown(test_pipelined_requests, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
