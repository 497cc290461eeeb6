/* tsc.h — a calibrated cycle counter for timing short intervals on hot paths.
 *
 * On x86-64 with an invariant TSC (cpuid 0x80000007 EDX bit 8: constant rate, not stopped
 * in idle states, the same on every core) ticks come from rdtsc (~9 ns a read here, nearly free
 * when it overlaps other work). Elsewhere, or without an invariant TSC, ticks are
 * CLOCK_MONOTONIC nanoseconds (~27 ns a read here). pc_tsc_init() picks the source and, for
 * rdtsc, measures its rate against CLOCK_MONOTONIC over ~25 ms; conversion to nanoseconds
 * is then one 64x64->128-bit multiply and a shift (fixed point, no division, no floats).
 *
 * Ticks are only meaningful as differences between two reads. */
#ifndef PC_TSC_H
#define PC_TSC_H

#include <stdint.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define PC_TSC_X86 1
#else
#define PC_TSC_X86 0
#endif

/* A tick source and its rate. The global one is written once by pc_tsc_init. */
typedef struct pc_tsc_cal {
    int use_rdtsc;        /* 1: ticks are rdtsc; 0: ticks are CLOCK_MONOTONIC ns */
    int invariant;        /* cpuid reports an invariant TSC */
    uint64_t mult;        /* ns = ticks * mult >> 32 */
    uint64_t inv_mult;    /* ticks = ns * inv_mult >> 32 */
    double ghz;           /* ticks per nanosecond (1.0 for the clock_gettime source) */
} pc_tsc_cal_t;

extern pc_tsc_cal_t pc_tsc_g;

/* Picks the tick source and calibrates it, once per process (thread-safe, idempotent;
 * takes ~25 ms the first time). Call before any other pc_tsc_ function. Cannot fail: a
 * TSC that cannot be calibrated falls back to clock_gettime. */
void pc_tsc_init(void);

/* Calibrates the TSC against CLOCK_MONOTONIC over about `ms` milliseconds into *out
 * without touching the global source (for tests and re-checks). Returns 0, or PC_EINVAL
 * where there is no usable invariant TSC (then *out describes the clock_gettime source). */
int pc_tsc_calibrate(pc_tsc_cal_t *out, double ms);

/* 1 when the CPU reports an invariant TSC (always 0 off x86). */
int pc_tsc_invariant(void);

/* Ticks per nanosecond of the active source (TSC GHz, or 1.0 for clock_gettime). */
double pc_tsc_ghz(void);

/* "rdtsc" or "clock_gettime": the active source. */
const char *pc_tsc_source(void);

/* Monotonic nanoseconds from CLOCK_MONOTONIC. */
static inline uint64_t pc_clock_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Current tick count. Not ordered against surrounding loads: use it to stamp a message
 * before publishing it. */
static inline uint64_t pc_tsc_now(void) {
#if PC_TSC_X86
    if (pc_tsc_g.use_rdtsc) return __rdtsc();
#endif
    return pc_clock_ns();
}

/* Current tick count, read only after every earlier instruction completed (lfence before
 * rdtsc): use it right after observing a message, so the read cannot run ahead of the
 * load that saw it. */
static inline uint64_t pc_tsc_now_ordered(void) {
#if PC_TSC_X86
    if (pc_tsc_g.use_rdtsc) {
        _mm_lfence();
        return __rdtsc();
    }
#endif
    return pc_clock_ns();
}

/* a * b >> 32 without overflow. */
static inline uint64_t pc_tsc_mulshift_(uint64_t a, uint64_t b) {
#ifdef __SIZEOF_INT128__
    return (uint64_t)(((unsigned __int128)a * b) >> 32);
#else
    uint64_t hi = (a >> 32) * b, lo = (a & 0xffffffffu) * b;
    return hi + (lo >> 32);
#endif
}

/* Nanoseconds in a tick difference. */
static inline uint64_t pc_tsc_to_ns(uint64_t ticks) { return pc_tsc_mulshift_(ticks, pc_tsc_g.mult); }

/* Ticks in a duration of ns nanoseconds (for deadlines and pacing). */
static inline uint64_t pc_tsc_from_ns(uint64_t ns) { return pc_tsc_mulshift_(ns, pc_tsc_g.inv_mult); }

#endif
