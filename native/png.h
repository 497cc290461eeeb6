/* png.h — PNG files for framebuffers: `perfcast render` writes them, the golden-image tests
 * read them back. 8-bit RGBA, no interlacing; libpng does the encoding. */
#ifndef PC_PNG_H
#define PC_PNG_H

#include <stdint.h>

#include "gfx.h"
#include "pc_error.h"

/* Writes fb as an 8-bit RGBA PNG at path (replacing it). Returns 0, PC_EINVAL for an empty
 * framebuffer, PC_EIO (err names the path) or PC_ENOMEM. */
int pc_png_write(const char *path, const pc_fb_t *fb, pc_errbuf_t *err);

/* Reads a PNG of any color type into 8-bit RGBA pixels in pc_fb_t layout (stride = w).
 * On success *px receives malloc'ed pixels the caller frees with free(), *w and *h the size.
 * Returns PC_EIO (cannot open), PC_EFORMAT (not a PNG, or corrupt) or PC_ENOMEM; *px is NULL
 * then. Images larger than 16384 pixels on a side are refused (PC_ELIMIT). */
int pc_png_read(const char *path, uint32_t **px, int *w, int *h, pc_errbuf_t *err);

#endif
