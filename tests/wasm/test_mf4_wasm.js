#!/usr/bin/env node
/* The same .mf4 file read natively (`perfcast mf4 export`) and in wasm (www/mf4.js ->
 * wasm/mf4_viewer.c) gives identical values, bit for bit; DZ blocks give the clear
 * "not supported here" error; a bad file gives the reader's message; a frame renders.
 *
 * usage: node --no-experimental-fetch test_mf4_wasm.js --perfcast BIN --www DIR --data DIR */
'use strict';
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];

let failed = 0;
function check(cond, what) {
  if (!cond) throw new Error(what);
}
async function test(name, fn) {
  try {
    await fn();
    console.log('ok   ' + name);
  } catch (e) {
    failed++;
    console.log('FAIL ' + name + ': ' + e.message);
  }
}

(async () => {
  const factory = require(path.resolve(args.www, 'perfcast.js'));
  const mf4 = require(path.resolve(args.www, 'mf4.js'));
  const wasmBinary = fs.readFileSync(path.resolve(args.www, 'perfcast.wasm'));
  const mod = await factory({ wasmBinary });
  const fixture = path.join(args.data, 'fixture.mf4');

  await test('mf4_wasm_should_read_the_same_values_as_native', () => {
    const f = new mf4.Mf4File(mod);
    const r = f.open(fs.readFileSync(fixture), 'fixture.mf4');
    check(r.ok, r.error);
    const info = f.info();
    check(info.groups.length === 2, 'two groups');
    for (let g = 0; g < 2; g++) {
      const w = f.groupValues(g);
      check(w && w.names.length === 11, 'group ' + g + ': 11 numeric channels');
      const csv = execFileSync(args.perfcast, ['mf4', 'export', fixture, '--group', String(g), '--csv', '-'],
        { encoding: 'utf8' }).trim().split('\n');
      check(csv[0] === w.names.join(','), 'same channel order: ' + csv[0]);
      check(csv.length - 1 === w.values[0].length, 'same record count');
      for (let r2 = 1; r2 < csv.length; r2++) {
        const cells = csv[r2].split(',').map(Number);
        for (let c = 0; c < cells.length; c++)
          check(Object.is(cells[c], w.values[c][r2 - 1]),
            `group ${g} record ${r2 - 1} ${w.names[c]}: native ${cells[c]} wasm ${w.values[c][r2 - 1]}`);
      }
    }
    f.close();
  });

  await test('mf4_wasm_should_render_the_selected_channels', () => {
    const f = new mf4.Mf4File(mod);
    check(f.open(fs.readFileSync(fixture), 'fixture.mf4').ok, 'open');
    const info = f.info();
    const rpm = info.groups[0].channels.find((c) => c.name === 'RPM').index;
    check(f.select([rpm]).ok, 'select');
    const range = f.range();
    check(range && range[0] === 0 && Math.abs(range[1] - 0.199) < 1e-12, 'range ' + JSON.stringify(range));
    const px = f.render(320, 200, 1, range[0], range[1]);
    check(px && px.length === 320 * 200 * 4, 'pixels');
    const colours = new Set();
    for (let i = 0; i < px.length; i += 4) colours.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    check(colours.size > 10, 'a drawn plot, not a blank frame');
    f.close();
  });

  await test('mf4_wasm_should_say_compressed_data_is_not_supported_here', () => {
    const f = new mf4.Mf4File(mod);
    check(f.open(fs.readFileSync(path.join(args.data, 'fixture-dz.mf4')), 'fixture-dz.mf4').ok, 'open');
    const w = f.groupValues(0);
    check(w === null, 'no values');
    check(/^fixture-dz\.mf4: DZ block at offset 0x[0-9a-f]+: compressed data not supported here/.test(f.lastError()),
      f.lastError());
    f.close();
  });

  await test('mf4_wasm_should_report_bad_files_with_the_readers_message', () => {
    const f = new mf4.Mf4File(mod);
    const bytes = fs.readFileSync(fixture).subarray(0, 3000);
    const r = f.open(bytes, 'cut.mf4');
    check(!r.ok && r.error.startsWith('cut.mf4: ') && / block at 0x/.test(r.error), r.error);
    check(mf4.isMdf(bytes) && !mf4.isMdf(Buffer.from('PERFCAST')), 'magic');
  });

  console.log(failed + ' failed');
  process.exit(failed ? 1 : 0);
})();
