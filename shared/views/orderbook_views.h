/* orderbook_views.h — the orderbook suite's views (a price-time-priority matching engine fed
 * through the SPSC ring). Registered by name in views.c; each is a pc_view_draw_fn (views.h). */
#ifndef PC_ORDERBOOK_VIEWS_H
#define PC_ORDERBOOK_VIEWS_H

#include "views.h"

/* "orderbook-depth" (animated): the book at the cursor — cumulative bid/ask depth around the
 * mid, spread, last price, recent trades flashing, and a price ladder of the top levels. */
int pc_view_orderbook_depth(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* "throughput-timeline" (animated): orders/s and trades/s per window over the run's time. */
int pc_view_orderbook_throughput(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* "comparison": orders/s vs trades/s, and matching vs end-to-end latency percentiles. */
int pc_view_orderbook_comparison(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* "summary": the run's key numbers as cards, with run info and live progress. */
int pc_view_orderbook_summary(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);

#endif
