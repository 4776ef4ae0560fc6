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
}

impl DocumentPlan {
    /// The bleed around the trim in `profile`, in millimetres: only print has one.
    pub fn bleed_mm(&self, profile: crate::profile::Profile) -> f64 {
        if profile == crate::profile::Profile::Print { self.bleed } else { 0.0 }
    }
}

/// Expands the configured documents; `only` keeps the one with that name.
pub fn documents(config: &ProjectConfig, facts: &Facts, only: Option<&str>) -> Result<Vec<DocumentPlan>> {
    let mut plans = Vec::new();
    for doc in &config.documents {
        let records: Vec<Option<&str>> = match doc.each {
            Some(Collection::Province) => facts.provinces.iter().map(|p| Some(p.id.as_str())).collect(),
            None => vec![None],
        };
        for province in records {
            let figures = facts
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
            plans.push(DocumentPlan {
                name: doc.name.replace("{province}", province.unwrap_or_default()),
                template: doc.template.clone(),
                trim: doc.trim,
                province: province.map(str::to_owned),
                figures,
                pages: doc.pages,
                bleed: doc.bleed,
                marks: doc.marks,
            });
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
    match only {
        None => Ok(plans),
        Some(name) => {
            let names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
            let kept: Vec<DocumentPlan> = plans.iter().filter(|p| p.name == name).cloned().collect();
            if kept.is_empty() {
                return Err(Error::Usage(format!(
                    "no document named `{name}`; the documents are: {}",
                    names.join(", ")
                )));
            }
            Ok(kept)
        }
    }
}
