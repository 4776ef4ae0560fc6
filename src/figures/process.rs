//! Decoding and encoding figures: decoded within limits, oriented, converted to 8 bits,
//! cropped and downsampled, stored as JPEG (PNG with transparency); and the stand-in SVG
//! of a figure's natural size that the layout pass draws instead.

use std::io::Cursor;

use fast_image_resize::{FilterType as ResizeFilter, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::metadata::Orientation;
use image::{DynamicImage, ExtendedColorType, ImageDecoder, ImageEncoder, ImageFormat, ImageReader};
use typst::foundations::{Bytes, Smart};
use typst::visualize::{ExchangeFormat, RasterImage};

use super::colour::Embedded;
use super::{FigureError, PRESHRINK_FROM, Served, quality};
use crate::profile::Profile;

/// A decoded figure: oriented, 8-bit, with the ICC profile that still applies to it.
pub struct Decoded {
    /// The pixels.
    pub image: DynamicImage,
    /// The colour profile, kept when it describes the pixels' colour space.
    pub icc: Option<Vec<u8>>,
}

/// An empty SVG of the natural size Typst gives a raster image of `size` pixels at `dpi`
/// (72 when the file has none), naming the figure so its stand-in is unique.
pub(super) fn standin(id: &str, digest: &str, size: (u32, u32), dpi: Option<f64>) -> Vec<u8> {
    // Typst sizes SVGs at 96 px per inch and rasters at their density.
    let scale = 96.0 / dpi.unwrap_or(typst::visualize::Image::DEFAULT_DPI);
    let (w, h) = (f64::from(size.0) * scale, f64::from(size.1) * scale);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\">\
         <!-- yarlung figure {id} {digest} --></svg>"
    )
    .into_bytes()
}

/// The pixel density a raster file declares, read the way Typst reads it: EXIF first, then
/// the JPEG JFIF header, then the PNG `pHYs` chunk.
pub(super) fn density(data: &[u8]) -> Option<f64> {
    let exif = exif::Reader::new().read_from_container(&mut Cursor::new(data)).ok();
    exif.as_ref()
        .and_then(|exif| {
            let axis = |tag| match &exif.get_field(tag, exif::In::PRIMARY)?.value {
                exif::Value::Rational(r) => Some(r.first()?.to_f64()),
                _ => None,
            };
            [axis(exif::Tag::XResolution), axis(exif::Tag::YResolution)]
                .into_iter()
                .flatten()
                .reduce(f64::max)
        })
        .or_else(|| jfif_density(data))
        .or_else(|| png_density(data))
        .filter(|&dpi| dpi > 0.0)
}

/// The density in a JPEG's JFIF APP0 segment, in dots per inch.
fn jfif_density(data: &[u8]) -> Option<f64> {
    if !data.starts_with(b"\xFF\xD8\xFF\xE0")
        || data.get(6..11) != Some(b"JFIF\0")
        || data.get(11) != Some(&1)
    {
        return None;
    }
    let u16_at = |i: usize| Some(u16::from_be_bytes(data.get(i..i + 2)?.try_into().ok()?));
    if u16_at(4)? < 16 {
        return None;
    }
    let dpu = f64::from(u16_at(14)?.max(u16_at(16)?));
    match data.get(13)? {
        1 => Some(dpu),
        2 => Some(dpu * 2.54),
        _ => None,
    }
}

/// The density in a PNG's `pHYs` chunk, in dots per inch.
fn png_density(mut data: &[u8]) -> Option<f64> {
    let mut decoder = png::StreamingDecoder::new();
    loop {
        let (consumed, event) = decoder.update(data, None).ok()?;
        if matches!(
            event,
            png::Decoded::ChunkBegin(_, png::chunk::IDAT)
                | png::Decoded::ImageData
                | png::Decoded::ImageDataFlushed
        ) || consumed == 0
        {
            break;
        }
        data = data.get(consumed..)?;
    }
    let dims = decoder.info()?.pixel_dims?;
    match dims.unit {
        png::Unit::Meter => Some(f64::from(dims.xppu.max(dims.yppu)) * 0.0254),
        png::Unit::Unspecified => None,
    }
}

