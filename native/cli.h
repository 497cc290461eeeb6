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

int pc_cmd_agent(int argc, char **argv);   /* agent.c side: cmd_agent.c */
int pc_cmd_replay(int argc, char **argv);  /* cmd_agent.c */
int pc_cmd_run(int argc, char **argv);     /* cmd_run.c */
int pc_cmd_render(int argc, char **argv);  /* cmd_render.c */
int pc_cmd_list(int argc, char **argv);    /* cmd_info.c */
int pc_cmd_sysinfo(int argc, char **argv); /* cmd_info.c */

/* Prints "perfcast CMD: MESSAGE (try 'perfcast CMD --help')" to stderr; returns 2. */
int pc_cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Reads a whole file (at most max bytes) into a malloc'ed buffer the caller frees.
 * Returns 0, or PC_EIO / PC_ELIMIT with err naming the file and the reason. */
int pc_cli_read_file(const char *path, size_t max, uint8_t **buf, size_t *len, pc_errbuf_t *err);

/* Parses "key=value" from --set into a cJSON object (created on first use in *obj; the caller
 * frees it with cJSON_Delete). Returns 0 or PC_EINVAL when there is no '='. */
struct cJSON;
int pc_cli_add_set(struct cJSON **obj, const char *kv);

#endif
