/* Helpers for the OpenFlow codec tests: hex in and out, comparing an
 * encoding with bytes captured from Debian's ovs-ofctl, and Debian's
 * `ovs-ofctl ofp-print` as the oracle of what OVS makes of our bytes.
 * Include after cmocka.h. */
#ifndef TEST_OFP_WIRE_H
#define TEST_OFP_WIRE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/dstr.h"
#include "ofp/ofp_actions.h"
#include "ofp/ofp_msgs.h"

/* An action list as ovs-ofctl prints it, into buf[size]. */
static inline void wire_acts_text(const struct ofpact *acts, size_t n,
                                  char *buf, size_t size)
{
    struct dstr s = DSTR_INIT;
    ofpacts_format(acts, n, &s);
    snprintf(buf, size, "%s", dstr_str(&s));
    dstr_free(&s);
}

/* Hex (spaces allowed) into a malloc'd buffer; *n its length. */
static inline uint8_t *wire_from_hex(const char *hex, size_t *n)
{
    size_t len = strlen(hex);
    uint8_t *p = malloc(len / 2 + 1);
    size_t k = 0;
    int hi = -1;
    for (size_t i = 0; i < len; i++) {
        char ch = hex[i];
        int v = ch >= '0' && ch <= '9' ? ch - '0'
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
        if (v < 0) {
            continue;
        }
        if (hi < 0) {
            hi = v;
        } else {
            p[k++] = (uint8_t) (hi << 4 | v);
            hi = -1;
        }
    }
    *n = k;
    return p;
}

/* Hex (spaces allowed) into `out`, which holds `max` bytes (the test fails
 * if the hex needs more); returns the length. */
static inline size_t wire_hex_into(const char *hex, uint8_t *out, size_t max)
{
    size_t n;
    uint8_t *p = wire_from_hex(hex, &n);
    if (n > max) {
        fprintf(stderr, "wire_hex_into: %zu bytes of hex for %zu\n", n, max);
        free(p);
        fail();
    }
    memcpy(out, p, n);
    free(p);
    return n;
}

/* Lowercase hex of `n` bytes, malloc'd. */
static inline char *wire_to_hex(const uint8_t *p, size_t n)
{
    char *s = malloc(n * 2 + 1);
    for (size_t i = 0; i < n; i++) {
        snprintf(s + 2 * i, 3, "%02x", p[i]);
    }
    s[n * 2] = '\0';
    return s;
}

/* Fails unless the `n` bytes at `p` are `hex`. */
#define assert_wire(P, N, HEX) wire_check((P), (N), (HEX), __FILE__, __LINE__)
static inline void wire_check(const uint8_t *p, size_t n, const char *hex,
                              const char *file, int line)
{
    char *got = wire_to_hex(p, n);
    size_t en;
    uint8_t *e = wire_from_hex(hex, &en);
    char *want = wire_to_hex(e, en);
    if (strcmp(got, want)) {
        fprintf(stderr, "%s:%d: bytes differ\n  got:  %s\n  want: %s\n",
                file, line, got, want);
        free(got);
        free(want);
        free(e);
        fail();
    }
    free(got);
    free(want);
    free(e);
}

/* Frames the bytes of `hex` (which the caller frees with *buf). */
static inline void wire_msg(const char *hex, struct ofp_msg *msg,
                            uint8_t **buf)
{
    size_t n;
    *buf = wire_from_hex(hex, &n);
    int r = ofp_msg_decode(*buf, n, msg);
    if (r) {
        fprintf(stderr, "ofp_msg_decode(%s): %s\n", hex,
                ofperr_name((enum ofperr) -r));
        fail();
    }
}

static inline void wire_msg_buf(const struct ofpbuf *b, size_t ofs,
                                struct ofp_msg *msg)
{
    int r = ofp_msg_decode(b->data + ofs, b->size - ofs, msg);
    if (r) {
        fprintf(stderr, "ofp_msg_decode: %s\n",
                ofperr_name((enum ofperr) -r));
        fail();
    }
}

#define OVS_OFCTL "/usr/bin/ovs-ofctl"

static inline bool have_ovs_ofctl(void)
{
    return access(OVS_OFCTL, X_OK) == 0;
}

/* What `ovs-ofctl ofp-print` prints for the bytes (malloc'd, trailing
 * newline removed); NULL when ovs-ofctl is not installed. */
static inline char *ovs_ofp_print(const uint8_t *p, size_t n)
{
    if (!have_ovs_ofctl()) {
        return NULL;
    }
    char *hex = wire_to_hex(p, n);
    size_t cl = strlen(hex) + 64;
    char *cmd = malloc(cl);
    snprintf(cmd, cl, OVS_OFCTL " ofp-print %s 2>&1", hex);
    free(hex);
    FILE *f = popen(cmd, "r");
    free(cmd);
    size_t cap = 4096, len = 0;
    char *out = malloc(cap);
    size_t r;
    while ((r = fread(out + len, 1, cap - len - 1, f)) > 0) {
        len += r;
        if (cap - len < 2) {
            cap *= 2;
            out = realloc(out, cap);
        }
    }
    pclose(f);
    while (len && out[len - 1] == '\n') {
        len--;
    }
    out[len] = '\0';
    return out;
}

/* Fails unless ovs-ofctl prints `expect` for the bytes (skipped without
 * ovs-ofctl). */
#define assert_ovs_prints(P, N, EXPECT)                                      \
    ovs_prints_check((P), (N), (EXPECT), __FILE__, __LINE__)
static inline void ovs_prints_check(const uint8_t *p, size_t n,
                                    const char *expect, const char *file,
                                    int line)
{
    char *got = ovs_ofp_print(p, n);
    if (!got) {
        return;
    }
    if (strcmp(got, expect)) {
        char *hex = wire_to_hex(p, n);
        fprintf(stderr, "%s:%d: ovs-ofctl ofp-print %s\n  printed:\n%s\n"
                "  expected:\n%s\n", file, line, hex, got, expect);
        free(hex);
        free(got);
        fail();
    }
    free(got);
}

/* Every prefix of the message (its length field cut to match) must be
 * refused or decoded without reading past it; `decode` is called on each
 * framed prefix and must not crash (ASan watches the reads). */
static inline void wire_truncations(const uint8_t *p, size_t n,
                                    void (*decode)(const struct ofp_msg *))
{
    for (size_t len = 8; len < n; len++) {
        uint8_t *q = malloc(len);
        memcpy(q, p, len);
        q[2] = (uint8_t) (len >> 8);
        q[3] = (uint8_t) len;
        struct ofp_msg msg;
        if (!ofp_msg_decode(q, len, &msg)) {
            decode(&msg);
        }
        free(q);
    }
}

#endif
