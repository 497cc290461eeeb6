/* mdf4.c — the mdf4 suite: how fast perfcast's MDF 4 library writes, parses and reads .mf4
 * files, with confidence intervals and the memory each operation needs.
 *
 * Per file size (`sizes`, default 1, 10, 100 MB; --quick 1, 2 MB), on a generated file of the chosen pattern (shared/mdf4/mdf4_gen.h):
 *   write        the records (generated in memory beforehand) streamed through the writer
 *                to a new file, page cache, no fsync      write_fsync  the same plus fsync
 *   parse        open: ID, HD, DG/CG/CN/CC/TX walk, data block list
 *   read         open + every channel's samples into memory (raw values, their own width)
 *   single       open + one channel (RPM / Pressure)      multi  open + four channels
 *   index_warm   every channel through an index already in memory (no block walk)
 *   index_cold   page cache evicted (fsync + POSIX_FADV_DONTNEED, checked with mincore),
 *                then load the saved index + read every channel
 * Each op: one warm-up, then `iterations` timed runs; MB/s of the file's bytes as mean,
 * 95% confidence interval (Student t), std, min, max. Peak memory is measured on the warm-up
 * (VmHWM reset through /proc/self/clear_refs before it, minus RSS before it), so it counts
 * the op's output buffers as they are first touched; the timed runs reuse them (first-touch
 * page faults cost ~11 µs per 4 KiB here and would otherwise dominate: see ENVIRONMENT).
 * Integrity: the full read is compared value by value with the generator (raw values exact,
 * converted ones by correlation with the unquantised signal), every other read with it. */
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mdf4/mdf4.h"
#include "mdf4/mdf4_gen.h"
#include "mf4_io.h"
#include "run.h"
#include "sampler.h"
#include "suite.h"

enum { OP_WRITE, OP_WRITE_FSYNC, OP_PARSE, OP_READ, OP_SINGLE, OP_MULTI, OP_INDEX_WARM, OP_INDEX_COLD, N_OPS };
static const char *const OP_NAMES[N_OPS] = {"write", "write_fsync", "parse", "read",
                                            "single", "multi", "index_warm", "index_cold"};
#define MAX_SIZES 8
#define MAX_ITER 100

typedef struct op_stats {
    int ran, n;
    double mean, std, ci95, min, max, duration, first_s;
    double peak_mb, mem_ratio;
} op_stats_t;

typedef struct mctx {
    pc_run_t *run;
    int iterations, cold, stopped;
    pc_mf4_pattern_t pattern;
    char dir[512], path[600], idx_path[600];
    /* the current size */
    double size_mb;
    uint64_t n;
    pc_mf4_gen_t gen;
    uint8_t *data; /* the records, generated once per size */
    uint64_t file_size;
    int chans[PC_MF4_GEN_MAX_CH], n_chans; /* every channel, in file order */
    int multi[4];
    void *full[PC_MF4_GEN_MAX_CH];          /* the full read's output, kept for comparisons */
    void *out[PC_MF4_GEN_MAX_CH];           /* the op's own output buffers */
    pc_mf4_file_t *warm;                    /* index_warm: opened from the index */
    int evict_ok, evict_tried;
    int integrity_ok;
    double min_corr;
    char fail[256];
    op_stats_t st[MAX_SIZES][N_OPS]; /* per size and operation */
} mctx_t;

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- memory ---- */

static long status_kb(const char *key) {
    FILE *f = fopen("/proc/self/status", "r");
    if (!f) return -1;
    char line[256];
    long v = -1;
    size_t kl = strlen(key);
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, kl)) {
            v = strtol(line + kl, NULL, 10);
            break;
        }
    fclose(f);
    return v;
}

/* Resets VmHWM to the current RSS; 1 when the kernel accepted it. */
static int reset_hwm(void) {
    int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    int ok = write(fd, "5", 1) == 1;
    close(fd);
    return ok;
}

/* ---- statistics ---- */

