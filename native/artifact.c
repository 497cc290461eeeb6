/* artifact.c — the frame sweep, the temporary-then-rename, and the four formats. */
#include "artifact.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "font.h"
#include "gif.h"
#include "png.h"
#include "views.h"

#define MAX_SIDE 8192
#define GIF_SAMPLE_FRAMES 16 /* frames whose colours choose the GIF palette */

static const struct {
    const char *ext;
    pc_artifact_fmt_t fmt;
} EXTS[] = {{".png", PC_ART_PNG}, {".rgba", PC_ART_RGBA}, {".gif", PC_ART_GIF}, {".mp4", PC_ART_MP4}};

int pc_artifact_format(const char *path, pc_artifact_fmt_t *fmt) {
    const char *dot = path ? strrchr(path, '.') : NULL;
    if (!dot || strchr(dot, '/')) return PC_ENOTFOUND;
    for (size_t i = 0; i < sizeof EXTS / sizeof EXTS[0]; i++)
        if (strcasecmp(dot, EXTS[i].ext) == 0) {
            *fmt = EXTS[i].fmt;
            return 0;
        }
    return PC_ENOTFOUND;
}

int pc_artifact_is_animated(pc_artifact_fmt_t fmt) { return fmt == PC_ART_GIF || fmt == PC_ART_MP4; }

static double fps_of(const pc_artifact_opts_t *o) { return o->fps > 0 ? o->fps : PC_ART_DEFAULT_FPS; }

int pc_artifact_default_frames(const pc_model_t *m, double fps) {
    double d = m ? pc_model_duration(m) : 0;
    if (!(d > 0) || !(fps > 0)) return 1;
    double n = ceil(d * fps);
    return n > PC_ART_MAX_DEFAULT_FRAMES ? PC_ART_MAX_DEFAULT_FRAMES : n < 1 ? 1 : (int)n;
}

double pc_artifact_frame_time(const pc_model_t *m, int i, int n) {
    if (n <= 1 || i >= n - 1) return -1;
    double d = m ? pc_model_duration(m) : 0;
    if (!(d > 0)) return 0;
    return d * (double)i / (double)(n - 1);
}

int pc_artifact_check(pc_artifact_fmt_t fmt, const pc_artifact_opts_t *o, pc_errbuf_t *err) {
    if (o->width < 16 || o->height < 16 || o->width > MAX_SIDE || o->height > MAX_SIDE)
        return pc_errf(err, PC_EINVAL, "size %dx%d is outside 16..%d", o->width, o->height, MAX_SIDE);
    if (!pc_artifact_is_animated(fmt)) return 0;
    double fps = fps_of(o);
    if (!(fps <= PC_ART_MAX_FPS)) return pc_errf(err, PC_EINVAL, "fps %g is above %d", fps, PC_ART_MAX_FPS);
    if (o->frames < 0 || o->frames > PC_ART_MAX_FRAMES)
        return pc_errf(err, PC_EINVAL, "frame count %d is outside 1..%d", o->frames, PC_ART_MAX_FRAMES);
    if (fmt == PC_ART_GIF && fps > PC_ART_MAX_GIF_FPS)
        return pc_errf(err, PC_EINVAL, "GIF frame delays are hundredths of a second: use --fps %d or less",
                       PC_ART_MAX_GIF_FPS);
    if (fmt == PC_ART_MP4 && ((o->width & 1) || (o->height & 1)))
        return pc_errf(err, PC_EINVAL, "MP4 (yuv420p) needs an even width and height, got %dx%d", o->width,
                       o->height);
    return 0;
}

/* ---- temporary file next to the target ---- */

/* "<dir>/.<base>.tmp<pid>" for path "<dir>/<base>"; 0 or PC_ELIMIT when it does not fit. */
static int temp_path(const char *path, char *out, size_t cap) {
    const char *slash = strrchr(path, '/');
    int dir = slash ? (int)(slash - path + 1) : 0;
    int n = snprintf(out, cap, "%.*s.%s.tmp%ld", dir, path, path + dir, (long)getpid());
    return n > 0 && (size_t)n < cap ? 0 : PC_ELIMIT;
}

static int write_rgba(const char *path, const pc_fb_t *fb, pc_errbuf_t *err) {
    FILE *f = fopen(path, "wb");
    if (!f) return pc_errf(err, PC_EIO, "%s: cannot create: %s", path, strerror(errno));
    for (int y = 0; y < fb->h; y++) fwrite(fb->px + (size_t)y * (size_t)fb->stride, 4, (size_t)fb->w, f);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad) return pc_errf(err, PC_EIO, "%s: write failed", path);
    return 0;
}

/* ---- drawing ---- */

typedef struct ctx {
    const pc_model_t *m;
    const char *view;
    pc_fb_t fb;
    pc_view_state_t st;
    double at;
} ctx_t;

static int draw(ctx_t *c, double t, pc_errbuf_t *err) {
    c->st.t_cursor = t;
    int r = pc_view_draw(c->view, &c->fb, c->m, &c->st);
    if (r == PC_ENOTFOUND) return pc_errf(err, r, "unknown view '%s'", c->view);
    if (r != 0) return pc_errf(err, r, "view %s: %s", c->view, pc_strerror(r));
    return 0;
}

static int tick(const pc_artifact_opts_t *o, int done, int total) {
    return o->progress && o->progress(o->progress_ctx, done, total) != 0 ? PC_ESTATE : 0;
}

