/* ob_bench.h — the orderbook suite's two measured threads and what they hand the sampler.
 *
 *   generator thread ──orders (pc_ob_order_t, lock-free SPSC ring)──▶ engine thread
 *                                                                     │  per order: match
 *   sampler (the suite's run thread) ◀──book snapshots (SPSC ring)────┘  latency / e2e into
 *   reads counters + histograms, emits records                           pc_chist_t
 *
 * One session spans two stages on the same book, opened in turn by the run thread:
 *   1 saturated  the generator sends `orders` messages as fast as it can, `PC_OB_BATCH` per
 *                ring push; the engine times every pc_ob_submit with the cycle counter
 *                (before/after) into cfg.match.
 *   2 paced      the generator sends `paced_orders` messages with Poisson arrivals at `rate`
 *                per second, each stamped with the cycle counter when it goes into the ring;
 *                the engine records (counter after its match - stamp) into cfg.e2e.
 * Stage 2 opens only after the engine processed everything from stage 1, so its latencies
 * are not the backlog of stage 1.
 *
 * At `fps` per second (by its own cycle counter, between orders, also while idle) the engine
 * copies the top `levels` levels per side and the trades since the previous snapshot into a
 * preallocated slot of a small snapshot ring; a full ring drops that snapshot (counted) and
 * never blocks the engine. The engine never allocates, prints or makes a system call on its
 * path (an idle engine yields its CPU now and then). */
#ifndef PC_OB_BENCH_H
#define PC_OB_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "chist.h"
#include "ob_engine.h"
#include "ob_gen.h"

/* The suite's market: ticks of 0.01, prices 0.00 .. 655.35, the mid starting at 100.00. */
#define PC_OB_TICK 0.01
#define PC_OB_N_PRICES 65536
#define PC_OB_CENTER 10000
#define PC_OB_MAX_LIVE (1u << 15) /* generator's tracked orders = most that ever rest */

#define PC_OB_BATCH 256         /* orders per ring push/pop */
#define PC_OB_SNAP_LEVELS 32    /* most levels per side in a snapshot */
#define PC_OB_SNAP_TRADES 32    /* most trades listed per snapshot (the newest) */

typedef struct pc_ob_bench_config {
    uint64_t seed;
    uint64_t orders;       /* stage 1 messages (limit + market + cancel) */
    uint64_t paced_orders; /* stage 2 messages */
    double rate;           /* stage 2 messages per second (mean of the Poisson process) */
    size_t capacity;       /* ring slots, a power of two */
    int pin;               /* generator and engine on two different CPUs when possible */
    double fps;            /* book snapshots per second */
    int levels;            /* levels per side per snapshot, 1 .. PC_OB_SNAP_LEVELS */
    pc_chist_t *match;     /* caller-owned: stage 1 per-order matching time, ns */
    pc_chist_t *e2e;       /* caller-owned: stage 2 stamp -> matched, ns */
} pc_ob_bench_config_t;

typedef struct pc_ob_snap_trade {
    int32_t price; /* ticks */
    uint32_t qty;
    int32_t side;  /* aggressor: +1 buy, -1 sell */
} pc_ob_snap_trade_t;

/* One book snapshot as the engine took it. */
typedef struct pc_ob_snap {
    uint64_t tsc;        /* engine's tick count when taken */
    uint32_t n_bids, n_asks;
    pc_ob_level_t bids[PC_OB_SNAP_LEVELS]; /* best first */
    pc_ob_level_t asks[PC_OB_SNAP_LEVELS];
    int32_t last_price;  /* ticks of the last trade ever, valid when has_last */
    int has_last;
    uint32_t n_trades;   /* entries in trades: the newest trades since the previous snapshot */
    uint64_t trades_since, volume_since; /* all trades / units since the previous snapshot */
    pc_ob_snap_trade_t trades[PC_OB_SNAP_TRADES]; /* oldest first */
} pc_ob_snap_t;

