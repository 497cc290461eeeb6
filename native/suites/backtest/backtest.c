/* backtest.c — the backtest suite: a tick-by-tick backtest (bt_engine.h) with every tick and
 * every stage profiled (native/profiler.h), resources sampled (native/resources.h), repeated
 * runs for statistics and optional scalability sizes.
 *
 * Threads. The engine runs on a worker thread (pinned when there are two CPUs). For each size
 * and repetition it streams ticks in chunks of CHUNK messages: a chunk is produced (the
 * generator, or the next slice of a CSV file: not measured, it stands for the feed), then
 * run through TWO engines fed the same ticks: one with the profiler on, one with it off,
 * alternating which goes first so neither always gets the warm cache. Each pass is timed
 * with the cycle counter. So every run measures its own profiler overhead, on the same
 * ticks, interleaved in time so host noise hits both alike. Both engines must end in the same
 * state to the bit (the run fails otherwise: the profiler must not change results).
 * This file's thread is the sampler: every 100 ms it ships the profiler's histogram deltas
 * (series "tick", "parse", "strategy", "risk", "execution"), a "ticks" window, the resource
 * samples (metric records: cpu_percent, cpu_machine_percent, rss_mb, coreN_percent) and,
 * as they finish, one metric record per repetition (rep_ticks_per_s ...) and per size
 * (scale_ticks, scale_ticks_per_s, scale_total_s, scale_mean_ns, scale_efficiency). */
#include <inttypes.h>
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bt_engine.h"
#include "bt_ticks.h"
#include "profiler.h"
#include "resources.h"
#include "run.h"
#include "sampler.h"
#include "suite.h"
#include "tsc.h"
#include "worker.h"

#define CHUNK 4096          /* messages per chunk: 128 KiB, stays in L2 for the second pass */
#define MAX_SIZES 8         /* sizes in one scale list */
#define MAX_TICKS 1000000000.0
#define POLL_NS 20000000    /* the sampler looks every 20 ms */
#define SAMPLE_PERIOD 0.1   /* hist/window records every 100 ms */
#define N_HIST 5            /* tick + four components */

static const char *const HIST_NAMES[N_HIST] = {"tick", "parse", "strategy", "risk", "execution"};

/* One repetition's result, written by the worker, published through n_done. */
typedef struct rep_result {
    uint64_t ticks;
    int size_index;
    double prof_s, plain_s, gen_s; /* seconds in the profiled pass, the unprofiled one, the feed */
    double mean_ns;                /* mean tick latency of this repetition */
    uint64_t p50_ns, p99_ns;
} rep_result_t;

typedef struct bt_worker {
    /* set before start */
    const pc_bt_msg_t *file;  /* CSV ticks, or NULL for the generator */
    size_t file_n;
    uint64_t sizes[MAX_SIZES];
    int n_sizes, repeat, unprofiled;
    unsigned stage_every;     /* stages timed on every Nth tick (1: all) */
    uint64_t seed;
    double sigma;
    pc_bt_config_t cfg;
    pc_prof_t *prof;
    pc_bt_prof_ids_t ids;
    /* worker-owned */
    pc_bt_engine_t on, off;
    pc_bt_msg_t *chunk;
    uint64_t *base_counts;    /* tick histogram counts at the start of a repetition */
    pc_hist_t *delta;
    int mismatch;             /* the two engines disagreed */
    uint64_t main_base[N_HIST][2]; /* [total, sum] at the start of the largest size */
    uint64_t *main_counts[N_HIST];
    /* shared */
    rep_result_t *results;    /* n_sizes * repeat, filled in order */
    _Atomic int n_done;
    _Atomic uint64_t processed; /* profiled ticks so far */
    _Atomic int stop, finished;
} bt_worker_t;

/* ---- parameters ---- */

/* Parses "10000,100000,1e6" into ascending unique sizes; 0 or PC_EINVAL with err. */
static int parse_sizes(const char *s, uint64_t *out, int *n, pc_errbuf_t *err) {
    *n = 0;
    const char *p = s;
    while (*p) {
        char *end;
        double v = strtod(p, &end);
        if (end == p || !(v >= 1 && v <= MAX_TICKS) || v != floor(v))
            return pc_errf(err, PC_EINVAL, "parameter scale: \"%s\": sizes are whole numbers of ticks in [1, %.0f], "
                           "separated by commas", s, MAX_TICKS);
        if (*n == MAX_SIZES)
            return pc_errf(err, PC_EINVAL, "parameter scale: at most %d sizes", MAX_SIZES);
        uint64_t u = (uint64_t)v;
        int k = *n;
        while (k > 0 && out[k - 1] > u) k--; /* insertion sort: lists are short */
        if (k > 0 && out[k - 1] == u)
            return pc_errf(err, PC_EINVAL, "parameter scale: %" PRIu64 " appears twice", u);
        memmove(out + k + 1, out + k, (size_t)(*n - k) * sizeof *out);
        out[k] = u;
        (*n)++;
        while (*end == ' ') end++;
        if (*end == ',') end++;
        else if (*end) return pc_errf(err, PC_EINVAL, "parameter scale: unexpected '%c' in \"%s\"", *end, s);
        p = end;
    }
    return 0;
}

