/* mc.c — marching cubes with tables derived from the cube's faces (see mc.h).
 *
 * How the 256 cases are derived. Walk each of the 6 faces' corners counter-clockwise as seen
 * from outside the cube; an edge of the face is an "exit" when it goes from an inside corner
 * to an outside one and an "entry" the other way round. The surface cuts the face in
 * segments from an exit to an entry: with two crossings there is one way; with four (the
 * ambiguous face, inside corners diagonal) each exit is joined to the nearest entry behind
 * it, which cuts off each inside corner on its own. The rule reads only the face's corners,
 * so the cube on the other side of a face cuts it identically. A cube edge belongs to two
 * faces and is an exit in one and an entry in the other (they walk it in opposite
 * directions), so the segments chain into closed loops; each loop becomes a triangle fan.
 * All loops come out with the same winding; one check on the single-corner case orients
 * them so triangles face outwards. */
#include "mc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "pc_error.h"

#define MC_MAX_ENTRIES 16 /* 5 triangles and the -1 end: enough for every case (checked) */
#define NO_VERT UINT32_MAX

struct pc_mc {
    int8_t tri[256][MC_MAX_ENTRIES];
    uint8_t n_tri[256];           /* triangles of each case */
    pc_mesh_t mesh;
    uint32_t *xe[2], *ye[2], *ze; /* vertex of each crossed x/y edge of two planes, z edge of a layer */
    uint64_t *bits[3];            /* per plane (z % 3): inside (< iso) bits, `words` per row */
    uint64_t *xmask;              /* per word of a row: bits of the x < nx - 1 */
    uint8_t *row;                 /* scratch: one row's inside flags as bytes, words * 64 of them */
    size_t words;                 /* 64-bit words per row of the current field: ceil(nx / 64) */
    size_t cache_cells, cache_bits, cache_words; /* what the caches above hold */
};

/* ---- tables ---- */

/* The two corners of cube edge e (see mc.h for the numbering). */
static void edge_corners(int e, int *c0, int *c1) {
    int axis = e / 4, k = e % 4, a = k & 1, b = k >> 1;
    int coord[3] = {0, 0, 0}; /* all three are set below; initialised so no optimizer may treat an element as undefined */
    /* the two coordinates other than `axis`, in x, y, z order */
    int o0 = axis == 0 ? 1 : 0, o1 = axis == 2 ? 1 : 2;
    coord[axis] = 0;
    coord[o0] = a;
    coord[o1] = b;
    *c0 = coord[0] | coord[1] << 1 | coord[2] << 2;
    coord[axis] = 1;
    *c1 = coord[0] | coord[1] << 1 | coord[2] << 2;
}

/* The cube edge joining corners c0 and c1 (adjacent: they differ in one bit). */
static int edge_between(int c0, int c1) {
    int d = c0 ^ c1, axis = d == 1 ? 0 : d == 2 ? 1 : 2, lo = c0 < c1 ? c0 : c1;
    int x = lo & 1, y = lo >> 1 & 1, z = lo >> 2 & 1;
    int a = axis == 0 ? y : x, b = axis == 2 ? y : z;
    return axis * 4 + (a | b << 1);
}

/* 1 when cube edges a and b lie on a common face (their four corners share a coordinate). */
static int share_face(int a, int b) {
    int a0, a1, b0, b1;
    edge_corners(a, &a0, &a1);
    edge_corners(b, &b0, &b1);
    for (int k = 0; k < 3; k++) {
        int v = a0 >> k & 1;
        if ((a1 >> k & 1) == v && (b0 >> k & 1) == v && (b1 >> k & 1) == v) return 1;
    }
    return 0;
}

/* Fills tri[c] for case c with winding `flip` (0 or 1). Returns the entries used (without
 * the -1), or -1 when the case would not fit (never, for a cube). */
