/* mdf4_data.c — reading channel values from a group's record stream, and conversions.
 *
 * A group's records are the concatenation of its data blocks' bytes (DT as stored, DZ
 * inflated); a record may straddle two blocks. The reader visits only the blocks that hold
 * the requested records, in pieces of at most CHUNK bytes (so a read-callback source needs
 * one small buffer, and a piece stays in cache while every requested channel is gathered
 * from it), and copies the one record that straddles a boundary into a carry buffer.
 *
 * Values are gathered per channel with a loop specialised for the common case (a byte-
 * aligned little-endian value of 1, 2, 4 or 8 bytes: one load and one store per record);
 * bit fields, big-endian values and odd widths take the general path. Both the native build
 * and wasm32 are little-endian, which the stores below rely on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdf4_internal.h"

#define CHUNK (256u << 10) /* bytes of records gathered at a time */

size_t pc_mf4_raw_size(pc_mf4_raw_t r) {
    switch (r) {
    case PC_MF4_RAW_U8: case PC_MF4_RAW_I8: return 1;
    case PC_MF4_RAW_U16: case PC_MF4_RAW_I16: return 2;
    case PC_MF4_RAW_U32: case PC_MF4_RAW_I32: case PC_MF4_RAW_F32: return 4;
    case PC_MF4_RAW_U64: case PC_MF4_RAW_I64: case PC_MF4_RAW_F64: return 8;
    default: return 0;
    }
}

const char *pc_mf4_type_name(const pc_mf4_channel_t *c) {
    static const char *const names[] = {"none", "uint8", "uint16", "uint32", "uint64", "int8", "int16",
                                        "int32", "int64", "float32", "float64"};
    if (c->cn_type == 1) return "vlsd";
    if (c->raw == PC_MF4_RAW_NONE) {
        switch (c->data_type) {
        case 6: case 7: case 8: case 9: return "string";
        case 10: return "bytes";
        default: return "other";
        }
    }
    if (c->bit_count < 8 && c->raw == PC_MF4_RAW_U8) return c->bit_count == 1 ? "bit" : "bits";
    return names[c->raw];
}

double pc_mf4_raw_at(pc_mf4_raw_t r, const void *raw, size_t i) {
    const uint8_t *p = (const uint8_t *)raw + i * pc_mf4_raw_size(r);
    switch (r) {
    case PC_MF4_RAW_U8: return *p;
    case PC_MF4_RAW_I8: return (int8_t)*p;
    case PC_MF4_RAW_U16: { uint16_t v; memcpy(&v, p, 2); return v; }
    case PC_MF4_RAW_I16: { int16_t v; memcpy(&v, p, 2); return v; }
    case PC_MF4_RAW_U32: { uint32_t v; memcpy(&v, p, 4); return v; }
    case PC_MF4_RAW_I32: { int32_t v; memcpy(&v, p, 4); return v; }
    case PC_MF4_RAW_U64: { uint64_t v; memcpy(&v, p, 8); return (double)v; }
    case PC_MF4_RAW_I64: { int64_t v; memcpy(&v, p, 8); return (double)v; }
    case PC_MF4_RAW_F32: { float v; memcpy(&v, p, 4); return v; }
    case PC_MF4_RAW_F64: { double v; memcpy(&v, p, 8); return v; }
    default: return 0;
    }
}

void pc_mf4_to_physical(const pc_mf4_channel_t *c, const void *raw, size_t n, double *out) {
    for (size_t i = 0; i < n; i++) {
        double x = pc_mf4_raw_at(c->raw, raw, i);
        if (c->cc_supported && c->cc_type == PC_MF4_CC_LINEAR) {
            x = c->cc[0] + c->cc[1] * x;
        } else if (c->cc_supported && c->cc_type == PC_MF4_CC_RATIONAL) {
            const double *p = c->cc;
            x = (p[0] * x * x + p[1] * x + p[2]) / (p[3] * x * x + p[4] * x + p[5]);
        }
        out[i] = x;
    }
}

