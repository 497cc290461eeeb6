/* stream_probe OUT.pcast [SECONDS]: a program instrumented with the tracker (linked as users
 * link it) for tests/e2e/test_tracker_stream.py. It renders "frames" every few milliseconds
 * while its stream to $PERFCAST_AGENT is connecting or live (at most SECONDS, default 20),
 * then 20 frames more — a program goes on when a viewer stops its published run — shuts the
 * tracker down and prints one line:
 *
 *     stream: STATE sent N not-sent M frames F reason: R
 *
 * Exits 0, or 1 when the tracker cannot start. */
#define _POSIX_C_SOURCE 200809L /* nanosleep */

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tracker.h"

static volatile double sink;

static void frame(void) {
    PC_TRACK("frame") {
        double x = 1;
        for (int i = 0; i < 20000; i++) x = x * 1.0000001 + 1e-9;
        sink = x;
    }
    pc_tracker_track_metric("fps", 200.0);
    struct timespec ts = {0, 5 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    double limit = argc > 2 ? atof(argv[2]) : 20.0;
    pc_tracker_config_t cfg = pc_tracker_defaults();
    cfg.path = argv[1];
    cfg.flush_interval_s = 0.02;
    if (pc_tracker_init(&cfg)) return 1;
    int frames = 0;
    pc_tracker_stream_status_t st;
    for (int i = 0; i < (int)(limit * 200); i++) {
        frame();
        frames++;
        pc_tracker_stream_status(&st);
        if (st.state != PC_TRACKER_STREAM_CONNECTING && st.state != PC_TRACKER_STREAM_LIVE) break;
    }
    for (int i = 0; i < 20; i++, frames++) frame();
    pc_tracker_shutdown();
    pc_tracker_stream_status(&st);
    printf("stream: %s sent %llu not-sent %llu frames %d reason: %s\n", pc_tracker_stream_state_name(st.state),
           (unsigned long long)st.records_sent, (unsigned long long)st.records_dropped, frames, st.reason);
    return 0;
}
