/* orderbook_views.c — the orderbook suite's views, and the records each one reads:
 *
 *   orderbook-depth     book records (pc_book_frame_t): the snapshot at the cursor as a depth
 *                       chart — cumulative size of the bids (green, left of the mid) and asks
 *                       (red, right) as stepped areas, the spread band, mid and last price,
 *                       the trades of the last TRADE_FADE_S seconds as bubbles rising and
 *                       fading from their price — beside a ladder of the top levels (price,
 *                       size, running total, size bars) and the trade rate of the "trades"
 *                       windows at the cursor. Axis ranges come from the whole run (robust quantiles over
 *                       up to SAMPLE_FRAMES snapshots) and the price axis is centred on the mid
 *                       averaged over CENTER_WINDOW_S around the cursor, so frames glide
 *                       instead of rescaling or jittering with every tick of the mid.
 *   throughput-timeline window records of "orders" and "trades": items per second per window
 *                       over the run's time on a log axis; axes from every window, curves up to
 *                       the cursor, the latest value tagged, events marked.
 *   comparison          summary (else windows and hist): orders/s vs trades/s bars with trades
 *                       per order, and matching vs end-to-end p50/p99/p99.9 on a log axis,
 *                       against the suite's goals (GOAL_ORDERS_PER_S, GOAL_MATCH_P99_NS).
 *   summary             header, progress/end, summary keys (else live values, "so far").
 *
 * Like every view: any model state draws something sensible, nothing allocates (bounded stack
 * arrays), no state is kept between frames, and only pcmath and exact IEEE operations decide
 * pixels, so the page and `perfcast render` produce the same bytes. */
#include "orderbook_views.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "font.h"
#include "hist.h"
#include "pcmath.h"
#include "view_common.h"

#define MAX_DRAWN 4            /* series a view draws */
#define SAMPLE_FRAMES 1024     /* snapshots the depth chart's run-wide ranges are taken from */
#define CENTER_WINDOW_S 0.5    /* the price axis centre averages the mid over +- this many s */
#define CENTER_SAMPLES 64      /* at most this many snapshots in that average */
#define TRADE_FADE_S 0.6       /* how long a trade keeps flashing */
#define MAX_PRICE_DECIMALS 6
#define SAMPLE_SIZES 2048      /* level sizes the ladder's bar scale is taken from */

/* The suite's goals (issue 4): shown on the comparison so a run says whether it meets them. */
#define GOAL_ORDERS_PER_S 5e6
#define GOAL_MATCH_P99_NS 1000.0

/* ======================= shared bits ======================= */

/* A number from the summary when it is a non-negative measurement, else NAN. */
static double summary_val(const pc_model_t *m, const char *key) {
    double v = m ? pc_model_summary_num(m, key, NAN) : NAN;
    return pc_isfinite(v) && v >= 0 ? v : NAN;
}

/* Items per second of a windows series: the summary's figure, else the mean over the windows
 * ending by the cursor; NAN when neither exists. *live is set when the value is "so far". */
static double rate_of(const pc_model_t *m, const char *series, const char *summary_key, double cursor, int *live) {
    double v = summary_val(m, summary_key);
    if (pc_isfinite(v)) return v;
    const pc_series_t *s = m ? pc_model_series(m, series) : NULL;
    if (live) *live = 1;
    return s ? pc_vc_mean_rate(s, cursor) : NAN;
}

/* A latency quantile (ns) of a hist series: its histogram, else the summary key; NAN. */
static double latency_of(const pc_model_t *m, const char *series, int q, int *from_hist) {
    const pc_series_t *s = m ? pc_model_series(m, series) : NULL;
    if (s && pc_vc_series_has_hist(s)) {
        if (from_hist) *from_hist = 1;
        return (double)pc_hist_quantile(s->hist, PC_VC_QUANTILES[q]);
    }
    char key[64];
    snprintf(key, sizeof key, "%s_%s", series, PC_VC_QUANTILE_KEYS[q]);
    return summary_val(m, key);
}

/* The label of a series if the model has it, else the given fallback. */
static const char *label_or(const pc_model_t *m, const char *series, const char *fallback) {
    const pc_series_t *s = m ? pc_model_series(m, series) : NULL;
    return s ? pc_vc_series_label(s) : fallback;
}

