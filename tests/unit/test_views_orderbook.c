/* test_views_orderbook.c — the orderbook suite's views and the generic latency animation,
 * drawn from a synthetic run built out of real records (header, hist deltas, windows, book
 * snapshots with trades, events, summary, end), exactly as a result file would feed them.
 *
 * Golden PNGs live in tests/data/golden/ (orderbook-*.png, latency-animation*.png); a mismatch
 * writes the actual frame next to the test binary (<name>.actual.png) and fails.
 * PC_UPDATE_GOLDEN=1 rewrites the goldens; PC_RENDER_DUMP=DIR keeps every frame drawn. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "font.h"
#include "gfx.h"
#include "hist.h"
#include "model.h"
#include "pc_test.h"
#include "pc_test_draw.h"
#include "pcmath.h"
#include "png.h"
#include "record.h"
#include "views.h"

#define BG PC_HEX(0x0a0e27)
#define GREEN PC_HEX(0x00ff88)
#define RED PC_HEX(0xff5c7a)

static pc_font_t *font;

static const char *const VIEWS[] = {"orderbook-depth", "latency-animation", "throughput-timeline", "comparison",
                                    "summary"};
#define N_VIEWS 5

/* ---- framebuffers ---- */

/* Pixels that differ between two framebuffers of the same size inside a rectangle. */
static long diff_px(const pc_fb_t *a, const pc_fb_t *b, int x0, int y0, int x1, int y1) {
    long n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            if (pc_test_px_at(a, x, y) != pc_test_px_at(b, x, y)) n++;
    return n;
}

/* Draws a view at time `at` (< 0: everything) into a fresh guarded framebuffer. */
static int render_at(pc_test_guarded_t *g, const char *view, const pc_model_t *m, int w, int h, float scale, double at) {
    if (pc_test_guarded_make(g, w, h)) return PC_ENOMEM;
    pc_view_state_t st = {.t_cursor = at, .scale = scale, .font = font};
    int r = pc_view_draw(view, &g->fb, m, &st);
    const char *dump = getenv("PC_RENDER_DUMP");
    if (dump && *dump && r == 0 && w >= 16 && h >= 16) {
        static int seq;
        char path[512];
        snprintf(path, sizeof path, "%s/ob%03d-%s-%dx%d@%g-t%g.png", dump, seq++, view, w, h, (double)scale, at);
        pc_png_write(path, &g->fb, NULL);
    }
    return r;
}

/* ---- a synthetic orderbook run ---- */

static const char HEADER[] =
    "{\"format\":\"perfcast\",\"suite\":\"orderbook\",\"run_id\":\"20261125-190000-orderbook-r1\","
    "\"started\":\"2026-11-25T19:00:00Z\",\"params\":{\"orders\":5000000,\"duration\":2,\"seed\":42,\"fps\":30,"
    "\"levels\":20,\"rate\":1000000,\"capacity\":65536},"
    "\"series\":[{\"name\":\"match\",\"label\":\"matching latency\",\"unit\":\"ns\"},"
    "{\"name\":\"e2e\",\"label\":\"generated \xe2\x86\x92 matched\",\"unit\":\"ns\"},"
    "{\"name\":\"orders\",\"label\":\"orders\",\"unit\":\"orders/s\"},"
    "{\"name\":\"trades\",\"label\":\"trades\",\"unit\":\"trades/s\"}],"
    "\"system\":{\"cpu\":{\"model\":\"Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz\",\"logical_cores\":2},"
    "\"platform\":{\"hostname\":\"bench-01\"}},"
    "\"views\":[\"orderbook-depth\",\"latency-animation\",\"throughput-timeline\",\"comparison\",\"summary\"]}";

#define TICK 0.01
#define FPS 30
#define RUN_S 3.0

/* The synthetic book: a mid random-walking in ticks, 20 levels a side with gaps of one or
 * two ticks and heavy-tailed sizes growing with depth, a few trades per snapshot at the
 * touch (market orders sweeping a level now and then). */
