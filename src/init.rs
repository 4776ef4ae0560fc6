//! `yarlung init DIR`: a new project that builds at once — the shipped templates, a small
//! set of facts (the shared project facts, one province, one figure) and a placeholder
//! figure drawn here.

use std::path::Path;

use image::{Rgb, RgbImage};

use crate::error::{Error, Result};

/// The configuration of a new project.
const CONFIG: &str = "\
# yarlung project. Paths are relative to this file's folder, which is the project root.
# Run `yarlung build` here (or `yarlung watch` while editing).

# Printed in the colophon and stored as the PDFs' creation date.
date: 2025-09-01

data: data      # facts: project.yaml, figures.yaml, provinces/*.yaml
output: out     # PDFs go to out/<profile>/<document>.pdf

documents:
  - name: brochure
    template: templates/brochure.typ
    trim: { width: 210, height: 297 }   # millimetres, A4 portrait
    figures: all
    pages: { multiple-of: 4 }           # saddle stitching

  # One leaflet per file in data/provinces/: a new province is one more YAML file.
  - name: leaflet-{province}
    each: province
    template: templates/leaflet.typ
    trim: { width: 297, height: 210 }   # A4 landscape, folded in three
    figures: province
    pages: { exactly: 2 }

# The figure files (JPEG or PNG inside the project).
figures:
  fig1: images/fig1-placeholder.jpg
";

/// The configuration of a new project, with the materials' documents when asked.
fn config(materials: bool) -> String {
    if !materials {
        return CONFIG.into();
    }
    let (documents, figures) = CONFIG.split_once("\n# The figure files").unwrap_or((CONFIG, ""));
    format!("{}{MATERIALS}\n# The figure files{figures}", documents.trim_end_matches('\n'))
}

/// The figure facts of a new project: one figure.
const FIGURES: &str = "\
# Captions and alt texts of the figures; their files are listed in yarlung.yaml.
- id: fig1
  number: 1
  province: hubei
  section: industry
  caption: 示意图：请替换为实拍照片，并改写这段图片说明。
  alt: 占位示意图，渐变色块（示意图）。
";

/// The documents of events and online articles `init --materials` adds to the config:
/// roll-up banners, display boards, the WeChat long image and article covers.
const MATERIALS: &str = "
  # Roll-up banners (易拉宝), one per province and one for the story; 850 × 2000 and an
  # X-banner 600 × 1600 work too. The stand hides the top 30 and bottom 150 mm.
  - name: rollup-{province}
    each: province
    template: templates/rollup.typ
    trim: { width: 800, height: 2000 }
    figures: province
    pages: { exactly: 1 }
    safe: { top: 30, bottom: 150 }
    ppi: 100
    reading-distance: 2
  - name: rollup
    template: templates/rollup.typ
    trim: { width: 800, height: 2000 }
    figures: all
    pages: { exactly: 1 }
    safe: { top: 30, bottom: 150 }
    ppi: 100
    reading-distance: 2

  # Display boards (展板): an opening board and one per section, a board per page.
  - name: boards
    template: templates/board.typ
    trim: { width: 900, height: 1200 }
    figures: all
    ppi: 100
    reading-distance: 1.5

  # WeChat: the long image (一图读懂) and article covers, written with --profile screen.
  - name: longimage
    template: templates/longimage.typ
    trim: { width: 381, height: 15000 }
    figures: all
    format: jpeg
    pixels: { width: 1080, auto-height: true }
  - name: cover-wide
    template: templates/cover.typ
    trim: { width: 317.5, height: 135.114 }
    figures: all
    pages: { exactly: 1 }
    format: png
    pixels: { width: 900 }
  - name: cover-square
    template: templates/cover.typ
    trim: { width: 176.389, height: 176.389 }
    figures: all
    pages: { exactly: 1 }
    format: png
    pixels: { width: 500 }
";

