/* The field table over struct xflow, and reading, writing, parsing and
 * printing field values. */
#include "ofp/xflow.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dp/net_headers.h"
#include "ofp/ofp_port.h"

static const struct mf_field fields[] = {
#define MF(ID, NAME, ALIAS, NXM_NAME, STORAGE, SHIFT, N_BITS, MASKABLE,     \
           WRITABLE, FORMAT, PREREQ, SHOW, NXM, OXM, SAMPLE)                 \
    { MFID_##ID, NAME, ALIAS, NXM_NAME, STORAGE, SHIFT, N_BITS, MASKABLE,    \
      WRITABLE, FORMAT, PREREQ, SHOW, NXM, OXM },
    MF_FIELDS
#undef MF
};

_Static_assert(sizeof fields / sizeof fields[0] == MF_N_FIELDS,
               "one mf_field per MF_FIELDS entry");

const struct mf_field *mf_all(size_t *n)
{
    *n = MF_N_FIELDS;
    return fields;
}

const struct mf_field *mf_by_id(enum mf_id id)
{
    return &fields[id];
}

const struct mf_field *mf_from_name(const char *name)
{
    for (size_t i = 0; i < MF_N_FIELDS; i++) {
        if (!strcmp(name, fields[i].name)
            || (fields[i].alias && !strcmp(name, fields[i].alias))) {
            return &fields[i];
        }
    }
    for (size_t i = 0; i < MF_N_FIELDS; i++) {
        if (!strcmp(name, fields[i].nxm_name)) {
            return &fields[i];
        }
    }
    return NULL;
}

const char *mf_prereq_text(enum mf_prereq p)
{
    static const char *const texts[] = {
#define MF_PREREQ(ID, TEXT, PROTO) [MFP_##ID] = TEXT,
        MF_PREREQS
#undef MF_PREREQ
    };
    return texts[p];
}

mf_value mf_width_mask(const struct mf_field *f)
{
    return f->n_bits >= 128 ? ~(mf_value) 0
                            : (((mf_value) 1) << f->n_bits) - 1;
}

/* The raw storage of a field as a number. */
static mf_value storage_get(const struct mf_field *f, const struct xflow *x)
{
    const uint8_t *p = (const uint8_t *) x + f->ofs;
    mf_value v = 0;
    if (f->host_order) {
        if (f->n_bytes == 8) {
            uint64_t u;
            memcpy(&u, p, 8);
            v = u;
        } else {
            uint32_t u;
            memcpy(&u, p, 4);
            v = u;
        }
        return v;
    }
    for (int i = 0; i < f->n_bytes; i++) {
        v = (v << 8) | p[i];
    }
    return v;
}

static void storage_set(const struct mf_field *f, struct xflow *x, mf_value v)
{
    uint8_t *p = (uint8_t *) x + f->ofs;
    if (f->host_order) {
        if (f->n_bytes == 8) {
            uint64_t u = (uint64_t) v;
            memcpy(p, &u, 8);
        } else {
            uint32_t u = (uint32_t) v;
            memcpy(p, &u, 4);
        }
        return;
    }
    for (int i = f->n_bytes - 1; i >= 0; i--) {
        p[i] = (uint8_t) v;
        v >>= 8;
    }
}

mf_value mf_get(const struct mf_field *f, const struct xflow *x)
{
    return (storage_get(f, x) >> f->shift) & mf_width_mask(f);
}

bool mf_is_zero(const struct mf_field *f, const struct xflow *x)
{
    const uint8_t *p = (const uint8_t *) x + f->ofs;
    uint8_t any = 0;
    for (int i = 0; i < f->n_bytes; i++) {
        any |= p[i];
    }
    /* Zero storage is a zero field; otherwise other bits sharing the
     * storage (a sub-byte field) may be the set ones. */
    return !any || !mf_get(f, x);
}

