/* agent_publish.c — see agent_publish.h. The agent's loop thread calls everything here; the
 * result file is written with plain write() on that thread (page-cache writes of at most
 * one 1 MiB message at a time), and fsynced once when the run ends. */
#include "agent_publish.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "paths.h"
#include "record.h"

struct pc_pubrun {
    char dir[PATH_MAX];
    char path[PATH_MAX];
    char run_id[64];
    char program[64];
    double pid;
    pc_runlog_notify_fn notify;
    void *ud;
    pc_model_t *model; /* the viewer's reader, fed every record: the validation */
    pc_runlog_t *log;  /* NULL until the header record arrived */
    int fd;
    size_t bytes;      /* stream bytes taken (the file holds 16 more) */
    uint64_t records;
    int ended;
    int io_errno;
};

pc_pubrun_t *pc_pubrun_create(const char *record_dir, const cJSON *publish, pc_runlog_notify_fn notify, void *ud) {
    pc_pubrun_t *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    if (!(r->model = pc_model_create())) {
        free(r);
        return NULL;
    }
    r->fd = -1;
    r->notify = notify;
    r->ud = ud;
    snprintf(r->dir, sizeof r->dir, "%s", record_dir ? record_dir : ".");
    const cJSON *prog = cJSON_GetObjectItemCaseSensitive(publish, "program");
    const cJSON *pid = cJSON_GetObjectItemCaseSensitive(publish, "pid");
    if (cJSON_IsString(prog)) snprintf(r->program, sizeof r->program, "%s", prog->valuestring);
    if (cJSON_IsNumber(pid)) r->pid = pid->valuedouble;
    return r;
}

/* Appends whole, validated records to the file and the log. */
static void take(pc_pubrun_t *r, const uint8_t *bytes, size_t n) {
    if (!n) return;
    if (!r->io_errno) r->io_errno = pc_write_all(r->fd, bytes, n);
    pc_runlog_append(r->log, bytes, n); /* PC_ELIMIT past its cap: the log says truncated, the file goes on */
    r->bytes += n;
}

/* A run id that is safe as a file name: 1-63 of [A-Za-z0-9._-], not starting with '.'. */
static int id_ok(const char *id) {
    size_t n = strlen(id);
    if (!n || n >= sizeof ((pc_pubrun_t *)0)->run_id || id[0] == '.') return 0;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-'))
            return 0;
    }
    return 1;
}

