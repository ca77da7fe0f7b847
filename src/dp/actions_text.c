/* The text form of datapath actions, as OVS prints them:
 * "2,1", "drop", "push_vlan(vid=10,pcp=0)", "set(ipv4(src=..,dst=..))"...
 * Set actions carry masks: a field with a full mask prints as "f=value",
 * a partial one as "f=value/mask", an empty one not at all. */
#include "dp/actions.h"
#include "dp/meter.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp/net_headers.h"

/* ------------------------------------------------------------- formatting */

/* An snprintf-style output: counts what it would have written. */
struct out {
    char *buf;
    size_t size, len;
};

static void __attribute__((format(printf, 2, 3)))
put(struct out *o, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    size_t room = o->len < o->size ? o->size - o->len : 0;
    int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, args);
    va_end(args);
    if (n > 0) {
        o->len += n;
    }
}

/* Starts a field: a comma before all but the first. */
static void field(struct out *o, bool *first, const char *name)
{
    put(o, "%s%s=", *first ? "" : ",", name);
    *first = false;
}

static bool all_ones(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] != 0xff) {
            return false;
        }
    }
    return true;
}

static bool all_zeros(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

static void put_mac(struct out *o, const uint8_t *m)
{
    put(o, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4],
        m[5]);
}

static void put_ip(struct out *o, int af, const void *addr)
{
    char s[INET6_ADDRSTRLEN];
    put(o, "%s", inet_ntop(af, addr, s, sizeof s));
}

/* Prints a byte-string field (MAC, IPv4, IPv6) with its mask. */
static void put_bytes_field(struct out *o, bool *first, const char *name,
                            const void *val, const void *mask, size_t n,
                            void (*print)(struct out *, const void *))
{
    if (all_zeros(mask, n)) {
        return;
    }
    field(o, first, name);
    print(o, val);
    if (!all_ones(mask, n)) {
        put(o, "/");
        print(o, mask);
    }
}

static void print_mac(struct out *o, const void *v) { put_mac(o, v); }
static void print_ip4(struct out *o, const void *v) { put_ip(o, AF_INET, v); }
static void print_ip6(struct out *o, const void *v) { put_ip(o, AF_INET6, v); }

/* Prints an integer field with its mask (`full` is the all-ones mask). */
static void put_int_field(struct out *o, bool *first, const char *name,
                          uint32_t val, uint32_t mask, uint32_t full,
                          bool hex)
{
    if (!mask) {
        return;
    }
    field(o, first, name);
    put(o, hex ? "%#"PRIx32 : "%"PRIu32, val & mask);
    if (mask != full) {
        put(o, "/%#"PRIx32, mask);
    }
}

static void format_set_eth(struct out *o, const struct dp_action *a)
{
    struct dp_action_set_eth copy, *s = &copy;
    DP_ACTION_GET(a, s);
    bool first = true;
    put(o, "set(eth(");
    put_bytes_field(o, &first, "src", &s->src, &s->src_mask, 6, print_mac);
    put_bytes_field(o, &first, "dst", &s->dst, &s->dst_mask, 6, print_mac);
    put(o, "))");
}

static void format_set_ipv4(struct out *o, const struct dp_action *a)
{
    struct dp_action_set_ipv4 copy, *s = &copy;
    DP_ACTION_GET(a, s);
    bool first = true;
    put(o, "set(ipv4(");
    put_bytes_field(o, &first, "src", &s->src, &s->src_mask, 4, print_ip4);
    put_bytes_field(o, &first, "dst", &s->dst, &s->dst_mask, 4, print_ip4);
    put_int_field(o, &first, "tos", s->tos, s->tos_mask, 0xff, false);
    put_int_field(o, &first, "ttl", s->ttl, s->ttl_mask, 0xff, false);
    put(o, "))");
}

static void format_set_ipv6(struct out *o, const struct dp_action *a)
{
    struct dp_action_set_ipv6 copy, *s = &copy;
    DP_ACTION_GET(a, s);
    bool first = true;
    put(o, "set(ipv6(");
    put_bytes_field(o, &first, "src", s->src, s->src_mask, 16, print_ip6);
    put_bytes_field(o, &first, "dst", s->dst, s->dst_mask, 16, print_ip6);
    put_int_field(o, &first, "label", ntohl(s->label), ntohl(s->label_mask),
                  0xfffff, true);
    put_int_field(o, &first, "tclass", s->tclass, s->tclass_mask, 0xff,
                  false);
    put_int_field(o, &first, "hlimit", s->hlimit, s->hlimit_mask, 0xff,
                  false);
    put(o, "))");
}

