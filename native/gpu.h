/* gpu.h — readings of an NVIDIA GPU through NVML, for sysinfo (once per run) and the resource
 * sampler (every interval).
 *
 * NVML is dlopen'ed (libnvidia-ml.so.1, installed with the NVIDIA driver), so perfcast has no
 * link-time dependency on it and runs the same where there is none. Opening initializes NVML
 * and takes GPU 0; a reading is two NVML calls (utilization, memory), cheap enough for every
 * 100 ms sample — unlike nvidia-smi, a process per call, which sysinfo alone falls back to. */
#ifndef PC_GPU_H
#define PC_GPU_H

#include <stddef.h>

typedef struct pc_gpu pc_gpu_t;

typedef struct pc_gpu_reading {
    char name[96];         /* "" when NVML would not say */
    unsigned count;        /* GPUs NVML sees (the reading is of GPU 0) */
    int have_mem, have_util;
    double mem_total_mb, mem_used_mb; /* MiB */
    double util_percent;   /* share of the last sample period a kernel ran, % */
} pc_gpu_reading_t;

/* Opens NVML and GPU 0. Returns NULL, with why in reason (cap bytes), when there is no driver,
 * no GPU, or NVML fails; else a handle to free with pc_gpu_close. */
pc_gpu_t *pc_gpu_open(char *reason, size_t cap);
/* Reads GPU 0 now into *out: 0, or -1 when NVML answered nothing usable. */
int pc_gpu_read(pc_gpu_t *g, pc_gpu_reading_t *out);
/* Shuts NVML down and unloads it; NULL is fine. */
void pc_gpu_close(pc_gpu_t *g);

#endif
