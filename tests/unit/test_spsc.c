/* test_spsc.c — the lock-free ring, the mutex queue, the cycle counter, the ringbuf phases
 * and the ringbuf suite end to end (run -> result file -> model). */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include "model.h"
#include "pc_test.h"
#include "pc_test_run.h"
#include "run.h"
#include "spsc.h"
#include "suite.h"
#include "suites/ringbuf/mutex_queue.h"
#include "suites/ringbuf/rb_bench.h"
#include "tsc.h"

PC_SPSC_DEFINE(u64q, uint64_t)
typedef void *voidp;
PC_SPSC_DEFINE(ptrq, voidp)

/* ---- ring, one thread ---- */

static void spsc_should_reject_capacities_that_are_not_powers_of_two(void) {
    u64q_t q;
    PC_CHECK(u64q_init(&q, 0) == PC_EINVAL);
    PC_CHECK(u64q_init(&q, 1) == PC_EINVAL);
    PC_CHECK(u64q_init(&q, 3) == PC_EINVAL);
    PC_CHECK(u64q_init(&q, 1000) == PC_EINVAL);
    PC_CHECK(u64q_init(&q, PC_SPSC_MAX_CAPACITY * 2) == PC_EINVAL);
    u64q_destroy(&q); /* safe after a failed init */
    PC_CHECK(u64q_init(&q, 1024) == 0);
    PC_CHECK_EQ_U64(u64q_capacity(&q), 1024);
    u64q_destroy(&q);
}

static void spsc_should_report_full_and_empty(void) {
    u64q_t q;
    PC_CHECK(u64q_init(&q, 4) == 0);
    uint64_t v = 0;
    PC_CHECK(u64q_pop(&q, &v) == PC_EAGAIN);
    for (uint64_t i = 1; i <= 4; i++) PC_CHECK(u64q_push(&q, &i) == 0);
    uint64_t five = 5;
    PC_CHECK(u64q_push(&q, &five) == PC_EAGAIN);
    PC_CHECK(u64q_write_slot(&q) == NULL);
    PC_CHECK_EQ_U64(u64q_size(&q), 4);
    for (uint64_t i = 1; i <= 4; i++) {
        PC_CHECK(u64q_pop(&q, &v) == 0);
        PC_CHECK_EQ_U64(v, i);
    }
    PC_CHECK(u64q_pop(&q, &v) == PC_EAGAIN);
    PC_CHECK(u64q_read_slot(&q) == NULL);
    PC_CHECK_EQ_U64(u64q_size(&q), 0);
    u64q_destroy(&q);
}

static void spsc_should_wrap_around_at_small_capacity(void) {
    u64q_t q;
    PC_CHECK(u64q_init(&q, 2) == 0);
    uint64_t next_in = 1, next_out = 1;
    /* indices run far past the capacity; every pattern of fill levels 0..2 occurs */
    for (int round = 0; round < 100000; round++) {
        int k = 1 + round % 2;
        for (int i = 0; i < k; i++) {
            PC_CHECK(u64q_push(&q, &next_in) == 0);
            next_in++;
        }
        for (int i = 0; i < k; i++) {
            uint64_t v;
            PC_CHECK(u64q_pop(&q, &v) == 0);
            PC_CHECK_EQ_U64(v, next_out);
            next_out++;
        }
    }
    PC_CHECK_EQ_U64(next_in, next_out);
    u64q_destroy(&q);
}

