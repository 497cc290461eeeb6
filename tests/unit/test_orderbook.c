/* test_orderbook.c — the matching engine against an obviously-correct reference (a flat array
 * of resting orders, linear scans), invariants after every order, the order flow generator,
 * determinism, edge cases, the threaded session, and the suite end to end (run -> result
 * file -> model). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model.h"
#include "pc_test.h"
#include "pc_test_run.h"
#include "run.h"
#include "suite.h"
#include "suites/orderbook/ob_bench.h"
#include "suites/orderbook/ob_engine.h"
#include "suites/orderbook/ob_gen.h"
#include "worker.h"

/* ---- trades captured from the engine ---- */

#define MAX_TRADES 200000

typedef struct trade_log {
    pc_ob_trade_t *t;
    size_t n;
} trade_log_t;

static int same_trade(const pc_ob_trade_t *a, const pc_ob_trade_t *b) {
    return a->taker_id == b->taker_id && a->maker_id == b->maker_id && a->price == b->price && a->qty == b->qty &&
           a->side == b->side;
}

static void log_trade(void *ud, const pc_ob_trade_t *t) {
    trade_log_t *l = ud;
    if (l->n < MAX_TRADES) l->t[l->n] = *t;
    l->n++;
}

/* ---- the reference: every resting order in one array, everything by linear scan ---- */

typedef struct ref_order {
    uint64_t id;
    int side;
    int32_t price;
    uint32_t qty;
    uint64_t seq; /* arrival order: time priority */
} ref_order_t;

typedef struct ref_book {
    int32_t base;
    uint32_t n_prices, max_resting;
    uint64_t max_id;
    ref_order_t *o;
    size_t n;
    uint64_t seq;
    trade_log_t trades;
} ref_book_t;

static int ref_find(const ref_book_t *b, uint64_t id) {
    for (size_t i = 0; i < b->n; i++)
        if (b->o[i].id == id) return (int)i;
    return -1;
}

static void ref_remove(ref_book_t *b, size_t i) { memmove(&b->o[i], &b->o[i + 1], (b->n - i - 1) * sizeof *b->o), b->n--; }

/* Trades an aggressor against the best opposite order (best price, then oldest) while its
 * price is acceptable; returns what is left. */
static uint32_t ref_match(ref_book_t *b, uint64_t id, int side, uint32_t qty, int64_t limit) {
    while (qty) {
        int best = -1;
        for (size_t i = 0; i < b->n; i++) {
            const ref_order_t *o = &b->o[i];
            if (o->side != -side) continue;
            if (side == PC_OB_BUY ? o->price > limit : o->price < limit) continue;
            if (best < 0) {
                best = (int)i;
                continue;
            }
            const ref_order_t *c = &b->o[best];
            int better = side == PC_OB_BUY ? o->price < c->price : o->price > c->price;
            if (better || (o->price == c->price && o->seq < c->seq)) best = (int)i;
        }
        if (best < 0) break;
        ref_order_t *m = &b->o[best];
        uint32_t q = m->qty < qty ? m->qty : qty;
        pc_ob_trade_t t = {.taker_id = id, .maker_id = m->id, .price = m->price, .qty = q, .side = side};
        log_trade(&b->trades, &t);
        m->qty -= q;
        qty -= q;
        if (!m->qty) ref_remove(b, (size_t)best);
    }
    return qty;
}

static int ref_submit(ref_book_t *b, const pc_ob_order_t *o) {
    int side_ok = o->side == PC_OB_BUY || o->side == PC_OB_SELL;
    int id_ok = o->id >= 1 && o->id <= b->max_id;
    if (o->type == PC_OB_LIMIT) {
        if (!id_ok || ref_find(b, o->id) >= 0 || !o->qty || !side_ok || o->price < b->base ||
            (int64_t)o->price >= (int64_t)b->base + b->n_prices)
            return PC_EINVAL;
        if (b->n == b->max_resting) return PC_ELIMIT;
        uint32_t left = ref_match(b, o->id, o->side, o->qty, o->price);
        if (left) b->o[b->n++] = (ref_order_t){.id = o->id, .side = o->side, .price = o->price, .qty = left, .seq = b->seq++};
        return 0;
    }
    if (o->type == PC_OB_MARKET) {
        if (!id_ok || !o->qty || !side_ok) return PC_EINVAL;
        ref_match(b, o->id, o->side, o->qty, o->side == PC_OB_BUY ? INT64_MAX : INT64_MIN);
        return 0;
    }
    if (o->type == PC_OB_CANCEL) {
        if (!id_ok) return PC_EINVAL;
        int i = ref_find(b, o->id);
        if (i < 0) return PC_ENOTFOUND;
        ref_remove(b, (size_t)i);
        return 0;
    }
    return PC_EINVAL;
}

/* ---- comparing the two ---- */

static int cmp_seq(const void *a, const void *b) {
    uint64_t x = ((const ref_order_t *)a)->seq, y = ((const ref_order_t *)b)->seq;
    return x < y ? -1 : x > y;
}

