/* tracker.c — see tracker.h. Global state under one mutex for everything but the timer path;
 * timers live in per-thread states (thread-local pointer) that the flusher reads with relaxed
 * atomics. Thread states are never freed while the tracker runs (a thread that exited may
 * still hold unshipped samples); shutdown frees them all and bumps the generation, so a
 * thread's stale thread-local pointer is never followed again. */
#include "tracker.h"
#include "tracker_stream.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cJSON.h"
#include "chist.h"
#include "hist.h"
#include "pc_error.h"
#include "record.h"
#include "resources.h"
#include "sysinfo.h"
#include "tsc.h"

#define TR_CACHE 64           /* per-thread name-pointer cache slots (direct mapped) */
#define TR_MAX_BASE (PC_TRACKER_MAX_METRICS + PC_TRACKER_MAX_TIMERS)
#define TR_MAX_REG 64         /* regressions kept for the summary */
#define TR_MAX_ALERTS 64      /* alert transitions waiting for the next flush */

#define RELAXED_ADD(var, n) PC_CHIST_RELAXED_ADD_(var, n)
#define LOAD(var) atomic_load_explicit(&(var), memory_order_relaxed)

typedef struct tr_frame {
    pc_tracker_id_t id;
    uint64_t t0;
} tr_frame_t;

typedef struct tr_thread {
    struct tr_thread *next;
    int depth;
    tr_frame_t stack[PC_TRACKER_MAX_DEPTH];
    const char *cache_key[TR_CACHE];
    pc_tracker_id_t cache_id[TR_CACHE];
    _Atomic(pc_chist_t *) hist[PC_TRACKER_MAX_TIMERS];
    /* [parent id + 1][child id]: row 0 is "no parent" (a root timer) */
    _Atomic uint64_t edge_calls[PC_TRACKER_MAX_TIMERS + 1][PC_TRACKER_MAX_TIMERS];
    _Atomic uint64_t edge_ns[PC_TRACKER_MAX_TIMERS + 1][PC_TRACKER_MAX_TIMERS];
} tr_thread_t;

typedef struct tr_metric {
    char name[PC_TRACKER_NAME_MAX];
    double value;
    pc_tracker_sample_t *ring;
    uint64_t n_total;  /* samples ever tracked */
    uint64_t shipped;  /* samples already flushed */
} tr_metric_t;

typedef struct tr_named {
    char name[PC_TRACKER_NAME_MAX + 8];
    double value;
} tr_named_t;

/* Names: process-wide, never cleared, so call-site statics stay valid. */
static pthread_mutex_t g_names_mu = PTHREAD_MUTEX_INITIALIZER;
static char g_names[PC_TRACKER_MAX_TIMERS][PC_TRACKER_NAME_MAX];
static _Atomic int g_n_names;

