/* view_common.h — pieces several suites' views are made of (internal to shared/views/).
 *
 * The page frame every view starts with (background, title bar with the run's status,
 * margins), the "nothing to show yet" message, the latency-histogram machinery (log-spaced
 * display bins, step curves, percentile markers), a throughput series drawn from its windows
 * (points, or per-pixel-column bands when there are many), KPI card rows and the run-state
 * line of the summary views. Like the views, nothing here allocates or keeps state. */
#ifndef PC_VIEW_COMMON_H
#define PC_VIEW_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "chart.h"
#include "hist.h"
#include "model.h"
#include "views.h"

#define PC_VC_MAX_BINS 400 /* display bins of a latency histogram */
#define PC_VC_MAX_PTS 4096 /* points of one timeline curve after per-column decimation */

/* p50 / p99 / p99.9: the quantiles, their labels and their summary-key suffixes. */
extern const double PC_VC_QUANTILES[3];
extern const char *const PC_VC_QUANTILE_NAMES[3];
extern const char *const PC_VC_QUANTILE_KEYS[3];

/* ---- the page ---- */

typedef struct pc_vframe {
    pc_chart_t c;
    const pc_model_t *m; /* NULL when the caller passed none */
    double cursor;       /* < 0 (or NaN from the caller): everything */
    pc_rect_t body;      /* below the title bar, inside the page margins */
} pc_vframe_t;

/* True once the run's header has arrived. */
int pc_vc_has_run(const pc_model_t *m);
/* "running · 45% · phase", "finished", "error: <message>", "waiting for data". */
void pc_vc_status_text(const pc_model_t *m, char *buf, size_t cap);
/* "suite · run <id>" from the header, or "" before it arrives. */
void pc_vc_run_text(const pc_model_t *m, char *buf, size_t cap);
/* The body rectangle pc_vc_begin sets for a chart on a frame of c->fb's size (below the title
 * bar, inside the page margins), computed without drawing: for input handlers' layouts. */
pc_rect_t pc_vc_body_rect(const pc_chart_t *c);
/* Clears the page, draws the title bar (title, subtitle, status) and sets f->body. Returns 0,
 * or PC_EINVAL for an unusable framebuffer or a NULL state (nothing drawn). */
int pc_vc_begin(pc_vframe_t *f, pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st, const char *title,
                const char *subtitle);
/* pc_vc_begin with the run text ("suite · run id") as the subtitle, then "Waiting for data"
 * before the header. Returns 0 when the caller goes on drawing, 1 when the page is complete,
 * or a negative PC_E* code: callers return `r < 0 ? r : 0` on non-zero. */
int pc_vc_begin_run(pc_vframe_t *f, pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st, const char *title);
/* The message drawn instead of a chart when `what` has not arrived; returns 0. */
int pc_vc_nothing_yet(pc_vframe_t *f, const char *what);
/* The summary page's start: pc_vc_begin titled "Summary" with the run text, "Waiting for data"
 * before the header, else pc_vc_run_facts with *y set below them. Returns 0 when the caller
 * goes on drawing from *y, 1 when the page is complete (waiting message drawn), or a negative
 * PC_E* code from pc_vc_begin: callers return `r < 0 ? r : 0` on non-zero. */
int pc_vc_begin_summary(pc_vframe_t *f, pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st, int *y);
/* Splits the body into two panels `gap` (16 CSS px) apart, the first 2/5 of it: side by side
 * when the body is at least 6/5 as wide as tall, else stacked. */
void pc_vc_split_body(const pc_vframe_t *f, pc_rect_t *a, pc_rect_t *b);

/* ---- series ---- */

/* The series' colour, fixed by name so every view agrees: spsc and match green, mutex orange,
 * e2e blue, orders cyan, trades yellow; other names by their index in the model. */
uint32_t pc_vc_series_color(const pc_chart_t *c, const pc_series_t *s, int index);
/* The series' human label, else its name. */
const char *pc_vc_series_label(const pc_series_t *s);
/* True when the series' histogram holds samples. */
int pc_vc_series_has_hist(const pc_series_t *s);
/* Items per second over the series' windows ending by `cursor` (< 0: all); NAN when none. */
double pc_vc_mean_rate(const pc_series_t *s, double cursor);
/* A legend line in the plot's top margin, right-aligned with the data area; falls back to
 * short_items (may be NULL) when the long labels do not fit beside `reserve_left` pixels. */
