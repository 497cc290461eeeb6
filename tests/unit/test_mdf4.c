/* MDF 4 library: writer/reader round trips for every type and conversion, several groups,
 * DL and DZ paths, records split across blocks, the channel index, and bad input with the
 * exact messages the user sees. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mdf4/mdf4.h"
#include "mdf4/mdf4_gen.h"
#include "mf4_io.h"
#include "model.h"
#include "pc_test.h"
#include "pc_test_run.h"
#include "run.h"
#include "suite.h"
#include "views.h"
#include "views/mdf4_views.h"

#include <unistd.h>

/* True when an error message is exactly `want`; prints both when not. */
static int msg_is(const char *got, const char *want) {
    if (!strcmp(got, want)) return 1;
    fprintf(stderr, "  got:  %s\n  want: %s\n", got, want);
    return 0;
}

/* ---- a growable in-memory sink ---- */

typedef struct mem {
    uint8_t *b;
    size_t len, cap;
} mem_t;

static int mem_write(void *ud, uint64_t off, const void *buf, size_t len) {
    mem_t *m = ud;
    size_t end = (size_t)off + len;
    if (end > m->cap) {
        size_t ncap = m->cap ? m->cap : 4096;
        while (ncap < end) ncap *= 2;
        uint8_t *n = realloc(m->b, ncap);
        if (!n) return PC_EIO;
        memset(n + m->cap, 0, ncap - m->cap);
        m->b = n;
        m->cap = ncap;
    }
    memcpy(m->b + off, buf, len);
    if (end > m->len) m->len = end;
    return 0;
}

/* Writes `n` records of each pattern listed (one group each) into m. */
static int write_patterns(mem_t *m, const pc_mf4_pattern_t *pats, int npat, uint64_t n,
                          const pc_mf4_writer_opts_t *o, pc_mf4_gen_t *gens) {
    pc_mf4_sink_t sink = {mem_write, m};
    pc_mf4_writer_t *w = pc_mf4_writer_create(&sink, o);
    if (!w) return PC_ENOMEM;
    for (int p = 0; p < npat; p++) {
        int r = pc_mf4_gen_setup(&gens[p], w, pats[p]);
        if (r) {
            pc_mf4_writer_abort(w);
            return r;
        }
    }
    for (int p = 0; p < npat; p++) {
        /* odd chunk sizes: blocks fill across appends */
        uint8_t *recs = malloc(777 * (size_t)gens[p].record_size);
        for (uint64_t i = 0; i < n;) {
            size_t k = n - i < 777 ? (size_t)(n - i) : 777;
            pc_mf4_gen_fill(&gens[p], i, k, recs);
            int r = pc_mf4_writer_append(w, gens[p].group, recs, k);
            if (r) {
                free(recs);
                pc_mf4_writer_abort(w);
                return r;
            }
            i += k;
        }
        free(recs);
    }
    return pc_mf4_writer_close(w);
}

/* Reads every channel of group g and compares with the generator, raw values exactly and
 * physical values against the conversion. Returns the number of mismatches. */
static uint64_t check_group(pc_mf4_file_t *f, int g, const pc_mf4_gen_t *gen, uint64_t first, uint64_t n) {
    const pc_mf4_group_t *grp = pc_mf4_group(f, g);
    uint64_t bad = 0;
    for (int c = 0; c < gen->n; c++) {
        int ci = pc_mf4_find_channel(f, g, gen->defs[c].name);
        if (ci < 0 || ci != grp->first_channel + c) return 1000000;
        const pc_mf4_channel_t *ch = pc_mf4_channel(f, ci);
        size_t w = pc_mf4_raw_size(ch->raw);
        void *buf = malloc(n * w + 1);
        double *phys = malloc(n * sizeof *phys + 1);
        pc_errbuf_t err;
        if (pc_mf4_read(f, g, &ci, 1, &buf, first, n, &err) != 0) {
            fprintf(stderr, "read: %s\n", err.msg);
            free(buf);
            free(phys);
            return 1000000;
        }
        pc_mf4_to_physical(ch, buf, n, phys);
        for (uint64_t i = 0; i < n; i++) {
            double raw = pc_mf4_gen_raw(gen, c, first + i);
            double want = gen->defs[c].cc_type == PC_MF4_CC_LINEAR ? gen->defs[c].cc[0] + gen->defs[c].cc[1] * raw : raw;
            if (pc_mf4_raw_at(ch->raw, buf, i) != raw || phys[i] != want) bad++;
        }
        free(buf);
        free(phys);
    }
    return bad;
}

