/* gfx.c — clipped software primitives. See gfx.h for the contract (no allocation, any
 * input is safe, same pixels natively and in WASM). */
#include "gfx.h"

#include <math.h>
#include <stddef.h>

/* ---- helpers ---- */

static int finite_d(double v) { return v == v && v - v == 0.0; }

static double clampd(double v, double lo, double hi) { return v < lo ? lo : (v > hi ? hi : v); }

/* A double clamped into int range, for coordinates that may be anything. */
static int to_int_clamped(double v, int lo, int hi) {
    if (!(v == v)) return lo;
    if (v <= (double)lo) return lo;
    if (v >= (double)hi) return hi;
    return (int)v;
}

/* Coverage 0..1 to 0..255, rounded. */
static unsigned cov255(double c) {
    if (!(c > 0.0)) return 0;
    if (c >= 1.0) return 255;
    return (unsigned)(c * 255.0 + 0.5);
}

/* dst with src blended over it at alpha a (0..255); the result is opaque. */
static inline uint32_t blend(uint32_t dst, uint32_t src, unsigned a) {
    if (a >= 255) return src | 0xff000000u;
    if (a == 0) return dst | 0xff000000u;
    unsigned ia = 255 - a;
    unsigned r = (PC_R(src) * a + PC_R(dst) * ia + 127) / 255;
    unsigned g = (PC_G(src) * a + PC_G(dst) * ia + 127) / 255;
    unsigned b = (PC_B(src) * a + PC_B(dst) * ia + 127) / 255;
    return PC_RGBA(r, g, b, 255);
}

/* Blend with coverage folded into the color's alpha; x, y must be inside fb. */
static inline void put(pc_fb_t *fb, int x, int y, uint32_t color, unsigned coverage) {
    unsigned a = (PC_A(color) * coverage + 127) / 255;
    if (!a) return;
    uint32_t *p = fb->px + (size_t)y * (size_t)fb->stride + (size_t)x;
    *p = blend(*p, color, a);
}

uint32_t pc_color_mix(uint32_t a, uint32_t b, unsigned t) {
    if (t > 255) t = 255;
    unsigned it = 255 - t;
    unsigned r = (PC_R(a) * it + PC_R(b) * t + 127) / 255;
    unsigned g = (PC_G(a) * it + PC_G(b) * t + 127) / 255;
    unsigned bl = (PC_B(a) * it + PC_B(b) * t + 127) / 255;
    unsigned al = (PC_A(a) * it + PC_A(b) * t + 127) / 255;
    return PC_RGBA(r, g, bl, al);
}

/* ---- framebuffer ---- */

pc_fb_t pc_fb_make(uint32_t *px, int w, int h) {
    pc_fb_t fb = {px, w, h, w};
    return fb;
}

int pc_fb_valid(const pc_fb_t *fb) {
    return fb && fb->px && fb->w > 0 && fb->h > 0 && fb->stride >= fb->w;
}

pc_fb_t pc_fb_sub(const pc_fb_t *fb, int x, int y, int w, int h) {
    pc_fb_t out = {NULL, 0, 0, 0};
    if (!pc_fb_valid(fb) || w <= 0 || h <= 0) return out;
    long long x0 = x, y0 = y, x1 = (long long)x + w, y1 = (long long)y + h;
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > fb->w) x1 = fb->w;
    if (y1 > fb->h) y1 = fb->h;
    if (x0 >= x1 || y0 >= y1) return out;
    out.px = fb->px + (size_t)y0 * (size_t)fb->stride + (size_t)x0;
    out.w = (int)(x1 - x0);
    out.h = (int)(y1 - y0);
    out.stride = fb->stride;
    return out;
}

/* ---- integer primitives ---- */

void pc_gfx_clear(pc_fb_t *fb, uint32_t color) {
    if (!pc_fb_valid(fb)) return;
    color |= 0xff000000u;
    for (int y = 0; y < fb->h; y++) {
        uint32_t *row = fb->px + (size_t)y * (size_t)fb->stride;
        for (int x = 0; x < fb->w; x++) row[x] = color;
    }
}

void pc_gfx_blend_px(pc_fb_t *fb, int x, int y, uint32_t color, unsigned coverage) {
    if (!pc_fb_valid(fb) || x < 0 || y < 0 || x >= fb->w || y >= fb->h) return;
    put(fb, x, y, color, coverage > 255 ? 255 : coverage);
}

