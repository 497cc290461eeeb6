/* bench_tracker: what one tracker start/end pair costs on this machine (a benchmark, not a
 * test). Prints ns per pair for the three ways to time a block: the id API (what PC_TRACK
 * does), the name API (a per-thread pointer cache in front of it), and nested pairs.
 * Usage: bench_tracker [pairs] (default 20 million). */
#include <stdio.h>
#include <stdlib.h>

#include "tracker.h"
#include "tsc.h"

int main(int argc, char **argv) {
    long pairs = argc > 1 ? atol(argv[1]) : 20000000L;
    if (pc_tracker_init(NULL)) return 1;
    pc_tracker_measure_pair_ns(1000); /* warm-up */
    double by_id = pc_tracker_measure_pair_ns(pairs);
    uint64_t t0 = pc_clock_ns();
    for (long i = 0; i < pairs; i++) {
        pc_tracker_start_timer("bench.name");
        pc_tracker_end_timer("bench.name");
    }
    double by_name = (double)(pc_clock_ns() - t0) / (double)pairs;
    t0 = pc_clock_ns();
    for (long i = 0; i < pairs / 2; i++) {
        PC_TRACK("bench.outer") {
            PC_TRACK("bench.inner") { __asm__ volatile(""); }
        }
    }
    double nested = (double)(pc_clock_ns() - t0) / (double)(pairs / 2 * 2);
    printf("tracker start/end pair: %.1f ns (id / PC_TRACK), %.1f ns (by name), %.1f ns (nested PC_TRACK, per pair); "
           "clock %s\n", by_id, by_name, nested, pc_tsc_source());
    pc_tracker_shutdown();
    return 0;
}