typedef struct book_sim {
    uint64_t seed;  /* the book */
    uint64_t tseed; /* the trades, so shipping them or not leaves the book the same */
    long mid2; /* twice the mid in ticks (the mid may sit half-way between ticks) */
    long last;
} book_sim_t;

/* Emits the next snapshot at time t; its trades are generated either way (the last price
 * follows them) but only shipped when ship_trades is set. */
static int feed_book(pc_model_t *m, book_sim_t *b, double t, int ship_trades) {
    static char json[1 << 14];
    double r = pc_test_rnd(&b->seed);
    b->mid2 += r < 0.3 ? -1 : r > 0.7 ? 1 : 0;
    long spread = 1 + (pc_test_rnd(&b->seed) < 0.35 ? 1 : 0) + (pc_test_rnd(&b->seed) < 0.1 ? 1 : 0);
    if ((b->mid2 + spread) % 2) spread++; /* best bid and ask on whole ticks */
    long bb = (b->mid2 - spread) / 2, ba = (b->mid2 + spread) / 2;
    int len = snprintf(json, sizeof json, "{\"t\":%.4f,\"mid\":%.3f,\"spread\":%.2f,", t, (bb + ba) * TICK / 2,
                       (ba - bb) * TICK);
    int n_trades = (int)(pc_test_rnd(&b->tseed) * 7);
    long last = b->last;
    char trades[2048] = "";
    int tl = 0;
    for (int i = 0; i < n_trades; i++) {
        int buy = pc_test_rnd(&b->tseed) < 0.5;
        long px = buy ? ba + (pc_test_rnd(&b->tseed) < 0.15 ? 1 : 0) : bb - (pc_test_rnd(&b->tseed) < 0.15 ? 1 : 0);
        double size = 1 + floor(150 * pc_test_rnd(&b->tseed) * pc_test_rnd(&b->tseed) / (0.05 + pc_test_rnd(&b->tseed)));
        if (size > 2000) size = 2000;
        tl += snprintf(trades + tl, sizeof trades - tl, "%s[%.2f,%.0f,%d]", i ? "," : "", px * TICK, size, buy ? 1 : -1);
        last = px;
    }
    b->last = last;
    len += snprintf(json + len, sizeof json - len, "\"last_price\":%.2f,", last * TICK);
    for (int side = 0; side < 2; side++) {
        len += snprintf(json + len, sizeof json - len, "\"%s\":[", side ? "asks" : "bids");
        long px = side ? ba : bb;
        for (int k = 0; k < 20; k++) {
            double size = floor((40 + 12 * k) * (0.4 + pc_test_rnd(&b->seed)) * (pc_test_rnd(&b->seed) < 0.08 ? 4 : 1));
            len += snprintf(json + len, sizeof json - len, "%s[%.2f,%.0f]", k ? "," : "", px * TICK, size);
            long step = 1 + (pc_test_rnd(&b->seed) < 0.3 ? 1 : 0);
            px += side ? step : -step;
        }
        len += snprintf(json + len, sizeof json - len, "],");
    }
    snprintf(json + len, sizeof json - len, "\"trades\":[%s]}", ship_trades ? trades : "");
    return pc_test_feed_json(m, PC_REC_BOOK, json);
}

/* Builds the run up to `stage`: 0 header only; 1 mid-run (the saturated phase done, the paced
 * phase half way); 2 everything with the summary and the end record. The saturated phase
 * (0..1 s) measures matching latency at ~6 M orders/s, the paced phase (1..3 s) end-to-end
 * latency at 1 M orders/s; book snapshots at 30 fps throughout. */
