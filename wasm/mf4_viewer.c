/* mf4_viewer.c — the C side of opening an MDF 4 (.mf4) file in the browser viewer.
 *
 * Separate from viewer.c (result files): one open .mf4 file at a time, its channel list as
 * JSON, a selection of up to PC_MF4_PLOT_MAX channels read as physical values, and frames of
 * the channel plot (shared/views/mdf4_views.h) for a time window the page zooms and pans.
 *
 * Memory: the page hands over the file's bytes (malloc'ed in wasm memory by the JS side):
 * this module owns them until the next open or close and reads them in place (no copy). The
 * selected channels take 8 bytes per sample for the values and 8 for their time stamps.
 * Compressed (DZ) blocks are not read here: this build carries no zlib, and the reader says
 * "compressed data not supported here" for them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#else
#define EMSCRIPTEN_KEEPALIVE
#endif

#include "cJSON.h"
#include "font.h"
#include "mdf4/mdf4.h"
#include "pc_error.h"
#include "views/mdf4_views.h"

#define MAX_SIDE 8192

typedef struct sel {
    int ch;
    double *t, *v;
    size_t n;
} sel_t;

static struct {
    uint8_t *bytes;
    size_t len;
    char name[256];
    pc_mf4_file_t *f;
    sel_t sel[PC_MF4_PLOT_MAX];
    int n_sel;
    pc_font_t *font;
    uint32_t *px;
    int w, h;
    pc_errbuf_t err;
    char *str;
} M;

static void clear_sel(void) {
    for (int i = 0; i < M.n_sel; i++) {
        free(M.sel[i].t);
        free(M.sel[i].v);
    }
    M.n_sel = 0;
}

/* Closes the open file and frees its bytes and the selection. */
EMSCRIPTEN_KEEPALIVE void pc_mf4v_close(void) {
    clear_sel();
    pc_mf4_close(M.f);
    M.f = NULL;
    free(M.bytes);
    M.bytes = NULL;
    M.len = 0;
}

/* The last failure's message ("" after a success). */
EMSCRIPTEN_KEEPALIVE const char *pc_mf4v_last_error(void) { return M.err.msg; }

/* True when buf starts like an MDF file. */
EMSCRIPTEN_KEEPALIVE int pc_mf4v_is_mdf(const uint8_t *buf, size_t len) { return pc_mf4_is_mdf(buf, len); }

/* Opens the file in bytes (malloc'ed by the caller; ownership passes here, also on failure).
 * Returns 0 or a PC_E* code with the message in pc_mf4v_last_error. */
EMSCRIPTEN_KEEPALIVE int pc_mf4v_open(uint8_t *bytes, size_t len, const char *name) {
    pc_mf4v_close();
    M.err.msg[0] = 0;
    M.bytes = bytes;
    M.len = len;
    snprintf(M.name, sizeof M.name, "%s", name ? name : "file.mf4");
    pc_mf4_source_t src = {.base = bytes, .size = len, .name = M.name};
    int r = pc_mf4_open(&src, NULL, &M.f, &M.err);
    if (r) pc_mf4v_close();
    return r;
}

static const char *keep(char *s) {
    free(M.str);
    M.str = s;
    return s ? s : "null";
}

/* {"name", "version", "groups":[{"name","records","master","channels":[{"index","name","unit",
 * "type","numeric"}]}]} of the open file, or null. Valid until the next call. */
EMSCRIPTEN_KEEPALIVE const char *pc_mf4v_info_json(void) {
    if (!M.f) return keep(NULL);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", M.name);
    cJSON_AddStringToObject(o, "version", pc_mf4_version(M.f));
    cJSON *gs = cJSON_AddArrayToObject(o, "groups");
    for (int g = 0; g < pc_mf4_n_groups(M.f); g++) {
        const pc_mf4_group_t *gr = pc_mf4_group(M.f, g);
        cJSON *jg = cJSON_CreateObject();
        cJSON_AddItemToArray(gs, jg);
        cJSON_AddStringToObject(jg, "name", gr->name);
        cJSON_AddNumberToObject(jg, "records", (double)gr->n_records);
        cJSON_AddNumberToObject(jg, "master", gr->master);
        cJSON_AddBoolToObject(jg, "readable", gr->readable);
        cJSON_AddStringToObject(jg, "note", gr->note);
        cJSON *cs = cJSON_AddArrayToObject(jg, "channels");
        for (int c = gr->first_channel; c < gr->first_channel + gr->n_channels; c++) {
            const pc_mf4_channel_t *ch = pc_mf4_channel(M.f, c);
            cJSON *jc = cJSON_CreateObject();
            cJSON_AddItemToArray(cs, jc);
            cJSON_AddNumberToObject(jc, "index", c);
            cJSON_AddStringToObject(jc, "name", ch->name);
            cJSON_AddStringToObject(jc, "unit", ch->unit);
            cJSON_AddStringToObject(jc, "type", pc_mf4_type_name(ch));
            cJSON_AddBoolToObject(jc, "numeric", ch->raw != PC_MF4_RAW_NONE);
        }
    }
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return keep(s);
}

