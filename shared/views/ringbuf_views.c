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

#define MAX_DRAWN 4     /* series a view draws (ringbuf has two) */
#define MAX_BINS 400    /* display bins of the latency histogram */
#define MAX_PTS 4096    /* points of one timeline curve after per-column decimation */

static const double QUANTILES[3] = {0.5, 0.99, 0.999};
static const char *const QUANTILE_NAMES[3] = {"p50", "p99", "p99.9"};
static const char *const QUANTILE_KEYS[3] = {"p50_ns", "p99_ns", "p999_ns"};

/* ---- shared frame ---- */

typedef struct frame {
    pc_chart_t c;
    const pc_model_t *m; /* NULL when the caller passed none */
    double cursor;       /* < 0: everything */
    pc_rect_t body;      /* below the title bar, inside the page margins */
} frame_t;

static int has_run(const pc_model_t *m) { return m && m->header; }

/* "running · 45% · spsc throughput", "finished", "stopped: <message>". */
static void status_text(const pc_model_t *m, char *buf, size_t cap) {
    if (!has_run(m)) {
        snprintf(buf, cap, "waiting for data");
        return;
    }
    if (!m->finished) {
        char pct[32];
        pc_fmt_percent(pct, sizeof pct, m->progress * 100.0);
        snprintf(buf, cap, "running \xc2\xb7 %s%s%s", pct, m->phase[0] ? " \xc2\xb7 " : "", m->phase);
        return;
    }
    if (strcmp(m->status, "ok") == 0)
        snprintf(buf, cap, "finished");
    else
        snprintf(buf, cap, "%s%s%.80s", m->status, m->end_message[0] ? ": " : "", m->end_message);
}

/* "ringbuf · run r1" from the header, or "" before it arrives. */
static void run_text(const pc_model_t *m, char *buf, size_t cap) {
    buf[0] = '\0';
    if (!has_run(m)) return;
    if (m->run_id[0])
        snprintf(buf, cap, "%s \xc2\xb7 run %s", m->suite, m->run_id);
    else
        snprintf(buf, cap, "%s", m->suite);
}

/* Clears the page and draws the title bar; fails only for an unusable framebuffer. */
static int begin(frame_t *f, pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st, const char *title,
                 const char *subtitle) {
    if (!pc_fb_valid(fb) || !st) return PC_EINVAL;
    pc_chart_init(&f->c, fb, st->font, st->scale);
    f->m = m;
    f->cursor = st->t_cursor;
    pc_chart_background(&f->c);
    char status[160];
    status_text(m, status, sizeof status);
    pc_rect_t r = pc_chart_title_bar(&f->c, title, subtitle, status);
    int mx = pc_chart_px(&f->c, 18), mt = pc_chart_px(&f->c, 14), mb = pc_chart_px(&f->c, 12);
    r.x += mx;
    r.w -= 2 * mx;
    r.y += mt;
    r.h -= mt + mb;
    if (r.w < 0) r.w = 0;
    if (r.h < 0) r.h = 0;
    f->body = r;
    return 0;
}

/* The message shown instead of a chart when there is nothing to plot yet. */
static int nothing_yet(frame_t *f, const char *what) {
    if (!has_run(f->m))
        pc_chart_message(&f->c, f->body, "Waiting for data", "Start a run or open a result file.");
    else
        pc_chart_message(&f->c, f->body, what, f->m->finished ? "The run has ended without these records."
                                                              : "They appear as soon as the run reports them.");
    return 0;
}

static uint32_t series_color(const pc_chart_t *c, const pc_series_t *s, int index) {
    if (strcmp(s->name, "spsc") == 0) return c->th->series[0];
    if (strcmp(s->name, "mutex") == 0) return c->th->series[1];
    return c->th->series[(index + 2) % PC_THEME_SERIES];
}

static const char *series_label(const pc_series_t *s) { return s->label[0] ? s->label : s->name; }

static int series_has_hist(const pc_series_t *s) { return s->has_hist && s->hist && s->hist->total > 0; }

/* Mean rate over the series' windows up to the cursor; NAN when there are none. */
static double mean_rate(const pc_series_t *s, double cursor) {
    double cnt = 0, dt = 0;
    for (size_t i = 0; i < s->n_windows; i++) {
        const pc_window_t *w = &s->windows[i];
        if (cursor >= 0 && w->t > cursor) continue;
        if (!pc_isfinite(w->count) || !pc_isfinite(w->dt) || w->dt <= 0) continue;
        cnt += w->count;
        dt += w->dt;
    }
    return dt > 0 ? cnt / dt : NAN;
}

