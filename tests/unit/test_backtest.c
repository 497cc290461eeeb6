/* test_backtest.c — the profiler (percentiles against a sorted reference, call counts, chained
 * stamps), the backtest engine (PnL on a hand-checked tick file, profiled == unprofiled), the
 * CSV reader's line-numbered errors, the compare statistics, and the suite end to end. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gpu.h"
#include "model.h"
#include "pc_test.h"
#include "profiler.h"
#include "resources.h"
#include "run.h"
#include "stats.h"
#include "suite.h"
#include "suites/backtest/bt_engine.h"
#include "suites/backtest/bt_ticks.h"

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* ---- profiler ---- */

static void profiler_should_match_sorted_reference_percentiles(void) {
    pc_prof_t *p = pc_prof_create();
    PC_CHECK(p);
    int id = pc_prof_component(p, "stage");
    PC_CHECK(id == 0);
    enum { N = 20000 };
    uint64_t *ref = malloc(N * sizeof *ref);
    uint64_t s = 12345;
    double sum = 0;
    for (int i = 0; i < N; i++) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        /* a skewed mix: mostly tens of ns, a tail into milliseconds */
        uint64_t v = (s >> 33) % 100 < 95 ? 20 + (s >> 40) % 200 : 1000 + (s >> 20) % 3000000;
        ref[i] = v;
        sum += (double)v;
        pc_chist_record(pc_prof_hist(p, id), v);
    }
    qsort(ref, N, sizeof *ref, cmp_u64);
    pc_prof_stats_t st;
    PC_CHECK(pc_prof_stats(p, id, &st) == 0);
    PC_CHECK_EQ_U64(st.count, N);
    PC_CHECK_EQ_U64(st.min_ns, ref[0]);
    PC_CHECK_EQ_U64(st.max_ns, ref[N - 1]);
    PC_CHECK(fabs(st.mean_ns - sum / N) < 1e-6 * sum / N);
    const double qs[5] = {0.5, 0.9, 0.95, 0.99, 0.999};
    const uint64_t got[5] = {st.p50_ns, st.p90_ns, st.p95_ns, st.p99_ns, st.p999_ns};
    for (int i = 0; i < 5; i++) {
        uint64_t want = ref[(size_t)ceil(qs[i] * N) - 1];
        /* the bucket's upper bound: never below the true value, at most 1/64 above it */
        PC_CHECK(got[i] >= want);
        PC_CHECK((double)got[i] <= (double)want * (1 + 1.0 / 64) + 1);
    }
    PC_CHECK(pc_prof_stats(p, 7, &st) == PC_ENOTFOUND);
    free(ref);
    pc_prof_destroy(p);
}

static void profiler_should_count_every_tick_and_component(void) {
    pc_prof_t *p = pc_prof_create();
    PC_CHECK(p);
    int a = pc_prof_component(p, "a"), b = pc_prof_component(p, "b");
    PC_CHECK(a == 0 && b == 1);
    PC_CHECK(pc_prof_component(p, "a") == 0); /* same name, same id */
    PC_CHECK(pc_prof_component(p, "") == PC_EINVAL);
    PC_CHECK_EQ_STR(pc_prof_name(p, b), "b");
    PC_CHECK_EQ_STR(pc_prof_name(p, PC_PROF_TICK), "tick");
    volatile uint64_t sink = 0;
    pc_prof_tick_begin(p);
    for (int i = 0; i < 1000; i++) {
        for (int k = 0; k < 50; k++) sink += (uint64_t)k * i;
        pc_prof_lap(p, a);
        for (int k = 0; k < 50; k++) sink += (uint64_t)k ^ i;
        pc_prof_tick_next(p, b);
    }
    pc_prof_tick_begin(p);
    pc_prof_begin(p, a);
    pc_prof_end(p, a);
    pc_prof_tick_end(p);
    pc_prof_stats_t t, sa, sb;
    pc_prof_stats(p, PC_PROF_TICK, &t);
    pc_prof_stats(p, a, &sa);
    pc_prof_stats(p, b, &sb);
    PC_CHECK_EQ_U64(t.count, 1001);
    PC_CHECK_EQ_U64(sa.count, 1001);
    PC_CHECK_EQ_U64(sb.count, 1000);
    /* chained stamps: the stages add up to the ticks (one ns of rounding per record at most) */
    PC_CHECK(fabs(sa.total_ns + sb.total_ns - t.total_ns) <= 3000 + 1e-3 * t.total_ns);
    pc_prof_reset(p);
    pc_prof_stats(p, PC_PROF_TICK, &t);
    PC_CHECK_EQ_U64(t.count, 0);
    pc_prof_destroy(p);
}

