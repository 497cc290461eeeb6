/* gfx.h — software rendering into caller-owned RGBA framebuffers.
 * (Primitives, text and chart helpers are declared below the framebuffer type.) */
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

#endif