void pc_vc_plot_legend(pc_vframe_t *f, const pc_plot_t *p, const pc_legend_item_t *items,
                       const pc_legend_item_t *short_items, int n, int reserve_left);
/* pc_vc_plot_legend beside the y axis title: reserves the title's width plus 24 CSS px. */
void pc_vc_plot_legend_beside_title(pc_vframe_t *f, const pc_plot_t *p, const pc_legend_item_t *items,
                                    const pc_legend_item_t *short_items, int n);
/* A legend on a panel's heading line (from pc_chart_panel over `panel`), right-aligned inside
 * the panel's padding; falls back to short_items (may be NULL) when the long labels do not fit beside the
 * heading text. Draws nothing without a font. */
void pc_vc_panel_legend(pc_chart_t *c, pc_rect_t panel, const char *heading, const pc_legend_item_t *items,
                        const pc_legend_item_t *short_items, int n);

/* ---- latency histograms ---- */

/* The x domain of a latency histogram holding values vmin..vmax (ns): padded a little and at
 * least one decade wide, never below 1 ns. */
void pc_vc_latency_domain(uint64_t vmin, uint64_t vmax, double *lo, double *hi);
/* Sets *p up as a latency-histogram plot (log x over pc_vc_latency_domain(vmin, vmax) in ns,
 * y a percentage 0..1 for now) with the given axis titles (kept, not copied) and lays it out
 * in f->body. */
void pc_vc_latency_plot(pc_vframe_t *f, pc_plot_t *p, uint64_t vmin, uint64_t vmax, const char *x_title,
                        const char *y_title);
/* The largest of share[0..nb) and `smax`. */
double pc_vc_share_max(const double *share, int nb, double smax);
/* Sets p->y.hi so curves peaking at smax (treated as 1 when not > 0) leave the headroom that
 * `rows` marker rows need (the curves keep at least half the height), and lays p out in
 * f->body again (y labels may change width). */
void pc_vc_fit_headroom(pc_vframe_t *f, pc_plot_t *p, int rows, double smax);
/* Log-spaced display-bin edges for a laid-out plot whose x axis is log: the finest of 20,
 * 10, 5 or 2 bins per decade that keeps bins >= 8 CSS px wide, aligned to decades. Writes
 * nb + 1 edges (edges must hold PC_VC_MAX_BINS + 1) and returns nb >= 1. */
int pc_vc_hist_edges(const pc_chart_t *c, const pc_plot_t *p, double *edges);
/* Percent of `total` samples per display bin (a bucket's count spread uniformly over its
 * value range). total <= 0 gives all zeros. */
void pc_vc_bin_hist(const pc_hist_t *h, double total, const double *edges, int nb, double *out);
/* One histogram curve as a step outline (pass 1) or its translucent area (pass 0), clipped
 * to the plot; bins holding nothing at either end are left out. */
void pc_vc_hist_curve(const pc_chart_t *c, const pc_plot_t *p, const double *edges, int nb, const double *share,
                      uint32_t color, int pass);

/* A percentile marker: a dashed line at x with a label box placed by pc_vc_place_markers. */
typedef struct pc_vc_marker {
    int x;         /* framebuffer column of the dashed line */
    pc_rect_t box; /* label box */
    char text[48];
    uint32_t color;
} pc_vc_marker_t;

/* Fills a percentile marker: "<name> <v as ns>" at v's column on p, in `color`. */
void pc_vc_quantile_marker(pc_vc_marker_t *k, const pc_plot_t *p, const char *name, double v, uint32_t color);
/* Places marker labels in rows at the top of the plot so no two overlap; returns the number
 * of rows used. */
int pc_vc_place_markers(pc_chart_t *c, const pc_plot_t *p, pc_vc_marker_t *mk, int n);
/* Pixels of headroom above the curves that `rows` marker rows need. */
int pc_vc_marker_headroom(const pc_chart_t *c, int rows);
/* Draws the markers' dashed lines (from label to axis) and then their label boxes. */
void pc_vc_draw_markers(pc_chart_t *c, const pc_plot_t *p, const pc_vc_marker_t *mk, int n);

/* ---- percentile bars ---- */