static int derive_case(int8_t out[MC_MAX_ENTRIES], int c, int flip) {
    int next[12];
    for (int e = 0; e < 12; e++) next[e] = -1;
    for (int axis = 0; axis < 3; axis++) {
        int u = (axis + 1) % 3, v = (axis + 2) % 3;
        for (int side = 0; side < 2; side++) {
            static const int uv[4][2] = {{0, 0}, {1, 0}, {1, 1}, {0, 1}}; /* CCW seen from +axis */
            int corner[4];
            for (int i = 0; i < 4; i++) {
                int j = side ? i : 3 - i; /* from -axis the order reverses */
                int coord[3] = {0, 0, 0}; /* all three are set below; initialised so no optimizer may treat an element as undefined */
                coord[axis] = side;
                coord[u] = uv[j][0];
                coord[v] = uv[j][1];
                corner[i] = coord[0] | coord[1] << 1 | coord[2] << 2;
            }
            int inside[4], edge[4];
            for (int i = 0; i < 4; i++) {
                inside[i] = c >> corner[i] & 1;
                edge[i] = edge_between(corner[i], corner[(i + 1) % 4]);
            }
            for (int i = 0; i < 4; i++) {
                if (!(inside[i] && !inside[(i + 1) % 4])) continue; /* not an exit */
                for (int back = 1; back <= 3; back++) {            /* nearest entry behind it */
                    int j = (i - back + 4) % 4;
                    if (!inside[j] && inside[(j + 1) % 4]) {
                        next[edge[i]] = edge[j];
                        break;
                    }
                }
            }
        }
    }
    int n = 0, seen[12] = {0};
    for (int start = 0; start < 12; start++) {
        if (next[start] < 0 || seen[start]) continue;
        int loop[12], len = 0;
        /* follow the loop until it closes; a dead end (-1) means the case has no closed loop */
        for (int e = start;; e = next[e]) {
            if (e < 0 || len == 12) return -1;
            if (seen[e]) break;
            seen[e] = 1;
            loop[len++] = e;
        }
        /* Fan from the loop vertex whose diagonals cross no cube face: a diagonal between
         * two edges of one face could be made by the neighbouring cube too, and an edge in
         * four triangles is not a closed surface. */
        int s0 = 0, best = 99;
        for (int s = 0; s < len && best; s++) {
            int bad = 0;
            for (int i = 2; i + 1 < len; i++) bad += share_face(loop[s], loop[(s + i) % len]);
            if (bad < best) {
                best = bad;
                s0 = s;
            }
        }
        for (int i = 1; i + 1 < len; i++) {
            if (n + 3 >= MC_MAX_ENTRIES) return -1;
            out[n++] = (int8_t)loop[s0];
            out[n++] = (int8_t)loop[(s0 + (flip ? i + 1 : i)) % len];
            out[n++] = (int8_t)loop[(s0 + (flip ? i : i + 1)) % len];
        }
    }
    out[n] = -1;
    return n;
}

/* Midpoint of cube edge e, in cube units. */
static void edge_mid(int e, double p[3]) {
    int c0, c1;
    edge_corners(e, &c0, &c1);
    for (int k = 0; k < 3; k++) p[k] = ((c0 >> k & 1) + (c1 >> k & 1)) * 0.5;
}

/* 1 when the loops need flipping to face outwards: case 1 (corner 0 inside) must give a
 * triangle whose normal points away from corner 0, along +(1,1,1). */
static int needs_flip(void) {
    int8_t t[MC_MAX_ENTRIES];
    derive_case(t, 1, 0);
    double a[3], b[3], c[3];
    edge_mid(t[0], a);
    edge_mid(t[1], b);
    edge_mid(t[2], c);
    double u[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]}, v[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
    double nx = u[1] * v[2] - u[2] * v[1], ny = u[2] * v[0] - u[0] * v[2], nz = u[0] * v[1] - u[1] * v[0];
    return nx + ny + nz < 0;
}

pc_mc_t *pc_mc_create(void) {
    pc_mc_t *mc = calloc(1, sizeof *mc);
    if (!mc) return NULL;
    int flip = needs_flip();
    for (int c = 0; c < 256; c++)
    {
        int n = derive_case(mc->tri[c], c, flip);
        if (n < 0) { /* cannot happen; keeps a bug loud */
            free(mc);
            return NULL;
        }
        mc->n_tri[c] = (uint8_t)(n / 3);
    }
    return mc;
}

uint32_t pc_mc_tables_hash(const pc_mc_t *mc) {
    uint32_t h = 2166136261u;
    for (int c = 0; c < 256; c++)
        for (int k = 0; k < MC_MAX_ENTRIES; k++) {
            int8_t e = mc->tri[c][k];
            h = (h ^ (uint8_t)e) * 16777619u;
            if (e < 0) break; /* bytes after the terminator are not part of the table */
        }
    return h;
}