static const char *param_str(const cJSON *params, const char *name) {
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(params, name));
    return s ? s : "";
}

static int backtest_check(const cJSON *params, pc_errbuf_t *err) {
    double fast = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(params, "fast"));
    double slow = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(params, "slow"));
    if (!(fast < slow))
        return pc_errf(err, PC_EINVAL, "parameters fast and slow: the fast window (%g) must be shorter than the slow one (%g)",
                       fast, slow);
    const char *scale = param_str(params, "scale"), *input = param_str(params, "input");
    if (scale[0] && input[0])
        return pc_errf(err, PC_EINVAL, "parameters scale and input: a scalability run generates its ticks; drop one");
    uint64_t sizes[MAX_SIZES];
    int n;
    if (scale[0] && parse_sizes(scale, sizes, &n, err) != 0) return PC_EINVAL;
    return 0;
}

/* ---- the worker ---- */

static uint64_t hist_total(pc_chist_t *h) { return atomic_load_explicit(&h->total, memory_order_relaxed); }
static uint64_t hist_sum(pc_chist_t *h) { return atomic_load_explicit(&h->sum, memory_order_relaxed); }

static void snapshot_counts(pc_chist_t *h, uint64_t *out) {
    for (uint32_t i = 0; i < PC_HIST_BUCKETS; i++) out[i] = atomic_load_explicit(&h->counts[i], memory_order_relaxed);
}

/* The histogram h gained since base (counts) into out, with min/max as bucket bounds. */
static void hist_delta(pc_chist_t *h, const uint64_t *base, uint64_t base_sum, pc_hist_t *out) {
    pc_hist_reset(out);
    uint32_t lo = UINT32_MAX, hi = 0;
    for (uint32_t i = 0; i < PC_HIST_BUCKETS; i++) {
        uint64_t c = atomic_load_explicit(&h->counts[i], memory_order_relaxed) - base[i];
        if (!c) continue;
        pc_hist_add_bucket(out, i, c);
        if (i < lo) lo = i;
        hi = i;
    }
    if (out->total) {
        uint64_t mn = atomic_load_explicit(&h->min, memory_order_relaxed);
        uint64_t mx = atomic_load_explicit(&h->max, memory_order_relaxed);
        if (mn < pc_hist_bucket_low(lo) || mn > pc_hist_bucket_high(lo)) mn = pc_hist_bucket_low(lo);
        if (mx > pc_hist_bucket_high(hi) || mx < pc_hist_bucket_low(hi)) mx = pc_hist_bucket_high(hi);
        pc_hist_merge_stats(out, mn, mx, (double)(hist_sum(h) - base_sum));
    }
}

static double tsc_s(uint64_t ticks) { return (double)pc_tsc_to_ns(ticks) * 1e-9; }

