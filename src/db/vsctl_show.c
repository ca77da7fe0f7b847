/* `show`: the shape of `ovs-vsctl show` -- the Open_vSwitch row's uuid,
 * then each bridge with its controllers, fail_mode, datapath_type and
 * ports, each port with tag/trunks and interfaces, each interface with
 * type, options and error; rows in uuid order as OVS prints them. */
#include <string.h>

#include "db/schema.h"
#include "db/vsctl_private.h"

static const struct column_type *type_of(const struct confdb_row *row, int col)
{
    return &schema_tables[row->table].columns[col].type;
}

/* An empty set or a single "" is not shown. */
static bool is_blank(const struct datum *d, const struct column_type *t)
{
    return !d->n || (d->n == 1 && t->key.type == ATOM_STRING
                     && !column_is_map(t) && !d->keys[0].string[0]);
}

/* Prints "<indent>label: value" when the column has something to show. */
static void show_column(struct vsctl_ctx *ctx, const struct confdb_row *row,
                        int col, int indent)
{
    const struct column_type *t = type_of(row, col);
    const struct datum *d = &row->cols[col];
    if (is_blank(d, t)) {
        return;
    }
    dstr_printf(&ctx->out, "%*s%s: ", indent, "",
                schema_tables[row->table].columns[col].name);
    datum_to_string(d, t, &ctx->out);
    dstr_putc(&ctx->out, '\n');
}

/* Prints "<indent>Label name" for a row, the name as ovs-vsctl quotes it. */
static void show_heading(struct vsctl_ctx *ctx, const char *label,
                         const struct confdb_row *row, int name_col,
                         int indent)
{
    dstr_printf(&ctx->out, "%*s%s ", indent, "", label);
    datum_to_string(&row->cols[name_col], type_of(row, name_col), &ctx->out);
    dstr_putc(&ctx->out, '\n');
}

static void show_iface(struct vsctl_ctx *ctx, const struct confdb_row *iface)
{
    show_heading(ctx, "Interface", iface, IF_NAME, 12);
    show_column(ctx, iface, IF_TYPE, 16);
    show_column(ctx, iface, IF_OPTIONS, 16);
    show_column(ctx, iface, IF_ERROR, 16);
}

static void show_port(struct vsctl_ctx *ctx, const struct confdb_row *port)
{
    const struct datum *ifaces = &port->cols[PORT_INTERFACES];

    show_heading(ctx, "Port", port, PORT_NAME, 8);
    show_column(ctx, port, PORT_TAG, 12);
    show_column(ctx, port, PORT_TRUNKS, 12);
    for (size_t i = 0; i < ifaces->n; i++) {
        const struct confdb_row *iface =
            confdb_find_uuid(ctx->db, TBL_INTERFACE, ifaces->keys[i].string);
        if (iface) {
            show_iface(ctx, iface);
        }
    }
}

static void show_controller(struct vsctl_ctx *ctx, const struct confdb_row *c)
{
    show_heading(ctx, "Controller", c, CTL_TARGET, 8);
    if (c->cols[CTL_IS_CONNECTED].keys[0].boolean) {
        dstr_printf(&ctx->out, "%12sis_connected: true\n", "");
    }
}

static void show_bridge(struct vsctl_ctx *ctx, const struct confdb_row *br)
{
    const struct datum *ctls = &br->cols[BR_CONTROLLER];
    const struct datum *ports = &br->cols[BR_PORTS];

    show_heading(ctx, "Bridge", br, BR_NAME, 4);
    for (size_t i = 0; i < ctls->n; i++) {
        const struct confdb_row *c =
            confdb_find_uuid(ctx->db, TBL_CONTROLLER, ctls->keys[i].string);
        if (c) {
            show_controller(ctx, c);
        }
    }
    show_column(ctx, br, BR_FAIL_MODE, 8);
    show_column(ctx, br, BR_DATAPATH_TYPE, 8);
    for (size_t i = 0; i < ports->n; i++) {
        const struct confdb_row *port =
            confdb_find_uuid(ctx->db, TBL_PORT, ports->keys[i].string);
        if (port) {
            show_port(ctx, port);
        }
    }
}

int vsctl_cmd_show(struct vsctl_ctx *ctx, int argc, char *argv[])
{
    (void) argc;
    (void) argv;
    const struct confdb_row *root = confdb_root(ctx->db);
    const struct datum *brs = &root->cols[OVS_BRIDGES];

    dstr_printf(&ctx->out, "%s\n", root->uuid);
    for (size_t i = 0; i < brs->n; i++) {
        const struct confdb_row *br =
            confdb_find_uuid(ctx->db, TBL_BRIDGE, brs->keys[i].string);
        if (br) {
            show_bridge(ctx, br);
        }
    }
    show_column(ctx, root, OVS_OVS_VERSION, 4);
    return 0;
}
