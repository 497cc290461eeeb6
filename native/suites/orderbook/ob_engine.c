/* ob_engine.c — the limit order book (see ob_engine.h).
 *
 * Layout, chosen for the matching path:
 *  - a price level is {qty, head, tail, count} in an array indexed by tick offset, one
 *    array per side, so finding a level is one index and a level's FIFO is an intrusive
 *    list of pool nodes (32 bytes each) linked by 32-bit indices;
 *  - the best price of each side is kept as an index; when its level empties, the next one
 *    is found with a two-level bitmap (one bit per level, one summary bit per 64 levels):
 *    a few ctz/clz, also when the book is sparse or one side just emptied;
 *  - the id table maps an id straight to its node (index + 1, 0 = not resting), so a
 *    cancel is one load, an unlink and, if the level emptied, a bitmap search.
 * Everything lives in one prefaulted mapping made at create. */
#include "ob_engine.h"

#include <stdlib.h>
#include <string.h>

#include "spsc.h" /* pc_spsc_map: prefaulted anonymous memory */

#define NIL UINT32_MAX
#define MAX_PRICES (1u << 24)
#define MAX_RESTING (1u << 26)
#define MAX_ID ((uint64_t)1 << 28)

typedef struct ob_node {
    uint64_t id;
    uint32_t qty;  /* remaining */
    uint32_t next; /* toward the tail (younger), NIL at the tail; free-list link when free */
    uint32_t prev; /* toward the head (older), NIL at the head */
    uint32_t px;   /* level index: price - base_price */
    int32_t side;  /* PC_OB_BUY / PC_OB_SELL; 0 while free */
} ob_node_t;

typedef struct ob_level {
    uint64_t qty;
    uint32_t head, tail; /* oldest, youngest; NIL when empty */
    uint32_t count;
    uint32_t pad;
} ob_level_t;

/* One side of the book. */
typedef struct ob_side {
    ob_level_t *lv;
    uint64_t *bits; /* bit i: level i not empty */
    uint64_t *sum;  /* bit w: bits[w] != 0 */
} ob_side_t;

struct pc_ob {
    pc_ob_config_t cfg;
    uint32_t n;                 /* price levels per side */
    uint32_t n_words, n_sum;    /* bitmap words, summary words */
    ob_side_t bid, ask;
    int64_t best_bid;           /* level index, -1 when no bids */
    int64_t best_ask;           /* level index, n when no asks */
    ob_node_t *nodes;
    uint32_t free_head;
    uint32_t *ids;              /* max_id + 1 entries */
    pc_ob_stats_t st;
    void *map;
    size_t map_bytes;
};

/* ---- bitmaps ---- */

static inline void bit_set(ob_side_t *s, uint32_t i) {
    uint32_t w = i >> 6;
    s->bits[w] |= 1ull << (i & 63);
    s->sum[w >> 6] |= 1ull << (w & 63);
}

static inline void bit_clear(ob_side_t *s, uint32_t i) {
    uint32_t w = i >> 6;
    s->bits[w] &= ~(1ull << (i & 63));
    if (!s->bits[w]) s->sum[w >> 6] &= ~(1ull << (w & 63));
}

/* Smallest non-empty level index >= from, or n. */
static int64_t next_set(const pc_ob_t *ob, const ob_side_t *s, int64_t from) {
    if (from >= ob->n) return ob->n;
    if (from < 0) from = 0;
    uint32_t w = (uint32_t)from >> 6;
    uint64_t m = s->bits[w] & (~0ull << (from & 63));
    if (m) return ((int64_t)w << 6) + __builtin_ctzll(m);
    uint32_t nw = w + 1;
    if (nw >= ob->n_words) return ob->n;
    uint32_t sw = nw >> 6;
    uint64_t sm = s->sum[sw] & (~0ull << (nw & 63));
    while (!sm) {
        if (++sw >= ob->n_sum) return ob->n;
        sm = s->sum[sw];
    }
    uint32_t word = (sw << 6) + (uint32_t)__builtin_ctzll(sm);
    return ((int64_t)word << 6) + __builtin_ctzll(s->bits[word]);
}

