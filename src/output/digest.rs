//! SHA-256 and SM3 (GB/T 32905, what Chinese archives' intake checks recompute) digests
//! of the files a build reads and writes, each file's taken once per run while it keeps
//! its size and modification time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sm3::Sm3;

use crate::error::{Error, Result};

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Lowercase hex SM3 of `bytes`.
pub fn sm3(bytes: &[u8]) -> String {
    Sm3::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A file's two digests, lowercase hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digests {
    /// SHA-256.
    pub sha256: String,
    /// SM3.
    pub sm3: String,
}

/// Both digests of `bytes`.
pub fn digests(bytes: &[u8]) -> Digests {
    Digests { sha256: sha256(bytes), sm3: sm3(bytes) }
}

/// The digests of files by path, with the size and modification time they were taken at:
/// the SHA-256, and the SM3 once a manifest asked for it.
type Known = HashMap<PathBuf, (u64, Option<SystemTime>, String, Option<String>)>;

/// The file digests this run knows.
fn known() -> &'static Mutex<Known> {
    static KNOWN: OnceLock<Mutex<Known>> = OnceLock::new();
    KNOWN.get_or_init(Mutex::default)
}

/// Remembers `sha256` for the file at `path` while it keeps the size and modification time
/// of `meta`, taken before it was read (the figures, which are read and digested when the
/// project opens; their SM3 is taken only when a manifest lists them, so worker processes,
/// which write none, never take it).
pub fn remember(path: &Path, meta: &std::fs::Metadata, sha256: String) {
    let entry = (meta.len(), meta.modified().ok(), sha256, None);
    known().lock().unwrap_or_else(|p| p.into_inner()).insert(path.to_path_buf(), entry);
}

/// The digests of the file at `path`, remembered for the run while its size and
/// modification time stay the same (watch mode asks again after every edit).
pub fn file_digests(path: &Path) -> Result<Digests> {
    let known = known();
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let stamp = (meta.len(), meta.modified().ok());
    let remembered = known
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(path)
        .filter(|(len, modified, ..)| (*len, *modified) == stamp)
        .map(|(.., sha256, sm3)| (sha256.clone(), sm3.clone()));
    let digest = match remembered {
        Some((sha256, Some(sm3))) => return Ok(Digests { sha256, sm3 }),
        Some((sha256, None)) => {
            Digests { sha256, sm3: sm3(&std::fs::read(path).map_err(|e| Error::io(path, e))?) }
        }
        None => digests(&std::fs::read(path).map_err(|e| Error::io(path, e))?),
    };
    known
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(path.to_path_buf(), (stamp.0, stamp.1, digest.sha256.clone(), Some(digest.sm3.clone())));
    Ok(digest)
}
