/* agent_rest.h — the agent's read-only REST API and Prometheus endpoint (docs/AGENT.md, "REST API").
 *
 * The agent keeps one pc_model_t of its current (or last) run, fed on the loop thread from
 * the run's pc_runlog_t as records arrive; requests read that model, so they never touch the
 * run's threads. Serialized answers that do not depend on the query (/api/performance/metrics,
 * /metrics) are cached and rebuilt only when the model changed. Everything here runs on the
 * agent's loop thread. */
#ifndef PC_AGENT_REST_H
#define PC_AGENT_REST_H

#include <libwebsockets.h>

#include "pc_error.h"
#include "runlog.h"

#define PC_REST_HISTORY_DEFAULT 1000   /* samples one history answer holds without ?limit= */
#define PC_REST_HISTORY_MAX 100000     /* largest ?limit= */

typedef struct pc_rest pc_rest_t;

/* Creates the REST state. baseline_file (NULL: none) is a result file whose metric series'
 * last values are the baseline for /api/performance/regressions; without one the baseline is
 * the previous finished run of the same suite. Returns NULL with err saying why (unreadable
 * or invalid file, out of memory). Free with pc_rest_destroy(). */
pc_rest_t *pc_rest_create(const char *baseline_file, pc_errbuf_t *err);
/* Frees r and its model; NULL is fine. */
void pc_rest_destroy(pc_rest_t *r);
/* Catches the model up with log, the agent's current run (a new log starts a new model; NULL
 * keeps what there is). Applies at most a few MiB per call; returns 1 when more is waiting
 * (call again after servicing the loop), else 0. */
int pc_rest_sync(pc_rest_t *r, pc_runlog_t *log);
/* 1 when path (no query) belongs to the REST API: "/api" and below, "/metrics". */
int pc_rest_owns(const char *path);
/* Answers the HTTP request on wsi (any method, any path: unknown ones get a JSON 404) after
 * checking access with token (agent_auth.c rules). Returns what the lws callback returns. */
int pc_rest_serve(pc_rest_t *r, struct lws *wsi, const char *token);

#endif
