/* profiler.h — a tick profiler for event loops (backtests, feed handlers, matching engines):
 * per-tick and per-component latency histograms at a few nanoseconds per measurement.
 *
 * A "tick" is one trip through the loop; a "component" is a named stage inside it (parse,
 * strategy, risk, execution, or your own). Every measurement goes into a log-linear
 * histogram (shared/hist.h layout: < 1.6 % bucket error over the whole uint64 range) in
 * nanoseconds, so mean, median, min/max and any percentile come out at the end, and the
 * call count is the histogram's total. Usage, on the thread that runs the loop:
 *
 *     pc_prof_t *p = pc_prof_create();                 // calibrates the cycle counter once
 *     int parse = pc_prof_component(p, "parse");       // ids 0, 1, ...
 *     int strat = pc_prof_component(p, "strategy");
 *     for (each tick) {
 *         pc_prof_tick_begin(p);
 *         pc_prof_begin(p, parse);  decode(msg);  pc_prof_end(p, parse);
 *         pc_prof_begin(p, strat);  decide();     pc_prof_end(p, strat);
 *         pc_prof_tick_end(p);
 *     }
 *     pc_prof_stats_t st;  pc_prof_stats(p, PC_PROF_TICK, &st);   // st.p99_ns ...
 *     pc_prof_destroy(p);
 *
 * Cost. Each begin/end reads the calibrated cycle counter (native/tsc.h: rdtsc, which here
 * needs ~9 ns between two reads and is nearly free once other work fills them:
 * tests/bench/bench_clock.c) and each end adds one histogram update (an index from a
 * count-leading-zeros, five plain stores; no lock, no allocation, no system call). Stages
 * that follow each other can share their boundary: pc_prof_lap() ends the stage that began
 * at the previous stamp with ONE read, and pc_prof_tick_end_lap() ends the last stage and the
 * tick with one read, so a tick of k stages costs k + 1 reads instead of 2k + 2. These chained
 * functions also record one step late: a duration waits in the profiler and goes into its
 * histogram right after the NEXT read is issued, where the update fills the counter's gap
 * instead of adding to it (an empty 4-stage tick: 57 ns recording at once, 36 ns late, the
 * cost of the four reads alone). So after a chained loop call pc_prof_flush() before reading
 * the statistics (pc_prof_tick_begin also flushes). The backtest suite uses that style and
 * measures what it costs: the same ticks through the same engine with and without the
 * profiler, in one run.
 *
 * Threads. One profiler per measuring thread: only that thread may call the tick/component
 * functions. Any other thread may read the histograms while they are written
 * (pc_prof_hist() gives the native/chist.h histogram a sampler ships deltas of).
 *
 * Resolution: one counter tick (0.48 ns at 2.1 GHz); virtual machines may advance the
 * counter in coarser steps (~10 ns here), which quantizes single readings but leaves means
 * unbiased. */
#ifndef PC_PROFILER_H
#define PC_PROFILER_H

#include <stdint.h>

#include "chist.h"
#include "pc_error.h"
#include "tsc.h"

#define PC_PROF_MAX_COMPONENTS 16 /* named components per profiler */
#define PC_PROF_NAME_MAX 32       /* bytes of a component name, with its terminator */
#define PC_PROF_TICK (-1)         /* the id that names the whole tick in stats calls */

/* A profiler. The fields are read by the inline functions below; treat them as private. */
typedef struct pc_prof {
    uint64_t tick_start;                        /* stamp of the running tick's begin */
    uint64_t mark;                              /* last stamp taken: where a lap starts */
    uint64_t start[PC_PROF_MAX_COMPONENTS];     /* pc_prof_begin stamps, per component */
    pc_chist_t *tick;                           /* tick durations, ns */
    pc_chist_t *comp[PC_PROF_MAX_COMPONENTS];   /* component durations, ns */
    pc_chist_t *pend_comp, *pend_tick;          /* durations the chained functions left to record */
    uint64_t pend_comp_ticks, pend_tick_ticks;  /* (NULL: none) */
    int n_comp;
    char names[PC_PROF_MAX_COMPONENTS][PC_PROF_NAME_MAX];
} pc_prof_t;

/* What one histogram says, in nanoseconds. Percentiles are bucket upper bounds clamped to
 * the exact min/max (at most 1.6 % above the true value, see docs/FORMAT.md). */
typedef struct pc_prof_stats {
    uint64_t count;   /* calls (ticks, or times the component ran) */
    double total_ns;  /* time spent in all of them */
    double mean_ns;
    uint64_t min_ns, max_ns;
    uint64_t p50_ns, p90_ns, p95_ns, p99_ns, p999_ns;
} pc_prof_stats_t;

/* ---- setup (not on the hot path) ---- */

/* A profiler with no components and empty histograms (every page touched, so the first
 * ticks pay no page faults); calibrates the cycle counter on first use in the process (~25
 * ms). NULL when out of memory. Free with pc_prof_destroy. */
