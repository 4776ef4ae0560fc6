//! Translations exchanged with a translator's own tool (a CAT tool or a translation
//! platform: OmegaT, memoQ, Trados, Weblate): `yarlung translations export` writes every
//! translatable text of the project as XLIFF 1.2 ([`xliff`]), XLIFF 2.0 or gettext PO
//! ([`po`]), the field path as the unit's id; `import` writes the texts and states back into
//! `data/i18n/<lang>/`, changing only the lines of entries whose text or state changed
//! (comments, order and every other byte stay), and refusing the whole file when a unit's
//! Chinese source changed since the export.

mod edit;
pub mod po;
pub mod xliff;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::project::Project;
use crate::project::i18n::{self, State, Translations};

/// The formats a translator's tool reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// XLIFF 1.2 (`approved="yes"` for reviewed texts).
    Xliff,
    /// XLIFF 2.0 (`state="final"` for reviewed, `translated` for drafts).
    Xliff2,
    /// gettext PO (`#, fuzzy` for drafts).
    Po,
}

/// One translatable text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Its key: the field path (`provinces.hubei.summary`), `labels.<word>` or
    /// `terms.<kind>.<word>`.
    pub id: String,
    /// The Chinese.
    pub source: String,
    /// The translation, when there is one.
    pub target: Option<String>,
    /// Its state, when there is a translation.
    pub state: Option<State>,
    /// Where it is: the translation's file and line, or the facts file of a missing one.
    pub note: String,
}

/// Every translatable text of `project` in `language`, in key order: the facts' text
/// fields, the terms the metrics use and the template words translated so far.
pub fn units(project: &Project, language: &str) -> Result<Vec<Unit>> {
    let translations = project
        .translations
        .get(language)
        .ok_or_else(|| Error::Usage(format!("no edition of the project is in `{language}`")))?;
    let mut out: BTreeMap<String, Unit> = BTreeMap::new();
    for (id, (source, file)) in i18n::sources(&project.facts) {
        out.insert(id.clone(), unit(id, source, file.display().to_string(), translations));
    }
    for id in i18n::terms(&project.facts).into_iter().chain(translations.entries.keys().cloned()) {
        if let Some(word) = word_of(&id) {
            let note = format!("{}", project.config.data.display());
            out.entry(id.clone()).or_insert_with(|| unit(id.clone(), word.to_string(), note, translations));
        }
    }
    Ok(out.into_values().collect())
}

/// The Chinese a `labels.` or `terms.` key translates: its last part.
fn word_of(id: &str) -> Option<&str> {
    if let Some(word) = id.strip_prefix("labels.") {
        return Some(word);
    }
    let rest = id.strip_prefix("terms.")?;
    rest.split_once('.').map(|(_, word)| word)
}

/// The unit `id` with its `source`, its translation from `translations` when there is one.
fn unit(id: String, source: String, note: String, translations: &Translations) -> Unit {
    match translations.entries.get(&id) {
        Some(entry) => Unit {
            id,
            source,
            target: Some(entry.text.clone()),
            state: Some(entry.state),
            note: format!("{}:{}", entry.file.display(), entry.line),
        },
        None => Unit { id, source, target: None, state: None, note },
    }
}

/// Writes `units` in `format` for `language`.
pub fn export(units: &[Unit], format: Format, language: &str) -> String {
    match format {
        Format::Xliff => xliff::write_12(units, language),
        Format::Xliff2 => xliff::write_20(units, language),
        Format::Po => po::write(units, language),
    }
}

/// Reads a translator's file: its language (when it names one) and units.
pub fn read(text: &str) -> std::result::Result<(Option<String>, Vec<Unit>), String> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('<') { xliff::read(text) } else { po::read(text) }
}

/// What an import changed: the files written and how many entries.
#[derive(Debug, Default)]
pub struct Imported {
    /// The files written, relative to the project root.
    pub files: Vec<PathBuf>,
    /// How many entries changed or were added.
    pub entries: usize,
}

