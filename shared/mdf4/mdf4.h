/* mdf4.h — ASAM MDF 4 (.mf4) measurement files: reader, channel index and streaming writer.
 *
 * Portable C11 with no platform headers, so the same code reads a file natively (the caller
 * supplies file-backed I/O: native/mf4_io.h) and in the browser (a buffer). The reader never
 * does I/O itself: it reads through a pc_mf4_source_t (a byte range in memory, or a
 * positional read callback). The writer streams through a positional write callback.
 * Compressed DZ blocks go through an optional pc_mf4_codec_t (zlib natively); without one a
 * DZ block is a clear error, not a crash.
 *
 * An MDF 4 file is a 64-byte ID block followed by blocks that link to each other by absolute
 * file offsets: HD (file header) -> DG list (data groups) -> CG list (channel groups) -> CN
 * list (channels) -> CC (conversion), TX/MD (texts); a DG's data link points to DT (raw
 * records), DZ (deflated DT), DL (list of data blocks) or HL (header of a DL list). Every
 * block starts with "##XX", u32 reserved, u64 length, u64 link count, then the links, then
 * its data section. The reader checks every link and length against the file size, detects
 * cycles in linked lists and names the file, the block and its offset in every error.
 *
 * Values: a channel's raw values are read in their own width (pc_mf4_raw_size: u8..u64,
 * i8..i64, f32, f64), so a full read of every channel takes about the file's size in memory;
 * pc_mf4_to_physical applies the channel's conversion (identity, linear, rational) to doubles.
 */
#ifndef PC_MDF4_H
#define PC_MDF4_H

#include <stddef.h>
#include <stdint.h>

#include "pc_error.h"

#define PC_MF4_ID_SIZE 64
#define PC_MF4_MAGIC "MDF     " /* the first 8 bytes of every MDF file */

/* ---- I/O interfaces (supplied by the caller) ---- */

/* Where the reader gets bytes. Either `base` holds the whole file (a buffer or a mapping), or
 * `read` fills len bytes at off (returns 0, or PC_EIO; called only for ranges inside size). */
typedef struct pc_mf4_source {
    const uint8_t *base;
    uint64_t size;
    int (*read)(void *ud, uint64_t off, void *buf, size_t len);
    void *ud;
    const char *name; /* file name used in error messages ("" when NULL); copied at open */
} pc_mf4_source_t;

/* Where the writer puts bytes: positional writes (mostly sequential; block headers are
 * patched at their offsets once their length is known). Returns 0 or PC_EIO. */
typedef struct pc_mf4_sink {
    int (*write)(void *ud, uint64_t off, const void *buf, size_t len);
    void *ud;
} pc_mf4_sink_t;

/* Deflate for DZ blocks (zlib format). inflate must produce exactly dst_len bytes (else
 * PC_ECORRUPT); deflate writes at most *dst_len bytes and sets *dst_len to what it wrote
 * (PC_ELIMIT when it does not fit); bound is the worst-case deflate size. */
typedef struct pc_mf4_codec {
    int (*inflate)(const void *src, size_t src_len, void *dst, size_t dst_len);
    int (*deflate)(const void *src, size_t src_len, void *dst, size_t *dst_len, int level);
    size_t (*bound)(size_t src_len);
} pc_mf4_codec_t;

/* ---- what a file holds ---- */

/* cn_data_type values (MDF 4.x). */
enum {
    PC_MF4_UINT_LE = 0, PC_MF4_UINT_BE = 1, PC_MF4_INT_LE = 2, PC_MF4_INT_BE = 3,
    PC_MF4_FLOAT_LE = 4, PC_MF4_FLOAT_BE = 5, PC_MF4_STRING = 6, PC_MF4_BYTES = 10,
};

/* cc_type values the reader applies; any other type reads as raw values with a note. */
enum { PC_MF4_CC_IDENTITY = 0, PC_MF4_CC_LINEAR = 1, PC_MF4_CC_RATIONAL = 2 };

