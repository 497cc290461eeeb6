/* fractal.c — the fractal suite: Mandelbrot or Julia escape-time frames along a zoom path,
 * multi-threaded by tiles, with the widest SIMD path the CPU has, instrumented entirely
 * through the tracker (native/tracker.h).
 *
 * Each frame, on the run thread, under the timer "frame": "prepare" (the frame's view of the
 * plane), "iterate" (the workers take tiles from an atomic counter and run the escape-time
 * kernel on each, timer "tile" per tile on the worker), "colour" (the workers turn escape
 * counts into smooth-coloured RGB, "tile.colour" per tile) and "finalize" (metrics and the
 * downscaled frame record). Two phases rather than one keep the iteration rate a measure of
 * the kernel alone. Before the frames, with `compare`, frame 0 is iterated three more ways —
 * scalar on all threads, SIMD on one thread, SIMD on all threads — for speedup_simd and
 * speedup_threads, and once per tile size of FR_SWEEP for the tile sweep (the dashboard's
 * "tile 64 was 1.8x faster than tile 16"). The tracker hands its records to the run's recorder
 * at each frame's end (hist records "timer:<name>", metric records, the call tree, resource
 * samples). Baselines: the `baseline` file (pc_tracker_save_baseline's JSON), else the
 * tracker's values after `warmup` frames; every later frame is checked against it and a
 * metric that gets `threshold` worse (or recovers) becomes an alert record. */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fr_kernel.h"
#include "run.h"
#include "sampler.h"
#include "suite.h"
#include "tracker.h"
#include "tsc.h"

#define FR_MAX_THREADS 64
#define FR_FRAME_HEAD 12 /* u16 w, u16 h, u32 frame, f32 t */
#define FR_MAX_STREAMED 120 /* frames streamed per run at most (every k-th, and the last) */
static const int FR_SWEEP[] = {16, 32, 64, 128, 256}; /* tile sizes the compare pass times */
#define FR_N_SWEEP ((int)(sizeof FR_SWEEP / sizeof FR_SWEEP[0]))

typedef struct fr_ctx {
    pc_run_t *run;
    int w, h, tile, tiles_x, n_tiles, n_threads, active, frames, frame_px;
    pc_fr_job_t job;
    pc_fr_row_fn fn;
    int phase; /* 0: iterate, 1: colour */
    int quit;
    _Atomic int next_tile;
    _Atomic uint64_t iters;
    uint32_t *cnt;
    float *mag;
    uint8_t *rgb;
    uint8_t *rec;
    uint8_t palette[1024][3];
    pthread_mutex_t mu; /* the phase hand-off: gen bumps start a phase, pending counts it down */
    pthread_cond_t cv_go, cv_done;
    unsigned gen;
    int pending;
    pthread_t th[FR_MAX_THREADS];
    int started; /* workers running (joined at the end) */
} fr_ctx_t;

typedef struct fr_worker_arg {
    fr_ctx_t *c;
    int index;
} fr_worker_arg_t;

static double round_to(double v, double unit) { return floor(v / unit + 0.5) * unit; }

/* Smooth colouring: n + 1 - log2(log|z|) (continuous across escape bands) into the palette. */
static void colour_tile(fr_ctx_t *c, int x0, int y0, int x1, int y1) {
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            size_t i = (size_t)y * (size_t)c->w + (size_t)x;
            uint8_t *px = c->rgb + 3 * i;
            if (c->cnt[i] >= (uint32_t)c->job.max_iter) {
                px[0] = px[1] = px[2] = 0;
                continue;
            }
            float nu = (float)c->cnt[i] + 1.0f - log2f(0.5f * log2f(c->mag[i]));
            int k = (int)(nu * 12.0f);
            if (k < 0) k = 0;
            memcpy(px, c->palette[k & 1023], 3);
        }
}

static void run_tiles(fr_ctx_t *c) {
    int t;
    while ((t = atomic_fetch_add(&c->next_tile, 1)) < c->n_tiles) {
        int tx = t % c->tiles_x, ty = t / c->tiles_x;
        int x0 = tx * c->tile, y0 = ty * c->tile;
        int x1 = x0 + c->tile < c->w ? x0 + c->tile : c->w, y1 = y0 + c->tile < c->h ? y0 + c->tile : c->h;
        if (c->phase == 0) {
            uint64_t it = 0;
            PC_TRACK("tile") {
                for (int y = y0; y < y1; y++) {
                    size_t o = (size_t)y * (size_t)c->w + (size_t)x0;
                    it += c->fn(&c->job, y, x0, x1 - x0, c->cnt + o, c->mag + o);
                }
            }
            atomic_fetch_add_explicit(&c->iters, it, memory_order_relaxed);
        } else {
            PC_TRACK("tile.colour") { colour_tile(c, x0, y0, x1, y1); }
        }
    }
}

