//! The figure pipeline and preflight (issue 5): generated inputs in every awkward format,
//! the processed images they become, and the findings `yarlung check` reports.

use std::io::Cursor;
use std::process::Command;

use crate::common::{Fixture, Pdf};
use image::{DynamicImage, GenericImageView, ImageBuffer, ImageFormat, Rgb, RgbImage};
use yarlung::Profile;
use yarlung::figures::process;

/// The figure of the Hubei leaflet the end-to-end cases replace.
const FIG2: &str = "images/fig2-computing-centre.png";

/// A JPEG of `image`.
fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95).encode_image(image).expect("jpeg");
    bytes
}

/// `image` encoded as `format`.
fn encoded(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut bytes = Cursor::new(Vec::new());
    image.write_to(&mut bytes, format).expect("encode");
    bytes.into_inner()
}

/// Inserts an EXIF APP1 segment with orientation `value` after the JFIF APP0 segment.
fn with_orientation(jpeg: &[u8], value: u16) -> Vec<u8> {
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec(); // big-endian TIFF header, IFD at 8
    tiff.extend(1u16.to_be_bytes()); // one entry
    tiff.extend(0x0112u16.to_be_bytes()); // Orientation
    tiff.extend(3u16.to_be_bytes()); // SHORT
    tiff.extend(1u32.to_be_bytes()); // one value
    tiff.extend(value.to_be_bytes());
    tiff.extend([0, 0]); // padding of the 4-byte value field
    tiff.extend(0u32.to_be_bytes()); // no next IFD
    let mut app1 = vec![0xff, 0xe1];
    app1.extend(((2 + 6 + tiff.len()) as u16).to_be_bytes());
    app1.extend(b"Exif\0\0");
    app1.extend(tiff);
    assert_eq!(&jpeg[2..4], [0xff, 0xe0], "the encoder writes JFIF first");
    let at = 4 + usize::from(u16::from_be_bytes([jpeg[4], jpeg[5]]));
    [&jpeg[..at], &app1, &jpeg[at..]].concat()
}

/// Decodes a processed image.
fn decode(bytes: &[u8]) -> DynamicImage {
    image::load_from_memory(bytes).expect("processed image decodes")
}

/// Whether `pixel` is close to `rgb`.
fn near(pixel: [u8; 3], rgb: [u8; 3]) -> bool {
    pixel.iter().zip(rgb).all(|(&a, b)| a.abs_diff(b) < 48)
}

/// The RGB value at (x, y).
fn rgb(image: &DynamicImage, x: u32, y: u32) -> [u8; 3] {
    let p = image.get_pixel(x, y).0;
    [p[0], p[1], p[2]]
}

/// Left half red, right half blue.
fn halves(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(
        width,
        height,
        |x, _| if x < width / 2 { Rgb([220, 20, 20]) } else { Rgb([20, 20, 220]) },
    )
}

#[test]
fn exif_rotated_jpeg_is_turned_upright() {
    // Orientation 6: the stored image must turn 90° clockwise, so its left edge goes on top.
    let bytes = with_orientation(&jpeg(&halves(64, 32)), 6);
    let (out, ext) = process(&bytes, None, Profile::Archive).expect("processed");
    let image = decode(&out);
    assert_eq!((image.width(), image.height()), (32, 64), "{ext}");
    assert!(near(rgb(&image, 16, 8), [220, 20, 20]), "top is {:?}", rgb(&image, 16, 8));
    assert!(near(rgb(&image, 16, 56), [20, 20, 220]), "bottom is {:?}", rgb(&image, 16, 56));
    // The output carries no orientation of its own.
    let mut decoder =
        image::ImageReader::new(Cursor::new(&out)).with_guessed_format().unwrap().into_decoder().unwrap();
    assert_eq!(
        image::ImageDecoder::orientation(&mut decoder).unwrap(),
        image::metadata::Orientation::NoTransforms
    );
}

