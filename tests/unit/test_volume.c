/* test_volume.c — marching cubes (tables, watertightness, analytic torus area and volume, edge
 * cases), the mesh record, mesh frames in the model (bounded by decimation), the rasterizer
 * against golden images, pc_sin/pc_cos, and the volume views on a synthetic run.
 *
 * Goldens: tests/data/golden/raster-*.png and volume-*.png; PC_UPDATE_GOLDEN=1 rewrites them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "font.h"
#include "mc.h"
#include "meshrec.h"
#include "model.h"
#include "pc_test.h"
#include "pc_test_draw.h"
#include "pcmath.h"
#include "png.h"
#include "raster.h"
#include "record.h"
#include "suites/volume/vol_field.h"
#include "views.h"

/* ---- helpers ---- */

static float *torus_field(int n, float R, float r, pc_field_t *f) {
    float *v = malloc((size_t)n * n * n * sizeof *v), *radial = malloc((size_t)n * n * sizeof *radial);
    pc_vol_shape_t s = {.major = R, .minor = r, .altitude = 0, .smooth = 0, .sphere = 0};
    if (v && radial) pc_vol_field_fill(v, radial, n, &s, 0);
    free(radial);
    *f = (pc_field_t){.v = v, .nx = n, .ny = n, .nz = n, .origin = {-1, -1, -1}, .step = 2.0f / (float)(n - 1)};
    return v;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* 0 when every directed edge appears once and its reverse once too: each undirected edge is
 * in exactly two triangles, wound consistently. Else the number of offending edges. */
static size_t open_edges(const pc_mesh_t *m) {
    size_t n = m->n_tri * 3, bad = 0;
    uint64_t *e = malloc((n ? n : 1) * sizeof *e);
    if (!e) return (size_t)-1;
    for (size_t t = 0; t < m->n_tri; t++)
        for (int k = 0; k < 3; k++) {
            uint64_t a = m->idx[t * 3 + k], b = m->idx[t * 3 + (k + 1) % 3];
            e[t * 3 + k] = a << 32 | b;
        }
    qsort(e, n, sizeof *e, cmp_u64);
    for (size_t i = 0; i < n; i++) {
        if (i + 1 < n && e[i + 1] == e[i]) bad++;
        uint64_t rev = (e[i] & 0xffffffffu) << 32 | e[i] >> 32;
        if (!bsearch(&rev, e, n, sizeof *e, cmp_u64)) bad++;
    }
    free(e);
    return bad;
}

/* ---- marching cubes ---- */

/* The derived tables' checksum; tests/wasm/test_wasm.js checks the WASM build against the same
 * value (they once differed: clang's wasm optimizer read unwritten array elements as undefined).
 * A deliberate change to the derivation updates both. */
#define MC_TABLES_HASH 0x827df9f5u

static void mc_tables_should_match_the_checksum_the_wasm_build_is_held_to(void) {
    pc_mc_t *mc = pc_mc_create();
    PC_CHECK(mc != NULL);
    PC_CHECK_EQ_U64(pc_mc_tables_hash(mc), MC_TABLES_HASH);
    pc_mc_destroy(mc);
}

static void mc_tables_should_cut_exactly_the_crossed_edges(void) {
    pc_mc_t *mc = pc_mc_create();
    PC_CHECK(mc);
    for (int c = 0; c < 256; c++) {
        const int8_t *t = pc_mc_case(mc, c);
        int used[12] = {0}, n = 0;
        while (t[n] >= 0) used[t[n++]]++;
        PC_CHECK(n % 3 == 0 && n <= 15);
        for (int e = 0; e < 12; e++) {
            int axis = e / 4, k = e % 4, a = k & 1, b = k >> 1, p[3], q[3];
            int o0 = axis == 0 ? 1 : 0, o1 = axis == 2 ? 1 : 2;
            p[axis] = 0;
            q[axis] = 1;
            p[o0] = q[o0] = a;
            p[o1] = q[o1] = b;
            int c0 = p[0] | p[1] << 1 | p[2] << 2, c1 = q[0] | q[1] << 1 | q[2] << 2;
            int crossed = ((c >> c0) & 1) != ((c >> c1) & 1);
            if (crossed != (used[e] > 0)) {
                pc_mc_destroy(mc);
                PC_CHECK(!"an edge is cut that is not crossed, or a crossed edge is not cut");
            }
        }
    }
    PC_CHECK(pc_mc_case(mc, 0)[0] == -1 && pc_mc_case(mc, 255)[0] == -1);
    pc_mc_destroy(mc);
}

static void mc_should_give_a_watertight_mesh_for_a_closed_surface(void) {
    pc_mc_t *mc = pc_mc_create();
    int n = 48;
    float *v = malloc((size_t)n * n * n * sizeof *v), *radial = malloc((size_t)n * n * sizeof *radial);
    PC_CHECK(mc && v && radial);
    /* the suite's animated field at several times: torus + sphere, merging and parting */
    pc_vol_shape_t s = {.major = 0.55f, .minor = 0.2f, .altitude = 0.05f, .smooth = 0.2f, .sphere = 1};
    for (int i = 0; i < 6; i++) {
        pc_vol_field_fill(v, radial, n, &s, i * 0.37);
        pc_field_t f = {.v = v, .nx = n, .ny = n, .nz = n, .origin = {-1, -1, -1}, .step = 2.0f / (float)(n - 1)};
        PC_CHECK(pc_mc_extract(mc, &f, 0.0f) == 0);
        const pc_mesh_t *m = pc_mc_mesh(mc);
        PC_CHECK(m->n_tri > 1000);
        PC_CHECK_EQ_U64(open_edges(m), 0);
        PC_CHECK(pc_mesh_volume(m) > 0); /* wound outwards */
        for (size_t k = 0; k < m->n_vert; k++) {
            float l = m->nrm[k * 3] * m->nrm[k * 3] + m->nrm[k * 3 + 1] * m->nrm[k * 3 + 1] +
                      m->nrm[k * 3 + 2] * m->nrm[k * 3 + 2];
            PC_CHECK(fabsf(l - 1.0f) < 1e-4f);
        }
    }
    /* a noisy field exercises the ambiguous faces: still closed (the grid border is inside-out
     * free because the border values are positive) */
    uint32_t seed = 12345;
    for (int z = 0; z < n; z++)
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++) {
                seed = seed * 1664525u + 1013904223u;
                int border = x == 0 || y == 0 || z == 0 || x == n - 1 || y == n - 1 || z == n - 1;
                v[((size_t)z * n + y) * n + x] = border ? 1.0f : (float)(seed >> 8) / 16777216.0f - 0.5f;
            }
    pc_field_t f = {.v = v, .nx = n, .ny = n, .nz = n, .origin = {0, 0, 0}, .step = 1};
    PC_CHECK(pc_mc_extract(mc, &f, 0.0f) == 0);
    PC_CHECK(pc_mc_mesh(mc)->n_tri > 10000);
    size_t open = open_edges(pc_mc_mesh(mc));
    free(v);
    free(radial);
    pc_mc_destroy(mc);
    PC_CHECK_EQ_U64(open, 0);
}