/* The colour a series gets by name, whether or not the model has it. */
static uint32_t color_of(const pc_chart_t *c, const pc_model_t *m, const char *series) {
    pc_series_t tmp;
    memset(&tmp, 0, sizeof tmp);
    snprintf(tmp.name, sizeof tmp.name, "%s", series);
    const pc_series_t *s = m ? pc_model_series(m, series) : NULL;
    return pc_vc_series_color(c, s ? s : &tmp, 0);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of v[0..n) (sorted in place); NAN when n == 0. */
static double quantile(double *v, int n, double q) {
    if (n <= 0) return NAN;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int i = (int)floor(q * (n - 1) + 0.5);
    if (i < 0) i = 0;
    if (i > n - 1) i = n - 1;
    return v[i];
}

/* Fixed-decimal price formatters for the axis (pc_fmt_fn takes no context). */
static void fmt_p0(char *b, size_t n, double v) { snprintf(b, n, "%.0f", v); }
static void fmt_p1(char *b, size_t n, double v) { snprintf(b, n, "%.1f", v); }
static void fmt_p2(char *b, size_t n, double v) { snprintf(b, n, "%.2f", v); }
static void fmt_p3(char *b, size_t n, double v) { snprintf(b, n, "%.3f", v); }
static void fmt_p4(char *b, size_t n, double v) { snprintf(b, n, "%.4f", v); }
static void fmt_p5(char *b, size_t n, double v) { snprintf(b, n, "%.5f", v); }
static void fmt_p6(char *b, size_t n, double v) { snprintf(b, n, "%.6f", v); }
static const pc_fmt_fn PRICE_FMT[MAX_PRICE_DECIMALS + 1] = {fmt_p0, fmt_p1, fmt_p2, fmt_p3, fmt_p4, fmt_p5, fmt_p6};

/* Decimals that show a linear tick step exactly: 0.05 -> 2, 0.1 -> 1, 5 -> 0. */
static int step_decimals(double step) {
    if (!(step > 0) || !pc_isfinite(step)) return 2;
    double d = ceil(-pc_log10(step) - 1e-9);
    if (d < 0) d = 0;
    if (d > MAX_PRICE_DECIMALS) d = MAX_PRICE_DECIMALS;
    return (int)d;
}

/* A size: "950", "2.5", "12.5 k" (no milli-units for half an order). */
static void fmt_size(char *buf, size_t cap, double v) {
    if (pc_isfinite(v) && v < 1000 && v > -1000)
        pc_fmt_fixed(buf, cap, v, 2);
    else
        pc_fmt_si(buf, cap, v, NULL);
}

static void fmt_price(char *buf, size_t cap, double v, int decimals) {
    if (!pc_isfinite(v)) {
        snprintf(buf, cap, "\xe2\x80\x93");
        return;
    }
    snprintf(buf, cap, "%.*f", decimals, v);
}

/* ======================= orderbook-depth ======================= */

static int frame_empty(const pc_book_frame_t *b) { return b->n_bids <= 0 && b->n_asks <= 0; }

/* Prices and sizes a view believes: positive (sizes: non-negative) and below 1e15, so a
 * corrupt or hostile snapshot cannot blow an axis up to hundred-digit labels. */
static int price_ok(double p) { return pc_isfinite(p) && p > 0 && p < 1e15; }
static int size_ok(double v) { return pc_isfinite(v) && v >= 0 && v < 1e15; }

/* The snapshot's mid: as shipped when it is a price, else from its best levels or last price;
 * NAN for an empty book. */
static double frame_mid(const pc_book_frame_t *b) {
    if (price_ok(b->mid)) return b->mid;
    double bb = b->n_bids > 0 ? b->bids[0].price : NAN, ba = b->n_asks > 0 ? b->asks[0].price : NAN;
    if (price_ok(bb) && price_ok(ba)) return (bb + ba) / 2;
    if (price_ok(bb)) return bb;
    if (price_ok(ba)) return ba;
    if (price_ok(b->last_price)) return b->last_price;
    return NAN;
}

/* Index of the first snapshot with t >= t0 (snapshots are in time order). */
static size_t first_at_or_after(const pc_model_t *m, double t0) {
    size_t lo = 0, hi = m->n_book;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->book[mid].t < t0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The price axis centre at snapshot i: the mean mid of the snapshots within CENTER_WINDOW_S
 * of it (at most CENTER_SAMPLES, evenly picked), so the axis glides with the price instead of
 * jumping with every tick. NAN when none of them has a price. */
static double axis_center(const pc_model_t *m, size_t i) {
    double t = m->book[i].t;
    size_t a = first_at_or_after(m, t - CENTER_WINDOW_S), b = first_at_or_after(m, t + CENTER_WINDOW_S);
    while (b < m->n_book && m->book[b].t <= t + CENTER_WINDOW_S) b++; /* t + W itself included */
    if (b <= a) b = a + 1;
    if (b > m->n_book) b = m->n_book;
    size_t step = (b - a + CENTER_SAMPLES - 1) / CENTER_SAMPLES;
    if (step < 1) step = 1;
    double sum = 0;
    int cnt = 0;
    for (size_t j = a; j < b; j += step) {
        double mid = frame_mid(&m->book[j]);
        if (!pc_isfinite(mid)) continue;
        sum += mid;
        cnt++;
    }
    return cnt ? sum / cnt : frame_mid(&m->book[i]);
}

/* Smallest number of decimals (0..MAX_PRICE_DECIMALS) that writes price p exactly enough. */
static int price_decimals(double p) {
    double x = p < 0 ? -p : p;
    for (int d = 0; d < MAX_PRICE_DECIMALS; d++) {
        double r = x - floor(x + 0.5);
        if (r < 0) r = -r;
        if (r < 1e-6 * (x > 1 ? x : 1)) return d;
        x *= 10;
    }
    return MAX_PRICE_DECIMALS;
}

/* Run-wide ranges of the depth chart. */
typedef struct depth_range {
    double half;     /* price half-width of the axis around its centre */
    double ymax;     /* cumulative size the y axis reaches */
    double size_max; /* level size a full ladder bar (and the biggest trade ring) stands for */
    int decimals;    /* decimals of the price grid */
    int levels;      /* most levels a side had */
} depth_range_t;

/* Sums a side's sizes (finite, positive ones). */
static double side_total(const pc_level_t *lv, int n) {
    double s = 0;
    for (int k = 0; k < n; k++)
        if (size_ok(lv[k].size)) s += lv[k].size;
    return s;
}

/* Ranges from up to SAMPLE_FRAMES evenly picked snapshots: the 95th percentile of how far the
 * deepest shipped level lies from the axis centre, the 90th of the deeper side's total size,
 * the 90th of the level sizes. Quantiles, not maxima, so one odd snapshot (an almost empty
 * book at the start, a sweep, one huge resting order) does not squash every other frame;
 * the rare frame beyond them is clipped. */
static void depth_ranges(const pc_model_t *m, depth_range_t *rg) {
    double ext[SAMPLE_FRAMES], cum[SAMPLE_FRAMES], sizes[SAMPLE_SIZES];
    int n = 0, n_sizes = 0;
    size_t stride = (m->n_book + SAMPLE_FRAMES - 1) / SAMPLE_FRAMES;
    if (stride < 1) stride = 1;
    /* every size_every-th sampled snapshot gives up to 4 levels a side to the size sample */
    size_t frames = (m->n_book + stride - 1) / stride;
    int size_every = (int)((frames * 8 + SAMPLE_SIZES - 1) / SAMPLE_SIZES);
    if (size_every < 1) size_every = 1;
    rg->decimals = 0;
    rg->levels = 0;
    double spread_sum = 0;
    int spread_n = 0;
    for (size_t i = 0; i < m->n_book && n < SAMPLE_FRAMES; i += stride) {
        const pc_book_frame_t *b = &m->book[i];
        if (frame_empty(b)) continue;
        double center = axis_center(m, i);
        if (!pc_isfinite(center)) continue;
        double e = 0, mid = frame_mid(b);
        if (pc_isfinite(mid)) e = mid > center ? mid - center : center - mid;
        int take_sizes = n % size_every == 0;
        for (int side = 0; side < 2; side++) {
            const pc_level_t *lv = side ? b->asks : b->bids;
            int nl = side ? b->n_asks : b->n_bids;
            if (nl > rg->levels) rg->levels = nl;
            for (int k = 0; k < nl; k++) {
                if (!price_ok(lv[k].price)) continue;
                double d = lv[k].price > center ? lv[k].price - center : center - lv[k].price;
                if (d > e) e = d;
                int every = nl > 4 ? nl / 4 : 1;
                if (take_sizes && k % every == 0 && n_sizes < SAMPLE_SIZES && size_ok(lv[k].size) && lv[k].size > 0)
                    sizes[n_sizes++] = lv[k].size;
                int dec = price_decimals(lv[k].price);
                if (dec > rg->decimals) rg->decimals = dec;
            }
        }
        if (b->n_bids > 0 && b->n_asks > 0 && price_ok(b->bids[0].price) && price_ok(b->asks[0].price) &&
            b->asks[0].price > b->bids[0].price) {
            spread_sum += b->asks[0].price - b->bids[0].price;
            spread_n++;
        }
        double tb = side_total(b->bids, b->n_bids), ta = side_total(b->asks, b->n_asks);
        ext[n] = e;
        cum[n] = tb > ta ? tb : ta;
        n++;
    }
    double e95 = quantile(ext, n, 0.95), c90 = quantile(cum, n, 0.90), s90 = quantile(sizes, n_sizes, 0.90);
    double spread = spread_n ? spread_sum / spread_n : NAN;
    rg->half = pc_isfinite(e95) && e95 > 0 ? e95 * 1.06 : NAN;
    if (!pc_isfinite(rg->half)) rg->half = pc_isfinite(spread) && spread > 0 ? spread * 10 : 1;
    rg->ymax = pc_isfinite(c90) && c90 > 0 ? c90 * 1.05 : 1;
    rg->size_max = pc_isfinite(s90) && s90 > 0 ? s90 * 1.5 : 1;
}

/* A point of the depth staircase in the plot's clip coordinates, snapped to pixel centres so
 * the steps are crisp. */
static pc_pointf_t stair_pt(const pc_plot_t *p, double price, double size) {
    return (pc_pointf_t){(float)floor(pc_plot_cx(p, price)) + 0.5f, (float)floor(pc_plot_cy(p, size)) + 0.5f};
}

/* One side of the book as a stepped cumulative-depth area. The depth at price x is the size
 * of every level at x or better, so between levels k+1 and k it is the running total through
 * level k; past the deepest shipped level it is at least the side's total, drawn as a faint
 * dashed plateau to the plot's edge (the book goes on beyond the top N levels). */
static void draw_side(pc_chart_t *c, const pc_plot_t *p, const pc_level_t *lv, int n, int ask, uint32_t color) {
    pc_pointf_t pts[2 * PC_BOOK_MAX_LEVELS + 4];
    double cum[PC_BOOK_MAX_LEVELS];
    double price[PC_BOOK_MAX_LEVELS];
    int k = 0;
    double total = 0;
    for (int i = 0; i < n && i < PC_BOOK_MAX_LEVELS; i++) {
        if (!price_ok(lv[i].price) || !size_ok(lv[i].size)) continue;
        if (k > 0 && (ask ? lv[i].price <= price[k - 1] : lv[i].price >= price[k - 1])) continue; /* not sorted */
        total += lv[i].size;
        price[k] = lv[i].price;
        cum[k] = total;
        k++;
    }
    if (k == 0) return;
    float base = (float)floor(pc_plot_cy(p, 0)) + 0.5f;
    pc_fb_t clip = p->clip;
    int np = 0;
    /* x ascending: bids from the deepest level to the best, asks from the best outwards */
    if (!ask) {
        pts[np++] = stair_pt(p, price[k - 1], cum[k - 1]);
        for (int i = k - 2; i >= 0; i--) {
            pts[np++] = stair_pt(p, price[i + 1], cum[i]);
            pts[np++] = stair_pt(p, price[i], cum[i]);
        }
        pts[np] = (pc_pointf_t){pts[np - 1].x, base};
        np++;
    } else {
        pts[np++] = (pc_pointf_t){stair_pt(p, price[0], 0).x, base};
        pts[np++] = stair_pt(p, price[0], cum[0]);
        for (int i = 1; i < k; i++) {
            pts[np++] = stair_pt(p, price[i], cum[i - 1]);
            pts[np++] = stair_pt(p, price[i], cum[i]);
        }
    }
    /* solid area between the best and the deepest level, outline on top */
    uint32_t fill = pc_color_alpha(color, 56);
    if (!ask)
        pc_gfx_fill_area(&clip, pts, np - 1, base, fill);
    else
        pc_gfx_fill_area(&clip, pts + 1, np - 1, base, fill);
    /* the plateau beyond the deepest level */
    pc_pointf_t deep = stair_pt(p, price[k - 1], cum[k - 1]);
    float edge = ask ? (float)p->area.w + 2 : -2.0f;
    pc_pointf_t plateau[2] = {{ask ? deep.x : edge, deep.y}, {ask ? edge : deep.x, deep.y}};
    pc_gfx_fill_area(&clip, plateau, 2, base, pc_color_alpha(color, 16));
    pc_gfx_line_dashed(&clip, deep.x, deep.y, edge, deep.y, pc_chart_pxf(c, 1), pc_chart_pxf(c, 4), pc_chart_pxf(c, 4),
                       pc_color_mix(c->th->bg, color, 110));
    pc_gfx_polyline(&clip, pts, np, pc_chart_pxf(c, 1.75f), color);
}

/* Trades of the snapshots in the last TRADE_FADE_S before `now`, as bubbles at their price:
 * a snapshot's trades at one price and side merge into one bubble (a sweep is one event, and
 * a busy engine lists dozens per snapshot), born on a lane just above the price axis with a
 * bright core, then rising, widening and fading as they age, so successive bursts stay
 * apart. Bigger volume, bigger bubble. Counts the trades shown per side. */
static void draw_trades(pc_chart_t *c, const pc_plot_t *p, const pc_model_t *m, size_t idx, double now,
                        double size_max, uint32_t buy, uint32_t sell, int *n_buy, int *n_sell) {
    pc_fb_t clip = p->clip;
    float lane = (float)p->area.h - pc_chart_pxf(c, 22);
    float rise = pc_chart_pxf(c, 70);
    if (rise > p->area.h * 0.35f) rise = p->area.h * 0.35f;
    *n_buy = *n_sell = 0;
    /* oldest first, so fresh trades draw on top */
    size_t first = idx + 1;
    while (first > 0 && now - m->book[first - 1].t < TRADE_FADE_S && m->book[first - 1].t <= now) first--;
    for (size_t i = first; i <= idx; i++) {
        const pc_book_frame_t *b = &m->book[i];
        double age = now - b->t;
        if (age < 0) age = 0;
        double life = 1 - age / TRADE_FADE_S; /* 1 new .. 0 gone */
        if (!(life > 0)) continue;
        double agg_price[PC_BOOK_MAX_TRADES], agg_size[PC_BOOK_MAX_TRADES];
        int agg_side[PC_BOOK_MAX_TRADES], na = 0;
        for (int k = 0; k < b->n_trades && k < PC_BOOK_MAX_TRADES; k++) {
            const pc_trade_t *tr = &b->trades[k];
            if (!price_ok(tr->price)) continue;
            int side = tr->side < 0 ? -1 : 1;
            if (side < 0)
                (*n_sell)++;
            else
                (*n_buy)++;
            double sz = size_ok(tr->size) ? tr->size : 0;
            int j = 0;
            while (j < na && !(agg_price[j] == tr->price && agg_side[j] == side)) j++;
            if (j == na) {
                agg_price[na] = tr->price;
                agg_size[na] = 0;
                agg_side[na] = side;
                na++;
            }
            agg_size[j] += sz;
        }
        for (int j = 0; j < na; j++) {
            double rel = agg_size[j] / size_max;
            if (!(rel >= 0)) rel = 0;
            if (rel > 4) rel = 4;
            float x = pc_plot_cx(p, agg_price[j]);
            float r0 = pc_chart_pxf(c, 3.0f + 4.0f * (float)sqrt(rel));
            float r = r0 * (float)(1 + 0.8 * (1 - life));
            float y = lane - rise * (float)(1 - life);
            uint32_t col = agg_side[j] < 0 ? sell : buy;
            unsigned a = (unsigned)floor(255 * life * life + 0.5);
            if (life > 0.6)
                pc_gfx_circle(&clip, x, y, r0 * 0.7f, pc_color_alpha(col, (unsigned)floor(230 * (life - 0.6) / 0.4 + 0.5)));
            pc_gfx_ring(&clip, x, y, r, pc_chart_pxf(c, 1.5f), pc_color_alpha(col, a));
        }
    }
}

/* The trade rate at time t from the "trades" windows (the window holding t), or NAN. Book
 * snapshots list only their newest trades; the windows count all of them. */
static double trade_rate_at(const pc_model_t *m, double t) {
    const pc_series_t *s = pc_model_series(m, "trades");
    if (!s || !s->n_windows) return NAN;
    size_t lo = 0, hi = s->n_windows; /* first window ending at or after t */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->windows[mid].t < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == s->n_windows) return NAN;
    const pc_window_t *w = &s->windows[lo];
    return w->t - w->dt <= t + 1e-9 && pc_isfinite(w->rate) ? w->rate : NAN;
}

/* The ladder: asks above (best ask just over the spread row), bids below, each row with its
 * price, size and running total over a bar sized against the run's typical largest level. */
static void draw_ladder(pc_chart_t *c, pc_rect_t panel, const pc_book_frame_t *b, const depth_range_t *rg,
                        uint32_t bid_col, uint32_t ask_col, int n_buy, int n_sell, double trade_rate) {
    pc_rect_t in = pc_chart_panel(c, panel, "Top of book");
    if (in.w <= 0 || in.h <= 0 || !c->font) return;
    int row_h = pc_chart_px(c, 17), head_h = pc_chart_px(c, 18), spread_h = pc_chart_px(c, 24);
    pc_font_metrics_t fs = pc_font_metrics(c->font, pc_chart_pxf(c, PC_TEXT_SMALL));
    int foot_h = 2 * fs.line_height + pc_chart_px(c, 8);
    int fit = (in.h - head_h - spread_h - foot_h) / (row_h > 0 ? row_h : 1) / 2;
    int levels = b ? (b->n_bids > b->n_asks ? b->n_bids : b->n_asks) : 0;
    if (levels < rg->levels) levels = rg->levels; /* a steady ladder even when a side is thin */
    if (levels > PC_BOOK_MAX_LEVELS) levels = PC_BOOK_MAX_LEVELS;
    int rows = fit < levels ? fit : levels;
    if (rows < 1) return;
    int show_total = in.w >= pc_chart_px(c, 190);
    int x_price = in.x, x_size = show_total ? in.x + in.w * 62 / 100 : in.x + in.w, x_total = in.x + in.w;
    int block = head_h + rows * row_h * 2 + spread_h;
    int y = in.y;
    if (block < in.h - foot_h) y += (in.h - foot_h - block) / 4;
    uint32_t dim = c->th->text_dim;
    pc_chart_text(c, x_price, y + head_h / 2, PC_TEXT_SMALL, c->th->text_faint, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, "price");
    pc_chart_text(c, x_size, y + head_h / 2, PC_TEXT_SMALL, c->th->text_faint, PC_ALIGN_RIGHT | PC_ALIGN_MIDDLE, "size");
    if (show_total)
        pc_chart_text(c, x_total, y + head_h / 2, PC_TEXT_SMALL, c->th->text_faint, PC_ALIGN_RIGHT | PC_ALIGN_MIDDLE, "total");
    int top = y + head_h;
    int spread_y = top + rows * row_h;
    /* size bars end at the size column and grow left, under the numbers they stand for */
    char widest[64];
    fmt_price(widest, sizeof widest, b && b->n_asks > 0 ? b->asks[b->n_asks - 1].price : 0, rg->decimals);
    int bar_w = x_size + pc_chart_px(c, 3) - (in.x + pc_chart_text_width(c, PC_TEXT_SMALL, widest) + pc_chart_px(c, 10));
    if (bar_w < pc_chart_px(c, 20)) bar_w = pc_chart_px(c, 20);
    char buf[64];
    for (int side = 0; side < 2 && b; side++) {
        const pc_level_t *lv = side ? b->bids : b->asks;
        int nl = side ? b->n_bids : b->n_asks;
        uint32_t col = side ? bid_col : ask_col;
        double total = 0;
        for (int k = 0; k < nl && k < rows; k++) {
            double sz = size_ok(lv[k].size) ? lv[k].size : 0;
            total += sz;
            int ry = side ? spread_y + spread_h + k * row_h : spread_y - (k + 1) * row_h;
            double rel = sz / rg->size_max;
            if (rel > 1) rel = 1;
            int w = (int)floor(bar_w * rel + 0.5);
            if (w > 0)
                pc_gfx_fill_rect(c->fb, x_size + pc_chart_px(c, 3) - w, ry + pc_chart_px(c, 1), w, row_h - pc_chart_px(c, 2),
                                 pc_color_alpha(col, 38));
            int cy = ry + row_h / 2;
            fmt_price(buf, sizeof buf, lv[k].price, rg->decimals);
            pc_chart_text(c, x_price, cy, PC_TEXT_SMALL, col, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, buf);
            fmt_size(buf, sizeof buf, sz);
            pc_chart_text(c, x_size, cy, PC_TEXT_SMALL, c->th->text, PC_ALIGN_RIGHT | PC_ALIGN_MIDDLE, buf);
            if (show_total) {
                fmt_size(buf, sizeof buf, total);
                pc_chart_text(c, x_total, cy, PC_TEXT_SMALL, dim, PC_ALIGN_RIGHT | PC_ALIGN_MIDDLE, buf);
            }
        }
    }
    /* the spread row between the two sides */
    int sy = spread_y + spread_h / 2;
    pc_gfx_hline(c->fb, in.x, in.x + in.w - 1, spread_y + pc_chart_px(c, 2), pc_chart_px(c, 1), c->th->grid);
    pc_gfx_hline(c->fb, in.x, in.x + in.w - 1, spread_y + spread_h - pc_chart_px(c, 3), pc_chart_px(c, 1), c->th->grid);
    if (b && b->n_bids > 0 && b->n_asks > 0) {
        char sp[48];
        double spread = b->asks[0].price - b->bids[0].price;
        fmt_price(sp, sizeof sp, spread, rg->decimals);
        snprintf(buf, sizeof buf, "spread %s", sp);
    } else {
        snprintf(buf, sizeof buf, b ? "one-sided book" : "no snapshot yet");
    }
    pc_chart_text(c, in.x + in.w / 2, sy, PC_TEXT_SMALL, dim, PC_ALIGN_CENTER | PC_ALIGN_MIDDLE, buf);
    /* footer: the trade rate (all trades, from the windows) and what is flashing in the chart
     * (the newest trades each snapshot lists) */
    char line[96], fitb[128];
    if (pc_isfinite(trade_rate)) {
        char rs[48];
        pc_fmt_si(rs, sizeof rs, trade_rate, "trades/s");
        snprintf(line, sizeof line, "now %s", rs);
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_SMALL), line, in.w, fitb, sizeof fitb);
        pc_chart_text(c, in.x, in.y + in.h - fs.line_height, PC_TEXT_SMALL, dim, PC_ALIGN_LEFT | PC_ALIGN_BOTTOM, fitb);
    }
    snprintf(line, sizeof line, "flashing: %d buy \xc2\xb7 %d sell trades", n_buy, n_sell);
    pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_SMALL), line, in.w, fitb, sizeof fitb);
    pc_chart_text(c, in.x, in.y + in.h, PC_TEXT_SMALL, c->th->text_faint, PC_ALIGN_LEFT | PC_ALIGN_BOTTOM, fitb);
}

