/* ringbuf.c — the ringbuf suite: a lock-free SPSC ring against a mutex + condvar queue.
 *
 * Four phases, in order: spsc latency, mutex latency, spsc throughput, mutex throughput.
 * Latency and throughput are separate because under saturation a full queue measures its
 * own depth: one-way latency comes from a paced producer (one message in flight by
 * default, or `rate` messages per second), throughput from a producer that never waits.
 *
 * This file is the run thread's side: it starts each phase (rb_bench.c owns the worker
 * threads), samples the workers' counters every ~100 ms and emits what changed since the
 * last successful emit — hist records (sparse bucket deltas) in latency phases, window
 * records (messages over dt) in throughput phases. A full recorder queue (PC_EAGAIN) only
 * means the next delta covers more: the baseline does not advance, nothing is lost, and
 * the workers never notice.
 *
 * Choices that move the figures (as measured on a 2-vCPU cloud VM):
 *  - latency: message, sequence and stamp share one 64-byte line and the consumer spins on
 *    that line, so one line crosses per message (spinning on the head index instead costs
 *    a second, serial transfer: ~1.5-2x the one-way time);
 *  - latency: the consumer counts a message only after recording it, so a one-in-flight
 *    producer sends when the consumer is back waiting; the figure is the hand-over alone;
 *  - throughput: batch 256 by default. The ring is bound by moving message lines between
 *    cores; bigger batches amortize the index traffic. Batch 64 gives ~1.4x less, batch 1
 *    (unbatched) ~3-7x the mutex queue only;
 *  - all queue memory and staging buffers are mapped prefaulted before the clock starts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hist.h"
#include "rb_bench.h"
#include "run.h"
#include "sampler.h"
#include "suite.h"
#include "tsc.h"
#include "worker.h"

#define SAMPLE_PERIOD 0.1 /* seconds between hist/window records */
#define POLL_NS 20000000  /* the run thread looks at its phase every 20 ms */

/* What the run thread last emitted for one queue: its latency histogram and its throughput
 * windows (native/sampler.h). */
typedef struct rb_sampler {
    pc_hist_sampler_t hist;
    pc_window_sampler_t win;
} rb_sampler_t;

typedef struct rb_ctx {
    pc_run_t *run;
    size_t capacity, batch;
    uint64_t messages;
    double duration, rate;
    int pin;
    int phase_no;            /* 0..3, for progress */
    int all_pinned;
    uint64_t order_errors;
    uint64_t clamped;
    int stopped;
} rb_ctx_t;

/* ---- one phase ---- */

static const char *queue_name(pc_rb_queue_t q) { return q == PC_RB_SPSC ? "spsc" : "mutex"; }

/* Runs one phase to its end (latency: all messages; throughput: `duration` seconds) or to a
 * stop request, emitting records as it goes. Fills *res. Returns 0 or a PC_E* code. */
static int run_phase(rb_ctx_t *c, pc_rb_queue_t queue, pc_rb_mode_t mode, rb_sampler_t *s,
                     pc_rb_result_t *res) {
    pc_run_t *run = c->run;
    char phase[64];
    snprintf(phase, sizeof phase, "%s %s", queue_name(queue), mode == PC_RB_LATENCY ? "latency" : "throughput");
    pc_rb_config_t cfg = {
        .queue = queue,
        .mode = mode,
        .capacity = c->capacity,
        .batch = c->batch,
        .messages = c->messages,
        .rate = c->rate,
        .pin = c->pin,
        .hist = mode == PC_RB_LATENCY ? s->hist.hist : NULL,
    };
    if (cfg.hist) {
        pc_chist_reset(cfg.hist);
        pc_hist_sampler_rebase(&s->hist);
    }
    pc_rb_phase_t *ph;
    int r = pc_rb_phase_start(&cfg, &ph);
    if (r) return pc_run_fail(run, r, "%s: cannot start the phase (%s)", phase, pc_strerror(r));

    pc_run_event(run, phase);
    /* While the workers run, this thread (waking every 20 ms to sample) shares the producer's
     * CPU, so its wake-ups never land on the consumer, whose receive time is what latency is
     * measured by. Moved only after the workers were spawned: they must not inherit it. */
    cpu_set_t saved;
    int moved = c->pin && pc_rb_phase_producer_cpu(ph) >= 0 && pc_worker_share_cpu(pc_rb_phase_producer_cpu(ph), &saved);
    double base = c->phase_no / 4.0;
    double t0 = pc_run_elapsed(run), last_emit = t0;
    pc_window_sampler_start(&s->win, s->hist.series, 0, t0);
    pc_rb_phase_go(ph);
    for (;;) {
        pc_sampler_sleep_ns(POLL_NS);
        double t = pc_run_elapsed(run);
        if (pc_run_should_stop(run)) {
            c->stopped = 1;
            break;
        }
        double frac;
        if (mode == PC_RB_LATENCY) {
            if (pc_rb_phase_finished(ph)) break;
            frac = (double)pc_rb_phase_received(ph) / (double)c->messages;
        } else {
            if (t - t0 >= c->duration) break;
            frac = (t - t0) / c->duration;
        }
        if (t - last_emit >= SAMPLE_PERIOD) {
            /* PC_EAGAIN: keep the baseline, the next record covers more */
            r = mode == PC_RB_LATENCY ? pc_sampler_emit_hist(run, &s->hist)
                                       : pc_sampler_emit_window(run, &s->win, pc_rb_phase_received(ph), t);
            if (r == PC_ENOMEM) break;
            last_emit = t;
            pc_run_progress(run, base + (frac > 1 ? 1 : frac) / 4.0, phase);
        }
    }
    double t_stop = pc_run_elapsed(run);
    if (mode == PC_RB_THROUGHPUT) pc_rb_phase_stop(ph); /* notes time and count for the rate */
    pc_rb_phase_join(ph, res);
    pc_rb_phase_destroy(ph);
    if (moved) pc_worker_unshare(&saved);

    if (mode == PC_RB_LATENCY) PC_SAMPLER_EMIT_FINAL(pc_sampler_emit_hist(run, &s->hist));
    else PC_SAMPLER_EMIT_FINAL(pc_sampler_emit_window(run, &s->win, res->received_at_stop, t_stop));
    c->phase_no++;
    pc_run_progress(run, c->phase_no / 4.0, phase);
    c->order_errors += res->order_errors;
    c->clamped += res->clamped;
    if (!res->pinned) c->all_pinned = 0;
    return r == PC_ENOMEM ? pc_run_fail(run, r, "%s: out of memory", phase) : 0;
}

