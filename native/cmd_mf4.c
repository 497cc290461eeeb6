/* cmd_mf4.c — `perfcast mf4 info|export|gen`: the MDF 4 library on users' own files.
 *
 *   info FILE                         version, groups, channels (type, unit, conversion), records, time range
 *   export FILE [--group N] [--channel NAME]... --csv OUT|-
 *                                     physical values as CSV, the group's master channel first
 *   gen OUT --size-mb N [--pattern P] [--compress] [--block-kb K]
 *                                     a test file of about N MB (1 MB = 10^6 bytes)
 *
 * Exports read the file in slices of SLICE records, so a file larger than memory exports. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "mdf4/mdf4.h"
#include "mdf4/mdf4_gen.h"
#include "mf4_io.h"

#define SLICE 65536

static const char usage[] =
    "usage: perfcast mf4 info FILE\n"
    "       perfcast mf4 export FILE [--group N] [--channel NAME]... --csv OUT\n"
    "       perfcast mf4 gen OUT --size-mb N [--pattern automotive|industrial] [--compress] [--block-kb K]\n"
    "\n"
    "MDF 4 (.mf4) measurement files with perfcast's own reader and writer.\n"
    "  info     version, channel groups, channels with types, units and conversions, sample\n"
    "           counts and the time range of each group\n"
    "  export   physical values as CSV: a header row of channel names, the group's master\n"
    "           (time) channel first, one row per record. OUT '-' writes to stdout. Without\n"
    "           --group/--channel every group is exported, each to its own file: OUT with the\n"
    "           group index before the extension (data.csv -> data.0.csv, data.1.csv) when\n"
    "           there is more than one. --channel may be repeated; --group N picks a group.\n"
    "  gen      writes a test file of about N MB (10^6 bytes) with the suite's signal pattern;\n"
    "           --compress stores DZ (deflate) blocks, --block-kb sets the data block size\n";

/* ---- shared helpers ---- */

static pc_mf4_file_t *open_file(const char *path, pc_mf4_fsrc_t *fs) {
    pc_errbuf_t err;
    if (pc_mf4_fsrc_open(fs, path, &err)) {
        fprintf(stderr, "perfcast mf4: %s\n", err.msg);
        return NULL;
    }
    pc_mf4_file_t *f = NULL;
    if (pc_mf4_open(&fs->src, pc_mf4_zlib(), &f, &err)) {
        fprintf(stderr, "perfcast mf4: %s\n", err.msg);
        pc_mf4_fsrc_close(fs);
        return NULL;
    }
    return f;
}

/* First and last master value (physical) of group g; 0 when it has no master or records. */
static int time_range(pc_mf4_file_t *f, int g, double *t0, double *t1) {
    const pc_mf4_group_t *gr = pc_mf4_group(f, g);
    if (gr->master < 0 || !gr->n_records || !gr->readable) return 0;
    const pc_mf4_channel_t *c = pc_mf4_channel(f, gr->master);
    if (c->raw == PC_MF4_RAW_NONE) return 0;
    uint8_t raw[8];
    void *out = raw;
    pc_errbuf_t err;
    if (pc_mf4_read(f, g, &gr->master, 1, &out, 0, 1, &err)) return 0;
    pc_mf4_to_physical(c, raw, 1, t0);
    if (pc_mf4_read(f, g, &gr->master, 1, &out, gr->n_records - 1, 1, &err)) return 0;
    pc_mf4_to_physical(c, raw, 1, t1);
    return 1;
}

static void conversion_text(const pc_mf4_channel_t *c, char *buf, size_t cap) {
    if (c->cn_type == 2 || c->cn_type == 3) snprintf(buf, cap, "master");
    else if (!c->cc_supported) snprintf(buf, cap, "type %u (raw values shown)", c->cc_type);
    else if (c->cc_type == PC_MF4_CC_LINEAR) snprintf(buf, cap, "linear %g + %g*x", c->cc[0], c->cc[1]);
    else if (c->cc_type == PC_MF4_CC_RATIONAL) snprintf(buf, cap, "rational");
    else snprintf(buf, cap, "-");
}

/* ---- info ---- */