/* Empty string when the engine's book is the reference's, order for order; else why not. */
static const char *books_differ(const pc_ob_t *ob, const ref_book_t *r) {
    static char why[160];
    if (pc_ob_stats(ob)->resting_orders != r->n) return "resting order count";
    ref_order_t *level = malloc((r->n + 1) * sizeof *level);
    uint64_t *ids = malloc((r->n + 1) * sizeof *ids);
    const char *res = "";
    for (size_t i = 0; i < r->n && !res[0]; i++) {
        const ref_order_t *o = &r->o[i];
        int side;
        int32_t price;
        uint32_t qty;
        if (pc_ob_order_info(ob, o->id, &side, &price, &qty) != 0 || side != o->side || price != o->price ||
            qty != o->qty) {
            snprintf(why, sizeof why, "order %llu differs", (unsigned long long)o->id);
            res = why;
            break;
        }
        /* the FIFO at this order's level: the reference's orders there by arrival */
        size_t k = 0;
        for (size_t j = 0; j < r->n; j++)
            if (r->o[j].side == o->side && r->o[j].price == o->price) level[k++] = r->o[j];
        qsort(level, k, sizeof *level, cmp_seq);
        size_t got = pc_ob_level_orders(ob, o->side, o->price, ids, r->n + 1);
        if (got != k) {
            snprintf(why, sizeof why, "level %d side %d holds %zu orders, reference %zu", o->price, o->side, got, k);
            res = why;
        }
        for (size_t j = 0; j < k && !res[0]; j++)
            if (ids[j] != level[j].id) {
                snprintf(why, sizeof why, "FIFO at %d: position %zu", o->price, j);
                res = why;
            }
    }
    /* depth: per-price sums, best first, both sides */
    for (int side = -1; side <= 1 && !res[0]; side += 2) {
        pc_ob_level_t lv[64];
        size_t n = pc_ob_depth(ob, side, lv, 64);
        uint64_t total = 0;
        for (size_t i = 0; i < n; i++) {
            uint64_t q = 0;
            uint32_t c = 0;
            for (size_t j = 0; j < r->n; j++)
                if (r->o[j].side == side && r->o[j].price == lv[i].price) q += r->o[j].qty, c++;
            if (q != lv[i].qty || c != lv[i].orders || !q) res = "depth level";
            if (i && (side == PC_OB_BUY ? lv[i].price >= lv[i - 1].price : lv[i].price <= lv[i - 1].price))
                res = "depth not best first";
            total += c;
        }
        uint64_t want = 0;
        for (size_t j = 0; j < r->n; j++) want += r->o[j].side == side;
        if (n < 64 && total != want) res = "depth misses orders";
    }
    free(level);
    free(ids);
    return res;
}

/* What the test itself knows about quantities, to check the engine's stats against. */
typedef struct ledger {
    uint64_t submitted, traded, cancelled, expired;
} ledger_t;

/* Runs `n` orders from next_order through the engine and the reference, checking after
 * every one: same result, same trades, same book, invariants, conservation. */
typedef void (*next_order_fn)(void *state, pc_ob_order_t *o);

static int compare_flow(const pc_ob_config_t *cfg_in, next_order_fn next, void *state, size_t n, uint64_t *trades_out) {
    trade_log_t eng = {calloc(MAX_TRADES, sizeof(pc_ob_trade_t)), 0};
    ref_book_t ref = {.base = cfg_in->base_price, .n_prices = cfg_in->n_prices, .max_resting = cfg_in->max_resting,
                      .max_id = cfg_in->max_id};
    ref.o = calloc(cfg_in->max_resting + 1, sizeof *ref.o);
    ref.trades.t = calloc(MAX_TRADES, sizeof(pc_ob_trade_t));
    pc_ob_config_t cfg = *cfg_in;
    cfg.on_trade = log_trade;
    cfg.ud = &eng;
    pc_ob_t *ob = NULL;
    int fail = !eng.t || !ref.o || !ref.trades.t || pc_ob_create(&cfg, &ob) != 0;
    ledger_t led = {0};
    for (size_t i = 0; i < n && !fail; i++) {
        pc_ob_order_t o;
        next(state, &o);
        uint32_t resting_qty = 0;
        int was_resting = o.type == PC_OB_CANCEL && pc_ob_order_info(ob, o.id, NULL, NULL, &resting_qty) == 0;
        size_t before = eng.n;
        int re = pc_ob_submit(ob, &o);
        int rr = ref_submit(&ref, &o);
        char what[400] = "";
        if (re != rr) snprintf(what, sizeof what, "result %d vs reference %d", re, rr);
        else if (eng.n != ref.trades.n) snprintf(what, sizeof what, "%zu trades vs reference %zu", eng.n, ref.trades.n);
        for (size_t k = before; !what[0] && k < eng.n && k < MAX_TRADES; k++)
            if (!same_trade(&eng.t[k], &ref.trades.t[k])) snprintf(what, sizeof what, "trade %zu differs", k);
        /* the test's own ledger */
        uint64_t traded_now = 0;
        for (size_t k = before; k < eng.n && k < MAX_TRADES; k++) traded_now += eng.t[k].qty;
        led.traded += traded_now;
        if (re == 0 && o.type != PC_OB_CANCEL) led.submitted += o.qty;
        if (re == 0 && o.type == PC_OB_MARKET) led.expired += o.qty - traded_now;
        if (re == 0 && o.type == PC_OB_CANCEL) {
            if (!was_resting) snprintf(what, sizeof what, "cancel of a non-resting order succeeded");
            led.cancelled += resting_qty;
        }
        if (o.type == PC_OB_CANCEL && re == 0 && pc_ob_order_info(ob, o.id, NULL, NULL, NULL) == 0)
            snprintf(what, sizeof what, "cancelled order still rests");
        pc_errbuf_t err;
        if (!what[0] && pc_ob_check(ob, &err) != 0) snprintf(what, sizeof what, "invariant: %s", err.msg);
        const char *d = what[0] ? "" : books_differ(ob, &ref);
        if (d[0]) snprintf(what, sizeof what, "book: %s", d);
        int32_t bid, ask;
        if (!what[0] && pc_ob_best(ob, PC_OB_BUY, &bid) == 0 && pc_ob_best(ob, PC_OB_SELL, &ask) == 0 && bid >= ask)
            snprintf(what, sizeof what, "crossed: %d >= %d", bid, ask);
        const pc_ob_stats_t *st = pc_ob_stats(ob);
        uint64_t resting = 0;
        for (size_t k = 0; k < ref.n; k++) resting += ref.o[k].qty;
        if (!what[0] && (st->submitted_qty != led.submitted || st->traded_qty != led.traded ||
                         st->cancelled_qty != led.cancelled || st->expired_qty != led.expired ||
                         st->resting_qty != resting ||
                         led.submitted != 2 * led.traded + led.cancelled + led.expired + resting))
            snprintf(what, sizeof what, "quantities not conserved");
        if (what[0]) {
            fprintf(stderr, "  order %zu (type %d id %llu side %d price %d qty %u): %s\n", i, o.type,
                    (unsigned long long)o.id, o.side, o.price, o.qty, what);
            fail = 1;
        }
    }
    if (trades_out) *trades_out = eng.n;
    pc_ob_destroy(ob);
    free(eng.t);
    free(ref.o);
    free(ref.trades.t);
    return fail ? -1 : 0;
}

