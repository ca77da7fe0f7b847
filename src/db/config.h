/* A typed snapshot of the configuration the daemon applies: what bridge.c
 * needs of the Bridge, Port and Interface tables, without knowing how they
 * are stored.  Built by confdb_read_config() (confdb.h). */
#ifndef VS_DB_CONFIG_H
#define VS_DB_CONFIG_H

#include <stddef.h>
#include <stdint.h>

/* A string-to-string map column (options, other_config, external_ids). */
struct conf_smap {
    size_t n;
    char **keys;
    char **values;
};

/* The value of `key` in `m`, or NULL. */
const char *conf_smap_get(const struct conf_smap *m, const char *key);

struct conf_iface {
    char uuid[37];
    char *name;
    char *type;            /* "" = system */
    struct conf_smap options;
    int64_t ofport_request; /* -1 when unset */
    int64_t ofport;        /* as the daemon last stored it; -1 when unset */
};

struct conf_port {
    char uuid[37];
    char *name;
    int64_t tag;           /* -1 when unset */
    size_t n_trunks;
    int64_t *trunks;
    char *vlan_mode;       /* "" when unset */
    size_t n_ifaces;
    struct conf_iface *ifaces;
};

/* A Controller row. */
struct conf_controller {
    char uuid[37];
    char *target;
    int64_t max_backoff;       /* ms; -1 when unset */
    int64_t inactivity_probe;  /* ms; -1 when unset (0: no probes) */
};

struct conf_bridge {
    char uuid[37];
    char *name;
    char *datapath_type;
    char *fail_mode;
    size_t n_controllers;
    struct conf_controller *controllers;
    size_t n_protocols;
    char **protocols;          /* "OpenFlow10" ... */
    struct conf_smap other_config;
    size_t n_ports;
    struct conf_port *ports;
};

struct conf {
    size_t n_bridges;
    struct conf_bridge *bridges;
};

/* Frees everything a snapshot holds and zeroes it. */
void conf_free(struct conf *c);

/* What the daemon reports back into an Interface row (status columns). */
struct conf_iface_status {
    int64_t ofport;        /* -1: none (failed) */
    const char *error;     /* NULL: clear the column */
    const char *mac_in_use;/* NULL: leave empty */
    const char *admin_state; /* "up"/"down"/NULL */
    const char *link_state;  /* "up"/"down"/NULL */
    int64_t mtu;           /* -1: unknown */
    /* statistics map: rx_packets, rx_bytes, rx_dropped, rx_errors,
     * tx_packets, tx_bytes, tx_dropped, tx_errors; -1 = leave out */
    int64_t stats[8];
};

#endif
