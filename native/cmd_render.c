/* cmd_render.c — `perfcast render FILE --view NAME -o OUT`: a viewer view drawn natively, as
 * a still image or an animation. Same model, same view function, same pixels as the page
 * (tests/wasm checks it); artifact.c does the drawing and the file formats. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "artifact.h"
#include "cli.h"
#include "model.h"
#include "views.h"
#include "views/dashboard.h"

#define MAX_RESULT_BYTES ((size_t)1 << 31)

static const char usage[] =
    "usage: perfcast render FILE --view NAME -o OUT [--width W] [--height H] [--scale S]\n"
    "                       [--at T] [--fps F] [--frames N] [--window T0:T1] [--select M]\n"
    "\n"
    "Draws a view of a result file with the viewer's own renderer. OUT's extension picks the\n"
    "format:\n"
    "  .png    the view at the end of the run (or at --at T)\n"
    "  .rgba   the same as raw 8-bit RGBA rows, no header (the viewer's framebuffer)\n"
    "  .gif    animated: frames sweep the run from its start to its end, the last frame is\n"
    "          the .png; loops forever, holding the last frame one extra second\n"
    "  .mp4    the same frames as H.264 video through ffmpeg (must be on PATH; even sizes)\n"
    "Any view can be animated; views that do not change over the run give equal frames.\n"
    "\n"
    "  --view NAME    view to draw (see 'perfcast list')\n"
    "  -o, --output   output file (written whole or not at all)\n"
    "  --width W      width in pixels (default 1280)\n"
    "  --height H     height in pixels (default 720)\n"
    "  --scale S      pixel density, like a HiDPI screen's devicePixelRatio (default 1)\n"
    "  --at T         still formats: the run as it was T seconds after it started (default: end)\n"
    "  --fps F        animated formats: frames per second (default 30; GIF at most 50)\n"
    "  --frames N     animated formats: frame count (default: the run's length at F fps,\n"
    "                 at most 600; longer runs then play faster than real time)\n"
    "  --window T0:T1 dashboard: the timeline's time window in seconds (as zoomed in the viewer)\n"
    "  --select M     dashboard: the timeline's metric, by name (render_ms) or card index (0 = first)\n";

/* "T0:T1" with 0 <= T0 < T1 (seconds) into *t0, *t1; 0 or a usage error (2). */
static int parse_window(const char *arg, double *t0, double *t1) {
    char *end, *end2 = NULL;
    double a = strtod(arg, &end), b = *end == ':' ? strtod(end + 1, &end2) : 0;
    if (end == arg || *end != ':' || end2 == end + 1 || *end2 || !(a >= 0) || !(b > a) || !(b < 1e12))
        return pc_cli_usage_error("render", "--window wants T0:T1 in seconds with 0 <= T0 < T1, got '%s'", arg);
    *t0 = a;
    *t1 = b;
    return 0;
}

/* The --select value as a metric index of m's dashboard: a name, or a whole number below the
 * number of metrics. -1 (message printed) when it names none. */
static int resolve_select(const pc_model_t *m, const char *arg) {
    int idx = pc_view_dashboard_select_index(m, arg);
    if (idx >= 0) return idx;
    char *end;
    long v = strtol(arg, &end, 10);
    if (end != arg && !*end && v >= 0 && v < 64 && pc_view_dashboard_metric_name(m, (int)v)) return (int)v;
    fprintf(stderr, "perfcast render: --select '%s' is not a metric of this run's dashboard (metrics:", arg);
    for (int i = 0; i < 64; i++) {
        const char *name = pc_view_dashboard_metric_name(m, i);
        if (!name) break;
        fprintf(stderr, "%s %s", i ? "," : "", name);
    }
    fprintf(stderr, ")\n");
    return -1;
}