/* A summary number "<series>_<suffix>", or NAN. */
static double summary_num(const pc_model_t *m, const char *series, const char *suffix) {
    char key[96];
    snprintf(key, sizeof key, "%s_%s", series, suffix);
    double v = m ? pc_model_summary_num(m, key, NAN) : NAN;
    return v >= 0 ? v : NAN; /* negative rates or latencies are not measurements */
}

/* Legend line in the plot's top margin, right-aligned with the data area. Long labels fall
 * back to series names when the full labels do not fit. */
static void plot_legend(frame_t *f, const pc_plot_t *p, const pc_legend_item_t *items, const pc_legend_item_t *short_items,
                        int n, int reserve_left) {
    pc_chart_t *c = &f->c;
    pc_font_metrics_t fm = c->font ? pc_font_metrics(c->font, pc_chart_pxf(c, PC_TEXT_TICK)) : (pc_font_metrics_t){0};
    int y = p->area.y - pc_chart_px(c, 10) - fm.cap_height / 2;
    int max_w = p->area.w - reserve_left;
    if (!pc_chart_legend_inline(c, p->area.x + p->area.w, y, PC_ALIGN_RIGHT, max_w, items, n) && short_items)
        pc_chart_legend_inline(c, p->area.x + p->area.w, y, PC_ALIGN_RIGHT, max_w, short_items, n);
}

/* ======================= latency-histogram ======================= */

/* Spreads `share` of the continuous value range [a, b) over display bins with the given
 * edges, proportionally to overlap (a histogram bucket is assumed uniform inside). */
static void spread(double share, double a, double b, const double *edges, int nb, double *out) {
    if (!(b > a) || b <= edges[0] || a >= edges[nb]) return;
    double width = b - a;
    int lo = 0, hi = nb; /* binary search for the bin holding a */
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        if (edges[mid] <= a)
            lo = mid;
        else
            hi = mid;
    }
    if (a < edges[0]) a = edges[0];
    for (int k = lo; k < nb && a < b; k++) {
        double end = b < edges[k + 1] ? b : edges[k + 1];
        if (end > a) out[k] += share * (end - a) / width;
        a = end;
    }
}

/* The histogram as percentages per display bin. */
static void bin_hist(const pc_hist_t *h, const double *edges, int nb, double *out) {
    for (int k = 0; k < nb; k++) out[k] = 0;
    double total = (double)h->total;
    if (total <= 0) return;
    for (uint32_t i = 0; i < PC_HIST_BUCKETS; i++) {
        if (!h->counts[i]) continue;
        double a = (double)pc_hist_bucket_low(i), b = (double)pc_hist_bucket_high(i) + 1.0;
        spread((double)h->counts[i] * 100.0 / total, a, b, edges, nb, out);
    }
}

