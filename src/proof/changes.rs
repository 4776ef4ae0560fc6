//! `yarlung changes`: what changed between two proof rounds (or a round and the inputs now):
//! every fact, translation and figure changed, with the documents and pages where it prints
//! before and after, and every page that looks different, with the facts changed on it (or
//! none: a template or layout change) and its visual diff in `out/proof/changes/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::diff;
use super::record::{Round, differing};
use crate::error::Result;
use crate::pipeline::proof::PAGE_PPI;
use crate::profile::ProofMarks;

/// The changes between two rounds.
#[derive(Debug, Serialize)]
pub struct Changes {
    /// The round compared from.
    pub from: u32,
    /// What it is compared with: `round N`, or `now`.
    pub to: String,
    /// The inputs' digests, before and after.
    pub inputs: (String, String),
    /// Facts changed, added or removed.
    pub facts: Vec<Change>,
    /// Translations whose text or state changed (key `<language>:<field path>`).
    pub translations: Vec<Change>,
    /// Figures whose file changed (`figures.<id>`).
    pub figures: Vec<Change>,
    /// Pages that look different.
    pub pages: Vec<PageChange>,
}

/// One changed fact, translation or figure.
#[derive(Debug, Serialize)]
pub struct Change {
    /// Its field path.
    pub field: String,
    /// Where it is written now (`file:line`), or was, when removed.
    pub at: String,
    /// Its value before (`None`: added).
    pub old: Option<String>,
    /// Its value after (`None`: removed).
    pub new: Option<String>,
    /// Where it prints, before and after.
    pub printed: Vec<Printed>,
}

/// The pages of one document where a field prints, before and after.
#[derive(Debug, Serialize)]
pub struct Printed {
    /// The document (with its edition: `brochure.bo-zh`).
    pub document: String,
    /// Its pages before.
    pub before: Vec<usize>,
    /// Its pages after.
    pub after: Vec<usize>,
}

/// A page that looks different.
#[derive(Debug, Serialize)]
pub struct PageChange {
    /// The document.
    pub document: String,
    /// The page (1-based).
    pub page: usize,
    /// The changed fields printed on it, before or after; empty: nothing of the facts
    /// changed here (a template edit, or text moved by a change elsewhere).
    pub fields: Vec<String>,
    /// The regions that changed, in millimetres from the top left: left, top, right, bottom.
    pub regions: Vec<[f64; 4]>,
    /// The old and new page side by side, regions outlined (relative to the project root).
    pub diff: String,
}

/// The pages of each document of `round` where `field` prints.
fn pages_of(round: &Round, field: &str) -> BTreeMap<String, Vec<usize>> {
    let probe = ProofMarks { changed: vec![field.to_string()], ..ProofMarks::default() };
    let mut out = BTreeMap::new();
    for document in &round.documents {
        let mut pages: Vec<usize> = document
            .page_map
            .iter()
            .filter(|(path, _)| probe.marks(path))
            .flat_map(|(_, places)| places.iter().map(|p| p.page))
            .collect();
        pages.sort_unstable();
        pages.dedup();
        if !pages.is_empty() {
            out.insert(document.name.clone(), pages);
        }
    }
    out
}

/// Where `field` prints in `from` and in `to`.
fn printed(from: &Round, to: &Round, field: &str) -> Vec<Printed> {
    let (mut before, mut after) = (pages_of(from, field), pages_of(to, field));
    let mut names: Vec<String> = before.keys().chain(after.keys()).cloned().collect();
    names.sort();
    names.dedup();
    names
        .into_iter()
        .map(|document| Printed {
            before: before.remove(&document).unwrap_or_default(),
            after: after.remove(&document).unwrap_or_default(),
            document,
        })
        .collect()
}

/// The changes from round `from` to `to` (`to_label`: `round N` or `now`); the changed
/// pages' visual diffs are written to `changes_dir`, named relative to `root`.
pub fn compare(root: &Path, from: &Round, to: &Round, to_label: &str, changes_dir: &Path) -> Result<Changes> {
    let change = |field: &str, at: String, old: Option<String>, new: Option<String>| Change {
        printed: printed(from, to, field),
        field: field.to_string(),
        at,
        old,
        new,
    };
    let facts = differing(&from.facts, &to.facts, |a, b| a.value == b.value)
        .iter()
        .map(|f| {
            let (old, new) = (from.facts.get(f), to.facts.get(f));
            let at = new.or(old).map(|x| x.at.clone()).unwrap_or_default();
            change(f, at, old.map(|x| x.value.clone()), new.map(|x| x.value.clone()))
        })
        .collect();
    let mut translations = Vec::new();
    let mut languages: Vec<&String> = from.translations.keys().chain(to.translations.keys()).collect();
    languages.sort();
    languages.dedup();
    let empty = BTreeMap::new();
    for language in languages {
        let (a, b) = (
            from.translations.get(language).unwrap_or(&empty),
            to.translations.get(language).unwrap_or(&empty),
        );
        for key in differing(a, b, |x, y| x.text == y.text && x.state == y.state) {
            let (old, new) = (a.get(&key), b.get(&key));
            let at = new.or(old).map(|x| x.at.clone()).unwrap_or_default();
            let show = |t: &super::record::Translation| format!("{} [{}]", t.text, t.state);
            let mut c = change(&key, at, old.map(show), new.map(show));
            c.field = format!("{language}:{key}");
            // A translation prints only in the editions of its language (`.bo-zh`).
            c.printed.retain(|p| {
                p.document.rsplit_once('.').is_some_and(|(_, e)| e.split('-').any(|l| l == language))
            });
            translations.push(c);
        }
    }
    let figures = differing(&from.figures, &to.figures, |a, b| a.sha256 == b.sha256)
        .iter()
        .map(|id| {
            let (old, new) = (from.figures.get(id), to.figures.get(id));
            let at = new.or(old).map(|x| x.path.clone()).unwrap_or_default();
            let show = |f: &super::record::FigureFile| {
                format!("{} (SHA-256 {})", f.path, &f.sha256[..f.sha256.len().min(12)])
            };
            change(&format!("figures.{id}"), at, old.map(show), new.map(show))
        })
        .collect();
    let mut changes = Changes {
        from: from.round,
        to: to_label.to_string(),
        inputs: (from.inputs_digest.clone(), to.inputs_digest.clone()),
        facts,
        translations,
        figures,
        pages: vec![],
    };
    changes.pages = pages(root, from, to, &changes, changes_dir)?;
    Ok(changes)
}