/* Denser price ticks than the generic layout's (about one per 70 CSS px instead of 120: a
 * price axis is read tick by tick), as many as fit without their labels touching, with the
 * decimals of the step. */
static void price_ticks(pc_chart_t *c, pc_plot_t *p) {
    int target = p->area.w / pc_chart_px(c, 70);
    if (target < 4) target = 4; /* narrow plots still get two or three labelled prices */
    if (target > PC_TICKS_MAX - 2) target = PC_TICKS_MAX - 2;
    for (; target >= 1; target--) {
        pc_ticks_t t;
        pc_ticks_linear(p->x.lo, p->x.hi, target, &t);
        if (t.n < 2) continue;
        pc_fmt_fn fmt = PRICE_FMT[step_decimals(t.step)];
        int widest = 0;
        for (int i = 0; i < t.n; i++) {
            char buf[64];
            fmt(buf, sizeof buf, t.v[i]);
            int w = pc_chart_text_width(c, PC_TEXT_TICK, buf);
            if (w > widest) widest = w;
        }
        double px_step = t.step * p->area.w / (p->x.hi - p->x.lo);
        if (px_step >= widest + pc_chart_px(c, 14)) {
            p->x.ticks = t;
            p->x.fmt = fmt;
            return;
        }
    }
    /* nothing denser fits: the layout's own ticks, which never overlap */
    p->x.fmt = PRICE_FMT[step_decimals(p->x.ticks.step)];
}

