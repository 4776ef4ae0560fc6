//! The structured values a template receives as `/.yarlung/facts.json`.
//!
//! Facts stay data: they are serialized to JSON and read by the template with `json()`,
//! never spliced into Typst source, so any character in a fact prints as written.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::figures::files::FigureFile;
use crate::profile::Profile;
use crate::project::config::Numerals;
use crate::project::config::Trim;
use crate::project::facts::{Facts, FigureFacts, Highlight, Metric, Province, Section, Theme};
use crate::project::i18n::{Entry, Translations};
use crate::project::plan::DocumentPlan;

/// The virtual path at which the World serves a document's facts.
pub const FACTS_PATH: &str = "/.yarlung/facts.json";
/// The virtual path of the inputs list attached to archive PDFs.
pub const SOURCES_PATH: &str = "/yarlung-manifest.json";

/// Everything a template sees.
#[derive(Serialize)]
pub struct TemplateInputs<'a> {
    document: DocumentInfo<'a>,
    project: &'a crate::project::facts::Project,
    themes: &'a [Theme],
    sections: Vec<SectionView<'a>>,
    headline: Vec<MetricView<'a>>,
    /// Every province; in a document about one province, the others without results.
    provinces: Vec<ProvinceView<'a>>,
    province: Option<ProvinceView<'a>>,
    figures: Vec<FigureView<'a>>,
}

/// The document being made.
#[derive(Serialize)]
struct DocumentInfo<'a> {
    name: &'a str,
    profile: &'static str,
    trim: Trim,
    bleed: f64,
    date: String,
    attachments: Vec<Attachment>,
    edition: EditionView<'a>,
    /// Margins that hold nothing a reader must see (millimetres), when the config gives them.
    #[serde(skip_serializing_if = "Option::is_none")]
    safe: Option<super::form::Safe>,
    /// An image document whose page is as tall as its content (its trim height the most).
    #[serde(rename = "auto-height")]
    auto_height: bool,
}

/// The edition a document is set in, with the translations it prints.
#[derive(Serialize)]
struct EditionView<'a> {
    /// `zh`, `bo-zh`, …
    name: &'a str,
    /// Its languages, the leading one first.
    languages: &'a [String],
    /// The digits of numbers in translated runs.
    numerals: Numerals,
    /// The translations of its languages other than Chinese: language → field path → entry.
    tr: BTreeMap<&'a str, &'a BTreeMap<String, Entry>>,
}

/// A file the template attaches to the PDF (archive profile).
#[derive(Serialize)]
pub struct Attachment {
    /// Root-relative path the World serves.
    pub path: String,
    /// `source` or `data`.
    pub relationship: &'static str,
    /// MIME type.
    pub mime_type: &'static str,
    /// What the file is.
    pub description: String,
}

impl<'a> EditionView<'a> {
    /// The edition of `plan` with the `translations` of its languages.
    fn new(
        plan: &'a DocumentPlan,
        translations: &'a BTreeMap<String, Translations>,
        numerals: Numerals,
    ) -> Self {
        Self {
            name: &plan.edition.name,
            languages: &plan.edition.languages,
            numerals,
            tr: plan
                .edition
                .translated()
                .filter_map(|l| translations.get_key_value(l))
                .map(|(l, t)| (l.as_str(), &t.entries))
                .collect(),
        }
    }
}

/// A section with the ids of its figures.
#[derive(Serialize)]
struct SectionView<'a> {
    #[serde(flatten)]
    section: &'a Section,
    figures: Vec<&'a str>,
}

/// A province with its results resolved into printable metrics.
#[derive(Serialize)]
struct ProvinceView<'a> {
    #[serde(flatten)]
    province: &'a Province,
    results: std::collections::BTreeMap<&'a str, ResultsView<'a>>,
    figures: Vec<&'a str>,
}

/// One theme's results of a province.
#[derive(Serialize)]
struct ResultsView<'a> {
    highlights: &'a [Highlight],
    metrics: Vec<MetricView<'a>>,
}

/// A metric with its printable parts and the plain amount for charts.
#[derive(Serialize)]
struct MetricView<'a> {
    #[serde(flatten)]
    metric: &'a Metric,
    key: String,
    number: String,
    prefix: &'static str,
    suffix: String,
    text: String,
    amount: f64,
    province: &'a str,
    province_name: &'a str,
    theme: &'a str,
}

