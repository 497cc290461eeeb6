/* mdf4_read.c — opening an MDF 4 file: the ID block and the walk of the block tree.
 *
 * Every block is read through blk_read(), which checks that the block lies inside the file,
 * that its id is one the link may point to and that its length covers its header, links and
 * the data fields read from it. Linked lists (DG, CG, CN, DL) go through a visited set, so a
 * link that points back into a list is reported as a cycle instead of looping. Allocations
 * grow only with blocks actually found in the file, so their total is bounded by its size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdf4_internal.h"
#include "record.h" /* pc_crc32 */

#define BLK_CACHE 4096          /* bytes of a block read at once (links and data fields) */
#define MAX_DZ_RATIO 1100       /* deflate cannot expand more than ~1032:1 */
#define MAX_DZ_BLOCK (1ull << 30) /* one inflated block at most (memory bound) */

/* ---- the walk's state ---- */

typedef struct walk {
    pc_mf4_file_t *f;
    pc_errbuf_t *err;
    uint64_t *seen; /* open-addressing set of block offsets already used in a list */
    size_t cap_seen, n_seen;
} walk_t;

typedef struct blk {
    uint64_t off, len, nlinks;
    char id[3];                 /* "CN" */
    uint8_t buf[BLK_CACHE];     /* the block's first bytes */
    size_t have;                /* bytes of it in buf */
} blk_t;

static const char *fname(const pc_mf4_file_t *f) { return f->name[0] ? f->name : "(mdf4)"; }

int pc_mf4__read_at(const pc_mf4_file_t *f, uint64_t off, void *buf, size_t len) {
    if (off > f->src.size || len > f->src.size - off) return PC_ETRUNC;
    if (len == 0) return 0;
    if (f->src.base) {
        memcpy(buf, f->src.base + off, len);
        return 0;
    }
    if (!f->src.read) return PC_EIO;
    return f->src.read(f->src.ud, off, buf, len) ? PC_EIO : 0;
}

/* Remembers a list block; returns 1 when it was already there (a cycle or a shared list). */
static int seen_add(walk_t *w, uint64_t off) {
    if (w->n_seen * 2 >= w->cap_seen) {
        size_t ncap = w->cap_seen ? w->cap_seen * 2 : 256;
        uint64_t *n = calloc(ncap, sizeof *n);
        if (!n) return -1;
        for (size_t i = 0; i < w->cap_seen; i++) {
            uint64_t v = w->seen[i];
            if (!v) continue;
            size_t h = (size_t)((v * 0x9E3779B97F4A7C15ull) >> 17) & (ncap - 1);
            while (n[h]) h = (h + 1) & (ncap - 1);
            n[h] = v;
        }
        free(w->seen);
        w->seen = n;
        w->cap_seen = ncap;
    }
    size_t h = (size_t)((off * 0x9E3779B97F4A7C15ull) >> 17) & (w->cap_seen - 1);
    while (w->seen[h]) {
        if (w->seen[h] == off) return 1;
        h = (h + 1) & (w->cap_seen - 1);
    }
    w->seen[h] = off;
    w->n_seen++;
    return 0;
}

/* Reads the block a link points to. `want` lists the ids it may have ("CN", or "DT|DZ|DL|HL");
 * `from` names the referring field for messages ("cn_cn_next of CN block at 0x..."). */
static int blk_read(walk_t *w, uint64_t off, const char *want, const char *from, blk_t *b) {
    pc_mf4_file_t *f = w->f;
    if (off < PC_MF4_ID_SIZE || off > f->src.size || f->src.size - off < 24)
        return pc_errf(w->err, PC_ECORRUPT, "%s: %s: link 0x%llx points %s (file size %llu)", fname(f), from,
                       (unsigned long long)off, off < PC_MF4_ID_SIZE ? "into the ID block" : "past the end of the file",
                       (unsigned long long)f->src.size);
    uint64_t avail = f->src.size - off;
    size_t first = avail < BLK_CACHE ? (size_t)avail : BLK_CACHE;
    int r = pc_mf4__read_at(f, off, b->buf, first);
    if (r) return pc_errf(w->err, r, "%s: %s: cannot read the block at offset 0x%llx", fname(f), from,
                          (unsigned long long)off);
    if (b->buf[0] != '#' || b->buf[1] != '#')
        return pc_errf(w->err, PC_ECORRUPT, "%s: %s: no block at offset 0x%llx (found bytes %02x %02x, not \"##\")",
                       fname(f), from, (unsigned long long)off, b->buf[0], b->buf[1]);
    b->id[0] = (char)b->buf[2];
    b->id[1] = (char)b->buf[3];
    b->id[2] = 0;
    int ok = 0;
    for (const char *p = want; *p && !ok; p += p[2] == '|' ? 3 : 2)
        ok = p[0] == b->id[0] && p[1] == b->id[1];
    if (!ok) {
        char shown[3] = {(b->id[0] >= 32 && b->id[0] < 127) ? b->id[0] : '?',
                         (b->id[1] >= 32 && b->id[1] < 127) ? b->id[1] : '?', 0};
        return pc_errf(w->err, PC_ECORRUPT, "%s: %s: block at offset 0x%llx is ##%s, expected ##%s", fname(f), from,
                       (unsigned long long)off, shown, want);
    }
    b->off = off;
    b->len = pc_mf4_u64(b->buf + 8);
    b->nlinks = pc_mf4_u64(b->buf + 16);
    if (b->len < 24 || b->len > avail)
        return pc_errf(w->err, b->len < 24 ? PC_ECORRUPT : PC_ETRUNC,
                       "%s: %s block at offset 0x%llx: length %llu %s (file size %llu)", fname(f), b->id,
                       (unsigned long long)off, (unsigned long long)b->len,
                       b->len < 24 ? "is shorter than a block header" : "runs past the end of the file",
                       (unsigned long long)f->src.size);
    if (b->nlinks > (b->len - 24) / 8)
        return pc_errf(w->err, PC_ECORRUPT, "%s: %s block at offset 0x%llx: %llu links do not fit in its length %llu",
                       fname(f), b->id, (unsigned long long)off, (unsigned long long)b->nlinks,
                       (unsigned long long)b->len);
    b->have = b->len < first ? (size_t)b->len : first;
    return 0;
}

