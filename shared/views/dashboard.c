/* dashboard.c — the five-panel dashboard. See dashboard.h; the analysis (anomalies, timers,
 * alerts, suggestions) is dash_rules.c, this file lays out and draws.
 *
 * One layout function (layout()) places everything from the model, the view state and the
 * frame size; the draw function and the input function both call it, so a click lands on the
 * card that is drawn there and a wheel event zooms the plot that is drawn there. The layout
 * measures text (tick labels, like every plot), so the input function is given the same font
 * in st->font as the draw function.
 *
 * Panels, all at the cursor st->t_cursor (< 0: the whole run):
 *   1 metrics      the latest sample of each dashboard metric (pc_dash_metrics) with its status
 *                  against its baseline, and a GPU card from the header's system.gpu
 *   2 timeline     the selected metric's samples in the window [win_t0, win_t1], baseline and
 *                  alert threshold, anomalies (pc_dash_anomalies) ringed, alert times marked
 *   3 bottleneck   "timer:*" histograms (time, share of the root timer, mean, calls) as bars, and
 *                  the call tree (latest calls record) as an icicle graph
 *   4 resources    coreN_percent bars, process CPU, RSS, I/O rates, iowait, GPU
 *   5 suggestions  pc_dash_suggest's tips
 * Grid: 2 rows x 3 columns at >= 1000 CSS px of body width, 3 rows x 2 columns at >= 600,
 * otherwise the five panels stacked. Nothing allocates; no libm transcendental decides a pixel. */
#include "dashboard.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "dash_rules.h"
#include "font.h"
#include "pcmath.h"
#include "view_common.h"

enum { P_METRICS, P_TIMELINE, P_BOTTLENECK, P_RESOURCES, P_SUGGEST, P_COUNT };

#define MAX_CARDS (PC_DASH_MAX_METRICS + 1) /* the metrics and the GPU card */
#define MAX_MARKS 512                       /* anomaly rings drawn in one window */
#define MAX_CORES 64
#define ICE_DEPTH 8                         /* icicle levels drawn */

/* ======================= layout ======================= */

typedef struct dash {
    pc_chart_t c;
    double cursor;  /* < 0: everything */
    double dur;     /* the run's length (pc_model_duration), 0 before any timed record */
    pc_rect_t body, banner;
    int n_alerts;   /* metrics in regression at the cursor */
    pc_rect_t panel[P_COUNT];
    const pc_series_t *metric[PC_DASH_MAX_METRICS];
    int n_metrics;
    int n_cards;    /* n_metrics + the GPU card */
    pc_rect_t card[MAX_CARDS];
    int compact;    /* cards as one-line rows (a short panel) */
    int sel;        /* the selected metric, -1 when there is none */
    const pc_series_t *s;
    size_t n_upto;  /* s's samples up to the cursor */
    size_t i0, i1;  /* of those, the ones inside the window */
    double t0, t1;  /* the window */
    int zoomed;     /* the window is the view state's, not the whole run */
    int has_plot;
    pc_plot_t plot; /* its axis titles point at x_title / y_title below */
    char x_title[192], y_title[64];
} dash_t;

