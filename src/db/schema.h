/* The OVSDB-style schema of the configuration store (the parts of OVS's
 * vswitch schema we use) and its values: atoms (integer, boolean, string,
 * uuid), datums (sets and maps of atoms), their parsing from ovs-vsctl's
 * text syntax, their printing, and their constraint checks. */
#ifndef VS_DB_SCHEMA_H
#define VS_DB_SCHEMA_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/dstr.h"

enum atom_type { ATOM_VOID, ATOM_INTEGER, ATOM_BOOLEAN, ATOM_STRING,
                 ATOM_UUID };

/* A string or uuid atom owns its malloc'd `string`. */
union atom {
    int64_t integer;
    bool boolean;
    char *string;
};

struct base_type {
    enum atom_type type;
    int64_t min_int, max_int;      /* integers: inclusive range */
    const char *const *enums;      /* strings: allowed values, NULL-ended */
    int ref_table;                 /* uuids: enum table_id, or -1 */
};

#define N_UNLIMITED UINT_MAX
struct column_type {
    struct base_type key;
    struct base_type value;        /* type ATOM_VOID unless a map */
    unsigned n_min, n_max;
};

/* A set (values NULL) or map, keys sorted ascending and unique. */
struct datum {
    size_t n;
    union atom *keys;
    union atom *values;
};

struct schema_column {
    const char *name;
    struct column_type type;
    bool is_mutable;               /* false: set only at creation */
};

enum table_id { TBL_OPEN_VSWITCH, TBL_BRIDGE, TBL_PORT, TBL_INTERFACE,
                TBL_CONTROLLER, N_TABLES };

struct schema_table {
    const char *name;
    const struct schema_column *columns; /* sorted by name */
    size_t n_columns;
    bool is_root;                  /* rows live without being referenced */
    int name_column;               /* unique "name" column, or -1 */
};

/* Column indexes, in each table's (alphabetical) column order. */
enum { OVS_BRIDGES, OVS_EXTERNAL_IDS, OVS_OTHER_CONFIG, OVS_OVS_VERSION,
       OVS_N_COLUMNS };
enum { BR_CONTROLLER, BR_DATAPATH_TYPE, BR_EXTERNAL_IDS, BR_FAIL_MODE,
       BR_NAME, BR_OTHER_CONFIG, BR_PORTS, BR_PROTOCOLS, BR_N_COLUMNS };
enum { PORT_EXTERNAL_IDS, PORT_INTERFACES, PORT_NAME, PORT_OTHER_CONFIG,
       PORT_TAG, PORT_TRUNKS, PORT_VLAN_MODE, PORT_N_COLUMNS };
enum { IF_ADMIN_STATE, IF_ERROR, IF_EXTERNAL_IDS, IF_LINK_STATE,
       IF_MAC_IN_USE, IF_MTU, IF_NAME, IF_OFPORT, IF_OFPORT_REQUEST,
       IF_OPTIONS, IF_OTHER_CONFIG, IF_STATISTICS, IF_TYPE, IF_N_COLUMNS };
enum { CTL_EXTERNAL_IDS, CTL_INACTIVITY_PROBE, CTL_IS_CONNECTED,
       CTL_MAX_BACKOFF, CTL_OTHER_CONFIG, CTL_TARGET, CTL_N_COLUMNS };

extern const struct schema_table schema_tables[N_TABLES];

/* The table whose name matches `name` case-insensitively, exactly or as
 * the unique prefix; NULL with *err (malloc'd) otherwise. */
const struct schema_table *schema_find_table(const char *name, char **err);

/* Pseudo-column index of "_uuid" from schema_find_column. */
#define SCHEMA_UUID_COLUMN (-2)

/* The index of the column of `t` named `name` exactly or by unique prefix
 * (SCHEMA_UUID_COLUMN for "_uuid"), or -1 with *err (malloc'd). */
int schema_find_column(const struct schema_table *t, const char *name,
                       char **err);

static inline bool column_is_map(const struct column_type *t)
{
    return t->value.type != ATOM_VOID;
}

/* Datums. */
void datum_init_empty(struct datum *d);
/* The value a new row gets: empty, or the single default atom (0, false,
 * "") when the column needs one value. */
void datum_init_default(struct datum *d, const struct column_type *t);
void datum_destroy(struct datum *d, const struct column_type *t);
void datum_clone(struct datum *dst, const struct datum *src,
                 const struct column_type *t);
/* Moves `src` into `dst` (destroying what `dst` held). */
void datum_move(struct datum *dst, struct datum *src,
                const struct column_type *t);
bool datum_equals(const struct datum *a, const struct datum *b,
                  const struct column_type *t);
/* Index of `key` in `d`, or -1. */
long datum_find_key(const struct datum *d, const union atom *key,
                    enum atom_type type);
/* Adds key (and value for maps), copied; for maps an existing key gets
 * the new value when `replace`, else is kept. */
void datum_add(struct datum *d, const union atom *key,
               const union atom *value, const struct column_type *t,
               bool replace);
/* Removes the element at `i`. */
void datum_remove_at(struct datum *d, size_t i, const struct column_type *t);

int atom_compare(const union atom *a, const union atom *b,
                 enum atom_type type);
void atom_clone(union atom *dst, const union atom *src, enum atom_type type);
void atom_destroy(union atom *a, enum atom_type type);

/* Parses one atom from all of `s` (a bare word or a "quoted" string).
 * 0, or -1 with *err (malloc'd). */
int atom_from_string(const struct base_type *b, const char *s,
                     union atom *out, char **err);
/* Parses a whole datum in ovs-vsctl syntax: `[a, b]`, `a,b`, `{k=v}`,
 * a single atom, `[]` for empty.  Sorted; duplicate set elements merged,
 * duplicate map keys refused.  0 or -1 with *err. */
int datum_from_string(const struct column_type *t, const char *s,
                      struct datum *out, char **err);
/* Checks a datum's size against the column's bounds and each atom's
 * range or allowed values.  0 or -1 with *err. */
int datum_check(const struct column_type *t, const struct datum *d,
                char **err);
int atom_check(const struct base_type *b, const union atom *a, char **err);

/* Appends `a` as ovs-vsctl prints it (strings quoted when they must be). */
void atom_to_string(const union atom *a, enum atom_type type,
                    struct dstr *out);
/* Appends `d` as ovs-vsctl prints it: `[]`, `x`, `[a, b]`, `{k=v}`. */
void datum_to_string(const struct datum *d, const struct column_type *t,
                     struct dstr *out);
/* Appends `d` in --bare form: elements space-separated, nothing quoted. */
void datum_to_bare(const struct datum *d, const struct column_type *t,
                   struct dstr *out);

/* True if `s` is a UUID in 8-4-4-4-12 hex form. */
bool uuid_is_valid(const char *s);

#endif
