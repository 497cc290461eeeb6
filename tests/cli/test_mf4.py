#!/usr/bin/python3
"""`perfcast mf4 info|export|gen` on committed fixture files (tests/data/mf4/) and bad input.

usage: test_mf4.py PERFCAST_BINARY DATA_DIR [TEST_NAME]
The goldens (fixture-info.txt, fixture-g1.csv) were written by these commands and checked by
hand against the signal generator; tests/unit/test_mdf4.c checks the values themselves.
"""
import os
import shutil
import subprocess
import sys
import tempfile

BIN = os.path.abspath(sys.argv[1])
DATA = sys.argv[2]
TMP = tempfile.mkdtemp(prefix="perfcast-mf4-")
FIXTURE = os.path.join(DATA, "fixture.mf4")


def perfcast(*args, cwd=None):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def mf4_info_should_match_the_golden():
    # run from DATA so the file name in the first line is the same as in the golden
    r = perfcast("mf4", "info", "fixture.mf4", cwd=DATA)
    check(r.returncode == 0, r.stderr)
    with open(os.path.join(DATA, "fixture-info.txt")) as f:
        check(r.stdout == f.read(), "info output differs from fixture-info.txt:\n" + r.stdout)


def mf4_export_should_write_the_named_channels_master_first():
    r = perfcast("mf4", "export", FIXTURE, "--group", "1", "--channel", "Pressure", "--channel", "Vibration",
                 "--channel", "Alarm", "--csv", "-")
    check(r.returncode == 0, r.stderr)
    with open(os.path.join(DATA, "fixture-g1.csv")) as f:
        check(r.stdout == f.read(), "export differs from fixture-g1.csv")
    rows = r.stdout.splitlines()
    check(rows[0] == "time,Pressure,Vibration,Alarm", rows[0])
    check(len(rows) == 151, "150 records + header, got %d lines" % len(rows))
    # Vibration is int16 with a 0.001 factor: physical values are multiples of 0.001
    v = [float(x.split(",")[2]) for x in rows[1:]]
    check(all(abs(x * 1000 - round(x * 1000)) < 1e-6 for x in v), "vibration not on the 0.001 grid")


def mf4_export_should_find_the_group_of_a_named_channel():
    r = perfcast("mf4", "export", FIXTURE, "--channel", "Torque", "--csv", "-")
    check(r.returncode == 0, r.stderr)
    rows = r.stdout.splitlines()
    check(rows[0] == "time,Torque" and len(rows) == 201, rows[:2])


def mf4_export_should_write_each_group_to_its_own_file():
    out = os.path.join(TMP, "all.csv")
    r = perfcast("mf4", "export", FIXTURE, "--csv", out)
    check(r.returncode == 0, r.stderr)
    for g, n in ((0, 200), (1, 150)):
        path = os.path.join(TMP, "all.%d.csv" % g)
        check(os.path.exists(path), path + " missing")
        with open(path) as f:
            rows = f.read().splitlines()
        check(len(rows) == n + 1, "%s: %d lines" % (path, len(rows)))
        check(rows[0].startswith("time,") and len(rows[0].split(",")) == 11, rows[0])
    check(not os.path.exists(out), "no un-indexed file when there are two groups")


def mf4_export_should_read_dz_blocks():
    r = perfcast("mf4", "export", os.path.join(DATA, "fixture-dz.mf4"), "--csv", "-")
    check(r.returncode == 0, r.stderr)
    check(len(r.stdout.splitlines()) == 301, "300 records + header")


def mf4_gen_should_write_a_file_of_the_asked_size():
    out = os.path.join(TMP, "gen.mf4")
    r = perfcast("mf4", "gen", out, "--size-mb", "0.2", "--pattern", "industrial")
    check(r.returncode == 0, r.stderr)
    check(r.stdout.strip() == "%s: 5000 industrial records" % out, r.stdout)
    size = os.path.getsize(out)
    check(200000 <= size < 210000, "size %d" % size)
    r = perfcast("mf4", "info", out)
    check("5000 records of 40 bytes" in r.stdout, r.stdout)


def mf4_should_name_file_block_and_offset_for_bad_files():
    bad = os.path.join(TMP, "cut.mf4")
    with open(FIXTURE, "rb") as f:
        data = f.read()
    with open(bad, "wb") as f:
        f.write(data[: len(data) - 100])
    r = perfcast("mf4", "info", bad)
    check(r.returncode == 1, "exit %d" % r.returncode)
    check(r.stderr.startswith("perfcast mf4: %s: " % bad) and " block at 0x" in r.stderr, r.stderr)
    notmdf = os.path.join(TMP, "x.mf4")
    with open(notmdf, "wb") as f:
        f.write(b"PERFCAST" + b"\0" * 100)
    r = perfcast("mf4", "info", notmdf)
    check(r.returncode == 1, "exit %d" % r.returncode)
    check(r.stderr == "perfcast mf4: %s: ID block at offset 0x0: not an MDF file (no \"MDF     \" at byte 0)\n"
          % notmdf, r.stderr)
    r = perfcast("mf4", "info", os.path.join(TMP, "missing.mf4"))
    check(r.returncode == 1 and "cannot open" in r.stderr, r.stderr)


def mf4_should_reject_bad_usage():
    for args, text in ((["mf4"], "missing subcommand"), (["mf4", "frob"], "unknown subcommand"),
                       (["mf4", "export", FIXTURE], "needs --csv"),
                       (["mf4", "gen", "x.mf4", "--size-mb", "0"], "--size-mb"),
                       (["mf4", "gen", "x.mf4", "--size-mb", "1", "--pattern", "marine"], "--pattern")):
        r = perfcast(*args)
        check(r.returncode == 2 and text in r.stderr, "%s: %d %s" % (args, r.returncode, r.stderr))
    r = perfcast("mf4", "export", FIXTURE, "--channel", "Nope", "--csv", "-")
    check(r.returncode == 1 and "no channel \"Nope\"" in r.stderr, r.stderr)
    r = perfcast("mf4", "export", FIXTURE, "--group", "7", "--csv", "-")
    check(r.returncode == 1 and "no group 7" in r.stderr, r.stderr)


TESTS = [v for k, v in sorted(globals().items()) if "_should_" in k and callable(v)]

if __name__ == "__main__":
    only = sys.argv[3] if len(sys.argv) > 3 else None
    failed = 0
    for t in TESTS:
        if only and t.__name__ != only:
            continue
        try:
            t()
            print("ok   " + t.__name__)
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            failed += 1
            print("FAIL %s: %s" % (t.__name__, e))
    shutil.rmtree(TMP, ignore_errors=True)
    print("%d failed" % failed)
    sys.exit(1 if failed else 0)
