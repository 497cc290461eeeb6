/* tsc.c — picks the tick source and calibrates it (see tsc.h). */
#include "tsc.h"

#include <pthread.h>

#include "pc_error.h"

#if PC_TSC_X86
#include <cpuid.h>
#endif

/* Until pc_tsc_init runs, ticks are clock_gettime nanoseconds: safe, just slower. */
pc_tsc_cal_t pc_tsc_g = {.use_rdtsc = 0, .invariant = 0, .mult = 1ull << 32, .inv_mult = 1ull << 32, .ghz = 1.0};

static pthread_once_t tsc_once = PTHREAD_ONCE_INIT;

static int cpu_has_invariant_tsc(void) {
#if PC_TSC_X86
    unsigned a, b, c, d;
    if (!__get_cpuid(0x80000000u, &a, &b, &c, &d) || a < 0x80000007u) return 0;
    if (!__get_cpuid(0x80000007u, &a, &b, &c, &d)) return 0;
    return (d >> 8) & 1;
#else
    return 0;
#endif
}

static void set_clock_source(pc_tsc_cal_t *c) {
    c->use_rdtsc = 0;
    c->mult = c->inv_mult = 1ull << 32;
    c->ghz = 1.0;
}

#if PC_TSC_X86
/* One (tsc, ns) pair: the clock read bracketed by two rdtsc, keeping the tightest of a few
 * tries so a preemption or an interrupt between the reads does not skew the pair. */
static void sample_pair(uint64_t *tsc, uint64_t *ns) {
    uint64_t best = UINT64_MAX;
    for (int i = 0; i < 7; i++) {
        _mm_lfence();
        uint64_t t0 = __rdtsc();
        _mm_lfence();
        uint64_t n = pc_clock_ns();
        _mm_lfence();
        uint64_t t1 = __rdtsc();
        if (t1 - t0 < best) {
            best = t1 - t0;
            *tsc = t0 + (t1 - t0) / 2;
            *ns = n;
        }
    }
}
#endif

int pc_tsc_calibrate(pc_tsc_cal_t *out, double ms) {
    out->invariant = cpu_has_invariant_tsc();
    set_clock_source(out);
#if PC_TSC_X86
    if (!out->invariant) return PC_EINVAL;
    if (ms < 1) ms = 1;
    uint64_t tsc0 = 0, ns0 = 0, tsc1 = 0, ns1 = 0;
    sample_pair(&tsc0, &ns0);
    /* sleep most of the interval (no need to burn a core), the precision is in the pairs */
    struct timespec req = {.tv_sec = 0, .tv_nsec = (long)(ms * 1e6)};
    if (ms >= 1000) {
        req.tv_sec = (time_t)(ms / 1000);
        req.tv_nsec = (long)((ms - (double)req.tv_sec * 1000) * 1e6);
    }
    nanosleep(&req, NULL);
    sample_pair(&tsc1, &ns1);
    if (ns1 <= ns0 || tsc1 <= tsc0) return PC_EINVAL;
    double ghz = (double)(tsc1 - tsc0) / (double)(ns1 - ns0);
    if (!(ghz > 0.05 && ghz < 100)) return PC_EINVAL; /* nonsense: keep the clock source */
    out->use_rdtsc = 1;
    out->ghz = ghz;
    out->mult = (uint64_t)(4294967296.0 / ghz + 0.5);
    out->inv_mult = (uint64_t)(4294967296.0 * ghz + 0.5);
    return 0;
#else
    (void)ms;
    return PC_EINVAL;
#endif
}

static void tsc_init_once(void) {
    pc_tsc_cal_t c;
    pc_tsc_calibrate(&c, 25);
    pc_tsc_g = c; /* published to other threads by pthread_once */
}

void pc_tsc_init(void) { pthread_once(&tsc_once, tsc_init_once); }

int pc_tsc_invariant(void) {
    pc_tsc_init();
    return pc_tsc_g.invariant;
}

double pc_tsc_ghz(void) {
    pc_tsc_init();
    return pc_tsc_g.ghz;
}

const char *pc_tsc_source(void) {
    pc_tsc_init();
    return pc_tsc_g.use_rdtsc ? "rdtsc" : "clock_gettime";
}
