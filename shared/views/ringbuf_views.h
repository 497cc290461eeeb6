/* ringbuf_views.h — the ringbuf suite's views (lock-free SPSC ring vs mutex queue).
 * Registered by name in views.c; each is a pc_view_draw_fn (see views.h). */
#ifndef PC_RINGBUF_VIEWS_H
#define PC_RINGBUF_VIEWS_H

#include "views.h"

/* "latency-histogram": one-way latency distribution per queue on a log axis, p50/p99/p99.9. */
int pc_view_ringbuf_latency(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* "throughput-timeline": messages/s per window, phases overlaid from their own start. */
int pc_view_ringbuf_throughput(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* "comparison": throughput bars with the speed-up, latency percentiles side by side. */
int pc_view_ringbuf_comparison(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* "summary": the run's key numbers as cards, with run info and live progress. */
int pc_view_ringbuf_summary(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);

#endif
