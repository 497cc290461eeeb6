#!/usr/bin/python3
"""CLI behaviour of the perfcast binary: help, usage errors, run, render, crash safety.

usage: test_cli.py PERFCAST_BINARY [TEST_NAME]
Each test is a function named <area>_should_<behaviour>; all run unless one is named.
"""
import json
import os
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

BIN = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="perfcast-cli-")
QUICK = ["--quick", "--set", "messages=5000", "--set", "duration=0.2"]
SUMMARY_KEYS = ["spsc_msgs_per_s", "mutex_msgs_per_s", "spsc_vs_mutex_throughput", "spsc_p50_ns",
                "spsc_p99_ns", "spsc_p999_ns", "mutex_p50_ns", "mutex_p99_ns"]


def perfcast(*args, timeout=120):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


_quick_run = None


def quick_run():
    """One quick ringbuf result shared by the tests that only read it."""
    global _quick_run
    if _quick_run is None:
        path = os.path.join(TMP, "quick.pcast")
        r = perfcast("run", "ringbuf", *QUICK, "-o", path, "--summary-json")
        check(r.returncode == 0, f"quick run failed: {r.stderr}")
        _quick_run = (path, r)
    return _quick_run


def png_size(path):
    with open(path, "rb") as f:
        data = f.read()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG")
    check(data[12:16] == b"IHDR", "PNG without IHDR")
    return struct.unpack(">II", data[16:24])


def help_should_exit_zero_everywhere():
    for cmd in [[], ["agent"], ["run"], ["replay"], ["render"], ["list"], ["sysinfo"]]:
        r = perfcast(*cmd, "--help")
        check(r.returncode == 0, f"{cmd} --help exited {r.returncode}")
        check("usage" in r.stdout.lower(), f"{cmd} --help printed no usage")


def usage_errors_should_exit_two_with_one_line():
    cases = [["frobnicate"], ["run", "nosuchsuite"], ["run", "ringbuf", "--bogus"],
             ["run", "ringbuf", "--set", "nosuchparam=1"], ["run", "ringbuf", "--set", "capacity=1000"],
             ["run", "ringbuf", "--set", "messages=abc"], ["run"], ["list", "--bogus"],
             ["render", "x.pcast", "--view", "nosuchview", "-o", "x.png"], ["agent", "--bogus"],
             ["sysinfo", "--bogus"]]
    for args in cases:
        r = perfcast(*args)
        check(r.returncode == 2, f"{args}: exit {r.returncode}, want 2 ({r.stderr!r})")
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        check(len(lines) == 1, f"{args}: want one line on stderr, got {r.stderr!r}")


def bad_param_should_name_the_range():
    r = perfcast("run", "ringbuf", "--set", "capacity=1000")
    check("capacity" in r.stderr, r.stderr)
    r = perfcast("run", "ringbuf", "--set", "messages=0")
    check("messages" in r.stderr and "outside" in r.stderr, r.stderr)


def list_should_show_suite_params_and_views():
    r = perfcast("list", "--json")
    check(r.returncode == 0, r.stderr)
    suites = {s["name"]: s for s in json.loads(r.stdout)}
    rb = suites["ringbuf"]
    names = {p["name"] for p in rb["params"]}
    check({"messages", "duration", "capacity", "batch", "pin", "rate"} <= names, names)
    check({"latency-histogram", "throughput-timeline", "comparison", "summary"} <= set(rb["views"]), rb["views"])
    check(set(SUMMARY_KEYS) <= set(rb["summary_keys"]), rb["summary_keys"])


def sysinfo_should_print_the_machine():
    r = perfcast("sysinfo")
    check(r.returncode == 0, r.stderr)
    info = json.loads(r.stdout)
    for key in ["cpu", "memory", "gpu", "platform"]:
        check(key in info, f"sysinfo lacks {key}")
    check(info["cpu"]["logical_cores"] >= 1, info["cpu"])
    check(info["memory"]["total_mb"] > 0, info["memory"])


def run_should_write_a_result_and_print_the_summary_json_last():
    path, r = quick_run()
    last = r.stdout.strip().splitlines()[-1]
    summary = json.loads(last)
    for k in SUMMARY_KEYS:
        check(isinstance(summary.get(k), (int, float)), f"summary lacks {k}: {summary}")
    check(summary["spsc_msgs_per_s"] > 0 and summary["mutex_msgs_per_s"] > 0, summary)
    check(summary["spsc_p50_ns"] <= summary["spsc_p99_ns"] <= summary["spsc_p999_ns"], summary)
    with open(path, "rb") as f:
        data = f.read()
    check(data[:8] == b"PERFCAST", "no magic")
    # walk the framing: every record's CRC holds and the last one is an ok end record
    off, kinds = 16, []
    while off < len(data):
        n, kind = struct.unpack_from("<IH", data, off)
        crc = struct.unpack_from("<I", data, off + 8 + n)[0]
        check(zlib.crc32(data[off:off + 8 + n]) == crc, f"bad CRC at {off}")
        kinds.append((kind, data[off + 8:off + 8 + n]))
        off += 12 + n
    check(off == len(data), "trailing bytes")
    check(kinds[0][0] == 1, "header first")
    check(kinds[-1][0] == 6 and json.loads(kinds[-1][1])["status"] == "ok", "ok end last")
    check(any(k == 2 for k, _ in kinds) and any(k == 3 for k, _ in kinds), "hist and window records")


