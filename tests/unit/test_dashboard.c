/* The dashboard view: it draws a real fractal run and a crafted tracker model at every layout
 * without touching memory outside the frame (and matches its golden image); its suggestion
 * rules state the numbers of crafted data and say nothing without it; the anomaly rule; the
 * alert text; and pointer input (wheel zoom around the pointer, drag pan, double-click reset,
 * click to select) through the same layout the draw function uses. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "font.h"
#include "hist.h"
#include "model.h"
#include "pc_test.h"
#include "pc_test_draw.h"
#include "pc_test_run.h"
#include "record.h"
#include "views.h"
#include "views/dash_rules.h"
#include "views/dashboard.h"

static pc_font_t *font;

/* ---- crafted models ---- */

static const char *HEADER =
    "{\"suite\":\"tracker\",\"run_id\":\"crafted\",\"params\":{\"threads\":1,\"tile\":32,\"simd\":\"\"},"
    "\"system\":{\"cpu\":{\"logical_cores\":2,\"model\":\"Test CPU\"},\"gpu\":null,"
    "\"gpu_reason\":\"no NVIDIA GPU detected (test)\"}}";

/* One hist record of `calls` values of `ns` each for series `name`. */
static int feed_timer(pc_model_t *m, const char *name, double t, unsigned calls, uint64_t ns) {
    char json[256];
    snprintf(json, sizeof json, "{\"t\":%.3f,\"series\":\"%s\",\"b\":[%u,%u],\"min\":%llu,\"max\":%llu,\"sum\":%.1f}", t,
             name, pc_hist_index(ns), calls, (unsigned long long)ns, (unsigned long long)ns, (double)calls * (double)ns);
    return pc_test_feed_json(m, PC_REC_HIST, json);
}

/* A tracker-like run: 40 frames of render_ms (about 10, one spike at frame 20, rising to 13 at
 * the end), fps, iterations (constant), resource samples on 2 cores, timers frame > iterate,
 * the call tree, a baseline after frame 4 and, when `alert`, render_ms entering regression at
 * t = 3.0 s (and never recovering). */
static pc_model_t *crafted(int alert) {
    pc_model_t *m = pc_model_create();
    if (!m || pc_test_feed_json(m, PC_REC_HEADER, HEADER)) return m;
    char json[512];
    for (int i = 0; i < 40; i++) {
        double t = 0.1 * (i + 1);
        double ms = 10 + 0.25 * ((i * 7) % 5) + (i >= 30 ? 3 : 0) + (i == 20 ? 25 : 0);
        snprintf(json, sizeof json,
                 "{\"t\":%.3f,\"values\":{\"render_ms\":%.3f,\"fps\":%.3f,\"iterations\":2000000,\"memory_mb\":%.1f}}", t,
                 ms, 1000 / ms, 40 + 0.1 * i);
        pc_test_feed_json(m, PC_REC_METRIC, json);
        snprintf(json, sizeof json,
                 "{\"t\":%.3f,\"values\":{\"cpu_percent\":%.1f,\"core0_percent\":%.1f,\"core1_percent\":%.1f,"
                 "\"rss_mb\":%.1f,\"io_read_mb_s\":0.5,\"io_write_mb_s\":1.25,\"iowait_percent\":0.4}}",
                 t + 0.05, 95.0 + (i % 3), 97.0 - (i % 4), 12.0 + (i % 5), 41 + 0.1 * i);
        pc_test_feed_json(m, PC_REC_METRIC, json);
        if (i == 4)
            pc_test_feed_json(m, PC_REC_BASELINE,
                              "{\"t\":0.5,\"threshold\":0.2,\"values\":{\"render_ms\":10.0,\"fps\":100.0,"
                              "\"memory_mb\":40.0},\"lower_is_better\":{\"render_ms\":true,\"fps\":false,\"memory_mb\":true}}");
        if (i % 10 == 9) {
            feed_timer(m, "timer:frame", t, 10, 10000000);
            feed_timer(m, "timer:iterate", t, 10, 9300000);
            feed_timer(m, "timer:colour", t, 10, 500000);
        }
    }
    pc_test_feed_json(m, 11, /* PC_REC_CALLS */
                      "{\"t\":4.0,\"edges\":[{\"parent\":\"\",\"child\":\"frame\",\"calls\":40,\"total_ns\":400000000},"
                      "{\"parent\":\"frame\",\"child\":\"iterate\",\"calls\":40,\"total_ns\":372000000},"
                      "{\"parent\":\"frame\",\"child\":\"colour\",\"calls\":40,\"total_ns\":20000000},"
                      "{\"parent\":\"\",\"child\":\"tile\",\"calls\":800,\"total_ns\":700000000}]}");
    if (alert)
        pc_test_feed_json(m, PC_REC_ALERT,
                          "{\"t\":3.0,\"metric\":\"render_ms\",\"baseline\":10.0,\"current\":13.5,\"change\":0.35,"
                          "\"threshold\":0.2,\"lower_is_better\":true,\"active\":true}");
    pc_test_feed_json(m, PC_REC_END, "{\"t\":4.1,\"status\":\"ok\"}");
    return m;
}

