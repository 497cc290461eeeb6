/* Tracker: nested timers and the call tree, many threads, history bound, baseline save/load,
 * regression directions, and the result file it writes (loaded by the model). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cJSON.h"
#include "model.h"
#include "pc_test.h"
#include "record.h"
#include "tracker.h"

static char tmp_path[256];

static const char *tmp_file(const char *what) {
    snprintf(tmp_path, sizeof tmp_path, "/tmp/pc_test_tracker_%d_%s", (int)getpid(), what);
    return tmp_path;
}

static void spin(volatile int n) {
    while (n-- > 0) {}
}

static void tracker_should_nest_timers_and_record_parents(void) {
    PC_CHECK(pc_tracker_init(NULL) == 0);
    PC_CHECK(pc_tracker_init(NULL) == PC_ESTATE);
    for (int i = 0; i < 3; i++) {
        PC_CHECK(pc_tracker_start_timer("outer") == 0);
        for (int k = 0; k < 2; k++) {
            PC_CHECK(pc_tracker_start_timer("inner") == 0);
            spin(1000);
            double s = pc_tracker_end_timer("inner");
            PC_CHECK(s >= 0 && s < 1);
        }
        PC_CHECK(pc_tracker_end_timer("inner") < 0); /* "outer" is innermost now */
        double so = pc_tracker_end_timer("outer");
        PC_CHECK(so > 0);
    }
    PC_CHECK(pc_tracker_end_timer("outer") < 0); /* nothing running */
    pc_tracker_timer_stats_t st;
    PC_CHECK(pc_tracker_timer_stats("inner", &st) == 0);
    PC_CHECK_EQ_U64(st.count, 6);
    PC_CHECK(pc_tracker_timer_stats("outer", &st) == 0);
    PC_CHECK_EQ_U64(st.count, 3);
    PC_CHECK(st.min_ns > 0 && st.mean_ns >= (double)st.min_ns);
    pc_tracker_shutdown();
}

static void tracker_should_time_scopes_and_functions(void) {
    PC_CHECK(pc_tracker_init(NULL) == 0);
    for (int i = 0; i < 4; i++) {
        PC_TRACK("block") { spin(100); }
    }
    {
        PC_TRACK_FUNC();
        spin(100);
    }
    pc_tracker_timer_stats_t st;
    PC_CHECK(pc_tracker_timer_stats("block", &st) == 0);
    PC_CHECK_EQ_U64(st.count, 4);
    PC_CHECK(pc_tracker_timer_stats("tracker_should_time_scopes_and_functions", &st) == 0);
    PC_CHECK_EQ_U64(st.count, 1);
    pc_tracker_shutdown();
}

#define N_THREADS 8
#define N_PAIRS 20000

static void *worker(void *arg) {
    (void)arg;
    for (int i = 0; i < N_PAIRS; i++) {
        PC_TRACK("mt.outer") {
            PC_TRACK("mt.inner") { spin(5); }
        }
    }
    return NULL;
}

static void tracker_should_count_every_pair_from_many_threads(void) {
    pc_tracker_config_t cfg = pc_tracker_defaults();
    cfg.path = tmp_file("mt.pcast");
    cfg.flush_interval_s = 0.002; /* the flusher reads while the threads write */
    PC_CHECK(pc_tracker_init(&cfg) == 0);
    pthread_t th[N_THREADS];
    for (int i = 0; i < N_THREADS; i++) PC_CHECK(pthread_create(&th[i], NULL, worker, NULL) == 0);
    for (int i = 0; i < N_THREADS; i++) pthread_join(th[i], NULL);
    pc_tracker_timer_stats_t st;
    PC_CHECK(pc_tracker_timer_stats("mt.inner", &st) == 0);
    PC_CHECK_EQ_U64(st.count, (uint64_t)N_THREADS * N_PAIRS);
    pc_tracker_shutdown();

    /* the file: hist deltas add up to every pair; the last calls record has the edge */
    size_t len;
    uint8_t *buf = pc_test_slurp(cfg.path, &len);
    PC_CHECK(buf != NULL);
    pc_model_t *m = pc_model_create();
    pc_errbuf_t err = {0};
    PC_CHECK(pc_model_load(m, buf, len, "mt.pcast", NULL, &err) == 0);
    const pc_series_t *s = pc_model_series(m, "timer:mt.inner");
    PC_CHECK(s && s->has_hist);
    if (s && s->hist) PC_CHECK_EQ_U64(s->hist->total, (uint64_t)N_THREADS * N_PAIRS);
    PC_CHECK_EQ_STR(m->suite, "tracker");
    PC_CHECK(m->finished);
    pc_model_destroy(m);
    /* find the last calls record by hand (the model does not keep it) */
    size_t off = PC_FILE_HEADER_SIZE, used;
    pc_record_t rec;
    double inner_calls = -1;
    while (off < len && pc_record_decode(buf + off, len - off, &rec, &used) == 0) {
        if (rec.kind == PC_REC_CALLS) {
            cJSON *o = cJSON_ParseWithLength((const char *)rec.payload, rec.len), *e;
            cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "edges")) {
                if (!strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "parent")), "mt.outer") &&
                    !strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(e, "child")), "mt.inner"))
                    inner_calls = cJSON_GetNumberValue(cJSON_GetObjectItem(e, "calls"));
            }
            cJSON_Delete(o);
        }
        off += used;
    }
    PC_CHECK(inner_calls == (double)N_THREADS * N_PAIRS);
    free(buf);
    remove(cfg.path);
}

