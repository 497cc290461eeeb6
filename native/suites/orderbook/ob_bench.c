/* ob_bench.c — generator and engine threads for the orderbook suite (see ob_bench.h). */
#include "ob_bench.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "spsc.h"
#include "tsc.h"
#include "worker.h"

PC_SPSC_DEFINE(ob_orderq, pc_ob_order_t)
PC_SPSC_DEFINE(ob_snapq, pc_ob_snap_t)

#define SNAP_RING 64 /* snapshots in flight to the sampler: ~2 s at 30 fps */

struct pc_ob_bench {
    ob_orderq_t ring; /* first: cache-line aligned inside an aligned session */
    ob_snapq_t snaps;
    pc_ob_bench_config_t cfg;
    pc_ob_t *ob;
    pc_ob_gen_t gen;
    pthread_t generator, engine;
    int n_threads, pinned, finished;

    pthread_mutex_t gate_lock;
    pthread_cond_t gate_cond;
    int gate;                  /* highest stage opened */
    uint64_t go_tsc[3];        /* when each stage's gate opened */

    /* run thread -> generator */
    _Alignas(PC_CACHE_LINE) atomic_int end_stage; /* stage number to end early */
    atomic_int stop_all;

    /* generator -> everyone: per stage, what it sent once the stage is over */
    _Alignas(PC_CACHE_LINE) _Atomic uint64_t sent[3];
    atomic_int stage_sent[3];  /* 1 once sent[stage] is final (release) */
    atomic_int gen_done;

    /* engine -> sampler: its own line, stored once per batch */
    _Alignas(PC_CACHE_LINE) _Atomic uint64_t processed;
    _Atomic uint64_t trades_pub;

    /* engine-private (read by others only after join, or after stage_done's acquire) */
    _Alignas(PC_CACHE_LINE) uint64_t trades, hash, sat_hash, sat_trades;
    uint64_t sat_processed, last_sat_tsc, last_paced_tsc;
    uint64_t expect_id, seq_errors;
    uint64_t snaps_taken, snaps_dropped;
    uint64_t since_trades, since_volume, recent_n;
    int32_t last_price;
    int has_last;
    pc_ob_snap_trade_t recent[PC_OB_SNAP_TRADES]; /* ring of the newest trades */
    pc_ob_order_t gen_buf[PC_OB_BATCH];
    pc_ob_order_t eng_buf[PC_OB_BATCH];
};

/* ---- the suite's market ---- */

void pc_ob_suite_book_config(uint64_t max_id, pc_ob_config_t *book) {
    memset(book, 0, sizeof *book);
    book->base_price = 0;
    book->n_prices = PC_OB_N_PRICES;
    book->max_resting = PC_OB_MAX_LIVE;
    book->max_id = max_id;
}

void pc_ob_suite_gen_config(uint64_t seed, pc_ob_gen_config_t *gen) {
    memset(gen, 0, sizeof *gen);
    gen->seed = seed;
    gen->min_price = 0;
    gen->max_price = PC_OB_N_PRICES - 1;
    gen->center = PC_OB_CENTER;
    gen->max_live = PC_OB_MAX_LIVE;
}

/* ---- gate ---- */

/* Waits until `stage` is open or everything stops; returns 0 when stopping. */
static int wait_gate(pc_ob_bench_t *b, int stage) {
    pthread_mutex_lock(&b->gate_lock);
    while (b->gate < stage && !atomic_load(&b->stop_all)) pthread_cond_wait(&b->gate_cond, &b->gate_lock);
    int open = b->gate >= stage;
    pthread_mutex_unlock(&b->gate_lock);
    return open && !atomic_load(&b->stop_all);
}

static inline int stage_ending(pc_ob_bench_t *b, int stage) {
    return atomic_load_explicit(&b->end_stage, memory_order_relaxed) >= stage ||
           atomic_load_explicit(&b->stop_all, memory_order_relaxed);
}

/* ---- generator thread ---- */

static void stage_over(pc_ob_bench_t *b, int stage, uint64_t sent) {
    atomic_store_explicit(&b->sent[stage], sent, memory_order_relaxed);
    atomic_store_explicit(&b->stage_sent[stage], 1, memory_order_release);
}

