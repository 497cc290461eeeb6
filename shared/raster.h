/* raster.h — a small triangle rasterizer: perspective camera, z-buffer, Lambert + Blinn-Phong.
 *
 * Draws an indexed mesh into a caller-owned framebuffer the way views draw everything: no
 * allocation (the z-buffer and the transformed vertices live in caller scratch memory of
 * pc_raster_scratch_bytes), everything clipped, and only + - * / sqrt on floats plus exact
 * integer edge functions (vertices snapped to 1/16 pixel), so the same mesh gives the same
 * pixels natively and in WASM. Triangles sharing an edge neither overlap nor leave cracks
 * (top-left fill rule). Both sides of a triangle are lit (meshes cut open by the grid's
 * border show their inside); lighting is evaluated per vertex (Lambert diffuse + Blinn-Phong
 * specular, light fixed relative to the camera) and interpolated across the triangle.
 *
 * World space is right-handed with z up. The camera orbits `target`: yaw turns around z
 * (0 looks from +x towards the target), pitch raises it (radians, keep inside +-1.5). */
#ifndef PC_RASTER_H
#define PC_RASTER_H

#include <stddef.h>
#include <stdint.h>

#include "gfx.h"

typedef struct pc_camera {
    float target[3];
    float yaw, pitch; /* radians */
    float distance;   /* from target to eye, > 0 */
    float fov_tan;    /* tan(vertical field of view / 2), > 0 */
} pc_camera_t;

typedef struct pc_material {
    uint32_t color;   /* base colour (alpha ignored: the surface is opaque) */
    float ambient;    /* 0..1 */
    float diffuse;    /* 0..1 */
    float specular;   /* 0..1 */
    int shininess_log2; /* specular exponent 2^n, n in 0..8 */
} pc_material_t;

/* Where the mesh comes from: callbacks fetch vertex i (position, unit normal) and triangle i
 * (three vertex indices < n_vert), so any storage (float arrays, a quantized record) works. */
typedef struct pc_rmesh {
    size_t n_vert, n_tri;
    const void *ud;
    void (*vertex)(const void *ud, uint32_t i, float pos[3], float nrm[3]);
    void (*tri)(const void *ud, uint32_t i, uint32_t v[3]);
} pc_rmesh_t;

/* A camera looking at target from a default orbit (yaw 0.7, pitch 0.45) at distance d, 45
 * degree vertical field of view. Cannot fail. */
pc_camera_t pc_camera_orbit(const float target[3], float yaw, float pitch, float distance);
/* A pc_rmesh_t over float arrays (pos and nrm: 3 per vertex, idx: 3 per triangle). The
 * returned struct points at m: keep m alive while drawing. */
struct pc_mesh;
pc_rmesh_t pc_rmesh_of(const struct pc_mesh *m);

/* Scratch bytes pc_raster_mesh needs for a w x h target and n_vert vertices (0 on overflow). */
size_t pc_raster_scratch_bytes(int w, int h, size_t n_vert);
/* Projects world point p for a w x h target: 1 with the pixel position in *sx, *sy when p is
 * in front of the camera, else 0. */
int pc_raster_project(const pc_camera_t *cam, int w, int h, const float p[3], float *sx, float *sy);
/* Draws the mesh into fb (over what is there; uncovered pixels are left alone). scratch must
 * hold pc_raster_scratch_bytes(fb->w, fb->h, mesh->n_vert) bytes, aligned for floats.
 * Returns 0, PC_ELIMIT when the scratch is too small (nothing drawn), PC_EINVAL for a bad
 * camera. Triangles with a vertex closer than the near plane (0.01) are skipped. */
int pc_raster_mesh(pc_fb_t *fb, void *scratch, size_t scratch_bytes, const pc_rmesh_t *mesh,
                   const pc_camera_t *cam, const pc_material_t *mat);

#endif
