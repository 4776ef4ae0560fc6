#!/usr/bin/env python3
"""Helper for fonts/make-subsets.sh: builds the character sets, subsets one
face of a Noto CJK .ttc or one Noto .ttf, and reports on the results.

Subcommands
  charset          --unihan FILE --out FILE [--text-source PATH ...]
  charset-tibetan  --out FILE
  subset           --font FILE [--index N] --expect-family NAME
                   [--restrict-locl-zhs] --unicodes FILE --out FILE
                   -- <pyftsubset options>
  report           [--check-text STR] [--check-file FILE ...] FONT ...
  compact-contexts FONT
  shape-check      --text STR [--text STR ...] [--text-source PATH ...]
                   ORIGINAL SUBSET [ORIGINAL SUBSET ...]

Needs fontTools (for `subset` and `report`); `shape-check` also needs
uharfbuzz.
"""

import argparse
import bz2
import io
import os
import sys
import unicodedata
import zipfile

# --------------------------------------------------------------------------
# Character set
# --------------------------------------------------------------------------

# Non-Han ranges requested in addition to GB 2312 and the 8105 characters of
# 通用规范汉字表. Code points the font lacks are simply not included.
EXTRA_RANGES = [
    (0x0020, 0x007E, "ASCII"),
    (0x00A0, 0x00FF, "Latin-1 punctuation/symbols/letters"),
    (0x0100, 0x017F, "Latin Extended-A (pinyin ā ē ī ō ū ...)"),
    (0x01CD, 0x01DC, "pinyin ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ"),
    (0x02C7, 0x02C7, "caron ˇ"),
    (0x02C9, 0x02CB, "modifier macron/acute/grave ˉ ˊ ˋ"),
    (0x02D9, 0x02D9, "dot above ˙"),
    (0x2000, 0x206F, "General Punctuation"),
    (0x2100, 0x218F, "Letterlike Symbols, Number Forms"),
    (0x2190, 0x21FF, "Arrows"),
    (0x2200, 0x22FF, "Mathematical Operators"),
    (0x2460, 0x24FF, "Enclosed Alphanumerics (① ... ⑳)"),
    (0x2500, 0x257F, "Box Drawing"),
    (0x25A0, 0x25FF, "Geometric Shapes"),
    (0x2605, 0x2606, "stars ★ ☆"),
    (0x2776, 0x2793, "Dingbat circled digits ❶ ... ➓"),
    (0x2E3A, 0x2E3B, "two-/three-em dash ⸺ ⸻"),
    (0x3000, 0x303F, "CJK Symbols and Punctuation"),
    (0x30FB, 0x30FB, "katakana middle dot ・"),
    (0x3220, 0x3243, "parenthesized ideographs ㈠ ..."),
    (0x3280, 0x32B0, "circled ideographs ㊀ ..."),
    (0xFE30, 0xFE4F, "CJK Compatibility Forms"),
    (0xFF00, 0xFFEF, "Halfwidth and Fullwidth Forms"),
]


# The Tibetan faces: the whole Tibetan block and what Tibetan text needs
# around it. Code points the font lacks are simply not included (Noto Serif
# Tibetan 2.001 has no digits and, of ASCII, only space, - and |).
TIBETAN_RANGES = [
    (0x0F00, 0x0FFF, "Tibetan"),
    (0x0020, 0x007E, "ASCII (space, digits, punctuation)"),
    (0x00A0, 0x00A0, "no-break space"),
    (0x00AD, 0x00AD, "soft hyphen"),
    (0x200B, 0x200D, "zero width space, ZWNJ, ZWJ"),
    (0x2010, 0x2011, "hyphen, non-breaking hyphen"),
    (0x2060, 0x2060, "word joiner"),
    (0x25CC, 0x25CC, "dotted circle (HarfBuzz's base for lone marks)"),
]