typedef struct pc_ob_bench_result {
    uint64_t sat_sent, paced_sent;  /* messages the generator sent per stage */
    uint64_t sat_processed;         /* stage 1 messages the engine processed */
    uint64_t processed;             /* all messages the engine processed */
    uint64_t sat_trades, trades;    /* trades in stage 1, in all */
    double sat_seconds;             /* stage 1: gate open .. engine done with its last order */
    double paced_seconds;           /* stage 2: gate open .. engine done with its last order */
    uint64_t sat_hash, hash;        /* FNV-style hash of every trade (stage 1, all) */
    uint64_t seq_errors;            /* new-order ids out of sequence, and messages lost */
    uint64_t snaps, snaps_dropped;  /* snapshots published / dropped on a full ring */
    int pinned;
    pc_ob_stats_t stats;            /* the engine's totals */
} pc_ob_bench_result_t;

typedef struct pc_ob_bench pc_ob_bench_t;

/* Builds the book, generator, rings and both threads, which wait for stage 1. Returns 0,
 * PC_EINVAL (bad capacity/levels/fps/rate, zero orders), PC_ENOMEM (also when a thread
 * cannot start). On success *out is freed with pc_ob_bench_destroy. */
int pc_ob_bench_start(const pc_ob_bench_config_t *cfg, pc_ob_bench_t **out);
/* Opens stage 1 or 2 (2 only after stage 1 is done). */
void pc_ob_bench_go(pc_ob_bench_t *b, int stage);
/* Asks the generator to end the current stage early (a duration cap). */
void pc_ob_bench_end_stage(pc_ob_bench_t *b);
/* 1 once the generator finished `stage` and the engine processed all it sent. */
int pc_ob_bench_stage_done(const pc_ob_bench_t *b, int stage);
/* Messages / trades the engine processed so far (any thread, lock-free). */
uint64_t pc_ob_bench_processed(const pc_ob_bench_t *b);
uint64_t pc_ob_bench_trades(const pc_ob_bench_t *b);
/* Copies the oldest unread snapshot into *out: 1, or 0 when there is none (sampler only). */
int pc_ob_bench_pop_snap(pc_ob_bench_t *b, pc_ob_snap_t *out);
/* Stops both threads (after draining what was sent), joins them and fills *res (may be
 * NULL). Idempotent. */
void pc_ob_bench_finish(pc_ob_bench_t *b, pc_ob_bench_result_t *res);
/* The book, for inspection after pc_ob_bench_finish (depth, pc_ob_check). */
const pc_ob_t *pc_ob_bench_book(const pc_ob_bench_t *b);
/* Finishes if needed and frees everything. NULL is fine. */
void pc_ob_bench_destroy(pc_ob_bench_t *b);

/* The trade hash step both the session and pc_ob_replay use: h' = mix(h, trade). */
static inline uint64_t pc_ob_trade_hash(uint64_t h, const pc_ob_trade_t *t) {
    const uint64_t p = 0x100000001b3ull;
    h = (h ^ t->taker_id) * p;
    h = (h ^ t->maker_id) * p;
    h = (h ^ (((uint64_t)(uint32_t)t->price << 32) | t->qty)) * p;
    return (h ^ (uint64_t)(t->side > 0)) * p;
}
#define PC_OB_HASH_SEED 0xcbf29ce484222325ull

/* Engine only, on the calling thread: generates the first `orders` messages of `seed`'s flow
 * in chunks and runs them through a fresh book, timing only the matching loops (no ring, no
 * per-order clock). Fills *ns (total matching time), *trades and *hash (comparable with
 * sat_hash of a session with the same seed and orders). Returns 0, PC_EINVAL or PC_ENOMEM. */
int pc_ob_replay(uint64_t seed, uint64_t orders, uint64_t *ns, uint64_t *trades, uint64_t *hash);

/* The book and generator configs the suite uses (shared with pc_ob_replay and the tests). */
void pc_ob_suite_book_config(uint64_t max_id, pc_ob_config_t *book);
void pc_ob_suite_gen_config(uint64_t seed, pc_ob_gen_config_t *gen);

#endif