/* ---- gathering one channel from n records ---- */

#define COPY_LOOP(W)                                                                                              \
    for (size_t i = 0; i < n; i++) memcpy(dst + i * (W), src + i * rs, (W))


static void gather(const pc_mf4_channel_t *c, size_t rid, const uint8_t *recs, size_t rs, size_t n, uint8_t *dst) {
    size_t w = pc_mf4_raw_size(c->raw);
    const uint8_t *src = recs + rid + c->byte_offset;
    int be = c->data_type == PC_MF4_UINT_BE || c->data_type == PC_MF4_INT_BE || c->data_type == PC_MF4_FLOAT_BE;
    if (c->bit_offset == 0 && c->bit_count == 8 * w) {
        if (be && w > 1) {
            /* assemble big-endian values directly (one pass, no swap afterwards) */
            for (size_t i = 0; i < n; i++) {
                const uint8_t *p = src + i * rs;
                uint64_t v = 0;
                for (size_t k = 0; k < w; k++) v = v << 8 | p[k];
                memcpy(dst + i * w, &v, w);
            }
            return;
        }
        switch (w) {
        case 1: COPY_LOOP(1); break;
        case 2: COPY_LOOP(2); break;
        case 4: COPY_LOOP(4); break;
        default: COPY_LOOP(8); break;
        }
        return;
    }
    if (c->bit_offset + c->bit_count <= 8) {
        /* a bit field inside one byte (flags, small enums): shift and mask */
        unsigned sh = c->bit_offset, bits = c->bit_count;
        uint8_t m = (uint8_t)((1u << bits) - 1);
        if (c->data_type == PC_MF4_INT_LE || c->data_type == PC_MF4_INT_BE) {
            for (size_t i = 0; i < n; i++) {
                unsigned v = (src[i * rs] >> sh) & m;
                dst[i] = (uint8_t)(v & (1u << (bits - 1)) ? v | ~(unsigned)m : v);
            }
        } else {
            for (size_t i = 0; i < n; i++) dst[i] = (uint8_t)((src[i * rs] >> sh) & m);
        }
        return;
    }
    /* bit fields and odd widths: assemble the bytes holding the value, shift, mask, extend */
    size_t nb = (c->bit_offset + c->bit_count + 7) / 8;
    uint64_t mask = c->bit_count >= 64 ? ~0ull : (1ull << c->bit_count) - 1;
    int sign = c->data_type == PC_MF4_INT_LE || c->data_type == PC_MF4_INT_BE;
    for (size_t i = 0; i < n; i++) {
        const uint8_t *p = src + i * rs;
        uint64_t v = 0;
        if (be)
            for (size_t k = 0; k < nb; k++) v = v << 8 | p[k];
        else
            for (size_t k = nb; k-- > 0;) v = v << 8 | p[k];
        v = (v >> c->bit_offset) & mask;
        if (sign && c->bit_count < 64 && (v >> (c->bit_count - 1)) & 1) v |= ~mask;
        memcpy(dst + i * w, &v, w); /* little-endian: the low bytes */
    }
}

/* ---- walking the stream ---- */

typedef struct reader {
    pc_mf4_file_t *f;
    const pc_mf4_group_t *g;
    const pc_mf4_channel_t *const *ch;
    uint8_t *const *out;
    int n;
    uint64_t first, next; /* first requested record, next record to emit */
    size_t carry_len;
} reader_t;

static void emit(reader_t *rd, const uint8_t *recs, size_t k) {
    size_t rs = rd->g->record_size;
    for (int i = 0; i < rd->n; i++) {
        size_t w = pc_mf4_raw_size(rd->ch[i]->raw);
        gather(rd->ch[i], rd->g->rec_id_size, recs, rs, k, rd->out[i] + (rd->next - rd->first) * w);
    }
    rd->next += k;
}

