#!/usr/bin/python3
"""Does watching a run disturb it? ringbuf throughput with and without a live viewer.

usage: tests/bench/viewer_impact.py [--perfcast build/bin/perfcast] [--pairs 3] [--duration 2]
                                    [--rest-rate N]

With --rest-rate N the "watched" runs also have a client polling the agent's REST API
(GET /api/performance/metrics) N times a second for the whole run, like a monitoring scraper.

Starts one agent on a free loopback port and runs the ringbuf suite 2 x PAIRS times,
alternating: "headless" (the client that sends `start` disconnects at once, nobody watches)
and "viewer" (a client stays connected and receives every record as it is streamed). The
figures come from each run's result file. Alternating pairs in one agent process keeps
machine drift out of the ratio; report the range, not one number (the VM is noisy).
"""
import argparse
import asyncio
import glob
import json
import os
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import websockets


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def summary_of(path):
    """The summary record of a finished result file, or None while it is not finished."""
    with open(path, "rb") as f:
        data = f.read()
    off, summary, ended = 16, None, False
    while off + 12 <= len(data):
        n, kind = struct.unpack_from("<IH", data, off)
        if off + 12 + n > len(data):
            break
        if kind == 5:
            summary = json.loads(data[off + 8:off + 8 + n])
        if kind == 6:
            ended = True
        off += 12 + n
    return summary if ended else None


async def start(url, params):
    previous = None
    async with websockets.connect(url, subprotocols=["perfcast.v1"], max_size=None) as ws:
        await ws.send(json.dumps({"type": "start", "suite": "ringbuf", "params": params}))
        while True:
            m = await ws.recv()
            if isinstance(m, str):
                msg = json.loads(m)
                if msg["type"] == "hello":
                    previous = (msg.get("run") or {}).get("run_id")
                if msg["type"] == "run_started" and msg["run_id"] != previous:
                    return msg["run_id"]
                if msg["type"] == "error" and "in progress" in msg["message"]:
                    await asyncio.sleep(0.2)
                    await ws.send(json.dumps({"type": "start", "suite": "ringbuf", "params": params}))
                    continue
                if msg["type"] == "error":
                    raise RuntimeError(msg["message"])


async def watch(url, params):
    """Starts a run and stays connected, receiving every record, until run_finished."""
    async with websockets.connect(url, subprotocols=["perfcast.v1"], max_size=None) as ws:
        hello = json.loads(await ws.recv())
        # a new connection first catches up on the previous run: skip that one
        previous = (hello.get("run") or {}).get("run_id")
        await ws.send(json.dumps({"type": "start", "suite": "ringbuf", "params": params}))
        nbytes, ours = 0, None
        while True:
            m = await ws.recv()
            if isinstance(m, bytes):
                nbytes += len(m) if ours else 0
                continue
            msg = json.loads(m)
            if msg["type"] == "error" and "in progress" in msg["message"]:
                await asyncio.sleep(0.2)  # the previous run's file is complete, its reaping is not
                await ws.send(json.dumps({"type": "start", "suite": "ringbuf", "params": params}))
                continue
            if msg["type"] == "error":
                raise RuntimeError(msg["message"])
            if msg["type"] == "run_started" and msg["run_id"] != previous:
                ours = msg["run_id"]
            if msg["type"] == "run_finished" and msg["run_id"] == ours:
                return ours, nbytes


def wait_finished(record_dir, run_id, timeout=300):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for p in glob.glob(os.path.join(record_dir, f"{run_id}*.pcast")):
            s = summary_of(p)
            if s:
                return s
        time.sleep(0.2)
    raise TimeoutError(run_id)


def poll_rest(port, rate, stop, counts):
    """GETs /api/performance/metrics `rate` times a second until stop is set."""
    url = f"http://127.0.0.1:{port}/api/performance/metrics"
    period, nxt = 1.0 / rate, time.monotonic()
    while not stop.is_set():
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                r.read()
                counts[0] += 1
        except OSError:
            counts[1] += 1
        nxt += period
        delay = nxt - time.monotonic()
        if delay > 0:
            stop.wait(delay)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--perfcast", default="build/bin/perfcast")
    ap.add_argument("--pairs", type=int, default=3)
    ap.add_argument("--duration", type=float, default=2.0)
    ap.add_argument("--rest-rate", type=float, default=0, help="REST polls per second while watched")
    args = ap.parse_args()
    record_dir = tempfile.mkdtemp(prefix="perfcast-impact-")
    port = free_port()
    agent = subprocess.Popen([args.perfcast, "agent", "--listen", f"127.0.0.1:{port}", "--record-dir", record_dir],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"ws://127.0.0.1:{port}/"
    params = {"duration": args.duration, "messages": 50000}
    rows = []
    try:
        time.sleep(0.5)
        for i in range(args.pairs):
            for mode in ("headless", "viewer"):
                if mode == "headless":
                    run_id = asyncio.run(start(url, params))
                    s = wait_finished(record_dir, run_id)
                    streamed = 0
                else:
                    stop, counts, poller = threading.Event(), [0, 0], None
                    if args.rest_rate > 0:
                        poller = threading.Thread(target=poll_rest, args=(port, args.rest_rate, stop, counts))
                        poller.start()
                    run_id, streamed = asyncio.run(watch(url, params))
                    stop.set()
                    if poller:
                        poller.join()
                        print(f"       REST: {counts[0]} answered, {counts[1]} failed", flush=True)
                    s = wait_finished(record_dir, run_id)
                rows.append((i, mode, s["spsc_msgs_per_s"], s["mutex_msgs_per_s"], s["spsc_p50_ns"], streamed))
                print(f"pair {i} {mode:8s} spsc {s['spsc_msgs_per_s'] / 1e6:8.1f} M/s  mutex "
                      f"{s['mutex_msgs_per_s'] / 1e6:6.2f} M/s  spsc p50 {s['spsc_p50_ns']:5.0f} ns"
                      f"  streamed {streamed} B", flush=True)
    finally:
        agent.terminate()
        agent.wait(timeout=30)
        shutil.rmtree(record_dir, ignore_errors=True)
    ratios = [rows[2 * i + 1][2] / rows[2 * i][2] for i in range(args.pairs)]
    print(f"\nspsc throughput with viewer / without, per pair: "
          + ", ".join(f"{(r - 1) * 100:+.1f}%" for r in ratios))
    print(f"median change {(statistics.median(ratios) - 1) * 100:+.1f}%  "
          f"(range {(min(ratios) - 1) * 100:+.1f}% .. {(max(ratios) - 1) * 100:+.1f}%)")


if __name__ == "__main__":
    sys.exit(main())
