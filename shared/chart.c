/* chart.c — chart building blocks. See chart.h. Only pcmath's functions decide pixels. */
#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pcmath.h"

/* ---- theme ---- */

static const pc_theme_t THEME_DARK = {
    .bg = PC_HEX(0x0a0e27),
    .panel = PC_HEX(0x10153a),
    .panel_edge = PC_HEX(0x252c55),
    .grid = PC_HEX(0x1c2340),
    .axis = PC_HEX(0x3b456f),
    .text = PC_HEX(0xe3e7f1),
    .text_dim = PC_HEX(0x9aa3c0),
    .text_faint = PC_HEX(0x666f93),
    .accent = PC_HEX(0x00ff88),
    .warn = PC_HEX(0xffc857),
    .bad = PC_HEX(0xff5c7a),
    .series = {PC_HEX(0x00ff88), PC_HEX(0xff9f43), PC_HEX(0x4dabf7), PC_HEX(0xc084fc), PC_HEX(0xff6b81),
               PC_HEX(0xffd43b), PC_HEX(0x22d3ee), PC_HEX(0xa3e635)},
};

const pc_theme_t *pc_theme_dark(void) { return &THEME_DARK; }

/* ---- context and layout ---- */

void pc_chart_init(pc_chart_t *c, pc_fb_t *fb, pc_font_t *font, float scale) {
    c->fb = fb;
    c->font = font;
    double s = scale;
    c->scale = (s == s && s >= 0.1 && s <= 16.0) ? scale : 1.0f;
    c->th = pc_theme_dark();
}

int pc_chart_px(const pc_chart_t *c, float v) {
    double d = (double)v * (double)c->scale;
    if (!(d == d)) return 0;
    if (d > 1e6) d = 1e6;
    if (d < -1e6) d = -1e6;
    int r = (int)floor(d + 0.5);
    if (r == 0 && d > 0) r = 1;
    return r;
}

float pc_chart_pxf(const pc_chart_t *c, float v) { return v * c->scale; }

pc_rect_t pc_rect_inset(pc_rect_t r, int d) {
    r.x += d;
    r.y += d;
    r.w -= 2 * d;
    r.h -= 2 * d;
    if (r.w < 0) r.w = 0;
    if (r.h < 0) r.h = 0;
    return r;
}

int pc_chart_text(pc_chart_t *c, int x, int y, float size, uint32_t color, int align, const char *utf8) {
    if (!c->font) return 0;
    return pc_text_draw(c->fb, c->font, (float)x, (float)y, pc_chart_pxf(c, size), color, align, utf8);
}

int pc_chart_text_width(pc_chart_t *c, float size, const char *utf8) {
    if (!c->font) return 0;
    return pc_text_width(c->font, pc_chart_pxf(c, size), utf8);
}

/* ---- page furniture ---- */

void pc_chart_background(pc_chart_t *c) { pc_gfx_clear(c->fb, c->th->bg); }

int pc_chart_title_bar_height(const pc_chart_t *c) {
    int bar_h = pc_chart_px(c, 46);
    return bar_h > c->fb->h ? c->fb->h : bar_h;
}

pc_rect_t pc_chart_title_bar(pc_chart_t *c, const char *title, const char *subtitle, const char *right) {
    pc_fb_t *fb = c->fb;
    int bar_h = pc_chart_title_bar_height(c);
    int pad = pc_chart_px(c, 18);
    int mid = bar_h / 2;
    /* a thin accent mark before the title ties every view to the product's look */
    pc_gfx_round_rect(fb, (float)pad, (float)(mid - pc_chart_px(c, 8)), pc_chart_pxf(c, 3), pc_chart_pxf(c, 16),
                      pc_chart_pxf(c, 1.5f), c->th->accent);
    int x = pad + pc_chart_px(c, 11);
    int avail = fb->w - pad - x, gap = pc_chart_px(c, 24);
    char buf[256];
    if (c->font) {
        /* room goes to the title first, then the status on the right, then the subtitle */
        int tw = title ? pc_chart_text_width(c, PC_TEXT_TITLE, title) : 0;
        if (title && *title) {
            tw = pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_TITLE), title, avail, buf, sizeof buf);
            pc_chart_text(c, x, mid, PC_TEXT_TITLE, c->th->text, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, buf);
        }
        int rest = avail - tw - gap, rw = 0;
        if (right && *right && rest > pc_chart_px(c, 30)) {
            rw = pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_LABEL), right, rest, buf, sizeof buf);
            pc_chart_text(c, fb->w - pad, mid, PC_TEXT_LABEL, c->th->text_dim, PC_ALIGN_RIGHT | PC_ALIGN_MIDDLE, buf);
        }
        int sub_w = avail - tw - pc_chart_px(c, 12) - (rw ? rw + gap : 0);
        if (subtitle && *subtitle && sub_w > pc_chart_px(c, 40)) {
            pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_LABEL), subtitle, sub_w, buf, sizeof buf);
            pc_chart_text(c, x + tw + pc_chart_px(c, 12), mid, PC_TEXT_LABEL, c->th->text_dim,
                          PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, buf);
        }
    }
    pc_gfx_hline(fb, 0, fb->w - 1, bar_h - 1, pc_chart_px(c, 1), c->th->grid);
    pc_rect_t r = {0, bar_h, fb->w, fb->h - bar_h};
    if (r.h < 0) r.h = 0;
    return r;
}