static void spsc_should_push_and_pop_partial_batches(void) {
    u64q_t q;
    PC_CHECK(u64q_init(&q, 8) == 0);
    uint64_t in[12], out[12] = {0};
    for (int i = 0; i < 12; i++) in[i] = (uint64_t)i + 1;
    PC_CHECK_EQ_U64(u64q_push_n(&q, in, 5), 5);     /* slots 0..4 */
    PC_CHECK_EQ_U64(u64q_pop_n(&q, out, 3), 3);     /* frees slots 0..2 */
    PC_CHECK_EQ_U64(out[0], 1);
    PC_CHECK_EQ_U64(out[2], 3);
    PC_CHECK_EQ_U64(u64q_push_n(&q, in + 5, 5), 5); /* slots 5,6,7 then wraps to 0,1 */
    PC_CHECK_EQ_U64(u64q_push_n(&q, in + 10, 2), 1); /* one slot left: a partial push */
    PC_CHECK_EQ_U64(u64q_push_n(&q, in + 11, 1), 0);
    PC_CHECK_EQ_U64(u64q_pop_n(&q, out, 12), 8);    /* slots 3..7 then wraps to 0..2 */
    for (int i = 0; i < 8; i++) PC_CHECK_EQ_U64(out[i], (uint64_t)i + 4);
    PC_CHECK_EQ_U64(u64q_pop_n(&q, out, 12), 0);
    u64q_destroy(&q);
}

static void spsc_should_hand_over_slots_in_place(void) {
    u64q_t q;
    PC_CHECK(u64q_init(&q, 4) == 0);
    for (uint64_t i = 1; i <= 10; i++) {
        uint64_t *w = u64q_write_slot(&q);
        PC_CHECK(w != NULL);
        *w = i * 7;
        PC_CHECK(u64q_peek_next(&q) == w); /* the consumer's next slot is the one just filled */
        u64q_publish(&q);
        uint64_t *r = u64q_read_slot(&q);
        PC_CHECK(r == w);
        PC_CHECK_EQ_U64(*r, i * 7);
        u64q_release(&q);
        PC_CHECK(u64q_read_slot(&q) == NULL);
    }
    u64q_destroy(&q);
}

static void spsc_should_carry_pointers(void) {
    ptrq_t q;
    PC_CHECK(ptrq_init(&q, 4) == 0);
    int a, b;
    voidp pa = &a, pb = &b, got = NULL;
    PC_CHECK(ptrq_push(&q, &pa) == 0);
    PC_CHECK(ptrq_push(&q, &pb) == 0);
    PC_CHECK(ptrq_pop(&q, &got) == 0 && got == &a);
    PC_CHECK(ptrq_pop(&q, &got) == 0 && got == &b);
    ptrq_destroy(&q);
}

/* ---- ring, two threads ---- */

#define CROSS_N 3000000u

typedef struct {
    u64q_t *q;
    int batched;
} cross_arg_t;

static void spin(unsigned *n) {
    if (++*n > 64) { /* the test host may have fewer cores than threads: give the CPU away */
        sched_yield();
        *n = 0;
    }
}

static void *cross_producer(void *arg) {
    cross_arg_t *a = arg;
    uint64_t next = 1, buf[37];
    unsigned spins = 0;
    while (next <= CROSS_N) {
        if (a->batched) {
            size_t want = 1 + next % 37; /* varying batch sizes, many partial pushes */
            if (want > CROSS_N - next + 1) want = CROSS_N - next + 1;
            for (size_t i = 0; i < want; i++) buf[i] = next + i;
            size_t n = u64q_push_n(a->q, buf, want);
            next += n;
            if (!n) spin(&spins);
        } else if (u64q_push(a->q, &next) == 0) {
            next++;
        } else {
            spin(&spins);
        }
    }
    return NULL;
}

/* Consumes CROSS_N values; returns how many arrived out of order (0 expected). */
static uint64_t cross_consume(u64q_t *q, int batched) {
    uint64_t expect = 1, bad = 0, buf[53];
    unsigned spins = 0;
    while (expect <= CROSS_N) {
        size_t n = batched ? u64q_pop_n(q, buf, 1 + expect % 53) : (u64q_pop(q, buf) == 0);
        if (!n) spin(&spins);
        for (size_t i = 0; i < n; i++, expect++) bad += buf[i] != expect;
    }
    return bad;
}

