//! Ink on the print PDF's pages, read from the laid-out frames and the figures' recorded
//! coverage: colours beyond the ink limit, small text in rich black (registration makes it
//! blur), and RGB colours a template set, which have no place in a CMYK print file.

use typst::foundations::Repr;
use typst::layout::{Abs, FrameItem, Transform};
use typst::syntax::Span;
use typst::visualize::{Color, Paint, ProcessColor};

use super::{Check, Context, Finding, Pages, Severity, excerpt, locate};
use crate::press::Press;

/// Text below this size must print on one plate (K) when it is black or grey.
const SMALL_TEXT_PT: f64 = 12.0;

/// What a colour is, as print sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ink {
    /// Grey or CMYK, with its total area coverage (per cent) and whether it is a black or
    /// grey made of more than the black plate.
    Press { coverage: f64, rich_black: bool },
    /// An RGB-like colour (RGB, linear RGB, Oklab, Oklch, HSL, HSV).
    Rgb,
    /// A spot colour: its own plate.
    Spot,
}

/// How `color` prints.
fn ink(color: &Color) -> Ink {
    match color {
        Color::Spot(_) => Ink::Spot,
        Color::Process(ProcessColor::Luma(luma)) => {
            Ink::Press { coverage: f64::from(1.0 - luma.luma) * 100.0, rich_black: false }
        }
        Color::Process(ProcessColor::Cmyk(c)) => {
            let colour = [c.c, c.m, c.y];
            let (lo, hi) = colour.iter().fold((1f32, 0f32), |(lo, hi), &v| (lo.min(v), hi.max(v)));
            // Neutral CMY under black, or any colour under heavy black: a rich black or grey.
            let rich_black = hi > 0.02 && ((c.k > 0.02 && hi - lo < 0.15) || c.k >= 0.7);
            let coverage = f64::from(c.c + c.m + c.y + c.k) * 100.0;
            Ink::Press { coverage, rich_black }
        }
        Color::Process(_) => Ink::Rgb,
    }
}

/// The colours of `paint`: one, or a gradient's stops (tilings draw frames of their own).
fn colours(paint: &Paint) -> Vec<Color> {
    match paint {
        Paint::Solid(color) => vec![color.clone()],
        Paint::Gradient(gradient) => gradient.stops_ref().iter().map(|(c, _)| c.clone()).collect(),
        Paint::Tiling(_) => vec![],
    }
}

/// One drawn thing: what it is (for messages), its colours, its size if it is text, its span.
struct Mark {
    what: String,
    colours: Vec<Color>,
    text_size: Option<Abs>,
    span: Span,
}

/// The marks of a frame item.
fn marks(item: &FrameItem) -> Vec<Mark> {
    match item {
        FrameItem::Text(text) => {
            let mut colours = colours(&text.fill);
            if let Some(stroke) = &text.stroke {
                colours.extend(self::colours(&stroke.paint));
            }
            let span = text.glyphs.first().map(|g| g.span.0).unwrap_or_else(Span::detached);
            vec![Mark {
                what: format!("text “{}”", excerpt(&text.text)),
                colours,
                text_size: Some(text.size),
                span,
            }]
        }
        FrameItem::Shape(shape, span) => {
            let mut colours = shape.fill.as_ref().map(self::colours).unwrap_or_default();
            if let Some(stroke) = &shape.stroke {
                colours.extend(self::colours(&stroke.paint));
            }
            vec![Mark { what: "a shape".into(), colours, text_size: None, span: *span }]
        }
        _ => vec![],
    }
}

/// Everything drawn on `page`, its fill first.
fn page_marks(page: &typst_layout::Page) -> Vec<Mark> {
    let mut out = Vec::new();
    if let typst::foundations::Smart::Custom(Some(fill)) = &page.fill {
        out.push(Mark {
            what: "the page fill".into(),
            colours: colours(fill),
            text_size: None,
            span: Span::detached(),
        });
    }
    crate::figures::frames::walk(&page.frame, Transform::identity(), &mut |item, _| out.extend(marks(item)));
    out
}

/// Checks the ink of a print document's pages and figures against `press`.
pub(super) fn check(cx: &Context, pages: &Pages, press: &Press, out: &mut Vec<Finding>) {
    let compiled = pages;
    let limit = press.ink_limit;
    for (i, page) in compiled.document.pages().iter().enumerate() {
        // One finding per page and kind: the first mark shows where.
        let mut rgb = None;
        let mut heavy = None;
        let mut small = None;
        for mark in page_marks(page) {
            for colour in &mark.colours {
                match ink(colour) {
                    Ink::Rgb => {
                        rgb.get_or_insert_with(|| (mark.what.clone(), colour.clone(), mark.span));
                    }
                    Ink::Press { coverage, .. } if coverage > limit + 0.05 => {
                        heavy.get_or_insert_with(|| (mark.what.clone(), coverage, mark.span));
                    }
                    Ink::Press { rich_black: true, .. }
                        if mark.text_size.is_some_and(|s| s.to_pt() < SMALL_TEXT_PT - 1e-6) =>
                    {
                        small.get_or_insert_with(|| (mark.what.clone(), colour.clone(), mark.span));
                    }
                    _ => {}
                }
            }
        }
        let at = |span: Span| {
            locate(compiled.world, span).map(|(file, line)| format!(" ({file}:{line})")).unwrap_or_default()
        };
        let page_no = Some(i + 1);
        if let Some((what, colour, span)) = rgb {
            out.push(cx.finding(
                Severity::Error,
                Check::RgbColour,
                page_no,
                format!(
                    "{what}{} is {}, an RGB colour, which has no place in a CMYK print file",
                    at(span),
                    colour.repr()
                ),
                "give the template a cmyk() colour for print (see theme.typ, where every colour has a CMYK and an RGB twin)",
            ));
        }
        if let Some((what, coverage, span)) = heavy {
            out.push(cx.finding(
                Severity::Error,
                Check::InkLimit,
                page_no,
                format!(
                    "{what}{} has {coverage:.0} % ink, more than the {limit:.0} % the press allows",
                    at(span)
                ),
                "use a lighter colour (the four inks together at most the ink limit)",
            ));
        }
        if let Some((what, colour, span)) = small {
            out.push(cx.finding(
                Severity::Error,
                Check::SmallTextInk,
                page_no,
                format!(
                    "{what}{} is set below {SMALL_TEXT_PT} pt in a black of several inks ({}): it blurs if the plates shift",
                    at(span),
                    describe(&colour)
                ),
                "set small black and grey text in black ink alone: cmyk(0%, 0%, 0%, k)",
            ));
        }
    }
    for embed in pages.embeds {
        let Some(coverage) = embed.coverage.filter(|c| *c > limit + 0.05) else { continue };
        let page = pages.placements.iter().find(|p| p.figure == embed.figure).map(|p| p.page);
        out.push(cx.finding(
            Severity::Error,
            Check::InkLimit,
            page,
            format!("figure `{}` has up to {coverage:.0} % ink, more than the {limit:.0} % the press allows", embed.figure),
            "convert the figure through the print shop's profile, or give it as RGB and let yarlung convert it",
        ));
    }
}

/// A colour as a reader writes it: `cmyk(60%, 40%, 40%, 100%)`.
fn describe(colour: &Color) -> String {
    match colour {
        Color::Process(ProcessColor::Cmyk(c)) => format!(
            "cmyk({:.0}%, {:.0}%, {:.0}%, {:.0}%)",
            c.c * 100.0,
            c.m * 100.0,
            c.y * 100.0,
            c.k * 100.0
        ),
        other => other.repr().to_string(),
    }
}
