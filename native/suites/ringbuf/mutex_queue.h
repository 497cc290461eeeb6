/* mutex_queue.h — the baseline: a bounded queue behind one mutex and two condition variables.
 *
 * This is the queue most people write first: every push and every pop takes the lock once,
 * a consumer that finds it empty sleeps on `not_empty`, a producer that finds it full
 * sleeps on `not_full`, and each side signals the other after its change. It is correct for
 * any number of threads; the suite uses one producer and one consumer, the same message
 * type and capacity as the ring, so the difference measured is the synchronization. */
#ifndef PC_MUTEX_QUEUE_H
#define PC_MUTEX_QUEUE_H

#include <pthread.h>
#include <stddef.h>

#include "rb_msg.h"

typedef struct pc_mq {
    pthread_mutex_t lock;
    pthread_cond_t not_empty;
    pthread_cond_t not_full;
    pc_rb_msg_t *slots; /* capacity messages, prefaulted */
    size_t capacity;
    size_t head;        /* next slot to write */
    size_t count;       /* messages in the queue */
    int closed;         /* no more pushes: pop drains what is left, then reports closed */
} pc_mq_t;

/* Sets up an empty queue of `capacity` messages (1 .. 2^30). Returns 0, PC_EINVAL or
 * PC_ENOMEM. Release with pc_mq_destroy. */
int pc_mq_init(pc_mq_t *q, size_t capacity);
/* Frees the queue; no thread may be inside it. Safe after a failed init. */
void pc_mq_destroy(pc_mq_t *q);

/* Copies *m in, sleeping while the queue is full. Returns 0, or PC_ESTATE once closed. */
int pc_mq_push(pc_mq_t *q, const pc_rb_msg_t *m);
/* Copies *m in if there is room. Returns 0, PC_EAGAIN when full, PC_ESTATE once closed. */
int pc_mq_try_push(pc_mq_t *q, const pc_rb_msg_t *m);
/* Copies the oldest message out, sleeping while the queue is empty. Returns 0, or
 * PC_ESTATE when the queue is closed and empty. */
int pc_mq_pop(pc_mq_t *q, pc_rb_msg_t *out);
/* Copies the oldest message out if any. Returns 0, PC_EAGAIN when empty (and open),
 * PC_ESTATE when closed and empty. */
int pc_mq_try_pop(pc_mq_t *q, pc_rb_msg_t *out);
/* Closes the queue: pushes fail from now on, sleepers wake, pops drain what is left. */
void pc_mq_close(pc_mq_t *q);
/* Messages in the queue now (a snapshot). */
size_t pc_mq_size(pc_mq_t *q);

#endif
