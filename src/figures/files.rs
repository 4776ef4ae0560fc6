//! The figure files: found inside the project, their headers checked with `image` within limits
//! (the pixels are decoded, within the same limits, by [`crate::figures`]).

use std::path::{Path, PathBuf};

use image::metadata::Orientation;
use image::{ImageFormat, ImageReader, Limits};

use super::FigureError;

/// The largest figure file yarlung accepts.
pub const MAX_FIGURE_BYTES: u64 = 200 * 1024 * 1024;
/// The largest width or height, in pixels, of a figure.
pub const MAX_FIGURE_SIDE: u32 = 30_000;
/// The most pixels (width × height) a figure may have; a 100-megapixel camera stays below.
pub const MAX_FIGURE_PIXELS: u64 = 150_000_000;
/// The most memory decoding one figure may allocate (Typst's default decoding budget).
pub const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// A figure file that exists, stays inside the project and has a readable image header.
#[derive(Debug, Clone)]
pub struct FigureFile {
    /// The figure id.
    pub id: String,
    /// The path relative to the project root.
    pub path: PathBuf,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// When the name's extension says another format than the content: what it holds and
    /// is named (the content decides how it is read).
    pub misnamed: Option<String>,
    /// Whether the file ends early (a JPEG without its end marker after the last scan, a
    /// PNG without its end chunk): an interrupted copy or download.
    pub cut_short: bool,
}

/// What [`inspect`] finds in a figure file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspected {
    /// The pixel size as the image is seen (its EXIF orientation applied).
    pub size: (u32, u32),
    /// When the extension lies: what the file holds and how it is named.
    pub misnamed: Option<String>,
    /// Whether the file ends early (see [`FigureFile::cut_short`]).
    pub cut_short: bool,
}

/// Why a path inside the project cannot be used.
#[derive(Debug)]
pub enum PathError {
    /// It cannot be opened.
    Open(PathBuf, std::io::Error),
    /// It leads outside the project root.
    Outside(PathBuf),
    /// It is no file.
    NotFile(PathBuf),
}

impl std::fmt::Display for PathError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Open(rel, e) => write!(f, "`{}` cannot be opened: {e}; check the path", rel.display()),
            Self::Outside(rel) => {
                write!(
                    f,
                    "`{}` leads outside the project root; copy the file into the project",
                    rel.display()
                )
            }
            Self::NotFile(rel) => write!(f, "`{}` is not a file", rel.display()),
        }
    }
}

/// Canonicalizes `root/rel` and refuses it unless it is a file inside `root` (symlinks included).
pub fn contained(root: &Path, rel: &Path) -> Result<PathBuf, PathError> {
    let real = root.join(rel).canonicalize().map_err(|e| PathError::Open(rel.to_path_buf(), e))?;
    if !real.starts_with(root) {
        return Err(PathError::Outside(rel.to_path_buf()));
    }
    if !real.is_file() {
        return Err(PathError::NotFile(rel.to_path_buf()));
    }
    Ok(real)
}

