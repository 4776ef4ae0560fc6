//! SHA-256 digests of the files a build reads, each taken once per run while the file
//! keeps its size and modification time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The digests of files by path, with the size and modification time they were taken at.
type Known = HashMap<PathBuf, (u64, Option<SystemTime>, String)>;

/// The file digests this run knows.
fn known() -> &'static Mutex<Known> {
    static KNOWN: OnceLock<Mutex<Known>> = OnceLock::new();
    KNOWN.get_or_init(Mutex::default)
}

/// Remembers `digest` (lowercase hex SHA-256) for the file at `path` while it keeps the
/// size and modification time of `meta`, taken before it was read (the figures, which are
/// read and digested when the project opens).
pub fn remember(path: &Path, meta: &std::fs::Metadata, digest: String) {
    let entry = (meta.len(), meta.modified().ok(), digest);
    known().lock().unwrap_or_else(|p| p.into_inner()).insert(path.to_path_buf(), entry);
}

/// The SHA-256 of the file at `path`, remembered for the run while its size and
/// modification time stay the same (watch mode asks again after every edit).
pub fn file_sha256(path: &Path) -> Result<String> {
    let known = known();
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    let stamp = (meta.len(), meta.modified().ok());
    if let Some((len, modified, digest)) = known.lock().unwrap_or_else(|p| p.into_inner()).get(path)
        && (*len, *modified) == stamp
    {
        return Ok(digest.clone());
    }
    let digest = sha256(&std::fs::read(path).map_err(|e| Error::io(path, e))?);
    known
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(path.to_path_buf(), (stamp.0, stamp.1, digest.clone()));
    Ok(digest)
}
