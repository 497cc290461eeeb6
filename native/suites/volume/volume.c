/* volume.c — the volume suite: an animated implicit surface, meshed and drawn every frame.
 *
 * Each frame, on the run thread: fill the dim^3 field (torus SDF smooth-joined to a sphere
 * that orbits through it), extract the surface with marching cubes (shared/mc.c) and draw it
 * at width x height with the rasterizer the viewer uses (shared/raster.c). Each of the three
 * is timed with the monotonic clock; a metric record per frame carries field_ms, mc_ms,
 * render_ms, frame_ms and the mesh size. Meshes go out as binary mesh records
 * (shared/meshrec.h), one every round(fps / stream_fps) frames (and always the first and the
 * last), so the stream stays bounded however fast the frames are made; encoding them is
 * outside the timed frame. A full recorder queue drops that mesh (counted), never a timing.
 *
 * One untimed warm-up frame first faults the buffers in (first touch of fresh memory costs
 * ~11 us per page here, which would otherwise land in frame 0). With `pace` the frames are
 * spread out at `fps` in real time, for watching live; by default they run flat out. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mc.h"
#include "meshrec.h"
#include "raster.h"
#include "run.h"
#include "sampler.h"
#include "suite.h"
#include "tsc.h"
#include "vol_field.h"

static double ms_since(uint64_t t0) { return (double)(pc_clock_ns() - t0) / 1e6; }
static double round_to(double v, double unit) { return floor(v / unit + 0.5) * unit; }

typedef struct vol_ctx {
    pc_run_t *run;
    int dim, frames, width, height;
    double fps, stream_fps;
    int pace;
    pc_vol_shape_t shape;
    float *field, *radial;
    uint32_t *px;
    void *scratch;
    size_t scratch_bytes;
    uint8_t *meshbuf;
    size_t meshbuf_cap;
    pc_mc_t *mc;
} vol_ctx_t;

/* Makes sure the render scratch holds n_vert vertices; 0 or PC_ENOMEM. */
static int ensure_scratch(vol_ctx_t *c, size_t n_vert) {
    size_t need = pc_raster_scratch_bytes(c->width, c->height, n_vert);
    if (need <= c->scratch_bytes) return 0;
    need += need / 2; /* room for the mesh to grow a little over the run */
    void *p = realloc(c->scratch, need);
    if (!p) return PC_ENOMEM;
    c->scratch = p;
    c->scratch_bytes = need;
    return 0;
}

/* Field, marching cubes, render for animation time tau; ms[0..2] get the three times. */
static int one_frame(vol_ctx_t *c, double tau, double ms[3]) {
    uint64_t t0 = pc_clock_ns();
    pc_vol_field_fill(c->field, c->radial, c->dim, &c->shape, tau);
    ms[0] = ms_since(t0);
    uint64_t t1 = pc_clock_ns();
    pc_field_t f = {.v = c->field, .nx = c->dim, .ny = c->dim, .nz = c->dim,
                    .origin = {-1, -1, -1}, .step = 2.0f / (float)(c->dim - 1)};
    int r = pc_mc_extract(c->mc, &f, 0.0f);
    ms[1] = ms_since(t1);
    if (r) return r;
    const pc_mesh_t *mesh = pc_mc_mesh(c->mc);
    if ((r = ensure_scratch(c, mesh->n_vert))) return r; /* grows rarely; kept out of the render time */
    uint64_t t2 = pc_clock_ns();
    pc_fb_t fb = pc_fb_make(c->px, c->width, c->height);
    pc_gfx_clear(&fb, PC_HEX(0x0a0e27));
    pc_rmesh_t rm = pc_rmesh_of(mesh);
    const float target[3] = {0, 0, 0};
    pc_camera_t cam = pc_camera_orbit(target, 0.7f, 0.5f, 3.6f);
    pc_material_t mat = {.color = PC_HEX(0x3fb7ff), .ambient = 0.16f, .diffuse = 0.78f, .specular = 0.45f,
                         .shininess_log2 = 5};
    r = pc_raster_mesh(&fb, c->scratch, c->scratch_bytes, &rm, &cam, &mat);
    ms[2] = ms_since(t2);
    return r;
}