/* Reads n bytes of the block at rel (from the block start), checked against its length. */
static int blk_bytes(walk_t *w, const blk_t *b, uint64_t rel, void *dst, size_t n, const char *field) {
    if (rel > b->len || n > b->len - rel)
        return pc_errf(w->err, PC_ECORRUPT, "%s: %s block at offset 0x%llx: field %s lies past its length %llu",
                       fname(w->f), b->id, (unsigned long long)b->off, field, (unsigned long long)b->len);
    if (rel + n <= b->have) {
        memcpy(dst, b->buf + rel, n);
        return 0;
    }
    int r = pc_mf4__read_at(w->f, b->off + rel, dst, n);
    if (r) return pc_errf(w->err, r, "%s: %s block at offset 0x%llx: cannot read field %s", fname(w->f), b->id,
                          (unsigned long long)b->off, field);
    return 0;
}

/* Link i (0 when the block has fewer links: optional links of older versions are NIL). */
static int blk_link(walk_t *w, const blk_t *b, uint64_t i, uint64_t *out) {
    *out = 0;
    if (i >= b->nlinks) return 0;
    uint8_t v[8];
    int r = blk_bytes(w, b, 24 + 8 * i, v, 8, "link");
    if (!r) *out = pc_mf4_u64(v);
    return r;
}

/* The data section's field at rel (from the data section's start). */
static int blk_data(walk_t *w, const blk_t *b, uint64_t rel, void *dst, size_t n, const char *field) {
    return blk_bytes(w, b, 24 + 8 * b->nlinks + rel, dst, n, field);
}

/* ---- texts ---- */

/* Copies the first <TX>...</TX> of an XML comment (or the whole text when there is none),
 * decoding the five XML entities; result NUL-terminated, cut to cap. */
static void md_text(const char *xml, char *out, size_t cap) {
    const char *s = strstr(xml, "<TX>");
    const char *e = NULL;
    if (s) {
        s += 4;
        e = strstr(s, "</TX>");
    } else if (xml[0] == '<') {
        s = "";
    } else {
        s = xml;
    }
    size_t o = 0;
    for (const char *p = s; *p && (!e || p < e) && o + 1 < cap; p++) {
        static const struct { const char *ent; char c; } ents[] = {
            {"&lt;", '<'}, {"&gt;", '>'}, {"&amp;", '&'}, {"&quot;", '"'}, {"&apos;", '\''}};
        char c = *p;
        for (size_t k = 0; k < 5; k++) {
            size_t l = strlen(ents[k].ent);
            if (!strncmp(p, ents[k].ent, l)) {
                c = ents[k].c;
                p += l - 1;
                break;
            }
        }
        out[o++] = c;
    }
    out[o] = 0;
}

/* Reads a TX or MD block's text into out (cap bytes, cut when longer); link 0 gives "". */
static int read_text(walk_t *w, uint64_t link, const char *from, char *out, size_t cap) {
    out[0] = 0;
    if (!link) return 0;
    blk_t *b = malloc(sizeof *b);
    if (!b) return pc_errf(w->err, PC_ENOMEM, "out of memory");
    int r = blk_read(w, link, "TX|MD", from, b);
    if (!r) {
        uint64_t start = 24 + 8 * b->nlinks;
        size_t n = (size_t)(b->len - start);
        char tmp[1024];
        if (n > sizeof tmp - 1) n = sizeof tmp - 1;
        r = blk_bytes(w, b, start, tmp, n, "text");
        if (!r) {
            tmp[n] = 0;
            if (b->id[0] == 'M') md_text(tmp, out, cap);
            else
                snprintf(out, cap, "%.*s", (int)(cap - 1), tmp);
        }
    }
    free(b);
    return r;
}