static void format_set_tp(struct out *o, const struct dp_action *a)
{
    struct dp_action_set_tp copy, *s = &copy;
    DP_ACTION_GET(a, s);
    bool first = true;
    put(o, "set(tcp(");
    put_int_field(o, &first, "src", ntohs(s->src), ntohs(s->src_mask),
                  0xffff, false);
    put_int_field(o, &first, "dst", ntohs(s->dst), ntohs(s->dst_mask),
                  0xffff, false);
    put(o, "))");
}

static void format_set_tunnel(struct out *o, const struct dp_action *a)
{
    struct flow_tnl copy, *t = &copy;
    DP_ACTION_GET(a, t);
    put(o, "set(tunnel(");
    if (t->tun_id || (t->flags & FLOW_TNL_F_KEY)) {
        put(o, "tun_id=%#"PRIx64",", be64toh(t->tun_id));
    }
    if (t->ip_src) {
        put(o, "src=");
        put_ip(o, AF_INET, &t->ip_src);
        put(o, ",");
    }
    put(o, "dst=");
    put_ip(o, AF_INET, &t->ip_dst);
    if (t->ip_tos) {
        put(o, ",tos=%u", t->ip_tos);
    }
    put(o, ",ttl=%u", t->ip_ttl);
    if (t->tp_src) {
        put(o, ",tp_src=%u", ntohs(t->tp_src));
    }
    if (t->tp_dst) {
        put(o, ",tp_dst=%u", ntohs(t->tp_dst));
    }
    if (t->flags) {
        const char *sep = "";
        put(o, ",flags(");
        if (t->flags & FLOW_TNL_F_DONT_FRAGMENT) {
            put(o, "%sdf", sep);
            sep = "|";
        }
        if (t->flags & FLOW_TNL_F_CSUM) {
            put(o, "%scsum", sep);
            sep = "|";
        }
        if (t->flags & FLOW_TNL_F_KEY) {
            put(o, "%skey", sep);
        }
        put(o, ")");
    }
    put(o, "))");
}

static void format_push_vlan(struct out *o, const struct dp_action *a)
{
    struct dp_action_push_vlan copy, *v = &copy;
    DP_ACTION_GET(a, v);
    uint16_t tci = ntohs(v->tci);
    put(o, "push_vlan(");
    if (v->tpid != htons(ETH_TYPE_VLAN)) {
        put(o, "tpid=0x%04x,", ntohs(v->tpid));
    }
    put(o, "vid=%u,pcp=%u)", tci & VLAN_VID_MASK, tci >> VLAN_PCP_SHIFT);
}

static void format_output(struct out *o, const struct dp_action *a)
{
    uint32_t port_no;
    DP_ACTION_GET(a, &port_no);
    put(o, "%"PRIu32, port_no);
}

static void format_userspace(struct out *o, const struct dp_action *a)
{
    uint64_t userdata;
    DP_ACTION_GET(a, &userdata);
    put(o, "userspace(userdata=%#"PRIx64")", userdata);
}

static void format_pop_vlan(struct out *o, const struct dp_action *a)
{
    (void)a;
    put(o, "pop_vlan");
}

static void format_drop(struct out *o, const struct dp_action *a)
{
    (void)a;
    put(o, "drop");
}

static void format_trunc(struct out *o, const struct dp_action *a)
{
    uint32_t max_len;
    DP_ACTION_GET(a, &max_len);
    put(o, "trunc(%"PRIu32")", max_len);
}

static void format_meter(struct out *o, const struct dp_action *a)
{
    uint32_t id;
    DP_ACTION_GET(a, &id);
    put(o, "meter(%"PRIu32")", id);
}

