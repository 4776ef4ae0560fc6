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

use super::colour::{self, Embedded};
use super::{FigureError, PRESHRINK_FROM, Served, quality};
use crate::press::Press;
use crate::press::convert::{self, Pixels};
use crate::profile::Profile;

/// A decoded figure: oriented, 8-bit, in its own colour space, with the ICC profile that
/// describes it.
pub struct Decoded {
    /// The pixels: grey, RGB or RGBA; with `cmyk`, CMYK samples in an RGBA buffer.
    pub image: DynamicImage,
    /// The colour profile, kept when it describes the pixels' colour space.
    pub icc: Option<Vec<u8>>,
    /// For CMYK pixels, whether they are stored inverted (255 = no ink, as Adobe writes them).
    pub cmyk: Option<bool>,
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
/// or PNG for `profile` (for print, in the shipped output profile's CMYK). Returns the bytes and the file extension (`jpg` or `png`).
pub fn process(
    bytes: &[u8],
    size: Option<(u32, u32)>,
    profile: Profile,
) -> Result<(Vec<u8>, &'static str), FigureError> {
    let decoded = decode(bytes)?;
    let (w, h) = (decoded.image.width(), decoded.image.height());
    let press = Press::default();
    let ink = if profile == Profile::Print { Ink::Cmyk } else { Ink::Rgb };
    encode(&decoded, (0, 0, w, h), size.unwrap_or((w, h)), quality(profile), Target { ink, press: &press })
}

/// Decodes `bytes` within the figure limits, applies the EXIF orientation and converts the
/// pixels to 8 bits: RGBA when transparency is used, grey when there is no colour, CMYK
/// JPEGs as CMYK, else RGB. The colours stay as they are; [`encode`] converts them.
pub(super) fn decode(bytes: &[u8]) -> Result<Decoded, FigureError> {
    let damaged = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => FigureError::Memory,
        e => FigureError::Damaged(e.to_string()),
    };
    let mut reader =
        ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| damaged(e.into()))?;
    reader.limits(super::files::limits());
    let format = reader.format();
    let mut decoder = reader.into_decoder().map_err(damaged)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten().filter(|icc| icc.len() > 20);
    let original = decoder.original_color_type();
    if format == Some(ImageFormat::Jpeg) && original == ExtendedColorType::Cmyk8 {
        drop(decoder);
        let mut image = cmyk_jpeg(bytes)?;
        image.apply_orientation(orientation);
        let inverted = crate::pdf::embed::adobe(bytes);
        let icc = icc.filter(|icc| icc.get(16..20) == Some(b"CMYK".as_slice()));
        return Ok(Decoded { image, icc, cmyk: Some(inverted) });
    }
    let mut image = DynamicImage::from_decoder(decoder).map_err(damaged)?;
    image.apply_orientation(orientation);
    // A profile that cannot be used is dropped: the pixels are taken as sRGB, and
    // preflight says so. A CMYK one no longer describes the decoder's RGB.
    let icc = icc.filter(|icc| matches!(colour::classify(Some(icc)), Embedded::Srgb | Embedded::Convert));
    let color = image.color();
    let transparent = color.has_alpha() && image.to_rgba8().pixels().any(|p| p.0[3] < 255);
    let (image, space): (DynamicImage, &[u8]) = if transparent {
        (DynamicImage::ImageRgba8(image.into_rgba8()), b"RGB ")
    } else if !color.has_color() {
        (DynamicImage::ImageLuma8(image.into_luma8()), b"GRAY")
    } else {
        (DynamicImage::ImageRgb8(image.into_rgb8()), b"RGB ")
    };
    // The profile is kept where it describes the pixels' space.
    let icc = icc.filter(|icc| icc.get(16..20) == Some(space));
    Ok(Decoded { image, icc, cmyk: None })
}

