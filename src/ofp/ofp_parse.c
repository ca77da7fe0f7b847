/* Parsing and printing flows in ovs-ofctl syntax. */
#include "ofp/ofp_parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp/net_headers.h"
#include "lib/util.h"
#include "ofp/ofp_errors.h"
#include "ofp/ofp_port.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- tokenizer: "key", "key=value", "key:value", "key(args)" ---- */

struct token {
    char *key;
    char *value;    /* NULL when none */
    bool paren;     /* value came from "key(...)" */
};

static bool is_sep(char c)
{
    return c == ',' || c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Cuts the next token out of *pos (modifies the string); false at the end
 * or on unbalanced parentheses (then *bad is set). */
static bool next_token(char **pos, struct token *t, bool *bad)
{
    char *p = *pos;
    while (*p && is_sep(*p)) {
        p++;
    }
    if (!*p) {
        return false;
    }
    t->key = p;
    t->value = NULL;
    t->paren = false;
    p += strcspn(p, "=:(, \t\r\n");
    char c = *p;
    if (c == '(') {
        *p++ = '\0';
        t->value = p;
        t->paren = true;
        int depth = 1;
        while (*p && depth) {
            depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
            if (depth) {
                p++;
            }
        }
        if (depth) {
            *bad = true;
            return false;
        }
        *p++ = '\0';
    } else if (c == '=' || c == ':') {
        *p++ = '\0';
        t->value = p;
        int depth = 0;
        while (*p && (depth || !is_sep(*p))) {
            depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
            p++;
        }
        if (*p) {
            *p++ = '\0';
        }
    } else if (c) {
        *p++ = '\0';
    }
    *pos = p;
    return true;
}

/* ---- matches ---- */

void ofp_match_set(struct ofp_match *m, const struct mf_field *f,
                   mf_value value, mf_value mask)
{
    mf_set_masked(f, &m->value, value & mask, mf_width_mask(f));
    mf_set_masked(f, &m->mask, mask, mf_width_mask(f));
}

bool ofp_match_hit(const struct ofp_match *m, const struct xflow *x)
{
    return xflow_equal_masked(&m->value, x, &m->mask);
}

bool ofp_match_covers(const struct ofp_match *wide,
                      const struct ofp_match *narrow)
{
    const uint64_t *wm = (const uint64_t *) &wide->mask;
    const uint64_t *nm = (const uint64_t *) &narrow->mask;
    for (size_t i = 0; i < sizeof(struct xflow) / 8; i++) {
        if (wm[i] & ~nm[i]) {
            return false;
        }
    }
    return xflow_equal_masked(&wide->value, &narrow->value, &wide->mask);
}

bool ofp_match_equal(const struct ofp_match *a, const struct ofp_match *b)
{
    return !memcmp(&a->mask, &b->mask, sizeof a->mask)
           && xflow_equal_masked(&a->value, &b->value, &a->mask);
}

static const struct {
    const char *name;
    uint16_t dl_type;
    int nw_proto;   /* -1: not matched */
} shorthands[] = {
    { "ip", ETH_TYPE_IP, -1 },
    { "ipv6", ETH_TYPE_IPV6, -1 },
    { "arp", ETH_TYPE_ARP, -1 },
    { "rarp", ETH_TYPE_RARP, -1 },
    { "mpls", ETH_TYPE_MPLS, -1 },
    { "mplsm", ETH_TYPE_MPLS_MCAST, -1 },
    { "tcp", ETH_TYPE_IP, IP_PROTO_TCP },
    { "udp", ETH_TYPE_IP, IP_PROTO_UDP },
    { "sctp", ETH_TYPE_IP, IP_PROTO_SCTP },
    { "icmp", ETH_TYPE_IP, IP_PROTO_ICMP },
    { "tcp6", ETH_TYPE_IPV6, IP_PROTO_TCP },
    { "udp6", ETH_TYPE_IPV6, IP_PROTO_UDP },
    { "sctp6", ETH_TYPE_IPV6, IP_PROTO_SCTP },
    { "icmp6", ETH_TYPE_IPV6, IP_PROTO_ICMPV6 },
};
#define N_SHORTHANDS (sizeof shorthands / sizeof shorthands[0])

static void match_set_dl_type(struct ofp_match *m, uint16_t t)
{
    m->value.key.dl_type = htons(t);
    m->mask.key.dl_type = 0xffff;
}

static bool apply_shorthand(struct ofp_match *m, const char *name)
{
    for (size_t i = 0; i < N_SHORTHANDS; i++) {
        if (!strcmp(name, shorthands[i].name)) {
            match_set_dl_type(m, shorthands[i].dl_type);
            if (shorthands[i].nw_proto >= 0) {
                m->value.key.nw_proto = (uint8_t) shorthands[i].nw_proto;
                m->mask.key.nw_proto = 0xff;
            }
            return true;
        }
    }
    return false;
}

static int parse_u16(const char *s, unsigned long max, uint16_t *out)
{
    char *end;
    if (!s || !*s || !isdigit((unsigned char) *s)) {
        return -1;
    }
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || *end || v > max) {
        return -1;
    }
    *out = (uint16_t) v;
    return 0;
}

/* dl_vlan=VID (0xffff: no tag) and dl_vlan_pcp=PCP: OpenFlow 1.0 fields
 * over the TCI that also require the tag to be present. */
static int parse_dl_vlan(struct ofp_match *m, const char *v, bool pcp,
                         char *err, size_t errlen)
{
    uint16_t n;
    uint16_t *tci = &m->value.key.vlans[0].tci;
    uint16_t *tmask = &m->mask.key.vlans[0].tci;
    if (parse_u16(v, 0xffff, &n)) {
        return fail(err, errlen, "%s: bad syntax for %s value", v,
                    pcp ? "dl_vlan_pcp" : "dl_vlan");
    }
    if (!pcp && n == 0xffff) {
        *tci = 0;
        *tmask = 0xffff;
        return 0;
    }
    uint16_t t = ntohs(*tci), tm = ntohs(*tmask);
    if (pcp) {
        if (n > 7) {
            return fail(err, errlen, "%s: value too large for 1-byte field "
                        "dl_vlan_pcp", v);
        }
        t = (uint16_t) ((t & ~0xe000) | (n << 13) | FLOW_VLAN_PRESENT);
        tm |= 0xe000 | FLOW_VLAN_PRESENT;
    } else {
        t = (uint16_t) ((t & ~0x0fff) | (n & 0x0fff) | FLOW_VLAN_PRESENT);
        tm |= 0x0fff | FLOW_VLAN_PRESENT;
    }
    *tci = htons(t);
    *tmask = htons(tm);
    return 0;
}

/* Prerequisite of `f` within a match: icmp_type and icmp_code also serve
 * ICMPv6 (as in ovs-ofctl). */
static bool field_prereq_matched(const struct mf_field *f,
                                 const struct ofp_match *m)
{
    if (mf_prereq_matched(f->prereq, &m->value, &m->mask)) {
        return true;
    }
    return f->prereq == MFP_ICMPV4
           && mf_prereq_matched(MFP_ICMPV6, &m->value, &m->mask);
}

static int parse_field(struct ofp_match *m, const struct mf_field *f,
                       const char *v, const struct mf_field **used,
                       size_t *n_used, char *err, size_t errlen)
{
    mf_value value, mask;
    if (!v) {
        return fail(err, errlen, "field %s missing value", f->name);
    }
    if (mf_parse_value(f, v, &value, &mask, err, errlen)) {
        return -1;
    }
    if (f->id == MFID_NW_TOS) {
        value &= 0xfc;          /* the DSCP bits; ECN is nw_ecn */
        mask &= 0xfc;
    }
    ofp_match_set(m, f, value, mask);
    if (*n_used < 64) {
        used[(*n_used)++] = f;
    }
    return 0;
}

static int parse_number_kw(const char *key, const char *v, unsigned long max,
                           uint16_t *out, char *err, size_t errlen)
{
    if (parse_u16(v, max, out)) {
        return fail(err, errlen, "invalid %s \"%s\"", key, v ? v : "");
    }
    return 0;
}

static int parse_cookie(struct ofp_flow_spec *spec, const char *v,
                        enum ofp_parse_mode mode, char *err, size_t errlen)
{
    char *end;
    if (!v || !*v) {
        return fail(err, errlen, "invalid cookie \"\"");
    }
    errno = 0;
    spec->cookie = strtoull(v, &end, 0);
    spec->cookie_mask = UINT64_MAX;
    if (!errno && *end != '/' && mode == OFP_PARSE_MATCH) {
        return fail(err, errlen, "cannot set cookie (to match on a cookie, "
                    "specify a mask, e.g. cookie=%s/-1)", v);
    }
    if (!errno && *end == '/') {
        spec->cookie_masked = true;
        if (mode == OFP_PARSE_ADD) {
            return fail(err, errlen,
                        "flow additions cannot use a cookie mask");
        }
        spec->cookie_mask = strtoull(end + 1, &end, 0);
        spec->cookie_masked = true;
    }
    if (errno || *end) {
        return fail(err, errlen, "invalid cookie \"%s\"", v);
    }
    spec->cookie_set = true;
    return 0;
}

/* The flag keywords of add-flow and mod-flows (OFPFF_* bits). */
static bool parse_flow_flag(struct ofp_flow_spec *spec, const char *k)
{
    static const struct { const char *name; uint16_t bit; } flags[] = {
        { "send_flow_rem", 0x0001 },  { "check_overlap", 0x0002 },
        { "reset_counts", 0x0004 },   { "no_packet_counts", 0x0008 },
        { "no_byte_counts", 0x0010 },
    };
    for (size_t i = 0; i < sizeof flags / sizeof *flags; i++) {
        if (!strcmp(k, flags[i].name)) {
            spec->flags |= flags[i].bit;
            return true;
        }
    }
    return false;
}

