/* dash_rules.h — what the dashboard concludes from a run's records (internal to shared/views/).
 *
 * Robust anomalies in a metric series, the timers' totals and the call tree at a time t, the
 * active regression alerts as one line of text, and the optimization suggestions: rules that
 * read measured data (summary, params, header, samples, timers, alerts) and state what it
 * shows, with the numbers. A rule whose data is absent says nothing. Everything is a pure
 * function of the model at time t (t < 0: everything); nothing allocates, nothing is kept. */
#ifndef PC_DASH_RULES_H
#define PC_DASH_RULES_H

#include <stddef.h>

#include "model.h"

/* ---- anomalies ---- */

/* The rule: sample i is an anomaly when |x_i - med| > PC_DASH_ANOMALY_Z * scale, where med is
 * the median of the PC_DASH_ANOMALY_WINDOW samples centred on i (shifted inwards at the ends)
 * and scale = 1.4826 * MAD of that window (the MAD estimate of sigma), or 1.2533 * the mean
 * absolute deviation when the MAD is 0, and at least 2% of |med| (so on a very steady series
 * the noise of a timer is not called an anomaly: a sample within 7% of the median never is). Rolling rather than global, so a series that
 * trends (render time growing with the fractal's zoom) is judged against its neighbours; a
 * lasting shift is a regression (alerts), not a string of anomalies. */
#define PC_DASH_ANOMALY_WINDOW 15 /* a level shift lasting 8 samples or more becomes the median, not anomalies */
#define PC_DASH_ANOMALY_Z 3.5
#define PC_DASH_ANOMALY_MIN_SAMPLES 8 /* fewer samples: no anomalies are reported */

typedef struct pc_dash_anomaly {
    size_t i;      /* sample index */
    double median; /* its window's median */
    double z;      /* |x - median| / scale */
} pc_dash_anomaly_t;

/* Finds the anomalies among samples [i0, i1) of s, judged within the first n samples (those
 * up to the cursor: pc_vc_samples_upto). Writes the first max_idx anomalous indices into idx
 * (may be NULL) and the one with the largest z into *worst (may be NULL; untouched when there
 * is none). Returns the number of anomalies in [i0, i1). */
size_t pc_dash_anomalies(const pc_series_t *s, size_t n, size_t i0, size_t i1, size_t *idx, size_t max_idx,
                         pc_dash_anomaly_t *worst);

/* ---- the metrics the dashboard shows ---- */

#define PC_DASH_MAX_METRICS 9

/* The metric series the dashboard gives a card (and its timeline can select), in this order:
 * render_ms, frame_ms, fps, memory_mb (else rss_mb), cpu_percent, iterations, then the run's
 * other metric series that are not resource samples (cpu_machine_percent, coreN_percent, io_*,
 * iowait_percent, gpu_*), in model order. Independent of the cursor, so an index (the view state's
 * `select`) means the same series at every t. Writes up to max into out; returns the count. */
int pc_dash_metrics(const pc_model_t *m, const pc_series_t **out, int max);
/* True for the resource sampler's series (shown in the resources panel, not as cards). */
int pc_dash_is_resource(const char *name);
/* A metric's human caption and unit by name: render_ms -> "render time", "ms"; others by
 * suffix (_ms, _mb, _percent, _per_s, fps). Static strings. */
void pc_dash_metric_info(const char *name, const char **label, const char **unit);

/* A metric value with its unit, 3 significant digits: "12.3 ms", "0.85 ms", "59.9 fps", "99%",
 * "1.23 M iter", "350 ns"; "–" when v is not finite. */
void pc_dash_fmt(char *buf, size_t cap, double v, const char *unit);

/* ---- directions, alerts ---- */

/* 1 when lower values of s are better (times, memory), 0 when higher are (fps, throughput):
 * the baseline record's direction, else by name ("fps", "throughput", "*_per_s", "*rate*"). */
int pc_dash_lower_is_better(const pc_series_t *s);
/* The regression threshold the run's baseline record set (0.2 = 20% worse), 0.2 without one. */
double pc_dash_threshold(const pc_model_t *m);
/* The metrics in regression at t (pc_model_alert_at), as one line into buf (cap bytes; buf may
 * be NULL to count only): "render_ms 35% worse than baseline (12.1 -> 16.3), fps ...". Returns
 * how many metrics are in regression (0: buf holds ""). */
int pc_dash_alerts_text(const pc_model_t *m, double t, char *buf, size_t cap);

/* ---- timers and the call tree ---- */

#define PC_DASH_MAX_TIMERS 32
#define PC_DASH_MAX_EDGES 256

typedef struct pc_dash_timer {
    const pc_series_t *s; /* the "timer:<name>" hist series */
    const char *name;     /* <name>, pointing into s->name */
    double calls;         /* timed calls up to t */
    double total_ns;      /* their summed time (bucket midpoints for t before the last delta) */
    int root;             /* 1 when the call tree has it without a parent (a thread's outermost timer) */
} pc_dash_timer_t;

typedef struct pc_dash_edge {
    const char *parent; /* "" for a root */
    const char *child;
    double calls, total_ns;
} pc_dash_edge_t;

/* The call tree's edges from the latest calls record (cumulative; the model keeps only the
 * latest, so it is the tree as of that record's t): up to max into out (pointers into m, valid
 * until the next applied record). Returns the count. */
int pc_dash_edges(const pc_model_t *m, pc_dash_edge_t *out, int max);
/* The "timer:<name>" series with at least one call at t, up to max (PC_DASH_MAX_TIMERS) into
 * out, sorted by total time, largest first; roots marked from edges[0..n_edges). Returns the count. */
int pc_dash_timers(const pc_model_t *m, double t, const pc_dash_edge_t *edges, int n_edges, pc_dash_timer_t *out,
                   int max);
/* The root timer name a timer's time is part of: the parent chain of the edge that carries
 * most of its time, followed up to a root (cycles and depth > 16 stop the walk). Returns the
 * root's name, or NULL when `name` is a root itself or has no edge. */
const char *pc_dash_root_of(const pc_dash_edge_t *edges, int n_edges, const char *name);

/* ---- suggestions ---- */

#define PC_DASH_TIP_LEN 240
#define PC_DASH_MAX_TIPS 12

typedef enum pc_dash_tip_kind {
    PC_TIP_REGRESSION = 1, /* a metric in regression at t (one tip each for the first three, one for the rest) */
    PC_TIP_BASELINE_OK,    /* every metric with a baseline is within the threshold */
    PC_TIP_ANOMALY,        /* anomalies in a metric series (one tip per series) */
    PC_TIP_TILE,           /* summary tile_sweep: fastest vs slowest tile size */
    PC_TIP_SIMD,           /* summary simd / simd_available / speedup_simd, param simd */
    PC_TIP_THREADS,        /* threads vs the header's logical cores, process CPU */
    PC_TIP_SCALING,        /* summary speedup_threads vs threads */
    PC_TIP_TIMER,          /* the timer with the largest share of its root timer */
    PC_TIP_COMPLEXITY,     /* render_ms vs iterations, first vs last quarter of the samples */
} pc_dash_tip_kind_t;

typedef struct pc_dash_tip {
    int kind;  /* pc_dash_tip_kind_t */
    int level; /* 0 a fact, 1 worth a look, 2 a regression */
    char text[PC_DASH_TIP_LEN];
} pc_dash_tip_t;

/* Runs every rule on m at t and writes up to max tips (regressions first, anomalies last) into tips. Returns
 * the count. */
int pc_dash_suggest(const pc_model_t *m, double t, pc_dash_tip_t *tips, int max);

#endif
