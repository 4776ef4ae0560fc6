//! Reading and editing laid-out frames: the version of a document for each profile
//! ([`derive`]), where the figure stand-ins were placed, and the swap that puts the processed
//! figures in their place (see [`crate::figures`]).

use std::collections::HashSet;

use typst::ecow::EcoVec;
use typst::foundations::{Label, NativeElement, Smart, Value};
use typst::introspection::{Introspector, MetadataElem, Tag};
use typst::layout::{Abs, Frame, FrameItem, GroupItem, Point, Sides, Size, Transform};
use typst::model::Document;
use typst::pdf::AttachElem;
use typst::utils::PicoStr;
use typst::visualize::{Color, Image, ImageKind, Paint, ProcessColor, Rgb};
use typst_layout::PagedDocument;

use crate::figures::{Placement, Served, Swap};
use crate::profile::Profile;

/// The label of the metadata in which a template lists its colours (see `theme.typ`).
pub const COLOURS_LABEL: &str = "yarlung-colours";

/// A template's CMYK colours with their RGB twins, read from `<yarlung-colours>` metadata:
/// an array of dictionaries with keys `cmyk` and `rgb`.
#[derive(Debug, Clone, Default)]
pub struct Twins(Vec<([f32; 4], Color)>);

impl Twins {
    /// The colour table of a laid-out document (empty when it has none).
    pub fn of(document: &PagedDocument) -> Self {
        let Some(label) = Label::new(PicoStr::intern(COLOURS_LABEL)) else { return Self::default() };
        let Ok(content) = document.introspector().query_label(label) else { return Self::default() };
        let Some(metadata) = content.to_packed::<MetadataElem>() else { return Self::default() };
        let Value::Array(entries) = &metadata.value else { return Self::default() };
        let pairs = entries
            .iter()
            .filter_map(|entry| {
                let Value::Dict(dict) = entry else { return None };
                let (Ok(Value::Color(cmyk)), Ok(Value::Color(rgb))) = (dict.get("cmyk"), dict.get("rgb"))
                else {
                    return None;
                };
                let Color::Process(ProcessColor::Cmyk(c)) = cmyk else { return None };
                Some(([c.c, c.m, c.y, c.k], rgb.clone()))
            })
            .collect();
        Self(pairs)
    }

    /// The RGB version of `color`: a listed CMYK colour becomes its twin, a tint of one (all
    /// inks scaled by one factor) the same tint of its twin over white, any other CMYK colour
    /// Typst's own conversion; other colours stay as they are.
    pub fn rgb(&self, color: Color) -> Color {
        let Color::Process(ProcessColor::Cmyk(c)) = color else { return color };
        let ink = [c.c, c.m, c.y, c.k];
        let close = |a: [f32; 4], b: [f32; 4]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 2e-3);
        if let Some((_, twin)) = self.0.iter().find(|(cmyk, _)| close(*cmyk, ink)) {
            return twin.clone();
        }
        for (base, twin) in &self.0 {
            let strongest = (0..4).max_by(|&a, &b| base[a].total_cmp(&base[b])).unwrap_or(3);
            if base[strongest] < 1e-3 {
                continue;
            }
            let p = ink[strongest] / base[strongest];
            if (0.0..=1.0).contains(&p) && close(base.map(|b| b * p), ink) {
                let rgb = twin.to_rgb();
                let mix = |v: f32| 1.0 - p * (1.0 - v);
                return Color::Process(ProcessColor::Rgb(Rgb::new(
                    mix(rgb.red),
                    mix(rgb.green),
                    mix(rgb.blue),
                    1.0,
                )));
            }
        }
        Color::Process(ProcessColor::Rgb(color.to_rgb()))
    }

    /// `paint` with its colour made RGB (gradients and tilings stay as they are).
    fn paint(&self, paint: &mut Paint) {
        if let Paint::Solid(color) = paint {
            *color = self.rgb(color.clone());
        }
    }
}