static void *worker_main(void *arg) {
    fr_worker_arg_t *a = arg;
    fr_ctx_t *c = a->c;
    pc_tracker_thread_init();
    unsigned seen = 0;
    for (;;) {
        pthread_mutex_lock(&c->mu);
        while (c->gen == seen && !c->quit) pthread_cond_wait(&c->cv_go, &c->mu);
        seen = c->gen;
        int quit = c->quit, mine = a->index < c->active;
        pthread_mutex_unlock(&c->mu);
        if (quit) break;
        if (!mine) continue;
        run_tiles(c);
        pthread_mutex_lock(&c->mu);
        if (--c->pending == 0) pthread_cond_signal(&c->cv_done);
        pthread_mutex_unlock(&c->mu);
    }
    return NULL;
}

/* Sets the tile side (between phases only: workers read it when a phase starts). */
static void set_tile(fr_ctx_t *c, int tile) {
    c->tile = tile;
    c->tiles_x = (c->w + tile - 1) / tile;
    c->n_tiles = c->tiles_x * ((c->h + tile - 1) / tile);
}

/* One phase on `active` workers; returns its wall seconds. */
static double run_phase(fr_ctx_t *c, int phase, int active) {
    c->phase = phase;
    c->active = active;
    atomic_store(&c->next_tile, 0);
    uint64_t t0 = pc_clock_ns();
    pthread_mutex_lock(&c->mu);
    c->pending = active;
    c->gen++;
    pthread_cond_broadcast(&c->cv_go);
    while (c->pending > 0) pthread_cond_wait(&c->cv_done, &c->mu);
    pthread_mutex_unlock(&c->mu);
    return (double)(pc_clock_ns() - t0) * 1e-9;
}

/* The view of frame i: the zoom goes geometrically from 1 to `zoom` over the frames. */
static void prepare(fr_ctx_t *c, int i, double zoom, int julia) {
    double f = c->frames > 1 ? (double)i / (c->frames - 1) : 0;
    double scale = pow(zoom, f);
    double cx = julia ? 0.0 : -0.743643887037151, cy = julia ? 0.0 : 0.131825904205330;
    double span = (julia ? 3.2 : 3.0) / scale; /* plane width shown */
    double dx = span / c->w;
    c->job.dx = (float)dx;
    c->job.dy = (float)dx;
    c->job.x0 = (float)(cx - 0.5 * span);
    c->job.y0 = (float)(cy - 0.5 * dx * c->h);
    c->job.julia = julia;
    c->job.jx = -0.8f;
    c->job.jy = 0.156f;
    atomic_store(&c->iters, 0);
}

/* Nearest-neighbour downscale of the RGB frame into a frame record payload; its size. */
static size_t frame_record(fr_ctx_t *c, int frame, double t) {
    int fw = c->frame_px < c->w ? c->frame_px : c->w;
    int fh = (int)((long)c->h * fw / c->w);
    if (fh < 1) fh = 1;
    uint16_t w16 = (uint16_t)fw, h16 = (uint16_t)fh;
    uint32_t fr = (uint32_t)frame;
    float tf = (float)t;
    memcpy(c->rec, &w16, 2);
    memcpy(c->rec + 2, &h16, 2);
    memcpy(c->rec + 4, &fr, 4);
    memcpy(c->rec + 8, &tf, 4);
    uint8_t *o = c->rec + FR_FRAME_HEAD;
    for (int y = 0; y < fh; y++) {
        int sy = (int)((long)y * c->h / fh);
        for (int x = 0; x < fw; x++) {
            int sx = (int)((long)x * c->w / fw);
            memcpy(o, c->rgb + 3 * ((size_t)sy * (size_t)c->w + (size_t)sx), 3);
            o += 3;
        }
    }
    return FR_FRAME_HEAD + (size_t)fw * (size_t)fh * 3;
}

static double rss_mb(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, res = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &res) != 2) res = 0;
        fclose(f);
    }
    return (double)res * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static double peak_rss_mb(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_maxrss / 1024.0;
}

