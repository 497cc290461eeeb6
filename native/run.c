/* run.c — one run: the suite's thread, the recorder thread and the record queue between them.
 *
 * The suite thread (the sampler) emits aggregated records into a bounded lock-free queue and
 * never waits: a full queue returns PC_EAGAIN and the suite aggregates more. The recorder is
 * the only thread that touches the result file and the live run log; it drains the queue
 * every few milliseconds, writes each batch with one write() (so a SIGKILL leaves whole
 * records up to the last batch) and appends the same bytes to the run log. */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "paths.h"
#include "runlog.h"
#include "spsc.h"
#include "sysinfo.h"

#define RECORDER_PERIOD_NS (20 * 1000 * 1000) /* how often the recorder drains: 50 Hz */
#define QUEUE_CAPACITY 4096                    /* records in flight between suite and recorder */
#define PROGRESS_MIN_INTERVAL 0.05            /* seconds between progress records */

/* One encoded record in flight; allocated by the emitting thread, freed by the recorder. */
typedef struct recbuf {
    size_t len;
    uint8_t bytes[];
} recbuf_t;

typedef recbuf_t *recbuf_ptr; /* a typedef so the macro's `const type *` means what it says */
PC_SPSC_DEFINE(recq, recbuf_ptr)

struct pc_run {
    const pc_suite_t *suite;
    cJSON *params;
    int quick;
    char id[64];
    char path[PATH_MAX];
    int fd;
    pc_runlog_t *log;
    void (*on_progress)(void *ud, double fraction, const char *phase);
    void *ud;
    struct timespec t0;
    atomic_int stop;
    atomic_int suite_done;
    recq_t queue;
    pthread_t suite_thread, recorder_thread;
    int threads_started;
    int result;
    char status[16];
    char message[256];
    cJSON *summary;
    double last_progress;
    int io_error; /* recorder: errno of the first failed write, 0 if none */
};

/* ---- time ---- */

static double since(const struct timespec *t0) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) * 1e-9;
}

double pc_run_elapsed(const pc_run_t *run) { return since(&run->t0); }

/* ---- emitting (suite thread) ---- */

static recbuf_t *encode(uint16_t kind, uint16_t enc, const void *payload, size_t len) {
    if (len > PC_RECORD_MAX_PAYLOAD) return NULL;
    recbuf_t *rb = malloc(sizeof *rb + pc_record_size(len));
    if (!rb) return NULL;
    rb->len = pc_record_encode(rb->bytes, pc_record_size(len), kind, enc, payload, len);
    return rb;
}

int pc_run_emit(pc_run_t *run, pc_rec_kind_t kind, pc_rec_enc_t enc, const void *payload, size_t len) {
    recbuf_t *rb = encode(kind, enc, payload, len);
    if (!rb) return len > PC_RECORD_MAX_PAYLOAD ? PC_ELIMIT : PC_ENOMEM;
    if (recq_push(&run->queue, &rb) != 0) { /* full: the caller aggregates and retries */
        free(rb);
        return PC_EAGAIN;
    }
    return 0;
}

int pc_run_emit_json(pc_run_t *run, pc_rec_kind_t kind, const cJSON *payload) {
    char *s = cJSON_PrintUnformatted(payload);
    if (!s) return PC_ENOMEM;
    int r = pc_run_emit(run, kind, PC_ENC_JSON, s, strlen(s));
    cJSON_free(s);
    return r;
}

/* Emits a record that must not be lost (events, summary, end), waiting while the queue is full:
 * the recorder drains it every few milliseconds, so the wait is short and never unbounded
 * unless the recorder is gone. Used outside measured phases only. Returns 0 or PC_ENOMEM. */
static int emit_blocking(pc_run_t *run, pc_rec_kind_t kind, const cJSON *payload) {
    int r;
    while ((r = pc_run_emit_json(run, kind, payload)) == PC_EAGAIN) usleep(1000);
    return r;
}

void pc_run_progress(pc_run_t *run, double fraction, const char *phase) {
    double t = pc_run_elapsed(run);
    if (fraction < 1 && t - run->last_progress < PROGRESS_MIN_INTERVAL) return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "t", t);
    cJSON_AddNumberToObject(o, "fraction", fraction < 0 ? 0 : fraction > 1 ? 1 : fraction);
    cJSON_AddStringToObject(o, "phase", phase ? phase : "");
    if (pc_run_emit_json(run, PC_REC_PROGRESS, o) == 0) run->last_progress = t;
    cJSON_Delete(o);
}