/* Two-sided 95% Student t quantile for df degrees of freedom. */
static double t95(int df) {
    static const double t[30] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                 2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                 2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    if (df < 1) return NAN;
    if (df <= 30) return t[df - 1];
    return df <= 60 ? 2.000 : df <= 120 ? 1.980 : 1.960;
}

static void stats_of(const double *v, int n, op_stats_t *s) {
    double sum = 0, mn = INFINITY, mx = 0;
    for (int i = 0; i < n; i++) {
        sum += v[i];
        if (v[i] < mn) mn = v[i];
        if (v[i] > mx) mx = v[i];
    }
    s->n = n;
    s->mean = n ? sum / n : 0;
    double ss = 0;
    for (int i = 0; i < n; i++) ss += (v[i] - s->mean) * (v[i] - s->mean);
    s->std = n > 1 ? sqrt(ss / (n - 1)) : 0;
    s->ci95 = n > 1 ? t95(n - 1) * s->std / sqrt((double)n) : 0;
    s->min = n ? mn : 0;
    s->max = mx;
}

/* ---- the operations ---- */

/* Reads a whole (small) file with read(2) into a malloc'ed buffer the caller frees. */
static int read_whole(const char *path, uint8_t **buf, size_t *len, pc_errbuf_t *err) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        if (fd >= 0) close(fd);
        return pc_errf(err, PC_EIO, "%s: cannot open", path);
    }
    *len = (size_t)st.st_size;
    *buf = malloc(*len + 1);
    size_t got = 0;
    while (*buf && got < *len) {
        ssize_t k = read(fd, *buf + got, *len - got);
        if (k <= 0) break;
        got += (size_t)k;
    }
    close(fd);
    if (!*buf || got != *len) {
        free(*buf);
        *buf = NULL;
        return pc_errf(err, PC_EIO, "%s: cannot read", path);
    }
    return 0;
}

static int do_write(mctx_t *c, int do_fsync) {
    pc_errbuf_t err;
    pc_mf4_fsink_t *s = pc_mf4_fsink_create(c->path, &err);
    if (!s) return pc_run_fail(c->run, PC_EIO, "%s", err.msg);
    pc_mf4_writer_opts_t o = {.start_ns = 1700000000ull * 1000000000ull, .comment = "perfcast mdf4 suite"};
    pc_mf4_writer_t *w = pc_mf4_writer_create(pc_mf4_fsink(s), &o);
    pc_mf4_gen_t g;
    int r = w ? pc_mf4_gen_setup(&g, w, c->pattern) : PC_ENOMEM;
    if (!r) r = pc_mf4_writer_append(w, g.group, c->data, (size_t)c->n);
    if (w) {
        int rc = r ? (pc_mf4_writer_abort(w), r) : pc_mf4_writer_close(w);
        if (!r) r = rc;
    }
    int rc = pc_mf4_fsink_close(s, do_fsync, &err);
    if (r) return pc_run_fail(c->run, r, "%s: writing failed (%s)", c->path, pc_strerror(r));
    if (rc) return pc_run_fail(c->run, rc, "%s", err.msg);
    return 0;
}

/* Opens the file (walk, or through the index file when idx) and reads chans into outs. */
static int do_read(mctx_t *c, const int *chans, int n, void **outs, int use_index) {
    pc_errbuf_t err;
    pc_mf4_fsrc_t fs;
    if (pc_mf4_fsrc_open(&fs, c->path, &err)) return pc_run_fail(c->run, PC_EIO, "%s", err.msg);
    pc_mf4_file_t *f = NULL;
    int r;
    if (use_index) {
        uint8_t *idx = NULL;
        size_t len = 0;
        r = read_whole(c->idx_path, &idx, &len, &err);
        if (!r) r = pc_mf4_open_indexed(&fs.src, pc_mf4_zlib(), idx, len, &f, &err);
        free(idx);
    } else {
        r = pc_mf4_open(&fs.src, pc_mf4_zlib(), &f, &err);
    }
    if (!r && n) r = pc_mf4_read(f, 0, chans, n, outs, 0, pc_mf4_group(f, 0)->n_records, &err);
    pc_mf4_close(f);
    pc_mf4_fsrc_close(&fs);
    return r ? pc_run_fail(c->run, r, "%s", err.msg) : 0;
}

