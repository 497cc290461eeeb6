/* mf4_io.c — pread source, buffered pwrite sink, zlib codec and page-cache eviction. */
#include "mf4_io.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "mdf4/mdf4_gen.h"

/* ---- source ---- */

static int fsrc_read(void *ud, uint64_t off, void *buf, size_t len) {
    pc_mf4_fsrc_t *s = ud;
    uint8_t *p = buf;
    while (len) {
        ssize_t n = pread(s->fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return PC_EIO;
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

int pc_mf4_fsrc_open(pc_mf4_fsrc_t *s, const char *path, pc_errbuf_t *err) {
    memset(s, 0, sizeof *s);
    s->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0) return pc_errf(err, PC_EIO, "%s: cannot open (%s)", path, strerror(errno));
    struct stat st;
    if (fstat(s->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = errno;
        close(s->fd);
        s->fd = -1;
        return pc_errf(err, PC_EIO, "%s: %s", path, e && !S_ISREG(st.st_mode) ? "not a regular file" : strerror(e));
    }
    s->src.size = (uint64_t)st.st_size;
    s->src.read = fsrc_read;
    s->src.ud = s;
    s->src.name = path;
    return 0;
}

void pc_mf4_fsrc_close(pc_mf4_fsrc_t *s) {
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
}

/* ---- sink ---- */

#define SINK_BUF (1u << 20)

struct pc_mf4_fsink {
    int fd;
    pc_mf4_sink_t sink;
    uint8_t *buf;
    size_t len;       /* bytes buffered */
    uint64_t buf_off; /* file offset of buf[0] */
    int err;          /* errno of the first failure */
    char path[256];
};

static int pwrite_all(int fd, const void *buf, size_t len, uint64_t off) {
    const uint8_t *p = buf;
    while (len) {
        ssize_t n = pwrite(fd, p, len, (off_t)off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return errno ? errno : EIO;
        p += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static int flush(pc_mf4_fsink_t *s) {
    if (s->len && !s->err) s->err = pwrite_all(s->fd, s->buf, s->len, s->buf_off);
    s->buf_off += s->len;
    s->len = 0;
    return s->err;
}

static int fsink_write(void *ud, uint64_t off, const void *buf, size_t len) {
    pc_mf4_fsink_t *s = ud;
    if (s->err) return PC_EIO;
    if (off != s->buf_off + s->len) {
        /* a patch (or a jump): keep the buffer's order by flushing first */
        if (flush(s)) return PC_EIO;
        if (off < s->buf_off) {
            s->err = pwrite_all(s->fd, buf, len, off);
            return s->err ? PC_EIO : 0;
        }
        s->buf_off = off;
    }
    if (len >= SINK_BUF) {
        if (flush(s)) return PC_EIO;
        s->err = pwrite_all(s->fd, buf, len, off);
        s->buf_off = off + len;
        return s->err ? PC_EIO : 0;
    }
    if (s->len + len > SINK_BUF && flush(s)) return PC_EIO;
    memcpy(s->buf + s->len, buf, len);
    s->len += len;
    return 0;
}

pc_mf4_fsink_t *pc_mf4_fsink_create(const char *path, pc_errbuf_t *err) {
    pc_mf4_fsink_t *s = calloc(1, sizeof *s);
    if (s) s->buf = malloc(SINK_BUF);
    if (!s || !s->buf) {
        free(s);
        pc_errf(err, PC_ENOMEM, "out of memory");
        return NULL;
    }
    s->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (s->fd < 0) {
        pc_errf(err, PC_EIO, "%s: cannot create (%s)", path, strerror(errno));
        free(s->buf);
        free(s);
        return NULL;
    }
    snprintf(s->path, sizeof s->path, "%s", path);
    s->sink.write = fsink_write;
    s->sink.ud = s;
    return s;
}

const pc_mf4_sink_t *pc_mf4_fsink(pc_mf4_fsink_t *s) { return &s->sink; }

int pc_mf4_fsink_close(pc_mf4_fsink_t *s, int do_fsync, pc_errbuf_t *err) {
    if (!s) return 0;
    flush(s);
    if (!s->err && do_fsync && fsync(s->fd) != 0) s->err = errno;
    if (close(s->fd) != 0 && !s->err) s->err = errno;
    int r = s->err ? pc_errf(err, PC_EIO, "%s: write failed (%s)", s->path, strerror(s->err)) : 0;
    free(s->buf);
    free(s);
    return r;
}

/* ---- zlib ---- */

static int z_inflate(const void *src, size_t src_len, void *dst, size_t dst_len) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK) return PC_ENOMEM;
    z.next_in = (Bytef *)(uintptr_t)src;
    z.next_out = dst;
    int r = Z_OK;
    /* avail_* are 32-bit: feed big buffers in pieces */
    size_t in_left = src_len, out_left = dst_len;
    while (r == Z_OK) {
        if (!z.avail_in && in_left) {
            z.avail_in = in_left > (1u << 30) ? 1u << 30 : (uInt)in_left;
            in_left -= z.avail_in;
        }
        if (!z.avail_out && out_left) {
            z.avail_out = out_left > (1u << 30) ? 1u << 30 : (uInt)out_left;
            out_left -= z.avail_out;
        }
        r = inflate(&z, Z_NO_FLUSH);
        if (r == Z_BUF_ERROR && (z.avail_in || in_left) && (z.avail_out || out_left)) r = Z_OK;
        if (r == Z_BUF_ERROR) break;
    }
    size_t produced = (size_t)z.total_out;
    inflateEnd(&z);
    return r == Z_STREAM_END && produced == dst_len ? 0 : PC_ECORRUPT;
}

static int z_deflate(const void *src, size_t src_len, void *dst, size_t *dst_len, int level) {
    uLongf n = (uLongf)*dst_len;
    int r = compress2(dst, &n, src, (uLong)src_len, level);
    if (r == Z_BUF_ERROR) return PC_ELIMIT;
    if (r != Z_OK) return PC_ENOMEM;
    *dst_len = (size_t)n;
    return 0;
}

static size_t z_bound(size_t n) { return (size_t)compressBound((uLong)n); }

const pc_mf4_codec_t *pc_mf4_zlib(void) {
    static const pc_mf4_codec_t codec = {z_inflate, z_deflate, z_bound};
    return &codec;
}

/* ---- page cache ---- */

int pc_mf4_evict(const char *path) {
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st;
    int ok = -1;
    if (fstat(fd, &st) == 0) {
        fsync(fd); /* dirty pages cannot be dropped */
        if (posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0) {
            ok = 1;
            size_t len = (size_t)st.st_size;
            if (len) {
                void *m = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
                if (m != MAP_FAILED) {
                    long pg = sysconf(_SC_PAGESIZE);
                    size_t np = (len + (size_t)pg - 1) / (size_t)pg;
                    unsigned char *vec = malloc(np);
                    if (vec && mincore(m, len, vec) == 0) {
                        for (size_t i = 0; i < np; i++)
                            if (vec[i] & 1) {
                                ok = 0;
                                break;
                            }
                    }
                    free(vec);
                    munmap(m, len);
                }
            }
        }
    }
    close(fd);
    return ok;
}

int pc_mf4_write_file(const char *path, const void *buf, size_t len, pc_errbuf_t *err) {
    pc_mf4_fsink_t *s = pc_mf4_fsink_create(path, err);
    if (!s) return PC_EIO;
    fsink_write(s, 0, buf, len);
    return pc_mf4_fsink_close(s, 0, err);
}

/* ---- test files ---- */

#define GEN_SLICE 65536

int pc_mf4_generate(const char *path, double size_mb, int pat, int compress, uint64_t block,
                    uint64_t *records, pc_errbuf_t *err) {
    pc_mf4_fsink_t *s = pc_mf4_fsink_create(path, err);
    if (!s) return PC_EIO;
    pc_mf4_writer_opts_t o = {.block_size = block, .compress = compress, .codec = pc_mf4_zlib(),
                              .start_ns = 1700000000ull * 1000000000ull, .comment = "generated by perfcast mf4 gen"};
    pc_mf4_writer_t *w = pc_mf4_writer_create(pc_mf4_fsink(s), &o);
    pc_mf4_gen_t g;
    int r = w ? pc_mf4_gen_setup(&g, w, (pc_mf4_pattern_t)pat) : PC_ENOMEM;
    uint64_t n = r ? 0 : (uint64_t)(size_mb * 1e6 / g.record_size);
    uint8_t *buf = r ? NULL : malloc((size_t)GEN_SLICE * g.record_size);
    if (!r && !buf) r = PC_ENOMEM;
    for (uint64_t i = 0; i < n && !r; i += GEN_SLICE) {
        size_t k = n - i < GEN_SLICE ? (size_t)(n - i) : GEN_SLICE;
        pc_mf4_gen_fill(&g, i, k, buf);
        r = pc_mf4_writer_append(w, g.group, buf, k);
    }
    free(buf);
    if (w) {
        int rc = r ? (pc_mf4_writer_abort(w), r) : pc_mf4_writer_close(w);
        if (!r) r = rc;
    }
    pc_errbuf_t e2;
    int rc = pc_mf4_fsink_close(s, 0, &e2);
    if (r) return pc_errf(err, r, "%s: %s", path, pc_strerror(r));
    if (rc) return pc_errf(err, rc, "%s", e2.msg);
    if (records) *records = n;
    return 0;
}

