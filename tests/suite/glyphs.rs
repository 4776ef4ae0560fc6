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
    assert!(chars.len() > 500, "only {} distinct characters found", chars.len());
    let fonts: Vec<_> = yarlung::fonts::embedded().collect();
    assert_eq!(fonts.len(), 4, "expected four embedded faces");
    for font in &fonts {
        let coverage = &font.info().coverage;
        let missing: String =
            chars.iter().filter(|&&c| !c.is_whitespace() && !coverage.contains(c as u32)).collect();
        assert!(missing.is_empty(), "{} lacks glyphs for: {missing}", font.info().family);
    }
}

#[test]
fn shipped_fonts_are_the_four_noto_cjk_sc_faces() {
    let mut names: Vec<String> = yarlung::fonts::embedded()
        .map(|f| format!("{} {:?}", f.info().family, f.info().variant.weight.to_number()))
        .collect();
    names.sort();
    assert_eq!(
        names,
        ["Noto Sans CJK SC 400", "Noto Sans CJK SC 700", "Noto Serif CJK SC 400", "Noto Serif CJK SC 700"]
    );
}