/* ---- growing arrays ---- */

static int grow(void **p, int *cap, int need, size_t size) {
    if (need <= *cap) return 0;
    int ncap = *cap ? *cap * 2 : 8;
    while (ncap < need) ncap *= 2;
    void *n = realloc(*p, (size_t)ncap * size);
    if (!n) return PC_ENOMEM;
    *p = n;
    *cap = ncap;
    return 0;
}

static int add_block(walk_t *w, const pc_mf4_block_t *b) {
    pc_mf4_file_t *f = w->f;
    if (f->n_blocks == f->cap_blocks) {
        size_t ncap = f->cap_blocks ? f->cap_blocks * 2 : 16;
        pc_mf4_block_t *n = realloc(f->blocks, ncap * sizeof *n);
        if (!n) return pc_errf(w->err, PC_ENOMEM, "out of memory");
        f->blocks = n;
        f->cap_blocks = ncap;
    }
    f->blocks[f->n_blocks++] = *b;
    return 0;
}

/* ---- data blocks ---- */

/* Adds one DT or DZ block of group g's stream at *pos (advanced by its data length). */
static int data_block(walk_t *w, pc_mf4_group_t *g, uint64_t link, const char *from, uint64_t *pos) {
    blk_t *b = malloc(sizeof *b);
    if (!b) return pc_errf(w->err, PC_ENOMEM, "out of memory");
    int r = blk_read(w, link, "DT|DZ", from, b);
    if (!r && seen_add(w, link))
        r = pc_errf(w->err, PC_ECORRUPT, "%s: %s: data block at offset 0x%llx is listed twice (a cycle?)",
                    fname(w->f), from, (unsigned long long)link);
    pc_mf4_block_t d = {.offset = link, .stream_start = *pos};
    if (!r && b->id[1] == 'T') {
        d.kind = 'T';
        d.data_offset = link + 24 + 8 * b->nlinks;
        d.data_len = d.stored_len = b->len - 24 - 8 * b->nlinks;
    } else if (!r) {
        uint8_t h[24];
        r = blk_data(w, b, 0, h, 24, "dz header");
        if (!r) {
            d.kind = 'Z';
            d.data_offset = link + 24 + 8 * b->nlinks + 24;
            d.zip_type = h[2];
            d.zip_param = pc_mf4_u32(h + 4);
            d.data_len = pc_mf4_u64(h + 8);
            d.stored_len = pc_mf4_u64(h + 16);
            uint64_t room = b->len - 24 - 8 * b->nlinks - 24;
            if (h[0] != 'D' || h[1] != 'T')
                r = pc_errf(w->err, PC_EFORMAT, "%s: DZ block at offset 0x%llx holds a ##%c%c block, not ##DT",
                            fname(w->f), (unsigned long long)link, h[0] >= 32 && h[0] < 127 ? h[0] : '?',
                            h[1] >= 32 && h[1] < 127 ? h[1] : '?');
            else if (d.zip_type > 1)
                r = pc_errf(w->err, PC_EFORMAT, "%s: DZ block at offset 0x%llx: unknown zip type %u", fname(w->f),
                            (unsigned long long)link, d.zip_type);
            else if (d.stored_len > room)
                r = pc_errf(w->err, PC_ECORRUPT, "%s: DZ block at offset 0x%llx: %llu compressed bytes do not fit in "
                            "its length %llu", fname(w->f), (unsigned long long)link,
                            (unsigned long long)d.stored_len, (unsigned long long)b->len);
            else if (d.data_len > MAX_DZ_BLOCK || d.data_len > d.stored_len * MAX_DZ_RATIO + 64)
                r = pc_errf(w->err, PC_ECORRUPT, "%s: DZ block at offset 0x%llx: original length %llu is impossible "
                            "for %llu compressed bytes", fname(w->f), (unsigned long long)link,
                            (unsigned long long)d.data_len, (unsigned long long)d.stored_len);
            else if (d.zip_type == 1 && d.zip_param == 0)
                r = pc_errf(w->err, PC_ECORRUPT, "%s: DZ block at offset 0x%llx: transposition with 0 columns",
                            fname(w->f), (unsigned long long)link);
        }
    }
    free(b);
    if (r) return r;
    if (d.data_len == 0) return 0;
    *pos += d.data_len;
    return add_block(w, &d);
}

