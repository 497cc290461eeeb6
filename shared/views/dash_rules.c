/* dash_rules.c — the dashboard's analysis: anomalies, timers, alerts and suggestions. See
 * dash_rules.h. Text is formatted with snprintf("%.Nf") and chart.h's formatters only, so it
 * reads the same natively and in WASM; no libm transcendental function is called. */
#include "dash_rules.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"
#include "pcmath.h"
#include "view_common.h"

/* ======================= the metrics ======================= */

int pc_dash_is_resource(const char *name) {
    static const char *const RES[] = {"cpu_percent", "cpu_machine_percent", "rss_mb", "io_read_mb_s",
                                      "io_write_mb_s", "iowait_percent", "gpu_percent", "gpu_mem_mb"};
    for (size_t i = 0; i < sizeof RES / sizeof RES[0]; i++)
        if (strcmp(name, RES[i]) == 0) return 1;
    /* coreN_percent */
    if (strncmp(name, "core", 4) != 0) return 0;
    const char *p = name + 4;
    if (*p < '0' || *p > '9') return 0;
    while (*p >= '0' && *p <= '9') p++;
    return strcmp(p, "_percent") == 0;
}

static int ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

void pc_dash_metric_info(const char *name, const char **label, const char **unit) {
    static const struct {
        const char *name, *label, *unit;
    } KNOWN[] = {
        {"render_ms", "render time", "ms"}, {"frame_ms", "frame time", "ms"}, {"fps", "FPS", "fps"},
        {"memory_mb", "memory", "MB"},      {"rss_mb", "memory (RSS)", "MB"}, {"cpu_percent", "CPU (process)", "%"},
        {"iterations", "complexity", "iter"},
    };
    for (size_t i = 0; i < sizeof KNOWN / sizeof KNOWN[0]; i++)
        if (strcmp(name, KNOWN[i].name) == 0) {
            *label = KNOWN[i].label;
            *unit = KNOWN[i].unit;
            return;
        }
    *label = name;
    *unit = ends_with(name, "_ms")        ? "ms"
            : ends_with(name, "_ns")      ? "ns"
            : ends_with(name, "_mb")      ? "MB"
            : ends_with(name, "_percent") ? "%"
            : ends_with(name, "_per_s")   ? "/s"
            : ends_with(name, "_s")       ? "s"
            : strstr(name, "fps")         ? "fps"
                                          : "";
}

void pc_dash_fmt(char *buf, size_t cap, double v, const char *unit) {
    if (!unit) unit = "";
    if (!pc_isfinite(v)) {
        snprintf(buf, cap, "\xe2\x80\x93");
        return;
    }
    if (strcmp(unit, "%") == 0) {
        pc_fmt_percent(buf, cap, v);
        return;
    }
    if (strcmp(unit, "ns") == 0) {
        pc_fmt_ns(buf, cap, v);
        return;
    }
    char n[48];
    double a = fabs(v);
    if (a >= 9999.5) /* SI prefixes only upwards: "0.85 ms", never "850 mms" */
        pc_fmt_si(n, sizeof n, v, NULL);
    else
        pc_fmt_fixed(n, sizeof n, v, a >= 99.95 ? 0 : a >= 9.995 ? 1 : a >= 0.9995 ? 2 : 3);
    snprintf(buf, cap, "%s%s%s", n, unit[0] ? " " : "", unit);
}

/* Appends s to out when it has samples and is not there yet. */
static void add_metric(const pc_series_t **out, int *n, int max, const pc_series_t *s) {
    if (!s || !s->n_samples || *n >= max) return;
    for (int i = 0; i < *n; i++)
        if (out[i] == s) return;
    out[(*n)++] = s;
}

int pc_dash_metrics(const pc_model_t *m, const pc_series_t **out, int max) {
    int n = 0;
    if (!m) return 0;
    static const char *const FIRST[] = {"render_ms", "frame_ms", "fps"};
    for (size_t i = 0; i < sizeof FIRST / sizeof FIRST[0]; i++) add_metric(out, &n, max, pc_model_series(m, FIRST[i]));
    const pc_series_t *mem = pc_model_series(m, "memory_mb");
    add_metric(out, &n, max, mem && mem->n_samples ? mem : pc_model_series(m, "rss_mb"));
    add_metric(out, &n, max, pc_model_series(m, "cpu_percent"));
    add_metric(out, &n, max, pc_model_series(m, "iterations"));
    for (int i = 0; i < m->n_series; i++)
        if (!pc_dash_is_resource(m->series[i].name)) add_metric(out, &n, max, &m->series[i]);
    return n;
}