/* ---- flows ---- */

static void gen_flow(void *state, pc_ob_order_t *o) { pc_ob_gen_next(state, o); }

/* A hostile flow: duplicate, zero and out-of-range ids, prices on and past both edges, zero
 * quantities, bad sides and types, cancels of anything, on a small pool. */
typedef struct hostile {
    uint64_t s[4];
    uint64_t next_id, max_id;
    int32_t base;
    uint32_t n_prices;
} hostile_t;

static void hostile_flow(void *state, pc_ob_order_t *o) {
    hostile_t *h = state;
    memset(o, 0, sizeof *o);
    uint64_t r = pc_xoshiro_below(h->s, 100);
    o->type = r < 45 ? PC_OB_LIMIT : r < 58 ? PC_OB_MARKET : r < 97 ? PC_OB_CANCEL : (uint8_t)(4 + r % 3);
    uint64_t ir = pc_xoshiro_below(h->s, 100);
    if (o->type == PC_OB_CANCEL) o->id = 1 + pc_xoshiro_below(h->s, h->next_id + 3);
    else if (ir < 90) o->id = h->next_id++;
    else if (ir < 95) o->id = 1 + pc_xoshiro_below(h->s, h->next_id); /* maybe still resting */
    else if (ir < 97) o->id = 0;
    else o->id = h->max_id + 1 + pc_xoshiro_below(h->s, 3);
    int32_t center = h->base + (int32_t)h->n_prices / 2;
    uint64_t pr = pc_xoshiro_below(h->s, 100);
    if (pr < 92) o->price = center - 12 + (int32_t)pc_xoshiro_below(h->s, 25);
    else {
        const int32_t edges[4] = {h->base - 1, h->base, h->base + (int32_t)h->n_prices - 1, h->base + (int32_t)h->n_prices};
        o->price = edges[pr % 4];
    }
    o->qty = pc_xoshiro_below(h->s, 100) < 3 ? 0 : 1 + (uint32_t)pc_xoshiro_below(h->s, 40);
    uint64_t sr = pc_xoshiro_below(h->s, 100);
    o->side = sr < 49 ? PC_OB_BUY : sr < 98 ? PC_OB_SELL : (int8_t)(sr == 98 ? 0 : 2);
}

/* ---- engine vs reference ---- */

static void engine_should_match_the_reference_on_generated_flows(void) {
    for (uint64_t seed = 1; seed <= 30; seed++) {
        pc_ob_gen_config_t gc = {.seed = seed, .min_price = 0, .max_price = 599, .center = 300, .max_live = 48};
        pc_ob_gen_t g;
        PC_CHECK(pc_ob_gen_init(&g, &gc) == 0);
        pc_ob_config_t cfg = {.base_price = 0, .n_prices = 600, .max_resting = 48, .max_id = 3001};
        uint64_t trades = 0;
        int r = compare_flow(&cfg, gen_flow, &g, 3000, &trades);
        pc_ob_gen_free(&g);
        if (r) fprintf(stderr, "  seed %llu\n", (unsigned long long)seed);
        PC_CHECK(r == 0);
        PC_CHECK(trades > 100); /* the flow really trades */
    }
}

static void engine_should_match_the_reference_on_hostile_flows(void) {
    for (uint64_t seed = 1; seed <= 30; seed++) {
        hostile_t h = {.next_id = 1, .max_id = 2500, .base = -70, .n_prices = 130 + (uint32_t)seed};
        pc_xoshiro_seed(h.s, seed * 7919);
        pc_ob_config_t cfg = {.base_price = h.base, .n_prices = h.n_prices, .max_resting = 24, .max_id = h.max_id};
        int r = compare_flow(&cfg, hostile_flow, &h, 2500, NULL);
        if (r) fprintf(stderr, "  seed %llu\n", (unsigned long long)seed);
        PC_CHECK(r == 0);
    }
}

/* ---- hand-made cases ---- */

static pc_ob_t *small_book(trade_log_t *log) {
    pc_ob_config_t cfg = {.base_price = 1000, .n_prices = 100, .max_resting = 8, .max_id = 100,
                          .on_trade = log ? log_trade : NULL, .ud = log};
    pc_ob_t *ob = NULL;
    return pc_ob_create(&cfg, &ob) == 0 ? ob : NULL;
}

