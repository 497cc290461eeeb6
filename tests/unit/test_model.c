/* Result model: building from records, loading files, torn tails, errors with positions. */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "pc_test.h"

/* A test result file assembled in memory. */
typedef struct file {
    uint8_t buf[1 << 16];
    size_t len;
    size_t offsets[64]; /* where each record starts */
    int n;
} file_t;

static void file_begin(file_t *f) {
    f->len = 0;
    f->n = 0;
    pc_file_header_write(f->buf);
    f->len = PC_FILE_HEADER_SIZE;
}

static void file_add(file_t *f, uint16_t kind, const char *json) {
    f->offsets[f->n++] = f->len;
    f->len += pc_record_encode(f->buf + f->len, sizeof f->buf - f->len, kind, PC_ENC_JSON, json, strlen(json));
}

static const char *header_json =
    "{\"format\":\"perfcast\",\"suite\":\"ringbuf\",\"run_id\":\"r1\",\"params\":{\"messages\":1000,\"pin\":true},"
    "\"series\":[{\"name\":\"spsc\",\"label\":\"lock-free SPSC ring\",\"unit\":\"ns\"},{\"name\":\"mutex\"}]}";

static void make_run(file_t *f) {
    file_begin(f);
    file_add(f, PC_REC_HEADER, header_json);
    file_add(f, PC_REC_EVENT, "{\"t\":0.01,\"text\":\"spsc latency\"}");
    file_add(f, PC_REC_HIST, "{\"t\":0.1,\"series\":\"spsc\",\"b\":[100,5,200,5],\"min\":100,\"max\":215,\"sum\":1600}");
    file_add(f, PC_REC_HIST, "{\"t\":0.2,\"series\":\"spsc\",\"b\":[100,10]}");
    file_add(f, PC_REC_WINDOW, "{\"t\":1.1,\"dt\":0.1,\"series\":\"spsc\",\"count\":500000}");
    file_add(f, PC_REC_WINDOW, "{\"t\":1.2,\"dt\":0.1,\"series\":\"mutex\",\"count\":25000}");
    file_add(f, PC_REC_PROGRESS, "{\"t\":1.2,\"fraction\":0.5,\"phase\":\"throughput\"}");
    file_add(f, 999, "{\"from\":\"the future\"}"); /* unknown kinds are skipped */
    file_add(f, PC_REC_SUMMARY, "{\"spsc_msgs_per_s\":5e6,\"mutex_msgs_per_s\":2.5e5}");
    file_add(f, PC_REC_END, "{\"t\":1.3,\"status\":\"ok\"}");
}

static void model_should_build_from_a_complete_file(void) {
    static file_t f;
    make_run(&f);
    pc_model_t *m = pc_model_create();
    pc_load_info_t info;
    pc_errbuf_t err = {{0}};
    int r = pc_model_load(m, f.buf, f.len, "t.pcast", &info, &err);
    PC_CHECK(r == 0);
    PC_CHECK(!info.truncated);
    PC_CHECK_EQ_U64(info.records, 10);
    PC_CHECK_EQ_STR(m->suite, "ringbuf");
    PC_CHECK_EQ_STR(m->run_id, "r1");
    PC_CHECK_EQ_U64(m->n_series, 2);
    const pc_series_t *s = pc_model_series(m, "spsc");
    PC_CHECK(s && s->has_hist);
    PC_CHECK_EQ_STR(s->label, "lock-free SPSC ring");
    PC_CHECK_EQ_U64(s->hist->total, 20);
    PC_CHECK_EQ_U64(s->hist->counts[100], 15);
    PC_CHECK_EQ_U64(s->hist->min, 100);
    PC_CHECK_EQ_U64(s->n_windows, 1);
    PC_CHECK(s->windows[0].rate == 5000000.0);
    PC_CHECK_EQ_STR(pc_model_series(m, "mutex")->label, "mutex");
    PC_CHECK(pc_model_summary_num(m, "mutex_msgs_per_s", -1) == 2.5e5);
    PC_CHECK(pc_model_summary_num(m, "missing", -1) == -1);
    PC_CHECK(pc_model_param_num(m, "messages", 0) == 1000);
    PC_CHECK(pc_model_param_num(m, "pin", 0) == 1);
    PC_CHECK(m->finished);
    PC_CHECK_EQ_STR(m->status, "ok");
    PC_CHECK_EQ_U64(m->n_events, 1);
    PC_CHECK(m->t_last == 1.3);
    pc_model_destroy(m);
}