/* Tracker records go to the run's recorder (called on the run thread by pc_tracker_flush). */
static int to_recorder(void *ud, uint16_t kind, uint16_t enc, const void *payload, size_t len) {
    return pc_run_emit(ud, (pc_rec_kind_t)kind, (pc_rec_enc_t)enc, payload, len);
}

static const char *param_str(pc_run_t *run, const char *name) {
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(pc_run_params(run), name));
    return s ? s : "";
}

static pc_fr_isa_t isa_from(const char *s) {
    if (!strcmp(s, "scalar")) return PC_FR_SCALAR;
    if (!strcmp(s, "avx2")) return PC_FR_AVX2;
    if (!strcmp(s, "avx512")) return PC_FR_AVX512;
    return pc_fr_best_isa();
}

static void make_palette(fr_ctx_t *c) {
    for (int i = 0; i < 1024; i++) { /* a cosine palette (Quilez): deep blue, white, orange */
        double t = i / 1024.0;
        double r = 0.5 + 0.5 * cos(6.28318 * (t + 0.00)), g = 0.5 + 0.5 * cos(6.28318 * (t + 0.10)),
               b = 0.5 + 0.5 * cos(6.28318 * (t + 0.20));
        c->palette[i][0] = (uint8_t)(255 * r);
        c->palette[i][1] = (uint8_t)(255 * g);
        c->palette[i][2] = (uint8_t)(255 * b);
    }
}

static void stop_workers(fr_ctx_t *c) {
    pthread_mutex_lock(&c->mu);
    c->quit = 1;
    pthread_cond_broadcast(&c->cv_go);
    pthread_mutex_unlock(&c->mu);
    for (int i = 0; i < c->started; i++) pthread_join(c->th[i], NULL);
    c->started = 0;
}

