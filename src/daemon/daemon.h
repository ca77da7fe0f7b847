/* Process housekeeping for vswitchd: the pidfile and detaching into the
 * background. */
#ifndef VS_DAEMON_DAEMON_H
#define VS_DAEMON_DAEMON_H

/* Creates `path` holding our pid and keeps it locked (fcntl) while we run,
 * so a second daemon given the same pidfile refuses to start.  0, -EBUSY
 * (another live process holds it; its pid in *other_pid) or -errno. */
int daemon_pidfile_create(const char *path, long *other_pid);

/* Removes the pidfile created above (if any). */
void daemon_pidfile_remove(void);

/* Forks: the parent waits until the child calls daemon_detach_done() and
 * then exits 0 (exits 1 if the child dies first); the child starts a new
 * session.  Call before creating threads. */
void daemon_detach_start(void);

/* In the detached child: tells the parent start-up succeeded and points
 * stdin/stdout/stderr at /dev/null.  A no-op when not detached. */
void daemon_detach_done(void);

/* Creates `dir` and its missing parents with `mode`.  0 or -errno. */
int daemon_mkdir_p(const char *dir, unsigned mode);

#endif
