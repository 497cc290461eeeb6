/* fuzz_model.c — libFuzzer target for the result model (shared/model.c) and the views that
 * read it: the record stream is network-facing (the agent validates what a publishing program
 * sends by applying it to a model; the viewer applies what the agent sends and files the user
 * opens), so every input is treated as untrusted records, the way those callers use them:
 *
 *   (a) as a whole result file with pc_model_load (a valid 16-byte file header is put in front
 *       when the input does not start with one, so the fuzzer gets past the magic);
 *   (b) as WebSocket messages with pc_model_feed into the same model reset for a new run (as
 *       the viewer does), with a valid header record applied first unless the stream starts
 *       with its own, so every other kind is reached: all of it as one message (applied up to
 *       the first bad record), then one record per message, a failing one skipped and the next
 *       still fed, as the viewer keeps a live run going;
 *   (c) after each, the read side views use: pc_model_hist_at, _book_at, _mesh_at + _mesh_get,
 *       _img_at, _alert_at, _summary_num, _param_num; and once per input, at 320 x 200 with
 *       text, the dashboard (also zoomed and panned by pointer input), the suite's summary view
 *       and one other view of the registry chosen by a hash of the input.
 *
 * Records carry a CRC-32 that random mutation almost never gets right, so each part runs on
 * the input as it is (corrupt records are refused: the torn-tail path) and, when that differs,
 * on a copy whose CRCs are recomputed, which is where the payload parsers get exercised.
 * Besides the sanitizers, a few invariants the views rely on abort() when broken (a kept mesh
 * frame parses again, an image frame's pixels lie inside img_bytes, book level counts fit).
 * Built with clang-14 -fsanitize=fuzzer,address,undefined by tests/CMakeLists.txt and run
 * briefly by ctest over the seed corpus tests/data/model-corpus/ (see gen_model_corpus.c);
 * new inputs go to the build directory. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "font.h"
#include "gfx.h"
#include "meshrec.h"
#include "model.h"
#include "views.h"

#define FB_W 320
#define FB_H 200

/* The header record put in front of a stream that has none: a series of each sort the views
 * read, and params the views look up. */
static const char HEADER_JSON[] =
    "{\"format\":\"perfcast\",\"suite\":\"tracker\",\"run_id\":\"fuzz\",\"params\":{\"messages\":1000,\"pin\":true},"
    "\"series\":[{\"name\":\"spsc\",\"label\":\"spsc\",\"unit\":\"ns\"},{\"name\":\"mutex\"},{\"name\":\"fps\"}]}";

static pc_font_t *font; /* created once: its glyph cache is the slow part of text */
static uint32_t fb_px[FB_W * FB_H];

/* A copy of buf (len bytes) with the CRC of every whole record framed in it recomputed; the
 * bytes after the last whole record are copied as they are. Caller frees. */
static uint8_t *fix_crcs(const uint8_t *buf, size_t len) {
    uint8_t *out = malloc(len ? len : 1);
    if (!out) return NULL;
    memcpy(out, buf, len);
    size_t off = 0, sz;
    while ((sz = pc_record_peek_size(out + off, len - off)) != 0) {
        uint32_t crc = pc_crc32(0, out + off, sz - 4);
        for (int i = 0; i < 4; i++) out[off + sz - 4 + i] = (uint8_t)(crc >> (8 * i));
        off += sz;
    }
    return out;
}

