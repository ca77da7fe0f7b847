/* The "pcap" port: reads frames from a capture file and writes what it
 * sends to another, with libpcap.
 *
 * Options: rx=FILE (frames to receive), loop=true (start FILE over at its
 * end), tx=FILE (where sent frames go).  Receive buffers are allocated once
 * and only grow for a larger frame. */
#include "dp/vport/vport.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "lib/util.h"

#define PCAP_MIN_BUF 2048

struct pcap_port {
    char *rx_path;
    char *tx_path;
    bool loop;
    pcap_t *rx;
    pcap_t *tx_dead;            /* the link type and snaplen for the dumper */
    pcap_dumper_t *tx;
    struct dp_packet rx_pkts[PACKET_BATCH_MAX];
    uint8_t *rx_bufs[PACKET_BATCH_MAX];
    uint32_t rx_caps[PACKET_BATCH_MAX];
};

static void pcap_port_destroy(struct vport *vp)
{
    struct pcap_port *pp = vp->priv;
    if (!pp) {
        return;
    }
    if (pp->rx) {
        pcap_close(pp->rx);
    }
    if (pp->tx) {
        pcap_dump_close(pp->tx);
    }
    if (pp->tx_dead) {
        pcap_close(pp->tx_dead);
    }
    for (int i = 0; i < PACKET_BATCH_MAX; i++) {
        free(pp->rx_bufs[i]);
    }
    free(pp->rx_path);
    free(pp->tx_path);
    free(pp);
    vp->priv = NULL;
}

static int open_rx(struct vport *vp, struct pcap_port *pp, char *err,
                   size_t errlen)
{
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    pp->rx = pcap_open_offline(pp->rx_path, errbuf);
    if (!pp->rx) {
        snprintf(err, errlen, "%s: could not read %s (%s)", vp->name,
                 pp->rx_path, errbuf);
        return -ENOENT;
    }
    if (pcap_datalink(pp->rx) != DLT_EN10MB) {
        snprintf(err, errlen, "%s: %s is not an Ethernet capture", vp->name,
                 pp->rx_path);
        return -EINVAL;
    }
    return 0;
}

static int open_tx(struct vport *vp, struct pcap_port *pp, char *err,
                   size_t errlen)
{
    pp->tx_dead = pcap_open_dead(DLT_EN10MB, PACKET_MAX_LEN);
    if (!pp->tx_dead) {
        snprintf(err, errlen, "%s: out of memory", vp->name);
        return -ENOMEM;
    }
    pp->tx = pcap_dump_open(pp->tx_dead, pp->tx_path);
    if (!pp->tx) {
        snprintf(err, errlen, "%s: could not write %s (%s)", vp->name,
                 pp->tx_path, pcap_geterr(pp->tx_dead));
        return -EACCES;
    }
    return 0;
}

static int parse_loop(const char *s, bool *loop)
{
    if (!s || !strcmp(s, "false")) {
        *loop = false;
    } else if (!strcmp(s, "true")) {
        *loop = true;
    } else {
        return -EINVAL;
    }
    return 0;
}

static int pcap_port_create(struct vport *vp, const struct vport_opt *opts,
                            size_t n_opts, char *err, size_t errlen)
{
    const char *rx = vport_opt_get(opts, n_opts, "rx");
    const char *tx = vport_opt_get(opts, n_opts, "tx");
    struct pcap_port *pp = xcalloc(1, sizeof *pp);
    vp->priv = pp;
    int error = parse_loop(vport_opt_get(opts, n_opts, "loop"), &pp->loop);
    if (error) {
        snprintf(err, errlen, "%s: loop must be true or false", vp->name);
    }
    if (!error && rx) {
        pp->rx_path = xstrdup(rx);
        error = open_rx(vp, pp, err, errlen);
    }
    if (!error && tx) {
        pp->tx_path = xstrdup(tx);
        error = open_tx(vp, pp, err, errlen);
    }
    if (error) {
        pcap_port_destroy(vp);
    }
    return error;
}