/* ---- the suite ---- */

/* Checked when the parameters are built, so a bad capacity is a usage error before any run. */
static int ringbuf_check(const cJSON *params, pc_errbuf_t *err) {
    const cJSON *cap = cJSON_GetObjectItemCaseSensitive(params, "capacity");
    size_t c = cJSON_IsNumber(cap) ? (size_t)cap->valuedouble : 0;
    if (c < 2 || (c & (c - 1)))
        return pc_errf(err, PC_EINVAL, "parameter capacity: %zu is not a power of two (try %zu)", c,
                       c < 2 ? (size_t)2 : (size_t)1 << (63 - __builtin_clzll(c)));
    const cJSON *rate = cJSON_GetObjectItemCaseSensitive(params, "rate");
    if (cJSON_IsNumber(rate) && rate->valuedouble != 0 && rate->valuedouble < 1)
        return pc_errf(err, PC_EINVAL, "parameter rate: %g msgs/s is below 1 (0 means one message in flight)",
                       rate->valuedouble);
    return 0;
}

static int ringbuf_run(pc_run_t *run) {
    rb_ctx_t c = {
        .run = run,
        .capacity = (size_t)pc_run_param_int(run, "capacity"),
        .batch = (size_t)pc_run_param_int(run, "batch"),
        .messages = (uint64_t)pc_run_param_int(run, "messages"),
        .duration = pc_run_param_double(run, "duration"),
        .rate = pc_run_param_double(run, "rate"),
        .pin = pc_run_param_int(run, "pin") != 0,
        .all_pinned = 1,
    };
    pc_errbuf_t err;
    if (ringbuf_check(pc_run_params(run), &err) != 0) return pc_run_fail(run, PC_EINVAL, "%s", err.msg);
    pc_tsc_init();

    int r = 0;
    rb_sampler_t s[2];
    memset(s, 0, sizeof s);
    const char *names[2] = {"spsc", "mutex"};
    for (int i = 0; i < 2; i++) {
        pc_chist_t *h = pc_chist_create();
        if (!h || pc_hist_sampler_init(&s[i].hist, names[i], h) != 0) {
            pc_chist_free(h);
            r = pc_run_fail(run, PC_ENOMEM, "out of memory");
            goto out;
        }
    }

    pc_rb_result_t res[4];
    int ran[4] = {0};
    const struct { pc_rb_queue_t q; pc_rb_mode_t m; } plan[4] = {
        {PC_RB_SPSC, PC_RB_LATENCY}, {PC_RB_MUTEX, PC_RB_LATENCY},
        {PC_RB_SPSC, PC_RB_THROUGHPUT}, {PC_RB_MUTEX, PC_RB_THROUGHPUT},
    };
    for (int i = 0; i < 4 && !c.stopped && !pc_run_should_stop(run); i++) {
        r = run_phase(&c, plan[i].q, plan[i].m, &s[plan[i].q], &res[i]);
        if (r) goto out;
        ran[i] = 1;
    }
    if (ran[0] || ran[1] || ran[2] || ran[3]) pc_run_event(run, c.stopped ? "stopped" : "done");

    cJSON *sum = cJSON_CreateObject();
    if (!sum) {
        r = pc_run_fail(run, PC_ENOMEM, "out of memory");
        goto out;
    }
    double spsc_rate = 0, mutex_rate = 0;
    if (ran[2] && res[2].seconds > 0) {
        spsc_rate = (double)res[2].received_at_stop / res[2].seconds;
        cJSON_AddNumberToObject(sum, "spsc_msgs_per_s", (double)(long long)spsc_rate);
    }
    if (ran[3] && res[3].seconds > 0) {
        mutex_rate = (double)res[3].received_at_stop / res[3].seconds;
        cJSON_AddNumberToObject(sum, "mutex_msgs_per_s", (double)(long long)mutex_rate);
    }
    if (spsc_rate > 0 && mutex_rate > 0)
        cJSON_AddNumberToObject(sum, "spsc_vs_mutex_throughput", (double)(long long)(spsc_rate / mutex_rate * 100 + 0.5) / 100);
    if (ran[0]) pc_sampler_add_latency(sum, "spsc", s[0].hist.hist);
    if (ran[1]) pc_sampler_add_latency(sum, "mutex", s[1].hist.hist);
    char mode[64];
    if (c.rate > 0) snprintf(mode, sizeof mode, "paced at %.0f msgs/s, from scheduled send times", c.rate);
    else snprintf(mode, sizeof mode, "one in flight");
    cJSON_AddStringToObject(sum, "latency_mode", mode);
    cJSON_AddNumberToObject(sum, "batch", (double)c.batch);
    cJSON_AddNumberToObject(sum, "capacity", (double)c.capacity);
    cJSON_AddBoolToObject(sum, "pinned", c.all_pinned && (ran[0] || ran[1] || ran[2] || ran[3]));
    cJSON_AddNumberToObject(sum, "order_errors", (double)c.order_errors);
    cJSON_AddNumberToObject(sum, "clamped_samples", (double)c.clamped);
    cJSON_AddNumberToObject(sum, "tsc_ghz", (double)(long long)(pc_tsc_ghz() * 1e4 + 0.5) / 1e4);
    cJSON_AddStringToObject(sum, "tick_source", pc_tsc_source());
    pc_run_set_summary(run, sum);
    if (c.order_errors)
        r = pc_run_fail(run, PC_ECORRUPT, "%llu messages arrived out of order, corrupt or not at all",
                        (unsigned long long)c.order_errors);
out:
    for (int i = 0; i < 2; i++) {
        pc_chist_free(s[i].hist.hist);
        pc_hist_sampler_free(&s[i].hist);
    }
    return r;
}