/* Consumes len bytes of the stream (whole records, plus a carried partial one). */
static void span(reader_t *rd, const uint8_t *p, size_t len) {
    size_t rs = rd->g->record_size;
    if (rd->carry_len) {
        size_t take = rs - rd->carry_len < len ? rs - rd->carry_len : len;
        memcpy(rd->f->carry + rd->carry_len, p, take);
        rd->carry_len += take;
        p += take;
        len -= take;
        if (rd->carry_len < rs) return;
        emit(rd, rd->f->carry, 1);
        rd->carry_len = 0;
    }
    size_t per = CHUNK / rs ? CHUNK / rs : 1;
    size_t k = len / rs;
    while (k) {
        size_t m = k < per ? k : per;
        emit(rd, p, m);
        p += m * rs;
        len -= m * rs;
        k -= m;
    }
    if (len) {
        memcpy(rd->f->carry, p, len);
        rd->carry_len = len;
    }
}

static int ensure(uint8_t **buf, size_t *cap, size_t need) {
    if (need <= *cap) return 0;
    uint8_t *n = realloc(*buf, need);
    if (!n) return PC_ENOMEM;
    *buf = n;
    *cap = need;
    return 0;
}

/* Inflates block bi into f->zbuf (kept: the next read of the same block reuses it). */
static int inflate_block(pc_mf4_file_t *f, size_t bi, pc_errbuf_t *err) {
    if (f->z_block == bi) return 0;
    const pc_mf4_block_t *b = &f->blocks[bi];
    if (!f->codec || !f->codec->inflate)
        return pc_errf(err, PC_EFORMAT, "%s: DZ block at offset 0x%llx: compressed data not supported here (this "
                       "build has no deflate)", pc_mf4_name(f), (unsigned long long)b->offset);
    const uint8_t *src;
    if (f->src.base) {
        src = f->src.base + b->data_offset;
    } else {
        if (ensure(&f->zin, &f->cap_zin, (size_t)b->stored_len + 1)) return pc_errf(err, PC_ENOMEM, "out of memory");
        int r = pc_mf4__read_at(f, b->data_offset, f->zin, (size_t)b->stored_len);
        if (r) return pc_errf(err, r, "%s: DZ block at offset 0x%llx: cannot read it", pc_mf4_name(f),
                              (unsigned long long)b->offset);
        src = f->zin;
    }
    size_t n = (size_t)b->data_len;
    f->z_block = (size_t)-1;
    if (ensure(&f->zbuf, &f->cap_zbuf, n) || (b->zip_type == 1 && ensure(&f->ztr, &f->cap_ztr, n)))
        return pc_errf(err, PC_ENOMEM, "out of memory");
    uint8_t *dst = b->zip_type == 1 ? f->ztr : f->zbuf;
    if (f->codec->inflate(src, (size_t)b->stored_len, dst, n))
        return pc_errf(err, PC_ECORRUPT, "%s: DZ block at offset 0x%llx: the deflate data is corrupt or does not "
                       "inflate to %zu bytes", pc_mf4_name(f), (unsigned long long)b->offset, n);
    if (b->zip_type == 1) {
        /* transposition: the first rows*cols bytes were stored column by column */
        /* cols (zip_param, non-zero when read) may exceed the data: then no full row exists,
         * nothing was transposed, and looping over 2^32 empty columns must not happen */
        size_t cols = b->zip_param, rows = n / cols;
        if (rows)
            for (size_t c = 0; c < cols; c++)
                for (size_t r = 0; r < rows; r++) f->zbuf[r * cols + c] = f->ztr[c * rows + r];
        memcpy(f->zbuf + rows * cols, f->ztr + rows * cols, n - rows * cols);
    }
    f->z_block = bi;
    return 0;
}