int pc_view_orderbook_depth(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    char run[128];
    pc_vc_run_text(m, run, sizeof run);
    int r = pc_vc_begin(&f, fb, m, st, "Order book depth", run);
    if (r) return r;
    pc_chart_t *c = &f.c;
    if (!m || m->n_book == 0 || !m->book) return pc_vc_nothing_yet(&f, "No order book snapshots yet");

    const pc_book_frame_t *b = f.cursor < 0 ? &m->book[m->n_book - 1] : pc_model_book_at(m, f.cursor);
    size_t idx = b ? (size_t)(b - m->book) : 0;
    double end = pc_model_duration(m);
    if (m->book[m->n_book - 1].t > end) end = m->book[m->n_book - 1].t;
    double now = f.cursor < 0 || f.cursor > end ? m->book[m->n_book - 1].t : f.cursor;
    if (f.cursor > end) now = end;
    depth_range_t rg;
    depth_ranges(m, &rg);
    double center = axis_center(m, idx);
    for (size_t i = 0; !pc_isfinite(center) && i < m->n_book; i++) center = axis_center(m, i);
    if (!pc_isfinite(center)) {
        pc_chart_message(c, f.body, "The book has been empty in every snapshot", NULL);
        return 0;
    }
    uint32_t bid_col = c->th->accent, ask_col = c->th->bad;

    /* the ladder on the right when there is room for it */
    pc_rect_t plot_r = f.body, ladder = {0, 0, 0, 0};
    int gap = pc_chart_px(c, 16);
    if (f.body.w >= pc_chart_px(c, 560) && f.body.h >= pc_chart_px(c, 200)) {
        int lw = f.body.w * 27 / 100;
        if (lw < pc_chart_px(c, 200)) lw = pc_chart_px(c, 200);
        if (lw > pc_chart_px(c, 300)) lw = pc_chart_px(c, 300);
        ladder = (pc_rect_t){f.body.x + f.body.w - lw, f.body.y, lw, f.body.h};
        plot_r.w = f.body.w - lw - gap;
    }

    pc_plot_t p;
    memset(&p, 0, sizeof p);
    p.x.lo = center - rg.half;
    p.x.hi = center + rg.half;
    p.x.title = "price";
    double ylo = 0, yhi = rg.ymax;
    pc_nice_bounds(&ylo, &yhi, 5);
    p.y.lo = 0;
    p.y.hi = yhi;
    p.y.fmt = fmt_size;
    p.y.title = "cumulative size";
    p.x.fmt = PRICE_FMT[step_decimals(pc_nice_step(2 * rg.half, 6))];
    pc_plot_layout(c, &p, plot_r);
    price_ticks(c, &p);
    pc_plot_draw_axes(c, &p);

    int n_buy = 0, n_sell = 0;
    if (!b) {
        char when[64], msg[96];
        pc_fmt_fixed(when, sizeof when, m->book[0].t, 2);
        snprintf(msg, sizeof msg, "The first snapshot comes at %s s", when);
        pc_chart_message(c, p.area, msg, NULL);
    } else {
        pc_fb_t clip = p.clip;
        int has_bb = b->n_bids > 0 && price_ok(b->bids[0].price);
        int has_ba = b->n_asks > 0 && price_ok(b->asks[0].price);
        /* spread band */
        if (has_bb && has_ba) {
            float xa = (float)floor(pc_plot_cx(&p, b->bids[0].price)) + 0.5f;
            float xb = (float)floor(pc_plot_cx(&p, b->asks[0].price)) + 0.5f;
            if (xb > xa) {
                pc_pointf_t band[2] = {{xa, 0}, {xb, 0}};
                pc_gfx_fill_area(&clip, band, 2, (float)p.area.h, pc_color_alpha(c->th->text, 12));
            }
        }
        draw_side(c, &p, b->bids, b->n_bids, 0, bid_col);
        draw_side(c, &p, b->asks, b->n_asks, 1, ask_col);
        /* mid: a dashed line through the chart */
        double mid = frame_mid(b);
        if (pc_isfinite(mid)) {
            int x = (int)floor(pc_plot_fx(&p, mid));
            if (x >= p.area.x && x < p.area.x + p.area.w)
                pc_gfx_vline_dashed(c->fb, x, p.area.y + pc_chart_px(c, 26), p.area.y + p.area.h - 2, pc_chart_px(c, 1),
                                    pc_chart_px(c, 4), pc_chart_px(c, 3), pc_color_alpha(c->th->text, 150));
        }
        draw_trades(c, &p, m, idx, now, rg.size_max, bid_col, ask_col, &n_buy, &n_sell);
        /* last price: a triangle on the price axis */
        if (price_ok(b->last_price)) {
            float x = pc_plot_fx(&p, b->last_price);
            float yb = (float)(p.area.y + p.area.h) - 0.5f;
            uint32_t col = c->th->warn;
            if (x >= p.area.x && x < p.area.x + p.area.w) {
                float s = pc_chart_pxf(c, 6);
                pc_pointf_t tri[3] = {{x, yb - s * 1.3f}, {x - s, yb}, {x + s, yb}};
                pc_gfx_fill_polygon(c->fb, tri, 3, col);
            }
        }
        /* the numbers at the top of the mid line: mid, spread, last */
        if (c->font && pc_isfinite(mid)) {
            char ms[48], sp[48], lp[48], text[200];
            fmt_price(ms, sizeof ms, mid, rg.decimals + (price_decimals(mid) > rg.decimals ? 1 : 0));
            size_t len = (size_t)snprintf(text, sizeof text, "mid %s", ms);
            if (has_bb && has_ba) {
                fmt_price(sp, sizeof sp, b->asks[0].price - b->bids[0].price, rg.decimals);
                len += (size_t)snprintf(text + len, sizeof text - len, "  \xc2\xb7  spread %s", sp);
            }
            if (price_ok(b->last_price) && len < sizeof text) {
                fmt_price(lp, sizeof lp, b->last_price, rg.decimals);
                snprintf(text + len, sizeof text - len, "  \xc2\xb7  last %s", lp);
            }
            pc_rect_t br = pc_chart_badge_rect(c, 0, 0, PC_ALIGN_LEFT | PC_ALIGN_TOP, PC_TEXT_SMALL, text);
            int x = (int)floor(pc_plot_fx(&p, mid)) - br.w / 2;
            int pad = pc_chart_px(c, 6);
            if (x + br.w > p.area.x + p.area.w - pad) x = p.area.x + p.area.w - pad - br.w;
            if (x < p.area.x + pad) x = p.area.x + pad;
            pc_chart_badge(c, x, p.area.y + pc_chart_px(c, 6), PC_ALIGN_LEFT | PC_ALIGN_TOP, PC_TEXT_SMALL, c->th->text,
                           pc_color_mix(c->th->bg, c->th->text_faint, 90), text);
        }
        if (frame_empty(b)) pc_chart_message(c, p.area, "The book is empty at this moment", NULL);
    }

    /* the clock, in the x title's row at the plot's left end (as in latency-animation) */
    if (c->font) {
        char clock[96];
        pc_font_metrics_t fm = pc_font_metrics(c->font, pc_chart_pxf(c, PC_TEXT_TICK));
        int y = p.area.y + p.area.h - 1 + pc_chart_px(c, 8) + fm.line_height + pc_chart_px(c, 6);
        /* fixed decimals, so the text does not jitter from frame to frame */
        snprintf(clock, sizeof clock, "t = %.2f s of %.2f s", now, end);
        /* only where it clears the centred axis title */
        int room = p.area.w / 2 - pc_chart_text_width(c, PC_TEXT_TICK, p.x.title) / 2 - pc_chart_px(c, 12);
        if (pc_chart_text_width(c, PC_TEXT_LABEL, clock) <= room)
            pc_chart_text(c, p.area.x, y, PC_TEXT_LABEL, c->th->text, PC_ALIGN_LEFT | PC_ALIGN_TOP, clock);
    }

    /* legend */
    char lb[48], la[48];
    if (rg.levels > 0) {
        snprintf(lb, sizeof lb, "bids \xc2\xb7 top %d", rg.levels);
        snprintf(la, sizeof la, "asks \xc2\xb7 top %d", rg.levels);
    } else {
        snprintf(lb, sizeof lb, "bids");
        snprintf(la, sizeof la, "asks");
    }
    pc_legend_item_t items[4] = {{lb, bid_col, PC_LEGEND_BOX}, {la, ask_col, PC_LEGEND_BOX},
                                 {"buy trades", bid_col, PC_LEGEND_LINE}, {"sell trades", ask_col, PC_LEGEND_LINE}};
    pc_legend_item_t short_items[2] = {{"bids", bid_col, PC_LEGEND_BOX}, {"asks", ask_col, PC_LEGEND_BOX}};
    int reserve = pc_chart_text_width(c, PC_TEXT_TICK, p.y.title) + pc_chart_px(c, 24);
    pc_font_metrics_t fm = c->font ? pc_font_metrics(c->font, pc_chart_pxf(c, PC_TEXT_TICK)) : (pc_font_metrics_t){0};
    int ly = p.area.y - pc_chart_px(c, 10) - fm.cap_height / 2;
    if (!pc_chart_legend_inline(c, p.area.x + p.area.w, ly, PC_ALIGN_RIGHT, p.area.w - reserve, items, 4))
        pc_chart_legend_inline(c, p.area.x + p.area.w, ly, PC_ALIGN_RIGHT, p.area.w - reserve, short_items, 2);

    if (ladder.w > 0) draw_ladder(c, ladder, b, &rg, bid_col, ask_col, n_buy, n_sell, b ? trade_rate_at(m, now) : NAN);
    return 0;
}

