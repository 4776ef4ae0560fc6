//! The figure pipeline: every figure is read once, decoded at most once within limits, and
//! normalised to what Typst embeds correctly (EXIF orientation applied, CMYK and 16-bit
//! converted to 8-bit RGB, TIFF/BMP/WebP/GIF converted, photos stored as JPEG), then
//! downsampled to the profile's resolution at the size the template placed it.
//!
//! A document compiles twice: a layout pass with the figures as Typst reads them (converted
//! only when Typst cannot read the format), whose frames give each figure's placed size
//! ([`placements`]), and a final pass with the processed images, served from memory under
//! [`FIGURES_DIR`]. Originals on disk are never modified. Processed images are cached by
//! content hash and pixel size, in memory and under `out/.cache/figures/`.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType as PngFilter, PngEncoder};
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader};
use sha2::{Digest, Sha256};
use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst::visualize::ImageKind;
use typst_layout::PagedDocument;

use crate::error::{Error, Result};
use crate::figures::FigureFile;
use crate::profile::Profile;

/// The virtual folder processed figures are served from.
pub const FIGURES_DIR: &str = "/.yarlung/figures";
/// The cache folder of processed figures, inside the output folder.
pub const CACHE_DIR: &str = ".cache/figures";
/// Bumped whenever processing changes, so stale cache entries are not reused.
const PIPELINE_VERSION: u32 = 1;

/// The resolution figures are downsampled to at their placed size, in pixels per inch.
pub fn target_ppi(profile: Profile) -> f64 {
    match profile {
        Profile::Print | Profile::Archive => 300.0,
        Profile::Screen => 150.0,
    }
}

/// The lowest effective resolution a placed figure may have before preflight warns.
pub fn minimum_ppi(profile: Profile) -> f64 {
    match profile {
        Profile::Print => 300.0,
        Profile::Archive => 150.0,
        Profile::Screen => 96.0,
    }
}

/// The JPEG quality of processed figures.
fn quality(profile: Profile) -> u8 {
    match profile {
        Profile::Print | Profile::Archive => 92,
        Profile::Screen => 82,
    }
}

/// A figure's source file, read once per run.
pub struct Source {
    /// The figure id.
    pub id: String,
    /// The path relative to the project root.
    pub path: PathBuf,
    /// The file's bytes.
    pub bytes: Arc<Vec<u8>>,
    /// The first 16 hex digits of the bytes' SHA-256.
    pub digest: String,
    /// The detected format.
    pub format: ImageFormat,
    /// The pixel size with the EXIF orientation applied.
    pub size: (u32, u32),
    /// The EXIF orientation.
    pub orientation: Orientation,
    /// The decoded, oriented, 8-bit image, made on first use.
    decoded: OnceLock<std::result::Result<Arc<Decoded>, String>>,
}

/// A decoded figure: oriented, 8-bit, with the ICC profile that still applies to it.
struct Decoded {
    /// The pixels.
    image: DynamicImage,
    /// The colour profile, kept when it describes the pixels' colour space.
    icc: Option<Vec<u8>>,
}

/// An image as it is served to Typst for one figure.
#[derive(Debug, Clone)]
pub struct Served {
    /// The figure id.
    pub id: String,
    /// The root-relative path with a leading slash the facts give the template.
    pub vpath: String,
    /// The bytes Typst reads.
    pub bytes: Arc<Vec<u8>>,
    /// Whether the World must serve the bytes from memory (they are not the file on disk).
    pub generated: bool,
    /// The pixel size.
    pub size: (u32, u32),
}

/// Where a figure was placed in a laid-out document.
#[derive(Debug, Clone)]
pub struct Placement {
    /// The figure id.
    pub figure: String,
    /// The 1-based page.
    pub page: usize,
    /// The size the whole image is drawn at (before any clipping), in points.
    pub size: (f64, f64),
    /// The pixel size of the image that was drawn.
    pub pixels: (u32, u32),
}

impl Placement {
    /// The effective resolution of the drawn image, in pixels per inch (the lower axis).
    pub fn ppi(&self) -> f64 {
        let x = f64::from(self.pixels.0) / (self.size.0 / 72.0);
        let y = f64::from(self.pixels.1) / (self.size.1 / 72.0);
        x.min(y)
    }

