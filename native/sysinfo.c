/* sysinfo.c — system probes for the run header (see sysinfo.h).
 *
 * Each probe reads one source and leaves its field null when the source is missing or
 * unreadable; nothing here fails the caller except running out of memory. */
#include "sysinfo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "gpu.h"
#include "tsc.h"

#ifndef PC_VERSION
#define PC_VERSION "unknown"
#endif
#ifndef PC_COMPILER
#define PC_COMPILER "unknown"
#endif

/* ---- small helpers ---- */

/* Copies the value of the first "key<spaces/tabs>: value" line of a /proc-style file into
 * out (trimmed). Returns 1 when found. */
static int file_field(const char *path, const char *key, char *out, size_t cap) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    char line[512];
    size_t klen = strlen(key);
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) != 0) continue;
        const char *p = line + klen;
        while (*p == ' ' || *p == '\t') p++;
        if (*p != ':') continue;
        p++;
        while (*p == ' ' || *p == '\t') p++;
        snprintf(out, cap, "%s", p);
        size_t n = strlen(out);
        while (n && (out[n - 1] == '\n' || out[n - 1] == ' ' || out[n - 1] == '\r')) out[--n] = '\0';
        found = 1;
        break;
    }
    fclose(f);
    return found;
}

/* Reads the first line of a small file into out (newline stripped). Returns 1 on success. */
static int file_line(const char *path, char *out, size_t cap) {
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int ok = fgets(out, (int)cap, f) != NULL;
    fclose(f);
    if (ok) out[strcspn(out, "\r\n")] = '\0';
    return ok;
}

/* Adds a number, or null when `have` is 0. */
static void add_num_or_null(cJSON *o, const char *key, int have, double v) {
    if (have) cJSON_AddNumberToObject(o, key, v);
    else cJSON_AddNullToObject(o, key);
}

/* Adds a string, or null when s is NULL or empty. */
static void add_str_or_null(cJSON *o, const char *key, const char *s) {
    if (s && *s) cJSON_AddStringToObject(o, key, s);
    else cJSON_AddNullToObject(o, key);
}

static double round1(double v) { return (double)(long long)(v * 10 + (v >= 0 ? 0.5 : -0.5)) / 10; }

/* ---- CPU ---- */

/* Aggregate jiffies from the first line of /proc/stat: busy and total. Returns 1 on success. */
static int read_cpu_jiffies(unsigned long long *busy, unsigned long long *total) {
    char line[512];
    if (!file_line("/proc/stat", line, sizeof line) || strncmp(line, "cpu ", 4) != 0) return 0;
    unsigned long long v[10] = {0};
    int n = sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2],
                   &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9]);
    if (n < 4) return 0;
    /* user nice system idle iowait irq softirq steal [guest guest_nice are inside user/nice] */
    unsigned long long t = 0;
    for (int i = 0; i < n && i < 8; i++) t += v[i];
    *total = t;
    *busy = t - v[3] - (n > 4 ? v[4] : 0);
    return 1;
}

/* Physical cores: distinct (package, core) pairs from sysfs topology; 0 when unknown. */
static int count_physical_cores(int logical) {
    enum { MAXC = 4096 };
    static const int stride = 1 << 16;
    int n_pairs = 0;
    long *pairs = malloc(sizeof(long) * MAXC);
    if (!pairs) return 0;
    for (int cpu = 0; cpu < MAXC && cpu < logical * 4 + 64; cpu++) {
        char path[128], a[32], b[32];
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", cpu);
        if (!file_line(path, a, sizeof a)) continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
        if (!file_line(path, b, sizeof b)) continue;
        long key = atol(a) * stride + atol(b);
        int seen = 0;
        for (int i = 0; i < n_pairs; i++) seen |= pairs[i] == key;
        if (!seen) pairs[n_pairs++] = key;
    }
    free(pairs);
    return n_pairs;
}

