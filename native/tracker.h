/* tracker.h — timers, metrics, baselines and regression checks for your own C programs.
 *
 * Link `perfcast_tracker` (libperfcast_tracker.a, installed with this header) and:
 *
 *     pc_tracker_config_t cfg = pc_tracker_defaults();
 *     cfg.path = "myrun.pcast";              // a perfcast result file, replayable like any run
 *     pc_tracker_init(&cfg);                  // starts the background flusher thread
 *     PC_TRACK("frame") {                     // a scope timer (the C counterpart of a decorator)
 *         pc_tracker_start_timer("physics");  // timers nest: "physics" is a child of "frame"
 *         step();
 *         double s = pc_tracker_end_timer("physics");   // elapsed seconds
 *     }
 *     pc_tracker_track_metric("fps", 60.0);
 *     pc_tracker_shutdown();                  // last flush: summary, end record, file closed
 *
 * Cost. A timer name is interned to a small id the first time a thread uses it (a mutex and,
 * once per thread, an allocation: outside the hot path). After that a start/end pair takes no
 * lock, makes no system call and allocates nothing: a per-thread cache maps the name's pointer
 * to its id, the start pushes a cycle-counter stamp (native/tsc.h) on a per-thread stack and
 * the end pops it, adds the duration to a per-thread histogram (shared/hist.h layout) and to
 * the per-thread (parent, child) edge. PC_TRACK / PC_TRACK_FUNC keep the id in a static per
 * call site, skipping even the cache. `bench_tracker` measures the pair (README figures).
 * Names are compared by pointer first, then by text: pass string literals or other strings
 * that outlive the tracker.
 *
 * Threads. Every function is thread-safe. Timers are per thread (a timer ended on another
 * thread than it started is an error). Metrics are global and take a short mutex (they are
 * not meant for inner loops). A flusher thread (or pc_tracker_flush from your own thread)
 * reads the per-thread histograms while they are written (relaxed atomics, no lock).
 *
 * Publishing. What the tracker writes is a perfcast record stream (docs/FORMAT.md): a header
 * (suite "tracker" unless configured), per timer `hist` records on series "timer:<name>"
 * (nanoseconds, deltas), `metric` records for tracked metrics, `calls` records (kind 11: the
 * cumulative parent/child call tree), `event` records for regressions, and at shutdown a
 * `summary` and an `end`. To a file (cfg.path), to your own sink callback (how the fractal
 * suite hands them to the perfcast recorder), and/or live to a running agent.
 *
 * Streaming live. With PERFCAST_AGENT=ws://127.0.0.1:7681 in the environment (and the agent's
 * token in PERFCAST_TOKEN or as ?token= in the URL), or cfg.agent_url, pc_tracker_init starts
 * a publisher thread (libwebsockets; link -lwebsockets) that connects, sends {"type":"publish"}
 * and streams the same records the file gets; viewers of the agent watch the program as a run
 * (suite "tracker") and the agent saves it in its record directory (docs/AGENT.md, "Publishing").
 * The program never waits for the network: the flusher only copies records into a bounded
 * buffer (cfg.agent_buffer, 16 MiB) that the publisher drains. If the agent cannot be reached,
 * refuses the token or the publish (a run is already going), falls behind past that bound, or
 * a viewer stops the run, the stream is dropped for good (no reconnect) with a reason and a
 * count of records not sent (pc_tracker_stream_status); the file still gets everything.
 * pc_tracker_shutdown waits at most 2 s for the rest to go out. The environment variable is
 * ignored when cfg.sink is set (those records belong to someone else's run; with an explicit
 * cfg.agent_url and a sink, the sink also gets the header, summary and end records a stream
 * needs), and cfg.agent_url = "" turns streaming off. The publisher sets libwebsockets' process-wide log
 * level to silent (a library must not print); a program that uses libwebsockets itself can
 * set its own level again after pc_tracker_init.
 *
 * Errors: functions return 0 or a negative PC_E* code (pc_error.h) and never print. */
#ifndef PC_TRACKER_H
#define PC_TRACKER_H

#include <stddef.h>
#include <stdint.h>