/* Largest non-empty level index <= from, or -1. */
static int64_t prev_set(const pc_ob_t *ob, const ob_side_t *s, int64_t from) {
    if (from < 0) return -1;
    if (from >= ob->n) from = ob->n - 1;
    uint32_t w = (uint32_t)from >> 6;
    uint64_t m = s->bits[w] & (~0ull >> (63 - (from & 63)));
    if (m) return ((int64_t)w << 6) + 63 - __builtin_clzll(m);
    if (w == 0) return -1;
    uint32_t pw = w - 1, sw = pw >> 6;
    uint64_t sm = s->sum[sw] & (~0ull >> (63 - (pw & 63)));
    while (!sm) {
        if (sw == 0) return -1;
        sm = s->sum[--sw];
    }
    uint32_t word = (sw << 6) + 63 - (uint32_t)__builtin_clzll(sm);
    return ((int64_t)word << 6) + 63 - __builtin_clzll(s->bits[word]);
}

/* ---- create / destroy / reset ---- */

static size_t round_line(size_t n) { return (n + PC_CACHE_LINE - 1) & ~(size_t)(PC_CACHE_LINE - 1); }

static void init_free_list(pc_ob_t *ob) {
    uint32_t m = ob->cfg.max_resting;
    for (uint32_t i = 0; i < m; i++) {
        ob->nodes[i].next = i + 1 < m ? i + 1 : NIL;
        ob->nodes[i].side = 0;
    }
    ob->free_head = 0;
}

static void init_levels(ob_side_t *s, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) s->lv[i] = (ob_level_t){.qty = 0, .head = NIL, .tail = NIL};
}

int pc_ob_create(const pc_ob_config_t *cfg, pc_ob_t **out) {
    *out = NULL;
    if (cfg->n_prices < 2 || cfg->n_prices > MAX_PRICES || cfg->max_resting < 1 ||
        cfg->max_resting > MAX_RESTING || cfg->max_id < 1 || cfg->max_id > MAX_ID ||
        (int64_t)cfg->base_price + cfg->n_prices - 1 > INT32_MAX)
        return PC_EINVAL;
    pc_ob_t *ob = calloc(1, sizeof *ob);
    if (!ob) return PC_ENOMEM;
    ob->cfg = *cfg;
    ob->n = cfg->n_prices;
    ob->n_words = (ob->n + 63) / 64;
    ob->n_sum = (ob->n_words + 63) / 64;
    size_t b_nodes = round_line((size_t)cfg->max_resting * sizeof(ob_node_t));
    size_t b_levels = round_line((size_t)ob->n * sizeof(ob_level_t));
    size_t b_bits = round_line((size_t)ob->n_words * 8), b_sum = round_line((size_t)ob->n_sum * 8);
    size_t b_ids = round_line((size_t)(cfg->max_id + 1) * sizeof(uint32_t));
    ob->map_bytes = b_nodes + 2 * (b_levels + b_bits + b_sum) + b_ids;
    ob->map = pc_spsc_map(ob->map_bytes); /* zeroed and prefaulted */
    if (!ob->map) {
        free(ob);
        return PC_ENOMEM;
    }
    char *p = ob->map;
    ob->nodes = (ob_node_t *)p, p += b_nodes;
    ob->bid.lv = (ob_level_t *)p, p += b_levels;
    ob->ask.lv = (ob_level_t *)p, p += b_levels;
    ob->bid.bits = (uint64_t *)p, p += b_bits;
    ob->ask.bits = (uint64_t *)p, p += b_bits;
    ob->bid.sum = (uint64_t *)p, p += b_sum;
    ob->ask.sum = (uint64_t *)p, p += b_sum;
    ob->ids = (uint32_t *)p;
    init_levels(&ob->bid, ob->n);
    init_levels(&ob->ask, ob->n);
    init_free_list(ob);
    ob->best_bid = -1;
    ob->best_ask = ob->n;
    *out = ob;
    return 0;
}

void pc_ob_destroy(pc_ob_t *ob) {
    if (!ob) return;
    pc_spsc_unmap(ob->map, ob->map_bytes);
    free(ob);
}