static struct {
    pthread_mutex_t mu;       /* metrics, baselines, directions, alerts, thread list */
    pthread_mutex_t flush_mu; /* one flush at a time */
    int started;
    pc_tracker_config_t cfg;
    FILE *file;
    uint64_t t0_ns;
    double started_unix;
    tr_thread_t *threads;
    tr_metric_t metrics[PC_TRACKER_MAX_METRICS];
    int n_metrics;
    tr_named_t base[TR_MAX_BASE];
    int n_base;
    struct { char name[PC_TRACKER_NAME_MAX + 8]; int dir; } dirs[TR_MAX_BASE];
    int n_dirs;
    pc_tracker_regression_t regs[TR_MAX_REG];
    int n_regs;
    unsigned char base_active[TR_MAX_BASE]; /* base[i] is in regression (alert sent) */
    int base_dirty;           /* the baseline changed since the last flush: ship it */
    double threshold;         /* the regression threshold in use (cfg's, or the last detect's) */
    struct { pc_tracker_regression_t rg; double t, threshold; int active; } alerts[TR_MAX_ALERTS];
    int n_alerts;
    uint64_t alerts_lost;     /* transitions past TR_MAX_ALERTS between two flushes */
    pc_res_sampler_t *res;    /* resource sampler (cfg.resource_interval_s > 0), else NULL */
    cJSON *sys;               /* system info for the header, until it is written */
    /* flusher-side state (under flush_mu) */
    int header_done;
    pc_hist_t *shipped[PC_TRACKER_MAX_TIMERS];
    uint64_t shipped_sum[PC_TRACKER_MAX_TIMERS];
    uint64_t calls_shipped;
    uint64_t dropped;
    int io_error;
    pthread_t flusher;
    int flusher_on, stop;
    pthread_cond_t cv;
} g = {.mu = PTHREAD_MUTEX_INITIALIZER, .flush_mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static _Atomic unsigned g_gen = 0;               /* odd while started */
static _Thread_local tr_thread_t *tls_state;
static _Thread_local unsigned tls_gen;

static double now_t(void) { return (double)(pc_clock_ns() - g.t0_ns) * 1e-9 + g.cfg.time_offset_s; }

static void copy_name(char *dst, size_t cap, const char *src) {
    size_t n = strlen(src);
    if (n >= cap) n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* ---------------------------------------------------------------- names */

pc_tracker_id_t pc_tracker_timer_id(const char *name) {
    if (!name || !*name || strlen(name) >= PC_TRACKER_NAME_MAX) return PC_EINVAL;
    int n = atomic_load_explicit(&g_n_names, memory_order_acquire);
    for (int i = 0; i < n; i++)
        if (!strcmp(g_names[i], name)) return i;
    pthread_mutex_lock(&g_names_mu);
    n = atomic_load_explicit(&g_n_names, memory_order_relaxed);
    int id = PC_ELIMIT;
    for (int i = 0; i < n; i++)
        if (!strcmp(g_names[i], name)) id = i;
    if (id == PC_ELIMIT && n < PC_TRACKER_MAX_TIMERS) {
        copy_name(g_names[n], sizeof g_names[n], name);
        atomic_store_explicit(&g_n_names, n + 1, memory_order_release); /* name visible before its id */
        id = n;
    }
    pthread_mutex_unlock(&g_names_mu);
    return id;
}

/* ---------------------------------------------------------------- per-thread state */

/* The calling thread's state for this generation, created on first use; NULL when the
 * tracker is not started or out of memory. */
static tr_thread_t *thread_get_slow(void) {
    pthread_mutex_lock(&g.mu);
    tr_thread_t *t = NULL;
    if (g.started) {
        t = aligned_alloc(64, (sizeof *t + 63) & ~(size_t)63);
        if (t) {
            memset(t, 0, sizeof *t);
            t->next = g.threads;
            g.threads = t;
        }
    }
    unsigned gen = atomic_load(&g_gen);
    pthread_mutex_unlock(&g.mu);
    tls_state = t;
    tls_gen = t ? gen : 0;
    return t;
}

static inline tr_thread_t *thread_get(void) {
    if (__builtin_expect(tls_gen == atomic_load_explicit(&g_gen, memory_order_relaxed) && tls_state != NULL, 1))
        return tls_state;
    return thread_get_slow();
}

int pc_tracker_thread_init(void) { return thread_get() ? 0 : PC_ESTATE; }

/* ---------------------------------------------------------------- timers */

int pc_tracker_start_id(pc_tracker_id_t id) {
    tr_thread_t *t = thread_get();
    if (__builtin_expect(!t, 0)) return PC_ESTATE;
    if (__builtin_expect((unsigned)id >= (unsigned)PC_TRACKER_MAX_TIMERS, 0)) return PC_EINVAL;
    if (__builtin_expect(t->depth >= PC_TRACKER_MAX_DEPTH, 0)) return PC_ELIMIT;
    if (__builtin_expect(LOAD(t->hist[id]) == NULL, 0)) { /* first use of this timer on this thread */
        pc_chist_t *h = pc_chist_create();
        if (!h) return PC_ENOMEM;
        atomic_store_explicit(&t->hist[id], h, memory_order_release);
    }
    tr_frame_t *f = &t->stack[t->depth++];
    f->id = id;
    f->t0 = pc_tsc_now();
    return 0;
}

/* Pops timer `id` (which must be the innermost open one) ended at `now`, records it and its
 * edge from the parent; the elapsed seconds, or PC_EINVAL for a mismatched end. */
static inline double end_frame(tr_thread_t *t, pc_tracker_id_t id, uint64_t now) {
    if (__builtin_expect(t->depth == 0 || t->stack[t->depth - 1].id != id, 0)) return PC_EINVAL;
    tr_frame_t *f = &t->stack[--t->depth];
    uint64_t ns = pc_tsc_to_ns(now - f->t0);
    pc_chist_record(LOAD(t->hist[id]), ns);
    int parent = t->depth ? t->stack[t->depth - 1].id + 1 : 0;
    RELAXED_ADD(t->edge_calls[parent][id], 1);
    RELAXED_ADD(t->edge_ns[parent][id], ns);
    return (double)ns * 1e-9;
}

double pc_tracker_end_id(pc_tracker_id_t id) {
    uint64_t now = pc_tsc_now();
    tr_thread_t *t = thread_get();
    if (__builtin_expect(!t, 0)) return PC_ESTATE;
    return end_frame(t, id, now);
}

/* Name -> id through the thread's pointer cache (the interned table on a miss). */
static inline pc_tracker_id_t cached_id(tr_thread_t *t, const char *name) {
    unsigned slot = (unsigned)(((uintptr_t)name >> 3) * 0x9E3779B1u) >> 26; /* 6 bits: TR_CACHE */
    if (__builtin_expect(t->cache_key[slot] == name, 1)) return t->cache_id[slot];
    pc_tracker_id_t id = pc_tracker_timer_id(name);
    if (id >= 0) {
        t->cache_key[slot] = name;
        t->cache_id[slot] = id;
    }
    return id;
}

int pc_tracker_start_timer(const char *name) {
    tr_thread_t *t = thread_get();
    if (!t) return PC_ESTATE;
    pc_tracker_id_t id = cached_id(t, name);
    return id < 0 ? id : pc_tracker_start_id(id);
}

double pc_tracker_end_timer(const char *name) {
    uint64_t now = pc_tsc_now();
    tr_thread_t *t = thread_get();
    if (!t) return PC_ESTATE;
    pc_tracker_id_t id = cached_id(t, name);
    if (id < 0) return id;
    return end_frame(t, id, now);
}

pc_tracker_id_t pc_tracker_scope_begin_(pc_tracker_id_t id) { return pc_tracker_start_id(id) == 0 ? id : -1; }
void pc_tracker_scope_end_(pc_tracker_id_t *id) {
    if (*id >= 0) (void)pc_tracker_end_id(*id);
}

/* Sums timer id's histogram over every thread into out (and its sum of ns); under g.mu. */
static void timer_aggregate(int id, pc_hist_t *out, uint64_t *sum) {
    pc_hist_reset(out);
    *sum = 0;
    for (tr_thread_t *t = g.threads; t; t = t->next) {
        pc_chist_t *h = atomic_load_explicit(&t->hist[id], memory_order_acquire);
        if (!h) continue;
        pc_chist_to_hist(h, out);
        *sum += LOAD(h->sum);
    }
}

int pc_tracker_timer_stats(const char *name, pc_tracker_timer_stats_t *out) {
    pc_tracker_id_t id = pc_tracker_timer_id(name);
    if (id < 0) return PC_ENOTFOUND;
    pc_hist_t *h = malloc(sizeof *h);
    if (!h) return PC_ENOMEM;
    uint64_t sum;
    pthread_mutex_lock(&g.mu);
    timer_aggregate(id, h, &sum);
    pthread_mutex_unlock(&g.mu);
    memset(out, 0, sizeof *out);
    int r = PC_ENOTFOUND;
    if (h->total) {
        out->count = h->total;
        out->total_ns = (double)sum;
        out->mean_ns = (double)sum / (double)h->total;
        out->min_ns = h->min;
        out->max_ns = h->max;
        out->p50_ns = pc_hist_quantile(h, 0.5);
        out->p99_ns = pc_hist_quantile(h, 0.99);
        r = 0;
    }
    free(h);
    return r;
}

double pc_tracker_measure_pair_ns(long pairs) {
    pc_tracker_id_t id = pc_tracker_timer_id("tracker.selftest");
    if (id < 0) return id;
    if (pc_tracker_start_id(id)) return PC_ESTATE; /* warm: thread state and histogram exist */
    pc_tracker_end_id(id);
    uint64_t t0 = pc_clock_ns();
    for (long i = 0; i < pairs; i++) {
        pc_tracker_start_id(id);
        pc_tracker_end_id(id);
    }
    return (double)(pc_clock_ns() - t0) / (double)(pairs > 0 ? pairs : 1);
}

/* ---------------------------------------------------------------- metrics */

static tr_metric_t *metric_find(const char *name) {
    for (int i = 0; i < g.n_metrics; i++)
        if (!strcmp(g.metrics[i].name, name)) return &g.metrics[i];
    return NULL;
}

int pc_tracker_track_metric(const char *name, double value) {
    if (!name || !*name || strlen(name) >= PC_TRACKER_NAME_MAX) return PC_EINVAL;
    pthread_mutex_lock(&g.mu);
    int r = 0;
    tr_metric_t *m = g.started ? metric_find(name) : NULL;
    if (!g.started) r = PC_ESTATE;
    else if (!m && g.n_metrics >= PC_TRACKER_MAX_METRICS) r = PC_ELIMIT;
    else if (!m) {
        m = &g.metrics[g.n_metrics];
        memset(m, 0, sizeof *m);
        m->ring = malloc(g.cfg.history_cap * sizeof *m->ring);
        if (!m->ring) r = PC_ENOMEM;
        else {
            copy_name(m->name, sizeof m->name, name);
            g.n_metrics++;
        }
    }
    if (!r) {
        m->value = value;
        m->ring[m->n_total % g.cfg.history_cap] = (pc_tracker_sample_t){now_t(), value};
        m->n_total++;
    }
    pthread_mutex_unlock(&g.mu);
    return r;
}

int pc_tracker_get_metric(const char *name, double *value) {
    pthread_mutex_lock(&g.mu);
    tr_metric_t *m = name ? metric_find(name) : NULL;
    if (m) *value = m->value;
    pthread_mutex_unlock(&g.mu);
    return m ? 0 : PC_ENOTFOUND;
}

size_t pc_tracker_history(const char *name, pc_tracker_sample_t *out, size_t max, uint64_t *dropped) {
    size_t n = 0;
    pthread_mutex_lock(&g.mu);
    tr_metric_t *m = name ? metric_find(name) : NULL;
    if (dropped) *dropped = 0;
    if (m) {
        uint64_t kept = m->n_total < g.cfg.history_cap ? m->n_total : g.cfg.history_cap;
        if (dropped) *dropped = m->n_total - kept;
        n = kept < max ? (size_t)kept : max;
        for (size_t i = 0; i < n; i++) out[i] = m->ring[(m->n_total - n + i) % g.cfg.history_cap];
    }
    pthread_mutex_unlock(&g.mu);
    return n;
}

/* ---------------------------------------------------------------- directions, baselines */

static int ends_with(const char *s, const char *suf) {
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && !strcmp(s + a - b, suf);
}

/* 1 when lower is better for `name` (under g.mu). */
static int lower_is_better(const char *name) {
    for (int i = 0; i < g.n_dirs; i++)
        if (!strcmp(g.dirs[i].name, name)) return g.dirs[i].dir == PC_TRACKER_LOWER_BETTER;
    if (!strncmp(name, "timer:", 6)) return 1;
    static const char *const lower_suffix[] = {"_ms", "_s", "_ns", "_us", "_mb", "_bytes"};
    for (size_t i = 0; i < sizeof lower_suffix / sizeof lower_suffix[0]; i++)
        if (ends_with(name, lower_suffix[i])) return 1;
    return strstr(name, "time") || strstr(name, "latency") || strstr(name, "memory") || strstr(name, "rss");
}

int pc_tracker_set_direction(const char *name, pc_tracker_dir_t dir) {
    if (!name || !*name || strlen(name) >= PC_TRACKER_NAME_MAX + 8) return PC_EINVAL;
    pthread_mutex_lock(&g.mu);
    int r = 0, i;
    for (i = 0; i < g.n_dirs && strcmp(g.dirs[i].name, name); i++) {}
    if (i == g.n_dirs && g.n_dirs == TR_MAX_BASE) r = PC_ELIMIT;
    else {
        if (i == g.n_dirs) copy_name(g.dirs[g.n_dirs++].name, sizeof g.dirs[0].name, name);
        g.dirs[i].dir = dir;
        if (dir == PC_TRACKER_AUTO) g.dirs[i] = g.dirs[--g.n_dirs]; /* back to the name rule */
    }
    pthread_mutex_unlock(&g.mu);
    return r;
}

/* Current values of everything a baseline can hold, into out (under g.mu); returns the count. */
static int current_values(tr_named_t *out) {
    int n = 0;
    for (int i = 0; i < g.n_metrics; i++) {
        copy_name(out[n].name, sizeof out[n].name, g.metrics[i].name);
        out[n++].value = g.metrics[i].value;
    }
    pc_hist_t *h = malloc(sizeof *h);
    int nt = atomic_load_explicit(&g_n_names, memory_order_acquire);
    for (int id = 0; h && id < nt; id++) {
        uint64_t sum;
        timer_aggregate(id, h, &sum);
        if (!h->total) continue;
        snprintf(out[n].name, sizeof out[n].name, "timer:%.63s", g_names[id]);
        out[n++].value = (double)sum / (double)h->total;
    }
    free(h);
    return n;
}

int pc_tracker_set_baseline(void) {
    pthread_mutex_lock(&g.mu);
    int r = g.started ? 0 : PC_ESTATE;
    if (!r) {
        g.n_base = current_values(g.base);
        memset(g.base_active, 0, sizeof g.base_active);
        g.base_dirty = 1;
    }
    pthread_mutex_unlock(&g.mu);
    return r;
}

int pc_tracker_get_baseline(const char *name, double *value) {
    int r = PC_ENOTFOUND;
    pthread_mutex_lock(&g.mu);
    for (int i = 0; name && i < g.n_base; i++)
        if (!strcmp(g.base[i].name, name)) {
            *value = g.base[i].value;
            r = 0;
        }
    pthread_mutex_unlock(&g.mu);
    return r;
}

int pc_tracker_save_baseline(const char *path) {
    cJSON *o = cJSON_CreateObject(), *b = o ? cJSON_AddObjectToObject(o, "baselines") : NULL;
    if (!b) {
        cJSON_Delete(o);
        return PC_ENOMEM;
    }
    pthread_mutex_lock(&g.mu);
    for (int i = 0; i < g.n_base; i++) cJSON_AddNumberToObject(b, g.base[i].name, g.base[i].value);
    pthread_mutex_unlock(&g.mu);
    char *text = cJSON_Print(o);
    cJSON_Delete(o);
    if (!text) return PC_ENOMEM;
    FILE *f = fopen(path, "wb");
    int r = f ? 0 : PC_EIO;
    if (f && (fputs(text, f) < 0 || fputc('\n', f) < 0)) r = PC_EIO;
    if (f && fclose(f)) r = PC_EIO;
    free(text);
    return r;
}

int pc_tracker_load_baseline(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return PC_EIO;
    char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (!buf) return PC_ENOMEM;
    buf[n] = 0;
    cJSON *o = cJSON_Parse(buf);
    free(buf);
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(o, "baselines"), *it;
    if (!cJSON_IsObject(b)) {
        cJSON_Delete(o);
        return PC_EFORMAT;
    }
    tr_named_t tmp[TR_MAX_BASE];
    int k = 0, r = 0;
    cJSON_ArrayForEach(it, b) {
        if (!cJSON_IsNumber(it) || !it->string || strlen(it->string) >= sizeof tmp[0].name || k == TR_MAX_BASE) {
            r = PC_EFORMAT;
            break;
        }
        copy_name(tmp[k].name, sizeof tmp[k].name, it->string);
        tmp[k++].value = it->valuedouble;
    }
    cJSON_Delete(o);
    if (r) return r;
    pthread_mutex_lock(&g.mu);
    memcpy(g.base, tmp, (size_t)k * sizeof tmp[0]);
    g.n_base = k;
    memset(g.base_active, 0, sizeof g.base_active);
    g.base_dirty = g.started;
    pthread_mutex_unlock(&g.mu);
    return 0;
}

/* Queues an alert transition for the next flush (under g.mu). */
static void queue_alert(const pc_tracker_regression_t *rg, double threshold, int active) {
    if (g.n_alerts == TR_MAX_ALERTS) {
        g.alerts_lost++;
        return;
    }
    g.alerts[g.n_alerts].rg = *rg;
    g.alerts[g.n_alerts].t = now_t();
    g.alerts[g.n_alerts].threshold = threshold;
    g.alerts[g.n_alerts++].active = active;
}

int pc_tracker_detect_regressions(double threshold, pc_tracker_regression_t *out, size_t max) {
    tr_named_t *cur = malloc(TR_MAX_BASE * sizeof *cur);
    if (!cur) return PC_ENOMEM;
    pthread_mutex_lock(&g.mu);
    if (!g.started) {
        pthread_mutex_unlock(&g.mu);
        free(cur);
        return PC_ESTATE;
    }
    if (threshold <= 0) threshold = g.threshold;
    else if (threshold != g.threshold) {
        g.threshold = threshold;
        g.base_dirty = 1; /* the baseline record says which threshold the alerts use */
    }
    int nc = current_values(cur), found = 0;
    for (int i = 0; i < g.n_base; i++) {
        const tr_named_t *b = &g.base[i];
        int j;
        for (j = 0; j < nc && strcmp(cur[j].name, b->name); j++) {}
        if (j == nc || b->value == 0) continue; /* not measured this time, or no scale */
        int lower = lower_is_better(b->name);
        double change = (cur[j].value - b->value) / (b->value < 0 ? -b->value : b->value);
        if (!lower) change = -change;
        pc_tracker_regression_t rg = {.baseline = b->value, .current = cur[j].value, .change = change,
                                      .lower_is_better = lower};
        copy_name(rg.metric, sizeof rg.metric, b->name);
        if (!(change > threshold)) {
            if (g.base_active[i]) queue_alert(&rg, threshold, 0); /* recovered */
            g.base_active[i] = 0;
            continue;
        }
        if (!g.base_active[i]) queue_alert(&rg, threshold, 1); /* entered regression */
        g.base_active[i] = 1;
        if ((size_t)found < max) out[found] = rg;
        found++;
        int k;
        for (k = 0; k < g.n_regs && strcmp(g.regs[k].metric, rg.metric); k++) {}
        if (k < TR_MAX_REG) {
            g.regs[k] = rg;
            if (k == g.n_regs) g.n_regs++;
        }
    }
    pthread_mutex_unlock(&g.mu);
    free(cur);
    return found;
}

/* ---------------------------------------------------------------- publishing */

/* The live stream to an agent, or NULL (set by init, taken by shutdown, used under flush_mu). */
static pc_tstream_t *g_stream;

/* Hands one record to the file, the sink and/or the agent stream (under flush_mu). The stream
 * only copies the framed record into its bounded buffer: nothing here waits for the network. */
static void emit(uint16_t kind, uint16_t enc, const void *payload, size_t len) {
    if (g.cfg.sink && g.cfg.sink(g.cfg.sink_ud, kind, enc, payload, len)) g.dropped++;
    if (!g.file && !g_stream) return;
    uint8_t head[8];
    uint32_t l = (uint32_t)len;
    memcpy(head, &l, 4); /* little-endian hosts only, as the rest of perfcast */
    memcpy(head + 4, &kind, 2);
    memcpy(head + 6, &enc, 2);
    uint32_t crc = pc_crc32(pc_crc32(0, head, 8), payload, len);
    if (g.file &&
        (fwrite(head, 1, 8, g.file) != 8 || fwrite(payload, 1, len, g.file) != len || fwrite(&crc, 1, 4, g.file) != 4))
        g.io_error = 1;
    if (g_stream) pc_tstream_record(g_stream, head, payload, len, crc);
}

static void emit_json(uint16_t kind, cJSON *o) {
    char *s = o ? cJSON_PrintUnformatted(o) : NULL;
    if (s) emit(kind, PC_ENC_JSON, s, strlen(s));
    else g.dropped++;
    free(s);
    cJSON_Delete(o);
}

static void emit_header(void) {
    cJSON *o = cJSON_CreateObject();
    char id[64];
    snprintf(id, sizeof id, "tracker-%ld-%d", (long)g.started_unix, (int)getpid());
    time_t now = (time_t)g.started_unix;
    struct tm tm;
    char iso[32];
    gmtime_r(&now, &tm);
    strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(o, "format", "perfcast");
    cJSON_AddStringToObject(o, "suite", g.cfg.suite ? g.cfg.suite : "tracker");
    cJSON_AddStringToObject(o, "run_id", id);
    cJSON_AddStringToObject(o, "started", iso);
    cJSON_AddNumberToObject(o, "started_unix", g.started_unix);
    cJSON_AddBoolToObject(o, "quick", 0);
    cJSON_AddObjectToObject(o, "params");
    cJSON_AddArrayToObject(o, "series");
    cJSON *views = cJSON_AddArrayToObject(o, "views");
    cJSON_AddItemToArray(views, cJSON_CreateString("dashboard"));
    cJSON_AddItemToArray(views, cJSON_CreateString("system"));
    if (g.sys) cJSON_AddItemToObject(o, "system", g.sys); /* the machine, as every result file says */
    g.sys = NULL;
    emit_json(PC_REC_HEADER, o);
}

/* Ships the histogram delta of every timer that ran since the last flush. */
static void flush_timers(double t, pc_hist_t *cur) {
    int nt = atomic_load_explicit(&g_n_names, memory_order_acquire);
    for (int id = 0; id < nt; id++) {
        uint64_t sum;
        pthread_mutex_lock(&g.mu);
        timer_aggregate(id, cur, &sum);
        pthread_mutex_unlock(&g.mu);
        pc_hist_t *sh = g.shipped[id];
        if (!cur->total || (sh && sh->total == cur->total)) continue;
        if (!sh && !(sh = g.shipped[id] = calloc(1, sizeof *sh))) continue;
        if (!sh->total) pc_hist_reset(sh);
        cJSON *o = cJSON_CreateObject(), *b = cJSON_AddArrayToObject(o, "b");
        char series[80];
        snprintf(series, sizeof series, "timer:%.63s", g_names[id]);
        cJSON_AddNumberToObject(o, "t", t);
        cJSON_AddStringToObject(o, "series", series);
        uint32_t lo = UINT32_MAX, hi = 0;
        for (uint32_t i = 0; i < PC_HIST_BUCKETS; i++) {
            if (cur->counts[i] <= sh->counts[i]) continue;
            uint64_t d = cur->counts[i] - sh->counts[i];
            cJSON_AddItemToArray(b, cJSON_CreateNumber(i));
            cJSON_AddItemToArray(b, cJSON_CreateNumber((double)d));
            sh->counts[i] = cur->counts[i];
            if (i < lo) lo = i;
            hi = i;
        }
        if (lo == UINT32_MAX) { /* totals moved but no bucket did (a racing writer): next time */
            cJSON_Delete(o);
            continue;
        }
        uint64_t mn = pc_hist_bucket_low(lo), mx = pc_hist_bucket_high(hi);
        if (cur->min > mn && cur->min <= mx) mn = cur->min;
        if (cur->max < mx && cur->max >= mn) mx = cur->max;
        cJSON_AddNumberToObject(o, "min", (double)mn);
        cJSON_AddNumberToObject(o, "max", (double)mx);
        cJSON_AddNumberToObject(o, "sum", (double)(sum - g.shipped_sum[id]));
        g.shipped_sum[id] = sum;
        sh->total = cur->total;
        emit_json(PC_REC_HIST, o);
    }
}

/* Ships every metric sample tracked since the last flush (those the ring still holds). */
static void flush_metrics(void) {
    for (int i = 0;; i++) {
        pthread_mutex_lock(&g.mu);
        if (i >= g.n_metrics) {
            pthread_mutex_unlock(&g.mu);
            break;
        }
        tr_metric_t *m = &g.metrics[i];
        uint64_t first = m->shipped, cap = g.cfg.history_cap;
        if (m->n_total - first > cap) first = m->n_total - cap;
        cJSON *batch = cJSON_CreateArray();
        for (uint64_t k = first; batch && k < m->n_total; k++) {
            pc_tracker_sample_t s = m->ring[k % cap];
            cJSON *o = cJSON_CreateObject(), *v = cJSON_AddObjectToObject(o, "values");
            cJSON_AddNumberToObject(o, "t", s.t);
            cJSON_AddNumberToObject(v, m->name, s.value);
            cJSON_AddItemToArray(batch, o);
        }
        m->shipped = m->n_total;
        pthread_mutex_unlock(&g.mu);
        cJSON *o;
        while (batch && (o = cJSON_DetachItemFromArray(batch, 0))) emit_json(PC_REC_METRIC, o);
        cJSON_Delete(batch);
    }
}

/* Ships the cumulative call tree when any edge moved. */
static void flush_calls(double t) {
    int nt = atomic_load_explicit(&g_n_names, memory_order_acquire);
    cJSON *o = cJSON_CreateObject(), *edges = cJSON_AddArrayToObject(o, "edges");
    uint64_t all = 0;
    pthread_mutex_lock(&g.mu);
    for (int p = 0; p <= nt; p++)
        for (int c = 0; c < nt; c++) {
            uint64_t calls = 0, ns = 0;
            for (tr_thread_t *th = g.threads; th; th = th->next) {
                calls += LOAD(th->edge_calls[p][c]);
                ns += LOAD(th->edge_ns[p][c]);
            }
            if (!calls) continue;
            all += calls;
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "parent", p ? g_names[p - 1] : "");
            cJSON_AddStringToObject(e, "child", g_names[c]);
            cJSON_AddNumberToObject(e, "calls", (double)calls);
            cJSON_AddNumberToObject(e, "total_ns", (double)ns);
            cJSON_AddItemToArray(edges, e);
        }
    pthread_mutex_unlock(&g.mu);
    if (all == g.calls_shipped) {
        cJSON_Delete(o);
        return;
    }
    g.calls_shipped = all;
    cJSON_AddNumberToObject(o, "t", t);
    emit_json(PC_REC_CALLS, o);
}

/* Ships the baseline when it changed: values, directions and the threshold alerts use. */
static void flush_baseline(double t) {
    pthread_mutex_lock(&g.mu);
    if (!g.base_dirty) {
        pthread_mutex_unlock(&g.mu);
        return;
    }
    g.base_dirty = 0;
    cJSON *o = cJSON_CreateObject();
    cJSON *v = cJSON_AddObjectToObject(o, "values"), *d = cJSON_AddObjectToObject(o, "lower_is_better");
    cJSON_AddNumberToObject(o, "t", t);
    cJSON_AddNumberToObject(o, "threshold", g.threshold);
    for (int i = 0; i < g.n_base; i++) {
        cJSON_AddNumberToObject(v, g.base[i].name, g.base[i].value);
        cJSON_AddBoolToObject(d, g.base[i].name, lower_is_better(g.base[i].name));
    }
    pthread_mutex_unlock(&g.mu);
    emit_json(PC_REC_BASELINE, o);
}

/* Ships the alert transitions queued by pc_tracker_detect_regressions. */
static void flush_alerts(void) {
    pthread_mutex_lock(&g.mu);
    int n = g.n_alerts;
    __typeof__(g.alerts[0]) al[TR_MAX_ALERTS];
    memcpy(al, g.alerts, sizeof al[0] * (size_t)n);
    g.n_alerts = 0;
    pthread_mutex_unlock(&g.mu);
    for (int i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "t", al[i].t);
        cJSON_AddStringToObject(o, "metric", al[i].rg.metric);
        cJSON_AddNumberToObject(o, "baseline", al[i].rg.baseline);
        cJSON_AddNumberToObject(o, "current", al[i].rg.current);
        cJSON_AddNumberToObject(o, "change", al[i].rg.change);
        cJSON_AddNumberToObject(o, "threshold", al[i].threshold);
        cJSON_AddBoolToObject(o, "lower_is_better", al[i].rg.lower_is_better);
        cJSON_AddBoolToObject(o, "active", al[i].active);
        emit_json(PC_REC_ALERT, o);
    }
}

