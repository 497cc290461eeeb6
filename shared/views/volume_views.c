/* volume_views.c — the volume suite's views and the system panel (see volume_views.h).
 *
 * Like every view: any model state draws something sensible, nothing is kept between
 * frames. The volume view needs a z-buffer: it uses the caller's scratch
 * (pc_view_state_t.scratch) when that is big enough, else it allocates one for the frame. */
#include "volume_views.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "font.h"
#include "meshrec.h"
#include "pcmath.h"
#include "raster.h"
#include "view_common.h"

#define DEFAULT_YAW 0.7f
#define DEFAULT_PITCH 0.5f
#define DOMAIN_HALF 1.0f /* the suite samples its field on [-1, 1]^3 */
#define BASE_DISTANCE 3.6f

static const char *const PART_SERIES[3] = {"field_ms", "mc_ms", "render_ms"};
static const char *const PART_LABELS[3] = {"field", "marching cubes", "render"};

static uint32_t part_color(const pc_chart_t *c, int i) {
    static const uint32_t cols[3] = {PC_HEX(0x4da3ff), PC_HEX(0x00ff88), PC_HEX(0xffa94d)};
    (void)c;
    return cols[i];
}

static void dash(char *buf, size_t cap) { snprintf(buf, cap, "\xe2\x80\x93"); }

/* The value of metric series `name` for frame i (samples arrive one per frame, in order). */
static double frame_value(const pc_model_t *m, const char *name, size_t i) {
    const pc_series_t *s = m ? pc_model_series(m, name) : NULL;
    return s && i < s->n_samples ? s->samples[i].value : NAN;
}

/* Frames whose timing sample was taken by the cursor (< 0: all). */
static size_t frames_by(const pc_model_t *m, double cursor) {
    return pc_vc_samples_upto(m ? pc_model_series(m, "frame_ms") : NULL, cursor);
}

/* ======================= volume ======================= */

size_t pc_view_volume_scratch_bytes(const pc_model_t *m, int w, int h) {
    return pc_raster_scratch_bytes(w, h, m ? m->mesh_max_vert : 0);
}

static void rec_vertex(const void *ud, uint32_t i, float pos[3], float nrm[3]) {
    pc_meshrec_vertex(ud, i, pos, nrm);
}
static void rec_tri(const void *ud, uint32_t i, uint32_t v[3]) { pc_meshrec_tri(ud, i, v); }

static pc_camera_t view_camera(const pc_view_state_t *st) {
    float yaw = DEFAULT_YAW + (pc_isfinite(st->yaw) ? st->yaw : 0);
    float pitch = st->pitch != 0 && pc_isfinite(st->pitch) ? st->pitch : DEFAULT_PITCH;
    if (pitch > 1.45f) pitch = 1.45f;
    if (pitch < -1.45f) pitch = -1.45f;
    float zoom = st->zoom > 0 && pc_isfinite(st->zoom) ? st->zoom : 1.0f;
    if (zoom < 0.25f) zoom = 0.25f;
    if (zoom > 8.0f) zoom = 8.0f;
    const float target[3] = {0, 0, 0};
    return pc_camera_orbit(target, yaw, pitch, BASE_DISTANCE / zoom);
}

/* The grid's domain as a faint wire box, and the floor's outline (drawn before the mesh,
 * which covers what lies behind it). */
static void draw_box(pc_chart_t *c, pc_fb_t *vp, const pc_camera_t *cam) {
    float d = DOMAIN_HALF;
    uint32_t col = pc_color_alpha(c->th->text_faint, 140);
    for (int e = 0; e < 12; e++) {
        int axis = e / 4, k = e % 4;
        float a[3], b[3];
        for (int j = 0, o = 0; j < 3; j++) {
            if (j == axis) {
                a[j] = -d;
                b[j] = d;
            } else {
                a[j] = b[j] = (k >> o & 1) ? d : -d;
                o++;
            }
        }
        float ax, ay, bx, by;
        if (pc_raster_project(cam, vp->w, vp->h, a, &ax, &ay) && pc_raster_project(cam, vp->w, vp->h, b, &bx, &by))
            pc_gfx_line(vp, ax, ay, bx, by, pc_chart_pxf(c, 1.0f), col);
    }
}