/* The tip of `kind` among n, or NULL. */
static const pc_dash_tip_t *find_tip(const pc_dash_tip_t *tips, int n, int kind) {
    for (int i = 0; i < n; i++)
        if (tips[i].kind == kind) return &tips[i];
    return NULL;
}

/* Whether `text` contains `part` (printing both when not, to see the sentence). */
static int says(const pc_dash_tip_t *t, const char *part) {
    if (t && strstr(t->text, part)) return 1;
    fprintf(stderr, "  expected \"%s\" in \"%s\"\n", part, t ? t->text : "(no tip)");
    return 0;
}

/* ---- drawing ---- */

static pc_view_state_t state(double t, float scale) {
    pc_view_state_t st = {.t_cursor = t, .scale = scale, .font = font};
    return st;
}

/* Draws the dashboard into a guarded w x h frame: no damage, and returns the count of pixels
 * that are not the background (or -1 on a failed draw). */
static int draw_count(const pc_model_t *m, const pc_view_state_t *st, int w, int h, pc_test_guarded_t *keep) {
    pc_test_guarded_t g;
    if (pc_test_guarded_make(&g, w, h)) return -1;
    int r = pc_view_draw("dashboard", &g.fb, m, st);
    int n = r == 0 && pc_test_guarded_damage(&g) == 0 ? pc_test_count_not(&g.fb, 0, 0, w, h, pc_test_px_at(&g.fb, 0, h - 1)) : -1;
    if (keep)
        *keep = g;
    else
        free(g.mem);
    return n;
}

static void dashboard_should_draw_a_fractal_run_at_every_layout(void) {
    char status[16];
    pc_model_t *m = pc_test_run_suite("fractal", "{\"frames\": 16, \"width\": 160, \"height\": 120}", status, sizeof status);
    PC_CHECK(m != NULL);
    PC_CHECK_EQ_STR(status, "ok");
    PC_CHECK(pc_view_find_for("dashboard", "fractal") && pc_view_find_for("dashboard", "fractal")->input);
    static const struct {
        int w, h;
        float scale;
        int min_share; /* non-background pixels at least 1/min_share of the frame */
    } sizes[] = {{1280, 720, 1, 20}, {1280, 720, 2, 20}, {820, 900, 1, 20}, {420, 900, 1, 20}, {200, 120, 1, 100}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        pc_view_state_t st = state(-1, sizes[i].scale);
        int n = draw_count(m, &st, sizes[i].w, sizes[i].h, NULL);
        if (!(n > sizes[i].w * sizes[i].h / sizes[i].min_share))
            fprintf(stderr, "  %dx%d@%g: %d pixels drawn\n", sizes[i].w, sizes[i].h, sizes[i].scale, n);
        PC_CHECK(n > sizes[i].w * sizes[i].h / sizes[i].min_share); /* panels, cards, text: far more than a blank page */
    }
    /* every panel of the wide layout has something in it: its inner area is not all one colour */
    pc_test_guarded_t g;
    pc_view_state_t st = state(-1, 1);
    PC_CHECK(draw_count(m, &st, 1280, 720, &g) > 0);
    pc_dash_geom_t geo;
    PC_CHECK(pc_view_dashboard_geom(m, &st, 1280, 720, &geo) == 0);
    PC_CHECK(geo.plot.w > 200 && geo.plot.h > 80);
    PC_CHECK(geo.n_metrics >= 4); /* render_ms, fps, memory_mb, iterations (+ cpu_percent) */
    uint32_t bg = pc_test_px_at(&g.fb, geo.plot.x + 1, geo.plot.y + 1);
    PC_CHECK(pc_test_count_not(&g.fb, geo.plot.x, geo.plot.y, geo.plot.x + geo.plot.w, geo.plot.y + geo.plot.h, bg) > 200);
    int y2 = geo.plot.y + geo.plot.h + 90; /* the lower row of panels */
    PC_CHECK(pc_test_count_not(&g.fb, 40, y2, 400, 700, pc_test_px_at(&g.fb, 40, y2)) > 2000);   /* bottleneck */
    PC_CHECK(pc_test_count_not(&g.fb, 460, y2, 820, 700, pc_test_px_at(&g.fb, 460, y2)) > 2000); /* resources */
    PC_CHECK(pc_test_count_not(&g.fb, 880, y2, 1240, 700, pc_test_px_at(&g.fb, 880, y2)) > 2000); /* suggestions */
    free(g.mem);
    /* at a cursor inside the run, and with no font at all */
    st = state(pc_model_duration(m) / 2, 1);
    PC_CHECK(draw_count(m, &st, 900, 600, NULL) > 0);
    st.font = NULL;
    PC_CHECK(draw_count(m, &st, 900, 600, NULL) > 0);
    pc_model_destroy(m);
}

