//! Saddle-stitch imposition: the brochure's pages as printer spreads on press sheets,
//! placed as vector images by Typst, with crop and fold marks per spread.

use std::path::Path;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::pipeline::compile::CompileContext;
use crate::project::config::Trim;
use crate::world::YarlungWorld;

/// SRA3, the usual press sheet for A4 brochures, in millimetres.
const SRA3: (f64, f64) = (450.0, 320.0);
/// Room around a spread's bleed for marks, in millimetres.
const MARK_ROOM: f64 = 8.0;

/// One side of a press sheet: the pages on its left and right halves (1-based).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    /// Page on the left half.
    pub left: usize,
    /// Page on the right half.
    pub right: usize,
    /// "sheet 1 front" etc.
    pub label: String,
}

/// The sides of the sheets for a saddle-stitched booklet of `pages` pages (a multiple of 4):
/// sheet 1 front holds the last page and page 1, its back page 2 and the last but one, …
pub fn saddle_stitch(pages: usize) -> Vec<Side> {
    let mut sides = Vec::with_capacity(pages / 2);
    for sheet in 0..pages / 4 {
        let (a, b) = (2 * sheet, 2 * sheet);
        sides.push(Side { left: pages - a, right: 1 + b, label: format!("sheet {} front", sheet + 1) });
        sides.push(Side { left: 2 + b, right: pages - 1 - a, label: format!("sheet {} back", sheet + 1) });
    }
    sides
}

/// The imposition's parameters, read by the imposition template.
#[derive(Serialize)]
struct Params<'a> {
    title: &'a str,
    trim: Trim,
    bleed: f64,
    sheet: Trim,
    sides: Vec<Side>,
}

/// The pages to impose: their count, trim and bleed.
#[derive(Debug, Clone, Copy)]
pub struct Sheet {
    /// The trimmed page size.
    pub trim: Trim,
    /// The bleed on every side, in millimetres.
    pub bleed_mm: f64,
    /// The page count.
    pub pages: usize,
}

/// Imposes `source` (a print PDF whose pages are trim + bleed, before marks) and returns
/// the imposed PDF.
pub fn impose(ctx: &CompileContext, title: &str, source: Vec<u8>, pages: Sheet) -> Result<Vec<u8>> {
    let Sheet { trim, bleed_mm, pages } = pages;
    if pages == 0 || !pages.is_multiple_of(4) {
        return Err(Error::Document {
            name: title.into(),
            message: format!(
                "cannot impose {pages} pages for saddle stitching; the count must be a multiple of 4"
            ),
        });
    }
    let need = (2.0 * trim.width + 2.0 * (bleed_mm + MARK_ROOM), trim.height + 2.0 * (bleed_mm + MARK_ROOM));
    let sheet = if need.0 <= SRA3.0 && need.1 <= SRA3.1 {
        Trim { width: SRA3.0, height: SRA3.1 }
    } else {
        Trim { width: need.0, height: need.1 }
    };
    let params = Params { title, trim, bleed: bleed_mm, sheet, sides: saddle_stitch(pages) };
    let generated = vec![
        ("/.yarlung/impose.typ".to_string(), include_bytes!("impose.typ").to_vec()),
        ("/.yarlung/impose.json".to_string(), serde_json::to_vec(&params).unwrap_or_default()),
        ("/.yarlung/impose-source.pdf".to_string(), source),
    ];
    let world = YarlungWorld::new(
        ctx.root,
        Path::new(".yarlung/impose.typ"),
        generated,
        ctx.fonts.clone(),
        ctx.date,
        None,
    )?;
    let document =
        typst::compile::<typst_layout::PagedDocument>(&world).output.map_err(|errors| Error::Document {
            name: format!("{title} (imposed)"),
            message: errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "),
        })?;
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(format!("yarlung/{title}/imposed")),
        timestamp: Some(typst_pdf::Timestamp::new_utc(ctx.date)),
        ..Default::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| Error::Document {
        name: format!("{title} (imposed)"),
        message: errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "),
    })
}

#[cfg(test)]
mod tests {
    use super::saddle_stitch;

    #[test]
    fn sheet_one_front_holds_the_last_and_first_pages() {
        let pairs: Vec<(usize, usize)> = saddle_stitch(8).iter().map(|s| (s.left, s.right)).collect();
        assert_eq!(pairs, [(8, 1), (2, 7), (6, 3), (4, 5)]);
        let all: usize = saddle_stitch(20).iter().map(|s| s.left + s.right).sum();
        assert_eq!(all, (1..=20).sum::<usize>());
    }
}