int pc_view_volume(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    char run[128];
    pc_vc_run_text(m, run, sizeof run);
    int r = pc_vc_begin(&f, fb, m, st, "Marching cubes", run);
    if (r) return r;
    pc_chart_t *c = &f.c;
    if (!pc_vc_has_run(m)) return pc_vc_nothing_yet(&f, "Waiting for data");
    const pc_mesh_frame_t *mf = pc_model_mesh_at(m, f.cursor);
    if (!mf) return pc_vc_nothing_yet(&f, m->n_mesh ? "No frame yet at this time" : "No mesh frames yet");

    /* info line under the 3D viewport */
    int line_h = pc_chart_px(c, 22);
    pc_rect_t vr = f.body;
    vr.h -= line_h;
    if (vr.h < 1) vr.h = 1;
    pc_fb_t vp = pc_fb_sub(fb, vr.x, vr.y, vr.w, vr.h);
    pc_gfx_fill_rect(fb, vr.x, vr.y, vr.w, vr.h, pc_color_mix(c->th->bg, c->th->panel, 128));
    pc_camera_t cam = view_camera(st);
    draw_box(c, &vp, &cam);

    pc_meshrec_t mr;
    if (pc_model_mesh_get(m, mf, &mr) != 0) return pc_vc_nothing_yet(&f, "Unreadable mesh frame");
    size_t need = pc_raster_scratch_bytes(vp.w, vp.h, mr.n_vert);
    void *scratch = st->scratch;
    int own = 0;
    if (!scratch || st->scratch_bytes < need) {
        scratch = malloc(need ? need : 1);
        if (!scratch) return PC_ENOMEM;
        own = 1;
    }
    pc_rmesh_t rm = {.n_vert = mr.n_vert, .n_tri = mr.n_tri, .ud = &mr, .vertex = rec_vertex, .tri = rec_tri};
    pc_material_t mat = {.color = PC_HEX(0x3fb7ff), .ambient = 0.16f, .diffuse = 0.78f, .specular = 0.45f,
                         .shininess_log2 = 5};
    r = pc_raster_mesh(&vp, scratch, own ? need : st->scratch_bytes, &rm, &cam, &mat);
    if (own) free(scratch);
    if (r) return r;

    /* frame facts */
    char buf[320], tri[32], ms[160] = "";
    size_t total = frames_by(m, -1);
    double fm = frame_value(m, "frame_ms", mf->frame);
    if (pc_isfinite(fm)) {
        char a[24], b[24], cc[24], d[24];
        pc_fmt_fixed(a, sizeof a, fm, 2);
        pc_fmt_fixed(b, sizeof b, frame_value(m, "field_ms", mf->frame), 2);
        pc_fmt_fixed(cc, sizeof cc, frame_value(m, "mc_ms", mf->frame), 2);
        pc_fmt_fixed(d, sizeof d, frame_value(m, "render_ms", mf->frame), 2);
        snprintf(ms, sizeof ms, " \xc2\xb7 %s ms (field %s, mc %s, render %s)", a, b, cc, d);
    }
    pc_fmt_si(tri, sizeof tri, (double)mf->n_tri, NULL);
    double frames_param = pc_model_param_num(m, "frames", 0);
    char of[48] = "";
    if (frames_param >= 1) snprintf(of, sizeof of, " of %.0f", frames_param);
    else if (total) snprintf(of, sizeof of, " of %zu", total);
    snprintf(buf, sizeof buf, "frame %u%s \xc2\xb7 t = %.2f s \xc2\xb7 %s triangles%s", mf->frame + 1, of, mf->t, tri,
             ms);
    if (c->font) {
        char fit[256];
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_LABEL), buf, f.body.w, fit, sizeof fit);
        pc_chart_text(c, f.body.x, vr.y + vr.h + line_h / 2, PC_TEXT_LABEL, c->th->text_dim,
                      PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, fit);
        double dim = pc_model_param_num(m, "dim", 0);
        if (dim > 0) {
            snprintf(buf, sizeof buf, "%.0f\xc2\xb3 grid", dim);
            pc_chart_text(c, vr.x + vr.w - pc_chart_px(c, 8), vr.y + pc_chart_px(c, 14), PC_TEXT_SMALL,
                          c->th->text_faint, PC_ALIGN_RIGHT | PC_ALIGN_MIDDLE, buf);
        }
        if (m->mesh_stride > 1 || m->dropped_mesh) {
            snprintf(buf, sizeof buf, "every %u%s streamed frame kept", m->mesh_stride,
                     m->mesh_stride == 2 ? "nd" : m->mesh_stride == 3 ? "rd" : "th");
            pc_chart_text(c, vr.x + pc_chart_px(c, 8), vr.y + pc_chart_px(c, 14), PC_TEXT_SMALL, c->th->warn,
                          PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, buf);
        }
    }
    return 0;
}

