#!/usr/bin/python3
"""End-to-end tests of `perfcast agent` and `perfcast replay` over real WebSockets.

Each test is a named function run in its own process by ctest:

    test_agent.py --perfcast build/bin/perfcast --test live_run

Every test starts its own agent on a free loopback port with a temporary record directory,
has an overall timeout, and kills what it started. Needs Debian's python3-websockets (10.x).
"""
import argparse
import asyncio
import http.client
import json
import os
import queue
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import zlib
from collections import deque

import websockets

PROTOCOL = "perfcast.v1"
FILE_HEADER = 16
KIND = {1: "header", 2: "hist", 3: "window", 4: "progress", 5: "summary", 6: "end", 7: "event"}
SUMMARY_KEYS = ["spsc_msgs_per_s", "mutex_msgs_per_s", "spsc_vs_mutex_throughput", "spsc_p50_ns",
                "spsc_p99_ns", "spsc_p999_ns", "mutex_p50_ns", "mutex_p99_ns"]
STEP_TIMEOUT = 60.0  # seconds for any single wait (runs are quick, ASan builds are slow)

PERFCAST = None


class TestFailure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise TestFailure(what)


# ---------------------------------------------------------------- record framing ------

def parse_records(buf, where="message"):
    """Splits whole records, checking every CRC; a partial record is a failure."""
    out, off = [], 0
    while off < len(buf):
        check(len(buf) - off >= 12, f"{where}: partial record head at byte {off}")
        ln, kind, enc = struct.unpack_from("<IHH", buf, off)
        check(len(buf) - off >= 12 + ln, f"{where}: record at byte {off} runs past the end")
        (crc,) = struct.unpack_from("<I", buf, off + 8 + ln)
        check(zlib.crc32(buf[off:off + 8 + ln]) == crc, f"{where}: bad CRC at byte {off}")
        out.append((kind, enc, bytes(buf[off + 8:off + 8 + ln])))
        off += 12 + ln
    return out


def file_records(path):
    """The records of a result file and the bytes after its header."""
    with open(path, "rb") as f:
        data = f.read()
    check(data[:8] == b"PERFCAST", f"{path}: no PERFCAST magic")
    return parse_records(data[FILE_HEADER:], path), data[FILE_HEADER:]


def json_of(rec):
    return json.loads(rec[2].decode("utf-8"))


# ---------------------------------------------------------------- processes -----------

def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Proc:
    """A perfcast agent/replay process; its stdout lines are read on a thread."""

    def __init__(self, args, env=None, wait_url=True):
        self.args = [PERFCAST] + args
        e = dict(os.environ)
        e.update(env or {})
        self.p = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e,
                                  text=True)
        self.lines = queue.Queue()
        self.out, self.err = [], []
        threading.Thread(target=self._pump, args=(self.p.stdout, self.out, True), daemon=True).start()
        threading.Thread(target=self._pump, args=(self.p.stderr, self.err, False), daemon=True).start()
        self.url = None
        if wait_url:
            self.url = self._wait_url()

    def _pump(self, stream, store, to_queue):
        for line in stream:
            store.append(line)
            if to_queue:
                self.lines.put(line)
        if to_queue:
            self.lines.put(None)

    def _wait_url(self):
        deadline = time.time() + STEP_TIMEOUT
        while time.time() < deadline:
            try:
                line = self.lines.get(timeout=0.5)
            except queue.Empty:
                continue
            if line is None:
                break
            for word in line.split():
                if word.startswith("http://"):
                    return word
        self.kill()
        raise TestFailure(f"{' '.join(self.args)} did not print its URL; stderr: {''.join(self.err)}")

    @property
    def port(self):
        return int(self.url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[1])

    def ws_url(self, token=None):
        base = f"ws://127.0.0.1:{self.port}/"
        return base + (f"?token={token}" if token else "")

    def stop(self, sig=signal.SIGTERM, timeout=STEP_TIMEOUT):
        """Sends sig (None: none) and waits; returns the exit status (killing it if it hangs)."""
        if self.p.poll() is None:
            if sig is not None:
                self.p.send_signal(sig)
            try:
                self.p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
                raise TestFailure(f"{' '.join(self.args)} did not exit within {timeout}s of {sig!r}")
        return self.p.returncode

    def kill(self):
        if self.p.poll() is None:
            self.p.kill()
            self.p.wait()


