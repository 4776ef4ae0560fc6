//! The project configuration, `yarlung.yaml`: which documents exist, how each is made.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// The file name of the project configuration at the project root.
pub const CONFIG_FILE: &str = "yarlung.yaml";

/// `yarlung.yaml` as written by the user.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ProjectConfig {
    /// The date printed in the documents and stored as their creation date (`YYYY-MM-DD`),
    /// so that builds are reproducible. `SOURCE_DATE_EPOCH` overrides it.
    pub date: String,
    /// The facts directory, relative to the project root.
    #[serde(default = "default_data")]
    pub data: PathBuf,
    /// The output directory, relative to the project root.
    #[serde(default = "default_output")]
    pub output: PathBuf,
    /// The documents to build, in order.
    pub documents: Vec<DocumentConfig>,
    /// Figure files by figure id, relative to the project root.
    #[serde(default)]
    pub figures: BTreeMap<String, PathBuf>,
    /// The print condition: output profile, conversion, ink limit.
    #[serde(default)]
    pub print: crate::press::PrintConfig,
    /// How editions in other languages use their translations.
    #[serde(default)]
    pub translations: TranslationConfig,
    /// The archival description of the archived PDFs.
    #[serde(default)]
    pub archive: super::archive::ArchiveConfig,
    /// Proof rounds: the watermark and who must approve before `build --final`.
    #[serde(default)]
    pub proof: ProofConfig,
}

/// The `proof:` section of `yarlung.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct ProofConfig {
    /// The roles that must approve a round before its inputs may be built `--final`
    /// (e.g. 责任编辑, 审核, 译审); empty: one approval of any role.
    #[serde(default)]
    pub approvers: Vec<String>,
    /// The diagonal watermark on every proof page.
    #[serde(default = "default_watermark")]
    pub watermark: String,
}

impl Default for ProofConfig {
    fn default() -> Self {
        Self { approvers: vec![], watermark: default_watermark() }
    }
}

/// 校样 (proof).
fn default_watermark() -> String {
    "校样".into()
}

/// One document entry of `yarlung.yaml`; with `each` it stands for one document per record.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct DocumentConfig {
    /// The document's name; with `each: province` it must contain `{province}`.
    pub name: String,
    /// The Typst template, relative to the project root.
    pub template: PathBuf,
    /// Make one document per record of this collection (only `province` exists).
    #[serde(default)]
    pub each: Option<Collection>,
    /// The trimmed page size.
    pub trim: Trim,
    /// Which figures the document receives.
    #[serde(default)]
    pub figures: FigureSelection,
    /// The page-count rule the finished document must satisfy.
    #[serde(default)]
    pub pages: PageRule,
    /// The bleed around the trim of the print PDF, in millimetres.
    #[serde(default = "default_bleed")]
    pub bleed: f64,
    /// Whether the print PDF has crop marks in a slug around the bleed (shops that impose
    /// the pages themselves often want none).
    #[serde(default = "yes")]
    pub marks: bool,
    /// The editions to make: `zh` (the facts' Chinese, `<document>.pdf`) and bilingual ones
    /// such as `bo-zh` (Tibetan first, then Chinese; `<document>.bo-zh.pdf`).
    #[serde(default = "default_editions")]
    pub editions: Vec<String>,
    /// What the document is written as: `pdf` (the default), or `png` / `jpeg` for online
    /// platforms (screen profile only; see [`super::form`]).
    #[serde(default)]
    pub format: super::form::Format,
    /// An image document's width in pixels and largest byte size.
    #[serde(default)]
    pub pixels: Option<super::form::Pixels>,
    /// Margins inside the trim that hold nothing a reader must see, in millimetres.
    #[serde(default)]
    pub safe: Option<super::form::Safe>,
    /// The least figure resolution at the placed size in print and archive, in pixels per
    /// inch (large formats read from afar: 100), instead of 300.
    #[serde(default)]
    pub ppi: Option<f64>,
    /// The distance the document is read from, in metres: smaller text than it allows is a
    /// warning.
    #[serde(default)]
    pub reading_distance: Option<f64>,
}