static pc_mf4_file_t *open_mem(const mem_t *m, const pc_mf4_codec_t *codec, pc_errbuf_t *err) {
    pc_mf4_source_t src = {.base = m->b, .size = m->len, .name = "mem.mf4"};
    pc_mf4_file_t *f = NULL;
    pc_mf4_open(&src, codec, &f, err);
    return f;
}

static void mdf4_should_round_trip_every_type_and_conversion(void) {
    mem_t m = {0};
    pc_mf4_gen_t gens[2];
    pc_mf4_pattern_t pats[2] = {PC_MF4_PAT_AUTOMOTIVE, PC_MF4_PAT_INDUSTRIAL};
    PC_CHECK(write_patterns(&m, pats, 2, 5000, NULL, gens) == 0);
    pc_errbuf_t err = {{0}};
    pc_mf4_file_t *f = open_mem(&m, NULL, &err);
    if (!f) fprintf(stderr, "%s\n", err.msg);
    PC_CHECK(f != NULL);
    PC_CHECK_EQ_STR(pc_mf4_version(f), "4.10");
    PC_CHECK_EQ_STR(pc_mf4_program(f), "perfcast");
    PC_CHECK_EQ_U64(pc_mf4_n_groups(f), 2);
    const pc_mf4_group_t *g0 = pc_mf4_group(f, 0);
    PC_CHECK_EQ_STR(g0->name, "automotive");
    PC_CHECK_EQ_STR(g0->source, "perfcast");
    PC_CHECK_EQ_U64(g0->n_records, 5000);
    PC_CHECK_EQ_U64(g0->record_size, gens[0].record_size);
    PC_CHECK_EQ_STR(pc_mf4_channel(f, g0->master)->name, "time");
    const pc_mf4_channel_t *rpm = pc_mf4_channel(f, pc_mf4_find_channel(f, 0, "RPM"));
    PC_CHECK_EQ_STR(rpm->unit, "rpm");
    PC_CHECK_EQ_STR(rpm->comment, "engine speed");
    PC_CHECK(rpm->cc_type == PC_MF4_CC_LINEAR && rpm->cc[1] == 0.25);
    PC_CHECK_EQ_STR(pc_mf4_type_name(pc_mf4_channel(f, pc_mf4_find_channel(f, 0, "Brake"))), "bit");
    PC_CHECK_EQ_STR(pc_mf4_type_name(pc_mf4_channel(f, pc_mf4_find_channel(f, 0, "Torque"))), "int16");
    PC_CHECK_EQ_STR(pc_mf4_type_name(pc_mf4_channel(f, pc_mf4_find_channel(f, 1, "Phase"))), "int8");
    PC_CHECK_EQ_U64(check_group(f, 0, &gens[0], 0, 5000), 0);
    PC_CHECK_EQ_U64(check_group(f, 1, &gens[1], 0, 5000), 0);
    PC_CHECK_EQ_U64(check_group(f, 1, &gens[1], 1234, 77), 0);
    pc_mf4_close(f);
    free(m.b);
}

/* The same checks through a read callback (how the native CLI reads files). */
typedef struct cb { const mem_t *m; int calls; } cb_t;
static int cb_read(void *ud, uint64_t off, void *buf, size_t len) {
    cb_t *c = ud;
    c->calls++;
    memcpy(buf, c->m->b + off, len);
    return 0;
}

