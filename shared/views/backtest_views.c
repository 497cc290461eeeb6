/* backtest_views.c — the backtest suite's five views, and the records each one reads:
 *
 *   tick-latency-histogram  hist "tick": every tick's latency (ns) on a log axis in log-spaced
 *                           display bins, dashed p50/p90/p99/p99.9 markers; the parse..execution
 *                           stages faintly behind it for scale.
 *   components              hist "parse", "strategy", "risk", "execution": mean time per stage
 *                           as bars with its share of the tick, and p50/p99/p99.9 per stage on a
 *                           log axis.
 *   resources               metric "cpu_percent", "coreN_percent", "rss_mb": process CPU (% of
 *                           one core) with each core's utilization, and resident memory with its
 *                           peak (summary peak_rss_mb, the kernel's high-water mark).
 *   scalability             metric "scale_*" (one sample per finished size): throughput, total
 *                           time, mean latency and efficiency against the number of ticks, four
 *                           panels on a log size axis; efficiency has its ±15 % band.
 *   summary                 header, progress/end, summary keys (else live values from hist).
 *
 * Like every view: any model state draws something sensible, nothing allocates, no state is
 * kept between frames, the cursor (t_cursor) limits what is shown to records up to it. */
#include "backtest_views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "font.h"
#include "hist.h"
#include "pcmath.h"
#include "view_common.h"

#define N_STAGES 4
#define MAX_SIZES 16
#define MAX_CORES 16

static const char *const STAGES[N_STAGES] = {"parse", "strategy", "risk", "execution"};
static const char *const DASH = "\xe2\x80\x93";

static uint32_t stage_color(const pc_chart_t *c, int i) {
    static const int idx[N_STAGES] = {6, 5, 1, 3}; /* cyan, yellow, orange, purple */
    return c->th->series[idx[i]];
}

static double summary_val(const pc_model_t *m, const char *key) {
    double v = m ? pc_model_summary_num(m, key, NAN) : NAN;
    return pc_isfinite(v) ? v : NAN;
}

static int visible(double t, double cursor) { return cursor < 0 || t <= cursor; }

/* ======================= tick-latency-histogram ======================= */

int pc_view_backtest_latency(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    char run[128], sub[200];
    pc_vc_run_text(m, run, sizeof run);
    snprintf(sub, sizeof sub, "every tick, parse \xe2\x86\x92 execution%s%s", run[0] ? " \xc2\xb7 " : "", run);
    int r = pc_vc_begin(&f, fb, m, st, "Tick latency", sub);
    if (r) return r;
    pc_chart_t *c = &f.c;
    const pc_series_t *tick = m ? pc_model_series(m, "tick") : NULL;
    if (!tick || !pc_vc_series_has_hist(tick)) return pc_vc_nothing_yet(&f, "No ticks measured yet");
    const pc_hist_t *h = tick->hist;
    pc_plot_t p;
    pc_vc_latency_plot(&f, &p, h->min, h->max, "tick latency (log scale)", "share of ticks per bin");
    double edges[PC_VC_MAX_BINS + 1], share[PC_VC_MAX_BINS];
    int nb = pc_vc_hist_edges(c, &p, edges);
    pc_vc_bin_hist(h, (double)h->total, edges, nb, share);
    double smax = pc_vc_share_max(share, nb, 0);
    static const double Q[4] = {0.5, 0.9, 0.99, 0.999};
    static const char *const QN[4] = {"p50", "p90", "p99", "p99.9"};
    pc_vc_marker_t mk[4];
    uint32_t col = c->th->series[0];
    for (int pass = 0; pass < 2; pass++) {
        for (int q = 0; q < 4; q++) pc_vc_quantile_marker(&mk[q], &p, QN[q], (double)pc_hist_quantile(h, Q[q]), col);
        int rows = pc_vc_place_markers(c, &p, mk, 4);
        if (pass == 1) break;
        pc_vc_fit_headroom(&f, &p, rows, smax);
    }
    pc_plot_draw_axes(c, &p);
    for (int pass = 0; pass < 2; pass++) pc_vc_hist_curve(c, &p, edges, nb, share, col, pass);
    pc_vc_draw_markers(c, &p, mk, 4);
    char label[128], cnt[32], mean[32];
    pc_fmt_si(cnt, sizeof cnt, (double)h->total, NULL);
    pc_fmt_ns(mean, sizeof mean, pc_hist_mean(h));
    snprintf(label, sizeof label, "%s ticks \xc2\xb7 mean %s", cnt, mean);
    pc_legend_item_t item = {label, col, PC_LEGEND_BOX}, short_item = {"tick", col, PC_LEGEND_BOX};
    pc_vc_plot_legend_beside_title(&f, &p, &item, &short_item, 1);
    return 0;
}