void pc_chart_message(pc_chart_t *c, pc_rect_t r, const char *text, const char *detail) {
    int cx = r.x + r.w / 2, cy = r.y + r.h / 2;
    char buf[256];
    if (text && c->font) {
        pc_text_fit(c->font, pc_chart_pxf(c, 15), text, r.w - pc_chart_px(c, 16), buf, sizeof buf);
        pc_chart_text(c, cx, detail ? cy - pc_chart_px(c, 10) : cy, 15, c->th->text_dim,
                      PC_ALIGN_CENTER | PC_ALIGN_MIDDLE, buf);
    }
    if (detail && c->font) {
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_TICK), detail, r.w - pc_chart_px(c, 16), buf, sizeof buf);
        pc_chart_text(c, cx, cy + pc_chart_px(c, 14), PC_TEXT_TICK, c->th->text_faint,
                      PC_ALIGN_CENTER | PC_ALIGN_MIDDLE, buf);
    }
}

pc_rect_t pc_chart_panel_inner(const pc_chart_t *c, pc_rect_t r, int has_heading) {
    if (r.w <= 0 || r.h <= 0) return r;
    pc_rect_t in = pc_rect_inset(r, pc_chart_px(c, 14));
    if (has_heading) {
        int dh = pc_chart_px(c, 26);
        in.y += dh;
        in.h -= dh;
        if (in.h < 0) in.h = 0;
    }
    return in;
}

pc_rect_t pc_chart_panel(pc_chart_t *c, pc_rect_t r, const char *heading) {
    if (r.w <= 0 || r.h <= 0) return r;
    float rad = pc_chart_pxf(c, 8);
    pc_gfx_round_rect(c->fb, (float)r.x, (float)r.y, (float)r.w, (float)r.h, rad, c->th->panel);
    pc_gfx_round_rect_stroke(c->fb, (float)r.x, (float)r.y, (float)r.w, (float)r.h, rad, pc_chart_pxf(c, 1),
                             c->th->panel_edge);
    pc_rect_t in = pc_chart_panel_inner(c, r, heading && *heading);
    if (heading && *heading && c->font) {
        char buf[256];
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_LABEL), heading, in.w, buf, sizeof buf);
        pc_chart_text(c, in.x, in.y - pc_chart_px(c, 26), PC_TEXT_LABEL, c->th->text, PC_ALIGN_LEFT | PC_ALIGN_TOP, buf);
    }
    return in;
}

/* ---- scales ---- */

static int is_finite(double v) { return pc_isfinite(v); }

void pc_scale_set(pc_scale_t *s, int log, double d0, double d1, double r0, double r1) {
    s->log = log ? 1 : 0;
    if (!is_finite(r0)) r0 = 0;
    if (!is_finite(r1)) r1 = r0 + 1;
    if (s->log) {
        if (!is_finite(d0) || d0 <= 0) d0 = 1;
        if (!is_finite(d1) || d1 <= d0) d1 = d0 * 10;
        s->l0 = pc_log10(d0);
        s->l1 = pc_log10(d1);
        if (!(s->l1 > s->l0)) s->l1 = s->l0 + 1; /* d1 overflowed: keep it drawable */
    } else {
        if (!is_finite(d0)) d0 = 0;
        if (!is_finite(d1)) d1 = d0 + 1;
        if (d1 == d0) {
            d0 -= 1;
            d1 += 1;
        }
        s->l0 = s->l1 = 0;
    }
    s->d0 = d0;
    s->d1 = d1;
    s->r0 = r0;
    s->r1 = r1;
}

double pc_scale_map(const pc_scale_t *s, double v) {
    double t;
    if (!(v == v)) return -1e6;
    if (s->log) {
        if (v <= 0) {
            t = -1e3;
        } else {
            t = (pc_log10(v) - s->l0) / (s->l1 - s->l0);
        }
    } else {
        t = (v - s->d0) / (s->d1 - s->d0);
    }
    if (!(t == t)) t = 0;
    if (t > 1e6) t = 1e6;
    if (t < -1e6) t = -1e6;
    double r = s->r0 + t * (s->r1 - s->r0);
    if (r > 1e6) r = 1e6;
    if (r < -1e6) r = -1e6;
    return r;
}

/* ---- ticks ---- */

double pc_nice_step(double span, int target) {
    if (!is_finite(span) || span <= 0) return 1;
    if (target < 1) target = 1;
    double raw = span / target;
    double e = floor(pc_log10(raw));
    double mag = pc_pow10(e);
    double norm = raw / mag;
    double m = norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10;
    return m * mag;
}

void pc_nice_bounds(double *lo, double *hi, int target) {
    if (!is_finite(*lo) || !is_finite(*hi)) return;
    if (*hi < *lo) {
        double t = *lo;
        *lo = *hi;
        *hi = t;
    }
    if (*hi == *lo) {
        double d = *lo == 0 ? 1 : (*lo < 0 ? -*lo : *lo) * 0.1;
        *lo -= d;
        *hi += d;
    }
    double step = pc_nice_step(*hi - *lo, target);
    *lo = floor(*lo / step) * step;
    *hi = ceil(*hi / step) * step;
}