/* The header was accepted by the model: create the result file and the log. */
static int start_run(pc_pubrun_t *r, pc_errbuf_t *err) {
    const cJSON *jid = cJSON_GetObjectItemCaseSensitive(r->model->header, "run_id");
    const char *id = cJSON_IsString(jid) ? jid->valuestring : "";
    if (!id_ok(id))
        return pc_errf(err, PC_EFORMAT, "header record: \"run_id\" must be 1 to 63 letters, digits, '.', '_' or '-' "
                                        "(it names the result file), got \"%.80s\"", id);
    snprintf(r->run_id, sizeof r->run_id, "%s", id);
    if (pc_mkdirs(r->dir) != 0)
        return pc_errf(err, PC_EIO, "cannot create record directory %s: %s", r->dir, strerror(errno));
    if (pc_run_path(r->path, sizeof r->path, r->dir, r->run_id))
        return pc_errf(err, PC_ELIMIT, "result file path too long");
    r->fd = open(r->path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (r->fd < 0) {
        int e = errno;
        r->path[0] = '\0';
        if (e == EEXIST)
            return pc_errf(err, PC_EIO, "run %s was already recorded in %s: a run id names one run", r->run_id, r->dir);
        return pc_errf(err, PC_EIO, "cannot create the result file in %s: %s", r->dir, strerror(e));
    }
    uint8_t fh[PC_FILE_HEADER_SIZE];
    pc_file_header_write(fh);
    r->io_errno = pc_write_all(r->fd, fh, sizeof fh);
    r->log = pc_runlog_create(r->run_id, r->model->suite);
    cJSON *info = cJSON_CreateObject();
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(r->model->header, "params");
    const cJSON *quick = cJSON_GetObjectItemCaseSensitive(r->model->header, "quick");
    cJSON_AddItemToObject(info, "params", cJSON_IsObject(params) ? cJSON_Duplicate(params, 1) : cJSON_CreateObject());
    cJSON_AddBoolToObject(info, "quick", cJSON_IsTrue(quick));
    cJSON_AddStringToObject(info, "file", r->path);
    cJSON *pub = cJSON_AddObjectToObject(info, "published");
    cJSON_AddStringToObject(pub, "program", r->program);
    if (r->pid > 0) cJSON_AddNumberToObject(pub, "pid", r->pid);
    int ok = r->log && info && pub && pc_runlog_set_info(r->log, info) == 0;
    cJSON_Delete(info);
    if (!ok) {
        close(r->fd);
        r->fd = -1;
        unlink(r->path);
        r->path[0] = '\0';
        pc_runlog_unref(r->log);
        r->log = NULL;
        return pc_errf(err, PC_ENOMEM, "out of memory");
    }
    if (r->notify) pc_runlog_set_notify(r->log, r->notify, r->ud);
    return 0;
}

/* Closes the file (fsynced) and finishes the log with status; the run has ended. */
static void close_run(pc_pubrun_t *r, const char *status, const char *message) {
    if (fsync(r->fd) != 0 && !r->io_errno && errno != EINVAL) r->io_errno = errno;
    close(r->fd);
    r->fd = -1;
    char msg[512];
    if (r->io_errno) { /* the viewers learn the file is not whole */
        snprintf(msg, sizeof msg, "writing %.300s failed: %s", r->path, strerror(r->io_errno));
        status = "error";
        message = msg;
    }
    pc_runlog_finish(r->log, status, message && message[0] ? message : NULL, r->model->summary);
    r->ended = 1;
}

void pc_pubrun_end(pc_pubrun_t *r, const char *status, const char *message) {
    if (!r || r->ended) return;
    if (!r->log) { /* never started: no file, nothing to announce */
        r->ended = 1;
        return;
    }
    cJSON *e = cJSON_CreateObject();
    cJSON_AddNumberToObject(e, "t", r->model->t_last);
    cJSON_AddStringToObject(e, "status", status);
    if (message && message[0]) cJSON_AddStringToObject(e, "message", message);
    char *s = cJSON_PrintUnformatted(e);
    cJSON_Delete(e);
    size_t len = s ? strlen(s) : 0;
    uint8_t *rec = s ? malloc(pc_record_size(len)) : NULL;
    if (rec && pc_record_encode(rec, pc_record_size(len), PC_REC_END, PC_ENC_JSON, s, len)) {
        pc_record_t d;
        size_t used;
        pc_errbuf_t ignore = {{0}};
        if (pc_record_decode(rec, pc_record_size(len), &d, &used) == 0) pc_model_apply(r->model, &d, &ignore);
        take(r, rec, pc_record_size(len));
    }
    free(rec);
    cJSON_free(s);
    close_run(r, status, message);
}

int pc_pubrun_feed(pc_pubrun_t *r, const uint8_t *buf, size_t len, int *started, pc_errbuf_t *err) {
    *started = 0;
    if (r->ended) return pc_errf(err, PC_ESTATE, "the published run has ended: nothing more is taken");
    size_t off = 0;
    int rc = 0;
    pc_errbuf_t inner = {{0}};
    while (off < len && !r->model->finished) {
        pc_record_t rec;
        size_t used;
        size_t at = r->bytes + off; /* stream offset of this record (file offset - 16) */
        unsigned long long nth = (unsigned long long)r->records + 1;
        int d = pc_record_decode(buf + off, len - off, &rec, &used);
        if (d) {
            rc = pc_errf(err, d, "record %llu at byte %zu of the stream: %s", nth, at,
                         d == PC_ETRUNC ? "the message ends inside it (a message must hold whole records)"
                                        : "bad length or checksum");
            break;
        }
        if (!strcmp(pc_rec_kind_name(rec.kind), "unknown")) {
            rc = pc_errf(err, PC_EFORMAT, "record %llu at byte %zu of the stream: unknown record kind %u", nth, at,
                         rec.kind);
            break;
        }
        if (!r->model->header && rec.kind != PC_REC_HEADER) {
            rc = pc_errf(err, PC_EFORMAT, "record %llu at byte %zu of the stream: the first record must be the header, "
                         "not a %s record", nth, at, pc_rec_kind_name(rec.kind));
            break;
        }
        int a = pc_model_apply(r->model, &rec, &inner);
        if (a < 0) {
            rc = pc_errf(err, a, "record %llu at byte %zu of the stream: %s", nth, at,
                         inner.msg[0] ? inner.msg : pc_strerror(a));
            break;
        }
        if (rec.kind == PC_REC_HEADER) {
            int s = start_run(r, &inner);
            if (s) {
                rc = pc_errf(err, s, "record 1 at byte %zu of the stream: %s", at, inner.msg);
                break;
            }
            *started = 1;
        }
        off += used;
        r->records++;
    }
    if (!r->log) { /* the header itself was refused: there never was a run */
        r->ended = 1;
        return rc;
    }
    take(r, buf, off);
    if (rc) {
        pc_pubrun_end(r, "error", err->msg);
        return rc;
    }
    if (r->model->finished) {
        close_run(r, r->model->status, r->model->end_message);
        if (off < len)
            return pc_errf(err, PC_EFORMAT,
                           "record %llu at byte %zu of the stream: a record after the end record (the run had ended "
                           "\"%s\")", (unsigned long long)r->records + 1, r->bytes, r->model->status);
    }
    return 0;
}

int pc_pubrun_ended(const pc_pubrun_t *r) { return r->ended; }
pc_runlog_t *pc_pubrun_log(pc_pubrun_t *r) { return r->log; }
const char *pc_pubrun_id(const pc_pubrun_t *r) { return r->run_id; }
const char *pc_pubrun_path(const pc_pubrun_t *r) { return r->path; }

void pc_pubrun_destroy(pc_pubrun_t *r) {
    if (!r) return;
    pc_pubrun_end(r, "incomplete", "the publishing program went away before its end record");
    if (r->fd >= 0) close(r->fd);
    pc_runlog_unref(r->log);
    pc_model_destroy(r->model);
    free(r);
}
