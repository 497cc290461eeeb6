#!/usr/bin/python3
"""End-to-end tests of the agent's REST API and Prometheus endpoint with a real HTTP client.

Each test is a named function run in its own process by ctest:

    test_rest.py --perfcast build/bin/perfcast --test endpoints

Every test starts its own agent on a free loopback port (port 0) with a temporary record
directory, drives runs over the WebSocket (python3-websockets), reads the API with
http.client and kills what it started. The Prometheus text is parsed with Debian's
python3-prometheus-client (text_string_to_metric_families) plus our own checks.
"""
import argparse
import asyncio
import http.client
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import zlib
from datetime import datetime, timezone

import websockets
from prometheus_client.parser import text_string_to_metric_families

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_agent as ta  # noqa: E402  (the agent process wrapper, shared with the other e2e tests)
from test_agent import TestFailure, check  # noqa: E402

PERFCAST = None
STEP_TIMEOUT = 60.0
SUITE = "backtest"  # quick run in well under a second; emits metric and hist records


def Agent(args, tmp, replay=None):
    """An agent (or a replay of `replay`, as fast as possible) on a free loopback port, with no
    token from the environment: test_agent.Proc, whose .port, .stop() and .p the tests use."""
    cmd = (["replay", replay, "--speed", "0", "--listen", "127.0.0.1:0"] if replay else
           ["agent", "--listen", "127.0.0.1:0", "--record-dir", os.path.join(tmp, "runs")])
    return ta.Proc(cmd + args, env={"PERFCAST_TOKEN": ""})


def get(port, path, headers=None, method="GET", body=None, conn=None):
    """One request; returns (status, headers dict (lower-case names), body bytes)."""
    c = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=STEP_TIMEOUT)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    if conn is None:
        c.close()
    return r.status, hdrs, data


def get_json(port, path, status=200, headers=None, method="GET"):
    st, h, data = get(port, path, headers, method)
    check(st == status, f"{method} {path}: status {st}, expected {status}: {data[:300]!r}")
    check(h.get("content-type") == "application/json", f"{path}: content-type {h.get('content-type')}")
    check(int(h.get("content-length", -1)) == len(data), f"{path}: content-length mismatch")
    check(h.get("x-content-type-options") == "nosniff", f"{path}: security headers missing")
    obj = json.loads(data)
    if status >= 400:
        check(isinstance(obj.get("error"), str) and obj.get("status") == status, f"{path}: error shape {obj}")
    return obj, h


def run_suite(port, suite=SUITE, token=None):
    """Starts a quick run over the WebSocket and waits for run_finished; returns it."""
    async def go():
        url = f"ws://127.0.0.1:{port}/" + (f"?token={token}" if token else "")
        async with websockets.connect(url, subprotocols=["perfcast.v1"], max_size=None) as ws:
            started, previous = False, None
            while True:
                m = await asyncio.wait_for(ws.recv(), STEP_TIMEOUT)
                if isinstance(m, bytes):
                    continue
                o = json.loads(m)
                if o["type"] == "hello" and not started:
                    previous = (o.get("run") or {}).get("run_id")  # streamed first: not ours
                    await ws.send(json.dumps({"type": "start", "suite": suite, "params": {"quick": True}}))
                    started = True
                elif o["type"] == "error":
                    raise TestFailure(f"start refused: {o}")
                elif o["type"] == "run_finished" and started and o.get("run_id") != previous:
                    return o
    return asyncio.run(go())


def file_metrics(path):
    """The metric records (kind 9) of a result file: [(t, {name: value})]."""
    with open(path, "rb") as f:
        data = f.read()
    out, off = [], 16
    while off < len(data):
        ln, kind, _ = struct.unpack_from("<IHH", data, off)
        (crc,) = struct.unpack_from("<I", data, off + 8 + ln)
        check(zlib.crc32(data[off:off + 8 + ln]) == crc, f"{path}: bad CRC at {off}")
        if kind == 9:
            o = json.loads(data[off + 8:off + 8 + ln])
            out.append((o["t"], o["values"]))
        off += 12 + ln
    return out