def run_cli(args, timeout=STEP_TIMEOUT, env=None):
    e = dict(os.environ)
    e.update(env or {})
    return subprocess.run([PERFCAST] + args, capture_output=True, text=True, timeout=timeout, env=e)


# ---------------------------------------------------------------- WebSocket client ----

class Client:
    def __init__(self, ws):
        self.ws = ws
        self.backlog = deque()  # messages until() passed over, delivered again in order

    @classmethod
    async def connect(cls, url, headers=None, origin=None):
        ws = await websockets.connect(url, subprotocols=[PROTOCOL], extra_headers=headers or {},
                                      origin=origin, max_size=None, compression=None,
                                      open_timeout=STEP_TIMEOUT)
        c = cls(ws)
        c.hello = await c.expect("hello")
        return c

    async def send(self, obj):
        await self.ws.send(obj if isinstance(obj, (str, bytes)) else json.dumps(obj))

    async def recv(self):
        if self.backlog:
            return self.backlog.popleft()
        m = await asyncio.wait_for(self.ws.recv(), STEP_TIMEOUT)
        return m if isinstance(m, bytes) else json.loads(m)

    async def expect(self, mtype):
        """Next text message, which must have this type (binary messages are not expected)."""
        m = await self.recv()
        check(isinstance(m, dict), f"expected {mtype}, got a binary message")
        check(m.get("type") == mtype, f"expected {mtype}, got {m}")
        return m

    async def until(self, mtype):
        """The next message of this type; messages before it stay queued for recv()."""
        skipped = []
        while True:
            m = await self.recv()
            if isinstance(m, dict) and m.get("type") == mtype:
                self.backlog = deque(skipped + list(self.backlog))
                return m
            skipped.append(m)

    async def collect_run(self, started=None):
        """Reads run_started (unless given), every binary message, then run_finished.
        Checks the order and that each binary message is whole records."""
        if started is None:
            started = await self.until("run_started")
        stream = bytearray()
        while True:
            m = await self.recv()
            if isinstance(m, bytes):
                parse_records(m)  # every message holds whole records
                stream += m
                continue
            if m.get("type") == "run_finished":
                check(m["run_id"] == started["run_id"], "run_finished for another run")
                return started, bytes(stream), m
            check(m.get("type") in ("error", "suites"), f"unexpected message inside a run: {m}")

    async def close(self):
        await self.ws.close()


async def expect_error(c, payload, contains=None):
    await c.send(payload)
    m = await c.until("error")
    check(isinstance(m.get("message"), str) and m["message"], f"error without message: {m}")
    if contains:
        check(contains.lower() in m["message"].lower(), f"error {m['message']!r} does not mention {contains!r}")
    return m


async def expect_list(c):
    await c.send({"type": "list"})
    m = await c.until("suites")
    names = [s["name"] for s in m["suites"]]
    check("ringbuf" in names, f"ringbuf missing from suites: {names}")
    return m


def check_run_stream(stream, finished, where):
    recs = parse_records(stream, where)
    kinds = [KIND.get(r[0], r[0]) for r in recs]
    for k in ("header", "hist", "window", "summary", "end"):
        check(k in kinds, f"{where}: no {k} record in {sorted(set(map(str, kinds)))}")
    check(kinds[0] == "header", f"{where}: first record is {kinds[0]}")
    check(kinds[-1] == "end", f"{where}: last record is {kinds[-1]}")
    check(finished["status"] == "ok", f"{where}: run ended {finished['status']}: {finished.get('message')}")
    summary = finished.get("summary") or {}
    for k in SUMMARY_KEYS:
        check(isinstance(summary.get(k), (int, float)), f"{where}: summary lacks {k}: {summary}")
    return recs