static void engine_should_fill_fifo_within_a_level(void) {
    pc_ob_trade_t t[16];
    trade_log_t log = {t, 0};
    pc_ob_t *ob = small_book(&log);
    PC_CHECK(ob);
    PC_CHECK(pc_ob_limit(ob, 1, PC_OB_SELL, 1050, 10) == 0);
    PC_CHECK(pc_ob_limit(ob, 2, PC_OB_SELL, 1050, 20) == 0);
    PC_CHECK(pc_ob_limit(ob, 3, PC_OB_SELL, 1050, 30) == 0);
    PC_CHECK(pc_ob_limit(ob, 4, PC_OB_SELL, 1049, 5) == 0); /* better price, younger: first anyway */
    PC_CHECK(pc_ob_market(ob, 10, PC_OB_BUY, 20) == 0);
    PC_CHECK_EQ_U64(log.n, 3);
    PC_CHECK(t[0].maker_id == 4 && t[0].qty == 5 && t[0].price == 1049 && t[0].side == PC_OB_BUY && t[0].taker_id == 10);
    PC_CHECK(t[1].maker_id == 1 && t[1].qty == 10 && t[1].price == 1050);
    PC_CHECK(t[2].maker_id == 2 && t[2].qty == 5); /* partial: 15 left, keeps its place */
    PC_CHECK(pc_ob_limit(ob, 5, PC_OB_SELL, 1050, 1) == 0);
    uint64_t ids[8];
    PC_CHECK_EQ_U64(pc_ob_level_orders(ob, PC_OB_SELL, 1050, ids, 8), 3);
    PC_CHECK(ids[0] == 2 && ids[1] == 3 && ids[2] == 5);
    uint32_t q;
    PC_CHECK(pc_ob_order_info(ob, 2, NULL, NULL, &q) == 0 && q == 15);
    PC_CHECK(pc_ob_order_info(ob, 1, NULL, NULL, NULL) == PC_ENOTFOUND); /* filled: gone */
    PC_CHECK(pc_ob_check(ob, NULL) == 0);
    pc_ob_destroy(ob);
}

static void engine_should_sweep_levels_and_rest_the_remainder(void) {
    pc_ob_trade_t t[16];
    trade_log_t log = {t, 0};
    pc_ob_t *ob = small_book(&log);
    PC_CHECK(ob);
    PC_CHECK(pc_ob_limit(ob, 1, PC_OB_BUY, 1010, 5) == 0);
    PC_CHECK(pc_ob_limit(ob, 2, PC_OB_BUY, 1012, 5) == 0);
    PC_CHECK(pc_ob_limit(ob, 3, PC_OB_BUY, 1011, 5) == 0);
    /* a sell limit at 1011 takes 1012 then 1011, never 1010, and rests its remainder */
    PC_CHECK(pc_ob_limit(ob, 4, PC_OB_SELL, 1011, 12) == 0);
    PC_CHECK_EQ_U64(log.n, 2);
    PC_CHECK(t[0].price == 1012 && t[1].price == 1011 && t[0].side == PC_OB_SELL);
    int32_t bid, ask;
    PC_CHECK(pc_ob_best(ob, PC_OB_BUY, &bid) == 0 && bid == 1010);
    PC_CHECK(pc_ob_best(ob, PC_OB_SELL, &ask) == 0 && ask == 1011);
    uint32_t q;
    PC_CHECK(pc_ob_order_info(ob, 4, NULL, NULL, &q) == 0 && q == 2);
    PC_CHECK(pc_ob_check(ob, NULL) == 0);
    pc_ob_destroy(ob);
}

static void engine_should_cancel_exactly_that_order(void) {
    pc_ob_t *ob = small_book(NULL);
    PC_CHECK(ob);
    PC_CHECK(pc_ob_limit(ob, 1, PC_OB_BUY, 1020, 10) == 0);
    PC_CHECK(pc_ob_limit(ob, 2, PC_OB_BUY, 1020, 20) == 0);
    PC_CHECK(pc_ob_limit(ob, 3, PC_OB_BUY, 1020, 30) == 0);
    PC_CHECK(pc_ob_limit(ob, 4, PC_OB_BUY, 1019, 40) == 0);
    PC_CHECK(pc_ob_cancel(ob, 2) == 0);
    uint64_t ids[8];
    PC_CHECK_EQ_U64(pc_ob_level_orders(ob, PC_OB_BUY, 1020, ids, 8), 2);
    PC_CHECK(ids[0] == 1 && ids[1] == 3);
    pc_ob_level_t lv[4];
    PC_CHECK_EQ_U64(pc_ob_depth(ob, PC_OB_BUY, lv, 4), 2);
    PC_CHECK(lv[0].price == 1020 && lv[0].qty == 40 && lv[0].orders == 2);
    PC_CHECK(lv[1].price == 1019 && lv[1].qty == 40 && lv[1].orders == 1);
    PC_CHECK_EQ_U64(pc_ob_stats(ob)->cancelled_qty, 20);
    /* again: already gone, nothing changes */
    PC_CHECK(pc_ob_cancel(ob, 2) == PC_ENOTFOUND);
    PC_CHECK_EQ_U64(pc_ob_stats(ob)->cancel_unknown, 1);
    PC_CHECK_EQ_U64(pc_ob_stats(ob)->resting_qty, 80);
    /* the best level's last orders: best moves down */
    PC_CHECK(pc_ob_cancel(ob, 1) == 0 && pc_ob_cancel(ob, 3) == 0);
    int32_t bid;
    PC_CHECK(pc_ob_best(ob, PC_OB_BUY, &bid) == 0 && bid == 1019);
    PC_CHECK(pc_ob_check(ob, NULL) == 0);
    pc_ob_destroy(ob);
}

static void engine_should_expire_a_market_order_into_an_empty_side(void) {
    pc_ob_trade_t t[4];
    trade_log_t log = {t, 0};
    pc_ob_t *ob = small_book(&log);
    PC_CHECK(ob);
    PC_CHECK(pc_ob_market(ob, 1, PC_OB_BUY, 100) == 0);
    PC_CHECK_EQ_U64(log.n, 0);
    PC_CHECK_EQ_U64(pc_ob_stats(ob)->expired_qty, 100);
    int32_t p;
    PC_CHECK(pc_ob_best(ob, PC_OB_BUY, &p) == PC_ENOTFOUND && pc_ob_best(ob, PC_OB_SELL, &p) == PC_ENOTFOUND);
    /* a market bigger than the side: takes all, the rest expires, the side is empty */
    PC_CHECK(pc_ob_limit(ob, 2, PC_OB_BUY, 1001, 3) == 0);
    PC_CHECK(pc_ob_limit(ob, 3, PC_OB_BUY, 1000, 4) == 0);
    PC_CHECK(pc_ob_market(ob, 4, PC_OB_SELL, 10) == 0);
    PC_CHECK_EQ_U64(log.n, 2);
    PC_CHECK_EQ_U64(pc_ob_stats(ob)->expired_qty, 103);
    PC_CHECK(pc_ob_best(ob, PC_OB_BUY, &p) == PC_ENOTFOUND);
    PC_CHECK(pc_ob_check(ob, NULL) == 0);
    pc_ob_destroy(ob);
}