/* The run's latency mode from its parameters: "one message in flight" or "paced at …". */
static void latency_mode(const pc_model_t *m, char *buf, size_t cap) {
    buf[0] = '\0';
    if (!has_run(m)) return;
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

typedef struct marker {
    int x;          /* framebuffer column of the dashed line */
    pc_rect_t box;  /* label box */
    char text[48];
    uint32_t color;
} marker_t;

/* Places percentile labels in rows at the top of the plot so no two overlap; returns the
 * number of rows used. */
static int place_markers(frame_t *f, const pc_plot_t *p, marker_t *mk, int n) {
    pc_chart_t *c = &f->c;
    int row_h = pc_chart_px(c, 20), gap = pc_chart_px(c, 6), pad = pc_chart_px(c, 5);
    int rows = 0;
    for (int i = 0; i < n; i++) {
        int w = pc_chart_text_width(c, PC_TEXT_SMALL, mk[i].text) + 2 * pc_chart_px(c, 5);
        int x = mk[i].x + pc_chart_px(c, 4);
        if (x + w > p->area.x + p->area.w - pad) x = mk[i].x - pc_chart_px(c, 3) - w; /* flip left */
        if (x < p->area.x + pad) x = p->area.x + pad;
        int row = 0;
        for (; row < n; row++) {
            int clash = 0;
            for (int j = 0; j < i && !clash; j++) {
                if (mk[j].box.y != p->area.y + pad + row * row_h) continue;
                if (x < mk[j].box.x + mk[j].box.w + gap && mk[j].box.x < x + w + gap) clash = 1;
            }
            if (!clash) break;
        }
        mk[i].box.x = x;
        mk[i].box.y = p->area.y + pad + row * row_h;
        mk[i].box.w = w;
        mk[i].box.h = row_h - pc_chart_px(c, 4);
        if (row + 1 > rows) rows = row + 1;
    }
    return rows;
}

int pc_view_ringbuf_latency(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    frame_t f;
    char mode[96], run[128], sub[256];
    latency_mode(m, mode, sizeof mode);
    run_text(m, run, sizeof run);
    snprintf(sub, sizeof sub, "%s%s%s", mode, mode[0] && run[0] ? " \xc2\xb7 " : "", run);
    int r = begin(&f, fb, m, st, "One-way latency", sub);
    if (r) return r;
    pc_chart_t *c = &f.c;

    const pc_series_t *ser[MAX_DRAWN];
    uint32_t col[MAX_DRAWN];
    int n = 0;
    uint64_t vmin = UINT64_MAX, vmax = 0;
    for (int i = 0; m && i < m->n_series && n < MAX_DRAWN; i++) {
        const pc_series_t *s = &m->series[i];
        if (!series_has_hist(s)) continue;
        ser[n] = s;
        col[n] = series_color(c, s, i);
        n++;
        if (s->hist->min < vmin) vmin = s->hist->min;
        if (s->hist->max > vmax) vmax = s->hist->max;
    }
    if (n == 0) return nothing_yet(&f, "No latency samples yet");

    /* x domain: the data's range padded a little, at least one decade wide */
    double lo = vmin < 1 ? 1.0 : (double)vmin, hi = (double)vmax < lo ? lo : (double)vmax;
    lo /= 1.3;
    hi *= 1.3;
    if (hi / lo < 10) {
        double g = sqrt(10 / (hi / lo));
        lo /= g;
        hi *= g;
    }

    pc_plot_t p;
    memset(&p, 0, sizeof p);
    p.x.log = 1;
    p.x.lo = lo;
    p.x.hi = hi;
    p.x.fmt = pc_fmt_ns;
    p.x.title = "one-way latency (log scale)";
    p.y.lo = 0;
    p.y.hi = 1;
    p.y.fmt = pc_fmt_percent;
    p.y.title = "share of samples per bin";
    pc_plot_layout(c, &p, f.body);

    /* display bins: log-spaced, aligned to decades */
    double l0 = pc_log10(lo), l1 = pc_log10(hi);
    double px_per_decade = p.area.w / (l1 - l0);
    int per = 20; /* the finest of 20, 10, 5, 2 per decade that keeps bins >= 8 px wide */
    while (per > 2 && px_per_decade / per < pc_chart_pxf(c, 8)) per = per == 20 ? 10 : per == 10 ? 5 : 2;
    double k0 = floor(l0 * per), k1 = ceil(l1 * per);
    while (k1 - k0 > MAX_BINS && per > 1) {
        per /= 2;
        k0 = floor(l0 * per);
        k1 = ceil(l1 * per);
    }
    int nb = (int)(k1 - k0);
    if (nb < 1) nb = 1;
    if (nb > MAX_BINS) nb = MAX_BINS;
    double edges[MAX_BINS + 1];
    for (int k = 0; k <= nb; k++) edges[k] = pc_pow10((k0 + k) / per);

    double share[MAX_DRAWN][MAX_BINS];
    double smax = 0;
    for (int j = 0; j < n; j++) {
        bin_hist(ser[j]->hist, edges, nb, share[j]);
        for (int k = 0; k < nb; k++)
            if (share[j][k] > smax) smax = share[j][k];
    }
    if (!(smax > 0)) smax = 1;

    /* percentile markers, then headroom above the curves for their labels */
    marker_t mk[MAX_DRAWN * 3];
    int nm = 0;
    for (int pass = 0; pass < 2; pass++) {
        nm = 0;
        for (int j = 0; j < n; j++)
            for (int q = 0; q < 3; q++) {
                marker_t *k = &mk[nm++];
                double v = (double)pc_hist_quantile(ser[j]->hist, QUANTILES[q]);
                char val[32];
                pc_fmt_ns(val, sizeof val, v);
                snprintf(k->text, sizeof k->text, "%s %s", QUANTILE_NAMES[q], val);
                k->x = (int)floor(pc_plot_fx(&p, v));
                k->color = col[j];
            }
        int rows = place_markers(&f, &p, mk, nm);
        if (pass == 1) break;
        int head = pc_chart_px(c, 8) + rows * pc_chart_px(c, 20) + pc_chart_px(c, 6);
        int usable = p.area.h - head;
        if (usable < p.area.h / 2) usable = p.area.h / 2;
        p.y.hi = smax * p.area.h / (usable > 0 ? usable : 1);
        pc_plot_layout(c, &p, f.body); /* y labels may change width: lay out again */
    }
    pc_plot_draw_axes(c, &p);

    /* the curves: translucent step areas first, outlines on top */
    float base = (float)floor(pc_plot_cy(&p, 0)) + 0.5f;
    float lw = pc_chart_pxf(c, 1.5f);
    for (int pass = 0; pass < 2; pass++)
        for (int j = 0; j < n; j++) {
            int first = -1, last = -1;
            for (int k = 0; k < nb; k++)
                if (share[j][k] > 0) {
                    if (first < 0) first = k;
                    last = k;
                }
            if (first < 0) continue;
            pc_pointf_t pts[2 * MAX_BINS + 2];
            int np = 0;
            /* snapped to pixel centres so the steps are crisp */
            float xe = (float)floor(pc_plot_cx(&p, edges[first])) + 0.5f;
            pts[np++] = (pc_pointf_t){xe, base};
            for (int k = first; k <= last; k++) {
                float y = (float)floor(pc_plot_cy(&p, share[j][k])) + 0.5f;
                float xa = (float)floor(pc_plot_cx(&p, edges[k])) + 0.5f;
                float xb = (float)floor(pc_plot_cx(&p, edges[k + 1])) + 0.5f;
                pts[np++] = (pc_pointf_t){xa, y};
                pts[np++] = (pc_pointf_t){xb, y};
            }
            pts[np] = (pc_pointf_t){pts[np - 1].x, base};
            np++;
            if (pass == 0)
                pc_gfx_fill_area(&p.clip, pts + 1, np - 2, base, pc_color_alpha(col[j], 46));
            else
                pc_gfx_polyline(&p.clip, pts, np, lw, col[j]);
        }

    /* percentile markers: dashed lines from their label down to the axis */
    int dash = pc_chart_px(c, 4), gapd = pc_chart_px(c, 3);
    for (int i = 0; i < nm; i++) {
        if (mk[i].x < p.area.x || mk[i].x >= p.area.x + p.area.w) continue;
        int y0 = mk[i].box.y + mk[i].box.h / 2;
        pc_gfx_vline_dashed(c->fb, mk[i].x, y0, p.area.y + p.area.h - 2, pc_chart_px(c, 1), dash, gapd,
                            pc_color_alpha(mk[i].color, 200));
    }
    for (int i = 0; i < nm; i++) {
        pc_rect_t b = mk[i].box;
        pc_gfx_round_rect(c->fb, (float)b.x, (float)b.y, (float)b.w, (float)b.h, pc_chart_pxf(c, 3),
                          pc_color_mix(c->th->bg, mk[i].color, 40));
        pc_gfx_round_rect_stroke(c->fb, (float)b.x, (float)b.y, (float)b.w, (float)b.h, pc_chart_pxf(c, 3),
                                 pc_chart_pxf(c, 1), pc_color_alpha(mk[i].color, 150));
        pc_chart_text(c, b.x + pc_chart_px(c, 5), b.y + b.h / 2, PC_TEXT_SMALL, mk[i].color,
                      PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, mk[i].text);
    }

    /* legend: "label · 100 k samples" */
    pc_legend_item_t items[MAX_DRAWN], short_items[MAX_DRAWN];
    char labels[MAX_DRAWN][128];
    for (int j = 0; j < n; j++) {
        char cnt[32];
        pc_fmt_si(cnt, sizeof cnt, (double)ser[j]->hist->total, NULL);
        snprintf(labels[j], sizeof labels[j], "%s \xc2\xb7 %s samples", series_label(ser[j]), cnt);
        items[j] = (pc_legend_item_t){labels[j], col[j], PC_LEGEND_BOX};
        short_items[j] = (pc_legend_item_t){ser[j]->name, col[j], PC_LEGEND_BOX};
    }
    int reserve = pc_chart_text_width(c, PC_TEXT_TICK, p.y.title) + pc_chart_px(c, 24);
    plot_legend(&f, &p, items, short_items, n, reserve);
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
    run_text(m, run, sizeof run);
    snprintf(sub, sizeof sub, "each queue from the start of its phase%s%s", run[0] ? " \xc2\xb7 " : "", run);
    int r = begin(&f, fb, m, st, "Throughput", sub);
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
        t->mean = mean_rate(s, f.cursor);
        if (t->shown) n++;
    }
    if (n == 0) return nothing_yet(&f, "No throughput windows yet");
    if (!(ymin <= ymax)) ymin = ymax;
    double ylo = ymin / 2, yhi = ymax * 2;
    if (!(ymax > 0)) { /* only zero rates: any decent range, the line sits on the floor */
        ylo = 1;
        yhi = 1000;
    }
    if (yhi / ylo < 10) {
        double g = sqrt(10 / (yhi / ylo));
        ylo /= g;
        yhi *= g;
    }
    double xlo = 0, xhi = xmax > 0 ? xmax * 1.03 : 1;

    pc_plot_t p;
    memset(&p, 0, sizeof p);
    p.x.lo = xlo;
    p.x.hi = xhi;
    p.x.fmt = pc_fmt_seconds;
    p.x.title = "time since the queue's phase started";
    p.y.log = 1;
    p.y.lo = ylo;
    p.y.hi = yhi;
    p.y.fmt = pc_fmt_rate;
    p.y.title = "messages per second (log scale)";
    p.pad_right = 56; /* mean tags */
    pc_plot_layout(c, &p, f.body);
    pc_plot_draw_axes(c, &p);

    float lw = pc_chart_pxf(c, 1.75f);
    int cols = p.area.w < MAX_PTS ? p.area.w : MAX_PTS;
    for (int j = 0; j < n; j++) {
        const pc_series_t *s = ts[j].s;
        pc_pointf_t pts[MAX_PTS];
        int np = 0;
        if ((long long)ts[j].shown <= cols / 2) {
            /* few windows: one point per window, with dots */
            for (size_t k = 0; k < s->n_windows && np < MAX_PTS; k++) {
                const pc_window_t *w = &s->windows[k];
                if ((f.cursor >= 0 && w->t > f.cursor) || !pc_isfinite(w->t) || !pc_isfinite(w->rate)) continue;
                pts[np++] = (pc_pointf_t){pc_plot_cx(&p, w->t - w->dt * 0.5 - ts[j].origin), pc_plot_cy(&p, w->rate > ylo ? w->rate : ylo)};
            }
            pc_gfx_polyline(&p.clip, pts, np, lw, ts[j].color);
            if ((long long)ts[j].shown <= cols / 6) {
                for (int k = 0; k < np; k++) {
                    pc_gfx_circle(&p.clip, pts[k].x, pts[k].y, pc_chart_pxf(c, 3.5f), c->th->bg);
                    pc_gfx_circle(&p.clip, pts[k].x, pts[k].y, pc_chart_pxf(c, 2.5f), ts[j].color);
                }
            }
        } else {
            /* many windows: per pixel column, a min-max band and the mean through it */
            int cur = -1;
            double sum = 0, mn = 0, mx = 0;
            int cnt = 0;
            uint32_t band = pc_color_alpha(ts[j].color, 70);
            for (size_t k = 0; k <= s->n_windows; k++) {
                int colx = -2;
                const pc_window_t *w = k < s->n_windows ? &s->windows[k] : NULL;
                if (w) {
                    if ((f.cursor >= 0 && w->t > f.cursor) || !pc_isfinite(w->t) || !pc_isfinite(w->rate)) continue;
                    double cx = pc_plot_cx(&p, w->t - w->dt * 0.5 - ts[j].origin);
                    colx = (int)floor(cx * cols / (p.area.w > 0 ? p.area.w : 1));
                }
                if (colx != cur && cnt) {
                    float x = (float)((cur + 0.5) * p.area.w / cols);
                    pc_gfx_line(&p.clip, x, pc_plot_cy(&p, mn), x, pc_plot_cy(&p, mx), pc_chart_pxf(c, 1), band);
                    if (np < MAX_PTS) pts[np++] = (pc_pointf_t){x, pc_plot_cy(&p, sum / cnt)};
                    cnt = 0;
                }
                if (!w) break;
                double rate = w->rate > ylo ? w->rate : ylo; /* stalls stay visible on the floor */
                if (!cnt) {
                    sum = 0;
                    mn = mx = rate;
                }
                cur = colx;
                sum += rate;
                if (rate < mn) mn = rate;
                if (rate > mx) mx = rate;
                cnt++;
            }
            pc_gfx_polyline(&p.clip, pts, np, lw, ts[j].color);
        }
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
        items[j] = (pc_legend_item_t){series_label(ts[j].s), ts[j].color, PC_LEGEND_LINE};
        short_items[j] = (pc_legend_item_t){ts[j].s->name, ts[j].color, PC_LEGEND_LINE};
    }
    items[n] = short_items[n] = (pc_legend_item_t){"mean", c->th->text_dim, PC_LEGEND_DASH};
    int reserve = pc_chart_text_width(c, PC_TEXT_TICK, p.y.title) + pc_chart_px(c, 24);
    plot_legend(&f, &p, items, short_items, n + 1, reserve);
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
        if (!pc_isfinite(x->rate)) x->rate = mean_rate(s, f->cursor);
        int any = pc_isfinite(x->rate);
        for (int q = 0; q < 3; q++) {
            x->lat[q] = series_has_hist(s) ? (double)pc_hist_quantile(s->hist, QUANTILES[q])
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
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_LABEL), series_label(cs[j].s), in.w, buf, sizeof buf);
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
        snprintf(buf, sizeof buf, "%s vs %s, messages per second", series_label(a->s), series_label(b->s));
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
    double vmin = INFINITY, vmax = 0;
    for (int q = 0; q < 3; q++)
        for (int j = 0; j < n; j++) {
            double v = cs[j].lat[q];
            vals[q * n + j] = v;
            if (pc_isfinite(v) && v > 0) {
                if (v < vmin) vmin = v;
                if (v > vmax) vmax = v;
            }
        }
    for (int j = 0; j < n; j++) colors[j] = cs[j].color;
    if (!(vmax > 0)) {
        pc_chart_message(c, in, "No latency samples yet", NULL);
        return;
    }
    /* start the bars a decade-ish below the smallest value so every bar has a visible body */
    double lo = pc_pow10(floor(pc_log10(vmin / 3))), hi = vmax * 3;
    pc_plot_t p;
    memset(&p, 0, sizeof p);
    p.x.cats = QUANTILE_NAMES;
    p.x.n_cats = 3;
    p.y.log = 1;
    p.y.lo = lo;
    p.y.hi = hi;
    p.y.fmt = pc_fmt_ns;
    p.y.title = "one-way latency (log scale)";
    pc_plot_layout(c, &p, in);
    pc_plot_draw_axes(c, &p);
    pc_chart_bars(c, &p, vals, 3, n, colors, pc_fmt_ns);
    /* legend on the panel's heading line, right-aligned */
    pc_legend_item_t items[MAX_DRAWN], short_items[MAX_DRAWN];
    for (int j = 0; j < n; j++) {
        items[j] = (pc_legend_item_t){series_label(cs[j].s), cs[j].color, PC_LEGEND_BOX};
        short_items[j] = (pc_legend_item_t){cs[j].s->name, cs[j].color, PC_LEGEND_BOX};
    }
    if (!c->font) return;
    pc_font_metrics_t fm = pc_font_metrics(c->font, pc_chart_pxf(c, PC_TEXT_LABEL));
    int pad = pc_chart_px(c, 14);
    int y = panel.y + pad + fm.ascent - fm.cap_height / 2;
    int max_w = panel.w - 2 * pad - pc_chart_text_width(c, PC_TEXT_LABEL, "Latency percentiles") - pc_chart_px(c, 24);
    int xr = panel.x + panel.w - pad;
    if (!pc_chart_legend_inline(c, xr, y, PC_ALIGN_RIGHT, max_w, items, n))
        pc_chart_legend_inline(c, xr, y, PC_ALIGN_RIGHT, max_w, short_items, n);
}

