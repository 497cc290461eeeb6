/* agent_rest.c — GET /api/performance/{metrics,history/<name>,regressions} and GET /metrics.
 *
 * The data is a pc_model_t of the agent's current run, fed here on the loop thread from the
 * run log (only the record kinds the answers need: mesh frames and throughput windows are
 * skipped, so a volume run does not grow a second copy of its meshes). Answers are written in
 * one lws_write (headers and body together, as lws_return_http_status does for HTTP/1); lws
 * keeps whatever the socket did not take and completes the transaction once it is sent. */
#include "agent_rest.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "agent_auth.h"
#include "cJSON.h"
#include "hist.h"
#include "model.h"
#include "record.h"

#define READ_CHUNK (256u << 10)   /* bytes of records copied out of the log per read */
#define SYNC_BUDGET (8u << 20)    /* bytes applied per pc_rest_sync call, so the loop stays responsive */
#define MAX_SUITES 16             /* suites whose previous run's final values are remembered */
#define HDR_ROOM 2048             /* response headers (the vhost's security headers included) */
#define STATIC_BODY (64u << 10)   /* bodies up to this size go out of a reused buffer */

/* Final value of each metric series of one run: a regression baseline. */
typedef struct values {
    char suite[32];
    char run_id[64];
    int n;
    char name[PC_MODEL_MAX_SERIES][32];
    double v[PC_MODEL_MAX_SERIES];
} values_t;

/* A growing string; oom set once an append failed (the answer is then a 500). */
typedef struct sb {
    char *p;
    size_t n, cap;
    int oom;
} sb_t;

struct pc_rest {
    pc_model_t *m;
    pc_runlog_t *log;     /* the run the model mirrors (a reference) */
    size_t cursor;        /* bytes of log applied */
    uint64_t gen;         /* bumped when the model starts a new run */
    double t0;            /* Unix time of the run's t = 0 */
    uint8_t *buf;         /* READ_CHUNK */
    unsigned char *out;   /* LWS_PRE + HDR_ROOM + STATIC_BODY, reused for answers */
    /* counters for /metrics */
    uint64_t runs_started, records, record_bytes;
    /* cached bodies with the (gen, version) they were built for */
    sb_t c_metrics, c_prom;
    uint64_t c_metrics_gen, c_metrics_ver, c_prom_gen, c_prom_ver;
    int c_metrics_ok, c_prom_ok;
    /* baselines */
    int has_file_baseline;
    char baseline_file[512];
    values_t file_base;
    values_t prev[MAX_SUITES]; /* the last finished ("ok") run of each suite */
    int n_prev;
};

/* ------------------------------------------------------------------ strings -------- */

static void sb_reserve(sb_t *s, size_t more) {
    if (s->oom || s->n + more + 1 <= s->cap) return;
    size_t cap = s->cap ? s->cap : 1024;
    while (cap < s->n + more + 1) cap *= 2;
    char *p = realloc(s->p, cap);
    if (!p) {
        s->oom = 1;
        return;
    }
    s->p = p;
    s->cap = cap;
}

static void sb_put(sb_t *s, const char *str, size_t len) {
    sb_reserve(s, len);
    if (s->oom) return;
    memcpy(s->p + s->n, str, len);
    s->n += len;
    s->p[s->n] = '\0';
}

static void sb_printf(sb_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sb_t *s, const char *fmt, ...) {
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof tmp) {
        sb_put(s, tmp, (size_t)n);
        return;
    }
    sb_reserve(s, (size_t)n);
    if (s->oom) return;
    va_start(ap, fmt);
    vsnprintf(s->p + s->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    s->n += (size_t)n;
}

/* Appends a string literal. */
#define sb_lit(s, lit) sb_put((s), (lit), sizeof(lit) - 1)

static void sb_clear(sb_t *s) {
    s->n = 0;
    s->oom = 0;
    if (s->p) s->p[0] = '\0';
}

/* A JSON string literal. */
static void sb_json_str(sb_t *s, const char *str) {
    sb_lit(s, "\"");
    for (const unsigned char *c = (const unsigned char *)str; *c; c++) {
        if (*c == '"' || *c == '\\') {
            char e[2] = {'\\', (char)*c};
            sb_put(s, e, 2);
        } else if (*c < 0x20) {
            sb_printf(s, "\\u%04x", *c);
        } else {
            sb_put(s, (const char *)c, 1);
        }
    }
    sb_lit(s, "\"");
}

/* A JSON number (null when not finite: JSON has no NaN) that reads back as exactly v: 15
 * digits when they round-trip, else 17 (as cJSON does), so clients can compare the `t` they
 * get with the `since` they send, and with the records themselves. */
