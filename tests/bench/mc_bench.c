/* mc_bench.c — times our marching cubes on a field read from a raw file, for
 * tests/bench/mc_vs_skimage.py (which times scikit-image on the very same bytes).
 *
 *   pc_mc_bench FIELD.f32 N ISO REPEATS
 *
 * FIELD.f32 holds N^3 little-endian float32 values, x fastest (numpy's C order of an array
 * indexed [z][y][x]). Prints one JSON line: best and median milliseconds of REPEATS extracts
 * (after one warm-up that sizes the buffers), triangles and vertices. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc.h"
#include "tsc.h"

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: pc_mc_bench FIELD.f32 N ISO REPEATS\n");
        return 2;
    }
    int n = atoi(argv[2]), reps = atoi(argv[4]);
    float iso = (float)atof(argv[3]);
    if (n < 2 || n > 1024 || reps < 1 || reps > 1000) {
        fprintf(stderr, "pc_mc_bench: N in 2..1024, REPEATS in 1..1000\n");
        return 2;
    }
    size_t count = (size_t)n * n * n;
    float *v = malloc(count * sizeof *v);
    double *ms = malloc((size_t)reps * sizeof *ms);
    FILE *f = fopen(argv[1], "rb");
    if (!v || !ms || !f || fread(v, sizeof *v, count, f) != count) {
        fprintf(stderr, "pc_mc_bench: cannot read %zu floats from %s\n", count, argv[1]);
        return 1;
    }
    fclose(f);
    pc_mc_t *mc = pc_mc_create();
    pc_field_t fld = {.v = v, .nx = n, .ny = n, .nz = n, .origin = {0, 0, 0}, .step = 1};
    if (!mc || pc_mc_extract(mc, &fld, iso) != 0) return 1;
    for (int i = 0; i < reps; i++) {
        uint64_t t0 = pc_clock_ns();
        pc_mc_extract(mc, &fld, iso);
        ms[i] = (double)(pc_clock_ns() - t0) / 1e6;
    }
    qsort(ms, (size_t)reps, sizeof *ms, cmp);
    printf("{\"best_ms\": %.4f, \"median_ms\": %.4f, \"triangles\": %zu, \"vertices\": %zu}\n", ms[0], ms[reps / 2],
           pc_mc_mesh(mc)->n_tri, pc_mc_mesh(mc)->n_vert);
    pc_mc_destroy(mc);
    free(v);
    free(ms);
    return 0;
}
