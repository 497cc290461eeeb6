/* agent.c — the libwebsockets server: static viewer files, the perfcast.v1 protocol, runs.
 *
 * Threads: the loop thread (pc_agent_run) owns every lws object and every client. A run's
 * recorder thread (or the replay thread) only appends to a pc_runlog_t, whose notify hook
 * calls lws_cancel_service(); the loop then gets LWS_CALLBACK_EVENT_WAIT_CANCELLED and asks
 * every client for a writable callback. A small waiter thread per run joins it, so the
 * loop never blocks on a run.
 *
 * Broadcasting: a client (pss) holds a reference to the log it streams and a byte cursor.
 * Each LWS_CALLBACK_SERVER_WRITEABLE writes exactly one frame, in this order of priority:
 * the rest of a fragmented record message, a queued control reply, run_started for a run
 * not yet announced, the next whole records (coalesced up to PC_AGENT_CHUNK), run_finished.
 * lws keeps at most the unsent part of that one frame, so a slow client costs one cursor
 * and one frame, and the runner never waits for anyone. */
#include "agent.h"

#include "agent_auth.h"
#include "agent_publish.h"
#include "agent_rest.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "cJSON.h"
#include "record.h"
#include "run.h"
#include "suite.h"
#include "sysinfo.h"

#define DRAIN_GRACE_S 1.0    /* at shutdown, how long clients get to receive run_finished */
#define TICK_US (50 * 1000)  /* loop wake-up period while shutting down */

typedef struct pss {
    struct pss *next; /* the agent's client list */
    struct lws *wsi;
    /* control replies: a bounded ring of malloc'ed buffers with LWS_PRE headroom */
    unsigned char *ctl[PC_AGENT_CTL_QUEUE];
    size_t ctl_len[PC_AGENT_CTL_QUEUE];
    unsigned ctl_head, ctl_n;
    int overflowed; /* the ring overflowed: close this client */
    int rx_paused;  /* we stopped reading this client until its replies drain */
    /* the run being streamed */
    pc_runlog_t *log;
    size_t cursor;   /* bytes of log already written to this client */
    size_t msg_end;  /* end of the binary message in progress (> cursor while fragmented) */
    int in_msg;      /* a fragmented binary message is in progress */
    int announced;   /* run_started sent for log */
    int finished_sent;
    /* incoming message assembly */
    char *rx;
    size_t rx_len;
    int rx_active, rx_too_big, rx_binary;
    /* token bucket */
    double tokens, last_refill;
    /* publishing (agent_publish.h): 1 while this client produces the published run (it watches
     * no runs; binary messages are its records), 2 once that run ended (binary is ignored) */
    int pub;
    int close_after_ctl; /* close once the queued replies are written (a refused publisher) */
} pss_t;

struct pc_agent {
    struct lws_context *ctx;
    struct lws_vhost *vh;
    int port;
    char host[64];
    char token[256];
    char record_dir[PATH_MAX];
    char www_dir[PATH_MAX];
    char replay_file[PATH_MAX];
    int has_www;
    int replay;
    void (*on_client)(void *ud);
    void *ud;

    struct lws_protocols protocols[3];
    struct lws_http_mount mount;
    struct lws_http_mount api_mount, prom_mount; /* the REST API, answered by cb_http */
    pc_rest_t *rest;
    struct lws_protocol_vhost_options mime_wasm;
    struct lws_protocol_vhost_options headers[6];

    char *system_json; /* pc_sysinfo_collect() printed once at start */
    pss_t *clients;
    int n_clients;
    unsigned char *txbuf; /* LWS_PRE + PC_AGENT_CHUNK, reused for every record frame */

    pc_runlog_t *current; /* the current or last run; clients stream it from byte 0 */
    pc_run_t *run;        /* the live run in progress (NULL when none) */
    pc_runlog_t *run_log; /* its log (a reference owned by the waiter until reaped) */
    pc_pubrun_t *pub;     /* the published run in progress (NULL when none) ... */
    pss_t *publisher;     /* ... and the client producing it */
    pthread_t waiter;
    atomic_int run_done;
    int run_stop_sent;

    atomic_int stop_requested;
    double drain_deadline; /* 0 until the last run was reaped during shutdown */
    lws_sorted_usec_list_t tick;
};

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* -------------------------------------------------------------- control replies ----- */

/* Queues a JSON message for one client (takes nothing: obj stays the caller's). When the
 * ring is full the client is marked for closing: replies are bounded, never buffered. */
static void ctl_push_json(pss_t *p, const cJSON *obj) {
    if (p->overflowed) return;
    if (p->ctl_n == PC_AGENT_CTL_QUEUE) {
        p->overflowed = 1;
        lws_callback_on_writable(p->wsi);
        return;
    }
    char *s = cJSON_PrintUnformatted(obj);
    if (!s) return;
    size_t n = strlen(s);
    unsigned char *b = malloc(LWS_PRE + n);
    if (b) {
        memcpy(b + LWS_PRE, s, n);
        unsigned i = (p->ctl_head + p->ctl_n) % PC_AGENT_CTL_QUEUE;
        p->ctl[i] = b;
        p->ctl_len[i] = n;
        p->ctl_n++;
    }
    cJSON_free(s);
    /* Backpressure: a client that sends faster than it reads its replies is not read from
     * until they drain (lws keeps the unread bytes in the socket buffer, not in memory). */
    if (p->ctl_n >= PC_AGENT_CTL_QUEUE / 2 && !p->rx_paused) {
        p->rx_paused = 1;
        lws_rx_flow_control(p->wsi, 0);
    }
    lws_callback_on_writable(p->wsi);
}

