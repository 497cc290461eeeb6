/* model.c — applies records to the result model; loads whole files, stopping cleanly at a torn tail. */
#include "model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meshrec.h"

pc_model_t *pc_model_create(void) {
    pc_model_t *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    pc_model_reset(m);
    return m;
}

void pc_model_destroy(pc_model_t *m) {
    if (!m) return;
    pc_model_reset(m);
    for (int i = 0; i < PC_MODEL_MAX_SERIES; i++) {
        free(m->series[i].hist);
        free(m->series[i].windows);
        free(m->series[i].samples);
        free(m->series[i].steps);
        free(m->series[i].step_buckets);
    }
    free(m->book);
    free(m->mesh);
    free(m->mesh_bytes);
    free(m->img);
    free(m->img_bytes);
    free(m);
}

void pc_model_reset(pc_model_t *m) {
    cJSON_Delete(m->header);
    cJSON_Delete(m->summary);
    cJSON_Delete(m->calls);
    pc_img_frame_t *img = m->img;
    size_t cap_img = m->cap_img;
    uint8_t *img_bytes = m->img_bytes;
    size_t img_cap = m->img_cap;
    /* keep the series' buffers: a viewer resets on every run and should not churn memory */
    pc_series_t keep[PC_MODEL_MAX_SERIES];
    memcpy(keep, m->series, sizeof keep);
    uint64_t version = m->version;
    pc_book_frame_t *book = m->book;
    size_t cap_book = m->cap_book;
    pc_mesh_frame_t *mesh = m->mesh;
    size_t cap_mesh = m->cap_mesh;
    uint8_t *mesh_bytes = m->mesh_bytes;
    size_t mesh_cap = m->mesh_cap;
    memset(m, 0, sizeof *m);
    m->mesh = mesh;
    m->cap_mesh = cap_mesh;
    m->mesh_bytes = mesh_bytes;
    m->mesh_cap = mesh_cap;
    m->mesh_stride = 1;
    m->img = img;
    m->cap_img = cap_img;
    m->img_bytes = img_bytes;
    m->img_cap = img_cap;
    for (int i = 0; i < PC_MODEL_MAX_SERIES; i++) {
        pc_series_t *s = &m->series[i];
        s->hist = keep[i].hist;
        s->windows = keep[i].windows;
        s->cap_windows = keep[i].cap_windows;
        s->samples = keep[i].samples;
        s->cap_samples = keep[i].cap_samples;
        s->steps = keep[i].steps;
        s->cap_steps = keep[i].cap_steps;
        s->step_buckets = keep[i].step_buckets;
        s->cap_step_buckets = keep[i].cap_step_buckets;
    }
    m->book = book;
    m->cap_book = cap_book;
    snprintf(m->status, sizeof m->status, "empty");
    m->baseline_t = -1;
    m->version = version + 1;
}

/* Makes room for `need` elements of `size` bytes in *p (capacity *cap, doubling). 0 or PC_ENOMEM;
 * *p is unchanged on failure. */
static int grow(void *p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 0;
    size_t ncap = *cap ? *cap : 64;
    while (ncap < need) ncap *= 2;
    void *np = realloc(*(void **)p, ncap * size);
    if (!np) return PC_ENOMEM;
    *(void **)p = np;
    *cap = ncap;
    return 0;
}

static void copy_str(char *dst, size_t cap, const char *src) {
    snprintf(dst, cap, "%s", src ? src : "");
}

/* A series by name, created on first use; NULL when all PC_MODEL_MAX_SERIES slots are taken. */
static pc_series_t *series_get(pc_model_t *m, const char *name) {
    for (int i = 0; i < m->n_series; i++)
        if (strcmp(m->series[i].name, name) == 0) return &m->series[i];
    if (m->n_series == PC_MODEL_MAX_SERIES) return NULL;
    pc_series_t *s = &m->series[m->n_series++];
    copy_str(s->name, sizeof s->name, name);
    copy_str(s->label, sizeof s->label, name);
    copy_str(s->unit, sizeof s->unit, "ns");
    s->n_windows = 0;
    s->dropped_windows = 0;
    s->n_samples = 0;
    s->dropped_samples = 0;
    s->n_steps = 0;
    s->n_step_buckets = 0;
    s->steps_truncated = 0;
    if (s->hist) pc_hist_reset(s->hist);
    s->has_hist = 0;
    s->has_baseline = 0;
    s->baseline = 0;
    s->lower_is_better = -1;
    return s;
}

const pc_series_t *pc_model_series(const pc_model_t *m, const char *name) {
    for (int i = 0; i < m->n_series; i++)
        if (strcmp(m->series[i].name, name) == 0) return &m->series[i];
    return NULL;
}

/* ---- field helpers: every failure names the record kind and the field ---- */

