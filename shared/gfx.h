/* gfx.h — software rendering into caller-owned RGBA framebuffers.
 *
 * Every primitive takes the target first and clips: any coordinates (huge, negative, NaN,
 * infinite) and any framebuffer (zero-sized, NULL pixels) are safe and simply draw less.
 * Colors are straight (non-premultiplied) RGBA; a color's alpha and a primitive's
 * antialiasing coverage blend it over what is there, and every written pixel is opaque.
 * Float coordinates put pixel (x, y)'s centre at (x + 0.5, y + 0.5), so a 1-wide line along
 * y = 10.5 covers exactly row 10. The math is plain IEEE + - * / sqrt floor, compiled with
 * -ffp-contract=off, so native and WASM builds produce the same pixels.
 * Nothing here allocates. Text lives in font.h, charts in chart.h. */
#ifndef PC_GFX_H
#define PC_GFX_H

#include <stdint.h>

/* Pixels are 32-bit RGBA with R at the lowest address (so a canvas ImageData can take the
 * bytes as they are); on little-endian hosts a pixel reads as 0xAABBGGRR. */
#define PC_RGBA(r, g, b, a) \
    ((uint32_t)(r) | ((uint32_t)(g) << 8) | ((uint32_t)(b) << 16) | ((uint32_t)(a) << 24))

typedef struct pc_fb {
    uint32_t *px; /* caller-owned, at least stride * h pixels */
    int w, h;
    int stride;   /* pixels per row */
} pc_fb_t;

/* ---- colors ---- */

/* Opaque color from 0xRRGGBB (as written in CSS). */
#define PC_HEX(rgb) PC_RGBA(((rgb) >> 16) & 255u, ((rgb) >> 8) & 255u, (rgb) & 255u, 255u)
/* Channel accessors. */
#define PC_R(c) ((c) & 255u)
#define PC_G(c) (((c) >> 8) & 255u)
#define PC_B(c) (((c) >> 16) & 255u)
#define PC_A(c) (((c) >> 24) & 255u)

/* c with its alpha replaced by a (0..255). */
static inline uint32_t pc_color_alpha(uint32_t c, unsigned a) {
    return (c & 0x00ffffffu) | ((uint32_t)(a > 255 ? 255 : a) << 24);
}
/* Straight-alpha mix of two colors: t = 0 gives a, 255 gives b (alpha mixed too). */
uint32_t pc_color_mix(uint32_t a, uint32_t b, unsigned t);

/* A point in float pixel coordinates. */
typedef struct pc_pointf {
    float x, y;
} pc_pointf_t;

/* ---- framebuffer ---- */

/* A framebuffer over caller memory; fb->px = px, stride = w. Cannot fail. */
pc_fb_t pc_fb_make(uint32_t *px, int w, int h);
/* A view of the rectangle (x, y, w, h) of fb, clipped to fb: same pixels, origin moved.
 * Drawing into it cannot touch pixels outside the rectangle, which is how charts clip
 * curves to their plot area. An empty intersection gives a 0x0 framebuffer. */
pc_fb_t pc_fb_sub(const pc_fb_t *fb, int x, int y, int w, int h);
/* True when fb has pixels to draw on. */
int pc_fb_valid(const pc_fb_t *fb);

/* ---- primitives (all clipped, none allocate) ---- */

/* Sets every pixel to color (alpha forced opaque). */
void pc_gfx_clear(pc_fb_t *fb, uint32_t color);
/* Blends color over one pixel with coverage 0..255 (255 = the color's own alpha). */
void pc_gfx_blend_px(pc_fb_t *fb, int x, int y, uint32_t color, unsigned coverage);
/* Fills the integer rectangle [x, x+w) x [y, y+h); blends when color's alpha < 255. */
void pc_gfx_fill_rect(pc_fb_t *fb, int x, int y, int w, int h, uint32_t color);
/* Draws the inside border of the integer rectangle, t pixels thick. */
void pc_gfx_rect(pc_fb_t *fb, int x, int y, int w, int h, int t, uint32_t color);
/* Crisp horizontal line: pixels x0..x1 (inclusive, either order) of row y, t rows thick
 * growing downwards. Blends when color's alpha < 255. */
void pc_gfx_hline(pc_fb_t *fb, int x0, int x1, int y, int t, uint32_t color);
/* Crisp vertical line: pixels y0..y1 (inclusive, either order) of column x, t columns
 * thick growing rightwards. */
void pc_gfx_vline(pc_fb_t *fb, int x, int y0, int y1, int t, uint32_t color);
/* Crisp dashed horizontal/vertical lines: `dash` pixels on, `gap` off, from x0 (or y0). */
void pc_gfx_hline_dashed(pc_fb_t *fb, int x0, int x1, int y, int t, int dash, int gap, uint32_t color);
void pc_gfx_vline_dashed(pc_fb_t *fb, int x, int y0, int y1, int t, int dash, int gap, uint32_t color);

/* Antialiased line segment of the given width with round caps. */
void pc_gfx_line(pc_fb_t *fb, float x0, float y0, float x1, float y1, float width, uint32_t color);
/* Antialiased dashed segment: `dash` units on, `gap` off, measured along the line. */
void pc_gfx_line_dashed(pc_fb_t *fb, float x0, float y0, float x1, float y1, float width,
                        float dash, float gap, uint32_t color);
/* Connected segments through n points. With a translucent color the joints blend twice:
 * draw translucent curves as an opaque color mixed with the background instead. */
void pc_gfx_polyline(pc_fb_t *fb, const pc_pointf_t *pts, int n, float width, uint32_t color);
/* Antialiased filled disc. */
void pc_gfx_circle(pc_fb_t *fb, float cx, float cy, float r, uint32_t color);
/* Antialiased ring of thickness `width` centred on radius r. */
void pc_gfx_ring(pc_fb_t *fb, float cx, float cy, float r, float width, uint32_t color);
/* Antialiased filled rectangle with rounded corners (radius clamped to half the size). */
void pc_gfx_round_rect(pc_fb_t *fb, float x, float y, float w, float h, float radius, uint32_t color);
/* Antialiased rounded-rectangle border `width` thick, inside the rectangle's edge. */
void pc_gfx_round_rect_stroke(pc_fb_t *fb, float x, float y, float w, float h, float radius,
                              float width, uint32_t color);

/* Most edge crossings one scanline of a filled polygon may have; crossings beyond it are
 * dropped (the fill stays in bounds but may miss spans). */
#define PC_GFX_MAX_CROSSINGS 512
/* Antialiased filled polygon (even-odd rule) through n points, implicitly closed. */
void pc_gfx_fill_polygon(pc_fb_t *fb, const pc_pointf_t *pts, int n, uint32_t color);
/* Antialiased area between the polyline through n points (x ascending) and the horizontal
 * line y = base: the filled part of an area chart or a histogram. */
void pc_gfx_fill_area(pc_fb_t *fb, const pc_pointf_t *pts, int n, float base, uint32_t color);

#endif