static void dashboard_should_wait_for_a_run_and_refuse_a_bad_frame(void) {
    pc_model_t *m = pc_model_create();
    pc_view_state_t st = state(-1, 1);
    PC_CHECK(draw_count(m, &st, 640, 400, NULL) > 0); /* "Waiting for data" */
    pc_fb_t bad = {NULL, 10, 10, 10};
    PC_CHECK(pc_view_draw("dashboard", &bad, m, &st) == PC_EINVAL);
    pc_view_input_t in = {PC_INPUT_WHEEL, 100, 100, -100};
    PC_CHECK(pc_view_input("dashboard", &st, m, 640, 400, &in) == 0); /* nothing to zoom */
    pc_model_destroy(m);
}

static void dashboard_should_match_its_golden_image(void) {
    pc_model_t *m = crafted(1);
    pc_test_guarded_t g;
    pc_view_state_t st = state(-1, 1);
    PC_CHECK(draw_count(m, &st, 1100, 640, &g) > 0);
    int r = pc_test_compare_golden("dashboard", &g.fb);
    free(g.mem);
    pc_model_destroy(m);
    PC_CHECK(r == 0);
}

static void dashboard_should_show_the_alert_banner_only_while_in_regression(void) {
    pc_model_t *m = crafted(1);
    pc_dash_geom_t g;
    pc_view_state_t st = state(-1, 1);
    PC_CHECK(pc_view_dashboard_geom(m, &st, 1100, 640, &g) == 0);
    PC_CHECK(g.banner.h > 0 && g.banner.w > 500);
    pc_test_guarded_t fb;
    PC_CHECK(draw_count(m, &st, 1100, 640, &fb) > 0);
    /* the banner is the theme's red (#ff5c7a) */
    uint32_t red = PC_RGBA(0xff, 0x5c, 0x7a, 255);
    int reds = 0;
    for (int x = g.banner.x; x < g.banner.x + g.banner.w; x++) reds += pc_test_px_at(&fb.fb, x, g.banner.y + 2) == red;
    free(fb.mem);
    PC_CHECK(reds > g.banner.w / 2);
    st.t_cursor = 2.0; /* before the alert */
    PC_CHECK(pc_view_dashboard_geom(m, &st, 1100, 640, &g) == 0);
    PC_CHECK(g.banner.h == 0);
    pc_model_destroy(m);
}

/* ---- rules ---- */

/* With a GPU the card and the resources line follow the sampler's gpu_percent (before its
 * first sample: the header's reading at the start), so frames at three times differ. */