/* Ships the resource sampler's samples: one metric record each (pc_res_sample_values). */
static void flush_resources(void) {
    if (!g.res) return;
    pc_res_sample_t smp[32];
    size_t n;
    while ((n = pc_res_drain(g.res, smp, sizeof smp / sizeof smp[0])) > 0) {
        for (size_t i = 0; i < n; i++) {
            char names[PC_RES_MAX_VALUES][PC_RES_NAME_MAX];
            double vals[PC_RES_MAX_VALUES];
            int k = pc_res_sample_values(&smp[i], names, vals);
            cJSON *o = cJSON_CreateObject(), *v = cJSON_AddObjectToObject(o, "values");
            cJSON_AddNumberToObject(o, "t", smp[i].t < 0 ? 0 : smp[i].t);
            for (int j = 0; j < k; j++) cJSON_AddNumberToObject(v, names[j], vals[j]);
            emit_json(PC_REC_METRIC, o);
        }
    }
}

static int flush_locked(void) {
    pc_hist_t *cur = malloc(sizeof *cur);
    if (!cur) return PC_ENOMEM;
    if (!g.header_done && (g.file || g.cfg.write_header)) emit_header();
    g.header_done = 1;
    double t = now_t();
    flush_timers(t, cur);
    flush_metrics();
    flush_calls(t);
    flush_baseline(t);
    flush_alerts();
    flush_resources();
    free(cur);
    if (g.file && fflush(g.file)) g.io_error = 1;
    return g.io_error ? PC_EIO : 0;
}

