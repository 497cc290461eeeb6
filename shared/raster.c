/* raster.c — z-buffered triangle rasterizer (see raster.h). */
#include "raster.h"

#include <math.h>
#include <string.h>

#include "mc.h"
#include "pc_error.h"
#include "pcmath.h"

#define SUB 16            /* sub-pixel steps per pixel: vertices snap to 1/16 pixel */
#define GUARD 32768.0f    /* triangles reaching beyond +-GUARD pixels are skipped (int range) */
#define NEAR 0.01f

/* A vertex after transform: screen position (fixed point), 1/depth, lighting terms. */
typedef struct rvert {
    int32_t x, y;   /* pixels * SUB */
    float iz;       /* 1 / view depth; <= 0: behind the near plane */
    float diff, spec;
} rvert_t;

typedef struct view_basis {
    float eye[3], r[3], u[3], f[3];
    float focal, cx, cy;
} view_basis_t;

pc_camera_t pc_camera_orbit(const float target[3], float yaw, float pitch, float distance) {
    pc_camera_t c;
    memcpy(c.target, target, sizeof c.target);
    c.yaw = yaw;
    c.pitch = pitch;
    c.distance = distance;
    c.fov_tan = 0.41421356f; /* tan(22.5 degrees): 45 degrees vertically */
    return c;
}

static void arr_vertex(const void *ud, uint32_t i, float pos[3], float nrm[3]) {
    const pc_mesh_t *m = ud;
    memcpy(pos, &m->pos[(size_t)i * 3], 3 * sizeof *pos);
    memcpy(nrm, &m->nrm[(size_t)i * 3], 3 * sizeof *nrm);
}

static void arr_tri(const void *ud, uint32_t i, uint32_t v[3]) {
    const pc_mesh_t *m = ud;
    memcpy(v, &m->idx[(size_t)i * 3], 3 * sizeof *v);
}

pc_rmesh_t pc_rmesh_of(const pc_mesh_t *m) {
    pc_rmesh_t r = {.n_vert = m->n_vert, .n_tri = m->n_tri, .ud = m, .vertex = arr_vertex, .tri = arr_tri};
    return r;
}

size_t pc_raster_scratch_bytes(int w, int h, size_t n_vert) {
    if (w < 0 || h < 0) return 0;
    size_t px = (size_t)w * (size_t)h;
    if (n_vert > ((size_t)-1 - px * sizeof(float)) / sizeof(rvert_t)) return 0;
    return px * sizeof(float) + n_vert * sizeof(rvert_t);
}

static int make_basis(const pc_camera_t *c, int w, int h, view_basis_t *b) {
    if (!(c->distance > 0) || !(c->fov_tan > 0) || !pc_isfinite(c->yaw) || !pc_isfinite(c->pitch)) return PC_EINVAL;
    float cy = (float)pc_cos(c->yaw), sy = (float)pc_sin(c->yaw);
    float cp = (float)pc_cos(c->pitch), sp = (float)pc_sin(c->pitch);
    float dir[3] = {cp * cy, cp * sy, sp}; /* target -> eye */
    for (int k = 0; k < 3; k++) {
        b->eye[k] = c->target[k] + c->distance * dir[k];
        b->f[k] = -dir[k];
    }
    /* right = forward x up(z), normalised: (-sin yaw, cos yaw, 0) */
    b->r[0] = -sy;
    b->r[1] = cy;
    b->r[2] = 0;
    /* up = right x forward */
    b->u[0] = b->r[1] * b->f[2] - b->r[2] * b->f[1];
    b->u[1] = b->r[2] * b->f[0] - b->r[0] * b->f[2];
    b->u[2] = b->r[0] * b->f[1] - b->r[1] * b->f[0];
    b->focal = ((float)h * 0.5f) / c->fov_tan;
    b->cx = (float)w * 0.5f;
    b->cy = (float)h * 0.5f;
    return 0;
}

static void to_view(const view_basis_t *b, const float p[3], float v[3]) {
    float d[3] = {p[0] - b->eye[0], p[1] - b->eye[1], p[2] - b->eye[2]};
    v[0] = d[0] * b->r[0] + d[1] * b->r[1] + d[2] * b->r[2];
    v[1] = d[0] * b->u[0] + d[1] * b->u[1] + d[2] * b->u[2];
    v[2] = d[0] * b->f[0] + d[1] * b->f[1] + d[2] * b->f[2];
}