/* One repetition of `size` ticks; returns 0, or 1 when stopped. */
static int run_rep(bt_worker_t *w, int si, uint64_t size, rep_result_t *res) {
    pc_bt_gen_t *gen = NULL;
    if (!w->file) {
        gen = malloc(sizeof *gen);
        if (!gen) return 1;
        pc_bt_gen_init(gen, w->seed, 100.0, w->sigma);
    }
    pc_chist_t *th = pc_prof_hist(w->prof, PC_PROF_TICK);
    snapshot_counts(th, w->base_counts);
    uint64_t base_sum = hist_sum(th);
    pc_bt_engine_reset(&w->on);
    pc_bt_engine_reset(&w->off);
    uint64_t prof = 0, plain = 0, feed = 0, done = 0;
    int first_on = 1, stopped = 0;
    unsigned countdown = 1;
    while (done < size) {
        if (atomic_load_explicit(&w->stop, memory_order_relaxed)) {
            stopped = 1;
            break;
        }
        size_t k = size - done < CHUNK ? (size_t)(size - done) : CHUNK;
        const pc_bt_msg_t *msgs;
        uint64_t t0 = pc_tsc_now();
        if (gen) {
            pc_bt_gen_fill(gen, w->chunk, k);
            msgs = w->chunk;
        } else {
            msgs = w->file + done;
        }
        uint64_t t1 = pc_tsc_now();
        feed += t1 - t0;
        for (int pass = 0; pass < 2; pass++) {
            int profiled = (pass == 0) == first_on;
            if (!profiled && !w->unprofiled) continue;
            uint64_t a = pc_tsc_now();
            if (profiled) pc_bt_run_profiled(&w->on, msgs, k, w->prof, &w->ids, w->stage_every, &countdown);
            else pc_bt_run(&w->off, msgs, k);
            uint64_t b = pc_tsc_now();
            if (profiled) prof += b - a;
            else plain += b - a;
        }
        first_on = !first_on;
        done += k;
        atomic_store_explicit(&w->processed, atomic_load_explicit(&w->processed, memory_order_relaxed) + k,
                              memory_order_relaxed);
    }
    free(gen);
    if (stopped) return 1;
    if (w->unprofiled && !pc_bt_same_result(&w->on, &w->off)) w->mismatch = 1;
    hist_delta(th, w->base_counts, base_sum, w->delta);
    res->ticks = size;
    res->size_index = si;
    res->prof_s = tsc_s(prof);
    res->plain_s = w->unprofiled ? tsc_s(plain) : 0;
    res->gen_s = tsc_s(feed);
    res->mean_ns = pc_hist_mean(w->delta);
    res->p50_ns = pc_hist_quantile(w->delta, 0.5);
    res->p99_ns = pc_hist_quantile(w->delta, 0.99);
    return 0;
}

static void *worker_main(void *arg) {
    bt_worker_t *w = arg;
    for (int si = 0; si < w->n_sizes; si++) {
        if (si == w->n_sizes - 1) /* the figures of the summary: the largest size */
            for (int h = 0; h < N_HIST; h++) {
                pc_chist_t *ch = pc_prof_hist(w->prof, h == 0 ? PC_PROF_TICK : h - 1);
                w->main_base[h][0] = hist_total(ch);
                w->main_base[h][1] = hist_sum(ch);
                snapshot_counts(ch, w->main_counts[h]);
            }
        for (int rep = 0; rep < w->repeat; rep++) {
            int idx = atomic_load_explicit(&w->n_done, memory_order_relaxed);
            if (run_rep(w, si, w->sizes[si], &w->results[idx])) goto out;
            atomic_store_explicit(&w->n_done, idx + 1, memory_order_release);
        }
    }
out:
    atomic_store_explicit(&w->finished, 1, memory_order_release);
    return NULL;
}

/* ---- the sampler (this thread) ---- */

typedef struct bt_ctx {
    pc_run_t *run;
    bt_worker_t *w;
    pc_res_sampler_t *res;
    pc_hist_sampler_t hs[N_HIST];
    pc_window_sampler_t win;
    int reps_emitted, sizes_emitted;
    double base_rate; /* the smallest size's throughput, for efficiency */
    pc_res_sample_t samples[64];
} bt_ctx_t;

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    if (n <= 0) return NAN;
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static double round_to(double v, double unit) { return floor(v / unit + 0.5) * unit; }

/* Figures of size si over its repetitions: median throughput (both passes), median
 * profiled time per repetition, median mean latency, median overhead per tick. */
typedef struct size_fig {
    uint64_t ticks;
    int reps;
    double rate, rate_plain, total_s, mean_ns, overhead_ns, gen_ns;
} size_fig_t;

static void size_figures(const bt_worker_t *w, int si, int n_done, size_fig_t *f) {
    double a[100], b[100], c[100], d[100], e[100], g[100];
    int n = 0;
    memset(f, 0, sizeof *f);
    for (int i = 0; i < n_done; i++) {
        const rep_result_t *r = &w->results[i];
        if (r->size_index != si || n >= 100) continue;
        a[n] = r->prof_s > 0 ? (double)r->ticks / r->prof_s : 0;
        b[n] = r->plain_s > 0 ? (double)r->ticks / r->plain_s : 0;
        c[n] = r->prof_s;
        d[n] = r->mean_ns;
        e[n] = (r->prof_s - r->plain_s) * 1e9 / (double)r->ticks;
        g[n] = r->gen_s * 1e9 / (double)r->ticks;
        n++;
    }
    f->ticks = w->sizes[si];
    f->reps = n;
    if (!n) return;
    f->rate = median(a, n);
    f->rate_plain = median(b, n);
    f->total_s = median(c, n);
    f->mean_ns = median(d, n);
    f->overhead_ns = median(e, n);
    f->gen_ns = median(g, n);
}

