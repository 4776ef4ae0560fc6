//! What preflight finds: a finding's severity, check, place and fix, and the two ways
//! findings are shown (a table for people, JSON for machines).

use serde::{Deserialize, Serialize};

use crate::profile::Profile;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The document must not go to print like this.
    Error,
    /// Worth fixing; an error with `--strict`.
    Warning,
}

/// The checks preflight runs, by their stable names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// The page count breaks the document's page rule.
    PageCount,
    /// Facts that do not fit even at the template's smallest type.
    Overfull,
    /// A character no font has a glyph for.
    MissingGlyph,
    /// Text that runs outside the trim.
    OutsideTrim,
    /// Text too near a leaflet's fold.
    FoldMargin,
    /// A figure below the profile's resolution.
    LowResolution,
    /// More ink than the print condition allows.
    InkLimit,
    /// Small text in more than one ink.
    SmallTextInk,
    /// An RGB colour in a print document.
    RgbColour,
    /// A warning of Typst's.
    TypstWarning,
    /// A translation still marked draft.
    DraftTranslation,
    /// A text with no translation.
    MissingTranslation,
    /// A figure's colour profile that cannot be used.
    ColourProfile,
    /// A figure file whose extension names another format.
    MisnamedFigure,
    /// A figure file that ends early.
    CutShortFigure,
    /// A figure file no document uses.
    UnusedFigure,
    /// A translation of a field or term the facts do not have.
    ObsoleteTranslation,
    /// A translation of a word no template prints.
    UnusedTranslation,
    /// Key content or text in the margins a stand hides.
    UnsafeZone,
    /// Type too small for the reading distance or the image's pixels.
    SmallType,
    /// An image larger than its platform accepts.
    ImageSize,
}

impl Check {
    /// The check's stable name, as JSON shows it (`missing-glyph`).
    pub fn name(self) -> &'static str {
        match self {
            Self::PageCount => "page-count",
            Self::Overfull => "overfull",
            Self::MissingGlyph => "missing-glyph",
            Self::OutsideTrim => "outside-trim",
            Self::FoldMargin => "fold-margin",
            Self::LowResolution => "low-resolution",
            Self::InkLimit => "ink-limit",
            Self::SmallTextInk => "small-text-ink",
            Self::RgbColour => "rgb-colour",
            Self::TypstWarning => "typst-warning",
            Self::DraftTranslation => "draft-translation",
            Self::MissingTranslation => "missing-translation",
            Self::ColourProfile => "colour-profile",
            Self::MisnamedFigure => "misnamed-figure",
            Self::CutShortFigure => "cut-short-figure",
            Self::UnusedFigure => "unused-figure",
            Self::ObsoleteTranslation => "obsolete-translation",
            Self::UnusedTranslation => "unused-translation",
            Self::UnsafeZone => "unsafe-zone",
            Self::SmallType => "small-type",
            Self::ImageSize => "image-size",
        }
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One thing preflight found.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    /// Error or warning.
    pub severity: Severity,
    /// A stable name of the check (`missing-glyph`, `low-resolution`, …).
    pub check: Check,
    /// The document, for findings about one.
    pub document: Option<String>,
    /// The profile the document was made for.
    pub profile: Option<Profile>,
    /// The 1-based page, when the finding is on one.
    pub page: Option<usize>,
    /// What is wrong.
    pub what: String,
    /// How to fix it.
    pub fix: String,
    /// The field path of the fact or translation it is about, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Where on the page, in millimetres from the top left: left, top, right, bottom.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<[f64; 4]>,
}

impl Finding {
    /// The finding at `area` on its page (points from the top left: left, top, right,
    /// bottom), kept in millimetres.
    pub fn with_area(mut self, area: [f64; 4]) -> Self {
        self.area = Some(area.map(|pt| (pt * 25.4 / 72.0 * 10.0).round() / 10.0));
        self
    }

