/* The tracker's live stream without an agent that answers (closed port, a listener that never
 * accepts, a bound that overflows, bad URLs), and the agent's side of publishing on its own
 * (agent_publish.h: records validated as they come, the result file, the end it appends).
 * The end-to-end run against a real agent is tests/e2e/test_tracker_stream.py. */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent_publish.h"
#include "cJSON.h"
#include "model.h"
#include "pc_test.h"
#include "record.h"
#include "tracker.h"

static char tmp_dir[256];

/* A fresh directory for this test's files. */
static const char *fresh_dir(void) {
    snprintf(tmp_dir, sizeof tmp_dir, "/tmp/pc_test_tstream_XXXXXX");
    return mkdtemp(tmp_dir);
}

static char path_buf[512];
static const char *in_dir(const char *name) {
    snprintf(path_buf, sizeof path_buf, "%s/%s", tmp_dir, name);
    return path_buf;
}

static void remove_dir(void) {
    DIR *d = opendir(tmp_dir);
    if (!d) return;
    struct dirent *e;
    char p[600];
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof p, "%s/%s", tmp_dir, e->d_name);
            unlink(p);
        }
    closedir(d);
    rmdir(tmp_dir);
}

/* 1 when path is a whole run that the viewer's reader loads, finished with `status`. */
static int loads_finished(const char *path, const char *status) {
    size_t len = 0;
    uint8_t *b = pc_test_slurp(path, &len);
    pc_model_t *m = pc_model_create();
    pc_load_info_t info;
    pc_errbuf_t err = {{0}};
    int ok = b && m && pc_model_load(m, b, len, path, &info, &err) == 0 && !info.truncated && m->finished &&
             !strcmp(m->status, status);
    if (!ok) fprintf(stderr, "  %s: %s (status %s)\n", path, err.msg, m ? m->status : "?");
    pc_model_destroy(m);
    free(b);
    return ok;
}

/* A TCP port on loopback with nothing listening (bound, then closed). */
static int closed_port(void) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t n = sizeof a;
    bind(fd, (struct sockaddr *)&a, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &n);
    close(fd);
    return ntohs(a.sin_port);
}

/* A listener that never accepts: the kernel completes TCP connections into its backlog and
 * nobody ever answers the WebSocket upgrade. Returns the fd (close it), *port its port. */
static int black_hole(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t n = sizeof a;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) || listen(fd, 8)) {
        close(fd);
        return -1;
    }
    getsockname(fd, (struct sockaddr *)&a, &n);
    *port = ntohs(a.sin_port);
    return fd;
}

/* Some work for the tracker: timers and `samples` metric samples, flushed `flushes` times. */
static void work(int flushes, int samples) {
    for (int f = 0; f < flushes; f++) {
        PC_TRACK("frame") {
            for (int i = 0; i < samples; i++) pc_tracker_track_metric("frame_ms", 1.0 + i % 7);
        }
        pc_tracker_flush();
    }
}

/* ---------------------------------------------------------------- tracker side --------- */

static void stream_should_drop_with_reason_when_the_agent_is_unreachable(void) {
    PC_CHECK(fresh_dir());
    char url[64];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d", closed_port());
    pc_tracker_config_t c = pc_tracker_defaults();
    c.path = in_dir("run.pcast");
    c.agent_url = url;
    PC_CHECK(pc_tracker_init(&c) == 0);
    work(20, 10);
    pc_tracker_shutdown();
    pc_tracker_stream_status_t st;
    PC_CHECK(pc_tracker_stream_status(&st) == 0);
    PC_CHECK(st.state == PC_TRACKER_STREAM_DROPPED);
    PC_CHECK(strstr(st.reason, "cannot connect") != NULL);
    PC_CHECK_EQ_STR(st.url, url);
    PC_CHECK_EQ_U64(st.records_sent, 0);
    PC_CHECK(st.records_dropped >= 20); /* header, metrics, hists ... summary, end: none reached an agent */
    PC_CHECK(loads_finished(in_dir("run.pcast"), "ok")); /* the file got everything */
    remove_dir();
}

