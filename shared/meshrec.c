/* meshrec.c — mesh record payloads: quantized encoding and a checked reader (see meshrec.h). */
#include "meshrec.h"

#include <string.h>

#include "pcmath.h"

static void put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}
static uint32_t get_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void put_f32(uint8_t *p, float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    put_u32(p, u);
}
static float get_f32(const uint8_t *p) {
    uint32_t u = get_u32(p);
    float f;
    memcpy(&f, &u, 4);
    return f;
}
static void put_f64(uint8_t *p, double d) {
    uint64_t u;
    memcpy(&u, &d, 8);
    put_u32(p, (uint32_t)u);
    put_u32(p + 4, (uint32_t)(u >> 32));
}
static double get_f64(const uint8_t *p) {
    uint64_t u = (uint64_t)get_u32(p) | (uint64_t)get_u32(p + 4) << 32;
    double d;
    memcpy(&d, &u, 8);
    return d;
}

/* Offset of the index block: after the head, positions, normals and the padding. */
static size_t idx_offset(size_t n_vert) {
    size_t off = PC_MESHREC_HEAD + n_vert * 9;
    return (off + 3) & ~(size_t)3;
}

size_t pc_meshrec_size(size_t n_vert, size_t n_tri) {
    return idx_offset(n_vert) + n_tri * (n_vert < 65536 ? 6 : 12);
}

size_t pc_meshrec_encode(uint8_t *out, size_t cap, const pc_mesh_t *m, double t, uint32_t frame) {
    if (m->n_vert > PC_MESHREC_MAX_VERTS || m->n_tri > 0xffffffffu) return 0;
    size_t need = pc_meshrec_size(m->n_vert, m->n_tri);
    if (need > cap) return 0;
    int idx16 = m->n_vert < 65536;
    float lo[3] = {0, 0, 0}, hi[3] = {0, 0, 0};
    for (size_t i = 0; i < m->n_vert; i++)
        for (int k = 0; k < 3; k++) {
            float v = m->pos[i * 3 + k];
            if (i == 0 || v < lo[k]) lo[k] = v;
            if (i == 0 || v > hi[k]) hi[k] = v;
        }
    memset(out, 0, need);
    put_u32(out, PC_MESHREC_VERSION);
    put_u32(out + 4, idx16 ? 1u : 0u);
    put_f64(out + 8, t);
    put_u32(out + 16, frame);
    put_u32(out + 20, (uint32_t)m->n_vert);
    put_u32(out + 24, (uint32_t)m->n_tri);
    for (int k = 0; k < 3; k++) {
        put_f32(out + 28 + 4 * k, lo[k]);
        put_f32(out + 40 + 4 * k, hi[k]);
    }
    uint8_t *qp = out + PC_MESHREC_HEAD, *qn = qp + m->n_vert * 6;
    for (size_t i = 0; i < m->n_vert; i++)
        for (int k = 0; k < 3; k++) {
            float span = hi[k] - lo[k];
            float q = span > 0 ? (m->pos[i * 3 + k] - lo[k]) / span * 65535.0f : 0.0f;
            uint32_t u = q <= 0 ? 0u : q >= 65535.0f ? 65535u : (uint32_t)(q + 0.5f);
            qp[i * 6 + k * 2] = (uint8_t)u;
            qp[i * 6 + k * 2 + 1] = (uint8_t)(u >> 8);
            float n = m->nrm[i * 3 + k] * 127.0f;
            int s = n >= 127.0f ? 127 : n <= -127.0f ? -127 : (int)(n + (n >= 0 ? 0.5f : -0.5f));
            qn[i * 3 + k] = (uint8_t)(int8_t)s;
        }
    uint8_t *ix = out + idx_offset(m->n_vert);
    for (size_t i = 0; i < m->n_tri * 3; i++) {
        uint32_t v = m->idx[i];
        if (idx16) {
            ix[i * 2] = (uint8_t)v;
            ix[i * 2 + 1] = (uint8_t)(v >> 8);
        } else {
            put_u32(ix + i * 4, v);
        }
    }
    return need;
}