static cJSON *cpu_info(const struct utsname *un, int have_un) {
    cJSON *cpu = cJSON_CreateObject();
    if (!cpu) return NULL;
    char buf[256];

    unsigned long long b0 = 0, t0 = 0, b1 = 0, t1 = 0;
    int have_util = read_cpu_jiffies(&b0, &t0);

    const char *model = NULL;
    if (file_field("/proc/cpuinfo", "model name", buf, sizeof buf) ||
        file_field("/proc/cpuinfo", "Model", buf, sizeof buf) ||
        file_field("/proc/cpuinfo", "Hardware", buf, sizeof buf) ||
        file_field("/proc/cpuinfo", "cpu model", buf, sizeof buf))
        model = buf;
    add_str_or_null(cpu, "model", model);
    add_str_or_null(cpu, "architecture", have_un ? un->machine : NULL);

    long logical = sysconf(_SC_NPROCESSORS_ONLN);
    int physical = count_physical_cores(logical > 0 ? (int)logical : 1);
    add_num_or_null(cpu, "physical_cores", physical > 0, physical);
    add_num_or_null(cpu, "logical_cores", logical > 0, (double)logical);

    double mhz = 0;
    if (file_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", buf, sizeof buf))
        mhz = atof(buf) / 1000.0; /* kHz */
    if (!(mhz > 0) && file_field("/proc/cpuinfo", "cpu MHz", buf, sizeof buf)) mhz = atof(buf);
    add_num_or_null(cpu, "frequency_mhz", mhz > 0, round1(mhz));

    /* utilization over a short window; the TSC calibration (first call only) overlaps it */
    uint64_t start = pc_clock_ns();
    pc_tsc_init();
    uint64_t spent = pc_clock_ns() - start;
    if (have_util && spent < 100000000u) {
        struct timespec ts = {0, (long)(100000000u - spent)};
        nanosleep(&ts, NULL);
    }
    have_util = have_util && read_cpu_jiffies(&b1, &t1) && t1 > t0;
    add_num_or_null(cpu, "utilization_percent", have_util,
                    have_util ? round1(100.0 * (double)(b1 - b0) / (double)(t1 - t0)) : 0);

    cJSON_AddBoolToObject(cpu, "invariant_tsc", pc_tsc_invariant());
    add_num_or_null(cpu, "tsc_ghz", pc_tsc_g.use_rdtsc, (double)(long long)(pc_tsc_ghz() * 1e4 + 0.5) / 1e4);
    cJSON_AddStringToObject(cpu, "tick_source", pc_tsc_source());
    return cpu;
}

/* ---- memory ---- */

static cJSON *memory_info(void) {
    cJSON *mem = cJSON_CreateObject();
    if (!mem) return NULL;
    char buf[128];
    double total_kb = 0, avail_kb = -1;
    if (file_field("/proc/meminfo", "MemTotal", buf, sizeof buf)) total_kb = atof(buf);
    if (file_field("/proc/meminfo", "MemAvailable", buf, sizeof buf)) avail_kb = atof(buf);
    if (total_kb <= 0) { /* not Linux, or no /proc: sysconf knows the total at least */
        long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
        if (pages > 0 && psz > 0) total_kb = (double)pages * (double)psz / 1024.0;
    }
    int have_total = total_kb > 0, have_avail = have_total && avail_kb >= 0;
    add_num_or_null(mem, "total_mb", have_total, (double)(long long)(total_kb / 1024));
    add_num_or_null(mem, "used_mb", have_avail, (double)(long long)((total_kb - avail_kb) / 1024));
    add_num_or_null(mem, "available_mb", have_avail, (double)(long long)(avail_kb / 1024));
    add_num_or_null(mem, "percent", have_avail, have_avail ? round1(100.0 * (total_kb - avail_kb) / total_kb) : 0);
    return mem;
}

/* ---- GPU: NVML first, nvidia-smi second ---- */

static cJSON *gpu_from_nvml(char *reason, size_t cap) {
    pc_gpu_t *g = pc_gpu_open(reason, cap);
    if (!g) return NULL;
    pc_gpu_reading_t rd;
    cJSON *gpu = pc_gpu_read(g, &rd) == 0 ? cJSON_CreateObject() : NULL;
    if (gpu) {
        add_str_or_null(gpu, "name", rd.name);
        cJSON_AddNumberToObject(gpu, "count", rd.count);
        add_num_or_null(gpu, "memory_total_mb", rd.have_mem, rd.mem_total_mb);
        add_num_or_null(gpu, "memory_used_mb", rd.have_mem, rd.mem_used_mb);
        add_num_or_null(gpu, "utilization_percent", rd.have_util, rd.util_percent);
        cJSON_AddStringToObject(gpu, "source", "nvml");
    } else {
        snprintf(reason, cap, "NVML answered nothing for GPU 0");
    }
    pc_gpu_close(g);
    return gpu;
}

/* 1 when an executable `prog` is on $PATH. */
static int on_path(const char *prog) {
    const char *path = getenv("PATH");
    if (!path) path = "/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        if (n && n < 1024) {
            char full[1100];
            snprintf(full, sizeof full, "%.*s/%s", (int)n, path, prog);
            if (access(full, X_OK) == 0) return 1;
        }
        path += n;
        if (*path == ':') path++;
    }
    return 0;
}

