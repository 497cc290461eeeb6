/* viewer.c — the C side of the browser viewer: one result model, one font, one framebuffer.
 *
 * The page (www/app.js through www/viewer.js) and the wasm test (tests/wasm/) call these
 * exported functions; everything they draw comes from shared/, the same code `perfcast render`
 * runs natively, so the canvas shows the same pixels as a rendered PNG.
 *
 * There is exactly one viewer per module instance (a page shows one run at a time), so the
 * state is a file-local struct rather than a handle the JS side would have to carry.
 *
 * Memory: the model grows only as records arrive (bounded by model.h's limits); the
 * framebuffer is reallocated only when the requested size changes; strings returned to JS
 * live in one buffer per function, valid until that function is called again.
 *
 * Byte buffers from JS: the caller malloc()s len bytes in wasm memory, copies the data in,
 * calls feed/load_file and then free()s it; nothing here keeps a pointer into it (the model
 * copies what it keeps). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#else
#define EMSCRIPTEN_KEEPALIVE /* built natively only by tests that call these functions directly */
#endif

#include "cJSON.h"
#include "font.h"
#include "mc.h"
#include "model.h"
#include "pc_error.h"
#include "views.h"
#include "views/dash_rules.h"

/* Largest framebuffer a page may ask for: 8192 x 8192 device pixels (256 MiB) is beyond any
 * screen, and bounding it keeps a bad size from exhausting wasm memory. */
#define PC_VIEWER_MAX_SIDE 8192

typedef struct pc_viewer {
    pc_model_t *model;
    pc_font_t *font;
    uint32_t *px;       /* framebuffer, w * h pixels, reallocated only on size change */
    int w, h;
    pc_errbuf_t err;    /* the last failure, "" when the last call succeeded */
    pc_load_info_t info; /* from the last load_file: torn-tail warning */
    int init_rc;        /* result of the one-time initialisation */
    int inited;
    char *str[5];       /* returned JSON strings, one slot per function (see enum below) */
    float yaw, pitch, zoom; /* orbit camera of 3D views (pc_viewer_set_camera); 0: defaults */
    void *scratch;      /* 3D views' z-buffer, grown to pc_view_scratch_bytes, kept across frames */
    size_t scratch_bytes;
    /* 2D views' own state (dashboard: time window, selected metric, a drag in progress), kept
     * across frames and changed only by pc_viewer_input; cleared for every new run */
    pc_view_state_t vs;
    char last_view[64]; /* what the last successful render drew, for pc_viewer_input */
    float last_scale;
    double last_cursor;
    char alerts[600];   /* pc_viewer_alerts_text's result */
} pc_viewer_t;

enum { STR_VIEWS, STR_SUMMARY, STR_STATUS, STR_HEADER, STR_VSTATE };

static pc_viewer_t V;

/* Creates the model and the font on first use. Returns 0 or PC_ENOMEM (with a message). */
static int viewer_init(void) {
    if (V.inited) return V.init_rc;
    V.inited = 1;
    V.model = pc_model_create();
    V.font = pc_font_create();
    if (!V.model || !V.font) {
        pc_model_destroy(V.model);
        pc_font_destroy(V.font);
        V.model = NULL;
        V.font = NULL;
        V.init_rc = pc_errf(&V.err, PC_ENOMEM, "viewer: out of memory creating the model or the font");
    }
    return V.init_rc;
}

/* Keeps s (malloc'ed, may be NULL) as the returned string of slot `slot`, freeing the one it
 * replaces; returns it, or "null" when s is NULL so JS always gets valid JSON. */
static const char *keep_str(int slot, char *s) {
    free(V.str[slot]);
    V.str[slot] = s;
    return s ? s : "null";
}

static void clear_error(void) { V.err.msg[0] = '\0'; }

/* Sets last_error from code when the callee left no message. Returns code. */
static int fail(int code) {
    if (!V.err.msg[0]) pc_errf(&V.err, code, "%s", pc_strerror(code));
    return code;
}

