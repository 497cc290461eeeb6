/* cmd_check.c — CI gates on result files:
 *
 *   perfcast check RESULT --thresholds FILE   targets vs measured; exit 1 when any is violated
 *   perfcast compare BASE NEW [--threshold X] per-metric change with a rank-test verdict; exit 1
 *                                             on a significant regression beyond X percent
 *
 * Both exit 0 when all is well and 2 when they cannot judge (usage error, unreadable result
 * or thresholds file, nothing to compare), so a CI step fails either way but says why. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"
#include "cli.h"
#include "model.h"
#include "stats.h"

#define MAX_RESULT_BYTES (1024u << 20)

/* Loads a result file into a new model (caller destroys it). Returns 0 or PC_E* with err. */
static int load_result(const char *path, pc_model_t **out, pc_errbuf_t *err) {
    uint8_t *buf;
    size_t len;
    *out = NULL;
    int r = pc_cli_read_file(path, MAX_RESULT_BYTES, &buf, &len, err);
    if (r) return r;
    pc_model_t *m = pc_model_create();
    if (!m) {
        free(buf);
        return pc_errf(err, PC_ENOMEM, "out of memory");
    }
    r = pc_model_load(m, buf, len, path, NULL, err);
    free(buf);
    if (r) {
        pc_model_destroy(m);
        return r;
    }
    if (!m->summary) {
        pc_model_destroy(m);
        return pc_errf(err, PC_EFORMAT, "%s: no summary record (the run did not finish)", path);
    }
    *out = m;
    return 0;
}

/* ---- check ---- */

static const char check_usage[] =
    "usage: perfcast check RESULT --thresholds FILE\n"
    "\n"
    "Compares a result's summary with targets and prints target vs measured. Thresholds are a\n"
    "JSON object; keys left out take these defaults:\n"
    "  min_ticks_per_s      100000   ticks per second (summary ticks_per_s)\n"
    "  max_mean_latency_us  10       mean tick latency in microseconds (tick_mean_ns)\n"
    "  max_peak_memory_mb   500      peak resident memory in MB (peak_rss_mb)\n"
    "  max_cpu_percent      50       average CPU, percent of one core (avg_cpu_percent)\n"
    "Exit status: 0 all met, 1 any violated (or not measured), 2 bad thresholds file or result.\n";

typedef struct threshold {
    const char *key;     /* in the thresholds file */
    const char *label;
    const char *metric;  /* summary key */
    double scale;        /* measured = summary value * scale, in the threshold's unit */
    int is_min;          /* 1: measured must be >= target */
    double def;
    const char *unit;
} threshold_t;

static const threshold_t THRESHOLDS[] = {
    {"min_ticks_per_s", "throughput", "ticks_per_s", 1, 1, 100000, "ticks/s"},
    {"max_mean_latency_us", "mean tick latency", "tick_mean_ns", 1e-3, 0, 10, "us"},
    {"max_peak_memory_mb", "peak memory (RSS)", "peak_rss_mb", 1, 0, 500, "MB"},
    {"max_cpu_percent", "CPU (of one core)", "avg_cpu_percent", 1, 0, 50, "%"},
};
#define N_THRESHOLDS (sizeof THRESHOLDS / sizeof THRESHOLDS[0])

static void fmt_val(char *b, size_t n, double v) {
    double a = fabs(v);
    if (!isfinite(v)) snprintf(b, n, "-");
    else if (a >= 1e6) snprintf(b, n, "%.2f M", v / 1e6);
    else if (a >= 1e4) snprintf(b, n, "%.1f k", v / 1e3);
    else if (a >= 100 || v == floor(v)) snprintf(b, n, "%.0f", v);
    else if (a >= 1) snprintf(b, n, "%.2f", v);
    else snprintf(b, n, "%.3g", v);
}

