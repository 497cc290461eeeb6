/* font.c — text rendering with stb_truetype over the embedded DejaVu Sans.
 *
 * stb_truetype allocates temporary outline and edge buffers while it rasterizes; we route
 * those (STBTT_malloc) into a bump arena owned by the font, reset before every glyph, so
 * after pc_font_create() nothing here calls malloc. Rasterized glyphs live in a fixed pool
 * indexed by an open-addressing table keyed by (codepoint, pixel size). */
#include "font.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The embedded TTF, generated at build time by cmake/bin2c.c. */
extern const unsigned char pc_font_ttf[];
extern const unsigned long pc_font_ttf_len;

typedef struct font_arena {
    unsigned char *buf;
    size_t cap, used;
} font_arena_t;

static void *arena_alloc(void *ud, size_t n) {
    font_arena_t *a = ud;
    if (!a) return NULL;
    size_t at = (a->used + 15) & ~(size_t)15;
    if (at > a->cap || n > a->cap - at) return NULL; /* stb_truetype checks for NULL */
    a->used = at + n;
    return a->buf + at;
}

#define STBTT_STATIC
#define STBTT_malloc(x, u) arena_alloc((u), (x))
#define STBTT_free(x, u) ((void)(x), (void)(u))
#define STBTT_assert(x) ((void)0)
#define STB_TRUETYPE_IMPLEMENTATION
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#endif
#include <stb/stb_truetype.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#define CACHE_SLOTS 2048             /* power of two; filled to 3/4 at most */
#define POOL_BYTES (1024u * 1024u)   /* glyph bitmaps */
#define SCRATCH_DIM 256              /* largest glyph bitmap side (PC_FONT_MAX_PX fits) */
#define ARENA_BYTES (512u * 1024u)   /* stb_truetype's per-glyph temporaries */

typedef struct glyph {
    uint32_t key;   /* codepoint << 8 | pixel size; 0 = empty slot */
    int gi;         /* glyph index in the font */
    int x0, y0;     /* bitmap offset from the pen position on the baseline */
    int w, h;       /* bitmap size (0 for blank glyphs such as space) */
    float advance;  /* pen advance in pixels */
    uint32_t off;   /* bitmap offset in the pool */
} glyph_t;

struct pc_font {
    stbtt_fontinfo info;
    font_arena_t arena;
    glyph_t slots[CACHE_SLOTS];
    int n_slots;
    unsigned char *pool;
    size_t pool_used;
    unsigned char scratch[SCRATCH_DIM * SCRATCH_DIM];
    int ascent, descent, line_gap, cap_units; /* font units */
};

pc_font_t *pc_font_create(void) {
    pc_font_t *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->pool = malloc(POOL_BYTES);
    f->arena.buf = malloc(ARENA_BYTES);
    f->arena.cap = ARENA_BYTES;
    if (!f->pool || !f->arena.buf) {
        pc_font_destroy(f);
        return NULL;
    }
    int off = stbtt_GetFontOffsetForIndex(pc_font_ttf, 0);
    if (off < 0 || !stbtt_InitFont(&f->info, pc_font_ttf, off)) {
        pc_font_destroy(f);
        return NULL;
    }
    f->info.userdata = &f->arena;
    stbtt_GetFontVMetrics(&f->info, &f->ascent, &f->descent, &f->line_gap);
    int x0, y0, x1, y1;
    if (stbtt_GetCodepointBox(&f->info, 'H', &x0, &y0, &x1, &y1))
        f->cap_units = y1;
    else
        f->cap_units = (f->ascent * 3) / 4;
    return f;
}

void pc_font_destroy(pc_font_t *font) {
    if (!font) return;
    free(font->pool);
    free(font->arena.buf);
    free(font);
}

int pc_font_cached_glyphs(const pc_font_t *font) { return font ? font->n_slots : 0; }

/* Pixel size as the cache's integer key. */
static int size_px(float px) {
    double p = px;
    if (!(p == p) || p < PC_FONT_MIN_PX) return PC_FONT_MIN_PX;
    if (p > PC_FONT_MAX_PX) return PC_FONT_MAX_PX;
    return (int)(p + 0.5);
}

static float font_scale(pc_font_t *f, int size) { return stbtt_ScaleForMappingEmToPixels(&f->info, (float)size); }

static int iround(double v) { return (int)floor(v + 0.5); }

