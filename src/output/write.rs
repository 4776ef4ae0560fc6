//! Writing outputs atomically: a temporary file beside the target, renamed into place.

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

/// Writes `bytes` to `path` so that readers see either the old file or the new one, never
/// a part: the data goes to a temporary file in the same folder, is flushed to disk, and
/// is renamed over `path`. On failure the temporary file is removed and `path` is untouched.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write(path, bytes, true)
}

/// Writes `bytes` to `path` atomically like [`write_atomic`], without waiting for the
/// disk: for caches, whose readers check what they read, and for the PDFs `yarlung watch`
/// rewrites at every save (readers still see the old file or the new one, never a part).
pub fn write_quick(path: &Path, bytes: &[u8]) -> Result<()> {
    write(path, bytes, false)
}

/// Writes `bytes` to a temporary file beside `path`, flushed to disk with `sync`, and
/// renames it over `path`.
fn write(path: &Path, bytes: &[u8], sync: bool) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| {
        // A file where a folder of the output path belongs: say which, and what to do.
        match dir.ancestors().find(|a| a.is_file()) {
            Some(file) => Error::input(
                file,
                "is a file where yarlung writes an output folder; move it away or set \
                 `output:` in yarlung.yaml to another folder",
            ),
            None => Error::io(dir, e),
        }
    })?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".yarlung-").suffix(".tmp");
    // The file gets the mode any new file gets under the user's umask (0644 under 022), not
    // a temporary file's 0600: the rename keeps it.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut file = builder.tempfile_in(dir).map_err(|e| Error::io(dir, e))?;
    file.write_all(bytes).map_err(|e| Error::io(path, e))?;
    if sync {
        file.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    }
    file.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}