static void run_cross(int batched) {
    u64q_t *q = aligned_alloc(PC_CACHE_LINE, sizeof(u64q_t));
    PC_CHECK(q && u64q_init(q, 64) == 0);
    cross_arg_t a = {q, batched};
    pthread_t t;
    PC_CHECK(pthread_create(&t, NULL, cross_producer, &a) == 0);
    uint64_t bad = cross_consume(q, batched);
    pthread_join(t, NULL);
    uint64_t extra;
    int leftover = u64q_pop(q, &extra) == 0;
    u64q_destroy(q);
    free(q);
    PC_CHECK_EQ_U64(bad, 0);
    PC_CHECK(!leftover);
}

static void spsc_should_keep_order_across_threads(void) { run_cross(0); }
static void spsc_should_keep_order_across_threads_in_batches(void) { run_cross(1); }

/* ---- mutex queue ---- */

static void mq_should_report_full_and_empty(void) {
    pc_mq_t q;
    PC_CHECK(pc_mq_init(&q, 0) == PC_EINVAL);
    PC_CHECK(pc_mq_init(&q, 3) == 0);
    pc_rb_msg_t m, out;
    PC_CHECK(pc_mq_try_pop(&q, &out) == PC_EAGAIN);
    for (uint64_t i = 1; i <= 3; i++) {
        pc_rb_msg_fill(&m, i);
        PC_CHECK(pc_mq_try_push(&q, &m) == 0);
    }
    PC_CHECK(pc_mq_try_push(&q, &m) == PC_EAGAIN);
    PC_CHECK_EQ_U64(pc_mq_size(&q), 3);
    for (uint64_t i = 1; i <= 3; i++) {
        PC_CHECK(pc_mq_try_pop(&q, &out) == 0);
        PC_CHECK_EQ_U64(out.seq, i);
        PC_CHECK(pc_rb_msg_ok(&out));
    }
    PC_CHECK(pc_mq_try_pop(&q, &out) == PC_EAGAIN);
    pc_mq_destroy(&q);
}

static void mq_should_wrap_around_at_small_capacity(void) {
    pc_mq_t q;
    PC_CHECK(pc_mq_init(&q, 3) == 0);
    uint64_t in = 1, out_seq = 1;
    pc_rb_msg_t m;
    for (int round = 0; round < 20000; round++) {
        int k = 1 + round % 3;
        for (int i = 0; i < k; i++, in++) {
            pc_rb_msg_fill(&m, in);
            PC_CHECK(pc_mq_try_push(&q, &m) == 0);
        }
        for (int i = 0; i < k; i++, out_seq++) {
            PC_CHECK(pc_mq_try_pop(&q, &m) == 0);
            PC_CHECK_EQ_U64(m.seq, out_seq);
        }
    }
    pc_mq_destroy(&q);
}

static void mq_should_drain_then_report_closed(void) {
    pc_mq_t q;
    PC_CHECK(pc_mq_init(&q, 4) == 0);
    pc_rb_msg_t m;
    pc_rb_msg_fill(&m, 1);
    PC_CHECK(pc_mq_push(&q, &m) == 0);
    pc_mq_close(&q);
    PC_CHECK(pc_mq_push(&q, &m) == PC_ESTATE);
    PC_CHECK(pc_mq_pop(&q, &m) == 0);
    PC_CHECK_EQ_U64(m.seq, 1);
    PC_CHECK(pc_mq_pop(&q, &m) == PC_ESTATE); /* closed and empty: does not sleep */
    PC_CHECK(pc_mq_try_pop(&q, &m) == PC_ESTATE);
    pc_mq_destroy(&q);
}

#define MQ_CROSS_N 400000u

static void *mq_producer(void *arg) {
    pc_mq_t *q = arg;
    pc_rb_msg_t m;
    for (uint64_t i = 1; i <= MQ_CROSS_N; i++) {
        pc_rb_msg_fill(&m, i);
        if (pc_mq_push(q, &m) != 0) break;
    }
    pc_mq_close(q);
    return NULL;
}

