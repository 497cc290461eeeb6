/* ringbuf_views.c — the ringbuf suite's four views, and the records each one reads:
 *
 *   latency-histogram   hist records: each queue's one-way latency (ns) on a log axis, merged
 *                       into log-spaced display bins (share of samples per bin), with dashed
 *                       p50/p99/p99.9 markers; the header's params.rate names the mode.
 *   throughput-timeline window records: messages/s per window on a log axis, each queue's
 *                       phase overlaid from its own start (t - first window's start), points
 *                       at window midpoints, dashed mean; only windows ending before the cursor.
 *   comparison          summary (else windows and hist): throughput bars with the speed-up,
 *                       and p50/p99/p99.9 bars per queue on a log axis.
 *   summary             header (run id, start, system), progress/end, summary keys (else live
 *                       values from windows and hist, marked "so far").
 *
 * Every view draws something sensible for any model state (NULL or empty model, one series,
 * a run still in progress, zero counts), allocates nothing (bounded stack arrays only) and
 * keeps no state between frames. Series are matched by name: "spsc" is always green and
 * "mutex" orange, whatever order they arrive in. */
#include "ringbuf_views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "font.h"
#include "hist.h"
#include "pcmath.h"
#include "view_common.h"

#define MAX_DRAWN 4     /* series a view draws (ringbuf has two) */
#define MAX_BINS PC_VC_MAX_BINS

#define QUANTILES PC_VC_QUANTILES
#define QUANTILE_NAMES PC_VC_QUANTILE_NAMES
#define QUANTILE_KEYS PC_VC_QUANTILE_KEYS

typedef pc_vframe_t frame_t;

static uint32_t series_color(const pc_chart_t *c, const pc_series_t *s, int index) {
    if (strcmp(s->name, "spsc") == 0) return c->th->series[0];
    if (strcmp(s->name, "mutex") == 0) return c->th->series[1];
    return c->th->series[(index + 2) % PC_THEME_SERIES];
}

/* A summary number "<series>_<suffix>", or NAN. */
static double summary_num(const pc_model_t *m, const char *series, const char *suffix) {
    char key[96];
    snprintf(key, sizeof key, "%s_%s", series, suffix);
    double v = m ? pc_model_summary_num(m, key, NAN) : NAN;
    return v >= 0 ? v : NAN; /* negative rates or latencies are not measurements */
}

/* ======================= latency-histogram ======================= */

/* The run's latency mode from its parameters: "one message in flight" or "paced at …". */
static void latency_mode(const pc_model_t *m, char *buf, size_t cap) {
    buf[0] = '\0';
    if (!pc_vc_has_run(m)) return;
    double rate = pc_model_param_num(m, "rate", NAN);
    if (!pc_isfinite(rate)) return;
    if (rate <= 0) {
        snprintf(buf, cap, "one message in flight");
    } else {
        char r[48];
        pc_fmt_si(r, sizeof r, rate, "msg/s");
        snprintf(buf, cap, "paced at %s", r);
    }
}

