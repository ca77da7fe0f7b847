/* The typed configuration snapshot (config.h): built from the store's rows
 * for the daemon, and the daemon's status written back into them. */
#include "db/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/confdb.h"
#include "lib/dstr.h"

const char *conf_smap_get(const struct conf_smap *m, const char *key)
{
    for (size_t i = 0; m && i < m->n; i++) {
        if (!strcmp(m->keys[i], key)) {
            return m->values[i];
        }
    }
    return NULL;
}

static void smap_free(struct conf_smap *m)
{
    for (size_t i = 0; i < m->n; i++) {
        free(m->keys[i]);
        free(m->values[i]);
    }
    free(m->keys);
    free(m->values);
    memset(m, 0, sizeof *m);
}

void conf_free(struct conf *c)
{
    for (size_t b = 0; b < c->n_bridges; b++) {
        struct conf_bridge *br = &c->bridges[b];
        for (size_t p = 0; p < br->n_ports; p++) {
            struct conf_port *port = &br->ports[p];
            for (size_t i = 0; i < port->n_ifaces; i++) {
                free(port->ifaces[i].name);
                free(port->ifaces[i].type);
                smap_free(&port->ifaces[i].options);
            }
            free(port->ifaces);
            free(port->name);
            free(port->trunks);
            free(port->vlan_mode);
        }
        free(br->ports);
        free(br->name);
        free(br->datapath_type);
        free(br->fail_mode);
        for (size_t i = 0; i < br->n_controllers; i++) {
            free(br->controllers[i].target);
        }
        free(br->controllers);
        for (size_t i = 0; i < br->n_protocols; i++) {
            free(br->protocols[i]);
        }
        free(br->protocols);
        smap_free(&br->other_config);
    }
    free(c->bridges);
    memset(c, 0, sizeof *c);
}

/* --- building the snapshot --- */

static void smap_from_datum(struct conf_smap *m, const struct datum *d)
{
    m->n = d->n;
    m->keys = xcalloc(d->n, sizeof *m->keys);
    m->values = xcalloc(d->n, sizeof *m->values);
    for (size_t i = 0; i < d->n; i++) {
        m->keys[i] = xstrdup(d->keys[i].string);
        m->values[i] = xstrdup(d->values[i].string);
    }
}

static char *string_or_empty(const struct datum *d)
{
    return xstrdup(d->n ? d->keys[0].string : "");
}

static int64_t integer_or(const struct datum *d, int64_t dflt)
{
    return d->n ? d->keys[0].integer : dflt;
}

/* The live rows of table `t` that the uuid set `refs` names, sorted by
 * name (malloc'd array, count in *n). */
static struct confdb_row **children_by_name(struct confdb *db,
                                            const struct datum *refs,
                                            enum table_id t, size_t *n);

static void fill_iface(struct conf_iface *ci, const struct confdb_row *row)
{
    snprintf(ci->uuid, sizeof ci->uuid, "%s", row->uuid);
    ci->name = xstrdup(confdb_row_name(row));
    ci->type = string_or_empty(&row->cols[IF_TYPE]);
    smap_from_datum(&ci->options, &row->cols[IF_OPTIONS]);
    ci->ofport_request = integer_or(&row->cols[IF_OFPORT_REQUEST], -1);
    ci->ofport = integer_or(&row->cols[IF_OFPORT], -1);
}

static void fill_port(struct confdb *db, struct conf_port *cp,
                      const struct confdb_row *row)
{
    const struct datum *trunks = &row->cols[PORT_TRUNKS];
    struct confdb_row **ifaces;

    snprintf(cp->uuid, sizeof cp->uuid, "%s", row->uuid);
    cp->name = xstrdup(confdb_row_name(row));
    cp->tag = integer_or(&row->cols[PORT_TAG], -1);
    cp->n_trunks = trunks->n;
    cp->trunks = xcalloc(trunks->n, sizeof *cp->trunks);
    for (size_t i = 0; i < trunks->n; i++) {
        cp->trunks[i] = trunks->keys[i].integer;
    }
    cp->vlan_mode = string_or_empty(&row->cols[PORT_VLAN_MODE]);
    ifaces = children_by_name(db, &row->cols[PORT_INTERFACES], TBL_INTERFACE,
                              &cp->n_ifaces);
    cp->ifaces = xcalloc(cp->n_ifaces, sizeof *cp->ifaces);
    for (size_t i = 0; i < cp->n_ifaces; i++) {
        fill_iface(&cp->ifaces[i], ifaces[i]);
    }
    free(ifaces);
}

