//! The figure pipeline: every figure is read once, decoded at most once per run within
//! limits, and normalised to what Typst embeds correctly (EXIF orientation applied, CMYK and
//! 16-bit converted to 8-bit RGB, TIFF/BMP/WebP/GIF converted, photos stored as JPEG), then
//! downsampled to the profile's resolution at the size the template placed it.
//!
//! A document is laid out with a stand-in for each figure: a tiny SVG with the figure's
//! natural size, so Typst lays the pages out exactly as it would with the file but never
//! decodes it ([`Store::standins`]). The laid-out frames tell where each figure went
//! ([`crate::figures::frames::placements`]); each figure is then decoded once and processed for the
//! largest placement in each document ([`Store::prepare`]), and the processed image takes the
//! stand-in's place in the frames ([`crate::figures::frames::swap`]). Originals on disk are never
//! modified. Processed images are cached by content hash and pixel size, in memory and under
//! `out/.cache/figures/`.

pub mod colour;
pub mod files;
mod findings;
pub mod frames;
pub mod process;
mod source;

pub use source::Source;

use std::collections::HashMap;
use std::fmt::{self, Display, Formatter};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use image::ImageFormat;
use rayon::prelude::*;
use typst::visualize::RasterImage;

use crate::error::{Error, Result};
use crate::pdf::embed::{self, Embed};
use crate::press::Press;
use crate::profile::Profile;
use files::FigureFile;
use process::{Decoded, Target, decode, encode};
pub use process::{Ink, process};

/// Why a figure cannot be read or processed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FigureError {
    /// The file holds no image yarlung reads, or one it cannot embed (the message says what
    /// to do).
    Format(String),
    /// The image data is damaged or incomplete (the decoder's words).
    Damaged(String),
    /// The header cannot be read (the decoder's words).
    Unsupported(String),
    /// Decoding would take more memory than a figure may.
    Memory,
    /// The image breaks a size limit (the message says which).
    Size(String),
    /// Resampling or encoding failed.
    Process(String),
    /// Converting the pixels through their colour profile failed (the library's words).
    Colour(String),
}

impl Display for FigureError {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format(message) | Self::Size(message) | Self::Process(message) => write!(f, "{message}"),
            Self::Damaged(e) => {
                write!(f, "the image is damaged or incomplete ({e}); re-export it as JPEG or PNG")
            }
            Self::Unsupported(e) => {
                write!(f, "the image is damaged or unsupported ({e}); re-export it as JPEG or PNG")
            }
            Self::Colour(e) => write!(
                f,
                "its colours cannot be converted through its colour profile ({e}); re-export it in sRGB"
            ),
            Self::Memory => write!(
                f,
                "the image needs more than {} MiB to decode; scale it down",
                files::MAX_DECODE_BYTES / (1024 * 1024)
            ),
        }
    }
}

impl std::error::Error for FigureError {}

/// The raster image that replaces a stand-in in the laid-out pages.
pub struct Swap {
    /// The image drawn in the stand-in's place.
    pub image: RasterImage,
    /// The part of the figure `image` holds, as fractions of the stand-in's width and
    /// height: left, top, width, height.
    pub crop: [f64; 4],
}

/// The virtual folder processed figures are served from.
pub const FIGURES_DIR: &str = "/.yarlung/figures";
/// The virtual folder the layout stand-ins are served from.
pub const STANDINS_DIR: &str = "/.yarlung/layout";
/// The cache folder of processed figures, inside the output folder.
pub const CACHE_DIR: &str = ".cache/figures";
/// Bumped whenever processing changes, so stale cache entries are not reused.
const PIPELINE_VERSION: u32 = 5;

/// From how many times the target size a figure is first averaged down (see
/// [`downsample`]).
const PRESHRINK_FROM: u32 = 6;
/// A figure needing less reduction than this factor is embedded at its own pixel size:
/// at most 15 % above the target resolution is not worth a resampling pass.
const RESAMPLE_BELOW: f64 = 0.87;

/// The resolution figures are downsampled to at their placed size, in pixels per inch.
pub fn target_ppi(profile: Profile) -> f64 {
    match profile {
        Profile::Print | Profile::Archive => 300.0,
        Profile::Screen | Profile::Proof => 150.0,
    }
}

/// The lowest effective resolution a placed figure may have in a document that asks for
/// `ppi` (large formats), or by the profile's rule.
pub fn least_ppi(profile: Profile, ppi: Option<f64>) -> f64 {
    // A document's own resolution is print's; the others ask as much less as they do.
    let print = minimum_ppi(Profile::Print);
    ppi.map_or(minimum_ppi(profile), |ppi| ppi.min(print) * minimum_ppi(profile) / print)
}