int pc_cmd_render(int argc, char **argv) {
    static const struct option opts[] = {
        {"view", required_argument, 0, 'v'},   {"output", required_argument, 0, 'o'},
        {"width", required_argument, 0, 'W'},  {"height", required_argument, 0, 'H'},
        {"scale", required_argument, 0, 's'},  {"at", required_argument, 0, 't'},
        {"fps", required_argument, 0, 'f'},    {"frames", required_argument, 0, 'n'},
        {"window", required_argument, 0, 'w'}, {"select", required_argument, 0, 'S'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0},
    };
    const char *view = NULL, *out = NULL, *select = NULL;
    double win_t0 = 0, win_t1 = 0;
    double w = 1280, h = 720, scale = 1, at = -1, fps = PC_ART_DEFAULT_FPS, frames = 0;
    int have_at = 0, have_anim = 0, c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        int r = 0;
        switch (c) {
        case 'v': view = optarg; break;
        case 'o': out = optarg; break;
        case 'W': r = pc_cli_parse_num("render", "width", optarg, 16, 8192, &w); break;
        case 'H': r = pc_cli_parse_num("render", "height", optarg, 16, 8192, &h); break;
        case 's': r = pc_cli_parse_num("render", "scale", optarg, 0.25, 8, &scale); break;
        case 't': r = pc_cli_parse_num("render", "at", optarg, 0, 1e9, &at), have_at = 1; break;
        case 'f': r = pc_cli_parse_num("render", "fps", optarg, 1, PC_ART_MAX_FPS, &fps), have_anim = 1; break;
        case 'n':
            r = pc_cli_parse_num("render", "frames", optarg, 1, PC_ART_MAX_FRAMES, &frames), have_anim = 1;
            if (r == 0 && frames != (int)frames)
                r = pc_cli_usage_error("render", "--frames wants a whole number, got '%s'", optarg);
            break;
        case 'w': r = parse_window(optarg, &win_t0, &win_t1); break;
        case 'S': select = optarg; break;
        case 'h': fputs(usage, stdout); return 0;
        default: return pc_cli_usage_error("render", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (r) return r;
    }
    if (optind != argc - 1) return pc_cli_usage_error("render", "expected exactly one result FILE");
    if (!view) return pc_cli_usage_error("render", "--view NAME is required (see 'perfcast list')");
    if (!out) return pc_cli_usage_error("render", "-o OUT is required");
    if (!pc_view_find(view)) return pc_cli_usage_error("render", "unknown view '%s' (see 'perfcast list')", view);
    pc_artifact_fmt_t fmt;
    if (pc_artifact_format(out, &fmt) != 0)
        return pc_cli_usage_error("render", "cannot tell the format of '%s': use .png, .gif, .mp4 or .rgba", out);
    int animated = pc_artifact_is_animated(fmt);
    if (animated && have_at) return pc_cli_usage_error("render", "--at applies to .png and .rgba, not to animations");
    if (!animated && have_anim)
        return pc_cli_usage_error("render", "--fps and --frames apply to .gif and .mp4, not to '%s'", out);

    pc_ffmpeg_t ff;
    pc_artifact_opts_t o = {.width = (int)w, .height = (int)h, .scale = (float)scale, .at = at, .fps = fps,
                            .frames = (int)frames, .ffmpeg = fmt == PC_ART_MP4 ? &ff : NULL};
    pc_errbuf_t err = {{0}};
    if (pc_artifact_check(fmt, &o, &err) != 0) return pc_cli_usage_error("render", "%s", err.msg);
    if (fmt == PC_ART_MP4 && pc_video_find_ffmpeg(&ff, &err) != 0) {
        fprintf(stderr, "perfcast render: %s: .mp4 needs ffmpeg (apt-get install ffmpeg); write a .gif instead\n",
                err.msg);
        return 1;
    }

    const char *file = argv[optind];
    uint8_t *buf;
    size_t len;
    if (pc_cli_read_file(file, MAX_RESULT_BYTES, &buf, &len, &err) != 0) {
        fprintf(stderr, "perfcast render: %s\n", err.msg);
        return 1;
    }
    pc_model_t *m = pc_model_create();
    pc_load_info_t info;
    int r = m ? pc_model_load(m, buf, len, file, &info, &err) : pc_errf(&err, PC_ENOMEM, "out of memory");
    free(buf);
    if (r != 0) {
        fprintf(stderr, "perfcast render: %s\n", err.msg);
        pc_model_destroy(m);
        return 1;
    }
    if (info.truncated) fprintf(stderr, "perfcast render: warning: %s\n", info.warning);

    o.win_t0 = win_t0;
    o.win_t1 = win_t1;
    if (select && (o.select = resolve_select(m, select)) < 0) {
        pc_model_destroy(m);
        return 2;
    }
    if (animated && o.frames == 0) o.frames = pc_artifact_default_frames(m, fps);
    pc_cli_progress_t prog = {.label = out};
    if (animated) {
        o.progress = pc_cli_progress;
        o.progress_ctx = &prog;
        pc_cli_catch_interrupts(1);
    }
    r = pc_artifact_write(m, view, out, fmt, &o, &err);
    pc_model_destroy(m);
    if (animated) pc_cli_progress_done(&prog);
    if (r == PC_ESTATE || (r != 0 && pc_cli_interrupted())) {
        fprintf(stderr, "perfcast render: interrupted; %s not written\n", out);
        return 130;
    }
    if (animated) pc_cli_catch_interrupts(0);
    if (r != 0) {
        fprintf(stderr, "perfcast render: %s\n", err.msg[0] ? err.msg : pc_strerror(r));
        return 1;
    }
    if (animated)
        fprintf(stderr, "perfcast: wrote %s (%dx%d, %d frames at %g fps%s%s, view %s)\n", out, o.width, o.height,
                o.frames, fps, fmt == PC_ART_MP4 ? ", " : "", fmt == PC_ART_MP4 ? ff.codec : "", view);
    else
        fprintf(stderr, "perfcast: wrote %s (%dx%d, view %s)\n", out, o.width, o.height, view);
    return 0;
}