pc_font_metrics_t pc_font_metrics(pc_font_t *font, float px_size) {
    pc_font_metrics_t m = {0, 0, 0, 0};
    if (!font) return m;
    float s = font_scale(font, size_px(px_size));
    m.ascent = iround(font->ascent * (double)s);
    m.descent = iround(-font->descent * (double)s);
    m.cap_height = iround(font->cap_units * (double)s);
    m.line_height = iround((font->ascent - font->descent + font->line_gap) * (double)s);
    return m;
}

/* Next codepoint of a UTF-8 string; invalid sequences give U+FFFD and skip one byte. */
static uint32_t utf8_next(const char **ps) {
    const unsigned char *s = (const unsigned char *)*ps;
    uint32_t c = s[0];
    int n = 0;
    if (c < 0x80) {
        *ps += 1;
        return c;
    } else if ((c & 0xe0) == 0xc0) {
        n = 1;
        c &= 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
        n = 2;
        c &= 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
        n = 3;
        c &= 0x07;
    } else {
        *ps += 1;
        return 0xfffd;
    }
    for (int i = 1; i <= n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *ps += 1;
            return 0xfffd;
        }
        c = (c << 6) | (s[i] & 0x3f);
    }
    static const uint32_t min_for[4] = {0, 0x80, 0x800, 0x10000};
    if (c < min_for[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        *ps += 1;
        return 0xfffd;
    }
    *ps += n + 1;
    return c;
}

/* Glyph index for cp, with '?' standing in for anything the font lacks. */
static int glyph_index(pc_font_t *f, uint32_t cp) {
    int gi = cp == 0xfffd ? 0 : stbtt_FindGlyphIndex(&f->info, (int)cp);
    if (!gi) gi = stbtt_FindGlyphIndex(&f->info, '?');
    return gi;
}

/* Fills g (metrics) for cp at size and, when bm is not NULL, rasterizes the bitmap into
 * dst (SCRATCH_DIM-bounded size) and sets *bm to it. */
static void make_glyph(pc_font_t *f, uint32_t cp, int size, glyph_t *g, unsigned char *dst, int dst_cap) {
    float s = font_scale(f, size);
    int gi = glyph_index(f, cp);
    int adv, lsb;
    stbtt_GetGlyphHMetrics(&f->info, gi, &adv, &lsb);
    int x0, y0, x1, y1;
    stbtt_GetGlyphBitmapBox(&f->info, gi, s, s, &x0, &y0, &x1, &y1);
    g->gi = gi;
    g->advance = (float)adv * s;
    g->x0 = x0;
    g->y0 = y0;
    g->w = x1 - x0;
    g->h = y1 - y0;
    if (g->w <= 0 || g->h <= 0 || g->w > SCRATCH_DIM || g->h > SCRATCH_DIM) g->w = g->h = 0;
    if (dst && g->w && g->w * g->h <= dst_cap) {
        f->arena.used = 0;
        memset(dst, 0, (size_t)g->w * (size_t)g->h);
        stbtt_MakeGlyphBitmap(&f->info, dst, g->w, g->h, g->w, s, s, gi);
    }
}

/* The cached glyph for (cp, size), caching it when there is room. When the cache is full
 * the glyph is rasterized into the scratch buffer (valid until the next call) and *tmp
 * holds its metrics. Sets *bitmap when want_bitmap. */
static const glyph_t *get_glyph(pc_font_t *f, uint32_t cp, int size, int want_bitmap, glyph_t *tmp,
                                const unsigned char **bitmap) {
    uint32_t key = (cp << 8) | (uint32_t)size;
    uint32_t h = (key * 2654435761u) & (CACHE_SLOTS - 1);
    for (int probe = 0; probe < CACHE_SLOTS; probe++) {
        glyph_t *g = &f->slots[(h + (uint32_t)probe) & (CACHE_SLOTS - 1)];
        if (g->key == key) {
            if (bitmap) *bitmap = f->pool + g->off;
            return g;
        }
        if (g->key == 0) {
            if (f->n_slots < CACHE_SLOTS * 3 / 4) {
                glyph_t ng;
                memset(&ng, 0, sizeof ng);
                make_glyph(f, cp, size, &ng, NULL, 0);
                size_t need = (size_t)ng.w * (size_t)ng.h;
                if (need <= POOL_BYTES - f->pool_used) {
                    ng.off = (uint32_t)f->pool_used;
                    if (need) {
                        make_glyph(f, cp, size, &ng, f->pool + ng.off, (int)need);
                        f->pool_used += need;
                    }
                    ng.key = key;
                    *g = ng;
                    f->n_slots++;
                    if (bitmap) *bitmap = f->pool + g->off;
                    return g;
                }
            }
            break;
        }
    }
    /* cache full: render into scratch on every use */
    memset(tmp, 0, sizeof *tmp);
    make_glyph(f, cp, size, tmp, want_bitmap ? f->scratch : NULL, SCRATCH_DIM * SCRATCH_DIM);
    if (bitmap) *bitmap = f->scratch;
    return tmp;
}