static void fill_bridge(struct confdb *db, struct conf_bridge *cb,
                        const struct confdb_row *row)
{
    struct confdb_row **ports;

    snprintf(cb->uuid, sizeof cb->uuid, "%s", row->uuid);
    cb->name = xstrdup(confdb_row_name(row));
    cb->datapath_type = string_or_empty(&row->cols[BR_DATAPATH_TYPE]);
    cb->fail_mode = string_or_empty(&row->cols[BR_FAIL_MODE]);
    const struct datum *protos = &row->cols[BR_PROTOCOLS];
    cb->n_protocols = protos->n;
    cb->protocols = xcalloc(protos->n, sizeof *cb->protocols);
    for (size_t i = 0; i < protos->n; i++) {
        cb->protocols[i] = xstrdup(protos->keys[i].string);
    }
    const struct datum *ctls = &row->cols[BR_CONTROLLER];
    cb->controllers = xcalloc(ctls->n, sizeof *cb->controllers);
    for (size_t i = 0; i < ctls->n; i++) {
        struct confdb_row *c = confdb_find_uuid(db, TBL_CONTROLLER,
                                                ctls->keys[i].string);
        if (!c) {
            continue;
        }
        struct conf_controller *cc = &cb->controllers[cb->n_controllers++];
        snprintf(cc->uuid, sizeof cc->uuid, "%s", c->uuid);
        cc->target = string_or_empty(&c->cols[CTL_TARGET]);
        cc->max_backoff = integer_or(&c->cols[CTL_MAX_BACKOFF], -1);
        cc->inactivity_probe = integer_or(&c->cols[CTL_INACTIVITY_PROBE], -1);
    }
    smap_from_datum(&cb->other_config, &row->cols[BR_OTHER_CONFIG]);
    ports = children_by_name(db, &row->cols[BR_PORTS], TBL_PORT,
                             &cb->n_ports);
    cb->ports = xcalloc(cb->n_ports, sizeof *cb->ports);
    for (size_t i = 0; i < cb->n_ports; i++) {
        fill_port(db, &cb->ports[i], ports[i]);
    }
    free(ports);
}

static int compare_rows_by_name(const void *a_, const void *b_)
{
    const struct confdb_row *const *a = a_, *const *b = b_;
    return strcmp(confdb_row_name(*a), confdb_row_name(*b));
}

static struct confdb_row **children_by_name(struct confdb *db,
                                            const struct datum *refs,
                                            enum table_id t, size_t *n)
{
    struct confdb_row **rows = xcalloc(refs->n, sizeof *rows);
    *n = 0;
    for (size_t i = 0; i < refs->n; i++) {
        struct confdb_row *row = confdb_find_uuid(db, t, refs->keys[i].string);
        if (row) {
            rows[(*n)++] = row;
        }
    }
    qsort(rows, *n, sizeof *rows, compare_rows_by_name);
    return rows;
}

int confdb_read_config(struct confdb *db, struct conf *out)
{
    char *err = NULL;
    struct confdb_row **bridges;

    memset(out, 0, sizeof *out);
    if (confdb_begin(db, &err)) {
        free(err);
        return -1;
    }
    bridges = children_by_name(db, &confdb_root(db)->cols[OVS_BRIDGES],
                               TBL_BRIDGE, &out->n_bridges);
    out->bridges = xcalloc(out->n_bridges, sizeof *out->bridges);
    for (size_t i = 0; i < out->n_bridges; i++) {
        fill_bridge(db, &out->bridges[i], bridges[i]);
    }
    free(bridges);
    if (confdb_commit(db, false, &err)) {
        free(err);
        conf_free(out);
        return -1;
    }
    return 0;
}

