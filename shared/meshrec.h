/* meshrec.h — the mesh record (kind PC_REC_MESH, binary): one frame's triangle mesh, compact.
 *
 * Payload layout, all little-endian (docs/FORMAT.md has the same table):
 *
 *   off  size  field
 *     0   4    u32 layout version (1)
 *     4   4    u32 flags: bit 0 = indices are u16 (else u32)
 *     8   8    f64 t, seconds since the run started
 *    16   4    u32 frame number
 *    20   4    u32 n_vert
 *    24   4    u32 n_tri
 *    28  12    f32[3] bounding-box minimum
 *    40  12    f32[3] bounding-box maximum
 *    52  6n    u16[3] per vertex: position quantized over the box (0 = min, 65535 = max)
 *     .  3n    i8[3] per vertex: unit normal x 127
 *     .  0-3   zero padding to a multiple of 4
 *     .  6t|12t  u16[3] or u32[3] per triangle: vertex indices, wound counter-clockwise seen
 *              from outside
 *
 * Positions keep ~1/65535 of the box (a 2-unit box: 3e-5), normals ~0.5 degrees: invisible
 * in a render, and it is 9 bytes a vertex instead of 24. Indices are u16 whenever the mesh
 * has fewer than 65536 vertices. */
#ifndef PC_MESHREC_H
#define PC_MESHREC_H

#include <stddef.h>
#include <stdint.h>

#include "mc.h"
#include "pc_error.h"

#define PC_MESHREC_VERSION 1
#define PC_MESHREC_HEAD 52
#define PC_MESHREC_MAX_VERTS (1u << 22) /* a reader refuses more: 4 M vertices, ~37 MiB */

/* A decoded view of a mesh record's payload: pointers into the caller's buffer. */
typedef struct pc_meshrec {
    double t;
    uint32_t frame, n_vert, n_tri;
    int idx16;             /* indices are u16 */
    float bmin[3], bmax[3];
    const uint8_t *qpos;   /* 6 bytes per vertex */
    const int8_t *qnrm;    /* 3 bytes per vertex */
    const uint8_t *idx;    /* 6 or 12 bytes per triangle */
} pc_meshrec_t;

/* Bytes the payload of a mesh with n_vert vertices and n_tri triangles takes. */
size_t pc_meshrec_size(size_t n_vert, size_t n_tri);
/* Encodes mesh m as a mesh-record payload into out (cap bytes). Returns the bytes written,
 * or 0 when cap is too small or the mesh has more than PC_MESHREC_MAX_VERTS vertices. */
size_t pc_meshrec_encode(uint8_t *out, size_t cap, const pc_mesh_t *m, double t, uint32_t frame);
/* Parses and checks a payload (sizes consistent with len, every index < n_vert, finite box).
 * Returns 0 with *out pointing into buf, or PC_EFORMAT with err saying what is wrong. */
int pc_meshrec_parse(const uint8_t *buf, size_t len, pc_meshrec_t *out, pc_errbuf_t *err);
/* Vertex i's position and normal. */
void pc_meshrec_vertex(const pc_meshrec_t *r, uint32_t i, float pos[3], float nrm[3]);
/* Triangle i's three vertex indices. */
void pc_meshrec_tri(const pc_meshrec_t *r, uint32_t i, uint32_t v[3]);

#endif
