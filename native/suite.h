/* suite.h — the suite table: every workload perfcast can run, in one place.
 *
 * A suite is a name, its parameters (types, defaults, quick defaults, ranges), the summary
 * keys it reports, the views that show it and a run function. The agent, the CLI and the
 * page all read this table (the page through the agent's "suites" message), so adding a
 * suite is: a folder under native/suites/, a row in suites.c, its views in shared/views. */
#ifndef PC_SUITE_H
#define PC_SUITE_H

#include <stddef.h>

#include "cJSON.h"
#include "pc_error.h"

struct pc_run;

/* PC_PARAM_STRING: text (a file name, a list of sizes); its default is always "" (the suite
 * decides what empty means), def/quick/min are unused and max is its longest length in bytes. */
typedef enum pc_param_type { PC_PARAM_INT, PC_PARAM_DOUBLE, PC_PARAM_BOOL, PC_PARAM_STRING } pc_param_type_t;

typedef struct pc_param_def {
    const char *name;
    pc_param_type_t type;
    double def;        /* default */
    double quick;      /* default under --quick */
    double min, max;   /* accepted range, inclusive */
    const char *unit;  /* "messages", "s", "msgs/s" ... ("" when none) */
    const char *help;
    int host_path;     /* names a file on the host the suite reads: `perfcast run` may set it, a
                        * client of the agent may not (it would read any file the agent can) */
} pc_param_def_t;

/* A measured series (e.g. one queue): its name in records, a human label, the value unit. */
typedef struct pc_series_def {
    const char *name;
    const char *label;
    const char *unit;
} pc_series_def_t;

typedef struct pc_suite {
    const char *name;
    const char *description;
    const pc_param_def_t *params;
    size_t n_params;
    const char *const *summary_keys; /* NULL-terminated */
    const char *const *views;        /* NULL-terminated names from shared/views.c */
    const pc_series_def_t *series;   /* written into the header record's "series" list */
    size_t n_series;
    /* Optional: checks constraints between or beyond ranges (e.g. a power of two) on the
     * validated params; returns 0 or PC_EINVAL with err naming the parameter. */
    int (*check)(const cJSON *params, pc_errbuf_t *err);
    /* Runs the workload on the calling thread; emits records through the run handle.
     * Returns 0, or a PC_E* code with pc_run_fail() called to say why. */
    int (*run)(struct pc_run *run);
    /* Optional: the human report of a run's summary, which `perfcast run` prints instead of
     * the plain key list. Returns a malloc'ed string the caller frees, or NULL. */
    char *(*report)(const cJSON *summary);
} pc_suite_t;

/* All suites; *n receives the count. Static table: never freed. */
const pc_suite_t *const *pc_suites(size_t *n);
/* The suite with this name, or NULL. */
const pc_suite_t *pc_suite_find(const char *name);

/* Builds the validated parameter object for a run: defaults (quick ones when `quick`),
 * overridden by `overrides` (an object of name -> number/bool/numeric string, may be NULL).
 * Returns a new cJSON object the caller frees with cJSON_Delete, or NULL with err naming
 * the unknown parameter or the bad value and its range. */
cJSON *pc_suite_params(const pc_suite_t *s, const cJSON *overrides, int quick, pc_errbuf_t *err);

/* The suite table as JSON (for `perfcast list --json` and the agent's "suites" message).
 * Caller frees with cJSON_Delete; NULL when out of memory. */
cJSON *pc_suites_json(void);

#endif
