/* orderbook.c — the orderbook suite: a price-time-priority matching engine fed with a
 * realistic order flow through the lock-free SPSC ring.
 *
 * Phases, in order, on one book:
 *   saturated   `orders` messages as fast as the generator can make them (capped at
 *               `duration` seconds): orders/s, trades/s, per-order matching latency;
 *   paced       rate x duration messages with Poisson arrivals at `rate`: latency from the
 *               generator's stamp to the end of the match ("e2e"), not queue depth;
 *   engine only the saturated phase's flow again through a fresh book on this thread, no
 *               ring and no per-order clock: the engine's own speed, and a determinism
 *               check (the same trades, hash for hash, as the threaded run).
 *
 * This file is the run thread's side (the sampler): it opens each stage (ob_bench.c owns the
 * worker threads), and every 20 ms turns what the engine published into records — book
 * snapshots as they arrive (PC_REC_BOOK, at `fps`), and every ~100 ms windows for "orders"
 * and "trades" and hist deltas for "match" / "e2e" (native/sampler.h). JSON is built here,
 * never on the engine thread. A full recorder queue (PC_EAGAIN) keeps the baseline (hist,
 * windows) or the pending snapshot (book): nothing is lost, the engine never waits. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ob_bench.h"
#include "run.h"
#include "sampler.h"
#include "suite.h"
#include "tsc.h"
#include "worker.h"

#define SAMPLE_PERIOD 0.1   /* seconds between hist/window records */
#define POLL_NS 20000000    /* the run thread looks at its phase every 20 ms */
#define MAX_IDS 50000000.0  /* orders + paced orders: 4 bytes of id table each */

typedef struct ob_ctx {
    pc_run_t *run;
    pc_ob_bench_t *bench;
    uint64_t orders, paced;
    double duration, rate;
    pc_hist_sampler_t h_match, h_e2e;
    pc_window_sampler_t w_orders, w_trades;
    pc_ob_snap_t snap;       /* a popped snapshot the recorder has not taken yet */
    int snap_pending;
    uint64_t tsc_ref;        /* tick count at run time t_ref: converts snapshot stamps */
    double t_ref;
    uint64_t frames;
    int stopped;
} ob_ctx_t;

/* ---- book records ---- */

static double px(int32_t ticks) { return (double)ticks / 100.0; } /* 1 tick = 0.01, exact decimals */

static cJSON *levels_json(const pc_ob_level_t *lv, uint32_t n) {
    cJSON *a = cJSON_CreateArray();
    for (uint32_t i = 0; a && i < n; i++) {
        cJSON *pair = cJSON_CreateArray();
        cJSON_AddItemToArray(pair, cJSON_CreateNumber(px(lv[i].price)));
        cJSON_AddItemToArray(pair, cJSON_CreateNumber((double)lv[i].qty));
        cJSON_AddItemToArray(a, pair);
    }
    return a;
}

/* The snapshot as a PC_REC_BOOK payload (see docs/FORMAT.md); NULL when out of memory. */
static cJSON *snap_json(const ob_ctx_t *c, const pc_ob_snap_t *s) {
    cJSON *o = cJSON_CreateObject();
    if (!o) return NULL;
    int64_t dticks = (int64_t)(s->tsc - c->tsc_ref);
    double t = c->t_ref + (dticks >= 0 ? (double)pc_tsc_to_ns((uint64_t)dticks) : -(double)pc_tsc_to_ns((uint64_t)-dticks)) * 1e-9;
    cJSON_AddNumberToObject(o, "t", t < 0 ? 0 : t);
    double last = s->has_last ? px(s->last_price) : 0;
    double mid = last, spread = 0;
    if (s->n_bids && s->n_asks) {
        mid = (px(s->bids[0].price) + px(s->asks[0].price)) / 2;
        spread = px(s->asks[0].price - s->bids[0].price);
    } else if (s->n_bids) {
        mid = px(s->bids[0].price);
    } else if (s->n_asks) {
        mid = px(s->asks[0].price);
    }
    cJSON_AddNumberToObject(o, "mid", mid);
    cJSON_AddNumberToObject(o, "spread", spread);
    cJSON_AddNumberToObject(o, "last_price", last);
    cJSON_AddItemToObject(o, "bids", levels_json(s->bids, s->n_bids));
    cJSON_AddItemToObject(o, "asks", levels_json(s->asks, s->n_asks));
    cJSON *tr = cJSON_AddArrayToObject(o, "trades");
    for (uint32_t i = 0; tr && i < s->n_trades; i++) {
        cJSON *e = cJSON_CreateArray();
        cJSON_AddItemToArray(e, cJSON_CreateNumber(px(s->trades[i].price)));
        cJSON_AddItemToArray(e, cJSON_CreateNumber((double)s->trades[i].qty));
        cJSON_AddItemToArray(e, cJSON_CreateNumber(s->trades[i].side));
        cJSON_AddItemToArray(tr, e);
    }
    /* every trade since the previous frame, of which "trades" lists the newest */
    cJSON_AddNumberToObject(o, "n_trades", (double)s->trades_since);
    cJSON_AddNumberToObject(o, "volume", (double)s->volume_since);
    return o;
}