/* ======================= throughput-timeline ======================= */

typedef struct tl_series {
    const pc_series_t *s;
    uint32_t color;
    size_t shown;     /* windows up to the cursor */
    pc_pointf_t last; /* the newest point drawn */
    int has_last;
    double last_rate; /* rate of the newest shown window */
} tl_series_t;

/* Picks the windows series to draw: "orders" and "trades" first, then any other. */
static int tl_collect(const pc_chart_t *c, const pc_model_t *m, tl_series_t *ts) {
    int n = 0;
    static const char *const FIRST[2] = {"orders", "trades"};
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; m && i < m->n_series && n < MAX_DRAWN; i++) {
            const pc_series_t *s = &m->series[i];
            if (!s->n_windows || !s->windows) continue;
            int named = strcmp(s->name, FIRST[0]) == 0 || strcmp(s->name, FIRST[1]) == 0;
            if (pass == 0 ? !named : named) continue;
            memset(&ts[n], 0, sizeof ts[n]);
            ts[n].s = s;
            ts[n].color = pc_vc_series_color(c, s, i);
            n++;
        }
    /* "orders" before "trades" whatever order they arrived in */
    if (n >= 2 && strcmp(ts[0].s->name, "trades") == 0 && strcmp(ts[1].s->name, "orders") == 0) {
        tl_series_t t = ts[0];
        ts[0] = ts[1];
        ts[1] = t;
    }
    return n;
}