static const pc_param_def_t ringbuf_params[] = {
    {"messages", PC_PARAM_INT, 200000, 20000, 1, 1e9, "messages",
     "messages per queue in the latency phase"},
    {"duration", PC_PARAM_DOUBLE, 2, 0.3, 0.01, 3600, "s", "seconds per queue in the throughput phase"},
    {"capacity", PC_PARAM_INT, 1024, 1024, 2, 1 << 24, "messages", "queue slots (a power of two)"},
    {"batch", PC_PARAM_INT, 256, 256, 1, PC_RB_MAX_BATCH, "messages",
     "messages per ring push/pop in the throughput phase (1 = unbatched; the mutex queue always locks once per message)"},
    {"pin", PC_PARAM_BOOL, 1, 1, 0, 1, "", "pin producer and consumer to different CPUs when two exist"},
    {"rate", PC_PARAM_DOUBLE, 0, 0, 0, 1e9, "msgs/s",
     "latency phase send rate; 0 = one message in flight at a time"},
};

static const char *const ringbuf_summary_keys[] = {
    "spsc_msgs_per_s", "mutex_msgs_per_s", "spsc_vs_mutex_throughput", "spsc_p50_ns", "spsc_p99_ns",
    "spsc_p999_ns", "mutex_p50_ns", "mutex_p99_ns", NULL,
};

static const char *const ringbuf_views[] = {"latency-histogram", "throughput-timeline", "comparison", "summary", NULL};

static const pc_series_def_t ringbuf_series[] = {
    {"spsc", "lock-free SPSC ring", "ns"},
    {"mutex", "mutex + condvar queue", "ns"},
};

const pc_suite_t pc_suite_ringbuf = {
    .name = "ringbuf",
    .description = "Lock-free SPSC ring buffer vs a mutex + condition-variable queue: one-way latency "
                   "(cycle counter, HDR histogram) and throughput, producer and consumer on separate threads",
    .params = ringbuf_params,
    .n_params = sizeof ringbuf_params / sizeof ringbuf_params[0],
    .summary_keys = ringbuf_summary_keys,
    .views = ringbuf_views,
    .series = ringbuf_series,
    .n_series = sizeof ringbuf_series / sizeof ringbuf_series[0],
    .check = ringbuf_check,
    .run = ringbuf_run,
};
