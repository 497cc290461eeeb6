/* hist.h — log-linear (HDR-style) histogram of non-negative integer values (nanoseconds).
 *
 * Values below 2^PC_HIST_SUB_BITS get a bucket each; above, every power of two is split
 * into 2^(PC_HIST_SUB_BITS-1) equal buckets, so a bucket's width is at most 1/64 of its
 * value (relative error < 1.6%) over the whole uint64 range, in a fixed 3776-bucket array.
 * The index math is exposed so runners can keep their own concurrently readable counters
 * (native/) with the same layout and ship sparse deltas that pc_hist_add_bucket() applies. */
#ifndef PC_HIST_H
#define PC_HIST_H

#include <stddef.h>
#include <stdint.h>

#define PC_HIST_SUB_BITS 7
#define PC_HIST_HALF (1u << (PC_HIST_SUB_BITS - 1))
#define PC_HIST_BUCKETS ((64 - PC_HIST_SUB_BITS + 2) * PC_HIST_HALF)

typedef struct pc_hist {
    uint64_t counts[PC_HIST_BUCKETS];
    uint64_t total; /* sum of counts */
    uint64_t min;   /* smallest recorded value (UINT64_MAX when empty) */
    uint64_t max;   /* largest recorded value (0 when empty) */
    double sum;     /* sum of values, for the mean */
} pc_hist_t;

/* Bucket index of value v. Cannot fail. */
static inline uint32_t pc_hist_index(uint64_t v) {
    if (v < (2u * PC_HIST_HALF)) return (uint32_t)v;
    int msb = 63 - __builtin_clzll(v);
    int g = msb - (PC_HIST_SUB_BITS - 1);
    return (uint32_t)g * PC_HIST_HALF + (uint32_t)(v >> g);
}

/* Smallest value that falls in bucket idx. */
uint64_t pc_hist_bucket_low(uint32_t idx);
/* Largest value that falls in bucket idx. */
uint64_t pc_hist_bucket_high(uint32_t idx);

/* Empties h. Cannot fail. */
void pc_hist_reset(pc_hist_t *h);
/* Records `count` occurrences of v. Cannot fail. */
void pc_hist_record(pc_hist_t *h, uint64_t v, uint64_t count);
/* Adds count to bucket idx (a delta shipped from a runner); PC_EINVAL for a bad index.
 * Touches counts and total only: fold the delta's exact min/max/sum with pc_hist_merge_stats. */
int pc_hist_add_bucket(pc_hist_t *h, uint32_t idx, uint64_t count);
/* Folds a delta's exact min, max and sum of values into h. Cannot fail. */
void pc_hist_merge_stats(pc_hist_t *h, uint64_t min, uint64_t max, double sum);

/* Value at quantile q in [0,1] (0.5 = median, 0.999 = p99.9): the highest value of the
 * bucket holding the ceil(q*total)-th smallest sample, clamped to [min, max]; 0 if empty. */
uint64_t pc_hist_quantile(const pc_hist_t *h, double q);
/* Mean of recorded values; 0 if empty. */
double pc_hist_mean(const pc_hist_t *h);

#endif
