/* replay.h — plays a result file back into a run log, paced like the original run.
 *
 * The file is loaded and validated first (the same reader the viewer uses, so a bad file
 * is refused with its name and byte offset before anything listens). A torn tail is not
 * an error: the replay serves every whole record before it. Records are appended to the
 * log when their "t" (seconds since run start) divided by the speed has elapsed; the agent
 * broadcasts that log exactly like a live run's. */
#ifndef PC_REPLAY_H
#define PC_REPLAY_H

#include <stddef.h>

#include "pc_error.h"
#include "runlog.h"

#define PC_REPLAY_MAX_FILE ((size_t)1 << 30) /* bytes; larger files are refused */

typedef struct pc_replay pc_replay_t;

/* Reads and validates `path`. Returns 0 with *out (free with pc_replay_destroy), or PC_EIO,
 * PC_ELIMIT, PC_EFORMAT, PC_EVERSION, PC_ETRUNC, PC_ENOMEM with err naming the file and,
 * for a malformed file, the byte offset. */
int pc_replay_open(const char *path, pc_replay_t **out, pc_errbuf_t *err);
/* The log the replay appends to (owned by the replay; take a reference to keep it). */
pc_runlog_t *pc_replay_log(pc_replay_t *r);
/* "" for an intact file, else what was cut off and where (for the CLI to print). */
const char *pc_replay_warning(const pc_replay_t *r);
/* Starts the pacing thread: speed 1 is real time, 2 twice as fast, 0 as fast as possible.
 * Returns 0, PC_EINVAL (negative speed), PC_ESTATE (already started) or PC_ENOMEM. */
int pc_replay_start(pc_replay_t *r, double speed);
/* Stops the pacing thread (if running) and waits for it; the log is finished either way. */
void pc_replay_stop(pc_replay_t *r);
/* Stops and frees; NULL is fine. */
void pc_replay_destroy(pc_replay_t *r);

#endif
