#!/usr/bin/python3
"""Native export: `perfcast render` to PNG/GIF/MP4 and `perfcast export`.

usage: test_export.py PERFCAST_BINARY FIXTURE [TEST_NAME]
Each test is a function named <area>_should_<behaviour>; all run unless one is named. The GIF
checks parse and decode the file here (no imaging library), the MP4 checks use ffprobe and
are skipped, saying so, when ffmpeg/ffprobe are not installed.
"""
import json
import os
import pty
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
import zlib

BIN = sys.argv[1]
FIXTURE = sys.argv[2]
TMP = tempfile.mkdtemp(prefix="perfcast-export-")
HAVE_FFMPEG = shutil.which("ffmpeg") is not None and shutil.which("ffprobe") is not None
RINGBUF_NAMES = {"latency_distribution", "throughput_chart", "comparison_chart", "performance_summary"}


def perfcast(*args, timeout=120, env=None):
    return subprocess.run([BIN, *args], capture_output=True, text=True, timeout=timeout, env=env)


class Skip(Exception):
    """Raised by a test that cannot run here (reason in the message)."""


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def tmp(name):
    return os.path.join(TMP, name)


# ---- file parsers ----

def png_info(path):
    """(width, height) of a PNG after checking its signature and every chunk's CRC."""
    with open(path, "rb") as f:
        data = f.read()
    check(data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG")
    off, chunks = 8, []
    while off < len(data):
        n, kind = struct.unpack_from(">I4s", data, off)
        body = data[off + 8:off + 8 + n]
        crc = struct.unpack_from(">I", data, off + 8 + n)[0]
        check(zlib.crc32(kind + body) == crc, f"{path}: bad CRC in {kind}")
        chunks.append(kind)
        off += 12 + n
    check(chunks[0] == b"IHDR" and chunks[-1] == b"IEND" and b"IDAT" in chunks, f"{path}: chunks {chunks}")
    return struct.unpack_from(">II", data, 16)


def lzw_decode(min_size, data, npix):
    """GIF's variable-width LZW: the palette indices of one image."""
    clear, end = 1 << min_size, (1 << min_size) + 1
    out = bytearray()
    size, table, prev = min_size + 1, None, None
    bits = nbits = pos = 0
    while len(out) < npix:
        while nbits < size:
            check(pos < len(data), "LZW data ends early")
            bits |= data[pos] << nbits
            pos += 1
            nbits += 8
        code = bits & ((1 << size) - 1)
        bits >>= size
        nbits -= size
        if code == clear:
            table = [bytes([i]) for i in range(clear)] + [b"", b""]
            size, prev = min_size + 1, None
            continue
        if code == end:
            break
        check(table is not None, "LZW stream does not start with a clear code")
        if code < len(table):
            entry = table[code]
            if prev is not None:
                table.append(prev + entry[:1])
        else:
            check(code == len(table) and prev is not None, f"bad LZW code {code}")
            entry = prev + prev[:1]
            table.append(entry)
        out += entry
        prev = entry
        if len(table) == (1 << size) and size < 12:
            size += 1
    return bytes(out[:npix])


def gif_parse(path, decode=False):
    """Walks every block of a GIF. Returns a dict: size, loop (NETSCAPE loop count or None),
    frames (list of dicts: delay, rect, transparent, and with decode=True the composited RGB
    bytes of the whole canvas after that frame)."""
    with open(path, "rb") as f:
        data = f.read()
    check(data[:6] == b"GIF89a", f"{path}: not a GIF89a")
    w, h, flags = struct.unpack_from("<HHB", data, 6)
    off = 13
    palette = None
    if flags & 0x80:
        n = 2 << (flags & 7)
        palette = data[off:off + 3 * n]
        off += 3 * n
    check(palette is not None, "no global palette")
    canvas = bytearray(w * h * 3)
    info = {"size": (w, h), "loop": None, "frames": [], "gce": 0}
    gce = None

    def sub_blocks(off):
        parts = []
        while True:
            n = data[off]
            off += 1
            if n == 0:
                return b"".join(parts), off
            parts.append(data[off:off + n])
            off += n

    while True:
        check(off < len(data), "GIF ends without a trailer")
        b = data[off]
        if b == 0x3B:
            check(off == len(data) - 1, "bytes after the trailer")
            break
        if b == 0x21:
            label = data[off + 1]
            body, off = sub_blocks(off + 2)
            if label == 0xF9:
                info["gce"] += 1
                pflags, delay, tindex = struct.unpack_from("<BHB", body, 0)
                gce = {"delay": delay, "transparent": tindex if pflags & 1 else None, "dispose": (pflags >> 2) & 7}
            elif label == 0xFF and body[:11] == b"NETSCAPE2.0":
                info["loop"] = struct.unpack_from("<H", body, 12)[0]
            continue
        check(b == 0x2C, f"unexpected block 0x{b:02x} at byte {off}")
        x, y, iw, ih, iflags = struct.unpack_from("<HHHHB", data, off + 1)
        off += 10
        check(not iflags & 0x80, "unexpected local palette")
        check(x + iw <= w and y + ih <= h and iw > 0 and ih > 0, f"frame rect {x},{y} {iw}x{ih} outside {w}x{h}")
        min_size = data[off]
        lzw, off = sub_blocks(off + 1)
        frame = {"rect": (x, y, iw, ih), "delay": gce["delay"] if gce else None,
                 "transparent": gce["transparent"] if gce else None}
        if decode:
            idx = lzw_decode(min_size, lzw, iw * ih)
            check(len(idx) == iw * ih, "short image data")
            t = frame["transparent"]
            for row in range(ih):
                for col in range(iw):
                    i = idx[row * iw + col]
                    if i == t:
                        continue
                    p = ((y + row) * w + x + col) * 3
                    canvas[p:p + 3] = palette[3 * i:3 * i + 3]
            frame["rgb"] = bytes(canvas)
        info["frames"].append(frame)
        gce = None
    return info


def rgba_to_rgb(raw):
    return bytes(b for i, b in enumerate(raw) if i % 4 != 3)


def close_enough(a, b, tol=24, share=0.002):
    """True when at most `share` of the pixels differ by more than tol in a channel."""
    bad = sum(1 for i in range(0, len(a), 3) if max(abs(a[i] - b[i]), abs(a[i + 1] - b[i + 1]),
                                                    abs(a[i + 2] - b[i + 2])) > tol)
    return bad <= share * (len(a) // 3), bad


def ffprobe(path):
    r = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                        "stream=codec_name,width,height,nb_read_frames,pix_fmt", "-of", "json", path],
                       capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, f"ffprobe {path}: {r.stderr}")
    return json.loads(r.stdout)["streams"][0]


