/* runlog.h — the live copy of one run's record stream, shared by every viewer.
 *
 * The recorder appends whole records; each WebSocket client keeps only a byte cursor into
 * the log and, when writable, copies out the next whole records (coalesced up to a size).
 * So a slow viewer costs one cursor, never a queue of its own, and never slows the runner;
 * a late viewer catches up from byte 0. The log is bounded (PC_RUNLOG_MAX_BYTES): past it,
 * records still go to the result file and the log is marked truncated. Thread-safe;
 * reference-counted so a client can finish streaming a run after the next one started. */
#ifndef PC_RUNLOG_H
#define PC_RUNLOG_H

#include <stddef.h>
#include <stdint.h>

#include "cJSON.h"

#define PC_RUNLOG_MAX_BYTES (256u << 20)

typedef struct pc_runlog pc_runlog_t;

/* New empty log with one reference; NULL when out of memory. Release with pc_runlog_unref. */
pc_runlog_t *pc_runlog_create(const char *run_id, const char *suite);
void pc_runlog_ref(pc_runlog_t *log);
void pc_runlog_unref(pc_runlog_t *log);

/* Appends whole encoded records (len bytes). Returns 0, or PC_ELIMIT when the log is full
 * (the log is then marked truncated and keeps what it had). */
int pc_runlog_append(pc_runlog_t *log, const uint8_t *records, size_t len);
/* Marks the run finished with its end status and summary (copied). */
void pc_runlog_finish(pc_runlog_t *log, const char *status, const char *message, const cJSON *summary);

/* Copies whole records starting at byte offset `from` into buf (at most cap bytes, but at
 * least one record if it is longer than cap and cap >= its size). Returns bytes copied (0
 * when nothing new). */
size_t pc_runlog_read(pc_runlog_t *log, size_t from, uint8_t *buf, size_t cap);
/* Bytes appended so far. */
size_t pc_runlog_size(pc_runlog_t *log);
/* 1 once finished; then *status/*message/*summary_json (a malloc'ed string the caller
 * frees, or NULL) describe the end. Any out pointer may be NULL. */
int pc_runlog_finished(pc_runlog_t *log, char *status, size_t status_cap, char **summary_json,
                       char *message, size_t message_cap);
const char *pc_runlog_id(const pc_runlog_t *log);
const char *pc_runlog_suite(const pc_runlog_t *log);

#endif