/* How a channel's raw values are returned (pc_mf4_raw_kind). */
typedef enum pc_mf4_raw {
    PC_MF4_RAW_NONE = 0, /* not numeric (string, bytes, VLSD ...): not read */
    PC_MF4_RAW_U8, PC_MF4_RAW_U16, PC_MF4_RAW_U32, PC_MF4_RAW_U64,
    PC_MF4_RAW_I8, PC_MF4_RAW_I16, PC_MF4_RAW_I32, PC_MF4_RAW_I64,
    PC_MF4_RAW_F32, PC_MF4_RAW_F64,
} pc_mf4_raw_t;

typedef struct pc_mf4_channel {
    char name[128];
    char unit[32];
    char comment[128];
    int group;                /* index of its channel group */
    uint8_t cn_type;          /* 0 fixed length, 1 VLSD, 2 master, 3 virtual master ... */
    uint8_t sync_type;        /* 0 none, 1 time, 2 angle, 3 distance, 4 index */
    uint8_t data_type;        /* PC_MF4_UINT_LE ... */
    uint8_t bit_offset;       /* 0..7 */
    uint32_t byte_offset;     /* in the record, after the record id */
    uint32_t bit_count;
    pc_mf4_raw_t raw;         /* how pc_mf4_read returns it */
    uint8_t cc_type;          /* PC_MF4_CC_*, or another cc_type (then cc_supported = 0) */
    uint8_t cc_supported;     /* 1: pc_mf4_to_physical applies it; 0: raw values + note */
    double cc[6];             /* linear: cc[0] + cc[1] * x; rational: 6 coefficients */
    uint64_t offset;          /* CN block offset in the file (for messages) */
} pc_mf4_channel_t;

typedef struct pc_mf4_group {
    char name[128];           /* acquisition name (cg_tx_acq_name), or "" */
    char comment[128];
    char source[64];          /* acquisition source name (SI block), or "" */
    uint64_t dg_offset, cg_offset;
    uint8_t rec_id_size;      /* bytes of record id before each record (0 in sorted groups) */
    uint32_t data_bytes, inval_bytes;
    uint32_t record_size;     /* rec_id_size + data_bytes + inval_bytes */
    uint64_t cycle_count;     /* records as the CG says */
    uint64_t n_records;       /* records actually present (<= cycle_count when data is short) */
    int first_channel, n_channels; /* channels[first_channel .. +n_channels) */
    int master;               /* channel index of the master (time) channel, or -1 */
    size_t first_block, n_blocks; /* blocks[first_block .. +n_blocks): the data stream */
    int readable;             /* 0: see note (unsorted, VLSD group ...) */
    char note[128];           /* why a group is not readable or what was clamped; "" when none */
} pc_mf4_group_t;

/* One data block of a group's record stream (the index keeps these). */
typedef struct pc_mf4_block {
    uint64_t offset;          /* block offset in the file */
    uint64_t data_offset;     /* file offset of its stored bytes (after the block's header) */
    uint64_t stream_start;    /* byte of the group's record stream where its data begins */
    uint64_t data_len;        /* bytes of record data it holds (uncompressed) */
    uint64_t stored_len;      /* bytes stored (DZ: compressed) */
    uint8_t kind;             /* 'T' DT, 'Z' DZ */
    uint8_t zip_type;         /* DZ: 0 deflate, 1 transposition + deflate */
    uint32_t zip_param;       /* DZ type 1: columns (record size) */
} pc_mf4_block_t;

typedef struct pc_mf4_file pc_mf4_file_t;

/* ---- reading ---- */

/* Opens an MDF 4.00–4.x file: checks the ID block, walks HD -> DG -> CG -> CN (with their
 * texts and conversions) and the data block lists. codec may be NULL (DZ blocks then fail
 * when read). The source must stay valid until pc_mf4_close. Returns 0 with *out set, or
 * PC_EFORMAT / PC_ETRUNC / PC_ECORRUPT / PC_EVERSION / PC_ENOMEM / PC_EIO with err naming
 * the file, the block and its offset. Free with pc_mf4_close. */
