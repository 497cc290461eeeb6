/* fuzz_mdf4.c — libFuzzer target for the MDF 4 reader (shared/mdf4/).
 *
 * Each input is opened as a file in memory and through a read callback, every readable
 * group's numeric channels are read (at most MAX_RECORDS records each) and converted, and
 * the index is saved and loaded again. Built with clang-14 -fsanitize=fuzzer,address,undefined
 * by tests/CMakeLists.txt and run briefly by ctest over the seed corpus tests/data/mf4-corpus/
 * (new inputs go to the build directory; found crashes are not committed). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mdf4/mdf4.h"
#include "mf4_io.h"

#define MAX_RECORDS 20000

typedef struct mem { const uint8_t *d; size_t n; } mem_t;

static int mem_read(void *ud, uint64_t off, void *buf, size_t len) {
    const mem_t *m = ud;
    if (off > m->n || len > m->n - off) return PC_EIO;
    memcpy(buf, m->d + off, len);
    return 0;
}

static void exercise(pc_mf4_file_t *f) {
    for (int g = 0; g < pc_mf4_n_groups(f); g++) {
        const pc_mf4_group_t *gr = pc_mf4_group(f, g);
        uint64_t n = gr->n_records < MAX_RECORDS ? gr->n_records : MAX_RECORDS;
        for (int c = gr->first_channel; c < gr->first_channel + gr->n_channels; c++) {
            const pc_mf4_channel_t *ch = pc_mf4_channel(f, c);
            size_t w = pc_mf4_raw_size(ch->raw);
            if (!w) continue;
            void *raw = malloc(n * w + 1);
            double *phys = malloc(n * sizeof(double) + 1);
            pc_errbuf_t err;
            if (raw && phys && pc_mf4_read(f, g, &c, 1, &raw, 0, n, &err) == 0) pc_mf4_to_physical(ch, raw, n, phys);
            /* a read that starts in the middle */
            if (raw && n > 3) pc_mf4_read(f, g, &c, 1, &raw, n / 2, n - n / 2, &err);
            free(raw);
            free(phys);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    pc_mf4_source_t src = {.base = data, .size = size, .name = "fuzz.mf4"};
    pc_mf4_file_t *f = NULL;
    pc_errbuf_t err;
    if (pc_mf4_open(&src, pc_mf4_zlib(), &f, &err) == 0) {
        exercise(f);
        uint8_t *idx = NULL;
        size_t len = 0;
        if (pc_mf4_index_save(f, &idx, &len) == 0) {
            pc_mf4_file_t *g = NULL;
            if (pc_mf4_open_indexed(&src, NULL, idx, len, &g, &err) == 0) exercise(g);
            pc_mf4_close(g);
            /* a damaged index must be refused or stay safe */
            if (len > 40) {
                idx[len / 2] ^= 0x5a;
                if (pc_mf4_open_indexed(&src, NULL, idx, len, &g, &err) == 0) pc_mf4_close(g);
            }
            free(idx);
        }
        pc_mf4_close(f);
    }
    mem_t m = {data, size};
    pc_mf4_source_t cb = {.read = mem_read, .ud = &m, .size = size, .name = "fuzz-cb.mf4"};
    if (pc_mf4_open(&cb, NULL, &f, &err) == 0) {
        exercise(f);
        pc_mf4_close(f);
    }
    return 0;
}
