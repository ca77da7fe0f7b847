/* The x* allocators: abort on out-of-memory (the policy is in util.h). */
#include "lib/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

void out_of_memory(void)
{
    /* No vlog here: logging may itself allocate. */
    fputs("vswitch: out of memory\n", stderr);
    abort();
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *xmemdup(const void *p, size_t n)
{
    void *q = xmalloc(n ? n : 1);
    if (n) {
        memcpy(q, p, n);
    }
    return q;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *xmemalign(size_t align, size_t n)
{
    void *p;
    if (posix_memalign(&p, align, n ? n : 1)) {
        out_of_memory();
    }
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *copy = xmalloc(len + 1);
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *xvasprintf(const char *fmt, va_list args)
{
    va_list copy;
    va_copy(copy, args);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0) {
        return xstrdup("");   /* a bad format: nothing sensible to print */
    }
    char *s = xmalloc((size_t) n + 1);
    vsnprintf(s, (size_t) n + 1, fmt, args);
    return s;
}

char *xasprintf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    char *s = xvasprintf(fmt, args);
    va_end(args);
    return s;
}

int random_bytes(void *buf, size_t n)
{
    uint8_t *b = buf;
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(b + got, n - got, 0);
        if (r > 0) {
            got += (size_t) r;
        } else if (errno != EINTR) {
            return -errno;
        }
    }
    return 0;
}
