/* run.h — one run of a suite: its thread, its recorder, its stop flag.
 *
 * pc_run_start() writes the header record, then runs the suite on a new thread while a
 * recorder thread moves emitted records to the result file and (optionally) to a live
 * run log that the agent broadcasts. The suite's own thread emits aggregated records at a
 * bounded rate; its measured worker threads never call anything here but
 * pc_run_should_stop(). See docs/DESIGN.md for the thread picture. */
#ifndef PC_RUN_H
#define PC_RUN_H

#include <stdint.h>

#include "cJSON.h"
#include "pc_error.h"
#include "record.h"
#include "suite.h"

struct pc_runlog;
typedef struct pc_run pc_run_t;

typedef struct pc_run_opts {
    const char *path;           /* result file to write, or NULL to write DIR/RUN_ID.pcast */
    const char *dir;            /* directory for that default name (created if missing) */
    struct pc_runlog *log;      /* live run log to append to, or NULL (headless) */
    const cJSON *system;        /* system info for the header (copied), or NULL to collect it now */
    /* Called on the recorder thread after each batch it wrote; may be NULL. Keep it short. */
    void (*on_progress)(void *ud, double fraction, const char *phase);
    void *ud;
} pc_run_opts_t;

/* Starts `suite` with validated params (from pc_suite_params; the run takes ownership of
 * params on success only). Creates the result file first, so a bad path fails here with err
 * naming it. On success *out is the running run: wait with pc_run_join, free with
 * pc_run_destroy. */
int pc_run_start(const pc_suite_t *suite, cJSON *params, int quick, const pc_run_opts_t *opts,
                 pc_run_t **out, pc_errbuf_t *err);
/* Asks the suite to stop soon (thread-safe, async-signal-safe). The run ends "stopped". */
void pc_run_request_stop(pc_run_t *run);
/* Waits for the suite and the recorder to finish; the file is complete after this.
 * Returns the suite's result (0 or PC_E*). */
int pc_run_join(pc_run_t *run);
/* Frees a joined run. */
void pc_run_destroy(pc_run_t *run);
/* "20261125-180603-ringbuf-1a2b": unique per run, valid as long as the run. */
const char *pc_run_id(const pc_run_t *run);
/* Path of the result file being written. */
const char *pc_run_path_of(const pc_run_t *run);
/* The validated parameters (owned by the run). */
const cJSON *pc_run_params(const pc_run_t *run);
/* The summary the suite reported, or NULL; owned by the run. Valid after pc_run_join. */
const cJSON *pc_run_summary(const pc_run_t *run);
/* The end status after join: "ok", "stopped" or "error", and the message for "error". */
const char *pc_run_status(const pc_run_t *run, const char **message);

/* ---- for suites (call only from the suite's run thread) ---- */

/* True once a stop was requested. Safe from any thread, including measured workers. */
int pc_run_should_stop(const pc_run_t *run);
int64_t pc_run_param_int(const pc_run_t *run, const char *name);
double pc_run_param_double(const pc_run_t *run, const char *name);
/* Seconds since the run started (monotonic clock). */
double pc_run_elapsed(const pc_run_t *run);
/* Hands a JSON record to the recorder without blocking: serializes `payload` (not taken;
 * the caller still frees it). Returns PC_EAGAIN when the recorder's bounded queue is full
 * — nothing was taken, aggregate more and try later — or PC_ENOMEM. */
int pc_run_emit_json(pc_run_t *run, pc_rec_kind_t kind, const cJSON *payload);
/* Same for a binary payload. */
int pc_run_emit(pc_run_t *run, pc_rec_kind_t kind, pc_rec_enc_t enc, const void *payload, size_t len);
/* Emits a progress record (fraction 0..1, phase name); rate-limited to 20 per second. */
void pc_run_progress(pc_run_t *run, double fraction, const char *phase);
/* Emits an event record (a phase boundary shown on timelines). */
void pc_run_event(pc_run_t *run, const char *text);
/* Reports the summary (the suite's documented keys). Takes ownership of summary. */
void pc_run_set_summary(pc_run_t *run, cJSON *summary);
/* Records why the suite failed (shown in the end record and by the CLI); returns code. */
int pc_run_fail(pc_run_t *run, int code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif
