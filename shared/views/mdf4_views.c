/* mdf4_views.c — the mdf4 suite's views (throughput with CI whiskers, memory against the
 * grading bands, summary) and the .mf4 channel plot of the viewer.
 *
 * The suite's figures come from the summary's "results" array (one object per operation and
 * size: mb_s, ci95, mem_ratio ...). Before the summary arrives (a live run), the throughput
 * view shows the mean of each operation's metric samples so far. */
#include "mdf4_views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "font.h"
#include "pcmath.h"
#include "view_common.h"

typedef pc_vframe_t frame_t;

#define N_OPS 8
#define MAX_SIZES 8

static const char *const OPS[N_OPS] = {"write", "write_fsync", "parse", "read", "single", "multi", "index_warm",
                                       "index_cold"};
static const char *const OP_LABELS[N_OPS] = {"write", "write+fsync", "parse", "full read", "1 channel",
                                             "4 channels", "index warm", "index cold"};

typedef struct res {
    int n_sizes;
    double sizes[MAX_SIZES];
    double mbs[MAX_SIZES][N_OPS], ci[MAX_SIZES][N_OPS], ratio[MAX_SIZES][N_OPS];
    int have[N_OPS];
} res_t;

static int op_index(const char *name) {
    for (int i = 0; i < N_OPS; i++)
        if (!strcmp(OPS[i], name)) return i;
    return -1;
}

static double num(const cJSON *o, const char *k) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* Collects the results; returns 1 when there is anything to draw. */
static int collect(const pc_model_t *m, res_t *r) {
    memset(r, 0, sizeof *r);
    for (int s = 0; s < MAX_SIZES; s++)
        for (int o = 0; o < N_OPS; o++) r->mbs[s][o] = r->ci[s][o] = r->ratio[s][o] = NAN;
    const cJSON *arr = m && m->summary ? cJSON_GetObjectItemCaseSensitive(m->summary, "results") : NULL;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        const cJSON *op = cJSON_GetObjectItemCaseSensitive(it, "op");
        int o = cJSON_IsString(op) ? op_index(op->valuestring) : -1;
        double size = num(it, "size_mb");
        if (o < 0 || !pc_isfinite(size) || size <= 0) continue;
        int s = 0;
        while (s < r->n_sizes && r->sizes[s] != size) s++;
        if (s == r->n_sizes) {
            if (r->n_sizes == MAX_SIZES) continue;
            r->sizes[r->n_sizes++] = size;
        }
        r->mbs[s][o] = num(it, "mb_s");
        r->ci[s][o] = num(it, "ci95");
        r->ratio[s][o] = num(it, "mem_ratio");
        r->have[o] = 1;
    }
    if (r->n_sizes) return 1;
    /* live: the metric samples so far, one "size" */
    for (int o = 0; o < N_OPS && m; o++) {
        const pc_series_t *s = pc_model_series(m, OPS[o]);
        if (!s || !s->n_samples) continue;
        double sum = 0;
        for (size_t i = 0; i < s->n_samples; i++) sum += s->samples[i].value;
        r->mbs[0][o] = sum / (double)s->n_samples;
        r->have[o] = 1;
        r->n_sizes = 1;
        r->sizes[0] = 0;
    }
    return r->n_sizes > 0;
}

/* "4.93 GB/s" from MB/s (the SI prefix joined to the unit). */
static void fmt_mbs(char *buf, size_t cap, double mbs) {
    char n[24];
    pc_fmt_si(n, sizeof n, mbs * 1e6, NULL);
    size_t l = strlen(n);
    int prefixed = l && ((n[l - 1] >= 'A' && n[l - 1] <= 'Z') || (n[l - 1] >= 'a' && n[l - 1] <= 'z'));
    if (prefixed && l >= 2 && n[l - 2] == ' ') {
        snprintf(buf, cap, "%.*s %cB/s", (int)(l - 2), n, n[l - 1]);
    } else {
        snprintf(buf, cap, "%s B/s", n);
    }
}
static void fmt_mbs_tick(char *buf, size_t cap, double mbs) { fmt_mbs(buf, cap, mbs); }
static void fmt_ratio(char *buf, size_t cap, double v) { pc_fmt_fixed(buf, cap, v, 2); }
static void fmt_size_label(char *buf, size_t cap, double mb) {
    if (mb <= 0) snprintf(buf, cap, "so far");
    else pc_fmt_si(buf, cap, mb * 1e6, "B");
}

/* ======================= throughput ======================= */