/* Reads channel c's physical values (and its group's master, or the record index when it
 * has none) into freshly malloc'ed arrays. Returns 0 or a PC_E* code (message set). */
static int load_channel(int c, sel_t *s) {
    const pc_mf4_channel_t *ch = pc_mf4_channel(M.f, c);
    if (!ch) return pc_errf(&M.err, PC_EINVAL, "%s: no channel %d", M.name, c);
    const pc_mf4_group_t *g = pc_mf4_group(M.f, ch->group);
    size_t n = (size_t)g->n_records;
    memset(s, 0, sizeof *s);
    s->ch = c;
    s->t = malloc(n * sizeof(double) + 8);
    s->v = malloc(n * sizeof(double) + 8);
    void *raw = malloc(n * 8 + 8);
    int r = 0;
    if (!s->t || !s->v || !raw) {
        r = pc_errf(&M.err, PC_ENOMEM, "%s: channel %s: %zu samples do not fit in the memory this page may use",
                    M.name, ch->name, n);
        goto out;
    }
    r = pc_mf4_read(M.f, ch->group, &c, 1, &raw, 0, n, &M.err);
    if (r) goto out;
    pc_mf4_to_physical(ch, raw, n, s->v);
    if (g->master >= 0 && g->master != c && pc_mf4_channel(M.f, g->master)->raw != PC_MF4_RAW_NONE) {
        r = pc_mf4_read(M.f, ch->group, &g->master, 1, &raw, 0, n, &M.err);
        if (r) goto out;
        pc_mf4_to_physical(pc_mf4_channel(M.f, g->master), raw, n, s->t);
    } else {
        for (size_t i = 0; i < n; i++) s->t[i] = (double)i;
    }
    s->n = n;
out:
    free(raw);
    if (r) {
        free(s->t);
        free(s->v);
        s->t = s->v = NULL;
    }
    return r;
}

/* Selects the channels listed in a JSON array of channel indices (at most PC_MF4_PLOT_MAX).
 * Returns 0 or a PC_E* code; on failure the selection is empty. */
EMSCRIPTEN_KEEPALIVE int pc_mf4v_select(const char *json) {
    M.err.msg[0] = 0;
    clear_sel();
    if (!M.f) return pc_errf(&M.err, PC_ESTATE, "no .mf4 file is open");
    cJSON *a = cJSON_Parse(json ? json : "[]");
    if (!cJSON_IsArray(a)) {
        cJSON_Delete(a);
        return pc_errf(&M.err, PC_EINVAL, "select: expected an array of channel indices");
    }
    int r = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, a) {
        if (M.n_sel == PC_MF4_PLOT_MAX) break;
        if (!cJSON_IsNumber(it)) continue;
        r = load_channel(it->valueint, &M.sel[M.n_sel]);
        if (r) break;
        M.n_sel++;
    }
    cJSON_Delete(a);
    if (r) clear_sel();
    return r;
}

/* [t_min, t_max] over the selection as JSON, or null when nothing is selected. */
EMSCRIPTEN_KEEPALIVE const char *pc_mf4v_range_json(void) {
    double lo = 0, hi = 0;
    int any = 0;
    for (int i = 0; i < M.n_sel; i++) {
        if (!M.sel[i].n) continue;
        double a = M.sel[i].t[0], b = M.sel[i].t[M.sel[i].n - 1];
        if (!any || a < lo) lo = a;
        if (!any || b > hi) hi = b;
        any = 1;
    }
    if (!any) return keep(NULL);
    char *s = malloc(80);
    if (s) snprintf(s, 80, "[%.17g,%.17g]", lo, hi);
    return keep(s);
}