static void stream_should_never_wait_for_an_agent_that_does_not_answer(void) {
    PC_CHECK(fresh_dir());
    int port, hole = black_hole(&port);
    PC_CHECK(hole >= 0);
    char url[64];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/", port);
    pc_tracker_config_t c = pc_tracker_defaults();
    c.path = in_dir("run.pcast");
    c.agent_url = url;
    PC_CHECK(pc_tracker_init(&c) == 0);
    /* the agent never answers the upgrade, yet every flush returns: records wait in memory */
    work(50, 20);
    pc_tracker_stream_status_t st;
    PC_CHECK(pc_tracker_stream_status(&st) == 0);
    PC_CHECK(st.state == PC_TRACKER_STREAM_CONNECTING);
    PC_CHECK(st.bytes_buffered > 0);
    PC_CHECK_EQ_U64(st.records_sent, 0);
    /* shutdown waits its bounded time, then gives up and counts what was not sent */
    pc_tracker_shutdown();
    PC_CHECK(pc_tracker_stream_status(&st) == 0);
    PC_CHECK(st.state == PC_TRACKER_STREAM_DROPPED);
    PC_CHECK(strstr(st.reason, "gave up at shutdown") != NULL);
    PC_CHECK(st.records_dropped > 50);
    PC_CHECK(loads_finished(in_dir("run.pcast"), "ok"));
    close(hole);
    remove_dir();
}

static void stream_should_drop_when_more_than_its_bound_waits(void) {
    PC_CHECK(fresh_dir());
    int port, hole = black_hole(&port);
    PC_CHECK(hole >= 0);
    char url[64];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d", port);
    pc_tracker_config_t c = pc_tracker_defaults();
    c.path = in_dir("run.pcast");
    c.agent_url = url;
    c.agent_buffer = 32 * 1024;
    c.history_cap = 4096;
    PC_CHECK(pc_tracker_init(&c) == 0);
    work(10, 200); /* ~2000 metric records, well over 32 KiB */
    pc_tracker_stream_status_t st;
    PC_CHECK(pc_tracker_stream_status(&st) == 0);
    PC_CHECK(st.state == PC_TRACKER_STREAM_DROPPED); /* before shutdown: the bound did it */
    PC_CHECK(strstr(st.reason, "more than 32768 bytes") != NULL);
    PC_CHECK_EQ_U64(st.bytes_buffered, 0); /* the memory is given back */
    uint64_t dropped = st.records_dropped;
    PC_CHECK(dropped > 0);
    work(2, 10); /* later records are counted too */
    PC_CHECK(pc_tracker_stream_status(&st) == 0);
    PC_CHECK(st.records_dropped > dropped);
    pc_tracker_shutdown();
    PC_CHECK(loads_finished(in_dir("run.pcast"), "ok"));
    close(hole);
    remove_dir();
}