#[test]
fn cmyk_jpeg_becomes_rgb_with_the_right_colours() {
    // Made with Pillow: Image.new('CMYK', (48, 32), (0, 255, 255, 0)), right half (255, 255, 0, 0).
    let bytes = std::fs::read(crate::common::repo().join("tests/fixtures/cmyk.jpg")).unwrap();
    let (out, _) = process(&bytes, None, Profile::Archive).expect("processed");
    let image = decode(&out);
    assert_eq!(image.color(), image::ColorType::Rgb8);
    assert_eq!((image.width(), image.height()), (48, 32));
    assert!(near(rgb(&image, 6, 16), [255, 0, 0]), "left is {:?}", rgb(&image, 6, 16));
    assert!(near(rgb(&image, 42, 16), [0, 0, 255]), "right is {:?}", rgb(&image, 42, 16));
}

#[test]
fn sixteen_bit_png_becomes_eight_bit() {
    let image: ImageBuffer<Rgb<u16>, Vec<u16>> =
        ImageBuffer::from_fn(80, 60, |x, y| Rgb([(x * 800) as u16, (y * 1000) as u16, 40000]));
    let bytes = encoded(&DynamicImage::ImageRgb16(image), ImageFormat::Png);
    let (out, _) = process(&bytes, None, Profile::Archive).expect("processed");
    let image = decode(&out);
    assert_eq!(image.color(), image::ColorType::Rgb8);
    assert_eq!((image.width(), image.height()), (80, 60));
    let [_, _, b] = rgb(&image, 40, 30);
    assert!(b.abs_diff((40000u32 * 255 / 65535) as u8) < 8, "blue {b}");
}

#[test]
fn photo_png_is_stored_as_a_smaller_jpeg_and_downsampled() {
    let photo = RgbImage::from_fn(900, 600, |x, y| {
        let n = (x.wrapping_mul(2654435761) ^ y.wrapping_mul(40503)) >> 7;
        Rgb([(x / 4 + n % 40) as u8, (y / 3 + n % 50) as u8, (n % 200) as u8])
    });
    let bytes = encoded(&DynamicImage::ImageRgb8(photo), ImageFormat::Png);
    let (out, ext) = process(&bytes, Some((450, 300)), Profile::Screen).expect("processed");
    assert_eq!(ext, "jpg");
    assert!(out.len() < bytes.len(), "{} ≥ {}", out.len(), bytes.len());
    assert_eq!(decode(&out).dimensions(), (450, 300));
}

#[test]
fn transparent_png_stays_png() {
    let image =
        image::RgbaImage::from_fn(40, 40, |x, _| image::Rgba([10, 200, 10, if x < 20 { 0 } else { 255 }]));
    let bytes = encoded(&DynamicImage::ImageRgba8(image), ImageFormat::Png);
    let (out, ext) = process(&bytes, None, Profile::Archive).expect("processed");
    assert_eq!(ext, "png");
    assert_eq!(decode(&out).color(), image::ColorType::Rgba8);
}

/// The image XObjects of a PDF: width, height, filter.
fn images(pdf: &Pdf) -> Vec<(i64, i64, String)> {
    pdf.image_streams()
        .into_iter()
        .map(|s| {
            let get = |k: &[u8]| s.dict.get(k).and_then(lopdf::Object::as_i64).unwrap_or(0);
            let filter = s
                .dict
                .get(b"Filter")
                .and_then(lopdf::Object::as_name)
                .map(|n| String::from_utf8_lossy(n).into_owned())
                .unwrap_or_default();
            (get(b"Width"), get(b"Height"), filter)
        })
        .collect()
}