static void send_error(pss_t *p, const char *request, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void send_error(pss_t *p, const char *request, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "error");
    cJSON_AddStringToObject(o, "message", msg);
    if (request) cJSON_AddStringToObject(o, "request", request);
    ctl_push_json(p, o);
    cJSON_Delete(o);
}

/* {run_id, suite, state, status?} for hello; NULL (JSON null) when there was no run yet. */
static cJSON *run_brief(pc_runlog_t *log) {
    if (!log) return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    char status[16];
    int fin = pc_runlog_finished(log, status, sizeof status, NULL, NULL, 0);
    cJSON_AddStringToObject(o, "run_id", pc_runlog_id(log));
    cJSON_AddStringToObject(o, "suite", pc_runlog_suite(log));
    cJSON_AddStringToObject(o, "state", fin ? "finished" : "running");
    if (fin) cJSON_AddStringToObject(o, "status", status);
    return o;
}

static void send_hello(pc_agent_t *a, pss_t *p) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "hello");
    cJSON_AddStringToObject(o, "protocol", PC_AGENT_PROTOCOL);
    cJSON_AddStringToObject(o, "version", PC_VERSION);
    cJSON *fmt = cJSON_AddObjectToObject(o, "format");
    cJSON_AddNumberToObject(fmt, "major", PC_FORMAT_MAJOR);
    cJSON_AddNumberToObject(fmt, "minor", PC_FORMAT_MINOR);
    cJSON *sys = a->system_json ? cJSON_Parse(a->system_json) : NULL;
    cJSON_AddItemToObject(o, "system", sys ? sys : cJSON_CreateNull());
    cJSON_AddItemToObject(o, "run", run_brief(a->current));
    cJSON_AddStringToObject(o, "mode", a->replay ? "replay" : "live");
    cJSON *lim = cJSON_AddObjectToObject(o, "limits");
    cJSON_AddNumberToObject(lim, "max_message_bytes", PC_AGENT_MAX_MESSAGE);
    cJSON_AddNumberToObject(lim, "messages_per_s", PC_AGENT_RATE_PER_S);
    cJSON_AddNumberToObject(lim, "burst", PC_AGENT_RATE_BURST);
    cJSON_AddNumberToObject(lim, "max_publish_message_bytes", PC_AGENT_MAX_PUBLISH_MESSAGE);
    ctl_push_json(p, o);
    cJSON_Delete(o);
}

/* ------------------------------------------------------------------------ runs ------ */

void pc_agent_wake(pc_agent_t *a) {
    if (a && a->ctx) lws_cancel_service(a->ctx);
}

void pc_agent_notify(void *ud) { pc_agent_wake(ud); }

/* Joins the run off the loop thread, makes sure its log says how it ended, wakes the loop. */
static void *waiter_main(void *arg) {
    pc_agent_t *a = arg;
    pc_run_join(a->run);
    if (!pc_runlog_finished(a->run_log, NULL, 0, NULL, NULL, 0)) {
        const char *msg = NULL;
        const char *status = pc_run_status(a->run, &msg);
        pc_runlog_finish(a->run_log, status, msg, pc_run_summary(a->run));
    }
    atomic_store(&a->run_done, 1);
    pc_agent_wake(a);
    return NULL;
}

/* Frees a run whose waiter has finished (loop thread); joins the waiter exactly once. */
static void reap_run(pc_agent_t *a) {
    if (!a->run || !atomic_load(&a->run_done)) return;
    pthread_join(a->waiter, NULL);
    pc_run_destroy(a->run);
    a->run = NULL;
    pc_runlog_unref(a->run_log);
    a->run_log = NULL;
    a->run_stop_sent = 0;
}

/* Makes log the run every client streams next (a client finishes its current one first). */
static void set_current(pc_agent_t *a, pc_runlog_t *log) {
    if (log) pc_runlog_ref(log);
    pc_runlog_unref(a->current);
    a->current = log;
    lws_callback_on_writable_all_protocol(a->ctx, &a->protocols[1]);
}

/* ------------------------------------------------------------- published runs ----- */

static void maybe_switch(pc_agent_t *a, pss_t *p);

/* A publisher holds the one-run slot from its publish on: refuses `req` with an error naming
 * the run. 1 when refused. */
static int pub_busy(pc_agent_t *a, pss_t *p, const char *req) {
    if (!a->pub) return 0;
    if (pc_pubrun_log(a->pub))
        send_error(p, req, "run %s is in progress (published by a program): one run at a time (stop it first)",
                   pc_pubrun_id(a->pub));
    else
        send_error(p, req, "a program is publishing a run (its header has not arrived yet): one run at a time");
    return 1;
}

/* Forgets the published run (ended, or never started) and its publisher. */
static void pub_release(pc_agent_t *a) {
    pc_pubrun_destroy(a->pub);
    a->pub = NULL;
    if (a->publisher) a->publisher->pub = 2;
    a->publisher = NULL;
}

/* Ends the published run "stopped" and tells its publisher ({"type":"stop"}), which keeps its
 * connection: what it still sends is ignored. */
