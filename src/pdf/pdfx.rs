//! PDF/X-4 (ISO 15930-7): what makes Typst's print export a file a print shop's preflight
//! accepts as it is. The exported PDF (PDF 1.6, CMYK colours, embedded fonts, trim box) is
//! read whole and written again as one clean revision with
//!
//! - the figures in place of their stand-ins, as CMYK (or K-only grey) images;
//! - a BleedBox on every page and, optionally, crop marks in a slug outside it;
//! - the output intent (`/S /GTS_PDFX`) with the CMYK output profile;
//! - `/Trapped /False` and `GTS_PDFXVersion` in the Info dictionary, and the XMP packet
//!   saying the same (`pdfxid:GTS_PDFXVersion`, `pdf:Trapped`, version and rendition);
//! - no annotations (links belong to the screen PDF), and transparency groups, where there
//!   are any, blending in CMYK.
//!
//! One revision rather than an incremental update: some RIPs read only the last revision's
//! objects correctly, and a preflight reports appended updates; the whole rewrite costs a
//! few milliseconds, as the figures' data is copied, not re-encoded.

use lopdf::{Dictionary, Document, Object, Stream, StringFormat};

use super::PdfError;
use super::embed::{self, Embed};
use crate::press::Press;

/// The PDF/X version the print PDFs conform to.
pub const PDFX_VERSION: &str = "PDF/X-4";
/// The PDF version PDF/X-4 is based on.
pub const PDF_VERSION: &str = "1.6";
/// The registry of output conditions the identifiers are taken from.
const REGISTRY: &str = "http://www.color.org";

/// The print PDF: `pdf` as Typst exported it, with `embeds` in place, crop marks in a slug
/// of `slug_mm` (none: BleedBox = MediaBox) and the PDF/X-4 identification for `press`.
pub fn finish(
    pdf: &[u8],
    embeds: &[Embed],
    slug_mm: Option<f64>,
    press: &Press,
) -> Result<Vec<u8>, PdfError> {
    let mut doc = Document::load_mem(pdf).map_err(PdfError::Read)?;
    for (id, object) in embed::replacements(&doc, embeds)? {
        doc.objects.insert(id, object);
    }
    super::marks::add_boxes(&mut doc, slug_mm)?;
    strip_annotations(&mut doc);
    blend_in_cmyk(&mut doc);
    output_intent(&mut doc, press)?;
    identify(&mut doc)?;
    doc.version = PDF_VERSION.into();
    // The stand-ins' sRGB profile and anything else no longer used.
    doc.prune_objects();
    let mut out = Vec::with_capacity(pdf.len() + embeds.iter().map(|e| e.bytes.len()).sum::<usize>());
    doc.save_to(&mut out).map_err(PdfError::Write)?;
    Ok(out)
}

/// Removes every page's annotations (links, and anything else interactive).
fn strip_annotations(doc: &mut Document) {
    for page in doc.get_pages().into_values() {
        if let Ok(dict) = doc.get_dictionary_mut(page) {
            dict.remove(b"Annots");
        }
    }
}

/// Makes every transparency group blend in DeviceCMYK, the output intent's space.
fn blend_in_cmyk(doc: &mut Document) {
    for object in doc.objects.values_mut() {
        let dict = match object {
            Object::Dictionary(dict) => dict,
            Object::Stream(stream) => &mut stream.dict,
            _ => continue,
        };
        if let Ok(Object::Dictionary(group)) = dict.get_mut(b"Group")
            && group.get(b"S").and_then(Object::as_name).is_ok_and(|s| s == b"Transparency")
            && group.has(b"CS")
        {
            group.set("CS", Object::Name(b"DeviceCMYK".to_vec()));
        }
    }
}

/// Adds the PDF/X output intent with `press`'s output profile to the catalog.
fn output_intent(doc: &mut Document, press: &Press) -> Result<(), PdfError> {
    let profile = &press.profile;
    let dict = || Dictionary::from_iter([("N", Object::Integer(4))]);
    // Deflated once per build, not once per document (it is the same bytes each time).
    let (data, deflated) = profile.stream.get_or_init(|| {
        let mut icc = Stream::new(dict(), profile.icc.to_vec());
        let _ = icc.compress();
        let deflated = icc.dict.has(b"Filter");
        (icc.content, deflated)
    });
    let mut icc = Stream::new(dict(), data.clone());
    if *deflated {
        icc.dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    }
    icc.allows_compression = false;
    let icc = doc.add_object(icc);
    let text = |s: &str| Object::String(utf16(s), StringFormat::Hexadecimal);
    let intent = Dictionary::from_iter([
        ("Type", Object::Name(b"OutputIntent".to_vec())),
        ("S", Object::Name(b"GTS_PDFX".to_vec())),
        ("OutputConditionIdentifier", text(&profile.identifier)),
        ("OutputCondition", text(&profile.condition)),
        ("RegistryName", Object::string_literal(REGISTRY)),
        ("Info", text(&profile.description)),
        ("DestOutputProfile", Object::Reference(icc)),
    ]);
    let intent = doc.add_object(intent);
    let catalog = doc.catalog_mut().map_err(PdfError::Read)?;
    catalog.set("OutputIntents", Object::Array(vec![Object::Reference(intent)]));
    Ok(())
}