/* Walks a DL chain from `link`, adding its data blocks. */
static int data_list(walk_t *w, pc_mf4_group_t *g, uint64_t link, const char *from, uint64_t *pos) {
    blk_t *b = malloc(sizeof *b);
    if (!b) return pc_errf(w->err, PC_ENOMEM, "out of memory");
    char where[96];
    int r = 0;
    while (link && !r) {
        r = blk_read(w, link, "DL", from, b);
        if (r) break;
        if (seen_add(w, link)) {
            r = pc_errf(w->err, PC_ECORRUPT, "%s: %s: DL block at offset 0x%llx is visited twice (a cycle in the list)",
                        fname(w->f), from, (unsigned long long)link);
            break;
        }
        uint8_t h[8];
        r = blk_data(w, b, 0, h, 8, "dl_count");
        if (r) break;
        uint32_t count = pc_mf4_u32(h + 4);
        if ((uint64_t)count + 1 > b->nlinks) {
            r = pc_errf(w->err, PC_ECORRUPT, "%s: DL block at offset 0x%llx: dl_count %u needs %u links, it has %llu",
                        fname(w->f), (unsigned long long)link, count, count + 1, (unsigned long long)b->nlinks);
            break;
        }
        snprintf(where, sizeof where, "dl_data of DL block at 0x%llx", (unsigned long long)link);
        for (uint32_t i = 0; i < count && !r; i++) {
            uint64_t d;
            r = blk_link(w, b, 1 + i, &d);
            if (!r && d) r = data_block(w, g, d, where, pos);
        }
        if (r) break;
        r = blk_link(w, b, 0, &link);
        snprintf(where, sizeof where, "dl_dl_next of DL block at 0x%llx", (unsigned long long)b->off);
        from = where;
    }
    free(b);
    return r;
}

/* Collects the data blocks a DG's dg_data link leads to (DT, DZ, DL chain or HL -> DL). */
static int data_blocks(walk_t *w, pc_mf4_group_t *g, uint64_t link, const char *from) {
    g->first_block = w->f->n_blocks;
    uint64_t pos = 0;
    int r = 0;
    if (link) {
        blk_t *b = malloc(sizeof *b);
        if (!b) return pc_errf(w->err, PC_ENOMEM, "out of memory");
        r = blk_read(w, link, "DT|DZ|DL|HL|DV|DI|RD|SD", from, b);
        if (!r) {
            if (b->id[0] == 'D' && (b->id[1] == 'T' || b->id[1] == 'Z')) {
                r = data_block(w, g, link, from, &pos);
            } else if (!strcmp(b->id, "DL")) {
                r = data_list(w, g, link, from, &pos);
            } else if (!strcmp(b->id, "HL")) {
                uint64_t dl;
                char where[64];
                snprintf(where, sizeof where, "hl_dl_first of HL block at 0x%llx", (unsigned long long)link);
                r = blk_link(w, b, 0, &dl);
                if (!r) r = data_list(w, g, dl, where, &pos);
            } else {
                g->readable = 0;
                snprintf(g->note, sizeof g->note, "data in ##%s blocks (not read by this version)", b->id);
            }
        }
        free(b);
    }
    g->n_blocks = w->f->n_blocks - g->first_block;
    if (r) return r;
    uint64_t have = g->record_size ? pos / g->record_size : 0;
    g->n_records = g->cycle_count < have ? g->cycle_count : have;
    if (g->readable && have < g->cycle_count)
        snprintf(g->note, sizeof g->note, "data holds %llu of %llu records (file cut short?)",
                 (unsigned long long)have, (unsigned long long)g->cycle_count);
    return 0;
}

/* ---- channels ---- */

void pc_mf4__set_raw(pc_mf4_channel_t *c) {
    c->raw = PC_MF4_RAW_NONE;
    uint32_t bits = c->bit_count;
    if (c->cn_type == 1 || c->cn_type == 3 || c->cn_type == 6 || bits == 0) return; /* VLSD, virtual */
    if (c->bit_offset + (uint64_t)bits > 64) return;
    switch (c->data_type) {
    case PC_MF4_UINT_LE: case PC_MF4_UINT_BE:
        c->raw = bits <= 8 ? PC_MF4_RAW_U8 : bits <= 16 ? PC_MF4_RAW_U16 : bits <= 32 ? PC_MF4_RAW_U32 : PC_MF4_RAW_U64;
        break;
    case PC_MF4_INT_LE: case PC_MF4_INT_BE:
        c->raw = bits <= 8 ? PC_MF4_RAW_I8 : bits <= 16 ? PC_MF4_RAW_I16 : bits <= 32 ? PC_MF4_RAW_I32 : PC_MF4_RAW_I64;
        break;
    case PC_MF4_FLOAT_LE: case PC_MF4_FLOAT_BE:
        if (c->bit_offset == 0 && bits == 32) c->raw = PC_MF4_RAW_F32;
        else if (c->bit_offset == 0 && bits == 64) c->raw = PC_MF4_RAW_F64;
        break;
    default:
        break;
    }
}

