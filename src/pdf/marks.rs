//! Print marks: a slug around the bleed with crop marks, and the BleedBox Typst does not
//! write. Applied to the finished PDF in an incremental update (see [`crate::pdf::embed::finish`]),
//! so Typst's bytes stay intact.

use lopdf::{Dictionary, IncrementalDocument, Object, ObjectId, Stream};

use super::PdfError;

/// Millimetres to PDF points.
fn pt(mm: f64) -> f64 {
    mm * 72.0 / 25.4
}

/// Widens every page by `slug_mm` beyond its bleed, records the old media box as BleedBox,
/// clips the page content to it, and draws crop marks at the trim corners in the slug.
///
/// Typst writes MediaBox = trim + bleed and a TrimBox; afterwards MediaBox ⊇ BleedBox ⊇
/// TrimBox, with the marks starting at the bleed edge so they never touch printed area.
pub fn add_crop_marks(doc: &mut IncrementalDocument, slug_mm: f64) -> Result<(), PdfError> {
    let pages: Vec<ObjectId> = doc.get_prev_documents().get_pages().into_values().collect();
    let slug = pt(slug_mm);
    for page in pages {
        doc.opt_clone_object_to_new_document(page).map_err(PdfError::Page)?;
        let dict = doc.new_document.get_dictionary(page).map_err(PdfError::Page)?.clone();
        let media =
            rect(&dict, b"MediaBox").ok_or(PdfError::Page(lopdf::Error::DictKey("MediaBox".into())))?;
        let trim = rect(&dict, b"TrimBox").unwrap_or(media);
        let mut contents: Vec<Object> = match dict.get(b"Contents") {
            Ok(Object::Array(items)) => items.clone(),
            Ok(item) => vec![item.clone()],
            Err(_) => vec![],
        };
        let [x0, y0, x1, y1] = media;
        let clip = format!("q {x0:.4} {y0:.4} {:.4} {:.4} re W n\n", x1 - x0, y1 - y0);
        let pre = doc.new_document.add_object(Stream::new(Dictionary::new(), clip.into_bytes()));
        let post = doc
            .new_document
            .add_object(Stream::new(Dictionary::new(), marks(media, trim, slug).into_bytes()));
        contents.insert(0, Object::Reference(pre));
        contents.push(Object::Reference(post));
        let page_dict = doc.new_document.get_dictionary_mut(page).map_err(PdfError::Page)?;
        page_dict.set("MediaBox", boxed([x0 - slug, y0 - slug, x1 + slug, y1 + slug]));
        page_dict.set("BleedBox", boxed(media));
        page_dict.set("TrimBox", boxed(trim));
        page_dict.set("Contents", Object::Array(contents));
    }
    Ok(())
}

/// The content that closes the clip and strokes eight crop marks in registration colour.
fn marks(bleed: [f64; 4], trim: [f64; 4], slug: f64) -> String {
    let [bx0, by0, bx1, by1] = bleed;
    let [tx0, ty0, tx1, ty1] = trim;
    // From the bleed edge outwards, stopping 1 mm short of the media edge.
    let len = (slug - pt(1.0)).max(pt(2.0));
    let mut out = String::from("Q\nq 0.25 w 1 1 1 1 K [] 0 d\n");
    let mut line = |xa: f64, ya: f64, xb: f64, yb: f64| {
        out.push_str(&format!("{xa:.4} {ya:.4} m {xb:.4} {yb:.4} l S\n"));
    };
    for x in [tx0, tx1] {
        line(x, by0, x, by0 - len);
        line(x, by1, x, by1 + len);
    }
    for y in [ty0, ty1] {
        line(bx0, y, bx0 - len, y);
        line(bx1, y, bx1 + len, y);
    }
    out.push_str("Q\n");
    out
}

/// Reads a four-number box from a page dictionary.
fn rect(dict: &Dictionary, key: &[u8]) -> Option<[f64; 4]> {
    let array = dict.get(key).ok()?.as_array().ok()?;
    let values: Vec<f64> = array
        .iter()
        .filter_map(|o| match o {
            Object::Integer(i) => Some(*i as f64),
            Object::Real(r) => Some(f64::from(*r)),
            _ => None,
        })
        .collect();
    <[f64; 4]>::try_from(values).ok()
}

/// A box as a PDF array.
fn boxed(values: [f64; 4]) -> Object {
    Object::Array(values.iter().map(|&v| Object::Real(v as f32)).collect())
}
