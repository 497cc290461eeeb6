/* video.h — MP4 files from framebuffers through an ffmpeg child process.
 *
 * We do not link libav*: ffmpeg on PATH is found at run time, raw RGBA frames go to its stdin
 * and it encodes H.264 (libx264; MPEG-4 part 2 when its build lacks libx264) in yuv420p with
 * the index at the front (+faststart), which is what browsers, players and chat apps take.
 * Without ffmpeg the caller says so and offers GIF (gif.h). The frames travel over a socket
 * pair written with MSG_NOSIGNAL, so an ffmpeg that dies early gives PC_EIO, not a SIGPIPE
 * that kills the caller. */
#ifndef PC_VIDEO_H
#define PC_VIDEO_H

#include <stddef.h>

#include "gfx.h"
#include "pc_error.h"

typedef struct pc_ffmpeg {
    char path[4096]; /* absolute (or PATH-relative as found) path of the ffmpeg binary */
    char codec[16];  /* encoder it will use: "libx264" or "mpeg4" */
} pc_ffmpeg_t;

/* Finds ffmpeg on $PATH and asks it for its encoders (runs `ffmpeg -encoders` once). Returns
 * 0 with *ff filled, PC_ENOTFOUND (no ffmpeg on PATH, or it has neither encoder; err says
 * which) or PC_EIO (it could not be started). */
int pc_video_find_ffmpeg(pc_ffmpeg_t *ff, pc_errbuf_t *err);

typedef struct pc_video pc_video_t;

/* Starts ffmpeg writing a w x h MP4 at fps frames per second to path (replaced if it
 * exists). w and h must be even (yuv420p). *out receives the encoder; finish it with
 * pc_video_close or pc_video_abort. Returns 0, PC_EINVAL, PC_ENOMEM or PC_EIO. */
int pc_video_open(pc_video_t **out, const pc_ffmpeg_t *ff, const char *path, int w, int h, double fps,
                  pc_errbuf_t *err);
/* Sends fb (the video's size) as the next frame; blocks while ffmpeg catches up. Returns 0,
 * PC_EINVAL (size mismatch) or PC_EIO (ffmpeg went away: pc_video_close says why). */
int pc_video_add_frame(pc_video_t *v, const pc_fb_t *fb, pc_errbuf_t *err);
/* Ends the input, waits for ffmpeg and frees v (also on failure). Returns 0, or PC_EIO with
 * ffmpeg's last error line in err. NULL is fine (returns 0). */
int pc_video_close(pc_video_t *v, pc_errbuf_t *err);
/* Stops ffmpeg (SIGTERM), waits for it and frees v; the caller removes the file. NULL is fine. */
void pc_video_abort(pc_video_t *v);

#endif