static void model_should_open_a_torn_file_up_to_its_last_whole_record(void) {
    static file_t f;
    make_run(&f);
    /* cut inside every record after the header: each cut keeps exactly the records before it */
    for (int k = 1; k < f.n; k++) {
        size_t cut = f.offsets[k] + 5;
        pc_model_t *m = pc_model_create();
        pc_load_info_t info;
        pc_errbuf_t err = {{0}};
        PC_CHECK(pc_model_load(m, f.buf, cut, "torn.pcast", &info, &err) == 0);
        PC_CHECK(info.truncated);
        PC_CHECK_EQ_U64(info.records, k);
        PC_CHECK_EQ_U64(info.valid_bytes, f.offsets[k]);
        PC_CHECK(strstr(info.warning, "torn.pcast") != NULL);
        pc_model_destroy(m);
    }
}

static void model_should_name_file_and_position_of_errors(void) {
    static file_t f;
    pc_errbuf_t err = {{0}};
    pc_model_t *m = pc_model_create();
    /* not a result file */
    PC_CHECK(pc_model_load(m, (const uint8_t *)"hello world, not perfcast", 25, "x.txt", NULL, &err) == PC_EFORMAT);
    PC_CHECK(strstr(err.msg, "x.txt") && strstr(err.msg, "not a perfcast result file"));
    /* a newer major version */
    make_run(&f);
    f.buf[8] = PC_FORMAT_MAJOR + 1;
    pc_model_reset(m);
    PC_CHECK(pc_model_load(m, f.buf, f.len, "new.pcast", NULL, &err) == PC_EVERSION);
    PC_CHECK(strstr(err.msg, "new.pcast") && strstr(err.msg, "version 2"));
    /* a well-framed record with a malformed payload: error names record number and byte */
    file_begin(&f);
    file_add(&f, PC_REC_HEADER, header_json);
    file_add(&f, PC_REC_WINDOW, "{\"t\":1,\"series\":\"spsc\",\"count\":1}");
    pc_model_reset(m);
    PC_CHECK(pc_model_load(m, f.buf, f.len, "bad.pcast", NULL, &err) == PC_EFORMAT);
    char want[64];
    snprintf(want, sizeof want, "record 2 at byte %zu", f.offsets[1]);
    PC_CHECK(strstr(err.msg, want) != NULL);
    PC_CHECK(strstr(err.msg, "\"dt\"") != NULL);
    /* records before the header */
    file_begin(&f);
    file_add(&f, PC_REC_END, "{\"status\":\"ok\"}");
    pc_model_reset(m);
    PC_CHECK(pc_model_load(m, f.buf, f.len, "nohdr.pcast", NULL, &err) == PC_EFORMAT);
    /* only the file header */
    pc_model_reset(m);
    PC_CHECK(pc_model_load(m, f.buf, PC_FILE_HEADER_SIZE, "empty.pcast", NULL, &err) == PC_ETRUNC);
    pc_model_destroy(m);
}

static void model_should_reject_bad_hist_deltas_without_applying_them(void) {
    static file_t f;
    file_begin(&f);
    file_add(&f, PC_REC_HEADER, header_json);
    pc_model_t *m = pc_model_create();
    pc_errbuf_t err = {{0}};
    PC_CHECK(pc_model_feed(m, f.buf + PC_FILE_HEADER_SIZE, f.len - PC_FILE_HEADER_SIZE, &err) == 0);
    const char *bad[] = {
        "{\"series\":\"spsc\",\"b\":[1,2,3]}",
        "{\"series\":\"spsc\",\"b\":[100,1,999999,1]}",
        "{\"series\":\"spsc\",\"b\":[100,-1]}",
        "{\"series\":\"spsc\",\"b\":\"nope\"}",
        "{\"b\":[1,1]}",
        "not json at all",
        "{\"series\":\"spsc\",\"b\":[100,1e30]}",
        "{\"series\":\"spsc\",\"b\":[1e300,1]}",
        "{\"series\":\"spsc\",\"b\":[100,1.5]}",
        "{\"series\":\"spsc\",\"b\":[100,1.8e19,101,1.8e19]}",
        "{\"series\":\"spsc\",\"b\":[100,1],\"min\":-5,\"max\":10}",
        "{\"series\":\"spsc\",\"b\":[100,1],\"min\":50,\"max\":1e300}",
        "{\"series\":\"spsc\",\"b\":[100,1],\"min\":50,\"max\":10}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        uint8_t rec[256];
        size_t n = pc_record_encode(rec, sizeof rec, PC_REC_HIST, PC_ENC_JSON, bad[i], strlen(bad[i]));
        PC_CHECK(pc_model_feed(m, rec, n, &err) == PC_EFORMAT);
        PC_CHECK(strstr(err.msg, "byte 0") != NULL);
    }
    const pc_series_t *s = pc_model_series(m, "spsc");
    PC_CHECK(!s->has_hist);
    /* a cut wire message is an error, not a silent partial apply */
    uint8_t rec[64];
    size_t n = pc_record_encode(rec, sizeof rec, PC_REC_END, PC_ENC_JSON, "{\"status\":\"ok\"}", 15);
    PC_CHECK(pc_model_feed(m, rec, n - 1, &err) == PC_ETRUNC);
    PC_CHECK(!m->finished);
    pc_model_destroy(m);
}