void pc_ticks_linear(double lo, double hi, int target, pc_ticks_t *t) {
    t->n = 0;
    t->step = 1;
    if (!is_finite(lo) || !is_finite(hi)) return;
    if (hi < lo) {
        double x = lo;
        lo = hi;
        hi = x;
    }
    double step = pc_nice_step(hi - lo, target);
    for (int tries = 0; tries < 8; tries++) {
        double k0 = ceil(lo / step - 1e-9), k1 = floor(hi / step + 1e-9);
        if (k1 - k0 + 1 <= PC_TICKS_MAX) {
            for (double k = k0; k <= k1 && t->n < PC_TICKS_MAX; k += 1) {
                double v = k * step;
                if (v < step * 1e-9 && v > -step * 1e-9) v = 0; /* no "-0" or 1e-17 labels */
                t->v[t->n] = v;
                t->major[t->n] = 1;
                t->n++;
            }
            t->step = step;
            return;
        }
        step *= 2;
    }
}

/* Whether m * 10^e is a labelled log tick: 1-2-5 in every decade, or the decades whose
 * exponent is a multiple of `every` (anchored at 10^0 so labels do not shift as data grows). */
static int log_major(double e, int m, int use125, double every) {
    if (use125) return m == 1 || m == 2 || m == 5;
    return m == 1 && floor(e / every) * every == e;
}

/* Counts labelled (and unlabelled) log ticks in [lo_e, hi_e]. */
static int log_count(double e0, double e1, double lo_e, double hi_e, int use125, double every, int *minors) {
    int n = 0;
    *minors = 0;
    for (double e = e0; e <= e1; e += 1)
        for (int m = 1; m <= 9; m++) {
            double v = pc_pow10(e) * m;
            if (v < lo_e || v > hi_e) continue;
            if (log_major(e, m, use125, every))
                n++;
            else
                (*minors)++;
        }
    return n;
}

void pc_ticks_log(double lo, double hi, int target, pc_ticks_t *t) {
    t->n = 0;
    t->step = 0;
    if (!is_finite(lo) || !is_finite(hi) || lo <= 0 || hi <= lo) return;
    if (target < 1) target = 1;
    double e0 = floor(pc_log10(lo)), e1 = ceil(pc_log10(hi));
    if (e1 - e0 > 600) return;
    double span = pc_log10(hi) - pc_log10(lo); /* decades actually in view */
    double lo_e = lo * (1 - 1e-9), hi_e = hi * (1 + 1e-9);
    /* labels at 1-2-5 when few decades show, else at 1 every k decades; if that leaves
     * fewer than two labels, label more densely */
    int use125 = span * 3 <= target;
    double every = use125 ? 1 : ceil(span / target);
    int n_minor;
    int n_major = log_count(e0, e1, lo_e, hi_e, use125, every, &n_minor);
    if (n_major < 2 && every > 1) {
        every = 1;
        n_major = log_count(e0, e1, lo_e, hi_e, use125, every, &n_minor);
    }
    if (n_major < 2 && !use125) {
        use125 = 1;
        n_major = log_count(e0, e1, lo_e, hi_e, use125, every, &n_minor);
    }
    if (n_major < 2) {
        /* less than a decade in view: plain linear ticks read better */
        pc_ticks_linear(lo, hi, target, t);
        return;
    }
    /* minor ticks (unlabelled 2..9) only when every decade is labelled and all fit */
    int with_minor = every == 1 && n_major + n_minor <= PC_TICKS_MAX;
    for (double e = e0; e <= e1; e += 1)
        for (int m = 1; m <= 9; m++) {
            double v = pc_pow10(e) * m;
            if (v < lo_e || v > hi_e) continue;
            int major = log_major(e, m, use125, every);
            if ((!major && !with_minor) || t->n >= PC_TICKS_MAX) continue;
            t->v[t->n] = v;
            t->major[t->n] = major;
            t->n++;
        }
}

/* ---- formatting ---- */

static void trim_zeros(char *s) {
    char *dot = strchr(s, '.');
    if (!dot) return;
    char *end = s + strlen(s) - 1;
    while (end > dot && *end == '0') *end-- = '\0';
    if (end == dot) *end = '\0';
}

/* x with 3 significant digits (0-2 decimals), zeros trimmed; returns 1 if it rounded to
 * 1000 or more (the caller moves to the next prefix). */
static int fmt3(char *buf, size_t cap, double x) {
    double a = x < 0 ? -x : x;
    int dec = a >= 99.95 ? 0 : a >= 9.995 ? 1 : 2;
    snprintf(buf, cap, "%.*f", dec, x);
    trim_zeros(buf);
    if (strcmp(buf, "-0") == 0) snprintf(buf, cap, "0");
    return a >= 999.5;
}

void pc_fmt_fixed(char *buf, size_t cap, double v, int decimals) {
    if (!buf || !cap) return;
    if (!is_finite(v)) {
        snprintf(buf, cap, "\xe2\x80\x93");
        return;
    }
    if (decimals < 0) decimals = 0;
    if (decimals > 9) decimals = 9;
    snprintf(buf, cap, "%.*f", decimals, v);
    trim_zeros(buf);
    if (strcmp(buf, "-0") == 0) snprintf(buf, cap, "0");
}