int pc_mf4_open(const pc_mf4_source_t *src, const pc_mf4_codec_t *codec, pc_mf4_file_t **out, pc_errbuf_t *err);
/* Frees an open file; NULL is fine. */
void pc_mf4_close(pc_mf4_file_t *f);

/* True when buf (len bytes) starts with the MDF magic. */
int pc_mf4_is_mdf(const void *buf, size_t len);
/* "4.10" version string, program id, start time (ns since 1970, UTC) of an open file. */
const char *pc_mf4_version(const pc_mf4_file_t *f);
int pc_mf4_version_number(const pc_mf4_file_t *f);
const char *pc_mf4_program(const pc_mf4_file_t *f);
uint64_t pc_mf4_start_ns(const pc_mf4_file_t *f);
/* Groups and channels (pointers valid until pc_mf4_close). */
int pc_mf4_n_groups(const pc_mf4_file_t *f);
const pc_mf4_group_t *pc_mf4_group(const pc_mf4_file_t *f, int g);
int pc_mf4_n_channels(const pc_mf4_file_t *f);
const pc_mf4_channel_t *pc_mf4_channel(const pc_mf4_file_t *f, int c);
const pc_mf4_block_t *pc_mf4_blocks(const pc_mf4_file_t *f, size_t *n);
/* Index of the channel called name (in group g, or any group when g < 0), or -1. */
int pc_mf4_find_channel(const pc_mf4_file_t *f, int g, const char *name);
/* The name given at open (for messages). */
const char *pc_mf4_name(const pc_mf4_file_t *f);

/* Bytes per raw value of a channel (0 when not numeric). */
size_t pc_mf4_raw_size(pc_mf4_raw_t r);
/* "uint16", "float64", "bit", "string" ... for listings. */
const char *pc_mf4_type_name(const pc_mf4_channel_t *c);

/* Reads n_records records from `first` of channels chans[0..n) (all in group g) into out[i]
 * (each caller-owned, n_records * pc_mf4_raw_size(channel.raw) bytes). Only the bytes of the
 * records in range are read; DZ blocks are inflated one at a time. Returns 0, PC_EINVAL
 * (channel not numeric / not in g / range past the end), PC_EFORMAT (group not readable,
 * DZ without a codec: "compressed data not supported here") or a read error, with err
 * naming the file and block. */
int pc_mf4_read(pc_mf4_file_t *f, int g, const int *chans, int n, void *const *out, uint64_t first,
                uint64_t n_records, pc_errbuf_t *err);
/* Converts n raw values (as pc_mf4_read returned them) of channel c to physical values. */
void pc_mf4_to_physical(const pc_mf4_channel_t *c, const void *raw, size_t n, double *out);
/* One raw value as double (no conversion). */
double pc_mf4_raw_at(pc_mf4_raw_t r, const void *raw, size_t i);

/* ---- the channel index ---- */

/* Serializes the open file's structure (groups, channels, data blocks) so a later open can
 * skip the block walk. *out is malloc'ed (caller frees with free); returns 0 or PC_ENOMEM. */
int pc_mf4_index_save(const pc_mf4_file_t *f, uint8_t **out, size_t *len);
/* Opens src using a saved index instead of walking blocks. The index must describe this file
 * (same size and ID/HD bytes) and pass its own checks, else PC_ECORRUPT / PC_EFORMAT with err
 * saying why (the caller can fall back to pc_mf4_open). Free with pc_mf4_close. */
int pc_mf4_open_indexed(const pc_mf4_source_t *src, const pc_mf4_codec_t *codec, const uint8_t *idx, size_t len,
                        pc_mf4_file_t **out, pc_errbuf_t *err);