/* Clears the id entries of every order resting on side s, and the side's levels and bits. */
static void clear_side(pc_ob_t *ob, ob_side_t *s) {
    for (int64_t px = next_set(ob, s, 0); px < ob->n; px = next_set(ob, s, px + 1)) {
        for (uint32_t i = s->lv[px].head; i != NIL; i = ob->nodes[i].next) ob->ids[ob->nodes[i].id] = 0;
        s->lv[px] = (ob_level_t){.qty = 0, .head = NIL, .tail = NIL};
    }
    memset(s->bits, 0, (size_t)ob->n_words * 8);
    memset(s->sum, 0, (size_t)ob->n_sum * 8);
}

void pc_ob_reset(pc_ob_t *ob) {
    clear_side(ob, &ob->bid);
    clear_side(ob, &ob->ask);
    init_free_list(ob);
    ob->best_bid = -1;
    ob->best_ask = ob->n;
    memset(&ob->st, 0, sizeof ob->st);
}

/* ---- the matching path ---- */

static inline void free_node(pc_ob_t *ob, uint32_t idx) {
    ob->nodes[idx].side = 0;
    ob->nodes[idx].next = ob->free_head;
    ob->free_head = idx;
}

/* Trades an aggressor of `side` with `qty` units against the other side, at levels no worse
 * than index `limit` (buy: <= limit, sell: >= limit). Returns the units left. Always inlined
 * with a constant side, so each side gets its own straight-line loop. */
static inline __attribute__((always_inline)) uint32_t match(pc_ob_t *ob, int side, uint64_t taker,
                                                            uint32_t qty, int64_t limit) {
    ob_side_t *opp = side == PC_OB_BUY ? &ob->ask : &ob->bid;
    for (;;) {
        int64_t px = side == PC_OB_BUY ? ob->best_ask : ob->best_bid;
        if (side == PC_OB_BUY ? px > limit || px >= ob->n : px < limit || px < 0) break;
        ob_level_t *lv = &opp->lv[px];
        pc_ob_trade_t t = {.taker_id = taker, .price = ob->cfg.base_price + (int32_t)px, .side = side};
        while (qty && lv->head != NIL) {
            uint32_t idx = lv->head;
            ob_node_t *nd = &ob->nodes[idx];
            uint32_t q = nd->qty < qty ? nd->qty : qty;
            nd->qty -= q;
            lv->qty -= q;
            qty -= q;
            ob->st.trades++;
            ob->st.traded_qty += q;
            ob->st.resting_qty -= q;
            t.maker_id = nd->id;
            t.qty = q;
            if (!nd->qty) { /* filled: unlink the head */
                lv->head = nd->next;
                if (lv->head != NIL) ob->nodes[lv->head].prev = NIL;
                else lv->tail = NIL;
                lv->count--;
                ob->ids[nd->id] = 0;
                ob->st.resting_orders--;
                free_node(ob, idx);
            }
            if (ob->cfg.on_trade) ob->cfg.on_trade(ob->cfg.ud, &t);
        }
        if (lv->head != NIL) break; /* the aggressor is filled */
        bit_clear(opp, (uint32_t)px);
        if (side == PC_OB_BUY) ob->best_ask = next_set(ob, opp, px + 1);
        else ob->best_bid = prev_set(ob, opp, px - 1);
        if (!qty) break;
    }
    return qty;
}

/* Appends a new order to the tail of its level (the caller checked that a node is free). */
static inline void rest(pc_ob_t *ob, int side, uint64_t id, uint32_t px, uint32_t qty) {
    ob_side_t *s = side == PC_OB_BUY ? &ob->bid : &ob->ask;
    ob_level_t *lv = &s->lv[px];
    uint32_t idx = ob->free_head;
    ob_node_t *nd = &ob->nodes[idx];
    ob->free_head = nd->next;
    nd->id = id;
    nd->qty = qty;
    nd->px = px;
    nd->side = side;
    nd->next = NIL;
    nd->prev = lv->tail;
    if (lv->tail != NIL) {
        ob->nodes[lv->tail].next = idx;
    } else {
        lv->head = idx;
        bit_set(s, px);
    }
    lv->tail = idx;
    lv->qty += qty;
    lv->count++;
    ob->ids[id] = idx + 1;
    ob->st.resting_orders++;
    ob->st.resting_qty += qty;
    if (side == PC_OB_BUY) {
        if ((int64_t)px > ob->best_bid) ob->best_bid = px;
    } else {
        if ((int64_t)px < ob->best_ask) ob->best_ask = px;
    }
}

