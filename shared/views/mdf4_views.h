/* mdf4_views.h — views of the mdf4 suite, and the .mf4 channel plot the viewer draws when a
 * user opens an MDF 4 file. */
#ifndef PC_MDF4_VIEWS_H
#define PC_MDF4_VIEWS_H

#include <stddef.h>

#include "views.h"

/* Grouped bars: MB/s per operation (groups) and file size (bars), 95% CI whiskers. */
int pc_view_mdf4_throughput(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* Peak memory / file size against file size per operation, over the grading bands. */
int pc_view_mdf4_memory(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* KPI cards: the largest size's figures against the goals, integrity. */
int pc_view_mdf4_summary(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);

/* ---- the .mf4 channel plot (not a suite view: the viewer calls it for an opened file) ---- */

#define PC_MF4_PLOT_MAX 8 /* channels drawn at once */

/* One channel to plot: n samples at times t[i] (seconds, increasing) with values v[i]. */
typedef struct pc_mf4_trace {
    const char *name;
    const char *unit;
    const double *t;
    const double *v;
    size_t n;
} pc_mf4_trace_t;

/* Draws the traces (each on its own y scale, stacked lanes) over time t0..t1 (the zoom
 * window). Many samples per pixel column are drawn as min-max bands, so a million-sample
 * channel costs one pass. title names the file. Returns 0 or PC_EINVAL (unusable
 * framebuffer). Allocates nothing. */
int pc_view_mf4_plot(pc_fb_t *fb, const pc_view_state_t *st, const char *title, const pc_mf4_trace_t *tr, int n,
                     double t0, double t1);

#endif
