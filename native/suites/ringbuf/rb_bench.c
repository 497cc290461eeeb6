/* rb_bench.c — producer/consumer threads for one ringbuf phase (see rb_bench.h). */
#include "rb_bench.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mutex_queue.h"
#include "pc_error.h"
#include "tsc.h"
#include "worker.h"

struct pc_rb_phase {
    pc_rb_ring_t ring; /* first: cache-line aligned inside an aligned phase */
    pc_mq_t mq;
    pc_rb_config_t cfg;
    pthread_t producer, consumer;
    int n_threads;
    int pinned;
    pc_rb_msg_t *prod_buf, *cons_buf; /* batch-sized staging, prefaulted */
    size_t buf_bytes;

    pthread_mutex_t gate_lock;
    pthread_cond_t gate_cond;
    int gate_open;
    int joined;
    uint64_t t_go, t_stop, received_at_stop;

    /* run thread -> producer */
    _Alignas(PC_CACHE_LINE) atomic_int stop;
    /* producer's results, published by producer_done (release) */
    _Alignas(PC_CACHE_LINE) atomic_int producer_done;
    _Atomic uint64_t sent;
    /* consumer's processed-message counter: its own line, read by the sampler and (one in
     * flight) by the producer */
    _Alignas(PC_CACHE_LINE) _Atomic uint64_t received;
    _Alignas(PC_CACHE_LINE) atomic_int consumer_done;
    uint64_t order_errors; /* consumer-private until join */
    uint64_t clamped;      /* consumer-private: samples whose stamp was after the receive time */
    int producer_cpu;      /* -1 when not pinned */
};

int pc_rb_phase_producer_cpu(const pc_rb_phase_t *ph) { return ph->pinned ? ph->producer_cpu : -1; }

int pc_rb_can_pin(void) { return pc_worker_can_pin(); }

/* ---- helpers shared by the workers ---- */

static void wait_gate(pc_rb_phase_t *ph) {
    pthread_mutex_lock(&ph->gate_lock);
    while (!ph->gate_open) pthread_cond_wait(&ph->gate_cond, &ph->gate_lock);
    pthread_mutex_unlock(&ph->gate_lock);
}

static inline int stopping(pc_rb_phase_t *ph) { return atomic_load_explicit(&ph->stop, memory_order_relaxed); }

static void producer_finish(pc_rb_phase_t *ph, uint64_t sent) {
    atomic_store_explicit(&ph->sent, sent, memory_order_relaxed);
    atomic_store_explicit(&ph->producer_done, 1, memory_order_release);
    if (ph->cfg.queue == PC_RB_MUTEX) pc_mq_close(&ph->mq); /* wakes a sleeping consumer */
}

static inline void count_received(pc_rb_phase_t *ph, uint64_t n) {
    atomic_store_explicit(&ph->received, n, memory_order_release);
}

/* Nanoseconds between a send stamp and now. A receive time before the stamp (cross-CPU TSC
 * offsets on some VMs) is recorded as 0 and counted in *clamped, which the summary reports:
 * silently dropping or wrapping such samples would hide a broken clock. */
static inline uint64_t one_way_ns(uint64_t stamp, uint64_t now, uint64_t *clamped) {
    if ((int64_t)(now - stamp) > 0) return pc_tsc_to_ns(now - stamp);
    ++*clamped;
    return 0;
}

/* Latency producer pacing: waits until message `seq` may go and sets *stamp to the time it
 * counts from. One in flight: the consumer has taken seq-1; the stamp is now (ordered after
 * that load). Paced: the deadline passed; the stamp is the deadline itself, the time the
 * message was scheduled, so a producer that falls behind (descheduled, ring full) shows up as
 * latency instead of silently sending later (no coordinated omission). Returns 0 when
 * stopped while waiting. */
static int pace(pc_rb_phase_t *ph, uint64_t seq, uint64_t *deadline, uint64_t interval, uint64_t *stamp) {
    unsigned spins = 0;
    if (interval == 0) {
        while (atomic_load_explicit(&ph->received, memory_order_acquire) < seq - 1) {
            if (stopping(ph)) return 0;
            pc_spin_wait(&spins);
        }
        *stamp = pc_tsc_now_ordered(); /* not hoisted above the load that let us go */
        return 1;
    }
    while ((int64_t)(pc_tsc_now() - *deadline) < 0) {
        if (stopping(ph)) return 0;
        pc_cpu_relax(); /* sub-microsecond gaps: no yield, the deadline is near */
    }
    *stamp = *deadline;
    *deadline += interval;
    return 1;
}