/// The pages of the documents of `from` and `to` that look different, their visual diffs
/// written to `dir`.
fn pages(root: &Path, from: &Round, to: &Round, changes: &Changes, dir: &Path) -> Result<Vec<PageChange>> {
    let mut out = Vec::new();
    let changed: Vec<&Change> =
        changes.facts.iter().chain(&changes.translations).chain(&changes.figures).collect();
    for new in &to.documents {
        let Some(old) = from.documents.iter().find(|d| d.name == new.name) else { continue };
        for page in 1..=old.pages.max(new.pages) {
            let (a, b) =
                (page_image(root, &old.pdf, &old.name, page), page_image(root, &new.pdf, &new.name, page));
            let (a, b) = match (a, b) {
                (Some(a), Some(b)) => (a, b),
                (a, b) => {
                    let blank = image::RgbaImage::from_pixel(1, 1, image::Rgba([255, 255, 255, 255]));
                    (a.unwrap_or_else(|| blank.clone()), b.unwrap_or(blank))
                }
            };
            let regions = diff::regions(&a, &b);
            if regions.is_empty() {
                continue;
            }
            let name = format!("{}-{page}.png", new.name);
            let path = dir.join(&name);
            crate::raster::write_png(&path, &diff::side_by_side(&a, &b, &regions))?;
            let on_page = |c: &&&Change| {
                c.printed
                    .iter()
                    .any(|p| p.document == new.name && (p.before.contains(&page) || p.after.contains(&page)))
            };
            let px = |v: u32| (f64::from(v) * 25.4 / f64::from(PAGE_PPI) * 10.0).round() / 10.0;
            out.push(PageChange {
                document: new.name.clone(),
                page,
                fields: changed.iter().filter(on_page).map(|c| c.field.clone()).collect(),
                regions: regions.iter().map(|r| [px(r[0]), px(r[1]), px(r[2]), px(r[3])]).collect(),
                diff: crate::project::display_path(&path, root),
            });
        }
    }
    Ok(out)
}

/// The page image of page `page` of the proof `pdf` (relative to `root`), if it was kept.
fn page_image(root: &Path, pdf: &str, name: &str, page: usize) -> Option<image::RgbaImage> {
    let dir: PathBuf = root.join(pdf).parent()?.join("pages");
    image::open(dir.join(format!("{name}-{page}.png"))).ok().map(|i| i.to_rgba8())
}

impl Changes {
    /// The report as a table for the terminal.
    pub fn table(&self) -> String {
        let mut out = format!(
            "changes from round {} to {} (inputs {} → {})\n",
            self.from,
            self.to,
            &self.inputs.0[..8.min(self.inputs.0.len())],
            &self.inputs.1[..8.min(self.inputs.1.len())]
        );
        for (title, list) in
            [("facts", &self.facts), ("translations", &self.translations), ("figures", &self.figures)]
        {
            out += &format!("\n{title} ({})\n", list.len());
            for c in list {
                let none = || "—".to_string();
                out += &format!("  {}  ({})\n", c.field, c.at);
                out += &format!(
                    "    {} → {}\n",
                    c.old.clone().unwrap_or_else(none),
                    c.new.clone().unwrap_or_else(none)
                );
                for p in &c.printed {
                    out +=
                        &format!("    {}: {} → {}\n", p.document, page_list(&p.before), page_list(&p.after));
                }
            }
        }
        out += &format!("\npages that look different ({})\n", self.pages.len());
        for p in &self.pages {
            let why = if p.fields.is_empty() {
                "no fact changed here (a template edit, or text moved by a change elsewhere)".to_string()
            } else {
                p.fields.join(", ")
            };
            out += &format!("  {} p. {}: {why}\n    {}\n", p.document, p.page, p.diff);
        }
        out
    }
}

/// `p. 3, 7`, or `not printed`.
fn page_list(pages: &[usize]) -> String {
    if pages.is_empty() {
        return "not printed".into();
    }
    format!("p. {}", pages.iter().map(ToString::to_string).collect::<Vec<_>>().join(", "))
}
