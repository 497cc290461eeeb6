#include "pc_test.h"

#include <stdlib.h>
#include <string.h>

int pc_test_failed_now;
static int n_run, n_failed;
static const char *only;

void pc_test_fail(const char *file, int line, const char *what) {
    fprintf(stderr, "  FAIL %s:%d: %s\n", file, line, what);
    pc_test_failed_now = 1;
}

void pc_test_filter(int argc, char **argv) { only = argc > 1 ? argv[1] : NULL; }

void pc_test_run(const char *name, void (*fn)(void)) {
    if (only && strcmp(only, name) != 0) return;
    pc_test_failed_now = 0;
    fn();
    n_run++;
    if (pc_test_failed_now) n_failed++;
    printf("%s %s\n", pc_test_failed_now ? "FAIL" : "ok  ", name);
    fflush(stdout);
}

int pc_test_done(void) {
    printf("%d passed, %d failed\n", n_run - n_failed, n_failed);
    return n_failed ? 1 : (n_run ? 0 : 1);
}

unsigned char *pc_test_slurp(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = n >= 0 ? malloc((size_t)n + 1) : NULL;
    *len = b ? fread(b, 1, (size_t)n, f) : 0;
    fclose(f);
    return b;
}
