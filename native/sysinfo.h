/* sysinfo.h — what machine a run ran on: CPU, memory, GPU, OS, build.
 *
 * Goes into every run header, so a result file says where its numbers came from. Every
 * source is optional: a field the host cannot tell us is null (or, for the GPU, null with
 * a "gpu_reason" string), never a failure. Linux sources: /proc/cpuinfo, /proc/stat,
 * /proc/meminfo, /sys cpufreq, uname(2), cpuid; NVIDIA GPUs through NVML (dlopen'ed
 * libnvidia-ml.so.1, no link-time dependency) or else `nvidia-smi`. */
#ifndef PC_SYSINFO_H
#define PC_SYSINFO_H

#include <stddef.h>

#include "cJSON.h"

/* Collects system information (takes ~100 ms: CPU utilization is sampled from /proc/stat
 * over a short interval, and the TSC is calibrated on first use):
 *   {"cpu": {model, architecture, physical_cores, logical_cores, frequency_mhz,
 *            utilization_percent, invariant_tsc, tsc_ghz},
 *    "memory": {total_mb, used_mb, available_mb, percent},
 *    "gpu": {name, count, memory_total_mb, memory_used_mb, utilization_percent, source}
 *           or null, with "gpu_reason" saying why when null,
 *    "platform": {os, kernel, architecture, hostname, compiler, perfcast_version}}
 * Returns a new object the caller frees with cJSON_Delete; NULL only when out of memory. */
cJSON *pc_sysinfo_collect(void);

/* The "gpu" part alone: a new object the caller frees with cJSON_Delete, or NULL with
 * why written into reason (cap bytes) — no NVIDIA GPU, no driver, out of memory. */
cJSON *pc_sysinfo_gpu(char *reason, size_t cap);

#endif