/* Emits the mesh of the last frame; 1 when it went out, 0 when the recorder was full. */
static int emit_mesh(vol_ctx_t *c, double t, int frame, int *err) {
    const pc_mesh_t *mesh = pc_mc_mesh(c->mc);
    size_t need = pc_meshrec_size(mesh->n_vert, mesh->n_tri);
    if (need > PC_RECORD_MAX_PAYLOAD) return 0; /* too big to frame: the timing still goes out */
    if (need > c->meshbuf_cap) {
        uint8_t *p = realloc(c->meshbuf, need);
        if (!p) {
            *err = PC_ENOMEM;
            return 0;
        }
        c->meshbuf = p;
        c->meshbuf_cap = need;
    }
    size_t len = pc_meshrec_encode(c->meshbuf, c->meshbuf_cap, mesh, t, (uint32_t)frame);
    if (!len) return 0;
    int r = pc_run_emit(c->run, PC_REC_MESH, PC_ENC_BINARY, c->meshbuf, len);
    if (r == PC_ENOMEM) *err = r;
    return r == 0;
}

static int emit_timing(vol_ctx_t *c, double t, int frame, const double ms[4], size_t tris, size_t verts) {
    cJSON *o = cJSON_CreateObject(), *v = o ? cJSON_AddObjectToObject(o, "values") : NULL;
    if (!v) {
        cJSON_Delete(o);
        return PC_ENOMEM;
    }
    cJSON_AddNumberToObject(o, "t", t);
    cJSON_AddNumberToObject(v, "field_ms", round_to(ms[0], 1e-4));
    cJSON_AddNumberToObject(v, "mc_ms", round_to(ms[1], 1e-4));
    cJSON_AddNumberToObject(v, "render_ms", round_to(ms[2], 1e-4));
    cJSON_AddNumberToObject(v, "frame_ms", round_to(ms[3], 1e-4));
    cJSON_AddNumberToObject(v, "triangles", (double)tris);
    cJSON_AddNumberToObject(v, "vertices", (double)verts);
    cJSON_AddNumberToObject(v, "frame", frame);
    int r;
    PC_SAMPLER_EMIT_FINAL(r = pc_run_emit_json(c->run, PC_REC_METRIC, o)); /* timings are never dropped */
    cJSON_Delete(o);
    return r;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int volume_run(pc_run_t *run) {
    vol_ctx_t c;
    memset(&c, 0, sizeof c);
    c.run = run;
    c.dim = (int)pc_run_param_int(run, "dim");
    c.frames = (int)pc_run_param_int(run, "frames");
    c.fps = pc_run_param_double(run, "fps");
    c.width = (int)pc_run_param_int(run, "width");
    c.height = (int)pc_run_param_int(run, "height");
    c.stream_fps = pc_run_param_double(run, "stream_fps");
    c.pace = pc_run_param_int(run, "pace") != 0;
    c.shape = (pc_vol_shape_t){.major = (float)pc_run_param_double(run, "torus_major_radius"),
                               .minor = (float)pc_run_param_double(run, "torus_minor_radius"),
                               .altitude = (float)pc_run_param_double(run, "torus_altitude"),
                               .smooth = (float)pc_run_param_double(run, "smooth_min_radius"),
                               .sphere = 1};
    size_t n3 = (size_t)c.dim * (size_t)c.dim * (size_t)c.dim;
    double *frame_ms = calloc((size_t)c.frames, sizeof *frame_ms);
    c.field = malloc(n3 * sizeof *c.field);
    c.radial = malloc((size_t)c.dim * (size_t)c.dim * sizeof *c.radial);
    c.px = malloc((size_t)c.width * (size_t)c.height * sizeof *c.px);
    c.mc = pc_mc_create();
    int r = 0;
    if (!frame_ms || !c.field || !c.radial || !c.px || !c.mc) {
        r = pc_run_fail(run, PC_ENOMEM, "out of memory for a %d^3 field and a %dx%d frame", c.dim, c.width, c.height);
        goto out;
    }
    int every = (int)floor(c.fps / c.stream_fps + 0.5);
    if (every < 1) every = 1;

    double ms[4], sums[4] = {0, 0, 0, 0}, tri_sum = 0, vert_sum = 0;
    if ((r = one_frame(&c, 0.0, ms))) { /* warm-up: faults the buffers in, not timed */
        r = pc_run_fail(run, r, "warm-up frame: %s", pc_strerror(r));
        goto out;
    }
    pc_run_event(run, "frames");
    int done = 0, streamed = 0, stream_skipped = 0, err = 0;
    double t_start = pc_run_elapsed(run);
    for (int i = 0; i < c.frames && !pc_run_should_stop(run); i++) {
        if (c.pace) { /* frame i starts at i / fps after the first */
            double wait = t_start + i / c.fps - pc_run_elapsed(run);
            if (wait > 0) pc_sampler_sleep_ns((long)(wait * 1e9));
        }
        uint64_t t0 = pc_clock_ns();
        if ((r = one_frame(&c, i / c.fps, ms))) {
            r = pc_run_fail(run, r, "frame %d: %s", i, pc_strerror(r));
            goto out;
        }
        ms[3] = ms_since(t0);
        const pc_mesh_t *mesh = pc_mc_mesh(c.mc);
        double t = pc_run_elapsed(run);
        if ((r = emit_timing(&c, t, i, ms, mesh->n_tri, mesh->n_vert))) {
            r = pc_run_fail(run, r, "frame %d: cannot record its timing (%s)", i, pc_strerror(r));
            goto out;
        }
        if (i % every == 0 || i == c.frames - 1) {
            if (emit_mesh(&c, t, i, &err)) streamed++;
            else stream_skipped++;
            if (err) {
                r = pc_run_fail(run, err, "frame %d: out of memory encoding its mesh", i);
                goto out;
            }
        }
        for (int k = 0; k < 4; k++) sums[k] += ms[k];
        tri_sum += (double)mesh->n_tri;
        vert_sum += (double)mesh->n_vert;
        frame_ms[done++] = ms[3];
        char phase[48];
        snprintf(phase, sizeof phase, "frame %d/%d", i + 1, c.frames);
        pc_run_progress(run, (double)(i + 1) / c.frames, phase);
    }
    double total_s = pc_run_elapsed(run) - t_start;
    pc_run_event(run, done == c.frames ? "done" : "stopped");

    cJSON *sum = cJSON_CreateObject();
    if (!sum) {
        r = pc_run_fail(run, PC_ENOMEM, "out of memory");
        goto out;
    }
    double n = done ? done : 1;
    cJSON_AddNumberToObject(sum, "frames", done);
    cJSON_AddNumberToObject(sum, "dim", c.dim);
    if (done) {
        cJSON_AddNumberToObject(sum, "avg_frame_ms", round_to(sums[3] / n, 1e-4));
        cJSON_AddNumberToObject(sum, "avg_field_ms", round_to(sums[0] / n, 1e-4));
        cJSON_AddNumberToObject(sum, "avg_mc_ms", round_to(sums[1] / n, 1e-4));
        cJSON_AddNumberToObject(sum, "avg_render_ms", round_to(sums[2] / n, 1e-4));
        cJSON_AddNumberToObject(sum, "effective_fps", sums[3] > 0 ? round_to(1000.0 * n / sums[3], 0.01) : 0);
        cJSON_AddNumberToObject(sum, "triangles_per_frame", round_to(tri_sum / n, 0.1));
        cJSON_AddNumberToObject(sum, "vertices_per_frame", round_to(vert_sum / n, 0.1));
        qsort(frame_ms, (size_t)done, sizeof *frame_ms, cmp_double);
        cJSON_AddNumberToObject(sum, "min_frame_ms", round_to(frame_ms[0], 1e-4));
        cJSON_AddNumberToObject(sum, "p50_frame_ms", round_to(frame_ms[done / 2], 1e-4));
        cJSON_AddNumberToObject(sum, "max_frame_ms", round_to(frame_ms[done - 1], 1e-4));
    }
    cJSON_AddNumberToObject(sum, "total_s", round_to(total_s, 1e-6));
    cJSON_AddNumberToObject(sum, "mesh_frames_streamed", streamed);
    cJSON_AddNumberToObject(sum, "mesh_frames_skipped", stream_skipped);
    cJSON_AddNumberToObject(sum, "width", c.width);
    cJSON_AddNumberToObject(sum, "height", c.height);
    cJSON_AddNumberToObject(sum, "fps", c.fps);
    cJSON_AddBoolToObject(sum, "paced", c.pace);
    pc_run_set_summary(run, sum);
    r = 0;
out:
    free(frame_ms);
    free(c.field);
    free(c.radial);
    free(c.px);
    free(c.scratch);
    free(c.meshbuf);
    pc_mc_destroy(c.mc);
    return r;
}

/* The torus must fit the [-1, 1]^3 grid, or the mesh is cut open at its border. */
static int volume_check(const cJSON *params, pc_errbuf_t *err) {
    double R = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(params, "torus_major_radius"));
    double r = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(params, "torus_minor_radius"));
    if (r >= R)
        return pc_errf(err, PC_EINVAL, "parameters torus_minor_radius (%g) must be smaller than torus_major_radius (%g)",
                       r, R);
    return 0;
}