int pc_view_ringbuf_latency(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    frame_t f;
    char mode[96], run[128], sub[256];
    latency_mode(m, mode, sizeof mode);
    pc_vc_run_text(m, run, sizeof run);
    snprintf(sub, sizeof sub, "%s%s%s", mode, mode[0] && run[0] ? " \xc2\xb7 " : "", run);
    int r = pc_vc_begin(&f, fb, m, st, "One-way latency", sub);
    if (r) return r;
    pc_chart_t *c = &f.c;

    const pc_series_t *ser[MAX_DRAWN];
    uint32_t col[MAX_DRAWN];
    int n = 0;
    uint64_t vmin = UINT64_MAX, vmax = 0;
    for (int i = 0; m && i < m->n_series && n < MAX_DRAWN; i++) {
        const pc_series_t *s = &m->series[i];
        if (!pc_vc_series_has_hist(s)) continue;
        ser[n] = s;
        col[n] = series_color(c, s, i);
        n++;
        if (s->hist->min < vmin) vmin = s->hist->min;
        if (s->hist->max > vmax) vmax = s->hist->max;
    }
    if (n == 0) return pc_vc_nothing_yet(&f, "No latency samples yet");

    /* x domain: the data's range padded a little, at least one decade wide */
    pc_plot_t p;
    pc_vc_latency_plot(&f, &p, vmin, vmax, "one-way latency (log scale)", "share of samples per bin");

    /* display bins: log-spaced, aligned to decades */
    double edges[MAX_BINS + 1];
    int nb = pc_vc_hist_edges(c, &p, edges);

    double share[MAX_DRAWN][MAX_BINS];
    double smax = 0;
    for (int j = 0; j < n; j++) {
        pc_vc_bin_hist(ser[j]->hist, (double)ser[j]->hist->total, edges, nb, share[j]);
        smax = pc_vc_share_max(share[j], nb, smax);
    }

    /* percentile markers, then headroom above the curves for their labels */
    pc_vc_marker_t mk[MAX_DRAWN * 3];
    int nm = 0;
    for (int pass = 0; pass < 2; pass++) {
        nm = 0;
        for (int j = 0; j < n; j++)
            for (int q = 0; q < 3; q++) {
                double v = (double)pc_hist_quantile(ser[j]->hist, QUANTILES[q]);
                pc_vc_quantile_marker(&mk[nm++], &p, QUANTILE_NAMES[q], v, col[j]);
            }
        int rows = pc_vc_place_markers(c, &p, mk, nm);
        if (pass == 1) break;
        pc_vc_fit_headroom(&f, &p, rows, smax);
    }
    pc_plot_draw_axes(c, &p);

    /* the curves: translucent step areas first, outlines on top */
    for (int pass = 0; pass < 2; pass++)
        for (int j = 0; j < n; j++) pc_vc_hist_curve(c, &p, edges, nb, share[j], col[j], pass);

    /* percentile markers: dashed lines from their label down to the axis */
    pc_vc_draw_markers(c, &p, mk, nm);

    /* legend: "label · 100 k samples" */
    pc_legend_item_t items[MAX_DRAWN], short_items[MAX_DRAWN];
    char labels[MAX_DRAWN][128];
    for (int j = 0; j < n; j++) {
        char cnt[32];
        pc_fmt_si(cnt, sizeof cnt, (double)ser[j]->hist->total, NULL);
        snprintf(labels[j], sizeof labels[j], "%s \xc2\xb7 %s samples", pc_vc_series_label(ser[j]), cnt);
        items[j] = (pc_legend_item_t){labels[j], col[j], PC_LEGEND_BOX};
        short_items[j] = (pc_legend_item_t){ser[j]->name, col[j], PC_LEGEND_BOX};
    }
    pc_vc_plot_legend_beside_title(&f, &p, items, short_items, n);
    return 0;
}

/* ======================= throughput-timeline ======================= */

typedef struct tl_series {
    const pc_series_t *s;
    uint32_t color;
    double origin;   /* run time at which the series' phase began */
    double mean;     /* items/s over the shown windows */
    size_t shown;    /* windows up to the cursor */
} tl_series_t;

