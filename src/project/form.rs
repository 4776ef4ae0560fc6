//! What a document is beyond its pages: written as a PDF or as an image for online platforms
//! (`format`, `pixels`), the margins of a large format that must hold nothing a reader must
//! see (`safe`), the figure resolution it needs (`ppi`) and the distance it is read from
//! (`reading-distance`).

use serde::{Deserialize, Serialize};

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