    /// The placed size in millimetres.
    pub fn mm(&self) -> (f64, f64) {
        (self.size.0 * 25.4 / 72.0, self.size.1 * 25.4 / 72.0)
    }
}

/// A processed image, made once: the image or what went wrong.
type Slot = OnceLock<std::result::Result<Served, String>>;

/// Every figure source of a project, with the in-memory cache of processed images.
pub struct Store {
    /// The sources, in the order of the facts.
    pub sources: Vec<Source>,
    /// The on-disk cache folder.
    cache_dir: PathBuf,
    /// Processed images by cache key; each is made once even when documents ask at once.
    processed: Mutex<HashMap<String, Arc<Slot>>>,
}

impl Store {
    /// Reads every figure file and its header (size, orientation). `output` is the
    /// absolute output folder, which holds the cache.
    pub fn open(root: &Path, output: &Path, figures: &[FigureFile]) -> Result<Self> {
        let sources = figures
            .iter()
            .map(|figure| {
                let bytes = std::fs::read(root.join(&figure.path)).map_err(|e| Error::io(&figure.path, e))?;
                Source::new(figure, bytes)
                    .map_err(|m| Error::input(&figure.path, format!("figure `{}`: {m}", figure.id)))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { sources, cache_dir: output.join(CACHE_DIR), processed: Mutex::new(HashMap::new()) })
    }

    /// The source of figure `id`.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The images of the layout pass for `ids`: the files themselves where Typst reads them
    /// as they are, converted copies (full size) where it cannot.
    pub fn layout(&self, ids: &[String], profile: Profile) -> Result<Vec<Served>> {
        ids.iter()
            .filter_map(|id| self.source(id))
            .map(|source| match source.format {
                ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP => Ok(Served {
                    id: source.id.clone(),
                    vpath: format!("/{}", source.path.to_string_lossy().replace('\\', "/")),
                    bytes: source.bytes.clone(),
                    generated: false,
                    size: source.size,
                }),
                _ => self.processed(source, source.size, profile, false),
            })
            .collect()
    }

    /// The images of the final pass: each figure of `layout` processed for its largest
    /// placement in `placements` (never upsampled). With `persist`, new processed images are
    /// also written to the on-disk cache.
    pub fn finals(
        &self,
        layout: &[Served],
        placements: &[Placement],
        profile: Profile,
        persist: bool,
    ) -> Result<Vec<Served>> {
        layout
            .iter()
            .map(|served| {
                let Some(source) = self.source(&served.id) else { return Ok(served.clone()) };
                let (w, h) = source.size;
                let ppi = target_ppi(profile);
                let scale = placements
                    .iter()
                    .filter(|p| p.figure == served.id)
                    .map(|p| (p.size.0 / 72.0 * ppi / f64::from(w)).max(p.size.1 / 72.0 * ppi / f64::from(h)))
                    .fold(0.0_f64, f64::max);
                if scale == 0.0 {
                    return Ok(served.clone());
                }
                let size = if scale < 1.0 {
                    let width = (f64::from(w) * scale).ceil().max(1.0) as u32;
                    let height = ((f64::from(h) * f64::from(width) / f64::from(w)).round() as u32).max(1);
                    (width.min(w), height.min(h))
                } else {
                    (w, h)
                };
                if size == (w, h) && source.passes_through() {
                    return Ok(served.clone());
                }
                self.processed(source, size, profile, persist)
            })
            .collect()
    }

    /// `source` processed to `size` for `profile`, from the memory cache, the disk cache,
    /// or made now.
    fn processed(
        &self,
        source: &Source,
        size: (u32, u32),
        profile: Profile,
        persist: bool,
    ) -> Result<Served> {
        let quality = quality(profile);
        let key = format!("{}-{}x{}-q{quality}-v{PIPELINE_VERSION}", source.digest, size.0, size.1);
        let slot =
            self.processed.lock().unwrap_or_else(|p| p.into_inner()).entry(key.clone()).or_default().clone();
        let outcome = slot.get_or_init(|| {
            let cached = ["jpg", "png"].into_iter().find_map(|ext| {
                let bytes = std::fs::read(self.cache_dir.join(format!("{key}.{ext}"))).ok()?;
                (!bytes.is_empty()).then_some((bytes, ext))
            });
            let (bytes, ext) = match cached {
                Some(hit) => hit,
                None => {
                    let decoded = source.decoded()?;
                    let made = encode(&decoded, size, quality)?;
                    if persist {
                        let path = self.cache_dir.join(format!("{key}.{}", made.1));
                        // A cache that cannot be written only costs time on the next run.
                        let _ = crate::output::write_atomic(&path, &made.0);
                    }
                    made
                }
            };
            Ok(Served {
                id: source.id.clone(),
                vpath: format!(
                    "{FIGURES_DIR}/{}-{}-{}x{}.{ext}",
                    source.id,
                    &source.digest[..8],
                    size.0,
                    size.1
                ),
                bytes: Arc::new(bytes),
                generated: true,
                size,
            })
        });
        outcome.clone().map_err(|m| Error::input(&source.path, format!("figure `{}`: {m}", source.id)))
    }
}

impl Source {
    /// Reads the header of a figure's bytes.
    fn new(figure: &FigureFile, bytes: Vec<u8>) -> std::result::Result<Self, String> {
        let format = image::guess_format(&bytes).map_err(|e| format!("unknown image format ({e})"))?;
        let (w, h, orientation) = {
            let mut reader = ImageReader::with_format(Cursor::new(&bytes), format);
            reader.limits(crate::figures::limits());
            let mut decoder = reader.into_decoder().map_err(|e| format!("cannot read the image ({e})"))?;
            let (w, h) = decoder.dimensions();
            (w, h, decoder.orientation().unwrap_or(Orientation::NoTransforms))
        };
        let size = match orientation {
            Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH => (h, w),
            _ => (w, h),
        };
        let digest: String = Sha256::digest(&bytes).iter().take(8).map(|b| format!("{b:02x}")).collect();
        Ok(Self {
            id: figure.id.clone(),
            path: figure.path.clone(),
            bytes: Arc::new(bytes),
            digest,
            format,
            size,
            orientation,
            decoded: OnceLock::new(),
        })
    }