static void stream_should_refuse_bad_urls_without_failing_init(void) {
    const char *bad[][2] = {{"wss://127.0.0.1:7681/", "TLS"},
                            {"127.0.0.1:7681", "expected ws://"},
                            {"ws://127.0.0.1:99999/", "bad port"},
                            {"ws://[::1/", "IPv6"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        pc_tracker_config_t c = pc_tracker_defaults();
        c.agent_url = bad[i][0];
        PC_CHECK(pc_tracker_init(&c) == 0);
        pc_tracker_stream_status_t st;
        PC_CHECK(pc_tracker_stream_status(&st) == 0);
        PC_CHECK(st.state == PC_TRACKER_STREAM_DROPPED);
        PC_CHECK(strstr(st.reason, bad[i][1]) != NULL);
        pc_tracker_shutdown();
    }
}

static void stream_should_follow_the_environment_unless_the_url_is_empty(void) {
    char url[64];
    snprintf(url, sizeof url, "ws://127.0.0.1:%d", closed_port());
    setenv("PERFCAST_AGENT", url, 1);
    pc_tracker_config_t c = pc_tracker_defaults();
    PC_CHECK(pc_tracker_init(&c) == 0);
    pc_tracker_stream_status_t st;
    PC_CHECK(pc_tracker_stream_status(&st) == 0);
    PC_CHECK(st.state != PC_TRACKER_STREAM_OFF);
    PC_CHECK_EQ_STR(st.url, url);
    pc_tracker_shutdown();
    c.agent_url = ""; /* explicitly off, whatever the environment says */
    PC_CHECK(pc_tracker_init(&c) == 0);
    PC_CHECK(pc_tracker_stream_status(&st) == 0);
    PC_CHECK(st.state == PC_TRACKER_STREAM_OFF);
    pc_tracker_shutdown();
    unsetenv("PERFCAST_AGENT");
}

static int null_sink(void *ud, uint16_t kind, uint16_t enc, const void *payload, size_t len) { return 0; }

static void stream_should_ignore_the_environment_with_a_sink(void) {
    setenv("PERFCAST_AGENT", "ws://127.0.0.1:1", 1);
    pc_tracker_config_t c = pc_tracker_defaults();
    c.sink = null_sink;
    PC_CHECK(pc_tracker_init(&c) == 0);
    pc_tracker_stream_status_t st;
    PC_CHECK(pc_tracker_stream_status(&st) == 0);
    PC_CHECK(st.state == PC_TRACKER_STREAM_OFF);
    pc_tracker_shutdown();
    unsetenv("PERFCAST_AGENT");
}

/* ---------------------------------------------------------------- agent side ----------- */

/* A tracker run's record stream (the file's bytes after its header) in *len; caller frees. */
static uint8_t *tracker_stream(size_t *len) {
    pc_tracker_config_t c = pc_tracker_defaults();
    c.path = in_dir("src.pcast");
    c.agent_url = "";
    if (pc_tracker_init(&c)) return NULL;
    for (int f = 0; f < 5; f++) {
        PC_TRACK("frame") { pc_tracker_track_metric("fps", 60.0 + f); }
        pc_tracker_flush();
    }
    pc_tracker_shutdown();
    size_t n = 0;
    uint8_t *b = pc_test_slurp(in_dir("src.pcast"), &n);
    if (!b || n <= PC_FILE_HEADER_SIZE) {
        free(b);
        return NULL;
    }
    memmove(b, b + PC_FILE_HEADER_SIZE, n - PC_FILE_HEADER_SIZE);
    *len = n - PC_FILE_HEADER_SIZE;
    return b;
}

/* Offset of the k-th record (0-based) in a stream. */
static size_t record_at(const uint8_t *s, size_t len, int k) {
    size_t off = 0;
    while (k-- > 0) off += pc_record_peek_size(s + off, len - off);
    return off;
}

/* The path of the only .pcast file in tmp_dir other than src.pcast, or NULL. */
static const char *recorded_file(void) {
    DIR *d = opendir(tmp_dir);
    const char *found = NULL;
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strstr(e->d_name, ".pcast") && strcmp(e->d_name, "src.pcast")) found = in_dir(e->d_name);
    if (d) closedir(d);
    return found;
}

static void pubrun_should_record_a_stream_as_the_file_it_came_from(void) {
    PC_CHECK(fresh_dir());
    size_t len = 0;
    uint8_t *s = tracker_stream(&len);
    PC_CHECK(s != NULL);
    pc_pubrun_t *r = pc_pubrun_create(tmp_dir, NULL, NULL, NULL);
    PC_CHECK(r != NULL);
    /* messages of whole records, cut at every third record */
    size_t off = 0;
    int started_at = -1, k = 0;
    while (off < len) {
        size_t end = off + record_at(s + off, len - off, 3);
        if (end > len || end == off) end = len;
        int started = 0;
        pc_errbuf_t err = {{0}};
        PC_CHECK(pc_pubrun_feed(r, s + off, end - off, &started, &err) == 0);
        if (started) started_at = k;
        off = end;
        k++;
    }
    PC_CHECK(started_at == 0);
    PC_CHECK(pc_pubrun_ended(r)); /* the end record ended it */
    pc_runlog_t *log = pc_pubrun_log(r);
    char status[16];
    PC_CHECK(pc_runlog_finished(log, status, sizeof status, NULL, NULL, 0));
    PC_CHECK_EQ_STR(status, "ok");
    PC_CHECK_EQ_U64(pc_runlog_size(log), len);
    const char *path = pc_pubrun_path(r);
    size_t flen = 0;
    uint8_t *f = pc_test_slurp(path, &flen);
    PC_CHECK(f && flen == len + PC_FILE_HEADER_SIZE);
    PC_CHECK(memcmp(f + PC_FILE_HEADER_SIZE, s, len) == 0);
    PC_CHECK(strstr(path, pc_pubrun_id(r)) != NULL);
    free(f);
    pc_pubrun_destroy(r);
    free(s);
    remove_dir();
}