/* ======================= frame-times ======================= */

static void fmt_ms(char *buf, size_t cap, double v) {
    pc_fmt_fixed(buf, cap, v, v < 1 ? 2 : v < 10 ? 1 : 0);
}

int pc_view_volume_frame_times(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    char run[128];
    pc_vc_run_text(m, run, sizeof run);
    int r = pc_vc_begin(&f, fb, m, st, "Frame times", run);
    if (r) return r;
    pc_chart_t *c = &f.c;
    if (!pc_vc_has_run(m)) return pc_vc_nothing_yet(&f, "Waiting for data");
    size_t all = frames_by(m, -1), shown = frames_by(m, f.cursor);
    if (!all) return pc_vc_nothing_yet(&f, "No frames timed yet");

    /* fixed axes from every frame, so the bars fill in while it plays */
    double ymax = 0;
    for (size_t i = 0; i < all; i++) {
        double s = 0;
        for (int k = 0; k < 3; k++) {
            double v = frame_value(m, PART_SERIES[k], i);
            if (pc_isfinite(v) && v > 0) s += v;
        }
        double tot = frame_value(m, "frame_ms", i);
        if (pc_isfinite(tot) && tot > s) s = tot;
        if (s > ymax) ymax = s;
    }
    if (!(ymax > 0)) ymax = 1;
    pc_plot_t p;
    memset(&p, 0, sizeof p);
    p.x.lo = 0.5;
    p.x.hi = (double)all + 0.5;
    p.x.title = "frame";
    p.y.lo = 0;
    p.y.hi = ymax * 1.08;
    p.y.title = "ms per frame";
    p.y.fmt = fmt_ms;
    pc_rect_t outer = f.body;
    int info_h = pc_chart_px(c, 24);
    outer.y += info_h;
    outer.h -= info_h;
    pc_plot_layout(c, &p, outer);
    pc_plot_draw_axes(c, &p);

    double sum[4] = {0, 0, 0, 0};
    for (size_t i = 0; i < shown; i++) {
        double base = 0;
        float x0 = pc_plot_cx(&p, (double)i + 0.5 + 0.1), x1 = pc_plot_cx(&p, (double)i + 1.5 - 0.1);
        int ix0 = (int)floorf(x0), ix1 = (int)floorf(x1);
        if (ix1 <= ix0) ix1 = ix0 + 1;
        for (int k = 0; k < 3; k++) {
            double v = frame_value(m, PART_SERIES[k], i);
            if (!pc_isfinite(v) || v <= 0) continue;
            sum[k] += v;
            int ya = (int)floorf(pc_plot_cy(&p, base + v) + 0.5f), yb = (int)floorf(pc_plot_cy(&p, base) + 0.5f);
            pc_gfx_fill_rect(&p.clip, ix0, ya, ix1 - ix0, yb - ya > 0 ? yb - ya : 1, part_color(c, k));
            base += v;
        }
        double tot = frame_value(m, "frame_ms", i);
        if (pc_isfinite(tot)) sum[3] += tot;
    }
    if (shown) { /* dashed average of the total */
        double avg = sum[3] / (double)shown;
        int y = (int)floorf(pc_plot_fy(&p, avg) + 0.5f);
        pc_gfx_hline_dashed(fb, p.area.x, p.area.x + p.area.w - 1, y, pc_chart_px(c, 1), pc_chart_px(c, 6),
                            pc_chart_px(c, 4), c->th->text);
    }
    pc_legend_item_t items[3];
    for (int k = 0; k < 3; k++) items[k] = (pc_legend_item_t){PART_LABELS[k], part_color(c, k), PC_LEGEND_BOX};
    pc_chart_legend(c, p.area, PC_ALIGN_RIGHT, items, 3);

    char buf[256], a[24], fps[24], b[24], d[24], e[24];
    if (shown) {
        double avg = sum[3] / (double)shown;
        pc_fmt_fixed(a, sizeof a, avg, 2);
        pc_fmt_fixed(fps, sizeof fps, avg > 0 ? 1000.0 / avg : 0, 0);
        pc_fmt_fixed(b, sizeof b, sum[0] / (double)shown, 2);
        pc_fmt_fixed(d, sizeof d, sum[1] / (double)shown, 2);
        pc_fmt_fixed(e, sizeof e, sum[2] / (double)shown, 2);
        snprintf(buf, sizeof buf, "%zu of %zu frames \xc2\xb7 average %s ms (%s fps effective): field %s, marching cubes %s, render %s ms",
                 shown, all, a, fps, b, d, e);
    } else {
        snprintf(buf, sizeof buf, "0 of %zu frames at this time", all);
    }
    if (c->font) {
        char fit[256];
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_LABEL), buf, f.body.w, fit, sizeof fit);
        pc_chart_text(c, f.body.x, f.body.y + info_h / 2, PC_TEXT_LABEL, c->th->text_dim,
                      PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, fit);
    }
    return 0;
}