/* Parses "NAME, total, used, util" (numbers may be "[N/A]") into a gpu object. */
static cJSON *gpu_from_smi_line(char *line, int count) {
    char *f[4] = {0};
    int nf = 0;
    for (char *p = line; nf < 4 && p;) {
        f[nf++] = p;
        char *c = strchr(p, ',');
        if (c) *c++ = '\0';
        p = c;
    }
    if (nf < 4) return NULL;
    for (int i = 0; i < 4; i++) {
        while (*f[i] == ' ') f[i]++;
        size_t n = strlen(f[i]);
        while (n && (f[i][n - 1] == ' ' || f[i][n - 1] == '\n' || f[i][n - 1] == '\r')) f[i][--n] = '\0';
    }
    cJSON *gpu = cJSON_CreateObject();
    if (!gpu) return NULL;
    add_str_or_null(gpu, "name", f[0]);
    cJSON_AddNumberToObject(gpu, "count", count);
    const char *keys[3] = {"memory_total_mb", "memory_used_mb", "utilization_percent"};
    for (int i = 0; i < 3; i++) {
        char *end;
        double v = strtod(f[i + 1], &end);
        add_num_or_null(gpu, keys[i], end != f[i + 1] && *end == '\0', v);
    }
    cJSON_AddStringToObject(gpu, "source", "nvidia-smi");
    return gpu;
}

static cJSON *gpu_from_smi(char *reason, size_t cap) {
    if (!on_path("nvidia-smi")) {
        snprintf(reason, cap, "nvidia-smi not found");
        return NULL;
    }
    FILE *p = popen("nvidia-smi --query-gpu=name,memory.total,memory.used,utilization.gpu "
                    "--format=csv,noheader,nounits 2>/dev/null",
                    "r");
    if (!p) {
        snprintf(reason, cap, "cannot run nvidia-smi");
        return NULL;
    }
    char first[512] = "", line[512];
    int count = 0;
    while (fgets(line, sizeof line, p)) {
        if (!count) snprintf(first, sizeof first, "%s", line);
        count++;
    }
    int status = pclose(p);
    cJSON *gpu = count ? gpu_from_smi_line(first, count) : NULL;
    if (!gpu) snprintf(reason, cap, "nvidia-smi found no GPU (exit status %d)", status);
    return gpu;
}

cJSON *pc_sysinfo_gpu(char *reason, size_t cap) {
    char nvml_why[160];
    cJSON *gpu = gpu_from_nvml(nvml_why, sizeof nvml_why);
    if (gpu) return gpu;
    char smi_why[160];
    gpu = gpu_from_smi(smi_why, sizeof smi_why);
    if (gpu) return gpu;
    snprintf(reason, cap, "no NVIDIA GPU detected: %s; %s", nvml_why, smi_why);
    return NULL;
}

/* ---- platform ---- */

static cJSON *platform_info(const struct utsname *un, int have_un) {
    cJSON *pl = cJSON_CreateObject();
    if (!pl) return NULL;
    add_str_or_null(pl, "os", have_un ? un->sysname : NULL);
    char buf[256];
    int have_distro = 0;
    FILE *f = fopen("/etc/os-release", "r"); /* KEY=value lines, values maybe quoted */
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, "PRETTY_NAME=", 12) != 0) continue;
        char *v = line + 12;
        v[strcspn(v, "\r\n")] = '\0';
        size_t n = strlen(v);
        if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
            v[n - 1] = '\0';
            v++;
        }
        snprintf(buf, sizeof buf, "%s", v);
        have_distro = 1;
        break;
    }
    if (f) fclose(f);
    add_str_or_null(pl, "distribution", have_distro ? buf : NULL);
    add_str_or_null(pl, "kernel", have_un ? un->release : NULL);
    add_str_or_null(pl, "architecture", have_un ? un->machine : NULL);
    char host[256] = "";
    if (gethostname(host, sizeof host) != 0) host[0] = '\0';
    host[sizeof host - 1] = '\0';
    add_str_or_null(pl, "hostname", host);
    cJSON_AddStringToObject(pl, "compiler", PC_COMPILER);
    cJSON_AddStringToObject(pl, "perfcast_version", PC_VERSION);
    return pl;
}

cJSON *pc_sysinfo_collect(void) {
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    struct utsname un;
    int have_un = uname(&un) == 0;
    cJSON *cpu = cpu_info(&un, have_un), *mem = memory_info(), *pl = platform_info(&un, have_un);
    if (!cpu || !mem || !pl) {
        cJSON_Delete(cpu);
        cJSON_Delete(mem);
        cJSON_Delete(pl);
        cJSON_Delete(o);
        return NULL;
    }
    cJSON_AddItemToObject(o, "cpu", cpu);
    cJSON_AddItemToObject(o, "memory", mem);
    char why[400];
    cJSON *gpu = pc_sysinfo_gpu(why, sizeof why);
    if (gpu) {
        cJSON_AddItemToObject(o, "gpu", gpu);
    } else {
        cJSON_AddNullToObject(o, "gpu");
        cJSON_AddStringToObject(o, "gpu_reason", why);
    }
    cJSON_AddItemToObject(o, "platform", pl);
    return o;
}
