//! The documents a build makes: the config's entries expanded over their collections.

use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::project::config::{Collection, FigureSelection, PageRule, ProjectConfig, Trim};
use crate::project::facts::Facts;

/// One document to make.
#[derive(Debug, Clone)]
pub struct DocumentPlan {
    /// Its name; also its output file stem.
    pub name: String,
    /// The template, relative to the project root.
    pub template: PathBuf,
    /// The trimmed page size.
    pub trim: Trim,
    /// The province the document is about, for per-province documents.
    pub province: Option<String>,
    /// The ids of the figures the document receives.
    pub figures: Vec<String>,
    /// The page-count rule.
    pub pages: PageRule,
    /// The bleed of the print PDF, in millimetres.
    pub bleed: f64,
    /// Whether the print PDF has crop marks.
    pub marks: bool,
    /// The edition: its name and languages (`zh`; `bo-zh`, Tibetan first).
    pub edition: Edition,
    /// The name of the document entry it is an edition of (its name for `zh`).
    pub base: String,
    /// The document's 1-based place among every document the configuration makes, whatever
    /// `--only` or `--edition` keep (its 件号 in an archive).
    pub number: usize,
    /// What it is written as, and for an image its pixel size.
    pub format: super::form::Format,
    /// An image document's width in pixels and largest byte size.
    pub pixels: Option<super::form::Pixels>,
    /// Margins that hold nothing a reader must see.
    pub safe: Option<super::form::Safe>,
    /// The least figure resolution in print and archive, when not 300 ppi.
    pub ppi: Option<f64>,
    /// The distance it is read from, in metres.
    pub reading_distance: Option<f64>,
}

/// An edition of a document: the languages it is set in, the first leading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edition {
    /// Its name, as in `editions:` (`zh`, `bo-zh`).
    pub name: String,
    /// Its languages in order (`["bo", "zh"]`).
    pub languages: Vec<String>,
}

/// The language facts are written in; its edition is every document's default.
pub const SOURCE_LANGUAGE: &str = "zh";

impl Edition {
    /// The edition called `name`: its languages are the parts between hyphens.
    pub fn new(name: &str) -> Self {
        Self { name: name.to_string(), languages: name.split('-').map(str::to_string).collect() }
    }

    /// Whether this is the source-language edition, written as the document's own name.
    pub fn is_source(&self) -> bool {
        self.name == SOURCE_LANGUAGE
    }

    /// The languages other than the source language, which need translations.
    pub fn translated(&self) -> impl Iterator<Item = &str> {
        self.languages.iter().map(String::as_str).filter(|l| *l != SOURCE_LANGUAGE)
    }
}

impl DocumentPlan {
    /// The bleed around the trim in `profile`, in millimetres: only print has one.
    pub fn bleed_mm(&self, profile: crate::profile::Profile) -> f64 {
        if profile == crate::profile::Profile::Print && !self.format.raster() { self.bleed } else { 0.0 }
    }

    /// Whether the document is made in `profile`: an image document for the screen (as
    /// its image) and in proofs (as a proof PDF), not for print or the archive.
    pub fn made_in(&self, profile: crate::profile::Profile) -> bool {
        use crate::profile::Profile;
        !self.format.raster() || matches!(profile, Profile::Screen | Profile::Proof)
    }
}

/// Expands the configured documents over their records and editions; `only` keeps the
/// documents with that name (all editions of it, or one: `leaflet-hubei.bo-zh`), `edition`
/// those of that edition.
pub fn documents(
    config: &ProjectConfig,
    facts: &Facts,
    only: &[String],
    edition: Option<&str>,
) -> Result<Vec<DocumentPlan>> {
    let plans = expand(config, facts)?;
    let plans: Vec<DocumentPlan> = match edition {
        None => plans,
        Some(name) => {
            let kept: Vec<DocumentPlan> = plans.iter().filter(|p| p.edition.name == name).cloned().collect();
            if kept.is_empty() {
                let mut known: Vec<&str> = plans.iter().map(|p| p.edition.name.as_str()).collect();
                known.sort();
                known.dedup();
                return Err(Error::Usage(format!(
                    "no document has the edition `{name}`; the editions are: {}",
                    known.join(", ")
                )));
            }
            kept
        }
    };
    select(plans, only)
}

