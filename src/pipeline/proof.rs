//! The proof profile's part of a job (see `yarlung proof`): where each fact prints (the page
//! map, read from the marks `templates/facts.typ` puts around printed facts), the pages as
//! PNG for the visual diff between rounds, and the proof marks laid over every page.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use typst::foundations::{Label, Selector, Value};
use typst::introspection::Introspector;
use typst::layout::{Abs, Point};
use typst::model::Document;
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

use super::compile::CompileContext;
use crate::error::{Error, Result};
use crate::figures::Placement;
use crate::profile::ProofMarks;
use crate::world::YarlungWorld;

/// The label of the mark before a printed fact (its value: the field path).
pub const FACT_LABEL: &str = "yarlung-fact";
/// The label of the mark after a printed fact.
pub const FACT_END_LABEL: &str = "yarlung-fact-end";
/// The height of the strip below each proof page that holds the round's stamp, in points.
pub const STRIP_PT: f64 = 26.0;
/// The resolution of the page images kept for the visual diff, in pixels per inch.
pub const PAGE_PPI: f32 = 60.0;

/// Where one fact prints on one page, in millimetres from the page's top left: the start
/// of its first line (`x`, `top`) and the top of its last line or the end of its block
/// (`bottom`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Place {
    /// The 1-based page.
    pub page: usize,
    /// From the left edge.
    pub x: f64,
    /// From the top edge, where it starts.
    pub top: f64,
    /// From the top edge, where its last line starts or its block ends.
    pub bottom: f64,
}

/// Every printed fact's places, by field path.
pub type PageMap = BTreeMap<String, Vec<Place>>;

/// Millimetres of `abs`, to a tenth.
fn mm(abs: Abs) -> f64 {
    (abs.to_mm() * 10.0).round() / 10.0
}

/// The positions of the marks labelled `label` in `document`, by field path, in order.
fn marks(document: &PagedDocument, label: &str) -> BTreeMap<String, Vec<(usize, Point)>> {
    let introspector = document.introspector();
    let mut out: BTreeMap<String, Vec<(usize, Point)>> = BTreeMap::new();
    let Some(label) = Label::new(PicoStr::intern(label)) else { return out };
    for content in introspector.query(&Selector::Label(label)) {
        let Some(meta) = content.to_packed::<typst::introspection::MetadataElem>() else { continue };
        let Value::Str(path) = &meta.value else { continue };
        let Some(at) = content.location().and_then(|l| introspector.position(l)) else {
            continue;
        };
        out.entry(path.to_string()).or_default().push((at.page.get(), at.point));
    }
    out
}

/// Where each marked fact of `document` prints.
pub fn page_map(document: &PagedDocument) -> PageMap {
    let ends = marks(document, FACT_END_LABEL);
    let mut map = PageMap::new();
    for (path, starts) in marks(document, FACT_LABEL) {
        let places = map.entry(path.clone()).or_default();
        let ends = ends.get(&path).map(Vec::as_slice).unwrap_or_default();
        for (i, &(page, start)) in starts.iter().enumerate() {
            let bottom = match ends.get(i) {
                Some(&(end_page, end)) if end_page == page => end.y.max(start.y),
                _ => start.y,
            };
            places.push(Place { page, x: mm(start.x), top: mm(start.y), bottom: mm(bottom) });
        }
    }
    map
}

/// The parameters of the marks' template (`proof.typ`), lengths in points.
#[derive(Serialize)]
struct Params<'a> {
    strip: f64,
    round: u32,
    date: &'a str,
    digest: &'a str,
    watermark: &'a str,
    pages: Vec<PageSize>,
    bars: Vec<Bar>,
    boxes: Vec<Frame>,
}

/// A page's size in points.
#[derive(Serialize)]
struct PageSize {
    width: f64,
    height: f64,
}

/// A change bar in the margin beside a changed text.
#[derive(Serialize)]
struct Bar {
    page: usize,
    x: f64,
    top: f64,
    bottom: f64,
}

/// A thin frame around a changed figure.
#[derive(Serialize)]
struct Frame {
    page: usize,
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

/// Points of `mm` millimetres.
fn pt(mm: f64) -> f64 {
    Abs::mm(mm).to_pt()
}

/// The change bars for the changed facts of `map`: just left of where the text starts, from
/// its first line to its last (a line's height added).
fn bars(marks: &ProofMarks, map: &PageMap) -> Vec<Bar> {
    let line = 11.0;
    let mut out = Vec::new();
    for (path, places) in map {
        if path.starts_with("figures.") && !path.contains(".caption") || !marks.marks(path) {
            continue;
        }
        for p in places {
            let x = (pt(p.x) - 5.0).max(4.0);
            out.push(Bar { page: p.page, x, top: pt(p.top) - 1.0, bottom: pt(p.bottom) + line });
        }
    }
    out
}

/// Lays the proof marks of `marks` over every page of `document`, each made taller by the
/// strip that holds the stamp: the watermark and stamp, bars beside the facts of `map`
/// that changed, frames around changed figures of `placements`.
pub fn overlay(
    ctx: &CompileContext,
    name: &str,
    document: &PagedDocument,
    marks: &ProofMarks,
    map: &PageMap,
    placements: &[Placement],
) -> Result<PagedDocument> {
    let boxes = placements
        .iter()
        .filter(|p| marks.marks(&format!("figures.{}", p.figure)))
        .map(|p| Frame { page: p.page, left: p.area[0], top: p.area[1], right: p.area[2], bottom: p.area[3] })
        .collect();
    let params = Params {
        strip: STRIP_PT,
        round: marks.round,
        date: &marks.date,
        digest: &marks.digest,
        watermark: &marks.watermark,
        pages: document
            .pages()
            .iter()
            .map(|p| PageSize { width: p.frame.width().to_pt(), height: p.frame.height().to_pt() })
            .collect(),
        bars: bars(marks, map),
        boxes,
    };
    let params = serde_json::to_vec(&params).map_err(|e| Error::internal("the proof marks", e))?;
    let generated = vec![
        ("/.yarlung/proof.typ".to_string(), include_bytes!("proof.typ").to_vec()),
        ("/.yarlung/proof.json".to_string(), params),
    ];
    let world = YarlungWorld::new(
        ctx.root,
        Path::new(".yarlung/proof.typ"),
        generated,
        ctx.fonts.clone(),
        ctx.date,
        None,
    )?;
    let over = typst::compile::<PagedDocument>(&world).output.map_err(|errors| Error::Document {
        name: format!("{name} (proof marks)"),
        message: errors.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "),
    })?;
    let mut pages: typst::ecow::EcoVec<_> = document.pages().iter().cloned().collect();
    for (page, marks) in pages.make_mut().iter_mut().zip(over.pages()) {
        let mut frame = typst::layout::Frame::hard(marks.frame.size());
        frame.push_frame(Point::zero(), std::mem::take(&mut page.frame));
        frame.push_frame(Point::zero(), marks.frame.clone());
        page.frame = frame;
    }
    Ok(PagedDocument::new(pages, document.info().clone()))
}

/// Each page of `document` as PNG at [`PAGE_PPI`], for the visual diff of rounds.
pub fn page_images(document: &PagedDocument) -> Result<Vec<Vec<u8>>> {
    document.pages().iter().map(|page| crate::raster::png(&crate::raster::render(page, PAGE_PPI))).collect()
}