static int get_num(const cJSON *o, const char *key, double *out, int required, const char *kind,
                   pc_errbuf_t *err) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v) {
        if (required) return pc_errf(err, PC_EFORMAT, "%s record: missing field \"%s\"", kind, key);
        return 1;
    }
    if (!cJSON_IsNumber(v))
        return pc_errf(err, PC_EFORMAT, "%s record: field \"%s\" is not a number", kind, key);
    *out = v->valuedouble;
    return 0;
}

/* True when d is an integer that a uint64_t holds (checked before any cast: a cast of a value
 * out of range is undefined behaviour, and these numbers come from files and sockets). */
static int is_u64(double d) { return d >= 0 && d < 18446744073709551616.0 && d == floor(d); }

static const char *get_str(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void note_time(pc_model_t *m, const cJSON *o) {
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "t");
    if (cJSON_IsNumber(t) && t->valuedouble > m->t_last) m->t_last = t->valuedouble;
}

/* ---- record kinds ---- */

static int apply_header(pc_model_t *m, cJSON *o, pc_errbuf_t *err) {
    const char *suite = get_str(o, "suite");
    if (!suite) return pc_errf(err, PC_EFORMAT, "header record: missing string field \"suite\"");
    if (m->header) return pc_errf(err, PC_EFORMAT, "header record: a second header in one run");
    copy_str(m->suite, sizeof m->suite, suite);
    copy_str(m->run_id, sizeof m->run_id, get_str(o, "run_id"));
    const cJSON *series = cJSON_GetObjectItemCaseSensitive(o, "series");
    const cJSON *s;
    cJSON_ArrayForEach(s, series) {
        const char *name = get_str(s, "name");
        if (!name) continue;
        pc_series_t *ps = series_get(m, name);
        if (!ps) break;
        if (get_str(s, "label")) copy_str(ps->label, sizeof ps->label, get_str(s, "label"));
        if (get_str(s, "unit")) copy_str(ps->unit, sizeof ps->unit, get_str(s, "unit"));
    }
    copy_str(m->status, sizeof m->status, "running");
    m->header = o; /* owned from here */
    return 0;
}

static int apply_hist(pc_model_t *m, const cJSON *o, pc_errbuf_t *err) {
    const char *name = get_str(o, "series");
    if (!name) return pc_errf(err, PC_EFORMAT, "hist record: missing string field \"series\"");
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(o, "b");
    if (!cJSON_IsArray(b)) return pc_errf(err, PC_EFORMAT, "hist record: field \"b\" is not an array");
    int n = cJSON_GetArraySize(b);
    if (n % 2) return pc_errf(err, PC_EFORMAT, "hist record: field \"b\" has an odd length (%d)", n);
    pc_series_t *s = series_get(m, name);
    if (!s) return 0; /* more series than we draw: ignore, not an error */
    if (!s->hist) {
        s->hist = malloc(sizeof *s->hist);
        if (!s->hist) return PC_ENOMEM;
        pc_hist_reset(s->hist);
    }
    /* validate the whole delta before touching the histogram: all or nothing */
    int i = 0;
    const cJSON *v;
    uint64_t delta_total = 0;
    cJSON_ArrayForEach(v, b) {
        double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
        if (!is_u64(d) || (i % 2 == 0 && d >= PC_HIST_BUCKETS))
            return pc_errf(err, PC_EFORMAT, "hist record: \"b\"[%d] is not a valid %s", i,
                           i % 2 ? "count" : "bucket index");
        if (i % 2 && __builtin_add_overflow(delta_total, (uint64_t)d, &delta_total))
            return pc_errf(err, PC_EFORMAT, "hist record: counts in \"b\" overflow 64 bits");
        i++;
    }
    uint64_t have = s->hist ? s->hist->total : 0, sum_total;
    if (__builtin_add_overflow(have, delta_total, &sum_total))
        return pc_errf(err, PC_EFORMAT, "hist record: series \"%s\" would count more than 2^64 samples", name);
    double mn = 0, mx = 0, sum = 0;
    int r;
    if ((r = get_num(o, "min", &mn, 0, "hist", err)) < 0) return r;
    if ((r = get_num(o, "max", &mx, 0, "hist", err)) < 0) return r;
    if ((r = get_num(o, "sum", &sum, 0, "hist", err)) < 0) return r;
    if (!is_u64(mn) || !is_u64(mx) || mn > mx)
        return pc_errf(err, PC_EFORMAT, "hist record: \"min\"/\"max\" are not integers 0 <= min <= max < 2^64");
    /* keep the delta for pc_model_hist_at (bounded; the cumulative histogram stays exact) */
    size_t pairs = (size_t)n / 2;
    int keep_step = !s->steps_truncated && pairs;
    if (keep_step && s->n_step_buckets + pairs > PC_MODEL_MAX_STEP_BUCKETS) {
        s->steps_truncated = 1;
        keep_step = 0;
    }
    if (keep_step) {
        if (grow(&s->steps, &s->cap_steps, s->n_steps + 1, sizeof *s->steps) ||
            grow(&s->step_buckets, &s->cap_step_buckets, s->n_step_buckets + pairs, sizeof *s->step_buckets))
            return PC_ENOMEM;
        double t = 0;
        const cJSON *jt = cJSON_GetObjectItemCaseSensitive(o, "t");
        if (cJSON_IsNumber(jt)) t = jt->valuedouble;
        s->steps[s->n_steps++] = (pc_hist_step_t){.t = t, .first = (uint32_t)s->n_step_buckets, .n = (uint32_t)pairs};
    }
    uint64_t idx = 0, added = 0;
    i = 0;
    cJSON_ArrayForEach(v, b) {
        if (i++ % 2 == 0) {
            idx = (uint64_t)v->valuedouble;
        } else {
            pc_hist_add_bucket(s->hist, (uint32_t)idx, (uint64_t)v->valuedouble);
            added += (uint64_t)v->valuedouble;
            if (keep_step)
                s->step_buckets[s->n_step_buckets++] =
                    (pc_bucket_count_t){.idx = (uint32_t)idx, .count = (uint64_t)v->valuedouble};
        }
    }
    if (added) {
        const cJSON *jmin = cJSON_GetObjectItemCaseSensitive(o, "min");
        if (jmin) {
            pc_hist_merge_stats(s->hist, (uint64_t)mn, (uint64_t)mx, sum);
        } else { /* no exact stats shipped: estimate from bucket midpoints */
            i = 0;
            cJSON_ArrayForEach(v, b) {
                if (i++ % 2 == 0) { idx = (uint64_t)v->valuedouble; continue; }
                uint64_t lo = pc_hist_bucket_low((uint32_t)idx), hi = pc_hist_bucket_high((uint32_t)idx);
                pc_hist_merge_stats(s->hist, lo, hi, ((double)lo + (double)hi) * 0.5 * v->valuedouble);
            }
        }
        s->has_hist = 1;
    }
    return 0;
}