#define PC_TRACKER_MAX_TIMERS 64    /* distinct timer names per process */
#define PC_TRACKER_MAX_METRICS 64   /* distinct metric names per process */
#define PC_TRACKER_MAX_DEPTH 32     /* timer nesting depth per thread */
#define PC_TRACKER_NAME_MAX 64      /* bytes of a name with its terminator; the model keeps series
                                     * names to 31 bytes, so "timer:" + name stays distinct when
                                     * names are 25 bytes or shorter */

/* Receives one encoded record payload (kind from shared/record.h, enc 0 JSON / 1 binary).
 * Called from the flushing thread; return 0, or nonzero to have the record counted as dropped. */
typedef int (*pc_tracker_sink_fn)(void *ud, uint16_t kind, uint16_t enc, const void *payload, size_t len);

typedef struct pc_tracker_config {
    const char *path;          /* result file to write (created/truncated), or NULL */
    pc_tracker_sink_fn sink;   /* or a callback receiving the records; NULL for none */
    void *sink_ud;
    const char *suite;         /* "suite" in the header record; NULL: "tracker" */
    double flush_interval_s;   /* background flusher period; 0: no thread, call pc_tracker_flush */
    size_t history_cap;        /* samples kept per metric (a ring: oldest dropped); >= 1 */
    double time_offset_s;      /* added to every record's "t" (align with an enclosing run) */
    double regression_threshold; /* relative change that is a regression (0.2 = 20 % worse); 0: 0.2 */
    double resource_interval_s; /* > 0: a sampler thread reads CPU (process, per core), memory and
                                 * I/O from /proc at this period; each flush ships its samples as
                                 * metric records (cpu_percent, rss_mb, io_read_mb_s, core0_percent ...) */
    int write_header;          /* 1: the first flush emits a header record (files always do) */
    /* Live streaming to an agent. NULL: $PERFCAST_AGENT when set and there is no sink; "": off.
     * "ws://HOST:PORT/" (an "http://" URL as the agent prints it works too). */
    const char *agent_url;
    const char *agent_token;   /* NULL: the URL's ?token=, else $PERFCAST_TOKEN */
    size_t agent_buffer;       /* bytes of records waiting for the agent before the stream is
                                * dropped; 0: 16 MiB */
} pc_tracker_config_t;

/* Which way is better for a metric (regression direction). */
typedef enum pc_tracker_dir {
    PC_TRACKER_AUTO = 0,          /* from the name: timers and *_ms/_s/_ns/time/latency/memory lower, else higher */
    PC_TRACKER_LOWER_BETTER = 1,  /* times, memory */
    PC_TRACKER_HIGHER_BETTER = 2, /* fps, throughput */
} pc_tracker_dir_t;

/* One history sample: seconds since pc_tracker_init (plus time_offset_s) and the value. */
typedef struct pc_tracker_sample {
    double t;
    double value;
} pc_tracker_sample_t;

/* A timer's totals over all threads. */
typedef struct pc_tracker_timer_stats {
    uint64_t count;
    double total_ns, mean_ns;
    uint64_t min_ns, max_ns, p50_ns, p99_ns;
} pc_tracker_timer_stats_t;

/* One regression: `change` is the relative change in the worse direction (0.25 = 25% worse). */
typedef struct pc_tracker_regression {
    char metric[PC_TRACKER_NAME_MAX + 8]; /* a metric name, or "timer:<name>" (mean ns) */
    double baseline, current, change;
    int lower_is_better;
} pc_tracker_regression_t;

/* A timer handle: the interned id of a name (for PC_TRACK and the *_id calls). */
typedef int pc_tracker_id_t;

/* ---- lifecycle ---- */

/* Defaults: no output, no flusher thread, history_cap 1024, suite "tracker", the agent (if
 * any) from $PERFCAST_AGENT / $PERFCAST_TOKEN. */
pc_tracker_config_t pc_tracker_defaults(void);
/* Starts the tracker (once per process at a time; PC_ESTATE when already started). Opens
 * cfg->path (PC_EIO when it cannot be created), starts the flusher when flush_interval_s
 * > 0 and the publisher when an agent is configured (never an error: a bad URL or an
 * unreachable agent only shows in pc_tracker_stream_status). cfg NULL means defaults.
 * Calibrates the cycle counter the first time (~25 ms). */