/* Emits every snapshot the engine published. Returns 0, PC_EAGAIN (the recorder is full: the
 * snapshot stays pending) or PC_ENOMEM. */
static int emit_snaps(ob_ctx_t *c) {
    for (;;) {
        if (!c->snap_pending) {
            if (!pc_ob_bench_pop_snap(c->bench, &c->snap)) return 0;
            c->snap_pending = 1;
        }
        cJSON *o = snap_json(c, &c->snap);
        if (!o) return PC_ENOMEM;
        int r = pc_run_emit_json(c->run, PC_REC_BOOK, o);
        cJSON_Delete(o);
        if (r) return r;
        c->snap_pending = 0;
        c->frames++;
    }
}

/* Windows for orders and trades ending at t; hist delta for the stage's series. */
static int emit_samples(ob_ctx_t *c, pc_hist_sampler_t *h, double t) {
    uint64_t trades = pc_ob_bench_trades(c->bench); /* read first: never ahead of orders */
    uint64_t orders = pc_ob_bench_processed(c->bench);
    int r = pc_sampler_emit_window(c->run, &c->w_orders, orders, t);
    if (r != PC_ENOMEM) r = pc_sampler_emit_window(c->run, &c->w_trades, trades, t);
    if (r != PC_ENOMEM) r = pc_sampler_emit_hist(c->run, h);
    return r;
}

/* ---- one stage ---- */

static int run_stage(ob_ctx_t *c, int stage) {
    pc_run_t *run = c->run;
    const char *name = stage == 1 ? "saturated" : "paced";
    pc_hist_sampler_t *h = stage == 1 ? &c->h_match : &c->h_e2e;
    uint64_t base = pc_ob_bench_processed(c->bench);
    uint64_t total = stage == 1 ? c->orders : c->paced;
    double cap = stage == 1 ? c->duration : c->duration * 1.5 + 0.5; /* paced: late only if it cannot keep up */
    pc_run_event(run, stage == 1 ? "saturated" : "paced");
    double t0 = pc_run_elapsed(run), last_emit = t0;
    pc_window_sampler_start(&c->w_orders, "orders", base, t0);
    pc_window_sampler_start(&c->w_trades, "trades", pc_ob_bench_trades(c->bench), t0);
    pc_ob_bench_go(c->bench, stage);
    int ended = 0, r = 0;
    for (;;) {
        pc_sampler_sleep_ns(POLL_NS);
        double t = pc_run_elapsed(run);
        if ((r = emit_snaps(c)) == PC_ENOMEM) break;
        if (pc_run_should_stop(run)) {
            c->stopped = 1;
            pc_ob_bench_end_stage(c->bench);
            break;
        }
        if (pc_ob_bench_stage_done(c->bench, stage)) break;
        if (!ended && t - t0 >= cap) {
            pc_ob_bench_end_stage(c->bench);
            ended = 1;
        }
        if (t - last_emit >= SAMPLE_PERIOD) {
            if ((r = emit_samples(c, h, t)) == PC_ENOMEM) break;
            last_emit = t;
            double frac = (double)(pc_ob_bench_processed(c->bench) - base) / (double)(total ? total : 1);
            pc_run_progress(run, (stage - 1) * 0.45 + (frac > 1 ? 1 : frac) * 0.45, name);
        }
    }
    if (r == PC_ENOMEM) return pc_run_fail(run, r, "%s: out of memory", name);
    /* the engine may still be finishing the last batch after a stop: wait for it briefly */
    for (int i = 0; i < 100 && !pc_ob_bench_stage_done(c->bench, stage) && c->stopped; i++)
        pc_sampler_sleep_ns(1000000);
    double t = pc_run_elapsed(run);
    PC_SAMPLER_EMIT_FINAL(r = emit_samples(c, h, t));
    pc_run_progress(run, stage * 0.45, name);
    return 0;
}