int pc_view_ringbuf_throughput(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    frame_t f;
    char run[128], sub[256];
    pc_vc_run_text(m, run, sizeof run);
    snprintf(sub, sizeof sub, "each queue from the start of its phase%s%s", run[0] ? " \xc2\xb7 " : "", run);
    int r = pc_vc_begin(&f, fb, m, st, "Throughput", sub);
    if (r) return r;
    pc_chart_t *c = &f.c;

    tl_series_t ts[MAX_DRAWN];
    int n = 0;
    double xmax = 0, ymin = INFINITY, ymax = 0;
    for (int i = 0; m && i < m->n_series && n < MAX_DRAWN; i++) {
        const pc_series_t *s = &m->series[i];
        if (!s->n_windows || !s->windows) continue;
        tl_series_t *t = &ts[n];
        t->s = s;
        t->color = series_color(c, s, i);
        t->origin = s->windows[0].t - s->windows[0].dt;
        t->shown = 0;
        for (size_t k = 0; k < s->n_windows; k++) {
            const pc_window_t *w = &s->windows[k];
            if (f.cursor >= 0 && w->t > f.cursor) continue;
            if (!pc_isfinite(w->t) || !pc_isfinite(w->rate)) continue;
            t->shown++;
            double x = w->t - t->origin;
            if (x > xmax) xmax = x;
            if (w->rate > 0 && w->rate < ymin) ymin = w->rate;
            if (w->rate > ymax) ymax = w->rate;
        }
        t->mean = pc_vc_mean_rate(s, f.cursor);
        if (t->shown) n++;
    }
    if (n == 0) return pc_vc_nothing_yet(&f, "No throughput windows yet");
    double ylo, yhi;
    pc_vc_rate_range(ymin, ymax, &ylo, &yhi);

    pc_plot_t p;
    pc_vc_rate_plot(&f, &p, xmax > 0 ? xmax * 1.03 : 1, ylo, yhi, "time since the queue's phase started",
                    "messages per second (log scale)");

    for (int j = 0; j < n; j++) {
        pc_vc_windows_curve(c, &p, ts[j].s, f.cursor, ts[j].origin, ylo, ts[j].shown, ts[j].color, NULL);
        /* dashed mean line; its value goes in a badge at the right end, placed below */
        if (pc_isfinite(ts[j].mean) && ts[j].mean > 0) {
            int y = (int)floor(pc_plot_fy(&p, ts[j].mean));
            pc_gfx_hline_dashed(c->fb, p.area.x, p.area.x + p.area.w - 1, y, pc_chart_px(c, 1), pc_chart_px(c, 6),
                                pc_chart_px(c, 4), pc_color_alpha(ts[j].color, 170));
        }
    }
    /* mean tags just right of the plot, on their line's height, never on top of each other */
    pc_rect_t tags[MAX_DRAWN];
    int ntags = 0;
    for (int j = 0; j < n; j++) {
        if (!(pc_isfinite(ts[j].mean) && ts[j].mean > 0)) continue;
        char txt[48];
        pc_fmt_rate(txt, sizeof txt, ts[j].mean);
        int y = (int)floor(pc_plot_fy(&p, ts[j].mean));
        int x = p.area.x + p.area.w + pc_chart_px(c, 6);
        pc_rect_t b = pc_chart_badge_rect(c, x, y, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, PC_TEXT_SMALL, txt);
        for (int pass = 0; pass < MAX_DRAWN; pass++) {
            int moved = 0;
            for (int k = 0; k < ntags; k++)
                if (b.y < tags[k].y + tags[k].h && tags[k].y < b.y + b.h) {
                    b.y = tags[k].y + tags[k].h + pc_chart_px(c, 2);
                    moved = 1;
                }
            if (!moved) break;
        }
        tags[ntags++] = b;
        pc_chart_badge(c, b.x, b.y, PC_ALIGN_LEFT | PC_ALIGN_TOP, PC_TEXT_SMALL, c->th->bg, ts[j].color, txt);
    }

    pc_legend_item_t items[MAX_DRAWN + 1], short_items[MAX_DRAWN + 1];
    for (int j = 0; j < n; j++) {
        items[j] = (pc_legend_item_t){pc_vc_series_label(ts[j].s), ts[j].color, PC_LEGEND_LINE};
        short_items[j] = (pc_legend_item_t){ts[j].s->name, ts[j].color, PC_LEGEND_LINE};
    }
    items[n] = short_items[n] = (pc_legend_item_t){"mean", c->th->text_dim, PC_LEGEND_DASH};
    pc_vc_plot_legend_beside_title(&f, &p, items, short_items, n + 1);
    return 0;
}

/* ======================= comparison ======================= */

typedef struct cmp_series {
    const pc_series_t *s;
    uint32_t color;
    double rate;    /* messages/s: summary, else mean of the windows; NAN if unknown */
    double lat[3];  /* p50/p99/p99.9 ns: histogram, else summary; NAN if unknown */
} cmp_series_t;

