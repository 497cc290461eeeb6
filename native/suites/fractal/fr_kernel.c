/* fr_kernel.c — see fr_kernel.h. The vector paths are functions with target attributes, so
 * the rest of the program stays baseline x86-64 and they run only after
 * __builtin_cpu_supports said yes. */
#include "fr_kernel.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define FR_X86 1
#else
#define FR_X86 0
#endif

static uint64_t row_scalar(const pc_fr_job_t *j, int y, int x, int n, uint32_t *cnt, float *mag) {
    const float py = j->y0 + (float)y * j->dy;
    const int max = j->max_iter;
    uint64_t total = 0;
    for (int i = 0; i < n; i++) {
        float px = j->x0 + (float)(x + i) * j->dx;
        float zx = 0, zy = 0, cx = px, cy = py;
        if (j->julia) {
            zx = px;
            zy = py;
            cx = j->jx;
            cy = j->jy;
        }
        int k = 0;
        float m = 0;
        for (; k < max; k++) {
            float xx = zx * zx, yy = zy * zy, mg = xx + yy;
            if (mg > PC_FR_BAILOUT) {
                m = mg;
                break;
            }
            float t = zx * zy;
            zy = (t + t) + cy;
            zx = (xx - yy) + cx;
        }
        cnt[i] = (uint32_t)k;
        mag[i] = m;
        total += (uint64_t)k;
    }
    return total;
}

#if FR_X86
#define FR_W 8 /* AVX2 lanes */
__attribute__((target("avx2"))) static uint64_t row_avx2(const pc_fr_job_t *j, int y, int x, int n, uint32_t *cnt,
                                                           float *mag) {
    const __m256 bail = _mm256_set1_ps(PC_FR_BAILOUT), dx = _mm256_set1_ps(j->dx), x0 = _mm256_set1_ps(j->x0);
    const __m256 lane = _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i lane_i = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const float pyf = j->y0 + (float)y * j->dy;
    uint64_t total = 0;
    for (int base = 0; base < n; base += 4 * FR_W) {
        __m256 zx[4], zy[4], cx[4], cy[4], m[4], act[4];
        __m256i it[4], valid[4];
        for (int k = 0; k < 4; k++) {
            int off = base + k * FR_W;
            __m256 px = _mm256_add_ps(_mm256_mul_ps(_mm256_add_ps(_mm256_set1_ps((float)(x + off)), lane), dx), x0);
            valid[k] = _mm256_cmpgt_epi32(_mm256_set1_epi32(n - off), lane_i);
            act[k] = _mm256_castsi256_ps(valid[k]);
            if (j->julia) {
                zx[k] = px;
                zy[k] = _mm256_set1_ps(pyf);
                cx[k] = _mm256_set1_ps(j->jx);
                cy[k] = _mm256_set1_ps(j->jy);
            } else {
                zx[k] = zy[k] = _mm256_setzero_ps();
                cx[k] = px;
                cy[k] = _mm256_set1_ps(pyf);
            }
            m[k] = _mm256_setzero_ps();
            it[k] = _mm256_setzero_si256();
        }
        for (int i = 0; i < j->max_iter; i++) {
            __m256 any = _mm256_setzero_ps();
            for (int k = 0; k < 4; k++) {
                __m256 xx = _mm256_mul_ps(zx[k], zx[k]), yy = _mm256_mul_ps(zy[k], zy[k]);
                __m256 mg = _mm256_add_ps(xx, yy);
                __m256 esc = _mm256_and_ps(_mm256_cmp_ps(mg, bail, _CMP_GT_OQ), act[k]);
                m[k] = _mm256_blendv_ps(m[k], mg, esc);
                act[k] = _mm256_andnot_ps(esc, act[k]);
                __m256 t = _mm256_mul_ps(zx[k], zy[k]);
                zy[k] = _mm256_add_ps(_mm256_add_ps(t, t), cy[k]);
                zx[k] = _mm256_add_ps(_mm256_sub_ps(xx, yy), cx[k]);
                it[k] = _mm256_sub_epi32(it[k], _mm256_castps_si256(act[k])); /* active lanes are -1 */
                any = _mm256_or_ps(any, act[k]);
            }
            if (_mm256_testz_ps(any, any)) break;
        }
        for (int k = 0; k < 4; k++) {
            int off = base + k * FR_W;
            if (off >= n) break;
            _mm256_maskstore_epi32((int *)(cnt + off), valid[k], it[k]);
            _mm256_maskstore_ps(mag + off, valid[k], m[k]);
            uint32_t tmp[FR_W];
            _mm256_storeu_si256((__m256i *)tmp, _mm256_and_si256(it[k], valid[k]));
            for (int l = 0; l < FR_W; l++) total += tmp[l];
        }
    }
    return total;
}