static int fractal_run(pc_run_t *run) {
    static fr_ctx_t c; /* one run at a time (the tracker is process-wide too); the palette is big */
    memset(&c, 0, sizeof c);
    c.run = run;
    pthread_mutex_init(&c.mu, NULL);
    pthread_cond_init(&c.cv_go, NULL);
    pthread_cond_init(&c.cv_done, NULL);
    c.w = (int)pc_run_param_int(run, "width");
    c.h = (int)pc_run_param_int(run, "height");
    c.tile = (int)pc_run_param_int(run, "tile");
    c.frames = (int)pc_run_param_int(run, "frames");
    c.n_threads = (int)pc_run_param_int(run, "threads");
    c.frame_px = (int)pc_run_param_int(run, "frame_px");
    c.job.max_iter = (int)pc_run_param_int(run, "max_iter");
    double zoom = pc_run_param_double(run, "zoom");
    int julia = !strcmp(param_str(run, "type"), "julia");
    int compare = pc_run_param_int(run, "compare") != 0;
    pc_fr_isa_t isa = isa_from(param_str(run, "simd"));
    c.fn = pc_fr_kernel(isa);
    if (!c.fn)
        return pc_run_fail(run, PC_EINVAL, "parameter simd: this CPU cannot run the %s path", pc_fr_isa_name(isa));
    set_tile(&c, c.tile);
    make_palette(&c);
    const char *baseline_file = param_str(run, "baseline");
    int warmup = (int)pc_run_param_int(run, "warmup");
    double threshold = pc_run_param_double(run, "threshold");

    pc_tracker_config_t cfg = pc_tracker_defaults();
    cfg.sink = to_recorder;
    cfg.sink_ud = run;
    cfg.time_offset_s = pc_run_elapsed(run);
    cfg.history_cap = (size_t)c.frames + 16;
    cfg.regression_threshold = threshold;
    cfg.resource_interval_s = 0.1;
    int r = pc_tracker_init(&cfg);
    if (r) return pc_run_fail(run, r, "cannot start the tracker: %s (one tracker per process)", pc_strerror(r));
    if (*baseline_file && (r = pc_tracker_load_baseline(baseline_file)) != 0) {
        pc_tracker_shutdown();
        return pc_run_fail(run, r, "parameter baseline: %s: %s", baseline_file,
                           r == PC_EIO ? "cannot be read" : "not a baseline file ({\"baselines\": {name: number}})");
    }

    size_t npx = (size_t)c.w * (size_t)c.h;
    c.cnt = malloc(npx * sizeof *c.cnt);
    c.mag = malloc(npx * sizeof *c.mag);
    c.rgb = malloc(npx * 3);
    c.rec = malloc(FR_FRAME_HEAD + npx * 3);
    fr_worker_arg_t args[FR_MAX_THREADS];
    if (!c.cnt || !c.mag || !c.rgb || !c.rec) {
        r = pc_run_fail(run, PC_ENOMEM, "out of memory for a %dx%d frame", c.w, c.h);
        goto out;
    }
    for (int i = 0; i < c.n_threads; i++) {
        args[i] = (fr_worker_arg_t){&c, i};
        if (pthread_create(&c.th[i], NULL, worker_main, &args[i])) {
            r = pc_run_fail(run, PC_ENOMEM, "cannot start worker thread %d", i);
            goto out;
        }
        c.started = i + 1;
    }

    double timer_pair_ns = pc_tracker_measure_pair_ns(1000000);
    double s_simd = 0, s_scalar = 0, s_one = 0; /* seconds to iterate frame 0 each way */
    double s_sweep[FR_N_SWEEP] = {0};
    uint64_t it0 = 0;
    if (compare) { /* frame 0 four ways (the first only faults the buffers in), iterate phase only */
        pc_run_event(run, "compare");
        prepare(&c, 0, zoom, julia);
        run_phase(&c, 0, c.n_threads);
        it0 = atomic_load(&c.iters);
        /* best of 3 each: one frame is short, and a shared machine's noise only ever adds time */
        pc_fr_row_fn best = c.fn, scalar = pc_fr_kernel(PC_FR_SCALAR);
        s_simd = s_scalar = s_one = 1e30;
        for (int rep = 0; rep < 3 && !pc_run_should_stop(run); rep++) {
            double s;
            PC_TRACK("compare.simd") { s = run_phase(&c, 0, c.n_threads); }
            if (s < s_simd) s_simd = s;
            c.fn = scalar;
            PC_TRACK("compare.scalar") { s = run_phase(&c, 0, c.n_threads); }
            if (s < s_scalar) s_scalar = s;
            c.fn = best;
            PC_TRACK("compare.1thread") { s = run_phase(&c, 0, 1); }
            if (s < s_one) s_one = s;
        }
        int tile = c.tile; /* the sweep: frame 0 at each tile side, best of 3 */
        for (int k = 0; k < FR_N_SWEEP && !pc_run_should_stop(run); k++) {
            set_tile(&c, FR_SWEEP[k]);
            s_sweep[k] = 1e30;
            for (int rep = 0; rep < 3; rep++) {
                double s;
                PC_TRACK("compare.tiles") { s = run_phase(&c, 0, c.n_threads); }
                if (s < s_sweep[k]) s_sweep[k] = s;
            }
        }
        set_tile(&c, tile);
        pc_tracker_flush();
    }

    pc_run_event(run, "frames");
    int every = (c.frames + FR_MAX_STREAMED - 1) / FR_MAX_STREAMED, done = 0, streamed = 0;
    double sum_ms = 0, iter_s = 0;
    uint64_t iters = 0;
    for (int i = 0; i < c.frames && !pc_run_should_stop(run); i++) {
        double s_frame = 0, s_iter = 0;
        uint64_t it = 0;
        pc_tracker_start_timer("frame");
        PC_TRACK("prepare") { prepare(&c, i, zoom, julia); }
        PC_TRACK("iterate") { s_iter = run_phase(&c, 0, c.n_threads); }
        it = atomic_load(&c.iters);
        PC_TRACK("colour") { run_phase(&c, 1, c.n_threads); }
        PC_TRACK("finalize") {
            double t = pc_run_elapsed(run);
            if (i % every == 0 || i == c.frames - 1) {
                size_t len = frame_record(&c, i, t);
                if (pc_run_emit(run, PC_REC_FRAME, PC_ENC_BINARY, c.rec, len) == 0) streamed++;
            }
        }
        s_frame = pc_tracker_end_timer("frame");
        double ms = s_frame * 1e3;
        pc_tracker_track_metric("render_ms", round_to(ms, 1e-4));
        pc_tracker_track_metric("fps", s_frame > 0 ? round_to(1.0 / s_frame, 0.01) : 0);
        pc_tracker_track_metric("memory_mb", round_to(rss_mb(), 0.01));
        pc_tracker_track_metric("iterations", (double)it);
        if (!*baseline_file && i + 1 == warmup) pc_tracker_set_baseline();
        pc_tracker_detect_regressions(threshold, NULL, 0); /* alerts on transitions only */
        pc_tracker_flush();
        sum_ms += ms;
        iter_s += s_iter;
        iters += it;
        done++;
        char phase[48];
        snprintf(phase, sizeof phase, "frame %d/%d", i + 1, c.frames);
        pc_run_progress(run, (double)(i + 1) / c.frames, phase);
    }
    pc_run_event(run, done == c.frames ? "done" : "stopped");

    cJSON *sum = cJSON_CreateObject();
    if (!sum) {
        r = pc_run_fail(run, PC_ENOMEM, "out of memory");
        goto out;
    }
    cJSON_AddNumberToObject(sum, "frames", done);
    cJSON_AddNumberToObject(sum, "avg_render_ms", done ? round_to(sum_ms / done, 1e-4) : 0);
    cJSON_AddNumberToObject(sum, "fps", sum_ms > 0 ? round_to(1000.0 * done / sum_ms, 0.01) : 0);
    cJSON_AddNumberToObject(sum, "iterations_per_s", iter_s > 0 ? round(iters / iter_s) : 0);
    cJSON_AddNumberToObject(sum, "iterations_per_frame", done ? round((double)iters / done) : 0);
    if (compare) {
        cJSON_AddNumberToObject(sum, "speedup_simd", s_simd > 0 ? round_to(s_scalar / s_simd, 0.01) : 0);
        cJSON_AddNumberToObject(sum, "speedup_threads", s_simd > 0 ? round_to(s_one / s_simd, 0.01) : 0);
        cJSON_AddNumberToObject(sum, "iterations_per_s_scalar", s_scalar > 0 ? round(it0 / s_scalar) : 0);
        cJSON_AddNumberToObject(sum, "iterations_per_s_1thread", s_one > 0 ? round(it0 / s_one) : 0);
        cJSON_AddNumberToObject(sum, "iterations_per_s_frame0", s_simd > 0 ? round(it0 / s_simd) : 0);
        cJSON *sweep = cJSON_AddArrayToObject(sum, "tile_sweep");
        for (int k = 0; k < FR_N_SWEEP; k++) {
            if (!(s_sweep[k] > 0 && s_sweep[k] < 1e29)) continue;
            cJSON *e = cJSON_CreateObject();
            cJSON_AddNumberToObject(e, "tile", FR_SWEEP[k]);
            cJSON_AddNumberToObject(e, "ms", round_to(s_sweep[k] * 1e3, 1e-4));
            cJSON_AddItemToArray(sweep, e);
        }
    }
    cJSON *avail = cJSON_AddArrayToObject(sum, "simd_available");
    for (pc_fr_isa_t k = PC_FR_AVX512; ; k = (pc_fr_isa_t)(k - 1)) {
        if (pc_fr_kernel(k)) cJSON_AddItemToArray(avail, cJSON_CreateString(pc_fr_isa_name(k)));
        if (k == PC_FR_SCALAR) break;
    }
    pc_tracker_regression_t regs[16];
    int n_reg = pc_tracker_detect_regressions(threshold, regs, 16);
    cJSON *rg = cJSON_AddArrayToObject(sum, "regressions");
    for (int k = 0; k < n_reg && k < 16; k++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "metric", regs[k].metric);
        cJSON_AddNumberToObject(e, "baseline", regs[k].baseline);
        cJSON_AddNumberToObject(e, "current", regs[k].current);
        cJSON_AddNumberToObject(e, "change", round_to(regs[k].change, 1e-4));
        cJSON_AddItemToArray(rg, e);
    }
    cJSON_AddNumberToObject(sum, "peak_rss_mb", round_to(peak_rss_mb(), 0.01));
    cJSON_AddNumberToObject(sum, "timer_pair_ns", round_to(timer_pair_ns, 0.01));
    cJSON_AddStringToObject(sum, "simd", pc_fr_isa_name(isa));
    cJSON_AddNumberToObject(sum, "threads", c.n_threads);
    cJSON_AddNumberToObject(sum, "frames_streamed", streamed);
    pc_run_set_summary(run, sum);
    r = 0;
