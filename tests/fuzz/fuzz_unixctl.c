/* libFuzzer harness for the control socket's request framing and parsing.
 * unixctl.c keeps its scanner and message handling static, so this file
 * includes it whole (and so does not link the archive's copy).  The input
 * is fed to one server-side connection in chunks whose sizes come from the
 * input itself (first byte), as reads of a stream would deliver it; an
 * "echo" command answers each well-formed request, replies are drained
 * from the other end of a socketpair.  The client's reply parser is fuzzed
 * on the same bytes. */
#include "lib/unixctl.c"

#include <stdint.h>
#include <sys/socket.h>

static void echo_cb(struct unixctl_conn *conn, int argc, const char *argv[],
                    void *aux)
{
    (void)aux;
    if (argc > 1 && !strcmp(argv[1], "fail")) {
        unixctl_reply_error(conn, argv[argc - 1]);
    } else {
        unixctl_reply(conn, argv[argc - 1]);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    unixctl_command_register("echo", "[ARG...]", 0, 3, echo_cb, NULL);
    return 0;
}

static void drain(int fd)
{
    char sink[65536];
    while (recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0) {
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536) {
        return 0;
    }
    size_t chunk = data[0] ? data[0] : 1;
    data++, size--;

    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv)) {
        abort();
    }
    struct unixctl_conn *c = calloc(1, sizeof *c);
    c->fd = sv[0];
    for (size_t off = 0; off < size && !c->dead && !c->closing;
         off += chunk) {
        size_t n = size - off < chunk ? size - off : chunk;
        if (buf_append(&c->in, data + off, n)) {
            break;              /* past the request bound: refused */
        }
        conn_process_input(c);
        drain(sv[1]);
    }
    conn_free(c);
    close(sv[1]);

    /* The client side: the same bytes as a reply. */
    char *result = NULL, *error = NULL;
    parse_reply((const char *)data, size, 1, &result, &error);
    free(result);
    free(error);
    return 0;
}