void pc_run_event(pc_run_t *run, const char *text) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "t", pc_run_elapsed(run));
    cJSON_AddStringToObject(o, "text", text ? text : "");
    emit_blocking(run, PC_REC_EVENT, o); /* events are rare and must not be lost */
    cJSON_Delete(o);
}

void pc_run_set_summary(pc_run_t *run, cJSON *summary) {
    cJSON_Delete(run->summary);
    run->summary = summary;
}

int pc_run_fail(pc_run_t *run, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(run->message, sizeof run->message, fmt, ap);
    va_end(ap);
    return code;
}

int pc_run_should_stop(const pc_run_t *run) { return atomic_load_explicit(&run->stop, memory_order_relaxed); }
void pc_run_request_stop(pc_run_t *run) { atomic_store(&run->stop, 1); }
const cJSON *pc_run_params(const pc_run_t *run) { return run->params; }
const char *pc_run_id(const pc_run_t *run) { return run->id; }
const char *pc_run_path_of(const pc_run_t *run) { return run->path; }
const cJSON *pc_run_summary(const pc_run_t *run) { return run->summary; }

const char *pc_run_status(const pc_run_t *run, const char **message) {
    if (message) *message = run->message;
    return run->status;
}

int64_t pc_run_param_int(const pc_run_t *run, const char *name) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(run->params, name);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : cJSON_IsTrue(v) ? 1 : 0;
}

double pc_run_param_double(const pc_run_t *run, const char *name) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(run->params, name);
    return cJSON_IsNumber(v) ? v->valuedouble : cJSON_IsTrue(v) ? 1.0 : 0.0;
}

/* ---- recorder thread ---- */

static void report_progress(pc_run_t *run, const recbuf_t *rb) {
    pc_record_t rec;
    size_t used;
    if (!run->on_progress || pc_record_decode(rb->bytes, rb->len, &rec, &used) != 0) return;
    if (rec.kind != PC_REC_PROGRESS) return;
    cJSON *o = cJSON_ParseWithLength((const char *)rec.payload, rec.len);
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, "fraction");
    const cJSON *ph = cJSON_GetObjectItemCaseSensitive(o, "phase");
    if (cJSON_IsNumber(f)) run->on_progress(run->ud, f->valuedouble, cJSON_IsString(ph) ? ph->valuestring : "");
    cJSON_Delete(o);
}

/* Writes whole records to the file and the run log (recorder thread). */
static void flush(pc_run_t *run, const uint8_t *bytes, size_t n) {
    if (!n) return;
    if (!run->io_error) run->io_error = pc_write_all(run->fd, bytes, n);
    if (run->log) pc_runlog_append(run->log, bytes, n);
}

/* Moves everything queued to the file and the run log: one write() and one append per batch. */
static void drain(pc_run_t *run, uint8_t **batch, size_t *cap) {
    size_t n = 0;
    recbuf_t *rb;
    while (recq_pop(&run->queue, &rb) == 0) {
        if (n + rb->len > *cap) {
            size_t ncap = (*cap ? *cap * 2 : 65536);
            while (ncap < n + rb->len) ncap *= 2;
            uint8_t *nb = realloc(*batch, ncap);
            if (!nb) { /* no bigger batch: flush what we have, then this record on its own */
                flush(run, *batch, n);
                n = 0;
                flush(run, rb->bytes, rb->len);
                report_progress(run, rb);
                free(rb);
                continue;
            }
            *batch = nb;
            *cap = ncap;
        }
        memcpy(*batch + n, rb->bytes, rb->len);
        n += rb->len;
        report_progress(run, rb);
        free(rb);
    }
    flush(run, *batch, n);
}

static void *recorder_main(void *arg) {
    pc_run_t *run = arg;
    uint8_t *batch = NULL;
    size_t cap = 0;
    struct timespec period = {0, RECORDER_PERIOD_NS};
    for (;;) {
        int done = atomic_load_explicit(&run->suite_done, memory_order_acquire);
        drain(run, &batch, &cap);
        if (done) break; /* the suite thread queued its last record before setting done */
        nanosleep(&period, NULL);
    }
    free(batch);
    if (fsync(run->fd) != 0 && !run->io_error && errno != EINVAL) run->io_error = errno;
    if (run->io_error && run->result == 0) {
        run->result = PC_EIO;
        snprintf(run->status, sizeof run->status, "error");
        snprintf(run->message, sizeof run->message, "writing %.180s failed: %s", run->path, strerror(run->io_error));
    }
    /* Viewers learn the end from the log, so the agent never has to join to announce it. */
    if (run->log) pc_runlog_finish(run->log, run->status, run->message, run->summary);
    return NULL;
}

