/* test_render.c — the software renderer: primitives, text, math, chart helpers, the ringbuf
 * views and their golden images.
 *
 * Golden PNGs live in tests/data/golden/; a mismatch writes the actual frame next to the
 * test binary (<view>.actual.png) and fails. PC_UPDATE_GOLDEN=1 rewrites the goldens. */
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
#define RED PC_HEX(0xff0000)

static pc_font_t *font; /* one font for the whole executable, as a viewer would keep it */

/* ---- primitives (framebuffer helpers: pc_test_draw.h) ---- */

static void gfx_should_fill_rect_exactly(void) {
    uint32_t mem[8 * 6];
    pc_fb_t fb = pc_fb_make(mem, 8, 6);
    pc_gfx_clear(&fb, BG);
    pc_gfx_fill_rect(&fb, 2, 1, 3, 2, RED);
    for (int y = 0; y < 6; y++)
        for (int x = 0; x < 8; x++) {
            int in = x >= 2 && x < 5 && y >= 1 && y < 3;
            PC_CHECK_EQ_U64(pc_test_px_at(&fb, x, y), in ? RED : BG);
        }
    /* straight alpha: 128/255 red over black = round((255*128)/255) = 128 */
    pc_gfx_clear(&fb, PC_HEX(0));
    pc_gfx_fill_rect(&fb, 0, 0, 1, 1, PC_RGBA(255, 0, 0, 128));
    PC_CHECK_EQ_U64(pc_test_px_at(&fb, 0, 0), PC_RGBA(128, 0, 0, 255));
    /* output is always opaque, even when a translucent color is cleared */
    pc_gfx_clear(&fb, PC_RGBA(1, 2, 3, 0));
    PC_CHECK_EQ_U64(pc_test_px_at(&fb, 7, 5), PC_RGBA(1, 2, 3, 255));
}

static void gfx_should_draw_crisp_lines(void) {
    uint32_t mem[10 * 10];
    pc_fb_t fb = pc_fb_make(mem, 10, 10);
    pc_gfx_clear(&fb, BG);
    pc_gfx_hline(&fb, 7, 2, 4, 1, RED); /* reversed ends are fine */
    pc_gfx_vline(&fb, 1, 0, 2, 2, RED);
    for (int y = 0; y < 10; y++)
        for (int x = 0; x < 10; x++) {
            int in = (y == 4 && x >= 2 && x <= 7) || ((x == 1 || x == 2) && y <= 2);
            PC_CHECK_EQ_U64(pc_test_px_at(&fb, x, y), in ? RED : BG);
        }
    /* a 1-wide antialiased line along a pixel-centre row covers exactly that row */
    pc_gfx_clear(&fb, BG);
    pc_gfx_line(&fb, 1.5f, 5.5f, 8.5f, 5.5f, 1.0f, RED);
    for (int x = 1; x <= 8; x++) PC_CHECK_EQ_U64(pc_test_px_at(&fb, x, 5), RED);
    PC_CHECK(pc_test_count_not(&fb, 0, 0, 10, 5, BG) == 0);
    PC_CHECK(pc_test_count_not(&fb, 0, 6, 10, 10, BG) == 0);
    /* dashed: 2 on, 2 off */
    pc_gfx_clear(&fb, BG);
    pc_gfx_hline_dashed(&fb, 0, 9, 0, 1, 2, 2, RED);
    for (int x = 0; x < 10; x++) PC_CHECK_EQ_U64(pc_test_px_at(&fb, x, 0), (x % 4) < 2 ? RED : BG);
}