def no_temporaries(folder):
    left = [f for f in os.listdir(folder) if ".tmp" in f]
    check(not left, f"temporary files left in {folder}: {left}")


# ---- render ----

def render_png_should_be_a_valid_png_of_the_requested_size():
    for view in ["latency-histogram", "throughput-timeline", "summary"]:
        out = tmp(f"r-{view}.png")
        r = perfcast("render", FIXTURE, "--view", view, "-o", out, "--width", "320", "--height", "180")
        check(r.returncode == 0, f"{view}: {r.stderr}")
        check(png_info(out) == (320, 180), f"{view}: size {png_info(out)}")


def render_gif_should_have_the_requested_frames_size_and_loop():
    out = tmp("anim.gif")
    r = perfcast("render", FIXTURE, "--view", "throughput-timeline", "-o", out, "--frames", "37", "--fps", "25",
                 "--width", "320", "--height", "180")
    check(r.returncode == 0, r.stderr)
    g = gif_parse(out)
    check(g["size"] == (320, 180), f"size {g['size']}")
    check(len(g["frames"]) == 37, f"{len(g['frames'])} image descriptors, want 37")
    check(g["gce"] == 37, f"{g['gce']} graphic control extensions, want 37")
    check(g["loop"] == 0, f"loop extension {g['loop']} (want 0 = forever)")
    delays = [f["delay"] for f in g["frames"]]
    check(delays[:-1] == [4] * 36, f"25 fps wants 4/100 s per frame: {delays}")
    check(delays[-1] > 4, f"the last frame is held longer: {delays[-1]}")
    check(g["frames"][0]["rect"] == (0, 0, 320, 180), "the first frame covers the canvas")


def render_gif_should_sweep_from_the_start_to_the_end_state():
    out = tmp("sweep.gif")
    r = perfcast("render", FIXTURE, "--view", "throughput-timeline", "-o", out, "--frames", "6",
                 "--width", "160", "--height", "96")
    check(r.returncode == 0, r.stderr)
    frames = gif_parse(out, decode=True)["frames"]
    for name, at, idx in [("end", None, -1), ("start", "0", 0)]:
        raw = tmp(f"sweep-{name}.rgba")
        args = ["--at", at] if at else []
        r = perfcast("render", FIXTURE, "--view", "throughput-timeline", "-o", raw, "--width", "160",
                     "--height", "96", *args)
        check(r.returncode == 0, r.stderr)
        with open(raw, "rb") as f:
            want = rgba_to_rgb(f.read())
        ok, bad = close_enough(frames[idx]["rgb"], want)
        check(ok, f"GIF frame {idx} differs from the {name} state in {bad} pixels")
    check(frames[0]["rgb"] != frames[-1]["rgb"], "an animated view must change between the first and last frame")