int pc_view_ringbuf_comparison(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    frame_t f;
    char run[128];
    run_text(m, run, sizeof run);
    int r = begin(&f, fb, m, st, "SPSC ring vs mutex queue", run);
    if (r) return r;
    pc_chart_t *c = &f.c;
    cmp_series_t cs[MAX_DRAWN];
    int n = 0;
    cmp_collect(&f, cs, &n);
    if (n == 0) return nothing_yet(&f, "No results to compare yet");
    pc_rect_t a = f.body, b = f.body;
    int gap = pc_chart_px(c, 16);
    if (f.body.w >= f.body.h * 6 / 5) {
        a.w = (f.body.w - gap) * 2 / 5;
        b.x = a.x + a.w + gap;
        b.w = f.body.w - a.w - gap;
    } else {
        a.h = (f.body.h - gap) * 2 / 5;
        b.y = a.y + a.h + gap;
        b.h = f.body.h - a.h - gap;
    }
    cmp_throughput(&f, pc_chart_panel(c, a, "Throughput"), cs, n);
    cmp_latency(&f, b, pc_chart_panel(c, b, "Latency percentiles"), cs, n);
    return 0;
}

/* ======================= summary ======================= */

/* "host · CPU model (2 logical cores)" from the header's "system" object, read defensively. */
static void system_text(const pc_model_t *m, char *buf, size_t cap) {
    buf[0] = '\0';
    if (!has_run(m)) return;
    const cJSON *sys = cJSON_GetObjectItemCaseSensitive(m->header, "system");
    const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(sys, "cpu");
    const cJSON *plat = cJSON_GetObjectItemCaseSensitive(sys, "platform");
    const cJSON *host = cJSON_GetObjectItemCaseSensitive(plat, "hostname");
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(cpu, "model");
    const cJSON *cores = cJSON_GetObjectItemCaseSensitive(cpu, "logical_cores");
    size_t len = 0;
    if (cJSON_IsString(host) && host->valuestring[0])
        len += (size_t)snprintf(buf + len, cap - len, "host %.60s", host->valuestring);
    if (len < cap && cJSON_IsString(model) && model->valuestring[0])
        len += (size_t)snprintf(buf + len, cap - len, "%s%.80s", len ? " \xc2\xb7 " : "", model->valuestring);
    if (len < cap && cJSON_IsNumber(cores) && cores->valuedouble >= 1 && cores->valuedouble < 1e6)
        snprintf(buf + len, cap - len, "%s%d logical cores", len ? ", " : "", (int)cores->valuedouble);
}

