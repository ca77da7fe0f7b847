/* libFuzzer harness for loading an existing store: the input bytes are
 * written to a file in /dev/shm that is then opened as the store, as
 * vswitchd and vs-vsctl open it.  The open either succeeds (then the
 * typed snapshot is read and a no-op transaction committed) or refuses
 * with a message; a refused file must be left byte for byte as it was.
 * A crash, a leak, a silent empty store or a changed refused file is a
 * finding.  Seeds (tests/fuzz/seeds/store_load/) are real stores with a
 * 512-byte page size, so that mutations reach the rows quickly. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/confdb.h"

static char dir[] = "/dev/shm/vs-fuzz-store-XXXXXX";
static char path[sizeof dir + 16];

/* Removes the store and the files SQLite keeps next to it. */
static void remove_files(void)
{
    const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < 4; i++) {
        char p[sizeof path + 16];
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        unlink(p);
    }
}

static void write_input(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f)) {
        perror("write store");
        abort();
    }
}

/* Aborts unless the file still holds exactly `data`. */
static void check_unchanged(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *now = malloc(size + 1);
    if (!f) {
        fprintf(stderr, "refused store was removed\n");
        abort();
    }
    size_t n = fread(now, 1, size + 1, f);
    fclose(f);
    if (n != size || memcmp(now, data, size)) {
        fprintf(stderr, "refused store was modified (%zu -> %zu bytes)\n",
                size, n);
        abort();
    }
    free(now);
}

static void at_exit(void)
{
    remove_files();
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void) argc, (void) argv;
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        abort();
    }
    snprintf(path, sizeof path, "%s/conf.db", dir);
    atexit(at_exit);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct confdb *db = NULL;
    char err[512] = "";

    if (size > 65536) {
        return 0;
    }
    remove_files();
    write_input(data, size);
    if (confdb_open(path, &db, err, sizeof err)) {
        if (db || !err[0]) {
            fprintf(stderr, "refusal without a message or with a handle\n");
            abort();
        }
        check_unchanged(data, size);
        return 0;
    }
    struct conf conf;
    char *error = NULL;
    if (!confdb_read_config(db, &conf)) {
        conf_free(&conf);
    }
    if (!confdb_begin(db, &error)) {
        if (!confdb_root(db)) {
            fprintf(stderr, "an opened store has no Open_vSwitch row\n");
            abort();
        }
        if (confdb_commit(db, true, &error)) {
            free(error);
        }
    } else {
        free(error);
    }
    confdb_close(db);
    return 0;
}