static int emit_metric(pc_run_t *run, double t, const char *const *names, const double *vals, int n) {
    cJSON *o = cJSON_CreateObject();
    cJSON *v = o ? cJSON_AddObjectToObject(o, "values") : NULL;
    if (!v) {
        cJSON_Delete(o);
        return PC_ENOMEM;
    }
    cJSON_AddNumberToObject(o, "t", t);
    for (int i = 0; i < n; i++)
        if (isfinite(vals[i])) cJSON_AddNumberToObject(v, names[i], vals[i]);
    int r = pc_run_emit_json(run, PC_REC_METRIC, o);
    cJSON_Delete(o);
    return r;
}

/* Resource samples drained so far: one metric record each. A full recorder queue keeps the
 * sample for the next round (nothing lost). */
static int emit_resources(bt_ctx_t *c, size_t *pending) {
    size_t n = *pending;
    if (n < sizeof c->samples / sizeof c->samples[0])
        n += pc_res_drain(c->res, c->samples + n, sizeof c->samples / sizeof c->samples[0] - n);
    size_t i = 0;
    int r = 0;
    for (; i < n; i++) {
        const pc_res_sample_t *s = &c->samples[i];
        char names[PC_RES_MAX_VALUES][PC_RES_NAME_MAX];
        const char *np[PC_RES_MAX_VALUES];
        double vals[PC_RES_MAX_VALUES];
        int k = pc_res_sample_values(s, names, vals);
        for (int j = 0; j < k; j++) np[j] = names[j];
        if ((r = emit_metric(c->run, s->t < 0 ? 0 : s->t, np, vals, k)) != 0) break;
    }
    memmove(c->samples, c->samples + i, (n - i) * sizeof c->samples[0]);
    *pending = n - i;
    return r;
}

/* Repetitions and sizes finished since the last call: metric records. */
static int emit_results(bt_ctx_t *c, double t) {
    bt_worker_t *w = c->w;
    int n_done = atomic_load_explicit(&w->n_done, memory_order_acquire);
    while (c->reps_emitted < n_done) {
        const rep_result_t *r = &w->results[c->reps_emitted];
        static const char *const names[5] = {"rep_ticks", "rep_ticks_per_s", "rep_ticks_per_s_unprofiled",
                                             "rep_mean_ns", "rep_p99_ns"};
        double vals[5] = {(double)r->ticks, round_to((double)r->ticks / r->prof_s, 1),
                          r->plain_s > 0 ? round_to((double)r->ticks / r->plain_s, 1) : NAN,
                          round_to(r->mean_ns, 0.01), (double)r->p99_ns};
        int e = emit_metric(c->run, t, names, vals, 5);
        if (e) return e;
        c->reps_emitted++;
    }
    /* a size is complete once all its repetitions are */
    while (c->sizes_emitted < w->n_sizes && n_done >= (c->sizes_emitted + 1) * w->repeat) {
        size_fig_t f;
        size_figures(w, c->sizes_emitted, n_done, &f);
        if (c->sizes_emitted == 0) c->base_rate = f.rate;
        static const char *const names[5] = {"scale_ticks", "scale_ticks_per_s", "scale_total_s", "scale_mean_ns",
                                             "scale_efficiency"};
        double vals[5] = {(double)f.ticks, round_to(f.rate, 1), round_to(f.total_s, 1e-6), round_to(f.mean_ns, 0.01),
                          c->base_rate > 0 ? round_to(f.rate / c->base_rate, 1e-4) : NAN};
        int e = emit_metric(c->run, t, names, vals, 5);
        if (e) return e;
        c->sizes_emitted++;
    }
    return 0;
}

static int emit_samples(bt_ctx_t *c, double t) {
    int r = 0;
    for (int h = 0; h < N_HIST && r != PC_ENOMEM; h++) r = pc_sampler_emit_hist(c->run, &c->hs[h]);
    if (r != PC_ENOMEM) r = pc_sampler_emit_window(c->run, &c->win, atomic_load(&c->w->processed), t);
    return r;
}

/* ---- summary ---- */

static void add_num(cJSON *o, const char *k, double v) {
    if (isfinite(v)) cJSON_AddNumberToObject(o, k, v);
}

static void add_stats(cJSON *sum, const char *name, const pc_hist_t *h, int full) {
    pc_prof_stats_t st;
    pc_prof_stats_of(h, &st);
    if (!st.count) return;
    char key[64];
#define K(suffix) (snprintf(key, sizeof key, "%s_%s", name, suffix), key)
    add_num(sum, K("mean_ns"), round_to(st.mean_ns, 0.01));
    add_num(sum, K("p50_ns"), (double)st.p50_ns);
    if (full) {
        add_num(sum, K("p90_ns"), (double)st.p90_ns);
        add_num(sum, K("p95_ns"), (double)st.p95_ns);
    }
    add_num(sum, K("p99_ns"), (double)st.p99_ns);
    add_num(sum, K("p999_ns"), (double)st.p999_ns);
    add_num(sum, K("min_ns"), (double)st.min_ns);
    add_num(sum, K("max_ns"), (double)st.max_ns);
    add_num(sum, K("calls"), (double)st.count);
    add_num(sum, K("total_s"), round_to(st.total_ns * 1e-9, 1e-6));
#undef K
}

