/* rb_msg.h — the ringbuf suite's message, its lock-free ring, and a histogram that a
 * measuring thread writes while the sampler reads it.
 *
 * Both queues carry the same 64-byte message, one cache line: sequence number, send time
 * and payload travel together, so in the latency phase exactly one line crosses cores per
 * message (the consumer spins on the slot's own `seq`, see spsc.h peek_next). */
#ifndef PC_RB_MSG_H
#define PC_RB_MSG_H

#include <stdatomic.h>
#include <stdint.h>

#include "hist.h"
#include "spsc.h"

typedef struct pc_rb_msg {
    /* 1, 2, 3, ... In the latency phase the producer stores it last, with release: it is the
     * slot's publication marker. Accessed with __atomic builtins there, plain otherwise. */
    _Alignas(PC_CACHE_LINE) uint64_t seq;
    uint64_t stamp;      /* producer's tick count at send (latency phase), 0 otherwise */
    uint64_t check;      /* ~seq: the consumer verifies it to catch torn or mixed copies */
    uint64_t payload[5]; /* fills the line: a realistic small message, copied every time */
} pc_rb_msg_t;

_Static_assert(sizeof(pc_rb_msg_t) == PC_CACHE_LINE, "a message is exactly one cache line");

PC_SPSC_DEFINE(pc_rb_ring, pc_rb_msg_t)

/* Fills m as message number seq (stamp 0). Cannot fail. */
static inline void pc_rb_msg_fill(pc_rb_msg_t *m, uint64_t seq) {
    m->seq = seq;
    m->stamp = 0;
    m->check = ~seq;
    for (int i = 0; i < 5; i++) m->payload[i] = seq + (uint64_t)i;
}

/* 1 when m is intact (check matches seq). */
static inline int pc_rb_msg_ok(const pc_rb_msg_t *m) { return m->check == ~m->seq; }

/* ---- a single-writer histogram the sampler reads concurrently ----
 *
 * Same bucket layout as shared/hist.h. The measuring thread is the only writer, so an
 * update is a relaxed load and a relaxed store (no locked instruction); the sampler reads
 * with relaxed loads and ships the difference from its last successful snapshot. A sample
 * may be seen in its bucket before its sum/min/max (or the reverse) for one interval:
 * deltas even out, and the last delta after the writer stopped is exact. */
typedef struct pc_rb_hist {
    _Atomic uint64_t counts[PC_HIST_BUCKETS];
    _Alignas(PC_CACHE_LINE) _Atomic uint64_t total;
    _Atomic uint64_t sum; /* nanoseconds */
    _Atomic uint64_t min; /* UINT64_MAX while empty */
    _Atomic uint64_t max;
} pc_rb_hist_t;

/* Empties h; not concurrently with its writer. Cannot fail. */
void pc_rb_hist_reset(pc_rb_hist_t *h);

#define PC_RB_RELAXED_ADD_(var, n) \
    atomic_store_explicit(&(var), atomic_load_explicit(&(var), memory_order_relaxed) + (n), memory_order_relaxed)

/* Records one value (writer thread only). Cannot fail. */
static inline void pc_rb_hist_record(pc_rb_hist_t *h, uint64_t v) {
    uint32_t i = pc_hist_index(v);
    PC_RB_RELAXED_ADD_(h->counts[i], 1);
    PC_RB_RELAXED_ADD_(h->total, 1);
    PC_RB_RELAXED_ADD_(h->sum, v);
    if (v < atomic_load_explicit(&h->min, memory_order_relaxed)) atomic_store_explicit(&h->min, v, memory_order_relaxed);
    if (v > atomic_load_explicit(&h->max, memory_order_relaxed)) atomic_store_explicit(&h->max, v, memory_order_relaxed);
}

/* Adds what h holds into a plain pc_hist_t (for summaries once the writer stopped). */
void pc_rb_hist_to_hist(const pc_rb_hist_t *h, pc_hist_t *out);

#endif
