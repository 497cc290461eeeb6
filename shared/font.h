/* font.h — antialiased text from the embedded DejaVu Sans (stb_truetype).
 *
 * The TTF is compiled into the binary (the build generates pc_font_ttf[]), so text needs no
 * files and looks the same natively and in WASM. pc_font_create() allocates everything the
 * font will ever use: a glyph cache keyed by (codepoint, pixel size), a scratch bitmap and
 * an arena for stb_truetype's temporary buffers. Drawing never allocates; when the cache is
 * full, glyphs are rasterized into the scratch bitmap on every use instead.
 * A font is mutable (its cache fills as text is drawn): use one font per thread. */
#ifndef PC_FONT_H
#define PC_FONT_H

#include <stddef.h>

#include "gfx.h"

typedef struct pc_font pc_font_t;

/* Text alignment flags for pc_text_draw: one horizontal | one vertical. */
enum {
    PC_ALIGN_LEFT = 0,     /* x is the left edge of the text */
    PC_ALIGN_CENTER = 1,   /* x is the centre */
    PC_ALIGN_RIGHT = 2,    /* x is the right edge */
    PC_ALIGN_BASELINE = 0, /* y is the baseline */
    PC_ALIGN_TOP = 4,      /* y is the top of the tallest glyphs (the font's ascent) */
    PC_ALIGN_MIDDLE = 8,   /* y is half the cap height above the baseline (centre of "H") */
    PC_ALIGN_BOTTOM = 12,  /* y is the bottom of descenders */
};
#define PC_ALIGN_HMASK 3
#define PC_ALIGN_VMASK 12

/* Sizes are pixel em sizes (like CSS font-size), rounded to whole pixels and clamped. */
#define PC_FONT_MIN_PX 4
#define PC_FONT_MAX_PX 160

/* Vertical metrics at one size, in whole pixels (ascent up from the baseline, descent
 * down from it, both positive). */
typedef struct pc_font_metrics {
    int ascent, descent, cap_height, line_height;
} pc_font_metrics_t;

/* Creates the font from the embedded TTF with its preallocated cache; NULL when out of
 * memory. Free with pc_font_destroy(). */
pc_font_t *pc_font_create(void);
/* Frees a font; NULL is fine. */
void pc_font_destroy(pc_font_t *font);

/* Metrics of the font at px_size. A NULL font gives all zeros. */
pc_font_metrics_t pc_font_metrics(pc_font_t *font, float px_size);

/* Draws UTF-8 text (one line; control characters are skipped, unknown or invalid
 * characters draw as '?') at (x, y) positioned by `align`, blending `color` by glyph
 * coverage. Returns the text's advance width in pixels (0 for NULL font or text). */
int pc_text_draw(pc_fb_t *fb, pc_font_t *font, float x, float y, float px_size, uint32_t color,
                 int align, const char *utf8);
/* Advance width of the text in pixels as pc_text_draw would draw it. */
int pc_text_width(pc_font_t *font, float px_size, const char *utf8);
/* Copies utf8 into out (cap bytes, always terminated), cut at a character boundary and
 * ended with "…" when it would be wider than max_width. Returns the resulting width. */
int pc_text_fit(pc_font_t *font, float px_size, const char *utf8, int max_width, char *out, size_t cap);

/* Number of glyphs held by the cache (for tests of the no-allocation contract). */
int pc_font_cached_glyphs(const pc_font_t *font);

#endif
