/* cli.h — the subcommands of the perfcast binary and the helpers they share.
 *
 * Each pc_cmd_* takes the argv that follows "perfcast" (argv[0] is the subcommand name) and
 * returns the process exit status: 0 success, 1 failure (bad file, failed run), 2 usage
 * error (unknown flag, suite or view: one line on stderr). Only this layer prints or exits. */
#ifndef PC_CLI_H
#define PC_CLI_H

#include <stddef.h>
#include <stdint.h>

#include "pc_error.h"

int pc_cmd_agent(int argc, char **argv);   /* cmd_agent.c */
int pc_cmd_replay(int argc, char **argv);  /* cmd_agent.c */
int pc_cmd_run(int argc, char **argv);     /* cmd_run.c */
int pc_cmd_render(int argc, char **argv);  /* cmd_render.c */
int pc_cmd_list(int argc, char **argv);    /* cmd_info.c */
int pc_cmd_sysinfo(int argc, char **argv); /* cmd_info.c */
int pc_cmd_export(int argc, char **argv);  /* cmd_export.c */
int pc_cmd_mf4(int argc, char **argv);     /* cmd_mf4.c */
int pc_cmd_check(int argc, char **argv);   /* cmd_check.c */
int pc_cmd_compare(int argc, char **argv); /* cmd_check.c */
/* `perfcast export RESULT --format volume-json -o OUT`: one file in a named layout
 * (export_volume.c); pc_cmd_export hands over when it sees --format. */
int pc_cmd_export_format(int argc, char **argv);

/* Prints "perfcast CMD: MESSAGE (try 'perfcast CMD --help')" to stderr; returns 2. */
int pc_cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Parses the value of option --NAME as a number in [lo, hi] into *out. Returns 0, or prints
 * "perfcast CMD: --NAME wants a number in [lo, hi], got 'ARG'" and returns 2 (usage error). */
int pc_cli_parse_num(const char *cmd, const char *name, const char *arg, double lo, double hi, double *out);

/* Reads a whole file (at most max bytes) into a malloc'ed buffer the caller frees.
 * Returns 0, or PC_EIO / PC_ELIMIT with err naming the file and the reason. */
int pc_cli_read_file(const char *path, size_t max, uint8_t **buf, size_t *len, pc_errbuf_t *err);

/* ---- progress of long writes (cmd_export.c; render and export use them) ---- */

/* One progress line on stderr, rewritten in place; nothing at all when stderr is not a
 * terminal (logs and tests see only the final messages). */
typedef struct pc_cli_progress {
    const char *label; /* what is being written, e.g. the output path */
    int shown;         /* a line is on screen (pc_cli_progress_done clears it) */
    int last_pct;
} pc_cli_progress_t;

/* A pc_artifact_progress_fn: ctx is a pc_cli_progress_t. Returns 1 (cancel) once SIGINT or
 * SIGTERM arrived while pc_cli_catch_interrupts(1) was in effect, else 0. */
int pc_cli_progress(void *ctx, int done, int total);
/* Clears the progress line if one is shown. */
void pc_cli_progress_done(pc_cli_progress_t *p);
/* on = 1: SIGINT/SIGTERM only set a flag that pc_cli_progress reports, so a long write stops
 * at the next frame and removes its temporary file; on = 0: default handling again. */
void pc_cli_catch_interrupts(int on);
/* 1 when SIGINT/SIGTERM arrived since pc_cli_catch_interrupts(1). */
int pc_cli_interrupted(void);

/* Parses "key=value" from --set into a cJSON object (created on first use in *obj; the caller
 * frees it with cJSON_Delete). Returns 0 or PC_EINVAL when there is no '='. */
struct cJSON;
int pc_cli_add_set(struct cJSON **obj, const char *kv);

#endif
