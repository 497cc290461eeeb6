/* cmd_agent.c — `perfcast agent` and `perfcast replay`: flags, startup lines, signals.
 *
 * SIGINT/SIGTERM are blocked in every thread (the mask is set before any thread starts, so
 * runner threads inherit it) and taken by one signal thread with sigtimedwait(): the first
 * asks the agent to stop the running run cleanly and exit 0; a second one exits at once. */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libwebsockets.h>

#include "agent.h"
#include "cli.h"
#include "paths.h"
#include "record.h"
#include "replay.h"

typedef struct serve_opts {
    const char *cmd;      /* "agent" or "replay" */
    char host[64];
    int port;
    const char *token;
    const char *record_dir;
    const char *replay_file;
    double speed;
    pc_replay_t *replay;  /* stopped before the agent is freed: its thread wakes the agent */
} serve_opts_t;

static void agent_usage(FILE *out) {
    fprintf(out,
            "usage: perfcast agent [--listen HOST:PORT] [--token T] [--record-dir DIR] [--baseline FILE]\n\n"
            "Serves the viewer on http://HOST:PORT/ and runs suites for it over a WebSocket\n"
            "(subprotocol %s). One run at a time; every run is saved to DIR.\n\n"
            "  --listen HOST:PORT  address to listen on (default %s:%d; port 0 picks a free one)\n"
            "  --token T           require T on WebSocket connections (?token=T or\n"
            "                      'Authorization: Bearer T'); also read from $PERFCAST_TOKEN.\n"
            "                      Required when HOST is not a loopback address.\n"
            "  --record-dir DIR    where result files go (default: $XDG_DATA_HOME/perfcast/runs\n"
            "                      or ~/.local/share/perfcast/runs)\n"
            "  --baseline FILE     a result file whose metrics' final values are the baseline of\n"
            "                      GET /api/performance/regressions (default: the previous\n"
            "                      finished run of the same suite)\n"
            "  -h, --help          this help\n\n"
            "Ctrl-C (or SIGTERM) stops a running run cleanly, so its file is complete, then exits.\n"
            "The viewer's static files are served without a token (they are public code); the\n"
            "WebSocket, which starts runs and streams results, needs it. See docs/AGENT.md.\n",
            PC_AGENT_PROTOCOL, PC_AGENT_DEFAULT_HOST, PC_AGENT_DEFAULT_PORT);
}

static void replay_usage(FILE *out) {
    fprintf(out,
            "usage: perfcast replay FILE [--listen HOST:PORT] [--speed X] [--token T]\n\n"
            "Serves the viewer and plays FILE's records to it through the same WebSocket stream\n"
            "a live run uses, paced by each record's time. The replay starts when the first\n"
            "viewer connects; later viewers get it from the start. start/stop requests are\n"
            "answered with an error in replay mode. A file cut off mid-record is served up to\n"
            "its last whole record.\n\n"
            "  --listen HOST:PORT  address to listen on (default %s:%d)\n"
            "  --speed X           playback speed: 1 real time (default), 2 twice as fast,\n"
            "                      0 as fast as possible\n"
            "  --token T           as for 'perfcast agent' (also $PERFCAST_TOKEN)\n"
            "  -h, --help          this help\n",
            PC_AGENT_DEFAULT_HOST, PC_AGENT_DEFAULT_PORT);
}

/* Matches "--name VALUE" and "--name=VALUE"; *i advances past what was consumed.
 * Returns 1 on a match with *val set, -1 on a match with the value missing, 0 otherwise. */
static int flag_value(int argc, char **argv, int *i, const char *name, const char **val) {
    const char *a = argv[*i];
    size_t n = strlen(name);
    if (strncmp(a, name, n) != 0) return 0;
    if (a[n] == '=') {
        *val = a + n + 1;
        return 1;
    }
    if (a[n] != '\0') return 0;
    if (*i + 1 >= argc) return -1;
    *val = argv[++*i];
    return 1;
}

/* ---- signals ---- */

static atomic_int sig_done;
static pc_agent_t *sig_agent;

static void *signal_main(void *arg) {
    sigset_t *set = arg;
    int seen = 0;
    struct timespec slice = {0, 200 * 1000 * 1000};
    while (!atomic_load(&sig_done)) {
        int s = sigtimedwait(set, NULL, &slice);
        if (s < 0) continue; /* timeout or EINTR: check whether we are done */
        if (++seen == 1) {
            fprintf(stderr, "perfcast: %s received: stopping (again to exit at once)\n", strsignal(s));
            pc_agent_request_stop(sig_agent);
        } else {
            fprintf(stderr, "perfcast: exiting without waiting for the run\n");
            _exit(1);
        }
    }
    return NULL;
}

