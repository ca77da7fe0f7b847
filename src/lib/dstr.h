/* A growable NUL-terminated string: the one the tree uses to build command
 * output, signatures and messages of unknown length.  Appends never fail
 * (they abort on out of memory, as the x* allocators of util.h). */
#ifndef VS_LIB_DSTR_H
#define VS_LIB_DSTR_H

#include <stddef.h>

#include "lib/util.h"   /* the x* allocators its users also want */

struct dstr {
    char *s;        /* NULL until the first append */
    size_t len;
    size_t cap;
};

#define DSTR_INIT { NULL, 0, 0 }

/* Appends printf-style text. */
void dstr_printf(struct dstr *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Appends the string `s`. */
void dstr_put(struct dstr *d, const char *s);
/* Appends one character. */
void dstr_putc(struct dstr *d, char c);

/* Appends `s` as a JSON string literal ("..." with escapes). */
void dstr_put_quoted(struct dstr *d, const char *s);

/* The text so far ("" when empty); stays owned by `d`. */
const char *dstr_str(const struct dstr *d);

/* Cuts the text back to `len` bytes. */
void dstr_truncate(struct dstr *d, size_t len);

/* Returns the text (malloc'd, "" when empty) and resets `d`. */
char *dstr_steal(struct dstr *d);
/* Frees the text and resets `d` to empty. */
void dstr_free(struct dstr *d);

#endif