static void dashboard_should_follow_the_live_gpu_reading(void) {
    pc_model_t *m = pc_model_create();
    PC_CHECK(m);
    PC_CHECK(pc_test_feed_json(m, PC_REC_HEADER,
                               "{\"suite\":\"tracker\",\"run_id\":\"gpu\",\"system\":{\"gpu\":{\"name\":\"Test GPU\","
                               "\"count\":1,\"utilization_percent\":5,\"source\":\"nvml\"}}}") == 0);
    PC_CHECK(pc_test_feed_json(m, PC_REC_METRIC, "{\"t\":0.2,\"values\":{\"fps\":60}}") == 0);
    PC_CHECK(pc_test_feed_json(m, PC_REC_METRIC, "{\"t\":1.0,\"values\":{\"gpu_percent\":37,\"gpu_mem_mb\":900}}") == 0);
    PC_CHECK(pc_test_feed_json(m, PC_REC_METRIC, "{\"t\":2.0,\"values\":{\"gpu_percent\":80,\"gpu_mem_mb\":950}}") == 0);
    const pc_series_t *cards[PC_DASH_MAX_METRICS];
    PC_CHECK(pc_dash_metrics(m, cards, PC_DASH_MAX_METRICS) == 1); /* fps only: gpu_* are resources */
    pc_test_guarded_t a, b, c;
    pc_view_state_t st = state(0.5, 1);
    PC_CHECK(draw_count(m, &st, 1100, 640, &a) > 0);
    st.t_cursor = 1.5;
    PC_CHECK(draw_count(m, &st, 1100, 640, &b) > 0);
    st.t_cursor = 2.5;
    PC_CHECK(draw_count(m, &st, 1100, 640, &c) > 0);
    /* compare the GPU card alone (the last card): the rest changes with the cursor anyway */
    pc_dash_geom_t g;
    PC_CHECK(pc_view_dashboard_geom(m, &st, 1100, 640, &g) == 0 && g.n_cards == 2);
    pc_rect_t r = g.card[g.n_cards - 1];
    PC_CHECK(r.w > 0 && r.h > 0);
    int ab = 0, bc = 0;
    for (int y = r.y; y < r.y + r.h; y++)
        for (int x = r.x; x < r.x + r.w; x++) {
            ab += pc_test_px_at(&a.fb, x, y) != pc_test_px_at(&b.fb, x, y);
            bc += pc_test_px_at(&b.fb, x, y) != pc_test_px_at(&c.fb, x, y);
        }
    PC_CHECK(ab > 20 && bc > 20);
    free(a.mem);
    free(b.mem);
    free(c.mem);
    pc_model_destroy(m);
}

/* Resource series (GPU included) go to the resources panel, not to metric cards. */
static void metrics_should_leave_resource_series_to_their_panel(void) {
    PC_CHECK(pc_dash_is_resource("gpu_percent") && pc_dash_is_resource("gpu_mem_mb"));
    PC_CHECK(pc_dash_is_resource("core12_percent") && pc_dash_is_resource("io_read_mb_s"));
    PC_CHECK(!pc_dash_is_resource("render_ms") && !pc_dash_is_resource("core_x_percent"));
}

static void anomalies_should_flag_a_spike_and_not_a_trend(void) {
    pc_model_t *m = crafted(0);
    const pc_series_t *s = pc_model_series(m, "render_ms");
    PC_CHECK(s && s->n_samples == 40);
    size_t idx[8];
    pc_dash_anomaly_t w = {0};
    size_t n = pc_dash_anomalies(s, s->n_samples, 0, s->n_samples, idx, 8, &w);
    PC_CHECK_EQ_U64(n, 1);
    PC_CHECK_EQ_U64(idx[0], 20);
    PC_CHECK(w.i == 20 && w.z > PC_DASH_ANOMALY_Z && w.median > 9.9 && w.median < 11);
    PC_CHECK_EQ_U64(pc_dash_anomalies(s, s->n_samples, 21, 40, NULL, 0, NULL), 0); /* a window without it */
    PC_CHECK_EQ_U64(pc_dash_anomalies(s, 6, 0, 6, NULL, 0, NULL), 0);               /* too few samples */
    /* a steady ramp (iterations growing with the zoom) has no anomalies */
    pc_model_t *r = pc_model_create();
    pc_test_feed_json(r, PC_REC_HEADER, HEADER);
    char json[128];
    for (int i = 0; i < 60; i++) {
        snprintf(json, sizeof json, "{\"t\":%d,\"values\":{\"iterations\":%d}}", i, 1000 + 150 * i);
        pc_test_feed_json(r, PC_REC_METRIC, json);
    }
    const pc_series_t *it = pc_model_series(r, "iterations");
    PC_CHECK_EQ_U64(pc_dash_anomalies(it, it->n_samples, 0, it->n_samples, NULL, 0, NULL), 0);
    pc_model_destroy(r);
    pc_model_destroy(m);
}