static void mc_should_match_the_torus_area_and_volume_at_dim_128(void) {
    pc_mc_t *mc = pc_mc_create();
    pc_field_t f;
    float R = 0.6f, r = 0.25f;
    float *v = torus_field(128, R, r, &f);
    PC_CHECK(mc && v);
    int rc = pc_mc_extract(mc, &f, 0.0f);
    double area = pc_mesh_area(pc_mc_mesh(mc)), vol = pc_mesh_volume(pc_mc_mesh(mc));
    size_t open = open_edges(pc_mc_mesh(mc));
    free(v);
    pc_mc_destroy(mc);
    PC_CHECK(rc == 0);
    double a_ref = 4 * M_PI * M_PI * R * r, v_ref = 2 * M_PI * M_PI * R * r * r;
    fprintf(stderr, "  area %.6f vs %.6f (%.3f%%), volume %.6f vs %.6f (%.3f%%)\n", area, a_ref,
            100 * (area / a_ref - 1), vol, v_ref, 100 * (vol / v_ref - 1));
    PC_CHECK(fabs(area / a_ref - 1) < 0.01);
    PC_CHECK(fabs(vol / v_ref - 1) < 0.01);
    PC_CHECK_EQ_U64(open, 0);
}

static void mc_should_handle_empty_full_and_tiny_fields(void) {
    pc_mc_t *mc = pc_mc_create();
    PC_CHECK(mc);
    float out[27], in[27];
    for (int i = 0; i < 27; i++) {
        out[i] = 1;
        in[i] = -1;
    }
    pc_field_t f = {.v = out, .nx = 3, .ny = 3, .nz = 3, .origin = {0, 0, 0}, .step = 1};
    PC_CHECK(pc_mc_extract(mc, &f, 0) == 0 && pc_mc_mesh(mc)->n_tri == 0 && pc_mc_mesh(mc)->n_vert == 0);
    f.v = in;
    PC_CHECK(pc_mc_extract(mc, &f, 0) == 0 && pc_mc_mesh(mc)->n_tri == 0);
    /* dim 2: one cube; every one of the 256 cases gives the table's triangles, all indices valid */
    float cube[8];
    f = (pc_field_t){.v = cube, .nx = 2, .ny = 2, .nz = 2, .origin = {0, 0, 0}, .step = 1};
    for (int c = 0; c < 256; c++) {
        for (int k = 0; k < 8; k++) cube[k] = (c >> k & 1) ? -1.0f : 1.0f;
        PC_CHECK(pc_mc_extract(mc, &f, 0) == 0);
        const pc_mesh_t *m = pc_mc_mesh(mc);
        int n = 0;
        while (pc_mc_case(mc, c)[n] >= 0) n++;
        PC_CHECK_EQ_U64(m->n_tri, (size_t)n / 3);
        for (size_t i = 0; i < m->n_tri * 3; i++) PC_CHECK(m->idx[i] < m->n_vert);
        for (size_t i = 0; i < m->n_vert * 3; i++) PC_CHECK(m->pos[i] >= 0 && m->pos[i] <= 1);
    }
    /* one corner inside: one triangle with its vertices at the edge midpoints */
    for (int k = 0; k < 8; k++) cube[k] = 1;
    cube[0] = -1;
    PC_CHECK(pc_mc_extract(mc, &f, 0) == 0 && pc_mc_mesh(mc)->n_tri == 1);
    PC_CHECK(pc_mesh_area(pc_mc_mesh(mc)) > 0.2 && pc_mesh_area(pc_mc_mesh(mc)) < 0.22); /* sqrt(3)/8 */
    /* a side of 1 has no cubes; a NULL field is an error */
    f.nx = 1;
    PC_CHECK(pc_mc_extract(mc, &f, 0) == 0 && pc_mc_mesh(mc)->n_tri == 0);
    PC_CHECK(pc_mc_extract(mc, NULL, 0) == PC_EINVAL);
    pc_mc_destroy(mc);
}