static void gfx_should_clip_every_primitive(void) {
    pc_test_guarded_t g;
    PC_CHECK(pc_test_guarded_make(&g, 40, 30) == 0);
    pc_fb_t *fb = &g.fb;
    pc_gfx_clear(fb, BG);
    const float big = 1e30f, nan = NAN, inf = INFINITY;
    const float coords[] = {-5, 0, 20, 39.9f, 45, -1e6f, 1e6f, big, -big, nan, inf, -inf};
    const int nc = (int)(sizeof coords / sizeof coords[0]);
    for (int a = 0; a < nc; a++)
        for (int b = 0; b < nc; b++) {
            float x = coords[a], y = coords[b];
            pc_gfx_line(fb, x, y, 20, 15, 3, RED);
            pc_gfx_line(fb, 20, 15, x, y, 0.3f, RED);
            pc_gfx_line_dashed(fb, x, y, y, x, 2, 3, 2, RED);
            pc_gfx_circle(fb, x, y, 7, RED);
            pc_gfx_circle(fb, 20, 15, x, RED);
            pc_gfx_ring(fb, x, y, 12, 2, RED);
            pc_gfx_round_rect(fb, x, y, 30, 20, 5, RED);
            pc_gfx_round_rect_stroke(fb, -10, -10, x, y, 4, 2, RED);
            pc_pointf_t tri[3] = {{x, y}, {39, 2}, {3, 28}};
            pc_gfx_fill_polygon(fb, tri, 3, PC_RGBA(0, 255, 0, 100));
            pc_pointf_t area[3] = {{-3, y}, {x, 10}, {50, 5}};
            pc_gfx_fill_area(fb, area, 3, 29, PC_RGBA(0, 0, 255, 90));
            pc_gfx_polyline(fb, area, 3, 2, RED);
            pc_text_draw(fb, font, x, y, 14, RED, PC_ALIGN_CENTER | PC_ALIGN_MIDDLE, "clip me \xc2\xb5s");
        }
    const int ic[] = {-2147483647 - 1, -100, -1, 0, 5, 39, 40, 1000, 2147483647};
    const int ni = (int)(sizeof ic / sizeof ic[0]);
    for (int a = 0; a < ni; a++)
        for (int b = 0; b < ni; b++) {
            pc_gfx_fill_rect(fb, ic[a], ic[b], ic[b], ic[a], RED);
            pc_gfx_rect(fb, ic[a], ic[b], 2147483647, 2147483647, 3, RED);
            pc_gfx_hline(fb, ic[a], ic[b], ic[a], 2, RED);
            pc_gfx_vline(fb, ic[b], ic[a], ic[b], 2, RED);
            pc_gfx_hline_dashed(fb, ic[a], ic[b], 3, 1, 3, 2, RED);
            pc_gfx_vline_dashed(fb, 3, ic[a], ic[b], 1, 3, 2, RED);
            pc_gfx_blend_px(fb, ic[a], ic[b], RED, 200);
        }
    PC_CHECK_EQ_U64(pc_test_guarded_damage(&g), 0);
    /* something was drawn inside */
    PC_CHECK(pc_test_count_not(fb, 0, 0, 40, 30, BG) > 0);
    /* a sub-framebuffer clips to its own rectangle */
    pc_gfx_clear(fb, BG);
    pc_fb_t sub = pc_fb_sub(fb, 10, 10, 5, 5);
    PC_CHECK(sub.w == 5 && sub.h == 5);
    pc_gfx_line(&sub, -100, -100, 100, 100, 9, RED);
    PC_CHECK(pc_test_count_not(fb, 0, 0, 40, 10, BG) == 0);
    PC_CHECK(pc_test_count_not(fb, 0, 15, 40, 30, BG) == 0);
    PC_CHECK(pc_test_count_not(fb, 10, 10, 15, 15, BG) > 0);
    free(g.mem);

    /* zero-sized and pixel-less framebuffers are a no-op */
    pc_fb_t empty = {NULL, 0, 0, 0};
    pc_gfx_clear(&empty, RED);
    pc_gfx_fill_rect(&empty, 0, 0, 10, 10, RED);
    pc_gfx_line(&empty, 0, 0, 10, 10, 2, RED);
    pc_gfx_circle(&empty, 1, 1, 5, RED);
    pc_text_draw(&empty, font, 0, 0, 12, RED, 0, "x");
    uint32_t one = BG;
    pc_fb_t zero = {&one, 0, 5, 0};
    pc_gfx_fill_rect(&zero, 0, 0, 10, 10, RED);
    pc_gfx_line(&zero, 0, 0, 10, 10, 2, RED);
    PC_CHECK_EQ_U64(one, BG);
    pc_fb_t out = pc_fb_sub(&zero, 0, 0, 1, 1);
    PC_CHECK(out.w == 0 && out.px == NULL);
}

static void gfx_should_fill_polygons_with_coverage(void) {
    uint32_t mem[20 * 20];
    pc_fb_t fb = pc_fb_make(mem, 20, 20);
    pc_gfx_clear(&fb, PC_HEX(0));
    pc_pointf_t sq[4] = {{5, 5}, {15, 5}, {15, 15}, {5, 15}};
    pc_gfx_fill_polygon(&fb, sq, 4, PC_HEX(0xffffff));
    /* an axis-aligned square on pixel edges is exactly its 10x10 pixels, fully covered */
    PC_CHECK_EQ_U64(pc_test_count_not(&fb, 5, 5, 15, 15, PC_HEX(0xffffff)), 0);
    PC_CHECK_EQ_U64(pc_test_count_not(&fb, 0, 0, 20, 5, PC_HEX(0)), 0);
    PC_CHECK_EQ_U64(pc_test_count_not(&fb, 15, 0, 20, 20, PC_HEX(0)), 0);
    /* half-pixel edges give half coverage */
    pc_gfx_clear(&fb, PC_HEX(0));
    pc_pointf_t area[2] = {{2, 10.5f}, {8, 10.5f}};
    pc_gfx_fill_area(&fb, area, 2, 12, PC_HEX(0xffffff));
    PC_CHECK_EQ_U64(PC_R(pc_test_px_at(&fb, 4, 10)), 128);
    PC_CHECK_EQ_U64(pc_test_px_at(&fb, 4, 11), PC_HEX(0xffffff));
    PC_CHECK_EQ_U64(pc_test_px_at(&fb, 4, 12), PC_HEX(0));
}

/* Expected coverage (0..255) of pixel (x, y) by a rounded rectangle, from its distance field. */
static unsigned rrect_ref(int x, int y, double rx, double ry, double w, double h, double r) {
    double cx = rx + w / 2, cy = ry + h / 2, hw = w / 2, hh = h / 2;
    if (r > hw) r = hw;
    if (r > hh) r = hh;
    double qx = fabs(x + 0.5 - cx) - (hw - r), qy = fabs(y + 0.5 - cy) - (hh - r);
    double mx = qx > 0 ? qx : 0, my = qy > 0 ? qy : 0, in = qx > qy ? qx : qy;
    double d = sqrt(mx * mx + my * my) + (in < 0 ? in : 0) - r;
    double c = 0.5 - d;
    return c <= 0 ? 0 : c >= 1 ? 255 : (unsigned)(c * 255 + 0.5);
}

