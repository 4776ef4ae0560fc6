#!/usr/bin/env bash
# Real-browser check of `yarlung serve`: starts the server on a copy of the example
# project and runs check.py against it in headless Chromium.
#
#   tests/browser/run.sh [path/to/yarlung]
#
# The binary defaults to $CARGO_TARGET_DIR/release/yarlung, else target/release/yarlung
# in the repository; this script builds nothing. Installs chromium (apt) and
# websocket-client (pip) when missing. Screenshots go to $BROWSER_OUT (default
# <target dir>/browser-check).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$repo/target}"
bin="${1:-$target/release/yarlung}"
case "$bin" in /*) ;; *) bin="$PWD/$bin" ;; esac
if [[ ! -x "$bin" ]]; then
  echo "run.sh: no yarlung binary at $bin (build it first: cargo build --release)" >&2
  exit 2
fi
out="${BROWSER_OUT:-$target/browser-check}"

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && [[ -z "${CHROMIUM:-}" ]]; then
  echo "run.sh: installing chromium" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! python3 -c 'import websocket' 2>/dev/null; then
  echo "run.sh: installing websocket-client" >&2
  python3 -m pip install -q websocket-client 2>/dev/null \
    || python3 -m pip install -q --break-system-packages websocket-client
fi

tmp="$(mktemp -d "${TMPDIR:-/tmp}/yarlung-browser.XXXXXX")"
server=""
cleanup() {
  if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

project="$tmp/project"
mkdir -p "$project"
(cd "$repo" && cp -R yarlung.yaml data templates images "$project/")

log="$tmp/serve.log"
"$bin" serve --port 0 --only leaflet-hubei --project "$project" 2>"$log" >"$tmp/serve.out" &
server=$!

url=""
for _ in $(seq 1 1200); do   # up to 120 s
  line="$(grep -m1 -o 'serving http://[^ ]*' "$log" || true)"
  if [[ -n "$line" ]]; then url="${line#serving }"; break; fi
  if ! kill -0 "$server" 2>/dev/null; then
    echo "run.sh: yarlung serve exited before serving; its output:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ -z "$url" ]]; then
  echo "run.sh: yarlung serve printed no 'serving http://…' line within 120 s; its output:" >&2
  cat "$log" >&2
  exit 1
fi
echo "run.sh: server at $url" >&2

if ! python3 "$here/check.py" "$url" "$project" "$out"; then
  echo "run.sh: the server's output (last 40 lines):" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
