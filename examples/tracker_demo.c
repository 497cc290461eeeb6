/* tracker_demo.c — a complete program instrumented with the perfcast tracker.
 *
 * It "renders" frames (a small busy loop standing in for real work) under nested timers,
 * tracks per-frame metrics, sets a baseline after a first pass, saves it to a file, makes the
 * second pass slower on purpose and asks the tracker for regressions. Everything goes to a
 * perfcast result file that `perfcast render` / the viewer open like any run.
 *
 *     build: part of the project (target tracker_demo); outside it, after `cmake --install`:
 *            cc tracker_demo.c -lperfcast_tracker -lwebsockets -lcjson -lpthread -lm
 *     run:   tracker_demo [out.pcast] [baseline.json]
 *
 * Live: with a running agent (`perfcast agent --token T`), the same program streams to it and
 * its viewers watch the run as it happens (suite "tracker"); nothing in the code changes:
 *
 *     PERFCAST_AGENT=ws://127.0.0.1:7681 PERFCAST_TOKEN=T tracker_demo
 *
 * The file is written either way. If the agent is unreachable, refuses the token or is busy
 * with another run, the program still runs to the end at full speed and prints why the
 * stream was dropped (pc_tracker_stream_status).
 *
 * Prints what it measured and the regressions found (the slower pass should show as frame_ms,
 * fps and timer regressions); exits 0 when it ran, 1 when the result file could not be made. */
#include <stdio.h>
#include <stdlib.h>

#include "tracker.h"

static volatile double sink;

/* Work of about `n` multiply-adds. */
static void burn(long n) {
    double x = 1.0;
    for (long i = 0; i < n; i++) x = x * 1.0000001 + 1e-9;
    sink = x;
}

static void update_physics(long n) {
    PC_TRACK_FUNC(); /* a timer named "update_physics", ended on return */
    burn(n);
}

static void draw(long n) {
    PC_TRACK_FUNC();
    PC_TRACK("draw.shadows") { burn(n / 4); }
    PC_TRACK("draw.geometry") { burn(n); }
}

/* One pass of `frames` frames; `cost` scales the work. */
static void run_pass(int frames, long cost) {
    for (int f = 0; f < frames; f++) {
        pc_tracker_start_timer("frame");
        update_physics(cost);
        draw(cost);
        double s = pc_tracker_end_timer("frame");
        pc_tracker_track_metric("frame_ms", s * 1e3);
        pc_tracker_track_metric("fps", s > 0 ? 1.0 / s : 0);
    }
}

int main(int argc, char **argv) {
    const char *out = argc > 1 ? argv[1] : "tracker_demo.pcast";
    const char *base = argc > 2 ? argv[2] : "tracker_demo_baseline.json";
    pc_tracker_config_t cfg = pc_tracker_defaults();
    cfg.path = out;
    cfg.flush_interval_s = 0.05; /* a background thread writes; frames never wait for it */
    cfg.history_cap = 256;
    cfg.resource_interval_s = 0.1; /* CPU per core, memory and I/O for the dashboard's resource panel */
    if (pc_tracker_init(&cfg)) {
        fprintf(stderr, "tracker_demo: cannot create %s\n", out);
        return 1;
    }

    run_pass(30, 200000);
    pc_tracker_set_baseline(); /* this pass is the reference */
    if (pc_tracker_save_baseline(base)) fprintf(stderr, "tracker_demo: cannot write %s\n", base);
    if (pc_tracker_load_baseline(base)) fprintf(stderr, "tracker_demo: cannot read %s back\n", base);

    run_pass(30, 600000); /* three times the work: frame_ms up, fps down */

    pc_tracker_regression_t r[16];
    int n = pc_tracker_detect_regressions(0.2, r, 16);
    printf("regressions (threshold 20%%): %d\n", n);
    for (int i = 0; i < n && i < 16; i++) {
        printf("  %-22s baseline %10.4g  current %10.4g  %+.0f%% worse (%s is better)\n", r[i].metric, r[i].baseline,
               r[i].current, 100 * r[i].change, r[i].lower_is_better ? "lower" : "higher");
    }
    pc_tracker_timer_stats_t st;
    if (pc_tracker_timer_stats("frame", &st) == 0)
        printf("frame: %llu calls, mean %.3f ms, p99 %.3f ms\n", (unsigned long long)st.count, st.mean_ns / 1e6,
               st.p99_ns / 1e6);
    printf("one start/end pair: %.1f ns\n", pc_tracker_measure_pair_ns(1000000));
    pc_tracker_shutdown(); /* writes the summary and the end record; waits up to 2 s for the stream */
    printf("wrote %s\n", out);
    pc_tracker_stream_status_t ss;
    if (pc_tracker_stream_status(&ss) == 0 && ss.state != PC_TRACKER_STREAM_OFF) {
        printf("stream to %s: %s, %llu records sent, %llu not sent%s%s\n", ss.url, pc_tracker_stream_state_name(ss.state),
               (unsigned long long)ss.records_sent, (unsigned long long)ss.records_dropped, ss.reason[0] ? ": " : "",
               ss.reason);
    }
    return 0;
}
