/* Fractal kernels: every SIMD path gives the scalar path's escape counts and |z|^2 exactly,
 * on Mandelbrot and Julia images with odd widths (partial vectors), and the scalar image
 * matches a golden checksum (so a change to the iteration itself is caught). */
#include <stdlib.h>
#include <string.h>

#include "../../native/suites/fractal/fr_kernel.h"
#include "model.h"
#include "pc_test.h"
#include "record.h"

#define W 101
#define H 37
/* Golden fingerprints of the scalar images below (recorded from this kernel; c[0] = 3 and the
 * cardioid pixel were checked by hand: (-2.2,-1.1) reaches |z|^2 = 292 > 256 at its 4th test). */
#define GOLDEN_TOTAL_M 268926ull
#define GOLDEN_FNV_M 12077741146160167707ull
#define GOLDEN_TOTAL_J 127373ull
#define GOLDEN_FNV_J 1630904868515401389ull

/* FNV-1a over the counts: the golden fingerprint of an image. */
static uint64_t fnv(const uint32_t *cnt, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        for (int b = 0; b < 4; b++) h = (h ^ ((cnt[i] >> (8 * b)) & 0xff)) * 1099511628211ull;
    return h;
}

static pc_fr_job_t job_for(int julia) {
    pc_fr_job_t j = {.x0 = julia ? -1.6f : -2.2f, .y0 = -1.1f, .dx = 3.2f / W, .dy = 2.2f / H, .jx = -0.8f,
                     .jy = 0.156f, .julia = julia, .max_iter = 300};
    return j;
}

static uint64_t render(pc_fr_row_fn fn, const pc_fr_job_t *j, uint32_t *cnt, float *mag) {
    uint64_t total = 0;
    for (int y = 0; y < H; y++) total += fn(j, y, 0, W, cnt + y * W, mag + y * W);
    return total;
}

static void fractal_simd_should_match_scalar_exactly(void) {
    static uint32_t c0[W * H], c1[W * H];
    static float m0[W * H], m1[W * H];
    int paths = 0;
    for (int julia = 0; julia < 2; julia++) {
        pc_fr_job_t j = job_for(julia);
        uint64_t t0 = render(pc_fr_kernel(PC_FR_SCALAR), &j, c0, m0);
        for (int isa = PC_FR_AVX2; isa <= PC_FR_AVX512; isa++) {
            pc_fr_row_fn fn = pc_fr_kernel((pc_fr_isa_t)isa);
            if (!fn) continue; /* this CPU lacks it: nothing to compare */
            paths++;
            memset(c1, 0xff, sizeof c1);
            uint64_t t1 = render(fn, &j, c1, m1);
            PC_CHECK_EQ_U64(t1, t0);
            PC_CHECK(memcmp(c0, c1, sizeof c0) == 0);
            PC_CHECK(memcmp(m0, m1, sizeof m0) == 0);
        }
    }
}

static void fractal_rows_should_compute_any_segment(void) {
    /* a segment starting mid-row equals the same pixels of a whole row */
    pc_fr_job_t j = job_for(0);
    uint32_t whole[W], part[W];
    float mw[W], mp[W];
    for (int isa = PC_FR_SCALAR; isa <= PC_FR_AVX512; isa++) {
        pc_fr_row_fn fn = pc_fr_kernel((pc_fr_isa_t)isa);
        if (!fn) continue;
        fn(&j, H / 2, 0, W, whole, mw);
        fn(&j, H / 2, 13, 29, part, mp);
        PC_CHECK(memcmp(whole + 13, part, 29 * sizeof part[0]) == 0);
    }
}

