/* model.h — the result model: what a run's records add up to.
 *
 * Live (records arriving over the WebSocket), replay and render all build this same model
 * by applying records in order; views draw from it. Memory grows only when records
 * arrive (bounded per series: PC_MODEL_MAX_WINDOWS), never while drawing. The struct is
 * public so views can read it directly; only model.c writes it. */
#ifndef PC_MODEL_H
#define PC_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "cJSON.h"
#include "hist.h"
#include "pc_error.h"
#include "record.h"

#define PC_MODEL_MAX_SERIES 64 /* a tracker run on a 16-core host has ~40: timers, metrics, resources, cores */
#define PC_MODEL_MAX_WINDOWS (1u << 20) /* per series; later windows are counted, not kept */
#define PC_MODEL_MAX_EVENTS 256
#define PC_MODEL_MAX_STEP_BUCKETS (4u << 20) /* per series: bucket deltas kept for replaying */
#define PC_BOOK_MAX_LEVELS 32
#define PC_BOOK_MAX_TRADES 32
#define PC_MODEL_MAX_BOOK_FRAMES 36000 /* 20 minutes at 30 fps; later frames are counted */
/* Mesh frames (PC_REC_MESH) are kept as their compact payloads up to this many bytes; past
 * it every other kept frame is dropped and from then on only every 2nd (4th, ...) arriving
 * frame is kept, so a long run stays bounded and still spans its whole length. */
#define PC_MODEL_MAX_MESH_BYTES (96u << 20)
/* Image frames (PC_REC_FRAME, RGB) are kept up to this many pixel bytes; later ones are counted. */
#define PC_MODEL_MAX_IMG_BYTES (64u << 20)
#define PC_MODEL_MAX_ALERTS 256 /* alert records kept; later ones are counted */

/* One throughput window: `count` items in the `dt` seconds that ended at `t`. */
typedef struct pc_window {
    double t;     /* end of the window, seconds since run start */
    double dt;    /* window length, seconds */
    double count; /* items processed in the window */
    double rate;  /* count / dt, items per second */
} pc_window_t;

/* One hist record's delta, kept so a view can rebuild the histogram as it was at time t:
 * buckets [first, first + n) of the series' step_buckets. */
typedef struct pc_hist_step {
    double t;
    uint32_t first, n;
} pc_hist_step_t;

typedef struct pc_bucket_count {
    uint32_t idx;
    uint64_t count;
} pc_bucket_count_t;

/* One scalar sample of a metric series (CPU %, RSS, a frame's time ...). */
typedef struct pc_sample {
    double t;
    double value;
} pc_sample_t;

/* A named series (e.g. "spsc", "mutex"): a latency histogram, a throughput timeline and/or
 * scalar samples — whichever records name it. */
typedef struct pc_series {
    char name[32];
    char label[64];      /* human label from the header's "series" list, else the name */
    char unit[16];       /* unit of histogram values, "ns" unless the header says otherwise */
    pc_hist_t *hist;     /* allocated on the first hist record; test has_hist before use */
    int has_hist;        /* the histogram holds at least one sample */
    pc_window_t *windows;
    size_t n_windows, cap_windows;
    uint64_t dropped_windows; /* windows past PC_MODEL_MAX_WINDOWS */
    pc_sample_t *samples;     /* metric records' values for this series, in time order */
    size_t n_samples, cap_samples;
    uint64_t dropped_samples; /* samples past PC_MODEL_MAX_WINDOWS */
    pc_hist_step_t *steps;    /* every hist delta in arrival order (for pc_model_hist_at) */
    size_t n_steps, cap_steps;
    pc_bucket_count_t *step_buckets;
    size_t n_step_buckets, cap_step_buckets;
    int steps_truncated;      /* PC_MODEL_MAX_STEP_BUCKETS reached: later deltas not kept */
    /* From the latest baseline record naming this series (a tracker metric, or "timer:<name>"
     * whose baseline is the timer's mean in ns). */
    int has_baseline;
    double baseline;
    int lower_is_better;      /* 1 lower is better (times, memory), 0 higher (fps); -1 not said */
} pc_series_t;