/* Reads what views read, at a few times (t < 0: the end). */
static void read_side(const pc_model_t *m) {
    double d = pc_model_duration(m);
    double ts[] = {-1, 0, d * 0.5, d, d + 1};
    static pc_hist_t h; /* 30 KiB: not on the stack */
    for (int s = 0; s < m->n_series; s++) {
        const pc_series_t *se = &m->series[s];
        for (size_t k = 0; k < sizeof ts / sizeof ts[0]; k++) {
            pc_model_hist_at(se, ts[k], &h);
            (void)pc_hist_quantile(&h, 0.99);
            (void)pc_hist_mean(&h);
            (void)pc_model_alert_at(m, se->name, ts[k]);
        }
        (void)pc_model_series(m, se->name);
    }
    for (size_t k = 0; k < sizeof ts / sizeof ts[0]; k++) {
        const pc_book_frame_t *b = pc_model_book_at(m, ts[k]);
        if (b && (b->n_bids < 0 || b->n_bids > PC_BOOK_MAX_LEVELS || b->n_asks < 0 ||
                  b->n_asks > PC_BOOK_MAX_LEVELS || b->n_trades < 0 || b->n_trades > PC_BOOK_MAX_TRADES))
            abort(); /* a frame the views would index past its arrays */
        const pc_mesh_frame_t *f = pc_model_mesh_at(m, ts[k]);
        pc_meshrec_t mr;
        if (f && pc_model_mesh_get(m, f, &mr) == 0) {
            float pos[3], nrm[3];
            uint32_t v[3];
            if (mr.n_vert) {
                pc_meshrec_vertex(&mr, 0, pos, nrm);
                pc_meshrec_vertex(&mr, mr.n_vert - 1, pos, nrm);
            }
            if (mr.n_tri) pc_meshrec_tri(&mr, mr.n_tri - 1, v);
        } else if (f) {
            abort(); /* a kept frame must parse again */
        }
        const pc_img_frame_t *im = pc_model_img_at(m, ts[k]);
        if (im) { /* its pixels must lie inside img_bytes */
            size_t px = (size_t)im->w * (size_t)im->h * 3;
            if (im->off > m->img_len || px > m->img_len - im->off) abort();
            volatile uint8_t last = m->img_bytes[im->off + px - 1];
            (void)last;
        }
        (void)pc_model_alert_at(m, "fps", ts[k]);
    }
    (void)pc_model_summary_num(m, "spsc_msgs_per_s", 0);
    (void)pc_model_summary_num(m, "frames", 0);
    (void)pc_model_param_num(m, "messages", 0);
    (void)pc_model_param_num(m, "pin", 0);
    (void)pc_model_header_str(m, "started", "");
}

/* Draws what a viewer of m shows: the dashboard at the end, the summary view for m's suite,
 * one more view of the registry picked by `pick` (any view can be asked for by name, whatever
 * the suite), and the dashboard again after a wheel zoom and a drag on its timeline, half way. */
static void draw_views(const pc_model_t *m, uint32_t pick) {
    pc_fb_t fb = pc_fb_make(fb_px, FB_W, FB_H);
    pc_view_state_t st = {.t_cursor = -1, .scale = 1.0f, .font = font};
    pc_view_draw("dashboard", &fb, m, &st);
    pc_view_draw("summary", &fb, m, &st);
    size_t n;
    const pc_view_def_t *v = &pc_views(&n)[pick % n];
    v->draw(&fb, m, &st);
    st.t_cursor = pc_model_duration(m) * 0.5;
    const pc_view_input_t in[] = {
        {PC_INPUT_WHEEL, FB_W * 0.6f, FB_H * 0.35f, -3}, {PC_INPUT_DOWN, FB_W * 0.6f, FB_H * 0.35f, 0},
        {PC_INPUT_MOVE, FB_W * 0.5f, FB_H * 0.35f, 0},   {PC_INPUT_UP, FB_W * 0.5f, FB_H * 0.35f, 0},
        {PC_INPUT_DOWN, FB_W * 0.1f, FB_H * 0.3f, 0},    {PC_INPUT_UP, FB_W * 0.1f, FB_H * 0.3f, 0},
    };
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) pc_view_input("dashboard", &st, m, FB_W, FB_H, &in[i]);
    pc_view_draw("dashboard", &fb, m, &st);
}