int pc_meshrec_parse(const uint8_t *buf, size_t len, pc_meshrec_t *r, pc_errbuf_t *err) {
    memset(r, 0, sizeof *r);
    if (len < PC_MESHREC_HEAD)
        return pc_errf(err, PC_EFORMAT, "mesh record: %zu bytes, shorter than its %d-byte head", len, PC_MESHREC_HEAD);
    uint32_t version = get_u32(buf), flags = get_u32(buf + 4);
    if (version != PC_MESHREC_VERSION)
        return pc_errf(err, PC_EFORMAT, "mesh record: layout version %u (this build reads %d)", version,
                       PC_MESHREC_VERSION);
    r->t = get_f64(buf + 8);
    r->frame = get_u32(buf + 16);
    r->n_vert = get_u32(buf + 20);
    r->n_tri = get_u32(buf + 24);
    r->idx16 = (flags & 1) != 0;
    if (!pc_isfinite(r->t)) return pc_errf(err, PC_EFORMAT, "mesh record: \"t\" is not finite");
    if (r->n_vert > PC_MESHREC_MAX_VERTS)
        return pc_errf(err, PC_EFORMAT, "mesh record: %u vertices, more than %u", r->n_vert, PC_MESHREC_MAX_VERTS);
    if (r->idx16 != (r->n_vert < 65536))
        return pc_errf(err, PC_EFORMAT, "mesh record: index width does not match %u vertices", r->n_vert);
    for (int k = 0; k < 3; k++) {
        r->bmin[k] = get_f32(buf + 28 + 4 * k);
        r->bmax[k] = get_f32(buf + 40 + 4 * k);
        if (!pc_isfinite(r->bmin[k]) || !pc_isfinite(r->bmax[k]) || r->bmin[k] > r->bmax[k])
            return pc_errf(err, PC_EFORMAT, "mesh record: bounding box is not finite and ordered");
    }
    /* checked by division, not multiplication: no overflow on 32-bit wasm either */
    size_t off = idx_offset(r->n_vert), isz = r->idx16 ? 6 : 12;
    if (off > len || (len - off) % isz != 0 || (len - off) / isz != (size_t)r->n_tri)
        return pc_errf(err, PC_EFORMAT, "mesh record: %zu bytes do not hold %u vertices and %u triangles", len,
                       r->n_vert, r->n_tri);
    r->qpos = buf + PC_MESHREC_HEAD;
    r->qnrm = (const int8_t *)(buf + PC_MESHREC_HEAD + (size_t)r->n_vert * 6);
    r->idx = buf + off;
    for (uint32_t i = 0; i < r->n_tri; i++) {
        uint32_t v[3];
        pc_meshrec_tri(r, i, v);
        if (v[0] >= r->n_vert || v[1] >= r->n_vert || v[2] >= r->n_vert)
            return pc_errf(err, PC_EFORMAT, "mesh record: triangle %u names a vertex past %u", i, r->n_vert);
    }
    return 0;
}

void pc_meshrec_vertex(const pc_meshrec_t *r, uint32_t i, float pos[3], float nrm[3]) {
    const uint8_t *q = r->qpos + (size_t)i * 6;
    for (int k = 0; k < 3; k++) {
        unsigned u = (unsigned)q[k * 2] | (unsigned)q[k * 2 + 1] << 8;
        pos[k] = r->bmin[k] + (r->bmax[k] - r->bmin[k]) * ((float)u / 65535.0f);
        nrm[k] = (float)r->qnrm[(size_t)i * 3 + k] / 127.0f;
    }
}

void pc_meshrec_tri(const pc_meshrec_t *r, uint32_t i, uint32_t v[3]) {
    if (r->idx16) {
        const uint8_t *p = r->idx + (size_t)i * 6;
        for (int k = 0; k < 3; k++) v[k] = (uint32_t)p[k * 2] | (uint32_t)p[k * 2 + 1] << 8;
    } else {
        const uint8_t *p = r->idx + (size_t)i * 12;
        for (int k = 0; k < 3; k++) v[k] = get_u32(p + k * 4);
    }
}
