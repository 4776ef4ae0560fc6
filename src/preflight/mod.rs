//! Preflight: what a print shop would reject, found in the laid-out pages before the PDF is
//! written — characters without a glyph, figures below the profile's resolution, page counts
//! that break the page rule, text outside the trim or on a leaflet's folds, unused figure
//! files, and Typst's own warnings. `yarlung check` and every build run it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use typst::WorldExt;
use typst::diag::{Severity as TypstSeverity, SourceDiagnostic};
use typst::foundations::{Label, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::layout::{Abs, FrameItem, Point, Transform};
use typst::syntax::{DiagSpan, Span};
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

mod ink;
mod large;
pub mod translations;

pub use crate::finding::{Check, Finding, Severity, json, table};

use crate::figures::{self, Placement, frames};
use crate::press::Press;
use crate::profile::Profile;
use crate::project::plan::DocumentPlan;
use crate::world::YarlungWorld;

/// A document's laid-out pages as preflight reads them.
pub struct Pages<'a> {
    /// The pages, with their figures in place.
    pub document: &'a PagedDocument,
    /// The World they were compiled in (to name a span's file and line).
    pub world: &'a YarlungWorld,
    /// Typst's warnings.
    pub warnings: &'a [SourceDiagnostic],
    /// How the page count breaks the document's page rule, if it does.
    pub violation: Option<&'a str>,
    /// Where the figures are drawn.
    pub placements: &'a [Placement],
    /// The figures put into the PDF after export (their ink is checked).
    pub embeds: &'a [crate::pdf::embed::Embed],
}

/// Where a finding of a document belongs.
struct Context<'a> {
    /// The document's name.
    name: &'a str,
    /// Its profile.
    profile: Profile,
}

impl Context<'_> {
    /// A finding about this document.
    fn finding(
        &self,
        severity: Severity,
        check: Check,
        page: Option<usize>,
        what: String,
        fix: &str,
    ) -> Finding {
        Finding {
            severity,
            check,
            document: Some(self.name.to_string()),
            profile: Some(self.profile),
            page,
            what,
            fix: fix.to_string(),
            field: None,
            area: None,
        }
    }
}

/// Checks one compiled document. `facts` are the facts files (root-relative) searched for
/// characters without a glyph; `root` is the project root; print's ink is checked against
/// `press`.
pub fn document(
    root: &Path,
    facts: &[PathBuf],
    plan: &DocumentPlan,
    profile: Profile,
    pages: &Pages,
    press: &Press,
) -> Vec<Finding> {
    let compiled = pages;
    let cx = Context { name: &plan.name, profile };
    let mut out = Vec::new();
    if let Some(problem) = compiled.violation {
        out.push(cx.finding(
            Severity::Error,
            Check::PageCount,
            None,
            problem.to_string(),
            "add or remove content (or pages) in the template or facts until the page rule holds",
        ));
    }
    overfull(&cx, plan, facts, compiled, !pages.placements.is_empty(), &mut out);
    missing_glyphs(&cx, root, facts, compiled, &mut out);
    text_boxes(&cx, plan, compiled, &mut out);
    resolution(&cx, plan.ppi, pages.placements, &mut out);
    large::check(&cx, plan, compiled.document, &mut out);
    if profile == Profile::Print {
        ink::check(&cx, pages, press, &mut out);
    }
    for warning in compiled.warnings {
        let at = locate(compiled.world, warning.span)
            .map(|(file, line)| format!("{file}:{line}: "))
            .unwrap_or_default();
        let hints: Vec<&str> = warning.hints.iter().map(|h| h.v.as_str()).collect();
        out.push(cx.finding(
            if warning.severity == TypstSeverity::Error { Severity::Error } else { Severity::Warning },
            Check::TypstWarning,
            None,
            format!("{at}{}", warning.message),
            &if hints.is_empty() { "see the Typst warning printed above".into() } else { hints.join("; ") },
        ));
    }
    out
}