/* What dump-flows prints besides the flow: ignored, so that its output
 * can be fed back (as OVS allows). */
static bool is_stats_keyword(const char *k)
{
    return !strcmp(k, "duration") || !strcmp(k, "n_packets")
           || !strcmp(k, "n_bytes") || !strcmp(k, "idle_age")
           || !strcmp(k, "hard_age");
}

static int parse_out_filter(struct ofp_flow_spec *spec, const char *k,
                            const char *v, char *err, size_t errlen)
{
    if (!strcmp(k, "out_port")) {
        if (!v || !ofp_port_parse(v, &spec->out_port)) {
            return fail(err, errlen, "%s is not a valid OpenFlow port",
                        v ? v : "");
        }
        return 0;
    }
    char *end;
    errno = 0;
    unsigned long long g = v ? strtoull(v, &end, 0) : 0;
    if (v && !strcmp(v, "any")) {
        g = 0xffffffffu;
    } else if (!v || !*v || errno || *end || g > 0xffffffffu) {
        return fail(err, errlen, "invalid group id %s", v ? v : "");
    }
    spec->out_group = (uint32_t) g;
    return 0;
}

static int parse_match_token(struct ofp_flow_spec *spec, struct token *t,
                             enum ofp_parse_mode mode,
                             const struct mf_field **used, size_t *n_used,
                             char *err, size_t errlen)
{
    struct ofp_match *m = &spec->match;
    const char *k = t->key, *v = t->value;

    if (!v && mode != OFP_PARSE_MATCH && parse_flow_flag(spec, k)) {
        return 0;
    }
    if (!v && apply_shorthand(m, k)) {
        return 0;
    }
    if (is_stats_keyword(k)) {
        return 0;
    }
    if (mode == OFP_PARSE_MATCH
        && (!strcmp(k, "out_port") || !strcmp(k, "out_group"))) {
        return parse_out_filter(spec, k, v, err, errlen);
    }
    if (mode == OFP_PARSE_ADD && !strcmp(k, "importance")) {
        return parse_number_kw(k, v, 65535, &spec->importance, err, errlen);
    }
    if (!strcmp(k, "table")) {
        uint16_t tbl;
        unsigned long max = mode == OFP_PARSE_MATCH ? 255 : 254;
        if (parse_u16(v, max, &tbl)) {
            return fail(err, errlen, "unknown table \"%s\"", v ? v : "");
        }
        spec->table_id = (uint8_t) tbl;
        return 0;
    }
    if (!strcmp(k, "priority")) {
        spec->priority_set = true;
        return parse_number_kw(k, v, 65535, &spec->priority, err, errlen);
    }
    if (!strcmp(k, "idle_timeout")) {
        return parse_number_kw(k, v, 65535, &spec->idle_timeout, err,
                               errlen);
    }
    if (!strcmp(k, "hard_timeout")) {
        return parse_number_kw(k, v, 65535, &spec->hard_timeout, err,
                               errlen);
    }
    if (!strcmp(k, "cookie")) {
        return parse_cookie(spec, v, mode, err, errlen);
    }
    if (!strcmp(k, "dl_vlan") || !strcmp(k, "dl_vlan_pcp")) {
        return parse_dl_vlan(m, v, k[7] == '_', err, errlen);
    }
    const struct mf_field *f = mf_from_name(k);
    if (!f || !v) {
        return fail(err, errlen, "unknown keyword %s", k);
    }
    return parse_field(m, f, v, used, n_used, err, errlen);
}

/* ---- actions ---- */

/* What every parse_FN of OFPACTS gets besides the token: the list to
 * append to and where an error goes. */
struct act_parser {
    struct ofpact **acts;
    size_t *n;
    char *err;
    size_t errlen;
};

/* parse_FN(p, type, token) appends an action of `type` (one of those whose
 * FN it is) or fails; format_FN(a, out) prints `a`. */
#define OFPACT(ENUM, FN, ...)                                                \
    static int parse_##FN(struct act_parser *p, enum ofpact_type type,       \
                          const struct token *t);                            \
    static void format_##FN(const struct ofpact *a, struct dstr *out);
OFPACTS
#undef OFPACT

static struct ofpact *add_act(struct act_parser *p, enum ofpact_type type)
{
    struct ofpact *a = xrealloc(*p->acts, (*p->n + 1) * sizeof **p->acts);
    *p->acts = a;
    memset(&a[*p->n], 0, sizeof a[*p->n]);
    a[*p->n].type = type;
    return &a[(*p->n)++];
}

/* The token's value, "" when it has none. */
static const char *arg_of(const struct token *t)
{
    return t->value ? t->value : "";
}

/* "NAME[]", "NAME[a..b]", "NAME[a]" or "NAME": a field and a bit range. */
static int parse_subfield(const char *s, const struct mf_field **f,
                          uint16_t *ofs, uint16_t *n_bits, char *err,
                          size_t errlen)
{
    char name[64];
    size_t n = strcspn(s, "[");
    if (n == 0 || n >= sizeof name) {
        return fail(err, errlen, "%s: unknown field", s);
    }
    memcpy(name, s, n);
    name[n] = '\0';
    *f = mf_from_name(name);
    if (!*f) {
        return fail(err, errlen, "%s: unknown field `%s'", s, name);
    }
    const char *r = s + n;
    unsigned a, b;
    char close, extra;
    if (!*r || !strcmp(r, "[]")) {
        *ofs = 0;
        *n_bits = (*f)->n_bits;
        return 0;
    }
    if (sscanf(r, "[%u..%u%c%c", &a, &b, &close, &extra) == 3
        && close == ']') {
        /* a..b */
    } else if (sscanf(r, "[%u%c%c", &a, &close, &extra) == 2
               && close == ']') {
        b = a;
    } else {
        return fail(err, errlen, "%s: syntax error expecting [] or [<bit>] "
                    "or [<start>..<end>]", s);
    }
    /* ovs-ofctl's words (mf_parse_subfield). */
    if (a >= (*f)->n_bits) {
        return fail(err, errlen, "%s: starting bit %u is not valid because "
                    "field is only %d bits wide", s, a, (*f)->n_bits);
    }
    if (b >= (*f)->n_bits) {
        return fail(err, errlen, "%s: ending bit %u is not valid because "
                    "field is only %d bits wide", s, b, (*f)->n_bits);
    }
    if (a > b) {
        return fail(err, errlen, "%s: starting bit %u is after ending bit %u",
                    s, a, b);
    }
    *ofs = (uint16_t) a;
    *n_bits = (uint16_t) (b - a + 1);
    return 0;
}

static int parse_u128(const char *s, mf_value *v)
{
    char *end;
    if (!*s || !isdigit((unsigned char) *s)) {
        return -1;
    }
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        /* Hex of up to 128 bits (a whole IPv6 address in one load). */
        const char *h = s + 2;
        mf_value x = 0;
        if (!*h) {
            return -1;
        }
        for (; *h; h++) {
            if (!isxdigit((unsigned char) *h) || (x >> 124)) {
                return -1;
            }
            x = (x << 4) | (mf_value) (isdigit((unsigned char) *h)
                                       ? *h - '0'
                                       : (tolower((unsigned char) *h) - 'a'
                                          + 10));
        }
        *v = x;
        return 0;
    }
    errno = 0;
    unsigned long long u = strtoull(s, &end, 0);
    if (errno || *end) {
        return -1;
    }
    *v = u;
    return 0;
}

/* Copies the part of `arg` before "->" into buf; NULL (with the error)
 * when there is no arrow or the part does not fit. */
static const char *split_arrow(struct act_parser *p, const char *arg,
                               char *buf, size_t size)
{
    const char *arrow = strstr(arg, "->");
    if (!arrow || (size_t) (arrow - arg) >= size) {
        fail(p->err, p->errlen, "%s: missing `->'", arg);
        return NULL;
    }
    memcpy(buf, arg, (size_t) (arrow - arg));
    buf[arrow - arg] = '\0';
    return arrow + 2;
}

/* An output to `port`; one to CONTROLLER is a controller action. */
static int output_to(struct act_parser *p, uint32_t port)
{
    if (port == OFPP_CONTROLLER) {
        struct ofpact *a = add_act(p, OFPACT_CONTROLLER);
        a->output.port = port;
        a->output.max_len = 65535;
        return 0;
    }
    add_act(p, OFPACT_OUTPUT)->output.port = port;
    return 0;
}

static int parse_output(struct act_parser *p, enum ofpact_type type,
                        const struct token *t)
{
    (void) type;
    uint32_t port;
    if (!t->value || !ofp_port_parse(t->value, &port)) {
        return fail(p->err, p->errlen, "%s: output to unknown port",
                    arg_of(t));
    }
    return output_to(p, port);
}

/* The packet-in reason names of controller(reason=...), as OVS's. */
static const char *const pin_reasons[] = {
    "no_match", "action", "invalid_ttl", "action_set", "group", "packet_out",
};

/* controller(userdata=XX.XX...): hex pairs, '.' (or blanks) between them
 * optional, as OVS's ofpbuf_put_hex. */