/* Prints `a`; a known type has a payload of a size the type allows. */
static void format_fitting(struct out *o, const struct dp_action *a)
{
    switch ((enum dp_action_type)a->type) {
#define FORMAT(ENUM, NAME, PAYLOAD) \
    case DP_ACTION_##ENUM: format_##NAME(o, a); return;
    DP_ACTIONS(FORMAT)
#undef FORMAT
    case DP_ACTION_UNSPEC:
    case N_DP_ACTION_TYPES:
        break;
    }
    put(o, "unknown(type=%u,len=%u)", a->type, a->len);
}

/* Room for the largest payload of the list. */
union max_payload {
#define PAYLOAD_BYTES(ENUM, NAME, PAYLOAD) \
    uint8_t NAME[DP_PAYLOAD_MAX(PAYLOAD) + 1];
    DP_ACTIONS(PAYLOAD_BYTES)
#undef PAYLOAD_BYTES
};

/* Prints `a`.  A payload of a size its type does not allow (in a list
 * nobody validated) prints cut or zero-filled to a size it allows, so
 * that no formatter reads past it. */
static void format_one(struct out *o, const struct dp_action *a)
{
    const struct dp_action_kind *k = dp_action_kind(a->type);
    size_t size = dp_action_payload_len(a);
    if (!k || (size >= k->min_payload && size <= k->max_payload)) {
        format_fitting(o, a);
        return;
    }
    size_t fit = size < k->min_payload ? k->min_payload : k->max_payload;
    struct {
        struct dp_action h;
        uint8_t payload[sizeof(union max_payload)];
    } copy;
    memset(&copy, 0, sizeof copy);
    copy.h.type = a->type;
    copy.h.len = sizeof copy.h + fit;
    memcpy(copy.payload, dp_action_payload(a), size < fit ? size : fit);
    format_fitting(o, &copy.h);
}

int actions_format(const void *acts, size_t len, char *buf, size_t size)
{
    struct out o = { buf, size, 0 };
    if (size) {
        buf[0] = '\0';
    }
    bool first = true;
    DP_ACTION_FOR_EACH (a, acts, len) {
        if ((const uint8_t *)a + a->len > (const uint8_t *)acts + len) {
            break;                  /* truncated: print what is whole */
        }
        put(&o, "%s", first ? "" : ",");
        format_one(&o, a);
        first = false;
    }
    if (first) {
        put(&o, "drop");
    }
    return o.len > INT32_MAX ? INT32_MAX : (int)o.len;
}

/* ---------------------------------------------------------------- parsing */

#define PARSE_MAX_LEN 8192
#define PARSE_MAX_ITEMS 512

struct parser {
    char *err;
    size_t errlen;
};

/* What parse_<name> returns when the text is not its action's form (and
 * leaves the text as it was); otherwise it returns 0, or -1 after fail(). */
#define NOT_MINE 1

static int __attribute__((format(printf, 2, 3)))
fail(struct parser *ps, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    if (ps->errlen) {
        vsnprintf(ps->err, ps->errlen, fmt, args);
    }
    va_end(args);
    return -1;
}

/* Splits `s` in place at the commas outside parentheses; -1 when the
 * parentheses do not balance or there are too many items. */
static int split_top(char *s, char **items, int max)
{
    int n = 0, depth = 0;
    char *start = s;
    for (char *p = s;; p++) {
        if (*p == '(') {
            depth++;
        } else if (*p == ')' && --depth < 0) {
            return -1;
        } else if ((*p == ',' && !depth) || !*p) {
            if (n >= max) {
                return -1;
            }
            bool end = !*p;
            *p = '\0';
            items[n++] = start;
            start = p + 1;
            if (end) {
                break;
            }
        }
    }
    return depth ? -1 : n;
}

/* For "name(inner)", points *inner at inner (in place); false otherwise. */
static bool call_form(char *s, const char *name, char **inner)
{
    size_t n = strlen(name), len = strlen(s);
    if (strncmp(s, name, n) || s[n] != '(' || len < n + 2
        || s[len - 1] != ')') {
        return false;
    }
    s[len - 1] = '\0';
    *inner = s + n + 1;
    return true;
}

static bool parse_uint(const char *s, uint64_t max, uint64_t *v)
{
    if (!*s || *s == '-' || *s == '+' || *s == ' ') {
        return false;
    }
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || *end || x > max) {
        return false;
    }
    *v = x;
    return true;
}