static int inside(pc_rect_t r, float x, float y) {
    return r.w > 0 && r.h > 0 && x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

/* The five panels in the grid for the body's CSS width. */
static void layout_grid(dash_t *d, pc_rect_t b, int gap) {
    pc_rect_t *p = d->panel;
    double css_w = b.w / (double)d->c.scale, css_h = b.h / (double)d->c.scale;
    /* short and wide frames keep three columns too: five stacked rows would leave none readable */
    if (css_w >= 1000 || (css_w >= 560 && css_h < 480)) { /* metrics | timeline over bottleneck | resources | suggestions */
        int h1 = (b.h - gap) * (css_h < 480 ? 10 : 9) / 20, h2 = b.h - gap - h1, w1 = (b.w - gap) * 9 / 20;
        int cw = (b.w - 2 * gap) / 3, y2 = b.y + h1 + gap;
        p[P_METRICS] = (pc_rect_t){b.x, b.y, w1, h1};
        p[P_TIMELINE] = (pc_rect_t){b.x + w1 + gap, b.y, b.w - w1 - gap, h1};
        p[P_BOTTLENECK] = (pc_rect_t){b.x, y2, cw, h2};
        p[P_RESOURCES] = (pc_rect_t){b.x + cw + gap, y2, cw, h2};
        p[P_SUGGEST] = (pc_rect_t){b.x + 2 * (cw + gap), y2, b.w - 2 * (cw + gap), h2};
    } else if (css_w >= 600) { /* metrics | timeline, bottleneck | resources, suggestions */
        int hh = b.h - 2 * gap, h1 = hh * 2 / 5, h2 = hh * 7 / 20, h3 = hh - h1 - h2;
        int w1 = (b.w - gap) / 2, w2 = b.w - gap - w1, y2 = b.y + h1 + gap, y3 = y2 + h2 + gap;
        p[P_METRICS] = (pc_rect_t){b.x, b.y, w1, h1};
        p[P_TIMELINE] = (pc_rect_t){b.x + w1 + gap, b.y, w2, h1};
        p[P_BOTTLENECK] = (pc_rect_t){b.x, y2, w1, h2};
        p[P_RESOURCES] = (pc_rect_t){b.x + w1 + gap, y2, w2, h2};
        p[P_SUGGEST] = (pc_rect_t){b.x, y3, b.w, h3};
    } else { /* stacked */
        static const int share[P_COUNT] = {22, 22, 20, 18, 18};
        int hh = b.h - (P_COUNT - 1) * gap, y = b.y;
        for (int i = 0; i < P_COUNT; i++) {
            int h = i == P_COUNT - 1 ? b.y + b.h - y : hh * share[i] / 100;
            p[i] = (pc_rect_t){b.x, y, b.w, h};
            y += h + gap;
        }
    }
    for (int i = 0; i < P_COUNT; i++) {
        if (p[i].w < 0) p[i].w = 0;
        if (p[i].h < 0) p[i].h = 0;
    }
}

/* The metric cards: as many columns as keep cards >= 150 CSS px wide, more (down to 110 px)
 * while they would be shorter than 46 px; below that, compact one-line rows (d->compact), as
 * many as fit (the rest get an empty rectangle and are not drawn). */
static void layout_cards(dash_t *d) {
    pc_chart_t *c = &d->c;
    pc_rect_t in = pc_chart_panel_inner(c, d->panel[P_METRICS], 1);
    int n = d->n_cards, g = pc_chart_px(c, 8), min_h = pc_chart_px(c, 46);
    int cols = in.w / pc_chart_px(c, 150), rows, cw, ch;
    if (cols < 1) cols = 1;
    if (cols > n) cols = n;
    for (;;) {
        rows = (n + cols - 1) / cols;
        ch = (in.h - (rows - 1) * g) / rows;
        if (ch >= min_h || cols >= n || (in.w - cols * g) / (cols + 1) < pc_chart_px(c, 110)) break;
        cols++;
    }
    d->compact = ch < min_h;
    if (d->compact) {
        g = pc_chart_px(c, 3);
        ch = pc_chart_px(c, 20);
        cols = in.w / pc_chart_px(c, 180);
        if (cols < 1) cols = 1;
        if (cols > n) cols = n;
    }
    cw = (in.w - (cols - 1) * g) / cols;
    if (ch > pc_chart_px(c, 110)) ch = pc_chart_px(c, 110);
    if (cw < 0) cw = 0;
    if (ch < 0) ch = 0;
    for (int i = 0; i < n; i++) {
        pc_rect_t r = {in.x + (i % cols) * (cw + g), in.y + (i / cols) * (ch + g), cw, ch};
        if (r.y + r.h > in.y + in.h) r.w = r.h = 0; /* no room: not drawn, not clickable */
        d->card[i] = r;
    }
}

/* First index in [0, n) whose sample time is >= t (after_eq) or > t (!after_eq). */
static size_t bound(const pc_series_t *s, size_t n, double t, int after_eq) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        double v = s->samples[mid].t;
        if (after_eq ? v < t : v <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The timeline's window, samples and axes. */
static void layout_timeline(dash_t *d, const pc_model_t *m, const pc_view_state_t *st) {
    pc_chart_t *c = &d->c;
    d->sel = d->n_metrics ? (st->select >= 0 && st->select < d->n_metrics ? st->select : 0) : -1;
    d->s = d->sel >= 0 ? d->metric[d->sel] : NULL;
    double full = d->dur > 0 ? d->dur : 1;
    if (pc_isfinite(st->win_t0) && pc_isfinite(st->win_t1) && st->win_t1 > st->win_t0) {
        d->t0 = st->win_t0;
        d->t1 = st->win_t1;
        d->zoomed = 1;
    } else {
        d->t0 = 0;
        d->t1 = full;
    }
    if (!d->s) return;
    d->n_upto = pc_vc_samples_upto(d->s, d->cursor);
    d->i0 = bound(d->s, d->n_upto, d->t0, 1);
    d->i1 = bound(d->s, d->n_upto, d->t1, 0);
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = d->i0; i < d->i1; i++) {
        double v = d->s->samples[i].value;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
    }
    if (d->s->has_baseline) {
        if (d->s->baseline < lo) lo = d->s->baseline;
        if (d->s->baseline > hi) hi = d->s->baseline;
    }
    if (!(lo <= hi)) {
        lo = 0;
        hi = 1;
    }
    int nonneg = lo >= 0;
    double span = hi - lo;
    if (!(span > 0)) span = fabs(hi) > 0 ? fabs(hi) * 0.2 : 1;
    lo -= span * 0.08;
    hi += span * 0.08;
    if (nonneg && lo < 0) lo = 0;
    pc_nice_bounds(&lo, &hi, 4);

    const char *label, *unit;
    pc_dash_metric_info(d->s->name, &label, &unit);
    snprintf(d->y_title, sizeof d->y_title, "%s%s%s", d->s->name, unit[0] ? ", " : "", unit);
    if (d->zoomed) {
        char a[32], b[32], f[32];
        pc_fmt_seconds(a, sizeof a, d->t0);
        pc_fmt_seconds(b, sizeof b, d->t1);
        pc_fmt_seconds(f, sizeof f, full);
        snprintf(d->x_title, sizeof d->x_title, "seconds since start \xc2\xb7 window %s\xe2\x80\x93%s of %s (double-click: all)",
                 a, b, f);
    } else {
        snprintf(d->x_title, sizeof d->x_title, "seconds since start \xc2\xb7 wheel: zoom, drag: pan");
    }
    pc_plot_t *p = &d->plot;
    pc_rect_t in = pc_chart_panel_inner(c, d->panel[P_TIMELINE], 1);
    int titles = in.h >= pc_chart_px(c, 170); /* a short plot keeps its height for the data */
    memset(p, 0, sizeof *p);
    p->x.lo = d->t0;
    p->x.hi = d->t1;
    p->x.fmt = pc_fmt_seconds;
    p->x.title = titles ? d->x_title : NULL;
    p->y.lo = lo;
    p->y.hi = hi;
    p->y.title = titles ? d->y_title : NULL;
    p->pad_right = 8;
    d->has_plot = in.w >= pc_chart_px(c, 80) && in.h >= pc_chart_px(c, 50);
    if (d->has_plot) pc_plot_layout(c, p, in);
}

/* Lays the whole dashboard out for fb's size (fb's pixels are not touched: the input function
 * passes a size-only framebuffer). */
static void layout(dash_t *d, pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    memset(d, 0, sizeof *d);
    pc_chart_init(&d->c, fb, st->font, st->scale);
    pc_chart_t *c = &d->c;
    d->cursor = st->t_cursor >= 0 ? st->t_cursor : -1; /* NaN: everything */
    d->dur = m ? pc_model_duration(m) : 0;
    if (!pc_isfinite(d->dur) || d->dur < 0) d->dur = 0;
    d->body = pc_vc_body_rect(c);
    pc_rect_t b = d->body;
    int gap = pc_chart_px(c, 12);
    d->n_alerts = pc_dash_alerts_text(m, d->cursor, NULL, 0);
    if (d->n_alerts) {
        int bh = pc_chart_px(c, 30);
        d->banner = (pc_rect_t){b.x, b.y, b.w, bh};
        b.y += bh + gap;
        b.h -= bh + gap;
        if (b.h < 0) b.h = 0;
    }
    layout_grid(d, b, gap);
    d->n_metrics = pc_dash_metrics(m, d->metric, PC_DASH_MAX_METRICS);
    d->n_cards = d->n_metrics + 1;
    layout_cards(d);
    layout_timeline(d, m, st);
}

/* ======================= panel 1: metrics ======================= */

enum { ST_NONE, ST_OK, ST_WARN, ST_BAD };

/* A metric's status at t against its baseline; *rel receives the relative change of v. */
static int metric_status(const pc_model_t *m, const pc_series_t *s, double v, double t, double *rel) {
    *rel = NAN;
    if (pc_model_alert_at(m, s->name, t)) {
        if (s->has_baseline && s->baseline != 0) *rel = (v - s->baseline) / fabs(s->baseline);
        return ST_BAD;
    }
    if (!s->has_baseline || s->baseline == 0 || !pc_isfinite(v) || (t >= 0 && m->baseline_t > t)) return ST_NONE;
    *rel = (v - s->baseline) / fabs(s->baseline);
    double worse = pc_dash_lower_is_better(s) ? *rel : -*rel;
    return worse > pc_dash_threshold(m) / 2 ? ST_WARN : ST_OK;
}

static uint32_t status_color(const pc_chart_t *c, int st) {
    return st == ST_BAD ? c->th->bad : st == ST_WARN ? c->th->warn : st == ST_OK ? c->th->accent : c->th->text_faint;
}

static const cJSON *header_gpu(const pc_model_t *m, const char **reason) {
    const cJSON *sys = m && m->header ? cJSON_GetObjectItemCaseSensitive(m->header, "system") : NULL;
    const cJSON *why = cJSON_GetObjectItemCaseSensitive(sys, "gpu_reason");
    *reason = cJSON_IsString(why) && why->valuestring[0] ? why->valuestring : NULL;
    const cJSON *gpu = cJSON_GetObjectItemCaseSensitive(sys, "gpu");
    return cJSON_IsObject(gpu) ? gpu : NULL;
}

/* The GPU card's value and note at t: the resource sampler's gpu_percent (NVML, each
 * interval) when the run has it, else the utilization (or the name) system.gpu had at the
 * start, else "no GPU" with the reason. */
static void gpu_text(const pc_model_t *m, double t, char *value, size_t vcap, char *note, size_t ncap) {
    const char *why;
    const cJSON *gpu = header_gpu(m, &why);
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(gpu, "name");
    const char *nm = cJSON_IsString(name) ? name->valuestring : "GPU";
    double live = pc_vc_sample_at(m, "gpu_percent", t), mem = pc_vc_sample_at(m, "gpu_mem_mb", t);
    if (pc_isfinite(live)) {
        char mb[32];
        pc_fmt_percent(value, vcap, live);
        pc_dash_fmt(mb, sizeof mb, mem, "MB");
        if (pc_isfinite(mem)) snprintf(note, ncap, "%.150s \xc2\xb7 %s used", nm, mb);
        else snprintf(note, ncap, "%.200s", nm);
        return;
    }
    if (!gpu) {
        snprintf(value, vcap, "no GPU");
        snprintf(note, ncap, "%.200s", why ? why : "none found");
        return;
    }
    const cJSON *util = cJSON_GetObjectItemCaseSensitive(gpu, "utilization_percent");
    if (cJSON_IsNumber(util)) {
        pc_fmt_percent(value, vcap, util->valuedouble);
        snprintf(note, ncap, "%.200s (at the start)", nm);
    } else {
        snprintf(value, vcap, "%.60s", nm);
        snprintf(note, ncap, "utilization not reported");
    }
}

static void draw_metrics(pc_chart_t *c, const dash_t *d, const pc_model_t *m) {
    pc_chart_panel(c, d->panel[P_METRICS], "Real-time metrics");
    char value[64], note[256], pct[32], base[48];
    for (int i = 0; i < d->n_cards; i++) {
        pc_rect_t r = d->card[i];
        if (r.w <= 0 || r.h <= 0) continue;
        const char *caption = "GPU";
        uint32_t col = c->th->text_dim;
        int st = ST_NONE;
        if (i < d->n_metrics) {
            const pc_series_t *s = d->metric[i];
            const char *unit;
            pc_dash_metric_info(s->name, &caption, &unit);
            size_t n = pc_vc_samples_upto(s, d->cursor);
            double v = n ? s->samples[n - 1].value : NAN, rel;
            pc_dash_fmt(value, sizeof value, v, unit);
            st = metric_status(m, s, v, d->cursor, &rel);
            if (st == ST_NONE) {
                snprintf(note, sizeof note, "%s", n ? "no baseline" : "no sample yet");
            } else {
                pc_fmt_percent(pct, sizeof pct, rel * 100);
                pc_dash_fmt(base, sizeof base, s->baseline, unit);
                snprintf(note, sizeof note, "%s%s%s vs baseline %s", st == ST_BAD ? "REGRESSION " : "",
                         rel >= 0 ? "+" : "", pct, base);
            }
            col = n ? status_color(c, st) : c->th->text_faint;
            if (st == ST_NONE && n) col = c->th->text;
        } else {
            gpu_text(m, d->cursor, value, sizeof value, note, sizeof note);
        }
        float rad = pc_chart_pxf(c, 4.5f);
        if (d->compact) { /* "● caption  value" on one line */
            char row[160], fit[160];
            snprintf(row, sizeof row, "%s  %s", caption, value);
            pc_gfx_circle(c->fb, (float)r.x + pc_chart_pxf(c, 8), (float)r.y + r.h * 0.5f, rad, status_color(c, st));
            if (c->font) {
                pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_TICK), row, r.w - pc_chart_px(c, 22), fit, sizeof fit);
                pc_chart_text(c, r.x + pc_chart_px(c, 18), r.y + r.h / 2, PC_TEXT_TICK, col, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, fit);
            }
        } else { /* a card; the status as a dot in its top-right corner */
            pc_chart_kpi(c, r, caption, value, note, col);
            pc_gfx_circle(c->fb, (float)(r.x + r.w) - pc_chart_pxf(c, 12), (float)r.y + pc_chart_pxf(c, 12), rad,
                          status_color(c, st));
        }
        if (i == d->sel) /* the metric the timeline shows */
            pc_gfx_round_rect_stroke(c->fb, (float)r.x, (float)r.y, (float)r.w, (float)r.h, pc_chart_pxf(c, d->compact ? 4 : 8),
                                     pc_chart_pxf(c, d->compact ? 1.5f : 2), c->th->accent);
    }
}

