#!/usr/bin/python3
"""End-to-end tests of publishing: an instrumented program streams live to a running agent.

    test_tracker_stream.py --perfcast build/bin/perfcast --demo build/bin/tracker_demo \
        --check build/tests/check_result_loads --test demo_live

Each test starts its own agent on port 0 with a token and a temporary record directory, runs
examples/tracker_demo (PERFCAST_AGENT / PERFCAST_TOKEN) or a raw publisher written here with
Python's websockets, watches with WebSocket viewers, and kills what it started. The agent,
the viewers and the framing helpers are tests/e2e/test_agent.py's.
"""
import argparse
import asyncio
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import zlib

import websockets

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_agent as ta  # noqa: E402
from test_agent import TestFailure, check  # noqa: E402

TOKEN = "pub-T0ken"
DEMO = None
PROBE = None
CHECK = None
KIND_HEADER, KIND_SUMMARY, KIND_END, KIND_METRIC = 1, 5, 6, 9


# ---------------------------------------------------------------- helpers -------------

def record(kind, payload, enc=0):
    if isinstance(payload, dict):
        payload = json.dumps(payload).encode()
    head = struct.pack("<IHH", len(payload), kind, enc) + payload
    return head + struct.pack("<I", zlib.crc32(head))


def header(run_id, suite="pubtest"):
    return record(KIND_HEADER, {"format": "perfcast", "suite": suite, "run_id": run_id, "started_unix": time.time(),
                                "quick": False, "params": {"answer": 42}, "series": [], "views": []})


def metric(t, **values):
    return record(KIND_METRIC, {"t": t, "values": values})


def end(status="ok"):
    return record(KIND_END, {"t": 9.0, "status": status})


def start_agent(rec_dir, extra=()):
    return ta.Proc(["agent", "--listen", "127.0.0.1:0", "--record-dir", rec_dir, "--token", TOKEN] + list(extra))


