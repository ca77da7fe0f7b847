/* A growable NUL-terminated string for building command output. */
#ifndef VS_LIB_DSTR_H
#define VS_LIB_DSTR_H

#include <stddef.h>

struct dstr {
    char *s;        /* NULL until the first append */
    size_t len;
    size_t cap;
};

#define DSTR_INIT { NULL, 0, 0 }

/* Appends printf-style text (aborts on out of memory, like xmalloc). */
void dstr_printf(struct dstr *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void dstr_put(struct dstr *d, const char *s);
void dstr_putc(struct dstr *d, char c);

/* Appends `s` as a JSON string literal ("..." with escapes). */
void dstr_put_quoted(struct dstr *d, const char *s);

/* The text so far ("" when empty); stays owned by `d`. */
const char *dstr_str(const struct dstr *d);

/* Cuts the text back to `len` bytes. */
void dstr_truncate(struct dstr *d, size_t len);

/* Returns the text (malloc'd, "" when empty) and resets `d`. */
char *dstr_steal(struct dstr *d);
void dstr_free(struct dstr *d);

/* strdup that aborts on out of memory. */
char *xstrdup(const char *s);
/* malloc/calloc/realloc that abort on out of memory. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* A malloc'd printf. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