static void gfx_should_fill_round_rects_like_their_distance_field(void) {
    /* rows are filled span-wise between the corners: check every pixel against the field */
    uint32_t mem[40 * 30];
    pc_fb_t fb = pc_fb_make(mem, 40, 30);
    const float radii[] = {0, 0.3f, 1, 4.5f, 50};
    for (size_t i = 0; i < sizeof radii / sizeof radii[0]; i++) {
        pc_gfx_clear(&fb, PC_HEX(0));
        pc_gfx_round_rect(&fb, 3.3f, 2.7f, 30.2f, 20.6f, radii[i], PC_HEX(0xffffff));
        for (int y = 0; y < 30; y++)
            for (int x = 0; x < 40; x++)
                PC_CHECK_EQ_U64(PC_R(pc_test_px_at(&fb, x, y)), rrect_ref(x, y, 3.3f, 2.7f, 30.2f, 20.6f, radii[i]));
    }
}

/* ---- text ---- */

static void font_should_measure_text(void) {
    PC_CHECK(font != NULL);
    const char *s[] = {"1", "12", "123", "1234", "1234 ns", "1234 ns \xc2\xb7 p99.9"};
    int prev = 0;
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        int w = pc_text_width(font, 13, s[i]);
        PC_CHECK(w > prev);
        prev = w;
    }
    PC_CHECK(pc_text_width(font, 26, "latency") > pc_text_width(font, 13, "latency"));
    PC_CHECK(pc_text_width(font, 13, "") == 0);
    PC_CHECK(pc_text_width(NULL, 13, "x") == 0);
    /* the symbols views need are real glyphs, not the '?' fallback */
    const char *sym[] = {"\xc2\xb5", "\xc3\x97", "\xe2\x89\xa5", "\xc2\xb7", "\xe2\x80\xa6"};
    for (size_t i = 0; i < sizeof sym / sizeof sym[0]; i++) PC_CHECK(pc_text_width(font, 20, sym[i]) > 0);
    /* unknown characters and broken UTF-8 draw as '?' */
    int q = pc_text_width(font, 20, "?");
    PC_CHECK_EQ_U64(pc_text_width(font, 20, "\xe4\xb8\xad"), q); /* CJK: not in DejaVu Sans */
    PC_CHECK_EQ_U64(pc_text_width(font, 20, "\xff"), q);
    PC_CHECK_EQ_U64(pc_text_width(font, 20, "\xc3"), q);
    /* fitting with an ellipsis */
    char out[64];
    int w = pc_text_fit(font, 13, "a rather long label that will not fit", 80, out, sizeof out);
    PC_CHECK(w > 0 && w <= 80);
    PC_CHECK(strstr(out, "\xe2\x80\xa6") != NULL);
    PC_CHECK(pc_text_fit(font, 13, "short", 200, out, sizeof out) > 0);
    PC_CHECK_EQ_STR(out, "short");
}

static void font_should_draw_antialiased_text_in_place(void) {
    uint32_t mem[120 * 40];
    pc_fb_t fb = pc_fb_make(mem, 120, 40);
    pc_gfx_clear(&fb, PC_HEX(0));
    int w = pc_text_draw(&fb, font, 10, 20, 16, PC_HEX(0xffffff), PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, "Hxg");
    PC_CHECK(w == pc_text_width(font, 16, "Hxg"));
    int partial = 0, full = 0, outside = 0;
    for (int y = 0; y < 40; y++)
        for (int x = 0; x < 120; x++) {
            uint32_t p = pc_test_px_at(&fb, x, y);
            if (p == PC_HEX(0)) continue;
            if (p == PC_HEX(0xffffff))
                full++;
            else
                partial++;
            if (x < 9 || x > 10 + w + 1) outside++;
        }
    PC_CHECK(full > 10);
    PC_CHECK(partial > 10); /* antialiased edges */
    PC_CHECK(outside == 0);
    /* the cache stops growing once the text has been drawn */
    int cached = pc_font_cached_glyphs(font);
    pc_text_draw(&fb, font, 10, 20, 16, PC_HEX(0xffffff), 0, "Hxg");
    PC_CHECK_EQ_U64(pc_font_cached_glyphs(font), cached);
}

