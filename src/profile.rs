//! Output profiles: what a PDF is made for decides bleed, colour and standards.

/// What the PDFs of a build are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Profile {
    /// For the print shop: 3 mm bleed, trim box, CMYK colours.
    Print,
    /// For e-mail and the web: no bleed, RGB colours.
    Screen,
    /// For the archive: PDF/A-3b with PDF/UA-1, RGB colours, no bleed, facts attached.
    Archive,
}

impl Profile {
    /// The profile's name, also its output folder.
    pub fn name(self) -> &'static str {
        match self {
            Self::Print => "print",
            Self::Screen => "screen",
            Self::Archive => "archive",
        }
    }

    /// The bleed added on every side of the trim, in millimetres.
    pub fn bleed_mm(self) -> f64 {
        match self {
            Self::Print => 3.0,
            Self::Screen | Self::Archive => 0.0,
        }
    }

    /// The PDF standards the export must conform to.
    pub fn standards(self) -> Vec<typst_pdf::PdfStandard> {
        match self {
            Self::Print | Self::Screen => vec![],
            Self::Archive => vec![typst_pdf::PdfStandard::A_3b, typst_pdf::PdfStandard::Ua_1],
        }
    }

    /// The names of the PDF standards, as recorded in the manifest.
    pub fn standard_names(self) -> Vec<String> {
        match self {
            Self::Print | Self::Screen => vec![],
            Self::Archive => vec!["PDF/A-3b".into(), "PDF/UA-1".into()],
        }
    }
}