static void pub_stop(pc_agent_t *a, const char *message) {
    char id[96];
    snprintf(id, sizeof id, "%s", pc_pubrun_id(a->pub));
    pc_pubrun_end(a->pub, "stopped", message);
    if (a->publisher) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "type", "stop");
        if (id[0]) cJSON_AddStringToObject(o, "run_id", id);
        cJSON_AddStringToObject(o, "message", message);
        ctl_push_json(a->publisher, o);
        cJSON_Delete(o);
    }
    pub_release(a);
}

/* Answers request `req` (start or publish) with an error and returns 1 when no run may begin
 * now: the agent is shutting down, a run goes, or a program publishes one. */
static int refuse_new_run(pc_agent_t *a, pss_t *p, const char *req) {
    if (atomic_load(&a->stop_requested)) {
        send_error(p, req, "the agent is shutting down");
        return 1;
    }
    if (a->run) {
        send_error(p, req, "run %s is in progress: one run at a time (stop it first)", pc_run_id(a->run));
        return 1;
    }
    return pub_busy(a, p, req);
}

/* {"type":"publish"}: this client becomes the producer of the agent's one run. */
static void handle_publish(pc_agent_t *a, pss_t *p, const cJSON *msg) {
    if (a->replay) {
        send_error(p, "publish", "this agent is replaying %s: publishing is not available in replay mode "
                                 "(run 'perfcast agent' to receive published runs)", a->replay_file);
        return;
    }
    if (p->pub) {
        send_error(p, "publish", "this connection has already published (one run per connection)");
        return;
    }
    if (refuse_new_run(a, p, "publish")) return;
    const cJSON *major = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(msg, "format"), "major");
    if (major && (!cJSON_IsNumber(major) || major->valueint != PC_FORMAT_MAJOR)) {
        send_error(p, "publish", "format major version %d is not this agent's (%d)",
                   cJSON_IsNumber(major) ? major->valueint : -1, PC_FORMAT_MAJOR);
        return;
    }
    char *rx = realloc(p->rx, PC_AGENT_MAX_PUBLISH_MESSAGE); /* no message is being assembled now */
    pc_pubrun_t *r = rx ? pc_pubrun_create(a->record_dir, msg, pc_agent_notify, a) : NULL;
    if (rx) p->rx = rx;
    if (!r) {
        send_error(p, "publish", "out of memory");
        return;
    }
    a->pub = r;
    a->publisher = p;
    p->pub = 1;
    maybe_switch(a, p); /* it stops watching runs */
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "publishing");
    cJSON_AddNumberToObject(o, "max_message_bytes", PC_AGENT_MAX_PUBLISH_MESSAGE);
    cJSON_AddStringToObject(o, "record_dir", a->record_dir);
    ctl_push_json(p, o);
    cJSON_Delete(o);
}

/* One binary message from the publisher: its records, validated and appended. A refused
 * record ends the run "error"; the publisher gets the error and is closed. */
static void handle_published(pc_agent_t *a, pss_t *p) {
    pc_errbuf_t err = {{0}};
    int started = 0, r;
    if (p->rx_too_big) {
        r = pc_errf(&err, PC_ELIMIT, "message too large: a publisher's limit is %d bytes (of whole records)",
                    PC_AGENT_MAX_PUBLISH_MESSAGE);
        pc_pubrun_end(a->pub, "error", err.msg);
    } else {
        r = pc_pubrun_feed(a->pub, (const uint8_t *)p->rx, p->rx_len, &started, &err);
    }
    if (started) set_current(a, pc_pubrun_log(a->pub)); /* run_started for everyone */
    if (r) {
        send_error(p, "publish", "%s", err.msg);
        p->close_after_ctl = 1;
    }
    if (pc_pubrun_ended(a->pub)) pub_release(a);
}

