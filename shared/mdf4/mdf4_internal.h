/* mdf4_internal.h — what mdf4_read.c, mdf4_data.c and mdf4_index.c share (not public). */
#ifndef PC_MDF4_INTERNAL_H
#define PC_MDF4_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "mdf4.h"

#define PC_MF4_HEAD_CRC_BYTES 4096 /* the index checks the file's first bytes did not change */

struct pc_mf4_file {
    pc_mf4_source_t src;
    char name[256];
    const pc_mf4_codec_t *codec;
    char version[9];
    char program[9];
    int version_num;
    uint64_t start_ns;
    pc_mf4_group_t *groups;
    int n_groups, cap_groups;
    pc_mf4_channel_t *channels;
    int n_channels, cap_channels;
    pc_mf4_block_t *blocks;
    size_t n_blocks, cap_blocks;
    uint8_t *scratch;     /* read-callback chunks (pc_mf4_read) */
    size_t cap_scratch;
    uint8_t *zbuf;        /* the last inflated DZ block */
    size_t cap_zbuf;
    size_t z_block;       /* index of the block in zbuf, or SIZE_MAX */
    uint8_t *zin;         /* compressed bytes when the source has no base */
    size_t cap_zin;
    uint8_t *ztr;         /* inflated bytes before un-transposing (zip type 1) */
    size_t cap_ztr;
    uint8_t *carry;       /* one record that spans two blocks */
    size_t cap_carry;
};

static inline uint16_t pc_mf4_u16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t pc_mf4_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t pc_mf4_u64(const uint8_t *p) { return pc_mf4_u32(p) | (uint64_t)pc_mf4_u32(p + 4) << 32; }
static inline double pc_mf4_f64(const uint8_t *p) {
    uint64_t u = pc_mf4_u64(p);
    double d;
    memcpy(&d, &u, 8);
    return d;
}
static inline void pc_mf4_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void pc_mf4_put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}
static inline void pc_mf4_put64(uint8_t *p, uint64_t v) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Reads len bytes at off from the source, bounds-checked. Returns 0, PC_ETRUNC or PC_EIO. */
int pc_mf4__read_at(const pc_mf4_file_t *f, uint64_t off, void *buf, size_t len);
/* Allocates an empty file object bound to src (name copied); NULL when out of memory. */
pc_mf4_file_t *pc_mf4__alloc(const pc_mf4_source_t *src, const pc_mf4_codec_t *codec);
/* Checks everything the data path relies on (channels inside records, blocks inside the file,
 * block ranges in stream order) and sets each channel's raw kind; used after a walk and after
 * loading an index. Returns 0 or PC_ECORRUPT with err. */
int pc_mf4__validate(pc_mf4_file_t *f, pc_errbuf_t *err);
/* Sets c->raw from its data type and bit count (PC_MF4_RAW_NONE when not numeric). */
void pc_mf4__set_raw(pc_mf4_channel_t *c);
/* crc32 of the file's first PC_MF4_HEAD_CRC_BYTES (or all of it when shorter). */
int pc_mf4__head_crc(const pc_mf4_file_t *f, uint32_t *crc);

#endif