/* ======================= anomalies ======================= */

/* Inserts v into the ascending w[0..k) (room for k + 1). */
static void ins_sorted(double *w, int k, double v) {
    int j = k;
    while (j > 0 && w[j - 1] > v) {
        w[j] = w[j - 1];
        j--;
    }
    w[j] = v;
}

/* Removes one element equal to v from the ascending w[0..k) (the window holds it). */
static void del_sorted(double *w, int k, double v) {
    int j = 0;
    while (j < k - 1 && w[j] != v) j++;
    for (; j < k - 1; j++) w[j] = w[j + 1];
}

static double median_sorted(const double *w, int k) { return k % 2 ? w[k / 2] : (w[k / 2 - 1] + w[k / 2]) * 0.5; }

/* The first sample of the k-wide window centred on i, shifted inwards at the ends. */
static size_t window_lo(size_t i, size_t n, size_t k) {
    size_t lo = i < k / 2 ? 0 : i - k / 2;
    return lo > n - k ? n - k : lo;
}

size_t pc_dash_anomalies(const pc_series_t *s, size_t n, size_t i0, size_t i1, size_t *idx, size_t max_idx,
                         pc_dash_anomaly_t *worst) {
    if (!s) return 0;
    if (n > s->n_samples) n = s->n_samples;
    if (i1 > n) i1 = n;
    if (n < PC_DASH_ANOMALY_MIN_SAMPLES || i0 >= i1) return 0;
    size_t k = n < PC_DASH_ANOMALY_WINDOW ? n : PC_DASH_ANOMALY_WINDOW;
    double win[PC_DASH_ANOMALY_WINDOW + 1], dev[PC_DASH_ANOMALY_WINDOW + 1];
    size_t lo = window_lo(i0, n, k);
    for (size_t j = 0; j < k; j++) ins_sorted(win, (int)j, s->samples[lo + j].value);
    size_t count = 0;
    double worst_z = 0;
    for (size_t i = i0; i < i1; i++) {
        size_t want = window_lo(i, n, k);
        for (; lo < want; lo++) { /* slide by one: drop the oldest, take the next */
            del_sorted(win, (int)k, s->samples[lo].value);
            ins_sorted(win, (int)k - 1, s->samples[lo + k].value);
        }
        double med = median_sorted(win, (int)k), sum = 0;
        for (size_t j = 0; j < k; j++) {
            double d = fabs(win[j] - med);
            sum += d;
            ins_sorted(dev, (int)j, d);
        }
        double scale = 1.4826 * median_sorted(dev, (int)k);
        if (!(scale > 0)) scale = 1.2533 * sum / (double)k;
        if (scale < 0.02 * fabs(med)) scale = 0.02 * fabs(med);
        double d = fabs(s->samples[i].value - med);
        if (!(scale > 0) || !(d > PC_DASH_ANOMALY_Z * scale)) continue;
        if (idx && count < max_idx) idx[count] = i;
        count++;
        double z = d / scale;
        if (worst && z > worst_z) {
            worst_z = z;
            *worst = (pc_dash_anomaly_t){.i = i, .median = med, .z = z};
        }
    }
    return count;
}

/* ======================= directions, alerts ======================= */

int pc_dash_lower_is_better(const pc_series_t *s) {
    if (s->lower_is_better >= 0) return s->lower_is_better;
    const char *n = s->name;
    if (strstr(n, "fps") || strstr(n, "throughput") || strstr(n, "rate") || ends_with(n, "_per_s")) return 0;
    return 1;
}

double pc_dash_threshold(const pc_model_t *m) { return m && m->alert_threshold > 0 ? m->alert_threshold : 0.2; }

/* The alerts of distinct metrics in regression at t, in the order they first alerted: calls
 * fn for each. Returns the count. */
