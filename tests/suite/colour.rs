//! Figures with their own colour profile (Adobe RGB, ProPhoto, Display P3, a broken one):
//! every document builds in every profile, and the colours are the profile's.

use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageEncoder, RgbImage};
use moxcms::ColorProfile;
use yarlung::Profile;
use yarlung::figures::process;

use crate::common::{Fixture, Pdf};

/// A flat patch in Adobe RGB (1998) and the sRGB it shows as: computed from the two spaces'
/// primaries and tone curves (Adobe RGB γ 563/256, sRGB's piecewise curve, both D65), in
/// gamut so that every rendering intent agrees.
const ADOBE: [u8; 3] = [200, 60, 40];
/// [`ADOBE`] in sRGB.
const ADOBE_AS_SRGB: [f64; 3] = [231.5, 57.42, 33.96];

/// A profile as ICC bytes.
fn icc(profile: &ColorProfile) -> Vec<u8> {
    profile.encode().expect("the profile encodes")
}

/// An sRGB profile made large (a long description), as some editors write them: larger
/// than a stand-in image may be.
fn large_srgb_icc() -> Vec<u8> {
    let mut profile = ColorProfile::new_srgb();
    let text = "sRGB IEC61966-2.1 ".repeat(600);
    profile.description = Some(moxcms::ProfileText::Localizable(vec![moxcms::LocalizableString::new(
        "en".into(),
        "US".into(),
        text,
    )]));
    let bytes = icc(&profile);
    assert!(bytes.len() > 8000, "the profile is {} bytes", bytes.len());
    bytes
}

/// A profile that no reader accepts: the ICC signature with nonsense behind it.
fn broken_icc() -> Vec<u8> {
    let mut bytes = vec![0u8; 200];
    bytes[36..40].copy_from_slice(b"acsp");
    bytes[16..20].copy_from_slice(b"RGB ");
    bytes
}

/// A `w` × `h` JPEG of one colour, with `icc` embedded.
fn jpeg(w: u16, h: u16, colour: [u8; 3], icc: &[u8]) -> Vec<u8> {
    let pixels: Vec<u8> = (0..usize::from(w) * usize::from(h)).flat_map(|_| colour).collect();
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, 98);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
    encoder.add_icc_profile(icc).expect("the profile fits");
    encoder.encode(&pixels, w, h, jpeg_encoder::ColorType::Rgb).expect("encodes");
    out
}

/// A `w` × `h` PNG of one colour, with `icc` in its `iCCP` chunk.
fn png(w: u32, h: u32, colour: [u8; 3], icc: &[u8]) -> Vec<u8> {
    let image = RgbImage::from_pixel(w, h, image::Rgb(colour));
    let mut out = Vec::new();
    let mut encoder = PngEncoder::new(&mut out);
    encoder.set_icc_profile(icc.to_vec()).expect("PNG takes a profile");
    encoder.write_image(image.as_raw(), w, h, image::ExtendedColorType::Rgb8).expect("encodes");
    out
}