/* ---- writing ---- */

typedef struct pc_mf4_writer pc_mf4_writer_t;

typedef struct pc_mf4_writer_opts {
    uint64_t block_size;      /* record bytes per DT/DZ block (rounded to whole records); 0: 4 MiB */
    int compress;             /* 1: DZ blocks (needs codec) */
    int transpose;            /* with compress: zip type 1 (transposition + deflate) */
    int level;                /* deflate level 1..9; 0: 1 (fast) */
    const pc_mf4_codec_t *codec;
    uint64_t start_ns;        /* HD start time, ns since 1970 UTC */
    const char *comment;      /* file comment (HD), may be NULL */
} pc_mf4_writer_opts_t;

/* A channel to add: its value type and conversion. */
typedef struct pc_mf4_chan_def {
    const char *name;
    const char *unit;         /* may be NULL */
    const char *comment;      /* may be NULL */
    uint8_t data_type;        /* PC_MF4_UINT_LE, ..._INT_*, ..._FLOAT_* (LE or BE) */
    uint32_t bit_count;       /* 1..64 for integers (< 8 packs with neighbouring bit channels); 32/64 for floats */
    int master;               /* 1: the group's master time channel (float64 seconds) */
    uint8_t cc_type;          /* PC_MF4_CC_IDENTITY, _LINEAR (cc[0] + cc[1]*x), _RATIONAL */
    double cc[6];
} pc_mf4_chan_def_t;

/* Layout of a channel in the record, as the writer placed it. */
typedef struct pc_mf4_slot {
    uint32_t byte_offset;
    uint8_t bit_offset;
    uint32_t bit_count;
    uint8_t data_type;
} pc_mf4_slot_t;

/* Creates a writer; writes the ID and HD blocks at once. opts may be NULL. Returns NULL when
 * out of memory or opts are inconsistent (compress without codec). Free with
 * pc_mf4_writer_close (which finishes the file) or pc_mf4_writer_abort. */
pc_mf4_writer_t *pc_mf4_writer_create(const pc_mf4_sink_t *sink, const pc_mf4_writer_opts_t *opts);
/* Adds a channel group (a DG with one CG); returns its index >= 0 or a PC_E* code. */
int pc_mf4_writer_add_group(pc_mf4_writer_t *w, const char *name, const char *comment);
/* Adds a channel to group g before its first record; returns the channel's index in the
 * group (>= 0) and fills *slot (may be NULL), or PC_EINVAL / PC_ESTATE / PC_ENOMEM. */
int pc_mf4_writer_add_channel(pc_mf4_writer_t *w, int g, const pc_mf4_chan_def_t *def, pc_mf4_slot_t *slot);
/* Bytes per record of group g (fixed once its first record is appended). */
uint32_t pc_mf4_writer_record_size(const pc_mf4_writer_t *w, int g);
/* Appends n whole records (record_size bytes each, packed with pc_mf4_pack_*) to group g.
 * Uncompressed data goes straight to the sink; nothing is kept but one block when
 * compressing. Returns 0, PC_EIO (sink), PC_ENOMEM, PC_ECORRUPT (codec). */
int pc_mf4_writer_append(pc_mf4_writer_t *w, int g, const void *records, size_t n);
/* Writes the data lists, DG/CG/CN/CC/TX/MD/SI blocks and links them from HD; then frees
 * the writer (also on error). Returns 0 or the first error. */
int pc_mf4_writer_close(pc_mf4_writer_t *w);
/* Frees the writer without finishing the file. NULL is fine. */
void pc_mf4_writer_abort(pc_mf4_writer_t *w);

/* Packs an integer (two's complement for signed) / a float into a record at the slot. */
void pc_mf4_pack_int(uint8_t *rec, const pc_mf4_slot_t *s, uint64_t v);
void pc_mf4_pack_float(uint8_t *rec, const pc_mf4_slot_t *s, double v);

#endif