def write_result_file(path, suite, metrics, extra=()):
    """A minimal valid result file: header, metric records, (kind, obj) extras, end (docs/FORMAT.md)."""
    def rec(kind, obj):
        payload = json.dumps(obj).encode()
        head = struct.pack("<IHH", len(payload), kind, 0)
        return head + payload + struct.pack("<I", zlib.crc32(head + payload))
    body = rec(1, {"format": "perfcast", "suite": suite, "run_id": "baseline-run", "started": "2024-01-01T00:00:00Z",
                   "started_unix": 1704067200, "params": {}, "series": [], "views": []})
    for i, values in enumerate(metrics):
        body += rec(9, {"t": float(i), "values": values})
    for kind, obj in extra:
        body += rec(kind, obj)
    body += rec(6, {"status": "ok"})
    with open(path, "wb") as f:
        f.write(b"PERFCAST" + struct.pack("<HHI", 1, 0, 0) + body)


def parse_iso(s):
    check(s.endswith("Z"), f"timestamp {s} not UTC")
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc).timestamp()


def same(a, b):
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= 1e-9 * max(1, abs(b)))


# ---------------------------------------------------------------- tests ----------------

def test_endpoints(tmp):
    """Shapes, errors and a run's metrics and history, all against the run's result file."""
    a = Agent([], tmp)
    try:
        p = a.port
        m, _ = get_json(p, "/api/performance/metrics")
        check(m["metrics"] == {} and m["state"] == "none" and m["run_id"] is None, f"no run yet: {m}")
        parse_iso(m["timestamp"])
        get_json(p, "/api/performance/history/rep_mean_ns", 404)
        get_json(p, "/api/nothing", 404)
        get_json(p, "/api/performance/metrics/extra", 404)
        get_json(p, "/api/performance/history/", 404)
        for meth in ("POST", "DELETE", "PUT"):
            obj, h = get_json(p, "/api/performance/metrics", 405, method=meth)
            check(h.get("allow") == "GET, HEAD", f"{meth}: Allow {h.get('allow')}")
        st, h, data = get(p, "/api/performance/metrics", method="HEAD")
        check(st == 200 and data == b"" and int(h["content-length"]) > 0, f"HEAD: {st} {h} {data!r}")

        fin = run_suite(p)
        check(fin["status"] == "ok", f"run ended {fin}")
        samples = file_metrics(fin["file"])
        check(samples, "the suite wrote no metric records")
        latest, count = {}, {}
        for t, vals in samples:
            for k, v in vals.items():
                latest[k] = v
                count[k] = count.get(k, 0) + 1
        m, _ = get_json(p, "/api/performance/metrics")
        check(m["run_id"] == fin["run_id"] and m["suite"] == SUITE and m["state"] == "finished"
              and m["status"] == "ok", f"run fields: {m}")
        check(set(m["metrics"]) == set(latest), f"metric names {sorted(m['metrics'])} vs file {sorted(latest)}")
        for k, v in latest.items():
            check(same(m["metrics"][k], v), f"{k}: {m['metrics'][k]} vs file {v}")
        started = parse_iso(m["timestamp"])

        # keep-alive: several requests on one connection
        c = http.client.HTTPConnection("127.0.0.1", p, timeout=STEP_TIMEOUT)
        for _ in range(5):
            st, _, data = get(p, "/api/performance/metrics", conn=c)
            check(st == 200 and json.loads(data) == m, "keep-alive answer differs")
        c.close()

        name = max(count, key=lambda k: count[k])  # the series with most samples
        series = [(t, vals[name]) for t, vals in samples if name in vals]
        h, _ = get_json(p, f"/api/performance/history/{name}")
        check(h["metric"] == name and h["total"] == len(series) and len(h["history"]) == len(series),
              f"history {name}: {len(h['history'])} of {h['total']}, file has {len(series)}")
        for e, (t, v) in zip(h["history"], series):
            check(same(e["t"], t) and same(e["value"], v), f"history entry {e} vs file ({t}, {v})")
            parse_iso(e["timestamp"])
        ts = [parse_iso(e["timestamp"]) for e in h["history"]]
        check(ts == sorted(ts) and ts[-1] <= started + 0.002, "history timestamps out of order")
        h1, _ = get_json(p, f"/api/performance/history/{name}?limit=1")
        check(h1["history"] == h["history"][-1:], f"limit=1 gave {h1['history']}")
        if len(series) >= 2:
            cut = series[0][0]
            hs, _ = get_json(p, f"/api/performance/history/{name}?since={cut!r}")
            check(hs["history"] == [e for e in h["history"] if e["t"] > cut],
                  f"since={cut}: {hs['history']}; full history {h['history'][:4]}")
            iso = h["history"][0]["timestamp"]
            hi, _ = get_json(p, f"/api/performance/history/{name}?since={iso}&limit=100")
            check(all(parse_iso(e["timestamp"]) >= parse_iso(iso) for e in hi["history"])
                  and len(hi["history"]) >= 1, f"since={iso}: {hi['history']}")
        hz, _ = get_json(p, f"/api/performance/history/{name}?since=1e9")
        check(hz["history"] == [], "since past the end returned entries")
        for bad in ("limit=0", "limit=x", "limit=100001", "since=yesterday", "since=2024-13-01T00:00:00Z"):
            get_json(p, f"/api/performance/history/{name}?{bad}", 400)
        get_json(p, "/api/performance/history/no_such_metric", 404)

        # regressions: no baseline after the first run; the previous run after the second
        r, _ = get_json(p, "/api/performance/regressions")
        check(r["baseline"] is None and r["regressions"] == [] and r["threshold"] == 0.2, f"first run: {r}")
        get_json(p, "/api/performance/regressions?threshold=-1", 400)
        fin2 = run_suite(p)
        r, _ = get_json(p, "/api/performance/regressions?threshold=0.2")
        check(r["run_id"] == fin2["run_id"], f"regressions not about the latest run: {r} vs {fin2['run_id']}")
        check(r["baseline"] and r["baseline"]["source"] == "previous_run"
              and r["baseline"]["run_id"] == fin["run_id"], f"baseline: {r['baseline']}")
        check(r["compared"], f"nothing compared: {r}")
        for c_ in r["compared"]:
            check(c_["direction"] in ("lower_is_better", "higher_is_better"), f"direction {c_}")
            check(same(c_["baseline"], latest[c_["metric"]]), f"baseline value {c_} vs first run {latest[c_['metric']]}")
            worse = c_["change"] > 0.2 if c_["direction"] == "lower_is_better" else c_["change"] < -0.2
            check(c_["regression"] == worse, f"regression flag {c_}")
        check([x["metric"] for x in r["regressions"]] == [x["metric"] for x in r["compared"] if x["regression"]],
              "regressions is not the flagged subset of compared")
        check(not any(x["metric"] == "rep_ticks" for x in r["compared"]), "a metric without direction was judged")
        r0, _ = get_json(p, "/api/performance/regressions?threshold=0")
        check(len(r0["regressions"]) >= len(r["regressions"]), "threshold 0 found fewer regressions")
        check(a.stop() == 0, f"agent exit status {a.p.returncode}")
    finally:
        a.stop()