    /// The finding about the fact or translation at field path `field`.
    pub fn with_field(mut self, field: String) -> Self {
        self.field = Some(field);
        self
    }

    /// Whether the finding fails the run (`strict` counts warnings as errors).
    pub fn fails(&self, strict: bool) -> bool {
        self.severity == Severity::Error || strict
    }
}

/// How many findings of one check and document the table shows before it sums the rest up
/// (drafts of a translation can number hundreds; JSON lists them all).
const SHOWN_PER_CHECK: usize = 3;

/// A run of findings: their check, document and profile.
type Run<'a> = (Check, Option<&'a str>, Option<Profile>);

/// `findings` with each (check, document, profile) run cut to [`SHOWN_PER_CHECK`] and a
/// finding that says how many more there are, for the checks that come in bulk.
fn summarised(findings: &[Finding]) -> Vec<Finding> {
    let bulk = |f: &Finding| matches!(f.check, Check::DraftTranslation | Check::MissingTranslation);
    let mut out: Vec<Finding> = Vec::new();
    let mut counts: Vec<(Run, usize)> = Vec::new();
    for f in findings {
        if !bulk(f) {
            out.push(f.clone());
            continue;
        }
        let key = (f.check, f.document.as_deref(), f.profile);
        let seen = match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => {
                *n += 1;
                *n
            }
            None => {
                counts.push((key, 1));
                1
            }
        };
        if seen <= SHOWN_PER_CHECK {
            out.push(f.clone());
        }
    }
    for ((check, document, profile), n) in counts {
        if n > SHOWN_PER_CHECK {
            let first = findings
                .iter()
                .find(|f| f.check == check && f.document.as_deref() == document && f.profile == profile);
            if let Some(first) = first {
                out.push(Finding {
                    what: format!("… and {} more like these ({check})", n - SHOWN_PER_CHECK),
                    fix: "all are listed with --format json".into(),
                    ..first.clone()
                });
            }
        }
    }
    out
}

/// The findings as a table for standard error: severity, document, page, what, fix; bulk
/// checks (translations) summed up past a few per document.
pub fn table(findings: &[Finding], strict: bool) -> String {
    let rows: Vec<[String; 5]> = summarised(findings)
        .iter()
        .map(|f| {
            let severity = if f.fails(strict) { "error" } else { "warning" };
            let document = match (&f.document, f.profile) {
                (Some(d), Some(p)) => format!("{d} ({})", p.name()),
                (Some(d), None) => d.clone(),
                _ => "project".into(),
            };
            let page = f.page.map(|p| p.to_string()).unwrap_or_else(|| "-".into());
            [severity.into(), document, page, f.what.clone(), f.fix.clone()]
        })
        .collect();
    let header = ["severity", "document", "page", "what", "how to fix"];
    let width =
        |i: usize| rows.iter().map(|r| r[i].chars().count()).chain([header[i].len()]).max().unwrap_or(0);
    let widths = [width(0), width(1), width(2)];
    let line = |r: [&str; 5]| {
        let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(s.chars().count())));
        format!(
            "{}  {}  {}  {}\n{}  → {}\n",
            pad(r[0], widths[0]),
            pad(r[1], widths[1]),
            pad(r[2], widths[2]),
            r[3],
            " ".repeat(widths[0] + widths[1] + widths[2] + 6),
            r[4]
        )
    };
    let mut out = String::from("preflight:\n");
    out += &line(header);
    for r in &rows {
        out += &line([&r[0], &r[1], &r[2], &r[3], &r[4]]);
    }
    out
}

/// The findings as JSON for machines: every finding, and the counts.
pub fn json(findings: &[Finding], strict: bool) -> String {
    let errors = findings.iter().filter(|f| f.fails(strict)).count();
    let value = serde_json::json!({
        "strict": strict,
        "errors": errors,
        "warnings": findings.len() - errors,
        "findings": findings,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default()
}
