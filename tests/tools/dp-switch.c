/* dp-switch: a datapath made a hub, for system tests and benchmarks.
 *
 *   dp-switch [--spin N] [--no-emc] PORT[:TYPE[:KEY=VALUE[,KEY=VALUE...]]] ...
 *
 * e.g. `dp-switch veth0 vx0:vxlan:remote_ip=10.9.0.2,key=42`.  Creates a
 * datapath with the ports (type "system" unless given), installs for each
 * port a flow matching only its in_port whose actions output to every other
 * port, resolves patch peers, starts the forwarding thread and prints
 * "ready".  On SIGUSR1 it prints the counters (datapath, per port, per vxlan
 * socket), ending with a line "end"; on SIGTERM or SIGINT it prints them,
 * removes the ports (restoring the devices) and exits 0.  A port that cannot
 * be added prints the error and exits 1. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <urcu.h>

#include "dp/actions.h"
#include "dp/datapath.h"
#include "dp/forwarder.h"
#include "dp/vport/vport.h"
#include "dp/vport/vxlan/vxlan.h"

#define MAX_PORTS 64
#define MAX_OPTS 16

/* The port types this tool offers: the archive's registry references them
 * weakly, so naming them here links them in. */
__attribute__((used))
static const struct vport_ops *const linked_types[] = {
    &vport_netdev_ops, &vport_internal_ops, &vport_patch_ops,
    &vport_vxlan_ops, &vport_memory_ops,
};

struct port_arg {
    char name[VPORT_NAME_MAX];
    char type[32];
    uint32_t port_no;
    char optbuf[512];
    struct vport_opt opts[MAX_OPTS];
    size_t n_opts;
};

static volatile sig_atomic_t stop_requested, dump_requested;

static void on_stop(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static void on_dump(int sig)
{
    (void)sig;
    dump_requested = 1;
}

static void usage(void)
{
    fprintf(stderr, "usage: dp-switch [--spin N] [--no-emc] "
            "PORT[:TYPE[:KEY=VALUE,...]] ...\n");
    exit(2);
}

/* Splits "k=v,k=v" (in p->optbuf) into p->opts. */
static int parse_opts(struct port_arg *p)
{
    char *save = NULL;
    for (char *kv = strtok_r(p->optbuf, ",", &save); kv;
         kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq || eq == kv || p->n_opts >= MAX_OPTS) {
            return -1;
        }
        *eq = '\0';
        p->opts[p->n_opts].key = kv;
        p->opts[p->n_opts].value = eq + 1;
        p->n_opts++;
    }
    return 0;
}

static int parse_port(const char *arg, struct port_arg *p)
{
    const char *c1 = strchr(arg, ':');
    const char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
    size_t name_len = c1 ? (size_t)(c1 - arg) : strlen(arg);
    size_t type_len = !c1 ? 0 : c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1);
    if (!name_len || name_len >= sizeof p->name || (c1 && !type_len)
        || type_len >= sizeof p->type
        || (c2 && strlen(c2 + 1) >= sizeof p->optbuf)) {
        return -1;
    }
    memcpy(p->name, arg, name_len);
    p->name[name_len] = '\0';
    if (c1) {
        memcpy(p->type, c1 + 1, type_len);
        p->type[type_len] = '\0';
    } else {
        snprintf(p->type, sizeof p->type, "system");
    }
    if (c2) {
        snprintf(p->optbuf, sizeof p->optbuf, "%s", c2 + 1);
        return parse_opts(p);
    }
    return 0;
}

/* A flow matching only in_port, with outputs to every other port. */
static int install_hub_flow(struct datapath *dp, const struct port_arg *ports,
                            size_t n, size_t in)
{
    struct flow_key key, mask;
    memset(&key, 0, sizeof key);
    memset(&mask, 0, sizeof mask);
    key.in_port = ports[in].port_no;
    mask.in_port = UINT32_MAX;
    static struct action_buf acts;
    action_buf_init(&acts);
    for (size_t i = 0; i < n; i++) {
        if (i != in) {
            action_put_output(&acts, ports[i].port_no);
        }
    }
    if (acts.len == 0) {
        action_put_drop(&acts);
    }
    return datapath_flow_put(dp, &key, &mask, acts.data, acts.len, false);
}

static void print_port(struct vport *vp, void *aux)
{
    (void)aux;
    struct vport_status st;
    memset(&st, 0, sizeof st);
    st.link_up = -1;
    st.mtu = -1;
    if (vp->ops->get_status) {
        vp->ops->get_status(vp, &st);  /* also folds the ring drops in */
    }
    struct vport_stats s;
    vport_stats_read(vp, &s);
    char cfg[256] = "";
    if (vp->ops->format_config) {
        vp->ops->format_config(vp, cfg, sizeof cfg);
    }
    printf("port %u: %s (%s%s%s)\n", vp->port_no, vp->name, vp->ops->type,
           *cfg ? ": " : "", cfg);
    printf("    RX packets:%llu errors:%llu dropped:%llu\n",
           (unsigned long long)s.rx_packets, (unsigned long long)s.rx_errors,
           (unsigned long long)s.rx_dropped);
    printf("    TX packets:%llu errors:%llu dropped:%llu\n",
           (unsigned long long)s.tx_packets, (unsigned long long)s.tx_errors,
           (unsigned long long)s.tx_dropped);
    printf("    RX bytes:%llu  TX bytes:%llu\n",
           (unsigned long long)s.rx_bytes, (unsigned long long)s.tx_bytes);
    printf("    link:%s mtu:%d mac:", st.link_up < 0 ? "unknown"
           : st.link_up ? "up" : "down", st.mtu);
    if (st.has_mac) {
        printf("%02x:%02x:%02x:%02x:%02x:%02x\n", st.mac[0], st.mac[1],
               st.mac[2], st.mac[3], st.mac[4], st.mac[5]);
    } else {
        printf("none\n");
    }
    struct vxlan_sock_stats vs;
    if (!vport_vxlan_sock_stats(vp, &vs)) {
        printf("    vxlan socket: malformed:%llu unmatched:%llu\n",
               (unsigned long long)vs.n_malformed,
               (unsigned long long)vs.n_unmatched);
    }
}