static int pcap_port_send(struct vport *vp, const struct dp_packet *p)
{
    struct pcap_port *pp = vp->priv;
    if (!pp->tx) {
        vport_count_tx_dropped(vp, DP_DROP_NO_TX, 1);
        return -EOPNOTSUPP;
    }
    struct pcap_pkthdr h;
    gettimeofday(&h.ts, NULL);
    h.caplen = h.len = p->len;
    pcap_dump((u_char *)pp->tx, &h, dp_packet_data(p));
    vport_count_tx(vp, 1, p->len);
    return 0;
}

static void pcap_port_flush(struct vport *vp)
{
    struct pcap_port *pp = vp->priv;
    if (pp->tx) {
        pcap_dump_flush(pp->tx);
    }
}

/* Starts the capture over; false when it cannot be reopened. */
static bool rewind_rx(struct vport *vp, struct pcap_port *pp)
{
    char err[VPORT_ERR_MAX];
    pcap_close(pp->rx);
    pp->rx = NULL;
    return open_rx(vp, pp, err, sizeof err) == 0;
}

/* Reads the next frame into receive slot `i`: 1 got one, 0 end of file,
 * -1 a frame that had to be dropped. */
static int read_frame(struct vport *vp, struct pcap_port *pp, int i)
{
    struct pcap_pkthdr *h;
    const u_char *data;
    int r = pcap_next_ex(pp->rx, &h, &data);
    if (r == PCAP_ERROR_BREAK) {
        return 0;
    }
    if (r != 1 || h->caplen > PACKET_MAX_LEN) {
        vport_count_rx_error(vp, r == 1 ? DP_DROP_TOO_BIG : DP_DROP_RX_INVALID,
                             1);
        return r == 1 ? -1 : 0;       /* a read error ends this batch */
    }
    uint32_t need = PACKET_HEADROOM + h->caplen;
    if (pp->rx_caps[i] < need) {
        /* Not x* (lib/util.h): the buffer grows on the receive path for a
         * frame larger than any before; without memory that frame is
         * dropped and counted, and the port goes on. */
        uint32_t cap = need < PCAP_MIN_BUF ? PCAP_MIN_BUF : need;
        uint8_t *buf = realloc(pp->rx_bufs[i], cap);
        if (!buf) {
            vport_count_rx_dropped(vp, DP_DROP_NO_MEMORY, 1);
            return -1;
        }
        pp->rx_bufs[i] = buf;
        pp->rx_caps[i] = cap;
    }
    struct dp_packet *p = &pp->rx_pkts[i];
    dp_packet_init(p, pp->rx_bufs[i], pp->rx_caps[i], PACKET_HEADROOM);
    memcpy(dp_packet_data(p), data, h->caplen);
    p->len = h->caplen;
    vport_receive_prepare(vp, p, NULL);
    return 1;
}

static int pcap_port_recv(struct vport *vp, struct dp_packet_batch *batch)
{
    struct pcap_port *pp = vp->priv;
    bool rewound = false;   /* an empty file must not spin forever */
    uint64_t bytes = 0;
    int n = 0;
    while (pp->rx && n < PACKET_BATCH_MAX) {
        int r = read_frame(vp, pp, n);
        if (r > 0) {
            bytes += pp->rx_pkts[n].len;
            dp_packet_batch_add(batch, &pp->rx_pkts[n]);
            n++;
            rewound = false;
        } else if (r == 0) {
            if (!pp->loop || rewound || !rewind_rx(vp, pp)) {
                break;
            }
            rewound = true;
        }
    }
    if (n) {
        vport_count_rx(vp, n, bytes);
    }
    return n;
}

static void pcap_port_format_config(const struct vport *vp, char *buf,
                                    size_t size)
{
    const struct pcap_port *pp = vp->priv;
    snprintf(buf, size, "%s%s%s%s%s%s",
             pp->rx_path ? "rx=" : "", pp->rx_path ? pp->rx_path : "",
             pp->rx_path && pp->loop ? ", loop=true" : "",
             pp->rx_path && pp->tx_path ? ", " : "",
             pp->tx_path ? "tx=" : "", pp->tx_path ? pp->tx_path : "");
}

const struct vport_ops vport_pcap_ops = {
    .type = "pcap",
    .create = pcap_port_create,
    .destroy = pcap_port_destroy,
    .send = pcap_port_send,
    .flush = pcap_port_flush,
    .recv = pcap_port_recv,
    .format_config = pcap_port_format_config,
};