/// The version of a document laid out for print (CMYK, bleed, the archive's attachments)
/// for `profile`: print drops the attachments; screen drops them too, and with the archive
/// trims the bleed and turns the colours into their RGB twins (see [`Twins`]).
pub fn derive(document: &PagedDocument, profile: Profile, twins: &Twins) -> PagedDocument {
    let rgb = profile != Profile::Print;
    let attach = profile == Profile::Archive;
    let mut dropped = HashSet::new();
    let mut edit = |item: &mut FrameItem| -> bool {
        match item {
            FrameItem::Tag(Tag::Start(content, _)) if !attach && content.elem() == AttachElem::ELEM => {
                dropped.extend(content.location());
                false
            }
            FrameItem::Tag(Tag::End(location, ..)) => !dropped.contains(location),
            FrameItem::Text(text) if rgb => {
                twins.paint(&mut text.fill);
                if let Some(stroke) = &mut text.stroke {
                    twins.paint(&mut stroke.paint);
                }
                true
            }
            FrameItem::Shape(shape, _) if rgb => {
                if let Some(fill) = &mut shape.fill {
                    twins.paint(fill);
                }
                if let Some(stroke) = &mut shape.stroke {
                    twins.paint(&mut stroke.paint);
                }
                true
            }
            _ => true,
        }
    };
    let mut pages: EcoVec<_> = document.pages().iter().cloned().collect();
    for page in pages.make_mut() {
        if profile != Profile::Print {
            page.bleed = Sides::splat(Abs::zero());
        }
        if rgb && let Smart::Custom(Some(fill)) = &mut page.fill {
            twins.paint(fill);
        }
        edit_frame(&mut page.frame, &mut edit);
    }
    PagedDocument::new(pages, document.info().clone())
}

/// Applies `edit` to every item of `frame` and its groups, dropping the items it returns
/// false for.
fn edit_frame(frame: &mut Frame, edit: &mut impl FnMut(&mut FrameItem) -> bool) {
    frame.retain(|item| match item {
        FrameItem::Group(group) => {
            edit_frame(&mut group.frame, edit);
            true
        }
        other => edit(other),
    });
}

/// Calls `visit` with every item of `frame` and its nested groups, and the transform from
/// the item's coordinates to the page's.
pub fn walk(frame: &Frame, ts: Transform, visit: &mut impl FnMut(&FrameItem, Transform)) {
    for (pos, item) in frame.items() {
        let ts = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(group) => walk(&group.frame, ts.pre_concat(group.transform), visit),
            other => visit(other, ts),
        }
    }
}

/// The stand-in of `standins` that `image` is, if any.
fn standin<'a>(image: &Image, standins: &'a [Served]) -> Option<&'a Served> {
    let ImageKind::Svg(svg) = image.kind() else { return None };
    let data = svg.data().as_slice();
    standins.iter().find(|s| s.bytes.len() == data.len() && s.bytes.as_slice() == data)
}

/// A rectangle in page coordinates, in points: left, top, right, bottom.
type Area = [f64; 4];

/// Calls `visit` with every item of `frame` and its nested groups, the transform from the
/// item's coordinates to the page's and the bounding box of the clipping around it.
fn walk_clipped(
    frame: &Frame,
    ts: Transform,
    clip: Area,
    visit: &mut impl FnMut(&FrameItem, Transform, Area),
) {
    for (pos, item) in frame.items() {
        let ts = ts.pre_concat(Transform::translate(pos.x, pos.y));
        match item {
            FrameItem::Group(group) => {
                let ts = ts.pre_concat(group.transform);
                let clip = match &group.clip {
                    Some(curve) => {
                        let bbox = curve.bbox(None);
                        intersect(clip, bounds(ts, bbox.min, bbox.max))
                    }
                    None => clip,
                };
                walk_clipped(&group.frame, ts, clip, visit);
            }
            other => visit(other, ts, clip),
        }
    }
}

