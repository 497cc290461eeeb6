#!/usr/bin/env node
/* test_browser.js — the page in headless Chromium (Debian's, driven by playwright-core).
 *
 *   node test_browser.js --case live|static|token|orderbook|volume|dashboard --perfcast BIN --www DIR --fixture FILE --out DIR
 *
 * live    `perfcast agent` on a free loopback port with a temp record dir: the page starts
 *         ringbuf by itself on a fresh agent, Stop works, a quick run started from the form
 *         finishes with chart pixels on the canvas, every view tab draws; while the run is live
 *         the playback cursor follows it, a scrub leaves and the live button returns.
 * static  build/www from a tiny static server, no agent: the page says so, opens a result
 *         file from the file input and by drag-and-drop, draws it (also at devicePixelRatio
 *         2), and shows clear errors for a corrupt and a torn file; plays, pauses, scrubs and
 *         steps an animated view (pixels change with the cursor) and records it to WebM.
 * token   agent with --token: without the token the page cannot connect; with ?token= it
 *         can, and runs a quick ringbuf.
 * orderbook  agent: a quick orderbook run started from its card (the page knows nothing of
 *         the suite) is followed live, then its depth animation is scrubbed and played and
 *         its frames change; its latency animation changes with the cursor too.
 *
 * volume  agent: a quick (paced) volume run started from its card draws meshes while it is
 *         live; after the run the volume view's orbit camera turns (drag), zooms (wheel) and
 *         resets (double click) the picture without moving the time cursor.
 *
 * dashboard  static page: a fractal result (--fixture) opened from disk draws the dashboard;
 *         the wheel over its timeline zooms, a drag pans, a double click restores the frame (the
 *         cursor never moves); a crafted tracker file with a metric in regression shows the
 *         alert banner (above the canvas and on the dashboard) from the alert's time on, and a
 *         file without one shows none.
 *
 * Screenshots land in --out: look at them, what the user sees is part of the test. Every
 * process started here is killed on the way out. Prints "N passed, N failed". */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const http = require('http');
const net = require('net');
const { spawn } = require('child_process');

const CHROMIUM = process.env.PC_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const RUN_TIMEOUT_MS = 150000;

function parseArgs(argv) {
  const a = {};
  for (let i = 2; i < argv.length; i++) {
    const k = argv[i];
    if (!k.startsWith('--') || i + 1 >= argv.length) throw new Error('bad argument ' + k);
    a[k.slice(2)] = argv[++i];
  }
  for (const k of ['case', 'www', 'out']) if (!a[k]) throw new Error('missing --' + k);
  return a;
}

const args = parseArgs(process.argv);
fs.mkdirSync(args.out, { recursive: true });

let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  console.log('FAIL setup: playwright-core is not installed in tests/browser (run `scripts/setup.sh test`, ' +
              'which runs `npm ci` there)');
  console.log('0 passed, 1 failed');
  process.exit(1);
}

/* ---------------------------------------------------------------- bookkeeping */

let passed = 0, failed = 0;
const cleanups = [];
function onCleanup(fn) { cleanups.push(fn); }
/* Every step is bounded: a browser or server that will not close must not turn a finished
 * test into a ctest timeout. */
const CLEANUP_STEP_MS = 10000;
async function cleanup() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    let timer;
    const late = new Promise((r) => { timer = setTimeout(() => { console.log('     (a cleanup step timed out)'); r(); }, CLEANUP_STEP_MS); });
    try { await Promise.race([Promise.resolve().then(fn), late]); } catch (e) { /* keep cleaning */ }
    clearTimeout(timer);
  }
}

async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log('ok   ' + name);
    return true;
  } catch (e) {
    failed++;
    console.log('FAIL ' + name + '\n     ' + String(e && e.stack || e).split('\n').slice(0, 6).join('\n     '));
    return false;
  }
}
function check(cond, msg) { if (!cond) throw new Error(msg); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* ---------------------------------------------------------------- processes & servers */

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function httpGet(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => { req.destroy(); resolve(0); });
  });
}

/* Starts `perfcast agent`; resolves once it serves the page. Its output goes to a log in --out. */
async function startAgent(extra) {
  check(args.perfcast, 'missing --perfcast');
  const port = await freePort();
  const recordDir = fs.mkdtempSync(path.join(os.tmpdir(), 'perfcast-browser-'));
  onCleanup(() => fs.rmSync(recordDir, { recursive: true, force: true }));
  const log = fs.openSync(path.join(args.out, `agent-${args.case}.log`), 'w');
  const argv = ['agent', '--listen', `127.0.0.1:${port}`, '--record-dir', recordDir].concat(extra || []);
  const child = spawn(args.perfcast, argv, {
    stdio: ['ignore', log, log],
    env: Object.assign({}, process.env, { PERFCAST_WWW: path.resolve(args.www) }),
  });
  let exited = null;
  child.on('exit', (code, sig) => { exited = { code, sig }; });
  onCleanup(async () => {
    if (exited) return;
    child.kill('SIGTERM');
    for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    if (!exited) child.kill('SIGKILL');
  });
  const url = `http://127.0.0.1:${port}/`;
  for (let i = 0; i < 100; i++) {
    if (exited) throw new Error(`perfcast agent exited (${JSON.stringify(exited)}); see agent-${args.case}.log`);
    if (await httpGet(url) === 200) return { url, port, recordDir, child };
    await sleep(100);
  }
  throw new Error('perfcast agent did not serve ' + url + ' within 10 s');
}

const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.png': 'image/png' };

