//! The facts in `data/`: typed, checked, and turned into the values templates receive.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize};

use crate::error::{Error, Result};
use crate::project::config::valid_name;

/// All facts of a project, as loaded from the data directory.
#[derive(Debug, Clone)]
pub struct Facts {
    /// `project.yaml`: the story frame.
    pub project: Project,
    /// `figures.yaml`: the captioned figures.
    pub figures: Vec<FigureFacts>,
    /// `provinces/*.yaml`, ordered by their `order` field.
    pub provinces: Vec<Province>,
    /// The data files read, relative to the project root, in reading order.
    pub files: Vec<PathBuf>,
}

/// Prose written for the documents; whitespace that YAML folding leaves between Chinese
/// characters is removed, since Chinese text has no word spaces.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Prose(pub String);

impl<'de> Deserialize<'de> for Prose {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(|text| Prose(clean_prose(&text)))
    }
}

/// Drops whitespace runs that touch a CJK character and trims the ends.
pub fn clean_prose(text: &str) -> String {
    let chars: Vec<char> = text.trim().chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            let start = i;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
            let touches_cjk =
                (start > 0 && is_cjk(chars[start - 1])) || (i < chars.len() && is_cjk(chars[i]));
            if !touches_cjk {
                out.push(' ');
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Whether `c` is a CJK ideograph or CJK/fullwidth punctuation.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
        || matches!(c, '“' | '”' | '‘' | '’' | '—' | '…' | '·')
}

/// `project.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all(deserialize = "kebab-case"), deny_unknown_fields)]
pub struct Project {
    /// The title on the cover.
    pub title: String,
    /// The line under the title.
    pub subtitle: String,
    /// Where the work took place.
    pub region: String,
    /// The period covered.
    pub period: Period,
    /// How many years the period spans.
    pub years: u32,
    /// The opening text.
    pub intro: Prose,
    /// The main tasks the teams worked towards.
    pub tasks: Tasks,
    /// The themes results are grouped by.
    pub themes: Vec<Theme>,
    /// The brochure's sections, each covering one or more themes.
    pub sections: Vec<Section>,
    /// Metric keys (`province.theme.metric`) shown as headline numbers.
    #[serde(default)]
    pub headline: Vec<String>,
    /// The bar charts: which metrics are compared in one chart.
    #[serde(default)]
    pub charts: Vec<Chart>,
    /// The closing page.
    pub closing: Closing,
    /// The colophon.
    pub colophon: Colophon,
    /// The imprint an official publication prints (版本记录), when it has one.
    #[serde(default)]
    pub imprint: Option<super::imprint::Imprint>,
}

/// The period the facts cover.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// First year.
    pub start: u32,
    /// Last year.
    pub end: u32,
    /// How the period is written out.
    pub label: String,
}

/// The main tasks.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tasks {
    /// Their collective name.
    pub label: String,
    /// How many there are.
    pub count: u32,
    /// Their names.
    pub items: Vec<String>,
    /// A sentence about them.
    pub note: Prose,
}

/// A theme of results.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// Identifier used in province results.
    pub id: String,
    /// Short name.
    pub name: String,
    /// Display title.
    pub title: String,
    /// A short motto.
    pub tagline: String,
    /// Introductory text.
    pub intro: Prose,
}

/// A section of the brochure.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Identifier used by figures.
    pub id: String,
    /// The section number as written (一, 二, …).
    pub number: String,
    /// Section title.
    pub title: String,
    /// Section heading line.
    pub heading: String,
    /// The themes the section covers.
    pub themes: Vec<String>,
}

/// Metrics of one province and theme compared in one bar chart.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Chart {
    /// The metric keys (`province.theme.metric`), in the order the bars are drawn.
    pub metrics: Vec<String>,
    /// Whether the first metric is the total the others make up (it is emphasised).
    #[serde(default)]
    pub total: bool,
}

/// The closing page.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Closing {
    /// Its title.
    pub title: String,
    /// Its text.
    pub text: Prose,
}

/// The colophon.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Colophon {
    /// Who edited the documents.
    pub editors: String,
    /// Where the facts come from.
    pub source: String,
    /// The edition.
    pub edition: String,
    /// A note on how the documents were produced.
    pub note: Prose,
}

