#!/usr/bin/python3
"""mc_vs_skimage.py — our marching cubes against scikit-image's, side by side on one field,
and the full per-frame cost of the volume suite. A benchmark, not a test: prints figures.

    /usr/bin/python3 tests/bench/mc_vs_skimage.py BUILD_DIR [--dim 128] [--repeats 7] [--frames 300]

Needs Debian's python3-skimage and python3-numpy (scripts/setup.sh test installs them) and
a build with the pc_mc_bench target (cmake --build BUILD_DIR --target pc_mc_bench perfcast).

1. The field: the volume suite's scene at animation time 0.5 s (torus R = 0.55, r = 0.2,
   smooth-joined with k = 0.2 to the orbiting sphere) on a dim^3 grid over [-1, 1]^3, made
   with numpy in float32 and written to a raw file.
2. scikit-image: skimage.measure.marching_cubes(field, 0.0) (Lewiner, its default), best and
   median of REPEATS calls in this process.
3. Ours: pc_mc_bench on the same bytes (one process, one warm-up, REPEATS extracts).
4. A full frame: `perfcast run volume --set dim=64 --set frames=F` pinned to one CPU with
   taskset when there is one: field + marching cubes + a 640x480 render per frame.
Both marching cubes run on one core; the machine is shared and noisy, so run it a few times
and report the range."""
import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from skimage import measure


def field(dim, tau=0.5, R=0.55, r=0.2, k=0.2):
    """The volume suite's field (native/suites/volume/vol_field.c), indexed [z][y][x]."""
    g = np.linspace(-1.0, 1.0, dim, dtype=np.float32)
    z, y, x = np.meshgrid(g, g, g, indexing='ij')
    q = np.sqrt(x * x + y * y) - np.float32(R)
    torus = np.sqrt(q * q + z * z) - np.float32(r)
    w = 2 * math.pi / 4
    c = (R * math.cos(w * tau), R * math.sin(w * tau), 0.45 * math.sin(2 * w * tau))
    sphere = np.sqrt((x - c[0]) ** 2 + (y - c[1]) ** 2 + (z - c[2]) ** 2) - np.float32(r * 1.15)
    h = np.clip(0.5 + 0.5 * (sphere - torus) / k, 0, 1)
    return (sphere + (torus - sphere) * h - k * h * (1 - h)).astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('build')
    ap.add_argument('--dim', type=int, default=128)
    ap.add_argument('--repeats', type=int, default=7)
    ap.add_argument('--frames', type=int, default=300)
    a = ap.parse_args()
    bench = os.path.join(a.build, 'tests', 'pc_mc_bench')
    perfcast = os.path.join(a.build, 'bin', 'perfcast')
    for p in (bench, perfcast):
        if not os.access(p, os.X_OK):
            sys.exit('missing %s: cmake --build %s --target pc_mc_bench perfcast' % (p, a.build))
    pin = ['taskset', '-c', '1'] if shutil.which('taskset') and (os.cpu_count() or 1) > 1 else []

    f = field(a.dim)
    times = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        verts, faces, _n, _v = measure.marching_cubes(f, 0.0)
        times.append((time.perf_counter() - t0) * 1e3)
    sk = {'best_ms': min(times), 'median_ms': statistics.median(times), 'triangles': len(faces),
          'vertices': len(verts)}

    with tempfile.NamedTemporaryFile(suffix='.f32', delete=False) as tmp:
        tmp.write(f.tobytes(order='C'))
    try:
        out = subprocess.run(pin + [bench, tmp.name, str(a.dim), '0', str(a.repeats)], capture_output=True,
                             text=True, check=True).stdout
    finally:
        os.unlink(tmp.name)
    ours = json.loads(out)

    print('marching cubes, %d^3 field (volume scene at t = 0.5 s), best / median of %d:' % (a.dim, a.repeats))
    print('  scikit-image %-8s %8.2f / %8.2f ms   %7d triangles %7d vertices' % (
        __import__('skimage').__version__, sk['best_ms'], sk['median_ms'], sk['triangles'], sk['vertices']))
    print('  perfcast mc           %8.2f / %8.2f ms   %7d triangles %7d vertices' % (
        ours['best_ms'], ours['median_ms'], ours['triangles'], ours['vertices']))
    print('  speed-up (best, median): %.1fx, %.1fx' % (sk['best_ms'] / ours['best_ms'],
                                                      sk['median_ms'] / ours['median_ms']))

    with tempfile.TemporaryDirectory() as d:
        res = os.path.join(d, 'v.pcast')
        out = subprocess.run(pin + [perfcast, 'run', 'volume', '--set', 'dim=64', '--set', 'frames=%d' % a.frames,
                                    '--summary-json', '-o', res], capture_output=True, text=True, check=True).stdout
    s = json.loads(out.strip().splitlines()[-1])
    print('full frame, 64^3 field + marching cubes + 640x480 render, %d frames%s:' % (
        s['frames'], ', pinned to CPU 1' if pin else ''))
    print('  avg %.3f ms (field %.3f, mc %.3f, render %.3f), p50 %.3f, max %.3f ms -> %.0f fps, %d triangles' % (
        s['avg_frame_ms'], s['avg_field_ms'], s['avg_mc_ms'], s['avg_render_ms'], s['p50_frame_ms'],
        s['max_frame_ms'], s['effective_fps'], s['triangles_per_frame']))


if __name__ == '__main__':
    main()
