/* The fixture the store's unit tests share: a fresh store in a temporary
 * directory per test, and vs-vsctl command lines run on it. */
#ifndef VS_TEST_DB_FIXTURE_H
#define VS_TEST_DB_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/confdb.h"
#include "db/vsctl.h"

struct fixture {
    char dir[64];
    char path[96];
    struct confdb *db;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char err[256];
    snprintf(f->dir, sizeof f->dir, "/tmp/test_db.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/conf.db", f->dir);
    assert_int_equal(confdb_open(f->path, &f->db, err, sizeof err), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    confdb_close(f->db);
    snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* Runs `argv` (NULL-terminated); returns status, *text = output or error. */
static int run_argv(struct confdb *db, char **argv, char **text)
{
    int argc = 0;
    while (argv[argc]) {
        argc++;
    }
    char *output = (char *) 1, *error = (char *) 1;
    int r = vsctl_run(db, argc, argv, &output, &error);
    if (r == 0) {
        assert_non_null(output);
        assert_null(error);
    } else if (r == -1) {
        assert_null(output);
        assert_non_null(error);
    } else {
        assert_int_equal(r, VSCTL_EXIT_NO_BRIDGE);
        assert_null(output);
        assert_null(error);
    }
    char *t = r == 0 ? output : error;
    if (text) {
        *text = t;
    } else {
        free(t);
    }
    return r;
}

/* Runs a space-separated command line. */
static int run(struct confdb *db, const char *line, char **text)
{
    char *copy = strdup(line), *save = NULL, *argv[64];
    int argc = 0;
    for (char *t = strtok_r(copy, " ", &save); t && argc < 63;
         t = strtok_r(NULL, " ", &save)) {
        argv[argc++] = t;
    }
    argv[argc] = NULL;
    int r = run_argv(db, argv, text);
    free(copy);
    return r;
}

#endif