static int apply_window(pc_model_t *m, const cJSON *o, pc_errbuf_t *err) {
    const char *name = get_str(o, "series");
    if (!name) return pc_errf(err, PC_EFORMAT, "window record: missing string field \"series\"");
    double t = 0, dt = 0, count = 0;
    int r;
    if ((r = get_num(o, "t", &t, 1, "window", err)) < 0) return r;
    if ((r = get_num(o, "dt", &dt, 1, "window", err)) < 0) return r;
    if ((r = get_num(o, "count", &count, 1, "window", err)) < 0) return r;
    if (!(dt > 0) || !isfinite(dt)) return pc_errf(err, PC_EFORMAT, "window record: \"dt\" must be > 0");
    if (!(count >= 0) || !isfinite(count))
        return pc_errf(err, PC_EFORMAT, "window record: \"count\" must be a finite number >= 0");
    pc_series_t *s = series_get(m, name);
    if (!s) return 0;
    if (s->n_windows == PC_MODEL_MAX_WINDOWS) {
        s->dropped_windows++;
        return 0;
    }
    if (grow(&s->windows, &s->cap_windows, s->n_windows + 1, sizeof *s->windows)) return PC_ENOMEM;
    s->windows[s->n_windows++] = (pc_window_t){.t = t, .dt = dt, .count = count, .rate = count / dt};
    return 0;
}

/* {"t": 1.5, "values": {"cpu_percent": 12.5, "rss_mb": 40}}: one sample per named series. */
static int apply_metric(pc_model_t *m, const cJSON *o, pc_errbuf_t *err) {
    double t = 0;
    int r = get_num(o, "t", &t, 1, "metric", err);
    if (r < 0) return r;
    const cJSON *values = cJSON_GetObjectItemCaseSensitive(o, "values"), *v;
    if (!cJSON_IsObject(values)) return pc_errf(err, PC_EFORMAT, "metric record: \"values\" is not an object");
    cJSON_ArrayForEach(v, values) {
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
            return pc_errf(err, PC_EFORMAT, "metric record: \"values\".\"%.40s\" is not a finite number", v->string);
    }
    cJSON_ArrayForEach(v, values) {
        pc_series_t *s = series_get(m, v->string);
        if (!s) continue; /* more series than the model keeps: not an error */
        if (s->n_samples == PC_MODEL_MAX_WINDOWS) {
            s->dropped_samples++;
            continue;
        }
        if (grow(&s->samples, &s->cap_samples, s->n_samples + 1, sizeof *s->samples)) return PC_ENOMEM;
        s->samples[s->n_samples++] = (pc_sample_t){.t = t, .value = v->valuedouble};
    }
    return 0;
}

static int apply_progress(pc_model_t *m, const cJSON *o, pc_errbuf_t *err) {
    double f = 0;
    int r = get_num(o, "fraction", &f, 1, "progress", err);
    if (r < 0) return r;
    m->progress = f < 0 ? 0 : f > 1 ? 1 : f;
    copy_str(m->phase, sizeof m->phase, get_str(o, "phase"));
    return 0;
}

