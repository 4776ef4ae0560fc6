#!/bin/sh
# yarlung's benchmarks, medians of RUNS runs (hyperfine), on a copy of the example project,
# each a new process. "Cold" starts from an empty output folder, so every figure is decoded,
# cropped, downsampled and encoded; "warm" keeps `out/.cache/figures` from an earlier build
# (the processed figures, which is also what the source bundle hands stock Typst):
#   1. the default build: every document and edition in one profile (print), cold and warm;
#   2. all three profiles, cold and warm;
#   3. stock Typst CLI 0.15.1 on the source bundle of the same documents (stock-typst.sh);
#   4. the incremental rebuild in `yarlung watch` after a one-fact edit (watch-latency.py);
#   5. peak RSS of the three-profile build, cold and warm (/usr/bin/time -v).
# Then the ratios the targets are stated in. Use a release build:
#
#   cargo build --release && benches/bench.sh
#
# Environment: YARLUNG, TYPST_BIN, RUNS (default 7), as in stock-typst.sh.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
export YARLUNG=${YARLUNG:-${CARGO_TARGET_DIR:-$here/target}/release/yarlung}
export RUNS=${RUNS:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export RESULTS="$work/results"
mkdir -p "$RESULTS" "$work/p"
for entry in yarlung.yaml data templates images; do cp -r "$here/$entry" "$work/p/"; done
export PROJECT="$work/p"
echo "machine: $(nproc) cores; $("$YARLUNG" --version)" >&2

hyperfine --style basic --warmup 1 --runs "$RUNS" --prepare "rm -rf $work/p/out" \
    --export-json "$RESULTS/yarlung-cold.json" \
    -n "cold: yarlung build (print)" "$YARLUNG build --quiet --project $work/p" \
    -n "cold: yarlung build --profile all" "$YARLUNG build --quiet --profile all --project $work/p"
"$YARLUNG" build --quiet --profile all --project "$work/p"
hyperfine --style basic --warmup 1 --runs "$RUNS" --prepare "rm -f $work/p/out/*/*.pdf" \
    --export-json "$RESULTS/yarlung-warm.json" \
    -n "warm: yarlung build (print)" "$YARLUNG build --quiet --project $work/p" \
    -n "warm: yarlung build --profile all" "$YARLUNG build --quiet --profile all --project $work/p"

"$here/benches/stock-typst.sh" print || echo "stock typst: not measured" >&2

peak_rss() {
    /usr/bin/time -v "$YARLUNG" build --quiet --profile all --project "$work/p" 2> "$work/time.txt"
    awk '/Maximum resident set size/ {printf "%d", $6 / 1024}' "$work/time.txt"
}
rm -rf "$work/p/out"
rss_cold=$(peak_rss)
rss_warm=$(peak_rss)

"$here/benches/watch-latency.py" "$RUNS"

python3 - "$RESULTS" "$rss_cold" "$rss_warm" <<'PY'
import json, os, sys
results, rss_cold, rss_warm = sys.argv[1:4]
def median(name, index=0):
    path = os.path.join(results, name)
    try:
        return json.load(open(path))["results"][index]["median"]
    except (OSError, ValueError, KeyError, IndexError):
        return None
stock = median("stock-typst-print.json")
if stock:
    print(f"stock typst, the default build:        median {stock * 1000:.0f} ms")
for kind in ["cold", "warm"]:
    one, three = median(f"yarlung-{kind}.json", 0), median(f"yarlung-{kind}.json", 1)
    line = f"yarlung {kind}, the default build:      median {one * 1000:.0f} ms"
    if stock:
        line += f"  ({one / stock:.2f}x stock typst; target <= 0.40x)"
    print(line)
    print(f"yarlung {kind}, 3 profiles:             median {three * 1000:.0f} ms  ({three / one:.2f}x one profile; target <= 1.5x)")
print(f"peak RSS, 3 profiles, cold / warm:     {rss_cold} MB / {rss_warm} MB (target <= 250 MB)")
PY
