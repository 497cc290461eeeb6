/* mdf4_gen.c — the suite's signal patterns: pure functions of the record index.
 *
 * Waveforms are triangles and hashed noise (no libm), so the same bits come out everywhere. */
#include "mdf4_gen.h"

#include <string.h>

/* name, unit, comment, data type, bits, master, cc type, cc */
static const pc_mf4_chan_def_t AUTO[] = {
    {"time", "s", "master time channel, 1 kHz", PC_MF4_FLOAT_LE, 64, 1, 0, {0}},
    {"RPM", "rpm", "engine speed", PC_MF4_UINT_LE, 16, 0, PC_MF4_CC_LINEAR, {0, 0.25}},
    {"Speed", "km/h", "vehicle speed", PC_MF4_FLOAT_LE, 32, 0, 0, {0}},
    {"Temperature", "degC", "coolant temperature", PC_MF4_INT_LE, 16, 0, PC_MF4_CC_LINEAR, {0, 0.1}},
    {"Throttle", "%", "throttle position", PC_MF4_UINT_LE, 8, 0, 0, {0}},
    {"Gear", "", "selected gear (3-bit field)", PC_MF4_UINT_LE, 3, 0, 0, {0}},
    {"Brake", "", "brake pedal switch", PC_MF4_UINT_LE, 1, 0, 0, {0}},
    {"Clutch", "", "clutch pedal switch", PC_MF4_UINT_LE, 1, 0, 0, {0}},
    {"Odometer", "m", "distance", PC_MF4_UINT_LE, 32, 0, 0, {0}},
    {"Lambda", "", "air-fuel ratio", PC_MF4_FLOAT_LE, 64, 0, 0, {0}},
    {"Torque", "Nm", "engine torque (big-endian)", PC_MF4_INT_BE, 16, 0, 0, {0}},
};

static const pc_mf4_chan_def_t INDU[] = {
    {"time", "s", "master time channel, 10 kHz", PC_MF4_FLOAT_LE, 64, 1, 0, {0}},
    {"Pressure", "bar", "line pressure", PC_MF4_FLOAT_LE, 32, 0, 0, {0}},
    {"Flow", "l/min", "flow rate", PC_MF4_FLOAT_LE, 64, 0, 0, {0}},
    {"Vibration", "g", "accelerometer", PC_MF4_INT_LE, 16, 0, PC_MF4_CC_LINEAR, {0, 0.001}},
    {"Temperature", "degC", "bearing temperature", PC_MF4_FLOAT_LE, 32, 0, 0, {0}},
    {"ValveOpen", "", "valve state", PC_MF4_UINT_LE, 1, 0, 0, {0}},
    {"Alarm", "", "alarm flag", PC_MF4_UINT_LE, 1, 0, 0, {0}},
    {"Counter", "", "cycle counter", PC_MF4_UINT_LE, 64, 0, 0, {0}},
    {"Level", "%", "tank level", PC_MF4_UINT_LE, 16, 0, PC_MF4_CC_LINEAR, {0, 0.01}},
    {"Phase", "", "signed 8-bit phase", PC_MF4_INT_LE, 8, 0, 0, {0}},
    {"ADC", "counts", "12-bit converter", PC_MF4_UINT_LE, 12, 0, 0, {0}},
};

#define N_AUTO ((int)(sizeof AUTO / sizeof AUTO[0]))
#define N_INDU ((int)(sizeof INDU / sizeof INDU[0]))

int pc_mf4_pattern_parse(const char *name, pc_mf4_pattern_t *out) {
    if (name && !strcmp(name, "automotive")) *out = PC_MF4_PAT_AUTOMOTIVE;
    else if (name && !strcmp(name, "industrial")) *out = PC_MF4_PAT_INDUSTRIAL;
    else return PC_EINVAL;
    return 0;
}

const char *pc_mf4_pattern_name(pc_mf4_pattern_t p) { return p == PC_MF4_PAT_INDUSTRIAL ? "industrial" : "automotive"; }

/* The same layout rule as the writer (mdf4_write.c): bit fields share a byte while they fit,
 * everything else starts on the next whole byte. */
void pc_mf4_gen_layout(pc_mf4_gen_t *g, pc_mf4_pattern_t p) {
    memset(g, 0, sizeof *g);
    g->pattern = p;
    g->defs = p == PC_MF4_PAT_INDUSTRIAL ? INDU : AUTO;
    g->n = p == PC_MF4_PAT_INDUSTRIAL ? N_INDU : N_AUTO;
    uint32_t bits = 0, open_byte = UINT32_MAX, open_pos = 0;
    for (int i = 0; i < g->n; i++) {
        const pc_mf4_chan_def_t *d = &g->defs[i];
        pc_mf4_slot_t *s = &g->slot[i];
        s->bit_count = d->bit_count;
        s->data_type = d->data_type;
        int isfloat = d->data_type == PC_MF4_FLOAT_LE || d->data_type == PC_MF4_FLOAT_BE;
        if (d->bit_count < 8 && !isfloat) {
            if (open_byte == UINT32_MAX || open_pos + d->bit_count > 8) {
                open_byte = (bits + 7) / 8;
                open_pos = 0;
                bits = (open_byte + 1) * 8;
            }
            s->byte_offset = open_byte;
            s->bit_offset = (uint8_t)open_pos;
            open_pos += d->bit_count;
        } else {
            uint32_t byte = (bits + 7) / 8;
            s->byte_offset = byte;
            bits = byte * 8 + ((d->bit_count + 7) / 8) * 8;
        }
    }
    g->record_size = (bits + 7) / 8;
}

