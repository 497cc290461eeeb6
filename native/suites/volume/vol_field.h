/* vol_field.h — the volume suite's animated field: a torus signed distance field joined to a
 * moving sphere by a polynomial smooth minimum, sampled on an n^3 grid over [-1, 1]^3. */
#ifndef PC_VOL_FIELD_H
#define PC_VOL_FIELD_H

#include <stddef.h>

typedef struct pc_vol_shape {
    float major, minor;   /* torus radii (major: centre to tube centre) */
    float altitude;       /* z of the torus' plane */
    float smooth;         /* smooth-minimum radius k (0: a plain minimum) */
    int sphere;           /* 1: add the moving sphere; 0: the plain torus */
} pc_vol_shape_t;

/* Signed distance of the torus at (x, y, z): negative inside. */
float pc_vol_torus_sdf(const pc_vol_shape_t *s, float x, float y, float z);
/* Polynomial smooth minimum of a and b with radius k (k <= 0: min(a, b)). */
float pc_vol_smin(float a, float b, float k);
/* The moving sphere's centre and radius at animation time tau (seconds). */
void pc_vol_sphere_at(const pc_vol_shape_t *s, double tau, float c[3], float *r);
/* Fills v (n^3 floats, v[(z * n + y) * n + x] at -1 + 2 * (x, y, z) / (n - 1)) with the
 * field at animation time tau. `radial` is scratch of n * n floats. n >= 2. Cannot fail. */
void pc_vol_field_fill(float *v, float *radial, int n, const pc_vol_shape_t *s, double tau);

#endif