/* TSC ticks between paced sends (0: one in flight). */
static uint64_t pace_interval(const pc_rb_config_t *cfg) {
    if (cfg->rate <= 0) return 0;
    uint64_t interval = pc_tsc_from_ns((uint64_t)(1e9 / cfg->rate));
    return interval ? interval : 1;
}

/* ---- lock-free ring workers ---- */

static void spsc_latency_producer(pc_rb_phase_t *ph) {
    uint64_t interval = pace_interval(&ph->cfg);
    uint64_t deadline = pc_tsc_now(), seq, stamp;
    for (seq = 1; seq <= ph->cfg.messages && !stopping(ph); seq++) {
        if (!pace(ph, seq, &deadline, interval, &stamp)) break;
        pc_rb_msg_t *m;
        unsigned spins = 0;
        while (!(m = pc_rb_ring_write_slot(&ph->ring))) { /* paced faster than the consumer */
            if (stopping(ph)) goto out;
            pc_spin_wait(&spins);
        }
        m->stamp = stamp;
        m->check = ~seq;
        for (int i = 0; i < 5; i++) m->payload[i] = seq + (uint64_t)i;
        /* seq last, with release: the consumer spinning on this line sees a whole message */
        __atomic_store_n(&m->seq, seq, __ATOMIC_RELEASE);
        pc_rb_ring_publish(&ph->ring);
    }
out:
    producer_finish(ph, seq - 1);
}

static void spsc_latency_consumer(pc_rb_phase_t *ph) {
    pc_chist_t *h = ph->cfg.hist;
    uint64_t errors = 0, got = 0;
    for (uint64_t expect = 1; expect <= ph->cfg.messages; expect++) {
        /* spin on the slot itself: one cache line crosses per message, not index + slot */
        pc_rb_msg_t *m = pc_rb_ring_peek_next(&ph->ring);
        unsigned spins = 0;
        while (__atomic_load_n(&m->seq, __ATOMIC_ACQUIRE) != expect) {
            if ((spins & 1023) == 1023 && atomic_load_explicit(&ph->producer_done, memory_order_acquire) &&
                atomic_load_explicit(&ph->sent, memory_order_relaxed) < expect)
                goto out;
            pc_spin_wait(&spins);
        }
        uint64_t now = pc_tsc_now_ordered();
        uint64_t stamp = m->stamp;
        if (m->check != ~expect) errors++;
        pc_rb_ring_release(&ph->ring);
        if (h) pc_chist_record(h, one_way_ns(stamp, now, &ph->clamped));
        /* counted last: a one-in-flight producer sends the next message only once we are
         * back to waiting for it, so our bookkeeping never lands inside its latency */
        count_received(ph, ++got);
    }
out:
    ph->order_errors = errors;
}

static void spsc_throughput_producer(pc_rb_phase_t *ph) {
    size_t batch = ph->cfg.batch;
    pc_rb_msg_t *buf = ph->prod_buf;
    uint64_t seq = 1;
    while (!stopping(ph)) {
        for (size_t i = 0; i < batch; i++) pc_rb_msg_fill(&buf[i], seq + i);
        size_t done = 0;
        unsigned spins = 0;
        while (done < batch) {
            size_t n = pc_rb_ring_push_n(&ph->ring, buf + done, batch - done);
            if (n) {
                done += n;
                continue;
            }
            if (stopping(ph)) break;
            pc_spin_wait(&spins);
        }
        seq += done;
    }
    producer_finish(ph, seq - 1);
}

/* Checks a run of received messages against the expected sequence; returns errors found
 * and advances *expect past them (resynchronizing after a gap so one loss counts once). */
static uint64_t check_run(const pc_rb_msg_t *m, size_t n, uint64_t *expect) {
    uint64_t errors = 0, e = *expect;
    for (size_t i = 0; i < n; i++) {
        if (m[i].seq != e || !pc_rb_msg_ok(&m[i])) {
            errors++;
            e = m[i].seq + 1;
        } else {
            e++;
        }
    }
    *expect = e;
    return errors;
}

static void spsc_throughput_consumer(pc_rb_phase_t *ph) {
    size_t batch = ph->cfg.batch;
    pc_rb_msg_t *buf = ph->cons_buf;
    uint64_t expect = 1, got = 0, errors = 0;
    int done_seen = 0;
    unsigned spins = 0;
    for (;;) {
        size_t n = pc_rb_ring_pop_n(&ph->ring, buf, batch);
        if (!n) {
            if (done_seen) break; /* empty after the producer's last publication: drained */
            done_seen = atomic_load_explicit(&ph->producer_done, memory_order_acquire);
            if (!done_seen) pc_spin_wait(&spins);
            continue;
        }
        spins = 0;
        errors += check_run(buf, n, &expect);
        got += n;
        count_received(ph, got);
    }
    ph->order_errors = errors;
}