/* ======================= panel 2: timeline ======================= */

static void draw_timeline(pc_vframe_t *f, dash_t *d, const pc_model_t *m) {
    pc_chart_t *c = &f->c;
    const char *label = NULL, *unit = "";
    if (d->s) pc_dash_metric_info(d->s->name, &label, &unit);
    char head[96];
    snprintf(head, sizeof head, "Timeline%s%s", label ? " \xc2\xb7 " : "", label ? label : "");
    pc_rect_t in = pc_chart_panel(c, d->panel[P_TIMELINE], head);
    if (!d->s) {
        pc_chart_message(c, in, "No metric samples in this run", "metric records (tracker metrics, frame times) appear here");
        return;
    }
    if (!d->has_plot) return;
    pc_plot_t *p = &d->plot;
    pc_plot_draw_axes(c, p);
    const pc_series_t *s = d->s;
    pc_rect_t a = p->area;
    pc_legend_item_t items[4];
    int ni = 0;
    uint32_t col = c->th->series[2];
    items[ni++] = (pc_legend_item_t){s->name, col, PC_LEGEND_LINE};

    /* baseline and the level an alert fires at */
    if (s->has_baseline && (d->cursor < 0 || m->baseline_t <= d->cursor)) {
        int dash = pc_chart_px(c, 6), gap = pc_chart_px(c, 4), lw = pc_chart_px(c, 1);
        int yb = (int)floor(pc_plot_fy(p, s->baseline));
        double thr = pc_dash_threshold(m);
        double lvl = s->baseline * (pc_dash_lower_is_better(s) ? 1 + thr : 1 - thr);
        int yt = (int)floor(pc_plot_fy(p, lvl));
        if (yt >= a.y && yt < a.y + a.h)
            pc_gfx_hline_dashed(c->fb, a.x, a.x + a.w - 1, yt, lw, pc_chart_px(c, 3), gap, pc_color_alpha(c->th->bad, 150));
        if (yb >= a.y && yb < a.y + a.h) {
            pc_gfx_hline_dashed(c->fb, a.x, a.x + a.w - 1, yb, lw, dash, gap, c->th->warn);
            char bt[64], v[48];
            pc_dash_fmt(v, sizeof v, s->baseline, unit);
            snprintf(bt, sizeof bt, "baseline %s", v);
            pc_chart_badge(c, a.x + pc_chart_px(c, 4), yb - pc_chart_px(c, 3), PC_ALIGN_LEFT | PC_ALIGN_BOTTOM,
                           PC_TEXT_SMALL, c->th->text, pc_color_alpha(c->th->warn, 60), bt);
        }
        items[ni++] = (pc_legend_item_t){"baseline", c->th->warn, PC_LEGEND_DASH};
    }

    if (d->i0 >= d->i1) {
        pc_chart_message(c, a, "No samples in this window", d->zoomed ? "double-click to see the whole run" : NULL);
    } else {
        /* one sample beyond each edge, so the line runs out of the window instead of stopping */
        size_t j0 = d->i0 > 0 ? d->i0 - 1 : 0, j1 = d->i1 < d->n_upto ? d->i1 + 1 : d->i1;
        pc_vc_samples_curve(c, p, s, j0, j1, col, 1.75f);
        if (d->i1 - d->i0 <= (size_t)(a.w / pc_chart_px(c, 8)))
            for (size_t i = d->i0; i < d->i1; i++)
                pc_gfx_circle(&p->clip, pc_plot_cx(p, s->samples[i].t), pc_plot_cy(p, s->samples[i].value),
                              pc_chart_pxf(c, 2.5f), col);
    }

    /* anomalies: rings in the warning red */
    size_t idx[MAX_MARKS];
    size_t na = pc_dash_anomalies(s, d->n_upto, d->i0, d->i1, idx, MAX_MARKS, NULL);
    for (size_t k = 0; k < na && k < MAX_MARKS; k++) {
        const pc_sample_t *q = &s->samples[idx[k]];
        pc_gfx_ring(&p->clip, pc_plot_cx(p, q->t), pc_plot_cy(p, q->value), pc_chart_pxf(c, 5.5f), pc_chart_pxf(c, 2),
                    c->th->bad);
    }
    char an[48];
    if (na) {
        snprintf(an, sizeof an, "%zu %s", na, na == 1 ? "anomaly" : "anomalies");
        items[ni++] = (pc_legend_item_t){an, c->th->bad, PC_LEGEND_BOX};
    }

    /* alert records of this metric: red where it entered regression, green where it recovered,
     * labelled like percentile markers (rows placed so labels never overlap) */
    pc_vc_marker_t mk[12];
    int n_marks = 0;
    for (int i = 0; i < m->n_alerts && n_marks < 12; i++) {
        const pc_alert_t *al = &m->alerts[i];
        if (strcmp(al->metric, s->name) != 0 || (d->cursor >= 0 && al->t > d->cursor)) continue;
        if (al->t < d->t0 || al->t > d->t1) continue;
        pc_vc_marker_t *k = &mk[n_marks++];
        char pct[32];
        pc_fmt_percent(pct, sizeof pct, al->change * 100);
        if (al->active)
            snprintf(k->text, sizeof k->text, "alert +%s", pct);
        else
            snprintf(k->text, sizeof k->text, "recovered");
        k->x = (int)floor(pc_plot_fx(p, al->t));
        k->color = al->active ? c->th->bad : c->th->accent;
    }
    if (n_marks) {
        pc_vc_place_markers(c, p, mk, n_marks);
        pc_vc_draw_markers(c, p, mk, n_marks);
        items[ni++] = (pc_legend_item_t){"alert", c->th->bad, PC_LEGEND_DASH};
    }
    if (p->y.title) pc_vc_plot_legend_beside_title(f, p, items, items, ni); /* a short plot has no room above it */
}