static void tracker_should_bound_history(void) {
    pc_tracker_config_t cfg = pc_tracker_defaults();
    cfg.history_cap = 5;
    PC_CHECK(pc_tracker_init(&cfg) == 0);
    for (int i = 0; i < 12; i++) PC_CHECK(pc_tracker_track_metric("render_ms", i) == 0);
    double v = -1;
    PC_CHECK(pc_tracker_get_metric("render_ms", &v) == 0 && v == 11);
    PC_CHECK(pc_tracker_get_metric("nope", &v) == PC_ENOTFOUND);
    pc_tracker_sample_t h[16];
    uint64_t dropped = 0;
    size_t n = pc_tracker_history("render_ms", h, 16, &dropped);
    PC_CHECK(n == 5);
    PC_CHECK_EQ_U64(dropped, 7);
    for (size_t i = 0; i < n; i++) PC_CHECK(h[i].value == 7 + (double)i);
    for (size_t i = 1; i < n; i++) PC_CHECK(h[i].t >= h[i - 1].t);
    PC_CHECK(pc_tracker_history("render_ms", h, 2, NULL) == 2 && h[1].value == 11);
    pc_tracker_shutdown();
}

static void tracker_should_save_and_load_baselines(void) {
    PC_CHECK(pc_tracker_init(NULL) == 0);
    pc_tracker_track_metric("fps", 60);
    pc_tracker_track_metric("render_ms", 10);
    PC_CHECK(pc_tracker_set_baseline() == 0);
    const char *path = tmp_file("base.json");
    char keep[256];
    snprintf(keep, sizeof keep, "%s", path);
    PC_CHECK(pc_tracker_save_baseline(keep) == 0);
    pc_tracker_shutdown();

    PC_CHECK(pc_tracker_init(NULL) == 0);
    double v = 0;
    PC_CHECK(pc_tracker_get_baseline("fps", &v) == PC_ENOTFOUND); /* a new start has none */
    PC_CHECK(pc_tracker_load_baseline(keep) == 0);
    PC_CHECK(pc_tracker_get_baseline("fps", &v) == 0 && v == 60);
    PC_CHECK(pc_tracker_get_baseline("render_ms", &v) == 0 && v == 10);
    FILE *f = fopen(keep, "w");
    fputs("{\"baselines\": [1, 2]}", f);
    fclose(f);
    PC_CHECK(pc_tracker_load_baseline(keep) == PC_EFORMAT);
    PC_CHECK(pc_tracker_load_baseline("/nonexistent/dir/x.json") == PC_EIO);
    pc_tracker_shutdown();
    remove(keep);
}

static void tracker_should_detect_regressions_in_each_direction(void) {
    PC_CHECK(pc_tracker_init(NULL) == 0);
    pc_tracker_track_metric("fps", 60);
    pc_tracker_track_metric("render_ms", 10);
    pc_tracker_track_metric("score", 100);
    pc_tracker_set_direction("score", PC_TRACKER_LOWER_BETTER);
    pc_tracker_set_baseline();
    pc_tracker_regression_t r[8];
    PC_CHECK(pc_tracker_detect_regressions(0.2, r, 8) == 0);
    pc_tracker_track_metric("fps", 70);       /* better: higher */
    pc_tracker_track_metric("render_ms", 8);  /* better: lower */
    pc_tracker_track_metric("score", 90);     /* better: lower (set) */
    PC_CHECK(pc_tracker_detect_regressions(0.2, r, 8) == 0);
    pc_tracker_track_metric("fps", 40);        /* 33% worse */
    pc_tracker_track_metric("render_ms", 11);  /* 10% worse: under the threshold */
    pc_tracker_track_metric("score", 130);     /* 30% worse */
    int n = pc_tracker_detect_regressions(0.2, r, 8);
    PC_CHECK(n == 2);
    int saw_fps = 0, saw_score = 0;
    for (int i = 0; i < n && i < 8; i++) {
        if (!strcmp(r[i].metric, "fps")) {
            saw_fps = 1;
            PC_CHECK(!r[i].lower_is_better && r[i].baseline == 60 && r[i].current == 40);
            PC_CHECK(r[i].change > 0.33 && r[i].change < 0.34);
        }
        if (!strcmp(r[i].metric, "score")) saw_score = r[i].lower_is_better;
    }
    PC_CHECK(saw_fps && saw_score);
    pc_tracker_track_metric("render_ms", 20); /* 100% worse; the default threshold is 0.2 */
    PC_CHECK(pc_tracker_detect_regressions(0, r, 1) == 3);
    pc_tracker_shutdown();
}

