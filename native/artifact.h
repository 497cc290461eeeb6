/* artifact.h — one view of a loaded result written as a file: PNG, raw RGBA, animated GIF or
 * MP4. `perfcast render` writes one, `perfcast export` many.
 *
 * Still formats (.png, .rgba) draw the view once at a time cursor (the end by default).
 * Animated formats (.gif, .mp4) draw `frames` frames sweeping the view's time cursor
 * (pc_view_state_t.t_cursor) evenly from the run's start (frame 0: t = 0) to its end
 * (pc_model_duration); the last frame is drawn with t_cursor < 0, "everything", so it is
 * exactly the still image. Any view can be animated: one that ignores the cursor gives equal
 * frames (the GIF stores those as one transparent pixel each). One framebuffer and one font
 * serve every frame.
 *
 * Files appear whole or not at all: everything is written to a hidden temporary next to the
 * target (".NAME.tmpPID") and renamed over it at the end; on any failure or cancel the
 * temporary is removed and the target left as it was. */
#ifndef PC_ARTIFACT_H
#define PC_ARTIFACT_H

#include "model.h"
#include "pc_error.h"
#include "video.h"

typedef enum pc_artifact_fmt {
    PC_ART_PNG,  /* .png: 8-bit RGBA */
    PC_ART_RGBA, /* .rgba: raw 8-bit RGBA rows, no header (the viewer's framebuffer) */
    PC_ART_GIF,  /* .gif: animated, loops forever (gif.h) */
    PC_ART_MP4,  /* .mp4: H.264 through ffmpeg (video.h) */
} pc_artifact_fmt_t;

#define PC_ART_DEFAULT_FPS 30
#define PC_ART_MAX_FPS 120
#define PC_ART_MAX_GIF_FPS 50       /* GIF delays are 1/100 s; browsers slow anything shorter than 2 */
#define PC_ART_MAX_DEFAULT_FRAMES 600 /* default frame count cap: longer runs play faster */
#define PC_ART_MAX_FRAMES 10000
#define PC_ART_GIF_HOLD_CS 100      /* a GIF shows its last frame this much longer before looping */

/* Progress of an animated write: called after each frame. A nonzero return cancels the
 * write (pc_artifact_write then returns PC_ESTATE). */
typedef int (*pc_artifact_progress_fn)(void *ctx, int done, int total);

typedef struct pc_artifact_opts {
    int width, height;           /* pixels */
    float scale;                 /* text/line scale (HiDPI), 1 when 0 */
    double at;                   /* still formats: seconds since the run started, < 0: the end */
    double fps;                  /* animated formats: frames per second (0: PC_ART_DEFAULT_FPS) */
    int frames;                  /* animated formats: frame count (0: pc_artifact_default_frames) */
    const pc_ffmpeg_t *ffmpeg;   /* MP4 only: from pc_video_find_ffmpeg */
    pc_artifact_progress_fn progress; /* may be NULL */
    void *progress_ctx;
    double win_t0, win_t1;       /* zoomable views (dashboard timeline): the time window; win_t1 <= win_t0: whole run */
    int select;                  /* the view's selection (dashboard: the timeline's metric index), 0 default */
} pc_artifact_opts_t;

/* The format OUT's extension names (.png .rgba .gif .mp4, any case): 0, or PC_ENOTFOUND. */
int pc_artifact_format(const char *path, pc_artifact_fmt_t *fmt);
/* 1 for GIF and MP4. */
int pc_artifact_is_animated(pc_artifact_fmt_t fmt);
/* Frames that cover the run's length at fps (at least 1, at most PC_ART_MAX_DEFAULT_FRAMES). */
int pc_artifact_default_frames(const pc_model_t *m, double fps);
/* The time cursor of frame i of n (see the top of this file): -1 for the last frame. */
double pc_artifact_frame_time(const pc_model_t *m, int i, int n);
/* Checks the options for fmt before any work: sizes, fps and frame ranges, even sizes for
 * MP4 (not whether ffmpeg exists). Returns 0 or PC_EINVAL with err saying what is wrong. */
int pc_artifact_check(pc_artifact_fmt_t fmt, const pc_artifact_opts_t *o, pc_errbuf_t *err);

/* Draws `view` of m (resolved for m's suite) into path as fmt with options o. Returns 0;
 * PC_EINVAL (pc_artifact_check, or MP4 without o->ffmpeg), PC_ENOTFOUND (unknown view), PC_ENOMEM, PC_EIO (err names
 * the file), or PC_ESTATE when the progress callback cancelled. */
int pc_artifact_write(const pc_model_t *m, const char *view, const char *path, pc_artifact_fmt_t fmt,
                      const pc_artifact_opts_t *o, pc_errbuf_t *err);

#endif