static int each_active_alert(const pc_model_t *m, double t, void (*fn)(void *, const pc_alert_t *), void *ctx) {
    int n = 0;
    for (int i = 0; m && i < m->n_alerts; i++) {
        const char *name = m->alerts[i].metric;
        int seen = 0;
        for (int j = 0; j < i && !seen; j++) seen = strcmp(m->alerts[j].metric, name) == 0;
        if (seen) continue;
        const pc_alert_t *a = pc_model_alert_at(m, name, t);
        if (!a) continue;
        n++;
        if (fn) fn(ctx, a);
    }
    return n;
}

typedef struct text_out {
    char *buf;
    size_t cap, len;
} text_out_t;

/* Appends printf-style text; stops quietly when the buffer is full. */
static void out_printf(text_out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_printf(text_out_t *o, const char *fmt, ...) {
    if (!o->buf || o->len + 1 >= o->cap) return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(o->buf + o->len, o->cap - o->len, fmt, ap);
    va_end(ap);
    if (w > 0) o->len = o->len + (size_t)w < o->cap ? o->len + (size_t)w : o->cap - 1;
}

/* The unit of a metric or "timer:<name>" (whose baseline is a mean in ns). */
static const char *unit_of(const char *name) {
    const char *label, *unit;
    if (strncmp(name, "timer:", 6) == 0) return "ns";
    pc_dash_metric_info(name, &label, &unit);
    return unit;
}

static void alert_line(void *ctx, const pc_alert_t *a) {
    text_out_t *o = ctx;
    char pct[32], b[48], cur[48];
    pc_fmt_percent(pct, sizeof pct, a->change * 100);
    pc_dash_fmt(b, sizeof b, a->baseline, unit_of(a->metric));
    pc_dash_fmt(cur, sizeof cur, a->current, unit_of(a->metric));
    out_printf(o, "%s%s %s worse than baseline (%s \xe2\x86\x92 %s)", o->len ? ", " : "", a->metric, pct, b, cur);
}

int pc_dash_alerts_text(const pc_model_t *m, double t, char *buf, size_t cap) {
    text_out_t o = {buf, cap, 0};
    if (buf && cap) buf[0] = '\0';
    return each_active_alert(m, t, buf && cap ? alert_line : NULL, &o);
}

/* ======================= timers and the call tree ======================= */

int pc_dash_edges(const pc_model_t *m, pc_dash_edge_t *out, int max) {
    const cJSON *edges = m && m->calls ? cJSON_GetObjectItemCaseSensitive(m->calls, "edges") : NULL, *e;
    int n = 0;
    cJSON_ArrayForEach(e, edges) {
        if (n >= max) break;
        const cJSON *p = cJSON_GetObjectItemCaseSensitive(e, "parent"), *c = cJSON_GetObjectItemCaseSensitive(e, "child");
        const cJSON *k = cJSON_GetObjectItemCaseSensitive(e, "calls"), *ns = cJSON_GetObjectItemCaseSensitive(e, "total_ns");
        if (!cJSON_IsString(p) || !cJSON_IsString(c) || !c->valuestring[0] || !cJSON_IsNumber(k) || !cJSON_IsNumber(ns))
            continue; /* a malformed edge is left out, not the tree */
        if (!pc_isfinite(ns->valuedouble) || ns->valuedouble < 0 || !pc_isfinite(k->valuedouble)) continue;
        out[n++] = (pc_dash_edge_t){p->valuestring, c->valuestring, k->valuedouble, ns->valuedouble};
    }
    return n;
}

/* A timer's calls and summed time at t: exact from the histogram when t covers every delta,
 * else rebuilt from the deltas up to t (each value at its bucket's midpoint). */
static void timer_at(const pc_series_t *s, double t, double *calls, double *total) {
    *calls = *total = 0;
    if (!pc_vc_series_has_hist(s)) return;
    int all = t < 0 || !s->n_steps;
    if (!all) { /* every delta at or before t? (deltas arrive nearly, not strictly, in time order) */
        all = !s->steps_truncated;
        for (size_t i = 0; i < s->n_steps && all; i++) all = s->steps[i].t <= t;
    }
    if (all) {
        *calls = (double)s->hist->total;
        *total = s->hist->sum;
        return;
    }
    for (size_t i = 0; i < s->n_steps; i++) {
        const pc_hist_step_t *st = &s->steps[i];
        if (st->t > t) continue;
        for (uint32_t b = st->first; b < st->first + st->n && b < s->n_step_buckets; b++) {
            const pc_bucket_count_t *bc = &s->step_buckets[b];
            double c = (double)bc->count;
            *calls += c;
            *total += c * (((double)pc_hist_bucket_low(bc->idx) + (double)pc_hist_bucket_high(bc->idx)) * 0.5);
        }
    }
}

int pc_dash_timers(const pc_model_t *m, double t, const pc_dash_edge_t *edges, int n_edges, pc_dash_timer_t *out,
                   int max) {
    int n = 0;
    for (int i = 0; m && i < m->n_series && max > 0; i++) {
        const pc_series_t *s = &m->series[i];
        if (strncmp(s->name, "timer:", 6) != 0 || !s->name[6]) continue;
        pc_dash_timer_t tm = {.s = s, .name = s->name + 6};
        timer_at(s, t, &tm.calls, &tm.total_ns);
        if (!(tm.calls > 0)) continue;
        for (int e = 0; e < n_edges && !tm.root; e++) tm.root = !edges[e].parent[0] && strcmp(edges[e].child, tm.name) == 0;
        int at = n;
        if (n == max) { /* full: replace the smallest when this one is larger */
            if (!(tm.total_ns > out[n - 1].total_ns)) continue;
            at = --n;
        }
        while (at > 0 && out[at - 1].total_ns < tm.total_ns) { /* keep largest first */
            out[at] = out[at - 1];
            at--;
        }
        out[at] = tm;
        n++;
    }
    return n;
}

const char *pc_dash_root_of(const pc_dash_edge_t *edges, int n_edges, const char *name) {
    const char *cur = name;
    for (int depth = 0; depth < 16; depth++) {
        int best = -1;
        for (int e = 0; e < n_edges; e++)
            if (strcmp(edges[e].child, cur) == 0 && (best < 0 || edges[e].total_ns > edges[best].total_ns)) best = e;
        if (best < 0 || !edges[best].parent[0]) return depth ? cur : NULL;
        cur = edges[best].parent;
        if (strcmp(cur, name) == 0) return NULL; /* a cycle back to where we started */
    }
    return NULL;
}

/* ======================= suggestions ======================= */

typedef struct tips {
    pc_dash_tip_t *t;
    int n, max;
} tips_t;

static void tip(tips_t *ts, int kind, int level, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void tip(tips_t *ts, int kind, int level, const char *fmt, ...) {
    if (ts->n >= ts->max) return;
    pc_dash_tip_t *p = &ts->t[ts->n++];
    p->kind = kind;
    p->level = level;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->text, sizeof p->text, fmt, ap);
    va_end(ap);
}

/* A number as text with 3 significant digits ("12.1", "0.85", "1.23 M"). */
static const char *num(char *buf, size_t cap, double v) {
    pc_dash_fmt(buf, cap, v, NULL);
    return buf;
}

static const cJSON *summary_item(const pc_model_t *m, const char *key) {
    return m->summary ? cJSON_GetObjectItemCaseSensitive(m->summary, key) : NULL;
}

/* Mean of a series' sample values up to t over [from, to) of those; NAN when empty. */
static double mean_of(const pc_series_t *s, size_t from, size_t to) {
    double sum = 0;
    for (size_t i = from; i < to; i++) sum += s->samples[i].value;
    return to > from ? sum / (double)(to - from) : NAN;
}

typedef struct alert_list {
    const pc_alert_t *a[PC_MODEL_MAX_ALERTS];
    int n;
} alert_list_t;

static void collect_alert(void *ctx, const pc_alert_t *a) {
    alert_list_t *l = ctx;
    if (l->n < PC_MODEL_MAX_ALERTS) l->a[l->n++] = a;
}

/* One tip per metric in regression (the first three), then one naming the rest; without any,
 * a statement that the metrics with a baseline are all within the threshold. */
static void rule_regressions(tips_t *ts, const pc_model_t *m, double t) {
    alert_list_t l = {.n = 0};
    each_active_alert(m, t, collect_alert, &l);
    char cur[48], base[48], pct[32], thr[32];
    for (int i = 0; i < l.n && i < 3; i++) {
        const pc_alert_t *a = l.a[i];
        pc_fmt_percent(pct, sizeof pct, a->change * 100);
        pc_fmt_percent(thr, sizeof thr, a->threshold * 100);
        pc_dash_fmt(cur, sizeof cur, a->current, unit_of(a->metric));
        pc_dash_fmt(base, sizeof base, a->baseline, unit_of(a->metric));
        tip(ts, PC_TIP_REGRESSION, 2, "%s regressed: %s now vs %s at baseline, %s worse (threshold %s)", a->metric, cur,
            base, pct, thr);
    }
    if (l.n > 3) {
        char rest[PC_DASH_TIP_LEN];
        text_out_t o = {rest, sizeof rest, 0};
        rest[0] = '\0';
        for (int i = 3; i < l.n; i++) {
            pc_fmt_percent(pct, sizeof pct, l.a[i]->change * 100);
            out_printf(&o, "%s%s +%s", i > 3 ? ", " : "", l.a[i]->metric, pct);
        }
        tip(ts, PC_TIP_REGRESSION, 2, "%d more in regression: %s", l.n - 3, rest);
    }
    if (l.n) return;
    int with_baseline = 0;
    for (int i = 0; i < m->n_series; i++) with_baseline += m->series[i].has_baseline;
    if (!with_baseline || (t >= 0 && m->baseline_t > t)) return;
    pc_fmt_percent(thr, sizeof thr, pc_dash_threshold(m) * 100);
    tip(ts, PC_TIP_BASELINE_OK, 0, "no metric is in regression: %d %s a baseline, alert threshold %s worse",
        with_baseline, with_baseline == 1 ? "metric has" : "metrics have", thr);
}

static void rule_anomalies(tips_t *ts, const pc_model_t *m, double t) {
    const pc_series_t *ms[PC_DASH_MAX_METRICS];
    int n = pc_dash_metrics(m, ms, PC_DASH_MAX_METRICS), shown = 0;
    for (int i = 0; i < n && shown < 3; i++) {
        size_t upto = pc_vc_samples_upto(ms[i], t);
        pc_dash_anomaly_t w;
        size_t cnt = pc_dash_anomalies(ms[i], upto, 0, upto, NULL, 0, &w);
        if (!cnt) continue;
        shown++;
        char v[48], med[48], at[32];
        pc_fmt_seconds(at, sizeof at, ms[i]->samples[w.i].t);
        pc_dash_fmt(v, sizeof v, ms[i]->samples[w.i].value, unit_of(ms[i]->name));
        pc_dash_fmt(med, sizeof med, w.median, unit_of(ms[i]->name));
        tip(ts, PC_TIP_ANOMALY, 1, "%s: %zu anomalous %s of %zu (robust z > %.1f); the largest at %s: %s vs rolling median %s",
            ms[i]->name, cnt, cnt == 1 ? "sample" : "samples", upto, PC_DASH_ANOMALY_Z, at, v, med);
    }
}

static void rule_tiles(tips_t *ts, const pc_model_t *m) {
    const cJSON *sweep = summary_item(m, "tile_sweep"), *e;
    int tile[16];
    double ms[16];
    int n = 0;
    cJSON_ArrayForEach(e, sweep) {
        const cJSON *tl = cJSON_GetObjectItemCaseSensitive(e, "tile"), *t = cJSON_GetObjectItemCaseSensitive(e, "ms");
        if (n == 16 || !cJSON_IsNumber(tl) || !cJSON_IsNumber(t)) continue;
        if (!(tl->valuedouble >= 1 && tl->valuedouble < 1e6) || !(t->valuedouble > 0) || !pc_isfinite(t->valuedouble))
            continue;
        tile[n] = (int)tl->valuedouble;
        ms[n++] = t->valuedouble;
    }
    if (n < 2) return;
    int best = 0, worst = 0;
    for (int i = 1; i < n; i++) {
        if (ms[i] < ms[best]) best = i;
        if (ms[i] > ms[worst]) worst = i;
    }
    char a[32], b[32], extra[96] = "";
    double used = pc_model_param_num(m, "tile", NAN);
    for (int i = 0; i < n; i++)
        if (used == tile[i] && i != best)
            snprintf(extra, sizeof extra, "; this run used tile %d (%.2fx the time of tile %d)", tile[i], ms[i] / ms[best],
                     tile[best]);
    if (ms[worst] / ms[best] >= 1.05)
        tip(ts, PC_TIP_TILE, pc_isfinite(used) && used != tile[best] ? 1 : 0, "tile %d was %.1fx faster than tile %d in this run (frame 0: %s ms vs %s ms)%s",
            tile[best], ms[worst] / ms[best], tile[worst], num(a, sizeof a, ms[best]), num(b, sizeof b, ms[worst]), extra);
    else
        tip(ts, PC_TIP_TILE, 0, "tile size made no real difference: %d tile sizes within 5%% (best tile %d, %s ms)%s", n,
            tile[best], num(a, sizeof a, ms[best]), extra);
}

/* "avx512" -> "AVX-512", "avx2" -> "AVX2", others as they are. */
static const char *isa_name(const char *s) {
    if (strcmp(s, "avx512") == 0) return "AVX-512";
    if (strcmp(s, "avx2") == 0) return "AVX2";
    return s;
}

static void rule_simd(tips_t *ts, const pc_model_t *m) {
    const cJSON *chosen = summary_item(m, "simd"), *avail = summary_item(m, "simd_available"), *e;
    if (!cJSON_IsString(chosen)) return;
    const cJSON *params = m->header ? cJSON_GetObjectItemCaseSensitive(m->header, "params") : NULL;
    const cJSON *param = cJSON_GetObjectItemCaseSensitive(params, "simd");
    int is_auto = !cJSON_IsString(param) || !param->valuestring[0] || strcmp(param->valuestring, "auto") == 0;
    char others[96] = "";
    size_t len = 0;
    cJSON_ArrayForEach(e, avail) {
        if (!cJSON_IsString(e) || strcmp(e->valuestring, "scalar") == 0 || len + 24 >= sizeof others) continue;
        len += (size_t)snprintf(others + len, sizeof others - len, "%s%.16s", len ? ", " : "", isa_name(e->valuestring));
    }
    double sp = pc_model_summary_num(m, "speedup_simd", NAN);
    if (strcmp(chosen->valuestring, "scalar") == 0) {
        if (is_auto && cJSON_IsArray(avail) && !others[0])
            tip(ts, PC_TIP_SIMD, 1, "SIMD path unavailable on this CPU: simd=auto fell back to the scalar kernel");
        else if (!is_auto && others[0])
            tip(ts, PC_TIP_SIMD, 1, "simd=scalar was forced although this CPU runs %s", others);
        return;
    }
    if (pc_isfinite(sp) && sp > 0)
        tip(ts, PC_TIP_SIMD, 0, "%s path is %.1fx scalar on frame 0 (same thread count)", isa_name(chosen->valuestring), sp);
}

static void rule_threads(tips_t *ts, const pc_model_t *m, double t) {
    double th = pc_model_summary_num(m, "threads", pc_model_param_num(m, "threads", NAN));
    const cJSON *sys = m->header ? cJSON_GetObjectItemCaseSensitive(m->header, "system") : NULL;
    const cJSON *cores = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(sys, "cpu"), "logical_cores");
    if (!(th >= 1 && th < 1e5) || !cJSON_IsNumber(cores) || !(cores->valuedouble >= 1 && cores->valuedouble < 1e5)) return;
    int nt = (int)th, nc = (int)cores->valuedouble;
    const pc_series_t *cpu = pc_model_series(m, "cpu_percent");
    size_t n = pc_vc_samples_upto(cpu, t);
    double avg = n ? mean_of(cpu, 0, n) : NAN;
    char cpu_txt[96] = "";
    if (pc_isfinite(avg))
        snprintf(cpu_txt, sizeof cpu_txt, ": process CPU averaged %.0f%% of %d%% (100%% = one core)", avg, 100 * nc);
    if (nt < nc)
        tip(ts, PC_TIP_THREADS, 1, "threads=%d left %d of %d cores idle%s", nt, nc - nt, nc, cpu_txt);
    else if (nt > nc)
        tip(ts, PC_TIP_THREADS, 0, "threads=%d on %d logical cores: %.1f threads per core share time%s", nt, nc,
            (double)nt / nc, cpu_txt);
    else
        tip(ts, PC_TIP_THREADS, 0, "threads=%d uses all %d logical cores%s", nt, nc, cpu_txt);
}