/* A static file server for a directory, nothing else (no WebSocket upgrades). */
async function startStatic(dir) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const u = new URL(req.url, 'http://x');
    let p = path.normalize(path.join(root, decodeURIComponent(u.pathname)));
    if (!p.startsWith(root)) { res.writeHead(403); res.end(); return; }
    if (u.pathname.endsWith('/')) p = path.join(p, 'index.html');
    fs.readFile(p, (err, data) => {
      if (err) { res.writeHead(404); res.end('not found'); return; }
      res.writeHead(200, { 'Content-Type': MIME[path.extname(p)] || 'application/octet-stream' });
      res.end(data);
    });
  });
  server.on('upgrade', (req, socket) => socket.destroy()); /* no agent here */
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  onCleanup(() => new Promise((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${server.address().port}/`, server };
}

async function launch() {
  check(fs.existsSync(CHROMIUM), CHROMIUM + ' is missing (apt-get install chromium; scripts/setup.sh test does)');
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60000 });
  onCleanup(() => browser.close());
  return browser;
}

/* A page that fails the test on uncaught exceptions and keeps the console for the log. */
async function openPage(browser, url, opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 860 }, deviceScaleFactor: opts.dpr || 1 });
  const page = await ctx.newPage();
  page.pageErrors = [];
  page.on('pageerror', (e) => page.pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    console.log('     [console] ' + m.text());
    /* the agent serves a strict CSP: anything it blocks is a page bug, count it as one */
    if (/Content Security Policy/i.test(m.text())) page.pageErrors.push('CSP: ' + m.text());
  });
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('body[data-viewer="ready"]', { timeout: 30000 });
  return page;
}

/* ---------------------------------------------------------------- what the page shows */

/* Reads the canvas back and counts pixels that are not its most common colour (the
 * background) and pixels close to the accent colour #00ff88. */
async function canvasStats(page) {
  return page.evaluate(() => {
    const c = document.getElementById('view');
    const ctx = c.getContext('2d');
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const counts = new Map();
    for (let i = 0; i < d.length; i += 4 * 3) {
      const k = (d[i] << 16) | (d[i + 1] << 8) | d[i + 2];
      counts.set(k, (counts.get(k) || 0) + 1);
    }
    let bg = 0, best = -1;
    for (const [k, n] of counts) if (n > best) { best = n; bg = k; }
    let nonBg = 0, accent = 0;
    for (let i = 0; i < d.length; i += 4) {
      const r = d[i], g = d[i + 1], b = d[i + 2];
      if (((r << 16) | (g << 8) | b) !== bg) nonBg++;
      if (r <= 40 && g >= 215 && Math.abs(b - 136) <= 40) accent++;
    }
    const rect = c.getBoundingClientRect();
    return { w: c.width, h: c.height, cssW: rect.width, cssH: rect.height, total: c.width * c.height,
      nonBg, accent, bg: '#' + bg.toString(16).padStart(6, '0'), colours: counts.size,
      view: c.dataset.view || '', version: c.dataset.version || '' };
  });
}

function checkChart(st, what) {
  check(st.w > 100 && st.h > 100, `${what}: canvas is ${st.w}x${st.h}`);
  check(st.nonBg > st.total * 0.004, `${what}: only ${st.nonBg} of ${st.total} pixels differ from the background ${st.bg}`);
  check(st.colours > 8, `${what}: only ${st.colours} colours on the canvas`);
  check(st.accent >= 30, `${what}: only ${st.accent} accent-coloured (#00ff88) pixels`);
}

/* A hash of the canvas' pixels plus what the page says it drew (view, cursor). */
async function canvasHash(page) {
  return page.evaluate(() => {
    const c = document.getElementById('view');
    const d = new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer);
    let h = 0x811c9dc5;
    for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d[i], 16777619) >>> 0;
    return { hash: h.toString(16), cursor: Number(c.dataset.cursor), view: c.dataset.view, frames: d.length };
  });
}

/* Waits until the canvas' pixels hash to `want` (canvasHash), else fails with `what`. */
async function waitForHash(page, want, what) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const h = await canvasHash(page);
    if (h.hash === want) return h;
    check(Date.now() < deadline, `${what}: ${want} (the canvas shows ${h.hash})`);
    await page.waitForTimeout(30);
  }
}

async function transportState(page) {
  return page.getAttribute('#transport', 'data-state');
}

async function cursorOf(page) {
  return Number(await page.getAttribute('#view', 'data-cursor'));
}

/* Clicks the scrub slider at fraction f of its track (as a user would) and waits until the
 * canvas shows the cursor the slider then holds. Returns that cursor. */
async function scrubTo(page, f) {
  const box = await page.locator('#scrub').boundingBox();
  check(box && box.width > 40, 'scrub slider not laid out: ' + JSON.stringify(box));
  const thumb = 7; /* half the thumb: the track's ends are under the thumb's centre */
  await page.mouse.click(box.x + thumb + (box.width - 2 * thumb) * f, box.y + box.height / 2);
  const want = Number(await page.inputValue('#scrub'));
  await page.waitForFunction((w) => Math.abs(Number(document.getElementById('view').dataset.cursor) - w) < 1e-9,
    want, { timeout: 10000 });
  return want;
}

/* Clicks a view tab and waits for its first frame. */
async function showView(page, name) {
  await page.click(`#tabs .tab[data-view="${name}"]`);
  await page.waitForFunction((n) => document.getElementById('view').dataset.view === n, name, { timeout: 10000 });
}

/* Scrubs view `name` to several positions: every position must give different pixels.
 * Saves a screenshot per position as PREFIX-scrub-PCT.png. Returns the hashes. */
async function scrubShowsDifferentFrames(page, name, prefix, fractions) {
  await showView(page, name);
  const seen = new Map();
  for (const f of fractions) {
    const t = await scrubTo(page, f);
    await page.waitForTimeout(30);
    const h = await canvasHash(page);
    check(h.view === name, `canvas shows ${h.view}, not ${name}`);
    check(await transportState(page) === 'paused' || await transportState(page) === 'end',
      'transport after a scrub: ' + await transportState(page));
    const shot = path.join(args.out, `${prefix}-scrub-${Math.round(f * 100)}.png`);
    await page.screenshot({ path: shot });
    console.log(`     ${name} at t=${t.toFixed(3)} s: ${h.hash} -> ${shot}`);
    check(!seen.has(h.hash), `${name}: the frame at t=${t} is identical to the one at t=${seen.get(h.hash)}`);
    seen.set(h.hash, t);
  }
  return seen;
}

/* Plays view `name` from its start: the time display and the pixels must move. Samples the
 * canvas while it plays and returns the number of distinct frames seen. */
async function playShowsFramesChange(page, name, prefix, wantFrames) {
  await showView(page, name);
  await page.focus('#scrub');
  await page.keyboard.press('Home');
  await page.waitForFunction(() => Number(document.getElementById('view').dataset.cursor) === 0, null, { timeout: 10000 });
  const t0 = await text(page, '#time');
  await page.keyboard.press(' ');
  await page.waitForSelector('#transport[data-state="playing"]', { timeout: 5000 });
  check(await page.getAttribute('#play', 'data-playing') === '1', 'play button does not show pause while playing');
  const hashes = new Set();
  for (let i = 0; i < 200 && hashes.size < wantFrames; i++) {
    hashes.add((await canvasHash(page)).hash);
    if (i === 3) await page.screenshot({ path: path.join(args.out, `${prefix}-playing.png`) });
    if (await transportState(page) !== 'playing') break;
    await page.waitForTimeout(40);
  }
  const t1 = await text(page, '#time');
  check(t1 !== t0, `time display did not move while playing: "${t0}"`);
  console.log(`     ${name}: ${hashes.size} distinct frames while playing ("${t0}" -> "${t1}")`);
  check(hashes.size >= wantFrames, `${name}: only ${hashes.size} distinct frames while playing`);
  return hashes.size;
}

async function text(page, sel) {
  return (await page.textContent(sel)) || '';
}

async function waitRunStatus(page, statuses, timeout) {
  const want = Array.isArray(statuses) ? statuses : [statuses];
  await page.waitForFunction((w) => w.includes(document.getElementById('run-status').dataset.status),
    want, { timeout, polling: 100 });
  return page.getAttribute('#run-status', 'data-status');
}

/* Clicks every view tab, waits for its frame, checks pixels, saves a screenshot. */
async function everyView(page, prefix, opts = {}) {
  const views = await page.$$eval('#tabs .tab', (bs) => bs.map((b) => b.dataset.view));
  check(views.length >= 1, 'no view tabs');
  for (const v of views) {
    await page.click(`#tabs .tab[data-view="${v}"]`);
    await page.waitForFunction((name) => document.getElementById('view').dataset.view === name, v, { timeout: 10000 });
    await page.waitForTimeout(50);
    const st = await canvasStats(page);
    const shot = path.join(args.out, `${prefix}-${v}.png`);
    await page.screenshot({ path: shot });
    console.log(`     view ${v}: ${st.w}x${st.h} px, ${st.nonBg} non-background, ${st.accent} accent -> ${shot}`);
    if (!opts.lenient || v === views[0]) checkChart(st, 'view ' + v);
  }
  return views;
}

/* ---------------------------------------------------------------- cases */