/// The lowest effective resolution a placed figure may have before preflight warns.
pub fn minimum_ppi(profile: Profile) -> f64 {
    match profile {
        Profile::Print => 300.0,
        Profile::Archive => 150.0,
        Profile::Screen | Profile::Proof => 96.0,
    }
}

/// The JPEG quality of processed figures.
fn quality(profile: Profile) -> u8 {
    match profile {
        Profile::Print | Profile::Archive => 92,
        Profile::Screen | Profile::Proof => 82,
    }
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
    /// The raster format of `bytes`; `None` for a stand-in (an SVG).
    pub format: Option<ImageFormat>,
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
    /// The pixel size of the figure's source file.
    pub pixels: (u32, u32),
    /// The part of the image left visible by clipping (page and bleed edges, `fit: "cover"`
    /// boxes), as fractions of its width and height: left, top, right, bottom.
    pub visible: [f64; 4],
    /// Where the visible part is on the page, in points from its top left: left, top,
    /// right, bottom.
    pub area: [f64; 4],
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

/// The processed image one document needs of one figure.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Request {
    /// The figure id.
    pub id: String,
    /// The part of the source kept, in source pixels: left, top, width, height.
    pub crop: (u32, u32, u32, u32),
    /// The pixel size to embed.
    pub size: (u32, u32),
    /// The JPEG quality.
    pub quality: u8,
    /// RGB (screen, archive) or the output's CMYK (print).
    pub ink: Ink,
}

/// A processed image, made once: the image or what went wrong.
type Slot = OnceLock<std::result::Result<Served, FigureError>>;

/// Every figure source of a project, with the in-memory cache of processed images.
pub struct Store {
    /// The sources, in the order of the facts.
    pub sources: Vec<Source>,
    /// The on-disk cache folder.
    cache_dir: PathBuf,
    /// Processed images by cache key; each is made once even when documents ask at once.
    processed: Mutex<HashMap<String, Arc<Slot>>>,
    /// Decoded images as Typst embeds them, by cache key, kept while profiles that share
    /// them are made (see [`Store::raster`]).
    rasters: Mutex<HashMap<String, RasterImage>>,
    /// The print condition print figures are converted for.
    press: Arc<Press>,
}

impl Store {
    /// Reads every figure file and its header (size, orientation, density). `output` is the
    /// absolute output folder, which holds the cache; print figures are made for `press`.
    pub fn open(root: &Path, output: &Path, figures: &[FigureFile], press: Arc<Press>) -> Result<Self> {
        let sources = figures
            .par_iter()
            .map(|figure| {
                let path = root.join(&figure.path);
                let meta = std::fs::metadata(&path).map_err(|e| Error::io(&figure.path, e))?;
                let bytes = std::fs::read(&path).map_err(|e| Error::io(&figure.path, e))?;
                let sha256 = crate::output::digest::sha256(&bytes);
                let source = Source::new(figure, bytes, &sha256)
                    .map_err(|m| Error::input(&figure.path, format!("figure `{}`: {m}", figure.id)))?;
                // The manifests list the figure files with their digests: known already.
                crate::output::digest::remember(&path, &meta, sha256);
                Ok(source)
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            sources,
            cache_dir: output.join(CACHE_DIR),
            processed: Mutex::new(HashMap::new()),
            rasters: Mutex::new(HashMap::new()),
            press,
        })
    }

    /// The source of figure `id`.
    pub fn source(&self, id: &str) -> Option<&Source> {
        self.sources.iter().find(|s| s.id == id)
    }

    /// The stand-ins of the layout pass for the figures `ids`.
    pub fn standins(&self, ids: &[String]) -> Vec<Served> {
        ids.iter()
            .filter_map(|id| self.source(id))
            .map(|source| Served {
                id: source.id.clone(),
                vpath: format!("{STANDINS_DIR}/{}-{}.svg", source.id, &source.digest[..8]),
                bytes: source.standin.clone(),
                generated: true,
                size: source.size,
                format: None,
            })
            .collect()
    }

