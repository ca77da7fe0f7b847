/* A growable NUL-terminated string for the slow path's printed output
 * (flows, traces, tables).  Aborts on out of memory, like xmalloc. */
#ifndef VS_OFPROTO_SBUF_H
#define VS_OFPROTO_SBUF_H

#include <stddef.h>

struct sbuf {
    char *s;      /* NULL until the first append */
    size_t len;
    size_t cap;
};

#define SBUF_INIT { NULL, 0, 0 }

void sbuf_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void sbuf_put(struct sbuf *b, const char *s);
void sbuf_putc(struct sbuf *b, char c);

/* The text so far ("" when empty); stays owned by `b`. */
const char *sbuf_str(const struct sbuf *b);

/* Cuts the text back to `len` bytes. */
void sbuf_truncate(struct sbuf *b, size_t len);

void sbuf_free(struct sbuf *b);

#endif
