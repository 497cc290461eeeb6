/* mdf4_write.c — a streaming MDF 4.10 writer.
 *
 * File layout it produces: ID (64 bytes) | HD (its dg_first link patched at close) | FH |
 * data blocks as records arrive (DT, or DZ when compressing) | at close, per group: a DL
 * listing its data blocks when there is more than one, then DG, CG, SI, CN, CC, TX and MD
 * blocks. Uncompressed records go straight from the caller's buffer to the sink: the open DT
 * block's header is written first with length 0 and patched when the block is full or at
 * close. Memory held: the channel definitions, one offset per data block and, when
 * compressing, one block per group. Every block is 8-byte aligned, as the standard asks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mdf4_internal.h"

#define MAX_GROUPS 256
#define MAX_CHANNELS 4096 /* per group */

typedef struct wchan {
    pc_mf4_chan_def_t def;
    char *name, *unit, *comment;
    pc_mf4_slot_t slot;
} wchan_t;

typedef struct wgroup {
    char *name, *comment;
    wchan_t *ch;
    int n_ch, cap_ch;
    uint32_t bits_used;     /* record bits laid out so far */
    uint32_t open_bit_byte; /* byte holding packed bit channels, or UINT32_MAX */
    uint32_t open_bit_pos;  /* next free bit in it */
    uint32_t rec_size;      /* fixed at the first append */
    uint64_t records;
    uint64_t *blocks;       /* offsets of its finished data blocks */
    size_t n_blocks, cap_blocks;
    uint64_t dt_off;        /* open DT block (uncompressed), or 0 */
    uint64_t dt_len;        /* record bytes in it */
    uint8_t *zbuf;          /* compressing: the block being filled */
    size_t zlen;
} wgroup_t;

struct pc_mf4_writer {
    pc_mf4_sink_t sink;
    pc_mf4_writer_opts_t o;
    char *comment;
    uint64_t pos; /* next free, 8-aligned offset */
    wgroup_t g[MAX_GROUPS];
    int n_g;
    int err;
    uint8_t *zout;
    size_t cap_zout;
};