/* Every numeric channel of group g as JSON {"names":[...], "values":[[...],...]} (physical
 * values): what the tests compare with the native export. Valid until the next call. */
EMSCRIPTEN_KEEPALIVE const char *pc_mf4v_group_json(int g) {
    M.err.msg[0] = 0;
    const pc_mf4_group_t *gr = M.f ? pc_mf4_group(M.f, g) : NULL;
    if (!gr) {
        pc_errf(&M.err, PC_EINVAL, "no group %d", g);
        return keep(NULL);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *names = cJSON_AddArrayToObject(o, "names");
    cJSON *vals = cJSON_AddArrayToObject(o, "values");
    size_t n = (size_t)gr->n_records;
    void *raw = malloc(n * 8 + 8);
    double *phys = malloc(n * sizeof(double) + 8);
    int r = raw && phys ? 0 : pc_errf(&M.err, PC_ENOMEM, "out of memory");
    for (int c = gr->first_channel; c < gr->first_channel + gr->n_channels && !r; c++) {
        const pc_mf4_channel_t *ch = pc_mf4_channel(M.f, c);
        if (ch->raw == PC_MF4_RAW_NONE) continue;
        r = pc_mf4_read(M.f, g, &c, 1, &raw, 0, n, &M.err);
        if (r) break;
        pc_mf4_to_physical(ch, raw, n, phys);
        cJSON_AddItemToArray(names, cJSON_CreateString(ch->name));
        /* exact digits (cJSON's own number printing rounds with a tolerance) */
        char *txt = malloc(n * 26 + 3);
        if (!txt) {
            r = pc_errf(&M.err, PC_ENOMEM, "out of memory");
            break;
        }
        size_t o = 0;
        txt[o++] = '[';
        for (size_t i = 0; i < n; i++) {
            char b[32];
            snprintf(b, sizeof b, "%.15g", phys[i]);
            if (strtod(b, NULL) != phys[i]) snprintf(b, sizeof b, "%.17g", phys[i]);
            if (i) txt[o++] = ',';
            size_t l = strlen(b);
            memcpy(txt + o, b, l);
            o += l;
        }
        txt[o++] = ']';
        txt[o] = 0;
        cJSON_AddItemToArray(vals, cJSON_CreateRaw(txt));
        free(txt);
    }
    free(raw);
    free(phys);
    char *s = r ? NULL : cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return keep(s);
}

/* Draws the selection over [t0, t1] at w x h device pixels; returns the RGBA pixels (valid
 * until the next render) or NULL with the message set. */
EMSCRIPTEN_KEEPALIVE uint8_t *pc_mf4v_render(int w, int h, float scale, double t0, double t1) {
    M.err.msg[0] = 0;
    if (w < 1 || h < 1 || w > MAX_SIDE || h > MAX_SIDE || !(scale >= 0.25f && scale <= 8.0f)) {
        pc_errf(&M.err, PC_EINVAL, "render: size %dx%d or scale %g out of range", w, h, (double)scale);
        return NULL;
    }
    if (!M.font) M.font = pc_font_create();
    if (w != M.w || h != M.h) {
        free(M.px);
        M.px = malloc((size_t)w * (size_t)h * 4);
        M.w = M.px ? w : 0;
        M.h = M.px ? h : 0;
        if (!M.px) {
            pc_errf(&M.err, PC_ENOMEM, "render: out of memory for %dx%d", w, h);
            return NULL;
        }
    }
    memset(M.px, 0, (size_t)w * (size_t)h * 4);
    pc_fb_t fb = {.px = M.px, .w = w, .h = h, .stride = w};
    pc_view_state_t st = {.t_cursor = -1, .scale = scale, .font = M.font};
    pc_mf4_trace_t tr[PC_MF4_PLOT_MAX];
    for (int i = 0; i < M.n_sel; i++) {
        const pc_mf4_channel_t *ch = pc_mf4_channel(M.f, M.sel[i].ch);
        tr[i] = (pc_mf4_trace_t){ch->name, ch->unit, M.sel[i].t, M.sel[i].v, M.sel[i].n};
    }
    int r = pc_view_mf4_plot(&fb, &st, M.name, tr, M.n_sel, t0, t1);
    if (r) {
        pc_errf(&M.err, r, "render: %s", pc_strerror(r));
        return NULL;
    }
    return (uint8_t *)M.px;
}
