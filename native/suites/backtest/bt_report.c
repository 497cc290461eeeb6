/* bt_report.c — the printed report of a backtest run, in the shape backtest profilers print:
 * total time, ticks/s, mean/median/min/max, percentiles, per-stage breakdown, CPU, memory,
 * then the backtest's own results. Built from the summary only, so `perfcast run` can print
 * it for any finished run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cJSON.h"

char *pc_bt_report(const cJSON *summary);

static double num(const cJSON *s, const char *k) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, k);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void fmt_ns(char *b, size_t n, double ns) {
    if (!isfinite(ns)) snprintf(b, n, "-");
    else if (ns >= 1e9) snprintf(b, n, "%.2f s", ns / 1e9);
    else if (ns >= 1e6) snprintf(b, n, "%.2f ms", ns / 1e6);
    else if (ns >= 1e3) snprintf(b, n, "%.2f us", ns / 1e3);
    else snprintf(b, n, "%.0f ns", ns);
}

static void fmt_rate(char *b, size_t n, double v) {
    if (!isfinite(v)) snprintf(b, n, "-");
    else if (v >= 1e6) snprintf(b, n, "%.2f M", v / 1e6);
    else if (v >= 1e3) snprintf(b, n, "%.1f k", v / 1e3);
    else snprintf(b, n, "%.0f", v);
}

char *pc_bt_report(const cJSON *s) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    char a[32], b[32], c[32], d[32], e[32];
    const char *input = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s, "input"));
    fprintf(f, "\nbacktest report — %.0f ticks (%s), %.0f run%s\n", num(s, "ticks"), input ? input : "generated",
            num(s, "repeat"), num(s, "repeat") == 1 ? "" : "s, medians across runs");
    fmt_ns(a, sizeof a, num(s, "total_s") * 1e9);
    fprintf(f, "  total time          %s per run (engine, profiled)\n", a);
    fmt_rate(a, sizeof a, num(s, "ticks_per_s"));
    fmt_rate(b, sizeof b, num(s, "ticks_per_s_unprofiled"));
    fmt_ns(c, sizeof c, num(s, "profiling_overhead_ns"));
    fprintf(f, "  throughput          %s ticks/s profiled", a);
    if (isfinite(num(s, "ticks_per_s_unprofiled")))
        fprintf(f, "   %s ticks/s unprofiled   overhead %.1f ns/tick", b, num(s, "profiling_overhead_ns"));
    fprintf(f, "\n");
    fmt_ns(a, sizeof a, num(s, "tick_mean_ns"));
    fmt_ns(b, sizeof b, num(s, "tick_p50_ns"));
    fmt_ns(c, sizeof c, num(s, "tick_min_ns"));
    fmt_ns(d, sizeof d, num(s, "tick_max_ns"));
    fprintf(f, "  tick latency        mean %s   median %s   min %s   max %s\n", a, b, c, d);
    fmt_ns(a, sizeof a, num(s, "tick_p90_ns"));
    fmt_ns(b, sizeof b, num(s, "tick_p95_ns"));
    fmt_ns(c, sizeof c, num(s, "tick_p99_ns"));
    fmt_ns(d, sizeof d, num(s, "tick_p999_ns"));
    fprintf(f, "  percentiles         p90 %s   p95 %s   p99 %s   p99.9 %s\n", a, b, c, d);
    fprintf(f, "  stages              %-10s %9s %9s %9s %14s %7s\n", "", "mean", "p50", "p99", "calls", "share");
    static const char *const stages[4] = {"parse", "strategy", "risk", "execution"};
    double tick_total = num(s, "tick_total_s");
    for (int i = 0; i < 4; i++) {
        char k[64];
        snprintf(k, sizeof k, "%s_mean_ns", stages[i]);
        double mean = num(s, k);
        if (!isfinite(mean)) continue;
        fmt_ns(a, sizeof a, mean);
        snprintf(k, sizeof k, "%s_p50_ns", stages[i]);
        fmt_ns(b, sizeof b, num(s, k));
        snprintf(k, sizeof k, "%s_p99_ns", stages[i]);
        fmt_ns(c, sizeof c, num(s, k));
        snprintf(k, sizeof k, "%s_calls", stages[i]);
        double calls = num(s, k);
        snprintf(k, sizeof k, "%s_total_s", stages[i]);
        double share = tick_total > 0 ? num(s, k) / tick_total * 100 : NAN;
        snprintf(e, sizeof e, isfinite(share) ? "%.1f%%" : "-", share);
        fprintf(f, "                      %-10s %9s %9s %9s %14.0f %7s\n", stages[i], a, b, c, calls, e);
    }
    fprintf(f, "  CPU                 %.1f%% of one core on average (%.1f%% of the machine's %.0f cores)\n",
            num(s, "avg_cpu_percent"), num(s, "avg_cpu_machine_percent"), num(s, "cores"));
    fprintf(f, "  memory              peak RSS %.1f MB   average %.1f MB\n", num(s, "peak_rss_mb"), num(s, "avg_rss_mb"));
    fprintf(f, "  results             %.0f trades (%.0f orders, %.0f rejected)   PnL %.2f (%.4f%%)   fees %.2f\n",
            num(s, "trades"), num(s, "orders"), num(s, "orders_rejected"), num(s, "pnl"), num(s, "return_percent"),
            num(s, "fees"));
    fprintf(f, "                      realized %.2f   unrealized %.2f   max drawdown %.2f (%.4f%%)   position %.0f\n",
            num(s, "realized_pnl"), num(s, "unrealized_pnl"), num(s, "max_drawdown"), num(s, "max_drawdown_percent"),
            num(s, "final_position"));
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(s, "scale");
    if (cJSON_GetArraySize(sc) > 1) {
        fprintf(f, "  scalability         %12s %14s %12s %10s %10s\n", "ticks", "ticks/s", "time", "mean", "efficiency");
        const cJSON *o;
        cJSON_ArrayForEach(o, sc) {
            fmt_rate(a, sizeof a, num(o, "ticks_per_s"));
            fmt_ns(b, sizeof b, num(o, "total_s") * 1e9);
            fmt_ns(c, sizeof c, num(o, "mean_ns"));
            fprintf(f, "                      %12.0f %14s %12s %10s %9.1f%%\n", num(o, "ticks"), a, b, c,
                    num(o, "efficiency") * 100);
        }
    }
    const cJSON *det = cJSON_GetObjectItemCaseSensitive(s, "deterministic");
    if (det) fprintf(f, "  profiled == unprofiled results: %s\n", cJSON_IsTrue(det) ? "yes" : "NO");
    fclose(f);
    return buf;
}
