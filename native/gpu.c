/* gpu.c — NVML through dlopen (see gpu.h). */
#include "gpu.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The few NVML declarations we need (nvml.h is not installed here; these are ABI-stable). */
typedef int nvml_return_t; /* NVML_SUCCESS = 0 */
typedef struct nvml_device *nvml_device_t;
typedef struct { unsigned long long total, free, used; } nvml_memory_t;
typedef struct { unsigned int gpu, memory; } nvml_utilization_t;

struct pc_gpu {
    void *lib;
    nvml_device_t dev;
    unsigned count;
    nvml_return_t (*shutdown)(void);
    nvml_return_t (*name)(nvml_device_t, char *, unsigned);
    nvml_return_t (*meminfo)(nvml_device_t, nvml_memory_t *);
    nvml_return_t (*util)(nvml_device_t, nvml_utilization_t *);
};

pc_gpu_t *pc_gpu_open(char *reason, size_t cap) {
    void *lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(reason, cap, "NVML not available (libnvidia-ml.so.1 not found: no NVIDIA driver)");
        return NULL;
    }
    pc_gpu_t *g = calloc(1, sizeof *g);
    if (!g) {
        snprintf(reason, cap, "out of memory");
        dlclose(lib);
        return NULL;
    }
    g->lib = lib;
    nvml_return_t (*init)(void) = (nvml_return_t(*)(void))dlsym(lib, "nvmlInit_v2");
    nvml_return_t (*count)(unsigned *) = (nvml_return_t(*)(unsigned *))dlsym(lib, "nvmlDeviceGetCount_v2");
    nvml_return_t (*handle)(unsigned, nvml_device_t *) =
        (nvml_return_t(*)(unsigned, nvml_device_t *))dlsym(lib, "nvmlDeviceGetHandleByIndex_v2");
    g->shutdown = (nvml_return_t(*)(void))dlsym(lib, "nvmlShutdown");
    g->name = (nvml_return_t(*)(nvml_device_t, char *, unsigned))dlsym(lib, "nvmlDeviceGetName");
    g->meminfo = (nvml_return_t(*)(nvml_device_t, nvml_memory_t *))dlsym(lib, "nvmlDeviceGetMemoryInfo");
    g->util = (nvml_return_t(*)(nvml_device_t, nvml_utilization_t *))dlsym(lib, "nvmlDeviceGetUtilizationRates");
    if (!init || !g->shutdown || !count || !handle || !g->name) {
        snprintf(reason, cap, "NVML library lacks the expected functions");
        dlclose(lib);
        free(g);
        return NULL;
    }
    int rc = init();
    if (rc != 0) {
        snprintf(reason, cap, "NVML init failed (error %d)", rc);
        dlclose(lib);
        free(g);
        return NULL;
    }
    if ((rc = count(&g->count)) != 0 || g->count == 0)
        snprintf(reason, cap, rc ? "NVML device count failed (error %d)" : "NVML reports no GPU", rc);
    else if ((rc = handle(0, &g->dev)) != 0)
        snprintf(reason, cap, "NVML cannot open GPU 0 (error %d)", rc);
    else
        return g;
    pc_gpu_close(g);
    return NULL;
}

int pc_gpu_read(pc_gpu_t *g, pc_gpu_reading_t *out) {
    memset(out, 0, sizeof *out);
    if (!g) return -1;
    out->count = g->count;
    if (g->name(g->dev, out->name, sizeof out->name) != 0) out->name[0] = '\0';
    nvml_memory_t mi;
    if (g->meminfo && g->meminfo(g->dev, &mi) == 0) {
        out->have_mem = 1;
        out->mem_total_mb = (double)(mi.total >> 20);
        out->mem_used_mb = (double)(mi.used >> 20);
    }
    nvml_utilization_t ut;
    if (g->util && g->util(g->dev, &ut) == 0) {
        out->have_util = 1;
        out->util_percent = ut.gpu;
    }
    return out->have_mem || out->have_util || out->name[0] ? 0 : -1;
}

void pc_gpu_close(pc_gpu_t *g) {
    if (!g) return;
    g->shutdown();
    dlclose(g->lib);
    free(g);
}