int pc_tracker_flush(void) {
    pthread_mutex_lock(&g.flush_mu);
    int r = g.started ? flush_locked() : PC_ESTATE;
    pthread_mutex_unlock(&g.flush_mu);
    return r;
}

static void *flusher_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&g.mu);
    while (!g.stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        double s = g.cfg.flush_interval_s;
        long ns = ts.tv_nsec + (long)((s - (long)s) * 1e9);
        ts.tv_sec += (time_t)s + ns / 1000000000L;
        ts.tv_nsec = ns % 1000000000L;
        pthread_cond_timedwait(&g.cv, &g.mu, &ts);
        if (g.stop) break;
        pthread_mutex_unlock(&g.mu);
        pthread_mutex_lock(&g.flush_mu);
        flush_locked();
        pthread_mutex_unlock(&g.flush_mu);
        pthread_mutex_lock(&g.mu);
    }
    pthread_mutex_unlock(&g.mu);
    return NULL;
}

/* ---------------------------------------------------------------- lifecycle */

pc_tracker_config_t pc_tracker_defaults(void) {
    return (pc_tracker_config_t){.history_cap = 1024};
}

/* The agent URL this session streams to, or NULL: cfg's, else $PERFCAST_AGENT unless a sink
 * owns the records; "" means off. */
