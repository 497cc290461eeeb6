/* mc.h — marching cubes: an indexed triangle mesh of the surface f = iso of a sampled field.
 *
 * The classic algorithm: every grid cube is classified by which of its 8 corners lie inside
 * (f < iso), and a 256-entry table says which of its 12 edges the surface crosses and how
 * those crossings form triangles. Our tables are not copied from anywhere: pc_mc_create
 * derives them from the cube's faces (see mc.c) with one fixed rule for ambiguous faces
 * (inside corners that touch only diagonally are kept apart), so two cubes sharing a face
 * always cut it the same way and a closed surface gives a watertight mesh.
 *
 * Vertices are shared: one per crossed grid edge (kept in per-plane edge caches), placed by
 * linear interpolation, with the normal interpolated from the field's central-difference
 * gradient at the edge's two ends (pointing to increasing f: outwards for a signed distance
 * field). Triangles wind counter-clockwise seen from outside.
 *
 * A pc_mc_t owns its tables, caches and the output mesh, and reuses them: after the first few
 * frames of a given size, extracting allocates nothing. */
#ifndef PC_MC_H
#define PC_MC_H

#include <stddef.h>
#include <stdint.h>

/* An indexed triangle mesh: 3 floats of position and of unit normal per vertex, 3 vertex
 * indices per triangle. */
typedef struct pc_mesh {
    float *pos;
    float *nrm;
    uint32_t *idx;
    size_t n_vert, n_tri;
    size_t cap_vert, cap_tri; /* allocated, in vertices and triangles */
} pc_mesh_t;

/* A scalar field sampled on an nx x ny x nz grid: v[(z * ny + y) * nx + x] is the value at
 * origin + (x, y, z) * step. Each side must be >= 2 for any cube to exist. */
typedef struct pc_field {
    const float *v;
    int nx, ny, nz;
    float origin[3];
    float step;
} pc_field_t;

typedef struct pc_mc pc_mc_t;

/* Builds the tables and an empty mesh; NULL when out of memory. Free with pc_mc_destroy. */
pc_mc_t *pc_mc_create(void);
/* Frees the mesher and its mesh; NULL is fine. */
void pc_mc_destroy(pc_mc_t *mc);
/* Extracts the surface f = iso of field into the mesher's mesh (replacing the previous one).
 * Returns 0; PC_EINVAL for a NULL field or a side < 2 (the mesh is then empty; a side < 2
 * simply has no cubes), PC_ELIMIT when the mesh would exceed 2^31 vertices, PC_ENOMEM. */
int pc_mc_extract(pc_mc_t *mc, const pc_field_t *field, float iso);
/* The mesh of the last extract, owned by mc: valid until the next extract or destroy. */
const pc_mesh_t *pc_mc_mesh(const pc_mc_t *mc);

/* Table access, for tests: the triangle list of cube case `c` (0..255) as cube-edge numbers
 * 0..11, three per triangle, terminated by -1 (at most 15 entries). Edges 0-3 run along x,
 * 4-7 along y, 8-11 along z; corner k of a cube is at (k & 1, k >> 1 & 1, k >> 2 & 1). */
const int8_t *pc_mc_case(const pc_mc_t *mc, int c);
/* FNV-1a checksum of all 256 derived triangle lists: the tables are computed at start-up, so
 * the native build and the WASM build must agree on it (tests compare both to one value). */
uint32_t pc_mc_tables_hash(const pc_mc_t *mc);

/* Surface area and enclosed volume of a closed, outward-wound mesh (volume by the divergence
 * theorem: the sum of signed tetrahedra to the origin). */
double pc_mesh_area(const pc_mesh_t *m);
double pc_mesh_volume(const pc_mesh_t *m);

#endif