int pc_view_mdf4_throughput(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    frame_t f;
    char run[128];
    pc_vc_run_text(m, run, sizeof run);
    int r = pc_vc_begin(&f, fb, m, st, "MDF 4 throughput (MB/s of the file, mean \xc2\xb1 95% CI)", run);
    if (r) return r;
    pc_chart_t *c = &f.c;
    static res_t rs; /* big: keep it off the small wasm stack (no state kept: filled every frame) */
    res_t *R = &rs;
    if (!collect(m, R)) return pc_vc_nothing_yet(&f, "No timings yet");
    const char *cats[N_OPS];
    int map[N_OPS], ng = 0;
    for (int o = 0; o < N_OPS; o++)
        if (R->have[o]) {
            map[ng] = o;
            cats[ng++] = OP_LABELS[o];
        }
    double values[N_OPS * MAX_SIZES];
    double lo = INFINITY, hi = 0;
    for (int g = 0; g < ng; g++)
        for (int s = 0; s < R->n_sizes; s++) {
            double v = R->mbs[s][map[g]], ci = R->ci[s][map[g]];
            values[g * R->n_sizes + s] = v;
            if (!pc_isfinite(v) || v <= 0) continue;
            double l = pc_isfinite(ci) ? v - ci : v, h = pc_isfinite(ci) ? v + ci : v;
            if (l <= 0) l = v / 2;
            if (l < lo) lo = l;
            if (h > hi) hi = h;
        }
    if (!(hi > 0)) return pc_vc_nothing_yet(&f, "No timings yet");
    pc_plot_t p;
    memset(&p, 0, sizeof p);
    p.x.cats = cats;
    p.x.n_cats = ng;
    p.x.lo = -0.5;
    p.x.hi = ng - 0.5;
    p.y.log = 1;
    p.y.lo = pc_pow10(floor(pc_log10(lo / 1.5)));
    p.y.hi = hi * 3;
    p.y.fmt = fmt_mbs_tick;
    p.y.title = "throughput (log scale)";
    pc_rect_t area = f.body;
    area.h -= pc_chart_px(c, 28); /* legend row */
    area.y += pc_chart_px(c, 28);
    pc_plot_layout(c, &p, area);
    pc_plot_draw_axes(c, &p);
    uint32_t colors[MAX_SIZES];
    for (int s = 0; s < R->n_sizes; s++) colors[s] = c->th->series[s % PC_THEME_SERIES];
    pc_chart_bars(c, &p, values, ng, R->n_sizes, colors, NULL);
    /* whiskers at the bars' centres (the same geometry as pc_chart_bars) */
    double slot = fabs(pc_scale_map(&p.x.scale, 1.0) - pc_scale_map(&p.x.scale, 0.0));
    double group_w = slot * 0.72, gap = R->n_sizes > 1 ? pc_chart_pxf(c, 6) : 0;
    double bar_w = (group_w - gap * (R->n_sizes - 1)) / R->n_sizes;
    if (bar_w > pc_chart_pxf(c, 120)) {
        bar_w = pc_chart_pxf(c, 120);
        group_w = bar_w * R->n_sizes + gap * (R->n_sizes - 1);
    }
    for (int g = 0; g < ng; g++) {
        double gx = pc_scale_map(&p.x.scale, g) - group_w / 2;
        for (int s = 0; s < R->n_sizes; s++) {
            double v = R->mbs[s][map[g]], ci = R->ci[s][map[g]];
            if (!pc_isfinite(v) || !pc_isfinite(ci) || v <= 0) continue;
            float cx = (float)(gx + s * (bar_w + gap) + bar_w / 2);
            double l = v - ci > 0 ? v - ci : v / 2;
            float y0 = pc_plot_fy(&p, l), y1 = pc_plot_fy(&p, v + ci);
            float cap = (float)(bar_w / 4 > 2 ? bar_w / 4 : 2);
            uint32_t col = c->th->text;
            pc_gfx_line(c->fb, cx, y0, cx, y1, pc_chart_pxf(c, 1.5f), col);
            pc_gfx_line(c->fb, cx - cap, y0, cx + cap, y0, pc_chart_pxf(c, 1.5f), col);
            pc_gfx_line(c->fb, cx - cap, y1, cx + cap, y1, pc_chart_pxf(c, 1.5f), col);
        }
    }
    pc_legend_item_t items[MAX_SIZES];
    char labels[MAX_SIZES][32];
    for (int s = 0; s < R->n_sizes; s++) {
        fmt_size_label(labels[s], sizeof labels[s], R->sizes[s]);
        items[s] = (pc_legend_item_t){labels[s], colors[s], PC_LEGEND_BOX};
    }
    pc_chart_legend_inline(c, p.area.x + p.area.w, f.body.y + pc_chart_px(c, 12), PC_ALIGN_RIGHT, p.area.w, items,
                           R->n_sizes);
    return 0;
}