/* ======================= components ======================= */

static void comp_means(pc_vframe_t *f, pc_rect_t in, const pc_series_t *const *ser) {
    pc_chart_t *c = &f->c;
    double mean[N_STAGES], total = 0, vmax = 0;
    int shown = 0;
    for (int i = 0; i < N_STAGES; i++) {
        mean[i] = ser[i] && pc_vc_series_has_hist(ser[i]) ? pc_hist_mean(ser[i]->hist) : NAN;
        if (pc_isfinite(mean[i])) {
            shown++;
            total += mean[i];
            if (mean[i] > vmax) vmax = mean[i];
        }
    }
    if (!shown || !(vmax > 0)) {
        pc_chart_message(c, in, "No stage timings yet", NULL);
        return;
    }
    int label_h = pc_chart_px(c, 20), bar_h = pc_chart_px(c, 22), gap = pc_chart_px(c, 12);
    int block = shown * (label_h + bar_h) + (shown - 1) * gap + pc_chart_px(c, 50);
    int y = in.y + (in.h - block) / 2;
    if (y < in.y) y = in.y;
    int value_w = pc_chart_px(c, 120);
    int bar_max = in.w - value_w;
    if (bar_max < pc_chart_px(c, 20)) bar_max = pc_chart_px(c, 20);
    char buf[96], val[32], pct[32];
    for (int i = 0; i < N_STAGES; i++) {
        if (!pc_isfinite(mean[i])) continue;
        pc_chart_text(c, in.x, y + label_h / 2, PC_TEXT_LABEL, c->th->text, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, STAGES[i]);
        y += label_h;
        int bw = (int)floor(bar_max * mean[i] / vmax + 0.5);
        if (bw < pc_chart_px(c, 3)) bw = pc_chart_px(c, 3);
        float by = (float)(y + pc_chart_px(c, 2)), bh = (float)(bar_h - pc_chart_px(c, 4));
        pc_gfx_round_rect(c->fb, (float)in.x, by, (float)bar_max, bh, pc_chart_pxf(c, 4), c->th->grid);
        pc_gfx_round_rect(c->fb, (float)in.x, by, (float)bw, bh, pc_chart_pxf(c, 4), stage_color(c, i));
        pc_fmt_ns(val, sizeof val, mean[i]);
        pc_fmt_percent(pct, sizeof pct, total > 0 ? mean[i] / total * 100 : 0);
        snprintf(buf, sizeof buf, "%s \xc2\xb7 %s", val, pct);
        pc_chart_text(c, in.x + bar_max + pc_chart_px(c, 10), y + bar_h / 2, PC_TEXT_LABEL, c->th->text,
                      PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, buf);
        y += bar_h + gap;
    }
    pc_fmt_ns(val, sizeof val, total);
    snprintf(buf, sizeof buf, "mean per tick, stages summed: %s", val);
    pc_chart_text(c, in.x, y + pc_chart_px(c, 4), PC_TEXT_TICK, c->th->text_dim, PC_ALIGN_LEFT | PC_ALIGN_TOP, buf);
    pc_chart_text(c, in.x, y + pc_chart_px(c, 22), PC_TEXT_TICK, c->th->text_faint, PC_ALIGN_LEFT | PC_ALIGN_TOP,
                  "each figure includes one cycle-counter read");
}