async function caseStatic() {
  check(args.fixture && fs.existsSync(args.fixture), 'missing --fixture file ' + args.fixture);
  const srv = await startStatic(args.www);
  const browser = await launch();
  const page = await openPage(browser, srv.url);

  await step('static_page_should_say_there_is_no_agent', async () => {
    await page.waitForFunction(() => /no agent/.test(document.getElementById('conn-text').textContent), null, { timeout: 15000 });
    check((await text(page, '#conn-text')).includes('no agent — open a result file'), 'wrong text: ' + await text(page, '#conn-text'));
    check(await page.isVisible('#hint'), 'the empty-state hint is not shown');
    await page.screenshot({ path: path.join(args.out, 'static-empty.png') });
  });

  await step('static_page_should_draw_a_result_file_from_the_file_input', async () => {
    await page.setInputFiles('#file-input', args.fixture);
    await page.waitForFunction(() => document.getElementById('hint').hidden, null, { timeout: 15000 });
    await page.waitForFunction(() => document.getElementById('view').dataset.version, null, { timeout: 10000 });
    check(await page.isHidden('#banner'), 'a banner is shown: ' + await text(page, '#banner-text'));
    const info = await text(page, '#run-info');
    check(info.includes(path.basename(args.fixture)), 'run info does not name the file: ' + info);
    check(await page.isVisible('#summary-panel'), 'summary not shown');
    check((await page.$$('#summary tr')).length >= 1, 'summary table is empty');
    check((await text(page, '#conn-text')).includes('no agent'), 'no-agent state lost after opening a file');
    const views = await everyView(page, 'static');
    console.log('     views: ' + views.join(', '));
  });

  await step('static_page_should_show_a_clear_error_for_a_corrupt_file', async () => {
    const bad = path.join(args.out, 'corrupt.pcast');
    fs.writeFileSync(bad, Buffer.from('PERFCAXT' + 'garbage, definitely not records '.repeat(8)));
    await page.setInputFiles('#file-input', bad);
    await page.waitForSelector('#banner:not([hidden])', { timeout: 10000 });
    const msg = await text(page, '#banner-text');
    check(msg.includes('corrupt.pcast') && msg.includes('not a perfcast result file'), 'unclear error: ' + msg);
    check(await page.getAttribute('#banner', 'data-kind') === 'error', 'not shown as an error');
    check(await page.isVisible('#hint'), 'a failed load still shows a run');
    await page.screenshot({ path: path.join(args.out, 'static-corrupt.png') });
  });

  await step('static_page_should_warn_about_a_torn_file_and_still_draw_it', async () => {
    const data = fs.readFileSync(args.fixture);
    const torn = path.join(args.out, 'torn.pcast');
    fs.writeFileSync(torn, data.subarray(0, data.length - 7));
    await page.setInputFiles('#file-input', torn);
    await page.waitForSelector('#banner[data-kind="warning"]:not([hidden])', { timeout: 10000 });
    const msg = await text(page, '#banner-text');
    check(msg.includes('torn.pcast') && /byte \d+/.test(msg), 'warning does not name the file and byte: ' + msg);
    check(await page.isHidden('#hint'), 'torn file not drawn');
  });

  await step('static_page_should_open_a_dropped_file', async () => {
    const b64 = fs.readFileSync(args.fixture).toString('base64');
    await page.evaluate((data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bytes], 'dropped.pcast'));
      document.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
      document.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, b64);
    await page.waitForFunction(() => document.getElementById('run-info').textContent.includes('dropped.pcast'), null, { timeout: 10000 });
    check(await page.isHidden('#drop'), 'drop overlay still shown');
    check(await page.isHidden('#banner'), 'banner after a good drop: ' + await text(page, '#banner-text'));
    await page.waitForTimeout(100);
    checkChart(await canvasStats(page), 'dropped file');
  });

  await step('static_page_should_render_at_device_pixel_ratio_2', async () => {
    const hi = await openPage(browser, srv.url, { dpr: 2 });
    await hi.setInputFiles('#file-input', args.fixture);
    await hi.waitForFunction(() => document.getElementById('view').dataset.version && document.getElementById('hint').hidden,
      null, { timeout: 15000 });
    await hi.waitForTimeout(100);
    const st = await canvasStats(hi);
    check(Math.abs(st.w - st.cssW * 2) <= 2 && Math.abs(st.h - st.cssH * 2) <= 2,
          `backing store ${st.w}x${st.h} is not 2x the CSS size ${st.cssW}x${st.cssH}`);
    checkChart(st, 'dpr 2');
    await hi.screenshot({ path: path.join(args.out, 'static-dpr2.png') });
    check(hi.pageErrors.length === 0, 'page errors: ' + hi.pageErrors.join('; '));
  });

  let animated = '';
  await step('static_page_should_scrub_an_animated_view_to_different_frames', async () => {
    await page.setInputFiles('#file-input', args.fixture);
    await page.waitForFunction((n) => document.getElementById('run-info').textContent.includes(n),
      path.basename(args.fixture), { timeout: 10000 });
    const anim = await page.$$eval('#tabs .tab.animated', (bs) => bs.map((b) => b.dataset.view));
    check(anim.length >= 1, 'no animated view tab for ' + path.basename(args.fixture));
    animated = anim.includes('throughput-timeline') ? 'throughput-timeline' : anim[0];
    await showView(page, animated);
    check(await transportState(page) === 'end', 'an opened file does not start at its end: ' + await transportState(page));
    check(await cursorOf(page) === -1, 'an opened file is not drawn whole');
    const tm = await text(page, '#time');
    check(/^(\d+\.\d+) s \/ \1 s$/.test(tm), 'time display at the end: "' + tm + '"');
    const end = await canvasHash(page);
    const seen = await scrubShowsDifferentFrames(page, animated, 'static', [0.1, 0.4, 0.75]);
    check(!seen.has(end.hash), 'a scrubbed frame equals the whole run\'s frame');
  });

  await step('static_page_should_play_and_pause_with_buttons_and_keys', async () => {
    await playShowsFramesChange(page, animated, 'static', 3);
    await page.keyboard.press(' ');
    await page.waitForSelector('#transport[data-state="paused"]', { timeout: 5000 });
    const c1 = await cursorOf(page), t1 = await text(page, '#time');
    await page.waitForTimeout(500);
    check(await cursorOf(page) === c1 && await text(page, '#time') === t1, 'cursor moved while paused');
    /* the button does what the key does */
    await page.click('#play');
    await page.waitForFunction((c) => Number(document.getElementById('view').dataset.cursor) > c, c1, { timeout: 10000 });
    await page.click('#play');
    await page.waitForSelector('#transport[data-state="paused"]', { timeout: 5000 });
    const c2 = await cursorOf(page);
    await page.waitForTimeout(300);
    check(await cursorOf(page) === c2, 'cursor moved after the pause button');
    /* space on a focused view tab or play button toggles once (it does not also click) */
    await page.focus(`#tabs .tab[data-view="${animated}"]`);
    await page.keyboard.press(' ');
    await page.waitForSelector('#transport[data-state="playing"]', { timeout: 5000 });
    await page.focus('#play');
    await page.keyboard.press(' ');
    await page.waitForSelector('#transport[data-state="paused"]', { timeout: 5000 });
    await page.waitForTimeout(200);
    check(await transportState(page) === 'paused', 'space on the play button toggled twice: ' + await transportState(page));
    const c2b = await cursorOf(page);
    check(c2b > c2, 'space on a tab did not play');
    /* arrows step to the next / previous moment the data changes */
    await page.focus('#scrub');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((c) => Number(document.getElementById('view').dataset.cursor) > c, c2b, { timeout: 5000 });
    const c3 = await cursorOf(page);
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((c) => Number(document.getElementById('view').dataset.cursor) < c, c3, { timeout: 5000 });
    console.log(`     paused at ${c2b.toFixed(3)} s, → ${c3.toFixed(3)} s, ← ${(await cursorOf(page)).toFixed(3)} s`);
    /* at 8x it plays to the end and stops there */
    await page.selectOption('#speed', '8');
    await page.click('#play');
    await page.waitForSelector('#transport[data-state="end"]', { timeout: 30000 });
    const tm = await text(page, '#time');
    check(/^(\d+\.\d+) s \/ \1 s$/.test(tm), 'time display after playing to the end: "' + tm + '"');
    await page.selectOption('#speed', '1');
    /* a static view ignores the cursor and says so */
    const still = await page.$$eval('#tabs .tab:not(.animated)', (bs) => bs.map((b) => b.dataset.view));
    if (still.length) {
      await scrubTo(page, 0.3).catch(() => {});
      await showView(page, still[0]);
      check(await cursorOf(page) === -1, 'a static view was drawn at a cursor');
      check(await page.isVisible('#static-note'), 'no "whole run" note on a static view');
    }
  });

  await step('static_page_should_record_the_animated_view_to_webm', async () => {
    await showView(page, animated);
    const support = await page.evaluate(() => ({
      recorder: typeof MediaRecorder === 'function',
      vp9: typeof MediaRecorder === 'function' && MediaRecorder.isTypeSupported('video/webm;codecs=vp9'),
      vp8: typeof MediaRecorder === 'function' && MediaRecorder.isTypeSupported('video/webm;codecs=vp8'),
      capture: typeof document.getElementById('view').captureStream === 'function' }));
    console.log('     MediaRecorder support: ' + JSON.stringify(support));
    check(!(await page.isDisabled('#record')), 'Record is disabled: ' + await page.getAttribute('#record', 'title'));
    await page.selectOption('#speed', '2');
    await page.click('#record');
    await page.waitForSelector('#transport[data-state="recording"]', { timeout: 5000 });
    check(await page.isVisible('#rec-state'), 'no recording indicator');
    check(await page.isDisabled('#tabs .tab >> nth=0'), 'view tabs stay clickable while recording');
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(args.out, 'static-recording.png') });
    await page.waitForSelector('#download:not([hidden])', { timeout: 60000 });
    check(await transportState(page) !== 'recording', 'still recording after the download appeared');
    await page.screenshot({ path: path.join(args.out, 'static-recorded.png') });
    const r = await downloadRecording(page, 'static-recording.webm');
    checkWebm(r);
    const probe = probeVideo(r.file);
    if (probe) {
      console.log(`     ffprobe: ${JSON.stringify(probe)}`);
      check(/^vp[89]$/.test(probe.codec), 'codec ' + probe.codec);
      check(probe.frames >= 2, 'only ' + probe.frames + ' decodable frames');
      check(probe.distinct >= 2, 'every frame of the video is the same picture');
    }
    await page.selectOption('#speed', '1');
  });

  await step('static_page_should_raise_no_uncaught_errors', async () => {
    check(page.pageErrors.length === 0, 'page errors: ' + page.pageErrors.join('; '));
  });
}

