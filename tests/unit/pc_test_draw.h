/* pc_test_draw.h — what the renderer and view tests share: guarded framebuffers, pixel counts,
 * golden images, and synthetic records fed into a model.
 *
 *   pc_test_guarded_t g;  pc_test_guarded_make(&g, 640, 360);   draw into g.fb ...
 *   PC_CHECK(pc_test_guarded_damage(&g) == 0);  PC_CHECK(pc_test_compare_golden("name", &g.fb) == 0);
 *   free(g.mem);
 *
 * Goldens live in PC_TEST_DATA/golden/NAME.png; PC_UPDATE_GOLDEN=1 rewrites them. */
#ifndef PC_TEST_DRAW_H
#define PC_TEST_DRAW_H

#include <stdint.h>

#include "gfx.h"
#include "model.h"

#define PC_TEST_GUARD 0xdeadbeefu

/* A w x h framebuffer inside a larger allocation whose border (16 px and 16 rows each side)
 * is filled with PC_TEST_GUARD, so out-of-bounds writes are caught. The caller frees mem. */
typedef struct pc_test_guarded {
    uint32_t *mem;
    int mw, mh;
    pc_fb_t fb;
} pc_test_guarded_t;

/* Allocates and guards; 0, or -1 when out of memory. */
int pc_test_guarded_make(pc_test_guarded_t *g, int w, int h);
/* Number of guard pixels that were overwritten. */
int pc_test_guarded_damage(const pc_test_guarded_t *g);

static inline uint32_t pc_test_px_at(const pc_fb_t *fb, int x, int y) { return fb->px[(size_t)y * fb->stride + x]; }
/* Pixels in [x0,x1) x [y0,y1) that are not `color`. */
int pc_test_count_not(const pc_fb_t *fb, int x0, int y0, int x1, int y1, uint32_t color);

/* Compares fb with golden image NAME pixel for pixel (writing NAME.actual.png on a mismatch),
 * or rewrites the golden when PC_UPDATE_GOLDEN is set. 0 when equal (or updated), else -1. */
int pc_test_compare_golden(const char *name, const pc_fb_t *fb);

/* Encodes a JSON record of `kind` and feeds it to m; the model's result (an error is printed). */
int pc_test_feed_json(pc_model_t *m, uint16_t kind, const char *json);
/* Deterministic pseudo-random numbers (xorshift64*), uniform in (0, 1). */
double pc_test_rnd(uint64_t *s);
/* Feeds one hist delta record of `n` latency samples: log-normal-ish around `median` with a
 * rare long tail, drawn with pcmath so goldens do not depend on the C library. */
int pc_test_feed_hist(pc_model_t *m, const char *series, double t, uint64_t *seed, int n, double median,
                      double spread, double tail);

#endif