static void comp_percentiles(pc_vframe_t *f, pc_rect_t panel, pc_rect_t in, const pc_series_t *const *ser) {
    pc_chart_t *c = &f->c;
    double vals[3 * N_STAGES];
    uint32_t colors[N_STAGES];
    int idx[N_STAGES], ns = 0;
    for (int i = 0; i < N_STAGES; i++)
        if (ser[i] && pc_vc_series_has_hist(ser[i])) idx[ns++] = i;
    if (!ns) {
        pc_chart_message(c, in, "No stage timings yet", NULL);
        return;
    }
    double vmin = INFINITY, vmax = 0;
    for (int q = 0; q < 3; q++)
        for (int k = 0; k < ns; k++) {
            double v = (double)pc_hist_quantile(ser[idx[k]]->hist, PC_VC_QUANTILES[q]);
            vals[q * ns + k] = v;
            if (v > 0 && v < vmin) vmin = v;
            if (v > vmax) vmax = v;
        }
    for (int k = 0; k < ns; k++) colors[k] = stage_color(c, idx[k]);
    if (!(vmax > 0)) vmin = vmax = 1;
    pc_plot_t p;
    pc_vc_percentile_plot(c, &p, in, pc_pow10(floor(pc_log10(vmin / 2))), vmax * 3, "latency (log scale)");
    pc_chart_bars(c, &p, vals, 3, ns, colors, pc_fmt_ns);
    pc_legend_item_t items[N_STAGES];
    for (int k = 0; k < ns; k++) items[k] = (pc_legend_item_t){STAGES[idx[k]], colors[k], PC_LEGEND_BOX};
    pc_vc_panel_legend(c, panel, "Percentiles per stage", items, NULL, ns);
}

int pc_view_backtest_components(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    char run[128], sub[200];
    pc_vc_run_text(m, run, sizeof run);
    double every = m ? pc_model_param_num(m, "stage_every", 1) : 1;
    if (pc_isfinite(every) && every > 1)
        snprintf(sub, sizeof sub, "stages timed on every %.0fth tick%s%s", every, run[0] ? " \xc2\xb7 " : "", run);
    else
        snprintf(sub, sizeof sub, "%s", run);
    int r = pc_vc_begin(&f, fb, m, st, "Where a tick's time goes", sub);
    if (r) return r;
    pc_chart_t *c = &f.c;
    const pc_series_t *ser[N_STAGES];
    int any = 0;
    for (int i = 0; i < N_STAGES; i++) {
        ser[i] = m ? pc_model_series(m, STAGES[i]) : NULL;
        any |= ser[i] && pc_vc_series_has_hist(ser[i]);
    }
    if (!any) return pc_vc_nothing_yet(&f, "No stage timings yet");
    pc_rect_t a, b;
    pc_vc_split_body(&f, &a, &b);
    comp_means(&f, pc_chart_panel(c, a, "Mean time per stage"), ser);
    comp_percentiles(&f, b, pc_chart_panel(c, b, "Percentiles per stage"), ser);
    return 0;
}

/* ======================= resources ======================= */

/* A metric series' samples up to the cursor as a curve on p (pc_vc_samples_curve); *last
 * receives the latest value shown (when not NULL and there is one). Returns the points drawn. */
static int draw_samples(pc_chart_t *c, pc_plot_t *p, const pc_series_t *s, double cursor, uint32_t color, float width,
                        double *last) {
    size_t n = pc_vc_samples_upto(s, cursor);
    if (!n) return 0;
    if (last) *last = s->samples[n - 1].value;
    return pc_vc_samples_curve(c, p, s, 0, n, color, width);
}

