/* views.c — the view registry. A suite's views are rows in this table; the CLI, the agent
 * and the page find them by name, so adding a view changes nothing else. */
#include "views.h"

#include <string.h>

#include "views/backtest_views.h"
#include "views/dashboard.h"
#include "views/latency_anim.h"
#include "views/volume_views.h"
#include "views/fractal_views.h"
#include "views/orderbook_views.h"
#include "views/ringbuf_views.h"
#include "views/mdf4_views.h"

static const pc_view_def_t VIEWS[] = {
    {"latency-histogram", "Latency distribution", "ringbuf", 0, pc_view_ringbuf_latency},
    {"throughput-timeline", "Throughput over time", "ringbuf", 1, pc_view_ringbuf_throughput},
    {"comparison", "SPSC vs mutex", "ringbuf", 0, pc_view_ringbuf_comparison},
    {"summary", "Summary", "ringbuf", 0, pc_view_ringbuf_summary},
    {"orderbook-depth", "Order book depth", "orderbook", 1, pc_view_orderbook_depth},
    {"latency-animation", "Latency over time", NULL, 1, pc_view_latency_animation},
    {"throughput-timeline", "Throughput over time", "orderbook", 1, pc_view_orderbook_throughput},
    {"comparison", "Throughput and latency", "orderbook", 0, pc_view_orderbook_comparison},
    {"summary", "Summary", "orderbook", 0, pc_view_orderbook_summary},
    {"tick-latency-histogram", "Tick latency", "backtest", 0, pc_view_backtest_latency},
    {"components", "Stages", "backtest", 0, pc_view_backtest_components},
    {"resources", "CPU and memory", "backtest", 1, pc_view_backtest_resources},
    {"scalability", "Scalability", "backtest", 0, pc_view_backtest_scalability},
    {"summary", "Summary", "backtest", 0, pc_view_backtest_summary},
    {"volume", "Marching cubes", "volume", 1, pc_view_volume},
    {"frame-times", "Frame times", "volume", 1, pc_view_volume_frame_times},
    {"summary", "Summary", "volume", 0, pc_view_volume_summary},
    {"mdf4-throughput", "Throughput with 95% CI", "mdf4", 0, pc_view_mdf4_throughput},
    {"mdf4-memory", "Peak memory / file size", "mdf4", 0, pc_view_mdf4_memory},
    {"summary", "Summary", "mdf4", 0, pc_view_mdf4_summary},
    {"fractal", "Fractal frames", "fractal", 1, pc_view_fractal},
    {"summary", "Summary", "fractal", 0, pc_view_fractal_summary},
    {"system", "System", NULL, 0, pc_view_system},
    {"dashboard", "Dashboard", NULL, 1, pc_view_dashboard, pc_view_dashboard_input},
};

const pc_view_def_t *pc_views(size_t *n) {
    if (n) *n = sizeof VIEWS / sizeof VIEWS[0];
    return VIEWS;
}

const pc_view_def_t *pc_view_find(const char *name) { return pc_view_find_for(name, NULL); }

const pc_view_def_t *pc_view_find_for(const char *name, const char *suite) {
    if (!name) return NULL;
    const pc_view_def_t *generic = NULL, *any = NULL;
    for (size_t i = 0; i < sizeof VIEWS / sizeof VIEWS[0]; i++) {
        const pc_view_def_t *v = &VIEWS[i];
        if (strcmp(v->name, name) != 0) continue;
        if (suite && v->suite && strcmp(v->suite, suite) == 0) return v;
        if (!v->suite && !generic) generic = v;
        if (!any) any = v;
    }
    return generic ? generic : any;
}

size_t pc_view_scratch_bytes(const char *name, const pc_model_t *m, int w, int h) {
    return name && strcmp(name, "volume") == 0 ? pc_view_volume_scratch_bytes(m, w, h) : 0;
}

int pc_view_draw(const char *name, pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st) {
    const pc_view_def_t *v = pc_view_find_for(name, m && m->suite[0] ? m->suite : NULL);
    if (!v) return PC_ENOTFOUND;
    pc_view_state_t dflt = {.t_cursor = -1, .scale = 1.0f, .font = NULL};
    return v->draw(fb, m, st ? st : &dflt);
}

int pc_view_input(const char *name, pc_view_state_t *st, const pc_model_t *m, int w, int h,
                  const pc_view_input_t *in) {
    const pc_view_def_t *v = pc_view_find_for(name, m && m->suite[0] ? m->suite : NULL);
    if (!v) return PC_ENOTFOUND;
    return v->input ? v->input(st, m, w, h, in) : 0;
}
