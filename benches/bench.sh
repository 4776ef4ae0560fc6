#!/bin/sh
# yarlung's benchmarks, medians of RUNS runs (hyperfine), on a copy of the example project:
#   1. the full set cold: the four documents in one profile (print);
#   2. all three profiles (twelve PDFs);
#   3. stock Typst CLI 0.15.1 on the source bundle of the same four documents (stock-typst.sh);
#   4. the incremental rebuild in `yarlung watch` after a one-fact edit (watch-latency.py);
#   5. peak RSS of the three-profile build (/usr/bin/time -v).
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
    --export-json "$RESULTS/yarlung.json" \
    -n "yarlung build (4 documents, print)" "$YARLUNG build --quiet --project $work/p" \
    -n "yarlung build --profile all (12 PDFs)" "$YARLUNG build --quiet --profile all --project $work/p"

"$here/benches/stock-typst.sh" print || echo "stock typst: not measured" >&2

rm -rf "$work/p/out"
/usr/bin/time -v "$YARLUNG" build --quiet --profile all --project "$work/p" 2> "$work/time.txt"
rss=$(awk '/Maximum resident set size/ {printf "%d", $6 / 1024}' "$work/time.txt")

"$here/benches/watch-latency.py" "$RUNS"

python3 - "$RESULTS" "$rss" <<'PY'
import json, os, sys
results, rss = sys.argv[1], sys.argv[2]
def median(name, index=0):
    path = os.path.join(results, name)
    try:
        return json.load(open(path))["results"][index]["median"]
    except (OSError, ValueError, KeyError, IndexError):
        return None
one, three = median("yarlung.json", 0), median("yarlung.json", 1)
stock = median("stock-typst-print.json")
print(f"yarlung, 4 documents, print:     median {one * 1000:.0f} ms")
print(f"yarlung, 3 profiles (12 PDFs):   median {three * 1000:.0f} ms  ({three / one:.2f}x one profile; target <= 1.5x)")
if stock:
    print(f"stock typst, 4 documents:        median {stock * 1000:.0f} ms  (yarlung = {one / stock:.2f}x; target <= 0.35x)")
print(f"peak RSS, 3 profiles:            {rss} MB (target <= 250 MB)")
PY