static pc_model_t *orderbook_model(int stage) {
    pc_model_t *m = pc_model_create();
    if (!m) return NULL;
    if (pc_test_feed_json(m, PC_REC_HEADER, HEADER)) goto fail;
    if (stage < 1) return m;
    uint64_t seed = 7;
    book_sim_t book = {.seed = 99, .tseed = 98, .mid2 = 2 * 10000, .last = 10000};
    char json[256];
    double stop = stage == 1 ? 1.9 : RUN_S;
    int frame = 1;
    for (int w = 1; w <= (int)(RUN_S * 10 + 0.5); w++) {
        double t = w * 0.1;
        if (t > stop + 1e-9) break;
        int saturated = t <= 1.0 + 1e-9;
        if (saturated) {
            if (pc_test_feed_hist(m, "match", t, &seed, 4000, 140, 0.25, 40)) goto fail;
        } else {
            if (pc_test_feed_hist(m, "e2e", t, &seed, 3000, 900, 0.3, 60)) goto fail;
        }
        double orders = (saturated ? 6.1e6 : 1.0e6) * (1 + 0.08 * (pc_test_rnd(&seed) - 0.5)) * (w == 4 ? 0.7 : 1);
        double trades = orders * (0.38 + 0.06 * pc_test_rnd(&seed));
        snprintf(json, sizeof json, "{\"t\":%.3f,\"dt\":0.1,\"series\":\"orders\",\"count\":%.0f}", t, orders * 0.1);
        if (pc_test_feed_json(m, PC_REC_WINDOW, json)) goto fail;
        snprintf(json, sizeof json, "{\"t\":%.3f,\"dt\":0.1,\"series\":\"trades\",\"count\":%.0f}", t, trades * 0.1);
        if (pc_test_feed_json(m, PC_REC_WINDOW, json)) goto fail;
        for (; frame <= (int)(t * FPS + 0.5); frame++)
            if (feed_book(m, &book, (double)frame / FPS, 1)) goto fail;
        if (w == 10 && pc_test_feed_json(m, PC_REC_EVENT, "{\"t\":1.0,\"text\":\"paced phase\"}")) goto fail;
        snprintf(json, sizeof json, "{\"t\":%.3f,\"fraction\":%.3f,\"phase\":\"%s\"}", t, t / RUN_S,
                 saturated ? "saturated" : "paced");
        if (pc_test_feed_json(m, PC_REC_PROGRESS, json)) goto fail;
    }
    if (stage < 2) return m;
    const pc_series_t *mt = pc_model_series(m, "match"), *e2e = pc_model_series(m, "e2e");
    if (!mt || !e2e || !mt->has_hist || !e2e->has_hist) goto fail;
    snprintf(json, sizeof json,
             "{\"orders_per_s\":6080000,\"trades_per_s\":2490000,\"match_p50_ns\":%llu,\"match_p99_ns\":%llu,"
             "\"e2e_p50_ns\":%llu,\"e2e_p99_ns\":%llu,\"frames\":%d}",
             (unsigned long long)pc_hist_quantile(mt->hist, 0.5), (unsigned long long)pc_hist_quantile(mt->hist, 0.99),
             (unsigned long long)pc_hist_quantile(e2e->hist, 0.5), (unsigned long long)pc_hist_quantile(e2e->hist, 0.99),
             frame - 1);
    if (pc_test_feed_json(m, PC_REC_SUMMARY, json)) goto fail;
    if (pc_test_feed_json(m, PC_REC_END, "{\"t\":3.0,\"status\":\"ok\"}")) goto fail;
    return m;
fail:
    pc_model_destroy(m);
    return NULL;
}

/* ---- golden images ---- */

/* ---- tests ---- */

static void views_orderbook_should_be_registered_for_the_suite(void) {
    for (int i = 0; i < N_VIEWS; i++) {
        const pc_view_def_t *v = pc_view_find_for(VIEWS[i], "orderbook");
        PC_CHECK(v != NULL && v->draw != NULL);
        if (strcmp(VIEWS[i], "latency-animation") == 0)
            PC_CHECK(v->suite == NULL); /* any run with hist series can show it */
        else
            PC_CHECK_EQ_STR(v->suite, "orderbook");
        int animated = i < 3;
        PC_CHECK_EQ_U64(v->animated, animated);
    }
    /* the same names still mean the ringbuf views for ringbuf runs and for name-only lookups */
    PC_CHECK_EQ_STR(pc_view_find_for("summary", "ringbuf")->suite, "ringbuf");
    PC_CHECK_EQ_STR(pc_view_find("comparison")->suite, "ringbuf");
    PC_CHECK(pc_view_find_for("latency-animation", "ringbuf") != NULL);
    PC_CHECK(pc_view_find_for("orderbook-depth", "orderbook") != pc_view_find_for("summary", "orderbook"));
}