void pc_fmt_si(char *buf, size_t cap, double v, const char *unit) {
    static const double mult[] = {1e-12, 1e-9, 1e-6, 1e-3, 1, 1e3, 1e6, 1e9, 1e12, 1e15};
    static const char *const prefix[] = {"p", "n", "\xc2\xb5", "m", "", "k", "M", "G", "T", "P"};
    const int n = (int)(sizeof mult / sizeof mult[0]);
    if (!buf || !cap) return;
    if (!unit) unit = "";
    if (!is_finite(v)) {
        snprintf(buf, cap, "\xe2\x80\x93");
        return;
    }
    double a = v < 0 ? -v : v;
    int i = 4;
    if (a > 0) {
        i = 0;
        while (i + 1 < n && a >= mult[i + 1] * 0.9995) i++;
    }
    char num[64];
    if (fmt3(num, sizeof num, v / mult[i]) && i + 1 < n) {
        i++;
        fmt3(num, sizeof num, v / mult[i]);
    }
    if (a == 0) i = 4;
    int attach = strlen(unit) <= 2; /* "ms", "kB"; but "12.5 M msg/s" */
    if (!*prefix[i] && !*unit)
        snprintf(buf, cap, "%s", num);
    else if (!*unit)
        snprintf(buf, cap, "%s %s", num, prefix[i]);
    else if (attach || !*prefix[i])
        snprintf(buf, cap, "%s %s%s", num, prefix[i], unit);
    else
        snprintf(buf, cap, "%s %s %s", num, prefix[i], unit);
}

void pc_fmt_ns(char *buf, size_t cap, double ns) {
    static const double mult[] = {1, 1e3, 1e6, 1e9};
    static const char *const unit[] = {"ns", "\xc2\xb5s", "ms", "s"};
    if (!buf || !cap) return;
    if (!is_finite(ns)) {
        snprintf(buf, cap, "\xe2\x80\x93");
        return;
    }
    double a = ns < 0 ? -ns : ns;
    int i = 0;
    while (i < 3 && a >= mult[i + 1] * 0.9995) i++;
    char num[64];
    if (fmt3(num, sizeof num, ns / mult[i]) && i < 3) {
        i++;
        fmt3(num, sizeof num, ns / mult[i]);
    }
    snprintf(buf, cap, "%s %s", num, unit[i]);
}

void pc_fmt_rate(char *buf, size_t cap, double v) { pc_fmt_si(buf, cap, v, NULL); }

void pc_fmt_percent(char *buf, size_t cap, double pct) {
    if (!buf || !cap) return;
    if (!is_finite(pct)) {
        snprintf(buf, cap, "\xe2\x80\x93");
        return;
    }
    double a = pct < 0 ? -pct : pct;
    int dec = a == 0 ? 0 : a >= 9.95 ? 0 : a >= 0.995 ? 1 : a >= 0.0995 ? 2 : 3;
    char num[64];
    snprintf(num, sizeof num, "%.*f", dec, pct);
    trim_zeros(num);
    if (strcmp(num, "-0") == 0) snprintf(num, sizeof num, "0");
    snprintf(buf, cap, "%s%%", num);
}

void pc_fmt_seconds(char *buf, size_t cap, double s) {
    char num[64];
    pc_fmt_fixed(num, sizeof num, s, 3);
    if (buf && cap) snprintf(buf, cap, "%s s", num);
}

/* ---- plots ---- */

static void axis_ticks(pc_axis_t *a, int target) {
    if (a->n_cats > 0) {
        int n = a->n_cats > PC_TICKS_MAX ? PC_TICKS_MAX : a->n_cats;
        a->ticks.n = n;
        for (int i = 0; i < n; i++) {
            a->ticks.v[i] = i;
            a->ticks.major[i] = 1;
        }
        return;
    }
    if (a->log)
        pc_ticks_log(a->lo, a->hi, target, &a->ticks);
    else
        pc_ticks_linear(a->lo, a->hi, target, &a->ticks);
}

static void tick_label(const pc_axis_t *a, int i, char *buf, size_t cap) {
    if (a->n_cats > 0) {
        snprintf(buf, cap, "%s", (i < a->n_cats && a->cats[i]) ? a->cats[i] : "");
        return;
    }
    if (a->fmt)
        a->fmt(buf, cap, a->ticks.v[i]);
    else
        pc_fmt_si(buf, cap, a->ticks.v[i], NULL);
}

static void axis_scale(pc_axis_t *a, double r0, double r1) {
    if (a->n_cats > 0)
        pc_scale_set(&a->scale, 0, -0.5, a->n_cats - 0.5, r0, r1);
    else
        pc_scale_set(&a->scale, a->log, a->lo, a->hi, r0, r1);
}

/* Whether x tick labels at the current ticks overlap when the data area is w pixels wide. */
static int x_labels_overlap(pc_chart_t *c, pc_axis_t *a, int x0, int w) {
    axis_scale(a, x0, x0 + w);
    double prev_right = -1e9;
    int gap = pc_chart_px(c, 10);
    for (int i = 0; i < a->ticks.n; i++) {
        if (!a->ticks.major[i]) continue;
        char buf[64];
        tick_label(a, i, buf, sizeof buf);
        int lw = pc_chart_text_width(c, PC_TEXT_TICK, buf);
        double cx = pc_scale_map(&a->scale, a->ticks.v[i]);
        if (cx - lw / 2.0 < prev_right + gap) return 1;
        prev_right = cx + lw / 2.0;
    }
    return 0;
}

