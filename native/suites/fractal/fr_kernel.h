/* fr_kernel.h — escape-time kernels for the fractal suite: one row segment at a time, in
 * single precision, scalar or vectorized (AVX2: 4 x 8 lanes, AVX-512: 4 x 16 lanes in flight
 * so the multiply-add chains of independent pixels overlap), picked at run time.
 *
 * Every path does the same float operations in the same order (no fused multiply-add: the
 * file is compiled with -ffp-contract=off), so escape counts and final |z|^2 are identical
 * whichever path ran; tests/unit/test_fractal.c checks that. Per pixel, with z0 = 0 and c the
 * pixel (Mandelbrot) or z0 the pixel and c fixed (Julia):
 *     xx = x*x; yy = y*y; if (xx + yy > PC_FR_BAILOUT) escaped after n iterations;
 *     t = x*y; y = (t + t) + cy; x = (xx - yy) + cx; n++     (at most max_iter times) */
#ifndef PC_FR_KERNEL_H
#define PC_FR_KERNEL_H

#include <stdint.h>

#define PC_FR_BAILOUT 256.0f /* |z|^2 escape bound: large, so the smooth colouring is smooth */

typedef enum pc_fr_isa { PC_FR_SCALAR = 0, PC_FR_AVX2 = 1, PC_FR_AVX512 = 2 } pc_fr_isa_t;

/* One frame's mapping and iteration rule: pixel (px, py) is (x0 + px*dx, y0 + py*dy). */
typedef struct pc_fr_job {
    float x0, y0, dx, dy;
    float jx, jy;  /* Julia constant */
    int julia;     /* 0: Mandelbrot, 1: Julia */
    int max_iter;
} pc_fr_job_t;

/* Computes pixels px = x .. x+n-1 of row y: escape counts (max_iter when it never escaped)
 * into cnt[0..n), |z|^2 at escape (0 when it never escaped) into mag[0..n). Returns the
 * iterations done, summed over the n pixels. */
typedef uint64_t (*pc_fr_row_fn)(const pc_fr_job_t *j, int y, int x, int n, uint32_t *cnt, float *mag);

/* The kernel for isa, or NULL when this CPU (or this build) cannot run it. */
pc_fr_row_fn pc_fr_kernel(pc_fr_isa_t isa);
/* The widest isa this CPU runs (__builtin_cpu_supports). */
pc_fr_isa_t pc_fr_best_isa(void);
/* "scalar", "avx2", "avx512". */
const char *pc_fr_isa_name(pc_fr_isa_t isa);

#endif