static cJSON *num_array(const double *v, int n, double unit) {
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a && i < n; i++) cJSON_AddItemToArray(a, cJSON_CreateNumber(round_to(v[i], unit)));
    return a;
}

static void build_summary(bt_ctx_t *c, cJSON *sum, const pc_res_totals_t *rt, const char *input) {
    bt_worker_t *w = c->w;
    int n_done = atomic_load(&w->n_done);
    int main_si = w->n_sizes - 1;
    size_fig_t f;
    size_figures(w, main_si, n_done, &f);
    add_num(sum, "ticks", (double)w->sizes[main_si]);
    add_num(sum, "repeat", f.reps);
    add_num(sum, "ticks_per_s", round_to(f.rate, 1));
    if (w->unprofiled) {
        add_num(sum, "ticks_per_s_unprofiled", round_to(f.rate_plain, 1));
        add_num(sum, "profiling_overhead_ns", round_to(f.overhead_ns, 0.01));
    }
    add_num(sum, "total_s", round_to(f.total_s, 1e-6));
    add_num(sum, "stage_every", w->stage_every);
    /* tick latency over every repetition of the main size */
    pc_hist_t *h = malloc(sizeof *h);
    if (h) {
        for (int k = 0; k < N_HIST; k++) {
            pc_chist_t *ch = pc_prof_hist(w->prof, k == 0 ? PC_PROF_TICK : k - 1);
            hist_delta(ch, w->main_counts[k], w->main_base[k][1], h);
            add_stats(sum, HIST_NAMES[k], h, k == 0);
        }
        free(h);
    }
    add_num(sum, "peak_rss_mb", round_to(rt->peak_rss_mb, 0.001));
    add_num(sum, "avg_rss_mb", round_to(rt->avg_rss_mb, 0.001));
    add_num(sum, "avg_cpu_percent", round_to(rt->avg_cpu_percent, 0.01));
    add_num(sum, "avg_cpu_machine_percent", round_to(rt->avg_cpu_machine_percent, 0.01));
    add_num(sum, "cores", rt->cores);
    add_num(sum, "feed_ns_per_tick", round_to(f.gen_ns, 0.01));
    /* per-repetition samples: what `perfcast compare` tests */
    double a[100], b[100], m[100], p[100];
    int n = 0;
    for (int i = 0; i < n_done && n < 100; i++) {
        const rep_result_t *r = &w->results[i];
        if (r->size_index != main_si) continue;
        a[n] = (double)r->ticks / r->prof_s;
        b[n] = r->plain_s > 0 ? (double)r->ticks / r->plain_s : 0;
        m[n] = r->mean_ns;
        p[n] = (double)r->p99_ns;
        n++;
    }
    cJSON_AddItemToObject(sum, "ticks_per_s_samples", num_array(a, n, 1));
    if (w->unprofiled) cJSON_AddItemToObject(sum, "ticks_per_s_unprofiled_samples", num_array(b, n, 1));
    cJSON_AddItemToObject(sum, "tick_mean_ns_samples", num_array(m, n, 0.01));
    cJSON_AddItemToObject(sum, "tick_p99_ns_samples", num_array(p, n, 1));
    /* the backtest's own results (the profiled engine; the unprofiled one matched it) */
    const pc_bt_engine_t *e = &w->on;
    uint64_t rejected = 0;
    for (int i = 0; i < PC_BT_REJ_N; i++) rejected += e->rejects[i];
    add_num(sum, "trades", (double)e->fills);
    add_num(sum, "orders", (double)e->orders);
    add_num(sum, "orders_rejected", (double)rejected);
    add_num(sum, "rejected_position", (double)e->rejects[PC_BT_REJ_POSITION]);
    add_num(sum, "rejected_notional", (double)e->rejects[PC_BT_REJ_NOTIONAL]);
    add_num(sum, "rejected_rate", (double)e->rejects[PC_BT_REJ_RATE]);
    add_num(sum, "rejected_kill_switch", (double)e->rejects[PC_BT_REJ_KILL]);
    add_num(sum, "partial_fills", (double)e->partial_fills);
    add_num(sum, "volume", (double)e->volume);
    add_num(sum, "notional", round_to(e->notional, 0.01));
    add_num(sum, "fees", round_to(e->fees, 0.01));
    add_num(sum, "realized_pnl", round_to(e->realized, 0.01));
    add_num(sum, "unrealized_pnl", round_to(e->unrealized, 0.01));
    add_num(sum, "pnl", round_to(pc_bt_pnl(e), 0.01));
    add_num(sum, "return_percent", round_to(pc_bt_pnl(e) / e->cfg.capital * 100, 1e-4));
    add_num(sum, "final_equity", round_to(e->equity, 0.01));
    add_num(sum, "max_drawdown", round_to(e->max_drawdown, 0.01));
    add_num(sum, "max_drawdown_percent", round_to(e->max_drawdown_pct, 1e-4));
    add_num(sum, "final_position", (double)e->position);
    cJSON_AddBoolToObject(sum, "kill_switch", e->killed);
    add_num(sum, "bad_ticks", (double)e->bad_ticks);
    if (w->unprofiled) cJSON_AddBoolToObject(sum, "deterministic", !w->mismatch);
    /* scalability: one object per size */
    cJSON *sc = cJSON_AddArrayToObject(sum, "scale");
    double base = 0;
    for (int si = 0; sc && si < w->n_sizes; si++) {
        size_figures(w, si, n_done, &f);
        if (!f.reps) break;
        if (si == 0) base = f.rate;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(sc, o);
        add_num(o, "ticks", (double)f.ticks);
        add_num(o, "ticks_per_s", round_to(f.rate, 1));
        if (w->unprofiled) add_num(o, "ticks_per_s_unprofiled", round_to(f.rate_plain, 1));
        add_num(o, "total_s", round_to(f.total_s, 1e-6));
        add_num(o, "mean_ns", round_to(f.mean_ns, 0.01));
        add_num(o, "efficiency", base > 0 ? round_to(f.rate / base, 1e-4) : NAN);
    }
    cJSON_AddStringToObject(sum, "input", input[0] ? input : "generated");
    add_num(sum, "seed", (double)w->seed);
    add_num(sum, "tsc_ghz", round_to(pc_tsc_ghz(), 1e-4));
    cJSON_AddStringToObject(sum, "tick_source", pc_tsc_source());
}

