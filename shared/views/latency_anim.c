/* latency_anim.c — "latency-animation": the latency histograms of a run building up.
 *
 * Reads every hist series' per-delta history (pc_model_hist_at) and the final histogram.
 * The frame at time t shows, per series, the samples recorded up to t as a share of the
 * series' FINAL sample count per log-spaced bin: the bars grow from nothing to exactly the
 * latency-histogram picture, and both axes come from the final histograms, so the animation
 * never rescales. The percentile markers and the legend's sample counts are those of the
 * state at t; a faint outline shows where each distribution ends up. One scratch histogram
 * (about 30 KB) lives on the stack and is reused series by series. */
#include "latency_anim.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "font.h"
#include "hist.h"
#include "pcmath.h"
#include "view_common.h"

#define MAX_DRAWN 4

typedef struct anim_series {
    const pc_series_t *s;
    uint32_t color;
    double final_total;  /* samples in the final histogram */
    uint64_t now_total;  /* samples recorded by the cursor */
    double q[3];         /* p50/p99/p99.9 at the cursor; NAN before the first sample */
    int truncated;       /* its history was cut (PC_MODEL_MAX_STEP_BUCKETS) */
} anim_series_t;

/* The time shown: the cursor clamped to the run, or the run's end. */
static double shown_time(const pc_model_t *m, double cursor) {
    double end = pc_model_duration(m);
    if (!(cursor >= 0) || cursor > end) return -1; /* everything */
    return cursor;
}