    /// Whether the file can be embedded as it is when it needs no downsampling: an
    /// 8-bit RGB or grey JPEG without rotation.
    fn passes_through(&self) -> bool {
        if self.format != ImageFormat::Jpeg || self.orientation != Orientation::NoTransforms {
            return false;
        }
        let reader = ImageReader::with_format(Cursor::new(&**self.bytes), ImageFormat::Jpeg);
        reader.into_decoder().is_ok_and(|d| {
            matches!(d.original_color_type(), image::ExtendedColorType::Rgb8 | image::ExtendedColorType::L8)
        })
    }

    /// The decoded image, decoding it on first use.
    fn decoded(&self) -> std::result::Result<Arc<Decoded>, String> {
        self.decoded.get_or_init(|| decode(&self.bytes).map(Arc::new)).clone()
    }
}

/// Processes an image file's `bytes` the way the pipeline does: decoded within limits,
/// oriented, converted to 8 bits and, with `size`, downsampled to it; then encoded as JPEG
/// or PNG for `profile`. Returns the bytes and the file extension (`jpg` or `png`).
pub fn process(
    bytes: &[u8],
    size: Option<(u32, u32)>,
    profile: Profile,
) -> std::result::Result<(Vec<u8>, &'static str), String> {
    let decoded = decode(bytes)?;
    let size = size.unwrap_or((decoded.image.width(), decoded.image.height()));
    encode(&decoded, size, quality(profile))
}

/// Decodes `bytes` within the figure limits, applies the EXIF orientation and converts the
/// pixels to 8 bits: RGBA when transparency is used, grey when there is no colour, else RGB.
fn decode(bytes: &[u8]) -> std::result::Result<Decoded, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| format!("cannot read the image ({e})"))?;
    reader.limits(crate::figures::limits());
    let mut decoder = reader.into_decoder().map_err(|e| format!("cannot decode the image ({e})"))?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten().filter(|icc| icc.len() > 20);
    let original = decoder.original_color_type();
    let mut image =
        DynamicImage::from_decoder(decoder).map_err(|e| format!("cannot decode the image ({e})"))?;
    image.apply_orientation(orientation);
    let color = image.color();
    let transparent = color.has_alpha() && image.to_rgba8().pixels().any(|p| p.0[3] < 255);
    let (image, space): (DynamicImage, &[u8]) = if transparent {
        (DynamicImage::ImageRgba8(image.to_rgba8()), b"RGB ")
    } else if !color.has_color() {
        (DynamicImage::ImageLuma8(image.to_luma8()), b"GRAY")
    } else {
        (DynamicImage::ImageRgb8(image.to_rgb8()), b"RGB ")
    };
    // A CMYK profile no longer describes the converted pixels; keep only a matching one.
    let cmyk = matches!(original, image::ExtendedColorType::Cmyk8 | image::ExtendedColorType::Cmyk16);
    let icc = icc.filter(|icc| !cmyk && icc.get(16..20) == Some(space));
    Ok(Decoded { image, icc })
}

