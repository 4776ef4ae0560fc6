//! Preflight of large formats and images: key content and text kept out of the margins a
//! stand hides (`safe:`), type large enough for the reading distance (`reading-distance:`)
//! and, for an image document, text large enough in pixels.

use typst::foundations::{Label, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::layout::{Abs, FrameItem, Point, Transform};
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

use super::{Context, excerpt};
use crate::figures::frames;
use crate::finding::{Check, Finding, Severity};
use crate::project::form::Safe;
use crate::project::plan::DocumentPlan;

/// The label templates put at the corners of content that must be seen: a dictionary with
/// `part` and `edge` (`start`: top left, `end`: bottom right).
pub const KEY_LABEL: &str = "yarlung-key-content";
/// Text smaller than this many points per metre of reading distance cannot be read from
/// there (a capital about 2 mm high per metre).
pub const LEGIBLE_PT_PER_METRE: f64 = 8.0;
/// Text smaller than this many pixels is hard to read on a phone.
pub const LEGIBLE_PX: f64 = 24.0;

/// Every check of this module that `plan` asks for.
pub(super) fn check(cx: &Context, plan: &DocumentPlan, document: &PagedDocument, out: &mut Vec<Finding>) {
    if let Some(safe) = plan.safe {
        keys_in_margins(cx, &safe, document, out);
        text_in_margins(cx, &safe, document, out);
    }
    if let Some(metres) = plan.reading_distance {
        let least = LEGIBLE_PT_PER_METRE * metres;
        small_text(cx, document, least, out, |size, at| {
            format!("{size:.1} pt text cannot be read from {metres} m (at least {least:.0} pt): “{at}”")
        });
    }
    if let Some(pixels) = plan.pixels {
        let scale = |page: f64| f64::from(pixels.width) / page;
        let width = document.pages().first().map_or(1.0, |p| p.frame.width().to_pt());
        let least = LEGIBLE_PX / scale(width);
        small_text(cx, document, least, out, |size, at| {
            format!(
                "text {:.0} px high is hard to read on a phone (at least {LEGIBLE_PX:.0} px): “{at}”",
                size * scale(width)
            )
        });
    }
}

/// Key content whose corners lie in the margins `safe` keeps free: an error naming the part.
fn keys_in_margins(cx: &Context, safe: &Safe, document: &PagedDocument, out: &mut Vec<Finding>) {
    let Some(label) = Label::new(PicoStr::intern(KEY_LABEL)) else { return };
    let introspector = document.introspector();
    for content in introspector.query(&typst::foundations::Selector::Label(label)) {
        let Some(meta) = content.to_packed::<MetadataElem>() else { continue };
        let Value::Dict(dict) = &meta.value else { continue };
        let text =
            |key: &str| dict.get(key).ok().and_then(|v| v.clone().cast::<String>().ok()).unwrap_or_default();
        let Some(at) = content.location().and_then(|l| introspector.position(l)) else { continue };
        let Some(page) = document.pages().get(at.page.get() - 1) else { continue };
        let (x, y) = (at.point.x.to_mm(), at.point.y.to_mm());
        let (w, h) = (page.frame.width().to_mm(), page.frame.height().to_mm());
        let place = match text("edge").as_str() {
            "start" if y < safe.top - 0.5 => Some(format!("top {} mm", safe.top)),
            "start" if x < safe.left - 0.5 => Some(format!("left {} mm", safe.left)),
            "end" if y > h - safe.bottom + 0.5 => Some(format!("bottom {} mm", safe.bottom)),
            "end" if x > w - safe.right + 0.5 => Some(format!("right {} mm", safe.right)),
            _ => None,
        };
        if let Some(place) = place {
            out.push(cx.finding(
                Severity::Error,
                Check::UnsafeZone,
                Some(at.page.get()),
                format!("`{}` reaches into the {place} the stand hides", text("part")),
                "move it into the safe area, or change `safe:` if this stand hides less",
            ));
        }
    }
}

/// Text in the margins `safe` keeps free: an error per page quoting the first.
fn text_in_margins(cx: &Context, safe: &Safe, document: &PagedDocument, out: &mut Vec<Finding>) {
    for (i, page) in document.pages().iter().enumerate() {
        let (w, h) = (page.frame.width(), page.frame.height());
        let free = [Abs::mm(safe.left), Abs::mm(safe.top), w - Abs::mm(safe.right), h - Abs::mm(safe.bottom)];
        let mut first: Option<String> = None;
        frames::walk(&page.frame, Transform::identity(), &mut |item, ts| {
            let FrameItem::Text(text) = item else { return };
            if first.is_some() || text.text.trim().is_empty() {
                return;
            }
            let size = text.size;
            let corners = [Point::new(Abs::zero(), -size * 0.8), Point::new(text.width(), size * 0.2)]
                .map(|p| p.transform(ts));
            let outside =
                corners.iter().any(|p| p.x < free[0] || p.y < free[1] || p.x > free[2] || p.y > free[3]);
            if outside {
                first = Some(text.text.to_string());
            }
        });
        if let Some(text) = first {
            out.push(cx.finding(
                Severity::Error,
                Check::UnsafeZone,
                Some(i + 1),
                format!("text lies in the margins the stand hides: “{}”", excerpt(&text)),
                "keep text inside the safe area (`safe:` in yarlung.yaml)",
            ));
        }
    }
}

/// Text smaller than `least` points: one warning per page, with the smallest.
fn small_text(
    cx: &Context,
    document: &PagedDocument,
    least: f64,
    out: &mut Vec<Finding>,
    what: impl Fn(f64, &str) -> String,
) {
    for (i, page) in document.pages().iter().enumerate() {
        let mut smallest: Option<(f64, String)> = None;
        frames::walk(&page.frame, Transform::identity(), &mut |item, ts| {
            let FrameItem::Text(text) = item else { return };
            if text.text.trim().is_empty() {
                return;
            }
            let size = text.size.to_pt() * ts.sy.get().abs().max(ts.sx.get().abs());
            if size + 0.05 < least && smallest.as_ref().is_none_or(|(s, _)| size < *s) {
                smallest = Some((size, text.text.to_string()));
            }
        });
        if let Some((size, text)) = smallest {
            out.push(cx.finding(
                Severity::Warning,
                Check::SmallType,
                Some(i + 1),
                what(size, &excerpt(&text)),
                "set it larger in the template (sizes derive from the trim)",
            ));
        }
    }
}