static void mdf4_should_read_through_a_callback_across_dl_blocks(void) {
    mem_t m = {0};
    pc_mf4_gen_t gen;
    pc_mf4_pattern_t pat = PC_MF4_PAT_AUTOMOTIVE;
    pc_mf4_writer_opts_t o = {.block_size = 1000}; /* many DT blocks in a DL */
    PC_CHECK(write_patterns(&m, &pat, 1, 3000, &o, &gen) == 0);
    cb_t c = {&m, 0};
    pc_mf4_source_t src = {.read = cb_read, .ud = &c, .size = m.len, .name = "cb.mf4"};
    pc_mf4_file_t *f = NULL;
    pc_errbuf_t err;
    PC_CHECK(pc_mf4_open(&src, NULL, &f, &err) == 0);
    const pc_mf4_group_t *g = pc_mf4_group(f, 0);
    PC_CHECK(g->n_blocks > 50);
    PC_CHECK_EQ_U64(g->n_records, 3000);
    PC_CHECK_EQ_U64(check_group(f, 0, &gen, 0, 3000), 0);
    PC_CHECK_EQ_U64(check_group(f, 0, &gen, 999, 1001), 0);
    PC_CHECK(c.calls > 0);
    pc_mf4_close(f);
    free(m.b);
}

static void mdf4_should_round_trip_dz_blocks_with_and_without_transposition(void) {
    for (int tr = 0; tr < 2; tr++) {
        mem_t m = {0};
        pc_mf4_gen_t gen;
        pc_mf4_pattern_t pat = PC_MF4_PAT_INDUSTRIAL;
        pc_mf4_writer_opts_t o = {.block_size = 10000, .compress = 1, .transpose = tr, .codec = pc_mf4_zlib()};
        PC_CHECK(write_patterns(&m, &pat, 1, 4000, &o, &gen) == 0);
        PC_CHECK(m.len < 4000ull * gen.record_size); /* it did compress */
        pc_errbuf_t err = {{0}};
        pc_mf4_file_t *f = open_mem(&m, pc_mf4_zlib(), &err);
        PC_CHECK(f != NULL);
        size_t nb;
        const pc_mf4_block_t *b = pc_mf4_blocks(f, &nb);
        PC_CHECK(nb > 1 && b[0].kind == 'Z' && b[0].zip_type == tr);
        uint64_t first_dz = b[0].offset;
        PC_CHECK_EQ_U64(check_group(f, 0, &gen, 0, 4000), 0);
        PC_CHECK_EQ_U64(check_group(f, 0, &gen, 250, 300), 0);
        pc_mf4_close(f);
        /* without a codec (the wasm build): a clear error, not a crash */
        f = open_mem(&m, NULL, &err);
        PC_CHECK(f != NULL);
        int ci = 1;
        double tmp[10];
        void *out = tmp;
        PC_CHECK(pc_mf4_read(f, 0, &ci, 1, &out, 0, 10, &err) == PC_EFORMAT);
        char want[200];
        snprintf(want, sizeof want, "mem.mf4: DZ block at offset 0x%llx: compressed data not supported here (this "
                 "build has no deflate)", (unsigned long long)first_dz);
        PC_CHECK(msg_is(err.msg, want));
        pc_mf4_close(f);
        free(m.b);
    }
}

