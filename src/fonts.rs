//! The fonts: the shipped OFL subsets embedded in the binary, plus `--font-path` folders.

use std::path::{Path, PathBuf};

use typst::foundations::Bytes;
use typst::text::Font;
use typst_kit::fonts::FontStore;

use crate::error::{Error, Result};

/// The shipped fonts (`fonts/`), compiled into the binary so a bare machine needs nothing.
pub const EMBEDDED: [(&str, &[u8]); 6] = [
    ("NotoSerifCJKsc-Regular.otf", include_bytes!("../fonts/NotoSerifCJKsc-Regular.otf")),
    ("NotoSerifCJKsc-Bold.otf", include_bytes!("../fonts/NotoSerifCJKsc-Bold.otf")),
    ("NotoSansCJKsc-Regular.otf", include_bytes!("../fonts/NotoSansCJKsc-Regular.otf")),
    ("NotoSansCJKsc-Bold.otf", include_bytes!("../fonts/NotoSansCJKsc-Bold.otf")),
    ("NotoSerifTibetan-Regular.ttf", include_bytes!("../fonts/NotoSerifTibetan-Regular.ttf")),
    ("NotoSerifTibetan-Bold.ttf", include_bytes!("../fonts/NotoSerifTibetan-Bold.ttf")),
];

include!(concat!(env!("OUT_DIR"), "/font_digests.rs"));

/// The largest font file accepted from a font folder.
const MAX_FONT_BYTES: u64 = 64 * 1024 * 1024;

/// The parsed embedded fonts.
pub fn embedded() -> impl Iterator<Item = Font> {
    EMBEDDED.into_iter().flat_map(|(_, data)| Font::iter(Bytes::new(data)))
}

/// Builds the font store: embedded fonts first, then every font in `paths` (searched
/// recursively). A folder that does not exist or a file that is not a font is an error.
pub fn store(paths: &[PathBuf]) -> Result<FontStore> {
    let mut store = FontStore::new();
    for font in embedded() {
        let info = font.info().clone();
        store.push((font, info));
    }
    for dir in paths {
        if !dir.is_dir() {
            let problem = match dir.exists() {
                true => "is not a folder; --font-path takes a folder of fonts",
                false => "the font folder does not exist; check --font-path",
            };
            return Err(Error::input(dir, problem));
        }
        let mut files = Vec::new();
        collect(dir, &mut files, 0)?;
        files.sort();
        for file in files {
            for font in load(&file)? {
                let info = font.info().clone();
                store.push((font, info));
            }
        }
    }
    Ok(store)
}

/// Lists font files (`.ttf`, `.otf`, `.ttc`, `.otc`) under `dir`, at most 8 levels deep.
fn collect(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        if path.is_dir() && depth < 8 {
            collect(&path, out, depth + 1)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc" | "otc"))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Loads every face of a font file, refusing files that hold none.
fn load(path: &Path) -> Result<Vec<Font>> {
    let len = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    if len > MAX_FONT_BYTES {
        return Err(Error::input(
            path,
            format!("the font file is {len} bytes; the limit is {MAX_FONT_BYTES}"),
        ));
    }
    let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let fonts: Vec<Font> = Font::iter(Bytes::new(data)).collect();
    if fonts.is_empty() {
        return Err(Error::input(
            path,
            "not a usable font (damaged or unsupported); remove it from the font folder",
        ));
    }
    if let Some(font) = fonts.iter().find(|font| !tables_in_bounds(font.data(), font.index())) {
        return Err(Error::input(
            path,
            format!(
                "the font is damaged: face {} has tables that run past the end of the file \
                 (truncated download?); replace it or remove it from the font folder",
                font.index()
            ),
        ));
    }
    Ok(fonts)
}

/// Whether every table of face `index` in the OpenType/TrueType `data` lies inside the data.
/// A truncated file can still parse (the required tables come first) and then silently
/// lack glyphs; this catches it.
fn tables_in_bounds(data: &[u8], index: u32) -> bool {
    let u16_at = |at: usize| data.get(at..at + 2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])));
    let u32_at =
        |at: usize| data.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize);
    let base = match data.starts_with(b"ttcf") {
        true => match u32_at(12 + 4 * index as usize) {
            Some(base) => base,
            None => return false,
        },
        false => 0,
    };
    let Some(tables) = u16_at(base + 4) else { return false };
    (0..tables).all(|i| {
        let record = base + 12 + 16 * i;
        match (u32_at(record + 8), u32_at(record + 12)) {
            (Some(offset), Some(length)) => offset.checked_add(length).is_some_and(|end| end <= data.len()),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_time_digests_match_the_embedded_fonts() {
        for (name, data) in EMBEDDED {
            let known = EMBEDDED_DIGESTS.iter().find(|(n, ..)| *n == name).map(|(_, sha, sm3)| (*sha, *sm3));
            let digests = crate::output::digest::digests(data);
            assert_eq!(known, Some((digests.sha256.as_str(), digests.sm3.as_str())), "{name}");
        }
    }
}
