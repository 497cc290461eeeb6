/* pcast_file.js — result-file bytes for the JS tests (tests/wasm, tests/browser): CRC-32 (as
 * zlib's, which records and PNG chunks use), one JSON record as it lies in a file or a
 * WebSocket message, and the 16-byte file header (docs/FORMAT.md). */
'use strict';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/* CRC-32 (IEEE) of a byte array. */
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/* One record: u32 len, u16 kind, u16 enc (0: JSON), the payload, crc32 of all before it.
 * `payload` is an object (encoded as JSON) or a Buffer taken as it is. */
function record(kind, payload) {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(JSON.stringify(payload));
  const rec = Buffer.alloc(12 + body.length);
  rec.writeUInt32LE(body.length, 0);
  rec.writeUInt16LE(kind, 4);
  rec.writeUInt16LE(0, 6);
  body.copy(rec, 8);
  rec.writeUInt32LE(crc32(rec.subarray(0, 8 + body.length)), 8 + body.length);
  return rec;
}

/* "PERFCAST" | u16 major | u16 minor | u32 flags 0. */
function fileHeader(major = 1, minor = 1) {
  const head = Buffer.alloc(16);
  head.write('PERFCAST', 0, 'ascii');
  head.writeUInt16LE(major, 8);
  head.writeUInt16LE(minor, 10);
  return head;
}

module.exports = { crc32, record, fileHeader };
