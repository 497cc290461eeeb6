/* test_runlog.c — the shared run log: whole records in, whole records out, bounded. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "pc_test.h"
#include "record.h"
#include "runlog.h"

/* Encodes a JSON-ish record with `len` payload bytes of `fill` into out; returns its size. */
static size_t make_record(uint8_t *out, size_t cap, size_t len, char fill) {
    char *payload = malloc(len ? len : 1);
    memset(payload, fill, len);
    size_t n = pc_record_encode(out, cap, PC_REC_EVENT, PC_ENC_JSON, payload, len);
    free(payload);
    return n;
}

static int notified;
static void count_notify(void *ud) { (void)ud; notified++; }

static void runlog_should_return_whole_records_that_fit(void) {
    pc_runlog_t *log = pc_runlog_create("r1", "ringbuf");
    PC_CHECK(log != NULL);
    uint8_t rec[256];
    size_t n = make_record(rec, sizeof rec, 20, 'a'); /* 32 bytes */
    PC_CHECK_EQ_U64(n, 32);
    for (int i = 0; i < 3; i++) PC_CHECK(pc_runlog_append(log, rec, n) == 0);
    uint8_t buf[80];
    /* 80 bytes hold two 32-byte records, not two and a half */
    PC_CHECK_EQ_U64(pc_runlog_read(log, 0, buf, sizeof buf), 64);
    PC_CHECK(memcmp(buf, rec, n) == 0 && memcmp(buf + 32, rec, n) == 0);
    PC_CHECK_EQ_U64(pc_runlog_read(log, 64, buf, sizeof buf), 32);
    PC_CHECK_EQ_U64(pc_runlog_read(log, 96, buf, sizeof buf), 0);
    PC_CHECK_EQ_U64(pc_runlog_size(log), 96);
    pc_runlog_unref(log);
}

static void runlog_should_span_one_record_larger_than_the_limit(void) {
    pc_runlog_t *log = pc_runlog_create("r1", "ringbuf");
    size_t big_len = 100000;
    uint8_t *big = malloc(pc_record_size(big_len));
    size_t n = make_record(big, pc_record_size(big_len), big_len, 'b');
    PC_CHECK(pc_runlog_append(log, big, n) == 0);
    uint8_t small[64];
    PC_CHECK(pc_runlog_read(log, 0, small, sizeof small) == 0); /* does not fit: nothing */
    PC_CHECK_EQ_U64(pc_runlog_span(log, 0, 65536), n);         /* but its size is known */
    uint8_t *copy = malloc(n);
    size_t got = 0;
    while (got < n) got += pc_runlog_copy(log, got, copy + got, 65536); /* piece by piece */
    PC_CHECK(memcmp(copy, big, n) == 0);
    free(copy);
    free(big);
    pc_runlog_unref(log);
}

static void runlog_should_refuse_bytes_that_are_not_whole_records(void) {
    pc_runlog_t *log = pc_runlog_create(NULL, "ringbuf");
    uint8_t rec[64];
    size_t n = make_record(rec, sizeof rec, 10, 'c');
    PC_CHECK(pc_runlog_append(log, rec, n - 1) == PC_EINVAL);
    uint8_t junk[16] = {0xff, 0xff, 0xff, 0xff};
    PC_CHECK(pc_runlog_append(log, junk, sizeof junk) == PC_EINVAL);
    PC_CHECK_EQ_U64(pc_runlog_size(log), 0);
    PC_CHECK_EQ_STR(pc_runlog_id(log), "");
    pc_runlog_set_id(log, "later-id");
    PC_CHECK_EQ_STR(pc_runlog_id(log), "later-id");
    pc_runlog_unref(log);
}

