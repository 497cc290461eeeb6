/* tracker_stream.c — see tracker_stream.h.
 *
 * Two threads touch a stream. The tracker's flusher (emit) appends framed records to `buf`
 * under `mu` and, when the buffer was empty, wakes the network thread with
 * lws_cancel_service(). The network thread owns the lws context and every lws call: on
 * LWS_CALLBACK_CLIENT_WRITEABLE it takes whole records (up to PC_TSTREAM_CHUNK) out of
 * `buf` into its own send buffer under `mu` and writes them outside it, one message per
 * callback. `ctx` is published under `mu` while it exists, so a wake-up never touches a
 * destroyed context. The network thread blocks every signal (they belong to the program). */
#include "tracker_stream.h"

#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "agent.h" /* PC_AGENT_PROTOCOL, PC_AGENT_DEFAULT_PORT, PC_AGENT_MAX_PUBLISH_MESSAGE */
#include "cJSON.h"
#include "record.h"
#include "tracker.h"

#define RX_MAX (64 * 1024) /* longest text message from the agent we read (hello, error, stop) */

struct pc_tstream {
    pthread_mutex_t mu;
    pthread_cond_t cv; /* thread_done */
    /* under mu */
    pc_tracker_stream_state_t state;
    uint8_t *buf; /* whole framed records not yet handed to lws: [head, tail) */
    size_t cap, head, tail, limit;
    uint64_t queued; /* records in [head, tail) */
    uint64_t sent, dropped, bytes_sent;
    char reason[256];
    struct lws_context *ctx; /* set while the network thread has one */
    int closing;             /* pc_tstream_finish: send the rest, then close */
    int thread_done;
    /* from any thread */
    atomic_int close_now;  /* dropped or stopped: close the connection at the next chance */
    atomic_int abort_loop; /* finish gave up waiting: leave the event loop now */
    /* fixed after start */
    char url[256], address[256], host_hdr[300], path[1024], token[512], hello[512];
    int port;
    pthread_t thread;
    int thread_started;
    /* network thread only */
    struct lws *wsi;
    int established, hello_sent, net_done;
    unsigned char *tx; /* LWS_PRE + PC_AGENT_MAX_PUBLISH_MESSAGE */
    char *rx;
    size_t rx_len;
    int rx_active, rx_skip, rx_binary;
};

/* The current session's stream (for pc_tracker_stream_status) and the last one's final status. */
static pthread_mutex_t g_status_mu = PTHREAD_MUTEX_INITIALIZER;
static pc_tstream_t *g_live;
static pc_tracker_stream_status_t g_last;

static double mono_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int active(const pc_tstream_t *s) {
    return s->state == PC_TRACKER_STREAM_CONNECTING || s->state == PC_TRACKER_STREAM_LIVE;
}

/* Ends the stream for good (first reason wins; under mu): what is queued counts as dropped and
 * its memory is released, and the network thread is told to close the connection. */
static void end_locked(pc_tstream_t *s, pc_tracker_stream_state_t state, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void end_locked(pc_tstream_t *s, pc_tracker_stream_state_t state, const char *fmt, ...) {
    if (!active(s)) return;
    s->state = state;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->reason, sizeof s->reason, fmt, ap);
        va_end(ap);
    }
    if (state != PC_TRACKER_STREAM_DONE) {
        s->dropped += s->queued;
        s->queued = 0;
        free(s->buf);
        s->buf = NULL;
        s->cap = s->head = s->tail = 0;
        atomic_store(&s->close_now, 1);
    }
    if (s->ctx) lws_cancel_service(s->ctx);
}

/* Makes room for n more bytes within the bound (under mu): 1, or 0 when the bound is hit. */
static int reserve(pc_tstream_t *s, size_t n) {
    size_t used = s->tail - s->head;
    if (n > s->limit || used > s->limit - n) return 0;
    if (s->tail + n <= s->cap) return 1;
    if (s->head) { /* slide the unsent records to the front */
        memmove(s->buf, s->buf + s->head, used);
        s->head = 0;
        s->tail = used;
        if (s->tail + n <= s->cap) return 1;
    }
    size_t ncap = s->cap ? s->cap : 64 * 1024;
    while (ncap < used + n) ncap *= 2;
    if (ncap > s->limit) ncap = s->limit;
    uint8_t *nb = realloc(s->buf, ncap);
    if (!nb) return 0;
    s->buf = nb;
    s->cap = ncap;
    return 1;
}

