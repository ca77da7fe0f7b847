/* Growable string: see sbuf.h. */
#include "ofproto/sbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sbuf_reserve(struct sbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) {
        return;
    }
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1) {
        cap *= 2;
    }
    char *s = realloc(b->s, cap);
    if (!s) {
        abort();
    }
    b->s = s;
    b->cap = cap;
}

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) {
        return;
    }
    sbuf_reserve(b, (size_t) n);
    if ((size_t) n < sizeof tmp) {
        memcpy(b->s + b->len, tmp, (size_t) n + 1);
    } else {
        va_start(ap, fmt);
        vsnprintf(b->s + b->len, (size_t) n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t) n;
}

void sbuf_put(struct sbuf *b, const char *s)
{
    size_t n = strlen(s);
    sbuf_reserve(b, n);
    memcpy(b->s + b->len, s, n + 1);
    b->len += n;
}

void sbuf_putc(struct sbuf *b, char c)
{
    sbuf_reserve(b, 1);
    b->s[b->len++] = c;
    b->s[b->len] = '\0';
}

const char *sbuf_str(const struct sbuf *b)
{
    return b->s ? b->s : "";
}

void sbuf_truncate(struct sbuf *b, size_t len)
{
    if (b->s && len < b->len) {
        b->len = len;
        b->s[len] = '\0';
    }
}

void sbuf_free(struct sbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}