static void engine_should_reject_bad_orders_cleanly(void) {
    pc_ob_t *ob = small_book(NULL);
    PC_CHECK(ob);
    /* the range is 1000 .. 1099: both ends accepted, one past either refused */
    PC_CHECK(pc_ob_limit(ob, 1, PC_OB_BUY, 1000, 1) == 0);
    PC_CHECK(pc_ob_limit(ob, 2, PC_OB_SELL, 1099, 1) == 0);
    PC_CHECK(pc_ob_limit(ob, 3, PC_OB_BUY, 999, 1) == PC_EINVAL);
    PC_CHECK(pc_ob_limit(ob, 4, PC_OB_SELL, 1100, 1) == PC_EINVAL);
    PC_CHECK(pc_ob_limit(ob, 5, PC_OB_SELL, INT32_MIN, 1) == PC_EINVAL);
    PC_CHECK(pc_ob_limit(ob, 0, PC_OB_BUY, 1050, 1) == PC_EINVAL);   /* id 0 */
    PC_CHECK(pc_ob_limit(ob, 101, PC_OB_BUY, 1050, 1) == PC_EINVAL); /* past max_id */
    PC_CHECK(pc_ob_limit(ob, 1, PC_OB_BUY, 1050, 1) == PC_EINVAL);   /* id 1 still rests */
    PC_CHECK(pc_ob_limit(ob, 6, PC_OB_BUY, 1050, 0) == PC_EINVAL);   /* qty 0 */
    PC_CHECK(pc_ob_limit(ob, 6, 0, 1050, 1) == PC_EINVAL);           /* no side */
    PC_CHECK(pc_ob_market(ob, 6, PC_OB_BUY, 0) == PC_EINVAL);
    PC_CHECK(pc_ob_cancel(ob, 0) == PC_EINVAL);
    PC_CHECK(pc_ob_cancel(ob, 99) == PC_ENOTFOUND);
    pc_ob_order_t bad = {.id = 7, .type = 9, .side = PC_OB_BUY, .price = 1050, .qty = 1};
    PC_CHECK(pc_ob_submit(ob, &bad) == PC_EINVAL);
    const pc_ob_stats_t *st = pc_ob_stats(ob);
    PC_CHECK_EQ_U64(st->rejected, 11);
    PC_CHECK_EQ_U64(st->resting_orders, 2);
    PC_CHECK_EQ_U64(st->trades, 0);
    /* the pool holds 8: the 9th resting order is refused before it trades */
    for (uint64_t id = 10; id < 16; id++) PC_CHECK(pc_ob_limit(ob, id, PC_OB_BUY, 1010, 1) == 0);
    PC_CHECK(pc_ob_limit(ob, 20, PC_OB_BUY, 1010, 1) == PC_ELIMIT);
    PC_CHECK(pc_ob_limit(ob, 21, PC_OB_SELL, 1000, 1) == PC_ELIMIT);
    PC_CHECK_EQ_U64(pc_ob_stats(ob)->trades, 0);
    PC_CHECK(pc_ob_market(ob, 22, PC_OB_SELL, 1) == 0); /* markets never rest: fine */
    PC_CHECK(pc_ob_check(ob, NULL) == 0);
    pc_ob_reset(ob);
    PC_CHECK_EQ_U64(pc_ob_stats(ob)->resting_orders, 0);
    PC_CHECK(pc_ob_limit(ob, 1, PC_OB_BUY, 1050, 1) == 0); /* its id is free again */
    PC_CHECK(pc_ob_check(ob, NULL) == 0);
    pc_ob_destroy(ob);
}

static void engine_should_reject_bad_configs(void) {
    pc_ob_t *ob = (pc_ob_t *)1;
    pc_ob_config_t cfg = {.base_price = 0, .n_prices = 1, .max_resting = 4, .max_id = 10};
    PC_CHECK(pc_ob_create(&cfg, &ob) == PC_EINVAL && ob == NULL);
    cfg.n_prices = 10;
    cfg.max_resting = 0;
    PC_CHECK(pc_ob_create(&cfg, &ob) == PC_EINVAL);
    cfg.max_resting = 4;
    cfg.max_id = 0;
    PC_CHECK(pc_ob_create(&cfg, &ob) == PC_EINVAL);
    cfg.max_id = 10;
    cfg.base_price = INT32_MAX - 5;
    PC_CHECK(pc_ob_create(&cfg, &ob) == PC_EINVAL);
}