static void handle_start(pc_agent_t *a, pss_t *p, const cJSON *msg) {
    if (a->replay) {
        send_error(p, "start", "this agent is replaying %s: start and stop are not available in replay mode "
                               "(run 'perfcast agent' to start runs)", a->replay_file);
        return;
    }
    if (refuse_new_run(a, p, "start")) return;
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(msg, "suite");
    if (!cJSON_IsString(js)) {
        send_error(p, "start", "start needs \"suite\": a suite name (see \"list\")");
        return;
    }
    const pc_suite_t *s = pc_suite_find(js->valuestring);
    if (!s) {
        send_error(p, "start", "unknown suite \"%.64s\" (see \"list\")", js->valuestring);
        return;
    }
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(msg, "params");
    if (params && !cJSON_IsNull(params) && !cJSON_IsObject(params)) {
        send_error(p, "start", "\"params\" must be an object of name: value");
        return;
    }
    if (cJSON_IsNull(params)) params = NULL;
    for (size_t i = 0; i < s->n_params; i++) {
        if (s->params[i].host_path && cJSON_GetObjectItemCaseSensitive(params, s->params[i].name)) {
            send_error(p, "start", "parameter %s names a file on the agent's host: clients of the agent may not "
                       "set it (use perfcast run --set %s=FILE on the host)", s->params[i].name, s->params[i].name);
            return;
        }
    }
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(params, "quick");
    if (!q) q = cJSON_GetObjectItemCaseSensitive(msg, "quick");
    if (q && !cJSON_IsBool(q) && !cJSON_IsNumber(q)) {
        send_error(p, "start", "\"quick\" must be true or false");
        return;
    }
    int quick = q && (cJSON_IsTrue(q) || (cJSON_IsNumber(q) && q->valuedouble != 0));
    pc_errbuf_t err = {{0}};
    cJSON *validated = pc_suite_params(s, params, quick, &err);
    if (!validated) {
        send_error(p, "start", "%s", err.msg[0] ? err.msg : "invalid parameters");
        return;
    }
    pc_runlog_t *log = pc_runlog_create(NULL, s->name);
    if (!log) {
        cJSON_Delete(validated);
        send_error(p, "start", "out of memory");
        return;
    }
    pc_runlog_set_notify(log, pc_agent_notify, a);
    pc_run_opts_t opts = {.path = NULL, .dir = a->record_dir, .log = log};
    pc_run_t *run = NULL;
    int r = pc_run_start(s, validated, quick, &opts, &run, &err);
    if (r) {
        cJSON_Delete(validated); /* the run takes params on success only */
        pc_runlog_unref(log);
        send_error(p, "start", "cannot start %s: %s", s->name, err.msg[0] ? err.msg : pc_strerror(r));
        return;
    }
    pc_runlog_set_id(log, pc_run_id(run));
    cJSON *info = cJSON_CreateObject();
    cJSON_AddItemToObject(info, "params", cJSON_Duplicate(pc_run_params(run), 1));
    cJSON_AddBoolToObject(info, "quick", quick);
    cJSON_AddStringToObject(info, "file", pc_run_path_of(run));
    pc_runlog_set_info(log, info);
    cJSON_Delete(info);

    a->run = run;
    a->run_log = log; /* the creation reference moves to the run slot */
    a->run_stop_sent = 0;
    atomic_store(&a->run_done, 0);
    if (pthread_create(&a->waiter, NULL, waiter_main, a) != 0) {
        /* Cannot wait off-thread: stop it and wait here, rare enough to accept the stall. */
        pc_run_request_stop(run);
        pc_run_join(run);
        const char *m = NULL;
        const char *st = pc_run_status(run, &m);
        pc_runlog_finish(log, st, m, pc_run_summary(run));
        pc_run_destroy(run);
        a->run = NULL;
        a->run_log = NULL;
        set_current(a, log);
        pc_runlog_unref(log);
        send_error(p, "start", "cannot start the run's waiter thread");
        return;
    }
    set_current(a, log);
}

static void handle_stop(pc_agent_t *a, pss_t *p, const cJSON *msg) {
    if (a->replay) {
        send_error(p, "stop", "this agent is replaying %s: start and stop are not available in replay mode",
                   a->replay_file);
        return;
    }
    if (a->pub && pc_pubrun_log(a->pub)) {
        const cJSON *pid = cJSON_GetObjectItemCaseSensitive(msg, "run_id");
        if (pid && !cJSON_IsNull(pid) &&
            (!cJSON_IsString(pid) || strcmp(pid->valuestring, pc_pubrun_id(a->pub)) != 0)) {
            send_error(p, "stop", "run %.96s is not in progress (the running run is %s)",
                       cJSON_IsString(pid) ? pid->valuestring : "?", pc_pubrun_id(a->pub));
            return;
        }
        pub_stop(a, "stopped by a viewer (the publishing program keeps running; its own file is unaffected)");
        return;
    }
    if (!a->run) {
        send_error(p, "stop", "no run is in progress");
        return;
    }
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(msg, "run_id");
    if (id && !cJSON_IsNull(id) && (!cJSON_IsString(id) || strcmp(id->valuestring, pc_run_id(a->run)) != 0)) {
        send_error(p, "stop", "run %.96s is not in progress (the running run is %s)",
                   cJSON_IsString(id) ? id->valuestring : "?", pc_run_id(a->run));
        return;
    }
    pc_run_request_stop(a->run); /* the run ends "stopped"; run_finished tells everyone */
}

static void handle_list(pc_agent_t *a, pss_t *p) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "suites");
    cJSON *suites = pc_suites_json();
    cJSON_AddItemToObject(o, "suites", suites ? suites : cJSON_CreateArray());
    ctl_push_json(p, o);
    cJSON_Delete(o);
}

/* One complete incoming message. Every bad request gets an error; the connection stays. */
static void handle_message(pc_agent_t *a, pss_t *p) {
    if (p->pub && p->rx_binary) { /* a publisher's records: no rate limit (the run log is bounded) */
        if (p->pub == 1) handle_published(a, p);
        return; /* 2: sent before it learnt that its run ended */
    }
    double t = now_s();
    p->tokens += (t - p->last_refill) * PC_AGENT_RATE_PER_S;
    if (p->tokens > PC_AGENT_RATE_BURST) p->tokens = PC_AGENT_RATE_BURST;
    p->last_refill = t;
    if (p->tokens < 1.0) {
        send_error(p, NULL, "rate limit: at most %.0f messages per second", PC_AGENT_RATE_PER_S);
        return;
    }
    p->tokens -= 1.0;
    if (p->rx_too_big) {
        send_error(p, NULL, "message too large: the limit is %d bytes", PC_AGENT_MAX_MESSAGE);
        return;
    }
    if (p->rx_binary) {
        send_error(p, NULL, "binary messages are not accepted: send JSON text");
        return;
    }
    cJSON *msg = cJSON_ParseWithLength(p->rx ? p->rx : "", p->rx_len);
    if (!msg || !cJSON_IsObject(msg)) {
        send_error(p, NULL, "malformed message: expected a JSON object");
        cJSON_Delete(msg);
        return;
    }
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(msg, "type");
    if (!cJSON_IsString(type)) {
        send_error(p, NULL, "message has no \"type\"");
    } else if (!strcmp(type->valuestring, "list")) {
        handle_list(a, p);
    } else if (!strcmp(type->valuestring, "start")) {
        handle_start(a, p, msg);
    } else if (!strcmp(type->valuestring, "stop")) {
        handle_stop(a, p, msg);
    } else if (!strcmp(type->valuestring, "publish")) {
        handle_publish(a, p, msg);
    } else {
        send_error(p, NULL, "unknown message type \"%.64s\" (expected list, start, stop or publish)",
                   type->valuestring);
    }
    cJSON_Delete(msg);
}

