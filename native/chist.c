/* chist.c — the single-writer concurrent histogram's slow paths (see chist.h). */
#include "chist.h"

#include <stdlib.h>

pc_chist_t *pc_chist_create(void) {
    size_t size = (sizeof(pc_chist_t) + PC_CACHE_LINE - 1) & ~(size_t)(PC_CACHE_LINE - 1);
    pc_chist_t *h = aligned_alloc(PC_CACHE_LINE, size);
    if (h) pc_chist_reset(h);
    return h;
}

void pc_chist_free(pc_chist_t *h) { free(h); }

void pc_chist_reset(pc_chist_t *h) {
    /* writes every counter, which also faults every page in before a worker touches it */
    for (uint32_t i = 0; i < PC_HIST_BUCKETS; i++) atomic_store_explicit(&h->counts[i], 0, memory_order_relaxed);
    atomic_store(&h->total, 0);
    atomic_store(&h->sum, 0);
    atomic_store(&h->min, UINT64_MAX);
    atomic_store(&h->max, 0);
}

void pc_chist_to_hist(const pc_chist_t *h, pc_hist_t *out) {
    pc_chist_t *w = (pc_chist_t *)h; /* atomic loads take non-const pointers in C11 */
    uint64_t added = 0;
    for (uint32_t i = 0; i < PC_HIST_BUCKETS; i++) {
        uint64_t c = atomic_load_explicit(&w->counts[i], memory_order_relaxed);
        if (c) {
            pc_hist_add_bucket(out, i, c);
            added += c;
        }
    }
    if (added)
        pc_hist_merge_stats(out, atomic_load(&w->min), atomic_load(&w->max), (double)atomic_load(&w->sum));
}