static void rule_scaling(tips_t *ts, const pc_model_t *m) {
    double sp = pc_model_summary_num(m, "speedup_threads", NAN);
    double th = pc_model_summary_num(m, "threads", pc_model_param_num(m, "threads", NAN));
    if (!(sp > 0) || !pc_isfinite(sp) || !(th >= 2 && th < 1e5)) return;
    double eff = sp / th;
    tip(ts, PC_TIP_SCALING, eff < 0.7 ? 1 : 0, "%d threads ran %.2fx faster than 1 thread on frame 0: %.0f%% parallel efficiency",
        (int)th, sp, eff * 100);
}

static void rule_timers(tips_t *ts, const pc_model_t *m, double t) {
    pc_dash_edge_t edges[PC_DASH_MAX_EDGES];
    pc_dash_timer_t tm[PC_DASH_MAX_TIMERS];
    int ne = pc_dash_edges(m, edges, PC_DASH_MAX_EDGES);
    int nt = pc_dash_timers(m, t, edges, ne, tm, PC_DASH_MAX_TIMERS);
    for (int i = 0; i < nt; i++) { /* largest first: the first non-root timer with a timed root */
        if (tm[i].root) continue;
        const char *root = pc_dash_root_of(edges, ne, tm[i].name);
        for (int r = 0; root && r < nt; r++) {
            if (strcmp(tm[r].name, root) != 0 || !(tm[r].total_ns > 0)) continue;
            char mean[32], rmean[32];
            pc_fmt_ns(mean, sizeof mean, tm[i].total_ns / tm[i].calls);
            pc_fmt_ns(rmean, sizeof rmean, tm[r].total_ns / tm[r].calls);
            tip(ts, PC_TIP_TIMER, 0, "%s is %.0f%% of %s time (%s mean over %.0f calls; %s mean per %s)", tm[i].name,
                tm[i].total_ns / tm[r].total_ns * 100, root, mean, tm[i].calls, rmean, root);
            return;
        }
    }
}

