/* chart.h — building blocks every view is made of: theme, layout, scales, ticks, number
 * formatting, axes with gridlines, legends, bars, title bars and KPI cards.
 *
 * A view sets up one pc_chart_t per frame (framebuffer, font, scale, theme) and passes it to
 * the helpers. Sizes given here are CSS pixels: the helpers multiply them by the chart's
 * scale, so a view looks the same on a HiDPI screen, only sharper. Nothing allocates; the
 * number formatting is snprintf("%.*f") only, so labels are identical natively and in WASM. */
#ifndef PC_CHART_H
#define PC_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "font.h"
#include "gfx.h"

/* ---- theme ---- */

#define PC_THEME_SERIES 8

typedef struct pc_theme {
    uint32_t bg;          /* page background */
    uint32_t panel;       /* cards and the legend box */
    uint32_t panel_edge;  /* card borders */
    uint32_t grid;        /* gridlines */
    uint32_t axis;        /* axis lines and ticks */
    uint32_t text;        /* primary text */
    uint32_t text_dim;    /* tick labels, secondary text */
    uint32_t text_faint;  /* hints */
    uint32_t accent;      /* brand accent (#00ff88) */
    uint32_t warn, bad;   /* status colors */
    uint32_t series[PC_THEME_SERIES];
} pc_theme_t;

/* The dark theme (static table, never freed). */
const pc_theme_t *pc_theme_dark(void);

/* ---- the per-frame drawing context ---- */

typedef struct pc_rect {
    int x, y, w, h;
} pc_rect_t;

typedef struct pc_chart {
    pc_fb_t *fb;
    pc_font_t *font; /* may be NULL: text is then skipped */
    float scale;     /* device pixels per CSS pixel, > 0 */
    const pc_theme_t *th;
} pc_chart_t;

/* Fills the context; a scale that is not a sane positive number becomes 1. Cannot fail. */
void pc_chart_init(pc_chart_t *c, pc_fb_t *fb, pc_font_t *font, float scale);
/* CSS pixels to device pixels (rounded, at least 1 for v > 0). */
int pc_chart_px(const pc_chart_t *c, float v);
/* CSS pixels to device pixels as float (for line widths and font sizes). */
float pc_chart_pxf(const pc_chart_t *c, float v);
/* r shrunk by d device pixels on every side (never negative size). */
pc_rect_t pc_rect_inset(pc_rect_t r, int d);

/* Standard text sizes in CSS pixels. */
#define PC_TEXT_TITLE 18.0f
#define PC_TEXT_LABEL 13.0f
#define PC_TEXT_TICK 12.0f
#define PC_TEXT_SMALL 11.0f

/* Draws text with a CSS-pixel size; returns its width in device pixels. */
int pc_chart_text(pc_chart_t *c, int x, int y, float size, uint32_t color, int align, const char *utf8);
/* Width in device pixels of text at a CSS-pixel size. */
int pc_chart_text_width(pc_chart_t *c, float size, const char *utf8);

/* ---- page furniture ---- */

/* Clears the whole framebuffer to the theme background. */
void pc_chart_background(pc_chart_t *c);
/* Title bar across the top: title, a dimmer subtitle after it and right-aligned status text
 * (either may be NULL). Returns the rectangle left for content below it. */
pc_rect_t pc_chart_title_bar(pc_chart_t *c, const char *title, const char *subtitle, const char *right);
/* Height in device pixels of the title bar pc_chart_title_bar draws on c's framebuffer. */
int pc_chart_title_bar_height(const pc_chart_t *c);
/* A centred message (e.g. "waiting for data") with an optional dimmer second line. */
void pc_chart_message(pc_chart_t *c, pc_rect_t r, const char *text, const char *detail);
/* A rounded card with an optional heading; returns the inner rectangle for content. */
pc_rect_t pc_chart_panel(pc_chart_t *c, pc_rect_t r, const char *heading);
/* The inner rectangle pc_chart_panel returns for r, with or without a heading, without drawing. */
pc_rect_t pc_chart_panel_inner(const pc_chart_t *c, pc_rect_t r, int has_heading);

/* ---- scales and ticks ---- */

typedef struct pc_scale {
    int log;        /* 1: log10 mapping (domain must be > 0) */
    double d0, d1;  /* domain */
    double r0, r1;  /* range in pixels */
    double l0, l1;  /* domain in log10 units when log */
} pc_scale_t;

/* Sets a linear or log10 scale. Empty or invalid domains are widened to something drawable
 * (a log domain is kept > 0). Cannot fail. */
void pc_scale_set(pc_scale_t *s, int log, double d0, double d1, double r0, double r1);
/* Maps a domain value to pixels; the result is clamped to +-1e6 pixels and values <= 0 on
 * a log scale map to the far side of r0, so callers can pass anything to the gfx calls. */
double pc_scale_map(const pc_scale_t *s, double v);

#define PC_TICKS_MAX 40

typedef struct pc_ticks {
    int n;
    double v[PC_TICKS_MAX];
    int major[PC_TICKS_MAX]; /* 1: labelled and drawn as a gridline; 0: minor tick only */
    double step;             /* linear: the 1-2-5 step */
} pc_ticks_t;

/* The 1-2-5 step giving about `target` intervals over span. */
double pc_nice_step(double span, int target);
/* Widens [*lo, *hi] outwards to multiples of the nice step for `target` ticks. */
void pc_nice_bounds(double *lo, double *hi, int target);
/* Linear ticks at multiples of the nice step inside [lo, hi]. */
void pc_ticks_linear(double lo, double hi, int target, pc_ticks_t *t);
/* Log10 ticks inside [lo, hi]: decades, plus 2 and 5 when few decades are shown; minor ticks
 * at 2..9 when they fit. */
