//! Editions: the Tibetan–Chinese (`bo-zh`) leaflets and brochure from translations kept
//! as data — what is built, what the translations loader refuses, the findings for missing
//! and draft translations, and how Tibetan is set, tagged and extracted.

use std::path::PathBuf;

use typst::layout::{FrameItem, Transform};
use yarlung::pipeline::{Job, Silent};
use yarlung::{Build, Options, Profile, Project};

use crate::common::{Fixture, Pdf, repo};

/// The example, built once per test run.
fn built() -> &'static Fixture {
    crate::common::example()
}

/// A translation's text as the YAML gives it, e.g. `provinces.hubei.summary`.
fn translation(file: &str, key: &str) -> String {
    let text = std::fs::read_to_string(repo().join("data/i18n/bo").join(file)).unwrap();
    let map: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    map[key]["text"].as_str().unwrap_or_else(|| panic!("no {key} in {file}")).to_string()
}

#[test]
fn bilingual_leaflets_keep_their_panels_and_embed_the_tibetan_font() {
    let root = built().root();
    for province in ["hubei", "hunan", "anhui"] {
        let pdf = Pdf::open(&root.join(format!("out/print/leaflet-{province}.bo-zh.pdf")));
        assert_eq!(pdf.pages(), 2, "{province}");
        let (w, h) = pdf.page_box(1, b"TrimBox").unwrap();
        assert!((w - 297.0).abs() < 0.05 && (h - 210.0).abs() < 0.05, "{province}: {w} × {h}");
        let fonts = pdf.fonts();
        assert!(
            fonts.iter().any(|(name, embedded)| name.contains("NotoSerifTibetan") && *embedded),
            "{province}: {fonts:?}"
        );
    }
    let brochure = Pdf::open(&root.join("out/print/brochure.bo-zh.pdf"));
    assert_eq!(brochure.pages() % 4, 0);
}

#[test]
fn tibetan_extracts_exactly_as_written() {
    let root = built().root();
    let pdf = Pdf::open(&root.join("out/archive/leaflet-hubei.bo-zh.pdf"));
    let text = pdf.text();
    for key in ["provinces.hubei.summary", "provinces.hubei.slogan", "provinces.hubei.full-name"] {
        let tibetan: String = translation("provinces/hubei.yaml", key).split_whitespace().collect();
        assert!(text.contains(&tibetan), "{key}: “{tibetan}” is not in the PDF's text");
    }
    let brochure = Pdf::open(&root.join("out/archive/brochure.bo-zh.pdf")).text();
    let title: String = translation("project.yaml", "project.title").split_whitespace().collect();
    assert!(brochure.contains(&title), "the brochure's Tibetan title");
}

#[test]
fn the_archive_tags_tibetan_spans_bo_and_chinese_zh_cn() {
    let path = built().root().join("out/archive/leaflet-anhui.bo-zh.pdf");
    let pdf = Pdf::open(&path);
    let langs: Vec<String> = pdf
        .doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(lopdf::Object::as_name).ok() == Some(b"StructElem"))
        .filter_map(|d| d.get(b"Lang").and_then(lopdf::Object::as_str).ok())
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect();
    assert!(langs.iter().any(|l| l == "bo"), "{langs:?}");
    let catalog = pdf.doc.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").and_then(lopdf::Object::as_str).unwrap(), b"zh-CN");
}

/// A laid-out run of Tibetan: its baseline, its text and its glyphs' clusters (byte ranges).
type Run = (f64, String, Vec<(usize, usize)>);

/// The example's bilingual leaflet for Hubei, laid out for print.
fn laid_out_leaflet() -> Vec<Run> {
    let options = Options {
        only: vec!["leaflet-hubei.bo-zh".into()],
        ..Options::new(PathBuf::from(env!("CARGO_MANIFEST_DIR")))
    };
    let project = Project::open(&options).expect("example project opens");
    let build = Build::new(&project, &options, &Silent);
    let figured = build.figured(Job { document: 0, profile: Profile::Print }).expect("compiles");
    let mut runs = Vec::new();
    for page in figured.compiled.document.pages() {
        yarlung::figures::frames::walk(&page.frame, Transform::identity(), &mut |item, ts| {
            if let FrameItem::Text(text) = item
                && text.font.font().info().family.contains("Tibetan")
            {
                let ranges = text.glyphs.iter().map(|g| (g.range().start, g.range().end)).collect();
                runs.push((ts.ty.to_pt(), text.text.to_string(), ranges));
            }
        });
    }
    runs
}

