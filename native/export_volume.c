/* export_volume.c — `perfcast export RESULT --format volume-json -o OUT.json`.
 *
 * The JSON layout that frontends of marching-cubes simulations consume:
 *
 *   {"type": "gif_animation",
 *    "gif_data": base64 of an animated GIF of the `volume` view (one frame per kept mesh),
 *    "benchmark_data": {
 *       "system_info": {cpu, memory, gpu (null when none, with gpu_reason), platform},
 *       "performance_metrics": {total_time, avg_frame_time, avg_field_generation,
 *                               avg_marching_cubes, avg_rendering, effective_fps,
 *                               gif_creation_time, frame_conversion_time},
 *       "individual_frame_times": [...], "field_generation_times": [...],
 *       "marching_cubes_times": [...], "rendering_times": [...],
 *       "simulation_settings": {resolution [w, h], dimension, num_frames, fps, torus_altitude,
 *                               torus_major_radius, torus_minor_radius, smooth_min_radius}}}
 *
 * Times are seconds (the frame arrays too; the result file has them in ms). The GIF is made
 * here, so gif_creation_time (palette + LZW encoding) and frame_conversion_time (drawing the
 * meshes into frames) are this export's own measurements. Written to a temporary and renamed:
 * the output appears whole or not at all. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cJSON.h"
#include "cli.h"
#include "font.h"
#include "gif.h"
#include "model.h"
#include "tsc.h"
#include "views.h"

#define MAX_RESULT_BYTES ((size_t)1 << 31)
#define MAX_GIF_FRAMES 600
#define PALETTE_SAMPLES 8

static const char usage[] =
    "usage: perfcast export RESULT --format volume-json -o OUT.json [--width W] [--height H]\n"
    "                       [--frames N] [--fps F]\n"
    "\n"
    "Writes one JSON file in the layout marching-cubes frontends read: type \"gif_animation\",\n"
    "gif_data (base64 GIF of the volume view, one frame per recorded mesh), benchmark_data with\n"
    "system_info, performance_metrics, the per-frame time arrays and simulation_settings. Times\n"
    "are in seconds.\n"
    "\n"
    "  --format F   volume-json (the only single-file format so far)\n"
    "  -o OUT       output file\n"
    "  --width W    GIF width in pixels (default: the run's width, else 640)\n"
    "  --height H   GIF height in pixels (default: the run's height, else 480)\n"
    "  --frames N   at most N GIF frames, spread evenly over the recorded meshes (default 600)\n"
    "  --fps F      GIF playback rate (default: the run's stream_fps, at most 50)\n";

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of n bytes as a malloc'ed string (caller frees), NULL when out of memory. */
static char *base64(const uint8_t *p, size_t n) {
    char *out = malloc((n + 2) / 3 * 4 + 1), *o = out;
    if (!out) return NULL;
    size_t i = 0;
    for (; i + 2 < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        *o++ = B64[v >> 18];
        *o++ = B64[v >> 12 & 63];
        *o++ = B64[v >> 6 & 63];
        *o++ = B64[v & 63];
    }
    if (i < n) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0);
        *o++ = B64[v >> 18];
        *o++ = B64[v >> 12 & 63];
        *o++ = i + 1 < n ? B64[v >> 6 & 63] : '=';
        *o++ = '=';
    }
    *o = '\0';
    return out;
}

typedef struct gif_job {
    const pc_model_t *m;
    int w, h, frames;
    double fps;
    double convert_s, create_s;
    uint8_t *bytes;
    size_t len;
} gif_job_t;

/* The cursor of GIF frame i: kept mesh frame number i * (n_mesh - 1) / (frames - 1). */
static double frame_cursor(const gif_job_t *j, int i) {
    const pc_model_t *m = j->m;
    if (!m->n_mesh) return -1;
    size_t k = j->frames > 1 ? (size_t)((double)i * (double)(m->n_mesh - 1) / (double)(j->frames - 1) + 0.5) : m->n_mesh - 1;
    if (k >= m->n_mesh) k = m->n_mesh - 1;
    return m->mesh[k].t;
}

/* Draws the volume view at GIF frame i into fb; adds the time to j->convert_s. */
static int draw_frame(gif_job_t *j, pc_fb_t *fb, pc_view_state_t *st, int i, pc_errbuf_t *err) {
    uint64_t t0 = pc_clock_ns();
    memset(fb->px, 0, (size_t)fb->w * (size_t)fb->h * sizeof *fb->px);
    st->t_cursor = frame_cursor(j, i);
    int r = pc_view_draw("volume", fb, j->m, st);
    j->convert_s += (double)(pc_clock_ns() - t0) / 1e9;
    return r ? pc_errf(err, r, "drawing GIF frame %d: %s", i, pc_strerror(r)) : 0;
}

