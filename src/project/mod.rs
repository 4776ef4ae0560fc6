//! What the user wrote, loaded and checked: the configuration, the facts, the documents
//! they plan, and the figure files and fonts every document shares.

pub mod archive;
pub mod config;
pub mod facts;
pub mod fields;
pub mod form;
pub mod i18n;
pub mod imprint;
pub mod inputs;
pub mod plan;
pub mod unused;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use typst::foundations::Datetime;
use typst_kit::diagnostics::DiagnosticFormat;
use typst_kit::fonts::FontStore;

use crate::error::{Error, Result};
use crate::figures::files::{self, FigureFile, Inspected};
use crate::finding::{Check, Finding};
use crate::press::{OutputProfile, Press};
use crate::profile::Profile;
use crate::timings::{Phase, Timings};
use config::ProjectConfig;
use facts::Facts;
use i18n::Translations;
use plan::DocumentPlan;

/// What a build or check is asked to do, already validated by the command line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Options {
    /// The project folder (holding `yarlung.yaml`).
    pub project: PathBuf,
    /// Build only the documents with these names or patterns (all when empty).
    pub only: Vec<String>,
    /// The output profiles, each written to `out/<profile>/`.
    pub profiles: Vec<Profile>,
    /// Extra font folders.
    pub font_paths: Vec<PathBuf>,
    /// A fixed timestamp (`SOURCE_DATE_EPOCH`) that overrides the configured date.
    pub source_date_epoch: Option<i64>,
    /// How Typst diagnostics are printed.
    #[serde(with = "diagnostic_format")]
    pub diagnostic_format: DiagnosticFormat,
    /// How long one document's compilation may take.
    pub compile_timeout: std::time::Duration,
    /// For tests of worker processes: a document whose worker aborts.
    pub abort_worker: Option<AbortWorker>,
    /// How many documents are compiled at once (0: one per core).
    pub jobs: usize,
    /// Also write saddle-stitch printer spreads of multiple-of-4 documents (print profile).
    pub impose: bool,
    /// Count preflight warnings as errors.
    pub strict: bool,
    /// A CMYK output profile for print that replaces the configured one.
    pub output_profile: Option<PathBuf>,
    /// Build only the documents of this edition (`zh`, `bo-zh`).
    pub edition: Option<String>,
    /// The proof round's stamp, for the proof profile (`yarlung proof`, `yarlung changes`).
    #[serde(default)]
    pub proof: Option<crate::profile::ProofMarks>,
    /// A `--final` build: the approvals of the round whose inputs it builds.
    #[serde(default)]
    pub approvals: Vec<crate::profile::Approval>,
}

/// How long one document's compilation may take unless the options say otherwise.
pub const DEFAULT_COMPILE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);

impl Options {
    /// The options of a plain print build of the project in `project`, one document at a
    /// time, as library users and tests start from.
    pub fn new(project: impl Into<PathBuf>) -> Self {
        Self {
            project: project.into(),
            only: vec![],
            profiles: vec![Profile::Print],
            font_paths: vec![],
            source_date_epoch: None,
            diagnostic_format: DiagnosticFormat::Short,
            jobs: 1,
            impose: false,
            strict: false,
            output_profile: None,
            edition: None,
            compile_timeout: DEFAULT_COMPILE_TIMEOUT,
            abort_worker: None,
            proof: None,
            approvals: vec![],
        }
    }
}

/// For tests of worker processes: the worker given `document` aborts, on the first try
/// only or (`every`) on every try.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AbortWorker {
    /// The document's name.
    pub document: String,
    /// Abort on every try, not only the first.
    pub every: bool,
}

/// [`DiagnosticFormat`] as `human` or `short`, for options handed to a worker process.
mod diagnostic_format {
    use serde::{Deserialize, Deserializer, Serializer};
    use typst_kit::diagnostics::DiagnosticFormat;

    /// Writes the format's name.
    pub fn serialize<S: Serializer>(format: &DiagnosticFormat, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if matches!(format, DiagnosticFormat::Short) { "short" } else { "human" })
    }

    /// Reads a format's name.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DiagnosticFormat, D::Error> {
        let name = String::deserialize(deserializer)?;
        Ok(if name == "short" { DiagnosticFormat::Short } else { DiagnosticFormat::Human })
    }
}

/// A loaded, checked project: everything a document needs before it compiles.
pub struct Project {
    /// The canonical project root; the World reads nothing outside it.
    pub root: PathBuf,
    /// `yarlung.yaml`.
    pub config: ProjectConfig,
    /// The facts from the data folder.
    pub facts: Facts,
    /// The checked figure files.
    pub figures: Vec<FigureFile>,
    /// The documents to make.
    pub plans: Vec<DocumentPlan>,
    /// The fonts, shared by every document.
    pub fonts: Arc<FontStore>,
    /// The fixed date of the build (year, month, day).
    pub date: (i32, u8, u8),
    /// The figure sources and the cache of processed figures.
    pub images: crate::figures::Store,
    /// Preflight findings about the project as a whole (unused figure files).
    pub findings: Vec<Finding>,
    /// Whether preflight warnings fail a document (`--strict`).
    /// The translations the planned editions need, by language.
    pub translations: BTreeMap<String, Translations>,
    /// The print condition.
    pub press: Arc<Press>,
    pub strict: bool,
    /// How long loading the config and facts, the figures and the fonts took.
    pub timings: Timings,
}

