/* cmd_export.c — `perfcast export FILE... --out DIR`: every view of every given result as a
 * file, named the way users of trading-benchmark suites expect (latency_distribution.png,
 * throughput_chart.mp4, ...). Also the progress line and Ctrl-C handling that `render`
 * shares (cli.h).
 *
 * All inputs are loaded and the whole plan is made before the first file is written, so a bad
 * input writes nothing; each artifact appears whole or not at all (artifact.c). */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "artifact.h"
#include "cJSON.h"
#include "cli.h"
#include "model.h"
#include "views.h"

#define MAX_RESULT_BYTES ((size_t)1 << 31)
#define MAX_INPUTS 64
#define MAX_ARTIFACTS 512

/* ---- progress and interrupts (declared in cli.h) ---- */

static volatile sig_atomic_t interrupted;

static void on_signal(int sig) {
    (void)sig;
    interrupted = 1;
}

void pc_cli_catch_interrupts(int on) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on ? on_signal : SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (on) interrupted = 0;
}

int pc_cli_interrupted(void) { return interrupted != 0; }

int pc_cli_progress(void *ctx, int done, int total) {
    pc_cli_progress_t *p = ctx;
    if (p && isatty(STDERR_FILENO) && total > 0) {
        int pct = (int)((long long)done * 100 / total);
        if (!p->shown || pct != p->last_pct) { /* at most ~100 writes per file */
            fprintf(stderr, "\r\033[Kperfcast: %s  frame %d/%d (%d%%)", p->label ? p->label : "", done, total, pct);
            fflush(stderr);
            p->shown = 1;
            p->last_pct = pct;
        }
    }
    return interrupted ? 1 : 0;
}

void pc_cli_progress_done(pc_cli_progress_t *p) {
    if (p && p->shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        p->shown = 0;
    }
}

/* ---- export ---- */

static const char usage[] =
    "usage: perfcast export FILE... --out DIR [--width W] [--height H] [--scale S]\n"
    "                       [--fps F] [--frames N] [--animated auto|mp4|gif]\n"
    "\n"
    "Writes every view of each result file (the views its header lists) into DIR: views that\n"
    "change over the run as MP4 when ffmpeg is on PATH, else as GIF; the others as PNG. Files are\n"
    "named after what they show:\n"
    "  latency-histogram   -> latency_distribution     throughput-timeline -> throughput_chart\n"
    "  orderbook-depth     -> orderbook_depth          comparison          -> comparison_chart\n"
    "  summary             -> performance_summary      latency-animation   -> latency_animation\n"
    "When a later FILE would write a name an earlier one already did, it gets its suite as a\n"
    "prefix (orderbook_throughput_chart.mp4), then a number as well (ringbuf2_...). Prints the\n"
    "files written with their sizes. A bad FILE is an error before anything is written.\n"
    "\n"
    "  --out DIR        output folder (created if missing)\n"
    "  --width W        width in pixels (default 1280)\n"
    "  --height H       height in pixels (default 720)\n"
    "  --scale S        pixel density, like devicePixelRatio (default 1)\n"
    "  --fps F          animations: frames per second (default 30)\n"
    "  --frames N       animations: frame count (default: the run's length at F fps, at most 600)\n"
    "  --animated FMT   animations as mp4 or gif; auto (default): mp4 when ffmpeg is on PATH\n"
    "\n"
    "perfcast export RESULT --format volume-json -o OUT.json writes one file in another layout\n"
    "instead (perfcast export --format volume-json --help).\n";

static const struct {
    const char *view, *artifact;
} NAMES[] = {
    {"latency-histogram", "latency_distribution"}, {"throughput-timeline", "throughput_chart"},
    {"orderbook-depth", "orderbook_depth"},         {"comparison", "comparison_chart"},
    {"summary", "performance_summary"},             {"latency-animation", "latency_animation"},
};

/* The artifact name of a view: the table above, else the view name with '-' as '_'. */
static void artifact_name(const char *view, char *out, size_t cap) {
    for (size_t i = 0; i < sizeof NAMES / sizeof NAMES[0]; i++)
        if (strcmp(NAMES[i].view, view) == 0) {
            snprintf(out, cap, "%s", NAMES[i].artifact);
            return;
        }
    snprintf(out, cap, "%s", view);
    for (char *p = out; *p; p++)
        if (*p == '-') *p = '_';
}

