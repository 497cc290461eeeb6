/* check_result_loads FILE SUITE [SERIES...]: exits 0 when FILE loads with pc_model_load,
 * is a finished run of SUITE and has a histogram or samples for each SERIES named. Two
 * pseudo-series: "+frames" wants kept image frames, "+calls" a calls record with edges. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    FILE *f = fopen(argv[1], "rb");
    if (!f) return fprintf(stderr, "cannot open %s\n", argv[1]), 1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n);
    size_t len = buf ? fread(buf, 1, (size_t)n, f) : 0;
    fclose(f);
    pc_model_t *m = pc_model_create();
    pc_errbuf_t err = {0};
    pc_load_info_t info;
    int r = pc_model_load(m, buf, len, argv[1], &info, &err), bad = 0;
    if (r) fprintf(stderr, "load failed: %s\n", err.msg), bad = 1;
    else if (info.truncated) fprintf(stderr, "truncated: %s\n", info.warning), bad = 1;
    else if (strcmp(m->suite, argv[2])) fprintf(stderr, "suite %s, expected %s\n", m->suite, argv[2]), bad = 1;
    else if (!m->finished || strcmp(m->status, "ok")) fprintf(stderr, "run not finished ok (%s)\n", m->status), bad = 1;
    for (int i = 3; !bad && i < argc; i++) {
        if (!strcmp(argv[i], "+frames")) {
            if (!m->n_img) fprintf(stderr, "no image frames kept\n"), bad = 1;
            continue;
        }
        if (!strcmp(argv[i], "+calls")) {
            if (!m->calls || !cJSON_GetArraySize(cJSON_GetObjectItem(m->calls, "edges")))
                fprintf(stderr, "no calls record with edges\n"), bad = 1;
            continue;
        }
        const pc_series_t *s = pc_model_series(m, argv[i]);
        if (!s || (!s->has_hist && !s->n_samples)) fprintf(stderr, "no data for series %s\n", argv[i]), bad = 1;
    }
    if (!bad) printf("%s: %llu records, suite %s, ok\n", argv[1], (unsigned long long)info.records, m->suite);
    pc_model_destroy(m);
    free(buf);
    return bad;
}