static int apply_event(pc_model_t *m, const cJSON *o, pc_errbuf_t *err) {
    double t = 0;
    int r = get_num(o, "t", &t, 1, "event", err);
    if (r < 0) return r;
    if (m->n_events == PC_MODEL_MAX_EVENTS) return 0;
    pc_event_t *e = &m->events[m->n_events++];
    e->t = t;
    copy_str(e->text, sizeof e->text, get_str(o, "text"));
    return 0;
}

/* An alert record: {"t","metric","baseline","current","change","threshold","lower_is_better","active"}. */
static int apply_alert(pc_model_t *m, const cJSON *o, pc_errbuf_t *err) {
    pc_alert_t a = {0};
    const char *name = get_str(o, "metric");
    if (!name || !*name) return pc_errf(err, PC_EFORMAT, "alert record: missing string field \"metric\"");
    static const char *const keys[5] = {"t", "baseline", "current", "change", "threshold"};
    double *dst[5] = {&a.t, &a.baseline, &a.current, &a.change, &a.threshold};
    for (int i = 0; i < 5; i++) {
        int r = get_num(o, keys[i], dst[i], 1, "alert", err);
        if (r < 0) return r;
        if (!isfinite(*dst[i])) return pc_errf(err, PC_EFORMAT, "alert record: field \"%s\" is not finite", keys[i]);
    }
    const cJSON *lb = cJSON_GetObjectItemCaseSensitive(o, "lower_is_better");
    const cJSON *ac = cJSON_GetObjectItemCaseSensitive(o, "active");
    if (!cJSON_IsBool(lb)) return pc_errf(err, PC_EFORMAT, "alert record: field \"lower_is_better\" is not a boolean");
    if (!cJSON_IsBool(ac)) return pc_errf(err, PC_EFORMAT, "alert record: field \"active\" is not a boolean");
    a.lower_is_better = cJSON_IsTrue(lb);
    a.active = cJSON_IsTrue(ac);
    copy_str(a.metric, sizeof a.metric, name);
    if (m->n_alerts == PC_MODEL_MAX_ALERTS) {
        m->dropped_alerts++;
        return 0;
    }
    m->alerts[m->n_alerts++] = a;
    return 0;
}

/* A baseline record: {"t","threshold","values":{name: number},"lower_is_better":{name: bool}}.
 * It replaces every earlier baseline: series it does not name lose theirs. */
static int apply_baseline(pc_model_t *m, const cJSON *o, pc_errbuf_t *err) {
    double t = 0, thr = 0;
    int r = get_num(o, "t", &t, 1, "baseline", err);
    if (r < 0 || (r = get_num(o, "threshold", &thr, 1, "baseline", err)) < 0) return r;
    if (!(thr > 0) || !isfinite(thr)) return pc_errf(err, PC_EFORMAT, "baseline record: \"threshold\" must be > 0");
    const cJSON *values = cJSON_GetObjectItemCaseSensitive(o, "values"), *v;
    const cJSON *dirs = cJSON_GetObjectItemCaseSensitive(o, "lower_is_better");
    if (!cJSON_IsObject(values)) return pc_errf(err, PC_EFORMAT, "baseline record: \"values\" is not an object");
    if (dirs && !cJSON_IsObject(dirs))
        return pc_errf(err, PC_EFORMAT, "baseline record: \"lower_is_better\" is not an object");
    cJSON_ArrayForEach(v, values) {
        if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
            return pc_errf(err, PC_EFORMAT, "baseline record: \"values\".\"%.40s\" is not a finite number", v->string);
        const cJSON *d = dirs ? cJSON_GetObjectItemCaseSensitive(dirs, v->string) : NULL;
        if (d && !cJSON_IsBool(d))
            return pc_errf(err, PC_EFORMAT, "baseline record: \"lower_is_better\".\"%.40s\" is not a boolean",
                           v->string);
    }
    for (int i = 0; i < m->n_series; i++) m->series[i].has_baseline = 0;
    cJSON_ArrayForEach(v, values) {
        pc_series_t *s = series_get(m, v->string);
        if (!s) continue; /* more series than the model keeps: not an error */
        const cJSON *d = dirs ? cJSON_GetObjectItemCaseSensitive(dirs, v->string) : NULL;
        s->has_baseline = 1;
        s->baseline = v->valuedouble;
        s->lower_is_better = d ? cJSON_IsTrue(d) : -1;
    }
    m->baseline_t = t;
    m->alert_threshold = thr;
    return 0;
}

const pc_alert_t *pc_model_alert_at(const pc_model_t *m, const char *name, double t) {
    for (int i = m->n_alerts - 1; i >= 0; i--) {
        const pc_alert_t *a = &m->alerts[i];
        if ((t >= 0 && a->t > t) || strcmp(a->metric, name)) continue;
        return a->active ? a : NULL;
    }
    return NULL;
}