static void sb_json_num(sb_t *s, double v) {
    if (!isfinite(v)) {
        sb_lit(s, "null");
        return;
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%.15g", v);
    if (strtod(buf, NULL) != v) snprintf(buf, sizeof buf, "%.17g", v);
    sb_printf(s, "%s", buf);
}

/* A Prometheus label value (backslash, quote and newline escaped). */
static void sb_label(sb_t *s, const char *str) {
    for (const char *c = str; *c; c++) {
        if (*c == '\\') sb_lit(s, "\\\\");
        else if (*c == '"') sb_lit(s, "\\\"");
        else if (*c == '\n') sb_lit(s, "\\n");
        else sb_put(s, c, 1);
    }
}

/* A Prometheus sample value: Go's float syntax (NaN, +Inf, -Inf). */
static void sb_prom_num(sb_t *s, double v) {
    if (isnan(v)) sb_lit(s, "NaN");
    else if (isinf(v)) sb_put(s, v > 0 ? "+Inf" : "-Inf", 4);
    else sb_printf(s, "%.17g", v);
}

/* "2024-05-01T12:00:00.123Z" for a Unix time. */
static void iso_time(double unix_s, char out[40]) {
    if (!isfinite(unix_s) || unix_s < 0) unix_s = 0;
    time_t sec = (time_t)floor(unix_s);
    int ms = (int)((unix_s - (double)sec) * 1000.0);
    if (ms > 999) ms = 999;
    struct tm tm;
    gmtime_r(&sec, &tm);
    size_t n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + n, 40 - n, ".%03dZ", ms);
}

/* Parses ISO-8601 "YYYY-MM-DDTHH:MM:SS[.fff][Z|+HH:MM|-HH:MM]" (a space may stand for the
 * 'T' and, since '+' decodes to a space in query strings, for the offset's '+'). */
static int parse_iso(const char *s, double *unix_s) {
    int Y, M, D, h, mi, n = 0;
    double sec;
    if (sscanf(s, "%4d-%2d-%2d%*1[T ]%2d:%2d:%lf%n", &Y, &M, &D, &h, &mi, &sec, &n) != 6 || n == 0) return -1;
    const char *z = s + n;
    if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || mi > 59 || !(sec >= 0 && sec < 61)) return -1;
    double off = 0;
    if (*z == 'Z' || *z == 'z') {
        z++;
    } else if (*z == '+' || *z == '-' || *z == ' ') {
        int oh, om, k = 0;
        if (sscanf(z + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5) return -1;
        off = (*z == '-' ? -1.0 : 1.0) * (oh * 3600.0 + om * 60.0);
        z += 1 + k;
    }
    if (*z) return -1;
    struct tm tm = {0};
    tm.tm_year = Y - 1900;
    tm.tm_mon = M - 1;
    tm.tm_mday = D;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = 0;
    *unix_s = (double)timegm(&tm) + sec - off;
    return 0;
}

static double wall_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------------ the model ------ */

/* The last finite sample of each metric series. */
static void final_values(const pc_model_t *m, values_t *out) {
    memset(out, 0, sizeof *out);
    snprintf(out->suite, sizeof out->suite, "%s", m->suite);
    snprintf(out->run_id, sizeof out->run_id, "%s", m->run_id);
    for (int i = 0; i < m->n_series; i++) {
        const pc_series_t *s = &m->series[i];
        for (size_t k = s->n_samples; k-- > 0;) {
            if (!isfinite(s->samples[k].value)) continue;
            snprintf(out->name[out->n], sizeof out->name[0], "%s", s->name);
            out->v[out->n++] = s->samples[k].value;
            break;
        }
    }
}

/* Remembers the model's run as its suite's previous run when it finished well. */
static void remember_run(pc_rest_t *r) {
    pc_model_t *m = r->m;
    if (!m->finished || strcmp(m->status, "ok") != 0 || !m->suite[0]) return;
    values_t v;
    final_values(m, &v);
    if (!v.n) return;
    int i = 0;
    while (i < r->n_prev && strcmp(r->prev[i].suite, v.suite) != 0) i++;
    if (i == r->n_prev) {
        if (r->n_prev == MAX_SUITES) i = 0; /* forget the oldest slot: rare */
        else r->n_prev++;
    }
    r->prev[i] = v;
}

/* The record kinds the answers read; the rest are counted and skipped. */
static int wanted(uint16_t kind) {
    return kind == PC_REC_HEADER || kind == PC_REC_HIST || kind == PC_REC_METRIC || kind == PC_REC_SUMMARY ||
           kind == PC_REC_END || kind == PC_REC_PROGRESS || kind == PC_REC_ALERT || kind == PC_REC_BASELINE;
}