/* Renders and encodes the GIF into j->bytes (malloc'ed). Returns 0 or PC_E* with err. */
static int make_gif(gif_job_t *j, pc_errbuf_t *err) {
    int r = 0;
    uint32_t *px = calloc((size_t)j->w * (size_t)j->h, sizeof *px);
    size_t sb = pc_view_scratch_bytes("volume", j->m, j->w, j->h);
    void *scratch = sb ? malloc(sb) : NULL;
    pc_font_t *font = pc_font_create();
    pc_gif_palette_t *pal = pc_gif_palette_create();
    FILE *tmp = tmpfile();
    pc_gif_t *g = NULL;
    if (!px || (sb && !scratch) || !font || !pal) {
        r = pc_errf(err, PC_ENOMEM, "out of memory for a %dx%d GIF", j->w, j->h);
        goto out;
    }
    if (!tmp) {
        r = pc_errf(err, PC_EIO, "cannot create a temporary file for the GIF: %s", strerror(errno));
        goto out;
    }
    pc_fb_t fb = pc_fb_make(px, j->w, j->h);
    pc_view_state_t st = {.t_cursor = -1, .scale = 1, .font = font, .scratch = scratch, .scratch_bytes = sb};
    int samples = j->frames < PALETTE_SAMPLES ? j->frames : PALETTE_SAMPLES;
    for (int s = 0; s < samples && r == 0; s++) {
        int i = samples > 1 ? (int)((long long)s * (j->frames - 1) / (samples - 1)) : 0;
        if ((r = draw_frame(j, &fb, &st, i, err)) == 0) {
            uint64_t t0 = pc_clock_ns();
            pc_gif_palette_add(pal, &fb);
            j->create_s += (double)(pc_clock_ns() - t0) / 1e9;
        }
    }
    if (r) goto out;
    uint64_t t0 = pc_clock_ns();
    pc_gif_palette_build(pal);
    int fd = dup(fileno(tmp));
    if (fd < 0) {
        r = pc_errf(err, PC_EIO, "cannot duplicate the temporary file: %s", strerror(errno));
        goto out;
    }
    if ((r = pc_gif_open(&g, fd, j->w, j->h, pal, err))) goto out;
    j->create_s += (double)(pc_clock_ns() - t0) / 1e9;
    int delay = (int)floor(100.0 / j->fps + 0.5);
    if (delay < 2) delay = 2;
    for (int i = 0; i < j->frames && r == 0; i++) {
        if ((r = draw_frame(j, &fb, &st, i, err))) break;
        t0 = pc_clock_ns();
        r = pc_gif_add_frame(g, &fb, i == j->frames - 1 ? delay + 100 : delay, err);
        j->create_s += (double)(pc_clock_ns() - t0) / 1e9;
    }
    if (r) goto out;
    t0 = pc_clock_ns();
    r = pc_gif_close(g, err);
    g = NULL;
    j->create_s += (double)(pc_clock_ns() - t0) / 1e9;
    if (r) goto out;
    long len = (fseek(tmp, 0, SEEK_END) == 0) ? ftell(tmp) : -1;
    if (len <= 0 || fseek(tmp, 0, SEEK_SET) != 0 || !(j->bytes = malloc((size_t)len)) ||
        fread(j->bytes, 1, (size_t)len, tmp) != (size_t)len) {
        r = pc_errf(err, PC_EIO, "cannot read the GIF back from its temporary file");
        goto out;
    }
    j->len = (size_t)len;
out:
    if (g) pc_gif_abort(g);
    if (tmp) fclose(tmp);
    pc_gif_palette_destroy(pal);
    pc_font_destroy(font);
    free(scratch);
    free(px);
    return r;
}

/* A metric series' samples as an array of seconds (values are ms). */
static cJSON *series_seconds(const pc_model_t *m, const char *name) {
    cJSON *a = cJSON_CreateArray();
    const pc_series_t *s = pc_model_series(m, name);
    for (size_t i = 0; a && s && i < s->n_samples; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(s->samples[i].value / 1000.0));
    return a;
}

static double series_mean(const pc_model_t *m, const char *name) {
    const pc_series_t *s = pc_model_series(m, name);
    if (!s || !s->n_samples) return 0;
    double sum = 0;
    for (size_t i = 0; i < s->n_samples; i++) sum += s->samples[i].value;
    return sum / (double)s->n_samples;
}