/* (a): the bytes as a whole file. Returns whether the model holds a loaded run. */
static int load_file(pc_model_t *m, const uint8_t *data, size_t size, int has_magic) {
    uint8_t *file = malloc(size + PC_FILE_HEADER_SIZE);
    if (!file) return 0;
    size_t len = size;
    if (has_magic) {
        memcpy(file, data, size);
    } else {
        pc_file_header_write(file);
        memcpy(file + PC_FILE_HEADER_SIZE, data, size);
        len += PC_FILE_HEADER_SIZE;
    }
    pc_model_reset(m);
    pc_load_info_t info;
    pc_errbuf_t err = {{0}};
    int r = pc_model_load(m, file, len, "fuzz.pcast", &info, &err);
    if (r == 0 && (info.valid_bytes > len || info.valid_bytes < PC_FILE_HEADER_SIZE)) abort();
    free(file);
    return r == 0;
}

/* Resets m for a new run and, unless stream s starts with its own header record, applies
 * the canned one, as a viewer that joined a live run would have it. */
static void start_run(pc_model_t *m, const uint8_t *s, size_t n) {
    pc_model_reset(m);
    pc_record_t rec;
    size_t used;
    if (pc_record_decode(s, n, &rec, &used) == 0 && rec.kind == PC_REC_HEADER) return;
    static uint8_t hdr[sizeof HEADER_JSON + PC_RECORD_OVERHEAD];
    size_t hl = pc_record_encode(hdr, sizeof hdr, PC_REC_HEADER, PC_ENC_JSON, HEADER_JSON, strlen(HEADER_JSON));
    pc_errbuf_t err = {{0}};
    if (pc_model_feed(m, hdr, hl, &err) != 0) abort();
}

/* (b): the bytes after any file header as WebSocket messages: all in one message (which
 * stops at the first bad record), then one record per message, skipping those that fail. */
static void feed_stream(pc_model_t *m, const uint8_t *s, size_t n) {
    pc_errbuf_t err = {{0}};
    start_run(m, s, n);
    pc_model_feed(m, s, n, &err);
    start_run(m, s, n);
    size_t off = 0, sz;
    while ((sz = pc_record_peek_size(s + off, n - off)) != 0) {
        pc_model_feed(m, s + off, sz, &err);
        off += sz;
    }
    if (off < n) pc_model_feed(m, s + off, n - off, &err); /* a torn last message */
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    font = pc_font_create();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* a fresh model per input so a finding reproduces from its input alone; within one input
     * the model is reset and reused between parts, as the viewer reuses one across runs */
    pc_model_t *m = pc_model_create();
    if (!m) return 0;
    int has_magic = size >= 8 && memcmp(data, PC_FILE_MAGIC, 8) == 0;
    size_t skip = has_magic ? (size < PC_FILE_HEADER_SIZE ? size : PC_FILE_HEADER_SIZE) : 0;
    uint8_t *fixed = fix_crcs(data + skip, size - skip);
    uint8_t *whole = NULL; /* the input with fixed CRCs, its file header included */
    int differs = fixed && memcmp(fixed, data + skip, size - skip) != 0;
    if (differs && (whole = malloc(size))) {
        memcpy(whole, data, skip);
        memcpy(whole + skip, fixed, size - skip);
    }

    uint32_t pick = 2166136261u; /* FNV-1a of the input: which extra view it draws */
    for (size_t i = 0; i < size; i++) pick = (pick ^ data[i]) * 16777619u;
    int loaded = load_file(m, data, size, has_magic);
    if (loaded) read_side(m);
    if (whole && (loaded = load_file(m, whole, size, has_magic))) read_side(m);
    if (loaded) draw_views(m, pick); /* what a user opening the file sees (a failed load shows nothing) */
    feed_stream(m, data + skip, size - skip);
    read_side(m);
    if (differs) {
        feed_stream(m, fixed, size - skip);
        read_side(m);
    }
    if (!loaded) draw_views(m, pick); /* what the viewer of a live run sees */
    pc_model_destroy(m);
    free(whole);
    free(fixed);
    return 0;
}