/* Clicks the offered download link as a user would and saves the file to --out/name.
 * Returns {file, href, name, size, type, suggested, bytes}: what the link says and what came
 * down. (The page cannot be asked to fetch() its blob: the agent's CSP allows connect-src
 * 'self' only, and a download does not need it.) */
async function downloadRecording(page, name) {
  const link = await page.evaluate(() => {
    const a = document.getElementById('download');
    return { href: a.href, name: a.download, size: Number(a.dataset.size), type: a.dataset.type || '', label: a.textContent };
  });
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), page.click('#download')]);
  const file = path.join(args.out, name);
  await dl.saveAs(file);
  const bytes = fs.readFileSync(file);
  return Object.assign(link, { file, suggested: dl.suggestedFilename(), bytes });
}

/* The checks every recording must pass: a blob link, a WebM file with the EBML magic, and
 * the same size on disk as the page's blob. */
function checkWebm(r) {
  console.log(`     ${r.suggested}: ${r.bytes.length} bytes, ${r.type}, link "${r.label}" -> ${r.file}`);
  check(r.href.startsWith('blob:'), 'the download is not a blob URL: ' + r.href);
  check(r.size > 0, 'the recording is empty');
  check(/^video\/webm/.test(r.type), 'the recording is not WebM: ' + r.type);
  check(r.suggested.endsWith('.webm') && r.name === r.suggested, 'download offered as ' + r.suggested);
  check(r.bytes.length === r.size, `downloaded ${r.bytes.length} bytes of a ${r.size}-byte blob`);
  check(r.bytes.subarray(0, 4).equals(Buffer.from([0x1a, 0x45, 0xdf, 0xa3])), 'the file does not start with the EBML (WebM) magic');
}

/* Decodes a video with Debian's ffprobe/ffmpeg when they are installed: codec, frame count
 * and how many distinct pictures it holds. null when ffmpeg is not on PATH. */
function probeVideo(file) {
  const { spawnSync } = require('child_process');
  const p = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries',
    'stream=codec_name,width,height,nb_read_frames', '-of', 'json', file], { encoding: 'utf8' });
  if (p.error && p.error.code === 'ENOENT') return null;
  check(p.status === 0, 'ffprobe cannot read the recording: ' + (p.stderr || '').trim());
  const st = (JSON.parse(p.stdout).streams || [])[0];
  check(st, 'ffprobe finds no video stream');
  const md5 = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'framemd5', '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  check(md5.status === 0, 'ffmpeg cannot decode the recording: ' + (md5.stderr || '').trim());
  const sums = md5.stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').pop().trim());
  return { codec: st.codec_name, width: st.width, height: st.height, frames: Number(st.nb_read_frames),
    distinct: new Set(sums).size };
}

/* Fills the ringbuf card: quick on, Start; waits for running then the end. */
async function runQuickRingbuf(page, prefix) {
  await page.waitForSelector('.suite[data-suite="ringbuf"] .start:not([disabled])', { timeout: 30000 });
  await page.check('.suite[data-suite="ringbuf"] .quick-box');
  await page.click('.suite[data-suite="ringbuf"] .start');
  await waitRunStatus(page, ['running', 'ok'], 15000);
  /* a mid-run look at the live view, when the run is long enough to catch one */
  if (await page.getAttribute('#run-status', 'data-status') === 'running') {
    await page.waitForTimeout(1500);
    await page.screenshot({ path: path.join(args.out, `${prefix}-running.png`) });
  }
  const end = await waitRunStatus(page, ['ok', 'stopped', 'error', 'disconnected'], RUN_TIMEOUT_MS);
  check(end === 'ok', 'quick ringbuf ended "' + end + '": ' + await text(page, '#banner-text'));
  await page.waitForSelector('#summary-panel:not([hidden])', { timeout: 10000 });
  const pct = await page.getAttribute('#progress', 'aria-valuenow');
  check(pct === '100', 'progress bar at ' + pct + '% after a finished run');
}

/* While a run is live the cursor follows the newest data; a scrub leaves that ("paused" at
 * the scrubbed time while the run goes on), the live button returns to it. Skipped (with a
 * line) when the run ended before it could be watched. */