uint32_t pc_mf4_pattern_record_size(pc_mf4_pattern_t p) {
    pc_mf4_gen_t g;
    pc_mf4_gen_layout(&g, p);
    return g.record_size;
}

int pc_mf4_gen_setup(pc_mf4_gen_t *g, pc_mf4_writer_t *w, pc_mf4_pattern_t p) {
    pc_mf4_gen_layout(g, p);
    int r = pc_mf4_writer_add_group(w, pc_mf4_pattern_name(p),
                                    p == PC_MF4_PAT_INDUSTRIAL ? "industrial test bench signals"
                                                               : "automotive CAN-style signals");
    if (r < 0) return r;
    g->group = r;
    for (int i = 0; i < g->n; i++) {
        pc_mf4_slot_t s;
        int c = pc_mf4_writer_add_channel(w, g->group, &g->defs[i], &s);
        if (c < 0) return c;
        if (s.byte_offset != g->slot[i].byte_offset || s.bit_offset != g->slot[i].bit_offset) return PC_ESTATE;
    }
    return 0;
}

/* ---- signals ---- */

static uint64_t mix(uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}
static double noise(uint64_t i, int k) { return (double)(mix(i * 32 + (uint64_t)k) >> 11) * (2.0 / 9007199254740992.0) - 1.0; }
static double tri(uint64_t i, uint64_t period) {
    double ph = (double)(i % period) / (double)period;
    return ph < 0.5 ? 2 * ph : 2 - 2 * ph;
}
static double clampd(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }
static double roundd(double v) { return v < 0 ? -(double)(int64_t)(-v + 0.5) : (double)(int64_t)(v + 0.5); }

double pc_mf4_gen_ideal(const pc_mf4_gen_t *g, int ch, uint64_t i) {
    if (g->pattern == PC_MF4_PAT_AUTOMOTIVE) {
        switch (ch) {
        case 0: return (double)i / 1000.0;
        case 1: return clampd(800 + 5200 * tri(i, 20000) + 30 * noise(i, 1), 0, 16383);
        case 2: return 180 * tri(i, 60000);
        case 3: return -10 + 105 * tri(i, 600000) + 0.5 * noise(i, 3);
        case 4: return clampd(100 * tri(i, 7000) + 2 * noise(i, 4), 0, 100);
        case 5: return (double)((i / 5000) % 7);
        case 6: return (i % 9000) < 1500;
        case 7: return (i % 5000) < 200;
        case 8: return (double)(i / 20);
        case 9: return 1.0 + 0.05 * noise(i, 9);
        case 10: return -200 + 600 * tri(i, 20000) + 5 * noise(i, 10);
        }
    } else {
        switch (ch) {
        case 0: return (double)i / 10000.0;
        case 1: return 5 + 2 * tri(i, 50000) + 0.05 * noise(i, 1);
        case 2: return 120 + 30 * tri(i, 200000) + noise(i, 2);
        case 3: return 0.8 * (2 * tri(i, 50) - 1) + 0.2 * noise(i, 3);
        case 4: return 60 + 10 * tri(i, 1000000);
        case 5: return (double)((i / 30000) % 2);
        case 6: return noise(i, 6) > 0.999;
        case 7: return (double)(i * 3);
        case 8: return 100 * tri(i, 400000);
        case 9: return (double)((int)(i % 256) - 128);
        case 10: return (double)((i * 7) % 4096);
        }
    }
    return 0;
}

double pc_mf4_gen_raw(const pc_mf4_gen_t *g, int ch, uint64_t i) {
    double v = pc_mf4_gen_ideal(g, ch, i);
    const pc_mf4_chan_def_t *d = &g->defs[ch];
    if (d->data_type == PC_MF4_FLOAT_LE || d->data_type == PC_MF4_FLOAT_BE)
        return d->bit_count == 32 ? (double)(float)v : v;
    if (d->cc_type == PC_MF4_CC_LINEAR) v = (v - d->cc[0]) / d->cc[1];
    return roundd(v);
}

void pc_mf4_gen_fill(const pc_mf4_gen_t *g, uint64_t first, size_t n, uint8_t *recs) {
    memset(recs, 0, n * g->record_size);
    for (size_t k = 0; k < n; k++) {
        uint8_t *rec = recs + k * g->record_size;
        uint64_t i = first + k;
        for (int c = 0; c < g->n; c++) {
            const pc_mf4_slot_t *s = &g->slot[c];
            double v = pc_mf4_gen_raw(g, c, i);
            if (s->data_type == PC_MF4_FLOAT_LE || s->data_type == PC_MF4_FLOAT_BE) pc_mf4_pack_float(rec, s, v);
            else if (v < 0) pc_mf4_pack_int(rec, s, (uint64_t)(int64_t)v);
            else pc_mf4_pack_int(rec, s, (uint64_t)v);
        }
    }
}