static void mdf4_should_save_and_load_an_index(void) {
    mem_t m = {0};
    pc_mf4_gen_t gens[2];
    pc_mf4_pattern_t pats[2] = {PC_MF4_PAT_INDUSTRIAL, PC_MF4_PAT_AUTOMOTIVE};
    pc_mf4_writer_opts_t o = {.block_size = 4096};
    PC_CHECK(write_patterns(&m, pats, 2, 2000, &o, gens) == 0);
    pc_errbuf_t err;
    pc_mf4_file_t *f = open_mem(&m, NULL, &err);
    PC_CHECK(f != NULL);
    uint8_t *idx;
    size_t len;
    PC_CHECK(pc_mf4_index_save(f, &idx, &len) == 0);
    pc_mf4_close(f);
    pc_mf4_source_t src = {.base = m.b, .size = m.len, .name = "mem.mf4"};
    PC_CHECK(pc_mf4_open_indexed(&src, NULL, idx, len, &f, &err) == 0);
    PC_CHECK_EQ_U64(pc_mf4_n_groups(f), 2);
    PC_CHECK_EQ_U64(check_group(f, 0, &gens[0], 0, 2000), 0);
    PC_CHECK_EQ_U64(check_group(f, 1, &gens[1], 0, 2000), 0);
    pc_mf4_close(f);
    /* a damaged index and an index of another file are refused */
    idx[100] ^= 1;
    PC_CHECK(pc_mf4_open_indexed(&src, NULL, idx, len, &f, &err) == PC_ECORRUPT);
    PC_CHECK(msg_is(err.msg, "mem.mf4: the index is damaged (checksum)"));
    idx[100] ^= 1;
    src.size -= 8;
    PC_CHECK(pc_mf4_open_indexed(&src, NULL, idx, len, &f, &err) == PC_ECORRUPT);
    PC_CHECK(strstr(err.msg, "stale index") != NULL);
    free(idx);
    free(m.b);
}

/* ---- a hand-built file: records straddling DT blocks, big-endian bit field, rational CC ---- */

typedef struct hb {
    uint8_t b[4096];
    size_t len;
} hb_t;

static uint64_t hb_block(hb_t *h, const char *id, int nlinks, const uint64_t *links, const void *data, size_t dlen) {
    uint64_t at = h->len;
    uint8_t *p = h->b + at;
    memset(p, 0, 24);
    p[0] = '#', p[1] = '#', p[2] = (uint8_t)id[0], p[3] = (uint8_t)id[1];
    uint64_t total = 24 + 8 * (uint64_t)nlinks + dlen;
    memcpy(p + 8, &total, 8);
    uint64_t nl = (uint64_t)nlinks;
    memcpy(p + 16, &nl, 8);
    if (nlinks) memcpy(p + 24, links, 8 * (size_t)nlinks);
    if (dlen) memcpy(p + 24 + 8 * nlinks, data, dlen);
    h->len += (size_t)((total + 7) / 8 * 8);
    return at;
}

/* Builds: 5 records of 3 bytes: u16 BE at byte 0, a 4-bit signed field at byte 2 bit 2,
 * stored as DT(4 bytes) + DT(11 bytes) in a DL; channel 0 has a rational conversion. */
