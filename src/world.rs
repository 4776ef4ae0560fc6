//! The Typst World of one document: project files confined to the root, the document's
//! facts as a virtual file, shared fonts, a fixed date.

use std::path::{Path, PathBuf};
use std::sync::Arc;

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
    library: LazyHash<Library>,
    fonts: Arc<FontStore>,
    files: FileStore<ProjectFiles>,
    time: Time,
}

/// Serves files from the project root only, and generated files (the facts) from memory.
pub struct ProjectFiles {
    root: PathBuf,
    generated: Vec<(String, Bytes)>,
}

impl YarlungWorld {
    /// A World for the template `main` (relative to the canonical `root`) that also serves
    /// `generated` files (root-relative virtual path, bytes), such as the facts.
    pub fn new(
        root: &Path,
        main: &Path,
        generated: Vec<(String, Vec<u8>)>,
        fonts: Arc<FontStore>,
        time: Datetime,
    ) -> Result<Self> {
        let vpath = VirtualPath::new(main.to_string_lossy().replace('\\', "/"))
            .map_err(|e| Error::input(main, format!("not a usable template path ({e})")))?;
        let main = RootedPath::new(VirtualRoot::Project, vpath).intern();
        Ok(Self {
            main,
            library: LazyHash::new(Library::builder().build()),
            fonts,
            files: FileStore::new(ProjectFiles {
                root: root.to_path_buf(),
                generated: generated.into_iter().map(|(path, data)| (path, Bytes::new(data))).collect(),
            }),
            time: Time::fixed(time).map_err(|e| Error::input(crate::config::CONFIG_FILE, e.to_string()))?,
        })
    }
}

impl YarlungWorld {
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
        let real =
            crate::figures::contained(&self.root, rel).map_err(|_| match self.root.join(rel).exists() {
                true => FileError::AccessDenied,
                false => FileError::NotFound(self.root.join(rel)),
            })?;
        std::fs::read(&real).map(Bytes::new).map_err(|e| FileError::from_io(e, &real))
    }
}

impl World for YarlungWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.files.source(id)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.file(id)
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