/* The chained calls record one step late: the last durations wait until pc_prof_flush. */
static void profiler_should_hold_the_last_chained_durations_until_flushed(void) {
    pc_prof_t *p = pc_prof_create();
    PC_CHECK(p);
    int a = pc_prof_component(p, "a"), b = pc_prof_component(p, "b");
    pc_prof_tick_begin(p);
    for (int i = 0; i < 10; i++) {
        pc_prof_lap(p, a);
        pc_prof_tick_next(p, b);
    }
    pc_prof_stats_t t, sa, sb;
    pc_prof_stats(p, PC_PROF_TICK, &t);
    pc_prof_stats(p, a, &sa);
    pc_prof_stats(p, b, &sb);
    PC_CHECK_EQ_U64(t.count, 9); /* the 10th tick and its stage b wait */
    PC_CHECK_EQ_U64(sa.count, 10);
    PC_CHECK_EQ_U64(sb.count, 9);
    pc_prof_flush(p);
    pc_prof_flush(p); /* twice records nothing twice */
    pc_prof_stats(p, PC_PROF_TICK, &t);
    pc_prof_stats(p, b, &sb);
    PC_CHECK_EQ_U64(t.count, 10);
    PC_CHECK_EQ_U64(sb.count, 10);
    pc_prof_tick_chain(p); /* a tick with no stage timed: waits too */
    pc_prof_stats(p, PC_PROF_TICK, &t);
    PC_CHECK_EQ_U64(t.count, 10);
    pc_prof_tick_begin(p); /* which flushes */
    pc_prof_stats(p, PC_PROF_TICK, &t);
    PC_CHECK_EQ_U64(t.count, 11);
    pc_prof_destroy(p);
}

/* ---- engine on a hand-checked file ---- */

/* Worked by hand (fast 1, slow 2, qty 10, fee 1 bp):
 *   t3 mid rises above the 2-tick mean -> buy 10 at the ask 100.12
 *   t5 mid falls below                 -> sell 20 at the bid 100.00: closes 10 (-1.20), opens -10 at 100.00
 *   t6 mark at mid 99.91: unrealized -10 x (99.91 - 100.00) = +0.90
 *   fees 1 bp of 1001.20 + 2000.00 = 0.30012; PnL -1.20 + 0.90 - 0.30012 = -0.60012
 *   equity: 999.79988 (t3), 1000.79988 (t4, the peak), 998.39988 (t5): max drawdown 2.40 */
static const char HAND_CSV[] =
    "ts_ns,bid,ask,bid_size,ask_size\n"
    "# a comment line\n"
    "1000,100.00,100.02,100,100\n"
    "2000,100.00,100.02,100,100\n"
    "3000,100.10,100.12,100,100\n"
    "\n"
    "4000,100.20,100.22,100,100\n"
    "5000,100.00,100.02,100,100\n"
    "6000,99.90,99.92,100,100\n";

static void hand_config(pc_bt_config_t *cfg) {
    pc_bt_config_default(cfg);
    cfg->fast = 1;
    cfg->slow = 2;
    cfg->qty = 10;
    cfg->max_position = 10;
    cfg->fee_bps = 1;
    cfg->max_drawdown = 0;
    cfg->max_orders_per_s = 0;
    cfg->capital = 1000;
}

