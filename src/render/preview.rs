//! Rendering pages to PNG with typst-render: one image per page and a contact sheet.

use std::path::{Path, PathBuf};

use image::{Rgba, RgbaImage};
use typst_layout::PagedDocument;

use crate::error::Result;

/// A 1-based, inclusive page range such as `1-4` or `3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRange {
    /// First page.
    pub first: usize,
    /// Last page.
    pub last: usize,
}

/// A page range that does not parse, with the text given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRange(pub String);

impl std::fmt::Display for BadRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` is not a page range; write N or N-M with 1 ≤ N ≤ M", self.0)
    }
}

impl std::error::Error for BadRange {}

impl PageRange {
    /// Whether the 1-based page `n` lies in the range.
    pub fn contains(&self, n: usize) -> bool {
        (self.first..=self.last).contains(&n)
    }
}

impl std::str::FromStr for PageRange {
    type Err = BadRange;

    fn from_str(text: &str) -> Result<Self, BadRange> {
        let parse = |s: &str| s.trim().parse::<usize>().ok().filter(|&n| n > 0);
        let (first, last) = match text.split_once('-') {
            Some((a, b)) => (parse(a), parse(b)),
            None => (parse(text), parse(text)),
        };
        match (first, last) {
            (Some(first), Some(last)) if first <= last => Ok(Self { first, last }),
            _ => Err(BadRange(text.to_string())),
        }
    }
}

/// Renders the pages of `document` (all, or those in `range`) at `ppi`.
/// Returns each page number with its image.
pub fn render(document: &PagedDocument, ppi: f32, range: Option<PageRange>) -> Vec<(usize, RgbaImage)> {
    document
        .pages()
        .iter()
        .enumerate()
        .map(|(i, page)| (i + 1, page))
        .filter(|(n, _)| range.is_none_or(|r| r.contains(*n)))
        .map(|(n, page)| (n, crate::raster::render(page, ppi)))
        .collect()
}

/// Lays page images out in a grid of `columns` on a grey sheet, spreads side by side.
pub fn contact_sheet(pages: &[RgbaImage], columns: u32) -> RgbaImage {
    let gap = 12;
    let cell_w = pages.iter().map(RgbaImage::width).max().unwrap_or(1);
    let cell_h = pages.iter().map(RgbaImage::height).max().unwrap_or(1);
    let columns = columns.clamp(1, pages.len().max(1) as u32);
    let rows = (pages.len() as u32).div_ceil(columns).max(1);
    let mut sheet = RgbaImage::from_pixel(
        columns * (cell_w + gap) + gap,
        rows * (cell_h + gap) + gap,
        Rgba([96, 96, 96, 255]),
    );
    for (i, page) in pages.iter().enumerate() {
        let (col, row) = (i as u32 % columns, i as u32 / columns);
        image::imageops::overlay(
            &mut sheet,
            page,
            i64::from(gap + col * (cell_w + gap)),
            i64::from(gap + row * (cell_h + gap)),
        );
    }
    sheet
}

/// Encodes `image` as PNG and writes it atomically to `path`.
pub fn write_png(path: &Path, image: &RgbaImage) -> Result<PathBuf> {
    crate::raster::write_png(path, image)
}

/// Renders the pages of `document` (those of `range`) to `dir/<name>-<page>.png` and a
/// contact sheet `dir/<name>-sheet.png`; returns the sheet's path and the pages rendered.
pub fn write_pages(
    dir: &Path,
    name: &str,
    document: &PagedDocument,
    ppi: f32,
    range: Option<PageRange>,
) -> Result<(PathBuf, usize)> {
    let pages = render(document, ppi, range);
    for (n, image) in &pages {
        write_png(&dir.join(format!("{name}-{n}.png")), image)?;
    }
    let images: Vec<_> = pages.into_iter().map(|(_, image)| image).collect();
    let columns = if images.first().is_some_and(|i| i.width() > i.height()) { 2 } else { 4 };
    let sheet = dir.join(format!("{name}-sheet.png"));
    write_png(&sheet, &contact_sheet(&images, columns))?;
    Ok((sheet, images.len()))
}