/* Order-book snapshot: price levels best first, sizes in units, prices in currency. */
typedef struct pc_level {
    double price;
    double size;
} pc_level_t;

typedef struct pc_trade {
    double price;
    double size;
    int side; /* +1: buyer was the aggressor, -1: seller */
} pc_trade_t;

typedef struct pc_book_frame {
    double t, mid, spread, last_price;
    int n_bids, n_asks, n_trades;
    pc_level_t bids[PC_BOOK_MAX_LEVELS];
    pc_level_t asks[PC_BOOK_MAX_LEVELS];
    pc_trade_t trades[PC_BOOK_MAX_TRADES]; /* trades since the previous frame, oldest first */
} pc_book_frame_t;

typedef struct pc_event {
    double t;
    char text[64];
} pc_event_t;

/* One alert record: `metric` went worse than its baseline by more than `threshold` (active 1),
 * or came back within it (active 0). `change` is relative and positive when worse. */
typedef struct pc_alert {
    double t;
    char metric[40];
    double baseline, current, change, threshold;
    int lower_is_better;
    int active;
} pc_alert_t;

/* One kept mesh frame: its payload is bytes [off, off + len) of the model's mesh_bytes
 * (parse it with pc_model_mesh_get). */
typedef struct pc_mesh_frame {
    double t;
    uint32_t frame, n_vert, n_tri;
    size_t off, len;
} pc_mesh_frame_t;

/* One kept image frame (PC_REC_FRAME): w x h RGB bytes at the model's img_bytes + off. */
typedef struct pc_img_frame {
    double t;
    uint32_t frame;
    int w, h;
    size_t off;
} pc_img_frame_t;

typedef struct pc_model {
    cJSON *header;        /* the header record's JSON, NULL until it arrives */
    char suite[32];
    char run_id[64];
    pc_series_t series[PC_MODEL_MAX_SERIES];
    int n_series;
    pc_event_t events[PC_MODEL_MAX_EVENTS];
    int n_events;
    cJSON *summary;       /* the summary record's JSON, NULL until it arrives */
    double progress;      /* 0..1 from the last progress record */
    char phase[64];       /* phase name from the last progress record */
    double t_last;        /* largest "t" seen in any record, seconds since run start */
    int finished;         /* an end record arrived */
    char status[16];      /* "running" until the end record, then its status */
    char end_message[256];
    pc_book_frame_t *book; /* book records in order */
    size_t n_book, cap_book;
    uint64_t dropped_book; /* frames past PC_MODEL_MAX_BOOK_FRAMES */
    uint64_t n_records;   /* records applied */
    uint64_t version;     /* bumped on every applied record: redraw when it changes */
    pc_mesh_frame_t *mesh; /* kept mesh frames in arrival order */
    size_t n_mesh, cap_mesh;
    uint8_t *mesh_bytes;   /* their payloads, back to back */
    size_t mesh_len, mesh_cap;
    uint64_t mesh_seen;    /* mesh records applied (kept or not) */
    uint32_t mesh_stride;  /* 1, then 2, 4 ... once PC_MODEL_MAX_MESH_BYTES was reached */
    uint32_t mesh_max_vert; /* most vertices of any kept frame (for sizing render scratch) */
    uint64_t dropped_mesh; /* frames larger than PC_MODEL_MAX_MESH_BYTES on their own */
    pc_img_frame_t *img;   /* kept image frames in arrival order (fractal suite) */
    size_t n_img, cap_img;
    uint8_t *img_bytes;    /* their RGB pixels, back to back */
    size_t img_len, img_cap;
    uint64_t dropped_img;  /* frames past PC_MODEL_MAX_IMG_BYTES */
    cJSON *calls;          /* the latest calls record (cumulative timer call tree), NULL until one */
    pc_alert_t alerts[PC_MODEL_MAX_ALERTS]; /* alert records in arrival order */
    int n_alerts;
    uint64_t dropped_alerts; /* alert records past PC_MODEL_MAX_ALERTS */
    double baseline_t;     /* t of the latest baseline record; < 0 when none arrived */
    double alert_threshold; /* that record's regression threshold (0.2 = 20 % worse), 0 when none */
} pc_model_t;