out:
    stop_workers(&c);
    pc_tracker_flush();
    pc_tracker_shutdown();
    free(c.cnt);
    free(c.mag);
    free(c.rgb);
    free(c.rec);
    return r;
}

static int fractal_check(const cJSON *params, pc_errbuf_t *err) {
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(params, "type"));
    const char *simd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(params, "simd"));
    if (type && *type && strcmp(type, "mandelbrot") && strcmp(type, "julia"))
        return pc_errf(err, PC_EINVAL, "parameter type: \"%s\" is not mandelbrot or julia", type);
    if (simd && *simd && strcmp(simd, "auto") && strcmp(simd, "scalar") && strcmp(simd, "avx2") &&
        strcmp(simd, "avx512"))
        return pc_errf(err, PC_EINVAL, "parameter simd: \"%s\" is not auto, scalar, avx2 or avx512", simd);
    if (simd && *simd && strcmp(simd, "auto") && !pc_fr_kernel(isa_from(simd)))
        return pc_errf(err, PC_EINVAL, "parameter simd: this CPU cannot run the %s path", simd);
    return 0;
}

static const pc_param_def_t fractal_params[] = {
    {"width", PC_PARAM_INT, 640, 320, 16, 8192, "px", "frame width"},
    {"height", PC_PARAM_INT, 480, 240, 16, 8192, "px", "frame height"},
    {"max_iter", PC_PARAM_INT, 256, 128, 8, 100000, "iterations", "escape-time iterations per pixel at most"},
    {"frames", PC_PARAM_INT, 60, 12, 1, 10000, "frames", "frames along the zoom path"},
    {"zoom", PC_PARAM_DOUBLE, 200, 50, 1, 10000, "x",
     "zoom at the last frame (geometric path from 1x; single precision holds to about 10000x)"},
    {"threads", PC_PARAM_INT, 2, 2, 1, FR_MAX_THREADS, "threads", "worker threads taking tiles"},
    {"tile", PC_PARAM_INT, 64, 64, 8, 1024, "px", "tile side: the unit of work a thread takes"},
    {"type", PC_PARAM_STRING, 0, 0, 0, 16, "", "mandelbrot (empty: mandelbrot) or julia (c = -0.8 + 0.156i)"},
    {"simd", PC_PARAM_STRING, 0, 0, 0, 16, "", "kernel path: auto (empty: the widest this CPU runs), avx512, avx2, scalar"},
    {"compare", PC_PARAM_BOOL, 1, 1, 0, 1, "", "also iterate frame 0 scalar and on one thread (speedup_simd, speedup_threads)"},
    {"frame_px", PC_PARAM_INT, 192, 160, 16, 1024, "px", "width of the frames recorded for the fractal view"},
    {"threshold", PC_PARAM_DOUBLE, 0.2, 0.2, 0.01, 10, "", "relative change past the baseline that is a regression alert"},
    {"warmup", PC_PARAM_INT, 5, 3, 1, 10000, "frames", "frames after which the current values become the baseline (no baseline file)"},
    {"baseline", PC_PARAM_STRING, 0, 0, 0, 4096, "", "baseline file to compare with (JSON {\"baselines\": {name: value}}, as the tracker saves)", 1},
};

