/* view_common.c — pieces several suites' views share. See view_common.h. Only pcmath's
 * functions (and exact IEEE operations: + - * / sqrt floor) decide pixels. */
#include "view_common.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "font.h"
#include "pcmath.h"

const double PC_VC_QUANTILES[3] = {0.5, 0.99, 0.999};
const char *const PC_VC_QUANTILE_NAMES[3] = {"p50", "p99", "p99.9"};
const char *const PC_VC_QUANTILE_KEYS[3] = {"p50_ns", "p99_ns", "p999_ns"};

/* ---- the page ---- */

int pc_vc_has_run(const pc_model_t *m) { return m && m->header; }

void pc_vc_status_text(const pc_model_t *m, char *buf, size_t cap) {
    if (!pc_vc_has_run(m)) {
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

void pc_vc_run_text(const pc_model_t *m, char *buf, size_t cap) {
    buf[0] = '\0';
    if (!pc_vc_has_run(m)) return;
    if (m->run_id[0])
        snprintf(buf, cap, "%s \xc2\xb7 run %s", m->suite, m->run_id);
    else
        snprintf(buf, cap, "%s", m->suite);
}

pc_rect_t pc_vc_body_rect(const pc_chart_t *c) {
    int bar_h = pc_chart_title_bar_height(c);
    pc_rect_t r = {0, bar_h, c->fb->w, c->fb->h - bar_h};
    int mx = pc_chart_px(c, 18), mt = pc_chart_px(c, 14), mb = pc_chart_px(c, 12);
    r.x += mx;
    r.w -= 2 * mx;
    r.y += mt;
    r.h -= mt + mb;
    if (r.w < 0) r.w = 0;
    if (r.h < 0) r.h = 0;
    return r;
}

int pc_vc_begin(pc_vframe_t *f, pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st, const char *title,
                const char *subtitle) {
    if (!pc_fb_valid(fb) || !st) return PC_EINVAL;
    pc_chart_init(&f->c, fb, st->font, st->scale);
    f->m = m;
    f->cursor = st->t_cursor == st->t_cursor ? st->t_cursor : -1; /* NaN: everything */
    pc_chart_background(&f->c);
    char status[160];
    pc_vc_status_text(m, status, sizeof status);
    pc_chart_title_bar(&f->c, title, subtitle, status);
    f->body = pc_vc_body_rect(&f->c);
    return 0;
}

int pc_vc_begin_run(pc_vframe_t *f, pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st, const char *title) {
    char run[128];
    pc_vc_run_text(m, run, sizeof run);
    int r = pc_vc_begin(f, fb, m, st, title, run);
    if (r) return r;
    if (pc_vc_has_run(m)) return 0;
    pc_vc_nothing_yet(f, "Waiting for data");
    return 1;
}

int pc_vc_nothing_yet(pc_vframe_t *f, const char *what) {
    if (!pc_vc_has_run(f->m))
        pc_chart_message(&f->c, f->body, "Waiting for data", "Start a run or open a result file.");
    else
        pc_chart_message(&f->c, f->body, what, f->m->finished ? "The run has ended without these records."
                                                              : "They appear as soon as the run reports them.");
    return 0;
}

int pc_vc_begin_summary(pc_vframe_t *f, pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st, int *y) {
    char run[128];
    pc_vc_run_text(m, run, sizeof run);
    int r = pc_vc_begin(f, fb, m, st, "Summary", run);
    if (r) return r;
    if (!pc_vc_has_run(m)) {
        pc_vc_nothing_yet(f, "Waiting for data");
        return 1;
    }
    *y = pc_vc_run_facts(f);
    return 0;
}

void pc_vc_split_body(const pc_vframe_t *f, pc_rect_t *a, pc_rect_t *b) {
    *a = f->body;
    *b = f->body;
    int gap = pc_chart_px(&f->c, 16);
    if (f->body.w >= f->body.h * 6 / 5) {
        a->w = (f->body.w - gap) * 2 / 5;
        b->x = a->x + a->w + gap;
        b->w = f->body.w - a->w - gap;
    } else {
        a->h = (f->body.h - gap) * 2 / 5;
        b->y = a->y + a->h + gap;
        b->h = f->body.h - a->h - gap;
    }
}

/* ---- series ---- */

uint32_t pc_vc_series_color(const pc_chart_t *c, const pc_series_t *s, int index) {
    static const struct {
        const char *name;
        int theme_index;
    } KNOWN[] = {{"spsc", 0}, {"mutex", 1}, {"match", 0}, {"e2e", 2}, {"orders", 6}, {"trades", 5}};
    for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++)
        if (strcmp(s->name, KNOWN[i].name) == 0) return c->th->series[KNOWN[i].theme_index];
    return c->th->series[(index + 2) % PC_THEME_SERIES];
}

const char *pc_vc_series_label(const pc_series_t *s) { return s->label[0] ? s->label : s->name; }

int pc_vc_series_has_hist(const pc_series_t *s) { return s->has_hist && s->hist && s->hist->total > 0; }

double pc_vc_mean_rate(const pc_series_t *s, double cursor) {
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

void pc_vc_plot_legend(pc_vframe_t *f, const pc_plot_t *p, const pc_legend_item_t *items,
                       const pc_legend_item_t *short_items, int n, int reserve_left) {
    pc_chart_t *c = &f->c;
    pc_font_metrics_t fm = c->font ? pc_font_metrics(c->font, pc_chart_pxf(c, PC_TEXT_TICK)) : (pc_font_metrics_t){0};
    int y = p->area.y - pc_chart_px(c, 10) - fm.cap_height / 2;
    int max_w = p->area.w - reserve_left;
    if (!pc_chart_legend_inline(c, p->area.x + p->area.w, y, PC_ALIGN_RIGHT, max_w, items, n) && short_items)
        pc_chart_legend_inline(c, p->area.x + p->area.w, y, PC_ALIGN_RIGHT, max_w, short_items, n);
}

void pc_vc_plot_legend_beside_title(pc_vframe_t *f, const pc_plot_t *p, const pc_legend_item_t *items,
                                    const pc_legend_item_t *short_items, int n) {
    pc_chart_t *c = &f->c;
    int reserve = pc_chart_text_width(c, PC_TEXT_TICK, p->y.title) + pc_chart_px(c, 24);
    pc_vc_plot_legend(f, p, items, short_items, n, reserve);
}

void pc_vc_panel_legend(pc_chart_t *c, pc_rect_t panel, const char *heading, const pc_legend_item_t *items,
                        const pc_legend_item_t *short_items, int n) {
    if (!c->font) return;
    pc_font_metrics_t fm = pc_font_metrics(c->font, pc_chart_pxf(c, PC_TEXT_LABEL));
    int pad = pc_chart_px(c, 14);
    int y = panel.y + pad + fm.ascent - fm.cap_height / 2;
    int max_w = panel.w - 2 * pad - pc_chart_text_width(c, PC_TEXT_LABEL, heading) - pc_chart_px(c, 24);
    int xr = panel.x + panel.w - pad;
    if (!pc_chart_legend_inline(c, xr, y, PC_ALIGN_RIGHT, max_w, items, n) && short_items)
        pc_chart_legend_inline(c, xr, y, PC_ALIGN_RIGHT, max_w, short_items, n);
}

/* ---- latency histograms ---- */

void pc_vc_latency_domain(uint64_t vmin, uint64_t vmax, double *lo_out, double *hi_out) {
    double lo = vmin < 1 ? 1.0 : (double)vmin, hi = (double)vmax < lo ? lo : (double)vmax;
    lo /= 1.3;
    hi *= 1.3;
    if (hi / lo < 10) {
        double g = sqrt(10 / (hi / lo));
        lo /= g;
        hi *= g;
    }
    *lo_out = lo;
    *hi_out = hi;
}

void pc_vc_latency_plot(pc_vframe_t *f, pc_plot_t *p, uint64_t vmin, uint64_t vmax, const char *x_title,
                        const char *y_title) {
    double lo, hi;
    pc_vc_latency_domain(vmin, vmax, &lo, &hi);
    memset(p, 0, sizeof *p);
    p->x.log = 1;
    p->x.lo = lo;
    p->x.hi = hi;
    p->x.fmt = pc_fmt_ns;
    p->x.title = x_title;
    p->y.lo = 0;
    p->y.hi = 1;
    p->y.fmt = pc_fmt_percent;
    p->y.title = y_title;
    pc_plot_layout(&f->c, p, f->body);
}

double pc_vc_share_max(const double *share, int nb, double smax) {
    for (int k = 0; k < nb; k++)
        if (share[k] > smax) smax = share[k];
    return smax;
}

void pc_vc_fit_headroom(pc_vframe_t *f, pc_plot_t *p, int rows, double smax) {
    if (!(smax > 0)) smax = 1;
    int usable = p->area.h - pc_vc_marker_headroom(&f->c, rows);
    if (usable < p->area.h / 2) usable = p->area.h / 2;
    p->y.hi = smax * p->area.h / (usable > 0 ? usable : 1);
    pc_plot_layout(&f->c, p, f->body);
}

int pc_vc_hist_edges(const pc_chart_t *c, const pc_plot_t *p, double *edges) {
    double l0 = pc_log10(p->x.lo), l1 = pc_log10(p->x.hi);
    double px_per_decade = p->area.w / (l1 - l0);
    int per = 20; /* the finest of 20, 10, 5, 2 per decade that keeps bins >= 8 px wide */
    while (per > 2 && px_per_decade / per < pc_chart_pxf(c, 8)) per = per == 20 ? 10 : per == 10 ? 5 : 2;
    double k0 = floor(l0 * per), k1 = ceil(l1 * per);
    while (k1 - k0 > PC_VC_MAX_BINS && per > 1) {
        per /= 2;
        k0 = floor(l0 * per);
        k1 = ceil(l1 * per);
    }
    int nb = (int)(k1 - k0);
    if (nb < 1) nb = 1;
    if (nb > PC_VC_MAX_BINS) nb = PC_VC_MAX_BINS;
    for (int k = 0; k <= nb; k++) edges[k] = pc_pow10((k0 + k) / per);
    return nb;
}

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

void pc_vc_bin_hist(const pc_hist_t *h, double total, const double *edges, int nb, double *out) {
    for (int k = 0; k < nb; k++) out[k] = 0;
    if (!(total > 0)) return;
    for (uint32_t i = 0; i < PC_HIST_BUCKETS; i++) {
        if (!h->counts[i]) continue;
        double a = (double)pc_hist_bucket_low(i), b = (double)pc_hist_bucket_high(i) + 1.0;
        spread((double)h->counts[i] * 100.0 / total, a, b, edges, nb, out);
    }
}

void pc_vc_hist_curve(const pc_chart_t *c, const pc_plot_t *p, const double *edges, int nb, const double *share,
                      uint32_t color, int pass) {
    float base = (float)floor(pc_plot_cy(p, 0)) + 0.5f;
    float lw = pc_chart_pxf(c, 1.5f);
    int first = -1, last = -1;
    for (int k = 0; k < nb; k++)
        if (share[k] > 0) {
            if (first < 0) first = k;
            last = k;
        }
    if (first < 0) return;
    pc_pointf_t pts[2 * PC_VC_MAX_BINS + 2];
    int np = 0;
    /* snapped to pixel centres so the steps are crisp */
    float xe = (float)floor(pc_plot_cx(p, edges[first])) + 0.5f;
    pts[np++] = (pc_pointf_t){xe, base};
    for (int k = first; k <= last; k++) {
        float y = (float)floor(pc_plot_cy(p, share[k])) + 0.5f;
        float xa = (float)floor(pc_plot_cx(p, edges[k])) + 0.5f;
        float xb = (float)floor(pc_plot_cx(p, edges[k + 1])) + 0.5f;
        pts[np++] = (pc_pointf_t){xa, y};
        pts[np++] = (pc_pointf_t){xb, y};
    }
    pts[np] = (pc_pointf_t){pts[np - 1].x, base};
    np++;
    pc_fb_t clip = p->clip;
    if (pass == 0)
        pc_gfx_fill_area(&clip, pts + 1, np - 2, base, pc_color_alpha(color, 46));
    else
        pc_gfx_polyline(&clip, pts, np, lw, color);
}

void pc_vc_quantile_marker(pc_vc_marker_t *k, const pc_plot_t *p, const char *name, double v, uint32_t color) {
    char val[32];
    pc_fmt_ns(val, sizeof val, v);
    snprintf(k->text, sizeof k->text, "%s %s", name, val);
    k->x = (int)floor(pc_plot_fx(p, v));
    k->color = color;
}

int pc_vc_place_markers(pc_chart_t *c, const pc_plot_t *p, pc_vc_marker_t *mk, int n) {
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

int pc_vc_marker_headroom(const pc_chart_t *c, int rows) {
    return pc_chart_px(c, 8) + rows * pc_chart_px(c, 20) + pc_chart_px(c, 6);
}

void pc_vc_draw_markers(pc_chart_t *c, const pc_plot_t *p, const pc_vc_marker_t *mk, int n) {
    int dash = pc_chart_px(c, 4), gapd = pc_chart_px(c, 3);
    for (int i = 0; i < n; i++) {
        if (mk[i].x < p->area.x || mk[i].x >= p->area.x + p->area.w) continue;
        int y0 = mk[i].box.y + mk[i].box.h / 2;
        pc_gfx_vline_dashed(c->fb, mk[i].x, y0, p->area.y + p->area.h - 2, pc_chart_px(c, 1), dash, gapd,
                            pc_color_alpha(mk[i].color, 200));
    }
    for (int i = 0; i < n; i++) {
        pc_rect_t b = mk[i].box;
        pc_gfx_round_rect(c->fb, (float)b.x, (float)b.y, (float)b.w, (float)b.h, pc_chart_pxf(c, 3),
                          pc_color_mix(c->th->bg, mk[i].color, 40));
        pc_gfx_round_rect_stroke(c->fb, (float)b.x, (float)b.y, (float)b.w, (float)b.h, pc_chart_pxf(c, 3),
                                 pc_chart_pxf(c, 1), pc_color_alpha(mk[i].color, 150));
        pc_chart_text(c, b.x + pc_chart_px(c, 5), b.y + b.h / 2, PC_TEXT_SMALL, mk[i].color,
                      PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, mk[i].text);
    }
}

/* ---- throughput windows ---- */

/* ---- percentile bars ---- */

void pc_vc_positive_range(const double *v, int n, double *vmin, double *vmax) {
    *vmin = INFINITY;
    *vmax = 0;
    for (int i = 0; i < n; i++)
        if (pc_isfinite(v[i]) && v[i] > 0) {
            if (v[i] < *vmin) *vmin = v[i];
            if (v[i] > *vmax) *vmax = v[i];
        }
}

void pc_vc_percentile_plot(pc_chart_t *c, pc_plot_t *p, pc_rect_t in, double lo, double hi, const char *y_title) {
    memset(p, 0, sizeof *p);
    p->x.cats = PC_VC_QUANTILE_NAMES;
    p->x.n_cats = 3;
    p->y.log = 1;
    p->y.lo = lo;
    p->y.hi = hi;
    p->y.fmt = pc_fmt_ns;
    p->y.title = y_title;
    pc_plot_layout(c, p, in);
    pc_plot_draw_axes(c, p);
}

void pc_vc_rate_range(double ymin, double ymax, double *ylo_out, double *yhi_out) {
    if (!(ymin <= ymax)) ymin = ymax;
    double ylo = ymin / 2, yhi = ymax * 2;
    if (!(ymax > 0)) {
        ylo = 1;
        yhi = 1000;
    }
    if (yhi / ylo < 10) {
        double g = sqrt(10 / (yhi / ylo));
        ylo /= g;
        yhi *= g;
    }
    *ylo_out = ylo;
    *yhi_out = yhi;
}

void pc_vc_rate_plot(pc_vframe_t *f, pc_plot_t *p, double xhi, double ylo, double yhi, const char *x_title,
                     const char *y_title) {
    memset(p, 0, sizeof *p);
    p->x.lo = 0;
    p->x.hi = xhi;
    p->x.fmt = pc_fmt_seconds;
    p->x.title = x_title;
    p->y.log = 1;
    p->y.lo = ylo;
    p->y.hi = yhi;
    p->y.fmt = pc_fmt_rate;
    p->y.title = y_title;
    p->pad_right = 56;
    pc_plot_layout(&f->c, p, f->body);
    pc_plot_draw_axes(&f->c, p);
}

int pc_vc_windows_curve(pc_chart_t *c, const pc_plot_t *p, const pc_series_t *s, double cursor, double origin,
                        double ylo, size_t shown, uint32_t color, pc_pointf_t *last) {
    float lw = pc_chart_pxf(c, 1.75f);
    int cols = p->area.w < PC_VC_MAX_PTS ? p->area.w : PC_VC_MAX_PTS;
    pc_fb_t clip = p->clip;
    pc_pointf_t pts[PC_VC_MAX_PTS];
    int np = 0;
    if ((long long)shown <= cols / 2) {
        /* few windows: one point per window, with dots */
        for (size_t k = 0; k < s->n_windows && np < PC_VC_MAX_PTS; k++) {
            const pc_window_t *w = &s->windows[k];
            if ((cursor >= 0 && w->t > cursor) || !pc_isfinite(w->t) || !pc_isfinite(w->rate)) continue;
            pts[np++] = (pc_pointf_t){pc_plot_cx(p, w->t - w->dt * 0.5 - origin), pc_plot_cy(p, w->rate > ylo ? w->rate : ylo)};
        }
        pc_gfx_polyline(&clip, pts, np, lw, color);
        if ((long long)shown <= cols / 6) {
            for (int k = 0; k < np; k++) {
                pc_gfx_circle(&clip, pts[k].x, pts[k].y, pc_chart_pxf(c, 3.5f), c->th->bg);
                pc_gfx_circle(&clip, pts[k].x, pts[k].y, pc_chart_pxf(c, 2.5f), color);
            }
        }
    } else {
        /* many windows: per pixel column, a min-max band and the mean through it */
        int cur = -1;
        double sum = 0, mn = 0, mx = 0;
        int cnt = 0;
        uint32_t band = pc_color_alpha(color, 70);
        for (size_t k = 0; k <= s->n_windows; k++) {
            int colx = -2;
            const pc_window_t *w = k < s->n_windows ? &s->windows[k] : NULL;
            if (w) {
                if ((cursor >= 0 && w->t > cursor) || !pc_isfinite(w->t) || !pc_isfinite(w->rate)) continue;
                double cx = pc_plot_cx(p, w->t - w->dt * 0.5 - origin);
                colx = (int)floor(cx * cols / (p->area.w > 0 ? p->area.w : 1));
            }
            if (colx != cur && cnt) {
                float x = (float)((cur + 0.5) * p->area.w / cols);
                pc_gfx_line(&clip, x, pc_plot_cy(p, mn), x, pc_plot_cy(p, mx), pc_chart_pxf(c, 1), band);
                if (np < PC_VC_MAX_PTS) pts[np++] = (pc_pointf_t){x, pc_plot_cy(p, sum / cnt)};
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
        pc_gfx_polyline(&clip, pts, np, lw, color);
    }
    if (np > 0 && last) {
        last->x = pts[np - 1].x + (float)p->area.x;
        last->y = pts[np - 1].y + (float)p->area.y;
    }
    return np > 0;
}

/* ---- metric samples ---- */

size_t pc_vc_samples_upto(const pc_series_t *s, double cursor) {
    if (!s) return 0;
    if (cursor < 0) return s->n_samples;
    size_t n = 0;
    while (n < s->n_samples && s->samples[n].t <= cursor) n++;
    return n;
}

double pc_vc_sample_at(const pc_model_t *m, const char *name, double t) {
    const pc_series_t *s = m ? pc_model_series(m, name) : NULL;
    size_t n = pc_vc_samples_upto(s, t);
    return n ? s->samples[n - 1].value : NAN;
}

int pc_vc_samples_curve(pc_chart_t *c, const pc_plot_t *p, const pc_series_t *s, size_t i0, size_t i1,
                        uint32_t color, float width) {
    if (!s || i1 > s->n_samples || i0 >= i1) return 0;
    size_t n = i1 - i0;
    size_t stride = (n + PC_VC_MAX_SAMPLE_PTS - 1) / PC_VC_MAX_SAMPLE_PTS;
    pc_pointf_t pts[PC_VC_MAX_SAMPLE_PTS];
    int k = 0;
    for (size_t i = i0; i < i1 && k < PC_VC_MAX_SAMPLE_PTS; i += stride) {
        double t = 0, v = 0;
        size_t e = i + stride < i1 ? i + stride : i1;
        for (size_t j = i; j < e; j++) {
            t += s->samples[j].t;
            v += s->samples[j].value;
        }
        t /= (double)(e - i);
        v /= (double)(e - i);
        pts[k++] = (pc_pointf_t){pc_plot_cx(p, t), pc_plot_cy(p, v)};
    }
    pc_fb_t clip = p->clip;
    if (k == 1)
        pc_gfx_circle(&clip, pts[0].x, pts[0].y, pc_chart_pxf(c, 2.5f), color);
    else
        pc_gfx_polyline(&clip, pts, k, pc_chart_pxf(c, width), color);
    return k;
}

/* ---- text ---- */

/* The bytes of the longest run of whole words from p that is at most w pixels wide (at
 * least the first word, however wide), and whether text is left after it. */
static size_t wrap_take(pc_chart_t *c, int w, float size, const char *p, int *more) {
    char line[512];
    size_t len = strlen(p), best = 0, i = 0;
    for (;;) {
        size_t j = i;
        while (j < len && p[j] != ' ') j++;
        if (j >= sizeof line) break;
        memcpy(line, p, j);
        line[j] = '\0';
        if (best && pc_chart_text_width(c, size, line) > w) break;
        best = j;
        if (j >= len) break;
        i = j + 1;
    }
    if (!best) best = len < sizeof line - 1 ? len : sizeof line - 1;
    size_t rest = best;
    while (p[rest] == ' ') rest++;
    *more = p[rest] != '\0';
    return best;
}

int pc_vc_wrap_lines(pc_chart_t *c, int w, float size, const char *utf8, int max_lines) {
    if (!c->font || !utf8) return 0;
    const char *p = utf8;
    int n = 0;
    while (*p == ' ') p++;
    while (*p && n < max_lines) {
        int more;
        p += wrap_take(c, w, size, p, &more);
        while (*p == ' ') p++;
        n++;
    }
    return n;
}

int pc_vc_wrap_text(pc_chart_t *c, int x, int y, int w, float size, uint32_t color, const char *utf8, int max_lines,
                    int line_h) {
    if (!c->font || !utf8) return y;
    const char *p = utf8;
    char line[512], fit[512];
    while (*p == ' ') p++;
    for (int n = 0; *p && n < max_lines; n++) {
        int more;
        size_t take = wrap_take(c, w, size, p, &more);
        /* the last line allowed carries what is left, cut with an ellipsis */
        const char *src = p;
        if (!(more && n == max_lines - 1)) {
            memcpy(line, p, take);
            line[take] = '\0';
            src = line;
        }
        pc_text_fit(c->font, pc_chart_pxf(c, size), src, w, fit, sizeof fit);
        pc_chart_text(c, x, y, size, color, PC_ALIGN_LEFT | PC_ALIGN_TOP, fit);
        y += line_h;
        p += take;
        while (*p == ' ') p++;
    }
    return y;
}

/* ---- summary pages ---- */

void pc_vc_system_text(const pc_model_t *m, char *buf, size_t cap) {
    buf[0] = '\0';
    if (!pc_vc_has_run(m)) return;
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

int pc_vc_kpi_row(pc_vframe_t *f, int y, int h, const char *heading, const pc_vc_kpi_t *k, int n) {
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

int pc_vc_run_facts(pc_vframe_t *f) {
    pc_chart_t *c = &f->c;
    const pc_model_t *m = f->m;
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
    pc_vc_system_text(m, sys, sizeof sys);
    snprintf(line, sizeof line, "%s%s%s%s", started ? "started " : "", started ? started : "",
             started && sys[0] ? " \xc2\xb7 " : "", sys);
    int y = f->body.y;
    char fit[320];
    if (line[0] && c->font) {
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_TICK), line, f->body.w, fit, sizeof fit);
        pc_chart_text(c, f->body.x, y, PC_TEXT_TICK, c->th->text_dim, PC_ALIGN_LEFT | PC_ALIGN_TOP, fit);
    }
    y += pc_chart_px(c, 24);

    /* run state: a progress bar while running, the end status after */
    char state[256];
    if (!m->finished) {
        char pct[32];
        pc_fmt_percent(pct, sizeof pct, m->progress * 100.0);
        snprintf(state, sizeof state, "%s%s%s", pct, m->phase[0] ? "  \xc2\xb7  " : "", m->phase);
        pc_rect_t bar = {f->body.x, y, f->body.w, pc_chart_px(c, 22)};
        pc_chart_progress(c, bar, m->progress, state);
    } else {
        int ok = strcmp(m->status, "ok") == 0;
        uint32_t sc = ok ? c->th->accent : (strcmp(m->status, "stopped") == 0 ? c->th->warn : c->th->bad);
        int cy = y + pc_chart_px(c, 11);
        pc_gfx_circle(c->fb, f->body.x + pc_chart_pxf(c, 5), (float)cy, pc_chart_pxf(c, 4.5f), sc);
        char dur[48] = "";
        if (ok && m->t_last > 0) {
            char secs[32];
            pc_fmt_fixed(secs, sizeof secs, m->t_last, m->t_last >= 100 ? 0 : 1);
            snprintf(dur, sizeof dur, " in %s s", secs);
        }
        snprintf(state, sizeof state, "%s%s%s%.150s", ok ? "completed" : m->status, dur, m->end_message[0] ? ": " : "",
                 m->end_message);
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_LABEL), state, f->body.w - pc_chart_px(c, 18), fit, sizeof fit);
        if (c->font)
            pc_chart_text(c, f->body.x + pc_chart_px(c, 16), cy, PC_TEXT_LABEL, c->th->text, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE,
                          fit);
    }
    y += pc_chart_px(c, 22) + pc_chart_px(c, 16);
    return y;
}
