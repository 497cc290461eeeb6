/* paths.c — record directory, viewer directory and result file names on the host. */
#include "paths.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pc_error.h"

static int fits(int n, size_t cap) { return n >= 0 && (size_t)n < cap ? 0 : PC_ELIMIT; }

int pc_default_record_dir(char *buf, size_t cap) {
    const char *xdg = getenv("XDG_DATA_HOME");
    const char *home = getenv("HOME");
    if (xdg && xdg[0] == '/') return fits(snprintf(buf, cap, "%s/perfcast/runs", xdg), cap);
    if (home && home[0]) return fits(snprintf(buf, cap, "%s/.local/share/perfcast/runs", home), cap);
    return fits(snprintf(buf, cap, "perfcast-runs"), cap);
}

int pc_mkdirs(const char *dir) {
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp) return PC_ELIMIT;
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return PC_EIO;
        *p = '/';
    }
    if (mkdir(tmp, 0755) != 0 && errno != EEXIST) return PC_EIO;
    return 0;
}

static int has_index(const char *dir) {
    char p[PATH_MAX];
    if (snprintf(p, sizeof p, "%s/index.html", dir) >= (int)sizeof p) return 0;
    return access(p, R_OK) == 0;
}

int pc_www_dir(char *buf, size_t cap) {
    const char *env = getenv("PERFCAST_WWW");
    if (env && env[0]) {
        if (!has_index(env)) return PC_ENOTFOUND;
        return fits(snprintf(buf, cap, "%s", env), cap);
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char cand[PATH_MAX];
            const char *rel[] = {"/../www", "/../share/perfcast/www"};
            for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
                if (snprintf(cand, sizeof cand, "%s%s", exe, rel[i]) >= (int)sizeof cand) continue;
                char real[PATH_MAX];
                if (realpath(cand, real) && has_index(real)) return fits(snprintf(buf, cap, "%s", real), cap);
            }
        }
    }
    return PC_ENOTFOUND;
}

int pc_run_path(char *buf, size_t cap, const char *dir, const char *run_id) {
    return fits(snprintf(buf, cap, "%s/%s.pcast", dir, run_id), cap);
}

int pc_write_all(int fd, const void *p, size_t n) {
    const char *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        b += w;
        n -= (size_t)w;
    }
    return 0;
}