static void engine_should_match_hand_checked_pnl(void) {
    pc_bt_msg_t *msgs;
    size_t n;
    pc_errbuf_t err;
    PC_CHECK(pc_bt_csv_parse(HAND_CSV, sizeof HAND_CSV - 1, "hand.csv", &msgs, &n, &err) == 0);
    PC_CHECK_EQ_U64(n, 6);
    PC_CHECK(msgs[2].ask == 1001200); /* 100.12 in 1/10000 */
    pc_bt_config_t cfg;
    hand_config(&cfg);
    pc_bt_engine_t e;
    PC_CHECK(pc_bt_engine_init(&e, &cfg) == 0);
    pc_bt_run(&e, msgs, n);
    PC_CHECK_EQ_U64(e.fills, 2);
    PC_CHECK_EQ_U64(e.volume, 30);
    PC_CHECK(e.position == -10);
    PC_CHECK(fabs(e.realized - (-1.20)) < 1e-9);
    PC_CHECK(fabs(e.unrealized - 0.90) < 1e-9);
    PC_CHECK(fabs(e.fees - 0.30012) < 1e-9);
    PC_CHECK(fabs(pc_bt_pnl(&e) - (-0.60012)) < 1e-9);
    PC_CHECK(fabs(e.equity - 999.39988) < 1e-9);
    PC_CHECK(fabs(e.max_drawdown - 2.40) < 1e-9);

    /* the same ticks profiled give the same state to the bit */
    pc_bt_engine_t e2;
    PC_CHECK(pc_bt_engine_init(&e2, &cfg) == 0);
    pc_prof_t *p = pc_prof_create();
    pc_bt_prof_ids_t ids;
    PC_CHECK(pc_bt_prof_ids(p, &ids) == 0);
    unsigned cd = 1;
    pc_bt_run_profiled(&e2, msgs, n, p, &ids, 1, &cd);
    PC_CHECK(pc_bt_same_result(&e, &e2));
    pc_prof_stats_t st;
    pc_prof_stats(p, ids.execution, &st);
    PC_CHECK_EQ_U64(st.count, 6);
    pc_prof_destroy(p);
    pc_bt_engine_free(&e2);

    /* a bad message is counted, not traded on */
    pc_bt_engine_reset(&e);
    msgs[3].ask = msgs[3].bid - 1;
    pc_bt_run(&e, msgs, n);
    PC_CHECK_EQ_U64(e.bad_ticks, 1);
    pc_bt_engine_free(&e);
    free(msgs);
}

static void engine_should_enforce_risk_limits(void) {
    pc_bt_msg_t *msgs;
    size_t n;
    pc_errbuf_t err;
    PC_CHECK(pc_bt_csv_parse(HAND_CSV, sizeof HAND_CSV - 1, "hand.csv", &msgs, &n, &err) == 0);
    pc_bt_config_t cfg;
    hand_config(&cfg);
    cfg.max_notional = 1500; /* the 20-unit flip (2000) is too big */
    pc_bt_engine_t e;
    PC_CHECK(pc_bt_engine_init(&e, &cfg) == 0);
    pc_bt_run(&e, msgs, n);
    PC_CHECK_EQ_U64(e.fills, 1);
    PC_CHECK_EQ_U64(e.rejects[PC_BT_REJ_NOTIONAL], 1);
    PC_CHECK(e.position == 10);
    pc_bt_engine_free(&e);
    hand_config(&cfg);
    cfg.max_orders_per_s = 1; /* all six ticks lie within one second */
    PC_CHECK(pc_bt_engine_init(&e, &cfg) == 0);
    pc_bt_run(&e, msgs, n);
    PC_CHECK_EQ_U64(e.fills, 1);
    PC_CHECK_EQ_U64(e.rejects[PC_BT_REJ_RATE], 1);
    pc_bt_engine_free(&e);
    free(msgs);
}

/* ---- CSV errors ---- */

static void csv_expect_error(const char *text, const char *needle) {
    pc_bt_msg_t *msgs = NULL;
    size_t n = 0;
    pc_errbuf_t err = {{0}};
    int r = pc_bt_csv_parse(text, strlen(text), "t.csv", &msgs, &n, &err);
    if (r == 0) free(msgs);
    PC_CHECK(r == PC_EFORMAT);
    PC_CHECK(msgs == NULL);
    if (!strstr(err.msg, needle)) {
        fprintf(stderr, "  got: %s\n  want: %s\n", err.msg, needle);
        PC_CHECK(strstr(err.msg, needle));
    }
}