/// One entry of `figures.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureFacts {
    /// Identifier; its file is `figures.<id>` in `yarlung.yaml`.
    pub id: String,
    /// The figure number (1 → 图①).
    pub number: u32,
    /// The province the figure belongs to.
    pub province: String,
    /// The brochure section the figure belongs to.
    pub section: String,
    /// The caption.
    pub caption: Prose,
    /// A description for readers who cannot see the image.
    pub alt: Prose,
}

/// One file of `provinces/`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all(deserialize = "kebab-case"), deny_unknown_fields)]
pub struct Province {
    /// Identifier; must equal the file stem.
    pub id: String,
    /// Sort key.
    pub order: u32,
    /// Short name (湖北).
    pub name: String,
    /// Full name (湖北省).
    pub full_name: String,
    /// The aid team's name.
    pub team: String,
    /// The team's batch number.
    pub batch: u32,
    /// A short motto.
    pub slogan: String,
    /// A summary of the team's work.
    pub summary: Prose,
    /// Results by theme id (templates receive them resolved, see `inputs`).
    #[serde(skip_serializing)]
    pub results: BTreeMap<String, ThemeResults>,
}

/// A province's results in one theme.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeResults {
    /// Notable projects and achievements.
    #[serde(default)]
    pub highlights: Vec<Highlight>,
    /// Numbers.
    #[serde(default)]
    pub metrics: Vec<Metric>,
}

/// A notable project or achievement.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Highlight {
    /// A short title.
    pub title: String,
    /// One or two sentences.
    pub text: Prose,
}

/// A number as the source states it: value, magnitude word, unit and hedge.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    /// Identifier, unique within the province and theme.
    pub id: String,
    /// What is counted.
    pub label: String,
    /// The number as printed (before 万/亿).
    pub value: f64,
    /// 万 or 亿, when the source counts in those.
    #[serde(default)]
    pub scale: Option<Scale>,
    /// The unit (人, 个, 元, 人次 …).
    pub unit: String,
    /// The hedge the source uses (近, 超过, 余, 多, 以上).
    #[serde(default)]
    pub qualifier: Option<Qualifier>,
}

/// The Chinese magnitude words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scale {
    /// Ten thousand.
    #[serde(rename = "万")]
    Wan,
    /// One hundred million.
    #[serde(rename = "亿")]
    Yi,
}

impl Scale {
    /// The word as printed.
    pub fn word(self) -> &'static str {
        match self {
            Self::Wan => "万",
            Self::Yi => "亿",
        }
    }

    /// The factor the word stands for.
    pub fn factor(self) -> f64 {
        match self {
            Self::Wan => 1e4,
            Self::Yi => 1e8,
        }
    }
}

/// How the source hedges a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Qualifier {
    /// Nearly (近600人).
    #[serde(rename = "近")]
    Nearly,
    /// More than (超过3000万元).
    #[serde(rename = "超过")]
    Over,
    /// And some (400余人, 1.6万余个).
    #[serde(rename = "余")]
    Odd,
    /// And more (3000多人次).
    #[serde(rename = "多")]
    More,
    /// Or above (2000个以上).
    #[serde(rename = "以上")]
    AtLeast,
}

impl Qualifier {
    /// The word as printed.
    pub fn word(self) -> &'static str {
        match self {
            Self::Nearly => "近",
            Self::Over => "超过",
            Self::Odd => "余",
            Self::More => "多",
            Self::AtLeast => "以上",
        }
    }
}

impl Metric {
    /// The value as printed: integers without a decimal point, no digit grouping.
    pub fn number(&self) -> String {
        format!("{}", self.value)
    }

    /// What is printed before the number.
    pub fn prefix(&self) -> &'static str {
        match self.qualifier {
            Some(q @ (Qualifier::Nearly | Qualifier::Over)) => q.word(),
            _ => "",
        }
    }

    /// What is printed after the number: magnitude, hedge and unit in Chinese order.
    pub fn suffix(&self) -> String {
        let mut out = String::new();
        out.push_str(self.scale.map_or("", Scale::word));
        if let Some(q @ (Qualifier::Odd | Qualifier::More)) = self.qualifier {
            out.push_str(q.word());
        }
        out.push_str(&self.unit);
        if self.qualifier == Some(Qualifier::AtLeast) {
            out.push_str(Qualifier::AtLeast.word());
        }
        out
    }

    /// The whole figure as one string (近600人).
    pub fn text(&self) -> String {
        format!("{}{}{}", self.prefix(), self.number(), self.suffix())
    }

    /// The plain quantity (value × magnitude), for scaling charts.
    pub fn amount(&self) -> f64 {
        self.value * self.scale.map_or(1.0, Scale::factor)
    }
}