/// `text` as a PDF text string: ASCII as it is, anything else UTF-16BE with a BOM.
fn utf16(text: &str) -> Vec<u8> {
    if text.is_ascii() {
        return text.as_bytes().to_vec();
    }
    let mut out = vec![0xFE, 0xFF];
    out.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    out
}

/// Writes the PDF/X identification into the Info dictionary and the XMP packet.
fn identify(doc: &mut Document) -> Result<(), PdfError> {
    let info = match doc.trailer.get(b"Info") {
        Ok(Object::Reference(id)) => Some(*id),
        _ => None,
    };
    let info = match info {
        Some(id) => id,
        None => {
            let id = doc.add_object(Dictionary::new());
            doc.trailer.set("Info", Object::Reference(id));
            id
        }
    };
    let dict = doc.get_dictionary_mut(info).map_err(PdfError::Read)?;
    dict.set("Trapped", Object::Name(b"False".to_vec()));
    dict.set("GTS_PDFXVersion", Object::string_literal(PDFX_VERSION));
    let metadata =
        doc.catalog().ok().and_then(|c| c.get(b"Metadata").ok()).and_then(|m| m.as_reference().ok());
    let Some(metadata) = metadata else {
        return Err(PdfError::Read(lopdf::Error::DictKey("Metadata".into())));
    };
    let Ok(Object::Stream(stream)) = doc.get_object_mut(metadata) else {
        return Err(PdfError::Read(lopdf::Error::DictKey("Metadata".into())));
    };
    let packet = stream.decompressed_content().unwrap_or_else(|_| stream.content.clone());
    let packet = xmp(&String::from_utf8_lossy(&packet));
    stream.dict.remove(b"Filter");
    stream.dict.remove(b"DecodeParms");
    stream.set_content(packet.into_bytes());
    stream.allows_compression = false;
    Ok(())
}

/// The XMP `packet` with the PDF/X-4 properties: version, trapping, version id, rendition.
pub fn xmp(packet: &str) -> String {
    let mut packet = packet
        .replace(
            "<xmpMM:RenditionClass>proof</xmpMM:RenditionClass>",
            "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>",
        )
        .replace("<pdf:PDFVersion>1.7</pdf:PDFVersion>", "<pdf:PDFVersion>1.6</pdf:PDFVersion>");
    let namespace = " xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\"";
    if !packet.contains("xmlns:pdfxid=")
        && let Some(at) = packet.find("<rdf:Description ").map(|at| at + "<rdf:Description".len())
    {
        packet.insert_str(at, namespace);
    }
    let mut added = format!("<pdfxid:GTS_PDFXVersion>{PDFX_VERSION}</pdfxid:GTS_PDFXVersion>");
    if !packet.contains("<pdf:Trapped>") {
        added.push_str("<pdf:Trapped>False</pdf:Trapped>");
    }
    if !packet.contains("<xmpMM:VersionID>") {
        added.push_str("<xmpMM:VersionID>1</xmpMM:VersionID>");
    }
    if !packet.contains("<xmpMM:RenditionClass>") {
        added.push_str("<xmpMM:RenditionClass>default</xmpMM:RenditionClass>");
    }
    if !packet.contains("<pdfxid:GTS_PDFXVersion>")
        && let Some(at) = packet.find("</rdf:Description>")
    {
        packet.insert_str(at, &added);
    }
    packet
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_xmp_packet_says_pdfx_4_once() {
        let packet = "<rdf:RDF><rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" >\
                      <xmpMM:RenditionClass>proof</xmpMM:RenditionClass></rdf:Description></rdf:RDF>";
        let once = xmp(packet);
        assert_eq!(xmp(&once), once, "applying it twice changes nothing");
        for part in [
            "xmlns:pdfxid=\"http://www.npes.org/pdfx/ns/id/\"",
            "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>",
            "<pdf:Trapped>False</pdf:Trapped>",
            "<xmpMM:VersionID>1</xmpMM:VersionID>",
            "<xmpMM:RenditionClass>default</xmpMM:RenditionClass>",
        ] {
            assert_eq!(once.matches(part).count(), 1, "{part} in {once}");
        }
        assert!(!once.contains(">proof<"));
    }
}
