/* mdf4_index.c — the channel index: an open file's structure saved so a later open skips the
 * block walk.
 *
 * Layout (little-endian): "PCMF4IX1" | u64 file size | u32 crc32 of the file's first 4 KiB |
 * u32 n_groups | u32 n_channels | u32 n_blocks | version[8] program[8] u16 version u64 start |
 * groups | channels | blocks | u32 crc32 of everything before it. Each record is written field
 * by field (no struct images), so the layout does not depend on the compiler. A loaded index
 * goes through the same validation as a walked file before anything reads data with it. */
#include <stdlib.h>
#include <string.h>

#include "mdf4_internal.h"
#include "record.h" /* pc_crc32 */

#define MAGIC "PCMF4IX1"
#define HEAD (8 + 8 + 4 + 12 + 8 + 8 + 2 + 8)
#define GROUP_BYTES (128 + 128 + 64 + 8 + 8 + 1 + 4 + 4 + 4 + 8 + 8 + 4 + 4 + 4 + 8 + 8 + 1 + 128)
#define CHAN_BYTES (128 + 32 + 128 + 4 + 1 + 1 + 1 + 1 + 4 + 4 + 1 + 1 + 48 + 8)
#define BLOCK_BYTES (8 + 8 + 8 + 8 + 8 + 1 + 1 + 4)

typedef struct cur {
    uint8_t *p;
    const uint8_t *end;
} cur_t;

static void put(cur_t *c, const void *v, size_t n) {
    memcpy(c->p, v, n);
    c->p += n;
}
static void put8(cur_t *c, uint8_t v) { *c->p++ = v; }
static void put32(cur_t *c, uint32_t v) { pc_mf4_put32(c->p, v); c->p += 4; }
static void put64(cur_t *c, uint64_t v) { pc_mf4_put64(c->p, v); c->p += 8; }
static void putf(cur_t *c, double d) {
    uint64_t u;
    memcpy(&u, &d, 8);
    put64(c, u);
}

int pc_mf4_index_save(const pc_mf4_file_t *f, uint8_t **out, size_t *len) {
    uint32_t head_crc = 0;
    if (pc_mf4__head_crc(f, &head_crc)) return PC_EIO;
    size_t n = HEAD + (size_t)f->n_groups * GROUP_BYTES + (size_t)f->n_channels * CHAN_BYTES +
               f->n_blocks * BLOCK_BYTES + 4;
    uint8_t *buf = malloc(n);
    if (!buf) return PC_ENOMEM;
    cur_t c = {buf, buf + n};
    put(&c, MAGIC, 8);
    put64(&c, f->src.size);
    put32(&c, head_crc);
    put32(&c, (uint32_t)f->n_groups);
    put32(&c, (uint32_t)f->n_channels);
    put32(&c, (uint32_t)f->n_blocks);
    put(&c, f->version, 8);
    put(&c, f->program, 8);
    pc_mf4_put16(c.p, (uint16_t)f->version_num);
    c.p += 2;
    put64(&c, f->start_ns);
    for (int i = 0; i < f->n_groups; i++) {
        const pc_mf4_group_t *g = &f->groups[i];
        put(&c, g->name, 128);
        put(&c, g->comment, 128);
        put(&c, g->source, 64);
        put64(&c, g->dg_offset);
        put64(&c, g->cg_offset);
        put8(&c, g->rec_id_size);
        put32(&c, g->data_bytes);
        put32(&c, g->inval_bytes);
        put32(&c, g->record_size);
        put64(&c, g->cycle_count);
        put64(&c, g->n_records);
        put32(&c, (uint32_t)g->first_channel);
        put32(&c, (uint32_t)g->n_channels);
        put32(&c, (uint32_t)g->master);
        put64(&c, g->first_block);
        put64(&c, g->n_blocks);
        put8(&c, (uint8_t)g->readable);
        put(&c, g->note, 128);
    }
    for (int i = 0; i < f->n_channels; i++) {
        const pc_mf4_channel_t *ch = &f->channels[i];
        put(&c, ch->name, 128);
        put(&c, ch->unit, 32);
        put(&c, ch->comment, 128);
        put32(&c, (uint32_t)ch->group);
        put8(&c, ch->cn_type);
        put8(&c, ch->sync_type);
        put8(&c, ch->data_type);
        put8(&c, ch->bit_offset);
        put32(&c, ch->byte_offset);
        put32(&c, ch->bit_count);
        put8(&c, ch->cc_type);
        put8(&c, ch->cc_supported);
        for (int k = 0; k < 6; k++) putf(&c, ch->cc[k]);
        put64(&c, ch->offset);
    }
    for (size_t i = 0; i < f->n_blocks; i++) {
        const pc_mf4_block_t *b = &f->blocks[i];
        put64(&c, b->offset);
        put64(&c, b->data_offset);
        put64(&c, b->stream_start);
        put64(&c, b->data_len);
        put64(&c, b->stored_len);
        put8(&c, b->kind);
        put8(&c, b->zip_type);
        put32(&c, b->zip_param);
    }
    put32(&c, pc_crc32(0, buf, n - 4));
    *out = buf;
    *len = n;
    return 0;
}

static uint8_t get8(const uint8_t **p) { return *(*p)++; }
static uint32_t get32(const uint8_t **p) {
    uint32_t v = pc_mf4_u32(*p);
    *p += 4;
    return v;
}
static uint64_t get64(const uint8_t **p) {
    uint64_t v = pc_mf4_u64(*p);
    *p += 8;
    return v;
}
static void gets_(const uint8_t **p, char *dst, size_t n) {
    memcpy(dst, *p, n);
    dst[n - 1] = 0;
    *p += n;
}

