//! The preflight check on the project as a whole: image files no figure uses.

use std::path::{Path, PathBuf};

use crate::finding::{Check, Finding, Severity};

/// Files in the figure folders that `yarlung.yaml` does not use.
pub fn unused_figures(root: &Path, used: &[PathBuf]) -> Vec<Finding> {
    const IMAGES: [&str; 8] = ["png", "jpg", "jpeg", "tif", "tiff", "bmp", "webp", "gif"];
    let mut dirs: Vec<PathBuf> = used.iter().filter_map(|p| p.parent().map(Path::to_path_buf)).collect();
    dirs.push(PathBuf::from("images"));
    dirs.sort();
    dirs.dedup();
    let used: Vec<PathBuf> = used.iter().filter_map(|p| root.join(p).canonicalize().ok()).collect();
    let mut out = Vec::new();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(root.join(&dir)) else { continue };
        let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let image = file
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| IMAGES.contains(&e.to_ascii_lowercase().as_str()));
            if !image || !file.is_file() || file.canonicalize().is_ok_and(|real| used.contains(&real)) {
                continue;
            }
            let name = file.file_name().map(|n| dir.join(n)).unwrap_or(file.clone());
            out.push(Finding {
                severity: Severity::Warning,
                check: Check::UnusedFigure,
                document: None,
                profile: None,
                page: None,
                what: format!("{} is not used by any figure in yarlung.yaml", name.display()),
                fix: "point a figure at it under figures: in yarlung.yaml, or remove the file".into(),
                field: None,
                area: None,
            });
        }
    }
    out
}
