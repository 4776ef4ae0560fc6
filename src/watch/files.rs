//! Which files a watch session watches, and the bursts of changes it waits for.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::error::{Error, Result};
use crate::project::config::CONFIG_FILE;
use crate::project::{Options, Project};

/// How long to wait for further events after the first of a burst (editors write, rename
/// and touch in quick succession).
const SETTLE: Duration = Duration::from_millis(8);
/// The longest a burst of events may delay a rebuild.
const STARVE: Duration = Duration::from_millis(250);

/// Watches the project root (for `yarlung.yaml`) and, recursively, the data, template,
/// image and font folders, the folders of the figure files and the extra font folders.
pub fn watch_paths(
    watcher: &mut RecommendedWatcher,
    watched: &mut HashSet<PathBuf>,
    root: &Path,
    project: Option<&Project>,
    options: &Options,
) -> Result<()> {
    let mut wanted: Vec<(PathBuf, RecursiveMode)> = vec![(root.to_path_buf(), RecursiveMode::NonRecursive)];
    let mut dirs: Vec<PathBuf> =
        ["data", "templates", "images", "fonts"].iter().map(|d| root.join(d)).collect();
    if let Some(project) = project {
        dirs.push(root.join(&project.config.data));
        dirs.extend(project.plans.iter().filter_map(|p| p.template.parent().map(|d| root.join(d))));
        dirs.extend(project.figures.iter().filter_map(|f| f.path.parent().map(|d| root.join(d))));
    }
    dirs.extend(options.font_paths.iter().cloned());
    let output = project.map(|p| root.join(&p.config.output));
    for dir in dirs {
        if dir.is_dir() && dir != root && output.as_ref().is_none_or(|o| !dir.starts_with(o)) {
            wanted.push((dir, RecursiveMode::Recursive));
        }
    }
    for (path, mode) in wanted {
        if watched.insert(path.clone())
            && let Err(error) = watcher.watch(&path, mode)
        {
            watched.remove(&path);
            return Err(Error::input(&path, format!("cannot watch for changes: {error}")));
        }
    }
    Ok(())
}

/// Waits for a burst of relevant changes and returns the changed paths, relative to `root`
/// (font folders outside the project stay absolute).
pub fn wait(
    rx: &Receiver<notify::Result<Event>>,
    root: &Path,
    project: Option<&Project>,
) -> Result<Vec<PathBuf>> {
    let output = project.map(|p| p.config.output.clone()).unwrap_or_else(|| PathBuf::from("out"));
    let mut changed: Vec<PathBuf> = Vec::new();
    let mut first: Option<Instant> = None;
    loop {
        let event = match first {
            None => rx.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(start) if start.elapsed() > STARVE => break,
            Some(_) => rx.recv_timeout(SETTLE),
        };
        let event = match event {
            Ok(event) => event,
            Err(RecvTimeoutError::Timeout) => break,
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Error::input(root, "watching for changes stopped"));
            }
        };
        let event = event.map_err(|e| Error::input(root, format!("watching for changes failed: {e}")))?;
        if !relevant(&event.kind) {
            continue;
        }
        for path in event.paths {
            let rel = path.strip_prefix(root).map(Path::to_path_buf).unwrap_or(path);
            let hidden = rel.file_name().and_then(|n| n.to_str()).is_none_or(|n| {
                n.starts_with('.') || n.ends_with('~') || n.ends_with(".swp") || n.ends_with(".tmp")
            });
            if hidden || rel.starts_with(&output) || (rel.parent() == Some(Path::new("")) && !is_config(&rel))
            {
                continue;
            }
            first.get_or_insert_with(Instant::now);
            if !changed.contains(&rel) {
                changed.push(rel);
            }
        }
    }
    Ok(changed)
}

/// Whether a root-level file name is the project config (other root files are ignored;
/// folders at the root are watched on their own).
fn is_config(rel: &Path) -> bool {
    rel == Path::new(CONFIG_FILE)
}

/// Whether an event may change a file's content.
fn relevant(kind: &EventKind) -> bool {
    use notify::event::ModifyKind;
    match kind {
        EventKind::Any | EventKind::Create(_) | EventKind::Remove(_) => true,
        EventKind::Modify(ModifyKind::Metadata(_) | ModifyKind::Other) => false,
        EventKind::Modify(_) => true,
        EventKind::Access(_) | EventKind::Other => false,
    }
}