void pc_tstream_record(pc_tstream_t *s, const uint8_t head[8], const void *payload, size_t len, uint32_t crc) {
    if (!s) return;
    size_t n = pc_record_size(len);
    pthread_mutex_lock(&s->mu);
    if (!active(s)) {
        s->dropped++;
    } else if (n > PC_AGENT_MAX_PUBLISH_MESSAGE) {
        s->dropped++;
        end_locked(s, PC_TRACKER_STREAM_DROPPED, "a %zu-byte record is larger than the agent's %d-byte message limit",
                   n, PC_AGENT_MAX_PUBLISH_MESSAGE);
    } else if (!reserve(s, n)) {
        s->dropped++;
        end_locked(s, PC_TRACKER_STREAM_DROPPED, "more than %zu bytes of records were waiting for the agent (%s)",
                   s->limit,
                   s->state == PC_TRACKER_STREAM_LIVE ? "it did not keep up" : "it never accepted the stream");
    } else {
        int was_empty = s->head == s->tail;
        uint8_t *p = s->buf + s->tail;
        memcpy(p, head, 8);
        memcpy(p + 8, payload, len);
        memcpy(p + 8 + len, &crc, 4); /* little-endian hosts only, as the file */
        s->tail += n;
        s->queued++;
        /* One wake-up per batch: while records wait, the network thread keeps asking for
         * writable callbacks on its own. */
        if (was_empty && s->state == PC_TRACKER_STREAM_LIVE && s->ctx) lws_cancel_service(s->ctx);
    }
    pthread_mutex_unlock(&s->mu);
}

/* ------------------------------------------------------------------ network thread ---- */

/* Moves the next whole records (up to PC_TSTREAM_CHUNK, or one larger record) into out. */
static size_t take_records(pc_tstream_t *s, uint8_t *out, uint64_t *n_rec) {
    size_t off = s->head, n = 0;
    uint64_t k = 0;
    while (off < s->tail) {
        size_t r = pc_record_peek_size(s->buf + off, s->tail - off);
        if (!r || (n && n + r > PC_TSTREAM_CHUNK)) break;
        n += r;
        off += r;
        k++;
    }
    if (n) memcpy(out, s->buf + s->head, n);
    s->head += n;
    s->queued -= k;
    if (s->head == s->tail) s->head = s->tail = 0;
    *n_rec = k;
    return n;
}

/* One text message from the agent: the publish answer, an error, or a stop. */
static void on_agent_message(pc_tstream_t *s, struct lws *wsi, const char *text, size_t len) {
    cJSON *o = cJSON_ParseWithLength(text, len);
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(o, "type");
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(o, "message");
    const char *m = cJSON_IsString(msg) ? msg->valuestring : "(no message)";
    if (cJSON_IsString(type)) {
        pthread_mutex_lock(&s->mu);
        if (!strcmp(type->valuestring, "publishing")) {
            if (s->state == PC_TRACKER_STREAM_CONNECTING) s->state = PC_TRACKER_STREAM_LIVE;
            lws_callback_on_writable(wsi);
        } else if (!strcmp(type->valuestring, "error")) {
            end_locked(s, PC_TRACKER_STREAM_DROPPED, "the agent %s: %.200s",
                       s->state == PC_TRACKER_STREAM_LIVE ? "reported an error" : "refused the stream", m);
        } else if (!strcmp(type->valuestring, "stop")) {
            end_locked(s, PC_TRACKER_STREAM_STOPPED, "a viewer stopped the published run on the agent");
        }
        pthread_mutex_unlock(&s->mu);
        if (atomic_load(&s->close_now)) lws_callback_on_writable(wsi);
    }
    cJSON_Delete(o);
}