/* Runs op once (the timed part only). */
static int op_once(mctx_t *c, int op) {
    switch (op) {
    case OP_WRITE: return do_write(c, 0);
    case OP_WRITE_FSYNC: return do_write(c, 1);
    case OP_PARSE: return do_read(c, NULL, 0, NULL, 0);
    case OP_READ: return do_read(c, c->chans, c->n_chans, c->out, 0);
    case OP_SINGLE: return do_read(c, &c->multi[0], 1, c->out, 0);
    case OP_MULTI: return do_read(c, c->multi, 4, c->out, 0);
    case OP_INDEX_COLD: return do_read(c, c->chans, c->n_chans, c->out, 1);
    case OP_INDEX_WARM: {
        pc_errbuf_t err;
        int r = pc_mf4_read(c->warm, 0, c->chans, c->n_chans, c->out, 0, c->n, &err);
        return r ? pc_run_fail(c->run, r, "%s", err.msg) : 0;
    }
    }
    return PC_EINVAL;
}

/* Channels an op fills (indices into c->chans order == file order), and how many. */
static int op_outputs(const mctx_t *c, int op, int *which) {
    switch (op) {
    case OP_READ: case OP_INDEX_WARM: case OP_INDEX_COLD:
        for (int i = 0; i < c->n_chans; i++) which[i] = i;
        return c->n_chans;
    case OP_SINGLE: which[0] = c->multi[0]; return 1;
    case OP_MULTI: for (int i = 0; i < 4; i++) which[i] = c->multi[i]; return 4;
    default: return 0;
    }
}

static size_t chan_size(const mctx_t *c, int k);

/* Allocates the op's output buffers untouched (their first touch is part of the warm-up).
 * out[k] is the buffer for the k-th channel the op reads. */
static int alloc_outputs(mctx_t *c, int op) {
    int which[PC_MF4_GEN_MAX_CH], n = op_outputs(c, op, which);
    for (int k = 0; k < n; k++) {
        c->out[k] = malloc((size_t)c->n * chan_size(c, which[k]) + 64);
        if (!c->out[k]) return pc_run_fail(c->run, PC_ENOMEM, "out of memory for %s's output", OP_NAMES[op]);
    }
    return 0;
}

static void free_outputs(mctx_t *c) {
    for (int k = 0; k < PC_MF4_GEN_MAX_CH; k++) {
        free(c->out[k]);
        c->out[k] = NULL;
    }
}

/* Channel k's raw value size in this pattern's file. */
static size_t chan_size(const mctx_t *c, int k) {
    const pc_mf4_chan_def_t *d = &c->gen.defs[k];
    if (d->data_type == PC_MF4_FLOAT_LE || d->data_type == PC_MF4_FLOAT_BE) return d->bit_count / 8;
    return d->bit_count <= 8 ? 1 : d->bit_count <= 16 ? 2 : d->bit_count <= 32 ? 4 : 8;
}

/* Compares the full read with the generator: raw values exactly, converted channels by the
 * correlation of their physical values with the unquantised signal. */
