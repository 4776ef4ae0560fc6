//! Proof rounds: proof marks on every proof page and none in print, `changes` naming exactly
//! the facts, translations and pages that changed (checked against the proofs' text), a
//! template edit as pages without a fact, sign-off and `build --final`, bad input.

use serde_json::Value;

use crate::common::{Fixture, Pdf, example};

/// The metric, the summary and the translation the test edits.
const METRIC: &str = "provinces.hubei.results.talent-jobs.metrics.civil-service-posts.value";
const SUMMARY: &str = "provinces.hubei.summary";
const TRANSLATION: &str = "bo:provinces.anhui.summary";

/// The changes report of `args` as JSON.
fn changes(fixture: &Fixture, args: &[&str]) -> Value {
    let mut all = vec!["changes", "--format", "json"];
    all.extend(args);
    let run = fixture.run(&all);
    assert_eq!(run.code, 0, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// The `field`s of a list of changes.
fn fields(list: &Value) -> Vec<String> {
    list.as_array().unwrap().iter().map(|c| c["field"].as_str().unwrap().to_string()).collect()
}

/// The (document, pages after) where the change of `field` in `list` prints.
fn printed(list: &Value, field: &str, side: &str) -> Vec<(String, Vec<u32>)> {
    let change = list.as_array().unwrap().iter().find(|c| c["field"] == field).expect("the change is listed");
    change["printed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let pages = p[side].as_array().unwrap().iter().map(|n| n.as_u64().unwrap() as u32).collect();
            (p["document"].as_str().unwrap().to_string(), pages)
        })
        .collect()
}

/// Asserts that every page where `field` prints on `side` (in round `round`'s PDFs) holds
/// `text`, and that the documents are `documents`.
fn holds(
    fixture: &Fixture,
    list: &Value,
    field: &str,
    side: &str,
    round: u32,
    text: &str,
    documents: &[&str],
) {
    let places = printed(list, field, side);
    let names: Vec<&str> = places.iter().filter(|(_, p)| !p.is_empty()).map(|(d, _)| d.as_str()).collect();
    assert_eq!(names, documents, "{field}: {places:?}");
    for (document, pages) in places {
        let pdf = Pdf::open(&fixture.root().join(format!("out/proof/round-{round}/{document}.pdf")));
        for page in pages {
            assert!(pdf.page_text(page).contains(text), "{document} p. {page} (round {round}) lacks {text}");
        }
    }
}

#[test]
fn rounds_say_which_facts_changed_on_which_pages_and_print_waits_for_approval() {
    let fixture = Fixture::new();
    fixture.edit("yarlung.yaml", "\narchive:", "\nproof: { approvers: [责任编辑, 审核] }\n\narchive:");
    let only = ["--only", "brochure", "--only", "leaflet-*"];
    let proof = || fixture.run(&[&["proof"][..], &only[..]].concat());
    let run = proof();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(fixture.root().join("proofs/round-1.json").is_file());

    // Proof marks on every page of every proof (below the page, which keeps its trim).
    let proofs = Pdf::open(&fixture.root().join("out/proof/round-1/brochure.bo-zh.pdf"));
    for n in 1..=proofs.pages() as u32 {
        let text = proofs.page_text(n);
        assert!(text.contains("非付印稿") && text.contains("第一校"), "page {n}: {text}");
        let (w, h) = proofs.page_box(n, b"MediaBox").unwrap();
        assert!((w - 210.0).abs() < 0.1 && h > 297.0 && h < 310.0, "page {n}: {w} × {h} mm");
    }
    // … and none in print.
    let print = Pdf::open(&example().pdf("brochure")).text();
    assert!(!print.contains("非付印稿") && !print.contains("校样"));

    // Three edits: a metric value, a sentence of a summary, a Tibetan translation's text and state.
    fixture.edit("data/provinces/hubei.yaml", "        value: 15\n", "        value: 16\n");
    fixture.edit("data/provinces/hubei.yaml", "一手抓创新平台与特色产业", "一手抓创新平台和特色产业");
    let bo = "data/i18n/bo/provinces/anhui.yaml";
    fixture.edit(bo, "ལམ་གསར་ཕྱེ།\"\n  state: draft", "ལམ་གསར་ཕྱེ་པ་ཡིན།\"\n  state: reviewed");
    let run = proof();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("yarlung changes --from 1 --to 2"), "{}", run.stderr);

    let report = changes(&fixture, &["--from", "1", "--to", "2"]);
    assert_eq!(fields(&report["facts"]), [METRIC, SUMMARY]);
    assert_eq!(fields(&report["translations"]), [TRANSLATION]);
    assert_eq!(fields(&report["figures"]), Vec::<String>::new());
    let facts = &report["facts"];
    let both = ["brochure", "brochure.bo-zh", "leaflet-hubei", "leaflet-hubei.bo-zh"];
    holds(&fixture, facts, METRIC, "after", 2, "16个", &both);
    holds(&fixture, facts, METRIC, "before", 1, "15个", &both);
    // (the bilingual brochure prints the summaries on its page of the teams' summaries)
    holds(&fixture, facts, SUMMARY, "after", 2, "一手抓创新平台和特色产业", &both);
    holds(&fixture, facts, SUMMARY, "before", 1, "一手抓创新平台与特色产业", &both);
    let tibetan = ["brochure.bo-zh", "leaflet-anhui.bo-zh"];
    holds(&fixture, &report["translations"], TRANSLATION, "after", 2, "ལམ་གསར་ཕྱེ་པ་ཡིན།", &tibetan);
    // Every changed page is listed with its diff; the metric's pages name it.
    let pages = report["pages"].as_array().unwrap();
    for (document, pages_after) in printed(facts, METRIC, "after") {
        for page in pages_after {
            let listed = pages.iter().find(|p| p["document"] == document.as_str() && p["page"] == page);
            let listed = listed.unwrap_or_else(|| panic!("{document} p. {page} is not listed: {pages:?}"));
            assert!(listed["fields"].as_array().unwrap().iter().any(|f| f == METRIC));
            assert!(fixture.root().join(listed["diff"].as_str().unwrap()).is_file());
        }
    }

    // Sign-off: refused until every listed role approved exactly these inputs.
    let build_final = || fixture.run(&["build", "--final", "--only", "leaflet-anhui", "--edition", "zh"]);
    let run = build_final();
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("round 2 (the inputs now) is not approved by 责任编辑, 审核"),
        "{}",
        run.stderr
    );
    let ledger = fixture.root().join("proofs/approvals.yaml");
    let run = fixture.run(&["approve", "2", "--role", "校对", "--name", "王五"]);
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("`校对` is not a role that approves proofs here; yarlung.yaml lists under proof: approvers: 责任编辑, 审核"),
        "{}",
        run.stderr
    );
    let run = fixture.run(&["approve", "9", "--role", "审核", "--name", "王五"]);
    assert!(
        run.stderr
            .contains("there is no proof round 9 (proofs/round-9.json): the rounds made so far are 1–2"),
        "{}",
        run.stderr
    );
    assert!(!ledger.exists(), "a refused approval writes nothing");
    assert_eq!(fixture.run(&["approve", "2", "--role", "责任编辑", "--name", "张三"]).code, 0);
    let run = build_final();
    assert!(
        run.stderr
            .contains("is not approved by 审核; approve with `yarlung approve 2 --role 审核 --name NAME`"),
        "{}",
        run.stderr
    );
    let run = fixture.run(&["approve", "2", "--role", "审核", "--name", "李四", "--note", "同意付印"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = build_final();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(fixture.root().join("out/print/manifest.json")).unwrap())
            .unwrap();
    let roles: Vec<&str> =
        manifest["approvals"].as_array().unwrap().iter().map(|a| a["role"].as_str().unwrap()).collect();
    assert_eq!(roles, ["责任编辑", "审核"]);
    let run = fixture.run(&[
        "build",
        "--final",
        "--profile",
        "archive",
        "--only",
        "leaflet-anhui",
        "--edition",
        "zh",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let archived = std::fs::read(fixture.root().join("out/archive/leaflet-anhui.pdf")).unwrap();
    assert!(
        String::from_utf8_lossy(&archived).contains("第2校 审核 李四"),
        "the archive PDF's XMP names the approvals"
    );

    // An edit after the approval: refused, naming the file.
    fixture.edit("data/provinces/hubei.yaml", "        value: 16\n", "        value: 17\n");
    let run = build_final();
    assert_ne!(run.code, 0);
    assert!(
        run.stderr.contains("since round 2 these changed: data/provinces/hubei.yaml; see `yarlung changes`"),
        "{}",
        run.stderr
    );
    fixture.edit("data/provinces/hubei.yaml", "        value: 17\n", "        value: 16\n");
    assert_eq!(build_final().code, 0, "the approved inputs again");

    // A damaged record: a clear error, nothing written.
    let before = std::fs::read(&ledger).unwrap();
    std::fs::write(fixture.root().join("proofs/round-1.json"), "{ not json").unwrap();
    let run = fixture.run(&["approve", "1", "--role", "审核", "--name", "李四"]);
    assert_ne!(run.code, 0);
    assert!(run.stderr.contains("proofs/round-1.json") && run.stderr.contains("damaged"), "{}", run.stderr);
    assert_eq!(std::fs::read(&ledger).unwrap(), before);

    // A template edit: pages change, no fact did.
    fixture.edit("templates/theme.typ", "rgb(\"#d9962e\")", "rgb(\"#3060c0\")");
    let report = changes(&fixture, &only);
    assert_eq!(report["to"], "now");
    assert!(fields(&report["facts"]).is_empty() && fields(&report["translations"]).is_empty());
    let pages = report["pages"].as_array().unwrap();
    assert!(!pages.is_empty());
    assert!(pages.iter().all(|p| p["fields"].as_array().unwrap().is_empty()), "{pages:?}");
}