static int cmd_info(int argc, char **argv) {
    if (argc != 2) return pc_cli_usage_error("mf4", "info takes exactly one FILE");
    pc_mf4_fsrc_t fs;
    pc_mf4_file_t *f = open_file(argv[1], &fs);
    if (!f) return 1;
    char when[64] = "unknown";
    uint64_t ns = pc_mf4_start_ns(f);
    if (ns) {
        time_t s = (time_t)(ns / 1000000000u);
        struct tm tm;
        if (gmtime_r(&s, &tm)) strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    }
    printf("%s: MDF %s (program \"%s\"), %.3f MB, started %s, %d channel group%s\n", argv[1], pc_mf4_version(f),
           pc_mf4_program(f), (double)fs.src.size / 1e6, when, pc_mf4_n_groups(f), pc_mf4_n_groups(f) == 1 ? "" : "s");
    for (int g = 0; g < pc_mf4_n_groups(f); g++) {
        const pc_mf4_group_t *gr = pc_mf4_group(f, g);
        printf("\ngroup %d \"%s\": %" PRIu64 " records of %u bytes", g, gr->name, gr->n_records, gr->record_size);
        double t0, t1;
        if (time_range(f, g, &t0, &t1)) printf(", %s %.9g .. %.9g %s", pc_mf4_channel(f, gr->master)->name, t0, t1,
                                                pc_mf4_channel(f, gr->master)->unit);
        if (gr->source[0]) printf(", source %s", gr->source);
        printf("\n");
        if (gr->comment[0]) printf("  comment: %s\n", gr->comment);
        if (gr->note[0]) printf("  note: %s\n", gr->note);
        printf("  %-4s %-24s %-8s %-10s %-9s %s\n", "#", "channel", "type", "unit", "samples", "conversion");
        for (int c = gr->first_channel; c < gr->first_channel + gr->n_channels; c++) {
            const pc_mf4_channel_t *ch = pc_mf4_channel(f, c);
            char conv[64];
            conversion_text(ch, conv, sizeof conv);
            printf("  %-4d %-24s %-8s %-10s %-9" PRIu64 " %s\n", c - gr->first_channel, ch->name, pc_mf4_type_name(ch),
                   ch->unit[0] ? ch->unit : "-", ch->raw != PC_MF4_RAW_NONE && gr->readable ? gr->n_records : 0, conv);
        }
    }
    pc_mf4_close(f);
    pc_mf4_fsrc_close(&fs);
    return 0;
}

/* ---- export ---- */

/* The shortest of %.15g / %.17g that reads back as v. */
static void fmt_value(char *buf, size_t cap, double v) {
    snprintf(buf, cap, "%.15g", v);
    if (strtod(buf, NULL) != v) snprintf(buf, cap, "%.17g", v);
}