int pc_view_orderbook_throughput(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    char run[128], sub[256] = "";
    pc_vc_run_text(m, run, sizeof run);
    double paced = pc_vc_has_run(m) ? pc_model_param_num(m, "rate", NAN) : NAN;
    if (pc_isfinite(paced) && paced > 0) {
        char rs[48];
        pc_fmt_si(rs, sizeof rs, paced, "orders/s");
        snprintf(sub, sizeof sub, "saturated + paced at %s \xc2\xb7 ", rs);
    }
    snprintf(sub + strlen(sub), sizeof sub - strlen(sub), "%s", run);
    int r = pc_vc_begin(&f, fb, m, st, "Throughput", sub);
    if (r) return r;
    pc_chart_t *c = &f.c;

    tl_series_t ts[MAX_DRAWN];
    int n = tl_collect(c, m, ts);
    /* axes from every window, so the chart fills in without rescaling as the cursor moves */
    double xmax = 0, ymin = INFINITY, ymax = 0;
    int any_shown = 0;
    for (int j = 0; j < n; j++) {
        const pc_series_t *s = ts[j].s;
        for (size_t k = 0; k < s->n_windows; k++) {
            const pc_window_t *w = &s->windows[k];
            if (!pc_isfinite(w->t) || !pc_isfinite(w->rate)) continue;
            if (w->t > xmax) xmax = w->t;
            if (w->rate > 0 && w->rate < ymin) ymin = w->rate;
            if (w->rate > ymax) ymax = w->rate;
            if (f.cursor < 0 || w->t <= f.cursor) {
                ts[j].shown++;
                ts[j].last_rate = w->rate;
            }
        }
        any_shown |= ts[j].shown > 0;
    }
    if (n == 0) return pc_vc_nothing_yet(&f, "No throughput windows yet");
    if (m && pc_model_duration(m) > xmax) xmax = pc_model_duration(m);
    double ylo, yhi;
    pc_vc_rate_range(ymin, ymax, &ylo, &yhi);

    pc_plot_t p;
    pc_vc_rate_plot(&f, &p, xmax > 0 ? xmax * 1.02 : 1, ylo, yhi, "time since the run started",
                    "per second (log scale)");

    /* events (phase changes and the like) up to the cursor */
    for (int i = 0; m && i < m->n_events; i++) {
        const pc_event_t *e = &m->events[i];
        if (!pc_isfinite(e->t) || (f.cursor >= 0 && e->t > f.cursor)) continue;
        int x = (int)floor(pc_plot_fx(&p, e->t));
        if (x < p.area.x || x >= p.area.x + p.area.w) continue;
        pc_gfx_vline_dashed(c->fb, x, p.area.y, p.area.y + p.area.h - 2, pc_chart_px(c, 1), pc_chart_px(c, 3),
                            pc_chart_px(c, 3), c->th->text_faint);
        if (c->font && e->text[0]) {
            char fit[96];
            pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_SMALL), e->text, p.area.x + p.area.w - x - pc_chart_px(c, 8), fit,
                        sizeof fit);
            pc_chart_text(c, x + pc_chart_px(c, 4), p.area.y + pc_chart_px(c, 4), PC_TEXT_SMALL, c->th->text_dim,
                          PC_ALIGN_LEFT | PC_ALIGN_TOP, fit);
        }
    }
    /* the cursor: where an animation is */
    if (f.cursor >= 0 && f.cursor < p.x.hi) {
        int x = (int)floor(pc_plot_fx(&p, f.cursor));
        if (x >= p.area.x && x < p.area.x + p.area.w)
            pc_gfx_vline(c->fb, x, p.area.y, p.area.y + p.area.h - 1, pc_chart_px(c, 1), pc_color_alpha(c->th->text, 60));
    }
    for (int j = 0; j < n; j++)
        if (ts[j].shown)
            ts[j].has_last = pc_vc_windows_curve(c, &p, ts[j].s, f.cursor, 0, ylo, ts[j].shown, ts[j].color, &ts[j].last);

    /* the newest value of each curve: a dot at its end and a tag just right of it (at most
     * in the margin right of the plot), so while animating the value rides with the curve */
    pc_rect_t tags[MAX_DRAWN];
    int ntags = 0;
    for (int j = 0; j < n; j++) {
        if (!ts[j].has_last) continue;
        pc_fb_t clip = p.clip;
        pc_gfx_circle(&clip, ts[j].last.x - p.area.x, ts[j].last.y - p.area.y, pc_chart_pxf(c, 4.5f), c->th->bg);
        pc_gfx_circle(&clip, ts[j].last.x - p.area.x, ts[j].last.y - p.area.y, pc_chart_pxf(c, 3.5f), ts[j].color);
        char txt[48];
        pc_fmt_rate(txt, sizeof txt, ts[j].last_rate);
        int y = (int)floor(ts[j].last.y);
        int x = (int)floor(ts[j].last.x) + pc_chart_px(c, 10);
        if (x > p.area.x + p.area.w + pc_chart_px(c, 6)) x = p.area.x + p.area.w + pc_chart_px(c, 6);
        pc_rect_t b = pc_chart_badge_rect(c, x, y, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, PC_TEXT_SMALL, txt);
        for (int pass = 0; pass < MAX_DRAWN; pass++) {
            int moved = 0;
            for (int k = 0; k < ntags; k++)
                if (b.y < tags[k].y + tags[k].h && tags[k].y < b.y + b.h && b.x < tags[k].x + tags[k].w &&
                    tags[k].x < b.x + b.w) {
                    b.y = tags[k].y + tags[k].h + pc_chart_px(c, 2);
                    moved = 1;
                }
            if (!moved) break;
        }
        tags[ntags++] = b;
        pc_chart_badge(c, b.x, b.y, PC_ALIGN_LEFT | PC_ALIGN_TOP, PC_TEXT_SMALL, c->th->bg, ts[j].color, txt);
    }
    if (!any_shown) {
        char when[48], msg[96];
        double t0 = INFINITY;
        for (int j = 0; j < n; j++)
            if (ts[j].s->n_windows && ts[j].s->windows[0].t < t0) t0 = ts[j].s->windows[0].t;
        pc_fmt_fixed(when, sizeof when, t0, 2);
        snprintf(msg, sizeof msg, "The first window ends at %s s", when);
        pc_chart_message(c, p.area, msg, NULL);
    }

    pc_legend_item_t items[MAX_DRAWN], short_items[MAX_DRAWN];
    char labels[MAX_DRAWN][96];
    for (int j = 0; j < n; j++) {
        const char *unit = ts[j].s->unit[0] && strcmp(ts[j].s->unit, "ns") != 0 ? ts[j].s->unit : NULL;
        if (unit && strcmp(pc_vc_series_label(ts[j].s), ts[j].s->name) == 0)
            snprintf(labels[j], sizeof labels[j], "%s", unit); /* "orders/s" says more than "orders" */
        else
            snprintf(labels[j], sizeof labels[j], "%s", pc_vc_series_label(ts[j].s));
        items[j] = (pc_legend_item_t){labels[j], ts[j].color, PC_LEGEND_LINE};
        short_items[j] = (pc_legend_item_t){ts[j].s->name, ts[j].color, PC_LEGEND_LINE};
    }
    pc_vc_plot_legend_beside_title(&f, &p, items, short_items, n);
    return 0;
}

/* ======================= comparison ======================= */

