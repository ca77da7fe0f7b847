/* Pidfile and detach for vswitchd. */
#include "daemon/daemon.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/util.h"

static char *pidfile_path;
static int pidfile_fd = -1;
static int detach_pipe = -1;   /* the child's end, until detach_done */

/* The pid held in the lock on `fd`, or 0 when nobody else holds it. */
static long lock_holder(int fd)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    if (fcntl(fd, F_GETLK, &fl) < 0 || fl.l_type == F_UNLCK) {
        return 0;
    }
    return fl.l_pid;
}

int daemon_pidfile_create(const char *path, long *other_pid)
{
    *other_pid = 0;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        return -errno;
    }
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    if (fcntl(fd, F_SETLK, &fl) < 0) {
        int error = errno;
        *other_pid = lock_holder(fd);
        close(fd);
        return error == EAGAIN || error == EACCES ? -EBUSY : -error;
    }
    char text[32];
    int len = snprintf(text, sizeof text, "%ld\n", (long) getpid());
    if (ftruncate(fd, 0) < 0 || write(fd, text, (size_t) len) != len) {
        int error = errno ? errno : EIO;
        close(fd);
        return -error;
    }
    free(pidfile_path);
    pidfile_path = xstrdup(path);
    pidfile_fd = fd;
    return 0;
}

void daemon_pidfile_remove(void)
{
    if (pidfile_path) {
        unlink(pidfile_path);
        free(pidfile_path);
        pidfile_path = NULL;
    }
    if (pidfile_fd >= 0) {
        close(pidfile_fd);
        pidfile_fd = -1;
    }
}

void daemon_detach_start(void)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        perror("vswitchd: pipe");
        exit(1);
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("vswitchd: fork");
        exit(1);
    }
    if (pid > 0) {
        /* Parent: succeed only once the child says it is serving. */
        close(fds[1]);
        char byte;
        ssize_t n;
        do {
            n = read(fds[0], &byte, 1);
        } while (n < 0 && errno == EINTR);
        if (n == 1) {
            _exit(0);
        }
        int status;
        waitpid(pid, &status, 0);
        _exit(WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status)
                                                      : 1);
    }
    close(fds[0]);
    detach_pipe = fds[1];
    setsid();
}

void daemon_detach_done(void)
{
    if (detach_pipe < 0) {
        return;
    }
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        if (null > STDERR_FILENO) {
            close(null);
        }
    }
    if (chdir("/") < 0) {
        /* Staying where we are is harmless. */
    }
    ssize_t n;
    do {
        n = write(detach_pipe, "", 1);
    } while (n < 0 && errno == EINTR);
    close(detach_pipe);
    detach_pipe = -1;
}

int daemon_mkdir_p(const char *dir, unsigned mode)
{
    char *copy = xstrdup(dir);
    int error = 0;
    for (char *p = copy + 1; ; p++) {
        if (*p == '/' || *p == '\0') {
            char saved = *p;
            *p = '\0';
            if (mkdir(copy, mode) < 0 && errno != EEXIST) {
                error = -errno;
                break;
            }
            *p = saved;
            if (!saved) {
                break;
            }
        }
    }
    free(copy);
    return error;
}