/* ---- the suite ---- */

static int backtest_run(pc_run_t *run) {
    const cJSON *params = pc_run_params(run);
    pc_errbuf_t err = {{0}};
    if (backtest_check(params, &err) != 0) return pc_run_fail(run, PC_EINVAL, "%s", err.msg);
    pc_tsc_init();
    const char *input = param_str(params, "input"), *scale = param_str(params, "scale");

    bt_worker_t *w = calloc(1, sizeof *w);
    bt_ctx_t c;
    memset(&c, 0, sizeof c);
    c.run = run;
    c.w = w;
    int r = 0, started = 0;
    pthread_t th;
    pc_bt_msg_t *file = NULL;
    if (!w) return pc_run_fail(run, PC_ENOMEM, "out of memory");
    w->repeat = (int)pc_run_param_int(run, "repeat");
    w->unprofiled = pc_run_param_int(run, "unprofiled") != 0;
    w->stage_every = (unsigned)pc_run_param_int(run, "stage_every");
    w->seed = (uint64_t)pc_run_param_int(run, "seed");
    w->sigma = pc_run_param_double(run, "sigma");
    pc_bt_config_default(&w->cfg);
    w->cfg.fast = (int)pc_run_param_int(run, "fast");
    w->cfg.slow = (int)pc_run_param_int(run, "slow");
    w->cfg.qty = pc_run_param_int(run, "qty");
    w->cfg.max_position = w->cfg.qty;
    w->cfg.fee_bps = pc_run_param_double(run, "fee_bps");
    w->cfg.max_drawdown = pc_run_param_double(run, "max_drawdown");

    if (input[0]) {
        size_t n;
        if ((r = pc_bt_csv_load(input, &file, &n, &err)) != 0) {
            r = pc_run_fail(run, r, "%s", err.msg);
            goto out;
        }
        w->file = file;
        w->file_n = n;
        w->sizes[0] = n;
        w->n_sizes = 1;
    } else if (scale[0]) {
        parse_sizes(scale, w->sizes, &w->n_sizes, &err);
    } else {
        w->sizes[0] = (uint64_t)pc_run_param_int(run, "ticks");
        w->n_sizes = 1;
    }
    w->results = calloc((size_t)(w->n_sizes * w->repeat), sizeof *w->results);
    w->chunk = malloc(CHUNK * sizeof *w->chunk);
    w->base_counts = malloc(PC_HIST_BUCKETS * sizeof(uint64_t));
    w->delta = malloc(sizeof *w->delta);
    w->prof = pc_prof_create();
    int ok = w->results && w->chunk && w->base_counts && w->delta && w->prof;
    for (int h = 0; ok && h < N_HIST; h++) ok = (w->main_counts[h] = malloc(PC_HIST_BUCKETS * sizeof(uint64_t))) != NULL;
    if (!ok || pc_bt_prof_ids(w->prof, &w->ids) != 0 || pc_bt_engine_init(&w->on, &w->cfg) != 0 ||
        pc_bt_engine_init(&w->off, &w->cfg) != 0) {
        r = pc_run_fail(run, PC_ENOMEM, "out of memory");
        goto out;
    }
    for (int h = 0; h < N_HIST; h++)
        if (pc_hist_sampler_init(&c.hs[h], HIST_NAMES[h], pc_prof_hist(w->prof, h == 0 ? PC_PROF_TICK : h - 1))) {
            r = pc_run_fail(run, PC_ENOMEM, "out of memory");
            goto out;
        }
    /* touch the chunk and the engines' rings before the clock starts */
    memset(w->chunk, 0, CHUNK * sizeof *w->chunk);

    double t0 = pc_run_elapsed(run);
    c.res = pc_res_start(pc_run_param_double(run, "interval"), pc_clock_ns() - (uint64_t)(t0 * 1e9));
    if (!c.res) {
        r = pc_run_fail(run, PC_ENOMEM, "cannot start the resource sampler thread");
        goto out;
    }
    pc_run_event(run, input[0] ? "backtest (file)" : "backtest");
    pc_window_sampler_start(&c.win, "ticks", 0, t0);
    int cpus[2], pinned = 1;
    int cpu = pc_run_param_int(run, "pin") && pc_worker_pick_cpus(cpus) == 2 ? cpus[1] : -1;
    pc_res_mark(c.res);
    if (pc_worker_spawn(&th, worker_main, w, cpu, &pinned) != 0) {
        r = pc_run_fail(run, PC_ENOMEM, "cannot start the engine thread");
        goto out;
    }
    started = 1;
    uint64_t total = 0;
    for (int si = 0; si < w->n_sizes; si++) total += w->sizes[si] * (uint64_t)w->repeat;
    double last_emit = t0;
    size_t pending = 0;
    int was_done = 0;
    for (;;) {
        pc_sampler_sleep_ns(POLL_NS);
        if (pc_run_should_stop(run)) atomic_store(&w->stop, 1);
        int done = atomic_load_explicit(&w->finished, memory_order_acquire);
        double t = pc_run_elapsed(run);
        if ((r = emit_results(&c, t)) == PC_ENOMEM) break;
        if (t - last_emit >= SAMPLE_PERIOD || done) {
            if ((r = emit_samples(&c, t)) == PC_ENOMEM) break;
            if ((r = emit_resources(&c, &pending)) == PC_ENOMEM) break;
            last_emit = t;
            double frac = (double)atomic_load(&w->processed) / (double)(total ? total : 1);
            pc_run_progress(run, frac > 1 ? 1 : frac, "backtest");
        }
        if (done) {
            if (was_done) break;
            was_done = 1; /* one more round, so what finished last is emitted */
        }
    }
    pthread_join(th, NULL);
    started = 0;
    if (r == PC_ENOMEM) {
        r = pc_run_fail(run, r, "out of memory");
        goto out;
    }
    pc_res_sample_now(c.res);
    pc_res_totals_t rt;
    pc_res_totals(c.res, &rt);
    double t = pc_run_elapsed(run);
    PC_SAMPLER_EMIT_FINAL(r = emit_samples(&c, t));
    PC_SAMPLER_EMIT_FINAL(r = emit_results(&c, t));
    PC_SAMPLER_EMIT_FINAL(r = emit_resources(&c, &pending));
    r = 0;
    int stopped = atomic_load(&w->stop);
    pc_run_event(run, stopped ? "stopped" : "done");
    if (atomic_load(&w->n_done) > 0) {
        cJSON *sum = cJSON_CreateObject();
        if (!sum) {
            r = pc_run_fail(run, PC_ENOMEM, "out of memory");
            goto out;
        }
        build_summary(&c, sum, &rt, input);
        cJSON_AddBoolToObject(sum, "pinned", cpu >= 0 && pinned);
        pc_run_set_summary(run, sum);
    }
    pc_run_progress(run, 1.0, "done");
    if (w->mismatch)
        r = pc_run_fail(run, PC_ECORRUPT, "the profiled and the unprofiled engine ended in different states");
out:
    if (started) {
        atomic_store(&w->stop, 1);
        pthread_join(th, NULL);
    }
    pc_res_stop(c.res);
    for (int h = 0; h < N_HIST; h++) pc_hist_sampler_free(&c.hs[h]);
    pc_bt_engine_free(&w->on);
    pc_bt_engine_free(&w->off);
    pc_prof_destroy(w->prof);
    for (int h = 0; h < N_HIST; h++) free(w->main_counts[h]);
    free(w->results);
    free(w->chunk);
    free(w->base_counts);
    free(w->delta);
    free(w);
    free(file);
    return r;
}