/* ======================= panel 3: bottleneck analyzer ======================= */

typedef struct ice {
    pc_chart_t *c;
    const pc_dash_edge_t *e;
    int ne;
    pc_rect_t area;
    int row_h, depth;
    const char *path[ICE_DEPTH];
} ice_t;

/* A timer's colour, fixed by its name (FNV-1a), so it is the same in every frame. */
static uint32_t name_color(const pc_chart_t *c, const char *name) {
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) h = (h ^ *p) * 16777619u;
    return pc_color_mix(c->th->panel, c->th->series[h % PC_THEME_SERIES], 190);
}

/* Time of `name` over every place it is called from: the sum of the edges into it. */
static double into_total(const ice_t *k, const char *name) {
    double t = 0;
    for (int i = 0; i < k->ne; i++)
        if (strcmp(k->e[i].child, name) == 0) t += k->e[i].total_ns;
    return t;
}

/* One icicle node [x, x + w) at `depth`, then its children under it. A timer called from
 * several parents has one set of child edges for all of them: each place gets its share of
 * the children in proportion to its own time (width = w * edge time / the timer's total). */
static void ice_node(ice_t *k, const char *name, double x, double w, int depth) {
    pc_chart_t *c = k->c;
    if (depth >= k->depth || !(w >= 1)) return;
    int x0 = (int)floor(x), x1 = (int)floor(x + w);
    int y = k->area.y + depth * k->row_h;
    if (x1 - x0 >= 2) {
        pc_gfx_fill_rect(c->fb, x0, y, x1 - x0 - 1, k->row_h - 1, name_color(c, name));
        if (x1 - x0 > pc_chart_px(c, 28) && c->font) {
            char fit[96];
            pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_SMALL), name, x1 - x0 - pc_chart_px(c, 7), fit, sizeof fit);
            pc_chart_text(c, x0 + pc_chart_px(c, 3), y + k->row_h / 2, PC_TEXT_SMALL, c->th->bg,
                          PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, fit);
        }
    }
    k->path[depth] = name;
    double tot = into_total(k, name), cx = x;
    if (!(tot > 0)) return;
    for (int i = 0; i < k->ne; i++) {
        if (strcmp(k->e[i].parent, name) != 0) continue;
        int cycle = 0;
        for (int j = 0; j <= depth && !cycle; j++) cycle = strcmp(k->path[j], k->e[i].child) == 0;
        if (cycle) continue;
        double cw = w * k->e[i].total_ns / tot;
        if (cw > x + w - cx) cw = x + w - cx;
        ice_node(k, k->e[i].child, cx, cw, depth + 1);
        cx += cw;
    }
}

