//! End to end: build the example project in a temporary copy and inspect the PDFs.

use crate::common::{Fixture, Pdf};

/// The example, built once per test run.
fn built() -> &'static Fixture {
    crate::common::example()
}

/// Every distinct number of the source article, as it is written there.
const ARTICLE_NUMBERS: [&str; 40] = [
    "2022", "3", "10", "8", "4", "15", "60", "2000", "600", "18", "177", "400", "136", "103", "176", "1.54",
    "95", "79", "105", "1", "7", "1.6", "32", "380", "100", "3000", "127", "12", "200", "291", "1.7", "41",
    "71", "80.7", "25.6", "16", "4500", "1.2", "1.5", "2024",
];

/// Each province's name and the numbers its leaflet must show.
const PROVINCES: [(&str, &str, &[&str]); 3] = [
    ("hubei", "湖北", &["15", "60", "2000", "600", "18", "177", "400", "1.7", "200", "1.2", "1.5"]),
    (
        "hunan",
        "湖南",
        &["136", "103", "176", "1.54", "95", "79", "105", "1.6", "32", "380", "41", "71", "80.7", "25.6"],
    ),
    ("anhui", "安徽", &["100", "3000", "127", "10", "12", "200", "291", "16", "4500", "2024"]),
];

/// The figure images each document must embed.
fn image_count(pdf: &Pdf) -> usize {
    pdf.doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").and_then(lopdf::Object::as_name).ok() == Some(b"Image"))
        .filter(|s| s.dict.get(b"Width").and_then(lopdf::Object::as_i64).unwrap_or(0) >= 600)
        .count()
}

#[test]
fn writes_the_brochure_and_three_leaflets() {
    let fixture = built();
    for name in ["brochure", "leaflet-hubei", "leaflet-hunan", "leaflet-anhui"] {
        let path = fixture.pdf(name);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(bytes.starts_with(b"%PDF-"), "{name} is not a PDF");
    }
}

#[test]
fn brochure_is_a4_with_bleed_and_saddle_stitch_pages() {
    let pdf = Pdf::open(&built().pdf("brochure"));
    assert!(pdf.pages() >= 12, "brochure has only {} pages", pdf.pages());
    assert_eq!(pdf.pages() % 4, 0, "brochure has {} pages", pdf.pages());
    for page in 1..=pdf.pages() as u32 {
        let (w, h) = pdf.page_box(page, b"TrimBox").expect("TrimBox");
        assert!((w - 210.0).abs() < 0.1 && (h - 297.0).abs() < 0.1, "page {page} trim {w}×{h}");
        let (w, h) = pdf.page_box(page, b"BleedBox").expect("BleedBox");
        assert!((w - 216.0).abs() < 0.1 && (h - 303.0).abs() < 0.1, "page {page} bleed {w}×{h}");
    }
}

#[test]
fn leaflets_are_two_a4_landscape_pages() {
    for (id, _, _) in PROVINCES {
        let pdf = Pdf::open(&built().pdf(&format!("leaflet-{id}")));
        assert_eq!(pdf.pages(), 2, "leaflet-{id}");
        for page in 1..=2 {
            let (w, h) = pdf.page_box(page, b"TrimBox").expect("TrimBox");
            assert!(
                (w - 297.0).abs() < 0.1 && (h - 210.0).abs() < 0.1,
                "leaflet-{id} page {page} trim {w}×{h}"
            );
        }
    }
}

#[test]
fn brochure_text_holds_every_number_of_the_article() {
    let text = Pdf::open(&built().pdf("brochure")).text();
    for title in ["接力援藏", "共谱新篇", "湖北", "湖南", "安徽"] {
        assert!(text.contains(title), "brochure lacks {title}");
    }
    let missing: Vec<&str> = ARTICLE_NUMBERS.iter().copied().filter(|n| !text.contains(n)).collect();
    assert!(missing.is_empty(), "brochure lacks the numbers {missing:?}");
    for phrase in ["近600", "1.54万", "80.7亿", "4500万"] {
        assert!(text.contains(phrase), "brochure lacks {phrase}");
    }
}

#[test]
fn each_leaflet_shows_its_province_and_numbers() {
    for (id, name, numbers) in PROVINCES {
        let text = Pdf::open(&built().pdf(&format!("leaflet-{id}"))).text();
        assert!(text.contains(name), "leaflet-{id} lacks {name}");
        let missing: Vec<&str> = numbers.iter().copied().filter(|n| !text.contains(n)).collect();
        assert!(missing.is_empty(), "leaflet-{id} lacks {missing:?}");
    }
}

#[test]
fn documents_embed_their_figures() {
    // All seven figures; the cover's picture and the pictures page (影像) show some of them
    // again in other crops, each embedded as the part it shows.
    assert_eq!(image_count(&Pdf::open(&built().pdf("brochure"))), 10);
    for (id, count) in [("hubei", 2), ("hunan", 2), ("anhui", 3)] {
        assert_eq!(image_count(&Pdf::open(&built().pdf(&format!("leaflet-{id}")))), count, "leaflet-{id}");
    }
}

#[test]
fn every_font_is_embedded() {
    for name in ["brochure", "leaflet-hubei", "leaflet-hunan", "leaflet-anhui"] {
        let fonts = Pdf::open(&built().pdf(name)).fonts();
        assert!(!fonts.is_empty(), "{name} has no fonts");
        for (font, embedded) in fonts {
            assert!(embedded, "{name}: font {font} is not embedded");
            assert!(font.contains('+'), "{name}: font {font} is not a subset");
            assert!(font.contains("NotoS"), "{name}: unexpected font {font}");
        }
    }
}

#[test]
fn check_validates_without_writing() {
    let fixture = Fixture::new();
    let run = fixture.run(&["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("ok brochure"), "{}", run.stderr);
    assert!(!fixture.root().join("out").exists(), "check wrote output");
}

/// A document about one province is made from that province's results; the other
/// provinces come without theirs (so editing one province leaves the others' leaflets be).
#[test]
fn a_province_document_gets_only_its_own_results() {
    let fixture = Fixture::new();
    let bundle = fixture.root().join("bundle");
    let run = fixture.run(&["bundle", "--profile", "print", bundle.to_str().expect("utf-8")]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let read = |name: &str| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(bundle.join(format!("facts/{name}.json"))).expect("facts"))
            .expect("JSON")
    };
    let results = |facts: &serde_json::Value, id: &str| {
        let provinces = facts["provinces"].as_array().expect("provinces");
        let p = provinces.iter().find(|p| p["id"] == id).unwrap_or_else(|| panic!("no {id}"));
        p["results"].as_object().map_or(0, |r| r.len())
    };
    let hunan = read("leaflet-hunan");
    assert_eq!(hunan["province"]["id"], "hunan");
    assert!(results(&hunan, "hunan") > 0);
    assert_eq!(results(&hunan, "hubei"), 0);
    assert_eq!(hunan["provinces"].as_array().map(Vec::len), Some(3), "every province is named");
    let brochure = read("brochure");
    assert!(["hubei", "hunan", "anhui"].iter().all(|id| results(&brochure, id) > 0));
}
