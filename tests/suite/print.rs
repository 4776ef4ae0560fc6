//! Print production: colours converted through the output profile, the ink checks, a print
//! shop's own profile (and files that are not one), bleed and marks per document.

use lcms2::{CIExyY, Intent, PixelFormat, Profile, Transform};
use lopdf::Object;

use crate::common::{Fixture, Pdf, repo};
use yarlung::press::Press;
use yarlung::press::convert::{Pixels, to_cmyk};

/// sRGB patches and their CMYK in the shipped profile as Little CMS 2.19 (Pillow's
/// ImageCms, relative colorimetric with black-point compensation) gives them.
const REFERENCE: [([u8; 3], [u8; 4]); 5] = [
    ([21, 55, 95], [239, 168, 40, 125]),
    ([217, 150, 46], [0, 99, 221, 42]),
    ([128, 128, 128], [47, 40, 39, 135]),
    ([30, 133, 130], [182, 1, 91, 92]),
    ([161, 42, 36], [1, 234, 203, 100]),
];

/// CIE L*a*b* of CMYK `ink` printed on the shipped profile's press.
fn lab(ink: [u8; 4]) -> [f64; 3] {
    let output = Profile::new_icc(&Press::default().profile.icc).unwrap();
    let lab =
        Profile::new_lab4_context(lcms2::GlobalContext::new(), &CIExyY { x: 0.3457, y: 0.3585, Y: 1.0 })
            .unwrap();
    let t: Transform<[u8; 4], [f64; 3]> = Transform::new(
        &output,
        PixelFormat::CMYK_8,
        &lab,
        PixelFormat::Lab_DBL,
        Intent::AbsoluteColorimetric,
    )
    .unwrap();
    let mut out = [[0.0; 3]];
    t.transform_pixels(&[ink], &mut out);
    out[0]
}

#[test]
fn known_patches_convert_as_little_cms_does() {
    let press = Press::default();
    for (rgb, reference) in REFERENCE {
        let ours = to_cmyk(&rgb, Pixels::Rgb, None, &press).unwrap();
        let ours: [u8; 4] = ours.try_into().unwrap();
        let (a, b) = (lab(ours), lab(reference));
        // CIE76 distance: never smaller than ΔE00 for such near colours, so a stricter test.
        let de = ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt();
        assert!(de <= 2.0, "{rgb:?}: ours {ours:?}, Little CMS {reference:?}: ΔE {de:.2}");
    }
}

/// The example with `line` added after the leaflet template's first `#show` rule.
fn with_leaflet_line(line: &str) -> Fixture {
    let fixture = Fixture::new();
    fixture.edit(
        "templates/leaflet.typ",
        "#set text(size: lf.size.body)",
        &format!("#set text(size: lf.size.body)\n{line}"),
    );
    fixture
}