static int parse_controller_userdata(struct act_parser *p, struct ofpact *a,
                                     const char *s)
{
    free(a->output.userdata);
    a->output.userdata = NULL;
    a->output.userdata_len = 0;
    size_t cap = 0;
    for (;;) {
        s += strspn(s, " .\t\r\n");
        if (!*s) {
            return 0;
        }
        if (!isxdigit((unsigned char) s[0])
            || !isxdigit((unsigned char) s[1])) {
            return fail(p->err, p->errlen, "bad hex digit in `controller' "
                        "action `userdata'");
        }
        if (a->output.userdata_len >= OFP_CONTROLLER_USERDATA_MAX) {
            return fail(p->err, p->errlen, "controller userdata longer "
                        "than %d bytes", OFP_CONTROLLER_USERDATA_MAX);
        }
        if (a->output.userdata_len == cap) {
            cap = cap ? 2 * cap : 16;
            cap = cap > OFP_CONTROLLER_USERDATA_MAX
                  ? OFP_CONTROLLER_USERDATA_MAX : cap;
            a->output.userdata = xrealloc(a->output.userdata, cap);
        }
        char hex[3] = { s[0], s[1], 0 };
        a->output.userdata[a->output.userdata_len++] =
            (uint8_t) strtoul(hex, NULL, 16);
        s += 2;
    }
}

static int parse_controller_arg(struct act_parser *p, struct ofpact *a,
                                const struct token *kv)
{
    const char *k = kv->key, *v = kv->value ? kv->value : "";
    if (!strcmp(k, "reason")) {
        for (size_t i = 0; i < (sizeof pin_reasons / sizeof *pin_reasons); i++) {
            if (!strcmp(v, pin_reasons[i])) {
                a->output.reason = (uint8_t) i;
                a->output.has_reason = i != 1 /* OFPR_ACTION */;
                return 0;
            }
        }
        return fail(p->err, p->errlen, "unknown reason \"%s\"", v);
    } else if (!strcmp(k, "max_len") || !strcmp(k, "id")) {
        uint16_t x;
        if (parse_u16(v, 65535, &x)) {
            return fail(p->err, p->errlen, "invalid %s \"%s\"", k, v);
        }
        *(!strcmp(k, "id") ? &a->output.controller_id
                           : &a->output.max_len) = x;
        return 0;
    } else if (!strcmp(k, "userdata")) {
        return parse_controller_userdata(p, a, v);
    } else if (!strcmp(k, "pause")) {
        a->output.pause = true;
        return 0;
    } else if (!strcmp(k, "meter_id")) {
        char *end;
        errno = 0;
        unsigned long long x = isdigit((unsigned char) *v)
                               ? strtoull(v, &end, 0) : ULLONG_MAX;
        if (x > UINT32_MAX || errno || *end) {
            return fail(p->err, p->errlen, "invalid meter_id \"%s\"", v);
        }
        a->output.meter_id = (uint32_t) x;   /* no meters yet: no effect */
        return 0;
    }
    return fail(p->err, p->errlen, "unknown key \"%s\" parsing controller "
                "action", k);
}

/* controller, controller:N, controller(N) or controller(key=value,...)
 * with reason, max_len, id, userdata, pause and meter_id, as OVS. */
static int parse_controller(struct act_parser *p, enum ofpact_type type,
                            const struct token *t)
{
    struct ofpact *a = add_act(p, type);
    a->output.port = OFPP_CONTROLLER;
    a->output.max_len = 65535;
    a->output.reason = 1 /* OFPR_ACTION */;
    if (!t->value || !*t->value) {
        return 0;
    }
    const char *v = t->value;
    if (strspn(v, "0123456789") == strlen(v)) {
        if (parse_u16(v, 65535, &a->output.max_len)) {
            return fail(p->err, p->errlen, "invalid max_len \"%s\"", v);
        }
        return 0;
    }
    char *copy = xstrdup(v), *pos = copy;
    struct token kv;
    bool bad = false;
    int err = 0;
    while (!err && next_token(&pos, &kv, &bad)) {
        err = parse_controller_arg(p, a, &kv);
    }
    if (!err && bad) {
        err = fail(p->err, p->errlen, "%s: unbalanced parentheses", v);
    }
    free(copy);
    return err;
}

/* The number an action takes (at most `max`); `bad` words the error. */
static int parse_number_arg(struct act_parser *p, const struct token *t,
                            unsigned long max, const char *bad, uint16_t *x)
{
    if (parse_u16(t->value, max, x)) {
        return fail(p->err, p->errlen, bad, arg_of(t));
    }
    return 0;
}

static int parse_vlan_vid(struct act_parser *p, enum ofpact_type type,
                          const struct token *t)
{
    uint16_t x;
    if (parse_number_arg(p, t, 4095, "%s: not a valid VLAN VID", &x)) {
        return -1;
    }
    add_act(p, type)->u16 = x;
    return 0;
}

static int parse_vlan_pcp(struct act_parser *p, enum ofpact_type type,
                          const struct token *t)
{
    uint16_t x;
    if (parse_number_arg(p, t, 7, "%s: not a valid VLAN PCP", &x)) {
        return -1;
    }
    add_act(p, type)->u8 = (uint8_t) x;
    return 0;
}

/* `none` records which keyword it was: OVS prints "pop_vlan" for one
 * written or received (OpenFlow 1.1+) as pop_vlan. */
static int parse_strip_vlan(struct act_parser *p, enum ofpact_type type,
                            const struct token *t)
{
    add_act(p, type)->none = !strcmp(t->key, "pop_vlan");
    return 0;
}

static int parse_push_vlan(struct act_parser *p, enum ofpact_type type,
                           const struct token *t)
{
    const char *bad = "%s: not a valid VLAN ethertype";
    uint16_t x;
    if (parse_number_arg(p, t, 65535, bad, &x)) {
        return -1;
    }
    if (!eth_type_is_vlan(htons(x))) {
        return fail(p->err, p->errlen, bad, t->value);
    }
    add_act(p, type)->u16 = x;
    return 0;
}

/* mod_dl_src and friends: a field value without a mask. */
static int parse_mod_field(struct act_parser *p, enum ofpact_type type,
                           const struct token *t, enum mf_id id,
                           const char *bad)
{
    struct ofpact *a = add_act(p, type);
    a->set.field = mf_by_id(id);
    char unused[256];
    if (!t->value || strchr(t->value, '/')
        || mf_parse_value(a->set.field, t->value, &a->set.value,
                          &a->set.mask, unused, sizeof unused)) {
        return fail(p->err, p->errlen, bad, arg_of(t));
    }
    return 0;
}

static int parse_mod_eth(struct act_parser *p, enum ofpact_type type,
                         const struct token *t)
{
    enum mf_id id = type == OFPACT_SET_ETH_SRC ? MFID_DL_SRC : MFID_DL_DST;
    return parse_mod_field(p, type, t, id, "%s: invalid Ethernet address");
}

static int parse_mod_ipv4(struct act_parser *p, enum ofpact_type type,
                          const struct token *t)
{
    enum mf_id id = type == OFPACT_SET_IPV4_SRC ? MFID_NW_SRC : MFID_NW_DST;
    return parse_mod_field(p, type, t, id,
                           "%s: could not convert to IP address");
}

static int parse_ip_tos(struct act_parser *p, enum ofpact_type type,
                        const struct token *t)
{
    uint16_t x;
    if (parse_number_arg(p, t, 255, "%s: not a valid TOS", &x)) {
        return -1;
    }
    if (x & 3) {
        return fail(p->err, p->errlen, "%s: ECN bits set in TOS value",
                    t->value);
    }
    add_act(p, type)->u8 = (uint8_t) x;
    return 0;
}

static int parse_ip_ttl(struct act_parser *p, enum ofpact_type type,
                        const struct token *t)
{
    uint16_t x;
    if (parse_number_arg(p, t, 255, "invalid TTL %s", &x)) {
        return -1;
    }
    add_act(p, type)->u8 = (uint8_t) x;
    return 0;
}

static int parse_dec_ttl(struct act_parser *p, enum ofpact_type type,
                         const struct token *t)
{
    (void) t;
    add_act(p, type);
    return 0;
}

static int parse_l4_port(struct act_parser *p, enum ofpact_type type,
                         const struct token *t)
{
    uint16_t x;
    if (parse_number_arg(p, t, 65535, "%s: not a valid port", &x)) {
        return -1;
    }
    add_act(p, type)->u16 = x;
    return 0;
}

static int parse_set_field(struct act_parser *p, enum ofpact_type type,
                           const struct token *t)
{
    const char *arg = arg_of(t);
    char vs[128];
    const char *name = split_arrow(p, arg, vs, sizeof vs);
    if (!name) {
        return -1;
    }
    const struct mf_field *f = mf_from_name(name);
    if (!f) {
        return fail(p->err, p->errlen, "%s is not a valid OXM field name",
                    name);
    }
    if (!f->writable) {
        return fail(p->err, p->errlen, "%s is read-only", f->name);
    }
    /* OVS's tp_src and tp_dst are names of tcp_src and tcp_dst. */
    if (f->id == MFID_TP_SRC || f->id == MFID_TP_DST) {
        f = mf_by_id(f->id == MFID_TP_SRC ? MFID_TCP_SRC : MFID_TCP_DST);
    }
    struct ofpact *a = add_act(p, type);
    a->set.field = f;
    if (f->format == MFF_TCP_FLAGS || f->format == MFF_FRAG) {
        return fail(p->err, p->errlen, "%s is read-only", f->name);
    }
    if (mf_parse_value(f, vs, &a->set.value, &a->set.mask, p->err,
                       p->errlen)) {
        return -1;
    }
    /* OVS keeps the value as written, bits outside the mask too (OpenFlow
     * 1.0 sends it whole; a 1.5 switch refuses it). */
    char *slash = strchr(vs, '/');
    if (slash) {
        mf_value v, m;
        *slash = '\0';
        if (!mf_parse_value(f, vs, &v, &m, p->err, p->errlen)) {
            a->set.value = v;
        }
        a->set.wire_mask = f->n_bits % 8 != 0;
    }
    return 0;
}