void pc_ticks_log(double lo, double hi, int target, pc_ticks_t *t);

/* ---- number formatting (deterministic) ---- */

/* A tick or value formatter. */
typedef void (*pc_fmt_fn)(char *buf, size_t cap, double v);

/* Engineering notation with an SI prefix and 3 significant digits, trailing zeros trimmed,
 * then " unit" when unit is not NULL/empty: 12500000, "msg/s" -> "12.5 M msg/s";
 * 0.0034, "s" -> "3.4 ms"; 950, NULL -> "950". */
void pc_fmt_si(char *buf, size_t cap, double v, const char *unit);
/* A duration given in nanoseconds: "350 ns", "1.2 µs", "3.4 ms", "2.5 s". */
void pc_fmt_ns(char *buf, size_t cap, double ns);
/* A rate in items per second, SI-prefixed, no unit: "12.5 M". */
void pc_fmt_rate(char *buf, size_t cap, double v);
/* A percentage given in percent, precision by magnitude: "12%", "1.5%", "0.25%". */
void pc_fmt_percent(char *buf, size_t cap, double pct);
/* Seconds for a time axis: "0 s", "1.5 s", "250 ms". */
void pc_fmt_seconds(char *buf, size_t cap, double s);
/* Fixed decimals with trailing zeros trimmed: (2.50, 2) -> "2.5". */
void pc_fmt_fixed(char *buf, size_t cap, double v, int decimals);

/* ---- plots with axes ---- */

typedef struct pc_axis {
    int log;                 /* log10 axis */
    double lo, hi;           /* domain (set by the view) */
    pc_fmt_fn fmt;           /* tick labels; NULL -> pc_fmt_si without unit */
    const char *title;       /* axis title, or NULL */
    const char *const *cats; /* categorical axis: n_cats labels, one slot each */
    int n_cats;
    pc_ticks_t ticks;        /* filled by pc_plot_layout */
    pc_scale_t scale;        /* filled by pc_plot_layout (fb coordinates) */
} pc_axis_t;

typedef struct pc_plot {
    pc_rect_t area; /* the data area in framebuffer coordinates */
    pc_fb_t clip;   /* the data area as a clipped sub-framebuffer (origin at area.x, area.y) */
    pc_axis_t x, y;
    int pad_right;  /* extra CSS pixels kept free right of the data area (end-of-line tags) */
} pc_plot_t;

/* Computes ticks, measures tick labels and places the data area inside `outer`, leaving
 * room for labels and axis titles; sets up both scales. Fill p->x and p->y first. */
void pc_plot_layout(pc_chart_t *c, pc_plot_t *p, pc_rect_t outer);
/* Draws gridlines, axis line, tick labels and axis titles (the y title sits horizontally
 * above the y labels, the x title centred below the x labels). */
void pc_plot_draw_axes(pc_chart_t *c, const pc_plot_t *p);
/* Framebuffer x/y of a domain value. */
float pc_plot_fx(const pc_plot_t *p, double v);
float pc_plot_fy(const pc_plot_t *p, double v);
/* The same relative to the clip framebuffer's origin (for drawing into p->clip). */
float pc_plot_cx(const pc_plot_t *p, double v);
float pc_plot_cy(const pc_plot_t *p, double v);

/* ---- legends, markers, bars ---- */

enum { PC_LEGEND_LINE = 0, PC_LEGEND_BOX = 1, PC_LEGEND_DASH = 2 };

typedef struct pc_legend_item {
    const char *label;
    uint32_t color;
    int style; /* PC_LEGEND_* */
} pc_legend_item_t;

/* A legend box anchored at the top-right (align PC_ALIGN_RIGHT) or top-left corner of
 * `inside`, inset by a small margin. Returns the box drawn. */
pc_rect_t pc_chart_legend(pc_chart_t *c, pc_rect_t inside, int align, const pc_legend_item_t *items, int n);
/* A one-line legend ("— label   — label") vertically centred on y, starting at x (align
 * PC_ALIGN_LEFT) or ending at x (PC_ALIGN_RIGHT). Returns its width; draws nothing when
 * wider than max_w. */
int pc_chart_legend_inline(pc_chart_t *c, int x, int y, int align, int max_w, const pc_legend_item_t *items, int n);
/* A small rounded label "badge" (text on a tinted box) whose anchor is set by align like
 * pc_text_draw's. Returns the box drawn. */
pc_rect_t pc_chart_badge(pc_chart_t *c, int x, int y, int align, float size, uint32_t fg, uint32_t bg,
                         const char *text);
/* The box pc_chart_badge would draw, without drawing (for placing badges around others). */
pc_rect_t pc_chart_badge_rect(pc_chart_t *c, int x, int y, int align, float size, const char *text);

/* Vertical grouped bars on a plot with a categorical x axis (one category per group):
 * values[g * n_series + s]; NaN values are skipped; each bar gets its value above it via fmt
 * (NULL: no labels). Bars start at the y domain's low end. */
void pc_chart_bars(pc_chart_t *c, const pc_plot_t *p, const double *values, int n_groups, int n_series,
                   const uint32_t *colors, pc_fmt_fn fmt);

/* ---- KPI cards ---- */

/* A card with a small caption, a big value and an optional dim note under it. */
void pc_chart_kpi(pc_chart_t *c, pc_rect_t r, const char *caption, const char *value, const char *note,
                  uint32_t value_color);
/* A progress bar (fraction 0..1) with text on it. */
void pc_chart_progress(pc_chart_t *c, pc_rect_t r, double fraction, const char *text);

#endif
