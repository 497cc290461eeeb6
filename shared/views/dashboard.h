/* dashboard.h — the five-panel performance dashboard, a view any run can show (fractal runs
 * and tracker files carry its data): real-time metric cards with their baseline status, a
 * zoomable timeline of the selected metric with anomalies and alerts, the bottleneck analyzer
 * (timer breakdown and icicle graph of the call tree), resource utilization and the
 * optimization suggestions of dash_rules.h; a red banner across the top while a metric is in
 * regression. docs/VIEWS.md describes what each panel reads. */
#ifndef PC_DASHBOARD_H
#define PC_DASHBOARD_H

#include "chart.h"
#include "gfx.h"
#include "model.h"
#include "views.h"

/* Draws the dashboard of m at st (t_cursor, scale, font; win_t0/win_t1 the timeline's window,
 * select the timeline's metric). Returns 0, or PC_EINVAL for an unusable framebuffer. */
int pc_view_dashboard(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* Pointer input on a w x h dashboard (pc_view_input_fn): the wheel over the timeline's plot
 * zooms around the pointer, a drag on it pans, a double click on the timeline shows the whole
 * run again, a click on a metric card selects that metric. Returns 1 when st changed. */
int pc_view_dashboard_input(pc_view_state_t *st, const pc_model_t *m, int w, int h, const pc_view_input_t *in);

/* Where things are on a w x h dashboard of m at st (the layout draw and input share). */
typedef struct pc_dash_geom {
    pc_rect_t plot;     /* the timeline's data area (w == 0: no plot) */
    pc_rect_t card[16]; /* the metric cards, selectable ones first, then the GPU card */
    int n_cards, n_metrics;
    pc_rect_t banner;   /* the alert banner (h == 0: none) */
    double t0, t1;      /* the timeline's window, resolved */
    int select;         /* the selected metric's index, -1 when the run has none */
} pc_dash_geom_t;

/* Fills *g for a w x h frame; 0, or PC_EINVAL for a bad size or NULL arguments. */
int pc_view_dashboard_geom(const pc_model_t *m, const pc_view_state_t *st, int w, int h, pc_dash_geom_t *g);
/* The `select` index of the metric series named `name` on m's dashboard, or -1. */
int pc_view_dashboard_select_index(const pc_model_t *m, const char *name);
/* The name of the metric series `select` index i stands for on m's dashboard, or NULL (valid
 * while m is). */
const char *pc_view_dashboard_metric_name(const pc_model_t *m, int i);

#endif