/* ======================= summary ======================= */

static void kpi_num(pc_vc_kpi_t *k, double v, int decimals, const char *unit) {
    if (!pc_isfinite(v)) {
        dash(k->value, sizeof k->value);
        return;
    }
    char n[48];
    pc_fmt_fixed(n, sizeof n, v, decimals);
    snprintf(k->value, sizeof k->value, "%s%s%s", n, unit ? " " : "", unit ? unit : "");
}

/* A summary number, else the mean of a metric series over the frames shown (live). */
static double avg_or_live(const pc_model_t *m, const char *key, const char *series, size_t n, int *live) {
    double v = pc_model_summary_num(m, key, NAN);
    if (pc_isfinite(v)) return v;
    if (!n) return NAN;
    double s = 0;
    for (size_t i = 0; i < n; i++) s += frame_value(m, series, i);
    *live = 1;
    return s / (double)n;
}

int pc_view_volume_summary(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    int y;
    int r = pc_vc_begin_summary(&f, fb, m, st, &y);
    if (r) return r < 0 ? r : 0;
    pc_chart_t *c = &f.c;
    size_t n = frames_by(m, -1);
    int live = 0;
    double frame = avg_or_live(m, "avg_frame_ms", "frame_ms", n, &live);
    double field = avg_or_live(m, "avg_field_ms", "field_ms", n, &live);
    double mc = avg_or_live(m, "avg_mc_ms", "mc_ms", n, &live);
    double rend = avg_or_live(m, "avg_render_ms", "render_ms", n, &live);
    double tris = avg_or_live(m, "triangles_per_frame", "triangles", n, &live);
    double fps = pc_model_summary_num(m, "effective_fps", NAN);
    if (!pc_isfinite(fps) && frame > 0) fps = 1000.0 / frame;
    const char *note = live ? "so far" : NULL;

    int rows_h = f.body.y + f.body.h - y, gap = pc_chart_px(c, 14);
    int row_h = (rows_h - 2 * gap) / 3;
    if (row_h < pc_chart_px(c, 40)) row_h = pc_chart_px(c, 40);
    pc_vc_kpi_t k[3];
    k[0] = (pc_vc_kpi_t){"average frame", "", note, c->th->text};
    kpi_num(&k[0], frame, 2, "ms");
    k[1] = (pc_vc_kpi_t){"effective frame rate", "", note, c->th->accent};
    kpi_num(&k[1], fps, 0, "fps");
    k[2] = (pc_vc_kpi_t){"triangles per frame", "", note, c->th->text};
    if (pc_isfinite(tris)) pc_fmt_si(k[2].value, sizeof k[2].value, tris, NULL);
    else dash(k[2].value, sizeof k[2].value);
    y = pc_vc_kpi_row(&f, y, row_h, "Frame (field + marching cubes + render)", k, 3) + gap;

    double parts[3] = {field, mc, rend};
    for (int i = 0; i < 3; i++) {
        k[i] = (pc_vc_kpi_t){PART_LABELS[i], "", note, part_color(c, i)};
        kpi_num(&k[i], parts[i], 2, "ms");
    }
    y = pc_vc_kpi_row(&f, y, row_h, "Average per frame", k, 3) + gap;

    double dim = pc_model_summary_num(m, "dim", pc_model_param_num(m, "dim", NAN));
    double frames = pc_model_summary_num(m, "frames", NAN);
    if (!pc_isfinite(frames)) frames = n ? (double)n : NAN;
    char sub[64];
    snprintf(sub, sizeof sub, "%.0fx%.0f px", pc_model_param_num(m, "width", 0), pc_model_param_num(m, "height", 0));
    k[0] = (pc_vc_kpi_t){"grid", "", NULL, c->th->text};
    if (pc_isfinite(dim)) snprintf(k[0].value, sizeof k[0].value, "%.0f\xc2\xb3", dim);
    else dash(k[0].value, sizeof k[0].value);
    k[1] = (pc_vc_kpi_t){"frames", "", live ? "so far" : NULL, c->th->text};
    kpi_num(&k[1], frames, 0, NULL);
    k[2] = (pc_vc_kpi_t){"mesh frames kept", "", NULL, c->th->text};
    snprintf(k[2].value, sizeof k[2].value, "%zu", m->n_mesh);
    y = pc_vc_kpi_row(&f, y, row_h, sub, k, 3);
    return 0;
}