static const char *const fractal_summary_keys[] = {
    "frames", "avg_render_ms", "fps", "iterations_per_s", "speedup_simd", "speedup_threads", "peak_rss_mb",
    "timer_pair_ns", NULL,
};

static const char *const fractal_views[] = {"fractal", "dashboard", "summary", "system", NULL};

static const pc_series_def_t fractal_series[] = {
    {"render_ms", "render time", "ms"}, {"fps", "frames per second", "fps"},
    {"memory_mb", "resident memory", "MB"}, {"iterations", "iterations per frame", "iterations"},
    {"timer:frame", "frame", "ns"}, {"timer:iterate", "iterate (all tiles)", "ns"},
    {"timer:colour", "colour (all tiles)", "ns"}, {"timer:tile", "one tile", "ns"},
};

const pc_suite_t pc_suite_fractal = {
    .name = "fractal",
    .description = "Mandelbrot / Julia escape-time frames along a zoom path, tiled over threads, SIMD "
                   "(AVX-512/AVX2/scalar at run time), smooth colouring; instrumented with the tracker",
    .params = fractal_params,
    .n_params = sizeof fractal_params / sizeof fractal_params[0],
    .summary_keys = fractal_summary_keys,
    .views = fractal_views,
    .series = fractal_series,
    .n_series = sizeof fractal_series / sizeof fractal_series[0],
    .check = fractal_check,
    .run = fractal_run,
};
