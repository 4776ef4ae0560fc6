//! What is done to a PDF after Typst exported it: the figures put in place of their
//! stand-ins ([`embed`], reading only what it needs with [`skim`]), for print the PDF/X-4
//! file ([`pdfx`]) with its marks and boxes ([`marks`]).

pub mod embed;
pub mod marks;
pub mod pdfx;
pub mod skim;
pub mod xmp;

use std::fmt::{self, Display, Formatter};

/// A PDF that cannot be finished: yarlung's own fault, never the user's.
#[derive(Debug)]
pub enum PdfError {
    /// The exported PDF cannot be read back.
    Read(lopdf::Error),
    /// The finished PDF cannot be written.
    Write(std::io::Error),
    /// The object of a figure's stand-in (the figure's id) is missing from the exported PDF.
    MissingFigure(String),
    /// A page lacks what every page has.
    Page(lopdf::Error),
    /// The XMP metadata lacks what Typst writes into it.
    Xmp(&'static str),
}

impl Display for PdfError {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Self::Read(e) => write!(f, "cannot re-read the exported PDF: {e}"),
            Self::Write(e) => write!(f, "cannot write the PDF: {e}"),
            Self::MissingFigure(figure) => write!(
                f,
                "the exported PDF lacks the place of figure `{figure}`; re-exporting its image as an \
                 sRGB JPEG or PNG avoids this"
            ),
            Self::Page(e) => write!(f, "a page of the exported PDF is incomplete: {e}"),
            Self::Xmp(what) => write!(f, "the exported PDF's XMP metadata lacks {what}"),
        }
    }
}

impl std::error::Error for PdfError {}