static double samples_max(const pc_series_t *s, double cursor) {
    double v = 0;
    for (size_t i = 0; s && i < s->n_samples && visible(s->samples[i].t, cursor); i++)
        if (s->samples[i].value > v) v = s->samples[i].value;
    return v;
}

int pc_view_backtest_resources(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    char run[128];
    pc_vc_run_text(m, run, sizeof run);
    int r = pc_vc_begin(&f, fb, m, st, "CPU and memory", run);
    if (r) return r;
    pc_chart_t *c = &f.c;
    const pc_series_t *cpu = m ? pc_model_series(m, "cpu_percent") : NULL;
    const pc_series_t *rss = m ? pc_model_series(m, "rss_mb") : NULL;
    if ((!cpu || !cpu->n_samples) && (!rss || !rss->n_samples)) return pc_vc_nothing_yet(&f, "No resource samples yet");
    const pc_series_t *cores[MAX_CORES];
    int n_cores = 0;
    for (int i = 0; i < MAX_CORES; i++) {
        char name[32];
        snprintf(name, sizeof name, "core%d_percent", i);
        const pc_series_t *s = pc_model_series(m, name);
        if (!s) break;
        cores[n_cores++] = s;
    }
    double tmax = pc_model_duration(m);
    if (f.cursor >= 0 && f.cursor < tmax) tmax = f.cursor;
    if (!(tmax > 0)) tmax = 1;
    int gap = pc_chart_px(c, 16);
    pc_rect_t a = f.body, b = f.body;
    a.h = (f.body.h - gap) / 2;
    b.y = a.y + a.h + gap;
    b.h = f.body.h - a.h - gap;

    /* CPU: the process (% of one core) bold, each core thin */
    pc_rect_t in = pc_chart_panel(c, a, "CPU");
    double ymax = samples_max(cpu, f.cursor);
    for (int i = 0; i < n_cores; i++) {
        double v = samples_max(cores[i], f.cursor);
        if (v > ymax) ymax = v;
    }
    if (ymax < 100) ymax = 100;
    pc_plot_t p;
    memset(&p, 0, sizeof p);
    p.x.lo = 0;
    p.x.hi = tmax;
    p.x.fmt = pc_fmt_seconds;
    p.y.lo = 0;
    p.y.hi = ymax * 1.1;
    p.y.fmt = pc_fmt_percent;
    p.y.title = "percent (100% = one core busy)";
    p.pad_right = 8;
    pc_plot_layout(c, &p, in);
    pc_plot_draw_axes(c, &p);
    pc_legend_item_t items[2 + 1];
    int ni = 0;
    uint32_t core_col = pc_color_mix(c->th->bg, c->th->series[2], 150);
    for (int i = 0; i < n_cores; i++) draw_samples(c, &p, cores[i], f.cursor, core_col, 1.0f, NULL);
    double last_cpu = NAN;
    draw_samples(c, &p, cpu, f.cursor, c->th->series[0], 2.0f, &last_cpu);
    char cpu_label[64], avg[32];
    double avg_cpu = summary_val(m, "avg_cpu_percent");
    if (pc_isfinite(avg_cpu)) {
        pc_fmt_percent(avg, sizeof avg, avg_cpu);
        snprintf(cpu_label, sizeof cpu_label, "process \xc2\xb7 avg %s of one core", avg);
    } else {
        snprintf(cpu_label, sizeof cpu_label, "process (%% of one core)");
    }
    items[ni++] = (pc_legend_item_t){cpu_label, c->th->series[0], PC_LEGEND_LINE};
    if (n_cores) items[ni++] = (pc_legend_item_t){"each core (all processes)", core_col, PC_LEGEND_LINE};
    pc_vc_plot_legend_beside_title(&f, &p, items, items, ni);

    /* memory: RSS with its peak */
    in = pc_chart_panel(c, b, "Memory");
    double peak = summary_val(m, "peak_rss_mb");
    double mmax = samples_max(rss, f.cursor);
    if (pc_isfinite(peak) && peak > mmax && f.cursor < 0) mmax = peak;
    if (!(mmax > 0)) mmax = 1;
    memset(&p, 0, sizeof p);
    p.x.lo = 0;
    p.x.hi = tmax;
    p.x.fmt = pc_fmt_seconds;
    p.x.title = "time since the run started";
    p.y.lo = 0;
    p.y.hi = mmax * 1.25;
    pc_nice_bounds(&p.y.lo, &p.y.hi, 4);
    p.y.title = "resident memory, MB";
    p.pad_right = 8;
    pc_plot_layout(c, &p, in);
    pc_plot_draw_axes(c, &p);
    uint32_t mem_col = c->th->series[2];
    if (pc_isfinite(peak) && f.cursor < 0) {
        int y = (int)floor(pc_plot_fy(&p, peak));
        pc_gfx_hline_dashed(c->fb, p.area.x, p.area.x + p.area.w - 1, y, pc_chart_px(c, 1), pc_chart_px(c, 6),
                            pc_chart_px(c, 4), pc_color_alpha(c->th->series[4], 200));
        char pk[64], v[32];
        pc_fmt_fixed(v, sizeof v, peak, peak >= 100 ? 0 : 1);
        snprintf(pk, sizeof pk, "peak %s MB", v);
        pc_chart_badge(c, p.area.x + p.area.w - pc_chart_px(c, 4), y - pc_chart_px(c, 4), PC_ALIGN_RIGHT | PC_ALIGN_BOTTOM,
                       PC_TEXT_SMALL, c->th->text, pc_color_alpha(c->th->series[4], 60), pk);
    }
    draw_samples(c, &p, rss, f.cursor, mem_col, 2.0f, NULL);
    pc_legend_item_t mi[2];
    int nmi = 0;
    mi[nmi++] = (pc_legend_item_t){"RSS", mem_col, PC_LEGEND_LINE};
    if (pc_isfinite(peak) && f.cursor < 0)
        mi[nmi++] = (pc_legend_item_t){"peak (kernel high-water mark)", pc_color_alpha(c->th->series[4], 200), PC_LEGEND_DASH};
    pc_vc_plot_legend_beside_title(&f, &p, mi, mi, nmi);
    return 0;
}