/// CIE 1976 ΔE between two sRGB colours.
fn delta_e(a: [f64; 3], b: [f64; 3]) -> f64 {
    let lab = |c: [f64; 3]| {
        let lin = c.map(|v| {
            let v = v / 255.0;
            if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        });
        let x = (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047;
        let y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
        let z = (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883;
        let f = |t: f64| if t > 0.008856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 };
        [116.0 * f(y) - 16.0, 500.0 * (f(x) - f(y)), 200.0 * (f(y) - f(z))]
    };
    let (a, b) = (lab(a), lab(b));
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// The colour at the centre of an image, as floats.
fn centre(image: &DynamicImage) -> [f64; 3] {
    let p = image.to_rgb8().get_pixel(image.width() / 2, image.height() / 2).0;
    p.map(f64::from)
}

#[test]
fn adobe_rgb_pixels_are_converted_to_srgb() {
    let adobe = icc(&ColorProfile::new_adobe_rgb());
    for (what, bytes) in [("JPEG", jpeg(64, 48, ADOBE, &adobe)), ("PNG", png(64, 48, ADOBE, &adobe))] {
        let (out, _) = process(&bytes, None, Profile::Screen).expect("processed");
        let image = image::load_from_memory(&out).expect("decodes");
        let got = centre(&image);
        let de = delta_e(got, ADOBE_AS_SRGB);
        assert!(de <= 2.0, "{what}: {got:?} is ΔE {de:.2} from {ADOBE_AS_SRGB:?}");
    }
}

#[test]
fn other_profiles_are_converted_and_broken_ones_taken_as_srgb() {
    let raw = ADOBE.map(f64::from);
    for profile in [ColorProfile::new_pro_photo_rgb(), ColorProfile::new_display_p3()] {
        let (out, _) =
            process(&jpeg(32, 32, ADOBE, &icc(&profile)), None, Profile::Archive).expect("processed");
        let got = centre(&image::load_from_memory(&out).expect("decodes"));
        assert!(delta_e(got, raw) > 3.0, "{got:?}: the profile was not applied");
    }
    let (out, _) = process(&jpeg(32, 32, ADOBE, &broken_icc()), None, Profile::Archive).expect("processed");
    let got = centre(&image::load_from_memory(&out).expect("decodes"));
    assert!(delta_e(got, raw) < 2.0, "{got:?}: a broken profile changed the colours");
}

#[test]
fn figures_with_embedded_profiles_build_in_every_profile() {
    let fixture = Fixture::new();
    let adobe = icc(&ColorProfile::new_adobe_rgb());
    let files = [
        ("fig2", "images/fig2-adobe.jpg", jpeg(1600, 1200, ADOBE, &adobe)),
        (
            "fig3",
            "images/fig3-prophoto.png",
            png(1600, 1200, [90, 110, 200], &icc(&ColorProfile::new_pro_photo_rgb())),
        ),
        (
            "fig5",
            "images/fig5-p3.jpg",
            jpeg(1600, 1200, [60, 150, 90], &icc(&ColorProfile::new_display_p3())),
        ),
        ("fig6", "images/fig6-broken.jpg", jpeg(1600, 1200, [120, 120, 60], &broken_icc())),
        ("fig7", "images/fig7-large-srgb.jpg", jpeg(1600, 1200, [40, 90, 160], &large_srgb_icc())),
    ];
    let config = std::fs::read_to_string(fixture.root().join("yarlung.yaml")).unwrap();
    let mut edited = String::new();
    for line in config.lines() {
        let replaced = files.iter().find(|(id, ..)| line.trim_start().starts_with(&format!("{id}:")));
        match replaced {
            Some((id, path, _)) => edited.push_str(&format!("  {id}: {path}\n")),
            None => edited.push_str(&format!("{line}\n")),
        }
    }
    std::fs::write(fixture.root().join("yarlung.yaml"), edited).unwrap();
    for (_, path, bytes) in &files {
        std::fs::write(fixture.root().join(path), bytes).unwrap();
    }
    let run = fixture.run(&["build", "--profile", "all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("colour-profile") || run.stderr.contains("figure `fig6`"),
        "the broken profile is reported:\n{}",
        run.stderr
    );
    assert!(run.stderr.contains("its colours are taken as sRGB"), "{}", run.stderr);
    // The Adobe RGB patch shows in the screen brochure in its sRGB colours.
    let pdf = Pdf::open(&fixture.root().join("out/screen/brochure.pdf"));
    let best = pdf
        .image_streams()
        .into_iter()
        .filter_map(|stream| image::load_from_memory(&stream.content).ok())
        .map(|image| delta_e(centre(&image), ADOBE_AS_SRGB))
        .fold(f64::INFINITY, f64::min);
    assert!(best <= 2.0, "no image in the screen brochure shows the patch (best ΔE {best:.2})");
}