static void views_orderbook_should_draw_waiting_state_for_empty_models(void) {
    pc_model_t *empty = pc_model_create();
    pc_model_t *header_only = orderbook_model(0);
    PC_CHECK(empty && header_only);
    const pc_model_t *models[3] = {NULL, empty, header_only};
    for (int i = 0; i < N_VIEWS; i++)
        for (int k = 0; k < 3; k++) {
            pc_test_guarded_t g;
            PC_CHECK(render_at(&g, VIEWS[i], models[k], 640, 360, 1, -1) == 0);
            PC_CHECK_EQ_U64(pc_test_guarded_damage(&g), 0);
            /* a message in the middle, nothing at the bottom */
            PC_CHECK(pc_test_count_not(&g.fb, 100, 150, 540, 250, BG) > 50);
            if (k < 2) PC_CHECK_EQ_U64(pc_test_px_at(&g.fb, 320, 340), BG);
            free(g.mem);
        }
    pc_model_destroy(empty);
    pc_model_destroy(header_only);
}

/* Mean x of the pixels of exactly `color` in a rectangle, and how many there are. */
static double mean_x(const pc_fb_t *fb, int x0, int y0, int x1, int y1, uint32_t color, int *count) {
    double sx = 0;
    int n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            if (pc_test_px_at(fb, x, y) == color) {
                sx += x;
                n++;
            }
    *count = n;
    return n ? sx / n : NAN;
}

static void depth_should_draw_bids_left_and_asks_right(void) {
    pc_model_t *m = orderbook_model(2);
    PC_CHECK(m != NULL);
    const double at[] = {-1, 0.5, 1.5, 2.9};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        pc_test_guarded_t g;
        PC_CHECK(render_at(&g, "orderbook-depth", m, 960, 540, 1, at[i]) == 0);
        PC_CHECK_EQ_U64(pc_test_guarded_damage(&g), 0);
        /* the depth chart is the left ~70%: bid outlines (green) left of the asks (red) */
        int ng, nr;
        double gx = mean_x(&g.fb, 0, 60, 620, 500, GREEN, &ng), rx = mean_x(&g.fb, 0, 60, 620, 500, RED, &nr);
        PC_CHECK(ng > 200);
        PC_CHECK(nr > 200);
        PC_CHECK(gx < rx - 100);
        /* the ladder on the right has both sides' prices */
        int lg = 0, lr = 0;
        for (int y = 60; y < 540; y++)
            for (int x = 700; x < 960; x++) {
                uint32_t p = pc_test_px_at(&g.fb, x, y);
                lg += PC_G(p) > PC_R(p) + 80; /* greenish, antialiased text included */
                lr += PC_R(p) > PC_G(p) + 80;
            }
        PC_CHECK(lg > 300);
        PC_CHECK(lr > 300);
        free(g.mem);
    }
    pc_model_destroy(m);
}