static int write_text(struct lws *wsi, unsigned char *buf, const char *text) {
    size_t n = strlen(text);
    memcpy(buf + LWS_PRE, text, n);
    return lws_write(wsi, buf + LWS_PRE, n, LWS_WRITE_TEXT) < (int)n ? -1 : 0;
}

/* One frame per callback: the publish message, then records; closes when told to or done. */
static int on_writable(pc_tstream_t *s, struct lws *wsi) {
    if (atomic_load(&s->close_now)) {
        lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, (unsigned char *)"stream ended", 12);
        return -1;
    }
    if (!s->hello_sent) {
        if (write_text(wsi, s->tx, s->hello)) return -1;
        s->hello_sent = 1;
        return 0; /* records wait for the agent's "publishing" */
    }
    uint64_t k = 0;
    size_t n = 0;
    int finished = 0;
    pthread_mutex_lock(&s->mu);
    if (s->state == PC_TRACKER_STREAM_LIVE) {
        n = take_records(s, s->tx + LWS_PRE, &k);
        if (!n && s->closing) { /* everything the tracker emitted went out: done */
            finished = 1;
            end_locked(s, PC_TRACKER_STREAM_DONE, NULL);
        }
    }
    pthread_mutex_unlock(&s->mu);
    if (finished) {
        lws_close_reason(wsi, LWS_CLOSE_STATUS_NORMAL, (unsigned char *)"done", 4);
        return -1; /* lws sends the close frame; the agent has read everything before it */
    }
    if (!n) return 0; /* nothing new: the next record (or finish) wakes us */
    if (lws_write(wsi, s->tx + LWS_PRE, n, LWS_WRITE_BINARY) < (int)n) return -1;
    pthread_mutex_lock(&s->mu);
    s->sent += k;
    s->bytes_sent += n;
    pthread_mutex_unlock(&s->mu);
    lws_callback_on_writable(wsi);
    return 0;
}

static int cb_client(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    struct lws_context *ctx = lws_get_context(wsi);
    pc_tstream_t *s = ctx ? lws_context_user(ctx) : NULL;
    if (!s) return 0;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER:
        if (s->token[0]) {
            unsigned char **p = (unsigned char **)in, *end = *p + len;
            char v[sizeof s->token + 8];
            int n = snprintf(v, sizeof v, "Bearer %s", s->token);
            if (lws_add_http_header_by_token(wsi, WSI_TOKEN_HTTP_AUTHORIZATION, (unsigned char *)v, n, p, end))
                return -1;
        }
        break;

    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
        char why[160];
        int status = lws_http_client_http_response(wsi);
        snprintf(why, sizeof why, "%.*s", in ? (int)(len < 120 ? len : 120) : 0, in ? (const char *)in : "");
        pthread_mutex_lock(&s->mu);
        if (status == 401)
            end_locked(s, PC_TRACKER_STREAM_DROPPED, "the agent at %s refused the token (HTTP 401)", s->url);
        else if (status >= 300)
            end_locked(s, PC_TRACKER_STREAM_DROPPED, "the agent at %s refused the connection (HTTP %d)", s->url,
                       status);
        else
            end_locked(s, PC_TRACKER_STREAM_DROPPED, "cannot connect to %s: %s", s->url,
                       why[0] ? why : "connection failed");
        pthread_mutex_unlock(&s->mu);
        s->wsi = NULL;
        s->net_done = 1;
        break;
    }

    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        s->wsi = wsi;
        s->established = 1;
        lws_callback_on_writable(wsi);
        break;

    case LWS_CALLBACK_CLIENT_RECEIVE:
        if (!s->rx_active) { /* a message may arrive in many callbacks (frames, rx buffer size) */
            s->rx_active = 1;
            s->rx_len = 0;
            s->rx_skip = 0;
            s->rx_binary = lws_frame_is_binary(wsi);
        }
        if (!s->rx_binary && !s->rx_skip) { /* binary (a run the agent streams to everyone) is ignored */
            if (s->rx_len + len > RX_MAX) s->rx_skip = 1;
            else {
                memcpy(s->rx + s->rx_len, in, len);
                s->rx_len += len;
            }
        }
        if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
            s->rx_active = 0;
            if (!s->rx_binary && !s->rx_skip) on_agent_message(s, wsi, s->rx, s->rx_len);
        }
        break;

    case LWS_CALLBACK_CLIENT_WRITEABLE:
        return on_writable(s, wsi);

    case LWS_CALLBACK_CLIENT_CLOSED:
        pthread_mutex_lock(&s->mu);
        end_locked(s, PC_TRACKER_STREAM_DROPPED, "the agent closed the connection");
        pthread_mutex_unlock(&s->mu);
        s->wsi = NULL;
        s->net_done = 1;
        break;

    case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
        /* records queued, finish asked, or the stream ended elsewhere: act on it when writable */
        if (s->wsi && s->established) lws_callback_on_writable(s->wsi);
        break;

    default:
        break;
    }
    return 0;
}

