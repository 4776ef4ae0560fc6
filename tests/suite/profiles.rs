//! The print, screen and archive profiles: page boxes, marks, standards, attachments,
//! manifests and byte-for-byte reproducibility.

use crate::common::{Fixture, Pdf};
use lopdf::Object;

/// The example, built once per test run.
fn built() -> &'static Fixture {
    crate::common::example()
}

/// A page box as `[x0, y0, x1, y1]` in points.
fn page_box(pdf: &Pdf, page: u32, name: &[u8]) -> [f64; 4] {
    let id = pdf.doc.get_pages()[&page];
    let dict = pdf.doc.get_dictionary(id).unwrap();
    let values: Vec<f64> = dict
        .get(name)
        .unwrap_or_else(|_| panic!("page {page} lacks {}", String::from_utf8_lossy(name)))
        .as_array()
        .unwrap()
        .iter()
        .map(|o| match o {
            Object::Integer(i) => *i as f64,
            Object::Real(r) => f64::from(*r),
            _ => panic!("not a number"),
        })
        .collect();
    values.try_into().unwrap()
}

/// Millimetres between two boxes on each side (outer minus inner): left, bottom, right, top.
fn margins(outer: [f64; 4], inner: [f64; 4]) -> [f64; 4] {
    let mm = |pt: f64| pt * 25.4 / 72.0;
    [mm(inner[0] - outer[0]), mm(inner[1] - outer[1]), mm(outer[2] - inner[2]), mm(outer[3] - inner[3])]
}

#[test]
fn print_pages_nest_media_bleed_and_trim_boxes() {
    for (name, trim) in [("brochure", (210.0, 297.0)), ("leaflet-hubei", (297.0, 210.0))] {
        let pdf = Pdf::open(&built().root().join(format!("out/print/{name}.pdf")));
        for page in 1..=pdf.pages() as u32 {
            let media = page_box(&pdf, page, b"MediaBox");
            let bleed = page_box(&pdf, page, b"BleedBox");
            let trimbox = page_box(&pdf, page, b"TrimBox");
            let size = ((trimbox[2] - trimbox[0]) * 25.4 / 72.0, (trimbox[3] - trimbox[1]) * 25.4 / 72.0);
            assert!(
                (size.0 - trim.0).abs() < 0.05 && (size.1 - trim.1).abs() < 0.05,
                "{name} p{page} trim {size:?}"
            );
            for side in margins(bleed, trimbox) {
                assert!((side - 3.0).abs() < 0.05, "{name} p{page}: bleed {side} mm");
            }
            for side in margins(media, bleed) {
                assert!(side >= 5.0, "{name} p{page}: slug for crop marks only {side} mm");
            }
        }
    }
}

#[test]
fn screen_pages_have_no_bleed_and_an_outline() {
    let pdf = Pdf::open(&built().root().join("out/screen/brochure.pdf"));
    let media = page_box(&pdf, 1, b"MediaBox");
    let size = ((media[2] - media[0]) * 25.4 / 72.0, (media[3] - media[1]) * 25.4 / 72.0);
    assert!((size.0 - 210.0).abs() < 0.05 && (size.1 - 297.0).abs() < 0.05, "screen page {size:?}");
    let catalog = pdf.doc.catalog().unwrap();
    assert!(catalog.has(b"Outlines"), "screen brochure has no bookmarks");
}

/// How often the colour operators of each kind occur in the pages' content and in the form
/// XObjects they draw: (CMYK `k`/`K`, other `sc`/`scn`/`rg`/`RG`).
fn colour_operators(pdf: &Pdf) -> (usize, usize) {
    let mut streams: Vec<Vec<u8>> =
        pdf.doc.get_pages().values().filter_map(|&id| pdf.doc.get_page_content(id).ok()).collect();
    for object in pdf.doc.objects.values() {
        if let Ok(stream) = object.as_stream()
            && stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form")
        {
            streams.push(stream.decompressed_content().unwrap_or_else(|_| stream.content.clone()));
        }
    }
    let (mut cmyk, mut other) = (0, 0);
    for bytes in streams {
        let Ok(content) = lopdf::content::Content::decode(&bytes) else { continue };
        for operation in content.operations {
            match operation.operator.as_str() {
                "k" | "K" => cmyk += 1,
                "sc" | "scn" | "SC" | "SCN" | "rg" | "RG" => other += 1,
                _ => {}
            }
        }
    }
    (cmyk, other)
}