static void csv_name(FILE *out, const char *s) {
    if (!strpbrk(s, ",\"\n\r")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"') fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

/* Writes channels chans[0..n) of group g as CSV to out. Returns 0 or 1 (message printed). */
static int export_group(pc_mf4_file_t *f, int g, const int *chans, int n, FILE *out) {
    const pc_mf4_group_t *gr = pc_mf4_group(f, g);
    for (int i = 0; i < n; i++) {
        if (i) fputc(',', out);
        csv_name(out, pc_mf4_channel(f, chans[i])->name);
    }
    fputc('\n', out);
    void **raw = calloc((size_t)n, sizeof *raw);
    double **phys = calloc((size_t)n, sizeof *phys);
    int rc = 0;
    for (int i = 0; i < n && raw && phys; i++) {
        raw[i] = malloc(SLICE * 8);
        phys[i] = malloc(SLICE * sizeof(double));
        if (!raw[i] || !phys[i]) rc = 1;
    }
    if (!raw || !phys || rc) {
        fprintf(stderr, "perfcast mf4: out of memory\n");
        rc = 1;
        goto out;
    }
    for (uint64_t first = 0; first < gr->n_records; first += SLICE) {
        uint64_t k = gr->n_records - first < SLICE ? gr->n_records - first : SLICE;
        pc_errbuf_t err;
        if (pc_mf4_read(f, g, chans, n, raw, first, k, &err)) {
            fprintf(stderr, "perfcast mf4: %s\n", err.msg);
            rc = 1;
            goto out;
        }
        for (int i = 0; i < n; i++) pc_mf4_to_physical(pc_mf4_channel(f, chans[i]), raw[i], (size_t)k, phys[i]);
        char buf[40];
        for (uint64_t r = 0; r < k; r++) {
            for (int i = 0; i < n; i++) {
                if (i) fputc(',', out);
                fmt_value(buf, sizeof buf, phys[i][r]);
                fputs(buf, out);
            }
            fputc('\n', out);
        }
    }
    if (ferror(out)) {
        fprintf(stderr, "perfcast mf4: write failed\n");
        rc = 1;
    }
out:
    for (int i = 0; raw && phys && i < n; i++) {
        free(raw[i]);
        free(phys[i]);
    }
    free(raw);
    free(phys);
    return rc;
}

/* Channel list for group g: master first, then the named ones (or every numeric one). */
static int pick_channels(pc_mf4_file_t *f, int g, char **names, int n_names, int *out, int *n) {
    const pc_mf4_group_t *gr = pc_mf4_group(f, g);
    *n = 0;
    if (gr->master >= 0 && pc_mf4_channel(f, gr->master)->raw != PC_MF4_RAW_NONE) out[(*n)++] = gr->master;
    if (n_names) {
        for (int i = 0; i < n_names; i++) {
            int c = pc_mf4_find_channel(f, g, names[i]);
            if (c < 0) {
                fprintf(stderr, "perfcast mf4: %s: no channel \"%s\" in group %d\n", pc_mf4_name(f), names[i], g);
                return 1;
            }
            if (pc_mf4_channel(f, c)->raw == PC_MF4_RAW_NONE) {
                fprintf(stderr, "perfcast mf4: %s: channel \"%s\" holds %s values, not numbers\n", pc_mf4_name(f),
                        names[i], pc_mf4_type_name(pc_mf4_channel(f, c)));
                return 1;
            }
            if (c != gr->master) out[(*n)++] = c;
        }
        return 0;
    }
    for (int c = gr->first_channel; c < gr->first_channel + gr->n_channels; c++) {
        if (c == gr->master) continue;
        if (pc_mf4_channel(f, c)->raw == PC_MF4_RAW_NONE) {
            fprintf(stderr, "perfcast mf4: note: channel \"%s\" (%s) is not numeric: left out\n",
                    pc_mf4_channel(f, c)->name, pc_mf4_type_name(pc_mf4_channel(f, c)));
            continue;
        }
        if (*n < 1024) out[(*n)++] = c;
    }
    return 0;
}

/* "data.csv" + 2 -> "data.2.csv"; no extension: "data.2". */
static void indexed_path(const char *path, int g, char *buf, size_t cap) {
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash) || dot == path || (slash && dot == slash + 1))
        snprintf(buf, cap, "%s.%d", path, g);
    else
        snprintf(buf, cap, "%.*s.%d%s", (int)(dot - path), path, g, dot);
}

static int export_to(pc_mf4_file_t *f, int g, char **names, int n_names, const char *path) {
    int chans[1025], n;
    if (pick_channels(f, g, names, n_names, chans, &n)) return 1;
    if (!pc_mf4_group(f, g)->readable) {
        fprintf(stderr, "perfcast mf4: %s: group %d: %s\n", pc_mf4_name(f), g, pc_mf4_group(f, g)->note);
        return 1;
    }
    FILE *out = strcmp(path, "-") ? fopen(path, "w") : stdout;
    if (!out) {
        perror(path);
        return 1;
    }
    int r = export_group(f, g, chans, n, out);
    if (out != stdout && fclose(out) != 0 && !r) {
        perror(path);
        r = 1;
    }
    if (out == stdout) fflush(stdout);
    return r;
}

