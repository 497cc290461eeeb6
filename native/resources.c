/* resources.c — the resource sampler thread (see resources.h). */
#include "resources.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gpu.h"
#include "tsc.h"

#define MAX_CPU_LINES 1024 /* /proc/stat lines read per sample: cores beyond are ignored */

typedef struct core_times {
    uint64_t busy, total; /* jiffies */
} core_times_t;

struct pc_res_sampler {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    uint64_t interval_ns, base_ns;
    int cores;
    /* previous reading, for the per-interval figures (sampler thread, or under mu) */
    uint64_t prev_ns, prev_cpu_ns;
    core_times_t prev_core[PC_RES_MAX_CORES];
    int have_prev_core;
    core_times_t prev_all; /* the aggregate line: busy = iowait jiffies here */
    uint64_t prev_read, prev_write; /* /proc/self/io bytes */
    pc_gpu_t *gpu;          /* NVML's GPU 0, or NULL (sampler thread only after start) */
    /* ring of samples for the caller (under mu) */
    pc_res_sample_t buf[PC_RES_BUFFER];
    size_t head, count;
    uint64_t dropped;
    /* totals (under mu) */
    uint64_t mark_ns, mark_cpu_ns, last_ns, last_cpu_ns;
    double rss_sum, rss_last;
    uint64_t samples;
};

static uint64_t cpu_ns(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) != 0) return 0;
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double pc_res_rss_mb(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long size = 0, resident = 0;
    int n = fscanf(f, "%lu %lu", &size, &resident);
    fclose(f);
    if (n != 2) return 0;
    return (double)resident * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

double pc_res_peak_rss_mb(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return 0;
    char line[256];
    double mb = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long kb;
        if (sscanf(line, "VmHWM: %lu kB", &kb) == 1) {
            mb = (double)kb / 1024.0;
            break;
        }
    }
    fclose(f);
    return mb;
}

/* Bytes the process read from and wrote to storage (/proc/self/io); 0s when unreadable. */
static void read_io(uint64_t *rd, uint64_t *wr) {
    *rd = *wr = 0;
    FILE *f = fopen("/proc/self/io", "r");
    if (!f) return;
    char line[128];
    unsigned long long v;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "read_bytes: %llu", &v) == 1) *rd = v;
        else if (sscanf(line, "write_bytes: %llu", &v) == 1) *wr = v;
    }
    fclose(f);
}

/* Per-core busy and total jiffies from /proc/stat; returns the cores read (<= max). *all
 * (may be NULL) gets the aggregate line's iowait (as busy) and total jiffies. */
static int read_cores(core_times_t *out, int max, core_times_t *all) {
    FILE *f = fopen("/proc/stat", "r");
    if (!f) return 0;
    char line[512];
    int n = 0;
    for (int lines = 0; lines < MAX_CPU_LINES && fgets(line, sizeof line, f); lines++) {
        if (strncmp(line, "cpu", 3) != 0) break; /* the cpu lines come first */
        if (line[3] < '0' || line[3] > '9') { /* the "cpu " aggregate */
            unsigned long long a[8] = {0};
            if (all && sscanf(line + 3, "%llu %llu %llu %llu %llu %llu %llu %llu", &a[0], &a[1], &a[2], &a[3], &a[4],
                              &a[5], &a[6], &a[7]) >= 5) {
                all->busy = a[4]; /* iowait */
                all->total = 0;
                for (int i = 0; i < 8; i++) all->total += a[i];
            }
            continue;
        }
        unsigned long long v[8] = {0};
        int id;
        int got = sscanf(line + 3, "%d %llu %llu %llu %llu %llu %llu %llu %llu", &id, &v[0], &v[1], &v[2], &v[3],
                         &v[4], &v[5], &v[6], &v[7]);
        if (got < 5 || n >= max) continue;
        uint64_t total = 0;
        for (int i = 0; i < 8; i++) total += v[i];
        uint64_t idle = v[3] + v[4]; /* idle + iowait */
        out[n].busy = total - idle;
        out[n].total = total;
        n++;
    }
    fclose(f);
    return n;
}

