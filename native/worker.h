/* worker.h — measured worker threads: picking two CPUs, starting a pinned thread, and
 * waiting by spinning.
 *
 * Producer/consumer pairs run on two different physical cores when the process may use
 * two (SMT siblings share L1/L2 and would flatter cross-core figures). A waiting worker
 * spins with a pause instruction and yields its CPU now and then, so a descheduled peer on
 * a small machine (2 vCPUs shared with the sampler and the recorder) gets the core back
 * within a fraction of a millisecond. Shared by ringbuf and orderbook. */
#ifndef PC_WORKER_H
#define PC_WORKER_H

#include <pthread.h>
#include <sched.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define pc_cpu_relax() _mm_pause()
#elif defined(__aarch64__)
#define pc_cpu_relax() __asm__ volatile("yield" ::: "memory")
#else
#define pc_cpu_relax() ((void)0)
#endif

/* Spin iterations before a waiting worker yields its CPU once. */
#define PC_SPIN_BEFORE_YIELD (1u << 14)

/* One step of a spin-wait; *n counts steps (start at 0, reset when the wait succeeded). */
static inline void pc_spin_wait(unsigned *n) {
    if (++*n < PC_SPIN_BEFORE_YIELD) {
        pc_cpu_relax();
    } else {
        *n = 0;
        sched_yield();
    }
}

/* Two CPUs from this process's affinity mask, preferring two different physical cores over
 * SMT siblings of one core. Returns how many were found (0..2). */
int pc_worker_pick_cpus(int cpus[2]);

/* 1 when there are two CPUs this process may run on (pinning possible). */
int pc_worker_can_pin(void);

/* Starts fn(arg) on a new thread, pinned to `cpu` when cpu >= 0. *pinned is cleared when
 * the pinning could not be applied (the thread then runs unpinned). Returns 0 or the
 * pthread_create error. */
int pc_worker_spawn(pthread_t *t, void *(*fn)(void *), void *arg, int cpu, int *pinned);

/* Moves the calling thread (a suite's sampler) onto `cpu` for the duration of a measured
 * phase, so its wake-ups land on the less sensitive worker's core instead of anywhere;
 * *saved receives the previous mask. Returns 1 when moved (undo with pc_worker_unshare),
 * 0 when cpu < 0 or the host refused. */
int pc_worker_share_cpu(int cpu, cpu_set_t *saved);
/* Restores the mask pc_worker_share_cpu saved. */
void pc_worker_unshare(const cpu_set_t *saved);

#endif
