/* sampler.h — what a suite's run thread (the sampler) emits about its workers' counters.
 *
 * Workers write single-writer counters and pc_chist_t histograms; the run thread reads
 * them every ~100 ms and emits what changed since its last *successful* emit: hist records
 * (sparse bucket deltas) and window records (items over dt). A full recorder queue
 * (PC_EAGAIN) only means the next delta covers more: the baseline does not advance,
 * nothing is lost, and the workers never notice. Shared by ringbuf and orderbook. */
#ifndef PC_SAMPLER_H
#define PC_SAMPLER_H

#include <stdint.h>

#include "cJSON.h"
#include "chist.h"
#include "run.h"

/* A histogram series as last emitted. */
typedef struct pc_hist_sampler {
    const char *series;  /* name in records */
    pc_chist_t *hist;    /* written by a worker */
    uint64_t *last;      /* bucket counts as of the last successful hist record */
    uint64_t last_sum;   /* sum of values as of the last successful hist record */
} pc_hist_sampler_t;

/* A throughput series as last emitted. */
typedef struct pc_window_sampler {
    const char *series;
    uint64_t last_count; /* worker's count as of the last successful window record */
    double last_t;       /* run time of that window's end */
} pc_window_sampler_t;

/* Sets s up for `hist` (not owned): allocates its baseline. Returns 0 or PC_ENOMEM; free
 * with pc_hist_sampler_free. */
int pc_hist_sampler_init(pc_hist_sampler_t *s, const char *series, pc_chist_t *hist);
/* Frees the baseline; safe on a zeroed or already freed sampler. */
void pc_hist_sampler_free(pc_hist_sampler_t *s);
/* Forgets what was emitted (after the histogram was reset). Cannot fail. */
void pc_hist_sampler_rebase(pc_hist_sampler_t *s);

/* Emits the histogram buckets that changed since the last successful emit. Returns 0 (also
 * when nothing changed), PC_EAGAIN (recorder queue full: baseline kept, try later), or
 * PC_ENOMEM. */
int pc_sampler_emit_hist(pc_run_t *run, pc_hist_sampler_t *s);

/* Starts a window series at run time t with the worker's count at `count`. */
void pc_window_sampler_start(pc_window_sampler_t *s, const char *series, uint64_t count, double t);
/* Emits a window record: items counted since the last successful window, ending at run
 * time t. Returns 0 (also for an empty dt), PC_EAGAIN (baseline kept) or PC_ENOMEM. */
int pc_sampler_emit_window(pc_run_t *run, pc_window_sampler_t *s, uint64_t count, double t);

/* Sleeps ns nanoseconds (the run thread's poll). */
void pc_sampler_sleep_ns(long ns);

/* After a phase: retries an emit until the recorder takes it (it drains every 20 ms), for up
 * to ~2 s. Waiting is fine there: the workers have stopped. */
#define PC_SAMPLER_EMIT_FINAL(expr)                                                              \
    do {                                                                                         \
        for (int tries_ = 0; tries_ < 1000 && (expr) == PC_EAGAIN; tries_++) pc_sampler_sleep_ns(2000000); \
    } while (0)

/* Adds NAME_p50_ns, NAME_p99_ns, NAME_p999_ns, NAME_mean_ns, NAME_max_ns and
 * NAME_latency_samples for h to the summary object (nothing when h is empty). */
void pc_sampler_add_latency(cJSON *sum, const char *name, const pc_chist_t *h);

#endif