static void csv_should_report_bad_lines_with_their_numbers(void) {
    csv_expect_error("ts_ns,bid,ask,bid_size,ask_size\n1,1.00,1.01,1,1\n2,1.00,1.01,1\n", "t.csv:3: expected 5 columns");
    csv_expect_error("1,1.00,1.01,1,1\n2,1.02,1.01,1,1\n", "t.csv:2: ask 1.01 is not above bid 1.02");
    csv_expect_error("1,1.00,1.01,1,1\n\n# c\n2,abc,1.01,1,1\n", "t.csv:4: bid \"abc\" is not a price");
    csv_expect_error("1,1.00001,1.01,1,1\n", "t.csv:1: bid \"1.00001\" is not a price with at most 4 decimals");
    csv_expect_error("5,1.00,1.01,1,1\n4,1.00,1.01,1,1\n", "t.csv:2: ts_ns 4 is earlier");
    csv_expect_error("1,1.00,1.01,0,1\n", "t.csv:1: bid_size \"0\" is not a positive integer size");
    csv_expect_error("1,1.00,1.01,1,1,7\n", "t.csv:1: expected 5 columns");
    csv_expect_error("time,bid,ask\n", "t.csv:1: not a tick and not the header");
    csv_expect_error("# only a comment\n", "t.csv: no ticks");
    /* CRLF, spaces and an upper-case header are fine */
    const char ok[] = "TS_NS, BID, ASK, BID_SIZE, ASK_SIZE\r\n7, 2.5, 2.5001, 3, 4\r\n";
    pc_bt_msg_t *msgs;
    size_t n;
    pc_errbuf_t err;
    PC_CHECK(pc_bt_csv_parse(ok, sizeof ok - 1, "ok.csv", &msgs, &n, &err) == 0);
    PC_CHECK_EQ_U64(n, 1);
    PC_CHECK(msgs[0].bid == 25000 && msgs[0].ask == 25001 && msgs[0].ask_size == 4 && msgs[0].ts_ns == 7);
    free(msgs);
    PC_CHECK(pc_bt_csv_load("/nonexistent/ticks.csv", &msgs, &n, &err) == PC_EIO);
}

/* ---- statistics for compare ---- */

static void stats_should_give_exact_mann_whitney_p(void) {
    const double a[5] = {1, 2, 3, 4, 5}, b[5] = {6, 7, 8, 9, 10};
    double u;
    double p = pc_stats_mann_whitney(a, 5, b, 5, &u);
    PC_CHECK(u == 0);
    PC_CHECK(fabs(p - 2.0 / 252) < 1e-12); /* the most extreme of C(10,5) orderings, both tails */
    PC_CHECK(fabs(pc_stats_min_p(5, 5) - 2.0 / 252) < 1e-12);
    /* interleaved samples: no evidence of a difference */
    const double c[4] = {1, 3, 5, 7}, d[4] = {2, 4, 6, 8};
    p = pc_stats_mann_whitney(c, 4, d, 4, &u);
    PC_CHECK(u == 6);
    PC_CHECK(p > 0.5);
    /* U = 1 of 3 vs 3: P(U <= 1) = 2/20, two-sided 0.2 */
    const double e[3] = {1, 2, 4}, f[3] = {3, 5, 6};
    p = pc_stats_mann_whitney(e, 3, f, 3, &u);
    PC_CHECK(u == 1);
    PC_CHECK(fabs(p - 0.2) < 1e-12);
    /* ties go to the normal approximation and stay sane */
    const double g[4] = {1, 1, 1, 1}, h[4] = {1, 1, 1, 1};
    p = pc_stats_mann_whitney(g, 4, h, 4, &u);
    PC_CHECK(p == 1.0);
    double lo, hi;
    PC_CHECK(pc_stats_bootstrap_ratio(a, 5, b, 5, 0.95, 1000, &lo, &hi) == 0);
    PC_CHECK(lo > 0.2 && hi <= 9.0 && lo <= 5.0 / 3 && 5.0 / 3 <= hi); /* medians 3 -> 8: +167 %, inside */
    PC_CHECK(fabs(pc_stats_median(b, 5) - 8) < 1e-12);
}

/* ---- resources ---- */

static void resources_should_sample_memory_and_cpu(void) {
    PC_CHECK(pc_res_rss_mb() > 0);
    PC_CHECK(pc_res_peak_rss_mb() >= pc_res_rss_mb() * 0.5);
    pc_res_sampler_t *s = pc_res_start(0.01, pc_clock_ns());
    PC_CHECK(s);
    volatile double x = 0;
    uint64_t t0 = pc_clock_ns();
    while (pc_clock_ns() - t0 < 60000000u) x += 1; /* 60 ms busy: samples arrive meanwhile */
    pc_res_sample_now(s);
    pc_res_sample_t out[PC_RES_BUFFER];
    size_t n = pc_res_drain(s, out, PC_RES_BUFFER);
    PC_CHECK(n >= 1);
    PC_CHECK(out[n - 1].rss_mb > 0);
    PC_CHECK(out[n - 1].t >= 0.05);
    pc_res_totals_t t;
    pc_res_totals(s, &t);
    PC_CHECK(t.cpu_seconds > 0);
    PC_CHECK(t.peak_rss_mb > 0);
    PC_CHECK_EQ_U64(pc_res_drain(s, out, PC_RES_BUFFER), 0);
    pc_res_stop(s);
}