def test_baseline_file(tmp):
    """--baseline FILE: regressions against a file, per-metric direction."""
    base = os.path.join(tmp, "base.pcast")
    # frame/field times 1000x smaller than any real run (a regression for lower-is-better),
    # a rate far above (a regression for higher-is-better), a count (never judged)
    write_result_file(base, SUITE, [{"rep_mean_ns": 1e-3, "rep_ticks_per_s": 1e15, "rep_ticks": 1.0},
                                    {"rep_mean_ns": 1e-3}])
    a = Agent(["--baseline", base], tmp)
    try:
        r, _ = get_json(a.port, "/api/performance/regressions")
        check(r["baseline"]["source"] == "file" and r["baseline"]["run_id"] == "baseline-run", f"{r}")
        run_suite(a.port)
        r, _ = get_json(a.port, "/api/performance/regressions?threshold=0.5")
        got = {x["metric"]: x for x in r["regressions"]}
        check(set(got) == {"rep_mean_ns", "rep_ticks_per_s"}, f"regressions {sorted(got)}")
        check(got["rep_mean_ns"]["direction"] == "lower_is_better" and got["rep_mean_ns"]["change"] > 0.5, f"{got}")
        check(got["rep_ticks_per_s"]["direction"] == "higher_is_better" and got["rep_ticks_per_s"]["change"] < -0.5,
              f"{got}")
        check(got["rep_mean_ns"]["baseline"] == 1e-3, "baseline is not the file's last value")
    finally:
        a.stop()
    bad = os.path.join(tmp, "bad.pcast")
    with open(bad, "wb") as f:
        f.write(b"not a result file")
    p = subprocess.run([PERFCAST, "agent", "--listen", "127.0.0.1:0", "--baseline", bad,
                        "--record-dir", os.path.join(tmp, "runs")], capture_output=True, text=True, timeout=60)
    check(p.returncode != 0 and "bad.pcast" in p.stderr, f"bad baseline accepted: {p.returncode} {p.stderr}")