/* ---- suite thread ---- */

static void *suite_main(void *arg) {
    pc_run_t *run = arg;
    int r = run->suite->run(run);
    run->result = r;
    if (r < 0) {
        snprintf(run->status, sizeof run->status, "error");
        if (!run->message[0]) snprintf(run->message, sizeof run->message, "%s", pc_strerror(r));
    } else if (pc_run_should_stop(run)) {
        snprintf(run->status, sizeof run->status, "stopped");
    } else {
        snprintf(run->status, sizeof run->status, "ok");
    }
    if (run->summary) emit_blocking(run, PC_REC_SUMMARY, run->summary);
    cJSON *end = cJSON_CreateObject();
    cJSON_AddNumberToObject(end, "t", pc_run_elapsed(run));
    cJSON_AddStringToObject(end, "status", run->status);
    if (run->message[0]) cJSON_AddStringToObject(end, "message", run->message);
    emit_blocking(run, PC_REC_END, end);
    cJSON_Delete(end);
    atomic_store_explicit(&run->suite_done, 1, memory_order_release);
    return NULL;
}

/* ---- start / join ---- */

static void make_id(char *buf, size_t cap, const char *suite) {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    unsigned rnd = (unsigned)getpid() * 2654435761u;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        if (read(fd, &rnd, sizeof rnd) != (ssize_t)sizeof rnd) rnd ^= (unsigned)now;
        close(fd);
    }
    snprintf(buf, cap, "%04d%02d%02d-%02d%02d%02d-%s-%04x", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
             tm.tm_hour, tm.tm_min, tm.tm_sec, suite, rnd & 0xFFFF);
}

