/* Record framing: round trip, torn input, corruption, file header versions. */
#include <stdlib.h>
#include <string.h>

#include "pc_test.h"
#include "record.h"
#include "pc_error.h"

static void record_should_round_trip(void) {
    uint8_t buf[256];
    const char *json = "{\"t\":1.5}";
    size_t n = pc_record_encode(buf, sizeof buf, PC_REC_WINDOW, PC_ENC_JSON, json, strlen(json));
    PC_CHECK_EQ_U64(n, pc_record_size(strlen(json)));
    pc_record_t rec;
    size_t used;
    PC_CHECK(pc_record_decode(buf, n, &rec, &used) == 0);
    PC_CHECK_EQ_U64(used, n);
    PC_CHECK_EQ_U64(rec.kind, PC_REC_WINDOW);
    PC_CHECK_EQ_U64(rec.enc, PC_ENC_JSON);
    PC_CHECK_EQ_U64(rec.len, strlen(json));
    PC_CHECK(memcmp(rec.payload, json, rec.len) == 0);
}

static void record_should_report_truncation_at_every_cut(void) {
    uint8_t buf[64];
    size_t n = pc_record_encode(buf, sizeof buf, PC_REC_END, PC_ENC_JSON, "{}", 2);
    for (size_t cut = 0; cut < n; cut++) {
        pc_record_t rec;
        size_t used = 99;
        PC_CHECK(pc_record_decode(buf, cut, &rec, &used) == PC_ETRUNC);
        PC_CHECK_EQ_U64(used, 0);
    }
}

static void record_should_detect_any_flipped_byte(void) {
    uint8_t buf[64];
    size_t n = pc_record_encode(buf, sizeof buf, PC_REC_HIST, PC_ENC_JSON, "{\"b\":[]}", 8);
    for (size_t i = 0; i < n; i++) {
        uint8_t copy[64];
        memcpy(copy, buf, n);
        copy[i] ^= 0x40;
        pc_record_t rec;
        size_t used;
        int r = pc_record_decode(copy, n, &rec, &used);
        PC_CHECK(r == PC_ECORRUPT || r == PC_ETRUNC);
    }
}

static void record_should_refuse_too_small_buffer_and_huge_length(void) {
    uint8_t buf[16];
    PC_CHECK_EQ_U64(pc_record_encode(buf, sizeof buf, 1, 0, "0123456789", 10), 0);
    uint8_t huge[12] = {0xff, 0xff, 0xff, 0x7f};
    pc_record_t rec;
    size_t used;
    PC_CHECK(pc_record_decode(huge, sizeof huge, &rec, &used) == PC_ECORRUPT);
}

static void record_should_decode_concatenated_records(void) {
    uint8_t buf[256];
    size_t n = 0;
    for (int i = 0; i < 5; i++) n += pc_record_encode(buf + n, sizeof buf - n, (uint16_t)(i + 1), 0, "{}", 2);
    size_t off = 0;
    int count = 0;
    while (off < n) {
        pc_record_t rec;
        size_t used;
        PC_CHECK(pc_record_decode(buf + off, n - off, &rec, &used) == 0);
        PC_CHECK_EQ_U64(rec.kind, count + 1);
        off += used;
        count++;
    }
    PC_CHECK_EQ_U64(count, 5);
}

static void file_header_should_check_magic_and_version(void) {
    uint8_t h[PC_FILE_HEADER_SIZE];
    pc_file_header_write(h);
    int major = 0, minor = -1;
    PC_CHECK(pc_file_header_check(h, sizeof h, &major, &minor) == 0);
    PC_CHECK_EQ_U64(major, PC_FORMAT_MAJOR);
    PC_CHECK_EQ_U64(minor, PC_FORMAT_MINOR);
    PC_CHECK(pc_file_header_check(h, 10, NULL, NULL) == PC_ETRUNC);
    h[8] = PC_FORMAT_MAJOR + 1;
    PC_CHECK(pc_file_header_check(h, sizeof h, &major, NULL) == PC_EVERSION);
    PC_CHECK_EQ_U64(major, PC_FORMAT_MAJOR + 1);
    memcpy(h, "NOTPERFC", 8);
    PC_CHECK(pc_file_header_check(h, sizeof h, NULL, NULL) == PC_EFORMAT);
}

static void crc32_should_match_the_standard_check_value(void) {
    PC_CHECK_EQ_U64(pc_crc32(0, "123456789", 9), 0xCBF43926u);
    /* continuing a CRC over a split buffer equals one pass */
    PC_CHECK_EQ_U64(pc_crc32(pc_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

int main(int argc, char **argv) {
    pc_test_filter(argc, argv);
    PC_RUN(record_should_round_trip);
    PC_RUN(record_should_report_truncation_at_every_cut);
    PC_RUN(record_should_detect_any_flipped_byte);
    PC_RUN(record_should_refuse_too_small_buffer_and_huge_length);
    PC_RUN(record_should_decode_concatenated_records);
    PC_RUN(file_header_should_check_magic_and_version);
    PC_RUN(crc32_should_match_the_standard_check_value);
    return pc_test_done();
}