def render_gif_should_be_deterministic():
    a, b = tmp("det-a.gif"), tmp("det-b.gif")
    for out in (a, b):
        r = perfcast("render", FIXTURE, "--view", "throughput-timeline", "-o", out, "--frames", "12",
                     "--width", "200", "--height", "120")
        check(r.returncode == 0, r.stderr)
    with open(a, "rb") as fa, open(b, "rb") as fb:
        check(fa.read() == fb.read(), "two renders of the same GIF differ")


def render_mp4_should_have_the_requested_frames_and_size():
    if not HAVE_FFMPEG:
        raise Skip("no ffmpeg/ffprobe on PATH")
    out = tmp("anim.mp4")
    r = perfcast("render", FIXTURE, "--view", "throughput-timeline", "-o", out, "--frames", "24",
                 "--width", "320", "--height", "180")
    check(r.returncode == 0, r.stderr)
    s = ffprobe(out)
    check(int(s["nb_read_frames"]) == 24, f"frames {s['nb_read_frames']}")
    check((s["width"], s["height"]) == (320, 180), f"size {s['width']}x{s['height']}")
    check(s["pix_fmt"] == "yuv420p", s)
    with open(out, "rb") as f:
        head = f.read(64)
    check(head[4:8] == b"ftyp" and b"moov" in open(out, "rb").read(4096), "moov not at the front (+faststart)")


def render_mp4_without_ffmpeg_should_say_so_and_suggest_gif():
    empty = tmp("no-ffmpeg-bin")
    os.makedirs(empty, exist_ok=True)
    out = tmp("none.mp4")
    r = perfcast("render", FIXTURE, "--view", "summary", "-o", out, env={**os.environ, "PATH": empty})
    check(r.returncode == 1, f"exit {r.returncode}: {r.stderr}")
    lines = [l for l in r.stderr.splitlines() if l.strip()]
    check(len(lines) == 1 and "ffmpeg" in r.stderr and ".gif" in r.stderr, r.stderr)
    check(not os.path.exists(out), "an mp4 was written without ffmpeg")


def render_bad_requests_should_exit_two_with_one_line():
    cases = [["--view", "nosuchview", "-o", "x.png"], ["--view", "summary", "-o", "x.bmp"],
             ["--view", "summary", "-o", "x.gif", "--frames", "0"],
             ["--view", "summary", "-o", "x.gif", "--frames", "2.5"],
             ["--view", "summary", "-o", "x.gif", "--fps", "0"], ["--view", "summary", "-o", "x.gif", "--fps", "60"],
             ["--view", "summary", "-o", "x.mp4", "--width", "321"], ["--view", "summary", "-o", "x.gif", "--at", "1"],
             ["--view", "summary", "-o", "x.png", "--frames", "10"]]
    for args in cases:
        r = perfcast("render", FIXTURE, *[a if a not in ("x.png", "x.bmp", "x.gif", "x.mp4") else tmp(a) for a in args])
        check(r.returncode == 2, f"{args}: exit {r.returncode}, want 2 ({r.stderr!r})")
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        check(len(lines) == 1, f"{args}: want one line on stderr, got {r.stderr!r}")
    for name in ("x.png", "x.bmp", "x.gif", "x.mp4"):
        check(not os.path.exists(tmp(name)), f"{name} written by a refused command")


def render_garbage_file_should_exit_one_naming_it():
    garbage = tmp("garbage.pcast")
    with open(garbage, "wb") as f:
        f.write(b"not a result file" * 10)
    out = tmp("garbage.gif")
    r = perfcast("render", garbage, "--view", "summary", "-o", out, "--frames", "3")
    check(r.returncode == 1 and "garbage.pcast" in r.stderr, r.stderr)
    check(len([l for l in r.stderr.splitlines() if l.strip()]) == 1, r.stderr)
    check(not os.path.exists(out), "output written for a garbage input")


def render_interrupted_should_leave_neither_file_nor_temporary():
    for ext in [".gif", ".mp4"] if HAVE_FFMPEG else [".gif"]:
        interrupt_render(ext)