static int parse_load(struct act_parser *p, enum ofpact_type type,
                      const struct token *t)
{
    const char *arg = arg_of(t);
    char vs[64];
    const char *dst = split_arrow(p, arg, vs, sizeof vs);
    if (!dst) {
        return -1;
    }
    struct ofpact *a = add_act(p, type);
    if (parse_subfield(dst, &a->load.field, &a->load.ofs, &a->load.n_bits,
                       p->err, p->errlen)) {
        return -1;
    }
    if (!a->load.field->writable) {
        return fail(p->err, p->errlen, "%s: destination field %s is not "
                    "writable", arg, a->load.field->name);
    }
    mf_value v;
    if (parse_u128(vs, &v)) {
        return fail(p->err, p->errlen, "%s: bad value in load action", arg);
    }
    if (a->load.n_bits < 128 && v >> a->load.n_bits) {
        return fail(p->err, p->errlen, "%s: value 0x%" PRIx64 " does not "
                    "fit into %u bits", arg, (uint64_t) v, a->load.n_bits);
    }
    a->load.value = v;
    return 0;
}

static int parse_move(struct act_parser *p, enum ofpact_type type,
                      const struct token *t)
{
    const char *arg = arg_of(t);
    char src[80];
    const char *dst = split_arrow(p, arg, src, sizeof src);
    if (!dst) {
        return -1;
    }
    struct ofpact *a = add_act(p, type);
    uint16_t sbits, dbits;
    if (parse_subfield(src, &a->move.src, &a->move.src_ofs, &sbits, p->err,
                       p->errlen)
        || parse_subfield(dst, &a->move.dst, &a->move.dst_ofs, &dbits,
                          p->err, p->errlen)) {
        return -1;
    }
    if (sbits != dbits) {
        return fail(p->err, p->errlen, "%s: source field is %u bits wide "
                    "but destination is %u bits wide", arg, sbits, dbits);
    }
    if (!a->move.dst->writable) {
        return fail(p->err, p->errlen, "%s: destination field %s is not "
                    "writable", arg, a->move.dst->name);
    }
    a->move.n_bits = sbits;
    return 0;
}

static int parse_set_tunnel(struct act_parser *p, enum ofpact_type type,
                            const struct token *t)
{
    mf_value x;
    if (!t->value || parse_u128(t->value, &x) || x >> 64) {
        return fail(p->err, p->errlen, "%s: invalid tunnel id", arg_of(t));
    }
    add_act(p, type)->u64 = (uint64_t) x;
    return 0;
}

static int parse_resubmit(struct act_parser *p, enum ofpact_type type,
                          const struct token *t)
{
    struct ofpact *a = add_act(p, type);
    a->resubmit.in_port = OFPP_IN_PORT;
    a->resubmit.table = OFP_TABLE_ALL;
    a->resubmit.paren = t->paren;
    const char *v = arg_of(t);
    char port[32] = "", table[32] = "";
    if (t->paren) {
        const char *comma = strchr(v, ',');
        if (!comma || strlen(v) >= sizeof port) {
            return fail(p->err, p->errlen, "%s: resubmit requires "
                        "(port,table)", v);
        }
        memcpy(port, v, (size_t) (comma - v));
        port[comma - v] = '\0';
        snprintf(table, sizeof table, "%s", comma + 1);
    } else if (strlen(v) < sizeof port) {
        snprintf(port, sizeof port, "%s", v);
    }
    if (*port && !ofp_port_parse(port, &a->resubmit.in_port)) {
        return fail(p->err, p->errlen, "%s: resubmit to unknown port", port);
    }
    if (*table) {
        uint16_t tbl;
        if (parse_u16(table, 254, &tbl)) {
            return fail(p->err, p->errlen, "%s: resubmit to unknown table",
                        table);
        }
        a->resubmit.table = (uint8_t) tbl;
    }
    if (!*port && !*table) {
        return fail(p->err, p->errlen, "at least one of port and table must "
                    "be specified in resubmit");
    }
    return 0;
}

static int parse_goto_table(struct act_parser *p, enum ofpact_type type,
                            const struct token *t)
{
    uint16_t tbl;
    if (parse_u16(t->value, 254, &tbl)) {
        return fail(p->err, p->errlen, "%s: invalid table", arg_of(t));
    }
    add_act(p, type)->u8 = (uint8_t) tbl;
    return 0;
}

/* groups */
static int parse_group(struct act_parser *p, enum ofpact_type type,
                       const struct token *t)
{
    const char *s = arg_of(t);
    char *end;
    if (!*s) {
        return fail(p->err, p->errlen, "missing required numeric argument");
    }
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (*end || errno || v > UINT32_MAX || *s == '-') {
        return fail(p->err, p->errlen, "invalid numeric format %s", s);
    }
    add_act(p, type)->group.id = (uint32_t) v;
    return 0;
}

/* OVS pads a note so that the whole action fills 8-byte units; the padded
 * length is what dump-flows prints. */
static size_t note_padded_len(size_t len)
{
    return (len + 10 + 7) / 8 * 8 - 10;
}

static int parse_note(struct act_parser *p, enum ofpact_type type,
                      const struct token *t)
{
    struct ofpact *a = add_act(p, type);
    const char *s = arg_of(t);
    while (*s) {
        if (*s == '.') {
            s++;
            continue;
        }
        if (!isxdigit((unsigned char) s[0])
            || !isxdigit((unsigned char) s[1])) {
            return fail(p->err, p->errlen, "bad hex digit in `note' "
                        "argument");
        }
        if (a->note.len >= OFP_NOTE_MAX) {
            return fail(p->err, p->errlen, "note longer than %d bytes",
                        OFP_NOTE_MAX);
        }
        char hex[3] = { s[0], s[1], 0 };
        a->note.data[a->note.len++] = (uint8_t) strtoul(hex, NULL, 16);
        s += 2;
    }
    /* Refuse what would print padded past the limit: a dumped flow must
     * parse back. */
    if (note_padded_len(a->note.len) > OFP_NOTE_MAX) {
        return fail(p->err, p->errlen, "note longer than %d bytes",
                    OFP_NOTE_MAX);
    }
    return 0;
}

/* meters */
static int parse_meter(struct act_parser *p, enum ofpact_type type,
                       const struct token *t)
{
    const char *s = arg_of(t);
    char *end;
    errno = 0;
    unsigned long long v = s && isdigit((unsigned char) *s)
                           ? strtoull(s, &end, 0) : 0;
    if (!s || !isdigit((unsigned char) *s) || errno || *end
        || v > UINT32_MAX) {
        return fail(p->err, p->errlen, "invalid numeric format %s",
                    s ? s : "");
    }
    add_act(p, type)->meter.meter_id = (uint32_t) v;
    return 0;
}

/* conj: "conjunction(id,k/n)", spaces allowed around the numbers and the
 * id in any base %i takes, as ovs-ofctl. */
static int parse_conjunction(struct act_parser *p, enum ofpact_type type,
                             const struct token *t)
{
    const char *s = arg_of(t);
    int32_t id;
    unsigned k, n;
    int used = -1;
    if (sscanf(s, "%" SCNi32 " , %u / %u %n", &id, &k, &n, &used) != 3
        || used < 0 || (size_t) used != strlen(s) || k > 255 || n > 255) {
        return fail(p->err, p->errlen, "\"conjunction\" syntax is "
                    "\"conjunction(id,i/n)\"");
    }
    if (n < 2) {
        return fail(p->err, p->errlen, "conjunction must have at least 2 "
                    "clauses");
    } else if (n > 64) {
        return fail(p->err, p->errlen, "conjunction must have at most 64 "
                    "clauses");
    } else if (k < 1) {
        return fail(p->err, p->errlen, "clause index must be positive");
    } else if (k > n) {
        return fail(p->err, p->errlen, "clause index must be less than or "
                    "equal to number of clauses");
    }
    struct ofpact *a = add_act(p, type);
    a->conjunction.id = (uint32_t) id;
    a->conjunction.clause = (uint8_t) (k - 1);
    a->conjunction.n_clauses = (uint8_t) n;
    return 0;
}

