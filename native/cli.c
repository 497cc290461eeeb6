/* cli.c — helpers the subcommands share: usage errors, whole-file reads, --set parsing. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"

int pc_cli_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "perfcast %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (try 'perfcast %s --help')\n", cmd);
    va_end(ap);
    return 2;
}

int pc_cli_parse_num(const char *cmd, const char *name, const char *arg, double lo, double hi, double *out) {
    char *end;
    double v = strtod(arg, &end);
    if (end == arg || *end || !(v >= lo && v <= hi))
        return pc_cli_usage_error(cmd, "--%s wants a number in [%g, %g], got '%s'", name, lo, hi, arg);
    *out = v;
    return 0;
}

int pc_cli_read_file(const char *path, size_t max, uint8_t **buf, size_t *len, pc_errbuf_t *err) {
    *buf = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return pc_errf(err, PC_EIO, "%s: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    uint8_t *b = malloc(cap);
    while (b) {
        if (n == cap) {
            if (cap >= max) {
                free(b);
                fclose(f);
                return pc_errf(err, PC_ELIMIT, "%s: larger than the %zu MiB limit", path, max >> 20);
            }
            size_t ncap = cap * 2 > max ? max : cap * 2;
            uint8_t *nb = realloc(b, ncap);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap = ncap;
        }
        size_t got = fread(b + n, 1, cap - n, f);
        n += got;
        if (got == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (!b) return pc_errf(err, PC_ENOMEM, "%s: out of memory", path);
    if (bad) {
        free(b);
        return pc_errf(err, PC_EIO, "%s: read error", path);
    }
    *buf = b;
    *len = n;
    return 0;
}

int pc_cli_add_set(cJSON **obj, const char *kv) {
    const char *eq = strchr(kv, '=');
    if (!eq || eq == kv) return PC_EINVAL;
    if (!*obj) *obj = cJSON_CreateObject();
    char key[128];
    snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
    cJSON_DeleteItemFromObjectCaseSensitive(*obj, key); /* the last --set wins */
    cJSON_AddStringToObject(*obj, key, eq + 1);
    return 0;
}