/* Reads up to max [price, size] pairs from array `key` of o into out; returns the count or
 * PC_EFORMAT naming the field. */
static int read_levels(const cJSON *o, const char *key, pc_level_t *out, int max, pc_errbuf_t *err) {
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!arr) return 0;
    if (!cJSON_IsArray(arr)) return pc_errf(err, PC_EFORMAT, "book record: \"%s\" is not an array", key);
    int n = 0;
    const cJSON *lv;
    cJSON_ArrayForEach(lv, arr) {
        const cJSON *p = cJSON_GetArrayItem(lv, 0), *q = cJSON_GetArrayItem(lv, 1);
        if (!cJSON_IsArray(lv) || !cJSON_IsNumber(p) || !cJSON_IsNumber(q))
            return pc_errf(err, PC_EFORMAT, "book record: \"%s\"[%d] is not [price, size]", key, n);
        if (n < max) out[n] = (pc_level_t){.price = p->valuedouble, .size = q->valuedouble};
        n++;
    }
    return n < max ? n : max;
}

static int apply_book(pc_model_t *m, const cJSON *o, pc_errbuf_t *err) {
    pc_book_frame_t f;
    memset(&f, 0, sizeof f);
    int r;
    if ((r = get_num(o, "t", &f.t, 1, "book", err)) < 0) return r;
    if ((r = get_num(o, "mid", &f.mid, 0, "book", err)) < 0) return r;
    if ((r = get_num(o, "spread", &f.spread, 0, "book", err)) < 0) return r;
    if ((r = get_num(o, "last_price", &f.last_price, 0, "book", err)) < 0) return r;
    if ((r = read_levels(o, "bids", f.bids, PC_BOOK_MAX_LEVELS, err)) < 0) return r;
    f.n_bids = r;
    if ((r = read_levels(o, "asks", f.asks, PC_BOOK_MAX_LEVELS, err)) < 0) return r;
    f.n_asks = r;
    const cJSON *trades = cJSON_GetObjectItemCaseSensitive(o, "trades"), *tr;
    if (trades && !cJSON_IsArray(trades)) return pc_errf(err, PC_EFORMAT, "book record: \"trades\" is not an array");
    cJSON_ArrayForEach(tr, trades) {
        const cJSON *p = cJSON_GetArrayItem(tr, 0), *q = cJSON_GetArrayItem(tr, 1), *sd = cJSON_GetArrayItem(tr, 2);
        if (!cJSON_IsNumber(p) || !cJSON_IsNumber(q) || !cJSON_IsNumber(sd))
            return pc_errf(err, PC_EFORMAT, "book record: \"trades\"[%d] is not [price, size, side]", f.n_trades);
        if (f.n_trades == PC_BOOK_MAX_TRADES) { /* keep the newest */
            memmove(f.trades, f.trades + 1, (PC_BOOK_MAX_TRADES - 1) * sizeof *f.trades);
            f.n_trades--;
        }
        f.trades[f.n_trades++] = (pc_trade_t){.price = p->valuedouble, .size = q->valuedouble,
                                               .side = sd->valuedouble < 0 ? -1 : 1};
    }
    if (m->n_book == PC_MODEL_MAX_BOOK_FRAMES) {
        m->dropped_book++;
        return 0;
    }
    if (grow(&m->book, &m->cap_book, m->n_book + 1, sizeof *m->book)) return PC_ENOMEM;
    m->book[m->n_book++] = f;
    return 0;
}

static int apply_end(pc_model_t *m, const cJSON *o, pc_errbuf_t *err) {
    const char *status = get_str(o, "status");
    if (!status) return pc_errf(err, PC_EFORMAT, "end record: missing string field \"status\"");
    m->finished = 1;
    copy_str(m->status, sizeof m->status, status);
    copy_str(m->end_message, sizeof m->end_message, get_str(o, "message"));
    if (strcmp(status, "ok") == 0) m->progress = 1;
    return 0;
}

/* Keeps every other kept mesh frame (positions 0, 2, 4 ...) and doubles the stride. */
static void mesh_decimate(pc_model_t *m) {
    size_t n = 0, len = 0;
    for (size_t i = 0; i < m->n_mesh; i += 2) {
        pc_mesh_frame_t f = m->mesh[i];
        memmove(m->mesh_bytes + len, m->mesh_bytes + f.off, f.len);
        f.off = len;
        len += f.len;
        m->mesh[n++] = f;
    }
    m->n_mesh = n;
    m->mesh_len = len;
    m->mesh_stride *= 2;
    m->mesh_max_vert = 0;
    for (size_t i = 0; i < n; i++)
        if (m->mesh[i].n_vert > m->mesh_max_vert) m->mesh_max_vert = m->mesh[i].n_vert;
}