/* Every sample becomes the same named values; GPU values only with a GPU reading, and the
 * sampler has one exactly when NVML opens GPU 0 here (native/gpu.h). */
static void resources_should_name_every_value_and_the_gpu_only_when_read(void) {
    pc_res_sample_t smp = {.cpu_percent = 150.004, .cpu_machine_percent = 75, .rss_mb = 12.3456, .n_cores = 2,
                           .core_percent = {90, 60}, .iowait_percent = 1.5, .io_read_mb_s = 0.25, .io_write_mb_s = 4};
    char names[PC_RES_MAX_VALUES][PC_RES_NAME_MAX];
    double vals[PC_RES_MAX_VALUES];
    int k = pc_res_sample_values(&smp, names, vals);
    PC_CHECK(k == 8);
    PC_CHECK_EQ_STR(names[0], "cpu_percent");
    PC_CHECK(fabs(vals[0] - 150.0) < 1e-9); /* rounded to 0.01 */
    PC_CHECK_EQ_STR(names[2], "rss_mb");
    PC_CHECK(fabs(vals[2] - 12.346) < 1e-9);
    PC_CHECK_EQ_STR(names[5], "io_write_mb_s");
    PC_CHECK_EQ_STR(names[7], "core1_percent");
    for (int i = 0; i < k; i++) PC_CHECK(strncmp(names[i], "gpu", 3) != 0);
    smp.have_gpu = 1;
    smp.gpu_percent = 37.04;
    smp.gpu_mem_mb = 1023.6;
    k = pc_res_sample_values(&smp, names, vals);
    PC_CHECK(k == 10);
    PC_CHECK_EQ_STR(names[6], "gpu_percent");
    PC_CHECK(fabs(vals[6] - 37.0) < 1e-9);
    PC_CHECK_EQ_STR(names[7], "gpu_mem_mb");
    PC_CHECK(fabs(vals[7] - 1024) < 1e-9);
    char why[160] = "";
    pc_gpu_t *g = pc_gpu_open(why, sizeof why);
    pc_res_sampler_t *s = pc_res_start(0.01, pc_clock_ns());
    PC_CHECK(s);
    pc_res_sample_now(s);
    pc_res_sample_t out[4];
    size_t n = pc_res_drain(s, out, 4);
    pc_res_stop(s);
    PC_CHECK(n >= 1);
    if (g) { /* a machine with an NVIDIA driver and GPU */
        pc_gpu_reading_t rd;
        PC_CHECK(pc_gpu_read(g, &rd) == 0 && rd.count >= 1);
        PC_CHECK(!rd.have_util || (rd.util_percent >= 0 && rd.util_percent <= 100));
        PC_CHECK(out[n - 1].have_gpu == rd.have_util);
        pc_gpu_close(g);
    } else {
        PC_CHECK(why[0] != 0); /* it says why */
        PC_CHECK(!out[n - 1].have_gpu);
    }
}

/* ---- the suite end to end ---- */

