//! Event and online materials from the same facts: roll-up banners and display boards as
//! print PDFs (trim, bleed, boxes, key content out of the margins a stand hides), the WeChat
//! long image and covers as images (pixels, bytes, colour), for 1, 3 and 17 partners; a
//! changed metric found in every material.

use std::path::PathBuf;

use typst::foundations::{Label, Selector, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::utils::PicoStr;
use yarlung::pipeline::{Build, Job, Silent};
use yarlung::{Options, Profile, Project};

use crate::common::{Fixture, Pdf};
use crate::partners::partners_of;

/// The materials' documents, as `--only` patterns.
const MATERIALS: [&str; 8] =
    ["--only", "rollup*", "--only", "boards*", "--only", "longimage*", "--only", "cover-*"];

/// Builds the materials of `fixture` in `profile` (and `edition`, when given); returns stderr.
fn build(fixture: &Fixture, profile: &str, edition: Option<&str>) -> String {
    let mut args = vec!["build", "--profile", profile];
    args.extend(MATERIALS);
    if let Some(edition) = edition {
        args.extend(["--edition", edition]);
    }
    let run = fixture.run(&args);
    assert_eq!(run.code, 0, "{profile}: {}", run.stderr);
    assert!(!run.stderr.contains("error  "), "no preflight error: {}", run.stderr);
    run.stderr
}

#[test]
fn materials_build_for_one_three_and_seventeen_partners() {
    for (n, edition) in [(1, None), (3, None), (17, Some("zh"))] {
        let fixture = partners_of(Fixture::full(), n);
        build(&fixture, "screen", edition);
        build(&fixture, "print", edition);
        let banners = std::fs::read_dir(fixture.root().join("out/print"))
            .unwrap()
            .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().starts_with("rollup-"))
            .count();
        let editions = if edition.is_some() { 1 } else { 2 };
        assert_eq!(banners, n * editions, "{n} partners: a banner per province and edition");
        assert!(fixture.root().join("out/screen/longimage.jpg").is_file());
    }
}

#[test]
fn banners_and_boards_are_print_pdfs_and_keep_the_stand_margins_free() {
    let fixture = Fixture::full();
    build(&fixture, "print", None);
    let banner = Pdf::open(&fixture.pdf("rollup-hubei"));
    let (w, h) = banner.page_box(1, b"TrimBox").unwrap();
    assert!((w - 800.0).abs() < 0.1 && (h - 2000.0).abs() < 0.1, "{w} × {h}");
    let (bw, bh) = banner.page_box(1, b"BleedBox").unwrap();
    assert!((bw - 806.0).abs() < 0.1 && (bh - 2006.0).abs() < 0.1, "{bw} × {bh}");
    let board = Pdf::open(&fixture.pdf("boards"));
    let (w, h) = board.page_box(1, b"TrimBox").unwrap();
    assert!((w - 900.0).abs() < 0.1 && (h - 1200.0).abs() < 0.1);
    assert!(board.pages() >= 4, "an opening board and one per section");

    // The key content, read from the laid-out frames, lies inside the safe area, and moves
    // below a larger top margin.
    assert_outside_margins(&fixture, 30.0, 150.0);
    fixture.edit("yarlung.yaml", "safe: { top: 30, bottom: 150 }", "safe: { top: 400, bottom: 150 }");
    assert_outside_margins(&fixture, 400.0, 150.0);
}

