/* runlog.c — one run's record stream in memory, appended by one thread, read by many.
 *
 * A single growing byte buffer under a mutex. Readers copy out under the lock (at most a
 * message's worth, ~64 KiB, so the lock is held for microseconds) and keep only an offset,
 * which stays valid across reallocation. Growth doubles up to PC_RUNLOG_MAX_BYTES. */
#include "runlog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pc_error.h"
#include "record.h"

struct pc_runlog {
    pthread_mutex_t mu;
    int refs;
    char id[96];
    char suite[32];
    uint8_t *buf;
    size_t len, cap;
    int truncated;
    int finished;
    char status[16];
    char message[256];
    char *summary_json; /* malloc'ed, NULL when the run reported none */
    char *info_json;    /* malloc'ed, NULL when none */
    pc_runlog_notify_fn notify;
    void *notify_ud;
};

pc_runlog_t *pc_runlog_create(const char *run_id, const char *suite) {
    pc_runlog_t *log = calloc(1, sizeof *log);
    if (!log) return NULL;
    if (pthread_mutex_init(&log->mu, NULL) != 0) {
        free(log);
        return NULL;
    }
    log->refs = 1;
    snprintf(log->id, sizeof log->id, "%s", run_id ? run_id : "");
    snprintf(log->suite, sizeof log->suite, "%s", suite ? suite : "");
    return log;
}

void pc_runlog_ref(pc_runlog_t *log) {
    pthread_mutex_lock(&log->mu);
    log->refs++;
    pthread_mutex_unlock(&log->mu);
}

void pc_runlog_unref(pc_runlog_t *log) {
    if (!log) return;
    pthread_mutex_lock(&log->mu);
    int last = --log->refs == 0;
    pthread_mutex_unlock(&log->mu);
    if (!last) return;
    pthread_mutex_destroy(&log->mu);
    free(log->buf);
    cJSON_free(log->summary_json);
    cJSON_free(log->info_json);
    free(log);
}

static void notify(pc_runlog_t *log) {
    pthread_mutex_lock(&log->mu);
    pc_runlog_notify_fn fn = log->notify;
    void *ud = log->notify_ud;
    pthread_mutex_unlock(&log->mu);
    if (fn) fn(ud);
}

int pc_runlog_append(pc_runlog_t *log, const uint8_t *records, size_t len) {
    if (len == 0) return 0;
    /* The broadcaster relies on every offset it reaches being a record boundary: check the
     * framing (not the CRCs — the recorder encoded these bytes itself) before taking them. */
    for (size_t off = 0; off < len;) {
        size_t sz = pc_record_peek_size(records + off, len - off);
        if (!sz) return PC_EINVAL;
        off += sz;
    }
    int r = 0;
    pthread_mutex_lock(&log->mu);
    if (log->finished) {
        r = PC_ESTATE;
    } else if (log->truncated || len > PC_RUNLOG_MAX_BYTES - log->len) {
        log->truncated = 1;
        r = PC_ELIMIT;
    } else {
        if (log->len + len > log->cap) {
            size_t ncap = log->cap ? log->cap : 64 * 1024;
            while (ncap < log->len + len) ncap *= 2;
            if (ncap > PC_RUNLOG_MAX_BYTES) ncap = PC_RUNLOG_MAX_BYTES;
            uint8_t *nb = realloc(log->buf, ncap);
            if (!nb) {
                /* Out of memory is treated like the size limit: viewers get what is here. */
                log->truncated = 1;
                r = PC_ELIMIT;
            } else {
                log->buf = nb;
                log->cap = ncap;
            }
        }
        if (!r) {
            memcpy(log->buf + log->len, records, len);
            log->len += len;
        }
    }
    pthread_mutex_unlock(&log->mu);
    if (r == 0) notify(log);
    return r;
}

void pc_runlog_finish(pc_runlog_t *log, const char *status, const char *message, const cJSON *summary) {
    char *sj = summary ? cJSON_PrintUnformatted(summary) : NULL;
    pthread_mutex_lock(&log->mu);
    int first = !log->finished;
    if (first) {
        log->finished = 1;
        snprintf(log->status, sizeof log->status, "%s", status ? status : "ok");
        snprintf(log->message, sizeof log->message, "%s", message ? message : "");
        log->summary_json = sj;
        sj = NULL;
    }
    pthread_mutex_unlock(&log->mu);
    if (sj) cJSON_free(sj);
    if (first) notify(log);
}