/* ======================= system ======================= */

static const char *jstr(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int jnum(const cJSON *o, const char *key, double *out) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!cJSON_IsNumber(v) || !pc_isfinite(v->valuedouble)) return 0;
    *out = v->valuedouble;
    return 1;
}

/* One "label   value" line of a panel; returns the y of the next line. */
static int kv_line(pc_chart_t *c, pc_rect_t in, int y, const char *label, const char *value) {
    if (!c->font) return y + pc_chart_px(c, 20);
    int lw = in.w * 2 / 5;
    pc_chart_text(c, in.x, y, PC_TEXT_LABEL, c->th->text_dim, PC_ALIGN_LEFT | PC_ALIGN_TOP, label);
    char fit[256];
    pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_LABEL), value ? value : "\xe2\x80\x93", in.w - lw, fit, sizeof fit);
    pc_chart_text(c, in.x + lw, y, PC_TEXT_LABEL, value ? c->th->text : c->th->text_faint, PC_ALIGN_LEFT | PC_ALIGN_TOP,
                  fit);
    return y + pc_chart_px(c, 20);
}

/* "value unit" or NULL when the field is missing. */
static const char *num_text(char *buf, size_t cap, const cJSON *o, const char *key, int decimals, const char *unit) {
    double v;
    if (!jnum(o, key, &v)) return NULL;
    char n[48];
    pc_fmt_fixed(n, sizeof n, v, decimals);
    snprintf(buf, cap, "%s%s%s", n, unit[0] ? " " : "", unit);
    return buf;
}

