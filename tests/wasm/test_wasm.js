#!/usr/bin/env node
/* test_wasm.js — the WASM viewer under node, against the native renderer.
 *
 * Loads build/www/perfcast.js + perfcast.wasm through www/viewer.js (the page's own
 * wrapper), opens a recorded result file, renders every view it offers at two sizes and
 * densities, and compares the RGBA bytes with `perfcast render FILE --view V -o X.rgba`:
 * same C, same pixels, byte for byte; animated views also at several playback cursors
 * (`--at T`), which must give different frames. Then feeds it broken inputs (garbage, truncated
 * files, a wrong format version, bad stream messages) and checks each gives a clear
 * message without throwing.
 *
 *   node test_wasm.js --perfcast BIN --www DIR --fixture FILE.pcast --out DIR [--more FILE,...]
 *
 * --more: further result files (e.g. a recorded orderbook run) whose animated views are
 * compared at several cursors too.
 *
 * On a pixel mismatch it writes wasm/native/diff PNGs into --out. Prints one line per
 * case and "N passed, N failed" at the end; exit status 1 when anything failed. */
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const { execFileSync } = require('child_process');

function parseArgs(argv) {
  const a = {};
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i];
    if (!k.startsWith('--') || i + 1 >= argv.length) throw new Error('usage: --perfcast BIN --www DIR --fixture FILE --out DIR [--more FILE,...]');
    a[k.slice(2)] = argv[++i];
  }
  for (const k of ['perfcast', 'www', 'fixture', 'out'])
    if (!a[k]) throw new Error('missing --' + k);
  return a;
}

const args = parseArgs(process.argv);
fs.mkdirSync(args.out, { recursive: true });

let passed = 0, failed = 0;
const results = [];
async function test(name, fn) {
  try {
    await fn();
    passed++;
    console.log('ok   ' + name);
  } catch (e) {
    failed++;
    console.log('FAIL ' + name + '\n     ' + String(e && e.stack || e).split('\n').join('\n     '));
  }
  results.push(name);
}
function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

/* ---- a minimal PNG writer (node's zlib), for looking at mismatches ---- */
const { crc32 } = require('./pcast_file.js');
function pngChunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function writePng(file, rgba, w, h) {
  const raw = Buffer.alloc((w * 4 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, rgba.byteOffset + y * w * 4, w * 4).copy(raw, y * (w * 4 + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  fs.writeFileSync(file, Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr), pngChunk('IDAT', zlib.deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0)),
  ]));
}

/* Pixels that differ, and a diff image (red where they differ, dimmed wasm elsewhere). */
function comparePixels(a, b, w, h) {
  let diff = 0, first = -1;
  const img = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const o = i * 4;
    const same = a[o] === b[o] && a[o + 1] === b[o + 1] && a[o + 2] === b[o + 2] && a[o + 3] === b[o + 3];
    if (!same) {
      diff++;
      if (first < 0) first = i;
      img[o] = 255; img[o + 1] = 0; img[o + 2] = 0;
    } else {
      img[o] = a[o] >> 2; img[o + 1] = a[o + 1] >> 2; img[o + 2] = a[o + 2] >> 2;
    }
    img[o + 3] = 255;
  }
  return { diff, first, img };
}

/* Distinct colours in an image (capped), to refuse a blank frame as a "match". */
function distinctColours(px, cap = 64) {
  const seen = new Set();
  const v = new Uint32Array(px.buffer, px.byteOffset, px.length / 4);
  for (let i = 0; i < v.length && seen.size < cap; i += 7) seen.add(v[i]);
  return seen.size;
}

/* Renders view `name` natively with `perfcast render FILE --view NAME --at T` as raw RGBA. */
function nativeRender(file, name, s, at, out, extra = []) {
  const argv = ['render', file, '--view', name, '--width', String(s.w), '--height', String(s.h),
    '--scale', String(s.scale), '-o', out].concat(extra);
  if (at >= 0) argv.push('--at', String(at)); /* String(): the shortest text that reads back as the same double */
  try {
    execFileSync(args.perfcast, argv, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60000 });
  } catch (e) {
    throw new Error('perfcast render failed: ' + (e.stderr ? e.stderr.toString() : e.message));
  }
  return fs.readFileSync(out);
}