/* Empties the model for a new run (the page calls this on run_started). Returns 0, or
 * PC_ENOMEM when the viewer could not be created. */
EMSCRIPTEN_KEEPALIVE int pc_viewer_reset(void) {
    clear_error();
    int r = viewer_init();
    if (r < 0) return r;
    pc_model_reset(V.model);
    memset(&V.info, 0, sizeof V.info);
    memset(&V.vs, 0, sizeof V.vs); /* a new run starts at its whole length, first metric */
    return 0;
}

/* Applies one binary WebSocket message of whole records. Returns 0, or a negative PC_E* code
 * with last_error() naming the byte offset; records before the failing one stay applied. */
EMSCRIPTEN_KEEPALIVE int pc_viewer_feed(const uint8_t *buf, size_t len) {
    clear_error();
    int r = viewer_init();
    if (r < 0) return r;
    if (!buf && len) return pc_errf(&V.err, PC_EINVAL, "feed: no buffer for %zu bytes", len);
    r = pc_model_feed(V.model, buf, len, &V.err);
    return r < 0 ? fail(r) : 0;
}

/* Loads a whole result file, replacing whatever was shown. `name` (may be NULL) appears in
 * messages. Returns 0 — then warning() says whether a torn tail was skipped — or a negative
 * PC_E* code with last_error() naming the file and the byte position. */
EMSCRIPTEN_KEEPALIVE int pc_viewer_load_file(const uint8_t *buf, size_t len, const char *name) {
    int r = pc_viewer_reset();
    if (r < 0) return r;
    if (!buf && len) return pc_errf(&V.err, PC_EINVAL, "load: no buffer for %zu bytes", len);
    r = pc_model_load(V.model, buf ? buf : (const uint8_t *)"", len, name, &V.info, &V.err);
    if (r < 0) {
        /* don't leave half a run on screen after a failed load */
        pc_model_reset(V.model);
        return fail(r);
    }
    return 0;
}

/* The message of the last failed call, "" when the last call succeeded. Static storage. */
EMSCRIPTEN_KEEPALIVE const char *pc_viewer_last_error(void) { return V.err.msg; }

/* The torn-tail warning of the last load_file ("" when the file was whole). Static storage. */
EMSCRIPTEN_KEEPALIVE const char *pc_viewer_warning(void) { return V.info.truncated ? V.info.warning : ""; }

/* Orbit camera for 3D views (the volume view): yaw and pitch in radians, zoom a factor (see
 * pc_view_state_t; 0 means the view's default). The page calls it on mouse drag and wheel,
 * then renders again. Values that are not finite are ignored. */
EMSCRIPTEN_KEEPALIVE void pc_viewer_set_camera(float yaw, float pitch, float zoom) {
    if (yaw == yaw && yaw - yaw == 0) V.yaw = yaw;
    if (pitch == pitch && pitch - pitch == 0) V.pitch = pitch;
    if (zoom == zoom && zoom - zoom == 0) V.zoom = zoom;
}

/* Fills the camera and (grown when needed, kept across frames) the scratch memory of a 3D
 * view; a failed growth leaves the scratch out and the view allocates per frame instead. */
static void viewer_3d_state(const char *name, int w, int h, pc_view_state_t *st) {
    st->yaw = V.yaw;
    st->pitch = V.pitch;
    st->zoom = V.zoom;
    size_t need = pc_view_scratch_bytes(name, V.model, w, h);
    if (need > V.scratch_bytes) {
        void *p = realloc(V.scratch, need);
        if (p) {
            V.scratch = p;
            V.scratch_bytes = need;
        }
    }
    st->scratch = V.scratch;
    st->scratch_bytes = V.scratch_bytes;
}

/* Draws view `name` at w x h device pixels (scale = device pixels per CSS pixel; t_cursor in
 * seconds since run start, < 0 for everything). Returns a pointer to w*h RGBA pixels (valid
 * until the next render or reset), or NULL with last_error() saying why. */