static bool parse_mac(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        char *end;
        if (!isxdigit((unsigned char)s[0])) {
            return false;
        }
        unsigned long b = strtoul(s, &end, 16);
        if (end == s || end - s > 2 || b > 0xff
            || *end != (i < 5 ? ':' : '\0')) {
            return false;
        }
        mac[i] = b;
        s = end + 1;
    }
    return true;
}

/* Splits "value/mask" in place; *mask is NULL when there is none. */
static void split_mask(char *v, char **mask)
{
    char *slash = strchr(v, '/');
    *mask = NULL;
    if (slash) {
        *slash = '\0';
        *mask = slash + 1;
    }
}

/* Parses a byte-string value with optional mask into val/mask (n bytes). */
static bool parse_bytes(char *v, int kind, void *val, void *mask, size_t n)
{
    char *m;
    split_mask(v, &m);
    bool ok;
    if (kind == 6) {
        ok = parse_mac(v, val) && (!m || parse_mac(m, mask));
    } else {
        int af = kind == 4 ? AF_INET : AF_INET6;
        ok = inet_pton(af, v, val) == 1 && (!m || inet_pton(af, m, mask) == 1);
    }
    if (ok && !m) {
        memset(mask, 0xff, n);
    }
    return ok;
}

/* Parses an integer value with optional mask, each at most `full`. */
static bool parse_int_mask(char *v, uint32_t full, uint32_t *val,
                           uint32_t *mask)
{
    char *m;
    uint64_t x, y = full;
    split_mask(v, &m);
    if (!parse_uint(v, full, &x) || (m && !parse_uint(m, full, &y))) {
        return false;
    }
    *val = x & y;
    *mask = y;
    return true;
}

/* Splits "key=value"; false when there is no '='. */
static bool split_kv(char *item, char **key, char **value)
{
    char *eq = strchr(item, '=');
    if (!eq) {
        return false;
    }
    *eq = '\0';
    *key = item;
    *value = eq + 1;
    return true;
}

static int parse_eth_fields(struct parser *ps, char **items, int n,
                            struct action_buf *b)
{
    struct dp_action_set_eth s;
    memset(&s, 0, sizeof s);
    for (int i = 0; i < n; i++) {
        char *k, *v;
        if (!split_kv(items[i], &k, &v)) {
            return fail(ps, "eth: expected key=value, got \"%s\"", items[i]);
        }
        bool ok = !strcmp(k, "src") ? parse_bytes(v, 6, &s.src, &s.src_mask, 6)
                : !strcmp(k, "dst") ? parse_bytes(v, 6, &s.dst, &s.dst_mask, 6)
                : false;
        if (!ok) {
            return fail(ps, "eth: bad field %s=%s", k, v);
        }
    }
    action_put(b, DP_ACTION_SET_ETH, &s, sizeof s);
    return 0;
}

static int parse_ipv4_fields(struct parser *ps, char **items, int n,
                             struct action_buf *b)
{
    struct dp_action_set_ipv4 s;
    memset(&s, 0, sizeof s);
    for (int i = 0; i < n; i++) {
        char *k, *v;
        uint32_t val, mask;
        bool ok;
        if (!split_kv(items[i], &k, &v)) {
            return fail(ps, "ipv4: expected key=value, got \"%s\"", items[i]);
        }
        if (!strcmp(k, "src")) {
            ok = parse_bytes(v, 4, &s.src, &s.src_mask, 4);
        } else if (!strcmp(k, "dst")) {
            ok = parse_bytes(v, 4, &s.dst, &s.dst_mask, 4);
        } else if (!strcmp(k, "tos") || !strcmp(k, "ttl")) {
            ok = parse_int_mask(v, 0xff, &val, &mask);
            *(k[1] == 'o' ? &s.tos : &s.ttl) = val;
            *(k[1] == 'o' ? &s.tos_mask : &s.ttl_mask) = mask;
        } else {
            ok = false;
        }
        if (!ok) {
            return fail(ps, "ipv4: bad field %s=%s", k, v);
        }
    }
    action_put(b, DP_ACTION_SET_IPV4, &s, sizeof s);
    return 0;
}