#[test]
fn tiff_figure_is_accepted_and_converted() {
    let fixture = Fixture::new();
    let photo = DynamicImage::ImageRgb8(halves(1800, 1200));
    std::fs::write(fixture.root().join("images/photo.tif"), encoded(&photo, ImageFormat::Tiff)).unwrap();
    fixture.edit("yarlung.yaml", FIG2, "images/photo.tif");
    let run = fixture.run(&["build", "--only", "leaflet-hubei"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // Typst cannot read TIFF: both figures of the leaflet are there, as JPEG, the TIFF one
    // within its 1800 × 1200 pixels (cropped to what its frame shows, at most 300 ppi).
    let images = images(&Pdf::open(&fixture.pdf("leaflet-hubei")));
    assert_eq!(images.len(), 2, "{images:?}");
    assert!(images.iter().all(|(_, _, filter)| filter == "DCTDecode"), "{images:?}");
    assert!(
        images.iter().any(|&(w, h, _)| w > 600 && w <= 1800 && h <= 1200),
        "no converted TIFF in {images:?}"
    );
}

#[test]
fn huge_png_is_downsampled_to_its_placed_size() {
    let fixture = Fixture::new();
    let flat = RgbImage::from_pixel(12000, 8000, Rgb([40, 120, 180]));
    std::fs::write(fixture.root().join(FIG2), encoded(&DynamicImage::ImageRgb8(flat), ImageFormat::Png))
        .unwrap();
    let run = fixture.run(&["build", "--only", "leaflet-hubei"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let images = images(&Pdf::open(&fixture.pdf("leaflet-hubei")));
    let widest = images.iter().map(|(w, _, _)| *w).max().unwrap_or(0);
    assert!(widest > 600 && widest < 2000, "images {images:?}");
    // The processed figure is cached for the next run.
    let cached = std::fs::read_dir(fixture.root().join("out/.cache/figures")).unwrap().count();
    assert!(cached >= 2, "{cached} cached figures");
}

/// Runs `yarlung <args> --project <root>` and returns (exit code, stdout, stderr).
fn run_with_stdout(fixture: &Fixture, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_yarlung"))
        .args(args)
        .arg("--project")
        .arg(fixture.root())
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run yarlung");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

#[test]
fn tiny_figure_placed_large_is_a_low_resolution_warning() {
    let fixture = Fixture::new();
    let tiny = DynamicImage::ImageRgb8(halves(120, 80));
    std::fs::write(fixture.root().join(FIG2), encoded(&tiny, ImageFormat::Png)).unwrap();
    let run = fixture.run(&["check", "--only", "leaflet-hubei"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning"), "{}", run.stderr);
    assert!(run.stderr.contains("figure `fig2` has "), "{}", run.stderr);
    assert!(run.stderr.contains(" ppi at its placed size "), "{}", run.stderr);
    let (code, stdout, _) =
        run_with_stdout(&fixture, &["check", "--only", "leaflet-hubei", "--strict", "--format", "json"]);
    assert_eq!(code, 1, "--strict makes the warning fail");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("JSON report");
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "low-resolution")
        .expect("a low-resolution finding");
    assert_eq!(finding["document"], "leaflet-hubei");
    let what = finding["what"].as_str().unwrap();
    let ppi: f64 = what.split("has ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap();
    assert!(ppi > 5.0 && ppi < 60.0, "{what}");
}

#[test]
fn character_without_glyph_names_code_point_file_and_field() {
    let fixture = Fixture::new();
    fixture.edit("data/provinces/hubei.yaml", "slogan: 荆楚情 雅砻心", "slogan: 荆楚情 𰻞𰻞面");
    let run = fixture.run(&["check", "--only", "leaflet-hubei"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for part in ["U+30EDE", "`𰻞`", "data/provinces/hubei.yaml field `slogan`", "leaflet-hubei"] {
        assert!(run.stderr.contains(part), "lacks {part}:\n{}", run.stderr);
    }
}

#[test]
fn unused_image_file_is_a_warning() {
    let fixture = Fixture::new();
    std::fs::copy(fixture.root().join(FIG2), fixture.root().join("images/spare.png")).unwrap();
    let run = fixture.run(&["check", "--only", "leaflet-hubei"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("images/spare.png is not used"), "{}", run.stderr);
}

#[test]
fn turned_photo_is_described_upright_to_the_template() {
    let fixture = Fixture::new();
    // Stored 1200 × 800, turned a quarter by its EXIF orientation: seen 800 × 1200.
    let photo = with_orientation(&jpeg(&halves(1200, 800)), 6);
    std::fs::write(fixture.root().join("images/photo.jpg"), photo).unwrap();
    fixture.edit("yarlung.yaml", FIG2, "images/photo.jpg");
    let dir = fixture.root().join("bundle");
    let run = fixture.run(&["bundle", "--only", "leaflet-hubei", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let facts: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("facts/leaflet-hubei.json")).unwrap()).unwrap();
    let figure = facts["figures"].as_array().unwrap().iter().find(|f| f["id"] == "fig2").expect("fig2");
    assert_eq!((figure["width"].as_u64(), figure["height"].as_u64()), (Some(800), Some(1200)), "{figure}");
}

#[test]
fn jpeg_figures_are_embedded_whole_in_every_profile() {
    let fixture = Fixture::new();
    let photo = DynamicImage::ImageRgb8(halves(1800, 1200));
    std::fs::write(fixture.root().join("images/photo.jpg"), encoded(&photo, ImageFormat::Jpeg)).unwrap();
    fixture.edit("yarlung.yaml", FIG2, "images/photo.jpg");
    let run = fixture.run(&["build", "--only", "leaflet-hubei", "--profile", "all"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let cache: Vec<Vec<u8>> = std::fs::read_dir(fixture.root().join("out/.cache/figures"))
        .unwrap()
        .map(|entry| std::fs::read(entry.unwrap().path()).unwrap())
        .collect();
    for profile in ["print", "screen", "archive"] {
        let path = fixture.root().join(format!("out/{profile}/leaflet-hubei.pdf"));
        let pdf = Pdf::open(&path);
        let streams = pdf.image_streams();
        assert_eq!(streams.len(), 2, "{profile}: {:?}", images(&pdf));
        for stream in streams {
            let get = |k: &[u8]| stream.dict.get(k).and_then(lopdf::Object::as_i64).unwrap_or(0);
            // The figure's processed JPEG (print: CMYK), as cached, with its own pixel size: no
            // stand-in left.
            assert!(cache.contains(&stream.content), "{profile}: an image is not a processed figure");
            let size = image::load_from_memory(&stream.content).expect("decodes").dimensions();
            assert_eq!((get(b"Width"), get(b"Height")), (i64::from(size.0), i64::from(size.1)), "{profile}");
            assert!(size.0 > 300, "{profile}: {size:?}");
        }
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.ends_with(b"%%EOF\n") || bytes.ends_with(b"%%EOF"), "{profile}: not a complete PDF");
        // Print (PDF/X) and the archive (its record in the XMP) are one clean revision;
        // screen has the figures in an update.
        if profile == "screen" {
            skim_reads_as_lopdf_reads(&bytes, profile);
        }
    }
}

/// The update of an exported PDF reads it in part (`yarlung::pdf::skim`): what it reads of the
/// exported revision (before the first `%%EOF`) equals what lopdf reads of the whole file.
fn skim_reads_as_lopdf_reads(bytes: &[u8], profile: &str) {
    let end = bytes.windows(5).position(|w| w == b"%%EOF").expect("a PDF") + 5;
    let exported = &bytes[..end];
    let full = lopdf::Document::load_mem(exported).expect("lopdf reads it");
    let standins: Vec<Vec<u8>> = full
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter_map(|s| s.content.windows(15).position(|w| w == b"yarlung-figure:").map(|at| (s, at)))
        .map(|(s, at)| s.content[at..at + 20].to_vec())
        .collect();
    assert_eq!(standins.len(), 2, "{profile}: the exported revision has a stand-in per figure");
    let needles: Vec<&[u8]> = standins.iter().map(Vec::as_slice).collect();
    let skimmed = yarlung::pdf::skim::skim(exported, &needles).expect("the exported PDF is skimmed");
    assert_eq!(skimmed.trailer, full.trailer, "{profile}");
    assert_eq!((skimmed.xref_start, skimmed.max_id), (full.xref_start, full.max_id), "{profile}");
    assert_eq!(skimmed.get_pages(), full.get_pages(), "{profile}: the page tree");
    for (id, object) in &skimmed.objects {
        assert!(full.objects.get(id) == Some(object), "{profile}: object {id:?} differs");
    }
    let images =
        skimmed.objects.values().filter(|o| o.as_stream().is_ok_and(|s| s.dict.has_type(b"XObject")));
    assert_eq!(images.count(), 2, "{profile}: both stand-ins are read");
}