/* libwebsockets' own errors, without its timestamp, marked as coming from it. */
static void lws_emit(int level, const char *line) {
    const char *m = strstr(line, "] ");
    m = m ? m + 2 : line;
    if (m[0] && m[1] == ':' && m[2] == ' ') m += 3; /* "E: " */
    fprintf(stderr, "perfcast: libwebsockets: %s%s", m, m[0] && m[strlen(m) - 1] == '\n' ? "" : "\n");
}

/* Writes s percent-encoded (RFC 3986 unreserved characters kept) into out. */
static void url_encode(const char *s, char *out, size_t cap) {
    static const char hex[] = "0123456789ABCDEF";
    size_t o = 0;
    for (; *s && o + 4 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr("-._~", c)) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
}

/* Creates the agent, prints where it is, serves until a signal. Returns the exit status. */
static int serve(const serve_opts_t *o, pc_agent_config_t *cfg) {
    /* Block before any thread exists (the agent collects sysinfo, runs start threads). */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    lws_set_log_level(LLL_ERR, lws_emit);

    char www[PATH_MAX];
    int has_www = pc_www_dir(www, sizeof www) == 0;
    cfg->host = o->host;
    cfg->port = o->port;
    cfg->token = o->token;
    cfg->www_dir = has_www ? www : NULL;
    pc_errbuf_t err = {{0}};
    pc_agent_t *agent = pc_agent_create(cfg, &err);
    if (!agent) {
        fprintf(stderr, "perfcast %s: %s\n", o->cmd, err.msg);
        return 1;
    }
    int port = pc_agent_port(agent);
    /* An unspecified address is not something to open: show this host's name instead. */
    char shown[256];
    int any = !strcmp(o->host, "0.0.0.0") || !strcmp(o->host, "::");
    if (!any || gethostname(shown, sizeof shown) != 0 || !shown[0]) snprintf(shown, sizeof shown, "%s", o->host);
    shown[sizeof shown - 1] = '\0';
    const char *lb = strchr(shown, ':') ? "[" : "", *rb = *lb ? "]" : "";
    char tok[768] = "";
    if (o->token && o->token[0]) {
        char enc[700];
        url_encode(o->token, enc, sizeof enc);
        snprintf(tok, sizeof tok, "?token=%s", enc);
    }
    printf("perfcast %s %s: protocol %s, result format %d.%d\n", o->cmd, PC_VERSION, PC_AGENT_PROTOCOL,
           PC_FORMAT_MAJOR, PC_FORMAT_MINOR);
    printf("  open      http://%s%s%s:%d/%s%s\n", lb, shown, rb, port, tok, any ? "   (listening on all interfaces)" : "");
    if (has_www)
        printf("  viewer    %s\n", www);
    else
        printf("  viewer    not found (build it, or set PERFCAST_WWW): serving the WebSocket only\n");
    if (o->replay_file)
        printf("  replay    %s at speed %g%s\n", o->replay_file, o->speed, o->speed == 0 ? " (as fast as possible)" : "");
    else {
        printf("  records   %s\n", o->record_dir);
        /* what an instrumented program (native/tracker.h) sets to stream its run here */
        printf("  publish   PERFCAST_AGENT=ws://%s%s%s:%d/%s\n", lb, shown, rb, port, tok);
    }
    printf("  Ctrl-C stops %s and exits\n", o->replay_file ? "the replay" : "a running run cleanly");
    fflush(stdout);

    sig_agent = agent;
    atomic_store(&sig_done, 0);
    pthread_t sig_thread;
    int sig_ok = pthread_create(&sig_thread, NULL, signal_main, &set) == 0;
    int r = pc_agent_run(agent);
    atomic_store(&sig_done, 1);
    if (sig_ok) pthread_join(sig_thread, NULL);
    if (o->replay) pc_replay_stop(o->replay);
    pc_agent_destroy(agent);
    sig_agent = NULL;
    if (r) {
        fprintf(stderr, "perfcast %s: the event loop failed\n", o->cmd);
        return 1;
    }
    printf("perfcast %s: stopped\n", o->cmd);
    return 0;
}

/* Shared flag checks: token from the environment, loopback rule. Returns 0 or the status. */
static int finish_opts(serve_opts_t *o) {
    if (!o->token || !o->token[0]) {
        const char *env = getenv("PERFCAST_TOKEN");
        o->token = env && env[0] ? env : NULL;
    }
    if (!o->token && !pc_agent_host_is_loopback(o->host)) {
        fprintf(stderr,
                "perfcast %s: refusing to listen on %s without --token: anyone who can reach it could run "
                "benchmarks on this host\n",
                o->cmd, o->host);
        return 2;
    }
    return 0;
}