/// A figure with its label and root-relative file path.
#[derive(Serialize)]
struct FigureView<'a> {
    #[serde(flatten)]
    figure: &'a FigureFacts,
    symbol: String,
    label: String,
    path: String,
    width: u32,
    height: u32,
}

impl<'a> MetricView<'a> {
    fn new(province: &'a Province, theme: &'a str, metric: &'a Metric) -> Self {
        Self {
            metric,
            key: format!("{}.{}.{}", province.id, theme, metric.id),
            number: metric.number(),
            prefix: metric.prefix(),
            suffix: metric.suffix(),
            text: metric.text(),
            amount: metric.amount(),
            province: &province.id,
            province_name: &province.name,
            theme,
        }
    }
}

impl<'a> ProvinceView<'a> {
    fn new(province: &'a Province, facts: &'a Facts) -> Self {
        let results = province
            .results
            .iter()
            .map(|(theme, r)| {
                let metrics = r.metrics.iter().map(|m| MetricView::new(province, theme, m)).collect();
                (theme.as_str(), ResultsView { highlights: &r.highlights, metrics })
            })
            .collect();
        let figures =
            facts.figures.iter().filter(|f| f.province == province.id).map(|f| f.id.as_str()).collect();
        Self { province, results, figures }
    }
}

/// The circled number for figure `n` (1 → ①, up to ⑳).
pub fn circled(n: u32) -> String {
    char::from_u32(0x2460 + n.saturating_sub(1)).map(String::from).unwrap_or_else(|| n.to_string())
}

impl<'a> TemplateInputs<'a> {
    /// Collects the inputs of `plan`.
    pub fn new(
        plan: &'a DocumentPlan,
        profile: Profile,
        date: (i32, u8, u8),
        facts: &'a Facts,
        files: &'a [FigureFile],
        attachments: Vec<Attachment>,
        (translations, numerals): (&'a BTreeMap<String, Translations>, Numerals),
    ) -> Self {
        let edition = EditionView::new(plan, translations, numerals);
        let sections = facts
            .project
            .sections
            .iter()
            .map(|section| SectionView {
                section,
                figures: facts
                    .figures
                    .iter()
                    .filter(|f| f.section == section.id)
                    .map(|f| f.id.as_str())
                    .collect(),
            })
            .collect();
        let headline = facts
            .project
            .headline
            .iter()
            .filter_map(|key| facts.metric(key))
            .map(|(province, theme, metric)| MetricView::new(province, theme, metric))
            .collect();
        let figures = facts
            .figures
            .iter()
            .filter(|f| plan.figures.contains(&f.id))
            .filter_map(|figure| {
                let file = files.iter().find(|file| file.id == figure.id)?;
                let symbol = circled(figure.number);
                Some(FigureView {
                    figure,
                    label: format!("图{symbol}"),
                    symbol,
                    path: format!("/{}", file.path.to_string_lossy().replace('\\', "/")),
                    width: file.width,
                    height: file.height,
                })
            })
            .collect();
        let province = plan
            .province
            .as_deref()
            .and_then(|id| facts.provinces.iter().find(|p| p.id == id))
            .map(|p| ProvinceView::new(p, facts));
        Self {
            document: DocumentInfo {
                name: &plan.name,
                profile: profile.name(),
                trim: plan.trim,
                bleed: plan.bleed_mm(profile),
                date: format!("{:04}-{:02}-{:02}", date.0, date.1, date.2),
                attachments,
                edition,
                safe: plan.safe,
                auto_height: plan.pixels.is_some_and(|p| p.auto_height),
            },
            project: &facts.project,
            themes: &facts.project.themes,
            sections,
            headline,
            // A document about one province is made from that province's results only: the
            // others come without theirs, so editing one province leaves the others' alone.
            provinces: facts
                .provinces
                .iter()
                .map(|p| match plan.province.as_deref() {
                    Some(id) if id != p.id => {
                        ProvinceView { results: Default::default(), ..ProvinceView::new(p, facts) }
                    }
                    _ => ProvinceView::new(p, facts),
                })
                .collect(),
            province,
            figures,
        }
    }

    /// The JSON bytes served to the template.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec_pretty(self).expect("template inputs are plain data")
    }
}