static inline int reject(pc_ob_t *ob, int code) {
    ob->st.rejected++;
    return code;
}

int pc_ob_limit(pc_ob_t *ob, uint64_t id, int side, int32_t price, uint32_t qty) {
    int64_t px = (int64_t)price - ob->cfg.base_price;
    if (id == 0 || id > ob->cfg.max_id || ob->ids[id] || qty == 0 || px < 0 || px >= ob->n ||
        (side != PC_OB_BUY && side != PC_OB_SELL))
        return reject(ob, PC_EINVAL);
    if (ob->free_head == NIL) return reject(ob, PC_ELIMIT);
    ob->st.limits++;
    ob->st.submitted_qty += qty;
    uint32_t left = side == PC_OB_BUY ? match(ob, PC_OB_BUY, id, qty, px) : match(ob, PC_OB_SELL, id, qty, px);
    if (left) rest(ob, side, id, (uint32_t)px, left);
    return 0;
}

int pc_ob_market(pc_ob_t *ob, uint64_t id, int side, uint32_t qty) {
    if (id == 0 || id > ob->cfg.max_id || qty == 0 || (side != PC_OB_BUY && side != PC_OB_SELL))
        return reject(ob, PC_EINVAL);
    ob->st.markets++;
    ob->st.submitted_qty += qty;
    uint32_t left = side == PC_OB_BUY ? match(ob, PC_OB_BUY, id, qty, (int64_t)ob->n - 1)
                                      : match(ob, PC_OB_SELL, id, qty, 0);
    ob->st.expired_qty += left;
    return 0;
}

int pc_ob_cancel(pc_ob_t *ob, uint64_t id) {
    if (id == 0 || id > ob->cfg.max_id) return reject(ob, PC_EINVAL);
    uint32_t ref = ob->ids[id];
    if (!ref) {
        ob->st.cancel_unknown++;
        return PC_ENOTFOUND;
    }
    uint32_t idx = ref - 1;
    ob_node_t *nd = &ob->nodes[idx];
    int side = nd->side;
    ob_side_t *s = side == PC_OB_BUY ? &ob->bid : &ob->ask;
    ob_level_t *lv = &s->lv[nd->px];
    if (nd->prev != NIL) ob->nodes[nd->prev].next = nd->next;
    else lv->head = nd->next;
    if (nd->next != NIL) ob->nodes[nd->next].prev = nd->prev;
    else lv->tail = nd->prev;
    lv->qty -= nd->qty;
    lv->count--;
    ob->st.cancels++;
    ob->st.cancelled_qty += nd->qty;
    ob->st.resting_qty -= nd->qty;
    ob->st.resting_orders--;
    ob->ids[id] = 0;
    uint32_t px = nd->px;
    free_node(ob, idx);
    if (lv->head == NIL) {
        bit_clear(s, px);
        if (side == PC_OB_BUY) {
            if ((int64_t)px == ob->best_bid) ob->best_bid = prev_set(ob, s, (int64_t)px - 1);
        } else {
            if ((int64_t)px == ob->best_ask) ob->best_ask = next_set(ob, s, (int64_t)px + 1);
        }
    }
    return 0;
}

int pc_ob_submit(pc_ob_t *ob, const pc_ob_order_t *o) {
    switch (o->type) {
    case PC_OB_LIMIT: return pc_ob_limit(ob, o->id, o->side, o->price, o->qty);
    case PC_OB_MARKET: return pc_ob_market(ob, o->id, o->side, o->qty);
    case PC_OB_CANCEL: return pc_ob_cancel(ob, o->id);
    default: return reject(ob, PC_EINVAL);
    }
}

/* ---- queries ---- */

int pc_ob_best(const pc_ob_t *ob, int side, int32_t *price) {
    int64_t px = side == PC_OB_BUY ? ob->best_bid : ob->best_ask;
    if (px < 0 || px >= ob->n) return PC_ENOTFOUND;
    *price = ob->cfg.base_price + (int32_t)px;
    return 0;
}

