//! A figure's source file: its header read once (format, size, orientation, colour
//! profile) and whether Typst can embed it as it is.

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::Arc;

use image::metadata::Orientation;
use image::{ExtendedColorType, ImageDecoder, ImageFormat, ImageReader};

use super::files::{self, FigureFile};
use super::{FigureError, Request, colour, process};

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
    /// Whether Typst can embed the file as it is: an upright 8-bit grey or RGB JPEG, or an
    /// upright 8-bit PNG.
    pub(super) direct: bool,
    /// The SVG that stands in for the figure in the layout pass.
    pub(super) standin: Arc<Vec<u8>>,
    /// What preflight warns of: a colour profile that cannot be used.
    pub(super) note: Option<String>,
    /// What preflight warns of: the name's extension says another format (the message).
    pub(super) misnamed: Option<String>,
    /// Whether the file ends early.
    pub(super) cut_short: bool,
    /// For an upright CMYK JPEG that can be embedded as it is: the SHA-256 of its embedded
    /// profile (`None`: untagged, taken as the output's CMYK).
    pub(super) press_ready: Option<Option<String>>,
}

impl Source {
    /// Reads the header of a figure's bytes, whose SHA-256 is `sha256` (lowercase hex).
    pub(super) fn new(
        figure: &FigureFile,
        bytes: Vec<u8>,
        sha256: &str,
    ) -> std::result::Result<Self, FigureError> {
        let format = image::guess_format(&bytes).map_err(|e| {
            FigureError::Format(format!("unknown image format ({e}); re-export it as JPEG or PNG"))
        })?;
        let (w, h, orientation, color, icc) = {
            let mut reader = ImageReader::with_format(Cursor::new(&bytes), format);
            reader.limits(files::limits());
            let mut decoder = reader.into_decoder().map_err(|e| FigureError::Unsupported(e.to_string()))?;
            let (w, h) = decoder.dimensions();
            let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
            let icc = decoder.icc_profile().ok().flatten().filter(|icc| icc.len() > 20);
            (w, h, orientation, decoder.original_color_type(), icc)
        };
        let cmyk = matches!(color, ExtendedColorType::Cmyk8 | ExtendedColorType::Cmyk16);
        let embedded = if cmyk { colour::Embedded::Cmyk } else { colour::classify(icc.as_deref()) };
        let size = match orientation {
            Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH => (h, w),
            _ => (w, h),
        };
        let upright = orientation == Orientation::NoTransforms;
        // Typst picks a file's decoder by its name: a misnamed one is always processed.
        let direct = upright
            && figure.misnamed.is_none()
            && embedded == colour::Embedded::Srgb
            && match format {
                ImageFormat::Jpeg => matches!(color, ExtendedColorType::Rgb8 | ExtendedColorType::L8),
                ImageFormat::Png => matches!(
                    color,
                    ExtendedColorType::Rgb8
                        | ExtendedColorType::L8
                        | ExtendedColorType::Rgba8
                        | ExtendedColorType::La8
                ),
                _ => false,
            };
        let press_ready =
            (upright && format == ImageFormat::Jpeg && cmyk && color == ExtendedColorType::Cmyk8)
                .then(|| crate::pdf::embed::shape(&bytes).filter(|(shape, _)| shape.components == 4))
                .flatten()
                .map(|_| icc.as_deref().map(crate::output::digest::sha256));
        let digest = sha256.get(..16).unwrap_or(sha256).to_string();
        let standin = process::standin(&figure.id, &digest, size, process::density(&bytes));
        Ok(Self {
            id: figure.id.clone(),
            path: figure.path.clone(),
            bytes: Arc::new(bytes),
            digest,
            format,
            size,
            direct,
            standin: Arc::new(standin),
            note: match embedded {
                colour::Embedded::Unusable(why) => Some(why),
                _ => None,
            },
            press_ready,
            misnamed: figure.misnamed.clone(),
            cut_short: figure.cut_short,
        })
    }

    /// Whether `request` is served by the file itself: Typst embeds it as it is and it needs
    /// no cropping and no downsampling.
    pub(super) fn embeds_as_is(&self, request: &Request) -> bool {
        self.direct && request.size == self.size && request.crop == (0, 0, self.size.0, self.size.1)
    }
}