async function liveFollowing(page) {
  const still = async () => await page.getAttribute('#run-status', 'data-status') === 'running';
  const state = await transportState(page);
  if (!(await still())) { console.log('     (run ended before the live controls could be checked)'); return; }
  check(state === 'live', 'transport while a run is live: ' + state);
  check(await page.getAttribute('#live', 'data-on') === '1', 'live button not lit while following');
  check(await page.isDisabled('#record'), 'Record is enabled during a live run');
  check(/^live · /.test(await text(page, '#time')), 'time display while live: ' + await text(page, '#time'));
  const anim = await page.$$eval('#tabs .tab.animated', (bs) => bs.map((b) => b.dataset.view));
  if (anim.length) await showView(page, anim[0]);
  const t = await scrubTo(page, 0.5);
  if (!(await still())) { console.log('     (run ended during the live check)'); return; }
  check(await transportState(page) === 'paused', 'a scrub during a live run did not leave live mode');
  check(!(await page.isDisabled('#live')), 'live button disabled after a scrub');
  await page.waitForTimeout(300);
  check(await cursorOf(page) === t, 'the cursor moved on its own after a scrub');
  await page.screenshot({ path: path.join(args.out, 'live-scrubbed.png') });
  await page.click('#live');
  await page.waitForFunction(() => document.getElementById('view').dataset.cursor === '-1', null, { timeout: 5000 });
  if (await still()) check(await transportState(page) === 'live', 'the live button did not return to following');
  console.log(`     followed live, scrubbed to ${t.toFixed(3)} s, back to live`);
}

async function caseLive() {
  const agent = await startAgent([]);
  const browser = await launch();
  const page = await openPage(browser, agent.url);

  await step('live_page_should_connect_and_list_suites', async () => {
    await page.waitForSelector('#conn[data-state="connected"]', { timeout: 15000 });
    await page.waitForSelector('.suite[data-suite="ringbuf"]', { timeout: 15000 });
    const inputs = await page.$$('.suite[data-suite="ringbuf"] .param input');
    check(inputs.length >= 1, 'ringbuf shows no parameter inputs');
  });

  await step('live_page_should_start_ringbuf_on_a_fresh_agent_and_stop_it', async () => {
    await waitRunStatus(page, ['running', 'ok'], 20000);
    const info = await text(page, '#run-info');
    check(info.includes('ringbuf'), 'run info does not show ringbuf: ' + info);
    if (await page.getAttribute('#run-status', 'data-status') === 'running') {
      await page.waitForTimeout(1500);
      await page.screenshot({ path: path.join(args.out, 'live-autostart.png') });
      await liveFollowing(page);
      await page.click('#stop');
      const end = await waitRunStatus(page, ['stopped', 'ok'], 30000);
      console.log('     autostarted run ended: ' + end);
    }
  });

  await step('live_page_should_run_quick_ringbuf_to_the_end_and_draw_it', async () => {
    await runQuickRingbuf(page, 'live');
    const views = await everyView(page, 'live');
    console.log('     views: ' + views.join(', '));
    const files = fs.readdirSync(agent.recordDir).filter((f) => f.endsWith('.pcast'));
    check(files.length >= 1, 'no result file in the record dir');
  });

  await step('live_page_should_keep_an_open_file_when_another_viewer_starts_a_run', async () => {
    if (!args.fixture || !fs.existsSync(args.fixture)) throw new Error('missing --fixture file');
    await page.setInputFiles('#file-input', args.fixture);
    await page.waitForFunction(() => document.querySelector('#run-info').textContent.includes('file:'));
    await page.waitForTimeout(500); /* let the page draw the file */
    const before = await canvasHash(page);
    const other = await openPage(browser, agent.url + '?autostart=0');
    await runQuickRingbuf(other, 'live-other');
    /* the file stays; a banner offers the new run */
    await page.waitForSelector('#banner-action:not([hidden])', { timeout: 15000 });
    const info = await text(page, '#run-info');
    check(info.includes('file:'), 'the open file was replaced by the other viewer\'s run: ' + info);
    /* (the banner takes height, so the canvas is redrawn at another size: compare what it shows) */
    const after = await canvasHash(page);
    check(after.view === before.view, `the view changed from ${before.view} to ${after.view}`);
    checkChart(await canvasStats(page), 'the open file after another viewer started a run');
    await page.screenshot({ path: path.join(args.out, 'live-file-kept.png') });
    await page.click('#banner-action');
    await page.waitForFunction(() => !document.querySelector('#run-info').textContent.includes('file:'),
                               null, { timeout: 15000 });
    await waitRunStatus(page, ['ok'], 15000);
    checkChart(await canvasStats(page), 'the live run after "Show live run"');
    check(other.pageErrors.length === 0, 'second page errors: ' + other.pageErrors.join('; '));
  });

  await step('live_page_should_raise_no_uncaught_errors', async () => {
    check(page.pageErrors.length === 0, 'page errors: ' + page.pageErrors.join('; '));
  });
}

async function caseToken() {
  const token = 'pc-test-' + Math.random().toString(36).slice(2);
  const agent = await startAgent(['--token', token]);
  const browser = await launch();

  await step('token_page_without_the_token_should_not_connect', async () => {
    const page = await openPage(browser, agent.url + '?autostart=0');
    await page.waitForSelector('#conn[data-state="offline"]', { timeout: 15000 });
    const t = await text(page, '#conn-text');
    check(/no agent/.test(t), 'unexpected connection text: ' + t);
    check((await page.$$('.suite')).length === 0, 'suites listed without the token');
    await page.screenshot({ path: path.join(args.out, 'token-refused.png') });
    await page.close();
  });

  await step('token_page_with_the_token_should_run_quick_ringbuf', async () => {
    const page = await openPage(browser, agent.url + '?token=' + encodeURIComponent(token) + '&autostart=0');
    await page.waitForSelector('#conn[data-state="connected"]', { timeout: 15000 });
    await runQuickRingbuf(page, 'token');
    await page.waitForTimeout(100);
    checkChart(await canvasStats(page), 'token run');
    await page.screenshot({ path: path.join(args.out, 'token-finished.png') });
    check(page.pageErrors.length === 0, 'page errors: ' + page.pageErrors.join('; '));
  });
}

/* A quick orderbook run through the agent, like any suite: started from its card, followed
 * live, then its animations scrubbed and played. */