static void draw_icicle(pc_chart_t *c, pc_rect_t r, const pc_dash_edge_t *e, int ne, const pc_model_t *m) {
    if (r.h < pc_chart_px(c, 30) || r.w < pc_chart_px(c, 40)) return;
    double roots = 0;
    for (int i = 0; i < ne; i++)
        if (!e[i].parent[0]) roots += e[i].total_ns;
    if (!(roots > 0)) return;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(m->calls, "t");
    char head[96], ts[32] = "";
    if (cJSON_IsNumber(t)) pc_fmt_seconds(ts, sizeof ts, t->valuedouble);
    snprintf(head, sizeof head, "call tree: width = time, roots of every thread side by side%s%s", ts[0] ? " \xc2\xb7 at " : "",
             ts);
    char fit[128];
    if (c->font) {
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_SMALL), head, r.w, fit, sizeof fit);
        pc_chart_text(c, r.x, r.y, PC_TEXT_SMALL, c->th->text_dim, PC_ALIGN_LEFT | PC_ALIGN_TOP, fit);
    }
    ice_t k = {.c = c, .e = e, .ne = ne, .row_h = pc_chart_px(c, 18)};
    k.area = (pc_rect_t){r.x, r.y + pc_chart_px(c, 18), r.w, r.h - pc_chart_px(c, 18)};
    k.depth = k.area.h / k.row_h;
    if (k.depth > ICE_DEPTH) k.depth = ICE_DEPTH;
    double x = r.x;
    for (int i = 0; i < ne; i++) {
        if (e[i].parent[0]) continue;
        double w = r.w * e[i].total_ns / roots;
        ice_node(&k, e[i].child, x, w, 0);
        x += w;
    }
}

static void draw_bottleneck(pc_chart_t *c, const dash_t *d, const pc_model_t *m) {
    pc_rect_t in = pc_chart_panel(c, d->panel[P_BOTTLENECK], "Bottleneck analyzer");
    pc_dash_edge_t edges[PC_DASH_MAX_EDGES];
    pc_dash_timer_t tm[PC_DASH_MAX_TIMERS];
    int ne = pc_dash_edges(m, edges, PC_DASH_MAX_EDGES);
    int nt = pc_dash_timers(m, d->cursor, edges, ne, tm, PC_DASH_MAX_TIMERS);
    if (!nt && !ne) {
        pc_chart_message(c, in, "No timers in this run", "tracker timers (PC_TRACK, start/end) appear here");
        return;
    }
    int row_h = pc_chart_px(c, 27);
    int bars_h = ne ? in.h * 11 / 20 : in.h;
    int rows = bars_h / row_h;
    if (rows > nt) rows = nt;
    double maxv = nt ? tm[0].total_ns : 0;
    char line[192], mean[32], share[48];
    for (int i = 0; i < rows; i++) {
        int y = in.y + i * row_h;
        const char *root = tm[i].root ? NULL : pc_dash_root_of(edges, ne, tm[i].name);
        double rt = 0;
        for (int j = 0; root && j < nt; j++)
            if (strcmp(tm[j].name, root) == 0) rt = tm[j].total_ns;
        if (tm[i].root)
            snprintf(share, sizeof share, "root");
        else if (rt > 0)
            snprintf(share, sizeof share, "%.0f%% of %.24s", tm[i].total_ns / rt * 100, root);
        else
            share[0] = '\0';
        pc_fmt_ns(mean, sizeof mean, tm[i].total_ns / tm[i].calls);
        snprintf(line, sizeof line, "%.40s%s%s \xc2\xb7 mean %s \xc2\xb7 %.0f calls", tm[i].name, share[0] ? " \xc2\xb7 " : "",
                 share, mean, tm[i].calls);
        char fit[192];
        if (c->font) {
            pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_SMALL), line, in.w, fit, sizeof fit);
            pc_chart_text(c, in.x, y, PC_TEXT_SMALL, c->th->text, PC_ALIGN_LEFT | PC_ALIGN_TOP, fit);
        }
        int by = y + pc_chart_px(c, 16), bh = pc_chart_px(c, 6);
        int bw = maxv > 0 ? (int)floor(in.w * tm[i].total_ns / maxv + 0.5) : 0;
        pc_gfx_fill_rect(c->fb, in.x, by, in.w, bh, c->th->grid);
        pc_gfx_fill_rect(c->fb, in.x, by, bw > 1 ? bw : 1, bh, name_color(c, tm[i].name));
    }
    if (ne) {
        int top = in.y + (rows ? rows * row_h + pc_chart_px(c, 6) : 0);
        draw_icicle(c, (pc_rect_t){in.x, top, in.w, in.y + in.h - top}, edges, ne, m);
    }
}