/* ------------------------------------------------------------- broadcasting --------- */

/* Moves a client that finished its run on to the current one. */
static void maybe_switch(pc_agent_t *a, pss_t *p) {
    if (p->pub) { /* a publisher watches no runs: it only finishes a message already begun */
        if (p->log && !p->in_msg) {
            pc_runlog_unref(p->log);
            p->log = NULL;
        }
        return;
    }
    if (p->log == a->current) return;
    if (p->log && !p->finished_sent) return; /* finish streaming the old run first */
    pc_runlog_unref(p->log);
    p->log = a->current;
    if (p->log) pc_runlog_ref(p->log);
    p->cursor = p->msg_end = 0;
    p->in_msg = p->announced = p->finished_sent = 0;
}

static int write_text(struct lws *wsi, unsigned char *buf, size_t len) {
    return lws_write(wsi, buf + LWS_PRE, len, LWS_WRITE_TEXT) < (int)len ? -1 : 0;
}

static int write_json(pc_agent_t *a, pss_t *p, cJSON *o) {
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!s) return -1;
    size_t n = strlen(s);
    unsigned char *b = n <= PC_AGENT_CHUNK ? a->txbuf : malloc(LWS_PRE + n);
    int r = -1;
    if (b) {
        memcpy(b + LWS_PRE, s, n);
        r = write_text(p->wsi, b, n);
        if (b != a->txbuf) free(b);
    }
    cJSON_free(s);
    return r;
}

/* Writes the next frame of the binary message [cursor, msg_end). */
static int write_records(pc_agent_t *a, pss_t *p) {
    size_t n = p->msg_end - p->cursor;
    if (n > PC_AGENT_CHUNK) n = PC_AGENT_CHUNK;
    if (pc_runlog_copy(p->log, p->cursor, a->txbuf + LWS_PRE, n) != n) return -1;
    int start = !p->in_msg, end = p->cursor + n == p->msg_end;
    int flags = lws_write_ws_flags(LWS_WRITE_BINARY, start, end);
    if (lws_write(p->wsi, a->txbuf + LWS_PRE, n, (enum lws_write_protocol)flags) < (int)n) return -1;
    p->cursor += n;
    p->in_msg = !end;
    return 0;
}

static cJSON *run_started_json(pss_t *p) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "run_started");
    cJSON_AddStringToObject(o, "run_id", pc_runlog_id(p->log));
    cJSON_AddStringToObject(o, "suite", pc_runlog_suite(p->log));
    cJSON *info = pc_runlog_info(p->log);
    cJSON *params = info ? cJSON_DetachItemFromObjectCaseSensitive(info, "params") : NULL;
    cJSON_AddItemToObject(o, "params", params ? params : cJSON_CreateObject());
    if (info) { /* the rest (file, quick, replay) as is */
        cJSON *it = info->child;
        while (it) {
            cJSON *next = it->next;
            cJSON_AddItemToObject(o, it->string, cJSON_DetachItemViaPointer(info, it));
            it = next;
        }
        cJSON_Delete(info);
    }
    return o;
}

static cJSON *run_finished_json(pss_t *p) {
    char status[16], message[256];
    char *summary = NULL;
    pc_runlog_finished(p->log, status, sizeof status, &summary, message, sizeof message);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", "run_finished");
    cJSON_AddStringToObject(o, "run_id", pc_runlog_id(p->log));
    cJSON_AddStringToObject(o, "suite", pc_runlog_suite(p->log));
    cJSON_AddStringToObject(o, "status", status);
    if (message[0]) cJSON_AddStringToObject(o, "message", message);
    cJSON *sum = summary ? cJSON_Parse(summary) : NULL;
    free(summary);
    cJSON_AddItemToObject(o, "summary", sum ? sum : cJSON_CreateNull());
    cJSON_AddNumberToObject(o, "bytes", (double)pc_runlog_size(p->log));
    if (pc_runlog_truncated(p->log)) cJSON_AddBoolToObject(o, "truncated", 1);
    cJSON *info = pc_runlog_info(p->log);
    const cJSON *file = cJSON_GetObjectItemCaseSensitive(info, "file");
    if (cJSON_IsString(file)) cJSON_AddStringToObject(o, "file", file->valuestring);
    cJSON_Delete(info);
    return o;
}