/// Writes the texts and states of `incoming` (read from `file`) into `project`'s
/// translations in `language`. Nothing is written when a unit is unknown or its source
/// changed since the export: the error lists every such unit.
pub fn import(project: &Project, language: &str, file: &Path, incoming: &[Unit]) -> Result<Imported> {
    let current: BTreeMap<String, Unit> =
        units(project, language)?.into_iter().map(|u| (u.id.clone(), u)).collect();
    let mut refused = Vec::new();
    let mut changes: Vec<(&Unit, Option<&Unit>)> = Vec::new();
    for unit in incoming {
        let Some(now) = current.get(&unit.id) else {
            refused.push(format!("`{}`: no such text in the project", unit.id));
            continue;
        };
        if now.source != unit.source {
            refused
                .push(format!("`{}`: its Chinese changed since the export (now “{}”)", unit.id, now.source));
            continue;
        }
        let Some(target) = unit.target.as_deref().filter(|t| !t.trim().is_empty()) else { continue };
        let state = unit.state.unwrap_or(State::Draft);
        if now.target.as_deref() != Some(target) || now.state != Some(state) {
            changes.push((unit, now.target.as_ref().map(|_| now)));
        }
    }
    if !refused.is_empty() {
        return Err(Error::input(
            file,
            format!(
                "{} unit(s) refused, nothing imported: {}; export again and carry the translations over",
                refused.len(),
                refused.join("; ")
            ),
        ));
    }
    let translations = &project.translations[language];
    let dir = project.config.data.join(i18n::I18N_DIR).join(language);
    let mut edited: BTreeMap<PathBuf, String> = BTreeMap::new();
    for (unit, existing) in &changes {
        let text = unit.target.as_deref().unwrap_or_default();
        let state = unit.state.unwrap_or(State::Draft);
        match existing.and_then(|_| translations.entries.get(&unit.id)) {
            Some(entry) => {
                let body = load(&mut edited, &project.root, &entry.file)?;
                *body = edit::replace_entry(body, entry.line, text, state).ok_or_else(|| {
                    Error::input(
                        &entry.file,
                        format!("cannot find the entry `{}` at line {}", unit.id, entry.line),
                    )
                })?;
            }
            None => {
                let rel = dir.join(home(&unit.id, &current[&unit.id].note, &project.config.data));
                let body = load(&mut edited, &project.root, &rel)?;
                edit::append_entry(body, &unit.id, text, state);
            }
        }
    }
    let sources = i18n::sources(&project.facts);
    for (rel, body) in &edited {
        i18n::parse_file(rel, body.as_bytes(), &sources, &project.facts, None).map_err(|e| {
            Error::internal("the translations import", format!("{rel:?} would not read back: {e}"))
        })?;
    }
    for (rel, body) in &edited {
        crate::output::write::write_atomic(&project.root.join(rel), body.as_bytes())?;
    }
    Ok(Imported { files: edited.into_keys().collect(), entries: changes.len() })
}

/// The text of `rel` (root-relative) as edited so far, read on first use (empty when the
/// file does not exist yet).
fn load<'a>(edited: &'a mut BTreeMap<PathBuf, String>, root: &Path, rel: &Path) -> Result<&'a mut String> {
    if !edited.contains_key(rel) {
        let text = match std::fs::read(root.join(rel)) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| Error::input(rel, "is not UTF-8"))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(Error::io(rel, e)),
        };
        edited.insert(rel.to_path_buf(), text);
    }
    Ok(edited.get_mut(rel).expect("inserted above"))
}

/// The file, inside a language's folder, a new translation of `id` goes to: beside the
/// translations of its facts file (`note`, relative to the project root), or
/// `labels.yaml`/`terms.yaml`.
fn home(id: &str, note: &str, data: &Path) -> PathBuf {
    if id.starts_with("labels.") {
        return PathBuf::from("labels.yaml");
    }
    if id.starts_with("terms.") {
        return PathBuf::from("terms.yaml");
    }
    let facts = Path::new(note.split(':').next().unwrap_or_default());
    facts.strip_prefix(data).map_or_else(|_| PathBuf::from("project.yaml"), Path::to_path_buf)
}
