//! Separations preview: the print pages as their four printing plates, cyan, magenta,
//! yellow and black, each a grey PNG (black where the plate puts full ink), and one contact
//! sheet per page with the plates side by side in their inks. Typst renders RGB, so each
//! plate is a copy of the laid-out page whose colours are the plate's ink as grey, and whose
//! figures are their CMYK JPEG's plate, drawn by typst-render.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use image::{GrayImage, Rgba, RgbaImage};
use typst::foundations::{Bytes, Smart};
use typst::layout::{Frame, FrameItem};
use typst::model::Document;
use typst::visualize::{Color, ExchangeFormat, Image, ImageKind, Paint, ProcessColor, RasterImage};
use typst_layout::{Page, PagedDocument};

use super::preview::{PageRange, contact_sheet, render, write_png};
use crate::error::Result;

/// The four process plates.
pub const PLATES: [(char, [u8; 3]); 4] =
    [('c', [0, 160, 227]), ('m', [230, 0, 126]), ('y', [255, 237, 0]), ('k', [30, 30, 30])];

/// The ink of `color` on `plate` (0 cyan … 3 black), 0 to 1. Grey is black ink; other
/// colours (none should reach print) by Typst's own conversion to CMYK.
pub fn ink(color: &Color, plate: usize) -> f32 {
    let inks = match color {
        Color::Process(ProcessColor::Luma(luma)) => [0.0, 0.0, 0.0, 1.0 - luma.luma],
        Color::Process(ProcessColor::Cmyk(c)) => [c.c, c.m, c.y, c.k],
        other => {
            let c = other.to_cmyk();
            [c.c, c.m, c.y, c.k]
        }
    };
    inks[plate]
}

/// A plate's figures: each CMYK (or K-only grey) figure JPEG's plate as a grey image, by the
/// figure's data, made once per plate.
#[derive(Default)]
struct PlateImages(HashMap<(usize, u128), Option<RasterImage>>);

impl PlateImages {
    /// The plate of `raster` for `plate`, when it is a JPEG of the print pipeline.
    fn get(&mut self, raster: &RasterImage, plate: usize) -> Option<RasterImage> {
        let data = raster.data();
        let key = (plate, typst::utils::hash128(data.as_slice()));
        self.0.entry(key).or_insert_with(|| plate_image(data.as_slice(), plate)).clone()
    }
}

/// The plate `plate` of a figure's `jpeg` (CMYK, or grey for the K plate) as a grey PNG
/// raster: white where the plate prints nothing.
fn plate_image(jpeg: &[u8], plate: usize) -> Option<RasterImage> {
    let (samples, width, height, channels) = crate::figures::process::print_samples(jpeg)?;
    let grey: Vec<u8> = match channels {
        4 => samples.chunks_exact(4).map(|p| 255 - p[plate]).collect(),
        // DeviceGray prints on K alone: its value is the paper left showing.
        1 if plate == 3 => samples,
        1 => vec![255; samples.len()],
        _ => return None,
    };
    let image = GrayImage::from_raw(width, height, grey)?;
    let mut png = Vec::new();
    image.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).ok()?;
    RasterImage::new(Bytes::new(png), ExchangeFormat::Png, Smart::Auto).ok()
}

/// `paint` as the grey of its ink on `plate` (a gradient by its first stop).
fn plate_paint(paint: &Paint, plate: usize) -> Paint {
    let color = match paint {
        Paint::Solid(color) => color.clone(),
        Paint::Gradient(gradient) => {
            gradient.stops_ref().first().map(|(c, _)| c.clone()).unwrap_or(Color::WHITE)
        }
        Paint::Tiling(_) => return paint.clone(),
    };
    Paint::Solid(Color::Process(ProcessColor::Luma(typst::visualize::Luma::new(
        1.0 - ink(&color, plate),
        1.0,
    ))))
}

/// `frame` with every colour and figure replaced by its plate `plate`.
fn plate_frame(frame: &mut Frame, plate: usize, images: &mut PlateImages) {
    frame.retain(|item| {
        match item {
            FrameItem::Group(group) => plate_frame(&mut group.frame, plate, images),
            FrameItem::Text(text) => {
                text.fill = plate_paint(&text.fill, plate);
                if let Some(stroke) = &mut text.stroke {
                    stroke.paint = plate_paint(&stroke.paint, plate);
                }
            }
            FrameItem::Shape(shape, _) => {
                if let Some(fill) = &mut shape.fill {
                    *fill = plate_paint(fill, plate);
                }
                if let Some(stroke) = &mut shape.stroke {
                    stroke.paint = plate_paint(&stroke.paint, plate);
                }
            }
            FrameItem::Image(image, _, _) => {
                if let ImageKind::Raster(raster) = image.kind()
                    && let Some(plated) = images.get(raster, plate)
                {
                    *image = Image::new(plated, image.alt().map(Into::into), image.scaling());
                }
            }
            _ => {}
        }
        true
    });
}

/// The page `page` as its plate `plate`.
fn plate_page(page: &Page, plate: usize, images: &mut PlateImages) -> Page {
    let mut page = page.clone();
    if let Smart::Custom(Some(fill)) = &mut page.fill {
        *fill = plate_paint(fill, plate);
    }
    plate_frame(&mut page.frame, plate, images);
    page
}

/// Writes the plates of the print `document`'s pages (those of `range`) at `ppi` as
/// `dir/<name>-<page>-<c|m|y|k>.png`, and for each page a sheet of its four plates in their
/// inks, `dir/<name>-<page>-plates.png`. Returns the last sheet and the pages done.
pub fn write_plates(
    dir: &Path,
    name: &str,
    document: &PagedDocument,
    ppi: f32,
    range: Option<PageRange>,
) -> Result<(PathBuf, usize)> {
    let mut images = PlateImages::default();
    let mut last = dir.join(format!("{name}-plates.png"));
    let mut done = 0;
    for (i, page) in document.pages().iter().enumerate() {
        let n = i + 1;
        if range.is_some_and(|r| !r.contains(n)) {
            continue;
        }
        let mut tinted = Vec::new();
        for (plate, (letter, rgb)) in PLATES.iter().enumerate() {
            let single = PagedDocument::new(
                [plate_page(page, plate, &mut images)].into_iter().collect(),
                document.info().clone(),
            );
            let Some((_, image)) = render(&single, ppi, None).into_iter().next() else { continue };
            let grey = image::DynamicImage::ImageRgba8(image).into_luma8();
            let plain = image::DynamicImage::ImageLuma8(grey.clone()).into_rgba8();
            write_png(&dir.join(format!("{name}-{n}-{letter}.png")), &plain)?;
            tinted.push(tint(&grey, *rgb));
        }
        last = dir.join(format!("{name}-{n}-plates.png"));
        write_png(&last, &contact_sheet(&tinted, 4))?;
        done += 1;
    }
    Ok((last, done))
}

/// A plate in its ink: paper white where the plate is white, the ink where it is black.
fn tint(grey: &GrayImage, ink: [u8; 3]) -> RgbaImage {
    RgbaImage::from_fn(grey.width(), grey.height(), |x, y| {
        let t = 1.0 - f32::from(grey.get_pixel(x, y).0[0]) / 255.0;
        let mix = |c: u8| (255.0 - t * (255.0 - f32::from(c))).round() as u8;
        Rgba([mix(ink[0]), mix(ink[1]), mix(ink[2]), 255])
    })
}