static void mq_should_keep_order_across_threads(void) {
    pc_mq_t q;
    PC_CHECK(pc_mq_init(&q, 16) == 0);
    pthread_t t;
    PC_CHECK(pthread_create(&t, NULL, mq_producer, &q) == 0);
    uint64_t expect = 1, bad = 0;
    pc_rb_msg_t m;
    while (pc_mq_pop(&q, &m) == 0) {
        bad += m.seq != expect || !pc_rb_msg_ok(&m);
        expect++;
    }
    pthread_join(t, NULL);
    pc_mq_destroy(&q);
    PC_CHECK_EQ_U64(bad, 0);
    PC_CHECK_EQ_U64(expect - 1, MQ_CROSS_N);
}

/* ---- cycle counter ---- */

static void tsc_should_never_go_backwards(void) {
    pc_tsc_init();
    uint64_t prev = pc_tsc_now(), back = 0;
    for (int i = 0; i < 200000; i++) {
        uint64_t t = i & 1 ? pc_tsc_now() : pc_tsc_now_ordered();
        back += t < prev;
        prev = t;
    }
    PC_CHECK_EQ_U64(back, 0);
}

static void tsc_should_calibrate_within_sane_bounds(void) {
    pc_tsc_init();
    double ghz = pc_tsc_ghz();
    if (pc_tsc_g.use_rdtsc) {
        PC_CHECK(ghz > 0.1 && ghz < 10);
        PC_CHECK(pc_tsc_invariant());
        PC_CHECK_EQ_STR(pc_tsc_source(), "rdtsc");
    } else {
        PC_CHECK(ghz == 1.0);
        PC_CHECK_EQ_STR(pc_tsc_source(), "clock_gettime");
    }
    /* the same interval measured by both clocks agrees (calibration, not speed) */
    uint64_t c0 = pc_clock_ns(), t0 = pc_tsc_now();
    usleep(30000);
    uint64_t t1 = pc_tsc_now(), c1 = pc_clock_ns();
    double ratio = (double)pc_tsc_to_ns(t1 - t0) / (double)(c1 - c0);
    PC_CHECK(ratio > 0.9 && ratio < 1.1);
    /* and the conversions invert each other */
    uint64_t ns = 123456789;
    uint64_t back = pc_tsc_to_ns(pc_tsc_from_ns(ns));
    PC_CHECK(back > ns - ns / 1000 && back < ns + ns / 1000);
    pc_tsc_cal_t again;
    if (pc_tsc_calibrate(&again, 20) == 0) PC_CHECK(again.ghz > ghz * 0.95 && again.ghz < ghz * 1.05);
}

/* ---- ringbuf phases (rb_bench.c) ---- */

static pc_chist_t *new_rb_hist(void) { return pc_chist_create(); }

static void latency_phase(pc_rb_queue_t queue, double rate) {
    pc_chist_t *h = new_rb_hist();
    PC_CHECK(h);
    pc_rb_config_t cfg = {.queue = queue, .mode = PC_RB_LATENCY, .capacity = 16, .batch = 1,
                          .messages = 3000, .rate = rate, .pin = 1, .hist = h};
    pc_rb_phase_t *ph;
    PC_CHECK(pc_rb_phase_start(&cfg, &ph) == 0);
    pc_rb_phase_go(ph);
    pc_rb_result_t res;
    while (!pc_rb_phase_finished(ph)) usleep(1000);
    pc_rb_phase_join(ph, &res);
    pc_rb_phase_destroy(ph);
    uint64_t total = atomic_load(&h->total);
    uint64_t mn = atomic_load(&h->min), mx = atomic_load(&h->max);
    pc_chist_free(h);
    PC_CHECK_EQ_U64(res.sent, 3000);
    PC_CHECK_EQ_U64(res.received, 3000);
    PC_CHECK_EQ_U64(res.order_errors, 0);
    PC_CHECK_EQ_U64(total, 3000);
    PC_CHECK(mn <= mx && mx > 0);
}

static void rb_latency_should_record_every_spsc_message(void) { latency_phase(PC_RB_SPSC, 0); }
static void rb_latency_should_record_every_mutex_message(void) { latency_phase(PC_RB_MUTEX, 0); }
static void rb_latency_should_record_every_paced_message(void) { latency_phase(PC_RB_SPSC, 200000); }