/* A binary mesh record: checked whole, then kept (bounded: see PC_MODEL_MAX_MESH_BYTES). */
static int apply_mesh(pc_model_t *m, const pc_record_t *rec, pc_errbuf_t *err) {
    if (rec->enc != PC_ENC_BINARY)
        return pc_errf(err, PC_EFORMAT, "mesh record: expected binary encoding, got %u", rec->enc);
    if (!m->header) return pc_errf(err, PC_EFORMAT, "mesh record before the header record");
    pc_meshrec_t mr;
    int r = pc_meshrec_parse(rec->payload, rec->len, &mr, err);
    if (r < 0) return r;
    if (mr.t > m->t_last) m->t_last = mr.t;
    uint64_t seq = m->mesh_seen++;
    if (rec->len > PC_MODEL_MAX_MESH_BYTES) {
        m->dropped_mesh++;
        return 0;
    }
    while (m->mesh_len + rec->len > PC_MODEL_MAX_MESH_BYTES && m->n_mesh) mesh_decimate(m);
    if (seq % m->mesh_stride) return 0; /* decimated: not every frame fits */
    if (grow(&m->mesh, &m->cap_mesh, m->n_mesh + 1, sizeof *m->mesh) ||
        grow(&m->mesh_bytes, &m->mesh_cap, m->mesh_len + rec->len, 1))
        return PC_ENOMEM;
    memcpy(m->mesh_bytes + m->mesh_len, rec->payload, rec->len);
    m->mesh[m->n_mesh++] = (pc_mesh_frame_t){.t = mr.t, .frame = mr.frame, .n_vert = mr.n_vert, .n_tri = mr.n_tri,
                                             .off = m->mesh_len, .len = rec->len};
    m->mesh_len += rec->len;
    if (mr.n_vert > m->mesh_max_vert) m->mesh_max_vert = mr.n_vert;
    return 0;
}

/* A binary image frame (u16 w, u16 h, u32 frame, f32 t, RGB): checked, kept while the
 * PC_MODEL_MAX_IMG_BYTES budget lasts, counted after. */
static int apply_img(pc_model_t *m, const pc_record_t *rec, pc_errbuf_t *err) {
    if (rec->enc != PC_ENC_BINARY)
        return pc_errf(err, PC_EFORMAT, "frame record: expected binary encoding, got %u", rec->enc);
    if (!m->header) return pc_errf(err, PC_EFORMAT, "frame record before the header record");
    if (rec->len < 12) return pc_errf(err, PC_EFORMAT, "frame record: %u bytes, shorter than its 12-byte head", rec->len);
    const uint8_t *p = rec->payload;
    uint32_t w = (uint32_t)p[0] | (uint32_t)p[1] << 8, h = (uint32_t)p[2] | (uint32_t)p[3] << 8;
    uint32_t frame = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
    uint32_t tb = (uint32_t)p[8] | (uint32_t)p[9] << 8 | (uint32_t)p[10] << 16 | (uint32_t)p[11] << 24;
    float tf;
    memcpy(&tf, &tb, 4);
    /* in 64 bits: in 32-bit wasm a size_t product wraps (34179 x 41887 x 3 = 2^32 + 23), and a
     * 35-byte payload would pass for a frame the views then read far past */
    uint64_t need = (uint64_t)w * h * 3;
    if (!w || !h || rec->len != 12 + need)
        return pc_errf(err, PC_EFORMAT, "frame record: %ux%u RGB needs %llu bytes, payload has %u", w, h,
                       (unsigned long long)(12 + need), rec->len);
    size_t px = (size_t)need; /* == rec->len - 12: fits */
    if (!(tf >= 0)) return pc_errf(err, PC_EFORMAT, "frame record: bad time");
    if ((double)tf > m->t_last) m->t_last = tf;
    if (m->img_len + px > PC_MODEL_MAX_IMG_BYTES) {
        m->dropped_img++;
        return 0;
    }
    if (grow(&m->img, &m->cap_img, m->n_img + 1, sizeof *m->img) ||
        grow(&m->img_bytes, &m->img_cap, m->img_len + px, 1))
        return pc_errf(err, PC_ENOMEM, "frame record: out of memory");
    memcpy(m->img_bytes + m->img_len, p + 12, px);
    m->img[m->n_img++] = (pc_img_frame_t){.t = tf, .frame = frame, .w = (int)w, .h = (int)h, .off = m->img_len};
    m->img_len += px;
    return 0;
}

/* A calls record (JSON): the cumulative call tree, so only the latest is kept. */
static int apply_calls(pc_model_t *m, const pc_record_t *rec, pc_errbuf_t *err) {
    if (rec->enc != PC_ENC_JSON) return pc_errf(err, PC_EFORMAT, "calls record: expected JSON encoding, got %u", rec->enc);
    if (!m->header) return pc_errf(err, PC_EFORMAT, "calls record before the header record");
    cJSON *o = cJSON_ParseWithLength((const char *)rec->payload, rec->len);
    if (!cJSON_IsObject(o) || !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(o, "edges"))) {
        cJSON_Delete(o);
        return pc_errf(err, PC_EFORMAT, "calls record: not an object with an \"edges\" array");
    }
    note_time(m, o);
    cJSON_Delete(m->calls);
    m->calls = o;
    return 0;
}