#[test]
fn print_is_laid_out_in_cmyk_and_screen_and_archive_in_rgb() {
    for name in ["brochure", "leaflet-hubei"] {
        let pdf = |profile: &str| Pdf::open(&built().root().join(format!("out/{profile}/{name}.pdf")));
        let (cmyk, _) = colour_operators(&pdf("print"));
        assert!(cmyk > 50, "print {name}: only {cmyk} CMYK colour operators");
        for profile in ["screen", "archive"] {
            let (cmyk, other) = colour_operators(&pdf(profile));
            assert_eq!(cmyk, 0, "{profile} {name} still sets CMYK colours");
            assert!(other > 50, "{profile} {name}: only {other} colour operators");
        }
        // The same pages, from one layout: the same text on each.
        assert_eq!(pdf("print").text(), pdf("screen").text(), "{name}: print and screen differ in text");
    }
}

#[test]
fn archive_shows_figures_at_print_resolution_print_in_cmyk() {
    // Print's resolution (each laid out for its own page, so the crops may differ: print's
    // include the bleed); print's are converted to the output's CMYK, the archive's stay sRGB.
    for name in ["brochure", "leaflet-anhui"] {
        let pdf = |profile: &str| Pdf::open(&built().root().join(format!("out/{profile}/{name}.pdf")));
        let (print, archive) = (pdf("print"), pdf("archive"));
        let size = |s: &lopdf::Stream| {
            let n = |k: &[u8]| s.dict.get(k).and_then(Object::as_i64).unwrap_or(0);
            (n(b"Width"), n(b"Height"))
        };
        let printed = print.image_streams().into_iter().map(|s| size(s).0).max().unwrap_or(0);
        let archived = archive.image_streams();
        assert!(!archived.is_empty(), "{name}: no figures");
        // Each is laid out for its own pages, so crops (and so counts) may differ: compare
        // the largest figure, which a full-page picture makes the same in both.
        let widest = archived.iter().map(|s| size(s).0).max().unwrap_or(0);
        assert!(
            widest * 100 >= printed * 85,
            "{name}: the archive's widest figure is {widest} px, print's {printed} px"
        );
        for stream in archived {
            assert!(
                stream.dict.get(b"Decode").is_err(),
                "{name}: the archive's figures are not inverted CMYK"
            );
        }
    }
}

#[test]
fn archive_declares_pdfa_and_pdfua_and_carries_the_facts() {
    for name in ["brochure", "leaflet-anhui"] {
        let path = built().root().join(format!("out/archive/{name}.pdf"));
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("<pdfaid:part>3</pdfaid:part>"), "{name}: no PDF/A-3 in XMP");
        assert!(text.contains("<pdfuaid:part>1</pdfuaid:part>"), "{name}: no PDF/UA-1 in XMP");
        let pdf = Pdf::open(&path);
        let names: Vec<String> = pdf
            .doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .filter(|d| d.get(b"Type").and_then(Object::as_name).ok() == Some(b"Filespec"))
            .filter_map(|d| d.get(b"UF").or(d.get(b"F")).ok().and_then(|o| o.as_str().ok()))
            .map(|s| String::from_utf8_lossy(s).into_owned())
            .collect();
        for expected in ["project.yaml", "figures.yaml", "hubei.yaml", "yarlung-manifest.json"] {
            assert!(
                names.iter().any(|n| n.contains(expected)),
                "{name}: no attachment {expected} in {names:?}"
            );
        }
    }
}

