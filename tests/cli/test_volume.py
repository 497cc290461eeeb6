#!/usr/bin/python3
"""test_volume.py — the volume suite through the CLI: `export --format volume-json` (keys,
per-frame arrays, a decodable GIF), `render --view volume` to GIF, edge-case runs (dim 2, a
field with no surface), sysinfo's fields, and the usage errors.

    test_volume.py PERFCAST RECORDED.pcast OUTDIR

RECORDED is a `perfcast run volume --quick` result (the volume_record ctest makes it)."""
import base64
import json
import os
import shutil
import struct
import subprocess
import sys

PERFCAST, RECORDED, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(OUT, exist_ok=True)
FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'ringbuf-fixture.pcast')

passed = failed = 0


def run(*args, timeout=120):
    return subprocess.run([PERFCAST, *args], capture_output=True, text=True, timeout=timeout)


def case(fn):
    global passed, failed
    try:
        fn()
        passed += 1
        print('ok   ' + fn.__name__)
    except Exception as e:  # noqa: BLE001 - report every failure and go on
        failed += 1
        print('FAIL %s\n     %r' % (fn.__name__, e))
    return fn


def gif_frames(data):
    """Walks a GIF's blocks (header, screen, colour tables, extensions, images with their LZW
    sub-blocks, trailer) and returns (width, height, image count); raises on any malformation."""
    assert data[:6] in (b'GIF87a', b'GIF89a'), data[:6]
    w, h, flags = struct.unpack('<HHB', data[6:11])
    pos = 13
    if flags & 0x80:
        pos += 3 * (2 << (flags & 7))
    images = 0

    def skip_blocks(p):
        while True:
            n = data[p]
            p += 1
            if n == 0:
                return p
            p += n
            assert p < len(data), 'sub-block runs past the end'

    while True:
        b = data[pos]
        if b == 0x3B:
            assert pos == len(data) - 1, 'bytes after the trailer'
            return w, h, images
        if b == 0x21:
            pos = skip_blocks(pos + 2)
        elif b == 0x2C:
            x, y, iw, ih, f = struct.unpack('<HHHHB', data[pos + 1:pos + 10])
            assert x + iw <= w and y + ih <= h, 'image outside the screen'
            pos += 10
            if f & 0x80:
                pos += 3 * (2 << (f & 7))
            assert 2 <= data[pos] <= 8, 'bad LZW minimum code size'
            pos = skip_blocks(pos + 1)
            images += 1
        else:
            raise AssertionError('unknown block 0x%02x at %d' % (b, pos))


@case
def export_volume_json_should_have_the_layout_and_a_decodable_gif():
    out = os.path.join(OUT, 'volume.json')
    r = run('export', RECORDED, '--format', 'volume-json', '-o', out)
    assert r.returncode == 0, r.stderr
    d = json.load(open(out))
    assert d['type'] == 'gif_animation'
    bd = d['benchmark_data']
    assert set(bd) >= {'system_info', 'performance_metrics', 'individual_frame_times', 'field_generation_times',
                       'marching_cubes_times', 'rendering_times', 'simulation_settings'}, bd.keys()
    assert set(bd['system_info']) >= {'cpu', 'memory', 'gpu', 'platform'}
    pm = bd['performance_metrics']
    for k in ('total_time', 'avg_frame_time', 'avg_field_generation', 'avg_marching_cubes', 'avg_rendering',
              'effective_fps', 'gif_creation_time', 'frame_conversion_time'):
        assert isinstance(pm[k], (int, float)) and pm[k] > 0, (k, pm.get(k))
    ss = bd['simulation_settings']
    for k in ('resolution', 'dimension', 'num_frames', 'fps', 'torus_altitude', 'torus_major_radius',
              'torus_minor_radius', 'smooth_min_radius'):
        assert k in ss, k
    n = ss['num_frames']
    assert n >= 1 and ss['dimension'] == 32  # the quick run
    for k in ('individual_frame_times', 'field_generation_times', 'marching_cubes_times', 'rendering_times'):
        assert len(bd[k]) == n and all(v > 0 for v in bd[k]), k
    # the parts add up to about the whole frame (seconds)
    tot = sum(bd['individual_frame_times'])
    parts = sum(map(sum, (bd['field_generation_times'], bd['marching_cubes_times'], bd['rendering_times'])))
    assert parts <= tot * 1.001 and parts >= tot * 0.8, (parts, tot)
    assert abs(pm['avg_frame_time'] - tot / n) < 1e-6
    gif = base64.b64decode(d['gif_data'], validate=True)
    w, h, frames = gif_frames(gif)
    assert (w, h) == tuple(ss['resolution']), (w, h)
    assert frames >= 2, frames
    open(os.path.join(OUT, 'volume-json.gif'), 'wb').write(gif)
    if shutil.which('ffprobe'):
        p = subprocess.run(['ffprobe', '-v', 'error', '-count_frames', '-show_entries', 'stream=nb_read_frames',
                            '-of', 'csv=p=0', os.path.join(OUT, 'volume-json.gif')], capture_output=True, text=True)
        assert p.returncode == 0 and int(p.stdout.strip()) == frames, p.stdout + p.stderr