int pc_view_latency_animation(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    char run[128];
    pc_vc_run_text(m, run, sizeof run);
    int r = pc_vc_begin(&f, fb, m, st, "Latency over time", run);
    if (r) return r;
    pc_chart_t *c = &f.c;

    anim_series_t as[MAX_DRAWN];
    int n = 0;
    uint64_t vmin = UINT64_MAX, vmax = 0;
    for (int i = 0; m && i < m->n_series && n < MAX_DRAWN; i++) {
        const pc_series_t *s = &m->series[i];
        if (!pc_vc_series_has_hist(s)) continue;
        anim_series_t *a = &as[n++];
        memset(a, 0, sizeof *a);
        a->s = s;
        a->color = pc_vc_series_color(c, s, i);
        a->final_total = (double)s->hist->total;
        if (s->hist->min < vmin) vmin = s->hist->min;
        if (s->hist->max > vmax) vmax = s->hist->max;
    }
    if (n == 0) return pc_vc_nothing_yet(&f, "No latency samples yet");
    double t = shown_time(m, f.cursor);
    double end = pc_model_duration(m);

    /* axes from the final histograms */
    pc_plot_t p;
    pc_vc_latency_plot(&f, &p, vmin, vmax, "latency (log scale)", "share of all samples per bin");
    double edges[PC_VC_MAX_BINS + 1];
    int nb = pc_vc_hist_edges(c, &p, edges);
    double share[MAX_DRAWN][PC_VC_MAX_BINS];
    double smax = 0;
    for (int j = 0; j < n; j++) {
        pc_vc_bin_hist(as[j].s->hist, as[j].final_total, edges, nb, share[j]);
        smax = pc_vc_share_max(share[j], nb, smax);
    }
    /* headroom for as many marker rows as the final percentiles need (fixed over time) */
    pc_vc_marker_t mk[MAX_DRAWN * 3];
    int nm = 0;
    for (int j = 0; j < n; j++)
        for (int q = 0; q < 3; q++) {
            double v = (double)pc_hist_quantile(as[j].s->hist, PC_VC_QUANTILES[q]);
            pc_vc_quantile_marker(&mk[nm++], &p, PC_VC_QUANTILE_NAMES[q], v, as[j].color);
        }
    int rows = pc_vc_place_markers(c, &p, mk, nm);
    pc_vc_fit_headroom(&f, &p, rows, smax);
    pc_plot_draw_axes(c, &p);

    /* the state at t, series by series through one scratch histogram */
    pc_hist_t scratch;
    double now[MAX_DRAWN][PC_VC_MAX_BINS];
    for (int j = 0; j < n; j++) {
        anim_series_t *a = &as[j];
        a->truncated = pc_model_hist_at(a->s, t, &scratch) == PC_ETRUNC;
        a->now_total = scratch.total;
        for (int q = 0; q < 3; q++)
            a->q[q] = scratch.total ? (double)pc_hist_quantile(&scratch, PC_VC_QUANTILES[q]) : NAN;
        pc_vc_bin_hist(&scratch, a->final_total, edges, nb, now[j]);
    }
    /* where each distribution ends up: a faint outline while it is still building */
    for (int j = 0; j < n; j++)
        if ((double)as[j].now_total < as[j].final_total)
            pc_vc_hist_curve(c, &p, edges, nb, share[j], pc_color_mix(c->th->bg, as[j].color, 70), 1);
    for (int pass = 0; pass < 2; pass++)
        for (int j = 0; j < n; j++) pc_vc_hist_curve(c, &p, edges, nb, now[j], as[j].color, pass);

    nm = 0;
    for (int j = 0; j < n; j++)
        for (int q = 0; q < 3; q++) {
            if (!pc_isfinite(as[j].q[q])) continue;
            pc_vc_quantile_marker(&mk[nm++], &p, PC_VC_QUANTILE_NAMES[q], as[j].q[q], as[j].color);
        }
    pc_vc_place_markers(c, &p, mk, nm);
    pc_vc_draw_markers(c, &p, mk, nm);

    /* legend: "label · 12.3 k of 60 k samples" while building, "· 60 k samples" at the end */
    pc_legend_item_t items[MAX_DRAWN], short_items[MAX_DRAWN];
    char labels[MAX_DRAWN][160];
    uint64_t now_sum = 0;
    double final_sum = 0;
    int truncated = 0;
    for (int j = 0; j < n; j++) {
        char now[32], all[32];
        pc_fmt_si(now, sizeof now, (double)as[j].now_total, NULL);
        pc_fmt_si(all, sizeof all, as[j].final_total, NULL);
        if ((double)as[j].now_total < as[j].final_total)
            snprintf(labels[j], sizeof labels[j], "%s \xc2\xb7 %s of %s samples", pc_vc_series_label(as[j].s), now, all);
        else
            snprintf(labels[j], sizeof labels[j], "%s \xc2\xb7 %s samples", pc_vc_series_label(as[j].s), all);
        items[j] = (pc_legend_item_t){labels[j], as[j].color, PC_LEGEND_BOX};
        short_items[j] = (pc_legend_item_t){as[j].s->name, as[j].color, PC_LEGEND_BOX};
        now_sum += as[j].now_total;
        final_sum += as[j].final_total;
        truncated |= as[j].truncated;
    }
    pc_vc_plot_legend_beside_title(&f, &p, items, short_items, n);

    /* the clock and the sample count, in the x title's row at both ends of the plot */
    if (c->font) {
        pc_font_metrics_t fm = pc_font_metrics(c->font, pc_chart_pxf(c, PC_TEXT_TICK));
        int y = p.area.y + p.area.h - 1 + pc_chart_px(c, 8) + fm.line_height + pc_chart_px(c, 6);
        char clock[96], cnt[96], sum[32];
        /* fixed decimals, so the text does not jitter from frame to frame */
        snprintf(clock, sizeof clock, "t = %.2f s of %.2f s", t >= 0 ? t : end, end);
        int room = p.area.w / 2 - pc_chart_text_width(c, PC_TEXT_TICK, p.x.title) / 2 - pc_chart_px(c, 12);
        if (pc_chart_text_width(c, PC_TEXT_LABEL, clock) <= room)
            pc_chart_text(c, p.area.x, y, PC_TEXT_LABEL, c->th->text, PC_ALIGN_LEFT | PC_ALIGN_TOP, clock);
        pc_fmt_si(sum, sizeof sum, (double)now_sum, NULL);
        snprintf(cnt, sizeof cnt, "%s%s samples", truncated ? "history cut \xc2\xb7 " : "", sum);
        if ((double)now_sum < final_sum) {
            char pct[32];
            pc_fmt_percent(pct, sizeof pct, 100.0 * (double)now_sum / final_sum);
            snprintf(cnt, sizeof cnt, "%s%s samples (%s)", truncated ? "history cut \xc2\xb7 " : "", sum, pct);
        }
        if (pc_chart_text_width(c, PC_TEXT_LABEL, cnt) <= room)
            pc_chart_text(c, p.area.x + p.area.w, y, PC_TEXT_LABEL, truncated ? c->th->warn : c->th->text_dim,
                          PC_ALIGN_RIGHT | PC_ALIGN_TOP, cnt);
    }
    return 0;
}
