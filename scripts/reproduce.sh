#!/usr/bin/env bash
# Reproduces the whole pipeline from a clean release build: run every suite with its defaults,
# then export every view of every result natively (static views as PNG, animated ones as MP4
# when ffmpeg is on PATH, else GIF). Usage: scripts/reproduce.sh [OUTDIR] (default out/).
# `make bench` calls it after the setup and the release build.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-out}
bin="$here/build/bin/perfcast"
[ -x "$bin" ] || { echo "reproduce: build first (make)" >&2; exit 1; }
mkdir -p "$out"

results=()
for suite in $("$bin" list --json | /usr/bin/python3 -c 'import json,sys; print(" ".join(s["name"] for s in json.load(sys.stdin)))'); do
  echo "== $suite"
  "$bin" run "$suite" -o "$out/$suite.pcast" --summary-json | tee "$out/$suite.txt"
  tail -n 1 "$out/$suite.txt" > "$out/$suite.summary.json"
  results+=("$out/$suite.pcast")
done

echo "== export"
# the first result keeps the plain names (latency_distribution.png, ...); views another suite
# repeats get its name as a prefix (orderbook_throughput_chart.mp4)
"$bin" export "${results[@]}" --out "$out"
echo "results and summaries in $out/: ${results[*]}"