int pc_cmd_agent(int argc, char **argv) {
    serve_opts_t o = {.cmd = "agent", .host = PC_AGENT_DEFAULT_HOST, .port = PC_AGENT_DEFAULT_PORT};
    const char *record_dir = NULL, *baseline = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int m;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            agent_usage(stdout);
            return 0;
        } else if ((m = flag_value(argc, argv, &i, "--listen", &v))) {
            if (m < 0) return pc_cli_usage_error("agent", "--listen needs HOST:PORT");
            if (pc_agent_parse_listen(v, o.host, sizeof o.host, &o.port))
                return pc_cli_usage_error("agent", "--listen %s: expected HOST:PORT with a numeric address", v);
        } else if ((m = flag_value(argc, argv, &i, "--token", &v))) {
            if (m < 0 || !v[0]) return pc_cli_usage_error("agent", "--token needs a value");
            o.token = v;
        } else if ((m = flag_value(argc, argv, &i, "--record-dir", &v))) {
            if (m < 0 || !v[0]) return pc_cli_usage_error("agent", "--record-dir needs a directory");
            record_dir = v;
        } else if ((m = flag_value(argc, argv, &i, "--baseline", &v))) {
            if (m < 0 || !v[0]) return pc_cli_usage_error("agent", "--baseline needs a result file");
            baseline = v;
        } else {
            return pc_cli_usage_error("agent", "unknown option '%s'", argv[i]);
        }
    }
    int r = finish_opts(&o);
    if (r) return r;
    char dir[PATH_MAX];
    if (!record_dir) {
        if (pc_default_record_dir(dir, sizeof dir)) {
            fprintf(stderr, "perfcast agent: the default record directory path is too long\n");
            return 1;
        }
    } else {
        snprintf(dir, sizeof dir, "%s", record_dir);
    }
    if (pc_mkdirs(dir)) {
        fprintf(stderr, "perfcast agent: cannot create record directory %s: %s\n", dir, strerror(errno));
        return 1;
    }
    o.record_dir = dir;
    pc_agent_config_t cfg = {.record_dir = dir, .baseline_file = baseline};
    return serve(&o, &cfg);
}

/* on_client hook: the replay starts when its first viewer connects. */
typedef struct replay_ctx {
    pc_replay_t *replay;
    double speed;
    int started;
} replay_ctx_t;

static void replay_on_client(void *ud) {
    replay_ctx_t *rc = ud;
    if (rc->started) return;
    rc->started = 1;
    if (pc_replay_start(rc->replay, rc->speed) != 0)
        pc_runlog_finish(pc_replay_log(rc->replay), "error", "cannot start the replay thread", NULL);
}

int pc_cmd_replay(int argc, char **argv) {
    serve_opts_t o = {.cmd = "replay", .host = PC_AGENT_DEFAULT_HOST, .port = PC_AGENT_DEFAULT_PORT, .speed = 1};
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int m;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            replay_usage(stdout);
            return 0;
        } else if ((m = flag_value(argc, argv, &i, "--listen", &v))) {
            if (m < 0) return pc_cli_usage_error("replay", "--listen needs HOST:PORT");
            if (pc_agent_parse_listen(v, o.host, sizeof o.host, &o.port))
                return pc_cli_usage_error("replay", "--listen %s: expected HOST:PORT with a numeric address", v);
        } else if ((m = flag_value(argc, argv, &i, "--token", &v))) {
            if (m < 0 || !v[0]) return pc_cli_usage_error("replay", "--token needs a value");
            o.token = v;
        } else if ((m = flag_value(argc, argv, &i, "--speed", &v))) {
            char *end = NULL;
            double s = m > 0 ? strtod(v, &end) : -1;
            if (m < 0 || !end || end == v || *end || !(s >= 0) || s > 1e6)
                return pc_cli_usage_error("replay", "--speed needs a number >= 0 (0 = as fast as possible)");
            o.speed = s;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return pc_cli_usage_error("replay", "unknown option '%s'", argv[i]);
        } else if (!file) {
            file = argv[i];
        } else {
            return pc_cli_usage_error("replay", "one FILE only ('%s' is extra)", argv[i]);
        }
    }
    if (!file) return pc_cli_usage_error("replay", "which file? usage: perfcast replay FILE");
    int r = finish_opts(&o);
    if (r) return r;
    pc_errbuf_t err = {{0}};
    pc_replay_t *replay = NULL;
    if (pc_replay_open(file, &replay, &err)) {
        fprintf(stderr, "perfcast replay: %s\n", err.msg);
        return 1;
    }
    if (pc_replay_warning(replay)[0]) fprintf(stderr, "perfcast replay: warning: %s\n", pc_replay_warning(replay));
    o.replay_file = file;
    o.replay = replay;
    replay_ctx_t rc = {.replay = replay, .speed = o.speed};
    pc_agent_config_t cfg = {.replay_log = pc_replay_log(replay), .replay_file = file, .on_client = replay_on_client,
                             .ud = &rc};
    r = serve(&o, &cfg);
    pc_replay_destroy(replay);
    return r;
}