void mf_set_masked(const struct mf_field *f, struct xflow *x, mf_value value,
                   mf_value mask)
{
    mask &= mf_width_mask(f);
    mf_value st = storage_get(f, x);
    st = (st & ~(mask << f->shift)) | ((value & mask) << f->shift);
    storage_set(f, x, st);
}

/* ---- prerequisites ---- */

static bool type_is(uint16_t dl_type_be, uint16_t t)
{
    return dl_type_be == htons(t);
}

static bool is_arp(uint16_t t)
{
    return type_is(t, ETH_TYPE_ARP) || type_is(t, ETH_TYPE_RARP);
}

static bool prereq_eval(enum mf_prereq p, uint16_t dl_type, uint8_t proto)
{
    bool v4 = type_is(dl_type, ETH_TYPE_IP);
    bool v6 = type_is(dl_type, ETH_TYPE_IPV6);
    bool ip = v4 || v6;
    switch (p) {
    case MFP_NONE: return true;
    case MFP_ARP: return is_arp(dl_type);
    case MFP_IPV4: return v4;
    case MFP_IPV6: return v6;
    case MFP_IP_ANY: return ip;
    case MFP_IPV4_ARP: return v4 || is_arp(dl_type);
    case MFP_IP_ARP: return ip || is_arp(dl_type);
    case MFP_L4: return ip && (proto == IP_PROTO_TCP || proto == IP_PROTO_UDP
                               || proto == IP_PROTO_SCTP);
    case MFP_TCP: return ip && proto == IP_PROTO_TCP;
    case MFP_UDP: return ip && proto == IP_PROTO_UDP;
    case MFP_SCTP: return ip && proto == IP_PROTO_SCTP;
    case MFP_ICMPV4: return v4 && proto == IP_PROTO_ICMP;
    case MFP_ICMPV6: return v6 && proto == IP_PROTO_ICMPV6;
    }
    return false;
}

static bool prereq_needs_proto(enum mf_prereq p)
{
    static const bool needs_proto[] = {
#define MF_PREREQ(ID, TEXT, PROTO) [MFP_##ID] = PROTO,
        MF_PREREQS
#undef MF_PREREQ
    };
    return needs_proto[p];
}

bool mf_prereq_ok(enum mf_prereq prereq, const struct xflow *x,
                  struct xflow *wc)
{
    if (prereq == MFP_NONE) {
        return true;
    }
    if (wc) {
        wc->key.dl_type = 0xffff;
        if (prereq_needs_proto(prereq)) {
            wc->key.nw_proto = 0xff;
        }
    }
    return prereq_eval(prereq, x->key.dl_type, x->key.nw_proto);
}

bool mf_prereq_matched(enum mf_prereq prereq, const struct xflow *value,
                       const struct xflow *mask)
{
    if (prereq == MFP_NONE) {
        return true;
    }
    if (mask->key.dl_type != 0xffff) {
        return false;
    }
    if (prereq_needs_proto(prereq) && mask->key.nw_proto != 0xff) {
        return false;
    }
    return prereq_eval(prereq, value->key.dl_type, value->key.nw_proto);
}

/* ---- ports ---- */

static const struct {
    const char *name;
    uint32_t port;
} port_names[] = {
    { "IN_PORT", OFPP_IN_PORT }, { "TABLE", OFPP_TABLE },
    { "NORMAL", OFPP_NORMAL },   { "FLOOD", OFPP_FLOOD },
    { "ALL", OFPP_ALL },         { "CONTROLLER", OFPP_CONTROLLER },
    { "LOCAL", OFPP_LOCAL },     { "NONE", OFPP_NONE },
    { "ANY", OFPP_NONE },
};

static ofp_port_name_fn *port_name_fn;
static ofp_port_number_fn *port_number_fn;
static void *port_names_aux;

void ofp_port_set_names(ofp_port_name_fn *name, ofp_port_number_fn *number,
                        void *aux)
{
    port_name_fn = name;
    port_number_fn = number;
    port_names_aux = aux;
}