/// The bounding box in page coordinates of the rectangle from `min` to `max` under `ts`.
fn bounds(ts: Transform, min: Point, max: Point) -> Area {
    let corners = [min, Point::new(max.x, min.y), Point::new(min.x, max.y), max].map(|p| p.transform(ts));
    corners.iter().fold([f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY], |a, p| {
        let (x, y) = (p.x.to_pt(), p.y.to_pt());
        [a[0].min(x), a[1].min(y), a[2].max(x), a[3].max(y)]
    })
}

/// The overlap of two areas (empty when right < left or bottom < top).
fn intersect(a: Area, b: Area) -> Area {
    [a[0].max(b[0]), a[1].max(b[1]), a[2].min(b[2]), a[3].min(b[3])]
}

/// Finds where the figures of `standins` are drawn in `document`, with the size each is drawn
/// at (group transforms applied), its source's pixel size and the part left visible by
/// clipping and the page's edges (its bleed included only `with_bleed`, so that one layout
/// serves profiles with and without bleed).
pub fn placements(document: &PagedDocument, standins: &[Served], with_bleed: bool) -> Vec<Placement> {
    let mut out = Vec::new();
    for (i, page) in document.pages().iter().enumerate() {
        let size = page.frame.size();
        let bleed = if with_bleed { page.bleed } else { Sides::splat(Abs::zero()) };
        let edge = [
            -bleed.left.to_pt(),
            -bleed.top.to_pt(),
            (size.x + bleed.right).to_pt(),
            (size.y + bleed.bottom).to_pt(),
        ];
        walk_clipped(&page.frame, Transform::identity(), edge, &mut |item, ts, clip| {
            let FrameItem::Image(image, size, _) = item else { return };
            let Some(figure) = standin(image, standins) else { return };
            let origin = Point::zero().transform(ts);
            let x = Point::new(size.x, Abs::zero()).transform(ts);
            let y = Point::new(Abs::zero(), size.y).transform(ts);
            let length = |p: Point| (p.x - origin.x).to_pt().hypot((p.y - origin.y).to_pt());
            out.push(Placement {
                figure: figure.id.clone(),
                page: i + 1,
                size: (length(x), length(y)),
                pixels: figure.size,
                visible: visible(ts, *size, clip),
            });
        });
    }
    out
}

/// The part of an image drawn at `size` under `ts` that `clip` leaves visible, as fractions
/// of its width and height; all of it unless the image is upright and unmirrored and some
/// of it shows.
fn visible(ts: Transform, size: typst::layout::Size, clip: Area) -> [f64; 4] {
    let all = [0.0, 0.0, 1.0, 1.0];
    let upright =
        ts.kx.get().abs() < 1e-9 && ts.ky.get().abs() < 1e-9 && ts.sx.get() > 0.0 && ts.sy.get() > 0.0;
    if !upright || size.x <= Abs::zero() || size.y <= Abs::zero() {
        return all;
    }
    let drawn = bounds(ts, Point::zero(), Point::new(size.x, size.y));
    let [l, t, r, b] = intersect(drawn, clip);
    if r <= l || b <= t {
        return all;
    }
    let (w, h) = (drawn[2] - drawn[0], drawn[3] - drawn[1]);
    let fraction = |v: f64, from: f64, len: f64| ((v - from) / len).clamp(0.0, 1.0);
    [fraction(l, drawn[0], w), fraction(t, drawn[1], h), fraction(r, drawn[0], w), fraction(b, drawn[1], h)]
}

