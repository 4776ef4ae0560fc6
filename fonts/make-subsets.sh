#!/usr/bin/env bash
# Regenerates the shipped font subsets in fonts/ from scratch.
#
#   bash fonts/make-subsets.sh [--only cjk|tibetan] [EXTRA_TEXT_SOURCE ...]
#
# Needs: Debian bookworm (apt-get, dpkg-deb), python3 with pip, network access
# to Debian's archive and PyPI. Run as root, or as a user whose apt lists are
# current (apt-get download needs them; as root the script runs
# `apt-get update` itself if the download fails).
#
# Writes fonts/NotoSerifCJKsc-{Regular,Bold}.otf and
# fonts/NotoSansCJKsc-{Regular,Bold}.otf: face 2 (SC) of Debian's
# fonts-noto-cjk .ttc files, subset to GB 2312 ∪ 通用规范汉字表 (Unihan kTGH,
# from Debian's unicode-data) ∪ common punctuation/symbol blocks ∪ every
# character of the files under data/ and templates/ (and any extra paths
# given as arguments).
#
# Also writes fonts/NotoSerifTibetan-{Regular,Bold}.ttf: Debian's
# fonts-noto-core Noto Serif Tibetan, subset to the Tibetan block and the few
# characters around it (TIBETAN_RANGES in subset_charset.py), with every
# OpenType feature and lookup and the original glyph ids, the one-stack
# chained-context rules regrouped by glyph (compact-contexts in
# subset_charset.py: the same rules in the same order, found faster). If
# uharfbuzz is importable, checks that they shape TIBETAN_SHAPE_TEXT, every
# stack and every Tibetan run of data/ and templates/ exactly as the
# original faces do.
#
# --only cjk / --only tibetan builds just those faces (--only tibetan
# downloads only fonts-noto-core and takes seconds). See fonts/README.md.
set -euo pipefail

# ---- pinned inputs --------------------------------------------------------
NOTO_CJK_VERSION='1:20220127+repack1-1'
NOTO_CJK_SHA256='4a2515eb6db3978b897fef9709ed0d2b1f4c6c4df4d83d6c4ef65f71f1b1f502'
UNICODE_DATA_VERSION='15.0.0-1'
UNICODE_DATA_SHA256='5efef23bbb1c6a133ecbdd63a2cfa07159ccacf5466a49e2426101c5ecd691fc'
NOTO_CORE_VERSION='20201225-1'
NOTO_CORE_SHA256='58f4f0bb6720f919f92096b3508e1412a0f1544424ade6c5b5bf1eb694dd64ba'
FONTTOOLS_VERSION='4.68.0'

# pyftsubset options (fontTools.subset). `locl` stays, but subset_charset.py
# first points every locl feature at the ZHS lookups only, so no JP/KR/TC
# glyph variants are pulled in; vertical substitutions are dropped.
PYFTSUBSET_OPTS=(
  --layout-features-=vert,vrt2
  --name-IDs='*' --name-languages='*' --name-legacy
  --notdef-outline
  --no-hinting            # CFF hints: -0.5 MB per face
  --no-harfbuzz-repacker  # same bytes whether or not uharfbuzz is installed
  # no --desubroutinize: it makes the CFF larger (2.98 vs 2.79 MB, Serif Regular)
)

# Tibetan: every GSUB/GPOS feature (the stacks are built by ccmp, abvs, blws,
# calt and positioned by mark, mkmk, kern), original glyph ids kept (costs 24
# bytes: only 3 glyphs are dropped) so shaping gives the same ids as the full
# font; no glyph names (post format 3). The font has no TrueType
# instructions, so --no-hinting changes nothing but is kept for clarity.
TIBETAN_PYFTSUBSET_OPTS=(
  --layout-features='*'
  --retain-gids
  --name-IDs='*' --name-languages='*' --name-legacy
  --notdef-outline
  --no-hinting
  --no-harfbuzz-repacker
)

# (ttc file, face index, expected family, output file)
FACES=(
  "NotoSerifCJK-Regular.ttc|2|Noto Serif CJK SC|NotoSerifCJKsc-Regular.otf"
  "NotoSerifCJK-Bold.ttc|2|Noto Serif CJK SC|NotoSerifCJKsc-Bold.otf"
  "NotoSansCJK-Regular.ttc|2|Noto Sans CJK SC|NotoSansCJKsc-Regular.otf"
  "NotoSansCJK-Bold.ttc|2|Noto Sans CJK SC|NotoSansCJKsc-Bold.otf"
)

