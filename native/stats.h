/* stats.h — small-sample statistics for comparing two sets of repeated measurements (what
 * `perfcast compare` decides with).
 *
 * Benchmark repetitions are few (3..30), noisy and not normal (a VM stall makes one run slow),
 * so the verdict comes from a rank test, not from a bare percentage: the Mann-Whitney U test
 * (two-sided; exact distribution when there are no ties and n1 + n2 <= 60, else the normal
 * approximation with tie correction). The size of a change is the ratio of the medians, with
 * a percentile-bootstrap confidence interval (fixed seed: the same inputs give the same
 * interval). Nothing here allocates beyond one scratch array per call. */
#ifndef PC_STATS_H
#define PC_STATS_H

#include <stddef.h>

/* Two-sided p-value of the Mann-Whitney U test for samples a (na) and b (nb), both >= 1;
 * *u receives U of a (may be NULL). Returns 1.0 when either sample is empty. */
double pc_stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb, double *u);

/* The smallest two-sided p-value the exact test can give for na vs nb samples without ties
 * (2 / C(na + nb, na)): below alpha, a difference can be significant at all. */
double pc_stats_min_p(size_t na, size_t nb);

/* Median of v (n >= 1), without modifying v. NAN when n == 0 or out of memory. */
double pc_stats_median(const double *v, size_t n);

/* Percentile-bootstrap confidence interval (level, e.g. 0.95) of median(b) / median(a) - 1,
 * from `rounds` resamples with a fixed seed. Returns 0, or -1 when a sample is empty, a
 * median is 0, or out of memory. */
int pc_stats_bootstrap_ratio(const double *a, size_t na, const double *b, size_t nb, double level, int rounds,
                             double *lo, double *hi);

#endif