async function caseOrderbook() {
  const agent = await startAgent([]);
  const browser = await launch();
  const page = await openPage(browser, agent.url + '?autostart=0');
  const depth = 'orderbook-depth';

  await step('orderbook_page_should_run_a_quick_orderbook_from_its_card', async () => {
    await page.waitForSelector('#conn[data-state="connected"]', { timeout: 15000 });
    await page.waitForSelector('.suite[data-suite="orderbook"]', { timeout: 15000 }).catch(() => {
      throw new Error('the agent lists no orderbook suite');
    });
    await page.waitForSelector('.suite[data-suite="orderbook"] .start:not([disabled])', { timeout: 30000 });
    await page.check('.suite[data-suite="orderbook"] .quick-box');
    await page.click('.suite[data-suite="orderbook"] .start');
    await waitRunStatus(page, ['running', 'ok'], 15000);
    if (await page.getAttribute('#run-status', 'data-status') === 'running') {
      await page.waitForFunction(() => document.querySelector('#tabs .tab'), null, { timeout: 10000 }).catch(() => {});
      const st = await transportState(page);
      if (await page.getAttribute('#run-status', 'data-status') === 'running') {
        check(st === 'live', 'transport during the live orderbook run: ' + st);
        await page.screenshot({ path: path.join(args.out, 'orderbook-live.png') });
      }
    }
    const end = await waitRunStatus(page, ['ok', 'stopped', 'error', 'disconnected'], RUN_TIMEOUT_MS);
    check(end === 'ok', 'quick orderbook ended "' + end + '": ' + await text(page, '#banner-text'));
    const views = await page.$$eval('#tabs .tab', (bs) => bs.map((b) => b.dataset.view));
    console.log('     views: ' + views.join(', '));
    for (const v of [depth, 'latency-animation', 'throughput-timeline', 'comparison', 'summary'])
      check(views.includes(v), 'no ' + v + ' tab');
    check(await page.$(`#tabs .tab.animated[data-view="${depth}"]`), depth + ' is not marked animated');
    await everyView(page, 'orderbook', { lenient: true });
  });

  await step('orderbook_page_should_show_depth_frames_that_change_with_the_cursor', async () => {
    await scrubShowsDifferentFrames(page, depth, 'orderbook-depth', [0.15, 0.5, 0.85]);
  });

  await step('orderbook_page_should_play_the_depth_animation_and_see_frames_change', async () => {
    /* a quick run lasts a fraction of a second: play it slowly enough to sample frames */
    await page.selectOption('#speed', '0.25');
    await playShowsFramesChange(page, depth, 'orderbook-depth', 5);
    if (await transportState(page) === 'playing') await page.keyboard.press(' ');
  });

  await step('orderbook_page_should_scrub_the_latency_animation', async () => {
    await scrubShowsDifferentFrames(page, 'latency-animation', 'orderbook-latency', [0.2, 0.9]);
  });

  await step('orderbook_page_should_record_the_depth_animation_to_webm', async () => {
    await showView(page, depth);
    await page.selectOption('#speed', '0.5');
    await page.click('#record');
    await page.waitForSelector('#download:not([hidden])', { timeout: 60000 });
    const r = await downloadRecording(page, 'orderbook-depth.webm');
    checkWebm(r);
    const probe = probeVideo(r.file);
    if (probe) {
      console.log(`     ffprobe: ${JSON.stringify(probe)}`);
      check(probe.distinct >= 3, 'the depth video holds only ' + probe.distinct + ' different pictures');
    }
    await page.screenshot({ path: path.join(args.out, 'orderbook-recorded.png') });
  });

  await step('orderbook_page_should_raise_no_uncaught_errors', async () => {
    check(page.pageErrors.length === 0, 'page errors: ' + page.pageErrors.join('; '));
  });

  await step('orderbook_file_should_open_without_an_agent_with_the_suites_views', async () => {
    const files = fs.readdirSync(agent.recordDir).filter((f) => f.endsWith('.pcast'));
    check(files.length >= 1, 'the agent wrote no result file');
    const srv = await startStatic(args.www);
    const off = await openPage(browser, srv.url);
    await off.waitForFunction(() => /no agent/.test(document.getElementById('conn-text').textContent), null, { timeout: 15000 });
    await off.setInputFiles('#file-input', path.join(agent.recordDir, files[0]));
    await off.waitForFunction(() => document.getElementById('hint').hidden, null, { timeout: 15000 });
    const views = await off.$$eval('#tabs .tab', (bs) => bs.map((b) => b.dataset.view));
    const want = [depth, 'latency-animation', 'throughput-timeline', 'comparison', 'summary'];
    check(JSON.stringify(views) === JSON.stringify(want), 'tabs ' + views.join(', ') + ', not the header\'s ' + want.join(', '));
    check(await off.getAttribute('#transport', 'data-state') === 'end', 'transport: ' + await off.getAttribute('#transport', 'data-state'));
    await scrubShowsDifferentFrames(off, depth, 'orderbook-file', [0.3, 0.7]);
    check(off.pageErrors.length === 0, 'page errors: ' + off.pageErrors.join('; '));
  });
}

/* Counts the canvas pixels that belong to the volume view's shaded surface: its blues
 * (blue well above red and above green, and bright enough), which the dark background, the
 * grey bounding box, the text and the green accent never reach. Also says what the canvas
 * shows and at which cursor. */
async function meshPixels(page) {
  return page.evaluate(() => {
    const c = document.getElementById('view');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let mesh = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i + 2] >= 100 && d[i + 2] - d[i] >= 60 && d[i + 2] > d[i + 1]) mesh++;
    return { mesh, total: c.width * c.height, view: c.dataset.view, cursor: c.dataset.cursor,
      status: document.getElementById('run-status').dataset.status };
  });
}

/* Waits for the volume view to show a frame other than `hash` (a camera change forces a
 * redraw in the next animation frame). Returns the new hash. */
async function nextVolumeHash(page, hash, what) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const h = await canvasHash(page);
    check(h.view === 'volume', `${what}: the canvas shows ${h.view}, not volume`);
    if (h.hash !== hash) return h;
    check(Date.now() < deadline, `${what}: the volume view did not change (still ${hash})`);
    await page.waitForTimeout(30);
  }
}

/* A quick volume run through the agent: its meshes reach the page while it runs and the
 * volume view draws them; the orbit camera (drag, wheel, double click) turns the picture
 * without moving the time cursor. */