/// Every document of the configuration, per record and edition.
fn expand(config: &ProjectConfig, facts: &Facts) -> Result<Vec<DocumentPlan>> {
    let mut plans = Vec::new();
    for doc in &config.documents {
        let records: Vec<Option<&str>> = match doc.each {
            Some(Collection::Province) => facts.provinces.iter().map(|p| Some(p.id.as_str())).collect(),
            None => vec![None],
        };
        for province in records {
            let figures: Vec<String> = facts
                .figures
                .iter()
                .filter(|f| match &doc.figures {
                    FigureSelection::All => true,
                    FigureSelection::None => false,
                    FigureSelection::Province => Some(f.province.as_str()) == province,
                    FigureSelection::List(ids) => ids.contains(&f.id),
                })
                .map(|f| f.id.clone())
                .collect();
            if let FigureSelection::List(ids) = &doc.figures
                && let Some(missing) = ids.iter().find(|id| !facts.figures.iter().any(|f| &f.id == *id))
            {
                return Err(Error::field(
                    crate::project::config::CONFIG_FILE,
                    format!("documents.{}.figures", doc.name),
                    format!("unknown figure `{missing}`; figures are listed in data/figures.yaml"),
                ));
            }
            let base = doc.name.replace("{province}", province.unwrap_or_default());
            for edition in doc.editions.iter().map(|e| Edition::new(e)) {
                plans.push(DocumentPlan {
                    name: if edition.is_source() { base.clone() } else { format!("{base}.{}", edition.name) },
                    template: doc.template.clone(),
                    trim: doc.trim,
                    province: province.map(str::to_owned),
                    figures: figures.clone(),
                    pages: doc.pages,
                    bleed: doc.bleed,
                    marks: doc.marks,
                    edition,
                    base: base.clone(),
                    number: plans.len() + 1,
                    format: doc.format,
                    pixels: doc.pixels,
                    safe: doc.safe,
                    ppi: doc.ppi,
                    reading_distance: doc.reading_distance,
                });
            }
        }
    }
    if let Some((a, _)) = plans.iter().enumerate().find(|(i, p)| plans[..*i].iter().any(|q| q.name == p.name))
    {
        return Err(Error::field(
            crate::project::config::CONFIG_FILE,
            "documents",
            format!("two documents are named `{}`; give each a distinct name", plans[a].name),
        ));
    }
    Ok(plans)
}

/// The plans `only` names, or all when it is empty. Each name keeps a document with all its
/// editions (`leaflet-hubei`) or one edition (`leaflet-hubei.bo-zh`); `*` in a name matches
/// any run of characters (`leaflet-*`). A name that matches nothing is an error.
fn select(plans: Vec<DocumentPlan>, only: &[String]) -> Result<Vec<DocumentPlan>> {
    if only.is_empty() {
        return Ok(plans);
    }
    let names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
    for name in only {
        if !plans.iter().any(|p| matches(name, &p.name) || matches(name, &p.base)) {
            return Err(Error::Usage(format!(
                "no document named `{name}`; the documents are: {}",
                names.join(", ")
            )));
        }
    }
    Ok(plans
        .into_iter()
        .filter(|p| only.iter().any(|name| matches(name, &p.name) || matches(name, &p.base)))
        .collect())
}

/// Whether `name` matches `pattern`, where `*` stands for any run of characters.
pub fn matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = name.strip_prefix(first) else { return false };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else { return rest.is_empty() };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn names_match_patterns_with_stars() {
        assert!(matches("leaflet-*", "leaflet-hubei"));
        assert!(matches("leaflet-*", "leaflet-hubei.bo-zh"));
        assert!(matches("*.bo-zh", "brochure.bo-zh"));
        assert!(matches("l*-h*i", "leaflet-hubei"));
        assert!(matches("brochure", "brochure"));
        assert!(!matches("brochure", "brochure.bo-zh"));
        assert!(!matches("leaflet-*", "brochure"));
        assert!(!matches("*-hunan", "leaflet-hubei"));
        assert!(!matches("a*a", "a"));
    }
}
