/* bt_ticks.h — where the backtest's ticks come from: a seeded generator (geometric Brownian
 * mid, bid/ask spread, sizes, nanosecond timestamps) or a CSV file, both delivered as the
 * fixed 32-byte binary messages a market-data feed would send. Decoding those messages is the
 * engine's "parse" stage; producing them is not measured (it stands for the network).
 *
 * CSV input (`--set input=ticks.csv`): one tick per line, columns
 *     ts_ns,bid,ask,bid_size,ask_size
 * ts_ns an integer (nanoseconds, never decreasing), bid < ask prices with at most 4 decimals,
 * sizes positive integers. A first line naming those columns is a header; blank lines and
 * lines starting with '#' are not ticks. Any other line that does not parse fails the load
 * with its line number ("ticks.csv:17: ask 100.01 is not above bid 100.02"): nothing is
 * skipped silently. */
#ifndef PC_BT_TICKS_H
#define PC_BT_TICKS_H

#include <stddef.h>
#include <stdint.h>

#include "pc_error.h"

#define PC_BT_PRICE_SCALE 10000 /* prices travel as integers in 1/10000 of the currency */
#define PC_BT_MAX_FILE_TICKS 50000000u /* a CSV file's ticks are held in memory: 32 bytes each */

/* One market-data message, little-endian, 32 bytes. */
typedef struct pc_bt_msg {
    uint64_t ts_ns;
    int64_t bid, ask;   /* PC_BT_PRICE_SCALE units */
    uint32_t bid_size, ask_size;
} pc_bt_msg_t;

/* The generator's state. Deterministic: the same seed gives the same ticks. */
typedef struct pc_bt_gen {
    uint64_t rng;
    double mid;               /* currency */
    uint64_t ts_ns;
    double mult[4096];        /* exp(sigma * z_i - sigma^2 / 2) for 4096 normal quantiles z_i */
} pc_bt_gen_t;

/* Seeds a generator: mid starts at start_price (> 0), each tick's log-return is normal with
 * standard deviation sigma (0..0.1). Cannot fail. */
void pc_bt_gen_init(pc_bt_gen_t *g, uint64_t seed, double start_price, double sigma);
/* Writes the next n ticks into out. Cannot fail. */
void pc_bt_gen_fill(pc_bt_gen_t *g, pc_bt_msg_t *out, size_t n);

/* Parses CSV text (len bytes, need not be terminated) into a malloc'ed array the caller
 * frees with free(). `name` is used in messages. Returns 0 with *out and *n set (n >= 1), or
 * PC_EFORMAT with err naming the line and the problem, PC_ELIMIT past PC_BT_MAX_FILE_TICKS,
 * PC_ENOMEM. */
int pc_bt_csv_parse(const char *text, size_t len, const char *name, pc_bt_msg_t **out, size_t *n,
                    pc_errbuf_t *err);
/* Reads and parses a CSV file as above; PC_EIO when it cannot be read. */
int pc_bt_csv_load(const char *path, pc_bt_msg_t **out, size_t *n, pc_errbuf_t *err);

#endif