    /// What one document needs for its figure `placements` in `profile`: for each placement,
    /// the part of the image it shows (when cropping saves at least a tenth of the pixels) at
    /// the pixel size it needs (never upsampled). Placements of a figure showing the same part
    /// share one image, at the size the largest needs. Returns the images and, for each
    /// placement in order, the index of its image.
    pub fn requests(
        &self,
        placements: &[Placement],
        profile: Profile,
        ppi: Option<f64>,
    ) -> (Vec<Request>, Vec<usize>) {
        let mut requests: Vec<(Request, f64)> = Vec::new();
        let mut assignment = Vec::new();
        for placement in placements {
            let Some(source) = self.source(&placement.figure) else {
                assignment.push(usize::MAX);
                continue;
            };
            let (w, h) = source.size;
            let (wf, hf) = (f64::from(w), f64::from(h));
            let ppi = ppi.map_or(target_ppi(profile), |ppi| ppi.min(target_ppi(profile)));
            let scale = (placement.size.0 / 72.0 * ppi / wf).max(placement.size.1 / 72.0 * ppi / hf);
            let [l, t, r, b] = placement.visible;
            // A margin of two pixels keeps resampling from pulling in the edge.
            let span = |from: f64, to: f64, side: f64, max: u32| {
                let start = ((from * side).floor() - 2.0).max(0.0) as u32;
                let end = (((to * side).ceil() + 2.0) as u32).min(max);
                (start.min(end), end.saturating_sub(start).max(1))
            };
            let (x, cw) = span(l, r, wf, w);
            let (y, ch) = span(t, b, hf, h);
            let crop = if r > l && b > t && f64::from(cw) * f64::from(ch) < 0.9 * wf * hf {
                (x, y, cw, ch)
            } else {
                (0, 0, w, h)
            };
            let same = requests.iter().position(|(r, _)| r.id == placement.figure && r.crop == crop);
            let index = same.unwrap_or_else(|| {
                let ink = if profile == Profile::Print { Ink::Cmyk } else { Ink::Rgb };
                let request = Request {
                    id: placement.figure.clone(),
                    crop,
                    size: (0, 0),
                    quality: quality(profile),
                    ink,
                };
                requests.push((request, 0.0));
                requests.len() - 1
            });
            requests[index].1 = requests[index].1.max(scale);
            assignment.push(index);
        }
        let requests = requests
            .into_iter()
            .map(|(mut request, scale)| {
                let (cw, ch) = (request.crop.2, request.crop.3);
                request.size = if scale > 0.0 && scale < RESAMPLE_BELOW {
                    let width = (f64::from(cw) * scale).ceil().max(1.0) as u32;
                    let height = ((f64::from(ch) * f64::from(width) / f64::from(cw)).round() as u32).max(1);
                    (width.min(cw), height.min(ch))
                } else {
                    (cw, ch)
                };
                request
            })
            .collect();
        (requests, assignment)
    }

    /// Makes the images of `requests` that are not made yet, decoding each figure at most
    /// once: the largest figure first and alone, then the others in parallel, each figure's
    /// images in parallel. Failures are kept and reported by [`Store::served`]. With
    /// `persist`, new images are also written to the on-disk cache.
    pub fn prepare(&self, requests: &[Request], persist: bool) {
        let mut figures: Vec<(&Source, Vec<&Request>)> = Vec::new();
        for request in requests {
            let Some(source) = self.source(&request.id) else { continue };
            if self.as_is(source, request) {
                continue;
            }
            match figures.iter_mut().find(|(s, _)| s.id == source.id) {
                Some((_, list)) if !list.contains(&request) => list.push(request),
                Some(_) => {}
                None => figures.push((source, vec![request])),
            }
        }
        figures.sort_by_key(|(s, _)| std::cmp::Reverse(u64::from(s.size.0) * u64::from(s.size.1)));
        let make = |(source, requests): &(&Source, Vec<&Request>)| {
            let decoded = OnceLock::new();
            let decode_once = || decoded.get_or_init(|| decode(&source.bytes).map(Arc::new)).clone();
            requests.par_iter().for_each(|request| {
                self.slot(source, request).get_or_init(|| self.make(source, request, persist, decode_once));
            });
        };
        if let Some((largest, others)) = figures.split_first() {
            make(largest);
            others.par_iter().for_each(make);
        }
    }

    /// The image served for `request`: the file itself when Typst embeds it as it is, else the
    /// processed image (made now unless [`Store::prepare`] made it).
    pub fn served(&self, request: &Request, persist: bool) -> Result<Served> {
        let Some(source) = self.source(&request.id) else {
            return Err(Error::internal(format!("figure `{}`", request.id), "no file of it was read"));
        };
        if self.as_is(source, request) {
            return Ok(Served {
                id: source.id.clone(),
                vpath: format!("/{}", source.path.to_string_lossy().replace('\\', "/")),
                bytes: source.bytes.clone(),
                generated: false,
                size: source.size,
                format: Some(source.format),
            });
        }
        let slot = self.slot(source, request);
        let outcome =
            slot.get_or_init(|| self.make(source, request, persist, || decode(&source.bytes).map(Arc::new)));
        outcome.clone().map_err(|m| Error::input(&source.path, format!("figure `{}`: {m}", source.id)))
    }