static void font_should_draw_the_same_when_its_cache_is_full(void) {
    pc_font_t *fresh = pc_font_create(), *full = pc_font_create();
    PC_CHECK(fresh && full);
    char ascii[96];
    for (int i = 0; i < 95; i++) ascii[i] = (char)(32 + i);
    ascii[95] = '\0';
    for (int sz = 8; sz <= 60; sz++) pc_text_width(full, (float)sz, ascii); /* > cache slots */
    int n = pc_font_cached_glyphs(full);
    PC_CHECK(n > 100);
    /* glyphs the full cache has never seen come from the scratch buffer, pixel for pixel */
    static uint32_t a[300 * 120], b[300 * 120];
    pc_fb_t fa = pc_fb_make(a, 300, 120), fb = pc_fb_make(b, 300, 120);
    pc_gfx_clear(&fa, BG);
    pc_gfx_clear(&fb, BG);
    pc_text_draw(&fa, fresh, 10, 60, 72, RED, PC_ALIGN_MIDDLE, "Hg \xc2\xb5s\xe2\x80\xa6");
    pc_text_draw(&fb, full, 10, 60, 72, RED, PC_ALIGN_MIDDLE, "Hg \xc2\xb5s\xe2\x80\xa6");
    PC_CHECK(memcmp(a, b, sizeof a) == 0);
    PC_CHECK(pc_test_count_not(&fa, 0, 0, 300, 120, BG) > 500);
    PC_CHECK_EQ_U64(pc_font_cached_glyphs(full), n);
    /* the largest size still rasterizes complex glyphs (stb_truetype's arena is big enough) */
    static uint32_t big[200 * 200];
    pc_fb_t fbig = pc_fb_make(big, 200, 200);
    const char *hard[] = {"@", "&", "W", "\xc2\xb5", "\xe2\x89\xa5"};
    for (size_t i = 0; i < sizeof hard / sizeof hard[0]; i++) {
        pc_gfx_clear(&fbig, BG);
        pc_text_draw(&fbig, full, 10, 10, PC_FONT_MAX_PX, RED, PC_ALIGN_TOP, hard[i]);
        PC_CHECK(pc_test_count_not(&fbig, 0, 0, 200, 200, BG) > 1500);
    }
    pc_font_destroy(fresh);
    pc_font_destroy(full);
}

/* ---- math and formatting ---- */

static void pcmath_should_match_libm_and_be_exact_on_decades(void) {
    for (int e = -22; e <= 22; e++) {
        double p = pc_pow10(e);
        PC_CHECK(p == pow(10, e) || fabs(p / pow(10, e) - 1) < 1e-15);
        PC_CHECK(pc_log10(p) == (double)e);
    }
    PC_CHECK(pc_log10(1000) == 3.0);
    PC_CHECK(pc_log10(1e-9) == -9.0);
    for (double x = 1e-300; x < 1e300; x *= 7.3) {
        PC_CHECK(fabs(pc_log(x) - log(x)) <= 1e-15 * fabs(log(x)) + 1e-300);
        PC_CHECK(fabs(pc_log10(x) - log10(x)) <= 1e-14 * (fabs(log10(x)) + 1));
    }
    for (double x = -700; x < 700; x += 3.7) PC_CHECK(fabs(pc_exp(x) / exp(x) - 1) < 1e-14);
    PC_CHECK(fabs(pc_pow(2.5, 3.5) / pow(2.5, 3.5) - 1) < 1e-14);
    PC_CHECK(pc_pow(-2, 3) == -8.0);
    PC_CHECK(isnan(pc_log(-1)));
    PC_CHECK(pc_exp(1000) == INFINITY && pc_exp(-1000) == 0.0);
    int e;
    PC_CHECK(pc_frexp(8.0, &e) == 0.5 && e == 4);
    PC_CHECK(pc_ldexp(0.5, 4) == 8.0);
    PC_CHECK(pc_ldexp(1.0, -1074) == 4.9406564584124654e-324);
}

static void chart_should_format_numbers_in_engineering_units(void) {
    char b[64];
    pc_fmt_ns(b, sizeof b, 350);
    PC_CHECK_EQ_STR(b, "350 ns");
    pc_fmt_ns(b, sizeof b, 1200);
    PC_CHECK_EQ_STR(b, "1.2 \xc2\xb5s");
    pc_fmt_ns(b, sizeof b, 3.4e6);
    PC_CHECK_EQ_STR(b, "3.4 ms");
    pc_fmt_ns(b, sizeof b, 999.7);
    PC_CHECK_EQ_STR(b, "1 \xc2\xb5s");
    pc_fmt_ns(b, sizeof b, 2.5e9);
    PC_CHECK_EQ_STR(b, "2.5 s");
    pc_fmt_si(b, sizeof b, 12.5e6, "msg/s");
    PC_CHECK_EQ_STR(b, "12.5 M msg/s");
    pc_fmt_si(b, sizeof b, 0.0034, "s");
    PC_CHECK_EQ_STR(b, "3.4 ms");
    pc_fmt_si(b, sizeof b, 950, NULL);
    PC_CHECK_EQ_STR(b, "950");
    pc_fmt_si(b, sizeof b, 0, "msg/s");
    PC_CHECK_EQ_STR(b, "0 msg/s");
    pc_fmt_si(b, sizeof b, 123456789, NULL);
    PC_CHECK_EQ_STR(b, "123 M");
    pc_fmt_percent(b, sizeof b, 12.34);
    PC_CHECK_EQ_STR(b, "12%");
    pc_fmt_percent(b, sizeof b, 0.25);
    PC_CHECK_EQ_STR(b, "0.25%");
    pc_fmt_fixed(b, sizeof b, 2.50, 2);
    PC_CHECK_EQ_STR(b, "2.5");
    pc_fmt_seconds(b, sizeof b, 1.5);
    PC_CHECK_EQ_STR(b, "1.5 s");
    pc_fmt_ns(b, sizeof b, NAN);
    PC_CHECK(strlen(b) > 0);
}