static void check_full(mctx_t *c, pc_mf4_file_t *f) {
    for (int k = 0; k < c->n_chans; k++) {
        const pc_mf4_channel_t *ch = pc_mf4_channel(f, k);
        uint64_t bad = 0;
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (uint64_t i = 0; i < c->n; i++) {
            double raw = pc_mf4_raw_at(ch->raw, c->full[k], (size_t)i);
            if (raw != pc_mf4_gen_raw(&c->gen, k, i)) bad++;
            if (c->gen.defs[k].cc_type != PC_MF4_CC_IDENTITY) {
                double y;
                pc_mf4_to_physical(ch, (const uint8_t *)c->full[k] + i * chan_size(c, k), 1, &y);
                double x = pc_mf4_gen_ideal(&c->gen, k, i);
                sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
            }
        }
        if (bad) {
            c->integrity_ok = 0;
            snprintf(c->fail, sizeof c->fail, "%.1f MB: channel %s: %" PRIu64 " values differ from what was written",
                     c->size_mb, ch->name, bad);
        }
        if (c->gen.defs[k].cc_type != PC_MF4_CC_IDENTITY && c->n > 2) {
            double nn = (double)c->n;
            double cov = sxy - sx * sy / nn, vx = sxx - sx * sx / nn, vy = syy - sy * sy / nn;
            double r = vx > 0 && vy > 0 ? cov / sqrt(vx * vy) : 1;
            if (r < c->min_corr) c->min_corr = r;
            if (r <= 0.999) {
                c->integrity_ok = 0;
                snprintf(c->fail, sizeof c->fail, "%.1f MB: channel %s: physical values correlate %.6f with the signal",
                         c->size_mb, ch->name, r);
            }
        }
    }
}

/* The op's output equals the full read's (same channels). */
static void check_same(mctx_t *c, int op) {
    int which[PC_MF4_GEN_MAX_CH], n = op_outputs(c, op, which);
    for (int k = 0; k < n; k++)
        if (memcmp(c->out[k], c->full[which[k]], (size_t)c->n * chan_size(c, which[k])) != 0) {
            c->integrity_ok = 0;
            snprintf(c->fail, sizeof c->fail, "%.1f MB: %s returned other values than the full read for %s", c->size_mb,
                     OP_NAMES[op], c->gen.defs[which[k]].name);
        }
}

static int emit_metric(mctx_t *c, int op, double mbs) {
    cJSON *o = cJSON_CreateObject();
    if (!o) return PC_ENOMEM;
    cJSON_AddNumberToObject(o, "t", pc_run_elapsed(c->run));
    cJSON *v = cJSON_AddObjectToObject(o, "values");
    cJSON_AddNumberToObject(v, OP_NAMES[op], mbs);
    int r;
    PC_SAMPLER_EMIT_FINAL(r = pc_run_emit_json(c->run, PC_REC_METRIC, o));
    cJSON_Delete(o);
    return r == PC_ENOMEM ? r : 0;
}

