/* png.c — framebuffer <-> PNG with libpng's simplified API. Pixels are converted through a
 * byte buffer so the files are right whatever the host's byte order. */
#include "png.h"

#include <errno.h>
#include <libpng16/png.h> /* by path: native/png.h (ours) shadows <png.h> */
#include <stdlib.h>
#include <string.h>

#define MAX_SIDE 16384

int pc_png_write(const char *path, const pc_fb_t *fb, pc_errbuf_t *err) {
    if (!path || !pc_fb_valid(fb)) return pc_errf(err, PC_EINVAL, "png: nothing to write (empty framebuffer)");
    size_t w = (size_t)fb->w, h = (size_t)fb->h;
    uint8_t *bytes = malloc(w * h * 4);
    if (!bytes) return pc_errf(err, PC_ENOMEM, "png: out of memory for a %zux%zu image", w, h);
    for (size_t y = 0; y < h; y++) {
        const uint32_t *row = fb->px + y * (size_t)fb->stride;
        uint8_t *out = bytes + y * w * 4;
        for (size_t x = 0; x < w; x++) {
            uint32_t p = row[x];
            out[4 * x + 0] = (uint8_t)PC_R(p);
            out[4 * x + 1] = (uint8_t)PC_G(p);
            out[4 * x + 2] = (uint8_t)PC_B(p);
            out[4 * x + 3] = (uint8_t)PC_A(p);
        }
    }
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGBA;
    errno = 0;
    int ok = png_image_write_to_file(&img, path, 0, bytes, (png_int_32)(w * 4), NULL);
    free(bytes);
    if (!ok) {
        int r = pc_errf(err, PC_EIO, "%s: cannot write PNG: %s%s%s", path, img.message, errno ? ": " : "",
                        errno ? strerror(errno) : "");
        png_image_free(&img);
        return r;
    }
    return 0;
}

int pc_png_read(const char *path, uint32_t **px, int *w, int *h, pc_errbuf_t *err) {
    *px = NULL;
    *w = *h = 0;
    if (!path) return pc_errf(err, PC_EINVAL, "png: no path");
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    FILE *f = fopen(path, "rb");
    if (!f) return pc_errf(err, PC_EIO, "%s: cannot open: %s", path, strerror(errno));
    if (!png_image_begin_read_from_stdio(&img, f)) {
        fclose(f);
        return pc_errf(err, PC_EFORMAT, "%s: not a readable PNG: %s", path, img.message);
    }
    if (img.width == 0 || img.height == 0 || img.width > MAX_SIDE || img.height > MAX_SIDE) {
        png_image_free(&img);
        fclose(f);
        return pc_errf(err, PC_ELIMIT, "%s: PNG size %ux%u is outside 1..%d", path, (unsigned)img.width,
                       (unsigned)img.height, MAX_SIDE);
    }
    img.format = PNG_FORMAT_RGBA;
    size_t n = (size_t)img.width * img.height;
    uint8_t *bytes = malloc(n * 4);
    uint32_t *out = malloc(n * sizeof *out);
    if (!bytes || !out) {
        free(bytes);
        free(out);
        png_image_free(&img);
        fclose(f);
        return pc_errf(err, PC_ENOMEM, "%s: out of memory", path);
    }
    int ok = png_image_finish_read(&img, NULL, bytes, 0, NULL);
    fclose(f);
    if (!ok) {
        int r = pc_errf(err, PC_EFORMAT, "%s: corrupt PNG: %s", path, img.message);
        png_image_free(&img);
        free(bytes);
        free(out);
        return r;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = PC_RGBA(bytes[4 * i], bytes[4 * i + 1], bytes[4 * i + 2], bytes[4 * i + 3]);
    free(bytes);
    *px = out;
    *w = (int)img.width;
    *h = (int)img.height;
    return 0;
}
