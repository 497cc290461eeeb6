/* chist.h — a single-writer histogram that a sampler thread reads while it is written.
 *
 * Same bucket layout as shared/hist.h. The measuring thread is the only writer, so an
 * update is a relaxed load and a relaxed store (no locked instruction); the sampler reads
 * with relaxed loads and ships the difference from its last successful snapshot (see
 * sampler.h). A sample may be seen in its bucket before its sum/min/max (or the reverse)
 * for one interval: deltas even out, and the last delta after the writer stopped is exact.
 *
 * Used by every suite that measures latency on a worker thread (ringbuf, orderbook). */
#ifndef PC_CHIST_H
#define PC_CHIST_H

#include <stdatomic.h>
#include <stdint.h>

#include "hist.h"
#include "spsc.h" /* PC_CACHE_LINE */

typedef struct pc_chist {
    _Atomic uint64_t counts[PC_HIST_BUCKETS];
    _Alignas(PC_CACHE_LINE) _Atomic uint64_t total;
    _Atomic uint64_t sum; /* nanoseconds */
    _Atomic uint64_t min; /* UINT64_MAX while empty */
    _Atomic uint64_t max;
} pc_chist_t;

/* Allocates an empty, cache-line aligned histogram with every page touched; NULL when out
 * of memory. Free with pc_chist_free. */
pc_chist_t *pc_chist_create(void);
/* Frees a histogram from pc_chist_create; NULL is fine. */
void pc_chist_free(pc_chist_t *h);

/* Empties h; not concurrently with its writer. Cannot fail. */
void pc_chist_reset(pc_chist_t *h);

#define PC_CHIST_RELAXED_ADD_(var, n) \
    atomic_store_explicit(&(var), atomic_load_explicit(&(var), memory_order_relaxed) + (n), memory_order_relaxed)

/* Records one value (writer thread only). Cannot fail. */
static inline void pc_chist_record(pc_chist_t *h, uint64_t v) {
    uint32_t i = pc_hist_index(v);
    PC_CHIST_RELAXED_ADD_(h->counts[i], 1);
    PC_CHIST_RELAXED_ADD_(h->total, 1);
    PC_CHIST_RELAXED_ADD_(h->sum, v);
    if (v < atomic_load_explicit(&h->min, memory_order_relaxed)) atomic_store_explicit(&h->min, v, memory_order_relaxed);
    if (v > atomic_load_explicit(&h->max, memory_order_relaxed)) atomic_store_explicit(&h->max, v, memory_order_relaxed);
}

/* Samples recorded so far (any thread; a snapshot). */
static inline uint64_t pc_chist_total(const pc_chist_t *h) {
    return atomic_load_explicit(&((pc_chist_t *)h)->total, memory_order_relaxed);
}

/* Adds what h holds into a plain pc_hist_t (for summaries once the writer stopped). */
void pc_chist_to_hist(const pc_chist_t *h, pc_hist_t *out);

#endif