void pc_plot_layout(pc_chart_t *c, pc_plot_t *p, pc_rect_t outer) {
    pc_font_metrics_t fm = c->font ? pc_font_metrics(c->font, pc_chart_pxf(c, PC_TEXT_TICK))
                                   : (pc_font_metrics_t){0, 0, 0, 0};
    int lh = fm.line_height > 0 ? fm.line_height : pc_chart_px(c, 14);
    int top = p->y.title ? lh + pc_chart_px(c, 10) : lh / 2 + pc_chart_px(c, 2);
    int bottom = lh + pc_chart_px(c, 8) + (p->x.title ? lh + pc_chart_px(c, 6) : 0);
    int plot_h = outer.h - top - bottom;
    int ytarget = plot_h / pc_chart_px(c, 46);
    if (ytarget < 2) ytarget = 2;
    if (ytarget > 10) ytarget = 10;
    axis_ticks(&p->y, ytarget);
    int yw = 0;
    for (int i = 0; i < p->y.ticks.n; i++) {
        if (!p->y.ticks.major[i]) continue;
        char buf[64];
        tick_label(&p->y, i, buf, sizeof buf);
        int w = pc_chart_text_width(c, PC_TEXT_TICK, buf);
        if (w > yw) yw = w;
    }
    int left = yw + pc_chart_px(c, 10);
    int right = pc_chart_px(c, 16) + (p->pad_right > 0 ? pc_chart_px(c, (float)p->pad_right) : 0);
    int plot_w = outer.w - left - right;
    int xtarget = plot_w / pc_chart_px(c, 120);
    if (xtarget < 2) xtarget = 2;
    if (xtarget > 12) xtarget = 12;
    for (int tries = 0; tries < 6; tries++) {
        axis_ticks(&p->x, xtarget);
        if (p->x.n_cats > 0 || !x_labels_overlap(c, &p->x, outer.x + left, plot_w > 1 ? plot_w : 1)) break;
        if (xtarget == 1) break; /* as sparse as it gets */
        xtarget = xtarget * 2 / 3;
        if (xtarget < 1) xtarget = 1;
    }
    p->area.x = outer.x + left;
    p->area.y = outer.y + top;
    p->area.w = plot_w > 1 ? plot_w : 1;
    p->area.h = plot_h > 1 ? plot_h : 1;
    axis_scale(&p->x, p->area.x, p->area.x + p->area.w);
    axis_scale(&p->y, p->area.y + p->area.h, p->area.y);
    p->clip = pc_fb_sub(c->fb, p->area.x, p->area.y, p->area.w, p->area.h);
}

float pc_plot_fx(const pc_plot_t *p, double v) { return (float)pc_scale_map(&p->x.scale, v); }
float pc_plot_fy(const pc_plot_t *p, double v) { return (float)pc_scale_map(&p->y.scale, v); }
float pc_plot_cx(const pc_plot_t *p, double v) { return (float)(pc_scale_map(&p->x.scale, v) - p->area.x); }
float pc_plot_cy(const pc_plot_t *p, double v) { return (float)(pc_scale_map(&p->y.scale, v) - p->area.y); }

void pc_plot_draw_axes(pc_chart_t *c, const pc_plot_t *p) {
    pc_fb_t *fb = c->fb;
    const pc_theme_t *th = c->th;
    int lw = pc_chart_px(c, 1);
    uint32_t minor = pc_color_mix(th->bg, th->grid, 140);
    pc_rect_t a = p->area;
    int bottom = a.y + a.h - 1;
    char buf[64];
    /* horizontal gridlines + y labels */
    for (int i = 0; i < p->y.ticks.n; i++) {
        int y = (int)floor(pc_scale_map(&p->y.scale, p->y.ticks.v[i]));
        if (y < a.y - 1 || y > bottom + 1) continue;
        if (y > bottom) y = bottom;
        if (p->y.ticks.major[i]) {
            if (y != bottom) pc_gfx_hline(fb, a.x, a.x + a.w - 1, y, lw, th->grid);
            tick_label(&p->y, i, buf, sizeof buf);
            pc_chart_text(c, a.x - pc_chart_px(c, 10), y, PC_TEXT_TICK, th->text_dim, PC_ALIGN_RIGHT | PC_ALIGN_MIDDLE,
                          buf);
        } else {
            pc_gfx_hline(fb, a.x, a.x + a.w - 1, y, lw, minor);
        }
    }
    /* vertical gridlines (not for categories) + x labels */
    int ly = bottom + pc_chart_px(c, 8);
    for (int i = 0; i < p->x.ticks.n; i++) {
        double fx = pc_scale_map(&p->x.scale, p->x.ticks.v[i]);
        int x = (int)floor(fx);
        if (x < a.x - 1 || x > a.x + a.w) continue;
        if (x >= a.x + a.w) x = a.x + a.w - 1;
        if (p->x.n_cats == 0) pc_gfx_vline(fb, x, a.y, bottom, lw, p->x.ticks.major[i] ? th->grid : minor);
        if (p->x.ticks.major[i]) {
            pc_gfx_vline(fb, x, bottom, bottom + pc_chart_px(c, 4), lw, th->axis);
            tick_label(&p->x, i, buf, sizeof buf);
            pc_chart_text(c, x, ly, PC_TEXT_TICK, p->x.n_cats ? th->text : th->text_dim, PC_ALIGN_CENTER | PC_ALIGN_TOP,
                          buf);
        }
    }
    /* the x axis line on top of the gridlines */
    pc_gfx_hline(fb, a.x, a.x + a.w - 1, bottom, lw, th->axis);
    pc_font_metrics_t fm = c->font ? pc_font_metrics(c->font, pc_chart_pxf(c, PC_TEXT_TICK))
                                   : (pc_font_metrics_t){0, 0, 0, 0};
    if (p->x.title)
        pc_chart_text(c, a.x + a.w / 2, ly + fm.line_height + pc_chart_px(c, 6), PC_TEXT_TICK, th->text_dim,
                      PC_ALIGN_CENTER | PC_ALIGN_TOP, p->x.title);
    if (p->y.title) {
        /* above the y labels, left-aligned with them: horizontal text reads faster than rotated */
        int yl = 0;
        for (int i = 0; i < p->y.ticks.n; i++) {
            if (!p->y.ticks.major[i]) continue;
            tick_label(&p->y, i, buf, sizeof buf);
            int w = pc_chart_text_width(c, PC_TEXT_TICK, buf);
            if (w > yl) yl = w;
        }
        int x = a.x - pc_chart_px(c, 10) - yl;
        pc_chart_text(c, x, a.y - pc_chart_px(c, 10), PC_TEXT_TICK, th->text_dim, PC_ALIGN_LEFT | PC_ALIGN_BOTTOM,
                      p->y.title);
    }
}

