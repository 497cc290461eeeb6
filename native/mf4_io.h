/* mf4_io.h — file-backed I/O for the MDF 4 library (shared/mdf4/mdf4.h) on this platform:
 * a pread source, a buffered pwrite sink, the zlib codec for DZ blocks and page-cache
 * eviction for honest cold reads. */
#ifndef PC_MF4_IO_H
#define PC_MF4_IO_H

#include <stddef.h>
#include <stdint.h>

#include "mdf4/mdf4.h"
#include "pc_error.h"

/* An open file the reader reads through pread (no mapping: the bytes read never count as the
 * process's memory beyond the reader's own small buffers). */
typedef struct pc_mf4_fsrc {
    int fd;
    pc_mf4_source_t src; /* pass &src to pc_mf4_open; src.name is the path given */
} pc_mf4_fsrc_t;

/* Opens path for reading. Returns 0 or PC_EIO with err naming the file and errno's words. */
int pc_mf4_fsrc_open(pc_mf4_fsrc_t *s, const char *path, pc_errbuf_t *err);
/* Closes the file (safe twice). */
void pc_mf4_fsrc_close(pc_mf4_fsrc_t *s);

/* A file the writer streams into: sequential writes are coalesced in a 1 MiB buffer, large
 * ones pass straight through, out-of-order ones (header patches) go to pwrite. */
typedef struct pc_mf4_fsink pc_mf4_fsink_t;

/* Creates (truncating) path. Returns NULL with err naming the file. Free with
 * pc_mf4_fsink_close. */
pc_mf4_fsink_t *pc_mf4_fsink_create(const char *path, pc_errbuf_t *err);
/* The sink to hand to pc_mf4_writer_create (valid while the fsink is). */
const pc_mf4_sink_t *pc_mf4_fsink(pc_mf4_fsink_t *s);
/* Flushes, optionally fsyncs, closes and frees. Returns 0 or PC_EIO (a write or the fsync
 * failed: err says which). */
int pc_mf4_fsink_close(pc_mf4_fsink_t *s, int do_fsync, pc_errbuf_t *err);

/* zlib for DZ blocks (static table, never freed). */
const pc_mf4_codec_t *pc_mf4_zlib(void);

/* Drops path's pages from the page cache (fsync, then POSIX_FADV_DONTNEED). Returns 1 when
 * the kernel then reports none of its pages resident (mincore), 0 when some stayed, -1 on
 * error. */
int pc_mf4_evict(const char *path);

/* Writes a whole buffer to path (for the index). Returns 0 or PC_EIO with err. */
int pc_mf4_write_file(const char *path, const void *buf, size_t len, pc_errbuf_t *err);

/* Writes a test file of about size_mb * 10^6 bytes of pattern `pat` records (mdf4_gen.h) to
 * path; block = data block bytes (0: 4 MiB); compress: DZ blocks. *records receives the count
 * (may be NULL). Returns 0 or a PC_E* code with err naming the file. */
int pc_mf4_generate(const char *path, double size_mb, int pat, int compress, uint64_t block, uint64_t *records,
                    pc_errbuf_t *err);

#endif