/* One frame per writable callback. Returns -1 to close the connection. */
static int on_writable(pc_agent_t *a, pss_t *p) {
    if (p->overflowed) return -1;
    if (p->close_after_ctl && !p->ctl_n && !p->in_msg) {
        lws_close_reason(p->wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, (unsigned char *)"refused", 7);
        return -1;
    }
    int wrote = 1;
    if (p->in_msg) {
        if (write_records(a, p)) return -1;
    } else if (p->ctl_n) {
        unsigned i = p->ctl_head;
        int r = write_text(p->wsi, p->ctl[i], p->ctl_len[i]);
        free(p->ctl[i]);
        p->ctl[i] = NULL;
        p->ctl_head = (p->ctl_head + 1) % PC_AGENT_CTL_QUEUE;
        p->ctl_n--;
        if (r) return -1;
        if (p->rx_paused && p->ctl_n <= PC_AGENT_CTL_QUEUE / 4) {
            p->rx_paused = 0;
            lws_rx_flow_control(p->wsi, 1);
        }
    } else {
        maybe_switch(a, p);
        if (!p->log) {
            wrote = 0;
        } else if (!p->announced) {
            if (write_json(a, p, run_started_json(p))) return -1;
            p->announced = 1;
        } else {
            /* finished is read before the size: all appends precede finish, so when it is
             * set, the size read after it is final and run_finished follows every record. */
            int fin = pc_runlog_finished(p->log, NULL, 0, NULL, NULL, 0);
            size_t span = pc_runlog_span(p->log, p->cursor, PC_AGENT_CHUNK);
            if (span) {
                p->msg_end = p->cursor + span;
                if (write_records(a, p)) return -1;
            } else if (fin && !p->finished_sent) {
                if (write_json(a, p, run_finished_json(p))) return -1;
                p->finished_sent = 1;
            } else {
                wrote = 0; /* up to date: the next append or run wakes us */
            }
        }
    }
    if (wrote) lws_callback_on_writable(p->wsi);
    return 0;
}

static int client_idle(const pss_t *p) {
    return !p->ctl_n && !p->in_msg && (!p->log || p->finished_sent) && !lws_partial_buffered(p->wsi);
}

/* ------------------------------------------------------------------ callbacks ------- */

/* Answers a refused upgrade with a complete HTTP/1.1 response. Written by hand because
 * lws_return_http_status() answers an upgrade request as HTTP/1.0, which clients reject. */
static void refuse_upgrade(pc_agent_t *a, struct lws *wsi, int status, const char *why) {
    static unsigned char buf[LWS_PRE + 4096];
    char *p = (char *)buf + LWS_PRE, *end = (char *)buf + sizeof buf;
    const char *reason = status == 401 ? "Unauthorized" : status == 403 ? "Forbidden"
                         : status == 503 ? "Service Unavailable" : "Bad Request";
    int n = snprintf(p, (size_t)(end - p), "HTTP/1.1 %d %s\r\n", status, reason);
    for (const struct lws_protocol_vhost_options *h = &a->headers[0]; h && n < end - p; h = h->next)
        n += snprintf(p + n, (size_t)(end - p - n), "%s %s\r\n", h->name, h->value);
    if (n < end - p)
        n += snprintf(p + n, (size_t)(end - p - n),
                      "%scontent-type: text/plain; charset=utf-8\r\ncontent-length: %zu\r\n"
                      "connection: close\r\n\r\n%s\n",
                      status == 401 ? "www-authenticate: Bearer realm=\"perfcast\"\r\n" : "", strlen(why) + 1, why);
    if (n > 0 && n < end - p) lws_write(wsi, (unsigned char *)p, (size_t)n, LWS_WRITE_HTTP_HEADERS);
}

static int cb_http(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    if (reason == LWS_CALLBACK_EVENT_WAIT_CANCELLED) {
        /* New records: keep the REST model current (bounded work; more wakes us again). */
        struct lws_context *ctx = lws_get_context(wsi);
        pc_agent_t *a = ctx ? lws_context_user(ctx) : NULL;
        if (a && a->rest && pc_rest_sync(a->rest, a->current)) lws_cancel_service(a->ctx);
        return 0;
    }
    if (reason == LWS_CALLBACK_HTTP) {
        pc_agent_t *a = lws_context_user(lws_get_context(wsi));
        char *uri = NULL;
        int uri_len = 0;
        if (lws_http_get_uri_and_method(wsi, &uri, &uri_len) < 0) uri = NULL;
        char path[16];
        int n = uri && uri_len > 0 ? (uri_len < (int)sizeof path ? uri_len : (int)sizeof path - 1) : 0;
        if (n) memcpy(path, uri, (size_t)n);
        path[n] = '\0';
        if (a->rest && (pc_rest_owns(path) || !strncmp(path, "/api/", 5))) {
            pc_rest_sync(a->rest, a->current);
            return pc_rest_serve(a->rest, wsi, a->token);
        }
    }
    if (reason == LWS_CALLBACK_HTTP_CONFIRM_UPGRADE) {
        pc_agent_t *a = lws_context_user(lws_get_context(wsi));
        if (!in || strcasecmp((const char *)in, "websocket") != 0) return -1; /* no h2c */
        const char *why = "";
        int status = pc_agent_check_upgrade(wsi, a->token, a->n_clients, &why);
        if (!status) return 0;
        refuse_upgrade(a, wsi, status, why);
        return -1; /* answered: now hang up */
    }
    return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static int cb_ws(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    struct lws_context *ctx = lws_get_context(wsi);
    pc_agent_t *a = ctx ? lws_context_user(ctx) : NULL;
    pss_t *p = user;
    switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
        memset(p, 0, sizeof *p);
        p->wsi = wsi;
        p->tokens = PC_AGENT_RATE_BURST;
        p->last_refill = now_s();
        p->next = a->clients;
        a->clients = p;
        a->n_clients++;
        send_hello(a, p);
        maybe_switch(a, p);
        if (a->on_client) a->on_client(a->ud);
        lws_callback_on_writable(wsi);
        break;

    case LWS_CALLBACK_CLOSED:
        if (p == a->publisher) {
            pc_pubrun_end(a->pub, "incomplete", "the publishing program disconnected before its end record");
            pub_release(a);
        }
        for (pss_t **pp = &a->clients; *pp; pp = &(*pp)->next)
            if (*pp == p) {
                *pp = p->next;
                a->n_clients--;
                break;
            }
        for (unsigned i = 0; i < p->ctl_n; i++) free(p->ctl[(p->ctl_head + i) % PC_AGENT_CTL_QUEUE]);
        p->ctl_n = 0;
        pc_runlog_unref(p->log);
        p->log = NULL;
        free(p->rx);
        p->rx = NULL;
        break;

    case LWS_CALLBACK_RECEIVE:
        if (!p->rx_active) {
            p->rx_active = 1;
            p->rx_len = 0;
            p->rx_too_big = 0;
            p->rx_binary = lws_frame_is_binary(wsi);
        }
        if (!p->rx_too_big && len) {
            size_t cap = p->pub ? PC_AGENT_MAX_PUBLISH_MESSAGE : PC_AGENT_MAX_MESSAGE; /* handle_publish grew rx */
            if (p->rx_len + len > cap) {
                p->rx_too_big = 1; /* keep reading to the end of the message, then reply */
            } else {
                if (!p->rx && !(p->rx = malloc(cap))) return -1;
                memcpy(p->rx + p->rx_len, in, len);
                p->rx_len += len;
            }
        }
        if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
            p->rx_active = 0;
            handle_message(a, p);
        }
        break;

    case LWS_CALLBACK_SERVER_WRITEABLE:
        return on_writable(a, p);

    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        /* Something was appended or finished: let every client pick it up. */
        if (a && a->ctx) lws_callback_on_writable_all_protocol(a->ctx, &a->protocols[1]);
        break;

    default:
        break;
    }
    return 0;
}