/// The Chinese edition alone.
fn default_editions() -> Vec<String> {
    vec!["zh".into()]
}

/// The `translations:` section of `yarlung.yaml`: how editions use their translations.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct TranslationConfig {
    /// Whether a missing translation prints the Chinese alone (a warning) instead of failing
    /// the document.
    #[serde(default)]
    pub fallback: bool,
    /// How numbers are written in Tibetan runs.
    #[serde(default)]
    pub numerals: Numerals,
}

/// The digits numbers are written with in a translated run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Numerals {
    /// 0–9, as in the Chinese.
    #[default]
    Arabic,
    /// ༠–༩.
    Tibetan,
}

/// The bleed print shops ask for, 3 mm.
fn default_bleed() -> f64 {
    3.0
}

/// `true`, for serde defaults.
fn yes() -> bool {
    true
}

/// A facts collection that a document entry can be repeated over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Collection {
    /// One document per file in `data/provinces/`.
    Province,
}

/// A trimmed page size in millimetres.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Trim {
    /// Width in millimetres.
    pub width: f64,
    /// Height in millimetres.
    pub height: f64,
}

/// Which figures a document receives.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FigureSelection {
    /// Every figure of the facts.
    #[default]
    All,
    /// The figures whose facts name the document's province.
    Province,
    /// No figures.
    None,
    /// These figures, by id.
    #[serde(untagged)]
    List(Vec<String>),
}

/// A rule on the finished document's page count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PageRule {
    /// The page count must be a multiple of this (4 for saddle stitching).
    pub multiple_of: Option<usize>,
    /// The page count must be exactly this (2 for a folded leaflet).
    pub exactly: Option<usize>,
}

impl PageRule {
    /// Explains why `pages` breaks the rule, or `None` when it holds.
    pub fn violation(&self, pages: usize) -> Option<String> {
        if let Some(n) = self.exactly
            && pages != n
        {
            return Some(format!("has {pages} pages but must have exactly {n}"));
        }
        if let Some(n) = self.multiple_of
            && n > 0
            && !pages.is_multiple_of(n)
        {
            return Some(format!("has {pages} pages but the page count must be a multiple of {n}"));
        }
        None
    }
}

fn default_data() -> PathBuf {
    PathBuf::from("data")
}

fn default_output() -> PathBuf {
    PathBuf::from("out")
}

impl ProjectConfig {
    /// Reads and checks `yarlung.yaml` in `root`.
    pub fn load(root: &Path) -> Result<Self> {
        let file = Path::new(CONFIG_FILE);
        if !root.join(file).is_file() {
            return Err(Error::input(
                root.join(file),
                "no project configuration here; run in a yarlung project or pass --project DIR",
            ));
        }
        let config: Self = crate::project::yaml::read(root, file)?;
        config.check()?;
        Ok(config)
    }