static void model_reset_should_start_a_new_run_cleanly(void) {
    static file_t f;
    make_run(&f);
    pc_model_t *m = pc_model_create();
    PC_CHECK(pc_model_load(m, f.buf, f.len, "a", NULL, NULL) == 0);
    uint64_t v = m->version;
    pc_model_reset(m);
    PC_CHECK(m->version > v);
    PC_CHECK_EQ_U64(m->n_series, 0);
    PC_CHECK(m->header == NULL && m->summary == NULL && !m->finished);
    PC_CHECK(pc_model_load(m, f.buf, f.len, "a", NULL, NULL) == 0);
    PC_CHECK_EQ_U64(pc_model_series(m, "spsc")->hist->total, 20); /* not 40: reset really emptied it */
    pc_model_destroy(m);
}

static void model_should_rebuild_histograms_at_any_time(void) {
    static file_t f;
    make_run(&f); /* spsc deltas at t=0.1 (5@100, 5@200) and t=0.2 (10@100) */
    pc_model_t *m = pc_model_create();
    PC_CHECK(pc_model_load(m, f.buf, f.len, "a", NULL, NULL) == 0);
    const pc_series_t *s = pc_model_series(m, "spsc");
    static pc_hist_t h;
    PC_CHECK(pc_model_hist_at(s, 0.05, &h) == 0);
    PC_CHECK_EQ_U64(h.total, 0);
    PC_CHECK(pc_model_hist_at(s, 0.15, &h) == 0);
    PC_CHECK_EQ_U64(h.total, 10);
    PC_CHECK_EQ_U64(h.counts[100], 5);
    PC_CHECK(pc_model_hist_at(s, 5.0, &h) == 0);
    PC_CHECK(memcmp(h.counts, s->hist->counts, sizeof h.counts) == 0);
    PC_CHECK(pc_model_hist_at(s, -1, &h) == 0);
    PC_CHECK_EQ_U64(h.total, 20);
    pc_model_destroy(m);
}

static void model_should_keep_book_frames_in_time_order(void) {
    static file_t f;
    file_begin(&f);
    file_add(&f, PC_REC_HEADER, header_json);
    file_add(&f, PC_REC_BOOK, "{\"t\":0.1,\"mid\":100.5,\"spread\":1,\"bids\":[[100,5],[99,7]],\"asks\":[[101,3]],"
                              "\"trades\":[[100,2,-1],[101,1,1]]}");
    file_add(&f, PC_REC_BOOK, "{\"t\":0.2,\"mid\":101,\"spread\":2,\"bids\":[],\"asks\":[]}");
    pc_model_t *m = pc_model_create();
    pc_errbuf_t err = {{0}};
    PC_CHECK(pc_model_load(m, f.buf, f.len, "b", NULL, &err) == 0);
    PC_CHECK_EQ_U64(m->n_book, 2);
    PC_CHECK(pc_model_book_at(m, 0.05) == NULL);
    const pc_book_frame_t *b = pc_model_book_at(m, 0.15);
    PC_CHECK(b && b->t == 0.1 && b->n_bids == 2 && b->n_asks == 1 && b->n_trades == 2);
    PC_CHECK(b->bids[1].price == 99 && b->bids[1].size == 7 && b->trades[0].side == -1);
    PC_CHECK(pc_model_book_at(m, -1)->t == 0.2);
    PC_CHECK(pc_model_book_at(m, 9)->t == 0.2);
    /* a malformed level names the field and position */
    file_add(&f, PC_REC_BOOK, "{\"t\":0.3,\"bids\":[[100,5],[\"x\",1]]}");
    pc_model_reset(m);
    PC_CHECK(pc_model_load(m, f.buf, f.len, "b", NULL, &err) == PC_EFORMAT);
    PC_CHECK(strstr(err.msg, "\"bids\"[1]") != NULL);
    pc_model_destroy(m);
}