/* ======================= scalability ======================= */

typedef struct scale_pts {
    int n;
    double ticks[MAX_SIZES], rate[MAX_SIZES], total[MAX_SIZES], mean[MAX_SIZES], eff[MAX_SIZES];
} scale_pts_t;

static void scale_collect(const pc_model_t *m, double cursor, scale_pts_t *sp) {
    memset(sp, 0, sizeof *sp);
    const pc_series_t *s[5] = {pc_model_series(m, "scale_ticks"), pc_model_series(m, "scale_ticks_per_s"),
                               pc_model_series(m, "scale_total_s"), pc_model_series(m, "scale_mean_ns"),
                               pc_model_series(m, "scale_efficiency")};
    for (int i = 0; i < 5; i++)
        if (!s[i]) return;
    for (size_t k = 0; k < s[0]->n_samples && sp->n < MAX_SIZES; k++) {
        if (!visible(s[0]->samples[k].t, cursor)) break;
        double *dst[5] = {sp->ticks, sp->rate, sp->total, sp->mean, sp->eff};
        int ok = 1;
        for (int i = 0; i < 5; i++) {
            if (k >= s[i]->n_samples) ok = 0;
            else dst[i][sp->n] = s[i]->samples[k].value;
        }
        if (!ok) break;
        sp->n++;
    }
}

static void fmt_ticks(char *b, size_t n, double v) { pc_fmt_si(b, n, v, NULL); }
static void fmt_eff(char *b, size_t n, double v) { pc_fmt_percent(b, n, v * 100); }
static void fmt_total(char *b, size_t n, double v) { pc_fmt_si(b, n, v, "s"); }