/// The label of the metadata a template places when facts do not fit even at its smallest
/// type level: a dictionary with `panel` (where) and `over-mm` (by how much).
pub const OVERFULL_LABEL: &str = "yarlung-overfull";

/// Facts that do not fit the document even at the template's smallest type: one error,
/// naming the facts file of the document's province and how much is over.
fn overfull(
    cx: &Context,
    plan: &DocumentPlan,
    facts: &[PathBuf],
    compiled: &Pages,
    has_figures: bool,
    out: &mut Vec<Finding>,
) {
    let Some(label) = Label::new(PicoStr::intern(OVERFULL_LABEL)) else { return };
    let introspector = compiled.document.introspector();
    if let Ok(content) = introspector.query_label(label) {
        let Some(metadata) = content.to_packed::<MetadataElem>() else { return };
        let Value::Dict(dict) = &metadata.value else { return };
        let panel = match dict.get("panel") {
            Ok(Value::Str(text)) => Some(text.to_string()),
            _ => None,
        };
        let over = match dict.get("over-mm") {
            Ok(Value::Float(mm)) => *mm,
            Ok(Value::Int(mm)) => *mm as f64,
            _ => 0.0,
        };
        let file = plan
            .province
            .as_deref()
            .and_then(|id| facts.iter().find(|f| f.file_stem().and_then(|s| s.to_str()) == Some(id)))
            .map_or_else(|| "the facts".to_string(), |f| f.display().to_string());
        let place = panel.map(|p| format!(" ({p})")).unwrap_or_default();
        // The document's figures take room too: their captions live in the figures file.
        let captions = facts
            .iter()
            .find(|f| has_figures && f.file_name().is_some_and(|n| n == "figures.yaml"))
            .map(|f| format!(", the captions of its figures in {}", f.display()))
            .unwrap_or_default();
        out.push(cx.finding(
            Severity::Error,
            Check::Overfull,
            None,
            format!("the facts in {file} do not fit{place} even at the smallest type: {over:.0} mm too much"),
            &format!("shorten the summary or highlights in that file{captions}, or keep fewer metrics for this document"),
        ));
    }
}

/// Characters drawn with the "no glyph" glyph: one error per character and page.
fn missing_glyphs(cx: &Context, root: &Path, facts: &[PathBuf], compiled: &Pages, out: &mut Vec<Finding>) {
    let mut seen: BTreeMap<(usize, char), Span> = BTreeMap::new();
    for (i, page) in compiled.document.pages().iter().enumerate() {
        frames::walk(&page.frame, Transform::identity(), &mut |item, _| {
            let FrameItem::Text(text) = item else { return };
            for glyph in text.glyphs.iter().filter(|g| g.id == 0) {
                let Some(c) = text.text.get(glyph.range()).and_then(|s| s.chars().next()) else { continue };
                if !c.is_whitespace() && !c.is_control() {
                    seen.entry((i + 1, c)).or_insert(glyph.span.0);
                }
            }
        });
    }
    let mut values: Option<Vec<(PathBuf, serde_json::Value)>> = None;
    for ((page, c), span) in seen {
        let values = values.get_or_insert_with(|| load_facts(root, facts));
        let mut places = Vec::new();
        for (file, value) in values.iter() {
            search(value, c, String::new(), &mut |field| {
                places.push(format!("{} field `{field}`", file.display()));
            });
        }
        let source = locate(compiled.world, span).map(|(file, line)| format!("{file}:{line}"));
        let from = match (places.is_empty(), source) {
            (false, _) => format!(" (from {})", places.join(", ")),
            (true, Some(source)) => format!(" (from {source})"),
            (true, None) => String::new(),
        };
        out.push(cx.finding(
            Severity::Error,
            Check::MissingGlyph,
            Some(page),
            format!(
                "character `{c}` (U+{:04X}) has no glyph in any font and prints as nothing{from}",
                c as u32
            ),
            "replace the character, or add a font that has it with --font-path",
        ));
    }
}

