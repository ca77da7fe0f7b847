/* Growable strings. */
#include "lib/dstr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void dstr_reserve(struct dstr *d, size_t extra)
{
    if (d->len + extra + 1 > d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 64;
        while (cap < d->len + extra + 1) {
            cap *= 2;
        }
        d->s = xrealloc(d->s, cap);
        d->cap = cap;
    }
}

static void dstr_vprintf(struct dstr *d, const char *fmt, va_list args)
{
    va_list copy;
    va_copy(copy, args);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) {
        return;
    }
    dstr_reserve(d, (size_t) n);
    vsnprintf(d->s + d->len, (size_t) n + 1, fmt, args);
    d->len += (size_t) n;
}

void dstr_printf(struct dstr *d, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    dstr_vprintf(d, fmt, args);
    va_end(args);
}

void dstr_put(struct dstr *d, const char *s)
{
    size_t n = strlen(s);
    dstr_reserve(d, n);
    memcpy(d->s + d->len, s, n + 1);
    d->len += n;
}

void dstr_putc(struct dstr *d, char c)
{
    dstr_reserve(d, 1);
    d->s[d->len++] = c;
    d->s[d->len] = '\0';
}

void dstr_put_quoted(struct dstr *d, const char *s)
{
    dstr_putc(d, '"');
    for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
        switch (*p) {
        case '"': dstr_put(d, "\\\""); break;
        case '\\': dstr_put(d, "\\\\"); break;
        case '\n': dstr_put(d, "\\n"); break;
        case '\t': dstr_put(d, "\\t"); break;
        case '\r': dstr_put(d, "\\r"); break;
        case '\b': dstr_put(d, "\\b"); break;
        case '\f': dstr_put(d, "\\f"); break;
        default:
            if (*p < 0x20) {
                dstr_printf(d, "\\u%04x", *p);
            } else {
                dstr_putc(d, (char) *p);
            }
        }
    }
    dstr_putc(d, '"');
}

char *dstr_steal(struct dstr *d)
{
    char *s = d->s ? d->s : xstrdup("");
    d->s = NULL;
    d->len = d->cap = 0;
    return s;
}

void dstr_free(struct dstr *d)
{
    free(d->s);
    d->s = NULL;
    d->len = d->cap = 0;
}

const char *dstr_str(const struct dstr *d)
{
    return d->s ? d->s : "";
}

void dstr_truncate(struct dstr *d, size_t len)
{
    if (d->s && len < d->len) {
        d->len = len;
        d->s[len] = '\0';
    }
}
