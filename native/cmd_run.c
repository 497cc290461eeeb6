/* cmd_run.c — `perfcast run SUITE`: run headless, write the result file, print a summary. */
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cJSON.h"
#include "cli.h"
#include "paths.h"
#include "run.h"
#include "suite.h"

static const char usage[] =
    "usage: perfcast run SUITE [--set KEY=VALUE]... [-o FILE] [--quick] [--summary-json]\n"
    "                          [--record-dir DIR]\n"
    "\n"
    "Runs a suite headless and writes its result file (default: DIR/RUN_ID.pcast in the\n"
    "record directory). Prints a summary; --summary-json also prints the summary as one JSON\n"
    "object on the last line of stdout. Ctrl-C stops the run early; the file stays valid.\n"
    "\n"
    "  --set KEY=VALUE   set a suite parameter (repeatable; see 'perfcast list')\n"
    "  --quick           use the suite's quick defaults (seconds, not minutes)\n"
    "  -o, --output FILE result file to write\n"
    "  --record-dir DIR  where results go when -o is not given\n"
    "  --summary-json    print the summary as JSON on the last line of stdout\n"
    "  -h, --help        this text\n";

static pc_run_t *volatile current_run;

static void on_signal(int sig) {
    (void)sig;
    if (current_run) pc_run_request_stop(current_run);
}

/* A progress bar on stderr, only when stderr is a terminal; redrawn on the recorder thread. */
static void on_progress(void *ud, double fraction, const char *phase) {
    (void)ud;
    int width = 30, fill = (int)(fraction * width + 0.5);
    char bar[64];
    for (int i = 0; i < width; i++) bar[i] = i < fill ? '#' : '.';
    bar[width] = '\0';
    fprintf(stderr, "\r  [%s] %3.0f%%  %-32.32s", bar, fraction * 100, phase);
    fflush(stderr);
}

/* Engineering formatting for the human summary: 12.3 M, 456 ns, 37.2x. */
static void fmt_value(char *buf, size_t cap, const char *key, double v) {
    size_t kl = strlen(key);
    if (kl > 3 && strcmp(key + kl - 3, "_ns") == 0) {
        if (v >= 1e6) snprintf(buf, cap, "%.2f ms", v / 1e6);
        else if (v >= 1e3) snprintf(buf, cap, "%.2f us", v / 1e3);
        else snprintf(buf, cap, "%.0f ns", v);
    } else if (strstr(key, "per_s")) {
        if (v >= 1e9) snprintf(buf, cap, "%.2f G/s", v / 1e9);
        else if (v >= 1e6) snprintf(buf, cap, "%.2f M/s", v / 1e6);
        else if (v >= 1e3) snprintf(buf, cap, "%.2f k/s", v / 1e3);
        else snprintf(buf, cap, "%.1f /s", v);
    } else if (strstr(key, "_vs_")) {
        snprintf(buf, cap, "%.1fx", v);
    } else if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, cap, "%.0f", v);
    } else {
        snprintf(buf, cap, "%.4g", v);
    }
}

static void print_summary(const pc_suite_t *suite, const cJSON *summary) {
    printf("\n%s summary\n", suite->name);
    const cJSON *item;
    cJSON_ArrayForEach(item, summary) {
        char val[64];
        if (cJSON_IsNumber(item)) fmt_value(val, sizeof val, item->string, item->valuedouble);
        else if (cJSON_IsString(item)) snprintf(val, sizeof val, "%s", item->valuestring);
        else if (cJSON_IsBool(item)) snprintf(val, sizeof val, "%s", cJSON_IsTrue(item) ? "yes" : "no");
        else continue;
        printf("  %-28s %s\n", item->string, val);
    }
}

int pc_cmd_run(int argc, char **argv) {
    static const struct option opts[] = {
        {"set", required_argument, 0, 's'},      {"output", required_argument, 0, 'o'},
        {"quick", no_argument, 0, 'q'},          {"summary-json", no_argument, 0, 'j'},
        {"record-dir", required_argument, 0, 'd'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    cJSON *sets = NULL;
    const char *out = NULL, *dir = NULL;
    int quick = 0, json = 0, c, status = 0;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "s:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (pc_cli_add_set(&sets, optarg) != 0) {
                cJSON_Delete(sets);
                return pc_cli_usage_error("run", "--set wants KEY=VALUE, got '%s'", optarg);
            }
            break;
        case 'o': out = optarg; break;
        case 'q': quick = 1; break;
        case 'j': json = 1; break;
        case 'd': dir = optarg; break;
        case 'h': fputs(usage, stdout); cJSON_Delete(sets); return 0;
        default:
            cJSON_Delete(sets);
            return pc_cli_usage_error("run", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) {
        cJSON_Delete(sets);
        return pc_cli_usage_error("run", optind >= argc ? "which suite? (see 'perfcast list')"
                                                        : "one suite at a time, got extra '%s'",
                                  optind < argc ? argv[optind + 1] : "");
    }
    const pc_suite_t *suite = pc_suite_find(argv[optind]);
    if (!suite) {
        cJSON_Delete(sets);
        return pc_cli_usage_error("run", "unknown suite '%s' (see 'perfcast list')", argv[optind]);
    }
    pc_errbuf_t err = {{0}};
    cJSON *params = pc_suite_params(suite, sets, quick, &err);
    cJSON_Delete(sets);
    if (!params) return pc_cli_usage_error("run", "%s", err.msg);

    char defdir[4096];
    if (!out && !dir) {
        if (pc_default_record_dir(defdir, sizeof defdir) != 0) {
            cJSON_Delete(params);
            fprintf(stderr, "perfcast run: cannot work out a record directory; pass -o FILE\n");
            return 1;
        }
        dir = defdir;
    }
    int tty = isatty(STDERR_FILENO);
    pc_run_opts_t ro = {.path = out, .dir = dir, .on_progress = tty ? on_progress : NULL};
    pc_run_t *run;
    if (pc_run_start(suite, params, quick, &ro, &run, &err) != 0) {
        cJSON_Delete(params);
        fprintf(stderr, "perfcast run: %s\n", err.msg);
        return 1;
    }
    fprintf(stderr, "perfcast: running %s%s -> %s\n", suite->name, quick ? " (quick)" : "", pc_run_path_of(run));
    current_run = run;
    struct sigaction sa = {0};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    pc_run_join(run);
    current_run = NULL;
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    if (tty) fputc('\n', stderr);

    const char *msg;
    const char *st = pc_run_status(run, &msg);
    const cJSON *summary = pc_run_summary(run);
    char *report = summary && suite->report ? suite->report(summary) : NULL;
    if (report) fputs(report, stdout);
    else if (summary) print_summary(suite, summary);
    free(report);
    printf("\nresult: %s\nstatus: %s%s%s\n", pc_run_path_of(run), st, msg[0] ? " — " : "", msg);
    if (strcmp(st, "error") == 0) status = 1;
    if (json) {
        char *s = summary ? cJSON_PrintUnformatted(summary) : NULL;
        printf("%s\n", s ? s : "{}");
        cJSON_free(s);
    }
    pc_run_destroy(run);
    return status;
}