/// The facts files as generic values, for searching.
fn load_facts(root: &Path, facts: &[PathBuf]) -> Vec<(PathBuf, serde_json::Value)> {
    facts
        .iter()
        .filter_map(|file| {
            let bytes = std::fs::read(root.join(file)).ok()?;
            Some((file.clone(), crate::project::yaml::parse::<serde_json::Value>(file, &bytes).ok()?))
        })
        .collect()
}

/// Calls `found` with the field path of every string in `value` that contains `c`.
fn search(value: &serde_json::Value, c: char, path: String, found: &mut impl FnMut(&str)) {
    match value {
        serde_json::Value::String(s) if s.contains(c) => found(if path.is_empty() { "." } else { &path }),
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                search(item, c, format!("{path}[{i}]"), found);
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                let path = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                search(item, c, path, found);
            }
        }
        _ => {}
    }
}

/// The file and 1-based line of `span`, when it lies in a source file.
fn locate(world: &YarlungWorld, span: impl Into<DiagSpan>) -> Option<(String, usize)> {
    let span: DiagSpan = span.into();
    let id = span.id()?;
    let range = world.range(span)?;
    let source = typst::World::source(world, id).ok()?;
    let line = source.lines().byte_to_line(range.start)? + 1;
    Some((id.vpath().get_without_slash().to_string(), line))
}

/// The distance text keeps from a leaflet's folds.
const FOLD_MARGIN_MM: f64 = 5.0;

/// The fold lines of a tri-fold leaflet (A4 landscape, two pages) in millimetres from the
/// trim's left edge, per page: panels 97|100|100 outside and 100|100|97 inside.
fn folds(plan: &DocumentPlan) -> Option<[[f64; 2]; 2]> {
    let leaflet = plan.pages.exactly == Some(2)
        && (plan.trim.width - 297.0).abs() < 0.5
        && (plan.trim.height - 210.0).abs() < 0.5;
    leaflet.then_some([[97.0, 197.0], [100.0, 200.0]])
}