# (ttf file in fonts-noto-core, expected family, output file)
TIBETAN_FACES=(
  "NotoSerifTibetan-Regular.ttf|Noto Serif Tibetan|NotoSerifTibetan-Regular.ttf"
  "NotoSerifTibetan-Bold.ttf|Noto Serif Tibetan|NotoSerifTibetan-Bold.ttf"
)

CHECK_TEXT='接力援藏共谱新篇雅砻湖北湖南安徽山南措美哲古错那隆子扎囊桑日贡嘎加查洛扎青稞牦羊肚菌莓茶①②③④⑤⑥⑦“”《》、，。：；？！（）—…·%0123456789ABCxyz亿余近超'

TIBETAN_CHECK_TEXT='ཀ་ཁ་ག་ང་། ༄༅། སྐྱོ་རྒྱལ་བསྒྲུབས་ལྷོ་ཁ་བོད་ལྗོངས། ཡར་ཀླུངས། ༠༡༢༣༤༥༦༧༨༩ ཧཱུྃ་'
# words whose HarfBuzz shaping (glyph ids, clusters, positions) must be the
# same with the subsets as with the original faces
TIBETAN_SHAPE_TEXT=(སྐྱོ རྒྱལ བསྒྲུབས ལྷོ་ཁ བོད་ལྗོངས། ཡར་ཀླུངས་ ཧུའུ་པེ་ ཨན་ཧུའེ་ མཚོ་སྨད་ ༄༅། ཀྵ ཧཱུྃ བཀྲ་ཤིས་བདེ་ལེགས།)

# ---------------------------------------------------------------------------
only=all
while [ $# -gt 0 ]; do
  case "$1" in
    --only) only=${2:-}; shift 2 || { echo "error: --only needs cjk or tibetan" >&2; exit 2; } ;;
    --only=*) only=${1#--only=}; shift ;;
    --) shift; break ;;
    *) break ;;
  esac
done
case "$only" in
  all|cjk|tibetan) ;;
  *) echo "error: --only $only: expected cjk or tibetan" >&2; exit 2 ;;
esac
build_cjk=false; build_tibetan=false
[ "$only" = tibetan ] || build_cjk=true
[ "$only" = cjk ] || build_tibetan=true

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
helper="$here/subset_charset.py"
PYTHON=${PYTHON:-python3}