/* ======================= memory ======================= */

int pc_view_mdf4_memory(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    frame_t f;
    char run[128];
    pc_vc_run_text(m, run, sizeof run);
    int r = pc_vc_begin(&f, fb, m, st, "MDF 4 peak memory / file size", run);
    if (r) return r;
    pc_chart_t *c = &f.c;
    static res_t rs;
    res_t *R = &rs;
    if (!collect(m, R) || R->sizes[0] <= 0) return pc_vc_nothing_yet(&f, "Memory figures arrive with the summary");
    static const int shown[] = {3, 4, 5, 6, 7, 0}; /* read, single, multi, index warm/cold, write */
    double xlo = INFINITY, xhi = 0, yhi = 3.5;
    for (int s = 0; s < R->n_sizes; s++) {
        if (R->sizes[s] < xlo) xlo = R->sizes[s];
        if (R->sizes[s] > xhi) xhi = R->sizes[s];
        for (int k = 0; k < 6; k++)
            if (pc_isfinite(R->ratio[s][shown[k]]) && R->ratio[s][shown[k]] * 1.1 > yhi)
                yhi = R->ratio[s][shown[k]] * 1.1;
    }
    pc_plot_t p;
    memset(&p, 0, sizeof p);
    p.x.log = 1;
    p.x.lo = xlo / 1.6;
    p.x.hi = xhi * 1.6;
    p.x.title = "file size (MB)";
    p.y.lo = 0;
    p.y.hi = yhi;
    p.y.title = "peak memory / file size";
    p.y.fmt = fmt_ratio;
    pc_rect_t area = f.body;
    area.h -= pc_chart_px(c, 28);
    area.y += pc_chart_px(c, 28);
    pc_plot_layout(c, &p, area);
    /* grading bands: < 2 excellent, < 3 good, above poor */
    const double edges[4] = {0, 2, 3, yhi};
    const uint32_t band[3] = {c->th->series[0], c->th->warn, c->th->bad};
    const char *band_label[3] = {"excellent (< 2)", "good (< 3)", "poor"};
    for (int b = 0; b < 3; b++) {
        int y0 = (int)pc_plot_fy(&p, edges[b + 1]), y1 = (int)pc_plot_fy(&p, edges[b]);
        if (y1 <= y0) continue;
        pc_gfx_fill_rect(c->fb, p.area.x, y0, p.area.w, y1 - y0, pc_color_alpha(band[b], 28));
        pc_chart_text(c, p.area.x + p.area.w - pc_chart_px(c, 6), y0 + pc_chart_px(c, 14), PC_TEXT_SMALL,
                      pc_color_alpha(band[b], 200), PC_ALIGN_RIGHT, band_label[b]);
    }
    pc_plot_draw_axes(c, &p);
    pc_legend_item_t items[6];
    int ni = 0;
    for (int k = 0; k < 6; k++) {
        int o = shown[k];
        if (!R->have[o]) continue;
        uint32_t col = c->th->series[(k + 2) % PC_THEME_SERIES];
        pc_pointf_t pts[MAX_SIZES];
        int np = 0;
        for (int s = 0; s < R->n_sizes; s++)
            if (pc_isfinite(R->ratio[s][o])) pts[np++] = (pc_pointf_t){pc_plot_fx(&p, R->sizes[s]), pc_plot_fy(&p, R->ratio[s][o])};
        if (np > 1) pc_gfx_polyline(c->fb, pts, np, pc_chart_pxf(c, 2), col);
        for (int i = 0; i < np; i++) pc_gfx_circle(c->fb, pts[i].x, pts[i].y, pc_chart_pxf(c, 4), col);
        items[ni++] = (pc_legend_item_t){OP_LABELS[o], col, PC_LEGEND_LINE};
    }
    pc_chart_legend_inline(c, p.area.x + p.area.w, f.body.y + pc_chart_px(c, 12), PC_ALIGN_RIGHT, p.area.w, items, ni);
    return 0;
}

/* ======================= summary ======================= */

static void kpi_mbs(pc_vc_kpi_t *k, const res_t *R, int s, int op) {
    double v = R->mbs[s][op], ci = R->ci[s][op];
    if (!pc_isfinite(v)) {
        snprintf(k->value, sizeof k->value, "\xe2\x80\x93");
        return;
    }
    char a[24], b[24];
    fmt_mbs(a, sizeof a, v);
    if (pc_isfinite(ci)) {
        fmt_mbs(b, sizeof b, ci);
        snprintf(k->value, sizeof k->value, "%s \xc2\xb1 %s", a, b);
    } else {
        snprintf(k->value, sizeof k->value, "%s", a);
    }
}

