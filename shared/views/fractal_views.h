/* fractal_views.h — views of the fractal suite. */
#ifndef PC_FRACTAL_VIEWS_H
#define PC_FRACTAL_VIEWS_H

#include "views.h"

/* The frame recorded at the cursor, scaled to fit, with its number and render time. */
int pc_view_fractal(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* Frame rate, iteration rate, SIMD and thread speedups, memory and the tracker's own cost. */
int pc_view_fractal_summary(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);

#endif
