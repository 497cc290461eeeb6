/* bt_engine.h — a tick-by-tick backtest engine: four stages per tick.
 *
 *   parse      decode one 32-byte market-data message (bt_ticks.h) and validate it (prices
 *              positive, ask above bid, sizes positive, time never going back); a bad message
 *              is counted and the tick ends there;
 *   strategy   moving-average crossover on the mid: rolling sums over a fast and a slow window
 *              (ring buffer, O(1) per tick, integers: exact); when the fast average crosses the
 *              slow one the target position flips between +qty and -qty (after the slow window
 *              filled), and the order is the difference to the current position;
 *   risk       pre-trade checks on that order: position limit, notional limit, an order-rate
 *              limit per second of tick time, and a drawdown kill switch (once equity fell
 *              max_drawdown below its peak, only orders that reduce the position pass);
 *   execution  the simulator: a buy fills at the ask, a sell at the bid, at most the quoted
 *              size (the rest is cancelled: immediate-or-cancel), a fee in basis points of the
 *              notional; position with its average entry price, realized PnL when it shrinks
 *              or flips, and every tick the position marked to the mid: unrealized PnL, equity,
 *              its peak and the largest drawdown.
 *
 * Money is in currency units (doubles); prices and sizes stay integers until the fill. The
 * engine allocates once (pc_bt_engine_init) and never on a tick. One engine per thread. */
#ifndef PC_BT_ENGINE_H
#define PC_BT_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "bt_ticks.h"
#include "profiler.h"

typedef struct pc_bt_config {
    int fast, slow;            /* moving-average windows in ticks, 1 <= fast < slow */
    int64_t qty;               /* order size: the strategy holds +qty or -qty */
    int64_t max_position;      /* risk: |position| after the fill */
    double max_notional;       /* risk: price x size of one order, currency */
    int max_orders_per_s;      /* risk: orders per second of tick time (0: no limit) */
    double max_drawdown;       /* risk: kill switch, currency below the equity peak (0: none) */
    double fee_bps;            /* fee per fill, basis points of its notional */
    double capital;            /* equity at the start */
} pc_bt_config_t;

/* A decoded tick. */
typedef struct pc_bt_tick {
    uint64_t ts_ns;
    int64_t bid, ask, bid_size, ask_size;
    int64_t mid2; /* bid + ask: twice the mid, in price units (exact) */
} pc_bt_tick_t;

enum { PC_BT_REJ_POSITION, PC_BT_REJ_NOTIONAL, PC_BT_REJ_RATE, PC_BT_REJ_KILL, PC_BT_REJ_N };

typedef struct pc_bt_engine {
    pc_bt_config_t cfg;
    /* strategy */
    int64_t *ring;              /* the last `slow` values of mid2 */
    int ring_pos, filled;
    int64_t fast_sum, slow_sum;
    int trend;                  /* +1 fast above slow, -1 below, 0 before the first cross */
    /* risk */
    uint64_t rate_window_ns;    /* start of the current one-second order-rate window */
    int rate_count;
    int killed;                 /* the drawdown kill switch tripped */
    /* account */
    int64_t position;
    double avg_price;           /* of the open position */
    double realized;            /* PnL of closed quantity, before fees */
    double fees;
    double unrealized, equity, peak, max_drawdown, max_drawdown_pct;
    uint64_t last_ts;
    /* counts */
    uint64_t ticks, bad_ticks, orders, fills, partial_fills, rejects[PC_BT_REJ_N];
    int64_t volume;             /* units traded */
    double notional;            /* currency traded */
} pc_bt_engine_t;

/* The defaults the suite runs with. */
void pc_bt_config_default(pc_bt_config_t *cfg);
/* Sets e up for cfg (fast < slow, both >= 1, qty >= 1): allocates the window ring. Returns 0,
 * PC_EINVAL or PC_ENOMEM; free with pc_bt_engine_free. */
int pc_bt_engine_init(pc_bt_engine_t *e, const pc_bt_config_t *cfg);
/* Frees the ring; safe on a zeroed engine and twice. */
void pc_bt_engine_free(pc_bt_engine_t *e);
/* Back to the starting state (flat, capital), keeping the allocation. */
void pc_bt_engine_reset(pc_bt_engine_t *e);

/* Component ids of the four stages in a profiler (pc_bt_prof_ids registers them). */
typedef struct pc_bt_prof_ids {
    int parse, strategy, risk, execution;
} pc_bt_prof_ids_t;
/* Registers "parse", "strategy", "risk" and "execution" in p. Returns 0 or the
 * pc_prof_component error. */
int pc_bt_prof_ids(pc_prof_t *p, pc_bt_prof_ids_t *ids);

/* Runs n messages through the engine, nothing measured. */
void pc_bt_run(pc_bt_engine_t *e, const pc_bt_msg_t *msgs, size_t n);
/* The same with every tick timed by p and its four stages timed on every `every`-th tick
 * (1: every tick; chained stamps, so 4 counter reads per tick whose stages are timed and 1
 * per other tick; the loop's own step counts toward "parse"). *countdown carries the
 * sampling phase across calls (start it at 1). Identical results to pc_bt_run. */
void pc_bt_run_profiled(pc_bt_engine_t *e, const pc_bt_msg_t *msgs, size_t n, pc_prof_t *p,
                        const pc_bt_prof_ids_t *ids, unsigned every, unsigned *countdown);

/* Total PnL: realized + unrealized - fees (= equity - capital). */
static inline double pc_bt_pnl(const pc_bt_engine_t *e) { return e->realized + e->unrealized - e->fees; }

/* 1 when two engines ended in exactly the same state (trades, position, money to the bit). */
int pc_bt_same_result(const pc_bt_engine_t *a, const pc_bt_engine_t *b);

#endif