static void cmp_collect(frame_t *f, cmp_series_t *cs, int *n_out) {
    const pc_model_t *m = f->m;
    int n = 0;
    for (int i = 0; m && i < m->n_series && n < MAX_DRAWN; i++) {
        const pc_series_t *s = &m->series[i];
        cmp_series_t *x = &cs[n];
        x->s = s;
        x->color = series_color(&f->c, s, i);
        x->rate = summary_num(m, s->name, "msgs_per_s");
        if (!pc_isfinite(x->rate)) x->rate = pc_vc_mean_rate(s, f->cursor);
        int any = pc_isfinite(x->rate);
        for (int q = 0; q < 3; q++) {
            x->lat[q] = pc_vc_series_has_hist(s) ? (double)pc_hist_quantile(s->hist, QUANTILES[q])
                                           : summary_num(m, s->name, QUANTILE_KEYS[q]);
            if (pc_isfinite(x->lat[q])) any = 1;
        }
        if (any) n++;
    }
    *n_out = n;
}

/* Horizontal throughput bars with values and the speed-up of the first over the second. */
static void cmp_throughput(frame_t *f, pc_rect_t in, const cmp_series_t *cs, int n) {
    pc_chart_t *c = &f->c;
    double vmax = 0;
    int shown = 0;
    for (int j = 0; j < n; j++)
        if (pc_isfinite(cs[j].rate) && cs[j].rate >= 0) {
            shown++;
            if (cs[j].rate > vmax) vmax = cs[j].rate;
        }
    if (!shown) {
        pc_chart_message(c, in, "No throughput yet", NULL);
        return;
    }
    int label_h = pc_chart_px(c, 20), bar_h = pc_chart_px(c, 26), row_gap = pc_chart_px(c, 18);
    int ratio_h = pc_chart_px(c, 64);
    int block = shown * (label_h + bar_h) + (shown - 1) * row_gap + ratio_h;
    int y = in.y + (in.h - block) / 2;
    if (y < in.y) y = in.y;
    int value_w = pc_chart_px(c, 104);
    int bar_max = in.w - value_w;
    if (bar_max < pc_chart_px(c, 20)) bar_max = pc_chart_px(c, 20);
    char buf[200], val[64];
    for (int j = 0; j < n; j++) {
        if (!(pc_isfinite(cs[j].rate) && cs[j].rate >= 0)) continue;
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_LABEL), pc_vc_series_label(cs[j].s), in.w, buf, sizeof buf);
        if (c->font) pc_chart_text(c, in.x, y + label_h / 2, PC_TEXT_LABEL, c->th->text, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, buf);
        y += label_h;
        int bw = vmax > 0 ? (int)floor(bar_max * cs[j].rate / vmax + 0.5) : 0;
        if (bw < pc_chart_px(c, 3)) bw = pc_chart_px(c, 3); /* a visible sliver even for tiny values */
        pc_gfx_round_rect(c->fb, (float)in.x, (float)(y + pc_chart_px(c, 2)), (float)bar_max, (float)(bar_h - pc_chart_px(c, 4)),
                          pc_chart_pxf(c, 4), c->th->grid);
        pc_gfx_round_rect(c->fb, (float)in.x, (float)(y + pc_chart_px(c, 2)), (float)bw, (float)(bar_h - pc_chart_px(c, 4)),
                          pc_chart_pxf(c, 4), cs[j].color);
        pc_fmt_si(val, sizeof val, cs[j].rate, "msg/s");
        pc_chart_text(c, in.x + bar_max + pc_chart_px(c, 10), y + bar_h / 2, PC_TEXT_LABEL, c->th->text,
                      PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, val);
        y += bar_h + row_gap;
    }
    /* speed-up: the summary's figure, else the ratio of the first two series */
    double ratio = f->m ? pc_model_summary_num(f->m, "spsc_vs_mutex_throughput", NAN) : NAN;
    const cmp_series_t *a = NULL, *b = NULL;
    for (int j = 0; j < n; j++) {
        if (strcmp(cs[j].s->name, "spsc") == 0) a = &cs[j];
        if (strcmp(cs[j].s->name, "mutex") == 0) b = &cs[j];
    }
    if (!pc_isfinite(ratio) && a && b && pc_isfinite(a->rate) && pc_isfinite(b->rate) && b->rate > 0)
        ratio = a->rate / b->rate;
    if (pc_isfinite(ratio) && ratio > 0 && a && b) {
        char num[48];
        if (ratio >= 1) {
            pc_fmt_fixed(num, sizeof num, ratio, ratio >= 100 ? 0 : 1);
            snprintf(buf, sizeof buf, "%s\xc3\x97 faster", num);
        } else {
            pc_fmt_fixed(num, sizeof num, 1 / ratio, 1 / ratio >= 100 ? 0 : 1);
            snprintf(buf, sizeof buf, "%s\xc3\x97 slower", num);
        }
        y += pc_chart_px(c, 6);
        pc_chart_text(c, in.x, y, 26, ratio >= 1 ? c->th->accent : c->th->warn, PC_ALIGN_LEFT | PC_ALIGN_TOP, buf);
        /* what the ratio compares, in the longest wording that fits */
        snprintf(buf, sizeof buf, "%s vs %s, messages per second", pc_vc_series_label(a->s), pc_vc_series_label(b->s));
        if (pc_chart_text_width(c, PC_TEXT_TICK, buf) > in.w)
            snprintf(buf, sizeof buf, "%s vs %s, messages per second", a->s->name, b->s->name);
        char fit[200];
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_TICK), buf, in.w, fit, sizeof fit);
        if (c->font) pc_chart_text(c, in.x, y + pc_chart_px(c, 40), PC_TEXT_TICK, c->th->text_dim, PC_ALIGN_LEFT | PC_ALIGN_TOP, fit);
    }
}