static const pc_param_def_t backtest_params[] = {
    {"ticks", PC_PARAM_INT, 1000000, 100000, 1, MAX_TICKS, "ticks", "generated ticks per run"},
    {"repeat", PC_PARAM_INT, 5, 3, 1, 100, "runs",
     "repetitions of the whole backtest (fresh engine, same ticks): the samples `perfcast compare` tests"},
    {"scale", PC_PARAM_STRING, 0, 0, 0, 200, "ticks",
     "scalability: comma-separated sizes, e.g. 10000,100000,1000000,10000000 (each run `repeat` times)"},
    {"input", PC_PARAM_STRING, 0, 0, 0, 4096, "", "CSV tick file (ts_ns,bid,ask,bid_size,ask_size) instead of generated ticks", 1},
    {"unprofiled", PC_PARAM_BOOL, 1, 1, 0, 1, "",
     "also run every chunk through an unprofiled engine: ticks_per_s_unprofiled and profiling_overhead_ns"},
    {"stage_every", PC_PARAM_INT, 1, 1, 1, 1000000, "ticks",
     "time the four stages on every Nth tick (1: every tick; ticks are always all timed)"},
    {"seed", PC_PARAM_INT, 42, 42, 0, 9007199254740991.0, "", "seed of the generated ticks"},
    {"sigma", PC_PARAM_DOUBLE, 0.0001, 0.0001, 0, 0.1, "", "generated mid: standard deviation of each tick's log-return"},
    {"fast", PC_PARAM_INT, 20, 20, 1, 100000, "ticks", "strategy: fast moving-average window"},
    {"slow", PC_PARAM_INT, 100, 100, 2, 1000000, "ticks", "strategy: slow moving-average window"},
    {"qty", PC_PARAM_INT, 100, 100, 1, 1000000, "units", "order size; the position limit is the same"},
    {"fee_bps", PC_PARAM_DOUBLE, 0.5, 0.5, 0, 100, "bp", "fee per fill in basis points of its notional"},
    {"max_drawdown", PC_PARAM_DOUBLE, 50000, 50000, 0, 1e12, "currency",
     "risk kill switch: below the equity peak by this much, only reducing orders pass (0: off)"},
    {"interval", PC_PARAM_DOUBLE, 0.1, 0.1, 0.01, 10, "s", "resource sampling interval"},
    {"pin", PC_PARAM_BOOL, 1, 1, 0, 1, "", "pin the engine thread to its own CPU when there are two"},
};

