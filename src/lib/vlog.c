/* Logging.  Lines go to stderr and, when set, to a log file. */
#include "lib/vlog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lib/util.h"

static pthread_mutex_t vlog_mutex = PTHREAD_MUTEX_INITIALIZER;
static struct vlog_module *modules;
static FILE *log_file;
static char *log_path;
static uint64_t seq;
static uint64_t counts[VLL_DBG + 1];
static bool to_stderr = true;

static const char *const level_names[] = {
    "off", "emer", "err", "warn", "info", "dbg",
};

void vlog_register(struct vlog_module *m)
{
    pthread_mutex_lock(&vlog_mutex);
    m->next = modules;
    modules = m;
    pthread_mutex_unlock(&vlog_mutex);
}

const char *vlog_level_name(enum vlog_level l)
{
    return l <= VLL_DBG ? level_names[l] : "?";
}

int vlog_level_from_name(const char *name)
{
    for (int i = 0; i <= VLL_DBG; i++) {
        if (!strcasecmp(name, level_names[i])) {
            return i;
        }
    }
    if (!strcasecmp(name, "debug")) {
        return VLL_DBG;
    }
    if (!strcasecmp(name, "error")) {
        return VLL_ERR;
    }
    if (!strcasecmp(name, "warning")) {
        return VLL_WARN;
    }
    return -1;
}

void vlog(const struct vlog_module *m, enum vlog_level level, const char *fmt,
          ...)
{
    if (level > m->level || level == VLL_OFF) {
        return;
    }
    char msg[1024];
    va_list args;
    va_start(args, fmt);
    vsnprintf(msg, sizeof msg, fmt, args);
    va_end(args);

    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);

    pthread_mutex_lock(&vlog_mutex);
    counts[level]++;
    char upper[8];
    snprintf(upper, sizeof upper, "%s", level_names[level]);
    for (char *p = upper; *p; p++) {
        *p = (char)(*p - ('a' - 'A'));
    }
    const char *fmtline = "%s.%03ldZ|%05llu|%s|%s|%s\n";
    seq++;
    if (to_stderr) {
        fprintf(stderr, fmtline, stamp, (long)(tv.tv_usec / 1000),
                (unsigned long long)seq, m->name, upper, msg);
    }
    if (log_file) {
        fprintf(log_file, fmtline, stamp, (long)(tv.tv_usec / 1000),
                (unsigned long long)seq, m->name, upper, msg);
        fflush(log_file);
    }
    pthread_mutex_unlock(&vlog_mutex);
}

uint64_t vlog_count(enum vlog_level l)
{
    pthread_mutex_lock(&vlog_mutex);
    uint64_t n = l <= VLL_DBG ? counts[l] : 0;
    pthread_mutex_unlock(&vlog_mutex);
    return n;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

bool vlog_rate_limit_ok(struct vlog_rate_limit *rl)
{
    bool ok;
    pthread_mutex_lock(&vlog_mutex);
    uint64_t now = now_ms();
    if (rl->last_ms) {
        rl->tokens += (double)(now - rl->last_ms) * rl->per_min / 60000.0;
        if (rl->tokens > rl->burst) {
            rl->tokens = rl->burst;
        }
    }
    rl->last_ms = now;
    ok = rl->tokens >= 1.0;
    if (ok) {
        rl->tokens -= 1.0;
    } else {
        rl->suppressed++;
    }
    pthread_mutex_unlock(&vlog_mutex);
    return ok;
}

/* Opens `path` for appending, creating it 0640 whatever the umask (a
 * root daemon's log is for its admin group, not for every user).  An
 * existing file keeps its mode, as OVS keeps it: the admin may have chosen
 * it. */
static FILE *open_log(const char *path)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC,
                  0640);
    if (fd >= 0) {
        fchmod(fd, 0640);        /* ours: the umask does not decide */
    } else if (errno == EEXIST) {
        fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
    }
    if (fd < 0) {
        return NULL;
    }
    FILE *f = fdopen(fd, "a");
    if (!f) {
        close(fd);
    }
    return f;
}

int vlog_set_file(const char *path)
{
    FILE *f = NULL;
    if (path) {
        f = open_log(path);
        if (!f) {
            return -errno;
        }
    }
    pthread_mutex_lock(&vlog_mutex);
    if (log_file) {
        fclose(log_file);
    }
    log_file = f;
    free(log_path);
    log_path = path ? xstrdup(path) : NULL;
    pthread_mutex_unlock(&vlog_mutex);
    return 0;
}

void vlog_reopen(void)
{
    pthread_mutex_lock(&vlog_mutex);
    if (log_path) {
        FILE *f = open_log(log_path);
        if (f) {
            if (log_file) {
                fclose(log_file);
            }
            log_file = f;
        }
    }
    pthread_mutex_unlock(&vlog_mutex);
}

static bool is_destination(const char *word)
{
    return !strcasecmp(word, "console") || !strcasecmp(word, "file")
           || !strcasecmp(word, "syslog");
}

static struct vlog_module *module_find(const char *name)
{
    for (struct vlog_module *m = modules; m; m = m->next) {
        if (!strcmp(name, m->name)) {
            return m;
        }
    }
    return NULL;
}

/* Words of a spec, in any order, separated by ':' (or ' ', ',', tab as
 * OVS allows): at most one module ("ANY" names them all), one destination
 * (accepted, since one level serves every destination here) and one
 * level, which is required.  The whole spec is parsed, however long: a
 * bounded copy would cut off the end and could turn a bad spec into a
 * valid one. */
int vlog_set_spec(const char *spec)
{
    char *copy = xstrdup(spec);
    char *save = NULL;
    int level = -1;
    bool any_module = false, destination = false, ok = true;
    struct vlog_module *module = NULL;
    pthread_mutex_lock(&vlog_mutex);
    for (char *word = strtok_r(copy, ": ,\t", &save); word && ok;
         word = strtok_r(NULL, ": ,\t", &save)) {
        struct vlog_module *m;
        if (!strcasecmp(word, "ANY")) {
            ok = !any_module && !module;
            any_module = true;
        } else if (is_destination(word)) {
            ok = !destination;
            destination = true;
        } else if (vlog_level_from_name(word) >= 0) {
            ok = level < 0;
            level = vlog_level_from_name(word);
        } else if ((m = module_find(word)) != NULL) {
            ok = !module && !any_module;
            module = m;
        } else {
            ok = false;
        }
    }
    ok = ok && level >= 0;
    for (struct vlog_module *m = modules; ok && m; m = m->next) {
        if (!module || m == module) {
            m->level = (enum vlog_level) level;
        }
    }
    pthread_mutex_unlock(&vlog_mutex);
    free(copy);
    return ok ? 0 : -1;
}

int vlog_list(char *buf, int size)
{
    int n = snprintf(buf, (size_t)size, "%-16s %s\n", "", "console    file");
    pthread_mutex_lock(&vlog_mutex);
    for (struct vlog_module *m = modules; m && n < size; m = m->next) {
        n += snprintf(buf + n, (size_t)(size - n), "%-16s %-10s %s\n",
                      m->name, level_names[m->level],
                      log_file ? level_names[m->level] : "off");
    }
    pthread_mutex_unlock(&vlog_mutex);
    return n;
}