void pc_mc_destroy(pc_mc_t *mc) {
    if (!mc) return;
    free(mc->mesh.pos);
    free(mc->mesh.nrm);
    free(mc->mesh.idx);
    for (int i = 0; i < 2; i++) {
        free(mc->xe[i]);
        free(mc->ye[i]);
    }
    for (int i = 0; i < 3; i++) free(mc->bits[i]);
    free(mc->xmask);
    free(mc->row);
    free(mc->ze);
    free(mc);
}

const int8_t *pc_mc_case(const pc_mc_t *mc, int c) { return mc->tri[c & 255]; }
const pc_mesh_t *pc_mc_mesh(const pc_mc_t *mc) { return &mc->mesh; }

/* ---- extraction ----
 *
 * The field is classified into bits: one bit per grid point (1 = inside), rows of `words`
 * 64-bit words per y, x in bit x % 64 of word x / 64. Crossed edges and mixed cubes are then
 * whole words at a time (a crossed x edge is a row XOR the row shifted by one), and the loops
 * visit only their set bits: the work away from the surface is a few word operations per
 * row, with no per-cell branches to mispredict. Vertices and triangles come out in the
 * order a cell-by-cell sweep would make them (plane by plane, rows in y, cells in x). */

static int reserve_verts(pc_mesh_t *m, size_t need) {
    if (need <= m->cap_vert) return 0;
    size_t cap = m->cap_vert ? m->cap_vert : 1024;
    while (cap < need) cap *= 2;
    float *p = realloc(m->pos, cap * 3 * sizeof *p);
    if (!p) return PC_ENOMEM;
    m->pos = p;
    float *n = realloc(m->nrm, cap * 3 * sizeof *n);
    if (!n) return PC_ENOMEM;
    m->nrm = n;
    m->cap_vert = cap;
    return 0;
}

static int reserve_tris(pc_mesh_t *m, size_t need) {
    if (need <= m->cap_tri) return 0;
    size_t cap = m->cap_tri ? m->cap_tri : 2048;
    while (cap < need) cap *= 2;
    uint32_t *p = realloc(m->idx, cap * 3 * sizeof *p);
    if (!p) return PC_ENOMEM;
    m->idx = p;
    m->cap_tri = cap;
    return 0;
}

/* Room for the caches of an nx x ny plane with `words` words per row; sets mc->words and the
 * per-extract xmask and zeroed row scratch. */
static int reserve_cache(pc_mc_t *mc, size_t nx, size_t ny) {
    size_t cells = nx * ny, words = (nx + 63) / 64;
    if (cells > mc->cache_cells) {
        uint32_t **all[5] = {&mc->xe[0], &mc->xe[1], &mc->ye[0], &mc->ye[1], &mc->ze};
        for (int i = 0; i < 5; i++) {
            uint32_t *p = realloc(*all[i], cells * sizeof *p);
            if (!p) return PC_ENOMEM;
            memset(p, 0, cells * sizeof *p); /* entries of uncrossed edges are read, never used */
            *all[i] = p;
        }
        mc->cache_cells = cells;
    }
    if (words * ny > mc->cache_bits) {
        for (int i = 0; i < 3; i++) {
            uint64_t *p = realloc(mc->bits[i], words * ny * sizeof *p);
            if (!p) return PC_ENOMEM;
            mc->bits[i] = p;
        }
        mc->cache_bits = words * ny;
    }
    if (words > mc->cache_words) {
        uint64_t *m = realloc(mc->xmask, words * sizeof *m);
        if (!m) return PC_ENOMEM;
        mc->xmask = m;
        uint8_t *r = realloc(mc->row, words * 64);
        if (!r) return PC_ENOMEM;
        mc->row = r;
        mc->cache_words = words;
    }
    mc->words = words;
    memset(mc->row, 0, words * 64); /* bytes past nx stay 0: no bits past the row's end */
    for (size_t w = 0; w < words; w++) { /* the x that have a right neighbour: x < nx - 1 */
        size_t lo = w * 64, end = nx - 1;
        mc->xmask[w] = end >= lo + 64 ? ~(uint64_t)0 : end <= lo ? 0 : ((uint64_t)1 << (end - lo)) - 1;
    }
    return 0;
}