/* --- status written back --- */

/* Sets a column to one atom, or empty when `a` is NULL; true if changed. */
static bool set_optional(struct confdb_row *row, int col, const union atom *a)
{
    const struct column_type *t = &schema_tables[row->table].columns[col].type;
    struct datum d;

    datum_init_empty(&d);
    if (a) {
        datum_add(&d, a, NULL, t, false);
    }
    if (datum_equals(&d, &row->cols[col], t)) {
        datum_destroy(&d, t);
        return false;
    }
    confdb_row_set(NULL, row, col, &d);
    return true;
}

static bool set_optional_string(struct confdb_row *row, int col,
                                const char *s)
{
    union atom a = { .string = (char *) s };
    return set_optional(row, col, s ? &a : NULL);
}

static bool set_optional_int(struct confdb_row *row, int col, int64_t v,
                             bool present)
{
    union atom a = { .integer = v };
    return set_optional(row, col, present ? &a : NULL);
}

static const char *up_or_down(const char *s)
{
    return s && (!strcmp(s, "up") || !strcmp(s, "down")) ? s : NULL;
}

static bool set_statistics(struct confdb_row *row, const int64_t stats[8])
{
    static const char *const names[8] = {
        "rx_packets", "rx_bytes", "rx_dropped", "rx_errors",
        "tx_packets", "tx_bytes", "tx_dropped", "tx_errors" };
    const struct column_type *t =
        &schema_tables[TBL_INTERFACE].columns[IF_STATISTICS].type;
    struct datum d;

    datum_init_empty(&d);
    for (size_t i = 0; i < 8; i++) {
        if (stats[i] >= 0) {
            union atom k = { .string = (char *) names[i] };
            union atom v = { .integer = stats[i] };
            datum_add(&d, &k, &v, t, true);
        }
    }
    if (datum_equals(&d, &row->cols[IF_STATISTICS], t)) {
        datum_destroy(&d, t);
        return false;
    }
    confdb_row_set(NULL, row, IF_STATISTICS, &d);
    return true;
}

int confdb_set_iface_status(struct confdb *db, const char *iface_name,
                            const struct conf_iface_status *st)
{
    char *err = NULL;
    struct confdb_row *row;

    if (confdb_begin(db, &err)) {
        free(err);
        return -1;
    }
    row = confdb_find_name(db, TBL_INTERFACE, iface_name);
    if (!row) {
        confdb_rollback(db);
        return -1;
    }
    /* ofport -1 is what OVS stores for an interface it could not add. */
    set_optional_int(row, IF_OFPORT, st->ofport, true);
    set_optional_string(row, IF_ERROR, st->error);
    set_optional_string(row, IF_MAC_IN_USE, st->mac_in_use);
    set_optional_string(row, IF_ADMIN_STATE, up_or_down(st->admin_state));
    set_optional_string(row, IF_LINK_STATE, up_or_down(st->link_state));
    set_optional_int(row, IF_MTU, st->mtu, st->mtu >= 0);
    set_statistics(row, st->stats);
    if (confdb_commit(db, false, &err)) {
        free(err);
        return -1;
    }
    return 0;
}

int confdb_set_controller_connected(struct confdb *db, const char *uuid,
                                    bool is_connected)
{
    char *err = NULL;

    if (confdb_begin(db, &err)) {
        free(err);
        return -1;
    }
    struct confdb_row *row = confdb_find_uuid(db, TBL_CONTROLLER, uuid);
    if (!row) {
        confdb_rollback(db);
        return -1;
    }
    union atom a = { .boolean = is_connected };
    set_optional(row, CTL_IS_CONNECTED, &a);
    if (confdb_commit(db, false, &err)) {
        free(err);
        return -1;
    }
    return 0;
}

int confdb_set_ovs_version(struct confdb *db, const char *version)
{
    char *err = NULL;

    if (confdb_begin(db, &err)) {
        free(err);
        return -1;
    }
    set_optional_string(confdb_root(db), OVS_OVS_VERSION, version);
    if (confdb_commit(db, false, &err)) {
        free(err);
        return -1;
    }
    return 0;
}
