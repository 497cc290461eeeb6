/* stats.c — Mann-Whitney U and a bootstrap interval for `perfcast compare` (see stats.h). */
#include "stats.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

double pc_stats_median(const double *v, size_t n) {
    if (!n) return NAN;
    double *s = malloc(n * sizeof *s);
    if (!s) return NAN;
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp_double);
    double m = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    free(s);
    return m;
}

double pc_stats_min_p(size_t na, size_t nb) {
    /* C(na + nb, na) as a double: fine for the sizes benchmarks have */
    double c = 1;
    for (size_t i = 1; i <= na; i++) c = c * (double)(nb + i) / (double)i;
    double p = 2 / c;
    return p > 1 ? 1 : p;
}

/* Number of ways to get each U for sizes m, n (no ties): the classic recurrence
 * f(u; m, n) = f(u - n; m - 1, n) + f(u; m, n - 1), computed as a table over n. Returns the
 * probability P(U <= u). */
static double exact_cdf(size_t m, size_t n, double u) {
    size_t maxu = m * n;
    /* dp[j][k]: counts for sizes (i, j), rolling over i */
    size_t w = maxu + 1;
    double *prev = calloc((n + 1) * w, sizeof *prev), *cur = calloc((n + 1) * w, sizeof *cur);
    if (!prev || !cur) {
        free(prev);
        free(cur);
        return NAN;
    }
    for (size_t j = 0; j <= n; j++) prev[j * w + 0] = 1; /* i = 0: U = 0 one way */
    for (size_t i = 1; i <= m; i++) {
        memset(cur, 0, (n + 1) * w * sizeof *cur);
        cur[0] = 1; /* j = 0 */
        for (size_t j = 1; j <= n; j++)
            for (size_t k = 0; k <= i * j; k++) {
                double v = cur[(j - 1) * w + k];                   /* the largest value is from b */
                if (k >= j) v += prev[j * w + (k - j)];            /* the largest value is from a */
                cur[j * w + k] = v;
            }
        double *t = prev;
        prev = cur;
        cur = t;
    }
    double total = 0, below = 0;
    for (size_t k = 0; k <= maxu; k++) {
        total += prev[n * w + k];
        if ((double)k <= u + 1e-9) below += prev[n * w + k];
    }
    free(prev);
    free(cur);
    return below / total;
}

double pc_stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb, double *u_out) {
    if (!na || !nb) {
        if (u_out) *u_out = NAN;
        return 1.0;
    }
    size_t n = na + nb;
    typedef struct {
        double v;
        int from_a;
    } item_t;
    item_t *it = malloc(n * sizeof *it);
    double *rank = malloc(n * sizeof *rank);
    if (!it || !rank) {
        free(it);
        free(rank);
        return NAN;
    }
    for (size_t i = 0; i < na; i++) it[i] = (item_t){a[i], 1};
    for (size_t i = 0; i < nb; i++) it[na + i] = (item_t){b[i], 0};
    /* insertion sort by value: n is small */
    for (size_t i = 1; i < n; i++) {
        item_t x = it[i];
        size_t j = i;
        while (j > 0 && it[j - 1].v > x.v) {
            it[j] = it[j - 1];
            j--;
        }
        it[j] = x;
    }
    double tie_term = 0;
    int ties = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j + 1 < n && it[j + 1].v == it[i].v) j++;
        double r = (double)(i + j) / 2 + 1; /* mid-rank */
        for (size_t k = i; k <= j; k++) rank[k] = r;
        double t = (double)(j - i + 1);
        if (t > 1) {
            ties = 1;
            tie_term += t * t * t - t;
        }
        i = j + 1;
    }
    double ra = 0;
    for (size_t i = 0; i < n; i++)
        if (it[i].from_a) ra += rank[i];
    free(it);
    free(rank);
    double u = ra - (double)na * (double)(na + 1) / 2;
    if (u_out) *u_out = u;
    double mean = (double)na * (double)nb / 2;
    double p;
    if (!ties && n <= 60) {
        double lo = u < mean ? u : (double)na * (double)nb - u; /* the smaller tail, by symmetry */
        p = 2 * exact_cdf(na, nb, lo);
    } else {
        double var = (double)na * (double)nb / 12 * (((double)n + 1) - tie_term / ((double)n * ((double)n - 1)));
        if (var <= 0) return 1.0;
        double z = (fabs(u - mean) - 0.5) / sqrt(var); /* continuity correction */
        if (z < 0) z = 0;
        p = erfc(z / sqrt(2.0));
    }
    return p > 1 ? 1 : p;
}

static uint64_t next_rand(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

int pc_stats_bootstrap_ratio(const double *a, size_t na, const double *b, size_t nb, double level, int rounds,
                             double *lo, double *hi) {
    if (!na || !nb || rounds < 10) return -1;
    double *ra = malloc(na * sizeof *ra), *rb = malloc(nb * sizeof *rb), *out = malloc((size_t)rounds * sizeof *out);
    if (!ra || !rb || !out) {
        free(ra);
        free(rb);
        free(out);
        return -1;
    }
    uint64_t seed = 0x5eed;
    int n = 0;
    for (int r = 0; r < rounds; r++) {
        for (size_t i = 0; i < na; i++) ra[i] = a[next_rand(&seed) % na];
        for (size_t i = 0; i < nb; i++) rb[i] = b[next_rand(&seed) % nb];
        double ma = pc_stats_median(ra, na), mb = pc_stats_median(rb, nb);
        if (ma != 0 && isfinite(ma) && isfinite(mb)) out[n++] = mb / ma - 1;
    }
    free(ra);
    free(rb);
    if (n < 10) {
        free(out);
        return -1;
    }
    qsort(out, (size_t)n, sizeof *out, cmp_double);
    double tail = (1 - level) / 2;
    size_t il = (size_t)floor(tail * (n - 1)), ih = (size_t)ceil((1 - tail) * (n - 1));
    *lo = out[il];
    *hi = out[ih];
    free(out);
    return 0;
}