def render_should_write_png_and_raw_of_the_requested_size():
    path, _ = quick_run()
    for view in ["latency-histogram", "throughput-timeline", "comparison", "summary"]:
        png = os.path.join(TMP, f"{view}.png")
        r = perfcast("render", path, "--view", view, "-o", png, "--width", "640", "--height", "360")
        check(r.returncode == 0, f"render {view}: {r.stderr}")
        check(png_size(png) == (640, 360), f"{view}: size {png_size(png)}")
    raw = os.path.join(TMP, "s.rgba")
    r = perfcast("render", path, "--view", "summary", "-o", raw, "--width", "200", "--height", "100", "--scale", "2")
    check(r.returncode == 0, r.stderr)
    check(os.path.getsize(raw) == 200 * 100 * 4, "raw size")


def render_should_name_the_file_and_position_of_bad_input():
    garbage = os.path.join(TMP, "garbage.pcast")
    with open(garbage, "wb") as f:
        f.write(b"this is not a result file at all")
    r = perfcast("render", garbage, "--view", "summary", "-o", os.path.join(TMP, "g.png"))
    check(r.returncode == 1 and "garbage.pcast" in r.stderr and "byte" in r.stderr, r.stderr)
    missing = os.path.join(TMP, "missing.pcast")
    r = perfcast("render", missing, "--view", "summary", "-o", os.path.join(TMP, "m.png"))
    check(r.returncode == 1 and "missing.pcast" in r.stderr, r.stderr)
    path, _ = quick_run()
    with open(path, "rb") as f:
        data = bytearray(f.read())
    newer = os.path.join(TMP, "newer.pcast")
    data[8] = 9
    with open(newer, "wb") as f:
        f.write(data)
    r = perfcast("render", newer, "--view", "summary", "-o", os.path.join(TMP, "n.png"))
    check(r.returncode == 1 and "version 9" in r.stderr, r.stderr)


def render_should_open_a_truncated_file_with_a_warning():
    path, _ = quick_run()
    with open(path, "rb") as f:
        data = f.read()
    torn = os.path.join(TMP, "torn.pcast")
    with open(torn, "wb") as f:
        f.write(data[:len(data) - 7])
    r = perfcast("render", torn, "--view", "summary", "-o", os.path.join(TMP, "t.png"))
    check(r.returncode == 0, r.stderr)
    check("warning" in r.stderr and "byte" in r.stderr, r.stderr)


def run_killed_with_sigkill_should_leave_a_file_that_opens():
    path = os.path.join(TMP, "killed.pcast")
    p = subprocess.Popen([BIN, "run", "ringbuf", "--set", "messages=100000000", "--set", "duration=30",
                          "-o", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    # wait until the file holds more than the header (the recorder has flushed batches)
    while time.time() < deadline and (not os.path.exists(path) or os.path.getsize(path) < 2000):
        time.sleep(0.1)
    time.sleep(0.5)
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=10)
    check(os.path.getsize(path) >= 2000, "the killed run wrote nothing")
    r = perfcast("render", path, "--view", "latency-histogram", "-o", os.path.join(TMP, "k.png"))
    check(r.returncode == 0, f"killed run's file does not open: {r.stderr}")


def run_interrupted_should_end_stopped_with_a_complete_file():
    path = os.path.join(TMP, "stopped.pcast")
    p = subprocess.Popen([BIN, "run", "ringbuf", "--set", "messages=100000000", "--set", "duration=30",
                          "-o", path, "--summary-json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    check(p.returncode == 0, f"stopped run exited {p.returncode}: {err}")
    check("status: stopped" in out, out)
    r = perfcast("render", path, "--view", "summary", "-o", os.path.join(TMP, "st.png"))
    check(r.returncode == 0 and "warning" not in r.stderr, r.stderr)


TESTS = [v for k, v in list(globals().items()) if "_should_" in k and callable(v)]

if __name__ == "__main__":
    only = sys.argv[2] if len(sys.argv) > 2 else None
    passed = failed = 0
    for t in TESTS:
        if only and t.__name__ != only:
            continue
        try:
            t()
            print(f"ok   {t.__name__}", flush=True)
            passed += 1
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            print(f"FAIL {t.__name__}: {e}", flush=True)
            failed += 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed or not passed else 0)
