//! Any number of partners: the brochure for 1 to 17 generated provinces, a leaflet whose
//! facts cannot fit, and numbers that extract with their units.

use serde_json::Value;

use crate::common::{Fixture, Pdf};

/// Names of generated partners: long and short, provinces, a corps and enterprises.
const PARTNERS: [(&str, &str); 14] = [
    ("内蒙古", "内蒙古自治区"),
    ("兵团", "新疆生产建设兵团"),
    ("央企", "中央企业"),
    ("上海", "上海市"),
    ("黑龙江", "黑龙江省"),
    ("广西", "广西壮族自治区"),
    ("重庆", "重庆市"),
    ("江苏", "江苏省"),
    ("福建", "福建省"),
    ("河北", "河北省"),
    ("辽宁", "辽宁省"),
    ("吉林", "吉林省"),
    ("天津", "天津市"),
    ("浙江", "浙江省"),
];

/// Reads a YAML file of the fixture as a generic value.
fn read(fixture: &Fixture, rel: &str) -> Value {
    let bytes = std::fs::read(fixture.root().join(rel)).unwrap();
    yarlung::project::yaml::parse(std::path::Path::new(rel), &bytes).unwrap()
}

/// Writes a generic value as YAML (JSON is YAML).
fn write(fixture: &Fixture, rel: &str, value: &Value) {
    std::fs::write(fixture.root().join(rel), serde_json::to_vec_pretty(value).unwrap()).unwrap();
}

/// A copy of the example with `n` partners: the example's first `n` provinces, then
/// generated ones made from Hubei's facts under other names.
pub fn with_partners(n: usize) -> Fixture {
    partners_of(Fixture::new(), n)
}

/// [`with_partners`] on `fixture`.
pub fn partners_of(fixture: Fixture, n: usize) -> Fixture {
    let keep: Vec<&str> = ["hubei", "hunan", "anhui"].into_iter().take(n).collect();
    for gone in ["hubei", "hunan", "anhui"].iter().filter(|p| !keep.contains(p)) {
        std::fs::remove_file(fixture.root().join(format!("data/provinces/{gone}.yaml"))).unwrap();
    }
    let known = |key: &str| keep.iter().any(|p| key.starts_with(&format!("{p}.")));
    let mut project = read(&fixture, "data/project.yaml");
    if let Some(Value::Array(headline)) = project.get_mut("headline") {
        headline.retain(|k| k.as_str().is_some_and(known));
    }
    if let Some(Value::Array(charts)) = project.get_mut("charts") {
        charts.retain(|c| {
            c["metrics"].as_array().is_some_and(|m| m.iter().all(|k| k.as_str().is_some_and(known)))
        });
    }
    write(&fixture, "data/project.yaml", &project);
    let mut figures = read(&fixture, "data/figures.yaml");
    let mut dropped = Vec::new();
    if let Value::Array(list) = &mut figures {
        list.retain(|f| {
            let kept = keep.contains(&f["province"].as_str().unwrap_or_default());
            if !kept {
                dropped.push(f["id"].as_str().unwrap_or_default().to_string());
            }
            kept
        });
    }
    write(&fixture, "data/figures.yaml", &figures);
    let config = std::fs::read_to_string(fixture.root().join("yarlung.yaml")).unwrap();
    let config: String = config
        .lines()
        .filter(|line| !dropped.iter().any(|id| line.trim_start().starts_with(&format!("{id}:"))))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(fixture.root().join("yarlung.yaml"), config).unwrap();
    let hubei = std::fs::read_to_string(crate::common::repo().join("data/provinces/hubei.yaml")).unwrap();
    for i in 3..n {
        let (name, full) = PARTNERS[(i - 3) % PARTNERS.len()];
        let id = format!("partner-{i:02}");
        let text = hubei
            .replace("id: hubei", &format!("id: {id}"))
            .replace("order: 1\n", &format!("order: {}\n", i + 1))
            .replace("name: 湖北\n", &format!("name: {name}\n"))
            .replace("full-name: 湖北省", &format!("full-name: {full}"))
            .replace("team: 湖北省第十批援藏工作队", &format!("team: {full}援藏工作队"));
        std::fs::write(fixture.root().join(format!("data/provinces/{id}.yaml")), text).unwrap();
    }
    fixture
}

#[test]
fn the_brochure_flows_for_one_to_seventeen_partners() {
    for n in [1, 2, 5, 17] {
        let fixture = with_partners(n);
        // The generated partners have no Tibetan: the Chinese edition.
        let run = fixture.run(&["build", "--only", "brochure", "--edition", "zh"]);
        assert_eq!(run.code, 0, "{n} partners:\n{}", run.stderr);
        assert!(!run.stderr.contains("outside-trim"), "{n} partners:\n{}", run.stderr);
        let pages = Pdf::open(&fixture.pdf("brochure")).pages();
        assert!(pages > 0 && pages.is_multiple_of(4), "{n} partners: {pages} pages");
    }
}

