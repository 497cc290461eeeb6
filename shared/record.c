/* record.c — record framing (length, kind, encoding, CRC-32) and the file header. */
#include "record.h"

#include <string.h>

#include "pc_error.h"

static void put_u16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint16_t get_u16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static uint32_t get_u32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Nibble-at-a-time CRC: a 16-entry constant table, no initialisation, no shared mutable
 * state, fast enough for records (they are aggregated, so kilobytes, not gigabytes). */
static const uint32_t crc_nibble[16] = {
    0x00000000, 0x1DB71064, 0x3B6E20C8, 0x26D930AC, 0x76DC4190, 0x6B6B51F4, 0x4DB26158, 0x5005713C,
    0xEDB88320, 0xF00F9344, 0xD6D6A3E8, 0xCB61B38C, 0x9B64C2B0, 0x86D3D2D4, 0xA00AE278, 0xBDBDF21C,
};

uint32_t pc_crc32(uint32_t crc, const void *data, size_t len) {
    const uint8_t *p = data;
    crc = ~crc;
    while (len--) {
        crc ^= *p++;
        crc = crc_nibble[crc & 15] ^ (crc >> 4);
        crc = crc_nibble[crc & 15] ^ (crc >> 4);
    }
    return ~crc;
}

void pc_file_header_write(uint8_t out[PC_FILE_HEADER_SIZE]) {
    memcpy(out, PC_FILE_MAGIC, 8);
    put_u16(out + 8, PC_FORMAT_MAJOR);
    put_u16(out + 10, PC_FORMAT_MINOR);
    put_u32(out + 12, 0);
}

int pc_file_header_check(const uint8_t *buf, size_t len, int *major, int *minor) {
    if (len < 8) return PC_ETRUNC;
    if (memcmp(buf, PC_FILE_MAGIC, 8) != 0) return PC_EFORMAT;
    if (len < PC_FILE_HEADER_SIZE) return PC_ETRUNC;
    int maj = get_u16(buf + 8), min = get_u16(buf + 10);
    if (major) *major = maj;
    if (minor) *minor = min;
    return maj == PC_FORMAT_MAJOR ? 0 : PC_EVERSION;
}

size_t pc_record_encode(uint8_t *out, size_t cap, uint16_t kind, uint16_t enc,
                        const void *payload, size_t len) {
    if (len > PC_RECORD_MAX_PAYLOAD || cap < pc_record_size(len)) return 0;
    put_u32(out, (uint32_t)len);
    put_u16(out + 4, kind);
    put_u16(out + 6, enc);
    if (len) memcpy(out + 8, payload, len);
    put_u32(out + 8 + len, pc_crc32(0, out, 8 + len));
    return pc_record_size(len);
}

int pc_record_decode(const uint8_t *buf, size_t len, pc_record_t *rec, size_t *used) {
    *used = 0;
    if (len < 8) return PC_ETRUNC;
    uint32_t plen = get_u32(buf);
    if (plen > PC_RECORD_MAX_PAYLOAD) return PC_ECORRUPT;
    if (len < pc_record_size(plen)) return PC_ETRUNC;
    if (pc_crc32(0, buf, 8 + (size_t)plen) != get_u32(buf + 8 + plen)) return PC_ECORRUPT;
    rec->len = plen;
    rec->kind = get_u16(buf + 4);
    rec->enc = get_u16(buf + 6);
    rec->payload = buf + 8;
    *used = pc_record_size(plen);
    return 0;
}

size_t pc_record_peek_size(const uint8_t *buf, size_t len) {
    if (len < 8) return 0;
    uint32_t plen = get_u32(buf);
    if (plen > PC_RECORD_MAX_PAYLOAD) return 0;
    size_t sz = pc_record_size(plen);
    return sz <= len ? sz : 0;
}

const char *pc_rec_kind_name(uint16_t kind) {
    switch (kind) {
    case PC_REC_HEADER: return "header";
    case PC_REC_HIST: return "hist";
    case PC_REC_WINDOW: return "window";
    case PC_REC_PROGRESS: return "progress";
    case PC_REC_SUMMARY: return "summary";
    case PC_REC_END: return "end";
    case PC_REC_EVENT: return "event";
    case PC_REC_BOOK: return "book";
    case PC_REC_METRIC: return "metric";
    case PC_REC_MESH: return "mesh";
    case PC_REC_CALLS: return "calls";
    case PC_REC_FRAME: return "frame";
    case PC_REC_ALERT: return "alert";
    case PC_REC_BASELINE: return "baseline";
    default: return "unknown";
    }
}
