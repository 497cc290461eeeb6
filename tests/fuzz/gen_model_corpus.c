/* gen_model_corpus.c — writes the seed corpus of fuzz_model (tests/data/model-corpus/).
 *
 *   build/tests/gen_model_corpus tests/data/model-corpus
 *
 * Seeds are small valid inputs the fuzzer mutates from: per suite a whole result file with a
 * header and one record of every kind 2..14 (hist, window, progress, summary, end, event,
 * book, metric, binary mesh, calls, binary frame, alert, baseline) in an order a run writes
 * them, and per kind a bare record stream (no file header, no header record: fuzz_model
 * feeds those into a model that already has its header). Output is deterministic, so
 * re-running it over the committed directory changes nothing unless this file changed.
 *
 * The corpus's real-* files are small runs of the real suites, kept for realistic record
 * mixes (a header with system info, many deltas, call trees, meshes, frames):
 *   real-ringbuf  perfcast run ringbuf --quick --set messages=2000 --set duration=0.05
 *   real-volume   perfcast run volume --quick --set dim=8 --set frames=3 --set width=32 --set height=32
 *   real-fractal  perfcast run fractal --quick --set width=32 --set height=24 --set frames=3
 *   real-tracker  the tracker_demo_run test's tracker_demo.pcast */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mc.h"
#include "meshrec.h"
#include "record.h"

typedef struct buf {
    uint8_t d[16384];
    size_t n;
} buf_t;

static void add(buf_t *b, uint16_t kind, uint16_t enc, const void *p, size_t len) {
    size_t w = pc_record_encode(b->d + b->n, sizeof b->d - b->n, kind, enc, p, len);
    if (!w) {
        fprintf(stderr, "gen_model_corpus: seed buffer too small\n");
        exit(1);
    }
    b->n += w;
}

static void add_json(buf_t *b, uint16_t kind, const char *json) { add(b, kind, PC_ENC_JSON, json, strlen(json)); }

/* A tetrahedron: 4 vertices, 4 triangles, at time t. */
static size_t mesh_payload(uint8_t *out, size_t cap, double t) {
    float pos[12] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
    float nrm[12] = {-0.577f, -0.577f, -0.577f, 1, 0, 0, 0, 1, 0, 0, 0, 1};
    uint32_t idx[12] = {0, 2, 1, 0, 1, 3, 0, 3, 2, 1, 2, 3};
    pc_mesh_t m = {.pos = pos, .nrm = nrm, .idx = idx, .n_vert = 4, .n_tri = 4};
    return pc_meshrec_encode(out, cap, &m, t, 3);
}

/* A 3 x 2 RGB frame: u16 w, u16 h, u32 frame, f32 t, then the pixels. */
static size_t frame_payload(uint8_t *out, float t) {
    uint8_t head[12] = {3, 0, 2, 0, 7, 0, 0, 0};
    memcpy(head + 8, &t, 4);
    memcpy(out, head, 12);
    for (int i = 0; i < 3 * 2 * 3; i++) out[12 + i] = (uint8_t)(i * 13);
    return 12 + 3 * 2 * 3;
}

/* The records of kinds 2..14 (no header), in a run's order: end last. */
static const char *const HIST =
    "{\"t\":0.1,\"series\":\"%s\",\"b\":[60,40,70,1700,80,200,554,1],\"min\":60,\"max\":13580,\"sum\":150000}";
static const char *const WINDOW = "{\"t\":0.2,\"dt\":0.1,\"series\":\"%s\",\"count\":50000}";
static const char *const PROGRESS = "{\"t\":0.2,\"fraction\":0.5,\"phase\":\"throughput\"}";
static const char *const EVENT = "{\"t\":0.05,\"text\":\"latency phase\"}";
static const char *const BOOK =
    "{\"t\":0.25,\"mid\":100.05,\"spread\":0.1,\"last_price\":100.1,\"bids\":[[100,5],[99.9,12]],"
    "\"asks\":[[100.1,3],[100.2,8]],\"trades\":[[100.1,2,1],[100,1,-1]]}";
static const char *const METRIC =
    "{\"t\":0.3,\"values\":{\"fps\":58.5,\"frame_ms\":17.1,\"cpu_percent\":130,\"rss_mb\":42,\"core0_percent\":70,"
    "\"core1_percent\":60,\"%s\":1.5}}";
static const char *const CALLS =
    "{\"t\":0.3,\"edges\":[{\"parent\":\"\",\"child\":\"frame\",\"calls\":10,\"total_ns\":170000000},"
    "{\"parent\":\"frame\",\"child\":\"draw\",\"calls\":10,\"total_ns\":90000000}]}";
static const char *const ALERT =
    "{\"t\":0.35,\"metric\":\"frame_ms\",\"baseline\":12,\"current\":17.1,\"change\":0.425,\"threshold\":0.2,"
    "\"lower_is_better\":true,\"active\":true}";
static const char *const BASELINE =
    "{\"t\":0.01,\"threshold\":0.2,\"values\":{\"fps\":60,\"frame_ms\":12,\"timer:frame\":15000000},"
    "\"lower_is_better\":{\"fps\":false,\"frame_ms\":true}}";