static void chart_should_make_nice_ticks(void) {
    pc_ticks_t t;
    pc_ticks_linear(0, 97, 5, &t);
    PC_CHECK_EQ_U64(t.n, 5);
    PC_CHECK(t.v[0] == 0 && t.v[1] == 20 && t.v[4] == 80);
    pc_ticks_linear(-0.3, 0.3, 6, &t);
    PC_CHECK(t.n == 7 && t.v[3] == 0.0);
    /* log: 100 ns .. 100 µs labels every decade, minor ticks in between */
    pc_ticks_log(100, 1e5, 8, &t);
    int majors = 0;
    for (int i = 0; i < t.n; i++) majors += t.major[i];
    PC_CHECK_EQ_U64(majors, 4);
    PC_CHECK(t.n > majors);
    PC_CHECK(t.v[0] == 100 && t.v[t.n - 1] == 1e5);
    /* few decades: 1-2-5 */
    pc_ticks_log(1, 100, 10, &t);
    PC_CHECK(t.major[1] && t.v[1] == 2);
    /* garbage in, nothing (or something sane) out, never more than the cap */
    pc_ticks_log(-1, 5, 5, &t);
    PC_CHECK(t.n == 0);
    pc_ticks_linear(NAN, 1, 5, &t);
    PC_CHECK(t.n == 0);
    pc_ticks_linear(0, 1e300, 1000, &t);
    PC_CHECK(t.n <= PC_TICKS_MAX);
    pc_scale_t s;
    pc_scale_set(&s, 1, 10, 1000, 0, 200);
    PC_CHECK(pc_scale_map(&s, 100) == 100.0);
    PC_CHECK(pc_scale_map(&s, 0) < -1000);
    PC_CHECK(pc_scale_map(&s, NAN) <= -1e5);
}

/* ---- a synthetic run ---- */

static const char HEADER[] =
    "{\"format\":\"perfcast\",\"suite\":\"ringbuf\",\"run_id\":\"20261125-180000-ringbuf-r1\","
    "\"started\":\"2026-11-25T18:00:00Z\",\"params\":{\"messages\":100000,\"rate\":0,\"seconds\":2.5},"
    "\"series\":[{\"name\":\"spsc\",\"label\":\"lock-free SPSC ring\",\"unit\":\"ns\"},"
    "{\"name\":\"mutex\",\"label\":\"mutex + condvar queue\",\"unit\":\"ns\"}],"
    "\"system\":{\"cpu\":{\"model\":\"Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz\",\"logical_cores\":2},"
    "\"platform\":{\"hostname\":\"bench-01\"}},"
    "\"views\":[\"latency-histogram\",\"throughput-timeline\",\"comparison\",\"summary\"]}";

/* Builds the synthetic run up to `stage`: 0 header only, 1 spsc latency + some throughput
 * (mid-run), 2 everything with summary and end record. */
static pc_model_t *synthetic_model(int stage) {
    pc_model_t *m = pc_model_create();
    if (!m) return NULL;
    if (pc_test_feed_json(m, PC_REC_HEADER, HEADER)) goto fail;
    if (stage < 1) return m;
    uint64_t seed = 42;
    char json[256];
    /* latency phase: spsc around 180 ns, mutex around 7 µs (two deltas each) */
    for (int d = 0; d < 2; d++)
        if (pc_test_feed_hist(m, "spsc", 0.4 + d * 0.4, &seed, 30000, 180, 0.18, 200)) goto fail;
    snprintf(json, sizeof json, "{\"t\":0.9,\"fraction\":0.47,\"phase\":\"spsc throughput\"}");
    if (pc_test_feed_json(m, PC_REC_PROGRESS, json)) goto fail;
    /* throughput phases: spsc 1.0..3.5 s at ~62 M/s, mutex 3.6..6.1 s at ~2.6 M/s */
    for (int i = 0; i < 25; i++) {
        double t = 1.0 + 0.1 * (i + 1);
        double rate = 62e6 * (1 + 0.06 * (pc_test_rnd(&seed) - 0.5)) * (i == 7 ? 0.55 : 1);
        snprintf(json, sizeof json, "{\"t\":%.3f,\"dt\":0.1,\"series\":\"spsc\",\"count\":%.0f}", t, rate * 0.1);
        if (pc_test_feed_json(m, PC_REC_WINDOW, json)) goto fail;
        if (stage == 1 && i == 12) return m;
    }
    for (int d = 0; d < 2; d++)
        if (pc_test_feed_hist(m, "mutex", 0.6 + d * 0.4, &seed, 30000, 7000, 0.35, 150)) goto fail;
    for (int i = 0; i < 25; i++) {
        double t = 3.6 + 0.1 * (i + 1);
        double rate = 2.6e6 * (1 + 0.15 * (pc_test_rnd(&seed) - 0.5));
        snprintf(json, sizeof json, "{\"t\":%.3f,\"dt\":0.1,\"series\":\"mutex\",\"count\":%.0f}", t, rate * 0.1);
        if (pc_test_feed_json(m, PC_REC_WINDOW, json)) goto fail;
    }
    const pc_series_t *sp = pc_model_series(m, "spsc"), *mu = pc_model_series(m, "mutex");
    if (!sp || !mu || !sp->has_hist || !mu->has_hist) goto fail;
    snprintf(json, sizeof json,
             "{\"spsc_msgs_per_s\":61800000,\"mutex_msgs_per_s\":2600000,\"spsc_vs_mutex_throughput\":23.77,"
             "\"spsc_p50_ns\":%llu,\"spsc_p99_ns\":%llu,\"spsc_p999_ns\":%llu,\"mutex_p50_ns\":%llu,"
             "\"mutex_p99_ns\":%llu}",
             (unsigned long long)pc_hist_quantile(sp->hist, 0.5), (unsigned long long)pc_hist_quantile(sp->hist, 0.99),
             (unsigned long long)pc_hist_quantile(sp->hist, 0.999), (unsigned long long)pc_hist_quantile(mu->hist, 0.5),
             (unsigned long long)pc_hist_quantile(mu->hist, 0.99));
    if (pc_test_feed_json(m, PC_REC_SUMMARY, json)) goto fail;
    if (pc_test_feed_json(m, PC_REC_END, "{\"t\":6.2,\"status\":\"ok\"}")) goto fail;
    return m;
fail:
    pc_model_destroy(m);
    return NULL;
}

