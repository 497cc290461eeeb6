/* mutex_queue.c — the mutex + condition-variable bounded queue (see mutex_queue.h). */
#include "mutex_queue.h"

#include <string.h>

#include "pc_error.h"

int pc_mq_init(pc_mq_t *q, size_t capacity) {
    memset(q, 0, sizeof *q);
    if (capacity < 1 || capacity > PC_SPSC_MAX_CAPACITY) return PC_EINVAL;
    q->slots = pc_spsc_map(capacity * sizeof *q->slots);
    if (!q->slots) return PC_ENOMEM;
    q->capacity = capacity;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->not_empty, NULL);
    pthread_cond_init(&q->not_full, NULL);
    return 0;
}

void pc_mq_destroy(pc_mq_t *q) {
    if (!q->slots) return;
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->not_empty);
    pthread_cond_destroy(&q->not_full);
    pc_spsc_unmap(q->slots, q->capacity * sizeof *q->slots);
    q->slots = NULL;
}

/* With the lock held and room available: appends *m and wakes a sleeping consumer. */
static void put_locked(pc_mq_t *q, const pc_rb_msg_t *m) {
    q->slots[q->head] = *m;
    q->head = q->head + 1 == q->capacity ? 0 : q->head + 1;
    q->count++;
    pthread_cond_signal(&q->not_empty);
}

/* With the lock held and a message present: removes the oldest and wakes a sleeping producer. */
static void take_locked(pc_mq_t *q, pc_rb_msg_t *out) {
    size_t tail = q->head >= q->count ? q->head - q->count : q->head + q->capacity - q->count;
    *out = q->slots[tail];
    q->count--;
    pthread_cond_signal(&q->not_full);
}

int pc_mq_push(pc_mq_t *q, const pc_rb_msg_t *m) {
    pthread_mutex_lock(&q->lock);
    while (q->count == q->capacity && !q->closed) pthread_cond_wait(&q->not_full, &q->lock);
    int r = q->closed ? PC_ESTATE : 0;
    if (!r) put_locked(q, m);
    pthread_mutex_unlock(&q->lock);
    return r;
}

int pc_mq_try_push(pc_mq_t *q, const pc_rb_msg_t *m) {
    pthread_mutex_lock(&q->lock);
    int r = q->closed ? PC_ESTATE : q->count == q->capacity ? PC_EAGAIN : 0;
    if (!r) put_locked(q, m);
    pthread_mutex_unlock(&q->lock);
    return r;
}

int pc_mq_pop(pc_mq_t *q, pc_rb_msg_t *out) {
    pthread_mutex_lock(&q->lock);
    while (q->count == 0 && !q->closed) pthread_cond_wait(&q->not_empty, &q->lock);
    int r = q->count ? 0 : PC_ESTATE;
    if (!r) take_locked(q, out);
    pthread_mutex_unlock(&q->lock);
    return r;
}

int pc_mq_try_pop(pc_mq_t *q, pc_rb_msg_t *out) {
    pthread_mutex_lock(&q->lock);
    int r = q->count ? 0 : q->closed ? PC_ESTATE : PC_EAGAIN;
    if (!r) take_locked(q, out);
    pthread_mutex_unlock(&q->lock);
    return r;
}

void pc_mq_close(pc_mq_t *q) {
    pthread_mutex_lock(&q->lock);
    q->closed = 1;
    pthread_cond_broadcast(&q->not_empty);
    pthread_cond_broadcast(&q->not_full);
    pthread_mutex_unlock(&q->lock);
}

size_t pc_mq_size(pc_mq_t *q) {
    pthread_mutex_lock(&q->lock);
    size_t n = q->count;
    pthread_mutex_unlock(&q->lock);
    return n;
}