static void build_split(hb_t *h, uint64_t *dt1_out) {
    memset(h, 0, sizeof *h);
    memcpy(h->b, "MDF     4.20    othertoo", 24);
    uint16_t ver = 420;
    memcpy(h->b + 28, &ver, 2);
    h->len = 64;
    uint64_t hdl[6] = {0};
    uint8_t hdd[32] = {0};
    uint64_t hd = hb_block(h, "HD", 6, hdl, hdd, 32);
    /* records: value k*1000+1 (BE), field = k - 2 (4-bit two's complement) */
    uint8_t recs[15];
    for (int k = 0; k < 5; k++) {
        uint16_t v = (uint16_t)(k * 1000 + 1);
        recs[3 * k] = (uint8_t)(v >> 8);
        recs[3 * k + 1] = (uint8_t)v;
        recs[3 * k + 2] = (uint8_t)(((k - 2) & 0xF) << 2 | 0x81); /* other bits set: must be masked */
    }
    uint64_t dt1 = hb_block(h, "DT", 0, NULL, recs, 4);
    uint64_t dt2 = hb_block(h, "DT", 0, NULL, recs + 4, 11);
    uint8_t dld[24] = {0};
    uint32_t cnt = 2;
    memcpy(dld + 4, &cnt, 4);
    uint64_t off2 = 4;
    memcpy(dld + 16, &off2, 8);
    uint64_t dll[3] = {0, dt1, dt2};
    uint64_t dl = hb_block(h, "DL", 3, dll, dld, 24);
    const char t1[] = "Big";
    uint64_t tx1 = hb_block(h, "TX", 0, NULL, t1, sizeof t1);
    const char t2[] = "Nib";
    uint64_t tx2 = hb_block(h, "TX", 0, NULL, t2, sizeof t2);
    const char md[] = "<CNcomment><TX>a &lt;b&gt; &amp; c</TX></CNcomment>";
    uint64_t mdb = hb_block(h, "MD", 0, NULL, md, sizeof md);
    /* rational: (0*x^2 + 2x + 10) / (0*x^2 + 0*x + 2) = x + 5 */
    uint8_t ccd[24 + 48] = {0};
    ccd[0] = 2;
    uint16_t nv = 6;
    memcpy(ccd + 6, &nv, 2);
    double rat[6] = {0, 2, 10, 0, 0, 2};
    memcpy(ccd + 24, rat, 48);
    uint64_t ccl[4] = {0};
    uint64_t cc = hb_block(h, "CC", 4, ccl, ccd, sizeof ccd);
    uint8_t cn2d[72] = {0};
    cn2d[2] = PC_MF4_INT_LE;
    cn2d[3] = 2;
    uint32_t bo = 2, bc = 4;
    memcpy(cn2d + 4, &bo, 4);
    memcpy(cn2d + 8, &bc, 4);
    uint64_t cn2l[8] = {0, 0, tx2, 0, 0, 0, 0, 0};
    uint64_t cn2 = hb_block(h, "CN", 8, cn2l, cn2d, 72);
    uint8_t cn1d[72] = {0};
    cn1d[2] = PC_MF4_UINT_BE;
    bc = 16;
    memcpy(cn1d + 8, &bc, 4);
    uint64_t cn1l[8] = {cn2, 0, tx1, 0, cc, 0, 0, mdb};
    uint64_t cn1 = hb_block(h, "CN", 8, cn1l, cn1d, 72);
    uint8_t cgd[32] = {0};
    uint64_t cyc = 5;
    memcpy(cgd + 8, &cyc, 8);
    uint32_t db = 3;
    memcpy(cgd + 24, &db, 4);
    uint64_t cgl[6] = {0, cn1, 0, 0, 0, 0};
    uint64_t cg = hb_block(h, "CG", 6, cgl, cgd, 32);
    uint8_t dgd[8] = {0};
    uint64_t dgl[4] = {0, cg, dl, 0};
    uint64_t dg = hb_block(h, "DG", 4, dgl, dgd, 8);
    memcpy(h->b + hd + 24, &dg, 8);
    if (dt1_out) *dt1_out = dt1;
}

static void mdf4_should_read_records_split_across_blocks_and_bit_fields(void) {
    hb_t h;
    build_split(&h, NULL);
    mem_t m = {h.b, h.len, h.len};
    pc_errbuf_t err = {{0}};
    pc_mf4_file_t *f = open_mem(&m, NULL, &err);
    if (!f) fprintf(stderr, "%s\n", err.msg);
    PC_CHECK(f != NULL);
    PC_CHECK_EQ_STR(pc_mf4_version(f), "4.20");
    const pc_mf4_group_t *g = pc_mf4_group(f, 0);
    PC_CHECK_EQ_U64(g->n_records, 5);
    PC_CHECK_EQ_U64(g->n_blocks, 2);
    PC_CHECK_EQ_STR(pc_mf4_channel(f, 0)->comment, "a <b> & c");
    int ch[2] = {0, 1};
    uint16_t a[5];
    int8_t b[5];
    void *out[2] = {a, b};
    PC_CHECK(pc_mf4_read(f, 0, ch, 2, out, 0, 5, &err) == 0);
    for (int k = 0; k < 5; k++) {
        PC_CHECK_EQ_U64(a[k], (uint64_t)(k * 1000 + 1));
        PC_CHECK(b[k] == k - 2);
    }
    double phys[5];
    pc_mf4_to_physical(pc_mf4_channel(f, 0), a, 5, phys);
    PC_CHECK(phys[3] == 3001 + 5);
    /* one record from the middle, starting inside the first block */
    PC_CHECK(pc_mf4_read(f, 0, ch, 2, out, 1, 1, &err) == 0);
    PC_CHECK_EQ_U64(a[0], 1001);
    PC_CHECK(b[0] == -1);
    pc_mf4_close(f);
}