EMSCRIPTEN_KEEPALIVE uint8_t *pc_viewer_render(const char *name, int w, int h, float scale, double t_cursor) {
    clear_error();
    if (viewer_init() < 0) return NULL;
    if (!name || w < 1 || h < 1 || w > PC_VIEWER_MAX_SIDE || h > PC_VIEWER_MAX_SIDE) {
        pc_errf(&V.err, PC_EINVAL, "render: size %dx%d outside 1..%d", w, h, PC_VIEWER_MAX_SIDE);
        return NULL;
    }
    if (!(scale >= 0.25f && scale <= 8.0f)) {
        pc_errf(&V.err, PC_EINVAL, "render: scale %g outside 0.25..8", (double)scale);
        return NULL;
    }
    if (!pc_view_find(name)) {
        pc_errf(&V.err, PC_ENOTFOUND, "render: no view named \"%s\"", name);
        return NULL;
    }
    if (w != V.w || h != V.h) {
        free(V.px);
        V.px = malloc((size_t)w * (size_t)h * sizeof *V.px);
        if (!V.px) {
            V.w = V.h = 0;
            pc_errf(&V.err, PC_ENOMEM, "render: out of memory for a %dx%d framebuffer", w, h);
            return NULL;
        }
        V.w = w;
        V.h = h;
    }
    /* Start from zeroed pixels every frame, as `perfcast render` does (calloc): a view that
     * leaves a pixel untouched still gives the same bytes on both sides, never stale ones. */
    memset(V.px, 0, (size_t)w * (size_t)h * sizeof *V.px);
    pc_fb_t fb = {.px = V.px, .w = w, .h = h, .stride = w};
    pc_view_state_t st = V.vs;
    st.t_cursor = t_cursor;
    st.scale = scale;
    st.font = V.font;
    viewer_3d_state(name, w, h, &st);
    int r = pc_view_draw(name, &fb, V.model, &st);
    if (r < 0) {
        pc_errf(&V.err, r, "render: view \"%s\" failed: %s", name, pc_strerror(r));
        return NULL;
    }
    snprintf(V.last_view, sizeof V.last_view, "%s", name);
    V.last_scale = scale;
    V.last_cursor = t_cursor;
    return (uint8_t *)V.px;
}

/* One pointer event on the canvas (kind: pc_input_kind_t — 1 down, 2 move, 3 up, 4 wheel with
 * delta > 0 away from the user, 5 double click; x, y in device pixels of the last rendered
 * frame) for the view the last render drew, at that render's size, scale and cursor. Returns
 * 1 when the view's state changed (render again), 0 when nothing changed or the view takes no
 * input (everything but the dashboard today, and the volume view whose camera the page keeps). */
EMSCRIPTEN_KEEPALIVE int pc_viewer_input(int kind, float x, float y, float delta) {
    if (!V.inited || !V.model || !V.last_view[0] || !V.w || !V.h) return 0;
    pc_view_state_t st = V.vs;
    st.t_cursor = V.last_cursor;
    st.scale = V.last_scale;
    st.font = V.font;
    pc_view_input_t in = {.kind = kind, .x = x, .y = y, .delta = delta};
    int r = pc_view_input(V.last_view, &st, V.model, V.w, V.h, &in);
    V.vs = st;
    V.vs.font = NULL; /* only its persistent fields matter; render fills the rest */
    return r > 0 ? 1 : 0;
}

/* The view state pc_viewer_input keeps, as JSON {"win_t0", "win_t1", "select"} (win_t1 <= win_t0:
 * the whole run): what `perfcast render --window T0:T1 --select N` needs to draw the same frame.
 * Valid until the next call. */
EMSCRIPTEN_KEEPALIVE const char *pc_viewer_view_state_json(void) {
    cJSON *o = cJSON_CreateObject();
    if (!o) return "null";
    cJSON_AddNumberToObject(o, "win_t0", V.vs.win_t0);
    cJSON_AddNumberToObject(o, "win_t1", V.vs.win_t1);
    cJSON_AddNumberToObject(o, "select", V.vs.select);
    const char *s = keep_str(STR_VSTATE, cJSON_PrintUnformatted(o));
    cJSON_Delete(o);
    return s;
}