/* Stage 1: as fast as the ring takes them, a batch per push. Returns messages sent. */
static uint64_t generate_saturated(pc_ob_bench_t *b) {
    uint64_t sent = 0, total = b->cfg.orders;
    while (sent < total && !stage_ending(b, 1)) {
        size_t k = total - sent < PC_OB_BATCH ? (size_t)(total - sent) : PC_OB_BATCH;
        for (size_t i = 0; i < k; i++) pc_ob_gen_next(&b->gen, &b->gen_buf[i]);
        size_t done = 0;
        unsigned spins = 0;
        while (done < k) {
            size_t n = ob_orderq_push_n(&b->ring, b->gen_buf + done, k - done);
            if (n) {
                done += n;
                spins = 0;
                continue;
            }
            if (atomic_load_explicit(&b->stop_all, memory_order_relaxed)) return sent + done;
            pc_spin_wait(&spins);
        }
        sent += k;
    }
    return sent;
}

/* Stage 2: Poisson arrivals at cfg.rate; each order is made before its deadline and stamped
 * when it goes in, so the generator's own work is not in the latency. */
static uint64_t generate_paced(pc_ob_bench_t *b) {
    double ticks_per_s = pc_tsc_ghz() * 1e9, scale = ticks_per_s / b->cfg.rate;
    double deadline = (double)pc_tsc_now();
    uint64_t sent;
    pc_ob_order_t o;
    for (sent = 0; sent < b->cfg.paced_orders; sent++) {
        pc_ob_gen_next(&b->gen, &o);
        deadline += pc_ob_gen_gap(&b->gen) * scale;
        uint64_t due = (uint64_t)deadline;
        unsigned n = 0;
        while ((int64_t)(pc_tsc_now() - due) < 0) {
            if ((++n & 255) == 0 && stage_ending(b, 2)) return sent;
            pc_cpu_relax();
        }
        pc_ob_order_t *slot;
        unsigned spins = 0;
        while (!(slot = ob_orderq_write_slot(&b->ring))) { /* paced faster than the engine */
            if (stage_ending(b, 2)) return sent;
            pc_spin_wait(&spins);
        }
        *slot = o;
        slot->stamp = pc_tsc_now();
        ob_orderq_publish(&b->ring);
        if ((sent & 255) == 255 && stage_ending(b, 2)) return sent + 1;
    }
    return sent;
}

static void *generator_main(void *arg) {
    pc_ob_bench_t *b = arg;
    uint64_t s1 = 0, s2 = 0;
    if (wait_gate(b, 1)) s1 = generate_saturated(b);
    stage_over(b, 1, s1);
    if (wait_gate(b, 2)) s2 = generate_paced(b);
    stage_over(b, 2, s2);
    atomic_store_explicit(&b->gen_done, 1, memory_order_release);
    return NULL;
}

/* ---- engine thread ---- */

static void on_trade(void *ud, const pc_ob_trade_t *t) {
    pc_ob_bench_t *b = ud;
    b->trades++;
    b->hash = pc_ob_trade_hash(b->hash, t);
    b->recent[b->recent_n++ & (PC_OB_SNAP_TRADES - 1)] =
        (pc_ob_snap_trade_t){.price = t->price, .qty = t->qty, .side = t->side};
    b->since_trades++;
    b->since_volume += t->qty;
    b->last_price = t->price;
    b->has_last = 1;
}

/* Copies the top of the book and the trades since the last snapshot into the next free
 * snapshot slot; with no free slot, drops this one and keeps the trades for the next. */
static void snapshot(pc_ob_bench_t *b, uint64_t now) {
    pc_ob_snap_t *s = ob_snapq_write_slot(&b->snaps);
    if (!s) {
        b->snaps_dropped++;
        return;
    }
    s->tsc = now;
    s->n_bids = (uint32_t)pc_ob_depth(b->ob, PC_OB_BUY, s->bids, (size_t)b->cfg.levels);
    s->n_asks = (uint32_t)pc_ob_depth(b->ob, PC_OB_SELL, s->asks, (size_t)b->cfg.levels);
    s->last_price = b->last_price;
    s->has_last = b->has_last;
    uint64_t n = b->recent_n < PC_OB_SNAP_TRADES ? b->recent_n : PC_OB_SNAP_TRADES;
    for (uint64_t i = 0; i < n; i++)
        s->trades[i] = b->recent[(b->recent_n - n + i) & (PC_OB_SNAP_TRADES - 1)];
    s->n_trades = (uint32_t)n;
    s->trades_since = b->since_trades;
    s->volume_since = b->since_volume;
    b->recent_n = b->since_trades = b->since_volume = 0;
    ob_snapq_publish(&b->snaps);
    b->snaps_taken++;
}