/* ---- bad input: exact messages ---- */

static int open_err(const uint8_t *b, size_t len, pc_errbuf_t *err) {
    mem_t m = {(uint8_t *)b, len, len};
    pc_mf4_source_t src = {.base = m.b, .size = m.len, .name = "bad.mf4"};
    pc_mf4_file_t *f = NULL;
    int r = pc_mf4_open(&src, NULL, &f, err);
    pc_mf4_close(f);
    return r;
}

static void mdf4_should_name_file_block_and_offset_in_errors(void) {
    hb_t h;
    uint64_t dt1;
    build_split(&h, &dt1);
    pc_errbuf_t err;
    /* not MDF */
    PC_CHECK(open_err((const uint8_t *)"PERFCAST0000000000000000000000000000000000000000000000000000000000000", 70, &err) ==
             PC_EFORMAT);
    PC_CHECK(msg_is(err.msg, "bad.mf4: ID block at offset 0x0: not an MDF file (no \"MDF     \" at byte 0)"));
    /* too short */
    PC_CHECK(open_err(h.b, 40, &err) == PC_ETRUNC);
    PC_CHECK(msg_is(err.msg, "bad.mf4: ID block at offset 0x0: the file has 40 bytes, an MDF file at least 64"));
    /* MDF 3 */
    hb_t v3 = h;
    uint16_t ver = 330;
    memcpy(v3.b + 28, &ver, 2);
    PC_CHECK(open_err(v3.b, v3.len, &err) == PC_EVERSION);
    /* truncated: cut inside the last block (the DG) */
    int r = open_err(h.b, h.len - 20, &err);
    PC_CHECK(r == PC_ETRUNC || r == PC_ECORRUPT);
    PC_CHECK(strstr(err.msg, "bad.mf4: ") == err.msg);
    PC_CHECK(strstr(err.msg, "past the end of the file") != NULL);
    /* a link out of range: HD's dg_first */
    hb_t lr = h;
    uint64_t far = 1ull << 40;
    memcpy(lr.b + 64 + 24, &far, 8);
    PC_CHECK(open_err(lr.b, lr.len, &err) == PC_ECORRUPT);
    char want[256];
    snprintf(want, sizeof want, "bad.mf4: hd_dg_first of HD block at 0x40: link 0x10000000000 points past the end of "
             "the file (file size %zu)", lr.len);
    PC_CHECK(msg_is(err.msg, want));
    /* a wrong block id: dg_first pointing at a DT block */
    hb_t wid = h;
    memcpy(wid.b + 64 + 24, &dt1, 8);
    PC_CHECK(open_err(wid.b, wid.len, &err) == PC_ECORRUPT);
    snprintf(want, sizeof want, "bad.mf4: hd_dg_first of HD block at 0x40: block at offset 0x%llx is ##DT, expected ##DG",
             (unsigned long long)dt1);
    PC_CHECK(msg_is(err.msg, want));
    /* a bad length: the DT block claims more than the file */
    hb_t bl = h;
    uint64_t huge = 1ull << 50;
    memcpy(bl.b + dt1 + 8, &huge, 8);
    PC_CHECK(open_err(bl.b, bl.len, &err) == PC_ETRUNC);
    snprintf(want, sizeof want, "bad.mf4: DT block at offset 0x%llx: length %llu runs past the end of the file (file "
             "size %zu)", (unsigned long long)dt1, (unsigned long long)huge, bl.len);
    PC_CHECK(msg_is(err.msg, want));
    /* a cycle: the second CN links back to the first */
    hb_t cy = h;
    const pc_mf4_channel_t *c0;
    {
        mem_t m = {h.b, h.len, h.len};
        pc_mf4_file_t *f = open_mem(&m, NULL, &err);
        PC_CHECK(f != NULL);
        c0 = pc_mf4_channel(f, 0);
        uint64_t cn1 = c0->offset, cn2 = pc_mf4_channel(f, 1)->offset;
        pc_mf4_close(f);
        memcpy(cy.b + cn2 + 24, &cn1, 8);
        PC_CHECK(open_err(cy.b, cy.len, &err) == PC_ECORRUPT);
        snprintf(want, sizeof want, "bad.mf4: cn_cn_next of CN block at 0x%llx: CN block at offset 0x%llx is visited "
                 "twice (a cycle in the list)", (unsigned long long)cn2, (unsigned long long)cn1);
        PC_CHECK(msg_is(err.msg, want));
    }
}