static void print_stats(struct datapath *dp, const struct forwarder *fw)
{
    struct dp_stats ds;
    datapath_get_stats(dp, &ds);
    printf("lookups: hit:%llu missed:%llu lost:%llu\n",
           (unsigned long long)ds.n_hit, (unsigned long long)ds.n_missed,
           (unsigned long long)ds.n_lost);
    printf("recursion drops:%llu\n",
           (unsigned long long)ds.n_recursion_drops);
    if (fw) {
        struct forwarder_stats fs;
        forwarder_get_stats(fw, &fs);
        printf("forwarder: rounds:%llu sleeps:%llu batches:%llu "
               "packets:%llu\n", (unsigned long long)fs.rounds,
               (unsigned long long)fs.sleeps, (unsigned long long)fs.batches,
               (unsigned long long)fs.packets);
    }
    datapath_port_foreach(dp, print_port, NULL);
    printf("end\n");
    fflush(stdout);
}

static void discard_upcall(const struct upcall *u, void *aux)
{
    (void)u;
    (void)aux;
}

/* Waits for signals; drains the (unexpected) misses meanwhile. */
static void run(struct datapath *dp, const struct forwarder *fw)
{
    while (!stop_requested) {
        struct pollfd pfd = { .fd = datapath_upcall_fd(dp), .events = POLLIN };
        if (poll(&pfd, pfd.fd >= 0 ? 1 : 0, 100) > 0) {
            datapath_upcall_drain(dp, discard_upcall, NULL, 1024);
        }
        if (dump_requested) {
            dump_requested = 0;
            print_stats(dp, fw);
        }
    }
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_dump;
    sigaction(SIGUSR1, &sa, NULL);
}

int main(int argc, char *argv[])
{
    static struct port_arg ports[MAX_PORTS];
    size_t n = 0;
    long spin = -1;
    bool emc = true;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--spin") && i + 1 < argc) {
            char *end;
            spin = strtol(argv[++i], &end, 10);
            if (*end || spin < 0) {
                usage();
            }
        } else if (!strcmp(argv[i], "--no-emc")) {
            emc = false;
        } else if (argv[i][0] == '-' || n >= MAX_PORTS
                   || parse_port(argv[i], &ports[n++])) {
            usage();
        }
    }
    if (n == 0) {
        usage();
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    install_signals();
    rcu_register_thread();
    struct datapath *dp = datapath_create("hub");
    if (!dp) {
        fprintf(stderr, "dp-switch: cannot create the datapath\n");
        return 1;
    }
    datapath_set_emc(dp, emc);
    int status = 0;
    for (size_t i = 0; i < n && !status; i++) {
        char err[VPORT_ERR_MAX] = "";
        ports[i].port_no = (uint32_t)i + 1;
        int error = datapath_port_add(dp, ports[i].name, ports[i].type,
                                      ports[i].opts, ports[i].n_opts,
                                      &ports[i].port_no, err, sizeof err);
        if (error) {
            fprintf(stderr, "dp-switch: %s\n", err[0] ? err
                    : strerror(-error));
            status = 1;
        }
    }
    for (size_t i = 0; i < n && !status; i++) {
        int error = install_hub_flow(dp, ports, n, i);
        if (error) {
            fprintf(stderr, "dp-switch: flow for port %u: %s\n",
                    ports[i].port_no, strerror(-error));
            status = 1;
        }
    }
    if (!status) {
        datapath_ports_changed(dp);
    }
    struct forwarder *fw = NULL;
    int error = status ? 0 : forwarder_start(dp, &fw);
    if (error) {
        fprintf(stderr, "dp-switch: cannot start the forwarder: %s\n",
                strerror(-error));
        status = 1;
    }
    if (!status) {
        if (spin >= 0) {
            forwarder_set_spin(fw, (uint32_t)spin);
        }
        printf("ready\n");
        run(dp, fw);
        struct forwarder_stats fs;
        forwarder_get_stats(fw, &fs);
        forwarder_stop(fw);
        printf("forwarder: rounds:%llu sleeps:%llu batches:%llu "
               "packets:%llu\n", (unsigned long long)fs.rounds,
               (unsigned long long)fs.sleeps, (unsigned long long)fs.batches,
               (unsigned long long)fs.packets);
        print_stats(dp, NULL);
    }
    datapath_destroy(dp);
    rcu_unregister_thread();
    return status;
}