    /// The images of one document's figure `placements` in `profile`, one per figure, whole
    /// (not cropped) at the size its largest placement needs: what a template that reads one
    /// file per figure is given.
    pub fn finals(
        &self,
        placements: &[Placement],
        profile: Profile,
        ppi: Option<f64>,
        persist: bool,
    ) -> Result<Vec<Served>> {
        let whole: Vec<Placement> =
            placements.iter().map(|p| Placement { visible: [0.0, 0.0, 1.0, 1.0], ..p.clone() }).collect();
        let (requests, _) = self.requests(&whole, profile, ppi);
        requests.iter().map(|request| self.served(request, persist)).collect()
    }

    /// Whether `request` needs no decoding: its file is embedded as it is, or its processed
    /// image is made already or in the disk cache.
    pub fn ready(&self, request: &Request) -> bool {
        let Some(source) = self.source(&request.id) else { return false };
        if self.as_is(source, request) || self.slot(source, request).get().is_some() {
            return true;
        }
        let key = self.key(source, request);
        ["jpg", "png"].iter().any(|ext| self.cache_dir.join(format!("{key}.{ext}")).is_file())
    }

    /// Whether the image of `request` (processed already) is a JPEG embedded after export,
    /// never decoded (see [`Store::late`]).
    pub fn embeds_late(&self, request: &Request) -> bool {
        self.served(request, false).is_ok_and(|served| late_shape(&served).is_some())
    }

    /// For a `request` served as a JPEG that can be embedded after export (see
    /// [`crate::pdf::embed`]), the one-pixel stand-in Typst embeds and the figure that replaces it.
    pub fn late(&self, request: &Request, persist: bool) -> Result<Option<(RasterImage, Embed)>> {
        let served = self.served(request, persist)?;
        let Some((shape, size)) = late_shape(&served) else { return Ok(None) };
        let Some(source) = self.source(&request.id) else { return Ok(None) };
        let marker = format!("yarlung-figure:{}", self.key(source, request)).into_bytes();
        let Some(standin) = embed::standin(&marker, &shape) else { return Ok(None) };
        let image = process::raster(&Served { bytes: Arc::new(standin), ..served.clone() })
            .map_err(|message| Error::input(&source.path, format!("figure `{}`: {message}", source.id)))?;
        let (device, coverage) = match (request.ink, shape.components) {
            (Ink::Cmyk, 4) => {
                let inverted = embed::adobe(&served.bytes);
                let coverage = process::recorded_coverage(&served.bytes)
                    .or_else(|| process::coverage_of(&served.bytes, inverted));
                (Some(embed::Device::Cmyk { inverted }), coverage)
            }
            (Ink::Cmyk, 1) => (Some(embed::Device::Gray), process::recorded_coverage(&served.bytes)),
            _ => (None, None),
        };
        let figure = source.id.clone();
        Ok(Some((image, Embed { figure, marker, bytes: served.bytes, size, device, coverage })))
    }