int pc_model_apply(pc_model_t *m, const pc_record_t *rec, pc_errbuf_t *err) {
    const char *kind = pc_rec_kind_name(rec->kind);
    if (rec->kind == PC_REC_MESH) {
        int r = apply_mesh(m, rec, err);
        if (r == 0) {
            m->n_records++;
            m->version++;
        }
        return r;
    }
    if (rec->kind == PC_REC_FRAME || rec->kind == PC_REC_CALLS) {
        int r = rec->kind == PC_REC_FRAME ? apply_img(m, rec, err) : apply_calls(m, rec, err);
        if (r == 0) {
            m->n_records++;
            m->version++;
        }
        return r;
    }
    int json_kind = (rec->kind >= PC_REC_HEADER && rec->kind <= PC_REC_METRIC) || rec->kind == PC_REC_ALERT ||
                    rec->kind == PC_REC_BASELINE;
    if (!json_kind) return 0; /* a newer kind: skip */
    if (rec->enc != PC_ENC_JSON)
        return pc_errf(err, PC_EFORMAT, "%s record: expected JSON encoding, got %u", kind, rec->enc);
    if (rec->kind != PC_REC_HEADER && !m->header)
        return pc_errf(err, PC_EFORMAT, "%s record before the header record", kind);
    cJSON *o = cJSON_ParseWithLength((const char *)rec->payload, rec->len);
    if (!o || !cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return pc_errf(err, PC_EFORMAT, "%s record: payload is not a JSON object", kind);
    }
    note_time(m, o);
    int r;
    switch (rec->kind) {
    case PC_REC_HEADER:
        r = apply_header(m, o, err);
        if (r == 0) o = NULL; /* the model keeps it */
        break;
    case PC_REC_HIST: r = apply_hist(m, o, err); break;
    case PC_REC_WINDOW: r = apply_window(m, o, err); break;
    case PC_REC_PROGRESS: r = apply_progress(m, o, err); break;
    case PC_REC_SUMMARY:
        cJSON_Delete(m->summary);
        m->summary = o;
        o = NULL;
        r = 0;
        break;
    case PC_REC_END: r = apply_end(m, o, err); break;
    case PC_REC_EVENT: r = apply_event(m, o, err); break;
    case PC_REC_BOOK: r = apply_book(m, o, err); break;
    case PC_REC_METRIC: r = apply_metric(m, o, err); break;
    case PC_REC_ALERT: r = apply_alert(m, o, err); break;
    case PC_REC_BASELINE: r = apply_baseline(m, o, err); break;
    default: r = 0; break;
    }
    cJSON_Delete(o);
    if (r == 0) {
        m->n_records++;
        m->version++;
    }
    return r;
}

/* Applies records in buf; *off receives how far it got. Stops at the first error. */
static int feed_records(pc_model_t *m, const uint8_t *buf, size_t len, size_t *off, pc_errbuf_t *err) {
    *off = 0;
    while (*off < len) {
        pc_record_t rec;
        size_t used;
        int r = pc_record_decode(buf + *off, len - *off, &rec, &used);
        if (r < 0) return r;
        r = pc_model_apply(m, &rec, err);
        if (r < 0) return r;
        *off += used;
    }
    return 0;
}

int pc_model_feed(pc_model_t *m, const uint8_t *buf, size_t len, pc_errbuf_t *err) {
    size_t off;
    pc_errbuf_t inner = {{0}};
    int r = feed_records(m, buf, len, &off, &inner);
    if (r == PC_ETRUNC || r == PC_ECORRUPT)
        return pc_errf(err, r, "record at byte %zu of message: %s", off,
                       r == PC_ETRUNC ? "message ends inside the record" : "bad length or checksum");
    if (r < 0) return pc_errf(err, r, "record at byte %zu of message: %s", off, inner.msg[0] ? inner.msg : pc_strerror(r));
    return 0;
}