# ---------------------------------------------------------------- tests ---------------

def test_cli():
    """--help and usage errors: exit codes and one-line messages, nothing listens."""
    for cmd in ("agent", "replay"):
        r = run_cli([cmd, "--help"])
        check(r.returncode == 0 and "usage: perfcast " + cmd in r.stdout, f"{cmd} --help: {r.returncode} {r.stdout}")
        r = run_cli([cmd, "--bogus"])
        check(r.returncode == 2, f"{cmd} --bogus exited {r.returncode}")
        check(len(r.stderr.strip().splitlines()) == 1 and "--bogus" in r.stderr, f"{cmd} --bogus said {r.stderr!r}")
    r = run_cli(["agent", "--listen", "nonsense:port"])
    check(r.returncode == 2, f"bad --listen exited {r.returncode}")
    port = free_port()
    r = run_cli(["agent", "--listen", f"0.0.0.0:{port}"], env={"PERFCAST_TOKEN": ""})
    check(r.returncode == 2, f"non-loopback without token exited {r.returncode}: {r.stdout} {r.stderr}")
    check(len(r.stderr.strip().splitlines()) == 1 and "token" in r.stderr, f"message was {r.stderr!r}")
    r = run_cli(["replay"])
    check(r.returncode == 2, f"replay without FILE exited {r.returncode}")
    with tempfile.TemporaryDirectory() as d:
        missing = os.path.join(d, "missing.pcast")
        r = run_cli(["replay", missing, "--listen", f"127.0.0.1:{port}"])
        check(r.returncode == 1 and missing in r.stderr, f"missing file: {r.returncode} {r.stderr!r}")
        bad = os.path.join(d, "bad.pcast")
        with open(bad, "wb") as f:
            f.write(b"NOTPERFCAST-----" + b"\0" * 40)
        r = run_cli(["replay", bad, "--listen", f"127.0.0.1:{port}"])
        check(r.returncode == 1 and bad in r.stderr and "byte" in r.stderr, f"bad file: {r.returncode} {r.stderr!r}")
        # a well-framed record with malformed JSON: an error naming the byte position
        rec = struct.pack("<IHH", 5, 1, 0) + b"{oops"
        rec += struct.pack("<I", zlib.crc32(rec))
        with open(bad, "wb") as f:
            f.write(b"PERFCAST" + struct.pack("<HHI", 1, 0, 0) + rec)
        r = run_cli(["replay", bad, "--listen", f"127.0.0.1:{port}"])
        check(r.returncode == 1 and "byte 16" in r.stderr, f"malformed record: {r.returncode} {r.stderr!r}")


