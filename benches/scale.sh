#!/bin/sh
# Scale benchmark: a copy of the example project with N partners (the example's three, then
# copies of Hubei's facts under generated ids and names), built by yarlung (all documents,
# print) and, when a stock Typst CLI is at hand, by stock Typst on the source bundle of the
# same documents, one after another. Medians of RUNS runs (hyperfine), warm (the processed
# figures cached, as the bundle hands them to stock Typst), and yarlung's peak RSS and
# CPU / wall time (/usr/bin/time -v).
#
#   benches/scale.sh N                      (e.g. 3, 10, 100)
#
# Environment: YARLUNG (default target/release/yarlung), TYPST_BIN (folder of the `typst`
# binary, default /tmp/typst-cli/bin), RUNS (default 5), LEAFLETS_ONLY=1 (leave the
# brochure out).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
n=${1:?usage: benches/scale.sh N}
YARLUNG=${YARLUNG:-${CARGO_TARGET_DIR:-$here/target}/release/yarlung}
TYPST_BIN=${TYPST_BIN:-/tmp/typst-cli/bin}
RUNS=${RUNS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
p="$work/p"
mkdir -p "$p"
for entry in yarlung.yaml data templates images; do cp -r "$here/$entry" "$p/"; done
i=3
while [ "$i" -lt "$n" ]; do
    id=$(printf "partner-%03d" "$i")
    sed -e "s/^id: hubei/id: $id/" -e "s/^order: 1\$/order: $((i + 1))/" \
        -e "s/^name: 湖北\$/name: 伙伴$i/" -e "s/^full-name: 湖北省/full-name: 伙伴$i省/" \
        "$p/data/provinces/hubei.yaml" > "$p/data/provinces/$id.yaml"
    i=$((i + 1))
done
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
echo "machine: $(nproc) cores; $("$YARLUNG" --version); $n partners" >&2
"$YARLUNG" build --quiet --project "$p" >/dev/null
hyperfine --style basic --warmup 1 --runs "$RUNS" \
    -n "yarlung build, $n partners (print, warm)" "$YARLUNG build --quiet --project $p"
/usr/bin/time -v "$YARLUNG" build --quiet --project "$p" 2>&1 \
    | grep -E "Maximum resident|Elapsed|User time|System time" >&2
if PATH="$TYPST_BIN:$PATH" typst --version >/dev/null 2>&1; then
    "$YARLUNG" bundle --quiet --project "$p" "$work/b"
    PATH="$TYPST_BIN:$PATH" hyperfine --style basic --warmup 1 --runs "$RUNS" \
        -n "stock typst compile, the same documents one after another" "sh $work/b/build.sh"
else
    echo "scale.sh: no typst binary in $TYPST_BIN (cargo install typst-cli --version 0.15.1); stock Typst not timed" >&2
fi