/* ======================= panel 4: resources ======================= */

/* "label   value" on one line from y when it fits above in's bottom; returns the y of the next line. */
static int res_line(pc_chart_t *c, pc_rect_t in, int y, const char *label, const char *value, uint32_t color) {
    int lw = pc_chart_px(c, 64);
    if (y + pc_chart_px(c, 15) > in.y + in.h) return y;
    if (c->font) {
        char fit[256];
        pc_chart_text(c, in.x, y, PC_TEXT_TICK, c->th->text_dim, PC_ALIGN_LEFT | PC_ALIGN_TOP, label);
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_TICK), value, in.w - lw, fit, sizeof fit);
        pc_chart_text(c, in.x + lw, y, PC_TEXT_TICK, color, PC_ALIGN_LEFT | PC_ALIGN_TOP, fit);
    }
    return y + pc_chart_px(c, 19);
}

/* Per-core utilization as vertical bars in r (0..100%), each labelled when there is room. */
static void core_bars(pc_chart_t *c, pc_rect_t r, const double *v, int n) {
    int lab_h = pc_chart_px(c, 14), gap = pc_chart_px(c, 3);
    int bw = (r.w - (n - 1) * gap) / n;
    if (bw < 1) bw = 1;
    if (r.h < 2 * lab_h + pc_chart_px(c, 16) || bw < pc_chart_px(c, 30)) lab_h = 0; /* bars only */
    int bar_h = r.h - 2 * lab_h;
    if (bar_h < 4) return;
    for (int i = 0; i < n; i++) {
        int x = r.x + i * (bw + gap);
        double f = pc_isfinite(v[i]) ? v[i] / 100 : 0;
        if (f < 0) f = 0;
        if (f > 1) f = 1;
        int h = (int)floor(bar_h * f + 0.5);
        int y0 = r.y + lab_h;
        pc_gfx_fill_rect(c->fb, x, y0, bw, bar_h, c->th->grid);
        pc_gfx_fill_rect(c->fb, x, y0 + bar_h - h, bw, h, pc_color_mix(c->th->panel, c->th->series[2], 220));
        if (lab_h) {
            char t[32], id[16];
            pc_fmt_percent(t, sizeof t, pc_isfinite(v[i]) ? v[i] : 0);
            snprintf(id, sizeof id, "cpu%d", i);
            pc_chart_text(c, x + bw / 2, r.y, PC_TEXT_SMALL, c->th->text, PC_ALIGN_CENTER | PC_ALIGN_TOP, t);
            pc_chart_text(c, x + bw / 2, y0 + bar_h + pc_chart_px(c, 2), PC_TEXT_SMALL, c->th->text_faint,
                          PC_ALIGN_CENTER | PC_ALIGN_TOP, id);
        }
    }
}

/* MB the process read or wrote up to t: the rate samples (MB/s over the interval that ended at
 * each sample) times their intervals; the first sample's interval is taken as the second's. */
static double io_total_mb(const pc_series_t *s, double t) {
    if (!s) return NAN;
    size_t n = pc_vc_samples_upto(s, t);
    double mb = 0;
    for (size_t i = 0; i < n; i++) {
        double dt = i ? s->samples[i].t - s->samples[i - 1].t : n > 1 ? s->samples[1].t - s->samples[0].t : 0;
        if (dt > 0) mb += s->samples[i].value * dt;
    }
    return n ? mb : NAN;
}

