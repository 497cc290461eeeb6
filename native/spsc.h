/* spsc.h — a bounded lock-free single-producer/single-consumer ring, generated per type.
 *
 *   PC_SPSC_DEFINE(pc_ptrq, void *)     // pc_ptrq_t, pc_ptrq_init(), pc_ptrq_push(), ...
 *
 * One thread pushes, one thread pops; nothing else touches the ring while it is in use.
 * Capacity is a power of two so an index maps to a slot with a mask. The two indices are
 * free-running counters (they never wrap in practice: 2^64 messages) on separate cache
 * lines; each side also keeps a private copy of the other side's index ("cached opposite
 * index") and reloads the real one only when its copy says full (producer) or empty
 * (consumer), so in steady state each side reads the other's line once per lap, not once
 * per message. Publication uses release stores and acquire loads: the consumer that sees
 * head = h also sees every slot below h; the producer that sees tail = t may overwrite
 * every slot below t.
 *
 * Slot memory is mapped prefaulted at init (first touch costs ~11 us a page on our VMs),
 * so no page fault lands inside a measurement. The ring never allocates after init.
 *
 * Besides copy-in/copy-out (push, pop, push_n, pop_n) there is a zero-copy pair per side
 * (write_slot + publish, read_slot + release) and peek_next for element types that carry
 * their own publication marker: a consumer can then spin on the slot's own cache line, so
 * one line crosses cores per message instead of two (the index line and the slot line). */
#ifndef PC_SPSC_H
#define PC_SPSC_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "pc_error.h"

#define PC_CACHE_LINE 64
#define PC_SPSC_MAX_CAPACITY ((size_t)1 << 30)

/* Maps `bytes` of zeroed, prefaulted, page-aligned memory; NULL on failure. Free with
 * pc_spsc_unmap(p, bytes). Shared by every generated ring type. */
static inline void *pc_spsc_map(size_t bytes) {
#ifdef MAP_POPULATE
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE;
#else
    int flags = MAP_PRIVATE | MAP_ANONYMOUS;
#endif
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED) return NULL;
#ifndef MAP_POPULATE
    memset(p, 0, bytes); /* touch every page now, not inside a measurement */
#endif
    return p;
}

/* Unmaps memory from pc_spsc_map. NULL is fine. */
static inline void pc_spsc_unmap(void *p, size_t bytes) {
    if (p) munmap(p, bytes);
}

/* Generates the ring type prefix##_t and its static inline functions for elements of
 * `type` (copied by assignment/memcpy). Use once per prefix per translation unit. The
 * struct is cache-line aligned: embed it, declare it, or allocate it with
 * aligned_alloc(PC_CACHE_LINE, ...) so the indices really sit on separate lines. */