static cJSON *header_json(const pc_run_t *run, const cJSON *system) {
    cJSON *h = cJSON_CreateObject();
    char started[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON_AddStringToObject(h, "format", "perfcast");
    cJSON_AddStringToObject(h, "perfcast_version", PC_VERSION);
    cJSON_AddStringToObject(h, "suite", run->suite->name);
    cJSON_AddStringToObject(h, "run_id", run->id);
    cJSON_AddStringToObject(h, "started", started);
    cJSON_AddNumberToObject(h, "started_unix", (double)now);
    cJSON_AddBoolToObject(h, "quick", run->quick);
    cJSON_AddItemToObject(h, "params", cJSON_Duplicate(run->params, 1));
    cJSON *series = cJSON_AddArrayToObject(h, "series");
    for (size_t i = 0; i < run->suite->n_series; i++) {
        const pc_series_def_t *s = &run->suite->series[i];
        cJSON *js = cJSON_CreateObject();
        cJSON_AddStringToObject(js, "name", s->name);
        cJSON_AddStringToObject(js, "label", s->label ? s->label : s->name);
        cJSON_AddStringToObject(js, "unit", s->unit ? s->unit : "");
        cJSON_AddItemToArray(series, js);
    }
    cJSON *views = cJSON_AddArrayToObject(h, "views");
    for (size_t i = 0; run->suite->views && run->suite->views[i]; i++)
        cJSON_AddItemToArray(views, cJSON_CreateString(run->suite->views[i]));
    cJSON *sys = system ? cJSON_Duplicate(system, 1) : pc_sysinfo_collect();
    if (sys) cJSON_AddItemToObject(h, "system", sys);
    return h;
}

int pc_run_start(const pc_suite_t *suite, cJSON *params, int quick, const pc_run_opts_t *opts,
                 pc_run_t **out, pc_errbuf_t *err) {
    *out = NULL;
    if (!suite || !params || !opts || (!opts->path && !opts->dir))
        return pc_errf(err, PC_EINVAL, "pc_run_start: suite, params and a path or dir are required");
    /* aligned: the queue's indices must sit on their own cache lines */
    pc_run_t *run = aligned_alloc(PC_CACHE_LINE, (sizeof *run + PC_CACHE_LINE - 1) / PC_CACHE_LINE * PC_CACHE_LINE);
    if (run) memset(run, 0, sizeof *run);
    if (!run || recq_init(&run->queue, QUEUE_CAPACITY) != 0) {
        free(run);
        return pc_errf(err, PC_ENOMEM, "out of memory");
    }
    run->suite = suite;
    run->quick = quick;
    run->fd = -1;
    run->on_progress = opts->on_progress;
    run->ud = opts->ud;
    snprintf(run->status, sizeof run->status, "running");
    make_id(run->id, sizeof run->id, suite->name);
    int r = 0;
    if (opts->path) {
        if (snprintf(run->path, sizeof run->path, "%s", opts->path) >= (int)sizeof run->path) r = PC_ELIMIT;
    } else {
        if (pc_mkdirs(opts->dir) != 0) {
            r = pc_errf(err, PC_EIO, "cannot create record directory %s: %s", opts->dir, strerror(errno));
            goto fail;
        }
        r = pc_run_path(run->path, sizeof run->path, opts->dir, run->id);
    }
    if (r) {
        r = pc_errf(err, r, "result file path too long");
        goto fail;
    }
    run->fd = open(run->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (run->fd < 0) {
        r = pc_errf(err, PC_EIO, "cannot create result file %s: %s", run->path, strerror(errno));
        goto fail;
    }
    run->params = params;

    /* File header + header record go out synchronously: a run that exists has a readable file. */
    cJSON *h = header_json(run, opts->system);
    char *hs = h ? cJSON_PrintUnformatted(h) : NULL;
    cJSON_Delete(h);
    recbuf_t *rb = hs ? encode(PC_REC_HEADER, PC_ENC_JSON, hs, strlen(hs)) : NULL;
    cJSON_free(hs);
    if (!rb) {
        run->params = NULL;
        r = pc_errf(err, PC_ENOMEM, "out of memory");
        goto fail;
    }
    uint8_t fh[PC_FILE_HEADER_SIZE];
    pc_file_header_write(fh);
    int e = pc_write_all(run->fd, fh, sizeof fh);
    if (!e) e = pc_write_all(run->fd, rb->bytes, rb->len);
    if (e) {
        free(rb);
        run->params = NULL;
        r = pc_errf(err, PC_EIO, "cannot write result file %s: %s", run->path, strerror(e));
        goto fail;
    }
    if (opts->log) {
        run->log = opts->log;
        pc_runlog_ref(run->log);
        pc_runlog_append(run->log, rb->bytes, rb->len);
    }
    free(rb);

    /* t = 0 is when the suite starts, not when the header (and its probes) was built */
    clock_gettime(CLOCK_MONOTONIC, &run->t0);
    if (pthread_create(&run->recorder_thread, NULL, recorder_main, run) != 0) {
        run->params = NULL;
        r = pc_errf(err, PC_ENOMEM, "cannot start the recorder thread");
        goto fail;
    }
    if (pthread_create(&run->suite_thread, NULL, suite_main, run) != 0) {
        atomic_store(&run->suite_done, 1);
        pthread_join(run->recorder_thread, NULL);
        run->params = NULL;
        r = pc_errf(err, PC_ENOMEM, "cannot start the suite thread");
        goto fail;
    }
    run->threads_started = 1;
    *out = run;
    return 0;
fail:
    if (run->fd >= 0) {
        close(run->fd);
        unlink(run->path);
    }
    if (run->log) pc_runlog_unref(run->log);
    recq_destroy(&run->queue);
    free(run);
    return r;
}

int pc_run_join(pc_run_t *run) {
    if (run->threads_started) {
        pthread_join(run->suite_thread, NULL);
        pthread_join(run->recorder_thread, NULL);
        run->threads_started = 0;
        if (run->fd >= 0) {
            close(run->fd);
            run->fd = -1;
        }
    }
    return run->result;
}

void pc_run_destroy(pc_run_t *run) {
    if (!run) return;
    if (run->threads_started) pc_run_join(run);
    recbuf_t *rb;
    while (recq_pop(&run->queue, &rb) == 0) free(rb);
    recq_destroy(&run->queue);
    if (run->log) pc_runlog_unref(run->log);
    cJSON_Delete(run->params);
    cJSON_Delete(run->summary);
    free(run);
}