static const char *const VIEW_NAMES[] = {"latency-histogram", "throughput-timeline", "comparison", "summary"};
#define N_VIEWS 4

/* Renders a view into a fresh w x h guarded framebuffer; returns the draw result. */
static int render(pc_test_guarded_t *g, const char *view, const pc_model_t *m, int w, int h, float scale) {
    if (pc_test_guarded_make(g, w, h)) return PC_ENOMEM;
    pc_view_state_t st = {.t_cursor = -1, .scale = scale, .font = font};
    int r = pc_view_draw(view, &g->fb, m, &st);
    /* PC_RENDER_DUMP=DIR keeps every frame the tests draw, for looking at them */
    const char *dump = getenv("PC_RENDER_DUMP");
    if (dump && *dump && r == 0 && w >= 16 && h >= 16) {
        static int seq;
        char path[512];
        snprintf(path, sizeof path, "%s/%03d-%s-%dx%d@%g.png", dump, seq++, view, w, h, (double)scale);
        pc_png_write(path, &g->fb, NULL);
    }
    return r;
}

static void views_should_be_registered_by_name(void) {
    size_t n = 0;
    const pc_view_def_t *v = pc_views(&n);
    PC_CHECK(v != NULL && n >= N_VIEWS);
    for (int i = 0; i < N_VIEWS; i++) {
        const pc_view_def_t *d = pc_view_find(VIEW_NAMES[i]);
        PC_CHECK(d != NULL && d->draw != NULL);
        PC_CHECK_EQ_STR(d->suite, "ringbuf");
    }
    PC_CHECK(pc_view_find("nope") == NULL);
    PC_CHECK(pc_view_find(NULL) == NULL);
    uint32_t px[4];
    pc_fb_t fb = pc_fb_make(px, 2, 2);
    PC_CHECK(pc_view_draw("nope", &fb, NULL, NULL) == PC_ENOTFOUND);
}

static void views_should_draw_waiting_state_for_empty_models(void) {
    pc_model_t *empty = pc_model_create();
    PC_CHECK(empty != NULL);
    pc_model_t *header_only = synthetic_model(0);
    PC_CHECK(header_only != NULL);
    const pc_model_t *models[3] = {NULL, empty, header_only};
    for (int i = 0; i < N_VIEWS; i++)
        for (int k = 0; k < 3; k++) {
            pc_test_guarded_t g;
            PC_CHECK(render(&g, VIEW_NAMES[i], models[k], 640, 360, 1) == 0);
            PC_CHECK_EQ_U64(pc_test_guarded_damage(&g), 0);
            /* without a run: background everywhere but the message in the middle */
            if (k < 2) PC_CHECK_EQ_U64(pc_test_px_at(&g.fb, 320, 340), BG);
            PC_CHECK(pc_test_count_not(&g.fb, 100, 150, 540, 250, BG) > 50);
            free(g.mem);
        }
    pc_model_destroy(empty);
    pc_model_destroy(header_only);
}

static void views_should_draw_data_in_the_plot_area(void) {
    pc_model_t *m = synthetic_model(2);
    PC_CHECK(m != NULL);
    for (int i = 0; i < N_VIEWS; i++) {
        pc_test_guarded_t g;
        PC_CHECK(render(&g, VIEW_NAMES[i], m, 800, 450, 1) == 0);
        PC_CHECK_EQ_U64(pc_test_guarded_damage(&g), 0);
        /* the middle of the page carries the chart: many non-background pixels, and the
         * series colors appear somewhere */
        PC_CHECK(pc_test_count_not(&g.fb, 100, 120, 700, 400, BG) > 2000);
        int green = 0, orange = 0;
        for (int y = 0; y < 450; y++)
            for (int x = 0; x < 800; x++) {
                uint32_t p = pc_test_px_at(&g.fb, x, y);
                if (p == PC_HEX(0x00ff88)) green++;
                if (p == PC_HEX(0xff9f43)) orange++;
            }
        PC_CHECK(green > 20);
        PC_CHECK(orange > 20);
        free(g.mem);
    }
    pc_model_destroy(m);
}