/* Takes one sample and appends it to the ring (caller must not hold mu). */
static void take_sample(pc_res_sampler_t *s) {
    uint64_t now = pc_clock_ns(), cpu = cpu_ns();
    double rss = pc_res_rss_mb();
    core_times_t cores[PC_RES_MAX_CORES], all = {0, 0};
    int nc = read_cores(cores, PC_RES_MAX_CORES, &all);
    uint64_t rd, wr;
    read_io(&rd, &wr);
    pc_gpu_reading_t gr;
    int have_gpu = s->gpu && pc_gpu_read(s->gpu, &gr) == 0 && gr.have_util;

    pthread_mutex_lock(&s->mu);
    pc_res_sample_t *o = &s->buf[(s->head + s->count) % PC_RES_BUFFER];
    if (s->count == PC_RES_BUFFER) { /* nobody drains: drop the oldest */
        s->head = (s->head + 1) % PC_RES_BUFFER;
        s->count--;
        s->dropped++;
    }
    memset(o, 0, sizeof *o);
    o->t = (double)(int64_t)(now - s->base_ns) * 1e-9;
    double dt = (double)(now - s->prev_ns) * 1e-9;
    o->cpu_percent = dt > 0 ? (double)(cpu - s->prev_cpu_ns) * 1e-9 / dt * 100.0 : 0;
    o->cpu_machine_percent = s->cores > 0 ? o->cpu_percent / s->cores : o->cpu_percent;
    o->rss_mb = rss;
    if (s->have_prev_core == nc) {
        o->n_cores = nc;
        for (int i = 0; i < nc; i++) {
            uint64_t db = cores[i].busy - s->prev_core[i].busy, dtot = cores[i].total - s->prev_core[i].total;
            o->core_percent[i] = dtot ? (double)db / (double)dtot * 100.0 : 0;
        }
    }
    memcpy(s->prev_core, cores, sizeof cores);
    s->have_prev_core = nc;
    if (all.total > s->prev_all.total && all.busy >= s->prev_all.busy)
        o->iowait_percent = (double)(all.busy - s->prev_all.busy) / (double)(all.total - s->prev_all.total) * 100.0;
    s->prev_all = all;
    if (dt > 0 && rd >= s->prev_read && wr >= s->prev_write) {
        o->io_read_mb_s = (double)(rd - s->prev_read) * 1e-6 / dt;
        o->io_write_mb_s = (double)(wr - s->prev_write) * 1e-6 / dt;
    }
    s->prev_read = rd;
    s->prev_write = wr;
    if (have_gpu) {
        o->have_gpu = 1;
        o->gpu_percent = gr.util_percent;
        o->gpu_mem_mb = gr.have_mem ? gr.mem_used_mb : 0;
    }
    s->prev_ns = now;
    s->prev_cpu_ns = cpu;
    s->count++;
    s->last_ns = now;
    s->last_cpu_ns = cpu;
    s->rss_sum += rss;
    s->rss_last = rss;
    s->samples++;
    pthread_mutex_unlock(&s->mu);
}

static void *sampler_main(void *arg) {
    pc_res_sampler_t *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!s->stop) {
        struct timespec dl;
        clock_gettime(CLOCK_MONOTONIC, &dl);
        uint64_t ns = (uint64_t)dl.tv_nsec + s->interval_ns;
        dl.tv_sec += (time_t)(ns / 1000000000u);
        dl.tv_nsec = (long)(ns % 1000000000u);
        int r = 0;
        while (!s->stop && r != ETIMEDOUT) r = pthread_cond_timedwait(&s->cv, &s->mu, &dl);
        if (s->stop) break;
        pthread_mutex_unlock(&s->mu);
        take_sample(s);
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

pc_res_sampler_t *pc_res_start(double interval_s, uint64_t base_ns) {
    if (!(interval_s >= 0.001 && interval_s <= 60)) interval_s = 0.1;
    pc_res_sampler_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, &ca);
    pthread_condattr_destroy(&ca);
    s->interval_ns = (uint64_t)(interval_s * 1e9);
    s->base_ns = base_ns;
    long nc = sysconf(_SC_NPROCESSORS_ONLN);
    s->cores = nc > 0 ? (int)nc : 1;
    s->prev_ns = s->mark_ns = s->last_ns = pc_clock_ns();
    s->prev_cpu_ns = s->mark_cpu_ns = s->last_cpu_ns = cpu_ns();
    s->have_prev_core = read_cores(s->prev_core, PC_RES_MAX_CORES, &s->prev_all);
    read_io(&s->prev_read, &s->prev_write);
    char why[160];
    s->gpu = pc_gpu_open(why, sizeof why); /* NULL without an NVIDIA driver: no GPU values */
    if (pthread_create(&s->thread, NULL, sampler_main, s) != 0) {
        pc_gpu_close(s->gpu);
        pthread_cond_destroy(&s->cv);
        pthread_mutex_destroy(&s->mu);
        free(s);
        return NULL;
    }
    return s;
}