/* GIF: palette from sample frames spread over the run (the last included), then every frame. */
static int write_gif(ctx_t *c, const char *tmp, int n, double fps, const pc_artifact_opts_t *o, pc_errbuf_t *err) {
    pc_gif_palette_t *pal = pc_gif_palette_create();
    if (!pal) return pc_errf(err, PC_ENOMEM, "out of memory");
    int k = n < GIF_SAMPLE_FRAMES ? n : GIF_SAMPLE_FRAMES, r = 0;
    for (int s = 0; s < k && r == 0; s++) {
        int i = k == 1 ? n - 1 : (int)((long long)s * (n - 1) / (k - 1));
        r = draw(c, pc_artifact_frame_time(c->m, i, n), err);
        if (r == 0) pc_gif_palette_add(pal, &c->fb);
    }
    pc_gif_t *g = NULL;
    if (r == 0) {
        pc_gif_palette_build(pal);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
        if (fd < 0)
            r = pc_errf(err, PC_EIO, "%s: cannot create: %s", tmp, strerror(errno));
        else
            r = pc_gif_open(&g, fd, c->fb.w, c->fb.h, pal, err);
    }
    for (int i = 0; i < n && r == 0; i++) {
        r = draw(c, pc_artifact_frame_time(c->m, i, n), err);
        /* delays from rounded timestamps, so they add up to the run's length at fps */
        int delay = (int)(llround(100.0 * (i + 1) / fps) - llround(100.0 * i / fps));
        if (i == n - 1) delay += PC_ART_GIF_HOLD_CS;
        if (r == 0) r = pc_gif_add_frame(g, &c->fb, delay, err);
        if (r == 0) r = tick(o, i + 1, n);
    }
    if (r == 0)
        r = pc_gif_close(g, err);
    else
        pc_gif_abort(g);
    pc_gif_palette_destroy(pal);
    return r;
}

static int write_mp4(ctx_t *c, const char *tmp, int n, double fps, const pc_artifact_opts_t *o, pc_errbuf_t *err) {
    pc_video_t *v = NULL;
    int r = pc_video_open(&v, o->ffmpeg, tmp, c->fb.w, c->fb.h, fps, err);
    for (int i = 0; i < n && r == 0; i++) {
        r = draw(c, pc_artifact_frame_time(c->m, i, n), err);
        if (r == 0) r = pc_video_add_frame(v, &c->fb, err);
        if (r == 0) r = tick(o, i + 1, n);
    }
    if (r == PC_EIO) { /* ffmpeg went away: its own words say more than "stopped reading" */
        pc_errbuf_t why = {{0}};
        if (pc_video_close(v, &why) != 0) pc_errf(err, PC_EIO, "%s", why.msg);
    } else if (r == 0) {
        r = pc_video_close(v, err);
    } else {
        pc_video_abort(v);
    }
    return r;
}

int pc_artifact_write(const pc_model_t *m, const char *view, const char *path, pc_artifact_fmt_t fmt,
                      const pc_artifact_opts_t *o, pc_errbuf_t *err) {
    int r = pc_artifact_check(fmt, o, err);
    if (r != 0) return r;
    if (fmt == PC_ART_MP4 && (!o->ffmpeg || !o->ffmpeg->path[0]))
        return pc_errf(err, PC_EINVAL, "MP4 needs ffmpeg (pc_video_find_ffmpeg)");
    if (!pc_view_find_for(view, m && m->suite[0] ? m->suite : NULL))
        return pc_errf(err, PC_ENOTFOUND, "unknown view '%s'", view ? view : "");
    char tmp[4200];
    if (temp_path(path, tmp, sizeof tmp) != 0) return pc_errf(err, PC_ELIMIT, "%s: path too long", path);

    ctx_t c = {.m = m, .view = view};
    c.fb = (pc_fb_t){.w = o->width, .h = o->height, .stride = o->width};
    c.fb.px = calloc((size_t)c.fb.stride * (size_t)c.fb.h, sizeof *c.fb.px);
    c.st.scale = o->scale > 0 ? o->scale : 1.0f;
    c.st.win_t0 = o->win_t0;
    c.st.win_t1 = o->win_t1;
    c.st.select = o->select;
    c.st.font = pc_font_create();
    if (!c.fb.px || !c.st.font) {
        r = pc_errf(err, PC_ENOMEM, "out of memory for a %dx%d image", o->width, o->height);
    } else if (!pc_artifact_is_animated(fmt)) {
        r = draw(&c, o->at, err);
        if (r == 0) r = fmt == PC_ART_PNG ? pc_png_write(tmp, &c.fb, err) : write_rgba(tmp, &c.fb, err);
    } else {
        double fps = fps_of(o);
        int n = o->frames > 0 ? o->frames : pc_artifact_default_frames(m, fps);
        r = fmt == PC_ART_GIF ? write_gif(&c, tmp, n, fps, o, err) : write_mp4(&c, tmp, n, fps, o, err);
    }
    pc_font_destroy(c.st.font);
    free(c.fb.px);
    if (r == 0 && rename(tmp, path) != 0) r = pc_errf(err, PC_EIO, "%s: cannot write: %s", path, strerror(errno));
    if (r != 0) {
        unlink(tmp); /* may not exist: fine */
        /* messages about the temporary name the target instead: that is the file the user asked for */
        char *at = strstr(err ? err->msg : "", tmp);
        if (at && err) {
            char fixed[sizeof err->msg];
            snprintf(fixed, sizeof fixed, "%.*s%s%s", (int)(at - err->msg), err->msg, path, at + strlen(tmp));
            snprintf(err->msg, sizeof err->msg, "%s", fixed);
        }
    }
    return r;
}