int pc_view_system(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    pc_vframe_t f;
    char run[128];
    pc_vc_run_text(m, run, sizeof run);
    int r = pc_vc_begin(&f, fb, m, st, "System", run);
    if (r) return r;
    pc_chart_t *c = &f.c;
    if (!pc_vc_has_run(m)) return pc_vc_nothing_yet(&f, "Waiting for data");
    const cJSON *sys = cJSON_GetObjectItemCaseSensitive(m->header, "system");
    if (!cJSON_IsObject(sys)) return pc_vc_nothing_yet(&f, "This run recorded no system information");
    const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(sys, "cpu"), *mem = cJSON_GetObjectItemCaseSensitive(sys, "memory");
    const cJSON *gpu = cJSON_GetObjectItemCaseSensitive(sys, "gpu"), *pl = cJSON_GetObjectItemCaseSensitive(sys, "platform");

    int gap = pc_chart_px(c, 14);
    int cw = (f.body.w - gap) / 2, ch = (f.body.h - gap) / 2;
    pc_rect_t cells[4] = {
        {f.body.x, f.body.y, cw, ch},
        {f.body.x + cw + gap, f.body.y, cw, ch},
        {f.body.x, f.body.y + ch + gap, cw, ch},
        {f.body.x + cw + gap, f.body.y + ch + gap, cw, ch},
    };
    char a[96], b[96], cbuf[96], d[96];

    pc_rect_t in = pc_chart_panel(c, cells[0], "CPU");
    int y = in.y;
    y = kv_line(c, in, y, "model", jstr(cpu, "model"));
    y = kv_line(c, in, y, "architecture", jstr(cpu, "architecture"));
    double pc_, lc;
    int hp = jnum(cpu, "physical_cores", &pc_), hl = jnum(cpu, "logical_cores", &lc);
    if (hp || hl) {
        snprintf(a, sizeof a, "%s physical, %s logical", hp ? "" : "?", hl ? "" : "?");
        if (hp && hl) snprintf(a, sizeof a, "%.0f physical, %.0f logical", pc_, lc);
        else if (hl) snprintf(a, sizeof a, "%.0f logical", lc);
        else snprintf(a, sizeof a, "%.0f physical", pc_);
    }
    y = kv_line(c, in, y, "cores", hp || hl ? a : NULL);
    y = kv_line(c, in, y, "frequency", num_text(b, sizeof b, cpu, "frequency_mhz", 0, "MHz"));
    y = kv_line(c, in, y, "utilization", num_text(cbuf, sizeof cbuf, cpu, "utilization_percent", 1, "%"));
    kv_line(c, in, y, "TSC", num_text(d, sizeof d, cpu, "tsc_ghz", 3, "GHz"));

    in = pc_chart_panel(c, cells[1], "Memory");
    y = in.y;
    y = kv_line(c, in, y, "total", num_text(a, sizeof a, mem, "total_mb", 0, "MiB"));
    y = kv_line(c, in, y, "used", num_text(b, sizeof b, mem, "used_mb", 0, "MiB"));
    y = kv_line(c, in, y, "available", num_text(cbuf, sizeof cbuf, mem, "available_mb", 0, "MiB"));
    double pct;
    if (jnum(mem, "percent", &pct) && in.w > 0) {
        y = kv_line(c, in, y, "in use", num_text(d, sizeof d, mem, "percent", 1, "%"));
        pc_rect_t bar = {in.x, y + pc_chart_px(c, 4), in.w, pc_chart_px(c, 14)};
        pc_chart_progress(c, bar, pct / 100.0, "");
    } else {
        kv_line(c, in, y, "in use", NULL);
    }

    in = pc_chart_panel(c, cells[2], "GPU");
    y = in.y;
    if (cJSON_IsObject(gpu)) {
        y = kv_line(c, in, y, "name", jstr(gpu, "name"));
        double tot, used;
        int ht = jnum(gpu, "memory_total_mb", &tot), hu = jnum(gpu, "memory_used_mb", &used);
        if (ht && hu) snprintf(a, sizeof a, "%.0f of %.0f MiB used", used, tot);
        else if (ht) snprintf(a, sizeof a, "%.0f MiB", tot);
        y = kv_line(c, in, y, "VRAM", ht ? a : NULL);
        y = kv_line(c, in, y, "utilization", num_text(b, sizeof b, gpu, "utilization_percent", 0, "%"));
        kv_line(c, in, y, "source", jstr(gpu, "source"));
    } else {
        y = kv_line(c, in, y, "GPU", "none");
        const char *why = jstr(sys, "gpu_reason");
        if (why && c->font) { /* the reason, wrapped by hand into up to four lines */
            const char *p = why;
            for (int line = 0; line < 4 && *p; line++) {
                char out[256];
                int n = pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_SMALL), p, in.w, out, sizeof out);
                (void)n;
                size_t len = strlen(out);
                int ell = len >= 3 && (unsigned char)out[len - 3] == 0xe2 && (unsigned char)out[len - 2] == 0x80 &&
                          (unsigned char)out[len - 1] == 0xa6;
                if (ell) { /* cut at the last space before the ellipsis */
                    out[len - 3] = '\0';
                    char *sp = strrchr(out, ' ');
                    if (sp && sp != out) *sp = '\0';
                }
                pc_chart_text(c, in.x, y, PC_TEXT_SMALL, c->th->text_faint, PC_ALIGN_LEFT | PC_ALIGN_TOP, out);
                y += pc_chart_px(c, 16);
                p += strlen(out);
                while (*p == ' ') p++;
                if (!ell) break;
            }
        }
    }

    in = pc_chart_panel(c, cells[3], "Platform");
    y = in.y;
    const char *os = jstr(pl, "distribution");
    y = kv_line(c, in, y, "OS", os ? os : jstr(pl, "os"));
    y = kv_line(c, in, y, "kernel", jstr(pl, "kernel"));
    y = kv_line(c, in, y, "architecture", jstr(pl, "architecture"));
    y = kv_line(c, in, y, "host", jstr(pl, "hostname"));
    y = kv_line(c, in, y, "compiler", jstr(pl, "compiler"));
    kv_line(c, in, y, "perfcast", jstr(pl, "perfcast_version"));
    return 0;
}