/* ---- legends, badges, bars ---- */

static void legend_swatch(pc_chart_t *c, int sx, int cy, int sw, const pc_legend_item_t *it);

pc_rect_t pc_chart_legend(pc_chart_t *c, pc_rect_t inside, int align, const pc_legend_item_t *items, int n) {
    pc_rect_t box = {0, 0, 0, 0};
    if (!items || n <= 0) return box;
    int pad = pc_chart_px(c, 10), sw = pc_chart_px(c, 18), gap = pc_chart_px(c, 8);
    int row = pc_chart_px(c, 20);
    int tw = 0;
    for (int i = 0; i < n; i++) {
        int w = pc_chart_text_width(c, PC_TEXT_TICK, items[i].label ? items[i].label : "");
        if (w > tw) tw = w;
    }
    box.w = pad + sw + gap + tw + pad;
    box.h = pad + row * n - (row - pc_chart_px(c, 14)) + pad;
    int m = pc_chart_px(c, 10);
    box.y = inside.y + m;
    box.x = (align & PC_ALIGN_HMASK) == PC_ALIGN_RIGHT ? inside.x + inside.w - m - box.w : inside.x + m;
    float rad = pc_chart_pxf(c, 6);
    pc_gfx_round_rect(c->fb, (float)box.x, (float)box.y, (float)box.w, (float)box.h, rad,
                      pc_color_alpha(c->th->panel, 235));
    pc_gfx_round_rect_stroke(c->fb, (float)box.x, (float)box.y, (float)box.w, (float)box.h, rad, pc_chart_pxf(c, 1),
                             c->th->panel_edge);
    for (int i = 0; i < n; i++) {
        int cy = box.y + pad + pc_chart_px(c, 7) + i * row;
        int sx = box.x + pad;
        legend_swatch(c, sx, cy, sw, &items[i]);
        pc_chart_text(c, sx + sw + gap, cy, PC_TEXT_TICK, c->th->text, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE,
                      items[i].label ? items[i].label : "");
    }
    return box;
}

/* One legend swatch centred vertically on cy, sw pixels wide from sx. */
static void legend_swatch(pc_chart_t *c, int sx, int cy, int sw, const pc_legend_item_t *it) {
    float lw = pc_chart_pxf(c, 2);
    switch (it->style) {
    case PC_LEGEND_BOX:
        pc_gfx_round_rect(c->fb, (float)sx + sw / 2.0f - pc_chart_pxf(c, 5), (float)cy - pc_chart_pxf(c, 5),
                          pc_chart_pxf(c, 10), pc_chart_pxf(c, 10), pc_chart_pxf(c, 2), it->color);
        break;
    case PC_LEGEND_DASH:
        pc_gfx_line_dashed(c->fb, (float)sx, cy + 0.5f, (float)(sx + sw), cy + 0.5f, lw, pc_chart_pxf(c, 4),
                           pc_chart_pxf(c, 3), it->color);
        break;
    default:
        pc_gfx_line(c->fb, (float)sx, cy + 0.5f, (float)(sx + sw), cy + 0.5f, lw, it->color);
        pc_gfx_circle(c->fb, sx + sw / 2.0f, cy + 0.5f, pc_chart_pxf(c, 3), it->color);
        break;
    }
}

int pc_chart_legend_inline(pc_chart_t *c, int x, int y, int align, int max_w, const pc_legend_item_t *items, int n) {
    if (!items || n <= 0) return 0;
    int sw = pc_chart_px(c, 18), gap = pc_chart_px(c, 7), between = pc_chart_px(c, 20);
    int total = 0;
    for (int i = 0; i < n; i++)
        total += sw + gap + pc_chart_text_width(c, PC_TEXT_TICK, items[i].label ? items[i].label : "") +
                 (i + 1 < n ? between : 0);
    if (total > max_w) return 0;
    int cx = (align & PC_ALIGN_HMASK) == PC_ALIGN_RIGHT ? x - total : x;
    /* centre the swatch on the text's cap height, not on the glyph box */
    for (int i = 0; i < n; i++) {
        legend_swatch(c, cx, y, sw, &items[i]);
        cx += sw + gap;
        cx += pc_chart_text(c, cx, y, PC_TEXT_TICK, c->th->text, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE,
                            items[i].label ? items[i].label : "");
        cx += between;
    }
    return total;
}