int pc_mf4_open_indexed(const pc_mf4_source_t *src, const pc_mf4_codec_t *codec, const uint8_t *idx, size_t len,
                        pc_mf4_file_t **out, pc_errbuf_t *err) {
    *out = NULL;
    const char *nm = src && src->name && src->name[0] ? src->name : "(mdf4)";
    if (!src || (!src->base && !src->read)) return pc_errf(err, PC_EINVAL, "mdf4: no source to read from");
    if (len < HEAD + 4 || memcmp(idx, MAGIC, 8))
        return pc_errf(err, PC_EFORMAT, "%s: the index is not a perfcast MDF4 index", nm);
    if (pc_crc32(0, idx, len - 4) != pc_mf4_u32(idx + len - 4))
        return pc_errf(err, PC_ECORRUPT, "%s: the index is damaged (checksum)", nm);
    const uint8_t *p = idx + 8;
    uint64_t size = get64(&p);
    uint32_t head_crc = get32(&p);
    uint32_t ng = get32(&p), nc = get32(&p), nb = get32(&p);
    if (size != src->size)
        return pc_errf(err, PC_ECORRUPT, "%s: the index is for a file of %llu bytes, this one has %llu (stale index)", nm,
                       (unsigned long long)size, (unsigned long long)src->size);
    if ((uint64_t)ng * GROUP_BYTES + (uint64_t)nc * CHAN_BYTES + (uint64_t)nb * BLOCK_BYTES + HEAD + 4 != len)
        return pc_errf(err, PC_ECORRUPT, "%s: the index's counts do not match its length", nm);
    pc_mf4_file_t *f = pc_mf4__alloc(src, codec);
    if (!f) return pc_errf(err, PC_ENOMEM, "out of memory");
    uint32_t crc = 0;
    int r = pc_mf4__head_crc(f, &crc);
    if (r || crc != head_crc) {
        pc_mf4_close(f);
        return pc_errf(err, r ? r : PC_ECORRUPT, "%s: %s", nm, r ? "cannot read the file's first bytes"
                                                                  : "the file changed since the index was made (stale index)");
    }
    memcpy(f->version, p, 8);
    f->version[8] = 0;
    p += 8;
    memcpy(f->program, p, 8);
    f->program[8] = 0;
    p += 8;
    f->version_num = pc_mf4_u16(p);
    p += 2;
    f->start_ns = get64(&p);
    f->groups = calloc(ng ? ng : 1, sizeof *f->groups);
    f->channels = calloc(nc ? nc : 1, sizeof *f->channels);
    f->blocks = calloc(nb ? nb : 1, sizeof *f->blocks);
    if (!f->groups || !f->channels || !f->blocks) {
        pc_mf4_close(f);
        return pc_errf(err, PC_ENOMEM, "out of memory");
    }
    f->n_groups = f->cap_groups = (int)ng;
    f->n_channels = f->cap_channels = (int)nc;
    f->n_blocks = f->cap_blocks = nb;
    for (uint32_t i = 0; i < ng; i++) {
        pc_mf4_group_t *g = &f->groups[i];
        gets_(&p, g->name, 128);
        gets_(&p, g->comment, 128);
        gets_(&p, g->source, 64);
        g->dg_offset = get64(&p);
        g->cg_offset = get64(&p);
        g->rec_id_size = get8(&p);
        g->data_bytes = get32(&p);
        g->inval_bytes = get32(&p);
        g->record_size = get32(&p);
        g->cycle_count = get64(&p);
        g->n_records = get64(&p);
        g->first_channel = (int)get32(&p);
        g->n_channels = (int)get32(&p);
        g->master = (int)get32(&p);
        g->first_block = (size_t)get64(&p);
        g->n_blocks = (size_t)get64(&p);
        g->readable = get8(&p) != 0;
        gets_(&p, g->note, 128);
    }
    for (uint32_t i = 0; i < nc; i++) {
        pc_mf4_channel_t *ch = &f->channels[i];
        gets_(&p, ch->name, 128);
        gets_(&p, ch->unit, 32);
        gets_(&p, ch->comment, 128);
        ch->group = (int)get32(&p);
        ch->cn_type = get8(&p);
        ch->sync_type = get8(&p);
        ch->data_type = get8(&p);
        ch->bit_offset = get8(&p);
        ch->byte_offset = get32(&p);
        ch->bit_count = get32(&p);
        ch->cc_type = get8(&p);
        ch->cc_supported = get8(&p) != 0 && ch->cc_type <= PC_MF4_CC_RATIONAL;
        for (int k = 0; k < 6; k++) {
            uint64_t u = get64(&p);
            memcpy(&ch->cc[k], &u, 8);
        }
        ch->offset = get64(&p);
        if (ch->bit_offset > 7) ch->bit_count = 0; /* not readable; validate skips it */
    }
    for (uint32_t i = 0; i < nb; i++) {
        pc_mf4_block_t *b = &f->blocks[i];
        b->offset = get64(&p);
        b->data_offset = get64(&p);
        b->stream_start = get64(&p);
        b->data_len = get64(&p);
        b->stored_len = get64(&p);
        b->kind = get8(&p);
        b->zip_type = get8(&p);
        b->zip_param = get32(&p);
        if (b->kind == 'Z' && (b->zip_type > 1 || (b->zip_type == 1 && b->zip_param == 0))) b->kind = 0;
    }
    /* channels must belong to the group whose range holds them */
    for (uint32_t i = 0; i < ng && !r; i++)
        if (f->groups[i].readable && f->groups[i].record_size == 0 && f->groups[i].n_records) r = PC_ECORRUPT;
    if (!r) r = pc_mf4__validate(f, err);
    else pc_errf(err, r, "%s: the index is inconsistent", nm);
    if (r) {
        pc_mf4_close(f);
        return r;
    }
    *out = f;
    return 0;
}