/* Horizontal bars: orders/s and trades/s, the orders goal marked, trades per order below. */
static void cmp_rates(pc_vframe_t *f, pc_rect_t in) {
    pc_chart_t *c = &f->c;
    const pc_model_t *m = f->m;
    int live = 0;
    double rate[2] = {rate_of(m, "orders", "orders_per_s", f->cursor, &live),
                      rate_of(m, "trades", "trades_per_s", f->cursor, &live)};
    const char *names[2] = {"orders", "trades"};
    const char *units[2] = {"orders/s", "trades/s"};
    const char *labels[2] = {"orders", "trades"};
    uint32_t colors[2] = {color_of(c, m, "orders"), color_of(c, m, "trades")};
    double vmax = 0;
    int shown = 0;
    for (int j = 0; j < 2; j++)
        if (pc_isfinite(rate[j])) {
            shown++;
            if (rate[j] > vmax) vmax = rate[j];
        }
    if (!shown) {
        pc_chart_message(c, in, "No throughput yet", NULL);
        return;
    }
    int goal_in = pc_isfinite(rate[0]) && rate[0] > GOAL_ORDERS_PER_S * 0.2;
    double scale_max = vmax;
    if (goal_in && GOAL_ORDERS_PER_S > scale_max) scale_max = GOAL_ORDERS_PER_S;
    int label_h = pc_chart_px(c, 20), bar_h = pc_chart_px(c, 26), row_gap = pc_chart_px(c, 18);
    int ratio_h = pc_chart_px(c, 64);
    int block = shown * (label_h + bar_h) + (shown - 1) * row_gap + ratio_h;
    int y = in.y + (in.h - block) / 2;
    if (y < in.y) y = in.y;
    int value_w = pc_chart_px(c, 112);
    int bar_max = in.w - value_w;
    if (bar_max < pc_chart_px(c, 20)) bar_max = pc_chart_px(c, 20);
    char buf[200], val[64];
    for (int j = 0; j < 2; j++) {
        if (!pc_isfinite(rate[j])) continue;
        const char *lab = label_or(m, names[j], labels[j]);
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_LABEL), lab, in.w, buf, sizeof buf);
        if (c->font) pc_chart_text(c, in.x, y + label_h / 2, PC_TEXT_LABEL, c->th->text, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, buf);
        y += label_h;
        int bw = scale_max > 0 ? (int)floor(bar_max * rate[j] / scale_max + 0.5) : 0;
        if (bw < pc_chart_px(c, 3)) bw = pc_chart_px(c, 3);
        float by = (float)(y + pc_chart_px(c, 2)), bh = (float)(bar_h - pc_chart_px(c, 4));
        pc_gfx_round_rect(c->fb, (float)in.x, by, (float)bar_max, bh, pc_chart_pxf(c, 4), c->th->grid);
        pc_gfx_round_rect(c->fb, (float)in.x, by, (float)bw, bh, pc_chart_pxf(c, 4), colors[j]);
        if (j == 0 && goal_in) {
            /* the goal as a tick across the track, its figure above it */
            int gx = in.x + (int)floor(bar_max * GOAL_ORDERS_PER_S / scale_max + 0.5);
            pc_gfx_vline(c->fb, gx - pc_chart_px(c, 1), y - pc_chart_px(c, 2), y + bar_h, pc_chart_px(c, 2), c->th->text);
            if (c->font) {
                char goal[48], gs[32];
                pc_fmt_si(gs, sizeof gs, GOAL_ORDERS_PER_S, NULL);
                snprintf(goal, sizeof goal, "goal %s ", gs);
                pc_chart_text(c, gx, y - pc_chart_px(c, 4), PC_TEXT_SMALL, c->th->text_dim, PC_ALIGN_RIGHT | PC_ALIGN_BOTTOM,
                              goal);
            }
        }
        pc_fmt_si(val, sizeof val, rate[j], units[j]);
        pc_chart_text(c, in.x + bar_max + pc_chart_px(c, 10), y + bar_h / 2, PC_TEXT_LABEL, c->th->text,
                      PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, val);
        y += bar_h + row_gap;
    }
    /* trades per order: how much of the flow crosses the spread */
    if (pc_isfinite(rate[0]) && pc_isfinite(rate[1]) && rate[0] > 0) {
        char num[48];
        double tpo = rate[1] / rate[0];
        pc_fmt_fixed(num, sizeof num, tpo, tpo >= 10 ? 1 : 2);
        snprintf(buf, sizeof buf, "%s trades per order", num);
        y += pc_chart_px(c, 6);
        pc_chart_text(c, in.x, y, 26, colors[1], PC_ALIGN_LEFT | PC_ALIGN_TOP, buf);
        snprintf(buf, sizeof buf, "trades/s \xc3\xb7 orders/s%s", live ? ", so far" : "");
        char fit[200];
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_TICK), buf, in.w, fit, sizeof fit);
        if (c->font)
            pc_chart_text(c, in.x, y + pc_chart_px(c, 40), PC_TEXT_TICK, c->th->text_dim, PC_ALIGN_LEFT | PC_ALIGN_TOP, fit);
    }
}

/* Grouped p50/p99/p99.9 bars of matching and end-to-end latency on a log axis, with the
 * matching p99 goal as a dashed line. */
static void cmp_latency(pc_vframe_t *f, pc_rect_t panel, pc_rect_t in) {
    pc_chart_t *c = &f->c;
    const pc_model_t *m = f->m;
    static const char *const SERIES[2] = {"match", "e2e"};
    static const char *const FALLBACK[2] = {"matching latency", "generated \xe2\x86\x92 matched"};
    double vals[3 * 2];
    uint32_t colors[2];
    int ns = 0, idx[2];
    for (int j = 0; j < 2; j++) {
        int any = 0;
        for (int q = 0; q < 3; q++) any |= pc_isfinite(latency_of(m, SERIES[j], q, NULL));
        if (any) idx[ns++] = j;
    }
    if (!ns) {
        pc_chart_message(c, in, "No latency samples yet", NULL);
        return;
    }
    for (int q = 0; q < 3; q++)
        for (int k = 0; k < ns; k++) vals[q * ns + k] = latency_of(m, SERIES[idx[k]], q, NULL);
    double vmin, vmax;
    pc_vc_positive_range(vals, 3 * ns, &vmin, &vmax);
    for (int k = 0; k < ns; k++) colors[k] = color_of(c, m, SERIES[idx[k]]);
    if (!(vmax > 0)) {
        pc_chart_message(c, in, "No latency samples yet", NULL);
        return;
    }
    int has_match = idx[0] == 0;
    if (has_match && GOAL_MATCH_P99_NS > vmax) vmax = GOAL_MATCH_P99_NS;
    double lo = pc_pow10(floor(pc_log10(vmin / 3))), hi = vmax * 3;
    pc_plot_t p;
    pc_vc_percentile_plot(c, &p, in, lo, hi, "latency (log scale)");
    if (has_match) {
        int y = (int)floor(pc_plot_fy(&p, GOAL_MATCH_P99_NS));
        pc_gfx_hline_dashed(c->fb, p.area.x, p.area.x + p.area.w - 1, y, pc_chart_px(c, 1), pc_chart_px(c, 6),
                            pc_chart_px(c, 4), pc_color_alpha(colors[0], 150));
    }
    pc_chart_bars(c, &p, vals, 3, ns, colors, pc_fmt_ns);
    if (has_match && c->font) {
        /* the goal line's key, on the y title's row */
        pc_legend_item_t goal = {"goal: matching p99 < 1 \xc2\xb5s", pc_color_alpha(colors[0], 150), PC_LEGEND_DASH};
        pc_font_metrics_t ft = pc_font_metrics(c->font, pc_chart_pxf(c, PC_TEXT_TICK));
        int gy = p.area.y - pc_chart_px(c, 10) - ft.cap_height / 2;
        int room = p.area.w - pc_chart_text_width(c, PC_TEXT_TICK, p.y.title) - pc_chart_px(c, 16);
        pc_chart_legend_inline(c, p.area.x + p.area.w, gy, PC_ALIGN_RIGHT, room, &goal, 1);
    }
    pc_legend_item_t items[2], short_items[2];
    for (int k = 0; k < ns; k++) {
        items[k] = (pc_legend_item_t){label_or(m, SERIES[idx[k]], FALLBACK[idx[k]]), colors[k], PC_LEGEND_BOX};
        short_items[k] = (pc_legend_item_t){SERIES[idx[k]], colors[k], PC_LEGEND_BOX};
    }
    pc_vc_panel_legend(c, panel, "Latency percentiles", items, short_items, ns);
}