int pc_cmd_check(int argc, char **argv) {
    static const struct option opts[] = {
        {"thresholds", required_argument, 0, 't'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *tpath = NULL;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
        switch (c) {
        case 't': tpath = optarg; break;
        case 'h': fputs(check_usage, stdout); return 0;
        default: return pc_cli_usage_error("check", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) return pc_cli_usage_error("check", "expected one RESULT file");
    if (!tpath) return pc_cli_usage_error("check", "--thresholds FILE is required");
    const char *rpath = argv[optind];

    /* thresholds first: a bad file is exit 2 whatever the result says */
    pc_errbuf_t err = {{0}};
    uint8_t *tbuf;
    size_t tlen;
    if (pc_cli_read_file(tpath, 1 << 20, &tbuf, &tlen, &err) != 0) {
        fprintf(stderr, "perfcast check: %s\n", err.msg);
        return 2;
    }
    cJSON *tj = cJSON_ParseWithLength((const char *)tbuf, tlen);
    free(tbuf);
    if (!cJSON_IsObject(tj)) {
        fprintf(stderr, "perfcast check: %s: not a JSON object of thresholds\n", tpath);
        cJSON_Delete(tj);
        return 2;
    }
    double target[N_THRESHOLDS];
    int from_file[N_THRESHOLDS];
    for (size_t i = 0; i < N_THRESHOLDS; i++) {
        target[i] = THRESHOLDS[i].def;
        from_file[i] = 0;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, tj) {
        size_t i = 0;
        while (i < N_THRESHOLDS && strcmp(it->string, THRESHOLDS[i].key) != 0) i++;
        if (i == N_THRESHOLDS) {
            fprintf(stderr, "perfcast check: %s: unknown threshold \"%s\" (known: min_ticks_per_s, "
                            "max_mean_latency_us, max_peak_memory_mb, max_cpu_percent)\n", tpath, it->string);
            cJSON_Delete(tj);
            return 2;
        }
        if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble) || it->valuedouble < 0) {
            fprintf(stderr, "perfcast check: %s: \"%s\" must be a non-negative number\n", tpath, it->string);
            cJSON_Delete(tj);
            return 2;
        }
        target[i] = it->valuedouble;
        from_file[i] = 1;
    }
    cJSON_Delete(tj);

    pc_model_t *m;
    if (load_result(rpath, &m, &err) != 0) {
        fprintf(stderr, "perfcast check: %s\n", err.msg);
        return 2;
    }
    printf("check %s (%s) against %s\n\n", rpath, m->suite, tpath);
    printf("  %-20s %16s %16s   %s\n", "metric", "target", "measured", "result");
    int violated = 0;
    for (size_t i = 0; i < N_THRESHOLDS; i++) {
        const threshold_t *t = &THRESHOLDS[i];
        double v = pc_model_summary_num(m, t->metric, NAN) * t->scale;
        char tb[48], vb[48], tgt[64], meas[64];
        fmt_val(tb, sizeof tb, target[i]);
        fmt_val(vb, sizeof vb, v);
        snprintf(tgt, sizeof tgt, "%s %s %s%s", t->is_min ? ">=" : "<=", tb, t->unit, from_file[i] ? "" : "*");
        snprintf(meas, sizeof meas, isfinite(v) ? "%s %s" : "not measured", vb, t->unit);
        int ok = isfinite(v) && (t->is_min ? v >= target[i] : v <= target[i]);
        violated += !ok;
        printf("  %-20s %16s %16s   %s\n", t->label, tgt, meas, ok ? "ok" : "VIOLATED");
    }
    printf("\n  * default target (not in the thresholds file)\n");
    if (violated) printf("%d of %zu thresholds violated\n", violated, N_THRESHOLDS);
    else printf("all %zu thresholds met\n", N_THRESHOLDS);
    pc_model_destroy(m);
    return violated ? 1 : 0;
}

/* ---- compare ---- */

static const char compare_usage[] =
    "usage: perfcast compare BASE NEW [--threshold PERCENT] [--alpha A]\n"
    "\n"
    "Compares two results of the same suite metric by metric. Metrics recorded once per\n"
    "repetition (run with --set repeat=N, N >= 4 for a test to be able to reach p < 0.05) get a\n"
    "two-sided Mann-Whitney U test and a 95% bootstrap interval of the change of the median;\n"
    "a change is a regression when it is significant (p < alpha, default 0.05) and worse than\n"
    "--threshold percent (default 5) in the metric's bad direction. Single-value metrics are\n"
    "shown for information only.\n"
    "Exit status: 0 no significant regression, 1 a significant regression beyond the threshold,\n"
    "2 usage error, unreadable files, or no repeated samples in either file.\n";

typedef struct cmp_metric {
    const char *key, *samples, *label;
    int higher_is_better;
} cmp_metric_t;

static const cmp_metric_t METRICS[] = {
    {"ticks_per_s", "ticks_per_s_samples", "ticks/s (profiled)", 1},
    {"ticks_per_s_unprofiled", "ticks_per_s_unprofiled_samples", "ticks/s (unprofiled)", 1},
    {"tick_mean_ns", "tick_mean_ns_samples", "mean tick latency ns", 0},
    {"tick_p99_ns", "tick_p99_ns_samples", "p99 tick latency ns", 0},
    {"profiling_overhead_ns", NULL, "profiling overhead ns", 0},
    {"peak_rss_mb", NULL, "peak RSS MB", 0},
    {"avg_cpu_percent", NULL, "CPU % of one core", 0},
};

/* The numbers of summary array `key` (at most cap); returns how many. */
static size_t samples_of(const pc_model_t *m, const char *key, double *out, size_t cap) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(m->summary, key), *v;
    size_t n = 0;
    cJSON_ArrayForEach(v, a) {
        if (n < cap && cJSON_IsNumber(v) && isfinite(v->valuedouble)) out[n++] = v->valuedouble;
    }
    return n;
}