static void throughput_phase(pc_rb_queue_t queue, size_t batch) {
    pc_rb_config_t cfg = {.queue = queue, .mode = PC_RB_THROUGHPUT, .capacity = 64, .batch = batch, .pin = 1};
    pc_rb_phase_t *ph;
    PC_CHECK(pc_rb_phase_start(&cfg, &ph) == 0);
    pc_rb_phase_go(ph);
    usleep(50000);
    pc_rb_phase_stop(ph);
    pc_rb_result_t res;
    pc_rb_phase_join(ph, &res);
    pc_rb_phase_destroy(ph);
    PC_CHECK(res.sent > 0);
    PC_CHECK_EQ_U64(res.received, res.sent); /* drained after the stop */
    PC_CHECK_EQ_U64(res.order_errors, 0);
    PC_CHECK(res.received_at_stop <= res.received);
    PC_CHECK(res.seconds > 0.04);
    PC_CHECK(res.pinned == pc_rb_can_pin());
}

static void rb_throughput_should_deliver_batches_in_order(void) { throughput_phase(PC_RB_SPSC, 100); }
static void rb_throughput_should_deliver_unbatched_in_order(void) { throughput_phase(PC_RB_SPSC, 1); }
static void rb_throughput_should_deliver_mutex_messages_in_order(void) { throughput_phase(PC_RB_MUTEX, 64); }

static void rb_phase_should_stop_early_when_asked(void) {
    pc_chist_t *h = new_rb_hist();
    PC_CHECK(h);
    pc_rb_config_t cfg = {.queue = PC_RB_MUTEX, .mode = PC_RB_LATENCY, .capacity = 8, .batch = 1,
                          .messages = 1000000000, .pin = 0, .hist = h};
    pc_rb_phase_t *ph;
    PC_CHECK(pc_rb_phase_start(&cfg, &ph) == 0);
    pc_rb_phase_go(ph);
    usleep(20000);
    pc_rb_result_t res;
    pc_rb_phase_join(ph, &res); /* stops it */
    pc_rb_phase_destroy(ph);
    pc_chist_free(h);
    PC_CHECK(res.sent < 1000000000);
    PC_CHECK_EQ_U64(res.received, res.sent);
    PC_CHECK_EQ_U64(res.order_errors, 0);
    PC_CHECK(!res.pinned);
}

static void rb_phase_should_reject_bad_configs(void) {
    pc_rb_phase_t *ph = (pc_rb_phase_t *)1;
    pc_rb_config_t cfg = {.queue = PC_RB_SPSC, .mode = PC_RB_THROUGHPUT, .capacity = 100, .batch = 1};
    PC_CHECK(pc_rb_phase_start(&cfg, &ph) == PC_EINVAL && ph == NULL);
    cfg.capacity = 64;
    cfg.batch = 0;
    PC_CHECK(pc_rb_phase_start(&cfg, &ph) == PC_EINVAL);
    cfg.batch = PC_RB_MAX_BATCH + 1;
    PC_CHECK(pc_rb_phase_start(&cfg, &ph) == PC_EINVAL);
    cfg.batch = 1;
    cfg.mode = PC_RB_LATENCY;
    cfg.messages = 0;
    PC_CHECK(pc_rb_phase_start(&cfg, &ph) == PC_EINVAL);
}

/* ---- the suite, end to end ---- */