/// The largest plain amount (value × magnitude) a metric may state; larger is surely a typo,
/// and beyond `f64` range it could not be charted at all.
pub const MAX_AMOUNT: f64 = 1e15;

/// The project's facts file inside the data directory.
pub const PROJECT_FILE: &str = "project.yaml";
/// The figures' facts file inside the data directory.
pub const FIGURES_FILE: &str = "figures.yaml";
/// The folder of the provinces' facts files inside the data directory.
const PROVINCES_DIR: &str = "provinces";

impl Facts {
    /// Loads and cross-checks every facts file under `root/data`.
    pub fn load(root: &Path, data: &Path) -> Result<Self> {
        let mut files = vec![data.join(PROJECT_FILE), data.join(FIGURES_FILE)];
        let project: Project = crate::project::yaml::read(root, &files[0])?;
        let figures: Vec<FigureFacts> = crate::project::yaml::read(root, &files[1])?;
        let dir = root.join(data).join(PROVINCES_DIR);
        let entries = std::fs::read_dir(&dir).map_err(|e| {
            Error::input(data.join(PROVINCES_DIR), format!("cannot list the provinces directory: {e}"))
        })?;
        let mut names: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|entry| entry.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "yaml" || ext == "yml"))
            .filter_map(|path| path.file_name().map(|name| data.join(PROVINCES_DIR).join(name)))
            .collect();
        names.sort();
        let mut provinces = Vec::with_capacity(names.len());
        for rel in names {
            let province: Province = crate::project::yaml::read(root, &rel)?;
            let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            if province.id != stem {
                return Err(Error::field(
                    &rel,
                    "id",
                    format!("`{}` must match the file name `{stem}`; rename the file or the id", province.id),
                ));
            }
            provinces.push(province);
            files.push(rel);
        }
        provinces.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.id.cmp(&b.id)));
        let facts = Self { project, figures, provinces, files };
        facts.check(data)?;
        Ok(facts)
    }

    /// Cross-checks references between the files.
    fn check(&self, data: &Path) -> Result<()> {
        let project_file = data.join(PROJECT_FILE);
        if self.provinces.is_empty() {
            return Err(Error::input(
                data.join(PROVINCES_DIR),
                "no province files; add at least one <id>.yaml",
            ));
        }
        let themes: BTreeSet<&str> = self.project.themes.iter().map(|t| t.id.as_str()).collect();
        for (i, section) in self.project.sections.iter().enumerate() {
            for (j, theme) in section.themes.iter().enumerate() {
                if !themes.contains(theme.as_str()) {
                    return Err(unknown(
                        &project_file,
                        format!("sections[{i}].themes[{j}]"),
                        "theme",
                        theme,
                        &themes,
                    ));
                }
            }
        }
        self.check_figures(&data.join(FIGURES_FILE))?;
        if let Some(imprint) = &self.project.imprint {
            imprint.check(&project_file)?;
        }
        for province in &self.provinces {
            let file = data.join(PROVINCES_DIR).join(format!("{}.yaml", province.id));
            check_province(province, &file, &themes)?;
        }
        for (i, key) in self.project.headline.iter().enumerate() {
            if self.metric(key).is_none() {
                return Err(Error::field(
                    &project_file,
                    format!("headline[{i}]"),
                    format!(
                        "`{key}` names no metric; write province.theme.metric, e.g. hunan.industry.projects"
                    ),
                ));
            }
        }
        self.check_charts(&project_file)
    }

    /// Checks the figures: distinct ids and numbers, known provinces and sections.
    fn check_figures(&self, figures_file: &Path) -> Result<()> {
        let sections: BTreeSet<&str> = self.project.sections.iter().map(|s| s.id.as_str()).collect();
        let provinces: BTreeSet<&str> = self.provinces.iter().map(|p| p.id.as_str()).collect();
        let mut numbers = BTreeSet::new();
        let mut ids = BTreeSet::new();
        for (i, figure) in self.figures.iter().enumerate() {
            let at = |field: &str| format!("[{i}].{field}");
            if !ids.insert(figure.id.as_str()) {
                return Err(Error::field(
                    figures_file,
                    at("id"),
                    format!("figure `{}` is listed twice", figure.id),
                ));
            }
            if !(1..=20).contains(&figure.number) || !numbers.insert(figure.number) {
                return Err(Error::field(
                    figures_file,
                    at("number"),
                    format!(
                        "{} is used twice or outside 1–20; give each figure its own number",
                        figure.number
                    ),
                ));
            }
            if !provinces.contains(figure.province.as_str()) {
                return Err(unknown(figures_file, at("province"), "province", &figure.province, &provinces));
            }
            if !sections.contains(figure.section.as_str()) {
                return Err(unknown(figures_file, at("section"), "section", &figure.section, &sections));
            }
        }
        Ok(())
    }

    /// Checks that every chart compares at least two existing metrics of one unit.
    fn check_charts(&self, project_file: &Path) -> Result<()> {
        for (i, chart) in self.project.charts.iter().enumerate() {
            if chart.metrics.len() < 2 {
                return Err(Error::field(
                    project_file,
                    format!("charts[{i}].metrics"),
                    "a chart compares at least two metrics; list two or more keys",
                ));
            }
            let mut unit: Option<&str> = None;
            for (j, key) in chart.metrics.iter().enumerate() {
                let field = format!("charts[{i}].metrics[{j}]");
                let Some((_, _, metric)) = self.metric(key) else {
                    return Err(Error::field(
                        project_file,
                        field,
                        format!(
                            "`{key}` names no metric; write province.theme.metric, e.g. hunan.industry.projects"
                        ),
                    ));
                };
                match unit {
                    Some(first) if first != metric.unit => {
                        return Err(Error::field(
                            project_file,
                            field,
                            format!(
                                "`{key}` is counted in {} but the chart's first metric in {first}; \
                                 a chart compares metrics of one unit",
                                metric.unit
                            ),
                        ));
                    }
                    _ => unit = Some(metric.unit.as_str()),
                }
            }
        }
        Ok(())
    }

    /// Finds a metric by its key `province.theme.metric`.
    pub fn metric(&self, key: &str) -> Option<(&Province, &str, &Metric)> {
        let mut parts = key.splitn(3, '.');
        let (province, theme, id) = (parts.next()?, parts.next()?, parts.next()?);
        let province = self.provinces.iter().find(|p| p.id == province)?;
        let (theme, results) = province.results.get_key_value(theme)?;
        let metric = results.metrics.iter().find(|m| m.id == id)?;
        Some((province, theme.as_str(), metric))
    }
}