static char *dupstr(const char *s) {
    if (!s) s = "";
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

static int wr(pc_mf4_writer_t *w, uint64_t off, const void *buf, size_t len) {
    if (w->err) return w->err;
    if (len && w->sink.write(w->sink.ud, off, buf, len)) w->err = PC_EIO;
    return w->err;
}

/* Appends bytes at the end, padded with zeros to 8; returns the offset they start at. */
static uint64_t append(pc_mf4_writer_t *w, const void *buf, size_t len) {
    static const uint8_t zero[8];
    uint64_t at = w->pos;
    wr(w, at, buf, len);
    size_t pad = (8 - len % 8) % 8;
    wr(w, at + len, zero, pad);
    w->pos += len + pad;
    return at;
}

/* The 24-byte header of a block with nlinks links and `data` bytes after them. */
static void hdr24(uint8_t *b, const char *id, uint64_t nlinks, uint64_t data) {
    memset(b, 0, 24);
    b[0] = '#';
    b[1] = '#';
    b[2] = (uint8_t)id[0];
    b[3] = (uint8_t)id[1];
    pc_mf4_put64(b + 8, 24 + 8 * nlinks + data);
    pc_mf4_put64(b + 16, nlinks);
}

/* A whole small block: header, then links and data zeroed for the caller to fill. */
static void hdr(uint8_t *b, const char *id, uint64_t nlinks, uint64_t data) {
    memset(b, 0, 24 + 8 * nlinks + data);
    hdr24(b, id, nlinks, data);
}

/* Writes a TX (xml = 0) or MD block with the text; returns its offset, 0 for empty text. */
static uint64_t text_block(pc_mf4_writer_t *w, const char *text, int xml) {
    if (!text || !text[0]) return 0;
    size_t n = strlen(text) + 1;
    uint8_t *b = malloc(24 + n);
    if (!b) {
        w->err = PC_ENOMEM;
        return 0;
    }
    hdr(b, xml ? "MD" : "TX", 0, n);
    memcpy(b + 24, text, n);
    uint64_t at = append(w, b, 24 + n);
    free(b);
    return at;
}

/* An MD comment <ROOT><TX>text</TX></ROOT> with <, >, & escaped. */
static uint64_t md_comment(pc_mf4_writer_t *w, const char *root, const char *text) {
    if (!text || !text[0]) return 0;
    size_t n = strlen(text);
    char *x = malloc(n * 5 + 64);
    if (!x) {
        w->err = PC_ENOMEM;
        return 0;
    }
    size_t o = (size_t)sprintf(x, "<%s><TX>", root);
    for (size_t i = 0; i < n; i++) {
        const char *e = text[i] == '<' ? "&lt;" : text[i] == '>' ? "&gt;" : text[i] == '&' ? "&amp;" : NULL;
        if (e) o += (size_t)sprintf(x + o, "%s", e);
        else x[o++] = text[i];
    }
    sprintf(x + o, "</TX></%s>", root);
    uint64_t at = text_block(w, x, 1);
    free(x);
    return at;
}

pc_mf4_writer_t *pc_mf4_writer_create(const pc_mf4_sink_t *sink, const pc_mf4_writer_opts_t *opts) {
    if (!sink || !sink->write) return NULL;
    pc_mf4_writer_opts_t o = {0};
    if (opts) o = *opts;
    if (o.compress && (!o.codec || !o.codec->deflate || !o.codec->bound)) return NULL;
    if (!o.block_size) o.block_size = 4u << 20;
    if (o.block_size > (1u << 30)) o.block_size = 1u << 30;
    if (!o.level) o.level = 1;
    pc_mf4_writer_t *w = calloc(1, sizeof *w);
    if (!w) return NULL;
    w->sink = *sink;
    w->o = o;
    w->comment = dupstr(o.comment);
    if (!w->comment) {
        free(w);
        return NULL;
    }
    /* ID block */
    uint8_t id[64] = {0};
    memcpy(id, "MDF     4.10    perfcast", 24);
    pc_mf4_put16(id + 28, 410);
    wr(w, 0, id, sizeof id);
    /* HD block: 6 links (dg_first patched at close, fh_first, ch, at, ev, md_comment) + 32 data */
    w->pos = 64 + 104;
    uint8_t fh[56];
    hdr(fh, "FH", 2, 16);
    pc_mf4_put64(fh + 40, o.start_ns);
    uint64_t fh_md = 0;
    uint64_t fh_at = w->pos;
    w->pos += sizeof fh;
    fh_md = text_block(w, "<FHcomment><TX>written by perfcast</TX><tool_id>perfcast</tool_id>"
                          "<tool_vendor>perfcast</tool_vendor><tool_version>1</tool_version></FHcomment>", 1);
    pc_mf4_put64(fh + 32, fh_md);
    wr(w, fh_at, fh, sizeof fh);
    uint8_t hd[104];
    hdr(hd, "HD", 6, 32);
    pc_mf4_put64(hd + 32, fh_at);
    pc_mf4_put64(hd + 64, md_comment(w, "HDcomment", w->comment));
    pc_mf4_put64(hd + 72, o.start_ns);
    wr(w, 64, hd, sizeof hd);
    if (w->err) {
        pc_mf4_writer_abort(w);
        return NULL;
    }
    return w;
}

int pc_mf4_writer_add_group(pc_mf4_writer_t *w, const char *name, const char *comment) {
    if (w->n_g >= MAX_GROUPS) return PC_ELIMIT;
    wgroup_t *g = &w->g[w->n_g];
    memset(g, 0, sizeof *g);
    g->open_bit_byte = UINT32_MAX;
    g->name = dupstr(name);
    g->comment = dupstr(comment);
    if (!g->name || !g->comment) {
        free(g->name);
        free(g->comment);
        return PC_ENOMEM;
    }
    return w->n_g++;
}

int pc_mf4_writer_add_channel(pc_mf4_writer_t *w, int gi, const pc_mf4_chan_def_t *def, pc_mf4_slot_t *slot) {
    if (gi < 0 || gi >= w->n_g || !def || !def->name) return PC_EINVAL;
    wgroup_t *g = &w->g[gi];
    if (g->rec_size) return PC_ESTATE;
    if (g->n_ch >= MAX_CHANNELS) return PC_ELIMIT;
    pc_mf4_chan_def_t d = *def;
    int isfloat = d.data_type == PC_MF4_FLOAT_LE || d.data_type == PC_MF4_FLOAT_BE;
    if (d.master) {
        d.data_type = PC_MF4_FLOAT_LE;
        d.bit_count = 64;
        isfloat = 1;
        for (int i = 0; i < g->n_ch; i++)
            if (g->ch[i].def.master) return PC_EINVAL;
    }
    if (d.data_type > PC_MF4_FLOAT_BE || d.bit_count < 1 || d.bit_count > 64 ||
        (isfloat && d.bit_count != 32 && d.bit_count != 64) || d.cc_type > PC_MF4_CC_RATIONAL)
        return PC_EINVAL;
    if (g->n_ch == g->cap_ch) {
        int ncap = g->cap_ch ? g->cap_ch * 2 : 16;
        wchan_t *n = realloc(g->ch, (size_t)ncap * sizeof *n);
        if (!n) return PC_ENOMEM;
        g->ch = n;
        g->cap_ch = ncap;
    }
    wchan_t *c = &g->ch[g->n_ch];
    memset(c, 0, sizeof *c);
    c->def = d;
    c->name = dupstr(d.name);
    c->unit = dupstr(d.unit);
    c->comment = dupstr(d.comment);
    if (!c->name || !c->unit || !c->comment) {
        free(c->name);
        free(c->unit);
        free(c->comment);
        return PC_ENOMEM;
    }
    c->slot.bit_count = d.bit_count;
    c->slot.data_type = d.data_type;
    if (d.bit_count < 8 && !isfloat) {
        /* bit channels share a byte while they fit */
        if (g->open_bit_byte == UINT32_MAX || g->open_bit_pos + d.bit_count > 8) {
            g->open_bit_byte = (g->bits_used + 7) / 8;
            g->open_bit_pos = 0;
            g->bits_used = (g->open_bit_byte + 1) * 8;
        }
        c->slot.byte_offset = g->open_bit_byte;
        c->slot.bit_offset = (uint8_t)g->open_bit_pos;
        g->open_bit_pos += d.bit_count;
    } else {
        uint32_t byte = (g->bits_used + 7) / 8;
        c->slot.byte_offset = byte;
        c->slot.bit_offset = 0;
        g->bits_used = byte * 8 + ((d.bit_count + 7) / 8) * 8;
    }
    c->def.name = c->name;
    c->def.unit = c->unit;
    c->def.comment = c->comment;
    if (slot) *slot = c->slot;
    return g->n_ch++;
}

uint32_t pc_mf4_writer_record_size(const pc_mf4_writer_t *w, int gi) {
    if (gi < 0 || gi >= w->n_g) return 0;
    return w->g[gi].rec_size ? w->g[gi].rec_size : (w->g[gi].bits_used + 7) / 8;
}

static int add_block_off(wgroup_t *g, uint64_t off) {
    if (g->n_blocks == g->cap_blocks) {
        size_t ncap = g->cap_blocks ? g->cap_blocks * 2 : 16;
        uint64_t *n = realloc(g->blocks, ncap * sizeof *n);
        if (!n) return PC_ENOMEM;
        g->blocks = n;
        g->cap_blocks = ncap;
    }
    g->blocks[g->n_blocks++] = off;
    return 0;
}

/* Finishes the open DT block: patches its length, pads the file to 8. */
static int close_dt(pc_mf4_writer_t *w, wgroup_t *g) {
    if (!g->dt_off) return w->err;
    uint8_t h[24];
    hdr24(h, "DT", 0, g->dt_len);
    wr(w, g->dt_off, h, 24);
    static const uint8_t zero[8];
    size_t pad = (size_t)((8 - g->dt_len % 8) % 8);
    wr(w, w->pos, zero, pad);
    w->pos += pad;
    g->dt_off = 0;
    return w->err;
}

/* Compresses the group's filled block into a DZ block. */
static int flush_dz(pc_mf4_writer_t *w, wgroup_t *g) {
    if (!g->zlen) return w->err;
    const uint8_t *src = g->zbuf;
    uint8_t *tr = NULL;
    if (w->o.transpose) {
        size_t cols = g->rec_size, rows = g->zlen / cols;
        tr = malloc(g->zlen);
        if (!tr) return w->err = PC_ENOMEM;
        for (size_t r = 0; r < rows; r++)
            for (size_t c = 0; c < cols; c++) tr[c * rows + r] = g->zbuf[r * cols + c];
        memcpy(tr + rows * cols, g->zbuf + rows * cols, g->zlen - rows * cols);
        src = tr;
    }
    size_t bound = w->o.codec->bound(g->zlen) + 48;
    if (bound > w->cap_zout) {
        uint8_t *n = realloc(w->zout, bound);
        if (!n) {
            free(tr);
            return w->err = PC_ENOMEM;
        }
        w->zout = n;
        w->cap_zout = bound;
    }
    size_t clen = w->cap_zout - 48;
    int r = w->o.codec->deflate(src, g->zlen, w->zout + 48, &clen, w->o.level);
    free(tr);
    if (r) return w->err = PC_ECORRUPT;
    uint8_t *b = w->zout;
    memset(b, 0, 48);
    b[0] = '#';
    b[1] = '#';
    b[2] = 'D';
    b[3] = 'Z';
    pc_mf4_put64(b + 8, 48 + clen);
    b[24] = 'D';
    b[25] = 'T';
    b[26] = w->o.transpose ? 1 : 0;
    pc_mf4_put32(b + 28, w->o.transpose ? g->rec_size : 0);
    pc_mf4_put64(b + 32, g->zlen);
    pc_mf4_put64(b + 40, clen);
    uint64_t at = append(w, b, 48 + clen);
    g->zlen = 0;
    if (!w->err && add_block_off(g, at)) w->err = PC_ENOMEM;
    return w->err;
}

int pc_mf4_writer_append(pc_mf4_writer_t *w, int gi, const void *records, size_t n) {
    if (gi < 0 || gi >= w->n_g) return PC_EINVAL;
    if (w->err) return w->err;
    wgroup_t *g = &w->g[gi];
    if (!g->rec_size) {
        g->rec_size = (g->bits_used + 7) / 8;
        if (!g->rec_size) return PC_ESTATE;
    }
    uint64_t per = w->o.block_size / g->rec_size;
    if (!per) per = 1;
    uint64_t block_bytes = per * g->rec_size;
    const uint8_t *p = records;
    uint64_t left = (uint64_t)n * g->rec_size;
    while (left) {
        if (w->o.compress) {
            if (!g->zbuf) {
                g->zbuf = malloc((size_t)block_bytes);
                if (!g->zbuf) return w->err = PC_ENOMEM;
            }
            size_t take = (size_t)(block_bytes - g->zlen < left ? block_bytes - g->zlen : left);
            memcpy(g->zbuf + g->zlen, p, take);
            g->zlen += take;
            p += take;
            left -= take;
            if (g->zlen == block_bytes && flush_dz(w, g)) return w->err;
            continue;
        }
        if (!g->dt_off) {
            uint8_t h[24];
            hdr24(h, "DT", 0, 0);
            g->dt_off = w->pos;
            wr(w, w->pos, h, 24);
            w->pos += 24;
            g->dt_len = 0;
            if (add_block_off(g, g->dt_off)) return w->err = PC_ENOMEM;
        }
        uint64_t take = block_bytes - g->dt_len < left ? block_bytes - g->dt_len : left;
        if (wr(w, w->pos, p, (size_t)take)) return w->err;
        w->pos += take;
        g->dt_len += take;
        p += take;
        left -= take;
        if (g->dt_len == block_bytes && close_dt(w, g)) return w->err;
    }
    g->records += n;
    return 0;
}

/* Writes a CC block for the channel's conversion; 0 for identity. */
static uint64_t cc_block(pc_mf4_writer_t *w, const pc_mf4_chan_def_t *d) {
    if (d->cc_type == PC_MF4_CC_IDENTITY) return 0;
    int nv = d->cc_type == PC_MF4_CC_LINEAR ? 2 : 6;
    uint8_t b[24 + 32 + 24 + 48];
    hdr(b, "CC", 4, 24 + 8 * (uint64_t)nv);
    uint8_t *dd = b + 56;
    dd[0] = d->cc_type;
    pc_mf4_put16(dd + 6, (uint16_t)nv);
    for (int i = 0; i < nv; i++) {
        uint64_t u;
        memcpy(&u, &d->cc[i], 8);
        pc_mf4_put64(dd + 24 + 8 * i, u);
    }
    return append(w, b, 24 + 32 + 24 + 8 * (size_t)nv);
}

/* Writes group g's metadata (data list, DG, CG, SI, CNs); returns the DG offset. */
static uint64_t group_blocks(pc_mf4_writer_t *w, wgroup_t *g, uint64_t dg_next) {
    close_dt(w, g);
    if (w->o.compress) flush_dz(w, g);
    uint64_t data = 0;
    if (g->n_blocks == 1) {
        data = g->blocks[0];
    } else if (g->n_blocks > 1) {
        size_t n = g->n_blocks;
        size_t len = 24 + 8 * (1 + n) + 8 + 8 * n;
        uint8_t *b = malloc(len);
        if (!b) {
            w->err = PC_ENOMEM;
            return 0;
        }
        hdr(b, "DL", 1 + n, 8 + 8 * n);
        for (size_t i = 0; i < n; i++) pc_mf4_put64(b + 32 + 8 * i, g->blocks[i]);
        uint8_t *d = b + 24 + 8 * (1 + n);
        d[0] = 0; /* dl_flags: offsets listed, not equal length */
        pc_mf4_put32(d + 4, (uint32_t)n);
        /* dl_offset: each block's first byte in the record stream (DZ: its original length) */
        uint64_t off = 0, per = (w->o.block_size / g->rec_size) * g->rec_size;
        for (size_t i = 0; i < n; i++, off += per) pc_mf4_put64(d + 8 + 8 * i, off);
        data = append(w, b, len);
        free(b);
    }
    /* channels, written last to first so each knows its successor */
    uint64_t next_cn = 0, master_cn = 0;
    for (int i = g->n_ch - 1; i >= 0; i--) {
        const wchan_t *c = &g->ch[i];
        uint64_t name = text_block(w, c->name, 0);
        uint64_t unit = text_block(w, c->unit, 0);
        uint64_t comment = md_comment(w, "CNcomment", c->comment);
        uint64_t cc = cc_block(w, &c->def);
        uint8_t b[160];
        hdr(b, "CN", 8, 72);
        pc_mf4_put64(b + 24, next_cn);
        pc_mf4_put64(b + 40, name);
        pc_mf4_put64(b + 56, cc);
        pc_mf4_put64(b + 72, unit);
        pc_mf4_put64(b + 80, comment);
        uint8_t *d = b + 88;
        d[0] = c->def.master ? 2 : 0;
        d[1] = c->def.master ? 1 : 0;
        d[2] = c->slot.data_type;
        d[3] = c->slot.bit_offset;
        pc_mf4_put32(d + 4, c->slot.byte_offset);
        pc_mf4_put32(d + 8, c->slot.bit_count);
        next_cn = append(w, b, sizeof b);
        if (c->def.master) master_cn = next_cn;
    }
    (void)master_cn;
    uint8_t si[56];
    hdr(si, "SI", 3, 8);
    pc_mf4_put64(si + 24, text_block(w, "perfcast", 0));
    si[48] = 4; /* si_type: tool */
    uint64_t si_at = append(w, si, sizeof si);
    uint8_t cg[104];
    hdr(cg, "CG", 6, 32);
    pc_mf4_put64(cg + 32, next_cn);
    pc_mf4_put64(cg + 40, text_block(w, g->name, 0));
    pc_mf4_put64(cg + 48, si_at);
    pc_mf4_put64(cg + 64, md_comment(w, "CGcomment", g->comment));
    pc_mf4_put64(cg + 80, g->records);
    pc_mf4_put16(cg + 90, 0);
    pc_mf4_put32(cg + 96, g->rec_size ? g->rec_size : (g->bits_used + 7) / 8);
    uint64_t cg_at = append(w, cg, sizeof cg);
    uint8_t dg[64];
    hdr(dg, "DG", 4, 8);
    pc_mf4_put64(dg + 24, dg_next);
    pc_mf4_put64(dg + 32, cg_at);
    pc_mf4_put64(dg + 40, data);
    return append(w, dg, sizeof dg);
}

static void free_groups(pc_mf4_writer_t *w) {
    for (int i = 0; i < w->n_g; i++) {
        wgroup_t *g = &w->g[i];
        for (int k = 0; k < g->n_ch; k++) {
            free(g->ch[k].name);
            free(g->ch[k].unit);
            free(g->ch[k].comment);
        }
        free(g->ch);
        free(g->name);
        free(g->comment);
        free(g->blocks);
        free(g->zbuf);
    }
    free(w->zout);
    free(w->comment);
}

int pc_mf4_writer_close(pc_mf4_writer_t *w) {
    if (!w) return PC_EINVAL;
    uint64_t dg = 0;
    for (int i = w->n_g - 1; i >= 0 && !w->err; i--) dg = group_blocks(w, &w->g[i], dg);
    uint8_t link[8];
    pc_mf4_put64(link, dg);
    wr(w, 64 + 24, link, 8);
    int r = w->err;
    free_groups(w);
    free(w);
    return r;
}

void pc_mf4_writer_abort(pc_mf4_writer_t *w) {
    if (!w) return;
    free_groups(w);
    free(w);
}

/* ---- packing values ---- */

void pc_mf4_pack_int(uint8_t *rec, const pc_mf4_slot_t *s, uint64_t v) {
    uint32_t bits = s->bit_count;
    uint64_t mask = bits >= 64 ? ~0ull : (1ull << bits) - 1;
    size_t nb = (s->bit_offset + bits + 7) / 8;
    uint8_t *p = rec + s->byte_offset;
    int be = s->data_type == PC_MF4_UINT_BE || s->data_type == PC_MF4_INT_BE;
    uint64_t cur = 0;
    if (be)
        for (size_t k = 0; k < nb; k++) cur = cur << 8 | p[k];
    else
        for (size_t k = nb; k-- > 0;) cur = cur << 8 | p[k];
    cur = (cur & ~(mask << s->bit_offset)) | ((v & mask) << s->bit_offset);
    if (be)
        for (size_t k = nb; k-- > 0;) {
            p[k] = (uint8_t)cur;
            cur >>= 8;
        }
    else
        for (size_t k = 0; k < nb; k++) {
            p[k] = (uint8_t)cur;
            cur >>= 8;
        }
}

void pc_mf4_pack_float(uint8_t *rec, const pc_mf4_slot_t *s, double v) {
    uint8_t b[8];
    size_t n = s->bit_count == 32 ? 4 : 8;
    if (n == 4) {
        float f = (float)v;
        memcpy(b, &f, 4);
    } else {
        memcpy(b, &v, 8);
    }
    uint8_t *p = rec + s->byte_offset;
    if (s->data_type == PC_MF4_FLOAT_BE)
        for (size_t i = 0; i < n; i++) p[i] = b[n - 1 - i];
    else
        memcpy(p, b, n);
}