/// Tibetan vowel signs and subjoined letters: they belong to the stack before them.
fn combining(c: char) -> bool {
    ('\u{0F71}'..='\u{0F84}').contains(&c) || ('\u{0F8D}'..='\u{0FBC}').contains(&c)
}

#[test]
fn stacks_are_single_clusters_and_lines_break_between_syllables() {
    let runs = laid_out_leaflet();
    assert!(runs.len() > 10, "too few Tibetan runs: {}", runs.len());
    let mut stacks = 0;
    for (_, text, ranges) in &runs {
        for &(start, end) in ranges {
            let cluster = &text[start..end];
            // No cluster starts with a sign that belongs to the letter before it.
            assert!(!cluster.chars().next().is_some_and(combining), "cluster “{cluster}” in “{text}”");
            if cluster.chars().filter(|&c| combining(c)).count() >= 2 {
                stacks += 1;
            }
        }
    }
    assert!(stacks > 20, "only {stacks} stacks of three or more parts");
    // རྒྱལ (rgyal): r, subjoined g, subjoined y in one cluster.
    assert!(
        runs.iter().any(|(_, text, ranges)| ranges.iter().any(|&(s, e)| &text[s..e] == "རྒྱ")),
        "no རྒྱ cluster"
    );
    // Lines break between syllables: every line of a translation starts where a syllable
    // starts in it (after a tsheg, a shad, a space or punctuation), never inside one.
    let sources = all_translations();
    let mut lines = 0;
    for (_, text, _) in &runs {
        let line = text.trim();
        let found: Vec<(&String, usize)> =
            sources.iter().flat_map(|s| s.match_indices(line).map(move |(at, _)| (s, at))).collect();
        if found.is_empty() || line.chars().count() < 3 {
            continue; // composed by the template (an amount) or too short to tell
        }
        lines += 1;
        let starts_a_syllable = found.iter().any(|(source, at)| {
            // After a tsheg, a shad, a space or punctuation: anything but a letter or sign.
            source[..*at].chars().next_back().is_none_or(|c| !('\u{0F40}'..='\u{0FBC}').contains(&c))
        });
        assert!(starts_a_syllable, "a line starts inside a syllable: “{line}”");
    }
    assert!(lines > 20, "only {lines} lines checked");
}

/// Every text of the example's `bo` translations.
fn all_translations() -> Vec<String> {
    let mut out = Vec::new();
    for path in walk(&repo().join("data/i18n/bo")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let map: std::collections::BTreeMap<String, serde_json::Value> =
            serde_saphyr::from_str(&text).unwrap();
        out.extend(map.values().filter_map(|e| e["text"].as_str().map(str::to_string)));
    }
    out
}

/// The example with its `bo` translations edited by `edit` (file under data/i18n/bo/, from, to).
fn with_translation(file: &str, from: &str, to: &str) -> Fixture {
    let fixture = Fixture::new();
    fixture.edit(&format!("data/i18n/bo/{file}"), from, to);
    fixture
}