static void apply_buf(pc_rest_t *r, const uint8_t *buf, size_t len) {
    size_t off = 0;
    while (off < len) {
        pc_record_t rec;
        size_t used = 0;
        if (pc_record_decode(buf + off, len - off, &rec, &used) != 0 || !used) break; /* the log holds whole records */
        r->records++;
        r->record_bytes += used;
        if (wanted(rec.kind)) {
            pc_errbuf_t err = {{0}};
            int had_header = r->m->header != NULL;
            pc_model_apply(r->m, &rec, &err); /* a malformed record is skipped, as the viewer does */
            if (!had_header && r->m->header) {
                const cJSON *t0 = cJSON_GetObjectItemCaseSensitive(r->m->header, "started_unix");
                if (cJSON_IsNumber(t0)) r->t0 = t0->valuedouble;
            }
        }
        off += used;
    }
}

int pc_rest_sync(pc_rest_t *r, pc_runlog_t *log) {
    if (log && log != r->log) {
        remember_run(r);
        pc_model_reset(r->m);
        pc_runlog_ref(log);
        pc_runlog_unref(r->log);
        r->log = log;
        r->cursor = 0;
        r->gen++;
        r->runs_started++;
        r->t0 = wall_now(); /* until the header says when the run started */
    }
    if (!r->log) return 0;
    size_t done = 0;
    while (done < SYNC_BUDGET) {
        size_t n = pc_runlog_read(r->log, r->cursor, r->buf, READ_CHUNK);
        if (n) {
            apply_buf(r, r->buf, n);
        } else {
            n = pc_runlog_span(r->log, r->cursor, READ_CHUNK);
            if (!n) return 0; /* up to date */
            /* one record larger than the buffer: look at its kind before copying it */
            uint8_t head[8];
            if (pc_runlog_copy(r->log, r->cursor, head, sizeof head) != sizeof head) return 0;
            uint16_t kind = (uint16_t)(head[4] | head[5] << 8);
            uint8_t *big = wanted(kind) ? malloc(n) : NULL;
            if (big && pc_runlog_copy(r->log, r->cursor, big, n) == n) {
                apply_buf(r, big, n);
            } else {
                r->records++;
                r->record_bytes += n;
            }
            free(big);
        }
        r->cursor += n;
        done += n;
    }
    return 1;
}

/* ------------------------------------------------------------------ lifetime ------- */

pc_rest_t *pc_rest_create(const char *baseline_file, pc_errbuf_t *err) {
    pc_rest_t *r = calloc(1, sizeof *r);
    if (!r || !(r->m = pc_model_create()) || !(r->buf = malloc(READ_CHUNK)) ||
        !(r->out = malloc(LWS_PRE + HDR_ROOM + STATIC_BODY))) {
        pc_rest_destroy(r);
        pc_errf(err, PC_ENOMEM, "out of memory");
        return NULL;
    }
    if (baseline_file && baseline_file[0]) {
        FILE *f = fopen(baseline_file, "rb");
        uint8_t *data = NULL;
        long len = -1;
        if (f && fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
            (data = malloc((size_t)len + 1)) && fread(data, 1, (size_t)len, f) == (size_t)len) {
            pc_model_t *bm = pc_model_create();
            int e = bm ? pc_model_load(bm, data, (size_t)len, baseline_file, NULL, err) : pc_errf(err, PC_ENOMEM, "out of memory");
            if (!e) {
                final_values(bm, &r->file_base);
                if (!r->file_base.n) e = pc_errf(err, PC_EFORMAT, "%s has no metric samples to use as a baseline", baseline_file);
            }
            pc_model_destroy(bm);
            free(data);
            fclose(f);
            if (e) {
                pc_rest_destroy(r);
                return NULL;
            }
        } else {
            pc_errf(err, PC_EIO, "cannot read baseline %s", baseline_file);
            free(data);
            if (f) fclose(f);
            pc_rest_destroy(r);
            return NULL;
        }
        r->has_file_baseline = 1;
        snprintf(r->baseline_file, sizeof r->baseline_file, "%s", baseline_file);
    }
    return r;
}

void pc_rest_destroy(pc_rest_t *r) {
    if (!r) return;
    pc_model_destroy(r->m);
    pc_runlog_unref(r->log);
    free(r->buf);
    free(r->out);
    free(r->c_metrics.p);
    free(r->c_prom.p);
    free(r);
}

/* ------------------------------------------------------------------ answers -------- */