/* Reads the CC block at link into c (type and coefficients); unknown types keep raw values. */
static int read_conversion(walk_t *w, pc_mf4_channel_t *c, uint64_t link, const char *from) {
    c->cc_type = PC_MF4_CC_IDENTITY;
    c->cc_supported = 1;
    c->cc[1] = 1;
    if (!link) return 0;
    blk_t *b = malloc(sizeof *b);
    if (!b) return pc_errf(w->err, PC_ENOMEM, "out of memory");
    int r = blk_read(w, link, "CC", from, b);
    uint8_t h[24];
    if (!r) r = blk_data(w, b, 0, h, 24, "cc_type");
    if (!r) {
        c->cc_type = h[0];
        uint16_t nval = pc_mf4_u16(h + 6);
        size_t need = c->cc_type == PC_MF4_CC_LINEAR ? 2 : c->cc_type == PC_MF4_CC_RATIONAL ? 6 : 0;
        c->cc_supported = c->cc_type <= PC_MF4_CC_RATIONAL;
        if (need && nval < need)
            r = pc_errf(w->err, PC_ECORRUPT, "%s: CC block at offset 0x%llx: type %u needs %zu values, it has %u",
                        fname(w->f), (unsigned long long)link, c->cc_type, need, nval);
        for (size_t i = 0; i < need && !r; i++) {
            uint8_t v[8];
            r = blk_data(w, b, 24 + 8 * i, v, 8, "cc_val");
            if (!r) c->cc[i] = pc_mf4_f64(v);
        }
    }
    free(b);
    return r;
}

/* Walks group g's CN list from link. */
static int channels(walk_t *w, pc_mf4_group_t *g, int gi, uint64_t link, const char *from0) {
    pc_mf4_file_t *f = w->f;
    blk_t *b = malloc(sizeof *b);
    if (!b) return pc_errf(w->err, PC_ENOMEM, "out of memory");
    g->first_channel = f->n_channels;
    g->master = -1;
    char from[96], sub[96];
    snprintf(from, sizeof from, "%s", from0);
    int r = 0;
    while (link && !r) {
        r = blk_read(w, link, "CN", from, b);
        if (r) break;
        if (seen_add(w, link)) {
            r = pc_errf(w->err, PC_ECORRUPT, "%s: %s: CN block at offset 0x%llx is visited twice (a cycle in the list)",
                        fname(f), from, (unsigned long long)link);
            break;
        }
        if (grow((void **)&f->channels, &f->cap_channels, f->n_channels + 1, sizeof *f->channels)) {
            r = pc_errf(w->err, PC_ENOMEM, "out of memory");
            break;
        }
        pc_mf4_channel_t *c = &f->channels[f->n_channels];
        memset(c, 0, sizeof *c);
        c->group = gi;
        c->offset = link;
        uint64_t lk[8];
        for (int i = 0; i < 8 && !r; i++) r = blk_link(w, b, (uint64_t)i, &lk[i]);
        uint8_t d[24];
        if (!r) r = blk_data(w, b, 0, d, 24, "cn_type");
        if (r) break;
        c->cn_type = d[0];
        c->sync_type = d[1];
        c->data_type = d[2];
        c->bit_offset = d[3];
        c->byte_offset = pc_mf4_u32(d + 4);
        c->bit_count = pc_mf4_u32(d + 8);
        snprintf(sub, sizeof sub, "cn_tx_name of CN block at 0x%llx", (unsigned long long)link);
        r = read_text(w, lk[2], sub, c->name, sizeof c->name);
        snprintf(sub, sizeof sub, "cn_md_unit of CN block at 0x%llx", (unsigned long long)link);
        if (!r) r = read_text(w, lk[6], sub, c->unit, sizeof c->unit);
        snprintf(sub, sizeof sub, "cn_md_comment of CN block at 0x%llx", (unsigned long long)link);
        if (!r) r = read_text(w, lk[7], sub, c->comment, sizeof c->comment);
        snprintf(sub, sizeof sub, "cn_cc_conversion of CN block at 0x%llx", (unsigned long long)link);
        if (!r) r = read_conversion(w, c, lk[4], sub);
        if (r) break;
        if (c->bit_offset > 7) {
            r = pc_errf(w->err, PC_ECORRUPT, "%s: CN block at offset 0x%llx: bit offset %u is above 7", fname(f),
                        (unsigned long long)link, c->bit_offset);
            break;
        }
        pc_mf4__set_raw(c);
        if ((c->cn_type == 2 || c->cn_type == 3) && g->master < 0) g->master = f->n_channels;
        f->n_channels++;
        link = lk[0];
        snprintf(from, sizeof from, "cn_cn_next of CN block at 0x%llx", (unsigned long long)b->off);
    }
    g->n_channels = f->n_channels - g->first_channel;
    free(b);
    return r;
}

/* ---- groups ---- */