/* The keywords of OFPACTS. */
static const struct {
    const char *name, *alias;
    enum ofpact_type type;
    int (*parse)(struct act_parser *, enum ofpact_type,
                 const struct token *);
} act_keywords[] = {
#define OFPACT(ENUM, FN, PAYLOAD, OF10, OF13, NX, SAMPLE, NAME, ALIAS)       \
    { NAME, ALIAS, OFPACT_##ENUM, parse_##FN },
    OFPACTS
#undef OFPACT
};

/* A token that is no keyword: a port ("2", "LOCAL") outputs to it, and
 * "CONTROLLER:n" in any case (ovs-ofctl prints controller upper-case) is a
 * controller action. */
static int parse_port_shorthand(struct act_parser *p, const struct token *t)
{
    uint32_t port;
    if (!strcasecmp(t->key, "controller")) {
        return parse_controller(p, OFPACT_CONTROLLER, t);
    }
    if (!t->value && ofp_port_parse(t->key, &port) && port != OFPP_NONE) {
        return output_to(p, port);
    }
    return fail(p->err, p->errlen, "unknown action %s", t->key);
}

static int parse_action(struct act_parser *p, const struct token *t,
                        bool *saw_drop)
{
    if (!strcmp(t->key, "drop")) {
        *saw_drop = true;
        return 0;
    }
    for (size_t i = 0; i < sizeof act_keywords / sizeof *act_keywords; i++) {
        if (!strcmp(t->key, act_keywords[i].name)
            || (act_keywords[i].alias
                && !strcmp(t->key, act_keywords[i].alias))) {
            return act_keywords[i].parse(p, act_keywords[i].type, t);
        }
    }
    return parse_port_shorthand(p, t);
}

int ofpacts_parse(const char *s, struct ofpact **acts, size_t *n_acts,
                  char *err, size_t errlen)
{
    char *copy = xstrdup(s);
    *acts = NULL;
    *n_acts = 0;
    err[0] = '\0';
    struct act_parser p = { acts, n_acts, err, errlen };
    char *pos = copy;
    struct token t;
    bool bad = false, saw_drop = false;
    int ret = 0;
    size_t n_tokens = 0;
    while (!ret && next_token(&pos, &t, &bad)) {
        n_tokens++;
        ret = parse_action(&p, &t, &saw_drop);
    }
    if (!ret && bad) {
        ret = fail(err, errlen, "unbalanced parentheses in actions");
    }
    if (!ret && saw_drop && n_tokens > 1) {
        ret = fail(err, errlen, "\"drop\" must not be accompanied by any "
                   "other action or instruction");
    }
    /* meters: an instruction in 1.1+, ahead of apply_actions. */
    for (size_t i = 0, n_meter = 0; !ret && i < *n_acts; i++) {
        if ((*acts)[i].type != OFPACT_METER) {
            continue;
        }
        if (++n_meter > 1) {
            ret = fail(err, errlen, "duplicate meter instruction not "
                       "allowed, for OpenFlow 1.1+ compatibility");
        } else if (i > 0) {
            ret = fail(err, errlen, "invalid instruction ordering: meter "
                       "must appear before apply_actions, for OpenFlow 1.1+ "
                       "compatibility");
        }
    }
    int n_goto = 0;
    for (size_t i = 0; !ret && i < *n_acts; i++) {
        if ((*acts)[i].type == OFPACT_GOTO_TABLE) {
            if (i + 1 != *n_acts || ++n_goto > 1) {
                ret = fail(err, errlen, "goto_table must be the last action");
            }
        }
    }
    if (!ret) {
        /* conj */
        ret = ofpacts_check_conjunction(*acts, *n_acts, err, errlen) ? -1 : 0;
    }
    free(copy);
    if (ret) {
        ofpacts_free(*acts, *n_acts);
        *acts = NULL;
        *n_acts = 0;
    }
    return ret;
}

/* ---- whole flows ---- */

static int check_actions(const struct ofp_flow_spec *spec, char *err,
                         size_t errlen)
{
    const struct ofp_match *m = &spec->match;
    for (size_t i = 0; i < spec->n_acts; i++) {
        const struct ofpact *a = &spec->acts[i];
        const struct mf_field *f1 = NULL, *f2 = NULL;
        if (a->type == OFPACT_SET_FIELD) {
            f1 = a->set.field;
        } else if (a->type == OFPACT_LOAD) {
            f1 = a->load.field;
        } else if (a->type == OFPACT_MOVE) {
            f1 = a->move.src;
            f2 = a->move.dst;
        } else if (a->type == OFPACT_OUTPUT && a->output.port == OFPP_NONE) {
            /* As ovs-ofctl: it would print as "NONE", which is no action. */
            return fail(err, errlen, "actions are invalid with specified "
                        "match (OFPBAC_BAD_OUT_PORT)");
        } else if (a->type == OFPACT_METER
                   && (!a->meter.meter_id
                       || a->meter.meter_id > 0xffff0000u)) {
            /* meters: OVS's check_METER (OFPM_MAX is the last id). */
            return fail(err, errlen, "actions are invalid with specified "
                        "match (OFPMMFC_INVALID_METER)");
        } else if (a->type == OFPACT_LEARN) {
            /* learn: its fields' prerequisites (ofpact_learn_check). */
            int e = ofpact_learn_check(a->learn, &m->value, &m->mask);
            if (e) {
                return fail(err, errlen, "actions are invalid with specified "
                            "match (%s)", ofperr_name(-e));
            }
        } else if (a->type == OFPACT_GOTO_TABLE) {
            uint8_t tbl = spec->table_id == OFP_TABLE_ALL ? 0 : spec->table_id;
            if (a->u8 <= tbl) {
                return fail(err, errlen, "actions are invalid with specified "
                            "match (OFPBIC_BAD_TABLE_ID)");
            }
        }
        if ((f1 && !field_prereq_matched(f1, m))
            || (f2 && !field_prereq_matched(f2, m))) {
            return fail(err, errlen, "actions are invalid with specified "
                        "match (OFPBAC_MATCH_INCONSISTENT)");
        }
    }
    return 0;
}

/* Splits "match,actions=list" at the "actions=" keyword. */
static char *split_actions(char *s)
{
    for (char *p = s; (p = strstr(p, "actions")) != NULL; p++) {
        bool at_start = p == s || is_sep(p[-1]);
        char *q = p + 7;
        while (*q == ' ') {
            q++;
        }
        if (at_start && (*q == '=' || *q == ':')) {
            *p = '\0';
            return q + 1;
        }
    }
    return NULL;
}

int ofp_parse_flow(const char *s, enum ofp_parse_mode mode,
                   struct ofp_flow_spec *spec, char *err, size_t errlen)
{
    memset(spec, 0, sizeof *spec);
    spec->priority = OFP_DEFAULT_PRIORITY;
    spec->table_id = mode == OFP_PARSE_ADD ? 0 : OFP_TABLE_ALL;
    spec->out_port = OFPP_NONE;
    spec->out_group = 0xffffffffu;
    err[0] = '\0';

    char *copy = xstrdup(s);
    char *act_str = split_actions(copy);
    int ret = 0;
    if (act_str && mode == OFP_PARSE_MATCH) {
        ret = fail(err, errlen, "unknown keyword actions");
    } else if (!act_str && mode != OFP_PARSE_MATCH) {
        ret = fail(err, errlen, "must specify an action");
    }

    const struct mf_field *used[64];
    size_t n_used = 0;
    char *pos = copy;
    struct token t;
    bool bad = false;
    while (!ret && next_token(&pos, &t, &bad)) {
        ret = parse_match_token(spec, &t, mode, used, &n_used, err, errlen);
    }
    if (!ret && bad) {
        ret = fail(err, errlen, "unbalanced parentheses in match");
    }
    for (size_t i = 0; !ret && i < n_used; i++) {
        if (!field_prereq_matched(used[i], &spec->match)) {
            ret = fail(err, errlen, "%s: prerequisites not met (the match "
                       "needs %s)", used[i]->name,
                       mf_prereq_text(used[i]->prereq));
        }
    }
    if (!ret && act_str) {
        spec->has_actions = true;
        ret = ofpacts_parse(act_str, &spec->acts, &spec->n_acts, err, errlen);
    }
    if (!ret) {
        ret = check_actions(spec, err, errlen);
    }
    if (ret) {
        ofp_flow_spec_free(spec);   /* actions refused after they parsed */
    }
    free(copy);
    return ret;
}

void ofp_flow_spec_free(struct ofp_flow_spec *spec)
{
    ofpacts_free(spec->acts, spec->n_acts);
    spec->acts = NULL;
    spec->n_acts = 0;
}

/* ---- printing ---- */

static void put_sep(struct dstr *out, size_t start)
{
    if (out->len > start) {
        dstr_putc(out, ',');
    }
}

static void format_field(const struct ofp_match *m, const struct mf_field *f,
                         struct dstr *out, size_t start)
{
    mf_value mask = mf_get(f, &m->mask);
    if (!mask) {
        return;
    }
    put_sep(out, start);
    dstr_printf(out, "%s=", f->name);
    mf_value v = mf_get(f, &m->value);
    if (f->id == MFID_DL_TYPE) {             /* match_format's widths */
        dstr_printf(out, "0x%04x", (unsigned) v);
    } else if (f->id == MFID_IPV6_LABEL) {
        dstr_printf(out, "0x%05x", (unsigned) v);
        if (mask != mf_width_mask(f)) {
            dstr_printf(out, "/0x%05x", (unsigned) mask);
        }
    } else {
        mf_format_value(f, v, mask, out);
    }
}

static void format_vlan(const struct ofp_match *m, struct dstr *out,
                        size_t start)
{
    uint16_t tci = ntohs(m->value.key.vlans[0].tci);
    uint16_t mask = ntohs(m->mask.key.vlans[0].tci);
    if (!mask) {
        return;
    }
    put_sep(out, start);
    bool present = (tci & mask & FLOW_VLAN_PRESENT) != 0;
    uint16_t vid_bits = 0x0fff | FLOW_VLAN_PRESENT;
    uint16_t pcp_bits = 0xe000 | FLOW_VLAN_PRESENT;
    if (present && (mask == vid_bits || mask == (vid_bits | pcp_bits))) {
        dstr_printf(out, "dl_vlan=%u", tci & 0x0fff);
        if (mask & 0xe000) {
            dstr_printf(out, ",dl_vlan_pcp=%u", tci >> 13);
        }
    } else if (present && mask == pcp_bits) {
        dstr_printf(out, "dl_vlan_pcp=%u", tci >> 13);
    } else if (mask == 0xffff) {
        dstr_printf(out, "vlan_tci=0x%04x", tci);
    } else {
        dstr_printf(out, "vlan_tci=0x%04x/0x%04x", tci, mask);
    }
}

static bool is_type(const struct ofp_match *m, uint16_t t)
{
    return m->mask.key.dl_type == 0xffff && m->value.key.dl_type == htons(t);
}

/* The protocol keyword that stands for the match's dl_type (and nw_proto,
 * then *with_proto is set), or NULL. */
static const char *shorthand_name(const struct ofp_match *m, bool *with_proto)
{
    *with_proto = false;
    if (m->mask.key.dl_type != 0xffff) {
        return NULL;
    }
    if (m->mask.key.nw_proto == 0xff) {
        for (size_t i = 0; i < N_SHORTHANDS; i++) {
            if (shorthands[i].nw_proto >= 0
                && is_type(m, shorthands[i].dl_type)
                && m->value.key.nw_proto == shorthands[i].nw_proto) {
                *with_proto = true;
                return shorthands[i].name;
            }
        }
    }
    for (size_t i = 0; i < N_SHORTHANDS; i++) {
        if (shorthands[i].nw_proto < 0 && is_type(m, shorthands[i].dl_type)) {
            return shorthands[i].name;
        }
    }
    return NULL;
}

/* nw_tos prints the DSCP bits as a TOS byte, nw_ecn the ECN bits. */
static void format_tos(const struct ofp_match *m, bool ecn, struct dstr *out,
                       size_t start)
{
    uint8_t bits = ecn ? 0x03 : 0xfc;
    if (m->mask.key.nw_tos & bits) {
        put_sep(out, start);
        dstr_printf(out, "%s=%u", ecn ? "nw_ecn" : "nw_tos",
                    m->value.key.nw_tos & bits);
    }
}

/* The fields printed by code of their own (MFS_CODE). */
static void format_code_field(const struct ofp_match *m,
                              const struct mf_field *f, struct dstr *out,
                              size_t start)
{
    switch (f->id) {
    case MFID_VLAN_TCI:
        format_vlan(m, out, start);
        break;
    case MFID_NW_TOS:
    case MFID_NW_ECN:
        format_tos(m, f->id == MFID_NW_ECN, out, start);
        break;
    default:
        break;
    }
}

/* What kind of match it is, for enum mf_show. */
struct match_kind {
    bool shorthand;        /* "ip", "tcp6"... stands for dl_type */
    bool proto_shorthand;  /* ... and for nw_proto */
    bool ipv6, arp, icmp;
};

static bool field_shown(const struct mf_field *f, const struct match_kind *k)
{
    switch (f->show) {
    case MFS_ALWAYS: return true;
    case MFS_NEVER: return false;
    case MFS_CODE: return false;
    case MFS_NO_SHORTHAND: return !k->shorthand;
    case MFS_IPV6: return k->ipv6;
    case MFS_ARP: return k->arp;
    case MFS_NOT_V6_ARP: return !k->ipv6 && !k->arp;
    case MFS_PROTO: return !k->arp && !k->proto_shorthand;
    case MFS_ICMP: return k->icmp;
    case MFS_PORTS: return !k->icmp && !k->arp;
    case MFS_BEFORE_PROTO: return false;   /* conj: printed first */
    }
    return false;
}

void ofp_match_format(const struct ofp_match *m, int priority,
                      struct dstr *out)
{
    size_t start = out->len;
    if (priority >= 0 && priority != OFP_DEFAULT_PRIORITY) {
        dstr_printf(out, "priority=%d", priority);
    }
    size_t n;
    const struct mf_field *fields = mf_all(&n);
    /* conj: conj_id comes before the protocol, as OVS prints it. */
    for (size_t i = 0; i < n; i++) {
        if (fields[i].show == MFS_BEFORE_PROTO) {
            format_field(m, &fields[i], out, start);
        }
    }
    struct match_kind k;
    const char *shorthand = shorthand_name(m, &k.proto_shorthand);
    if (shorthand) {
        put_sep(out, start);
        dstr_put(out, shorthand);
    }
    k.shorthand = shorthand != NULL;
    k.ipv6 = is_type(m, ETH_TYPE_IPV6);
    k.arp = is_type(m, ETH_TYPE_ARP) || is_type(m, ETH_TYPE_RARP);
    k.icmp = k.proto_shorthand && (m->value.key.nw_proto == 1
                                   || m->value.key.nw_proto == 58);
    for (size_t i = 0; i < n; i++) {
        if (fields[i].show == MFS_CODE) {
            format_code_field(m, &fields[i], out, start);
        } else if (field_shown(&fields[i], &k)) {
            format_field(m, &fields[i], out, start);
        }
    }
}

static void format_subfield(const struct mf_field *f, unsigned ofs,
                            unsigned n_bits, struct dstr *out)
{
    dstr_put(out, f->nxm_name);
    if (ofs == 0 && n_bits == f->n_bits) {
        dstr_put(out, "[]");
    } else if (n_bits == 1) {
        dstr_printf(out, "[%u]", ofs);
    } else {
        dstr_printf(out, "[%u..%u]", ofs, ofs + n_bits - 1);
    }
}

static void format_hex128(mf_value v, struct dstr *out)
{
    if (v >> 64) {
        dstr_printf(out, "0x%" PRIx64 "%016" PRIx64, (uint64_t) (v >> 64),
                    (uint64_t) v);
    } else {
        dstr_printf(out, "0x%" PRIx64, (uint64_t) v);
    }
}

/* A number as OVS prints a hexadecimal field value: "0", else 0x... */
static void format_ovs_hex(mf_value v, struct dstr *out)
{
    if (!v) {
        dstr_putc(out, '0');
    } else {
        format_hex128(v, out);
    }
}

/* The name OVS prints a set_field's field under (its own name for the
 * fields vswitch names in OpenFlow 1.0's way). */
static const char *set_field_name(const struct mf_field *f)
{
    switch (f->id) {
    case MFID_DL_SRC: return "eth_src";
    case MFID_DL_DST: return "eth_dst";
    case MFID_NW_SRC: return "ip_src";
    case MFID_NW_DST: return "ip_dst";
    case MFID_TP_SRC: return "tcp_src";
    case MFID_TP_DST: return "tcp_dst";
    default: return f->name;
    }
}

/* set_field:VALUE[/MASK]->FIELD as ovs-ofctl 3.1 prints it (mf_format:
 * numbers in decimal or hex by field, masks in hex, "ANY" for an empty
 * mask), whatever the version it came in. */
static void format_set_field(const struct ofpact *a, struct dstr *out)
{
    const struct mf_field *f = a->set.field;
    mf_value all = mf_width_mask(f), mask = a->set.mask & all;
    dstr_put(out, "set_field:");
    if (!mask) {
        dstr_put(out, "ANY");
    } else if (f->format == MFF_HEX || f->format == MFF_DEC) {
        if (f->format == MFF_HEX) {
            format_ovs_hex(a->set.value, out);
        } else {
            dstr_printf(out, "%" PRIu64, (uint64_t) a->set.value);
        }
        if (mask != all || a->set.wire_mask) {
            dstr_putc(out, '/');
            format_ovs_hex(mask, out);
        }
    } else {
        mf_format_value(f, a->set.value, mask, out);
    }
    dstr_printf(out, "->%s", set_field_name(f));
}

static void format_port(uint32_t port, struct dstr *out)
{
    ofp_port_put(port, out);
}

static void format_output(const struct ofpact *a, struct dstr *out)
{
    if (a->output.port < OFPP_MAX) {
        dstr_put(out, "output:");
    }
    format_port(a->output.port, out);
}

static void format_controller(const struct ofpact *a, struct dstr *out)
{
    uint8_t reason = a->output.has_reason ? a->output.reason : 1 /* OFPR_ACTION */;
    if (reason == 1 /* OFPR_ACTION */ && !a->output.controller_id
        && !a->output.userdata_len && !a->output.pause
        && !a->output.meter_id) {
        dstr_printf(out, "CONTROLLER:%u", a->output.max_len);
        return;
    }
    size_t start = out->len;
    dstr_put(out, "controller(");
    if (reason != 1 /* OFPR_ACTION */) {
        if (reason < (sizeof pin_reasons / sizeof *pin_reasons)) {
            dstr_printf(out, "reason=%s,", pin_reasons[reason]);
        } else {
            dstr_printf(out, "reason=%u,", reason);
        }
    }
    if (a->output.max_len != 65535) {
        dstr_printf(out, "max_len=%u,", a->output.max_len);
    }
    if (a->output.controller_id) {
        dstr_printf(out, "id=%u,", a->output.controller_id);
    }
    if (a->output.userdata_len) {
        dstr_put(out, "userdata=");
        for (size_t i = 0; i < a->output.userdata_len; i++) {
            dstr_printf(out, "%s%02x", i ? "." : "", a->output.userdata[i]);
        }
        dstr_put(out, ",");
    }
    if (a->output.pause) {
        dstr_put(out, "pause,");
    }
    if (a->output.meter_id) {
        dstr_printf(out, "meter_id=%" PRIu32 ",", a->output.meter_id);
    }
    if (out->len > start && out->s[out->len - 1] == ',') {
        dstr_truncate(out, out->len - 1);
    }
    dstr_put(out, ")");
}

static void format_vlan_vid(const struct ofpact *a, struct dstr *out)
{
    dstr_printf(out, "mod_vlan_vid:%u", a->u16);
}

static void format_vlan_pcp(const struct ofpact *a, struct dstr *out)
{
    dstr_printf(out, "mod_vlan_pcp:%u", a->u8);
}

static void format_strip_vlan(const struct ofpact *a, struct dstr *out)
{
    dstr_put(out, a->none ? "pop_vlan" : "strip_vlan");
}

static void format_push_vlan(const struct ofpact *a, struct dstr *out)
{
    dstr_printf(out, "push_vlan:0x%04x", a->u16);
}

static void format_mod_eth(const struct ofpact *a, struct dstr *out)
{
    dstr_put(out, a->type == OFPACT_SET_ETH_SRC ? "mod_dl_src:"
                                                : "mod_dl_dst:");
    mf_format_value(a->set.field, a->set.value, mf_width_mask(a->set.field),
                    out);
}

static void format_mod_ipv4(const struct ofpact *a, struct dstr *out)
{
    dstr_put(out, a->type == OFPACT_SET_IPV4_SRC ? "mod_nw_src:"
                                                 : "mod_nw_dst:");
    mf_format_value(a->set.field, a->set.value, mf_width_mask(a->set.field),
                    out);
}

static void format_ip_tos(const struct ofpact *a, struct dstr *out)
{
    dstr_printf(out, "mod_nw_tos:%u", a->u8);
}

static void format_ip_ttl(const struct ofpact *a, struct dstr *out)
{
    dstr_printf(out, "mod_nw_ttl:%u", a->u8);
}

static void format_dec_ttl(const struct ofpact *a, struct dstr *out)
{
    (void) a;
    dstr_put(out, "dec_ttl");
}

static void format_l4_port(const struct ofpact *a, struct dstr *out)
{
    dstr_printf(out, "%s:%u", a->type == OFPACT_SET_L4_SRC ? "mod_tp_src"
                                                           : "mod_tp_dst",
                a->u16);
}

/* As OVS prints a load: one load:VALUE->FIELD[a..b] per run of at most 64
 * bits (a 128-bit field whole is two), the value in hex ("0" for zero). */
static void format_load(const struct ofpact *a, struct dstr *out)
{
    unsigned done = 0;
    while (done < a->load.n_bits) {
        unsigned n = a->load.n_bits - done > 64 ? 64 : a->load.n_bits - done;
        uint64_t part = (uint64_t) (a->load.value >> done);
        if (n < 64) {
            part &= ((uint64_t) 1 << n) - 1;
        }
        dstr_put(out, done ? ",load:" : "load:");
        format_ovs_hex(part, out);
        dstr_put(out, "->");
        format_subfield(a->load.field, a->load.ofs + done, n, out);
        done += n;
    }
}

static void format_move(const struct ofpact *a, struct dstr *out)
{
    dstr_put(out, "move:");
    format_subfield(a->move.src, a->move.src_ofs, a->move.n_bits, out);
    dstr_put(out, "->");
    format_subfield(a->move.dst, a->move.dst_ofs, a->move.n_bits, out);
}

static void format_set_tunnel(const struct ofpact *a, struct dstr *out)
{
    dstr_printf(out, "%s:0x%" PRIx64,
                a->u64 > UINT32_MAX ? "set_tunnel64" : "set_tunnel", a->u64);
}

static void format_resubmit(const struct ofpact *a, struct dstr *out)
{
    if (!a->resubmit.paren && a->resubmit.table == OFP_TABLE_ALL) {
        dstr_put(out, "resubmit:");
        format_port(a->resubmit.in_port, out);
        return;
    }
    dstr_put(out, "resubmit(");
    if (a->resubmit.in_port != OFPP_IN_PORT) {
        format_port(a->resubmit.in_port, out);
    }
    dstr_putc(out, ',');
    if (a->resubmit.table != OFP_TABLE_ALL) {
        dstr_printf(out, "%u", a->resubmit.table);
    }
    dstr_putc(out, ')');
}

static void format_goto_table(const struct ofpact *a, struct dstr *out)
{
    dstr_printf(out, "goto_table:%u", a->u8);
}

/* groups */
static void format_group(const struct ofpact *a, struct dstr *out)
{
    dstr_printf(out, "group:%" PRIu32, a->group.id);
}

static void format_meter(const struct ofpact *a, struct dstr *out)
{
    dstr_printf(out, "meter:%" PRIu32, a->meter.meter_id);
}

static void format_note(const struct ofpact *a, struct dstr *out)
{
    size_t shown = note_padded_len(a->note.len);
    dstr_put(out, "note:");
    for (size_t i = 0; i < shown; i++) {
        dstr_printf(out, "%s%02x", i ? "." : "",
                    i < a->note.len ? a->note.data[i] : 0);
    }
}

/* ---- learn and fin_timeout (ovs-actions(7); as ovs-ofctl 3.1 parses
 * them, errors worded as its learn.c words them) ---- */

/* The name OVS gives a field in an immediate match ("eth_src"). */
static const char *learn_field_name(const struct mf_field *f)
{
    switch (f->id) {
    case MFID_DL_SRC: return "eth_src";
    case MFID_DL_DST: return "eth_dst";
    case MFID_DL_TYPE: return "eth_type";
    case MFID_NW_SRC: return "ip_src";
    case MFID_NW_DST: return "ip_dst";
    case MFID_NW_FRAG: return "ip_frag";
    case MFID_TP_SRC: return "tcp_src";
    case MFID_TP_DST: return "tcp_dst";
    default: return f->name;
    }
}

static mf_value learn_bits(unsigned n)
{
    return n >= 128 ? ~(mf_value) 0 : ((mf_value) 1 << n) - 1;
}

static struct learn_spec *learn_add_spec(struct ofpact_learn *l)
{
    l->specs = xrealloc(l->specs, (l->n_specs + 1) * sizeof *l->specs);
    struct learn_spec *s = &l->specs[l->n_specs++];
    memset(s, 0, sizeof *s);
    return s;
}

/* "load:SRC->DST" with SRC a number or a subfield. */
static int learn_parse_load(struct act_parser *p, struct learn_spec *s,
                            const char *value)
{
    const char *arrow = strstr(value, "->");
    if (arrow == value) {
        return fail(p->err, p->errlen, "load: missing source before `->' "
                    "in `%s'", value);
    }
    if (!arrow) {
        return fail(p->err, p->errlen, "load: missing `->' in `%s'", value);
    }
    const char *dst = arrow + 2;
    char src[128];
    if ((size_t) (arrow - value) >= sizeof src) {
        return fail(p->err, p->errlen, "load: garbage before `->' in `%s'",
                    value);
    }
    memcpy(src, value, (size_t) (arrow - value));
    src[arrow - value] = '\0';
    s->dst_type = LEARN_DST_LOAD;
    if (isdigit((unsigned char) src[0])) {
        mf_value v;
        if (parse_u128(src, &v)) {
            return fail(p->err, p->errlen, "load: garbage before `->' in "
                        "`%s'", value);
        }
        if (parse_subfield(dst, &s->dst, &s->dst_ofs, &s->n_bits, p->err,
                           p->errlen)) {
            return -1;
        }
        if (s->n_bits < 128 && v >> s->n_bits) {
            return fail(p->err, p->errlen, "%s: value does not fit into %u "
                        "bits", value, s->n_bits);
        }
        s->imm = v;
        return 0;
    }
    uint16_t sbits, dbits;
    if (parse_subfield(src, &s->src, &s->src_ofs, &sbits, p->err, p->errlen)
        || parse_subfield(dst, &s->dst, &s->dst_ofs, &dbits, p->err,
                          p->errlen)) {
        return -1;
    }
    if (sbits != dbits) {
        return fail(p->err, p->errlen, "%s: source field is %u bits wide "
                    "but destination is %u bits wide", value, sbits, dbits);
    }
    s->n_bits = sbits;
    return 0;
}

/* "DST[=SRC]" with SRC a subfield or a value. */
static int learn_parse_match(struct act_parser *p, struct learn_spec *s,
                             const char *orig, const char *name,
                             const char *value)
{
    s->dst_type = LEARN_DST_MATCH;
    if (!*value) {
        s->src = s->dst;
        s->src_ofs = s->dst_ofs;
        return 0;
    }
    char serr[256];
    uint16_t sbits;
    if (!parse_subfield(value, &s->src, &s->src_ofs, &sbits, serr,
                        sizeof serr)) {
        if (sbits != s->n_bits) {
            /* (OVS prints the two widths the other way round.) */
            return fail(p->err, p->errlen, "%s: bit widths of %s (%u) and "
                        "%s (%u) differ", orig, name, sbits, value,
                        s->n_bits);
        }
        return 0;
    }
    s->src = NULL;
    const struct mf_field *f = s->dst;
    char ierr[256] = "";
    mf_value v, mask;
    if (s->dst_ofs == 0 && s->n_bits == f->n_bits) {
        if (mf_parse_value(f, value, &v, &mask, ierr, sizeof ierr)) {
            /* ierr says why */
        } else if (mask != mf_width_mask(f)) {
            snprintf(ierr, sizeof ierr, "%s: wildcards not allowed here",
                     value);
        }
    } else if (parse_u128(value, &v)) {
        snprintf(ierr, sizeof ierr, "%s: cannot parse integer value", orig);
    } else if (v >> s->n_bits) {
        struct dstr d = DSTR_INIT;
        mf_format_value(f, v & mf_width_mask(f), mf_width_mask(f), &d);
        snprintf(ierr, sizeof ierr, "%s: value %s does not fit into %u "
                 "bits", orig, dstr_str(&d), s->n_bits);
        dstr_free(&d);
    }
    if (*ierr) {
        return fail(p->err, p->errlen, "%s: %s value %s cannot be parsed as "
                    "a subfield (%s) or an immediate value (%s)", orig, name,
                    value, serr, ierr);
    }
    s->imm = v & learn_bits(s->n_bits);
    return 0;
}

static int learn_parse_kv(struct act_parser *p, struct ofpact_learn *l,
                          const char *orig, const char *name,
                          const char *value)
{
    if (!strcmp(name, "table")) {
        uint16_t t;
        if (parse_u16(value, 255, &t)) {
            return fail(p->err, p->errlen, "unknown table \"%s\"", value);
        }
        if (t == 255) {
            return fail(p->err, p->errlen, "%s: table id 255 not valid for "
                        "`learn' action", orig);
        }
        l->table_id = (uint8_t) t;
    } else if (!strcmp(name, "priority")) {
        l->priority = (uint16_t) atoi(value);
    } else if (!strcmp(name, "idle_timeout")) {
        l->idle_timeout = (uint16_t) atoi(value);
    } else if (!strcmp(name, "hard_timeout")) {
        l->hard_timeout = (uint16_t) atoi(value);
    } else if (!strcmp(name, "fin_idle_timeout")) {
        l->fin_idle_timeout = (uint16_t) atoi(value);
    } else if (!strcmp(name, "fin_hard_timeout")) {
        l->fin_hard_timeout = (uint16_t) atoi(value);
    } else if (!strcmp(name, "cookie")) {
        l->cookie = strtoull(value, NULL, 0);
    } else if (!strcmp(name, "send_flow_rem")) {
        l->flags |= NX_LEARN_F_SEND_FLOW_REM;
    } else if (!strcmp(name, "delete_learned")) {
        l->flags |= NX_LEARN_F_DELETE_LEARNED;
    } else if (!strcmp(name, "limit")) {
        l->limit = (uint32_t) atoi(value);
    } else if (!strcmp(name, "result_dst")) {
        uint16_t n;
        l->flags |= NX_LEARN_F_WRITE_RESULT;
        if (parse_subfield(value, &l->result_dst, &l->result_ofs, &n, p->err,
                           p->errlen)) {
            return -1;
        }
        if (!l->result_dst->writable) {
            return fail(p->err, p->errlen, "%s is read-only", value);
        }
        if (n != 1) {
            return fail(p->err, p->errlen, "result_dst in 'learn' action "
                        "must be a single bit");
        }
    } else if (!strcmp(name, "load")) {
        return learn_parse_load(p, learn_add_spec(l), value);
    } else if (!strcmp(name, "output")) {
        struct learn_spec *s = learn_add_spec(l);
        s->dst_type = LEARN_DST_OUTPUT;
        return parse_subfield(value, &s->src, &s->src_ofs, &s->n_bits,
                              p->err, p->errlen);
    } else {
        const struct mf_field *f;
        uint16_t ofs, n;
        char e[8];
        if (parse_subfield(name, &f, &ofs, &n, e, sizeof e)) {
            return fail(p->err, p->errlen, "%s: unknown keyword %s", orig,
                        name);
        }
        struct learn_spec *s = learn_add_spec(l);
        s->dst = f;
        s->dst_ofs = ofs;
        s->n_bits = n;
        return learn_parse_match(p, s, orig, name, value);
    }
    return 0;
}

static int parse_learn(struct act_parser *p, enum ofpact_type type,
                       const struct token *t)
{
    struct ofpact *a = add_act(p, type);
    struct ofpact_learn *l = a->learn = ofpact_learn_new();
    const char *orig = arg_of(t);
    char *copy = xstrdup(orig), *pos = copy;
    struct token kv;
    bool bad = false;
    int ret = 0;
    while (!ret && next_token(&pos, &kv, &bad)) {
        ret = learn_parse_kv(p, l, orig, kv.key, kv.value ? kv.value : "");
    }
    if (!ret && bad) {
        ret = fail(p->err, p->errlen, "unbalanced parentheses in actions");
    }
    free(copy);
    return ret;
}

/* OVS's ds_put_hex: "0x" and the bytes without leading zeros, "0" for 0. */
static void learn_put_hex(mf_value v, struct dstr *out)
{
    if (!v) {
        dstr_putc(out, '0');
    } else {
        format_hex128(v, out);
    }
}

static void format_learn(const struct ofpact *a, struct dstr *out)
{
    const struct ofpact_learn *l = a->learn;
    dstr_printf(out, "learn(table=%u", l->table_id);
    if (l->idle_timeout) {
        dstr_printf(out, ",idle_timeout=%u", l->idle_timeout);
    }
    if (l->hard_timeout) {
        dstr_printf(out, ",hard_timeout=%u", l->hard_timeout);
    }
    if (l->fin_idle_timeout) {
        dstr_printf(out, ",fin_idle_timeout=%u", l->fin_idle_timeout);
    }
    if (l->fin_hard_timeout) {
        dstr_printf(out, ",fin_hard_timeout=%u", l->fin_hard_timeout);
    }
    if (l->priority != OFP_DEFAULT_PRIORITY) {
        dstr_printf(out, ",priority=%u", l->priority);
    }
    if (l->flags & NX_LEARN_F_SEND_FLOW_REM) {
        dstr_put(out, ",send_flow_rem");
    }
    if (l->flags & NX_LEARN_F_DELETE_LEARNED) {
        dstr_put(out, ",delete_learned");
    }
    if (l->cookie) {
        dstr_printf(out, ",cookie=%#" PRIx64, l->cookie);
    }
    if (l->limit) {
        dstr_printf(out, ",limit=%" PRIu32, l->limit);
    }
    if (l->flags & NX_LEARN_F_WRITE_RESULT && l->result_dst) {
        dstr_put(out, ",result_dst=");
        format_subfield(l->result_dst, l->result_ofs, 1, out);
    }
    for (size_t i = 0; i < l->n_specs; i++) {
        const struct learn_spec *s = &l->specs[i];
        dstr_putc(out, ',');
        switch (s->dst_type) {
        case LEARN_DST_MATCH:
            if (!s->src && s->dst_ofs == 0 && s->n_bits == s->dst->n_bits) {
                dstr_printf(out, "%s=", learn_field_name(s->dst));
                mf_format_value(s->dst, s->imm, mf_width_mask(s->dst), out);
            } else if (!s->src) {
                format_subfield(s->dst, s->dst_ofs, s->n_bits, out);
                dstr_putc(out, '=');
                learn_put_hex(s->imm, out);
            } else {
                format_subfield(s->dst, s->dst_ofs, s->n_bits, out);
                if (s->src != s->dst || s->src_ofs != s->dst_ofs) {
                    dstr_putc(out, '=');
                    format_subfield(s->src, s->src_ofs, s->n_bits, out);
                }
            }
            break;
        case LEARN_DST_LOAD:
            dstr_put(out, "load:");
            if (s->src) {
                format_subfield(s->src, s->src_ofs, s->n_bits, out);
            } else {
                learn_put_hex(s->imm, out);
            }
            dstr_put(out, "->");
            format_subfield(s->dst, s->dst_ofs, s->n_bits, out);
            break;
        case LEARN_DST_OUTPUT:
            dstr_put(out, "output:");
            format_subfield(s->src, s->src_ofs, s->n_bits, out);
            break;
        }
    }
    dstr_putc(out, ')');
}

static int parse_fin_timeout(struct act_parser *p, enum ofpact_type type,
                             const struct token *t)
{
    struct ofpact *a = add_act(p, type);
    char *copy = xstrdup(arg_of(t)), *pos = copy;
    struct token kv;
    bool bad = false;
    int ret = 0;
    while (!ret && next_token(&pos, &kv, &bad)) {
        uint16_t *dst = !strcmp(kv.key, "idle_timeout") ? &a->fin.idle
                        : !strcmp(kv.key, "hard_timeout") ? &a->fin.hard
                        : NULL;
        if (!dst) {
            ret = fail(p->err, p->errlen, "invalid key '%s' in "
                       "'fin_timeout' argument", kv.key);
        } else if (parse_u16(kv.value, 65535, dst)) {
            ret = fail(p->err, p->errlen, "invalid %s \"%s\"", kv.key,
                       kv.value ? kv.value : "");
        }
    }
    if (!ret && bad) {
        ret = fail(p->err, p->errlen, "unbalanced parentheses in actions");
    }
    free(copy);
    return ret;
}

static void format_fin_timeout(const struct ofpact *a, struct dstr *out)
{
    dstr_put(out, "fin_timeout(");
    if (a->fin.idle) {
        dstr_printf(out, "idle_timeout=%u", a->fin.idle);
    }
    if (a->fin.hard) {
        dstr_printf(out, "%shard_timeout=%u", a->fin.idle ? "," : "",
                    a->fin.hard);
    }
    dstr_putc(out, ')');
}

/* conj */
static void format_conjunction(const struct ofpact *a, struct dstr *out)
{
    dstr_printf(out, "conjunction(%" PRIu32 ",%d/%d)", a->conjunction.id,
                a->conjunction.clause + 1, a->conjunction.n_clauses);
}

static void format_action(const struct ofpact *a, struct dstr *out)
{
    switch (a->type) {
#define OFPACT(ENUM, FN, ...)                                                \
    case OFPACT_##ENUM:                                                      \
        format_##FN(a, out);                                                 \
        break;
    OFPACTS
#undef OFPACT
    }
}

void ofpacts_format(const struct ofpact *acts, size_t n, struct dstr *out)
{
    if (!n) {
        dstr_put(out, "drop");
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (i) {
            dstr_putc(out, ',');
        }
        format_action(&acts[i], out);
    }
}
