/* mdf4_gen.h — deterministic test signals for MDF 4 files (the mdf4 suite, `perfcast mf4 gen`,
 * the tests): an `automotive` group (RPM, Speed, Temperature, Throttle, Gear, Brake ...) and
 * an `industrial` group (Pressure, Flow, Vibration with noise ...), each with a float64
 * master time channel and mixed types: unsigned and signed integers, float32/64, bit fields,
 * a big-endian value, identity and linear conversions.
 *
 * Every value is a pure function of (pattern, channel, record index), so a reader's output
 * can be checked exactly without keeping what was written. */
#ifndef PC_MDF4_GEN_H
#define PC_MDF4_GEN_H

#include <stddef.h>
#include <stdint.h>

#include "mdf4.h"

typedef enum pc_mf4_pattern { PC_MF4_PAT_AUTOMOTIVE = 0, PC_MF4_PAT_INDUSTRIAL = 1 } pc_mf4_pattern_t;

#define PC_MF4_GEN_MAX_CH 16

typedef struct pc_mf4_gen {
    pc_mf4_pattern_t pattern;
    int group;                         /* the writer's group index */
    int n;                             /* channels */
    const pc_mf4_chan_def_t *defs;     /* the pattern's channel table (static) */
    pc_mf4_slot_t slot[PC_MF4_GEN_MAX_CH];
    uint32_t record_size;
} pc_mf4_gen_t;

/* "automotive" / "industrial" -> pattern; returns 0 or PC_EINVAL. */
int pc_mf4_pattern_parse(const char *name, pc_mf4_pattern_t *out);
/* "automotive" / "industrial". */
const char *pc_mf4_pattern_name(pc_mf4_pattern_t p);
/* Record bytes of a pattern (without creating a writer). */
uint32_t pc_mf4_pattern_record_size(pc_mf4_pattern_t p);

/* Adds the pattern's group and channels to w. Returns 0 or a PC_E* code from the writer. */
int pc_mf4_gen_setup(pc_mf4_gen_t *g, pc_mf4_writer_t *w, pc_mf4_pattern_t p);
/* Lays the pattern out without a writer (same slots as pc_mf4_gen_setup). Cannot fail. */
void pc_mf4_gen_layout(pc_mf4_gen_t *g, pc_mf4_pattern_t p);
/* Fills n records from record index `first` into recs (n * record_size bytes). */
void pc_mf4_gen_fill(const pc_mf4_gen_t *g, uint64_t first, size_t n, uint8_t *recs);
/* The raw value channel ch holds in record i, as a double (exact for every channel here). */
double pc_mf4_gen_raw(const pc_mf4_gen_t *g, int ch, uint64_t i);
/* The physical value the signal meant before it was quantised to its raw type. */
double pc_mf4_gen_ideal(const pc_mf4_gen_t *g, int ch, uint64_t i);

#endif