/* Outcome of loading a whole file. */
typedef struct pc_load_info {
    uint64_t records;     /* records applied */
    size_t valid_bytes;   /* bytes of the file that were read cleanly */
    int truncated;        /* the file ends in a torn or corrupt record (crash mid-write) */
    char warning[256];    /* what was skipped, with its byte offset, when truncated */
} pc_load_info_t;

/* Allocates an empty model; NULL when out of memory. Free with pc_model_destroy(). */
pc_model_t *pc_model_create(void);
/* Frees a model and everything it owns; NULL is fine. */
void pc_model_destroy(pc_model_t *m);
/* Empties the model for a new run, keeping its allocations for reuse. */
void pc_model_reset(pc_model_t *m);

/* Applies one decoded record. Unknown kinds are skipped (0). Returns PC_EFORMAT with a
 * message naming the field when a known record's payload is malformed, PC_ENOMEM. */
int pc_model_apply(pc_model_t *m, const pc_record_t *rec, pc_errbuf_t *err);

/* Applies a buffer of whole records (a WebSocket binary message). Returns 0, or the first
 * error with the byte offset of the failing record in err; records before it stay applied. */
int pc_model_feed(pc_model_t *m, const uint8_t *buf, size_t len, pc_errbuf_t *err);

/* Loads a whole result file (header + records) into an empty model. A torn or corrupt tail
 * is not an error: loading stops there and info says so. Returns PC_EFORMAT (not a result
 * file, or a malformed record), PC_EVERSION, PC_ETRUNC (no complete header record) with a
 * message naming `name` and the byte offset. info may be NULL. */
int pc_model_load(pc_model_t *m, const uint8_t *buf, size_t len, const char *name,
                  pc_load_info_t *info, pc_errbuf_t *err);

/* The series with this name, or NULL. */
const pc_series_t *pc_model_series(const pc_model_t *m, const char *name);
/* Rebuilds series s's histogram as it stood at time t (every hist delta with t' <= t; t < 0
 * means all) into the caller's out. Bucket counts are exact; min/max are bucket bounds.
 * Returns 0, or PC_ETRUNC when deltas past PC_MODEL_MAX_STEP_BUCKETS were not kept. */
int pc_model_hist_at(const pc_series_t *s, double t, pc_hist_t *out);
/* The last book frame at or before t (t < 0: the last one), or NULL when there is none. */
const pc_book_frame_t *pc_model_book_at(const pc_model_t *m, double t);
/* The last kept mesh frame at or before t (t < 0: the last one), or NULL when there is none. */
const pc_mesh_frame_t *pc_model_mesh_at(const pc_model_t *m, double t);
/* The payload of a kept mesh frame, parsed (pointers into the model: valid until the next
 * applied record or reset). Returns 0, or PC_EINVAL for a frame not of this model. */
struct pc_meshrec;
int pc_model_mesh_get(const pc_model_t *m, const pc_mesh_frame_t *f, struct pc_meshrec *out);
/* The last kept image frame at or before t (t < 0: the last one), or NULL when there is none.
 * Its pixels: m->img_bytes + f->off, w * h * 3 bytes (RGB, rows top to bottom). */
const pc_img_frame_t *pc_model_img_at(const pc_model_t *m, double t);
/* Whether metric `name` is in regression at time t (t < 0: at the end): the latest alert for
 * it at or before t, or NULL when it has none or the latest says it recovered. */
const pc_alert_t *pc_model_alert_at(const pc_model_t *m, const char *name, double t);
/* Largest t of any record: the run's length so far, for scrubbing and animation. */
static inline double pc_model_duration(const pc_model_t *m) { return m->t_last; }
/* A number from the summary, or dflt when absent or not a number. */
double pc_model_summary_num(const pc_model_t *m, const char *key, double dflt);
/* A parameter from the header's "params", or dflt. */
double pc_model_param_num(const pc_model_t *m, const char *key, double dflt);
/* A string from the header (e.g. "started", "host"), or dflt. Valid while the model is. */
const char *pc_model_header_str(const pc_model_t *m, const char *key, const char *dflt);

#endif
