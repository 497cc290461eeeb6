#!/usr/bin/env node
/* The page opens a .mf4 file (file input), lists its channels, plots picked channels and
 * zooms with the wheel: headless Chromium against the static page (no agent).
 *
 * usage: node test_mf4_browser.js --www DIR --fixture FILE.mf4 --out DIR   (screenshots in --out) */
'use strict';
const fs = require('fs');
const http = require('http');
const path = require('path');
const { chromium } = require('playwright-core');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm' };

function check(cond, what) {
  if (!cond) throw new Error(what);
}

(async () => {
  fs.mkdirSync(args.out, { recursive: true });
  const server = http.createServer((req, res) => {
    const file = path.join(args.www, path.normalize(decodeURIComponent(req.url.split('?')[0])).replace(/^(\.\.[/\\])+/, ''));
    fs.readFile(file, (err, data) => {
      if (err) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
      res.end(data);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.address().port;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu',
    '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  let failed = 0;
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 760 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`http://127.0.0.1:${port}/index.html`);
    await page.waitForFunction(() => window.PerfcastMf4 !== undefined);
    await page.waitForTimeout(1000); /* the wasm module loads */
    await page.setInputFiles('#file-input', args.fixture);
    await page.waitForSelector('#mf4-panel', { timeout: 15000 });
    const names = await page.$$eval('#mf4-panel .mf4-channel', (ls) => ls.map((l) => l.textContent.trim()));
    check(names.some((n) => n.startsWith('RPM [rpm]')) && names.length === 20, 'channel list: ' + names.join(' | '));
    await page.click('input[data-channel="3"]'); /* Temperature */
    await page.waitForFunction(() => document.getElementById('view').dataset.view === 'mf4');
    const before = await page.$eval('#view', (c) => c.dataset.mf4Window);
    await page.screenshot({ path: path.join(args.out, 'mf4-channels.png') });
    const bb = await (await page.$('#view')).boundingBox();
    await page.mouse.move(bb.x + bb.width / 2, bb.y + bb.height / 2);
    for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -200);
    await page.waitForTimeout(300);
    const after = await page.$eval('#view', (c) => c.dataset.mf4Window);
    const span = (w) => { const [a, b] = w.split(',').map(Number); return b - a; };
    check(span(after) < span(before) * 0.6, `wheel zooms in: ${before} -> ${after}`);
    await page.screenshot({ path: path.join(args.out, 'mf4-zoomed.png') });
    /* the plot is not blank: many colours on the canvas */
    const colours = await page.$eval('#view', (c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const s = new Set();
      for (let i = 0; i < d.length; i += 16) s.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return s.size;
    });
    check(colours > 20, 'a drawn plot (' + colours + ' colours)');
    await page.click('#mf4-close');
    check(!(await page.$('#mf4-panel')), 'close removes the panel');
    check(errors.length === 0, 'page errors: ' + errors.join('; '));
    console.log('ok   mf4_page_should_open_list_plot_and_zoom');
  } catch (e) {
    failed = 1;
    console.log('FAIL mf4_page_should_open_list_plot_and_zoom: ' + e.message);
  }
  await browser.close();
  server.close();
  process.exit(failed);
})();
