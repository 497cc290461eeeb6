/* pc_test_draw.c — see pc_test_draw.h. */
#include "pc_test_draw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "pcmath.h"
#include "png.h"
#include "record.h"

int pc_test_guarded_make(pc_test_guarded_t *g, int w, int h) {
    g->mw = w + 32;
    g->mh = h + 32;
    g->mem = malloc((size_t)g->mw * (size_t)g->mh * sizeof *g->mem);
    if (!g->mem) return -1;
    for (int i = 0; i < g->mw * g->mh; i++) g->mem[i] = PC_TEST_GUARD;
    g->fb.px = g->mem + 16 * g->mw + 16;
    g->fb.w = w;
    g->fb.h = h;
    g->fb.stride = g->mw;
    return 0;
}

int pc_test_guarded_damage(const pc_test_guarded_t *g) {
    int bad = 0;
    for (int y = 0; y < g->mh; y++)
        for (int x = 0; x < g->mw; x++) {
            int inside = x >= 16 && x < 16 + g->fb.w && y >= 16 && y < 16 + g->fb.h;
            if (!inside && g->mem[y * g->mw + x] != PC_TEST_GUARD) bad++;
        }
    return bad;
}

int pc_test_count_not(const pc_fb_t *fb, int x0, int y0, int x1, int y1, uint32_t color) {
    int n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            if (pc_test_px_at(fb, x, y) != color) n++;
    return n;
}

int pc_test_compare_golden(const char *name, const pc_fb_t *fb) {
    char path[512];
    snprintf(path, sizeof path, "%s/golden/%s.png", PC_TEST_DATA, name);
    pc_errbuf_t err = {{0}};
    const char *upd = getenv("PC_UPDATE_GOLDEN");
    if (upd && *upd && strcmp(upd, "0") != 0) {
        if (pc_png_write(path, fb, &err)) {
            fprintf(stderr, "  %s\n", err.msg);
            return -1;
        }
        fprintf(stderr, "  updated %s\n", path);
        return 0;
    }
    uint32_t *px;
    int w, h;
    if (pc_png_read(path, &px, &w, &h, &err)) {
        fprintf(stderr, "  %s (run with PC_UPDATE_GOLDEN=1 to create it)\n", err.msg);
        return -1;
    }
    long diff = 0;
    if (w != fb->w || h != fb->h) {
        diff = -1;
    } else {
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if (px[(size_t)y * w + x] != pc_test_px_at(fb, x, y)) diff++;
    }
    free(px);
    if (diff) {
        char actual[512];
        snprintf(actual, sizeof actual, "%s.actual.png", name);
        pc_png_write(actual, fb, NULL);
        fprintf(stderr, "  %s: %ld pixels differ (size %dx%d vs %dx%d); wrote %s\n", path, diff, w, h, fb->w, fb->h,
                actual);
        return -1;
    }
    return 0;
}

int pc_test_feed_json(pc_model_t *m, uint16_t kind, const char *json) {
    static uint8_t buf[1 << 16];
    size_t n = pc_record_encode(buf, sizeof buf, kind, PC_ENC_JSON, json, strlen(json));
    if (!n) return -1;
    pc_errbuf_t err = {{0}};
    int r = pc_model_feed(m, buf, n, &err);
    if (r) fprintf(stderr, "  feed: %s\n", err.msg);
    return r;
}

double pc_test_rnd(uint64_t *s) {
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return ((double)((*s * 2685821657736338717ull) >> 11) + 0.5) / 9007199254740992.0;
}

static uint64_t sample(uint64_t *s, double median, double spread, double tail) {
    double z = 0;
    for (int i = 0; i < 6; i++) z += pc_test_rnd(s);
    z = (z - 3) / 0.7071; /* about N(0,1) */
    double v = median * pc_exp(z * spread);
    if (pc_test_rnd(s) < 0.004) v *= 2 + tail * pc_test_rnd(s) * pc_test_rnd(s);
    return (uint64_t)v;
}

int pc_test_feed_hist(pc_model_t *m, const char *series, double t, uint64_t *seed, int n, double median,
                      double spread, double tail) {
    static pc_hist_t h;
    pc_hist_reset(&h);
    for (int i = 0; i < n; i++) pc_hist_record(&h, sample(seed, median, spread, tail), 1);
    static char json[1 << 15];
    int len = snprintf(json, sizeof json, "{\"t\":%.3f,\"series\":\"%s\",\"b\":[", t, series);
    int first = 1;
    for (uint32_t i = 0; i < PC_HIST_BUCKETS; i++) {
        if (!h.counts[i]) continue;
        len += snprintf(json + len, sizeof json - len, "%s%u,%llu", first ? "" : ",", i,
                        (unsigned long long)h.counts[i]);
        first = 0;
        if (len > (int)sizeof json - 64) return -1;
    }
    snprintf(json + len, sizeof json - len, "],\"min\":%llu,\"max\":%llu,\"sum\":%.1f}", (unsigned long long)h.min,
             (unsigned long long)h.max, h.sum);
    return pc_test_feed_json(m, PC_REC_HIST, json);
}