/* The animated views of `file` at several cursors: wasm == native at each, and the cursor
 * matters (not every frame is the same picture). Leaves `file` loaded in the viewer. */
async function cursorTests(viewer, file) {
  const base = path.basename(file, '.pcast');
  const bytes = fs.readFileSync(file);
  const r = viewer.loadFile(bytes, path.basename(file));
  await test(`load_file_should_accept_${base}`, () => check(r.ok, 'load failed: ' + r.error));
  if (!r.ok) return;
  const dur = viewer.duration();
  const anim = viewer.views().filter((v) => v.animated);
  /* suites whose views are all static (mdf4) have no cursor to sweep: their views are still
   * compared pixel for pixel below */
  if (!anim.length) console.log(`skip ${base}: no animated view among ${JSON.stringify(viewer.views())}`);
  else await test(`${base}_should_have_an_animated_view_and_a_duration`, () => {
    check(dur > 0, 'duration ' + dur);
  });
  const s = { w: 720, h: 420, scale: 1 };
  for (const v of anim) {
    const hashes = new Set();
    const cursors = [0, dur * 0.3, dur * 0.65, dur];
    for (const at of cursors) {
      const tag = `${base}-${v.name}-at${at === 0 ? '0' : at.toFixed(3)}`;
      await test(`render_at_cursor_should_match_native_${tag}`, () => {
        const px = viewer.render(v.name, s.w, s.h, s.scale, at);
        check(px, 'wasm render failed: ' + viewer.lastError());
        const wasmPx = Uint8Array.from(px);
        check(distinctColours(wasmPx) >= 3, 'wasm frame is (nearly) blank');
        hashes.add(crc32(wasmPx));
        const nat = nativeRender(file, v.name, s, at, path.join(args.out, tag + '.rgba'));
        check(nat.length === wasmPx.length, `native output has ${nat.length} bytes, wasm ${wasmPx.length}`);
        const c = comparePixels(wasmPx, nat, s.w, s.h);
        if (c.diff) {
          writePng(path.join(args.out, tag + '-wasm.png'), wasmPx, s.w, s.h);
          writePng(path.join(args.out, tag + '-native.png'), new Uint8Array(nat), s.w, s.h);
          writePng(path.join(args.out, tag + '-diff.png'), c.img, s.w, s.h);
          const x = c.first % s.w, y = Math.floor(c.first / s.w);
          throw new Error(`${c.diff} of ${s.w * s.h} pixels differ, first at (${x},${y}); see ${tag}-{wasm,native,diff}.png`);
        }
        writePng(path.join(args.out, tag + '.png'), wasmPx, s.w, s.h);
      });
    }
    await test(`render_at_cursor_should_change_the_frames_of_${base}-${v.name}`, () => {
      check(hashes.size >= 3, `${v.name}: only ${hashes.size} different frames at cursors ${cursors.join(', ')}`);
    });
  }
}