static void fractal_scalar_should_match_golden_image(void) {
    static uint32_t c[W * H];
    static float m[W * H];
    pc_fr_job_t j = job_for(0);
    uint64_t total = render(pc_fr_kernel(PC_FR_SCALAR), &j, c, m);
    PC_CHECK(c[(H / 2) * W + 60] == 300); /* (-0.3, 0): inside the main cardioid */
    PC_CHECK(c[0] == 3);                  /* (-2.2, -1.1): escapes after 3 iterations */
    PC_CHECK_EQ_U64(total, GOLDEN_TOTAL_M);
    PC_CHECK_EQ_U64(fnv(c, W * H), GOLDEN_FNV_M);
    j = job_for(1);
    total = render(pc_fr_kernel(PC_FR_SCALAR), &j, c, m);
    PC_CHECK_EQ_U64(total, GOLDEN_TOTAL_J);
    PC_CHECK_EQ_U64(fnv(c, W * H), GOLDEN_FNV_J);
}

/* Applies one record built from a payload; returns pc_model_apply's result. */
static int apply(pc_model_t *m, uint16_t kind, uint16_t enc, const void *payload, size_t len) {
    static uint8_t buf[1 << 16];
    size_t n = pc_record_encode(buf, sizeof buf, kind, enc, payload, len), used;
    pc_record_t rec;
    if (!n || pc_record_decode(buf, n, &rec, &used)) return -100;
    pc_errbuf_t err = {0};
    return pc_model_apply(m, &rec, &err);
}

static void model_should_keep_image_frames_and_refuse_bad_lengths(void) {
    pc_model_t *m = pc_model_create();
    const char *hdr = "{\"suite\":\"fractal\",\"run_id\":\"x\"}";
    PC_CHECK(apply(m, PC_REC_HEADER, PC_ENC_JSON, hdr, strlen(hdr)) == 0);
    uint8_t p[12 + 4 * 2 * 3];
    uint16_t w = 4, h = 2;
    uint32_t fr = 7;
    float t = 1.5f;
    memcpy(p, &w, 2);
    memcpy(p + 2, &h, 2);
    memcpy(p + 4, &fr, 4);
    memcpy(p + 8, &t, 4);
    for (int i = 0; i < 24; i++) p[12 + i] = (uint8_t)(10 * i);
    PC_CHECK(apply(m, PC_REC_FRAME, PC_ENC_BINARY, p, sizeof p) == 0);
    PC_CHECK(apply(m, PC_REC_FRAME, PC_ENC_BINARY, p, sizeof p - 1) == PC_EFORMAT); /* one byte short */
    PC_CHECK(apply(m, PC_REC_FRAME, PC_ENC_JSON, p, sizeof p) == PC_EFORMAT);
    PC_CHECK(m->n_img == 1);
    const pc_img_frame_t *f = pc_model_img_at(m, -1);
    PC_CHECK(f && f->w == 4 && f->h == 2 && f->frame == 7 && f->t == 1.5);
    PC_CHECK(f && m->img_bytes[f->off + 23] == 230);
    PC_CHECK(pc_model_img_at(m, 1.0) == NULL); /* before the first frame */
    const char *calls = "{\"t\":2,\"edges\":[{\"parent\":\"\",\"child\":\"frame\",\"calls\":3,\"total_ns\":9}]}";
    PC_CHECK(apply(m, PC_REC_CALLS, PC_ENC_JSON, calls, strlen(calls)) == 0);
    PC_CHECK(m->calls && cJSON_GetArraySize(cJSON_GetObjectItem(m->calls, "edges")) == 1);
    PC_CHECK(apply(m, PC_REC_CALLS, PC_ENC_JSON, "{}", 2) == PC_EFORMAT);
    pc_model_reset(m);
    PC_CHECK(m->n_img == 0 && m->calls == NULL);
    pc_model_destroy(m);
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    PC_RUN(fractal_simd_should_match_scalar_exactly);
    PC_RUN(fractal_rows_should_compute_any_segment);
    PC_RUN(fractal_scalar_should_match_golden_image);
    PC_RUN(model_should_keep_image_frames_and_refuse_bad_lengths);
    return pc_test_done();
}