static const char *const backtest_summary_keys[] = {
    "ticks", "ticks_per_s", "tick_mean_ns", "tick_p50_ns", "tick_p90_ns", "tick_p95_ns", "tick_p99_ns",
    "peak_rss_mb", "avg_cpu_percent", "profiling_overhead_ns", "ticks_per_s_unprofiled", NULL,
};

static const char *const backtest_views[] = {"tick-latency-histogram", "components", "resources", "scalability",
                                             "summary", NULL};

static const pc_series_def_t backtest_series[] = {
    {"tick", "tick (all stages)", "ns"},
    {"parse", "parse", "ns"},
    {"strategy", "strategy", "ns"},
    {"risk", "risk", "ns"},
    {"execution", "execution", "ns"},
    {"ticks", "ticks (profiled engine, wall clock)", "ticks/s"},
};

char *pc_bt_report(const cJSON *summary); /* bt_report.c */

const pc_suite_t pc_suite_backtest = {
    .name = "backtest",
    .description = "Tick-by-tick backtest (parse, moving-average strategy, risk checks, execution simulator) with "
                   "every tick and stage profiled, profiling off vs on in the same run, CPU and memory sampled, "
                   "optional scalability sizes and a CSV tick input",
    .params = backtest_params,
    .n_params = sizeof backtest_params / sizeof backtest_params[0],
    .summary_keys = backtest_summary_keys,
    .views = backtest_views,
    .series = backtest_series,
    .n_series = sizeof backtest_series / sizeof backtest_series[0],
    .check = backtest_check,
    .run = backtest_run,
    .report = pc_bt_report,
};