/// Text whose glyph boxes leave the trim or come within [`FOLD_MARGIN_MM`] of a fold: one
/// finding per page and kind, quoting the first text.
fn text_boxes(cx: &Context, plan: &DocumentPlan, compiled: &Pages, out: &mut Vec<Finding>) {
    let folds = folds(plan);
    for (i, page) in compiled.document.pages().iter().enumerate() {
        let size = page.frame.size();
        // A page as tall as its content (a long image) has no trim height of its own.
        let tall = plan.pixels.is_some_and(|p| p.auto_height);
        let (tw, th) = (Abs::mm(plan.trim.width), if tall { size.y } else { Abs::mm(plan.trim.height) });
        let (left, top) = ((size.x - tw) / 2.0, (size.y - th) / 2.0);
        let tolerance = Abs::pt(0.5);
        let mut outside: Option<(String, [f64; 4])> = None;
        let mut on_fold: Option<(String, f64, [f64; 4])> = None;
        frames::walk(&page.frame, Transform::identity(), &mut |item, ts| {
            let FrameItem::Text(text) = item else { return };
            let metrics = text.font.metrics();
            let (ascent, descent) = (metrics.ascender.at(text.size), metrics.descender.at(text.size));
            let mut x = Abs::zero();
            for glyph in &text.glyphs {
                let advance = glyph.x_advance.at(text.size);
                let start = x + glyph.x_offset.at(text.size);
                x += advance;
                let chunk = text.text.get(glyph.range()).unwrap_or_default();
                if advance <= Abs::zero() || chunk.chars().all(char::is_whitespace) {
                    continue;
                }
                let corners = [
                    Point::new(start, -ascent),
                    Point::new(start + advance, -ascent),
                    Point::new(start, -descent),
                    Point::new(start + advance, -descent),
                ]
                .map(|p| p.transform(ts));
                let min_x = corners.iter().map(|p| p.x).fold(Abs::inf(), Abs::min) - left;
                let max_x = corners.iter().map(|p| p.x).fold(-Abs::inf(), Abs::max) - left;
                let min_y = corners.iter().map(|p| p.y).fold(Abs::inf(), Abs::min) - top;
                let max_y = corners.iter().map(|p| p.y).fold(-Abs::inf(), Abs::max) - top;
                if outside.is_none()
                    && (min_x < -tolerance
                        || min_y < -tolerance
                        || max_x > tw + tolerance
                        || max_y > th + tolerance)
                {
                    let area = [min_x.to_pt(), min_y.to_pt(), max_x.to_pt(), max_y.to_pt()];
                    outside = Some((text.text.to_string(), area));
                }
                if let Some(lines) = folds.and_then(|f| f.get(i).copied())
                    && on_fold.is_none()
                {
                    let near = lines.iter().find(|&&fold| {
                        min_x.to_mm() < fold + FOLD_MARGIN_MM && max_x.to_mm() > fold - FOLD_MARGIN_MM
                    });
                    if let Some(&fold) = near {
                        let area = [min_x.to_pt(), min_y.to_pt(), max_x.to_pt(), max_y.to_pt()];
                        on_fold = Some((text.text.to_string(), fold, area));
                    }
                }
            }
        });
        if let Some((text, area)) = outside {
            out.push(
                cx.finding(
                    Severity::Error,
                    Check::OutsideTrim,
                    Some(i + 1),
                    format!("text runs outside the trim: “{}”", excerpt(&text)),
                    "shorten the text or move it inside the page; only images and backgrounds may bleed",
                )
                .with_area(area),
            );
        }
        if let Some((text, fold, area)) = on_fold {
            out.push(
                cx.finding(
                    Severity::Warning,
                    Check::FoldMargin,
                    Some(i + 1),
                    format!(
                        "text comes within {FOLD_MARGIN_MM} mm of the fold at {fold} mm: “{}”",
                        excerpt(&text)
                    ),
                    "keep text at least 5 mm from the folds, inside its panel",
                )
                .with_area(area),
            );
        }
    }
}

/// The first characters of `text`, for a message.
fn excerpt(text: &str) -> String {
    let mut short: String = text.chars().take(24).collect();
    if text.chars().count() > 24 {
        short.push('…');
    }
    short
}

/// Figures drawn below the profile's minimum resolution (or the document's `ppi`): one
/// warning per figure, at its largest placement.
fn resolution(cx: &Context, ppi: Option<f64>, placements: &[Placement], out: &mut Vec<Finding>) {
    let minimum = figures::least_ppi(cx.profile, ppi);
    let mut worst: BTreeMap<&str, &Placement> = BTreeMap::new();
    for placement in placements {
        let entry = worst.entry(&placement.figure).or_insert(placement);
        if placement.ppi() < entry.ppi() {
            *entry = placement;
        }
    }
    for placement in worst.values() {
        let ppi = placement.ppi();
        if ppi + 0.5 >= minimum {
            continue;
        }
        let (w, h) = placement.mm();
        let need = (w / 25.4 * minimum).ceil();
        out.push(cx.finding(
            Severity::Warning,
            Check::LowResolution,
            Some(placement.page),
            format!(
                "figure `{}` has {ppi:.0} ppi at its placed size {w:.0} × {h:.0} mm ({} × {} px); {} needs {minimum:.0} ppi",
                placement.figure,
                placement.pixels.0,
                placement.pixels.1,
                cx.profile.name()
            ),
            &format!("use an image at least {need:.0} px wide for this figure"),
        ).with_area(placement.area)
        .with_field(format!("figures.{}", placement.figure)));
    }
}