static const pc_param_def_t volume_params[] = {
    {"dim", PC_PARAM_INT, 64, 32, 2, 256, "cells", "grid points per side of the sampled field (dim^3 in all)"},
    {"frames", PC_PARAM_INT, 120, 24, 1, 100000, "frames", "frames to simulate"},
    {"fps", PC_PARAM_DOUBLE, 30, 30, 1, 240, "frames/s", "animation rate: frame i shows the scene at i / fps seconds"},
    {"width", PC_PARAM_INT, 640, 640, 16, 4096, "px", "width of each rendered frame"},
    {"height", PC_PARAM_INT, 480, 480, 16, 4096, "px", "height of each rendered frame"},
    {"torus_major_radius", PC_PARAM_DOUBLE, 0.55, 0.55, 0.05, 0.9, "", "torus: centre to tube centre (grid spans -1..1)"},
    {"torus_minor_radius", PC_PARAM_DOUBLE, 0.2, 0.2, 0.02, 0.6, "", "torus: tube radius"},
    {"torus_altitude", PC_PARAM_DOUBLE, 0, 0, -0.5, 0.5, "", "torus: height of its plane"},
    {"smooth_min_radius", PC_PARAM_DOUBLE, 0.2, 0.2, 0, 1, "", "polynomial smooth-minimum radius joining torus and sphere"},
    {"stream_fps", PC_PARAM_DOUBLE, 15, 15, 0.1, 240, "frames/s",
     "meshes recorded and streamed per second of animation (every round(fps / stream_fps)-th frame)"},
    {"pace", PC_PARAM_BOOL, 0, 0, 0, 1, "", "run the frames in real time at fps instead of flat out"},
};

static const char *const volume_summary_keys[] = {
    "frames", "dim", "avg_frame_ms", "avg_field_ms", "avg_mc_ms", "avg_render_ms", "effective_fps",
    "triangles_per_frame", NULL,
};

static const char *const volume_views[] = {"volume", "frame-times", "system", "summary", NULL};

static const pc_series_def_t volume_series[] = {
    {"field_ms", "field generation", "ms"}, {"mc_ms", "marching cubes", "ms"},
    {"render_ms", "render", "ms"},          {"frame_ms", "frame", "ms"},
    {"triangles", "triangles", "triangles"}, {"vertices", "vertices", "vertices"},
};

const pc_suite_t pc_suite_volume = {
    .name = "volume",
    .description = "Animated implicit surface (torus SDF smooth-joined to an orbiting sphere) on a dim^3 grid: "
                   "field generation, marching cubes and a software render per frame, timed; meshes streamed",
    .params = volume_params,
    .n_params = sizeof volume_params / sizeof volume_params[0],
    .summary_keys = volume_summary_keys,
    .views = volume_views,
    .series = volume_series,
    .n_series = sizeof volume_series / sizeof volume_series[0],
    .check = volume_check,
    .run = volume_run,
};
