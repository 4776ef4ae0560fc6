//! Visual regression: every page of the four documents, rendered small with the embedded
//! fonts and the pinned date, compared with the reference PNGs in `tests/visual/`.
//!
//! A mismatch writes `<page>.live.png` and `<page>.diff.png` beside the reference.
//! `YARLUNG_UPDATE_REFERENCES=1 cargo test --test suite visual` rewrites the references.

use std::path::{Path, PathBuf};

use image::{Rgba, RgbaImage};
use yarlung::pipeline::{Job, Silent};
use yarlung::{Build, Options, Profile, Project};

/// Rendering resolution of the references.
const PPI: f32 = 20.0;
/// A pixel differs when a channel differs by more than this.
const CHANNEL_TOLERANCE: u8 = 32;
/// A page matches when at most this fraction of its pixels differ.
const PIXEL_TOLERANCE: f64 = 0.0005;

/// The folder of reference images.
fn references() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/visual")
}

/// Counts differing pixels and draws them red on a faded copy of the reference.
fn compare(reference: &RgbaImage, live: &RgbaImage) -> (usize, RgbaImage) {
    let mut diff = RgbaImage::new(reference.width(), reference.height());
    let mut count = 0;
    for (x, y, r) in reference.enumerate_pixels() {
        let l = live.get_pixel(x, y);
        let differs = r.0.iter().zip(l.0.iter()).any(|(a, b)| a.abs_diff(*b) > CHANNEL_TOLERANCE);
        count += usize::from(differs);
        let faded = |c: u8| 192 + c / 4;
        diff.put_pixel(
            x,
            y,
            if differs { Rgba([255, 0, 0, 255]) } else { Rgba([faded(r[0]), faded(r[1]), faded(r[2]), 255]) },
        );
    }
    (count, diff)
}

#[test]
fn pages_match_their_references() {
    let update = std::env::var_os("YARLUNG_UPDATE_REFERENCES").is_some_and(|v| v == "1");
    let only = vec!["brochure".into(), "leaflet-*".into()];
    let options = Options { jobs: 0, only, ..Options::new(PathBuf::from(env!("CARGO_MANIFEST_DIR"))) };
    let project = Project::open(&options).expect("example project opens");
    let mut build = Build::new(&project, &options, &Silent);
    build.ctx.late_figures = false;
    let dir = references();
    let mut failures = Vec::new();
    let mut expected_files = Vec::new();
    for (document, plan) in project.plans.iter().enumerate() {
        let figured = build.figured(Job { document, profile: Profile::Print }).expect("document compiles");
        for (n, live) in yarlung::render::preview::render(&figured.compiled.document, PPI, None) {
            let name = format!("{}-{n}", plan.name);
            let path = dir.join(format!("{name}.png"));
            expected_files.push(format!("{name}.png"));
            if update {
                live.save(&path).expect("write reference");
                continue;
            }
            let Ok(reference) = image::open(&path).map(|i| i.to_rgba8()) else {
                failures.push(format!("{name}: no reference (run with YARLUNG_UPDATE_REFERENCES=1)"));
                live.save(dir.join(format!("{name}.live.png"))).ok();
                continue;
            };
            if reference.dimensions() != live.dimensions() {
                failures.push(format!(
                    "{name}: size {:?} ≠ reference {:?}",
                    live.dimensions(),
                    reference.dimensions()
                ));
                live.save(dir.join(format!("{name}.live.png"))).ok();
                continue;
            }
            let (count, diff) = compare(&reference, &live);
            let allowed =
                (f64::from(reference.width() * reference.height()) * PIXEL_TOLERANCE).ceil() as usize;
            if count > allowed {
                failures.push(format!("{name}: {count} pixels differ (allowed {allowed})"));
                live.save(dir.join(format!("{name}.live.png"))).ok();
                diff.save(dir.join(format!("{name}.diff.png"))).ok();
            } else {
                let _ = std::fs::remove_file(dir.join(format!("{name}.live.png")));
                let _ = std::fs::remove_file(dir.join(format!("{name}.diff.png")));
            }
        }
    }
    let stale: Vec<String> = std::fs::read_dir(&dir)
        .expect("reference folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".png") && !f.ends_with(".live.png") && !f.ends_with(".diff.png"))
        .filter(|f| !expected_files.contains(f))
        .collect();
    for file in &stale {
        if update {
            std::fs::remove_file(dir.join(file)).expect("remove stale reference");
        } else {
            failures.push(format!("{file}: reference for a page that no longer exists"));
        }
    }
    assert!(
        failures.is_empty(),
        "visual differences (see tests/visual/*.diff.png):\n{}",
        failures.join("\n")
    );
}