static void depth_should_move_over_time_on_stable_axes(void) {
    pc_model_t *m = orderbook_model(2);
    PC_CHECK(m != NULL);
    pc_test_guarded_t a, b, c;
    PC_CHECK(render_at(&a, "orderbook-depth", m, 960, 540, 1, 1.5) == 0);
    PC_CHECK(render_at(&b, "orderbook-depth", m, 960, 540, 1, 1.5 + 1.0 / FPS) == 0);
    PC_CHECK(render_at(&c, "orderbook-depth", m, 960, 540, 1, 2.5) == 0);
    /* consecutive frames differ, the run's later state differs more */
    long ab = diff_px(&a.fb, &b.fb, 0, 46, 960, 540), ac = diff_px(&a.fb, &c.fb, 0, 46, 960, 540);
    PC_CHECK(ab > 200);
    PC_CHECK(ac > ab);
    /* the cumulative-size axis (labels left of the chart) is the same in every frame */
    PC_CHECK_EQ_U64(diff_px(&a.fb, &c.fb, 0, 90, 36, 470), 0);
    /* drawing is a pure function: the same frame twice gives the same pixels */
    pc_test_guarded_t a2;
    PC_CHECK(render_at(&a2, "orderbook-depth", m, 960, 540, 1, 1.5) == 0);
    PC_CHECK_EQ_U64(diff_px(&a.fb, &a2.fb, 0, 0, 960, 540), 0);
    free(a.mem);
    free(b.mem);
    free(c.mem);
    free(a2.mem);
    pc_model_destroy(m);
}

/* Two runs whose books are the same, one with trades in every snapshot and one without. */
static void depth_should_flash_recent_trades_only(void) {
    pc_model_t *with = pc_model_create(), *without = pc_model_create();
    PC_CHECK(with && without);
    PC_CHECK(pc_test_feed_json(with, PC_REC_HEADER, HEADER) == 0);
    PC_CHECK(pc_test_feed_json(without, PC_REC_HEADER, HEADER) == 0);
    book_sim_t bw = {.seed = 5, .tseed = 6, .mid2 = 20000, .last = 10000}, bo = bw;
    for (int f = 1; f <= 60; f++) {
        /* trades shipped only in the first second, and only in `with` */
        PC_CHECK(feed_book(with, &bw, (double)f / FPS, f <= 30) == 0);
        PC_CHECK(feed_book(without, &bo, (double)f / FPS, 0) == 0);
    }
    pc_test_guarded_t a, b;
    PC_CHECK(render_at(&a, "orderbook-depth", with, 960, 540, 1, 0.9) == 0);
    PC_CHECK(render_at(&b, "orderbook-depth", without, 960, 540, 1, 0.9) == 0);
    long during = diff_px(&a.fb, &b.fb, 0, 60, 660, 500);
    free(a.mem);
    free(b.mem);
    PC_CHECK(render_at(&a, "orderbook-depth", with, 960, 540, 1, 1.9) == 0);
    PC_CHECK(render_at(&b, "orderbook-depth", without, 960, 540, 1, 1.9) == 0);
    long after = diff_px(&a.fb, &b.fb, 0, 60, 660, 500);
    free(a.mem);
    free(b.mem);
    PC_CHECK(during > 100);
    PC_CHECK_EQ_U64(after, 0);
    pc_model_destroy(with);
    pc_model_destroy(without);
}

static void latency_animation_should_build_up_to_the_final_histogram(void) {
    pc_model_t *m = orderbook_model(2);
    PC_CHECK(m != NULL);
    pc_test_guarded_t early, mid, end, all;
    PC_CHECK(render_at(&early, "latency-animation", m, 960, 540, 1, 0.35) == 0);
    PC_CHECK(render_at(&mid, "latency-animation", m, 960, 540, 1, 1.5) == 0);
    PC_CHECK(render_at(&end, "latency-animation", m, 960, 540, 1, pc_model_duration(m)) == 0);
    PC_CHECK(render_at(&all, "latency-animation", m, 960, 540, 1, -1) == 0);
    /* at the run's end the picture is the final histogram */
    PC_CHECK_EQ_U64(diff_px(&end.fb, &all.fb, 0, 0, 960, 540), 0);
    /* the axes never move: the x labels under the chart are the same early on */
    PC_CHECK_EQ_U64(diff_px(&early.fb, &all.fb, 60, 490, 900, 505), 0);
    /* more of the matching histogram's green has filled in by the middle than early on */
    int g_early = 0, g_mid = 0;
    for (int y = 60; y < 480; y++)
        for (int x = 0; x < 960; x++) {
            g_early += pc_test_px_at(&early.fb, x, y) == GREEN;
            g_mid += pc_test_px_at(&mid.fb, x, y) == GREEN;
        }
    PC_CHECK(g_early > 50);
    PC_CHECK(g_mid > g_early);
    PC_CHECK(diff_px(&early.fb, &mid.fb, 0, 46, 960, 540) > 500);
    free(early.mem);
    free(mid.mem);
    free(end.mem);
    free(all.mem);
    pc_model_destroy(m);
}