/* Writes status, headers and body in one go; returns the lws callback's return value. */
static int respond(pc_rest_t *r, struct lws *wsi, int status, const char *ctype, const char *body, size_t len,
                   int head_only, const char *allow, int close) {
    size_t blen = head_only ? 0 : len;
    unsigned char *buf = blen <= STATIC_BODY ? r->out : malloc(LWS_PRE + HDR_ROOM + blen);
    if (!buf) return -1;
    unsigned char *start = buf + LWS_PRE, *p = start, *end = start + HDR_ROOM - 1;
    int bad = lws_add_http_header_status(wsi, (unsigned)status, &p, end) ||
              lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CONTENT_TYPE, (const unsigned char *)ctype,
                                           (int)strlen(ctype), &p, end) ||
              lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_CACHE_CONTROL, (const unsigned char *)"no-store", 8,
                                           &p, end) ||
              lws_add_http_header_content_length(wsi, len, &p, end);
    if (!bad && allow)
        bad = lws_add_http_header_by_name(wsi, (const unsigned char *)"allow:", (const unsigned char *)allow,
                                          (int)strlen(allow), &p, end);
    if (!bad && status == 401)
        bad = lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_WWW_AUTHENTICATE,
                                           (const unsigned char *)"Bearer realm=\"perfcast\"", 23, &p, end);
    if (!bad && close)
        bad = lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION, (const unsigned char *)"close", 5, &p, end);
    if (!bad) bad = lws_finalize_http_header(wsi, &p, end);
    int rc = -1;
    if (!bad) {
        if (blen) memcpy(p, body, blen);
        size_t n = (size_t)(p - start) + blen;
        if (lws_write(wsi, start, n, LWS_WRITE_HTTP_HEADERS) == (int)n)
            rc = close ? -1 : (lws_http_transaction_completed(wsi) ? -1 : 0);
    }
    if (buf != r->out) free(buf);
    return rc;
}