static const char *const SUMMARY =
    "{\"spsc_msgs_per_s\":5e6,\"mutex_msgs_per_s\":2.5e5,\"spsc_vs_mutex_throughput\":20,\"spsc_p50_ns\":70,"
    "\"spsc_p99_ns\":80,\"orders_per_s\":1e6,\"trades_per_s\":2e5,\"frames\":3,\"dim\":8,\"avg_frame_ms\":0.5,"
    "\"effective_fps\":2000,\"avg_render_ms\":0.2,\"fps\":30,\"iterations_per_s\":1e8,\"speedup_simd\":3.5,"
    "\"speedup_threads\":1.9,\"threads\":2,\"peak_rss_mb\":42,\"timer_pair_ns\":25}";
static const char *const END = "{\"t\":0.4,\"status\":\"ok\",\"message\":\"\"}";

static void add_all_kinds(buf_t *b, const char *series) {
    char j[1024];
    uint8_t p[1024];
    add_json(b, PC_REC_BASELINE, BASELINE);
    add_json(b, PC_REC_EVENT, EVENT);
    snprintf(j, sizeof j, HIST, series);
    add_json(b, PC_REC_HIST, j);
    snprintf(j, sizeof j, "{\"t\":0.15,\"series\":\"timer:frame\",\"b\":[900,10],\"min\":16000000,\"max\":17000000,"
             "\"sum\":165000000}");
    add_json(b, PC_REC_HIST, j);
    snprintf(j, sizeof j, WINDOW, series);
    add_json(b, PC_REC_WINDOW, j);
    add_json(b, PC_REC_PROGRESS, PROGRESS);
    add_json(b, PC_REC_BOOK, BOOK);
    snprintf(j, sizeof j, METRIC, series);
    add_json(b, PC_REC_METRIC, j);
    add(b, PC_REC_MESH, PC_ENC_BINARY, p, mesh_payload(p, sizeof p, 0.3));
    add_json(b, PC_REC_CALLS, CALLS);
    add(b, PC_REC_FRAME, PC_ENC_BINARY, p, frame_payload(p, 0.3f));
    add_json(b, PC_REC_ALERT, ALERT);
    add_json(b, PC_REC_SUMMARY, SUMMARY);
    add_json(b, PC_REC_END, END);
}

static void write_file(const char *dir, const char *name, const buf_t *b) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b->d, 1, b->n, f) != b->n || fclose(f) != 0) {
        fprintf(stderr, "gen_model_corpus: cannot write %s\n", path);
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: gen_model_corpus DIR\n");
        return 2;
    }
    const char *dir = argv[1];
    /* a whole file per suite: each suite's views read different series and summary keys */
    static const struct { const char *suite, *series; } SUITES[] = {
        {"ringbuf", "spsc"}, {"orderbook", "match"}, {"backtest", "tick"}, {"volume", "frame"},
        {"mdf4", "read"},    {"fractal", "render"},  {"tracker", "timer:draw"},
    };
    for (size_t i = 0; i < sizeof SUITES / sizeof SUITES[0]; i++) {
        static buf_t b;
        b.n = PC_FILE_HEADER_SIZE;
        pc_file_header_write(b.d);
        char h[1024];
        snprintf(h, sizeof h,
                 "{\"format\":\"perfcast\",\"suite\":\"%s\",\"run_id\":\"seed-%s\",\"started\":\"2026-01-01T00:00:00Z\","
                 "\"quick\":true,\"params\":{\"messages\":2000,\"pin\":true,\"threads\":2,\"dim\":8,\"width\":32},"
                 "\"series\":[{\"name\":\"%s\",\"label\":\"seed series\",\"unit\":\"ns\"},{\"name\":\"mutex\"}],"
                 "\"views\":[\"summary\",\"dashboard\"]}",
                 SUITES[i].suite, SUITES[i].suite, SUITES[i].series);
        add_json(&b, PC_REC_HEADER, h);
        add_all_kinds(&b, SUITES[i].series);
        char name[64];
        snprintf(name, sizeof name, "file-%s.pcast", SUITES[i].suite);
        write_file(dir, name, &b);
    }
    /* bare streams, one kind each (fed after the fuzzer's own header record) */
    for (uint16_t kind = PC_REC_HIST; kind <= PC_REC_BASELINE; kind++) {
        static buf_t all, one;
        all.n = 0;
        add_all_kinds(&all, "spsc");
        one.n = 0;
        for (size_t off = 0; off < all.n;) { /* keep the records of this kind */
            size_t sz = pc_record_peek_size(all.d + off, all.n - off);
            uint16_t k = (uint16_t)(all.d[off + 4] | all.d[off + 5] << 8);
            if (k == kind) {
                memcpy(one.d + one.n, all.d + off, sz);
                one.n += sz;
            }
            off += sz;
        }
        char name[64];
        snprintf(name, sizeof name, "stream-%02u-%s.bin", kind, pc_rec_kind_name(kind));
        write_file(dir, name, &one);
    }
    return 0;
}