/* Warm-up (memory measured), then the timed iterations. */
static int run_op(mctx_t *c, int op, op_stats_t *st, double frac0, double frac1) {
    char phase[64];
    snprintf(phase, sizeof phase, "%s %g MB", OP_NAMES[op], c->size_mb);
    pc_run_progress(c->run, frac0, phase);
    int r = alloc_outputs(c, op);
    if (r) return r;
    int which[PC_MF4_GEN_MAX_CH];
    if (op == OP_READ) /* the full read's buffers stay for the comparisons of later ops */
        for (int k = 0; k < c->n_chans; k++) c->full[k] = c->out[k];
    if (op == OP_WRITE || op == OP_WRITE_FSYNC) unlink(c->path);
    if (op == OP_INDEX_COLD) {
        int e1 = pc_mf4_evict(c->path), e2 = pc_mf4_evict(c->idx_path);
        c->evict_tried = 1;
        if (e1 != 1 || e2 != 1) c->evict_ok = 0;
    }
    long rss0 = status_kb("VmRSS:");
    int hwm_ok = reset_hwm();
    double t0 = now_s();
    r = op_once(c, op);
    st->first_s = now_s() - t0;
    long hwm = hwm_ok ? status_kb("VmHWM:") : status_kb("VmRSS:");
    if (r) goto out;
    st->peak_mb = hwm > rss0 && rss0 > 0 ? (double)(hwm - rss0) * 1024 / 1e6 : 0;
    st->mem_ratio = st->peak_mb * 1e6 / (double)c->file_size;
    if (op == OP_READ) {
        pc_errbuf_t err;
        pc_mf4_fsrc_t fs;
        pc_mf4_file_t *f = NULL;
        if (pc_mf4_fsrc_open(&fs, c->path, &err) == 0 && pc_mf4_open(&fs.src, NULL, &f, &err) == 0) check_full(c, f);
        pc_mf4_close(f);
        pc_mf4_fsrc_close(&fs);
    } else if (op_outputs(c, op, which)) {
        check_same(c, op);
    }
    double v[MAX_ITER];
    int n = 0;
    double dur0 = now_s();
    for (int i = 0; i < c->iterations && !pc_run_should_stop(c->run); i++) {
        if (op == OP_WRITE || op == OP_WRITE_FSYNC) unlink(c->path);
        if (op == OP_INDEX_COLD) {
            int e1 = pc_mf4_evict(c->path), e2 = pc_mf4_evict(c->idx_path);
            if (e1 != 1 || e2 != 1) c->evict_ok = 0;
        }
        t0 = now_s();
        r = op_once(c, op);
        double dt = now_s() - t0;
        if (r) goto out;
        if (op == OP_WRITE || op == OP_WRITE_FSYNC) {
            struct stat sb;
            if (stat(c->path, &sb) == 0) c->file_size = (uint64_t)sb.st_size;
        }
        v[n] = (double)c->file_size / 1e6 / (dt > 1e-9 ? dt : 1e-9);
        r = emit_metric(c, op, v[n]);
        if (r) goto out;
        n++;
        pc_run_progress(c->run, frac0 + (frac1 - frac0) * (i + 1) / c->iterations, phase);
    }
    st->duration = now_s() - dur0;
    stats_of(v, n, st);
    st->ran = n > 0;
    if (pc_run_should_stop(c->run)) c->stopped = 1;
out:
    if (op != OP_READ) free_outputs(c);
    else
        for (int k = 0; k < c->n_chans; k++) c->out[k] = NULL;
    return r;
}

/* ---- one size ---- */

static int run_size(mctx_t *c, double size_mb, op_stats_t *st, double frac0, double frac1) {
    c->size_mb = size_mb;
    pc_mf4_gen_layout(&c->gen, c->pattern);
    c->n = (uint64_t)(size_mb * 1e6 / c->gen.record_size);
    if (c->n < 1) c->n = 1;
    c->n_chans = c->gen.n;
    for (int k = 0; k < c->n_chans; k++) c->chans[k] = k;
    /* single: the first converted integer channel; multi: it and the next three */
    for (int k = 0; k < 4; k++) c->multi[k] = 1 + k;
    char ev[64];
    snprintf(ev, sizeof ev, "%g MB file", size_mb);
    pc_run_event(c->run, ev);
    pc_run_progress(c->run, frac0, "generating records");
    c->data = malloc((size_t)c->n * c->gen.record_size);
    if (!c->data) return pc_run_fail(c->run, PC_ENOMEM, "out of memory for %g MB of records", size_mb);
    pc_mf4_gen_fill(&c->gen, 0, (size_t)c->n, c->data);
    int r = 0;
    double span = (frac1 - frac0) / N_OPS;
    for (int op = 0; op < N_OPS && !r && !c->stopped; op++) {
        if (op == OP_INDEX_COLD && !c->cold) continue;
        if (op == OP_PARSE) {
            /* the file exists now: save its index for the index ops */
            pc_errbuf_t err;
            pc_mf4_fsrc_t fs;
            pc_mf4_file_t *f = NULL;
            uint8_t *idx = NULL;
            size_t len = 0;
            r = pc_mf4_fsrc_open(&fs, c->path, &err);
            if (!r) {
                r = pc_mf4_open(&fs.src, NULL, &f, &err);
                if (!r) r = pc_mf4_index_save(f, &idx, &len);
                if (!r) r = pc_mf4_write_file(c->idx_path, idx, len, &err);
                free(idx);
                pc_mf4_close(f);
                pc_mf4_fsrc_close(&fs);
            }
            if (r) {
                r = pc_run_fail(c->run, r, "%s", err.msg);
                break;
            }
        }
        pc_mf4_fsrc_t wfs;
        if (op == OP_INDEX_WARM) {
            pc_errbuf_t err;
            uint8_t *idx = NULL;
            size_t len = 0;
            r = pc_mf4_fsrc_open(&wfs, c->path, &err);
            if (!r) r = read_whole(c->idx_path, &idx, &len, &err);
            if (!r) r = pc_mf4_open_indexed(&wfs.src, NULL, idx, len, &c->warm, &err);
            free(idx);
            if (r) {
                r = pc_run_fail(c->run, r, "%s", err.msg);
                break;
            }
        }
        r = run_op(c, op, &st[op], frac0 + span * op, frac0 + span * (op + 1));
        if (op == OP_INDEX_WARM) {
            pc_mf4_close(c->warm);
            c->warm = NULL;
            pc_mf4_fsrc_close(&wfs);
        }
    }
    free(c->data);
    c->data = NULL;
    for (int k = 0; k < PC_MF4_GEN_MAX_CH; k++) {
        free(c->full[k]);
        c->full[k] = NULL;
    }
    unlink(c->path);
    unlink(c->idx_path);
    return r;
}