async function caseVolume() {
  const agent = await startAgent([]);
  const browser = await launch();
  const page = await openPage(browser, agent.url + '?autostart=0');
  const card = '.suite[data-suite="volume"]';

  await step('volume_page_should_run_a_quick_volume_from_its_card_and_draw_meshes_live', async () => {
    await page.waitForSelector('#conn[data-state="connected"]', { timeout: 15000 });
    await page.waitForSelector(card, { timeout: 15000 }).catch(() => {
      throw new Error('the agent lists no volume suite');
    });
    await page.waitForSelector(`${card} .start:not([disabled])`, { timeout: 30000 });
    await page.check(`${card} .quick-box`);
    /* flat out a quick run lasts ~0.1 s, too short to watch; paced it lasts its 24 frames
     * at 30 fps, long enough for the page to receive and draw meshes before run_finished */
    await page.check(`${card} input[name="pace"]`);
    /* Watches every animation frame while the run is live: selects the volume tab as soon
     * as it exists (a user's click) and keeps the most mesh pixels drawn while "running". */
    await page.evaluate(() => {
      const probe = window.pcVolumeProbe = { liveMesh: 0, liveFrames: 0, sawRunning: false };
      const tick = () => {
        const status = document.getElementById('run-status').dataset.status;
        if (status === 'running') {
          probe.sawRunning = true;
          const tab = document.querySelector('#tabs .tab[data-view="volume"]');
          if (tab && tab.getAttribute('aria-selected') !== 'true' && !tab.disabled) tab.click();
          const c = document.getElementById('view');
          if (c.dataset.view === 'volume' && c.width > 0) {
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let mesh = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i + 2] >= 100 && d[i + 2] - d[i] >= 60 && d[i + 2] > d[i + 1]) mesh++;
            probe.liveFrames++;
            probe.liveMesh = Math.max(probe.liveMesh, mesh);
          }
        }
        if (status !== 'ok' && status !== 'error' && status !== 'stopped') requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.click(`${card} .start`);
    await waitRunStatus(page, ['running', 'ok'], 15000);
    if (await page.getAttribute('#run-status', 'data-status') === 'running') {
      await page.waitForFunction(() => document.querySelector('#tabs .tab[data-view="volume"]'), null, { timeout: 10000 }).catch(() => {});
      if (await page.getAttribute('#run-status', 'data-status') === 'running') {
        await showView(page, 'volume').catch(() => {}); /* the run may end meanwhile */
        const st = await transportState(page);
        if (await page.getAttribute('#run-status', 'data-status') === 'running')
          check(st === 'live', 'transport during the live volume run: ' + st);
        await page.screenshot({ path: path.join(args.out, 'volume-live.png') });
      }
    }
    const end = await waitRunStatus(page, ['ok', 'stopped', 'error', 'disconnected'], RUN_TIMEOUT_MS);
    check(end === 'ok', 'quick volume ended "' + end + '": ' + await text(page, '#banner-text'));
    const probe = await page.evaluate(() => window.pcVolumeProbe);
    if (!probe.sawRunning || probe.liveFrames === 0) {
      console.log('     (run ended before a live volume frame could be checked)');
    } else {
      const total = (await canvasStats(page)).total;
      console.log(`     live: ${probe.liveFrames} volume frames drawn while running, up to ${probe.liveMesh} mesh pixels`);
      check(probe.liveMesh > total * 0.01, `no mesh drawn while the run was live (at most ${probe.liveMesh} of ${total} mesh pixels in ${probe.liveFrames} frames)`);
    }
    const views = await page.$$eval('#tabs .tab', (bs) => bs.map((b) => b.dataset.view));
    console.log('     views: ' + views.join(', '));
    check(views.includes('volume'), 'no volume tab');
    check(await page.$('#tabs .tab.animated[data-view="volume"]'), 'volume is not marked animated');
  });

  let first = null;
  await step('volume_page_should_draw_the_finished_runs_mesh', async () => {
    await showView(page, 'volume');
    await page.waitForTimeout(100);
    const st = await canvasStats(page);
    check(st.w > 100 && st.h > 100, `canvas is ${st.w}x${st.h}`);
    check(st.nonBg > st.total * 0.05, `only ${st.nonBg} of ${st.total} pixels differ from the background ${st.bg}`);
    check(st.colours > 50, `only ${st.colours} colours: no shaded surface`);
    const m = await meshPixels(page);
    console.log(`     ${m.mesh} mesh pixels of ${m.total}, ${st.nonBg} non-background, ${st.colours} colours`);
    check(m.mesh > m.total * 0.02, `only ${m.mesh} of ${m.total} pixels are the mesh's blue`);
    first = await canvasHash(page);
    check(first.view === 'volume', 'canvas shows ' + first.view);
  });

  await step('volume_page_should_orbit_on_drag_zoom_on_wheel_and_reset_on_double_click', async () => {
    check(first, 'no first frame');
    const box = await page.locator('#view').boundingBox();
    check(box && box.width > 100, 'canvas not laid out: ' + JSON.stringify(box));
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 1; i <= 8; i++) await page.mouse.move(cx + i * 20, cy + i * 6);
    await page.mouse.up();
    const orbited = await nextVolumeHash(page, first.hash, 'drag');
    check(orbited.cursor === first.cursor, `the drag moved the time cursor from ${first.cursor} to ${orbited.cursor}`);
    const om = await meshPixels(page);
    check(om.mesh > om.total * 0.02, `after the drag only ${om.mesh} mesh pixels`);
    await page.screenshot({ path: path.join(args.out, 'volume-orbit.png') });
    console.log(`     drag: ${first.hash} -> ${orbited.hash} (cursor ${orbited.cursor}, ${om.mesh} mesh pixels)`);

    await page.mouse.move(cx, cy);
    await page.mouse.wheel(0, -400); /* zoom in */
    const zoomed = await nextVolumeHash(page, orbited.hash, 'wheel');
    check(zoomed.hash !== first.hash, 'the zoomed frame equals the first one');
    check(zoomed.cursor === first.cursor, `the wheel moved the time cursor from ${first.cursor} to ${zoomed.cursor}`);
    const zm = await meshPixels(page);
    check(zm.mesh > om.mesh, `zooming in did not make the mesh larger (${om.mesh} -> ${zm.mesh} pixels)`);
    await page.screenshot({ path: path.join(args.out, 'volume-zoom.png') });
    console.log(`     wheel: ${orbited.hash} -> ${zoomed.hash} (${zm.mesh} mesh pixels)`);

    await page.mouse.dblclick(cx, cy);
    await waitForHash(page, first.hash, 'a double click did not return to the first frame');
    check(await cursorOf(page) === Number(first.cursor), 'the double click moved the time cursor');
    console.log(`     double click: back to ${first.hash}`);
  });

  await step('volume_page_should_raise_no_uncaught_errors', async () => {
    check(page.pageErrors.length === 0, 'page errors: ' + page.pageErrors.join('; '));
  });
}

/* ---------------------------------------------------------------- dashboard */

const { record: jsonRecord, fileHeader } = require('../wasm/pcast_file.js');

/* A tracker result file (format 1.1) with 30 frames of render_ms and fps, a baseline at 0.5 s
 * and, when `alert`, render_ms entering regression at 2.0 s. */
function craftedTrackerFile(file, alert) {
  const head = fileHeader(1, 1);
  const recs = [jsonRecord(1, { suite: 'tracker', run_id: alert ? 'crafted-alert' : 'crafted-calm',
    views: ['dashboard', 'system'],
    system: { cpu: { logical_cores: 2, model: 'Test CPU' }, gpu: null, gpu_reason: 'none in this test' } })];
  for (let i = 0; i < 30; i++) {
    const ms = 10 + (i % 3) * 0.2 + (alert && i >= 19 ? 4 : 0);
    recs.push(jsonRecord(9, { t: 0.1 * (i + 1), values: { render_ms: ms, fps: 1000 / ms } }));
    if (i === 4) recs.push(jsonRecord(14, { t: 0.5, threshold: 0.2, values: { render_ms: 10, fps: 100 },
      lower_is_better: { render_ms: true, fps: false } }));
  }
  if (alert) recs.push(jsonRecord(13, { t: 2.0, metric: 'render_ms', baseline: 10, current: 14.2, change: 0.42,
    threshold: 0.2, lower_is_better: true, active: true }));
  recs.push(jsonRecord(6, { t: 3.1, status: 'ok' }));
  fs.writeFileSync(file, Buffer.concat([head].concat(recs)));
}

/* Waits for the canvas to show view `view` with pixels other than `hash`; returns the new hash. */
async function nextHash(page, view, hash, what) {
  const deadline = Date.now() + 10000;
  for (;;) {
    const h = await canvasHash(page);
    if (h.view === view && h.hash !== hash) return h;
    check(Date.now() < deadline, `${what}: the ${view} view did not change (still ${hash})`);
    await page.waitForTimeout(30);
  }
}

/* Pixels near the theme's red #ff5c7a in the top `frac` of the canvas (the alert banner). */
async function redPixelsTop(page, frac) {
  return page.evaluate((f) => {
    const c = document.getElementById('view');
    const h = Math.round(c.height * f);
    const d = c.getContext('2d').getImageData(0, 0, c.width, h).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4)
      if (Math.abs(d[i] - 0xff) < 12 && Math.abs(d[i + 1] - 0x5c) < 12 && Math.abs(d[i + 2] - 0x7a) < 12) n++;
    return n;
  }, frac);
}