/* One panel: y against ticks on a log x axis, points joined, each labelled. */
static void scale_panel(pc_vframe_t *f, pc_rect_t r, const char *heading, const scale_pts_t *sp, const double *y,
                        int ylog, pc_fmt_fn fmt, const char *ytitle, uint32_t color, int eff) {
    pc_chart_t *c = &f->c;
    pc_rect_t in = pc_chart_panel(c, r, heading);
    double xlo = sp->ticks[0], xhi = sp->ticks[sp->n - 1];
    double ylo = INFINITY, yhi = 0;
    for (int i = 0; i < sp->n; i++) {
        if (y[i] < ylo) ylo = y[i];
        if (y[i] > yhi) yhi = y[i];
    }
    pc_plot_t p;
    memset(&p, 0, sizeof p);
    p.x.log = 1;
    p.x.lo = xlo / 2.5;
    p.x.hi = xhi * 2.5;
    p.x.fmt = fmt_ticks;
    p.x.title = "ticks per run (log scale)";
    p.y.log = ylog;
    p.y.fmt = fmt;
    p.y.title = ytitle;
    if (eff) {
        p.y.lo = 0;
        p.y.hi = yhi > 1.3 ? yhi * 1.1 : 1.3;
    } else if (ylog) {
        p.y.lo = ylo / 3;
        p.y.hi = yhi * 3;
    } else {
        p.y.lo = 0;
        p.y.hi = yhi > 0 ? yhi * 1.3 : 1;
        pc_nice_bounds(&p.y.lo, &p.y.hi, 4);
    }
    p.pad_right = 12;
    pc_plot_layout(c, &p, in);
    if (eff) { /* the flat-within-15 % band around the smallest size */
        float y0 = pc_plot_fy(&p, 1.15), y1 = pc_plot_fy(&p, 0.85);
        pc_gfx_fill_rect(c->fb, p.area.x, (int)floor(y0), p.area.w, (int)floor(y1 - y0), pc_color_alpha(c->th->accent, 22));
    }
    pc_plot_draw_axes(c, &p);
    if (eff) {
        int y1 = (int)floor(pc_plot_fy(&p, 1.0));
        pc_gfx_hline_dashed(c->fb, p.area.x, p.area.x + p.area.w - 1, y1, pc_chart_px(c, 1), pc_chart_px(c, 6),
                            pc_chart_px(c, 4), c->th->text_faint);
    }
    pc_pointf_t pts[MAX_SIZES];
    for (int i = 0; i < sp->n; i++) pts[i] = (pc_pointf_t){pc_plot_cx(&p, sp->ticks[i]), pc_plot_cy(&p, y[i])};
    if (sp->n > 1) pc_gfx_polyline(&p.clip, pts, sp->n, pc_chart_pxf(c, 2), color);
    for (int i = 0; i < sp->n; i++) {
        pc_gfx_circle(&p.clip, pts[i].x, pts[i].y, pc_chart_pxf(c, 4), color);
        pc_gfx_circle(&p.clip, pts[i].x, pts[i].y, pc_chart_pxf(c, 2), c->th->panel);
        char v[32];
        fmt(v, sizeof v, y[i]);
        pc_chart_text(c, (int)(p.area.x + pts[i].x), (int)(p.area.y + pts[i].y) - pc_chart_px(c, 8), PC_TEXT_SMALL,
                      c->th->text, PC_ALIGN_CENTER | PC_ALIGN_BOTTOM, v);
    }
}