pc_rect_t pc_chart_badge_rect(pc_chart_t *c, int x, int y, int align, float size, const char *text) {
    pc_rect_t r = {0, 0, 0, 0};
    if (!text || !c->font) return r;
    pc_font_metrics_t fm = pc_font_metrics(c->font, pc_chart_pxf(c, size));
    int tw = pc_chart_text_width(c, size, text);
    r.w = tw + 2 * pc_chart_px(c, 5);
    r.h = fm.cap_height + 2 * pc_chart_px(c, 3) + pc_chart_px(c, 4);
    switch (align & PC_ALIGN_HMASK) {
    case PC_ALIGN_CENTER: r.x = x - r.w / 2; break;
    case PC_ALIGN_RIGHT: r.x = x - r.w; break;
    default: r.x = x; break;
    }
    switch (align & PC_ALIGN_VMASK) {
    case PC_ALIGN_TOP: r.y = y; break;
    case PC_ALIGN_MIDDLE: r.y = y - r.h / 2; break;
    default: r.y = y - r.h; break;
    }
    return r;
}

pc_rect_t pc_chart_badge(pc_chart_t *c, int x, int y, int align, float size, uint32_t fg, uint32_t bg,
                         const char *text) {
    pc_rect_t r = pc_chart_badge_rect(c, x, y, align, size, text);
    if (r.w <= 0) return r;
    pc_gfx_round_rect(c->fb, (float)r.x, (float)r.y, (float)r.w, (float)r.h, pc_chart_pxf(c, 3), bg);
    pc_chart_text(c, r.x + pc_chart_px(c, 5), r.y + r.h / 2, size, fg, PC_ALIGN_LEFT | PC_ALIGN_MIDDLE, text);
    return r;
}

void pc_chart_bars(pc_chart_t *c, const pc_plot_t *p, const double *values, int n_groups, int n_series,
                   const uint32_t *colors, pc_fmt_fn fmt) {
    if (!values || n_groups <= 0 || n_series <= 0 || n_series > 64) return;
    double slot = pc_scale_map(&p->x.scale, 1.0) - pc_scale_map(&p->x.scale, 0.0);
    if (slot < 0) slot = -slot;
    double group_w = slot * 0.72;
    double gap = n_series > 1 ? pc_chart_pxf(c, 6) : 0;
    double bar_w = (group_w - gap * (n_series - 1)) / n_series;
    if (bar_w > pc_chart_pxf(c, 120)) {
        bar_w = pc_chart_pxf(c, 120);
        group_w = bar_w * n_series + gap * (n_series - 1);
    }
    if (bar_w < 1) bar_w = 1;
    int base = p->area.y + p->area.h - 1;
    for (int g = 0; g < n_groups; g++) {
        double gx = pc_scale_map(&p->x.scale, g) - group_w / 2;
        for (int s = 0; s < n_series; s++) {
            double v = values[g * n_series + s];
            if (!is_finite(v)) continue;
            int x0 = (int)floor(gx + s * (bar_w + gap) + 0.5);
            int x1 = (int)floor(gx + s * (bar_w + gap) + bar_w + 0.5);
            double fy = pc_scale_map(&p->y.scale, v);
            if (fy < p->area.y) fy = p->area.y;
            int top = (int)floor(fy + 0.5);
            if (top > base) top = base;
            uint32_t col = colors ? colors[s] : c->th->series[s % PC_THEME_SERIES];
            int h = base - top;
            if (h > 0) {
                float rad = pc_chart_pxf(c, 3);
                if (rad * 2 > h) rad = h / 2.0f;
                pc_gfx_round_rect(c->fb, (float)x0, (float)top, (float)(x1 - x0), (float)h, rad, col);
                pc_gfx_fill_rect(c->fb, x0, top + h / 2, x1 - x0, h - h / 2, col); /* square bottom */
            }
            if (fmt) {
                char buf[64];
                fmt(buf, sizeof buf, v);
                int above = top - pc_chart_px(c, 5);
                int cx = (x0 + x1) / 2;
                pc_font_metrics_t fm = c->font ? pc_font_metrics(c->font, pc_chart_pxf(c, PC_TEXT_TICK))
                                               : (pc_font_metrics_t){0, 0, 0, 0};
                if (above - fm.cap_height >= p->area.y)
                    pc_chart_text(c, cx, above, PC_TEXT_TICK, c->th->text, PC_ALIGN_CENTER | PC_ALIGN_BASELINE, buf);
                else
                    pc_chart_text(c, cx, top + pc_chart_px(c, 6), PC_TEXT_TICK, c->th->bg,
                                  PC_ALIGN_CENTER | PC_ALIGN_TOP, buf);
            }
        }
    }
}

/* ---- KPI cards ---- */