#[test]
fn a_missing_translation_fails_its_edition_and_drafts_warn() {
    let fixture =
        with_translation("provinces/hunan.yaml", "provinces.hunan.slogan:", "# provinces.hunan.slogan:");
    // The entry's lines now belong to nothing: drop them too.
    let path = fixture.root().join("data/i18n/bo/provinces/hunan.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let at = lines.iter().position(|l| l.starts_with("# provinces.hunan.slogan:")).unwrap();
    lines.drain(at..at + 3);
    std::fs::write(&path, lines.join("\n")).unwrap();
    let run = fixture.run(&["check", "--only", "leaflet-hunan.bo-zh", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let missing: Vec<&serde_json::Value> =
        findings.iter().filter(|f| f["check"] == "missing-translation").collect();
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0]["severity"], "error");
    assert_eq!(missing[0]["document"], "leaflet-hunan.bo-zh");
    assert_eq!(
        missing[0]["what"],
        "`provinces.hunan.slogan` (data/provinces/hunan.yaml) has no `bo` translation: “湘藏一家亲”"
    );
    assert_eq!(
        missing[0]["fix"],
        "add `provinces.hunan.slogan` with its text and `state: draft` to a file under data/i18n/bo/"
    );
    let draft = findings.iter().find(|f| f["check"] == "draft-translation").expect("drafts are reported");
    assert_eq!(draft["severity"], "warning");
    assert!(draft["what"].as_str().unwrap().ends_with(") is a draft"), "{draft}");
    // The Chinese edition does not need it.
    assert_eq!(fixture.run(&["check", "--only", "leaflet-hunan", "--edition", "zh"]).code, 0);
    // With a fallback to Chinese, the missing one is a warning and the edition builds.
    fixture.edit("yarlung.yaml", "figures:\n", "translations:\n  fallback: true\nfigures:\n");
    let run = fixture.run(&["build", "--only", "leaflet-hunan.bo-zh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("it prints in Chinese alone"), "{}", run.stderr);
}

#[test]
fn drafts_fail_a_strict_build_and_reviewed_translations_pass_it() {
    let fixture = Fixture::new();
    let run = fixture.run(&["build", "--only", "leaflet-anhui.bo-zh", "--strict"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!fixture.pdf("leaflet-anhui.bo-zh").exists(), "a strict build wrote a draft edition");
    for entry in walk(&fixture.root().join("data/i18n/bo")) {
        let text = std::fs::read_to_string(&entry).unwrap();
        std::fs::write(&entry, text.replace("state: draft", "state: reviewed")).unwrap();
    }
    let run = fixture.run(&["build", "--only", "leaflet-anhui.bo-zh", "--strict"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(fixture.pdf("leaflet-anhui.bo-zh").exists());
}

/// The files under `dir`, recursively.
fn walk(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

#[test]
fn the_loader_refuses_bad_translation_files_with_file_line_and_field() {
    let cases: [(&str, &str, &str, &str); 3] = [
        ("unknown-key", "  state: draft\n", "  state: draft\n  note: hello\n", "unknown field `note`"),
        ("bad-state", "state: draft", "state: final", "unknown variant `final`"),
        ("bad-yaml", "provinces.hubei.name:", "provinces.hubei.name: [", "data/i18n/bo/provinces/hubei.yaml"),
    ];
    for (name, from, to, message) in cases {
        let file = "provinces/hubei.yaml";
        let fixture = with_translation(file, from, to);
        let run = fixture.run(&["check", "--edition", "bo-zh"]);
        assert_eq!(run.code, 2, "{name}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{name}: {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("data/i18n/bo/{file}:")),
            "{name}: no file and line: {}",
            run.stderr
        );
    }
    // A huge file is refused before it is parsed.
    let fixture = Fixture::new();
    let huge = "# filler\n".repeat(200_000);
    std::fs::write(fixture.root().join("data/i18n/bo/huge.yaml"), huge).unwrap();
    let run = fixture.run(&["check", "--edition", "bo-zh"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("data/i18n/bo/huge.yaml") && run.stderr.contains("limited to"),
        "{}",
        run.stderr
    );
}

#[test]
fn translations_of_nothing_are_warnings_listed_together_and_errors_when_strict() {
    let fixture = with_translation("provinces/hubei.yaml", "provinces.hubei.name:", "provinces.hubei.nam:");
    let terms = fixture.root().join("data/i18n/bo/terms.yaml");
    let text = std::fs::read_to_string(&terms).unwrap();
    std::fs::write(&terms, text.replacen("terms.units.吨:", "terms.units.斤:", 1)).unwrap();
    let run = fixture.run(&["check", "--edition", "bo-zh", "--only", "leaflet-hunan", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let obsolete: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check"] == "obsolete-translation")
        .collect();
    assert_eq!(obsolete.len(), 2, "{obsolete:?}");
    let said: Vec<&str> = obsolete.iter().map(|f| f["what"].as_str().unwrap()).collect();
    assert!(
        said.iter().any(|w| w.contains("`provinces.hubei.nam` (data/i18n/bo/provinces/hubei.yaml:")
            && w.contains("did you mean `provinces.hubei.name`?")),
        "{said:?}"
    );
    assert!(said.iter().any(|w| w.contains("no metric uses the unit `斤`")), "{said:?}");
    let strict = fixture.run(&["check", "--edition", "bo-zh", "--only", "leaflet-hunan", "--strict"]);
    assert_eq!(strict.code, 1, "{}", strict.stderr);
}