def test_token(tmp):
    """With a token: ?token= or Bearer, else 401; cross-site Origin 403. Without: loopback Host only."""
    a = Agent(["--token", "s3cret"], tmp)
    try:
        p = a.port
        for path in ("/api/performance/metrics", "/metrics", "/api/nothing"):
            obj, h = get_json(p, path, 401)
            check("bearer" in h.get("www-authenticate", "").lower(), f"{path}: no WWW-Authenticate")
        get_json(p, "/api/performance/metrics?token=wrong", 401)
        get_json(p, "/api/performance/metrics", 401, headers={"Authorization": "Bearer wrong"})
        get_json(p, "/api/performance/metrics?token=s3cret")
        get_json(p, "/api/performance/metrics", headers={"Authorization": "Bearer s3cret"})
        get_json(p, "/api/nothing?token=s3cret", 404)
        get_json(p, "/api/performance/metrics?token=s3cret", 403, headers={"Origin": "http://evil.example"})
        st, h, data = get(p, "/metrics", headers={"Authorization": "Bearer s3cret"})
        check(st == 200 and h["content-type"].startswith("text/plain"), f"/metrics with token: {st}")
        # a token-protected agent accepts any Host (it may listen on a LAN address)
        get_json(p, "/api/performance/metrics?token=s3cret", headers={"Host": "lab.example:7681"})
    finally:
        a.stop()
    a = Agent([], tmp)
    try:
        get_json(a.port, "/api/performance/metrics", 403, headers={"Host": "rebind.example"})
        get_json(a.port, "/metrics", 403, headers={"Host": "rebind.example"})
        get_json(a.port, "/api/performance/metrics", headers={"Host": f"localhost:{a.port}"})
    finally:
        a.stop()


def test_prometheus(tmp):
    """The text parses strictly; counters count; histograms are cumulative and end at +Inf == count."""
    a = Agent([], tmp)
    try:
        p = a.port

        def scrape():
            st, h, data = get(p, "/metrics")
            check(st == 200, f"/metrics: {st}")
            check(h["content-type"] == "text/plain; version=0.0.4; charset=utf-8", f"type {h['content-type']}")
            text = data.decode("utf-8")
            check(text.endswith("\n"), "exposition does not end with a newline")
            fams = {f.name: f for f in text_string_to_metric_families(text)}
            return text, fams

        _, fams = scrape()
        check(fams["perfcast_runs_started"].type == "counter", f"families {list(fams)}")
        check(fams["perfcast_runs_started"].samples[0].value == 0, "runs before any run")
        fin = run_suite(p)
        text, fams = scrape()
        check(fams["perfcast_runs_started"].samples[0].value == 1, "runs_started after one run")
        size = os.path.getsize(fin["file"]) - 16
        check(fams["perfcast_record_bytes"].samples[0].value == size,
              f"record bytes {fams['perfcast_record_bytes'].samples[0].value} vs file body {size}")
        check(fams["perfcast_records"].samples[0].value > 0, "no records counted")
        g = fams["perfcast_metric"]
        check(g.type == "gauge", "perfcast_metric is not a gauge")
        m, _ = get_json(p, "/api/performance/metrics")
        got = {s.labels["metric"]: s.value for s in g.samples}
        check(set(got) == set(m["metrics"]), f"gauges {sorted(got)} vs metrics {sorted(m['metrics'])}")
        for k, v in got.items():
            check((v != v and m["metrics"][k] is None) or same(v, m["metrics"][k]), f"gauge {k}={v}")
        check(fams["perfcast_run_running"].samples[0].value == 0, "run still running after run_finished")
        hist = fams.get("perfcast_latency_seconds")
        check(hist is not None and hist.type == "histogram", f"no latency histogram: {list(fams)}")
        by_series = {}
        for s in hist.samples:
            by_series.setdefault(s.labels["series"], []).append(s)
        check(by_series, "histogram has no series")
        spread = []
        for name, ss in by_series.items():
            buckets = [(float(s.labels["le"]), s.value) for s in ss if s.name.endswith("_bucket")]
            count = [s.value for s in ss if s.name.endswith("_count")]
            total = [s.value for s in ss if s.name.endswith("_sum")]
            check(len(count) == 1 and len(total) == 1, f"{name}: count/sum missing")
            les = [b[0] for b in buckets]
            check(les == sorted(les) and les[-1] == math.inf, f"{name}: le bounds {les}")
            vals = [b[1] for b in buckets]
            check(all(x <= y for x, y in zip(vals, vals[1:])), f"{name}: buckets not cumulative {vals}")
            check(vals[-1] == count[0] and count[0] > 0, f"{name}: +Inf {vals[-1]} != count {count[0]}")
            check(total[0] > 0 and total[0] / count[0] < 10, f"{name}: implausible mean {total[0] / count[0]} s")
            spread.append(vals[0] < vals[-1])
        check(any(spread), "every series has all its samples under the first bound: no bucket folding tested")
        # the same text twice: cached, identical
        text2, _ = scrape()
        check(text2 == text, "unchanged model gave a different exposition")
    finally:
        a.stop()