static void runlog_should_report_the_first_finish_and_refuse_later_appends(void) {
    pc_runlog_t *log = pc_runlog_create("r2", "ringbuf");
    notified = 0;
    pc_runlog_set_notify(log, count_notify, NULL);
    uint8_t rec[64];
    size_t n = make_record(rec, sizeof rec, 10, 'd');
    PC_CHECK(pc_runlog_append(log, rec, n) == 0);
    PC_CHECK(!pc_runlog_finished(log, NULL, 0, NULL, NULL, 0));
    cJSON *sum = cJSON_CreateObject();
    cJSON_AddNumberToObject(sum, "spsc_p50_ns", 120);
    pc_runlog_finish(log, "ok", NULL, sum);
    pc_runlog_finish(log, "error", "too late", NULL); /* ignored */
    cJSON_Delete(sum);
    char status[16], message[64];
    char *summary = NULL;
    PC_CHECK(pc_runlog_finished(log, status, sizeof status, &summary, message, sizeof message));
    PC_CHECK_EQ_STR(status, "ok");
    PC_CHECK_EQ_STR(message, "");
    PC_CHECK_EQ_STR(summary, "{\"spsc_p50_ns\":120}");
    free(summary);
    PC_CHECK(pc_runlog_append(log, rec, n) == PC_ESTATE);
    PC_CHECK_EQ_U64(notified, 2); /* one append, one finish */
    pc_runlog_unref(log);
}

static void runlog_should_keep_info_as_a_copy(void) {
    pc_runlog_t *log = pc_runlog_create("r3", "ringbuf");
    PC_CHECK(pc_runlog_info(log) == NULL);
    cJSON *info = cJSON_CreateObject();
    cJSON_AddStringToObject(info, "file", "/tmp/x.pcast");
    PC_CHECK(pc_runlog_set_info(log, info) == 0);
    cJSON_Delete(info);
    cJSON *got = pc_runlog_info(log);
    PC_CHECK(got != NULL);
    PC_CHECK_EQ_STR(cJSON_GetObjectItem(got, "file")->valuestring, "/tmp/x.pcast");
    cJSON_Delete(got);
    pc_runlog_unref(log);
}

typedef struct {
    pc_runlog_t *log;
    int records;
} writer_arg_t;

static void *writer_main(void *arg) {
    writer_arg_t *w = arg;
    uint8_t rec[128];
    for (int i = 0; i < w->records; i++) {
        size_t n = make_record(rec, sizeof rec, (size_t)(i % 100), (char)('a' + i % 26));
        pc_runlog_append(w->log, rec, n);
    }
    pc_runlog_finish(w->log, "ok", NULL, NULL);
    return NULL;
}

/* A reader racing the writer sees only whole, valid records and, once finished, all of them. */
static void runlog_should_give_a_concurrent_reader_every_record_once(void) {
    pc_runlog_t *log = pc_runlog_create("r4", "ringbuf");
    writer_arg_t w = {log, 20000};
    pthread_t t;
    PC_CHECK(pthread_create(&t, NULL, writer_main, &w) == 0);
    uint8_t buf[4096];
    size_t cursor = 0;
    int seen = 0, bad = 0;
    for (;;) {
        int fin = pc_runlog_finished(log, NULL, 0, NULL, NULL, 0);
        size_t n = pc_runlog_read(log, cursor, buf, sizeof buf);
        for (size_t off = 0; off < n;) {
            pc_record_t rec;
            size_t used;
            if (pc_record_decode(buf + off, n - off, &rec, &used) != 0) {
                bad++;
                break;
            }
            if (rec.len != (uint32_t)(seen % 100)) bad++;
            seen++;
            off += used;
        }
        cursor += n;
        if (fin && n == 0) break;
    }
    pthread_join(t, NULL);
    PC_CHECK_EQ_U64(bad, 0);
    PC_CHECK_EQ_U64(seen, 20000);
    PC_CHECK_EQ_U64(cursor, pc_runlog_size(log));
    pc_runlog_unref(log);
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    PC_RUN(runlog_should_return_whole_records_that_fit);
    PC_RUN(runlog_should_span_one_record_larger_than_the_limit);
    PC_RUN(runlog_should_refuse_bytes_that_are_not_whole_records);
    PC_RUN(runlog_should_report_the_first_finish_and_refuse_later_appends);
    PC_RUN(runlog_should_keep_info_as_a_copy);
    PC_RUN(runlog_should_give_a_concurrent_reader_every_record_once);
    return pc_test_done();
}