/// Processes an image file's `bytes` the way the pipeline does: decoded within limits,
/// oriented, converted to 8 bits and, with `size`, downsampled to it; then encoded as JPEG
/// or PNG for `profile`. Returns the bytes and the file extension (`jpg` or `png`).
pub fn process(
    bytes: &[u8],
    size: Option<(u32, u32)>,
    profile: Profile,
) -> Result<(Vec<u8>, &'static str), FigureError> {
    let decoded = decode(bytes)?;
    let (w, h) = (decoded.image.width(), decoded.image.height());
    encode(&decoded, (0, 0, w, h), size.unwrap_or((w, h)), quality(profile))
}

/// Decodes `bytes` within the figure limits, applies the EXIF orientation and converts the
/// pixels to 8 bits: RGBA when transparency is used, grey when there is no colour, else RGB.
pub(super) fn decode(bytes: &[u8]) -> Result<Decoded, FigureError> {
    let damaged = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => FigureError::Memory,
        e => FigureError::Damaged(e.to_string()),
    };
    let mut reader =
        ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| damaged(e.into()))?;
    reader.limits(super::files::limits());
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten().filter(|icc| icc.len() > 20);
    let original = decoder.original_color_type();
    let mut image = DynamicImage::from_decoder(decoder).map_err(damaged)?;
    image.apply_orientation(orientation);
    // A CMYK profile no longer describes the converted pixels. Pixels in another profile
    // than sRGB are converted to sRGB; an unusable profile is dropped (the pixels are taken
    // as sRGB, and preflight says so).
    let cmyk = matches!(original, ExtendedColorType::Cmyk8 | ExtendedColorType::Cmyk16);
    let (image, icc) = match (cmyk, icc) {
        (false, Some(icc)) => match super::colour::classify(Some(&icc)) {
            Embedded::Srgb => (image, Some(icc)),
            Embedded::Convert => (super::colour::to_srgb(image, &icc).map_err(FigureError::Colour)?, None),
            Embedded::Cmyk | Embedded::Unusable(_) => (image, None),
        },
        _ => (image, None),
    };
    let color = image.color();
    let transparent = color.has_alpha() && image.to_rgba8().pixels().any(|p| p.0[3] < 255);
    let (image, space): (DynamicImage, &[u8]) = if transparent {
        (DynamicImage::ImageRgba8(image.into_rgba8()), b"RGB ")
    } else if !color.has_color() {
        (DynamicImage::ImageLuma8(image.into_luma8()), b"GRAY")
    } else {
        (DynamicImage::ImageRgb8(image.into_rgb8()), b"RGB ")
    };
    // An sRGB profile is kept where it describes the pixels' space.
    let icc = icc.filter(|icc| icc.get(16..20) == Some(space));
    Ok(Decoded { image, icc })
}

/// Downsamples the `crop` (left, top, width, height) of `source` to `size` with a Lanczos
/// filter. Far below the source's resolution (thumbnails), the crop is first averaged down
/// to twice the size: a Lanczos kernel as wide as the reduction over every source pixel
/// costs several times more, for the same picture.
fn downsample(
    source: &DynamicImage,
    crop: (u32, u32, u32, u32),
    size: (u32, u32),
) -> Result<DynamicImage, FigureError> {
    let resize = |from: &DynamicImage, (x, y, cw, ch): (u32, u32, u32, u32), (w, h), filter| {
        let mut target = DynamicImage::new(w, h, from.color());
        let options = ResizeOptions::new()
            .crop(f64::from(x), f64::from(y), f64::from(cw), f64::from(ch))
            .resize_alg(ResizeAlg::Convolution(filter));
        Resizer::new()
            .resize(from, &mut target, &options)
            .map(|()| target)
            .map_err(|e| FigureError::Process(format!("cannot downsample the image ({e})")))
    };
    if crop.2 < size.0.saturating_mul(PRESHRINK_FROM) || crop.3 < size.1.saturating_mul(PRESHRINK_FROM) {
        return resize(source, crop, size, ResizeFilter::Lanczos3);
    }
    let (w, h) = (size.0 * 2, size.1 * 2);
    let averaged = resize(source, crop, (w, h), ResizeFilter::Box)?;
    resize(&averaged, (0, 0, w, h), size, ResizeFilter::Lanczos3)
}

