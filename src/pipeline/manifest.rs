//! `manifest.json`: what a build read and wrote, with SHA-256 and SM3 digests, per profile.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::output::digest::{Digests, digests, file_digests};
use crate::project::config::Trim;

/// The file name of the manifest inside `out/<profile>/`.
pub const MANIFEST_FILE: &str = "manifest.json";

/// The manifest of one profile's outputs.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    /// The tool and its version.
    pub tool: String,
    /// The embedded Typst version.
    pub typst: String,
    /// The profile.
    pub profile: String,
    /// The documents' fixed date.
    pub date: String,
    /// Every input: config, facts, templates, figures, fonts.
    pub inputs: Vec<FileEntry>,
    /// Every output PDF.
    pub outputs: Vec<OutputEntry>,
    /// Warnings raised while building.
    pub warnings: Vec<String>,
    /// A `--final` build: the approvals of the proof round with exactly these inputs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<crate::profile::Approval>,
}

/// An input file and its digest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path relative to the project root (fonts: `embedded:<name>`).
    pub path: String,
    /// SHA-256 and SM3, lowercase hex.
    #[serde(flatten)]
    pub digests: Digests,
}

/// An output PDF.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutputEntry {
    /// The document's name.
    pub document: String,
    /// Path relative to the project root.
    pub path: String,
    /// SHA-256 and SM3, lowercase hex.
    #[serde(flatten)]
    pub digests: Digests,
    /// Page count.
    pub pages: usize,
    /// The trimmed page size in millimetres.
    pub trim: Trim,
    /// The bleed per side in millimetres.
    pub bleed: f64,
    /// The PDF standards the file conforms to.
    pub standards: Vec<String>,
}

/// Digests of the files at `paths` (relative to `root`), sorted by path.
pub fn inputs(root: &Path, paths: &[PathBuf]) -> Result<Vec<FileEntry>> {
    let mut entries = Vec::with_capacity(paths.len() + crate::fonts::EMBEDDED.len());
    for rel in paths {
        let path = root.join(rel);
        let path_name = rel.to_string_lossy().replace('\\', "/");
        entries.push(FileEntry { path: path_name, digests: file_digests(&path)? });
    }
    static FONTS: OnceLock<Vec<FileEntry>> = OnceLock::new();
    entries.extend_from_slice(FONTS.get_or_init(|| {
        crate::fonts::EMBEDDED
            .iter()
            .map(|(name, data)| {
                let known = crate::fonts::EMBEDDED_DIGESTS.iter().find(|(n, ..)| n == name);
                let digests = known.map_or_else(
                    || digests(data),
                    |(_, sha256, sm3)| Digests { sha256: sha256.to_string(), sm3: sm3.to_string() },
                );
                FileEntry { path: format!("embedded:fonts/{name}"), digests }
            })
            .collect()
    }));
    entries.sort_by(|a, b| a.path.cmp(&b.path));
    entries.dedup_by(|a, b| a.path == b.path);
    Ok(entries)
}

impl Manifest {
    /// Merges `outputs` into the manifest already at `path` (documents not rebuilt this
    /// time are kept while their PDF still exists), then writes it atomically.
    pub fn write_merged(mut self, path: &Path, root: &Path) -> Result<()> {
        if let Ok(old) = std::fs::read(path)
            && let Ok(old) = serde_json::from_slice::<Manifest>(&old)
        {
            let kept: Vec<OutputEntry> = old
                .outputs
                .into_iter()
                .filter(|o| {
                    !self.outputs.iter().any(|n| n.document == o.document) && root.join(&o.path).is_file()
                })
                .collect();
            self.outputs.extend(kept);
        }
        self.outputs.sort_by(|a, b| a.document.cmp(&b.document));
        let mut bytes =
            serde_json::to_vec_pretty(&self).map_err(|e| Error::io(path, std::io::Error::other(e)))?;
        bytes.push(b'\n');
        crate::output::write::write_atomic(path, &bytes)
    }
}