static const char *agent_url(const pc_tracker_config_t *c) {
    const char *u = c->agent_url ? c->agent_url : c->sink ? NULL : getenv("PERFCAST_AGENT");
    return u && u[0] ? u : NULL;
}

int pc_tracker_init(const pc_tracker_config_t *cfg) {
    pc_tracker_config_t c = cfg ? *cfg : pc_tracker_defaults();
    if (!c.history_cap || c.flush_interval_s < 0) return PC_EINVAL;
    const char *url = agent_url(&c);
    if (url) c.write_header = 1; /* the agent needs the header record first, as a file does */
    pc_tsc_init();
    FILE *f = NULL;
    if (c.path) {
        f = fopen(c.path, "wb");
        if (!f) return PC_EIO;
        uint8_t hdr[PC_FILE_HEADER_SIZE];
        pc_file_header_write(hdr);
        if (fwrite(hdr, 1, sizeof hdr, f) != sizeof hdr) {
            fclose(f);
            return PC_EIO;
        }
    }
    /* the machine for the header (~100 ms: it samples CPU use), before any lock */
    cJSON *sys = (c.path || c.write_header) ? pc_sysinfo_collect() : NULL;
    pthread_mutex_lock(&g.flush_mu);
    pthread_mutex_lock(&g.mu);
    if (g.started) {
        cJSON_Delete(sys);
        pthread_mutex_unlock(&g.mu);
        pthread_mutex_unlock(&g.flush_mu);
        if (f) fclose(f);
        return PC_ESTATE;
    }
    g.cfg = c;
    g.file = f;
    g.sys = sys;
    g.t0_ns = pc_clock_ns();
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    g.started_unix = (double)rt.tv_sec + rt.tv_nsec * 1e-9;
    g.n_metrics = g.n_base = g.n_dirs = g.n_regs = g.n_alerts = 0;
    g.base_dirty = 0;
    g.alerts_lost = 0;
    g.threshold = c.regression_threshold > 0 ? c.regression_threshold : 0.2;
    g.header_done = g.io_error = g.stop = 0;
    g.calls_shipped = g.dropped = 0;
    memset(g.shipped_sum, 0, sizeof g.shipped_sum);
    /* never an error: an unusable URL or agent only shows in pc_tracker_stream_status */
    const char *tok = c.agent_token ? c.agent_token : url && strstr(url, "token=") ? NULL : getenv("PERFCAST_TOKEN");
    if (url) g_stream = pc_tstream_start(url, tok, c.suite, c.agent_buffer);
    else pc_tstream_clear_status();
    g.started = 1;
    atomic_fetch_add(&g_gen, 1); /* odd: running; every thread's old state is stale */
    int r = 0;
    g.res = NULL;
    if (c.resource_interval_s > 0 &&
        !(g.res = pc_res_start(c.resource_interval_s, g.t0_ns - (uint64_t)(c.time_offset_s * 1e9))))
        r = PC_ENOMEM;
    if (!r && c.flush_interval_s > 0) {
        if (pthread_create(&g.flusher, NULL, flusher_main, NULL)) r = PC_ENOMEM;
        else g.flusher_on = 1;
    }
    pthread_mutex_unlock(&g.mu);
    pthread_mutex_unlock(&g.flush_mu);
    if (r) pc_tracker_shutdown();
    return r;
}