async def test_live_run():
    """Two viewers, one run: both get the whole stream, equal to the file; late joiners too."""
    with tempfile.TemporaryDirectory() as rec_dir:
        agent = Proc(["agent", "--listen", f"127.0.0.1:{free_port()}", "--record-dir", rec_dir])
        try:
            check(agent.url.startswith("http://127.0.0.1:"), f"printed URL {agent.url}")
            check(rec_dir in "".join(agent.out), "record dir not printed")
            a = await Client.connect(agent.ws_url())
            h = a.hello
            check(h["protocol"] == PROTOCOL and h["mode"] == "live", f"hello: {h}")
            check(isinstance(h["version"], str) and h["format"]["major"] == 1, f"hello: {h}")
            check(isinstance(h.get("system"), dict) and "cpu" in h["system"], f"hello system: {h.get('system')}")
            check(h["run"] is None, f"fresh agent reports a run: {h['run']}")
            suites = await expect_list(a)
            rb = next(s for s in suites["suites"] if s["name"] == "ringbuf")
            check(rb["params"] and all("name" in p and "default" in p for p in rb["params"]), f"params: {rb}")

            b = await Client.connect(agent.ws_url())
            await a.send({"type": "start", "suite": "ringbuf", "params": {"quick": True}})
            # same connection, same event-loop turn: the first run is certainly still going
            await expect_error(a, {"type": "start", "suite": "ringbuf", "params": {"quick": True}}, "in progress")
            started_a = await a.until("run_started")
            check(started_a["suite"] == "ringbuf" and started_a["run_id"], f"run_started: {started_a}")
            check(isinstance(started_a["params"], dict) and started_a["params"], f"params: {started_a}")
            # a viewer that joins while the run goes (or just after) gets it from byte 0
            c = await Client.connect(agent.ws_url())
            check(c.hello["run"] and c.hello["run"]["run_id"] == started_a["run_id"], f"hello run: {c.hello}")

            _, stream_a, fin_a = await a.collect_run(started_a)
            _, stream_b, fin_b = await b.collect_run()
            _, stream_c, fin_c = await c.collect_run()
            recs = check_run_stream(stream_a, fin_a, "client A")
            check(stream_b == stream_a, "client B got a different stream")
            check(stream_c == stream_a, "late client C got a different stream")
            check(fin_b["summary"] == fin_a["summary"] and fin_c["summary"] == fin_a["summary"], "summaries differ")
            header = json_of(recs[0])
            check(header["run_id"] == started_a["run_id"] and header["suite"] == "ringbuf", f"header: {header}")

            path = fin_a.get("file") or started_a.get("file")
            check(path and os.path.isfile(path), f"result file {path} missing")
            check(os.path.dirname(os.path.abspath(path)) == os.path.abspath(rec_dir), f"{path} not in {rec_dir}")
            file_recs, file_bytes = file_records(path)
            check(file_bytes == stream_a, f"file ({len(file_bytes)} bytes) != stream ({len(stream_a)} bytes)")
            check(file_recs == recs, "file records differ")

            # a viewer that connects after the run gets the whole finished run
            d = await Client.connect(agent.ws_url())
            check(d.hello["run"]["state"] == "finished" and d.hello["run"]["status"] == "ok", f"{d.hello['run']}")
            _, stream_d, fin_d = await d.collect_run()
            check(stream_d == stream_a and fin_d["status"] == "ok", "late joiner after the end differs")

            # the next run reaches everyone, after the one they finished
            await d.send({"type": "start", "suite": "ringbuf", "params": {"quick": True}})
            s2, stream2, fin2 = await a.collect_run()
            check(s2["run_id"] != started_a["run_id"], "second run reused the id")
            check_run_stream(stream2, fin2, "second run")
            _, stream2d, _ = await d.collect_run()
            check(stream2d == stream2, "second run differs between clients")
            for cl in (a, b, c, d):
                await cl.close()
            check(agent.stop() == 0, "agent exit status after SIGTERM")
        finally:
            agent.kill()