/// The shipped templates, copied into every new project.
const TEMPLATES: [(&str, &str); 22] = [
    ("facts.typ", include_str!("../templates/facts.typ")),
    ("theme.typ", include_str!("../templates/theme.typ")),
    ("components.typ", include_str!("../templates/components.typ")),
    ("brochure.typ", include_str!("../templates/brochure.typ")),
    ("brochure/closing.typ", include_str!("../templates/brochure/closing.typ")),
    ("brochure/common.typ", include_str!("../templates/brochure/common.typ")),
    ("brochure/cover.typ", include_str!("../templates/brochure/cover.typ")),
    ("brochure/headline.typ", include_str!("../templates/brochure/headline.typ")),
    ("brochure/index.typ", include_str!("../templates/brochure/index.typ")),
    ("brochure/numbers.typ", include_str!("../templates/brochure/numbers.typ")),
    ("brochure/padding.typ", include_str!("../templates/brochure/padding.typ")),
    ("brochure/preface.typ", include_str!("../templates/brochure/preface.typ")),
    ("brochure/sections.typ", include_str!("../templates/brochure/sections.typ")),
    ("brochure/summaries.typ", include_str!("../templates/brochure/summaries.typ")),
    ("brochure/tasks.typ", include_str!("../templates/brochure/tasks.typ")),
    ("brochure/teams.typ", include_str!("../templates/brochure/teams.typ")),
    ("leaflet.typ", include_str!("../templates/leaflet.typ")),
    ("display.typ", include_str!("../templates/display.typ")),
    ("rollup.typ", include_str!("../templates/rollup.typ")),
    ("board.typ", include_str!("../templates/board.typ")),
    ("longimage.typ", include_str!("../templates/longimage.typ")),
    ("cover.typ", include_str!("../templates/cover.typ")),
];

/// The shipped project facts, trimmed to the example province on creation.
const PROJECT: &str = include_str!("../data/project.yaml");
/// The example province.
const PROVINCE: &str = include_str!("../data/provinces/hubei.yaml");

/// Creates a new project in `dir`, which must not exist or be empty; with `materials`, its
/// config also makes the event and online materials. Returns the number of files written.
pub fn scaffold(dir: &Path, materials: bool) -> Result<usize> {
    if dir.exists() {
        let empty = std::fs::read_dir(dir)
            .map_err(|_| Error::Usage(format!("{} exists and is not a folder", dir.display())))?
            .next()
            .is_none();
        if !empty {
            return Err(Error::Usage(format!(
                "{} is not empty; yarlung init creates a project only in a new or empty folder",
                dir.display()
            )));
        }
    }
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("yarlung.yaml".into(), config(materials).into()),
        ("data/project.yaml".into(), project_facts().into_bytes()),
        ("data/figures.yaml".into(), FIGURES.into()),
        ("data/provinces/hubei.yaml".into(), PROVINCE.into()),
        ("images/fig1-placeholder.jpg".into(), placeholder()?),
    ];
    files
        .extend(TEMPLATES.iter().map(|(name, text)| (format!("templates/{name}"), text.as_bytes().to_vec())));
    for (rel, bytes) in &files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
    }
    Ok(files.len())
}

/// The shipped project facts with the headline numbers and charts of the example province
/// only: an entry naming a metric of another province is left out, with its continuation
/// lines.
fn project_facts() -> String {
    let mut out = String::with_capacity(PROJECT.len());
    let (mut listed, mut dropping) = (false, false);
    for line in PROJECT.lines() {
        if !line.starts_with(' ') && !line.starts_with('-') {
            listed = line.starts_with("headline:") || line.starts_with("charts:");
            dropping = false;
        } else if listed && line.trim_start().starts_with("- ") {
            let keys = line.split(|c: char| " ,[]{}".contains(c)).filter(|t| t.matches('.').count() == 2);
            dropping = keys.into_iter().any(|key| !key.starts_with("hubei."));
        }
        if listed && dropping {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A placeholder figure: a blue-to-ochre gradient with a diagonal band, as JPEG, 2700 ×
/// 3600 px: enough for 300 ppi where the brochure places it largest (the cover, with bleed).
fn placeholder() -> Result<Vec<u8>> {
    let (w, h) = (2700u32, 3600u32);
    let image = RgbImage::from_fn(w, h, |x, y| {
        let t = y as f32 / h as f32;
        let band = ((x + y) / 180) % 2 == 0;
        let shade = if band { 1.0 } else { 0.93 };
        let mix = |a: f32, b: f32| ((a + (b - a) * t) * shade) as u8;
        Rgb([mix(70.0, 214.0), mix(120.0, 170.0), mix(180.0, 90.0)])
    });
    let mut bytes = Vec::new();
    jpeg_encoder::Encoder::new(&mut bytes, 85)
        .encode(image.as_raw(), w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| Error::internal("the placeholder figure", e))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::TEMPLATES;

    /// Every file of the shipped templates folder goes into a new project, and nothing else.
    #[test]
    fn a_new_project_gets_every_shipped_template() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut shipped = Vec::new();
        let mut dirs = vec![root.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).expect("templates folder") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    shipped.push(path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"));
                }
            }
        }
        shipped.sort();
        let mut listed: Vec<String> = TEMPLATES.iter().map(|(name, _)| name.to_string()).collect();
        listed.sort();
        assert_eq!(listed, shipped);
    }
}