#[test]
fn rgb_rich_black_small_text_and_heavy_ink_are_errors_with_their_place() {
    let fixture = with_leaflet_line(
        "#place(top + left, dx: 20mm, dy: 20mm, box[#text(fill: rgb(\"#ff0000\"), size: 8pt)[Red] \
         #text(fill: cmyk(60%, 40%, 40%, 100%), size: 8pt)[Rich] \
         #box(width: 5mm, height: 5mm, fill: cmyk(100%, 100%, 100%, 100%))])",
    );
    let run = fixture.run(&["build", "--only", "leaflet-hubei", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!fixture.pdf("leaflet-hubei").exists(), "a failed PDF was written");
    let findings: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    let find = |check: &str| {
        findings["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["check"] == check)
            .unwrap_or_else(|| panic!("no {check} in {findings}"))
            .clone()
    };
    let rgb = find("rgb-colour");
    assert_eq!(rgb["page"], 1);
    assert_eq!(rgb["document"], "leaflet-hubei");
    let what = rgb["what"].as_str().unwrap();
    assert!(what.starts_with("text “Red” (templates/leaflet.typ:"), "{what}");
    assert!(
        what.ends_with("is rgb(\"#ff0000\"), an RGB colour, which has no place in a CMYK print file"),
        "{what}"
    );
    let small = find("small-text-ink")["what"].as_str().unwrap().to_string();
    assert!(small.starts_with("text “Rich” (templates/leaflet.typ:"), "{small}");
    assert!(small.contains("below 12 pt in a black of several inks (cmyk(60%, 40%, 40%, 100%))"), "{small}");
    let heavy = find("ink-limit")["what"].as_str().unwrap().to_string();
    assert!(heavy.starts_with("a shape (templates/leaflet.typ:"), "{heavy}");
    assert!(heavy.ends_with("has 400 % ink, more than the 300 % the press allows"), "{heavy}");
    // The same page for the screen: RGB is at home there.
    let screen = fixture.run(&["check", "--only", "leaflet-hubei", "--profile", "screen"]);
    assert!(
        !screen.stderr.contains("rgb-colour") && !screen.stderr.contains("RGB colour"),
        "{}",
        screen.stderr
    );
}

#[test]
fn a_lower_ink_limit_holds_colours_to_it_and_figures_are_converted_within_it() {
    let fixture = Fixture::new();
    fixture.edit("yarlung.yaml", "figures:\n", "print:\n  ink-limit: 220\nfigures:\n");
    let run = fixture.run(&["check", "--only", "leaflet-hubei", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The theme's deep blue is 228 %; the figures are converted within the lower limit.
    let report: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON report");
    let whats: Vec<&str> =
        report["findings"].as_array().unwrap().iter().filter_map(|f| f["what"].as_str()).collect();
    assert!(
        whats.iter().any(|w| w.ends_with("has 228 % ink, more than the 220 % the press allows")),
        "{whats:?}"
    );
    assert!(!whats.iter().any(|w| w.starts_with("figure")), "{whats:?}");
}

#[test]
fn files_that_are_not_cmyk_output_profiles_are_refused_with_what_they_are() {
    let fixture = Fixture::new();
    let srgb = lcms2::Profile::new_srgb().icc().unwrap();
    let shipped = std::fs::read(repo().join("profiles/FOGRA39L-coated.icc")).unwrap();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "srgb.icc",
            srgb,
            "this is a display profile (class `mntr`) for RGB data, not a CMYK output profile",
        ),
        ("cut.icc", shipped[..shipped.len() / 3].to_vec(), "it is cut short"),
        (
            "garbage.icc",
            b"GIF89a and then some".repeat(20),
            "this is not an ICC profile (no `acsp` signature",
        ),
        (
            "huge.icc",
            vec![0; 17 * 1024 * 1024],
            "the profile is 17 MiB; an output profile has at most 16 MiB",
        ),
    ];
    for (file, bytes, message) in cases {
        std::fs::write(fixture.root().join(file), bytes).unwrap();
        let path = fixture.root().join(file);
        let run = fixture.run(&["check", "--output-profile", path.to_str().unwrap()]);
        assert_eq!(run.code, 2, "{file}: {}", run.stderr);
        assert!(run.stderr.contains(file) && run.stderr.contains(message), "{file}: {}", run.stderr);
        // Named in yarlung.yaml, the same.
        std::fs::write(
            fixture.root().join("yarlung.yaml"),
            std::fs::read_to_string(repo().join("yarlung.yaml"))
                .unwrap()
                .replace("figures:\n", &format!("print:\n  output-profile: {file}\nfigures:\n")),
        )
        .unwrap();
        let run = fixture.run(&["check"]);
        assert_eq!(run.code, 2, "{file}: {}", run.stderr);
        assert!(run.stderr.contains(message), "{file}: {}", run.stderr);
    }
}

#[test]
fn a_shops_profile_becomes_the_output_intent() {
    let fixture = Fixture::new();
    std::fs::copy(repo().join("profiles/FOGRA39L-coated.icc"), fixture.root().join("shop.icc")).unwrap();
    fixture.edit(
        "yarlung.yaml",
        "figures:\n",
        "print:\n  output-profile: shop.icc\n  output-condition: Shop press 3\nfigures:\n",
    );
    let run = fixture.run(&["build", "--only", "leaflet-anhui"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = Pdf::open(&fixture.pdf("leaflet-anhui"));
    let intents =
        pdf.doc.catalog().unwrap().get(b"OutputIntents").and_then(Object::as_array).unwrap().clone();
    let intent = pdf.doc.get_dictionary(intents[0].as_reference().unwrap()).unwrap();
    assert_eq!(intent.get(b"OutputConditionIdentifier").and_then(Object::as_str).unwrap(), b"Shop press 3");
}

#[test]
fn bleed_and_marks_are_set_per_document() {
    let fixture = Fixture::new();
    fixture.edit(
        "yarlung.yaml",
        "    pages: { exactly: 2 }",
        "    pages: { exactly: 2 }\n    bleed: 5\n    marks: false",
    );
    let run = fixture.run(&["build", "--only", "leaflet-hunan"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = Pdf::open(&fixture.pdf("leaflet-hunan"));
    let (media, bleed, trim) = (
        pdf.page_box(1, b"MediaBox").unwrap(),
        pdf.page_box(1, b"BleedBox").unwrap(),
        pdf.page_box(1, b"TrimBox").unwrap(),
    );
    assert!((trim.0 - 297.0).abs() < 0.05 && (trim.1 - 210.0).abs() < 0.05, "{trim:?}");
    assert!((bleed.0 - 307.0).abs() < 0.05 && (bleed.1 - 220.0).abs() < 0.05, "5 mm bleed: {bleed:?}");
    assert_eq!(media, bleed, "no marks: no slug");
}

#[test]
fn separations_show_body_text_on_the_black_plate_alone() {
    let fixture = Fixture::new();
    let run =
        fixture.run(&["preview", "--separations", "--only", "leaflet-hubei", "--ppi", "60", "--pages", "1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let dir = fixture.root().join("out/preview");
    let plate =
        |p: char| image::open(dir.join(format!("leaflet-hubei-1-{p}.png"))).expect("a plate").into_luma8();
    let (c, m, yellow, k) = (plate('c'), plate('m'), plate('y'), plate('k'));
    assert_eq!(c.dimensions(), k.dimensions());
    assert!(dir.join("leaflet-hubei-1-plates.png").is_file(), "no plate sheet");
    // Where black ink is heavy, a good part has nothing else printing: the text, on K alone.
    let dark_k: Vec<(u32, u32)> =
        k.enumerate_pixels().filter(|(_, _, p)| p.0[0] < 80).map(|(x, y, _)| (x, y)).collect();
    let k_only = dark_k
        .iter()
        .filter(|&&(x, y)| [&c, &m, &yellow].iter().all(|plate| plate.get_pixel(x, y).0[0] > 245))
        .count();
    assert!(dark_k.len() > 2000, "too little on the black plate: {}", dark_k.len());
    // (The rest is the photograph's shadows, which print on all four.)
    assert!(
        k_only > 800 && k_only * 3 > dark_k.len(),
        "{k_only} of {} dark K pixels are K alone",
        dark_k.len()
    );
    // The cover panel's blue is on cyan, not on black.
    let cyan = c.pixels().filter(|p| p.0[0] < 80).count();
    assert!(cyan > 2000, "too little on the cyan plate: {cyan}");
}

#[test]
fn a_figure_whose_name_lies_is_read_by_its_content_with_a_warning() {
    let fixture = Fixture::new();
    let root = fixture.root();
    std::fs::copy(root.join("images/fig1-wind-farm.png"), root.join("images/fig1-wind-farm.jpg")).unwrap();
    std::fs::remove_file(root.join("images/fig1-wind-farm.png")).unwrap();
    fixture.edit("yarlung.yaml", "fig1: images/fig1-wind-farm.png", "fig1: images/fig1-wind-farm.jpg");
    let run = fixture.run(&["build", "--only", "leaflet-anhui", "--profile", "all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "figure `fig1` (images/fig1-wind-farm.jpg): the file holds PNG data but its name ends in `.jpg` \
             (it should end in `.png`); it is read as what it holds"
        ),
        "{}",
        run.stderr
    );
    assert!(Pdf::open(&root.join("out/screen/leaflet-anhui.pdf")).image_streams().len() >= 2);
    let strict = fixture.run(&["check", "--only", "leaflet-anhui", "--strict"]);
    assert_eq!(strict.code, 1, "a warning fails a strict check: {}", strict.stderr);
}