/// Asserts that every key content mark of Hubei's banner lies between `top` and `bottom`
/// millimetres from the trim's edges, read from its laid-out frames.
fn assert_outside_margins(fixture: &Fixture, top: f64, bottom: f64) {
    let options = Options { edition: Some("zh".into()), ..Options::new(fixture.root().to_path_buf()) };
    let project = Project::open(&options).unwrap();
    let build = Build::new(&project, &options, &Silent);
    let document = project.plans.iter().position(|p| p.name == "rollup-hubei").unwrap();
    let figured = build.figured(Job { document, profile: Profile::Print }).unwrap();
    let laid = &figured.compiled.document;
    let label = Label::new(PicoStr::intern("yarlung-key-content")).unwrap();
    let keys = laid.introspector().query(&Selector::Label(label));
    assert!(keys.len() >= 8, "title, team, figure, numbers and region are marked: {}", keys.len());
    for key in keys {
        let at = laid.introspector().position(key.location().unwrap()).unwrap();
        let y = at.point.y.to_mm();
        let meta = key.to_packed::<MetadataElem>().unwrap();
        let Value::Dict(dict) = &meta.value else { panic!("a dictionary") };
        assert!((top - 0.5..=2000.0 - bottom + 0.5).contains(&y), "{dict:?} at {y} mm");
    }
}

#[test]
fn the_long_image_and_covers_are_images_of_their_size_and_a_metric_reaches_every_material() {
    let fixture = Fixture::full();
    fixture.edit("data/provinces/hubei.yaml", "        value: 600\n", "        value: 612\n");
    build(&fixture, "screen", Some("zh"));
    build(&fixture, "print", Some("zh"));
    let screen = |name: &str| fixture.root().join("out/screen").join(name);
    let long = std::fs::read(screen("longimage.jpg")).unwrap();
    assert!(long.len() <= 5 * 1024 * 1024, "within WeChat's 5 MB: {}", long.len());
    let image = image::load_from_memory(&long).unwrap();
    assert_eq!(image.width(), 1080);
    assert!(image.height() > 3000, "one long page: {}", image.height());
    assert_eq!(image.color(), image::ColorType::Rgb8);
    for (name, size) in [("cover-wide.png", (900, 383)), ("cover-square.png", (500, 500))] {
        let cover = image::open(screen(name)).unwrap();
        assert_eq!((cover.width(), cover.height()), size, "{name}");
    }
    let manifest = std::fs::read_to_string(screen("manifest.json")).unwrap();
    assert!(manifest.contains("out/screen/longimage.jpg") && manifest.contains("out/screen/cover-wide.png"));
    // The edited metric in every material: the PDFs' text, and the long image's laid-out text.
    for name in ["rollup-hubei", "rollup", "boards"] {
        let text = Pdf::open(&fixture.pdf(name)).text();
        assert!(text.contains("612") && !text.contains("近600"), "{name}");
    }
    let options = Options { edition: Some("zh".into()), ..Options::new(PathBuf::from(fixture.root())) };
    let project = Project::open(&options).unwrap();
    let build = Build::new(&project, &options, &Silent);
    let document = project.plans.iter().position(|p| p.name == "longimage").unwrap();
    let figured = build.figured(Job { document, profile: Profile::Screen }).unwrap();
    let mut text = String::new();
    for page in figured.compiled.document.pages() {
        yarlung::figures::frames::walk(&page.frame, typst::layout::Transform::identity(), &mut |item, _| {
            if let typst::layout::FrameItem::Text(t) = item {
                text.push_str(&t.text);
            }
        });
    }
    assert!(text.contains("612"), "the long image is laid out from the edited facts");
}

#[test]
fn init_with_materials_makes_a_project_whose_materials_build() {
    let dir = tempfile::tempdir().expect("temp dir");
    let project = dir.path().join("new");
    let project = project.to_str().expect("utf-8 temp path");
    let made = crate::common::run(&["init", "--materials", project]);
    assert_eq!(made.code, 0, "{}", made.stderr);
    let mut args = vec!["build", "--profile", "screen", "--project", project];
    args.extend(MATERIALS);
    let built = crate::common::run(&args);
    assert_eq!(built.code, 0, "{}", built.stderr);
    for name in [
        "rollup-hubei.pdf",
        "rollup.pdf",
        "boards.pdf",
        "longimage.jpg",
        "cover-wide.png",
        "cover-square.png",
    ] {
        assert!(std::path::Path::new(project).join("out/screen").join(name).is_file(), "{name}");
    }
}