/* Walks the text, calling blit for each glyph when fb is set; returns the advance width. */
static int layout(pc_fb_t *fb, pc_font_t *f, double x, int baseline, int size, uint32_t color, const char *s) {
    double pen = 0.0;
    int prev_gi = -1;
    float scale = font_scale(f, size);
    while (*s) {
        uint32_t cp = utf8_next(&s);
        if (cp < 32 || cp == 0x7f) continue;
        glyph_t tmp;
        const unsigned char *bm = NULL;
        const glyph_t *g = get_glyph(f, cp, size, fb != NULL, &tmp, fb ? &bm : NULL);
        if (prev_gi >= 0) pen += stbtt_GetGlyphKernAdvance(&f->info, prev_gi, g->gi) * (double)scale;
        if (fb && g->w > 0 && bm) {
            int gx = iround(x + pen) + g->x0, gy = baseline + g->y0;
            /* clip the glyph box against the framebuffer before touching pixels */
            int ax = gx < 0 ? -gx : 0, ay = gy < 0 ? -gy : 0;
            int bx = g->w, by = g->h;
            if ((long long)gx + bx > fb->w) bx = (int)(fb->w - (long long)gx);
            if ((long long)gy + by > fb->h) by = (int)(fb->h - (long long)gy);
            for (int yy = ay; yy < by; yy++)
                for (int xx = ax; xx < bx; xx++) {
                    unsigned c = bm[yy * g->w + xx];
                    if (c) pc_gfx_blend_px(fb, gx + xx, gy + yy, color, c);
                }
        }
        pen += g->advance;
        prev_gi = g->gi;
    }
    return iround(pen);
}

int pc_text_width(pc_font_t *font, float px_size, const char *utf8) {
    if (!font || !utf8) return 0;
    return layout(NULL, font, 0.0, 0, size_px(px_size), 0, utf8);
}

int pc_text_draw(pc_fb_t *fb, pc_font_t *font, float x, float y, float px_size, uint32_t color,
                 int align, const char *utf8) {
    if (!font || !utf8) return 0;
    double dx = x, dy = y;
    if (!(dx == dx) || !(dy == dy) || dx < -1e7 || dx > 1e7 || dy < -1e7 || dy > 1e7) return 0;
    int size = size_px(px_size);
    int width = -1;
    if ((align & PC_ALIGN_HMASK) != PC_ALIGN_LEFT) {
        width = pc_text_width(font, (float)size, utf8);
        dx -= (align & PC_ALIGN_HMASK) == PC_ALIGN_CENTER ? width * 0.5 : (double)width;
    }
    pc_font_metrics_t m = pc_font_metrics(font, (float)size);
    int baseline = iround(dy);
    switch (align & PC_ALIGN_VMASK) {
    case PC_ALIGN_TOP: baseline += m.ascent; break;
    case PC_ALIGN_MIDDLE: baseline = iround(dy + m.cap_height * 0.5); break;
    case PC_ALIGN_BOTTOM: baseline -= m.descent; break;
    default: break;
    }
    if (!pc_fb_valid(fb)) return width >= 0 ? width : pc_text_width(font, (float)size, utf8);
    return layout(fb, font, dx, baseline, size, color, utf8);
}

int pc_text_fit(pc_font_t *font, float px_size, const char *utf8, int max_width, char *out, size_t cap) {
    if (!out || cap == 0) return 0;
    out[0] = '\0';
    if (!utf8) return 0;
    size_t len = strlen(utf8);
    if (len < cap) {
        memcpy(out, utf8, len + 1);
        int w = pc_text_width(font, px_size, out);
        if (w <= max_width) return w;
    }
    /* drop whole characters from the end until text + "…" fits */
    static const char ell[] = "\xe2\x80\xa6";
    size_t keep = len < cap ? len : cap - 1;
    for (;;) {
        while (keep > 0 && ((unsigned char)utf8[keep] & 0xc0) == 0x80) keep--; /* char boundary */
        if (keep + sizeof ell <= cap) {
            memcpy(out, utf8, keep);
            memcpy(out + keep, ell, sizeof ell);
            int w = pc_text_width(font, px_size, out);
            if (w <= max_width || keep == 0) {
                if (w > max_width) {
                    out[0] = '\0';
                    return 0;
                }
                return w;
            }
        }
        if (keep == 0) break;
        keep--;
    }
    out[0] = '\0';
    return 0;
}