static void suite_should_record_every_series_and_summary_key(void) {
    const pc_suite_t *suite = pc_suite_find("backtest");
    PC_CHECK(suite);
    cJSON *over = cJSON_CreateObject();
    cJSON_AddStringToObject(over, "ticks", "30000");
    cJSON_AddStringToObject(over, "repeat", "2");
    cJSON_AddStringToObject(over, "interval", "0.02");
    pc_errbuf_t err = {{0}};
    cJSON *params = pc_suite_params(suite, over, 1, &err);
    cJSON_Delete(over);
    PC_CHECK(params);
    char path[] = "/tmp/pc_test_backtest_XXXXXX";
    int fd = mkstemp(path);
    PC_CHECK(fd >= 0);
    close(fd);
    pc_run_opts_t ro = {.path = path};
    pc_run_t *run;
    PC_CHECK(pc_run_start(suite, params, 1, &ro, &run, &err) == 0);
    PC_CHECK(pc_run_join(run) == 0);
    const char *msg;
    PC_CHECK_EQ_STR(pc_run_status(run, &msg), "ok");
    pc_run_destroy(run);
    FILE *f = fopen(path, "rb");
    PC_CHECK(f);
    static uint8_t buf[8 << 20];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    unlink(path);
    pc_model_t *m = pc_model_create();
    PC_CHECK(pc_model_load(m, buf, len, "bt", NULL, &err) == 0);
    for (const char *const *k = suite->summary_keys; *k; k++) {
        if (!isfinite(pc_model_summary_num(m, *k, NAN))) fprintf(stderr, "  missing summary key %s\n", *k);
        PC_CHECK(isfinite(pc_model_summary_num(m, *k, NAN)));
    }
    PC_CHECK(pc_model_summary_num(m, "ticks", 0) == 30000);
    PC_CHECK(cJSON_IsTrue(cJSON_GetObjectItem(m->summary, "deterministic")));
    PC_CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(m->summary, "ticks_per_s_samples")) == 2);
    const char *hists[5] = {"tick", "parse", "strategy", "risk", "execution"};
    for (int i = 0; i < 5; i++) {
        const pc_series_t *s = pc_model_series(m, hists[i]);
        PC_CHECK(s && s->has_hist);
        PC_CHECK_EQ_U64(s->hist->total, 60000); /* 2 runs x 30000 ticks, every stage timed */
    }
    const pc_series_t *w = pc_model_series(m, "ticks");
    PC_CHECK(w && w->n_windows >= 1);
    double counted = 0;
    for (size_t i = 0; i < w->n_windows; i++) counted += w->windows[i].count;
    PC_CHECK(counted == 60000);
    const pc_series_t *rss = pc_model_series(m, "rss_mb"), *cpu = pc_model_series(m, "cpu_percent");
    PC_CHECK(rss && rss->n_samples >= 1 && cpu && cpu->n_samples >= 1);
    const pc_series_t *sc = pc_model_series(m, "scale_ticks_per_s");
    PC_CHECK(sc && sc->n_samples == 1);
    pc_model_destroy(m);
}

static void suite_should_reject_bad_parameters(void) {
    const pc_suite_t *suite = pc_suite_find("backtest");
    const char *bad[][2] = {{"scale", "10,abc"}, {"scale", "10,10"}, {"fast", "200"}, {"sigma", "x"}};
    for (int i = 0; i < 4; i++) {
        cJSON *over = cJSON_CreateObject();
        cJSON_AddStringToObject(over, bad[i][0], bad[i][1]);
        pc_errbuf_t err = {{0}};
        cJSON *params = pc_suite_params(suite, over, 1, &err);
        cJSON_Delete(over);
        PC_CHECK(params == NULL);
        PC_CHECK(strstr(err.msg, bad[i][0]) != NULL);
    }
    cJSON *over = cJSON_CreateObject();
    cJSON_AddStringToObject(over, "scale", "1000000, 10000,100000");
    pc_errbuf_t err = {{0}};
    cJSON *params = pc_suite_params(suite, over, 0, &err);
    cJSON_Delete(over);
    PC_CHECK(params);
    PC_CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(params, "scale")), "1000000, 10000,100000");
    PC_CHECK_EQ_STR(cJSON_GetStringValue(cJSON_GetObjectItem(params, "input")), "");
    cJSON_Delete(params);
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    PC_RUN(profiler_should_match_sorted_reference_percentiles);
    PC_RUN(profiler_should_count_every_tick_and_component);
    PC_RUN(profiler_should_hold_the_last_chained_durations_until_flushed);
    PC_RUN(engine_should_match_hand_checked_pnl);
    PC_RUN(engine_should_enforce_risk_limits);
    PC_RUN(csv_should_report_bad_lines_with_their_numbers);
    PC_RUN(stats_should_give_exact_mann_whitney_p);
    PC_RUN(resources_should_sample_memory_and_cpu);
    PC_RUN(resources_should_name_every_value_and_the_gpu_only_when_read);
    PC_RUN(suite_should_record_every_series_and_summary_key);
    PC_RUN(suite_should_reject_bad_parameters);
    return pc_test_done();
}