/* The metrics in regression at time t (< 0: the end) as one line of text for the page's alert
 * banner ("render_ms 35% worse than baseline (12.1 ms -> 16.3 ms), ..."), "" when none. Valid
 * until the next call. */
EMSCRIPTEN_KEEPALIVE const char *pc_viewer_alerts_text(double t) {
    V.alerts[0] = '\0';
    if (V.model) pc_dash_alerts_text(V.model, t, V.alerts, sizeof V.alerts);
    return V.alerts;
}

/* Bumped on every applied record and on reset: the page redraws only when it changed (or the
 * size or view did). A double because JS reads it as a Number (exact up to 2^53). */
EMSCRIPTEN_KEEPALIVE double pc_viewer_model_version(void) {
    return V.model ? (double)V.model->version : 0.0;
}

/* The run's length so far in seconds (pc_model_duration: the largest record "t"), 0 when
 * nothing is loaded. The page's scrub slider spans [0, this]. */
/* pc_mc_tables_hash of freshly derived marching-cubes tables (tests: must equal native's). */
EMSCRIPTEN_KEEPALIVE double pc_viewer_mc_tables_hash(void) {
    pc_mc_t *mc = pc_mc_create();
    double h = mc ? (double)pc_mc_tables_hash(mc) : -1.0;
    pc_mc_destroy(mc);
    return h;
}

EMSCRIPTEN_KEEPALIVE double pc_viewer_duration(void) {
    return V.model ? pc_model_duration(V.model) : 0.0;
}

/* Keeps in *best the candidate c when it lies strictly beyond t in direction dir and is
 * nearer to t than *best (*have says whether *best holds one yet). */
static void nearer(double c, double t, int dir, double *best, int *have) {
    if (!(dir > 0 ? c > t : c < t)) return;
    if (!*have || (dir > 0 ? c < *best : c > *best)) {
        *best = c;
        *have = 1;
    }
}

/* Where an arrow key moves the playback cursor: the nearest moment after t (dir > 0) or
 * before t (dir < 0) at which an animated view's data changes — a book frame, a histogram
 * delta or the end of a throughput window — so each step shows a new frame. t < 0
 * ("everything") counts as the run's end. Returns t itself when there is none that way, and
 * 0 when stepping back from before the first record. A linear scan, not a binary
 * search: records are nearly but not strictly ordered by t, and a keypress can afford it. */
EMSCRIPTEN_KEEPALIVE double pc_viewer_step_time(double t, int dir) {
    if (!V.model || dir == 0) return t;
    const pc_model_t *m = V.model;
    if (t < 0) t = pc_model_duration(m);
    double best = t;
    int have = 0;
    for (size_t i = 0; i < m->n_book; i++) nearer(m->book[i].t, t, dir, &best, &have);
    for (size_t i = 0; i < m->n_mesh; i++) nearer(m->mesh[i].t, t, dir, &best, &have);
    for (int k = 0; k < m->n_series; k++) {
        const pc_series_t *s = &m->series[k];
        for (size_t i = 0; i < s->n_steps; i++) nearer(s->steps[i].t, t, dir, &best, &have);
        for (size_t i = 0; i < s->n_windows; i++) nearer(s->windows[i].t, t, dir, &best, &have);
    }
    if (dir < 0 && !have && t > 0) return 0; /* before the first record: the run's start */
    return best;
}

/* Appends {"name","title","animated"} for view def d to arr (no duplicates). */
static void add_view(cJSON *arr, const pc_view_def_t *d) {
    const cJSON *e;
    cJSON_ArrayForEach(e, arr) {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "name");
        if (cJSON_IsString(n) && strcmp(n->valuestring, d->name) == 0) return;
    }
    cJSON *o = cJSON_CreateObject();
    if (!o) return;
    cJSON_AddStringToObject(o, "name", d->name);
    cJSON_AddStringToObject(o, "title", d->title ? d->title : d->name);
    cJSON_AddBoolToObject(o, "animated", d->animated != 0);
    cJSON_AddItemToArray(arr, o);
}