async def test_bad_messages():
    """Every bad request gets an error and the connection keeps answering list."""
    with tempfile.TemporaryDirectory() as rec_dir:
        agent = Proc(["agent", "--listen", f"127.0.0.1:{free_port()}", "--record-dir", rec_dir])
        try:
            c = await Client.connect(agent.ws_url())
            suites = await expect_list(c)
            rb = next(s for s in suites["suites"] if s["name"] == "ringbuf")
            num = next(p for p in rb["params"] if p.get("type") in ("int", "number") and "max" in p)
            cases = [
                ("not json", "this is not JSON {", "JSON"),
                ("array", "[1,2,3]", "JSON object"),
                ("no type", {"suite": "ringbuf"}, "type"),
                ("type not a string", {"type": 7}, "type"),
                ("unknown type", {"type": "explode"}, "unknown message type"),
                ("unknown suite", {"type": "start", "suite": "nosuchsuite"}, "unknown suite"),
                ("no suite", {"type": "start"}, "suite"),
                ("unknown param", {"type": "start", "suite": "ringbuf", "params": {"nosuchparam": 1}}, "nosuchparam"),
                ("out of range", {"type": "start", "suite": "ringbuf",
                                  "params": {num["name"]: num["max"] * 10 + 1, "quick": True}}, num["name"]),
                ("not a number", {"type": "start", "suite": "ringbuf", "params": {num["name"]: "lots"}}, num["name"]),
                ("params not an object", {"type": "start", "suite": "ringbuf", "params": [1]}, "params"),
                ("host file from a client", {"type": "start", "suite": "backtest",
                                             "params": {"input": "/etc/passwd"}}, "agent's host"),
                ("stop without run", {"type": "stop", "run_id": "x"}, "no run"),
                ("oversized", json.dumps({"type": "list", "pad": "x" * (70 * 1024)}), "too large"),
                ("binary", b"\x01\x02\x03", "binary"),
            ]
            for name, payload, contains in cases:
                try:
                    await expect_error(c, payload, contains)
                    await expect_list(c)
                except TestFailure as e:
                    raise TestFailure(f"case '{name}': {e}")
            # a fragmented message is assembled (and within the limit, accepted)
            await c.ws.send(iter(['{"type":', '"list"}']))
            await c.until("suites")
            # a flood trips the rate limit (300 messages cannot all fit in the burst of 100 plus
            # 50/s unless answering them took 4 s); every one is answered, the connection lives
            flood = 300
            for _ in range(flood):
                await c.send({"type": "nop"})
            limited = 0
            for _ in range(flood):
                m = await c.recv()
                check(m.get("type") == "error", f"flood reply {m}")
                limited += "rate limit" in m["message"]
            check(limited > 0, f"{flood} messages at once never hit the rate limit")
            await asyncio.sleep(2.5)  # the bucket refills
            await expect_list(c)
            await c.close()
            # static files: see test_http; the record dir stayed empty (nothing started)
            check(os.listdir(rec_dir) == [], f"bad starts left files: {os.listdir(rec_dir)}")
            check(agent.stop() == 0, "agent exit status")
        finally:
            agent.kill()


def http_get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=STEP_TIMEOUT)
    conn.request("GET", path, headers=headers or {})
    r = conn.getresponse()
    body = r.read()
    hdrs = {k.lower(): v for k, v in r.getheaders()}
    conn.close()
    return r.status, hdrs, body


async def test_token_and_http():
    """Token mode: upgrade refused without (or with a wrong) token; static files are public."""
    with tempfile.TemporaryDirectory() as d:
        www = os.path.join(d, "www")
        os.mkdir(www)
        with open(os.path.join(www, "index.html"), "w") as f:
            f.write("<!doctype html><title>perfcast</title><script src=app.js></script>")
        with open(os.path.join(www, "perfcast.wasm"), "wb") as f:
            f.write(b"\0asm\1\0\0\0")
        token = "s3cret-T0ken"
        agent = Proc(["agent", "--listen", f"127.0.0.1:{free_port()}", "--record-dir", os.path.join(d, "runs"),
                      "--token", token], env={"PERFCAST_WWW": www})
        try:
            check(agent.url.endswith(f"/?token={token}"), f"URL without token: {agent.url}")
            st, h, body = http_get(agent.port, "/")
            check(st == 200 and b"perfcast" in body, f"GET / -> {st}")
            csp = h.get("content-security-policy", "")
            check("'wasm-unsafe-eval'" in csp and "unsafe-inline" not in csp, f"CSP: {csp!r}")
            check(h.get("x-content-type-options") == "nosniff", f"headers: {h}")
            st, h, _ = http_get(agent.port, "/perfcast.wasm")
            check(st == 200 and h.get("content-type", "").startswith("application/wasm"), f"wasm: {st} {h}")
            st, _, _ = http_get(agent.port, "/no-such-file.js")
            check(st == 404, f"missing file -> {st}")

            for url, hdrs, want in [(agent.ws_url(), None, 401),
                                    (agent.ws_url("wrong"), None, 401),
                                    (agent.ws_url(), {"Authorization": "Bearer wrong"}, 401)]:
                try:
                    await Client.connect(url, headers=hdrs)
                    raise TestFailure(f"{url} {hdrs}: upgrade accepted without the right token")
                except websockets.exceptions.InvalidStatusCode as e:
                    check(e.status_code == want, f"{url}: status {e.status_code}, want {want}")
            c = await Client.connect(agent.ws_url(token))
            await expect_list(c)
            await c.close()
            c = await Client.connect(agent.ws_url(), headers={"Authorization": f"Bearer {token}"})
            await expect_list(c)
            # the refused attempts did not disturb the working connection
            await c.close()
            # a page from another origin cannot drive the agent, even with the token
            try:
                await Client.connect(agent.ws_url(token), origin="http://evil.example")
                raise TestFailure("cross-origin upgrade accepted")
            except websockets.exceptions.InvalidStatusCode as e:
                check(e.status_code == 403, f"cross-origin status {e.status_code}")
            c = await Client.connect(agent.ws_url(token), origin=f"http://127.0.0.1:{agent.port}")
            await c.close()
            check(agent.stop() == 0, "agent exit status")
        finally:
            agent.kill()


