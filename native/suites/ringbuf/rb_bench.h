/* rb_bench.h — one measured phase of the ringbuf suite: a producer and a consumer thread
 * around one queue, started, sampled and stopped by the suite's run thread.
 *
 * The workers write only into preallocated structures: the consumer's message counter
 * (its own cache line, relaxed stores) and, in the latency phase, the caller's pc_chist_t.
 * The run thread reads those while the phase runs (pc_rb_phase_received, the histogram) and
 * turns them into records; the workers never call into the recorder, never allocate, never
 * make a system call on the measured path (the mutex queue's own futex calls excepted:
 * they are what it costs).
 *
 *   latency    `messages` messages, each stamped with the cycle counter just before it is
 *              sent; the consumer records now - stamp in ns. rate = 0: the producer waits
 *              until the consumer took the previous message (one in flight); rate > 0: it
 *              sends at that many messages per second by the cycle counter.
 *   throughput the producer sends as fast as it can, `batch` messages per push (the ring's
 *              push_n; the mutex queue takes its lock once per message, as usual code does),
 *              until pc_rb_phase_stop; the consumer pops in batches and checks that
 *              sequence numbers arrive in order, intact and without gaps. */
#ifndef PC_RB_BENCH_H
#define PC_RB_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "rb_msg.h"

typedef enum pc_rb_queue { PC_RB_SPSC = 0, PC_RB_MUTEX = 1 } pc_rb_queue_t;
typedef enum pc_rb_mode { PC_RB_LATENCY = 0, PC_RB_THROUGHPUT = 1 } pc_rb_mode_t;

#define PC_RB_MAX_BATCH 4096

typedef struct pc_rb_config {
    pc_rb_queue_t queue;
    pc_rb_mode_t mode;
    size_t capacity;    /* queue slots; a power of two (the ring needs one; same for both) */
    size_t batch;       /* throughput: messages per push/pop, 1 .. PC_RB_MAX_BATCH */
    uint64_t messages;  /* latency: messages to send */
    double rate;        /* latency: messages per second, 0 = one in flight */
    int pin;            /* pin producer and consumer to two different CPUs when there are two */
    pc_chist_t *hist;   /* latency: caller-owned, the consumer records one-way ns into it */
} pc_rb_config_t;

typedef struct pc_rb_result {
    uint64_t sent;             /* messages the producer put in */
    uint64_t received;         /* messages the consumer took out */
    uint64_t order_errors;     /* out of order, corrupt, or lost (sent - received) */
    uint64_t received_at_stop; /* consumer's count when pc_rb_phase_stop was called */
    uint64_t clamped;          /* latency samples recorded as 0: received "before" sent */
    double seconds;            /* go .. stop request (throughput) or go .. last message */
    int pinned;                /* both threads were pinned to different CPUs */
} pc_rb_result_t;

typedef struct pc_rb_phase pc_rb_phase_t;

/* Creates the queue (prefaulted) and both threads, which wait at a start gate. Returns 0,
 * PC_EINVAL (bad capacity/batch/messages, capacity not a power of two), or PC_ENOMEM (also
 * when a thread cannot start). On success *out is freed with pc_rb_phase_destroy. */
int pc_rb_phase_start(const pc_rb_config_t *cfg, pc_rb_phase_t **out);
/* Opens the gate: the clock of the phase starts now. */
void pc_rb_phase_go(pc_rb_phase_t *ph);
/* Messages the consumer has taken so far (any thread, lock-free). */
uint64_t pc_rb_phase_received(const pc_rb_phase_t *ph);
/* 1 once both workers have exited (latency: everything sent was received). */
int pc_rb_phase_finished(const pc_rb_phase_t *ph);
/* Asks the producer to stop sending, and notes the time and the consumer's count for the
 * throughput figure. Idempotent; the consumer then drains what is queued. */
void pc_rb_phase_stop(pc_rb_phase_t *ph);
/* Stops (if not yet), waits for both threads and fills *res. */
void pc_rb_phase_join(pc_rb_phase_t *ph, pc_rb_result_t *res);
/* Joins if needed and frees everything. NULL is fine. */
void pc_rb_phase_destroy(pc_rb_phase_t *ph);

/* 1 when there are two CPUs this process may run on (pinning possible). */
int pc_rb_can_pin(void);

/* The CPU the producer was pinned to, or -1 when the phase is not pinned. */
int pc_rb_phase_producer_cpu(const pc_rb_phase_t *ph);

#endif