/* Nanoseconds between two tick counts; 0 if the counter went backwards. */
static inline uint64_t ticks_ns(uint64_t from, uint64_t to) {
    return (int64_t)(to - from) > 0 ? pc_tsc_to_ns(to - from) : 0;
}

static void *engine_main(void *arg) {
    pc_ob_bench_t *b = arg;
    pc_chist_t *match = b->cfg.match, *e2e = b->cfg.e2e;
    uint64_t period = pc_tsc_from_ns((uint64_t)(1e9 / b->cfg.fps));
    if (!period) period = 1;
    int go = wait_gate(b, 1);
    uint64_t next_snap = pc_tsc_now() + period;
    uint64_t processed = 0;
    int done_seen = 0;
    unsigned spins = 0;
    while (go) {
        size_t n = ob_orderq_pop_n(&b->ring, b->eng_buf, PC_OB_BATCH);
        if (!n) {
            if (done_seen) break; /* empty after the generator's last publication: drained */
            done_seen = atomic_load_explicit(&b->gen_done, memory_order_acquire);
            uint64_t now = pc_tsc_now();
            if ((int64_t)(now - next_snap) >= 0) {
                snapshot(b, now);
                next_snap = now + period;
            }
            if (!done_seen) pc_spin_wait(&spins);
            continue;
        }
        spins = 0;
        uint64_t t1 = 0;
        int saturated = b->eng_buf[0].stamp == 0; /* a batch never mixes stages */
        for (size_t i = 0; i < n; i++) {
            const pc_ob_order_t *o = &b->eng_buf[i];
            if (o->type != PC_OB_CANCEL) { /* new orders carry ids 1, 2, 3, ...: catches loss */
                if (o->id != b->expect_id) b->seq_errors++;
                b->expect_id = o->id + 1;
            }
            if (saturated) {
                uint64_t t0 = pc_tsc_now();
                pc_ob_submit(b->ob, o);
                t1 = pc_tsc_now();
                pc_chist_record(match, ticks_ns(t0, t1));
            } else {
                pc_ob_submit(b->ob, o);
                t1 = pc_tsc_now();
                pc_chist_record(e2e, ticks_ns(o->stamp, t1));
            }
        }
        processed += n;
        if (saturated) {
            b->sat_processed += n;
            b->last_sat_tsc = t1;
            b->sat_hash = b->hash;
            b->sat_trades = b->trades;
        } else {
            b->last_paced_tsc = t1;
        }
        /* release: whoever sees this count also sees the hashes and totals above */
        atomic_store_explicit(&b->trades_pub, b->trades, memory_order_relaxed);
        atomic_store_explicit(&b->processed, processed, memory_order_release);
        if ((int64_t)(t1 - next_snap) >= 0) {
            snapshot(b, t1);
            next_snap = t1 + period;
        }
    }
    if (go) snapshot(b, pc_tsc_now()); /* the final book */
    return NULL;
}

/* ---- session ---- */