/// The CMYK samples of a CMYK JPEG as they are stored, in an RGBA buffer.
fn cmyk_jpeg(bytes: &[u8]) -> Result<DynamicImage, FigureError> {
    use zune_jpeg::zune_core::{colorspace::ColorSpace, options::DecoderOptions};
    let limit = super::files::MAX_DECODE_BYTES;
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::CMYK)
        .set_max_width(1 << 16)
        .set_max_height(1 << 16);
    let mut decoder = zune_jpeg::JpegDecoder::new_with_options(Cursor::new(bytes), options);
    decoder.decode_headers().map_err(|e| FigureError::Damaged(e.to_string()))?;
    let (w, h) = decoder.dimensions().ok_or_else(|| FigureError::Damaged("no frame header".into()))?;
    if (w as u64) * (h as u64) * 4 > limit {
        return Err(FigureError::Memory);
    }
    let samples = decoder.decode().map_err(|e| FigureError::Damaged(e.to_string()))?;
    image::RgbaImage::from_raw(w as u32, h as u32, samples)
        .map(DynamicImage::ImageRgba8)
        .ok_or_else(|| FigureError::Damaged("the CMYK data is incomplete".into()))
}

/// What a processed figure's colours are made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Ink {
    /// sRGB (grey stays grey), for the screen and the archive.
    Rgb,
    /// The output profile's CMYK (grey on the K plate alone), for print.
    Cmyk,
}

/// The colours a figure is encoded in and the print condition that defines CMYK.
#[derive(Clone, Copy)]
pub struct Target<'a> {
    /// RGB or CMYK.
    pub ink: Ink,
    /// The print condition (also the assumed space of untagged CMYK figures).
    pub press: &'a Press,
}

/// The marker of the comment segment that records a CMYK JPEG's highest ink coverage.
const COVERAGE_MARK: &[u8] = b"yarlung-ink:";