/* OVS's namemap rule: a letter, then letters and digits, needs no
 * quotes. */
static bool name_needs_quotes(const char *name)
{
    if (!isalpha((unsigned char) name[0])) {
        return true;
    }
    for (const char *p = name + 1; *p; p++) {
        if (!isalnum((unsigned char) *p)) {
            return true;
        }
    }
    return false;
}

void ofp_port_put(uint32_t port, struct dstr *out)
{
    for (size_t i = 0; i < sizeof port_names / sizeof port_names[0]; i++) {
        if (port_names[i].port == port) {
            dstr_put(out, port_names[i].name);
            return;
        }
    }
    const char *name = port_name_fn ? port_name_fn(port, port_names_aux)
                                    : NULL;
    if (!name) {
        dstr_printf(out, "%" PRIu32, port);
    } else if (name_needs_quotes(name)) {
        dstr_put_quoted(out, name);
    } else {
        dstr_put(out, name);
    }
}

void ofp_port_format(uint32_t port, char *buf, size_t size)
{
    struct dstr d = DSTR_INIT;
    ofp_port_put(port, &d);
    snprintf(buf, size, "%s", dstr_str(&d));
    dstr_free(&d);
}

bool ofp_port_parse(const char *s, uint32_t *port)
{
    for (size_t i = 0; i < sizeof port_names / sizeof port_names[0]; i++) {
        if (!strcasecmp(s, port_names[i].name)) {
            *port = port_names[i].port;
            return true;
        }
    }
    if (!*s || !isdigit((unsigned char) *s)) {
        return port_number_fn && *s
               && port_number_fn(s, port, port_names_aux);
    }
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno || *end || v >= 0x10000) {
        return false;
    }
    *port = (uint32_t) v;
    return true;
}

/* ---- parsing values ---- */

static int parse_uint(const char *s, const struct mf_field *f, mf_value *v,
                      char *err, size_t errlen)
{
    if (!*s || !isdigit((unsigned char) *s)) {
        snprintf(err, errlen, "%s: bad syntax for %s value", s, f->name);
        return -1;
    }
    char *end;
    errno = 0;
    unsigned long long u = strtoull(s, &end, 0);
    if (errno == ERANGE) {
        snprintf(err, errlen, "%s: value too large for %d-byte field %s", s,
                 (f->n_bits + 7) / 8, f->name);
        return -1;
    }
    if (*end) {
        snprintf(err, errlen, "%s: bad syntax for %s value", s, f->name);
        return -1;
    }
    if ((mf_value) u & ~mf_width_mask(f)) {
        snprintf(err, errlen, "%s: value too large for %d-byte field %s", s,
                 (f->n_bits + 7) / 8, f->name);
        return -1;
    }
    *v = u;
    return 0;
}

static bool parse_eth(const char *s, mf_value *v)
{
    unsigned int b[6];
    char extra;
    if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
               &b[4], &b[5], &extra) != 6) {
        return false;
    }
    *v = 0;
    for (int i = 0; i < 6; i++) {
        *v = (*v << 8) | b[i];
    }
    return true;
}

static bool parse_ipv4(const char *s, mf_value *v)
{
    struct in_addr a;
    if (inet_pton(AF_INET, s, &a) != 1) {
        return false;
    }
    *v = ntohl(a.s_addr);
    return true;
}

static bool parse_ipv6(const char *s, mf_value *v)
{
    uint8_t a[16];
    if (inet_pton(AF_INET6, s, a) != 1) {
        return false;
    }
    *v = 0;
    for (int i = 0; i < 16; i++) {
        *v = (*v << 8) | a[i];
    }
    return true;
}

static mf_value prefix_mask(int bits, int width)
{
    if (bits == 0) {
        return 0;
    }
    mf_value all = width >= 128 ? ~(mf_value) 0
                                : (((mf_value) 1) << width) - 1;
    return (all << (width - bits)) & all;
}

