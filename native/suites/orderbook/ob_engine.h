/* ob_engine.h — a price-time-priority limit order book and its matching engine.
 *
 * Single-threaded and self-contained: the orderbook suite drives it from its engine thread,
 * the tests drive it directly. Prices are integer ticks; quantities are integer units.
 *
 *   limit   buy (sell) at price P: trades against resting asks (bids) priced <= P (>= P),
 *           best price first and, within a price, oldest first (FIFO); what is left rests
 *           at P behind the orders already there (partial fills leave the rest resting).
 *   market  trades against the other side from the best price outward until filled or the
 *           side is empty; an unfilled rest expires (immediate-or-cancel).
 *   cancel  removes the resting order with that id, whatever is left of it, in O(1).
 *
 * Every trade is reported through the config's callback as it happens, in order, before
 * pc_ob_submit returns. After every call the book is not crossed (best bid < best ask).
 *
 * Memory is allocated once, at create, from the config: a node pool of `max_resting`
 * orders (an intrusive doubly linked FIFO per price level, free nodes on a free list), two
 * arrays of `n_prices` price levels indexed by tick offset from `base_price`, a two-level
 * bitmap per side for finding the next non-empty level, and an id -> node table of
 * `max_id + 1` entries (4 bytes per id). All of it is mapped prefaulted. Nothing is
 * allocated per order. */
#ifndef PC_OB_ENGINE_H
#define PC_OB_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "pc_error.h"

#define PC_OB_BUY 1
#define PC_OB_SELL (-1)

typedef enum pc_ob_type { PC_OB_LIMIT = 1, PC_OB_MARKET = 2, PC_OB_CANCEL = 3 } pc_ob_type_t;

/* One order message: what the generator sends through the ring, 32 bytes (two per line). */
typedef struct pc_ob_order {
    uint64_t id;    /* new order's id (limit, market) or the id to cancel */
    uint64_t stamp; /* sender's tick count (paced phase), 0 otherwise; the engine ignores it */
    int32_t price;  /* limit price in ticks (limit orders only) */
    uint32_t qty;   /* units (limit, market) */
    uint8_t type;   /* pc_ob_type_t */
    int8_t side;    /* PC_OB_BUY or PC_OB_SELL (limit, market) */
    uint8_t pad[6];
} pc_ob_order_t;

_Static_assert(sizeof(pc_ob_order_t) == 32, "an order message is 32 bytes");

/* One execution: the aggressor (taker) traded qty against a resting order (maker) at the
 * maker's price. */
typedef struct pc_ob_trade {
    uint64_t taker_id, maker_id;
    int32_t price; /* ticks */
    uint32_t qty;
    int side; /* the aggressor's side: PC_OB_BUY (+1) or PC_OB_SELL (-1) */
} pc_ob_trade_t;

/* Called once per trade, in execution order, from inside pc_ob_submit. Keep it short: it is
 * on the matching path. It must not call back into the engine. */
typedef void (*pc_ob_trade_fn)(void *ud, const pc_ob_trade_t *t);

typedef struct pc_ob_config {
    int32_t base_price;   /* lowest accepted price, ticks */
    uint32_t n_prices;    /* accepted prices: base_price .. base_price + n_prices - 1 (2 .. 2^24) */
    uint32_t max_resting; /* orders that can rest at once (1 .. 2^26) */
    uint64_t max_id;      /* accepted ids: 1 .. max_id (at most 2^28) */
    pc_ob_trade_fn on_trade; /* may be NULL */
    void *ud;
} pc_ob_config_t;

/* A price level as reported by pc_ob_depth. */
typedef struct pc_ob_level {
    int32_t price;  /* ticks */
    uint32_t orders; /* resting orders at this price */
    uint64_t qty;   /* their remaining units */
} pc_ob_level_t;