void pc_runlog_set_id(pc_runlog_t *log, const char *run_id) {
    pthread_mutex_lock(&log->mu);
    snprintf(log->id, sizeof log->id, "%s", run_id ? run_id : "");
    pthread_mutex_unlock(&log->mu);
}

int pc_runlog_set_info(pc_runlog_t *log, const cJSON *info) {
    char *s = info ? cJSON_PrintUnformatted(info) : NULL;
    if (info && !s) return PC_ENOMEM;
    pthread_mutex_lock(&log->mu);
    char *old = log->info_json;
    log->info_json = s;
    pthread_mutex_unlock(&log->mu);
    if (old) cJSON_free(old);
    return 0;
}

cJSON *pc_runlog_info(pc_runlog_t *log) {
    pthread_mutex_lock(&log->mu);
    cJSON *o = log->info_json ? cJSON_Parse(log->info_json) : NULL;
    pthread_mutex_unlock(&log->mu);
    return o;
}

void pc_runlog_set_notify(pc_runlog_t *log, pc_runlog_notify_fn fn, void *ud) {
    pthread_mutex_lock(&log->mu);
    log->notify = fn;
    log->notify_ud = ud;
    pthread_mutex_unlock(&log->mu);
}

/* Whole records from `from` that fit in max; with `one_big`, the single next record even
 * when it is larger. Caller holds the lock. */
static size_t span_locked(const pc_runlog_t *log, size_t from, size_t max, int one_big) {
    if (from >= log->len) return 0;
    size_t off = from;
    while (off < log->len) {
        size_t sz = pc_record_peek_size(log->buf + off, log->len - off);
        if (!sz) break; /* cannot happen: append only takes whole records */
        if (off + sz - from > max) {
            if (off == from && one_big) off += sz;
            break;
        }
        off += sz;
    }
    return off - from;
}

size_t pc_runlog_read(pc_runlog_t *log, size_t from, uint8_t *buf, size_t cap) {
    pthread_mutex_lock(&log->mu);
    size_t n = span_locked(log, from, cap, 0);
    if (n) memcpy(buf, log->buf + from, n);
    pthread_mutex_unlock(&log->mu);
    return n;
}

size_t pc_runlog_span(pc_runlog_t *log, size_t from, size_t max) {
    pthread_mutex_lock(&log->mu);
    size_t n = span_locked(log, from, max, 1);
    pthread_mutex_unlock(&log->mu);
    return n;
}

size_t pc_runlog_copy(pc_runlog_t *log, size_t from, uint8_t *buf, size_t len) {
    pthread_mutex_lock(&log->mu);
    size_t n = 0;
    if (from < log->len) {
        n = log->len - from;
        if (n > len) n = len;
        memcpy(buf, log->buf + from, n);
    }
    pthread_mutex_unlock(&log->mu);
    return n;
}

size_t pc_runlog_size(pc_runlog_t *log) {
    pthread_mutex_lock(&log->mu);
    size_t n = log->len;
    pthread_mutex_unlock(&log->mu);
    return n;
}

int pc_runlog_truncated(pc_runlog_t *log) {
    pthread_mutex_lock(&log->mu);
    int t = log->truncated;
    pthread_mutex_unlock(&log->mu);
    return t;
}

int pc_runlog_finished(pc_runlog_t *log, char *status, size_t status_cap, char **summary_json,
                       char *message, size_t message_cap) {
    if (summary_json) *summary_json = NULL;
    pthread_mutex_lock(&log->mu);
    int fin = log->finished;
    if (fin) {
        if (status && status_cap) snprintf(status, status_cap, "%s", log->status);
        if (message && message_cap) snprintf(message, message_cap, "%s", log->message);
        if (summary_json && log->summary_json) *summary_json = strdup(log->summary_json);
    }
    pthread_mutex_unlock(&log->mu);
    return fin;
}

const char *pc_runlog_id(const pc_runlog_t *log) { return log->id; }
const char *pc_runlog_suite(const pc_runlog_t *log) { return log->suite; }