void pc_gfx_fill_rect(pc_fb_t *fb, int x, int y, int w, int h, uint32_t color) {
    if (!pc_fb_valid(fb) || w <= 0 || h <= 0) return;
    long long x0 = x, y0 = y, x1 = (long long)x + w, y1 = (long long)y + h;
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > fb->w) x1 = fb->w;
    if (y1 > fb->h) y1 = fb->h;
    if (x0 >= x1 || y0 >= y1) return;
    unsigned a = PC_A(color);
    if (!a) return;
    for (long long yy = y0; yy < y1; yy++) {
        uint32_t *row = fb->px + (size_t)yy * (size_t)fb->stride;
        if (a == 255) {
            for (long long xx = x0; xx < x1; xx++) row[xx] = color;
        } else {
            for (long long xx = x0; xx < x1; xx++) row[xx] = blend(row[xx], color, a);
        }
    }
}

void pc_gfx_rect(pc_fb_t *fb, int x, int y, int w, int h, int t, uint32_t color) {
    if (w <= 0 || h <= 0 || t <= 0) return;
    if ((long long)t * 2 >= w || (long long)t * 2 >= h) {
        pc_gfx_fill_rect(fb, x, y, w, h, color);
        return;
    }
    /* edges far past INT_MAX are off every framebuffer: skip them instead of overflowing */
    long long right = (long long)x + w - t, bottom = (long long)y + h - t, inner = (long long)y + t;
    pc_gfx_fill_rect(fb, x, y, w, t, color);
    if (bottom <= 2147483647LL) pc_gfx_fill_rect(fb, x, (int)bottom, w, t, color);
    if (inner > 2147483647LL) return;
    pc_gfx_fill_rect(fb, x, (int)inner, t, h - 2 * t, color);
    if (right <= 2147483647LL) pc_gfx_fill_rect(fb, (int)right, (int)inner, t, h - 2 * t, color);
}

/* Inclusive [a, b] in either order as start and length, without int overflow. */
static void span(int a, int b, int *start, int *len) {
    long long lo = a < b ? a : b, hi = a < b ? b : a;
    long long n = hi - lo + 1;
    if (lo < -(1LL << 30)) { n -= (-(1LL << 30)) - lo; lo = -(1LL << 30); }
    if (n > (1LL << 30)) n = 1LL << 30;
    *start = (int)lo;
    *len = n > 0 ? (int)n : 0;
}

void pc_gfx_hline(pc_fb_t *fb, int x0, int x1, int y, int t, uint32_t color) {
    int s, n;
    span(x0, x1, &s, &n);
    pc_gfx_fill_rect(fb, s, y, n, t, color);
}

void pc_gfx_vline(pc_fb_t *fb, int x, int y0, int y1, int t, uint32_t color) {
    int s, n;
    span(y0, y1, &s, &n);
    pc_gfx_fill_rect(fb, x, s, t, n, color);
}

void pc_gfx_hline_dashed(pc_fb_t *fb, int x0, int x1, int y, int t, int dash, int gap, uint32_t color) {
    if (!pc_fb_valid(fb) || dash <= 0 || gap < 0 || t <= 0) return;
    if (y >= fb->h || (long long)y + t <= 0) return;
    int s, n;
    span(x0, x1, &s, &n);
    long long end = (long long)s + n, period = (long long)dash + gap;
    long long from = s;
    /* skip whole periods left of the framebuffer so the loop only walks visible pixels */
    if (from < 0) from += ((-from) / period) * period;
    for (long long x = from; x < end && x < fb->w; x += period) {
        long long e = x + dash < end ? x + dash : end;
        pc_gfx_fill_rect(fb, (int)x, y, (int)(e - x), t, color);
    }
}

void pc_gfx_vline_dashed(pc_fb_t *fb, int x, int y0, int y1, int t, int dash, int gap, uint32_t color) {
    if (!pc_fb_valid(fb) || dash <= 0 || gap < 0 || t <= 0) return;
    if (x >= fb->w || (long long)x + t <= 0) return;
    int s, n;
    span(y0, y1, &s, &n);
    long long end = (long long)s + n, period = (long long)dash + gap;
    long long from = s;
    if (from < 0) from += ((-from) / period) * period;
    for (long long y = from; y < end && y < fb->h; y += period) {
        long long e = y + dash < end ? y + dash : end;
        pc_gfx_fill_rect(fb, x, (int)y, t, (int)(e - y), color);
    }
}

/* ---- antialiased primitives ---- */

/* Liang-Barsky: clips the segment to [xmin,xmax]x[ymin,ymax]; returns 0 when nothing is
 * left, else the clipped endpoints and the parameters t0 <= t1 they came from. */
