#!/bin/sh
# Scale benchmark: a copy of the example project with N partners (benches/partners.py: the
# example's three, then copies of Hubei's facts under generated names), its Chinese edition
# built by yarlung (all documents, print) and by stock Typst on the source bundle of the
# same documents, one `typst compile` after another, side by side in one run. Medians of
# RUNS runs (hyperfine; medians and their ratio printed), warm (the processed figures cached, as the bundle hands them to
# stock Typst); then one more yarlung build for its CPU / wall time (/usr/bin/time) and its
# peak RSS over all its processes, the worker processes included (benches/peak-rss.py).
#
#   benches/scale.sh N                      (e.g. 3, 10, 100)
#
# Environment: YARLUNG (default target/release/yarlung), TYPST_BIN (folder of the `typst`
# 0.15.1 binary, default: the one on PATH), RUNS (default 5), LEAFLETS_ONLY=1 (leave the
# brochure out).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:?usage: benches/scale.sh N}
YARLUNG=${YARLUNG:-${CARGO_TARGET_DIR:-$here/target}/release/yarlung}
[ -n "${TYPST_BIN:-}" ] && PATH="$TYPST_BIN:$PATH"
RUNS=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
p="$work/p"
python3 "$here/benches/partners.py" "$n" "$p"
if [ "${LEAFLETS_ONLY:-}" = 1 ]; then
    python3 - "$p/yarlung.yaml" <<'PY'
import sys
path = sys.argv[1]
text = open(path, encoding="utf-8").read()
start = text.index("  - name: brochure")
end = text.index("  - name: leaflet")
open(path, "w", encoding="utf-8").write(text[:start] + text[end:])
PY
fi
build="$YARLUNG build --quiet --edition zh --project $p"
echo "machine: $(nproc) cores; $("$YARLUNG" --version); $n partners" >&2
$build >/dev/null
set -- -n "yarlung build, $n partners (print, warm)" "$build"
if typst --version >/dev/null 2>&1; then
    typst --version >&2
    "$YARLUNG" bundle --quiet --edition zh --project "$p" "$work/b"
    set -- "$@" -n "stock typst compile, the same documents one after another" "sh $work/b/build.sh"
else
    echo "scale.sh: no typst on PATH or in TYPST_BIN (cargo install typst-cli --version 0.15.1); stock Typst not timed" >&2
fi
hyperfine --style basic --warmup 1 --runs "$RUNS" --export-json "$work/times.json" "$@"
python3 - "$work/times.json" <<'PY'
import json, statistics, sys
results = json.load(open(sys.argv[1]))["results"]
medians = [statistics.median(r["times"]) for r in results]
for r, m in zip(results, medians):
    print(f"median {m:7.2f} s  {r['command'][:70]}")
if len(medians) == 2:
    print(f"yarlung / stock Typst: {medians[0] / medians[1]:.2f}x")
PY
/usr/bin/time -f "yarlung: %e s wall, %U s user + %S s system" $build
python3 "$here/benches/peak-rss.py" $build