impl Project {
    /// Loads config, facts, figures and fonts, and plans the documents.
    pub fn open(options: &Options) -> Result<Self> {
        let root = options.project.canonicalize().map_err(|e| {
            Error::input(&options.project, format!("cannot open the project folder: {e}; check --project"))
        })?;
        let mut timings = Timings::default();
        let config = ProjectConfig::load(&root)?;
        let facts = Facts::load(&root, &config.data)?;
        timings.lap(Phase::LoadFacts);
        let press = Arc::new(press(&root, &config, options.output_profile.as_deref())?);
        let figures = figure_files(&root, &config, &facts)?;
        let images = crate::figures::Store::open(&root, &root.join(&config.output), &figures, press.clone())?;
        let used: Vec<PathBuf> = config.figures.values().cloned().collect();
        let mut findings = crate::project::unused::unused_figures(&root, &used);
        findings.extend(images.findings());
        timings.lap(Phase::FigureFiles);
        let plans = plan::documents(&config, &facts, &options.only, options.edition.as_deref())?;
        let (translations, unused) = translations(&root, &config, &facts, &plans)?;
        findings.extend(unused);
        let fonts = Arc::new(crate::fonts::store(&options.font_paths)?);
        timings.lap(Phase::Fonts);
        let date = match options.source_date_epoch {
            Some(epoch) => civil_date(epoch).ok_or_else(|| {
                Error::Usage(format!(
                    "SOURCE_DATE_EPOCH={epoch} is out of range; expected seconds since 1970"
                ))
            })?,
            None => config::parse_date(&config.date)
                .ok_or_else(|| Error::field(config::CONFIG_FILE, "date", "expected YYYY-MM-DD"))?,
        };
        Ok(Self {
            root,
            config,
            facts,
            figures,
            plans,
            fonts,
            date,
            images,
            findings,
            press,
            translations,
            strict: options.strict,
            timings,
        })
    }

    /// The date as a Typst value.
    pub fn datetime(&self) -> Datetime {
        let (y, m, d) = self.date;
        Datetime::from_ymd(y, m, d).unwrap_or_else(|| Datetime::from_ymd(1970, 1, 1).expect("valid date"))
    }

    /// The build date as seconds since the Unix epoch (midnight UTC).
    pub fn epoch(&self) -> i64 {
        let (y, m, d) = self.date;
        time::Month::try_from(m)
            .ok()
            .and_then(|m| time::Date::from_calendar_date(y, m, d).ok())
            .map_or(0, |date| date.midnight().assume_utc().unix_timestamp())
    }

    /// The folder the PDFs of `profile` are written to.
    pub fn output_dir(&self, profile: Profile) -> PathBuf {
        self.root.join(&self.config.output).join(profile.name())
    }

    /// The project files a build reads: config, facts, templates and figures.
    pub fn input_files(&self) -> Vec<PathBuf> {
        let mut files = vec![PathBuf::from(config::CONFIG_FILE)];
        files.extend(self.facts.files.iter().cloned());
        files.extend(template_files(&self.root, &self.plans));
        files.extend(self.figures.iter().map(|f| f.path.clone()));
        files
    }
}

/// The translations of every language the planned editions are set in besides Chinese,
/// checked against the facts; and warnings for template words no template prints.
fn translations(
    root: &Path,
    config: &ProjectConfig,
    facts: &Facts,
    plans: &[DocumentPlan],
) -> Result<(BTreeMap<String, Translations>, Vec<Finding>)> {
    let mut out = BTreeMap::new();
    let mut findings = Vec::new();
    let languages: std::collections::BTreeSet<&str> =
        plans.iter().flat_map(|p| p.edition.translated()).collect();
    if languages.is_empty() {
        return Ok((out, findings));
    }
    // The templates' words, which `labels.` entries should occur in; when a template cannot
    // be read, the words are not checked (the template's own error comes first).
    let mut templates = Some(Vec::new());
    for plan in plans {
        if std::fs::read_to_string(root.join(&plan.template)).is_err() {
            templates = None;
        }
    }
    if let Some(words) = templates.as_mut() {
        for file in template_files(root, plans) {
            words.push(std::fs::read_to_string(root.join(file)).unwrap_or_default());
        }
    }
    for language in languages {
        let loaded = Translations::load(root, &config.data, language, facts, templates.as_deref())?;
        for (key, entry) in loaded.unused_labels(templates.as_deref().unwrap_or_default()) {
            if templates.is_none() {
                break;
            }
            findings.push(Finding {
                severity: crate::finding::Severity::Warning,
                check: Check::UnusedTranslation,
                document: None,
                profile: None,
                page: None,
                what: format!(
                    "`{key}` ({}:{}) translates a word no template prints",
                    entry.file.display(),
                    entry.line
                ),
                fix: "remove the entry, or correct its word to the template's".into(),
                field: None,
                area: None,
            });
        }
        findings.extend(loaded.obsolete.iter().map(|o| Finding {
            severity: crate::finding::Severity::Warning,
            check: Check::ObsoleteTranslation,
            document: None,
            profile: None,
            page: None,
            what: format!("`{}` ({}:{}) translates nothing: {}", o.key, o.file.display(), o.line, o.why),
            fix: "remove the entry, or correct its key to the field or term it translates".into(),
            field: None,
            area: None,
        }));
        out.insert(language.to_string(), loaded);
    }
    Ok((out, findings))
}