async function main() {
  const { PerfcastViewer } = require(path.resolve(args.www, 'viewer.js'));
  const factory = require(path.resolve(args.www, 'perfcast.js'));
  /* Hand the module its bytes: this emscripten prefers fetch(), which under node cannot
   * read a file path. */
  const wasmBinary = fs.readFileSync(path.resolve(args.www, 'perfcast.wasm'));
  const viewer = await PerfcastViewer.create({ factory, moduleArgs: { wasmBinary } });
  if (!fs.existsSync(args.fixture))
    throw new Error('fixture ' + args.fixture + ' is missing (a recorded run: perfcast run ringbuf --quick -o FILE)');
  const fixture = fs.readFileSync(args.fixture);
  const fixtureName = path.basename(args.fixture);

  let views = [];
  await test('load_file_should_accept_the_recorded_fixture', () => {
    const r = viewer.loadFile(fixture, fixtureName);
    check(r.ok, 'load failed: ' + r.error);
    check(r.warning === '', 'unexpected torn-tail warning: ' + r.warning);
    const st = viewer.status();
    check(st.records > 2, 'too few records applied: ' + JSON.stringify(st));
    check(st.suite, 'no suite in status: ' + JSON.stringify(st));
    check(st.finished === true, 'fixture run is not finished: ' + JSON.stringify(st));
    const hdr = viewer.header();
    check(hdr && hdr.run_id === st.run_id, 'header/status mismatch');
    check(viewer.summary() !== null, 'fixture has no summary record');
    views = viewer.views();
    check(Array.isArray(views) && views.length > 0, 'no views for the fixture');
    for (const v of views) check(v.name && v.title, 'view without name/title: ' + JSON.stringify(v));
  });

  await test('duration_should_be_the_run_length', () => {
    const d = viewer.duration();
    check(d > 0, 'duration ' + d);
    check(d === viewer.status().t_last, `duration ${d} != status t_last ${viewer.status().t_last}`);
  });

  if (!(viewer.stepTime(0, 1) > 0 && viewer.stepTime(viewer.stepTime(0, 1), 1) > viewer.stepTime(0, 1)))
    console.log('skip step_time: fewer than two timed records in ' + path.basename(args.fixture));
  else await test('step_time_should_walk_the_record_times', () => {
    const d = viewer.duration();
    const a = viewer.stepTime(0, 1);
    check(a > 0 && a <= d, 'first step from 0 went to ' + a);
    const b = viewer.stepTime(a, 1);
    check(b > a && b <= d, `step after ${a} went to ${b}`);
    check(viewer.stepTime(b, -1) === a, `step back from ${b} went to ${viewer.stepTime(b, -1)}, not ${a}`);
    check(viewer.stepTime((a + b) / 2, 1) === b, 'a step from between two records does not land on the next');
    check(viewer.stepTime(d, 1) === d, 'a step past the end moved');
    const back = viewer.stepTime(-1, -1);
    check(back < d && back >= 0, 'a step back from "everything" went to ' + back);
    check(viewer.stepTime(a, -1) === 0, 'a step back from the first record went to ' + viewer.stepTime(a, -1));
    check(viewer.stepTime(a, 0) === a, 'dir 0 moved');
  });

  const sizes = [
    { w: 800, h: 500, scale: 1 },
    { w: 1280, h: 720, scale: 2 },
  ];
  for (const v of views) {
    for (const s of sizes) {
      const tag = `${v.name}-${s.w}x${s.h}@${s.scale}`;
      await test(`render_should_match_native_${tag}`, () => {
        const px = viewer.render(v.name, s.w, s.h, s.scale, -1);
        check(px, 'wasm render failed: ' + viewer.lastError());
        check(px.length === s.w * s.h * 4, 'wrong buffer length ' + px.length);
        const wasmPx = Uint8Array.from(px); /* copy: the next call may reuse the memory */
        check(distinctColours(wasmPx) >= 3, 'wasm frame is (nearly) blank: nothing to compare');
        const out = path.join(args.out, tag + '.rgba');
        try {
          execFileSync(args.perfcast, ['render', args.fixture, '--view', v.name, '--width', String(s.w),
            '--height', String(s.h), '--scale', String(s.scale), '-o', out], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 60000 });
        } catch (e) {
          throw new Error('perfcast render failed: ' + (e.stderr ? e.stderr.toString() : e.message));
        }
        const nat = fs.readFileSync(out);
        check(nat.length === wasmPx.length, `native output has ${nat.length} bytes, wasm ${wasmPx.length}`);
        const c = comparePixels(wasmPx, nat, s.w, s.h);
        if (c.diff) {
          writePng(path.join(args.out, tag + '-wasm.png'), wasmPx, s.w, s.h);
          writePng(path.join(args.out, tag + '-native.png'), new Uint8Array(nat), s.w, s.h);
          writePng(path.join(args.out, tag + '-diff.png'), c.img, s.w, s.h);
          const x = c.first % s.w, y = Math.floor(c.first / s.w);
          throw new Error(`${c.diff} of ${s.w * s.h} pixels differ, first at (${x},${y}); see ${tag}-{wasm,native,diff}.png in ${args.out}`);
        }
        if (s.scale === 1) writePng(path.join(args.out, tag + '.png'), wasmPx, s.w, s.h);
      });
    }
  }

  await cursorTests(viewer, args.fixture);
  for (const more of (args.more || '').split(',').filter(Boolean)) await cursorTests(viewer, more);
  viewer.loadFile(fixture, fixtureName);

  if (views.some((v) => v.name === 'volume')) {
    /* the orbit camera (mouse drag / wheel in the page): changes the picture, and 0s bring
     * back the default frame that matched native above */
    await test('set_camera_should_orbit_the_volume_view_and_restore_the_default', () => {
      const a = Uint8Array.from(viewer.render('volume', 400, 300, 1, -1));
      viewer.setCamera(1.2, 0.9, 1.5);
      const b = Uint8Array.from(viewer.render('volume', 400, 300, 1, -1));
      viewer.setCamera(0, 0, 0);
      const c = Uint8Array.from(viewer.render('volume', 400, 300, 1, -1));
      check(distinctColours(b) >= 3, 'orbited frame is blank');
      check(Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0, 'the camera did not change the frame');
      check(Buffer.compare(Buffer.from(a), Buffer.from(c)) === 0, 'the default camera was not restored');
    });
  }

  if (views.some((v) => v.name === 'dashboard')) {
    /* pointer input as the page forwards it (device pixels of the last frame): the wheel over
     * the timeline zooms, a drag pans, a click on a card selects its metric, and the frame
     * then equals `perfcast render --window T0:T1 --select N`; a double click and a click on
     * the first card bring back the first frame. Positions: the wide layout (>= 1000 CSS px)
     * has the timeline's plot in the upper right, the metric cards in the upper left. */
    await test('dashboard_input_should_zoom_pan_select_and_match_native', () => {
      const s = { w: 1280, h: 720, scale: 1 };
      const first = Uint8Array.from(viewer.render('dashboard', s.w, s.h, s.scale, -1));
      const x = Math.round(s.w * 0.8), y = Math.round(s.h * 0.33);
      check(viewer.input(4, x, y, -300), 'a wheel over the timeline changed nothing');
      const z = viewer.viewState();
      check(z.win_t1 > z.win_t0, 'no window after the wheel: ' + JSON.stringify(z));
      check(!viewer.input(2, x + 50, y, 0), 'a move without a press changed the view');
      check(!viewer.input(1, x, y, 0), 'a press alone changed the view');
      check(viewer.input(2, x + 50, y, 0), 'a drag did not pan');
      viewer.input(3, x + 50, y, 0);
      const p = viewer.viewState();
      check(p.win_t0 < z.win_t0 && p.win_t1 < z.win_t1, `a drag to the right did not move the window earlier: ${JSON.stringify(z)} -> ${JSON.stringify(p)}`);
      const cx = Math.round(s.w * 0.23), cy = Math.round(s.h * 0.25);
      viewer.input(1, cx, cy, 0);
      check(viewer.input(3, cx, cy, 0), 'a click on the second metric card selected nothing');
      const st = viewer.viewState();
      check(st.select === 1, 'selected ' + st.select);
      const wasmPx = Uint8Array.from(viewer.render('dashboard', s.w, s.h, s.scale, -1));
      const tag = 'dashboard-zoomed';
      const nat = nativeRender(args.fixture, 'dashboard', s, -1, path.join(args.out, tag + '.rgba'),
        ['--window', `${st.win_t0}:${st.win_t1}`, '--select', String(st.select)]);
      const c = comparePixels(wasmPx, nat, s.w, s.h);
      writePng(path.join(args.out, tag + '.png'), wasmPx, s.w, s.h);
      if (c.diff) {
        writePng(path.join(args.out, tag + '-native.png'), new Uint8Array(nat), s.w, s.h);
        writePng(path.join(args.out, tag + '-diff.png'), c.img, s.w, s.h);
        throw new Error(`${c.diff} pixels differ from perfcast render --window ${st.win_t0}:${st.win_t1} --select ${st.select}`);
      }
      check(Buffer.compare(Buffer.from(first), Buffer.from(wasmPx)) !== 0, 'zoom and select did not change the frame');
      check(viewer.input(5, x, y, 0), 'a double click on the timeline did not reset it');
      viewer.input(1, Math.round(s.w * 0.08), cy, 0);
      check(viewer.input(3, Math.round(s.w * 0.08), cy, 0), 'a click on the first card selected nothing');
      const back = Uint8Array.from(viewer.render('dashboard', s.w, s.h, s.scale, -1));
      check(Buffer.compare(Buffer.from(first), Buffer.from(back)) === 0, 'reset and first card: not the first frame');
    });
    await test('alerts_text_should_match_the_alert_records', () => {
      const t = viewer.alertsText(-1);
      check(typeof t === 'string', 'no text');
      check(viewer.alertsText(0) === '', 'an alert at t = 0: ' + viewer.alertsText(0));
      if (t) check(/worse than baseline/.test(t), 'unclear alert text: ' + t);
    });
  }

  await test('render_should_redraw_identically_after_resize', () => {
    /* the framebuffer is reused across sizes: a shrink then grow must not leave stale bytes */
    const v = views[0].name;
    const a = Uint8Array.from(viewer.render(v, 640, 400, 1, -1));
    check(viewer.render(v, 300, 200, 1, -1), 'small render failed');
    const b = viewer.render(v, 640, 400, 1, -1);
    check(Buffer.compare(Buffer.from(a), Buffer.from(b.buffer, b.byteOffset, b.length)) === 0,
          'same view, same size, different pixels');
  });

  await test('render_should_refuse_unknown_views_and_bad_sizes', () => {
    check(viewer.render('no-such-view', 100, 100, 1, -1) === null, 'unknown view rendered');
    check(/no-such-view/.test(viewer.lastError()), 'error does not name the view: ' + viewer.lastError());
    check(viewer.render(views[0].name, 0, 100, 1, -1) === null, 'zero width rendered');
    check(viewer.render(views[0].name, 100000, 100, 1, -1) === null, 'huge width rendered');
    check(/size/.test(viewer.lastError()), 'error does not mention the size: ' + viewer.lastError());
  });

  await test('load_file_should_name_the_problem_for_garbage', () => {
    const garbage = Buffer.from('this is not a perfcast result file, just some text\n'.repeat(20));
    const r = viewer.loadFile(garbage, 'garbage.bin');
    check(!r.ok, 'garbage loaded');
    check(/garbage\.bin/.test(r.error) && /not a perfcast result file/.test(r.error), 'unclear error: ' + r.error);
    check(viewer.status().records === 0, 'garbage left records in the model');
    const px = viewer.render(views[0].name, 200, 120, 1, -1);
    check(px !== null, 'rendering an empty model failed: ' + viewer.lastError());
  });

  await test('load_file_should_refuse_a_file_cut_inside_its_header', () => {
    const r = viewer.loadFile(fixture.subarray(0, 11), 'cut.pcast');
    check(!r.ok, 'an 11-byte file loaded');
    check(/cut\.pcast/.test(r.error) && /header/.test(r.error), 'unclear error: ' + r.error);
  });

  await test('load_file_should_refuse_a_file_cut_inside_its_first_record', () => {
    const r = viewer.loadFile(fixture.subarray(0, 16 + 20), 'short.pcast');
    check(!r.ok, 'a file without a complete header record loaded');
    check(/short\.pcast/.test(r.error) && /header record/.test(r.error), 'unclear error: ' + r.error);
  });

  await test('load_file_should_keep_records_before_a_torn_tail', () => {
    const cut = fixture.length - 5; /* inside the last record */
    const r = viewer.loadFile(fixture.subarray(0, cut), 'torn.pcast');
    check(r.ok, 'torn file refused: ' + r.error);
    check(/torn\.pcast/.test(r.warning) && /byte \d+/.test(r.warning), 'warning does not name the byte: ' + r.warning);
    check(viewer.status().records > 2, 'records before the tear were lost');
    check(viewer.status().warning === r.warning, 'status() does not carry the warning');
  });

  await test('load_file_should_refuse_another_format_version', () => {
    const b = Buffer.from(fixture);
    b.writeUInt16LE(99, 8);
    const r = viewer.loadFile(b, 'future.pcast');
    check(!r.ok, 'version 99 loaded');
    check(/version 99/.test(r.error), 'error does not name the version: ' + r.error);
  });

  await test('load_file_should_name_the_byte_of_a_malformed_record', () => {
    /* a well-framed header record whose JSON lacks "suite" */
    const payload = Buffer.from('{"run_id":"x"}');
    const rec = Buffer.alloc(12 + payload.length);
    rec.writeUInt32LE(payload.length, 0);
    rec.writeUInt16LE(1, 4);
    rec.writeUInt16LE(0, 6);
    payload.copy(rec, 8);
    rec.writeUInt32LE(crc32(rec.subarray(0, 8 + payload.length)), 8 + payload.length);
    const r = viewer.loadFile(Buffer.concat([fixture.subarray(0, 16), rec]), 'bad.pcast');
    check(!r.ok, 'malformed header accepted');
    check(/byte 16/.test(r.error) && /suite/.test(r.error), 'error does not name byte and field: ' + r.error);
  });

  await test('feed_should_report_bad_messages_without_throwing', () => {
    viewer.reset();
    const body = fixture.subarray(16);
    /* the stream without the file header, in two whole-record halves */
    let off = 0, split = 0;
    while (off < body.length && off < body.length / 2) {
      split = off;
      off += 12 + body.readUInt32LE(off);
    }
    check(viewer.feed(body.subarray(0, off)).ok, 'first half failed: ' + viewer.lastError());
    const v1 = viewer.modelVersion();
    check(viewer.feed(body.subarray(off)).ok, 'second half failed: ' + viewer.lastError());
    check(viewer.modelVersion() > v1, 'model version did not move');
    const st = viewer.status();
    check(st.finished, 'streamed run not finished');

    const bad = viewer.feed(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]));
    check(!bad.ok && /byte 0/.test(bad.error), 'garbage message: ' + JSON.stringify(bad));
    viewer.reset();
    const torn = viewer.feed(body.subarray(0, split + 3));
    check(!torn.ok && torn.error.includes('byte ' + split), 'cut message: ' + JSON.stringify(torn));
    check(viewer.status().records > 0, 'records before the cut were not applied');
    check(viewer.render(views[0].name, 100, 80, 1, -1), 'render after bad messages failed');
  });

  /* the same checksum tests/unit/test_volume.c holds the native build to (MC_TABLES_HASH) */
  await test('mc_tables_should_equal_the_native_build', () => {
    const h = viewer.m._pc_viewer_mc_tables_hash();
    check(h === 0x827df9f5, 'wasm marching-cubes tables hash 0x' + (h >>> 0).toString(16) + ', native 0x827df9f5');
  });

  await test('model_version_should_change_on_reset', () => {
    const a = viewer.modelVersion();
    viewer.reset();
    check(viewer.modelVersion() !== a, 'reset did not change the version');
    check(viewer.status().status === 'empty', 'reset model not empty');
    check(viewer.duration() === 0, 'an empty model has duration ' + viewer.duration());
    check(viewer.stepTime(0.5, 1) === 0.5, 'a step in an empty model moved');
  });

  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log('FAIL setup\n     ' + (e && e.stack || e));
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