/* Latency percentile groups p50/p99/p99.9 on a log axis, one bar per series. */
static void cmp_latency(frame_t *f, pc_rect_t panel, pc_rect_t in, const cmp_series_t *cs, int n) {
    pc_chart_t *c = &f->c;
    double vals[3 * MAX_DRAWN];
    uint32_t colors[MAX_DRAWN];
    for (int q = 0; q < 3; q++)
        for (int j = 0; j < n; j++) vals[q * n + j] = cs[j].lat[q];
    double vmin, vmax;
    pc_vc_positive_range(vals, 3 * n, &vmin, &vmax);
    for (int j = 0; j < n; j++) colors[j] = cs[j].color;
    if (!(vmax > 0)) {
        pc_chart_message(c, in, "No latency samples yet", NULL);
        return;
    }
    /* start the bars a decade-ish below the smallest value so every bar has a visible body */
    double lo = pc_pow10(floor(pc_log10(vmin / 3))), hi = vmax * 3;
    pc_plot_t p;
    pc_vc_percentile_plot(c, &p, in, lo, hi, "one-way latency (log scale)");
    pc_chart_bars(c, &p, vals, 3, n, colors, pc_fmt_ns);
    /* legend on the panel's heading line, right-aligned */
    pc_legend_item_t items[MAX_DRAWN], short_items[MAX_DRAWN];
    for (int j = 0; j < n; j++) {
        items[j] = (pc_legend_item_t){pc_vc_series_label(cs[j].s), cs[j].color, PC_LEGEND_BOX};
        short_items[j] = (pc_legend_item_t){cs[j].s->name, cs[j].color, PC_LEGEND_BOX};
    }
    pc_vc_panel_legend(c, panel, "Latency percentiles", items, short_items, n);
}

int pc_view_ringbuf_comparison(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    frame_t f;
    char run[128];
    pc_vc_run_text(m, run, sizeof run);
    int r = pc_vc_begin(&f, fb, m, st, "SPSC ring vs mutex queue", run);
    if (r) return r;
    pc_chart_t *c = &f.c;
    cmp_series_t cs[MAX_DRAWN];
    int n = 0;
    cmp_collect(&f, cs, &n);
    if (n == 0) return pc_vc_nothing_yet(&f, "No results to compare yet");
    pc_rect_t a, b;
    pc_vc_split_body(&f, &a, &b);
    cmp_throughput(&f, pc_chart_panel(c, a, "Throughput"), cs, n);
    cmp_latency(&f, b, pc_chart_panel(c, b, "Latency percentiles"), cs, n);
    return 0;
}