/// Downsamples the `crop` (left, top, width, height) of `source` to `size` with a Lanczos
/// filter; `alpha` says whether a fourth channel is transparency (else CMYK's black).
/// Far below the source's resolution (thumbnails), the crop is first averaged down to twice
/// the size: a Lanczos kernel as wide as the reduction over every source pixel costs
/// several times more, for the same picture.
fn downsample(
    source: &DynamicImage,
    crop: (u32, u32, u32, u32),
    size: (u32, u32),
    alpha: bool,
) -> Result<DynamicImage, FigureError> {
    let resize = |from: &DynamicImage, (x, y, cw, ch): (u32, u32, u32, u32), (w, h), filter| {
        let mut target = DynamicImage::new(w, h, from.color());
        let options = ResizeOptions::new()
            .crop(f64::from(x), f64::from(y), f64::from(cw), f64::from(ch))
            .resize_alg(ResizeAlg::Convolution(filter))
            .use_alpha(alpha);
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
/// and encodes it for `target`: for RGB, converted to sRGB and stored as PNG when it has
/// transparency, else as JPEG; for CMYK, converted through the output profile and stored as
/// a CMYK JPEG (grey as a grey JPEG for the K plate). JPEGs at `quality`, 4:4:4 chroma from
/// quality 90 up. Returns the bytes and the file extension.
pub(super) fn encode(
    decoded: &Decoded,
    crop: (u32, u32, u32, u32),
    size: (u32, u32),
    quality: u8,
    target: Target,
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
        resized = downsample(source, crop, size, decoded.cmyk.is_none())?;
        &resized
    };
    match target.ink {
        Ink::Rgb => match to_srgb(decoded, image, target.press)? {
            Some(rgb) => write_rgb(&rgb, None, quality),
            None => write_rgb(image, decoded.icc.as_deref(), quality),
        },
        Ink::Cmyk => write_cmyk(decoded, image, quality, target.press),
    }
}

/// `image` (pixels of `decoded`) converted to sRGB when it is not sRGB already: CMYK
/// through its profile (else the output profile's), RGB and grey through a profile other
/// than sRGB. `None` when it is sRGB (or untagged) as it is.
fn to_srgb(
    decoded: &Decoded,
    image: &DynamicImage,
    press: &Press,
) -> Result<Option<DynamicImage>, FigureError> {
    if let Some(inverted) = decoded.cmyk {
        let rgb = convert::cmyk_to_srgb(image.as_bytes(), inverted, decoded.icc.as_deref(), press)
            .map_err(FigureError::Colour)?;
        let rgb = image::RgbImage::from_raw(image.width(), image.height(), rgb)
            .ok_or_else(|| FigureError::Colour("the converted pixels are incomplete".into()))?;
        return Ok(Some(DynamicImage::ImageRgb8(rgb)));
    }
    match &decoded.icc {
        Some(icc) if colour::classify(Some(icc)) == Embedded::Convert => {
            colour::to_srgb(image.clone(), icc).map(Some).map_err(FigureError::Colour)
        }
        _ => Ok(None),
    }
}

/// Encodes RGB, grey or RGBA `image`, tagged with `icc`: PNG with transparency, else JPEG.
fn write_rgb(
    image: &DynamicImage,
    icc: Option<&[u8]>,
    quality: u8,
) -> Result<(Vec<u8>, &'static str), FigureError> {
    if image.color().has_alpha() {
        let mut png = Vec::new();
        let mut encoder =
            PngEncoder::new_with_quality(&mut png, CompressionType::Default, PngFilter::Adaptive);
        if let Some(icc) = icc {
            let _ = encoder.set_icc_profile(icc.to_vec());
        }
        encoder
            .write_image(image.as_bytes(), image.width(), image.height(), image.color().into())
            .map_err(|e| FigureError::Process(format!("cannot encode the image ({e})")))?;
        return Ok((png, "png"));
    }
    let color =
        if image.color().has_color() { jpeg_encoder::ColorType::Rgb } else { jpeg_encoder::ColorType::Luma };
    Ok((jpeg((image.width(), image.height()), image.as_bytes(), color, quality, icc)?, "jpg"))
}

/// Encodes `image` (pixels of `decoded`) in the output's CMYK as a CMYK JPEG whose comment
/// records its highest ink coverage; grey as a grey JPEG of black-ink values (DeviceGray
/// prints on K alone). Transparency is flattened onto the paper.
fn write_cmyk(
    decoded: &Decoded,
    image: &DynamicImage,
    quality: u8,
    press: &Press,
) -> Result<(Vec<u8>, &'static str), FigureError> {
    let colour = FigureError::Colour;
    let (w, h) = (image.width(), image.height());
    let cmyk = match (decoded.cmyk, image) {
        (Some(inverted), _) if decoded.icc.as_deref().is_none_or(|icc| same_profile(icc, press)) => {
            // Already the output's CMYK: only stored the plain way.
            let mut data = image.as_bytes().to_vec();
            if inverted {
                data.iter_mut().for_each(|v| *v = 255 - *v);
            }
            data
        }
        (Some(inverted), _) => {
            convert::to_cmyk(image.as_bytes(), Pixels::Cmyk { inverted }, decoded.icc.as_deref(), press)
                .map_err(colour)?
        }
        (None, DynamicImage::ImageLuma8(grey)) => {
            let table = convert::grey_to_k(press).map_err(colour)?;
            let k: Vec<u8> = grey.as_raw().iter().map(|&v| table[usize::from(v)]).collect();
            let coverage = 100.0 - f64::from(k.iter().copied().min().unwrap_or(255)) * 100.0 / 255.0;
            let jpeg = jpeg((w, h), &k, jpeg_encoder::ColorType::Luma, quality, None)?;
            return Ok((with_coverage(jpeg, coverage), "jpg"));
        }
        (None, _) => {
            let rgb = match image {
                DynamicImage::ImageRgba8(rgba) => flatten(rgba),
                other => other.to_rgb8(),
            };
            convert::to_cmyk(rgb.as_raw(), Pixels::Rgb, decoded.icc.as_deref(), press).map_err(colour)?
        }
    };
    // JPEG's rounding raises the darkest pixels of detailed images by several per cent:
    // they are held below the limit by a margin, and by the overshoot more (doubling each
    // time) while the encoded image still exceeds it. The coverage recorded is that of the
    // encoded image.
    let mut cap = press.ink_limit - convert::JPEG_INK_MARGIN;
    let (mut tries, mut step) = (0, 1.0);
    let (jpeg, coverage) = loop {
        let mut limited = cmyk.clone();
        convert::limit_ink(&mut limited, cap);
        let jpeg = jpeg((w, h), &limited, jpeg_encoder::ColorType::Cmyk, quality, None)?;
        let coverage = coverage_of(&jpeg, true).unwrap_or_else(|| convert::max_coverage(&limited));
        tries += 1;
        if coverage <= press.ink_limit || tries == 8 {
            break (jpeg, coverage);
        }
        cap -= (coverage - press.ink_limit) * step + 1.0;
        step *= 2.0;
    };
    Ok((with_coverage(jpeg, coverage), "jpg"))
}

/// Whether the ICC data `icc` is the output profile of `press`.
fn same_profile(icc: &[u8], press: &Press) -> bool {
    icc == press.profile.icc.as_slice()
}

/// RGBA pixels composited onto white paper.
fn flatten(rgba: &image::RgbaImage) -> image::RgbImage {
    image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((u32::from(c) * u32::from(a) + 255 * (255 - u32::from(a)) + 127) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    })
}

