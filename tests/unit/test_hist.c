/* Histogram: bucket layout, and percentiles against a sorted reference. */
#include <stdlib.h>
#include <string.h>

#include "hist.h"
#include "pc_test.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void) { /* xorshift64*: deterministic test data */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ull;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static void hist_index_should_be_monotonic_and_bounded(void) {
    uint32_t prev = 0;
    for (uint64_t v = 0; v < 1000000; v += 1 + v / 64) {
        uint32_t i = pc_hist_index(v);
        PC_CHECK(i >= prev);
        PC_CHECK(i < PC_HIST_BUCKETS);
        PC_CHECK(pc_hist_bucket_low(i) <= v && v <= pc_hist_bucket_high(i));
        prev = i;
    }
    PC_CHECK(pc_hist_index(UINT64_MAX) == PC_HIST_BUCKETS - 1);
    PC_CHECK(pc_hist_bucket_high(PC_HIST_BUCKETS - 1) == UINT64_MAX);
}

static void hist_buckets_should_tile_the_range_without_gaps(void) {
    for (uint32_t i = 0; i + 1 < PC_HIST_BUCKETS; i++)
        PC_CHECK_EQ_U64(pc_hist_bucket_high(i) + 1, pc_hist_bucket_low(i + 1));
}

static void hist_quantiles_should_match_sorted_reference(void) {
    enum { N = 200000 };
    uint64_t *vals = malloc(N * sizeof *vals);
    static pc_hist_t h;
    pc_hist_reset(&h);
    for (int i = 0; i < N; i++) {
        /* a long-tailed latency-like mix: mostly 100-400 ns, some µs, a few ms */
        uint64_t r = rng();
        uint64_t v = (r % 100 < 90) ? 100 + r % 300 : (r % 100 < 99) ? 1000 + r % 20000 : 1000000 + r % 4000000;
        vals[i] = v;
        pc_hist_record(&h, v, 1);
    }
    qsort(vals, N, sizeof *vals, cmp_u64);
    const double qs[] = {0.0, 0.01, 0.25, 0.5, 0.9, 0.99, 0.999, 0.9999, 1.0};
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        size_t rank = (size_t)(qs[k] * N + 0.999999999);
        if (rank < 1) rank = 1;
        uint64_t want = vals[rank - 1];
        uint64_t got = pc_hist_quantile(&h, qs[k]);
        /* the histogram answers with its bucket's upper bound: never below, at most 1/64 above */
        PC_CHECK(got >= want);
        PC_CHECK((double)(got - want) <= (double)want / 64.0 + 1.0);
    }
    PC_CHECK_EQ_U64(h.total, N);
    PC_CHECK_EQ_U64(h.min, vals[0]);
    PC_CHECK_EQ_U64(h.max, vals[N - 1]);
    free(vals);
}

static void hist_should_merge_deltas_like_direct_recording(void) {
    static pc_hist_t direct, merged, delta;
    pc_hist_reset(&direct);
    pc_hist_reset(&merged);
    for (int round = 0; round < 4; round++) {
        pc_hist_reset(&delta);
        for (int i = 0; i < 1000; i++) {
            uint64_t v = rng() % 100000;
            pc_hist_record(&direct, v, 1);
            pc_hist_record(&delta, v, 1);
        }
        for (uint32_t b = 0; b < PC_HIST_BUCKETS; b++)
            if (delta.counts[b]) PC_CHECK(pc_hist_add_bucket(&merged, b, delta.counts[b]) == 0);
        pc_hist_merge_stats(&merged, delta.min, delta.max, delta.sum);
    }
    PC_CHECK(memcmp(direct.counts, merged.counts, sizeof direct.counts) == 0);
    PC_CHECK_EQ_U64(direct.total, merged.total);
    PC_CHECK_EQ_U64(direct.min, merged.min);
    PC_CHECK_EQ_U64(direct.max, merged.max);
    PC_CHECK(direct.sum == merged.sum);
    PC_CHECK(pc_hist_add_bucket(&merged, PC_HIST_BUCKETS, 1) != 0);
}

static void hist_should_answer_zero_when_empty(void) {
    static pc_hist_t h;
    pc_hist_reset(&h);
    PC_CHECK_EQ_U64(pc_hist_quantile(&h, 0.5), 0);
    PC_CHECK(pc_hist_mean(&h) == 0.0);
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    PC_RUN(hist_index_should_be_monotonic_and_bounded);
    PC_RUN(hist_buckets_should_tile_the_range_without_gaps);
    PC_RUN(hist_quantiles_should_match_sorted_reference);
    PC_RUN(hist_should_merge_deltas_like_direct_recording);
    PC_RUN(hist_should_answer_zero_when_empty);
    return pc_test_done();
}