static void rules_should_report_regressions_with_numbers_and_recovery(void) {
    pc_model_t *m = crafted(1);
    char text[256];
    PC_CHECK(pc_dash_alerts_text(m, -1, text, sizeof text) == 1);
    PC_CHECK(strstr(text, "render_ms 35% worse than baseline (10 ms \xe2\x86\x92 13.5 ms)") != NULL);
    PC_CHECK(pc_dash_alerts_text(m, 2.9, text, sizeof text) == 0 && text[0] == '\0');
    pc_dash_tip_t tips[PC_DASH_MAX_TIPS];
    int n = pc_dash_suggest(m, -1, tips, PC_DASH_MAX_TIPS);
    PC_CHECK(n > 0 && tips[0].kind == PC_TIP_REGRESSION && tips[0].level == 2);
    PC_CHECK(says(&tips[0], "render_ms regressed: 13.5 ms now vs 10 ms at baseline, 35% worse (threshold 20%)"));
    PC_CHECK(find_tip(tips, n, PC_TIP_BASELINE_OK) == NULL);
    /* it recovers at t = 3.5: no regression after, the baseline statement instead */
    pc_test_feed_json(m, PC_REC_ALERT,
                      "{\"t\":3.5,\"metric\":\"render_ms\",\"baseline\":10.0,\"current\":10.5,\"change\":0.05,"
                      "\"threshold\":0.2,\"lower_is_better\":true,\"active\":false}");
    PC_CHECK(pc_dash_alerts_text(m, -1, NULL, 0) == 0);
    PC_CHECK(pc_dash_alerts_text(m, 3.2, NULL, 0) == 1);
    n = pc_dash_suggest(m, -1, tips, PC_DASH_MAX_TIPS);
    PC_CHECK(find_tip(tips, n, PC_TIP_REGRESSION) == NULL);
    PC_CHECK(says(find_tip(tips, n, PC_TIP_BASELINE_OK), "no metric is in regression: 3 metrics have a baseline"));
    /* before the baseline existed, neither */
    n = pc_dash_suggest(m, 0.3, tips, PC_DASH_MAX_TIPS);
    PC_CHECK(!find_tip(tips, n, PC_TIP_BASELINE_OK) && !find_tip(tips, n, PC_TIP_REGRESSION));
    pc_model_destroy(m);
}

static void rules_should_read_threads_timers_anomalies_and_complexity(void) {
    pc_model_t *m = crafted(0);
    pc_dash_tip_t tips[PC_DASH_MAX_TIPS];
    int n = pc_dash_suggest(m, -1, tips, PC_DASH_MAX_TIPS);
    /* threads=1 on 2 cores, cpu_percent 95..97: mean 95.975 */
    PC_CHECK(says(find_tip(tips, n, PC_TIP_THREADS), "threads=1 left 1 of 2 cores idle: process CPU averaged 96% of 200%"));
    PC_CHECK(says(find_tip(tips, n, PC_TIP_TIMER), "iterate is 93% of frame time (9.3 ms mean over 40 calls; 10 ms mean per frame)"));
    PC_CHECK(says(find_tip(tips, n, PC_TIP_ANOMALY), "render_ms: 1 anomalous sample of 40"));
    PC_CHECK(says(find_tip(tips, n, PC_TIP_ANOMALY), "the largest at 2.1 s: 35 ms"));
    /* render_ms first quarter ~10.5, last quarter ~13.5; iterations constant */
    PC_CHECK(says(find_tip(tips, n, PC_TIP_COMPLEXITY), "render time rose 1.3x while iterations rose 1.0x"));
    PC_CHECK(says(find_tip(tips, n, PC_TIP_COMPLEXITY), "time per iteration rose 1.3x"));
    /* no summary: no tile, SIMD or scaling statement */
    PC_CHECK(!find_tip(tips, n, PC_TIP_TILE) && !find_tip(tips, n, PC_TIP_SIMD) && !find_tip(tips, n, PC_TIP_SCALING));
    /* at t = 0.95 s the timers and the spike have not happened: no timer statement, no anomaly */
    n = pc_dash_suggest(m, 0.95, tips, PC_DASH_MAX_TIPS);
    PC_CHECK(!find_tip(tips, n, PC_TIP_TIMER) && !find_tip(tips, n, PC_TIP_ANOMALY));
    pc_model_destroy(m);
}