static int walk_groups(walk_t *w, uint64_t dg_link) {
    pc_mf4_file_t *f = w->f;
    blk_t *dg = malloc(sizeof *dg), *cg = malloc(sizeof *cg);
    int r = (!dg || !cg) ? pc_errf(w->err, PC_ENOMEM, "out of memory") : 0;
    char from[96] = "hd_dg_first of HD block at 0x40", sub[96];
    while (dg_link && !r) {
        r = blk_read(w, dg_link, "DG", from, dg);
        if (r) break;
        if (seen_add(w, dg_link)) {
            r = pc_errf(w->err, PC_ECORRUPT, "%s: %s: DG block at offset 0x%llx is visited twice (a cycle in the list)",
                        fname(f), from, (unsigned long long)dg_link);
            break;
        }
        uint64_t dg_next, cg_link, data_link;
        uint8_t rid = 0;
        r = blk_link(w, dg, 0, &dg_next);
        if (!r) r = blk_link(w, dg, 1, &cg_link);
        if (!r) r = blk_link(w, dg, 2, &data_link);
        if (!r) r = blk_data(w, dg, 0, &rid, 1, "dg_rec_id_size");
        if (r) break;
        if (rid != 0 && rid != 1 && rid != 2 && rid != 4 && rid != 8) {
            r = pc_errf(w->err, PC_ECORRUPT, "%s: DG block at offset 0x%llx: record id size %u is not 0, 1, 2, 4 or 8",
                        fname(f), (unsigned long long)dg_link, rid);
            break;
        }
        snprintf(from, sizeof from, "dg_cg_first of DG block at 0x%llx", (unsigned long long)dg_link);
        int n_cg = 0, first_group = f->n_groups;
        while (cg_link && !r) {
            r = blk_read(w, cg_link, "CG", from, cg);
            if (r) break;
            if (seen_add(w, cg_link)) {
                r = pc_errf(w->err, PC_ECORRUPT, "%s: %s: CG block at offset 0x%llx is visited twice (a cycle in the list)",
                            fname(f), from, (unsigned long long)cg_link);
                break;
            }
            if (grow((void **)&f->groups, &f->cap_groups, f->n_groups + 1, sizeof *f->groups)) {
                r = pc_errf(w->err, PC_ENOMEM, "out of memory");
                break;
            }
            pc_mf4_group_t *g = &f->groups[f->n_groups];
            memset(g, 0, sizeof *g);
            g->dg_offset = dg_link;
            g->cg_offset = cg_link;
            g->rec_id_size = rid;
            g->readable = 1;
            uint64_t lk[6];
            for (int i = 0; i < 6 && !r; i++) r = blk_link(w, cg, (uint64_t)i, &lk[i]);
            uint8_t d[32];
            if (!r) r = blk_data(w, cg, 0, d, 32, "cg_record_id");
            if (r) break;
            g->cycle_count = pc_mf4_u64(d + 8);
            uint16_t flags = pc_mf4_u16(d + 16);
            g->data_bytes = pc_mf4_u32(d + 24);
            g->inval_bytes = pc_mf4_u32(d + 28);
            g->record_size = (uint32_t)rid + g->data_bytes + g->inval_bytes;
            if ((uint64_t)rid + g->data_bytes + g->inval_bytes > (1u << 30)) {
                r = pc_errf(w->err, PC_ECORRUPT, "%s: CG block at offset 0x%llx: record size %llu is impossible", fname(f),
                            (unsigned long long)cg_link, (unsigned long long)rid + g->data_bytes + g->inval_bytes);
                break;
            }
            if (flags & 1) {
                g->readable = 0;
                snprintf(g->note, sizeof g->note, "variable-length signal data group (not read)");
            }
            f->n_groups++;
            snprintf(sub, sizeof sub, "cg_tx_acq_name of CG block at 0x%llx", (unsigned long long)cg_link);
            r = read_text(w, lk[2], sub, g->name, sizeof g->name);
            snprintf(sub, sizeof sub, "cg_md_comment of CG block at 0x%llx", (unsigned long long)cg_link);
            if (!r) r = read_text(w, lk[5], sub, g->comment, sizeof g->comment);
            if (!r && lk[3]) {
                blk_t *si = malloc(sizeof *si);
                snprintf(sub, sizeof sub, "cg_si_acq_source of CG block at 0x%llx", (unsigned long long)cg_link);
                r = si ? blk_read(w, lk[3], "SI", sub, si) : pc_errf(w->err, PC_ENOMEM, "out of memory");
                uint64_t name_link = 0;
                if (!r) r = blk_link(w, si, 0, &name_link);
                snprintf(sub, sizeof sub, "si_tx_name of SI block at 0x%llx", (unsigned long long)lk[3]);
                if (!r) r = read_text(w, name_link, sub, g->source, sizeof g->source);
                free(si);
            }
            snprintf(sub, sizeof sub, "cg_cn_first of CG block at 0x%llx", (unsigned long long)cg_link);
            if (!r) r = channels(w, &f->groups[f->n_groups - 1], f->n_groups - 1, lk[1], sub);
            n_cg++;
            cg_link = lk[0];
            snprintf(from, sizeof from, "cg_cg_next of CG block at 0x%llx", (unsigned long long)cg->off);
        }
        if (r) break;
        /* the data stream belongs to the DG; with one CG it is that group's records */
        for (int gi = first_group; gi < f->n_groups; gi++) {
            pc_mf4_group_t *g = &f->groups[gi];
            if (n_cg > 1 && g->readable) {
                g->readable = 0;
                snprintf(g->note, sizeof g->note, "unsorted data group (%d channel groups share one record stream; "
                         "not read)", n_cg);
            }
        }
        if (n_cg == 1) {
            snprintf(from, sizeof from, "dg_data of DG block at 0x%llx", (unsigned long long)dg_link);
            r = data_blocks(w, &f->groups[first_group], data_link, from);
        }
        dg_link = dg_next;
        snprintf(from, sizeof from, "dg_dg_next of DG block at 0x%llx", (unsigned long long)dg->off);
    }
    free(dg);
    free(cg);
    return r;
}

