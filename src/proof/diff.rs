//! The visual diff of a page between two rounds: the regions whose pixels changed, and the
//! old and new page side by side with those regions outlined.

use image::{Rgba, RgbaImage};

/// A region in pixels: left, top, right, bottom (exclusive).
pub type Region = [u32; 4];

/// The side of the square cells pixels are compared in.
const CELL: u32 = 6;
/// The least difference in one channel that counts as a change (anti-aliasing stays below).
const THRESHOLD: u8 = 40;

/// The regions where `new` differs from `old` (none when the two look the same); a page
/// whose size changed differs as a whole.
pub fn regions(old: &RgbaImage, new: &RgbaImage) -> Vec<Region> {
    if old.dimensions() != new.dimensions() {
        return vec![[0, 0, new.width(), new.height()]];
    }
    let (w, h) = (old.width().div_ceil(CELL), old.height().div_ceil(CELL));
    let mut changed = vec![false; (w * h) as usize];
    for (x, y, a) in old.enumerate_pixels() {
        let b = new.get_pixel(x, y);
        if a.0.iter().zip(b.0).any(|(&p, q)| p.abs_diff(q) > THRESHOLD) {
            changed[((y / CELL) * w + x / CELL) as usize] = true;
        }
    }
    let mut seen = vec![false; changed.len()];
    let mut out = Vec::new();
    for start in 0..changed.len() {
        if !changed[start] || seen[start] {
            continue;
        }
        out.push(grow(start, w, h, &changed, &mut seen, old.dimensions()));
    }
    out
}

/// The bounding box in pixels of the changed cells connected to `start` (cells up to one
/// apart count as connected, so one edited line is one region).
fn grow(start: usize, w: u32, h: u32, changed: &[bool], seen: &mut [bool], size: (u32, u32)) -> Region {
    let mut stack = vec![start];
    seen[start] = true;
    let mut bounds = [u32::MAX, u32::MAX, 0, 0];
    while let Some(i) = stack.pop() {
        let (cx, cy) = (i as u32 % w, i as u32 / w);
        bounds = [bounds[0].min(cx), bounds[1].min(cy), bounds[2].max(cx + 1), bounds[3].max(cy + 1)];
        for ny in cy.saturating_sub(2)..(cy + 3).min(h) {
            for nx in cx.saturating_sub(2)..(cx + 3).min(w) {
                let j = (ny * w + nx) as usize;
                if changed[j] && !seen[j] {
                    seen[j] = true;
                    stack.push(j);
                }
            }
        }
    }
    [bounds[0] * CELL, bounds[1] * CELL, (bounds[2] * CELL).min(size.0), (bounds[3] * CELL).min(size.1)]
}

/// `old` and `new` side by side on grey, each with `regions` outlined in red.
pub fn side_by_side(old: &RgbaImage, new: &RgbaImage, regions: &[Region]) -> RgbaImage {
    let gap = 16;
    let width = old.width() + new.width() + 3 * gap;
    let height = old.height().max(new.height()) + 2 * gap;
    let mut sheet = RgbaImage::from_pixel(width, height, Rgba([110, 110, 110, 255]));
    image::imageops::overlay(&mut sheet, old, i64::from(gap), i64::from(gap));
    let right = 2 * gap + old.width();
    image::imageops::overlay(&mut sheet, new, i64::from(right), i64::from(gap));
    for r in regions {
        outline(&mut sheet, [r[0] + gap, r[1] + gap, r[2] + gap, r[3] + gap]);
        outline(&mut sheet, [r[0] + right, r[1] + gap, r[2] + right, r[3] + gap]);
    }
    sheet
}

/// Draws a 2-pixel red frame just outside `r`.
fn outline(image: &mut RgbaImage, r: Region) {
    let red = Rgba([220, 0, 40, 255]);
    let (x0, y0) = (r[0].saturating_sub(3), r[1].saturating_sub(3));
    let (x1, y1) = ((r[2] + 2).min(image.width() - 1), (r[3] + 2).min(image.height() - 1));
    for x in x0..=x1 {
        for y in [y0, y0 + 1, y1 - 1, y1] {
            image.put_pixel(x, y, red);
        }
    }
    for y in y0..=y1 {
        for x in [x0, x0 + 1, x1 - 1, x1] {
            image.put_pixel(x, y, red);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_changed_area_is_one_region_and_nothing_else_is_marked() {
        let old = RgbaImage::from_pixel(200, 300, Rgba([255, 255, 255, 255]));
        let mut new = old.clone();
        for x in 50..90 {
            for y in 100..110 {
                new.put_pixel(x, y, Rgba([0, 0, 0, 255]));
            }
        }
        // A faint difference (anti-aliasing) elsewhere is no change.
        new.put_pixel(10, 10, Rgba([240, 240, 240, 255]));
        let found = regions(&old, &new);
        assert_eq!(found.len(), 1, "{found:?}");
        let [l, t, r, b] = found[0];
        assert!(l <= 50 && t <= 100 && r >= 90 && b >= 110, "{found:?}");
        assert!(l >= 44 && t >= 94 && r <= 96 && b <= 114, "the region hugs the change: {found:?}");
        assert!(regions(&old, &old).is_empty());
        let sheet = side_by_side(&old, &new, &found);
        assert_eq!(sheet.dimensions(), (200 * 2 + 48, 300 + 32));
    }
}