#[test]
fn manifests_list_inputs_and_outputs_with_digests() {
    for profile in ["print", "screen", "archive"] {
        let dir = built().root().join("out").join(profile);
        let manifest: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["profile"], profile);
        let outputs = manifest["outputs"].as_array().unwrap();
        // Four documents in two editions each.
        assert_eq!(outputs.len(), 8, "{profile}: {outputs:?}");
        for output in outputs {
            let bytes = std::fs::read(built().root().join(output["path"].as_str().unwrap())).unwrap();
            use sha2::Digest;
            let digest: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(output["sha256"], digest.as_str());
        }
        let inputs: Vec<&str> =
            manifest["inputs"].as_array().unwrap().iter().map(|i| i["path"].as_str().unwrap()).collect();
        for expected in [
            "yarlung.yaml",
            "data/provinces/hunan.yaml",
            "templates/brochure.typ",
            "images/fig7-chili-farm.png",
        ] {
            assert!(inputs.contains(&expected), "{profile}: manifest lacks {expected}");
        }
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let again = Fixture::new();
    let same_as_built = |args: &[&str], when: &str| {
        let run = again.run(args);
        assert_eq!(run.code, 0, "{}", run.stderr);
        for profile in ["print", "screen", "archive"] {
            for name in ["brochure", "leaflet-hubei", "leaflet-hunan", "leaflet-anhui"] {
                let rel = format!("out/{profile}/{name}.pdf");
                let a = std::fs::read(built().root().join(&rel)).unwrap();
                let b = std::fs::read(again.root().join(&rel)).unwrap();
                assert!(a == b, "{rel} differs {when}");
            }
        }
    };
    same_as_built(&["build", "--profile", "all", "--jobs", "1"], "between two builds");
    // Once more with the figures cached, when each document is exported as soon as it is
    // laid out (the others still being laid out): the same bytes.
    same_as_built(&["build", "--profile", "all"], "after a build with the figures cached");
}

