//! The Typst World of one document: project files confined to the root, the document's
//! facts as a virtual file, shared fonts, a fixed date.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::datetime::Time;
use typst_kit::diagnostics::DiagnosticWorld;
use typst_kit::files::{FileLoader, FileStore};
use typst_kit::fonts::FontStore;

use crate::error::{Error, Result};

/// The World a document compiles in.
pub struct YarlungWorld {
    main: FileId,
    fonts: Arc<FontStore>,
    files: FileStore<ProjectFiles>,
    shared: Option<Arc<SharedFiles>>,
    time: Time,
}

/// Project files read and sources parsed once for all the Worlds of one build (the
/// templates and theme every document imports). Files generated for one document are not
/// shared. The watch mode keeps a store per World instead, which it refreshes after edits.
#[derive(Default)]
pub struct SharedFiles {
    /// Parsed sources, by file.
    sources: Mutex<HashMap<FileId, Source>>,
    /// File contents, by file.
    files: Mutex<HashMap<FileId, Bytes>>,
}

/// The standard library every document compiles with (templates read no `sys.inputs`).
fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::builder().build()))
}

/// The value `key` has in `cache`, or the one `load` gives, which is then kept.
fn cached<T: Clone>(
    cache: &Mutex<HashMap<FileId, T>>,
    key: FileId,
    load: impl FnOnce() -> FileResult<T>,
) -> FileResult<T> {
    if let Some(value) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok(value.clone());
    }
    let value = load()?;
    Ok(cache.lock().unwrap_or_else(|p| p.into_inner()).entry(key).or_insert(value).clone())
}

/// Serves files from the project root only, and generated files (the facts) from memory.
pub struct ProjectFiles {
    root: PathBuf,
    generated: Vec<(String, Bytes)>,
}

impl YarlungWorld {
    /// A World for the template `main` (relative to the canonical `root`) that also serves
    /// `generated` files (root-relative virtual path, bytes), such as the facts, and takes
    /// the other files from `shared` when given.
    pub fn new(
        root: &Path,
        main: &Path,
        generated: Vec<(String, Vec<u8>)>,
        fonts: Arc<FontStore>,
        time: Datetime,
        shared: Option<Arc<SharedFiles>>,
    ) -> Result<Self> {
        let vpath = VirtualPath::new(main.to_string_lossy().replace('\\', "/"))
            .map_err(|e| Error::input(main, format!("not a usable template path ({e})")))?;
        let main = RootedPath::new(VirtualRoot::Project, vpath).intern();
        Ok(Self {
            main,
            fonts,
            shared,
            files: FileStore::new(ProjectFiles {
                root: root.to_path_buf(),
                generated: generated.into_iter().map(|(path, data)| (path, Bytes::new(data))).collect(),
            }),
            time: Time::fixed(time)
                .map_err(|e| Error::input(crate::project::config::CONFIG_FILE, e.to_string()))?,
        })
    }
}

impl YarlungWorld {
    /// The store `id` may be taken from: the shared one, unless `id` is generated for this
    /// World.
    fn shared_for(&self, id: FileId) -> Option<&SharedFiles> {
        let generated = &self.files.loader().generated;
        let own = generated.iter().any(|(path, _)| path == id.vpath().get_with_slash());
        self.shared.as_deref().filter(|_| !own)
    }

    /// Prepares the World for another compilation of the same template: `generated` replaces
    /// the served generated files, and every project file is read again on its next use.
    /// Parsed sources are kept and edited in place, so Typst's memoized results for the
    /// unchanged parts of a template are reused (the watch mode relies on this).
    pub fn refresh(&mut self, generated: Vec<(String, Vec<u8>)>) {
        self.files.loader_mut().generated =
            generated.into_iter().map(|(path, data)| (path, Bytes::new(data))).collect();
        self.files.reset();
    }

    /// The project files (root-relative paths) the last compilation read; generated files
    /// are left out.
    pub fn dependencies(&mut self) -> Vec<PathBuf> {
        let (loader, ids) = self.files.dependencies();
        let mut paths: Vec<PathBuf> = ids
            .filter(|id| matches!(id.root(), VirtualRoot::Project))
            .map(|id| id.vpath().get_with_slash().to_string())
            .filter(|path| !loader.generated.iter().any(|(g, _)| g == path))
            .map(|path| PathBuf::from(path.trim_start_matches('/')))
            .collect();
        paths.sort();
        paths
    }
}

impl FileLoader for ProjectFiles {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        let VirtualRoot::Project = id.root() else {
            return Err(FileError::Other(Some(
                "packages are not available; templates use built-in Typst only".into(),
            )));
        };
        let vpath = id.vpath();
        if let Some((_, data)) = self.generated.iter().find(|(path, _)| path == vpath.get_with_slash()) {
            return Ok(data.clone());
        }
        let rel = Path::new(vpath.get_without_slash());
        let real = crate::figures::files::contained(&self.root, rel).map_err(|_| {
            match self.root.join(rel).exists() {
                true => FileError::AccessDenied,
                false => FileError::NotFound(self.root.join(rel)),
            }
        })?;
        std::fs::read(&real).map(Bytes::new).map_err(|e| FileError::from_io(e, &real))
    }
}

impl World for YarlungWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        match self.shared_for(id) {
            Some(shared) => cached(&shared.sources, id, || self.files.source(id)),
            None => self.files.source(id),
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        match self.shared_for(id) {
            Some(shared) => cached(&shared.files, id, || self.files.file(id)),
            None => self.files.file(id),
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, offset: Option<Duration>) -> Option<Datetime> {
        self.time.today(offset)
    }
}

impl DiagnosticWorld for YarlungWorld {
    fn name(&self, id: FileId) -> String {
        id.vpath().get_without_slash().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A World for `main.typ` in `root` with a generated `/facts.json` of `facts`.
    fn world(root: &Path, facts: &str, shared: &Arc<SharedFiles>) -> YarlungWorld {
        let fonts = Arc::new(crate::fonts::store(&[]).expect("embedded fonts"));
        let date = Datetime::from_ymd(2025, 9, 1).expect("a date");
        let generated = vec![("/facts.json".to_string(), facts.as_bytes().to_vec())];
        YarlungWorld::new(root, Path::new("main.typ"), generated, fonts, date, Some(shared.clone()))
            .expect("a World")
    }

    #[test]
    fn worlds_of_a_build_share_sources_but_not_generated_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("main.typ"), "#json(\"/facts.json\").n").expect("writes");
        let shared = Arc::new(SharedFiles::default());
        let (a, b) = (world(dir.path(), "{\"n\": 1}", &shared), world(dir.path(), "{\"n\": 2}", &shared));
        let (sa, sb) = (a.source(a.main()).expect("parsed"), b.source(b.main()).expect("parsed"));
        // One parse: both Worlds hold the same syntax tree.
        assert!(std::ptr::eq(sa.root(), sb.root()));
        let facts =
            RootedPath::new(VirtualRoot::Project, VirtualPath::new("/facts.json").expect("path")).intern();
        assert_eq!(a.file(facts).expect("served").as_slice(), b"{\"n\": 1}");
        assert_eq!(b.file(facts).expect("served").as_slice(), b"{\"n\": 2}");
        // Without a shared store, each World parses its own.
        let own = YarlungWorld { shared: None, ..world(dir.path(), "{}", &shared) };
        assert!(!std::ptr::eq(own.source(own.main()).expect("parsed").root(), sa.root()));
    }
}