/* ---- mesh records ---- */

static void meshrec_should_round_trip_and_refuse_bad_payloads(void) {
    pc_mc_t *mc = pc_mc_create();
    pc_field_t f;
    float *v = torus_field(24, 0.5f, 0.2f, &f);
    PC_CHECK(mc && v && pc_mc_extract(mc, &f, 0) == 0);
    const pc_mesh_t *m = pc_mc_mesh(mc);
    size_t need = pc_meshrec_size(m->n_vert, m->n_tri);
    uint8_t *buf = malloc(need);
    PC_CHECK(buf);
    PC_CHECK(pc_meshrec_encode(buf, need - 1, m, 1.5, 7) == 0);
    PC_CHECK(pc_meshrec_encode(buf, need, m, 1.5, 7) == need);
    pc_meshrec_t r;
    pc_errbuf_t err = {{0}};
    PC_CHECK(pc_meshrec_parse(buf, need, &r, &err) == 0);
    PC_CHECK(r.t == 1.5 && r.frame == 7 && r.n_vert == m->n_vert && r.n_tri == m->n_tri && r.idx16);
    for (uint32_t i = 0; i < r.n_vert; i++) {
        float p[3], n[3];
        pc_meshrec_vertex(&r, i, p, n);
        for (int k = 0; k < 3; k++) {
            PC_CHECK(fabsf(p[k] - m->pos[i * 3 + k]) < 2e-4f);
            PC_CHECK(fabsf(n[k] - m->nrm[i * 3 + k]) < 0.01f);
        }
    }
    for (uint32_t i = 0; i < r.n_tri; i++) {
        uint32_t t[3];
        pc_meshrec_tri(&r, i, t);
        PC_CHECK(t[0] == m->idx[i * 3] && t[1] == m->idx[i * 3 + 1] && t[2] == m->idx[i * 3 + 2]);
    }
    PC_CHECK(pc_meshrec_parse(buf, need - 2, &r, &err) == PC_EFORMAT); /* length */
    uint8_t *ix = buf + need - 2;                                       /* last index past n_vert */
    ix[0] = 0xff;
    ix[1] = 0xff;
    PC_CHECK(pc_meshrec_parse(buf, need, &r, &err) == PC_EFORMAT);
    PC_CHECK(strstr(err.msg, "vertex") != NULL);
    buf[0] = 9; /* layout version */
    PC_CHECK(pc_meshrec_parse(buf, need, &r, &err) == PC_EFORMAT);
    free(buf);
    free(v);
    pc_mc_destroy(mc);
}

