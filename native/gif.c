/* gif.c — palette from a 5-5-5 colour histogram, nearest-colour lookup table, frame
 * differencing; giflib writes the blocks and does the LZW. See gif.h for the why. */
#include "gif.h"

#include <gif_lib.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CELLS 32768       /* 5 bits per channel */
#define MAX_COLORS 255    /* index 255 is the transparent "unchanged" pixel */
#define POPULAR 160       /* entries chosen by frequency; the rest by coverage */
#define TRANSPARENT 255
#define MAX_SIDE 65535    /* GIF's 16-bit sizes */

typedef struct cell {
    uint64_t count;
    uint64_t r, g, b; /* sums, so a cell's colour is the mean of its pixels */
} cell_t;

struct pc_gif_palette {
    cell_t cells[CELLS];
    uint8_t rgb[256][3];
    int n;              /* colours chosen */
    int built;
    uint8_t lut[CELLS]; /* cell -> palette index */
    uint16_t order[CELLS]; /* build's scratch: used cells, most frequent first */
    uint32_t near[CELLS];  /* build's scratch: distance of order[j] to its nearest entry */
};

struct pc_gif {
    GifFileType *gif;
    const pc_gif_palette_t *pal;
    int w, h, frames;
    uint8_t *cur, *prev; /* palette indices of this frame and the one shown before it */
    uint8_t *row;        /* one output row: giflib's EGifPutLine may rewrite its input */
};

/* The 5-5-5 cell of a pixel (R at bits 0-7, see gfx.h). */
static inline unsigned cell_of(uint32_t p) {
    return ((p >> 3) & 0x1fu) | ((p >> 6) & 0x3e0u) | ((p >> 9) & 0x7c00u);
}

pc_gif_palette_t *pc_gif_palette_create(void) { return calloc(1, sizeof(pc_gif_palette_t)); }

void pc_gif_palette_destroy(pc_gif_palette_t *p) { free(p); }

void pc_gif_palette_add(pc_gif_palette_t *p, const pc_fb_t *fb) {
    if (!p || !pc_fb_valid(fb)) return;
    for (int y = 0; y < fb->h; y++) {
        const uint32_t *row = fb->px + (size_t)y * (size_t)fb->stride;
        for (int x = 0; x < fb->w; x++) {
            uint32_t px = row[x];
            cell_t *c = &p->cells[cell_of(px)];
            c->count++;
            c->r += PC_R(px);
            c->g += PC_G(px);
            c->b += PC_B(px);
        }
    }
}

/* Most pixels first; ties by cell index so the palette never depends on sort stability. */
static int by_count_desc(const void *a, const void *b, void *ctx) {
    const cell_t *cells = ctx;
    unsigned ia = *(const uint16_t *)a, ib = *(const uint16_t *)b;
    if (cells[ia].count != cells[ib].count) return cells[ia].count > cells[ib].count ? -1 : 1;
    return ia < ib ? -1 : ia > ib;
}

/* A cell's colour: the mean of the pixels counted in it, or its centre when it has none. */
static void cell_color(const pc_gif_palette_t *p, unsigned i, int rgb[3]) {
    const cell_t *c = &p->cells[i];
    if (c->count) {
        rgb[0] = (int)((c->r + c->count / 2) / c->count);
        rgb[1] = (int)((c->g + c->count / 2) / c->count);
        rgb[2] = (int)((c->b + c->count / 2) / c->count);
    } else {
        rgb[0] = (int)((i & 31u) << 3) + 4;
        rgb[1] = (int)(((i >> 5) & 31u) << 3) + 4;
        rgb[2] = (int)(((i >> 10) & 31u) << 3) + 4;
    }
}

/* Perceptual-ish squared distance: green weighs most for the eye; integers keep it exact. */
static uint32_t color_dist(const int a[3], const uint8_t b[3]) {
    int dr = a[0] - b[0], dg = a[1] - b[1], db = a[2] - b[2];
    return (uint32_t)(3 * dr * dr + 4 * dg * dg + 2 * db * db);
}