static int parse_ipv6_fields(struct parser *ps, char **items, int n,
                             struct action_buf *b)
{
    struct dp_action_set_ipv6 s;
    memset(&s, 0, sizeof s);
    for (int i = 0; i < n; i++) {
        char *k, *v;
        uint32_t val, mask;
        bool ok;
        if (!split_kv(items[i], &k, &v)) {
            return fail(ps, "ipv6: expected key=value, got \"%s\"", items[i]);
        }
        if (!strcmp(k, "src")) {
            ok = parse_bytes(v, 16, s.src, s.src_mask, 16);
        } else if (!strcmp(k, "dst")) {
            ok = parse_bytes(v, 16, s.dst, s.dst_mask, 16);
        } else if (!strcmp(k, "label")) {
            ok = parse_int_mask(v, 0xfffff, &val, &mask);
            s.label = htonl(val);
            s.label_mask = htonl(mask);
        } else if (!strcmp(k, "tclass") || !strcmp(k, "hlimit")) {
            ok = parse_int_mask(v, 0xff, &val, &mask);
            *(k[0] == 't' ? &s.tclass : &s.hlimit) = val;
            *(k[0] == 't' ? &s.tclass_mask : &s.hlimit_mask) = mask;
        } else {
            ok = false;
        }
        if (!ok) {
            return fail(ps, "ipv6: bad field %s=%s", k, v);
        }
    }
    action_put(b, DP_ACTION_SET_IPV6, &s, sizeof s);
    return 0;
}

static int parse_tp_fields(struct parser *ps, char **items, int n,
                           struct action_buf *b)
{
    struct dp_action_set_tp s;
    memset(&s, 0, sizeof s);
    for (int i = 0; i < n; i++) {
        char *k, *v;
        uint32_t val, mask;
        if (!split_kv(items[i], &k, &v)
            || (strcmp(k, "src") && strcmp(k, "dst"))
            || !parse_int_mask(v, 0xffff, &val, &mask)) {
            return fail(ps, "bad port field \"%s\"", items[i]);
        }
        *(k[0] == 's' ? &s.src : &s.dst) = htons(val);
        *(k[0] == 's' ? &s.src_mask : &s.dst_mask) = htons(mask);
    }
    action_put(b, DP_ACTION_SET_TP, &s, sizeof s);
    return 0;
}

static bool parse_tnl_flags(char *list, uint16_t *flags)
{
    char *save = NULL;
    for (char *f = strtok_r(list, "|", &save); f;
         f = strtok_r(NULL, "|", &save)) {
        if (!strcmp(f, "df")) {
            *flags |= FLOW_TNL_F_DONT_FRAGMENT;
        } else if (!strcmp(f, "key")) {
            *flags |= FLOW_TNL_F_KEY;
        } else if (!strcmp(f, "csum")) {
            *flags |= FLOW_TNL_F_CSUM;
        } else {
            return false;
        }
    }
    return true;
}

static bool parse_tnl_field(char *k, char *v, struct flow_tnl *t)
{
    uint64_t x;
    if (!strcmp(k, "tun_id")) {
        if (!parse_uint(v, UINT64_MAX, &x)) {
            return false;
        }
        t->tun_id = htobe64(x);
    } else if (!strcmp(k, "src") || !strcmp(k, "dst")) {
        return inet_pton(AF_INET, v, k[0] == 's' ? &t->ip_src : &t->ip_dst)
               == 1;
    } else if (!strcmp(k, "tos") || !strcmp(k, "ttl")) {
        if (!parse_uint(v, 0xff, &x)) {
            return false;
        }
        *(k[1] == 'o' ? &t->ip_tos : &t->ip_ttl) = x;
    } else if (!strcmp(k, "tp_src") || !strcmp(k, "tp_dst")) {
        if (!parse_uint(v, 0xffff, &x)) {
            return false;
        }
        *(k[3] == 's' ? &t->tp_src : &t->tp_dst) = htons(x);
    } else {
        return false;
    }
    return true;
}