/* ---- mutex queue workers ---- */

static void mutex_latency_producer(pc_rb_phase_t *ph) {
    uint64_t interval = pace_interval(&ph->cfg);
    uint64_t deadline = pc_tsc_now(), seq, stamp;
    pc_rb_msg_t m;
    for (seq = 1; seq <= ph->cfg.messages && !stopping(ph); seq++) {
        if (!pace(ph, seq, &deadline, interval, &stamp)) break;
        pc_rb_msg_fill(&m, seq);
        m.stamp = stamp;
        if (pc_mq_push(&ph->mq, &m) != 0) break;
    }
    producer_finish(ph, seq - 1);
}

static void mutex_latency_consumer(pc_rb_phase_t *ph) {
    pc_chist_t *h = ph->cfg.hist;
    uint64_t expect = 1, got = 0, errors = 0;
    pc_rb_msg_t m;
    while (pc_mq_pop(&ph->mq, &m) == 0) {
        uint64_t now = pc_tsc_now_ordered();
        errors += check_run(&m, 1, &expect);
        if (h) pc_chist_record(h, one_way_ns(m.stamp, now, &ph->clamped));
        count_received(ph, ++got); /* last, as above: the next message finds us in pop */
    }
    ph->order_errors = errors;
}

static void mutex_throughput_producer(pc_rb_phase_t *ph) {
    size_t batch = ph->cfg.batch;
    uint64_t seq = 1;
    pc_rb_msg_t m;
    while (!stopping(ph)) {
        /* the batch only sets how often we look at the stop flag: one lock per message */
        for (size_t i = 0; i < batch; i++, seq++) {
            pc_rb_msg_fill(&m, seq);
            if (pc_mq_push(&ph->mq, &m) != 0) goto out;
        }
    }
out:
    producer_finish(ph, seq - 1);
}

static void mutex_throughput_consumer(pc_rb_phase_t *ph) {
    uint64_t expect = 1, got = 0, errors = 0;
    pc_rb_msg_t m;
    while (pc_mq_pop(&ph->mq, &m) == 0) {
        errors += check_run(&m, 1, &expect);
        count_received(ph, ++got);
    }
    ph->order_errors = errors;
}

/* ---- threads ---- */

static void *producer_main(void *arg) {
    pc_rb_phase_t *ph = arg;
    wait_gate(ph);
    if (ph->cfg.queue == PC_RB_SPSC) {
        if (ph->cfg.mode == PC_RB_LATENCY) spsc_latency_producer(ph);
        else spsc_throughput_producer(ph);
    } else {
        if (ph->cfg.mode == PC_RB_LATENCY) mutex_latency_producer(ph);
        else mutex_throughput_producer(ph);
    }
    return NULL;
}

static void *consumer_main(void *arg) {
    pc_rb_phase_t *ph = arg;
    wait_gate(ph);
    if (ph->cfg.queue == PC_RB_SPSC) {
        if (ph->cfg.mode == PC_RB_LATENCY) spsc_latency_consumer(ph);
        else spsc_throughput_consumer(ph);
    } else {
        if (ph->cfg.mode == PC_RB_LATENCY) mutex_latency_consumer(ph);
        else mutex_throughput_consumer(ph);
    }
    atomic_store_explicit(&ph->consumer_done, 1, memory_order_release);
    return NULL;
}