static void views_should_survive_odd_models_and_sizes(void) {
    pc_model_t *mid = synthetic_model(1);
    PC_CHECK(mid != NULL);
    /* zero counts, zero-valued samples and a series with only windows */
    pc_model_t *odd = synthetic_model(0);
    PC_CHECK(odd != NULL);
    PC_CHECK(pc_test_feed_json(odd, PC_REC_WINDOW, "{\"t\":1,\"dt\":0.5,\"series\":\"mutex\",\"count\":0}") == 0);
    PC_CHECK(pc_test_feed_json(odd, PC_REC_WINDOW, "{\"t\":1.5,\"dt\":0.5,\"series\":\"mutex\",\"count\":0}") == 0);
    PC_CHECK(pc_test_feed_json(odd, PC_REC_HIST, "{\"t\":1,\"series\":\"spsc\",\"b\":[0,5],\"min\":0,\"max\":0,\"sum\":0}") == 0);
    PC_CHECK(pc_test_feed_json(odd, PC_REC_SUMMARY, "{\"spsc_msgs_per_s\":\"fast\",\"mutex_p50_ns\":-1}") == 0);
    PC_CHECK(pc_test_feed_json(odd, PC_REC_END, "{\"t\":2,\"status\":\"error\",\"message\":\"worker thread failed\"}") == 0);
    const pc_model_t *models[2] = {mid, odd};
    const int sizes[][2] = {{1, 1}, {17, 9}, {120, 80}, {300, 900}, {1600, 200}};
    const float scales[] = {1, 2, 0, NAN, 16, 0.25f};
    for (int i = 0; i < N_VIEWS; i++)
        for (int k = 0; k < 2; k++)
            for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
                for (size_t c = 0; c < sizeof scales / sizeof scales[0]; c++) {
                    pc_test_guarded_t g;
                    PC_CHECK(render(&g, VIEW_NAMES[i], models[k], sizes[s][0], sizes[s][1], scales[c]) == 0);
                    PC_CHECK_EQ_U64(pc_test_guarded_damage(&g), 0);
                    free(g.mem);
                }
    /* no font: still draws, without text */
    for (int i = 0; i < N_VIEWS; i++) {
        pc_test_guarded_t g;
        PC_CHECK(pc_test_guarded_make(&g, 400, 300) == 0);
        pc_view_state_t st = {.t_cursor = 2.0, .scale = 1, .font = NULL};
        PC_CHECK(pc_view_draw(VIEW_NAMES[i], &g.fb, mid, &st) == 0);
        PC_CHECK_EQ_U64(pc_test_guarded_damage(&g), 0);
        free(g.mem);
    }
    /* an unusable framebuffer is refused, not drawn into */
    pc_fb_t none = {NULL, 100, 100, 100};
    pc_view_state_t st = {.t_cursor = -1, .scale = 1, .font = font};
    for (int i = 0; i < N_VIEWS; i++) PC_CHECK(pc_view_draw(VIEW_NAMES[i], &none, mid, &st) == PC_EINVAL);
    pc_model_destroy(mid);
    pc_model_destroy(odd);
}

static void views_should_show_only_windows_before_the_cursor(void) {
    pc_model_t *m = synthetic_model(2);
    PC_CHECK(m != NULL);
    pc_test_guarded_t a, b;
    PC_CHECK(pc_test_guarded_make(&a, 800, 450) == 0);
    PC_CHECK(pc_test_guarded_make(&b, 800, 450) == 0);
    pc_view_state_t early = {.t_cursor = 1.5, .scale = 1, .font = font};
    pc_view_state_t all = {.t_cursor = -1, .scale = 1, .font = font};
    PC_CHECK(pc_view_draw("throughput-timeline", &a.fb, m, &early) == 0);
    PC_CHECK(pc_view_draw("throughput-timeline", &b.fb, m, &all) == 0);
    /* early on only spsc has windows: no mutex orange in the plot */
    int orange_a = 0, orange_b = 0;
    for (int y = 60; y < 450; y++)
        for (int x = 0; x < 800; x++) {
            orange_a += pc_test_px_at(&a.fb, x, y) == PC_HEX(0xff9f43);
            orange_b += pc_test_px_at(&b.fb, x, y) == PC_HEX(0xff9f43);
        }
    PC_CHECK(orange_a == 0);
    PC_CHECK(orange_b > 20);
    free(a.mem);
    free(b.mem);
    pc_model_destroy(m);
}

