//! The figure files: found inside the project, decoded headers checked with `image`.

use std::path::{Path, PathBuf};

use image::ImageReader;

use crate::config::{CONFIG_FILE, ProjectConfig};
use crate::error::{Error, Result};
use crate::facts::Facts;

/// The largest figure file yarlung accepts.
pub const MAX_FIGURE_BYTES: u64 = 200 * 1024 * 1024;
/// The largest width or height, in pixels, of a figure.
pub const MAX_FIGURE_SIDE: u32 = 30_000;

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
}

/// Resolves and checks the file of every figure in the facts.
pub fn resolve(root: &Path, config: &ProjectConfig, facts: &Facts) -> Result<Vec<FigureFile>> {
    let config_file = Path::new(CONFIG_FILE);
    facts
        .figures
        .iter()
        .map(|figure| {
            let field = format!("figures.{}", figure.id);
            let path = config.figures.get(&figure.id).ok_or_else(|| {
                Error::field(
                    config_file,
                    &field,
                    format!(
                        "figure `{}` has facts but no file; add `{}: images/<file>` under figures:",
                        figure.id, figure.id
                    ),
                )
            })?;
            let real = contained(root, path)
                .map_err(|message| Error::field(config_file, &field, message))?;
            let (width, height) = header(&real).map_err(|message| Error::input(path, message))?;
            Ok(FigureFile {
                id: figure.id.clone(),
                path: path.clone(),
                width,
                height,
            })
        })
        .collect()
}

/// Canonicalizes `root/rel` and refuses it unless it is a file inside `root` (symlinks included).
pub fn contained(root: &Path, rel: &Path) -> Result<PathBuf, String> {
    let real = root
        .join(rel)
        .canonicalize()
        .map_err(|e| format!("`{}` cannot be opened: {e}; check the path", rel.display()))?;
    if !real.starts_with(root) {
        return Err(format!(
            "`{}` leads outside the project root; copy the file into the project",
            rel.display()
        ));
    }
    if !real.is_file() {
        return Err(format!("`{}` is not a file", rel.display()));
    }
    Ok(real)
}

/// Reads the pixel size of an image from its header, after checking its size limits.
fn header(path: &Path) -> Result<(u32, u32), String> {
    let len = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    if len == 0 {
        return Err("the image file is empty; replace it with a JPEG or PNG".into());
    }
    if len > MAX_FIGURE_BYTES {
        return Err(format!(
            "the image file is {len} bytes; the limit is {MAX_FIGURE_BYTES}"
        ));
    }
    let reader = ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| format!("cannot read the image: {e}"))?;
    if reader.format().is_none() {
        return Err("not a recognised image format; use JPEG or PNG".into());
    }
    let (width, height) = reader.into_dimensions().map_err(|e| {
        format!("the image is damaged or unsupported ({e}); re-export it as JPEG or PNG")
    })?;
    if width == 0 || height == 0 || width > MAX_FIGURE_SIDE || height > MAX_FIGURE_SIDE {
        return Err(format!(
            "the image is {width} × {height} px; each side must be 1 to {MAX_FIGURE_SIDE} px"
        ));
    }
    Ok((width, height))
}
