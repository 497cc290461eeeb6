/* ob_gen.c — the deterministic order flow (see ob_gen.h). */
#include "ob_gen.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The flow's shape; ob_gen.h explains each. */
#define STEP_MASK 1023u         /* the mid moves when the low bits of a draw are zero */
#define REVERSION 1024.0      /* ticks away from center at which the walk is biased 0.5 -> 0 */
#define P_CANCEL 0.40
#define P_MARKET 0.04         /* after cancels: [0.40, 0.44) */
#define P_MARKETABLE 0.04     /* of limit orders */
#define CANCEL_CHOICES 4
#define OFFSET_MEAN 4.0       /* ticks, passive limit orders' distance beyond one tick */
#define PARETO_ALPHA 1.3
#define PARETO_SCALE 10.0

uint64_t pc_splitmix64(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void pc_xoshiro_seed(uint64_t s[4], uint64_t seed) {
    for (int i = 0; i < 4; i++) s[i] = pc_splitmix64(&seed);
}

/* Uniform in (0, 1]: safe for log(). */
static inline double unit_open0(uint64_t s[4]) { return (double)((pc_xoshiro_next(s) >> 11) + 1) * 0x1p-53; }

/* Uniform in [0, 1). */
static inline double unit(uint64_t s[4]) { return (double)(pc_xoshiro_next(s) >> 11) * 0x1p-53; }

static uint32_t pareto_qty(uint64_t s[4]) {
    double q = ceil(PARETO_SCALE * exp(-log(unit_open0(s)) / PARETO_ALPHA));
    return q > PC_OB_GEN_MAX_QTY ? PC_OB_GEN_MAX_QTY : (uint32_t)q;
}

int pc_ob_gen_init(pc_ob_gen_t *g, const pc_ob_gen_config_t *cfg) {
    memset(g, 0, sizeof *g);
    int64_t lo = (int64_t)cfg->min_price + PC_OB_GEN_MAX_OFFSET + 2;
    int64_t hi = (int64_t)cfg->max_price - PC_OB_GEN_MAX_OFFSET - 2;
    if (cfg->max_live < 1 || cfg->center < lo || cfg->center > hi) return PC_EINVAL;
    g->live = malloc((size_t)cfg->max_live * sizeof *g->live);
    if (!g->live) return PC_ENOMEM;
    g->cfg = *cfg;
    pc_xoshiro_seed(g->s, cfg->seed);
    pc_xoshiro_seed(g->g, cfg->seed ^ 0x5eed5eed5eed5eedull);
    g->mid = cfg->center;
    g->mid_lo = (int32_t)lo;
    g->mid_hi = (int32_t)hi;
    g->next_id = 1;
    return 0;
}

void pc_ob_gen_free(pc_ob_gen_t *g) {
    free(g->live);
    g->live = NULL;
}

/* A cancel of one tracked order, which stops being tracked: of CANCEL_CHOICES picked at
 * random, the one priced most aggressively against the current mid (a bid highest above
 * it, an ask lowest below it): quotes that the fair price moved through go first, and
 * otherwise cancels land near the top of the book, as real ones mostly do. */
static void make_cancel(pc_ob_gen_t *g, pc_ob_order_t *o) {
    uint32_t best = 0;
    int64_t best_score = INT64_MIN;
    for (int k = 0; k < CANCEL_CHOICES; k++) {
        uint32_t i = (uint32_t)pc_xoshiro_below(g->s, g->n_live);
        const pc_ob_gen_live_t *l = &g->live[i];
        int64_t score = (int64_t)l->side * ((int64_t)l->price - g->mid);
        if (score > best_score) {
            best_score = score;
            best = i;
        }
    }
    o->type = PC_OB_CANCEL;
    o->id = g->live[best].id;
    g->live[best] = g->live[--g->n_live];
    g->cancels++;
}

static void walk(pc_ob_gen_t *g) {
    if (pc_xoshiro_next(g->s) & STEP_MASK) return;
    double pull = (double)(g->mid - g->cfg.center) / REVERSION;
    if (pull > 0.4) pull = 0.4;
    if (pull < -0.4) pull = -0.4;
    int up = unit(g->s) < 0.5 - pull;
    if (up && g->mid < g->mid_hi) g->mid++;
    else if (!up && g->mid > g->mid_lo) g->mid--;
}

void pc_ob_gen_next(pc_ob_gen_t *g, pc_ob_order_t *o) {
    memset(o, 0, sizeof *o);
    g->sent++;
    walk(g);
    if (g->n_live == g->cfg.max_live) { /* full: make room first */
        make_cancel(g, o);
        return;
    }
    double u = unit(g->s);
    if (u < P_CANCEL && g->n_live) {
        make_cancel(g, o);
        return;
    }
    int side = pc_xoshiro_next(g->s) & 1 ? PC_OB_BUY : PC_OB_SELL;
    o->side = (int8_t)side;
    o->id = g->next_id++;
    o->qty = pareto_qty(g->s);
    if (u < P_CANCEL + P_MARKET) {
        o->type = PC_OB_MARKET;
        g->markets++;
        return;
    }
    o->type = PC_OB_LIMIT;
    if (unit(g->s) < P_MARKETABLE) {
        /* through the mid: trades if the other side's quotes are stale or thin */
        o->price = g->mid + side * (int32_t)pc_xoshiro_below(g->s, 3);
    } else {
        double d = 1.0 + floor(-log(unit_open0(g->s)) * OFFSET_MEAN);
        if (d > PC_OB_GEN_MAX_OFFSET) d = PC_OB_GEN_MAX_OFFSET;
        o->price = g->mid - side * (int32_t)d;
    }
    g->live[g->n_live++] = (pc_ob_gen_live_t){.id = o->id, .price = o->price, .side = side};
    g->limits++;
}

double pc_ob_gen_gap(pc_ob_gen_t *g) { return -log(unit_open0(g->g)); }
