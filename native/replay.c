/* replay.c — a result file played back into a run log at the pace it was recorded.
 *
 * The whole file is read once and validated with pc_model_load (the viewer's own reader),
 * which also tells where a torn tail starts. The pacing thread then appends records in
 * batches: everything whose due time (t / speed) has passed goes out in one append (at most
 * 1 MiB), so speed 0 costs a handful of appends and real time costs one per record time. */
#include "replay.h"

#include "cli.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cJSON.h"
#include "cli.h"
#include "model.h"
#include "record.h"

#define BATCH_MAX (1u << 20)      /* bytes per append */
#define SLEEP_SLICE_S 0.05        /* longest sleep between checks of the stop flag */

struct pc_replay {
    char path[4096];
    uint8_t *buf;
    size_t len;        /* bytes read */
    size_t end;        /* end of the last whole record */
    size_t n_records;
    char warning[256];
    char status[16];   /* from the end record, or "incomplete" when the file has none */
    char message[256];
    cJSON *summary;    /* from the summary record, or NULL */
    pc_runlog_t *log;
    double speed;
    pthread_t thread;
    int started, joined;
    atomic_int stop;
};

int pc_replay_open(const char *path, pc_replay_t **out, pc_errbuf_t *err) {
    *out = NULL;
    pc_replay_t *r = calloc(1, sizeof *r);
    if (!r) return pc_errf(err, PC_ENOMEM, "out of memory");
    snprintf(r->path, sizeof r->path, "%s", path);
    int rc = pc_cli_read_file(path, PC_REPLAY_MAX_FILE, &r->buf, &r->len, err);
    if (rc) {
        free(r);
        return rc;
    }
    pc_model_t *m = pc_model_create();
    if (!m) {
        pc_replay_destroy(r);
        return pc_errf(err, PC_ENOMEM, "out of memory");
    }
    pc_load_info_t info;
    rc = pc_model_load(m, r->buf, r->len, path, &info, err);
    if (rc) {
        pc_model_destroy(m);
        pc_replay_destroy(r);
        return rc;
    }
    r->end = info.valid_bytes;
    r->n_records = (size_t)info.records;
    if (info.truncated) snprintf(r->warning, sizeof r->warning, "%s", info.warning);
    if (m->finished) {
        snprintf(r->status, sizeof r->status, "%s", m->status);
        snprintf(r->message, sizeof r->message, "%s", m->end_message);
    } else {
        snprintf(r->status, sizeof r->status, "incomplete");
        snprintf(r->message, sizeof r->message, "the file has no end record%s",
                 info.truncated ? " (it was cut off mid-record)" : "");
    }
    r->summary = m->summary ? cJSON_Duplicate(m->summary, 1) : NULL;
    r->log = pc_runlog_create(m->run_id, m->suite);
    cJSON *ri = cJSON_CreateObject();
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(m->header, "params");
    cJSON_AddItemToObject(ri, "params", params ? cJSON_Duplicate(params, 1) : cJSON_CreateObject());
    cJSON_AddStringToObject(ri, "file", path);
    cJSON_AddBoolToObject(ri, "replay", 1);
    int ok = r->log && ri && pc_runlog_set_info(r->log, ri) == 0;
    cJSON_Delete(ri);
    pc_model_destroy(m);
    if (!ok) {
        pc_replay_destroy(r);
        return pc_errf(err, PC_ENOMEM, "out of memory");
    }
    *out = r;
    return 0;
}

pc_runlog_t *pc_replay_log(pc_replay_t *r) { return r->log; }
const char *pc_replay_warning(const pc_replay_t *r) { return r->warning; }

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The record's "t" (seconds since run start) when it is a JSON record that has one, else
 * `last`; never less than `last`, so records keep their order. */
static double record_time(const pc_record_t *rec, double last) {
    if (rec->enc != PC_ENC_JSON) return last;
    cJSON *o = cJSON_ParseWithLength((const char *)rec->payload, rec->len);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "t");
    double v = cJSON_IsNumber(t) ? t->valuedouble : last;
    cJSON_Delete(o);
    return v > last ? v : last;
}

static void *replay_main(void *arg) {
    pc_replay_t *r = arg;
    double t0 = now_s(), last_t = 0;
    size_t off = PC_FILE_HEADER_SIZE;
    while (off < r->end && !atomic_load(&r->stop)) {
        double elapsed = now_s() - t0, wait = 0;
        size_t start = off;
        while (off < r->end && off - start < BATCH_MAX) {
            pc_record_t rec;
            size_t used;
            if (pc_record_decode(r->buf + off, r->end - off, &rec, &used) != 0) {
                off = r->end; /* cannot happen: open() validated up to end */
                break;
            }
            double t = record_time(&rec, last_t);
            double due = r->speed > 0 ? t / r->speed : 0;
            if (due > elapsed) {
                wait = due - elapsed;
                break;
            }
            last_t = t;
            off += used;
        }
        if (off > start) pc_runlog_append(r->log, r->buf + start, off - start);
        if (wait > 0) {
            if (wait > SLEEP_SLICE_S) wait = SLEEP_SLICE_S;
            struct timespec ts = {0, (long)(wait * 1e9)};
            nanosleep(&ts, NULL);
        }
    }
    if (atomic_load(&r->stop) && off < r->end)
        pc_runlog_finish(r->log, "stopped", "the replay was stopped", r->summary);
    else
        pc_runlog_finish(r->log, r->status, r->message[0] ? r->message : NULL, r->summary);
    return NULL;
}

int pc_replay_start(pc_replay_t *r, double speed) {
    if (!(speed >= 0)) return PC_EINVAL;
    if (r->started) return PC_ESTATE;
    r->speed = speed;
    if (pthread_create(&r->thread, NULL, replay_main, r) != 0) return PC_ENOMEM;
    r->started = 1;
    return 0;
}

void pc_replay_stop(pc_replay_t *r) {
    if (!r) return;
    atomic_store(&r->stop, 1);
    if (r->started && !r->joined) {
        pthread_join(r->thread, NULL);
        r->joined = 1;
    }
    if (r->log && !r->started) pc_runlog_finish(r->log, "stopped", "the replay never started", r->summary);
}

void pc_replay_destroy(pc_replay_t *r) {
    if (!r) return;
    pc_replay_stop(r);
    pc_runlog_unref(r->log);
    cJSON_Delete(r->summary);
    free(r->buf);
    free(r);
}