async def test_max_clients():
    """Connections are capped: one past the limit is refused with 503, a freed slot is reused."""
    limit = 64
    with tempfile.TemporaryDirectory() as rec_dir:
        agent = Proc(["agent", "--listen", f"127.0.0.1:{free_port()}", "--record-dir", rec_dir])
        clients = []
        try:
            for _ in range(limit):
                clients.append(await Client.connect(agent.ws_url()))
            try:
                await Client.connect(agent.ws_url())
                raise TestFailure(f"connection {limit + 1} accepted")
            except websockets.exceptions.InvalidStatusCode as e:
                check(e.status_code == 503, f"status {e.status_code} past the limit")
            await clients.pop().close()
            for _ in range(100):  # the agent notices the close asynchronously
                try:
                    clients.append(await Client.connect(agent.ws_url()))
                    break
                except websockets.exceptions.InvalidStatusCode:
                    await asyncio.sleep(0.05)
            else:
                raise TestFailure("a freed slot was never reused")
            await expect_list(clients[-1])
            for c in clients:
                await c.close()
            check(agent.stop() == 0, "agent exit status")
        finally:
            agent.kill()


async def record_run(rec_dir):
    """Runs quick ringbuf on a fresh agent; returns (file path, streamed bytes, run_finished)."""
    agent = Proc(["agent", "--listen", f"127.0.0.1:{free_port()}", "--record-dir", rec_dir])
    try:
        c = await Client.connect(agent.ws_url())
        await c.send({"type": "start", "suite": "ringbuf", "params": {"quick": True}})
        started, stream, fin = await c.collect_run()
        check_run_stream(stream, fin, "recorded run")
        await c.close()
        check(agent.stop() == 0, "agent exit status")
        return fin["file"], stream, fin
    finally:
        agent.kill()