void pc_res_sample_now(pc_res_sampler_t *s) { take_sample(s); }

size_t pc_res_drain(pc_res_sampler_t *s, pc_res_sample_t *out, size_t max) {
    pthread_mutex_lock(&s->mu);
    size_t n = 0;
    while (n < max && s->count) {
        out[n++] = s->buf[s->head];
        s->head = (s->head + 1) % PC_RES_BUFFER;
        s->count--;
    }
    pthread_mutex_unlock(&s->mu);
    return n;
}

void pc_res_mark(pc_res_sampler_t *s) {
    uint64_t now = pc_clock_ns(), cpu = cpu_ns();
    pthread_mutex_lock(&s->mu);
    s->mark_ns = s->last_ns = now;
    s->mark_cpu_ns = s->last_cpu_ns = cpu;
    s->rss_sum = 0;
    s->samples = 0;
    pthread_mutex_unlock(&s->mu);
}

void pc_res_totals(pc_res_sampler_t *s, pc_res_totals_t *out) {
    memset(out, 0, sizeof *out);
    pthread_mutex_lock(&s->mu);
    out->seconds = (double)(s->last_ns - s->mark_ns) * 1e-9;
    out->cpu_seconds = (double)(s->last_cpu_ns - s->mark_cpu_ns) * 1e-9;
    out->samples = s->samples;
    out->dropped = s->dropped;
    out->avg_rss_mb = s->samples ? s->rss_sum / (double)s->samples : s->rss_last;
    out->rss_mb = s->rss_last;
    out->cores = s->cores;
    pthread_mutex_unlock(&s->mu);
    if (out->seconds > 0) out->avg_cpu_percent = out->cpu_seconds / out->seconds * 100.0;
    out->avg_cpu_machine_percent = out->avg_cpu_percent / (out->cores > 0 ? out->cores : 1);
    out->peak_rss_mb = pc_res_peak_rss_mb();
    if (out->peak_rss_mb < out->rss_mb) out->peak_rss_mb = out->rss_mb;
}

void pc_res_stop(pc_res_sampler_t *s) {
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->stop = 1;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    pc_gpu_close(s->gpu);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

static double round_to(double v, double q) { return round(v / q) * q; }

int pc_res_sample_values(const pc_res_sample_t *s, char names[][PC_RES_NAME_MAX], double *vals) {
    int k = 0;
#define PC_RES_PUT_(name, v, q) (snprintf(names[k], PC_RES_NAME_MAX, "%s", name), vals[k++] = round_to(v, q))
    PC_RES_PUT_("cpu_percent", s->cpu_percent, 0.01);
    PC_RES_PUT_("cpu_machine_percent", s->cpu_machine_percent, 0.01);
    PC_RES_PUT_("rss_mb", s->rss_mb, 0.001);
    PC_RES_PUT_("iowait_percent", s->iowait_percent, 0.01);
    PC_RES_PUT_("io_read_mb_s", s->io_read_mb_s, 0.001);
    PC_RES_PUT_("io_write_mb_s", s->io_write_mb_s, 0.001);
    if (s->have_gpu) {
        PC_RES_PUT_("gpu_percent", s->gpu_percent, 0.1);
        PC_RES_PUT_("gpu_mem_mb", s->gpu_mem_mb, 1);
    }
#undef PC_RES_PUT_
    for (int j = 0; j < s->n_cores && j < PC_RES_MAX_CORES; j++) {
        snprintf(names[k], PC_RES_NAME_MAX, "core%d_percent", j);
        vals[k++] = round_to(s->core_percent[j], 0.01);
    }
    return k;
}
