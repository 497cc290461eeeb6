/* pc_test_run.c — see pc_test_run.h. */
#include "pc_test_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cJSON.h"
#include "pc_test.h"
#include "run.h"
#include "suite.h"

int pc_test_load_file(const char *path, pc_model_t *m) {
    size_t n = 0;
    unsigned char *buf = pc_test_slurp(path, &n);
    int r = buf && n > 0 ? 0 : PC_EIO;
    pc_load_info_t info;
    pc_errbuf_t err;
    if (!r) r = pc_model_load(m, buf, n, path, &info, &err);
    if (!r && info.truncated) r = PC_ETRUNC;
    free(buf);
    return r;
}

pc_model_t *pc_test_run_suite(const char *suite, const char *overrides_json, char *status, size_t cap) {
    snprintf(status, cap, "not run");
    const pc_suite_t *s = pc_suite_find(suite);
    if (!s) return NULL;
    cJSON *ov = cJSON_Parse(overrides_json ? overrides_json : "{}");
    pc_errbuf_t err;
    cJSON *params = pc_suite_params(s, ov, 1, &err);
    cJSON_Delete(ov);
    if (!params) return NULL;
    char path[] = "/tmp/pc_test_run_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        cJSON_Delete(params);
        return NULL;
    }
    close(fd);
    pc_run_opts_t opts = {.path = path};
    pc_run_t *run;
    if (pc_run_start(s, params, 1, &opts, &run, &err) != 0) {
        cJSON_Delete(params);
        unlink(path);
        return NULL;
    }
    pc_run_join(run);
    const char *msg;
    snprintf(status, cap, "%s", pc_run_status(run, &msg));
    pc_run_destroy(run);
    pc_model_t *m = pc_model_create();
    if (m && pc_test_load_file(path, m) != 0) {
        pc_model_destroy(m);
        m = NULL;
    }
    unlink(path);
    return m;
}
