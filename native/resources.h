/* resources.h — a thread that samples what the process costs: CPU, memory, and how busy each
 * core of the machine is, at a fixed interval, without touching the measured threads.
 *
 * Every `interval` (default 100 ms) the sampler thread reads:
 *   - process CPU time, from clock_gettime(CLOCK_PROCESS_CPUTIME_ID): the same kernel
 *     accounting as utime + stime in /proc/self/stat, but in nanoseconds rather than 10 ms
 *     jiffies, which at 100 ms intervals would make each sample ±10 % of a core;
 *   - resident memory now, from /proc/self/statm, and the kernel's own peak (VmHWM) from
 *     /proc/self/status, so a peak between two samples is not missed;
 *   - per-core busy time from /proc/stat (all processes; jiffies, so ±10 % per 100 ms), and
 *     the machine's iowait share from the same file's aggregate line;
 *   - the process's storage I/O from /proc/self/io (read_bytes / write_bytes: bytes that
 *     reached or came from the block layer, not page-cache hits), as MB/s over the interval;
 *   - GPU 0's utilization and memory through NVML when there is an NVIDIA driver (native/gpu.h;
 *     opened once at start, two NVML calls a sample).
 * It keeps the samples in a bounded buffer the caller drains (oldest dropped and counted
 * when nobody drains), and running totals for the run's averages. The measured threads never
 * see it: it shares nothing with them but the CPU it runs on, for ~50 µs per sample. */
#ifndef PC_RESOURCES_H
#define PC_RESOURCES_H

#include <stddef.h>
#include <stdint.h>

#define PC_RES_MAX_CORES 16 /* per-core series kept (cpu0 .. cpu15); more cores are summed only */
#define PC_RES_BUFFER 1024  /* samples held between two drains */

/* One sample: the interval that ended at t. */
typedef struct pc_res_sample {
    double t;                 /* seconds since the sampler's time base (see pc_res_start) */
    double cpu_percent;       /* process CPU over the interval, % of one core (200 = two cores) */
    double cpu_machine_percent; /* the same as % of every core the machine has */
    double rss_mb;            /* resident memory now, MiB */
    int n_cores;              /* per-core entries filled (at most PC_RES_MAX_CORES) */
    double core_percent[PC_RES_MAX_CORES]; /* each core's busy share over the interval, % */
    double iowait_percent;    /* machine: share of CPU time idle waiting for I/O, % */
    double io_read_mb_s, io_write_mb_s; /* process storage I/O over the interval, MB/s (10^6) */
    int have_gpu;             /* the next two are readings of GPU 0 (NVML) */
    double gpu_percent;       /* its utilization, % */
    double gpu_mem_mb;        /* its memory in use (all processes), MiB */
} pc_res_sample_t;

#define PC_RES_MAX_VALUES (8 + PC_RES_MAX_CORES)
#define PC_RES_NAME_MAX 24
/* A sample as named values (the metric series every perfcast resource sampler writes):
 * cpu_percent, cpu_machine_percent, rss_mb, iowait_percent, io_read_mb_s, io_write_mb_s,
 * gpu_percent and gpu_mem_mb (with a GPU), core0_percent ...; rounded for compact records. Returns how many (<= PC_RES_MAX_VALUES). */
int pc_res_sample_values(const pc_res_sample_t *s, char names[][PC_RES_NAME_MAX], double *vals);

/* Totals since start (or since the last pc_res_mark). */
typedef struct pc_res_totals {
    double seconds;           /* wall time covered */
    double cpu_seconds;       /* process CPU time in it */
    double avg_cpu_percent;   /* cpu_seconds / seconds, % of one core */
    double avg_cpu_machine_percent;
    double avg_rss_mb;        /* mean of the samples' RSS */
    double peak_rss_mb;       /* the kernel's high-water mark for the process (VmHWM) */
    double rss_mb;            /* RSS at the last sample */
    uint64_t samples;
    uint64_t dropped;         /* samples lost because nobody drained the buffer */
    int cores;                /* cores the machine has (online) */
} pc_res_totals_t;

typedef struct pc_res_sampler pc_res_sampler_t;

/* Starts the sampler thread: a sample every interval_s seconds (0.001 .. 60), times measured
 * from base_ns on CLOCK_MONOTONIC (pc_clock_ns() of your own t = 0). Returns NULL when the
 * thread cannot start or out of memory. Stop and free with pc_res_stop. */
pc_res_sampler_t *pc_res_start(double interval_s, uint64_t base_ns);
/* Takes one sample right now on the calling thread (besides the periodic ones); for the
 * figures at the end of a phase. Cannot fail. */
void pc_res_sample_now(pc_res_sampler_t *s);
/* Moves up to max buffered samples, oldest first, into out; returns how many. */
size_t pc_res_drain(pc_res_sampler_t *s, pc_res_sample_t *out, size_t max);
/* Restarts the totals' averaging window at this moment (e.g. when the measured phase
 * begins). The peak stays the process's. */
void pc_res_mark(pc_res_sampler_t *s);
/* The totals so far (any thread). */
void pc_res_totals(pc_res_sampler_t *s, pc_res_totals_t *out);
/* Stops the thread and frees the sampler; NULL is fine. */
void pc_res_stop(pc_res_sampler_t *s);

/* One-shot readings, also used by the thread (0 when /proc cannot be read). */
double pc_res_rss_mb(void);      /* resident memory now, MiB */
double pc_res_peak_rss_mb(void); /* VmHWM, MiB */

#endif
