//! What a document is beyond its pages: written as a PDF or as an image for online platforms
//! (`format`, `pixels`), the margins of a large format that must hold nothing a reader must
//! see (`safe`), the figure resolution it needs (`ppi`) and the distance it is read from
//! (`reading-distance`).

use serde::{Deserialize, Serialize};

use super::config::DocumentConfig;
use crate::error::{Error, Result};

/// What a document is written as.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// A PDF in every profile.
    #[default]
    Pdf,
    /// A PNG image (screen profile only): an infographic, a cover for an online article.
    Png,
    /// A JPEG image (screen profile only), for photographs within a platform's byte limit.
    Jpeg,
}

impl Format {
    /// Whether the document is written as an image.
    pub fn raster(self) -> bool {
        self != Self::Pdf
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Png => "png",
            Self::Jpeg => "jpg",
        }
    }
}

/// The size of an image document.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Pixels {
    /// Its width in pixels; the height follows the page.
    pub width: u32,
    /// The largest file the platform accepts, in bytes (5 MB by default).
    #[serde(default = "default_max_bytes")]
    pub max_bytes: u64,
    /// One page as tall as its content (a phone's long image), the trim's height the most.
    #[serde(default)]
    pub auto_height: bool,
}

/// WeChat's limit for an image in an article.
fn default_max_bytes() -> u64 {
    5 * 1024 * 1024
}

/// Margins inside the trim that hold nothing a reader must see, in millimetres (a roll-up
/// banner's rail at the top and the part that stays in the cassette at the bottom).
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Safe {
    /// From the top edge.
    #[serde(default)]
    pub top: f64,
    /// From the bottom edge.
    #[serde(default)]
    pub bottom: f64,
    /// From the left edge.
    #[serde(default)]
    pub left: f64,
    /// From the right edge.
    #[serde(default)]
    pub right: f64,
}

/// Text smaller than this many points per metre of reading distance is hard to read (28 pt
/// body type at 2 m, the usual rule for display boards).
pub const POINTS_PER_METRE: f64 = 14.0;

/// Checks the form fields of document `doc` (`at` names a field of it in messages).
pub fn check(file: &std::path::Path, at: &dyn Fn(&str) -> String, doc: &DocumentConfig) -> Result<()> {
    let field = |name: &str, message: String| Err(Error::field(file, at(name), message));
    if let Some(ppi) = doc.ppi
        && !(50.0..=1200.0).contains(&ppi)
    {
        return field(
            "ppi",
            format!("{ppi} ppi is not a usable resolution; expected 50 to 1200 (100 for banners)"),
        );
    }
    if let Some(d) = doc.reading_distance
        && !(0.2..=50.0).contains(&d)
    {
        return field(
            "reading-distance",
            format!("{d} m is not a usable reading distance; expected 0.2 to 50 (metres)"),
        );
    }
    if let Some(s) = doc.safe {
        let all = [s.top, s.bottom, s.left, s.right];
        if all.iter().any(|v| !(0.0..=5000.0).contains(v))
            || s.top + s.bottom >= doc.trim.height
            || s.left + s.right >= doc.trim.width
        {
            return field("safe", "the safe margins must be positive and leave part of the trim free".into());
        }
    }
    match (doc.format.raster(), doc.pixels) {
        (true, None) => {
            field("pixels", "an image document needs its width: `pixels: { width: 1080 }`".into())
        }
        (false, Some(_)) => {
            field("pixels", "`pixels` is for image documents; add `format: png` or `jpeg`".into())
        }
        (true, Some(p)) if !(16..=16384).contains(&p.width) => {
            field("pixels.width", format!("{} px is not a usable width; expected 16 to 16384", p.width))
        }
        _ => Ok(()),
    }
}

/// The largest trim side of a document, in millimetres: an image document may be one long
/// page (a phone infographic).
pub fn max_trim(doc: &DocumentConfig) -> f64 {
    if doc.format.raster() { 20_000.0 } else { 5_000.0 }
}