int pc_view_backtest_scalability(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    char run[128];
    pc_vc_run_text(m, run, sizeof run);
    int r = pc_vc_begin(&f, fb, m, st, "Scalability", run);
    if (r) return r;
    pc_chart_t *c = &f.c;
    scale_pts_t sp;
    if (m) scale_collect(m, f.cursor, &sp);
    if (!m || sp.n == 0) return pc_vc_nothing_yet(&f, "No finished sizes yet");
    int gap = pc_chart_px(c, 14);
    pc_rect_t q[4];
    int w2 = (f.body.w - gap) / 2, h2 = (f.body.h - gap) / 2;
    for (int i = 0; i < 4; i++) {
        q[i].x = f.body.x + (i % 2) * (w2 + gap);
        q[i].y = f.body.y + (i / 2) * (h2 + gap);
        q[i].w = i % 2 ? f.body.w - w2 - gap : w2;
        q[i].h = i / 2 ? f.body.h - h2 - gap : h2;
    }
    scale_panel(&f, q[0], "Throughput", &sp, sp.rate, 0, pc_fmt_rate, "ticks per second", c->th->series[0], 0);
    scale_panel(&f, q[1], "Total time per run", &sp, sp.total, 1, fmt_total, "seconds (log scale)", c->th->series[2], 0);
    scale_panel(&f, q[2], "Mean tick latency", &sp, sp.mean, 0, pc_fmt_ns, "per tick", c->th->series[5], 0);
    scale_panel(&f, q[3], "Scaling efficiency (band: \xc2\xb1" "15%)", &sp, sp.eff, 0, fmt_eff,
                "throughput vs the smallest size", c->th->series[3], 1);
    return 0;
}

/* ======================= summary ======================= */

static void kpi_si(pc_vc_kpi_t *k, double v, const char *unit) {
    if (pc_isfinite(v)) pc_fmt_si(k->value, sizeof k->value, v, unit);
    else snprintf(k->value, sizeof k->value, "%s", DASH);
}

static void kpi_ns(pc_vc_kpi_t *k, double v) {
    if (pc_isfinite(v)) pc_fmt_ns(k->value, sizeof k->value, v);
    else snprintf(k->value, sizeof k->value, "%s", DASH);
}

static void kpi_money(pc_vc_kpi_t *k, double v) {
    if (pc_isfinite(v)) {
        char num[48];
        pc_fmt_fixed(num, sizeof num, v < 0 ? -v : v, 2);
        snprintf(k->value, sizeof k->value, "%s%s", v < 0 ? "\xe2\x88\x92" : "", num);
    } else {
        snprintf(k->value, sizeof k->value, "%s", DASH);
    }
}

