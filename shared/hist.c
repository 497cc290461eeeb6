/* hist.c — log-linear histogram: bucket bounds, recording, delta merging, quantiles. */
#include "hist.h"

#include <string.h>

#include "pc_error.h"

uint64_t pc_hist_bucket_low(uint32_t idx) {
    if (idx < 2u * PC_HIST_HALF) return idx;
    uint32_t g = idx / PC_HIST_HALF - 1;
    uint64_t sub = idx - g * PC_HIST_HALF;
    return sub << g;
}

uint64_t pc_hist_bucket_high(uint32_t idx) {
    if (idx < 2u * PC_HIST_HALF) return idx;
    uint32_t g = idx / PC_HIST_HALF - 1;
    return pc_hist_bucket_low(idx) + ((uint64_t)1 << g) - 1;
}

void pc_hist_reset(pc_hist_t *h) {
    memset(h, 0, sizeof *h);
    h->min = UINT64_MAX;
}

void pc_hist_record(pc_hist_t *h, uint64_t v, uint64_t count) {
    if (!count) return;
    h->counts[pc_hist_index(v)] += count;
    h->total += count;
    if (v < h->min) h->min = v;
    if (v > h->max) h->max = v;
    h->sum += (double)v * (double)count;
}

int pc_hist_add_bucket(pc_hist_t *h, uint32_t idx, uint64_t count) {
    if (idx >= PC_HIST_BUCKETS) return PC_EINVAL;
    h->counts[idx] += count;
    h->total += count;
    return 0;
}

void pc_hist_merge_stats(pc_hist_t *h, uint64_t min, uint64_t max, double sum) {
    if (min < h->min) h->min = min;
    if (max > h->max) h->max = max;
    h->sum += sum;
}

uint64_t pc_hist_quantile(const pc_hist_t *h, double q) {
    if (!h->total) return 0;
    if (q < 0) q = 0;
    if (q > 1) q = 1;
    /* rank of the wanted sample, 1-based: ceil(q * total), at least 1 */
    double r = q * (double)h->total;
    uint64_t rank = (uint64_t)r;
    if ((double)rank < r) rank++;
    if (rank < 1) rank = 1;
    uint64_t seen = 0;
    for (uint32_t i = 0; i < PC_HIST_BUCKETS; i++) {
        seen += h->counts[i];
        if (seen >= rank) {
            uint64_t v = pc_hist_bucket_high(i);
            if (v > h->max) v = h->max;
            if (v < h->min) v = h->min;
            return v;
        }
    }
    return h->max;
}

double pc_hist_mean(const pc_hist_t *h) { return h->total ? h->sum / (double)h->total : 0.0; }