/* Every prefix and many single-byte corruptions of a valid file open or fail cleanly. */
static void mdf4_should_survive_truncation_and_corruption(void) {
    hb_t h;
    build_split(&h, NULL);
    pc_errbuf_t err;
    for (size_t cut = 0; cut < h.len; cut++) {
        uint8_t *copy = malloc(cut + 1);
        memcpy(copy, h.b, cut);
        int r = open_err(copy, cut, &err);
        PC_CHECK(r != 0 || cut >= h.len - 8);
        free(copy);
    }
    uint64_t x = 12345;
    for (int k = 0; k < 3000; k++) {
        hb_t c = h;
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        size_t at = 64 + (size_t)((x >> 33) % (h.len - 64));
        c.b[at] ^= (uint8_t)(1u << ((x >> 20) & 7));
        mem_t m = {c.b, c.len, c.len};
        pc_mf4_file_t *f = open_mem(&m, NULL, &err);
        if (!f) continue;
        for (int g = 0; g < pc_mf4_n_groups(f); g++) {
            const pc_mf4_group_t *gr = pc_mf4_group(f, g);
            for (int ci = gr->first_channel; ci < gr->first_channel + gr->n_channels; ci++) {
                size_t w = pc_mf4_raw_size(pc_mf4_channel(f, ci)->raw);
                if (!w || gr->n_records > 1000) continue;
                void *buf = malloc(gr->n_records * w + 1);
                pc_mf4_read(f, g, &ci, 1, &buf, 0, gr->n_records, &err);
                free(buf);
            }
        }
        pc_mf4_close(f);
    }
}

static void mdf4_should_refuse_bad_writer_use(void) {
    mem_t m = {0};
    pc_mf4_sink_t sink = {mem_write, &m};
    pc_mf4_writer_opts_t o = {.compress = 1}; /* no codec */
    PC_CHECK(pc_mf4_writer_create(&sink, &o) == NULL);
    pc_mf4_writer_t *w = pc_mf4_writer_create(&sink, NULL);
    PC_CHECK(w != NULL);
    int g = pc_mf4_writer_add_group(w, "g", NULL);
    pc_mf4_chan_def_t bad = {.name = "x", .data_type = PC_MF4_FLOAT_LE, .bit_count = 16};
    PC_CHECK(pc_mf4_writer_add_channel(w, g, &bad, NULL) == PC_EINVAL);
    pc_mf4_chan_def_t ok = {.name = "x", .data_type = PC_MF4_UINT_LE, .bit_count = 8};
    PC_CHECK(pc_mf4_writer_add_channel(w, g, &ok, NULL) == 0);
    uint8_t rec = 7;
    PC_CHECK(pc_mf4_writer_append(w, g, &rec, 1) == 0);
    PC_CHECK(pc_mf4_writer_add_channel(w, g, &ok, NULL) == PC_ESTATE);
    PC_CHECK(pc_mf4_writer_close(w) == 0);
    free(m.b);
}

/* ---- the suite end to end (tiny sizes) and its views ---- */