int pc_view_backtest_summary(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    int y;
    int r = pc_vc_begin_summary(&f, fb, m, st, &y);
    if (r) return r < 0 ? r : 0;
    pc_chart_t *c = &f.c;
    int row_gap = pc_chart_px(c, 10);
    int row_h = (f.body.y + f.body.h - y - 3 * row_gap) / 4;
    if (row_h < pc_chart_px(c, 40)) row_h = pc_chart_px(c, 40);
    pc_vc_kpi_t k[3];
    char heading[160], note[3][64];
    const char *so_far = m->summary ? "" : " \xc2\xb7 so far";

    /* throughput: profiled, unprofiled, the profiler's cost */
    double ticks = summary_val(m, "ticks"), reps = summary_val(m, "repeat");
    k[0] = (pc_vc_kpi_t){"profiled (every tick timed)", "", NULL, c->th->series[0]};
    kpi_si(&k[0], summary_val(m, "ticks_per_s"), "ticks/s");
    k[1] = (pc_vc_kpi_t){"profiling off, same run", "", NULL, c->th->text};
    kpi_si(&k[1], summary_val(m, "ticks_per_s_unprofiled"), "ticks/s");
    k[2] = (pc_vc_kpi_t){"profiling overhead per tick", "", NULL, c->th->warn};
    kpi_ns(&k[2], summary_val(m, "profiling_overhead_ns"));
    if (pc_isfinite(ticks) && pc_isfinite(reps)) {
        char t[32];
        pc_fmt_si(t, sizeof t, ticks, NULL);
        snprintf(heading, sizeof heading, "Throughput \xe2\x80\x94 %s ticks, median of %.0f runs", t, reps);
    } else {
        snprintf(heading, sizeof heading, "Throughput");
    }
    y = pc_vc_kpi_row(&f, y, row_h, heading, k, 3) + row_gap;

    /* latency: the summary, else the histogram so far */
    const pc_series_t *tick = pc_model_series(m, "tick");
    static const char *const KEYS[3] = {"tick_mean_ns", "tick_p50_ns", "tick_p99_ns"};
    static const char *const CAPS[3] = {"mean", "p50", "p99"};
    for (int i = 0; i < 3; i++) {
        double v = summary_val(m, KEYS[i]);
        if (!pc_isfinite(v) && tick && pc_vc_series_has_hist(tick))
            v = i == 0 ? pc_hist_mean(tick->hist) : (double)pc_hist_quantile(tick->hist, i == 1 ? 0.5 : 0.99);
        k[i] = (pc_vc_kpi_t){CAPS[i], "", NULL, c->th->series[0]};
        kpi_ns(&k[i], v);
    }
    snprintf(heading, sizeof heading, "Tick latency, parse \xe2\x86\x92 execution%s", so_far);
    y = pc_vc_kpi_row(&f, y, row_h, heading, k, 3) + row_gap;

    /* resources */
    double cores = summary_val(m, "cores"), mach = summary_val(m, "avg_cpu_machine_percent");
    k[0] = (pc_vc_kpi_t){"CPU, average (% of one core)", "", NULL, c->th->series[2]};
    if (pc_isfinite(summary_val(m, "avg_cpu_percent")))
        pc_fmt_percent(k[0].value, sizeof k[0].value, summary_val(m, "avg_cpu_percent"));
    else
        snprintf(k[0].value, sizeof k[0].value, "%s", DASH);
    if (pc_isfinite(mach) && pc_isfinite(cores)) {
        char pm[32];
        pc_fmt_percent(pm, sizeof pm, mach);
        snprintf(note[0], sizeof note[0], "%s of all %.0f cores", pm, cores);
        k[0].note = note[0];
    }
    k[1] = (pc_vc_kpi_t){"peak resident memory", "", NULL, c->th->series[2]};
    kpi_si(&k[1], summary_val(m, "peak_rss_mb") * 1e6, "B");
    k[2] = (pc_vc_kpi_t){"average resident memory", "", NULL, c->th->text};
    kpi_si(&k[2], summary_val(m, "avg_rss_mb") * 1e6, "B");
    y = pc_vc_kpi_row(&f, y, row_h, "Resources", k, 3) + row_gap;

    /* the backtest's own results */
    double pnl = summary_val(m, "pnl"), ret = summary_val(m, "return_percent");
    k[0] = (pc_vc_kpi_t){"PnL after fees", "", NULL, pc_isfinite(pnl) && pnl < 0 ? c->th->bad : c->th->accent};
    kpi_money(&k[0], pnl);
    if (pc_isfinite(ret)) {
        snprintf(note[1], sizeof note[1], "%+.3f%% of capital", ret);
        k[0].note = note[1];
    }
    k[1] = (pc_vc_kpi_t){"trades", "", NULL, c->th->text};
    if (pc_isfinite(summary_val(m, "trades")))
        snprintf(k[1].value, sizeof k[1].value, "%.0f", summary_val(m, "trades"));
    else
        snprintf(k[1].value, sizeof k[1].value, "%s", DASH);
    double rej = summary_val(m, "orders_rejected");
    if (pc_isfinite(rej)) {
        snprintf(note[2], sizeof note[2], "%.0f orders rejected by risk", rej);
        k[1].note = note[2];
    }
    k[2] = (pc_vc_kpi_t){"max drawdown", "", NULL, c->th->warn};
    kpi_money(&k[2], summary_val(m, "max_drawdown"));
    pc_vc_kpi_row(&f, y, row_h, "Backtest results (moving-average crossover)", k, 3);
    return 0;
}