static int cmd_export(int argc, char **argv) {
    static const struct option opts[] = {
        {"group", required_argument, 0, 'g'}, {"channel", required_argument, 0, 'c'},
        {"csv", required_argument, 0, 'o'},   {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    int group = -1, n_names = 0, c;
    char *names[256];
    const char *csv = NULL;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'g': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (*end || end == optarg || v < 0 || v > 1000000)
                return pc_cli_usage_error("mf4", "--group wants a group index, got '%s'", optarg);
            group = (int)v;
            break;
        }
        case 'c':
            if (n_names == 256) return pc_cli_usage_error("mf4", "at most 256 --channel options");
            names[n_names++] = optarg;
            break;
        case 'o': csv = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        default: return pc_cli_usage_error("mf4", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) return pc_cli_usage_error("mf4", "export takes exactly one FILE");
    if (!csv) return pc_cli_usage_error("mf4", "export needs --csv OUT (or --csv - for stdout)");
    pc_mf4_fsrc_t fs;
    pc_mf4_file_t *f = open_file(argv[optind], &fs);
    if (!f) return 1;
    int rc = 0;
    if (group >= pc_mf4_n_groups(f)) {
        fprintf(stderr, "perfcast mf4: %s has %d channel group%s, no group %d\n", argv[optind], pc_mf4_n_groups(f),
                pc_mf4_n_groups(f) == 1 ? "" : "s", group);
        rc = 1;
    } else if (group < 0 && n_names) {
        /* the group that holds the first named channel; the rest must be there too */
        int ch = pc_mf4_find_channel(f, -1, names[0]);
        if (ch < 0) {
            fprintf(stderr, "perfcast mf4: %s: no channel \"%s\"\n", argv[optind], names[0]);
            rc = 1;
        } else {
            rc = export_to(f, pc_mf4_channel(f, ch)->group, names, n_names, csv);
        }
    } else if (group >= 0) {
        rc = export_to(f, group, names, n_names, csv);
    } else {
        int ng = pc_mf4_n_groups(f);
        for (int g = 0; g < ng && !rc; g++) {
            char path[4096];
            if (ng > 1 && strcmp(csv, "-")) indexed_path(csv, g, path, sizeof path);
            else snprintf(path, sizeof path, "%s", csv);
            if (!pc_mf4_group(f, g)->readable) {
                fprintf(stderr, "perfcast mf4: note: group %d skipped: %s\n", g, pc_mf4_group(f, g)->note);
                continue;
            }
            if (g && !strcmp(csv, "-")) fputc('\n', stdout);
            rc = export_to(f, g, NULL, 0, path);
            if (!rc && strcmp(csv, "-")) fprintf(stderr, "perfcast mf4: group %d -> %s\n", g, path);
        }
    }
    pc_mf4_close(f);
    pc_mf4_fsrc_close(&fs);
    return rc;
}

/* ---- gen ---- */

static int cmd_gen(int argc, char **argv) {
    static const struct option opts[] = {
        {"size-mb", required_argument, 0, 's'}, {"pattern", required_argument, 0, 'p'},
        {"compress", no_argument, 0, 'z'},      {"block-kb", required_argument, 0, 'b'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0},
    };
    double size = -1, block_kb = 4096;
    int compress = 0, c;
    pc_mf4_pattern_t pat = PC_MF4_PAT_AUTOMOTIVE;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 's':
            size = strtod(optarg, &end);
            if (*end || end == optarg || !(size > 0 && size <= 100000))
                return pc_cli_usage_error("mf4", "--size-mb wants a number in (0, 100000], got '%s'", optarg);
            break;
        case 'b':
            block_kb = strtod(optarg, &end);
            if (*end || end == optarg || !(block_kb >= 1 && block_kb <= 1048576))
                return pc_cli_usage_error("mf4", "--block-kb wants a number in [1, 1048576], got '%s'", optarg);
            break;
        case 'p':
            if (pc_mf4_pattern_parse(optarg, &pat))
                return pc_cli_usage_error("mf4", "--pattern is automotive or industrial, got '%s'", optarg);
            break;
        case 'z': compress = 1; break;
        case 'h': fputs(usage, stdout); return 0;
        default: return pc_cli_usage_error("mf4", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) return pc_cli_usage_error("mf4", "gen takes exactly one OUT file");
    if (size < 0) return pc_cli_usage_error("mf4", "gen needs --size-mb N");
    pc_errbuf_t err;
    uint64_t n = 0;
    if (pc_mf4_generate(argv[optind], size, pat, compress, (uint64_t)(block_kb * 1024), &n, &err)) {
        fprintf(stderr, "perfcast mf4: %s\n", err.msg);
        return 1;
    }
    printf("%s: %" PRIu64 " %s records\n", argv[optind], n, pc_mf4_pattern_name(pat));
    return 0;
}

int pc_cmd_mf4(int argc, char **argv) {
    if (argc < 2) return pc_cli_usage_error("mf4", "missing subcommand: info, export or gen");
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        fputs(usage, stdout);
        return 0;
    }
    if (!strcmp(argv[1], "info")) return cmd_info(argc - 1, argv + 1);
    if (!strcmp(argv[1], "export")) return cmd_export(argc - 1, argv + 1);
    if (!strcmp(argv[1], "gen")) return cmd_gen(argc - 1, argv + 1);
    return pc_cli_usage_error("mf4", "unknown subcommand '%s' (info, export or gen)", argv[1]);
}