static void throughput_should_fill_in_on_fixed_axes(void) {
    pc_model_t *m = orderbook_model(2);
    PC_CHECK(m != NULL);
    pc_test_guarded_t a, b;
    PC_CHECK(render_at(&a, "throughput-timeline", m, 960, 540, 1, 0.75) == 0);
    PC_CHECK(render_at(&b, "throughput-timeline", m, 960, 540, 1, -1) == 0);
    /* same axes: the time labels under the chart are identical */
    PC_CHECK_EQ_U64(diff_px(&a.fb, &b.fb, 60, 490, 880, 505), 0);
    /* fewer curve pixels early on: nothing drawn right of the cursor */
    int ca = pc_test_count_not(&a.fb, 400, 60, 860, 480, BG), cb = pc_test_count_not(&b.fb, 400, 60, 860, 480, BG);
    PC_CHECK(cb > ca + 300);
    free(a.mem);
    free(b.mem);
    pc_model_destroy(m);
}

static void views_orderbook_should_survive_odd_models_and_sizes(void) {
    pc_model_t *mid = orderbook_model(1);
    PC_CHECK(mid != NULL);
    /* an odd run: an empty book, one-sided books, zero and negative prices, unsorted levels,
     * more trades than a frame keeps, a hist of zeros, zero windows, garbage in the summary */
    pc_model_t *odd = orderbook_model(0);
    PC_CHECK(odd != NULL);
    PC_CHECK(pc_test_feed_json(odd, PC_REC_BOOK, "{\"t\":0.1,\"mid\":0,\"spread\":0,\"last_price\":0,\"bids\":[],\"asks\":[]}") == 0);
    PC_CHECK(pc_test_feed_json(odd, PC_REC_BOOK, "{\"t\":0.2,\"mid\":0,\"spread\":0,\"last_price\":0,\"bids\":[[5,1]],\"asks\":[]}") == 0);
    PC_CHECK(pc_test_feed_json(odd, PC_REC_BOOK,
                       "{\"t\":0.3,\"mid\":-3,\"spread\":-1,\"last_price\":-2,\"bids\":[[4,1],[6,2],[-1,3],[0,0]],"
                       "\"asks\":[[7,-5],[6.5,1e300],[8,1]],\"trades\":[[0,1,1],[-5,2,-1],[1e300,1,1]]}") == 0);
    static char big[8192];
    int len = snprintf(big, sizeof big, "{\"t\":0.3,\"mid\":5.5,\"spread\":1,\"last_price\":5,\"bids\":[[5,1]],"
                                        "\"asks\":[[6,1]],\"trades\":[");
    for (int i = 0; i < 100; i++) len += snprintf(big + len, sizeof big - len, "%s[%d,%d,%d]", i ? "," : "", 5 + i % 2, i, i % 2 ? 1 : -1);
    snprintf(big + len, sizeof big - len, "]}");
    PC_CHECK(pc_test_feed_json(odd, PC_REC_BOOK, big) == 0);
    PC_CHECK(pc_test_feed_json(odd, PC_REC_BOOK, "{\"t\":0.25,\"mid\":1e12,\"spread\":0,\"last_price\":1e12,\"bids\":[[1e12,1]],\"asks\":[]}") == 0);
    PC_CHECK(pc_test_feed_json(odd, PC_REC_HIST, "{\"t\":1,\"series\":\"match\",\"b\":[0,5],\"min\":0,\"max\":0,\"sum\":0}") == 0);
    PC_CHECK(pc_test_feed_json(odd, PC_REC_WINDOW, "{\"t\":1,\"dt\":0.5,\"series\":\"orders\",\"count\":0}") == 0);
    PC_CHECK(pc_test_feed_json(odd, PC_REC_WINDOW, "{\"t\":0.5,\"dt\":0.5,\"series\":\"trades\",\"count\":1e300}") == 0);
    PC_CHECK(pc_test_feed_json(odd, PC_REC_SUMMARY, "{\"orders_per_s\":\"fast\",\"match_p50_ns\":-1,\"frames\":-3}") == 0);
    PC_CHECK(pc_test_feed_json(odd, PC_REC_END, "{\"t\":2,\"status\":\"error\",\"message\":\"matching thread failed\"}") == 0);
    const pc_model_t *models[2] = {mid, odd};
    const int sizes[][2] = {{1, 1}, {17, 9}, {120, 80}, {300, 900}, {1600, 200}, {960, 540}};
    const float scales[] = {1, 2, 0, NAN, 16, 0.25f};
    const double cursors[] = {-1, 0, 0.05, 0.26, 1.0, 2.95, 1e300, NAN, -INFINITY, INFINITY};
    for (int i = 0; i < N_VIEWS; i++)
        for (int k = 0; k < 2; k++)
            for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
                for (size_t c = 0; c < sizeof scales / sizeof scales[0]; c++) {
                    pc_test_guarded_t g;
                    double at = cursors[(s + c) % (sizeof cursors / sizeof cursors[0])];
                    PC_CHECK(render_at(&g, VIEWS[i], models[k], sizes[s][0], sizes[s][1], scales[c], at) == 0);
                    PC_CHECK_EQ_U64(pc_test_guarded_damage(&g), 0);
                    free(g.mem);
                }
    /* every cursor on the normal size */
    for (int i = 0; i < N_VIEWS; i++)
        for (int k = 0; k < 2; k++)
            for (size_t a = 0; a < sizeof cursors / sizeof cursors[0]; a++) {
                pc_test_guarded_t g;
                PC_CHECK(render_at(&g, VIEWS[i], models[k], 640, 360, 1, cursors[a]) == 0);
                PC_CHECK_EQ_U64(pc_test_guarded_damage(&g), 0);
                free(g.mem);
            }
    /* no font: still draws, without text */
    for (int i = 0; i < N_VIEWS; i++) {
        pc_test_guarded_t g;
        PC_CHECK(pc_test_guarded_make(&g, 400, 300) == 0);
        pc_view_state_t st = {.t_cursor = 1.2, .scale = 1, .font = NULL};
        PC_CHECK(pc_view_draw(VIEWS[i], &g.fb, mid, &st) == 0);
        PC_CHECK_EQ_U64(pc_test_guarded_damage(&g), 0);
        PC_CHECK(pc_test_count_not(&g.fb, 0, 60, 400, 300, BG) > 100);
        free(g.mem);
    }
    /* an unusable framebuffer is refused, not drawn into */
    pc_fb_t none = {NULL, 100, 100, 100};
    pc_view_state_t st = {.t_cursor = -1, .scale = 1, .font = font};
    for (int i = 0; i < N_VIEWS; i++) PC_CHECK(pc_view_draw(VIEWS[i], &none, mid, &st) == PC_EINVAL);
    pc_model_destroy(mid);
    pc_model_destroy(odd);
}