/* A model with only a header and a summary (and the header's params). */
static pc_model_t *with_summary(const char *params, const char *summary) {
    pc_model_t *m = pc_model_create();
    char hdr[512];
    snprintf(hdr, sizeof hdr,
             "{\"suite\":\"fractal\",\"run_id\":\"s\",\"params\":%s,\"system\":{\"cpu\":{\"logical_cores\":2}}}", params);
    pc_test_feed_json(m, PC_REC_HEADER, hdr);
    pc_test_feed_json(m, PC_REC_SUMMARY, summary);
    return m;
}

static void rules_should_read_the_fractal_summary(void) {
    pc_dash_tip_t tips[PC_DASH_MAX_TIPS];
    pc_model_t *m = with_summary("{\"threads\":2,\"tile\":32,\"simd\":\"\"}",
                                 "{\"threads\":2,\"simd\":\"avx512\",\"simd_available\":[\"scalar\",\"avx2\",\"avx512\"],"
                                 "\"speedup_simd\":21.3,\"speedup_threads\":1.9,"
                                 "\"tile_sweep\":[{\"tile\":16,\"ms\":5.6},{\"tile\":32,\"ms\":4.0},{\"tile\":64,\"ms\":3.1}]}");
    int n = pc_dash_suggest(m, -1, tips, PC_DASH_MAX_TIPS);
    PC_CHECK(says(find_tip(tips, n, PC_TIP_TILE), "tile 64 was 1.8x faster than tile 16 in this run (frame 0: 3.1 ms vs 5.6 ms)"));
    PC_CHECK(says(find_tip(tips, n, PC_TIP_TILE), "this run used tile 32 (1.29x the time of tile 64)"));
    PC_CHECK(says(find_tip(tips, n, PC_TIP_SIMD), "AVX-512 path is 21.3x scalar"));
    PC_CHECK(says(find_tip(tips, n, PC_TIP_SCALING), "2 threads ran 1.90x faster than 1 thread on frame 0: 95% parallel efficiency"));
    PC_CHECK(says(find_tip(tips, n, PC_TIP_THREADS), "threads=2 uses all 2 logical cores"));
    PC_CHECK(find_tip(tips, n, PC_TIP_ANOMALY) == NULL && find_tip(tips, n, PC_TIP_TIMER) == NULL);
    pc_model_destroy(m);

    m = with_summary("{\"threads\":1,\"simd\":\"\"}", "{\"simd\":\"scalar\",\"simd_available\":[\"scalar\"]}");
    n = pc_dash_suggest(m, -1, tips, PC_DASH_MAX_TIPS);
    PC_CHECK(says(find_tip(tips, n, PC_TIP_SIMD), "SIMD path unavailable on this CPU"));
    PC_CHECK(says(find_tip(tips, n, PC_TIP_THREADS), "threads=1 left 1 of 2 cores idle"));
    PC_CHECK(find_tip(tips, n, PC_TIP_TILE) == NULL && find_tip(tips, n, PC_TIP_SCALING) == NULL);
    pc_model_destroy(m);

    m = with_summary("{\"threads\":4,\"simd\":\"scalar\"}", "{\"simd\":\"scalar\",\"simd_available\":[\"scalar\",\"avx2\"]}");
    n = pc_dash_suggest(m, -1, tips, PC_DASH_MAX_TIPS);
    PC_CHECK(says(find_tip(tips, n, PC_TIP_SIMD), "simd=scalar was forced although this CPU runs AVX2"));
    PC_CHECK(says(find_tip(tips, n, PC_TIP_THREADS), "threads=4 on 2 logical cores: 2.0 threads per core"));
    pc_model_destroy(m);

    /* a header alone: nothing to say */
    m = pc_model_create();
    pc_test_feed_json(m, PC_REC_HEADER, "{\"suite\":\"tracker\",\"run_id\":\"empty\"}");
    PC_CHECK(pc_dash_suggest(m, -1, tips, PC_DASH_MAX_TIPS) == 0);
    pc_model_destroy(m);
}