pc_prof_t *pc_prof_create(void);
/* Frees p and its histograms; NULL is fine. */
void pc_prof_destroy(pc_prof_t *p);
/* Registers a component and returns its id (0, 1, ... in registration order); the same name
 * again returns the same id. PC_EINVAL for an empty name or one of PC_PROF_NAME_MAX bytes or
 * more, PC_ELIMIT past PC_PROF_MAX_COMPONENTS, PC_ENOMEM. */
int pc_prof_component(pc_prof_t *p, const char *name);
/* Number of registered components. */
int pc_prof_components(const pc_prof_t *p);
/* Name of component id, "tick" for PC_PROF_TICK, or NULL for an unknown id. Valid as long as p. */
const char *pc_prof_name(const pc_prof_t *p, int id);
/* Empties every histogram; components stay registered. Not while the loop runs. */
void pc_prof_reset(pc_prof_t *p);

/* ---- the hot path (the measuring thread only; none of these can fail) ---- */

/* Records one duration in ticks of the cycle counter into h, in nanoseconds. */
static inline void pc_prof_record_(pc_chist_t *h, uint64_t ticks) { pc_chist_record(h, pc_tsc_to_ns(ticks)); }

/* Records the durations the chained functions left waiting; call it once a chained loop
 * stopped, before reading the statistics. */
static inline void pc_prof_flush(pc_prof_t *p) {
    if (p->pend_comp) pc_prof_record_(p->pend_comp, p->pend_comp_ticks);
    if (p->pend_tick) pc_prof_record_(p->pend_tick, p->pend_tick_ticks);
    p->pend_comp = p->pend_tick = NULL;
}

/* Starts a tick (also the point the first pc_prof_lap measures from); flushes first. */
static inline void pc_prof_tick_begin(pc_prof_t *p) {
    pc_prof_flush(p);
    p->tick_start = p->mark = pc_tsc_now();
}

/* Ends the tick: records its duration since pc_prof_tick_begin. */
static inline void pc_prof_tick_end(pc_prof_t *p) {
    uint64_t now = pc_tsc_now();
    p->mark = now;
    pc_prof_record_(p->tick, now - p->tick_start);
}

/* Starts component id (ids from pc_prof_component; components may nest or interleave). */
static inline void pc_prof_begin(pc_prof_t *p, int id) { p->start[id] = p->mark = pc_tsc_now(); }

/* Ends component id: records the time since its pc_prof_begin. */
static inline void pc_prof_end(pc_prof_t *p, int id) {
    uint64_t now = pc_tsc_now();
    p->mark = now;
    pc_prof_record_(p->comp[id], now - p->start[id]);
}

/* Ends component id that began at the previous stamp (the tick's begin, or the previous
 * lap/end): one counter read for back-to-back stages. Chained: recorded one step late. */
static inline void pc_prof_lap(pc_prof_t *p, int id) {
    uint64_t now = pc_tsc_now();
    pc_prof_flush(p); /* the previous step's durations, while this read completes */
    p->pend_comp = p->comp[id];
    p->pend_comp_ticks = now - p->mark;
    p->mark = now;
}

/* pc_prof_lap(p, id) and pc_prof_tick_end(p) with one counter read. Chained. */
static inline void pc_prof_tick_end_lap(pc_prof_t *p, int id) {
    uint64_t now = pc_tsc_now();
    pc_prof_flush(p);
    p->pend_comp = p->comp[id];
    p->pend_comp_ticks = now - p->mark;
    p->pend_tick = p->tick;
    p->pend_tick_ticks = now - p->tick_start;
    p->mark = now;
}

/* pc_prof_tick_end_lap(p, id), then the next tick begins at the same stamp: for loops whose
 * ticks follow each other with nothing in between (the loop's own step counts toward the
 * next tick's first stage). Start the first tick with pc_prof_tick_begin. Chained. */
static inline void pc_prof_tick_next(pc_prof_t *p, int id) {
    pc_prof_tick_end_lap(p, id);
    p->tick_start = p->mark;
}

/* Ends the tick and begins the next at the same stamp, timing no component: one counter
 * read. For ticks whose stages are not timed this time (stages sampled every Nth tick).
 * Chained. */
static inline void pc_prof_tick_chain(pc_prof_t *p) {
    uint64_t now = pc_tsc_now();
    pc_prof_flush(p);
    p->pend_tick = p->tick;
    p->pend_tick_ticks = now - p->tick_start;
    p->tick_start = p->mark = now;
}

/* ---- results (any thread; exact once the loop stopped) ---- */

/* The histogram of component id, or of the tick for PC_PROF_TICK; NULL for an unknown id.
 * Owned by p: a sampler thread may read it while the loop runs (native/sampler.h). */
pc_chist_t *pc_prof_hist(const pc_prof_t *p, int id);
/* Fills *out for component id or PC_PROF_TICK. Returns 0, PC_ENOTFOUND for an unknown id,
 * or PC_ENOMEM. An empty histogram gives count 0 and zeros. */
int pc_prof_stats(const pc_prof_t *p, int id, pc_prof_stats_t *out);
/* The same statistics for an already merged histogram (e.g. a delta between two reads). */
void pc_prof_stats_of(const pc_hist_t *h, pc_prof_stats_t *out);

#endif
