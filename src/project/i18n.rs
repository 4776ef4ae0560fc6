//! Translations kept as data: `data/i18n/<language>/**/*.yaml`, each file a mapping from
//! the path of the field it translates (`provinces.hunan.summary`,
//! `figures.fig5.caption`, `project.themes.industry.title`) to its text and state. Loaded
//! and checked like every fact: unknown keys of an entry, bad types and paths that
//! translate nothing are errors naming the file, line and field.
//!
//! Paths: mapping keys joined with `.`; list items with an `id` by that id, others by
//! index (`provinces.hubei.results.industry.highlights[0].title`). Besides the facts,
//! `terms.units.<unit>`, `terms.scales.<scale>` and `terms.qualifiers.<hedge>` translate
//! the words of the metrics, and `labels.<word>` the fixed words templates print (`{n}`
//! stands for a number).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_saphyr::Spanned;

use crate::error::{Error, Result};
use crate::project::facts::Facts;

/// The folder of translations inside the data folder.
pub const I18N_DIR: &str = "i18n";
/// At most this many translation files are read per language.
const MAX_FILES: usize = 512;

/// Whether a translation has been checked by a qualified translator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum State {
    /// Written, not yet reviewed: a warning (an error with `--strict`).
    Draft,
    /// Reviewed: ready for print.
    Reviewed,
}

/// Where a hedge (余, 近, 以上) stands in the translation, relative to the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Position {
    /// Before the number.
    Before,
    /// After the number.
    After,
}

/// One translation as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    /// The translated text.
    text: String,
    /// Draft or reviewed.
    state: State,
    /// For qualifiers: before or after the number.
    #[serde(default)]
    position: Option<Position>,
}

/// A loaded translation.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// The translated text, folded lines joined.
    pub text: String,
    /// Draft or reviewed.
    pub state: State,
    /// For qualifiers: where the hedge stands.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
    /// The file it is in, relative to the project root.
    #[serde(skip)]
    pub file: PathBuf,
    /// Its 1-based line there.
    #[serde(skip)]
    pub line: usize,
}

/// The translations of one language.
#[derive(Debug, Clone, Default)]
pub struct Translations {
    /// The language code (`bo`).
    pub language: String,
    /// The entries by path.
    pub entries: BTreeMap<String, Entry>,
    /// Entries that translate nothing (any more): a field or term that does not exist.
    pub obsolete: Vec<Obsolete>,
}

/// A translation of a field or term the facts do not have (any more), like gettext's
/// obsolete entries: a warning, an error with `--strict`.
#[derive(Debug, Clone)]
pub struct Obsolete {
    /// Its key.
    pub key: String,
    /// The file it is in, relative to the project root.
    pub file: PathBuf,
    /// Its 1-based line there.
    pub line: usize,
    /// Why it translates nothing (with a "did you mean" when the key looks like a typo).
    pub why: String,
}

impl Translations {
    /// Loads and checks `data/i18n/<language>/` of the project at `root` against `facts`;
    /// `templates` are the template sources, which `labels.` entries must occur in (not
    /// checked when `None`).
    pub fn load(
        root: &Path,
        data: &Path,
        language: &str,
        facts: &Facts,
        templates: Option<&[String]>,
    ) -> Result<Self> {
        let dir = data.join(I18N_DIR).join(language);
        if !root.join(&dir).is_dir() {
            return Err(Error::input(
                &dir,
                format!(
                    "an edition needs `{language}` translations, but this folder does not exist; create it"
                ),
            ));
        }
        let mut files = Vec::new();
        collect(root, &dir, &mut files)?;
        files.sort();
        let sources = sources(facts);
        let mut entries: BTreeMap<String, Entry> = BTreeMap::new();
        let mut obsolete = Vec::new();
        for rel in files {
            let meta = std::fs::metadata(root.join(&rel)).map_err(|e| Error::io(&rel, e))?;
            if meta.len() > crate::project::yaml::MAX_YAML_BYTES {
                return Err(Error::input(
                    &rel,
                    format!(
                        "file is {} bytes; YAML inputs are limited to {} bytes",
                        meta.len(),
                        crate::project::yaml::MAX_YAML_BYTES
                    ),
                ));
            }
            let bytes = std::fs::read(root.join(&rel)).map_err(|e| Error::io(&rel, e))?;
            let (parsed, stale) = parse_file(&rel, &bytes, &sources, facts, templates)?;
            obsolete.extend(stale);
            for (key, entry) in parsed {
                if let Some(first) = entries.get(&key) {
                    return Err(Error::Input {
                        file: rel.clone(),
                        position: Some((entry.line as u64, 1)),
                        field: Some(key.clone()),
                        message: format!("`{key}` is translated in {} already", first.file.display()),
                    });
                }
                entries.insert(key, entry);
            }
        }
        Ok(Self { language: language.to_string(), entries, obsolete })
    }
}