void pc_gif_palette_build(pc_gif_palette_t *p) {
    if (!p) return;
    uint16_t *order = p->order;
    int used = 0;
    for (unsigned i = 0; i < CELLS; i++)
        if (p->cells[i].count) order[used++] = (uint16_t)i;
    qsort_r(order, (size_t)used, sizeof order[0], by_count_desc, p->cells); /* glibc's (_GNU_SOURCE) */
    memset(p->rgb, 0, sizeof p->rgb);
    /* 1. popularity: the most frequent colours (background, text, series, their main blends) */
    int n = used < POPULAR ? used : POPULAR;
    if (used <= MAX_COLORS) n = used;
    for (int k = 0; k < n; k++) {
        int rgb[3];
        cell_color(p, order[k], rgb);
        for (int ch = 0; ch < 3; ch++) p->rgb[k][ch] = (uint8_t)rgb[ch];
    }
    /* 2. coverage: each remaining slot goes to the colour that the palette so far serves worst,
     * weighted by how often it occurs (count x distance to its nearest entry), so rare but
     * distinct colours (overlapping markers, flashes) are not folded into a far neighbour */
    if (n < used) {
        for (int j = 0; j < used; j++) {
            int rgb[3];
            cell_color(p, order[j], rgb);
            uint32_t best = UINT32_MAX;
            for (int k = 0; k < n; k++) {
                uint32_t d = color_dist(rgb, p->rgb[k]);
                if (d < best) best = d;
            }
            p->near[j] = best;
        }
        while (n < MAX_COLORS) {
            int pick = -1;
            uint64_t pick_score = 0;
            for (int j = 0; j < used; j++) {
                uint64_t score = p->cells[order[j]].count * (uint64_t)p->near[j];
                if (score > pick_score) {
                    pick_score = score;
                    pick = j;
                }
            }
            if (pick < 0) break; /* every colour is already in the palette */
            int rgb[3];
            cell_color(p, order[pick], rgb);
            for (int ch = 0; ch < 3; ch++) p->rgb[n][ch] = (uint8_t)rgb[ch];
            for (int j = 0; j < used; j++) {
                int c[3];
                cell_color(p, order[j], c);
                uint32_t d = color_dist(c, p->rgb[n]);
                if (d < p->near[j]) p->near[j] = d;
            }
            n++;
        }
    }
    p->n = n;
    /* 3. every 5-5-5 cell, seen or not, to its nearest palette entry */
    int k_max = n ? n : 1; /* empty histogram: everything maps to black entry 0 */
    for (unsigned i = 0; i < CELLS; i++) {
        int rgb[3];
        cell_color(p, i, rgb);
        int best = 0;
        uint32_t best_d = UINT32_MAX;
        for (int k = 0; k < k_max; k++) {
            uint32_t d = color_dist(rgb, p->rgb[k]);
            if (d < best_d) {
                best_d = d;
                best = k;
            }
        }
        p->lut[i] = (uint8_t)best;
    }
    p->built = 1;
}

int pc_gif_palette_size(const pc_gif_palette_t *p) { return p ? p->n : 0; }

static int gif_error(pc_errbuf_t *err, const char *what, int code) {
    const char *s = GifErrorString(code);
    return pc_errf(err, PC_EIO, "gif: %s: %s", what, s ? s : "unknown giflib error");
}

int pc_gif_open(pc_gif_t **out, int fd, int w, int h, const pc_gif_palette_t *pal, pc_errbuf_t *err) {
    *out = NULL;
    if (w < 1 || h < 1 || w > MAX_SIDE || h > MAX_SIDE || !pal || !pal->built) {
        if (fd >= 0) close(fd);
        return pc_errf(err, PC_EINVAL, "gif: bad size %dx%d or palette not built", w, h);
    }
    pc_gif_t *g = calloc(1, sizeof *g);
    size_t n = (size_t)w * (size_t)h;
    if (g) {
        g->cur = malloc(n);
        g->prev = malloc(n);
        g->row = malloc((size_t)w);
    }
    if (!g || !g->cur || !g->prev || !g->row) {
        if (g) {
            free(g->cur);
            free(g->prev);
            free(g->row);
        }
        free(g);
        close(fd);
        return pc_errf(err, PC_ENOMEM, "gif: out of memory for a %dx%d image", w, h);
    }
    g->pal = pal;
    g->w = w;
    g->h = h;
    int e = 0;
    g->gif = EGifOpenFileHandle(fd, &e);
    if (!g->gif) {
        close(fd);
        pc_gif_abort(g);
        return gif_error(err, "cannot start the file", e);
    }
    EGifSetGifVersion(g->gif, true); /* GIF89a: delays, transparency, looping */
    GifColorType colors[256];
    memset(colors, 0, sizeof colors);
    for (int k = 0; k < pal->n; k++) {
        colors[k].Red = pal->rgb[k][0];
        colors[k].Green = pal->rgb[k][1];
        colors[k].Blue = pal->rgb[k][2];
    }
    ColorMapObject *map = GifMakeMapObject(256, colors);
    if (!map) {
        pc_gif_abort(g);
        return pc_errf(err, PC_ENOMEM, "gif: out of memory");
    }
    int ok = EGifPutScreenDesc(g->gif, w, h, 8, 0, map) == GIF_OK;
    GifFreeMapObject(map);
    /* NETSCAPE2.0 application extension: loop count 0 = forever */
    static const unsigned char loop[3] = {1, 0, 0};
    ok = ok && EGifPutExtensionLeader(g->gif, APPLICATION_EXT_FUNC_CODE) == GIF_OK &&
         EGifPutExtensionBlock(g->gif, 11, "NETSCAPE2.0") == GIF_OK &&
         EGifPutExtensionBlock(g->gif, 3, loop) == GIF_OK && EGifPutExtensionTrailer(g->gif) == GIF_OK;
    if (!ok) {
        int code = g->gif->Error;
        pc_gif_abort(g);
        return gif_error(err, "cannot write the header", code);
    }
    *out = g;
    return 0;
}