/* Running totals (quantities in units). For accepted orders:
 *   submitted_qty == 2 * traded_qty + cancelled_qty + expired_qty + resting_qty
 * (every trade takes its qty from both the aggressor and the resting order). */
typedef struct pc_ob_stats {
    uint64_t limits, markets, cancels; /* accepted orders by type */
    uint64_t rejected;       /* orders refused with PC_EINVAL or PC_ELIMIT */
    uint64_t cancel_unknown; /* cancels of an id that was not resting (PC_ENOTFOUND) */
    uint64_t trades;
    uint64_t traded_qty;
    uint64_t submitted_qty;  /* limit + market quantities accepted */
    uint64_t cancelled_qty;  /* remaining quantities removed by cancels */
    uint64_t expired_qty;    /* market order remainders that found no liquidity */
    uint64_t resting_qty;    /* on the book now */
    uint64_t resting_orders; /* on the book now */
} pc_ob_stats_t;

typedef struct pc_ob pc_ob_t;

/* Creates an empty book. Returns 0, PC_EINVAL (a config value out of range) or PC_ENOMEM;
 * on success *out is freed with pc_ob_destroy. */
int pc_ob_create(const pc_ob_config_t *cfg, pc_ob_t **out);
/* Frees the book and everything it owns. NULL is fine. */
void pc_ob_destroy(pc_ob_t *ob);
/* Empties the book and zeroes the stats, keeping the memory (O(resting orders + levels/64)). */
void pc_ob_reset(pc_ob_t *ob);

/* Applies one order message. Returns 0 when accepted (whatever it traded), PC_ENOTFOUND for
 * a cancel whose id is not resting (unknown, already filled or cancelled: the book is
 * unchanged), PC_EINVAL for a malformed order (id outside 1..max_id or already resting,
 * qty 0, bad side or type, limit price outside the book's range), or PC_ELIMIT for a limit
 * order while the node pool is full (checked before matching). A refused order changes
 * nothing but stats.rejected / stats.cancel_unknown. */
int pc_ob_submit(pc_ob_t *ob, const pc_ob_order_t *o);
/* Shorthands for pc_ob_submit. */
int pc_ob_limit(pc_ob_t *ob, uint64_t id, int side, int32_t price, uint32_t qty);
int pc_ob_market(pc_ob_t *ob, uint64_t id, int side, uint32_t qty);
int pc_ob_cancel(pc_ob_t *ob, uint64_t id);

/* Best price of a side into *price. Returns 0, or PC_ENOTFOUND when that side is empty. */
int pc_ob_best(const pc_ob_t *ob, int side, int32_t *price);
/* Fills out with up to max non-empty levels of a side, best first. Returns how many. */
size_t pc_ob_depth(const pc_ob_t *ob, int side, pc_ob_level_t *out, size_t max);
/* The running totals. Valid as long as the book. */
const pc_ob_stats_t *pc_ob_stats(const pc_ob_t *ob);

/* ---- inspection (tests, checks after a run; not for the hot path) ---- */

/* The resting order with this id: its side, price and remaining qty (any out-pointer may be
 * NULL). Returns 0 or PC_ENOTFOUND. */
int pc_ob_order_info(const pc_ob_t *ob, uint64_t id, int *side, int32_t *price, uint32_t *qty);
/* Ids resting at one price of one side, oldest first (the FIFO), up to max into ids.
 * Returns the number of orders at that level (may exceed max), 0 for an empty or
 * out-of-range price. */
size_t pc_ob_level_orders(const pc_ob_t *ob, int side, int32_t price, uint64_t *ids, size_t max);
/* Walks the whole book and checks every invariant: links, per-level sums, bitmaps, best
 * prices, the id table, the node pool, the stats' conservation law, and that the book is
 * not crossed. Returns 0 or PC_ECORRUPT with err naming the first violation (err may be
 * NULL). O(resting orders + levels). */
int pc_ob_check(const pc_ob_t *ob, pc_errbuf_t *err);

#endif