/* The best price is found across bitmap words and summary words, in both directions. */
static void engine_should_find_the_next_level_far_away(void) {
    pc_ob_config_t cfg = {.base_price = 0, .n_prices = 64 * 64 * 3 + 5, .max_resting = 16, .max_id = 100};
    pc_ob_t *ob;
    PC_CHECK(pc_ob_create(&cfg, &ob) == 0);
    const int32_t bids[4] = {0, 63, 64 * 64, 64 * 64 * 2 + 1};
    for (int i = 0; i < 4; i++) PC_CHECK(pc_ob_limit(ob, 1 + i, PC_OB_BUY, bids[i], 1) == 0);
    const int32_t asks[4] = {64 * 64 * 3 + 4, 64 * 64 * 3, 64 * 64 * 2 + 64, 64 * 64 * 2 + 2};
    for (int i = 0; i < 4; i++) PC_CHECK(pc_ob_limit(ob, 11 + i, PC_OB_SELL, asks[i], 1) == 0);
    for (int i = 3; i >= 0; i--) {
        int32_t p;
        PC_CHECK(pc_ob_best(ob, PC_OB_BUY, &p) == 0 && p == bids[i]);
        PC_CHECK(pc_ob_cancel(ob, 1 + i) == 0);
        PC_CHECK(pc_ob_best(ob, PC_OB_SELL, &p) == 0 && p == asks[i]);
        PC_CHECK(pc_ob_cancel(ob, 11 + i) == 0);
        PC_CHECK(pc_ob_check(ob, NULL) == 0);
    }
    int32_t p;
    PC_CHECK(pc_ob_best(ob, PC_OB_BUY, &p) == PC_ENOTFOUND && pc_ob_best(ob, PC_OB_SELL, &p) == PC_ENOTFOUND);
    /* a market sweeping across words finds each next level */
    for (int i = 0; i < 4; i++) PC_CHECK(pc_ob_limit(ob, 21 + i, PC_OB_SELL, asks[i], 2) == 0);
    PC_CHECK(pc_ob_market(ob, 30, PC_OB_BUY, 7) == 0);
    PC_CHECK(pc_ob_best(ob, PC_OB_SELL, &p) == 0 && p == asks[0]);
    PC_CHECK(pc_ob_check(ob, NULL) == 0);
    pc_ob_destroy(ob);
}

/* ---- the generator ---- */

static void gen_should_be_deterministic_and_stay_in_range(void) {
    pc_ob_gen_config_t gc;
    pc_ob_suite_gen_config(7, &gc);
    gc.max_live = 512;
    pc_ob_gen_t a, b;
    PC_CHECK(pc_ob_gen_init(&a, &gc) == 0);
    PC_CHECK(pc_ob_gen_init(&b, &gc) == 0);
    uint64_t next_id = 1, differ = 0, types[4] = {0};
    for (int i = 0; i < 200000; i++) {
        pc_ob_order_t x, y;
        pc_ob_gen_next(&a, &x);
        pc_ob_gen_next(&b, &y);
        differ += memcmp(&x, &y, sizeof x) != 0;
        types[x.type & 3]++;
        if (x.type == PC_OB_CANCEL) {
            PC_CHECK(x.id >= 1 && x.id < next_id);
            continue;
        }
        PC_CHECK_EQ_U64(x.id, next_id);
        next_id++;
        PC_CHECK(x.qty >= 1 && x.qty <= PC_OB_GEN_MAX_QTY);
        PC_CHECK(x.side == PC_OB_BUY || x.side == PC_OB_SELL);
        if (x.type == PC_OB_LIMIT) PC_CHECK(x.price >= gc.min_price && x.price <= gc.max_price);
    }
    PC_CHECK_EQ_U64(differ, 0);
    PC_CHECK(a.n_live <= 512);
    /* a realistic mix: every type well represented */
    PC_CHECK(types[PC_OB_LIMIT] > 80000 && types[PC_OB_MARKET] > 4000 && types[PC_OB_CANCEL] > 50000);
    pc_ob_gen_t c;
    gc.seed = 8;
    PC_CHECK(pc_ob_gen_init(&c, &gc) == 0);
    pc_ob_order_t x, y;
    int same = 1;
    for (int i = 0; i < 100 && same; i++) {
        pc_ob_gen_next(&a, &x);
        pc_ob_gen_next(&c, &y);
        same = memcmp(&x, &y, sizeof x) == 0;
    }
    PC_CHECK(!same);
    pc_ob_gen_free(&a);
    pc_ob_gen_free(&b);
    pc_ob_gen_free(&c);
    gc.center = gc.min_price + 10; /* no room for the walk */
    PC_CHECK(pc_ob_gen_init(&c, &gc) == PC_EINVAL);
}

static void gen_should_draw_heavy_tailed_sizes_and_poisson_gaps(void) {
    pc_ob_gen_config_t gc;
    pc_ob_suite_gen_config(3, &gc);
    pc_ob_gen_t g;
    PC_CHECK(pc_ob_gen_init(&g, &gc) == 0);
    uint64_t n = 0, big = 0, small = 0;
    double gaps = 0;
    for (int i = 0; i < 200000; i++) {
        pc_ob_order_t o;
        pc_ob_gen_next(&g, &o);
        gaps += pc_ob_gen_gap(&g);
        if (o.type == PC_OB_CANCEL) continue;
        n++;
        big += o.qty >= 1000;
        small += o.qty <= 20;
    }
    pc_ob_gen_free(&g);
    /* Pareto(1.3, 10): P(>= 1000) ~ 0.25 %, P(<= 20) ~ 59 % */
    PC_CHECK(big > n / 1000 && big < n / 100);
    PC_CHECK(small > n / 2 && small < n * 7 / 10);
    PC_CHECK(gaps / 200000 > 0.98 && gaps / 200000 < 1.02); /* mean 1 */
}

/* ---- determinism ---- */

static void replay_should_give_the_same_trades_for_the_same_seed(void) {
    uint64_t ns, t1, t2, t3, h1, h2, h3;
    PC_CHECK(pc_ob_replay(42, 200000, &ns, &t1, &h1) == 0);
    PC_CHECK(pc_ob_replay(42, 200000, &ns, &t2, &h2) == 0);
    PC_CHECK(pc_ob_replay(43, 200000, &ns, &t3, &h3) == 0);
    PC_CHECK(t1 > 10000);
    PC_CHECK_EQ_U64(t1, t2);
    PC_CHECK_EQ_U64(h1, h2);
    PC_CHECK(h1 != h3);
    PC_CHECK(pc_ob_replay(42, 0, &ns, &t1, &h1) == PC_EINVAL);
}