int pc_rb_phase_start(const pc_rb_config_t *cfg, pc_rb_phase_t **out) {
    *out = NULL;
    size_t cap = cfg->capacity;
    if (cap < 2 || cap > PC_SPSC_MAX_CAPACITY || (cap & (cap - 1))) return PC_EINVAL;
    if (cfg->batch < 1 || cfg->batch > PC_RB_MAX_BATCH) return PC_EINVAL;
    if (cfg->mode == PC_RB_LATENCY && (cfg->messages < 1 || cfg->rate < 0)) return PC_EINVAL;
    pc_tsc_init();

    size_t size = (sizeof(pc_rb_phase_t) + PC_CACHE_LINE - 1) / PC_CACHE_LINE * PC_CACHE_LINE;
    pc_rb_phase_t *ph = aligned_alloc(PC_CACHE_LINE, size);
    if (!ph) return PC_ENOMEM;
    memset(ph, 0, sizeof *ph);
    ph->cfg = *cfg;
    ph->joined = 1; /* nothing to join until threads exist */
    pthread_mutex_init(&ph->gate_lock, NULL);
    pthread_cond_init(&ph->gate_cond, NULL);
    int r = cfg->queue == PC_RB_SPSC ? pc_rb_ring_init(&ph->ring, cap) : pc_mq_init(&ph->mq, cap);
    if (r) goto fail;
    ph->buf_bytes = (cfg->batch * sizeof(pc_rb_msg_t) + 4095) & ~(size_t)4095;
    ph->prod_buf = pc_spsc_map(ph->buf_bytes);
    ph->cons_buf = pc_spsc_map(ph->buf_bytes);
    if (!ph->prod_buf || !ph->cons_buf) {
        r = PC_ENOMEM;
        goto fail;
    }

    int cpus[2] = {-1, -1};
    ph->pinned = cfg->pin && pc_worker_pick_cpus(cpus) == 2;
    if (!ph->pinned) cpus[0] = cpus[1] = -1;
    ph->producer_cpu = cpus[0];
    if (pc_worker_spawn(&ph->consumer, consumer_main, ph, cpus[1], &ph->pinned) != 0) {
        r = PC_ENOMEM;
        goto fail;
    }
    ph->n_threads = 1;
    ph->joined = 0;
    if (pc_worker_spawn(&ph->producer, producer_main, ph, cpus[0], &ph->pinned) != 0) {
        /* release the consumer: it finds the producer done and nothing sent */
        producer_finish(ph, 0);
        pc_rb_phase_go(ph);
        pthread_join(ph->consumer, NULL);
        ph->joined = 1;
        r = PC_ENOMEM;
        goto fail;
    }
    ph->n_threads = 2;
    *out = ph;
    return 0;
fail:
    pc_rb_phase_destroy(ph);
    return r;
}

void pc_rb_phase_go(pc_rb_phase_t *ph) {
    pthread_mutex_lock(&ph->gate_lock);
    ph->t_go = pc_clock_ns();
    ph->gate_open = 1;
    pthread_cond_broadcast(&ph->gate_cond);
    pthread_mutex_unlock(&ph->gate_lock);
}

uint64_t pc_rb_phase_received(const pc_rb_phase_t *ph) {
    return atomic_load_explicit(&((pc_rb_phase_t *)ph)->received, memory_order_relaxed);
}

int pc_rb_phase_finished(const pc_rb_phase_t *ph) {
    pc_rb_phase_t *p = (pc_rb_phase_t *)ph;
    return atomic_load_explicit(&p->producer_done, memory_order_acquire) &&
           atomic_load_explicit(&p->consumer_done, memory_order_acquire);
}

void pc_rb_phase_stop(pc_rb_phase_t *ph) {
    if (atomic_load(&ph->stop)) return;
    ph->received_at_stop = pc_rb_phase_received(ph);
    ph->t_stop = pc_clock_ns();
    atomic_store(&ph->stop, 1);
    if (!ph->gate_open) pc_rb_phase_go(ph); /* stopped before it began: let the threads exit */
}

void pc_rb_phase_join(pc_rb_phase_t *ph, pc_rb_result_t *res) {
    if (!ph->joined) {
        /* a latency phase that completed is not "stopped": its clock ends at the last message */
        int completed = pc_rb_phase_finished(ph);
        if (!completed) pc_rb_phase_stop(ph);
        pthread_join(ph->producer, NULL);
        pthread_join(ph->consumer, NULL);
        ph->joined = 1;
        if (completed && !ph->t_stop) {
            ph->t_stop = pc_clock_ns();
            ph->received_at_stop = pc_rb_phase_received(ph);
        }
    }
    if (!res) return;
    memset(res, 0, sizeof *res);
    res->sent = atomic_load(&ph->sent);
    res->received = atomic_load(&ph->received);
    res->order_errors = ph->order_errors + (res->sent > res->received ? res->sent - res->received
                                                                        : res->received - res->sent);
    res->received_at_stop = ph->received_at_stop;
    res->clamped = ph->clamped;
    res->seconds = ph->t_stop > ph->t_go ? (double)(ph->t_stop - ph->t_go) * 1e-9 : 0;
    res->pinned = ph->pinned;
}

void pc_rb_phase_destroy(pc_rb_phase_t *ph) {
    if (!ph) return;
    if (!ph->joined) pc_rb_phase_join(ph, NULL);
    pc_rb_ring_destroy(&ph->ring);
    pc_mq_destroy(&ph->mq);
    pc_spsc_unmap(ph->prod_buf, ph->buf_bytes);
    pc_spsc_unmap(ph->cons_buf, ph->buf_bytes);
    pthread_mutex_destroy(&ph->gate_lock);
    pthread_cond_destroy(&ph->gate_cond);
    free(ph);
}
