/* sampler.c — hist and window deltas from workers' counters (see sampler.h). */
#include "sampler.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int pc_hist_sampler_init(pc_hist_sampler_t *s, const char *series, pc_chist_t *hist) {
    memset(s, 0, sizeof *s);
    s->series = series;
    s->hist = hist;
    s->last = calloc(PC_HIST_BUCKETS, sizeof(uint64_t));
    return s->last ? 0 : PC_ENOMEM;
}

void pc_hist_sampler_free(pc_hist_sampler_t *s) {
    free(s->last);
    s->last = NULL;
}

void pc_hist_sampler_rebase(pc_hist_sampler_t *s) {
    if (s->last) memset(s->last, 0, PC_HIST_BUCKETS * sizeof(uint64_t));
    s->last_sum = 0;
}

int pc_sampler_emit_hist(pc_run_t *run, pc_hist_sampler_t *s) {
    pc_chist_t *h = s->hist;
    uint64_t sum = atomic_load_explicit(&h->sum, memory_order_relaxed);
    uint64_t mn = atomic_load_explicit(&h->min, memory_order_relaxed);
    uint64_t mx = atomic_load_explicit(&h->max, memory_order_relaxed);
    cJSON *o = cJSON_CreateObject(), *b = cJSON_CreateArray();
    if (!o || !b) {
        cJSON_Delete(o);
        cJSON_Delete(b);
        return PC_ENOMEM;
    }
    cJSON_AddNumberToObject(o, "t", pc_run_elapsed(run));
    cJSON_AddStringToObject(o, "series", s->series);
    cJSON_AddItemToObject(o, "b", b);
    /* buckets whose count moved since the baseline; the baseline advances by exactly what
     * this record carries, so a sample counted after the read is in the next delta */
    uint32_t lo = UINT32_MAX, hi = 0;
    int n = 0;
    for (uint32_t i = 0; i < PC_HIST_BUCKETS; i++) {
        uint64_t c = atomic_load_explicit(&h->counts[i], memory_order_relaxed);
        if (c == s->last[i]) continue;
        cJSON *ji = cJSON_CreateNumber(i), *jc = cJSON_CreateNumber((double)(c - s->last[i]));
        if (!ji || !jc) { /* never ship a half-built pair list */
            cJSON_Delete(ji);
            cJSON_Delete(jc);
            cJSON_Delete(o);
            return PC_ENOMEM;
        }
        cJSON_AddItemToArray(b, ji);
        cJSON_AddItemToArray(b, jc);
        if (i < lo) lo = i;
        hi = i;
        n++;
    }
    if (!n) {
        cJSON_Delete(o);
        return 0;
    }
    /* The writer keeps running min/max, not per-delta ones: clamp them into the lowest and
     * highest changed buckets, which is exact whenever the extreme is in this delta, and
     * keeps the merged min/max exact. */
    uint64_t dmin = mn, dmax = mx;
    if (dmin < pc_hist_bucket_low(lo)) dmin = pc_hist_bucket_low(lo);
    if (dmin > pc_hist_bucket_high(lo)) dmin = pc_hist_bucket_high(lo);
    if (dmax > pc_hist_bucket_high(hi)) dmax = pc_hist_bucket_high(hi);
    if (dmax < pc_hist_bucket_low(hi)) dmax = pc_hist_bucket_low(hi);
    cJSON_AddNumberToObject(o, "min", (double)dmin);
    cJSON_AddNumberToObject(o, "max", (double)dmax);
    cJSON_AddNumberToObject(o, "sum", (double)(sum - s->last_sum));
    int r = pc_run_emit_json(run, PC_REC_HIST, o);
    if (r == 0) { /* advance the baseline to exactly what the record carried */
        const cJSON *v = b->child;
        while (v && v->next) {
            uint32_t i = (uint32_t)v->valuedouble;
            s->last[i] += (uint64_t)v->next->valuedouble;
            v = v->next->next;
        }
        s->last_sum = sum;
    }
    cJSON_Delete(o);
    return r;
}

void pc_window_sampler_start(pc_window_sampler_t *s, const char *series, uint64_t count, double t) {
    s->series = series;
    s->last_count = count;
    s->last_t = t;
}

int pc_sampler_emit_window(pc_run_t *run, pc_window_sampler_t *s, uint64_t count, double t) {
    double dt = t - s->last_t;
    if (!(dt > 0)) return 0;
    cJSON *o = cJSON_CreateObject();
    if (!o) return PC_ENOMEM;
    cJSON_AddNumberToObject(o, "t", t);
    cJSON_AddNumberToObject(o, "dt", dt);
    cJSON_AddStringToObject(o, "series", s->series);
    cJSON_AddNumberToObject(o, "count", (double)(count - s->last_count));
    int r = pc_run_emit_json(run, PC_REC_WINDOW, o);
    cJSON_Delete(o);
    if (r == 0) {
        s->last_count = count;
        s->last_t = t;
    }
    return r;
}

void pc_sampler_sleep_ns(long ns) {
    struct timespec ts = {ns / 1000000000L, ns % 1000000000L};
    nanosleep(&ts, NULL);
}

void pc_sampler_add_latency(cJSON *sum, const char *name, const pc_chist_t *h) {
    pc_hist_t *ph = malloc(sizeof *ph);
    if (!ph) return;
    pc_hist_reset(ph);
    pc_chist_to_hist(h, ph);
    if (ph->total) {
        char key[48];
        snprintf(key, sizeof key, "%s_p50_ns", name);
        cJSON_AddNumberToObject(sum, key, (double)pc_hist_quantile(ph, 0.50));
        snprintf(key, sizeof key, "%s_p99_ns", name);
        cJSON_AddNumberToObject(sum, key, (double)pc_hist_quantile(ph, 0.99));
        snprintf(key, sizeof key, "%s_p999_ns", name);
        cJSON_AddNumberToObject(sum, key, (double)pc_hist_quantile(ph, 0.999));
        snprintf(key, sizeof key, "%s_mean_ns", name);
        cJSON_AddNumberToObject(sum, key, (double)(long long)(pc_hist_mean(ph) * 10 + 0.5) / 10);
        snprintf(key, sizeof key, "%s_max_ns", name);
        cJSON_AddNumberToObject(sum, key, (double)ph->max);
        snprintf(key, sizeof key, "%s_latency_samples", name);
        cJSON_AddNumberToObject(sum, key, (double)ph->total);
    }
    free(ph);
}
