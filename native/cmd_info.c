/* cmd_info.c — `perfcast list` (suites, parameters, views) and `perfcast sysinfo`. */
#include <stdio.h>
#include <string.h>

#include "cJSON.h"
#include "cli.h"
#include "suite.h"
#include "sysinfo.h"
#include "views.h"

static int wants_help(int argc, char **argv, const char *usage) {
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(usage, stdout);
            return 1;
        }
    return 0;
}

static void print_num(double v) {
    if (v == (double)(long long)v) printf("%lld", (long long)v);
    else printf("%g", v);
}

int pc_cmd_list(int argc, char **argv) {
    static const char usage[] =
        "usage: perfcast list [--json]\n\n"
        "Lists the suites with their parameters (default, quick default, range) and views.\n";
    if (wants_help(argc, argv, usage)) return 0;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else return pc_cli_usage_error("list", "unknown option '%s'", argv[i]);
    }
    if (json) {
        cJSON *j = pc_suites_json();
        char *s = cJSON_Print(j);
        printf("%s\n", s ? s : "[]");
        cJSON_free(s);
        cJSON_Delete(j);
        return 0;
    }
    size_t n;
    const pc_suite_t *const *suites = pc_suites(&n);
    for (size_t i = 0; i < n; i++) {
        const pc_suite_t *s = suites[i];
        printf("%s — %s\n  parameters (--set NAME=VALUE):\n", s->name, s->description);
        for (size_t k = 0; k < s->n_params; k++) {
            const pc_param_def_t *p = &s->params[k];
            printf("    %-10s ", p->name);
            if (p->type == PC_PARAM_STRING) {
                printf("%-22s", "default empty (text)");
            } else if (p->type == PC_PARAM_BOOL) {
                printf("%-22s", p->def ? "default true" : "default false");
            } else {
                char buf[64];
                int w = snprintf(buf, sizeof buf, "default %g (quick %g)", p->def, p->quick);
                printf("%s%*s", buf, w < 22 ? 22 - w : 0, "");
                printf(" range [");
                print_num(p->min);
                printf(", ");
                print_num(p->max);
                printf("] %s", p->unit ? p->unit : "");
            }
            printf("\n               %s\n", p->help ? p->help : "");
        }
        printf("  views:");
        for (size_t k = 0; s->views && s->views[k]; k++) printf(" %s", s->views[k]);
        printf("\n  summary keys:");
        for (size_t k = 0; s->summary_keys && s->summary_keys[k]; k++) printf(" %s", s->summary_keys[k]);
        printf("\n\n");
    }
    size_t nv;
    const pc_view_def_t *views = pc_views(&nv);
    /* one line per view name; a name several suites draw their own way lists those suites */
    printf("all views (perfcast render FILE --view NAME):\n");
    for (size_t i = 0; i < nv; i++) {
        int seen = 0;
        for (size_t k = 0; k < i; k++) seen |= strcmp(views[k].name, views[i].name) == 0;
        if (seen) continue;
        printf("  %-22s %s%s", views[i].name, views[i].title, views[i].animated ? " (animated)" : "");
        const char *sep = " — for ";
        for (size_t k = i; k < nv; k++) {
            if (strcmp(views[k].name, views[i].name) != 0) continue;
            printf("%s%s", sep, views[k].suite ? views[k].suite : "any run");
            sep = ", ";
        }
        printf("\n");
    }
    return 0;
}

int pc_cmd_sysinfo(int argc, char **argv) {
    static const char usage[] =
        "usage: perfcast sysinfo\n\n"
        "Prints this machine as JSON: cpu, memory, gpu (null with a reason when there is none),\n"
        "platform. The same object is written into every result file's header.\n";
    if (wants_help(argc, argv, usage)) return 0;
    if (argc > 1) return pc_cli_usage_error("sysinfo", "unknown option '%s'", argv[1]);
    cJSON *j = pc_sysinfo_collect();
    char *s = j ? cJSON_Print(j) : NULL;
    cJSON_Delete(j);
    if (!s) {
        fprintf(stderr, "perfcast sysinfo: out of memory\n");
        return 1;
    }
    printf("%s\n", s);
    cJSON_free(s);
    return 0;
}