def interrupt_render(ext):
    folder = tmp("interrupt" + ext)
    os.makedirs(folder, exist_ok=True)
    out = os.path.join(folder, "long" + ext)
    p = subprocess.Popen([BIN, "render", FIXTURE, "--view", "throughput-timeline", "-o", out, "--frames", "10000",
                          "--width", "320", "--height", "180"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)
    deadline = time.time() + 60
    while time.time() < deadline and p.poll() is None and not any(".tmp" in f for f in os.listdir(folder)):
        time.sleep(0.01)
    check(p.poll() is None, "the 10000-frame render ended before it could be interrupted")
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=60)
    check(p.returncode == 130 and "interrupted" in err, f"{ext}: exit {p.returncode}: {err}")
    check(os.listdir(folder) == [], f"{ext}: left behind: {os.listdir(folder)}")


def render_should_show_progress_only_on_a_terminal():
    out = tmp("progress.gif")
    args = [BIN, "render", FIXTURE, "--view", "throughput-timeline", "-o", out, "--frames", "20",
            "--width", "160", "--height", "96"]
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    check(r.returncode == 0 and "\r" not in r.stderr and "frame" not in r.stderr.split("wrote")[0], r.stderr)
    master, slave = pty.openpty()
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    check(p.wait(timeout=120) == 0, seen)
    check(b"\rperfcast: " in seen.replace(b"\x1b[K", b"") and b"frame 20/20" in seen, f"no progress line: {seen!r}")


# ---- export ----

def export_should_write_every_view_of_the_fixture_with_the_expected_names():
    out = tmp("export-fixture")
    r = perfcast("export", FIXTURE, "--out", out, "--animated", "gif", "--width", "320", "--height", "180",
                 "--frames", "8")
    check(r.returncode == 0, r.stderr)
    files = sorted(os.listdir(out))
    want = sorted(["latency_distribution.png", "throughput_chart.gif", "comparison_chart.png",
                   "performance_summary.png"])
    check(files == want, f"wrote {files}, want {want}")
    for f in files:
        path = os.path.join(out, f)
        check(path in r.stdout, f"{path} not in the printed list: {r.stdout}")
        if f.endswith(".png"):
            check(png_info(path) == (320, 180), f"{f}: size")
    g = gif_parse(os.path.join(out, "throughput_chart.gif"))
    check(len(g["frames"]) == 8 and g["size"] == (320, 180), f"gif frames {len(g['frames'])} size {g['size']}")
    check("KiB" in r.stdout or " B" in r.stdout, f"no sizes printed: {r.stdout}")


def export_should_pick_mp4_when_ffmpeg_is_present_else_gif():
    out = tmp("export-auto")
    r = perfcast("export", FIXTURE, "--out", out, "--width", "320", "--height", "180", "--frames", "6")
    check(r.returncode == 0, r.stderr)
    ext = ".mp4" if shutil.which("ffmpeg") else ".gif"
    check(os.path.exists(os.path.join(out, "throughput_chart" + ext)), f"{os.listdir(out)}: want {ext}")
    if HAVE_FFMPEG:
        s = ffprobe(os.path.join(out, "throughput_chart.mp4"))
        check(int(s["nb_read_frames"]) == 6 and (s["width"], s["height"]) == (320, 180), s)
    empty = tmp("no-ffmpeg-bin")
    os.makedirs(empty, exist_ok=True)
    out2 = tmp("export-noffmpeg")
    r = perfcast("export", FIXTURE, "--out", out2, "--width", "320", "--height", "180", "--frames", "4",
                 env={**os.environ, "PATH": empty})
    check(r.returncode == 0, r.stderr)
    check(os.path.exists(os.path.join(out2, "throughput_chart.gif")), f"no ffmpeg: {os.listdir(out2)}")
    r = perfcast("export", FIXTURE, "--out", tmp("export-forced"), "--animated", "mp4",
                 env={**os.environ, "PATH": empty})
    check(r.returncode == 1 and "ffmpeg" in r.stderr and not os.path.exists(tmp("export-forced")), r.stderr)


def export_should_prefix_names_that_a_later_input_repeats():
    out = tmp("export-twice")
    copy = tmp("second.pcast")
    shutil.copy(FIXTURE, copy)
    r = perfcast("export", FIXTURE, copy, copy, "--out", out, "--animated", "gif", "--width", "160",
                 "--height", "96", "--frames", "2")
    check(r.returncode == 0, r.stderr)
    bases = {os.path.splitext(f)[0] for f in os.listdir(out)}
    want = RINGBUF_NAMES | {"ringbuf_" + n for n in RINGBUF_NAMES} | {"ringbuf2_" + n for n in RINGBUF_NAMES}
    check(bases == want, f"got {sorted(bases)}")