#define FR_V 16 /* AVX-512 lanes */
__attribute__((target("avx512f"))) static uint64_t row_avx512(const pc_fr_job_t *j, int y, int x, int n,
                                                               uint32_t *cnt, float *mag) {
    const __m512 bail = _mm512_set1_ps(PC_FR_BAILOUT), dx = _mm512_set1_ps(j->dx), x0 = _mm512_set1_ps(j->x0);
    const __m512 lane = _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i one = _mm512_set1_epi32(1);
    const float pyf = j->y0 + (float)y * j->dy;
    uint64_t total = 0;
    for (int base = 0; base < n; base += 4 * FR_V) {
        __m512 zx[4], zy[4], cx[4], cy[4], m[4];
        __m512i it[4];
        __mmask16 act[4], valid[4];
        for (int k = 0; k < 4; k++) {
            int off = base + k * FR_V, left = n - off;
            __m512 px = _mm512_add_ps(_mm512_mul_ps(_mm512_add_ps(_mm512_set1_ps((float)(x + off)), lane), dx), x0);
            valid[k] = left >= FR_V ? (__mmask16)0xFFFF : left <= 0 ? 0 : (__mmask16)((1u << left) - 1);
            act[k] = valid[k];
            if (j->julia) {
                zx[k] = px;
                zy[k] = _mm512_set1_ps(pyf);
                cx[k] = _mm512_set1_ps(j->jx);
                cy[k] = _mm512_set1_ps(j->jy);
            } else {
                zx[k] = zy[k] = _mm512_setzero_ps();
                cx[k] = px;
                cy[k] = _mm512_set1_ps(pyf);
            }
            m[k] = _mm512_setzero_ps();
            it[k] = _mm512_setzero_si512();
        }
        for (int i = 0; i < j->max_iter; i++) {
            for (int k = 0; k < 4; k++) {
                __m512 xx = _mm512_mul_ps(zx[k], zx[k]), yy = _mm512_mul_ps(zy[k], zy[k]);
                __m512 mg = _mm512_add_ps(xx, yy);
                __mmask16 esc = _mm512_mask_cmp_ps_mask(act[k], mg, bail, _CMP_GT_OQ);
                m[k] = _mm512_mask_mov_ps(m[k], esc, mg);
                act[k] = (__mmask16)(act[k] & ~esc);
                __m512 t = _mm512_mul_ps(zx[k], zy[k]);
                zy[k] = _mm512_add_ps(_mm512_add_ps(t, t), cy[k]);
                zx[k] = _mm512_add_ps(_mm512_sub_ps(xx, yy), cx[k]);
                it[k] = _mm512_mask_add_epi32(it[k], act[k], it[k], one);
            }
            if (!(act[0] | act[1] | act[2] | act[3])) break;
        }
        for (int k = 0; k < 4; k++) {
            int off = base + k * FR_V;
            if (off >= n) break;
            _mm512_mask_storeu_epi32(cnt + off, valid[k], it[k]);
            _mm512_mask_storeu_ps(mag + off, valid[k], m[k]);
            total += (uint64_t)(uint32_t)_mm512_mask_reduce_add_epi32(valid[k], it[k]);
        }
    }
    return total;
}
#endif

pc_fr_row_fn pc_fr_kernel(pc_fr_isa_t isa) {
    switch (isa) {
    case PC_FR_SCALAR: return row_scalar;
#if FR_X86
    case PC_FR_AVX2: return __builtin_cpu_supports("avx2") ? row_avx2 : NULL;
    case PC_FR_AVX512: return __builtin_cpu_supports("avx512f") ? row_avx512 : NULL;
#endif
    default: return NULL;
    }
}

pc_fr_isa_t pc_fr_best_isa(void) {
    if (pc_fr_kernel(PC_FR_AVX512)) return PC_FR_AVX512;
    if (pc_fr_kernel(PC_FR_AVX2)) return PC_FR_AVX2;
    return PC_FR_SCALAR;
}

const char *pc_fr_isa_name(pc_fr_isa_t isa) {
    return isa == PC_FR_AVX512 ? "avx512" : isa == PC_FR_AVX2 ? "avx2" : "scalar";
}