static cJSON *summary_json(void) {
    cJSON *o = cJSON_CreateObject(), *tm = cJSON_AddObjectToObject(o, "timers");
    int nt = atomic_load_explicit(&g_n_names, memory_order_acquire);
    for (int id = 0; id < nt; id++) {
        pc_tracker_timer_stats_t st;
        if (pc_tracker_timer_stats(g_names[id], &st)) continue;
        cJSON *e = cJSON_AddObjectToObject(tm, g_names[id]);
        cJSON_AddNumberToObject(e, "count", (double)st.count);
        cJSON_AddNumberToObject(e, "total_ns", st.total_ns);
        cJSON_AddNumberToObject(e, "mean_ns", st.mean_ns);
        cJSON_AddNumberToObject(e, "min_ns", (double)st.min_ns);
        cJSON_AddNumberToObject(e, "p50_ns", (double)st.p50_ns);
        cJSON_AddNumberToObject(e, "p99_ns", (double)st.p99_ns);
        cJSON_AddNumberToObject(e, "max_ns", (double)st.max_ns);
    }
    cJSON *mt = cJSON_AddObjectToObject(o, "metrics"), *rg = cJSON_AddArrayToObject(o, "regressions");
    pthread_mutex_lock(&g.mu);
    for (int i = 0; i < g.n_metrics; i++) cJSON_AddNumberToObject(mt, g.metrics[i].name, g.metrics[i].value);
    for (int i = 0; i < g.n_regs; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "metric", g.regs[i].metric);
        cJSON_AddNumberToObject(e, "baseline", g.regs[i].baseline);
        cJSON_AddNumberToObject(e, "current", g.regs[i].current);
        cJSON_AddNumberToObject(e, "change", g.regs[i].change);
        cJSON_AddItemToArray(rg, e);
    }
    pthread_mutex_unlock(&g.mu);
    cJSON_AddNumberToObject(o, "records_dropped", (double)g.dropped);
    return o;
}