int pc_ob_bench_start(const pc_ob_bench_config_t *cfg, pc_ob_bench_t **out) {
    *out = NULL;
    size_t cap = cfg->capacity;
    if (cap < 2 || cap > PC_SPSC_MAX_CAPACITY || (cap & (cap - 1)) || cfg->orders < 1 ||
        cfg->levels < 1 || cfg->levels > PC_OB_SNAP_LEVELS || !(cfg->fps > 0) ||
        (cfg->paced_orders && !(cfg->rate > 0)) || !cfg->match || !cfg->e2e)
        return PC_EINVAL;
    pc_tsc_init();
    size_t size = (sizeof(pc_ob_bench_t) + PC_CACHE_LINE - 1) / PC_CACHE_LINE * PC_CACHE_LINE;
    pc_ob_bench_t *b = aligned_alloc(PC_CACHE_LINE, size);
    if (!b) return PC_ENOMEM;
    memset(b, 0, sizeof *b); /* also faults the staging buffers in */
    b->cfg = *cfg;
    b->finished = 1; /* nothing to join until threads exist */
    b->hash = b->sat_hash = PC_OB_HASH_SEED;
    b->expect_id = 1;
    pthread_mutex_init(&b->gate_lock, NULL);
    pthread_cond_init(&b->gate_cond, NULL);

    pc_ob_config_t book;
    pc_ob_suite_book_config(cfg->orders + cfg->paced_orders + 1, &book);
    book.on_trade = on_trade;
    book.ud = b;
    pc_ob_gen_config_t gen;
    pc_ob_suite_gen_config(cfg->seed, &gen);
    int r;
    if ((r = pc_ob_create(&book, &b->ob)) || (r = pc_ob_gen_init(&b->gen, &gen)) ||
        (r = ob_orderq_init(&b->ring, cap)) || (r = ob_snapq_init(&b->snaps, SNAP_RING)))
        goto fail;

    int cpus[2] = {-1, -1};
    b->pinned = cfg->pin && pc_worker_pick_cpus(cpus) == 2;
    if (!b->pinned) cpus[0] = cpus[1] = -1;
    if (pc_worker_spawn(&b->engine, engine_main, b, cpus[1], &b->pinned) != 0) {
        r = PC_ENOMEM;
        goto fail;
    }
    b->finished = 0;
    b->n_threads = 1;
    if (pc_worker_spawn(&b->generator, generator_main, b, cpus[0], &b->pinned) != 0) {
        atomic_store(&b->gen_done, 1); /* the engine finds nothing sent and exits */
        pc_ob_bench_go(b, 1);
        pthread_join(b->engine, NULL);
        b->finished = 1;
        r = PC_ENOMEM;
        goto fail;
    }
    b->n_threads = 2;
    *out = b;
    return 0;
fail:
    pc_ob_bench_destroy(b);
    return r;
}

void pc_ob_bench_go(pc_ob_bench_t *b, int stage) {
    pthread_mutex_lock(&b->gate_lock);
    if (stage > b->gate && stage <= 2) {
        b->go_tsc[stage] = pc_tsc_now();
        b->gate = stage;
    }
    pthread_cond_broadcast(&b->gate_cond);
    pthread_mutex_unlock(&b->gate_lock);
}

void pc_ob_bench_end_stage(pc_ob_bench_t *b) {
    pthread_mutex_lock(&b->gate_lock);
    int stage = b->gate;
    pthread_mutex_unlock(&b->gate_lock);
    atomic_store(&b->end_stage, stage);
}

uint64_t pc_ob_bench_processed(const pc_ob_bench_t *b) {
    return atomic_load_explicit(&((pc_ob_bench_t *)b)->processed, memory_order_acquire);
}

uint64_t pc_ob_bench_trades(const pc_ob_bench_t *b) {
    return atomic_load_explicit(&((pc_ob_bench_t *)b)->trades_pub, memory_order_relaxed);
}

int pc_ob_bench_stage_done(const pc_ob_bench_t *b, int stage) {
    pc_ob_bench_t *w = (pc_ob_bench_t *)b;
    if (stage < 1 || stage > 2 || !atomic_load_explicit(&w->stage_sent[stage], memory_order_acquire)) return 0;
    uint64_t through = atomic_load_explicit(&w->sent[1], memory_order_relaxed);
    if (stage == 2) through += atomic_load_explicit(&w->sent[2], memory_order_relaxed);
    return pc_ob_bench_processed(b) >= through;
}

int pc_ob_bench_pop_snap(pc_ob_bench_t *b, pc_ob_snap_t *out) { return ob_snapq_pop(&b->snaps, out) == 0; }