#[test]
fn leaflet_numbers_extract_with_their_units() {
    let fixture = Fixture::new();
    let run = fixture.run(&["build", "--only", "leaflet-hunan"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for edition in ["leaflet-hunan", "leaflet-hunan.bo-zh"] {
        let text = Pdf::open(&fixture.pdf(edition)).text();
        assert!(text.contains("1.54万人次"), "{edition}: the number and its unit are apart in:\n{text}");
    }
}

#[test]
fn facts_too_long_for_a_leaflet_name_their_file_and_how_much_is_over() {
    let fixture = Fixture::new();
    let long = "湖北工作队把高校院所和科技企业请上高原，一手抓创新平台与特色产业。".repeat(60);
    fixture.edit("data/provinces/hubei.yaml", "summary: >-\n", &format!("summary: >-\n  {long}\n"));
    let run = fixture.run(&["build", "--only", "leaflet-hubei"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("data/provinces/hubei.yaml"), "{}", run.stderr);
    assert!(run.stderr.contains("mm too much"), "{}", run.stderr);
    assert!(!fixture.pdf("leaflet-hubei").exists(), "no PDF is written");
}

/// The SHA-256 of every PDF a fixture's build wrote for print, by file name.
fn digests(fixture: &Fixture) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = std::fs::read_dir(fixture.root().join("out/print"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, yarlung::output::digest::sha256(&std::fs::read(&p).unwrap()))
        })
        .collect();
    out.sort();
    out
}

/// Builds the Chinese brochure and leaflets of `fixture` with `jobs` jobs and the `extra`
/// arguments.
fn build_zh(fixture: &Fixture, jobs: &str, extra: &[&str]) -> crate::common::Run {
    let args = ["build", "--edition", "zh", "--jobs", jobs, "--only", "brochure", "--only", "leaflet-*"];
    fixture.run(&[&args[..], extra].concat())
}

#[test]
fn many_documents_are_made_in_worker_processes_with_the_same_bytes() {
    let fixture = with_partners(10);
    let run = build_zh(&fixture, "2", &["--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("making 11 documents in 2 worker processes"), "{}", run.stderr);
    let workers = digests(&fixture);
    assert_eq!(workers.len(), 11, "{workers:?}");
    let manifest = std::fs::read_to_string(fixture.root().join("out/print/manifest.json")).unwrap();
    for (name, sha) in &workers {
        assert!(manifest.contains(sha.as_str()), "{name} is not in the manifest");
    }
    let run = build_zh(&fixture, "1", &["--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("worker processes"), "{}", run.stderr);
    assert_eq!(digests(&fixture), workers, "one process and two workers make the same bytes");
}

#[test]
fn a_document_that_fails_in_a_worker_fails_alone() {
    let fixture = with_partners(10);
    let long = "工作队把高校院所和科技企业请上高原，一手抓创新平台与特色产业。".repeat(60);
    fixture.edit("data/provinces/partner-05.yaml", "summary: >-\n", &format!("summary: >-\n  {long}\n"));
    let run = build_zh(&fixture, "2", &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("data/provinces/partner-05.yaml"), "{}", run.stderr);
    assert!(run.stderr.contains("mm too much"), "{}", run.stderr);
    assert!(!fixture.pdf("leaflet-partner-05").exists(), "no PDF for the failed leaflet");
    assert!(fixture.pdf("leaflet-partner-06").exists() && fixture.pdf("leaflet-hubei").exists());
}

#[test]
fn a_worker_that_dies_fails_nothing_and_its_document_is_tried_again() {
    let fixture = with_partners(10);
    let run = build_zh(&fixture, "2", &["--abort-worker", "leaflet-partner-03"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = digests(&fixture);
    assert_eq!(written.len(), 11, "every document is written: {written:?}");
    assert!(written.iter().any(|(name, _)| name == "leaflet-partner-03.pdf"), "{written:?}");
}

#[test]
fn a_document_that_kills_every_worker_fails_alone_and_says_so() {
    let fixture = with_partners(10);
    let run = build_zh(&fixture, "2", &["--abort-worker", "leaflet-partner-03", "--abort-worker-every"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "document `leaflet-partner-03`: the worker processes making it stopped 2 times; the last was killed by SIGABRT"
        ),
        "{}",
        run.stderr
    );
    let written = digests(&fixture);
    assert_eq!(written.len(), 10, "all others are written: {written:?}");
    assert!(!fixture.pdf("leaflet-partner-03").exists());
}

#[test]
fn several_only_and_patterns_choose_the_documents() {
    let fixture = Fixture::new();
    let run = fixture.run(&["check", "--only", "leaflet-h*", "--only", "brochure.bo-zh", "--verbose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = fixture.run(&["build", "--only", "leaflet-h*", "--only", "brochure", "--edition", "zh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let mut written: Vec<String> = digests(&fixture).into_iter().map(|(name, _)| name).collect();
    written.sort();
    assert_eq!(written, ["brochure.pdf", "leaflet-hubei.pdf", "leaflet-hunan.pdf"]);
    let run = fixture.run(&["build", "--only", "leaflet-h*", "--only", "poster-*"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("no document named `poster-*`"), "{}", run.stderr);
}