void pc_tracker_shutdown(void) {
    pthread_mutex_lock(&g.mu);
    if (!g.started) {
        pthread_mutex_unlock(&g.mu);
        return;
    }
    g.stop = 1;
    pthread_cond_broadcast(&g.cv);
    int joined = g.flusher_on;
    g.flusher_on = 0;
    pthread_mutex_unlock(&g.mu);
    if (joined) pthread_join(g.flusher, NULL);

    pthread_mutex_lock(&g.flush_mu);
    if (g.res) pc_res_sample_now(g.res); /* the last interval too */
    flush_locked();
    pc_res_stop(g.res);
    g.res = NULL;
    if (g.file || g_stream) { /* a file or a stream is a whole run: summary and end; a sink's owner writes its own */
        emit_json(PC_REC_SUMMARY, summary_json());
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "t", now_t());
        cJSON_AddStringToObject(e, "status", "ok");
        emit_json(PC_REC_END, e);
    }
    if (g.file) {
        fclose(g.file);
        g.file = NULL;
    }
    pc_tstream_t *stream = g_stream; /* finished below, outside the locks */
    g_stream = NULL;
    pthread_mutex_lock(&g.mu);
    g.started = 0;
    atomic_fetch_add(&g_gen, 1);
    for (tr_thread_t *t = g.threads, *next; t; t = next) {
        next = t->next;
        for (int i = 0; i < PC_TRACKER_MAX_TIMERS; i++) pc_chist_free(LOAD(t->hist[i]));
        free(t);
    }
    g.threads = NULL;
    cJSON_Delete(g.sys);
    g.sys = NULL;
    for (int i = 0; i < g.n_metrics; i++) free(g.metrics[i].ring);
    g.n_metrics = 0;
    for (int i = 0; i < PC_TRACKER_MAX_TIMERS; i++) {
        free(g.shipped[i]);
        g.shipped[i] = NULL;
    }
    pthread_mutex_unlock(&g.mu);
    pthread_mutex_unlock(&g.flush_mu);
    pc_tstream_finish(stream, PC_TSTREAM_SHUTDOWN_WAIT_S); /* bounded: the rest goes out, or is counted dropped */
}