/// Downsamples `decoded` to `size` and encodes it: PNG when it has transparency or PNG is
/// the smaller file, else JPEG at `quality`. Returns the bytes and the file extension.
fn encode(
    decoded: &Decoded,
    size: (u32, u32),
    quality: u8,
) -> std::result::Result<(Vec<u8>, &'static str), String> {
    let image = &decoded.image;
    let resized;
    let image = if (image.width(), image.height()) == size {
        image
    } else {
        // Large reductions first go most of the way with a cheap filter.
        let coarse = if image.width() > size.0 * 3 {
            image.resize_exact(size.0 * 2, size.1 * 2, FilterType::Triangle)
        } else {
            image.clone()
        };
        resized = coarse.resize_exact(size.0, size.1, FilterType::Lanczos3);
        &resized
    };
    let mut png = Vec::new();
    let mut encoder = PngEncoder::new_with_quality(&mut png, CompressionType::Default, PngFilter::Adaptive);
    if let Some(icc) = &decoded.icc {
        let _ = encoder.set_icc_profile(icc.clone());
    }
    encoder
        .write_image(image.as_bytes(), image.width(), image.height(), image.color().into())
        .map_err(|e| format!("cannot encode the image ({e})"))?;
    if image.color().has_alpha() {
        return Ok((png, "png"));
    }
    let mut jpeg = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut jpeg, quality);
    if let Some(icc) = &decoded.icc {
        let _ = encoder.set_icc_profile(icc.clone());
    }
    encoder
        .write_image(image.as_bytes(), image.width(), image.height(), image.color().into())
        .map_err(|e| format!("cannot encode the image ({e})"))?;
    Ok(if png.len() <= jpeg.len() { (png, "png") } else { (jpeg, "jpg") })
}

/// Finds where the figures in `served` are drawn in `document`: every raster image whose
/// bytes are a figure's, with the size it is drawn at (group transforms applied).
pub fn placements(document: &PagedDocument, served: &[Served]) -> Vec<Placement> {
    let mut out = Vec::new();
    for (i, page) in document.pages().iter().enumerate() {
        walk(&page.frame, Transform::identity(), &mut |item, ts| {
            let FrameItem::Image(image, size, _) = item else { return };
            let ImageKind::Raster(raster) = image.kind() else { return };
            let data = raster.data().as_slice();
            let Some(figure) =
                served.iter().find(|s| s.bytes.len() == data.len() && s.bytes.as_slice() == data)
            else {
                return;
            };
            let origin = Point::zero().transform(ts);
            let x = Point::new(size.x, Abs::zero()).transform(ts);
            let y = Point::new(Abs::zero(), size.y).transform(ts);
            let length = |p: Point| (p.x - origin.x).to_pt().hypot((p.y - origin.y).to_pt());
            out.push(Placement {
                figure: figure.id.clone(),
                page: i + 1,
                size: (length(x), length(y)),
                pixels: (raster.width(), raster.height()),
            });
        });
    }
    out
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