/* Writes rows [y0, y0+rh) x [x0, x0+rw) of the current frame; with `diff`, pixels equal to
 * the previous frame become transparent. */
static int put_rect(pc_gif_t *g, int x0, int y0, int rw, int rh, int diff, int delay_cs) {
    GraphicsControlBlock gcb = {.DisposalMode = DISPOSE_DO_NOT,
                                .UserInputFlag = false,
                                .DelayTime = delay_cs,
                                .TransparentColor = diff ? TRANSPARENT : NO_TRANSPARENT_COLOR};
    GifByteType ext[4];
    size_t elen = EGifGCBToExtension(&gcb, ext);
    if (EGifPutExtension(g->gif, GRAPHICS_EXT_FUNC_CODE, (int)elen, ext) != GIF_OK) return -1;
    if (EGifPutImageDesc(g->gif, x0, y0, rw, rh, false, NULL) != GIF_OK) return -1;
    for (int y = y0; y < y0 + rh; y++) {
        const uint8_t *cur = g->cur + (size_t)y * (size_t)g->w + x0;
        const uint8_t *prev = g->prev + (size_t)y * (size_t)g->w + x0;
        if (diff) {
            for (int x = 0; x < rw; x++) g->row[x] = cur[x] == prev[x] ? TRANSPARENT : cur[x];
        } else {
            memcpy(g->row, cur, (size_t)rw);
        }
        if (EGifPutLine(g->gif, g->row, rw) != GIF_OK) return -1;
    }
    return 0;
}

int pc_gif_add_frame(pc_gif_t *g, const pc_fb_t *fb, int delay_cs, pc_errbuf_t *err) {
    if (!g || !pc_fb_valid(fb) || fb->w != g->w || fb->h != g->h)
        return pc_errf(err, PC_EINVAL, "gif: frame size differs from the GIF's %dx%d", g ? g->w : 0, g ? g->h : 0);
    if (delay_cs < 0) delay_cs = 0;
    if (delay_cs > 65535) delay_cs = 65535;
    const uint8_t *lut = g->pal->lut;
    /* map to palette indices, tracking the bounding box of what changed */
    int x0 = g->w, y0 = g->h, x1 = -1, y1 = -1;
    for (int y = 0; y < g->h; y++) {
        const uint32_t *src = fb->px + (size_t)y * (size_t)fb->stride;
        uint8_t *cur = g->cur + (size_t)y * (size_t)g->w;
        const uint8_t *prev = g->prev + (size_t)y * (size_t)g->w;
        int lo = -1, hi = -1;
        for (int x = 0; x < g->w; x++) cur[x] = lut[cell_of(src[x])];
        if (g->frames == 0) continue;
        for (int x = 0; x < g->w; x++)
            if (cur[x] != prev[x]) {
                lo = x;
                break;
            }
        if (lo < 0) continue;
        for (int x = g->w - 1; x >= lo; x--)
            if (cur[x] != prev[x]) {
                hi = x;
                break;
            }
        if (lo < x0) x0 = lo;
        if (hi > x1) x1 = hi;
        if (y < y0) y0 = y;
        y1 = y;
    }
    int r;
    if (g->frames == 0)
        r = put_rect(g, 0, 0, g->w, g->h, 0, delay_cs);
    else if (x1 < 0) /* nothing changed: one transparent pixel still makes it a frame */
        r = put_rect(g, 0, 0, 1, 1, 1, delay_cs);
    else
        r = put_rect(g, x0, y0, x1 - x0 + 1, y1 - y0 + 1, 1, delay_cs);
    if (r != 0) return gif_error(err, "cannot write a frame", g->gif->Error);
    uint8_t *t = g->prev; /* what is on screen now becomes the reference */
    g->prev = g->cur;
    g->cur = t;
    g->frames++;
    return 0;
}

static void free_gif(pc_gif_t *g) {
    free(g->cur);
    free(g->prev);
    free(g->row);
    free(g);
}

int pc_gif_close(pc_gif_t *g, pc_errbuf_t *err) {
    if (!g) return 0;
    int e = 0, r = 0;
    if (g->gif && EGifCloseFile(g->gif, &e) != GIF_OK) r = gif_error(err, "cannot finish the file", e);
    free_gif(g);
    return r;
}

void pc_gif_abort(pc_gif_t *g) {
    if (!g) return;
    int e;
    if (g->gif) EGifCloseFile(g->gif, &e); /* writes a trailer; the caller removes the file anyway */
    free_gif(g);
}

int pc_gif_frames(const pc_gif_t *g) { return g ? g->frames : 0; }
