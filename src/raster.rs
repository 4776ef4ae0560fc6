//! Pages as pixels: one laid-out page rendered with typst-render, and images written as PNG.
//! Previews, proof rounds' page images and their visual diffs use these.

use std::path::{Path, PathBuf};

use image::RgbaImage;
use typst_layout::Page;
use typst_render::RenderOptions;

use crate::error::{Error, Result};

/// `page` rendered at `ppi` (its trim, not its bleed).
pub fn render(page: &Page, ppi: f32) -> RgbaImage {
    let options = RenderOptions { pixel_per_pt: f64::from(ppi / 72.0).into(), render_bleed: false };
    let pixmap = typst_render::render(page, &options);
    RgbaImage::from_raw(pixmap.width(), pixmap.height(), pixmap.data().to_vec())
        .unwrap_or_else(|| RgbaImage::new(1, 1))
}

/// `image` encoded as PNG.
pub fn png(image: &RgbaImage) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    image
        .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
        .map_err(|e| Error::internal("a PNG image", e))?;
    Ok(bytes)
}

/// `image` encoded as JPEG (quality 88, no alpha), for photographs within a byte limit.
pub fn jpeg(image: &RgbaImage) -> Result<Vec<u8>> {
    let rgb = image::DynamicImage::ImageRgba8(image.clone()).into_rgb8();
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 88)
        .encode_image(&rgb)
        .map_err(|e| Error::internal("a JPEG image", e))?;
    Ok(bytes)
}

/// Encodes `image` as PNG and writes it atomically to `path`.
pub fn write_png(path: &Path, image: &RgbaImage) -> Result<PathBuf> {
    crate::output::write::write_atomic(path, &png(image)?)?;
    Ok(path.to_path_buf())
}
