/* bt_engine.c — the backtest engine's stages and its two loops (see bt_engine.h).
 *
 * The stages are static inline and both loops are one always-inlined body with `profiled` a
 * compile-time constant, so the unprofiled loop is the same machine code minus the profiler:
 * that difference is what the suite reports as the profiler's overhead. */
#include "bt_engine.h"

#include <stdlib.h>
#include <string.h>

#define INLINE static inline __attribute__((always_inline))

void pc_bt_config_default(pc_bt_config_t *cfg) {
    cfg->fast = 20;
    cfg->slow = 100;
    cfg->qty = 100;
    cfg->max_position = 100;
    cfg->max_notional = 1000000;
    cfg->max_orders_per_s = 50;
    cfg->max_drawdown = 50000;
    cfg->fee_bps = 0.5;
    cfg->capital = 1000000;
}

int pc_bt_engine_init(pc_bt_engine_t *e, const pc_bt_config_t *cfg) {
    memset(e, 0, sizeof *e);
    if (cfg->fast < 1 || cfg->slow <= cfg->fast || cfg->qty < 1) return PC_EINVAL;
    e->cfg = *cfg;
    e->ring = calloc((size_t)cfg->slow, sizeof *e->ring);
    if (!e->ring) return PC_ENOMEM;
    pc_bt_engine_reset(e);
    return 0;
}

void pc_bt_engine_free(pc_bt_engine_t *e) {
    free(e->ring);
    e->ring = NULL;
}

void pc_bt_engine_reset(pc_bt_engine_t *e) {
    int64_t *ring = e->ring;
    pc_bt_config_t cfg = e->cfg;
    memset(e, 0, sizeof *e);
    e->cfg = cfg;
    e->ring = ring;
    if (ring) memset(ring, 0, (size_t)cfg.slow * sizeof *ring);
    e->equity = e->peak = cfg.capital;
}

int pc_bt_prof_ids(pc_prof_t *p, pc_bt_prof_ids_t *ids) {
    if ((ids->parse = pc_prof_component(p, "parse")) < 0) return ids->parse;
    if ((ids->strategy = pc_prof_component(p, "strategy")) < 0) return ids->strategy;
    if ((ids->risk = pc_prof_component(p, "risk")) < 0) return ids->risk;
    if ((ids->execution = pc_prof_component(p, "execution")) < 0) return ids->execution;
    return 0;
}

/* ---- stages ---- */

/* Decodes and validates one message; 1 when it is a usable tick. */
INLINE int stage_parse(pc_bt_engine_t *e, const pc_bt_msg_t *m, pc_bt_tick_t *t) {
    uint64_t ts;
    int64_t bid, ask;
    uint32_t bs, as;
    /* a feed message is bytes: read each field as bytes (no aliasing or alignment assumption) */
    const unsigned char *b = (const unsigned char *)m;
    memcpy(&ts, b, 8);
    memcpy(&bid, b + 8, 8);
    memcpy(&ask, b + 16, 8);
    memcpy(&bs, b + 24, 4);
    memcpy(&as, b + 28, 4);
    e->ticks++;
    if (bid <= 0 || ask <= bid || bs == 0 || as == 0 || ts < e->last_ts) {
        e->bad_ticks++;
        return 0;
    }
    e->last_ts = ts;
    t->ts_ns = ts;
    t->bid = bid;
    t->ask = ask;
    t->bid_size = bs;
    t->ask_size = as;
    t->mid2 = bid + ask;
    return 1;
}

/* Updates the rolling sums; returns the signed order quantity (0: none). */
INLINE int64_t stage_strategy(pc_bt_engine_t *e, const pc_bt_tick_t *t) {
    const int fast = e->cfg.fast, slow = e->cfg.slow;
    int pos = e->ring_pos;
    int fpos = pos - fast;
    if (fpos < 0) fpos += slow;
    int64_t leaving_slow = e->ring[pos], leaving_fast = e->ring[fpos];
    e->ring[pos] = t->mid2;
    e->ring_pos = pos + 1 == slow ? 0 : pos + 1;
    e->slow_sum += t->mid2 - leaving_slow;
    e->fast_sum += t->mid2 - leaving_fast; /* the fast window's oldest is `fast` slots back */
    if (e->filled < slow) {
        e->filled++;
        return 0;
    }
    /* fast mean vs slow mean without dividing: fast_sum * slow vs slow_sum * fast */
    int64_t lhs = e->fast_sum * slow, rhs = e->slow_sum * fast;
    int trend = lhs > rhs ? 1 : lhs < rhs ? -1 : e->trend;
    if (trend == e->trend) return 0;
    e->trend = trend;
    return (int64_t)trend * e->cfg.qty - e->position;
}

/* Pre-trade checks; returns the order quantity allowed (0: rejected or none). */
INLINE int64_t stage_risk(pc_bt_engine_t *e, const pc_bt_tick_t *t, int64_t qty) {
    if (e->cfg.max_drawdown > 0 && !e->killed && e->peak - e->equity > e->cfg.max_drawdown) e->killed = 1;
    if (!qty) return 0;
    e->orders++;
    int64_t after = e->position + qty;
    int64_t abs_after = after < 0 ? -after : after, abs_now = e->position < 0 ? -e->position : e->position;
    if (e->killed && abs_after >= abs_now) {
        e->rejects[PC_BT_REJ_KILL]++;
        return 0;
    }
    if (abs_after > e->cfg.max_position) {
        e->rejects[PC_BT_REJ_POSITION]++;
        return 0;
    }
    int64_t px = qty > 0 ? t->ask : t->bid;
    double notional = (double)(qty < 0 ? -qty : qty) * (double)px * (1.0 / PC_BT_PRICE_SCALE);
    if (notional > e->cfg.max_notional) {
        e->rejects[PC_BT_REJ_NOTIONAL]++;
        return 0;
    }
    if (e->cfg.max_orders_per_s > 0) {
        if (t->ts_ns - e->rate_window_ns >= 1000000000u) {
            e->rate_window_ns = t->ts_ns;
            e->rate_count = 0;
        }
        if (e->rate_count >= e->cfg.max_orders_per_s) {
            e->rejects[PC_BT_REJ_RATE]++;
            return 0;
        }
        e->rate_count++;
    }
    return qty;
}