static const struct lws_protocols client_protocols[] = {
    {PC_AGENT_PROTOCOL, cb_client, 0, 4096, 0, NULL, 0},
    {NULL, NULL, 0, 0, 0, NULL, 0},
};

static void *net_main(void *arg) {
    pc_tstream_t *s = arg;
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = client_protocols;
    info.gid = -1;
    info.uid = -1;
    info.user = s;
    info.connect_timeout_secs = PC_TSTREAM_CONNECT_TIMEOUT_S;
    info.timeout_secs = PC_TSTREAM_CONNECT_TIMEOUT_S;
    /* lws ignores SIGPIPE process-wide when it creates a context: put the program's own
     * disposition back (lws sends with MSG_NOSIGNAL, and this thread blocks signals anyway). */
    struct sigaction old_pipe;
    sigaction(SIGPIPE, NULL, &old_pipe);
    struct lws_context *ctx = lws_create_context(&info);
    sigaction(SIGPIPE, &old_pipe, NULL);
    pthread_mutex_lock(&s->mu);
    s->ctx = ctx;
    if (!ctx) end_locked(s, PC_TRACKER_STREAM_DROPPED, "cannot create a libwebsockets context");
    pthread_mutex_unlock(&s->mu);
    if (ctx) {
        struct lws_client_connect_info ci;
        memset(&ci, 0, sizeof ci);
        ci.context = ctx;
        ci.address = s->address;
        ci.port = s->port;
        ci.path = s->path;
        ci.host = s->host_hdr;
        ci.protocol = PC_AGENT_PROTOCOL;
        ci.ietf_version_or_minus_one = -1;
        if (!lws_client_connect_via_info(&ci)) {
            pthread_mutex_lock(&s->mu);
            end_locked(s, PC_TRACKER_STREAM_DROPPED, "cannot connect to %s", s->url);
            pthread_mutex_unlock(&s->mu);
            s->net_done = 1;
        }
        while (!s->net_done && !atomic_load(&s->abort_loop)) {
            /* dropped before the handshake finished: nothing to close politely */
            if (atomic_load(&s->close_now) && !s->established) break;
            if (lws_service(ctx, 0) < 0) break;
        }
        pthread_mutex_lock(&s->mu);
        s->ctx = NULL;
        pthread_mutex_unlock(&s->mu);
        lws_context_destroy(ctx); /* may still call back (CLIENT_CLOSED): s stays valid */
    }
    pthread_mutex_lock(&s->mu);
    end_locked(s, PC_TRACKER_STREAM_DROPPED, "the connection to %s ended", s->url);
    s->thread_done = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* ------------------------------------------------------------------ lifetime ---------- */

/* Splits "ws://HOST[:PORT][/PATH][?QUERY]" (or http://); "[V6]" for IPv6. 0, or -1 with why. */
static int parse_url(pc_tstream_t *s, const char *url, const char **why) {
    const char *p;
    if (!strncasecmp(url, "ws://", 5)) p = url + 5;
    else if (!strncasecmp(url, "http://", 7)) p = url + 7;
    else if (!strncasecmp(url, "wss://", 6) || !strncasecmp(url, "https://", 8)) {
        *why = "the agent speaks plain ws:// (no TLS); use an SSH tunnel to reach a remote one";
        return -1;
    } else {
        *why = "expected ws://HOST:PORT/";
        return -1;
    }
    const char *end = p + strcspn(p, "/?#");
    const char *host = p, *host_end, *colon = NULL;
    if (*p == '[') {
        host = p + 1;
        host_end = memchr(p, ']', (size_t)(end - p));
        if (!host_end) {
            *why = "unterminated [IPv6] address";
            return -1;
        }
        if (host_end + 1 < end) colon = host_end[1] == ':' ? host_end + 1 : NULL;
        if (host_end + 1 < end && !colon) {
            *why = "bad address";
            return -1;
        }
    } else {
        colon = memchr(p, ':', (size_t)(end - p));
        host_end = colon ? colon : end;
    }
    size_t hn = (size_t)(host_end - host);
    if (!hn || hn >= sizeof s->address) {
        *why = "no host";
        return -1;
    }
    memcpy(s->address, host, hn);
    s->address[hn] = '\0';
    s->port = PC_AGENT_DEFAULT_PORT;
    if (colon) {
        char *e;
        long port = strtol(colon + 1, &e, 10);
        if (colon + 1 == end || e != end || port < 1 || port > 65535) {
            *why = "bad port";
            return -1;
        }
        s->port = (int)port;
    }
    const char *rest = end;
    size_t rn = strcspn(rest, "#");
    if (rn + 2 > sizeof s->path) {
        *why = "path too long";
        return -1;
    }
    snprintf(s->path, sizeof s->path, "%s%.*s", rest[0] == '/' ? "" : "/", (int)rn, rest);
    snprintf(s->host_hdr, sizeof s->host_hdr, *p == '[' ? "[%s]:%d" : "%s:%d", s->address, s->port);
    return 0;
}

/* The URL as shown in the status and reasons: the value of a ?token= is masked. */
static void mask_token(char *dst, size_t cap, const char *url) {
    const char *tk = strstr(url, "token=");
    if (!tk) {
        snprintf(dst, cap, "%s", url);
        return;
    }
    int pre = (int)(tk + 6 - url);
    snprintf(dst, cap, "%.*s***%s", pre, url, tk + 6 + strcspn(tk + 6, "&#"));
}

pc_tstream_t *pc_tstream_start(const char *url, const char *token, const char *suite, size_t buffer_bytes) {
    pc_tstream_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    pthread_mutex_init(&s->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    s->state = PC_TRACKER_STREAM_CONNECTING;
    s->limit = buffer_bytes ? buffer_bytes : PC_TSTREAM_DEFAULT_BUFFER;
    mask_token(s->url, sizeof s->url, url ? url : "");
    snprintf(s->token, sizeof s->token, "%s", token ? token : "");

    cJSON *h = cJSON_CreateObject();
    char prog[64] = "";
    FILE *f = fopen("/proc/self/comm", "r");
    if (f) {
        if (fgets(prog, sizeof prog, f)) prog[strcspn(prog, "\n")] = '\0';
        fclose(f);
    }
    cJSON_AddStringToObject(h, "type", "publish");
    cJSON_AddStringToObject(h, "suite", suite && suite[0] ? suite : "tracker");
    cJSON_AddStringToObject(h, "program", prog);
    cJSON_AddNumberToObject(h, "pid", (double)getpid());
    cJSON *fmt = cJSON_AddObjectToObject(h, "format");
    cJSON_AddNumberToObject(fmt, "major", PC_FORMAT_MAJOR);
    cJSON_AddNumberToObject(fmt, "minor", PC_FORMAT_MINOR);
    char *hs = cJSON_PrintUnformatted(h);
    cJSON_Delete(h);
    snprintf(s->hello, sizeof s->hello, "%s", hs ? hs : "{\"type\":\"publish\"}");
    cJSON_free(hs);

    const char *why = NULL;
    if (!url || parse_url(s, url, &why)) {
        end_locked(s, PC_TRACKER_STREAM_DROPPED, "bad agent URL \"%.120s\": %s", url ? url : "", why ? why : "none");
    } else if (!(s->tx = malloc(LWS_PRE + PC_AGENT_MAX_PUBLISH_MESSAGE)) || !(s->rx = malloc(RX_MAX))) {
        end_locked(s, PC_TRACKER_STREAM_DROPPED, "out of memory");
    } else {
        lws_set_log_level(0, NULL); /* a library does not print (see tracker.h) */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_BLOCK, &all, &old); /* the new thread inherits the mask */
        if (pthread_create(&s->thread, NULL, net_main, s) == 0) s->thread_started = 1;
        else end_locked(s, PC_TRACKER_STREAM_DROPPED, "cannot start the publisher thread");
        pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    pthread_mutex_lock(&g_status_mu);
    g_live = s;
    pthread_mutex_unlock(&g_status_mu);
    return s;
}

static void status_locked(const pc_tstream_t *s, pc_tracker_stream_status_t *out) {
    memset(out, 0, sizeof *out);
    out->state = s->state;
    out->records_sent = s->sent;
    out->records_dropped = s->dropped;
    out->bytes_sent = s->bytes_sent;
    out->bytes_buffered = s->tail - s->head;
    snprintf(out->url, sizeof out->url, "%s", s->url);
    snprintf(out->reason, sizeof out->reason, "%s", s->reason);
}

void pc_tstream_finish(pc_tstream_t *s, double wait_s) {
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->closing = 1;
    if (s->ctx) lws_cancel_service(s->ctx); /* send the rest, then close */
    double deadline = mono_s() + (wait_s > 0 ? wait_s : 0);
    while (s->thread_started && !s->thread_done) {
        double left = deadline - mono_s();
        if (left <= 0) break;
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        long ns = ts.tv_nsec + (long)((left - (long)left) * 1e9);
        ts.tv_sec += (time_t)left + ns / 1000000000L;
        ts.tv_nsec = ns % 1000000000L;
        pthread_cond_timedwait(&s->cv, &s->mu, &ts);
    }
    if (s->thread_started && !s->thread_done) {
        size_t left = s->tail - s->head;
        end_locked(s, PC_TRACKER_STREAM_DROPPED, "gave up at shutdown after %.1f s: %s%zu bytes not sent", wait_s,
                   s->state == PC_TRACKER_STREAM_CONNECTING ? "the agent never accepted the stream; " : "", left);
        atomic_store(&s->abort_loop, 1);
        if (s->ctx) lws_cancel_service(s->ctx);
    }
    pthread_mutex_unlock(&s->mu);
    if (s->thread_started) pthread_join(s->thread, NULL);

    pthread_mutex_lock(&g_status_mu);
    pthread_mutex_lock(&s->mu);
    status_locked(s, &g_last);
    pthread_mutex_unlock(&s->mu);
    if (g_live == s) g_live = NULL;
    pthread_mutex_unlock(&g_status_mu);

    free(s->buf);
    free(s->tx);
    free(s->rx);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

void pc_tstream_clear_status(void) {
    pthread_mutex_lock(&g_status_mu);
    memset(&g_last, 0, sizeof g_last);
    pthread_mutex_unlock(&g_status_mu);
}

int pc_tracker_stream_status(pc_tracker_stream_status_t *out) {
    if (!out) return PC_EINVAL;
    pthread_mutex_lock(&g_status_mu);
    if (g_live) {
        pthread_mutex_lock(&g_live->mu);
        status_locked(g_live, out);
        pthread_mutex_unlock(&g_live->mu);
    } else {
        *out = g_last;
    }
    pthread_mutex_unlock(&g_status_mu);
    return 0;
}

const char *pc_tracker_stream_state_name(pc_tracker_stream_state_t state) {
    switch (state) {
    case PC_TRACKER_STREAM_OFF: return "off";
    case PC_TRACKER_STREAM_CONNECTING: return "connecting";
    case PC_TRACKER_STREAM_LIVE: return "live";
    case PC_TRACKER_STREAM_DONE: return "done";
    case PC_TRACKER_STREAM_DROPPED: return "dropped";
    case PC_TRACKER_STREAM_STOPPED: return "stopped";
    }
    return "unknown";
}