/* ---- input ---- */

static int send(pc_view_state_t *st, const pc_model_t *m, int kind, float x, float y, float delta) {
    pc_view_input_t in = {kind, x, y, delta};
    return pc_view_input("dashboard", st, m, 1100, 640, &in);
}

static void input_should_zoom_around_the_pointer_pan_and_reset(void) {
    pc_model_t *m = crafted(1);
    pc_view_state_t st = state(-1, 1);
    pc_dash_geom_t g;
    PC_CHECK(pc_view_dashboard_geom(m, &st, 1100, 640, &g) == 0);
    PC_CHECK(g.t0 == 0 && g.t1 == pc_model_duration(m));
    pc_rect_t p = g.plot;
    float x = p.x + p.w * 0.25f, y = p.y + p.h * 0.5f;
    double t_ptr = g.t0 + (g.t1 - g.t0) * (x - p.x) / p.w;
    /* outside the plot the wheel does nothing */
    PC_CHECK(send(&st, m, PC_INPUT_WHEEL, 5, 5, -300) == 0 && st.win_t1 <= st.win_t0);
    /* wheel towards the user: a narrower window, the time under the pointer where it was */
    PC_CHECK(send(&st, m, PC_INPUT_WHEEL, x, y, -300) == 1);
    PC_CHECK(st.win_t1 > st.win_t0 && st.win_t1 - st.win_t0 < (g.t1 - g.t0) * 0.8);
    PC_CHECK(fabs(st.win_t0 + (st.win_t1 - st.win_t0) * (x - p.x) / p.w - t_ptr) < 1e-9);
    PC_CHECK(send(&st, m, PC_INPUT_WHEEL, x, y, -300) == 1); /* and again */
    double w0 = st.win_t0, w1 = st.win_t1;
    PC_CHECK(pc_view_dashboard_geom(m, &st, 1100, 640, &g) == 0 && g.t0 == w0 && g.t1 == w1);
    p = g.plot;
    /* drag 60 px to the right: the window moves 60 px worth of time earlier */
    float cx = p.x + p.w * 0.5f;
    PC_CHECK(send(&st, m, PC_INPUT_DOWN, cx, y, 0) == 0);
    PC_CHECK(send(&st, m, PC_INPUT_MOVE, cx + 60, y, 0) == 1);
    PC_CHECK(send(&st, m, PC_INPUT_UP, cx + 60, y, 0) == 0);
    double shift = 60.0 / p.w * (w1 - w0);
    PC_CHECK(fabs(st.win_t0 - (w0 - shift)) < 1e-9 && fabs(st.win_t1 - (w1 - shift)) < 1e-9);
    PC_CHECK(st.select == 0); /* a drag is no click */
    /* a move without a button held pans nothing */
    PC_CHECK(send(&st, m, PC_INPUT_MOVE, cx - 100, y, 0) == 0);
    /* the picture follows the window */
    pc_test_guarded_t a, b;
    PC_CHECK(draw_count(m, &st, 1100, 640, &a) > 0);
    /* double click on the timeline: the whole run again, and the frame it drew at first */
    PC_CHECK(send(&st, m, PC_INPUT_DBLCLICK, cx, y, 0) == 1);
    PC_CHECK(st.win_t1 <= st.win_t0);
    PC_CHECK(send(&st, m, PC_INPUT_DBLCLICK, cx, y, 0) == 0);
    PC_CHECK(draw_count(m, &st, 1100, 640, &b) > 0);
    int differ = memcmp(a.mem, b.mem, (size_t)a.mw * a.mh * 4) != 0;
    free(a.mem);
    free(b.mem);
    PC_CHECK(differ);
    /* zooming out past the whole run comes back to "whole run", not beyond it */
    PC_CHECK(send(&st, m, PC_INPUT_WHEEL, x, y, -300) == 1);
    for (int i = 0; i < 10; i++) send(&st, m, PC_INPUT_WHEEL, x, y, 500);
    PC_CHECK(st.win_t1 <= st.win_t0);
    pc_model_destroy(m);
}

