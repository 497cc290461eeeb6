/* mf4.js — MDF 4 (.mf4) measurement files in the viewer: the channel list, channel picking
 * and a time-series plot with zoom (wheel) and pan (drag), drawn by the wasm renderer
 * (wasm/mf4_viewer.c -> shared/views/mdf4_views.c).
 *
 * Two parts: Mf4File, a thin doorway into the wasm exports (also used by the node test,
 * tests/wasm/test_mf4_wasm.js), and PerfcastMf4, the page part app.js calls when a dropped or
 * picked file starts with "MDF     ". While a .mf4 file is shown it owns the canvas; opening
 * a result file (or "Close") gives it back. */
(function (root) {
  'use strict';

  const MAX_MF4_BYTES = 1024 * 1024 * 1024; /* wasm32 memory is at most 2 GiB here */

  class Mf4File {
    /* mod: an instantiated PerfcastModule. */
    constructor(mod) {
      this.m = mod;
    }

    static isMdf(bytes) {
      const magic = 'MDF     ';
      if (!bytes || bytes.length < 8) return false;
      for (let i = 0; i < 8; i++) if (bytes[i] !== magic.charCodeAt(i)) return false;
      return true;
    }

    _str(ptr) {
      return this.m.UTF8ToString(ptr);
    }

    _json(ptr) {
      try {
        return JSON.parse(this._str(ptr));
      } catch (e) {
        return null;
      }
    }

    _withString(s, fn) {
      const n = this.m.lengthBytesUTF8(s) + 1;
      const p = this.m._malloc(n);
      try {
        this.m.stringToUTF8(s, p, n);
        return fn(p);
      } finally {
        this.m._free(p);
      }
    }

    lastError() {
      return this._str(this.m._pc_mf4v_last_error());
    }

    /* Opens the bytes (Uint8Array). Returns {ok, error}; never throws for bad files. */
    open(bytes, name) {
      const p = this.m._malloc(Math.max(1, bytes.length));
      if (!p) return { ok: false, error: name + ': ' + bytes.length + ' bytes do not fit in the memory this page may use' };
      this.m.HEAPU8.set(bytes, p);
      /* ownership of p passes to the wasm side, also on failure */
      const rc = this._withString(String(name), (np) => this.m._pc_mf4v_open(p, bytes.length, np));
      return rc === 0 ? { ok: true, error: '' } : { ok: false, error: this.lastError() };
    }

    close() {
      this.m._pc_mf4v_close();
    }

    /* {name, version, groups: [{name, records, master, readable, note, channels: [...]}]} */
    info() {
      return this._json(this.m._pc_mf4v_info_json());
    }

    /* Selects channels by index; returns {ok, error}. */
    select(indices) {
      const rc = this._withString(JSON.stringify(indices), (p) => this.m._pc_mf4v_select(p));
      return rc === 0 ? { ok: true, error: '' } : { ok: false, error: this.lastError() };
    }

    /* [t0, t1] of the selection, or null. */
    range() {
      return this._json(this.m._pc_mf4v_range_json());
    }

    /* {names, values} of every numeric channel of group g (physical values), or null. */
    groupValues(g) {
      return this._json(this.m._pc_mf4v_group_json(g));
    }

    /* RGBA pixels (a view into wasm memory: blit at once) or null. */
    render(w, h, scale, t0, t1) {
      const ptr = this.m._pc_mf4v_render(w, h, scale, t0, t1);
      if (!ptr) return null;
      return new Uint8ClampedArray(this.m.HEAPU8.buffer, ptr, w * h * 4);
    }
  }

  /* ---------------------------------------------------------------- the page part */

  const page = {
    file: null,      /* Mf4File while a .mf4 is open */
    info: null,
    picked: [],      /* channel indices */
    t0: 0, t1: 1,    /* the zoom window */
    full: null,      /* [t0, t1] of the selection */
    drag: null,
    hooks: null,     /* {canvas, showBanner, hideBanner, sizeOf} from app.js */
    panel: null,
  };

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function draw() {
    if (!page.file) return;
    const h = page.hooks;
    const { w, hgt, dpr } = h.sizeOf();
    if (w < 1 || hgt < 1) return;
    const px = page.file.render(w, hgt, dpr, page.t0, page.t1);
    if (!px) {
      h.showBanner('error', page.file.lastError());
      return;
    }
    const c = h.canvas;
    if (c.width !== w) c.width = w;
    if (c.height !== hgt) c.height = hgt;
    c.getContext('2d').putImageData(new ImageData(px, w, hgt), 0, 0);
    c.dataset.view = 'mf4';
    c.dataset.mf4Window = page.t0 + ',' + page.t1;
  }

  function applySelection() {
    const r = page.file.select(page.picked);
    if (!r.ok) {
      page.hooks.showBanner('error', r.error);
      page.picked = [];
      page.file.select([]);
    }
    page.full = page.file.range();
    if (page.full) {
      page.t0 = page.full[0];
      page.t1 = page.full[1] > page.full[0] ? page.full[1] : page.full[0] + 1;
    }
    draw();
  }

  function buildPanel() {
    if (page.panel) page.panel.remove();
    const sec = el('section', { class: 'panel', id: 'mf4-panel' });
    sec.appendChild(el('h2', {}, 'Channels'));
    const head = el('p', { class: 'muted' }, page.info.name + ' · MDF ' + page.info.version);
    sec.appendChild(head);
    page.info.groups.forEach((g, gi) => {
      sec.appendChild(el('div', { class: 'mf4-group' }, 'group ' + gi + (g.name ? ' "' + g.name + '"' : '') +
        ' · ' + g.records + ' records' + (g.readable ? '' : ' · ' + g.note)));
      for (const ch of g.channels) {
        if (ch.index === g.master) continue;
        const lab = el('label', { class: 'mf4-channel' });
        const box = el('input', { type: 'checkbox', 'data-channel': String(ch.index) });
        box.disabled = !ch.numeric || !g.readable;
        box.addEventListener('change', () => {
          if (box.checked) {
            if (page.picked.length >= 8) {
              box.checked = false;
              page.hooks.showBanner('warning', 'at most 8 channels are plotted at once');
              return;
            }
            page.picked.push(ch.index);
          } else {
            page.picked = page.picked.filter((i) => i !== ch.index);
          }
          applySelection();
        });
        lab.appendChild(box);
        lab.appendChild(document.createTextNode(' ' + ch.name + (ch.unit ? ' [' + ch.unit + ']' : '') + ' · ' + ch.type));
        sec.appendChild(lab);
      }
    });
    const close = el('button', { class: 'button', type: 'button', id: 'mf4-close' }, 'Close file');
    close.addEventListener('click', () => PerfcastMf4.close());
    sec.appendChild(close);
    const sidebar = document.querySelector('.sidebar');
    sidebar.insertBefore(sec, sidebar.firstChild);
    page.panel = sec;
  }

  function onWheel(e) {
    if (!page.file || !page.full) return;
    e.preventDefault();
    const rect = page.hooks.canvas.getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width));
    const at = page.t0 + (page.t1 - page.t0) * f;
    const k = e.deltaY < 0 ? 0.8 : 1.25;
    let span = (page.t1 - page.t0) * k;
    const fullSpan = page.full[1] - page.full[0] || 1;
    span = Math.min(span, fullSpan);
    page.t0 = at - span * f;
    page.t1 = page.t0 + span;
    clampWindow();
    draw();
  }

  function clampWindow() {
    const span = page.t1 - page.t0;
    if (page.t0 < page.full[0]) { page.t0 = page.full[0]; page.t1 = page.t0 + span; }
    if (page.t1 > page.full[1]) { page.t1 = page.full[1]; page.t0 = Math.max(page.full[0], page.t1 - span); }
  }

  function onDown(e) {
    if (!page.file || !page.full || e.button !== 0) return;
    page.drag = { x: e.clientX, t0: page.t0, t1: page.t1 };
    page.hooks.canvas.setPointerCapture(e.pointerId);
  }
  function onMove(e) {
    if (!page.drag) return;
    const rect = page.hooks.canvas.getBoundingClientRect();
    const dt = (e.clientX - page.drag.x) / rect.width * (page.drag.t1 - page.drag.t0);
    page.t0 = page.drag.t0 - dt;
    page.t1 = page.drag.t1 - dt;
    clampWindow();
    draw();
  }
  function onUp() { page.drag = null; }
  function onDbl() {
    if (!page.full) return;
    page.t0 = page.full[0];
    page.t1 = page.full[1];
    draw();
  }

  const PerfcastMf4 = {
    Mf4File,
    isMdf: Mf4File.isMdf,
    MAX_BYTES: MAX_MF4_BYTES,
    active() { return !!page.file; },

    /* Opens bytes in the page: mod is the viewer's PerfcastModule, hooks as above. */
    open(mod, bytes, name, hooks) {
      page.hooks = hooks;
      if (bytes.length > MAX_MF4_BYTES) {
        hooks.showBanner('error', name + ': ' + bytes.length + ' bytes is larger than this page opens (1 GiB)');
        return false;
      }
      if (!page.file) {
        const c = hooks.canvas;
        c.addEventListener('wheel', onWheel, { passive: false });
        c.addEventListener('pointerdown', onDown);
        c.addEventListener('pointermove', onMove);
        c.addEventListener('pointerup', onUp);
        c.addEventListener('dblclick', onDbl);
      }
      const f = new Mf4File(mod);
      let r;
      try {
        r = f.open(bytes, name);
      } catch (e) { /* wasm memory exhausted */
        r = { ok: false, error: name + ': ' + e.message };
      }
      if (!r.ok) {
        hooks.showBanner('error', r.error);
        this.close();
        return false;
      }
      page.file = f;
      page.info = f.info();
      page.picked = [];
      /* start with the first numeric channel of the first readable group */
      for (const g of page.info.groups) {
        if (!g.readable) continue;
        const ch = g.channels.find((c) => c.numeric && c.index !== g.master);
        if (ch) { page.picked = [ch.index]; break; }
      }
      buildPanel();
      for (const i of page.picked) {
        const b = page.panel.querySelector('input[data-channel="' + i + '"]');
        if (b) b.checked = true;
      }
      hooks.hideBanner();
      document.body.dataset.mf4 = '1';
      applySelection();
      return true;
    },

    /* Redraws (after a resize). */
    draw,

    close() {
      if (page.file) page.file.close();
      page.file = null;
      page.info = null;
      page.full = null;
      if (page.panel) page.panel.remove();
      page.panel = null;
      delete document.body.dataset.mf4;
      if (page.hooks && page.hooks.onClose) page.hooks.onClose();
    },
  };

  if (typeof module === 'object' && module.exports) module.exports = PerfcastMf4;
  else root.PerfcastMf4 = PerfcastMf4;
})(typeof self !== 'undefined' ? self : this);
