/* dp-tunnel: a datapath hub whose ports may carry options, for the tunnel
 * and patch system tests.
 *
 *   dp-tunnel PORT[:TYPE[:KEY=VALUE[,KEY=VALUE...]]] ...
 *
 * e.g. `dp-tunnel veth0 vx0:vxlan:remote_ip=10.9.0.2,key=42`.  Creates a
 * datapath with the ports (type "system" unless given), installs for each
 * port a flow matching only its in_port that outputs to every other port,
 * calls vport_patch_resolve(), starts the forwarding thread and prints
 * "ready".  SIGUSR1 prints the counters (per port, and per vxlan socket);
 * SIGTERM or SIGINT prints them, removes the ports and exits 0.  A port
 * that cannot be added prints the error and exits 1. */
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
#include "dp/vport.h"
#include "dp/vport_patch.h"
#include "dp/vport_vxlan.h"

#define MAX_PORTS 32
#define MAX_OPTS 16

/* The port types this tool offers; naming them links them in. */
__attribute__((used))
static const struct vport_ops *const linked_types[] = {
    &vport_netdev_ops, &vport_internal_ops, &vport_patch_ops,
    &vport_vxlan_ops, &vport_memory_ops,
};

struct port_arg {
    char name[VPORT_NAME_MAX];
    char type[32];
    char optbuf[512];
    struct vport_opt opts[MAX_OPTS];
    size_t n_opts;
    uint32_t port_no;
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
    fprintf(stderr, "usage: dp-tunnel PORT[:TYPE[:KEY=VALUE,...]] ...\n");
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
    if (!acts.len) {
        action_put_drop(&acts);
    }
    return datapath_flow_put(dp, &key, &mask, acts.data, acts.len, false);
}

static void print_port(struct vport *vp, void *aux)
{
    (void)aux;
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
    struct vxlan_sock_stats vs;
    if (!vport_vxlan_sock_stats(vp, &vs)) {
        printf("    vxlan socket: malformed:%llu unmatched:%llu\n",
               (unsigned long long)vs.n_malformed,
               (unsigned long long)vs.n_unmatched);
    }
}

static void print_stats(struct datapath *dp)
{
    struct dp_stats ds;
    datapath_get_stats(dp, &ds);
    printf("lookups: hit:%llu missed:%llu lost:%llu\n",
           (unsigned long long)ds.n_hit, (unsigned long long)ds.n_missed,
           (unsigned long long)ds.n_lost);
    printf("recursion drops:%llu\n",
           (unsigned long long)ds.n_recursion_drops);
    datapath_port_foreach(dp, print_port, NULL);
    printf("end\n");
    fflush(stdout);
}

static void discard_upcall(const struct upcall *u, void *aux)
{
    (void)u;
    (void)aux;
}

static void run(struct datapath *dp)
{
    while (!stop_requested) {
        struct pollfd pfd = { .fd = datapath_upcall_fd(dp), .events = POLLIN };
        if (poll(&pfd, pfd.fd >= 0 ? 1 : 0, 100) > 0) {
            datapath_upcall_drain(dp, discard_upcall, NULL, 1024);
        }
        if (dump_requested) {
            dump_requested = 0;
            print_stats(dp);
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

static int add_ports(struct datapath *dp, struct port_arg *ports, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char err[VPORT_ERR_MAX] = "";
        ports[i].port_no = (uint32_t)i + 1;
        int error = datapath_port_add(dp, ports[i].name, ports[i].type,
                                      ports[i].opts, ports[i].n_opts,
                                      &ports[i].port_no, err, sizeof err);
        if (error) {
            fprintf(stderr, "dp-tunnel: %s\n", err[0] ? err
                    : strerror(-error));
            return -1;
        }
    }
    for (size_t i = 0; i < n; i++) {
        int error = install_hub_flow(dp, ports, n, i);
        if (error) {
            fprintf(stderr, "dp-tunnel: flow for port %u: %s\n",
                    ports[i].port_no, strerror(-error));
            return -1;
        }
    }
    vport_patch_resolve(dp);
    return 0;
}

int main(int argc, char *argv[])
{
    static struct port_arg ports[MAX_PORTS];
    size_t n = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' || n >= MAX_PORTS
            || parse_port(argv[i], &ports[n++])) {
            usage();
        }
    }
    if (!n) {
        usage();
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    install_signals();
    rcu_register_thread();
    struct datapath *dp = datapath_create("dp-tunnel");
    if (!dp) {
        fprintf(stderr, "dp-tunnel: cannot create the datapath\n");
        return 1;
    }
    int status = add_ports(dp, ports, n) ? 1 : 0;
    struct forwarder *fw = status ? NULL : forwarder_start(dp);
    if (!status && !fw) {
        fprintf(stderr, "dp-tunnel: cannot start the forwarder: %s\n",
                strerror(errno));
        status = 1;
    }
    if (!status) {
        printf("ready\n");
        run(dp);
        forwarder_stop(fw);
        print_stats(dp);
    }
    datapath_destroy(dp);
    rcu_unregister_thread();
    return status;
}