/* The views this run can show, as a JSON array of {name, title, animated}: the header's
 * "views" list (names the registry knows, in the header's order), else the registry's views
 * for the run's suite plus the generic ones, else (nothing loaded) every registered view.
 * Valid until the next call. */
EMSCRIPTEN_KEEPALIVE const char *pc_viewer_views_json(void) {
    if (viewer_init() < 0) return "[]";
    cJSON *arr = cJSON_CreateArray();
    if (!arr) return "[]";
    const cJSON *hv = cJSON_GetObjectItemCaseSensitive(V.model->header, "views");
    const cJSON *e;
    cJSON_ArrayForEach(e, hv) {
        /* the row for this run's suite: "animated" may differ between suites' rows */
        const pc_view_def_t *d =
            cJSON_IsString(e) ? pc_view_find_for(e->valuestring, V.model->suite[0] ? V.model->suite : NULL) : NULL;
        if (d) add_view(arr, d);
    }
    if (cJSON_GetArraySize(arr) == 0) {
        size_t n = 0;
        const pc_view_def_t *all = pc_views(&n);
        const char *suite = V.model->header ? V.model->suite : NULL;
        for (size_t i = 0; i < n; i++)
            if (!suite || !all[i].suite || strcmp(all[i].suite, suite) == 0) add_view(arr, &all[i]);
    }
    const char *s = keep_str(STR_VIEWS, cJSON_PrintUnformatted(arr));
    cJSON_Delete(arr);
    return s;
}

/* The run's summary record as JSON, or "null" before it arrives. Valid until the next call. */
EMSCRIPTEN_KEEPALIVE const char *pc_viewer_summary_json(void) {
    if (viewer_init() < 0 || !V.model->summary) return keep_str(STR_SUMMARY, NULL);
    return keep_str(STR_SUMMARY, cJSON_PrintUnformatted(V.model->summary));
}

/* The run's header record as JSON (run id, suite, params, system info), or "null". Valid
 * until the next call. */
EMSCRIPTEN_KEEPALIVE const char *pc_viewer_header_json(void) {
    if (viewer_init() < 0 || !V.model->header) return keep_str(STR_HEADER, NULL);
    return keep_str(STR_HEADER, cJSON_PrintUnformatted(V.model->header));
}

/* Where the run stands, as JSON: {run_id, suite, status ("empty", "running", "ok",
 * "stopped", "error"), finished, progress (0..1), phase, t_last, records, message, warning}.
 * Valid until the next call. */
EMSCRIPTEN_KEEPALIVE const char *pc_viewer_status_json(void) {
    if (viewer_init() < 0) return keep_str(STR_STATUS, NULL);
    const pc_model_t *m = V.model;
    cJSON *o = cJSON_CreateObject();
    if (!o) return keep_str(STR_STATUS, NULL);
    cJSON_AddStringToObject(o, "run_id", m->run_id);
    cJSON_AddStringToObject(o, "suite", m->suite);
    cJSON_AddStringToObject(o, "status", m->status);
    cJSON_AddBoolToObject(o, "finished", m->finished != 0);
    cJSON_AddNumberToObject(o, "progress", m->progress);
    cJSON_AddStringToObject(o, "phase", m->phase);
    cJSON_AddNumberToObject(o, "t_last", m->t_last);
    cJSON_AddNumberToObject(o, "records", (double)m->n_records);
    cJSON_AddStringToObject(o, "message", m->end_message);
    cJSON_AddStringToObject(o, "warning", pc_viewer_warning());
    const char *s = keep_str(STR_STATUS, cJSON_PrintUnformatted(o));
    cJSON_Delete(o);
    return s;
}
