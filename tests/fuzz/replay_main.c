/* A main() for a libFuzzer harness built without libFuzzer (gcc, `make
 * unit`): runs LLVMFuzzerTestOneInput on the empty input, then on every file
 * named on the command line, a directory standing for each regular file in
 * it (not recursive).  So the seeds and the inputs that once crashed
 * (tests/fuzz/corpus/<name>/) replay in every build, also without clang.
 * A crash or a sanitizer report ends the process; scripts/run-unit.sh then
 * runs the files one by one to name the one that fails. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Optional in a harness, as with libFuzzer. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Reads the file at `path` into a buffer of exactly its size (so that ASan
 * sees a read past the input, as under libFuzzer); returns 0 or -1. */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, len = 0, n;
    uint8_t *buf = malloc(cap);
    while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            cap *= 2;
            uint8_t *bigger = realloc(buf, cap);
            if (!bigger) {
                free(buf);
            }
            buf = bigger;
        }
    }
    int bad = ferror(f) || !buf;
    fclose(f);
    if (bad) {
        fprintf(stderr, "%s: read failed\n", path);
        free(buf);
        return -1;
    }
    uint8_t *exact = malloc(len ? len : 1);
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

/* Runs every regular file in `dir`, in name order (a stable replay);
 * returns the number run, or -1 if one could not be read. */
static int run_dir(const char *dir)
{
    struct dirent **entries;
    int n = scandir(dir, &entries, NULL, alphasort);
    if (n < 0) {
        perror(dir);
        return -1;
    }
    int ran = 0, status = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, entries[i]->d_name);
        if (!stat(path, &st) && S_ISREG(st.st_mode)) {
            status |= run_file(path);
            ran++;
        }
        free(entries[i]);
    }
    free(entries);
    return status ? -1 : ran;
}

int main(int argc, char *argv[])
{
    if (LLVMFuzzerInitialize) {
        LLVMFuzzerInitialize(&argc, &argv);
    }
    LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
    int total = 1, failed = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (d) {
            closedir(d);
            int n = run_dir(argv[i]);
            failed += n < 0;
            total += n > 0 ? n : 0;
        } else {
            failed += run_file(argv[i]) < 0;
            total++;
        }
    }
    printf("%s: %d inputs replayed%s\n", argv[0], total,
           failed ? ", some unreadable" : "");
    return failed ? 1 : 0;
}