/* ---- the suite ---- */

/* The file sizes of a run: the `sizes` list ("1,10,100"), or when it is empty every decade
 * 1, 10, 100 ... below `max_size_mb` and that size. Returns the count, or PC_EINVAL with err. */
static int sizes_of(const cJSON *params, double *out, pc_errbuf_t *err) {
    const char *list = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(params, "sizes"));
    int n = 0;
    if (list && list[0]) {
        const char *p = list;
        while (*p) {
            char *end;
            double v = strtod(p, &end);
            if (end == p || !(v >= 0.01 && v <= 10000))
                return pc_errf(err, PC_EINVAL, "parameter sizes: \"%s\": sizes are MB in [0.01, 10000], comma-separated",
                               list);
            if (n == MAX_SIZES) return pc_errf(err, PC_EINVAL, "parameter sizes: at most %d sizes", MAX_SIZES);
            for (int i = 0; i < n; i++)
                if (out[i] == v) return pc_errf(err, PC_EINVAL, "parameter sizes: %g appears twice", v);
            out[n++] = v;
            p = end;
            if (*p == ',') p++;
            else if (*p) return pc_errf(err, PC_EINVAL, "parameter sizes: unexpected '%c' in \"%s\"", *p, list);
        }
        return n;
    }
    double max_mb = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(params, "max_size_mb"));
    for (double s = 1; s < max_mb * 0.999 && n < MAX_SIZES - 1; s *= 10) out[n++] = s;
    out[n++] = max_mb;
    return n;
}

static int mdf4_check(const cJSON *params, pc_errbuf_t *err) {
    double sizes[MAX_SIZES];
    int n = sizes_of(params, sizes, err);
    return n < 0 ? n : 0;
}

static void size_key(char *buf, size_t cap, const char *what, double mb) {
    char num[32];
    snprintf(num, sizeof num, "%g", mb);
    for (char *p = num; *p; p++)
        if (*p == '.') *p = '_';
    snprintf(buf, cap, "%s_%smb", what, num);
}

static double r2(double v) { return floor(v * 100 + 0.5) / 100; }

