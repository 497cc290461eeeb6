/* bt_ticks.c — tick generator and CSV tick files (see bt_ticks.h). */
#include "bt_ticks.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- generator ---- */

static uint64_t splitmix(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The standard normal quantile at p in (0, 1), by bisection on erfc (setup only). */
static double normal_quantile(double p) {
    double lo = -10, hi = 10;
    for (int i = 0; i < 80; i++) {
        double mid = (lo + hi) / 2;
        if (0.5 * erfc(-mid / sqrt(2.0)) < p) lo = mid;
        else hi = mid;
    }
    return (lo + hi) / 2;
}

void pc_bt_gen_init(pc_bt_gen_t *g, uint64_t seed, double start_price, double sigma) {
    memset(g, 0, sizeof *g);
    g->rng = seed ^ 0x6a09e667f3bcc909ull;
    g->mid = start_price > 0 ? start_price : 100.0;
    g->ts_ns = 1700000000000000000ull; /* an epoch timestamp, so files look like real feeds */
    /* exact GBM steps for equally likely quantiles: drift -sigma^2/2 keeps the mean price flat */
    for (int i = 0; i < 4096; i++)
        g->mult[i] = exp(sigma * normal_quantile((i + 0.5) / 4096.0) - sigma * sigma / 2);
}

void pc_bt_gen_fill(pc_bt_gen_t *g, pc_bt_msg_t *out, size_t n) {
    const double tick = 0.01; /* the quoted price grid */
    for (size_t i = 0; i < n; i++) {
        uint64_t r = splitmix(&g->rng);
        g->mid *= g->mult[r >> 52];
        if (g->mid < 1.0) g->mid = 1.0; /* a floor keeps prices positive over very long runs */
        int spread = 1 + (int)((r >> 8) & 3) % 3;           /* 1..3 price ticks */
        double bid = floor(g->mid / tick - spread / 2.0) * tick;
        g->ts_ns += 200000 + ((r >> 12) & 0xfffff);         /* ~0.2 .. 1.25 ms apart */
        out[i].ts_ns = g->ts_ns;
        out[i].bid = (int64_t)llround(bid * PC_BT_PRICE_SCALE);
        out[i].ask = out[i].bid + (int64_t)spread * (int64_t)llround(tick * PC_BT_PRICE_SCALE);
        out[i].bid_size = 100u * (1u + (uint32_t)((r >> 32) & 15));
        out[i].ask_size = 100u * (1u + (uint32_t)((r >> 40) & 15));
    }
}

/* ---- CSV ---- */

static const char *const COLUMNS[5] = {"ts_ns", "bid", "ask", "bid_size", "ask_size"};

typedef struct field {
    const char *p;
    size_t n;
} field_t;

/* An unsigned integer filling the whole field; 0 or -1. */
static int parse_u64(field_t f, uint64_t *out) {
    if (f.n == 0) return -1;
    uint64_t v = 0;
    for (size_t i = 0; i < f.n; i++) {
        if (f.p[i] < '0' || f.p[i] > '9') return -1;
        unsigned d = (unsigned)(f.p[i] - '0');
        if (v > (UINT64_MAX - d) / 10) return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

/* A non-negative decimal with at most 4 decimals, in PC_BT_PRICE_SCALE units; 0, -1 (not a
 * number) or -2 (too many decimals). */
static int parse_price(field_t f, int64_t *out) {
    int64_t v = 0;
    size_t i = 0;
    int digits = 0, dec = -1;
    for (; i < f.n; i++) {
        char ch = f.p[i];
        if (ch == '.' && dec < 0) {
            dec = 0;
            continue;
        }
        if (ch < '0' || ch > '9') return -1;
        if (dec >= 0 && ++dec > 4) return -2;
        if (v > 100000000000000ll) return -1; /* 1e10 in currency: not a price */
        v = v * 10 + (ch - '0');
        digits++;
    }
    if (!digits) return -1;
    for (int k = dec < 0 ? 0 : dec; k < 4; k++) v *= 10;
    *out = v;
    return 0;
}

static int field_is(field_t f, const char *name) {
    size_t n = strlen(name);
    if (f.n != n) return 0;
    for (size_t i = 0; i < n; i++) {
        char a = f.p[i];
        if (a >= 'A' && a <= 'Z') a = (char)(a - 'A' + 'a');
        if (a != name[i]) return 0;
    }
    return 1;
}

/* Splits one line (without its newline) into up to 6 fields, trimming spaces; returns the
 * number of fields (6 means "more than 5"). */
static int split(const char *p, size_t n, field_t *f) {
    int k = 0;
    size_t start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && p[i] != ',') continue;
        if (k == 6) return 6;
        size_t a = start, b = i;
        while (a < b && (p[a] == ' ' || p[a] == '\t')) a++;
        while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t')) b--;
        f[k].p = p + a;
        f[k].n = b - a;
        k++;
        start = i + 1;
    }
    return k;
}

int pc_bt_csv_parse(const char *text, size_t len, const char *name, pc_bt_msg_t **out, size_t *n,
                    pc_errbuf_t *err) {
    *out = NULL;
    *n = 0;
    size_t cap = 0, cnt = 0;
    pc_bt_msg_t *v = NULL;
    uint64_t line_no = 0, last_ts = 0;
    int rc = 0;
    for (size_t pos = 0; pos < len;) {
        size_t end = pos;
        while (end < len && text[end] != '\n') end++;
        size_t next = end < len ? end + 1 : end;
        line_no++;
        size_t ln = end - pos;
        if (ln && text[pos + ln - 1] == '\r') ln--;
        const char *p = text + pos;
        pos = next;
        size_t k = 0;
        while (k < ln && (p[k] == ' ' || p[k] == '\t')) k++;
        if (k == ln || p[k] == '#') continue; /* blank or comment: not a tick */
        field_t f[6];
        int nf = split(p, ln, f);
        if (line_no == 1 || (cnt == 0 && (p[k] < '0' || p[k] > '9'))) {
            int header = nf == 5;
            for (int i = 0; header && i < 5; i++) header = field_is(f[i], COLUMNS[i]);
            if (header) continue;
            if (p[k] < '0' || p[k] > '9') {
                rc = pc_errf(err, PC_EFORMAT, "%s:%llu: not a tick and not the header \"ts_ns,bid,ask,bid_size,ask_size\"",
                             name, (unsigned long long)line_no);
                goto fail;
            }
        }
        if (nf != 5) {
            rc = pc_errf(err, PC_EFORMAT, "%s:%llu: expected 5 columns (ts_ns,bid,ask,bid_size,ask_size), found %s%d",
                         name, (unsigned long long)line_no, nf > 5 ? "more than " : "", nf > 5 ? 5 : nf);
            goto fail;
        }
        pc_bt_msg_t m;
        uint64_t ts, bs = 0, as = 0;
        if (parse_u64(f[0], &ts) != 0) {
            rc = pc_errf(err, PC_EFORMAT, "%s:%llu: ts_ns \"%.*s\" is not a non-negative integer (nanoseconds)", name,
                         (unsigned long long)line_no, (int)(f[0].n > 40 ? 40 : f[0].n), f[0].p);
            goto fail;
        }
        for (int c = 1; c <= 2; c++) {
            int64_t px;
            int r = parse_price(f[c], &px);
            if (r != 0) {
                rc = pc_errf(err, PC_EFORMAT, "%s:%llu: %s \"%.*s\" is not a price%s", name, (unsigned long long)line_no,
                             COLUMNS[c], (int)(f[c].n > 40 ? 40 : f[c].n), f[c].p,
                             r == -2 ? " with at most 4 decimals" : "");
                goto fail;
            }
            if (c == 1) m.bid = px;
            else m.ask = px;
        }
        for (int c = 3; c <= 4; c++) {
            uint64_t sz;
            if (parse_u64(f[c], &sz) != 0 || sz == 0 || sz > UINT32_MAX) {
                rc = pc_errf(err, PC_EFORMAT, "%s:%llu: %s \"%.*s\" is not a positive integer size", name,
                             (unsigned long long)line_no, COLUMNS[c], (int)(f[c].n > 40 ? 40 : f[c].n), f[c].p);
                goto fail;
            }
            if (c == 3) bs = sz;
            else as = sz;
        }
        if (m.bid <= 0) {
            rc = pc_errf(err, PC_EFORMAT, "%s:%llu: bid %.*s is not positive", name, (unsigned long long)line_no,
                         (int)f[1].n, f[1].p);
            goto fail;
        }
        if (m.ask <= m.bid) {
            rc = pc_errf(err, PC_EFORMAT, "%s:%llu: ask %.*s is not above bid %.*s", name, (unsigned long long)line_no,
                         (int)f[2].n, f[2].p, (int)f[1].n, f[1].p);
            goto fail;
        }
        if (cnt && ts < last_ts) {
            rc = pc_errf(err, PC_EFORMAT, "%s:%llu: ts_ns %llu is earlier than the previous tick's %llu", name,
                         (unsigned long long)line_no, (unsigned long long)ts, (unsigned long long)last_ts);
            goto fail;
        }
        if (cnt == PC_BT_MAX_FILE_TICKS) {
            rc = pc_errf(err, PC_ELIMIT, "%s:%llu: more than %u ticks", name, (unsigned long long)line_no,
                         PC_BT_MAX_FILE_TICKS);
            goto fail;
        }
        m.ts_ns = last_ts = ts;
        m.bid_size = (uint32_t)bs;
        m.ask_size = (uint32_t)as;
        if (cnt == cap) {
            size_t ncap = cap ? cap * 2 : 1024;
            pc_bt_msg_t *nv = realloc(v, ncap * sizeof *nv);
            if (!nv) {
                rc = pc_errf(err, PC_ENOMEM, "%s: out of memory at line %llu", name, (unsigned long long)line_no);
                goto fail;
            }
            v = nv;
            cap = ncap;
        }
        v[cnt++] = m;
    }
    if (!cnt) {
        rc = pc_errf(err, PC_EFORMAT, "%s: no ticks (expected lines of ts_ns,bid,ask,bid_size,ask_size)", name);
        goto fail;
    }
    *out = v;
    *n = cnt;
    return 0;
fail:
    free(v);
    return rc;
}

int pc_bt_csv_load(const char *path, pc_bt_msg_t **out, size_t *n, pc_errbuf_t *err) {
    *out = NULL;
    *n = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return pc_errf(err, PC_EIO, "%s: %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    int rc = 0;
    while (buf) {
        if (len == cap) {
            if (cap >= ((size_t)PC_BT_MAX_FILE_TICKS) * 128) {
                rc = pc_errf(err, PC_ELIMIT, "%s: too large for a tick file", path);
                break;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (!rc && !buf) rc = pc_errf(err, PC_ENOMEM, "%s: out of memory", path);
    if (!rc && bad) rc = pc_errf(err, PC_EIO, "%s: read error", path);
    if (!rc) rc = pc_bt_csv_parse(buf, len, path, out, n, err);
    free(buf);
    return rc;
}