int pc_raster_project(const pc_camera_t *cam, int w, int h, const float p[3], float *sx, float *sy) {
    view_basis_t b;
    if (make_basis(cam, w, h, &b)) return 0;
    float v[3];
    to_view(&b, p, v);
    if (!(v[2] > NEAR)) return 0;
    *sx = b.cx + v[0] / v[2] * b.focal;
    *sy = b.cy - v[1] / v[2] * b.focal;
    return 1;
}

/* x^(2^n) by squaring. */
static float pow2n(float x, int n) {
    for (int i = 0; i < n; i++) x *= x;
    return x;
}

static float clamp01(float v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

/* 1 when the edge a -> b of a positively wound triangle owns the pixels exactly on it
 * (top-left rule, y down): a top edge going right, or a left edge going up. */
static int top_left(const rvert_t *a, const rvert_t *b) {
    int32_t dx = b->x - a->x, dy = b->y - a->y;
    return dy < 0 || (dy == 0 && dx > 0);
}

int pc_raster_mesh(pc_fb_t *fb, void *scratch, size_t scratch_bytes, const pc_rmesh_t *mesh,
                   const pc_camera_t *cam, const pc_material_t *mat) {
    if (!pc_fb_valid(fb) || !mesh || !cam || !mat) return PC_EINVAL;
    size_t need = pc_raster_scratch_bytes(fb->w, fb->h, mesh->n_vert);
    if (!need || !scratch || scratch_bytes < need) return PC_ELIMIT;
    view_basis_t b;
    int r = make_basis(cam, fb->w, fb->h, &b);
    if (r) return r;
    float *zbuf = scratch;
    rvert_t *rv = (rvert_t *)(zbuf + (size_t)fb->w * (size_t)fb->h);
    memset(zbuf, 0, (size_t)fb->w * (size_t)fb->h * sizeof *zbuf); /* 1/z = 0: infinitely far */

    /* light in view space (x right, y up, z forward): from the upper left, behind the eye */
    float L[3] = {-0.35f, 0.55f, -0.76f}, H[3];
    float ln = sqrtf(L[0] * L[0] + L[1] * L[1] + L[2] * L[2]);
    for (int k = 0; k < 3; k++) {
        L[k] /= ln;
        H[k] = L[k] + (k == 2 ? -1.0f : 0.0f); /* half vector with the viewer along -z */
    }
    float hn = sqrtf(H[0] * H[0] + H[1] * H[1] + H[2] * H[2]);
    for (int k = 0; k < 3; k++) H[k] /= hn;

    for (size_t i = 0; i < mesh->n_vert; i++) {
        float p[3], n[3], v[3], nv[3];
        mesh->vertex(mesh->ud, (uint32_t)i, p, n);
        to_view(&b, p, v);
        rvert_t *o = &rv[i];
        if (!(v[2] > NEAR)) {
            o->iz = -1;
            continue;
        }
        float sx = b.cx + v[0] / v[2] * b.focal, sy = b.cy - v[1] / v[2] * b.focal;
        if (!(sx > -GUARD && sx < GUARD && sy > -GUARD && sy < GUARD)) {
            o->iz = -1;
            continue;
        }
        o->x = (int32_t)floorf(sx * SUB + 0.5f);
        o->y = (int32_t)floorf(sy * SUB + 0.5f);
        o->iz = 1.0f / v[2];
        nv[0] = n[0] * b.r[0] + n[1] * b.r[1] + n[2] * b.r[2];
        nv[1] = n[0] * b.u[0] + n[1] * b.u[1] + n[2] * b.u[2];
        nv[2] = n[0] * b.f[0] + n[1] * b.f[1] + n[2] * b.f[2];
        if (nv[0] * v[0] + nv[1] * v[1] + nv[2] * v[2] > 0) /* facing away: light the back side */
            for (int k = 0; k < 3; k++) nv[k] = -nv[k];
        float d = nv[0] * L[0] + nv[1] * L[1] + nv[2] * L[2];
        float s = nv[0] * H[0] + nv[1] * H[1] + nv[2] * H[2];
        o->diff = clamp01(d);
        o->spec = d > 0 ? pow2n(clamp01(s), mat->shininess_log2 < 0 ? 0 : mat->shininess_log2 > 8 ? 8 : mat->shininess_log2) : 0;
    }

    float base[3] = {(float)PC_R(mat->color), (float)PC_G(mat->color), (float)PC_B(mat->color)};
    for (size_t t = 0; t < mesh->n_tri; t++) {
        uint32_t vi[3];
        mesh->tri(mesh->ud, (uint32_t)t, vi);
        if (vi[0] >= mesh->n_vert || vi[1] >= mesh->n_vert || vi[2] >= mesh->n_vert) continue;
        const rvert_t *a = &rv[vi[0]], *p1 = &rv[vi[1]], *p2 = &rv[vi[2]];
        if (a->iz <= 0 || p1->iz <= 0 || p2->iz <= 0) continue;
        int64_t area = (int64_t)(p1->x - a->x) * (p2->y - a->y) - (int64_t)(p1->y - a->y) * (p2->x - a->x);
        if (area == 0) continue;
        if (area < 0) { /* seen from behind: swap to a positive winding */
            const rvert_t *tmp = p1;
            p1 = p2;
            p2 = tmp;
            area = -area;
        }
        const rvert_t *v[3] = {a, p1, p2};
        int32_t minx = a->x, maxx = a->x, miny = a->y, maxy = a->y;
        for (int k = 1; k < 3; k++) {
            if (v[k]->x < minx) minx = v[k]->x;
            if (v[k]->x > maxx) maxx = v[k]->x;
            if (v[k]->y < miny) miny = v[k]->y;
            if (v[k]->y > maxy) maxy = v[k]->y;
        }
        /* pixel centres (px * SUB + SUB/2) inside the box, clipped to the framebuffer */
        int x0 = (int)((minx - SUB / 2 + SUB - 1) >> 4), x1 = (int)((maxx - SUB / 2) >> 4);
        int y0 = (int)((miny - SUB / 2 + SUB - 1) >> 4), y1 = (int)((maxy - SUB / 2) >> 4);
        if (x0 < 0) x0 = 0;
        if (y0 < 0) y0 = 0;
        if (x1 > fb->w - 1) x1 = fb->w - 1;
        if (y1 > fb->h - 1) y1 = fb->h - 1;
        if (x0 > x1 || y0 > y1) continue;
        /* edge k is opposite vertex k: from v[k+1] to v[k+2]; its function weighs vertex k */
        int64_t e_row[3], dx[3], dy[3], bias[3];
        int64_t px0 = (int64_t)x0 * SUB + SUB / 2, py0 = (int64_t)y0 * SUB + SUB / 2;
        for (int k = 0; k < 3; k++) {
            const rvert_t *s = v[(k + 1) % 3], *e = v[(k + 2) % 3];
            int64_t ex = e->x - s->x, ey = e->y - s->y;
            e_row[k] = ex * (py0 - s->y) - ey * (px0 - s->x);
            dx[k] = -ey * SUB; /* change per pixel step in x */
            dy[k] = ex * SUB;  /* per pixel step in y */
            bias[k] = top_left(s, e) ? 0 : -1;
        }
        double inv_area = 1.0 / (double)area;
        for (int y = y0; y <= y1; y++) {
            int64_t e0 = e_row[0], e1 = e_row[1], e2 = e_row[2];
            float *zr = zbuf + (size_t)y * (size_t)fb->w;
            uint32_t *pr = fb->px + (size_t)y * (size_t)fb->stride;
            for (int x = x0; x <= x1; x++, e0 += dx[0], e1 += dx[1], e2 += dx[2]) {
                if (e0 + bias[0] < 0 || e1 + bias[1] < 0 || e2 + bias[2] < 0) continue;
                float w0 = (float)((double)e0 * inv_area), w1 = (float)((double)e1 * inv_area),
                      w2 = (float)((double)e2 * inv_area);
                float iz = w0 * v[0]->iz + w1 * v[1]->iz + w2 * v[2]->iz;
                if (!(iz > zr[x])) continue;
                zr[x] = iz;
                float diff = w0 * v[0]->diff + w1 * v[1]->diff + w2 * v[2]->diff;
                float spec = w0 * v[0]->spec + w1 * v[1]->spec + w2 * v[2]->spec;
                float lit = mat->ambient + mat->diffuse * diff, hi = mat->specular * spec * 255.0f;
                unsigned c[3];
                for (int k = 0; k < 3; k++) {
                    float val = base[k] * lit + hi;
                    c[k] = val <= 0 ? 0u : val >= 255.0f ? 255u : (unsigned)(val + 0.5f);
                }
                pr[x] = PC_RGBA(c[0], c[1], c[2], 255u);
            }
            for (int k = 0; k < 3; k++) e_row[k] += dy[k];
        }
    }
    return 0;
}