/* Copies s keeping only [A-Za-z0-9_-] (others become '_'): safe inside a file name. */
static void safe_name(const char *s, char *out, size_t cap) {
    size_t n = 0;
    for (; *s && n + 1 < cap; s++)
        out[n++] = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
                           *s == '-'
                       ? *s
                       : '_';
    out[n] = '\0';
    if (!n) snprintf(out, cap, "run");
}

typedef struct plan_item {
    int input;                /* index into the loaded models */
    const char *view;         /* view name (the model's header or the registry owns it) */
    char base[128];           /* artifact name without extension, unique in this export */
    pc_artifact_fmt_t fmt;
    char path[4096];
} plan_item_t;

typedef struct input {
    const char *file;
    pc_model_t *m;
} input_t;

static int name_taken(const plan_item_t *plan, int n, const char *base) {
    for (int i = 0; i < n; i++)
        if (strcmp(plan[i].base, base) == 0) return 1;
    return 0;
}

/* mkdir -p; 0 or -1 with errno. */
static int make_dirs(const char *dir) {
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", dir) >= (int)sizeof buf) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) return -1;
    struct stat st;
    if (stat(buf, &st) != 0) return -1;
    if (!S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

static void human_size(long long n, char *out, size_t cap) {
    if (n < 1024)
        snprintf(out, cap, "%lld B", n);
    else if (n < 1024 * 1024)
        snprintf(out, cap, "%.1f KiB", (double)n / 1024);
    else
        snprintf(out, cap, "%.1f MiB", (double)n / (1024 * 1024));
}

/* Loads one result file; 0, or 1 after printing the error (which names the file). */
static int load_input(input_t *in) {
    pc_errbuf_t err = {{0}};
    uint8_t *buf;
    size_t len;
    if (pc_cli_read_file(in->file, MAX_RESULT_BYTES, &buf, &len, &err) != 0) {
        fprintf(stderr, "perfcast export: %s\n", err.msg);
        return 1;
    }
    in->m = pc_model_create();
    pc_load_info_t info;
    int r = in->m ? pc_model_load(in->m, buf, len, in->file, &info, &err) : pc_errf(&err, PC_ENOMEM, "out of memory");
    free(buf);
    if (r != 0) {
        fprintf(stderr, "perfcast export: %s\n", err.msg);
        return 1;
    }
    if (info.truncated) fprintf(stderr, "perfcast export: warning: %s\n", info.warning);
    return 0;
}

/* Appends the artifacts of input k to plan; 0, or 1 after printing an error. */
static int plan_input(const input_t *inputs, int k, plan_item_t *plan, int *n, pc_artifact_fmt_t anim,
                      const char *dir) {
    const pc_model_t *m = inputs[k].m;
    const char *suite = m->suite[0] ? m->suite : NULL;
    const char *names[64];
    int nn = 0;
    const cJSON *views = m->header ? cJSON_GetObjectItemCaseSensitive(m->header, "views") : NULL;
    const cJSON *v;
    cJSON_ArrayForEach(v, views) {
        if (!cJSON_IsString(v) || nn == (int)(sizeof names / sizeof names[0])) continue;
        if (!pc_view_find_for(v->valuestring, suite)) {
            fprintf(stderr, "perfcast export: warning: %s: view '%s' is unknown to this build; skipped\n",
                    inputs[k].file, v->valuestring);
            continue;
        }
        names[nn++] = v->valuestring;
    }
    if (!cJSON_IsArray(views) && suite) { /* no list in the header: the suite's registered views */
        size_t nv;
        const pc_view_def_t *all = pc_views(&nv);
        for (size_t i = 0; i < nv && nn < (int)(sizeof names / sizeof names[0]); i++)
            if (all[i].suite && strcmp(all[i].suite, suite) == 0) names[nn++] = all[i].name;
    }
    if (nn == 0) {
        fprintf(stderr, "perfcast export: %s: no views to export (its header lists none this build knows)\n",
                inputs[k].file);
        return 1;
    }
    char sname[40];
    safe_name(suite ? suite : "run", sname, sizeof sname);
    for (int i = 0; i < nn; i++) {
        int dup = 0; /* a header listing a view twice exports it once */
        for (int j = 0; j < i; j++) dup |= strcmp(names[i], names[j]) == 0;
        if (dup) continue;
        if (*n == MAX_ARTIFACTS) {
            fprintf(stderr, "perfcast export: more than %d files to write; export fewer results at once\n",
                    MAX_ARTIFACTS);
            return 1;
        }
        plan_item_t *p = &plan[*n];
        memset(p, 0, sizeof *p);
        p->input = k;
        p->view = names[i];
        char art[64];
        artifact_name(names[i], art, sizeof art);
        snprintf(p->base, sizeof p->base, "%s", art);
        if (name_taken(plan, *n, p->base)) snprintf(p->base, sizeof p->base, "%s_%s", sname, art);
        for (int c = 2; name_taken(plan, *n, p->base); c++)
            snprintf(p->base, sizeof p->base, "%s%d_%s", sname, c, art);
        p->fmt = pc_view_find_for(names[i], suite)->animated ? anim : PC_ART_PNG;
        snprintf(p->path, sizeof p->path, "%s/%s%s", dir, p->base,
                 p->fmt == PC_ART_PNG ? ".png" : p->fmt == PC_ART_MP4 ? ".mp4" : ".gif");
        (*n)++;
    }
    return 0;
}

int pc_cmd_export(int argc, char **argv) {
    for (int i = 1; i < argc; i++) /* --format picks a single-file export (export_volume.c) */
        if (strcmp(argv[i], "--format") == 0 || strncmp(argv[i], "--format=", 9) == 0)
            return pc_cmd_export_format(argc, argv);
    static const struct option opts[] = {
        {"out", required_argument, 0, 'o'},    {"width", required_argument, 0, 'W'},
        {"height", required_argument, 0, 'H'}, {"scale", required_argument, 0, 's'},
        {"fps", required_argument, 0, 'f'},    {"frames", required_argument, 0, 'n'},
        {"animated", required_argument, 0, 'a'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const char *dir = NULL, *anim_arg = "auto";
    double w = 1280, h = 720, scale = 1, fps = PC_ART_DEFAULT_FPS, frames = 0;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        int r = 0;
        switch (c) {
        case 'o': dir = optarg; break;
        case 'W': r = pc_cli_parse_num("export", "width", optarg, 16, 8192, &w); break;
        case 'H': r = pc_cli_parse_num("export", "height", optarg, 16, 8192, &h); break;
        case 's': r = pc_cli_parse_num("export", "scale", optarg, 0.25, 8, &scale); break;
        case 'f': r = pc_cli_parse_num("export", "fps", optarg, 1, PC_ART_MAX_FPS, &fps); break;
        case 'n':
            r = pc_cli_parse_num("export", "frames", optarg, 1, PC_ART_MAX_FRAMES, &frames);
            if (r == 0 && frames != (int)frames)
                r = pc_cli_usage_error("export", "--frames wants a whole number, got '%s'", optarg);
            break;
        case 'a': anim_arg = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        default: return pc_cli_usage_error("export", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (r) return r;
    }
    int n_inputs = argc - optind;
    if (n_inputs < 1) return pc_cli_usage_error("export", "expected at least one result FILE");
    if (n_inputs > MAX_INPUTS) return pc_cli_usage_error("export", "at most %d result files at once", MAX_INPUTS);
    if (!dir || !dir[0]) return pc_cli_usage_error("export", "--out DIR is required");
    char dirbuf[2048]; /* without trailing slashes, so paths read DIR/name */
    if (snprintf(dirbuf, sizeof dirbuf, "%s", dir) >= (int)sizeof dirbuf)
        return pc_cli_usage_error("export", "--out path is too long");
    for (size_t n = strlen(dirbuf); n > 1 && dirbuf[n - 1] == '/'; n--) dirbuf[n - 1] = '\0';
    dir = dirbuf;
    if (strcmp(anim_arg, "auto") && strcmp(anim_arg, "mp4") && strcmp(anim_arg, "gif"))
        return pc_cli_usage_error("export", "--animated wants auto, mp4 or gif, got '%s'", anim_arg);

    pc_errbuf_t err = {{0}};
    pc_ffmpeg_t ff;
    pc_artifact_fmt_t anim = PC_ART_GIF;
    int have_ff = 0;
    if (strcmp(anim_arg, "gif") != 0) {
        have_ff = pc_video_find_ffmpeg(&ff, &err) == 0;
        if (!have_ff && strcmp(anim_arg, "mp4") == 0) {
            fprintf(stderr, "perfcast export: %s: --animated mp4 needs ffmpeg (apt-get install ffmpeg); "
                            "use --animated gif\n", err.msg);
            return 1;
        }
        if (have_ff) anim = PC_ART_MP4;
    }
    pc_artifact_opts_t o = {.width = (int)w, .height = (int)h, .scale = (float)scale, .at = -1, .fps = fps,
                            .frames = (int)frames, .ffmpeg = have_ff ? &ff : NULL};
    if (pc_artifact_check(PC_ART_PNG, &o, &err) != 0 || pc_artifact_check(anim, &o, &err) != 0)
        return pc_cli_usage_error("export", "%s%s", err.msg,
                                  anim == PC_ART_MP4 && ((o.width | o.height) & 1) ? " (or --animated gif)" : "");

    input_t inputs[MAX_INPUTS];
    memset(inputs, 0, sizeof inputs);
    plan_item_t *plan = calloc(MAX_ARTIFACTS, sizeof *plan);
    int status = plan ? 0 : 1, n_plan = 0, written = 0;
    if (!plan) fprintf(stderr, "perfcast export: out of memory\n");
    for (int k = 0; k < n_inputs && status == 0; k++) {
        inputs[k].file = argv[optind + k];
        status = load_input(&inputs[k]);
        if (status == 0) status = plan_input(inputs, k, plan, &n_plan, anim, dir);
    }
    if (status == 0 && make_dirs(dir) != 0) {
        fprintf(stderr, "perfcast export: %s: cannot create the folder: %s\n", dir, strerror(errno));
        status = 1;
    }
    int caught = status == 0;
    if (caught) pc_cli_catch_interrupts(1);
    for (int i = 0; i < n_plan && status == 0; i++) {
        plan_item_t *p = &plan[i];
        if (interrupted) { /* between files: PNGs have no progress callback to notice it */
            fprintf(stderr, "perfcast export: interrupted; %s and the rest not written\n", p->path);
            status = 130;
            break;
        }
        char label[4200];
        snprintf(label, sizeof label, "[%d/%d] %s", i + 1, n_plan, p->path);
        pc_cli_progress_t prog = {.label = label};
        pc_artifact_opts_t po = o;
        po.progress = pc_cli_progress;
        po.progress_ctx = &prog;
        int r = pc_artifact_write(inputs[p->input].m, p->view, p->path, p->fmt, &po, &err);
        pc_cli_progress_done(&prog);
        if (r == PC_ESTATE || (r != 0 && interrupted)) {
            fprintf(stderr, "perfcast export: interrupted; %s not written\n", p->path);
            status = 130;
        } else if (r != 0) {
            fprintf(stderr, "perfcast export: %s (view %s of %s): %s\n", p->path, p->view, inputs[p->input].file,
                    err.msg[0] ? err.msg : pc_strerror(r));
            status = 1;
        } else {
            written++;
        }
    }
    if (caught) pc_cli_catch_interrupts(0);
    if (written) printf("wrote %d file%s to %s/:\n", written, written == 1 ? "" : "s", dir);
    for (int i = 0; i < written; i++) {
        struct stat st;
        char size[32] = "?";
        if (stat(plan[i].path, &st) == 0) human_size((long long)st.st_size, size, sizeof size);
        const pc_model_t *m = inputs[plan[i].input].m;
        printf("  %-44s %10s  (%s %s)\n", plan[i].path, size, m->suite[0] ? m->suite : "run", plan[i].view);
    }
    if (written && status != 0) printf("(stopped after %d of %d)\n", written, n_plan);
    for (int k = 0; k < n_inputs; k++) pc_model_destroy(inputs[k].m);
    free(plan);
    return status;
}
