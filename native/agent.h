/* agent.h — the perfcast agent: one libwebsockets event loop serving the viewer's static
 * files and the `perfcast.v1` WebSocket protocol, starting runs and broadcasting them.
 *
 * Every run (live, or a file being replayed) is a pc_runlog_t; each WebSocket client keeps
 * a reference to the log it is streaming and a byte cursor into it, so broadcasting costs
 * one cursor per client and a slow client only lags (docs/AGENT.md has the protocol, the
 * limits and the security model). All lws calls happen on the thread running
 * pc_agent_run(); other threads only call pc_agent_wake() / pc_agent_request_stop(). */
#ifndef PC_AGENT_H
#define PC_AGENT_H

#include <stddef.h>

#include "pc_error.h"
#include "runlog.h"

#define PC_AGENT_PROTOCOL "perfcast.v1"
#define PC_AGENT_DEFAULT_HOST "127.0.0.1"
#define PC_AGENT_DEFAULT_PORT 7681

/* Limits at the edge (documented in docs/AGENT.md). */
#define PC_AGENT_MAX_MESSAGE (64 * 1024) /* bytes of one incoming message, fragments included */
#define PC_AGENT_MAX_PUBLISH_MESSAGE (1024 * 1024) /* ... of one binary message from a publisher */
#define PC_AGENT_CHUNK (64 * 1024)       /* records coalesced into one outgoing message */
#define PC_AGENT_CTL_QUEUE 64            /* queued JSON replies per client; overflow closes it */
#define PC_AGENT_MAX_CLIENTS 64          /* WebSocket connections at once */
#define PC_AGENT_RATE_PER_S 50.0         /* incoming messages per second per client ... */
#define PC_AGENT_RATE_BURST 100.0        /* ... with this burst (token bucket) */

typedef struct pc_agent pc_agent_t;

typedef struct pc_agent_config {
    const char *host;        /* numeric address to listen on, e.g. "127.0.0.1", "0.0.0.0" */
    int port;                /* TCP port; 0 picks a free one (see pc_agent_port) */
    const char *token;       /* required on WebSocket upgrades; NULL or "" for none */
    const char *record_dir;  /* live mode: where result files go (created if missing) */
    const char *www_dir;     /* the viewer's files; NULL serves only the WebSocket */
    /* Replay mode when non-NULL: this log is the agent's one run (the agent takes its own
     * reference and installs its wake-up notify on it); start/stop requests are refused. */
    pc_runlog_t *replay_log;
    const char *replay_file; /* shown in error messages in replay mode */
    /* Called on the loop thread when a WebSocket client has connected; may be NULL. */
    void (*on_client)(void *ud);
    void *ud;
    /* A result file whose metric series' final values are the REST API's regression
     * baseline (NULL: the previous finished run of the same suite). */
    const char *baseline_file;
} pc_agent_config_t;

/* Creates the agent and binds its listening socket. Strings in cfg are copied. Returns NULL
 * with err saying why (address in use, bad address, out of memory). Free with
 * pc_agent_destroy(). */
pc_agent_t *pc_agent_create(const pc_agent_config_t *cfg, pc_errbuf_t *err);
/* The port actually listened on (useful with port 0). */
int pc_agent_port(const pc_agent_t *a);
/* Serves until pc_agent_request_stop(): then stops a running run, waits for it to finish
 * (its file complete), gives clients up to a second to receive the end, and returns 0.
 * Returns PC_EIO if the event loop failed. Call from one thread only. */
int pc_agent_run(pc_agent_t *a);
/* Thread-safe, not async-signal-safe: asks pc_agent_run() to finish as described. */
void pc_agent_request_stop(pc_agent_t *a);
/* Thread-safe: wakes the event loop (new records or state to broadcast). */
void pc_agent_wake(pc_agent_t *a);
/* pc_runlog_notify_fn adapter: ud is the pc_agent_t. */
void pc_agent_notify(void *ud);
/* Frees the agent; a run still going is stopped and joined first. NULL is fine. */
void pc_agent_destroy(pc_agent_t *a);

/* ---- helpers shared with the CLI ---- */

/* Parses "HOST:PORT", "[V6]:PORT", "HOST" or ":PORT" ("localhost" becomes 127.0.0.1);
 * missing parts keep the defaults. Returns 0 or PC_EINVAL. */
int pc_agent_parse_listen(const char *s, char *host, size_t host_cap, int *port);
/* 1 when host is a loopback address (127.0.0.0/8, ::1, localhost). */
int pc_agent_host_is_loopback(const char *host);

#endif