static void pubrun_should_name_the_byte_offset_of_a_corrupt_record_and_end_in_error(void) {
    PC_CHECK(fresh_dir());
    size_t len = 0;
    uint8_t *s = tracker_stream(&len);
    PC_CHECK(s != NULL);
    size_t second = record_at(s, len, 1), third = record_at(s, len, 2);
    s[third - 1] ^= 0x55; /* the CRC of record 2 */
    pc_pubrun_t *r = pc_pubrun_create(tmp_dir, NULL, NULL, NULL);
    int started = 0;
    pc_errbuf_t err = {{0}};
    PC_CHECK(pc_pubrun_feed(r, s, len, &started, &err) == PC_ECORRUPT);
    PC_CHECK(started == 1);
    char want[64];
    snprintf(want, sizeof want, "record 2 at byte %zu of the stream", second);
    PC_CHECK(strstr(err.msg, want) != NULL);
    PC_CHECK(strstr(err.msg, "checksum") != NULL);
    PC_CHECK(pc_pubrun_ended(r));
    char status[16], message[256];
    PC_CHECK(pc_runlog_finished(pc_pubrun_log(r), status, sizeof status, NULL, message, sizeof message));
    PC_CHECK_EQ_STR(status, "error");
    PC_CHECK(strstr(message, want) != NULL);
    /* the file: the header record, then the end record the agent appended */
    PC_CHECK(loads_finished(pc_pubrun_path(r), "error"));
    pc_errbuf_t err2 = {{0}};
    PC_CHECK(pc_pubrun_feed(r, s, second, &started, &err2) == PC_ESTATE); /* nothing after the end */
    pc_pubrun_destroy(r);
    free(s);
    remove_dir();
}

static void pubrun_should_refuse_a_stream_that_does_not_start_with_a_header(void) {
    PC_CHECK(fresh_dir());
    size_t len = 0;
    uint8_t *s = tracker_stream(&len);
    PC_CHECK(s != NULL);
    unlink(in_dir("src.pcast"));
    size_t second = record_at(s, len, 1);
    pc_pubrun_t *r = pc_pubrun_create(tmp_dir, NULL, NULL, NULL);
    int started = 0;
    pc_errbuf_t err = {{0}};
    PC_CHECK(pc_pubrun_feed(r, s + second, len - second, &started, &err) == PC_EFORMAT);
    PC_CHECK(started == 0);
    PC_CHECK(strstr(err.msg, "byte 0 of the stream") && strstr(err.msg, "must be the header"));
    PC_CHECK(pc_pubrun_log(r) == NULL);
    PC_CHECK(recorded_file() == NULL); /* no run, no file */
    pc_pubrun_destroy(r);
    free(s);
    remove_dir();
}

static void pubrun_should_refuse_malformed_json_and_partial_records(void) {
    PC_CHECK(fresh_dir());
    size_t len = 0;
    uint8_t *s = tracker_stream(&len);
    PC_CHECK(s != NULL);
    size_t second = record_at(s, len, 1);
    /* a metric record with a good CRC whose payload is not JSON */
    uint8_t bad[64];
    size_t n = pc_record_encode(bad, sizeof bad, PC_REC_METRIC, PC_ENC_JSON, "{\"t\":1,", 7);
    PC_CHECK(n > 0);
    uint8_t *msg = malloc(second + n);
    memcpy(msg, s, second);
    memcpy(msg + second, bad, n);
    pc_pubrun_t *r = pc_pubrun_create(tmp_dir, NULL, NULL, NULL);
    int started = 0;
    pc_errbuf_t err = {{0}};
    PC_CHECK(pc_pubrun_feed(r, msg, second + n, &started, &err) == PC_EFORMAT);
    char want[64];
    snprintf(want, sizeof want, "at byte %zu", second);
    PC_CHECK(strstr(err.msg, want) && strstr(err.msg, "JSON"));
    pc_pubrun_destroy(r);
    unlink(recorded_file());
    /* a message that ends inside a record */
    r = pc_pubrun_create(tmp_dir, NULL, NULL, NULL);
    PC_CHECK(pc_pubrun_feed(r, s, second + 5, &started, &err) == PC_ETRUNC);
    PC_CHECK(strstr(err.msg, "ends inside"));
    pc_pubrun_destroy(r);
    free(msg);
    free(s);
    remove_dir();
}