/// Checks a figure file the way Typst will use it, so that a bad image is reported here,
/// naming the figure, instead of as an anonymous decoding error inside a template: the
/// size limits, that the content is JPEG, PNG, TIFF, BMP, WebP or GIF, and that the header
/// is readable. A file whose extension says another format (a PNG a messenger app saved as
/// `.jpg`) is read by its content; the mismatch is returned for preflight to warn of.
pub fn inspect(path: &Path) -> Result<Inspected, FigureError> {
    let len = std::fs::metadata(path)
        .map_err(|e| FigureError::Format(format!("cannot read the image: {e}")))?
        .len();
    if len == 0 {
        return Err(FigureError::Format("the image file is empty; replace it with a JPEG or PNG".into()));
    }
    if len > MAX_FIGURE_BYTES {
        return Err(FigureError::Size(format!(
            "the image file is {len} bytes; the limit is {MAX_FIGURE_BYTES}; save it smaller"
        )));
    }
    let bytes =
        std::fs::read(path).map_err(|e| FigureError::Format(format!("cannot read the image: {e}")))?;
    let format = match image::guess_format(&bytes) {
        Ok(
            format @ (ImageFormat::Png
            | ImageFormat::Jpeg
            | ImageFormat::Tiff
            | ImageFormat::Bmp
            | ImageFormat::WebP
            | ImageFormat::Gif),
        ) => format,
        Ok(other) => {
            return Err(FigureError::Format(format!(
                "the file holds a {other:?} image; JPEG, PNG, TIFF, WebP, GIF and BMP are accepted, \
                 re-export it as one"
            )));
        }
        Err(_) => {
            return Err(FigureError::Format(
                "the file is not a JPEG or PNG image (nor TIFF, WebP, GIF or BMP); replace it with one"
                    .into(),
            ));
        }
    };
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let named = match extension.as_str() {
        "png" => Some(ImageFormat::Png),
        "jpg" | "jpeg" => Some(ImageFormat::Jpeg),
        "tif" | "tiff" => Some(ImageFormat::Tiff),
        "bmp" => Some(ImageFormat::Bmp),
        "webp" => Some(ImageFormat::WebP),
        "gif" => Some(ImageFormat::Gif),
        _ => None,
    };
    let misnamed = (named != Some(format)).then(|| {
        let (kind, right) = match format {
            ImageFormat::Png => ("PNG", ".png"),
            ImageFormat::Tiff => ("TIFF", ".tif"),
            ImageFormat::Bmp => ("BMP", ".bmp"),
            ImageFormat::WebP => ("WebP", ".webp"),
            ImageFormat::Gif => ("GIF", ".gif"),
            _ => ("JPEG", ".jpg"),
        };
        format!("the file holds {kind} data but its name ends in `.{extension}` (it should end in `{right}`)")
    });
    let reader = ImageReader::with_format(std::io::Cursor::new(&bytes), format);
    let mut decoder = reader.into_decoder().map_err(|e| FigureError::Unsupported(e.to_string()))?;
    let (width, height) = image::ImageDecoder::dimensions(&decoder);
    // A photo turned by its EXIF orientation is as wide as it is stored high.
    let turned = matches!(
        image::ImageDecoder::orientation(&mut decoder),
        Ok(Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH)
    );
    if width == 0 || height == 0 || width > MAX_FIGURE_SIDE || height > MAX_FIGURE_SIDE {
        return Err(FigureError::Size(format!(
            "the image is {width} × {height} px; each side must be 1 to {MAX_FIGURE_SIDE} px"
        )));
    }
    if u64::from(width) * u64::from(height) > MAX_FIGURE_PIXELS {
        return Err(FigureError::Size(format!(
            "the image is {width} × {height} px, more than {} megapixels; scale it down \
             (print needs about 300 ppi at the placed size)",
            MAX_FIGURE_PIXELS / 1_000_000
        )));
    }
    let size = if turned { (height, width) } else { (width, height) };
    Ok(Inspected { size, misnamed, cut_short: cut_short(&bytes, format) })
}

/// The decoding limits for figures: the side limit and Typst's own allocation budget, so an
/// image that passes here also decodes in Typst.
pub fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_FIGURE_SIDE);
    limits.max_image_height = Some(MAX_FIGURE_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits
}

/// Whether a JPEG or PNG file ends early. A JPEG's entropy-coded data never holds the end
/// marker (FF D9), so a complete file has one after its last scan (FF DA); a PNG ends with
/// its IEND chunk. Other formats are not judged.
pub fn cut_short(bytes: &[u8], format: ImageFormat) -> bool {
    match format {
        ImageFormat::Jpeg => {
            let last_scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]);
            match last_scan {
                Some(at) => !bytes[at..].windows(2).any(|w| w == [0xFF, 0xD9]),
                None => true,
            }
        }
        ImageFormat::Png => !bytes.windows(4).rev().take(64).any(|w| w == b"IEND"),
        _ => false,
    }
}
