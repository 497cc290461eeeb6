/* pc_test_run.h — running a suite end to end inside a unit test.
 *
 *   char status[16];
 *   pc_model_t *m = pc_test_run_suite("orderbook", "{\"orders\": 100000}", status, sizeof status);
 *
 * Runs SUITE with its quick defaults overridden by the JSON object, writes the result to a temp
 * file, loads it back with pc_model_load (a torn file counts as a failure) and removes the file. */
#ifndef PC_TEST_RUN_H
#define PC_TEST_RUN_H

#include <stddef.h>

#include "model.h"

/* Loads a whole result file into m; 0, PC_EIO, a pc_model_load error, or PC_ETRUNC when torn. */
int pc_test_load_file(const char *path, pc_model_t *m);

/* The loaded result of one run (free with pc_model_destroy), or NULL when the suite, its
 * parameters, the run or the load failed; status receives the run's end status ("ok", ...). */
pc_model_t *pc_test_run_suite(const char *suite, const char *overrides_json, char *status, size_t cap);

#endif
