/* test_sysinfo.c — the system probes report this machine sanely and degrade with a reason. */
#include <stdlib.h>
#include <unistd.h>

#include "pc_test.h"
#include "sysinfo.h"

static const cJSON *obj(const cJSON *o, const char *key) { return cJSON_GetObjectItemCaseSensitive(o, key); }

static double num(const cJSON *o, const char *key) {
    const cJSON *v = obj(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

static void sysinfo_should_describe_the_cpu(void) {
    cJSON *s = pc_sysinfo_collect();
    PC_CHECK(s != NULL);
    const cJSON *cpu = obj(s, "cpu");
    PC_CHECK(cJSON_IsObject(cpu));
    double logical = num(cpu, "logical_cores");
    PC_CHECK(logical >= 1);
    PC_CHECK(logical == (double)sysconf(_SC_NPROCESSORS_ONLN));
    double phys = num(cpu, "physical_cores");
    PC_CHECK(phys >= 1 && phys <= logical);
    PC_CHECK(cJSON_IsString(obj(cpu, "model")) && obj(cpu, "model")->valuestring[0]);
    PC_CHECK(cJSON_IsString(obj(cpu, "architecture")));
    double util = num(cpu, "utilization_percent");
    PC_CHECK(util >= 0 && util <= 100);
    PC_CHECK(cJSON_IsBool(obj(cpu, "invariant_tsc")));
    const cJSON *ghz = obj(cpu, "tsc_ghz");
#if defined(__x86_64__)
    if (cJSON_IsTrue(obj(cpu, "invariant_tsc"))) PC_CHECK(cJSON_IsNumber(ghz) && ghz->valuedouble > 0.1);
#endif
    PC_CHECK(cJSON_IsNumber(ghz) || cJSON_IsNull(ghz));
    const cJSON *mhz = obj(cpu, "frequency_mhz");
    PC_CHECK(cJSON_IsNull(mhz) || (cJSON_IsNumber(mhz) && mhz->valuedouble > 0));
    cJSON_Delete(s);
}

static void sysinfo_should_describe_memory(void) {
    cJSON *s = pc_sysinfo_collect();
    PC_CHECK(s != NULL);
    const cJSON *mem = obj(s, "memory");
    double total = num(mem, "total_mb"), used = num(mem, "used_mb"), avail = num(mem, "available_mb");
    double pct = num(mem, "percent");
    cJSON_Delete(s);
    PC_CHECK(total > 0);
    PC_CHECK(used >= 0 && used <= total);
    PC_CHECK(avail >= 0 && avail <= total);
    PC_CHECK(used + avail <= total + 1 && used + avail >= total - 1);
    PC_CHECK(pct >= 0 && pct <= 100);
}

static void sysinfo_should_describe_the_platform(void) {
    cJSON *s = pc_sysinfo_collect();
    PC_CHECK(s != NULL);
    const cJSON *pl = obj(s, "platform");
    PC_CHECK(cJSON_IsObject(pl));
    const char *keys[] = {"os", "kernel", "architecture", "hostname", "compiler", "perfcast_version"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const cJSON *v = obj(pl, keys[i]);
        if (!cJSON_IsString(v) || !v->valuestring[0]) {
            cJSON_Delete(s);
            PC_CHECK(!"platform field missing or empty");
        }
    }
    PC_CHECK_EQ_STR(obj(pl, "perfcast_version")->valuestring, PC_VERSION);
    PC_CHECK_EQ_STR(obj(pl, "os")->valuestring, "Linux");
    cJSON_Delete(s);
}

/* Either an NVIDIA GPU with its numbers, or null and a reason: never a missing key. */
static void sysinfo_should_report_a_gpu_or_why_not(void) {
    cJSON *s = pc_sysinfo_collect();
    PC_CHECK(s != NULL);
    const cJSON *gpu = obj(s, "gpu");
    PC_CHECK(gpu != NULL);
    int has_driver = access("/proc/driver/nvidia/version", R_OK) == 0;
    if (cJSON_IsNull(gpu)) {
        const cJSON *why = obj(s, "gpu_reason");
        PC_CHECK(cJSON_IsString(why) && strlen(why->valuestring) > 10);
        PC_CHECK(!has_driver); /* a machine with the NVIDIA driver must report its GPU */
    } else {
        PC_CHECK(cJSON_IsObject(gpu));
        PC_CHECK(cJSON_IsString(obj(gpu, "name")));
        PC_CHECK(num(gpu, "count") >= 1);
        PC_CHECK(num(gpu, "memory_total_mb") > 0);
        PC_CHECK(obj(s, "gpu_reason") == NULL);
    }
    cJSON_Delete(s);
}

static void sysinfo_gpu_should_say_why_when_absent(void) {
    char why[256] = "";
    cJSON *gpu = pc_sysinfo_gpu(why, sizeof why);
    if (gpu) {
        PC_CHECK(cJSON_IsString(cJSON_GetObjectItem(gpu, "source")));
        cJSON_Delete(gpu);
        return;
    }
    PC_CHECK(strstr(why, "NVML") != NULL);
    PC_CHECK(strstr(why, "nvidia-smi") != NULL);
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    PC_RUN(sysinfo_should_describe_the_cpu);
    PC_RUN(sysinfo_should_describe_memory);
    PC_RUN(sysinfo_should_describe_the_platform);
    PC_RUN(sysinfo_should_report_a_gpu_or_why_not);
    PC_RUN(sysinfo_gpu_should_say_why_when_absent);
    return pc_test_done();
}