int pc_view_mdf4_summary(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    frame_t f;
    int y;
    int r = pc_vc_begin_summary(&f, fb, m, st, &y);
    if (r) return r < 0 ? r : 0;
    pc_chart_t *c = &f.c;
    static res_t rs;
    res_t *R = &rs;
    int any = collect(m, R);
    int s = 0;
    for (int i = 0; any && i < R->n_sizes; i++)
        if (R->sizes[i] > R->sizes[s]) s = i;
    char head[96], size[32];
    fmt_size_label(size, sizeof size, any ? R->sizes[s] : 0);
    const uint32_t ok = c->th->series[0], txt = c->th->text;
    pc_vc_kpi_t k[3];
    k[0] = (pc_vc_kpi_t){"full read", "", "goal \xe2\x89\xa5 4 GB/s", txt};
    k[1] = (pc_vc_kpi_t){"single channel", "", "goal \xe2\x89\xa5 4 GB/s", txt};
    k[2] = (pc_vc_kpi_t){"write (page cache, no fsync)", "", "goal \xe2\x89\xa5 2 GB/s", txt};
    kpi_mbs(&k[0], R, s, 3);
    kpi_mbs(&k[1], R, s, 4);
    kpi_mbs(&k[2], R, s, 0);
    if (pc_isfinite(R->mbs[s][3]) && R->mbs[s][3] >= 4000) k[0].color = ok;
    if (pc_isfinite(R->mbs[s][4]) && R->mbs[s][4] >= 4000) k[1].color = ok;
    if (pc_isfinite(R->mbs[s][0]) && R->mbs[s][0] >= 2000) k[2].color = ok;
    int rows_h = f.body.y + f.body.h - y, gap = pc_chart_px(c, 14);
    int row_h = (rows_h - 2 * gap) / 3;
    if (row_h < pc_chart_px(c, 40)) row_h = pc_chart_px(c, 40);
    snprintf(head, sizeof head, "Throughput at %s (MB/s of the file's bytes, mean \xc2\xb1 95%% CI)", size);
    y = pc_vc_kpi_row(&f, y, row_h, head, k, 3) + gap;
    k[0] = (pc_vc_kpi_t){"index, warm", "", "index in memory", txt};
    k[1] = (pc_vc_kpi_t){"index, cold", "", "page cache evicted", txt};
    k[2] = (pc_vc_kpi_t){"write + fsync", "", "on disk", txt};
    kpi_mbs(&k[0], R, s, 6);
    kpi_mbs(&k[1], R, s, 7);
    kpi_mbs(&k[2], R, s, 1);
    if (m->summary && cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(m->summary, "cold_cache_evicted")))
        k[1].note = "eviction did not work: not cold";
    y = pc_vc_kpi_row(&f, y, row_h, "Index and durable writes", k, 3) + gap;
    k[0] = (pc_vc_kpi_t){"peak memory / file, full read", "", "goal < 1.2", txt};
    k[1] = (pc_vc_kpi_t){"peak memory / file, 1 channel", "", "goal < 0.1", txt};
    k[2] = (pc_vc_kpi_t){"integrity", "", "every value read back as written", txt};
    for (int i = 0; i < 2; i++) {
        double v = R->ratio[s][i ? 4 : 3];
        if (pc_isfinite(v)) {
            pc_fmt_fixed(k[i].value, sizeof k[i].value, v, 3);
            if (v < (i ? 0.1 : 1.2)) k[i].color = ok;
        } else {
            snprintf(k[i].value, sizeof k[i].value, "\xe2\x80\x93");
        }
    }
    const cJSON *integ = m->summary ? cJSON_GetObjectItemCaseSensitive(m->summary, "integrity_ok") : NULL;
    snprintf(k[2].value, sizeof k[2].value, "%s", !integ ? "\xe2\x80\x93" : cJSON_IsTrue(integ) ? "ok" : "FAILED");
    if (integ) k[2].color = cJSON_IsTrue(integ) ? ok : c->th->bad;
    pc_vc_kpi_row(&f, y, row_h, "Memory and integrity", k, 3);
    return 0;
}

/* ======================= .mf4 channel plot ======================= */

static void fmt_secs(char *buf, size_t cap, double s) { pc_fmt_seconds(buf, cap, s); }
static void fmt_plain(char *buf, size_t cap, double v) { snprintf(buf, cap, "%.6g", fabs(v) < 1e-12 ? 0.0 : v); }