static double series_sum(const pc_model_t *m, const char *name) {
    const pc_series_t *s = pc_model_series(m, name);
    double sum = 0;
    for (size_t i = 0; s && i < s->n_samples; i++) sum += s->samples[i].value;
    return sum;
}

/* The whole document; NULL when out of memory. gif64 is taken over. */
static cJSON *build_json(const pc_model_t *m, const gif_job_t *j, char *gif64) {
    cJSON *root = cJSON_CreateObject();
    if (!root) {
        free(gif64);
        return NULL;
    }
    cJSON_AddStringToObject(root, "type", "gif_animation");
    cJSON *g = cJSON_CreateString(gif64);
    free(gif64);
    cJSON_AddItemToObject(root, "gif_data", g);
    cJSON *bd = cJSON_AddObjectToObject(root, "benchmark_data");

    cJSON *si = cJSON_AddObjectToObject(bd, "system_info");
    const cJSON *sys = cJSON_GetObjectItemCaseSensitive(m->header, "system");
    const char *parts[] = {"cpu", "memory", "gpu", "platform", "gpu_reason"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(sys, parts[i]);
        if (v) cJSON_AddItemToObject(si, parts[i], cJSON_Duplicate(v, 1));
        else if (i < 4) cJSON_AddNullToObject(si, parts[i]);
    }

    cJSON *pm = cJSON_AddObjectToObject(bd, "performance_metrics");
    double avg_frame_ms = pc_model_summary_num(m, "avg_frame_ms", series_mean(m, "frame_ms"));
    double total_s = pc_model_summary_num(m, "total_s", series_sum(m, "frame_ms") / 1000.0);
    cJSON_AddNumberToObject(pm, "total_time", total_s);
    cJSON_AddNumberToObject(pm, "avg_frame_time", avg_frame_ms / 1000.0);
    cJSON_AddNumberToObject(pm, "avg_field_generation", pc_model_summary_num(m, "avg_field_ms", series_mean(m, "field_ms")) / 1000.0);
    cJSON_AddNumberToObject(pm, "avg_marching_cubes", pc_model_summary_num(m, "avg_mc_ms", series_mean(m, "mc_ms")) / 1000.0);
    cJSON_AddNumberToObject(pm, "avg_rendering", pc_model_summary_num(m, "avg_render_ms", series_mean(m, "render_ms")) / 1000.0);
    cJSON_AddNumberToObject(pm, "effective_fps",
                            pc_model_summary_num(m, "effective_fps", avg_frame_ms > 0 ? 1000.0 / avg_frame_ms : 0));
    cJSON_AddNumberToObject(pm, "gif_creation_time", j->create_s);
    cJSON_AddNumberToObject(pm, "frame_conversion_time", j->convert_s);

    cJSON_AddItemToObject(bd, "individual_frame_times", series_seconds(m, "frame_ms"));
    cJSON_AddItemToObject(bd, "field_generation_times", series_seconds(m, "field_ms"));
    cJSON_AddItemToObject(bd, "marching_cubes_times", series_seconds(m, "mc_ms"));
    cJSON_AddItemToObject(bd, "rendering_times", series_seconds(m, "render_ms"));

    cJSON *ss = cJSON_AddObjectToObject(bd, "simulation_settings");
    cJSON *res = cJSON_AddArrayToObject(ss, "resolution");
    cJSON_AddItemToArray(res, cJSON_CreateNumber(pc_model_param_num(m, "width", 0)));
    cJSON_AddItemToArray(res, cJSON_CreateNumber(pc_model_param_num(m, "height", 0)));
    cJSON_AddNumberToObject(ss, "dimension", pc_model_param_num(m, "dim", 0));
    const pc_series_t *fs = pc_model_series(m, "frame_ms");
    cJSON_AddNumberToObject(ss, "num_frames", pc_model_summary_num(m, "frames", fs ? (double)fs->n_samples : 0));
    cJSON_AddNumberToObject(ss, "fps", pc_model_param_num(m, "fps", 0));
    cJSON_AddNumberToObject(ss, "torus_altitude", pc_model_param_num(m, "torus_altitude", 0));
    cJSON_AddNumberToObject(ss, "torus_major_radius", pc_model_param_num(m, "torus_major_radius", 0));
    cJSON_AddNumberToObject(ss, "torus_minor_radius", pc_model_param_num(m, "torus_minor_radius", 0));
    cJSON_AddNumberToObject(ss, "smooth_min_radius", pc_model_param_num(m, "smooth_min_radius", 0));
    return root;
}