static int clip_segment(double *x0, double *y0, double *x1, double *y1, double xmin, double ymin,
                        double xmax, double ymax, double *t0_out, double *t1_out) {
    double dx = *x1 - *x0, dy = *y1 - *y0;
    double t0 = 0.0, t1 = 1.0;
    double p[4] = {-dx, dx, -dy, dy};
    double q[4] = {*x0 - xmin, xmax - *x0, *y0 - ymin, ymax - *y0};
    for (int i = 0; i < 4; i++) {
        if (p[i] == 0.0) {
            if (q[i] < 0.0) return 0;
            continue;
        }
        double r = q[i] / p[i];
        if (p[i] < 0.0) {
            if (r > t1) return 0;
            if (r > t0) t0 = r;
        } else {
            if (r < t0) return 0;
            if (r < t1) t1 = r;
        }
    }
    double ox = *x0, oy = *y0;
    *x0 = ox + t0 * dx;
    *y0 = oy + t0 * dy;
    *x1 = ox + t1 * dx;
    *y1 = oy + t1 * dy;
    if (t0_out) *t0_out = t0;
    if (t1_out) *t1_out = t1;
    return 1;
}

/* The segment (already clipped near fb) drawn as a capsule of radius r; `fade` scales the
 * coverage for lines thinner than a pixel. */
static void capsule(pc_fb_t *fb, double x0, double y0, double x1, double y1, double r, double fade,
                    uint32_t color) {
    double dx = x1 - x0, dy = y1 - y0;
    double len2 = dx * dx + dy * dy;
    double len = sqrt(len2);
    double ext = r + 1.0;
    double bx0 = (x0 < x1 ? x0 : x1) - ext, bx1 = (x0 < x1 ? x1 : x0) + ext;
    double by0 = (y0 < y1 ? y0 : y1) - ext, by1 = (y0 < y1 ? y1 : y0) + ext;
    int ya = to_int_clamped(floor(by0), 0, fb->h - 1);
    int yb = to_int_clamped(ceil(by1), 0, fb->h - 1);
    double ady = dy < 0 ? -dy : dy;
    for (int py = ya; py <= yb; py++) {
        double yc = py + 0.5;
        double xa = bx0, xb = bx1;
        if (ady > 1e-9) {
            /* row intersection of the infinite thick line, widened by one pixel */
            double xm = x0 + (yc - y0) * dx / dy;
            double hw = ext * len / ady;
            if (xm - hw > xa) xa = xm - hw;
            if (xm + hw < xb) xb = xm + hw;
        }
        int ia = to_int_clamped(floor(xa), 0, fb->w - 1);
        int ib = to_int_clamped(ceil(xb), 0, fb->w - 1);
        if (xb < 0.0 || xa > (double)fb->w) continue;
        for (int px = ia; px <= ib; px++) {
            double xc = px + 0.5;
            double t = len2 > 0.0 ? ((xc - x0) * dx + (yc - y0) * dy) / len2 : 0.0;
            t = clampd(t, 0.0, 1.0);
            double ex = xc - (x0 + t * dx), ey = yc - (y0 + t * dy);
            double d = sqrt(ex * ex + ey * ey);
            double c = clampd(r + 0.5 - d, 0.0, 1.0) * fade;
            unsigned cv = cov255(c);
            if (cv) put(fb, px, py, color, cv);
        }
    }
}

/* Validates a width: thin lines keep a 1-pixel footprint with faded coverage. */
static int line_width(float width, double *r, double *fade) {
    double w = width;
    if (!finite_d(w) || w <= 0.0) return 0;
    if (w > 4096.0) w = 4096.0;
    if (w < 1.0) {
        *fade = w;
        w = 1.0;
    } else {
        *fade = 1.0;
    }
    *r = w * 0.5;
    return 1;
}

void pc_gfx_line(pc_fb_t *fb, float x0, float y0, float x1, float y1, float width, uint32_t color) {
    double r, fade;
    if (!pc_fb_valid(fb) || !line_width(width, &r, &fade)) return;
    double ax = x0, ay = y0, bx = x1, by = y1;
    if (!finite_d(ax) || !finite_d(ay) || !finite_d(bx) || !finite_d(by)) return;
    double pad = r + 2.0;
    if (!clip_segment(&ax, &ay, &bx, &by, -pad, -pad, fb->w + pad, fb->h + pad, NULL, NULL)) return;
    capsule(fb, ax, ay, bx, by, r, fade, color);
}