def test_alerts(tmp):
    """A run's alert records: listed by /regressions in order, and a 0/1 gauge per metric in /metrics."""
    path = os.path.join(tmp, "alerts.pcast")
    base = {"t": 1.0, "threshold": 0.2, "values": {"render_ms": 10, "fps": 100},
            "lower_is_better": {"render_ms": True, "fps": False}}
    def alert(t, metric, cur, change, active):
        return (13, {"t": t, "metric": metric, "baseline": 10 if metric == "render_ms" else 100, "current": cur,
                     "change": change, "threshold": 0.2, "lower_is_better": metric == "render_ms", "active": active})
    write_result_file(path, "tracker", [{"render_ms": 10, "fps": 100}, {"render_ms": 14, "fps": 70},
                                        {"render_ms": 10.5, "fps": 60}],
                      [(14, base), alert(1.5, "render_ms", 14, 0.4, True), alert(1.6, "fps", 70, 0.3, True),
                       alert(2.0, "render_ms", 10.5, 0.05, False), alert(2.1, "fps", 60, 0.4, True)])
    a = Agent([], tmp, replay=path)
    try:
        async def watch():  # the replay starts when a viewer connects
            async with websockets.connect(f"ws://127.0.0.1:{a.port}/", subprotocols=["perfcast.v1"]) as ws:
                while True:
                    m = await asyncio.wait_for(ws.recv(), STEP_TIMEOUT)
                    if isinstance(m, str) and json.loads(m)["type"] == "run_finished":
                        return
        asyncio.run(watch())
        r, _ = get_json(a.port, "/api/performance/regressions")
        got = [(x["metric"], x["active"], x["t"], x["current"]) for x in r["alerts"]]
        check(got == [("render_ms", True, 1.5, 14), ("fps", True, 1.6, 70), ("render_ms", False, 2.0, 10.5),
                      ("fps", True, 2.1, 60)], f"alerts {got}")
        check(all(x["threshold"] == 0.2 for x in r["alerts"]), "alert thresholds")
        st, _, data = get(a.port, "/metrics")
        fams = {f.name: f for f in text_string_to_metric_families(data.decode())}
        g = fams.get("perfcast_alert_active")
        check(g is not None and g.type == "gauge", f"no alert gauge: {list(fams)}")
        check({s.labels["metric"]: s.value for s in g.samples} == {"render_ms": 0, "fps": 1},
              f"alert gauges {[(s.labels, s.value) for s in g.samples]}")
    finally:
        a.stop()


TESTS = {n[5:]: f for n, f in globals().items() if n.startswith("test_") and callable(f)}


def main():
    global PERFCAST
    ap = argparse.ArgumentParser()
    ap.add_argument("--perfcast", required=True)
    ap.add_argument("--test", required=True, choices=sorted(TESTS))
    args = ap.parse_args()
    PERFCAST = ta.PERFCAST = os.path.abspath(args.perfcast)
    tmp = tempfile.mkdtemp(prefix="pc_rest_")
    try:
        TESTS[args.test](tmp)
    except TestFailure as e:
        print(f"FAIL {args.test}: {e}", file=sys.stderr)
        return 1
    except Exception:
        traceback.print_exc()
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"ok {args.test}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
