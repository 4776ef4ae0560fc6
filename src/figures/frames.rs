//! Reading and editing laid-out frames: where the figure stand-ins were placed, and the
//! swap that puts the processed figures in their place (see [`crate::figures`]).

use typst::ecow::EcoVec;
use typst::layout::{Abs, Frame, FrameItem, GroupItem, Point, Size, Transform};
use typst::model::Document;
use typst::visualize::{Image, ImageKind};
use typst_layout::PagedDocument;

use super::{Placement, Served, Swap};

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
/// clipping and the page's edges (its bleed included).
pub fn placements(document: &PagedDocument, standins: &[Served]) -> Vec<Placement> {
    let mut out = Vec::new();
    for (i, page) in document.pages().iter().enumerate() {
        let size = page.frame.size();
        let bleed = page.bleed;
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
            let area = intersect(bounds(ts, Point::zero(), Point::new(size.x, size.y)), clip);
            out.push(Placement {
                figure: figure.id.clone(),
                page: i + 1,
                size: (length(x), length(y)),
                pixels: figure.size,
                visible: visible(ts, *size, clip),
                area,
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
