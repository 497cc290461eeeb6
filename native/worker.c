/* worker.c — CPU picking and pinned thread start (see worker.h). */
#include "worker.h"

#include <stdio.h>
#include <stdlib.h>

/* (package, core) of a CPU from sysfs, or -1 when unknown. */
static long core_key(int cpu) {
    char path[96], buf[32];
    long key = 0;
    const char *files[2] = {"physical_package_id", "core_id"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/%s", cpu, files[i]);
        FILE *f = fopen(path, "r");
        if (!f) return -1;
        int ok = fgets(buf, sizeof buf, f) != NULL;
        fclose(f);
        if (!ok) return -1;
        key = key * 65536 + atol(buf);
    }
    return key;
}

int pc_worker_pick_cpus(int cpus[2]) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
    int n = 0, sibling = -1;
    long first_key = -1;
    for (int c = 0; c < CPU_SETSIZE && n < 2; c++) {
        if (!CPU_ISSET(c, &set)) continue;
        if (n == 0) {
            cpus[n++] = c;
            first_key = core_key(c);
            continue;
        }
        if (first_key >= 0 && core_key(c) == first_key) {
            if (sibling < 0) sibling = c; /* keep as a fallback */
            continue;
        }
        cpus[n++] = c;
    }
    if (n == 1 && sibling >= 0) cpus[n++] = sibling;
    return n;
}

int pc_worker_can_pin(void) {
    int cpus[2];
    return pc_worker_pick_cpus(cpus) == 2;
}

int pc_worker_spawn(pthread_t *t, void *(*fn)(void *), void *arg, int cpu, int *pinned) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        if (pthread_attr_setaffinity_np(&attr, sizeof set, &set) != 0) *pinned = 0;
    }
    int r = pthread_create(t, &attr, fn, arg);
    if (r != 0 && cpu >= 0) { /* affinity refused at creation (e.g. a cgroup): go unpinned */
        *pinned = 0;
        pthread_attr_destroy(&attr);
        pthread_attr_init(&attr);
        r = pthread_create(t, &attr, fn, arg);
    }
    pthread_attr_destroy(&attr);
    return r;
}

int pc_worker_share_cpu(int cpu, cpu_set_t *saved) {
    if (cpu < 0 || pthread_getaffinity_np(pthread_self(), sizeof *saved, saved) != 0) return 0;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    return pthread_setaffinity_np(pthread_self(), sizeof one, &one) == 0;
}

void pc_worker_unshare(const cpu_set_t *saved) { pthread_setaffinity_np(pthread_self(), sizeof *saved, saved); }