static const struct {
    const char *name;
    uint16_t bit;
} tcp_flag_names[] = {
    { "fin", 0x001 }, { "syn", 0x002 }, { "rst", 0x004 }, { "psh", 0x008 },
    { "ack", 0x010 }, { "urg", 0x020 }, { "ece", 0x040 }, { "cwr", 0x080 },
    { "ns", 0x100 },
};

static int parse_tcp_flags(const char *s, mf_value *v, mf_value *m,
                           char *err, size_t errlen)
{
    *v = *m = 0;
    const char *p = s;
    while (*p) {
        char sign = *p++;
        if (sign != '+' && sign != '-') {
            snprintf(err, errlen, "%s: TCP flag must be preceded by '+' "
                     "(for SET) or '-' (NOT SET)", s);
            return -1;
        }
        size_t n = strcspn(p, "+-");
        bool found = false;
        for (size_t i = 0; i < sizeof tcp_flag_names / sizeof *tcp_flag_names;
             i++) {
            if (strlen(tcp_flag_names[i].name) == n
                && !strncmp(p, tcp_flag_names[i].name, n)) {
                found = true;
                *m |= tcp_flag_names[i].bit;
                if (sign == '+') {
                    *v |= tcp_flag_names[i].bit;
                }
            }
        }
        if (!found) {
            snprintf(err, errlen, "%.*s: unknown TCP flag(s)", (int) n, p);
            return -1;
        }
        p += n;
    }
    return 0;
}

/* "syn|ack": the exact form mf_format_value prints (as OVS does). */
static int parse_tcp_flag_names(const char *s, mf_value *v, mf_value *m,
                                char *err, size_t errlen)
{
    *v = 0;
    *m = 0xfff;
    for (const char *p = s; *p; p += *p == '|') {
        size_t n = strcspn(p, "|");
        size_t i = 0;
        while (i < sizeof tcp_flag_names / sizeof *tcp_flag_names
               && (strlen(tcp_flag_names[i].name) != n
                   || strncmp(p, tcp_flag_names[i].name, n))) {
            i++;
        }
        if (i == sizeof tcp_flag_names / sizeof *tcp_flag_names) {
            snprintf(err, errlen, "%s: unknown TCP flag(s)", s);  /* OVS's */
            return -1;
        }
        *v |= tcp_flag_names[i].bit;
        p += n;
    }
    return 0;
}

static const char *const frag_names[] = { "no", "yes", "first", "later",
                                          "not_later" };
/* value, mask of each frag name */
static const uint8_t frag_vm[][2] = {
    { 0, 1 }, { 1, 1 }, { 1, 3 }, { 3, 3 }, { 0, 2 },
};

static int parse_frag(const char *s, mf_value *v, mf_value *m, char *err,
                      size_t errlen)
{
    for (size_t i = 0; i < 5; i++) {
        if (!strcmp(s, frag_names[i])) {
            *v = frag_vm[i][0];
            *m = frag_vm[i][1];
            return 0;
        }
    }
    snprintf(err, errlen, "%s: unknown fragment type (valid types are \"no\", "
             "\"yes\", \"first\", \"later\", \"not_later\"", s);
    return -1;
}

/* Parses one value (no mask) of `f`. */
static int parse_one(const struct mf_field *f, const char *s, mf_value *v,
                     char *err, size_t errlen)
{
    switch (f->format) {
    case MFF_ETH:
        if (!parse_eth(s, v)) {
            snprintf(err, errlen, "%s: invalid Ethernet address", s);
            return -1;
        }
        return 0;
    case MFF_IPV4:
        if (!parse_ipv4(s, v)) {
            snprintf(err, errlen, "%s: invalid IP address", s);
            return -1;
        }
        return 0;
    case MFF_IPV6:
        if (!parse_ipv6(s, v)) {
            snprintf(err, errlen, "%s: invalid IPv6 address", s);
            return -1;
        }
        return 0;
    case MFF_PORT: {
        uint32_t port;
        if (!ofp_port_parse(s, &port)) {
            snprintf(err, errlen, "%s: invalid or unknown port for %s", s,
                     f->name);
            return -1;
        }
        *v = port;
        return 0;
    }
    default:
        return parse_uint(s, f, v, err, errlen);
    }
}