static void views_should_draw_long_timelines_per_pixel_column(void) {
    /* 20000 windows per series: far more than pixel columns, so the view decimates */
    pc_model_t *m = synthetic_model(0);
    PC_CHECK(m != NULL);
    uint64_t seed = 7;
    static uint8_t buf[1 << 20];
    size_t len = 0;
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < 20000; i++) {
            char json[160];
            double base = s ? 2.5e6 : 60e6;
            double rate = base * (1 + 0.2 * (pc_test_rnd(&seed) - 0.5)) * (i % 5000 < 50 ? 0.3 : 1);
            int n = snprintf(json, sizeof json, "{\"t\":%.4f,\"dt\":0.001,\"series\":\"%s\",\"count\":%.0f}",
                             s * 25.0 + 0.001 * (i + 1), s ? "mutex" : "spsc", rate * 0.001);
            size_t w = pc_record_encode(buf + len, sizeof buf - len, PC_REC_WINDOW, PC_ENC_JSON, json, (size_t)n);
            if (!w) {
                pc_errbuf_t err = {{0}};
                PC_CHECK(pc_model_feed(m, buf, len, &err) == 0);
                len = 0;
                w = pc_record_encode(buf, sizeof buf, PC_REC_WINDOW, PC_ENC_JSON, json, (size_t)n);
            }
            len += w;
        }
    pc_errbuf_t err = {{0}};
    PC_CHECK(pc_model_feed(m, buf, len, &err) == 0);
    PC_CHECK(pc_model_series(m, "spsc")->n_windows == 20000);
    pc_test_guarded_t g;
    PC_CHECK(render(&g, "throughput-timeline", m, 800, 450, 1) == 0);
    PC_CHECK_EQ_U64(pc_test_guarded_damage(&g), 0);
    int green = 0, orange = 0;
    for (int y = 60; y < 450; y++)
        for (int x = 0; x < 800; x++) {
            green += pc_test_px_at(&g.fb, x, y) == PC_HEX(0x00ff88);
            orange += pc_test_px_at(&g.fb, x, y) == PC_HEX(0xff9f43);
        }
    PC_CHECK(green > 300);
    PC_CHECK(orange > 300);
    free(g.mem);
    pc_model_destroy(m);
}

/* ---- golden images ---- */

static void views_should_match_golden_images(void) {
    pc_model_t *m = synthetic_model(2);
    PC_CHECK(m != NULL);
    for (int i = 0; i < N_VIEWS; i++) {
        pc_test_guarded_t g;
        PC_CHECK(render(&g, VIEW_NAMES[i], m, 960, 540, 1) == 0);
        int r = pc_test_compare_golden(VIEW_NAMES[i], &g.fb);
        free(g.mem);
        PC_CHECK(r == 0);
    }
    /* HiDPI and mid-run states */
    pc_model_t *mid = synthetic_model(1);
    PC_CHECK(mid != NULL);
    pc_test_guarded_t g;
    PC_CHECK(render(&g, "latency-histogram", m, 1280, 720, 2) == 0);
    int r = pc_test_compare_golden("latency-histogram@2x", &g.fb);
    free(g.mem);
    PC_CHECK(r == 0);
    PC_CHECK(render(&g, "summary", mid, 960, 540, 1) == 0);
    r = pc_test_compare_golden("summary-running", &g.fb);
    free(g.mem);
    PC_CHECK(r == 0);
    pc_model_destroy(mid);
    pc_model_destroy(m);
}

static void png_should_round_trip_pixels(void) {
    uint32_t px[3 * 2] = {PC_RGBA(1, 2, 3, 255), PC_RGBA(255, 0, 0, 255), PC_RGBA(0, 255, 0, 255),
                          PC_RGBA(0, 0, 255, 255), PC_RGBA(9, 8, 7, 128), PC_RGBA(0, 0, 0, 0)};
    pc_fb_t fb = pc_fb_make(px, 3, 2);
    pc_errbuf_t err = {{0}};
    PC_CHECK(pc_png_write("test_render_roundtrip.png", &fb, &err) == 0);
    uint32_t *back;
    int w, h;
    PC_CHECK(pc_png_read("test_render_roundtrip.png", &back, &w, &h, &err) == 0);
    PC_CHECK(w == 3 && h == 2);
    int same = memcmp(back, px, sizeof px) == 0;
    free(back);
    remove("test_render_roundtrip.png");
    PC_CHECK(same);
    PC_CHECK(pc_png_read("/nonexistent/x.png", &back, &w, &h, &err) == PC_EIO);
    PC_CHECK(back == NULL);
    PC_CHECK(strstr(err.msg, "/nonexistent/x.png") != NULL);
    PC_CHECK(pc_png_write("/nonexistent/dir/x.png", &fb, &err) == PC_EIO);
    pc_fb_t empty = {NULL, 0, 0, 0};
    PC_CHECK(pc_png_write("x.png", &empty, &err) == PC_EINVAL);
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    font = pc_font_create();
    PC_RUN(gfx_should_fill_rect_exactly);
    PC_RUN(gfx_should_draw_crisp_lines);
    PC_RUN(gfx_should_clip_every_primitive);
    PC_RUN(gfx_should_fill_polygons_with_coverage);
    PC_RUN(gfx_should_fill_round_rects_like_their_distance_field);
    PC_RUN(font_should_measure_text);
    PC_RUN(font_should_draw_antialiased_text_in_place);
    PC_RUN(font_should_draw_the_same_when_its_cache_is_full);
    PC_RUN(pcmath_should_match_libm_and_be_exact_on_decades);
    PC_RUN(chart_should_format_numbers_in_engineering_units);
    PC_RUN(chart_should_make_nice_ticks);
    PC_RUN(png_should_round_trip_pixels);
    PC_RUN(views_should_be_registered_by_name);
    PC_RUN(views_should_draw_waiting_state_for_empty_models);
    PC_RUN(views_should_draw_data_in_the_plot_area);
    PC_RUN(views_should_survive_odd_models_and_sizes);
    PC_RUN(views_should_show_only_windows_before_the_cursor);
    PC_RUN(views_should_draw_long_timelines_per_pixel_column);
    PC_RUN(views_should_match_golden_images);
    pc_font_destroy(font);
    return pc_test_done();
}