#[test]
fn imposed_brochure_pairs_pages_in_saddle_stitch_order() {
    let fixture = Fixture::new();
    let run = fixture.run(&["build", "--only", "brochure", "--impose"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let brochure = Pdf::open(&fixture.pdf("brochure")).pages();
    let imposed = Pdf::open(&fixture.root().join("out/print/brochure-imposed.pdf"));
    assert_eq!(imposed.pages(), brochure / 2);
    let media = page_box(&imposed, 1, b"MediaBox");
    let size = ((media[2] - media[0]) * 25.4 / 72.0, (media[3] - media[1]) * 25.4 / 72.0);
    assert!((size.0 - 450.0).abs() < 0.1 && (size.1 - 320.0).abs() < 0.1, "sheet {size:?}");
    let text = imposed.text();
    let n = brochure;
    for expected in [
        format!("sheet1front·{n}|1"),
        format!("sheet1back·2|{}", n - 1),
        format!("sheet{}back·{}|{}", n / 4, n / 2, n / 2 + 1),
    ] {
        assert!(text.contains(&expected), "imposed sheets lack {expected}");
    }
}

#[test]
fn bundle_holds_everything_stock_typst_needs() {
    let fixture = Fixture::new();
    let out = fixture.root().join("bundle");
    let run = fixture.run(&["bundle", "--profile", "archive", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for file in [
        "templates/brochure.typ",
        "templates/theme.typ",
        "templates/leaflet.typ",
        "facts/brochure.json",
        "facts/leaflet-anhui.json",
        "data/provinces/hunan.yaml",
        "images/fig1-wind-farm.png",
        "fonts/NotoSerifCJKsc-Regular.otf",
        "yarlung-manifest.json",
        "README.md",
        "build.sh",
    ] {
        assert!(out.join(file).is_file(), "bundle lacks {file}");
    }
    let script = std::fs::read_to_string(out.join("build.sh")).unwrap();
    assert!(
        script.contains("--input facts=/facts/leaflet-hunan.json templates/leaflet.typ leaflet-hunan.pdf")
            || script.contains(
                "--input facts=/facts/leaflet-hunan.json \\\n  templates/leaflet.typ leaflet-hunan.pdf"
            )
    );
    assert!(script.contains("--pdf-standard a-3b,ua-1"));
    let facts: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("facts/brochure.json")).unwrap()).unwrap();
    assert_eq!(facts["document"]["name"], "brochure");
    for figure in facts["figures"].as_array().unwrap() {
        let path = figure["path"].as_str().unwrap().trim_start_matches('/');
        assert!(out.join(path).is_file(), "bundle lacks the figure {path}");
    }
}

/// The dictionary `object` is or references.
fn dict<'a>(pdf: &'a Pdf, object: &'a Object) -> &'a lopdf::Dictionary {
    match object {
        Object::Reference(id) => pdf.doc.get_dictionary(*id).expect("a dictionary"),
        Object::Dictionary(d) => d,
        other => panic!("not a dictionary: {other:?}"),
    }
}

/// A text string of a dictionary, decoded (UTF-16 with BOM or bytes as they are).
fn text(dict: &lopdf::Dictionary, key: &[u8]) -> String {
    let bytes = dict
        .get(key)
        .and_then(Object::as_str)
        .unwrap_or_else(|_| panic!("no {}", String::from_utf8_lossy(key)));
    if let Some(utf16) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = utf16.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

#[test]
fn print_is_pdfx_4_with_the_output_intent_and_one_revision() {
    for name in ["brochure", "leaflet-hubei"] {
        let path = built().root().join(format!("out/print/{name}.pdf"));
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"%PDF-1.6"), "{name}: PDF/X-4 is PDF 1.6");
        assert_eq!(bytes.windows(9).filter(|w| w == b"startxref").count(), 1, "{name}: one revision");
        let pdf = Pdf::open(&path);
        assert!(pdf.doc.trailer.get(b"Encrypt").is_err(), "{name}: encrypted");
        let id = pdf.doc.trailer.get(b"ID").and_then(Object::as_array).expect("a trailer /ID");
        assert_eq!(id.len(), 2);
        // The output intent, with a CMYK output profile.
        let catalog = pdf.doc.catalog().unwrap();
        let intents = catalog.get(b"OutputIntents").and_then(Object::as_array).expect("OutputIntents");
        assert_eq!(intents.len(), 1);
        let intent = dict(&pdf, &intents[0]);
        assert_eq!(intent.get(b"S").and_then(Object::as_name).unwrap(), b"GTS_PDFX");
        assert_eq!(text(intent, b"OutputConditionIdentifier"), "FOGRA39");
        assert!(text(intent, b"OutputCondition").contains("FOGRA39"));
        assert_eq!(text(intent, b"RegistryName"), "http://www.color.org");
        assert!(text(intent, b"Info").contains("FOGRA39L"));
        let profile = intent.get(b"DestOutputProfile").and_then(Object::as_reference).unwrap();
        let profile = pdf.doc.get_object(profile).and_then(Object::as_stream).unwrap();
        assert_eq!(profile.dict.get(b"N").and_then(Object::as_i64).unwrap(), 4);
        let icc = profile.decompressed_content().unwrap_or_else(|_| profile.content.clone());
        assert_eq!(&icc[12..20], b"prtrCMYK", "{name}: a CMYK output profile");
        // Info and XMP say PDF/X-4, untrapped, with the same dates.
        let info = dict(&pdf, pdf.doc.trailer.get(b"Info").unwrap());
        assert_eq!(info.get(b"Trapped").and_then(Object::as_name).unwrap(), b"False");
        assert_eq!(text(info, b"GTS_PDFXVersion"), "PDF/X-4");
        assert!(!text(info, b"Title").is_empty());
        assert_eq!(text(info, b"CreationDate"), "D:20250901000000Z");
        assert_eq!(text(info, b"ModDate"), "D:20250901000000Z");
        let xmp = catalog.get(b"Metadata").and_then(Object::as_reference).unwrap();
        let xmp = pdf.doc.get_object(xmp).and_then(Object::as_stream).unwrap();
        let xmp =
            String::from_utf8(xmp.decompressed_content().unwrap_or_else(|_| xmp.content.clone())).unwrap();
        for part in [
            "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>",
            "<pdf:Trapped>False</pdf:Trapped>",
            "<xmp:CreateDate>2025-09-01T00:00:00+00:00</xmp:CreateDate>",
            "<xmp:ModifyDate>2025-09-01T00:00:00+00:00</xmp:ModifyDate>",
            "<xmpMM:VersionID>1</xmpMM:VersionID>",
            "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>",
            "<dc:title>",
        ] {
            assert!(xmp.contains(part), "{name}: XMP lacks {part}");
        }
        // No annotations; every figure in the output's CMYK (or grey, K alone); fonts embedded.
        for page in pdf.doc.get_pages().into_values() {
            assert!(pdf.doc.get_dictionary(page).unwrap().get(b"Annots").is_err(), "{name}: annotations");
        }
        let images = pdf.image_streams();
        assert!(!images.is_empty());
        for image in images {
            let space =
                image.dict.get(b"ColorSpace").and_then(Object::as_name).expect("a device colour space");
            assert!(
                space == b"DeviceCMYK" || space == b"DeviceGray",
                "{name}: {}",
                String::from_utf8_lossy(space)
            );
            if space == b"DeviceCMYK" {
                let decode =
                    image.dict.get(b"Decode").and_then(Object::as_array).expect("Adobe CMYK is inverted");
                assert_eq!(decode.len(), 8);
            }
        }
        assert!(pdf.fonts().iter().all(|(_, embedded)| *embedded), "{name}: a font is not embedded");
    }
}