/* ---- summary ---- */

static double round_to(double v, double unit) { return (double)(long long)(v / unit + 0.5) * unit; }

static void add_book(cJSON *sum, const pc_ob_t *ob) {
    pc_ob_level_t *lv = malloc(PC_OB_N_PRICES * sizeof *lv);
    if (!lv) return;
    size_t nb = pc_ob_depth(ob, PC_OB_BUY, lv, PC_OB_N_PRICES);
    double bid = nb ? px(lv[0].price) : 0;
    size_t na = pc_ob_depth(ob, PC_OB_SELL, lv, PC_OB_N_PRICES);
    double ask = na ? px(lv[0].price) : 0;
    free(lv);
    cJSON_AddNumberToObject(sum, "bid_levels", (double)nb);
    cJSON_AddNumberToObject(sum, "ask_levels", (double)na);
    if (nb) cJSON_AddNumberToObject(sum, "best_bid", bid);
    if (na) cJSON_AddNumberToObject(sum, "best_ask", ask);
}

/* ---- the suite ---- */

static uint64_t paced_count(double rate, double duration) { return (uint64_t)(rate * duration + 0.5); }

/* Checked when the parameters are built, so bad values are usage errors before any run. */
static int orderbook_check(const cJSON *params, pc_errbuf_t *err) {
    const cJSON *cap = cJSON_GetObjectItemCaseSensitive(params, "capacity");
    size_t c = cJSON_IsNumber(cap) ? (size_t)cap->valuedouble : 0;
    if (c < 2 || (c & (c - 1)))
        return pc_errf(err, PC_EINVAL, "parameter capacity: %zu is not a power of two (try %zu)", c,
                       c < 2 ? (size_t)2 : (size_t)1 << (63 - __builtin_clzll(c)));
    double orders = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(params, "orders"));
    double rate = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(params, "rate"));
    double duration = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(params, "duration"));
    double paced = (double)paced_count(rate, duration);
    if (paced < 1)
        return pc_errf(err, PC_EINVAL, "parameters rate x duration: %g orders/s x %g s is less than one order", rate,
                       duration);
    if (orders + paced > MAX_IDS)
        return pc_errf(err, PC_EINVAL,
                       "parameters orders + rate x duration: %.0f orders, more than the %.0f the id table holds",
                       orders + paced, MAX_IDS);
    return 0;
}

