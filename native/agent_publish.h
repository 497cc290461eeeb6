/* agent_publish.h — a run fed live by another program (the tracker's stream), for the agent.
 *
 * A WebSocket client that sends {"type":"publish"} becomes the producer of the agent's one
 * run (agent.c decides who may, docs/AGENT.md "Publishing"). This module is the run itself,
 * with no lws in it: every binary message is checked record by record with the viewer's own
 * reader as it arrives — pc_record_decode (length, CRC), then pc_model_apply on a model of
 * the run (header first, a JSON object of the right shape for each kind, no second header,
 * nothing after the end) and known kinds only — and the records that pass go to the result
 * file (DIR/RUN_ID.pcast, the run id taken from the header record) and to a pc_runlog_t that
 * the agent broadcasts exactly like a live run's. A refused record ends the run "error"; an
 * end record ends it with its own status; the agent ends it "stopped" or "incomplete" when a
 * viewer stops it or the publisher goes away, and then an end record saying so is appended,
 * so the file is always a whole run. Used on the agent's loop thread only. */
#ifndef PC_AGENT_PUBLISH_H
#define PC_AGENT_PUBLISH_H

#include <stddef.h>
#include <stdint.h>

#include "cJSON.h"
#include "pc_error.h"
#include "runlog.h"

typedef struct pc_pubrun pc_pubrun_t;

/* State for one publisher; its run starts when the header record arrives. record_dir is
 * copied; `publish` (the client's publish message, may be NULL) gives "program" and "pid"
 * for the announcement; notify/ud are installed on the run's log (the agent's wake-up).
 * NULL when out of memory. Free with pc_pubrun_destroy(). */
pc_pubrun_t *pc_pubrun_create(const char *record_dir, const cJSON *publish, pc_runlog_notify_fn notify, void *ud);

/* Takes one binary message, which must hold whole records. Returns 0 when every record was
 * taken; else the PC_E* code with err naming the record (its number and byte offset in the
 * stream, i.e. in the result file after its 16-byte header) and the reason: the records
 * before it were kept, the run has ended with status "error" (or was never started, when
 * the header itself was refused). *started is set to 1 when this message started the run:
 * pc_pubrun_log() exists from then on. After an end record the run has ended with its
 * status; bytes after that end record are refused the same way (the run stays as it ended). */
int pc_pubrun_feed(pc_pubrun_t *r, const uint8_t *buf, size_t len, int *started, pc_errbuf_t *err);

/* Ends a run that is still going: appends an end record with status and message (NULL: none)
 * to the file and the log, fsyncs and closes the file, finishes the log. No-op when the run
 * has ended or never started. */
void pc_pubrun_end(pc_pubrun_t *r, const char *status, const char *message);

/* 1 once the run has ended (its end record, a refused record, or pc_pubrun_end). */
int pc_pubrun_ended(const pc_pubrun_t *r);
/* The run's log, NULL until the header arrived; owned by r (take a reference to keep it). */
pc_runlog_t *pc_pubrun_log(pc_pubrun_t *r);
/* The run id from the header, "" before it arrived. Valid as long as r. */
const char *pc_pubrun_id(const pc_pubrun_t *r);
/* The result file's path, "" before the header arrived. Valid as long as r. */
const char *pc_pubrun_path(const pc_pubrun_t *r);

/* Ends a run still going as "incomplete" and frees r. NULL is fine. */
void pc_pubrun_destroy(pc_pubrun_t *r);

#endif
