/* Parsing and printing flows in ovs-ofctl syntax. */
#include "ofproto/ofp_parse.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp/net_headers.h"
#include "ofproto/ofproto.h"

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
    { "ip", ETH_TYPE_IP, -1 },      { "ipv6", ETH_TYPE_IPV6, -1 },
    { "arp", ETH_TYPE_ARP, -1 },    { "rarp", ETH_TYPE_RARP, -1 },
    { "tcp", ETH_TYPE_IP, 6 },      { "udp", ETH_TYPE_IP, 17 },
    { "sctp", ETH_TYPE_IP, 132 },   { "icmp", ETH_TYPE_IP, 1 },
    { "tcp6", ETH_TYPE_IPV6, 6 },   { "udp6", ETH_TYPE_IPV6, 17 },
    { "sctp6", ETH_TYPE_IPV6, 132 }, { "icmp6", ETH_TYPE_IPV6, 58 },
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

static const char *prereq_text(enum mf_prereq p)
{
    switch (p) {
    case MFP_ARP: return "arp";
    case MFP_IPV4: return "ip";
    case MFP_IPV6: return "ipv6";
    case MFP_IP_ANY: return "ip or ipv6";
    case MFP_IPV4_ARP: return "ip or arp";
    case MFP_IP_ARP: return "ip, ipv6 or arp";
    case MFP_L4: return "tcp, udp or sctp";
    case MFP_TCP: return "tcp";
    case MFP_UDP: return "udp";
    case MFP_SCTP: return "sctp";
    case MFP_ICMPV4: return "icmp";
    case MFP_ICMPV6: return "icmp6";
    default: return "";
    }
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
    if (!strcmp(f->name, "nw_tos")) {
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
    if (!errno && *end == '/') {
        if (mode == OFP_PARSE_ADD) {
            return fail(err, errlen,
                        "flow additions cannot use a cookie mask");
        }
        spec->cookie_mask = strtoull(end + 1, &end, 0);
    }
    if (errno || *end) {
        return fail(err, errlen, "invalid cookie \"%s\"", v);
    }
    spec->cookie_set = true;
    return 0;
}

static int parse_match_token(struct ofp_flow_spec *spec, struct token *t,
                             enum ofp_parse_mode mode,
                             const struct mf_field **used, size_t *n_used,
                             char *err, size_t errlen)
{
    struct ofp_match *m = &spec->match;
    const char *k = t->key, *v = t->value;

    if (!v && apply_shorthand(m, k)) {
        return 0;
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

static struct ofpact *add_act(struct ofpact **acts, size_t *n,
                              enum ofpact_type type)
{
    struct ofpact *a = realloc(*acts, (*n + 1) * sizeof **acts);
    if (!a) {
        abort();
    }
    *acts = a;
    memset(&a[*n], 0, sizeof a[*n]);
    a[*n].type = type;
    return &a[(*n)++];
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
    if (a > b || b >= (*f)->n_bits) {
        return fail(err, errlen, "%s: starting bit %u is after ending bit %u"
                    " or ending bit is past the %d-bit field", s, a, b,
                    (*f)->n_bits);
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
    errno = 0;
    unsigned long long u = strtoull(s, &end, 0);
    if (errno || *end) {
        return -1;
    }
    *v = u;
    return 0;
}

static int parse_load(const char *arg, struct ofpact **acts, size_t *n,
                      char *err, size_t errlen)
{
    const char *arrow = strstr(arg, "->");
    char vs[64];
    if (!arrow || (size_t) (arrow - arg) >= sizeof vs) {
        return fail(err, errlen, "%s: missing `->'", arg);
    }
    memcpy(vs, arg, (size_t) (arrow - arg));
    vs[arrow - arg] = '\0';
    struct ofpact *a = add_act(acts, n, OFPACT_LOAD);
    if (parse_subfield(arrow + 2, &a->load.field, &a->load.ofs,
                       &a->load.n_bits, err, errlen)) {
        return -1;
    }
    if (!a->load.field->writable) {
        return fail(err, errlen, "%s: destination field %s is not writable",
                    arg, a->load.field->name);
    }
    mf_value v;
    if (parse_u128(vs, &v)) {
        return fail(err, errlen, "%s: bad value in load action", arg);
    }
    if (a->load.n_bits < 128 && v >> a->load.n_bits) {
        return fail(err, errlen, "%s: value 0x%" PRIx64 " does not fit into"
                    " %u bits", arg, (uint64_t) v, a->load.n_bits);
    }
    a->load.value = v;
    return 0;
}

static int parse_move(const char *arg, struct ofpact **acts, size_t *n,
                      char *err, size_t errlen)
{
    const char *arrow = strstr(arg, "->");
    char src[80];
    if (!arrow || (size_t) (arrow - arg) >= sizeof src) {
        return fail(err, errlen, "%s: missing `->'", arg);
    }
    memcpy(src, arg, (size_t) (arrow - arg));
    src[arrow - arg] = '\0';
    struct ofpact *a = add_act(acts, n, OFPACT_MOVE);
    uint16_t sbits, dbits;
    if (parse_subfield(src, &a->move.src, &a->move.src_ofs, &sbits, err,
                       errlen)
        || parse_subfield(arrow + 2, &a->move.dst, &a->move.dst_ofs, &dbits,
                          err, errlen)) {
        return -1;
    }
    if (sbits != dbits) {
        return fail(err, errlen, "%s: source field is %u bits wide but "
                    "destination is %u bits wide", arg, sbits, dbits);
    }
    if (!a->move.dst->writable) {
        return fail(err, errlen, "%s: destination field %s is not writable",
                    arg, a->move.dst->name);
    }
    a->move.n_bits = sbits;
    return 0;
}

static int parse_set_field(const char *arg, struct ofpact **acts, size_t *n,
                           char *err, size_t errlen)
{
    const char *arrow = strstr(arg, "->");
    char vs[128];
    if (!arrow || (size_t) (arrow - arg) >= sizeof vs) {
        return fail(err, errlen, "%s: missing `->'", arg);
    }
    memcpy(vs, arg, (size_t) (arrow - arg));
    vs[arrow - arg] = '\0';
    const struct mf_field *f = mf_from_name(arrow + 2);
    if (!f) {
        return fail(err, errlen, "%s is not a valid OXM field name",
                    arrow + 2);
    }
    if (!f->writable) {
        return fail(err, errlen, "%s is read-only", f->name);
    }
    struct ofpact *a = add_act(acts, n, OFPACT_SET_FIELD);
    a->set.field = f;
    if (f->format == MFF_TCP_FLAGS || f->format == MFF_FRAG) {
        return fail(err, errlen, "%s is read-only", f->name);
    }
    return mf_parse_value(f, vs, &a->set.value, &a->set.mask, err, errlen);
}

static int parse_resubmit(const struct token *t, struct ofpact **acts,
                          size_t *n, char *err, size_t errlen)
{
    struct ofpact *a = add_act(acts, n, OFPACT_RESUBMIT);
    a->resubmit.in_port = OFPP_IN_PORT;
    a->resubmit.table = OFP_TABLE_ALL;
    a->resubmit.paren = t->paren;
    const char *v = t->value ? t->value : "";
    char port[32] = "", table[32] = "";
    if (t->paren) {
        const char *comma = strchr(v, ',');
        if (!comma || strlen(v) >= sizeof port) {
            return fail(err, errlen, "%s: resubmit requires (port,table)", v);
        }
        memcpy(port, v, (size_t) (comma - v));
        port[comma - v] = '\0';
        snprintf(table, sizeof table, "%s", comma + 1);
    } else if (strlen(v) < sizeof port) {
        snprintf(port, sizeof port, "%s", v);
    }
    if (*port && !ofp_port_parse(port, &a->resubmit.in_port)) {
        return fail(err, errlen, "%s: resubmit to unknown port", port);
    }
    if (*table) {
        uint16_t tbl;
        if (parse_u16(table, 254, &tbl)) {
            return fail(err, errlen, "%s: resubmit to unknown table", table);
        }
        a->resubmit.table = (uint8_t) tbl;
    }
    if (!*port && !*table) {
        return fail(err, errlen, "at least one of port and table must be "
                    "specified in resubmit");
    }
    return 0;
}

/* OVS pads a note so that the whole action fills 8-byte units; the padded
 * length is what dump-flows prints. */
static size_t note_padded_len(size_t len)
{
    return (len + 10 + 7) / 8 * 8 - 10;
}

static int parse_note(const char *v, struct ofpact **acts, size_t *n,
                      char *err, size_t errlen)
{
    struct ofpact *a = add_act(acts, n, OFPACT_NOTE);
    const char *p = v ? v : "";
    while (*p) {
        if (*p == '.') {
            p++;
            continue;
        }
        if (!isxdigit((unsigned char) p[0])
            || !isxdigit((unsigned char) p[1])) {
            return fail(err, errlen, "bad hex digit in `note' argument");
        }
        if (a->note.len >= OFP_NOTE_MAX) {
            return fail(err, errlen, "note longer than %d bytes",
                        OFP_NOTE_MAX);
        }
        char hex[3] = { p[0], p[1], 0 };
        a->note.data[a->note.len++] = (uint8_t) strtoul(hex, NULL, 16);
        p += 2;
    }
    /* Refuse what would print padded past the limit: a dumped flow must
     * parse back. */
    if (note_padded_len(a->note.len) > OFP_NOTE_MAX) {
        return fail(err, errlen, "note longer than %d bytes", OFP_NOTE_MAX);
    }
    return 0;
}

/* Actions with a value parsed as a field value: mod_dl_src and friends. */
static const struct {
    const char *name;
    enum ofpact_type type;
    const char *field;
    const char *bad;    /* error format when the value is refused */
} set_actions[] = {
    { "mod_dl_src", OFPACT_SET_ETH_SRC, "dl_src",
      "%s: invalid Ethernet address" },
    { "mod_dl_dst", OFPACT_SET_ETH_DST, "dl_dst",
      "%s: invalid Ethernet address" },
    { "mod_nw_src", OFPACT_SET_IPV4_SRC, "nw_src",
      "%s: could not convert to IP address" },
    { "mod_nw_dst", OFPACT_SET_IPV4_DST, "nw_dst",
      "%s: could not convert to IP address" },
};

static int parse_simple_set(const char *k, const char *v, struct ofpact **acts,
                            size_t *n, char *err, size_t errlen, bool *done)
{
    for (size_t i = 0; i < sizeof set_actions / sizeof *set_actions; i++) {
        if (strcmp(k, set_actions[i].name)) {
            continue;
        }
        *done = true;
        struct ofpact *a = add_act(acts, n, set_actions[i].type);
        const struct mf_field *f = mf_from_name(set_actions[i].field);
        a->set.field = f;
        char tmp[256];
        if (!v || strchr(v, '/')
            || mf_parse_value(f, v, &a->set.value, &a->set.mask, tmp,
                              sizeof tmp)) {
            return fail(err, errlen, set_actions[i].bad, v ? v : "");
        }
        return 0;
    }
    *done = false;
    return 0;
}

static int parse_numeric_action(const char *k, const char *v,
                                struct ofpact **acts, size_t *n, char *err,
                                size_t errlen, bool *done)
{
    static const struct {
        const char *name;
        enum ofpact_type type;
        unsigned long max;
        const char *bad;
    } tab[] = {
        { "mod_vlan_vid", OFPACT_SET_VLAN_VID, 4095,
          "%s: not a valid VLAN VID" },
        { "mod_vlan_pcp", OFPACT_SET_VLAN_PCP, 7, "%s: not a valid VLAN PCP" },
        { "mod_nw_tos", OFPACT_SET_IP_TOS, 255, "%s: not a valid TOS" },
        { "mod_nw_ttl", OFPACT_SET_IP_TTL, 255, "invalid TTL %s" },
        { "mod_tp_src", OFPACT_SET_L4_SRC, 65535, "%s: not a valid port" },
        { "mod_tp_dst", OFPACT_SET_L4_DST, 65535, "%s: not a valid port" },
        { "push_vlan", OFPACT_PUSH_VLAN, 65535,
          "%s: not a valid VLAN ethertype" },
    };
    for (size_t i = 0; i < sizeof tab / sizeof *tab; i++) {
        if (strcmp(k, tab[i].name)) {
            continue;
        }
        *done = true;
        uint16_t x;
        if (parse_u16(v, tab[i].max, &x)) {
            return fail(err, errlen, tab[i].bad, v ? v : "");
        }
        if (tab[i].type == OFPACT_SET_IP_TOS && (x & 3)) {
            return fail(err, errlen, "%s: ECN bits set in TOS value", v);
        }
        if (tab[i].type == OFPACT_PUSH_VLAN && x != 0x8100 && x != 0x88a8) {
            return fail(err, errlen, tab[i].bad, v);
        }
        struct ofpact *a = add_act(acts, n, tab[i].type);
        a->u16 = x;
        if (tab[i].max == 255 || tab[i].max == 7) {
            a->u8 = (uint8_t) x;
        }
        return 0;
    }
    *done = false;
    return 0;
}

static int parse_output_like(const char *k, const char *v,
                             struct ofpact **acts, size_t *n, char *err,
                             size_t errlen, bool *done)
{
    uint32_t port;
    *done = true;
    if (!strcmp(k, "output")) {
        if (!v || !ofp_port_parse(v, &port)) {
            return fail(err, errlen, "%s: output to unknown port",
                        v ? v : "");
        }
    } else if (!strcasecmp(k, "controller")) {
        struct ofpact *a = add_act(acts, n, OFPACT_CONTROLLER);
        a->output.port = OFPP_CONTROLLER;
        a->output.max_len = 65535;
        if (v) {
            const char *num = !strncmp(v, "max_len=", 8) ? v + 8 : v;
            if (parse_u16(num, 65535, &a->output.max_len)) {
                return fail(err, errlen, "unknown key \"%s\" parsing "
                            "controller action", v);
            }
        }
        return 0;
    } else if (!v && ofp_port_parse(k, &port) && port != OFPP_NONE) {
        /* a bare port number or reserved name */
    } else {
        *done = false;
        return 0;
    }
    if (port == OFPP_CONTROLLER) {
        struct ofpact *a = add_act(acts, n, OFPACT_CONTROLLER);
        a->output.port = port;
        a->output.max_len = 65535;
        return 0;
    }
    struct ofpact *a = add_act(acts, n, OFPACT_OUTPUT);
    a->output.port = port;
    return 0;
}

static int parse_action(struct token *t, struct ofpact **acts, size_t *n,
                        bool *saw_drop, char *err, size_t errlen)
{
    const char *k = t->key, *v = t->value;
    bool done;

    if (!strcmp(k, "drop")) {
        *saw_drop = true;
        return 0;
    }
    if (parse_output_like(k, v, acts, n, err, errlen, &done)) {
        return -1;
    }
    if (!done && parse_simple_set(k, v, acts, n, err, errlen, &done)) {
        return -1;
    }
    if (!done && parse_numeric_action(k, v, acts, n, err, errlen, &done)) {
        return -1;
    }
    if (done) {
        return 0;
    }
    if (!strcmp(k, "strip_vlan") || !strcmp(k, "pop_vlan")) {
        add_act(acts, n, OFPACT_STRIP_VLAN);
    } else if (!strcmp(k, "dec_ttl")) {
        add_act(acts, n, OFPACT_DEC_TTL);
    } else if (!strcmp(k, "set_field")) {
        return parse_set_field(v ? v : "", acts, n, err, errlen);
    } else if (!strcmp(k, "load")) {
        return parse_load(v ? v : "", acts, n, err, errlen);
    } else if (!strcmp(k, "move")) {
        return parse_move(v ? v : "", acts, n, err, errlen);
    } else if (!strcmp(k, "set_tunnel") || !strcmp(k, "set_tunnel64")) {
        mf_value x;
        if (!v || parse_u128(v, &x) || x >> 64) {
            return fail(err, errlen, "%s: invalid tunnel id", v ? v : "");
        }
        add_act(acts, n, OFPACT_SET_TUNNEL)->u64 = (uint64_t) x;
    } else if (!strcmp(k, "resubmit")) {
        return parse_resubmit(t, acts, n, err, errlen);
    } else if (!strcmp(k, "goto_table")) {
        uint16_t tbl;
        if (parse_u16(v, 254, &tbl)) {
            return fail(err, errlen, "%s: invalid table", v ? v : "");
        }
        add_act(acts, n, OFPACT_GOTO_TABLE)->u8 = (uint8_t) tbl;
    } else if (!strcmp(k, "note")) {
        return parse_note(v, acts, n, err, errlen);
    } else {
        return fail(err, errlen, "unknown action %s", k);
    }
    return 0;
}

int ofpacts_parse(const char *s, struct ofpact **acts, size_t *n_acts,
                  char *err, size_t errlen)
{
    char *copy = strdup(s);
    if (!copy) {
        abort();
    }
    *acts = NULL;
    *n_acts = 0;
    err[0] = '\0';
    char *pos = copy;
    struct token t;
    bool bad = false, saw_drop = false;
    int ret = 0;
    size_t n_tokens = 0;
    while (!ret && next_token(&pos, &t, &bad)) {
        n_tokens++;
        ret = parse_action(&t, acts, n_acts, &saw_drop, err, errlen);
    }
    if (!ret && bad) {
        ret = fail(err, errlen, "unbalanced parentheses in actions");
    }
    if (!ret && saw_drop && n_tokens > 1) {
        ret = fail(err, errlen, "\"drop\" must not be accompanied by any "
                   "other action or instruction");
    }
    int n_goto = 0;
    for (size_t i = 0; !ret && i < *n_acts; i++) {
        if ((*acts)[i].type == OFPACT_GOTO_TABLE) {
            if (i + 1 != *n_acts || ++n_goto > 1) {
                ret = fail(err, errlen, "goto_table must be the last action");
            }
        }
    }
    free(copy);
    if (ret) {
        free(*acts);
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
    err[0] = '\0';

    char *copy = strdup(s);
    if (!copy) {
        abort();
    }
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
                       prereq_text(used[i]->prereq));
        }
    }
    if (!ret && act_str) {
        spec->has_actions = true;
        ret = ofpacts_parse(act_str, &spec->acts, &spec->n_acts, err, errlen);
    }
    if (!ret) {
        ret = check_actions(spec, err, errlen);
    }
    free(copy);
    return ret;
}

void ofp_flow_spec_free(struct ofp_flow_spec *spec)
{
    free(spec->acts);
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

static void format_field(const struct ofp_match *m, const char *name,
                         struct dstr *out, size_t start)
{
    const struct mf_field *f = mf_from_name(name);
    mf_value mask = mf_get(f, &m->mask);
    if (!mask) {
        return;
    }
    put_sep(out, start);
    dstr_printf(out, "%s=", name);
    mf_format_value(f, mf_get(f, &m->value), mask, out);
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

void ofp_match_format(const struct ofp_match *m, int priority,
                      struct dstr *out)
{
    size_t start = out->len;
    if (priority >= 0 && priority != OFP_DEFAULT_PRIORITY) {
        dstr_printf(out, "priority=%d", priority);
    }
    bool skip_type = false, skip_proto = false;
    const char *shorthand = shorthand_name(m, &skip_proto);
    if (shorthand) {
        put_sep(out, start);
        dstr_put(out, shorthand);
        skip_type = true;
    }
    static const char *const meta[] = {
        "reg0", "reg1", "reg2", "reg3", "reg4", "reg5", "reg6", "reg7",
        "pkt_mark", "tun_id", "tun_src", "tun_dst", "metadata", "in_port",
    };
    for (size_t i = 0; i < sizeof meta / sizeof *meta; i++) {
        format_field(m, meta[i], out, start);
    }
    format_vlan(m, out, start);
    format_field(m, "dl_src", out, start);
    format_field(m, "dl_dst", out, start);
    if (!skip_type) {
        format_field(m, "dl_type", out, start);
    }
    bool arp = is_type(m, ETH_TYPE_ARP) || is_type(m, ETH_TYPE_RARP);
    if (is_type(m, ETH_TYPE_IPV6)) {
        format_field(m, "ipv6_src", out, start);
        format_field(m, "ipv6_dst", out, start);
        format_field(m, "ipv6_label", out, start);
    } else if (arp) {
        format_field(m, "arp_spa", out, start);
        format_field(m, "arp_tpa", out, start);
    } else {
        format_field(m, "nw_src", out, start);
        format_field(m, "nw_dst", out, start);
    }
    if (arp) {
        format_field(m, "arp_op", out, start);
    } else if (!skip_proto) {
        format_field(m, "nw_proto", out, start);
    }
    if (m->mask.key.nw_tos & 0xfc) {     /* the DSCP bits, as a TOS byte */
        put_sep(out, start);
        dstr_printf(out, "nw_tos=%u", m->value.key.nw_tos & 0xfc);
    }
    if (m->mask.key.nw_tos & 0x03) {
        put_sep(out, start);
        dstr_printf(out, "nw_ecn=%u", m->value.key.nw_tos & 0x03);
    }
    format_field(m, "nw_ttl", out, start);
    format_field(m, "nw_frag", out, start);
    if (arp) {
        format_field(m, "arp_sha", out, start);
        format_field(m, "arp_tha", out, start);
    }
    bool icmp = skip_proto && (m->value.key.nw_proto == 1
                               || m->value.key.nw_proto == 58);
    if (icmp) {
        format_field(m, "icmp_type", out, start);
        format_field(m, "icmp_code", out, start);
        format_field(m, "nd_target", out, start);
    } else if (!arp) {
        format_field(m, "tp_src", out, start);
        format_field(m, "tp_dst", out, start);
    }
    format_field(m, "tcp_flags", out, start);
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

/* set_field as ovs-ofctl prints it over OpenFlow 1.0 + NXM: the classic
 * mod_* action when there is one, else a load. */
static void format_set_field(const struct ofpact *a, struct dstr *out)
{
    const struct mf_field *f = a->set.field;
    mf_value all = mf_width_mask(f);
    static const struct {
        const char *field, *action;
    } classic[] = {
        { "dl_src", "mod_dl_src" }, { "dl_dst", "mod_dl_dst" },
        { "nw_src", "mod_nw_src" }, { "nw_dst", "mod_nw_dst" },
        { "tp_src", "mod_tp_src" }, { "tp_dst", "mod_tp_dst" },
        { "tcp_src", "mod_tp_src" }, { "tcp_dst", "mod_tp_dst" },
        { "udp_src", "mod_tp_src" }, { "udp_dst", "mod_tp_dst" },
    };
    if (a->set.mask == all) {
        for (size_t i = 0; i < sizeof classic / sizeof *classic; i++) {
            if (!strcmp(f->name, classic[i].field)) {
                dstr_printf(out, "%s:", classic[i].action);
                mf_format_value(f, a->set.value, all, out);
                return;
            }
        }
    }
    /* A contiguous mask is a load of a bit range. */
    mf_value m = a->set.mask;
    unsigned ofs = 0, n = 0;
    while (ofs < f->n_bits && !((m >> ofs) & 1)) {
        ofs++;
    }
    while (ofs + n < f->n_bits && ((m >> (ofs + n)) & 1)) {
        n++;
    }
    mf_value rebuilt = n >= 128 ? ~(mf_value) 0
                                : ((((mf_value) 1) << n) - 1) << ofs;
    if (n && rebuilt == m) {
        dstr_put(out, "load:");
        format_hex128(a->set.value >> ofs, out);
        dstr_put(out, "->");
        format_subfield(f, ofs, n, out);
        return;
    }
    dstr_put(out, "set_field:");
    mf_format_value(f, a->set.value, a->set.mask, out);
    dstr_printf(out, "->%s", f->name);
}

static void format_port(uint32_t port, struct dstr *out)
{
    char s[16];
    ofp_port_format(port, s, sizeof s);
    dstr_put(out, s);
}

static void format_action(const struct ofpact *a, struct dstr *out)
{
    switch (a->type) {
    case OFPACT_OUTPUT:
        if (a->output.port >= OFPP_MAX) {
            format_port(a->output.port, out);
        } else {
            dstr_printf(out, "output:%" PRIu32, a->output.port);
        }
        break;
    case OFPACT_CONTROLLER:
        dstr_printf(out, "CONTROLLER:%u", a->output.max_len);
        break;
    case OFPACT_SET_VLAN_VID:
        dstr_printf(out, "mod_vlan_vid:%u", a->u16);
        break;
    case OFPACT_SET_VLAN_PCP:
        dstr_printf(out, "mod_vlan_pcp:%u", a->u8);
        break;
    case OFPACT_STRIP_VLAN:
        dstr_put(out, "strip_vlan");
        break;
    case OFPACT_PUSH_VLAN:
        dstr_printf(out, "push_vlan:0x%04x", a->u16);
        break;
    case OFPACT_SET_ETH_SRC:
    case OFPACT_SET_ETH_DST:
    case OFPACT_SET_IPV4_SRC:
    case OFPACT_SET_IPV4_DST:
        format_set_field(a, out);
        break;
    case OFPACT_SET_IP_TOS:
        dstr_printf(out, "mod_nw_tos:%u", a->u8);
        break;
    case OFPACT_SET_IP_TTL:
        dstr_printf(out, "mod_nw_ttl:%u", a->u8);
        break;
    case OFPACT_DEC_TTL:
        dstr_put(out, "dec_ttl");
        break;
    case OFPACT_SET_L4_SRC:
        dstr_printf(out, "mod_tp_src:%u", a->u16);
        break;
    case OFPACT_SET_L4_DST:
        dstr_printf(out, "mod_tp_dst:%u", a->u16);
        break;
    case OFPACT_SET_FIELD:
        format_set_field(a, out);
        break;
    case OFPACT_LOAD:
        dstr_put(out, "load:");
        format_hex128(a->load.value, out);
        dstr_put(out, "->");
        format_subfield(a->load.field, a->load.ofs, a->load.n_bits, out);
        break;
    case OFPACT_MOVE:
        dstr_put(out, "move:");
        format_subfield(a->move.src, a->move.src_ofs, a->move.n_bits, out);
        dstr_put(out, "->");
        format_subfield(a->move.dst, a->move.dst_ofs, a->move.n_bits, out);
        break;
    case OFPACT_SET_TUNNEL:
        dstr_printf(out, "%s:0x%" PRIx64,
                    a->u64 > UINT32_MAX ? "set_tunnel64" : "set_tunnel",
                    a->u64);
        break;
    case OFPACT_RESUBMIT:
        if (!a->resubmit.paren && a->resubmit.table == OFP_TABLE_ALL) {
            dstr_put(out, "resubmit:");
            format_port(a->resubmit.in_port, out);
            break;
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
        break;
    case OFPACT_GOTO_TABLE:
        dstr_printf(out, "goto_table:%u", a->u8);
        break;
    case OFPACT_NOTE: {
        size_t shown = note_padded_len(a->note.len);
        dstr_put(out, "note:");
        for (size_t i = 0; i < shown; i++) {
            dstr_printf(out, "%s%02x", i ? "." : "",
                        i < a->note.len ? a->note.data[i] : 0);
        }
        break;
    }
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