int pc_cmd_export_format(int argc, char **argv) {
    static const struct option opts[] = {
        {"format", required_argument, 0, 'F'}, {"out", required_argument, 0, 'o'},
        {"width", required_argument, 0, 'W'},  {"height", required_argument, 0, 'H'},
        {"frames", required_argument, 0, 'n'}, {"fps", required_argument, 0, 'f'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0},
    };
    const char *format = NULL, *out = NULL;
    double w = 0, h = 0, frames = MAX_GIF_FRAMES, fps = 0;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        int r = 0;
        switch (c) {
        case 'F': format = optarg; break;
        case 'o': out = optarg; break;
        case 'W': r = pc_cli_parse_num("export", "width", optarg, 16, 4096, &w); break;
        case 'H': r = pc_cli_parse_num("export", "height", optarg, 16, 4096, &h); break;
        case 'n': r = pc_cli_parse_num("export", "frames", optarg, 1, 10000, &frames); break;
        case 'f': r = pc_cli_parse_num("export", "fps", optarg, 1, 50, &fps); break;
        case 'h': fputs(usage, stdout); return 0;
        default: return pc_cli_usage_error("export", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (r) return r;
    }
    if (!format || strcmp(format, "volume-json") != 0)
        return pc_cli_usage_error("export", "--format wants volume-json, got '%s'", format ? format : "");
    if (!out || !out[0]) return pc_cli_usage_error("export", "-o OUT.json is required with --format");
    if (argc - optind != 1) return pc_cli_usage_error("export", "--format takes exactly one RESULT file");
    const char *file = argv[optind];

    pc_errbuf_t err = {{0}};
    uint8_t *buf = NULL;
    size_t len = 0;
    if (pc_cli_read_file(file, MAX_RESULT_BYTES, &buf, &len, &err) != 0) {
        fprintf(stderr, "perfcast export: %s\n", err.msg);
        return 1;
    }
    pc_model_t *m = pc_model_create();
    pc_load_info_t info;
    int r = m ? pc_model_load(m, buf, len, file, &info, &err) : pc_errf(&err, PC_ENOMEM, "out of memory");
    free(buf);
    int status = 1;
    cJSON *doc = NULL;
    char *text = NULL;
    gif_job_t j = {.m = m};
    if (r != 0) {
        fprintf(stderr, "perfcast export: %s\n", err.msg);
        goto out;
    }
    if (info.truncated) fprintf(stderr, "perfcast export: warning: %s\n", info.warning);
    if (strcmp(m->suite, "volume") != 0) {
        fprintf(stderr, "perfcast export: %s: a %s run; volume-json needs a volume run\n", file,
                m->suite[0] ? m->suite : "unknown");
        goto out;
    }
    if (!m->n_mesh) {
        fprintf(stderr, "perfcast export: %s: the run recorded no mesh frames to animate\n", file);
        goto out;
    }
    j.w = w > 0 ? (int)w : (int)pc_model_param_num(m, "width", 640);
    j.h = h > 0 ? (int)h : (int)pc_model_param_num(m, "height", 480);
    if (j.w < 16 || j.w > 4096) j.w = 640;
    if (j.h < 16 || j.h > 4096) j.h = 480;
    j.frames = (int)frames < (int)m->n_mesh ? (int)frames : (int)m->n_mesh;
    j.fps = fps > 0 ? fps : pc_model_param_num(m, "stream_fps", 15);
    if (!(j.fps >= 1)) j.fps = 1;
    if (j.fps > 50) j.fps = 50;
    if ((r = make_gif(&j, &err)) != 0) {
        fprintf(stderr, "perfcast export: %s: %s\n", file, err.msg);
        goto out;
    }
    char *b64 = base64(j.bytes, j.len);
    doc = b64 ? build_json(m, &j, b64) : NULL;
    text = doc ? cJSON_PrintUnformatted(doc) : NULL;
    if (!text) {
        fprintf(stderr, "perfcast export: out of memory building the JSON\n");
        goto out;
    }
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", out, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    size_t n = strlen(text);
    int ok = f && fwrite(text, 1, n, f) == n && fputc('\n', f) != EOF;
    if (f && fclose(f) != 0) ok = 0;
    if (!ok || rename(tmp, out) != 0) {
        fprintf(stderr, "perfcast export: %s: cannot write: %s\n", out, strerror(errno));
        remove(tmp);
        goto out;
    }
    printf("wrote %s (%zu bytes: a %dx%d GIF of %d frames, %zu frame timings)\n", out, n + 1, j.w, j.h, j.frames,
           pc_model_series(m, "frame_ms") ? pc_model_series(m, "frame_ms")->n_samples : (size_t)0);
    status = 0;
out:
    free(text);
    cJSON_Delete(doc);
    free(j.bytes);
    pc_model_destroy(m);
    return status;
}