    /// The image served for `request`, decoded as Typst embeds it; kept until
    /// [`Store::forget_rasters`], so profiles with the same resolution decode it once.
    pub fn raster(&self, request: &Request, persist: bool) -> Result<RasterImage> {
        let Some(source) = self.source(&request.id) else {
            return Err(Error::internal(format!("figure `{}`", request.id), "no file of it was read"));
        };
        let key = self.key(source, request);
        if let Some(raster) = self.rasters.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Ok(raster.clone());
        }
        let served = self.served(request, persist)?;
        let raster = process::raster(&served)
            .map_err(|message| Error::input(&source.path, format!("figure `{}`: {message}", source.id)))?;
        self.rasters.lock().unwrap_or_else(|p| p.into_inner()).insert(key, raster.clone());
        Ok(raster)
    }

    /// What takes the stand-in's place for `request`: with `late`, a JPEG as a one-pixel
    /// stand-in with the figure to put in its place after export (see [`embed`]); else the
    /// image decoded. `None` for a figure the store does not know.
    pub fn swap(
        &self,
        request: &Request,
        persist: bool,
        late: bool,
    ) -> Result<Option<(Swap, Option<Embed>)>> {
        let late = if late { self.late(request, persist)? } else { None };
        let (image, embed) = match late {
            Some((image, embed)) => (image, Some(embed)),
            None => (self.raster(request, persist)?, None),
        };
        let Some(source) = self.source(&request.id) else { return Ok(None) };
        let (w, h) = (f64::from(source.size.0), f64::from(source.size.1));
        let (x, y, cw, ch) = request.crop;
        let crop = [f64::from(x) / w, f64::from(y) / h, f64::from(cw) / w, f64::from(ch) / h];
        Ok(Some((Swap { image, crop }, embed)))
    }

    /// Lets go of the decoded images [`Store::raster`] kept, except those of `requests`.
    pub fn keep_rasters(&self, requests: &[Request]) {
        let keys: Vec<String> =
            requests.iter().filter_map(|r| Some(self.key(self.source(&r.id)?, r))).collect();
        self.rasters.lock().unwrap_or_else(|p| p.into_inner()).retain(|key, _| keys.contains(key));
    }

    /// Lets go of the decoded images [`Store::raster`] kept.
    pub fn forget_rasters(&self) {
        self.rasters.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }

    /// The memory-cache slot of `request`.
    fn slot(&self, source: &Source, request: &Request) -> Arc<Slot> {
        let key = self.key(source, request);
        self.processed.lock().unwrap_or_else(|p| p.into_inner()).entry(key).or_default().clone()
    }

    /// Makes the image of `request` from the disk cache or from the `decoded` source.
    fn make(
        &self,
        source: &Source,
        request: &Request,
        persist: bool,
        decoded: impl FnOnce() -> std::result::Result<Arc<Decoded>, FigureError>,
    ) -> std::result::Result<Served, FigureError> {
        let key = self.key(source, request);
        // A cache file counts only when complete (it ends as its format ends).
        let cached = [("jpg", &b"\xFF\xD9"[..]), ("png", &b"IEND\xAE\x42\x60\x82"[..])].into_iter().find_map(
            |(ext, end)| {
                let bytes = std::fs::read(self.cache_dir.join(format!("{key}.{ext}"))).ok()?;
                bytes.ends_with(end).then_some((bytes, ext))
            },
        );
        let (bytes, ext) = match cached {
            Some(hit) => hit,
            None => {
                let target = Target { ink: request.ink, press: &self.press };
                let made = encode(&*decoded()?, request.crop, request.size, request.quality, target)?;
                if persist {
                    let path = self.cache_dir.join(format!("{key}.{}", made.1));
                    // A cache that cannot be written only costs time on the next run.
                    let _ = crate::output::write::write_quick(&path, &made.0);
                }
                made
            }
        };
        let (w, h) = request.size;
        Ok(Served {
            id: source.id.clone(),
            vpath: format!("{FIGURES_DIR}/{}-{}-{w}x{h}.{ext}", source.id, &source.digest[..8]),
            bytes: Arc::new(bytes),
            generated: true,
            size: request.size,
            format: Some(if ext == "png" { ImageFormat::Png } else { ImageFormat::Jpeg }),
        })
    }
}

/// The JPEG shape and pixel size of `served` when it is embedded after export (see
/// [`embed::shape`]).
fn late_shape(served: &Served) -> Option<(embed::Shape, (u32, u32))> {
    (served.format == Some(ImageFormat::Jpeg)).then(|| embed::shape(&served.bytes)).flatten()
}

impl Store {
    /// Whether `request` is served by the figure's file itself: for RGB, a file Typst embeds
    /// as it is, needing no cropping and no downsampling; for CMYK, a CMYK JPEG already in
    /// the output's CMYK (untagged, or tagged with the output profile), shown whole.
    fn as_is(&self, source: &Source, request: &Request) -> bool {
        match request.ink {
            Ink::Rgb => source.embeds_as_is(request),
            Ink::Cmyk => {
                request.crop == (0, 0, source.size.0, source.size.1)
                    && match &source.press_ready {
                        Some(None) => true,
                        Some(Some(digest)) => *digest == self.press.profile.digest,
                        None => false,
                    }
            }
        }
    }

    /// The cache key of `request` for `source`.
    fn key(&self, source: &Source, request: &Request) -> String {
        let (w, h) = request.size;
        let crop = match request.crop {
            (0, 0, cw, ch) if (cw, ch) == source.size => String::new(),
            (x, y, cw, ch) => format!("-c{x}_{y}_{cw}_{ch}"),
        };
        let ink = match request.ink {
            Ink::Rgb => String::new(),
            Ink::Cmyk => format!("-cmyk-{}", self.press.key()),
        };
        format!("{}{crop}-{w}x{h}-q{}{ink}-v{PIPELINE_VERSION}", source.digest, request.quality)
    }
}