size_t pc_ob_depth(const pc_ob_t *ob, int side, pc_ob_level_t *out, size_t max) {
    const ob_side_t *s = side == PC_OB_BUY ? &ob->bid : &ob->ask;
    size_t k = 0;
    int64_t px = side == PC_OB_BUY ? ob->best_bid : ob->best_ask;
    while (k < max && px >= 0 && px < ob->n) {
        const ob_level_t *lv = &s->lv[px];
        out[k++] = (pc_ob_level_t){.price = ob->cfg.base_price + (int32_t)px, .orders = lv->count, .qty = lv->qty};
        px = side == PC_OB_BUY ? prev_set(ob, s, px - 1) : next_set(ob, s, px + 1);
    }
    return k;
}

const pc_ob_stats_t *pc_ob_stats(const pc_ob_t *ob) { return &ob->st; }

int pc_ob_order_info(const pc_ob_t *ob, uint64_t id, int *side, int32_t *price, uint32_t *qty) {
    if (id == 0 || id > ob->cfg.max_id || !ob->ids[id]) return PC_ENOTFOUND;
    const ob_node_t *nd = &ob->nodes[ob->ids[id] - 1];
    if (side) *side = nd->side;
    if (price) *price = ob->cfg.base_price + (int32_t)nd->px;
    if (qty) *qty = nd->qty;
    return 0;
}

size_t pc_ob_level_orders(const pc_ob_t *ob, int side, int32_t price, uint64_t *ids, size_t max) {
    int64_t px = (int64_t)price - ob->cfg.base_price;
    if (px < 0 || px >= ob->n || (side != PC_OB_BUY && side != PC_OB_SELL)) return 0;
    const ob_level_t *lv = side == PC_OB_BUY ? &ob->bid.lv[px] : &ob->ask.lv[px];
    size_t k = 0;
    for (uint32_t i = lv->head; i != NIL; i = ob->nodes[i].next, k++)
        if (k < max) ids[k] = ob->nodes[i].id;
    return k;
}

/* ---- the invariant walk ---- */

static int check_side(const pc_ob_t *ob, const ob_side_t *s, int side, uint64_t *orders, uint64_t *qty,
                      pc_errbuf_t *err) {
    const char *name = side == PC_OB_BUY ? "bid" : "ask";
    int64_t first = -1, last = -1;
    for (uint32_t px = 0; px < ob->n; px++) {
        const ob_level_t *lv = &s->lv[px];
        int bit = (int)((s->bits[px >> 6] >> (px & 63)) & 1);
        if ((lv->head == NIL) != (lv->tail == NIL))
            return pc_errf(err, PC_ECORRUPT, "%s level %u: head/tail disagree", name, px);
        if (bit != (lv->head != NIL))
            return pc_errf(err, PC_ECORRUPT, "%s level %u: bitmap says %d", name, px, bit);
        if (lv->head == NIL) {
            if (lv->qty || lv->count)
                return pc_errf(err, PC_ECORRUPT, "%s level %u: empty but qty %llu count %u", name, px,
                               (unsigned long long)lv->qty, lv->count);
            continue;
        }
        if (first < 0) first = px;
        last = px;
        uint64_t q = 0;
        uint32_t c = 0, prev = NIL;
        for (uint32_t i = lv->head; i != NIL; prev = i, i = ob->nodes[i].next) {
            const ob_node_t *nd = &ob->nodes[i];
            if (i >= ob->cfg.max_resting || ++c > ob->cfg.max_resting)
                return pc_errf(err, PC_ECORRUPT, "%s level %u: broken or cyclic list", name, px);
            if (nd->prev != prev) return pc_errf(err, PC_ECORRUPT, "%s level %u: prev link of node %u", name, px, i);
            if (nd->px != px || nd->side != side)
                return pc_errf(err, PC_ECORRUPT, "%s level %u: node %u belongs to level %u side %d", name, px, i,
                               nd->px, nd->side);
            if (!nd->qty) return pc_errf(err, PC_ECORRUPT, "%s level %u: order %llu rests with qty 0", name, px,
                                         (unsigned long long)nd->id);
            if (nd->id == 0 || nd->id > ob->cfg.max_id || ob->ids[nd->id] != i + 1)
                return pc_errf(err, PC_ECORRUPT, "%s level %u: id table misses order %llu", name, px,
                               (unsigned long long)nd->id);
            q += nd->qty;
        }
        if (lv->tail != prev) return pc_errf(err, PC_ECORRUPT, "%s level %u: tail is not the last node", name, px);
        if (q != lv->qty || c != lv->count)
            return pc_errf(err, PC_ECORRUPT, "%s level %u: qty %llu count %u, orders add up to %llu / %u", name, px,
                           (unsigned long long)lv->qty, lv->count, (unsigned long long)q, c);
        *orders += c;
        *qty += q;
    }
    for (uint32_t w = 0; w < ob->n_words; w++)
        if (((s->sum[w >> 6] >> (w & 63)) & 1) != (s->bits[w] != 0))
            return pc_errf(err, PC_ECORRUPT, "%s summary bit %u is stale", name, w);
    int64_t best = side == PC_OB_BUY ? ob->best_bid : ob->best_ask;
    int64_t want = side == PC_OB_BUY ? last : (first < 0 ? (int64_t)ob->n : first);
    if (best != want)
        return pc_errf(err, PC_ECORRUPT, "best %s index %lld, the book says %lld", name, (long long)best, (long long)want);
    return 0;
}