static void latency_animation_should_work_for_any_suite(void) {
    /* a ringbuf-like run: two hist series with other names */
    pc_model_t *m = pc_model_create();
    PC_CHECK(m != NULL);
    PC_CHECK(pc_test_feed_json(m, PC_REC_HEADER,
                       "{\"format\":\"perfcast\",\"suite\":\"ringbuf\",\"run_id\":\"r\",\"params\":{},"
                       "\"series\":[{\"name\":\"spsc\"},{\"name\":\"mutex\"}]}") == 0);
    uint64_t seed = 3;
    for (int d = 0; d < 4; d++) {
        PC_CHECK(pc_test_feed_hist(m, "spsc", 0.2 * (d + 1), &seed, 5000, 180, 0.2, 100) == 0);
        PC_CHECK(pc_test_feed_hist(m, "mutex", 1 + 0.2 * (d + 1), &seed, 5000, 7000, 0.3, 100) == 0);
    }
    pc_test_guarded_t a, b;
    PC_CHECK(render_at(&a, "latency-animation", m, 800, 450, 1, 0.5) == 0);
    PC_CHECK(render_at(&b, "latency-animation", m, 800, 450, 1, -1) == 0);
    int orange_a = 0, orange_b = 0;
    for (int y = 95; y < 400; y++) /* below the legend */
        for (int x = 0; x < 800; x++) {
            orange_a += pc_test_px_at(&a.fb, x, y) == PC_HEX(0xff9f43);
            orange_b += pc_test_px_at(&b.fb, x, y) == PC_HEX(0xff9f43);
        }
    /* the mutex phase has not started at 0.5 s: only its faint outline, no orange curve */
    PC_CHECK(orange_a < 30);
    PC_CHECK(orange_b > 200);
    free(a.mem);
    free(b.mem);
    pc_model_destroy(m);
}

