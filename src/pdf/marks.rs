//! Print marks: a slug around the bleed with crop marks, and the BleedBox Typst does not
//! write. Applied to the whole print PDF as it is made PDF/X (see [`crate::pdf::pdfx`]).

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::PdfError;

/// Millimetres to PDF points.
fn pt(mm: f64) -> f64 {
    mm * 72.0 / 25.4
}

/// Records every page's media box (Typst writes trim + bleed) as its BleedBox; with
/// `slug_mm`, also widens the page by that much beyond the bleed, clips the page content
/// to the bleed, and draws crop marks at the trim corners in the slug.
///
/// Afterwards MediaBox ⊇ BleedBox ⊇ TrimBox, with the marks starting at the bleed edge so
/// they never touch printed area.
pub fn add_boxes(doc: &mut Document, slug_mm: Option<f64>) -> Result<(), PdfError> {
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    for page in pages {
        let dict = doc.get_dictionary(page).map_err(PdfError::Page)?.clone();
        let media =
            rect(&dict, b"MediaBox").ok_or(PdfError::Page(lopdf::Error::DictKey("MediaBox".into())))?;
        let trim = rect(&dict, b"TrimBox").unwrap_or(media);
        let mut update = Dictionary::new();
        update.set("BleedBox", boxed(media));
        update.set("TrimBox", boxed(trim));
        if let Some(slug_mm) = slug_mm {
            let slug = pt(slug_mm);
            let mut contents: Vec<Object> = match dict.get(b"Contents") {
                Ok(Object::Array(items)) => items.clone(),
                Ok(item) => vec![item.clone()],
                Err(_) => vec![],
            };
            let [x0, y0, x1, y1] = media;
            let clip = format!("q {x0:.4} {y0:.4} {:.4} {:.4} re W n\n", x1 - x0, y1 - y0);
            let pre = doc.add_object(Stream::new(Dictionary::new(), clip.into_bytes()));
            let post = doc.add_object(Stream::new(Dictionary::new(), marks(media, trim, slug).into_bytes()));
            contents.insert(0, Object::Reference(pre));
            contents.push(Object::Reference(post));
            update.set("MediaBox", boxed([x0 - slug, y0 - slug, x1 + slug, y1 + slug]));
            update.set("Contents", Object::Array(contents));
        }
        let page_dict = doc.get_dictionary_mut(page).map_err(PdfError::Page)?;
        for (key, value) in update {
            page_dict.set(key, value);
        }
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
