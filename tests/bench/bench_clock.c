/* bench_clock: what reading a clock costs on this machine, and so the least a profiler that
 * times every stage of every tick can add (a benchmark, not a test). For each source it times
 * N reads back to back (nothing for the read to overlap with: the backtest engine's case, a
 * tick is ~4 ns) and N reads each after some independent work (four multiply-xorshift chains,
 * ~2.5 ns a round, 1, 4 and 8 rounds): the extra time over the work alone is what the read
 * costs when it can overlap. Then an empty tick with
 * the backtest's profiling — three pc_prof_lap and one pc_prof_tick_next, i.e. four reads and
 * five histogram updates — next to four bare rdtsc reads: the difference is what the
 * histograms cost, the rest is the counter.
 * Usage: bench_clock [reads] (default 20 million). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "profiler.h"
#include "tsc.h"

#if PC_TSC_X86
#include <x86intrin.h>
#endif

static volatile uint64_t sink_;

/* One round of work a read can overlap with: four independent multiply-xorshift chains, no
 * memory. */
static inline uint64_t chain(uint64_t a, long i) {
    a = a * 2654435761u + (uint64_t)i;
    a ^= a >> 13;
    return a * 0x9E3779B97F4A7C15ull;
}
#define WORK(w, i, rounds)                                                                          \
    for (int r_ = 0; r_ < (rounds); r_++) {                                                       \
        w[0] = chain(w[0], i), w[1] = chain(w[1], i), w[2] = chain(w[2], i), w[3] = chain(w[3], i); \
    }

#define TIME_LOOP(label, n, body)                                                                 \
    do {                                                                                          \
        uint64_t acc_ = 0, w_[4] = {1, 2, 3, 4};                                                  \
        uint64_t t0_ = pc_clock_ns();                                                             \
        for (long i = 0; i < (n); i++) { body; }                                                  \
        double ns_ = (double)(pc_clock_ns() - t0_) / (double)(n);                                 \
        sink_ = acc_ + w_[0] + w_[1] + w_[2] + w_[3];                                             \
        printf("  %-44s %7.2f ns\n", label, ns_);                                                 \
    } while (0)

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 20000000L;
    if (n < 1000) n = 1000;
    pc_tsc_init();
    printf("clock reads, %ld each (tick source: %s, %.4f GHz)\n", n, pc_tsc_source(), pc_tsc_ghz());
    TIME_LOOP("1 round of work alone", n, WORK(w_, i, 1));
    TIME_LOOP("4 rounds of work alone", n, WORK(w_, i, 4));
    TIME_LOOP("8 rounds of work alone", n, WORK(w_, i, 8));
#if PC_TSC_X86
    TIME_LOOP("rdtsc, back to back", n, acc_ += __rdtsc());
    TIME_LOOP("rdtsc after 1 round of work", n, {
        WORK(w_, i, 1);
        acc_ += __rdtsc();
    });
    TIME_LOOP("rdtsc after 4 rounds of work", n, {
        WORK(w_, i, 4);
        acc_ += __rdtsc();
    });
    TIME_LOOP("rdtsc after 8 rounds of work", n, {
        WORK(w_, i, 8);
        acc_ += __rdtsc();
    });
    TIME_LOOP("lfence; rdtsc, back to back", n, (_mm_lfence(), acc_ += __rdtsc()));
    unsigned aux;
    TIME_LOOP("rdtscp, back to back", n, acc_ += __rdtscp(&aux));
    TIME_LOOP("rdtscp after 4 rounds of work", n, {
        WORK(w_, i, 4);
        acc_ += __rdtscp(&aux);
    });
#endif
    struct timespec ts;
    TIME_LOOP("clock_gettime(CLOCK_MONOTONIC)", n / 4,
              (clock_gettime(CLOCK_MONOTONIC, &ts), acc_ += (uint64_t)ts.tv_nsec));

    pc_prof_t *p = pc_prof_create();
    if (!p) return 1;
    int ids[4];
    static const char *const names[4] = {"parse", "strategy", "risk", "execution"};
    for (int k = 0; k < 4; k++) ids[k] = pc_prof_component(p, names[k]);
    printf("an empty tick with four stages (the backtest's profiled loop minus the engine)\n");
    TIME_LOOP("four bare counter reads", n / 4,
              (acc_ += pc_tsc_now(), acc_ += pc_tsc_now(), acc_ += pc_tsc_now(), acc_ += pc_tsc_now()));
    pc_prof_tick_begin(p);
    TIME_LOOP("3 x pc_prof_lap + pc_prof_tick_next", n / 4,
              (pc_prof_lap(p, ids[0]), pc_prof_lap(p, ids[1]), pc_prof_lap(p, ids[2]), pc_prof_tick_next(p, ids[3])));
    TIME_LOOP("pc_prof_tick_chain (tick only, one read)", n / 4, pc_prof_tick_chain(p));
    pc_prof_destroy(p);
    return 0;
}