async def run_demo(out_dir, env, program=None):
    """Runs tracker_demo (or another program taking OUT [ARG]) with env (and nothing inherited
    about agents); returns (rc, stdout + stderr, its own result file)."""
    out = os.path.join(out_dir, "demo.pcast")
    e = {k: v for k, v in os.environ.items() if k not in ("PERFCAST_AGENT", "PERFCAST_TOKEN")}
    e.update(env)
    arg = "20" if program else os.path.join(out_dir, "demo-baseline.json")
    p = await asyncio.create_subprocess_exec(program or DEMO, out, arg, env=e,
                                             stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    so, se = await asyncio.wait_for(p.communicate(), ta.STEP_TIMEOUT)
    return p.returncode, so.decode() + se.decode(), out


def check_loads(path, suite="tracker", series=("timer:frame", "fps", "frame_ms", "+calls")):
    r = subprocess.run([CHECK, path, suite] + list(series), capture_output=True, text=True, timeout=ta.STEP_TIMEOUT)
    check(r.returncode == 0, f"{path} does not load as a finished {suite} run: {r.stdout}{r.stderr}")


def stream_line(out):
    lines = [ln for ln in out.splitlines() if ln.startswith("stream to ")]
    check(len(lines) == 1, f"tracker_demo printed no stream status: {out!r}")
    return lines[0]


class Publisher:
    """A raw publisher: connects like a viewer, sends publish, then binary records."""

    @classmethod
    async def connect(cls, agent, expect_ok=True):
        """Connects and publishes. With expect_ok, waits for the agent's "publishing" (retrying
        for a while when a run that just finished has not been cleared away yet)."""
        p = cls()
        p.c = await ta.Client.connect(agent.ws_url(TOKEN))
        deadline = time.time() + ta.STEP_TIMEOUT
        while True:
            await p.c.send({"type": "publish", "suite": "pubtest", "program": "test", "pid": os.getpid(),
                            "format": {"major": 1, "minor": 1}})
            if not expect_ok:
                return p
            m = await p.c.recv()
            while not (isinstance(m, dict) and m.get("type") in ("publishing", "error")):
                m = await p.c.recv()
            if m["type"] == "publishing":
                check(m["max_message_bytes"] >= 1 << 20, f"publishing: {m}")
                return p
            check("in progress" in m["message"] and time.time() < deadline, f"publish refused: {m}")
            await asyncio.sleep(0.05)

    async def send(self, data):
        await self.c.send(data)

    async def error(self, *contains):
        m = await self.c.until("error")
        for s in contains:
            check(s.lower() in m["message"].lower(), f"error {m['message']!r} does not mention {s!r}")
        return m

    async def closed_by_agent(self):
        try:
            while True:
                await asyncio.wait_for(self.c.ws.recv(), ta.STEP_TIMEOUT)
        except websockets.exceptions.ConnectionClosed:
            return
        except asyncio.TimeoutError:
            raise TestFailure("the agent did not close a refused publisher")


def agent_file(fin, started, rec_dir):
    path = fin.get("file") or started.get("file")
    check(path and os.path.isfile(path), f"result file {path} missing")
    check(os.path.dirname(os.path.abspath(path)) == os.path.abspath(rec_dir), f"{path} not in {rec_dir}")
    return path


def last_end(path):
    recs, body = ta.file_records(path)
    check(recs[-1][0] == KIND_END, f"{path}: last record is kind {recs[-1][0]}")
    return ta.json_of(recs[-1]), body


# ---------------------------------------------------------------- tests ---------------

async def test_demo_live():
    """tracker_demo streams to the agent: viewers before and after get the run, the agent's file
    equals what they got and what the program wrote itself; the slot is free again afterwards."""
    with tempfile.TemporaryDirectory() as d:
        rec = os.path.join(d, "runs")
        agent = start_agent(rec)
        try:
            a = await ta.Client.connect(agent.ws_url(TOKEN))
            check(a.hello["limits"].get("max_publish_message_bytes", 0) >= 1 << 20, f"hello limits {a.hello}")
            demo = asyncio.ensure_future(run_demo(d, {"PERFCAST_AGENT": f"ws://127.0.0.1:{agent.port}",
                                                      "PERFCAST_TOKEN": TOKEN}))
            started, stream, fin = await a.collect_run()
            rc, out, own = await demo
            check(rc == 0, f"tracker_demo exited {rc}: {out}")
            check(started["suite"] == "tracker" and started["run_id"].startswith("tracker-"), f"run_started {started}")
            check(started.get("published", {}).get("program") == "tracker_demo", f"run_started {started}")
            check(fin["status"] == "ok", f"run_finished {fin}")
            check(isinstance(fin["summary"], dict) and "frame" in fin["summary"].get("timers", {}), f"{fin}")
            recs = ta.parse_records(stream)
            check(recs[0][0] == KIND_HEADER and recs[-1][0] == KIND_END, "stream is not header ... end")
            check(ta.json_of(recs[0])["run_id"] == started["run_id"], "header run_id != announced run_id")

            path = agent_file(fin, started, rec)
            _, body = ta.file_records(path)
            check(body == stream, f"agent file ({len(body)} bytes) != stream ({len(stream)} bytes)")
            _, own_body = ta.file_records(own)
            check(own_body == stream, f"the program's own file ({len(own_body)} bytes) != stream ({len(stream)})")
            check_loads(path)
            line = stream_line(out)
            check(": done, " in line and f"{len(recs)} records sent, 0 not sent" in line, line)

            b = await ta.Client.connect(agent.ws_url(TOKEN))  # a viewer after the run
            check(b.hello["run"]["run_id"] == started["run_id"] and b.hello["run"]["status"] == "ok", f"{b.hello}")
            _, stream_b, fin_b = await b.collect_run()
            check(stream_b == stream and fin_b["status"] == "ok", "late viewer got a different run")
            st, _, body = ta.http_get(agent.port, "/api/performance/metrics", {"Authorization": f"Bearer {TOKEN}"})
            m = json.loads(body)
            check(st == 200 and m.get("suite") == "tracker" and "fps" in m.get("metrics", {}), f"REST: {st} {m}")

            # the published run ended: the one-run slot is free for a suite again
            await a.send({"type": "start", "suite": "ringbuf", "params": {"quick": True}})
            s2, stream2, fin2 = await a.collect_run()
            check(s2["suite"] == "ringbuf" and fin2["status"] == "ok", f"run after the published one: {fin2}")
            for c in (a, b):
                await c.close()
            check(agent.stop() == 0, "agent exit status")
        finally:
            agent.kill()


async def test_demo_refused():
    """Wrong token, nothing listening, a run already going: the program runs to the end at full
    speed, its file is complete, and it says why the stream was dropped."""
    with tempfile.TemporaryDirectory() as d:
        rec = os.path.join(d, "runs")
        agent = start_agent(rec)
        try:
            url = f"ws://127.0.0.1:{agent.port}"
            rc, out, own = await run_demo(d, {"PERFCAST_AGENT": url, "PERFCAST_TOKEN": "wrong"})
            check(rc == 0, f"tracker_demo exited {rc} with a wrong token: {out}")
            line = stream_line(out)
            check(": dropped, 0 records sent" in line and "401" in line and "token" in line, line)
            check_loads(own)
            check(not os.path.isdir(rec) or not os.listdir(rec), f"a refused stream left files: {os.listdir(rec)}")
            # the same token in the URL, as the agent prints it, works
            v = await ta.Client.connect(agent.ws_url(TOKEN))
            check(v.hello["run"] is None, f"a refused stream became a run: {v.hello['run']}")
            rc, out, own = await run_demo(d, {"PERFCAST_AGENT": f"http://127.0.0.1:{agent.port}/?token={TOKEN}"})
            check(rc == 0 and ": done, " in stream_line(out), f"?token= in the URL: {out}")
            check(TOKEN not in out, f"the program printed the token: {out}")
            await v.collect_run()

            # a run already going: the publish is refused, naming it
            await v.send({"type": "start", "suite": "ringbuf", "params": {"duration": 60}})
            started = await v.until("run_started")
            rc, out, own = await run_demo(d, {"PERFCAST_AGENT": url, "PERFCAST_TOKEN": TOKEN})
            line = stream_line(out)
            check(rc == 0 and ": dropped, " in line and "refused the stream" in line and started["run_id"] in line,
                  line)
            check_loads(own)
            await v.send({"type": "stop"})
            _, _, fin = await v.collect_run(started)
            check(fin["status"] == "stopped", f"ringbuf run: {fin}")
            await v.close()
            check(agent.stop() == 0, "agent exit status")
        finally:
            agent.kill()

        # nothing listening at all
        port = ta.free_port()
        rc, out, own = await run_demo(d, {"PERFCAST_AGENT": f"ws://127.0.0.1:{port}"})
        line = stream_line(out)
        check(rc == 0 and ": dropped, 0 records sent" in line and "cannot connect" in line, line)
        check_loads(own)


async def test_bad_publisher():
    """Records are checked as they arrive: a corrupt record, malformed JSON, a missing header, an
    unknown kind, an oversized message — each answered with an error naming the byte offset and
    reason, the publisher closed, the run ended "error"; viewers are unaffected."""
    with tempfile.TemporaryDirectory() as d:
        rec = os.path.join(d, "runs")
        agent = start_agent(rec)
        try:
            a = await ta.Client.connect(agent.ws_url(TOKEN))
            # 1: a record with a bad CRC after two good ones
            p = await Publisher.connect(agent)
            good = header("pub-crc") + metric(0.5, fps=60.0)
            await p.send(good)
            bad = bytearray(metric(1.0, fps=59.0))
            bad[-1] ^= 0xFF
            await p.send(bytes(bad))
            await p.error(f"record 3 at byte {len(good)} of the stream", "checksum")
            await p.closed_by_agent()
            started, stream, fin = await a.collect_run()
            check(started["run_id"] == "pub-crc" and started["suite"] == "pubtest", f"run_started {started}")
            check(started["params"] == {"answer": 42}, f"params {started['params']}")
            check(fin["status"] == "error" and f"byte {len(good)}" in fin.get("message", ""), f"run_finished {fin}")
            check(stream.startswith(good), "the good records were not kept")
            path = agent_file(fin, started, rec)
            e, body = last_end(path)
            check(body == stream and e["status"] == "error", f"file end {e}")

            # another viewer is served normally
            b = await ta.Client.connect(agent.ws_url(TOKEN))
            await ta.expect_list(b)
            _, stream_b, _ = await b.collect_run()
            check(stream_b == stream, "second viewer got a different run")

            # 2: well framed, but not JSON
            p = await Publisher.connect(agent)
            first = header("pub-json")
            await p.send(first + record(KIND_METRIC, b'{"t": 1, "values": {'))
            await p.error(f"byte {len(first)}", "json")
            await p.closed_by_agent()
            _, _, fin = await a.collect_run()
            check(fin["status"] == "error", f"run_finished {fin}")

            # 3: no header first — no run at all
            p = await Publisher.connect(agent)
            await p.send(metric(0.1, fps=1.0))
            await p.error("byte 0 of the stream", "must be the header")
            await p.closed_by_agent()
            # 4: an unknown record kind
            p = await Publisher.connect(agent)
            await p.send(header("pub-kind") + record(99, {"t": 1}))
            await p.error("unknown record kind 99")
            await p.closed_by_agent()
            _, _, fin = await a.collect_run()
            check(fin["status"] == "error" and "kind 99" in fin.get("message", ""), f"run_finished {fin}")
            # 5: a message past the publisher's limit
            p = await Publisher.connect(agent)
            await p.send(header("pub-big"))
            await p.send(metric(1.0, pad=0) + b"\0" * (1 << 20))
            await p.error("too large")
            await p.closed_by_agent()
            _, _, fin = await a.collect_run()
            check(fin["status"] == "error", f"run_finished {fin}")
            # 6: the publisher goes away before its end record
            p = await Publisher.connect(agent)
            await p.send(header("pub-gone") + metric(0.2, fps=30.0))
            started = await a.until("run_started")
            await p.c.close()
            _, stream, fin = await a.collect_run(started)
            check(fin["status"] == "incomplete" and "disconnected" in fin.get("message", ""), f"run_finished {fin}")
            e, body = last_end(agent_file(fin, started, rec))
            check(e["status"] == "incomplete" and body == stream, f"file end {e}")
            # a well-behaved publisher after all that: ok
            p = await Publisher.connect(agent)
            await p.send(header("pub-ok") + metric(0.1, fps=60.0) + record(KIND_SUMMARY, {"frames": 1}) + end())
            _, stream, fin = await a.collect_run()
            check(fin["status"] == "ok" and fin["summary"] == {"frames": 1}, f"run_finished {fin}")
            await p.c.close()
            check(sorted(os.listdir(rec)) == sorted(f"pub-{x}.pcast" for x in ("crc", "json", "kind", "big", "gone", "ok")),
                  f"record dir: {os.listdir(rec)}")
            # the same run id again: refused (a run id names one file)
            p = await Publisher.connect(agent)
            await p.send(header("pub-ok"))
            await p.error("already recorded")
            await p.closed_by_agent()
            for c in (a, b):
                await c.close()
            check(agent.stop() == 0, "agent exit status")
        finally:
            agent.kill()


async def test_one_run_at_a_time():
    """A published run holds the agent's one run slot; viewers stop it like any run; publish is
    refused while a suite runs, in replay mode, and a shutdown stops the published run."""
    with tempfile.TemporaryDirectory() as d:
        rec = os.path.join(d, "runs")
        agent = start_agent(rec)
        try:
            v = await ta.Client.connect(agent.ws_url(TOKEN))
            p = await Publisher.connect(agent)
            # before its header arrives the slot is already taken
            q = await Publisher.connect(agent, expect_ok=False)
            await q.error("a program is publishing")
            await p.send(header("pub-a"))
            started = await v.until("run_started")
            check(started["run_id"] == "pub-a", f"run_started {started}")
            await ta.expect_error(v, {"type": "start", "suite": "ringbuf", "params": {"quick": True}}, "pub-a")
            await q.c.send({"type": "publish"})
            await q.error("pub-a", "in progress")
            await ta.expect_error(v, {"type": "stop", "run_id": "other"}, "pub-a")
            await p.send(metric(0.3, fps=50.0))
            await v.send({"type": "stop", "run_id": "pub-a"})
            m = await p.c.until("stop")
            check(m.get("run_id") == "pub-a", f"stop to the publisher: {m}")
            _, stream, fin = await v.collect_run(started)
            check(fin["status"] == "stopped" and "viewer" in fin.get("message", ""), f"run_finished {fin}")
            e, body = last_end(agent_file(fin, started, rec))
            check(e["status"] == "stopped" and body == stream, f"file end {e}")
            # what the stopped publisher still sends is dropped silently; the connection still answers
            await p.send(metric(0.4, fps=50.0))
            await ta.expect_list(p.c)
            await ta.expect_error(p.c, {"type": "publish"}, "already published")
            await p.c.close()
            await q.c.close()

            # a suite is running: publish refused, naming it
            await v.send({"type": "start", "suite": "ringbuf", "params": {"duration": 60}})
            started = await v.until("run_started")
            r = await Publisher.connect(agent, expect_ok=False)
            await r.error(started["run_id"], "in progress")
            await r.c.close()
            await v.send({"type": "stop"})
            await v.collect_run(started)

            # shutdown during a published run: stopped, the publisher told, exit 0
            s = await Publisher.connect(agent)
            await s.send(header("pub-s") + metric(0.1, fps=10.0))
            started = await v.until("run_started")
            agent.p.send_signal(signal.SIGTERM)
            m = await s.c.until("stop")
            check("shut down" in m.get("message", ""), f"stop at shutdown: {m}")
            check(agent.stop(sig=None) == 0, f"agent exit status {agent.p.returncode}")
            e, _ = last_end(os.path.join(rec, "pub-s.pcast"))
            check(e["status"] == "stopped", f"file end at shutdown {e}")
            published = os.path.join(rec, "pub-a.pcast")
        finally:
            agent.kill()

        # replay mode: publish is refused
        rep = ta.Proc(["replay", published, "--speed", "0", "--listen", "127.0.0.1:0", "--token", TOKEN])
        try:
            p = await Publisher.connect(rep, expect_ok=False)
            await p.error("replay")
            await p.c.close()
            check(rep.stop() == 0, "replay exit status")
        finally:
            rep.kill()


async def test_viewer_stops_program():
    """A viewer stops a published run: the run ends "stopped", the program is told, keeps
    running to its own end, and its own file has everything (the agent's is a prefix of it)."""
    with tempfile.TemporaryDirectory() as d:
        rec = os.path.join(d, "runs")
        agent = start_agent(rec)
        try:
            v = await ta.Client.connect(agent.ws_url(TOKEN))
            prog = asyncio.ensure_future(run_demo(d, {"PERFCAST_AGENT": f"ws://127.0.0.1:{agent.port}",
                                                      "PERFCAST_TOKEN": TOKEN}, program=PROBE))
            started = await v.until("run_started")
            check(started["suite"] == "tracker", f"run_started {started}")
            first = await v.recv()
            while not isinstance(first, bytes):  # wait until records are flowing
                first = await v.recv()
            await v.send({"type": "stop"})
            _, rest, fin = await v.collect_run(started)
            stream = first + rest
            check(fin["status"] == "stopped", f"run_finished {fin}")
            rc, out, own = await prog
            line = [ln for ln in out.splitlines() if ln.startswith("stream: ")]
            check(rc == 0 and line and line[0].startswith("stream: stopped ") and "viewer stopped" in line[0],
                  f"program: rc {rc}: {out}")
            check_loads(own, series=("timer:frame", "fps"))  # finished "ok": the program went on
            e, body = last_end(agent_file(fin, started, rec))
            check(e["status"] == "stopped" and body == stream, f"agent file end {e}")
            _, own_body = ta.file_records(own)
            recs = ta.parse_records(body)
            kept = len(body) - (12 + len(recs[-1][2]))  # without the end record the agent appended
            check(own_body[:kept] == body[:kept] and len(own_body) > kept, "the agent's records are not the program's")
            await v.close()
            check(agent.stop() == 0, "agent exit status")
        finally:
            agent.kill()


TESTS = {
    "demo_live": test_demo_live,
    "demo_refused": test_demo_refused,
    "bad_publisher": test_bad_publisher,
    "one_run_at_a_time": test_one_run_at_a_time,
    "viewer_stops_program": test_viewer_stops_program,
}


def main():
    global DEMO, PROBE, CHECK
    ap = argparse.ArgumentParser()
    ap.add_argument("--perfcast", required=True)
    ap.add_argument("--demo", required=True)
    ap.add_argument("--probe", required=True)
    ap.add_argument("--check", required=True)
    ap.add_argument("--test", action="append", help="test name (default: all)")
    ap.add_argument("--timeout", type=float, default=240.0)
    args = ap.parse_args()
    ta.PERFCAST = os.path.abspath(args.perfcast)
    DEMO = os.path.abspath(args.demo)
    PROBE = os.path.abspath(args.probe)
    CHECK = os.path.abspath(args.check)
    failed = 0
    for name in args.test or list(TESTS):
        t0 = time.time()
        try:
            asyncio.run(asyncio.wait_for(TESTS[name](), args.timeout))
            print(f"ok   stream_{name} ({time.time() - t0:.1f}s)")
        except Exception as e:  # noqa: BLE001 - report every kind of failure the same way
            failed += 1
            print(f"FAIL stream_{name}: {type(e).__name__}: {e}")
            traceback.print_exc()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
