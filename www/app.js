/* app.js — the page: connection, controls and blitting. Thin on purpose.
 *
 * Every chart pixel comes from wasm (viewer.js -> perfcast.wasm -> shared/ views); this file
 * only moves bytes: WebSocket binary messages into the model, frames from wasm memory onto
 * the canvas. It works with no agent at all (plain static files + a result file opened from
 * disk), so nothing here may assume the WebSocket is up.
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
    autostartDone: false,
    source: 'none', /* 'live' (records from the agent), 'file' (opened from disk) or 'none' */
    fileName: '',
    runId: null,
    running: false,
    fedSinceReset: false,
    finishedStatus: '',
    summaryShown: false,
    view: '',
    viewsKey: '',
    modelKey: '',
    frameRequested: false,
    drawn: { version: -1, w: 0, h: 0, view: '', scale: 0 },
    css: { w: 0, h: 0 },
    device: { w: 0, h: 0 },
  };

  const canvas = $('view');
  const ctx = canvas.getContext('2d', { alpha: false });

  /* ---------------------------------------------------------------- banner & status */

  function showBanner(kind, text) {
    const b = $('banner');
    b.dataset.kind = kind;
    $('banner-text').textContent = text;
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
    case 'error': showBanner('error', 'agent: ' + (msg.message || 'unknown error')); break;
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
    send({ type: 'start', suite: suite.name, params: {} });
  }

  function beginLive(runId, running) {
    state.source = 'live';
    state.fileName = '';
    state.runId = runId;
    state.running = running;
    state.fedSinceReset = false;
    state.finishedStatus = '';
    if (state.viewer) state.viewer.reset();
    showSummary(null);
    requestDraw();
  }

  function onRunStarted(msg) {
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
    const r = state.viewer.feed(data);
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
    if (send({ type: 'start', suite: s.name, params })) hideBanner('error');
  }

  function updateControls() {
    const canStart = state.connected && !state.running && state.mode === 'live';
    for (const b of document.querySelectorAll('.suite .start')) b.disabled = !canStart;
    $('stop').disabled = !(state.connected && state.running && state.runId && state.source === 'live');
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
    const key = views.map((v) => v.name).join(',');
    if (key === state.viewsKey) return;
    state.viewsKey = key;
    if (!views.some((v) => v.name === state.view)) state.view = views.length ? views[0].name : '';
    const nav = $('tabs');
    nav.textContent = '';
    for (const v of views) {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'tab';
      b.setAttribute('role', 'tab');
      b.dataset.view = v.name;
      b.textContent = v.title || v.name;
      b.title = v.name;
      b.addEventListener('click', () => selectView(v.name));
      nav.appendChild(b);
    }
    markTabs();
    requestDraw();
  }

  function selectView(name) {
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
   * messages in one frame cost one render. */
  function frame() {
    state.frameRequested = false;
    const v = state.viewer;
    if (!v) return;
    const version = v.modelVersion();
    if (version !== state.drawn.version) updateRunPanel();
    const dpr = window.devicePixelRatio || 1;
    const w = state.device.w, h = state.device.h;
    if (!state.view || w < 1 || h < 1) return;
    const d = state.drawn;
    if (version === d.version && w === d.w && h === d.h && state.view === d.view && dpr === d.scale) return;
    state.drawn = { version, w, h, view: state.view, scale: dpr };
    const px = v.render(state.view, w, h, dpr, -1);
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
  }

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

  /* ---------------------------------------------------------------- result files */

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
    const r = state.viewer.loadFile(bytes, file.name);
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