static void draw_resources(pc_chart_t *c, const dash_t *d, const pc_model_t *m) {
    pc_rect_t in = pc_chart_panel(c, d->panel[P_RESOURCES], "Resources");
    double t = d->cursor, cores[MAX_CORES];
    int n_cores = 0;
    for (; n_cores < MAX_CORES; n_cores++) {
        char name[32];
        snprintf(name, sizeof name, "core%d_percent", n_cores);
        const pc_series_t *s = pc_model_series(m, name);
        if (!s || !s->n_samples) break;
        cores[n_cores] = pc_vc_sample_at(m, name, t);
    }
    double cpu = pc_vc_sample_at(m, "cpu_percent", t), rss = pc_vc_sample_at(m, "rss_mb", t);
    double rd = pc_vc_sample_at(m, "io_read_mb_s", t), wr = pc_vc_sample_at(m, "io_write_mb_s", t);
    double iow = pc_vc_sample_at(m, "iowait_percent", t);
    if (!pc_isfinite(rss)) rss = pc_vc_sample_at(m, "memory_mb", t);
    int y = in.y, bottom = in.y + in.h;
    if (!n_cores && !pc_isfinite(cpu) && !pc_isfinite(rss) && !pc_isfinite(rd) && !pc_isfinite(iow)) {
        pc_rect_t msg = {in.x, in.y, in.w, in.h - pc_chart_px(c, 40)};
        if (msg.h > pc_chart_px(c, 30)) {
            pc_chart_message(c, msg, "No resource samples in this run", NULL);
            y = in.y + in.h - pc_chart_px(c, 40);
        }
    }
    char a[64], b[64], line[256];
    if (n_cores) {
        int strip = in.h * 2 / 5 > pc_chart_px(c, 44) ? in.h * 2 / 5 : in.h / 4;
        if (strip > pc_chart_px(c, 110)) strip = pc_chart_px(c, 110);
        core_bars(c, (pc_rect_t){in.x, y, in.w, strip}, cores, n_cores);
        y += strip + pc_chart_px(c, 8);
    }
    if (pc_isfinite(cpu) && y + pc_chart_px(c, 18) <= bottom) {
        double all = 100.0 * (n_cores ? n_cores : 1);
        pc_fmt_percent(a, sizeof a, cpu);
        pc_fmt_percent(b, sizeof b, all);
        snprintf(line, sizeof line, "process CPU %s of %s (100%% = one core)", a, b);
        pc_chart_progress(c, (pc_rect_t){in.x, y, in.w, pc_chart_px(c, 18)}, cpu / all, line);
        y += pc_chart_px(c, 26);
    }
    if (pc_isfinite(rss)) {
        /* the peak: the summary's high-water mark (a finished run), else the largest sample */
        const pc_series_t *rs = pc_model_series(m, pc_model_series(m, "rss_mb") ? "rss_mb" : "memory_mb");
        double peak = t < 0 ? pc_model_summary_num(m, "peak_rss_mb", NAN) : NAN;
        for (size_t i = 0, n = pc_vc_samples_upto(rs, t); i < n; i++)
            if (!(peak >= rs->samples[i].value)) peak = rs->samples[i].value;
        pc_dash_fmt(a, sizeof a, rss, "MB");
        if (pc_isfinite(peak)) {
            pc_dash_fmt(b, sizeof b, peak, "MB");
            snprintf(line, sizeof line, "%s resident \xc2\xb7 peak %s", a, b);
        } else {
            snprintf(line, sizeof line, "%s resident", a);
        }
        y = res_line(c, in, y, "memory", line, c->th->text);
    }
    if (pc_isfinite(rd) || pc_isfinite(wr)) {
        char ta[32], tb[32];
        pc_dash_fmt(a, sizeof a, rd, "MB/s");
        pc_dash_fmt(b, sizeof b, wr, "MB/s");
        pc_dash_fmt(ta, sizeof ta, io_total_mb(pc_model_series(m, "io_read_mb_s"), t), "MB");
        pc_dash_fmt(tb, sizeof tb, io_total_mb(pc_model_series(m, "io_write_mb_s"), t), "MB");
        snprintf(line, sizeof line, "%s \xc2\xb7 %s in all", a, ta);
        y = res_line(c, in, y, "I/O read", line, c->th->text);
        snprintf(line, sizeof line, "%s \xc2\xb7 %s in all", b, tb);
        y = res_line(c, in, y, "I/O write", line, c->th->text);
    }
    if (pc_isfinite(iow)) {
        pc_fmt_percent(a, sizeof a, iow);
        snprintf(line, sizeof line, "%s of CPU time (machine)", a);
        y = res_line(c, in, y, "iowait", line, c->th->text);
    }
    const char *why;
    const cJSON *gpu = header_gpu(m, &why);
    if (gpu || pc_isfinite(pc_vc_sample_at(m, "gpu_percent", t))) {
        char v[64], note[256];
        gpu_text(m, t, v, sizeof v, note, sizeof note);
        snprintf(line, sizeof line, "%s \xc2\xb7 %.120s", v, note);
        res_line(c, in, y, "GPU", line, c->th->text);
    } else if (pc_vc_has_run(m)) {
        snprintf(line, sizeof line, "no GPU: %.150s", why ? why : "none found");
        int lw = pc_chart_px(c, 64), lines = (bottom - y) / pc_chart_px(c, 16);
        if (c->font && lines > 0) pc_chart_text(c, in.x, y, PC_TEXT_TICK, c->th->text_dim, PC_ALIGN_LEFT | PC_ALIGN_TOP, "GPU");
        pc_vc_wrap_text(c, in.x + lw, y, in.w - lw, PC_TEXT_TICK, c->th->text_faint, line, lines < 3 ? lines : 3,
                        pc_chart_px(c, 16));
    }
}

/* ======================= panel 5: suggestions ======================= */

static void draw_suggestions(pc_chart_t *c, const dash_t *d, const pc_model_t *m) {
    pc_rect_t in = pc_chart_panel(c, d->panel[P_SUGGEST], "Suggestions");
    pc_dash_tip_t tips[PC_DASH_MAX_TIPS];
    int n = pc_dash_suggest(m, d->cursor, tips, PC_DASH_MAX_TIPS);
    if (!n) {
        pc_chart_message(c, in, "Nothing to suggest from this run's data",
                         "the rules read tile sweeps, threads, SIMD, timers, baselines and alerts");
        return;
    }
    int line_h = pc_chart_px(c, 16), indent = pc_chart_px(c, 14), y = in.y;
    for (int i = 0; i < n; i++) {
        int room = (in.y + in.h - y) / line_h;
        if (room < 1) break;
        int lines = pc_vc_wrap_lines(c, in.w - indent, PC_TEXT_TICK, tips[i].text, room);
        uint32_t dot = tips[i].level == 2 ? c->th->bad : tips[i].level == 1 ? c->th->warn : c->th->accent;
        pc_gfx_circle(c->fb, (float)in.x + pc_chart_pxf(c, 4), (float)y + line_h * 0.5f, pc_chart_pxf(c, 3.5f), dot);
        y = pc_vc_wrap_text(c, in.x + indent, y, in.w - indent, PC_TEXT_TICK, tips[i].level == 2 ? c->th->bad : c->th->text,
                            tips[i].text, lines, line_h) +
            pc_chart_px(c, 6);
    }
}

/* ======================= the view ======================= */

static void draw_banner(pc_chart_t *c, const dash_t *d, const pc_model_t *m) {
    pc_rect_t r = d->banner;
    if (r.h <= 0 || r.w <= 0) return;
    char txt[512], line[600], fit[600];
    pc_dash_alerts_text(m, d->cursor, txt, sizeof txt);
    snprintf(line, sizeof line, "\xe2\x9a\xa0 Regression: %s", txt);
    pc_gfx_round_rect(c->fb, (float)r.x, (float)r.y, (float)r.w, (float)r.h, pc_chart_pxf(c, 6), c->th->bad);
    if (c->font) {
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_LABEL), line, r.w - pc_chart_px(c, 24), fit, sizeof fit);
        pc_chart_text(c, r.x + pc_chart_px(c, 12), r.y + r.h / 2, PC_TEXT_LABEL, c->th->bg, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE,
                      fit);
    }
}