void pc_gfx_line_dashed(pc_fb_t *fb, float x0, float y0, float x1, float y1, float width,
                        float dash, float gap, uint32_t color) {
    double r, fade;
    if (!pc_fb_valid(fb) || !line_width(width, &r, &fade)) return;
    double ax = x0, ay = y0, bx = x1, by = y1, dd = dash, dg = gap;
    if (!finite_d(ax) || !finite_d(ay) || !finite_d(bx) || !finite_d(by)) return;
    if (!finite_d(dd) || !finite_d(dg) || dd <= 0.0 || dg < 0.0) return;
    double len = sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay));
    if (!finite_d(len)) return;
    double pad = r + 2.0, t0, t1;
    double cx0 = ax, cy0 = ay, cx1 = bx, cy1 = by;
    if (!clip_segment(&cx0, &cy0, &cx1, &cy1, -pad, -pad, fb->w + pad, fb->h + pad, &t0, &t1)) return;
    double period = dd + dg;
    double s0 = t0 * len, s1 = t1 * len;
    if (period < 1.0 || (s1 - s0) / period > 100000.0 || len <= 0.0) {
        capsule(fb, cx0, cy0, cx1, cy1, r, fade, color);
        return;
    }
    /* start at the first dash that reaches the visible part, keeping the original phase */
    double s = floor(s0 / period) * period;
    double ux = (bx - ax) / len, uy = (by - ay) / len;
    for (; s < s1; s += period) {
        double a = s < s0 ? s0 : s, b = s + dd > s1 ? s1 : s + dd;
        if (b <= a) continue;
        capsule(fb, ax + ux * a, ay + uy * a, ax + ux * b, ay + uy * b, r, fade, color);
    }
}

void pc_gfx_polyline(pc_fb_t *fb, const pc_pointf_t *pts, int n, float width, uint32_t color) {
    if (!pts || n <= 0) return;
    if (n == 1) {
        pc_gfx_line(fb, pts[0].x, pts[0].y, pts[0].x, pts[0].y, width, color);
        return;
    }
    for (int i = 0; i + 1 < n; i++)
        pc_gfx_line(fb, pts[i].x, pts[i].y, pts[i + 1].x, pts[i + 1].y, width, color);
}

/* Signed distance from (px, py) to a rounded rectangle given by centre, half size, radius. */
static double rrect_sdf(double px, double py, double cx, double cy, double hw, double hh, double rad) {
    double qx = (px < cx ? cx - px : px - cx) - (hw - rad);
    double qy = (py < cy ? cy - py : py - cy) - (hh - rad);
    double mx = qx > 0 ? qx : 0, my = qy > 0 ? qy : 0;
    double inside = qx > qy ? qx : qy;
    if (inside > 0) inside = 0;
    return sqrt(mx * mx + my * my) + inside - rad;
}

/* Shared loop of the disc/ring/rounded-rectangle fills: coverage from a signed distance. */
typedef struct shape {
    int kind; /* 0 disc, 1 ring, 2 rounded rect, 3 rounded rect stroke */
    double cx, cy, r, hw, hh, width;
} shape_t;

static double shape_cov(const shape_t *s, double px, double py) {
    double d;
    switch (s->kind) {
    case 0:
        d = sqrt((px - s->cx) * (px - s->cx) + (py - s->cy) * (py - s->cy)) - s->r;
        return clampd(0.5 - d, 0.0, 1.0);
    case 1:
        d = sqrt((px - s->cx) * (px - s->cx) + (py - s->cy) * (py - s->cy)) - s->r;
        if (d < 0) d = -d;
        return clampd(s->width * 0.5 + 0.5 - d, 0.0, 1.0);
    case 2:
        d = rrect_sdf(px, py, s->cx, s->cy, s->hw, s->hh, s->r);
        return clampd(0.5 - d, 0.0, 1.0);
    default:
        d = rrect_sdf(px, py, s->cx, s->cy, s->hw, s->hh, s->r);
        return clampd(0.5 - d, 0.0, 1.0) - clampd(0.5 - (d + s->width), 0.0, 1.0);
    }
}