static int parse_tunnel_fields(struct parser *ps, char **items, int n,
                               struct action_buf *b)
{
    struct flow_tnl t;
    memset(&t, 0, sizeof t);
    for (int i = 0; i < n; i++) {
        char *k, *v, *flags;
        if (call_form(items[i], "flags", &flags)) {
            if (!parse_tnl_flags(flags, &t.flags)) {
                return fail(ps, "tunnel: bad flags \"%s\"", flags);
            }
        } else if (!split_kv(items[i], &k, &v) || !parse_tnl_field(k, v, &t)) {
            return fail(ps, "tunnel: bad field \"%s\"", items[i]);
        }
    }
    action_put(b, DP_ACTION_SET_TUNNEL, &t, sizeof t);
    return 0;
}

/* Parses the fields of a set action: items[0..n). */
typedef int parse_fields_fn(struct parser *, char **items, int n,
                            struct action_buf *);

/* Parses "set(<kind>(fields))" with `parse_fields`. */
static int parse_set(struct parser *ps, char *s, const char *kind,
                     parse_fields_fn *parse_fields, struct action_buf *b)
{
    size_t len = strlen(s);
    char *inner, *fields;
    if (!call_form(s, "set", &inner)) {
        return NOT_MINE;
    }
    if (!call_form(inner, kind, &fields)) {
        s[len - 1] = ')';       /* as it was, for the other set kinds */
        return NOT_MINE;
    }
    char *items[16];
    int n = *fields ? split_top(fields, items, 16) : 0;
    if (n < 0) {
        return fail(ps, "set(%s): too many fields", kind);
    }
    return parse_fields(ps, items, n, b);
}

static int parse_set_eth(struct parser *ps, char *s, struct action_buf *b)
{
    return parse_set(ps, s, "eth", parse_eth_fields, b);
}

static int parse_set_ipv4(struct parser *ps, char *s, struct action_buf *b)
{
    return parse_set(ps, s, "ipv4", parse_ipv4_fields, b);
}

static int parse_set_ipv6(struct parser *ps, char *s, struct action_buf *b)
{
    return parse_set(ps, s, "ipv6", parse_ipv6_fields, b);
}

/* "tcp", "udp" and "sctp" are one action: set_tp rewrites whichever L4
 * header the packet has. */
static int parse_set_tp(struct parser *ps, char *s, struct action_buf *b)
{
    static const char *const kinds[] = { "tcp", "udp", "sctp" };
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        int error = parse_set(ps, s, kinds[i], parse_tp_fields, b);
        if (error != NOT_MINE) {
            return error;
        }
    }
    return NOT_MINE;
}

static int parse_set_tunnel(struct parser *ps, char *s, struct action_buf *b)
{
    return parse_set(ps, s, "tunnel", parse_tunnel_fields, b);
}

static int parse_push_vlan(struct parser *ps, char *s, struct action_buf *b)
{
    char *inner;
    if (!call_form(s, "push_vlan", &inner)) {
        return NOT_MINE;
    }
    char *items[4];
    int n = split_top(inner, items, 4);
    uint64_t tpid = ETH_TYPE_VLAN, vid = 0, pcp = 0;
    for (int i = 0; i < n; i++) {
        char *k, *v;
        bool ok = split_kv(items[i], &k, &v)
                  && (!strcmp(k, "vid") ? parse_uint(v, VLAN_VID_MASK, &vid)
                      : !strcmp(k, "pcp") ? parse_uint(v, 7, &pcp)
                      : !strcmp(k, "tpid") ? parse_uint(v, 0xffff, &tpid)
                      : false);
        if (!ok) {
            return fail(ps, "push_vlan: bad field \"%s\"", items[i]);
        }
    }
    if (n < 0 || !eth_type_is_vlan(htons((uint16_t)tpid))) {
        return fail(ps, "push_vlan: bad arguments");
    }
    action_put_push_vlan(b, htons((uint16_t)tpid),
                         htons((uint16_t)(vid | pcp << VLAN_PCP_SHIFT)));
    return 0;
}

static int parse_output(struct parser *ps, char *s, struct action_buf *b)
{
    uint64_t port_no;
    if (s[0] < '0' || s[0] > '9') {
        return NOT_MINE;
    }
    if (!parse_uint(s, UINT32_MAX, &port_no)) {
        return fail(ps, "bad port number \"%s\"", s);
    }
    action_put_output(b, port_no);
    return 0;
}