/* ---- validation shared with the index loader ---- */

int pc_mf4__validate(pc_mf4_file_t *f, pc_errbuf_t *err) {
    for (int gi = 0; gi < f->n_groups; gi++) {
        pc_mf4_group_t *g = &f->groups[gi];
        if (g->first_channel < 0 || g->n_channels < 0 || g->first_channel > f->n_channels ||
            g->n_channels > f->n_channels - g->first_channel || g->first_block > f->n_blocks ||
            g->n_blocks > f->n_blocks - g->first_block || (g->master >= 0 && (g->master < g->first_channel ||
                                                            g->master >= g->first_channel + g->n_channels)))
            return pc_errf(err, PC_ECORRUPT, "%s: group %d: channel or block range out of bounds", fname(f), gi);
        if (g->record_size != (uint64_t)g->rec_id_size + g->data_bytes + g->inval_bytes)
            return pc_errf(err, PC_ECORRUPT, "%s: group %d: record size does not add up", fname(f), gi);
        uint64_t pos = 0;
        for (size_t k = 0; k < g->n_blocks; k++) {
            const pc_mf4_block_t *b = &f->blocks[g->first_block + k];
            if (b->stream_start != pos || b->data_offset > f->src.size || b->stored_len > f->src.size ||
                b->data_offset < b->offset || b->stored_len > f->src.size - b->data_offset || (b->kind != 'T' && b->kind != 'Z') ||
                (b->kind == 'T' && b->stored_len != b->data_len) || b->data_len > MAX_DZ_BLOCK * 64)
                return pc_errf(err, PC_ECORRUPT, "%s: group %d: data block at offset 0x%llx lies outside the file or "
                               "out of order", fname(f), gi, (unsigned long long)b->offset);
            pos += b->data_len;
        }
        if (g->record_size && g->n_records > pos / g->record_size)
            return pc_errf(err, PC_ECORRUPT, "%s: group %d: %llu records do not fit in its data", fname(f), gi,
                           (unsigned long long)g->n_records);
        if (g->record_size == 0 && g->n_records) g->n_records = 0;
        for (int ci = g->first_channel; ci < g->first_channel + g->n_channels; ci++) {
            pc_mf4_channel_t *c = &f->channels[ci];
            c->group = gi;
            pc_mf4__set_raw(c);
            if (c->raw == PC_MF4_RAW_NONE) continue;
            uint64_t bytes = (c->bit_offset + (uint64_t)c->bit_count + 7) / 8;
            if ((uint64_t)c->byte_offset + bytes > g->data_bytes)
                return pc_errf(err, PC_ECORRUPT, "%s: CN block at offset 0x%llx: channel \"%s\" (byte %u, %u bits) lies "
                               "outside its %u-byte record", fname(f), (unsigned long long)c->offset, c->name,
                               c->byte_offset, c->bit_count, g->data_bytes);
        }
    }
    return 0;
}

int pc_mf4__head_crc(const pc_mf4_file_t *f, uint32_t *crc) {
    uint8_t buf[PC_MF4_HEAD_CRC_BYTES];
    size_t n = f->src.size < sizeof buf ? (size_t)f->src.size : sizeof buf;
    int r = pc_mf4__read_at(f, 0, buf, n);
    if (!r) *crc = pc_crc32(0, buf, n);
    return r;
}

/* ---- open / close ---- */

pc_mf4_file_t *pc_mf4__alloc(const pc_mf4_source_t *src, const pc_mf4_codec_t *codec) {
    pc_mf4_file_t *f = calloc(1, sizeof *f);
    if (!f) return NULL;
    f->src = *src;
    f->codec = codec;
    f->z_block = (size_t)-1;
    snprintf(f->name, sizeof f->name, "%s", src->name ? src->name : "");
    f->src.name = f->name;
    return f;
}

int pc_mf4_is_mdf(const void *buf, size_t len) { return len >= 8 && !memcmp(buf, PC_MF4_MAGIC, 8); }