int pc_mf4_read(pc_mf4_file_t *f, int gi, const int *chans, int n, void *const *out, uint64_t first,
                uint64_t n_records, pc_errbuf_t *err) {
    const pc_mf4_group_t *g = pc_mf4_group(f, gi);
    if (!g) return pc_errf(err, PC_EINVAL, "%s: no channel group %d", pc_mf4_name(f), gi);
    if (!g->readable)
        return pc_errf(err, PC_EFORMAT, "%s: channel group %d (CG block at offset 0x%llx): %s", pc_mf4_name(f), gi,
                       (unsigned long long)g->cg_offset, g->note);
    if (first > g->n_records || n_records > g->n_records - first)
        return pc_errf(err, PC_EINVAL, "%s: channel group %d has %llu records; asked for %llu from %llu",
                       pc_mf4_name(f), gi, (unsigned long long)g->n_records, (unsigned long long)n_records,
                       (unsigned long long)first);
    enum { MAXCH = 1024 };
    if (n < 0 || n > MAXCH) return pc_errf(err, PC_EINVAL, "mdf4: at most %d channels per read", MAXCH);
    const pc_mf4_channel_t *ch[MAXCH];
    for (int i = 0; i < n; i++) {
        ch[i] = pc_mf4_channel(f, chans[i]);
        if (!ch[i] || ch[i]->group != gi)
            return pc_errf(err, PC_EINVAL, "%s: channel %d is not in group %d", pc_mf4_name(f), chans[i], gi);
        if (ch[i]->raw == PC_MF4_RAW_NONE)
            return pc_errf(err, PC_EINVAL, "%s: channel \"%s\" (CN block at offset 0x%llx) holds %s values, not numbers",
                           pc_mf4_name(f), ch[i]->name, (unsigned long long)ch[i]->offset, pc_mf4_type_name(ch[i]));
    }
    if (n == 0 || n_records == 0) return 0;
    size_t rs = g->record_size;
    if (ensure(&f->carry, &f->cap_carry, rs)) return pc_errf(err, PC_ENOMEM, "out of memory");
    reader_t rd = {.f = f, .g = g, .ch = ch, .out = (uint8_t *const *)out, .n = n, .first = first, .next = first};
    uint64_t S = first * rs, E = (first + n_records) * rs;
    for (size_t k = 0; k < g->n_blocks && rd.next < first + n_records; k++) {
        size_t bi = g->first_block + k;
        const pc_mf4_block_t *b = &f->blocks[bi];
        uint64_t bs = b->stream_start, be = bs + b->data_len;
        if (be <= S) continue;
        if (bs >= E) break;
        uint64_t lo = bs > S ? bs : S, hi = be < E ? be : E;
        if (b->kind == 'Z') {
            int r = inflate_block(f, bi, err);
            if (r) return r;
            span(&rd, f->zbuf + (lo - bs), (size_t)(hi - lo));
        } else if (f->src.base) {
            span(&rd, f->src.base + b->data_offset + (lo - bs), (size_t)(hi - lo));
        } else {
            if (ensure(&f->scratch, &f->cap_scratch, CHUNK)) return pc_errf(err, PC_ENOMEM, "out of memory");
            for (uint64_t p = lo; p < hi;) {
                size_t c = hi - p < CHUNK ? (size_t)(hi - p) : CHUNK;
                int r = pc_mf4__read_at(f, b->data_offset + (p - bs), f->scratch, c);
                if (r) return pc_errf(err, r, "%s: DT block at offset 0x%llx: cannot read %zu bytes at 0x%llx",
                                      pc_mf4_name(f), (unsigned long long)b->offset, c,
                                      (unsigned long long)(b->data_offset + (p - bs)));
                span(&rd, f->scratch, c);
                p += c;
            }
        }
    }
    if (rd.next != first + n_records)
        return pc_errf(err, PC_ECORRUPT, "%s: channel group %d: data ended after record %llu", pc_mf4_name(f), gi,
                       (unsigned long long)rd.next);
    return 0;
}
