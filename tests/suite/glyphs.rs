//! Every character the shipped data and templates print has a glyph in the shipped fonts.

use std::collections::BTreeSet;
use std::path::Path;

/// Collects the characters of every `.yaml` and `.typ` file under `dir`.
fn characters(dir: &Path, out: &mut BTreeSet<char>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            characters(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "typ") {
            out.extend(std::fs::read_to_string(&path).unwrap().chars().filter(|c| !c.is_control()));
        }
    }
}

#[test]
fn shipped_fonts_cover_data_and_templates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut chars = BTreeSet::new();
    characters(&root.join("data"), &mut chars);
    characters(&root.join("templates"), &mut chars);
    let tibetan = |c: char| ('\u{0F00}'..='\u{0FFF}').contains(&c);
    let (bo, zh): (BTreeSet<char>, BTreeSet<char>) = chars.into_iter().partition(|&c| tibetan(c));
    assert!(zh.len() > 500, "only {} distinct characters found", zh.len());
    assert!(bo.len() > 40, "only {} distinct Tibetan characters found", bo.len());
    let fonts: Vec<_> = yarlung::fonts::embedded().collect();
    assert_eq!(fonts.len(), 6, "expected six embedded faces");
    for font in &fonts {
        let coverage = &font.info().coverage;
        let wanted = if font.info().family.contains("Tibetan") { &bo } else { &zh };
        let missing: String =
            wanted.iter().filter(|&&c| !c.is_whitespace() && !coverage.contains(c as u32)).collect();
        assert!(missing.is_empty(), "{} lacks glyphs for: {missing}", font.info().family);
    }
}

#[test]
fn shipped_fonts_are_the_noto_cjk_sc_and_tibetan_faces() {
    let mut names: Vec<String> = yarlung::fonts::embedded()
        .map(|f| format!("{} {:?}", f.info().family, f.info().variant.weight.to_number()))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "Noto Sans CJK SC 400",
            "Noto Sans CJK SC 700",
            "Noto Serif CJK SC 400",
            "Noto Serif CJK SC 700",
            "Noto Serif Tibetan 400",
            "Noto Serif Tibetan 700"
        ]
    );
}