static void shape_fill(pc_fb_t *fb, const shape_t *s, double bx0, double by0, double bx1, double by1,
                       uint32_t color) {
    int xa = to_int_clamped(floor(bx0) - 1, 0, fb->w - 1), xb = to_int_clamped(ceil(bx1) + 1, 0, fb->w - 1);
    int ya = to_int_clamped(floor(by0) - 1, 0, fb->h - 1), yb = to_int_clamped(ceil(by1) + 1, 0, fb->h - 1);
    if (bx1 < -1.0 || by1 < -1.0 || bx0 > fb->w + 1.0 || by0 > fb->h + 1.0) return;
    /* A rounded rectangle's coverage does not vary along x between its corner zones, so
     * each row's middle span takes one value; only the corners need the distance per pixel.
     * Panels are large, so this keeps card-heavy views cheap. */
    int ma = 1, mb = 0;
    if (s->kind >= 2) {
        double half = s->hw - s->r - 1.0; /* straight part, a pixel clear of the side edges */
        ma = to_int_clamped(ceil(s->cx - half - 0.5), 0, fb->w);
        mb = to_int_clamped(floor(s->cx + half - 0.5), -1, fb->w - 1);
        if (ma < xa) ma = xa;
        if (mb > xb) mb = xb;
    }
    for (int y = ya; y <= yb; y++) {
        unsigned mid = ma <= mb ? cov255(shape_cov(s, s->cx, y + 0.5)) : 0;
        for (int x = xa; x <= xb; x++) {
            if (x == ma && ma <= mb) {
                if (mid)
                    for (; x <= mb; x++) put(fb, x, y, color, mid);
                x = mb;
                continue;
            }
            unsigned c = cov255(shape_cov(s, x + 0.5, y + 0.5));
            if (c) put(fb, x, y, color, c);
        }
    }
}

void pc_gfx_circle(pc_fb_t *fb, float cx, float cy, float r, uint32_t color) {
    if (!pc_fb_valid(fb) || !finite_d(cx) || !finite_d(cy) || !finite_d(r) || r <= 0) return;
    shape_t s = {0, cx, cy, r, 0, 0, 0};
    shape_fill(fb, &s, s.cx - s.r, s.cy - s.r, s.cx + s.r, s.cy + s.r, color);
}

void pc_gfx_ring(pc_fb_t *fb, float cx, float cy, float r, float width, uint32_t color) {
    if (!pc_fb_valid(fb) || !finite_d(cx) || !finite_d(cy) || !finite_d(r) || !finite_d(width)) return;
    if (r <= 0 || width <= 0) return;
    shape_t s = {1, cx, cy, r, 0, 0, width};
    double e = s.r + s.width;
    shape_fill(fb, &s, s.cx - e, s.cy - e, s.cx + e, s.cy + e, color);
}

static int rrect_shape(shape_t *s, int kind, float x, float y, float w, float h, float radius, float width) {
    double dx = x, dy = y, dw = w, dh = h, dr = radius;
    if (!finite_d(dx) || !finite_d(dy) || !finite_d(dw) || !finite_d(dh) || !finite_d(dr)) return 0;
    if (dw <= 0 || dh <= 0) return 0;
    if (dr < 0) dr = 0;
    if (dr > dw * 0.5) dr = dw * 0.5;
    if (dr > dh * 0.5) dr = dh * 0.5;
    s->kind = kind;
    s->cx = dx + dw * 0.5;
    s->cy = dy + dh * 0.5;
    s->hw = dw * 0.5;
    s->hh = dh * 0.5;
    s->r = dr;
    s->width = width;
    return 1;
}

void pc_gfx_round_rect(pc_fb_t *fb, float x, float y, float w, float h, float radius, uint32_t color) {
    shape_t s;
    if (!pc_fb_valid(fb) || !rrect_shape(&s, 2, x, y, w, h, radius, 0)) return;
    shape_fill(fb, &s, s.cx - s.hw, s.cy - s.hh, s.cx + s.hw, s.cy + s.hh, color);
}

void pc_gfx_round_rect_stroke(pc_fb_t *fb, float x, float y, float w, float h, float radius,
                              float width, uint32_t color) {
    shape_t s;
    if (!finite_d(width) || width <= 0) return;
    if (!pc_fb_valid(fb) || !rrect_shape(&s, 3, x, y, w, h, radius, width)) return;
    shape_fill(fb, &s, s.cx - s.hw, s.cy - s.hh, s.cx + s.hw, s.cy + s.hh, color);
}

/* ---- polygon fill ---- */

#define SUBROWS 4
#define CHUNK 1024

/* Vertex i of the polygon: the n points, then (for an area) two points on the base line. */
static void vertex(const pc_pointf_t *pts, int n, double base, int i, double *x, double *y) {
    if (i < n) {
        *x = pts[i].x;
        *y = pts[i].y;
    } else {
        *x = (i == n) ? pts[n - 1].x : pts[0].x;
        *y = base;
    }
}

