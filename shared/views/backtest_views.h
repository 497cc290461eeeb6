/* backtest_views.h — the backtest suite's views. Registered by name in views.c; each is a
 * pc_view_draw_fn (see views.h). */
#ifndef PC_BACKTEST_VIEWS_H
#define PC_BACKTEST_VIEWS_H

#include "views.h"

/* "tick-latency-histogram": every tick's latency on a log axis, p50/p90/p99/p99.9 markers. */
int pc_view_backtest_latency(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* "components": per-stage share of tick time and each stage's p50/p99/p99.9. */
int pc_view_backtest_components(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* "resources": process CPU (and per-core) and resident memory over the run. */
int pc_view_backtest_resources(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* "scalability": throughput, total time, mean latency and efficiency against size (4 panels). */
int pc_view_backtest_scalability(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* "summary": throughput, latency, resources and the backtest's results as cards. */
int pc_view_backtest_summary(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);

#endif