int pc_model_load(pc_model_t *m, const uint8_t *buf, size_t len, const char *name,
                  pc_load_info_t *info, pc_errbuf_t *err) {
    pc_load_info_t dummy;
    if (!info) info = &dummy;
    memset(info, 0, sizeof *info);
    if (!name) name = "result file";
    int major = 0, minor = 0;
    int r = pc_file_header_check(buf, len, &major, &minor);
    if (r == PC_ETRUNC && len >= 8)
        return pc_errf(err, r, "%s: file ends inside its 16-byte file header (%zu bytes)", name, len);
    if (r == PC_ETRUNC || r == PC_EFORMAT)
        return pc_errf(err, PC_EFORMAT, "%s: not a perfcast result file (byte 0: no \"PERFCAST\" magic)", name);
    if (r == PC_EVERSION)
        return pc_errf(err, r, "%s: format version %d.%d is not supported by this build (reads %d.x)", name, major,
                       minor, PC_FORMAT_MAJOR);
    size_t off = PC_FILE_HEADER_SIZE;
    pc_errbuf_t inner = {{0}};
    while (off < len) {
        pc_record_t rec;
        size_t used;
        r = pc_record_decode(buf + off, len - off, &rec, &used);
        if (r == PC_ETRUNC || r == PC_ECORRUPT) {
            /* A torn tail (killed mid-write) or garbage after it: keep what came before. */
            info->truncated = 1;
            snprintf(info->warning, sizeof info->warning,
                     "%s: %s record at byte %zu; kept the %llu records before it (%zu of %zu bytes)", name,
                     r == PC_ETRUNC ? "incomplete" : "corrupt", off, (unsigned long long)info->records, off, len);
            break;
        }
        r = pc_model_apply(m, &rec, &inner);
        if (r < 0)
            return pc_errf(err, r, "%s: record %llu at byte %zu: %s", name, (unsigned long long)info->records + 1,
                           off, inner.msg[0] ? inner.msg : pc_strerror(r));
        info->records++;
        off += used;
    }
    info->valid_bytes = off;
    if (!m->header)
        return pc_errf(err, PC_ETRUNC, "%s: no complete header record (file has %zu bytes)", name, len);
    return 0;
}

int pc_model_hist_at(const pc_series_t *s, double t, pc_hist_t *out) {
    pc_hist_reset(out);
    if (!s || !s->has_hist) return 0;
    if (t < 0 && s->hist) {
        *out = *s->hist;
        return 0;
    }
    for (size_t i = 0; i < s->n_steps && s->steps[i].t <= t; i++) {
        const pc_hist_step_t *st = &s->steps[i];
        for (uint32_t k = 0; k < st->n; k++) {
            const pc_bucket_count_t *b = &s->step_buckets[st->first + k];
            if (!b->count) continue;
            pc_hist_add_bucket(out, b->idx, b->count);
            uint64_t lo = pc_hist_bucket_low(b->idx), hi = pc_hist_bucket_high(b->idx);
            pc_hist_merge_stats(out, lo, hi, ((double)lo + (double)hi) * 0.5 * (double)b->count);
        }
    }
    return s->steps_truncated ? PC_ETRUNC : 0;
}

const pc_book_frame_t *pc_model_book_at(const pc_model_t *m, double t) {
    if (!m || !m->n_book) return NULL;
    if (t < 0) return &m->book[m->n_book - 1];
    /* binary search: last frame with frame.t <= t (frames arrive in time order) */
    size_t lo = 0, hi = m->n_book;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->book[mid].t <= t) lo = mid + 1;
        else hi = mid;
    }
    return lo ? &m->book[lo - 1] : NULL;
}

const pc_mesh_frame_t *pc_model_mesh_at(const pc_model_t *m, double t) {
    if (!m || !m->n_mesh) return NULL;
    if (t < 0) return &m->mesh[m->n_mesh - 1];
    size_t lo = 0, hi = m->n_mesh; /* last frame with frame.t <= t */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->mesh[mid].t <= t) lo = mid + 1;
        else hi = mid;
    }
    return lo ? &m->mesh[lo - 1] : NULL;
}

const pc_img_frame_t *pc_model_img_at(const pc_model_t *m, double t) {
    if (!m || !m->n_img) return NULL;
    if (t < 0) return &m->img[m->n_img - 1];
    size_t lo = 0, hi = m->n_img; /* last frame with frame.t <= t */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->img[mid].t <= t) lo = mid + 1;
        else hi = mid;
    }
    return lo ? &m->img[lo - 1] : NULL;
}

int pc_model_mesh_get(const pc_model_t *m, const pc_mesh_frame_t *f, pc_meshrec_t *out) {
    if (!m || !f || f < m->mesh || f >= m->mesh + m->n_mesh) return PC_EINVAL;
    return pc_meshrec_parse(m->mesh_bytes + f->off, f->len, out, NULL);
}

double pc_model_summary_num(const pc_model_t *m, const char *key, double dflt) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(m->summary, key);
    return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

double pc_model_param_num(const pc_model_t *m, const char *key, double dflt) {
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(m->header, "params");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(p, key);
    if (cJSON_IsNumber(v)) return v->valuedouble;
    if (cJSON_IsBool(v)) return cJSON_IsTrue(v) ? 1 : 0;
    return dflt;
}

const char *pc_model_header_str(const pc_model_t *m, const char *key, const char *dflt) {
    const char *s = get_str(m->header, key);
    return s ? s : dflt;
}
