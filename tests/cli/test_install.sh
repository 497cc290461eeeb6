#!/bin/sh
# test_install.sh BUILD_DIR SOURCE_DIR WORK_DIR: installs the build into a fresh prefix and uses
# it as a user would: a program built from examples/tracker_demo.c against the installed header
# and library with the link line README gives, run; its result file drawn by the installed
# perfcast, which must find the installed viewer. Exits non-zero at the first step that fails.
set -eu
build=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
test -f "$prefix/include/perfcast/tracker.h" || { echo "tracker.h not installed"; exit 1; }
test -f "$prefix/lib/libperfcast_tracker.a" || { echo "libperfcast_tracker.a not installed"; exit 1; }
# the README's link line, verbatim
cc -std=c11 -O2 -D_GNU_SOURCE -I"$prefix/include/perfcast" "$src/examples/tracker_demo.c" -o "$work/demo" \
   -L"$prefix/lib" -lperfcast_tracker -lwebsockets -lcjson -lpthread -lm -ldl
(cd "$work" && PERFCAST_AGENT= ./demo demo.pcast demo-baseline.json >demo.log 2>&1) || { cat "$work/demo.log"; exit 1; }
"$prefix/bin/perfcast" render "$work/demo.pcast" --view dashboard -o "$work/dashboard.png" >/dev/null
test -s "$work/dashboard.png" || { echo "no dashboard.png"; exit 1; }
# the installed binary serves the installed viewer
if [ -f "$build/www/index.html" ]; then
    "$prefix/bin/perfcast" agent --listen 127.0.0.1:0 --record-dir "$work/runs" >"$work/agent.log" 2>&1 &
    pid=$!
    for _ in 1 2 3 4 5 6 7 8 9 10; do grep -q "viewer" "$work/agent.log" 2>/dev/null && break; sleep 0.2; done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    grep -q "viewer    $prefix/share/perfcast/www" "$work/agent.log" || { cat "$work/agent.log"; exit 1; }
fi
echo "ok install: tracker_demo built against $prefix, its run rendered, the viewer found"