typedef struct kpi {
    const char *caption;
    char value[64];
    const char *note;
    uint32_t color;
} kpi_t;

/* One row of cards under a heading; returns the y below it. */
static int kpi_row(frame_t *f, int y, int h, const char *heading, const kpi_t *k, int n) {
    pc_chart_t *c = &f->c;
    pc_rect_t body = f->body;
    int head_h = pc_chart_px(c, 24), gap = pc_chart_px(c, 12);
    char buf[160];
    if (c->font) {
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_LABEL), heading, body.w, buf, sizeof buf);
        pc_chart_text(c, body.x, y + head_h / 2, PC_TEXT_LABEL, c->th->text_dim, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, buf);
    }
    int card_h = h - head_h;
    int card_w = (body.w - gap * 2) / 3; /* three slots per row, so rows line up */
    for (int i = 0; i < n && i < 3; i++) {
        pc_rect_t r = {body.x + i * (card_w + gap), y + head_h, card_w, card_h};
        int missing = strcmp(k[i].value, "\xe2\x80\x93") == 0;
        const char *note = missing ? (f->m && f->m->finished ? "not reported" : "not measured yet") : k[i].note;
        pc_chart_kpi(c, r, k[i].caption, k[i].value, note, missing ? c->th->text_faint : k[i].color);
    }
    return y + h;
}

