/* ob_gen.h — a deterministic, realistic order flow for the matching engine.
 *
 * Same seed, same config => the same sequence of order messages, on any run: the generator
 * never looks at the book (it only knows what it sent), and all randomness comes from our
 * own xoshiro256** seeded by splitmix64 (no libc rand). The flow:
 *
 *  - a fair price ("mid", in ticks) takes a random walk of one tick every ~32 messages,
 *    pulled back toward `center` so it wanders a few hundred ticks, never off the book;
 *  - ~62 % limit orders: buy or sell, mostly passive at an exponentially distributed
 *    distance from the mid (mean ~4 ticks, at most PC_OB_GEN_MAX_OFFSET), 8 % of them
 *    marketable (priced through the mid, so they trade against stale quotes);
 *  - ~8 % market orders;
 *  - ~30 % cancels of one of the generator's own outstanding limit orders, picked at random
 *    (an order that already filled gives a "too late to cancel": PC_ENOTFOUND at the engine);
 *    it tracks at most `max_live` ids and cancels one when the set is full, so at most
 *    max_live of its orders ever rest — the engine's pool is sized from that;
 *  - sizes are Pareto (alpha 1.3, scale 10 units, capped at PC_OB_GEN_MAX_QTY): median ~17,
 *    a heavy tail of large orders that sweep several levels;
 *  - ids 1, 2, 3, ... in order of creation (limit and market orders; a cancel names one).
 *
 * Inter-arrival gaps for a paced sender come from a separate stream (pc_ob_gen_gap), so
 * pacing never changes the flow itself. */
#ifndef PC_OB_GEN_H
#define PC_OB_GEN_H

#include <stdint.h>

#include "ob_engine.h"

#define PC_OB_GEN_MAX_OFFSET 256 /* ticks from the mid, at most, for any limit price */
#define PC_OB_GEN_MAX_QTY 20000  /* units, at most, for any order */

typedef struct pc_ob_gen_config {
    uint64_t seed;
    int32_t min_price, max_price; /* every price it emits lies inside (ticks); the range must
                                     hold center +- (reversion room + PC_OB_GEN_MAX_OFFSET) */
    int32_t center;               /* where the mid starts and is pulled back to */
    uint32_t max_live;            /* outstanding limit order ids tracked for cancels (>= 1) */
} pc_ob_gen_config_t;

/* A limit order the generator sent and has not cancelled. */
typedef struct pc_ob_gen_live {
    uint64_t id;
    int32_t price;
    int32_t side;
} pc_ob_gen_live_t;

typedef struct pc_ob_gen {
    pc_ob_gen_config_t cfg;
    uint64_t s[4];     /* order flow stream */
    uint64_t g[4];     /* arrival gap stream */
    int32_t mid;       /* fair price, ticks */
    int32_t mid_lo, mid_hi; /* the mid stays inside, so every price stays in range */
    uint64_t next_id;
    pc_ob_gen_live_t *live; /* limit orders not known to be gone */
    uint32_t n_live;
    uint64_t sent, limits, markets, cancels; /* messages produced, by type */
} pc_ob_gen_t;

/* Seeds g. Returns 0, PC_EINVAL (price range too narrow for the walk, max_live 0) or
 * PC_ENOMEM; free with pc_ob_gen_free. */
int pc_ob_gen_init(pc_ob_gen_t *g, const pc_ob_gen_config_t *cfg);
/* Frees what init allocated; safe twice. */
void pc_ob_gen_free(pc_ob_gen_t *g);
/* Writes the next order message into *o (stamp 0). Cannot fail. */
void pc_ob_gen_next(pc_ob_gen_t *g, pc_ob_order_t *o);
/* The next inter-arrival gap of a Poisson process with rate 1 (exponential, mean 1): scale
 * by 1/rate. From its own stream. */
double pc_ob_gen_gap(pc_ob_gen_t *g);

/* ---- the PRNG, for tests that want their own random flows ---- */

/* splitmix64: advances *state and returns the next value (used to seed xoshiro). */
uint64_t pc_splitmix64(uint64_t *state);
/* Seeds a xoshiro256** state from one 64-bit seed via splitmix64. */
void pc_xoshiro_seed(uint64_t s[4], uint64_t seed);
/* xoshiro256**: the next 64 random bits. */
static inline uint64_t pc_xoshiro_next(uint64_t s[4]) {
    uint64_t x = s[1] * 5, r = ((x << 7) | (x >> 57)) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return r;
}
/* Uniform integer in [0, n) (n >= 1), without modulo bias worth measuring (multiply-shift). */
static inline uint64_t pc_xoshiro_below(uint64_t s[4], uint64_t n) {
    return (uint64_t)(((unsigned __int128)pc_xoshiro_next(s) * n) >> 64);
}

#endif
