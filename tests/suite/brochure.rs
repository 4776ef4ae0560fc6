//! The brochure a publicity office signs: charts of one unit, the provinces treated alike,
//! the imprint, no word of the tool, figures numbered in page order.

use std::path::PathBuf;

use typst::foundations::{Label, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::utils::PicoStr;
use yarlung::pipeline::{Job, Silent};
use yarlung::{Build, Options, Profile, Project};

use crate::common::{Fixture, Pdf};

/// The example, built once per test run.
fn built() -> &'static Fixture {
    crate::common::example()
}

/// The values of the metadata labelled `label` in every document of the example (zh), by
/// document name.
fn metadata(label: &str) -> Vec<(String, Value)> {
    let options =
        Options { edition: Some("zh".into()), ..Options::new(PathBuf::from(env!("CARGO_MANIFEST_DIR"))) };
    let project = Project::open(&options).expect("the example opens");
    let build = Build::new(&project, &options, &Silent);
    let label = Label::new(PicoStr::intern(label)).unwrap();
    let mut out = Vec::new();
    for (document, plan) in project.plans.iter().enumerate() {
        let figured = build.figured(Job { document, profile: Profile::Screen }).expect("compiles");
        for content in
            figured.compiled.document.introspector().query(&typst::foundations::Selector::Label(label))
        {
            let metadata = content.to_packed::<MetadataElem>().expect("metadata");
            out.push((plan.name.clone(), metadata.value.clone()));
        }
    }
    out
}

/// The strings of an array value.
fn strings(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().map(|v| v.clone().cast::<String>().unwrap_or_default()).collect(),
        _ => vec![],
    }
}

/// The value at `key` of a dictionary value.
fn field(value: &Value, key: &str) -> Value {
    match value {
        Value::Dict(dict) => dict.get(key).cloned().unwrap_or(Value::None),
        _ => Value::None,
    }
}

#[test]
fn no_chart_mixes_units_and_provinces_get_the_same_pages() {
    let charts = metadata("yarlung-chart");
    assert!(!charts.is_empty(), "no chart says what it shows");
    for (document, chart) in &charts {
        let mut units = strings(&field(chart, "units"));
        units.sort();
        units.dedup();
        assert!(units.len() <= 1, "{document}: a chart mixes units {units:?}");
    }
    let pages = metadata("yarlung-province-page");
    assert!(!pages.is_empty(), "no province page says what it holds");
    let mut by_section: std::collections::BTreeMap<String, Vec<(String, Vec<String>)>> = Default::default();
    for (_, page) in &pages {
        let section = field(page, "section").cast::<String>().unwrap_or_default();
        let province = field(page, "province").cast::<String>().unwrap_or_default();
        by_section.entry(section).or_default().push((province, strings(&field(page, "components"))));
    }
    for (section, provinces) in &by_section {
        let first = &provinces[0].1;
        for (province, components) in provinces {
            assert_eq!(components, first, "{section}: {province}'s page differs from {}'s", provinces[0].0);
        }
    }
}

#[test]
fn the_imprint_prints_and_the_tool_does_not() {
    let fixture = built();
    let project = std::fs::read_to_string(fixture.root().join("data/project.yaml")).unwrap();
    let imprint: serde_json::Value =
        yarlung::project::yaml::parse(std::path::Path::new("project.yaml"), project.as_bytes()).unwrap();
    let imprint = &imprint["imprint"];
    let brochure = Pdf::open(&fixture.pdf("brochure"));
    let back = brochure.page_text(u32::try_from(brochure.pages()).unwrap());
    for key in ["compiler", "printer", "recipients"] {
        let value: String = imprint[key].as_str().unwrap().split_whitespace().collect();
        assert!(back.contains(&value), "the back cover lacks the imprint's {key} {value:?}:\n{back}");
    }
    assert!(back.contains(&imprint["copies"].to_string()), "no print run on the back cover:\n{back}");
    for entry in std::fs::read_dir(fixture.root().join("out/print")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "pdf") && !path.to_string_lossy().contains("imposed") {
            let text = Pdf::open(&path).text();
            for word in ["yarlung", "YAML", "data/", "templates/"] {
                assert!(!text.contains(word), "{} prints {word}", path.display());
            }
        }
    }
}

#[test]
fn figures_are_numbered_in_page_order() {
    let brochure = Pdf::open(&built().pdf("brochure"));
    let mut seen = Vec::new();
    for page in 2..=u32::try_from(brochure.pages()).unwrap() {
        let text = brochure.page_text(page);
        for (n, mark) in ['①', '②', '③', '④', '⑤', '⑥', '⑦'].iter().enumerate() {
            if text.contains(&format!("图{mark}")) && !seen.contains(&(n + 1)) {
                seen.push(n + 1);
            }
        }
    }
    assert!(!seen.is_empty(), "no figure numbers found");
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    assert_eq!(seen, sorted, "figure numbers by first page: {seen:?}");
}

#[test]
fn bad_imprints_name_file_line_and_field() {
    for (edit, field, message) in [
        ("compiler: \"\"", "imprint.compiler", "is empty; name the body that compiled the publication"),
        (
            "internal: false",
            "imprint.permit",
            "a permit number (准印证号) belongs to an internal publication",
        ),
    ] {
        let fixture = Fixture::new();
        let path = fixture.root().join("data/project.yaml");
        let text = std::fs::read_to_string(&path).unwrap();
        let key = edit.split(':').next().unwrap();
        let at =
            text.find(&format!("  {key}:")).unwrap_or_else(|| panic!("the example's imprint has no {key}"));
        let end = text[at..].find('\n').map_or(text.len(), |e| at + e);
        let line = text[..at].lines().count() + 1;
        std::fs::write(&path, format!("{}  {edit}{}", &text[..at], &text[end..])).unwrap();
        let run = fixture.run(&["check", "--only", "leaflet-hubei"]);
        assert_eq!(run.code, 2, "{}", run.stderr);
        let expected = format!("data/project.yaml:{line}:1: field `{field}`: {message}");
        if field == "imprint.permit" {
            assert!(
                run.stderr.contains("data/project.yaml:") && run.stderr.contains(field),
                "{}",
                run.stderr
            );
            assert!(run.stderr.contains(message), "{}", run.stderr);
        } else {
            assert!(run.stderr.contains(&expected), "{expected}\n{}", run.stderr);
        }
    }
}