/* Appends one framed record to *buf. */
static void append(uint8_t **buf, size_t *len, size_t *cap, uint16_t kind, uint16_t enc, const void *p, size_t n) {
    size_t need = *len + pc_record_size(n);
    if (need > *cap) {
        *cap = need * 2;
        *buf = realloc(*buf, *cap);
    }
    *len += pc_record_encode(*buf + *len, *cap - *len, kind, enc, p, n);
}

static const char HEADER[] =
    "{\"format\":\"perfcast\",\"suite\":\"volume\",\"run_id\":\"t\",\"params\":{\"dim\":24,\"frames\":6,\"fps\":30,"
    "\"width\":640,\"height\":480},\"views\":[\"volume\",\"frame-times\",\"system\",\"summary\"],"
    "\"system\":{\"cpu\":{\"model\":\"Test CPU\",\"architecture\":\"x86_64\",\"physical_cores\":2,"
    "\"logical_cores\":4,\"frequency_mhz\":3000,\"utilization_percent\":12.5},\"memory\":{\"total_mb\":1024,"
    "\"used_mb\":256,\"available_mb\":768,\"percent\":25},\"gpu\":null,\"gpu_reason\":\"no NVIDIA GPU detected: "
    "test\",\"platform\":{\"os\":\"Linux\",\"kernel\":\"6.1\",\"architecture\":\"x86_64\",\"hostname\":\"h\","
    "\"compiler\":\"GNU 12\",\"perfcast_version\":\"0.1.0\"}}}";

/* A synthetic volume run: header, 6 frames (metric + mesh each, sphere moving), end. */
static pc_model_t *synthetic_run(void) {
    pc_mc_t *mc = pc_mc_create();
    int n = 24;
    float *v = malloc((size_t)n * n * n * sizeof *v), *radial = malloc((size_t)n * n * sizeof *radial);
    uint8_t *buf = NULL, *mb = NULL;
    size_t len = 0, cap = 0;
    pc_model_t *m = pc_model_create();
    if (!mc || !v || !radial || !m) goto fail;
    append(&buf, &len, &cap, PC_REC_HEADER, PC_ENC_JSON, HEADER, strlen(HEADER));
    pc_vol_shape_t s = {.major = 0.55f, .minor = 0.2f, .smooth = 0.2f, .sphere = 1};
    for (int i = 0; i < 6; i++) {
        pc_vol_field_fill(v, radial, n, &s, i * 0.25);
        pc_field_t f = {.v = v, .nx = n, .ny = n, .nz = n, .origin = {-1, -1, -1}, .step = 2.0f / (float)(n - 1)};
        if (pc_mc_extract(mc, &f, 0)) goto fail;
        char js[256];
        double t = 0.1 * (i + 1);
        snprintf(js, sizeof js, "{\"t\":%g,\"values\":{\"field_ms\":%g,\"mc_ms\":%g,\"render_ms\":%g,\"frame_ms\":%g,"
                 "\"triangles\":%zu}}", t, 1.0 + 0.1 * i, 2.0, 1.5, 4.5 + 0.1 * i, pc_mc_mesh(mc)->n_tri);
        append(&buf, &len, &cap, PC_REC_METRIC, PC_ENC_JSON, js, strlen(js));
        size_t need = pc_meshrec_size(pc_mc_mesh(mc)->n_vert, pc_mc_mesh(mc)->n_tri);
        mb = realloc(mb, need);
        size_t ml = pc_meshrec_encode(mb, need, pc_mc_mesh(mc), t, (uint32_t)i);
        append(&buf, &len, &cap, PC_REC_MESH, PC_ENC_BINARY, mb, ml);
    }
    const char *end = "{\"t\":0.7,\"status\":\"ok\"}";
    append(&buf, &len, &cap, PC_REC_END, PC_ENC_JSON, end, strlen(end));
    pc_errbuf_t err = {{0}};
    if (pc_model_feed(m, buf, len, &err) != 0) {
        fprintf(stderr, "  feed: %s\n", err.msg);
        goto fail;
    }
    free(buf);
    free(mb);
    free(v);
    free(radial);
    pc_mc_destroy(mc);
    return m;
fail:
    free(buf);
    free(mb);
    free(v);
    free(radial);
    pc_mc_destroy(mc);
    pc_model_destroy(m);
    return NULL;
}

