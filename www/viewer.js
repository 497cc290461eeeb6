/* viewer.js — the one doorway into perfcast.wasm, used by the page (app.js) and by the
 * wasm test under node (tests/wasm/), so both exercise the same calls.
 *
 * It only moves bytes and strings across the wasm boundary; parsing records, keeping the
 * result model and drawing views all happen in C (wasm/viewer.c -> shared/). Pointers into
 * wasm memory are re-read from Module.HEAPU8 on every use because memory growth replaces
 * the underlying ArrayBuffer. */
(function (root) {
  'use strict';

  const encoder = new TextEncoder();

  class PerfcastViewer {
    /* Wraps an instantiated PerfcastModule. Use PerfcastViewer.create() instead. */
    constructor(mod) {
      this.m = mod;
    }

    /* Instantiates the module. opts.factory defaults to the global PerfcastModule (from
     * perfcast.js); opts.moduleArgs is passed to it (e.g. {wasmBinary} under node). */
    static async create(opts = {}) {
      const factory = opts.factory || root.PerfcastModule;
      if (typeof factory !== 'function') throw new Error('perfcast.js is not loaded (PerfcastModule missing)');
      const mod = await factory(opts.moduleArgs || {});
      return new PerfcastViewer(mod);
    }

    /* Copies bytes (Uint8Array) into wasm memory, calls fn(ptr, len), frees them. */
    _withBytes(bytes, fn) {
      const len = bytes.length;
      const ptr = this.m._malloc(Math.max(1, len));
      if (!ptr) throw new Error('wasm: out of memory for ' + len + ' bytes');
      try {
        this.m.HEAPU8.set(bytes, ptr);
        return fn(ptr, len);
      } finally {
        this.m._free(ptr);
      }
    }

    /* Same for a NUL-terminated UTF-8 string. */
    _withString(s, fn) {
      const b = encoder.encode(String(s));
      const z = new Uint8Array(b.length + 1);
      z.set(b);
      return this._withBytes(z, (ptr) => fn(ptr));
    }

    _str(ptr) {
      return this.m.UTF8ToString(ptr);
    }

    _json(ptr, fallback) {
      try {
        return JSON.parse(this._str(ptr));
      } catch (e) {
        return fallback;
      }
    }

    /* The message of the last failed call ('' after a success). */
    lastError() {
      return this._str(this.m._pc_viewer_last_error());
    }

    /* Empties the model for a new run. */
    reset() {
      this.m._pc_viewer_reset();
    }

    /* Applies one binary message of whole records (ArrayBuffer or Uint8Array).
     * Returns {ok, error}. Never throws for bad input. */
    feed(data) {
      const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
      const rc = this._withBytes(bytes, (p, n) => this.m._pc_viewer_feed(p, n));
      return rc === 0 ? { ok: true, error: '' } : { ok: false, code: rc, error: this.lastError() };
    }

    /* Loads a whole result file, replacing what was shown. Returns {ok, error, warning};
     * warning is non-empty when a torn tail was skipped. Never throws for bad input. */
    loadFile(data, name) {
      const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
      const rc = this._withString(name || 'result file', (np) =>
        this._withBytes(bytes, (p, n) => this.m._pc_viewer_load_file(p, n, np)));
      if (rc !== 0) return { ok: false, code: rc, error: this.lastError(), warning: '' };
      return { ok: true, error: '', warning: this._str(this.m._pc_viewer_warning()) };
    }

    /* Draws a view at w x h device pixels. Returns a Uint8ClampedArray of w*h*4 RGBA bytes
     * that views wasm memory (valid until the next render/reset: copy or blit it at once),
     * or null with lastError() saying why. tCursor < 0 shows everything. */
    render(view, w, h, scale, tCursor = -1) {
      const ptr = this._withString(view, (vp) => this.m._pc_viewer_render(vp, w, h, scale, tCursor));
      if (!ptr) return null;
      return new Uint8ClampedArray(this.m.HEAPU8.buffer, ptr, w * h * 4);
    }

    /* Sets the orbit camera of 3D views (yaw, pitch in radians; zoom factor; 0 = default). */
    setCamera(yaw, pitch, zoom) {
      if (this.m._pc_viewer_set_camera) this.m._pc_viewer_set_camera(yaw, pitch, zoom);
    }

    /* One pointer event for the view the last render() drew: kind 1 down, 2 move, 3 up,
     * 4 wheel (delta > 0: away from the user), 5 double click; x, y in device pixels of that
     * frame. True when the view's state changed and it should be rendered again. */
    input(kind, x, y, delta = 0) {
      return !!(this.m._pc_viewer_input && this.m._pc_viewer_input(kind, x, y, delta));
    }

    /* {win_t0, win_t1, select}: the 2D view state input() keeps (win_t1 <= win_t0: whole run). */
    viewState() {
      if (!this.m._pc_viewer_view_state_json) return null;
      return this._json(this.m._pc_viewer_view_state_json(), null);
    }

    /* The metrics in regression at time t (< 0: the end) as one line, '' when none. */
    alertsText(t = -1) {
      return this.m._pc_viewer_alerts_text ? this._str(this.m._pc_viewer_alerts_text(t)) : '';
    }

    /* Changes whenever a record is applied or the model is reset. */
    modelVersion() {
      return this.m._pc_viewer_model_version();
    }

    /* The run's length so far in seconds (the largest record time), 0 when nothing is
     * loaded: the playback slider spans [0, duration()]. */
    duration() {
      return this.m._pc_viewer_duration();
    }

    /* The nearest time after t (dir > 0) or before t (dir < 0) at which the run's data
     * changes (a book frame, a histogram delta, a throughput window): where an arrow key
     * moves the playback cursor. t < 0 means the end. Returns t when there is none. */
    stepTime(t, dir) {
      return this.m._pc_viewer_step_time(t, dir > 0 ? 1 : dir < 0 ? -1 : 0);
    }

    /* [{name, title, animated}] for the loaded run (all views when nothing is loaded). */
    views() {
      return this._json(this.m._pc_viewer_views_json(), []);
    }

    /* The summary record's object, or null. */
    summary() {
      return this._json(this.m._pc_viewer_summary_json(), null);
    }

    /* The header record's object (run_id, suite, params, system info), or null. */
    header() {
      return this._json(this.m._pc_viewer_header_json(), null);
    }

    /* {run_id, suite, status, finished, progress, phase, t_last, records, message, warning}. */
    status() {
      return this._json(this.m._pc_viewer_status_json(), { status: 'empty', progress: 0, records: 0 });
    }
  }

  if (typeof module === 'object' && module.exports) module.exports = { PerfcastViewer };
  else root.PerfcastViewer = PerfcastViewer;
})(typeof self !== 'undefined' ? self : globalThis);