/* Keeps the loop turning while shutting down (lws_service otherwise sleeps until an event). */
static void on_tick(lws_sorted_usec_list_t *sul) {
    pc_agent_t *a = lws_container_of(sul, pc_agent_t, tick);
    lws_sul_schedule(a->ctx, 0, &a->tick, on_tick, TICK_US);
}

/* ------------------------------------------------------------------ lifetime -------- */

/* Binds (and closes) a socket on host:port first, so a busy port is reported with its real
 * reason: lws only logs the failure, and errno is gone by the time it returns. */
static int probe_bind(const char *host, int port, pc_errbuf_t *err) {
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    int family;
    if (strchr(host, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        family = a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1) return pc_errf(err, PC_EINVAL, "bad address %s", host);
        len = sizeof *a6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        family = a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &a4->sin_addr) != 1) return pc_errf(err, PC_EINVAL, "bad address %s", host);
        len = sizeof *a4;
    }
    int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return pc_errf(err, PC_EIO, "cannot create a socket: %s", strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one); /* as lws does */
    int r = bind(fd, (struct sockaddr *)&ss, len);
    int e = errno;
    close(fd);
    if (r != 0) return pc_errf(err, PC_EIO, "cannot listen on %s:%d: %s", host, port, strerror(e));
    return 0;
}