static void pubrun_should_refuse_records_after_the_end_and_keep_the_run_ok(void) {
    PC_CHECK(fresh_dir());
    size_t len = 0;
    uint8_t *s = tracker_stream(&len);
    PC_CHECK(s != NULL);
    size_t second = record_at(s, len, 1), extra = record_at(s + second, len - second, 1);
    uint8_t *msg = malloc(len + extra);
    memcpy(msg, s, len);
    memcpy(msg + len, s + second, extra); /* the second record again, after the end */
    pc_pubrun_t *r = pc_pubrun_create(tmp_dir, NULL, NULL, NULL);
    int started = 0;
    pc_errbuf_t err = {{0}};
    PC_CHECK(pc_pubrun_feed(r, msg, len + extra, &started, &err) == PC_EFORMAT);
    char want[80];
    snprintf(want, sizeof want, "at byte %zu of the stream: a record after the end record", len);
    PC_CHECK(strstr(err.msg, want) != NULL);
    char status[16];
    PC_CHECK(pc_runlog_finished(pc_pubrun_log(r), status, sizeof status, NULL, NULL, 0));
    PC_CHECK_EQ_STR(status, "ok");
    PC_CHECK_EQ_U64(pc_runlog_size(pc_pubrun_log(r)), len);
    PC_CHECK(loads_finished(pc_pubrun_path(r), "ok"));
    pc_pubrun_destroy(r);
    free(msg);
    free(s);
    remove_dir();
}

static void pubrun_should_end_incomplete_when_the_publisher_goes_away(void) {
    PC_CHECK(fresh_dir());
    size_t len = 0;
    uint8_t *s = tracker_stream(&len);
    PC_CHECK(s != NULL);
    size_t part = record_at(s, len, 3);
    pc_pubrun_t *r = pc_pubrun_create(tmp_dir, NULL, NULL, NULL);
    int started = 0;
    pc_errbuf_t err = {{0}};
    PC_CHECK(pc_pubrun_feed(r, s, part, &started, &err) == 0);
    PC_CHECK(!pc_pubrun_ended(r));
    pc_runlog_t *log = pc_pubrun_log(r);
    pc_runlog_ref(log);
    char path[600];
    snprintf(path, sizeof path, "%s", pc_pubrun_path(r));
    pc_pubrun_destroy(r); /* the agent does this when the publisher disconnects */
    char status[16];
    PC_CHECK(pc_runlog_finished(log, status, sizeof status, NULL, NULL, 0));
    PC_CHECK_EQ_STR(status, "incomplete");
    PC_CHECK(loads_finished(path, "incomplete"));
    size_t flen = 0;
    uint8_t *f = pc_test_slurp(path, &flen);
    PC_CHECK(f && flen == PC_FILE_HEADER_SIZE + pc_runlog_size(log)); /* the log and the file agree */
    free(f);
    pc_runlog_unref(log);
    free(s);
    remove_dir();
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    unsetenv("PERFCAST_AGENT");
    unsetenv("PERFCAST_TOKEN");
    PC_RUN(stream_should_drop_with_reason_when_the_agent_is_unreachable);
    PC_RUN(stream_should_never_wait_for_an_agent_that_does_not_answer);
    PC_RUN(stream_should_drop_when_more_than_its_bound_waits);
    PC_RUN(stream_should_refuse_bad_urls_without_failing_init);
    PC_RUN(stream_should_follow_the_environment_unless_the_url_is_empty);
    PC_RUN(stream_should_ignore_the_environment_with_a_sink);
    PC_RUN(pubrun_should_record_a_stream_as_the_file_it_came_from);
    PC_RUN(pubrun_should_name_the_byte_offset_of_a_corrupt_record_and_end_in_error);
    PC_RUN(pubrun_should_refuse_a_stream_that_does_not_start_with_a_header);
    PC_RUN(pubrun_should_refuse_malformed_json_and_partial_records);
    PC_RUN(pubrun_should_refuse_records_after_the_end_and_keep_the_run_ok);
    PC_RUN(pubrun_should_end_incomplete_when_the_publisher_goes_away);
    return pc_test_done();
}