/* ---- the threaded session ---- */

static void bench_should_process_every_order_and_trade_like_the_replay(void) {
    pc_chist_t *match = pc_chist_create(), *e2e = pc_chist_create();
    PC_CHECK(match && e2e);
    pc_ob_bench_config_t cfg = {.seed = 5, .orders = 50000, .paced_orders = 5000, .rate = 200000, .capacity = 64,
                                .pin = 1, .fps = 200, .levels = 5, .match = match, .e2e = e2e};
    pc_ob_bench_t *b;
    PC_CHECK(pc_ob_bench_start(&cfg, &b) == 0);
    pc_ob_bench_go(b, 1);
    while (!pc_ob_bench_stage_done(b, 1)) usleep(1000);
    PC_CHECK_EQ_U64(pc_ob_bench_processed(b), 50000);
    pc_ob_bench_go(b, 2);
    while (!pc_ob_bench_stage_done(b, 2)) usleep(1000);
    pc_ob_bench_result_t res;
    pc_ob_bench_finish(b, &res);
    size_t snaps = 0;
    pc_ob_snap_t *s = malloc(sizeof *s);
    int ordered = 1;
    while (s && pc_ob_bench_pop_snap(b, s)) {
        snaps++;
        PC_CHECK(s->n_bids <= 5 && s->n_asks <= 5 && s->n_trades <= PC_OB_SNAP_TRADES);
        for (uint32_t i = 1; i < s->n_bids; i++) ordered &= s->bids[i].price < s->bids[i - 1].price;
        for (uint32_t i = 1; i < s->n_asks; i++) ordered &= s->asks[i].price > s->asks[i - 1].price;
        if (s->n_bids && s->n_asks) ordered &= s->bids[0].price < s->asks[0].price;
    }
    free(s);
    int check = pc_ob_check(pc_ob_bench_book(b), NULL);
    pc_ob_bench_destroy(b);
    uint64_t mt = pc_chist_total(match), et = pc_chist_total(e2e);
    pc_chist_free(match);
    pc_chist_free(e2e);
    PC_CHECK_EQ_U64(res.sat_sent, 50000);
    PC_CHECK_EQ_U64(res.paced_sent, 5000);
    PC_CHECK_EQ_U64(res.sat_processed, 50000);
    PC_CHECK_EQ_U64(res.processed, 55000);
    PC_CHECK_EQ_U64(res.seq_errors, 0);
    PC_CHECK_EQ_U64(res.stats.rejected, 0);
    PC_CHECK_EQ_U64(mt, 50000);
    PC_CHECK_EQ_U64(et, 5000);
    PC_CHECK(res.sat_seconds > 0 && res.paced_seconds > 0);
    PC_CHECK(res.pinned == pc_worker_can_pin());
    PC_CHECK(check == 0);
    PC_CHECK(ordered);
    PC_CHECK(snaps >= 2 && snaps == res.snaps);
    uint64_t ns, trades, hash;
    PC_CHECK(pc_ob_replay(5, 50000, &ns, &trades, &hash) == 0);
    PC_CHECK_EQ_U64(trades, res.sat_trades);
    PC_CHECK_EQ_U64(hash, res.sat_hash);
    PC_CHECK(res.trades > res.sat_trades);
}

static void bench_should_reject_bad_configs(void) {
    pc_chist_t *h = pc_chist_create();
    PC_CHECK(h);
    pc_ob_bench_config_t cfg = {.orders = 10, .capacity = 100, .fps = 30, .levels = 5, .match = h, .e2e = h};
    pc_ob_bench_t *b = (pc_ob_bench_t *)1;
    PC_CHECK(pc_ob_bench_start(&cfg, &b) == PC_EINVAL && b == NULL);
    cfg.capacity = 64;
    cfg.levels = PC_OB_SNAP_LEVELS + 1;
    PC_CHECK(pc_ob_bench_start(&cfg, &b) == PC_EINVAL);
    cfg.levels = 5;
    cfg.paced_orders = 10; /* with no rate */
    PC_CHECK(pc_ob_bench_start(&cfg, &b) == PC_EINVAL);
    pc_chist_free(h);
}

/* ---- the suite, end to end ---- */