static void model_should_keep_mesh_frames_and_find_them_by_time(void) {
    pc_model_t *m = synthetic_run();
    PC_CHECK(m);
    PC_CHECK_EQ_U64(m->n_mesh, 6);
    PC_CHECK(pc_model_mesh_at(m, 0.05) == NULL);
    PC_CHECK(pc_model_mesh_at(m, 0.25)->frame == 1);
    PC_CHECK(pc_model_mesh_at(m, -1)->frame == 5);
    pc_meshrec_t r;
    PC_CHECK(pc_model_mesh_get(m, pc_model_mesh_at(m, 0.3), &r) == 0 && r.n_tri > 100);
    PC_CHECK(m->t_last >= 0.7);
    const pc_series_t *s = pc_model_series(m, "frame_ms");
    PC_CHECK(s && s->n_samples == 6);
    /* a mesh record before the header, or in JSON, is an error */
    pc_model_reset(m);
    PC_CHECK(m->n_mesh == 0);
    uint8_t rec[64];
    size_t n = pc_record_encode(rec, sizeof rec, PC_REC_MESH, PC_ENC_BINARY, "xxxx", 4);
    pc_errbuf_t err = {{0}};
    PC_CHECK(pc_model_feed(m, rec, n, &err) == PC_EFORMAT);
    pc_model_destroy(m);
}

static void model_should_bound_mesh_memory_by_decimating(void) {
    /* a synthetic mesh of 60000 vertices (~1 MiB a frame); 250 frames are far past the cap */
    pc_mesh_t mesh = {0};
    size_t nv = 60000, nt = 60000;
    mesh.pos = calloc(nv * 3, sizeof(float));
    mesh.nrm = calloc(nv * 3, sizeof(float));
    mesh.idx = malloc(nt * 3 * sizeof(uint32_t));
    PC_CHECK(mesh.pos && mesh.nrm && mesh.idx);
    for (size_t i = 0; i < nv * 3; i++) mesh.pos[i] = (float)(i % 97) / 97.0f;
    for (size_t i = 0; i < nt * 3; i++) mesh.idx[i] = (uint32_t)((i * 7919) % nv);
    mesh.n_vert = nv;
    mesh.n_tri = nt;
    size_t need = pc_meshrec_size(nv, nt);
    uint8_t *payload = malloc(need), *rec = malloc(pc_record_size(need));
    pc_model_t *m = pc_model_create();
    PC_CHECK(payload && rec && m);
    size_t hl = pc_record_encode(rec, pc_record_size(need), PC_REC_HEADER, PC_ENC_JSON, HEADER, strlen(HEADER));
    pc_errbuf_t err = {{0}};
    PC_CHECK(pc_model_feed(m, rec, hl, &err) == 0);
    int frames = 250;
    for (int i = 0; i < frames; i++) {
        size_t pl = pc_meshrec_encode(payload, need, &mesh, i * 0.1, (uint32_t)i);
        size_t rl = pc_record_encode(rec, pc_record_size(need), PC_REC_MESH, PC_ENC_BINARY, payload, pl);
        PC_CHECK(pc_model_feed(m, rec, rl, &err) == 0);
        PC_CHECK(m->mesh_len <= PC_MODEL_MAX_MESH_BYTES);
    }
    PC_CHECK(m->mesh_stride >= 2);
    PC_CHECK_EQ_U64(m->mesh_seen, (uint64_t)frames);
    PC_CHECK(m->n_mesh > 20 && m->n_mesh < (size_t)frames);
    PC_CHECK(m->mesh[0].frame == 0);
    PC_CHECK(m->mesh[m->n_mesh - 1].frame + m->mesh_stride >= (uint32_t)frames); /* spans the whole run */
    for (size_t i = 1; i < m->n_mesh; i++) PC_CHECK(m->mesh[i].frame - m->mesh[i - 1].frame == m->mesh_stride);
    pc_meshrec_t r;
    PC_CHECK(pc_model_mesh_get(m, &m->mesh[m->n_mesh / 2], &r) == 0 && r.n_vert == nv);
    pc_model_destroy(m);
    free(payload);
    free(rec);
    free(mesh.pos);
    free(mesh.nrm);
    free(mesh.idx);
}

