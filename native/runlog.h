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
#include "pc_error.h"

#define PC_RUNLOG_MAX_BYTES (256u << 20)

typedef struct pc_runlog pc_runlog_t;

/* Called (on the appending thread, outside the log's lock) after every append and finish;
 * the agent uses it to wake its event loop. Must not call back into the same log's writers. */
typedef void (*pc_runlog_notify_fn)(void *ud);

/* ---- lifetime ---- */

/* New empty log with one reference; NULL when out of memory. Release with pc_runlog_unref.
 * run_id may be NULL or "" when it is not known yet (see pc_runlog_set_id). */
pc_runlog_t *pc_runlog_create(const char *run_id, const char *suite);
void pc_runlog_ref(pc_runlog_t *log);
/* Drops one reference; the last one frees the log. NULL is fine. */
void pc_runlog_unref(pc_runlog_t *log);

/* ---- writer side (recorder, replay) ---- */

/* Appends whole encoded records (len bytes). Returns 0; PC_EINVAL when the bytes are not a
 * sequence of whole records (nothing appended: the log only ever holds whole records); or
 * PC_ELIMIT when the log is full (the log is then marked truncated and keeps what it had). */
int pc_runlog_append(pc_runlog_t *log, const uint8_t *records, size_t len);
/* Marks the run finished with its end status and summary (copied; either may be NULL).
 * Only the first call counts; appends after it are refused with PC_ESTATE. */
void pc_runlog_finish(pc_runlog_t *log, const char *status, const char *message, const cJSON *summary);

/* ---- metadata (set by the owner before or while streaming) ---- */

/* Sets the run id once it is known (pc_run_start makes it after it took the log).
 * Call it from the thread that reads pc_runlog_id(); the id is at most 95 bytes. */
void pc_runlog_set_id(pc_runlog_t *log, const char *run_id);
/* Stores extra fields (an object, copied) that announcements of this run carry, e.g.
 * {"params":{...},"file":"..."}. Returns 0 or PC_ENOMEM. */
int pc_runlog_set_info(pc_runlog_t *log, const cJSON *info);
/* The stored info as a new object the caller frees with cJSON_Delete; NULL when none. */
cJSON *pc_runlog_info(pc_runlog_t *log);
/* Installs the wake-up callback (NULL to remove). Thread-safe, but the callback runs after the
 * log's lock is released, so removing it does not wait for a call already under way: remove
 * it only once the writers (recorder, replay thread) have been joined, as the agent does. */
void pc_runlog_set_notify(pc_runlog_t *log, pc_runlog_notify_fn fn, void *ud);

/* ---- reader side (one byte cursor per viewer) ---- */

/* Copies whole records starting at byte offset `from` (a record boundary) into buf: as many
 * as fit in cap. Returns bytes copied; 0 when nothing new, or when the next record alone is
 * larger than cap (pc_runlog_span says how large; read it with pc_runlog_copy). */
size_t pc_runlog_read(pc_runlog_t *log, size_t from, uint8_t *buf, size_t cap);
/* Length of the next message to send from `from`: the whole records that fit in max bytes,
 * or the size of the single next record when it alone is larger than max (send that one in
 * pieces). 0 when nothing new. `from` must be a record boundary. */
size_t pc_runlog_span(pc_runlog_t *log, size_t from, size_t max);
/* Copies raw bytes [from, from+len) clipped to what was appended; returns bytes copied.
 * Used to send one record larger than the caller's buffer piece by piece. */
size_t pc_runlog_copy(pc_runlog_t *log, size_t from, uint8_t *buf, size_t len);
/* Bytes appended so far. */
size_t pc_runlog_size(pc_runlog_t *log);
/* 1 when appends were refused because the log reached PC_RUNLOG_MAX_BYTES. */
int pc_runlog_truncated(pc_runlog_t *log);
/* 1 once finished; then status, message and *summary_json (a malloc'ed string the caller
 * frees, or NULL) describe the end. Any out pointer may be NULL. Every append happens
 * before finish, so a reader that saw finished == 1 and then reads pc_runlog_size() has
 * the final size. */
int pc_runlog_finished(pc_runlog_t *log, char *status, size_t status_cap, char **summary_json,
                       char *message, size_t message_cap);
/* The run id ("" until known) and suite; valid as long as the log. */
const char *pc_runlog_id(const pc_runlog_t *log);
const char *pc_runlog_suite(const pc_runlog_t *log);

#endif
