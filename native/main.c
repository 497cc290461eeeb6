/* perfcast — one binary, subcommands. Each lives in its own cmd_*.c; this file only dispatches. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "record.h"

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} command_t;

static const command_t commands[] = {
    {"agent", pc_cmd_agent, "serve the viewer and run suites for it over WebSockets"},
    {"run", pc_cmd_run, "run a suite headless and write its result file"},
    {"replay", pc_cmd_replay, "serve the viewer and play a result file back as if live"},
    {"render", pc_cmd_render, "draw a view of a result file to PNG, GIF or MP4"},
    {"export", pc_cmd_export, "write every view of result files into a folder (PNG + MP4/GIF)"},
    {"check", pc_cmd_check, "check a result against thresholds (CI gate: exit 1 when violated)"},
    {"compare", pc_cmd_compare, "compare two results with a rank test (exit 1 on a significant regression)"},
    {"mf4", pc_cmd_mf4, "MDF 4 (.mf4) files: info, export to CSV, generate test files"},
    {"list", pc_cmd_list, "list suites, their parameters and views"},
    {"sysinfo", pc_cmd_sysinfo, "print this machine's CPU, memory, GPU and platform as JSON"},
};

static void usage(FILE *out) {
    fprintf(out, "perfcast %s — a performance lab: measure, stream, replay, render\n\n"
                 "usage: perfcast COMMAND [OPTIONS]   (perfcast COMMAND --help for each)\n\n",
            PC_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].help);
    fprintf(out, "\nresult format %d.%d; docs: README.md and docs/ in the source tree\n", PC_FORMAT_MAJOR,
            PC_FORMAT_MINOR);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("perfcast %s (result format %d.%d)\n", PC_VERSION, PC_FORMAT_MAJOR, PC_FORMAT_MINOR);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "perfcast: unknown command '%s' (try 'perfcast --help')\n", argv[1]);
    return 2;
}