/* ---- rasterizer and views: goldens ---- */

static void raster_should_match_golden_images(void) {
    pc_mc_t *mc = pc_mc_create();
    pc_field_t f;
    float *v = torus_field(32, 0.55f, 0.22f, &f);
    PC_CHECK(mc && v && pc_mc_extract(mc, &f, 0) == 0);
    int w = 200, h = 150;
    uint32_t *px = malloc((size_t)w * h * sizeof *px);
    size_t sb = pc_raster_scratch_bytes(w, h, pc_mc_mesh(mc)->n_vert);
    void *scratch = malloc(sb);
    PC_CHECK(px && scratch);
    pc_fb_t fb = pc_fb_make(px, w, h);
    pc_rmesh_t rm = pc_rmesh_of(pc_mc_mesh(mc));
    pc_material_t mat = {.color = PC_HEX(0x3fb7ff), .ambient = 0.15f, .diffuse = 0.8f, .specular = 0.4f,
                         .shininess_log2 = 5};
    const float target[3] = {0, 0, 0};
    const struct {
        const char *name;
        float yaw, pitch, dist;
    } cams[] = {{"raster-torus", 0.7f, 0.5f, 3.2f}, {"raster-torus-top", 0.0f, 1.4f, 2.5f},
                {"raster-torus-close", 2.0f, 0.1f, 1.2f}};
    int fails = 0;
    for (size_t i = 0; i < sizeof cams / sizeof cams[0]; i++) {
        pc_gfx_clear(&fb, PC_HEX(0x0a0e27));
        pc_camera_t cam = pc_camera_orbit(target, cams[i].yaw, cams[i].pitch, cams[i].dist);
        PC_CHECK(pc_raster_mesh(&fb, scratch, sb, &rm, &cam, &mat) == 0);
        int lit = 0;
        for (int k = 0; k < w * h; k++) lit += px[k] != PC_HEX(0x0a0e27);
        PC_CHECK(lit > w * h / 50);
        fails += pc_test_compare_golden(cams[i].name, &fb) != 0;
    }
    /* too little scratch draws nothing and says so */
    pc_camera_t cam = pc_camera_orbit(target, 0, 0, 3);
    PC_CHECK(pc_raster_mesh(&fb, scratch, sb - 1, &rm, &cam, &mat) == PC_ELIMIT);
    free(px);
    free(scratch);
    free(v);
    pc_mc_destroy(mc);
    PC_CHECK(fails == 0);
}

static void raster_should_fill_shared_edges_without_cracks(void) {
    /* a square of two triangles facing the camera: every pixel inside is drawn exactly once
     * colour-wise (no background shows through along the diagonal) */
    float pos[12] = {0, -0.5f, -0.5f, 0, 0.5f, -0.5f, 0, 0.5f, 0.5f, 0, -0.5f, 0.5f};
    float nrm[12] = {1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0};
    uint32_t idx[6] = {0, 1, 2, 0, 2, 3};
    pc_mesh_t m = {.pos = pos, .nrm = nrm, .idx = idx, .n_vert = 4, .n_tri = 2};
    int w = 64, h = 64;
    uint32_t px[64 * 64];
    static float scratch[64 * 64 + 64];
    pc_fb_t fb = pc_fb_make(px, w, h);
    pc_gfx_clear(&fb, PC_HEX(0x000000));
    const float target[3] = {0, 0, 0};
    pc_camera_t cam = pc_camera_orbit(target, 0, 0, 3);
    pc_rmesh_t rm = pc_rmesh_of(&m);
    pc_material_t mat = {.color = PC_HEX(0xffffff), .ambient = 1, .diffuse = 0, .specular = 0};
    PC_CHECK(pc_raster_mesh(&fb, scratch, sizeof scratch, &rm, &cam, &mat) == 0);
    int minx = w, maxx = -1, miny = h, maxy = -1;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
            if (px[y * w + x] != PC_HEX(0x000000)) {
                if (x < minx) minx = x;
                if (x > maxx) maxx = x;
                if (y < miny) miny = y;
                if (y > maxy) maxy = y;
            }
    PC_CHECK(maxx > minx + 10 && maxy > miny + 10);
    for (int y = miny; y <= maxy; y++)
        for (int x = minx; x <= maxx; x++) PC_CHECK(px[y * w + x] == PC_HEX(0xffffff));
}

