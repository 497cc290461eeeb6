/* rb_msg.h — the ringbuf suite's message and its lock-free ring. Latency goes into the
 * shared concurrently readable histogram (native/chist.h).
 *
 * Both queues carry the same 64-byte message, one cache line: sequence number, send time
 * and payload travel together, so in the latency phase exactly one line crosses cores per
 * message (the consumer spins on the slot's own `seq`, see spsc.h peek_next). */
#ifndef PC_RB_MSG_H
#define PC_RB_MSG_H

#include <stdint.h>

#include "chist.h"
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

#endif