static void orderbook_suite_should_record_book_frames_series_and_summary(void) {
    char status[16];
    pc_model_t *m = pc_test_run_suite("orderbook", "{\"orders\": 100000, \"duration\": 0.5, \"rate\": 100000, \"fps\": 60, \"levels\": 10, "
                              "\"capacity\": 1024}", status, sizeof status);
    PC_CHECK(m != NULL);
    PC_CHECK_EQ_STR(status, "ok");
    PC_CHECK_EQ_STR(m->suite, "orderbook");
    const pc_suite_t *s = pc_suite_find("orderbook");
    for (size_t i = 0; s->summary_keys[i]; i++) PC_CHECK(pc_model_summary_num(m, s->summary_keys[i], -1) >= 0);
    PC_CHECK(pc_model_summary_num(m, "order_errors", -1) == 0);
    PC_CHECK(pc_model_summary_num(m, "invariant_violations", -1) == 0);
    PC_CHECK(pc_model_summary_num(m, "match_p50_ns", 0) <= pc_model_summary_num(m, "match_p99_ns", 0));
    PC_CHECK(pc_model_summary_num(m, "orders_per_s", 0) > 0 && pc_model_summary_num(m, "trades_per_s", 0) > 0);
    const cJSON *det = cJSON_GetObjectItemCaseSensitive(m->summary, "deterministic");
    PC_CHECK(cJSON_IsTrue(det));
    /* every order's latency made it through the hist deltas, none twice */
    const pc_series_t *match = pc_model_series(m, "match"), *e2e = pc_model_series(m, "e2e");
    PC_CHECK(match && e2e && match->hist && e2e->hist);
    PC_CHECK_EQ_U64(match->hist->total, 100000);
    PC_CHECK_EQ_U64(e2e->hist->total, 50000);
    PC_CHECK_EQ_STR(match->label, "matching latency");
    /* the order windows add up to every order processed; trades too */
    const pc_series_t *orders = pc_model_series(m, "orders"), *trades = pc_model_series(m, "trades");
    PC_CHECK(orders && trades && orders->n_windows >= 2 && trades->n_windows >= 2);
    double n_orders = 0, n_trades = 0;
    for (size_t i = 0; i < orders->n_windows; i++) n_orders += orders->windows[i].count;
    for (size_t i = 0; i < trades->n_windows; i++) n_trades += trades->windows[i].count;
    PC_CHECK(n_orders == 150000);
    PC_CHECK(n_trades == pc_model_summary_num(m, "trades", -1));
    /* book frames: as many as reported, in time order, never crossed, best first */
    PC_CHECK(m->n_book >= 5);
    PC_CHECK(pc_model_summary_num(m, "frames", -1) == (double)m->n_book);
    int trades_seen = 0;
    for (size_t i = 0; i < m->n_book; i++) {
        const pc_book_frame_t *f = &m->book[i];
        if (i) PC_CHECK(f->t >= m->book[i - 1].t);
        PC_CHECK(f->n_bids <= 10 && f->n_asks <= 10);
        for (int k = 1; k < f->n_bids; k++) PC_CHECK(f->bids[k].price < f->bids[k - 1].price);
        for (int k = 1; k < f->n_asks; k++) PC_CHECK(f->asks[k].price > f->asks[k - 1].price);
        if (f->n_bids && f->n_asks) {
            PC_CHECK(f->bids[0].price < f->asks[0].price);
            PC_CHECK(f->spread > 0 && f->mid > f->bids[0].price && f->mid < f->asks[0].price);
        }
        trades_seen += f->n_trades;
    }
    PC_CHECK(trades_seen > 0);
    const pc_book_frame_t *last = pc_model_book_at(m, -1);
    PC_CHECK(last && last->n_bids == 10 && last->n_asks == 10);
    PC_CHECK(last->bids[0].price > 90 && last->bids[0].price < 110); /* around 100.00 */
    PC_CHECK(m->n_events >= 3);
    pc_model_destroy(m);
}

static void orderbook_suite_should_trade_the_same_for_the_same_seed(void) {
    char status[16];
    const char *ov = "{\"orders\": 20000, \"duration\": 0.05, \"rate\": 100000, \"seed\": 9}";
    pc_model_t *a = pc_test_run_suite("orderbook", ov, status, sizeof status);
    pc_model_t *b = pc_test_run_suite("orderbook", ov, status, sizeof status);
    pc_model_t *c = pc_test_run_suite("orderbook", "{\"orders\": 20000, \"duration\": 0.05, \"rate\": 100000, \"seed\": 10}", status,
                              sizeof status);
    PC_CHECK(a && b && c);
    const cJSON *ha = cJSON_GetObjectItemCaseSensitive(a->summary, "trade_hash");
    const cJSON *hb = cJSON_GetObjectItemCaseSensitive(b->summary, "trade_hash");
    const cJSON *hc = cJSON_GetObjectItemCaseSensitive(c->summary, "trade_hash");
    PC_CHECK(cJSON_IsString(ha) && cJSON_IsString(hb) && cJSON_IsString(hc));
    PC_CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(a->summary, "complete")));
    PC_CHECK_EQ_STR(ha->valuestring, hb->valuestring);
    PC_CHECK(strcmp(ha->valuestring, hc->valuestring) != 0);
    PC_CHECK(pc_model_summary_num(a, "trades", -1) == pc_model_summary_num(b, "trades", -2));
    pc_model_destroy(a);
    pc_model_destroy(b);
    pc_model_destroy(c);
}

static void orderbook_suite_should_refuse_bad_parameters(void) {
    const pc_suite_t *s = pc_suite_find("orderbook");
    PC_CHECK(s != NULL);
    const char *bad[] = {"{\"capacity\": 1000}", "{\"levels\": 33}", "{\"rate\": 1, \"duration\": 0.1}",
                         "{\"orders\": 45000000, \"rate\": 20000000, \"duration\": 10}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cJSON *ov = cJSON_Parse(bad[i]);
        pc_errbuf_t err = {{0}};
        cJSON *p = pc_suite_params(s, ov, 0, &err);
        cJSON_Delete(ov);
        PC_CHECK(p == NULL && err.msg[0]);
    }
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    PC_RUN(engine_should_match_the_reference_on_generated_flows);
    PC_RUN(engine_should_match_the_reference_on_hostile_flows);
    PC_RUN(engine_should_fill_fifo_within_a_level);
    PC_RUN(engine_should_sweep_levels_and_rest_the_remainder);
    PC_RUN(engine_should_cancel_exactly_that_order);
    PC_RUN(engine_should_expire_a_market_order_into_an_empty_side);
    PC_RUN(engine_should_reject_bad_orders_cleanly);
    PC_RUN(engine_should_reject_bad_configs);
    PC_RUN(engine_should_find_the_next_level_far_away);
    PC_RUN(gen_should_be_deterministic_and_stay_in_range);
    PC_RUN(gen_should_draw_heavy_tailed_sizes_and_poisson_gaps);
    PC_RUN(replay_should_give_the_same_trades_for_the_same_seed);
    PC_RUN(bench_should_process_every_order_and_trade_like_the_replay);
    PC_RUN(bench_should_reject_bad_configs);
    PC_RUN(orderbook_suite_should_record_book_frames_series_and_summary);
    PC_RUN(orderbook_suite_should_trade_the_same_for_the_same_seed);
    PC_RUN(orderbook_suite_should_refuse_bad_parameters);
    return pc_test_done();
}
