/* Logging: modules with a level each, lines with time, module and level (as
 * OVS's "2026-11-25T10:00:00.123Z|00001|datapath|WARN|..."), and rate limits
 * for messages a packet can trigger. */
#ifndef VS_LIB_VLOG_H
#define VS_LIB_VLOG_H

#include <stdbool.h>
#include <stdint.h>

enum vlog_level { VLL_OFF, VLL_EMER, VLL_ERR, VLL_WARN, VLL_INFO, VLL_DBG };

struct vlog_module {
    const char *name;
    enum vlog_level level;      /* messages above it are dropped */
    struct vlog_module *next;
};

/* Defines this file's module `name` and registers it before main(). */
#define VLOG_DEFINE_THIS_MODULE(NAME)                                        \
    static struct vlog_module this_module = { #NAME, VLL_INFO, 0 };         \
    __attribute__((constructor)) static void vlog_init_##NAME(void)         \
    {                                                                        \
        vlog_register(&this_module);                                         \
    }

void vlog_register(struct vlog_module *m);

/* Writes one line if `m` lets `level` through. */
void vlog(const struct vlog_module *m, enum vlog_level level, const char *fmt,
          ...) __attribute__((format(printf, 3, 4)));

/* At most `burst` messages, refilled at `per_min` a minute. */
struct vlog_rate_limit {
    unsigned per_min, burst;
    double tokens;
    uint64_t last_ms;
    unsigned suppressed;
};
#define VLOG_RATE_LIMIT_INIT(PER_MIN, BURST) { PER_MIN, BURST, BURST, 0, 0 }

/* True when the message may be logged now (thread-safe). */
bool vlog_rate_limit_ok(struct vlog_rate_limit *rl);

#define VLOG_ERR(...) vlog(&this_module, VLL_ERR, __VA_ARGS__)
#define VLOG_WARN(...) vlog(&this_module, VLL_WARN, __VA_ARGS__)
#define VLOG_INFO(...) vlog(&this_module, VLL_INFO, __VA_ARGS__)
#define VLOG_DBG(...) vlog(&this_module, VLL_DBG, __VA_ARGS__)
#define VLOG_RL(RL, LEVEL, ...)                                              \
    do {                                                                     \
        if (this_module.level >= (LEVEL) && vlog_rate_limit_ok(RL)) {        \
            vlog(&this_module, LEVEL, __VA_ARGS__);                          \
        }                                                                    \
    } while (0)
#define VLOG_WARN_RL(RL, ...) VLOG_RL(RL, VLL_WARN, __VA_ARGS__)
#define VLOG_ERR_RL(RL, ...) VLOG_RL(RL, VLL_ERR, __VA_ARGS__)
#define VLOG_INFO_RL(RL, ...) VLOG_RL(RL, VLL_INFO, __VA_ARGS__)

/* Sends log lines to `path` (NULL: stderr only).  0 or -errno. */
int vlog_set_file(const char *path);

/* Reopens the log file (after rotation). */
void vlog_reopen(void);

/* Applies a vlog/set spec: words in any order ("module:level", "level",
 * "ANY:console:dbg"), at most one module (or ANY), destination and level;
 * the level is required.  0, or -1 (nothing changed) for an unknown word. */
int vlog_set_spec(const char *spec);

/* Formats the module list as `vlog/list` prints it into buf. */
int vlog_list(char *buf, int size);

/* The name of a level ("warn"), and the level of a name (-1 if none). */
const char *vlog_level_name(enum vlog_level l);
int vlog_level_from_name(const char *name);

/* Counts of lines logged per level (for tests). */
uint64_t vlog_count(enum vlog_level l);

#endif