int pc_tracker_init(const pc_tracker_config_t *cfg);
/* Final flush (timers, metrics, calls, then a summary record with timer stats, latest metrics
 * and the regressions found so far, and an end record), stops the flusher, closes the file,
 * waits up to 2 s for the publisher to send the rest and close, and frees everything. Timers
 * still running on any thread are discarded. Safe when not started. */
void pc_tracker_shutdown(void);
/* Emits what changed since the last flush to the file/sink, on the calling thread. Returns 0,
 * PC_ESTATE when not started, PC_EIO when the file write failed. */
int pc_tracker_flush(void);
/* Optional: allocates the calling thread's buffers now, so its first timer allocates nothing. */
int pc_tracker_thread_init(void);

/* ---- timers (hot path) ---- */

/* Interns a timer name (also before pc_tracker_init; names are kept for the life of the
 * process) and returns its id (>= 0), or PC_ELIMIT (table full) / PC_EINVAL (empty or too long). */
pc_tracker_id_t pc_tracker_timer_id(const char *name);
/* Starts timer `name` on this thread, nested inside the running one. 0 or PC_E*. */
int pc_tracker_start_timer(const char *name);
/* Ends the innermost running timer, which must be `name`; returns its elapsed seconds, or a
 * negative value (a PC_E* code as a double) when `name` is not the innermost running timer. */
double pc_tracker_end_timer(const char *name);
/* Same as start/end with an id from pc_tracker_timer_id (what the scope macros use). */
int pc_tracker_start_id(pc_tracker_id_t id);
double pc_tracker_end_id(pc_tracker_id_t id);

/* ---- scope macros ---- */

/* Interns `name` once per call site into a static (names stay interned for the life of the
 * process, so the id stays right across pc_tracker_init/shutdown; -1 when the name table is
 * full or the name is bad: the block then runs untimed). */
#define PC_TRACKER_SITE_ID_(name)                                                           \
    ({                                                                                      \
        static pc_tracker_id_t pc_site_id_ = -1;                                            \
        if (pc_site_id_ < 0) pc_site_id_ = pc_tracker_timer_id(name);                       \
        pc_site_id_;                                                                        \
    })
#define PC_TRACKER_CAT2_(a, b) a##b
#define PC_TRACKER_CAT_(a, b) PC_TRACKER_CAT2_(a, b)
/* PC_TRACK("name") { ... } times the block (leave it normally; a `break` inside ends the
 * timer too, a `return` or goto out of it does not: use PC_TRACK_SCOPE for those). */
#define PC_TRACK(name)                                                                      \
    for (pc_tracker_id_t PC_TRACKER_CAT_(pc_tid_, __LINE__) = PC_TRACKER_SITE_ID_(name),      \
                         PC_TRACKER_CAT_(pc_once_, __LINE__) =                                 \
                             (pc_tracker_start_id(PC_TRACKER_CAT_(pc_tid_, __LINE__)), 1);     \
         PC_TRACKER_CAT_(pc_once_, __LINE__);                                                 \
         PC_TRACKER_CAT_(pc_once_, __LINE__) = 0, (void)pc_tracker_end_id(PC_TRACKER_CAT_(pc_tid_, __LINE__)))
/* Times from here to the end of the enclosing scope, however it is left (return included):
 * a variable with __attribute__((cleanup)). GCC/Clang only. */
#define PC_TRACK_SCOPE(name)                                                                \
    __attribute__((cleanup(pc_tracker_scope_end_))) pc_tracker_id_t PC_TRACKER_CAT_(pc_scope_, __LINE__) = \
        pc_tracker_scope_begin_(PC_TRACKER_SITE_ID_(name))
/* PC_TRACK_SCOPE named after the enclosing function (__func__). */
#define PC_TRACK_FUNC() PC_TRACK_SCOPE(__func__)

/* For the macros. */
pc_tracker_id_t pc_tracker_scope_begin_(pc_tracker_id_t id);
void pc_tracker_scope_end_(pc_tracker_id_t *id);