static void model_should_collect_metric_samples_per_series(void) {
    static file_t f;
    file_begin(&f);
    file_add(&f, PC_REC_HEADER, header_json);
    file_add(&f, PC_REC_METRIC, "{\"t\":0.1,\"values\":{\"cpu_percent\":50,\"rss_mb\":10.5}}");
    file_add(&f, PC_REC_METRIC, "{\"t\":0.2,\"values\":{\"cpu_percent\":75}}");
    pc_model_t *m = pc_model_create();
    pc_errbuf_t err = {{0}};
    PC_CHECK(pc_model_load(m, f.buf, f.len, "m", NULL, &err) == 0);
    const pc_series_t *cpu = pc_model_series(m, "cpu_percent"), *rss = pc_model_series(m, "rss_mb");
    PC_CHECK(cpu && rss);
    PC_CHECK_EQ_U64(cpu->n_samples, 2);
    PC_CHECK(cpu->samples[1].t == 0.2 && cpu->samples[1].value == 75);
    PC_CHECK_EQ_U64(rss->n_samples, 1);
    file_add(&f, PC_REC_METRIC, "{\"t\":0.3,\"values\":{\"cpu_percent\":\"high\"}}");
    pc_model_reset(m);
    PC_CHECK(pc_model_load(m, f.buf, f.len, "m", NULL, &err) == PC_EFORMAT);
    PC_CHECK(strstr(err.msg, "cpu_percent") != NULL);
    pc_model_destroy(m);
}

static void model_should_keep_baselines_and_alert_state_over_time(void) {
    static file_t f;
    file_begin(&f);
    file_add(&f, PC_REC_HEADER, header_json);
    file_add(&f, PC_REC_METRIC, "{\"t\":0.1,\"values\":{\"render_ms\":10,\"fps\":100}}");
    file_add(&f, PC_REC_BASELINE, "{\"t\":0.2,\"threshold\":0.25,\"values\":{\"render_ms\":10,\"fps\":100},"
                                  "\"lower_is_better\":{\"render_ms\":true,\"fps\":false}}");
    file_add(&f, PC_REC_ALERT, "{\"t\":0.5,\"metric\":\"render_ms\",\"baseline\":10,\"current\":14,\"change\":0.4,"
                               "\"threshold\":0.25,\"lower_is_better\":true,\"active\":true}");
    file_add(&f, PC_REC_ALERT, "{\"t\":0.9,\"metric\":\"render_ms\",\"baseline\":10,\"current\":11,\"change\":0.1,"
                               "\"threshold\":0.25,\"lower_is_better\":true,\"active\":false}");
    pc_model_t *m = pc_model_create();
    pc_errbuf_t err = {{0}};
    PC_CHECK(m->baseline_t < 0);
    PC_CHECK(pc_model_load(m, f.buf, f.len, "m", NULL, &err) == 0);
    const pc_series_t *r = pc_model_series(m, "render_ms"), *fps = pc_model_series(m, "fps");
    PC_CHECK(r && r->has_baseline && r->baseline == 10 && r->lower_is_better == 1);
    PC_CHECK(fps && fps->has_baseline && fps->lower_is_better == 0);
    PC_CHECK(m->alert_threshold == 0.25 && m->baseline_t == 0.2);
    PC_CHECK_EQ_U64(m->n_alerts, 2);
    PC_CHECK(pc_model_alert_at(m, "render_ms", 0.4) == NULL); /* before it */
    const pc_alert_t *a = pc_model_alert_at(m, "render_ms", 0.6);
    PC_CHECK(a && a->current == 14 && a->change == 0.4);
    PC_CHECK(pc_model_alert_at(m, "render_ms", 1.0) == NULL); /* recovered */
    PC_CHECK(pc_model_alert_at(m, "render_ms", -1) == NULL);
    PC_CHECK(pc_model_alert_at(m, "fps", 0.6) == NULL);
    /* a later baseline replaces the earlier one entirely */
    file_add(&f, PC_REC_BASELINE, "{\"t\":1.0,\"threshold\":0.2,\"values\":{\"fps\":90}}");
    pc_model_reset(m);
    PC_CHECK(pc_model_load(m, f.buf, f.len, "m", NULL, &err) == 0);
    PC_CHECK(!pc_model_series(m, "render_ms")->has_baseline);
    PC_CHECK(pc_model_series(m, "fps")->baseline == 90 && pc_model_series(m, "fps")->lower_is_better == -1);
    /* malformed ones name the field */
    file_add(&f, PC_REC_ALERT, "{\"t\":1.1,\"metric\":\"fps\",\"baseline\":10,\"current\":11,\"change\":0.1,"
                               "\"threshold\":0.25,\"lower_is_better\":1,\"active\":false}");
    pc_model_reset(m);
    PC_CHECK(pc_model_load(m, f.buf, f.len, "m", NULL, &err) == PC_EFORMAT);
    PC_CHECK(strstr(err.msg, "lower_is_better") != NULL);
    file_begin(&f);
    file_add(&f, PC_REC_HEADER, header_json);
    file_add(&f, PC_REC_BASELINE, "{\"t\":1.0,\"threshold\":0,\"values\":{}}");
    pc_model_reset(m);
    PC_CHECK(pc_model_load(m, f.buf, f.len, "m", NULL, &err) == PC_EFORMAT);
    PC_CHECK(strstr(err.msg, "threshold") != NULL);
    pc_model_destroy(m);
}