int pc_mf4_open(const pc_mf4_source_t *src, const pc_mf4_codec_t *codec, pc_mf4_file_t **out, pc_errbuf_t *err) {
    *out = NULL;
    if (!src || (!src->base && !src->read)) return pc_errf(err, PC_EINVAL, "mdf4: no source to read from");
    pc_mf4_file_t *f = pc_mf4__alloc(src, codec);
    if (!f) return pc_errf(err, PC_ENOMEM, "out of memory");
    walk_t w = {.f = f, .err = err};
    uint8_t id[PC_MF4_ID_SIZE];
    int r = 0;
    if (src->size < PC_MF4_ID_SIZE) {
        r = pc_errf(err, PC_ETRUNC, "%s: ID block at offset 0x0: the file has %llu bytes, an MDF file at least 64", fname(f),
                    (unsigned long long)src->size);
        goto fail;
    }
    r = pc_mf4__read_at(f, 0, id, sizeof id);
    if (r) {
        r = pc_errf(err, r, "%s: ID block at offset 0x0: cannot read it", fname(f));
        goto fail;
    }
    if (!pc_mf4_is_mdf(id, sizeof id)) {
        r = pc_errf(err, PC_EFORMAT, "%s: ID block at offset 0x0: not an MDF file (no \"MDF     \" at byte 0)", fname(f));
        goto fail;
    }
    memcpy(f->version, id + 8, 8);
    memcpy(f->program, id + 16, 8);
    for (int i = 7; i >= 0 && (f->version[i] == ' ' || f->version[i] == 0); i--) f->version[i] = 0;
    for (int i = 7; i >= 0 && (f->program[i] == ' ' || f->program[i] == 0); i--) f->program[i] = 0;
    for (int i = 0; i < 8; i++) {
        if (f->version[i] && (f->version[i] < 32 || f->version[i] > 126)) f->version[i] = '?';
        if (f->program[i] && (f->program[i] < 32 || f->program[i] > 126)) f->program[i] = '?';
    }
    f->version_num = pc_mf4_u16(id + 28);
    if (f->version_num < 400 || f->version_num >= 500) {
        r = pc_errf(err, PC_EVERSION, "%s: ID block at offset 0x0: MDF version %d (\"%s\") is not 4.x; this reader "
                    "reads MDF 4.00-4.20", fname(f), f->version_num, f->version);
        goto fail;
    }
    blk_t *hd = malloc(sizeof *hd);
    if (!hd) {
        r = pc_errf(err, PC_ENOMEM, "out of memory");
        goto fail;
    }
    r = blk_read(&w, PC_MF4_ID_SIZE, "HD", "the header link at byte 64", hd);
    uint64_t dg_first = 0;
    uint8_t t[8];
    if (!r) r = blk_link(&w, hd, 0, &dg_first);
    if (!r) r = blk_data(&w, hd, 0, t, 8, "hd_start_time_ns");
    if (!r) f->start_ns = pc_mf4_u64(t);
    free(hd);
    if (!r) r = walk_groups(&w, dg_first);
    if (!r) r = pc_mf4__validate(f, err);
    if (r) goto fail;
    free(w.seen);
    *out = f;
    return 0;
fail:
    free(w.seen);
    pc_mf4_close(f);
    return r;
}

void pc_mf4_close(pc_mf4_file_t *f) {
    if (!f) return;
    free(f->groups);
    free(f->channels);
    free(f->blocks);
    free(f->scratch);
    free(f->zbuf);
    free(f->zin);
    free(f->carry);
    free(f->ztr);
    free(f);
}

/* ---- accessors ---- */

const char *pc_mf4_version(const pc_mf4_file_t *f) { return f->version; }
int pc_mf4_version_number(const pc_mf4_file_t *f) { return f->version_num; }
const char *pc_mf4_program(const pc_mf4_file_t *f) { return f->program; }
uint64_t pc_mf4_start_ns(const pc_mf4_file_t *f) { return f->start_ns; }
int pc_mf4_n_groups(const pc_mf4_file_t *f) { return f->n_groups; }
const pc_mf4_group_t *pc_mf4_group(const pc_mf4_file_t *f, int g) {
    return g >= 0 && g < f->n_groups ? &f->groups[g] : NULL;
}
int pc_mf4_n_channels(const pc_mf4_file_t *f) { return f->n_channels; }
const pc_mf4_channel_t *pc_mf4_channel(const pc_mf4_file_t *f, int c) {
    return c >= 0 && c < f->n_channels ? &f->channels[c] : NULL;
}
const pc_mf4_block_t *pc_mf4_blocks(const pc_mf4_file_t *f, size_t *n) {
    if (n) *n = f->n_blocks;
    return f->blocks;
}
const char *pc_mf4_name(const pc_mf4_file_t *f) { return fname(f); }

int pc_mf4_find_channel(const pc_mf4_file_t *f, int g, const char *name) {
    for (int i = 0; i < f->n_channels; i++)
        if ((g < 0 || f->channels[i].group == g) && !strcmp(f->channels[i].name, name)) return i;
    return -1;
}