/* ---- metrics ---- */

/* Sets metric `name` to value and appends (now, value) to its history. 0 or PC_E*. */
int pc_tracker_track_metric(const char *name, double value);
/* The latest value of metric `name` into *value: 0, or PC_ENOTFOUND. */
int pc_tracker_get_metric(const char *name, double *value);
/* Copies up to max of the metric's newest history samples, oldest first, into out; returns
 * how many (0 for an unknown name). *dropped (may be NULL) gets how many older samples the
 * ring no longer holds. */
size_t pc_tracker_history(const char *name, pc_tracker_sample_t *out, size_t max, uint64_t *dropped);
/* Sets which way is better for metric `name` (also "timer:<name>"). 0 or PC_E*. */
int pc_tracker_set_direction(const char *name, pc_tracker_dir_t dir);
/* Totals of timer `name` over every thread: 0, or PC_ENOTFOUND. */
int pc_tracker_timer_stats(const char *name, pc_tracker_timer_stats_t *out);

/* ---- baselines and regressions ---- */

/* Makes the current values the baseline: every metric's latest value and every timer's mean
 * (as "timer:<name>"). 0 or PC_ESTATE. */
int pc_tracker_set_baseline(void);
/* Writes the baseline as JSON {"baselines": {name: value, ...}} to path. 0, PC_EIO, PC_ENOMEM. */
int pc_tracker_save_baseline(const char *path);
/* Replaces the baseline with the one in path: 0, PC_EIO (unreadable), PC_EFORMAT (not one). */
int pc_tracker_load_baseline(const char *path);
/* The baseline value of `name` into *value: 0 or PC_ENOTFOUND. */
int pc_tracker_get_baseline(const char *name, double *value);
/* Compares current values with the baseline: each one worse by more than threshold (relative;
 * <= 0 means the default 0.2) in its direction is a regression. Writes up to max of them to
 * out and returns how many there were in all; each also becomes an event record "regression:
 * ..." and goes into the summary. Negative PC_E* on error. */
int pc_tracker_detect_regressions(double threshold, pc_tracker_regression_t *out, size_t max);

/* ---- live stream to an agent ---- */

typedef enum pc_tracker_stream_state {
    PC_TRACKER_STREAM_OFF = 0,        /* no agent configured */
    PC_TRACKER_STREAM_CONNECTING = 1, /* connecting, or waiting for the agent to accept the publish */
    PC_TRACKER_STREAM_LIVE = 2,       /* the agent accepted: records flow */
    PC_TRACKER_STREAM_DONE = 3,       /* every record, the end record included, was sent; closed */
    PC_TRACKER_STREAM_DROPPED = 4,    /* given up for good: `reason` says why */
    PC_TRACKER_STREAM_STOPPED = 5,    /* a viewer stopped the published run; the program goes on */
} pc_tracker_stream_state_t;

typedef struct pc_tracker_stream_status {
    pc_tracker_stream_state_t state;
    uint64_t records_sent;     /* records written to the connection */
    uint64_t records_dropped;  /* records the agent will not get (the file, if any, has them) */
    uint64_t bytes_sent;
    size_t bytes_buffered;     /* waiting in memory for the connection */
    char url[256];             /* where to ("" when off) */
    char reason[256];          /* why it was dropped or stopped; "" otherwise */
} pc_tracker_stream_status_t;

/* The stream's state: the running tracker's, or after pc_tracker_shutdown the last session's
 * final one (state OFF when there was none). 0, or PC_EINVAL when out is NULL. */
int pc_tracker_stream_status(pc_tracker_stream_status_t *out);
/* A static name for a state ("off", "connecting", "live", "done", "dropped", "stopped"). */
const char *pc_tracker_stream_state_name(pc_tracker_stream_state_t state);

/* ---- measurement of the tracker itself ---- */

/* Times `pairs` start/end pairs of one timer on this thread and returns ns per pair (the
 * timer "tracker.selftest" gets those samples). Negative PC_E* when not started. */
double pc_tracker_measure_pair_ns(long pairs);

#endif