work=$(mktemp -d -t yarlung-fonts.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "== downloading pinned Debian packages"
mkdir -p "$work/deb"
# let apt's sandbox user write there (avoids the 'unsandboxed' warning as root)
if [ "$(id -u)" = 0 ] && id _apt >/dev/null 2>&1; then chmod 711 "$work"; chown _apt "$work/deb"; fi
pkgs=()
if $build_cjk; then pkgs+=("fonts-noto-cjk=$NOTO_CJK_VERSION" "unicode-data=$UNICODE_DATA_VERSION"); fi
if $build_tibetan; then pkgs+=("fonts-noto-core=$NOTO_CORE_VERSION"); fi
download() {
  (cd "$work/deb" && apt-get download -q "${pkgs[@]}")
}
if ! download; then
  if [ "$(id -u)" = 0 ]; then
    echo "   apt-get download failed; running apt-get update and retrying"
    apt-get update -q
    download
  else
    echo "error: apt-get download failed (run 'apt-get update' as root first?)" >&2
    exit 1
  fi
fi

check_sha() {  # file expected
  local got; got=$(sha256sum "$1" | cut -d' ' -f1)
  echo "   sha256 $got  $(basename "$1")"
  if [ "$got" != "$2" ]; then
    echo "error: $(basename "$1"): SHA-256 $got, expected $2" >&2
    exit 1
  fi
}
if $build_cjk; then
  noto_deb=$(ls "$work"/deb/fonts-noto-cjk_*_all.deb)
  udata_deb=$(ls "$work"/deb/unicode-data_*_all.deb)
  check_sha "$noto_deb" "$NOTO_CJK_SHA256"
  check_sha "$udata_deb" "$UNICODE_DATA_SHA256"
  dpkg-deb -x "$noto_deb" "$work/root"
  dpkg-deb -x "$udata_deb" "$work/root"
fi
if $build_tibetan; then
  core_deb=$(ls "$work"/deb/fonts-noto-core_*_all.deb)
  check_sha "$core_deb" "$NOTO_CORE_SHA256"
  # only the Tibetan faces of the package's 40 MB
  mkdir -p "$work/root"
  dpkg-deb --fsys-tarfile "$core_deb" | tar -x -C "$work/root" --wildcards \
    './usr/share/fonts/truetype/noto/NotoSerifTibetan-*'
fi
fontdir="$work/root/usr/share/fonts/opentype/noto"
tibdir="$work/root/usr/share/fonts/truetype/noto"
echo "== inputs"
if $build_cjk; then
  unihan=$(ls "$work"/root/usr/share/unicode/Unihan_OtherMappings.txt* 2>/dev/null | head -n1 || true)
  if [ -z "$unihan" ]; then
    unihan=$(find "$work/root" -name 'Unihan*.zip' | head -n1)
  fi
  [ -n "$unihan" ] || { echo "error: no Unihan file with kTGH in unicode-data" >&2; exit 1; }
  (cd "$work/root" && sha256sum "usr/share/unicode/$(basename "$unihan")" \
     $(for f in "${FACES[@]}"; do echo "usr/share/fonts/opentype/noto/${f%%|*}"; done) | sed 's/^/   /')
fi
if $build_tibetan; then
  (cd "$work/root" && sha256sum \
     $(for f in "${TIBETAN_FACES[@]}"; do echo "usr/share/fonts/truetype/noto/${f%%|*}"; done) | sed 's/^/   /')
fi

echo "== fontTools $FONTTOOLS_VERSION"
if ! "$PYTHON" -c "import sys, fontTools; sys.exit(fontTools.version != '$FONTTOOLS_VERSION')" 2>/dev/null; then
  "$PYTHON" -m pip install -q --disable-pip-version-check --target "$work/py" "fonttools==$FONTTOOLS_VERSION"
  export PYTHONPATH="$work/py${PYTHONPATH:+:$PYTHONPATH}"
fi
"$PYTHON" -c "import fontTools; print('   using fontTools', fontTools.version, 'from', fontTools.__file__)"

outs=()
if $build_cjk; then
  echo "== character set"
  sources=(--text-source "$repo/data" --text-source "$repo/templates")
  for s in "$@"; do sources+=(--text-source "$s"); done
  "$PYTHON" "$helper" charset --unihan "$unihan" --out "$work/charset.txt" "${sources[@]}"

  cjk_outs=()
  for f in "${FACES[@]}"; do
    IFS='|' read -r ttc idx fam out <<<"$f"
    echo "== $out"
    "$PYTHON" "$helper" subset --font "$fontdir/$ttc" --index "$idx" --expect-family "$fam" \
      --restrict-locl-zhs --unicodes "$work/charset.txt" --out "$work/$out" -- "${PYFTSUBSET_OPTS[@]}"
    cjk_outs+=("$work/$out")
  done

  echo "== report"
  "$PYTHON" "$helper" report --check-text "$CHECK_TEXT" "${cjk_outs[@]}"
  outs+=("${cjk_outs[@]}")
fi

if $build_tibetan; then
  echo "== Tibetan character set"
  "$PYTHON" "$helper" charset-tibetan --out "$work/charset-tibetan.txt"

  tib_outs=(); pairs=()
  for f in "${TIBETAN_FACES[@]}"; do
    IFS='|' read -r ttf fam out <<<"$f"
    echo "== $out"
    "$PYTHON" "$helper" subset --font "$tibdir/$ttf" --expect-family "$fam" \
      --unicodes "$work/charset-tibetan.txt" --out "$work/$out" -- "${TIBETAN_PYFTSUBSET_OPTS[@]}"
    "$PYTHON" "$helper" compact-contexts "$work/$out"
    tib_outs+=("$work/$out"); pairs+=("$tibdir/$ttf" "$work/$out")
  done

  echo "== report"
  "$PYTHON" "$helper" report --check-text "$TIBETAN_CHECK_TEXT" "${tib_outs[@]}"
  echo "== shaping (HarfBuzz), subset against original"
  texts=(); for t in "${TIBETAN_SHAPE_TEXT[@]}"; do texts+=(--text "$t"); done
  "$PYTHON" "$helper" shape-check "${texts[@]}" --text-source "$repo/data" --text-source "$repo/templates" "${pairs[@]}"
  outs+=("${tib_outs[@]}")
fi

for o in "${outs[@]}"; do mv -f "$o" "$here/"; done
echo "== written"
(cd "$here" && sha256sum $(for o in "${outs[@]}"; do basename "$o"; done) | sed 's/^/   /')