/// Encodes `data` (pixels of `color`, `size` pixels) as a JPEG at `quality`, with `icc`
/// embedded.
fn jpeg(
    (width, height): (u32, u32),
    data: &[u8],
    color: jpeg_encoder::ColorType,
    quality: u8,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, FigureError> {
    let too_large = || {
        FigureError::Size(format!("the image is {width} × {height} px; JPEG allows at most 65535 px a side"))
    };
    let (w, h) =
        (u16::try_from(width).map_err(|_| too_large())?, u16::try_from(height).map_err(|_| too_large())?);
    let mut jpeg = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut jpeg, quality);
    if quality >= 90 {
        encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_4_4);
    }
    if let Some(icc) = icc {
        let _ = encoder.add_icc_profile(icc);
    }
    encoder
        .encode(data, w, h, color)
        .map_err(|e| FigureError::Process(format!("cannot encode the image ({e})")))?;
    Ok(jpeg)
}

/// `jpeg` with a comment segment recording its highest ink `coverage` (per cent).
fn with_coverage(jpeg: Vec<u8>, coverage: f64) -> Vec<u8> {
    let text = format!("{}{:.1}", String::from_utf8_lossy(COVERAGE_MARK), coverage);
    let len = u16::try_from(text.len() + 2).unwrap_or(u16::MAX);
    let mut out = Vec::with_capacity(jpeg.len() + text.len() + 4);
    out.extend_from_slice(&jpeg[..2]);
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(text.as_bytes());
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The highest ink coverage of a CMYK JPEG's pixels (per cent), decoding it; `inverted`
/// when it stores 255 − ink.
pub fn coverage_of(jpeg: &[u8], inverted: bool) -> Option<f64> {
    let image = cmyk_jpeg(jpeg).ok()?;
    let mut data = image.as_bytes().to_vec();
    if inverted {
        data.iter_mut().for_each(|v| *v = 255 - *v);
    }
    Some(convert::max_coverage(&data))
}

/// The ink samples of a print figure's JPEG: CMYK (0 = no ink), four a pixel, or grey (the
/// DeviceGray value, 255 = no ink), one a pixel; with its width, height and channels.
pub fn print_samples(jpeg: &[u8]) -> Option<(Vec<u8>, u32, u32, usize)> {
    let (shape, (w, h)) = crate::pdf::embed::shape(jpeg)?;
    match shape.components {
        4 => {
            let mut data = cmyk_jpeg(jpeg).ok()?.into_bytes();
            if !shape.colour.is_empty() {
                data.iter_mut().for_each(|v| *v = 255 - *v);
            }
            Some((data, w, h, 4))
        }
        1 => {
            let grey = image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg).ok()?.into_luma8();
            Some((grey.into_raw(), w, h, 1))
        }
        _ => None,
    }
}

/// The highest ink coverage a processed CMYK or grey JPEG records (see [`write_cmyk`]).
pub fn recorded_coverage(jpeg: &[u8]) -> Option<f64> {
    let at = memchr::memmem::find(&jpeg[..jpeg.len().min(256)], COVERAGE_MARK)?;
    let rest = &jpeg[at + COVERAGE_MARK.len()..];
    let end = rest.iter().position(|b| !(b.is_ascii_digit() || *b == b'.'))?;
    std::str::from_utf8(&rest[..end]).ok()?.parse().ok()
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
        let staged = downsample(&source, crop, (400, 271), true).expect("downsamples");
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
        let once = downsample(&source, crop, (1400, 950), true).expect("downsamples");
        assert_eq!((once.width(), once.height()), (1400, 950));
    }
}