async function caseDashboard() {
  check(args.fixture && fs.existsSync(args.fixture), 'missing --fixture file (a fractal result) ' + args.fixture);
  const srv = await startStatic(args.www);
  const browser = await launch();
  const page = await openPage(browser, srv.url);

  await step('dashboard_page_should_draw_the_dashboard_of_a_fractal_result', async () => {
    await page.setInputFiles('#file-input', args.fixture);
    await page.waitForFunction(() => document.getElementById('hint').hidden, null, { timeout: 15000 });
    const views = await page.$$eval('#tabs .tab', (bs) => bs.map((b) => b.dataset.view));
    check(views.includes('dashboard'), 'no dashboard tab among ' + views.join(', '));
    await showView(page, 'dashboard');
    await page.waitForTimeout(50);
    const st = await canvasStats(page);
    checkChart(st, 'dashboard');
    check(st.colours > 40, `only ${st.colours} colours: the panels are not drawn`);
    await page.screenshot({ path: path.join(args.out, 'dashboard.png') });
    console.log(`     dashboard: ${st.w}x${st.h} px (${st.cssW}x${st.cssH} CSS), ${st.nonBg} non-background`);
  });

  await step('dashboard_page_should_zoom_pan_and_reset_the_timeline_with_the_pointer', async () => {
    const first = await canvasHash(page);
    check(first.view === 'dashboard', 'canvas shows ' + first.view);
    const box = await page.locator('#view').boundingBox();
    check(box && box.width > 600, 'canvas not laid out: ' + JSON.stringify(box));
    /* the timeline's plot: the upper right panel in both the 3- and the 2-column layout */
    const x = box.x + box.width * 0.78, y = box.y + box.height * 0.3;
    await page.mouse.move(x, y);
    await page.mouse.wheel(0, -400);
    const zoomed = await nextHash(page, 'dashboard', first.hash, 'wheel');
    check(zoomed.cursor === first.cursor, `the wheel moved the cursor from ${first.cursor} to ${zoomed.cursor}`);
    await page.screenshot({ path: path.join(args.out, 'dashboard-zoomed.png') });
    await page.mouse.down();
    for (let i = 1; i <= 6; i++) await page.mouse.move(x + i * 15, y);
    await page.mouse.up();
    const panned = await nextHash(page, 'dashboard', zoomed.hash, 'drag');
    check(panned.cursor === first.cursor, 'the drag moved the cursor');
    console.log(`     wheel: ${first.hash} -> ${zoomed.hash}, drag: -> ${panned.hash}`);
    await page.mouse.dblclick(x, y);
    await waitForHash(page, first.hash, 'a double click did not bring back the first frame');
  });

  await step('dashboard_page_should_show_the_regression_alert_banner', async () => {
    const file = path.join(args.out, 'crafted-alert.pcast');
    craftedTrackerFile(file, true);
    await page.setInputFiles('#file-input', file);
    await page.waitForFunction(() => /crafted-alert/.test(document.getElementById('run-info').textContent), null, { timeout: 10000 })
      .catch(() => {}); /* the run info may name the file instead */
    await showView(page, 'dashboard');
    await page.waitForSelector('#alert:not([hidden])', { timeout: 10000 });
    const text = await page.textContent('#alert-text');
    check(/render_ms 42% worse than baseline/.test(text), 'alert text: ' + text);
    const red = await redPixelsTop(page, 0.16);
    const st = await canvasStats(page);
    check(red > st.total * 0.01, `no red banner on the dashboard (${red} red pixels at the top)`);
    await page.screenshot({ path: path.join(args.out, 'dashboard-alert.png') });
    /* before the alert's time the banner goes away */
    await page.focus('#scrub');
    await page.keyboard.press('Home');
    await page.waitForSelector('#alert[hidden]', { state: 'attached', timeout: 10000 });
    check(await redPixelsTop(page, 0.16) < red / 4, 'the dashboard still shows the banner at t = 0');
    await page.keyboard.press('End');
    await page.waitForSelector('#alert:not([hidden])', { timeout: 10000 });
  });

  await step('dashboard_page_should_show_no_alert_for_a_file_without_regressions', async () => {
    const file = path.join(args.out, 'crafted-calm.pcast');
    craftedTrackerFile(file, false);
    await page.setInputFiles('#file-input', file);
    await page.waitForSelector('#alert[hidden]', { state: 'attached', timeout: 10000 });
    await showView(page, 'dashboard');
    await page.waitForTimeout(50);
    check(await page.isHidden('#alert'), 'an alert is shown: ' + await page.textContent('#alert-text'));
    check(await redPixelsTop(page, 0.16) < 200, 'a red banner on the dashboard of a calm run');
  });

  await step('dashboard_page_should_raise_no_uncaught_errors', async () => {
    check(page.pageErrors.length === 0, 'page errors: ' + page.pageErrors.join('; '));
  });
}

/* A program instrumented with the tracker (tests/e2e/stream_probe.c) streams to the agent
 * (PERFCAST_AGENT): the page shows it as the agent's live run and draws it on the dashboard
 * while it goes, as it would a run it started itself. */
async function casePublish() {
  check(args.program && fs.existsSync(args.program), 'missing --program (the stream_probe binary)');
  const agent = await startAgent([]);
  const browser = await launch();
  const page = await openPage(browser, agent.url + '?autostart=0');

  await step('publish_page_should_draw_a_streaming_program_live_on_the_dashboard', async () => {
    await page.waitForSelector('#conn[data-state="connected"]', { timeout: 15000 });
    const out = path.join(args.out, 'published.pcast');
    const child = spawn(args.program, [out, '3'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: Object.assign({}, process.env, { PERFCAST_AGENT: `ws://127.0.0.1:${agent.port}/`, PERFCAST_TOKEN: '' }),
    });
    let said = '', exited = null;
    child.stdout.on('data', (d) => { said += d; });
    child.stderr.on('data', (d) => { said += d; });
    child.on('exit', (code) => { exited = code; });
    onCleanup(() => { if (exited === null) child.kill('SIGKILL'); });

    await waitRunStatus(page, ['running'], 15000);
    check((await text(page, '#run-info')).includes('tracker'), 'run info: ' + await text(page, '#run-info'));
    await page.waitForSelector('#tabs .tab[data-view="dashboard"]', { timeout: 10000 });
    await showView(page, 'dashboard');
    const first = await canvasHash(page);
    const later = await nextHash(page, 'dashboard', first.hash, 'records arriving from the program');
    check(await page.getAttribute('#run-status', 'data-status') === 'running' || exited !== null,
          'the dashboard changed only after the run ended');
    await page.screenshot({ path: path.join(args.out, 'publish-live.png') });
    const end = await waitRunStatus(page, ['ok', 'stopped', 'error', 'incomplete', 'disconnected'], 30000);
    check(end === 'ok', 'the published run ended "' + end + '": ' + await text(page, '#banner-text'));
    for (let i = 0; i < 100 && exited === null; i++) await sleep(100);
    check(exited === 0, `the program exited ${exited}: ${said}`);
    check(/stream: done\b/.test(said), 'the program\'s stream did not finish: ' + said);
    const st = await canvasStats(page);
    checkChart(st, 'the dashboard of the published run');
    check(st.colours > 40, `only ${st.colours} colours: the panels are not drawn`);
    const files = fs.readdirSync(agent.recordDir).filter((f) => f.endsWith('.pcast'));
    check(files.length === 1, 'the agent saved ' + files.length + ' result files');
    console.log(`     live frames ${first.hash} -> ${later.hash}; ${said.trim()}`);
  });

  await step('publish_page_should_raise_no_uncaught_errors', async () => {
    check(page.pageErrors.length === 0, 'page errors: ' + page.pageErrors.join('; '));
  });
}

async function main() {
  const cases = { static: caseStatic, live: caseLive, token: caseToken, orderbook: caseOrderbook,
    volume: caseVolume, dashboard: caseDashboard, publish: casePublish };
  const fn = cases[args.case];
  check(fn, 'unknown --case ' + args.case);
  await fn();
}

const hardStop = setTimeout(() => {
  console.log('FAIL timeout: the whole case took longer than 280 s');
  failed++;
  finish();
}, 280000);

let finishing = false;
async function finish() {
  if (finishing) return;
  finishing = true;
  clearTimeout(hardStop);
  await cleanup();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed || passed === 0 ? 1 : 0);
}

process.on('SIGTERM', () => { failed++; finish(); });
process.on('SIGINT', () => { failed++; finish(); });
main().catch((e) => {
  failed++;
  console.log('FAIL setup\n     ' + (e && e.stack || e));
}).then(finish);
