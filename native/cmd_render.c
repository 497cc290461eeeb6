/* cmd_render.c — `perfcast render FILE --view NAME -o OUT`: a viewer view drawn natively.
 * Same model, same view function, same pixels as the page (tests/wasm checks it). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "font.h"
#include "model.h"
#include "png.h"
#include "views.h"

#define MAX_RESULT_BYTES ((size_t)1 << 31)
#define MAX_SIDE 8192

static const char usage[] =
    "usage: perfcast render FILE --view NAME -o OUT [--width W] [--height H] [--scale S] [--at T]\n"
    "\n"
    "Draws a view of a result file with the viewer's own renderer. OUT's extension picks the\n"
    "format: .png, or .rgba (raw 8-bit RGBA rows, no header, as the viewer's framebuffer).\n"
    "\n"
    "  --view NAME    view to draw (see 'perfcast list')\n"
    "  -o, --output   output file\n"
    "  --width W      width in pixels (default 1280)\n"
    "  --height H     height in pixels (default 720)\n"
    "  --scale S      pixel density, like a HiDPI screen's devicePixelRatio (default 1)\n"
    "  --at T         draw the run as it was T seconds after it started (default: the end)\n";

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int write_rgba(const char *path, const pc_fb_t *fb, pc_errbuf_t *err) {
    FILE *f = fopen(path, "wb");
    if (!f) return pc_errf(err, PC_EIO, "%s: cannot create", path);
    for (int y = 0; y < fb->h; y++) fwrite(fb->px + (size_t)y * fb->stride, 4, (size_t)fb->w, f);
    if (fclose(f) != 0) return pc_errf(err, PC_EIO, "%s: write failed", path);
    return 0;
}

/* Parses a positive number option; returns 0 or prints the usage error and returns 2. */
static int parse_num(const char *name, const char *arg, double lo, double hi, double *out) {
    char *end;
    double v = strtod(arg, &end);
    if (*end || !(v >= lo && v <= hi))
        return pc_cli_usage_error("render", "--%s wants a number in [%g, %g], got '%s'", name, lo, hi, arg);
    *out = v;
    return 0;
}

int pc_cmd_render(int argc, char **argv) {
    static const struct option opts[] = {
        {"view", required_argument, 0, 'v'},  {"output", required_argument, 0, 'o'},
        {"width", required_argument, 0, 'W'}, {"height", required_argument, 0, 'H'},
        {"scale", required_argument, 0, 's'}, {"at", required_argument, 0, 't'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0},
    };
    const char *view = NULL, *out = NULL;
    double w = 1280, h = 720, scale = 1, at = -1;
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        int r = 0;
        switch (c) {
        case 'v': view = optarg; break;
        case 'o': out = optarg; break;
        case 'W': r = parse_num("width", optarg, 16, MAX_SIDE, &w); break;
        case 'H': r = parse_num("height", optarg, 16, MAX_SIDE, &h); break;
        case 's': r = parse_num("scale", optarg, 0.25, 8, &scale); break;
        case 't': r = parse_num("at", optarg, 0, 1e9, &at); break;
        case 'h': fputs(usage, stdout); return 0;
        default: return pc_cli_usage_error("render", "unknown or incomplete option '%s'", argv[optind - 1]);
        }
        if (r) return r;
    }
    if (optind != argc - 1) return pc_cli_usage_error("render", "expected exactly one result FILE");
    if (!view) return pc_cli_usage_error("render", "--view NAME is required (see 'perfcast list')");
    if (!out) return pc_cli_usage_error("render", "-o OUT is required");
    if (!pc_view_find(view)) return pc_cli_usage_error("render", "unknown view '%s' (see 'perfcast list')", view);
    int raw = ends_with(out, ".rgba");
    if (!raw && !ends_with(out, ".png"))
        return pc_cli_usage_error("render", "cannot tell the format of '%s': use .png or .rgba", out);

    const char *file = argv[optind];
    pc_errbuf_t err = {{0}};
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

    pc_fb_t fb = {.w = (int)w, .h = (int)h, .stride = (int)w};
    fb.px = calloc((size_t)fb.stride * (size_t)fb.h, sizeof *fb.px);
    pc_font_t *font = pc_font_create();
    int status = 0;
    if (!fb.px || !font) {
        fprintf(stderr, "perfcast render: out of memory\n");
        status = 1;
    } else {
        pc_view_state_t st = {.t_cursor = at, .scale = (float)scale, .font = font};
        r = pc_view_draw(view, &fb, m, &st);
        if (r == 0) r = raw ? write_rgba(out, &fb, &err) : pc_png_write(out, &fb, &err);
        if (r != 0) {
            fprintf(stderr, "perfcast render: %s\n", err.msg[0] ? err.msg : pc_strerror(r));
            status = 1;
        } else {
            fprintf(stderr, "perfcast: wrote %s (%dx%d, view %s)\n", out, fb.w, fb.h, view);
        }
    }
    pc_font_destroy(font);
    free(fb.px);
    pc_model_destroy(m);
    return status;
}