int pc_ob_check(const pc_ob_t *ob, pc_errbuf_t *err) {
    uint64_t orders = 0, qty = 0;
    int r;
    if ((r = check_side(ob, &ob->bid, PC_OB_BUY, &orders, &qty, err))) return r;
    if ((r = check_side(ob, &ob->ask, PC_OB_SELL, &orders, &qty, err))) return r;
    if (ob->best_bid >= 0 && ob->best_ask < ob->n && ob->best_bid >= ob->best_ask)
        return pc_errf(err, PC_ECORRUPT, "crossed book: best bid %d >= best ask %d",
                       ob->cfg.base_price + (int32_t)ob->best_bid, ob->cfg.base_price + (int32_t)ob->best_ask);
    if (orders != ob->st.resting_orders || qty != ob->st.resting_qty)
        return pc_errf(err, PC_ECORRUPT, "stats say %llu orders / %llu units rest, the book holds %llu / %llu",
                       (unsigned long long)ob->st.resting_orders, (unsigned long long)ob->st.resting_qty,
                       (unsigned long long)orders, (unsigned long long)qty);
    uint64_t n_free = 0;
    for (uint32_t i = ob->free_head; i != NIL; i = ob->nodes[i].next) {
        if (i >= ob->cfg.max_resting || ++n_free > ob->cfg.max_resting || ob->nodes[i].side != 0)
            return pc_errf(err, PC_ECORRUPT, "free list is broken at node %u", i);
    }
    if (n_free + orders != ob->cfg.max_resting)
        return pc_errf(err, PC_ECORRUPT, "%llu free + %llu resting nodes != pool of %u", (unsigned long long)n_free,
                       (unsigned long long)orders, ob->cfg.max_resting);
    uint64_t mapped = 0;
    for (uint64_t id = 0; id <= ob->cfg.max_id; id++) mapped += ob->ids[id] != 0;
    if (ob->ids[0] || mapped != orders)
        return pc_errf(err, PC_ECORRUPT, "id table maps %llu ids, %llu orders rest", (unsigned long long)mapped,
                       (unsigned long long)orders);
    const pc_ob_stats_t *st = &ob->st;
    if (st->submitted_qty != 2 * st->traded_qty + st->cancelled_qty + st->expired_qty + st->resting_qty)
        return pc_errf(err, PC_ECORRUPT,
                       "quantity not conserved: submitted %llu != 2 x traded %llu + cancelled %llu + expired %llu + "
                       "resting %llu",
                       (unsigned long long)st->submitted_qty, (unsigned long long)st->traded_qty,
                       (unsigned long long)st->cancelled_qty, (unsigned long long)st->expired_qty,
                       (unsigned long long)st->resting_qty);
    return 0;
}