void pc_chart_kpi(pc_chart_t *c, pc_rect_t r, const char *caption, const char *value, const char *note,
                  uint32_t value_color) {
    if (r.w <= 0 || r.h <= 0) return;
    pc_chart_panel(c, r, NULL);
    if (!c->font) return;
    /* tighter padding on small cards so the value keeps its room */
    pc_rect_t in = pc_rect_inset(r, pc_chart_px(c, r.h < pc_chart_px(c, 84) ? 9 : 14));
    if (in.w <= 0 || in.h <= 0) return;
    pc_font_metrics_t fc = pc_font_metrics(c->font, pc_chart_pxf(c, PC_TEXT_TICK));
    pc_font_metrics_t fn = pc_font_metrics(c->font, pc_chart_pxf(c, PC_TEXT_SMALL));
    int gap = pc_chart_px(c, 6);
    int cap_h = caption ? fc.ascent + fc.descent : 0;
    char buf[256];
    /* the biggest value size that fits, first with the note, then without it */
    static const float sizes[] = {34, 30, 26, 22, 18, 15, 13};
    float sz = 0;
    int with_note = note != NULL;
    for (int attempt = 0; attempt < 2 && sz == 0; attempt++) {
        int note_h = with_note ? fn.ascent + fn.descent + gap : 0;
        int avail = in.h - cap_h - gap - note_h;
        for (size_t i = 0; value && i < sizeof sizes / sizeof sizes[0]; i++) {
            pc_font_metrics_t fm = pc_font_metrics(c->font, pc_chart_pxf(c, sizes[i]));
            if (pc_chart_text_width(c, sizes[i], value) <= in.w && fm.cap_height + fm.descent / 2 <= avail) {
                sz = sizes[i];
                break;
            }
        }
        if (sz == 0 && with_note) with_note = 0;
        else break;
    }
    if (caption) {
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_TICK), caption, in.w, buf, sizeof buf);
        pc_chart_text(c, in.x, in.y, PC_TEXT_TICK, c->th->text_dim, PC_ALIGN_LEFT | PC_ALIGN_TOP, buf);
    }
    int bottom = in.y + in.h;
    if (with_note) {
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_SMALL), note, in.w, buf, sizeof buf);
        pc_chart_text(c, in.x, bottom, PC_TEXT_SMALL, c->th->text_faint, PC_ALIGN_LEFT | PC_ALIGN_BOTTOM, buf);
        bottom -= fn.ascent + fn.descent + gap;
    }
    if (value && sz > 0) {
        /* centred in the space between caption and note */
        pc_font_metrics_t fm = pc_font_metrics(c->font, pc_chart_pxf(c, sz));
        int top = in.y + cap_h + gap;
        int base = top + (bottom - top + fm.cap_height) / 2;
        pc_text_fit(c->font, pc_chart_pxf(c, sz), value, in.w, buf, sizeof buf);
        pc_chart_text(c, in.x, base, sz, value_color, PC_ALIGN_LEFT | PC_ALIGN_BASELINE, buf);
    }
}

void pc_chart_progress(pc_chart_t *c, pc_rect_t r, double fraction, const char *text) {
    if (r.w <= 0 || r.h <= 0) return;
    if (!(fraction == fraction) || fraction < 0) fraction = 0;
    if (fraction > 1) fraction = 1;
    float rad = r.h / 2.0f;
    pc_gfx_round_rect(c->fb, (float)r.x, (float)r.y, (float)r.w, (float)r.h, rad, c->th->grid);
    float fw = (float)(r.w * fraction);
    if (fw > 0.5f) {
        if (fw < r.h) fw = (float)r.h;
        pc_gfx_round_rect(c->fb, (float)r.x, (float)r.y, fw, (float)r.h, rad,
                          pc_color_mix(c->th->bg, c->th->accent, 200));
    }
    if (text && c->font) {
        /* light text over the track, dark text over the fill: readable wherever the edge is */
        char buf[256];
        pc_text_fit(c->font, pc_chart_pxf(c, PC_TEXT_TICK), text, r.w - pc_chart_px(c, 16), buf, sizeof buf);
        int split = r.x + (fw > 0.5f ? (int)floor(fw + 0.5) : 0);
        pc_fb_t left = pc_fb_sub(c->fb, r.x, r.y, split - r.x, r.h);
        pc_fb_t right = pc_fb_sub(c->fb, split, r.y, r.x + r.w - split, r.h);
        pc_font_metrics_t fm = pc_font_metrics(c->font, pc_chart_pxf(c, PC_TEXT_TICK));
        int tw = pc_text_width(c->font, pc_chart_pxf(c, PC_TEXT_TICK), buf);
        /* text position in framebuffer coordinates, then relative to each clipped half's origin */
        int ax = r.x + r.w / 2 - tw / 2, ay = r.y + r.h / 2 + fm.cap_height / 2;
        int oy = r.y > 0 ? r.y : 0, olx = r.x > 0 ? r.x : 0, orx = split > 0 ? split : 0;
        pc_text_draw(&left, c->font, (float)(ax - olx), (float)(ay - oy), pc_chart_pxf(c, PC_TEXT_TICK), c->th->bg,
                     PC_ALIGN_LEFT, buf);
        pc_text_draw(&right, c->font, (float)(ax - orx), (float)(ay - oy), pc_chart_pxf(c, PC_TEXT_TICK), c->th->text,
                     PC_ALIGN_LEFT, buf);
    }
}