void pc_ob_bench_finish(pc_ob_bench_t *b, pc_ob_bench_result_t *res) {
    if (!b->finished) {
        atomic_store(&b->stop_all, 1);
        pthread_mutex_lock(&b->gate_lock);
        pthread_cond_broadcast(&b->gate_cond);
        pthread_mutex_unlock(&b->gate_lock);
        pthread_join(b->generator, NULL);
        pthread_join(b->engine, NULL);
        b->finished = 1;
    }
    if (!res) return;
    memset(res, 0, sizeof *res);
    res->sat_sent = atomic_load(&b->sent[1]);
    res->paced_sent = atomic_load(&b->sent[2]);
    res->processed = atomic_load(&b->processed);
    res->sat_processed = b->sat_processed;
    res->sat_trades = b->sat_trades;
    res->trades = b->trades;
    res->sat_hash = b->sat_hash;
    res->hash = b->hash;
    uint64_t sent = res->sat_sent + res->paced_sent;
    res->seq_errors = b->seq_errors + (sent > res->processed ? sent - res->processed : res->processed - sent);
    if (b->last_sat_tsc && b->go_tsc[1])
        res->sat_seconds = (double)(b->last_sat_tsc - b->go_tsc[1]) / (pc_tsc_ghz() * 1e9);
    if (b->last_paced_tsc && b->go_tsc[2])
        res->paced_seconds = (double)(b->last_paced_tsc - b->go_tsc[2]) / (pc_tsc_ghz() * 1e9);
    res->snaps = b->snaps_taken;
    res->snaps_dropped = b->snaps_dropped;
    res->pinned = b->pinned;
    res->stats = *pc_ob_stats(b->ob);
}

const pc_ob_t *pc_ob_bench_book(const pc_ob_bench_t *b) { return b->ob; }

void pc_ob_bench_destroy(pc_ob_bench_t *b) {
    if (!b) return;
    pc_ob_bench_finish(b, NULL);
    pc_ob_destroy(b->ob);
    pc_ob_gen_free(&b->gen);
    ob_orderq_destroy(&b->ring);
    ob_snapq_destroy(&b->snaps);
    pthread_mutex_destroy(&b->gate_lock);
    pthread_cond_destroy(&b->gate_cond);
    free(b);
}

/* ---- engine only ---- */

typedef struct replay_sink {
    uint64_t trades, hash;
} replay_sink_t;

static void replay_trade(void *ud, const pc_ob_trade_t *t) {
    replay_sink_t *s = ud;
    s->trades++;
    s->hash = pc_ob_trade_hash(s->hash, t);
}

#define REPLAY_CHUNK 65536 /* orders generated ahead of each timed loop: 2 MiB, cache-warm */

int pc_ob_replay(uint64_t seed, uint64_t orders, uint64_t *ns, uint64_t *trades, uint64_t *hash) {
    if (orders < 1) return PC_EINVAL;
    pc_tsc_init();
    replay_sink_t sink = {.hash = PC_OB_HASH_SEED};
    pc_ob_config_t book;
    pc_ob_suite_book_config(orders + 1, &book);
    book.on_trade = replay_trade;
    book.ud = &sink;
    pc_ob_gen_config_t gcfg;
    pc_ob_suite_gen_config(seed, &gcfg);
    pc_ob_t *ob = NULL;
    pc_ob_gen_t gen;
    memset(&gen, 0, sizeof gen);
    size_t bytes = REPLAY_CHUNK * sizeof(pc_ob_order_t);
    pc_ob_order_t *buf = pc_spsc_map(bytes);
    int r = buf ? 0 : PC_ENOMEM;
    if (!r) r = pc_ob_create(&book, &ob);
    if (!r) r = pc_ob_gen_init(&gen, &gcfg);
    uint64_t ticks = 0;
    for (uint64_t done = 0; !r && done < orders;) {
        size_t k = orders - done < REPLAY_CHUNK ? (size_t)(orders - done) : REPLAY_CHUNK;
        for (size_t i = 0; i < k; i++) pc_ob_gen_next(&gen, &buf[i]);
        uint64_t t0 = pc_tsc_now_ordered();
        for (size_t i = 0; i < k; i++) pc_ob_submit(ob, &buf[i]);
        ticks += pc_tsc_now_ordered() - t0;
        done += k;
    }
    if (!r) {
        *ns = pc_tsc_to_ns(ticks);
        *trades = sink.trades;
        *hash = sink.hash;
    }
    pc_ob_gen_free(&gen);
    pc_ob_destroy(ob);
    pc_spsc_unmap(buf, bytes);
    return r;
}
