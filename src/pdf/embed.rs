//! Figures embedded after export. A processed JPEG figure is written to the PDF as it is
//! (DCT data passes through), so Typst need not decode it: the document is exported with a
//! one-pixel stand-in JPEG in its place, which carries a marker, and the stand-in's image
//! object is then given the figure's data in an incremental update ([`apply`]).

use std::sync::Arc;

use lopdf::{Document, IncrementalDocument, Object, ObjectId, Stream};

use super::PdfError;

/// The largest a stand-in's image stream can be: a one-pixel JPEG (about 600 bytes), its
/// marker and Adobe segment. Larger image streams are not searched for markers.
const MAX_STANDIN_BYTES: usize = 4096;

/// A figure to be put in place of its stand-in after export.
#[derive(Clone)]
pub struct Embed {
    /// The figure's id, for messages.
    pub figure: String,
    /// The marker in the stand-in's comment segment, unique to the figure's image.
    pub marker: Vec<u8>,
    /// The JPEG data of the figure.
    pub bytes: Arc<Vec<u8>>,
    /// Its pixel size.
    pub size: (u32, u32),
    /// The device colour space print gives the image (its data is in the output's CMYK, or
    /// grey for the K plate); `None` keeps the stand-in's.
    pub device: Option<Device>,
    /// The highest ink coverage of its pixels, in per cent, when known (print).
    pub coverage: Option<f64>,
}

/// The device colour space of a print figure: in a PDF/X file these are the output
/// intent's colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Device {
    /// DeviceGray: the K plate.
    Gray,
    /// DeviceCMYK; `inverted` for Adobe JPEGs, which store 255 − ink.
    Cmyk {
        /// Whether the samples are inverted.
        inverted: bool,
    },
}

/// What an image object made from a JPEG depends on besides its data: the number of
/// colour components and the segments that describe its colours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    /// 1 (grey), 3 (colour) or 4 (CMYK).
    pub components: u8,
    /// The Adobe (APP14) segments, markers included, in file order. An ICC profile (APP2)
    /// is not part of the shape: the figure's own data carries it, and a copy would make the
    /// stand-in as large as the profile (and Typst's PDF writer gives an image whose profile
    /// it cannot use its own sRGB profile anyway; figures in other profiles are converted to
    /// sRGB before they get here, see [`crate::figures::colour`]).
    pub colour: Vec<u8>,
}