/* "rose 3.1x" / "fell to 0.52x" */
static void change_words(char *buf, size_t cap, double r) {
    if (r >= 1)
        snprintf(buf, cap, "rose %.1fx", r);
    else
        snprintf(buf, cap, "fell to %.2fx", r);
}

static void rule_complexity(tips_t *ts, const pc_model_t *m, double t) {
    const pc_series_t *rs = pc_model_series(m, "render_ms"), *is = pc_model_series(m, "iterations");
    size_t nr = pc_vc_samples_upto(rs, t), ni = pc_vc_samples_upto(is, t);
    size_t n = nr < ni ? nr : ni;
    if (n < 8) return;
    size_t q = n / 4;
    double r0 = mean_of(rs, 0, q), r1 = mean_of(rs, n - q, n), i0 = mean_of(is, 0, q), i1 = mean_of(is, n - q, n);
    if (!(r0 > 0) || !(i0 > 0) || !(r1 > 0) || !(i1 > 0)) return;
    double rt = r1 / r0, ri = i1 / i0, per = rt / ri;
    char a[48], b[48], c[48];
    change_words(a, sizeof a, rt);
    change_words(b, sizeof b, ri);
    if (per >= 0.9 && per <= 1.1)
        snprintf(c, sizeof c, "unchanged (%.2fx)", per);
    else
        change_words(c, sizeof c, per);
    tip(ts, PC_TIP_COMPLEXITY, per > 1.1 ? 1 : 0,
        "render time %s while iterations %s (first vs last quarter of %zu frames): time per iteration %s", a, b, n, c);
}

int pc_dash_suggest(const pc_model_t *m, double t, pc_dash_tip_t *tips, int max) {
    tips_t ts = {tips, 0, max};
    if (!m || !tips || max <= 0) return 0;
    rule_regressions(&ts, m, t);
    rule_tiles(&ts, m);
    rule_simd(&ts, m);
    rule_threads(&ts, m, t);
    rule_scaling(&ts, m);
    rule_timers(&ts, m, t);
    rule_complexity(&ts, m, t);
    rule_anomalies(&ts, m, t);
    return ts.n;
}