/* Found while writing fuzz_model (by review: the native fuzzer's 64-bit size_t cannot wrap): a
 * frame record's size was checked as size_t (u16 w) * h * 3, which in the 32-bit wasm viewer
 * wraps: 34179 x 41887 x 3 = 2^32 + 23, so a 35-byte payload passed for a 34179 x 41887 frame
 * and the fractal view read far past its 23 bytes (out-of-bounds trap). Natively this passes
 * either way; test_model_wasm (the same file under node) failed it before the fix. */
static void model_should_refuse_frame_records_whose_size_wraps_32_bits(void) {
    pc_model_t *m = pc_model_create();
    pc_errbuf_t err = {{0}};
    const char *h = "{\"suite\":\"fractal\"}";
    pc_record_t rec = {PC_REC_HEADER, PC_ENC_JSON, (uint32_t)strlen(h), (const uint8_t *)h};
    PC_CHECK(pc_model_apply(m, &rec, &err) == 0);
    uint8_t p[12 + 23] = {0};
    uint32_t w = 34179, hh = 41887;
    p[0] = (uint8_t)w, p[1] = (uint8_t)(w >> 8), p[2] = (uint8_t)hh, p[3] = (uint8_t)(hh >> 8);
    rec = (pc_record_t){PC_REC_FRAME, PC_ENC_BINARY, sizeof p, p};
    PC_CHECK(pc_model_apply(m, &rec, &err) == PC_EFORMAT);
    PC_CHECK(strstr(err.msg, "4294967331 bytes") != NULL); /* the true size, not the wrapped one */
    PC_CHECK_EQ_U64(m->n_img, 0);
    /* a frame whose payload holds its pixels is kept */
    uint8_t ok[12 + 2 * 1 * 3] = {2, 0, 1, 0, 9, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6};
    rec = (pc_record_t){PC_REC_FRAME, PC_ENC_BINARY, sizeof ok, ok};
    PC_CHECK(pc_model_apply(m, &rec, &err) == 0);
    PC_CHECK_EQ_U64(m->n_img, 1);
    PC_CHECK(m->img[0].w == 2 && m->img[0].h == 1 && m->img[0].frame == 9 && m->img_len == 6);
    pc_model_destroy(m);
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    PC_RUN(model_should_keep_baselines_and_alert_state_over_time);
    PC_RUN(model_should_build_from_a_complete_file);
    PC_RUN(model_should_open_a_torn_file_up_to_its_last_whole_record);
    PC_RUN(model_should_name_file_and_position_of_errors);
    PC_RUN(model_should_reject_bad_hist_deltas_without_applying_them);
    PC_RUN(model_reset_should_start_a_new_run_cleanly);
    PC_RUN(model_should_rebuild_histograms_at_any_time);
    PC_RUN(model_should_keep_book_frames_in_time_order);
    PC_RUN(model_should_collect_metric_samples_per_series);
    PC_RUN(model_should_refuse_frame_records_whose_size_wraps_32_bits);
    return pc_test_done();
}