def gb2312_chars():
    out = set()
    for b1 in range(0xA1, 0xF8):
        for b2 in range(0xA1, 0xFF):
            try:
                s = bytes((b1, b2)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            out.update(ord(c) for c in s)
    return out


def _unihan_lines(path):
    """Yield text lines of the Unihan file holding kTGH.

    Accepts Unihan_OtherMappings.txt, its .bz2 (as in Debian's unicode-data),
    or Unihan.zip."""
    if path.endswith(".zip"):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("Unihan_") and name.endswith(".txt"):
                    with z.open(name) as f:
                        yield from io.TextIOWrapper(f, encoding="utf-8")
        return
    opener = bz2.open if path.endswith(".bz2") else open
    with opener(path, "rt", encoding="utf-8") as f:
        yield from f


def tgh_chars(path):
    out = set()
    for line in _unihan_lines(path):
        if not line.startswith("U+"):
            continue
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 3 and parts[1] == "kTGH":
            out.add(int(parts[0][2:], 16))
    return out


def text_source_chars(paths):
    """Every non-control character of every UTF-8 text file under paths."""
    out = set()
    nfiles = 0
    for root in paths:
        if not os.path.exists(root):
            print(f"  text source {root}: absent, skipped")
            continue
        files = []
        if os.path.isfile(root):
            files = [root]
        else:
            for d, dirs, names in os.walk(root):
                dirs.sort()
                files += [os.path.join(d, n) for n in sorted(names)]
        n_here = 0
        for fn in files:
            try:
                with open(fn, "rb") as f:
                    text = f.read().decode("utf-8")
            except (UnicodeDecodeError, OSError):
                continue  # binary (images, ...) or unreadable
            n_here += 1
            for c in text:
                if unicodedata.category(c) not in ("Cc", "Cs"):
                    out.add(ord(c))
        nfiles += n_here
        print(f"  text source {root}: {n_here} text file(s)")
    return out, nfiles


def cmd_charset(a):
    gb = gb2312_chars()
    tgh = tgh_chars(a.unihan)
    if len(tgh) != 8105:
        sys.exit(f"error: expected 8105 kTGH characters in {a.unihan}, got {len(tgh)}")
    rng = set()
    for lo, hi, _ in EXTRA_RANGES:
        rng.update(range(lo, hi + 1))
    txt, _ = text_source_chars(a.text_source or [])
    # Tibetan (data/i18n/bo/) is set in the Tibetan faces; Noto CJK has none
    tib = {c for c in txt if 0x0F00 <= c <= 0x0FFF}
    txt -= tib
    allcp = gb | tgh | rng | txt
    han = lambda s: sum(1 for c in s if unicodedata.category(chr(c)) == "Lo"
                        and "CJK UNIFIED" in unicodedata.name(chr(c), ""))
    print(f"  GB 2312 characters:        {len(gb)} ({han(gb)} hanzi)")
    print(f"  通用规范汉字表 (kTGH):     {len(tgh)}")
    print(f"  GB 2312 ∪ kTGH hanzi:      {han(gb | tgh)}")
    print(f"  extra ranges:              {len(rng)} code points")
    print(f"  text sources:              {len(txt)} distinct characters, "
          f"{len(txt - gb - tgh - rng)} not otherwise included"
          + (f" ({len(tib)} Tibetan left to the Tibetan faces)" if tib else ""))
    print(f"  requested in total:        {len(allcp)} code points")
    with open(a.out, "w", encoding="ascii") as f:
        f.write("# yarlung font subset character set (generated by make-subsets.sh)\n")
        for cp in sorted(allcp):
            f.write(f"U+{cp:04X}\n")
    # remember the text-source characters so `subset` can flag missing ones
    with open(a.out + ".text", "w", encoding="ascii") as f:
        for cp in sorted(txt):
            f.write(f"U+{cp:04X}\n")


def cmd_charset_tibetan(a):
    allcp = set()
    for lo, hi, _ in TIBETAN_RANGES:
        allcp.update(range(lo, hi + 1))
    print(f"  requested in total:        {len(allcp)} code points")
    with open(a.out, "w", encoding="ascii") as f:
        f.write("# yarlung Tibetan font subset character set (generated by make-subsets.sh)\n")
        for cp in sorted(allcp):
            f.write(f"U+{cp:04X}\n")


def read_unicodes(path):
    out = []
    with open(path, encoding="ascii") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                out.append(int(line[2:] if line.startswith("U+") else line, 16))
    return out


# --------------------------------------------------------------------------
# Subsetting
# --------------------------------------------------------------------------

def restrict_locl_to_zhs(font):
    """Point every `locl` feature at the lookups of the ZHS (Simplified
    Chinese) language system only.

    In the SC face the cmap already gives SC glyphs; `locl` for JAN/KOR/ZHT/ZHH
    would pull in thousands of Japanese/Korean/Traditional glyph variants. The
    ZHS `locl` lookups are still needed: they substitute the full-width,
    vertically centred forms of — ⸺ ⸻ and CJK-style quotes for Chinese text
    (破折号 "——" would otherwise come out as two narrow Western em dashes).
    Returns the ZHS locl lookup indices."""
    if "GSUB" not in font:
        return []
    gsub = font["GSUB"].table
    frs = gsub.FeatureList.FeatureRecord
    zhs = set()
    for sr in gsub.ScriptList.ScriptRecord:
        for lsr in sr.Script.LangSysRecord:
            if lsr.LangSysTag.strip() == "ZHS":
                for fi in lsr.LangSys.FeatureIndex:
                    if frs[fi].FeatureTag == "locl":
                        zhs.update(frs[fi].Feature.LookupListIndex)
    zhs = sorted(zhs)
    for fr in frs:
        if fr.FeatureTag == "locl":
            fr.Feature.LookupListIndex = list(zhs)
            fr.Feature.LookupCount = len(zhs)
    return zhs


def cmd_subset(a):
    from fontTools.ttLib import TTFont
    from fontTools import subset

    # recalcTimestamp=False keeps head.modified of the source face, so the
    # output is byte-for-byte reproducible.
    # (fontNumber is ignored for a single-font .ttf/.otf)
    font = TTFont(a.font, fontNumber=a.index, lazy=False, recalcTimestamp=False)
    name = font["name"]
    fam = name.getDebugName(1)
    if fam != a.expect_family:
        sys.exit(f"error: face {a.index} of {a.font} is {fam!r}, expected {a.expect_family!r}")
    print(f"  face {a.index} of {os.path.basename(a.font)}: {name.getDebugName(4)!r} "
          f"({name.getDebugName(6)}, {name.getDebugName(5)})")

    wanted = read_unicodes(a.unicodes)
    cmap = font.getBestCmap()
    covered = [u for u in wanted if u in cmap]
    print(f"  code points requested: {len(wanted)}, covered by the font: {len(covered)}, "
          f"absent from the font: {len(wanted) - len(covered)}")
    text_file = a.unicodes + ".text"
    if os.path.exists(text_file):
        miss = [u for u in read_unicodes(text_file) if u not in cmap]
        if miss:
            print("  WARNING: characters of the text sources that the font lacks: "
                  + " ".join(f"U+{u:04X}({chr(u)})" for u in miss))

    if a.restrict_locl_zhs:
        zhs = restrict_locl_to_zhs(font)
        print(f"  locl restricted to the ZHS lookups {zhs}")

    options = subset.Options()
    rest = options.parse_opts(a.pyftsubset_opts)
    if rest:
        sys.exit(f"error: unexpected arguments {rest}")
    sub = subset.Subsetter(options=options)
    sub.populate(unicodes=covered)
    sub.subset(font)
    # as pyftsubset does: --no-harfbuzz-repacker makes the GSUB/GPOS bytes
    # independent of whether uharfbuzz happens to be importable
    from fontTools.ttLib.tables.otBase import USE_HARFBUZZ_REPACKER
    font.cfg[USE_HARFBUZZ_REPACKER] = options.harfbuzz_repacker
    font.save(a.out)
    font.close()
    print(f"  wrote {a.out}: {os.path.getsize(a.out)} bytes")


# --------------------------------------------------------------------------
# Compact chained contexts (Tibetan)
# --------------------------------------------------------------------------

def _one_glyph_context(st):
    """Whether chained-context subtable st (format 3) names one glyph at every
    position: a rule for one stack, written as coverages of one glyph each."""
    if st.Format != 3:
        return False
    covs = list(st.BacktrackCoverage) + list(st.InputCoverage) + list(st.LookAheadCoverage)
    return all(len(c.glyphs) == 1 for c in covs)


def _glyph_rules(run, gid):
    """One format-1 (glyph) chained-context subtable holding the rules of the
    format-3 subtables in run, in their order, keyed by their first glyph."""
    from fontTools.ttLib.tables import otTables as ot
    sets = {}
    for st in run:
        rule = ot.ChainSubRule()
        # format 3 and format 1 both store the backtrack nearest glyph first
        rule.Backtrack = [c.glyphs[0] for c in st.BacktrackCoverage]
        rule.BacktrackGlyphCount = len(rule.Backtrack)
        rule.Input = [c.glyphs[0] for c in st.InputCoverage[1:]]
        rule.InputGlyphCount = len(st.InputCoverage)
        rule.LookAhead = [c.glyphs[0] for c in st.LookAheadCoverage]
        rule.LookAheadGlyphCount = len(rule.LookAhead)
        rule.SubstLookupRecord = list(st.SubstLookupRecord)
        rule.SubstCount = len(rule.SubstLookupRecord)
        sets.setdefault(st.InputCoverage[0].glyphs[0], []).append(rule)
    new = ot.ChainContextSubst()
    new.Format = 1
    new.Coverage = ot.Coverage()
    new.Coverage.glyphs = sorted(sets, key=gid.__getitem__)
    new.ChainSubRuleSet = []
    for g in new.Coverage.glyphs:
        rs = ot.ChainSubRuleSet()
        rs.ChainSubRule = sets[g]
        rs.ChainSubRuleCount = len(sets[g])
        new.ChainSubRuleSet.append(rs)
    new.ChainSubRuleSetCount = len(new.ChainSubRuleSet)
    return new


def cmd_compact_contexts(a):
    """Rewrites, in place, every run of consecutive one-glyph format-3
    chained-context subtables of a GSUB lookup as one format-1 subtable with the
    same rules in the same order. Noto Serif Tibetan builds its stacks with two
    lookups of 333 and 736 such subtables, one per stack; a shaper tries every
    subtable of a lookup at every glyph (rustybuzz, which Typst uses, has no
    per-subtable filter), a format-1 subtable finds the rules of its glyph in
    one coverage lookup. At any glyph the same rules are tried in the same
    order, so the font shapes exactly as before (shape-check verifies it); the
    bilingual documents lay out about three times faster."""
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables.otBase import USE_HARFBUZZ_REPACKER
    font = TTFont(a.font, recalcTimestamp=False)
    gid = {g: i for i, g in enumerate(font.getGlyphOrder())}
    before = after = 0
    for lookup in font["GSUB"].table.LookupList.Lookup:
        if lookup.LookupType != 6:
            continue
        out, run = [], []
        for st in list(lookup.SubTable) + [None]:
            if st is not None and _one_glyph_context(st):
                run.append(st)
                continue
            out.extend([_glyph_rules(run, gid)] if len(run) > 1 else run)
            run = []
            if st is not None:
                out.append(st)
        before += len(lookup.SubTable)
        after += len(out)
        lookup.SubTable = out
        lookup.SubTableCount = len(out)
    font.cfg[USE_HARFBUZZ_REPACKER] = False
    font.save(a.font)
    font.close()
    print(f"  {os.path.basename(a.font)}: chained-context subtables {before} -> {after}, "
          f"{os.path.getsize(a.font)} bytes")


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def cmd_report(a):
    from fontTools.ttLib import TTFont

    check = set(a.check_text or "")
    for fn in a.check_file or []:
        with open(fn, encoding="utf-8") as f:
            check.update(f.read())
    check = {c for c in check if unicodedata.category(c) not in ("Cc", "Cs")}
    bad = False
    for fn in a.fonts:
        f = TTFont(fn)
        name = f["name"]
        cmap = f.getBestCmap()
        gsub = sorted({fr.FeatureTag for fr in f["GSUB"].table.FeatureList.FeatureRecord}) if "GSUB" in f else []
        gpos = sorted({fr.FeatureTag for fr in f["GPOS"].table.FeatureList.FeatureRecord}) if "GPOS" in f else []
        print(f"{os.path.basename(fn)}: family {name.getDebugName(1)!r}, "
              f"style {name.getDebugName(2)!r}, full {name.getDebugName(4)!r}, "
              f"weight {f['OS/2'].usWeightClass}, glyphs {f['maxp'].numGlyphs}, "
              f"cmap {len(cmap)}, outlines {'CFF' if 'CFF ' in f else 'glyf'}, "
              f"size {os.path.getsize(fn)} bytes")
        hh, os2 = f["hhea"], f["OS/2"]
        print(f"    unitsPerEm {f['head'].unitsPerEm}, hhea ascender {hh.ascent} "
              f"descender {hh.descent} lineGap {hh.lineGap}, OS/2 typo {os2.sTypoAscender} "
              f"{os2.sTypoDescender} {os2.sTypoLineGap}, win {os2.usWinAscent} {os2.usWinDescent}")
        print(f"    GSUB {gsub}  GPOS {gpos}")
        miss = sorted(c for c in check if ord(c) not in cmap)
        if check:
            if miss:
                bad = True
                print(f"    MISSING {len(miss)} of {len(check)} checked characters: "
                      + " ".join(f"U+{ord(c):04X}({c})" for c in miss))
            else:
                print(f"    all {len(check)} checked characters covered")
        f.close()
    if bad:
        sys.exit(1)


# --------------------------------------------------------------------------
# Shaping check
# --------------------------------------------------------------------------

def shape(path, text):
    """HarfBuzz's (cluster, glyph id, x advance, y advance, x offset, y offset)
    for text, script and direction guessed from the text."""
    import uharfbuzz as hb
    with open(path, "rb") as f:
        face = hb.Face(f.read())
    font = hb.Font(face)
    buf = hb.Buffer()
    buf.add_str(text)
    buf.guess_segment_properties()
    hb.shape(font, buf, {})
    return [(i.cluster, i.codepoint, p.x_advance, p.y_advance, p.x_offset, p.y_offset)
            for i, p in zip(buf.glyph_infos, buf.glyph_positions)]


def tibetan_stacks():
    """Every consonant with every subjoined consonant, each with the vowel
    signs and with a second subjoined ya/ra/la/wa: 18,000 or so stacks, most
    of them not words, so that every stack rule of a face is tried."""
    cons = [chr(c) for c in range(0x0F40, 0x0F6D) if c != 0x0F48]
    subs = [chr(c) for c in range(0x0F90, 0x0FBD) if c != 0x0F98]
    vowels = ["", "\u0F71", "\u0F72", "\u0F74", "\u0F7A", "\u0F7C", "\u0F80", "\u0F7E"]
    out = []
    for c in cons:
        for s in subs:
            out += [c + s + v for v in vowels]
            out += [c + s + t + "\u0F72" for t in ("\u0FB1", "\u0FB2", "\u0FB3", "\u0FAD")]
    return out


def tibetan_runs(paths):
    """The runs of Tibetan characters (with the spaces between them) of every
    UTF-8 file under paths."""
    import re
    runs = []
    files = []
    for root in paths:
        if os.path.isfile(root):
            files.append(root)
        for d, dirs, names in os.walk(root):
            dirs.sort()
            files += [os.path.join(d, n) for n in sorted(names)]
    for f in files:
        try:
            with open(f, encoding="utf-8") as fh:
                runs += re.findall(r"[\u0F00-\u0FFF][\u0F00-\u0FFF\u00A0 ]*", fh.read())
        except (UnicodeDecodeError, OSError):
            continue
    return runs


def cmd_shape_check(a):
    """The subsets must shape every check text exactly as the original faces
    do: same glyph ids (the Tibetan subsets are made with --retain-gids),
    clusters, advances and offsets. Prints the subset's cluster:glyph list of
    each --text; the stacks of tibetan_stacks() and the Tibetan runs of the
    --text-source files are counted, and printed only where they differ."""
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        print("  skipped: uharfbuzz is not installed (pip install uharfbuzz)")
        return
    if len(a.fonts) % 2:
        sys.exit("error: shape-check takes pairs ORIGINAL SUBSET")
    bad = False
    quiet = tibetan_stacks()
    quiet.append("\u0F0B".join(quiet))
    quiet += tibetan_runs(a.text_source)
    for orig, sub in zip(a.fonts[::2], a.fonts[1::2]):
        print(f"  subset {os.path.basename(sub)} against the original {orig}:")
        for t in a.text:
            ro, rs = shape(orig, t), shape(sub, t)
            ok = ro == rs
            bad |= not ok
            print(f"    {'same' if ok else 'DIFFERENT'}  {t}  "
                  + " ".join(f"{c}:{g}" for c, g, *_ in rs))
            if not ok:
                print(f"      original {ro}\n      subset   {rs}")
        differ = [t for t in quiet if shape(orig, t) != shape(sub, t)]
        bad |= bool(differ)
        print(f"    {len(quiet) - len(differ)} of {len(quiet)} stacks and runs of the text sources the same")
        for t in differ[:20]:
            print(f"    DIFFERENT  {t}")
    if bad:
        sys.exit(1)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sp = p.add_subparsers(dest="cmd", required=True)

    c = sp.add_parser("charset")
    c.add_argument("--unihan", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("--text-source", action="append")
    c.set_defaults(func=cmd_charset)

    t = sp.add_parser("charset-tibetan")
    t.add_argument("--out", required=True)
    t.set_defaults(func=cmd_charset_tibetan)

    s = sp.add_parser("subset")
    s.add_argument("--font", "--ttc", dest="font", required=True)
    s.add_argument("--index", type=int, default=0)
    s.add_argument("--restrict-locl-zhs", action="store_true",
                   help="point every locl feature at the ZHS lookups (CJK faces)")
    s.add_argument("--expect-family", required=True)
    s.add_argument("--unicodes", required=True)
    s.add_argument("--out", required=True)
    s.add_argument("pyftsubset_opts", nargs="*")
    s.set_defaults(func=cmd_subset)

    r = sp.add_parser("report")
    r.add_argument("--check-text")
    r.add_argument("--check-file", action="append")
    r.add_argument("fonts", nargs="+")
    r.set_defaults(func=cmd_report)

    k = sp.add_parser("compact-contexts")
    k.add_argument("font")
    k.set_defaults(func=cmd_compact_contexts)

    h = sp.add_parser("shape-check")
    h.add_argument("--text", action="append", required=True)
    h.add_argument("--text-source", action="append", default=[],
                   help="also every Tibetan run of the UTF-8 files under PATH, shaped "
                        "together (each run printed only when it differs)")
    h.add_argument("fonts", nargs="+")
    h.set_defaults(func=cmd_shape_check)

    a = p.parse_args()
    a.func(a)


if __name__ == "__main__":
    main()