int mf_parse_value(const struct mf_field *f, const char *s, mf_value *value,
                   mf_value *mask, char *err, size_t errlen)
{
    if (f->format == MFF_TCP_FLAGS && (*s == '+' || *s == '-')) {
        return parse_tcp_flags(s, value, mask, err, errlen);
    }
    if (f->format == MFF_TCP_FLAGS && isalpha((unsigned char) *s)) {
        return parse_tcp_flag_names(s, value, mask, err, errlen);
    }
    if (f->format == MFF_FRAG) {
        return parse_frag(s, value, mask, err, errlen);
    }
    char buf[128];
    if (strlen(s) >= sizeof buf) {
        snprintf(err, errlen, "%.40s...: value too long for %s", s, f->name);
        return -1;
    }
    strcpy(buf, s);
    char *slash = strchr(buf, '/');
    if (slash) {
        *slash = '\0';
    }
    if (parse_one(f, buf, value, err, errlen)) {
        return -1;
    }
    *mask = mf_width_mask(f);
    if (!slash) {
        return 0;
    }
    if (!f->maskable) {
        snprintf(err, errlen, "%s: field %s does not support masking", s,
                 f->name);
        return -1;
    }
    const char *ms = slash + 1;
    bool is_prefix = *ms && strspn(ms, "0123456789") == strlen(ms);
    if ((f->format == MFF_IPV4 || f->format == MFF_IPV6) && is_prefix) {
        int bits = atoi(ms);
        if (strlen(ms) > 3 || bits > f->n_bits) {
            snprintf(err, errlen, "%s: %s network prefix bits not between 0 "
                     "and %d, inclusive", s,
                     f->format == MFF_IPV4 ? "IPv4" : "IPv6", f->n_bits);
            return -1;
        }
        *mask = prefix_mask(bits, f->n_bits);
    } else if (parse_one(f, ms, mask, err, errlen)) {
        return -1;
    }
    *value &= *mask;
    return 0;
}

/* ---- printing values ---- */

static void format_plain(const struct mf_field *f, mf_value v,
                         struct dstr *out)
{
    switch (f->format) {
    case MFF_ETH:
        dstr_printf(out, "%02x:%02x:%02x:%02x:%02x:%02x",
                    (unsigned) (v >> 40) & 0xff, (unsigned) (v >> 32) & 0xff,
                    (unsigned) (v >> 24) & 0xff, (unsigned) (v >> 16) & 0xff,
                    (unsigned) (v >> 8) & 0xff, (unsigned) v & 0xff);
        return;
    case MFF_IPV4:
        dstr_printf(out, "%u.%u.%u.%u", (unsigned) (v >> 24) & 0xff,
                    (unsigned) (v >> 16) & 0xff, (unsigned) (v >> 8) & 0xff,
                    (unsigned) v & 0xff);
        return;
    case MFF_IPV6: {
        uint8_t a[16];
        char s[INET6_ADDRSTRLEN];
        for (int i = 15; i >= 0; i--) {
            a[i] = (uint8_t) v;
            v >>= 8;
        }
        inet_ntop(AF_INET6, a, s, sizeof s);
        dstr_put(out, s);
        return;
    }
    case MFF_PORT:
        ofp_port_put((uint32_t) v, out);
        return;
    case MFF_HEX:
    case MFF_TCP_FLAGS:
        if (v >> 64) {
            dstr_printf(out, "0x%" PRIx64 "%016" PRIx64, (uint64_t) (v >> 64),
                        (uint64_t) v);
        } else {
            dstr_printf(out, "0x%" PRIx64, (uint64_t) v);
        }
        return;
    default:
        dstr_printf(out, "%" PRIu64, (uint64_t) v);
        return;
    }
}