static void views_orderbook_should_match_golden_images(void) {
    pc_model_t *m = orderbook_model(2), *mid = orderbook_model(1);
    PC_CHECK(m && mid);
    static const struct {
        const char *golden, *view;
        int running;
        double at;
        int w, h;
        float scale;
    } G[] = {
        {"orderbook-depth", "orderbook-depth", 0, 2.0, 960, 540, 1},
        {"orderbook-depth-end", "orderbook-depth", 0, -1, 960, 540, 1},
        {"orderbook-depth@2x", "orderbook-depth", 0, 1.25, 1280, 720, 2},
        {"latency-animation", "latency-animation", 0, 1.6, 960, 540, 1},
        {"latency-animation-end", "latency-animation", 0, -1, 960, 540, 1},
        {"orderbook-throughput-timeline", "throughput-timeline", 0, -1, 960, 540, 1},
        {"orderbook-throughput-timeline-t1", "throughput-timeline", 0, 1.25, 960, 540, 1},
        {"orderbook-comparison", "comparison", 0, -1, 960, 540, 1},
        {"orderbook-summary", "summary", 0, -1, 960, 540, 1},
        {"orderbook-summary-running", "summary", 1, -1, 960, 540, 1},
    };
    int bad = 0; /* every golden is compared (and the models freed) before the verdict */
    for (size_t i = 0; i < sizeof G / sizeof G[0]; i++) {
        pc_test_guarded_t g;
        if (render_at(&g, G[i].view, G[i].running ? mid : m, G[i].w, G[i].h, G[i].scale, G[i].at) != 0 ||
            pc_test_compare_golden(G[i].golden, &g.fb) != 0)
            bad++;
        free(g.mem);
    }
    pc_model_destroy(m);
    pc_model_destroy(mid);
    PC_CHECK_EQ_U64(bad, 0);
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    font = pc_font_create();
    PC_RUN(views_orderbook_should_be_registered_for_the_suite);
    PC_RUN(views_orderbook_should_draw_waiting_state_for_empty_models);
    PC_RUN(depth_should_draw_bids_left_and_asks_right);
    PC_RUN(depth_should_move_over_time_on_stable_axes);
    PC_RUN(depth_should_flash_recent_trades_only);
    PC_RUN(latency_animation_should_build_up_to_the_final_histogram);
    PC_RUN(latency_animation_should_work_for_any_suite);
    PC_RUN(throughput_should_fill_in_on_fixed_axes);
    PC_RUN(views_orderbook_should_survive_odd_models_and_sizes);
    PC_RUN(views_orderbook_should_match_golden_images);
    pc_font_destroy(font);
    return pc_test_done();
}