/* The smallest and largest finite values > 0 of v[0..n); *vmin stays INFINITY and *vmax 0
 * when there are none. */
void pc_vc_positive_range(const double *v, int n, double *vmin, double *vmax);
/* Sets *p up as grouped p50/p99/p99.9 bars (categories PC_VC_QUANTILE_NAMES, log y from lo
 * to hi in ns, titled y_title, kept not copied), lays it out in `in` and draws its axes. */
void pc_vc_percentile_plot(pc_chart_t *c, pc_plot_t *p, pc_rect_t in, double lo, double hi, const char *y_title);

/* ---- throughput windows ---- */

/* Draws a series' windows ending by `cursor` (< 0: all) as a curve on a plot whose x is
 * seconds: x = window midpoint - origin, y clamped up to ylo so stalls stay visible. Few
 * windows get points (dots when very few), many a per-column min-max band with the mean.
 * `shown` is the number of windows that pass the cursor. Returns the last point drawn in
 * framebuffer coordinates in *last (when not NULL and a point was drawn: returns 1). */
/* The log y range of a rate timeline whose rates span ymin..ymax: a factor 2 padding each
 * way, at least one decade wide, 1..1000 when no rate is > 0 (the line sits on the floor). */
void pc_vc_rate_range(double ymin, double ymax, double *ylo, double *yhi);
/* Sets *p up as a rate timeline (x seconds from 0 to xhi, log y from ylo to yhi per second,
 * 56 px on the right for value tags; titles kept, not copied), lays it out in f->body and
 * draws its axes. */
void pc_vc_rate_plot(pc_vframe_t *f, pc_plot_t *p, double xhi, double ylo, double yhi, const char *x_title,
                     const char *y_title);
int pc_vc_windows_curve(pc_chart_t *c, const pc_plot_t *p, const pc_series_t *s, double cursor, double origin,
                        double ylo, size_t shown, uint32_t color, pc_pointf_t *last);

/* ---- metric samples ---- */

#define PC_VC_MAX_SAMPLE_PTS 1024 /* points of one metric curve after decimation */

/* How many of s's samples have t <= cursor (cursor < 0: all of them): a prefix, since a
 * series' samples arrive in time order. */
size_t pc_vc_samples_upto(const pc_series_t *s, double cursor);
/* The last sample of metric series `name` at or before t (t < 0: the last); NAN when none. */
double pc_vc_sample_at(const pc_model_t *m, const char *name, double t);
/* Draws samples [i0, i1) of s as a polyline into p's clip (decimated to PC_VC_MAX_SAMPLE_PTS,
 * each point the mean of its stride of samples; a single point as a dot). Returns the points
 * drawn. */
int pc_vc_samples_curve(pc_chart_t *c, const pc_plot_t *p, const pc_series_t *s, size_t i0, size_t i1,
                        uint32_t color, float width);

/* ---- text ---- */

/* Draws utf8 word-wrapped to w pixels from (x, y) (top of the first line), line_h pixels per
 * line, at most max_lines lines (the last one ends in "…" when text is left). Returns the y
 * below the last line drawn; draws nothing (returns y) without a font. */
int pc_vc_wrap_text(pc_chart_t *c, int x, int y, int w, float size, uint32_t color, const char *utf8, int max_lines,
                    int line_h);
/* The number of lines pc_vc_wrap_text would draw for utf8 at most max_lines (0 without a font). */
int pc_vc_wrap_lines(pc_chart_t *c, int w, float size, const char *utf8, int max_lines);

/* ---- summary pages ---- */

/* "host · CPU model, N logical cores" from the header's "system" object. */
void pc_vc_system_text(const pc_model_t *m, char *buf, size_t cap);

typedef struct pc_vc_kpi {
    const char *caption;
    char value[64]; /* "\xe2\x80\x93" (an en dash) when missing */
    const char *note;
    uint32_t color;
} pc_vc_kpi_t;

/* One row of up to three cards under a heading, h pixels tall from y; returns the y below. */
int pc_vc_kpi_row(pc_vframe_t *f, int y, int h, const char *heading, const pc_vc_kpi_t *k, int n);
/* The summary header: "started … · host …" and the progress bar or end status below it;
 * returns the y below both. */
int pc_vc_run_facts(pc_vframe_t *f);

#endif