static int respond_error(pc_rest_t *r, struct lws *wsi, int status, int head_only, const char *allow, int close,
                         const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static int respond_error(pc_rest_t *r, struct lws *wsi, int status, int head_only, const char *allow, int close,
                         const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sb_t s = {0};
    sb_lit(&s, "{\"error\":");
    sb_json_str(&s, msg);
    sb_printf(&s, ",\"status\":%d}", status);
    int rc = s.oom ? -1
                   : respond(r, wsi, status, "application/json", s.p, s.n, head_only, allow, close);
    free(s.p);
    return rc;
}

static const char *run_state(const pc_rest_t *r) {
    if (!r->log) return "none";
    return r->m->finished ? "finished" : "running";
}

/* "run_id":..,"suite":..,"state":..,"status": */
static void run_fields(const pc_rest_t *r, sb_t *s) {
    sb_lit(s, "\"run_id\":");
    if (r->log) sb_json_str(s, r->m->run_id[0] ? r->m->run_id : pc_runlog_id(r->log));
    else sb_lit(s, "null");
    sb_lit(s, ",\"suite\":");
    if (r->log) sb_json_str(s, r->m->suite[0] ? r->m->suite : pc_runlog_suite(r->log));
    else sb_lit(s, "null");
    sb_printf(s, ",\"state\":\"%s\",\"status\":", run_state(r));
    if (r->log) sb_json_str(s, r->m->status[0] ? r->m->status : "running");
    else sb_lit(s, "null");
}

static void build_metrics(pc_rest_t *r, sb_t *s) {
    const pc_model_t *m = r->m;
    char ts[40];
    iso_time(r->log ? r->t0 + m->t_last : wall_now(), ts);
    sb_lit(s, "{\"metrics\":{");
    int first = 1;
    for (int i = 0; r->log && i < m->n_series; i++) {
        const pc_series_t *se = &m->series[i];
        if (!se->n_samples) continue;
        if (!first) sb_lit(s, ",");
        first = 0;
        sb_json_str(s, se->name);
        sb_lit(s, ":");
        sb_json_num(s, se->samples[se->n_samples - 1].value);
    }
    sb_printf(s, "},\"timestamp\":\"%s\",", ts);
    run_fields(r, s);
    sb_lit(s, "}");
}

static int serve_metrics(pc_rest_t *r, struct lws *wsi, int head_only) {
    if (!r->log) { /* no run yet: the timestamp is now, so nothing to cache */
        sb_t s = {0};
        build_metrics(r, &s);
        int rc = s.oom ? -1 : respond(r, wsi, 200, "application/json", s.p, s.n, head_only, NULL, 0);
        free(s.p);
        return rc;
    }
    if (!r->c_metrics_ok || r->c_metrics_gen != r->gen || r->c_metrics_ver != r->m->version) {
        sb_clear(&r->c_metrics);
        build_metrics(r, &r->c_metrics);
        r->c_metrics_ok = !r->c_metrics.oom;
        r->c_metrics_gen = r->gen;
        r->c_metrics_ver = r->m->version;
        if (!r->c_metrics_ok) return respond_error(r, wsi, 500, head_only, NULL, 0, "out of memory");
    }
    return respond(r, wsi, 200, "application/json", r->c_metrics.p, r->c_metrics.n, head_only, NULL, 0);
}

static const pc_series_t *find_metric(const pc_rest_t *r, const char *name) {
    if (!r->log) return NULL;
    const pc_series_t *s = pc_model_series(r->m, name);
    return s && s->n_samples ? s : NULL;
}

static int serve_history(pc_rest_t *r, struct lws *wsi, const char *name, int head_only) {
    char arg[128];
    double since = -INFINITY;
    long limit = PC_REST_HISTORY_DEFAULT;
    const char *v = lws_get_urlarg_by_name(wsi, "since=", arg, sizeof arg);
    if (v) {
        char *end = NULL;
        double d = strtod(v, &end);
        double u;
        if (end != v && !*end && isfinite(d)) {
            since = d; /* seconds since the run started, like the records' "t" */
        } else if (parse_iso(v, &u) == 0) {
            since = u - r->t0;
        } else {
            return respond_error(r, wsi, 400, head_only, NULL, 0,
                                 "since=%.64s: expected seconds since the run started or an ISO-8601 time", v);
        }
    }
    v = lws_get_urlarg_by_name(wsi, "limit=", arg, sizeof arg);
    if (v) {
        char *end = NULL;
        limit = strtol(v, &end, 10);
        if (end == v || *end || limit < 1 || limit > PC_REST_HISTORY_MAX)
            return respond_error(r, wsi, 400, head_only, NULL, 0, "limit=%.32s: expected an integer from 1 to %d", v,
                                 PC_REST_HISTORY_MAX);
    }
    const pc_series_t *se = find_metric(r, name);
    if (!se) return respond_error(r, wsi, 404, head_only, NULL, 0, "unknown metric \"%.64s\"", name);
    /* samples are in time order: the first one after since, then the latest `limit` of those */
    size_t lo = 0, hi = se->n_samples;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (se->samples[mid].t <= since) lo = mid + 1;
        else hi = mid;
    }
    size_t first = lo;
    if (se->n_samples - first > (size_t)limit) first = se->n_samples - (size_t)limit;
    sb_t s = {0};
    sb_lit(&s, "{\"metric\":");
    sb_json_str(&s, se->name);
    sb_lit(&s, ",");
    run_fields(r, &s);
    sb_printf(&s, ",\"total\":%zu,\"dropped\":%llu,\"history\":[", se->n_samples,
              (unsigned long long)se->dropped_samples);
    for (size_t k = first; k < se->n_samples && !s.oom; k++) {
        char ts[40];
        iso_time(r->t0 + se->samples[k].t, ts);
        sb_printf(&s, "%s{\"timestamp\":\"%s\",\"t\":", k > first ? "," : "", ts);
        sb_json_num(&s, se->samples[k].t);
        sb_lit(&s, ",\"value\":");
        sb_json_num(&s, se->samples[k].value);
        sb_lit(&s, "}");
    }
    sb_lit(&s, "]}");
    int rc = s.oom ? respond_error(r, wsi, 500, head_only, NULL, 0, "out of memory")
                   : respond(r, wsi, 200, "application/json", s.p, s.n, head_only, NULL, 0);
    free(s.p);
    return rc;
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* +1 higher is better, -1 lower is better, 0 not judged (docs/AGENT.md lists the rules). */
static int direction(const char *name) {
    if (ends_with(name, "fps") || ends_with(name, "_per_s") || ends_with(name, "throughput")) return 1;
    if (ends_with(name, "_ms") || ends_with(name, "_ns") || ends_with(name, "_us") || ends_with(name, "_s") ||
        ends_with(name, "time"))
        return -1;
    return 0;
}

static int serve_regressions(pc_rest_t *r, struct lws *wsi, int head_only) {
    char arg[64];
    double threshold = 0.2;
    const char *v = lws_get_urlarg_by_name(wsi, "threshold=", arg, sizeof arg);
    if (v) {
        char *end = NULL;
        threshold = strtod(v, &end);
        if (end == v || *end || !isfinite(threshold) || threshold < 0 || threshold > 1e6)
            return respond_error(r, wsi, 400, head_only, NULL, 0,
                                 "threshold=%.32s: expected a fraction >= 0 (0.2 = 20%% worse)", v);
    }
    const values_t *base = NULL;
    const char *source = NULL;
    if (r->has_file_baseline) {
        base = &r->file_base;
        source = "file";
    } else if (r->log) {
        for (int i = 0; i < r->n_prev; i++)
            if (!strcmp(r->prev[i].suite, r->m->suite)) base = &r->prev[i], source = "previous_run";
    }
    values_t cur = {0};
    if (r->log) final_values(r->m, &cur);
    sb_t s = {0};
    sb_lit(&s, "{");
    run_fields(r, &s);
    sb_lit(&s, ",\"threshold\":");
    sb_json_num(&s, threshold);
    sb_lit(&s, ",\"baseline\":");
    if (base) {
        sb_printf(&s, "{\"source\":\"%s\",\"suite\":", source);
        sb_json_str(&s, base->suite);
        sb_lit(&s, ",\"run_id\":");
        sb_json_str(&s, base->run_id);
        if (r->has_file_baseline) {
            sb_lit(&s, ",\"file\":");
            sb_json_str(&s, r->baseline_file);
        }
        sb_lit(&s, "}");
    } else {
        sb_lit(&s, "null");
    }
    sb_t regs = {0}, comps = {0};
    int n_regs = 0, n_comps = 0;
    for (int i = 0; base && i < cur.n; i++) {
        int dir = direction(cur.name[i]);
        int j = 0;
        while (j < base->n && strcmp(base->name[j], cur.name[i]) != 0) j++;
        if (!dir || j == base->n || base->v[j] == 0 || !isfinite(base->v[j])) continue;
        double change = (cur.v[i] - base->v[j]) / fabs(base->v[j]);
        int regressed = dir < 0 ? change > threshold : change < -threshold;
        for (int pass = 0; pass < 2; pass++) {
            sb_t *o = pass ? &regs : &comps;
            if (pass && !regressed) break;
            if ((pass ? n_regs : n_comps) > 0) sb_lit(o, ",");
            sb_lit(o, "{\"metric\":");
            sb_json_str(o, cur.name[i]);
            sb_lit(o, ",\"baseline\":");
            sb_json_num(o, base->v[j]);
            sb_lit(o, ",\"current\":");
            sb_json_num(o, cur.v[i]);
            sb_lit(o, ",\"change\":");
            sb_json_num(o, change);
            sb_printf(o, ",\"direction\":\"%s\",\"regression\":%s}", dir > 0 ? "higher_is_better" : "lower_is_better",
                      regressed ? "true" : "false");
            if (pass) n_regs++;
            else n_comps++;
        }
    }
    /* the run's own alerts (tracker runs: alert records against the run's baseline), in order */
    sb_lit(&s, ",\"alerts\":[");
    for (int i = 0; r->log && i < r->m->n_alerts; i++) {
        const pc_alert_t *a = &r->m->alerts[i];
        if (i) sb_lit(&s, ",");
        sb_lit(&s, "{\"metric\":");
        sb_json_str(&s, a->metric);
        sb_printf(&s, ",\"active\":%s,\"t\":", a->active ? "true" : "false");
        sb_json_num(&s, a->t);
        sb_lit(&s, ",\"baseline\":");
        sb_json_num(&s, a->baseline);
        sb_lit(&s, ",\"current\":");
        sb_json_num(&s, a->current);
        sb_lit(&s, ",\"change\":");
        sb_json_num(&s, a->change);
        sb_lit(&s, ",\"threshold\":");
        sb_json_num(&s, a->threshold);
        sb_lit(&s, "}");
    }
    sb_lit(&s, "],\"regressions\":[");
    if (regs.n) sb_put(&s, regs.p, regs.n);
    sb_lit(&s, "],\"compared\":[");
    if (comps.n) sb_put(&s, comps.p, comps.n);
    sb_lit(&s, "]}");
    int oom = s.oom || regs.oom || comps.oom;
    int rc = oom ? respond_error(r, wsi, 500, head_only, NULL, 0, "out of memory")
                 : respond(r, wsi, 200, "application/json", s.p, s.n, head_only, NULL, 0);
    free(s.p);
    free(regs.p);
    free(comps.p);
    return rc;
}

/* The fixed `le` bounds, in seconds for time histograms: 1-2-5 steps from 100 ns to 10 s. */
static const double LE_SECONDS[] = {1e-7, 2e-7, 5e-7, 1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, 5e-4, 1e-3,
                                    2e-3, 5e-3, 1e-2, 2e-2, 5e-2, 0.1,  0.2,  0.5,  1,    2,    5,    10};
/* ... and in the series' own unit for the others: 1-2-5 steps from 1 to 1e9. */
static const double LE_PLAIN[] = {1,   2,   5,   10,  20,  50,  1e2, 2e2, 5e2, 1e3, 2e3, 5e3, 1e4, 2e4,
                                  5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 2e7, 5e7, 1e8, 2e8, 5e8, 1e9};

/* Seconds per unit for time units, 0 for anything else. */
static double unit_seconds(const char *unit) {
    if (!strcmp(unit, "ns")) return 1e-9;
    if (!strcmp(unit, "us")) return 1e-6;
    if (!strcmp(unit, "ms")) return 1e-3;
    if (!strcmp(unit, "s")) return 1;
    return 0;
}

/* Cumulative buckets of one series: a log-linear bucket counts under bound B when its highest
 * value is <= B (buckets are at most 1/64 of their value wide, so a bound is off by < 1.6%). */
static void prom_hist(sb_t *s, const char *family, const pc_series_t *se, const char *suite, double scale,
                      const double *bounds, size_t n_bounds) {
    const pc_hist_t *h = se->hist;
    uint32_t idx = 0;
    uint64_t cum = 0;
    for (size_t b = 0; b < n_bounds; b++) {
        double raw = bounds[b] / scale; /* the bound in the histogram's own integer unit */
        while (idx < PC_HIST_BUCKETS && (double)pc_hist_bucket_high(idx) <= raw) cum += h->counts[idx++];
        sb_printf(s, "%s_bucket{suite=\"", family);
        sb_label(s, suite);
        sb_lit(s, "\",series=\"");
        sb_label(s, se->name);
        sb_printf(s, "\",le=\"%.9g\"} %llu\n", bounds[b], (unsigned long long)cum);
    }
    const char *parts[3] = {"_bucket", "_sum", "_count"};
    for (int k = 0; k < 3; k++) {
        sb_printf(s, "%s%s{suite=\"", family, parts[k]);
        sb_label(s, suite);
        sb_lit(s, "\",series=\"");
        sb_label(s, se->name);
        if (k == 0) sb_printf(s, "\",le=\"+Inf\"} %llu\n", (unsigned long long)h->total);
        else if (k == 1) sb_lit(s, "\"} "), sb_prom_num(s, h->sum * scale), sb_lit(s, "\n");
        else sb_printf(s, "\"} %llu\n", (unsigned long long)h->total);
    }
}

static void build_prom(pc_rest_t *r, sb_t *s) {
    const pc_model_t *m = r->m;
    const char *suite = r->log ? (m->suite[0] ? m->suite : pc_runlog_suite(r->log)) : "";
    const char *run_id = r->log ? (m->run_id[0] ? m->run_id : pc_runlog_id(r->log)) : "";
    sb_printf(s,
              "# HELP perfcast_runs_started_total Runs this agent started (or replayed) since it started.\n"
              "# TYPE perfcast_runs_started_total counter\nperfcast_runs_started_total %llu\n"
              "# HELP perfcast_records_total Records received from runs.\n"
              "# TYPE perfcast_records_total counter\nperfcast_records_total %llu\n"
              "# HELP perfcast_record_bytes_total Bytes of records received from runs.\n"
              "# TYPE perfcast_record_bytes_total counter\nperfcast_record_bytes_total %llu\n",
              (unsigned long long)r->runs_started, (unsigned long long)r->records,
              (unsigned long long)r->record_bytes);
    if (!r->log) return;
    sb_lit(s, "# HELP perfcast_run_running 1 while the current run is in progress, 0 once it ended.\n"
              "# TYPE perfcast_run_running gauge\nperfcast_run_running{suite=\"");
    sb_label(s, suite);
    sb_lit(s, "\",run_id=\"");
    sb_label(s, run_id);
    sb_printf(s, "\"} %d\n", m->finished ? 0 : 1);
    sb_lit(s, "# HELP perfcast_run_progress Fraction of the current run done.\n"
              "# TYPE perfcast_run_progress gauge\nperfcast_run_progress{suite=\"");
    sb_label(s, suite);
    sb_lit(s, "\"} ");
    sb_prom_num(s, m->progress);
    sb_lit(s, "\n");
    int any = 0;
    for (int i = 0; i < m->n_series; i++) {
        const pc_series_t *se = &m->series[i];
        if (!se->n_samples) continue;
        if (!any++)
            sb_lit(s, "# HELP perfcast_metric Latest value of each metric series of the current run.\n"
                      "# TYPE perfcast_metric gauge\n");
        sb_lit(s, "perfcast_metric{suite=\"");
        sb_label(s, suite);
        sb_lit(s, "\",metric=\"");
        sb_label(s, se->name);
        sb_lit(s, "\"} ");
        sb_prom_num(s, se->samples[se->n_samples - 1].value);
        sb_lit(s, "\n");
    }
    any = 0;
    for (int i = 0; i < m->n_series; i++) { /* metrics the run's alerts name: 1 while in regression */
        const pc_series_t *se = &m->series[i];
        int named = 0;
        for (int k = 0; k < m->n_alerts && !named; k++) named = !strcmp(m->alerts[k].metric, se->name);
        if (!named) continue;
        if (!any++)
            sb_lit(s, "# HELP perfcast_alert_active 1 while a metric of the current run is past its baseline by more "
                      "than the threshold (alert records), else 0.\n# TYPE perfcast_alert_active gauge\n");
        sb_lit(s, "perfcast_alert_active{suite=\"");
        sb_label(s, suite);
        sb_lit(s, "\",metric=\"");
        sb_label(s, se->name);
        sb_printf(s, "\"} %d\n", pc_model_alert_at(m, se->name, -1) ? 1 : 0);
    }
    for (int pass = 0; pass < 2; pass++) { /* time histograms, then the rest: one family each */
        any = 0;
        for (int i = 0; i < m->n_series; i++) {
            const pc_series_t *se = &m->series[i];
            if (!se->hist || !se->has_hist) continue;
            double sc = unit_seconds(se->unit);
            if ((sc > 0) != (pass == 0)) continue;
            const char *fam = pass == 0 ? "perfcast_latency_seconds" : "perfcast_values";
            if (!any++)
                sb_printf(s, "# HELP %s %s\n# TYPE %s histogram\n", fam,
                          pass == 0 ? "Latency histograms of the current run (log-linear buckets folded into fixed bounds)."
                                    : "Histograms of the current run in their series' own units.",
                          fam);
            if (pass == 0) prom_hist(s, fam, se, suite, sc, LE_SECONDS, sizeof LE_SECONDS / sizeof LE_SECONDS[0]);
            else prom_hist(s, fam, se, suite, 1, LE_PLAIN, sizeof LE_PLAIN / sizeof LE_PLAIN[0]);
        }
    }
}

static int serve_prom(pc_rest_t *r, struct lws *wsi, int head_only) {
    if (!r->c_prom_ok || r->c_prom_gen != r->gen || r->c_prom_ver != r->m->version) {
        sb_clear(&r->c_prom);
        build_prom(r, &r->c_prom);
        r->c_prom_ok = !r->c_prom.oom;
        r->c_prom_gen = r->gen;
        r->c_prom_ver = r->m->version;
        if (!r->c_prom_ok) return respond_error(r, wsi, 500, head_only, NULL, 0, "out of memory");
    }
    return respond(r, wsi, 200, "text/plain; version=0.0.4; charset=utf-8", r->c_prom.p, r->c_prom.n, head_only,
                   NULL, 0);
}

int pc_rest_owns(const char *path) {
    return !strcmp(path, "/api") || !strncmp(path, "/api/", 5) || !strcmp(path, "/metrics");
}

int pc_rest_serve(pc_rest_t *r, struct lws *wsi, const char *token) {
    char *uri = NULL;
    int uri_len = 0;
    int meth = lws_http_get_uri_and_method(wsi, &uri, &uri_len);
    char path[256];
    if (!uri || uri_len < 0) uri_len = 0;
    if ((size_t)uri_len >= sizeof path) uri_len = sizeof path - 1;
    if (uri) memcpy(path, uri, (size_t)uri_len);
    path[uri_len] = '\0';
    int head_only = meth == LWSHUMETH_HEAD;
    /* A request with a body is answered and closed: reading a body we do not want is not worth it. */
    char clen[24] = "";
    if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) > 0 &&
        lws_hdr_copy(wsi, clen, sizeof clen, WSI_TOKEN_HTTP_CONTENT_LENGTH) < 0)
        snprintf(clen, sizeof clen, "1");
    int has_body = (clen[0] && strtoull(clen, NULL, 10) > 0) ||
                   lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0;
    const char *why = "";
    int st = pc_agent_check_access(wsi, token, &why);
    if (st) return respond_error(r, wsi, st, head_only, NULL, has_body, "%s", why);
    if (meth != LWSHUMETH_GET && meth != LWSHUMETH_HEAD)
        return respond_error(r, wsi, 405, 0, "GET, HEAD", has_body, "method not allowed: the API is read-only (GET)");
    if (has_body) return respond_error(r, wsi, 400, head_only, NULL, 1, "a GET request has no body");
    if (!strcmp(path, "/api/performance/metrics")) return serve_metrics(r, wsi, head_only);
    if (!strcmp(path, "/metrics")) return serve_prom(r, wsi, head_only);
    if (!strcmp(path, "/api/performance/regressions")) return serve_regressions(r, wsi, head_only);
    static const char hist_prefix[] = "/api/performance/history/";
    if (!strncmp(path, hist_prefix, sizeof hist_prefix - 1) && path[sizeof hist_prefix - 1] &&
        !strchr(path + sizeof hist_prefix - 1, '/'))
        return serve_history(r, wsi, path + sizeof hist_prefix - 1, head_only);
    return respond_error(r, wsi, 404, head_only, NULL, 0, "no such endpoint %.128s (see docs/AGENT.md, \"REST API\")",
                         path);
}