/// The shape and pixel size of `jpeg` when it can be embedded after export: a Huffman-coded
/// baseline or progressive JPEG with one, three or four components.
pub fn shape(jpeg: &[u8]) -> Option<(Shape, (u32, u32))> {
    if !jpeg.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let mut at = 2;
    let mut frame = None;
    let mut colour = Vec::new();
    while at + 4 <= jpeg.len() {
        if jpeg[at] != 0xFF {
            return None;
        }
        let marker = jpeg[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        let len = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        let body = jpeg.get(at + 4..at + 2 + len)?;
        match marker {
            0xDA => return frame.map(|(components, size)| (Shape { components, colour }, size)),
            0xC0..=0xC2 => {
                let n = *body.get(5)?;
                let height = u32::from(u16::from_be_bytes([*body.get(1)?, *body.get(2)?]));
                let width = u32::from(u16::from_be_bytes([*body.get(3)?, *body.get(4)?]));
                if !matches!(n, 1 | 3 | 4) || width == 0 || height == 0 {
                    return None;
                }
                frame = Some((n, (width, height)));
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return None,
            0xEE if body.starts_with(b"Adobe") => colour.extend_from_slice(&jpeg[at..at + 2 + len]),
            _ => {}
        }
        at += 2 + len;
    }
    None
}

/// Whether `jpeg` has an Adobe (APP14) segment: its CMYK samples are then stored inverted,
/// as Photoshop and every encoder since write them.
pub fn adobe(jpeg: &[u8]) -> bool {
    shape(jpeg).is_some_and(|(shape, _)| !shape.colour.is_empty())
}

/// A one-pixel JPEG of `shape` (its colour segments copied) whose comment segment holds
/// `marker`; distinct markers give distinct images, so none are merged on export. A CMYK
/// figure stands in as an RGB pixel: its object gets the CMYK colour space with the data.
pub fn standin(marker: &[u8], shape: &Shape) -> Option<Vec<u8>> {
    let plain_rgb = Shape { components: 3, colour: vec![] };
    let shape = if shape.components == 4 { &plain_rgb } else { shape };
    let (pixel, colour): (&[u8], _) = if shape.components == 1 {
        (&[128], jpeg_encoder::ColorType::Luma)
    } else {
        (&[128, 128, 128], jpeg_encoder::ColorType::Rgb)
    };
    let mut plain = Vec::new();
    jpeg_encoder::Encoder::new(&mut plain, 90).encode(pixel, 1, 1, colour).ok()?;
    let len = u16::try_from(marker.len() + 2).ok()?;
    let mut out = Vec::with_capacity(plain.len() + shape.colour.len() + marker.len() + 4);
    out.extend_from_slice(&plain[..2]);
    out.extend_from_slice(&shape.colour);
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(marker);
    out.extend_from_slice(&plain[2..]);
    Some(out)
}

/// `pdf` with the figures of `embeds` in place, in one incremental update; unchanged when
/// there is nothing to do.
pub fn finish(pdf: Vec<u8>, embeds: &[Embed]) -> Result<Vec<u8>, PdfError> {
    if embeds.is_empty() {
        return Ok(pdf);
    }
    let needles: Vec<&[u8]> = embeds.iter().map(|e| e.marker.as_slice()).collect();
    let prev = match super::skim::skim(&pdf, &needles) {
        Some(prev) => prev,
        None => Document::load_mem(&pdf).map_err(PdfError::Read)?,
    };
    let mut doc = IncrementalDocument::create_from(pdf, prev);
    apply(&mut doc, embeds)?;
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(PdfError::Write)?;
    Ok(out)
}

/// Gives each stand-in image object of the document `doc` updates the data and pixel size
/// of its figure in `embeds`. Fails when a figure's stand-in is missing.
pub fn apply(doc: &mut IncrementalDocument, embeds: &[Embed]) -> Result<(), PdfError> {
    for (id, object) in replacements(doc.get_prev_documents(), embeds)? {
        doc.new_document.objects.insert(id, object);
    }
    Ok(())
}

/// The image objects of `doc` that take the place of the stand-ins of `embeds`, by id.
/// Fails when a figure's stand-in is missing.
pub fn replacements(doc: &Document, embeds: &[Embed]) -> Result<Vec<(ObjectId, Object)>, PdfError> {
    if embeds.is_empty() {
        return Ok(vec![]);
    }
    let found: Vec<(ObjectId, &Embed)> = doc
        .objects
        .iter()
        .filter_map(|(&id, object)| {
            let Object::Stream(stream) = object else { return None };
            if stream.content.len() > MAX_STANDIN_BYTES || !stream.dict.has_type(b"XObject") {
                return None;
            }
            let embed = embeds.iter().find(|e| contains(&stream.content, &e.marker))?;
            Some((id, embed))
        })
        .collect();
    if let Some(missing) = embeds.iter().find(|e| !found.iter().any(|(_, f)| f.marker == e.marker)) {
        return Err(PdfError::MissingFigure(missing.figure.clone()));
    }
    let mut out = Vec::with_capacity(found.len());
    for (id, embed) in found {
        let Ok(Object::Stream(standin)) = doc.get_object(id) else { continue };
        let mut dict = standin.dict.clone();
        dict.set("Width", i64::from(embed.size.0));
        dict.set("Height", i64::from(embed.size.1));
        match embed.device {
            Some(Device::Gray) => {
                dict.set("ColorSpace", Object::Name(b"DeviceGray".to_vec()));
                dict.remove(b"Decode");
            }
            Some(Device::Cmyk { inverted }) => {
                dict.set("ColorSpace", Object::Name(b"DeviceCMYK".to_vec()));
                if inverted {
                    let decode = [1, 0, 1, 0, 1, 0, 1, 0].map(Object::Integer).to_vec();
                    dict.set("Decode", Object::Array(decode));
                } else {
                    dict.remove(b"Decode");
                }
            }
            None => {}
        }
        let mut stream = Stream::new(dict, embed.bytes.to_vec());
        stream.allows_compression = false;
        out.push((id, Object::Stream(stream)));
    }
    Ok(out)
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `jpeg` with a segment (`marker`, `body`) inserted after its start.
    fn with(jpeg: &[u8], marker: u8, body: &[u8]) -> Vec<u8> {
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, marker]);
        out.extend_from_slice(&u16::try_from(body.len() + 2).expect("short").to_be_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn standins_are_one_pixel_jpegs_of_the_same_shape() {
        let grey = Shape { components: 1, colour: vec![] };
        let adobe = with(&[0xFF, 0xD8], 0xEE, b"Adobe\0\x64\0\0\0\0\x01");
        let colour = Shape { components: 3, colour: adobe[2..].to_vec() };
        for shape in [grey, colour] {
            let jpeg = standin(b"yarlung-figure:abc", &shape).expect("encodes");
            assert_eq!(super::shape(&jpeg), Some((shape, (1, 1))));
            assert!(contains(&jpeg, b"yarlung-figure:abc"));
            let decoded = image::load_from_memory(&jpeg).expect("decodes");
            assert_eq!((decoded.width(), decoded.height()), (1, 1));
        }
    }

    #[test]
    fn colour_segments_are_kept_and_other_data_refused() {
        let jpeg = standin(b"m", &Shape { components: 3, colour: vec![] }).expect("encodes");
        let adobe = with(&jpeg, 0xEE, b"Adobe\0\x64\0\0\0\0\x01");
        assert_eq!(shape(&adobe).map(|(s, _)| s.colour.len()), Some(16));
        assert_eq!(shape(&with(&jpeg, 0xE1, b"Exif\0\0")).map(|(s, _)| s.colour), Some(vec![]));
        // A profile stays with the figure's data; the stand-in does not copy it.
        let icc = with(&jpeg, 0xE2, &[b"ICC_PROFILE\0\x01\x01".as_slice(), &[7; 9000]].concat());
        assert_eq!(shape(&icc).map(|(s, _)| s.colour), Some(vec![]));
        assert_eq!(shape(b"\x89PNG\r\n"), None);
        assert_eq!(shape(&jpeg[..20]), None);
    }
}
