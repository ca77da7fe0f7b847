/* Allocation and error-reporting conventions shared by every layer.
 *
 * Allocation policy: the control path (configuration, the store, the slow
 * path, commands, tools) allocates through the x* functions below, which
 * never return NULL: on out-of-memory they print one line to stderr and
 * abort().  A switch that cannot allocate for its control path has no
 * sensible way to recover (a half-applied configuration or a rule table
 * missing a rule is worse than a restart by the supervisor), so callers do
 * not check for NULL.  The fast path (a packet's way through the datapath)
 * does not allocate per packet: its buffers, pools and tables are sized up
 * front and allocated through x* when a port or flow is created, on the
 * control thread, or once when a forwarding thread first runs a datapath
 * (its state and exact-match cache).  The one exception is a buffer the
 * packet's way grows on demand for a frame larger than any before it (the
 * re-entry scratch of actions.c, the upcall slots, the pcap and memory
 * ports' slots): it uses plain malloc/realloc, since there the answer to
 * no memory is to drop that one frame under DP_DROP_NO_MEMORY (or count
 * the upcall lost) and go on; each such place says so.
 *
 * Error convention:
 *  - A function that can fail returns 0 on success and a negative errno
 *    value (-EINVAL, -ENOMEM, ...) on failure, or -1 where no errno fits
 *    (a parse error); or NULL for a constructor.  It never sets errno for
 *    its caller.
 *  - When the caller needs to know why, the function also writes one line
 *    of text into a caller's buffer `char *err, size_t errlen` (always
 *    NUL-terminated when errlen > 0; untouched on success), or, where the
 *    text has no useful bound (the store, vs-vsctl), into a malloc'd
 *    `char **err` the caller frees.
 *  - The text is worded as OVS words it: it names its subject first
 *    ("br0: ...", "patch port p0: ..."), starts in lower case, has no final
 *    period, says "could not <verb> ..." for an operation that failed and
 *    appends the errno text in parentheses ("could not open network device
 *    eth9 (No such device)").  Messages copied verbatim from OVS tools keep
 *    OVS's spelling, capitals included ("Trailing garbage in packet data"),
 *    since users and tests compare them.
 *  - Log lines (VLOG_*) follow the same wording; a function that fills
 *    `err` does not also log it: the caller decides. */
#ifndef VS_LIB_UTIL_H
#define VS_LIB_UTIL_H

#include <stdarg.h>
#include <stddef.h>

/* malloc(n) (n 0 is taken as 1, so the result is never NULL). */
void *xmalloc(size_t n);

/* calloc(n, size): zeroed, never NULL. */
void *xcalloc(size_t n, size_t size);

/* realloc(p, n) (n 0 is taken as 1); never NULL. */
void *xrealloc(void *p, size_t n);

/* `n` bytes aligned to `align` (a power of two, a multiple of
 * sizeof(void *)); free() them.  Never NULL. */
void *xmemalign(size_t align, size_t n);

/* A malloc'd copy of `s` (which must not be NULL). */
char *xstrdup(const char *s);

/* A malloc'd copy of the `n` bytes at `p` (n may be 0). */
void *xmemdup(const void *p, size_t n);

/* A malloc'd copy of at most `n` bytes of `s`, NUL-terminated. */
char *xstrndup(const char *s, size_t n);

/* printf into a malloc'd string of the right size. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list args)
    __attribute__((format(printf, 1, 0)));

/* Fills `buf` with `n` bytes from the kernel's random pool (getrandom,
 * retried on EINTR and short reads).  Returns 0, or a negative errno when
 * the kernel gives none (pre-3.17 kernel, seccomp): the caller decides. */
int random_bytes(void *buf, size_t n);

/* Prints "out of memory" to stderr and aborts; the x* functions call it. */
void out_of_memory(void) __attribute__((noreturn));

#endif
