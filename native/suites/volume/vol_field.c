/* vol_field.c — the torus + moving sphere field (see vol_field.h). Natively only: libm's
 * sin/cos place the sphere; no pixel depends on them directly (meshes travel as records). */
#include "vol_field.h"

#include <math.h>

float pc_vol_torus_sdf(const pc_vol_shape_t *s, float x, float y, float z) {
    float qx = sqrtf(x * x + y * y) - s->major, qz = z - s->altitude;
    return sqrtf(qx * qx + qz * qz) - s->minor;
}

float pc_vol_smin(float a, float b, float k) {
    if (!(k > 0)) return a < b ? a : b;
    float h = 0.5f + 0.5f * (b - a) / k;
    h = h < 0 ? 0 : h > 1 ? 1 : h;
    return b + (a - b) * h - k * h * (1.0f - h);
}

void pc_vol_sphere_at(const pc_vol_shape_t *s, double tau, float c[3], float *r) {
    const double w = 2.0 * M_PI / 4.0; /* one orbit every 4 s of animation */
    double orbit = s->major > 0 ? s->major : 0.5;
    c[0] = (float)(orbit * cos(w * tau));
    c[1] = (float)(orbit * sin(w * tau));
    c[2] = (float)(s->altitude + 0.45 * sin(2.0 * w * tau)); /* bobs through the tube */
    *r = s->minor * 1.15f;
}

/* One row of the field: torus and sphere joined by the smooth minimum with radius k > 0 (the
 * same arithmetic as pc_vol_smin, inlined). Parameters come in as locals so the compiler
 * knows the row stores cannot change them: with no control flow left (the clamp becomes
 * min/max) and -fno-math-errno on this file (native/CMakeLists.txt), the loop vectorizes,
 * every value still computed exactly as the scalar code would. */
static void row_smooth(float *row, const float *rad, int n, float qz2, float minor, float x0, float step,
                       float dy2, float dz2, float r, float k) {
    for (int x = 0; x < n; x++) {
        float torus = sqrtf(rad[x] * rad[x] + qz2) - minor;
        float dx = -1.0f + step * (float)x - x0;
        float sphere = sqrtf(dx * dx + dy2 + dz2) - r;
        float h = 0.5f + 0.5f * (sphere - torus) / k;
        h = h < 0 ? 0 : h;
        h = h > 1 ? 1 : h;
        row[x] = sphere + (torus - sphere) * h - k * h * (1.0f - h);
    }
}

void pc_vol_field_fill(float *v, float *radial, int n, const pc_vol_shape_t *s, double tau) {
    float step = 2.0f / (float)(n - 1), major = s->major, minor = s->minor, k = s->smooth;
    for (int y = 0; y < n; y++) /* the torus' radial term does not depend on z */
        for (int x = 0; x < n; x++) {
            float px = -1.0f + step * (float)x, py = -1.0f + step * (float)y;
            radial[y * n + x] = sqrtf(px * px + py * py) - major;
        }
    float c[3], r;
    pc_vol_sphere_at(s, tau, c, &r);
    for (int z = 0; z < n; z++) {
        float qz = -1.0f + step * (float)z - s->altitude, dz = -1.0f + step * (float)z - c[2];
        for (int y = 0; y < n; y++) {
            float dy = -1.0f + step * (float)y - c[1];
            float *row = v + ((size_t)z * (size_t)n + (size_t)y) * (size_t)n;
            const float *rad = radial + (size_t)y * (size_t)n;
            if (s->sphere && k > 0) {
                row_smooth(row, rad, n, qz * qz, minor, c[0], step, dy * dy, dz * dz, r, k);
                continue;
            }
            for (int x = 0; x < n; x++) {
                float torus = sqrtf(rad[x] * rad[x] + qz * qz) - minor;
                if (!s->sphere) {
                    row[x] = torus;
                    continue;
                }
                float dx = -1.0f + step * (float)x - c[0];
                float sphere = sqrtf(dx * dx + dy * dy + dz * dz) - r;
                row[x] = pc_vol_smin(torus, sphere, k);
            }
        }
    }
}