/* 8 bytes from p (any alignment), little-endian (x86-64 and WASM both are). */
static inline uint64_t load8(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* 8 bytes that are each 0 or 1 -> 8 bits, byte k to bit k: the multiply puts each byte's bit
 * at a distinct position (no carries), those of the wanted ones in the top byte. */
static inline uint64_t pack8(uint64_t bytes) { return (bytes * 0x0102040810204080ull) >> 56; }

/* Index of the lowest set bit of v != 0. */
static inline int ctz64(uint64_t v) {
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctzll(v);
#else
    int n = 0;
    while (!(v & 1)) {
        v >>= 1;
        n++;
    }
    return n;
#endif
}

/* Word w of row r shifted down by one bit, the next word's lowest bit coming in on top: bit b
 * then holds point x + 1. */
static inline uint64_t shr1(const uint64_t *r, size_t w, size_t words) {
    return r[w] >> 1 | (w + 1 < words ? r[w + 1] << 63 : 0);
}

static inline float at(const pc_field_t *f, int x, int y, int z) {
    return f->v[((size_t)z * (size_t)f->ny + (size_t)y) * (size_t)f->nx + (size_t)x];
}

/* The field's gradient at grid point (x, y, z) times 2 * step: central differences, one-sided
 * (doubled) at the borders. Only its direction is used (normals are normalised), so the
 * common factor is left out: no divisions on this hot path. */
static inline void gradient(const pc_field_t *f, int x, int y, int z, float g[3]) {
    size_t sx = 1, sy = (size_t)f->nx, sz = (size_t)f->nx * (size_t)f->ny;
    const float *p = f->v + (size_t)z * sz + (size_t)y * sy + (size_t)x;
    if (x > 0 && y > 0 && z > 0 && x < f->nx - 1 && y < f->ny - 1 && z < f->nz - 1) {
        g[0] = p[sx] - p[-(ptrdiff_t)sx];
        g[1] = p[sy] - p[-(ptrdiff_t)sy];
        g[2] = p[sz] - p[-(ptrdiff_t)sz];
        return;
    }
    int c[3] = {x, y, z}, n[3] = {f->nx, f->ny, f->nz};
    size_t st[3] = {sx, sy, sz};
    for (int k = 0; k < 3; k++) {
        int has_lo = c[k] > 0, has_hi = c[k] < n[k] - 1;
        const float *lo = has_lo ? p - st[k] : p, *hi = has_hi ? p + st[k] : p;
        g[k] = (*hi - *lo) * (has_lo && has_hi ? 1.0f : 2.0f);
    }
}

/* Adds the vertex where the edge from grid point (x, y, z) to its neighbour along `axis`
 * crosses iso; returns its index. The caller reserved room (reserve_verts). */
static inline uint32_t add_vertex(pc_mc_t *mc, const pc_field_t *f, float iso, int x, int y, int z, int axis) {
    pc_mesh_t *m = &mc->mesh;
    int x1 = x + (axis == 0), y1 = y + (axis == 1), z1 = z + (axis == 2);
    float f0 = at(f, x, y, z), f1 = at(f, x1, y1, z1);
    float t = (iso - f0) / (f1 - f0); /* f0 and f1 lie on opposite sides: f1 != f0 */
    float g0[3], g1[3];
    gradient(f, x, y, z, g0);
    gradient(f, x1, y1, z1, g1);
    float *p = &m->pos[m->n_vert * 3], *n = &m->nrm[m->n_vert * 3];
    int c0[3] = {x, y, z};
    float len2 = 0;
    for (int k = 0; k < 3; k++) {
        p[k] = f->origin[k] + ((float)c0[k] + (k == axis ? t : 0.0f)) * f->step;
        n[k] = g0[k] + (g1[k] - g0[k]) * t;
        len2 += n[k] * n[k];
    }
    if (len2 > 0) {
        float inv = 1.0f / sqrtf(len2);
        for (int k = 0; k < 3; k++) n[k] *= inv;
    } else {
        n[0] = n[1] = 0;
        n[2] = 1;
    }
    return (uint32_t)m->n_vert++;
}

/* Room for every vertex one plane and one layer can add (3 per cell at most); 0, PC_ELIMIT
 * past the index range, or PC_ENOMEM. */
static int reserve_plane(pc_mc_t *mc, size_t cells) {
    size_t need = mc->mesh.n_vert + 3 * cells;
    if (need >= 0x7fffffffu) return PC_ELIMIT;
    return reserve_verts(&mc->mesh, need);
}

/* Classifies plane z into bits slot z % 3: per row, a compare loop the compiler vectorizes
 * into bytes, then 8 bytes to 8 bits at a time. This reads every field value once; the rest
 * of the work only touches the few cells near the surface. */
static void classify_plane(pc_mc_t *mc, const pc_field_t *f, float iso, int z) {
    size_t nx = (size_t)f->nx, ny = (size_t)f->ny, words = mc->words;
    const float *v = f->v + (size_t)z * nx * ny;
    uint64_t *b = mc->bits[z % 3];
    uint8_t *row = mc->row;
    for (size_t y = 0; y < ny; y++, v += nx, b += words) {
        for (size_t x = 0; x < nx; x++) row[x] = v[x] < iso;
        for (size_t w = 0; w < words; w++) {
            const uint8_t *r = row + w * 64;
            b[w] = pack8(load8(r)) | pack8(load8(r + 8)) << 8 | pack8(load8(r + 16)) << 16 |
                   pack8(load8(r + 24)) << 24 | pack8(load8(r + 32)) << 32 | pack8(load8(r + 40)) << 40 |
                   pack8(load8(r + 48)) << 48 | pack8(load8(r + 56)) << 56;
        }
    }
}

/* Creates the vertices of the crossed x and y edges of plane z (classified) into slot z & 1;
 * per cell the x edge's vertex first. */
static int plane_edges(pc_mc_t *mc, const pc_field_t *f, float iso, int z) {
    size_t nx = (size_t)f->nx, ny = (size_t)f->ny, words = mc->words;
    int r = reserve_plane(mc, nx * ny);
    if (r) return r;
    uint32_t *xe = mc->xe[z & 1], *ye = mc->ye[z & 1];
    const uint64_t *b = mc->bits[z % 3];
    for (size_t y = 0; y < ny; y++) {
        const uint64_t *row = b + y * words, *up = y + 1 < ny ? row + words : NULL;
        for (size_t w = 0; w < words; w++) {
            uint64_t xs = (row[w] ^ shr1(row, w, words)) & mc->xmask[w], ys = up ? row[w] ^ up[w] : 0;
            for (uint64_t m = xs | ys; m; m &= m - 1) {
                int bit = ctz64(m);
                size_t x = w * 64 + (size_t)bit, i = y * nx + x;
                if (xs >> bit & 1) xe[i] = add_vertex(mc, f, iso, (int)x, (int)y, z, 0);
                if (ys >> bit & 1) ye[i] = add_vertex(mc, f, iso, (int)x, (int)y, z, 1);
            }
        }
    }
    return 0;
}

/* Creates the vertices of the crossed z edges between planes z and z + 1 (both classified). */
static int layer_edges(pc_mc_t *mc, const pc_field_t *f, float iso, int z) {
    size_t nx = (size_t)f->nx, ny = (size_t)f->ny, words = mc->words;
    int r = reserve_plane(mc, nx * ny);
    if (r) return r;
    const uint64_t *a = mc->bits[z % 3], *b = mc->bits[(z + 1) % 3];
    for (size_t y = 0; y < ny; y++)
        for (size_t w = 0; w < words; w++)
            for (uint64_t m = a[y * words + w] ^ b[y * words + w]; m; m &= m - 1) {
                size_t x = w * 64 + (size_t)ctz64(m);
                mc->ze[y * nx + x] = add_vertex(mc, f, iso, (int)x, (int)y, z, 2);
            }
    return 0;
}

/* Emits the triangles of the cubes between planes z and z + 1 (their edges' vertices made). */
static int layer_cubes(pc_mc_t *mc, const pc_field_t *f, int z) {
    size_t nx = (size_t)f->nx, ny = (size_t)f->ny, words = mc->words;
    const uint32_t *xe0 = mc->xe[z & 1], *xe1 = mc->xe[(z + 1) & 1];
    const uint32_t *ye0 = mc->ye[z & 1], *ye1 = mc->ye[(z + 1) & 1], *ze = mc->ze;
    const uint64_t *p0 = mc->bits[z % 3], *p1 = mc->bits[(z + 1) % 3];
    for (size_t y = 0; y + 1 < ny; y++) {
        /* the cube's corner rows: (y, z), (y + 1, z), (y, z + 1), (y + 1, z + 1) */
        const uint64_t *ra = p0 + y * words, *rb = ra + words, *rc = p1 + y * words, *rd = rc + words;
        for (size_t w = 0; w < words; w++) {
            uint64_t a0 = ra[w], b0 = rb[w], c0 = rc[w], d0 = rd[w];
            uint64_t a1 = shr1(ra, w, words), b1 = shr1(rb, w, words), c1 = shr1(rc, w, words),
                     d1 = shr1(rd, w, words);
            uint64_t any = a0 | a1 | b0 | b1 | c0 | c1 | d0 | d1, all = a0 & a1 & b0 & b1 & c0 & c1 & d0 & d1;
            for (uint64_t m = any & ~all & mc->xmask[w]; m; m &= m - 1) { /* mixed cubes only */
                int bit = ctz64(m);
                size_t i = y * nx + w * 64 + (size_t)bit;
                int c = (int)((a0 >> bit & 1) | (a1 >> bit & 1) << 1 | (b0 >> bit & 1) << 2 | (b1 >> bit & 1) << 3 |
                              (c0 >> bit & 1) << 4 | (c1 >> bit & 1) << 5 | (d0 >> bit & 1) << 6 |
                              (d1 >> bit & 1) << 7);
                uint32_t ev[12] = {
                    xe0[i], xe0[i + nx], xe1[i], xe1[i + nx], /* x edges: (y, z) = 00 10 01 11 */
                    ye0[i], ye0[i + 1],  ye1[i], ye1[i + 1],  /* y edges: (x, z) */
                    ze[i],  ze[i + 1],   ze[i + nx], ze[i + nx + 1], /* z edges: (x, y) */
                };
                const int8_t *t = mc->tri[c];
                int nt = mc->n_tri[c];
                if (reserve_tris(&mc->mesh, mc->mesh.n_tri + (size_t)nt)) return PC_ENOMEM;
                uint32_t *out = &mc->mesh.idx[mc->mesh.n_tri * 3];
                for (int k = 0; k < nt * 3; k++) out[k] = ev[t[k]];
                mc->mesh.n_tri += (size_t)nt;
            }
        }
    }
    return 0;
}

int pc_mc_extract(pc_mc_t *mc, const pc_field_t *f, float iso) {
    mc->mesh.n_vert = mc->mesh.n_tri = 0;
    if (!f || !f->v || f->nx < 1 || f->ny < 1 || f->nz < 1 || !(f->step > 0)) return PC_EINVAL;
    if (f->nx < 2 || f->ny < 2 || f->nz < 2) return 0; /* no cubes */
    if (reserve_cache(mc, (size_t)f->nx, (size_t)f->ny)) return PC_ENOMEM;
    /* planes are classified two ahead of the layer being meshed: the gradients at plane z + 1
     * read plane z + 2, which is then already in the cache */
    classify_plane(mc, f, iso, 0);
    classify_plane(mc, f, iso, 1);
    int r = plane_edges(mc, f, iso, 0);
    for (int z = 0; z + 1 < f->nz && r == 0; z++) {
        if (z + 2 < f->nz) classify_plane(mc, f, iso, z + 2);
        if ((r = plane_edges(mc, f, iso, z + 1)) || (r = layer_edges(mc, f, iso, z))) break;
        r = layer_cubes(mc, f, z);
    }
    if (r) mc->mesh.n_vert = mc->mesh.n_tri = 0;
    return r;
}

/* ---- measures ---- */

double pc_mesh_area(const pc_mesh_t *m) {
    double sum = 0;
    for (size_t t = 0; t < m->n_tri; t++) {
        const float *a = &m->pos[m->idx[t * 3] * 3], *b = &m->pos[m->idx[t * 3 + 1] * 3],
                    *c = &m->pos[m->idx[t * 3 + 2] * 3];
        double u[3], v[3];
        for (int k = 0; k < 3; k++) {
            u[k] = (double)b[k] - a[k];
            v[k] = (double)c[k] - a[k];
        }
        double x = u[1] * v[2] - u[2] * v[1], y = u[2] * v[0] - u[0] * v[2], z = u[0] * v[1] - u[1] * v[0];
        sum += 0.5 * sqrt(x * x + y * y + z * z);
    }
    return sum;
}

double pc_mesh_volume(const pc_mesh_t *m) {
    double sum = 0;
    for (size_t t = 0; t < m->n_tri; t++) {
        const float *a = &m->pos[m->idx[t * 3] * 3], *b = &m->pos[m->idx[t * 3 + 1] * 3],
                    *c = &m->pos[m->idx[t * 3 + 2] * 3];
        /* a . (b x c) / 6: the signed tetrahedron (origin, a, b, c) */
        double bx = (double)b[1] * c[2] - (double)b[2] * c[1], by = (double)b[2] * c[0] - (double)b[0] * c[2],
               bz = (double)b[0] * c[1] - (double)b[1] * c[0];
        sum += (a[0] * bx + a[1] * by + a[2] * bz) / 6.0;
    }
    return sum;
}