static void volume_views_should_match_golden_images(void) {
    pc_model_t *m = synthetic_run();
    pc_font_t *font = pc_font_create();
    int w = 640, h = 400;
    uint32_t *px = calloc((size_t)w * h, sizeof *px);
    PC_CHECK(m && font && px);
    pc_fb_t fb = pc_fb_make(px, w, h);
    const char *names[] = {"volume", "frame-times", "summary", "system"};
    int fails = 0;
    for (int i = 0; i < 4; i++) {
        pc_view_state_t st = {.t_cursor = -1, .scale = 1, .font = font};
        PC_CHECK(pc_view_draw(names[i], &fb, m, &st) == 0);
        char g[64];
        snprintf(g, sizeof g, "volume-%s", names[i]);
        fails += pc_test_compare_golden(g, &fb) != 0;
    }
    /* the orbit camera and the cursor change the picture; caller scratch gives the same pixels */
    uint32_t *a = malloc((size_t)w * h * sizeof *a);
    PC_CHECK(a);
    pc_view_state_t st = {.t_cursor = 0.25, .scale = 1, .font = font};
    PC_CHECK(pc_view_draw("volume", &fb, m, &st) == 0);
    memcpy(a, px, (size_t)w * h * sizeof *a);
    size_t sb = pc_view_scratch_bytes("volume", m, w, h);
    void *scratch = malloc(sb);
    st.scratch = scratch;
    st.scratch_bytes = sb;
    PC_CHECK(sb > 0 && scratch && pc_view_draw("volume", &fb, m, &st) == 0);
    PC_CHECK(memcmp(a, px, (size_t)w * h * sizeof *a) == 0);
    st.yaw = 1.0f;
    st.zoom = 2.0f;
    PC_CHECK(pc_view_draw("volume", &fb, m, &st) == 0);
    PC_CHECK(memcmp(a, px, (size_t)w * h * sizeof *a) != 0);
    fails += pc_test_compare_golden("volume-volume-orbit", &fb) != 0;
    /* an empty model draws a message, not a crash */
    pc_model_t *empty = pc_model_create();
    for (int i = 0; i < 4; i++) PC_CHECK(pc_view_draw(names[i], &fb, empty, &st) == 0);
    pc_model_destroy(empty);
    free(scratch);
    free(a);
    free(px);
    pc_font_destroy(font);
    pc_model_destroy(m);
    PC_CHECK(fails == 0);
}

static void pcmath_sin_cos_should_match_libm_closely(void) {
    for (double x = -50; x <= 50; x += 0.0137) {
        PC_CHECK(fabs(pc_sin(x) - sin(x)) < 1e-14);
        PC_CHECK(fabs(pc_cos(x) - cos(x)) < 1e-14);
    }
    PC_CHECK(pc_sin(0) == 0 && pc_cos(0) == 1);
    PC_CHECK(isnan(pc_sin(INFINITY)) && isnan(pc_cos(NAN)));
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    PC_RUN(mc_tables_should_match_the_checksum_the_wasm_build_is_held_to);
    PC_RUN(mc_tables_should_cut_exactly_the_crossed_edges);
    PC_RUN(mc_should_give_a_watertight_mesh_for_a_closed_surface);
    PC_RUN(mc_should_match_the_torus_area_and_volume_at_dim_128);
    PC_RUN(mc_should_handle_empty_full_and_tiny_fields);
    PC_RUN(meshrec_should_round_trip_and_refuse_bad_payloads);
    PC_RUN(model_should_keep_mesh_frames_and_find_them_by_time);
    PC_RUN(model_should_bound_mesh_memory_by_decimating);
    PC_RUN(raster_should_match_golden_images);
    PC_RUN(raster_should_fill_shared_edges_without_cracks);
    PC_RUN(volume_views_should_match_golden_images);
    PC_RUN(pcmath_sin_cos_should_match_libm_closely);
    return pc_test_done();
}