/// Checks one province file `file`: its id, and that its results are of known `themes`,
/// with distinct metric ids, sensible values and units.
fn check_province(province: &Province, file: &Path, themes: &BTreeSet<&str>) -> Result<()> {
    if !valid_name(&province.id) {
        return Err(Error::field(file, "id", "use lowercase letters, digits and '-' only"));
    }
    for (theme, results) in &province.results {
        if !themes.contains(theme.as_str()) {
            return Err(unknown(file, format!("results.{theme}"), "theme", theme, themes));
        }
        let mut seen = BTreeSet::new();
        for (k, metric) in results.metrics.iter().enumerate() {
            let at = format!("results.{theme}.metrics[{k}]");
            if !seen.insert(metric.id.as_str()) {
                return Err(Error::field(
                    file,
                    format!("{at}.id"),
                    format!("metric `{}` appears twice", metric.id),
                ));
            }
            if !metric.value.is_finite() || metric.value < 0.0 || metric.amount() > MAX_AMOUNT {
                return Err(Error::field(
                    file,
                    format!("{at}.value"),
                    "expected a number ≥ 0 whose amount (with 万 or 亿) is at most 10^15; check for a typo",
                ));
            }
            if metric.unit.trim().is_empty() {
                return Err(Error::field(file, format!("{at}.unit"), "expected a unit such as 人, 个 or 元"));
            }
        }
    }
    Ok(())
}

/// An error for a reference to something that does not exist, listing what does.
fn unknown(file: &Path, field: String, what: &str, value: &str, known: &BTreeSet<&str>) -> Error {
    let known: Vec<&str> = known.iter().copied().collect();
    Error::field(file, field, format!("unknown {what} `{value}`; expected one of: {}", known.join(", ")))
}