int pc_view_dashboard(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    int r = pc_vc_begin_run(&f, fb, m, st, "Performance dashboard");
    if (r) return r < 0 ? r : 0;
    dash_t d;
    layout(&d, fb, m, st);
    pc_chart_t *c = &f.c;
    draw_banner(c, &d, m);
    draw_metrics(c, &d, m);
    draw_timeline(&f, &d, m);
    draw_bottleneck(c, &d, m);
    draw_resources(c, &d, m);
    draw_suggestions(c, &d, m);
    return 0;
}

/* ======================= input ======================= */

/* The card under (x, y), or -1. */
static int card_at(const dash_t *d, float x, float y) {
    for (int i = 0; i < d->n_cards; i++)
        if (inside(d->card[i], x, y)) return i;
    return -1;
}

/* Sets the window to [t0, t0 + span] inside [0, full]; 1 when it changed. */
static int set_window(pc_view_state_t *st, double t0, double span, double full) {
    if (span >= full) { /* as wide as the run: back to "the whole run" */
        int changed = st->win_t1 > st->win_t0;
        st->win_t0 = st->win_t1 = 0;
        return changed;
    }
    if (t0 < 0) t0 = 0;
    if (t0 + span > full) t0 = full - span;
    if (st->win_t1 > st->win_t0 && st->win_t0 == t0 && st->win_t1 == t0 + span) return 0;
    st->win_t0 = t0;
    st->win_t1 = t0 + span;
    return 1;
}

int pc_view_dashboard_input(pc_view_state_t *st, const pc_model_t *m, int w, int h, const pc_view_input_t *in) {
    if (!st || !in || w < 1 || h < 1 || !pc_vc_has_run(m)) return 0;
    if (!pc_isfinite(in->x) || !pc_isfinite(in->y)) return 0;
    pc_fb_t fb = {NULL, w, h, w}; /* the layout needs the size only */
    dash_t d;
    layout(&d, &fb, m, st);
    pc_rect_t a = d.plot.area;
    int on_plot = d.has_plot && d.s && inside(a, in->x, in->y);
    double full = d.dur > 0 ? d.dur : 1, span = d.t1 - d.t0;
    switch (in->kind) {
    case PC_INPUT_WHEEL: {
        if (!on_plot || !pc_isfinite(in->delta) || in->delta == 0) return 0;
        double delta = in->delta < -1000 ? -1000 : in->delta > 1000 ? 1000 : in->delta;
        double f = pc_exp(delta * 0.0015); /* a 100-unit wheel notch: 1.16x */
        double ns = span * f, min_span = full * 1e-4;
        if (ns < min_span) ns = min_span;
        double tp = d.t0 + ((double)in->x - a.x) / a.w * span; /* the time under the pointer stays put */
        return set_window(st, tp - (tp - d.t0) * (ns / span), ns, full);
    }
    case PC_INPUT_DOWN:
        st->drag = on_plot ? 1 : card_at(&d, in->x, in->y) >= 0 ? 2 : 0;
        st->drag_x = in->x;
        st->drag_y = in->y;
        st->drag_t0 = d.t0;
        st->drag_t1 = d.t1;
        return 0;
    case PC_INPUT_MOVE: {
        if (st->drag != 1 || !(a.w > 0)) return 0;
        double ds = st->drag_t1 - st->drag_t0;
        if (!(ds > 0) || ds >= full) return 0; /* the whole run is shown: nothing to pan */
        return set_window(st, st->drag_t0 - ((double)in->x - st->drag_x) / a.w * ds, ds, full);
    }
    case PC_INPUT_UP: {
        int was = st->drag;
        st->drag = 0;
        float moved = fabsf(in->x - st->drag_x) + fabsf(in->y - st->drag_y);
        if (was != 2 || moved > pc_chart_pxf(&d.c, 4)) return 0;
        int k = card_at(&d, in->x, in->y);
        if (k < 0 || k >= d.n_metrics || k != card_at(&d, st->drag_x, st->drag_y) || k == d.sel) return 0;
        st->select = k;
        return 1;
    }
    case PC_INPUT_DBLCLICK:
        if (!inside(d.panel[P_TIMELINE], in->x, in->y) || !d.zoomed) return 0;
        st->win_t0 = st->win_t1 = 0;
        return 1;
    default:
        return 0;
    }
}

int pc_view_dashboard_geom(const pc_model_t *m, const pc_view_state_t *st, int w, int h, pc_dash_geom_t *g) {
    if (!st || !g || w < 1 || h < 1) return PC_EINVAL;
    pc_fb_t fb = {NULL, w, h, w};
    dash_t d;
    layout(&d, &fb, m, st);
    memset(g, 0, sizeof *g);
    if (d.has_plot && d.s) g->plot = d.plot.area;
    g->n_cards = d.n_cards;
    g->n_metrics = d.n_metrics;
    for (int i = 0; i < d.n_cards && i < 16; i++) g->card[i] = d.card[i];
    g->banner = d.banner;
    g->t0 = d.t0;
    g->t1 = d.t1;
    g->select = d.sel;
    return 0;
}

int pc_view_dashboard_select_index(const pc_model_t *m, const char *name) {
    const pc_series_t *ms[PC_DASH_MAX_METRICS];
    int n = pc_dash_metrics(m, ms, PC_DASH_MAX_METRICS);
    for (int i = 0; name && i < n; i++)
        if (strcmp(ms[i]->name, name) == 0) return i;
    return -1;
}

const char *pc_view_dashboard_metric_name(const pc_model_t *m, int i) {
    const pc_series_t *ms[PC_DASH_MAX_METRICS];
    int n = pc_dash_metrics(m, ms, PC_DASH_MAX_METRICS);
    return i >= 0 && i < n ? ms[i]->name : NULL;
}