/// What a translation file holds: its entries by key, and those that translate nothing.
pub type Parsed = (Vec<(String, Entry)>, Vec<Obsolete>);

/// Parses and checks one translation file, `rel` (for messages) holding `bytes`, against
/// the text fields `sources` of `facts` and the `templates`' words (when given): its
/// entries, and those that translate nothing.
pub fn parse_file(
    rel: &Path,
    bytes: &[u8],
    sources: &BTreeMap<String, (String, PathBuf)>,
    facts: &Facts,
    templates: Option<&[String]>,
) -> Result<Parsed> {
    let raw: HashMap<Spanned<String>, RawEntry> = crate::project::yaml::parse(rel, bytes)?;
    let mut raw: Vec<(Spanned<String>, RawEntry)> = raw.into_iter().collect();
    raw.sort_by_key(|(key, _)| key.referenced.line());
    let mut out = Vec::with_capacity(raw.len());
    let mut obsolete = Vec::new();
    for (key, entry) in raw {
        let line = Some(key.referenced.line()).filter(|&l| l > 0).map(|l| l as usize);
        let key = key.value;
        let at = |message: String| Error::Input {
            file: rel.to_path_buf(),
            position: line.map(|l| (l as u64, 1)),
            field: Some(key.clone()),
            message,
        };
        if let Some(why) = translates_nothing(&key, sources, facts, templates) {
            obsolete.push(Obsolete { key, file: rel.to_path_buf(), line: line.unwrap_or(1), why });
            continue;
        }
        if entry.text.trim().is_empty() {
            return Err(at("the translation is empty; write it, or remove the entry".into()));
        }
        if entry.position.is_some() && !key.starts_with("terms.qualifiers.") {
            return Err(at("`position` belongs to qualifiers (terms.qualifiers.…) only".into()));
        }
        let text = crate::project::facts::clean_prose(&entry.text);
        let entry = Entry {
            text,
            state: entry.state,
            position: entry.position,
            file: rel.to_path_buf(),
            line: line.unwrap_or(1),
        };
        out.push((key, entry));
    }
    Ok((out, obsolete))
}

impl Translations {
    /// The `labels.` entries whose word (its parts around `{n}`) none of `templates` prints.
    pub fn unused_labels(&self, templates: &[String]) -> Vec<(&str, &Entry)> {
        self.entries
            .iter()
            .filter_map(|(key, entry)| {
                let word = key.strip_prefix("labels.")?;
                let parts: Vec<&str> = word.split(['{', '}']).step_by(2).filter(|p| !p.is_empty()).collect();
                let found =
                    !parts.is_empty() && parts.iter().all(|p| templates.iter().any(|t| t.contains(p)));
                (!found).then_some((key.as_str(), entry))
            })
            .collect()
    }
}

/// The YAML files under `root/dir`, recursively, relative to `root`.
fn collect(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = std::fs::read_dir(root.join(dir)).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let rel = dir.join(entry.file_name());
        let kind = entry.file_type().map_err(|e| Error::io(&rel, e))?;
        if kind.is_dir() {
            collect(root, &rel, out)?;
        } else if rel.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(rel);
        }
        if out.len() > MAX_FILES {
            return Err(Error::input(dir, format!("more than {MAX_FILES} translation files; merge them")));
        }
    }
    Ok(())
}

