/* views.h — the view registry: pure functions from (model, view state) to pixels.
 *
 * A view draws into a caller-owned framebuffer, clips everything, allocates nothing per
 * frame and keeps no globals, so the page (via wasm/) and `perfcast render` get the same
 * pixels from the same call. Adding a suite's views means adding rows to the table in
 * views.c; nothing in the agent, the CLI or the page changes. */
#ifndef PC_VIEWS_H
#define PC_VIEWS_H

#include <stddef.h>

#include "gfx.h"
#include "model.h"

typedef struct pc_view_state {
    double t_cursor; /* seconds since run start to show up to; < 0 means "everything" */
    float scale;     /* device pixels per CSS pixel (HiDPI): sizes of text and lines scale by it */
    struct pc_font *font; /* caller-created (pc_font_create), reused across frames; NULL draws no text */
    /* 3D views (volume): the orbit camera. 0 means the view's default for each, so a zeroed
     * state is a sensible one; yaw in radians added to the default angle, pitch in radians
     * (clamped to +-1.45), zoom a factor (> 1 closer, clamped to 0.25..8). */
    float yaw, pitch, zoom;
    /* Optional caller-owned scratch memory reused across frames (3D views need a z-buffer:
     * pc_view_scratch_bytes says how much); NULL or too small: the view allocates it for the
     * frame and frees it again. */
    void *scratch;
    size_t scratch_bytes;
    /* 2D views with zoom and pan (dashboard timeline): the visible time window in seconds;
     * win_t1 <= win_t0 means the whole run. */
    double win_t0, win_t1;
    /* A view's own selection (dashboard: index of the metric its timeline shows; 0 default). */
    int select;
    /* A pointer drag in progress, kept by a view's input function between events. */
    int drag;
    float drag_x, drag_y;
    double drag_t0, drag_t1;
} pc_view_state_t;

/* Pointer input forwarded by the page (or a test): positions in framebuffer pixels. */
typedef enum pc_input_kind {
    PC_INPUT_DOWN = 1, /* primary button pressed */
    PC_INPUT_MOVE = 2, /* pointer moved (with or without a button) */
    PC_INPUT_UP = 3,   /* button released; a DOWN then UP without a drag is a click */
    PC_INPUT_WHEEL = 4, /* delta > 0: wheel down / away (zoom out) */
    PC_INPUT_DBLCLICK = 5, /* back to the default window */
} pc_input_kind_t;

typedef struct pc_view_input {
    int kind; /* pc_input_kind_t */
    float x, y;
    float delta;
} pc_view_input_t;

/* Draws the view into fb. Returns 0, or a negative PC_E* code (nothing useful drawn). */
typedef int (*pc_view_draw_fn)(pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* Updates st for one pointer event on a w x h frame of the view; 1 when st changed (redraw),
 * 0 when the event meant nothing here. Pure: no globals, no allocation. */
typedef int (*pc_view_input_fn)(pc_view_state_t *st, const pc_model_t *m, int w, int h, const pc_view_input_t *in);

typedef struct pc_view_def {
    const char *name;    /* "latency-histogram": the name render and the viewer use */
    const char *title;   /* "Latency distribution" */
    const char *suite;   /* suite it belongs to, or NULL for views any run can show */
    int animated;        /* 1 when it changes with t_cursor (exported as GIF/MP4) */
    pc_view_draw_fn draw;
    pc_view_input_fn input; /* NULL: the view takes no pointer input */
} pc_view_def_t;

/* All registered views; *n receives the count. The table is static: never freed. */
const pc_view_def_t *pc_views(size_t *n);
/* The view with this name, or NULL. Several suites may each register a view of the same name
 * ("summary"); this returns a suite-independent one if there is one, else the first. */
const pc_view_def_t *pc_view_find(const char *name);
/* The view with this name for runs of `suite` (NULL: any): that suite's own row, else the
 * suite-independent row, else any row of that name; NULL when no view has the name. */
const pc_view_def_t *pc_view_find_for(const char *name, const char *suite);
/* Looks up (for the model's suite) and draws a view; PC_ENOTFOUND for an unknown name. A NULL
 * st means defaults. */
int pc_view_draw(const char *name, pc_fb_t *fb, const pc_model_t *m, const pc_view_state_t *st);
/* Hands one pointer event to view `name` (for the model's suite): 1 redraw, 0 nothing changed
 * or the view takes no input, PC_ENOTFOUND for an unknown name. */
int pc_view_input(const char *name, pc_view_state_t *st, const pc_model_t *m, int w, int h,
                  const pc_view_input_t *in);
/* Scratch bytes view `name` would like in pc_view_state_t.scratch for a w x h frame of m (0
 * for views that need none). */
size_t pc_view_scratch_bytes(const char *name, const pc_model_t *m, int w, int h);

#endif