static int orderbook_run(pc_run_t *run) {
    ob_ctx_t c;
    memset(&c, 0, sizeof c);
    c.run = run;
    c.orders = (uint64_t)pc_run_param_int(run, "orders");
    c.duration = pc_run_param_double(run, "duration");
    c.rate = pc_run_param_double(run, "rate");
    c.paced = paced_count(c.rate, c.duration);
    uint64_t seed = (uint64_t)pc_run_param_int(run, "seed");
    pc_errbuf_t err;
    if (orderbook_check(pc_run_params(run), &err) != 0) return pc_run_fail(run, PC_EINVAL, "%s", err.msg);
    pc_tsc_init();

    int r = 0, moved = 0; /* moved: this thread's CPU mask is changed, `saved` restores it */
    cpu_set_t saved;
    pc_chist_t *match = pc_chist_create(), *e2e = pc_chist_create();
    if (!match || !e2e || pc_hist_sampler_init(&c.h_match, "match", match) ||
        pc_hist_sampler_init(&c.h_e2e, "e2e", e2e)) {
        r = pc_run_fail(run, PC_ENOMEM, "out of memory");
        goto out;
    }
    pc_ob_bench_config_t cfg = {
        .seed = seed,
        .orders = c.orders,
        .paced_orders = c.paced,
        .rate = c.rate,
        .capacity = (size_t)pc_run_param_int(run, "capacity"),
        .pin = pc_run_param_int(run, "pin") != 0,
        .fps = pc_run_param_double(run, "fps"),
        .levels = (int)pc_run_param_int(run, "levels"),
        .match = match,
        .e2e = e2e,
    };
    r = pc_ob_bench_start(&cfg, &c.bench);
    if (r) {
        r = pc_run_fail(run, r, "cannot start the generator and engine threads (%s)", pc_strerror(r));
        goto out;
    }
    c.t_ref = pc_run_elapsed(run);
    c.tsc_ref = pc_tsc_now();
    /* The sampler shares the generator's CPU while the workers run, so the engine's core
     * only ever runs the engine: each time this thread wakes up on it (50 times a second
     * to build records), paced orders would queue behind it and show up in e2e. */
    int cpus[2];
    if (cfg.pin && pc_worker_pick_cpus(cpus) == 2) moved = pc_worker_share_cpu(cpus[0], &saved);

    int ran = 0;
    for (int stage = 1; stage <= 2 && !c.stopped && !pc_run_should_stop(run); stage++) {
        if ((r = run_stage(&c, stage))) goto out;
        ran = stage;
    }
    pc_ob_bench_result_t res;
    pc_ob_bench_finish(c.bench, &res);
    if (moved) pc_worker_unshare(&saved);
    moved = 0;
    PC_SAMPLER_EMIT_FINAL(r = emit_snaps(&c)); /* the final book */
    r = 0;
    pc_errbuf_t check_err = {{0}};
    int invariant_violations = pc_ob_check(pc_ob_bench_book(c.bench), &check_err) != 0;

    /* engine only: the same flow, no ring, no per-order clock */
    uint64_t replay_ns = 0, replay_trades = 0, replay_hash = 0;
    int replayed = 0;
    if (!c.stopped && !pc_run_should_stop(run) && res.sat_sent) {
        pc_run_event(run, "engine only");
        pc_run_progress(run, 0.9, "engine only");
        r = pc_ob_replay(seed, res.sat_sent, &replay_ns, &replay_trades, &replay_hash);
        if (r) {
            r = pc_run_fail(run, r, "engine only: %s", pc_strerror(r));
            goto out;
        }
        replayed = 1;
        pc_run_progress(run, 1.0, "engine only");
    }
    if (ran) pc_run_event(run, c.stopped || pc_run_should_stop(run) ? "stopped" : "done");

    cJSON *sum = cJSON_CreateObject();
    if (!sum) {
        r = pc_run_fail(run, PC_ENOMEM, "out of memory");
        goto out;
    }
    if (res.sat_seconds > 0) {
        cJSON_AddNumberToObject(sum, "orders_per_s", round_to((double)res.sat_processed / res.sat_seconds, 1));
        cJSON_AddNumberToObject(sum, "trades_per_s", round_to((double)res.sat_trades / res.sat_seconds, 1));
    }
    pc_sampler_add_latency(sum, "match", match);
    pc_sampler_add_latency(sum, "e2e", e2e);
    cJSON_AddNumberToObject(sum, "frames", (double)c.frames);
    if (replayed && replay_ns) {
        cJSON_AddNumberToObject(sum, "engine_orders_per_s", round_to((double)res.sat_sent / (double)replay_ns * 1e9, 1));
        cJSON_AddNumberToObject(sum, "engine_ns_per_order", round_to((double)replay_ns / (double)res.sat_sent, 0.01));
    }
    const pc_ob_stats_t *st = &res.stats;
    cJSON_AddNumberToObject(sum, "orders", (double)res.processed);
    cJSON_AddNumberToObject(sum, "saturated_orders", (double)res.sat_processed);
    cJSON_AddNumberToObject(sum, "paced_orders", (double)(res.processed - res.sat_processed));
    if (res.paced_seconds > 0)
        cJSON_AddNumberToObject(sum, "paced_rate", round_to((double)res.paced_sent / res.paced_seconds, 1));
    cJSON_AddNumberToObject(sum, "trades", (double)res.trades);
    cJSON_AddNumberToObject(sum, "limits", (double)st->limits);
    cJSON_AddNumberToObject(sum, "markets", (double)st->markets);
    cJSON_AddNumberToObject(sum, "cancels", (double)st->cancels);
    cJSON_AddNumberToObject(sum, "cancels_too_late", (double)st->cancel_unknown);
    cJSON_AddNumberToObject(sum, "traded_qty", (double)st->traded_qty);
    cJSON_AddNumberToObject(sum, "resting_orders", (double)st->resting_orders);
    cJSON_AddNumberToObject(sum, "resting_qty", (double)st->resting_qty);
    add_book(sum, pc_ob_bench_book(c.bench));
    cJSON_AddNumberToObject(sum, "seed", (double)seed);
    char hex[24];
    snprintf(hex, sizeof hex, "%016" PRIx64, res.hash);
    cJSON_AddStringToObject(sum, "trade_hash", hex);
    int complete = !c.stopped && res.sat_sent == c.orders && res.paced_sent == c.paced;
    cJSON_AddBoolToObject(sum, "complete", complete);
    int same = replayed && replay_hash == res.sat_hash && replay_trades == res.sat_trades;
    if (replayed) cJSON_AddBoolToObject(sum, "deterministic", same);
    uint64_t order_errors = res.seq_errors + st->rejected;
    cJSON_AddNumberToObject(sum, "order_errors", (double)order_errors);
    cJSON_AddNumberToObject(sum, "invariant_violations", invariant_violations);
    cJSON_AddNumberToObject(sum, "frames_dropped", (double)res.snaps_dropped);
    cJSON_AddNumberToObject(sum, "fps", pc_run_param_double(run, "fps"));
    cJSON_AddNumberToObject(sum, "levels", (double)cfg.levels);
    cJSON_AddNumberToObject(sum, "capacity", (double)cfg.capacity);
    cJSON_AddNumberToObject(sum, "batch", PC_OB_BATCH);
    cJSON_AddBoolToObject(sum, "pinned", res.pinned);
    cJSON_AddNumberToObject(sum, "tsc_ghz", round_to(pc_tsc_ghz(), 1e-4));
    cJSON_AddStringToObject(sum, "tick_source", pc_tsc_source());
    pc_run_set_summary(run, sum);
    if (order_errors)
        r = pc_run_fail(run, PC_ECORRUPT, "%" PRIu64 " orders lost, out of sequence or rejected", order_errors);
    else if (invariant_violations)
        r = pc_run_fail(run, PC_ECORRUPT, "book invariant violated: %s", check_err.msg);
    else if (replayed && !same)
        r = pc_run_fail(run, PC_ECORRUPT, "engine-only replay of seed %" PRIu64 " traded differently (%" PRIu64
                        " vs %" PRIu64 " trades)", seed, replay_trades, res.sat_trades);
out:
    if (moved) pc_worker_unshare(&saved);
    pc_ob_bench_destroy(c.bench);
    pc_hist_sampler_free(&c.h_match);
    pc_hist_sampler_free(&c.h_e2e);
    pc_chist_free(match);
    pc_chist_free(e2e);
    return r;
}