/* ======================= summary ======================= */

int pc_view_ringbuf_summary(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    frame_t f;
    int y;
    int r = pc_vc_begin_summary(&f, fb, m, st, &y);
    if (r) return r < 0 ? r : 0;
    pc_chart_t *c = &f.c;

    const pc_series_t *sp = pc_model_series(m, "spsc"), *mu = pc_model_series(m, "mutex");
    const char *spl = sp ? pc_vc_series_label(sp) : "SPSC ring", *mul = mu ? pc_vc_series_label(mu) : "mutex queue";
    uint32_t spc = c->th->series[0], muc = c->th->series[1];
    int final = m->summary != NULL;
    const char *live = final ? NULL : "so far";

    /* throughput row */
    pc_vc_kpi_t k[3];
    double v;
    v = summary_num(m, "spsc", "msgs_per_s");
    if (!pc_isfinite(v) && sp) v = pc_vc_mean_rate(sp, f.cursor);
    k[0] = (pc_vc_kpi_t){spl, "", live, spc};
    if (pc_isfinite(v)) pc_fmt_si(k[0].value, sizeof k[0].value, v, "msg/s");
    else snprintf(k[0].value, sizeof k[0].value, "\xe2\x80\x93");
    double sv = v;
    v = summary_num(m, "mutex", "msgs_per_s");
    if (!pc_isfinite(v) && mu) v = pc_vc_mean_rate(mu, f.cursor);
    k[1] = (pc_vc_kpi_t){mul, "", live, muc};
    if (pc_isfinite(v)) pc_fmt_si(k[1].value, sizeof k[1].value, v, "msg/s");
    else snprintf(k[1].value, sizeof k[1].value, "\xe2\x80\x93");
    double ratio = pc_model_summary_num(m, "spsc_vs_mutex_throughput", NAN);
    if (!pc_isfinite(ratio) && pc_isfinite(sv) && pc_isfinite(v) && v > 0) ratio = sv / v;
    k[2] = (pc_vc_kpi_t){"SPSC vs mutex throughput", "", live, c->th->text};
    if (pc_isfinite(ratio) && ratio > 0) {
        char num[48];
        pc_fmt_fixed(num, sizeof num, ratio, ratio >= 100 ? 0 : 1);
        snprintf(k[2].value, sizeof k[2].value, "%s\xc3\x97", num);
    } else {
        snprintf(k[2].value, sizeof k[2].value, "\xe2\x80\x93");
    }
    int rows_h = f.body.y + f.body.h - y;
    int row_gap = pc_chart_px(c, 14);
    int row_h = (rows_h - 2 * row_gap) / 3;
    if (row_h < pc_chart_px(c, 40)) row_h = pc_chart_px(c, 40);
    y = pc_vc_kpi_row(&f, y, row_h, "Throughput (messages per second)", k, 3) + row_gap;

    /* latency rows: summary keys, else the live histogram */
    const pc_series_t *ls[2] = {sp, mu};
    const char *names[2] = {"spsc", "mutex"};
    const char *labels[2] = {spl, mul};
    uint32_t colors[2] = {spc, muc};
    for (int i = 0; i < 2; i++) {
        char heading[160];
        snprintf(heading, sizeof heading, "%s \xe2\x80\x94 one-way latency", labels[i]);
        for (int q = 0; q < 3; q++) {
            double lv = summary_num(m, names[i], QUANTILE_KEYS[q]);
            const char *note = NULL;
            if (!pc_isfinite(lv) && ls[i] && pc_vc_series_has_hist(ls[i])) {
                lv = (double)pc_hist_quantile(ls[i]->hist, QUANTILES[q]);
                note = final ? NULL : "so far";
            }
            k[q] = (pc_vc_kpi_t){QUANTILE_NAMES[q], "", note, colors[i]};
            if (pc_isfinite(lv)) pc_fmt_ns(k[q].value, sizeof k[q].value, lv);
            else snprintf(k[q].value, sizeof k[q].value, "\xe2\x80\x93");
        }
        y = pc_vc_kpi_row(&f, y, row_h, heading, k, 3) + row_gap;
    }
    return 0;
}
