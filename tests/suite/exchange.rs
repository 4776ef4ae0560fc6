//! Translations exchanged with a translator's tool: XLIFF 1.2, XLIFF 2.0 and PO exported and
//! imported back; a round trip changes nothing; changed states and texts are written back;
//! a unit whose Chinese changed is refused with nothing written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::Fixture;

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(snapshot(&path));
        } else {
            out.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    out
}

#[test]
fn export_then_import_changes_nothing_in_every_format() {
    let fixture = Fixture::new();
    let i18n = fixture.root().join("data/i18n/bo");
    let before = snapshot(&i18n);
    for format in ["xliff", "xliff2", "po"] {
        let file = fixture.root().join(format!("bo.{format}"));
        let run = fixture.run(&["translations", "export", "--format", format, file.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(text.contains("provinces.hubei.summary"), "{format}: the field path is the unit's id");
        let run = fixture.run(&["translations", "import", file.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(run.stderr.contains("imported 0 changed translation(s)"), "{}", run.stderr);
        assert_eq!(snapshot(&i18n), before, "{format}: the round trip changed a file");
    }
    let xliff = std::fs::read_to_string(fixture.root().join("bo.xliff")).unwrap();
    assert!(xliff.contains("target-language=\"bo\"") && xliff.contains("state=\"needs-review-translation\""));
    let po = std::fs::read_to_string(fixture.root().join("bo.po")).unwrap();
    assert!(po.contains("#, fuzzy\nmsgctxt \"provinces.hubei.summary\""), "drafts are fuzzy");
}

#[test]
fn reviewed_states_and_new_texts_are_written_back_alone() {
    let fixture = Fixture::new();
    let file = fixture.root().join("bo.xliff");
    let run = fixture.run(&["translations", "export", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = fixture.root().join("data/i18n/bo/provinces/hubei.yaml");
    let before = std::fs::read_to_string(&path).unwrap();
    // A translator approves one unit and rewrites it, as Weblate writes it (CRLF, a BOM).
    let xliff = std::fs::read_to_string(&file).unwrap();
    let at = xliff.find("<trans-unit id=\"provinces.hubei.name\"").expect("a unit for the province's name");
    let end = at + xliff[at..].find("</trans-unit>").unwrap();
    let unit = &xliff[at..end];
    let target_start = unit.find("<target").unwrap();
    let target_end = unit.find("</target>").unwrap();
    let edited = format!(
        "{}<target state=\"final\">ཧུའུ་པེ་ཞིང་ཆེན། \"&amp;\"{}",
        unit[..target_start].replace("xml:space", "approved=\"yes\" xml:space"),
        &unit[target_end..]
    );
    let changed = format!("\u{feff}{}{}{}", &xliff[..at], edited, &xliff[end..]).replace('\n', "\r\n");
    std::fs::write(&file, changed).unwrap();
    let run = fixture.run(&["translations", "import", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("imported 1 changed translation(s) into 1 file(s)"), "{}", run.stderr);
    let after = std::fs::read_to_string(&path).unwrap();
    let changed: Vec<(&str, &str)> = before.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(changed.len(), 2, "only the entry's text and state change: {changed:?}");
    assert!(after.contains("text: \"ཧུའུ་པེ་ཞིང་ཆེན། \\\"&\\\"\"\n  state: reviewed"), "{after}");
    assert_eq!(before.lines().count(), after.lines().count());
    let run = fixture.run(&["check", "--only", "leaflet-hubei.bo-zh"]);
    assert_eq!(run.code, 0, "the imported translation reads back: {}", run.stderr);
}

#[test]
fn a_unit_whose_chinese_changed_is_refused_and_nothing_is_written() {
    let fixture = Fixture::new();
    let file = fixture.root().join("bo.po");
    let run = fixture.run(&["translations", "export", "--format", "po", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let i18n = fixture.root().join("data/i18n/bo");
    let before = snapshot(&i18n);
    let po = std::fs::read_to_string(&file).unwrap().replacen("#, fuzzy\n", "", 1);
    std::fs::write(&file, &po).unwrap();
    fixture.edit("data/provinces/hubei.yaml", "name: 湖北", "name: 湖北省");
    let run = fixture.run(&["translations", "import", file.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("`provinces.hubei.name`: its Chinese changed since the export"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing imported"), "{}", run.stderr);
    assert_eq!(snapshot(&i18n), before, "a refused import wrote something");
}

#[test]
fn broken_translator_files_are_refused_with_their_name() {
    let fixture = Fixture::new();
    for (name, text, message) in [
        (
            "cut.xliff",
            "<?xml version=\"1.0\"?><xliff version=\"1.2\"><file target-language=\"bo\"><body><trans-unit id=\"x\"><source>a</sour",
            "not well-formed XLIFF",
        ),
        (
            "bad.po",
            "msgctxt \"provinces.hubei.name\"\nmsgid \"湖北\nmsgstr \"x\"\n",
            "is not a quoted PO string",
        ),
        ("latin1.po", "", "is not UTF-8"),
    ] {
        let path = fixture.root().join(name);
        if name == "latin1.po" {
            std::fs::write(&path, b"msgid \"\xe9\"\nmsgstr \"\"\n").unwrap();
        } else {
            std::fs::write(&path, text).unwrap();
        }
        let run = fixture.run(&["translations", "import", "--lang", "bo", path.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(name) && run.stderr.contains(message), "{name}: {}", run.stderr);
    }
}