/* Fills the order (if any) against the quote, then marks the position to the mid. */
INLINE void stage_execution(pc_bt_engine_t *e, const pc_bt_tick_t *t, int64_t qty) {
    if (qty) {
        int64_t avail = qty > 0 ? t->ask_size : t->bid_size;
        int64_t want = qty < 0 ? -qty : qty;
        int64_t fill = want < avail ? want : avail;
        if (fill < want) e->partial_fills++;
        double px = (double)(qty > 0 ? t->ask : t->bid) * (1.0 / PC_BT_PRICE_SCALE);
        int64_t signed_fill = qty > 0 ? fill : -fill;
        double notional = (double)fill * px;
        e->fees += notional * e->cfg.fee_bps * 1e-4;
        e->fills++;
        e->volume += fill;
        e->notional += notional;
        int64_t pos = e->position, after = pos + signed_fill;
        if (pos == 0 || (pos > 0) == (signed_fill > 0)) {
            /* opening or adding: the average entry price moves */
            int64_t apos = pos < 0 ? -pos : pos;
            e->avg_price = (e->avg_price * (double)apos + px * (double)fill) / (double)(apos + fill);
        } else {
            /* reducing, closing or flipping: realize the closed part at the entry price */
            int64_t apos = pos < 0 ? -pos : pos;
            int64_t closed = fill < apos ? fill : apos;
            e->realized += (double)closed * (px - e->avg_price) * (pos > 0 ? 1.0 : -1.0);
            if (after == 0) e->avg_price = 0;
            else if ((after > 0) != (pos > 0)) e->avg_price = px; /* flipped: the rest opened at px */
        }
        e->position = after;
    }
    double mid = (double)t->mid2 * (0.5 / PC_BT_PRICE_SCALE);
    e->unrealized = (double)e->position * (mid - e->avg_price);
    e->equity = e->cfg.capital + e->realized + e->unrealized - e->fees;
    if (e->equity > e->peak) e->peak = e->equity;
    double dd = e->peak - e->equity;
    if (dd > e->max_drawdown) {
        e->max_drawdown = dd;
        e->max_drawdown_pct = e->peak > 0 ? dd / e->peak * 100.0 : 0;
    }
}

/* ---- loops ---- */

INLINE void run_body(pc_bt_engine_t *e, const pc_bt_msg_t *msgs, size_t n, pc_prof_t *p, const pc_bt_prof_ids_t *ids,
                     const int profiled, unsigned every, unsigned *countdown) {
    unsigned cd = profiled ? *countdown : 0;
    if (profiled) pc_prof_tick_begin(p);
    for (size_t i = 0; i < n; i++) {
        pc_bt_tick_t t;
        if (profiled && --cd == 0) { /* this tick's stages are timed */
            cd = every;
            if (!stage_parse(e, &msgs[i], &t)) {
                pc_prof_tick_next(p, ids->parse);
                continue;
            }
            pc_prof_lap(p, ids->parse);
            int64_t q = stage_strategy(e, &t);
            pc_prof_lap(p, ids->strategy);
            q = stage_risk(e, &t, q);
            pc_prof_lap(p, ids->risk);
            stage_execution(e, &t, q);
            pc_prof_tick_next(p, ids->execution);
            continue;
        }
        if (stage_parse(e, &msgs[i], &t)) {
            int64_t q = stage_strategy(e, &t);
            q = stage_risk(e, &t, q);
            stage_execution(e, &t, q);
        }
        if (profiled) pc_prof_tick_chain(p);
    }
    if (profiled) {
        *countdown = cd;
        pc_prof_flush(p); /* the chained calls' last durations: every tick is in the histograms */
    }
}

void pc_bt_run(pc_bt_engine_t *e, const pc_bt_msg_t *msgs, size_t n) { run_body(e, msgs, n, NULL, NULL, 0, 1, NULL); }

void pc_bt_run_profiled(pc_bt_engine_t *e, const pc_bt_msg_t *msgs, size_t n, pc_prof_t *p,
                        const pc_bt_prof_ids_t *ids, unsigned every, unsigned *countdown) {
    if (every < 1) every = 1;
    if (*countdown < 1 || *countdown > every) *countdown = 1;
    run_body(e, msgs, n, p, ids, 1, every, countdown);
}

int pc_bt_same_result(const pc_bt_engine_t *a, const pc_bt_engine_t *b) {
    return a->ticks == b->ticks && a->bad_ticks == b->bad_ticks && a->orders == b->orders && a->fills == b->fills &&
           a->volume == b->volume && a->position == b->position &&
           memcmp(&a->realized, &b->realized, sizeof a->realized) == 0 &&
           memcmp(&a->fees, &b->fees, sizeof a->fees) == 0 && memcmp(&a->equity, &b->equity, sizeof a->equity) == 0 &&
           memcmp(&a->max_drawdown, &b->max_drawdown, sizeof a->max_drawdown) == 0;
}
