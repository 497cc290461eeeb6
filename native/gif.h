/* gif.h — animated GIF files from framebuffers: `perfcast render x.gif` and `perfcast export`.
 * giflib (Debian libgif-dev) does the LZW coding; colour quantization and frame differencing
 * are ours.
 *
 * How a GIF is made: count the colours of a few sample frames into a palette
 * (pc_gif_palette_add), pick the palette (pc_gif_palette_build), then open the file and add
 * every frame. One global palette for the whole animation, no dithering: the charts are flat
 * colours on a dark background with antialiased edges, so the 160 most frequent colours of a
 * 5-5-5 RGB histogram (each one the mean of the pixels that fell in its cell, so flat colours
 * come out exact) cover most pixels, and the other 95 entries go one by one to the colour the
 * palette serves worst (pixel count x distance to its nearest entry), which keeps rare but
 * distinct colours such as overlapping markers. A 32768-entry nearest-colour table then maps
 * every pixel in one lookup. Dithering would put noise into flat areas and text. Output is
 * deterministic: the same frames give the same bytes.
 *
 * After the first frame each frame stores only the rectangle that changed since the one
 * before it, with unchanged pixels inside it transparent (palette index 255 is reserved for
 * that), disposal "leave in place". The animation loops forever. */
#ifndef PC_GIF_H
#define PC_GIF_H

#include "gfx.h"
#include "pc_error.h"

/* ---- palette ---- */

typedef struct pc_gif_palette pc_gif_palette_t;

/* An empty colour histogram (about 1 MiB); NULL when out of memory. Free with
 * pc_gif_palette_destroy(). */
pc_gif_palette_t *pc_gif_palette_create(void);
/* Frees the palette; NULL is fine. */
void pc_gif_palette_destroy(pc_gif_palette_t *p);
/* Counts every pixel of fb into the histogram (alpha ignored). Cannot fail. */
void pc_gif_palette_add(pc_gif_palette_t *p, const pc_fb_t *fb);
/* Picks up to 255 colours from what was counted and fills the lookup table; call once after
 * the last pc_gif_palette_add. An empty histogram gives a black palette. Cannot fail. */
void pc_gif_palette_build(pc_gif_palette_t *p);
/* Colours chosen by pc_gif_palette_build (excluding the reserved transparent entry). */
int pc_gif_palette_size(const pc_gif_palette_t *p);

/* ---- encoder ---- */

typedef struct pc_gif pc_gif_t;

/* Starts a w x h looping GIF on the open, writable file descriptor fd (taken over: closed by
 * pc_gif_close / pc_gif_abort, also on failure here) with the built palette pal, which must
 * outlive the encoder. *out receives the encoder. Returns 0, PC_EINVAL (bad size, palette not
 * built), PC_ENOMEM or PC_EIO; err says which. */
int pc_gif_open(pc_gif_t **out, int fd, int w, int h, const pc_gif_palette_t *pal, pc_errbuf_t *err);
/* Appends fb (same size as the GIF) as the next frame, shown for delay_cs hundredths of a
 * second. Uses the encoder's two preallocated index buffers; allocates nothing itself.
 * Returns 0, PC_EINVAL (size mismatch) or PC_EIO. */
int pc_gif_add_frame(pc_gif_t *g, const pc_fb_t *fb, int delay_cs, pc_errbuf_t *err);
/* Writes the trailer, closes the file and frees g (also on failure). Returns 0 or PC_EIO
 * (e.g. disk full) — the file is then incomplete. NULL is fine (returns 0). */
int pc_gif_close(pc_gif_t *g, pc_errbuf_t *err);
/* Closes the file without finishing it and frees g (after an error; the caller removes the
 * file). NULL is fine. */
void pc_gif_abort(pc_gif_t *g);
/* Frames written so far. */
int pc_gif_frames(const pc_gif_t *g);

#endif
