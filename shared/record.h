/* record.h — the record stream: one byte format for the wire, the result file and the viewer.
 *
 * A result file is a 16-byte file header followed by records; a WebSocket binary message
 * carries one or more whole records (no file header). Layout, all little-endian:
 *
 *   file header : "PERFCAST" | u16 major | u16 minor | u32 flags (0)
 *   record      : u32 len | u16 kind | u16 enc | payload[len] | u32 crc32(bytes 0 .. 8+len)
 *
 * A reader that meets a record whose length runs past the end or whose CRC fails stops
 * there: everything before it is intact (records are appended and flushed whole), which
 * is how a file cut by SIGKILL still opens. docs/FORMAT.md is the full description. */
#ifndef PC_RECORD_H
#define PC_RECORD_H

#include <stddef.h>
#include <stdint.h>

#define PC_FILE_MAGIC "PERFCAST"
#define PC_FILE_HEADER_SIZE 16
#define PC_FORMAT_MAJOR 1 /* bumped when an old reader would misread a new file */
#define PC_FORMAT_MINOR 1 /* bumped for additions old readers safely ignore (1.1: alert, baseline) */
#define PC_RECORD_OVERHEAD 12
#define PC_RECORD_MAX_PAYLOAD (16u << 20) /* a longer length field means corruption */

/* Record kinds. Readers skip kinds they do not know (forward compatibility). */
typedef enum pc_rec_kind {
    PC_REC_HEADER = 1,   /* JSON: run id, suite, params, system info, views — always first */
    PC_REC_HIST = 2,     /* JSON: histogram delta for one series (sparse buckets) */
    PC_REC_WINDOW = 3,   /* JSON: throughput window for one series (count over dt) */
    PC_REC_PROGRESS = 4, /* JSON: fraction done and phase name */
    PC_REC_SUMMARY = 5,  /* JSON: the suite's summary keys */
    PC_REC_END = 6,      /* JSON: final status ("ok", "stopped", "error") and message */
    PC_REC_EVENT = 7,    /* JSON: phase boundaries and notes shown on timelines */
    PC_REC_BOOK = 8,     /* JSON: order-book snapshot (top levels per side, recent trades) */
    PC_REC_METRIC = 9,   /* JSON: scalar samples at one time, {"t":..,"values":{series: value}} */
    PC_REC_MESH = 10,    /* binary: one frame's triangle mesh, quantized (shared/meshrec.h) */
    PC_REC_CALLS = 11,   /* JSON: cumulative timer call tree {"t":..,"edges":[{parent,child,calls,total_ns}]} */
    PC_REC_FRAME = 12,   /* binary: one RGB image frame: u16 w, u16 h, u32 frame, f32 t, w*h*3 bytes */
    PC_REC_ALERT = 13,   /* JSON: a metric entered (or left) regression against its baseline (1.1) */
    PC_REC_BASELINE = 14, /* JSON: baseline values and directions, {"t","threshold","values","lower_is_better"} (1.1) */
} pc_rec_kind_t;

typedef enum pc_rec_enc {
    PC_ENC_JSON = 0,   /* payload is UTF-8 JSON (one object) */
    PC_ENC_BINARY = 1, /* payload layout defined by the kind (see docs/FORMAT.md) */
} pc_rec_enc_t;

/* A decoded record: points into the caller's buffer, valid as long as that buffer is. */
typedef struct pc_record {
    uint16_t kind;
    uint16_t enc;
    uint32_t len;
    const uint8_t *payload;
} pc_record_t;

/* Writes the 16-byte file header into out. Cannot fail. */
void pc_file_header_write(uint8_t out[PC_FILE_HEADER_SIZE]);

/* Checks a file header. Returns 0, PC_ETRUNC (fewer than 16 bytes), PC_EFORMAT (not a
 * perfcast file) or PC_EVERSION (major version this build cannot read); major and minor
 * receive the version when the magic matched (either may be NULL). */
int pc_file_header_check(const uint8_t *buf, size_t len, int *major, int *minor);

/* Bytes one record with `len` bytes of payload takes: len + PC_RECORD_OVERHEAD. */
static inline size_t pc_record_size(size_t len) { return len + PC_RECORD_OVERHEAD; }

/* Encodes one record into out (cap bytes). Returns the bytes written, or 0 when cap is too
 * small or len exceeds PC_RECORD_MAX_PAYLOAD (nothing written then). */
size_t pc_record_encode(uint8_t *out, size_t cap, uint16_t kind, uint16_t enc,
                        const void *payload, size_t len);

/* Decodes the record at the start of buf. On success returns 0, fills *rec (pointing into
 * buf) and *used (bytes consumed). Returns PC_ETRUNC when buf ends inside the record,
 * PC_ECORRUPT when the length is impossible or the CRC fails; *used is 0 then. */
int pc_record_decode(const uint8_t *buf, size_t len, pc_record_t *rec, size_t *used);

/* Size of the whole record framed at the start of buf, read from its length field without
 * checking the CRC (for splitting a stream already validated); 0 when fewer than 8 bytes are
 * there, the length is impossible, or the record does not fit in len. */
size_t pc_record_peek_size(const uint8_t *buf, size_t len);

/* CRC-32 (IEEE, as zlib's crc32) of len bytes, continuing from crc (start with 0). */
uint32_t pc_crc32(uint32_t crc, const void *data, size_t len);

/* Name of a record kind ("header", "hist", ...) or "unknown". */
const char *pc_rec_kind_name(uint16_t kind);

#endif