static void input_should_select_a_metric_by_clicking_its_card(void) {
    pc_model_t *m = crafted(1);
    pc_view_state_t st = state(-1, 1);
    pc_dash_geom_t g;
    PC_CHECK(pc_view_dashboard_geom(m, &st, 1100, 640, &g) == 0);
    PC_CHECK(g.n_metrics == 5 && g.n_cards == 6 && g.select == 0); /* render_ms fps memory_mb cpu_percent iterations, GPU */
    pc_rect_t c = g.card[2];
    float x = c.x + c.w / 2.0f, y = c.y + c.h / 2.0f;
    PC_CHECK(send(&st, m, PC_INPUT_DOWN, x, y, 0) == 0);
    PC_CHECK(send(&st, m, PC_INPUT_UP, x + 1, y, 0) == 1);
    PC_CHECK(st.select == 2);
    PC_CHECK(pc_view_dashboard_geom(m, &st, 1100, 640, &g) == 0 && g.select == 2);
    PC_CHECK_EQ_U64(pc_view_dashboard_select_index(m, "memory_mb"), 2);
    PC_CHECK(pc_view_dashboard_select_index(m, "timer:frame") == -1); /* a timer is no card */
    PC_CHECK_EQ_STR(pc_view_dashboard_metric_name(m, 4), "iterations");
    PC_CHECK(pc_view_dashboard_metric_name(m, 5) == NULL && pc_view_dashboard_metric_name(m, -1) == NULL);
    /* pressing on one card and letting go on another is no click; nor is the GPU card one */
    pc_rect_t c0 = g.card[0], gpu = g.card[g.n_cards - 1];
    PC_CHECK(send(&st, m, PC_INPUT_DOWN, c0.x + 5, c0.y + 5, 0) == 0);
    PC_CHECK(send(&st, m, PC_INPUT_UP, c.x + 5, c.y + 5, 0) == 0 && st.select == 2);
    PC_CHECK(send(&st, m, PC_INPUT_DOWN, gpu.x + 5, gpu.y + 5, 0) == 0);
    PC_CHECK(send(&st, m, PC_INPUT_UP, gpu.x + 5, gpu.y + 5, 0) == 0 && st.select == 2);
    PC_CHECK(send(&st, m, PC_INPUT_DOWN, c0.x + 5, c0.y + 5, 0) == 0);
    PC_CHECK(send(&st, m, PC_INPUT_UP, c0.x + 5, c0.y + 5, 0) == 1 && st.select == 0);
    /* an out-of-range selection draws the first metric */
    st.select = 99;
    PC_CHECK(pc_view_dashboard_geom(m, &st, 1100, 640, &g) == 0 && g.select == 0);
    pc_model_destroy(m);
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    font = pc_font_create();
    if (!font) return 1;
    PC_RUN(dashboard_should_draw_a_fractal_run_at_every_layout);
    PC_RUN(dashboard_should_wait_for_a_run_and_refuse_a_bad_frame);
    PC_RUN(dashboard_should_match_its_golden_image);
    PC_RUN(dashboard_should_show_the_alert_banner_only_while_in_regression);
    PC_RUN(metrics_should_leave_resource_series_to_their_panel);
    PC_RUN(dashboard_should_follow_the_live_gpu_reading);
    PC_RUN(anomalies_should_flag_a_spike_and_not_a_trend);
    PC_RUN(rules_should_report_regressions_with_numbers_and_recovery);
    PC_RUN(rules_should_read_threads_timers_anomalies_and_complexity);
    PC_RUN(rules_should_read_the_fractal_summary);
    PC_RUN(input_should_zoom_around_the_pointer_pan_and_reset);
    PC_RUN(input_should_select_a_metric_by_clicking_its_card);
    int r = pc_test_done();
    pc_font_destroy(font);
    return r;
}