@case
def export_volume_json_should_refuse_other_runs_and_formats():
    out = os.path.join(OUT, 'nope.json')
    r = run('export', FIXTURE, '--format', 'volume-json', '-o', out)
    assert r.returncode == 1 and 'volume run' in r.stderr and not os.path.exists(out), r.stderr
    r = run('export', RECORDED, '--format', 'bogus', '-o', out)
    assert r.returncode == 2 and 'volume-json' in r.stderr, r.stderr
    r = run('export', RECORDED, '--format', 'volume-json')
    assert r.returncode == 2 and '-o' in r.stderr, r.stderr


@case
def render_volume_should_write_an_animated_gif():
    out = os.path.join(OUT, 'volume.gif')
    r = run('render', RECORDED, '--view', 'volume', '--width', '320', '--height', '240', '--frames', '6', '-o', out)
    assert r.returncode == 0, r.stderr
    w, h, frames = gif_frames(open(out, 'rb').read())
    assert (w, h, frames) == (320, 240, 6), (w, h, frames)


@case
def run_should_handle_a_tiny_grid_and_an_empty_surface():
    out = os.path.join(OUT, 'tiny.pcast')
    r = run('run', 'volume', '--quick', '--set', 'dim=2', '--set', 'frames=3', '--summary-json', '-o', out)
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout.strip().splitlines()[-1])
    assert s['frames'] == 3 and s['dim'] == 2 and s['triangles_per_frame'] == 0, s
    for v in ('volume', 'frame-times', 'summary', 'system'):
        p = run('render', out, '--view', v, '-o', os.path.join(OUT, 'tiny-%s.png' % v))
        assert p.returncode == 0, p.stderr
    r = run('run', 'volume', '--set', 'torus_minor_radius=0.6', '--set', 'torus_major_radius=0.5')
    assert r.returncode == 2 and 'torus_minor_radius' in r.stderr, r.stderr


@case
def sysinfo_should_report_every_field_or_a_reason():
    r = run('sysinfo')
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    cpu, mem, pl = s['cpu'], s['memory'], s['platform']
    assert cpu['model'] and cpu['architecture'] and cpu['logical_cores'] >= 1 and cpu['physical_cores'] >= 1
    assert 0 <= cpu['utilization_percent'] <= 100 and cpu['frequency_mhz'] > 0
    assert mem['total_mb'] > 0 and 0 <= mem['used_mb'] <= mem['total_mb'] and 0 <= mem['percent'] <= 100
    assert mem['available_mb'] <= mem['total_mb']
    assert pl['os'] and pl['kernel'] and pl['architecture'] and pl['compiler']
    if s['gpu'] is None:
        assert s['gpu_reason'], 'no GPU and no reason'
    else:
        assert s['gpu']['name'] and s['gpu']['memory_total_mb'] > 0


print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