/// Why `key` translates nothing, or `None` when it names something to translate.
fn translates_nothing(
    key: &str,
    sources: &BTreeMap<String, (String, PathBuf)>,
    facts: &Facts,
    templates: Option<&[String]>,
) -> Option<String> {
    if let Some(rest) = key.strip_prefix("terms.") {
        let (kind, word) = rest.split_once('.').unwrap_or((rest, ""));
        let metrics = facts.provinces.iter().flat_map(|p| p.results.values()).flat_map(|r| &r.metrics);
        let used: Vec<String> = match kind {
            "units" => metrics.map(|m| m.unit.clone()).collect(),
            "scales" => metrics.filter_map(|m| m.scale.map(|s| s.word().to_string())).collect(),
            "qualifiers" => metrics.filter_map(|m| m.qualifier.map(|q| q.word().to_string())).collect(),
            _ => return Some("terms are `terms.units.…`, `terms.scales.…` or `terms.qualifiers.…`".into()),
        };
        return (!used.iter().any(|u| u == word))
            .then(|| format!("no metric uses the {} `{word}`", &kind[..kind.len() - 1]));
    }
    if key.starts_with("labels.") {
        // Template words are checked against the templates as a warning (see
        // `Translations::unused_labels`): a template edit must not stop the build.
        let _ = templates;
        return None;
    }
    if sources.contains_key(key) {
        return None;
    }
    Some(match nearest(key, sources) {
        Some(near) => {
            format!("this field does not exist in the facts (or is no text); did you mean `{near}`?")
        }
        None => "this field does not exist in the facts (or is no text); keys are paths such as \
                 `provinces.hunan.summary` or `project.themes.industry.title`"
            .into(),
    })
}

/// The existing path sharing the longest prefix with `key`.
fn nearest<'a>(key: &str, sources: &'a BTreeMap<String, (String, PathBuf)>) -> Option<&'a str> {
    let common = |a: &str| a.chars().zip(key.chars()).take_while(|(x, y)| x == y).count();
    sources.keys().max_by_key(|k| common(k)).filter(|k| common(k) > 8).map(String::as_str)
}

/// Fields that are data, not text a reader sees, and so are never translated.
const NOT_TEXT: [&str; 8] = ["id", "province", "section", "unit", "scale", "qualifier", "headline", "charts"];

/// The keys of the terms the metrics use: `terms.units.<unit>`, `terms.scales.<word>`,
/// `terms.qualifiers.<word>`.
pub fn terms(facts: &Facts) -> Vec<String> {
    let metrics = facts.provinces.iter().flat_map(|p| p.results.values()).flat_map(|r| &r.metrics);
    let mut out: Vec<String> = metrics
        .flat_map(|m| {
            let mut keys = vec![format!("terms.units.{}", m.unit)];
            keys.extend(m.scale.map(|s| format!("terms.scales.{}", s.word())));
            keys.extend(m.qualifier.map(|q| format!("terms.qualifiers.{}", q.word())));
            keys
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Every text field of the facts that a translation can translate: its path, the Chinese
/// and the facts file it is in.
pub fn sources(facts: &Facts) -> BTreeMap<String, (String, PathBuf)> {
    let mut out = BTreeMap::new();
    let file = |name: &str| facts.files.iter().find(|f| f.ends_with(name)).cloned().unwrap_or_default();
    let mut add = |prefix: String, value: Value, file: PathBuf| walk(&prefix, &value, &file, &mut out);
    add("project".into(), serde_json::to_value(&facts.project).unwrap_or_default(), file("project.yaml"));
    for figure in &facts.figures {
        let value = serde_json::to_value(figure).unwrap_or_default();
        add(format!("figures.{}", figure.id), value, file("figures.yaml"));
    }
    for province in &facts.provinces {
        let mut value = serde_json::to_value(province).unwrap_or_default();
        // Results are not serialized with the province (templates get them resolved).
        if let Value::Object(map) = &mut value {
            map.insert("results".into(), serde_json::to_value(&province.results).unwrap_or_default());
        }
        add(format!("provinces.{}", province.id), value, file(&format!("{}.yaml", province.id)));
    }
    out
}

/// Adds the text leaves of `value` under `path` to `out`.
fn walk(path: &str, value: &Value, file: &Path, out: &mut BTreeMap<String, (String, PathBuf)>) {
    match value {
        Value::String(text) if !text.trim().is_empty() => {
            out.insert(path.to_string(), (text.clone(), file.to_path_buf()));
        }
        Value::Object(map) => {
            for (key, child) in map {
                // A section's `themes` lists theme ids.
                if NOT_TEXT.contains(&key.as_str()) || (key == "themes" && path.contains(".sections.")) {
                    continue;
                }
                // Paths are written as the YAML spells the fields (kebab-case).
                walk(&format!("{path}.{}", key.replace('_', "-")), child, file, out);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let id = item.get("id").and_then(Value::as_str);
                let child = match id {
                    Some(id) => format!("{path}.{id}"),
                    None => format!("{path}[{i}]"),
                };
                walk(&child, item, file, out);
            }
        }
        _ => {}
    }
}
