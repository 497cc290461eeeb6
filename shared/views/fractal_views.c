/* fractal_views.c — the fractal suite's views: the recorded frames (PC_REC_FRAME, kept in the
 * model as RGB) and the summary. Integer scaling only, so native and WASM pixels agree. */
#include "fractal_views.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "pcmath.h"
#include "view_common.h"

int pc_view_fractal(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    int r = pc_vc_begin_run(&f, fb, m, st, "Fractal frames");
    if (r) return r < 0 ? r : 0;
    const pc_img_frame_t *img = pc_model_img_at(m, f.cursor);
    if (!img && m->n_img) img = &m->img[0]; /* before the first frame: show it anyway */
    if (!img) return pc_vc_nothing_yet(&f, "Waiting for the first frame");
    pc_chart_t *c = &f.c;
    int info_h = pc_chart_px(c, 24);
    pc_rect_t area = {f.body.x, f.body.y, f.body.w, f.body.h - info_h};
    if (area.w < 4 || area.h < 4) return 0;
    /* largest size with the frame's aspect that fits: w' = area.w or h' = area.h */
    int dw = area.w, dh = (int)((long)img->h * area.w / img->w);
    if (dh > area.h) {
        dh = area.h;
        dw = (int)((long)img->w * area.h / img->h);
    }
    int ox = area.x + (area.w - dw) / 2, oy = area.y + (area.h - dh) / 2;
    const uint8_t *src = m->img_bytes + img->off;
    for (int y = 0; y < dh; y++) {
        int py = oy + y;
        if (py < 0 || py >= fb->h) continue;
        const uint8_t *row = src + (size_t)((long)y * img->h / dh) * (size_t)img->w * 3;
        for (int x = 0; x < dw; x++) {
            int px = ox + x;
            if (px < 0 || px >= fb->w) continue;
            const uint8_t *p = row + (size_t)((long)x * img->w / dw) * 3;
            fb->px[(size_t)py * (size_t)fb->stride + (size_t)px] = PC_RGBA(p[0], p[1], p[2], 255u);
        }
    }
    double ms = pc_vc_sample_at(m, "render_ms", img->t), it = pc_vc_sample_at(m, "iterations", img->t);
    char line[160], a[48], b[48];
    if (pc_isfinite(ms)) pc_fmt_fixed(a, sizeof a, ms, 2);
    else snprintf(a, sizeof a, "\xe2\x80\x93");
    if (pc_isfinite(it)) pc_fmt_si(b, sizeof b, it, NULL);
    else snprintf(b, sizeof b, "\xe2\x80\x93");
    snprintf(line, sizeof line, "frame %u  \xc2\xb7  render %s ms  \xc2\xb7  %s iterations  \xc2\xb7  %dx%d shown of %.0fx%.0f",
             img->frame, a, b, img->w, img->h, pc_model_param_num(m, "width", 0), pc_model_param_num(m, "height", 0));
    pc_chart_text(c, f.body.x, f.body.y + f.body.h - info_h / 2, PC_TEXT_LABEL, c->th->text_dim,
                  PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, line);
    return 0;
}

static void kpi_set(pc_vc_kpi_t *k, double v, int decimals, const char *unit, int si) {
    if (!pc_isfinite(v)) {
        snprintf(k->value, sizeof k->value, "\xe2\x80\x93");
        return;
    }
    char n[48];
    if (si) { /* "11.5 G/s": the SI prefix and the unit together */
        pc_fmt_si(n, sizeof n, v, unit);
        snprintf(k->value, sizeof k->value, "%s", n);
        return;
    }
    pc_fmt_fixed(n, sizeof n, v, decimals);
    snprintf(k->value, sizeof k->value, "%s%s%s", n, unit ? " " : "", unit ? unit : "");
}

int pc_view_fractal_summary(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    int y;
    int r = pc_vc_begin_summary(&f, fb, m, st, &y);
    if (r) return r < 0 ? r : 0;
    pc_chart_t *c = &f.c;
    int rows_h = f.body.y + f.body.h - y, gap = pc_chart_px(c, 14);
    int row_h = (rows_h - 2 * gap) / 3;
    if (row_h < pc_chart_px(c, 40)) row_h = pc_chart_px(c, 40);
    pc_vc_kpi_t k[3];
    k[0] = (pc_vc_kpi_t){"average render", "", NULL, c->th->text};
    kpi_set(&k[0], pc_model_summary_num(m, "avg_render_ms", pc_vc_sample_at(m, "render_ms", -1)), 2, "ms", 0);
    k[1] = (pc_vc_kpi_t){"frame rate", "", NULL, c->th->accent};
    kpi_set(&k[1], pc_model_summary_num(m, "fps", pc_vc_sample_at(m, "fps", -1)), 0, "fps", 0);
    k[2] = (pc_vc_kpi_t){"frames", "", NULL, c->th->text};
    kpi_set(&k[2], pc_model_summary_num(m, "frames", (double)m->n_img), 0, NULL, 0);
    y = pc_vc_kpi_row(&f, y, row_h, "Frames", k, 3) + gap;

    char head[96];
    const cJSON *simd = m->summary ? cJSON_GetObjectItemCaseSensitive(m->summary, "simd") : NULL;
    snprintf(head, sizeof head, "Escape-time iterations (%s, %.0f threads)",
             cJSON_IsString(simd) ? simd->valuestring : "SIMD", pc_model_param_num(m, "threads", 0));
    k[0] = (pc_vc_kpi_t){"iterations per second", "", NULL, c->th->accent};
    kpi_set(&k[0], pc_model_summary_num(m, "iterations_per_s", NAN), 0, "/s", 1);
    k[1] = (pc_vc_kpi_t){"SIMD speedup", "", "vs scalar, same threads", c->th->text};
    kpi_set(&k[1], pc_model_summary_num(m, "speedup_simd", NAN), 1, "x", 0);
    k[2] = (pc_vc_kpi_t){"thread speedup", "", "vs 1 thread, same path", c->th->text};
    kpi_set(&k[2], pc_model_summary_num(m, "speedup_threads", NAN), 2, "x", 0);
    y = pc_vc_kpi_row(&f, y, row_h, head, k, 3) + gap;

    k[0] = (pc_vc_kpi_t){"peak memory", "", NULL, c->th->text};
    kpi_set(&k[0], pc_model_summary_num(m, "peak_rss_mb", pc_vc_sample_at(m, "memory_mb", -1)), 1, "MB", 0);
    k[1] = (pc_vc_kpi_t){"tracker start/end pair", "", NULL, c->th->text};
    kpi_set(&k[1], pc_model_summary_num(m, "timer_pair_ns", NAN), 1, "ns", 0);
    k[2] = (pc_vc_kpi_t){"frames recorded", "", NULL, c->th->text};
    kpi_set(&k[2], (double)m->n_img, 0, NULL, 0);
    pc_vc_kpi_row(&f, y, row_h, "Cost and memory", k, 3);
    return 0;
}
