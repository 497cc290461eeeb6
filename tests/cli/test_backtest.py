#!/usr/bin/python3
"""The backtest suite from the command line: `perfcast check` and `perfcast compare` exit codes
on crafted result files, a real quick run checked and rendered, CSV input with line-numbered
errors.

usage: test_backtest.py PERFCAST_BINARY [TEST_NAME]
Each test is a function named <area>_should_<behaviour>; all run unless one is named.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile
import zlib

BIN = sys.argv[1]
TMP = tempfile.mkdtemp(prefix="perfcast-backtest-")


def perfcast(*args, timeout=180):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def record(kind, obj):
    payload = json.dumps(obj).encode()
    head = struct.pack("<IHH", len(payload), kind, 0)
    return head + payload + struct.pack("<I", zlib.crc32(head + payload) & 0xFFFFFFFF)


def crafted(name, summary, suite="backtest"):
    """A minimal valid result file: header, summary, end."""
    path = os.path.join(TMP, name)
    header = {"format": "perfcast", "perfcast_version": "test", "suite": suite, "run_id": name,
              "started": "2026-01-01T00:00:00Z", "started_unix": 0, "quick": False, "params": {},
              "series": [], "views": [], "system": {}}
    with open(path, "wb") as f:
        f.write(b"PERFCAST" + struct.pack("<HHI", 1, 0, 0))
        f.write(record(1, header))
        f.write(record(5, summary))
        f.write(record(6, {"t": 1.0, "status": "ok"}))
    return path


def result(rate, mean_ns, rss=8.0, cpu=90.0, samples=None, spread=0.01):
    n = 5 if samples is None else samples
    rates = [round(rate * (1 + spread * (i - n // 2))) for i in range(n)]
    means = [round(mean_ns * (1 - spread * (i - n // 2)), 2) for i in range(n)]
    return {"ticks": 1000000, "ticks_per_s": rate, "tick_mean_ns": mean_ns, "peak_rss_mb": rss,
            "avg_cpu_percent": cpu, "ticks_per_s_samples": rates, "tick_mean_ns_samples": means,
            "tick_p99_ns_samples": [100] * n}


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


# ---- check ----

def check_should_exit_zero_when_every_threshold_is_met():
    res = crafted("ok.pcast", result(15e6, 60))
    th = write("th.json", json.dumps({"min_ticks_per_s": 1e6, "max_mean_latency_us": 1,
                                      "max_peak_memory_mb": 64, "max_cpu_percent": 150}))
    r = perfcast("check", res, "--thresholds", th)
    check(r.returncode == 0, f"exit {r.returncode}: {r.stdout}{r.stderr}")
    check("all 4 thresholds met" in r.stdout, r.stdout)
    check("throughput" in r.stdout and "15.00 M" in r.stdout, "table shows measured throughput: " + r.stdout)


def check_should_exit_one_when_any_threshold_is_violated():
    th = write("th2.json", json.dumps({"min_ticks_per_s": 1e6, "max_cpu_percent": 150}))
    for name, summary, bad in [("slow.pcast", result(5e5, 60), "throughput"),
                               ("fat.pcast", result(15e6, 60, rss=900), "peak memory"),
                               ("lag.pcast", result(15e6, 20000), "mean tick latency")]:
        r = perfcast("check", crafted(name, summary), "--thresholds", th)
        check(r.returncode == 1, f"{name}: exit {r.returncode}: {r.stdout}{r.stderr}")
        line = [ln for ln in r.stdout.splitlines() if ln.strip().startswith(bad)]
        check(line and "VIOLATED" in line[0], f"{name}: {bad} not flagged: {r.stdout}")
    # a key left out takes the default: 50 % of one core, which 90 % violates
    r = perfcast("check", crafted("cpu.pcast", result(15e6, 60)), "--thresholds", write("empty.json", "{}"))
    check(r.returncode == 1, f"default cpu threshold: exit {r.returncode}: {r.stdout}")
    check("<= 50 %*" in r.stdout, "default marked with *: " + r.stdout)
    # a metric the result lacks is not a pass
    r = perfcast("check", crafted("none.pcast", {"ticks": 5}), "--thresholds", th)
    check(r.returncode == 1 and "not measured" in r.stdout, r.stdout)


def check_should_exit_two_on_a_bad_thresholds_file():
    res = crafted("ok2.pcast", result(15e6, 60))
    for name, text, msg in [("bad.json", "{nope", "not a JSON object"),
                            ("typo.json", '{"min_tick_per_s": 5}', "unknown threshold"),
                            ("str.json", '{"max_cpu_percent": "50"}', "non-negative number"),
                            ("arr.json", "[1, 2]", "not a JSON object")]:
        r = perfcast("check", res, "--thresholds", write(name, text))
        check(r.returncode == 2, f"{name}: exit {r.returncode}")
        check(msg in r.stderr, f"{name}: {r.stderr}")
    r = perfcast("check", res, "--thresholds", os.path.join(TMP, "missing.json"))
    check(r.returncode == 2, "missing thresholds file")
    r = perfcast("check", res)
    check(r.returncode == 2 and "--thresholds" in r.stderr, "thresholds required")
    r = perfcast("check", os.path.join(TMP, "missing.pcast"), "--thresholds", write("e.json", "{}"))
    check(r.returncode == 2, "missing result file")


# ---- compare ----

def compare_should_pass_when_nothing_changed_significantly():
    base = crafted("b.pcast", result(15e6, 60, spread=0.02))
    new = crafted("n.pcast", result(15.1e6, 60, spread=0.02))
    r = perfcast("compare", base, new)
    check(r.returncode == 0, f"exit {r.returncode}: {r.stdout}{r.stderr}")
    check("no significant change" in r.stdout, r.stdout)


def compare_should_exit_one_on_a_significant_regression():
    base = crafted("b2.pcast", result(15e6, 60))
    new = crafted("n2.pcast", result(12e6, 75))  # 20 % slower, every sample below every base sample
    r = perfcast("compare", base, new)
    check(r.returncode == 1, f"exit {r.returncode}: {r.stdout}{r.stderr}")
    check("REGRESSION" in r.stdout and "0.0079" in r.stdout, r.stdout)
    # the same change within a 25 % threshold is not a failure
    r = perfcast("compare", base, new, "--threshold", "25")
    check(r.returncode == 0, f"threshold 25: exit {r.returncode}: {r.stdout}")
    check("significant, within threshold" in r.stdout, r.stdout)
    # improvements never fail
    r = perfcast("compare", new, base)
    check(r.returncode == 0 and "improvement" in r.stdout, r.stdout)


def compare_should_not_call_too_few_samples_significant():
    base = crafted("b3.pcast", result(15e6, 60, samples=3))
    new = crafted("n3.pcast", result(10e6, 90, samples=3))
    r = perfcast("compare", base, new)
    check(r.returncode == 0, f"3 vs 3 cannot reach p < 0.05: exit {r.returncode}: {r.stdout}")
    check("use more repetitions" in r.stdout, r.stdout)


def compare_should_exit_two_when_it_cannot_judge():
    ok = crafted("b4.pcast", result(15e6, 60))
    nos = crafted("nosamples.pcast", {"ticks_per_s": 1e6})
    other = crafted("other.pcast", result(15e6, 60), suite="ringbuf")
    for args, msg in [((ok, nos), "no per-repetition samples"), ((ok, other), "ringbuf"),
                      ((ok,), "expected BASE and NEW"), ((ok, ok, "--threshold", "x"), "--threshold"),
                      ((ok, os.path.join(TMP, "missing.pcast")), "missing.pcast")]:
        r = perfcast("compare", *args)
        check(r.returncode == 2, f"{args}: exit {r.returncode}: {r.stdout}")
        check(msg in r.stderr, f"{args}: {r.stderr}")


# ---- a real run ----

def run_should_print_the_report_and_pass_its_own_check():
    path = os.path.join(TMP, "run.pcast")
    r = perfcast("run", "backtest", "--quick", "--set", "ticks=20000", "--set", "repeat=4", "-o", path,
                 "--summary-json")
    check(r.returncode == 0, f"run failed: {r.stderr}")
    for word in ["total time", "ticks/s", "median", "p99", "CPU", "peak RSS", "trades"]:
        check(word in r.stdout, f"report lacks {word}: {r.stdout}")
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    for key in ["ticks", "ticks_per_s", "tick_mean_ns", "tick_p50_ns", "tick_p90_ns", "tick_p95_ns",
                "tick_p99_ns", "peak_rss_mb", "avg_cpu_percent", "profiling_overhead_ns",
                "ticks_per_s_unprofiled"]:
        check(key in summary, f"summary lacks {key}")
    check(len(summary["ticks_per_s_samples"]) == 4, "one throughput sample per repetition")
    th = write("loose.json", json.dumps({"min_ticks_per_s": 1, "max_mean_latency_us": 1e6,
                                         "max_peak_memory_mb": 1e6, "max_cpu_percent": 1e6}))
    r = perfcast("check", path, "--thresholds", th)
    check(r.returncode == 0, f"check of a real run: {r.stdout}{r.stderr}")
    r = perfcast("compare", path, path)
    check(r.returncode == 0 and "no significant change" in r.stdout, r.stdout)
    for view in ["tick-latency-histogram", "components", "resources", "scalability", "summary"]:
        out = os.path.join(TMP, view + ".png")
        r = perfcast("render", path, "--view", view, "-o", out, "--width", "640", "--height", "360")
        check(r.returncode == 0 and os.path.getsize(out) > 1000, f"render {view}: {r.stderr}")


def input_should_run_a_csv_and_report_bad_lines():
    good = write("ticks.csv", "ts_ns,bid,ask,bid_size,ask_size\n" +
                 "".join(f"{1000 + i},{100 + (i % 7) / 100:.2f},{100.05 + (i % 7) / 100:.2f},100,100\n"
                         for i in range(500)))
    r = perfcast("run", "backtest", "--set", f"input={good}", "--set", "repeat=1", "-o",
                 os.path.join(TMP, "csv.pcast"), "--summary-json")
    check(r.returncode == 0, f"csv run: {r.stderr}{r.stdout}")
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    check(summary["ticks"] == 500 and summary["input"] == good, f"csv summary: {summary}")
    bad = write("bad.csv", "1,100.00,100.01,1,1\n2,100.00,100.01,1,1\n3,100.05,100.01,1,1\n")
    r = perfcast("run", "backtest", "--set", f"input={bad}", "-o", os.path.join(TMP, "bad.pcast"))
    check(r.returncode == 1, f"bad csv: exit {r.returncode}")
    check(f"{bad}:3: ask 100.01 is not above bid 100.05" in r.stdout + r.stderr, r.stdout + r.stderr)
    r = perfcast("run", "backtest", "--set", f"input={good}", "--set", "scale=100,1000")
    check(r.returncode == 2 and "scale and input" in r.stderr, r.stderr)


TESTS = [v for k, v in list(globals().items()) if "_should_" in k and callable(v)]

if __name__ == "__main__":
    only = sys.argv[2] if len(sys.argv) > 2 else None
    failed = 0
    for t in TESTS:
        if only and t.__name__ != only:
            continue
        try:
            t()
            print(f"PASS {t.__name__}")
        except Exception as e:  # noqa: BLE001 - report every failure, keep going
            failed += 1
            print(f"FAIL {t.__name__}: {e}")
    sys.exit(1 if failed else 0)