static int mdf4_run(pc_run_t *run) {
    mctx_t *c = calloc(1, sizeof *c);
    if (!c) return pc_run_fail(run, PC_ENOMEM, "out of memory");
    c->run = run;
    c->iterations = (int)pc_run_param_int(run, "iterations");
    c->cold = pc_run_param_int(run, "cold") != 0;
    c->pattern = pc_run_param_int(run, "pattern") == 1 ? PC_MF4_PAT_INDUSTRIAL : PC_MF4_PAT_AUTOMOTIVE;
    c->integrity_ok = 1;
    c->evict_ok = 1;
    c->min_corr = 1;
    const char *base = getenv("PERFCAST_MDF4_DIR");
    snprintf(c->dir, sizeof c->dir, "%s/perfcast-mdf4-XXXXXX", base && base[0] ? base : "/tmp");
    if (!mkdtemp(c->dir)) {
        int r = pc_run_fail(run, PC_EIO, "cannot create a work directory %s (set PERFCAST_MDF4_DIR)", c->dir);
        free(c);
        return r;
    }
    snprintf(c->path, sizeof c->path, "%s/bench.mf4", c->dir);
    snprintf(c->idx_path, sizeof c->idx_path, "%s/bench.mf4.idx", c->dir);
    double sizes[MAX_SIZES];
    pc_errbuf_t perr;
    int n_sizes = sizes_of(pc_run_params(run), sizes, &perr);
    if (n_sizes < 0) {
        rmdir(c->dir);
        free(c);
        return pc_run_fail(run, PC_EINVAL, "%s", perr.msg);
    }
    op_stats_t (*st)[N_OPS] = c->st; /* zeroed by calloc */
    int r = 0, done = 0;
    /* time grows with size: weight progress by it */
    double total = 0, acc = 0;
    for (int i = 0; i < n_sizes; i++) total += sizes[i] + 1;
    for (int i = 0; i < n_sizes && !r && !c->stopped; i++) {
        r = run_size(c, sizes[i], st[i], acc / total, (acc + sizes[i] + 1) / total);
        acc += sizes[i] + 1;
        if (!r) done = i + 1;
    }
    rmdir(c->dir);
    pc_run_event(run, c->stopped ? "stopped" : "done");

    cJSON *sum = cJSON_CreateObject();
    cJSON *res = cJSON_CreateArray();
    char key[64];
    for (int i = 0; i < done || (i < n_sizes && c->stopped && i <= done); i++) {
        for (int op = 0; op < N_OPS; op++) {
            const op_stats_t *s = &st[i][op];
            if (!s->ran) continue;
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "op", OP_NAMES[op]);
            cJSON_AddNumberToObject(o, "size_mb", sizes[i]);
            cJSON_AddNumberToObject(o, "mb_s", r2(s->mean));
            cJSON_AddNumberToObject(o, "ci95", r2(s->ci95));
            cJSON_AddNumberToObject(o, "std", r2(s->std));
            cJSON_AddNumberToObject(o, "min", r2(s->min));
            cJSON_AddNumberToObject(o, "max", r2(s->max));
            cJSON_AddNumberToObject(o, "n", s->n);
            cJSON_AddNumberToObject(o, "duration_s", floor(s->duration * 1e4 + 0.5) / 1e4);
            cJSON_AddNumberToObject(o, "first_run_s", floor(s->first_s * 1e4 + 0.5) / 1e4);
            cJSON_AddNumberToObject(o, "peak_mem_mb", r2(s->peak_mb));
            cJSON_AddNumberToObject(o, "mem_ratio", floor(s->mem_ratio * 1e3 + 0.5) / 1e3);
            cJSON_AddItemToArray(res, o);
        }
        static const struct { int op; const char *key; } keys[] = {
            {OP_READ, "read_mb_s"}, {OP_WRITE, "write_mb_s"}, {OP_WRITE_FSYNC, "write_fsync_mb_s"},
            {OP_PARSE, "parse_mb_s"}, {OP_SINGLE, "single_channel_mb_s"}, {OP_MULTI, "multi_channel_mb_s"},
            {OP_INDEX_COLD, "index_cold_mb_s"}, {OP_INDEX_WARM, "index_warm_mb_s"},
        };
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            if (!st[i][keys[k].op].ran) continue;
            size_key(key, sizeof key, keys[k].key, sizes[i]);
            cJSON_AddNumberToObject(sum, key, r2(st[i][keys[k].op].mean));
        }
        if (st[i][OP_READ].ran) {
            size_key(key, sizeof key, "peak_mem_ratio", sizes[i]);
            cJSON_AddNumberToObject(sum, key, floor(st[i][OP_READ].mem_ratio * 1e3 + 0.5) / 1e3);
        }
        if (st[i][OP_SINGLE].ran) {
            size_key(key, sizeof key, "single_channel_mem_ratio", sizes[i]);
            cJSON_AddNumberToObject(sum, key, floor(st[i][OP_SINGLE].mem_ratio * 1e3 + 0.5) / 1e3);
        }
    }
    cJSON_AddBoolToObject(sum, "integrity_ok", c->integrity_ok);
    cJSON_AddNumberToObject(sum, "converted_min_correlation", floor(c->min_corr * 1e6) / 1e6);
    if (c->evict_tried) cJSON_AddBoolToObject(sum, "cold_cache_evicted", c->evict_ok);
    cJSON_AddStringToObject(sum, "pattern", pc_mf4_pattern_name(c->pattern));
    cJSON_AddNumberToObject(sum, "iterations", c->iterations);
    cJSON_AddStringToObject(sum, "write_note", "write: page cache, no fsync; write_fsync: with fsync");
    cJSON_AddItemToObject(sum, "results", res);
    pc_run_set_summary(run, sum);
    if (!r && !c->integrity_ok) r = pc_run_fail(run, PC_ECORRUPT, "integrity: %s", c->fail);
    free(c);
    return r;
}