int pc_view_orderbook_comparison(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    char run[128];
    pc_vc_run_text(m, run, sizeof run);
    int r = pc_vc_begin(&f, fb, m, st, "Matching engine: throughput and latency", run);
    if (r) return r;
    pc_chart_t *c = &f.c;
    int any = 0;
    static const char *const NAMES[4] = {"orders", "trades", "match", "e2e"};
    for (int i = 0; m && i < 4; i++) {
        const pc_series_t *s = pc_model_series(m, NAMES[i]);
        if (s && (s->n_windows || pc_vc_series_has_hist(s))) any = 1;
    }
    if (m && m->summary) any = 1;
    if (!any) return pc_vc_nothing_yet(&f, "No results to compare yet");
    pc_rect_t a, b;
    pc_vc_split_body(&f, &a, &b);
    cmp_rates(&f, pc_chart_panel(c, a, "Throughput"));
    cmp_latency(&f, b, pc_chart_panel(c, b, "Latency percentiles"));
    return 0;
}

/* ======================= summary ======================= */

static void kpi_value_si(pc_vc_kpi_t *k, double v, const char *unit) {
    if (pc_isfinite(v))
        pc_fmt_si(k->value, sizeof k->value, v, unit);
    else
        snprintf(k->value, sizeof k->value, "\xe2\x80\x93");
}

static void kpi_value_ns(pc_vc_kpi_t *k, double v) {
    if (pc_isfinite(v))
        pc_fmt_ns(k->value, sizeof k->value, v);
    else
        snprintf(k->value, sizeof k->value, "\xe2\x80\x93");
}

int pc_view_orderbook_summary(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    int y;
    int r = pc_vc_begin_summary(&f, fb, m, st, &y);
    if (r) return r < 0 ? r : 0;
    pc_chart_t *c = &f.c;
    /* three rows of big numbers, then a shorter row of run facts */
    int row_gap = pc_chart_px(c, 12);
    int facts_h = pc_chart_px(c, 24 + 54);
    int row_h = (f.body.y + f.body.h - y - facts_h - 3 * row_gap) / 3;
    if (row_h < pc_chart_px(c, 40)) row_h = pc_chart_px(c, 40);
    pc_vc_kpi_t k[3];
    const char *so_far = " \xc2\xb7 so far";
    char heading[200];

    /* throughput: the summary's figures, else the windows so far */
    int live = 0;
    double orders = rate_of(m, "orders", "orders_per_s", f.cursor, &live);
    double trades = rate_of(m, "trades", "trades_per_s", f.cursor, &live);
    k[0] = (pc_vc_kpi_t){"orders", "", NULL, color_of(c, m, "orders")};
    kpi_value_si(&k[0], orders, "orders/s");
    k[1] = (pc_vc_kpi_t){"trades", "", NULL, color_of(c, m, "trades")};
    kpi_value_si(&k[1], trades, "trades/s");
    k[2] = (pc_vc_kpi_t){"trades per order", "", NULL, c->th->text};
    if (pc_isfinite(orders) && pc_isfinite(trades) && orders > 0)
        pc_fmt_fixed(k[2].value, sizeof k[2].value, trades / orders, trades / orders >= 10 ? 1 : 2);
    else
        snprintf(k[2].value, sizeof k[2].value, "\xe2\x80\x93");
    snprintf(heading, sizeof heading, "Throughput%s", live ? so_far : "");
    y = pc_vc_kpi_row(&f, y, row_h, heading, k, 3) + row_gap;

    /* latency: the summary's keys, else (and for p99.9) the histogram so far */
    static const char *const SERIES[2] = {"match", "e2e"};
    double rate = pc_model_param_num(m, "rate", NAN);
    for (int i = 0; i < 2; i++) {
        const pc_series_t *s = pc_model_series(m, SERIES[i]);
        int from_hist = 0;
        for (int q = 0; q < 3; q++) {
            char key[64];
            snprintf(key, sizeof key, "%s_%s", SERIES[i], PC_VC_QUANTILE_KEYS[q]);
            double v = summary_val(m, key);
            if (!pc_isfinite(v) && s && pc_vc_series_has_hist(s)) {
                v = (double)pc_hist_quantile(s->hist, PC_VC_QUANTILES[q]);
                from_hist = 1;
            }
            k[q] = (pc_vc_kpi_t){PC_VC_QUANTILE_NAMES[q], "", NULL, color_of(c, m, SERIES[i])};
            kpi_value_ns(&k[q], v);
        }
        const char *live_note = from_hist && !m->summary ? so_far : "";
        if (i == 0) {
            snprintf(heading, sizeof heading, "%s \xe2\x80\x94 time inside the matching engine, per order%s",
                     label_or(m, "match", "matching latency"), live_note);
        } else if (pc_isfinite(rate) && rate > 0) {
            char rs[48];
            pc_fmt_si(rs, sizeof rs, rate, "orders/s");
            snprintf(heading, sizeof heading, "%s \xe2\x80\x94 end-to-end latency, paced at %s%s",
                     label_or(m, "e2e", "generated \xe2\x86\x92 matched"), rs, live_note);
        } else {
            snprintf(heading, sizeof heading, "%s \xe2\x80\x94 end-to-end latency%s",
                     label_or(m, "e2e", "generated \xe2\x86\x92 matched"), live_note);
        }
        y = pc_vc_kpi_row(&f, y, row_h, heading, k, 3) + row_gap;
    }

    /* the run: snapshots, seed, book depth */
    double frames = summary_val(m, "frames");
    int frames_live = 0;
    if (!pc_isfinite(frames)) {
        frames = (double)m->n_book + (double)m->dropped_book;
        frames_live = !m->summary;
    }
    double fps = pc_model_param_num(m, "fps", NAN);
    char cap_frames[64] = "book snapshots";
    if (pc_isfinite(fps) && fps > 0) {
        char fs[32];
        pc_fmt_fixed(fs, sizeof fs, fps, 1);
        snprintf(cap_frames, sizeof cap_frames, "book snapshots \xc2\xb7 %s per second", fs);
    }
    k[0] = (pc_vc_kpi_t){cap_frames, "", NULL, c->th->text};
    if (pc_isfinite(frames) && frames > 0)
        snprintf(k[0].value, sizeof k[0].value, "%.0f", frames);
    else
        snprintf(k[0].value, sizeof k[0].value, "\xe2\x80\x93");
    double seed = pc_model_param_num(m, "seed", NAN);
    k[1] = (pc_vc_kpi_t){"seed (same seed, same order flow)", "", NULL, c->th->text};
    if (pc_isfinite(seed))
        snprintf(k[1].value, sizeof k[1].value, "%.0f", seed);
    else
        snprintf(k[1].value, sizeof k[1].value, "\xe2\x80\x93");
    const pc_book_frame_t *last = pc_model_book_at(m, -1);
    double levels = pc_model_param_num(m, "levels", NAN);
    k[2] = (pc_vc_kpi_t){"book depth per snapshot", "", NULL, c->th->text};
    if (pc_isfinite(levels) && levels > 0)
        snprintf(k[2].value, sizeof k[2].value, "top %.0f levels a side", levels);
    else if (last)
        snprintf(k[2].value, sizeof k[2].value, "top %d levels a side", last->n_bids > last->n_asks ? last->n_bids : last->n_asks);
    else
        snprintf(k[2].value, sizeof k[2].value, "\xe2\x80\x93");
    snprintf(heading, sizeof heading, "Run%s", frames_live ? so_far : "");
    pc_vc_kpi_row(&f, y, facts_h, heading, k, 3);
    return 0;
}
