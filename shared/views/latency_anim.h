/* latency_anim.h — "latency-animation": any run's latency histograms building up over time.
 * Registered by name in views.c (suite-independent); a pc_view_draw_fn (see views.h). */
#ifndef PC_LATENCY_ANIM_H
#define PC_LATENCY_ANIM_H

#include "views.h"

/* Every hist series as it stood at st->t_cursor (< 0: the end), on axes fixed by the final
 * histograms so an animation never rescales; p50/p99/p99.9 of the state shown. */
int pc_view_latency_animation(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);

#endif