static void ringbuf_suite_should_record_every_sample_and_the_summary(void) {
    const pc_suite_t *s = pc_suite_find("ringbuf");
    PC_CHECK(s != NULL);
    /* paced so each latency phase lasts ~0.4 s: several hist deltas per series, whose sum
     * must be exactly the number of messages (no sample lost or counted twice) */
    cJSON *ov = cJSON_Parse("{\"messages\": 3000, \"rate\": 7500, \"duration\": 0.25, \"capacity\": 256}");
    pc_errbuf_t err;
    cJSON *params = pc_suite_params(s, ov, 1, &err);
    cJSON_Delete(ov);
    PC_CHECK(params != NULL);
    char path[] = "/tmp/pc_test_ringbuf_XXXXXX";
    int fd = mkstemp(path);
    PC_CHECK(fd >= 0);
    close(fd);
    pc_run_opts_t opts = {.path = path};
    pc_run_t *run;
    PC_CHECK(pc_run_start(s, params, 1, &opts, &run, &err) == 0);
    int r = pc_run_join(run);
    const char *msg;
    const char *status = pc_run_status(run, &msg);
    int ok_status = strcmp(status, "ok") == 0;
    pc_run_destroy(run);
    pc_model_t *m = pc_model_create();
    int lr = m ? pc_test_load_file(path, m) : PC_ENOMEM;
    unlink(path);
    PC_CHECK_EQ_U64(r, 0);
    PC_CHECK(ok_status);
    PC_CHECK(lr == 0);
    /* every latency sample made it through the deltas, none twice */
    const pc_series_t *sp = pc_model_series(m, "spsc"), *mu = pc_model_series(m, "mutex");
    PC_CHECK(sp && mu && sp->hist && mu->hist);
    PC_CHECK_EQ_U64(sp->hist->total, 3000);
    PC_CHECK_EQ_U64(mu->hist->total, 3000);
    PC_CHECK_EQ_STR(sp->label, "lock-free SPSC ring");
    /* the throughput windows add up to the reported rate over the phase */
    PC_CHECK(sp->n_windows >= 2 && mu->n_windows >= 2);
    double count = 0, secs = 0;
    for (size_t i = 0; i < sp->n_windows; i++) {
        count += sp->windows[i].count;
        secs += sp->windows[i].dt;
    }
    double rate = pc_model_summary_num(m, "spsc_msgs_per_s", -1);
    PC_CHECK(rate > 0 && count > 0);
    PC_CHECK(count / secs > rate * 0.98 && count / secs < rate * 1.02);
    /* every documented key is there */
    for (size_t i = 0; s->summary_keys[i]; i++) PC_CHECK(pc_model_summary_num(m, s->summary_keys[i], -1) >= 0);
    PC_CHECK(pc_model_summary_num(m, "order_errors", -1) == 0);
    PC_CHECK(pc_model_summary_num(m, "spsc_p50_ns", 0) <= pc_model_summary_num(m, "spsc_p99_ns", 0));
    PC_CHECK(m->n_events >= 4);
    pc_model_destroy(m);
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    PC_RUN(spsc_should_reject_capacities_that_are_not_powers_of_two);
    PC_RUN(spsc_should_report_full_and_empty);
    PC_RUN(spsc_should_wrap_around_at_small_capacity);
    PC_RUN(spsc_should_push_and_pop_partial_batches);
    PC_RUN(spsc_should_hand_over_slots_in_place);
    PC_RUN(spsc_should_carry_pointers);
    PC_RUN(spsc_should_keep_order_across_threads);
    PC_RUN(spsc_should_keep_order_across_threads_in_batches);
    PC_RUN(mq_should_report_full_and_empty);
    PC_RUN(mq_should_wrap_around_at_small_capacity);
    PC_RUN(mq_should_drain_then_report_closed);
    PC_RUN(mq_should_keep_order_across_threads);
    PC_RUN(tsc_should_never_go_backwards);
    PC_RUN(tsc_should_calibrate_within_sane_bounds);
    PC_RUN(rb_latency_should_record_every_spsc_message);
    PC_RUN(rb_latency_should_record_every_mutex_message);
    PC_RUN(rb_latency_should_record_every_paced_message);
    PC_RUN(rb_throughput_should_deliver_batches_in_order);
    PC_RUN(rb_throughput_should_deliver_unbatched_in_order);
    PC_RUN(rb_throughput_should_deliver_mutex_messages_in_order);
    PC_RUN(rb_phase_should_stop_early_when_asked);
    PC_RUN(rb_phase_should_reject_bad_configs);
    PC_RUN(ringbuf_suite_should_record_every_sample_and_the_summary);
    return pc_test_done();
}