int pc_view_mf4_plot(pc_fb_t *fb, const pc_view_state_t *st, const char *title, const pc_mf4_trace_t *tr, int n,
                     double t0, double t1) {
    if (!pc_fb_valid(fb)) return PC_EINVAL;
    frame_t f;
    memset(&f, 0, sizeof f);
    pc_chart_init(&f.c, fb, st ? st->font : NULL, st ? st->scale : 1.0f);
    pc_chart_t *c = &f.c;
    pc_chart_background(c);
    char right[64];
    snprintf(right, sizeof right, "%d channel%s", n, n == 1 ? "" : "s");
    pc_rect_t body = pc_chart_title_bar(c, title ? title : "MDF 4 file", "MDF 4 measurement", right);
    int mg = pc_chart_px(c, 16);
    f.body = pc_rect_inset(body, mg);
    if (n <= 0) {
        pc_chart_message(c, f.body, "Pick channels on the left to plot them", "wheel: zoom · drag: pan · double click: all");
        return 0;
    }
    if (n > PC_MF4_PLOT_MAX) n = PC_MF4_PLOT_MAX;
    if (!(t1 > t0)) t1 = t0 + 1;
    int lane_gap = pc_chart_px(c, 10);
    int lane_h = (f.body.h - lane_gap * (n - 1)) / n;
    for (int i = 0; i < n; i++) {
        const pc_mf4_trace_t *t = &tr[i];
        pc_rect_t lane = {f.body.x, f.body.y + i * (lane_h + lane_gap), f.body.w, lane_h};
        /* y range over the visible samples */
        double lo = INFINITY, hi = -INFINITY;
        for (size_t k = 0; k < t->n; k++) {
            if (t->t[k] < t0 || t->t[k] > t1 || !pc_isfinite(t->v[k])) continue;
            if (t->v[k] < lo) lo = t->v[k];
            if (t->v[k] > hi) hi = t->v[k];
        }
        if (!(hi >= lo)) lo = 0, hi = 1;
        if (hi == lo) lo -= 0.5, hi += 0.5;
        double pad = (hi - lo) * 0.05;
        pc_plot_t p;
        memset(&p, 0, sizeof p);
        p.x.lo = t0;
        p.x.hi = t1;
        p.x.fmt = fmt_secs;
        p.x.title = i == n - 1 ? "time" : NULL;
        p.y.lo = lo - pad;
        p.y.hi = hi + pad;
        char ytitle[200];
        snprintf(ytitle, sizeof ytitle, "%s%s%s%s", t->name, t->unit && t->unit[0] ? " (" : "",
                 t->unit && t->unit[0] ? t->unit : "", t->unit && t->unit[0] ? ")" : "");
        p.y.title = ytitle;
        p.y.fmt = fmt_plain;
        pc_plot_layout(c, &p, lane);
        pc_plot_draw_axes(c, &p);
        uint32_t col = c->th->series[i % PC_THEME_SERIES];
        /* per pixel column: min and max of the samples in it, joined column to column */
        int w = p.area.w;
        if (w <= 0 || !t->n) continue;
        double px_per_s = w / (t1 - t0);
        int prev_col = -1;
        double cmin = 0, cmax = 0, last = 0, first = 0;
        float prev_x = 0, prev_y = 0;
        int have_prev = 0;
        for (size_t k = 0; k <= t->n; k++) {
            int colx = -1;
            if (k < t->n) {
                if (t->t[k] < t0 || !pc_isfinite(t->v[k])) continue;
                if (t->t[k] > t1) k = t->n; /* past the window: flush and stop */
                else colx = (int)((t->t[k] - t0) * px_per_s);
                if (colx >= w) colx = w - 1;
            }
            if (colx != prev_col && prev_col >= 0) {
                float x = (float)(p.area.x + prev_col) + 0.5f;
                float ya = pc_plot_fy(&p, cmax), yb = pc_plot_fy(&p, cmin);
                if (have_prev) pc_gfx_line(c->fb, prev_x, prev_y, x, pc_plot_fy(&p, first), pc_chart_pxf(c, 1.2f), col);
                pc_gfx_line(c->fb, x, ya, x, yb, pc_chart_pxf(c, 1.2f), col);
                prev_x = x;
                prev_y = pc_plot_fy(&p, last);
                have_prev = 1;
            }
            if (colx < 0) break;
            if (colx != prev_col) cmin = cmax = first = t->v[k];
            if (t->v[k] < cmin) cmin = t->v[k];
            if (t->v[k] > cmax) cmax = t->v[k];
            last = t->v[k];
            prev_col = colx;
        }
    }
    return 0;
}
