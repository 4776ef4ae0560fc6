//! Output profiles: what a PDF is made for decides bleed, colour and standards.

/// What the PDFs of a build are for.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    clap::ValueEnum,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// For the print shop: PDF/X-4, CMYK through the output profile, bleed, trim box, marks.
    Print,
    /// For e-mail and the web: no bleed, RGB colours.
    Screen,
    /// For the archive: PDF/A-3b with PDF/UA-1, RGB colours, no bleed, facts attached.
    Archive,
    /// For proofreading (`yarlung proof`): RGB, no bleed, with the round's proof marks.
    Proof,
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
            Self::Proof => "proof",
        }
    }

    /// The PDF standards the export must conform to.
    pub fn standards(self) -> Vec<typst_pdf::PdfStandard> {
        match self {
            // PDF/X-4 is made after export (see `pdf::pdfx`), on PDF 1.6.
            Self::Print => vec![typst_pdf::PdfStandard::V_1_6],
            Self::Screen | Self::Proof => vec![],
            Self::Archive => vec![typst_pdf::PdfStandard::A_3b, typst_pdf::PdfStandard::Ua_1],
        }
    }

    /// The names of the PDF standards, as recorded in the manifest.
    pub fn standard_names(self) -> Vec<String> {
        match self {
            Self::Print => vec!["PDF/X-4".into()],
            Self::Screen | Self::Proof => vec![],
            Self::Archive => vec!["PDF/A-3b".into(), "PDF/UA-1".into()],
        }
    }
}

/// What the proof profile prints on every page and marks as changed: the stamp of a proof
/// round (see `yarlung proof`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProofMarks {
    /// The round's number (第N校).
    pub round: u32,
    /// The folder under `out/proof/` the round's PDFs go to (`round-3`, or `current`).
    pub folder: String,
    /// The day the round was made (`YYYY-MM-DD`).
    pub date: String,
    /// A short digest of the round's inputs.
    pub digest: String,
    /// The diagonal watermark's text (校样).
    pub watermark: String,
    /// The field paths of the facts, translations and figures (`figures.<id>`) changed
    /// since the previous round: their places on the pages are marked.
    pub changed: Vec<String>,
}

impl ProofMarks {
    /// Whether the fact printed at field path `printed` is one of the changed ones (the same
    /// field, a field inside it, or the record it is part of).
    pub fn marks(&self, printed: &str) -> bool {
        let within = |inner: &str, outer: &str| {
            inner == outer || inner.strip_prefix(outer).is_some_and(|rest| rest.starts_with(['.', '[']))
        };
        self.changed.iter().any(|c| within(printed, c) || within(c, printed))
    }
}

/// One sign-off of a proof round (审签), as `proofs/approvals.yaml` records it and a
/// `--final` build's manifest repeats it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Approval {
    /// The round approved.
    pub round: u32,
    /// The approver's role (责任编辑, 审核, 译审).
    pub role: String,
    /// The approver's name.
    pub name: String,
    /// When (UTC, RFC 3339).
    pub time: String,
    /// The digest of the round's inputs: the approval holds for exactly these.
    pub inputs_digest: String,
    /// What the approver noted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
