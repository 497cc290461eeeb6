/* profiler.c — the tick profiler's setup and result functions (see profiler.h). The hot
 * path is all inline in the header. */
#include "profiler.h"

#include <stdlib.h>
#include <string.h>

pc_prof_t *pc_prof_create(void) {
    pc_tsc_init();
    pc_prof_t *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->tick = pc_chist_create();
    if (!p->tick) {
        free(p);
        return NULL;
    }
    p->tick_start = p->mark = pc_tsc_now();
    return p;
}

void pc_prof_destroy(pc_prof_t *p) {
    if (!p) return;
    pc_chist_free(p->tick);
    for (int i = 0; i < p->n_comp; i++) pc_chist_free(p->comp[i]);
    free(p);
}

int pc_prof_component(pc_prof_t *p, const char *name) {
    if (!p || !name || !name[0] || strlen(name) >= PC_PROF_NAME_MAX) return PC_EINVAL;
    for (int i = 0; i < p->n_comp; i++)
        if (strcmp(p->names[i], name) == 0) return i;
    if (p->n_comp >= PC_PROF_MAX_COMPONENTS) return PC_ELIMIT;
    pc_chist_t *h = pc_chist_create();
    if (!h) return PC_ENOMEM;
    int id = p->n_comp++;
    p->comp[id] = h;
    strcpy(p->names[id], name);
    p->start[id] = p->mark;
    return id;
}

int pc_prof_components(const pc_prof_t *p) { return p ? p->n_comp : 0; }

const char *pc_prof_name(const pc_prof_t *p, int id) {
    if (!p) return NULL;
    if (id == PC_PROF_TICK) return "tick";
    return id >= 0 && id < p->n_comp ? p->names[id] : NULL;
}

void pc_prof_reset(pc_prof_t *p) {
    p->pend_comp = p->pend_tick = NULL;
    pc_chist_reset(p->tick);
    for (int i = 0; i < p->n_comp; i++) pc_chist_reset(p->comp[i]);
}

pc_chist_t *pc_prof_hist(const pc_prof_t *p, int id) {
    if (!p) return NULL;
    if (id == PC_PROF_TICK) return p->tick;
    return id >= 0 && id < p->n_comp ? p->comp[id] : NULL;
}

void pc_prof_stats_of(const pc_hist_t *h, pc_prof_stats_t *out) {
    memset(out, 0, sizeof *out);
    if (!h->total) return;
    out->count = h->total;
    out->total_ns = h->sum;
    out->mean_ns = pc_hist_mean(h);
    out->min_ns = h->min;
    out->max_ns = h->max;
    out->p50_ns = pc_hist_quantile(h, 0.50);
    out->p90_ns = pc_hist_quantile(h, 0.90);
    out->p95_ns = pc_hist_quantile(h, 0.95);
    out->p99_ns = pc_hist_quantile(h, 0.99);
    out->p999_ns = pc_hist_quantile(h, 0.999);
}

int pc_prof_stats(const pc_prof_t *p, int id, pc_prof_stats_t *out) {
    const pc_chist_t *ch = pc_prof_hist(p, id);
    if (!ch) return PC_ENOTFOUND;
    pc_hist_t *h = malloc(sizeof *h); /* 30 KB: not on the caller's stack */
    if (!h) return PC_ENOMEM;
    pc_hist_reset(h);
    pc_chist_to_hist(ch, h);
    pc_prof_stats_of(h, out);
    free(h);
    return 0;
}