async def test_replay():
    """Replay streams the recorded records; a truncated file up to its last whole record."""
    with tempfile.TemporaryDirectory() as d:
        path, stream, fin = await record_run(d)
        rep = Proc(["replay", path, "--speed", "0", "--listen", f"127.0.0.1:{free_port()}"])
        try:
            c = await Client.connect(rep.ws_url())
            check(c.hello["mode"] == "replay", f"hello: {c.hello}")
            s, rstream, rfin = await c.collect_run()
            check(rstream == stream, f"replayed {len(rstream)} bytes, recorded {len(stream)}")
            check(rfin["status"] == "ok" and rfin["summary"] == fin["summary"], f"run_finished: {rfin}")
            check(s["run_id"] == json_of(parse_records(stream)[0])["run_id"], "replay run id")
            await expect_error(c, {"type": "start", "suite": "ringbuf"}, "replay")
            await expect_error(c, {"type": "stop"}, "replay")
            await expect_list(c)
            # a second viewer gets the same replay from the start
            c2 = await Client.connect(rep.ws_url())
            _, rstream2, _ = await c2.collect_run()
            check(rstream2 == stream, "second replay viewer differs")
            await c.close()
            await c2.close()
            check(rep.stop() == 0, "replay exit status")
        finally:
            rep.kill()

        # cut the file in the middle of its last record
        recs = parse_records(stream)
        last = 12 + len(recs[-1][2])
        whole = stream[:len(stream) - last]
        cut = os.path.join(d, "cut.pcast")
        with open(path, "rb") as f:
            data = f.read()
        with open(cut, "wb") as f:
            f.write(data[:len(data) - last // 2])
        rep = Proc(["replay", cut, "--speed", "0", "--listen", f"127.0.0.1:{free_port()}"])
        try:
            check("byte" in "".join(rep.err) or True, "")
            c = await Client.connect(rep.ws_url())
            _, rstream, rfin = await c.collect_run()
            check(rstream == whole, f"truncated replay sent {len(rstream)} bytes, want {len(whole)}")
            check(rfin["status"] != "ok", f"truncated replay claims {rfin['status']}")
            await c.close()
            check(rep.stop() == 0, "replay exit status")
            check(any("warning" in line for line in rep.err), f"no truncation warning: {rep.err}")
        finally:
            rep.kill()


async def test_sigterm_stops_run():
    """SIGTERM during a run: the run stops cleanly, its file is complete, exit status 0."""
    with tempfile.TemporaryDirectory() as rec_dir:
        agent = Proc(["agent", "--listen", f"127.0.0.1:{free_port()}", "--record-dir", rec_dir])
        try:
            c = await Client.connect(agent.ws_url())
            await c.send({"type": "start", "suite": "ringbuf"})  # full-size: runs long enough
            started = await c.until("run_started")
            while not isinstance(await c.recv(), bytes):
                pass
            agent.p.send_signal(signal.SIGTERM)
            stream = bytearray()
            fin = None
            try:  # the end usually reaches the viewer before the agent exits
                while True:
                    m = await c.recv()
                    if isinstance(m, bytes):
                        stream += m
                    elif m.get("type") == "run_finished":
                        fin = m
                        break
            except websockets.exceptions.ConnectionClosed:
                pass
            check(agent.stop(sig=None) == 0, f"exit status {agent.p.returncode}; stderr {''.join(agent.err)}")
            files = [os.path.join(rec_dir, f) for f in os.listdir(rec_dir)]
            check(len(files) == 1, f"record dir has {files}")
            recs, _ = file_records(files[0])
            end = json_of(recs[-1])
            # the default-size run lasts seconds; the signal came right after its header
            check(KIND.get(recs[-1][0]) == "end" and end["status"] == "stopped", f"last record: {end}")
            if fin:
                check(fin["status"] == end["status"] and fin["run_id"] == started["run_id"], f"run_finished {fin}")
        finally:
            agent.kill()


TESTS = {
    "cli": test_cli,
    "live_run": test_live_run,
    "bad_messages": test_bad_messages,
    "token_and_http": test_token_and_http,
    "max_clients": test_max_clients,
    "replay": test_replay,
    "sigterm_stops_run": test_sigterm_stops_run,
}


def main():
    global PERFCAST
    ap = argparse.ArgumentParser()
    ap.add_argument("--perfcast", required=True)
    ap.add_argument("--test", action="append", help="test name (default: all)")
    ap.add_argument("--timeout", type=float, default=240.0)
    args = ap.parse_args()
    PERFCAST = os.path.abspath(args.perfcast)
    names = args.test or list(TESTS)
    failed = 0
    for name in names:
        fn = TESTS[name]
        t0 = time.time()
        try:
            if asyncio.iscoroutinefunction(fn):
                asyncio.run(asyncio.wait_for(fn(), args.timeout))
            else:
                fn()
            print(f"ok   agent_{name} ({time.time() - t0:.1f}s)")
        except Exception as e:  # noqa: BLE001 - report every kind of failure the same way
            failed += 1
            print(f"FAIL agent_{name}: {type(e).__name__}: {e}")
            traceback.print_exc()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