int pc_cmd_compare(int argc, char **argv) {
    static const struct option opts[] = {{"threshold", required_argument, 0, 't'},
                                         {"alpha", required_argument, 0, 'a'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    double threshold = 5, alpha = 0.05;
    int c;
    char *end;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "t:a:h", opts, NULL)) != -1) {
        switch (c) {
        case 't':
            threshold = strtod(optarg, &end);
            if (*end == '%') end++;
            if (end == optarg || *end || !(threshold >= 0 && threshold < 1000))
                return pc_cli_usage_error("compare", "--threshold wants a percentage like 5 or 2.5, got '%s'", optarg);
            break;
        case 'a':
            alpha = strtod(optarg, &end);
            if (end == optarg || *end || !(alpha > 0 && alpha < 1))
                return pc_cli_usage_error("compare", "--alpha wants a number in (0, 1), got '%s'", optarg);
            break;
        case 'h': fputs(compare_usage, stdout); return 0;
        default: return pc_cli_usage_error("compare", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 2) return pc_cli_usage_error("compare", "expected BASE and NEW result files");
    pc_model_t *base = NULL, *neu = NULL;
    pc_errbuf_t err = {{0}};
    if (load_result(argv[optind], &base, &err) != 0 || load_result(argv[optind + 1], &neu, &err) != 0) {
        fprintf(stderr, "perfcast compare: %s\n", err.msg);
        pc_model_destroy(base);
        return 2;
    }
    if (strcmp(base->suite, neu->suite) != 0) {
        fprintf(stderr, "perfcast compare: %s is a %s run and %s a %s run\n", argv[optind], base->suite,
                argv[optind + 1], neu->suite);
        pc_model_destroy(base);
        pc_model_destroy(neu);
        return 2;
    }
    printf("compare %s (base) -> %s (new): regression = p < %g and worse by more than %g%%\n\n", argv[optind],
           argv[optind + 1], alpha, threshold);
    printf("  %-24s %12s %12s %9s  %-19s %8s  %s\n", "metric", "base", "new", "change", "95% CI of change", "p",
           "verdict");
    int regressions = 0, tested = 0;
    size_t min_n = SIZE_MAX;
    for (size_t i = 0; i < sizeof METRICS / sizeof METRICS[0]; i++) {
        const cmp_metric_t *mt = &METRICS[i];
        double a[256], b[256];
        size_t na = mt->samples ? samples_of(base, mt->samples, a, 256) : 0;
        size_t nb = mt->samples ? samples_of(neu, mt->samples, b, 256) : 0;
        double va = na ? pc_stats_median(a, na) : pc_model_summary_num(base, mt->key, NAN);
        double vb = nb ? pc_stats_median(b, nb) : pc_model_summary_num(neu, mt->key, NAN);
        if (!isfinite(va) && !isfinite(vb)) continue;
        char sa[32], sb[32], ch[32] = "-", ci[48] = "-", ps[32] = "-";
        fmt_val(sa, sizeof sa, va);
        fmt_val(sb, sizeof sb, vb);
        double change = isfinite(va) && isfinite(vb) && va != 0 ? (vb / va - 1) * 100 : NAN;
        if (isfinite(change)) snprintf(ch, sizeof ch, "%+.2f%%", change);
        const char *verdict;
        if (na >= 2 && nb >= 2) {
            tested++;
            if (na < min_n) min_n = na;
            if (nb < min_n) min_n = nb;
            double p = pc_stats_mann_whitney(a, na, b, nb, NULL), lo, hi;
            snprintf(ps, sizeof ps, "%.4f", p);
            if (pc_stats_bootstrap_ratio(a, na, b, nb, 0.95, 2000, &lo, &hi) == 0)
                snprintf(ci, sizeof ci, "[%+.2f%%, %+.2f%%]", lo * 100, hi * 100);
            double worse = mt->higher_is_better ? -change : change; /* > 0: in the bad direction */
            if (p < alpha && worse > threshold) {
                verdict = "REGRESSION";
                regressions++;
            } else if (p < alpha && worse < -threshold) {
                verdict = "improvement";
            } else if (p < alpha) {
                verdict = "significant, within threshold";
            } else {
                verdict = "no significant change";
            }
        } else {
            verdict = mt->samples ? "too few samples to test" : "one value each: not tested";
        }
        printf("  %-24s %12s %12s %9s  %-19s %8s  %s\n", mt->label, sa, sb, ch, ci, ps, verdict);
    }
    if (!tested) {
        fprintf(stderr, "perfcast compare: no per-repetition samples in both files (run with --set repeat=5)\n");
        pc_model_destroy(base);
        pc_model_destroy(neu);
        return 2;
    }
    double pmin = pc_stats_min_p(min_n, min_n);
    if (pmin >= alpha)
        printf("\n  note: with %zu samples a side no change can reach p < %g (the smallest p is %.3f): "
               "use more repetitions\n", min_n, alpha, pmin);
    printf("\n%s\n", regressions ? "significant regression" : "no significant regression");
    pc_model_destroy(base);
    pc_model_destroy(neu);
    return regressions ? 1 : 0;
}