def export_bad_input_should_write_nothing_and_name_it():
    garbage = tmp("bad.pcast")
    with open(garbage, "wb") as f:
        f.write(b"PERFCAST" + b"\x00" * 40)
    out = tmp("export-bad")
    r = perfcast("export", FIXTURE, garbage, "--out", out, "--animated", "gif")
    check(r.returncode == 1 and "bad.pcast" in r.stderr, f"exit {r.returncode}: {r.stderr}")
    check(not os.path.exists(out), f"wrote {os.listdir(out) if os.path.isdir(out) else out} for a bad input")
    r = perfcast("export", tmp("missing.pcast"), "--out", out)
    check(r.returncode == 1 and "missing.pcast" in r.stderr, r.stderr)


def export_usage_errors_should_exit_two_with_one_line():
    for cmd in (["export"], ["render"]):
        r = perfcast(*cmd, "--help")
        check(r.returncode == 0 and "usage" in r.stdout and "gif" in r.stdout, f"{cmd} --help: {r.stdout!r}")
    cases = [["export"], ["export", FIXTURE], ["export", FIXTURE, "--out", tmp("u"), "--frames", "0"],
             ["export", FIXTURE, "--out", tmp("u"), "--animated", "webm"],
             ["export", FIXTURE, "--out", tmp("u"), "--bogus"],
             ["export", FIXTURE, "--out", tmp("u"), "--width", "5"]]
    for args in cases:
        r = perfcast(*args)
        check(r.returncode == 2, f"{args}: exit {r.returncode}, want 2 ({r.stderr!r})")
        lines = [l for l in r.stderr.splitlines() if l.strip()]
        check(len(lines) == 1, f"{args}: want one line on stderr, got {r.stderr!r}")
    check(not os.path.exists(tmp("u")), "a refused export created its folder")


def export_of_a_ringbuf_and_orderbook_pair_should_write_the_expected_set():
    suites = {s["name"] for s in json.loads(perfcast("list", "--json").stdout)}
    if "orderbook" not in suites:
        raise Skip("this build has no orderbook suite")
    ob = tmp("orderbook.pcast")
    r = perfcast("run", "orderbook", "--quick", "--set", "duration=0.3", "-o", ob, timeout=300)
    check(r.returncode == 0, f"orderbook run: {r.stderr}")
    out = tmp("export-pair")
    r = perfcast("export", FIXTURE, ob, "--out", out, "--animated", "gif", "--width", "320", "--height", "180",
                 "--frames", "5", timeout=300)
    check(r.returncode == 0, r.stderr)
    names = {os.path.splitext(f)[0]: os.path.splitext(f)[1] for f in os.listdir(out)}
    for n in ["latency_distribution", "throughput_chart", "orderbook_depth", "comparison_chart", "performance_summary"]:
        check(n in names, f"{n} missing from {sorted(names)}")
    # the orderbook's own copies of views the ringbuf result already wrote carry its suite's name
    want = RINGBUF_NAMES | {"orderbook_depth", "latency_animation", "orderbook_throughput_chart",
                            "orderbook_comparison_chart", "orderbook_performance_summary"}
    check(set(names) == want, f"got {sorted(names)}, want {sorted(want)}")
    check(names["orderbook_depth"] == ".gif", "orderbook_depth is animated")
    check(names["latency_distribution"] == ".png" and names["performance_summary"] == ".png", names)
    g = gif_parse(os.path.join(out, "orderbook_depth.gif"), decode=True)
    check(len(g["frames"]) == 5, f"{len(g['frames'])} frames")
    check(g["frames"][1]["rgb"] != g["frames"][-1]["rgb"], "the depth animation does not change")
    no_temporaries(out)


TESTS = [v for k, v in list(globals().items()) if "_should_" in k and callable(v)]

if __name__ == "__main__":
    only = sys.argv[3] if len(sys.argv) > 3 else None
    passed = failed = skipped = 0
    for t in TESTS:
        if only and t.__name__ != only:
            continue
        try:
            t()
            print(f"ok   {t.__name__}", flush=True)
            passed += 1
        except Skip as e:
            print(f"skip {t.__name__}: {e}", flush=True)
            skipped += 1
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            print(f"FAIL {t.__name__}: {e}", flush=True)
            failed += 1
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    if not failed:
        shutil.rmtree(TMP, ignore_errors=True)
    sys.exit(1 if failed or not passed else 0)