int pc_view_ringbuf_summary(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    frame_t f;
    char run[128];
    run_text(m, run, sizeof run);
    int r = begin(&f, fb, m, st, "Summary", run);
    if (r) return r;
    pc_chart_t *c = &f.c;
    if (!has_run(m)) return nothing_yet(&f, "Waiting for data");

    /* run facts: when, where */
    char line[320], sys[200];
    const char *started_raw = pc_model_header_str(m, "started", NULL);
    char started_buf[64];
    const char *started = NULL;
    if (started_raw) {
        /* "2026-11-25T18:00:00Z" reads better as "2026-11-25 18:00:00 UTC" */
        size_t L = strlen(started_raw);
        if (L == 20 && started_raw[10] == 'T' && started_raw[19] == 'Z')
            snprintf(started_buf, sizeof started_buf, "%.10s %.8s UTC", started_raw, started_raw + 11);
        else
            snprintf(started_buf, sizeof started_buf, "%.60s", started_raw);
        started = started_buf;
    }
    system_text(m, sys, sizeof sys);
    snprintf(line, sizeof line, "%s%s%s%s", started ? "started " : "", started ? started : "",
             started && sys[0] ? " \xc2\xb7 " : "", sys);
    int y = f.body.y;
    char fit[320];
    if (line[0] && c->font) {
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_TICK), line, f.body.w, fit, sizeof fit);
        pc_chart_text(c, f.body.x, y, PC_TEXT_TICK, c->th->text_dim, PC_ALIGN_LEFT | PC_ALIGN_TOP, fit);
    }
    y += pc_chart_px(c, 24);

    /* run state: a progress bar while running, the end status after */
    char state[256];
    if (!m->finished) {
        char pct[32];
        pc_fmt_percent(pct, sizeof pct, m->progress * 100.0);
        snprintf(state, sizeof state, "%s%s%s", pct, m->phase[0] ? "  \xc2\xb7  " : "", m->phase);
        pc_rect_t bar = {f.body.x, y, f.body.w, pc_chart_px(c, 22)};
        pc_chart_progress(c, bar, m->progress, state);
    } else {
        int ok = strcmp(m->status, "ok") == 0;
        uint32_t sc = ok ? c->th->accent : (strcmp(m->status, "stopped") == 0 ? c->th->warn : c->th->bad);
        int cy = y + pc_chart_px(c, 11);
        pc_gfx_circle(c->fb, f.body.x + pc_chart_pxf(c, 5), (float)cy, pc_chart_pxf(c, 4.5f), sc);
        char dur[48] = "";
        if (ok && m->t_last > 0) {
            char secs[32];
            pc_fmt_fixed(secs, sizeof secs, m->t_last, m->t_last >= 100 ? 0 : 1);
            snprintf(dur, sizeof dur, " in %s s", secs);
        }
        snprintf(state, sizeof state, "%s%s%s%.150s", ok ? "completed" : m->status, dur, m->end_message[0] ? ": " : "",
                 m->end_message);
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_LABEL), state, f.body.w - pc_chart_px(c, 18), fit, sizeof fit);
        if (c->font) pc_chart_text(c, f.body.x + pc_chart_px(c, 16), cy, PC_TEXT_LABEL, c->th->text, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, fit);
    }
    y += pc_chart_px(c, 22) + pc_chart_px(c, 16);

    const pc_series_t *sp = pc_model_series(m, "spsc"), *mu = pc_model_series(m, "mutex");
    const char *spl = sp ? series_label(sp) : "SPSC ring", *mul = mu ? series_label(mu) : "mutex queue";
    uint32_t spc = c->th->series[0], muc = c->th->series[1];
    int final = m->summary != NULL;
    const char *live = final ? NULL : "so far";

    /* throughput row */
    kpi_t k[3];
    double v;
    v = summary_num(m, "spsc", "msgs_per_s");
    if (!pc_isfinite(v) && sp) v = mean_rate(sp, f.cursor);
    k[0] = (kpi_t){spl, "", live, spc};
    if (pc_isfinite(v)) pc_fmt_si(k[0].value, sizeof k[0].value, v, "msg/s");
    else snprintf(k[0].value, sizeof k[0].value, "\xe2\x80\x93");
    double sv = v;
    v = summary_num(m, "mutex", "msgs_per_s");
    if (!pc_isfinite(v) && mu) v = mean_rate(mu, f.cursor);
    k[1] = (kpi_t){mul, "", live, muc};
    if (pc_isfinite(v)) pc_fmt_si(k[1].value, sizeof k[1].value, v, "msg/s");
    else snprintf(k[1].value, sizeof k[1].value, "\xe2\x80\x93");
    double ratio = pc_model_summary_num(m, "spsc_vs_mutex_throughput", NAN);
    if (!pc_isfinite(ratio) && pc_isfinite(sv) && pc_isfinite(v) && v > 0) ratio = sv / v;
    k[2] = (kpi_t){"SPSC vs mutex throughput", "", live, c->th->text};
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
    y = kpi_row(&f, y, row_h, "Throughput (messages per second)", k, 3) + row_gap;

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
            if (!pc_isfinite(lv) && ls[i] && series_has_hist(ls[i])) {
                lv = (double)pc_hist_quantile(ls[i]->hist, QUANTILES[q]);
                note = final ? NULL : "so far";
            }
            k[q] = (kpi_t){QUANTILE_NAMES[q], "", note, colors[i]};
            if (pc_isfinite(lv)) pc_fmt_ns(k[q].value, sizeof k[q].value, lv);
            else snprintf(k[q].value, sizeof k[q].value, "\xe2\x80\x93");
        }
        y = kpi_row(&f, y, row_h, heading, k, 3) + row_gap;
    }
    return 0;
}