    /// Parses and checks the bytes of a `yarlung.yaml` (without reading a file; for fuzzing).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let config: Self = crate::project::yaml::parse(Path::new(CONFIG_FILE), bytes)?;
        config.check()?;
        Ok(config)
    }

    /// Checks what serde cannot: names, sizes and paths.
    fn check(&self) -> Result<()> {
        let file = Path::new(CONFIG_FILE);
        parse_date(&self.date).ok_or_else(|| {
            Error::field(file, "date", format!("`{}` is not a date; write it as YYYY-MM-DD", self.date))
        })?;
        if self.documents.is_empty() {
            return Err(Error::field(file, "documents", "no documents are declared; add at least one"));
        }
        self.archive.check(CONFIG_FILE)?;
        for (i, doc) in self.documents.iter().enumerate() {
            let at = |field: &str| format!("documents[{i}].{field}");
            let placeholder = doc.name.contains("{province}");
            match doc.each {
                Some(Collection::Province) if !placeholder => {
                    return Err(Error::field(
                        file,
                        at("name"),
                        format!("`{}` repeats per province, so its name must contain {{province}}", doc.name),
                    ));
                }
                None if placeholder => {
                    return Err(Error::field(
                        file,
                        at("each"),
                        "the name uses {province}; add `each: province`",
                    ));
                }
                _ => {}
            }
            if !valid_name(&doc.name.replace("{province}", "x")) {
                return Err(Error::field(
                    file,
                    at("name"),
                    format!(
                        "`{}` is not a valid document name; use lowercase letters, digits and '-'",
                        doc.name
                    ),
                ));
            }
            let max = max_trim(doc);
            for (what, value) in [("width", doc.trim.width), ("height", doc.trim.height)] {
                if !(10.0..=max).contains(&value) {
                    return Err(Error::field(
                        file,
                        at(&format!("trim.{what}")),
                        format!("{value} mm is not a usable trim size; expected 10 to {max} (millimetres)"),
                    ));
                }
            }
            check_form(file, &at, doc)?;
            if !(0.0..=20.0).contains(&doc.bleed) {
                return Err(Error::field(
                    file,
                    at("bleed"),
                    format!(
                        "{} mm is not a usable bleed; expected 0 to 20 (millimetres, 3 is usual)",
                        doc.bleed
                    ),
                ));
            }
            check_relative(file, &at("template"), &doc.template)?;
            check_editions(file, &at("editions"), &doc.editions)?;
        }
        let limit = self.print.ink_limit;
        if !(100.0..=400.0).contains(&limit) {
            return Err(Error::field(
                file,
                "print.ink-limit",
                format!("{limit} % is not a usable ink limit; expected 100 to 400 (per cent, 300 is usual)"),
            ));
        }
        if let Some(path) = &self.print.output_profile {
            check_relative(file, "print.output-profile", path)?;
        }
        for (id, path) in &self.figures {
            check_relative(file, &format!("figures.{id}"), path)?;
        }
        check_relative(file, "data", &self.data)?;
        check_relative(file, "output", &self.output)?;
        Ok(())
    }
}

/// Checks a document's editions: known shapes, each once, at least one.
fn check_editions(file: &Path, field: &str, editions: &[String]) -> Result<()> {
    if editions.is_empty() {
        return Err(Error::field(file, field, "no editions; write `[zh]`, or leave `editions` out"));
    }
    for (i, edition) in editions.iter().enumerate() {
        let parts: Vec<&str> = edition.split('-').collect();
        let well_formed =
            parts.iter().all(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_lowercase()));
        if !well_formed || !parts.contains(&"zh") {
            return Err(Error::field(
                file,
                format!("{field}[{i}]"),
                format!(
                    "`{edition}` is not an edition; write language codes joined by `-`, the first leading, \
                     Chinese among them: `zh`, `bo-zh`"
                ),
            ));
        }
        if editions[..i].contains(edition) {
            return Err(Error::field(file, format!("{field}[{i}]"), format!("`{edition}` is listed twice")));
        }
    }
    Ok(())
}

/// Whether `name` is a plain lowercase document or record name.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
}

/// Refuses absolute paths and paths that climb out of the project.
fn check_relative(file: &Path, field: &str, path: &Path) -> Result<()> {
    use std::path::Component;
    let escapes = path.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir));
    if escapes || path.as_os_str().is_empty() {
        return Err(Error::field(
            file,
            field,
            format!(
                "`{}` must be a path inside the project, relative to its root (no `..`, not absolute)",
                path.display()
            ),
        ));
    }
    Ok(())
}

/// Parses `YYYY-MM-DD` into its parts.
pub fn parse_date(text: &str) -> Option<(i32, u8, u8)> {
    let mut parts = text.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day) && (1900..=9999).contains(&year))
        .then_some((year, month, day))
}

/// Checks the form fields (see [`super::form`]) of document `doc` (`at` names a field of it in messages).
fn check_form(file: &Path, at: &dyn Fn(&str) -> String, doc: &DocumentConfig) -> Result<()> {
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
fn max_trim(doc: &DocumentConfig) -> f64 {
    if doc.format.raster() { 20_000.0 } else { 5_000.0 }
}
