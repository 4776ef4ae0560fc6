//! What the user wrote, loaded and checked: the configuration, the facts, the documents
//! they plan, and the figure files and fonts every document shares.

pub mod config;
pub mod facts;
pub mod i18n;
pub mod inputs;
pub mod plan;
pub mod yaml;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use typst::foundations::Datetime;
use typst_kit::diagnostics::DiagnosticFormat;
use typst_kit::fonts::FontStore;

use crate::error::{Error, Result};
use crate::figures::files::FigureFile;
use crate::preflight::finding::Finding;
use crate::press::{OutputProfile, Press};
use crate::profile::Profile;
use crate::timings::Timings;
use config::ProjectConfig;
use facts::Facts;
use i18n::Translations;
use plan::DocumentPlan;

/// What a build or check is asked to do, already validated by the command line.
#[derive(Debug, Clone)]
pub struct Options {
    /// The project folder (holding `yarlung.yaml`).
    pub project: PathBuf,
    /// Build only the document with this name.
    pub only: Option<String>,
    /// The output profiles, each written to `out/<profile>/`.
    pub profiles: Vec<Profile>,
    /// Extra font folders.
    pub font_paths: Vec<PathBuf>,
    /// A fixed timestamp (`SOURCE_DATE_EPOCH`) that overrides the configured date.
    pub source_date_epoch: Option<i64>,
    /// How Typst diagnostics are printed.
    pub diagnostic_format: DiagnosticFormat,
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
        timings.lap("load facts");
        let press = Arc::new(press(&root, &config, options.output_profile.as_deref())?);
        let figures = crate::figures::files::resolve(&root, &config, &facts)?;
        let images = crate::figures::Store::open(&root, &root.join(&config.output), &figures, press.clone())?;
        let used: Vec<PathBuf> = config.figures.values().cloned().collect();
        let mut findings = crate::preflight::unused::unused_figures(&root, &used);
        findings.extend(images.findings());
        timings.lap("figures");
        let plans = plan::documents(&config, &facts, options.only.as_deref(), options.edition.as_deref())?;
        let (translations, unused) = translations(&root, &config, &facts, &plans)?;
        findings.extend(unused);
        let fonts = Arc::new(crate::fonts::store(&options.font_paths)?);
        timings.lap("fonts");
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
        let (y, m, d) = (i64::from(y), i64::from(m), i64::from(d));
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        (era * 146_097 + doe - 719_468) * 86_400
    }

    /// The folder the PDFs of `profile` are written to.
    pub fn output_dir(&self, profile: Profile) -> PathBuf {
        self.root.join(&self.config.output).join(profile.name())
    }

    /// The project files a build reads: config, facts, templates and figures.
    pub fn input_files(&self) -> Vec<PathBuf> {
        let mut files = vec![PathBuf::from(config::CONFIG_FILE)];
        files.extend(self.facts.files.iter().cloned());
        let mut dirs: Vec<PathBuf> =
            self.plans.iter().filter_map(|p| p.template.parent().map(Path::to_path_buf)).collect();
        dirs.sort();
        dirs.dedup();
        for dir in dirs {
            if let Ok(entries) = std::fs::read_dir(self.root.join(&dir)) {
                let mut typ: Vec<PathBuf> = entries
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "typ") && p.is_file())
                    .filter_map(|p| p.file_name().map(|n| dir.join(n)))
                    .collect();
                typ.sort();
                files.extend(typ);
            }
        }
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
    let folders: std::collections::BTreeSet<PathBuf> =
        plans.iter().filter_map(|p| p.template.parent().map(Path::to_path_buf)).collect();
    for folder in folders {
        let (Some(words), Ok(entries)) = (templates.as_mut(), std::fs::read_dir(root.join(&folder))) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|e| e == "typ") {
                words.push(std::fs::read_to_string(entry.path()).unwrap_or_default());
            }
        }
    }
    for language in languages {
        let loaded = Translations::load(root, &config.data, language, facts, templates.as_deref())?;
        for (key, entry) in loaded.unused_labels(templates.as_deref().unwrap_or_default()) {
            if templates.is_none() {
                break;
            }
            findings.push(Finding {
                severity: crate::preflight::Severity::Warning,
                check: "unused-translation",
                document: None,
                profile: None,
                page: None,
                what: format!(
                    "`{key}` ({}:{}) translates a word no template prints",
                    entry.file.display(),
                    entry.line
                ),
                fix: "remove the entry, or correct its word to the template's".into(),
            });
        }
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
            let path = crate::figures::files::contained(root, rel)
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

/// Converts seconds since the Unix epoch to a UTC calendar date.
pub fn civil_date(epoch: i64) -> Option<(i32, u8, u8)> {
    let days = epoch.div_euclid(86_400);
    // Howard Hinnant's days-from-civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (1900..=9999).contains(&year).then_some((year as i32, month, day))
}

/// Shows `path` relative to `base` when it lies inside it.
pub fn display_path(path: &Path, base: &Path) -> String {
    path.strip_prefix(base).unwrap_or(path).display().to_string()
}