#define PC_SPSC_DEFINE(prefix, type)                                                           \
    typedef struct prefix##_s {                                                                \
        /* read-only after init: both sides read it, nobody writes it */                      \
        _Alignas(PC_CACHE_LINE) type *slots;                                                   \
        size_t mask;                                                                           \
        size_t map_bytes;                                                                      \
        /* written by the producer only */                                                     \
        _Alignas(PC_CACHE_LINE) _Atomic size_t head;                                           \
        /* producer-private: last tail it loaded */                                            \
        _Alignas(PC_CACHE_LINE) size_t cached_tail;                                            \
        /* written by the consumer only */                                                     \
        _Alignas(PC_CACHE_LINE) _Atomic size_t tail;                                           \
        /* consumer-private: last head it loaded */                                            \
        _Alignas(PC_CACHE_LINE) size_t cached_head;                                            \
    } prefix##_t;                                                                              \
                                                                                               \
    /* Sets up an empty ring of `capacity` slots (a power of two, 2 .. 2^30). Returns 0,     \
     * PC_EINVAL for a bad capacity or PC_ENOMEM. Release with prefix##_destroy. */           \
    static inline int prefix##_init(prefix##_t *q, size_t capacity) {                         \
        memset(q, 0, sizeof *q);                                                               \
        if (capacity < 2 || capacity > PC_SPSC_MAX_CAPACITY || (capacity & (capacity - 1)))    \
            return PC_EINVAL;                                                                  \
        q->map_bytes = capacity * sizeof(type);                                                \
        q->slots = (type *)pc_spsc_map(q->map_bytes);                                          \
        if (!q->slots) return PC_ENOMEM;                                                       \
        q->mask = capacity - 1;                                                                \
        return 0;                                                                              \
    }                                                                                          \
                                                                                               \
    /* Frees the slots; the ring must be idle. Safe on a zeroed or failed-init ring. */       \
    static inline void prefix##_destroy(prefix##_t *q) {                                       \
        pc_spsc_unmap(q->slots, q->map_bytes);                                                 \
        q->slots = NULL;                                                                       \
    }                                                                                          \
                                                                                               \
    /* Number of slots. */                                                                     \
    static inline size_t prefix##_capacity(const prefix##_t *q) { return q->mask + 1; }       \
                                                                                               \
    /* Messages in the ring right now as seen from any thread (a snapshot, may be stale). */  \
    static inline size_t prefix##_size(prefix##_t *q) {                                       \
        size_t t = atomic_load_explicit(&q->tail, memory_order_acquire);                       \
        size_t h = atomic_load_explicit(&q->head, memory_order_acquire);                       \
        return (ptrdiff_t)(h - t) > 0 ? h - t : 0;                                             \
    }                                                                                          \
                                                                                               \
    /* Producer: free slots, reloading tail only when the cached copy shows fewer than      \
     * `want`. */                                                                              \
    static inline size_t prefix##_free_(prefix##_t *q, size_t h, size_t want) {               \
        size_t cap = q->mask + 1;                                                              \
        ptrdiff_t used = (ptrdiff_t)(h - q->cached_tail);                                      \
        if (used < 0) used = 0; /* consumer ran ahead of head via peek_next */                \
        if (cap - (size_t)used >= want) return cap - (size_t)used;                             \
        q->cached_tail = atomic_load_explicit(&q->tail, memory_order_acquire);                 \
        used = (ptrdiff_t)(h - q->cached_tail);                                                \
        if (used < 0) used = 0;                                                                \
        return cap - (size_t)used;                                                             \
    }                                                                                          \
                                                                                               \
    /* Consumer: published messages, reloading head only when the cached copy shows fewer   \
     * than `want`. */                                                                         \
    static inline size_t prefix##_avail_(prefix##_t *q, size_t t, size_t want) {              \
        ptrdiff_t avail = (ptrdiff_t)(q->cached_head - t);                                     \
        if (avail > 0 && (size_t)avail >= want) return (size_t)avail;                          \
        q->cached_head = atomic_load_explicit(&q->head, memory_order_acquire);                 \
        avail = (ptrdiff_t)(q->cached_head - t);                                               \
        return avail > 0 ? (size_t)avail : 0;                                                  \
    }                                                                                          \
                                                                                               \
    /* Producer: copies *v in. Returns 0, or PC_EAGAIN when full (nothing written). */        \
    static inline int prefix##_push(prefix##_t *q, const type *v) {                            \
        size_t h = atomic_load_explicit(&q->head, memory_order_relaxed);                       \
        if (!prefix##_free_(q, h, 1)) return PC_EAGAIN;                                        \
        q->slots[h & q->mask] = *v;                                                            \
        atomic_store_explicit(&q->head, h + 1, memory_order_release);                          \
        return 0;                                                                              \
    }                                                                                          \
                                                                                               \
    /* Producer: copies up to n elements in with one publication. Returns how many went in  \
     * (0 when full; fewer than n when only that many slots were free). */                    \
    static inline size_t prefix##_push_n(prefix##_t *q, const type *v, size_t n) {             \
        size_t h = atomic_load_explicit(&q->head, memory_order_relaxed);                       \
        size_t free_ = prefix##_free_(q, h, n);                                                \
        if (n > free_) n = free_;                                                              \
        if (!n) return 0;                                                                      \
        size_t at = h & q->mask, first = q->mask + 1 - at;                                     \
        if (first > n) first = n;                                                              \
        memcpy(&q->slots[at], v, first * sizeof(type));                                        \
        if (n > first) memcpy(&q->slots[0], v + first, (n - first) * sizeof(type));            \
        atomic_store_explicit(&q->head, h + n, memory_order_release);                          \
        return n;                                                                              \
    }                                                                                          \
                                                                                               \
    /* Consumer: copies the oldest element to *out. Returns 0, or PC_EAGAIN when empty. */    \
    static inline int prefix##_pop(prefix##_t *q, type *out) {                                 \
        size_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);                       \
        if (!prefix##_avail_(q, t, 1)) return PC_EAGAIN;                                       \
        *out = q->slots[t & q->mask];                                                          \
        atomic_store_explicit(&q->tail, t + 1, memory_order_release);                          \
        return 0;                                                                              \
    }                                                                                          \
                                                                                               \
    /* Consumer: copies up to n of the oldest elements out, oldest first, with one release.  \
     * Returns how many (0 when empty). */                                                     \
    static inline size_t prefix##_pop_n(prefix##_t *q, type *out, size_t n) {                  \
        size_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);                       \
        size_t avail = prefix##_avail_(q, t, n);                                               \
        if (n > avail) n = avail;                                                              \
        if (!n) return 0;                                                                      \
        size_t at = t & q->mask, first = q->mask + 1 - at;                                     \
        if (first > n) first = n;                                                              \
        memcpy(out, &q->slots[at], first * sizeof(type));                                      \
        if (n > first) memcpy(out + first, &q->slots[0], (n - first) * sizeof(type));          \
        atomic_store_explicit(&q->tail, t + n, memory_order_release);                          \
        return n;                                                                              \
    }                                                                                          \
                                                                                               \
    /* Producer, zero-copy: the next free slot to fill in place, or NULL when full. Make it  \
     * visible with prefix##_publish. */                                                       \
    static inline type *prefix##_write_slot(prefix##_t *q) {                                  \
        size_t h = atomic_load_explicit(&q->head, memory_order_relaxed);                       \
        return prefix##_free_(q, h, 1) ? &q->slots[h & q->mask] : NULL;                        \
    }                                                                                          \
                                                                                               \
    /* Producer: publishes the slot returned by prefix##_write_slot. */                       \
    static inline void prefix##_publish(prefix##_t *q) {                                       \
        size_t h = atomic_load_explicit(&q->head, memory_order_relaxed);                       \
        atomic_store_explicit(&q->head, h + 1, memory_order_release);                          \
    }                                                                                          \
                                                                                               \
    /* Consumer, zero-copy: the oldest published slot, or NULL when empty. Valid until      \
     * prefix##_release. */                                                                    \
    static inline type *prefix##_read_slot(prefix##_t *q) {                                   \
        size_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);                       \
        return prefix##_avail_(q, t, 1) ? &q->slots[t & q->mask] : NULL;                       \
    }                                                                                          \
                                                                                               \
    /* Consumer: the slot it reads next, published or not. Only for element types with     \
     * their own publication marker (e.g. a sequence number the producer stores with         \
     * release after the payload; the consumer loads it with acquire until it matches).      \
     * Follow with prefix##_release once the marker matched. */                               \
    static inline type *prefix##_peek_next(prefix##_t *q) {                                   \
        size_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);                       \
        return &q->slots[t & q->mask];                                                         \
    }                                                                                          \
                                                                                               \
    /* Consumer: frees the slot from read_slot or peek_next for the producer to reuse. */     \
    static inline void prefix##_release(prefix##_t *q) {                                       \
        size_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);                       \
        atomic_store_explicit(&q->tail, t + 1, memory_order_release);                          \
    }

#endif