/* Alerts go out on transitions only (into regression, and back), after the baseline record;
 * the resource sampler's samples become metric records; the model reads all of it back. */
static void tracker_should_write_baseline_alert_and_resource_records(void) {
    const char *path = tmp_file("alerts.pcast");
    pc_tracker_config_t cfg = pc_tracker_defaults();
    cfg.path = path;
    cfg.regression_threshold = 0.25;
    cfg.resource_interval_s = 0.01;
    PC_CHECK(pc_tracker_init(&cfg) == 0);
    pc_tracker_track_metric("render_ms", 10);
    PC_CHECK(pc_tracker_set_baseline() == 0);
    double v[] = {10, 14, 15, 11, 16}; /* ok, worse, still worse, recovered, worse again */
    int found[5];
    for (int i = 0; i < 5; i++) {
        pc_tracker_track_metric("render_ms", v[i]);
        found[i] = pc_tracker_detect_regressions(0, NULL, 0);
        usleep(5000);
    }
    PC_CHECK(found[0] == 0 && found[1] == 1 && found[2] == 1 && found[3] == 0 && found[4] == 1);
    usleep(30000); /* a few resource samples */
    pc_tracker_shutdown();
    size_t len = 0;
    uint8_t *buf = pc_test_slurp(path, &len);
    PC_CHECK(buf != NULL);
    pc_model_t *m = pc_model_create();
    pc_errbuf_t err = {{0}};
    PC_CHECK(pc_model_load(m, buf, len, path, NULL, &err) == 0);
    PC_CHECK(m->alert_threshold == 0.25);
    const pc_series_t *r = pc_model_series(m, "render_ms");
    PC_CHECK(r && r->has_baseline && r->baseline == 10 && r->lower_is_better == 1);
    PC_CHECK_EQ_U64(m->n_alerts, 3); /* in, out, in: repeats are not re-sent */
    PC_CHECK(m->alerts[0].active && m->alerts[0].current == 14 && m->alerts[0].threshold == 0.25);
    PC_CHECK(!m->alerts[1].active && m->alerts[1].current == 11);
    PC_CHECK(m->alerts[2].active && m->alerts[2].change > 0.59 && m->alerts[2].change < 0.61);
    PC_CHECK(pc_model_alert_at(m, "render_ms", -1) == &m->alerts[2]);
    const pc_series_t *cpu = pc_model_series(m, "cpu_percent"), *core = pc_model_series(m, "core0_percent");
    PC_CHECK(cpu && cpu->n_samples >= 2 && core && core->n_samples >= 1);
    PC_CHECK(pc_model_series(m, "io_write_mb_s") && pc_model_series(m, "iowait_percent"));
    /* a tracker file names the dashboard and carries the machine */
    PC_CHECK(cJSON_GetObjectItemCaseSensitive(m->header, "system") != NULL);
    const cJSON *views = cJSON_GetObjectItemCaseSensitive(m->header, "views");
    PC_CHECK(cJSON_IsArray(views) && !strcmp(cJSON_GetStringValue(cJSON_GetArrayItem(views, 0)) ?: "", "dashboard"));
    pc_model_destroy(m);
    free(buf);
    remove(path);
}

static void tracker_should_refuse_use_when_not_started(void) {
    PC_CHECK(pc_tracker_start_timer("x") == PC_ESTATE);
    PC_CHECK(pc_tracker_track_metric("x", 1) == PC_ESTATE);
    PC_CHECK(pc_tracker_flush() == PC_ESTATE);
    PC_TRACK("untracked") { spin(10); } /* runs untimed, no crash */
    char longname[80];
    memset(longname, 'a', sizeof longname - 1);
    longname[79] = 0;
    PC_CHECK(pc_tracker_timer_id(longname) == PC_EINVAL);
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    PC_RUN(tracker_should_nest_timers_and_record_parents);
    PC_RUN(tracker_should_time_scopes_and_functions);
    PC_RUN(tracker_should_count_every_pair_from_many_threads);
    PC_RUN(tracker_should_bound_history);
    PC_RUN(tracker_should_save_and_load_baselines);
    PC_RUN(tracker_should_detect_regressions_in_each_direction);
    PC_RUN(tracker_should_write_baseline_alert_and_resource_records);
    PC_RUN(tracker_should_refuse_use_when_not_started);
    return pc_test_done();
}