static void sort_doubles(double *v, int n) {
    for (int i = 1; i < n; i++) {
        double k = v[i];
        int j = i - 1;
        while (j >= 0 && v[j] > k) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = k;
    }
}

static void fill_poly(pc_fb_t *fb, const pc_pointf_t *pts, int n, int area, double base, uint32_t color) {
    if (!pc_fb_valid(fb) || !pts || n < (area ? 2 : 3)) return;
    if (area && !finite_d(base)) return;
    int nv = area ? n + 2 : n;
    double ymin = 0, ymax = 0, xmin = 0, xmax = 0;
    for (int i = 0; i < nv; i++) {
        double x, y;
        vertex(pts, n, base, i, &x, &y);
        if (!finite_d(x) || !finite_d(y)) return;
        if (i == 0 || y < ymin) ymin = y;
        if (i == 0 || y > ymax) ymax = y;
        if (i == 0 || x < xmin) xmin = x;
        if (i == 0 || x > xmax) xmax = x;
    }
    if (ymax <= 0 || ymin >= fb->h || xmax <= 0 || xmin >= fb->w) return;
    int ya = to_int_clamped(floor(ymin), 0, fb->h - 1), yb = to_int_clamped(ceil(ymax), 0, fb->h - 1);
    static const double sub_off[SUBROWS] = {0.125, 0.375, 0.625, 0.875};
    double xs[SUBROWS][PC_GFX_MAX_CROSSINGS];
    int nx[SUBROWS];
    float acc[CHUNK];
    for (int py = ya; py <= yb; py++) {
        double rx0 = 1e300, rx1 = -1e300;
        for (int s = 0; s < SUBROWS; s++) {
            double ys = py + sub_off[s];
            nx[s] = 0;
            for (int i = 0; i < nv; i++) {
                double ax, ay, bx, by;
                vertex(pts, n, base, i, &ax, &ay);
                vertex(pts, n, base, (i + 1) % nv, &bx, &by);
                if ((ay <= ys && ys < by) || (by <= ys && ys < ay)) {
                    if (nx[s] >= PC_GFX_MAX_CROSSINGS) break;
                    double x = ax + (ys - ay) * (bx - ax) / (by - ay);
                    xs[s][nx[s]++] = x;
                }
            }
            nx[s] &= ~1; /* even-odd pairs only */
            sort_doubles(xs[s], nx[s]);
            if (nx[s]) {
                if (xs[s][0] < rx0) rx0 = xs[s][0];
                if (xs[s][nx[s] - 1] > rx1) rx1 = xs[s][nx[s] - 1];
            }
        }
        if (rx1 < rx0) continue;
        int ca = to_int_clamped(floor(rx0), 0, fb->w), cb = to_int_clamped(ceil(rx1), 0, fb->w);
        for (int c0 = ca; c0 < cb; c0 += CHUNK) {
            int c1 = c0 + CHUNK < cb ? c0 + CHUNK : cb;
            for (int i = 0; i < c1 - c0; i++) acc[i] = 0.0f;
            for (int s = 0; s < SUBROWS; s++) {
                for (int k = 0; k + 1 < nx[s]; k += 2) {
                    double xa = clampd(xs[s][k], c0, c1), xb = clampd(xs[s][k + 1], c0, c1);
                    if (xb <= xa) continue;
                    int ia = (int)floor(xa), ib = (int)floor(xb);
                    if (ia == ib) {
                        acc[ia - c0] += (float)((xb - xa) * (1.0 / SUBROWS));
                        continue;
                    }
                    acc[ia - c0] += (float)((ia + 1 - xa) * (1.0 / SUBROWS));
                    for (int i = ia + 1; i < ib; i++) acc[i - c0] += (float)(1.0 / SUBROWS);
                    if (ib < c1) acc[ib - c0] += (float)((xb - ib) * (1.0 / SUBROWS));
                }
            }
            for (int i = 0; i < c1 - c0; i++) {
                unsigned c = cov255(acc[i]);
                if (c) put(fb, c0 + i, py, color, c);
            }
        }
    }
}

void pc_gfx_fill_polygon(pc_fb_t *fb, const pc_pointf_t *pts, int n, uint32_t color) {
    fill_poly(fb, pts, n, 0, 0.0, color);
}

void pc_gfx_fill_area(pc_fb_t *fb, const pc_pointf_t *pts, int n, float base, uint32_t color) {
    fill_poly(fb, pts, n, 1, base, color);
}
