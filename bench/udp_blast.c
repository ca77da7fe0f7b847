/* udp_blast: sends small UDP datagrams as fast as one thread can, for the
 * small-packet rate of a switch (a pktgen-free method: the receiving side's
 * interface counters give the rate that came through).
 *
 *   udp_blast DST_IPV4 PORT SECONDS [PAYLOAD_BYTES]
 *
 * PAYLOAD_BYTES defaults to 18: 14 + 20 + 8 + 18 = 60 bytes on the wire, a
 * 64-byte Ethernet frame with its FCS.  Prints "sent N packets in S s (R
 * pps)". */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BURST 64
#define MAX_PAYLOAD 1472

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long parse_long(const char *s, long min, long max, const char *what)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < min || v > max) {
        fprintf(stderr, "udp_blast: bad %s \"%s\" (%ld..%ld)\n", what, s, min,
                max);
        exit(2);
    }
    return v;
}

int main(int argc, char *argv[])
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: udp_blast DST_IPV4 PORT SECONDS "
                "[PAYLOAD_BYTES]\n");
        return 2;
    }
    struct sockaddr_in dst = { .sin_family = AF_INET };
    if (inet_pton(AF_INET, argv[1], &dst.sin_addr) != 1) {
        fprintf(stderr, "udp_blast: bad address \"%s\"\n", argv[1]);
        return 2;
    }
    dst.sin_port = htons((uint16_t)parse_long(argv[2], 1, 65535, "port"));
    double seconds = (double)parse_long(argv[3], 1, 3600, "duration");
    size_t payload = argc == 5
                     ? (size_t)parse_long(argv[4], 0, MAX_PAYLOAD, "payload")
                     : 18;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&dst, sizeof dst)) {
        perror("udp_blast: socket");
        return 1;
    }
    static char buf[MAX_PAYLOAD];
    struct iovec iov = { .iov_base = buf, .iov_len = payload };
    struct mmsghdr msgs[BURST];
    memset(msgs, 0, sizeof msgs);
    for (int i = 0; i < BURST; i++) {
        msgs[i].msg_hdr.msg_iov = &iov;
        msgs[i].msg_hdr.msg_iovlen = 1;
    }
    unsigned long long sent = 0;
    double start = now_s(), end = start + seconds, t = start;
    while (t < end) {
        int n = sendmmsg(fd, msgs, BURST, 0);
        if (n > 0) {
            sent += (unsigned long long)n;
        } else if (n < 0 && errno != ENOBUFS && errno != EAGAIN
                   && errno != ECONNREFUSED && errno != EINTR) {
            perror("udp_blast: sendmmsg");
            return 1;
        }
        t = now_s();
    }
    double elapsed = t - start;
    printf("sent %llu packets in %.2f s (%.0f pps)\n", sent, elapsed,
           (double)sent / elapsed);
    close(fd);
    return 0;
}
