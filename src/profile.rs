//! Output profiles: what a PDF is made for decides bleed, colour and standards.

/// What the PDFs of a build are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// For the print shop: PDF/X-4, CMYK through the output profile, bleed, trim box, marks.
    Print,
    /// For e-mail and the web: no bleed, RGB colours.
    Screen,
    /// For the archive: PDF/A-3b with PDF/UA-1, RGB colours, no bleed, facts attached.
    Archive,
}

impl Profile {
    /// Every profile, in the order builds make them.
    pub const ALL: [Profile; 3] = [Self::Print, Self::Screen, Self::Archive];

    /// The profile whose [`Profile::name`] is `name`.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The profile's name, also its output folder.
    pub fn name(self) -> &'static str {
        match self {
            Self::Print => "print",
            Self::Screen => "screen",
            Self::Archive => "archive",
        }
    }

    /// The PDF standards the export must conform to.
    pub fn standards(self) -> Vec<typst_pdf::PdfStandard> {
        match self {
            // PDF/X-4 is made after export (see `pdf::pdfx`), on PDF 1.6.
            Self::Print => vec![typst_pdf::PdfStandard::V_1_6],
            Self::Screen => vec![],
            Self::Archive => vec![typst_pdf::PdfStandard::A_3b, typst_pdf::PdfStandard::Ua_1],
        }
    }

    /// The names of the PDF standards, as recorded in the manifest.
    pub fn standard_names(self) -> Vec<String> {
        match self {
            Self::Print => vec!["PDF/X-4".into()],
            Self::Screen => vec![],
            Self::Archive => vec!["PDF/A-3b".into(), "PDF/UA-1".into()],
        }
    }
}
