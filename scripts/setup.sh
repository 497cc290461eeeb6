#!/usr/bin/env bash
# Installs what perfcast needs to build and test on Debian bookworm.
#   scripts/setup.sh build   system packages for the native + wasm build, cJSON source for wasm
#   scripts/setup.sh test    the above plus Chromium and the browser-test npm packages
# As root it installs what is missing; otherwise it prints the exact apt-get line and fails.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
mode=${1:-build}

pkgs=(build-essential cmake pkg-config libwebsockets-dev libcjson-dev libstb-dev fonts-dejavu-core
      libpng-dev zlib1g-dev libgif-dev emscripten nodejs dpkg-dev)
if [ "$mode" = test ]; then
  pkgs+=(chromium python3-websockets ffmpeg python3-skimage python3-numpy)
  pkgs+=(clang-14 libclang-rt-14-dev)  # libFuzzer for the fuzz_mdf4 ctest (tests/fuzz/)
  pkgs+=(python3-prometheus-client)  # strict Prometheus text parser for tests/e2e/test_rest.py
fi

missing=()
for p in "${pkgs[@]}"; do
  # nodejs may come from elsewhere (a newer node on PATH is fine)
  if [ "$p" = nodejs ] && command -v node >/dev/null 2>&1; then continue; fi
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "perfcast: missing system packages. Run as root:" >&2
    echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "perfcast: installing ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

# cJSON source for the WASM build, from Debian's source package (never committed).
# A user who has it elsewhere passes CJSON_SOURCE_DIR instead.
cjson_dir="$here/.deps/cjson"
if [ -z "${CJSON_SOURCE_DIR:-}" ] && [ ! -f "$cjson_dir/cJSON.c" ]; then
  if ! ls /etc/apt/sources.list.d/*.sources 2>/dev/null | xargs -r grep -lq '^Types:.*deb-src'; then
    if [ "$(id -u)" != 0 ]; then
      echo "perfcast: the wasm build needs Debian's cjson source package; as root run scripts/setup.sh once" >&2
      exit 1
    fi
    # Derive a deb-src entry from the existing deb entry (same mirror and key), never hard-code a mirror.
    src=/etc/apt/sources.list.d/debian.sources
    uri=$(awk '/^URIs:/{print $2; exit}' "$src")
    key=$(awk '/^Signed-By:/{print $2; exit}' "$src")
    printf 'Types: deb-src\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: %s\n' \
      "$uri" "$key" > /etc/apt/sources.list.d/perfcast-deb-src.sources
    apt-get update -q
  fi
  tmp=$(mktemp -d) && chmod 755 "$tmp"   # apt-get source runs as _apt
  (cd "$tmp" && apt-get source -q cjson >/dev/null)
  mkdir -p "$cjson_dir"
  cp "$tmp"/cjson-*/cJSON.c "$tmp"/cjson-*/cJSON.h "$tmp"/cjson-*/LICENSE "$cjson_dir"/
  rm -rf "$tmp"
fi

if [ "$mode" = test ]; then
  # playwright-core drives Debian's Chromium; its own browser download is never used.
  if [ ! -d "$here/tests/browser/node_modules/playwright-core" ]; then
    (cd "$here/tests/browser" && npm ci --no-audit --no-fund --silent)
  fi
fi