static const pc_param_def_t mdf4_params[] = {
    {"sizes", PC_PARAM_STRING, 0, 0, 0, 200, "MB",
     "file sizes in MB (10^6 bytes), comma-separated, e.g. 1,10,100; empty: every decade up to max_size_mb"},
    {"max_size_mb", PC_PARAM_DOUBLE, 100, 2, 0.01, 10000, "MB",
     "with sizes empty: the largest file; every decade 1, 10, 100 ... below it runs too"},
    {"iterations", PC_PARAM_INT, 5, 3, 2, MAX_ITER, "runs", "timed runs per operation after one warm-up"},
    {"pattern", PC_PARAM_INT, 0, 0, 0, 1, "", "signals: 0 automotive (RPM, Speed, Gear ...), 1 industrial (Pressure, Flow, Vibration ...)"},
    {"cold", PC_PARAM_BOOL, 1, 1, 0, 1, "", "run the cold index read (page cache evicted before each run)"},
};

static const char *const mdf4_summary_keys[] = {
    "read_mb_s_1mb", "read_mb_s_10mb", "read_mb_s_100mb", "write_mb_s_100mb", "single_channel_mb_s_100mb",
    "index_cold_mb_s_100mb", "index_warm_mb_s_100mb", "peak_mem_ratio_100mb", "integrity_ok", NULL,
};

static const char *const mdf4_views[] = {"mdf4-throughput", "mdf4-memory", "summary", NULL};

static const pc_series_def_t mdf4_series[] = {
    {"write", "write (page cache)", "MB/s"},   {"write_fsync", "write + fsync", "MB/s"},
    {"parse", "parse", "MB/s"},                {"read", "full read", "MB/s"},
    {"single", "single channel", "MB/s"},      {"multi", "four channels", "MB/s"},
    {"index_warm", "index, warm", "MB/s"},     {"index_cold", "index, cold", "MB/s"},
};

const pc_suite_t pc_suite_mdf4 = {
    .name = "mdf4",
    .description = "MDF 4 (.mf4) files with perfcast's own library: write, parse, full / single / multi-channel "
                   "read, warm and cold index read at 1, 10, 100 MB; MB/s with 95% confidence intervals, peak "
                   "memory / file size, value-by-value integrity",
    .params = mdf4_params,
    .n_params = sizeof mdf4_params / sizeof mdf4_params[0],
    .summary_keys = mdf4_summary_keys,
    .views = mdf4_views,
    .series = mdf4_series,
    .n_series = sizeof mdf4_series / sizeof mdf4_series[0],
    .check = mdf4_check,
    .run = mdf4_run,
};