/// `document` with the stand-ins (of `standins`) replaced, the n-th drawn (in the order of
/// [`placements`]) by the n-th of `swaps`: drawn in the same place at the same size (a cropped
/// image in the place of its part), with the stand-in's alternative text and scaling.
pub fn swap(document: &PagedDocument, standins: &[Served], swaps: &[Option<&Swap>]) -> PagedDocument {
    let mut next = 0;
    let mut replace = |item: &mut FrameItem| {
        let FrameItem::Image(image, size, span) = item else { return };
        if standin(image, standins).is_none() {
            return;
        }
        let Some(Some(swap)) = swaps.get(next) else {
            next += 1;
            return;
        };
        next += 1;
        let new = Image::new(swap.image.clone(), image.alt().map(Into::into), image.scaling());
        let [x, y, w, h] = swap.crop;
        if [x, y, w, h] == [0.0, 0.0, 1.0, 1.0] {
            *image = new;
            return;
        }
        let part = Size::new(size.x * w, size.y * h);
        let mut frame = Frame::soft(*size);
        frame.push(Point::new(size.x * x, size.y * y), FrameItem::Image(new, part, *span));
        *item = FrameItem::Group(GroupItem::new(frame));
    };
    let mut pages: EcoVec<_> = document.pages().iter().cloned().collect();
    for page in pages.make_mut() {
        replace_in(&mut page.frame, standins, &mut replace);
    }
    PagedDocument::new(pages, document.info().clone())
}

/// Applies `replace` to the `standins` in `frame` and its groups in drawing order, touching
/// (and so copying) only the frames that hold one.
fn replace_in(frame: &mut Frame, standins: &[Served], replace: &mut impl FnMut(&mut FrameItem)) {
    if !holds(frame, standins) {
        return;
    }
    frame.retain(|item| {
        match item {
            FrameItem::Group(group) => replace_in(&mut group.frame, standins, replace),
            FrameItem::Image(..) => replace(item),
            _ => {}
        }
        true
    });
}

/// Whether `frame` or one of its groups holds one of `standins`.
fn holds(frame: &Frame, standins: &[Served]) -> bool {
    frame.items().any(|(_, item)| match item {
        FrameItem::Group(group) => holds(&group.frame, standins),
        FrameItem::Image(image, _, _) => standin(image, standins).is_some(),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use typst::visualize::Cmyk;

    /// A CMYK colour from fractions.
    fn cmyk(c: f32, m: f32, y: f32, k: f32) -> Color {
        Color::Process(ProcessColor::Cmyk(Cmyk { c, m, y, k }))
    }

    /// The 8-bit RGB components of a colour.
    fn rgb8(color: &Color) -> [u8; 3] {
        let [r, g, b, _] = color.to_vec4_u8();
        [r, g, b]
    }

    /// The house blue and a K-only grey with their twins, as in `theme.typ`.
    fn twins() -> Twins {
        Twins(vec![
            ([1.0, 0.78, 0.22, 0.28], Color::from_u8(0x15, 0x37, 0x5f, 255)),
            ([0.0, 0.0, 0.0, 0.72], Color::from_u8(0x5b, 0x5b, 0x5d, 255)),
        ])
    }

    #[test]
    fn listed_colours_become_their_twins() {
        assert_eq!(rgb8(&twins().rgb(cmyk(1.0, 0.78, 0.22, 0.28))), [0x15, 0x37, 0x5f]);
        assert_eq!(rgb8(&twins().rgb(cmyk(0.0, 0.0, 0.0, 0.72))), [0x5b, 0x5b, 0x5d]);
    }

    #[test]
    fn tints_become_the_same_tint_of_the_twin_over_white() {
        // 40 % of the house blue: 0.4 × twin + 0.6 × white, per component.
        let tint = twins().rgb(cmyk(0.4, 0.312, 0.088, 0.112));
        let expect = [0x15, 0x37, 0x5f].map(|v: u8| (0.4 * f32::from(v) + 0.6 * 255.0).round() as u8);
        let got = rgb8(&tint);
        assert!(got.iter().zip(expect).all(|(a, b)| a.abs_diff(b) <= 1), "{got:?} vs {expect:?}");
    }

    #[test]
    fn other_colours_are_converted_or_kept() {
        let unlisted = twins().rgb(cmyk(0.0, 1.0, 1.0, 0.0));
        assert!(matches!(unlisted, Color::Process(ProcessColor::Rgb(_))), "{unlisted:?}");
        let red = Color::from_u8(200, 10, 10, 255);
        assert_eq!(twins().rgb(red.clone()), red);
    }
}
