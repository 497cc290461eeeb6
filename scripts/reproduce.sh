#!/usr/bin/env bash
# Reproduces the whole pipeline from a clean release build: run every suite, then draw every
# view of every result natively. Usage: scripts/reproduce.sh [OUTDIR] (default out/).
# `make bench` calls it after the setup and the release build.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-out}
bin="$here/build/bin/perfcast"
[ -x "$bin" ] || { echo "reproduce: build first (make)" >&2; exit 1; }
mkdir -p "$out"

for suite in $("$bin" list --json | /usr/bin/python3 -c 'import json,sys; print(" ".join(s["name"] for s in json.load(sys.stdin)))'); do
  echo "== $suite"
  "$bin" run "$suite" -o "$out/$suite.pcast" --summary-json | tee "$out/$suite.txt"
  tail -n 1 "$out/$suite.txt" > "$out/$suite.summary.json"
  for view in $("$bin" list --json | /usr/bin/python3 -c 'import json,sys
for s in json.load(sys.stdin):
    if s["name"] == sys.argv[1]: print(" ".join(s["views"]))' "$suite"); do
    "$bin" render "$out/$suite.pcast" --view "$view" -o "$out/$suite-$view.png"
  done
done
echo "artifacts in $out/:"
ls -1 "$out"
