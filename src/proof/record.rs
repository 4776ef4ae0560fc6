//! A proof round's record, `proofs/round-N.json`, kept beside the facts for version control:
//! the digests of every input and PDF, every fact and translation as the round read it, and
//! the page map of every document and edition (which fact prints where).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::pipeline::manifest::FileEntry;
use crate::pipeline::proof::PageMap;
use crate::project::Project;

/// The folder of the rounds' records and the approvals, relative to the project root.
pub const PROOFS_DIR: &str = "proofs";

/// One proof round.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Round {
    /// Its number, from 1.
    pub round: u32,
    /// When it was made (UTC, RFC 3339).
    pub made: String,
    /// The tool and its version.
    pub tool: String,
    /// The digest of all inputs together (SHA-256 of the `inputs` list).
    pub inputs_digest: String,
    /// Every input file with its digests.
    pub inputs: Vec<FileEntry>,
    /// Every fact by field path.
    pub facts: BTreeMap<String, Fact>,
    /// Every translation by key, per language.
    pub translations: BTreeMap<String, BTreeMap<String, Translation>>,
    /// Every figure's file, by figure id: its path and SHA-256.
    pub figures: BTreeMap<String, FigureFile>,
    /// The documents of the round.
    pub documents: Vec<Document>,
}

/// A fact as a round read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    /// The value, as text.
    pub value: String,
    /// `file:line`.
    pub at: String,
}

/// A translation as a round read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// The translated text.
    pub text: String,
    /// `draft` or `reviewed`.
    pub state: String,
    /// `file:line`.
    pub at: String,
}

/// A figure's file as a round read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FigureFile {
    /// Its path, relative to the project root.
    pub path: String,
    /// Its SHA-256.
    pub sha256: String,
}

/// One document of a round (one edition of it).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Document {
    /// Its name (`brochure.bo-zh`).
    pub name: String,
    /// Its page count.
    pub pages: usize,
    /// The proof PDF, relative to the project root.
    pub pdf: String,
    /// The proof PDF's SHA-256.
    pub sha256: String,
    /// Where each fact it prints is, by field path.
    pub page_map: PageMap,
}

impl Round {
    /// The path of round `n`'s record, relative to the project root.
    pub fn file(n: u32) -> PathBuf {
        Path::new(PROOFS_DIR).join(format!("round-{n}.json"))
    }

    /// Reads round `n` of the project at `root`.
    pub fn load(root: &Path, n: u32) -> Result<Round> {
        let rel = Self::file(n);
        let bytes = match std::fs::read(root.join(&rel)) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let known = Self::numbers(root)?;
                let hint = match known.last() {
                    Some(last) => format!("the rounds made so far are 1–{last}"),
                    None => "no round has been made yet; make one with `yarlung proof`".into(),
                };
                return Err(Error::Usage(format!("there is no proof round {n} ({}): {hint}", rel.display())));
            }
            Err(e) => return Err(Error::io(&rel, e)),
        };
        let round: Round = serde_json::from_slice(&bytes).map_err(|e| {
            Error::input(
                &rel,
                format!(
                    "the round's record is damaged ({e}); restore it from version control or make a new round"
                ),
            )
        })?;
        if round.round != n {
            return Err(Error::input(&rel, format!("the record says it is round {}, not {n}", round.round)));
        }
        Ok(round)
    }

    /// The numbers of the rounds recorded in the project at `root`, in order.
    pub fn numbers(root: &Path) -> Result<Vec<u32>> {
        let dir = root.join(PROOFS_DIR);
        let Ok(entries) = std::fs::read_dir(&dir) else { return Ok(vec![]) };
        let mut out: Vec<u32> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().to_string();
                name.strip_prefix("round-")?.strip_suffix(".json")?.parse().ok()
            })
            .collect();
        out.sort_unstable();
        Ok(out)
    }

    /// The last round, if any.
    pub fn last(root: &Path) -> Result<Option<Round>> {
        match Self::numbers(root)?.last() {
            Some(&n) => Self::load(root, n).map(Some),
            None => Ok(None),
        }
    }
}

/// What the project's inputs are now: the files with their digests and the digest of them
/// all, the facts, the translations and the figures' files.
pub struct State {
    /// Every input file with its digests.
    pub inputs: Vec<FileEntry>,
    /// The digest of all inputs together.
    pub inputs_digest: String,
    /// Every fact by field path.
    pub facts: BTreeMap<String, Fact>,
    /// Every translation by language and key.
    pub translations: BTreeMap<String, BTreeMap<String, Translation>>,
    /// Every figure's file.
    pub figures: BTreeMap<String, FigureFile>,
}

impl State {
    /// Reads the state of `project`'s inputs.
    pub fn of(project: &Project) -> Result<State> {
        let mut files = project.input_files();
        for translations in project.translations.values() {
            files.extend(translations.entries.values().map(|e| e.file.clone()));
        }
        files.sort();
        files.dedup();
        let inputs = crate::pipeline::manifest::inputs(&project.root, &files)?;
        let listing: String = inputs.iter().map(|f| format!("{}\t{}\n", f.path, f.digests.sha256)).collect();
        let inputs_digest = crate::output::digest::sha256(listing.as_bytes());
        let facts = crate::project::fields::fields(&project.root, &project.facts)?
            .into_iter()
            .map(|(path, field)| (path, Fact { at: field.place(), value: field.value }))
            .collect();
        let translations = project
            .translations
            .iter()
            .map(|(language, t)| {
                let entries = t.entries.iter().map(|(key, e)| {
                    let at = format!("{}:{}", e.file.display(), e.line);
                    let state = match e.state {
                        crate::project::i18n::State::Draft => "draft",
                        crate::project::i18n::State::Reviewed => "reviewed",
                    };
                    (key.clone(), Translation { text: e.text.clone(), state: state.into(), at })
                });
                (language.clone(), entries.collect())
            })
            .collect();
        let figures = project
            .figures
            .iter()
            .map(|f| {
                let path = f.path.to_string_lossy().replace('\\', "/");
                let sha256 = inputs.iter().find(|i| i.path == path).map(|i| i.digests.sha256.clone());
                (f.id.clone(), FigureFile { path, sha256: sha256.unwrap_or_default() })
            })
            .collect();
        Ok(State { inputs, inputs_digest, facts, translations, figures })
    }

    /// The field paths that differ from `round`: facts, translations (text or state) and
    /// figures (`figures.<id>`) changed, added or removed.
    pub fn changed_since(&self, round: &Round) -> Vec<String> {
        let mut out = differing(&round.facts, &self.facts, |a, b| a.value == b.value);
        for (language, now) in &self.translations {
            let empty = BTreeMap::new();
            let then = round.translations.get(language).unwrap_or(&empty);
            out.extend(differing(then, now, |a, b| a.text == b.text && a.state == b.state));
        }
        let figures = differing(&round.figures, &self.figures, |a, b| a.sha256 == b.sha256);
        out.extend(figures.into_iter().map(|id| format!("figures.{id}")));
        out.sort();
        out.dedup();
        out
    }
}

/// The keys whose values differ between `a` and `b` by `same` (or that only one has).
pub fn differing<T>(
    a: &BTreeMap<String, T>,
    b: &BTreeMap<String, T>,
    same: impl Fn(&T, &T) -> bool,
) -> Vec<String> {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| match (a.get(*k), b.get(*k)) {
            (Some(x), Some(y)) => !same(x, y),
            _ => true,
        })
        .cloned()
        .collect()
}