/* Number of leading one bits when `m` is a CIDR prefix of `width`, else
 * -1. */
static int mask_prefix_len(mf_value m, int width)
{
    for (int bits = 0; bits <= width; bits++) {
        if (prefix_mask(bits, width) == m) {
            return bits;
        }
    }
    return -1;
}

static void format_tcp_flags(mf_value v, mf_value m, struct dstr *out)
{
    /* OVS prints "+syn-ack" when every matched bit has a name. */
    if (m & ~(mf_value) 0x1ff) {
        dstr_printf(out, "0x%03x/0x%03x", (unsigned) v, (unsigned) m);
        return;
    }
    for (size_t i = 0; i < sizeof tcp_flag_names / sizeof *tcp_flag_names;
         i++) {
        if (m & tcp_flag_names[i].bit) {
            dstr_printf(out, "%c%s", v & tcp_flag_names[i].bit ? '+' : '-',
                        tcp_flag_names[i].name);
        }
    }
}

void mf_format_value(const struct mf_field *f, mf_value value, mf_value mask,
                     struct dstr *out)
{
    mf_value all = mf_width_mask(f);
    if (f->format == MFF_FRAG) {
        if (mask == 3) {
            dstr_put(out, value == 0 ? "no" : value == 1 ? "first"
                          : value == 3 ? "later" : "yes");
        } else if (mask == 1) {
            dstr_put(out, value ? "yes" : "no");
        } else if (mask == 2) {
            dstr_put(out, value ? "later" : "not_later");
        }
        return;
    }
    if (f->format == MFF_TCP_FLAGS && mask != all) {
        format_tcp_flags(value, mask, out);
        return;
    }
    if (f->format == MFF_TCP_FLAGS) {      /* exact: "0" or "syn|ack" */
        if (!value) {
            dstr_putc(out, '0');
        }
        bool first = true;
        for (size_t i = 0; i < sizeof tcp_flag_names / sizeof *tcp_flag_names;
             i++) {
            if (value & tcp_flag_names[i].bit) {
                dstr_printf(out, "%s%s", first ? "" : "|",
                            tcp_flag_names[i].name);
                first = false;
            }
        }
        return;
    }
    if (f->format == MFF_DEC && mask != all) {
        dstr_printf(out, "0x%" PRIx64 "/0x%" PRIx64, (uint64_t) value,
                    (uint64_t) mask);   /* OVS prints masked numbers in hex */
        return;
    }
    format_plain(f, value, out);
    if (mask == all) {
        return;
    }
    int prefix = mask_prefix_len(mask, f->n_bits);
    if ((f->format == MFF_IPV4 || f->format == MFF_IPV6) && prefix >= 0) {
        dstr_printf(out, "/%d", prefix);
    } else {
        dstr_putc(out, '/');
        format_plain(f, mask, out);
    }
}

/* ---- whole-xflow helpers ---- */

void xflow_or(struct xflow *dst, const struct xflow *src)
{
    uint64_t *d = (uint64_t *) dst;
    const uint64_t *s = (const uint64_t *) src;
    for (size_t i = 0; i < sizeof *dst / 8; i++) {
        d[i] |= s[i];
    }
}

bool xflow_equal_masked(const struct xflow *a, const struct xflow *b,
                        const struct xflow *mask)
{
    const uint64_t *pa = (const uint64_t *) a, *pb = (const uint64_t *) b;
    const uint64_t *pm = (const uint64_t *) mask;
    for (size_t i = 0; i < sizeof *a / 8; i++) {
        if ((pa[i] ^ pb[i]) & pm[i]) {
            return false;
        }
    }
    return true;
}

bool xflow_is_zero(const struct xflow *x)
{
    const uint64_t *p = (const uint64_t *) x;
    for (size_t i = 0; i < sizeof *x / 8; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}