static const pc_param_def_t orderbook_params[] = {
    {"orders", PC_PARAM_INT, 5000000, 300000, 1000, 45000000, "orders",
     "order messages (limit, market, cancel) in the saturated phase"},
    {"duration", PC_PARAM_DOUBLE, 2, 0.25, 0.01, 600, "s",
     "seconds cap of the saturated phase; the paced phase sends rate x duration orders"},
    {"seed", PC_PARAM_INT, 42, 42, 0, 9007199254740991.0, "", "seed of the order flow: same seed, same orders, same trades"},
    {"fps", PC_PARAM_DOUBLE, 30, 30, 1, 240, "frames/s", "book snapshots per second"},
    {"levels", PC_PARAM_INT, 20, 20, 1, PC_OB_SNAP_LEVELS, "levels", "price levels per side in each snapshot"},
    {"rate", PC_PARAM_DOUBLE, 1000000, 1000000, 1, 20000000, "orders/s",
     "paced phase arrival rate (Poisson), for the generated -> matched latency"},
    {"capacity", PC_PARAM_INT, 4096, 4096, 2, 1 << 20, "orders", "ring slots between generator and engine (a power of two)"},
    {"pin", PC_PARAM_BOOL, 1, 1, 0, 1, "", "pin generator and engine to different CPUs when two exist"},
};

static const char *const orderbook_summary_keys[] = {
    "orders_per_s", "trades_per_s", "match_p50_ns", "match_p99_ns", "e2e_p50_ns", "e2e_p99_ns", "frames", NULL,
};

static const char *const orderbook_views[] = {"orderbook-depth", "latency-animation", "throughput-timeline",
                                              "comparison", "summary", NULL};

static const pc_series_def_t orderbook_series[] = {
    {"match", "matching latency", "ns"},
    {"e2e", "generated \xe2\x86\x92 matched", "ns"},
    {"orders", "orders", "orders/s"},
    {"trades", "trades", "trades/s"},
};

const pc_suite_t pc_suite_orderbook = {
    .name = "orderbook",
    .description = "Price-time-priority matching engine fed a realistic order flow (limit, market, cancel; "
                   "seeded) through the lock-free SPSC ring: orders/s, trades/s, matching and end-to-end latency, "
                   "book depth snapshots",
    .params = orderbook_params,
    .n_params = sizeof orderbook_params / sizeof orderbook_params[0],
    .summary_keys = orderbook_summary_keys,
    .views = orderbook_views,
    .series = orderbook_series,
    .n_series = sizeof orderbook_series / sizeof orderbook_series[0],
    .check = orderbook_check,
    .run = orderbook_run,
};