static int parse_userspace(struct parser *ps, char *s, struct action_buf *b)
{
    char *inner;
    uint64_t userdata;
    if (!call_form(s, "userspace", &inner)) {
        return NOT_MINE;
    }
    if (strncmp(inner, "userdata=", 9)
        || !parse_uint(inner + 9, UINT64_MAX, &userdata)) {
        return fail(ps, "userspace: expected userdata=N");
    }
    action_put_userspace(b, userdata);
    return 0;
}

static int parse_pop_vlan(struct parser *ps, char *s, struct action_buf *b)
{
    (void)ps;
    if (strcmp(s, "pop_vlan")) {
        return NOT_MINE;
    }
    action_put_pop_vlan(b);
    return 0;
}

/* "drop" here is one item of a longer list ("1,drop"): parse_list reads
 * "drop" alone as the empty list. */
static int parse_drop(struct parser *ps, char *s, struct action_buf *b)
{
    (void)ps;
    if (strcmp(s, "drop")) {
        return NOT_MINE;
    }
    action_put_drop(b);
    return 0;
}

static int parse_trunc(struct parser *ps, char *s, struct action_buf *b)
{
    char *inner;
    uint64_t x;
    if (!call_form(s, "trunc", &inner)) {
        return NOT_MINE;
    }
    if (!parse_uint(inner, UINT32_MAX, &x) || x < 14) {
        return fail(ps, "trunc: bad length \"%s\"", inner);
    }
    uint32_t max_len = x;
    action_put(b, DP_ACTION_TRUNC, &max_len, sizeof max_len);
    return 0;
}

static int parse_meter(struct parser *ps, char *s, struct action_buf *b)
{
    char *inner;
    uint64_t x;
    if (!call_form(s, "meter", &inner)) {
        return NOT_MINE;
    }
    if (!parse_uint(inner, DP_METER_MAX - 1, &x)) {
        return fail(ps, "meter: bad meter id \"%s\"", inner);
    }
    action_put_meter(b, (uint32_t) x);
    return 0;
}

/* Parses one action: the first parser of the list that claims it. */
static int parse_one(struct parser *ps, char *s, struct action_buf *b)
{
    typedef int parse_fn(struct parser *, char *, struct action_buf *);
    static parse_fn *const parsers[] = {
#define PARSER(ENUM, NAME, PAYLOAD) parse_##NAME,
        DP_ACTIONS(PARSER)
#undef PARSER
    };
    for (size_t i = 0; i < sizeof parsers / sizeof parsers[0]; i++) {
        int error = parsers[i](ps, s, b);
        if (error != NOT_MINE) {
            return error;
        }
    }
    char *inner;
    if (call_form(s, "set", &inner)) {
        return fail(ps, "set: unknown field \"%s\"", inner);
    }
    return fail(ps, "unknown action \"%s\"", s);
}

/* Parses the comma-separated list into `b`. */
static int parse_list(struct parser *ps, char *copy, struct action_buf *b)
{
    char *items[PARSE_MAX_ITEMS];
    int n = split_top(copy, items, PARSE_MAX_ITEMS);
    if (n < 0) {
        return fail(ps, "unbalanced parentheses or too many actions");
    }
    if (n == 1 && !strcmp(items[0], "drop")) {
        return 0;               /* "drop" alone is the empty list */
    }
    for (int i = 0; i < n; i++) {
        if (!*items[i]) {
            return fail(ps, "empty action");
        }
        if (parse_one(ps, items[i], b)) {
            return -1;
        }
        if (b->overflow) {
            return fail(ps, "too many actions");
        }
    }
    return 0;
}

int actions_parse(const char *s, struct action_buf *b, char *err,
                  size_t errlen)
{
    struct parser ps = { err, errlen };
    action_buf_init(b);
    size_t len = strlen(s);
    if (len >= PARSE_MAX_LEN) {
        return fail(&ps, "actions too long");
    }
    char copy[PARSE_MAX_LEN];
    memcpy(copy, s, len + 1);
    if (parse_list(&ps, copy, b)) {
        action_buf_init(b);     /* no half-parsed list */
        return -1;
    }
    return 0;
}