/// Crops `decoded` to `crop` (left, top, width, height), downsamples it to `size` (Lanczos)
/// and encodes it: PNG when it has transparency, else JPEG at `quality` (4:4:4 chroma from
/// quality 90 up). Returns the bytes and the file extension.
pub(super) fn encode(
    decoded: &Decoded,
    crop: (u32, u32, u32, u32),
    size: (u32, u32),
    quality: u8,
) -> Result<(Vec<u8>, &'static str), FigureError> {
    let source = &decoded.image;
    let (x, y, cw, ch) = crop;
    let whole = (x, y, cw, ch) == (0, 0, source.width(), source.height());
    let resized;
    let image = if whole && (cw, ch) == size {
        source
    } else if (cw, ch) == size {
        resized = source.crop_imm(x, y, cw, ch);
        &resized
    } else {
        resized = downsample(source, crop, size)?;
        &resized
    };
    if image.color().has_alpha() {
        let mut png = Vec::new();
        let mut encoder =
            PngEncoder::new_with_quality(&mut png, CompressionType::Default, PngFilter::Adaptive);
        if let Some(icc) = &decoded.icc {
            let _ = encoder.set_icc_profile(icc.clone());
        }
        encoder
            .write_image(image.as_bytes(), image.width(), image.height(), image.color().into())
            .map_err(|e| FigureError::Process(format!("cannot encode the image ({e})")))?;
        return Ok((png, "png"));
    }
    let (width, height) = (image.width(), image.height());
    let too_large = || {
        FigureError::Size(format!("the image is {width} × {height} px; JPEG allows at most 65535 px a side"))
    };
    let (w, h) =
        (u16::try_from(width).map_err(|_| too_large())?, u16::try_from(height).map_err(|_| too_large())?);
    let color =
        if image.color().has_color() { jpeg_encoder::ColorType::Rgb } else { jpeg_encoder::ColorType::Luma };
    let mut jpeg = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut jpeg, quality);
    if quality >= 90 {
        encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
    }
    if let Some(icc) = &decoded.icc {
        let _ = encoder.add_icc_profile(icc);
    }
    encoder
        .encode(image.as_bytes(), w, h, color)
        .map_err(|e| FigureError::Process(format!("cannot encode the image ({e})")))?;
    Ok((jpeg, "jpg"))
}

/// Decodes `served` (a processed figure or a figure file) as the raster image Typst embeds.
pub fn raster(served: &Served) -> Result<RasterImage, FigureError> {
    let format = match served.format {
        Some(ImageFormat::Png) => ExchangeFormat::Png,
        Some(ImageFormat::Jpeg) => ExchangeFormat::Jpg,
        Some(ImageFormat::Gif) => ExchangeFormat::Gif,
        Some(ImageFormat::WebP) => ExchangeFormat::Webp,
        other => {
            return Err(FigureError::Format(format!(
                "cannot embed {other:?} data; re-export it as JPEG or PNG"
            )));
        }
    };
    RasterImage::new(Bytes::new(served.bytes.to_vec()), format, Smart::Auto)
        .map_err(|e| FigureError::Damaged(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A photo-like test picture: gradients with fine stripes.
    fn picture(w: u32, h: u32) -> DynamicImage {
        DynamicImage::ImageRgb8(image::RgbImage::from_fn(w, h, |x, y| {
            let stripe = if (x / 3 + y / 5) % 2 == 0 { 40 } else { 0 };
            image::Rgb([(x * 200 / w) as u8 + stripe, (y * 200 / h) as u8, ((x + y) % 256) as u8])
        }))
    }

    #[test]
    fn thumbnails_averaged_first_match_a_direct_lanczos_downsample() {
        let source = picture(3000, 2000);
        let crop = (100, 50, 2800, 1900);
        // 2800 / 400 = 7: averaged down to 800 × 543 first, then Lanczos.
        let staged = downsample(&source, crop, (400, 271)).expect("downsamples");
        let direct = {
            let mut target = DynamicImage::new(400, 271, source.color());
            let options = ResizeOptions::new()
                .crop(100.0, 50.0, 2800.0, 1900.0)
                .resize_alg(ResizeAlg::Convolution(ResizeFilter::Lanczos3));
            Resizer::new().resize(&source, &mut target, &options).expect("resizes");
            target
        };
        assert_eq!((staged.width(), staged.height()), (400, 271));
        let diff: u64 =
            staged.as_bytes().iter().zip(direct.as_bytes()).map(|(a, b)| u64::from(a.abs_diff(*b))).sum();
        let mean = diff as f64 / staged.as_bytes().len() as f64;
        assert!(mean < 1.5, "mean difference {mean:.2} levels");
        // Less reduction than that is one Lanczos pass, as before.
        let once = downsample(&source, crop, (1400, 950)).expect("downsamples");
        assert_eq!((once.width(), once.height()), (1400, 950));
    }
}
