//! Records an archive accepts as they come: the archival description in each archive PDF's
//! XMP and its sidecar, SM3 digests, the transfer package and its verification; figures
//! cut short.

use sm3::{Digest, Sm3};
use yarlung::package::elements;

use crate::common::{Fixture, Pdf};

/// Lowercase hex SM3, computed with the `sm3` crate directly.
fn sm3(bytes: &[u8]) -> String {
    Sm3::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The text of the first element `name` of the XML `text`.
fn first(text: &str, name: &str) -> String {
    elements(text, name).unwrap().first().unwrap_or_else(|| panic!("no <{name}> in\n{text}")).text.clone()
}

#[test]
fn archive_pdfs_carry_their_record_in_the_xmp_and_beside_them() {
    let fixture = Fixture::new();
    let run = fixture.run(&["build", "--profile", "archive", "--only", "leaflet-hubei", "--edition", "zh"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf_path = fixture.root().join("out/archive/leaflet-hubei.pdf");
    let bytes = std::fs::read(&pdf_path).unwrap();
    let pdf = Pdf::open(&pdf_path);
    let catalog = pdf.doc.catalog().unwrap();
    let metadata = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
    let xmp = String::from_utf8(pdf.doc.get_object(metadata).unwrap().as_stream().unwrap().content.clone())
        .unwrap();
    assert_eq!(first(&xmp, "yarc:fonds"), "Z001");
    assert_eq!(first(&xmp, "yarc:kind"), "宣传折页");
    assert_eq!(first(&xmp, "yarc:retention"), "永久");
    assert_eq!(first(&xmp, "yarc:classification"), "公开");
    assert_eq!(first(&xmp, "yarc:pages"), "2");
    assert_eq!(first(&xmp, "yarc:format"), "PDF/A-3b; PDF/UA-1");
    // Documents are numbered in plan order: brochure, brochure.bo-zh, leaflet-hubei (3rd).
    assert_eq!(first(&xmp, "yarc:reference"), "Z001-2025-Y-0003");
    let declared = elements(&xmp, "pdfaSchema:namespaceURI").unwrap();
    assert!(declared.iter().any(|d| d.text == "https://yarlung.org/ns/archive/1.0/"), "no extension schema");
    let sidecar =
        std::fs::read_to_string(fixture.root().join("out/archive/leaflet-hubei.metadata.xml")).unwrap();
    assert_eq!(first(&sidecar, "全宗号"), "Z001");
    assert_eq!(first(&sidecar, "文种"), "宣传折页");
    assert_eq!(first(&sidecar, "页数"), "2");
    assert_eq!(first(&sidecar, "计算机文件名"), "leaflet-hubei.pdf");
    assert_eq!(first(&sidecar, "计算机文件大小"), bytes.len().to_string());
    let digests = elements(&sidecar, "数字摘要").unwrap();
    let sm3_recorded = digests.iter().find(|d| d.attribute("算法").as_deref() == Some("SM3")).unwrap();
    assert_eq!(sm3_recorded.text, sm3(&bytes));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(fixture.root().join("out/archive/manifest.json")).unwrap())
            .unwrap();
    let output = &manifest["outputs"][0];
    assert_eq!(output["sm3"], sm3(&bytes));
    let config = manifest["inputs"].as_array().unwrap().iter().find(|i| i["path"] == "yarlung.yaml").unwrap();
    assert_eq!(config["sm3"], sm3(&std::fs::read(fixture.root().join("yarlung.yaml")).unwrap()));
}

#[test]
fn a_package_verifies_and_a_changed_byte_is_named() {
    let fixture = Fixture::new();
    let eep = fixture.root().join("package-eep");
    let run = fixture.run(&["package", "--only", "leaflet-hubei", "--edition", "zh", eep.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let envelope = std::fs::read_to_string(eep.join("records/leaflet-hubei.eep.xml")).unwrap();
    assert_eq!(first(&envelope, "封装包类型"), "原始型");
    let content = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        first(&envelope, "编码数据").trim(),
    )
    .unwrap();
    assert_eq!(content, std::fs::read(fixture.root().join("out/archive/leaflet-hubei.pdf")).unwrap());
    assert!(eep.join("catalogue.xml").is_file() && eep.join("data/provinces/hubei.yaml").is_file());
    let verify = fixture.run(&["package", "--verify", eep.to_str().unwrap()]);
    assert_eq!(verify.code, 0, "{}", verify.stderr);

    let folder = fixture.root().join("package-folder");
    let run = fixture.run(&[
        "package",
        "--format",
        "folder",
        "--only",
        "leaflet-hubei",
        "--edition",
        "zh",
        folder.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let record = folder.join("records/leaflet-hubei.pdf");
    let mut bytes = std::fs::read(&record).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(&record, bytes).unwrap();
    let verify = fixture.run(&["package", "--verify", folder.to_str().unwrap()]);
    assert_eq!(verify.code, 1, "{}", verify.stderr);
    assert!(verify.stderr.contains("records/leaflet-hubei.pdf: its SM3 is"), "{}", verify.stderr);
    assert!(verify.stderr.contains("1 file(s) of the package differ"), "{}", verify.stderr);
}

#[test]
fn bad_archive_settings_name_file_line_and_field() {
    let fixture = Fixture::new();
    fixture.edit("yarlung.yaml", "retention: 永久", "retention: 定期5年");
    let run = fixture.run(&["check", "--only", "leaflet-hubei"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("yarlung.yaml:"), "{}", run.stderr);
    assert!(run.stderr.contains("archive.retention") && run.stderr.contains("定期5年"), "{}", run.stderr);

    let fixture = Fixture::new();
    fixture.edit("yarlung.yaml", "fonds: \"Z001\"", "fonds: \"\"");
    let run = fixture.run(&["check", "--only", "leaflet-hubei"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let line = std::fs::read_to_string(fixture.root().join("yarlung.yaml"))
        .unwrap()
        .lines()
        .position(|l| l.trim_start().starts_with("reference:"))
        .unwrap()
        + 1;
    assert!(
        run.stderr.contains(&format!(
            "yarlung.yaml:{line}:1: field `archive.fonds`: is empty, but the reference pattern uses `{{fonds}}`; fill it in"
        )),
        "{}",
        run.stderr
    );
}

#[test]
fn figures_cut_short_are_warned_of_and_fail_a_strict_build() {
    let fixture = Fixture::new();
    // A progressive JPEG missing its last scans, and a PNG missing its end.
    let pixels: Vec<u8> = (0..400 * 300 * 3).map(|i| (i % 251) as u8).collect();
    let mut jpeg = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut jpeg, 90);
    encoder.set_progressive(true);
    encoder.encode(&pixels, 400, 300, jpeg_encoder::ColorType::Rgb).unwrap();
    jpeg.truncate(jpeg.len() * 2 / 3);
    std::fs::write(fixture.root().join("images/cut.jpg"), &jpeg).unwrap();
    let png_path = fixture.root().join("images/fig2-computing-centre.png");
    let png = std::fs::read(&png_path).unwrap();
    std::fs::write(&png_path, &png[..png.len() - 20]).unwrap();
    fixture.edit("yarlung.yaml", "fig6: images/fig6-teachers.png", "fig6: images/cut.jpg");
    let run = fixture.run(&["check"]);
    assert!(run.stderr.contains("figure `fig6` (images/cut.jpg): the file ends early"), "{}", run.stderr);
    assert!(
        run.stderr.contains("figure `fig2` (images/fig2-computing-centre.png): the file ends early"),
        "{}",
        run.stderr
    );
    let strict = fixture.run(&["check", "--strict"]);
    assert_ne!(strict.code, 0, "{}", strict.stderr);
}