static void mdf4_suite_should_time_every_op_and_check_integrity(void) {
    char status[16];
    pc_model_t *m = pc_test_run_suite("mdf4", "{\"sizes\": \"0.2\", \"iterations\": 2}", status, sizeof status);
    PC_CHECK(m != NULL);
    PC_CHECK_EQ_STR(status, "ok");
    PC_CHECK(m->summary != NULL);
    PC_CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(m->summary, "integrity_ok")));
    PC_CHECK(pc_model_summary_num(m, "read_mb_s_0_2mb", 0) > 0);
    PC_CHECK(pc_model_summary_num(m, "write_mb_s_0_2mb", 0) > 0);
    PC_CHECK(pc_model_summary_num(m, "index_cold_mb_s_0_2mb", 0) > 0);
    PC_CHECK(pc_model_summary_num(m, "peak_mem_ratio_0_2mb", -1) >= 0);
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(m->summary, "results");
    PC_CHECK_EQ_U64(cJSON_GetArraySize(res), 8); /* one size, eight operations */
    const cJSON *first = cJSON_GetArrayItem(res, 0);
    PC_CHECK(cJSON_GetObjectItemCaseSensitive(first, "ci95") != NULL);
    PC_CHECK_EQ_U64(cJSON_GetObjectItemCaseSensitive(first, "n")->valuedouble, 2);
    const pc_series_t *rd = pc_model_series(m, "read");
    PC_CHECK(rd != NULL && rd->n_samples == 2);
    static uint32_t px[640 * 360];
    pc_fb_t fb = pc_fb_make(px, 640, 360);
    PC_CHECK(pc_view_draw("mdf4-throughput", &fb, m, NULL) == 0);
    PC_CHECK(pc_view_draw("mdf4-memory", &fb, m, NULL) == 0);
    PC_CHECK(pc_view_draw("summary", &fb, m, NULL) == 0);
    pc_model_destroy(m);
    /* a bad size list is refused before any run */
    const pc_suite_t *s = pc_suite_find("mdf4");
    cJSON *ov = cJSON_Parse("{\"sizes\": \"1,x\"}");
    pc_errbuf_t err;
    cJSON *p = pc_suite_params(s, ov, 0, &err);
    cJSON_Delete(ov);
    PC_CHECK(p == NULL);
    PC_CHECK(msg_is(err.msg, "parameter sizes: \"1,x\": sizes are MB in [0.01, 10000], comma-separated"));
}

static void mf4_plot_should_draw_traces_in_the_zoom_window(void) {
    static uint32_t px[400 * 300];
    pc_fb_t fb = pc_fb_make(px, 400, 300);
    double t[1000], v[1000];
    for (int i = 0; i < 1000; i++) t[i] = i * 0.01, v[i] = (i % 100) - 50;
    pc_mf4_trace_t tr = {"x", "V", t, v, 1000};
    memset(px, 0, sizeof px);
    PC_CHECK(pc_view_mf4_plot(&fb, NULL, "file.mf4", &tr, 1, 2.0, 4.0) == 0);
    /* the trace colour appears inside the plot */
    uint32_t bg = px[0];
    int non_bg = 0;
    for (int i = 0; i < 400 * 300; i++) non_bg += px[i] != bg;
    PC_CHECK(non_bg > 500);
    PC_CHECK(pc_view_mf4_plot(&fb, NULL, "file.mf4", &tr, 0, 0, 1) == 0); /* nothing picked: a message */
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    PC_RUN(mdf4_should_round_trip_every_type_and_conversion);
    PC_RUN(mdf4_should_read_through_a_callback_across_dl_blocks);
    PC_RUN(mdf4_should_round_trip_dz_blocks_with_and_without_transposition);
    PC_RUN(mdf4_should_save_and_load_an_index);
    PC_RUN(mdf4_should_read_records_split_across_blocks_and_bit_fields);
    PC_RUN(mdf4_should_name_file_block_and_offset_in_errors);
    PC_RUN(mdf4_should_survive_truncation_and_corruption);
    PC_RUN(mdf4_should_refuse_bad_writer_use);
    PC_RUN(mdf4_suite_should_time_every_op_and_check_integrity);
    PC_RUN(mf4_plot_should_draw_traces_in_the_zoom_window);
    return pc_test_done();
}
