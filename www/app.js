/* app.js — the page: connection, controls and blitting. Thin on purpose.
 *
 * Every chart pixel comes from wasm (viewer.js -> perfcast.wasm -> shared/ views); this file
 * only moves bytes: WebSocket binary messages into the model, frames from wasm memory onto
 * the canvas. It works with no agent at all (plain static files + a result file opened from
 * disk), so nothing here may assume the WebSocket is up.
 *
 * Playback: animated views are drawn at a cursor (seconds since the run's start, < 0 = all of
 * it). While a run is live the cursor follows the newest data until the user scrubs; opened
 * files and finished runs can be played, paused, scrubbed and stepped at 0.25x..8x, and
 * recorded to WebM (the canvas' own stream through MediaRecorder, frames still from wasm).
 *
 * Protocol ("perfcast.v1" subprotocol, JSON text + binary record messages):
 *   agent -> page  hello {run: {run_id, suite, state} | null, mode: "live"|"replay"}
 *                  suites {suites: [{name, description, params, views, summary_keys}]}
 *                  run_started {run_id, suite, params}, binary records, run_finished {run_id,
 *                  status, summary}, error {message}
 *   page -> agent  list, start {suite, params: {..., quick}}, stop {run_id} */
(function () {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const query = new URLSearchParams(location.search);
  const token = query.get('token');
  /* ?autostart=0 keeps a fresh agent idle (the first visit otherwise starts ringbuf). */
  const autostartAllowed = query.get('autostart') !== '0';
  const MAX_FILE_BYTES = 1024 * 1024 * 1024;

  const state = {
    viewer: null,
    ws: null,
    connected: false,
    everConnected: false,
    retryMs: 1000,
    retryTimer: 0,
    mode: 'live',
    suites: [],
    autostartPending: false,
    startRequested: '', /* 'user' or 'auto' while our own start awaits run_started */
    autostartDone: false,
    source: 'none', /* 'live' (records from the agent), 'file' (opened from disk) or 'none' */
    fileName: '',
    runId: null,
    running: false,
    fedSinceReset: false,
    finishedStatus: '',
    summaryShown: false,
    view: '',
    views: [], /* [{name, title, animated}] of the loaded run */
    viewsKey: '',
    modelKey: '',
    frameRequested: false,
    drawn: { version: -1, w: 0, h: 0, view: '', scale: 0, cursor: -1 },
    css: { w: 0, h: 0 },
    device: { w: 0, h: 0 },
  };

  const canvas = $('view');
  const ctx = canvas.getContext('2d', { alpha: false });

  /* ---------------------------------------------------------------- banner & status */

  /* action, when given, is {label, run}: a button in the banner (e.g. "Show live run"). */
  function showBanner(kind, text, action) {
    const b = $('banner');
    b.dataset.kind = kind;
    $('banner-text').textContent = text;
    const btn = $('banner-action');
    btn.hidden = !action;
    btn.textContent = action ? action.label : '';
    btn.onclick = action ? () => { hideBanner(); action.run(); } : null;
    b.hidden = false;
  }

  function hideBanner(kind) {
    const b = $('banner');
    if (!kind || b.dataset.kind === kind) b.hidden = true;
  }

  function setConn(kind, text) {
    const c = $('conn');
    c.dataset.state = kind;
    $('conn-text').textContent = text;
    document.body.dataset.conn = kind;
    $('hint-start').textContent = kind === 'offline' ? 'Open' : 'Start a suite on the left, or open';
    const empty = $('suites-empty');
    if (empty) {
      empty.textContent = kind === 'offline'
        ? 'No agent connected. Suites run when this page is served by perfcast agent (one started ' +
          'with --token needs ?token=… in the address); meanwhile, open a result file.'
        : 'The suite list comes from the agent.';
    }
  }

  /* ---------------------------------------------------------------- WebSocket */

  function wsUrl() {
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    let url = proto + '//' + location.host + '/';
    if (token) url += '?token=' + encodeURIComponent(token);
    return url;
  }

  function offlineText() {
    if (state.everConnected) return 'agent disconnected — reconnecting (open a result file meanwhile)';
    if (token) return 'no agent (or the token was refused) — open a result file';
    return 'no agent — open a result file';
  }

  function connect() {
    state.retryTimer = 0;
    if (location.protocol !== 'http:' && location.protocol !== 'https:') {
      setConn('offline', 'no agent — open a result file');
      return;
    }
    if (!state.everConnected && state.retryMs === 1000) setConn('connecting', 'connecting…');
    let ws;
    try {
      ws = new WebSocket(wsUrl(), 'perfcast.v1');
    } catch (e) {
      setConn('offline', offlineText());
      scheduleReconnect();
      return;
    }
    ws.binaryType = 'arraybuffer';
    state.ws = ws;
    ws.onopen = () => {
      state.connected = true;
      state.everConnected = true;
      state.retryMs = 1000;
      setConn('connected', 'connected');
      send({ type: 'list' });
      updateControls();
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data === 'string') onText(ev.data);
      else onBinary(ev.data);
    };
    ws.onclose = (ev) => {
      if (state.ws !== ws) return;
      state.ws = null;
      state.connected = false;
      let text = offlineText();
      if (ev.reason) text += ' (' + ev.reason + ')';
      setConn('offline', text);
      if (state.running && state.source === 'live') {
        state.running = false;
        setRunStatus('disconnected');
      }
      updateControls();
      scheduleReconnect();
    };
  }

  function scheduleReconnect() {
    if (state.retryTimer) return;
    state.retryTimer = setTimeout(connect, state.retryMs);
    state.retryMs = Math.min(state.retryMs * 2, 15000);
  }

  function send(obj) {
    if (!state.ws || state.ws.readyState !== WebSocket.OPEN) {
      showBanner('error', 'not connected to an agent');
      return false;
    }
    state.ws.send(JSON.stringify(obj));
    return true;
  }

  function onText(text) {
    let msg;
    try {
      msg = JSON.parse(text);
    } catch (e) {
      showBanner('error', 'agent sent a message that is not JSON');
      return;
    }
    switch (msg.type) {
    case 'hello': onHello(msg); break;
    case 'suites': onSuites(msg); break;
    case 'run_started': onRunStarted(msg); break;
    case 'run_finished': onRunFinished(msg); break;
    case 'error': onError(msg); break;
    default: break; /* newer agents may send more; ignoring them keeps old pages working */
    }
  }

  function onHello(msg) {
    state.mode = msg.mode === 'replay' ? 'replay' : 'live';
    setConn('connected', state.mode === 'replay' ? 'connected — replay' : 'connected — live');
    const run = msg.run || null;
    if (run && state.source !== 'file') {
      /* The agent streams this run's records from its start: show it from scratch. */
      beginLive(run.run_id, run.state === 'running');
    } else if (!run && state.mode === 'live' && autostartAllowed && !state.autostartDone &&
               state.source !== 'file') {
      /* A fresh agent that never ran anything: start ringbuf so the page shows a live run. */
      state.autostartPending = true;
      maybeAutostart();
    }
    updateControls();
  }

  function onSuites(msg) {
    state.suites = Array.isArray(msg.suites) ? msg.suites : [];
    renderSuites();
    maybeAutostart();
  }

  function maybeAutostart() {
    if (!state.autostartPending || !state.suites.length || !state.connected) return;
    state.autostartPending = false;
    state.autostartDone = true;
    const suite = state.suites.find((s) => s.name === 'ringbuf') || state.suites[0];
    if (send({ type: 'start', suite: suite.name, params: {} })) state.startRequested = 'auto';
  }

  function onError(msg) {
    const text = msg.message || 'unknown error';
    /* Two pages opened on a fresh agent both autostart; the second one just watches. */
    if (state.startRequested === 'auto' && /in progress/.test(text)) {
      state.startRequested = '';
      return;
    }
    if (msg.request === 'start') state.startRequested = '';
    showBanner('error', 'agent: ' + text);
  }

  /* Leaves a file on screen for the agent's current run: reconnecting makes the agent stream
   * the run from its first record, through the same path as any late joiner. */
  function showLiveRun() {
    state.source = 'none';
    state.fileName = '';
    if (state.viewer) state.viewer.reset();
    refreshViews();
    requestDraw();
    if (state.ws) {
      const ws = state.ws;
      state.ws = null;
      state.connected = false;
      ws.close();
    }
    if (state.retryTimer) clearTimeout(state.retryTimer);
    state.retryMs = 1000;
    connect();
  }

  function beginLive(runId, running) {
    state.source = 'live';
    state.fileName = '';
    state.runId = runId;
    state.running = running;
    state.fedSinceReset = false;
    state.finishedStatus = '';
    cancelRecording();
    resetPlayback();
    if (state.viewer) state.viewer.reset();
    showSummary(null);
    requestDraw();
  }

  function onRunStarted(msg) {
    const ours = !!state.startRequested;
    state.startRequested = '';
    if (state.source === 'file' && !ours) {
      /* The user is looking at a file: say a run started, switch only when asked. */
      showBanner('info', 'run ' + msg.run_id + ' (' + (msg.suite || '?') + ') started on the agent',
                 { label: 'Show live run', run: showLiveRun });
      return;
    }
    /* A late joiner may already have this run's first records (hello came first): keep them. */
    if (!(msg.run_id === state.runId && state.source === 'live' && state.fedSinceReset)) {
      beginLive(msg.run_id, true);
    }
    state.running = true;
    hideBanner('info');
    updateControls();
  }

  function onRunFinished(msg) {
    if (state.source !== 'live' || (state.runId && msg.run_id && msg.run_id !== state.runId)) return;
    state.running = false;
    state.finishedStatus = msg.status || 'ok';
    const summary = msg.summary && typeof msg.summary === 'object' ? msg.summary
      : state.viewer ? state.viewer.summary() : null;
    showSummary(summary);
    if (msg.status === 'error') showBanner('error', 'run failed: ' + (msg.message || 'no message'));
    updateControls();
    requestDraw();
    updateRunPanel();
  }

  function onBinary(data) {
    if (!state.viewer || state.source === 'file') return; /* a file is on screen: don't mix runs */
    if (state.source === 'none') state.source = 'live';
    let r;
    try {
      r = state.viewer.feed(data);
    } catch (e) { /* e.g. wasm memory exhausted: say so instead of an unhandled exception */
      r = { ok: false, error: e.message };
    }
    state.fedSinceReset = true;
    if (!r.ok) showBanner('error', 'record stream: ' + r.error);
    requestDraw();
  }

  /* ---------------------------------------------------------------- suites & controls */

  function fmtNumber(v) {
    if (typeof v !== 'number' || !isFinite(v)) return String(v);
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    return v.toLocaleString('en-US', { maximumSignificantDigits: 4 });
  }

  function paramValue(p, quick) {
    const v = quick && p.quick !== undefined ? p.quick : p.default;
    return v;
  }

  function renderSuites() {
    const box = $('suites');
    box.textContent = '';
    if (!state.suites.length) {
      const p = document.createElement('p');
      p.className = 'muted';
      p.textContent = 'The agent reported no suites.';
      box.appendChild(p);
      return;
    }
    for (const s of state.suites) box.appendChild(suiteCard(s));
    updateControls();
  }

  function suiteCard(s) {
    const card = document.createElement('div');
    card.className = 'suite';
    card.dataset.suite = s.name;

    const name = document.createElement('div');
    name.className = 'suite-name';
    name.textContent = s.name;
    card.appendChild(name);
    if (s.description) {
      const d = document.createElement('div');
      d.className = 'suite-desc';
      d.textContent = s.description;
      card.appendChild(d);
    }

    const quickBox = document.createElement('input');
    quickBox.type = 'checkbox';
    quickBox.className = 'quick-box';
    const inputs = [];
    for (const p of s.params || []) {
      if (p.host_path) continue; /* a file on the agent's host: only `perfcast run` sets it */
      const row = document.createElement('div');
      row.className = 'param';
      const id = 'p-' + s.name + '-' + p.name;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = p.name;
      if (p.unit) {
        const u = document.createElement('span');
        u.className = 'unit';
        u.textContent = ' (' + p.unit + ')';
        label.appendChild(u);
      }
      label.title = p.help || p.name;
      const input = document.createElement('input');
      input.id = id;
      input.name = p.name;
      input.title = p.help || '';
      if (p.type === 'bool') {
        input.type = 'checkbox';
        input.checked = !!paramValue(p, false);
        input.addEventListener('change', () => { input.dataset.dirty = '1'; });
      } else if (p.type === 'string') {
        input.type = 'text';
        if (p.max_length) input.maxLength = p.max_length;
        input.value = paramValue(p, false) || '';
        input.placeholder = 'default';
        input.addEventListener('input', () => { input.dataset.dirty = '1'; });
      } else {
        input.type = 'number';
        if (p.min !== undefined) input.min = p.min;
        if (p.max !== undefined) input.max = p.max;
        input.step = p.type === 'int' ? '1' : 'any';
        input.value = paramValue(p, false);
        input.addEventListener('input', () => { input.dataset.dirty = '1'; });
      }
      inputs.push({ p, input });
      row.appendChild(label);
      row.appendChild(input);
      card.appendChild(row);
    }

    /* Quick mode shows the quick defaults in every field the user has not edited. */
    quickBox.addEventListener('change', () => {
      for (const { p, input } of inputs) {
        if (input.dataset.dirty) continue;
        const v = paramValue(p, quickBox.checked);
        if (input.type === 'checkbox') input.checked = !!v;
        else input.value = v;
      }
    });

    const actions = document.createElement('div');
    actions.className = 'suite-actions';
    const quickLabel = document.createElement('label');
    quickLabel.className = 'quick';
    quickLabel.appendChild(quickBox);
    quickLabel.appendChild(document.createTextNode('quick'));
    quickLabel.title = 'Shorter run with the quick defaults';
    const start = document.createElement('button');
    start.type = 'button';
    start.className = 'button primary start';
    start.textContent = 'Start';
    start.addEventListener('click', () => startSuite(s, inputs, quickBox.checked));
    actions.appendChild(quickLabel);
    actions.appendChild(start);
    card.appendChild(actions);
    return card;
  }

  function startSuite(s, inputs, quick) {
    const params = {};
    for (const { p, input } of inputs) {
      if (!input.dataset.dirty) continue; /* the agent fills defaults (quick ones under quick) */
      if (input.type === 'checkbox') {
        params[p.name] = input.checked;
        continue;
      }
      if (input.type === 'text') {
        params[p.name] = input.value;
        continue;
      }
      const v = input.valueAsNumber;
      if (!input.validity.valid || !isFinite(v)) {
        const range = p.min !== undefined ? ' (' + p.min + ' … ' + p.max + ')' : '';
        showBanner('error', 'parameter ' + p.name + ': "' + input.value + '" is not a valid value' + range);
        input.focus();
        return;
      }
      params[p.name] = v;
    }
    if (quick) params.quick = true;
    if (send({ type: 'start', suite: s.name, params })) {
      state.startRequested = 'user';
      hideBanner('error');
    }
  }

  function updateControls() {
    const canStart = state.connected && !state.running && state.mode === 'live';
    for (const b of document.querySelectorAll('.suite .start')) b.disabled = !canStart;
    $('stop').disabled = !(state.connected && state.running && state.runId && state.source === 'live');
    requestDraw(); /* the playback bar depends on whether a run is live */
  }

  $('stop').addEventListener('click', () => {
    if (state.runId) send({ type: 'stop', run_id: state.runId });
  });

  /* ---------------------------------------------------------------- run panel & summary */

  function setRunStatus(text) {
    const el = $('run-status');
    el.textContent = text;
    el.dataset.status = text;
    document.body.dataset.run = text;
  }

  function updateRunPanel() {
    if (!state.viewer) return;
    const s = state.viewer.status();
    let status = s.status || 'empty';
    if (state.source === 'live' && state.running && !s.finished) status = 'running';
    else if (state.source === 'live' && state.finishedStatus) status = state.finishedStatus;
    if (status === 'empty') status = state.source === 'none' ? 'idle' : 'waiting';
    setRunStatus(status);
    $('run-phase').textContent = s.phase || '–';
    const pct = Math.round(Math.max(0, Math.min(1, s.progress || 0)) * 100);
    $('progress-fill').style.width = pct + '%';
    $('progress').setAttribute('aria-valuenow', String(pct));
    $('progress-label').textContent = pct + '%' + (s.records ? ' · ' + fmtNumber(s.records) + ' records' : '');

    const info = $('run-info');
    info.textContent = '';
    if (s.suite) {
      const b = document.createElement('strong');
      b.textContent = s.suite;
      info.appendChild(b);
      info.appendChild(document.createTextNode(' · ' + (s.run_id || 'unnamed run')));
    }
    if (state.source === 'file') info.appendChild(document.createTextNode(' · file: ' + state.fileName));
    else if (state.source === 'live' && s.suite) info.appendChild(document.createTextNode(' · ' + state.mode));

    /* the overlay is for "nothing here yet"; a live run with no records yet is drawn by the view */
    $('hint').hidden = (s.records || 0) > 0 || state.source === 'live';
    if (state.source === 'file' && !state.summaryShown) showSummary(state.viewer.summary());

    const key = (s.suite || '') + '|' + (s.run_id || '');
    if (key !== state.modelKey) {
      state.modelKey = key;
      refreshViews();
    }
  }

  function showSummary(summary) {
    const panel = $('summary-panel');
    const table = $('summary');
    table.textContent = '';
    state.summaryShown = !!summary;
    if (!summary || typeof summary !== 'object') {
      panel.hidden = true;
      return;
    }
    const suite = state.suites.find((x) => x.name === (state.viewer && state.viewer.status().suite));
    const order = suite && Array.isArray(suite.summary_keys) ? suite.summary_keys : [];
    const keys = order.filter((k) => k in summary).concat(Object.keys(summary).filter((k) => !order.includes(k)));
    for (const k of keys) {
      const tr = document.createElement('tr');
      const a = document.createElement('td');
      const b = document.createElement('td');
      a.textContent = k;
      const v = summary[k];
      b.textContent = typeof v === 'object' && v !== null ? JSON.stringify(v) : fmtNumber(v);
      tr.appendChild(a);
      tr.appendChild(b);
      table.appendChild(tr);
    }
    panel.hidden = keys.length === 0;
  }

  /* ---------------------------------------------------------------- view tabs */

  function refreshViews() {
    if (!state.viewer) return;
    const views = state.viewer.views();
    state.views = views;
    const key = views.map((v) => v.name + (v.animated ? '*' : '')).join(',');
    if (key === state.viewsKey) return;
    state.viewsKey = key;
    if (!views.some((v) => v.name === state.view)) state.view = views.length ? views[0].name : '';
    const nav = $('tabs');
    nav.textContent = '';
    for (const v of views) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = v.animated ? 'tab animated' : 'tab';
      b.setAttribute('role', 'tab');
      b.dataset.view = v.name;
      b.textContent = v.title || v.name;
      b.title = v.name + (v.animated ? ' (animated: play, scrub or record it)' : '');
      b.disabled = rec.active;
      b.addEventListener('click', () => selectView(v.name));
      nav.appendChild(b);
    }
    markTabs();
    requestDraw();
  }

  function selectView(name) {
    if (rec.active) return; /* the recording shows one view from start to end */
    state.view = name;
    markTabs();
    requestDraw();
  }

  function markTabs() {
    for (const b of document.querySelectorAll('#tabs .tab'))
      b.setAttribute('aria-selected', b.dataset.view === state.view ? 'true' : 'false');
  }

  /* ---------------------------------------------------------------- drawing */

  function requestDraw() {
    if (state.frameRequested) return;
    state.frameRequested = true;
    requestAnimationFrame(frame);
  }

  /* At most one frame per animation frame, and only when something changed: many binary
   * messages in one frame cost one render, and a paused static view costs none. While
   * playing, each frame advances the cursor and asks for the next one. */
  function frame() {
    state.frameRequested = false;
    if (window.PerfcastMf4 && window.PerfcastMf4.active()) return window.PerfcastMf4.draw(); /* a .mf4 owns the canvas */
    const v = state.viewer;
    if (!v) return;
    advancePlayback();
    const version = v.modelVersion();
    if (version !== state.drawn.version) updateRunPanel();
    updateTransport();
    if (pb.playing) requestDraw();
    const dpr = window.devicePixelRatio || 1;
    /* a recording keeps the size it started with: one video, one resolution */
    const w = rec.active ? rec.w : state.device.w, h = rec.active ? rec.h : state.device.h;
    if (!state.view || w < 1 || h < 1) return;
    const cursor = cursorFor();
    const d = state.drawn;
    if (version === d.version && w === d.w && h === d.h && state.view === d.view && dpr === d.scale &&
        cursor === d.cursor) return;
    state.drawn = { version, w, h, view: state.view, scale: dpr, cursor };
    const px = v.render(state.view, w, h, dpr, cursor);
    if (!px) {
      showBanner('error', v.lastError());
      return;
    }
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    ctx.putImageData(new ImageData(px, w, h), 0, 0);
    /* what is on the canvas, for anyone (tests included) who needs to know a frame landed */
    canvas.dataset.version = String(version);
    canvas.dataset.view = state.view;
    canvas.dataset.cursor = String(cursor);
    showAlerts(v.alertsText ? v.alertsText(cursor) : '');
  }

  /* The regression alert over every view: the metrics wasm says are in regression at the
   * cursor (text made in C), hidden when there are none. */
  function showAlerts(text) {
    const a = $('alert');
    if (!a) return;
    if ($('alert-text').textContent !== text) $('alert-text').textContent = text;
    a.hidden = !text;
  }

  /* ------------------------------------------------ pointer input (2D views: the dashboard) */
  /* Every view but the 3D one gets the canvas' pointer events in device pixels; wasm decides
   * what they mean (the layout lives there) and says whether to draw again. */
  const INPUT = { down: 1, move: 2, up: 3, wheel: 4, dblclick: 5 };
  function viewInput(kind, e, delta) {
    if (is3d() || !state.viewer || !state.viewer.input || !state.view || rec.active) return false;
    const r = canvas.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) return false;
    /* device pixels per CSS pixel as drawn: devicePixelRatio, exactly as the backing store has it */
    const x = (e.clientX - r.left) * (canvas.width / r.width), y = (e.clientY - r.top) * (canvas.height / r.height);
    if (!state.viewer.input(kind, x, y, delta || 0)) return false;
    state.drawn.version = -1;
    requestDraw();
    return true;
  }
  canvas.addEventListener('pointerdown', (e) => {
    if (is3d() || e.button !== 0) return;
    canvas.setPointerCapture(e.pointerId);
    viewInput(INPUT.down, e);
  });
  canvas.addEventListener('pointermove', (e) => { if (e.buttons & 1) viewInput(INPUT.move, e); });
  canvas.addEventListener('pointerup', (e) => viewInput(INPUT.up, e));
  canvas.addEventListener('pointercancel', (e) => viewInput(INPUT.up, e));
  canvas.addEventListener('wheel', (e) => {
    const unit = e.deltaMode === 1 ? 40 : e.deltaMode === 2 ? 800 : 1; /* lines, pages -> pixels */
    if (viewInput(INPUT.wheel, e, e.deltaY * unit)) e.preventDefault(); /* zoomed: don't scroll the page */
  }, { passive: false });
  canvas.addEventListener('dblclick', (e) => viewInput(INPUT.dblclick, e));

  /* ------------------------------------------------ orbit camera (3D views: volume) */
  /* Drag orbits, the wheel zooms, a double click goes back to the default view. The camera
   * lives in wasm (setCamera); a change forces one redraw. pitch 0 means "default" there, so
   * a drag never leaves it at exactly 0. */
  const orbit = { yaw: 0, pitch: 0, zoom: 1, drag: null };
  const is3d = () => state.view === 'volume';
  function orbitApply() {
    if (state.viewer && state.viewer.setCamera) state.viewer.setCamera(orbit.yaw, orbit.pitch, orbit.zoom);
    state.drawn.version = -1;
    requestDraw();
  }
  canvas.addEventListener('pointerdown', (e) => {
    if (!is3d() || e.button !== 0) return;
    orbit.drag = { x: e.clientX, y: e.clientY, yaw: orbit.yaw, pitch: orbit.pitch || 0.5 };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!orbit.drag) return;
    orbit.yaw = orbit.drag.yaw - (e.clientX - orbit.drag.x) * 0.01;
    const p = Math.max(-1.45, Math.min(1.45, orbit.drag.pitch + (e.clientY - orbit.drag.y) * 0.01));
    orbit.pitch = p === 0 ? 1e-4 : p;
    orbitApply();
  });
  const endOrbit = () => { orbit.drag = null; };
  canvas.addEventListener('pointerup', endOrbit);
  canvas.addEventListener('pointercancel', endOrbit);
  canvas.addEventListener('wheel', (e) => {
    if (!is3d()) return;
    e.preventDefault();
    orbit.zoom = Math.max(0.25, Math.min(8, orbit.zoom * Math.exp(-e.deltaY * 0.001)));
    orbitApply();
  }, { passive: false });
  canvas.addEventListener('dblclick', () => {
    if (!is3d()) return;
    orbit.yaw = 0; orbit.pitch = 0; orbit.zoom = 1;
    orbitApply();
  });

  /* The canvas backing store is CSS size x devicePixelRatio, so text and lines are drawn at
   * the screen's real resolution (the views scale their sizes by `scale`). */
  function observeSize() {
    const measure = (entry) => {
      const dpr = window.devicePixelRatio || 1;
      const r = canvas.getBoundingClientRect();
      let w = Math.round(r.width * dpr), h = Math.round(r.height * dpr);
      /* The browser's own device-pixel size avoids a blurry off-by-one at fractional ratios;
       * trust it only when it agrees with CSS size x ratio (emulated ratios report CSS px). */
      const dp = entry && entry.devicePixelContentBoxSize && entry.devicePixelContentBoxSize[0];
      if (dp && Math.abs(dp.inlineSize - w) <= 1 && Math.abs(dp.blockSize - h) <= 1) {
        w = dp.inlineSize;
        h = dp.blockSize;
      }
      state.device = { w: Math.max(1, Math.min(8192, w)), h: Math.max(1, Math.min(8192, h)) };
      requestDraw();
    };
    if (typeof ResizeObserver === 'function') {
      const ro = new ResizeObserver((entries) => measure(entries[entries.length - 1]));
      try {
        ro.observe(canvas, { box: 'device-pixel-content-box' });
      } catch (e) {
        ro.observe(canvas);
      }
    } else {
      window.addEventListener('resize', () => measure(null));
    }
    measure(null);
    /* A zoom or a move to another screen changes devicePixelRatio without a resize. */
    const watchDpr = () => {
      const mq = window.matchMedia('(resolution: ' + (window.devicePixelRatio || 1) + 'dppx)');
      const onChange = () => {
        mq.removeEventListener('change', onChange);
        measure(null);
        watchDpr();
      };
      mq.addEventListener('change', onChange);
    };
    if (window.matchMedia) watchDpr();
  }

  /* ---------------------------------------------------------------- playback */

  const SPEEDS = [0.25, 0.5, 1, 2, 4, 8];
  const MAX_TICK_S = 0.1; /* a stalled tab resumes where it was instead of jumping ahead */

  const pb = {
    playing: false, /* the cursor advances by itself */
    follow: true,   /* the cursor is at the newest data (a live run) or the end (a finished one) */
    t: 0,           /* the cursor when not following, seconds since the run's start */
    speed: 1,
    lastTs: 0,      /* performance.now() of the last advance */
    dragging: false,
    shown: {},      /* what the transport's DOM shows, so unchanged frames write nothing */
  };

  function isLive() {
    return state.source === 'live' && state.running;
  }

  function duration() {
    const d = state.viewer ? state.viewer.duration() : 0;
    return d > 0 && isFinite(d) ? d : 0;
  }

  function currentViewInfo() {
    return state.views.find((x) => x.name === state.view) || null;
  }

  function isAnimated() {
    const v = currentViewInfo();
    return !!(v && v.animated);
  }

  /* What render() gets: the cursor for animated views; static views always show it all. */
  function cursorFor() {
    if (!isAnimated() || pb.follow) return -1;
    return Math.max(0, Math.min(pb.t, duration()));
  }

  function resetPlayback() {
    pb.playing = false;
    pb.follow = true;
    pb.t = 0;
  }

  /* Playing from the run's end starts again from its start; playing catches up with a live
   * run and then follows it. */
  function play() {
    const dur = duration();
    if (dur <= 0) return;
    if (pb.follow && isLive()) return; /* already showing the newest data as it comes */
    if (pb.follow || pb.t >= dur) pb.t = 0;
    pb.follow = false;
    pb.playing = true;
    pb.lastTs = performance.now();
    requestDraw();
  }

  /* Pausing a live run freezes the cursor where the data was. */
  function pause() {
    if (pb.follow && isLive()) {
      if (duration() <= 0) return; /* nothing has arrived yet: nothing to hold on to */
      pb.t = duration();
      pb.follow = false;
    }
    pb.playing = false;
    requestDraw();
  }

  function isPlaying() {
    return pb.playing || (pb.follow && isLive());
  }

  function togglePlay() {
    if (rec.active) return;
    if (isPlaying()) pause();
    else play();
  }

  function seek(t) {
    const dur = duration();
    pb.follow = false;
    pb.t = Math.max(0, Math.min(dur, t));
    pb.lastTs = performance.now();
    requestDraw();
  }

  /* One step (to the next moment the data changes), or a tenth of the run with shift. */
  function step(dir, big) {
    if (rec.active || !state.viewer) return;
    const dur = duration();
    if (dur <= 0) return;
    const base = pb.follow ? dur : pb.t;
    pb.playing = false;
    seek(big ? base + dir * dur * 0.1 : state.viewer.stepTime(base, dir));
  }

  function goLive() {
    if (rec.active) return;
    pb.follow = true;
    pb.playing = false;
    requestDraw();
  }

  /* Moves the cursor by the time since the last frame x speed; at the end it stops (a
   * finished run or file) or hands over to following (a live run). */
  function advancePlayback() {
    if (!pb.playing) return;
    const now = performance.now();
    const dt = Math.min(MAX_TICK_S, Math.max(0, (now - pb.lastTs) / 1000));
    pb.lastTs = now;
    pb.t += dt * pb.speed;
    const dur = duration();
    if (pb.t < dur) return;
    pb.playing = false;
    if (isLive() && !rec.active) {
      pb.follow = true;
    } else {
      pb.t = dur;
      if (rec.active) finishRecordingSoon();
    }
  }

  function fmtTime(t, dur) {
    const digits = dur < 10 ? 3 : dur < 100 ? 2 : 1;
    return t.toFixed(digits) + ' s';
  }

  /* Writes prop of el only when it changed (called every frame while playing). */
  function setProp(el, key, prop, value) {
    const k = el.id + '.' + key;
    if (pb.shown[k] === value) return;
    pb.shown[k] = value;
    if (prop === 'text') el.textContent = value;
    else if (prop === 'fill') el.style.setProperty('--fill', value.toFixed(2) + '%'); /* the played part */
    else if (prop.startsWith('data-')) el.dataset[prop.slice(5)] = value;
    else if (prop.startsWith('aria-')) el.setAttribute(prop, value);
    else el[prop] = value;
  }

  function updateTransport() {
    const dur = duration();
    const live = isLive();
    const haveRun = !!state.viewer && state.source !== 'none';
    const have = haveRun && dur > 0; /* something to scrub through */
    const following = live && pb.follow;
    const animated = isAnimated();
    const tp = $('transport');
    let mode = 'empty';
    if (haveRun) mode = rec.active ? 'recording' : following ? 'live' : !have ? 'empty' : pb.playing ? 'playing'
      : pb.follow || pb.t >= dur ? 'end' : 'paused';
    setProp(tp, 'state', 'data-state', mode);
    setProp(tp, 'animated', 'data-animated', animated ? '1' : '0');

    const playing = isPlaying();
    const play = $('play');
    setProp(play, 'disabled', 'disabled', !(have || following) || rec.active);
    setProp(play, 'playing', 'data-playing', playing ? '1' : '0');
    setProp(play, 'label', 'aria-label', playing ? 'Pause' : 'Play');

    const liveBtn = $('live');
    setProp(liveBtn, 'disabled', 'disabled', !live || pb.follow || rec.active);
    setProp(liveBtn, 'on', 'data-on', following ? '1' : '0');

    const scrub = $('scrub');
    setProp(scrub, 'disabled', 'disabled', !have || rec.active);
    setProp(scrub, 'max', 'max', String(have ? dur : 1));
    const at = pb.follow ? dur : Math.min(pb.t, dur);
    if (!pb.dragging) setProp(scrub, 'value', 'value', String(have ? at : 0));
    setProp(scrub, 'fill', 'fill', have ? (at / dur) * 100 : 0);

    let text = '–';
    if (following) text = 'live · ' + fmtTime(dur, dur);
    else if (have) text = fmtTime(at, dur) + ' / ' + fmtTime(dur, dur);
    setProp($('time'), 'text', 'text', text);
    setProp($('static-note'), 'hidden', 'hidden', !haveRun || animated);
    setProp($('speed'), 'disabled', 'disabled', rec.active);

    const why = recordBlocker(have, live, animated);
    const recBtn = $('record');
    setProp(recBtn, 'disabled', 'disabled', !rec.active && why !== '');
    setProp(recBtn, 'title', 'title', rec.active ? 'Stop recording now (keeps what was recorded)'
      : why || 'Record this view from start to end at ' + pb.speed + '× as a WebM video');
    setProp(recBtn, 'text', 'text', rec.active ? 'Stop recording' : 'Record WebM');
    if (rec.active) setProp($('rec-state'), 'text', 'text', '● REC ' + fmtTime(Math.min(pb.t, dur), dur));
  }

  $('play').addEventListener('click', togglePlay);
  $('live').addEventListener('click', goLive);
  $('speed').addEventListener('change', (ev) => {
    const v = Number(ev.target.value);
    pb.speed = SPEEDS.includes(v) ? v : 1;
    pb.lastTs = performance.now();
    requestDraw();
  });
  const scrubEl = $('scrub');
  scrubEl.addEventListener('input', () => {
    if (rec.active) return;
    seek(Number(scrubEl.value));
  });
  scrubEl.addEventListener('pointerdown', () => { pb.dragging = true; });
  const endDrag = () => {
    if (!pb.dragging) return;
    pb.dragging = false;
    pb.shown['scrub.value'] = undefined; /* write the cursor back on the next frame */
    requestDraw();
  };
  window.addEventListener('pointerup', endDrag);
  window.addEventListener('pointercancel', endDrag);

  /* Space plays/pauses, arrows step (shift: 10%), Home/End jump. Keys typed into a form
   * field are left alone, and so are space/enter on a focused button (which click it) —
   * except the view tabs and the play button, where space means play/pause as elsewhere
   * (preventDefault on keydown keeps the button from also clicking). */
  document.addEventListener('keydown', (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.defaultPrevented) return;
    const t = ev.target;
    const tag = t && t.tagName;
    const isRange = tag === 'INPUT' && t.type === 'range';
    if ((tag === 'INPUT' && !isRange) || tag === 'TEXTAREA' || tag === 'SELECT' || (t && t.isContentEditable)) return;
    if (tag === 'BUTTON' && (ev.key === 'Enter' || (ev.key === ' ' && !t.classList.contains('tab') && t.id !== 'play'))) return;
    if (!state.viewer || state.source === 'none') return;
    switch (ev.key) {
    case ' ': togglePlay(); break;
    case 'ArrowRight': step(1, ev.shiftKey); break;
    case 'ArrowLeft': step(-1, ev.shiftKey); break;
    case 'Home': if (!rec.active) { pb.playing = false; seek(0); } break;
    case 'End': if (!rec.active) { if (isLive()) goLive(); else { pb.playing = false; seek(duration()); } } break;
    default: return;
    }
    ev.preventDefault();
  });

  /* ---------------------------------------------------------------- WebM recording */

  const rec = {
    active: false,
    recorder: null,
    stream: null,
    chunks: [],
    cancelled: false,
    ending: false,
    w: 0,
    h: 0,
    url: '',
    name: '',
  };

  /* The first WebM flavour this browser's MediaRecorder can write, or '' (asked once). */
  let webmTypeCache = null;
  function webmType() {
    if (webmTypeCache !== null) return webmTypeCache;
    webmTypeCache = '';
    if (typeof MediaRecorder !== 'function' || typeof MediaRecorder.isTypeSupported !== 'function') return '';
    for (const t of ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm']) {
      if (MediaRecorder.isTypeSupported(t)) {
        webmTypeCache = t;
        break;
      }
    }
    return webmTypeCache;
  }

  /* Why recording is not possible right now ('' when it is). */
  function recordBlocker(have, live, animated) {
    if (!have) return 'Open a result file or finish a run to record it';
    if (live) return 'Recording is available once the run has finished';
    if (!animated) return 'This view is not animated: pick an animated view to record';
    if (typeof canvas.captureStream !== 'function') return 'This browser cannot capture a canvas (captureStream)';
    if (!webmType()) return 'This browser cannot record WebM video (MediaRecorder)';
    return '';
  }

  function fileSafe(s) {
    return String(s || '').replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'run';
  }

  function fmtBytes(n) {
    if (n < 1024) return n + ' B';
    if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KiB';
    return (n / 1024 / 1024).toFixed(1) + ' MiB';
  }

  function setRecState(text, kind) {
    const el = $('rec-state');
    el.textContent = text;
    el.dataset.kind = kind || '';
    el.hidden = !text;
    pb.shown['rec-state.text'] = text;
  }

  function clearDownload() {
    const a = $('download');
    if (rec.url) URL.revokeObjectURL(rec.url);
    rec.url = '';
    a.hidden = true;
    a.removeAttribute('href');
    delete a.dataset.size;
    delete a.dataset.type;
  }

  /* Plays the current view from its start to its end at the chosen speed while the canvas'
   * stream is recorded; the frames are the ones wasm draws for the page anyway. */
  function startRecording() {
    if (rec.active) return;
    const have = !!state.viewer && state.source !== 'none' && duration() > 0;
    const why = recordBlocker(have, isLive(), isAnimated());
    if (why) {
      showBanner('error', 'cannot record: ' + why);
      return;
    }
    const type = webmType();
    let stream, recorder;
    try {
      stream = canvas.captureStream(); /* a frame whenever the canvas changes */
      recorder = new MediaRecorder(stream, { mimeType: type, videoBitsPerSecond: 8000000 });
    } catch (e) {
      if (stream) for (const tr of stream.getTracks()) tr.stop();
      showBanner('error', 'cannot record: ' + (e && e.message ? e.message : e));
      return;
    }
    clearDownload();
    const st = state.viewer.status();
    Object.assign(rec, {
      active: true, recorder, stream, chunks: [], cancelled: false, ending: false,
      w: state.device.w, h: state.device.h,
      name: fileSafe(st.suite) + '-' + fileSafe(st.run_id) + '-' + fileSafe(state.view) + '.webm',
    });
    recorder.ondataavailable = (ev) => { if (ev.data && ev.data.size) rec.chunks.push(ev.data); };
    recorder.onstop = onRecordingStopped;
    recorder.onerror = (ev) => {
      showBanner('error', 'recording failed: ' + (ev.error && ev.error.message ? ev.error.message : 'MediaRecorder error'));
      cancelRecording();
    };
    for (const b of document.querySelectorAll('#tabs .tab')) b.disabled = true;
    document.body.dataset.recording = '1';
    setRecState('● REC', 'recording');
    recorder.start(1000);
    /* from the start: the cursor at 0, a forced first frame, then plain playback */
    pb.follow = false;
    pb.t = 0;
    pb.playing = true;
    pb.lastTs = performance.now();
    state.drawn.version = -1;
    requestDraw();
  }

  /* The last frame is on the canvas: give the stream a moment to take it, then stop. */
  function finishRecordingSoon() {
    if (!rec.active || rec.ending) return;
    rec.ending = true;
    setTimeout(() => {
      if (rec.recorder && rec.recorder.state !== 'inactive') rec.recorder.stop();
    }, 250);
  }

  /* Stops without offering a file (a new run or file replaced what was being recorded). */
  function cancelRecording() {
    if (!rec.active) return;
    rec.cancelled = true;
    if (rec.recorder && rec.recorder.state !== 'inactive') rec.recorder.stop();
    else onRecordingStopped();
  }

  function onRecordingStopped() {
    if (!rec.active) return;
    if (rec.stream) for (const tr of rec.stream.getTracks()) tr.stop();
    const chunks = rec.chunks;
    const cancelled = rec.cancelled;
    Object.assign(rec, { active: false, recorder: null, stream: null, chunks: [], ending: false });
    delete document.body.dataset.recording;
    for (const b of document.querySelectorAll('#tabs .tab')) b.disabled = false;
    pb.playing = false;
    state.drawn.version = -1; /* back to the page's own size */
    requestDraw();
    if (cancelled) {
      setRecState('recording cancelled', 'cancelled');
      return;
    }
    const blob = new Blob(chunks, { type: 'video/webm' });
    if (!blob.size) {
      setRecState('', '');
      showBanner('error', 'the recording came out empty (the browser captured no frames)');
      return;
    }
    rec.url = URL.createObjectURL(blob);
    const a = $('download');
    a.href = rec.url;
    a.download = rec.name;
    a.textContent = 'Download WebM (' + fmtBytes(blob.size) + ')';
    a.title = rec.name;
    a.dataset.size = String(blob.size);
    a.dataset.type = blob.type;
    a.hidden = false;
    setRecState('', '');
  }

  $('record').addEventListener('click', () => {
    if (!rec.active) startRecording();
    else finishRecordingSoon(); /* stop early: keep what was recorded */
  });

  /* ---------------------------------------------------------------- result files */

  /* What www/mf4.js needs from the page while it shows a .mf4 file. */
  function mf4Hooks() {
    return {
      canvas, showBanner, hideBanner,
      sizeOf: () => ({ w: state.device.w, hgt: state.device.h, dpr: window.devicePixelRatio || 1 }),
      onClose: () => { state.drawn.version = -1; requestDraw(); },
    };
  }

  async function openFile(file) {
    if (!file) return;
    if (!state.viewer) {
      showBanner('error', 'the viewer (perfcast.wasm) is not loaded, cannot open ' + file.name);
      return;
    }
    if (file.size > MAX_FILE_BYTES) {
      showBanner('error', file.name + ': ' + file.size + ' bytes is larger than this page opens (1 GiB)');
      return;
    }
    let bytes;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (e) {
      showBanner('error', file.name + ': could not read the file (' + e.message + ')');
      return;
    }
    cancelRecording();
    resetPlayback();
    /* an MDF 4 measurement file (magic "MDF     "): www/mf4.js shows its channels */
    if (window.PerfcastMf4 && window.PerfcastMf4.isMdf(bytes)) {
      window.PerfcastMf4.open(state.viewer.m, bytes, file.name, mf4Hooks());
      return;
    }
    if (window.PerfcastMf4 && window.PerfcastMf4.active()) window.PerfcastMf4.close();
    let r;
    try {
      r = state.viewer.loadFile(bytes, file.name);
    } catch (e) { /* e.g. wasm memory exhausted */
      r = { ok: false, error: file.name + ': ' + e.message };
    }
    /* a failed load leaves an empty model: show "no run" rather than a file that isn't there */
    state.source = r.ok ? 'file' : 'none';
    state.fileName = r.ok ? file.name : '';
    state.running = false;
    state.finishedStatus = '';
    state.summaryShown = false;
    if (!r.ok) showBanner('error', r.error);
    else if (r.warning) showBanner('warning', r.warning);
    else hideBanner();
    showSummary(r.ok ? state.viewer.summary() : null);
    updateControls();
    updateRunPanel();
    refreshViews();
    requestDraw();
  }

  $('file-input').addEventListener('change', (ev) => {
    const f = ev.target.files && ev.target.files[0];
    openFile(f);
    ev.target.value = ''; /* picking the same file again still fires change */
  });

  let dragDepth = 0;
  const hasFiles = (ev) => ev.dataTransfer && Array.from(ev.dataTransfer.types || []).includes('Files');
  document.addEventListener('dragenter', (ev) => {
    if (!hasFiles(ev)) return;
    ev.preventDefault();
    dragDepth++;
    $('drop').hidden = false;
  });
  document.addEventListener('dragover', (ev) => {
    if (!hasFiles(ev)) return;
    ev.preventDefault();
    ev.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('dragleave', () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) $('drop').hidden = true;
  });
  document.addEventListener('drop', (ev) => {
    ev.preventDefault();
    dragDepth = 0;
    $('drop').hidden = true;
    const f = ev.dataTransfer && ev.dataTransfer.files && ev.dataTransfer.files[0];
    openFile(f);
  });

  $('banner-close').addEventListener('click', () => hideBanner());

  /* ---------------------------------------------------------------- start */

  async function init() {
    setRunStatus('idle');
    observeSize();
    /* Connect only once the model exists, so no binary message arrives with nowhere to go. */
    try {
      state.viewer = await window.PerfcastViewer.create();
      document.body.dataset.viewer = 'ready';
    } catch (e) {
      showBanner('error', 'could not load the viewer (perfcast.js / perfcast.wasm): ' + (e && e.message ? e.message : e));
    }
    connect();
    if (!state.viewer) return;
    refreshViews();
    updateRunPanel();
    requestDraw();
  }

  init();
})();