/// The print condition of `config`, with the output profile named by `flag` (a path as
/// given on the command line) or by `print.output-profile` (inside the project), else the
/// shipped one.
fn press(root: &Path, config: &ProjectConfig, flag: Option<&Path>) -> Result<Press> {
    let print = &config.print;
    let (shown, path) = match (flag, &print.output_profile) {
        (Some(flag), _) => (flag.to_path_buf(), flag.to_path_buf()),
        (None, Some(rel)) => {
            let path = files::contained(root, rel)
                .map_err(|e| Error::field(config::CONFIG_FILE, "print.output-profile", e.to_string()))?;
            (rel.clone(), path)
        }
        (None, None) => return Ok(Press::new(print, OutputProfile::builtin())),
    };
    let size = std::fs::metadata(&path).map_err(|e| Error::io(&shown, e))?.len();
    if size > crate::press::profile::MAX_PROFILE_BYTES as u64 {
        let e = crate::press::ProfileError::TooLarge(usize::try_from(size).unwrap_or(usize::MAX));
        return Err(Error::input(&shown, format!("output profile: {e}")));
    }
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&shown, e))?;
    let profile = OutputProfile::load(bytes, print.output_condition.as_deref())
        .map_err(|e| Error::input(&shown, format!("output profile: {e}")))?;
    Ok(Press::new(print, profile))
}

/// Converts seconds since the Unix epoch to a UTC calendar date (years 1900–9999).
pub fn civil_date(epoch: i64) -> Option<(i32, u8, u8)> {
    let date = time::OffsetDateTime::from_unix_timestamp(epoch).ok()?.date();
    (1900..=9999).contains(&date.year()).then(|| (date.year(), u8::from(date.month()), date.day()))
}

/// Resolves and checks the file of every figure in the facts; errors are reported in the
/// order of the facts.
fn figure_files(root: &Path, config: &ProjectConfig, facts: &Facts) -> Result<Vec<FigureFile>> {
    let config_file = Path::new(config::CONFIG_FILE);
    let located = facts
        .figures
        .iter()
        .map(|figure| {
            let field = format!("figures.{}", figure.id);
            let path = config.figures.get(&figure.id).ok_or_else(|| {
                Error::field(
                    config_file,
                    &field,
                    format!(
                        "figure `{}` has facts but no file; add `{}: images/<file>` under figures:",
                        figure.id, figure.id
                    ),
                )
            })?;
            let real =
                files::contained(root, path).map_err(|e| Error::field(config_file, &field, e.to_string()))?;
            Ok((figure.id.as_str(), path, real))
        })
        .collect::<Result<Vec<_>>>()?;
    located
        .into_iter()
        .map(|(id, path, real)| {
            let Inspected { size: (width, height), misnamed, cut_short } = files::inspect(&real)
                .map_err(|message| Error::input(path, format!("figure `{id}`: {message}")))?;
            Ok(FigureFile { id: id.to_string(), path: path.clone(), width, height, misnamed, cut_short })
        })
        .collect()
}

/// The Typst files in the folders of the planned documents' templates and their
/// subfolders, root-relative and sorted: what the templates can import.
pub fn template_files(root: &Path, plans: &[DocumentPlan]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        plans.iter().filter_map(|p| p.template.parent().map(Path::to_path_buf)).collect();
    dirs.sort();
    dirs.dedup();
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(root.join(&dir)) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(name) = path.file_name() else { continue };
            if path.is_dir() && !dir.as_os_str().is_empty() {
                dirs.push(dir.join(name));
            } else if path.extension().is_some_and(|e| e == "typ") && path.is_file() {
                files.push(dir.join(name));
            }
        }
    }
    files.sort();
    files.dedup();
    files
}

/// Shows `path` relative to `base` when it lies inside it.
pub fn display_path(path: &Path, base: &Path) -> String {
    path.strip_prefix(base).unwrap_or(path).display().to_string()
}