pc_agent_t *pc_agent_create(const pc_agent_config_t *cfg, pc_errbuf_t *err) {
    if (cfg->port && probe_bind(cfg->host ? cfg->host : PC_AGENT_DEFAULT_HOST, cfg->port, err)) return NULL;
    pc_agent_t *a = calloc(1, sizeof *a);
    if (!a || !(a->txbuf = malloc(LWS_PRE + PC_AGENT_CHUNK))) {
        if (a) free(a);
        pc_errf(err, PC_ENOMEM, "out of memory");
        return NULL;
    }
    snprintf(a->host, sizeof a->host, "%s", cfg->host ? cfg->host : PC_AGENT_DEFAULT_HOST);
    snprintf(a->token, sizeof a->token, "%s", cfg->token ? cfg->token : "");
    snprintf(a->record_dir, sizeof a->record_dir, "%s", cfg->record_dir ? cfg->record_dir : ".");
    snprintf(a->replay_file, sizeof a->replay_file, "%s", cfg->replay_file ? cfg->replay_file : "a file");
    a->has_www = cfg->www_dir && cfg->www_dir[0];
    if (a->has_www) snprintf(a->www_dir, sizeof a->www_dir, "%s", cfg->www_dir);
    a->replay = cfg->replay_log != NULL;
    a->on_client = cfg->on_client;
    a->ud = cfg->ud;

    if (!(a->rest = pc_rest_create(cfg->baseline_file, err))) {
        free(a->txbuf);
        free(a);
        return NULL;
    }

    cJSON *sys = pc_sysinfo_collect();
    a->system_json = sys ? cJSON_PrintUnformatted(sys) : NULL;
    cJSON_Delete(sys);

    a->protocols[0] = (struct lws_protocols){"http", cb_http, 0, 0, 0, NULL, 0};
    a->protocols[1] = (struct lws_protocols){PC_AGENT_PROTOCOL, cb_ws, sizeof(pss_t), 4096, 0, NULL,
                                             LWS_PRE + PC_AGENT_CHUNK};
    a->protocols[2] = (struct lws_protocols){NULL, NULL, 0, 0, 0, NULL, 0};

    /* lws 4.1's MIME table has no .wasm; browsers need application/wasm to stream-compile. */
    a->mime_wasm = (struct lws_protocol_vhost_options){NULL, NULL, ".wasm", "application/wasm"};
    /* The REST API: callback mounts ahead of the static files (lws picks the longest match). */
    a->api_mount.mountpoint = "/api";
    a->api_mount.mountpoint_len = 4;
    a->api_mount.origin = "http";
    a->api_mount.origin_protocol = LWSMPRO_CALLBACK;
    a->api_mount.mount_next = &a->prom_mount;
    a->prom_mount.mountpoint = "/metrics";
    a->prom_mount.mountpoint_len = 8;
    a->prom_mount.origin = "http";
    a->prom_mount.origin_protocol = LWSMPRO_CALLBACK;
    a->prom_mount.mount_next = a->has_www ? &a->mount : NULL;
    a->mount.mountpoint = "/";
    a->mount.mountpoint_len = 1;
    a->mount.origin = a->www_dir;
    a->mount.def = "index.html";
    a->mount.origin_protocol = LWSMPRO_FILE;
    a->mount.extra_mimetypes = &a->mime_wasm;

    /* Sent on every HTTP response. The page keeps all JS in files, so no 'unsafe-inline';
     * 'wasm-unsafe-eval' allows compiling the viewer's WebAssembly and nothing else. */
    static const char *const hdrs[][2] = {
        {"content-security-policy:",
         "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; "
         "font-src 'self'; connect-src 'self'; worker-src 'self'; base-uri 'none'; form-action 'none'; "
         "frame-ancestors 'none'"},
        {"x-content-type-options:", "nosniff"},
        {"x-frame-options:", "DENY"},
        {"referrer-policy:", "no-referrer"},
        {"cross-origin-opener-policy:", "same-origin"},
        {"cross-origin-resource-policy:", "same-origin"},
    };
    for (size_t i = 0; i < sizeof hdrs / sizeof hdrs[0]; i++) {
        a->headers[i] = (struct lws_protocol_vhost_options){
            i + 1 < sizeof hdrs / sizeof hdrs[0] ? &a->headers[i + 1] : NULL, NULL, hdrs[i][0], hdrs[i][1]};
    }

    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_DISABLE_IPV6;
    if (strchr(a->host, ':')) info.options &= ~(uint64_t)LWS_SERVER_OPTION_DISABLE_IPV6;
    info.user = a;
    a->ctx = lws_create_context(&info);
    if (!a->ctx) {
        pc_errf(err, PC_EIO, "cannot create the libwebsockets context");
        pc_agent_destroy(a);
        return NULL;
    }
    memset(&info, 0, sizeof info);
    info.options = strchr(a->host, ':') ? 0 : LWS_SERVER_OPTION_DISABLE_IPV6;
    info.vhost_name = "perfcast";
    info.iface = a->host;
    info.port = cfg->port;
    info.protocols = a->protocols;
    info.mounts = &a->api_mount;
    info.headers = &a->headers[0];
    info.user = a;
    info.keepalive_timeout = 5;
    info.timeout_secs = 20;
    a->vh = lws_create_vhost(a->ctx, &info);
    if (!a->vh) {
        pc_errf(err, PC_EIO, "cannot listen on %s:%d", a->host, cfg->port);
        pc_agent_destroy(a);
        return NULL;
    }
    a->port = lws_get_vhost_listen_port(a->vh);
    if (cfg->replay_log) {
        pc_runlog_set_notify(cfg->replay_log, pc_agent_notify, a);
        pc_runlog_ref(cfg->replay_log);
        a->current = cfg->replay_log;
    }
    return a;
}

int pc_agent_port(const pc_agent_t *a) { return a->port; }

void pc_agent_request_stop(pc_agent_t *a) {
    atomic_store(&a->stop_requested, 1);
    pc_agent_wake(a);
}

int pc_agent_run(pc_agent_t *a) {
    int ticking = 0;
    for (;;) {
        if (lws_service(a->ctx, 0) < 0) return PC_EIO;
        reap_run(a);
        if (!atomic_load(&a->stop_requested)) continue;
        if (a->pub) pub_stop(a, "the agent shut down");
        if (!ticking) {
            ticking = 1;
            lws_sul_schedule(a->ctx, 0, &a->tick, on_tick, TICK_US);
        }
        if (a->run) {
            if (!a->run_stop_sent) pc_run_request_stop(a->run);
            a->run_stop_sent = 1;
            continue;
        }
        double t = now_s();
        if (a->drain_deadline == 0) a->drain_deadline = t + DRAIN_GRACE_S;
        int idle = 1;
        for (pss_t *p = a->clients; p; p = p->next)
            if (!client_idle(p) || p->log != a->current) idle = 0;
        if (idle || t > a->drain_deadline) break;
    }
    lws_sul_cancel(&a->tick);
    return 0;
}

void pc_agent_destroy(pc_agent_t *a) {
    if (!a) return;
    if (a->pub) {
        pc_pubrun_end(a->pub, "stopped", "the agent shut down");
        pub_release(a);
    }
    if (a->run) {
        /* the waiter sets run_done when the run has ended; reap_run joins it */
        pc_run_request_stop(a->run);
        while (!atomic_load(&a->run_done)) usleep(1000);
        reap_run(a);
    }
    if (a->current) pc_runlog_set_notify(a->current, NULL, NULL);
    if (a->ctx) lws_context_destroy(a->ctx); /* closes clients: LWS_CALLBACK_CLOSED frees them */
    a->ctx = NULL;
    pc_runlog_unref(a->current);
    pc_rest_destroy(a->rest);
    if (a->system_json) cJSON_free(a->system_json);
    free(a->txbuf);
    free(a);
}
