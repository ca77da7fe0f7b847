/* libFuzzer harness for vs-vsctl command lines: the input, split at
 * whitespace into argv, runs through vsctl_run on a scratch store in
 * /dev/shm.  Every run starts from the same store (a copy of a template
 * holding two bridges, ports, trunks, external_ids and an internal
 * interface) so that a crash reproduces from its input alone.  A clear
 * error or output is fine, a crash or leak is not; each run sets exactly
 * what vsctl.h promises. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/confdb.h"
#include "db/vsctl.h"

#define MAX_ARGS 64

static char dir[] = "/dev/shm/vs-fuzz-vsctl-XXXXXX";
static char path[sizeof dir + 16], template[sizeof dir + 16];
static struct confdb *db;

/* Removes the store at `base` and the files sqlite keeps next to it. */
static void remove_files(const char *base)
{
    const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
    for (size_t i = 0; i < 4; i++) {
        char p[sizeof path + 16];
        snprintf(p, sizeof p, "%s%s", base, suffixes[i]);
        unlink(p);
    }
}

static void open_store(void)
{
    char err[256];
    if (confdb_open(path, &db, err, sizeof err)) {
        fprintf(stderr, "confdb_open %s: %s\n", path, err);
        abort();
    }
}

static void close_store(void)
{
    confdb_close(db);
    db = NULL;
}

/* Copies `from_base`+`suffix` to `to_base`+`suffix` if it exists: the store
 * keeps its write-ahead log in a persistent "-wal" file. */
static void copy_file(const char *from_base, const char *to_base,
                      const char *suffix)
{
    char from[sizeof path + 16], to[sizeof path + 16];
    snprintf(from, sizeof from, "%s%s", from_base, suffix);
    snprintf(to, sizeof to, "%s%s", to_base, suffix);
    FILE *in = fopen(from, "rb");
    if (!in) {
        return;
    }
    FILE *out = fopen(to, "wb");
    if (!out) {
        perror("copy store");
        abort();
    }
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) {
        fwrite(chunk, 1, n, out);
    }
    fclose(in);
    if (fclose(out)) {
        perror("copy store");
        abort();
    }
}

static int run(int argc, char *argv[])
{
    char *output = NULL, *error = NULL;
    int r = vsctl_run(db, argc, argv, &output, &error);
    if ((r == 0 && (!output || error)) || (r == -1 && (output || !error))
        || (r == VSCTL_EXIT_NO_BRIDGE && (output || error))
        || (r != 0 && r != -1 && r != VSCTL_EXIT_NO_BRIDGE)) {
        fprintf(stderr, "vsctl_run broke its contract: r=%d out=%p err=%p\n",
                r, (void *)output, (void *)error);
        abort();
    }
    free(output);
    free(error);
    return r;
}

static void make_template(void)
{
    char *setup[] = {
        "add-br", "br0", "--", "add-br", "br1", "--",
        "add-port", "br0", "p1", "tag=5", "--",
        "set", "Interface", "p1", "type=internal", "--",
        "add-port", "br1", "p2", "--", "set", "Port", "p2", "trunks=1,2", "--",
        "set", "Bridge", "br0", "external_ids:k=v", "other_config:x=y",
    };
    open_store();
    if (run(sizeof setup / sizeof setup[0], setup)) {
        fprintf(stderr, "template setup failed\n");
        abort();
    }
    close_store();
    copy_file(path, template, "");
    copy_file(path, template, "-wal");
}

static void at_exit(void)
{
    close_store();
    remove_files(path);
    remove_files(template);
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        abort();
    }
    snprintf(path, sizeof path, "%s/conf.db", dir);
    snprintf(template, sizeof template, "%s/template.db", dir);
    make_template();
    atexit(at_exit);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 2048) {
        return 0;
    }
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    char *argv[MAX_ARGS + 1];
    int argc = 0;
    char *save = NULL;
    for (char *tok = strtok_r(text, " \t\n", &save); tok && argc < MAX_ARGS;
         tok = strtok_r(NULL, " \t\n", &save)) {
        argv[argc++] = tok;
    }
    argv[argc] = NULL;

    close_store();
    remove_files(path);
    copy_file(template, path, "");
    copy_file(template, path, "-wal");
    open_store();
    run(argc, argv);
    free(text);
    return 0;
}
