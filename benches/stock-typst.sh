#!/bin/sh
# Times stock `typst compile` (Typst CLI 0.15.1) on the source bundle of the same documents
# yarlung builds: `yarlung bundle DIR`, then `sh DIR/build.sh` (the documents one
# after another), as a median of RUNS runs with hyperfine.
#
#   benches/stock-typst.sh [PROFILE]       (default: print)
#
# Environment: YARLUNG (the yarlung binary, default target/release/yarlung), TYPST_BIN
# (folder holding the `typst` binary, default /tmp/typst-cli/bin), RUNS (default 5),
# PROJECT (default: this repository), RESULTS (folder for hyperfine's JSON, default a temp dir).
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
profile=${1:-print}
YARLUNG=${YARLUNG:-${CARGO_TARGET_DIR:-$here/target}/release/yarlung}
TYPST_BIN=${TYPST_BIN:-/tmp/typst-cli/bin}
RUNS=${RUNS:-5}
PROJECT=${PROJECT:-$here}
RESULTS=${RESULTS:-$(mktemp -d)}
if ! PATH="$TYPST_BIN:$PATH" typst --version >/dev/null 2>&1; then
    echo "stock-typst.sh: no typst binary in $TYPST_BIN or PATH (cargo install typst-cli --version 0.15.1)" >&2
    exit 2
fi
bundle=$(mktemp -d)
trap 'rm -rf "$bundle"' EXIT
"$YARLUNG" bundle --quiet --profile "$profile" --project "$PROJECT" "$bundle/b"
PATH="$TYPST_BIN:$PATH" typst --version >&2
PATH="$TYPST_BIN:$PATH" hyperfine --style basic --warmup 1 --runs "$RUNS" \
    --export-json "$RESULTS/stock-typst-$profile.json" \
    -n "stock typst compile, the default build ($profile)" "sh $bundle/b/build.sh"
